/* routes_operator: the CDG console — collectivités with tiers, adhesion dates and alerts; the
 * onboarding wizard; set-up steps, assistance time, activity; the set-up report PDF. */
#include "identity/identity.h"
#include "identity/operator.h"
#include "core/config.h"
#include "http/http.h"
#include "web/page.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static json_t *list_json(db *d, struct err *e)
{
	int rc;
	json_t *list = json_array();
	db_stmt *s = db_query(d, e, &rc, "SELECT id FROM collectivites ORDER BY name", "");
	int64_t ids[4096];
	int n = 0;
	while (s && rc == DB_ROW && n < 4096) {
		ids[n++] = db_col_int64(s, 0);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	for (int i = 0; i < n; i++) {
		json_t *c = operator_collectivite_json(d, ids[i], e);
		if (c)
			json_array_append_new(list, c);
	}
	return list;
}

static int console(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	json_t *list = list_json(d, &e);
	int alerts = 0;
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c) alerts += json_object_get(c, "alert") != NULL;
	return page_render(r, 200, "operateur", "Console opérateur",
			   json_pack("{s:o,s:i,s:i}", "collectivites", list, "count", (int)json_array_size(list), "alerts", alerts));
}
OPALE_ROUTE(op_console, "GET", "/operateur", console, ROLE_OPERATOR, SCOPE_OPERATOR, 0);

static int api_list(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	return res_json(r, 200, json_pack("{s:o}", "collectivites", list_json(d, &e)));
}
OPALE_ROUTE(op_api_list, "GET", "/api/v1/operateur/collectivites", api_list, ROLE_OPERATOR, SCOPE_OPERATOR, 0);

static json_t *kinds_json(const char *selected)
{
	json_t *k = json_array();
	for (int i = 0; collectivite_kinds[i]; i++)
		json_array_append_new(k, json_pack("{s:s,s:s,s:b}", "key", collectivite_kinds[i], "label",
						   collectivite_kind_label(collectivite_kinds[i]), "selected",
						   selected && strcmp(selected, collectivite_kinds[i]) == 0));
	return k;
}

static int wizard(struct req *r)
{
	return page_render(r, 200, "operateur_nouvelle", "Nouvelle collectivité",
			   json_pack("{s:o,s:{}}", "kinds", kinds_json("commune"), "v"));
}
OPALE_ROUTE(op_wizard, "GET", "/operateur/collectivites/nouvelle", wizard, ROLE_OPERATOR, SCOPE_OPERATOR, 0);

static const char *f(struct req *r, const char *k)
{
	const char *v = req_form(r, k);
	return v ? v : "";
}

/* Onboarding: the collectivité, its tiers and its first administrator, in one transaction. */
static int create(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct collectivite c = { 0 };
	snprintf(c.name, sizeof c.name, "%s", f(r, "name"));
	snprintf(c.siren, sizeof c.siren, "%s", f(r, "siren"));
	snprintf(c.siret, sizeof c.siret, "%s", f(r, "siret"));
	snprintf(c.kind, sizeof c.kind, "%s", f(r, "kind"));
	snprintf(c.departement, sizeof c.departement, "%s", f(r, "departement"));
	snprintf(c.prefecture, sizeof c.prefecture, "%s", f(r, "prefecture"));
	snprintf(c.website, sizeof c.website, "%s", f(r, "website"));
	snprintf(c.city, sizeof c.city, "%s", f(r, "city"));
	c.population = strtoll(f(r, "population"), NULL, 10);
	const char *base = f(r, "tier_base");
	c.tiers = (strcmp(base, "1") == 0 ? TIER_DEMAT : strcmp(base, "2") == 0 ? TIER_PARAPHEUR : 0) |
		  (*f(r, "tier_idelibre") ? TIER_IDELIBRE : 0);
	struct user u = { 0 };
	snprintf(u.login, sizeof u.login, "%s", f(r, "admin_login"));
	snprintf(u.email, sizeof u.email, "%s", f(r, "admin_email"));
	snprintf(u.first_name, sizeof u.first_name, "%s", f(r, "admin_first_name"));
	snprintf(u.last_name, sizeof u.last_name, "%s", f(r, "admin_last_name"));
	snprintf(u.fonction, sizeof u.fonction, "%s", f(r, "admin_fonction"));
	struct err e = { 0 };
	int64_t uid;
	int ok = collectivite_create(d, &c, r->user_id, r->ip, &e) == 0;
	if (ok) {
		if (db_begin_write(d, &e) < 0 || user_create(d, &u, f(r, "admin_password"), r->user_id, r->ip, &uid, &e) < 0 ||
		    user_grant(d, uid, c.id, ROLE_ADMIN, &e) < 0 || db_commit(d, &e) < 0) {
			db_rollback(d);
			/* The collectivité exists; its admin failed: undo the whole onboarding so a retry is clean. */
			struct err e2;
			db_run(d, &e2, "DELETE FROM adhesions WHERE tenant_id = $1", "i", c.id);
			db_run(d, &e2, "DELETE FROM collectivites WHERE id = $1", "i", c.id);
			ok = 0;
		}
	}
	if (!ok) {
		if (r->is_api)
			return res_fail(r, e.status ? e.status : 400, e.code, "%s", e.msg);
		json_t *v = json_object();
		for (int i = 0; i < r->nform; i++)
			if (strcmp(r->form[i].k, "admin_password") != 0 && strcmp(r->form[i].k, "csrf") != 0)
				json_object_set_new(v, r->form[i].k, json_string(r->form[i].v));
		return page_render(r, e.status ? e.status : 400, "operateur_nouvelle", "Nouvelle collectivité",
				   json_pack("{s:o,s:o,s:s}", "kinds", kinds_json(c.kind), "v", v, "error", e.msg));
	}
	audit_append(d, c.id, r->user_id, r->ip, "collectivite.admin", u.login, "premier administrateur", &e);
	char msg[512];
	snprintf(msg, sizeof msg, "Collectivité « %s » créée ; administrateur : %s.", c.name, u.login);
	res_flash(r, "ok", msg);
	return res_redirect(r, arena_printf(r->a, "/operateur/collectivites/%lld", (long long)c.id));
}
OPALE_ROUTE(op_create, "POST", "/operateur/collectivites", create, ROLE_OPERATOR, SCOPE_OPERATOR, 0);

static int detail(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	json_t *j = operator_collectivite_json(d, id, &e);
	if (!j)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	if (r->is_api)
		return res_json(r, 200, j);
	return page_render(r, 200, "operateur_collectivite", json_string_value(json_object_get(j, "name")),
			   json_pack("{s:o}", "c", j));
}
OPALE_ROUTE(op_detail, "GET", "/operateur/collectivites/:id", detail, ROLE_OPERATOR, SCOPE_OPERATOR, 0);
OPALE_ROUTE(op_api_detail, "GET", "/api/v1/operateur/collectivites/:id", detail, ROLE_OPERATOR, SCOPE_OPERATOR, 0);

static int back(struct req *r, int64_t id, const char *ok_msg, struct err *e, int failed)
{
	res_flash(r, failed ? "erreur" : "ok", failed ? e->msg : ok_msg);
	return res_redirect(r, arena_printf(r->a, "/operateur/collectivites/%lld", (long long)id));
}

/* The collectivité of the path (*id) and the connection: NULL with the answer set (404, 503). */
static db *target(struct req *r, int64_t *id)
{
	*id = req_param_id(r, "id");
	db *d = *id > 0 ? req_db(r) : NULL;
	struct err e;
	struct collectivite c;
	if (d && collectivite_get(d, *id, &c, &e) != 0) {
		res_fail(r, 404, "collectivite.inconnue", "Collectivité introuvable.");
		return NULL;
	}
	return d;
}

static int set_adhesion(struct req *r)
{
	int64_t id;
	db *d = target(r, &id);
	if (!d)
		return -1;
	struct err e = { 0 };
	struct adhesion_dates ad;
	const char *start = f(r, "start_date"), *ren = f(r, "renewed_on"), *term = f(r, "termination_notified_on");
	int bad = *start && adhesion_compute(start, ren, term, &ad, &e) < 0;
	if (!bad && !*start && (*ren || *term))
		bad = err_set(&e, 400, "adhesion.debut", "Indiquez d'abord la date de début de la convention.") < 0;
	if (!bad && db_run(d, &e, "UPDATE adhesions SET deliberation_date = $1, start_date = $2, renewed_on = $3,"
				  " termination_notified_on = $4 WHERE tenant_id = $5", "tttti", f(r, "deliberation_date"),
			   start, ren, term, id) < 0)
		bad = 1;
	if (!bad)
		audit_append(d, id, r->user_id, r->ip, "adhesion.modification", start, ren, &e);
	return back(r, id, "Convention d'adhésion enregistrée.", &e, bad);
}
OPALE_ROUTE(op_adhesion, "POST", "/operateur/collectivites/:id/adhesion", set_adhesion, ROLE_OPERATOR, SCOPE_OPERATOR, 0);

static int valid_day(const char *s)
{
	struct adhesion_dates ad;
	struct err e;
	return !*s || adhesion_compute(s, "", "", &ad, &e) == 0;
}

static int set_step(struct req *r)
{
	int64_t id;
	db *d = target(r, &id);
	if (!d)
		return -1;
	const char *step = f(r, "step");
	struct err e = { 0 };
	int known = 0;
	for (const struct setup_step *st = setup_steps; st->key; st++)
		known |= strcmp(st->key, step) == 0;
	int bad = 0;
	if (!known)
		bad = err_set(&e, 400, "etape.inconnue", "Étape inconnue.") < 0;
	else if (!valid_day(f(r, "planned_on")) || !valid_day(f(r, "done_on")))
		bad = err_set(&e, 400, "date.invalide", "Date invalide (AAAA-MM-JJ).") < 0;
	if (!bad) {
		db_run(d, &e, "DELETE FROM setup_steps WHERE tenant_id = $1 AND step = $2", "it", id, step);
		bad = db_run(d, &e, "INSERT INTO setup_steps (tenant_id, step, planned_on, done_on, note) VALUES ($1,$2,$3,$4,$5)",
			     "ittt" "t", id, step, f(r, "planned_on"), f(r, "done_on"), f(r, "note")) < 0;
	}
	if (!bad)
		audit_append(d, id, r->user_id, r->ip, "mise_en_place.etape", step, f(r, "done_on"), &e);
	return back(r, id, "Étape enregistrée.", &e, bad);
}
OPALE_ROUTE(op_step, "POST", "/operateur/collectivites/:id/etapes", set_step, ROLE_OPERATOR, SCOPE_OPERATOR, 0);

static int add_assistance(struct req *r)
{
	int64_t id;
	db *d = target(r, &id);
	if (!d)
		return -1;
	struct err e = { 0 };
	const char *day = f(r, "day");
	long long minutes = strtoll(f(r, "minutes"), NULL, 10);
	int bad = 0;
	if (!*day || !valid_day(day))
		bad = err_set(&e, 400, "date.invalide", "Date invalide (AAAA-MM-JJ).") < 0;
	else if (minutes <= 0 || minutes > 24 * 60)
		bad = err_set(&e, 400, "assistance.duree", "Durée en minutes entre 1 et 1 440.") < 0;
	else
		bad = db_run(d, &e, "INSERT INTO assistance (tenant_id, day, minutes, subject, user_id) VALUES ($1,$2,$3,$4,$5)",
			     "ititi", id, day, (int64_t)minutes, f(r, "subject"), r->user_id) < 0;
	if (!bad)
		audit_append(d, id, r->user_id, r->ip, "assistance.ajout", day, f(r, "subject"), &e);
	return back(r, id, "Temps d'assistance enregistré.", &e, bad);
}
OPALE_ROUTE(op_assist, "POST", "/operateur/collectivites/:id/assistance", add_assistance, ROLE_OPERATOR, SCOPE_OPERATOR, 0);

static int report(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	char *path = arena_printf(r->a, "%s/tmp/rapport-%lld-%ld.pdf", cfg.data_dir, (long long)id, (long)gettid());
	struct err e;
	if (operator_report_pdf(d, id, path, &e) < 0)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	/* Served from the temp file, unlinked once opened: nothing is left behind. */
	res_file(r, path, "application/pdf", "rapport-mise-en-place.pdf");
	r->send_unlink = 1;
	return 0;
}
OPALE_ROUTE(op_report, "GET", "/operateur/collectivites/:id/rapport.pdf", report, ROLE_OPERATOR, SCOPE_OPERATOR, 0);
