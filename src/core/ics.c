/* ics: see ics.h. */
#include "core/ics.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void ics_begin(buf *b, const char *product, const char *name)
{
	buf_printf(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Opale//%s//FR\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:", product);
	ics_text(b, name);
	buf_puts(b, "\r\n");
}

void ics_text(buf *b, const char *s)
{
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '\\' || *p == ';' || *p == ',')
			buf_putc(b, '\\');
		if (*p == '\n') {
			buf_puts(b, "\\n");
			continue;
		}
		if (*p == '\r')
			continue;
		buf_putc(b, *p);
	}
}

void ics_utc(buf *b, const char *name, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char v[20];
	gmtime_r(&tt, &tm);
	strftime(v, sizeof v, "%Y%m%dT%H%M%SZ", &tm);
	buf_printf(b, "%s:%s\r\n", name, v);
}

void ics_date(buf *b, const char *name, struct date d)
{
	buf_printf(b, "%s;VALUE=DATE:%04d%02d%02d\r\n", name, d.y, d.m, d.d);
}

void ics_end(buf *b)
{
	buf_puts(b, "END:VCALENDAR\r\n");
	buf out = BUF_INIT;
	const char *p = b->data, *end = b->data + b->len;
	while (p < end) {
		const char *eol = strstr(p, "\r\n");
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p), col = 0, limit = 75;
		for (size_t i = 0; i < n;) {
			size_t len = 1;   /* the UTF-8 sequence starting at i */
			unsigned char c = (unsigned char)p[i];
			if (c >= 0xF0)
				len = 4;
			else if (c >= 0xE0)
				len = 3;
			else if (c >= 0xC0)
				len = 2;
			if (i + len > n)
				len = n - i;
			if (col + len > limit) {
				buf_puts(&out, "\r\n ");
				col = 0;
				limit = 74;   /* the leading space counts */
			}
			buf_add(&out, p + i, len);
			col += len;
			i += len;
		}
		buf_puts(&out, "\r\n");
		p += n + (eol ? 2 : 0);
	}
	buf_free(b);
	*b = out;
}
