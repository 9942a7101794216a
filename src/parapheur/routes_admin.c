/* routes_admin: the parapheur's administration pages (collectivité administrators) — desks (name,
 * parent, owners, delegations with an optional type filter), types and sub-types (with circuit
 * selection rules), and the circuit editor (ordered steps, kind, OR/AND desks, placeholders).
 * Plain server-rendered forms (no script), usable on a phone; errors come back as a flash message. */
#include "parapheur/parapheur.h"
#include "core/dates.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADM (ROLE_ADMIN)
#define T (RF_TIER_PARAPHEUR)
#define MAX_SLOTS 20

static const char *const step_kinds[][2] = {
	{ "visa", "Visa" }, { "signature", "Signature" }, { "cachet", "Cachet serveur" }, { "externe", "Signature externe" },
};
static const char *const formats[][2] = {
	{ "pades", "PAdES (PDF signé)" }, { "cades", "CAdES (signature détachée)" }, { "xades", "XAdES (signature XML détachée)" },
	{ "pes", "PES (flux Hélios)" }, { "auto", "Automatique selon le document" },
};
static const char *const protocols[][2] = {
	{ "none", "Aucun" }, { "actes", "ACTES (contrôle de légalité)" }, { "helios", "HELIOS (comptable public)" },
};

static int back(struct req *r, const char *to, const char *kind, const char *msg)
{
	res_flash(r, kind, msg);
	return res_redirect(r, to);
}

/* Runs fn's database work in one write transaction; on failure, flash + redirect to `err_to`. */
#define TX(d, e, expr) (db_begin_write(d, e) == 0 && (expr) == 0 && db_commit(d, e) == 0 ? 0 : (db_rollback(d), -1))

static json_t *rows(db *d, int64_t tenant, const char *sql, const char *types, int64_t a1, const char *const *names, int n)
{
	struct err e;
	int rc;
	json_t *arr = json_array();
	db_stmt *s = types[0] ? tdb_query(d, tenant, &e, &rc, sql, types, a1) : tdb_query(d, tenant, &e, &rc, sql, "");
	while (s && rc == DB_ROW) {
		json_t *o = json_object();
		for (int i = 0; i < n; i++) {
			if (names[i][0] == '#')
				json_object_set_new(o, names[i] + 1, json_integer(db_col_int64(s, i)));
			else
				json_object_set_new(o, names[i], json_string(db_col_text(s, i) ? db_col_text(s, i) : ""));
		}
		json_array_append_new(arr, o);
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	return arr;
}

static json_t *all_desks(db *d, int64_t tenant)
{
	static const char *const n[] = { "#id", "name", "#parent" };
	return rows(d, tenant, "SELECT id, name, parent_id FROM desks WHERE tenant_id = $1 ORDER BY name, id", "", 0, n, 3);
}

static json_t *all_circuits(db *d, int64_t tenant)
{
	static const char *const n[] = { "#id", "name", "steps" };
	return rows(d, tenant, "SELECT id, name, steps FROM circuits WHERE tenant_id = $1 ORDER BY name, id", "", 0, n, 3);
}

static json_t *all_types(db *d, int64_t tenant)
{
	static const char *const n[] = { "#id", "name", "format", "protocol", "city", "postal_code" };
	return rows(d, tenant, "SELECT id, name, format, protocol, city, postal_code FROM folder_types WHERE tenant_id = $1 ORDER BY name, id", "",
		    0, n, 6);
}

static const char *name_of(json_t *list, int64_t id)
{
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) if (json_integer_value(json_object_get(o, "id")) == id) return json_string_value(json_object_get(o, "name"));
	return NULL;
}

static const char *placeholder_label(int64_t v)
{
	return v == DESK_EMITTER ? "Bureau émetteur" : v == DESK_BOSS_OF ? "Supérieur hiérarchique de l'émetteur"
	       : v == DESK_VARIABLE ? "Bureau variable (choisi au démarrage)" : NULL;
}

/* "Visa (DGS) → Signature (Présidence)". */
static void circuit_summary(json_t *steps, json_t *desks, buf *b)
{
	size_t i, k;
	json_t *st, *dv;
	json_array_foreach(steps, i, st) {
		const char *t = json_string_value(json_object_get(st, "type"));
		for (size_t j = 0; j < sizeof step_kinds / sizeof step_kinds[0]; j++)
			if (t && strcmp(t, step_kinds[j][0]) == 0)
				buf_printf(b, "%s%s (", i ? " → " : "", step_kinds[j][1]);
		json_array_foreach(json_object_get(st, "bureaux"), k, dv) {
			int64_t v = json_integer_value(dv);
			const char *n = v < 0 ? placeholder_label(v) : name_of(desks, v);
			buf_printf(b, "%s%s", k ? (strcmp(json_string_value(json_object_get(st, "mode")), "et") == 0 ? " et " : " ou ") : "",
				   n ? n : "?");
		}
		buf_puts(b, ")");
	}
}

/* The :id of the path and the connection: NULL with the answer set (404, 503) when either is missing. */
static db *with_id(struct req *r, int64_t *id)
{
	*id = req_param_id(r, "id");
	return *id > 0 ? req_db_page(r) : NULL;
}

/* What the forms change: how to find one of this collectivité, and the 404 answer when it is unknown. */
static const struct object {
	const char *table, *sql, *code, *msg;
} objects[] = {
	{ "desks", "SELECT id FROM desks WHERE tenant_id = $1 AND id = $2", "bureau.inconnu", "Bureau introuvable." },
	{ "folder_types", "SELECT id FROM folder_types WHERE tenant_id = $1 AND id = $2", "type.inconnu", "Type de dossier introuvable." },
	{ "folder_subtypes", "SELECT id FROM folder_subtypes WHERE tenant_id = $1 AND id = $2", "sous_type.inconnu", "Sous-type introuvable." },
	{ "circuits", "SELECT id FROM circuits WHERE tenant_id = $1 AND id = $2", "circuit.inconnu", "Circuit introuvable." },
};

static const struct object *object_of(const char *table)
{
	for (size_t i = 0; i < sizeof objects / sizeof objects[0]; i++)
		if (strcmp(table, objects[i].table) == 0)
			return &objects[i];
	return NULL;
}

/* Whether object id of this collectivité exists in table (one of objects[]). */
static int exists(db *d, int64_t tenant, const char *table, int64_t id)
{
	return tdb_exists(d, tenant, object_of(table)->sql, "i", id);
}

/* The 404 answer for an unknown object of table. */
static int unknown(struct req *r, const char *table)
{
	const struct object *o = object_of(table);
	return res_fail(r, 404, o->code, "%s", o->msg);
}

/* with_id, and the object of that id in table: NULL with the answer set (404 for an unknown one). */
static db *with_object(struct req *r, const char *table, int64_t *id)
{
	db *d = with_id(r, id);
	if (d && !exists(d, r->tenant_id, table, *id)) {
		unknown(r, table);
		return NULL;
	}
	return d;
}

/* A change the model refused: the 404 page when the object of table is gone, else back to its form
 * (self) with the reason. */
static int refused(struct req *r, const char *table, const struct err *e, const char *self)
{
	if (strcmp(e->code, object_of(table)->code) == 0)
		return res_fail(r, 404, e->code, "%s", e->msg);
	return back(r, self, "erreur", e->msg);
}

/* A change made: the audit line (action on object id, with the name given), back to self with done. */
static int changed(struct req *r, const char *action, int64_t id, const char *self, const char *done)
{
	audit_req(r, action, arena_printf(r->a, "%lld", (long long)id), req_form(r, "nom"));
	return back(r, self, "ok", done);
}

/* ---- index ---------------------------------------------------------------------------------- */

static int index_page(struct req *r)
{
	db *d = req_db_page(r);
	if (!d)
		return -1;
	json_t *desks = all_desks(d, r->tenant_id), *circuits = all_circuits(d, r->tenant_id), *types = all_types(d, r->tenant_id);
	size_t i;
	json_t *o;
	json_array_foreach(desks, i, o) {
		const char *p = name_of(desks, json_integer_value(json_object_get(o, "parent")));
		json_object_set_new(o, "parent_name", json_string(p ? p : ""));
		static const char *const n[] = { "name" };
		json_t *own = rows(d, r->tenant_id, "SELECT u.first_name || ' ' || u.last_name FROM desk_owners o JOIN users u ON u.id = o.user_id"
						    " WHERE o.tenant_id = $1 AND o.desk_id = $2 ORDER BY u.last_name", "i",
				   json_integer_value(json_object_get(o, "id")), n, 1);
		buf b = BUF_INIT;
		size_t k;
		json_t *u;
		json_array_foreach(own, k, u) buf_printf(&b, "%s%s", k ? ", " : "", json_string_value(json_object_get(u, "name")));
		json_object_set_new(o, "owners", json_string(b.data ? b.data : ""));
		buf_free(&b);
		json_decref(own);
	}
	json_array_foreach(circuits, i, o) {
		json_t *steps = json_loads(json_string_value(json_object_get(o, "steps")), 0, NULL);
		buf b = BUF_INIT;
		circuit_summary(steps, desks, &b);
		json_object_set_new(o, "summary", json_string(b.data ? b.data : ""));
		json_object_del(o, "steps");
		buf_free(&b);
		json_decref(steps);
	}
	json_array_foreach(types, i, o) {
		static const char *const n[] = { "#id", "name", "circuit" };
		json_object_set_new(o, "subtypes", rows(d, r->tenant_id, "SELECT s.id, s.name, COALESCE(c.name, '') FROM folder_subtypes s"
									  " LEFT JOIN circuits c ON c.id = s.circuit_id WHERE s.tenant_id = $1 AND s.type_id = $2"
									  " ORDER BY s.name", "i", json_integer_value(json_object_get(o, "id")), n, 3));
	}
	static const char *const un[] = { "#id", "name", "login" };
	json_t *users = rows(d, r->tenant_id, "SELECT u.id, u.first_name || ' ' || u.last_name, u.login FROM memberships m JOIN users u"
					      " ON u.id = m.user_id WHERE m.tenant_id = $1 AND u.disabled = 0 ORDER BY u.last_name, u.id", "", 0, un, 3);
	json_t *fm = json_array(), *pr = json_array();
	for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++)
		json_array_append_new(fm, json_pack("{s:s,s:s}", "key", formats[k][0], "label", formats[k][1]));
	for (size_t k = 0; k < sizeof protocols / sizeof protocols[0]; k++)
		json_array_append_new(pr, json_pack("{s:s,s:s}", "key", protocols[k][0], "label", protocols[k][1]));
	return page_render(r, 200, "parapheur_admin", "Administration du parapheur",
			   json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "desks", desks, "circuits", circuits, "types", types, "users", users,
				     "formats", fm, "protocols", pr));
}
OPALE_ROUTE(pa_adm_index, "GET", "/parapheur/administration", index_page, ADM, SCOPE_TENANT, T);

/* ---- desks ---------------------------------------------------------------------------------- */

static int form_ids(struct req *r, const char *field, int64_t *out, int max)
{
	int n = 0;
	req_form(r, "csrf");  /* parses the body */
	for (int i = 0; i < r->nform && n < max; i++)
		if (strcmp(r->form[i].k, field) == 0 && *r->form[i].v)
			out[n++] = strtoll(r->form[i].v, NULL, 10);
	return n;
}

static int64_t form_int(struct req *r, const char *field)
{
	const char *v = req_form(r, field);
	return v && *v ? strtoll(v, NULL, 10) : 0;
}

static int desk_create(struct req *r)
{
	db *d = req_db_page(r);
	if (!d)
		return -1;
	int64_t owners[64], id = 0;
	int n = form_ids(r, "titulaires", owners, 64);
	struct err e;
	if (TX(d, &e, pa_desk_create(d, r->tenant_id, req_form(r, "nom"), form_int(r, "parent"), owners, n, &id, &e)) < 0)
		return back(r, "/parapheur/administration", "erreur", e.msg);
	audit_req(r, "parapheur.bureau", req_form(r, "nom"), "");
	return back(r, arena_printf(r->a, "/parapheur/administration/bureaux/%lld", (long long)id), "ok", "Bureau créé.");
}
OPALE_ROUTE(pa_adm_desk_create, "POST", "/parapheur/administration/bureaux", desk_create, ADM, SCOPE_TENANT, T);

static const char *day_of(int64_t t, char out[11])
{
	struct paris_time p;
	if (paris_from_utc(t, &p, NULL) < 0)
		snprintf(out, 11, "?");
	else
		snprintf(out, 11, "%02d/%02d/%04d", p.date.d, p.date.m, p.date.y);
	return out;
}

static int desk_page(struct req *r)
{
	int64_t id;
	db *d = with_id(r, &id);
	if (!d)
		return -1;
	json_t *desks = all_desks(d, r->tenant_id);
	const char *name = name_of(desks, id);
	if (!name) {
		json_decref(desks);
		return unknown(r, "desks");
	}
	json_t *desk = NULL, *parents = json_array(), *targets = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(desks, i, o) {
		int64_t k = json_integer_value(json_object_get(o, "id"));
		if (k == id) {
			desk = json_deep_copy(o);
			continue;
		}
		json_array_append_new(parents, json_pack("{s:I,s:s}", "id", (json_int_t)k, "name", json_string_value(json_object_get(o, "name"))));
		json_array_append_new(targets, json_pack("{s:I,s:s}", "id", (json_int_t)k, "name", json_string_value(json_object_get(o, "name"))));
	}
	json_array_foreach(parents, i, o) if (json_integer_value(json_object_get(o, "id")) == json_integer_value(json_object_get(desk, "parent")))
		json_object_set_new(o, "selected", json_true());
	static const char *const un[] = { "#id", "name", "login", "#owner" };
	json_t *users = rows(d, r->tenant_id, "SELECT u.id, u.first_name || ' ' || u.last_name, u.login, (SELECT COUNT(*) FROM desk_owners o"
					      " WHERE o.desk_id = $2 AND o.user_id = u.id) FROM memberships m JOIN users u ON u.id = m.user_id"
					      " WHERE m.tenant_id = $1 AND u.disabled = 0 ORDER BY u.last_name, u.id", "i", id, un, 4);
	json_array_foreach(users, i, o) json_object_set_new(o, "checked", json_boolean(json_integer_value(json_object_get(o, "owner")) > 0));
	static const char *const dn[] = { "#id", "to", "#from", "#until", "type" };
	json_t *delegs = rows(d, r->tenant_id, "SELECT g.id, k.name, g.starts_at, g.ends_at, COALESCE(t.name, '') FROM delegations g"
					       " JOIN desks k ON k.id = g.to_desk_id LEFT JOIN folder_types t ON t.id = g.type_id"
					       " WHERE g.tenant_id = $1 AND g.desk_id = $2 ORDER BY g.starts_at", "i", id, dn, 5);
	json_array_foreach(delegs, i, o) {
		char a[11], b[11];
		json_object_set_new(o, "du", json_string(day_of(json_integer_value(json_object_get(o, "from")), a)));
		/* ends_at is the start of the day after the last one */
		json_object_set_new(o, "au", json_string(day_of(json_integer_value(json_object_get(o, "until")) - 1, b)));
	}
	json_t *types = all_types(d, r->tenant_id);
	json_decref(desks);
	return page_render(r, 200, "parapheur_admin_bureau", arena_printf(r->a, "Bureau %s", json_string_value(json_object_get(desk, "name"))),
			   json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "desk", desk, "parents", parents, "users", users, "delegations", delegs,
				     "targets", targets, "types", types));
}
OPALE_ROUTE(pa_adm_desk, "GET", "/parapheur/administration/bureaux/:id", desk_page, ADM, SCOPE_TENANT, T);

static int desk_update(struct req *r)
{
	int64_t id;
	db *d = with_id(r, &id);
	if (!d)
		return -1;
	int64_t owners[64];
	int n = form_ids(r, "titulaires", owners, 64);
	struct err e;
	const char *self = arena_printf(r->a, "/parapheur/administration/bureaux/%lld", (long long)id);
	if (TX(d, &e, pa_desk_update(d, r->tenant_id, id, req_form(r, "nom"), form_int(r, "parent"), owners, n, &e)) < 0)
		return refused(r, "desks", &e, self);
	return changed(r, "parapheur.bureau.modification", id, self, "Bureau enregistré.");
}
OPALE_ROUTE(pa_adm_desk_update, "POST", "/parapheur/administration/bureaux/:id", desk_update, ADM, SCOPE_TENANT, T);

static int parse_day(const char *s, int64_t *out, int next)
{
	struct date dt;
	if (!s || date_parse(s, &dt, NULL) < 0)
		return -1;
	if (next)
		dt = date_add_days(dt, 1);
	return paris_day_start_utc(dt, out, NULL);
}


static int delegation_add(struct req *r)
{
	int64_t id;
	db *d = with_object(r, "desks", &id);
	if (!d)
		return -1;
	const char *self = arena_printf(r->a, "/parapheur/administration/bureaux/%lld", (long long)id);
	int64_t from, to;
	if (parse_day(req_form(r, "debut"), &from, 0) < 0 || parse_day(req_form(r, "fin"), &to, 1) < 0)
		return back(r, self, "erreur", "Dates de délégation attendues (début et fin, jour compris).");
	struct err e;
	if (TX(d, &e, pa_delegation_add(d, r->tenant_id, id, form_int(r, "vers"), from, to, form_int(r, "type"), &e)) < 0)
		return back(r, self, "erreur", e.msg);
	audit_req(r, "parapheur.delegation", arena_printf(r->a, "%lld", (long long)id), "");
	return back(r, self, "ok", "Délégation enregistrée.");
}
OPALE_ROUTE(pa_adm_deleg_add, "POST", "/parapheur/administration/bureaux/:id/delegations", delegation_add, ADM, SCOPE_TENANT, T);

static int delegation_delete(struct req *r)
{
	int64_t id = req_param_id(r, "id"), g = id > 0 ? req_param_id(r, "delegation") : -1;
	db *d = g > 0 ? req_db_page(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (TX(d, &e, pa_delegation_delete(d, r->tenant_id, id, g, &e)) < 0)
		return res_fail(r, e.status ? e.status : 500, e.code, "%s", e.msg);
	audit_req(r, "parapheur.delegation.suppression", arena_printf(r->a, "%lld", (long long)id), "");
	return back(r, arena_printf(r->a, "/parapheur/administration/bureaux/%lld", (long long)id), "ok", "Délégation supprimée.");
}
OPALE_ROUTE(pa_adm_deleg_del, "POST", "/parapheur/administration/bureaux/:id/delegations/:delegation/supprimer", delegation_delete, ADM,
	    SCOPE_TENANT, T);

/* ---- types and sub-types -------------------------------------------------------------------- */

static json_t *options(const char *const (*list)[2], size_t n, const char *sel)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "key", list[i][0], "label", list[i][1], "selected",
						   sel && strcmp(sel, list[i][0]) == 0));
	return a;
}

static int type_create(struct req *r)
{
	db *d = req_db_page(r);
	if (!d)
		return -1;
	int64_t id = 0;
	struct err e;
	if (TX(d, &e, pa_type_create(d, r->tenant_id, req_form(r, "nom"), req_form(r, "format"), req_form(r, "protocole"),
				     req_form(r, "ville"), req_form(r, "code_postal"), &id, &e)) < 0)
		return back(r, "/parapheur/administration", "erreur", e.msg);
	audit_req(r, "parapheur.type", req_form(r, "nom"), "");
	return back(r, arena_printf(r->a, "/parapheur/administration/types/%lld", (long long)id), "ok",
		    "Type créé : ajoutez-lui au moins un sous-type.");
}
OPALE_ROUTE(pa_adm_type_create, "POST", "/parapheur/administration/types", type_create, ADM, SCOPE_TENANT, T);

static json_t *circuit_options(db *d, int64_t tenant, int64_t sel)
{
	json_t *c = all_circuits(d, tenant);
	size_t i;
	json_t *o;
	json_array_foreach(c, i, o) {
		json_object_del(o, "steps");
		json_object_set_new(o, "selected", json_boolean(json_integer_value(json_object_get(o, "id")) == sel));
	}
	return c;
}

static int type_page(struct req *r)
{
	int64_t id;
	db *d = with_id(r, &id);
	if (!d)
		return -1;
	static const char *const n[] = { "#id", "name", "format", "protocol", "city", "postal_code", "stamp_tag", "#stamp_page", "#stamp_x", "#stamp_y" };
	json_t *t = rows(d, r->tenant_id, "SELECT id, name, format, protocol, city, postal_code, stamp_tag, stamp_page, stamp_x, stamp_y FROM"
					  " folder_types WHERE tenant_id = $1 AND id = $2", "i", id, n, 10);
	if (!json_array_size(t)) {
		json_decref(t);
		return unknown(r, "folder_types");
	}
	json_t *type = json_deep_copy(json_array_get(t, 0));
	json_decref(t);
	static const char *const sn[] = { "#id", "name", "circuit" };
	json_object_set_new(type, "subtypes", rows(d, r->tenant_id, "SELECT s.id, s.name, COALESCE(c.name, '') FROM folder_subtypes s"
								    " LEFT JOIN circuits c ON c.id = s.circuit_id WHERE s.tenant_id = $1 AND s.type_id = $2"
								    " ORDER BY s.name", "i", id, sn, 3));
	json_object_set_new(type, "formats", options(formats, sizeof formats / sizeof formats[0], json_string_value(json_object_get(type, "format"))));
	json_object_set_new(type, "protocols", options(protocols, sizeof protocols / sizeof protocols[0],
						       json_string_value(json_object_get(type, "protocol"))));
	return page_render(r, 200, "parapheur_admin_type", arena_printf(r->a, "Type %s", json_string_value(json_object_get(type, "name"))),
			   json_pack("{s:o,s:o}", "type", type, "circuits", circuit_options(d, r->tenant_id, 0)));
}
OPALE_ROUTE(pa_adm_type, "GET", "/parapheur/administration/types/:id", type_page, ADM, SCOPE_TENANT, T);

static int type_update(struct req *r)
{
	int64_t id;
	db *d = with_object(r, "folder_types", &id);
	if (!d)
		return -1;
	struct err e;
	const char *self = arena_printf(r->a, "/parapheur/administration/types/%lld", (long long)id);
	const char *tp = req_form(r, "tampon_page"), *tx = req_form(r, "tampon_x"), *ty = req_form(r, "tampon_y");
	if (TX(d, &e, pa_type_update(d, r->tenant_id, id, req_form(r, "nom"), req_form(r, "format"), req_form(r, "protocole"),
				     req_form(r, "ville"), req_form(r, "code_postal"), &e) < 0 ? -1
		      : pa_type_stamp(d, r->tenant_id, id, req_form(r, "tampon_repere"), tp && *tp ? strtol(tp, NULL, 10) : 0,
				      tx && *tx ? strtol(tx, NULL, 10) : 0, ty && *ty ? strtol(ty, NULL, 10) : 0, &e)) < 0)
		return refused(r, "folder_types", &e, self);
	return changed(r, "parapheur.type.modification", id, self, "Type enregistré.");
}
OPALE_ROUTE(pa_adm_type_update, "POST", "/parapheur/administration/types/:id", type_update, ADM, SCOPE_TENANT, T);

static int subtype_create(struct req *r)
{
	int64_t id;
	db *d = with_object(r, "folder_types", &id);
	if (!d)
		return -1;
	struct err e;
	int64_t sid = 0;
	if (TX(d, &e, pa_subtype_create(d, r->tenant_id, id, req_form(r, "nom"), form_int(r, "circuit"), NULL, &sid, &e)) < 0) {
		return back(r, arena_printf(r->a, "/parapheur/administration/types/%lld", (long long)id), "erreur",
			    *e.msg ? e.msg : "Nom et circuit du sous-type attendus.");
	}
	audit_req(r, "parapheur.sous_type", req_form(r, "nom"), "");
	return back(r, arena_printf(r->a, "/parapheur/administration/sous-types/%lld", (long long)sid), "ok", "Sous-type créé.");
}
OPALE_ROUTE(pa_adm_subtype_create, "POST", "/parapheur/administration/types/:id/sous-types", subtype_create, ADM, SCOPE_TENANT, T);

static int subtype_page(struct req *r)
{
	int64_t id;
	db *d = with_id(r, &id);
	if (!d)
		return -1;
	static const char *const n[] = { "#id", "name", "#circuit", "rules", "#type", "type_name" };
	json_t *t = rows(d, r->tenant_id, "SELECT s.id, s.name, s.circuit_id, s.rules, s.type_id, t.name FROM folder_subtypes s"
					  " JOIN folder_types t ON t.id = s.type_id WHERE s.tenant_id = $1 AND s.id = $2", "i", id, n, 6);
	if (!json_array_size(t)) {
		json_decref(t);
		return unknown(r, "folder_subtypes");
	}
	json_t *st = json_deep_copy(json_array_get(t, 0));
	json_decref(t);
	json_t *rules = json_loads(json_string_value(json_object_get(st, "rules")), 0, NULL), *slots = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(rules, i, o) if (i < MAX_SLOTS)
		json_array_append_new(slots, json_pack("{s:i,s:s,s:o}", "n", (int)i + 1, "regle",
						       json_string_value(json_object_get(o, "regle")) ? json_string_value(json_object_get(o, "regle")) : "",
						       "circuits", circuit_options(d, r->tenant_id, json_integer_value(json_object_get(o, "circuit")))));
	for (size_t k = json_array_size(slots); k < json_array_size(rules) + 3 && k < MAX_SLOTS; k++)
		json_array_append_new(slots, json_pack("{s:i,s:s,s:o}", "n", (int)k + 1, "regle", "", "circuits", circuit_options(d, r->tenant_id, 0)));
	json_decref(rules);
	json_object_del(st, "rules");
	json_object_set_new(st, "rules", slots);
	json_object_set_new(st, "circuits", circuit_options(d, r->tenant_id, json_integer_value(json_object_get(st, "circuit"))));
	return page_render(r, 200, "parapheur_admin_soustype", arena_printf(r->a, "Sous-type %s", json_string_value(json_object_get(st, "name"))),
			   json_pack("{s:o}", "st", st));
}
OPALE_ROUTE(pa_adm_subtype, "GET", "/parapheur/administration/sous-types/:id", subtype_page, ADM, SCOPE_TENANT, T);

static int subtype_update(struct req *r)
{
	int64_t id;
	db *d = with_object(r, "folder_subtypes", &id);
	if (!d)
		return -1;
	json_t *rules = json_array();
	for (int i = 1; i <= MAX_SLOTS; i++) {
		const char *txt = req_form(r, arena_printf(r->a, "regle%d", i));
		if (!txt || !*txt)
			continue;
		json_array_append_new(rules, json_pack("{s:s,s:I}", "regle", txt, "circuit",
						       (json_int_t)form_int(r, arena_printf(r->a, "regle%d_circuit", i))));
	}
	struct err e;
	const char *self = arena_printf(r->a, "/parapheur/administration/sous-types/%lld", (long long)id);
	int rc = TX(d, &e, pa_subtype_update(d, r->tenant_id, id, req_form(r, "nom"), form_int(r, "circuit"), rules, &e));
	json_decref(rules);
	if (rc < 0)
		return refused(r, "folder_subtypes", &e, self);
	return changed(r, "parapheur.sous_type.modification", id, self, "Sous-type enregistré.");
}
OPALE_ROUTE(pa_adm_subtype_update, "POST", "/parapheur/administration/sous-types/:id", subtype_update, ADM, SCOPE_TENANT, T);

/* ---- circuit editor ------------------------------------------------------------------------- */

/* One slot of the editor: kind, mode, desks (real and placeholders) with their checked state. */
static json_t *slot(int n, json_t *step, json_t *desks)
{
	const char *type = json_string_value(json_object_get(step, "type"));
	json_t *kinds = json_array(), *opts = json_array();
	json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "key", "", "label", step ? "— supprimer cette étape —" : "— pas d'étape —",
					       "selected", !type));
	for (size_t i = 0; i < sizeof step_kinds / sizeof step_kinds[0]; i++)
		json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "key", step_kinds[i][0], "label", step_kinds[i][1], "selected",
						       type && strcmp(type, step_kinds[i][0]) == 0));
	static const struct { const char *v; int64_t id; } ph[] = { { "emetteur", DESK_EMITTER }, { "superieur", DESK_BOSS_OF },
								   { "variable", DESK_VARIABLE } };
	for (size_t i = 0; i < 3; i++) {
		int checked = 0;
		size_t k;
		json_t *dv;
		json_array_foreach(json_object_get(step, "bureaux"), k, dv) checked |= json_integer_value(dv) == ph[i].id;
		json_array_append_new(opts, json_pack("{s:s,s:s,s:b,s:b}", "value", ph[i].v, "label", placeholder_label(ph[i].id), "checked", checked,
						      "placeholder", 1));
	}
	size_t i;
	json_t *o;
	json_array_foreach(desks, i, o) {
		int64_t id = json_integer_value(json_object_get(o, "id"));
		int checked = 0;
		size_t k;
		json_t *dv;
		json_array_foreach(json_object_get(step, "bureaux"), k, dv) checked |= json_integer_value(dv) == id;
		json_array_append_new(opts, json_pack("{s:o,s:s,s:b,s:b}", "value", json_sprintf("%lld", (long long)id), "label",
						      json_string_value(json_object_get(o, "name")), "checked", checked, "placeholder", 0));
	}
	json_t *informed = json_array();
	json_array_foreach(desks, i, o) {
		int64_t id = json_integer_value(json_object_get(o, "id"));
		int checked = 0;
		size_t k;
		json_t *dv;
		json_array_foreach(json_object_get(step, "informes"), k, dv) checked |= json_integer_value(dv) == id;
		json_array_append_new(informed, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "label", json_string_value(json_object_get(o, "name")),
							  "checked", checked));
	}
	const char *mode = json_string_value(json_object_get(step, "mode"));
	return json_pack("{s:i,s:o,s:b,s:o,s:o}", "n", n, "kinds", kinds, "et", mode && strcmp(mode, "et") == 0, "desks", opts, "informed", informed);
}

static int editor(struct req *r, int64_t id, const char *name, json_t *steps)
{
	db *d = req_db_page(r);
	if (!d)
		return -1;
	json_t *desks = all_desks(d, r->tenant_id), *slots = json_array();
	size_t i;
	json_t *st;
	json_array_foreach(steps, i, st) if (i < MAX_SLOTS) json_array_append_new(slots, slot((int)i + 1, st, desks));
	for (size_t k = json_array_size(slots); k < json_array_size(steps) + 3 && k < MAX_SLOTS; k++)
		json_array_append_new(slots, slot((int)k + 1, NULL, desks));
	json_decref(desks);
	return page_render(r, 200, "parapheur_admin_circuit", id ? arena_printf(r->a, "Circuit %s", name) : "Nouveau circuit",
			   json_pack("{s:I,s:s,s:b,s:o,s:s}", "id", (json_int_t)id, "name", name ? name : "", "exists", id > 0, "slots", slots,
				     "action", id ? arena_printf(r->a, "/parapheur/administration/circuits/%lld", (long long)id)
						  : "/parapheur/administration/circuits"));
}

static int circuit_new(struct req *r) { return editor(r, 0, NULL, NULL); }
OPALE_ROUTE(pa_adm_circuit_new, "GET", "/parapheur/administration/nouveau-circuit", circuit_new, ADM, SCOPE_TENANT, T);

static int circuit_page(struct req *r)
{
	int64_t id;
	db *d = with_id(r, &id);
	if (!d)
		return -1;
	static const char *const n[] = { "#id", "name", "steps" };
	json_t *c = rows(d, r->tenant_id, "SELECT id, name, steps FROM circuits WHERE tenant_id = $1 AND id = $2", "i", id, n, 3);
	if (!json_array_size(c)) {
		json_decref(c);
		return unknown(r, "circuits");
	}
	json_t *steps = json_loads(json_string_value(json_object_get(json_array_get(c, 0), "steps")), 0, NULL);
	int rc = editor(r, id, arena_strdup(r->a, json_string_value(json_object_get(json_array_get(c, 0), "name"))), steps);
	json_decref(steps);
	json_decref(c);
	return rc;
}
OPALE_ROUTE(pa_adm_circuit, "GET", "/parapheur/administration/circuits/:id", circuit_page, ADM, SCOPE_TENANT, T);

/* Steps from the editor's form, in the order of their « position » fields (then slot order). */
static json_t *steps_from_form(struct req *r)
{
	struct { long pos; int n; } order[MAX_SLOTS];
	int k = 0;
	for (int n = 1; n <= MAX_SLOTS; n++) {
		const char *t = req_form(r, arena_printf(r->a, "etape%d_type", n));
		if (!t || !*t)
			continue;
		const char *p = req_form(r, arena_printf(r->a, "etape%d_position", n));
		order[k].pos = p && *p ? strtol(p, NULL, 10) : n;
		order[k].n = n;
		k++;
	}
	for (int i = 1; i < k; i++)  /* stable insertion sort by position */
		for (int j = i; j > 0 && order[j - 1].pos > order[j].pos; j--) {
			__typeof__(order[0]) x = order[j];
			order[j] = order[j - 1];
			order[j - 1] = x;
		}
	json_t *steps = json_array();
	req_form(r, "csrf");
	for (int i = 0; i < k; i++) {
		int n = order[i].n;
		const char *field = arena_printf(r->a, "etape%d_bureaux", n);
		json_t *desks = json_array();
		for (int f = 0; f < r->nform; f++) {
			if (strcmp(r->form[f].k, field) != 0 || !*r->form[f].v)
				continue;
			const char *v = r->form[f].v;
			if (strcmp(v, "emetteur") == 0 || strcmp(v, "superieur") == 0 || strcmp(v, "variable") == 0)
				json_array_append_new(desks, json_string(v));
			else
				json_array_append_new(desks, json_integer(strtoll(v, NULL, 10)));
		}
		const char *ifield = arena_printf(r->a, "etape%d_informes", n);
		json_t *inf = json_array();
		for (int f = 0; f < r->nform; f++)
			if (strcmp(r->form[f].k, ifield) == 0 && *r->form[f].v)
				json_array_append_new(inf, json_integer(strtoll(r->form[f].v, NULL, 10)));
		const char *mode = req_form(r, arena_printf(r->a, "etape%d_mode", n));
		json_array_append_new(steps, json_pack("{s:s,s:s,s:o,s:o}", "type", req_form(r, arena_printf(r->a, "etape%d_type", n)), "mode",
						       mode && strcmp(mode, "et") == 0 ? "et" : "ou", "bureaux", desks, "informes", inf));
	}
	return steps;
}

static int circuit_save(struct req *r)
{
	int64_t id = r->nparams ? req_param_id(r, "id") : 0;
	if (id < 0)
		return -1;
	db *d = req_db_page(r);
	if (!d)
		return -1;
	if (id && !exists(d, r->tenant_id, "circuits", id))
		return unknown(r, "circuits");
	json_t *steps = steps_from_form(r);
	struct err e;
	int64_t nid = id;
	int rc = id ? TX(d, &e, pa_circuit_update(d, r->tenant_id, id, req_form(r, "nom"), steps, &e))
		    : TX(d, &e, pa_circuit_create(d, r->tenant_id, req_form(r, "nom"), steps, &nid, &e));
	json_decref(steps);
	const char *self = id ? arena_printf(r->a, "/parapheur/administration/circuits/%lld", (long long)id) : "/parapheur/administration/nouveau-circuit";
	if (rc < 0)
		return refused(r, "circuits", &e, self);
	audit_req(r, id ? "parapheur.circuit.modification" : "parapheur.circuit", req_form(r, "nom"), "");
	return back(r, arena_printf(r->a, "/parapheur/administration/circuits/%lld", (long long)nid), "ok",
		    id ? "Circuit enregistré : il s'applique aux dossiers démarrés désormais." : "Circuit créé.");
}
OPALE_ROUTE(pa_adm_circuit_create, "POST", "/parapheur/administration/circuits", circuit_save, ADM, SCOPE_TENANT, T);
OPALE_ROUTE(pa_adm_circuit_update, "POST", "/parapheur/administration/circuits/:id", circuit_save, ADM, SCOPE_TENANT, T);
