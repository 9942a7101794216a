/* model: organes, members (with CSV import/export), séances, agenda points and documents, stored per
 * collectivité. Validation messages are in French and name the field. */
#include "seance/seance_db.h"
#include "seance/pv.h"
#include "seance/sd_util.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "search/search.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON field helpers (shared with the other files through sd_util.h) ---------------------- */

const char *sd_str(json_t *j, const char *k)
{
	json_t *v = json_object_get(j, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

int64_t sd_int(json_t *j, const char *k, int64_t def)
{
	json_t *v = json_object_get(j, k);
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v) && *json_string_value(v)) {
		char *end;
		long long n = strtoll(json_string_value(v), &end, 10);
		return *end ? def : (int64_t)n;
	}
	return def;
}

int sd_bool(json_t *j, const char *k)
{
	json_t *v = json_object_get(j, k);
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		return !strcmp(s, "1") || !strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "oui");
	}
	return 0;
}

int sd_exists(db *d, int64_t tenant, const char *sql, int64_t id)
{
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, sql, "i", id);
	int found = s && rc == DB_ROW;
	if (s)
		db_finalize(s);
	return found;
}

const char *sd_fmt_paris(int64_t t, char *out, size_t n)
{
	struct paris_time p;
	char day[40];
	if (paris_from_utc(t, &p, NULL) < 0) {
		snprintf(out, n, "?");
		return out;
	}
	snprintf(out, n, "%s à %02d:%02d", date_format_fr(p.date, day), p.hh, p.mm);
	return out;
}

const char *sd_fmt_short(int64_t t, char *out, size_t n)
{
	struct paris_time p;
	if (!t || paris_from_utc(t, &p, NULL) < 0) {
		snprintf(out, n, "—");
		return out;
	}
	snprintf(out, n, "%02d/%02d/%04d %02d:%02d:%02d", p.date.d, p.date.m, p.date.y, p.hh, p.mm, p.ss);
	return out;
}

/* "YYYY-MM-DDTHH:MM[:SS]" in Paris time (an HTML datetime-local field), or an ISO instant with Z or
 * an offset. */
static int parse_when(const char *s, int64_t *out, struct err *e)
{
	size_t n = strlen(s);
	if (n > 19 || (n == 16 || n == 19)) {
		if (n > 19)
			return instant_parse_iso(s, out, e);
		struct paris_time p = { 0 };
		char day[11];
		if (s[10] != 'T' && s[10] != ' ')
			return err_set(e, 400, "seance.date", "Date de séance « %s » illisible (AAAA-MM-JJTHH:MM attendu).", s);
		memcpy(day, s, 10);
		day[10] = '\0';
		if (date_parse(day, &p.date, NULL) < 0 || !isdigit((unsigned char)s[11]) || !isdigit((unsigned char)s[12]) ||
		    s[13] != ':' || !isdigit((unsigned char)s[14]) || !isdigit((unsigned char)s[15]))
			return err_set(e, 400, "seance.date", "Date de séance « %s » illisible (AAAA-MM-JJTHH:MM attendu).", s);
		p.hh = atoi(s + 11);
		p.mm = atoi(s + 14);
		p.ss = n == 19 ? atoi(s + 17) : 0;
		if (paris_to_utc(&p, PARIS_EARLIER, out, NULL, e) < 0)
			return -1;
		return 0;
	}
	return err_set(e, 400, "seance.date", "Date de séance « %s » illisible (AAAA-MM-JJTHH:MM attendu).", s);
}

/* ---- organes ---------------------------------------------------------------------------------- */

int sd_organe_save(db *d, int64_t tenant, int64_t id, json_t *j, int64_t *out, struct err *e)
{
	const char *name = sd_str(j, "nom"), *kind = sd_str(j, "nature");
	enum seance_organe o;
	if (!*name)
		return err_set(e, 400, "organe.nom", "Le nom de l'assemblée est obligatoire.");
	if (seance_organe_parse(kind, &o) < 0)
		return err_set(e, 400, "organe.nature",
			       "Nature « %s » inconnue : commune, epci, departement, region ou commission.", kind);
	int64_t pop = sd_int(j, "population", -1), delai = sd_int(j, "delai", -1);
	if (o == ORGANE_COMMUNE && pop < 0)
		return err_set(e, 400, "organe.population",
			       "La population est obligatoire pour un conseil municipal : elle fixe le délai de convocation "
			       "(CGCT L2121-11 et L2121-12).");
	if (o == ORGANE_COMMISSION && delai < 0)
		return err_set(e, 400, "organe.delai",
			       "Une commission a le délai de convocation fixé par le règlement intérieur : indiquez-le (jours francs).");
	int distance = sd_bool(j, "distance");
	if (distance && o != ORGANE_EPCI)
		return err_set(e, 400, "organe.distance",
			       "La participation à distance n'est permise qu'aux EPCI à fiscalité propre (CGCT L5211-11-1).");
	if (id == 0) {
		int rc;
		db_stmt *s = tdb_query(d, tenant, e, &rc,
				       "INSERT INTO organes (tenant_id, name, kind, population, delai, distance, created_at) "
				       "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
				       "ttiiii", name, kind, pop, delai, (int64_t)distance, identity_now());
		if (!s)
			return -1;
		*out = db_col_int64(s, 0);
		db_finalize(s);
		return 0;
	}
	if (tdb_run(d, tenant, e,
		    "UPDATE organes SET name = $3, kind = $4, population = $5, delai = $6, distance = $7 WHERE tenant_id = $1 AND id = $2",
		    "ittiii", id, name, kind, pop, delai, (int64_t)distance) < 0)
		return -1;
	if (db_changes(d) == 0)
		return err_set(e, 404, "organe.inconnu", "Assemblée introuvable.");
	if (out)
		*out = id;
	return 0;
}

static json_t *organe_row(db_stmt *s)
{
	return json_pack("{s:I,s:s,s:s,s:I,s:i,s:b}", "id", (json_int_t)db_col_int64(s, 0), "nom", db_col_text(s, 1), "nature",
			 db_col_text(s, 2), "population", (json_int_t)db_col_int64(s, 3), "delai", (int)db_col_int64(s, 4),
			 "distance", (int)db_col_int64(s, 5));
}

json_t *sd_organes(db *d, int64_t tenant, struct err *e)
{
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT o.id, o.name, o.kind, o.population, o.delai, o.distance, "
			       "(SELECT COUNT(*) FROM membres m WHERE m.tenant_id = $1 AND m.organe_id = o.id) "
			       "FROM organes o WHERE o.tenant_id = $1 ORDER BY o.name", "");
	while (s && rc == DB_ROW) {
		json_t *o = organe_row(s);
		json_object_set_new(o, "membres", json_integer(db_col_int64(s, 6)));
		json_array_append_new(a, o);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return a;
}

#define MEMBRE_COLS "id, organe_id, user_id, qualite, titulaire_id, civilite, first_name, last_name, fonction, groupe, " \
		    "email, mobile, papier, adresse, en_exercice"

static json_t *membre_row(db_stmt *s)
{
	return json_pack("{s:I,s:I,s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:b}", "id", (json_int_t)db_col_int64(s, 0),
			 "organe", (json_int_t)db_col_int64(s, 1), "utilisateur", (json_int_t)db_col_int64(s, 2), "qualite",
			 db_col_text(s, 3), "titulaire", (json_int_t)db_col_int64(s, 4), "civilite", db_col_text(s, 5), "prenom",
			 db_col_text(s, 6), "nom", db_col_text(s, 7), "fonction", db_col_text(s, 8), "groupe", db_col_text(s, 9),
			 "courriel", db_col_text(s, 10), "mobile", db_col_text(s, 11), "papier", (int)db_col_int64(s, 12), "adresse",
			 db_col_text(s, 13), "en_exercice", (int)db_col_int64(s, 14));
}

json_t *sd_organe_json(db *d, int64_t tenant, int64_t id, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT id, name, kind, population, delai, distance FROM organes WHERE tenant_id = $1 AND id = $2", "i", id);
	if (!s)
		return NULL;
	if (rc != DB_ROW) {
		db_finalize(s);
		err_set(e, 404, "organe.inconnu", "Assemblée introuvable.");
		return NULL;
	}
	json_t *o = organe_row(s);
	db_finalize(s);
	json_t *a = json_array();
	s = tdb_query(d, tenant, e, &rc,
		      "SELECT " MEMBRE_COLS " FROM membres WHERE tenant_id = $1 AND organe_id = $2 "
		      "ORDER BY CASE qualite WHEN 'titulaire' THEN 0 WHEN 'suppleant' THEN 1 ELSE 2 END, last_name, first_name",
		      "i", id);
	while (s && rc == DB_ROW) {
		json_array_append_new(a, membre_row(s));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	/* Suppléants: the titulaire's name, for display. */
	size_t i, k;
	json_t *m, *t;
	json_array_foreach(a, i, m) {
		int64_t tit = json_integer_value(json_object_get(m, "titulaire"));
		json_array_foreach(a, k, t) if (tit && json_integer_value(json_object_get(t, "id")) == tit)
			json_object_set_new(m, "titulaire_nom", json_sprintf("%s %s", json_string_value(json_object_get(t, "prenom")),
									     json_string_value(json_object_get(t, "nom"))));
	}
	json_object_set_new(o, "membres", a);
	return o;
}

static int qualite_ok(const char *q)
{
	return !strcmp(q, "titulaire") || !strcmp(q, "suppleant") || !strcmp(q, "invite");
}

int sd_membre_save(db *d, int64_t tenant, int64_t organe, int64_t id, json_t *j, int64_t *out, struct err *e)
{
	if (!sd_exists(d, tenant, "SELECT id FROM organes WHERE tenant_id = $1 AND id = $2", organe))
		return err_set(e, 404, "organe.inconnu", "Assemblée introuvable.");
	const char *nom = sd_str(j, "nom"), *qualite = *sd_str(j, "qualite") ? sd_str(j, "qualite") : "titulaire";
	const char *email = sd_str(j, "courriel"), *adresse = sd_str(j, "adresse"), *mobile = sd_str(j, "mobile");
	int papier = sd_bool(j, "papier");
	int64_t tit = sd_int(j, "titulaire", 0), user = sd_int(j, "utilisateur", 0);
	int en_exercice = json_object_get(j, "en_exercice") ? sd_bool(j, "en_exercice") : 1;
	if (!*nom)
		return err_set(e, 400, "membre.nom", "Le nom du membre est obligatoire.");
	if (!qualite_ok(qualite))
		return err_set(e, 400, "membre.qualite", "Qualité « %s » inconnue : titulaire, suppleant ou invite.", qualite);
	if (*email && !strchr(email, '@'))
		return err_set(e, 400, "membre.courriel", "Adresse électronique « %s » invalide.", email);
	if (papier && !*adresse)
		return err_set(e, 400, "membre.adresse",
			       "Une convocation papier est adressée au domicile ou à une autre adresse : indiquez l'adresse postale "
			       "(CGCT L2121-10).");
	if (*mobile) {
		int digits = 0;
		for (const char *p = mobile; *p; p++)
			if (isdigit((unsigned char)*p))
				digits++;
			else if (*p != ' ' && *p != '.' && *p != '+' && *p != '-')
				digits = -100;
		if (digits < 9 || digits > 15)
			return err_set(e, 400, "membre.mobile", "Numéro de mobile « %s » invalide.", mobile);
	}
	if (!strcmp(qualite, "suppleant")) {
		if (!tit || !sd_exists(d, tenant,
				       "SELECT id FROM membres WHERE tenant_id = $1 AND id = $2 AND qualite = 'titulaire'", tit))
			return err_set(e, 400, "membre.titulaire", "Un suppléant est rattaché à un membre titulaire de la même assemblée.");
		int rc;
		db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT organe_id FROM membres WHERE tenant_id = $1 AND id = $2", "i", tit);
		int same = s && rc == DB_ROW && db_col_int64(s, 0) == organe;
		if (s)
			db_finalize(s);
		if (!same)
			return err_set(e, 400, "membre.titulaire", "Un suppléant est rattaché à un membre titulaire de la même assemblée.");
	} else {
		tit = 0;
	}
	if (user > 0) {
		int rc;
		db_stmt *s = db_query(d, e, &rc, "SELECT user_id FROM memberships WHERE user_id = $1 AND tenant_id = $2", "ii", user, tenant);
		int ok = s && rc == DB_ROW;
		if (s)
			db_finalize(s);
		if (!ok)
			return err_set(e, 400, "membre.utilisateur", "Le compte associé doit appartenir à la collectivité.");
	}
	if (id == 0) {
		int rc;
		db_stmt *s = tdb_query(d, tenant, e, &rc,
				       "INSERT INTO membres (tenant_id, organe_id, user_id, qualite, titulaire_id, civilite, first_name, last_name, "
				       "fonction, groupe, email, mobile, papier, adresse, en_exercice, created_at) "
				       "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) RETURNING id",
				       "iititttttttitii", organe, user, qualite, tit, sd_str(j, "civilite"),
				       sd_str(j, "prenom"), nom, sd_str(j, "fonction"), sd_str(j, "groupe"), email, mobile, (int64_t)papier,
				       adresse, (int64_t)en_exercice, identity_now());
		if (!s)
			return -1;
		*out = db_col_int64(s, 0);
		db_finalize(s);
		return 0;
	}
	if (tdb_run(d, tenant, e,
		    "UPDATE membres SET user_id = $4, qualite = $5, titulaire_id = $6, civilite = $7, first_name = $8, last_name = $9, "
		    "fonction = $10, groupe = $11, email = $12, mobile = $13, papier = $14, adresse = $15, en_exercice = $16 "
		    "WHERE tenant_id = $1 AND id = $2 AND organe_id = $3",
		    "iiititttttttiti", id, organe, user, qualite, tit, sd_str(j, "civilite"), sd_str(j, "prenom"), nom,
		    sd_str(j, "fonction"), sd_str(j, "groupe"), email, mobile, (int64_t)papier, adresse, (int64_t)en_exercice) < 0)
		return -1;
	if (db_changes(d) == 0)
		return err_set(e, 404, "membre.inconnu", "Membre introuvable.");
	if (out)
		*out = id;
	return 0;
}

json_t *sd_membre_json(db *d, int64_t tenant, int64_t id, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT " MEMBRE_COLS " FROM membres WHERE tenant_id = $1 AND id = $2", "i", id);
	if (!s)
		return NULL;
	json_t *m = rc == DB_ROW ? membre_row(s) : NULL;
	db_finalize(s);
	if (!m)
		err_set(e, 404, "membre.inconnu", "Membre introuvable.");
	return m;
}

/* ---- CSV -------------------------------------------------------------------------------------- */

/* Reads one CSV record (separator ';', RFC 4180 quotes) into fields; returns the count, 0 at the end. */
static int csv_record(const char **pp, const char *end, char fields[][512], int max)
{
	const char *p = *pp;
	if (p >= end)
		return 0;
	int n = 0;
	for (;;) {
		size_t o = 0;
		char *f = fields[n < max ? n : max - 1];
		if (p < end && *p == '"') {
			p++;
			while (p < end) {
				if (*p == '"' && p + 1 < end && p[1] == '"') {
					if (o < 511) f[o++] = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					if (o < 511) f[o++] = *p;
					p++;
				}
			}
		}
		while (p < end && *p != ';' && *p != '\n' && *p != '\r') {
			if (o < 511) f[o++] = *p;
			p++;
		}
		f[o] = '\0';
		if (n < max)
			n++;
		if (p < end && *p == ';') {
			p++;
			continue;
		}
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		break;
	}
	*pp = p;
	return n;
}

static const char *const csv_cols[] = { "nom", "prenom", "civilite", "fonction", "groupe", "courriel", "mobile",
					"papier", "adresse", "qualite", "titulaire", "en_exercice" };
#define NCOLS 12

static int64_t find_membre(db *d, int64_t tenant, int64_t organe, const char *prenom, const char *nom)
{
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc,
			       "SELECT id FROM membres WHERE tenant_id = $1 AND organe_id = $2 AND first_name = $3 AND last_name = $4",
			       "itt", organe, prenom, nom);
	int64_t id = s && rc == DB_ROW ? db_col_int64(s, 0) : 0;
	if (s)
		db_finalize(s);
	return id;
}

int sd_membres_import(db *d, int64_t tenant, int64_t organe, const char *csv, size_t len, int *count, struct err *e)
{
	if (!sd_exists(d, tenant, "SELECT id FROM organes WHERE tenant_id = $1 AND id = $2", organe))
		return err_set(e, 404, "organe.inconnu", "Assemblée introuvable.");
	const char *p = csv, *end = csv + len;
	if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
		p += 3;
	static __thread char f[NCOLS + 4][512];
	int n = csv_record(&p, end, f, NCOLS + 4), map[NCOLS];
	for (int c = 0; c < NCOLS; c++) {
		map[c] = -1;
		for (int k = 0; k < n; k++) {
			char *h = f[k];
			while (*h == ' ')
				h++;
			if (!strcasecmp(h, csv_cols[c]))
				map[c] = k;
		}
	}
	if (map[0] < 0)
		return err_set(e, 400, "membres.csv", "Ligne 1 : en-tête attendu (séparateur « ; ») : %s.", SD_CSV_HEADER);
	/* Two passes: titulaires first, so that suppléants find them whatever the order of the lines. */
	*count = 0;
	for (int pass = 0; pass < 2; pass++) {
		const char *q = p;
		int line = 1;
		for (;;) {
			int k = csv_record(&q, end, f, NCOLS + 4);
			if (!k)
				break;
			line++;
			if (k == 1 && !f[0][0])
				continue;
			json_t *j = json_object();
			for (int c = 0; c < NCOLS; c++)
				if (map[c] >= 0 && map[c] < k)
					json_object_set_new(j, csv_cols[c], json_string(f[map[c]]));
			const char *ql = sd_str(j, "qualite");
			int supp = !strcmp(ql, "suppleant") || !strcmp(ql, "suppléant");
			if (supp != pass) {
				json_decref(j);
				continue;
			}
			if (supp) {
				json_object_set_new(j, "qualite", json_string("suppleant"));
				/* « Prénom Nom » of the titulaire. */
				const char *t = sd_str(j, "titulaire");
				int64_t tid = 0;
				struct err e2;
				int rc;
				db_stmt *s = tdb_query(d, tenant, &e2, &rc,
						       "SELECT id FROM membres WHERE tenant_id = $1 AND organe_id = $2 AND qualite = 'titulaire' "
						       "AND (first_name || ' ' || last_name = $3 OR last_name || ' ' || first_name = $3)",
						       "it", organe, t);
				if (s && rc == DB_ROW)
					tid = db_col_int64(s, 0);
				if (s)
					db_finalize(s);
				if (!tid) {
					err_set(e, 400, "membres.csv", "Ligne %d : titulaire « %s » introuvable dans l'assemblée.", line, t);
					json_decref(j);
					return -1;
				}
				json_object_set_new(j, "titulaire", json_integer(tid));
			} else {
				json_object_del(j, "titulaire");
			}
			if (!json_object_get(j, "en_exercice") || !*sd_str(j, "en_exercice"))
				json_object_set_new(j, "en_exercice", json_true());
			int64_t id = find_membre(d, tenant, organe, sd_str(j, "prenom"), sd_str(j, "nom")), out;
			if (sd_membre_save(d, tenant, organe, id, j, &out, e) < 0) {
				json_decref(j);
				char msg[sizeof e->msg];
				snprintf(msg, sizeof msg, "%s", e->msg);
				return err_set(e, 400, "membres.csv", "Ligne %d : %s", line, msg);
			}
			json_decref(j);
			(*count)++;
		}
	}
	return 0;
}

static void csv_field(buf *b, const char *s, int last)
{
	if (strpbrk(s, ";\"\r\n")) {
		buf_putc(b, '"');
		for (; *s; s++) {
			if (*s == '"')
				buf_putc(b, '"');
			buf_putc(b, *s);
		}
		buf_putc(b, '"');
	} else {
		buf_puts(b, s);
	}
	buf_puts(b, last ? "\r\n" : ";");
}

int sd_membres_export(db *d, int64_t tenant, int64_t organe, buf *out, struct err *e)
{
	json_t *o = sd_organe_json(d, tenant, organe, e);
	if (!o)
		return -1;
	buf_puts(out, SD_CSV_HEADER "\r\n");
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(o, "membres"), i, m) {
		const char *v[NCOLS] = {
			sd_str(m, "nom"), sd_str(m, "prenom"), sd_str(m, "civilite"), sd_str(m, "fonction"), sd_str(m, "groupe"),
			sd_str(m, "courriel"), sd_str(m, "mobile"), sd_bool(m, "papier") ? "1" : "0", sd_str(m, "adresse"),
			sd_str(m, "qualite"), sd_str(m, "titulaire_nom"), sd_bool(m, "en_exercice") ? "1" : "0",
		};
		for (int c = 0; c < NCOLS; c++)
			csv_field(out, v[c], c == NCOLS - 1);
	}
	json_decref(o);
	return 0;
}

/* ---- séances ---------------------------------------------------------------------------------- */

int sd_seance_exists(db *d, int64_t tenant, int64_t id)
{
	return sd_exists(d, tenant, "SELECT id FROM seances WHERE tenant_id = $1 AND id = $2", id);
}

/* Full-text index (search module): title, assembly, place, date and the agenda. */
static void sd_index(db *d, int64_t tenant, int64_t seance)
{
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc,
			       "SELECT s.title, o.name, s.place, s.starts_at FROM seances s JOIN organes o ON o.id = s.organe_id "
			       "WHERE s.tenant_id = $1 AND s.id = $2", "i", seance);
	if (!s)
		return;
	if (rc != DB_ROW) {
		db_finalize(s);
		return;
	}
	char title[600], when[80];
	buf t = BUF_INIT;
	int64_t at = db_col_int64(s, 3);
	snprintf(title, sizeof title, "%s — %s", db_col_text(s, 0), sd_fmt_paris(at, when, sizeof when));
	buf_printf(&t, "%s %s %s %s", db_col_text(s, 0), db_col_text(s, 1), db_col_text(s, 2), when);
	db_finalize(s);
	s = tdb_query(d, tenant, &e, &rc, "SELECT title, rapporteur, theme, matiere FROM seance_points WHERE tenant_id = $1 AND seance_id = $2",
		      "i", seance);
	while (s && rc == DB_ROW) {
		buf_printf(&t, " %s %s %s %s", db_col_text(s, 0), db_col_text(s, 1), db_col_text(s, 2), db_col_text(s, 3));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	char url[64];
	snprintf(url, sizeof url, "/seances/%lld", (long long)seance);
	search_put(d, tenant, "seance", seance, title, t.data ? t.data : "", at, url, &e);
	buf_free(&t);
}

void sd_seance_touch(db *d, int64_t tenant, int64_t seance, int64_t user, const char *what)
{
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT status FROM seances WHERE tenant_id = $1 AND id = $2", "i", seance);
	int sent = s && rc == DB_ROW && strcmp(db_col_text(s, 0), "preparation") != 0;
	if (s)
		db_finalize(s);
	tdb_run(d, tenant, &e, "UPDATE seances SET revision = revision + 1, updated_at = $3 WHERE tenant_id = $1 AND id = $2", "ii",
		seance, identity_now());
	if (sent)
		tdb_run(d, tenant, &e,
			"INSERT INTO seance_events (tenant_id, seance_id, membre_id, at, kind, detail) VALUES ($1,$2,$3,$4,'modification',$5)",
			"iiit", seance, user, identity_now(), what);
	sd_index(d, tenant, seance);
}

int sd_seance_save(db *d, int64_t tenant, int64_t id, json_t *j, int64_t *out, struct err *e)
{
	int64_t organe = sd_int(j, "organe", 0), when;
	const char *title = sd_str(j, "titre"), *date = sd_str(j, "date"), *just = sd_str(j, "justification");
	int urgence = sd_bool(j, "urgence"), distance = sd_bool(j, "distance");
	int procs = json_object_get(j, "procurations") ? sd_bool(j, "procurations") : 1;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT distance, name FROM organes WHERE tenant_id = $1 AND id = $2", "i", organe);
	if (!s)
		return -1;
	int found = rc == DB_ROW, org_distance = found ? (int)db_col_int64(s, 0) : 0;
	char oname[256];
	snprintf(oname, sizeof oname, "%s", found ? db_col_text(s, 1) : "");
	db_finalize(s);
	if (!found)
		return err_set(e, 400, "seance.organe", "Choisissez l'assemblée convoquée.");
	if (!*title)
		title = oname;
	if (!*date)
		return err_set(e, 400, "seance.date", "La date et l'heure de la séance sont obligatoires.");
	if (parse_when(date, &when, e) < 0)
		return -1;
	if (urgence && strlen(just) < 10)
		return err_set(e, 400, "seance.urgence",
			       "L'urgence doit être justifiée (le conseil se prononce sur l'urgence dès l'ouverture de la séance, "
			       "CGCT L2121-11 et L2121-12) : décrivez le motif.");
	if (distance && !org_distance)
		return err_set(e, 400, "seance.distance",
			       "La participation à distance n'est permise qu'aux EPCI à fiscalité propre (CGCT L5211-11-1) : "
			       "l'assemblée ne l'autorise pas.");
	/* Second convocation of an earlier séance without quorum (L2121-17 al. 2): kept unless given. */
	int64_t seconde = json_object_get(j, "seconde_de") ? sd_int(j, "seconde_de", 0) : 0;
	if (id && !json_object_get(j, "seconde_de")) {
		s = tdb_query(d, tenant, e, &rc, "SELECT seconde_de FROM seances WHERE tenant_id = $1 AND id = $2", "i", id);
		if (!s)
			return -1;
		seconde = rc == DB_ROW ? db_col_int64(s, 0) : 0;
		db_finalize(s);
	}
	if (seconde < 0)
		return err_set(e, 400, "seance.seconde", "« seconde_de » : identifiant de séance attendu.");
	if (seconde && sd_seconde_check(d, tenant, organe, when, seconde, id, e) < 0)
		return -1;
	int64_t now = identity_now();
	if (id == 0) {
		s = tdb_query(d, tenant, e, &rc,
			      "INSERT INTO seances (tenant_id, organe_id, title, starts_at, place, urgence, urgence_justification, distance, "
			      "procurations, created_at, updated_at, seconde_de) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$10,$11) RETURNING id",
			      "itititiiii", organe, title, when, sd_str(j, "lieu"), (int64_t)urgence, urgence ? just : "", (int64_t)distance,
			      (int64_t)procs, now, seconde);
		if (!s)
			return -1;
		*out = db_col_int64(s, 0);
		db_finalize(s);
		if (seconde && sd_bool(j, "reprendre_ordre_du_jour") && sd_reprendre_points(d, tenant, *out, seconde, e) < 0)
			return -1;
		sd_index(d, tenant, *out);
		return sd_liste_alerte_schedule(d, tenant, *out, e);
	}
	if (tdb_run(d, tenant, e,
		    "UPDATE seances SET organe_id = $3, title = $4, starts_at = $5, place = $6, urgence = $7, urgence_justification = $8, "
		    "distance = $9, procurations = $10, seconde_de = $11 WHERE tenant_id = $1 AND id = $2",
		    "iitititiii", id, organe, title, when, sd_str(j, "lieu"), (int64_t)urgence, urgence ? just : "", (int64_t)distance,
		    (int64_t)procs, seconde) < 0)
		return -1;
	if (db_changes(d) == 0)
		return err_set(e, 404, "seance.inconnue", "Séance introuvable.");
	sd_seance_touch(d, tenant, id, 0, "séance modifiée (date, lieu ou urgence)");
	if (out)
		*out = id;
	return sd_liste_alerte_schedule(d, tenant, id, e);
}

json_t *sd_seances(db *d, int64_t tenant, struct err *e)
{
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT s.id, s.title, s.starts_at, s.place, s.status, o.name, s.urgence FROM seances s "
			       "JOIN organes o ON o.id = s.organe_id WHERE s.tenant_id = $1 ORDER BY s.starts_at DESC", "");
	while (s && rc == DB_ROW) {
		char when[80];
		json_array_append_new(a, json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)db_col_int64(s, 0), "titre",
						   db_col_text(s, 1), "debut", (json_int_t)db_col_int64(s, 2), "quand",
						   sd_fmt_paris(db_col_int64(s, 2), when, sizeof when), "lieu", db_col_text(s, 3), "statut",
						   db_col_text(s, 4), "organe", db_col_text(s, 5), "urgence", (int)db_col_int64(s, 6)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return a;
}

int sd_seance_delai(db *d, int64_t tenant, int64_t seance, struct seance_delai_in *in, struct seance_delai_out *out,
		    struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT o.kind, o.population, o.delai, s.urgence, s.starts_at FROM seances s JOIN organes o ON o.id = s.organe_id "
			       "WHERE s.tenant_id = $1 AND s.id = $2", "i", seance);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "seance.inconnue", "Séance introuvable.");
	}
	memset(in, 0, sizeof *in);
	seance_organe_parse(db_col_text(s, 0), &in->organe);
	in->population = (long)db_col_int64(s, 1);
	in->delai = (int)db_col_int64(s, 2);
	in->urgence = (int)db_col_int64(s, 3);
	struct paris_time p;
	int64_t t = db_col_int64(s, 4);
	db_finalize(s);
	if (paris_from_utc(t, &p, e) < 0)
		return -1;
	in->seance = p.date;
	return seance_delai(in, out, e);
}

static json_t *docs_of(db *d, int64_t tenant, int64_t seance, int64_t point, struct err *e)
{
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT id, kind, name, sha256, mime, size FROM seance_docs WHERE tenant_id = $1 AND seance_id = $2 "
			       "AND point_id = $3 ORDER BY CASE kind WHEN 'convocation' THEN 0 WHEN 'note_synthese' THEN 1 "
			       "WHEN 'principal' THEN 2 ELSE 3 END, rank, id", "ii", seance, point);
	while (s && rc == DB_ROW) {
		const char *k = db_col_text(s, 1);
		const char *label = !strcmp(k, "convocation") ? "Lettre de convocation" : !strcmp(k, "note_synthese") ? "Note explicative de synthèse"
				    : !strcmp(k, "principal") ? "Projet" : !strcmp(k, "annexe") ? "Annexe" : "Autre document";
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "id", (json_int_t)db_col_int64(s, 0), "type", k,
						   "libelle", label, "nom", db_col_text(s, 2), "sha256", db_col_text(s, 3), "mime",
						   db_col_text(s, 4), "taille", (json_int_t)db_col_int64(s, 5), "seance", (json_int_t)seance));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return a;
}

json_t *sd_seance_json(db *d, int64_t tenant, int64_t id, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT s.id, s.organe_id, s.title, s.starts_at, s.place, s.urgence, s.urgence_justification, s.distance, "
			       "s.procurations, s.status, s.sent_at, s.revision, o.name, o.kind FROM seances s JOIN organes o ON o.id = s.organe_id "
			       "WHERE s.tenant_id = $1 AND s.id = $2", "i", id);
	if (!s)
		return NULL;
	if (rc != DB_ROW) {
		db_finalize(s);
		err_set(e, 404, "seance.inconnue", "Séance introuvable.");
		return NULL;
	}
	char when[80], sent[80], local[20];
	int64_t t = db_col_int64(s, 3);
	struct paris_time p;
	paris_from_utc(t, &p, NULL);
	snprintf(local, sizeof local, "%04d-%02d-%02dT%02d:%02d", p.date.y, p.date.m, p.date.d, p.hh, p.mm);
	json_t *o = json_pack("{s:I,s:I,s:s,s:I,s:s,s:s,s:s,s:b,s:s,s:b,s:b,s:s,s:I,s:s,s:I,s:s,s:s}", "id", (json_int_t)db_col_int64(s, 0),
			      "organe", (json_int_t)db_col_int64(s, 1), "titre", db_col_text(s, 2), "debut", (json_int_t)t, "date", local,
			      "quand", sd_fmt_paris(t, when, sizeof when), "lieu", db_col_text(s, 4), "urgence", (int)db_col_int64(s, 5),
			      "justification", db_col_text(s, 6), "distance", (int)db_col_int64(s, 7), "procurations",
			      (int)db_col_int64(s, 8), "statut", db_col_text(s, 9), "envoyee_le", (json_int_t)db_col_int64(s, 10),
			      "envoi", db_col_int64(s, 10) ? sd_fmt_paris(db_col_int64(s, 10), sent, sizeof sent) : "",
			      "revision", (json_int_t)db_col_int64(s, 11), "organe_nom", db_col_text(s, 12), "organe_nature",
			      db_col_text(s, 13));
	db_finalize(s);
	json_t *pts = json_array();
	s = tdb_query(d, tenant, e, &rc,
		      "SELECT p.id, p.rank, p.title, p.rapporteur_id, p.rapporteur, p.theme, p.matiere, m.first_name, m.last_name, p.origine_id "
		      "FROM seance_points p LEFT JOIN membres m ON m.id = p.rapporteur_id WHERE p.tenant_id = $1 AND p.seance_id = $2 "
		      "ORDER BY p.rank, p.id", "i", id);
	while (s && rc == DB_ROW) {
		const char *rap = db_col_text(s, 4);
		json_t *pt = json_pack("{s:I,s:i,s:s,s:I,s:s,s:s,s:s,s:I}", "id", (json_int_t)db_col_int64(s, 0), "rang", (int)db_col_int64(s, 1),
				       "titre", db_col_text(s, 2), "rapporteur", (json_int_t)db_col_int64(s, 3), "rapporteur_nom",
				       *rap ? rap : "", "theme", db_col_text(s, 5), "matiere", db_col_text(s, 6), "seance", (json_int_t)id);
		json_object_set_new(pt, "origine", json_integer(db_col_int64(s, 9)));
		if (!*rap && !db_col_isnull(s, 7))
			json_object_set_new(pt, "rapporteur_nom", json_sprintf("%s %s", db_col_text(s, 7), db_col_text(s, 8)));
		json_array_append_new(pts, pt);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	size_t i;
	json_t *pt;
	json_array_foreach(pts, i, pt) json_object_set_new(pt, "documents", docs_of(d, tenant, id, json_integer_value(json_object_get(pt, "id")), e));
	json_object_set_new(o, "points", pts);
	json_object_set_new(o, "documents", docs_of(d, tenant, id, 0, e));
	struct seance_delai_in in;
	struct seance_delai_out out;
	struct err de = { 0 };
	if (sd_seance_delai(d, tenant, id, &in, &out, &de) == 0) {
		char lim[11], fr[40];
		json_object_set_new(o, "delai", json_pack("{s:s,s:s,s:s,s:i,s:b,s:b}", "envoi_limite", date_format(out.envoi_limite, lim),
							  "envoi_limite_fr", date_format_fr(out.envoi_limite, fr), "regle", out.regle, "jours",
							  out.jours, "francs", out.francs, "note_synthese", out.note_synthese));
		int64_t start;
		if (paris_day_start_utc(date_add_days(out.envoi_limite, 1), &start, NULL) == 0)
			json_object_set_new(o, "en_retard", json_boolean(identity_now() >= start));
	} else {
		json_object_set_new(o, "delai", json_pack("{s:s}", "erreur", de.msg));
	}
	s = tdb_query(d, tenant, e, &rc,
		      "SELECT COUNT(*), SUM(CASE WHEN state = 'acceptee' THEN 1 ELSE 0 END), SUM(CASE WHEN read_at > 0 THEN 1 ELSE 0 END), "
		      "SUM(CASE WHEN state = 'echec' THEN 1 ELSE 0 END), SUM(CASE WHEN state = 'papier' THEN 1 ELSE 0 END) "
		      "FROM convocations WHERE tenant_id = $1 AND seance_id = $2", "i", id);
	if (s && rc == DB_ROW)
		json_object_set_new(o, "convocations", json_pack("{s:I,s:I,s:I,s:I,s:I}", "total", (json_int_t)db_col_int64(s, 0), "acceptees",
								 (json_int_t)db_col_int64(s, 1), "lues", (json_int_t)db_col_int64(s, 2),
								 "echecs", (json_int_t)db_col_int64(s, 3), "papier", (json_int_t)db_col_int64(s, 4)));
	if (s)
		db_finalize(s);
	sd_seance_json_cloture(d, tenant, o);
	return o;
}

/* ---- points ----------------------------------------------------------------------------------- */

int sd_point_save(db *d, int64_t tenant, int64_t seance, int64_t id, json_t *j, int64_t *out, struct err *e)
{
	if (!sd_seance_exists(d, tenant, seance))
		return err_set(e, 404, "seance.inconnue", "Séance introuvable.");
	const char *title = sd_str(j, "titre"), *mat = sd_str(j, "matiere");
	if (!*title)
		return err_set(e, 400, "point.titre", "Le titre du point est obligatoire.");
	if (*mat) {
		/* ACTES matière code: "N.N" or "N.N.N", first digit 1..9. */
		int ok = mat[0] >= '1' && mat[0] <= '9' && mat[1] == '.';
		for (const char *p = mat + 1; ok && *p; p++)
			ok = isdigit((unsigned char)*p) || (*p == '.' && p[-1] != '.' && p[1]);
		if (!ok)
			return err_set(e, 400, "point.matiere", "Matière ACTES « %s » invalide (ex. 7.1 ou 5.3.2).", mat);
	}
	int64_t rap = sd_int(j, "rapporteur", 0), origine = sd_int(j, "origine", 0);
	if (sd_point_origine_check(d, tenant, seance, origine, e) < 0)
		return -1;
	if (rap && !sd_exists(d, tenant, "SELECT id FROM membres WHERE tenant_id = $1 AND id = $2", rap))
		return err_set(e, 400, "point.rapporteur", "Le rapporteur doit être un membre de l'assemblée.");
	int rc;
	if (id == 0) {
		db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT COALESCE(MAX(rank), 0) FROM seance_points WHERE tenant_id = $1 AND seance_id = $2",
				       "i", seance);
		if (!s)
			return -1;
		int64_t rank = db_col_int64(s, 0) + 1;
		db_finalize(s);
		s = tdb_query(d, tenant, e, &rc,
			      "INSERT INTO seance_points (tenant_id, seance_id, rank, title, rapporteur_id, rapporteur, theme, matiere, created_at, origine_id) "
			      "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id",
			      "iititttii", seance, rank, title, rap, sd_str(j, "rapporteur_nom"), sd_str(j, "theme"), mat, identity_now(), origine);
		if (!s)
			return -1;
		*out = db_col_int64(s, 0);
		db_finalize(s);
	} else {
		if (tdb_run(d, tenant, e,
			    "UPDATE seance_points SET title = $4, rapporteur_id = $5, rapporteur = $6, theme = $7, matiere = $8 "
			    "WHERE tenant_id = $1 AND id = $2 AND seance_id = $3",
			    "iitittt", id, seance, title, rap, sd_str(j, "rapporteur_nom"), sd_str(j, "theme"), mat) < 0)
			return -1;
		if (db_changes(d) == 0)
			return err_set(e, 404, "point.inconnu", "Point introuvable.");
		if (json_object_get(j, "origine") &&
		    tdb_run(d, tenant, e, "UPDATE seance_points SET origine_id = $3 WHERE tenant_id = $1 AND id = $2", "ii", id, origine) < 0)
			return -1;
		if (out)
			*out = id;
	}
	sd_seance_touch(d, tenant, seance, 0, "ordre du jour modifié");
	return 0;
}

int sd_point_delete(db *d, int64_t tenant, int64_t seance, int64_t id, struct err *e)
{
	if (tdb_run(d, tenant, e, "DELETE FROM seance_docs WHERE tenant_id = $1 AND point_id = $2 AND seance_id = $3", "ii", id, seance) < 0 ||
	    tdb_run(d, tenant, e, "DELETE FROM seance_points WHERE tenant_id = $1 AND id = $2 AND seance_id = $3", "ii", id, seance) < 0)
		return -1;
	if (db_changes(d) == 0)
		return err_set(e, 404, "point.inconnu", "Point introuvable.");
	/* Renumber 1..n. */
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM seance_points WHERE tenant_id = $1 AND seance_id = $2 ORDER BY rank, id",
			       "i", seance);
	int64_t ids[512];
	int n = 0;
	while (s && rc == DB_ROW && n < 512) {
		ids[n++] = db_col_int64(s, 0);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	for (int i = 0; i < n; i++)
		tdb_run(d, tenant, e, "UPDATE seance_points SET rank = $3 WHERE tenant_id = $1 AND id = $2", "ii", ids[i], (int64_t)(i + 1));
	sd_seance_touch(d, tenant, seance, 0, "point retiré de l'ordre du jour");
	return 0;
}

int sd_point_move(db *d, int64_t tenant, int64_t seance, int64_t id, int dir, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM seance_points WHERE tenant_id = $1 AND seance_id = $2 ORDER BY rank, id",
			       "i", seance);
	int64_t ids[512];
	int n = 0, at = -1;
	while (s && rc == DB_ROW && n < 512) {
		if (db_col_int64(s, 0) == id)
			at = n;
		ids[n++] = db_col_int64(s, 0);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	if (at < 0)
		return err_set(e, 404, "point.inconnu", "Point introuvable.");
	int to = at + (dir < 0 ? -1 : 1);
	if (to < 0 || to >= n)
		return 0;
	int64_t t = ids[at];
	ids[at] = ids[to];
	ids[to] = t;
	for (int i = 0; i < n; i++)
		if (tdb_run(d, tenant, e, "UPDATE seance_points SET rank = $3 WHERE tenant_id = $1 AND id = $2", "ii", ids[i], (int64_t)(i + 1)) < 0)
			return -1;
	sd_seance_touch(d, tenant, seance, 0, "ordre du jour réordonné");
	return 0;
}

/* ---- documents -------------------------------------------------------------------------------- */

int sd_doc_add(db *d, int64_t tenant, int64_t seance, int64_t point, const char *kind, const char *name,
	       const char *sha256, const char *mime, int64_t size, int64_t *out, struct err *e)
{
	if (!sd_seance_exists(d, tenant, seance))
		return err_set(e, 404, "seance.inconnue", "Séance introuvable.");
	int point_kind = !strcmp(kind, "principal") || !strcmp(kind, "annexe");
	int seance_kind = !strcmp(kind, "convocation") || !strcmp(kind, "note_synthese") || !strcmp(kind, "autre");
	if (!point_kind && !seance_kind)
		return err_set(e, 400, "document.type", "Type de document « %s » inconnu (principal, annexe, convocation, note_synthese, autre).",
			       kind);
	if (point_kind) {
		int rc;
		db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM seance_points WHERE tenant_id = $1 AND id = $2 AND seance_id = $3",
				       "ii", point, seance);
		int ok = s && rc == DB_ROW;
		if (s)
			db_finalize(s);
		if (!ok)
			return err_set(e, 404, "point.inconnu", "Point introuvable.");
	} else {
		point = 0;
	}
	if (strcmp(kind, "principal") == 0 || strcmp(kind, "convocation") == 0 || strcmp(kind, "note_synthese") == 0) {
		if (strcmp(mime, "application/pdf") != 0)
			return err_set(e, 415, "document.format", "« %s » : le projet, la lettre de convocation et la note de synthèse sont des PDF.",
				       name);
		if (tdb_run(d, tenant, e, "DELETE FROM seance_docs WHERE tenant_id = $1 AND seance_id = $2 AND point_id = $3 AND kind = $4",
			    "iit", seance, point, kind) < 0)
			return -1;
	}
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "INSERT INTO seance_docs (tenant_id, seance_id, point_id, kind, rank, name, sha256, mime, size, created_at) "
			       "VALUES ($1,$2,$3,$4,(SELECT COUNT(*) FROM seance_docs WHERE tenant_id = $1 AND seance_id = $2 AND point_id = $3),"
			       "$5,$6,$7,$8,$9) RETURNING id",
			       "iittttii", seance, point, kind, name, sha256, mime, size, identity_now());
	if (!s)
		return -1;
	if (out)
		*out = db_col_int64(s, 0);
	db_finalize(s);
	char what[400];
	snprintf(what, sizeof what, "document ajouté : %s (SHA-256 %s)", name, sha256);
	sd_seance_touch(d, tenant, seance, 0, what);
	return 0;
}

int sd_doc_delete(db *d, int64_t tenant, int64_t seance, int64_t id, struct err *e)
{
	if (tdb_run(d, tenant, e, "DELETE FROM seance_docs WHERE tenant_id = $1 AND id = $2 AND seance_id = $3", "ii", id, seance) < 0)
		return -1;
	if (db_changes(d) == 0)
		return err_set(e, 404, "document.inconnu", "Document introuvable.");
	sd_seance_touch(d, tenant, seance, 0, "document retiré");
	return 0;
}

int sd_doc_get(db *d, int64_t tenant, int64_t seance, int64_t id, char sha[65], char mime[128], char name[256], struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT sha256, mime, name FROM seance_docs WHERE tenant_id = $1 AND id = $2 AND seance_id = $3",
			       "ii", id, seance);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "document.inconnu", "Document introuvable.");
	}
	snprintf(sha, 65, "%s", db_col_text(s, 0));
	snprintf(mime, 128, "%s", db_col_text(s, 1));
	snprintf(name, 256, "%s", db_col_text(s, 2));
	db_finalize(s);
	return 0;
}
