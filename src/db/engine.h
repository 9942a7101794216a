/* engine: the operations each storage engine implements (internal to src/db). */
#ifndef OPALE_DB_ENGINE_H
#define OPALE_DB_ENGINE_H
#include "db/db.h"

struct db_ops {
	enum db_engine engine;
	int (*exec)(void *c, const char *sql, struct err *e);
	void *(*prepare)(void *c, const char *sql, struct err *e);
	int (*bind_text)(void *s, int idx, const char *v);
	int (*bind_int64)(void *s, int idx, int64_t v);
	int (*bind_null)(void *s, int idx);
	int (*bind_blob)(void *s, int idx, const void *v, size_t n);
	int (*step)(void *s, struct err *e);
	int (*col_count)(void *s);
	const char *(*col_text)(void *s, int col);
	int64_t (*col_int64)(void *s, int col);
	int (*col_isnull)(void *s, int col);
	const void *(*col_blob)(void *s, int col, size_t *n);
	void (*reset)(void *s);
	void (*free_stmt)(void *s);
	int64_t (*changes)(void *c, void *last_stmt);
	int (*in_tx)(void *c);
	int (*alive)(void *c);   /* 0 once the server connection is known to be lost */
	/* LISTEN channel (first call) and wait: 1 notified, 0 timeout, -1 error. NULL: unsupported. */
	int (*wait_notify)(void *c, const char *channel, int timeout_ms, struct err *e);
	void (*close)(void *c);
	/* Dialect: expansion of migration tokens. */
	const char *pk, *blob;
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

/* Opening: return the engine connection or NULL (e filled). */
void *db_sqlite_open(const char *path, struct err *e);
void *db_pg_open(const char *url, struct err *e);

#endif
