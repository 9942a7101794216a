/* apitest: the calls every integration test makes against a server started by srvtest — an API
 * token for a demo user, JSON API requests, a browser-like session (cookie jar + CSRF token) — and
 * PDFs read back as text (poppler's pdftotext, pdfinfo). */
#ifndef OPALE_APITEST_H
#define OPALE_APITEST_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "httptest.h"
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
/* A request with a bearer token (NULL: anonymous) and a body of type ctype (both may be NULL); the
 * raw answer in *r (free it with ht_resp_free). Returns the HTTP status. */
long at_req(struct srv *s, const char *token, const char *method, const char *path, const char *ctype, const char *body,
	    struct ht_resp *r);
/* The integer member key of the JSON object in r's body; 0 when absent or not JSON. */
int64_t at_json_id(const struct ht_resp *r, const char *key);
/* The first column of the first row of sql as an integer, with arg as $1 (NULL: no parameter); 0
 * when there is no row. */
int64_t at_one(db *d, const char *sql, const char *arg);
/* The same with an integer $1, but -1 when there is no row (a missing row is not a count of 0). */
int64_t at_one_i(db *d, const char *sql, int64_t arg);
/* The id of the desk (parapheur bureau) named name, the first created when several; 0 when none. */
int64_t at_desk(db *d, const char *name);
/* Runs the shell command made from fmt (printf-style) and keeps at most n-1 bytes of its standard
 * output in out, NUL-terminated. Returns the number of bytes kept. */
size_t at_sh(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The id of the user whose login is login; 0 when none. */
int64_t at_user(db *d, const char *login);
/* Runs the shell command made from fmt (printf-style), its output not kept. Returns its exit status
 * (-1 when it did not exit normally). */
int at_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Creates a parapheur folder through the multipart API as the holder of token: dossier is the JSON
 * of the folder, pdf the path of its main document. Returns its id (0 on failure, the answer is then
 * printed as a "# " line). */
int64_t at_folder(struct srv *s, const char *token, const char *dossier, const char *pdf);
/* Writes a one-page PDF at path (cairo, through pdfdoc) with a title and a paragraph (either may be
 * NULL). Returns 0 or -1. */
int at_pdf(const char *path, const char *title, const char *para);
/* Waits up to secs seconds for a message of the SMTP test server's Maildir (maildir/new) sent to
 * addr (X-Envelope-To) whose text, quoted-printable decoded, holds every string of needles
 * (NULL-terminated). The message found is removed (a later wait sees the next one) and its decoded
 * text appended to body when not NULL. Returns 1 when found, else 0. */
int at_mail(const char *maildir, const char *addr, const char *const *needles, int secs, buf *body);

/* "YYYY-MM-DDT18:30": the Paris day today + days at 18:30 (a séance's date as the API takes it). */
void at_day_plus(int days, char out[20]);

/* Waits up to secs seconds for the act id (API GET /api/v1/actes/:id with token) to reach etat; 1 when
 * it did, else 0 after srv_diagnose. */
int at_wait_acte(struct srv *s, const char *token, int64_t id, const char *etat, int secs);

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
