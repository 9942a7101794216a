/* settings: what a collectivité or the server configures for signatures — the time-stamping
 * authority of the parapheur's signatures (per collectivité, else the server's tsa_url), the DGFiP
 * policy digest of PES signatures and the trust store of signature reports (server config). */
#include "sign/settings.h"
#include "sign/sign.h"
#include "core/config.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "web/page.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

int sign_tenant_tsa(db *d, int64_t tenant, char *url, size_t n, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT tsa_url FROM sign_settings WHERE tenant_id = $1", "");
	if (!s)
		return -1;
	snprintf(url, n, "%s", rc == DB_ROW && *db_col_text(s, 0) ? db_col_text(s, 0) : cfg.tsa_url);
	db_finalize(s);
	return 0;
}

/* The collectivité's own URL only ('' when it uses the server's). */
static int own_tsa(db *d, int64_t tenant, char *url, size_t n, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT tsa_url FROM sign_settings WHERE tenant_id = $1", "");
	if (!s)
		return -1;
	snprintf(url, n, "%s", rc == DB_ROW ? db_col_text(s, 0) : "");
	db_finalize(s);
	return 0;
}

int sign_tenant_tsa_set(db *d, int64_t tenant, const char *url, struct err *e)
{
	size_t len = url ? strlen(url) : 0;
	if (len && (len > 500 || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) || strpbrk(url, " \t\r\n\"<>")))
		return err_set(e, 400, "sign.tsa_url", "Adresse d'horodatage invalide : une URL http:// ou https:// de 500 caractères au plus "
						       "(celle que le prestataire d'horodatage RFC 3161 vous a donnée), ou vide pour celle du serveur.");
	return tdb_run(d, tenant, e, "INSERT INTO sign_settings (tenant_id, tsa_url, updated_at) VALUES ($1, $2, $3)"
				     " ON CONFLICT (tenant_id) DO UPDATE SET tsa_url = excluded.tsa_url, updated_at = excluded.updated_at",
		       "ti", len ? url : "", identity_now());
}

const char *sign_pes_policy_digest(struct err *e)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static char file[1024], digest[64];
	if (!cfg.pes_policy_file[0])
		return cfg.pes_policy_digest[0] ? cfg.pes_policy_digest : NULL;
	const char *ret = digest;
	pthread_mutex_lock(&mu);
	if (strcmp(file, cfg.pes_policy_file) != 0) {   /* first use, or the configuration was reloaded */
		if (sign_policy_digest_file(cfg.pes_policy_file, digest, sizeof digest, e) < 0)
			ret = NULL, digest[0] = 0, file[0] = 0;
		else
			snprintf(file, sizeof file, "%s", cfg.pes_policy_file);
	}
	pthread_mutex_unlock(&mu);
	return ret;
}

const char *sign_trust_store(void)
{
	return cfg.sign_trust[0] ? cfg.sign_trust : NULL;
}

/* ---- routes (administrators of the collectivité) ---- */

static int tsa_get(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	char own[520];
	if (own_tsa(d, r->tenant_id, own, sizeof own, &e) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 200, json_pack("{s:s,s:s}", "url", own, "serveur", cfg.tsa_url));
}
OPALE_ROUTE(sign_tsa_get, "GET", "/api/v1/signature/horodatage", tsa_get, ROLE_ADMIN, SCOPE_TENANT, 0);

static int tsa_put(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	json_t *j = req_json(r);
	if (!j)
		return -1;
	json_t *u = json_object_get(j, "url");
	if (u && !json_is_string(u))
		return res_fail(r, 400, "sign.tsa_url", "« url » doit être une chaîne (vide : l'horodatage du serveur).");
	struct err e;
	if (sign_tenant_tsa_set(d, r->tenant_id, json_string_value(u), &e) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "signature.horodatage", "", json_string_value(u) ? json_string_value(u) : "");
	return tsa_get(r);
}
OPALE_ROUTE(sign_tsa_put, "PUT", "/api/v1/signature/horodatage", tsa_put, ROLE_ADMIN, SCOPE_TENANT, 0);

static int tsa_page_post(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	const char *u = req_form(r, "url");
	if (sign_tenant_tsa_set(d, r->tenant_id, u ? u : "", &e) < 0) {
		res_flash(r, "erreur", e.msg);
	} else {
		audit_req(r, "signature.horodatage", "", u ? u : "");
		res_flash(r, "ok", u && *u ? "Horodatage enregistré : les signatures du parapheur seront horodatées par ce service."
					   : "La collectivité utilise l'horodatage du serveur.");
	}
	return res_redirect(r, "/mon-certificat");
}
OPALE_ROUTE(sign_tsa_page_post, "POST", "/mon-certificat/horodatage", tsa_page_post, ROLE_ADMIN, SCOPE_TENANT, 0);

/* For the /mon-certificat page: {url, serveur}. */
json_t *sign_tsa_info(db *d, int64_t tenant)
{
	struct err e;
	char own[520] = "";
	own_tsa(d, tenant, own, sizeof own, &e);
	return json_pack("{s:s,s:s}", "url", own, "serveur", cfg.tsa_url);
}
