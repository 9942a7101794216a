/* action: the shape most write handlers share — the path's ids, the request's connection, a JSON
 * body, the module's function (in a write transaction when asked), an audit line, then the answer:
 * JSON for the API, or a flash and a redirect for a page's form. A handler is then one row:
 *   OPALE_ACTION(seance_put, .id = "id", .flags = ACT_JSON | ACT_TX, .check = known, .fn = save, .answer = seance_json)
 * Errors keep the module's codes: check and fn fill a->e (err_set), answered by res_fail_err. */
#ifndef OPALE_HTTP_ACTION_H
#define OPALE_HTTP_ACTION_H
#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "http/http.h"

enum act_flag {
	ACT_JSON = 1 << 0,         /* the body must be a JSON object (req_json's 415/400 otherwise) */
	ACT_TX = 1 << 1,           /* fn runs inside a write transaction, rolled back when it fails */
	ACT_CHECK_FIRST = 1 << 2,  /* the connection and check come before the body is read */
	ACT_JSON_OPT = 1 << 3,     /* a JSON object body when the body is not empty (a->in NULL otherwise) */
};

/* What the callbacks see; strings they set must live as long as the request (r->a). */
struct act {
	struct req *r;
	db *d;
	int64_t tenant;                           /* r->tenant_id */
	int64_t id, sub;                          /* the path's ids (0 when not named); fn may set id (a creation) */
	json_t *in;                               /* the JSON body (ACT_JSON), freed with the request */
	int64_t made;                             /* what fn created or counted (act_made answers it) */
	const char *audit_object, *audit_detail;  /* the audit line's; defaults: the id ("" without one), "" */
	const char *done;                         /* pages: the flash after success, instead of the spec's */
	void *ctx;                                /* free for the callbacks and for a caller of act_run */
	struct err e;
};

struct act_spec {
	const char *id, *sub;              /* path parameters; sub is read only when id is valid; NULL: none */
	unsigned flags;                    /* enum act_flag */
	int (*input)(struct act *a);       /* before the connection: the request alone (uploads, tiers…) */
	int (*check)(struct act *a);       /* before any transaction (existence → 404): 0 or -1 with a->e */
	int (*fn)(struct act *a);          /* the work: 0 or -1 with a->e; NULL for a read */
	const char *audit;                 /* audit action written after success; NULL: none */
	/* API: the answer. */
	int status;                        /* success status; 0 means 200 */
	json_t *(*answer)(struct act *a);  /* the body (stolen); NULL: {"ok":true}; returning NULL answers a->e */
	/* Pages (when `to` is set): a flash — done, or the error's message — then a redirect to `to`
	 * (to_failed after a failure when set), formats given the id. */
	const char *done, *to, *to_failed;
};

/* Reads id, sub, the JSON body, input, then the connection, in that order (the first failure answers;
 * see ACT_CHECK_FIRST), then act_run. Returns as a handler does. */
int act_handle(struct req *r, const struct act_spec *s);
/* From check on, for a caller that filled a->r, a->d, a->tenant, a->id and a->in itself. */
int act_run(struct act *a, const struct act_spec *s);
/* Answers {"id": a->made}. */
json_t *act_made(struct act *a);

/* Defines the handler `name` for the spec written as designated initializers. */
#define OPALE_ACTION(name, ...)                                                  \
	static int name(struct req *r)                                           \
	{                                                                        \
		static const struct act_spec name##_spec = { __VA_ARGS__ };      \
		return act_handle(r, &name##_spec);                              \
	}

#endif
