/* routes_api: Hélios over JSON under /api/v1/helios — PES files (import with the check's findings,
 * list, detail, downloads, « visuel », signature), acquittals and retours, settings. */
#include "helios/files.h"
#include "helios/routes.h"
#include "core/config.h"
#include "http/action.h"
#include "http/http.h"
#include "identity/identity.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TDT (RF_TIER_TELETRANSMISSION)
#define WRITERS HF_WRITERS
#define READERS HF_READERS

const struct upload *hf_req_file(struct req *r)
{
	const struct upload *u = req_upload(r, "fichier");
	return u ? u : req_upload(r, NULL);
}

const char *hf_req_name(struct req *r, const struct upload *u, const char *def)
{
	const char *q = req_query(r, "nom");
	if (q && *q)
		return q;
	return u->filename && *u->filename ? u->filename : def;
}

/* The check's findings as JSON (for a 422). */
json_t *hf_issues_json(const struct pes_report *rep)
{
	json_t *a = json_array();
	for (size_t i = 0; i < rep->n_issues; i++) {
		const struct pes_issue *is = &rep->issues[i];
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:I,s:s,s:s}", "gravite", is->severity == PES_ERROR ? "erreur" : "avertissement",
						   "code", is->code, "dgfip", is->dgfip ? is->dgfip : "", "ligne", (json_int_t)is->line,
						   "chemin", is->path ? is->path : "", "message", is->msg ? is->msg : ""));
	}
	return a;
}

static int import(struct req *r)
{
	const struct upload *u = hf_req_file(r);
	if (!u)
		return res_fail(r, 400, "helios.fichier", "Joignez le fichier PES (champ « fichier »).");
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	struct pes_report rep;
	memset(&rep, 0, sizeof rep);
	int64_t id;
	const char *name = hf_req_name(r, u, "pes.xml");
	if (hf_import(d, r->tenant_id, r->user_id, u->path, name, u->sha256, u->size, &rep, &id, &e) < 0) {
		if (strcmp(e.code, "pes.non_conforme") == 0 || strcmp(e.code, "helios.type") == 0) {
			json_t *j = json_pack("{s:{s:s,s:s,s:I,s:I,s:o}}", "error", "code", e.code, "message", e.msg, "erreurs",
					      (json_int_t)rep.errors, "avertissements", (json_int_t)rep.warnings, "constats",
					      hf_issues_json(&rep));
			pes_report_free(&rep);
			return res_json(r, e.status, j);
		}
		pes_report_free(&rep);
		if (e.status == 409 && id) {
			json_t *j = json_pack("{s:{s:s,s:s,s:I}}", "error", "code", e.code, "message", e.msg, "fichier", (json_int_t)id);
			return res_json(r, 409, j);
		}
		return res_fail_err(r, &e);
	}
	pes_report_free(&rep);
	audit_req(r, "helios.import", arena_printf(r->a, "%lld", (long long)id), name);
	json_t *j = hf_json(d, r->tenant_id, id, &e);
	return j ? res_json(r, 201, j) : res_fail_err(r, &e);
}
OPALE_ROUTE(hf_import_r, "POST", "/api/v1/helios/fichiers", import, WRITERS, SCOPE_TENANT, TDT | RF_UPLOAD);

static json_t *list_answer(struct act *a)
{
	const char *ex = req_query(a->r, "exercice"), *lim = req_query(a->r, "limite");
	return json_pack("{s:o}", "fichiers",
			 hf_list(a->d, a->tenant, req_query(a->r, "etat"), ex ? strtoll(ex, NULL, 10) : 0, lim ? atoi(lim) : 200, &a->e));
}
OPALE_ACTION(list, .answer = list_answer)
OPALE_ROUTE(hf_list_r, "GET", "/api/v1/helios/fichiers", list, READERS, SCOPE_TENANT, TDT);

static json_t *file_answer(struct act *a)
{
	return hf_json(a->d, a->tenant, a->id, &a->e);
}
OPALE_ACTION(detail, .id = "id", .answer = file_answer)
OPALE_ROUTE(hf_detail_r, "GET", "/api/v1/helios/fichiers/:id", detail, READERS, SCOPE_TENANT, TDT);

static int download(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	char sha[65], name[300], path[1200];
	const char *sg = req_query(r, "signe");
	if (hf_blob(d, r->tenant_id, id, sg && strcmp(sg, "1") == 0, sha, name, sizeof name, &e) < 0)
		return res_fail_err(r, &e);
	store_path(sha, path, sizeof path);
	return res_file(r, path, "application/xml", name);
}
OPALE_ROUTE(hf_download_r, "GET", "/api/v1/helios/fichiers/:id/pes", download, READERS, SCOPE_TENANT, TDT);

/* The « visuel PES »: ?format=pdf (default) or html (a standalone page). */
int hf_visuel(struct req *r, int64_t id, const char *format)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	char sha[65], name[300], path[1200];
	if (hf_blob(d, r->tenant_id, id, 0, sha, name, sizeof name, &e) < 0)
		return res_fail_err(r, &e);
	store_path(sha, path, sizeof path);
	struct pes_model m;
	if (pes_model_load(path, 2000, &m, &e) < 0)
		return res_fail_err(r, &e);
	int rc = 0;
	if (format && strcmp(format, "html") == 0) {
		buf b = BUF_INIT;
		pes_view_html_page(&b, &m, NULL);
		rc = res_text(r, 200, "text/html; charset=utf-8", b.data, b.len);
		buf_free(&b);
	} else {
		char *out = arena_printf(r->a, "%s/tmp/visuel-pes-%lld-%ld.pdf", cfg.data_dir, (long long)id, (long)gettid());
		if (pes_view_pdf(out, &m, NULL, &e) < 0) {
			unlink(out);
			rc = res_fail_err(r, &e);
		} else {
			size_t l = strlen(name);
			res_file(r, out, "application/pdf", arena_printf(r->a, "visuel-%.*s.pdf", (int)(l > 4 ? l - 4 : l), name));
			r->send_unlink = 1;
		}
	}
	pes_model_free(&m);
	return rc;
}

static int visuel(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	return id > 0 ? hf_visuel(r, id, req_query(r, "format")) : -1;
}
OPALE_ROUTE(hf_visuel_r, "GET", "/api/v1/helios/fichiers/:id/visuel", visuel, READERS, SCOPE_TENANT, TDT);

static int signature_input(struct act *a)
{
	if (!(a->r->tiers & RF_TIER_PARAPHEUR))
		return err_set(&a->e, 409, "helios.parapheur", "Le parapheur n'est pas souscrit : déposez le PES déjà signé.");
	return 0;
}

/* {sous_type, bureau}, both optional (the body may be empty). */
static int signature_fn(struct act *a)
{
	int64_t folder;
	if (hf_send_to_signature(a->d, a->tenant, a->r->user_id, a->id, json_integer_value(json_object_get(a->in, "sous_type")),
				 json_integer_value(json_object_get(a->in, "bureau")), &folder, &a->e) < 0)
		return -1;
	a->audit_detail = arena_printf(a->r->a, "dossier %lld", (long long)folder);
	return 0;
}
OPALE_ACTION(signature, .id = "id", .flags = ACT_JSON_OPT, .input = signature_input, .fn = signature_fn, .audit = "helios.signature",
	     .answer = file_answer)
OPALE_ROUTE(hf_signature_r, "POST", "/api/v1/helios/fichiers/:id/signature", signature, WRITERS, SCOPE_TENANT, TDT);

static int transmit_fn(struct act *a)
{
	return hf_transmit(a->d, a->tenant, a->r->user_id, a->id, &a->e);
}
OPALE_ACTION(transmit, .id = "id", .fn = transmit_fn, .audit = "helios.transmission", .status = 202, .answer = file_answer)
OPALE_ROUTE(hf_transmit_r, "POST", "/api/v1/helios/fichiers/:id/transmettre", transmit, WRITERS, SCOPE_TENANT, TDT);

/* The uploaded file (field « fichier », else the first), kept in a->ctx. */
static int file_input(struct act *a, const char *missing)
{
	if (!(a->ctx = (void *)hf_req_file(a->r)))
		return err_set(&a->e, 400, "helios.fichier", "%s", missing);
	return 0;
}

static int signed_input(struct act *a)
{
	return file_input(a, "Joignez le PES signé (champ « fichier »).");
}

static int signed_fn(struct act *a)
{
	const struct upload *u = a->ctx;
	a->audit_detail = u->sha256;
	return hf_signed_upload(a->d, a->tenant, a->r->user_id, a->id, u->path, u->sha256, u->size, &a->e);
}
OPALE_ACTION(signed_upload, .id = "id", .input = signed_input, .fn = signed_fn, .audit = "helios.depot_signe", .answer = file_answer)
OPALE_ROUTE(hf_signed_r, "POST", "/api/v1/helios/fichiers/:id/pes-signe", signed_upload, WRITERS, SCOPE_TENANT, TDT | RF_UPLOAD);

static int answer_input(struct act *a)
{
	return file_input(a, "Joignez le PES_Acquit ou le PES_Retour (champ « fichier »).");
}

/* a->id: the acquittal or retour recorded; a->made: the PES file it answers (0 when none). */
static int answer_fn(struct act *a)
{
	const struct upload *u = a->ctx;
	const char *name = hf_req_name(a->r, u, "retour.xml");
	if (hf_answer_import(a->d, a->tenant, a->r->user_id, u->path, name, u->sha256, u->size, "manuel", &a->id, &a->made, &a->e) < 0)
		return -1;
	a->audit_detail = name;
	return 0;
}

static json_t *answer_answer(struct act *a)
{
	json_t *out = json_pack("{s:I,s:I}", "id", (json_int_t)a->id, "fichier", (json_int_t)a->made);
	json_t *f = a->made ? hf_json(a->d, a->tenant, a->made, &a->e) : NULL;
	if (f) {
		json_object_set(out, "etat_fichier", json_object_get(f, "etat"));
		json_decref(f);
	}
	return out;
}
OPALE_ACTION(answer_upload, .input = answer_input, .fn = answer_fn, .audit = "helios.retour", .status = 201, .answer = answer_answer)
OPALE_ROUTE(hf_answer_r, "POST", "/api/v1/helios/retours", answer_upload, WRITERS, SCOPE_TENANT, TDT | RF_UPLOAD);

static json_t *retours_answer(struct act *a)
{
	return json_pack("{s:o}", "retours", hf_retours(a->d, a->tenant, 200, &a->e));
}
OPALE_ACTION(retours, .answer = retours_answer)
OPALE_ROUTE(hf_retours_r, "GET", "/api/v1/helios/retours", retours, READERS, SCOPE_TENANT, TDT);

static int answer_download(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	char sha[65], name[300], path[1200];
	if (hf_answer_blob(d, r->tenant_id, id, sha, name, sizeof name, &e) < 0)
		return res_fail_err(r, &e);
	store_path(sha, path, sizeof path);
	return res_file(r, path, "application/xml", name);
}
OPALE_ROUTE(hf_answer_get_r, "GET", "/api/v1/helios/retours/:id", answer_download, READERS, SCOPE_TENANT, TDT);

static json_t *settings_answer(struct act *a)
{
	struct hf_settings st;
	struct hf_tdt t;
	if (hf_settings_get(a->d, a->tenant, &st, &a->e) < 0 || hf_tdt_get(a->d, a->tenant, &t, &a->e) < 0)
		return NULL;
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "idpost", st.idpost, "codcol", st.codcol, "codbud", st.codbud, "tdt_url", t.url, "tdt_login",
			 t.login, "tdt_password_enregistre", t.has_password);
}
OPALE_ACTION(settings_get, .answer = settings_answer)
OPALE_ROUTE(hf_settings_get_r, "GET", "/api/v1/helios/parametres", settings_get, READERS, SCOPE_TENANT, TDT);

/* idpost, codcol, codbud within their sizes, kept in a->ctx. */
static int settings_check(struct act *a)
{
	struct hf_settings *st = arena_alloc(a->r->a, sizeof *st);
	memset(st, 0, sizeof *st);
	struct { const char *key; char *dst; size_t n; } f[] = {
		{ "idpost", st->idpost, sizeof st->idpost }, { "codcol", st->codcol, sizeof st->codcol }, { "codbud", st->codbud, sizeof st->codbud },
	};
	for (size_t i = 0; i < 3; i++) {
		const char *v = json_string_value(json_object_get(a->in, f[i].key));
		if (v && strlen(v) >= f[i].n)
			return err_set(&a->e, 400, "helios.parametre", "« %s » : %zu caractères au plus.", f[i].key, f[i].n - 1);
		snprintf(f[i].dst, f[i].n, "%s", v ? v : "");
	}
	a->ctx = st;
	return 0;
}

/* The settings, and the Hélios TdT account: only the fields given (tdt_password "" forgets it). */
static int settings_fn(struct act *a)
{
	const struct hf_settings *st = a->ctx;
	const char *url = json_string_value(json_object_get(a->in, "tdt_url")), *login = json_string_value(json_object_get(a->in, "tdt_login"));
	const char *password = json_string_value(json_object_get(a->in, "tdt_password"));
	int tdt = url || login || password;
	a->audit_object = st->idpost;
	a->audit_detail = arena_printf(a->r->a, "%s/%s%s", st->codcol, st->codbud, tdt ? ", compte TdT" : "");
	if (hf_settings_set(a->d, a->tenant, st, &a->e) < 0)
		return -1;
	return tdt ? hf_tdt_set(a->d, a->tenant, url, login, password, &a->e) : 0;
}
OPALE_ACTION(settings_put, .flags = ACT_JSON | ACT_TX, .check = settings_check, .fn = settings_fn, .audit = "helios.parametres",
	     .answer = settings_answer)
OPALE_ROUTE(hf_settings_put_r, "PUT", "/api/v1/helios/parametres", settings_put, ROLE_ADMIN, SCOPE_TENANT, TDT);
