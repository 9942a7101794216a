/* session: cookie sessions and API tokens (the HTTP auth hook), CSRF check, login throttling. */
#include "identity/identity.h"
#include "identity/session.h"
#include "core/config.h"
#include "http/http.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

void identity_random_token(char out[64])
{
	unsigned char raw[32];
	RAND_bytes(raw, sizeof raw);
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	int o = 0;
	for (int i = 0; i < 30; i += 3) {
		unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | raw[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
		out[o++] = b64[v & 63];
	}
	unsigned v = (unsigned)raw[30] << 8 | raw[31];
	out[o++] = b64[v >> 10 & 63];
	out[o++] = b64[v >> 4 & 63];
	out[o++] = b64[(v << 2) & 63];
	out[o] = '\0';
}

void identity_sha256_hex(const char *s, char out[65])
{
	unsigned char md[32];
	unsigned int len;
	static const char hex[] = "0123456789abcdef";
	EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++) {   /* not sprintf: 32 calls were 7 % of a cached list's CPU (bench P2) */
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

/* Fills roles, tiers and display name for user in tenant. */
static int load_principal(db *d, struct req *r, int64_t user, int64_t tenant, int is_token, unsigned token_roles)
{
	struct err e;
	int rc;
	db_stmt *s = db_query(d, &e, &rc, "SELECT first_name, last_name, login, is_operator, disabled FROM users WHERE id = $1",
			      "i", user);
	if (!s)
		return -1;
	if (rc != DB_ROW || db_col_int64(s, 4)) {
		db_finalize(s);
		return 0;  /* deleted or disabled: stays anonymous */
	}
	const char *fn = db_col_text(s, 0), *ln = db_col_text(s, 1);
	r->user_name = (*fn || *ln) ? arena_printf(r->a, "%s %s", fn, ln) : arena_strdup(r->a, db_col_text(s, 2));
	int op = (int)db_col_int64(s, 3);
	db_finalize(s);
	r->user_id = user;
	r->roles = op ? ROLE_OPERATOR : 0;
	if (tenant) {
		s = db_query(d, &e, &rc, "SELECT m.roles, c.tiers FROM collectivites c LEFT JOIN memberships m"
					 " ON m.tenant_id = c.id AND m.user_id = $1 WHERE c.id = $2", "ii", user, tenant);
		if (!s)
			return -1;
		if (rc == DB_ROW && (!db_col_isnull(s, 0) || op)) {
			r->tenant_id = tenant;
			r->roles |= (unsigned)db_col_int64(s, 0);
			/* The CDG operator configures and assists: inside a collectivité it acts as its admin. */
			if (op)
				r->roles |= ROLE_ADMIN | ROLE_AUDITOR;
			r->tiers = tiers_to_route_flags((unsigned)db_col_int64(s, 1));
		}
		db_finalize(s);
	}
	if (is_token)
		r->roles &= token_roles;  /* a token never holds more than it was given */
	return 0;
}

/* An API token (Bearer) or a calendar subscription link (`?jeton=` on an RF_FEED route): each kind is
 * refused where the other belongs. */
static int auth_token(db *d, struct req *r, const char *tok, int in_url)
{
	char h[65];
	identity_sha256_hex(tok, h);
	struct err e;
	int rc;
	db_stmt *s = db_query(d, &e, &rc, "SELECT id, user_id, tenant_id, roles, feed FROM api_tokens WHERE token_hash = $1 AND revoked = 0",
			      "t", h);
	if (!s)
		return res_fail(r, 503, e.code, "%s", e.msg);
	if (rc != DB_ROW) {
		db_finalize(s);
		return in_url ? res_fail(r, 401, "auth.abonnement_invalide", "Lien d'abonnement inconnu ou révoqué : créez-en un nouveau.")
			      : res_fail(r, 401, "auth.jeton_invalide", "Jeton d'API inconnu ou révoqué.");
	}
	int64_t id = db_col_int64(s, 0), user = db_col_int64(s, 1), tenant = db_col_int64(s, 2);
	unsigned roles = (unsigned)db_col_int64(s, 3);
	int feed = (int)db_col_int64(s, 4);
	db_finalize(s);
	if (feed && !in_url)
		return res_fail(r, 401, "auth.jeton_abonnement",
				"Ce jeton est un lien d'abonnement d'agenda : il ne sert qu'à lire les calendriers.");
	if (!feed && in_url)
		return res_fail(r, 401, "auth.jeton_dans_url",
				"Un jeton d'API ne se met pas dans une adresse : utilisez un lien d'abonnement d'agenda.");
	r->via_token = 1;
	if (load_principal(d, r, user, tenant, 1, roles) < 0)
		return res_fail(r, 503, "db.indisponible", "Base de données indisponible.");
	if (!r->user_id || r->tenant_id != tenant)
		return res_fail(r, 401, "auth.jeton_invalide", "Jeton d'API rattaché à un compte ou une collectivité inactifs.");
	db_run(d, &e, "UPDATE api_tokens SET last_used = $1 WHERE id = $2", "ii", identity_now(), id);
	return 0;
}

static int auth_hook(struct req *r)
{
	const char *authz = req_header(r, "Authorization");
	const char *sid = req_cookie(r, SESSION_COOKIE);
	int bearer = authz && strncmp(authz, "Bearer ", 7) == 0;
	const char *link = r->route && (r->route->flags & RF_FEED) ? req_query(r, "jeton") : NULL;
	if (!bearer && (!sid || !*sid) && !link)
		return 0;  /* anonymous: no database work at all (static files, health, public pages) */
	struct err e;
	db *d = db_thread(&e);
	if (!d)
		return res_fail(r, 503, "db.indisponible", "Base de données indisponible : %s", e.msg);
	if (bearer)
		return auth_token(d, r, authz + 7, 0);
	if (link && (!sid || !*sid))
		return auth_token(d, r, link, 1);
	char h[65];
	identity_sha256_hex(sid, h);
	int rc;
	db_stmt *s = db_query(d, &e, &rc, "SELECT user_id, tenant_id, csrf, created_at, last_seen FROM sessions WHERE id_hash = $1",
			      "t", h);
	if (!s)
		return res_fail(r, 503, e.code, "%s", e.msg);
	if (rc != DB_ROW) {
		db_finalize(s);
		return session_expired(r, 0);
	}
	int64_t user = db_col_int64(s, 0), tenant = db_col_int64(s, 1), created = db_col_int64(s, 3), seen = db_col_int64(s, 4);
	char *csrf = arena_strdup(r->a, db_col_text(s, 2));
	db_finalize(s);
	int64_t now = identity_now();
	if (now - seen > (int64_t)cfg.session_idle || now - created > (int64_t)cfg.session_max) {
		db_run(d, &e, "DELETE FROM sessions WHERE id_hash = $1", "t", h);
		return session_expired(r, 1);
	}
	if (now - seen >= 60)
		db_run(d, &e, "UPDATE sessions SET last_seen = $1 WHERE id_hash = $2", "it", now, h);
	r->csrf = csrf;
	r->session_id = arena_strdup(r->a, h);
	if (load_principal(d, r, user, tenant, 0, 0) < 0)
		return res_fail(r, 503, "db.indisponible", "Base de données indisponible.");
	return 0;
}

int session_expired(struct req *r, int was_expired)
{
	res_cookie(r, SESSION_COOKIE, "", -1);
	if (!r->route || r->route->roles == ROLE_PUBLIC)
		return 0;  /* public page: carry on anonymously */
	if (r->is_api)
		return res_fail(r, 401, "auth.session_expiree", "Session expirée : reconnectez-vous.");
	if (was_expired)
		res_flash(r, "info", "Votre session a expiré : reconnectez-vous.");
	res_header(r, "Location", arena_printf(r->a, "/connexion?retour=%s", r->path));
	return res_fail(r, 303, "auth.session_expiree", "Session expirée.");
}

static int csrf_ok(struct req *r)
{
	if (!r->csrf)
		return r->route && r->route->roles == ROLE_PUBLIC;  /* anonymous: only public forms */
	const char *t = req_header(r, "X-CSRF-Token");
	if (!t)
		t = req_query(r, "csrf");
	if (!t)
		t = req_form(r, "csrf");
	return t && strlen(t) == strlen(r->csrf) && CRYPTO_memcmp(t, r->csrf, strlen(t)) == 0;
}

int session_open(db *d, struct req *r, int64_t user, int64_t tenant, struct err *e)
{
	char id[64], csrf[64], h[65];
	identity_random_token(id);
	identity_random_token(csrf);
	identity_sha256_hex(id, h);
	int64_t now = identity_now();
	if (db_run(d, e, "INSERT INTO sessions (id_hash, user_id, tenant_id, csrf, created_at, last_seen, ip)"
			 " VALUES ($1,$2,$3,$4,$5,$6,$7)", "tiitiit", h, user, tenant, csrf, now, now, r->ip) < 0)
		return -1;
	res_cookie(r, SESSION_COOKIE, id, (long)cfg.session_max);
	r->csrf = arena_strdup(r->a, csrf);
	return 0;
}

int64_t session_default_tenant(db *d, int64_t user)
{
	struct err e;
	int rc;
	db_stmt *s = db_query(d, &e, &rc, "SELECT tenant_id FROM memberships WHERE user_id = $1 ORDER BY tenant_id LIMIT 1",
			      "i", user);
	if (!s)
		return 0;
	int64_t t = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	return t;
}

/* Counts recent failures for a key ("u:login" or "ip:addr") in the window. */
static int64_t failures(db *d, const char *k, int64_t since)
{
	struct err e;
	int rc;
	db_stmt *s = db_query(d, &e, &rc, "SELECT COUNT(*), MIN(at) FROM login_failures WHERE k = $1 AND at >= $2", "ti", k, since);
	if (!s)
		return 0;
	int64_t n = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	return n;
}

int login_attempt(db *d, struct req *r, const char *login, const char *password, int64_t *user_out, struct err *e)
{
	int64_t now = identity_now(), since = now - LOGIN_WINDOW;
	char ku[200], ki[80];
	snprintf(ku, sizeof ku, "u:%s", login);
	snprintf(ki, sizeof ki, "ip:%s", r->ip ? r->ip : "?");
	int64_t nu = failures(d, ku, since), ni = failures(d, ki, since);
	if (nu >= LOGIN_MAX_PER_ACCOUNT || ni >= LOGIN_MAX_PER_IP) {
		audit_append(d, 0, 0, r->ip, "connexion.bloquee", login, nu >= LOGIN_MAX_PER_ACCOUNT ? "compte" : "adresse", e);
		return err_set(e, 429, "auth.throttled",
			       "Trop de tentatives de connexion %s : réessayez dans %d minutes.",
			       nu >= LOGIN_MAX_PER_ACCOUNT ? "pour ce compte" : "depuis cette adresse", LOGIN_WINDOW / 60);
	}
	int rc;
	db_stmt *s = db_query(d, e, &rc, "SELECT id, password_hash, disabled FROM users WHERE login = $1", "t", login);
	if (!s)
		return -1;
	int64_t id = 0;
	int good = 0;
	if (rc == DB_ROW) {
		id = db_col_int64(s, 0);
		good = password_verify(db_col_text(s, 1), password) && !db_col_int64(s, 2);
	} else {
		/* Same work for an unknown login, so timing does not reveal which logins exist. */
		password_verify("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
				"0000000000000000000000000000000000000000000", password);
	}
	db_finalize(s);
	if (!good) {
		db_run(d, e, "INSERT INTO login_failures (k, at) VALUES ($1,$2)", "ti", ku, now);
		db_run(d, e, "INSERT INTO login_failures (k, at) VALUES ($1,$2)", "ti", ki, now);
		audit_append(d, 0, id, r->ip, "connexion.echec", login, "", e);
		return err_set(e, 401, "auth.invalid", "Identifiant ou mot de passe incorrect.");
	}
	db_run(d, e, "DELETE FROM login_failures WHERE k = $1", "t", ku);
	*user_out = id;
	return 0;
}

static void install(void) __attribute__((constructor));
static void install(void)
{
	http_auth_hook = auth_hook;
	http_csrf_ok_hook = csrf_ok;
}
