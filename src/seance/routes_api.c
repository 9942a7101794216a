/* routes_api: the séances JSON API (tier iDélibre) — organes and members (CSV import/export),
 * séances, agenda points, documents, convocations with their states and proof, attendance and
 * quorum. Roles: secretaries (ADMIN, AGENT, SECRETAIRE) write; auditors read. */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
#include "core/config.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IDL (RF_TIER_IDELIBRE)
#define SEC (ROLE_ADMIN | ROLE_AGENT | ROLE_SECRETAIRE)
#define READ (SEC | ROLE_AUDITOR)

/* Runs fn inside a write transaction. */
#define IN_TX(d, e, call)                                                \
	(db_begin_write(d, e) == 0 && (call) == 0 && db_commit(d, e) == 0 ? 0 : (db_rollback(d), -1))

/* ---- organes ---------------------------------------------------------------------------------- */

static int organes_list(struct req *r)
{
	db *d = req_db(r);
	struct err e;
	return d ? res_json(r, 200, json_pack("{s:o}", "organes", sd_organes(d, r->tenant_id, &e))) : -1;
}
OPALE_ROUTE(sd_organes_r, "GET", "/api/v1/organes", organes_list, READ, SCOPE_TENANT, IDL);

static int organe_create(struct req *r)
{
	json_t *j = req_json(r);
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	int64_t id;
	if (IN_TX(d, &e, sd_organe_save(d, r->tenant_id, 0, j, &id, &e)) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "seance.organe", sd_str(j, "nom"), "");
	return res_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}
OPALE_ROUTE(sd_organe_create_r, "POST", "/api/v1/organes", organe_create, SEC, SCOPE_TENANT, IDL);

static int organe_get(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	json_t *o = sd_organe_json(d, r->tenant_id, id, &e);
	return o ? res_json(r, 200, o) : res_fail_err(r, &e);
}
OPALE_ROUTE(sd_organe_get_r, "GET", "/api/v1/organes/:id", organe_get, READ, SCOPE_TENANT, IDL);

static int organe_put(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	json_t *j = id > 0 ? req_json(r) : NULL;
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_exists(d, r->tenant_id, "SELECT id FROM organes WHERE tenant_id = $1 AND id = $2", id))
		return res_fail(r, 404, "organe.inconnu", "Assemblée introuvable.");
	if (IN_TX(d, &e, sd_organe_save(d, r->tenant_id, id, j, NULL, &e)) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 200, sd_organe_json(d, r->tenant_id, id, &e));
}
OPALE_ROUTE(sd_organe_put_r, "PUT", "/api/v1/organes/:id", organe_put, SEC, SCOPE_TENANT, IDL);

static int membre_create(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	json_t *j = id > 0 ? req_json(r) : NULL;
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	int64_t mid;
	if (IN_TX(d, &e, sd_membre_save(d, r->tenant_id, id, 0, j, &mid, &e)) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 201, json_pack("{s:I}", "id", (json_int_t)mid));
}
OPALE_ROUTE(sd_membre_create_r, "POST", "/api/v1/organes/:id/membres", membre_create, SEC, SCOPE_TENANT, IDL);

static int membre_put(struct req *r)
{
	int64_t id = req_param_id(r, "id"), mid = id > 0 ? req_param_id(r, "membre") : -1;
	json_t *j = mid > 0 ? req_json(r) : NULL;
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (IN_TX(d, &e, sd_membre_save(d, r->tenant_id, id, mid, j, NULL, &e)) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 200, sd_membre_json(d, r->tenant_id, mid, &e));
}
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

static int membres_csv_post(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	int n = 0;
	if (IN_TX(d, &e, sd_membres_import(d, r->tenant_id, id, r->body.data ? r->body.data : "", r->body.len, &n, &e)) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "seance.membres.import", arena_printf(r->a, "%lld", (long long)id), arena_printf(r->a, "%d", n));
	return res_json(r, 200, json_pack("{s:i}", "membres", n));
}
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
	int rc = IN_TX(d, &e, sd_push_organe(d, r->tenant_id, j, &e) == 0 ? sd_seance_save(d, r->tenant_id, 0, j, &id, &e) : -1);
	if (rc == 0)
		audit_req(r, "seance.creation", arena_printf(r->a, "%lld", (long long)id), sd_str(j, "titre"));
	json_decref(j);
	return rc < 0 ? res_fail_err(r, &e) : res_json(r, 201, sd_seance_json(d, r->tenant_id, id, &e));
}
OPALE_ROUTE(sd_seance_create_r, "POST", "/api/v1/seances", seance_create, SEC, SCOPE_TENANT, IDL | RF_UPLOAD);

static int seance_get(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	json_t *s = sd_seance_json(d, r->tenant_id, id, &e);
	return s ? res_json(r, 200, s) : res_fail_err(r, &e);
}
OPALE_ROUTE(sd_seance_get_r, "GET", "/api/v1/seances/:id", seance_get, READ, SCOPE_TENANT, IDL);

static int seance_put(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	json_t *j = id > 0 ? req_json(r) : NULL;
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_seance_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "seance.inconnue", "Séance introuvable.");
	if (IN_TX(d, &e, sd_seance_save(d, r->tenant_id, id, j, NULL, &e)) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 200, sd_seance_json(d, r->tenant_id, id, &e));
}
OPALE_ROUTE(sd_seance_put_r, "PUT", "/api/v1/seances/:id", seance_put, SEC, SCOPE_TENANT, IDL);

static int point_create(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	json_t *j = id > 0 ? req_json(r) : NULL;
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	int64_t pid;
	if (IN_TX(d, &e, sd_point_save(d, r->tenant_id, id, 0, j, &pid, &e)) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 201, json_pack("{s:I}", "id", (json_int_t)pid));
}
OPALE_ROUTE(sd_point_create_r, "POST", "/api/v1/seances/:id/points", point_create, SEC, SCOPE_TENANT, IDL);

static int point_put(struct req *r)
{
	int64_t id = req_param_id(r, "id"), pid = id > 0 ? req_param_id(r, "point") : -1;
	json_t *j = pid > 0 ? req_json(r) : NULL;
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	int dir = (int)sd_int(j, "deplacer", 0);
	if (IN_TX(d, &e, dir ? sd_point_move(d, r->tenant_id, id, pid, dir, &e) : sd_point_save(d, r->tenant_id, id, pid, j, NULL, &e)) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 200, sd_seance_json(d, r->tenant_id, id, &e));
}
OPALE_ROUTE(sd_point_put_r, "PUT", "/api/v1/seances/:id/points/:point", point_put, SEC, SCOPE_TENANT, IDL);

static int point_delete(struct req *r)
{
	int64_t id = req_param_id(r, "id"), pid = id > 0 ? req_param_id(r, "point") : -1;
	db *d = pid > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (IN_TX(d, &e, sd_point_delete(d, r->tenant_id, id, pid, &e)) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 200, json_pack("{s:b}", "ok", 1));
}
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

static int docs_upload(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_seance_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "seance.inconnue", "Séance introuvable.");
	int n = sd_upload_docs(r, d, id, &e);
	if (n < 0)
		return res_fail_err(r, &e);
	return res_json(r, 201, json_pack("{s:i}", "documents", n));
}
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

static int doc_delete(struct req *r)
{
	int64_t id = req_param_id(r, "id"), doc = id > 0 ? req_param_id(r, "doc") : -1;
	db *d = doc > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (IN_TX(d, &e, sd_doc_delete(d, r->tenant_id, id, doc, &e)) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 200, json_pack("{s:b}", "ok", 1));
}
OPALE_ROUTE(sd_doc_delete_r, "DELETE", "/api/v1/seances/:id/documents/:doc", doc_delete, SEC, SCOPE_TENANT, IDL);

/* ---- convocations ----------------------------------------------------------------------------- */

static int convoquer(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	int64_t envoi;
	if (sd_convoquer(d, r->tenant_id, id, r->user_id, identity_now(), &envoi, &e) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "seance.convocation", arena_printf(r->a, "%lld", (long long)id), arena_printf(r->a, "envoi %lld", (long long)envoi));
	return res_json(r, 202, json_pack("{s:I,s:o}", "envoi", (json_int_t)envoi, "convocations", sd_convocations(d, r->tenant_id, id, &e)));
}
OPALE_ROUTE(sd_convoquer_r, "POST", "/api/v1/seances/:id/convocations", convoquer, SEC, SCOPE_TENANT, IDL);

static int convocations_get(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_seance_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "seance.inconnue", "Séance introuvable.");
	return res_json(r, 200, json_pack("{s:o,s:o,s:o}", "convocations", sd_convocations(d, r->tenant_id, id, &e), "envois",
					  sd_envois(d, r->tenant_id, id, &e), "evenements", sd_events(d, r->tenant_id, id, &e)));
}
OPALE_ROUTE(sd_convocations_r, "GET", "/api/v1/seances/:id/convocations", convocations_get, READ, SCOPE_TENANT, IDL);

static int renvoi(struct req *r)
{
	int64_t id = req_param_id(r, "id"), c = id > 0 ? req_param_id(r, "conv") : -1;
	db *d = c > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (sd_renvoyer(d, r->tenant_id, id, c, identity_now(), &e) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "seance.convocation.renvoi", arena_printf(r->a, "%lld", (long long)id), arena_printf(r->a, "%lld", (long long)c));
	return res_json(r, 202, json_pack("{s:b}", "ok", 1));
}
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
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_seance_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "seance.inconnue", "Séance introuvable.");
	char path[1200];
	snprintf(path, sizeof path, "%s/tmp/attestation-%lld-XXXXXX", cfg.data_dir, (long long)id);
	int fd = mkstemp(path);
	if (fd < 0)
		return res_fail(r, 500, "fichier.temporaire", "Fichier temporaire impossible.");
	close(fd);
	if (sd_attestation_pdf(d, r->tenant_id, id, path, &e) < 0) {
		unlink(path);
		return res_fail_err(r, &e);
	}
	res_file(r, path, "application/pdf", "attestation-envoi.pdf");
	r->send_unlink = 1;
	return 0;
}
OPALE_ROUTE(sd_attestation_r, "GET", "/api/v1/seances/:id/attestation.pdf", attestation, READ, SCOPE_TENANT, IDL);

static int emargement_pdf(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_seance_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "seance.inconnue", "Séance introuvable.");
	char path[1200];
	snprintf(path, sizeof path, "%s/tmp/emargement-%lld-XXXXXX", cfg.data_dir, (long long)id);
	int fd = mkstemp(path);
	if (fd < 0)
		return res_fail(r, 500, "fichier.temporaire", "Fichier temporaire impossible.");
	close(fd);
	if (sd_emargement_pdf(d, r->tenant_id, id, path, &e) < 0) {
		unlink(path);
		return res_fail_err(r, &e);
	}
	res_file(r, path, "application/pdf", "feuille-emargement.pdf");
	r->send_unlink = 1;
	return 0;
}
OPALE_ROUTE(sd_emargement_pdf_r, "GET", "/api/v1/seances/:id/emargement.pdf", emargement_pdf, READ, SCOPE_TENANT, IDL);

/* ---- attendance ------------------------------------------------------------------------------- */

static int presences_get(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	json_t *p = sd_presences(d, r->tenant_id, id, &e);
	return p ? res_json(r, 200, p) : res_fail_err(r, &e);
}
OPALE_ROUTE(sd_presences_r, "GET", "/api/v1/seances/:id/presences", presences_get, READ, SCOPE_TENANT, IDL);

/* {statut, arrivee, depart} — the secretary's sheet; {reponse, mandataire, maladie} — an answer or
 * a written pouvoir received by the secretary. */
static int presence_put(struct req *r)
{
	int64_t id = req_param_id(r, "id"), m = id > 0 ? req_param_id(r, "membre") : -1;
	json_t *j = m > 0 ? req_json(r) : NULL;
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_seance_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "seance.inconnue", "Séance introuvable.");
	int64_t now = identity_now();
	if (json_object_get(j, "reponse")) {
		if (sd_reponse(d, r->tenant_id, id, m, sd_str(j, "reponse"), sd_int(j, "mandataire", 0), sd_bool(j, "maladie"), r->user_id, now, &e) < 0)
			return res_fail_err(r, &e);
	} else if (IN_TX(d, &e, sd_emargement(d, r->tenant_id, id, m, sd_str(j, "statut"), (int)sd_int(j, "arrivee", 0),
					      (int)sd_int(j, "depart", 0), now, &e)) < 0) {
		return res_fail_err(r, &e);
	}
	return res_json(r, 200, sd_presences(d, r->tenant_id, id, &e));
}
OPALE_ROUTE(sd_presence_put_r, "PUT", "/api/v1/seances/:id/presences/:membre", presence_put, SEC, SCOPE_TENANT, IDL);
