/* routes: the signature engine over HTTP — my certificate (PKCS#12 + PIN check), the collectivité's
 * seal (admin), two-phase signing for keys that never reach the server (data-to-sign / assemble),
 * verification of any signed file (JSON API and the French report page /verifier). */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "sign/settings.h"
#include "sign/keystore.h"
#include "sign/sign_priv.h"
#include "store/store.h"
#include "web/page.h"

#define SIGNERS (ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_ADMIN)
#define MAX_DOC (64u * 1024 * 1024)
#define MAX_TBS 64
#define SESSION_TTL 900   /* seconds between data-to-sign and assemble */

static int read_upload(struct req *r, const char *field, buf *b, int required)
{
	const struct upload *u = req_upload(r, field);
	if (!u) {
		if (required)
			return res_fail(r, 400, "sign.fichier", "Fichier « %s » attendu (envoi multipart).", field);
		return 1;
	}
	if (buf_read_file(b, u->path, MAX_DOC) < 0)
		return res_fail(r, 413, "sign.fichier", "Fichier « %s » illisible ou trop gros.", field);
	return 0;
}

static void wipe_str(const char *s)
{
	if (s)
		OPENSSL_cleanse((void *)s, strlen(s));
}

/* ---- my certificate, the seal ------------------------------------------------------------- */

static int cert_get(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	return res_json(r, 200, json_pack("{s:o}", "certificat", keystore_info(d, r->tenant_id, "personnel", r->user_id, &e)));
}
OPALE_ROUTE(sign_cert_get, "GET", "/api/v1/signature/certificat", cert_get, SIGNERS, SCOPE_TENANT, 0);

/* Stores a PKCS#12 upload ("p12") unlocked by the form field secret_field; wipes the secret. */
static int store_key(struct req *r, db *d, int seal, const char *secret_field, struct err *e)
{
	buf p12 = BUF_INIT;
	const char *secret = req_form(r, secret_field);
	int rc = read_upload(r, "p12", &p12, 1);
	if (rc != 0) {
		*e = r->err;
		wipe_str(secret);
		buf_free(&p12);
		return -1;
	}
	rc = seal ? keystore_put_seal(d, r->tenant_id, p12.data, p12.len, secret, e)
		  : keystore_put_user(d, r->tenant_id, r->user_id, p12.data, p12.len, secret, e);
	wipe_str(secret);
	OPENSSL_cleanse(p12.data, p12.len);
	buf_free(&p12);
	if (rc == 0)
		audit_req(r, seal ? "signature.cachet" : "signature.certificat", "", "");
	return rc;
}

static int cert_put(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	if (store_key(r, d, 0, "pin", &e) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 201, json_pack("{s:o}", "certificat", keystore_info(d, r->tenant_id, "personnel", r->user_id, &e)));
}
OPALE_ROUTE(sign_cert_put, "POST", "/api/v1/signature/certificat", cert_put, SIGNERS, SCOPE_TENANT, RF_UPLOAD);

static int cert_delete(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	if (keystore_delete(d, r->tenant_id, "personnel", r->user_id, &e) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 200, json_pack("{s:b}", "ok", 1));
}
OPALE_ROUTE(sign_cert_delete, "DELETE", "/api/v1/signature/certificat", cert_delete, SIGNERS, SCOPE_TENANT, 0);

static int seal_get(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	return res_json(r, 200, json_pack("{s:o}", "cachet", keystore_info(d, r->tenant_id, "cachet", 0, &e)));
}
OPALE_ROUTE(sign_seal_get, "GET", "/api/v1/signature/cachet", seal_get, ROLE_ADMIN, SCOPE_TENANT, 0);

static int seal_put(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	if (store_key(r, d, 1, "mot_de_passe", &e) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 201, json_pack("{s:o}", "cachet", keystore_info(d, r->tenant_id, "cachet", 0, &e)));
}
OPALE_ROUTE(sign_seal_put, "POST", "/api/v1/signature/cachet", seal_put, ROLE_ADMIN, SCOPE_TENANT, RF_UPLOAD);

/* ---- two-phase signing ---------------------------------------------------------------------- */

/* Options from the form (phase 1), kept as JSON in the session so that phase 2 lays out the same
 * bytes; o's strings point into j. */
static const char *const opt_fields[][2] = {
	{ "raison", "reason" }, { "lieu", "location" }, { "code_postal", "postal_code" }, { "role", "role" },
	{ "nom", "name" }, { "collectivite", "collectivite" }, { "en_l_absence_de", "absent_for" }, { "tag", "tag" },
	{ "politique", "policy_digest" }, { "type_mime", "mime_type" }, { "page", "page" }, { "x", "x" }, { "y", "y" },
	{ "pem", "pem" },
};

static void opts_from_json(json_t *j, struct sign_opts *o)
{
	memset(o, 0, sizeof *o);
#define S(k) json_string_value(json_object_get(j, k))
	o->reason = S("reason");
	o->location = S("location");
	o->postal_code = S("postal_code");
	o->role = S("role");
	o->name = S("name");
	o->collectivite = S("collectivite");
	o->absent_for = S("absent_for");
	o->tag = S("tag") && *S("tag") ? S("tag") : NULL;
	o->policy_digest = S("policy_digest");
	o->mime_type = S("mime_type");
	o->file_name = S("file_name");
	o->page = S("page") ? atoi(S("page")) : 0;
	o->x = S("x") ? atof(S("x")) : 36;
	o->y = S("y") ? atof(S("y")) : 36;
	o->pem = S("pem") && strcmp(S("pem"), "1") == 0;
#undef S
	o->visible = o->tag || o->page;
}

static int data_to_sign(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	const char *fmt = req_form(r, "format");
	int format = sign_format_parse(fmt ? fmt : "pades");
	if (format < 0)
		return res_fail(r, 400, "sign.format", "Format inconnu (pades, cades, xades ou pes).");
	buf doc = BUF_INIT, cert = BUF_INIT;
	json_t *oj = json_object(), *tbsj = NULL;
	struct sign_key *k = NULL;
	buf tbs[MAX_TBS];
	memset(tbs, 0, sizeof tbs);
	int n = 0, ret = -1;
	struct err e = { 0 };
	if (read_upload(r, "document", &doc, 1) != 0 || read_upload(r, "certificat", &cert, 1) != 0)
		goto out;
	for (size_t i = 0; i < sizeof opt_fields / sizeof opt_fields[0]; i++)
		if (req_form(r, opt_fields[i][0]))
			json_object_set_new(oj, opt_fields[i][1], json_string(req_form(r, opt_fields[i][0])));
	const struct upload *u = req_upload(r, "document");
	json_object_set_new(oj, "file_name", json_string(u->filename ? u->filename : "document"));
	struct sign_opts o;
	opts_from_json(oj, &o);
	if (sign_key_from_cert(cert.data, cert.len, &k, &e) < 0 ||
	    sign_data_to_sign(format, k, doc.data ? doc.data : "", doc.len, &o, tbs, MAX_TBS, &n, &e) < 0) {
		res_fail_err(r, &e);
		goto out;
	}
	char sha[65], raw[64], token[80];
	if (store_put_mem(doc.data ? doc.data : "", doc.len, sha, &e) < 0) {
		res_fail_err(r, &e);
		goto out;
	}
	identity_random_token(raw);
	snprintf(token, sizeof token, "sig_%.60s", raw);
	char *opts = json_dumps(oj, JSON_COMPACT);
	int64_t now = identity_now();
	int rc = tdb_run(d, r->tenant_id, &e, "DELETE FROM sign_sessions WHERE tenant_id = $1 AND created_at < $2", "i", now - SESSION_TTL);
	if (rc == 0)
		rc = tdb_run(d, r->tenant_id, &e, "INSERT INTO sign_sessions (tenant_id, token, user_id, format, doc_sha256, doc_name, cert,"
						  " options, signing_time, count, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
			     "titttttiii", token, r->user_id, sign_format_name(format), sha, u->filename ? u->filename : "document",
			     cert.data, opts, (int64_t)o.signing_time, (int64_t)n, now);
	free(opts);
	if (rc < 0) {
		res_fail_err(r, &e);
		goto out;
	}
	tbsj = json_array();
	for (int i = 0; i < n; i++) {
		buf b64 = BUF_INIT;
		sign_b64(&b64, tbs[i].data, tbs[i].len);
		json_array_append_new(tbsj, json_string(b64.data));
		buf_free(&b64);
	}
	char when[32];
	struct tm tm;
	time_t t = o.signing_time;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	ret = res_json(r, 200, json_pack("{s:s,s:s,s:I,s:s,s:s,s:s,s:o}", "session", token, "format", sign_format_name(format),
					 "date_signature", (json_int_t)o.signing_time, "date_signature_iso", when, "algorithme_empreinte",
					 "SHA-256", "nature",
					 format == SIGN_PADES || format == SIGN_CADES ? "attributs signés CMS (DER)" : "SignedInfo canonique (C14N exclusive)",
					 "donnees_a_signer", tbsj));
	tbsj = NULL;
out:
	for (int i = 0; i < MAX_TBS; i++)
		buf_free(&tbs[i]);
	json_decref(oj);
	json_decref(tbsj);
	sign_key_free(k);
	buf_free(&doc);
	buf_free(&cert);
	return ret;
}
OPALE_ROUTE(sign_dts, "POST", "/api/v1/signature/data-to-sign", data_to_sign, SIGNERS, SCOPE_TENANT, RF_UPLOAD);

static int read_blob(const char *sha, buf *b, struct err *e)
{
	char path[1200];
	if (store_path(sha, path, sizeof path) < 0 || buf_read_file(b, path, 0) < 0)
		return err_set(e, 404, "document.inconnu", "Document introuvable dans le magasin.");
	return 0;
}

static int assemble(struct req *r)
{
	json_t *j = req_json(r);
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	const char *token = json_string_value(json_object_get(j, "session"));
	json_t *sigs = json_object_get(j, "signatures");
	if (!token || !json_is_array(sigs) || json_array_size(sigs) > MAX_TBS)
		return res_fail(r, 400, "sign.remote", "« session » et « signatures » (tableau de valeurs en base64) sont requis.");
	struct err e = { 0 };
	int rc;
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT format, doc_sha256, doc_name, cert, options, signing_time, count, created_at"
							 " FROM sign_sessions WHERE tenant_id = $1 AND token = $2 AND user_id = $3", "ti", token,
			       r->user_id);
	if (!s)
		return res_fail_err(r, &e);
	if (rc != DB_ROW) {
		db_finalize(s);
		return res_fail(r, 404, "sign.session", "Session de signature inconnue ou expirée : recommencez la phase 1.");
	}
	int format = -1;
	for (int f = 0; f < 4; f++)
		if (strcmp(sign_format_name(f), db_col_text(s, 0)) == 0)
			format = f;
	char sha[65], name[256];
	snprintf(sha, sizeof sha, "%s", db_col_text(s, 1));
	snprintf(name, sizeof name, "%s", db_col_text(s, 2));
	buf cert = BUF_INIT;
	buf_puts(&cert, db_col_text(s, 3));
	json_t *oj = json_loads(db_col_text(s, 4), 0, NULL);
	time_t st = (time_t)db_col_int64(s, 5);
	int expected = (int)db_col_int64(s, 6);
	int64_t created = db_col_int64(s, 7);
	db_finalize(s);
	buf doc = BUF_INIT, out = BUF_INIT, vals[MAX_TBS];
	memset(vals, 0, sizeof vals);
	struct sign_key *k = NULL;
	int ret = -1, n = 0;
	if (identity_now() - created > SESSION_TTL) {
		res_fail(r, 410, "sign.session", "Session de signature expirée (%d minutes) : recommencez la phase 1.", SESSION_TTL / 60);
		goto out;
	}
	if ((int)json_array_size(sigs) != expected) {
		res_fail(r, 400, "sign.remote_count", "%zu valeur(s) de signature reçue(s), %d attendue(s).", json_array_size(sigs), expected);
		goto out;
	}
	size_t i;
	json_t *v;
	json_array_foreach(sigs, i, v) {
		const char *b = json_string_value(v);
		if (!b || sign_unb64(b, strlen(b), &vals[n]) < 0) {
			res_fail(r, 400, "sign.remote_value", "Valeur de signature n° %zu : base64 attendu.", i + 1);
			goto out;
		}
		n++;
	}
	struct sign_opts o;
	opts_from_json(oj, &o);
	o.signing_time = st;
	if (read_blob(sha, &doc, &e) < 0 || sign_key_from_cert(cert.data, cert.len, &k, &e) < 0 ||
	    sign_assemble(format, k, doc.data ? doc.data : "", doc.len, &o, vals, n, &out, &e) < 0) {
		res_fail_err(r, &e);
		goto out;
	}
	char osha[65];
	if (store_put_mem(out.data, out.len, osha, &e) < 0 ||
	    tdb_run(d, r->tenant_id, &e, "DELETE FROM sign_sessions WHERE tenant_id = $1 AND token = $2", "t", token) < 0) {
		res_fail_err(r, &e);
		goto out;
	}
	audit_req(r, "signature.distante", name, osha);
	res_header(r, "X-Opale-Empreinte", arena_printf(r->a, "%s", osha));
	const char *ct = format == SIGN_PADES ? "application/pdf" : format == SIGN_CADES ? (o.pem ? "application/x-pem-file" : "application/pkcs7-signature")
			 : "application/xml";
	ret = res_text(r, 200, ct, out.data, out.len);
out:
	for (int k2 = 0; k2 < MAX_TBS; k2++)
		buf_free(&vals[k2]);
	json_decref(oj);
	sign_key_free(k);
	buf_free(&cert);
	buf_free(&doc);
	buf_free(&out);
	return ret;
}
OPALE_ROUTE(sign_assemble_r, "POST", "/api/v1/signature/assemble", assemble, SIGNERS, SCOPE_TENANT, 0);

/* ---- verification ------------------------------------------------------------------------- */

/* Verifies the uploads "document" [+ "signature"]; html or JSON into out. 1/0 as sign_verify. */
static int verify_uploads(struct req *r, int html, buf *out, struct err *e)
{
	buf doc = BUF_INIT, sig = BUF_INIT;
	int rc = -1;
	if (read_upload(r, "document", &doc, 1) != 0) {
		*e = r->err;
		goto out;
	}
	int has_sig = read_upload(r, "signature", &sig, 0);
	if (has_sig < 0) {
		*e = r->err;
		goto out;
	}
	struct sign_verify_opts vo = { .trust = sign_trust_store() };
	if (has_sig == 0) {
		vo.detached = sig.data ? sig.data : "";
		vo.detached_len = sig.len;
	}
	rc = html ? sign_verify_html(doc.data ? doc.data : "", doc.len, &vo, out, e)
		  : sign_verify(doc.data ? doc.data : "", doc.len, &vo, out, e);
out:
	buf_free(&doc);
	buf_free(&sig);
	return rc;
}

static int verify_api(struct req *r)
{
	buf out = BUF_INIT;
	struct err e = { 0 };
	int rc = verify_uploads(r, 0, &out, &e);
	if (rc < 0) {
		buf_free(&out);
		return res_fail_err(r, &e);
	}
	int ret = res_text(r, 200, "application/json", out.data, out.len);
	buf_free(&out);
	return ret;
}
OPALE_ROUTE(sign_verify_r, "POST", "/api/v1/verify", verify_api, ROLE_ANY, SCOPE_USER, RF_UPLOAD);

static int verify_page(struct req *r)
{
	return page_render(r, 200, "verifier", "Vérifier une signature", json_object());
}
OPALE_ROUTE(sign_verify_page, "GET", "/verifier", verify_page, ROLE_ANY, SCOPE_USER, 0);

static int verify_post(struct req *r)
{
	buf out = BUF_INIT;
	struct err e = { 0 };
	int rc = verify_uploads(r, 1, &out, &e);
	const struct upload *u = req_upload(r, "document");
	json_t *data = json_pack("{s:s,s:b,s:b}", "fichier", u && u->filename ? u->filename : "", "resultat", 1, "valide", rc == 1);
	if (rc < 0)
		json_object_set_new(data, "erreur", json_string(e.msg[0] ? e.msg : "Fichier illisible."));
	else
		json_object_set_new(data, "rapport", json_string(out.data ? out.data : ""));
	buf_free(&out);
	return page_render(r, rc < 0 ? 400 : 200, "verifier", "Vérifier une signature", data);
}
OPALE_ROUTE(sign_verify_post, "POST", "/verifier", verify_post, ROLE_ANY, SCOPE_USER, RF_UPLOAD);

/* ---- page « Mon certificat » (and the seal, for admins) -------------------------------------- */

static int cert_page(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	json_t *data = json_pack("{s:o,s:b}", "certificat", keystore_info(d, r->tenant_id, "personnel", r->user_id, &e), "admin",
				 (r->roles & ROLE_ADMIN) != 0);
	if (r->roles & ROLE_ADMIN) {
		json_object_set_new(data, "cachet", keystore_info(d, r->tenant_id, "cachet", 0, &e));
		json_object_set_new(data, "horodatage", sign_tsa_info(d, r->tenant_id));
	}
	return page_render(r, 200, "mon_certificat", "Mon certificat", data);
}
OPALE_ROUTE(sign_cert_page, "GET", "/mon-certificat", cert_page, SIGNERS, SCOPE_TENANT, 0);

static int cert_page_post(struct req *r, int seal)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	if (store_key(r, d, seal, seal ? "mot_de_passe" : "pin", &e) < 0)
		res_flash(r, "erreur", e.msg);
	else
		res_flash(r, "ok", seal ? "Cachet serveur enregistré." : "Certificat enregistré : il servira à vos signatures, avec votre code PIN.");
	return res_redirect(r, "/mon-certificat");
}

static int cert_page_user(struct req *r)
{
	return cert_page_post(r, 0);
}
OPALE_ROUTE(sign_cert_page_post, "POST", "/mon-certificat", cert_page_user, SIGNERS, SCOPE_TENANT, RF_UPLOAD);

static int cert_page_seal(struct req *r)
{
	return cert_page_post(r, 1);
}
OPALE_ROUTE(sign_seal_page_post, "POST", "/mon-certificat/cachet", cert_page_seal, ROLE_ADMIN, SCOPE_TENANT, RF_UPLOAD);
