/* log: structured logs, one JSON object per line on stderr (journald-friendly). */
#ifndef OPALE_LOG_H
#define OPALE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(const char *name);
/* True when lines of level lvl are written (callers skip building what would be dropped). */
int log_enabled(enum log_level lvl);
/* msg is free text; extra is NULL or a preformatted JSON fragment `"k":v,…` appended to the object. */
void log_msg(enum log_level lvl, const char *extra, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define log_info(...) log_msg(LOG_INFO, NULL, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, NULL, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, NULL, __VA_ARGS__)
/* Writes a ready JSON line (used by the access log). */
void log_line(const char *json);

#endif
