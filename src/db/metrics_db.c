/* metrics_db: gauges counted in the database for /metrics (transmissions, files, mail queue). */
#include "db/db.h"
#include "core/buf.h"

#include <string.h>

void db_metrics_states(struct buf *out, const char *metric, const char *help, const char *sql, const char *const *states)
{
	int64_t n[32] = { 0 };
	struct err e;
	int rc;
	db *d = db_thread(&e);
	db_stmt *s = d ? db_query(d, &e, &rc, sql, "") : NULL;
	if (!s)
		return;
	for (; rc == DB_ROW; rc = db_step(s, &e))
		for (int i = 0; states[i] && i < 32; i++)
			if (db_col_text(s, 0) && strcmp(states[i], db_col_text(s, 0)) == 0)
				n[i] = db_col_int64(s, 1);
	db_finalize(s);
	buf_printf(out, "# HELP %s %s\n# TYPE %s gauge\n", metric, help, metric);
	for (int i = 0; states[i] && i < 32; i++)
		buf_printf(out, "%s{state=\"%s\"} %lld\n", metric, states[i], (long long)n[i]);
}
