/* presence: members' answers (présent, absent, à distance, suppléant, pouvoir), the pouvoirs they
 * give (checked by procuration_check, L2121-20), the secretary's attendance sheet on the day with
 * arrivals and departures per point, and the quorum of every point (seance_quorum, L2121-17). */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "web/pdfdoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mb {
	int64_t id, tit, user;
	char name[300], qualite[16], reponse[16], statut[16], fonction[128];
	int en_exercice, arrive, depart;
	int64_t pouvoir_a;   /* pouvoir given to (membre id) for this séance */
};

struct facts {
	int64_t organe, starts_at;
	int distance, procurations;
	struct mb *m;
	size_t n;
};

static void facts_free(struct facts *f)
{
	free(f->m);
}

static struct mb *find(struct facts *f, int64_t id)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->m[i].id == id)
			return &f->m[i];
	return NULL;
}

static int load(db *d, int64_t tenant, int64_t seance, struct facts *f, struct err *e)
{
	memset(f, 0, sizeof *f);
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT organe_id, starts_at, distance, procurations FROM seances WHERE tenant_id = $1 AND id = $2",
			       "i", seance);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "seance.inconnue", "Séance introuvable.");
	}
	f->organe = db_col_int64(s, 0);
	f->starts_at = db_col_int64(s, 1);
	f->distance = (int)db_col_int64(s, 2);
	f->procurations = (int)db_col_int64(s, 3);
	db_finalize(s);
	size_t cap = 0;
	s = tdb_query(d, tenant, e, &rc,
		      "SELECT m.id, m.titulaire_id, m.user_id, m.first_name, m.last_name, m.qualite, m.en_exercice, "
		      "COALESCE(p.reponse, ''), COALESCE(p.statut, ''), COALESCE(p.arrive_rank, 0), COALESCE(p.depart_rank, 0), m.fonction "
		      "FROM membres m LEFT JOIN presences p ON p.membre_id = m.id AND p.seance_id = $3 "
		      "WHERE m.tenant_id = $1 AND m.organe_id = $2 "
		      "ORDER BY CASE m.qualite WHEN 'titulaire' THEN 0 WHEN 'suppleant' THEN 1 ELSE 2 END, m.last_name, m.first_name",
		      "ii", f->organe, seance);
	while (s && rc == DB_ROW) {
		if (f->n == cap) {
			cap = cap ? cap * 2 : 64;
			f->m = realloc(f->m, cap * sizeof *f->m);
		}
		struct mb *m = &f->m[f->n++];
		memset(m, 0, sizeof *m);
		m->id = db_col_int64(s, 0);
		m->tit = db_col_int64(s, 1);
		m->user = db_col_int64(s, 2);
		snprintf(m->name, sizeof m->name, "%s %s", db_col_text(s, 3), db_col_text(s, 4));
		snprintf(m->qualite, sizeof m->qualite, "%s", db_col_text(s, 5));
		m->en_exercice = (int)db_col_int64(s, 6);
		snprintf(m->reponse, sizeof m->reponse, "%s", db_col_text(s, 7));
		snprintf(m->statut, sizeof m->statut, "%s", db_col_text(s, 8));
		m->arrive = (int)db_col_int64(s, 9);
		m->depart = (int)db_col_int64(s, 10);
		snprintf(m->fonction, sizeof m->fonction, "%s", db_col_text(s, 11));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	s = tdb_query(d, tenant, e, &rc,
		      "SELECT p.mandant_id, p.mandataire_id FROM procurations p JOIN procuration_seances ps ON ps.procuration_id = p.id "
		      "WHERE p.tenant_id = $1 AND ps.seance_id = $2 AND p.revoquee = 0", "i", seance);
	while (s && rc == DB_ROW) {
		struct mb *m = find(f, db_col_int64(s, 0));
		if (m)
			m->pouvoir_a = db_col_int64(s, 1);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return 0;
}

static int upsert(db *d, int64_t tenant, int64_t seance, int64_t membre, const char *set_sql, const char *types, const char *a,
		  int64_t b, int64_t c, int64_t now, struct err *e)
{
	(void)set_sql;
	(void)types;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT membre_id FROM presences WHERE tenant_id = $1 AND seance_id = $2 AND membre_id = $3",
			       "ii", seance, membre);
	if (!s)
		return -1;
	int exists = rc == DB_ROW;
	db_finalize(s);
	if (!exists &&
	    tdb_run(d, tenant, e, "INSERT INTO presences (tenant_id, seance_id, membre_id, updated_at) VALUES ($1,$2,$3,$4)", "iii", seance,
		    membre, now) < 0)
		return -1;
	if (b < 0) /* answer */
		return tdb_run(d, tenant, e,
			       "UPDATE presences SET reponse = $4, reponse_at = $5, updated_at = $5 WHERE tenant_id = $1 AND seance_id = $2 AND membre_id = $3",
			       "iiti", seance, membre, a, now);
	return tdb_run(d, tenant, e,
		       "UPDATE presences SET statut = $4, arrive_rank = $5, depart_rank = $6, updated_at = $7 "
		       "WHERE tenant_id = $1 AND seance_id = $2 AND membre_id = $3",
		       "iitiii", seance, membre, a, b, c, now);
}

int64_t sd_membre_of_user(db *d, int64_t tenant, int64_t seance, int64_t user)
{
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc,
			       "SELECT m.id FROM membres m JOIN seances s ON s.organe_id = m.organe_id WHERE m.tenant_id = $1 AND s.id = $2 "
			       "AND m.user_id = $3 AND m.en_exercice = 1 ORDER BY m.id LIMIT 1", "ii", seance, user);
	int64_t id = s && rc == DB_ROW ? db_col_int64(s, 0) : 0;
	if (s)
		db_finalize(s);
	return id;
}

static int revoke(db *d, int64_t tenant, int64_t seance, int64_t membre, struct err *e)
{
	return tdb_run(d, tenant, e,
		       "UPDATE procurations SET revoquee = 1 WHERE tenant_id = $1 AND mandant_id = $2 AND revoquee = 0 AND id IN "
		       "(SELECT procuration_id FROM procuration_seances WHERE seance_id = $3)", "ii", membre, seance);
}

static int check_pouvoir(db *d, int64_t tenant, int64_t seance, struct facts *f, int64_t mandant, int64_t mandataire, int maladie,
			 struct err *e)
{
	struct seance_personne *conv = calloc(f->n ? f->n : 1, sizeof *conv);
	for (size_t i = 0; i < f->n; i++)
		conv[i] = (struct seance_personne){ f->m[i].id, f->m[i].name, !strcmp(f->m[i].qualite, "titulaire"), f->m[i].en_exercice };
	/* The organe's séances in order, and the pouvoirs already recorded for this séance. */
	long *seances = NULL;
	size_t ns = 0, cap = 0;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM seances WHERE tenant_id = $1 AND organe_id = $2 ORDER BY starts_at, id", "i",
			       f->organe);
	while (s && rc == DB_ROW) {
		if (ns == cap) {
			cap = cap ? cap * 2 : 32;
			seances = realloc(seances, cap * sizeof *seances);
		}
		seances[ns++] = (long)db_col_int64(s, 0);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	struct procuration ex[512];
	long ex_seance = (long)seance;
	size_t nex = 0;
	for (size_t i = 0; i < f->n && nex < 512; i++)
		if (f->m[i].pouvoir_a && f->m[i].id != mandant)
			ex[nex++] = (struct procuration){ .id = (long)(nex + 1), .mandant = (long)f->m[i].id, .mandataire = (long)f->m[i].pouvoir_a,
							  .seances = &ex_seance, .n_seances = 1 };
	struct procuration_ctx ctx = { (long)seance, conv, f->n, seances, ns, ex, nex };
	long one = (long)seance;
	struct procuration p = { .id = 0, .mandant = (long)mandant, .mandataire = (long)mandataire, .seances = &one, .n_seances = 1,
				 .maladie = maladie };
	int r = procuration_check(&ctx, &p, e);
	free(conv);
	free(seances);
	return r;
}

static const char *reponse_label(const char *r)
{
	return !strcmp(r, "present") ? "présent" : !strcmp(r, "absent") ? "absent" : !strcmp(r, "distance") ? "présent à distance"
	       : !strcmp(r, "suppleant") ? "remplacé par son suppléant" : !strcmp(r, "procuration") ? "pouvoir donné" : "sans réponse";
}

int sd_reponse(db *d, int64_t tenant, int64_t seance, int64_t membre, const char *reponse, int64_t mandataire, int maladie,
	       int64_t user, int64_t now, struct err *e)
{
	struct facts f;
	if (sd_seance_ouverte(d, tenant, seance, e) < 0 || load(d, tenant, seance, &f, e) < 0)
		return -1;
	int rc = -1;
	struct mb *m = find(&f, membre);
	if (!m) {
		err_set(e, 404, "membre.inconnu", "Membre introuvable dans l'assemblée de cette séance.");
		goto out;
	}
	if (!reponse || (strcmp(reponse, "present") && strcmp(reponse, "absent") && strcmp(reponse, "distance") &&
			 strcmp(reponse, "suppleant") && strcmp(reponse, "procuration"))) {
		err_set(e, 400, "presence.reponse", "Réponse inconnue : present, absent, distance, suppleant ou procuration.");
		goto out;
	}
	if (!strcmp(reponse, "distance") && !f.distance) {
		err_set(e, 422, "presence.distance",
			"La participation à distance n'est pas ouverte pour cette séance (EPCI à fiscalité propre seulement, CGCT L5211-11-1).");
		goto out;
	}
	if (!strcmp(reponse, "suppleant")) {
		int has = 0;
		for (size_t i = 0; i < f.n; i++)
			has |= f.m[i].tit == membre && f.m[i].en_exercice;
		if (!has) {
			err_set(e, 422, "presence.suppleant", "Vous n'avez pas de suppléant dans cette assemblée.");
			goto out;
		}
	}
	if (!strcmp(reponse, "procuration")) {
		if (!f.procurations) {
			err_set(e, 422, "procuration.fermee", "Les pouvoirs ne sont pas ouverts pour cette séance.");
			goto out;
		}
		if (check_pouvoir(d, tenant, seance, &f, membre, mandataire, maladie, e) < 0)
			goto out;
	}
	int own = db_in_transaction(d) ? 0 : 1;
	if (own && db_begin_write(d, e) < 0)
		goto out;
	char detail[800];
	struct mb *h = find(&f, mandataire);
	snprintf(detail, sizeof detail, "%s : %s%s%s", m->name, reponse_label(reponse), !strcmp(reponse, "procuration") && h ? " à " : "",
		 !strcmp(reponse, "procuration") && h ? h->name : "");
	if (revoke(d, tenant, seance, membre, e) < 0 || upsert(d, tenant, seance, membre, NULL, NULL, reponse, -1, 0, now, e) < 0)
		goto rollback;
	if (!strcmp(reponse, "procuration")) {
		int r2;
		db_stmt *s = tdb_query(d, tenant, e, &r2,
				       "INSERT INTO procurations (tenant_id, organe_id, mandant_id, mandataire_id, maladie, created_at, created_by) "
				       "VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
				       "iiiiii", f.organe, membre, mandataire, (int64_t)maladie, now, user);
		if (!s)
			goto rollback;
		int64_t pid = db_col_int64(s, 0);
		db_finalize(s);
		if (tdb_run(d, tenant, e, "INSERT INTO procuration_seances (tenant_id, procuration_id, seance_id) VALUES ($1,$2,$3)", "ii", pid,
			    seance) < 0)
			goto rollback;
	}
	if (tdb_run(d, tenant, e,
		    "INSERT INTO seance_events (tenant_id, seance_id, membre_id, at, kind, detail) VALUES ($1,$2,$3,$4,'reponse',$5)", "iiit",
		    seance, membre, now, detail) < 0)
		goto rollback;
	if (own && db_commit(d, e) < 0)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	if (own)
		db_rollback(d);
out:
	facts_free(&f);
	return rc;
}

int sd_emargement(db *d, int64_t tenant, int64_t seance, int64_t membre, const char *statut, int arrive, int depart, int64_t now,
		  struct err *e)
{
	if (!statut || (*statut && strcmp(statut, "present") && strcmp(statut, "absent") && strcmp(statut, "excuse") &&
			strcmp(statut, "represente")))
		return err_set(e, 400, "emargement.statut", "Statut inconnu : present, absent, excuse ou represente.");
	if (arrive < 0 || depart < 0 || (arrive && depart && depart < arrive))
		return err_set(e, 400, "emargement.points", "Le départ ne peut précéder l'arrivée.");
	if (sd_seance_ouverte(d, tenant, seance, e) < 0)
		return -1;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT m.id FROM membres m JOIN seances s ON s.organe_id = m.organe_id WHERE m.tenant_id = $1 AND s.id = $2 AND m.id = $3",
			       "ii", seance, membre);
	int ok = s && rc == DB_ROW;
	if (s)
		db_finalize(s);
	if (!ok)
		return err_set(e, 404, "membre.inconnu", "Membre introuvable dans l'assemblée de cette séance.");
	return upsert(d, tenant, seance, membre, NULL, NULL, statut, arrive, depart, now, e);
}

/* Present for point rank k: statut present and within arrival/departure. */
static int present_at(const struct mb *m, int k)
{
	if (strcmp(m->statut, "present") != 0)
		return 0;
	if (m->arrive && k < m->arrive)
		return 0;
	if (m->depart && k > m->depart)
		return 0;
	return 1;
}

/* The seats of point rank k: one per titulaire in office — present (himself, or his suppléant sitting
 * for him, L5211-6), and the pouvoir he exercises (giver absent at that point). sg (may be NULL)
 * receives who sits and the names. Returns the number of seats. */
static size_t seats(struct facts *f, int k, struct quorum_membre *qm, struct sd_siege *sg)
{
	size_t nq = 0;
	for (size_t i = 0; i < f->n; i++) {
		struct mb *m = &f->m[i];
		if (strcmp(m->qualite, "titulaire") != 0 || !m->en_exercice)
			continue;
		int pres = present_at(m, k);
		struct mb *sup = NULL;
		for (size_t j = 0; !pres && j < f->n; j++)
			if (f->m[j].tit == m->id && present_at(&f->m[j], k))
				pres = 1, sup = &f->m[j];
		long de = 0;
		for (size_t j = 0; j < f->n; j++)
			if (f->m[j].pouvoir_a == m->id && !present_at(&f->m[j], k))
				de = (long)f->m[j].id;
		qm[nq] = (struct quorum_membre){ (long)m->id, m->name, pres, 0, pres ? de : 0 };
		if (sg) {
			memset(&sg[nq], 0, sizeof sg[nq]);
			sg[nq].suppleant = sup ? sup->id : 0;
			sg[nq].user = sup ? sup->user : m->user;
			if (sup)
				snprintf(sg[nq].nom, sizeof sg[nq].nom, "%s (suppléant de %s)", sup->name, m->name);
			else
				snprintf(sg[nq].nom, sizeof sg[nq].nom, "%s", m->name);
			snprintf(sg[nq].fonction, sizeof sg[nq].fonction, "%s", m->fonction);
			qm[nq].nom = sg[nq].nom;
		}
		nq++;
	}
	return nq;
}

int sd_point_presence(db *d, int64_t tenant, int64_t seance, int rank, struct sd_point_presence *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct facts f;
	if (load(d, tenant, seance, &f, e) < 0)
		return -1;
	out->membres = calloc(f.n ? f.n : 1, sizeof *out->membres);
	out->sieges = calloc(f.n ? f.n : 1, sizeof *out->sieges);
	out->n = seats(&f, rank, out->membres, out->sieges);
	for (size_t i = 0; i < f.n; i++)
		out->en_exercice += !strcmp(f.m[i].qualite, "titulaire") && f.m[i].en_exercice;
	/* membres[i].nom points into sieges[i] (set by seats): still valid once f is freed */
	out->organe = f.organe;
	out->starts_at = f.starts_at;
	facts_free(&f);
	return 0;
}

void sd_point_presence_free(struct sd_point_presence *p)
{
	free(p->membres);
	free(p->sieges);
	memset(p, 0, sizeof *p);
}

json_t *sd_presences(db *d, int64_t tenant, int64_t seance, struct err *e)
{
	struct facts f;
	if (load(d, tenant, seance, &f, e) < 0)
		return NULL;
	json_t *membres = json_array(), *points = json_array();
	int en_exercice = 0;
	for (size_t i = 0; i < f.n; i++) {
		struct mb *m = &f.m[i];
		if (!strcmp(m->qualite, "titulaire") && m->en_exercice)
			en_exercice++;
		struct mb *h = m->pouvoir_a ? find(&f, m->pouvoir_a) : NULL, *tit = m->tit ? find(&f, m->tit) : NULL;
		const char *de = "";
		for (size_t k = 0; k < f.n; k++)
			if (f.m[k].pouvoir_a == m->id)
				de = f.m[k].name;
		json_array_append_new(membres,
				      json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:I,s:s,s:s,s:b,s:b,s:b,s:b,s:b,s:b}", "id", (json_int_t)m->id, "nom",
						m->name, "qualite", m->qualite, "reponse", m->reponse, "reponse_libelle", reponse_label(m->reponse),
						"statut", m->statut, "arrivee", m->arrive, "depart", m->depart, "pouvoir_a", h ? h->name : "",
						"pouvoir_a_id", (json_int_t)m->pouvoir_a, "pouvoir_de", de, "titulaire_nom", tit ? tit->name : "",
						"titulaire", !strcmp(m->qualite, "titulaire"), "s_present", !strcmp(m->statut, "present"),
						"s_absent", !strcmp(m->statut, "absent"), "s_excuse", !strcmp(m->statut, "excuse"),
						"s_represente", !strcmp(m->statut, "represente"), "en_exercice", m->en_exercice));
	}
	/* Points of the agenda (a séance without points: one line for the séance). */
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT rank, title FROM seance_points WHERE tenant_id = $1 AND seance_id = $2 ORDER BY rank",
			       "i", seance);
	int ranks[512], np = 0;
	char titles[512][160];
	while (s && rc == DB_ROW && np < 512) {
		ranks[np] = (int)db_col_int64(s, 0);
		snprintf(titles[np], sizeof titles[np], "%s", db_col_text(s, 1));
		np++;
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	if (!np) {
		ranks[0] = 1;
		snprintf(titles[0], sizeof titles[0], "Séance");
		np = 1;
	}
	struct quorum_membre *qm = calloc(f.n ? f.n : 1, sizeof *qm);
	for (int p = 0; p < np; p++) {
		size_t nq = seats(&f, ranks[p], qm, NULL);
		struct quorum_in in = { en_exercice, qm, nq, 0 };
		struct quorum_out out;
		struct err qe = { 0 };
		if (seance_quorum(&in, &out, &qe) < 0)
			json_array_append_new(points, json_pack("{s:i,s:s,s:s}", "rang", ranks[p], "titre", titles[p], "erreur", qe.msg));
		else
			json_array_append_new(points, json_pack("{s:i,s:s,s:i,s:i,s:b,s:i,s:s}", "rang", ranks[p], "titre", titles[p], "presents",
								out.presents, "requis", out.requis, "atteint", out.atteint, "representes",
								out.representes, "regle", out.regle));
	}
	free(qm);
	facts_free(&f);
	return json_pack("{s:o,s:o,s:i,s:i}", "membres", membres, "points", points, "en_exercice", en_exercice, "requis", en_exercice / 2 + 1);
}

/* The feuille d'émargement (PDF): members with answer, pouvoir and statut, a column to sign, and the
 * quorum of every point. */
int sd_emargement_pdf(db *d, int64_t tenant, int64_t seance, const char *path, struct err *e)
{
	json_t *s = sd_seance_json(d, tenant, seance, e);
	if (!s)
		return -1;
	json_t *p = sd_presences(d, tenant, seance, e);
	if (!p) {
		json_decref(s);
		return -1;
	}
	pdfdoc *doc = pdfdoc_new(path, "Opale — feuille d'émargement", e);
	if (!doc) {
		json_decref(s);
		json_decref(p);
		return -1;
	}
	char line[1024];
	pdfdoc_title(doc, "Feuille d'émargement");
	snprintf(line, sizeof line, "%s — séance « %s » du %s%s%s.", sd_str(s, "organe_nom"), sd_str(s, "titre"), sd_str(s, "quand"),
		 *sd_str(s, "lieu") ? ", " : "", sd_str(s, "lieu"));
	pdfdoc_para(doc, line);
	snprintf(line, sizeof line, "Membres en exercice : %d — quorum : %d présents (CGCT L2121-17 ; les pouvoirs ne comptent pas).",
		 (int)sd_int(p, "en_exercice", 0), (int)sd_int(p, "requis", 0));
	pdfdoc_para(doc, line);
	static const double w[] = { 0.30, 0.18, 0.22, 0.30 };
	const char *head[] = { "Membre", "Réponse", "Pouvoir", "Signature" };
	pdfdoc_row(doc, 4, w, head, 1);
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(p, "membres"), i, m) {
		char name[400], pouvoir[400];
		snprintf(name, sizeof name, "%s%s%s%s", sd_str(m, "nom"), strcmp(sd_str(m, "qualite"), "titulaire") ? " (" : "",
			 strcmp(sd_str(m, "qualite"), "titulaire") ? sd_str(m, "qualite") : "", strcmp(sd_str(m, "qualite"), "titulaire") ? ")" : "");
		snprintf(pouvoir, sizeof pouvoir, "%s%s%s%s", *sd_str(m, "pouvoir_a") ? "donné à " : "", sd_str(m, "pouvoir_a"),
			 *sd_str(m, "pouvoir_de") ? "porte celui de " : "", sd_str(m, "pouvoir_de"));
		const char *cells[] = { name, sd_str(m, "reponse_libelle"), pouvoir, "" };
		pdfdoc_row(doc, 4, w, cells, 0);
	}
	pdfdoc_heading(doc, "Quorum par point");
	json_array_foreach(json_object_get(p, "points"), i, m) {
		snprintf(line, sizeof line, "%d. %s — %s", (int)sd_int(m, "rang", 0), sd_str(m, "titre"),
			 *sd_str(m, "regle") ? sd_str(m, "regle") : sd_str(m, "erreur"));
		pdfdoc_para(doc, line);
	}
	json_decref(s);
	json_decref(p);
	return pdfdoc_finish(doc, e);
}
