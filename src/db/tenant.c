/* tenant: the scoped query helpers. */
#include "db/tenant.h"

#include <string.h>

int tdb_sql_scoped(const char *sql)
{
	/* An insert scoped by construction: first column tenant_id, first value $1. */
	if (strncmp(sql, "INSERT INTO ", 12) == 0) {
		const char *cols = strchr(sql, '(');
		const char *vals = strstr(sql, "VALUES ($1,");
		return cols && strncmp(cols, "(tenant_id,", 11) == 0 && vals;
	}
	/* "tenant_id = $1" (any alias prefix such as "a.tenant_id = $1"), not followed by a digit ($10). */
	for (const char *p = strstr(sql, "tenant_id = $1"); p; p = strstr(p + 1, "tenant_id = $1")) {
		char next = p[14];
		if (next < '0' || next > '9')
			return 1;
	}
	return 0;
}

static db_stmt *scoped(db *d, int64_t tenant_id, struct err *e, int *rc, const char *sql, const char *types, va_list ap)
{
	if (tenant_id <= 0) {
		err_set(e, 500, "db.scope", "Requête sans collectivité courante refusée.");
		return NULL;
	}
	if (!tdb_sql_scoped(sql)) {
		err_set(e, 500, "db.scope", "Requête non filtrée par collectivité refusée.");
		return NULL;
	}
	db_stmt *s = db_prepare(d, sql, e);
	if (!s)
		return NULL;
	if (db_bind_int64(s, 1, tenant_id) < 0 || db_bindv(s, 2, types, ap) < 0) {
		db_finalize(s);
		err_set(e, 500, "db.bind", "Paramètres de requête invalides.");
		return NULL;
	}
	*rc = db_step(s, e);
	if (*rc < 0) {
		db_finalize(s);
		return NULL;
	}
	return s;
}

db_stmt *tdb_query(db *d, int64_t tenant_id, struct err *e, int *rc, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	db_stmt *s = scoped(d, tenant_id, e, rc, sql, types, ap);
	va_end(ap);
	return s;
}

int tdb_run(db *d, int64_t tenant_id, struct err *e, const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;
	va_start(ap, types);
	db_stmt *s = scoped(d, tenant_id, e, &rc, sql, types, ap);
	va_end(ap);
	if (!s)
		return -1;
	db_finalize(s);
	return rc < 0 ? -1 : 0;
}

/* Runs the scoped query and reads the first column of its first row: 1 with *v, 0 when there is no
 * row (*v = 0), -1 with e when the query fails. */
static int first_int(db *d, int64_t tenant_id, struct err *e, int64_t *v, const char *sql, const char *types, va_list ap)
{
	int rc;
	db_stmt *s = scoped(d, tenant_id, e, &rc, sql, types, ap);
	if (!s)
		return -1;
	int row = rc == DB_ROW;
	*v = row ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	return row;
}

int64_t tdb_int(db *d, int64_t tenant_id, int64_t dflt, const char *sql, const char *types, ...)
{
	struct err e;
	int64_t v;
	va_list ap;
	va_start(ap, types);
	int row = first_int(d, tenant_id, &e, &v, sql, types, ap);
	va_end(ap);
	return row > 0 ? v : dflt;
}

int tdb_insert(db *d, int64_t tenant_id, struct err *e, int64_t *id, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int row = first_int(d, tenant_id, e, id, sql, types, ap);
	va_end(ap);
	return row < 0 ? -1 : 0;
}

db_stmt *tdb_row(db *d, int64_t tenant_id, struct err *e, const char *code, const char *msg, const char *sql, int64_t id)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant_id, e, &rc, sql, "i", id);
	if (s && rc != DB_ROW) {
		db_finalize(s);
		err_set(e, 404, code, "%s", msg);
		return NULL;
	}
	return s;
}

int tdb_data_version(db *d, int64_t tenant_id, const char *domain, int64_t *version, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant_id, e, &rc, "SELECT version FROM data_versions WHERE tenant_id = $1 AND domain = $2", "t", domain);
	if (!s)
		return -1;
	*version = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	return 0;
}
