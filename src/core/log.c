/* log: JSON-lines logger; one write(2) per line so lines from threads never interleave. */
#include "core/log.h"
#include "core/buf.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;
static const char *const names[] = { "debug", "info", "warn", "error" };

void log_set_level(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			min_level = (enum log_level)i;
}

int log_enabled(enum log_level lvl) { return lvl >= min_level; }

static void stamp(buf *b)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char t[32];
	strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%S", &tm);
	buf_printf(b, "{\"ts\":\"%s.%03ldZ\"", t, ts.tv_nsec / 1000000);
}

void log_line(const char *json)
{
	buf b = BUF_INIT;
	stamp(&b);
	buf_printf(&b, ",%s}\n", json);
	ssize_t w = write(STDERR_FILENO, b.data, b.len);
	(void)w;
	buf_free(&b);
}

void log_msg(enum log_level lvl, const char *extra, const char *fmt, ...)
{
	if (lvl < min_level)
		return;
	buf m = BUF_INIT, b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&m, fmt, ap);
	va_end(ap);
	buf_printf(&b, "\"level\":\"%s\",\"msg\":", names[lvl]);
	buf_json_str(&b, m.data ? m.data : "");
	if (extra && *extra)
		buf_printf(&b, ",%s", extra);
	log_line(b.data);
	buf_free(&m);
	buf_free(&b);
}
