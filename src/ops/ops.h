/* ops: operating an installation — `opale backup` and `opale restore` (consistent archive of the
 * database and the document store while the server runs), helpers shared by both: the inventory of
 * a database (tables, row counts, documents it references) and PostgreSQL client tools run without
 * a password on their command line. See docs/operations.md. */
#ifndef OPALE_OPS_H
#define OPALE_OPS_H
#include <jansson.h>

#include "core/err.h"
#include "db/db.h"

#define OPS_FORMAT "opale-backup"
#define OPS_FORMAT_VERSION 1

/* Inventory of a database as one transaction sees it: {"tables":{"name":rows…},"schema":[versions…]}
 * and the sorted, distinct SHA-256 of every document referenced by a column named sha256 or
 * *_sha256 (so a module adding such a column is covered without touching this code). Run it inside
 * the transaction whose snapshot is being saved. Returns NULL on error (e filled). */
struct ops_refs {
	char (*sha)[65];
	size_t n, cap;
};
json_t *ops_inventory(db *d, struct ops_refs *refs, struct err *e);
void ops_refs_free(struct ops_refs *r);
int ops_refs_has(const struct ops_refs *r, const char *sha);

/* Runs a PostgreSQL client tool (pg_dump, pg_restore) for the database at url: the connection
 * parameters go through the PG* environment variables (no password in the process list). argv is
 * the tool's arguments after its name, NULL-terminated. Its standard error is kept in err_out
 * (truncated). Returns the exit status, or -1 when it could not be run. */
int ops_pg_tool(const char *tool, const char *url, const char *const *argv, char *err_out, size_t err_len);
/* The database name of a PostgreSQL URL (for pg_restore -d). */
int ops_pg_dbname(const char *url, char *out, size_t n);

/* True for 64 lower-case hex digits. */
int ops_is_sha(const char *s);

#endif
