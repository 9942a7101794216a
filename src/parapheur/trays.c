/* trays: search and filters over a desk's tray (text in the title, type, one metadata, creation and
 * due dates), and the same action on N selected folders from the web page with a per-folder result.
 * Filtering reads each folder of the tray once more (a tray holds at most 1 000 folders). */
#include "parapheur/parapheur.h"
#include "core/dates.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int meta_match(json_t *meta, const char *key, const char *value)
{
	if (!key || !*key)
		return 1;
	json_t *v = json_object_get(meta, key);
	if (!v)
		return 0;
	if (!value || !*value)
		return 1;
	char num[64];
	const char *s = json_string_value(v);
	if (!s && json_is_number(v)) {
		snprintf(num, sizeof num, "%g", json_number_value(v));
		s = num;
	}
	return s && strcasestr(s, value) != NULL;
}

json_t *pa_tray_search(db *d, int64_t tenant, int64_t desk, const char *tray, int64_t now, const struct pa_tray_filter *f,
		       struct err *e)
{
	json_t *all = pa_tray(d, tenant, desk, tray, now, e);
	if (!all)
		return NULL;
	json_t *out = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(all, i, o) {
		int rc;
		db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT f.title, st.type_id, t.name, st.name, f.metadata, f.created_at, f.due_at"
							  " FROM folders f JOIN folder_subtypes st ON st.id = f.subtype_id JOIN folder_types t ON t.id = st.type_id"
							  " WHERE f.tenant_id = $1 AND f.id = $2", "i", json_integer_value(json_object_get(o, "id")));
		if (!s || rc != DB_ROW) {
			if (s)
				db_finalize(s);
			continue;
		}
		json_t *meta = json_loads(db_col_text(s, 4), 0, NULL);
		int64_t created = db_col_int64(s, 5), due = db_col_int64(s, 6);
		int keep = (!f || !f->text || !*f->text || strcasestr(db_col_text(s, 0), f->text)) && (!f || !f->type || db_col_int64(s, 1) == f->type) &&
			   (!f || meta_match(meta, f->meta_key, f->meta_value)) && (!f || !f->from || created >= f->from) &&
			   (!f || !f->to || created < f->to) && (!f || !f->due_before || (due > 0 && due < f->due_before));
		if (keep) {
			json_t *c = json_deep_copy(o);
			json_object_set_new(c, "type", json_string(db_col_text(s, 2)));
			json_object_set_new(c, "sous_type", json_string(db_col_text(s, 3)));
			json_object_set_new(c, "cree_le", json_integer(created));
			json_object_set_new(c, "metadonnees", meta ? json_incref(meta) : json_object());
			json_array_append_new(out, c);
		}
		json_decref(meta);
		db_finalize(s);
	}
	json_decref(all);
	return out;
}

/* ---- web page ------------------------------------------------------------------------------- */

#define WORKERS (ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_ADMIN)
#define READERS (WORKERS | ROLE_AUDITOR)

static const char *const tray_names[][2] = {
	{ "a-traiter", "À traiter" }, { "en-retard", "En retard" }, { "delegues", "Délégués" },
	{ "recuperables", "Récupérables" }, { "en-cours", "Émis en cours" }, { "rejetes", "Rejetés" }, { "traites", "Traités" }, { "archives", "Archivés" },
};

static const char *tray_label(const char *key)
{
	for (size_t i = 0; i < sizeof tray_names / sizeof tray_names[0]; i++)
		if (key && strcmp(key, tray_names[i][0]) == 0)
			return tray_names[i][1];
	return NULL;
}

static void day(int64_t t, char out[11])
{
	struct paris_time p;
	if (!t || paris_from_utc(t, &p, NULL) < 0)
		snprintf(out, 11, "—");
	else
		snprintf(out, 11, "%02d/%02d/%04d", p.date.d, p.date.m, p.date.y);
}

static int64_t day_start(const char *s, int next)
{
	struct date dt;
	int64_t t;
	if (!s || !*s || date_parse(s, &dt, NULL) < 0)
		return 0;
	if (next)
		dt = date_add_days(dt, 1);
	return paris_day_start_utc(dt, &t, NULL) == 0 ? t : 0;
}

static const char *qp(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	if (!v)
		v = req_form(r, name);
	return v ? v : "";
}

/* Renders the tray page; results (may be NULL) is the per-folder outcome of a bulk action. */
static int render(struct req *r, db *d, int64_t desk, const char *tray, json_t *results, int ok, int ko)
{
	struct err e;
	int rc;
	char name[256] = "";
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT name FROM desks WHERE tenant_id = $1 AND id = $2", "i", desk);
	if (s && rc == DB_ROW)
		snprintf(name, sizeof name, "%s", db_col_text(s, 0));
	if (s)
		db_finalize(s);
	if (!*name || !tray_label(tray)) {
		json_decref(results);
		return res_fail(r, 404, "bannette.inconnue", "Bureau ou bannette introuvable.");
	}
	struct pa_tray_filter f = { .text = qp(r, "q"), .type = strtoll(qp(r, "type"), NULL, 10), .meta_key = qp(r, "cle"),
				    .meta_value = qp(r, "valeur"), .from = day_start(qp(r, "du"), 0), .to = day_start(qp(r, "au"), 1) };
	json_t *list = pa_tray_search(d, r->tenant_id, desk, tray, identity_now(), &f, &e);
	if (!list) {
		json_decref(results);
		return res_fail(r, e.status ? e.status : 500, e.code, "%s", e.msg);
	}
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		char a[11], b[11];
		day(json_integer_value(json_object_get(o, "cree_le")), a);
		day(json_integer_value(json_object_get(o, "echeance")), b);
		json_object_set_new(o, "cree", json_string(a));
		json_object_set_new(o, "due", json_string(b));
		buf m = BUF_INIT;
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(o, "metadonnees"), k, v) if (json_is_string(v))
			buf_printf(&m, "%s%s : %s", m.len ? ", " : "", k, json_string_value(v));
		json_object_set_new(o, "meta", json_string(m.data ? m.data : ""));
		buf_free(&m);
	}
	json_t *types = json_array(), *trays = json_array();
	s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT id, name FROM folder_types WHERE tenant_id = $1 ORDER BY name", "");
	while (s && rc == DB_ROW) {
		json_array_append_new(types, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)db_col_int64(s, 0), "name", db_col_text(s, 1), "selected",
						       db_col_int64(s, 0) == f.type));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	for (size_t t = 0; t < sizeof tray_names / sizeof tray_names[0]; t++)
		json_array_append_new(trays, json_pack("{s:s,s:s,s:b}", "key", tray_names[t][0], "label", tray_names[t][1], "current",
						       strcmp(tray, tray_names[t][0]) == 0));
	int actionable = strcmp(tray, "a-traiter") == 0 || strcmp(tray, "en-retard") == 0 || strcmp(tray, "delegues") == 0;
	json_t *data = json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:i,s:b,s:{s:s,s:s,s:s,s:s,s:s}}", "desk", (json_int_t)desk, "desk_name", name,
				 "tray", tray, "tray_label", tray_label(tray), "folders", list, "types", types, "trays", trays, "count",
				 (int)json_array_size(list), "actionable", actionable && json_array_size(list) > 0, "f", "q", f.text, "cle",
				 f.meta_key, "valeur", f.meta_value, "du", qp(r, "du"), "au", qp(r, "au"));
	if (results)
		json_object_set_new(data, "results", json_pack("{s:o,s:i,s:i}", "items", results, "ok", ok, "ko", ko));
	return page_render(r, 200, "parapheur_bannette", arena_printf(r->a, "%s — %s", name, tray_label(tray)), data);
}

static int tray_page(struct req *r)
{
	int64_t desk = req_param_id(r, "id");
	db *d = desk > 0 ? req_db_page(r) : NULL;
	if (!d)
		return -1;
	return render(r, d, desk, req_param(r, "bannette"), NULL, 0, 0);
}
OPALE_ROUTE(pa_tray_page, "GET", "/parapheur/bureaux/:id/bannettes/:bannette", tray_page, READERS, SCOPE_TENANT, RF_TIER_PARAPHEUR);

/* The same action on every selected folder, one transaction each, with one PIN for all. */
static int bulk_page(struct req *r)
{
	int64_t desk = req_param_id(r, "id");
	db *d = desk > 0 ? req_db_page(r) : NULL;
	if (!d)
		return -1;
	if (!pa_desk_exists(d, r->tenant_id, desk))
		return res_fail(r, 404, "bureau.inconnu", "Bureau introuvable.");
	const char *action = req_form(r, "action");
	enum wf_action a = action && strcmp(action, "visa") == 0 ? ACT_VISA : action && strcmp(action, "signature") == 0 ? ACT_SIGN
			   : action && strcmp(action, "cachet") == 0 ? ACT_SEAL : action && strcmp(action, "rejet") == 0 ? ACT_REJECT : 0;
	const char *tray = req_form(r, "bannette");
	if (!tray_label(tray))
		tray = "a-traiter";
	json_t *results = json_array();
	int ok = 0, ko = 0, n = 0;
	for (int i = 0; i < r->nform && n < 500; i++) {
		if (strcmp(r->form[i].k, "dossiers") != 0)
			continue;
		n++;
		int64_t id = strtoll(r->form[i].v, NULL, 10);
		struct err fe = { 0 };
		char title[512] = "";
		int rc;
		db_stmt *s = tdb_query(d, r->tenant_id, &fe, &rc, "SELECT title FROM folders WHERE tenant_id = $1 AND id = $2", "i", id);
		if (s && rc == DB_ROW)
			snprintf(title, sizeof title, "%s", db_col_text(s, 0));
		if (s)
			db_finalize(s);
		int good;
		if (!*title)
			good = err_set(&fe, 404, "dossier.inconnu", "Dossier introuvable.") == 0;
		else if (!a)
			good = err_set(&fe, 400, "wf.action", "Choisissez une action : viser, signer ou rejeter.") == 0;
		else if (db_begin_write(d, &fe) < 0)
			good = 0;
		else if (pa_folder_act(d, r->tenant_id, r->user_id, id, desk, a, 0, req_form(r, "annotation"), req_form(r, "pin"), &fe) < 0 ||
			 db_commit(d, &fe) < 0) {
			db_rollback(d);
			good = 0;
		} else {
			good = 1;
		}
		ok += good;
		ko += !good;
		json_array_append_new(results, json_pack("{s:I,s:s,s:b,s:s}", "id", (json_int_t)id, "titre", *title ? title : "?", "ok", good,
							 "message", good ? "fait" : fe.msg));
	}
	if (!n) {
		json_decref(results);
		res_flash(r, "erreur", "Cochez au moins un dossier.");
		return res_redirect(r, arena_printf(r->a, "/parapheur/bureaux/%lld/bannettes/%s", (long long)desk, tray));
	}
	audit_req(r, "parapheur.lot", action ? action : "?", arena_printf(r->a, "%d/%d", ok, n));
	return render(r, d, desk, tray, results, ok, ko);
}
OPALE_ROUTE(pa_bulk_page, "POST", "/parapheur/bureaux/:id/actions-groupees", bulk_page, WORKERS, SCOPE_TENANT, RF_TIER_PARAPHEUR);
