/* routes_auth: login and logout (page and API), the dashboard, switching collectivité, API tokens. */
#include "identity/identity.h"
#include "identity/session.h"
#include "http/http.h"
#include "web/page.h"

#include <string.h>

static int login_page(struct req *r)
{
	const char *retour = req_query(r, "retour");
	return page_render(r, 200, "connexion", "Connexion",
			   json_pack("{s:s,s:s}", "retour", retour && retour[0] == '/' ? retour : "/tableau-de-bord",
				     "login", ""));
}
OPALE_ROUTE(login_page, "GET", "/connexion", login_page, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

/* The login form is posted before any session exists: no CSRF token yet. SameSite=Lax cookies and
 * a fresh session id at each login (no fixation) cover login CSRF. */
static int login_post(struct req *r)
{
	struct err e = { 0 };
	db *d = db_thread(&e);
	if (!d)
		return res_fail(r, 503, e.code, "%s", e.msg);
	const char *login = req_form(r, "login"), *pw = req_form(r, "password"), *retour = req_form(r, "retour");
	if (!retour || retour[0] != '/' || retour[1] == '/')
		retour = "/tableau-de-bord";
	int64_t user = 0;
	if (!login || !pw || !*login || !*pw)
		err_set(&e, 400, "auth.champs", "Saisissez votre identifiant et votre mot de passe.");
	else if (login_attempt(d, r, login, pw, &user, &e) == 0) {
		int64_t tenant = session_default_tenant(d, user);
		if (session_open(d, r, user, tenant, &e) == 0) {
			audit_append(d, tenant, user, r->ip, "connexion", login, "", &e);
			return res_redirect(r, retour);
		}
	}
	return page_render(r, e.status ? e.status : 500, "connexion", "Connexion",
			   json_pack("{s:s,s:s,s:s}", "retour", retour, "login", login ? login : "", "error", e.msg));
}
OPALE_ROUTE(login_post, "POST", "/connexion", login_post, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);

static int logout(struct req *r)
{
	struct err e;
	db *d = db_thread(&e);
	if (d && r->session_id) {
		db_run(d, &e, "DELETE FROM sessions WHERE id_hash = $1", "t", r->session_id);
		audit_req(r, "deconnexion", "", "");
	}
	res_cookie(r, SESSION_COOKIE, "", -1);
	res_flash(r, "ok", "Vous êtes déconnecté.");
	return res_redirect(r, "/");
}
OPALE_ROUTE(logout, "POST", "/deconnexion", logout, ROLE_ANY, SCOPE_USER, 0);

static int api_login(struct req *r)
{
	json_t *j = req_json(r);
	if (!j)
		return -1;
	const char *login = json_string_value(json_object_get(j, "login"));
	const char *pw = json_string_value(json_object_get(j, "password"));
	if (!login || !pw)
		return res_fail(r, 400, "auth.champs", "Champs « login » et « password » attendus.");
	struct err e = { 0 };
	db *d = db_thread(&e);
	int64_t user = 0;
	if (!d || login_attempt(d, r, login, pw, &user, &e) < 0)
		return res_fail(r, e.status ? e.status : 503, e.code, "%s", e.msg);
	int64_t tenant = session_default_tenant(d, user);
	if (session_open(d, r, user, tenant, &e) < 0)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	audit_append(d, tenant, user, r->ip, "connexion", login, "api", &e);
	return res_json(r, 200, json_pack("{s:I,s:I,s:s}", "user_id", (json_int_t)user, "tenant_id", (json_int_t)tenant,
					  "csrf", r->csrf));
}
OPALE_ROUTE(api_login, "POST", "/api/v1/session", api_login, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);

static int api_logout(struct req *r)
{
	struct err e;
	db *d = db_thread(&e);
	if (d && r->session_id)
		db_run(d, &e, "DELETE FROM sessions WHERE id_hash = $1", "t", r->session_id);
	res_cookie(r, SESSION_COOKIE, "", -1);
	return res_json(r, 200, json_pack("{s:b}", "ok", 1));
}
OPALE_ROUTE(api_logout, "DELETE", "/api/v1/session", api_logout, ROLE_ANY, SCOPE_USER, 0);

/* The collectivités this user may enter, for the switcher and the API. */
static json_t *my_tenants(db *d, struct req *r)
{
	struct err e;
	int rc;
	json_t *list = json_array();
	db_stmt *s = (r->roles & ROLE_OPERATOR)
		? db_query(d, &e, &rc, "SELECT c.id, c.name, 0 FROM collectivites c ORDER BY c.name", "")
		: db_query(d, &e, &rc, "SELECT c.id, c.name, m.roles FROM memberships m JOIN collectivites c ON c.id = m.tenant_id"
				       " WHERE m.user_id = $1 ORDER BY c.name", "i", r->user_id);
	while (s && rc == DB_ROW) {
		json_array_append_new(list, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)db_col_int64(s, 0), "name",
						      db_col_text(s, 1), "current", db_col_int64(s, 0) == r->tenant_id));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	return list;
}

static int api_me(struct req *r)
{
	struct err e;
	db *d = db_thread(&e);
	if (!d)
		return res_fail(r, 503, e.code, "%s", e.msg);
	json_t *roles = json_array();
	for (const struct role_name *rn = role_names; rn->key; rn++)
		if (r->roles & rn->bit)
			json_array_append_new(roles, json_string(rn->key));
	return res_json(r, 200, json_pack("{s:I,s:s,s:I,s:o,s:o,s:s?}", "user_id", (json_int_t)r->user_id, "name",
					  r->user_name ? r->user_name : "", "tenant_id", (json_int_t)r->tenant_id, "roles",
					  roles, "collectivites", my_tenants(d, r), "csrf", r->csrf));
}
OPALE_ROUTE(api_me, "GET", "/api/v1/moi", api_me, ROLE_ANY, SCOPE_USER, 0);

static int switch_tenant(struct req *r)
{
	struct err e;
	db *d = db_thread(&e);
	const char *v = req_form(r, "collectivite");
	int64_t t = v ? strtoll(v, NULL, 10) : 0;
	if (!d || !r->session_id)
		return res_fail(r, 400, "session.absente", "Session absente.");
	/* Only a collectivité the user belongs to (or any, for the operator): else 404, never a hint. */
	int rc;
	db_stmt *s = (r->roles & ROLE_OPERATOR)
		? db_query(d, &e, &rc, "SELECT id FROM collectivites WHERE id = $1", "i", t)
		: db_query(d, &e, &rc, "SELECT tenant_id FROM memberships WHERE user_id = $1 AND tenant_id = $2", "ii",
			   r->user_id, t);
	int found = s && rc == DB_ROW;
	if (s)
		db_finalize(s);
	if (!found)
		return res_fail(r, 404, "collectivite.inconnue", "Collectivité introuvable.");
	db_run(d, &e, "UPDATE sessions SET tenant_id = $1 WHERE id_hash = $2", "it", t, r->session_id);
	r->tenant_id = t;
	audit_req(r, "collectivite.choix", v, "");
	return res_redirect(r, "/tableau-de-bord");
}
OPALE_ROUTE(switch_tenant, "POST", "/collectivite", switch_tenant, ROLE_ANY, SCOPE_USER, 0);

static int dashboard(struct req *r)
{
	struct err e;
	db *d = db_thread(&e);
	if (!d)
		return res_fail(r, 503, e.code, "%s", e.msg);
	json_t *data = json_pack("{s:o,s:s}", "collectivites", my_tenants(d, r), "name", r->user_name ? r->user_name : "");
	if (r->tenant_id) {
		struct collectivite c;
		if (collectivite_get(d, r->tenant_id, &c, &e) == 0) {
			json_object_set_new(data, "tenant_name", json_string(c.name));
			json_t *tiers = json_array();
			for (unsigned t = 1; t <= TIER_IDELIBRE; t <<= 1)
				if (c.tiers & t)
					json_array_append_new(tiers, json_string(tier_name(t)));
			json_object_set_new(data, "has_tiers", json_boolean(json_array_size(tiers) > 0));
			json_object_set_new(data, "tiers", tiers);
		}
	}
	buf roles = BUF_INIT;
	roles_format(r->roles, &roles);
	json_object_set_new(data, "roles", json_string(roles.data ? roles.data : ""));
	buf_free(&roles);
	json_object_set_new(data, "is_operator", json_boolean(r->roles & ROLE_OPERATOR));
	json_object_set_new(data, "is_admin", json_boolean(r->roles & ROLE_ADMIN));
	json_object_set_new(data, "several", json_boolean(json_array_size(json_object_get(data, "collectivites")) > 1));
	return page_render(r, 200, "tableau", "Tableau de bord", data);
}
OPALE_ROUTE(dashboard, "GET", "/tableau-de-bord", dashboard, ROLE_ANY, SCOPE_USER, 0);
