/* publier_db: publishing an act (copy built, stored, recorded, indexed), reading publications for the
 * act page and the public portal (search over the FTS of migration 0050), the SCDL CSV of the
 * published deliberations. Every query is tenant-scoped (src/db/tenant.h). */
#include "publication/publier.h"
#include "actes/registre.h"
#include "core/dates.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "publication/publication.h"
#include "search/search.h"
#include "store/store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int pub_copy(const void *pdf, size_t len, const char *const *lines, size_t n, const struct pub_redact *rd, int *hits,
	     buf *out, struct err *e)
{
	if (rd && (rd->n_words || rd->n_zones)) {
		buf red = BUF_INIT;
		int rc = pub_redact_pdf(pdf, len, rd, hits, &red, e) < 0 ||
				 actes_stamp_pdf_at(red.data, red.len, lines, n, ACTES_STAMP_BOTTOM_LEFT, out, e) < 0
			 ? -1
			 : 0;
		buf_free(&red);
		return rc;
	}
	return actes_stamp_pdf_at(pdf, len, lines, n, ACTES_STAMP_BOTTOM_LEFT, out, e);
}

int pub_executoire(const char *state, const char *date_ar, const char *date_publication, char out[11])
{
	out[0] = '\0';
	if (!date_publication || strlen(date_publication) != 10)
		return 0;
	/* never sent to the prefecture (draft): publication alone makes it executory */
	if (!state || strcmp(state, "brouillon") == 0) {
		memcpy(out, date_publication, 11);
		return 1;
	}
	if (strcmp(state, "acquitte") != 0 || !date_ar || strlen(date_ar) < 10)
		return 0;   /* sent, no acknowledgement yet (or refused, cancelled): not executory */
	const char *m = strncmp(date_ar, date_publication, 10) > 0 ? date_ar : date_publication;
	memcpy(out, m, 10);
	out[10] = '\0';
	return 1;
}

#define TEXT_MAX (64 * 1024)   /* published text kept in the index, per act */

/* "YYYY-MM-DD" → "DD/MM/YYYY". */
static void fr(char out[11], const char *iso)
{
	snprintf(out, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

static void today_paris(int64_t now, char out[11])
{
	struct paris_time pt;
	struct err e;
	if (paris_from_utc(now, &pt, &e) < 0) {
		time_t t = (time_t)now;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(out, 11, "%Y-%m-%d", &tm);
		return;
	}
	date_format(pt.date, out);
}

/* Case-insensitive (ASCII folding of both) containment, for the object check. */
static int folded_contains(const char *hay, const char *needle)
{
	buf h = BUF_INIT, n = BUF_INIT;
	search_fold(&h, hay);
	search_fold(&n, needle);
	int found = n.len > 0 && h.data && strstr(h.data, n.data) != NULL;
	buf_free(&h);
	buf_free(&n);
	return found;
}

static void user_auteur(db *d, int64_t user, char *out, size_t n)
{
	struct err e;
	int rc;
	out[0] = '\0';
	db_stmt *s = db_query(d, &e, &rc, "SELECT first_name, last_name, fonction, login FROM users WHERE id = $1", "i", user);
	if (s && rc == DB_ROW) {
		const char *f = db_col_text(s, 0), *l = db_col_text(s, 1), *fn = db_col_text(s, 2);
		if (*f || *l)
			snprintf(out, n, "%s%s%s%s%s", f, *f && *l ? " " : "", l, *fn ? ", " : "", fn);
		else
			snprintf(out, n, "%s", db_col_text(s, 3));
	}
	if (s)
		db_finalize(s);
}

int pub_get_duree(db *d, int64_t tenant, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT duree_mois FROM publication_settings WHERE tenant_id = $1", "");
	if (!s)
		return -1;
	int m = rc == DB_ROW ? (int)db_col_int64(s, 0) : 0;
	db_finalize(s);
	return m;
}

int pub_set_duree(db *d, int64_t tenant, int mois, struct err *e)
{
	if (mois < 0 || mois == 1 || mois > 1200)
		return err_set(e, 400, "publication.duree",
			       "Durée de mise en ligne : 0 (en permanence) ou au moins 2 mois (R2131-1 : pas moins de deux mois).");
	return tdb_run(d, tenant, e,
		       "INSERT INTO publication_settings (tenant_id, duree_mois) VALUES ($1, $2)"
		       " ON CONFLICT (tenant_id) DO UPDATE SET duree_mois = excluded.duree_mois",
		       "i", (int64_t)mois);
}

struct acte_row {
	char numero[64], objet[1024], matiere[32], date_decision[16], state[24], id_acte[128], date_ar[16];
	int nature;
};

static int load_acte(db *d, int64_t tenant, int64_t acte, struct acte_row *a, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT numero, objet, matiere, date_decision, state, id_acte, date_ar, nature FROM actes WHERE tenant_id = $1 AND id = $2",
			       "i", acte);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "actes.inconnu", "Acte introuvable.");
	}
	snprintf(a->numero, sizeof a->numero, "%s", db_col_text(s, 0));
	snprintf(a->objet, sizeof a->objet, "%s", db_col_text(s, 1));
	snprintf(a->matiere, sizeof a->matiere, "%s", db_col_text(s, 2));
	snprintf(a->date_decision, sizeof a->date_decision, "%s", db_col_text(s, 3));
	snprintf(a->state, sizeof a->state, "%s", db_col_text(s, 4));
	snprintf(a->id_acte, sizeof a->id_acte, "%s", db_col_text(s, 5));
	snprintf(a->date_ar, sizeof a->date_ar, "%s", db_col_text(s, 6));
	a->nature = (int)db_col_int64(s, 7);
	db_finalize(s);
	return 0;
}

static int add_months(int64_t t, int mois, int64_t *out)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	tm.tm_mon += mois;
	*out = (int64_t)timegm(&tm);
	return 0;
}

static int publish_tx(db *d, int64_t tenant, int64_t user, int64_t acte, const struct pub_request *rq, int64_t *id,
		      struct err *e)
{
	struct acte_row a;
	if (load_acte(d, tenant, acte, &a, e) < 0)
		return -1;
	if (strcmp(a.state, ACTE_ANNULE) == 0)
		return err_set(e, 409, "publication.etat", "Cet acte a été annulé : il ne peut pas être publié.");
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM publications WHERE tenant_id = $1 AND acte_id = $2", "i", acte);
	if (!s)
		return -1;
	int exists = rc == DB_ROW;
	db_finalize(s);
	if (exists)
		return err_set(e, 409, "publication.existe", "Cet acte est déjà publié.");
	for (size_t i = 0; i < rq->rd.n_words; i++)
		if (folded_contains(a.objet, rq->rd.words[i]))
			return err_set(e, 400, "publication.objet",
				       "« %s » figure dans l'objet de l'acte, que le portail affiche : modifiez l'objet ou retirez ce mot.",
				       rq->rd.words[i]);
	char sha[65], mime[128], name[256];
	if (actes_db_doc(d, tenant, acte, "acte", 0, sha, mime, name, sizeof name, e) < 0)
		return -1;
	if (strcmp(mime, "application/pdf") != 0)
		return err_set(e, 400, "publication.format", "Seul un acte en PDF peut être publié (document de l'acte : %s).", mime);
	char path[1200];
	store_path(sha, path, sizeof path);
	buf in = BUF_INIT, out = BUF_INIT, text = BUF_INIT, body = BUF_INIT;
	if (buf_read_file(&in, path, ACTES_ARCHIVE_MAX) < 0) {
		buf_free(&in);
		return err_set(e, 500, "publication.stockage", "Document de l'acte illisible dans le stockage.");
	}
	int64_t now = (int64_t)time(NULL);
	char date_pub[11], date_fr[11], exec[11], auteur[400];
	today_paris(now, date_pub);
	fr(date_fr, date_pub);
	if (rq->auteur && *rq->auteur)
		snprintf(auteur, sizeof auteur, "%s", rq->auteur);
	else
		user_auteur(d, user, auteur, sizeof auteur);
	char l1[600], l2[80];
	snprintf(l1, sizeof l1, "Publié le %s par %s", date_fr, auteur);
	const char *lines[2] = { l1, l2 };
	size_t nl = 1;
	if (pub_executoire(a.state, a.date_ar, date_pub, exec)) {
		char ef[11];
		fr(ef, exec);
		snprintf(l2, sizeof l2, "Certifié exécutoire le %s", ef);
		nl = 2;
	}
	int hits[PUB_MAX_WORDS] = { 0 };
	int ret = -1;
	if (pub_copy(in.data, in.len, lines, nl, &rq->rd, hits, &out, e) < 0)
		goto done;
	for (size_t i = 0; i < rq->rd.n_words; i++)
		if (hits[i] == 0) {
			err_set(e, 400, "publication.mot_introuvable",
				"« %s » n'a pas été trouvé dans le document : rien n'a été publié (vérifiez l'orthographe, ou masquez une zone).",
				rq->rd.words[i]);
			goto done;
		}
	char osha[65];
	if (store_put_mem(out.data, out.len, osha, e) < 0 || store_record(d, osha, out.len, "application/pdf", e) < 0)
		goto done;
	/* the index: what the visitor can read — metadata and the published text (none for a redacted copy) */
	const struct actes_nature *nat = actes_nature_get(a.nature);
	buf_printf(&text, "%s %s %s %s ", a.numero, a.objet, nat ? nat->label : "", a.matiere);
	if (pub_pdf_text(out.data, out.len, TEXT_MAX, &text, e) < 0)
		goto done;
	search_fold(&body, text.data);
	int mois = pub_get_duree(d, tenant, e);
	if (mois < 0)
		goto done;
	int64_t expires = 0;
	if (mois > 0)
		add_months(now, mois, &expires);
	int pseudo = rq->rd.n_words > 0 || rq->rd.n_zones > 0;
	s = tdb_query(d, tenant, e, &rc,
		      "INSERT INTO publications (tenant_id, acte_id, numero, nature, objet, matiere, date_decision, date_publication,"
		      " published_at, expires_at, auteur, user_id, source_sha256, sha256, size, pseudonymise, body, executoire_mention)"
		      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id",
		      "itittttiitittiitt", acte, a.numero, (int64_t)a.nature, a.objet, a.matiere, a.date_decision, date_pub, now,
		      expires, auteur, user, sha, osha, (int64_t)out.len, (int64_t)pseudo, body.data ? body.data : "", nl == 2 ? exec : "");
	if (!s)
		goto done;
	*id = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	char detail[200];
	snprintf(detail, sizeof detail, "%s%s", osha, pseudo ? " (pseudonymisée)" : "");
	char obj[64];
	snprintf(obj, sizeof obj, "acte:%lld", (long long)acte);
	if (actes_db_event(d, tenant, acte, user, "publication", detail, e) < 0 ||
	    audit_append(d, tenant, user, NULL, "publication.publier", obj, detail, e) < 0)
		goto done;
	ret = 0;
done:
	buf_free(&in);
	buf_free(&out);
	buf_free(&text);
	buf_free(&body);
	return ret;
}

/* OPALE_ACTES_AR: the prefecture's AR of an act already published without the « Certifié exécutoire »
 * line (published before the AR): the line is added to the published copy by a further incremental
 * update — the copy online so far (and every signature in it) stays an exact prefix of the new one —
 * which becomes the published copy (sha256, size; premier_sha256 keeps the first). A PDF that cannot
 * take it leaves the copy as it was, noted in the act's history; only a database error fails the AR. */
static int pub_on_ar(db *d, int64_t tenant, int64_t acte, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT id, sha256, date_publication, executoire_mention, premier_sha256 FROM publications WHERE tenant_id = $1 AND acte_id = $2",
			       "i", acte);
	if (!s)
		return -1;
	if (rc != DB_ROW || *db_col_text(s, 3)) {
		db_finalize(s);
		return 0;   /* not published, or the copy already says it */
	}
	int64_t id = db_col_int64(s, 0);
	char sha[65], date_pub[11], first[65];
	snprintf(sha, sizeof sha, "%s", db_col_text(s, 1));
	snprintf(date_pub, sizeof date_pub, "%s", db_col_text(s, 2));
	snprintf(first, sizeof first, "%s", *db_col_text(s, 4) ? db_col_text(s, 4) : db_col_text(s, 1));
	db_finalize(s);
	struct acte_row a;
	char exec[11], ef[11], line[80];
	if (load_acte(d, tenant, acte, &a, e) < 0)
		return -1;
	if (!pub_executoire(a.state, a.date_ar, date_pub, exec))
		return 0;
	fr(ef, exec);
	snprintf(line, sizeof line, "Certifié exécutoire le %s", ef);
	const char *lines[1] = { line };
	char path[1200], osha[65], detail[200];
	store_path(sha, path, sizeof path);
	buf in = BUF_INIT, out = BUF_INIT;
	struct err x = { 0 };
	int ret = -1;
	if (buf_read_file(&in, path, ACTES_ARCHIVE_MAX) < 0 ||
	    actes_stamp_pdf_at(in.data, in.len, lines, 1, ACTES_STAMP_BOTTOM_LEFT, &out, &x) < 0) {
		ret = actes_db_event(d, tenant, acte, 0, "publication.executoire_erreur", x.msg[0] ? x.msg : "copie publiée illisible", e);
		goto done;
	}
	if (store_put_mem(out.data, out.len, osha, e) < 0 || store_record(d, osha, out.len, "application/pdf", e) < 0 ||
	    tdb_run(d, tenant, e,
		    "UPDATE publications SET sha256 = $3, size = $4, executoire_mention = $5, premier_sha256 = $6 WHERE tenant_id = $1 AND id = $2",
		    "ititt", id, osha, (int64_t)out.len, exec, first) < 0)
		goto done;
	snprintf(detail, sizeof detail, "%s : %s", line, osha);
	char obj[64];
	snprintf(obj, sizeof obj, "acte:%lld", (long long)acte);
	ret = actes_db_event(d, tenant, acte, 0, "publication.executoire", detail, e) < 0 ||
			      audit_append(d, tenant, 0, NULL, "publication.executoire", obj, detail, e) < 0
		      ? -1
		      : 0;
done:
	buf_free(&in);
	buf_free(&out);
	return ret;
}
OPALE_ACTES_AR(publication, pub_on_ar);

int pub_publish(db *d, int64_t tenant, int64_t user, int64_t acte, const struct pub_request *rq, int64_t *id,
		struct err *e)
{
	if (rq->rd.n_words > PUB_MAX_WORDS || rq->rd.n_zones > PUB_MAX_ZONES)
		return err_set(e, 400, "publication.masquage", "Au plus %d mots et %d zones à masquer.", PUB_MAX_WORDS, PUB_MAX_ZONES);
	int own;
	if (db_tx_join(d, &own, e) < 0)
		return -1;
	return db_tx_end(d, own, publish_tx(d, tenant, user, acte, rq, id, e), e);
}

/* The fields every listing shows, from a row of PUB_COLS. */
#define PUB_COLS                                                                                                            \
	"p.id, p.numero, p.nature, p.objet, p.matiere, p.date_decision, p.date_publication, p.sha256, p.auteur, p.pseudonymise," \
	" a.state, a.date_ar, a.id_acte, p.size, p.published_at, p.acte_id, p.executoire_mention, p.premier_sha256"

static json_t *row_json(db_stmt *s)
{
	char exec[11];
	int known = pub_executoire(db_col_text(s, 10), db_col_text(s, 11), db_col_text(s, 6), exec);
	const struct actes_nature *n = actes_nature_get((int)db_col_int64(s, 2));
	json_t *o = json_pack("{s:I,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:I,s:I}", "id", (json_int_t)db_col_int64(s, 0), "numero",
			      db_col_text(s, 1), "nature", (int)db_col_int64(s, 2), "nature_libelle", n ? n->label : "", "objet",
			      db_col_text(s, 3), "matiere", db_col_text(s, 4), "date_decision", db_col_text(s, 5), "date_publication",
			      db_col_text(s, 6), "sha256", db_col_text(s, 7), "auteur", db_col_text(s, 8), "pseudonymise",
			      db_col_int64(s, 9) != 0, "taille", (json_int_t)db_col_int64(s, 13), "publie_a", (json_int_t)db_col_int64(s, 14));
	json_object_set_new(o, "executoire", known ? json_string(exec) : json_null());
	/* the copy first put online, when the « Certifié exécutoire » line was added to it after the AR */
	if (*db_col_text(s, 17))
		json_object_set_new(o, "premier_sha256", json_string(db_col_text(s, 17)));
	json_object_set_new(o, "mention_executoire", json_boolean(*db_col_text(s, 16) != 0));
	char f1[11], f2[11];
	fr(f1, db_col_text(s, 5));
	fr(f2, db_col_text(s, 6));
	json_object_set_new(o, "date_decision_fr", json_string(f1));
	json_object_set_new(o, "date_publication_fr", json_string(f2));
	if (known) {
		char f3[11];
		fr(f3, exec);
		json_object_set_new(o, "executoire_fr", json_string(f3));
	}
	return o;
}

json_t *pub_of_acte(db *d, int64_t tenant, int64_t acte, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT " PUB_COLS " FROM publications p JOIN actes a ON a.id = p.acte_id AND a.tenant_id = p.tenant_id"
			       " WHERE p.tenant_id = $1 AND p.acte_id = $2",
			       "i", acte);
	if (!s)
		return NULL;
	json_t *o = rc == DB_ROW ? row_json(s) : json_null();
	db_finalize(s);
	if (json_is_object(o)) {
		s = db_query(d, e, &rc, "SELECT siren FROM collectivites WHERE id = $1", "i", tenant);
		if (s && rc == DB_ROW) {
			char url[128];
			snprintf(url, sizeof url, "/p/%s/actes/%lld", db_col_text(s, 0), (long long)json_integer_value(json_object_get(o, "id")));
			json_object_set_new(o, "url", json_string(url));
		}
		if (s)
			db_finalize(s);
	}
	return o;
}

int64_t pub_tenant_by_siren(db *d, const char *siren, char *name, char *siret, struct err *e)
{
	if (!siren || strlen(siren) != 9 || strspn(siren, "0123456789") != 9)
		return 0;
	int rc;
	db_stmt *s = db_query(d, e, &rc, "SELECT id, name, siret FROM collectivites WHERE siren = $1", "t", siren);
	if (!s)
		return -1;
	int64_t id = 0;
	if (rc == DB_ROW) {
		id = db_col_int64(s, 0);
		if (name)
			snprintf(name, 256, "%s", db_col_text(s, 1));
		if (siret)
			snprintf(siret, 16, "%s", db_col_text(s, 2));
	}
	db_finalize(s);
	return id;
}

#define MAX_WORDS 8

/* The id of the collectivité's n-th latest publication (expired ones too), 0 when it has fewer. */
static int64_t nth_latest(db *d, int64_t tenant, int n, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM publications WHERE tenant_id = $1 ORDER BY id DESC LIMIT 1 OFFSET $2",
			       "i", (int64_t)(n - 1));
	if (!s)
		return -1;
	int64_t id = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	return id;
}

/* How the list is read (bench/P6-portal.sh, docs/performance.md). Newest first = id order. Most visitors
 * ask for something recent and common, so a first pass looks only among the collectivité's WINDOW latest
 * publications, an index walk (or, on SQLite with words, the FTS doclists walked newest first) that stops
 * at the page's end; when those hold fewer matches than the page needs, a second pass asks everything.
 * The answer is the same either way: when the first pass fills the page, every row of that page and the
 * one after it are in the window, which is a prefix of the same order.
 * - SQLite, words: the FTS table drives the loop in rowid order (CROSS JOIN fixes that order; its planner
 *   otherwise may start from an index of actes and sort every row of the collectivité), so a frequent
 *   word stops after one page; the window is a rowid bound FTS5 applies itself. When filters are asked
 *   for and the window did not fill the page, they exclude most matches (« budget » with a nature the
 *   collectivité never uses: every match of the word was read and dropped, 60-130 ms at 1 M): the second
 *   pass walks the filter's index instead and tests each row against the set of matches (+p.id keeps
 *   the planner from driving the loop by that set).
 * - SQLite, filters only: the window walks (tenant_id, id) newest first; the second pass lets the planner
 *   take the filter's index.
 * - PostgreSQL multiplies the selectivities of the collectivité token and of the words, so a frequent word
 *   looks rare and it read every match through GIN before sorting (365 ms at 1 M); the window (a subquery
 *   over the collectivité's latest publications) avoids it for the common case.
 * Acts are joined to the page's rows only, after its LIMIT (at 1 M, joining every candidate cost half of a
 * date-range query): a publication is only ever made for an act of its collectivité and acts are never
 * deleted, so this drops no row the former join kept.
 * Only the filters asked for are in the SQL (no « $n = '' OR … » forms), so the planner can use the
 * (tenant_id, nature, id), (tenant_id, date_decision) and (tenant_id, matiere) indexes; the parameters are
 * numbered as they are added. */
json_t *pub_list(db *d, int64_t tenant, const struct pub_filter *f, int limit, int offset, int *more, struct err *e)
{
	if (limit <= 0 || limit > 100)
		limit = 20;
	if (offset < 0 || offset > 100000)
		offset = 0;
	*more = 0;
	/* words of the query, folded: letters and digits only, so they are safe inside the match string */
	buf q = BUF_INIT, m = BUF_INIT, sql = BUF_INIT;
	search_fold(&q, f->q);
	int pg = db_engine_of(d) == DB_PG, nw = 0;
	buf_printf(&m, pg ? "zt%lldz" : "\"zt%lldz\"", (long long)tenant);
	for (char *save = NULL, *t = q.data ? strtok_r(q.data, " ", &save) : NULL; t && nw < MAX_WORDS;
	     t = strtok_r(NULL, " ", &save), nw++) {
		if (strlen(t) > 40)
			t[40] = '\0';
		buf_puts(&m, pg ? " & " : " AND ");
		if (search_match_word(d, "publications", 4, t, &m, e) < 0) {   /* FTS5 prefix='2 3 4' (migration 0050) */
			buf_free(&q);
			buf_free(&m);
			return NULL;
		}
	}
	const char *mat = f->matiere && *f->matiere && strlen(f->matiere) < 30 && strspn(f->matiere, "0123456789.") == strlen(f->matiere)
				  ? f->matiere
				  : NULL;
	char mat_end[40] = "";
	if (mat)
		snprintf(mat_end, sizeof mat_end, "%s/", mat);   /* "1" … "1/" holds "1" and "1.x", not "10" */
	const char *du = f->du && strlen(f->du) == 10 ? f->du : NULL, *au = f->au && strlen(f->au) == 10 ? f->au : NULL;
	int filters = du || au || f->nature || mat;
	enum { WINDOW = 1000 };
	int64_t lo = 0;   /* SQLite: the window's lowest id */
	if (!pg && (filters || nw) && offset + limit + 1 <= WINDOW && (lo = nth_latest(d, tenant, WINDOW, e)) < 0) {
		buf_free(&q);
		buf_free(&m);
		return NULL;
	}
	struct { const char *t; int64_t i; } args[11] = { { 0 } };
	int na = 0, match = 0, bound = 0;
	args[na++].i = (int64_t)time(NULL);             /* $2 */
	json_t *out = NULL;
	buf where = BUF_INIT;
	buf_puts(&where, " p.tenant_id = $1 AND (p.expires_at = 0 OR p.expires_at > $2)");
	if (nw) {
		args[na++].t = m.data;
		match = na + 1;
		if (pg)
			buf_printf(&where, " AND p.tsv @@ to_tsquery('simple', $%d)", match);
	}
	if (du) {
		args[na++].t = du;
		buf_printf(&where, " AND p.date_decision >= $%d", na + 1);
	}
	if (au) {
		args[na++].t = au;
		buf_printf(&where, " AND p.date_decision <= $%d", na + 1);
	}
	if (f->nature) {
		args[na].t = NULL;
		args[na++].i = f->nature;
		buf_printf(&where, " AND p.nature = $%d", na + 1);
	}
	if (mat) {
		args[na++].t = mat;
		args[na++].t = mat_end;
		buf_printf(&where, " AND p.matiere >= $%d AND p.matiere < $%d", na, na + 1);
	}
	args[na].t = NULL;
	args[na++].i = limit + 1;
	args[na].t = NULL;
	args[na++].i = offset;
	if (lo > 0) {   /* SQLite only: bound after limit and offset, so that $na and $na+1 stay those two */
		args[na].t = NULL;
		args[na++].i = lo;
		bound = na + 1;
	}
	int lim = bound ? na - 1 : na;   /* $lim = limit + 1, $lim+1 = offset (args[i] is $i+2) */
	int first = pg ? (offset + limit + 1 <= WINDOW ? 0 : 1) : (lo > 0 ? 0 : 1);
	for (int pass = first; pass < 2 && !out; pass++) {
		buf_reset(&sql);
		const char *order = "p.id";
		/* the page's publications, then their acts (only the page's rows join actes) */
		buf_puts(&sql, "SELECT " PUB_COLS " FROM (");
		if (!pg && nw && (pass == 0 || !filters)) {
			buf_printf(&sql, "SELECT p.* FROM publications_fts f CROSS JOIN publications p WHERE p.id = f.rowid"
					 " AND f.publications_fts MATCH $%d AND", match);
			if (pass == 0)
				buf_printf(&sql, " f.rowid >= $%d AND", bound);
			order = "f.rowid";
		} else if (!pg && nw) {
			buf_printf(&sql, "SELECT p.* FROM publications p"
					 " WHERE +p.id IN (SELECT rowid FROM publications_fts WHERE publications_fts MATCH $%d) AND", match);
		} else if (!pg && pass == 0) {
			buf_printf(&sql, "SELECT p.* FROM publications p INDEXED BY publications_tenant_id WHERE p.id >= $%d AND", bound);
		} else if (pg && pass == 0) {
			buf_printf(&sql, "SELECT p.* FROM (SELECT * FROM publications WHERE tenant_id = $1 ORDER BY id DESC LIMIT %d) p WHERE",
				   (int)WINDOW);
		} else {
			buf_puts(&sql, "SELECT p.* FROM publications p WHERE");
		}
		buf_printf(&sql, "%s ORDER BY %s DESC LIMIT $%d OFFSET $%d) p CROSS JOIN actes a"
				 " WHERE a.id = p.acte_id AND a.tenant_id = p.tenant_id ORDER BY p.id DESC", where.data, order, lim, lim + 1);
		/* tdb_query's rule, with a parameter list built at run time */
		db_stmt *s = NULL;
		int rc = -1;
		if (!tdb_sql_scoped(sql.data))
			err_set(e, 500, "db.scope", "Requête non filtrée par collectivité refusée.");
		else if ((s = db_prepare(d, sql.data, e))) {
			rc = db_bind_int64(s, 1, tenant);
			for (int i = 0; i < na && rc >= 0; i++)
				rc = args[i].t ? db_bind_text(s, i + 2, args[i].t) : db_bind_int64(s, i + 2, args[i].i);
			rc = rc < 0 ? err_set(e, 500, "db.bind", "Paramètres de la recherche refusés.") : db_step(s, e);
		}
		json_t *page = json_array();
		int full = 0;
		for (; s && rc == DB_ROW; rc = db_step(s, e)) {
			if ((int)json_array_size(page) == limit) {
				full = 1;
				break;
			}
			json_array_append_new(page, row_json(s));
		}
		if (s)
			db_finalize(s);
		if (!s || rc < 0) {
			json_decref(page);
			break;
		}
		if (pass == 0 && !full) {   /* the window did not fill the page: ask everything */
			json_decref(page);
			continue;
		}
		*more = full;
		out = page;
	}
	buf_free(&where);
	buf_free(&q);
	buf_free(&m);
	buf_free(&sql);
	return out;
}

json_t *pub_get(db *d, int64_t tenant, int64_t id, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT " PUB_COLS " FROM publications p JOIN actes a ON a.id = p.acte_id AND a.tenant_id = p.tenant_id"
			       " WHERE p.tenant_id = $1 AND p.id = $2 AND (p.expires_at = 0 OR p.expires_at > $3)",
			       "ii", id, (int64_t)time(NULL));
	if (!s)
		return NULL;
	json_t *o = rc == DB_ROW ? row_json(s) : NULL;
	if (o)
		json_object_set_new(o, "id_acte", json_string(db_col_text(s, 12)));
	db_finalize(s);
	if (!o)
		err_set(e, 404, "publication.inconnue", "Acte publié introuvable.");
	return o;
}

int pub_scdl_csv(db *d, int64_t tenant, const char *base_url, const char *siren, int year, buf *b, struct err *e)
{
	char name[256] = "", siret[16] = "";
	(void)siren;
	int rc;
	db_stmt *s = db_query(d, e, &rc, "SELECT name, siret FROM collectivites WHERE id = $1", "i", tenant);
	if (!s)
		return -1;
	if (rc == DB_ROW) {
		snprintf(name, sizeof name, "%s", db_col_text(s, 0));
		snprintf(siret, sizeof siret, "%s", db_col_text(s, 1));
	}
	db_finalize(s);
	struct actes_classification c = { 0 };
	int have = actes_db_classification_current(d, tenant, &c, e);
	if (have < 0)
		return -1;
	scdl_csv_header(b);
	char year_like[16];
	snprintf(year_like, sizeof year_like, "%04d-%%", year);
	s = tdb_query(d, tenant, e, &rc,
		      "SELECT p.id, p.numero, p.date_decision, p.matiere, p.objet, a.id_acte, a.date_ar, v.id, v.en_exercice, v.pour,"
		      " v.contre, v.abstention FROM publications p"
		      " JOIN actes a ON a.id = p.acte_id AND a.tenant_id = p.tenant_id"
		      " LEFT JOIN seance_deliberations sd ON sd.acte_id = p.acte_id AND sd.tenant_id = p.tenant_id"
		      " LEFT JOIN seance_votes v ON v.point_id = sd.point_id AND v.tenant_id = p.tenant_id"
		      " WHERE p.tenant_id = $1 AND p.nature = 1 AND (p.expires_at = 0 OR p.expires_at > $2)"
		      " AND ($3 = 0 OR p.date_decision LIKE $4) ORDER BY p.date_decision, p.id",
		      "iit", (int64_t)time(NULL), (int64_t)year, year_like);
	for (; s && rc == DB_ROW; rc = db_step(s, e)) {
		struct scdl_deliberation dl = { 0 };
		dl.coll_nom = name;
		dl.coll_siret = siret[0] ? siret : NULL;
		dl.delib_id = db_col_text(s, 1);
		struct err x;
		date_parse(db_col_text(s, 2), &dl.delib_date, &x);
		int path[5] = { 0 }, depth = 0;
		const char *mp = db_col_text(s, 3);
		for (char *end; *mp && depth < 5; mp = *end ? end + 1 : end) {
			path[depth++] = (int)strtol(mp, &end, 10);
			if (end == mp)
				break;
		}
		dl.matiere[0] = path[0];
		dl.matiere[1] = path[1];
		buf lab = BUF_INIT;
		if (have && depth >= 2)
			actes_classification_label(&lab, &c, path, 2);
		const char *sep = lab.data ? strstr(lab.data, " / ") : NULL;
		dl.matiere_libelle2 = sep ? sep + 3 : NULL;
		dl.objet = db_col_text(s, 4);
		dl.pref_id = *db_col_text(s, 5) ? db_col_text(s, 5) : NULL;
		if (*db_col_text(s, 6))
			date_parse(db_col_text(s, 6), &dl.pref_date, &x);
		if (!db_col_isnull(s, 7)) {   /* the vote of the séance point that became this délibération */
			dl.has_vote = 1;
			dl.vote_effectif = (int)db_col_int64(s, 8);
			dl.vote_pour = (int)db_col_int64(s, 9);
			dl.vote_contre = (int)db_col_int64(s, 10);
			dl.vote_abstention = (int)db_col_int64(s, 11);
			dl.vote_reel = dl.vote_pour + dl.vote_contre + dl.vote_abstention;
		}
		char url[512];
		snprintf(url, sizeof url, "%s/p/%s/actes/%lld/document.pdf", base_url, siren, (long long)db_col_int64(s, 0));
		dl.url = url;
		struct scdl_row row;
		scdl_row_from(&row, &dl);
		scdl_csv_row(b, &row);
		buf_free(&lab);
	}
	if (s)
		db_finalize(s);
	if (have)
		actes_classification_free(&c);
	return s && rc >= 0 ? 0 : -1;
}
