/* settings: the collectivité's télétransmission settings, edited by its administrator — TdT address,
 * account (login; the password sealed with the server key), client certificate and key (PEM files
 * under DATA/secrets, readable by the server only), arrondissement and nature codes of the ACTES
 * identifiers — and « Tester la connexion ». Empty fields fall back to the server's tdt_* settings. */
#include "actes/registre.h"
#include "core/config.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "sign/keystore.h"
#include "web/page.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TT (RF_TIER_TELETRANSMISSION)
#define SEALED "sealed:"

static void ad_of(int64_t tenant, char ad[48])
{
	snprintf(ad, 48, "tdt-password:%lld", (long long)tenant);
}

int actes_tdt_password_open(int64_t tenant, const char *stored, char *out, size_t n, struct err *e)
{
	if (strncmp(stored, SEALED, strlen(SEALED)) != 0) {
		snprintf(out, n, "%s", stored);
		return 0;
	}
	char ad[48];
	ad_of(tenant, ad);
	buf plain = BUF_INIT;
	if (keystore_open(stored + strlen(SEALED), ad, &plain, e) < 0) {
		buf_free(&plain);
		return -1;
	}
	snprintf(out, n, "%.*s", (int)plain.len, plain.data ? plain.data : "");
	explicit_bzero(plain.data, plain.len);
	buf_free(&plain);
	return 0;
}

int actes_tdt_password_seal(int64_t tenant, const char *plain, buf *stored, struct err *e)
{
	if (!*plain)
		return 0;
	char ad[48];
	ad_of(tenant, ad);
	buf sealed = BUF_INIT;
	int rc = keystore_seal(plain, strlen(plain), ad, &sealed, e);
	if (rc == 0)
		buf_printf(stored, "%s%s", SEALED, sealed.data);
	buf_free(&sealed);
	return rc;
}

/* Writes a PEM file under DATA/secrets (0600) and gives its path. */
static int write_secret(int64_t tenant, const char *what, const char *pem, size_t len, char *path, size_t n, struct err *e)
{
	char dir[1100];
	snprintf(dir, sizeof dir, "%s/secrets", cfg.data_dir);
	mkdir(dir, 0700);
	snprintf(path, n, "%s/tdt-%lld-%s.pem", dir, (long long)tenant, what);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, pem, len) != (ssize_t)len || fsync(fd) < 0) {
		if (fd >= 0)
			close(fd);
		return err_set(e, 500, "actes.parametres", "Écriture du fichier %s impossible.", what);
	}
	close(fd);
	return 0;
}

static int pem_has(const char *pem, size_t len, const char *label)
{
	return len > 40 && memmem(pem, len, label, strlen(label)) != NULL;
}

/* Applies the given fields (NULL = unchanged; password "" = forget it). */
static int save(db *d, int64_t tenant, const char *url, const char *login, const char *password, const char *arr, const char *nature,
		const struct upload *cert, const struct upload *key, struct err *e)
{
	if (url && *url && (strlen(url) > 500 || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)))
		return err_set(e, 400, "actes.tdt_url", "Adresse du tiers de télétransmission : une URL https:// (http:// pour un essai local).");
	if (login && strlen(login) > 120)
		return err_set(e, 400, "actes.tdt_login", "Identifiant trop long (120 caractères au plus).");
	if (password && strlen(password) > 120)
		return err_set(e, 400, "actes.tdt_password", "Mot de passe trop long (120 caractères au plus).");
	buf cp = BUF_INIT, kp = BUF_INIT;
	int rc = 0;
	if (cert && cert->size && (buf_read_file(&cp, cert->path, 64 * 1024) < 0 || !pem_has(cp.data, cp.len, "-----BEGIN CERTIFICATE-----")))
		rc = err_set(e, 400, "actes.tdt_cert", "Certificat client : un fichier PEM (« -----BEGIN CERTIFICATE----- ») de 64 Ko au plus.");
	if (rc == 0 && key && key->size && (buf_read_file(&kp, key->path, 64 * 1024) < 0 || !pem_has(kp.data, kp.len, "PRIVATE KEY-----")))
		rc = err_set(e, 400, "actes.tdt_key", "Clé du certificat client : un fichier PEM (« PRIVATE KEY ») de 64 Ko au plus.");
	if (rc == 0 && (cp.len != 0) != (kp.len != 0))
		rc = err_set(e, 400, "actes.tdt_cert", "Déposez le certificat client et sa clé ensemble.");
	if (rc == 0)
		rc = actes_db_settings(d, tenant, arr && *arr ? arr : NULL, nature, url, e);
	if (rc == 0 && login)
		rc = tdb_run(d, tenant, e, "UPDATE actes_settings SET tdt_login = $2 WHERE tenant_id = $1", "t", login);
	if (rc == 0 && password) {
		buf stored = BUF_INIT;
		rc = actes_tdt_password_seal(tenant, password, &stored, e) < 0 ||
		     tdb_run(d, tenant, e, "UPDATE actes_settings SET tdt_password = $2 WHERE tenant_id = $1", "t", stored.data ? stored.data : "") < 0
			     ? -1 : 0;
		buf_free(&stored);
	}
	if (rc == 0 && cp.len) {
		char cpath[1200], kpath[1200];
		rc = write_secret(tenant, "cert", cp.data, cp.len, cpath, sizeof cpath, e) < 0 ||
		     write_secret(tenant, "key", kp.data, kp.len, kpath, sizeof kpath, e) < 0 ||
		     tdb_run(d, tenant, e, "UPDATE actes_settings SET tdt_cert = $2, tdt_key = $3 WHERE tenant_id = $1", "tt", cpath, kpath) < 0 ? -1 : 0;
	}
	if (kp.data)
		explicit_bzero(kp.data, kp.len);
	buf_free(&cp);
	buf_free(&kp);
	return rc;
}

/* What the page and the API show (never the password nor the key). */
static json_t *view(db *d, int64_t tenant, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT arrondissement, nature_collectivite, tdt_url, tdt_login, tdt_password, tdt_cert"
						  " FROM actes_settings WHERE tenant_id = $1", "");
	if (!s)
		return NULL;
	json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:s}", "arrondissement", rc == DB_ROW ? db_col_text(s, 0) : "0", "nature_collectivite",
			      rc == DB_ROW ? db_col_text(s, 1) : "", "tdt_url", rc == DB_ROW ? db_col_text(s, 2) : "", "tdt_login",
			      rc == DB_ROW ? db_col_text(s, 3) : "", "mot_de_passe_enregistre", rc == DB_ROW && *db_col_text(s, 4),
			      "certificat_enregistre", rc == DB_ROW && *db_col_text(s, 5), "serveur_tdt_url", cfg.tdt_url);
	db_finalize(s);
	return j;
}

/* « Tester la connexion »: S2LOW's /api/test-connexion.php with the settings in force. */
static int test_connection(db *d, int64_t tenant, char *msg, size_t n, struct err *e)
{
	struct actes_cl cl;
	struct tdt_conf conf;
	if (actes_db_cl(d, tenant, &cl, &conf, e) < 0)
		return -1;
	struct tdt_resp r = { 0 };
	int rc = tdt_get(&conf, "/api/test-connexion.php", &r, e);
	if (rc == 0 && (r.status != 200 || r.body.len < 2 || strncmp(r.body.data, "OK", 2) != 0))
		rc = err_set(e, 502, "tdt.test", "Le tiers de télétransmission (%s) répond, mais pas « OK » (HTTP %ld) : vérifiez l'adresse et le "
						  "compte.", conf.url, r.status);
	if (rc == 0)
		snprintf(msg, n, "Connexion réussie au tiers de télétransmission %s.", conf.url);
	tdt_resp_free(&r);
	explicit_bzero(conf.password, sizeof conf.password);
	return rc;
}

/* ---- API ---- */

static int api_get(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	json_t *j = view(d, r->tenant_id, &e);
	return j ? res_json(r, 200, j) : res_fail_err(r, &e);
}
OPALE_ROUTE(actes_settings_get_r, "GET", "/api/v1/actes/parametres", api_get, ROLE_ADMIN, SCOPE_TENANT, TT);

static const char *jstr(json_t *j, const char *k)
{
	return json_string_value(json_object_get(j, k));
}

/* PUT {tdt_url?, tdt_login?, tdt_password? ("" forgets it), arrondissement?, nature_collectivite?} */
static int api_put(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	json_t *j = req_json(r);
	if (!j)
		return -1;
	struct err e = { 0 };
	int rc = db_begin_write(d, &e);
	if (rc == 0)
		rc = save(d, r->tenant_id, jstr(j, "tdt_url"), jstr(j, "tdt_login"), jstr(j, "tdt_password"), jstr(j, "arrondissement"),
			  jstr(j, "nature_collectivite"), NULL, NULL, &e);
	rc = db_tx_end(d, 1, rc, &e);
	if (rc < 0)
		return res_fail_err(r, &e);
	audit_req(r, "actes.parametres", "", jstr(j, "tdt_url") ? jstr(j, "tdt_url") : "");
	return api_get(r);
}
OPALE_ROUTE(actes_settings_put_r, "PUT", "/api/v1/actes/parametres", api_put, ROLE_ADMIN, SCOPE_TENANT, TT);

static int api_test(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	char msg[700];
	if (test_connection(d, r->tenant_id, msg, sizeof msg, &e) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 200, json_pack("{s:b,s:s}", "ok", 1, "message", msg));
}
OPALE_ROUTE(actes_settings_test_r, "POST", "/api/v1/actes/parametres/test", api_test, ROLE_ADMIN, SCOPE_TENANT, TT);

/* ---- page ---- */

static int page(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	json_t *j = view(d, r->tenant_id, &e);
	if (!j)
		return res_fail_err(r, &e);
	return page_render(r, 200, "actes_parametres", "Paramètres de télétransmission", json_pack("{s:o}", "p", j));
}
OPALE_ROUTE(actes_settings_page, "GET", "/actes/parametres", page, ROLE_ADMIN, SCOPE_TENANT, TT);

static int page_post(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	const char *pw = req_form(r, "tdt_password");
	int forget = req_form(r, "oublier_mot_de_passe") != NULL;
	int rc = db_begin_write(d, &e);
	if (rc == 0)
		rc = save(d, r->tenant_id, req_form(r, "tdt_url"), req_form(r, "tdt_login"), forget ? "" : pw && *pw ? pw : NULL,
			  req_form(r, "arrondissement"), req_form(r, "nature_collectivite"), req_upload(r, "certificat"), req_upload(r, "cle"), &e);
	rc = db_tx_end(d, 1, rc, &e);
	if (rc < 0) {
		res_flash(r, "erreur", e.msg);
	} else {
		audit_req(r, "actes.parametres", "", req_form(r, "tdt_url") ? req_form(r, "tdt_url") : "");
		res_flash(r, "ok", "Paramètres de télétransmission enregistrés.");
	}
	return res_redirect(r, "/actes/parametres");
}
OPALE_ROUTE(actes_settings_post, "POST", "/actes/parametres", page_post, ROLE_ADMIN, SCOPE_TENANT, TT | RF_UPLOAD);

static int page_test(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	char msg[700];
	if (test_connection(d, r->tenant_id, msg, sizeof msg, &e) < 0)
		res_flash(r, "erreur", e.msg);
	else
		res_flash(r, "ok", msg);
	return res_redirect(r, "/actes/parametres");
}
OPALE_ROUTE(actes_settings_test_page, "POST", "/actes/parametres/test", page_test, ROLE_ADMIN, SCOPE_TENANT, TT);
