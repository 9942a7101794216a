/* dbtest: a fresh, migrated database on the engine chosen by the runner (OPALE_TEST_DB=sqlite|pg). */
#ifndef OPALE_DBTEST_H
#define OPALE_DBTEST_H
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* Creates a temp data dir (dir, ≥ 256 bytes) and, for PostgreSQL, a new database (url, ≥ 512 bytes,
 * "" for SQLite). Returns 0 or -1. */
int dbtest_new(char *dir, char *url);
/* dbtest_new + db_configure + migrate; returns the calling thread's connection or NULL. */
db *dbtest_open(char *dir, char *url);
/* The first column of sql's first row as an integer (no parameter); -1 when the query fails or
 * returns no row, so that a broken query cannot pass for a count of 0. */
int64_t dbtest_int(db *d, const char *sql);
/* Monotonic clock in microseconds, to time what the database and the workers do. */
int64_t dbtest_mono_us(void);

#endif
