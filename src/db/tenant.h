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
/* True when sql filters on the tenant (exposed for tests). */
int tdb_sql_scoped(const char *sql);

#endif
