/* sqlite: the embedded engine — WAL, foreign keys, busy timeout; "$N" parameters bound by name. */
#include "db/engine.h"
#include "core/mem.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct sq_stmt {
	sqlite3_stmt *st;
	sqlite3 *conn;
	int stepped;
};

static int sq_err(sqlite3 *c, int rc, struct err *e)
{
	int ext = sqlite3_extended_errcode(c);
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return err_set(e, 409, "db.conflict", "Cet élément existe déjà (%s).", sqlite3_errmsg(c));
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return err_set(e, 503, "db.busy", "Base de données occupée, réessayez.");
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return err_set(e, 409, "db.contrainte", "Contrainte de la base non respectée (%s).", sqlite3_errmsg(c));
	return err_set(e, 500, "db.erreur", "Erreur SQLite : %s.", sqlite3_errmsg(c));
}

/* SQLite has one write lock and no queue of waiters: a waiter only gets it if it polls while it is
 * free. Waiters poll often (100 µs for 2 ms, then every 1 ms, ~15 s in all) and a wait by a
 * foreground thread is recorded so background job workers can step aside (db_contended). */
static _Thread_local int tl_background;
static _Atomic int64_t last_fg_wait_us;

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int busy_wait(void *arg, int count)
{
	(void)arg;
	if (!tl_background)
		atomic_store(&last_fg_wait_us, mono_us());
	int64_t waited_us = count < 20 ? (int64_t)count * 100 : 2000 + (int64_t)(count - 20) * 1000;
	if (waited_us >= 15000000)
		return 0;
	usleep(count < 20 ? 100 : 1000);
	return 1;
}

void db_set_background(int on) { tl_background = on; }
int db_contended(void) { return mono_us() - atomic_load(&last_fg_wait_us) < 50000; }

void *db_sqlite_open(const char *path, struct err *e)
{
	sqlite3 *c = NULL;
	int rc = sqlite3_open_v2(path, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err_set(e, 503, "db.ouverture", "Ouverture de %s impossible : %s.", path, c ? sqlite3_errmsg(c) : "mémoire");
		sqlite3_close(c);
		return NULL;
	}
	sqlite3_busy_handler(c, busy_wait, NULL);
	char *msg = NULL;
	if (sqlite3_exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", NULL, NULL,
			 &msg) != SQLITE_OK) {
		err_set(e, 503, "db.ouverture", "Configuration SQLite impossible : %s.", msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(c);
		return NULL;
	}
	return c;
}

static int sq_exec(void *c, const char *sql, struct err *e)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c, sql, NULL, NULL, &msg);
	sqlite3_free(msg);
	return rc == SQLITE_OK ? 0 : sq_err(c, rc, e);
}

static void *sq_prepare(void *c, const char *sql, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(c, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		sq_err(c, rc, e);
		return NULL;
	}
	struct sq_stmt *s = xcalloc(1, sizeof *s);
	s->st = st;
	s->conn = c;
	return s;
}

/* "$N" by name: SQLite numbers "$1" by first appearance otherwise (stack notes). */
static int param(struct sq_stmt *s, int idx)
{
	char name[16];
	snprintf(name, sizeof name, "$%d", idx);
	return sqlite3_bind_parameter_index(s->st, name);
}

static int sq_bind_text(void *p, int idx, const char *v)
{
	struct sq_stmt *s = p;
	int i = param(s, idx);
	return i && sqlite3_bind_text(s->st, i, v, -1, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : (i ? -1 : 0);
}
static int sq_bind_int64(void *p, int idx, int64_t v)
{
	struct sq_stmt *s = p;
	int i = param(s, idx);
	return i && sqlite3_bind_int64(s->st, i, v) == SQLITE_OK ? 0 : (i ? -1 : 0);
}
static int sq_bind_null(void *p, int idx)
{
	struct sq_stmt *s = p;
	int i = param(s, idx);
	return i && sqlite3_bind_null(s->st, i) == SQLITE_OK ? 0 : (i ? -1 : 0);
}
static int sq_bind_blob(void *p, int idx, const void *v, size_t n)
{
	struct sq_stmt *s = p;
	int i = param(s, idx);
	return i && sqlite3_bind_blob64(s->st, i, v, n, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : (i ? -1 : 0);
}

static int sq_step(void *p, struct err *e)
{
	struct sq_stmt *s = p;
	int rc = sqlite3_step(s->st);
	s->stepped = 1;
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	sq_err(s->conn, rc, e);
	return -1;
}

static int sq_col_count(void *p) { return sqlite3_column_count(((struct sq_stmt *)p)->st); }
static const char *sq_col_text(void *p, int col)
{
	return (const char *)sqlite3_column_text(((struct sq_stmt *)p)->st, col);
}
static int64_t sq_col_int64(void *p, int col) { return sqlite3_column_int64(((struct sq_stmt *)p)->st, col); }
static int sq_col_isnull(void *p, int col) { return sqlite3_column_type(((struct sq_stmt *)p)->st, col) == SQLITE_NULL; }
static const void *sq_col_blob(void *p, int col, size_t *n)
{
	struct sq_stmt *s = p;
	const void *b = sqlite3_column_blob(s->st, col);
	*n = (size_t)sqlite3_column_bytes(s->st, col);
	return b;
}
static void sq_reset(void *p)
{
	struct sq_stmt *s = p;
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
}
static void sq_free(void *p)
{
	struct sq_stmt *s = p;
	sqlite3_finalize(s->st);
	free(s);
}
static int64_t sq_changes(void *c, void *last)
{
	(void)last;
	return sqlite3_changes64(c);
}
static int sq_in_tx(void *c) { return !sqlite3_get_autocommit(c); }
static int sq_alive(void *c)
{
	(void)c;
	return 1;
}
static void sq_close(void *c) { sqlite3_close_v2(c); }

const struct db_ops db_sqlite_ops = {
	.engine = DB_SQLITE, .exec = sq_exec, .prepare = sq_prepare, .bind_text = sq_bind_text, .bind_int64 = sq_bind_int64,
	.bind_null = sq_bind_null, .bind_blob = sq_bind_blob, .step = sq_step, .col_count = sq_col_count,
	.col_text = sq_col_text, .col_int64 = sq_col_int64, .col_isnull = sq_col_isnull, .col_blob = sq_col_blob,
	.reset = sq_reset, .free_stmt = sq_free, .changes = sq_changes, .in_tx = sq_in_tx, .alive = sq_alive, .close = sq_close,
	.pk = "INTEGER PRIMARY KEY AUTOINCREMENT", .blob = "BLOB",
};
