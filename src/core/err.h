/* err: the error carried back to callers — a stable machine code for the API ("auth.invalid")
 * and a French message for people. Functions return 0 / negative and fill *e when non-NULL. */
#ifndef OPALE_ERR_H
#define OPALE_ERR_H

struct err {
	int status;          /* HTTP status to use when surfaced by the API (400, 404, 409…) */
	char code[64];       /* stable machine code, e.g. "json.malformed" */
	char msg[512];       /* French, for people */
};

/* Fills e (when non-NULL) and returns -1, so `return err_set(e, 400, "x", "…");` reads well. */
int err_set(struct err *e, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void err_clear(struct err *e);

#endif
