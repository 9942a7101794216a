/* routes_new: creating a folder from the browser — title, sub-type, emitting desk (one of mine), due
 * date, up to five metadata, the main document (PDF or PES XML) and annexes, an optional variable
 * desk — then starting its circuit at once (or keeping it as a draft, started later from its page). */
#include "parapheur/parapheur.h"
#include "core/dates.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

#define WORKERS (ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_ADMIN)
#define NMETA 5

static int new_page(struct req *r)
{
	struct err e;
	db *d = req_db_page(r);
	if (!d)
		return -1;
	json_t *mine = pa_my_desks(d, r->tenant_id, r->user_id, &e), *subs = json_array(), *desks = json_array(), *meta = json_array();
	int rc;
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT s.id, t.name || ' — ' || s.name FROM folder_subtypes s JOIN folder_types t"
							 " ON t.id = s.type_id WHERE s.tenant_id = $1 ORDER BY t.name, s.name", "");
	while (s && rc == DB_ROW) {
		json_array_append_new(subs, json_pack("{s:I,s:s}", "id", (json_int_t)db_col_int64(s, 0), "name", db_col_text(s, 1)));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT id, name FROM desks WHERE tenant_id = $1 ORDER BY name", "");
	while (s && rc == DB_ROW) {
		json_array_append_new(desks, json_pack("{s:I,s:s}", "id", (json_int_t)db_col_int64(s, 0), "name", db_col_text(s, 1)));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	for (int i = 1; i <= NMETA; i++)
		json_array_append_new(meta, json_pack("{s:i}", "n", i));
	return page_render(r, 200, "parapheur_nouveau", "Nouveau dossier",
			   json_pack("{s:o,s:o,s:o,s:o,s:b}", "mine", mine, "subtypes", subs, "desks", desks, "meta", meta, "has_desk",
				     json_array_size(mine) > 0));
}
OPALE_ROUTE(pa_new_page, "GET", "/parapheur/nouveau-dossier", new_page, WORKERS, SCOPE_TENANT, RF_TIER_PARAPHEUR);

static int64_t form_int(struct req *r, const char *k)
{
	const char *v = req_form(r, k);
	return v && *v ? strtoll(v, NULL, 10) : 0;
}

static int start(struct req *r, db *d, int64_t id, struct err *e)
{
	int64_t var = form_int(r, "bureau_variable");
	if (db_begin_write(d, e) < 0 || pa_folder_start(d, r->tenant_id, r->user_id, id, &var, var ? 1 : 0, e) < 0 || db_commit(d, e) < 0) {
		db_rollback(d);
		return -1;
	}
	return 0;
}

static int create(struct req *r)
{
	struct err e = { 0 };
	db *d = req_db_page(r);
	if (!d)
		return -1;
	json_t *meta = json_object();
	for (int i = 1; i <= NMETA; i++) {
		const char *k = req_form(r, arena_printf(r->a, "meta_cle%d", i)), *v = req_form(r, arena_printf(r->a, "meta_valeur%d", i));
		if (k && *k)
			json_object_set_new(meta, k, json_string(v ? v : ""));
	}
	int64_t due = 0;
	const char *ds = req_form(r, "echeance");
	struct date dt;
	if (ds && *ds && date_parse(ds, &dt, NULL) == 0)
		paris_day_start_utc(date_add_days(dt, 1), &due, NULL);  /* due at the end of that day */
	int64_t id = 0;
	int nmain = 0;
	int rc = pa_folder_from_uploads(r, d, req_form(r, "titre"), form_int(r, "sous_type"), form_int(r, "bureau"), meta, due, &id, &nmain, &e);
	json_decref(meta);
	if (rc < 0 || !nmain) {
		if (rc == 0) {
			/* Created without a main document: keep it as a draft and say so. */
			res_flash(r, "erreur", "Dossier enregistré en brouillon : ajoutez le document principal avant de démarrer.");
			return res_redirect(r, arena_printf(r->a, "/parapheur/dossiers/%lld", (long long)id));
		}
		res_flash(r, "erreur", e.msg);
		return res_redirect(r, "/parapheur/nouveau-dossier");
	}
	const char *go = req_form(r, "demarrer");
	if (go && strcmp(go, "oui") == 0) {
		if (start(r, d, id, &e) < 0)
			res_flash(r, "erreur", arena_printf(r->a, "Dossier créé, mais le circuit n'a pas démarré : %s", e.msg));
		else
			res_flash(r, "ok", "Dossier créé et parti dans son circuit.");
	} else {
		res_flash(r, "ok", "Dossier créé en brouillon.");
	}
	return res_redirect(r, arena_printf(r->a, "/parapheur/dossiers/%lld", (long long)id));
}
OPALE_ROUTE(pa_new_create, "POST", "/parapheur/dossiers", create, WORKERS, SCOPE_TENANT, RF_TIER_PARAPHEUR | RF_UPLOAD);

static int start_page(struct req *r)
{
	int64_t id;
	db *d = pa_req_folder(r, &id);
	if (!d)
		return -1;
	struct err e = { 0 };
	if (start(r, d, id, &e) < 0)
		res_flash(r, "erreur", e.msg);
	else
		res_flash(r, "ok", "Le dossier est parti dans son circuit.");
	return res_redirect(r, arena_printf(r->a, "/parapheur/dossiers/%lld", (long long)id));
}
OPALE_ROUTE(pa_start_page, "POST", "/parapheur/dossiers/:id/demarrer", start_page, WORKERS, SCOPE_TENANT, RF_TIER_PARAPHEUR);
