/* tenant: tenant-scoped data access — the isolation rule lives here, not in each handler.
 * Every query on a collectivité's data goes through tdb_*: $1 is always bound to the tenant id by
 * this layer, and SQL that does not filter on "tenant_id = $1" is refused (500 db.scope) before it
 * runs, so a handler cannot forget the filter. Inserts must list tenant_id first with $1 as its value. Callers bind their own parameters from $2 on. */
#ifndef OPALE_DB_TENANT_H
#define OPALE_DB_TENANT_H
#include "db/db.h"

db_stmt *tdb_query(db *d, int64_t tenant_id, struct err *e, int *rc, const char *sql, const char *types, ...);
int tdb_run(db *d, int64_t tenant_id, struct err *e, const char *sql, const char *types, ...);
/* The collectivité's data version of domain ("actes"), kept by the database's triggers
 * (migration 0022_data_versions.sql): it grows with every committed write to the domain's tables,
 * whoever the writer. 0 when nothing was written since the migration. One indexed SELECT. */
int tdb_data_version(db *d, int64_t tenant_id, const char *domain, int64_t *version, struct err *e);
/* The first column of the query's first row as an integer; dflt when there is no row or the query
 * fails (the error is dropped: for lookups whose failure reads as "not found"). */
int64_t tdb_int(db *d, int64_t tenant_id, int64_t dflt, const char *sql, const char *types, ...);
/* Runs sql, a SELECT of one object of the collectivité ($2 its id), and returns its row to read and
 * finalize: NULL with e on failure, 404 with code and msg when there is no such object. */
db_stmt *tdb_row(db *d, int64_t tenant_id, struct err *e, const char *code, const char *msg, const char *sql, int64_t id);
/* Runs an "INSERT … RETURNING id" and sets *id: 0, or -1 with e. */
int tdb_insert(db *d, int64_t tenant_id, struct err *e, int64_t *id, const char *sql, const char *types, ...);
/* 1 when the query returns a row whose first column is not 0 — select an id or 1 —, else 0 (same
 * dropped error). */
#define tdb_exists(d, tenant_id, ...) (tdb_int((d), (tenant_id), 0, __VA_ARGS__) != 0)
/* True when sql filters on the tenant (exposed for tests). */
int tdb_sql_scoped(const char *sql);

#endif
