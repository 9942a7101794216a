/* vote: the ballot of an agenda point — public (one vote by name per seat and per pouvoir exercised)
 * or secret (totals) — counted and decided by seance_vote() (quorum.c) against the attendance and
 * quorum of that point, and the délibération it becomes: an act of nature 1 « Délibérations »
 * (actes_db_create, numbered by the allocator), created in the same transaction as the vote.
 * Tables: src/db/migrations/0041_votes.sql; described in docs/seances.md « Votes ». */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
#include "actes/registre.h"
#include "core/config.h"
#include "core/dates.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "store/store.h"
#include "web/pdfdoc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const choix_keys[] = { "", "pour", "contre", "abstention", "nppv" };
static const char *const choix_labels[] = { "", "pour", "contre", "abstention", "ne prend pas part au vote" };

static int choix_parse(const char *s)
{
	for (int i = VOTE_POUR; i <= VOTE_NPPV; i++)
		if (s && strcmp(s, choix_keys[i]) == 0)
			return i;
	return 0;
}

struct point_info {
	int64_t id, seance, starts_at;
	int rank;
	char title[1024], matiere[32], seance_title[512], date[11];
	char sha[65], doc_name[256];   /* the point's principal PDF ("" = none) */
};

static int point_load(db *d, int64_t tenant, int64_t seance, int64_t point, struct point_info *p, struct err *e)
{
	memset(p, 0, sizeof *p);
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT p.rank, p.title, p.matiere, s.starts_at, s.title FROM seance_points p JOIN seances s ON s.id = p.seance_id"
			       " WHERE p.tenant_id = $1 AND p.id = $2 AND p.seance_id = $3", "ii", point, seance);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "point.inconnu", "Point introuvable dans cette séance.");
	}
	p->id = point;
	p->seance = seance;
	p->rank = (int)db_col_int64(s, 0);
	snprintf(p->title, sizeof p->title, "%s", db_col_text(s, 1));
	snprintf(p->matiere, sizeof p->matiere, "%s", db_col_text(s, 2));
	p->starts_at = db_col_int64(s, 3);
	snprintf(p->seance_title, sizeof p->seance_title, "%s", db_col_text(s, 4));
	db_finalize(s);
	struct paris_time pt;
	if (paris_from_utc(p->starts_at, &pt, e) < 0)
		return -1;
	date_format(pt.date, p->date);
	s = tdb_query(d, tenant, e, &rc,
		      "SELECT sha256, name FROM seance_docs WHERE tenant_id = $1 AND point_id = $2 AND kind = 'principal'"
		      " AND mime = 'application/pdf' ORDER BY id DESC LIMIT 1", "i", point);
	if (!s)
		return -1;
	if (rc == DB_ROW) {
		snprintf(p->sha, sizeof p->sha, "%s", db_col_text(s, 0));
		snprintf(p->doc_name, sizeof p->doc_name, "%s", db_col_text(s, 1));
	}
	db_finalize(s);
	return 0;
}

/* The seat presiding by default: the titulaire whose fonction begins with « Président(e) » or « Maire »
 * (vice-présidents excluded). 0 when none. */
static long guess_president(const struct sd_point_presence *pp)
{
	for (size_t i = 0; i < pp->n; i++) {
		const char *f = pp->sieges[i].fonction;
		if (strncasecmp(f, "Président", strlen("Président")) == 0 || strncasecmp(f, "Maire", 5) == 0)
			return pp->membres[i].id;
	}
	return 0;
}

static struct quorum_membre *seat(struct sd_point_presence *pp, long id)
{
	for (size_t i = 0; i < pp->n; i++)
		if (pp->membres[i].id == id)
			return &pp->membres[i];
	return NULL;
}

/* The délibération already made from the point: act id, state and number (0 when none). */
static int64_t deliberation_of(db *d, int64_t tenant, int64_t point, char state[32], char numero[32], struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT a.id, a.state, a.numero FROM seance_deliberations l JOIN actes a ON a.id = l.acte_id"
			       " WHERE l.tenant_id = $1 AND l.point_id = $2", "i", point);
	if (!s)
		return -1;
	int64_t id = 0;
	if (rc == DB_ROW) {
		id = db_col_int64(s, 0);
		snprintf(state, 32, "%s", db_col_text(s, 1));
		snprintf(numero, 32, "%s", db_col_text(s, 2));
	}
	db_finalize(s);
	return id;
}

/* A délibération that left the draft state keeps its vote. */
static int locked(const char *state, const char *numero, struct err *e)
{
	if (strcmp(state, ACTE_BROUILLON) == 0)
		return 0;
	return err_set(e, 409, "vote.deliberation_transmise",
		       "La délibération n° %s issue de ce vote n'est plus un brouillon (%s) : le vote ne peut plus être modifié.",
		       numero, actes_state_label(state));
}

static int copy_file(const char *from, const char *to)
{
	buf b = BUF_INIT;
	int rc = buf_read_file(&b, from, (size_t)1 << 31) < 0 || buf_write_file_atomic(&b, to) < 0 ? -1 : 0;
	buf_free(&b);
	return rc;
}

/* The délibération's document: the point's principal PDF (a hard link next to its blob, consumed by
 * actes_db_create), or, without one, a generated one-page PDF (objet, séance, result). */
static int deliberation_doc(const struct point_info *p, const struct vote_out *v, char path[1300], char sha[65], struct err *e)
{
	static unsigned seq;
	if (p->sha[0]) {
		char blob[1200];
		store_path(p->sha, blob, sizeof blob);
		snprintf(path, 1300, "%s.delib-%d-%u", blob, (int)getpid(), __atomic_add_fetch(&seq, 1, __ATOMIC_SEQ_CST));
		if (link(blob, path) < 0 && copy_file(blob, path) < 0)   /* a blob store without hard links: a copy */
			return err_set(e, 500, "vote.document", "Document du point illisible.");
		memcpy(sha, p->sha, 65);
		return 0;
	}
	snprintf(path, 1300, "%s/tmp/deliberation-%d-%u.pdf", cfg.data_dir, (int)getpid(), __atomic_add_fetch(&seq, 1, __ATOMIC_SEQ_CST));
	pdfdoc *doc = pdfdoc_new(path, "Opale — délibération", e);
	if (!doc)
		return -1;
	char line[2048], fr[40];
	struct date dd;
	date_parse(p->date, &dd, NULL);
	pdfdoc_title(doc, p->title);
	snprintf(line, sizeof line, "Séance « %s » du %s.", p->seance_title, date_format_fr(dd, fr));
	pdfdoc_para(doc, line);
	pdfdoc_para(doc, v->resultat);
	uint64_t size;
	if (pdfdoc_finish(doc, e) < 0)
		return -1;
	if (store_hash_file(path, sha, &size) < 0)
		return err_set(e, 500, "vote.document", "Document de la délibération illisible.");
	return 0;
}

/* Stores the counted vote (replacing a previous one) with its bulletins. */
static int store_vote(db *d, int64_t tenant, const struct point_info *p, const struct vote_in *in, const struct vote_out *v,
		      const struct sd_point_presence *pp, int64_t user, int64_t now, struct err *e)
{
	if (tdb_run(d, tenant, e, "DELETE FROM seance_bulletins WHERE tenant_id = $1 AND vote_id IN (SELECT id FROM seance_votes WHERE point_id = $2)",
		    "i", p->id) < 0 ||
	    tdb_run(d, tenant, e, "DELETE FROM seance_votes WHERE tenant_id = $1 AND point_id = $2", "i", p->id) < 0)
		return -1;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "INSERT INTO seance_votes (tenant_id, seance_id, point_id, secret, president_id, pour, contre, abstention, nppv,"
			       " exprimes, en_exercice, presents, representes, quorum, adopte, voix_preponderante, resultat, recorded_at,"
			       " recorded_by, sans_quorum) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
			       " RETURNING id",
			       "iiiiiiiiiiiiiiitiii", p->seance, p->id, (int64_t)in->secret, (int64_t)in->president, (int64_t)v->pour,
			       (int64_t)v->contre, (int64_t)v->abstention, (int64_t)v->nppv, (int64_t)v->exprimes,
			       (int64_t)v->scdl_effectif, (int64_t)v->quorum.presents, (int64_t)v->quorum.representes,
			       (int64_t)v->quorum.requis, (int64_t)v->adopte, (int64_t)v->voix_preponderante, v->resultat, now, user,
			       (int64_t)in->presence->sans_quorum);
	if (!s)
		return -1;
	int64_t vid = db_col_int64(s, 0);
	db_finalize(s);
	for (size_t i = 0; i < in->n_bulletins; i++) {
		const struct vote_bulletin *b = &in->bulletins[i];
		int64_t sup = 0;
		for (size_t k = 0; k < pp->n; k++)
			if (pp->membres[k].id == b->votant)
				sup = pp->sieges[k].suppleant;
		if (tdb_run(d, tenant, e,
			    "INSERT INTO seance_bulletins (tenant_id, vote_id, membre_id, pour_compte_de, suppleant_id, choix) VALUES ($1, $2, $3, $4, $5, $6)",
			    "iiiit", vid, (int64_t)b->votant, (int64_t)b->pour_compte_de, sup, choix_keys[b->choix]) < 0)
			return -1;
	}
	/* Secret ballot: who withdrew is public (they leave the room), recorded as nppv without a vote. */
	for (size_t k = 0; in->secret && k < pp->n; k++)
		if (pp->membres[k].retire &&
		    tdb_run(d, tenant, e,
			    "INSERT INTO seance_bulletins (tenant_id, vote_id, membre_id, pour_compte_de, suppleant_id, choix) VALUES ($1, $2, $3, 0, $4, 'nppv')",
			    "iii", vid, (int64_t)pp->membres[k].id, pp->sieges[k].suppleant) < 0)
			return -1;
	return 0;
}

/* Creates the délibération (or updates the draft one: same number) and links it to the point. */
static int make_deliberation(db *d, int64_t tenant, const struct point_info *p, const struct vote_out *v, int64_t existing,
			     int64_t user, int64_t now, int64_t *acte, struct err *e)
{
	if (existing) {
		*acte = existing;
		if (actes_db_update_draft(d, tenant, existing, user, p->title, p->date, p->matiere, v->resultat, e) < 0) {
			if (strcmp(e->code, "actes.etat") == 0)
				err_set(e, 409, "vote.deliberation_transmise",
					"La délibération de ce point vient de quitter l'état de brouillon : le vote ne peut plus être modifié.");
			return -1;
		}
		return 0;
	}
	char path[1300], sha[65];
	if (deliberation_doc(p, v, path, sha, e) < 0)
		return -1;
	char name[300];
	snprintf(name, sizeof name, "%s", p->doc_name[0] ? p->doc_name : "deliberation.pdf");
	struct actes_new n = { .numero = NULL, .objet = p->title, .date_decision = p->date, .matiere = p->matiere,
			       .type_piece = "99_DE", .nature = 1, .acte = { name, path, sha, "99_DE" } };
	struct actes_report rep = { 0 };
	int rc = actes_db_create(d, tenant, user, &n, &rep, acte, e);
	unlink(path);   /* already consumed by the store on success; ours to remove otherwise */
	if (rc < 0) {
		if (rep.n)
			err_set(e, 422, "vote.deliberation", "La délibération ne peut pas être créée : %s", rep.items[0].msg);
		actes_report_free(&rep);
		return -1;
	}
	actes_report_free(&rep);
	/* Second convocation: the délibération's history says it was taken without quorum condition. */
	if (strstr(v->resultat, "seconde convocation") && actes_db_event(d, tenant, *acte, user, "vote", v->resultat, e) < 0)
		return -1;
	return tdb_run(d, tenant, e, "INSERT INTO seance_deliberations (tenant_id, point_id, seance_id, acte_id, created_at) VALUES ($1, $2, $3, $4, $5)",
		       "iiii", p->id, p->seance, *acte, now);
}

int sd_vote_record(db *d, int64_t tenant, int64_t seance, int64_t point, json_t *j, int64_t user, int64_t now,
		   struct sd_vote_done *done, struct err *e)
{
	memset(done, 0, sizeof *done);
	struct point_info p;
	if (point_load(d, tenant, seance, point, &p, e) < 0 || sd_seance_ouverte(d, tenant, seance, e) < 0)
		return -1;
	struct paris_time today;
	char td[11];
	if (paris_from_utc(now, &today, e) < 0)
		return -1;
	if (strcmp(p.date, date_format(today.date, td)) > 0)
		return err_set(e, 422, "vote.avant_seance",
			       "La séance du %s n'a pas encore eu lieu : les votes s'enregistrent le jour de la séance ou après.", p.date);
	if (!p.matiere[0])
		return err_set(e, 422, "vote.matiere",
			       "Le point n'a pas de matière ACTES (par exemple 5.7) : renseignez-la dans l'ordre du jour, la "
			       "délibération en a besoin pour la transmission au contrôle de légalité.");
	char state[32] = "", numero[32] = "";
	int64_t existing = deliberation_of(d, tenant, point, state, numero, e);
	if (existing < 0 || (existing && locked(state, numero, e) < 0))
		return -1;
	struct sd_point_presence pp;
	if (sd_point_presence(d, tenant, seance, p.rank, &pp, e) < 0)
		return -1;
	int ret = -1;
	struct vote_bulletin *b = NULL;
	struct vote_in in = { .secret = sd_bool(j, "secret") };
	in.president = (long)sd_int(j, "president", 0);
	if (!in.president)
		in.president = guess_president(&pp);
	if (in.president && !seat(&pp, in.president)) {
		err_set(e, 422, "vote.president", "Le président de séance doit être un membre titulaire en exercice de l'assemblée.");
		goto out;
	}
	json_t *list = json_object_get(j, in.secret ? "retires" : "bulletins");
	if (list && !json_is_array(list)) {
		err_set(e, 400, "vote.format", in.secret ? "« retires » : liste d'identifiants de membres attendue."
							 : "« bulletins » : liste de {membre, pour_compte_de, choix} attendue.");
		goto out;
	}
	size_t nb = json_array_size(list), i;
	json_t *it;
	b = calloc(nb ? nb : 1, sizeof *b);
	json_array_foreach(list, i, it) {
		if (in.secret) {
			struct quorum_membre *m = seat(&pp, (long)json_integer_value(it));
			if (!m || !m->present) {
				err_set(e, 422, "vote.retire", "Seul un membre présent peut se retirer pour ce point (membre n° %lld).",
					(long long)json_integer_value(it));
				goto out;
			}
			m->retire = 1;
			continue;
		}
		struct vote_bulletin *v = &b[in.n_bulletins++];
		v->votant = (long)sd_int(it, "membre", 0);
		v->pour_compte_de = (long)sd_int(it, "pour_compte_de", 0);
		v->choix = (enum vote_choix)choix_parse(sd_str(it, "choix"));
		if (!v->choix) {
			err_set(e, 400, "vote.choix", "Sens de vote inconnu « %s » : pour, contre, abstention ou nppv (ne prend pas part).",
				sd_str(it, "choix"));
			goto out;
		}
		/* « Ne prend pas part » : withdrawn for this point, not counted for the quorum. */
		struct quorum_membre *w = seat(&pp, v->pour_compte_de ? v->pour_compte_de : v->votant);
		if (v->choix == VOTE_NPPV && w)
			w->retire = 1;
	}
	in.bulletins = b;
	if (in.secret) {
		in.pour = (int)sd_int(j, "pour", -1);
		in.contre = (int)sd_int(j, "contre", -1);
		in.abstention = (int)sd_int(j, "abstention", 0);
		if (in.pour < 0 || in.contre < 0) {
			err_set(e, 400, "vote.total", "Scrutin secret : indiquez le nombre de voix pour et contre (et les blancs, nuls ou abstentions).");
			goto out;
		}
	}
	struct quorum_in q = { pp.en_exercice, pp.membres, pp.n, 0 };
	in.presence = &q;
	struct vote_out v;
	/* Second convocation (L2121-17 al. 2): without quorum, a point of the first agenda is still voted. */
	struct quorum_out qo;
	if (seance_quorum(&q, &qo, e) == 0 && !qo.atteint && (q.sans_quorum = sd_sans_quorum(d, tenant, seance, point, e)) < 0)
		goto out;
	if (seance_vote(&in, &v, e) < 0)
		goto out;
	if (q.sans_quorum) {
		size_t l = strlen(v.resultat);
		snprintf(v.resultat + l, sizeof v.resultat - l, " Le conseil, réuni sur seconde convocation, sans condition de quorum (CGCT art. L2121-17 al. 2).");
	}
	int own = !db_in_transaction(d);
	if (own && db_begin_write(d, e) < 0)
		goto out;
	int64_t acte = 0;
	/* Again inside the transaction: the draft may have been transmitted meanwhile. */
	existing = deliberation_of(d, tenant, point, state, numero, e);
	if (existing < 0 || (existing && locked(state, numero, e) < 0) ||
	    store_vote(d, tenant, &p, &in, &v, &pp, user, now, e) < 0 ||
	    make_deliberation(d, tenant, &p, &v, existing, user, now, &acte, e) < 0 || (own && db_commit(d, e) < 0)) {
		if (own)
			db_rollback(d);
		if (strcmp(e->code, "db.conflict") == 0)   /* PostgreSQL: another vote of this point committed first */
			err_set(e, 409, "vote.concurrent",
				"Un autre vote de ce point vient d'être enregistré : rechargez la page pour le voir avant de le corriger.");
		goto out;
	}
	done->adopte = v.adopte;
	done->acte = acte;
	deliberation_of(d, tenant, point, state, done->numero, e);
	snprintf(done->resultat, sizeof done->resultat, "%s", v.resultat);
	ret = 0;
out:
	free(b);
	sd_point_presence_free(&pp);
	return ret;
}

static json_t *deliberation_json(db *d, int64_t tenant, int64_t point, struct err *e)
{
	char state[32] = "", numero[32] = "";
	int64_t id = deliberation_of(d, tenant, point, state, numero, e);
	if (id <= 0)
		return json_null();
	char url[64];
	snprintf(url, sizeof url, "/actes/%lld", (long long)id);
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:b}", "acte", (json_int_t)id, "numero", numero, "etat", state, "etat_libelle",
			 actes_state_label(state), "url", url, "brouillon", strcmp(state, ACTE_BROUILLON) == 0);
}

/* The recorded vote of a point (null when none), with its bulletins by name. */
static json_t *vote_row_json(db *d, int64_t tenant, int64_t point, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT id, secret, president_id, pour, contre, abstention, nppv, exprimes, en_exercice, presents, representes,"
			       " quorum, adopte, voix_preponderante, resultat, recorded_at FROM seance_votes WHERE tenant_id = $1 AND point_id = $2",
			       "i", point);
	if (!s)
		return NULL;
	if (rc != DB_ROW) {
		db_finalize(s);
		return json_null();
	}
	int64_t vid = db_col_int64(s, 0);
	json_t *v = json_pack("{s:b,s:I,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:b,s:b,s:s,s:I,s:i}", "secret", (int)db_col_int64(s, 1),
			      "president", (json_int_t)db_col_int64(s, 2), "pour", (int)db_col_int64(s, 3), "contre", (int)db_col_int64(s, 4),
			      "abstention", (int)db_col_int64(s, 5), "nppv", (int)db_col_int64(s, 6), "exprimes", (int)db_col_int64(s, 7),
			      "en_exercice", (int)db_col_int64(s, 8), "presents", (int)db_col_int64(s, 9), "representes",
			      (int)db_col_int64(s, 10), "quorum", (int)db_col_int64(s, 11), "adopte", (int)db_col_int64(s, 12),
			      "voix_preponderante", (int)db_col_int64(s, 13), "resultat", db_col_text(s, 14), "enregistre_le",
			      (json_int_t)db_col_int64(s, 15), "votants",
			      (int)(db_col_int64(s, 3) + db_col_int64(s, 4) + db_col_int64(s, 5)));
	db_finalize(s);
	json_t *bl = json_array();
	s = tdb_query(d, tenant, e, &rc,
		      "SELECT b.membre_id, b.pour_compte_de, b.suppleant_id, b.choix, m.first_name, m.last_name,"
		      " COALESCE(g.first_name, ''), COALESCE(g.last_name, ''), COALESCE(u.first_name, ''), COALESCE(u.last_name, '')"
		      " FROM seance_bulletins b JOIN membres m ON m.id = b.membre_id LEFT JOIN membres g ON g.id = b.pour_compte_de"
		      " LEFT JOIN membres u ON u.id = b.suppleant_id WHERE b.tenant_id = $1 AND b.vote_id = $2"
		      " ORDER BY m.last_name, m.first_name, b.pour_compte_de", "i", vid);
	while (s && rc == DB_ROW) {
		char nom[700], de[300] = "";
		if (db_col_int64(s, 2))
			snprintf(nom, sizeof nom, "%s %s (suppléant de %s %s)", db_col_text(s, 8), db_col_text(s, 9), db_col_text(s, 4),
				 db_col_text(s, 5));
		else
			snprintf(nom, sizeof nom, "%s %s", db_col_text(s, 4), db_col_text(s, 5));
		if (db_col_int64(s, 1))
			snprintf(de, sizeof de, "%s %s", db_col_text(s, 6), db_col_text(s, 7));
		int c = choix_parse(db_col_text(s, 3));
		json_array_append_new(bl, json_pack("{s:I,s:s,s:I,s:s,s:I,s:s,s:s}", "membre", (json_int_t)db_col_int64(s, 0), "nom", nom,
						    "pour_compte_de", (json_int_t)db_col_int64(s, 1), "pour_compte_de_nom", de,
						    "suppleant", (json_int_t)db_col_int64(s, 2), "choix", db_col_text(s, 3),
						    "choix_libelle", choix_labels[c]));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	json_object_set_new(v, "bulletins", bl);
	return v;
}

json_t *sd_vote_json(db *d, int64_t tenant, int64_t seance, int64_t point, struct err *e)
{
	struct point_info p;
	if (point_load(d, tenant, seance, point, &p, e) < 0)
		return NULL;
	struct sd_point_presence pp;
	if (sd_point_presence(d, tenant, seance, p.rank, &pp, e) < 0)
		return NULL;
	struct quorum_in q = { pp.en_exercice, pp.membres, pp.n, 0 };
	struct quorum_out qo;
	struct err qe = { 0 };
	json_t *quorum = seance_quorum(&q, &qo, &qe) < 0
				 ? json_pack("{s:s}", "erreur", qe.msg)
				 : json_pack("{s:i,s:i,s:b,s:i,s:s}", "presents", qo.presents, "requis", qo.requis, "atteint", qo.atteint,
					     "representes", qo.representes, "regle", qo.regle);
	json_t *sieges = json_array();
	for (size_t i = 0; i < pp.n; i++) {
		const struct quorum_membre *m = &pp.membres[i], *g = m->pouvoir_de ? seat(&pp, m->pouvoir_de) : NULL;
		json_array_append_new(sieges, json_pack("{s:I,s:s,s:b,s:I,s:s,s:I,s:s}", "membre", (json_int_t)m->id, "nom", pp.sieges[i].nom,
							"present", m->present, "pouvoir_de", (json_int_t)m->pouvoir_de, "pouvoir_de_nom",
							g ? g->nom : "", "suppleant", (json_int_t)pp.sieges[i].suppleant, "fonction",
							pp.sieges[i].fonction));
	}
	json_t *vote = vote_row_json(d, tenant, point, e);
	json_t *delib = vote ? deliberation_json(d, tenant, point, e) : NULL;
	long pres = guess_president(&pp);
	sd_point_presence_free(&pp);
	if (!vote || !delib) {
		json_decref(quorum);
		json_decref(sieges);
		json_decref(vote);
		return NULL;
	}
	return json_pack("{s:I,s:I,s:i,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:I}", "seance", (json_int_t)seance, "point", (json_int_t)point, "rang",
			 p.rank, "titre", p.title, "matiere", p.matiere, "date", p.date, "quorum", quorum, "sieges", sieges, "vote", vote,
			 "deliberation", delib, "president_defaut", (json_int_t)pres);
}

json_t *sd_votes_seance(db *d, int64_t tenant, int64_t seance, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT v.point_id, v.adopte, v.pour, v.contre, v.abstention, v.nppv, v.secret, v.resultat,"
			       " COALESCE(a.id, 0), COALESCE(a.numero, ''), COALESCE(a.state, '') FROM seance_votes v"
			       " LEFT JOIN seance_deliberations l ON l.point_id = v.point_id LEFT JOIN actes a ON a.id = l.acte_id"
			       " WHERE v.tenant_id = $1 AND v.seance_id = $2", "i", seance);
	if (!s)
		return NULL;
	json_t *o = json_object();
	while (rc == DB_ROW) {
		char key[32];
		snprintf(key, sizeof key, "%lld", (long long)db_col_int64(s, 0));
		json_object_set_new(o, key,
				    json_pack("{s:b,s:i,s:i,s:i,s:i,s:b,s:s,s:I,s:s,s:s}", "adopte", (int)db_col_int64(s, 1), "pour",
					      (int)db_col_int64(s, 2), "contre", (int)db_col_int64(s, 3), "abstention", (int)db_col_int64(s, 4),
					      "nppv", (int)db_col_int64(s, 5), "secret", (int)db_col_int64(s, 6), "resultat", db_col_text(s, 7),
					      "acte", (json_int_t)db_col_int64(s, 8), "numero", db_col_text(s, 9), "etat_libelle",
					      actes_state_label(db_col_text(s, 10))));
		rc = db_step(s, e);
	}
	db_finalize(s);
	return o;
}
