/* http: requests, responses and the route table. Modules declare routes next to their handlers
 * with OPALE_ROUTE; the linker gathers them (section "opale_routes") so the table — and the
 * tenant/role test matrices built from it — grows automatically. */
#ifndef OPALE_HTTP_H
#define OPALE_HTTP_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/mem.h"

/* Roles, as bits: a route lists the roles allowed; a user holds some in the current collectivité. */
enum role {
	ROLE_OPERATOR = 1 << 0,    /* administrateur opérateur (CDG) */
	ROLE_ADMIN = 1 << 1,       /* administrateur de la collectivité */
	ROLE_AGENT = 1 << 2,       /* agent : rédige, transmet */
	ROLE_SIGNATAIRE = 1 << 3,  /* élu ou DGS qui signe */
	ROLE_SECRETAIRE = 1 << 4,  /* secrétaire de séance */
	ROLE_ELU = 1 << 5,         /* élu : portail des convocations */
	ROLE_AUDITOR = 1 << 6,     /* auditeur, lecture seule */
};
#define ROLE_PUBLIC 0u                 /* no login required */
#define ROLE_ANY 0x7fu                 /* any logged-in user */
#define ROLE_STAFF (ROLE_ADMIN | ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_SECRETAIRE | ROLE_AUDITOR)

/* Scope: which data a route touches. Every route declares one (the isolation matrix reads it). */
enum scope {
	SCOPE_PUBLIC = 1,   /* no tenant data (health, static, login, public portal by explicit id) */
	SCOPE_USER,         /* the logged-in user's own data, across collectivités */
	SCOPE_TENANT,       /* data of the current collectivité: every query filtered by r->tenant_id */
	SCOPE_OPERATOR,     /* the operator's console (all collectivités), operator role only */
};

enum route_flag {
	RF_UPLOAD = 1 << 0,   /* body streamed to temp files (multipart or raw), up to cfg.max_upload */
	RF_NO_CSRF = 1 << 1,  /* unsafe method allowed without CSRF token (login form, token API) */
	RF_TIER_PARAPHEUR = 1 << 2, RF_TIER_TELETRANSMISSION = 1 << 3, RF_TIER_IDELIBRE = 1 << 4,
	RF_FEED = 1 << 5,     /* read-only feed (ICS) a calendar program fetches with `?jeton=` (a subscription link:
			       * src/identity/feeds.c), as it cannot send a cookie or an Authorization header */
};

struct req;
typedef int (*handler_fn)(struct req *r);

struct route {
	const char *method;   /* "GET", "POST", … */
	const char *pattern;  /* "/api/v1/actes/:id" — ":name" matches one segment */
	handler_fn handler;   /* fills the response; returns 0, or -1 with r->err filled */
	unsigned roles;       /* ROLE_PUBLIC or a mask of enum role */
	enum scope scope;
	unsigned flags;       /* enum route_flag */
};

#define OPALE_ROUTE(id, method_, pattern_, handler_, roles_, scope_, flags_)                     \
	static const struct route opale_route_##id                                                 \
		__attribute__((used, section("opale_routes"), aligned(sizeof(void *)))) = {            \
			method_, pattern_, handler_, roles_, scope_, flags_ }

/* The route table: returns the i-th route or NULL past the end. */
const struct route *http_route_at(int i);

struct upload {
	const char *field;     /* form field name */
	const char *filename;  /* client's file name (sanitised: no path, bounded) */
	const char *ctype;     /* client's content type (not trusted) */
	const char *path;      /* temp file on disk, removed after the request unless moved */
	uint64_t size;
	char sha256[65];       /* hex, computed while streaming */
};

struct kv { const char *k, *v; };

struct req {
	arena *a;                 /* request memory, freed after the response */
	const char *method, *path, *ip;
	const struct route *route;
	struct kv params[8];      /* ":name" captures */
	int nparams;
	void *conn;               /* struct MHD_Connection */
	buf body;                 /* JSON / urlencoded bodies (non-upload routes), bounded by cfg.max_body */
	struct kv *form;          /* parsed urlencoded or multipart text fields */
	int nform;
	struct upload *uploads;
	int nuploads;
	int is_api;               /* path starts with /api/ → JSON errors */

	/* Filled by the authentication hook. */
	int64_t user_id;          /* 0 when anonymous */
	int64_t tenant_id;        /* current collectivité, 0 when none */
	unsigned roles;           /* roles held in tenant_id (ROLE_OPERATOR held globally) */
	unsigned tiers;           /* RF_TIER_* bits subscribed by tenant_id */
	const char *user_name;    /* display name */
	const char *csrf;         /* the session's CSRF token, for forms */
	const char *session_id;
	int via_token;            /* authenticated by API token */
	void *auth;               /* identity module's private data */

	/* Response. */
	int status;
	buf out;
	const char *ctype;
	struct kv headers[16];
	int nheaders;
	const char *send_path;    /* send this file instead of out */
	int send_unlink;          /* send_path is a temp file: unlink it once opened */
	struct err err;
	uint64_t t0_us;
};

/* Hooks set by the identity module at start-up. auth: fills user/tenant/roles from cookie or token;
 * csrf_ok: checks the token of an unsafe request. Both NULL → everyone anonymous. */
extern int (*http_auth_hook)(struct req *r);
extern int (*http_csrf_ok_hook)(struct req *r);
/* Set by `opale serve`: checks the database for /healthz. NULL → healthy. */
extern int (*http_health_hook)(struct err *e);

/* Request accessors (strings live in r->a or in libmicrohttpd's connection memory). */
const char *req_param(struct req *r, const char *name);
const char *req_query(struct req *r, const char *name);
const char *req_header(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
const char *req_form(struct req *r, const char *name);
const struct upload *req_upload(struct req *r, const char *field);
/* Parses the body as a JSON object (duplicate keys and invalid UTF-8 refused); freed with r. */
json_t *req_json(struct req *r);
/* The JSON in form field `field` (the metadata of a multipart creation): a new reference the caller
 * frees, or NULL with a 400 « json.malformed » answer naming the field. */
json_t *req_form_json(struct req *r, const char *field);
/* Reads an integer path parameter; -1 with r->err (404) when absent or malformed. */
int64_t req_param_id(struct req *r, const char *name);

/* Responses. */
void res_header(struct req *r, const char *name, const char *value);
/* Steals j. */
int res_json(struct req *r, int status, json_t *j);
/* Starts a JSON answer written by the handler itself (large lists streamed from the database
 * without a json_t tree): empties the body, sets status and type, returns the body to append to. */
buf *res_json_begin(struct req *r, int status);
int res_text(struct req *r, int status, const char *ctype, const char *text, size_t len);
int res_redirect(struct req *r, const char *location);
int res_file(struct req *r, const char *path, const char *ctype, const char *download_name);
/* Fills r->err from a module's struct err (status 500 and code "interne" when unset) and returns -1. */
int res_fail_err(struct req *r, const struct err *e);
/* Fills r->err and returns -1: `return res_fail(r, 404, "acte.inconnu", "Acte introuvable.");` */
int res_fail(struct req *r, int status, const char *code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Renders r->err as JSON (API) or as the HTML error page. */
void res_error(struct req *r);
/* Sets a cookie (HttpOnly, SameSite=Lax, Path=/, Secure per config); max_age<0 deletes it. */
void res_cookie(struct req *r, const char *name, const char *value, long max_age);
/* Flash message shown once on the next page (cookie). */
void res_flash(struct req *r, const char *kind, const char *text);

struct http_settings {
	const char *listen;      /* ADDR:PORT */
	const char *tmp_dir;     /* where uploads stream */
	unsigned threads;
	const char *tls_cert_pem;  /* both set → HTTPS (GnuTLS through libmicrohttpd), HSTS on responses */
	const char *tls_key_pem;
};
int http_start(const struct http_settings *s, struct err *e);
/* Stops accepting, finishes in-flight requests, returns when done. */
void http_stop(void);

/* Matches method+path against the table: the route (params filled) or NULL; *path_found tells
 * whether some route matched the path with another method (→ 405). Exposed for tests/fuzzing. */
const struct route *http_match(const char *method, const char *path, struct kv *params, int *nparams,
			       int *path_found, arena *a);
/* Monotonic microseconds. */
uint64_t http_now_us(void);

#endif
