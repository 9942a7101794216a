/* apitest: the calls every integration test makes against a server started by srvtest — an API
 * token for a demo user, JSON API requests, a browser-like session (cookie jar + CSRF token) — and
 * PDFs read back as text (poppler's pdftotext, pdfinfo). */
#ifndef OPALE_APITEST_H
#define OPALE_APITEST_H
#include <jansson.h>
#include <stddef.h>

#include "srvtest.h"

/* An API token ("opl_…", 80 bytes) for a demo user, with its roles in its collectivité. */
void at_token(struct srv *s, db *d, const char *login, char out[80]);
/* A JSON request with a bearer token; body may be NULL. The answer parsed (NULL when not JSON),
 * its status in *status when not NULL. */
json_t *at_api(struct srv *s, const char *token, const char *method, const char *path, const char *body, long *status);
/* Logs a demo user in (password of the demo) into the cookie jar; the session's CSRF token in csrf.
 * Returns the HTTP status. */
long at_login(struct srv *s, const char *jar, const char *login, char csrf[80]);
/* A form POST (urlencoded body, CSRF token added) with the session of jar; *location receives the
 * redirect target ("" when none). Returns the status. */
long at_form(struct srv *s, const char *jar, const char *csrf, const char *path, const char *fields, char location[256]);

/* One request with a bearer token (NULL: anonymous), the raw answer in r (free it with
 * ht_resp_free); a body is sent as JSON. Returns the status. For PDFs and error codes. */
struct ht_resp;
long at_raw(struct srv *s, const char *token, const char *method, const char *path, const char *json, struct ht_resp *r);
/* The text of a PDF (pdftotext) on one line: whitespace runs as one space, a line broken after a
 * hyphen joined; malloc'd, "" when not a PDF. */
char *at_pdf_text(const void *pdf, size_t len);
/* Number of pages of a PDF (pdfinfo), -1 on error. */
int at_pdf_pages(const void *pdf, size_t len);

#endif
