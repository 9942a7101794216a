/* db: the one storage interface, two engines (SQLite, embedded default; PostgreSQL via libpq).
 * SQL is written once with $1, $2… placeholders (SQLite binds them by name, PostgreSQL natively).
 * Prepared statements only. A connection belongs to one thread at a time; db_thread() gives the
 * calling thread its own connection to the configured database.
 *
 * Portable SQL rules (migrations and queries): INTEGER/BIGINT ids, times as BIGINT Unix seconds (or µs
 * where stated), booleans as INTEGER 0/1, TEXT, BLOB only through db_bind_blob. Dialect differences
 * live in migrations as tokens expanded by the engine: {{pk}} (auto id primary key), {{blob}}. */
#ifndef OPALE_DB_H
#define OPALE_DB_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct db db;
typedef struct db_stmt db_stmt;

enum db_engine { DB_SQLITE = 1, DB_PG = 2 };
enum { DB_ROW = 1, DB_DONE = 0 };  /* db_step results; negative = error */

/* Configures the process-wide database: url NULL or "" → SQLite at DATA_DIR/opale.db;
 * "postgresql://…" → PostgreSQL. Must be called once before db_thread(). */
int db_configure(const char *data_dir, const char *url, struct err *e);
/* The calling thread's connection (opened lazily, closed at thread exit). NULL on failure (e filled). */
db *db_thread(struct err *e);
/* In a route handler: db_thread(), or NULL with a 503 « db.indisponible » answer set on r. */
struct req;
db *req_db(struct req *r);
/* The same with the short message « Base de données indisponible. » (no engine detail), as the pages answer. */
db *req_db_page(struct req *r);
/* Opens a standalone connection (caller closes it with db_close). */
int db_open(const char *data_dir, const char *url, db **out, struct err *e);
void db_close(db *d);
enum db_engine db_engine_of(const db *d);

/* Runs SQL without parameters (may hold several statements). */
int db_exec(db *d, const char *sql, struct err *e);

/* Prepares (cached per connection by SQL text: do not finalize cached statements yourself —
 * db_finalize resets them). NULL on error (e filled). */
db_stmt *db_prepare(db *d, const char *sql, struct err *e);
int db_bind_text(db_stmt *s, int idx, const char *v);       /* idx from 1; NULL binds NULL */
int db_bind_int64(db_stmt *s, int idx, int64_t v);
int db_bind_null(db_stmt *s, int idx);
int db_bind_blob(db_stmt *s, int idx, const void *v, size_t n);
/* Executes / advances: DB_ROW, DB_DONE, or negative with e filled (unique violation → code
 * "db.conflict", status 409; serialization/busy → "db.busy", status 503). */
int db_step(db_stmt *s, struct err *e);
int db_col_count(db_stmt *s);
const char *db_col_text(db_stmt *s, int col);   /* NULL for SQL NULL; valid until next step */
int64_t db_col_int64(db_stmt *s, int col);
int db_col_isnull(db_stmt *s, int col);
const void *db_col_blob(db_stmt *s, int col, size_t *n);
int64_t db_changes(db *d);       /* rows changed by the last statement */
void db_finalize(db_stmt *s);    /* resets and releases for reuse */

/* Convenience: prepare + bind by a type string ('t' text, 'i' int64, 'n' null) + first step.
 * Returns the statement positioned on its first row (check *rc for DB_ROW/DB_DONE) or NULL on error. */
db_stmt *db_query(db *d, struct err *e, int *rc, const char *sql, const char *types, ...);
/* Binds values described by types (as db_query) from parameter first_idx on; used by wrappers that
 * bind their own leading parameters, such as the tenant-scoped helpers. Returns 0 or -1. */
int db_bindv(db_stmt *s, int first_idx, const char *types, va_list ap);
/* Convenience: runs a statement with no result rows. Returns 0 or negative. */
int db_run(db *d, struct err *e, const char *sql, const char *types, ...);

/* Transactions. db_begin_write takes the write lock up front (SQLite BEGIN IMMEDIATE). */
int db_begin(db *d, struct err *e);
int db_begin_write(db *d, struct err *e);
int db_commit(db *d, struct err *e);
int db_rollback(db *d);
/* True inside an explicit transaction (lets helpers join the caller's transaction). */
int db_in_transaction(db *d);
/* For functions that work inside their caller's transaction or, called alone, in their own:
 * db_tx_join begins a write transaction unless one is open (*own says whether it did), db_tx_end
 * ends it — commit when rc == 0, else roll back — and returns rc (-1 when the commit failed).
 * Nothing happens at the end when the transaction was the caller's. */
int db_tx_join(db *d, int *own, struct err *e);
int db_tx_end(db *d, int own, int rc, struct err *e);

/* Cross-process wake-up (PostgreSQL LISTEN/NOTIFY). db_notify sends a notification on channel,
 * delivered when the caller's transaction commits (at once outside one); a no-op on SQLite.
 * db_wait_notify LISTENs on channel (first call on this connection) and waits up to timeout_ms:
 * 1 notified, 0 timed out, -1 error (db.notify 501 on SQLite: poll instead). */
int db_notify(db *d, const char *channel, struct err *e);
int db_wait_notify(db *d, const char *channel, int timeout_ms, struct err *e);

/* SQLite has a single write lock and no queue: a job worker committing and claiming again at once
 * could hold it for a whole burst while a request's write waited seconds. Background threads (job
 * workers) call db_set_background(1); db_contended() is then true when a foreground thread of this
 * process waited for the write lock in the last 50 ms, and the worker pauses before its next job.
 * Never true on PostgreSQL (row locks, no single writer). */
void db_set_background(int on);
int db_contended(void);

/* Migrations embedded from src/db/migrations/NNNN_name.sql: forward-only, each in a transaction;
 * refuses to run on a schema newer than the binary knows. */
int db_migrate(db *d, struct err *e);
/* The same runner over another file set (names "src/db/migrations/NNNN_name.sql"; tests). */
struct embedded_file;
int db_migrate_files(db *d, const struct embedded_file *files, struct err *e);
/* Highest version recorded in the database (0 when none) and highest version this binary carries.
 * Numbers are reserved by module, so equal maxima do not mean up to date: use db_schema_check. */
int db_schema_version(db *d);
int db_schema_known(void);
/* 0 when every embedded migration is applied and none unknown is recorded; else db.schema_ancien
 * (run `opale migrate`) or db.schema_recent (a newer binary migrated this database), status 409. */
int db_schema_check(db *d, struct err *e);

/* For /metrics (Prometheus text): one gauge family with a series per state, 0 for the states sql
 * (rows of state, count — across collectivités) does not return; nothing when the database does
 * not answer. states is NULL-terminated. */
struct buf;
void db_metrics_states(struct buf *out, const char *metric, const char *help, const char *sql, const char *const *states);

#endif
