/* httptest: libcurl helpers for C integration tests. */
#ifndef OPALE_HTTPTEST_H
#define OPALE_HTTPTEST_H
#include <stddef.h>

#include "core/buf.h"

struct ht_resp {
	long status;
	buf body;
	buf headers;
};

/* Performs one request. extra_headers: NULL-terminated list of "Name: value". cookie_jar: file or NULL.
 * Returns 0 when the exchange happened (whatever the status), -1 on transport error. */
int ht_request(const char *method, const char *url, const char *ctype, const void *body, size_t len,
	       const char *const *extra_headers, const char *cookie_jar, struct ht_resp *out);
void ht_resp_free(struct ht_resp *r);
/* Picks a free loopback port. */
int ht_free_port(void);

#endif
