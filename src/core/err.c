/* err: fill an error record. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, int status, const char *code, const char *fmt, ...)
{
	if (!e)
		return -1;
	/* Formatted into locals first: callers may pass e->code or e->msg as arguments (rewrapping an error). */
	char c[sizeof e->code], m[sizeof e->msg];
	snprintf(c, sizeof c, "%s", code ? code : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	e->status = status;
	memcpy(e->code, c, sizeof c);
	memcpy(e->msg, m, sizeof m);
	return -1;
}

void err_clear(struct err *e)
{
	if (e)
		memset(e, 0, sizeof *e);
}
