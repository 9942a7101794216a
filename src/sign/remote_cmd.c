/* remote_cmd: `opale sign-remote`, the reference client of the two-phase API — the private key stays
 * here (a PKCS#12 file, or a PKCS#11 token through OpenSSL's pkcs11 engine): phase 1 sends the
 * document and the certificate and receives the bytes to sign; the client signs them; phase 2 sends
 * the raw values back and receives the signed document (or detached signature). */
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/mem.h"
#include "sign/sign_priv.h"

static const char *const with_value[] = { "url", "token", "p12", "password-file", "pkcs11", "pin-file", "cert", "reason",
					  "location", "postal-code", "role", "tag", "page", "x", "y", "policy-digest", "name",
					  "collectivite", "mime-type", "module", NULL };

static size_t sink(char *p, size_t sz, size_t n, void *ud)
{
	buf_add(ud, p, sz * n);
	return sz * n;
}

/* One request; returns the HTTP status (0 on transport error); body into out. */
static long post(const char *url, const char *token, curl_mime *mime, const char *json, buf *out)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char auth[200];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	h = curl_slist_append(h, auth);
	if (json)
		h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	if (mime)
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	else
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	long status = 0;
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	else
		fprintf(stderr, "opale sign-remote : %s\n", curl_easy_strerror(rc));
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

static void part(curl_mime *m, const char *name, const char *value)
{
	if (!value)
		return;
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, name);
	curl_mime_data(p, value, CURL_ZERO_TERMINATED);
}

/* The key: PKCS#12, or a PKCS#11 object (URI) with its certificate from --cert. */
static int load_key(int argc, char **argv, struct sign_key **out)
{
	const char *uri = cli_opt(argc, argv, "pkcs11");
	if (!uri)
		return sign_cmd_key(argc, argv, out);
	const char *certf = cli_opt(argc, argv, "cert"), *pinf = cli_opt(argc, argv, "pin-file");
	if (!certf) {
		fprintf(stderr, "opale sign-remote : --pkcs11 demande --cert (certificat du jeton, PEM)\n");
		return -1;
	}
	buf cb = BUF_INIT;
	struct err e = { 0 };
	if (buf_read_file(&cb, certf, 1 << 20) < 0 || sign_key_from_cert(cb.data, cb.len, out, &e) < 0) {
		fprintf(stderr, "opale sign-remote : certificat illisible : %s\n", certf);
		buf_free(&cb);
		return -1;
	}
	buf_free(&cb);
	ENGINE_load_builtin_engines();
	ENGINE *en = ENGINE_by_id("pkcs11");
	const char *module = cli_opt(argc, argv, "module");   /* e.g. /usr/lib/softhsm/libsofthsm2.so */
	if (en && module)
		ENGINE_ctrl_cmd_string(en, "MODULE_PATH", module, 0);
	if (!en || !ENGINE_init(en)) {
		ERR_clear_error();
		fprintf(stderr, "opale sign-remote : moteur OpenSSL « pkcs11 » indisponible (paquet libengine-pkcs11-openssl)\n");
		if (en)
			ENGINE_free(en);
		return -1;
	}
	char pin[256] = "";
	if (pinf && sign_read_password_file(pinf, pin, sizeof pin, &e) < 0) {
		fprintf(stderr, "opale sign-remote : %s\n", e.msg);
		ENGINE_finish(en);
		ENGINE_free(en);
		return -1;
	}
	if (pin[0])
		ENGINE_ctrl_cmd_string(en, "PIN", pin, 0);
	EVP_PKEY *pk = ENGINE_load_private_key(en, uri, NULL, NULL);
	OPENSSL_cleanse(pin, sizeof pin);
	ENGINE_finish(en);
	ENGINE_free(en);
	if (!pk) {
		ERR_clear_error();
		fprintf(stderr, "opale sign-remote : clé introuvable sur le jeton (%s) ou code PIN incorrect\n", uri);
		return -1;
	}
	(*out)->pkey = pk;
	return 0;
}

static void cert_pem(const struct sign_key *k, buf *out)
{
	BIO *m = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(m, k->cert);
	for (int i = 0; i < sk_X509_num(k->chain); i++)
		PEM_write_bio_X509(m, sk_X509_value(k->chain, i));
	char *p;
	long n = BIO_get_mem_data(m, &p);
	buf_add(out, p, (size_t)n);
	BIO_free(m);
}

static void print_error(const char *phase, long status, const buf *body)
{
	json_t *j = json_loads(body->data ? body->data : "", 0, NULL);
	json_t *er = json_object_get(j, "erreur");
	const char *msg = json_string_value(json_object_get(er, "message"));
	if (!msg)
		msg = json_string_value(json_object_get(j, "message"));
	fprintf(stderr, "opale sign-remote : %s : HTTP %ld — %s\n", phase, status, msg ? msg : (body->data ? body->data : ""));
	json_decref(j);
}

/* opale sign-remote FORMAT --url URL --token T (--p12 F --password-file F | --pkcs11 URI --cert C
 * [--pin-file F]) [options] IN OUT */
static int cmd_sign_remote(int argc, char **argv)
{
	const char *pos[4];
	int n = cli_positionals(argc, argv, with_value, pos, 4);
	int format = n == 3 ? sign_format_parse(pos[0]) : -1;
	const char *url = cli_opt(argc, argv, "url"), *token = cli_opt(argc, argv, "token");
	if (format < 0 || !url || !token) {
		fprintf(stderr, "usage : opale sign-remote pades|cades|xades|pes --url URL --token opl_… (--p12 F --password-file F | "
				"--pkcs11 URI --cert CERT.pem [--pin-file F] [--module LIB.so]) [--tag T | --page N --x X --y Y] [--reason …] ENTRÉE SORTIE\n");
		return 2;
	}
	struct sign_key *k = NULL;
	if (load_key(argc, argv, &k) < 0)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = 1;
	buf cert = BUF_INIT, body = BUF_INIT, req = BUF_INIT;
	json_t *j = NULL, *vals = json_array();
	cert_pem(k, &cert);
	char u[1200];
	CURL *h = curl_easy_init();
	curl_mime *m = curl_mime_init(h);
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, "document");
	if (curl_mime_filedata(p, pos[1]) != CURLE_OK) {
		fprintf(stderr, "opale sign-remote : lecture impossible de %s\n", pos[1]);
		goto done;
	}
	p = curl_mime_addpart(m);
	curl_mime_name(p, "certificat");
	curl_mime_filename(p, "certificat.pem");
	curl_mime_data(p, cert.data, cert.len);
	part(m, "format", pos[0]);
	static const char *const map[][2] = { { "reason", "raison" }, { "location", "lieu" }, { "postal-code", "code_postal" },
					      { "role", "role" }, { "tag", "tag" }, { "page", "page" }, { "x", "x" }, { "y", "y" },
					      { "policy-digest", "politique" }, { "name", "nom" }, { "collectivite", "collectivite" },
					      { "mime-type", "type_mime" } };
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		part(m, map[i][1], cli_opt(argc, argv, map[i][0]));
	if (cli_flag(argc, argv, "pem"))
		part(m, "pem", "1");
	snprintf(u, sizeof u, "%s/api/v1/signature/data-to-sign", url);
	long st = post(u, token, m, NULL, &body);
	if (st != 200) {
		print_error("phase 1", st, &body);
		goto done;
	}
	j = json_loads(body.data, 0, NULL);
	json_t *tbs = json_object_get(j, "donnees_a_signer");
	const char *session = json_string_value(json_object_get(j, "session"));
	if (!session || !json_is_array(tbs)) {
		fprintf(stderr, "opale sign-remote : réponse de phase 1 inattendue\n");
		goto done;
	}
	size_t i;
	json_t *t;
	json_array_foreach(tbs, i, t) {
		buf raw = BUF_INIT, sig = BUF_INIT, b64 = BUF_INIT;
		struct err e = { 0 };
		const char *s = json_string_value(t);
		int ok = s && sign_unb64(s, strlen(s), &raw) == 0 && sign_raw_local(k, raw.data, raw.len, &sig, &e) == 0;
		if (ok) {
			sign_b64(&b64, sig.data, sig.len);
			json_array_append_new(vals, json_string(b64.data));
		}
		buf_free(&raw);
		buf_free(&sig);
		buf_free(&b64);
		if (!ok) {
			fprintf(stderr, "opale sign-remote : signature locale impossible : %s\n", e.msg[0] ? e.msg : "données illisibles");
			goto done;
		}
	}
	json_t *a = json_pack("{s:s,s:O}", "session", session, "signatures", vals);
	char *txt = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	buf_reset(&body);
	snprintf(u, sizeof u, "%s/api/v1/signature/assemble", url);
	st = post(u, token, NULL, txt, &body);
	free(txt);
	if (st != 200) {
		print_error("phase 2", st, &body);
		goto done;
	}
	if (buf_write_file_atomic(&body, pos[2]) < 0) {
		fprintf(stderr, "opale sign-remote : écriture impossible de %s\n", pos[2]);
		goto done;
	}
	fprintf(stderr, "%zu signature(s) produite(s) hors serveur ; %s écrit (%zu octets)\n", json_array_size(vals), pos[2], body.len);
	rc = 0;
done:
	curl_mime_free(m);
	curl_easy_cleanup(h);
	json_decref(j);
	json_decref(vals);
	buf_free(&cert);
	buf_free(&body);
	buf_free(&req);
	sign_key_free(k);
	return rc;
}

OPALE_COMMAND(sign_remote, "sign-remote", cmd_sign_remote,
	      "sign-remote pades|cades|xades|pes --url URL --token T (--p12 F --password-file F | --pkcs11 URI --cert C [--pin-file F]) IN OUT",
	      "signe par l'API en deux phases, la clé restant sur ce poste (PKCS#12 ou jeton PKCS#11)");
