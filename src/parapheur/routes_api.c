/* routes_api: the parapheur's JSON API under /api/v1/parapheur — desks, circuits, types, folders
 * (create with documents, start, act, bulk act, read, download), trays. */
#include "parapheur/parapheur.h"
#include "core/config.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PARA (RF_TIER_PARAPHEUR)
#define ADMINS (ROLE_ADMIN)
#define WORKERS (ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_ADMIN)
#define READERS (ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_ADMIN | ROLE_AUDITOR)

static int desk_create(struct req *r)
{
	json_t *j = req_json(r);
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	int64_t owners[32];
	int n = 0;
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(j, "titulaires"), i, o) if (n < 32) owners[n++] = json_integer_value(o);
	struct err e;
	int64_t id;
	if (db_begin_write(d, &e) < 0 ||
	    pa_desk_create(d, r->tenant_id, json_string_value(json_object_get(j, "nom")), json_integer_value(json_object_get(j, "parent")),
			   owners, n, &id, &e) < 0 || db_commit(d, &e) < 0) {
		db_rollback(d);
		return res_fail_err(r, &e);
	}
	audit_req(r, "parapheur.bureau", json_string_value(json_object_get(j, "nom")), "");
	return res_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}
OPALE_ROUTE(pa_desk_create_r, "POST", "/api/v1/parapheur/bureaux", desk_create, ADMINS, SCOPE_TENANT, PARA);

static int desks_list(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT id, name, parent_id FROM desks WHERE tenant_id = $1 ORDER BY name", "");
	while (s && rc == DB_ROW) {
		json_array_append_new(a, json_pack("{s:I,s:s,s:I}", "id", (json_int_t)db_col_int64(s, 0), "nom", db_col_text(s, 1), "parent",
						   (json_int_t)db_col_int64(s, 2)));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	return res_json(r, 200, json_pack("{s:o,s:o}", "bureaux", a, "mes_bureaux", pa_my_desks(d, r->tenant_id, r->user_id, &e)));
}
OPALE_ROUTE(pa_desks_list_r, "GET", "/api/v1/parapheur/bureaux", desks_list, READERS, SCOPE_TENANT, PARA);

static int delegation(struct req *r)
{
	int64_t desk = req_param_id(r, "id");
	json_t *j = desk > 0 ? req_json(r) : NULL;
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (pa_delegation_add(d, r->tenant_id, desk, json_integer_value(json_object_get(j, "vers")),
			      json_integer_value(json_object_get(j, "debut")), json_integer_value(json_object_get(j, "fin")),
			      json_integer_value(json_object_get(j, "type")), &e) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "parapheur.delegation", arena_printf(r->a, "%lld", (long long)desk), "");
	return res_json(r, 201, json_pack("{s:b}", "ok", 1));
}
OPALE_ROUTE(pa_delegation_r, "POST", "/api/v1/parapheur/bureaux/:id/delegations", delegation, ADMINS | ROLE_SIGNATAIRE, SCOPE_TENANT, PARA);

static int circuit_create(struct req *r)
{
	json_t *j = req_json(r);
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	int64_t id;
	if (pa_circuit_create(d, r->tenant_id, json_string_value(json_object_get(j, "nom")), json_object_get(j, "etapes"), &id, &e) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "parapheur.circuit", json_string_value(json_object_get(j, "nom")), "");
	return res_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}
OPALE_ROUTE(pa_circuit_r, "POST", "/api/v1/parapheur/circuits", circuit_create, ADMINS, SCOPE_TENANT, PARA);

static int type_create(struct req *r)
{
	json_t *j = req_json(r);
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	int64_t tid, sid;
	if (db_begin_write(d, &e) < 0 ||
	    pa_type_create(d, r->tenant_id, json_string_value(json_object_get(j, "nom")), json_string_value(json_object_get(j, "format")),
			   json_string_value(json_object_get(j, "protocole")), json_string_value(json_object_get(j, "ville")),
			   json_string_value(json_object_get(j, "code_postal")), &tid, &e) < 0 ||
	    pa_subtype_create(d, r->tenant_id, tid, json_string_value(json_object_get(j, "sous_type")) ? json_string_value(json_object_get(j, "sous_type"))
												       : json_string_value(json_object_get(j, "nom")),
			      json_integer_value(json_object_get(j, "circuit")), json_object_get(j, "regles"), &sid, &e) < 0 ||
	    (json_object_get(j, "tampon") &&
	     pa_type_stamp(d, r->tenant_id, tid, json_string_value(json_object_get(json_object_get(j, "tampon"), "repere")),
			   (long)json_integer_value(json_object_get(json_object_get(j, "tampon"), "page")),
			   (long)json_integer_value(json_object_get(json_object_get(j, "tampon"), "x")),
			   (long)json_integer_value(json_object_get(json_object_get(j, "tampon"), "y")), &e) < 0) ||
	    db_commit(d, &e) < 0) {
		db_rollback(d);
		return res_fail_err(r, &e);
	}
	return res_json(r, 201, json_pack("{s:I,s:I}", "type", (json_int_t)tid, "sous_type", (json_int_t)sid));
}
OPALE_ROUTE(pa_type_r, "POST", "/api/v1/parapheur/types", type_create, ADMINS, SCOPE_TENANT, PARA);

int pa_folder_from_uploads(struct req *r, db *d, const char *title, int64_t subtype, int64_t desk, json_t *meta, int64_t due, int64_t *id,
			   int *nmain, struct err *e)
{
	*nmain = 0;
	for (int i = 0; i < r->nuploads; i++) {
		struct upload *u = &r->uploads[i];
		if (strcmp(u->field, "principal") != 0 && strcmp(u->field, "annexe") != 0)
			continue;
		if (!u->size && !*u->filename)
			continue;  /* an empty file input of a browser form */
		char mime[128] = "";
		store_mime(u->path, mime, sizeof mime);
		if (strcmp(u->field, "principal") == 0) {
			(*nmain)++;
			if (strcmp(mime, "application/pdf") != 0 && strcmp(mime, "text/xml") != 0 && strcmp(mime, "application/xml") != 0)
				return err_set(e, 415, "document.format",
					       "« %s » n'est ni un PDF ni un XML : convertissez-le en PDF avant de l'envoyer (documents bureautiques refusés).",
					       u->filename);
			if (strcmp(mime, "application/pdf") == 0 && store_check_pdf(u->path, e) < 0) {
				char why[sizeof e->msg], code[sizeof e->code];
				snprintf(why, sizeof why, "%s", e->msg);
				snprintf(code, sizeof code, "%s", e->code);  /* err_set writes e->code: never pass it its own field */
				return err_set(e, 400, code, "« %s » : %s", u->filename, why);
			}
		}
	}
	if (db_begin_write(d, e) < 0 || pa_folder_create(d, r->tenant_id, r->user_id, title, subtype, desk, meta, due, id, e) < 0)
		goto fail;
	for (int i = 0; i < r->nuploads; i++) {
		struct upload *u = &r->uploads[i];
		if ((strcmp(u->field, "principal") != 0 && strcmp(u->field, "annexe") != 0) || (!u->size && !*u->filename))
			continue;
		char mime[128];
		if (store_put_file(u->path, u->sha256, mime, e) < 0 ||
		    pa_folder_add_doc(d, r->tenant_id, *id, u->field, u->filename, u->sha256, mime, (int64_t)u->size, e) < 0)
			goto fail;
	}
	if (db_commit(d, e) < 0)
		goto fail;
	audit_req(r, "parapheur.dossier.creation", arena_printf(r->a, "%lld", (long long)*id), "");
	return 0;
fail:
	db_rollback(d);
	return -1;
}

/* Creation: multipart with a "dossier" JSON field {titre, sous_type, bureau, metadonnees, echeance}
 * and files "principal" (one or more) and "annexe". PDFs are checked before anything is recorded. */
static int folder_create(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	json_t *j = req_form_json(r, "dossier");
	if (!j)
		return -1;
	struct err e = { 0 };
	int nmain = 0;
	int64_t id;
	int rc = pa_folder_from_uploads(r, d, json_string_value(json_object_get(j, "titre")), json_integer_value(json_object_get(j, "sous_type")),
					json_integer_value(json_object_get(j, "bureau")), json_object_get(j, "metadonnees"),
					json_integer_value(json_object_get(j, "echeance")), &id, &nmain, &e);
	json_decref(j);
	if (rc < 0)
		return res_fail_err(r, &e);
	return res_json(r, 201, json_pack("{s:I,s:i}", "id", (json_int_t)id, "documents_principaux", nmain));
}
OPALE_ROUTE(pa_folder_create_r, "POST", "/api/v1/parapheur/dossiers", folder_create, WORKERS, SCOPE_TENANT, PARA | RF_UPLOAD);

static int folder_start(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	int64_t var[WF_MAX_STEPS];
	int nv = 0;
	json_t *j = r->body.len ? req_json(r) : NULL;
	if (r->body.len && !j)
		return -1;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(j, "bureaux_variables"), i, v) if (nv < WF_MAX_STEPS) var[nv++] = json_integer_value(v);
	struct err e;
	if (db_begin_write(d, &e) < 0 || pa_folder_start(d, r->tenant_id, r->user_id, id, var, nv, &e) < 0 || db_commit(d, &e) < 0) {
		db_rollback(d);
		return res_fail_err(r, &e);
	}
	return res_json(r, 200, pa_folder_json(d, r->tenant_id, id, &e));
}
OPALE_ROUTE(pa_folder_start_r, "POST", "/api/v1/parapheur/dossiers/:id/demarrer", folder_start, WORKERS, SCOPE_TENANT, PARA);

static const struct { const char *name; enum wf_action a; } actions[] = {
	{ "visa", ACT_VISA }, { "signature", ACT_SIGN }, { "cachet", ACT_SEAL }, { "rejet", ACT_REJECT },
	{ "remords", ACT_UNDO }, { "transfert", ACT_TRANSFER }, { "demande_avis", ACT_ASK_OPINION }, { "avis", ACT_OPINION },
};

static int parse_action(const char *s, enum wf_action *a)
{
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (s && strcmp(s, actions[i].name) == 0) {
			*a = actions[i].a;
			return 0;
		}
	return -1;
}

static int act_one(db *d, struct req *r, int64_t id, json_t *j, struct err *e)
{
	if (!pa_folder_exists(d, r->tenant_id, id))
		return err_set(e, 404, "dossier.inconnu", "Dossier introuvable.");
	enum wf_action a;
	if (parse_action(json_string_value(json_object_get(j, "action")), &a) < 0)
		return err_set(e, 400, "wf.action", "Action inconnue (visa, signature, cachet, rejet, remords, transfert, demande_avis, avis).");
	if (db_begin_write(d, e) < 0)
		return -1;
	if (pa_folder_act(d, r->tenant_id, r->user_id, id, json_integer_value(json_object_get(j, "bureau")), a,
			  json_integer_value(json_object_get(j, "cible")), json_string_value(json_object_get(j, "annotation")),
			  json_string_value(json_object_get(j, "pin")), e) < 0 ||
	    pa_private_note(d, r->tenant_id, r->user_id, id, json_string_value(json_object_get(j, "annotation_privee")), e) < 0 ||
	    db_commit(d, e) < 0) {
		db_rollback(d);
		return -1;
	}
	return 0;
}

static int folder_act(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	json_t *j = id > 0 ? req_json(r) : NULL;
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (act_one(d, r, id, j, &e) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "parapheur.action", arena_printf(r->a, "%lld", (long long)id), json_string_value(json_object_get(j, "action")));
	return res_json(r, 200, pa_folder_json(d, r->tenant_id, id, &e));
}
OPALE_ROUTE(pa_folder_act_r, "POST", "/api/v1/parapheur/dossiers/:id/actions", folder_act, WORKERS, SCOPE_TENANT, PARA);

/* POST {sous_type}: another circuit on an ended folder (the emitter desk's owners). */
static int folder_chain(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	json_t *j = id > 0 ? req_json(r) : NULL;
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (db_begin_write(d, &e) < 0)
		return res_fail_err(r, &e);
	if (pa_folder_chain(d, r->tenant_id, r->user_id, id, json_integer_value(json_object_get(j, "sous_type")), &e) < 0 || db_commit(d, &e) < 0) {
		db_rollback(d);
		return res_fail_err(r, &e);
	}
	audit_req(r, "parapheur.enchainement", arena_printf(r->a, "%lld", (long long)id), "");
	return res_json(r, 200, pa_folder_json(d, r->tenant_id, id, &e));
}
static int manage_api(struct req *r, int del)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (db_begin_write(d, &e) < 0)
		return res_fail_err(r, &e);
	if ((del ? pa_folder_delete(d, r->tenant_id, r->user_id, id, r->roles, &e) : pa_folder_archive(d, r->tenant_id, r->user_id, id, r->roles, &e)) < 0 ||
	    db_commit(d, &e) < 0) {
		db_rollback(d);
		return res_fail_err(r, &e);
	}
	audit_req(r, del ? "parapheur.suppression" : "parapheur.archivage", arena_printf(r->a, "%lld", (long long)id), "");
	return del ? res_json(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "supprime", 1)) : res_json(r, 200, pa_folder_json(d, r->tenant_id, id, &e));
}

static int folder_archive(struct req *r)
{
	return manage_api(r, 0);
}
OPALE_ROUTE(pa_folder_archive_r, "POST", "/api/v1/parapheur/dossiers/:id/archiver", folder_archive, WORKERS, SCOPE_TENANT, PARA);

static int folder_delete(struct req *r)
{
	return manage_api(r, 1);
}
OPALE_ROUTE(pa_folder_delete_r, "DELETE", "/api/v1/parapheur/dossiers/:id", folder_delete, WORKERS, SCOPE_TENANT, PARA);

OPALE_ROUTE(pa_folder_chain_r, "POST", "/api/v1/parapheur/dossiers/:id/enchainer", folder_chain, WORKERS, SCOPE_TENANT, PARA);

/* Bulk: the same action on N folders, one transaction each; per-folder result. */
static int bulk(struct req *r)
{
	json_t *j = req_json(r);
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	json_t *ids = json_object_get(j, "dossiers"), *out = json_array();
	if (!json_is_array(ids) || json_array_size(ids) > 500)
		return res_fail(r, 400, "lot.dossiers", "« dossiers » : liste de 1 à 500 numéros attendue.");
	int ok = 0;
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		struct err e = { 0 };
		int rc = act_one(d, r, json_integer_value(v), j, &e);
		ok += rc == 0;
		json_array_append_new(out, rc == 0 ? json_pack("{s:I,s:b}", "id", json_integer_value(v), "ok", 1)
						   : json_pack("{s:I,s:b,s:{s:s,s:s}}", "id", json_integer_value(v), "ok", 0, "erreur", "code",
							       e.code, "message", e.msg));
	}
	audit_req(r, "parapheur.lot", json_string_value(json_object_get(j, "action")), arena_printf(r->a, "%d/%zu", ok, json_array_size(ids)));
	return res_json(r, 200, json_pack("{s:i,s:i,s:o}", "reussis", ok, "echoues", (int)json_array_size(ids) - ok, "resultats", out));
}
OPALE_ROUTE(pa_bulk_r, "POST", "/api/v1/parapheur/actions-groupees", bulk, WORKERS, SCOPE_TENANT, PARA);

static int folder_get(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	json_t *j = pa_folder_json(d, r->tenant_id, id, &e);
	if (j)
		pa_followup_view(d, r->tenant_id, r->user_id, id, j);
	return j ? res_json(r, 200, j) : res_fail_err(r, &e);
}
OPALE_ROUTE(pa_folder_get_r, "GET", "/api/v1/parapheur/dossiers/:id", folder_get, READERS, SCOPE_TENANT, PARA);

static int doc_get(struct req *r)
{
	return store_send_doc(r, "SELECT sha256, mime, name FROM folder_docs WHERE tenant_id = $1 AND folder_id = $2 AND id = $3");
}
OPALE_ROUTE(pa_doc_get_r, "GET", "/api/v1/parapheur/dossiers/:id/documents/:doc", doc_get, READERS, SCOPE_TENANT, PARA);

static int tray(struct req *r)
{
	int64_t desk = req_param_id(r, "id");
	db *d = desk > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	if (!pa_desk_exists(d, r->tenant_id, desk))
		return res_fail(r, 404, "bureau.inconnu", "Bureau introuvable.");
	struct err e;
	const char *q = req_query(r, "q"), *type = req_query(r, "type"), *from = req_query(r, "du"), *to = req_query(r, "au");
	struct pa_tray_filter f = { .text = q, .type = type ? strtoll(type, NULL, 10) : 0, .meta_key = req_query(r, "cle"),
				    .meta_value = req_query(r, "valeur"), .from = from ? strtoll(from, NULL, 10) : 0,
				    .to = to ? strtoll(to, NULL, 10) : 0 };
	json_t *a = pa_tray_search(d, r->tenant_id, desk, req_param(r, "bannette"), identity_now(), &f, &e);
	return a ? res_json(r, 200, json_pack("{s:o}", "dossiers", a)) : res_fail_err(r, &e);
}
OPALE_ROUTE(pa_tray_r, "GET", "/api/v1/parapheur/bureaux/:id/bannettes/:bannette", tray, READERS, SCOPE_TENANT, PARA);

/* Generated files are written under DATA/tmp and unlinked once opened for sending. */

static int bordereau(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	if (!pa_folder_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "dossier.inconnu", "Dossier introuvable.");
	char *path = arena_printf(r->a, "%s/tmp/bordereau-%lld-%ld.pdf", cfg.data_dir, (long long)id, (long)gettid());
	struct err e;
	if (pa_bordereau_pdf(d, r->tenant_id, id, path, &e) < 0) {
		unlink(path);
		return res_fail_err(r, &e);
	}
	res_file(r, path, "application/pdf", arena_printf(r->a, "bordereau-dossier-%lld.pdf", (long long)id));
	r->send_unlink = 1;
	return 0;
}
OPALE_ROUTE(pa_bordereau_r, "GET", "/api/v1/parapheur/dossiers/:id/bordereau", bordereau, READERS, SCOPE_TENANT, PARA);

static int export_zip(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	if (!pa_folder_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "dossier.inconnu", "Dossier introuvable.");
	char *path = arena_printf(r->a, "%s/tmp/export-%lld-%ld.zip", cfg.data_dir, (long long)id, (long)gettid());
	struct err e;
	if (pa_export_zip(d, r->tenant_id, id, path, &e) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "parapheur.export", arena_printf(r->a, "%lld", (long long)id), "");
	res_file(r, path, "application/zip", arena_printf(r->a, "dossier-%lld.zip", (long long)id));
	r->send_unlink = 1;
	return 0;
}
OPALE_ROUTE(pa_export_r, "GET", "/api/v1/parapheur/dossiers/:id/export", export_zip, READERS, SCOPE_TENANT, PARA);
