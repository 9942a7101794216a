/* registre: the liste des délibérations of a séance (CGCT L2121-25: displayed and put online within
 * one week — PDF, due date, « publier » recording the date, the « seance.liste_alerte » job mailing the
 * secretaries two days before the deadline while it is not published) and the registre des
 * délibérations (R2121-9): print-ready sheets of a séance — collectivité, séance date, order numbers,
 * a closing sheet with the members present and the places for the president's and secretary's
 * handwritten signatures, tables by date and by object — and the yearly binding export. The paper
 * register remains the register (R2121-9); the electronic one keeps the signed acts beside it. */
#include "seance/pv.h"
#include "seance/sd_util.h"
#include "core/config.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "jobs/jobs.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LISTE_DELAI 7      /* days after the séance (L2121-25) */
#define LISTE_ALERTE 2     /* the alert goes this many days before the deadline */

/* Short result of a point: « Adoptée (pour P, contre C, abstentions A) », or not voted. */
static void resultat_court(json_t *dl, char *out, size_t n)
{
	if (!dl) {
		snprintf(out, n, "Vote non enregistré");
		return;
	}
	snprintf(out, n, "%s (pour %d, contre %d, abstentions %d)", sd_bool(dl, "adopte") ? "Adoptée" : "Rejetée", (int)sd_int(dl, "pour", 0),
		 (int)sd_int(dl, "contre", 0), (int)sd_int(dl, "abstention", 0));
}

/* Paris calendar day of an instant. */
static struct date paris_day(int64_t t)
{
	struct paris_time p;
	if (paris_from_utc(t, &p, NULL) < 0)
		return (struct date){ 2000, 1, 1 };
	return p.date;
}

/* ---- liste des délibérations ---------------------------------------------------------------- */

json_t *sd_liste_json(db *d, int64_t tenant, int64_t seance, struct err *e)
{
	json_t *pv = sd_pv_json(d, tenant, seance, e);
	if (!pv)
		return NULL;
	json_t *s = json_object_get(pv, "seance"), *rows = json_array();
	size_t i;
	json_t *pt;
	json_array_foreach(json_object_get(pv, "points"), i, pt) {
		json_t *dl = json_object_get(pt, "deliberation");
		char res[200];
		resultat_court(dl, res, sizeof res);
		json_array_append_new(rows, json_pack("{s:I,s:s,s:s,s:s,s:I}", "rang", (json_int_t)sd_int(pt, "rang", 0), "numero",
						      dl ? sd_str(dl, "numero") : "", "objet", sd_str(pt, "titre"), "resultat", res, "acte",
						      (json_int_t)(dl ? sd_int(dl, "acte", 0) : 0)));
	}
	struct date due = date_add_days(paris_day(sd_int(s, "debut", 0)), LISTE_DELAI), today = paris_day(identity_now());
	char iso[11], fr[40];
	int64_t left = date_diff_days(today, due);
	json_t *o = json_pack("{s:O,s:O,s:O,s:o,s:s,s:s,s:I,s:b,s:b}", "seance", s, "collectivite", json_object_get(pv, "collectivite"), "siren",
			      json_object_get(pv, "siren"), "points", rows,
			      "echeance", date_format(due, iso), "echeance_fr", date_format_fr(due, fr), "jours_restants", (json_int_t)left,
			      "tenue", sd_int(s, "debut", 0) <= identity_now(), "en_retard", left < 0);
	json_decref(pv);
	int rc;
	db_stmt *st = tdb_query(d, tenant, e, &rc,
				"SELECT l.publie_at, l.sha256, l.alerte_at, COALESCE(u.first_name || ' ' || u.last_name, '') FROM seance_listes l "
				"LEFT JOIN users u ON u.id = l.publie_par WHERE l.tenant_id = $1 AND l.seance_id = $2", "i", seance);
	int64_t pub = 0, alert = 0;
	char t[80];
	if (st && rc == DB_ROW) {
		pub = db_col_int64(st, 0);
		alert = db_col_int64(st, 2);
		json_object_set_new(o, "sha256", json_string(db_col_text(st, 1)));
		json_object_set_new(o, "publie_par", json_string(db_col_text(st, 3)));
	}
	if (st)
		db_finalize(st);
	json_object_set_new(o, "publie", json_boolean(pub != 0));
	json_object_set_new(o, "publie_at", json_integer(pub));
	json_object_set_new(o, "publie_le", json_string(pub ? sd_fmt_short(pub, t, sizeof t) : ""));
	json_object_set_new(o, "alerte_le", json_string(alert ? sd_fmt_short(alert, t, sizeof t) : ""));
	json_object_set_new(o, "a_publier", json_boolean(!pub));
	json_object_set_new(o, "proche", json_boolean(!pub && left <= LISTE_ALERTE));
	if (pub)
		json_object_set_new(o, "en_retard", json_false());
	return o;
}

static int liste_pdf_from(json_t *l, const char *mention, const char *path, struct err *e)
{
	json_t *s = json_object_get(l, "seance");
	char foot[600], line[1200], day[80];
	sd_fmt_short(sd_int(s, "debut", 0), day, sizeof day);
	snprintf(foot, sizeof foot, "Liste des délibérations — %s — séance du %.10s", sd_str(s, "organe_nom"), day);
	pdfdoc *doc = pdfdoc_new(path, foot, e);
	if (!doc)
		return -1;
	pdfdoc_title(doc, "Liste des délibérations");
	snprintf(line, sizeof line, "%s — %s", sd_str(l, "collectivite"), sd_str(s, "organe_nom"));
	pdfdoc_para(doc, line);
	snprintf(line, sizeof line, "Séance « %s » du %s%s%s.", sd_str(s, "titre"), sd_str(s, "quand"), *sd_str(s, "lieu") ? ", " : "",
		 sd_str(s, "lieu"));
	pdfdoc_para(doc, line);
	static const double w[] = { 0.11, 0.15, 0.44, 0.30 };
	const char *head[] = { "N° d'ordre", "Numéro", "Objet", "Résultat" };
	pdfdoc_row(doc, 4, w, head, 1);
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(l, "points"), i, r) {
		char rang[16];
		snprintf(rang, sizeof rang, "%d", (int)sd_int(r, "rang", 0));
		const char *cells[] = { rang, *sd_str(r, "numero") ? sd_str(r, "numero") : "—", sd_str(r, "objet"), sd_str(r, "resultat") };
		pdfdoc_row(doc, 4, w, cells, 0);
	}
	pdfdoc_space(doc, 10);
	snprintf(line, sizeof line, "Liste affichée et mise en ligne dans la semaine qui suit la séance (CGCT L2121-25), au plus tard le %s.",
		 sd_str(l, "echeance_fr"));
	pdfdoc_para(doc, line);
	if (mention)
		pdfdoc_para(doc, mention);
	return pdfdoc_finish(doc, e);
}

int sd_liste_pdf(db *d, int64_t tenant, int64_t seance, const char *path, struct err *e)
{
	json_t *l = sd_liste_json(d, tenant, seance, e);
	int rc = l ? liste_pdf_from(l, NULL, path, e) : -1;
	json_decref(l);
	return rc;
}

int sd_liste_file(db *d, int64_t tenant, int64_t seance, char sha[65])
{
	struct err e;
	int rc;
	sha[0] = '\0';
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT sha256 FROM seance_listes WHERE tenant_id = $1 AND seance_id = $2 AND publie_at > 0",
			       "i", seance);
	if (s && rc == DB_ROW)
		snprintf(sha, 65, "%s", db_col_text(s, 0));
	if (s)
		db_finalize(s);
	return sha[0] ? 1 : 0;
}

int sd_liste_publier(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t now, struct err *e)
{
	json_t *l = sd_liste_json(d, tenant, seance, e);
	if (!l)
		return -1;
	int rc = -1;
	char path[1200] = "";
	buf b = BUF_INIT;
	if (sd_bool(l, "publie")) {
		err_set(e, 409, "liste.publiee", "La liste des délibérations de cette séance est déjà publiée (le %s).", sd_str(l, "publie_le"));
		goto out;
	}
	if (!sd_bool(l, "tenue")) {
		err_set(e, 409, "liste.avant_seance", "La liste des délibérations se publie après la séance.");
		goto out;
	}
	char mention[600], t[80], who[300] = "";
	int st;
	db_stmt *q = db_query(d, e, &st, "SELECT first_name, last_name FROM users WHERE id = $1", "i", user);
	if (q && st == DB_ROW)
		snprintf(who, sizeof who, " par %s %s", db_col_text(q, 0), db_col_text(q, 1));
	if (q)
		db_finalize(q);
	snprintf(mention, sizeof mention, "Mise en ligne le %.10s%s.", sd_fmt_short(now, t, sizeof t), who);
	char sha[65];
	if (sd_tmp_path("liste", seance, path, sizeof path) < 0) {
		err_set(e, 500, "fichier.temporaire", "Fichier temporaire impossible.");
		path[0] = '\0';
		goto out;
	}
	if (liste_pdf_from(l, mention, path, e) < 0 || buf_read_file(&b, path, 64u << 20) < 0 || store_put_mem(b.data, b.len, sha, e) < 0 ||
	    store_record(d, sha, b.len, "application/pdf", e) < 0)
		goto out;
	rc = tdb_run(d, tenant, e,
		     "INSERT INTO seance_listes (tenant_id, seance_id, sha256, publie_at, publie_par) VALUES ($1,$2,$3,$4,$5) "
		     "ON CONFLICT (seance_id) DO UPDATE SET sha256 = excluded.sha256, publie_at = excluded.publie_at, publie_par = excluded.publie_par",
		     "itii", seance, sha, now, user);
out:
	if (path[0])
		unlink(path);
	buf_free(&b);
	json_decref(l);
	return rc;
}

/* ---- the deadline alert ---------------------------------------------------------------------- */

/* 07:00 Paris, LISTE_ALERTE days before the deadline. */
static int64_t alert_time(int64_t starts_at)
{
	struct paris_time at = { .date = date_add_days(paris_day(starts_at), LISTE_DELAI - LISTE_ALERTE), .hh = 7 };
	int64_t t = 0;
	paris_to_utc(&at, PARIS_EARLIER, &t, NULL, NULL);
	return t;
}

static int schedule_at(db *d, int64_t tenant, int64_t seance, int64_t run_at, struct err *e)
{
	char key[128], payload[64];
	snprintf(key, sizeof key, "seance.liste:%lld:%lld:%lld", (long long)tenant, (long long)seance, (long long)run_at);
	snprintf(payload, sizeof payload, "{\"seance\":%lld}", (long long)seance);
	return jobs_enqueue(d, "seance.liste_alerte", payload, key, tenant, run_at, NULL, e);
}

int sd_liste_alerte_schedule(db *d, int64_t tenant, int64_t seance, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT starts_at FROM seances WHERE tenant_id = $1 AND id = $2", "i", seance);
	if (!s)
		return -1;
	int64_t start = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	return start ? schedule_at(d, tenant, seance, alert_time(start), e) : 0;
}

/* The alert: mailed once to the collectivité's secretaries and administrators when the list is still
 * unpublished two days before the deadline (or later); a séance moved meanwhile gets a new job. */
static int liste_alerte_job(db *d, const struct job *j, struct err *e)
{
	json_t *p = json_loads(j->payload, 0, NULL);
	int64_t seance = sd_int(p, "seance", 0);
	json_decref(p);
	if (seance <= 0) {
		err_set(e, 400, "seance.liste_alerte", "Charge utile invalide.");
		return JOB_DEAD;
	}
	if (!sd_seance_exists(d, j->tenant_id, seance))
		return 0;
	json_t *l = sd_liste_json(d, j->tenant_id, seance, e);
	if (!l)
		return JOB_RETRY;
	json_t *s = json_object_get(l, "seance");
	int64_t at = alert_time(sd_int(s, "debut", 0)), now = identity_now();
	int rc = 0;
	if (sd_bool(l, "publie") || *sd_str(l, "alerte_le") || !json_array_size(json_object_get(l, "points")))
		goto out;
	if (now < at) {  /* the séance was moved later: its own job will come */
		rc = schedule_at(d, j->tenant_id, seance, at, e) < 0 ? JOB_RETRY : 0;
		goto out;
	}
	char text[2048], subject[400], key[300];
	snprintf(subject, sizeof subject, "Liste des délibérations à publier avant le %s", sd_str(l, "echeance_fr"));
	snprintf(text, sizeof text,
		 "Bonjour,\n\nLa liste des délibérations de la séance « %s » (%s) du %s n'est pas encore publiée.\n"
		 "Elle doit être affichée et mise en ligne au plus tard le %s (CGCT L2121-25, une semaine après la séance).\n\n"
		 "%s/seances/%lld/liste\n\nCe message est envoyé une fois par séance.\n",
		 sd_str(s, "titre"), sd_str(s, "organe_nom"), sd_str(s, "quand"), sd_str(l, "echeance_fr"), cfg.public_url, (long long)seance);
	int st;
	db_stmt *q = tdb_query(d, j->tenant_id, e, &st,
			       "SELECT DISTINCT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1 "
			       "AND (m.roles & $2) <> 0 AND u.email <> '' AND u.disabled = 0 ORDER BY u.email", "i",
			       (int64_t)(ROLE_ADMIN | ROLE_SECRETAIRE));
	if (!q) {
		rc = JOB_RETRY;
		goto out;
	}
	json_t *to = json_array();
	while (st == DB_ROW) {
		json_array_append_new(to, json_string(db_col_text(q, 0)));
		st = db_step(q, e);
	}
	db_finalize(q);
	size_t i;
	json_t *a;
	json_array_foreach(to, i, a) {
		json_t *m = json_pack("{s:O,s:s,s:s}", "to", a, "subject", subject, "text", text);
		char *payload = json_dumps(m, JSON_COMPACT);
		snprintf(key, sizeof key, "seance.liste_alerte:%lld:%s", (long long)seance, json_string_value(a));
		int r2 = jobs_enqueue(d, "mail.send", payload, key, j->tenant_id, 0, NULL, e);
		free(payload);
		json_decref(m);
		if (r2 < 0) {
			rc = JOB_RETRY;
			break;
		}
	}
	json_decref(to);
	if (rc == 0 &&
	    tdb_run(d, j->tenant_id, e,
		    "INSERT INTO seance_listes (tenant_id, seance_id, alerte_at) VALUES ($1,$2,$3) "
		    "ON CONFLICT (seance_id) DO UPDATE SET alerte_at = excluded.alerte_at", "ii", seance, now) < 0)
		rc = JOB_RETRY;
out:
	json_decref(l);
	return rc;
}
OPALE_JOB_KIND(sd_liste_alerte, "seance.liste_alerte", liste_alerte_job, JOB_TX, 5, 300);

/* ---- registre (R2121-9) ------------------------------------------------------------------------ */

/* One line of the tables by date and by object. */
struct reg_row {
	char date[16], seance[300], numero[64], objet[600], key[600];
	int64_t starts_at;
	int ordre;
};

struct reg_rows {
	struct reg_row *r;
	size_t n, cap;
};

/* Lower-case ASCII with the French accented letters folded, for sorting by object. */
static void fold(const char *s, char *out, size_t n)
{
	static const char *const from[] = { "à", "â", "ä", "ç", "é", "è", "ê", "ë", "î", "ï", "ô", "ö", "ù", "û", "ü", "œ", "É", "È", "À", "Ç", "Œ", NULL };
	static const char *const to[] = { "a", "a", "a", "c", "e", "e", "e", "e", "i", "i", "o", "o", "u", "u", "u", "oe", "e", "e", "a", "c", "oe" };
	size_t o = 0;
	while (*s && o + 3 < n) {
		int done = 0;
		for (int i = 0; from[i] && !done; i++) {
			size_t l = strlen(from[i]);
			if (!strncmp(s, from[i], l)) {
				for (const char *t = to[i]; *t && o + 1 < n; t++)
					out[o++] = *t;
				s += l;
				done = 1;
			}
		}
		if (!done) {
			char c = *s++;
			out[o++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
		}
	}
	out[o] = '\0';
}

static int by_object(const void *a, const void *b)
{
	const struct reg_row *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : x->starts_at < y->starts_at ? -1 : x->starts_at > y->starts_at ? 1 : x->ordre - y->ordre;
}

static int by_date(const void *a, const void *b)
{
	const struct reg_row *x = a, *y = b;
	return x->starts_at < y->starts_at ? -1 : x->starts_at > y->starts_at ? 1 : x->ordre - y->ordre;
}

/* The sheets of one séance: its deliberations by order number, then the closing sheet. Adds the
 * deliberations to rows. */
static void registre_seance(pdfdoc *doc, json_t *pv, struct reg_rows *rows)
{
	json_t *s = json_object_get(pv, "seance");
	char line[2048], day[80];
	sd_fmt_short(sd_int(s, "debut", 0), day, sizeof day);
	pdfdoc_page_break(doc);
	snprintf(line, sizeof line, "%s — séance du %s", sd_str(pv, "collectivite"), sd_str(s, "quand"));
	pdfdoc_title(doc, line);
	snprintf(line, sizeof line, "%s — « %s »%s%s.", sd_str(s, "organe_nom"), sd_str(s, "titre"), *sd_str(s, "lieu") ? ", " : "",
		 sd_str(s, "lieu"));
	pdfdoc_para(doc, line);
	snprintf(line, sizeof line, "Président(e) de séance : %s — secrétaire de séance : %s.",
		 *sd_str(pv, "president_nom") ? sd_str(pv, "president_nom") : "(non désigné)",
		 *sd_str(pv, "secretaire_nom") ? sd_str(pv, "secretaire_nom") : "(non désigné)");
	pdfdoc_para(doc, line);
	buf ordres = BUF_INIT;
	size_t i;
	json_t *pt;
	json_array_foreach(json_object_get(pv, "points"), i, pt) {
		json_t *dl = json_object_get(pt, "deliberation");
		int ordre = (int)sd_int(pt, "rang", 0);
		const char *num = dl ? sd_str(dl, "numero") : "";
		snprintf(line, sizeof line, "N° d'ordre %d%s%s", ordre, *num ? " — délibération n° " : "", num);
		pdfdoc_heading(doc, line);
		snprintf(line, sizeof line, "Objet : %s", sd_str(pt, "titre"));
		pdfdoc_para(doc, line);
		if (*sd_str(pt, "rapporteur_nom")) {
			snprintf(line, sizeof line, "Rapporteur : %s.", sd_str(pt, "rapporteur_nom"));
			pdfdoc_para(doc, line);
		}
		if (dl)
			sd_pdf_ballot(doc, dl);
		else
			pdfdoc_para(doc, "Vote non enregistré.");
		buf_printf(&ordres, "%s%d%s%s%s", i ? ", " : "", ordre, *num ? " (n° " : "", num, *num ? ")" : "");
		if (rows->n == rows->cap) {
			rows->cap = rows->cap ? rows->cap * 2 : 64;
			rows->r = realloc(rows->r, rows->cap * sizeof *rows->r);
		}
		struct reg_row *r = &rows->r[rows->n++];
		memset(r, 0, sizeof *r);
		snprintf(r->date, sizeof r->date, "%.10s", day);
		snprintf(r->seance, sizeof r->seance, "%s", sd_str(s, "organe_nom"));
		snprintf(r->numero, sizeof r->numero, "%s", *num ? num : "—");
		snprintf(r->objet, sizeof r->objet, "%s", sd_str(pt, "titre"));
		fold(r->objet, r->key, sizeof r->key);
		r->starts_at = sd_int(s, "debut", 0);
		r->ordre = ordre;
	}
	/* Closing sheet (R2121-9): order numbers, members present, signature places. */
	pdfdoc_page_break(doc);
	snprintf(line, sizeof line, "Feuillet de clôture — séance du %s", sd_str(s, "quand"));
	pdfdoc_title(doc, line);
	snprintf(line, sizeof line, "%s — %s.", sd_str(pv, "collectivite"), sd_str(s, "organe_nom"));
	pdfdoc_para(doc, line);
	snprintf(line, sizeof line, "Délibérations prises, par numéro d'ordre : %s.", ordres.len ? ordres.data : "aucune");
	pdfdoc_para(doc, line);
	buf_free(&ordres);
	json_t *pres = json_object_get(pv, "presents");
	snprintf(line, sizeof line, "Membres présents (%zu) :", json_array_size(pres));
	pdfdoc_heading(doc, line);
	static const double w1[] = { 0.5, 0.5 };
	const char *h1[] = { "Membre présent", "Observation" };
	pdfdoc_row(doc, 2, w1, h1, 1);
	json_t *m;
	json_array_foreach(pres, i, m) {
		const char *cells[] = { sd_str(m, "nom"), sd_str(m, "note") };
		pdfdoc_row(doc, 2, w1, cells, 0);
	}
	pdfdoc_space(doc, 14);
	pdfdoc_heading(doc, "Signatures");
	static const double w2[] = { 0.35, 0.3, 0.35 };
	const char *h2[] = { "Qualité", "Nom", "Signature" };
	pdfdoc_row(doc, 3, w2, h2, 1);
	const char *r1[] = { "Le président de séance", sd_str(pv, "president_nom"), "\n\n\n" };
	const char *r2[] = { "Le secrétaire de séance", sd_str(pv, "secretaire_nom"), "\n\n\n" };
	pdfdoc_row(doc, 3, w2, r1, 0);
	pdfdoc_row(doc, 3, w2, r2, 0);
	pdfdoc_space(doc, 8);
	pdfdoc_para(doc, "CGCT R2121-9 : chaque feuillet clôturant une séance rappelle les numéros d'ordre des délibérations prises, la liste "
			 "des membres présents et porte la signature du président et du ou des secrétaires de séance. Le registre est tenu "
			 "sur papier ; sa tenue sur support numérique est complémentaire.");
}

static void registre_tables(pdfdoc *doc, struct reg_rows *rows)
{
	static const double wd[] = { 0.13, 0.22, 0.11, 0.14, 0.40 }, wo[] = { 0.40, 0.13, 0.22, 0.11, 0.14 };
	const char *hd[] = { "Date", "Assemblée", "N° d'ordre", "Numéro", "Objet" }, *ho[] = { "Objet", "Date", "Assemblée", "N° d'ordre", "Numéro" };
	for (int pass = 0; pass < 2; pass++) {
		qsort(rows->r, rows->n, sizeof *rows->r, pass ? by_object : by_date);
		pdfdoc_page_break(doc);
		pdfdoc_title(doc, pass ? "Table des délibérations par objet" : "Table chronologique des délibérations");
		if (!rows->n)
			pdfdoc_para(doc, "Aucune délibération.");
		else
			pdfdoc_row(doc, 5, pass ? wo : wd, pass ? ho : hd, 1);
		for (size_t i = 0; i < rows->n; i++) {
			char ordre[16];
			snprintf(ordre, sizeof ordre, "%d", rows->r[i].ordre);
			const struct reg_row *x = &rows->r[i];
			const char *cd[] = { x->date, x->seance, ordre, x->numero, x->objet }, *co[] = { x->objet, x->date, x->seance, ordre, x->numero };
			pdfdoc_row(doc, 5, pass ? wo : wd, pass ? co : cd, 0);
		}
	}
}

int sd_registre_pdf(db *d, int64_t tenant, int64_t seance, const char *path, struct err *e)
{
	json_t *pv = sd_pv_json(d, tenant, seance, e);
	if (!pv)
		return -1;
	json_t *s = json_object_get(pv, "seance");
	char foot[600], day[80];
	sd_fmt_short(sd_int(s, "debut", 0), day, sizeof day);
	snprintf(foot, sizeof foot, "%s — registre des délibérations — séance du %.10s — feuillet", sd_str(pv, "collectivite"), day);
	pdfdoc *doc = pdfdoc_new(path, foot, e);
	struct reg_rows rows = { 0 };
	if (doc) {
		registre_seance(doc, pv, &rows);
		registre_tables(doc, &rows);
	}
	free(rows.r);
	json_decref(pv);
	return doc ? pdfdoc_finish(doc, e) : -1;
}

/* The séances of a year (Paris calendar) already held, in order: JSON array of {id, titre, quand,
 * organe_nom, tenue}. organe 0 = every assembly. */
json_t *sd_registre_seances(db *d, int64_t tenant, int year, int64_t organe, struct err *e)
{
	int64_t from = 0, to = 0, now = identity_now();
	paris_day_start_utc((struct date){ year, 1, 1 }, &from, NULL);
	paris_day_start_utc((struct date){ year + 1, 1, 1 }, &to, NULL);
	json_t *a = json_array();
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT s.id, s.title, s.starts_at, o.name FROM seances s JOIN organes o ON o.id = s.organe_id "
			       "WHERE s.tenant_id = $1 AND s.starts_at >= $2 AND s.starts_at < $3 AND ($4 = 0 OR s.organe_id = $4) "
			       "ORDER BY s.starts_at, s.id", "iii", from, to, organe);
	while (s && rc == DB_ROW) {
		char t[80];
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:s,s:b}", "id", (json_int_t)db_col_int64(s, 0), "titre", db_col_text(s, 1), "quand",
						   sd_fmt_paris(db_col_int64(s, 2), t, sizeof t), "organe_nom", db_col_text(s, 3), "tenue",
						   db_col_int64(s, 2) <= now));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return a;
}

int sd_registre_annee_pdf(db *d, int64_t tenant, int year, int64_t organe, const char *path, struct err *e)
{
	json_t *list = sd_registre_seances(d, tenant, year, organe, e);
	struct collectivite c;
	struct err ce;
	const char *name = collectivite_get(d, tenant, &c, &ce) == 0 ? c.name : "";
	char foot[600], line[600];
	snprintf(foot, sizeof foot, "%s — registre des délibérations %d — feuillet", name, year);
	pdfdoc *doc = pdfdoc_new(path, foot, e);
	if (!doc) {
		json_decref(list);
		return -1;
	}
	snprintf(line, sizeof line, "Registre des délibérations — année %d", year);
	pdfdoc_title(doc, line);
	pdfdoc_para(doc, name);
	struct reg_rows rows = { 0 };
	size_t i, held = 0;
	json_t *x;
	json_array_foreach(list, i, x) held += sd_bool(x, "tenue");
	snprintf(line, sizeof line, "%zu séance(s) tenue(s) dans l'année. Les feuillets sont numérotés de façon continue pour la reliure "
				    "(CGCT R2121-9 : reliure au plus tard à la fin de l'année).", held);
	pdfdoc_para(doc, line);
	json_array_foreach(list, i, x) {
		if (!sd_bool(x, "tenue"))
			continue;
		snprintf(line, sizeof line, "— %s : %s", sd_str(x, "quand"), sd_str(x, "organe_nom"));
		pdfdoc_para(doc, line);
	}
	int rc = 0;
	json_array_foreach(list, i, x) {
		if (!sd_bool(x, "tenue"))
			continue;
		json_t *pv = sd_pv_json(d, tenant, sd_int(x, "id", 0), e);
		if (!pv) {
			rc = -1;
			break;
		}
		registre_seance(doc, pv, &rows);
		json_decref(pv);
	}
	registre_tables(doc, &rows);
	free(rows.r);
	json_decref(list);
	int fin = pdfdoc_finish(doc, e);
	return rc < 0 ? -1 : fin;
}
