/* tenant: tenant-scoped data access — the isolation rule lives here, not in each handler.
 * Every query on a collectivité's data goes through tdb_*: $1 is always bound to the tenant id by
 * this layer, and SQL that does not filter on "tenant_id = $1" is refused (500 db.scope) before it
 * runs, so a handler cannot forget the filter. Inserts must list tenant_id first with $1 as its value. Callers bind their own parameters from $2 on. */
#ifndef OPALE_DB_TENANT_H
#define OPALE_DB_TENANT_H
#include "db/db.h"

db_stmt *tdb_query(db *d, int64_t tenant_id, struct err *e, int *rc, const char *sql, const char *types, ...);
int tdb_run(db *d, int64_t tenant_id, struct err *e, const char *sql, const char *types, ...);
/* True when sql filters on the tenant (exposed for tests). */
int tdb_sql_scoped(const char *sql);

#endif
