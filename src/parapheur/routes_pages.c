/* routes_pages: the parapheur's web pages — my desks and their trays, a folder with its documents,
 * circuit and history, and the action buttons of the desks I act for. Phone-friendly. */
#include "parapheur/parapheur.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORKERS (ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_ADMIN)
#define READERS (WORKERS | ROLE_AUDITOR)

static const char *const tray_names[][2] = {
	{ "a-traiter", "À traiter" }, { "en-retard", "En retard" }, { "delegues", "Délégués" },
	{ "recuperables", "Récupérables" }, { "en-cours", "Émis en cours" }, { "rejetes", "Rejetés" }, { "traites", "Traités" }, { "archives", "Archivés" },
};

static int home(struct req *r)
{
	struct err e;
	db *d = req_db_page(r);
	if (!d)
		return -1;
	json_t *desks = pa_my_desks(d, r->tenant_id, r->user_id, &e);
	size_t i;
	json_t *k;
	int64_t now = identity_now();
	json_array_foreach(desks, i, k) {
		json_t *trays = json_array();
		for (size_t t = 0; t < sizeof tray_names / sizeof tray_names[0]; t++) {
			json_t *list = pa_tray(d, r->tenant_id, json_integer_value(json_object_get(k, "id")), tray_names[t][0], now, &e);
			json_array_append_new(trays, json_pack("{s:s,s:s,s:i,s:o}", "key", tray_names[t][0], "label", tray_names[t][1],
							       "count", (int)json_array_size(list), "folders", list ? list : json_array()));
		}
		json_object_set_new(k, "trays", trays);
	}
	return page_render(r, 200, "parapheur", "Parapheur", json_pack("{s:o,s:b}", "desks", desks, "is_admin", (r->roles & ROLE_ADMIN) != 0));
}
OPALE_ROUTE(pa_home, "GET", "/parapheur", home, READERS, SCOPE_TENANT, RF_TIER_PARAPHEUR);

static const char *fmt_date(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(out, 32, "%d/%m/%Y %H:%M", &tm);
	return out;
}

static int folder(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	struct err e;
	db *d = id > 0 ? db_thread(&e) : NULL;
	if (!d)
		return -1;
	json_t *f = pa_folder_json(d, r->tenant_id, id, &e);
	if (!f)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	/* Desk names for the circuit, and the desks I may act for now. */
	json_t *mine = pa_my_desks(d, r->tenant_id, r->user_id, &e), *actions = json_array();
	json_t *tasks = json_object_get(json_object_get(f, "circuit"), "taches"), *steps = json_object_get(json_object_get(f, "circuit"), "etapes");
	size_t i;
	json_t *t;
	json_array_foreach(tasks, i, t) {
		int rc;
		db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT name FROM desks WHERE tenant_id = $1 AND id = $2", "i",
				       json_integer_value(json_object_get(t, "bureau")));
		json_object_set_new(t, "bureau_nom", json_string(s && rc == DB_ROW ? db_col_text(s, 0) : "?"));
		if (s)
			db_finalize(s);
		json_t *st = json_array_get(steps, (size_t)json_integer_value(json_object_get(t, "etape")));
		json_object_set(t, "type", json_object_get(st, "type"));
		json_object_set_new(t, "numero", json_integer(json_integer_value(json_object_get(t, "etape")) + 1));
		const char *state = json_string_value(json_object_get(t, "etat"));
		size_t k;
		json_t *m;
		json_array_foreach(mine, k, m) {
			if (json_integer_value(json_object_get(m, "id")) != json_integer_value(json_object_get(t, "bureau")))
				continue;
			if (strcmp(state, "courante") == 0)
				json_array_append_new(actions, json_pack("{s:I,s:s,s:b,s:b,s:b}", "bureau", json_integer_value(json_object_get(m, "id")),
									 "bureau_nom", json_string_value(json_object_get(m, "name")), "visa",
									 strcmp(json_string_value(json_object_get(st, "type")), "visa") == 0,
									 "signature", strcmp(json_string_value(json_object_get(st, "type")), "signature") == 0,
									 "cachet", strcmp(json_string_value(json_object_get(st, "type")), "cachet") == 0));
		}
	}
	json_t *ev;
	json_array_foreach(json_object_get(f, "historique"), i, ev) {
		char buf[32];
		json_object_set_new(ev, "quand", json_string(fmt_date(json_integer_value(json_object_get(ev, "date")), buf)));
	}
	/* External signature step: the form that sends the partner the link, and where it stands. */
	int rc2;
	db_stmt *xs = tdb_query(d, r->tenant_id, &e, &rc2, "SELECT COUNT(*) FROM folder_pending WHERE tenant_id = $1 AND folder_id = $2"
							   " AND kind = 'externe'", "i", id);
	json_object_set_new(f, "externe_attendu", json_boolean(xs && rc2 == DB_ROW && db_col_int64(xs, 0) > 0 && (r->roles & (ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_ADMIN))));
	if (xs)
		db_finalize(xs);
	json_t *xst = pa_external_status(d, r->tenant_id, id);
	if (xst)
		json_object_set_new(f, "externe", xst);
	json_object_set_new(f, "brouillon", json_boolean(strcmp(json_string_value(json_object_get(f, "statut")), "brouillon") == 0 &&
							(r->roles & WORKERS)));
	json_object_set_new(f, "actions", actions);
	json_object_set_new(f, "peut_agir", json_boolean(json_array_size(actions) > 0));
	pa_followup_view(d, r->tenant_id, r->user_id, id, f);
	json_array_foreach(json_object_get(f, "lectures"), i, ev) {
		char buf[32];
		json_object_set_new(ev, "quand", json_string(fmt_date(json_integer_value(json_object_get(ev, "le")), buf)));
	}
	/* another circuit after this one, for the emitter desk's owners */
	if (strcmp(json_string_value(json_object_get(f, "statut")), "termine") == 0 && (r->roles & WORKERS)) {
		int rc3;
		db_stmt *es = tdb_query(d, r->tenant_id, &e, &rc3, "SELECT 1 FROM folders f JOIN desk_owners o ON o.desk_id = f.emitter_desk"
								    " WHERE f.tenant_id = $1 AND f.id = $2 AND o.user_id = $3", "ii", id, r->user_id);
		int emitter = es && rc3 == DB_ROW;
		if (es)
			db_finalize(es);
		if (emitter) {
			json_t *subs = json_array();
			es = tdb_query(d, r->tenant_id, &e, &rc3, "SELECT st.id, t.name, st.name FROM folder_subtypes st JOIN folder_types t ON"
								  " t.id = st.type_id WHERE st.tenant_id = $1 ORDER BY t.name, st.name", "");
			for (; es && rc3 == DB_ROW; rc3 = db_step(es, &e))
				json_array_append_new(subs, json_pack("{s:I,s:s}", "id", (json_int_t)db_col_int64(es, 0), "nom",
								      arena_printf(r->a, "%s — %s", db_col_text(es, 1), db_col_text(es, 2))));
			if (es)
				db_finalize(es);
			json_object_set_new(f, "enchainer", json_pack("{s:o}", "sous_types", subs));
		}
	}
	{
		int rc4;
		db_stmt *ms = tdb_query(d, r->tenant_id, &e, &rc4, "SELECT f.archived_at, (SELECT COUNT(*) FROM desk_owners o WHERE o.tenant_id = $1 AND"
								    " o.desk_id = f.emitter_desk AND o.user_id = $3) FROM folders f WHERE f.tenant_id = $1 AND f.id = $2",
				       "ii", id, r->user_id);
		int manager = ms && rc4 == DB_ROW && (db_col_int64(ms, 1) > 0 || (r->roles & ROLE_ADMIN)) && (r->roles & WORKERS);
		int archived = ms && rc4 == DB_ROW && db_col_int64(ms, 0) > 0;
		if (ms)
			db_finalize(ms);
		const char *stt = json_string_value(json_object_get(f, "statut"));
		json_object_set_new(f, "archive", json_boolean(archived));
		json_object_set_new(f, "peut_archiver", json_boolean(manager && !archived && (!strcmp(stt, "termine") || !strcmp(stt, "rejete"))));
		json_object_set_new(f, "peut_supprimer", json_boolean(manager && (!strcmp(stt, "brouillon") || !strcmp(stt, "rejete"))));
	}
	json_t *links = pa_folder_links(d, r->tenant_id, id, r->roles);
	json_object_set_new(f, "a_liens", json_boolean(json_array_size(links) > 0));
	json_object_set_new(f, "liens", links);
	json_decref(mine);
	return page_render(r, 200, "parapheur_dossier", json_string_value(json_object_get(f, "titre")), json_pack("{s:o}", "f", f));
}
OPALE_ROUTE(pa_folder_page, "GET", "/parapheur/dossiers/:id", folder, READERS, SCOPE_TENANT, RF_TIER_PARAPHEUR);

db *pa_req_folder(struct req *r, int64_t *id)
{
	struct err e;
	*id = req_param_id(r, "id");
	db *d = *id > 0 ? db_thread(&e) : NULL;
	if (d && !pa_folder_exists(d, r->tenant_id, *id)) {
		res_fail(r, 404, "dossier.inconnu", "Dossier introuvable.");
		return NULL;
	}
	return d;
}

static int act(struct req *r)
{
	int64_t id;
	db *d = pa_req_folder(r, &id);
	if (!d)
		return -1;
	struct err e = { 0 };
	const char *action = req_form(r, "action");
	enum wf_action a = action && strcmp(action, "visa") == 0 ? ACT_VISA : action && strcmp(action, "rejet") == 0 ? ACT_REJECT
			   : action && strcmp(action, "signature") == 0 ? ACT_SIGN
			   : action && strcmp(action, "cachet") == 0 ? ACT_SEAL : action && strcmp(action, "remords") == 0 ? ACT_UNDO : 0;
	const char *desk = req_form(r, "bureau");
	int ok = a && db_begin_write(d, &e) == 0 &&
		 pa_folder_act(d, r->tenant_id, r->user_id, id, desk ? strtoll(desk, NULL, 10) : 0, a, 0, req_form(r, "annotation"),
			       req_form(r, "pin"), &e) == 0 &&
		 pa_private_note(d, r->tenant_id, r->user_id, id, req_form(r, "annotation_privee"), &e) == 0 &&
		 db_commit(d, &e) == 0;
	if (!ok) {
		db_rollback(d);
		res_flash(r, "erreur", a ? e.msg : "Action inconnue.");
	} else {
		audit_req(r, "parapheur.action", arena_printf(r->a, "%lld", (long long)id), action);
		res_flash(r, "ok", a == ACT_REJECT ? "Dossier rejeté." : a == ACT_UNDO ? "Action annulée." : "Action enregistrée.");
	}
	return res_redirect(r, arena_printf(r->a, "/parapheur/dossiers/%lld", (long long)id));
}
OPALE_ROUTE(pa_folder_act_page, "POST", "/parapheur/dossiers/:id/actions", act, WORKERS, SCOPE_TENANT, RF_TIER_PARAPHEUR);

/* « Enchaîner un circuit »: form field sous_type. */
static int chain(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e = { 0 };
	const char *st = req_form(r, "sous_type");
	int ok = db_begin_write(d, &e) == 0 && pa_folder_chain(d, r->tenant_id, r->user_id, id, st ? strtoll(st, NULL, 10) : 0, &e) == 0 &&
		 db_commit(d, &e) == 0;
	if (!ok) {
		db_rollback(d);
		if (e.status == 404 && strcmp(e.code, "dossier.inconnu") == 0)
			return res_fail_err(r, &e);
		res_flash(r, "erreur", e.msg);
	} else {
		audit_req(r, "parapheur.enchainement", arena_printf(r->a, "%lld", (long long)id), st ? st : "");
		res_flash(r, "ok", "Nouveau circuit démarré sur le dossier.");
	}
	return res_redirect(r, arena_printf(r->a, "/parapheur/dossiers/%lld", (long long)id));
}
static int manage_page(struct req *r, int del)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e = { 0 };
	int ok = db_begin_write(d, &e) == 0 &&
		 (del ? pa_folder_delete(d, r->tenant_id, r->user_id, id, r->roles, &e) : pa_folder_archive(d, r->tenant_id, r->user_id, id, r->roles, &e)) == 0 &&
		 db_commit(d, &e) == 0;
	if (!ok) {
		db_rollback(d);
		if (e.status == 404)
			return res_fail_err(r, &e);
		res_flash(r, "erreur", e.msg);
		return res_redirect(r, arena_printf(r->a, "/parapheur/dossiers/%lld", (long long)id));
	}
	audit_req(r, del ? "parapheur.suppression" : "parapheur.archivage", arena_printf(r->a, "%lld", (long long)id), "");
	res_flash(r, "ok", del ? "Dossier supprimé." : "Dossier archivé : il reste consultable dans la bannette « Archivés ».");
	return res_redirect(r, del ? "/parapheur" : arena_printf(r->a, "/parapheur/dossiers/%lld", (long long)id));
}

static int archive_page(struct req *r)
{
	return manage_page(r, 0);
}
OPALE_ROUTE(pa_folder_archive_page, "POST", "/parapheur/dossiers/:id/archiver", archive_page, WORKERS, SCOPE_TENANT, RF_TIER_PARAPHEUR);

static int delete_page(struct req *r)
{
	return manage_page(r, 1);
}
OPALE_ROUTE(pa_folder_delete_page, "POST", "/parapheur/dossiers/:id/supprimer", delete_page, WORKERS, SCOPE_TENANT, RF_TIER_PARAPHEUR);

OPALE_ROUTE(pa_folder_chain_page, "POST", "/parapheur/dossiers/:id/enchainer", chain, WORKERS, SCOPE_TENANT, RF_TIER_PARAPHEUR);
