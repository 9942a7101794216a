/* db: engine dispatch, statement cache, per-thread connections, convenience queries. */
#include "db/db.h"
#include "db/engine.h"
#include "core/mem.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define CACHE_MAX 256

struct db_stmt {
	db *d;
	void *impl;
	uint64_t hash;         /* of sql: most cache probes stop here */
	char *sql;
	int busy;              /* handed out and not yet finalized */
};

struct db {
	const struct db_ops *ops;
	void *conn;
	struct db_stmt *cache[CACHE_MAX];
	int ncache;
	int nbusy;             /* statements handed out and not yet finalized */
	int64_t last_changes;
	char *data_dir, *url;  /* to reconnect */
};

static char g_data_dir[1024];
static char g_url[1024];
static int g_configured;
static pthread_key_t g_key;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void thread_close(void *p) { db_close(p); }
static void make_key(void) { pthread_key_create(&g_key, thread_close); }

int db_configure(const char *data_dir, const char *url, struct err *e)
{
	if (snprintf(g_data_dir, sizeof g_data_dir, "%s", data_dir ? data_dir : "var") >= (int)sizeof g_data_dir ||
	    snprintf(g_url, sizeof g_url, "%s", url ? url : "") >= (int)sizeof g_url)
		return err_set(e, 400, "db.config", "Chemin ou URL de base de données trop long.");
	pthread_once(&g_once, make_key);
	g_configured = 1;
	return 0;
}

static void *open_conn(const struct db_ops *ops, const char *data_dir, const char *url, struct err *e)
{
	if (ops == &db_pg_ops)
		return db_pg_open(url, e);
	char path[1100];
	if (!data_dir)
		data_dir = "var";
	mkdir(data_dir, 0750);
	snprintf(path, sizeof path, "%s/opale.db", data_dir);
	return db_sqlite_open(path, e);
}

static void drop_cache(db *d)
{
	for (int i = 0; i < d->ncache; i++) {
		d->ops->free_stmt(d->cache[i]->impl);
		free(d->cache[i]->sql);
		free(d->cache[i]);
	}
	d->ncache = 0;
}

/* A PostgreSQL restart or a network cut leaves the thread's connection dead: the query that noticed
 * failed (db.connexion); the next unit of work gets a fresh connection in the same db object, so
 * callers holding the pointer stay valid. Only between units of work: no statement handed out, no
 * transaction open. */
static int reconnect_if_lost(db *d, struct err *e)
{
	if (d->ops->alive(d->conn) || d->nbusy > 0)
		return 0;
	void *c = open_conn(d->ops, d->data_dir, d->url, e);
	if (!c)
		return -1;
	drop_cache(d);
	d->ops->close(d->conn);
	d->conn = c;
	return 0;
}

db *db_thread(struct err *e)
{
	if (!g_configured) {
		err_set(e, 500, "db.config", "Base de données non configurée.");
		return NULL;
	}
	db *d = pthread_getspecific(g_key);
	if (d)
		return reconnect_if_lost(d, e) < 0 ? NULL : d;
	if (db_open(g_data_dir, g_url, &d, e) < 0)
		return NULL;
	pthread_setspecific(g_key, d);
	return d;
}

int db_open(const char *data_dir, const char *url, db **out, struct err *e)
{
	const struct db_ops *ops = &db_sqlite_ops;
	if (url && strncmp(url, "postgres", 8) == 0)
		ops = &db_pg_ops;
	else if (url && *url)
		return err_set(e, 400, "db.url", "URL de base de données non reconnue (attendu postgresql://…).");
	void *c = open_conn(ops, data_dir, url, e);
	if (!c)
		return -1;
	db *d = xcalloc(1, sizeof *d);
	d->ops = ops;
	d->conn = c;
	d->data_dir = xstrdup(data_dir ? data_dir : "var");
	d->url = xstrdup(url ? url : "");
	*out = d;
	return 0;
}

void db_close(db *d)
{
	if (!d)
		return;
	drop_cache(d);
	d->ops->close(d->conn);
	free(d->data_dir);
	free(d->url);
	free(d);
}

enum db_engine db_engine_of(const db *d) { return d->ops->engine; }

int db_exec(db *d, const char *sql, struct err *e) { return d->ops->exec(d->conn, sql, e); }

/* FNV-1a. The cache is keyed by the SQL text, never by its address: a caller may build different
 * SQL in the same buffer. */
static uint64_t sql_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

db_stmt *db_prepare(db *d, const char *sql, struct err *e)
{
	uint64_t h = sql_hash(sql);
	for (int i = 0; i < d->ncache; i++) {
		struct db_stmt *s = d->cache[i];
		if (!s->busy && s->hash == h && strcmp(s->sql, sql) == 0) {
			s->busy = 1;
			d->nbusy++;
			return s;
		}
	}
	void *impl = d->ops->prepare(d->conn, sql, e);
	if (!impl)
		return NULL;
	struct db_stmt *s = xcalloc(1, sizeof *s);
	s->d = d;
	s->impl = impl;
	s->hash = h;
	s->sql = xstrdup(sql);
	s->busy = 1;
	d->nbusy++;
	if (d->ncache < CACHE_MAX) {
		d->cache[d->ncache++] = s;
	} else {
		/* Cache full (dynamic SQL): this statement lives until finalized. */
		s->busy = 2;
	}
	return s;
}

int db_bind_text(db_stmt *s, int idx, const char *v)
{
	return v ? s->d->ops->bind_text(s->impl, idx, v) : s->d->ops->bind_null(s->impl, idx);
}
int db_bind_int64(db_stmt *s, int idx, int64_t v) { return s->d->ops->bind_int64(s->impl, idx, v); }
int db_bind_null(db_stmt *s, int idx) { return s->d->ops->bind_null(s->impl, idx); }
int db_bind_blob(db_stmt *s, int idx, const void *v, size_t n) { return s->d->ops->bind_blob(s->impl, idx, v, n); }

int db_step(db_stmt *s, struct err *e)
{
	int rc = s->d->ops->step(s->impl, e);
	if (rc >= 0)
		s->d->last_changes = s->d->ops->changes(s->d->conn, s->impl);
	return rc;
}
int db_col_count(db_stmt *s) { return s->d->ops->col_count(s->impl); }
const char *db_col_text(db_stmt *s, int col) { return s->d->ops->col_text(s->impl, col); }
int64_t db_col_int64(db_stmt *s, int col) { return s->d->ops->col_int64(s->impl, col); }
int db_col_isnull(db_stmt *s, int col) { return s->d->ops->col_isnull(s->impl, col); }
const void *db_col_blob(db_stmt *s, int col, size_t *n) { return s->d->ops->col_blob(s->impl, col, n); }
int64_t db_changes(db *d) { return d->last_changes; }

void db_finalize(db_stmt *s)
{
	if (!s)
		return;
	if (!s->busy)
		return;   /* finalized twice */
	s->d->ops->reset(s->impl);
	s->d->nbusy--;
	if (s->busy == 2) {
		s->d->ops->free_stmt(s->impl);
		free(s->sql);
		free(s);
		return;
	}
	s->busy = 0;
}

int db_bindv(db_stmt *s, int first, const char *types, va_list ap)
{
	int idx = first;
	for (const char *t = types; *t; t++, idx++) {
		int rc;
		switch (*t) {
		case 't': rc = db_bind_text(s, idx, va_arg(ap, const char *)); break;
		case 'i': rc = db_bind_int64(s, idx, va_arg(ap, int64_t)); break;
		case 'n': rc = db_bind_null(s, idx); break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = db_bind_blob(s, idx, p, n);
			break;
		}
		default: return -1;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

db_stmt *db_query(db *d, struct err *e, int *rc, const char *sql, const char *types, ...)
{
	db_stmt *s = db_prepare(d, sql, e);
	if (!s)
		return NULL;
	va_list ap;
	va_start(ap, types);
	int b = db_bindv(s, 1, types, ap);
	va_end(ap);
	if (b < 0) {
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

int db_run(db *d, struct err *e, const char *sql, const char *types, ...)
{
	db_stmt *s = db_prepare(d, sql, e);
	if (!s)
		return -1;
	va_list ap;
	va_start(ap, types);
	int b = db_bindv(s, 1, types, ap);
	va_end(ap);
	if (b < 0) {
		db_finalize(s);
		return err_set(e, 500, "db.bind", "Paramètres de requête invalides.");
	}
	int rc = db_step(s, e);
	db_finalize(s);
	return rc < 0 ? -1 : 0;
}

int db_notify(db *d, const char *channel, struct err *e)
{
	if (!d->ops->wait_notify)
		return 0;
	return db_run(d, e, "SELECT pg_notify($1, '')", "t", channel);
}

int db_wait_notify(db *d, const char *channel, int timeout_ms, struct err *e)
{
	if (!d->ops->wait_notify)
		return err_set(e, 501, "db.notify", "Notifications non disponibles avec ce moteur.");
	return d->ops->wait_notify(d->conn, channel, timeout_ms, e);
}

int db_begin(db *d, struct err *e) { return db_exec(d, "BEGIN", e); }
int db_begin_write(db *d, struct err *e)
{
	return db_exec(d, d->ops->engine == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN", e);
}
int db_commit(db *d, struct err *e) { return db_exec(d, "COMMIT", e); }
int db_rollback(db *d)
{
	struct err e;
	if (!d->ops->in_tx(d->conn))
		return 0;
	return db_exec(d, "ROLLBACK", &e);
}
int db_in_transaction(db *d) { return d->ops->in_tx(d->conn); }

int db_tx_join(db *d, int *own, struct err *e)
{
	*own = !db_in_transaction(d);
	return *own ? db_begin_write(d, e) : 0;
}

int db_tx_end(db *d, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc == 0 && db_commit(d, e) == 0)
		return 0;
	db_rollback(d);
	return -1;
}
