/* routes_admin: a collectivité's administration — its users and roles, API tokens, and the audit
 * log (view and CSV). Every query here goes through the tenant-scoped layer (db/tenant.h). */
#include "identity/identity.h"
#include "core/numbering.h"
#include "db/tenant.h"
#include "http/http.h"
#include "web/page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static json_t *users_json(db *d, int64_t tenant)
{
	struct err e;
	int rc;
	json_t *list = json_array();
	db_stmt *s = tdb_query(d, tenant, &e, &rc,
			       "SELECT u.id, u.login, u.first_name, u.last_name, u.fonction, u.email, m.roles FROM memberships m"
			       " JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1 ORDER BY u.last_name, u.login", "");
	while (s && rc == DB_ROW) {
		buf roles = BUF_INIT;
		roles_format((unsigned)db_col_int64(s, 6), &roles);
		json_t *keys = json_array();
		for (const struct role_name *rn = role_names; rn->key; rn++)
			if ((unsigned)db_col_int64(s, 6) & rn->bit)
				json_array_append_new(keys, json_string(rn->key));
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)db_col_int64(s, 0),
						      "login", db_col_text(s, 1), "first_name", db_col_text(s, 2), "last_name",
						      db_col_text(s, 3), "fonction", db_col_text(s, 4), "email", db_col_text(s, 5),
						      "roles", roles.data ? roles.data : "", "role_keys", keys));
		buf_free(&roles);
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	return list;
}

static json_t *tokens_json(db *d, int64_t tenant)
{
	struct err e;
	int rc;
	json_t *list = json_array();
	db_stmt *s = tdb_query(d, tenant, &e, &rc,
			       "SELECT t.id, t.label, u.login, t.roles, t.created_at, t.last_used, t.feed FROM api_tokens t"
			       " JOIN users u ON u.id = t.user_id WHERE t.tenant_id = $1 AND t.revoked = 0 ORDER BY t.id", "");
	while (s && rc == DB_ROW) {
		buf roles = BUF_INIT;
		roles_format((unsigned)db_col_int64(s, 3), &roles);
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:b}", "id", (json_int_t)db_col_int64(s, 0), "label",
						      db_col_text(s, 1), "login", db_col_text(s, 2), "roles", roles.data ? roles.data : "",
						      "abonnement", (int)db_col_int64(s, 6)));
		buf_free(&roles);
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	return list;
}

/* The numbering series with the collectivité's pattern, an example (n° 1 today) and the capacity. */
static json_t *numbering_json(db *d, int64_t tenant, struct err *e)
{
	json_t *a = json_array();
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	struct date today = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
	for (size_t i = 0; i < numbering_series_n; i++) {
		char pat[64], ex[NUMBERING_MAX + 1] = "";
		if (numbering_pattern_get(d, tenant, numbering_series[i].key, pat, sizeof pat, e) < 0) {
			json_decref(a);
			return NULL;
		}
		numbering_format(pat, today, 1, ex, sizeof ex, NULL);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "serie", numbering_series[i].key, "libelle",
						   numbering_series[i].label, "motif", pat, "defaut", numbering_series[i].defaut,
						   "exemple", ex, "capacite", (json_int_t)numbering_capacity(pat)));
	}
	return a;
}

static json_t *role_choices(void)
{
	json_t *a = json_array();
	for (const struct role_name *rn = role_names; rn->key; rn++)
		if (rn->bit != ROLE_OPERATOR)
			json_array_append_new(a, json_pack("{s:s,s:s}", "key", rn->key, "label", rn->label));
	return a;
}

static int admin_page_with(struct req *r, db *d, int status, const char *error, const char *new_token)
{
	struct collectivite c;
	struct err e;
	if (collectivite_get(d, r->tenant_id, &c, &e) < 0)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	json_t *num = numbering_json(d, r->tenant_id, &e);
	if (!num)
		return res_fail_err(r, &e);
	json_t *data = json_pack("{s:s,s:o,s:o,s:o,s:o}", "tenant_name", c.name, "users", users_json(d, r->tenant_id),
				 "tokens", tokens_json(d, r->tenant_id), "roles", role_choices(), "numerotation", num);
	if (error)
		json_object_set_new(data, "error", json_string(error));
	if (new_token)
		json_object_set_new(data, "new_token", json_string(new_token));
	return page_render(r, status, "administration", "Administration", data);
}

static int admin_page(struct req *r)
{
	db *d = req_db(r);
	return d ? admin_page_with(r, d, 200, NULL, NULL) : -1;
}
OPALE_ROUTE(admin_page, "GET", "/administration", admin_page, ROLE_ADMIN, SCOPE_TENANT, 0);

static int api_users(struct req *r)
{
	db *d = req_db(r);
	return d ? res_json(r, 200, json_pack("{s:o}", "utilisateurs", users_json(d, r->tenant_id))) : -1;
}
OPALE_ROUTE(api_users, "GET", "/api/v1/utilisateurs", api_users, ROLE_ADMIN, SCOPE_TENANT, 0);

/* Numbering patterns (core/numbering.h): read by staff, set by the collectivité's admin. */
static int api_numbering(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	json_t *a = numbering_json(d, r->tenant_id, &e);
	return a ? res_json(r, 200, json_pack("{s:o}", "series", a)) : res_fail_err(r, &e);
}
OPALE_ROUTE(api_numbering, "GET", "/api/v1/numerotation", api_numbering, ROLE_ADMIN | ROLE_AGENT | ROLE_SECRETAIRE | ROLE_AUDITOR,
	    SCOPE_TENANT, 0);

static int set_pattern(struct req *r, db *d, const char *serie, const char *motif, struct err *e)
{
	char old[64] = "";
	if (numbering_pattern_get(d, r->tenant_id, serie, old, sizeof old, e) < 0 ||
	    numbering_pattern_set(d, r->tenant_id, serie, motif, e) < 0)
		return -1;
	audit_req(r, "numerotation.motif", serie, arena_printf(r->a, "%s -> %s", old, motif));
	return 0;
}

/* {serie, motif} */
static int api_numbering_put(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	json_t *j = req_json(r);
	if (!j)
		return -1;
	struct err e;
	const char *serie = json_string_value(json_object_get(j, "serie")), *motif = json_string_value(json_object_get(j, "motif"));
	if (!serie || !motif)
		return res_fail(r, 400, "numbering.champs", "Champs obligatoires : serie, motif.");
	if (set_pattern(r, d, serie, motif, &e) < 0)
		return res_fail_err(r, &e);
	json_t *a = numbering_json(d, r->tenant_id, &e);
	return a ? res_json(r, 200, json_pack("{s:o}", "series", a)) : res_fail_err(r, &e);
}
OPALE_ROUTE(api_numbering_put, "PUT", "/api/v1/numerotation", api_numbering_put, ROLE_ADMIN, SCOPE_TENANT, 0);

static int numbering_post(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	const char *serie = req_form(r, "serie"), *motif = req_form(r, "motif");
	if (set_pattern(r, d, serie, motif ? motif : "", &e) < 0)
		return admin_page_with(r, d, e.status ? e.status : 400,
				       arena_printf(r->a, "Motif de numérotation refusé : %s.", e.msg), NULL);
	res_flash(r, "ok", "Motif de numérotation enregistré.");
	return res_redirect(r, "/administration");
}
OPALE_ROUTE(admin_numbering, "POST", "/administration/numerotation", numbering_post, ROLE_ADMIN, SCOPE_TENANT, 0);

static unsigned form_roles(struct req *r)
{
	unsigned bits = 0;
	for (int i = 0; i < r->nform; i++)
		if (strcmp(r->form[i].k, "roles") == 0)
			for (const struct role_name *rn = role_names; rn->key; rn++)
				if (rn->bit != ROLE_OPERATOR && strcmp(rn->key, r->form[i].v) == 0)
					bits |= rn->bit;
	return bits;
}

/* Adds a person to the collectivité: a new account, or an existing login gets roles here too
 * (one person, several collectivités, different roles). */
static int add_user(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	unsigned roles = form_roles(r);
	const char *login = req_form(r, "login");
	struct user u = { 0 };
	snprintf(u.login, sizeof u.login, "%s", login ? login : "");
	snprintf(u.first_name, sizeof u.first_name, "%s", req_form(r, "first_name") ? req_form(r, "first_name") : "");
	snprintf(u.last_name, sizeof u.last_name, "%s", req_form(r, "last_name") ? req_form(r, "last_name") : "");
	snprintf(u.fonction, sizeof u.fonction, "%s", req_form(r, "fonction") ? req_form(r, "fonction") : "");
	snprintf(u.email, sizeof u.email, "%s", req_form(r, "email") ? req_form(r, "email") : "");
	if (!roles)
		return admin_page_with(r, d, 400, "Cochez au moins un rôle.", NULL);
	int64_t id = user_find(d, u.login);
	if (db_begin_write(d, &e) < 0)
		return res_fail(r, 503, e.code, "%s", e.msg);
	int rc = 0;
	if (id <= 0) {
		const char *pw = req_form(r, "password");
		rc = user_create(d, &u, pw ? pw : "", r->user_id, r->ip, &id, &e);
	}
	if (rc == 0)
		rc = user_grant(d, id, r->tenant_id, roles, &e);
	if (rc == 0)
		rc = audit_append(d, r->tenant_id, r->user_id, r->ip, "utilisateur.roles", u.login, "", &e);
	if (rc < 0 || db_commit(d, &e) < 0) {
		db_rollback(d);
		return admin_page_with(r, d, e.status ? e.status : 400, e.msg, NULL);
	}
	res_flash(r, "ok", "Utilisateur enregistré.");
	return res_redirect(r, "/administration");
}
OPALE_ROUTE(admin_add_user, "POST", "/administration/utilisateurs", add_user, ROLE_ADMIN, SCOPE_TENANT, 0);

/* A token is shown once; only its SHA-256 is stored. It acts as one user of this collectivité (the
 * admin, or the login given, e.g. a technical account for a web-delib connector), with at most the
 * roles that user holds here. */
static int new_token(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	unsigned roles = form_roles(r);
	const char *login = req_form(r, "login");
	struct err e;
	int64_t user = r->user_id;
	unsigned held = r->roles;
	if (login && *login) {
		int rc;
		db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc,
				       "SELECT u.id, m.roles FROM memberships m JOIN users u ON u.id = m.user_id"
				       " WHERE m.tenant_id = $1 AND u.login = $2", "t", login);
		if (!s || rc != DB_ROW) {
			if (s)
				db_finalize(s);
			return admin_page_with(r, d, 404, "Aucune personne de la collectivité n'a cet identifiant.", NULL);
		}
		user = db_col_int64(s, 0);
		held = (unsigned)db_col_int64(s, 1);
		db_finalize(s);
	}
	roles &= held;
	if (!roles)
		return admin_page_with(r, d, 400, "Cochez au moins un rôle que le titulaire du jeton détient dans la collectivité.", NULL);
	char tok[64], full[80], h[65];
	identity_random_token(tok);
	snprintf(full, sizeof full, "opl_%s", tok);
	identity_sha256_hex(full, h);
	const char *label = req_form(r, "label");
	if (tdb_run(d, r->tenant_id, &e, "INSERT INTO api_tokens (tenant_id, token_hash, user_id, roles, label, created_at)"
					  " VALUES ($1, $2, $3, $4, $5, $6)",
		    "tiiti", h, user, (int64_t)roles, label ? label : "", identity_now()) < 0)
		return res_fail(r, 500, e.code, "%s", e.msg);
	audit_req(r, "jeton.creation", label ? label : "", login ? login : "");
	return admin_page_with(r, d, 200, NULL, full);
}
OPALE_ROUTE(admin_new_token, "POST", "/administration/jetons", new_token, ROLE_ADMIN, SCOPE_TENANT, 0);

static int revoke_token(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (tdb_run(d, r->tenant_id, &e, "UPDATE api_tokens SET revoked = 1 WHERE tenant_id = $1 AND id = $2", "i", id) < 0)
		return res_fail(r, 500, e.code, "%s", e.msg);
	if (db_changes(d) == 0)
		return res_fail(r, 404, "jeton.inconnu", "Jeton introuvable.");
	audit_req(r, "jeton.revocation", arena_printf(r->a, "%lld", (long long)id), "");
	res_flash(r, "ok", "Jeton révoqué.");
	return res_redirect(r, "/administration");
}
OPALE_ROUTE(admin_revoke_token, "POST", "/administration/jetons/:id/revoquer", revoke_token, ROLE_ADMIN, SCOPE_TENANT, 0);

static void fmt_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

static json_t *audit_json(db *d, int64_t tenant, int limit)
{
	struct err e;
	int rc;
	json_t *list = json_array();
	db_stmt *s = tdb_query(d, tenant, &e, &rc,
			       "SELECT a.seq, a.at, COALESCE(u.login, ''), a.ip, a.action, a.object, a.detail FROM audit_log a"
			       " LEFT JOIN users u ON u.id = a.user_id WHERE a.tenant_id = $1 ORDER BY a.seq DESC LIMIT $2",
			       "i", (int64_t)limit);
	while (s && rc == DB_ROW) {
		char at[32];
		fmt_time(db_col_int64(s, 1), at);
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "seq", (json_int_t)db_col_int64(s, 0), "at",
						      at, "login", db_col_text(s, 2), "ip", db_col_text(s, 3), "action",
						      db_col_text(s, 4), "object", db_col_text(s, 5), "detail", db_col_text(s, 6)));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	return list;
}

static int audit_page(struct req *r)
{
	db *d = req_db(r);
	return d ? page_render(r, 200, "audit", "Journal d'audit", json_pack("{s:o}", "entries", audit_json(d, r->tenant_id, 500)))
		 : -1;
}
OPALE_ROUTE(audit_page, "GET", "/audit", audit_page, ROLE_ADMIN | ROLE_AUDITOR, SCOPE_TENANT, 0);

static void csv_field(buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static int audit_csv(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	json_t *list = audit_json(d, r->tenant_id, 1000000);
	buf b = BUF_INIT;
	buf_puts(&b, "\xEF\xBB\xBFnumero;date;utilisateur;ip;action;objet;detail\r\n");
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x) {
		buf_printf(&b, "%lld;", (long long)json_integer_value(json_object_get(x, "seq")));
		const char *k[] = { "at", "login", "ip", "action", "object", "detail" };
		for (int j = 0; j < 6; j++) {
			csv_field(&b, json_string_value(json_object_get(x, k[j])));
			buf_puts(&b, j < 5 ? ";" : "\r\n");
		}
	}
	json_decref(list);
	res_header(r, "Content-Disposition", "attachment; filename=\"journal-audit.csv\"");
	res_text(r, 200, "text/csv; charset=utf-8", b.data, b.len);
	buf_free(&b);
	audit_req(r, "audit.export", "csv", "");
	return 0;
}
OPALE_ROUTE(audit_csv, "GET", "/audit.csv", audit_csv, ROLE_ADMIN | ROLE_AUDITOR, SCOPE_TENANT, 0);
