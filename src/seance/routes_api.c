/* routes_api: the séances JSON API (tier iDélibre) — organes and members (CSV import/export),
 * séances, agenda points, documents, convocations with their states and proof, attendance and
 * quorum. Roles: secretaries (ADMIN, AGENT, SECRETAIRE) write; auditors read. */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
#include "db/tenant.h"
#include "http/action.h"
#include "http/http.h"
#include "identity/identity.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDL (RF_TIER_IDELIBRE)
#define SEC (ROLE_ADMIN | ROLE_AGENT | ROLE_SECRETAIRE)
#define READ (SEC | ROLE_AUDITOR)

/* ---- organes ---------------------------------------------------------------------------------- */

static int organes_list(struct req *r)
{
	db *d = req_db(r);
	struct err e;
	return d ? res_json(r, 200, json_pack("{s:o}", "organes", sd_organes(d, r->tenant_id, &e))) : -1;
}
OPALE_ROUTE(sd_organes_r, "GET", "/api/v1/organes", organes_list, READ, SCOPE_TENANT, IDL);

static int organe_create_fn(struct act *a)
{
	a->audit_object = sd_str(a->in, "nom");
	return sd_organe_save(a->d, a->tenant, 0, a->in, &a->made, &a->e);
}
OPALE_ACTION(organe_create, .flags = ACT_JSON | ACT_TX, .fn = organe_create_fn, .audit = "seance.organe", .status = 201, .answer = act_made)
OPALE_ROUTE(sd_organe_create_r, "POST", "/api/v1/organes", organe_create, SEC, SCOPE_TENANT, IDL);

static json_t *organe_answer(struct act *a)
{
	return sd_organe_json(a->d, a->tenant, a->id, &a->e);
}
OPALE_ACTION(organe_get, .id = "id", .answer = organe_answer)
OPALE_ROUTE(sd_organe_get_r, "GET", "/api/v1/organes/:id", organe_get, READ, SCOPE_TENANT, IDL);

int sd_act_known(struct act *a, const char *sql, int64_t id, const char *code, const char *msg)
{
	return sd_exists(a->d, a->tenant, sql, id) ? 0 : err_set(&a->e, 404, code, "%s", msg);
}

int sd_act_organe_known(struct act *a)
{
	return sd_act_known(a, "SELECT id FROM organes WHERE tenant_id = $1 AND id = $2", a->id, "organe.inconnu", "Assemblée introuvable.");
}

static int organe_put_fn(struct act *a)
{
	return sd_organe_save(a->d, a->tenant, a->id, a->in, NULL, &a->e);
}
OPALE_ACTION(organe_put, .id = "id", .flags = ACT_JSON | ACT_TX, .check = sd_act_organe_known, .fn = organe_put_fn, .answer = organe_answer)
OPALE_ROUTE(sd_organe_put_r, "PUT", "/api/v1/organes/:id", organe_put, SEC, SCOPE_TENANT, IDL);

static int membre_save_fn(struct act *a)
{
	return sd_membre_save(a->d, a->tenant, a->id, a->sub, a->in, a->sub ? NULL : &a->made, &a->e);
}
OPALE_ACTION(membre_create, .id = "id", .flags = ACT_JSON | ACT_TX, .fn = membre_save_fn, .status = 201, .answer = act_made)
OPALE_ROUTE(sd_membre_create_r, "POST", "/api/v1/organes/:id/membres", membre_create, SEC, SCOPE_TENANT, IDL);

static json_t *membre_answer(struct act *a)
{
	return sd_membre_json(a->d, a->tenant, a->sub, &a->e);
}
OPALE_ACTION(membre_put, .id = "id", .sub = "membre", .flags = ACT_JSON | ACT_TX, .fn = membre_save_fn, .answer = membre_answer)
OPALE_ROUTE(sd_membre_put_r, "PUT", "/api/v1/organes/:id/membres/:membre", membre_put, SEC, SCOPE_TENANT, IDL);

static int membres_csv_get(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	buf b = BUF_INIT;
	if (sd_membres_export(d, r->tenant_id, id, &b, &e) < 0) {
		buf_free(&b);
		return res_fail_err(r, &e);
	}
	res_header(r, "Content-Disposition", "attachment; filename=\"membres.csv\"");
	int rc = res_text(r, 200, "text/csv; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return rc;
}
OPALE_ROUTE(sd_membres_csv_get_r, "GET", "/api/v1/organes/:id/membres.csv", membres_csv_get, READ, SCOPE_TENANT, IDL);

static int membres_import_fn(struct act *a)
{
	int n = 0;
	int rc = sd_membres_import(a->d, a->tenant, a->id, a->r->body.data ? a->r->body.data : "", a->r->body.len, &n, &a->e);
	a->made = n;
	a->audit_detail = arena_printf(a->r->a, "%d", n);
	return rc;
}

static json_t *membres_import_answer(struct act *a)
{
	return json_pack("{s:i}", "membres", (int)a->made);
}
OPALE_ACTION(membres_csv_post, .id = "id", .flags = ACT_TX, .fn = membres_import_fn, .audit = "seance.membres.import", .answer = membres_import_answer)
OPALE_ROUTE(sd_membres_csv_post_r, "POST", "/api/v1/organes/:id/membres.csv", membres_csv_post, SEC, SCOPE_TENANT, IDL);

/* ---- séances ---------------------------------------------------------------------------------- */

static int seances_list(struct req *r)
{
	db *d = req_db(r);
	struct err e;
	return d ? res_json(r, 200, json_pack("{s:o}", "seances", sd_seances(d, r->tenant_id, &e))) : -1;
}
OPALE_ROUTE(sd_seances_r, "GET", "/api/v1/seances", seances_list, READ, SCOPE_TENANT, IDL);

/* JSON: the séance alone; multipart: the whole séance with its points and files (push.c). */
static int seance_create(struct req *r)
{
	const char *ct = req_header(r, "Content-Type");
	int multipart = ct && strncasecmp(ct, "multipart/form-data", 19) == 0;
	if (!multipart && (!ct || strncasecmp(ct, "application/json", 16) != 0))
		return res_fail(r, 415, "http.content_type", "Type de contenu attendu : application/json ou multipart/form-data.");
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	int64_t id;
	if (multipart) {
		if (sd_seance_push(r, d, &id, &e) < 0)
			return res_fail_err(r, &e);
		return res_json(r, 201, sd_seance_json(d, r->tenant_id, id, &e));
	}
	json_t *j = sd_push_plain_json(r, &e);
	if (!j)
		return res_fail_err(r, &e);
	int rc = SD_IN_TX(d, &e, sd_push_organe(d, r->tenant_id, j, &e) == 0 ? sd_seance_save(d, r->tenant_id, 0, j, &id, &e) : -1);
	if (rc == 0)
		audit_req(r, "seance.creation", arena_printf(r->a, "%lld", (long long)id), sd_str(j, "titre"));
	json_decref(j);
	return rc < 0 ? res_fail_err(r, &e) : res_json(r, 201, sd_seance_json(d, r->tenant_id, id, &e));
}
OPALE_ROUTE(sd_seance_create_r, "POST", "/api/v1/seances", seance_create, SEC, SCOPE_TENANT, IDL | RF_UPLOAD);

int sd_act_seance_known(struct act *a)
{
	return sd_seance_exists(a->d, a->tenant, a->id) ? 0 : err_set(&a->e, 404, "seance.inconnue", "Séance introuvable.");
}

json_t *sd_act_seance(struct act *a)
{
	return sd_seance_json(a->d, a->tenant, a->id, &a->e);
}
OPALE_ACTION(seance_get, .id = "id", .answer = sd_act_seance)
OPALE_ROUTE(sd_seance_get_r, "GET", "/api/v1/seances/:id", seance_get, READ, SCOPE_TENANT, IDL);

static int seance_put_fn(struct act *a)
{
	return sd_seance_save(a->d, a->tenant, a->id, a->in, NULL, &a->e);
}
OPALE_ACTION(seance_put, .id = "id", .flags = ACT_JSON | ACT_TX, .check = sd_act_seance_known, .fn = seance_put_fn, .answer = sd_act_seance)
OPALE_ROUTE(sd_seance_put_r, "PUT", "/api/v1/seances/:id", seance_put, SEC, SCOPE_TENANT, IDL);

static int point_create_fn(struct act *a)
{
	return sd_point_save(a->d, a->tenant, a->id, 0, a->in, &a->made, &a->e);
}
OPALE_ACTION(point_create, .id = "id", .flags = ACT_JSON | ACT_TX, .fn = point_create_fn, .status = 201, .answer = act_made)
OPALE_ROUTE(sd_point_create_r, "POST", "/api/v1/seances/:id/points", point_create, SEC, SCOPE_TENANT, IDL);

static int point_put_fn(struct act *a)
{
	int dir = (int)sd_int(a->in, "deplacer", 0);
	return dir ? sd_point_move(a->d, a->tenant, a->id, a->sub, dir, &a->e) : sd_point_save(a->d, a->tenant, a->id, a->sub, a->in, NULL, &a->e);
}
OPALE_ACTION(point_put, .id = "id", .sub = "point", .flags = ACT_JSON | ACT_TX, .fn = point_put_fn, .answer = sd_act_seance)
OPALE_ROUTE(sd_point_put_r, "PUT", "/api/v1/seances/:id/points/:point", point_put, SEC, SCOPE_TENANT, IDL);

static int point_delete_fn(struct act *a)
{
	return sd_point_delete(a->d, a->tenant, a->id, a->sub, &a->e);
}
OPALE_ACTION(point_delete, .id = "id", .sub = "point", .flags = ACT_TX, .fn = point_delete_fn)
OPALE_ROUTE(sd_point_delete_r, "DELETE", "/api/v1/seances/:id/points/:point", point_delete, SEC, SCOPE_TENANT, IDL);

/* Multipart: fields "type" (principal|annexe|convocation|note_synthese|autre), "point" (id, for
 * principal/annexe), files "document" (one or more). PDFs are checked before anything is recorded. */
int sd_upload_docs(struct req *r, db *d, int64_t seance, struct err *e)
{
	const char *type = req_form(r, "type"), *point = req_form(r, "point");
	if (!type || !*type)
		return err_set(e, 400, "document.type", "Indiquez le type du document.");
	int n = 0;
	for (int i = 0; i < r->nuploads; i++) {
		struct upload *u = &r->uploads[i];
		if (strcmp(u->field, "document") != 0 || !u->size)
			continue;
		char mime[128];
		if (sd_file_check(u, "document", 0, mime, e) < 0)
			return -1;
		n++;
	}
	if (!n)
		return err_set(e, 400, "document.absent", "Aucun fichier reçu (champ « document »).");
	if (db_begin_write(d, e) < 0)
		return -1;
	for (int i = 0; i < r->nuploads; i++) {
		struct upload *u = &r->uploads[i];
		if (strcmp(u->field, "document") != 0 || !u->size)
			continue;
		char mime[128] = "";
		store_mime(u->path, mime, sizeof mime);
		if (sd_file_store(d, r->tenant_id, seance, point ? strtoll(point, NULL, 10) : 0, type, u, mime, e) < 0) {
			db_rollback(d);
			return -1;
		}
	}
	if (db_commit(d, e) < 0) {
		db_rollback(d);
		return -1;
	}
	return n;
}

static int docs_upload_fn(struct act *a)
{
	int n = sd_upload_docs(a->r, a->d, a->id, &a->e);
	a->made = n;
	return n < 0 ? -1 : 0;
}

static json_t *docs_upload_answer(struct act *a)
{
	return json_pack("{s:i}", "documents", (int)a->made);
}
OPALE_ACTION(docs_upload, .id = "id", .check = sd_act_seance_known, .fn = docs_upload_fn, .status = 201, .answer = docs_upload_answer)
OPALE_ROUTE(sd_docs_upload_r, "POST", "/api/v1/seances/:id/documents", docs_upload, SEC, SCOPE_TENANT, IDL | RF_UPLOAD);

int sd_send_doc(struct req *r, db *d, int64_t tenant, int64_t seance, int64_t doc)
{
	struct err e;
	char sha[65], mime[128], name[256], path[1200];
	if (sd_doc_get(d, tenant, seance, doc, sha, mime, name, &e) < 0)
		return res_fail_err(r, &e);
	if (store_path(sha, path, sizeof path) < 0)
		return res_fail(r, 404, "document.inconnu", "Document introuvable.");
	return res_file(r, path, arena_strdup(r->a, mime), arena_strdup(r->a, name));
}

static int doc_get(struct req *r)
{
	int64_t id = req_param_id(r, "id"), doc = id > 0 ? req_param_id(r, "doc") : -1;
	db *d = doc > 0 ? req_db(r) : NULL;
	return d ? sd_send_doc(r, d, r->tenant_id, id, doc) : -1;
}
OPALE_ROUTE(sd_doc_get_r, "GET", "/api/v1/seances/:id/documents/:doc", doc_get, READ, SCOPE_TENANT, IDL);

static int doc_delete_fn(struct act *a)
{
	return sd_doc_delete(a->d, a->tenant, a->id, a->sub, &a->e);
}
OPALE_ACTION(doc_delete, .id = "id", .sub = "doc", .flags = ACT_TX, .fn = doc_delete_fn)
OPALE_ROUTE(sd_doc_delete_r, "DELETE", "/api/v1/seances/:id/documents/:doc", doc_delete, SEC, SCOPE_TENANT, IDL);

/* ---- convocations ----------------------------------------------------------------------------- */

int sd_act_send(struct act *a, int (*send)(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t now, int64_t *envoi, struct err *e))
{
	if (send(a->d, a->tenant, a->id, a->r->user_id, identity_now(), &a->made, &a->e) < 0)
		return -1;
	a->audit_detail = arena_printf(a->r->a, "envoi %lld", (long long)a->made);
	return 0;
}

json_t *sd_act_envoi(struct act *a)
{
	return json_pack("{s:I,s:o}", "envoi", (json_int_t)a->made, "convocations", sd_convocations(a->d, a->tenant, a->id, &a->e));
}

static int convoquer_fn(struct act *a)
{
	return sd_act_send(a, sd_convoquer);
}
OPALE_ACTION(convoquer, .id = "id", .fn = convoquer_fn, .audit = "seance.convocation", .status = 202, .answer = sd_act_envoi)
OPALE_ROUTE(sd_convoquer_r, "POST", "/api/v1/seances/:id/convocations", convoquer, SEC, SCOPE_TENANT, IDL);

static json_t *convocations_answer(struct act *a)
{
	return json_pack("{s:o,s:o,s:o}", "convocations", sd_convocations(a->d, a->tenant, a->id, &a->e), "envois",
			 sd_envois(a->d, a->tenant, a->id, &a->e), "evenements", sd_events(a->d, a->tenant, a->id, &a->e));
}
OPALE_ACTION(convocations_get, .id = "id", .check = sd_act_seance_known, .answer = convocations_answer)
OPALE_ROUTE(sd_convocations_r, "GET", "/api/v1/seances/:id/convocations", convocations_get, READ, SCOPE_TENANT, IDL);

static int renvoi_fn(struct act *a)
{
	a->audit_detail = arena_printf(a->r->a, "%lld", (long long)a->sub);
	return sd_renvoyer(a->d, a->tenant, a->id, a->sub, identity_now(), &a->e);
}
OPALE_ACTION(renvoi, .id = "id", .sub = "conv", .fn = renvoi_fn, .audit = "seance.convocation.renvoi", .status = 202)
OPALE_ROUTE(sd_renvoi_r, "POST", "/api/v1/seances/:id/convocations/:conv/renvoi", renvoi, SEC, SCOPE_TENANT, IDL);

/* The manifest of a sending, or its RFC 3161 token (verify: openssl ts -verify -data manifeste
 * -in horodatage.tst -token_in -CAfile tsa.pem). */
static int envoi_file(struct req *r)
{
	int64_t id = req_param_id(r, "id"), envoi = id > 0 ? req_param_id(r, "envoi") : -1;
	db *d = envoi > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	const char *what = req_param(r, "fichier");
	int tsr = what && !strcmp(what, "horodatage.tst");
	if (!what || (!tsr && strcmp(what, "manifeste.txt") != 0))
		return res_fail(r, 404, "envoi.fichier", "Fichier inconnu (manifeste.txt ou horodatage.tst).");
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc,
			       "SELECT manifest_sha256, tsa_sha256 FROM seance_envois WHERE tenant_id = $1 AND id = $2 AND seance_id = $3", "ii",
			       envoi, id);
	if (!s)
		return res_fail_err(r, &e);
	char sha[65] = "";
	if (rc == DB_ROW)
		snprintf(sha, sizeof sha, "%s", db_col_text(s, tsr ? 1 : 0));
	db_finalize(s);
	char path[1200];
	if (!*sha || store_path(sha, path, sizeof path) < 0)
		return res_fail(r, 404, "envoi.inconnu", tsr ? "Cet envoi n'a pas été horodaté." : "Envoi introuvable.");
	return res_file(r, path, tsr ? "application/octet-stream" : "text/plain; charset=utf-8", tsr ? "horodatage.tst" : "manifeste.txt");
}
OPALE_ROUTE(sd_envoi_file_r, "GET", "/api/v1/seances/:id/envois/:envoi/:fichier", envoi_file, READ, SCOPE_TENANT, IDL);

static int attestation(struct req *r)
{
	return sd_send_seance_pdf(r, sd_attestation_pdf, "attestation-envoi.pdf");
}
OPALE_ROUTE(sd_attestation_r, "GET", "/api/v1/seances/:id/attestation.pdf", attestation, READ, SCOPE_TENANT, IDL);

static int emargement_pdf(struct req *r)
{
	return sd_send_seance_pdf(r, sd_emargement_pdf, "feuille-emargement.pdf");
}
OPALE_ROUTE(sd_emargement_pdf_r, "GET", "/api/v1/seances/:id/emargement.pdf", emargement_pdf, READ, SCOPE_TENANT, IDL);

/* ---- attendance ------------------------------------------------------------------------------- */

static json_t *presences_answer(struct act *a)
{
	return sd_presences(a->d, a->tenant, a->id, &a->e);
}
OPALE_ACTION(presences_get, .id = "id", .answer = presences_answer)
OPALE_ROUTE(sd_presences_r, "GET", "/api/v1/seances/:id/presences", presences_get, READ, SCOPE_TENANT, IDL);

/* {statut, arrivee, depart} — the secretary's sheet; {reponse, mandataire, maladie} — an answer or
 * a written pouvoir received by the secretary. */
static int presence_put_fn(struct act *a)
{
	json_t *j = a->in;
	int64_t now = identity_now();
	if (json_object_get(j, "reponse"))
		return sd_reponse(a->d, a->tenant, a->id, a->sub, sd_str(j, "reponse"), sd_int(j, "mandataire", 0), sd_bool(j, "maladie"),
				  a->r->user_id, now, &a->e);
	return SD_IN_TX(a->d, &a->e, sd_emargement(a->d, a->tenant, a->id, a->sub, sd_str(j, "statut"), (int)sd_int(j, "arrivee", 0),
						(int)sd_int(j, "depart", 0), now, &a->e));
}
OPALE_ACTION(presence_put, .id = "id", .sub = "membre", .flags = ACT_JSON, .check = sd_act_seance_known, .fn = presence_put_fn,
	     .answer = presences_answer)
OPALE_ROUTE(sd_presence_put_r, "PUT", "/api/v1/seances/:id/presences/:membre", presence_put, SEC, SCOPE_TENANT, IDL);
