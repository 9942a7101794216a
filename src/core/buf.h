/* buf: the one growable byte/string buffer used everywhere.
 * Always NUL-terminated; len excludes the terminator. Allocation failure aborts (see core/mem). */
#ifndef OPALE_BUF_H
#define OPALE_BUF_H
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct buf {
	char *data;
	size_t len;
	size_t cap;
} buf;

#define BUF_INIT { NULL, 0, 0 }

void buf_grow(buf *b, size_t extra);
/* Inline: the JSON and HTML writers call these for every field (P2 in docs/performance.md). */
static inline void buf_add(buf *b, const void *data, size_t len)
{
	if (b->len + len + 1 > b->cap)
		buf_grow(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}
static inline void buf_puts(buf *b, const char *s) { buf_add(b, s, strlen(s)); }
static inline void buf_putc(buf *b, char c) { buf_add(b, &c, 1); }
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Appends s with HTML special characters escaped (& < > " '). */
void buf_html(buf *b, const char *s);
/* Appends s (UTF-8) as a JSON string literal (with quotes), escaped as jansson's json_dumps does. */
void buf_json_str(buf *b, const char *s);
/* Appends v in decimal. */
void buf_int(buf *b, long long v);
/* Appends s percent-encoded for a URL component. */
void buf_urlenc(buf *b, const char *s);
void buf_reset(buf *b);
void buf_free(buf *b);
/* Returns the text (caller owns it, "" when empty) and leaves b empty. */
char *buf_detach(buf *b);
/* Reads a whole file into b. Returns 0, or -1 with errno set. max=0 means no limit. */
int buf_read_file(buf *b, const char *path, size_t max);
/* Writes b to path atomically (tmp + fsync + rename). Returns 0 or -1. */
int buf_write_file_atomic(const buf *b, const char *path);

#endif
