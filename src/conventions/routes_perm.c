/* routes_perm: a convention's permanences as dated sessions — adding one with its rule, editing the
 * rule, dates entered by hand (added, moved, cancelled), the calendar page of every permanence, the
 * ICS feeds (all permanences, one convention's) and the JSON API. docs/conventions.md. */
#include "conventions/routes.h"
#include "core/ics.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const perm_fields[] = { "lieu", "rythme", "jour", "heure_debut", "heure_fin", "du", "au", NULL };
static const char *const date_fields[] = { "date", "heure_debut", "heure_fin", "motif", NULL };

/* The form's values: the weeks come as checkboxes s1..s5 and sD, joined into "1,3,dernier". */
static json_t *perm_form(struct req *r)
{
	json_t *in = cv_form_fields(r, perm_fields);
	char weeks[32] = "";
	size_t n = 0;
	for (int k = 1; k <= 6; k++) {
		char name[4], digit[2] = { (char)('0' + k), 0 };
		snprintf(name, sizeof name, k == 6 ? "sD" : "s%d", k);
		if (req_form(r, name))
			n += (size_t)snprintf(weeks + n, sizeof weeks - n, "%s%s", n ? "," : "", k == 6 ? "dernier" : digit);
	}
	json_object_set_new(in, "semaines", json_string(weeks));
	return in;
}

static const char *perm_page_url(struct req *r, int64_t conv, int64_t perm)
{
	return arena_printf(r->a, "/conventions/%lld/permanences/%lld/modifier", (long long)conv, (long long)perm);
}

static int do_add(struct req *r, db *d, int64_t id, struct err *e)
{
	json_t *in = perm_form(r);
	int rc = cv_perm_save(d, r->tenant_id, id, 0, in, NULL, e) < 0 ? -1 : cv_search_index(d, r->tenant_id, id, e);
	json_decref(in);
	return rc;
}
static int add(struct req *r) { return cv_sub_action(r, do_add, "Permanence ajoutée.", "convention.permanence", NULL); }
OPALE_ROUTE(cv_perm_add_page, "POST", "/conventions/:id/permanences", add, CV_WRITERS, SCOPE_TENANT, 0);

static int do_update(struct req *r, db *d, int64_t id, struct err *e)
{
	int64_t perm = req_param_id(r, "perm");
	json_t *in = perm_form(r);
	int rc = perm > 0 && cv_perm_save(d, r->tenant_id, id, perm, in, NULL, e) == 0 ? cv_search_index(d, r->tenant_id, id, e)
										       : (perm > 0 ? -1 : err_set(e, 404, "permanence.inconnue", "Permanence introuvable."));
	json_decref(in);
	return rc;
}
static int update(struct req *r)
{
	return cv_sub_action(r, do_update, "Permanence modifiée.", "convention.permanence_modification",
			     perm_page_url(r, req_param_id(r, "id"), req_param_id(r, "perm")));
}
OPALE_ROUTE(cv_perm_update_page, "POST", "/conventions/:id/permanences/:perm", update, CV_WRITERS, SCOPE_TENANT, 0);

static int do_delete(struct req *r, db *d, int64_t id, struct err *e)
{
	int64_t perm = req_param_id(r, "perm");
	return perm > 0 && cv_perm_delete(d, r->tenant_id, id, perm, e) == 0 ? cv_search_index(d, r->tenant_id, id, e)
									      : (perm > 0 ? -1 : err_set(e, 404, "permanence.inconnue", "Permanence introuvable."));
}
static int del(struct req *r) { return cv_sub_action(r, do_delete, "Permanence supprimée.", "convention.permanence_suppression", NULL); }
OPALE_ROUTE(cv_perm_del_page, "POST", "/conventions/:id/permanences/:perm/supprimer", del, CV_WRITERS, SCOPE_TENANT, 0);

static int do_date(struct req *r, db *d, int64_t id, struct err *e)
{
	int64_t perm = req_param_id(r, "perm");
	json_t *in = cv_form_fields(r, date_fields);
	json_object_set_new(in, "annulee", json_boolean(req_form(r, "annulee") != NULL));
	int rc = perm > 0 ? cv_perm_date_set(d, r->tenant_id, id, perm, in, e) : err_set(e, 404, "permanence.inconnue", "Permanence introuvable.");
	json_decref(in);
	return rc;
}
static int add_date(struct req *r)
{
	return cv_sub_action(r, do_date, req_form(r, "annulee") ? "Séance de permanence annulée." : "Séance de permanence enregistrée.",
			     "convention.permanence_date", perm_page_url(r, req_param_id(r, "id"), req_param_id(r, "perm")));
}
OPALE_ROUTE(cv_perm_date_page, "POST", "/conventions/:id/permanences/:perm/dates", add_date, CV_WRITERS, SCOPE_TENANT, 0);

static int do_del_date(struct req *r, db *d, int64_t id, struct err *e)
{
	int64_t perm = req_param_id(r, "perm"), date = req_param_id(r, "date");
	return perm > 0 && date > 0 ? cv_perm_date_delete(d, r->tenant_id, id, perm, date, e)
				    : err_set(e, 404, "permanence.date_inconnue", "Date de permanence introuvable.");
}
static int del_date(struct req *r)
{
	return cv_sub_action(r, do_del_date, "Date retirée : la séance suit de nouveau la règle.", "convention.permanence_date_suppression",
			     perm_page_url(r, req_param_id(r, "id"), req_param_id(r, "perm")));
}
OPALE_ROUTE(cv_perm_date_del_page, "POST", "/conventions/:id/permanences/:perm/dates/:date/supprimer", del_date, CV_WRITERS, SCOPE_TENANT, 0);

/* The permanence's page: its rule (form), the dates entered by hand, the sessions to come, the
 * comparison with the rhythm the convention writes. */
static int perm_page(struct req *r)
{
	int64_t perm = req_param_id(r, "perm");
	json_t *c = cv_load(r, NULL);
	if (!c)
		return -1;
	json_t *p = NULL, *x;
	size_t i;
	json_array_foreach(json_object_get(c, "permanences"), i, x) if (json_integer_value(json_object_get(x, "id")) == perm) p = x;
	if (!p) {
		json_decref(c);
		return res_fail(r, 404, "permanence.inconnue", "Permanence introuvable.");
	}
	unsigned mask = 0;
	cv_perm_weeks_parse(json_string_value(json_object_get(p, "semaines")), &mask);
	for (int k = 1; k <= 6; k++) {
		char key[4];
		snprintf(key, sizeof key, k == 6 ? "sD" : "s%d", k);
		json_object_set_new(p, key, json_boolean((mask & (1u << k)) != 0));
	}
	json_t *data = json_pack("{s:O,s:O,s:b}", "c", c, "p", p, "peut_ecrire", (r->roles & CV_WRITERS) != 0);
	json_decref(c);
	return page_render(r, 200, "convention_permanence", "Permanence", data);
}
OPALE_ROUTE(cv_perm_page, "GET", "/conventions/:id/permanences/:perm/modifier", perm_page, CV_READERS, SCOPE_TENANT, 0);

/* ?du=&au= of the calendar page and the API, by default from today for 3 months; at most 2 years. */
static int window(struct req *r, struct date *from, struct date *to, int def_days)
{
	struct date today = cv_today();
	const char *du = req_query(r, "du"), *au = req_query(r, "au");
	*from = today;
	*to = date_add_days(today, def_days);
	if ((du && *du && date_parse(du, from, NULL) < 0) || (au && *au && date_parse(au, to, NULL) < 0))
		return res_fail(r, 400, "permanence.periode", "Période : dates au format AAAA-MM-JJ.");
	if (date_cmp(*to, *from) < 0 || date_diff_days(*from, *to) > 731)
		return res_fail(r, 400, "permanence.periode", "Période : « au » après « du », deux ans au plus.");
	return 0;
}

static int calendar(struct req *r)
{
	struct date from, to;
	db *d = req_db(r);
	if (!d || window(r, &from, &to, 92) < 0)
		return -1;
	struct err e = { 0 };
	json_t *all = cv_perm_sessions(d, r->tenant_id, 0, from, to, cv_today(), &e);
	/* grouped by month for the page */
	json_t *months = json_array(), *cur = NULL;
	size_t i;
	json_t *s;
	static const char *const mn[] = { "", "Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre", "Octobre",
					   "Novembre", "Décembre" };
	char last[8] = "";
	json_array_foreach(all, i, s) {
		const char *date = json_string_value(json_object_get(s, "date"));
		if (strncmp(date, last, 7) != 0) {
			snprintf(last, sizeof last, "%.7s", date);
			int y = atoi(date), m = atoi(date + 5);
			cur = json_array();
			json_array_append_new(months, json_pack("{s:s,s:o}", "mois", arena_printf(r->a, "%s %d", mn[m >= 1 && m <= 12 ? m : 0], y), "seances", cur));
		}
		json_array_append(cur, s);
	}
	char a[11], b[11];
	json_t *data = json_pack("{s:o,s:b,s:s,s:s,s:I}", "mois", months, "vide", json_array_size(all) == 0, "du", date_format(from, a), "au",
				 date_format(to, b), "total", (json_int_t)json_array_size(all));
	json_decref(all);
	return page_render(r, 200, "conventions_permanences", "Permanences des partenaires", data);
}
OPALE_ROUTE(cv_perm_calendar, "GET", "/conventions/permanences", calendar, CV_READERS, SCOPE_TENANT, 0);

/* Paris wall-clock "HH:MM" on day d → UTC instant; -1 when not a time. */
static int64_t paris_instant(struct date d, const char *hhmm)
{
	int min = cv_time_parse(hhmm);
	if (min < 0)
		return -1;
	struct paris_time lt = { .date = d, .hh = min / 60, .mm = min % 60 };
	int64_t t;
	return paris_to_utc(&lt, PARIS_EARLIER, &t, NULL, NULL) == 0 ? t : -1;
}

static int ics_feed(struct req *r, int64_t conv)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	struct date today = cv_today();
	json_t *c = NULL;
	if (conv) {
		c = cv_load(r, NULL);
		if (!c)
			return -1;
	}
	json_t *all = cv_perm_sessions(d, r->tenant_id, conv, date_add_days(today, -31), date_add_days(today, 366), today, &e);
	buf b = BUF_INIT;
	ics_begin(&b, "Conventions", conv ? arena_printf(r->a, "Permanences — %s", json_string_value(json_object_get(c, "titre")))
					  : "Permanences des partenaires");
	size_t i;
	json_t *s;
	int64_t now = identity_now();
	json_array_foreach(all, i, s) {
		struct date dd;
		const char *date = json_string_value(json_object_get(s, "date"));
		int64_t t0, t1;
		if (date_parse(date, &dd, NULL) < 0 || (t0 = paris_instant(dd, json_string_value(json_object_get(s, "debut")))) < 0 ||
		    (t1 = paris_instant(dd, json_string_value(json_object_get(s, "fin")))) < 0)
			continue;
		buf_printf(&b, "BEGIN:VEVENT\r\nUID:permanence-%lld-%lld-%04d%02d%02d@opale\r\n", (long long)r->tenant_id,
			   (long long)json_integer_value(json_object_get(s, "permanence_id")), dd.y, dd.m, dd.d);
		ics_utc(&b, "DTSTAMP", now);
		ics_utc(&b, "DTSTART", t0);
		ics_utc(&b, "DTEND", t1);
		buf_puts(&b, "SUMMARY:Permanence ");
		ics_text(&b, json_string_value(json_object_get(s, "partenaire")));
		buf_puts(&b, "\r\nLOCATION:");
		ics_text(&b, json_string_value(json_object_get(s, "lieu")));
		buf_puts(&b, "\r\nDESCRIPTION:");
		ics_text(&b, json_string_value(json_object_get(s, "convention")));
		const char *motif = json_string_value(json_object_get(s, "motif"));
		if (motif && *motif) {
			buf_puts(&b, " — ");
			ics_text(&b, motif);
		}
		buf_puts(&b, json_is_true(json_object_get(s, "annulee")) ? "\r\nSTATUS:CANCELLED\r\n" : "\r\nSTATUS:CONFIRMED\r\n");
		buf_puts(&b, "END:VEVENT\r\n");
	}
	ics_end(&b);
	json_decref(all);
	json_decref(c);
	int rc = res_text(r, 200, "text/calendar; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return rc;
}
static int ics_all(struct req *r) { return ics_feed(r, 0); }
OPALE_ROUTE(cv_perm_ics, "GET", "/conventions/permanences.ics", ics_all, CV_READERS, SCOPE_TENANT, RF_FEED);
static int ics_one(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	return id > 0 ? ics_feed(r, id) : res_fail(r, 404, "convention.inconnue", "Convention introuvable.");
}
OPALE_ROUTE(cv_perm_ics_one, "GET", "/conventions/:id/permanences.ics", ics_one, CV_READERS, SCOPE_TENANT, RF_FEED);

/* ---- JSON API ---------------------------------------------------------------------------------- */

static int api_sessions(struct req *r)
{
	struct date from, to;
	db *d = req_db(r);
	if (!d || window(r, &from, &to, 92) < 0)
		return -1;
	struct err e = { 0 };
	return res_json(r, 200, json_pack("{s:o}", "seances", cv_perm_sessions(d, r->tenant_id, 0, from, to, cv_today(), &e)));
}
OPALE_ROUTE(cv_api_perm_sessions, "GET", "/api/v1/conventions/permanences", api_sessions, CV_READERS, SCOPE_TENANT, 0);

static int api_add_fn(struct req *r, db *d, int64_t id, json_t *in, struct err *e)
{
	int64_t perm;
	return cv_perm_save(d, r->tenant_id, id, 0, in, &perm, e) < 0 ? -1 : cv_search_index(d, r->tenant_id, id, e);
}
static int api_add(struct req *r) { return cv_api_action(r, api_add_fn, "convention.permanence"); }
OPALE_ROUTE(cv_api_perm_add, "POST", "/api/v1/conventions/:id/permanences", api_add, CV_WRITERS, SCOPE_TENANT, 0);

static int api_update_fn(struct req *r, db *d, int64_t id, json_t *in, struct err *e)
{
	int64_t perm = req_param_id(r, "perm");
	return perm > 0 ? cv_perm_save(d, r->tenant_id, id, perm, in, NULL, e) : err_set(e, 404, "permanence.inconnue", "Permanence introuvable.");
}
static int api_update(struct req *r) { return cv_api_action(r, api_update_fn, "convention.permanence_modification"); }
OPALE_ROUTE(cv_api_perm_update, "PUT", "/api/v1/conventions/:id/permanences/:perm", api_update, CV_WRITERS, SCOPE_TENANT, 0);

static int api_date_fn(struct req *r, db *d, int64_t id, json_t *in, struct err *e)
{
	int64_t perm = req_param_id(r, "perm");
	return perm > 0 ? cv_perm_date_set(d, r->tenant_id, id, perm, in, e) : err_set(e, 404, "permanence.inconnue", "Permanence introuvable.");
}
static int api_date(struct req *r) { return cv_api_action(r, api_date_fn, "convention.permanence_date"); }
OPALE_ROUTE(cv_api_perm_date, "POST", "/api/v1/conventions/:id/permanences/:perm/dates", api_date, CV_WRITERS, SCOPE_TENANT, 0);
