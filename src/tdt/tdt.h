/* tdt: the HTTP client of a tiers de télétransmission (S2LOW for ACTES and Hélios): connection
 * settings (URL, client certificate, Basic login), GET and multipart POST with libcurl, S2LOW's
 * plain "OK\n…" / "KO\n…" answers. Protocol-neutral: src/actes (and Hélios) build on it. */
#ifndef OPALE_TDT_H
#define OPALE_TDT_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

struct tdt_conf {
	char url[512];           /* base, without trailing slash */
	char login[128], password[128];
	char cert[512], key[512], key_password[128], cacert[512];
	long timeout_s;          /* abandon after this many seconds without progress */
};
/* The process-wide defaults (cfg.tdt_*). */
void tdt_conf_default(struct tdt_conf *c);

/* A multipart field: a value, a file on disk (path) or bytes in memory (data, len), with the
 * file name the TdT sees. */
struct tdt_part {
	const char *name;
	const char *value;
	const char *path;
	const void *data;
	size_t len;
	const char *filename;
};

struct tdt_resp {
	long status;
	buf body;
	char filename[256];      /* from Content-Disposition, "" when none */
	char ctype[128];
};
void tdt_resp_free(struct tdt_resp *r);

/* Called now and then during a transfer (long uploads renew their job lease with it); non-zero
 * aborts the transfer. */
typedef int (*tdt_progress_fn)(void *ctx);

/* GET base + path (path holds the query; redirects followed). Returns 0 when the exchange took
 * place (any HTTP status), -1 with e (tdt.transport 503, tdt.auth 401 when refused) otherwise. */
int tdt_get(const struct tdt_conf *c, const char *path, struct tdt_resp *r, struct err *e);
int tdt_post(const struct tdt_conf *c, const char *path, const struct tdt_part *parts, size_t n, tdt_progress_fn fn,
	     void *ctx, struct tdt_resp *r, struct err *e);

/* S2LOW's plain answers: 1 for "OK", 0 for "KO", -1 for anything else; *rest (may be NULL) points
 * after the first line. The body is NUL-terminated. */
int tdt_okko(const struct tdt_resp *r, const char **rest);
/* The KO message converted from ISO-8859-1 to UTF-8, first line only, into out. */
void tdt_ko_message(const struct tdt_resp *r, buf *out);

/* UTF-8 → ISO-8859-1 (what S2LOW reads in its forms); characters outside Latin-1 become '?'. */
void tdt_latin1(buf *out, const char *utf8);
/* ISO-8859-1 → UTF-8. */
void tdt_utf8(buf *out, const char *latin1, size_t len);

#endif
