/* routes: what the conventions' route files share (routes_pages.c, routes_perm.c, routes_docs.c). */
#ifndef OPALE_CONVENTIONS_ROUTES_H
#define OPALE_CONVENTIONS_ROUTES_H
#include "conventions/conventions_db.h"
#include "http/http.h"

#define CV_WRITERS (ROLE_ADMIN | ROLE_AGENT)
#define CV_READERS (ROLE_ADMIN | ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_AUDITOR)

/* The convention of the path's :id (cv_get for today), or NULL after a 404/503 answer. */
json_t *cv_load(struct req *r, db **dp);
/* Runs fn in a write transaction on the convention of the path (404 if not the tenant's), audits,
 * then redirects with a flash to `back` (NULL: the convention's page). */
int cv_sub_action(struct req *r, int (*fn)(struct req *r, db *d, int64_t id, struct err *e), const char *done, const char *audit,
		  const char *back);
/* The named form fields as a JSON object of strings ("" when absent). */
json_t *cv_form_fields(struct req *r, const char *const *names);
/* The same for the JSON API: fn gets the body; 200 {"ok":true} or the error. */
int cv_api_action(struct req *r, int (*fn)(struct req *r, db *d, int64_t id, json_t *in, struct err *e), const char *audit);

#endif
