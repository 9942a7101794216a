/* permanences: a convention's permanences in the database — the recurrence rule, the dates entered
 * by hand (a session added, a session of the rule cancelled or moved), the dated sessions over a
 * window (for the pages, the API and the ICS feeds) and the comparison with the rhythm the convention
 * writes (« 3 demi-journées par mois »). Rules in permanences_rules.c; docs/conventions.md. */
#include "conventions/conventions_db.h"
#include "db/tenant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SESSIONS 2000   /* per permanence and window: 10 years of a weekly rule */

static void hhmm(int min, char out[6])
{
	int h = (min / 60) % 24, m = min % 60;
	out[0] = (char)('0' + h / 10);
	out[1] = (char)('0' + h % 10);
	out[2] = ':';
	out[3] = (char)('0' + m / 10);
	out[4] = (char)('0' + m % 10);
	out[5] = 0;
}

/* The rule of a row of convention_permanences as cv_get returns it (jour, semaines, heure_debut,
 * heure_fin, du, au). */
static void rule_of(json_t *p, struct cv_perm *r)
{
	*r = (struct cv_perm){ 0 };
	r->weekday = (int)cv_num(p, "jour");
	if (cv_perm_weeks_parse(cv_str(p, "semaines"), &r->weeks) < 0)
		r->weeks = 0;
	r->start_min = cv_time_parse(cv_str(p, "heure_debut"));
	r->end_min = cv_time_parse(cv_str(p, "heure_fin"));
	if (date_parse(cv_str(p, "du"), &r->from, NULL) < 0)
		r->from = (struct date){ 0 };
	if (date_parse(cv_str(p, "au"), &r->to, NULL) < 0)
		r->to = (struct date){ 0 };
	if (r->start_min < 0 || r->end_min <= r->start_min)
		r->weekday = 0;
}

/* The convention's span for its permanences: its start to the end of the current period (the last
 * possible end for a tacit renewal), or the day before a notified termination takes effect. */
static void conv_span(json_t *c, struct date *from, struct date *to)
{
	*from = *to = (struct date){ 0 };
	date_parse(cv_str(c, "debut"), from, NULL);
	const char *end = strcmp(cv_str(c, "renouvellement"), "tacite") == 0 ? cv_str(c, "fin_possible") : cv_str(c, "echeance");
	date_parse(end, to, NULL);
	struct date eff;
	if (date_parse(cv_str(c, "resiliation_effet_date"), &eff, NULL) == 0) {
		eff = date_add_days(eff, -1);
		if (!to->y || date_cmp(eff, *to) < 0)
			*to = eff;
	}
}

int cv_perm_from_input(json_t *in, struct cv_perm *r, struct err *e)
{
	*r = (struct cv_perm){ 0 };
	json_t *j = json_object_get(in, "jour");
	r->weekday = json_is_integer(j) ? (int)json_integer_value(j) : (int)strtol(cv_str(in, "jour"), NULL, 10);
	if (r->weekday == 0)
		return 0;
	if (cv_perm_weeks_parse(cv_str(in, "semaines"), &r->weeks) < 0)
		return err_set(e, 400, "permanence.semaines", "Semaines du mois : des numéros de 1 à 5 ou « dernier », séparés par des virgules (ex. 1,3).");
	r->start_min = cv_time_parse(cv_str(in, "heure_debut"));
	r->end_min = cv_time_parse(cv_str(in, "heure_fin"));
	if (r->start_min < 0 || r->end_min < 0)
		return err_set(e, 400, "permanence.heures", "Horaires de la permanence : heure de début et de fin au format 9:00 ou 14h30.");
	if ((*cv_str(in, "du") && date_parse(cv_str(in, "du"), &r->from, NULL) < 0) || (*cv_str(in, "au") && date_parse(cv_str(in, "au"), &r->to, NULL) < 0))
		return err_set(e, 400, "permanence.periode", "Période de la permanence : dates au format AAAA-MM-JJ.");
	return cv_perm_check(r, e);
}

int cv_perm_save(db *d, int64_t tenant, int64_t conv, int64_t perm, json_t *in, int64_t *out_id, struct err *e)
{
	const char *lieu = cv_str(in, "lieu"), *rythme = cv_str(in, "rythme");
	if (!*lieu || !*rythme)
		return err_set(e, 400, "permanence.lieu", "Une permanence a un lieu et un rythme (« 2 journées par mois »).");
	if (strlen(lieu) > 500 || strlen(rythme) > 500)
		return err_set(e, 400, "permanence.longueur", "Lieu et rythme : 500 caractères au plus.");
	struct cv_perm r;
	if (cv_perm_from_input(in, &r, e) < 0)
		return -1;
	char weeks[32], a[6] = "", b[6] = "", du[11] = "", au[11] = "";
	cv_perm_weeks_format(r.weeks, weeks);
	if (r.weekday) {
		hhmm(r.start_min, a);
		hhmm(r.end_min, b);
	}
	if (r.from.y)
		date_format(r.from, du);
	if (r.to.y)
		date_format(r.to, au);
	if (!perm) {
		int rc;
		db_stmt *s = tdb_query(d, tenant, e, &rc,
				       "INSERT INTO convention_permanences (tenant_id, convention_id, lieu, rythme, jour, semaines, heure_debut,"
				       " heure_fin, du, au) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
				       "ittittttt", conv, lieu, rythme, (int64_t)r.weekday, r.weekday ? weeks : "", a, b, du, au);
		if (!s)
			return -1;
		if (out_id)
			*out_id = rc == DB_ROW ? db_col_int64(s, 0) : 0;
		db_finalize(s);
		return 0;
	}
	if (tdb_run(d, tenant, e,
		    "UPDATE convention_permanences SET lieu = $4, rythme = $5, jour = $6, semaines = $7, heure_debut = $8, heure_fin = $9,"
		    " du = $10, au = $11 WHERE tenant_id = $1 AND id = $2 AND convention_id = $3",
		    "iittittttt", perm, conv, lieu, rythme, (int64_t)r.weekday, r.weekday ? weeks : "", a, b, du, au) < 0)
		return -1;
	if (db_changes(d) != 1)
		return err_set(e, 404, "permanence.inconnue", "Permanence introuvable.");
	if (out_id)
		*out_id = perm;
	return 0;
}

static int perm_of_conv(db *d, int64_t tenant, int64_t conv, int64_t perm, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM convention_permanences WHERE tenant_id = $1 AND id = $2 AND convention_id = $3",
			       "ii", perm, conv);
	if (!s)
		return -1;
	int ok = rc == DB_ROW;
	db_finalize(s);
	return ok ? 0 : err_set(e, 404, "permanence.inconnue", "Permanence introuvable.");
}

int cv_perm_delete(db *d, int64_t tenant, int64_t conv, int64_t perm, struct err *e)
{
	if (perm_of_conv(d, tenant, conv, perm, e) < 0 ||
	    tdb_run(d, tenant, e, "DELETE FROM convention_permanence_dates WHERE tenant_id = $1 AND permanence_id = $2", "i", perm) < 0)
		return -1;
	return tdb_run(d, tenant, e, "DELETE FROM convention_permanences WHERE tenant_id = $1 AND id = $2", "i", perm);
}

int cv_perm_date_set(db *d, int64_t tenant, int64_t conv, int64_t perm, json_t *in, struct err *e)
{
	if (perm_of_conv(d, tenant, conv, perm, e) < 0)
		return -1;
	struct date day;
	if (date_parse(cv_str(in, "date"), &day, NULL) < 0)
		return err_set(e, 400, "permanence.date", "Date de la séance de permanence : AAAA-MM-JJ.");
	int cancelled = cv_num(in, "annulee") != 0 || json_is_true(json_object_get(in, "annulee"));
	int a = cv_time_parse(cv_str(in, "heure_debut")), b = cv_time_parse(cv_str(in, "heure_fin"));
	if (!cancelled && (a < 0 || b <= a))
		return err_set(e, 400, "permanence.heures", "Horaires de la séance : heure de début avant l'heure de fin (ex. 9:00 à 12:00).");
	const char *motif = cv_str(in, "motif");
	if (strlen(motif) > 500)
		return err_set(e, 400, "permanence.longueur", "Motif : 500 caractères au plus.");
	char iso[11], ha[6] = "", hb[6] = "";
	date_format(day, iso);
	if (!cancelled) {
		hhmm(a, ha);
		hhmm(b, hb);
	}
	if (tdb_run(d, tenant, e, "DELETE FROM convention_permanence_dates WHERE tenant_id = $1 AND permanence_id = $2 AND jour = $3", "it", perm,
		    iso) < 0)
		return -1;
	return tdb_run(d, tenant, e,
		       "INSERT INTO convention_permanence_dates (tenant_id, permanence_id, jour, annulee, heure_debut, heure_fin, motif)"
		       " VALUES ($1, $2, $3, $4, $5, $6, $7)", "itittt", perm, iso, (int64_t)cancelled, ha, hb, motif);
}

int cv_perm_date_delete(db *d, int64_t tenant, int64_t conv, int64_t perm, int64_t date_id, struct err *e)
{
	if (perm_of_conv(d, tenant, conv, perm, e) < 0 ||
	    tdb_run(d, tenant, e, "DELETE FROM convention_permanence_dates WHERE tenant_id = $1 AND id = $2 AND permanence_id = $3", "ii", date_id,
		    perm) < 0)
		return -1;
	return db_changes(d) == 1 ? 0 : err_set(e, 404, "permanence.date_inconnue", "Date de permanence introuvable.");
}

/* The hand-entered dates of a permanence: [{id, date, annulee, heure_debut, heure_fin, motif}]. */
static json_t *hand_dates(db *d, int64_t tenant, int64_t perm, struct err *e)
{
	json_t *a = json_array();
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id, jour, annulee, heure_debut, heure_fin, motif FROM convention_permanence_dates"
						  " WHERE tenant_id = $1 AND permanence_id = $2 ORDER BY jour", "i", perm);
	while (s && rc == DB_ROW) {
		struct date dd;
		char fr[40] = "";
		if (date_parse(db_col_text(s, 1), &dd, NULL) == 0)
			date_format_fr(dd, fr);
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:b,s:s,s:s,s:s}", "id", (json_int_t)db_col_int64(s, 0), "date", db_col_text(s, 1),
						   "date_fr", fr, "annulee", (int)db_col_int64(s, 2), "heure_debut", db_col_text(s, 3),
						   "heure_fin", db_col_text(s, 4), "motif", db_col_text(s, 5)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return a;
}

static int by_date(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(cv_str(x, "date"), cv_str(y, "date"));
	return c ? c : strcmp(cv_str(x, "debut"), cv_str(y, "debut"));
}

/* Appends the sessions of permanence p (a cv_get row) of convention c within [from, to] to out. */
static void sessions_of(json_t *c, json_t *p, json_t *hand, struct date from, struct date to, json_t *out)
{
	struct cv_perm r;
	rule_of(p, &r);
	struct date cf, ct;
	conv_span(c, &cf, &ct);
	if (!r.from.y)
		r.from = cf;
	if (!r.to.y)
		r.to = ct;
	static __thread struct date ds[MAX_SESSIONS];
	int n = cv_perm_expand(&r, from, to, ds, MAX_SESSIONS);
	if (n > MAX_SESSIONS)
		n = MAX_SESSIONS;
	char a[6] = "", b[6] = "";
	if (r.weekday) {
		hhmm(r.start_min, a);
		hhmm(r.end_min, b);
	}
	json_t *tmp = json_array();
	for (int i = 0; i < n; i++) {
		char iso[11];
		json_array_append_new(tmp, json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "date", date_format(ds[i], iso), "debut", a, "fin", b, "origine",
						     "regle", "annulee", 0, "motif", ""));
	}
	size_t i, k;
	json_t *h, *s;
	json_array_foreach(hand, i, h) {
		struct date dd;
		if (date_parse(cv_str(h, "date"), &dd, NULL) < 0 || date_cmp(dd, from) < 0 || date_cmp(dd, to) > 0)
			continue;
		json_t *match = NULL;
		json_array_foreach(tmp, k, s) if (strcmp(cv_str(s, "date"), cv_str(h, "date")) == 0) match = s;
		int cancelled = json_is_true(json_object_get(h, "annulee"));
		if (!match) {
			match = json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "date", cv_str(h, "date"), "debut", cv_str(h, "heure_debut"), "fin", cv_str(h, "heure_fin"),
					  "origine", "ajout", "annulee", 0, "motif", "");
			json_array_append_new(tmp, match);
		}
		if (cancelled)
			json_object_set_new(match, "annulee", json_true());
		else {
			json_object_set_new(match, "debut", json_string(cv_str(h, "heure_debut")));
			json_object_set_new(match, "fin", json_string(cv_str(h, "heure_fin")));
			if (strcmp(cv_str(match, "origine"), "regle") == 0)
				json_object_set_new(match, "origine", json_string("modifiee"));
		}
		json_object_set_new(match, "motif", json_string(cv_str(h, "motif")));
		json_object_set_new(match, "date_id", json_object_get(h, "id") ? json_incref(json_object_get(h, "id")) : json_integer(0));
	}
	json_array_foreach(tmp, i, s) {
		struct date dd;
		char fr[40];
		date_parse(cv_str(s, "date"), &dd, NULL);
		json_object_set_new(s, "date_fr", json_string(date_format_fr(dd, fr)));
		json_object_set_new(s, "permanence_id", json_incref(json_object_get(p, "id")));
		json_object_set_new(s, "lieu", json_string(cv_str(p, "lieu")));
		json_object_set_new(s, "convention_id", json_incref(json_object_get(c, "id")));
		json_object_set_new(s, "convention", json_string(cv_str(c, "titre")));
		json_object_set_new(s, "partenaire", json_string(cv_str(c, "partenaire")));
		json_array_append(out, s);
	}
	json_decref(tmp);
}

static void sort_sessions(json_t *a)
{
	size_t n = json_array_size(a);
	if (n < 2)
		return;
	json_t **v = malloc(n * sizeof *v);
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(a, i));
	qsort(v, n, sizeof *v, by_date);
	json_array_clear(a);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, v[i]);
	free(v);
}

/* Month names for the rhythm comparison. */
static const char *const months[] = { "", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
				      "novembre", "décembre" };

/* Compares the sessions planned with the rhythm written in the convention, period by period (months,
 * or weeks from Monday), over the periods entirely inside the span. Adds "rythme_compte" (bool),
 * "ecarts" [{periode, planifiees, prevues}] (at most 12) and "conforme_periodes". */
static void compare_rhythm(json_t *p, json_t *sessions, struct date from, struct date to)
{
	struct cv_rythme ry;
	json_t *gaps = json_array();
	int ok_periods = 0;
	if (cv_rythme_parse(cv_str(p, "rythme"), &ry) < 0 || !from.y || !to.y || date_cmp(to, from) < 0) {
		json_object_set_new(p, "rythme_compte", json_false());
		json_object_set_new(p, "ecarts", gaps);
		return;
	}
	struct date ps = ry.per_week ? date_add_days(from, (8 - date_weekday(from)) % 7) : (from.d == 1 ? from : date_add_days((struct date){ from.y, from.m, date_days_in_month(from.y, from.m) }, 1));
	for (int guard = 0; guard < 600; guard++) {
		struct date pe = ry.per_week ? date_add_days(ps, 6) : (struct date){ ps.y, ps.m, date_days_in_month(ps.y, ps.m) };
		if (date_cmp(pe, to) > 0)
			break;
		int half = 0;
		size_t i;
		json_t *s;
		json_array_foreach(sessions, i, s) {
			struct date dd;
			if (json_is_true(json_object_get(s, "annulee")) || json_integer_value(json_object_get(s, "permanence_id")) != json_integer_value(json_object_get(p, "id")) ||
			    date_parse(cv_str(s, "date"), &dd, NULL) < 0 || date_cmp(dd, ps) < 0 || date_cmp(dd, pe) > 0)
				continue;
			half += cv_session_half_days(cv_time_parse(cv_str(s, "debut")), cv_time_parse(cv_str(s, "fin")));
		}
		if (half == ry.half_days)
			ok_periods++;
		else if (json_array_size(gaps) < 12) {
			char per[64], fr[40];
			if (ry.per_week)
				snprintf(per, sizeof per, "semaine du %s", date_format_fr(ps, fr));
			else
				snprintf(per, sizeof per, "%s %d", months[ps.m], ps.y);
			json_array_append_new(gaps, json_pack("{s:s,s:o,s:s}", "periode", per, "planifiees",
							      json_sprintf("%d demi-journée%s", half, half > 1 ? "s" : ""), "prevues", cv_str(p, "rythme")));
		}
		ps = date_add_days(pe, 1);
	}
	json_object_set_new(p, "rythme_compte", json_true());
	json_object_set_new(p, "ecarts", gaps);
	json_object_set_new(p, "a_ecarts", json_boolean(json_array_size(gaps) > 0));
	json_object_set_new(p, "conforme_periodes", json_integer(ok_periods));
}

void cv_perm_decorate(db *d, int64_t tenant, json_t *c, struct date today, struct err *e)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(c, "permanences"), i, p) {
		struct cv_perm r;
		rule_of(p, &r);
		char lab[160], w[32];
		json_object_set_new(p, "regle", json_string(cv_perm_label(&r, lab)));
		json_object_set_new(p, "a_regle", json_boolean(r.weekday != 0));
		json_object_set_new(p, "semaines", json_string(cv_perm_weeks_format(r.weeks, w)));
		for (int k = 1; k <= 7; k++) {
			char key[8];
			snprintf(key, sizeof key, "jour%d", k);
			json_object_set_new(p, key, json_boolean(r.weekday == k));
		}
		json_t *hand = hand_dates(d, tenant, json_integer_value(json_object_get(p, "id")), e);
		struct date cf, ct;
		conv_span(c, &cf, &ct);
		struct date from = r.from.y ? r.from : cf, to = r.to.y ? r.to : ct;
		json_t *all = json_array();
		if (from.y && to.y)
			sessions_of(c, p, hand, from, to, all);
		sort_sessions(all);
		compare_rhythm(p, all, from, to);
		json_t *next = json_array();
		size_t k;
		json_t *s;
		json_array_foreach(all, k, s) {
			struct date dd;
			if (date_parse(cv_str(s, "date"), &dd, NULL) == 0 && date_cmp(dd, today) >= 0 && json_array_size(next) < 6)
				json_array_append(next, s);
		}
		json_object_set_new(p, "seances_total", json_integer((json_int_t)json_array_size(all)));
		json_object_set_new(p, "a_prochaines", json_boolean(json_array_size(next) > 0));
		json_object_set_new(p, "a_dates", json_boolean(json_array_size(hand) > 0));
		json_object_set_new(p, "prochaines", next);
		json_object_set_new(p, "dates_saisies", hand);
		json_decref(all);
	}
}

json_t *cv_perm_sessions(db *d, int64_t tenant, int64_t conv, struct date from, struct date to, struct date today, struct err *e)
{
	json_t *out = json_array();
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, conv ? "SELECT DISTINCT convention_id FROM convention_permanences WHERE tenant_id = $1 AND convention_id = $2"
						    : "SELECT DISTINCT convention_id FROM convention_permanences WHERE tenant_id = $1 AND convention_id <> $2",
			       "i", conv);
	int64_t ids[512];
	int n = 0;
	while (s && rc == DB_ROW && n < 512) {
		ids[n++] = db_col_int64(s, 0);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	for (int k = 0; k < n; k++) {
		json_t *c = cv_get(d, tenant, ids[k], today, e);
		if (!c)
			continue;
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(c, "permanences"), i, p) {
			json_t *hand = hand_dates(d, tenant, json_integer_value(json_object_get(p, "id")), e);
			sessions_of(c, p, hand, from, to, out);
			json_decref(hand);
		}
		json_decref(c);
	}
	sort_sessions(out);
	return out;
}
