/* pg: the PostgreSQL engine through libpq — named prepared statements, text parameters (bytea as
 * binary), results stepped row by row, SQLSTATE mapped to stable error codes. */
#include "db/engine.h"
#include "core/mem.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAX_PARAMS 32

struct pg_conn {
	PGconn *c;
	int nstmt;      /* names s1, s2… */
	char listening[64];  /* channel this connection LISTENs on ("" none) */
};

struct pg_stmt {
	struct pg_conn *pc;
	char name[24];
	int nparams;
	char *vals[PG_MAX_PARAMS];
	int lens[PG_MAX_PARAMS], fmts[PG_MAX_PARAMS];
	PGresult *res;
	int row, nrows;
	unsigned char *blob;   /* decoded bytea of the last col_blob call */
};

static int pg_err(PGresult *r, PGconn *c, struct err *e)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	/* The primary message alone: one line, no "ERROR:" prefix nor DETAIL block. */
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg)
		msg = PQerrorMessage(c);
	if (state && strcmp(state, "23505") == 0)
		return err_set(e, 409, "db.conflict", "Cet élément existe déjà (%s).", msg);
	if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0))
		return err_set(e, 503, "db.busy", "Base de données occupée, réessayez.");
	if (state && strncmp(state, "23", 2) == 0)
		return err_set(e, 409, "db.contrainte", "Contrainte de la base non respectée (%s).", msg);
	if (!state || strncmp(state, "08", 2) == 0)
		return err_set(e, 503, "db.connexion", "Connexion PostgreSQL perdue : %s", msg);
	return err_set(e, 500, "db.erreur", "Erreur PostgreSQL %s : %s", state, msg);
}

static void quiet(void *arg, const PGresult *res)
{
	(void)arg;
	(void)res;
}

void *db_pg_open(const char *url, struct err *e)
{
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		err_set(e, 503, "db.ouverture", "Connexion PostgreSQL impossible : %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	PQsetClientEncoding(c, "UTF8");
	PQsetNoticeReceiver(c, quiet, NULL);
	struct pg_conn *pc = xcalloc(1, sizeof *pc);
	pc->c = c;
	return pc;
}

static int pgx_exec(void *p, const char *sql, struct err *e)
{
	struct pg_conn *pc = p;
	PGresult *r = PQexec(pc->c, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? 0 : pg_err(r, pc->c, e);
	PQclear(r);
	return rc;
}

static void *pgx_prepare(void *p, const char *sql, struct err *e)
{
	struct pg_conn *pc = p;
	struct pg_stmt *s = xcalloc(1, sizeof *s);
	s->pc = pc;
	snprintf(s->name, sizeof s->name, "s%d", ++pc->nstmt);
	PGresult *r = PQprepare(pc->c, s->name, sql, 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		pg_err(r, pc->c, e);
		PQclear(r);
		free(s);
		return NULL;
	}
	PQclear(r);
	r = PQdescribePrepared(pc->c, s->name);
	s->nparams = PQnparams(r);
	PQclear(r);
	if (s->nparams > PG_MAX_PARAMS) {
		err_set(e, 500, "db.parametres", "Trop de paramètres dans une requête.");
		free(s);
		return NULL;
	}
	return s;
}

static int set(struct pg_stmt *s, int idx, char *v, int len, int fmt)
{
	if (idx < 1 || idx > s->nparams) {
		free(v);
		return 0;  /* parameter not used by this SQL: same tolerance as SQLite */
	}
	free(s->vals[idx - 1]);
	s->vals[idx - 1] = v;
	s->lens[idx - 1] = len;
	s->fmts[idx - 1] = fmt;
	return 0;
}
static int pgx_bind_text(void *p, int idx, const char *v) { return set(p, idx, xstrdup(v), 0, 0); }
static int pgx_bind_int64(void *p, int idx, int64_t v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", (long long)v);
	return set(p, idx, xstrdup(b), 0, 0);
}
static int pgx_bind_null(void *p, int idx) { return set(p, idx, NULL, 0, 0); }
static int pgx_bind_blob(void *p, int idx, const void *v, size_t n)
{
	char *c = xmalloc(n ? n : 1);
	memcpy(c, v, n);
	return set(p, idx, c, (int)n, 1);
}

static int pgx_step(void *p, struct err *e)
{
	struct pg_stmt *s = p;
	if (!s->res) {
		s->res = PQexecPrepared(s->pc->c, s->name, s->nparams, (const char *const *)s->vals, s->lens, s->fmts, 0);
		ExecStatusType st = PQresultStatus(s->res);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			pg_err(s->res, s->pc->c, e);
			return -1;
		}
		s->nrows = PQntuples(s->res);
		s->row = -1;
	}
	if (++s->row < s->nrows)
		return DB_ROW;
	return DB_DONE;
}

static int pgx_col_count(void *p)
{
	struct pg_stmt *s = p;
	return s->res ? PQnfields(s->res) : 0;
}
static const char *pgx_col_text(void *p, int col)
{
	struct pg_stmt *s = p;
	if (!s->res || s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}
static int64_t pgx_col_int64(void *p, int col)
{
	const char *v = pgx_col_text(p, col);
	return v ? strtoll(v, NULL, 10) : 0;
}
static int pgx_col_isnull(void *p, int col)
{
	struct pg_stmt *s = p;
	return !s->res || s->row < 0 || PQgetisnull(s->res, s->row, col);
}
static const void *pgx_col_blob(void *p, int col, size_t *n)
{
	struct pg_stmt *s = p;
	const char *v = pgx_col_text(p, col);
	*n = 0;
	if (!v)
		return NULL;
	PQfreemem(s->blob);
	s->blob = PQunescapeBytea((const unsigned char *)v, n);
	return s->blob;
}
static void pgx_reset(void *p)
{
	struct pg_stmt *s = p;
	PQclear(s->res);
	s->res = NULL;
	s->row = s->nrows = 0;
	for (int i = 0; i < s->nparams; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
		s->lens[i] = s->fmts[i] = 0;
	}
	PQfreemem(s->blob);
	s->blob = NULL;
}
static void pgx_free(void *p)
{
	struct pg_stmt *s = p;
	pgx_reset(s);
	char sql[64];
	snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
	PQclear(PQexec(s->pc->c, sql));
	free(s);
}
static int64_t pgx_changes(void *c, void *last)
{
	(void)c;
	struct pg_stmt *s = last;
	if (!s || !s->res)
		return 0;
	const char *t = PQcmdTuples(s->res);
	return t && *t ? strtoll(t, NULL, 10) : 0;
}
static int pgx_in_tx(void *p)
{
	struct pg_conn *pc = p;
	return PQtransactionStatus(pc->c) != PQTRANS_IDLE;
}
static int drain_notifies(PGconn *c)
{
	int got = 0;
	PGnotify *n;
	while ((n = PQnotifies(c))) {
		got = 1;
		PQfreemem(n);
	}
	return got;
}

static int pgx_wait_notify(void *p, const char *channel, int timeout_ms, struct err *e)
{
	struct pg_conn *pc = p;
	if (strcmp(pc->listening, channel) != 0) {
		char *id = PQescapeIdentifier(pc->c, channel, strlen(channel));
		char sql[160];
		snprintf(sql, sizeof sql, "LISTEN %s", id ? id : "\"\"");
		PQfreemem(id);
		if (pgx_exec(pc, sql, e) < 0)
			return -1;
		snprintf(pc->listening, sizeof pc->listening, "%s", channel);
	}
	if (!PQconsumeInput(pc->c))
		return pg_err(NULL, pc->c, e);
	if (drain_notifies(pc->c))
		return 1;
	struct pollfd pfd = { .fd = PQsocket(pc->c), .events = POLLIN };
	int r = poll(&pfd, 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : err_set(e, 503, "db.connexion", "Attente PostgreSQL interrompue.");
	if (r == 0)
		return 0;
	if (!PQconsumeInput(pc->c))
		return pg_err(NULL, pc->c, e);
	return drain_notifies(pc->c);
}

static int pgx_alive(void *p)
{
	struct pg_conn *pc = p;
	return PQstatus(pc->c) == CONNECTION_OK;
}
static void pgx_close(void *p)
{
	struct pg_conn *pc = p;
	PQfinish(pc->c);
	free(pc);
}

const struct db_ops db_pg_ops = {
	.engine = DB_PG, .exec = pgx_exec, .prepare = pgx_prepare, .bind_text = pgx_bind_text, .bind_int64 = pgx_bind_int64,
	.bind_null = pgx_bind_null, .bind_blob = pgx_bind_blob, .step = pgx_step, .col_count = pgx_col_count,
	.col_text = pgx_col_text, .col_int64 = pgx_col_int64, .col_isnull = pgx_col_isnull, .col_blob = pgx_col_blob,
	.reset = pgx_reset, .free_stmt = pgx_free, .changes = pgx_changes, .in_tx = pgx_in_tx, .alive = pgx_alive, .wait_notify = pgx_wait_notify, .close = pgx_close,
	.pk = "BIGSERIAL PRIMARY KEY", .blob = "BYTEA",
};
