/* Storage interface on the engine under test (OPALE_TEST_DB=sqlite|pg): $N bound by name, value
 * round-trips (unicode, bytes with NUL, int64, NULL), error mapping (unique → db.conflict 409,
 * other constraints → db.contrainte, write conflict → db.busy 503, syntax → db.erreur 500), changes,
 * transactions, the statement cache, per-thread connections and reconnection after a lost server. */
#include "dbtest.h"
#include "t.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *one_text(db *d, const char *sql, const char *types, const char *a, const char *b, char *out, size_t n)
{
	struct err e;
	int rc;
	db_stmt *s = db_query(d, &e, &rc, sql, types, a, b);
	if (!s || rc != DB_ROW) {
		snprintf(out, n, "(erreur : %.200s)", s ? "aucune ligne" : e.msg);
		if (s)
			db_finalize(s);
		return out;
	}
	snprintf(out, n, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "(null)");
	db_finalize(s);
	return out;
}

static void binding_and_values(db *d)
{
	struct err e;
	char out[512];
	T_EQ_STR(one_text(d, "SELECT CAST($2 AS TEXT) || '-' || CAST($1 AS TEXT)", "tt", "un", "deux", out, sizeof out), "deux-un",
		 "$2 before $1 in the SQL text: each bound by its number");
	T_EQ_STR(one_text(d, "SELECT CAST($1 AS TEXT) || CAST($2 AS TEXT) || CAST($1 AS TEXT)", "tt", "a", "b", out, sizeof out), "aba",
		 "$1 used twice");

	const char *u = "Délibération n° 2024-12 — « Élu » ✓ 😀 中文 e\xcc\x81 \xe2\x80\xaf fin";
	T_OK(db_run(d, &e, "INSERT INTO kv (k, v) VALUES ($1, $2)", "tt", "unicode", u) == 0, "unicode text inserted");
	T_EQ_STR(one_text(d, "SELECT v FROM kv WHERE k = $1", "t", "unicode", NULL, out, sizeof out), u,
		 "unicode text read back byte for byte");
	int rc;
	db_stmt *s = db_query(d, &e, &rc, "SELECT LENGTH($1), LOWER($2)", "tt", "é😀", "ÉCOLE");
	T_OK(s && rc == DB_ROW && db_col_int64(s, 0) == 2, "the engine counts characters, not bytes (UTF-8 end to end)");
	if (s)
		db_finalize(s);

	db_exec(d, db_engine_of(d) == DB_PG ? "CREATE TABLE t_bin (id INTEGER PRIMARY KEY, b BYTEA, n BIGINT)"
					  : "CREATE TABLE t_bin (id INTEGER PRIMARY KEY, b BLOB, n BIGINT)", &e);
	unsigned char bytes[300];
	for (int i = 0; i < 300; i++)
		bytes[i] = (unsigned char)(i * 7);
	bytes[0] = 0;
	s = db_prepare(d, "INSERT INTO t_bin (id, b, n) VALUES ($1, $2, $3)", &e);
	T_OK(s && db_bind_int64(s, 1, 1) == 0 && db_bind_blob(s, 2, bytes, sizeof bytes) == 0 &&
	     db_bind_int64(s, 3, INT64_MAX) == 0 && db_step(s, &e) == DB_DONE, "bytes with NUL and int64 max inserted");
	db_finalize(s);
	s = db_prepare(d, "INSERT INTO t_bin (id, b, n) VALUES ($1, $2, $3)", &e);
	T_OK(s && db_bind_int64(s, 1, 2) == 0 && db_bind_null(s, 2) == 0 && db_bind_int64(s, 3, INT64_MIN + 1) == 0 &&
	     db_step(s, &e) == DB_DONE, "NULL and a large negative inserted");
	db_finalize(s);
	s = db_query(d, &e, &rc, "SELECT b, n FROM t_bin ORDER BY id", "");
	size_t n = 0;
	const void *b = s && rc == DB_ROW ? db_col_blob(s, 0, &n) : NULL;
	T_OK(b && n == sizeof bytes && memcmp(b, bytes, n) == 0, "bytes read back identical (NUL, 0xff…)");
	T_OK(s && db_col_int64(s, 1) == INT64_MAX, "int64 max read back");
	rc = s ? db_step(s, &e) : -1;
	T_OK(rc == DB_ROW && db_col_isnull(s, 0) && db_col_text(s, 0) == NULL && db_col_int64(s, 1) == INT64_MIN + 1,
	     "NULL reads as NULL; negative int64 read back");
	T_EQ_INT(s ? db_step(s, &e) : -1, DB_DONE, "then the rows are exhausted");
	db_finalize(s);
	T_EQ_STR(one_text(d, "SELECT CASE WHEN CAST($1 AS TEXT) IS NULL THEN 'nul' ELSE 'valeur' END", "t", NULL, NULL, out, sizeof out), "nul",
		 "db_bind_text(NULL) binds SQL NULL");
	T_EQ_STR(one_text(d, "SELECT v FROM kv WHERE k = $1", "ti", "unicode", NULL, out, sizeof out), u,
		 "a parameter the SQL does not use is ignored on both engines");
}

static void errors(db *d)
{
	struct err e = { 0 };
	db_run(d, &e, "INSERT INTO kv (k, v) VALUES ('dup', 'a')", "");
	T_OK(db_run(d, &e, "INSERT INTO kv (k, v) VALUES ('dup', 'b')", "") < 0 && strcmp(e.code, "db.conflict") == 0 && e.status == 409,
	     "unique violation → db.conflict, 409");
	printf("# %s\n", e.msg);
	T_OK(db_run(d, &e, "INSERT INTO kv (k, v) VALUES ('sans', NULL)", "") < 0 && strcmp(e.code, "db.contrainte") == 0 && e.status == 409,
	     "NOT NULL violation → db.contrainte, 409");
	T_OK(db_run(d, &e, "INSERT INTO memberships (user_id, tenant_id, roles) VALUES (999, 999, 1)", "") < 0 &&
	     strcmp(e.code, "db.contrainte") == 0, "foreign key violation → db.contrainte (foreign keys on for SQLite too)");
	T_OK(db_run(d, &e, "SELEC nothing", "") < 0 && strcmp(e.code, "db.erreur") == 0 && e.status == 500, "syntax error → db.erreur, 500");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM kv WHERE k = 'dup'"), 1, "the connection is usable after errors");

	/* Write conflict: a transaction read a row another connection then changed. */
	char dir[256], url[512];
	db *other = NULL;
	const char *durl = getenv("DBT_URL"), *ddir = getenv("DBT_DIR");
	snprintf(dir, sizeof dir, "%s", ddir);
	snprintf(url, sizeof url, "%s", durl);
	T_OK(db_open(dir, url, &other, &e) == 0, "a second connection to the same database");
	if (!other)
		return;
	db_exec(d, db_engine_of(d) == DB_PG ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN", &e);
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM kv WHERE k = 'dup'"), 1, "transaction A reads");
	T_OK(db_run(other, &e, "UPDATE kv SET v = 'autre' WHERE k = 'dup'", "") == 0, "connection B changes the row and commits");
	int rc = db_run(d, &e, "UPDATE kv SET v = 'moi' WHERE k = 'dup'", "");
	T_OK(rc < 0 && strcmp(e.code, "db.busy") == 0 && e.status == 503, "A's write on its stale snapshot → db.busy, 503 (retry)");
	printf("# %s / %s\n", e.code, e.msg);
	T_OK(db_in_transaction(d), "A is still inside its transaction");
	db_rollback(d);
	T_OK(!db_in_transaction(d), "rollback ends it");
	db_close(other);
}

static void transactions_and_cache(db *d)
{
	struct err e;
	T_OK(db_begin_write(d, &e) == 0 && db_in_transaction(d), "write transaction begins");
	db_run(d, &e, "INSERT INTO kv (k, v) VALUES ('tx', '1')", "");
	db_rollback(d);
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM kv WHERE k = 'tx'"), 0, "rolled back writes are gone");
	T_OK(db_begin(d, &e) == 0 && db_run(d, &e, "INSERT INTO kv (k, v) VALUES ('tx', '1')", "") == 0 && db_commit(d, &e) == 0,
	     "committed transaction");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM kv WHERE k = 'tx'"), 1, "committed writes stay");
	db_exec(d, "INSERT INTO kv (k, v) VALUES ('c1', 'x'); INSERT INTO kv (k, v) VALUES ('c2', 'x'); INSERT INTO kv (k, v) VALUES ('c3', 'x')", &e);
	T_OK(db_run(d, &e, "UPDATE kv SET v = 'y' WHERE v = 'x'", "") == 0 && db_changes(d) == 3,
	     "db_exec runs several statements; db_changes counts 3 updated rows");

	const char *q = "SELECT k FROM kv WHERE k LIKE 'c%' ORDER BY k";
	db_stmt *a = db_prepare(d, q, &e);
	db_stmt *b = db_prepare(d, q, &e);
	T_OK(a && b && a != b, "the same SQL prepared while in use gives a second statement");
	int ra = db_step(a, &e), nested = 0;
	while (ra == DB_ROW) {
		int rb = db_step(b, &e);
		while (rb == DB_ROW) {
			nested++;
			rb = db_step(b, &e);
		}
		db_finalize(b);
		b = db_prepare(d, q, &e);
		ra = db_step(a, &e);
	}
	T_EQ_INT(nested, 9, "nested iteration over the same query (3 × 3 rows)");
	db_finalize(a);
	db_finalize(b);
	T_OK(db_prepare(d, q, &e) == a, "a finalized statement is reused from the cache");
	db_finalize(a);

	int okc = 0;
	for (int i = 0; i < 300; i++) {
		char sql[64];
		snprintf(sql, sizeof sql, "SELECT %d", i);
		okc += dbtest_int(d, sql) == i;
	}
	T_EQ_INT(okc, 300, "300 distinct SQL texts (more than the cache holds) all run");
}

static pthread_barrier_t all_open;

static void *thread_body(void *arg)
{
	struct err e;
	db *d = db_thread(&e);
	*(db **)arg = d;
	char k[32];
	snprintf(k, sizeof k, "th-%p", (void *)d);
	if (d)
		db_run(d, &e, "INSERT INTO kv (k, v) VALUES ($1, 'x')", "t", k);
	pthread_barrier_wait(&all_open);   /* all alive at once: pointers compared before any is freed */
	return NULL;
}

static void threads(db *d)
{
	pthread_t th[8];
	db *conns[8];
	pthread_barrier_init(&all_open, NULL, 8);
	for (int i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, thread_body, &conns[i]);
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	int distinct = 1;
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 8; j++)
			if (!conns[i] || conns[i] == d || (i != j && conns[i] == conns[j]))
				distinct = 0;
	T_OK(distinct, "each thread gets its own connection");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM kv WHERE k LIKE 'th-%'"), 8, "each thread's write is visible");
	if (db_engine_of(d) != DB_PG)
		return;
	int64_t n = -1;
	for (int i = 0; i < 50 && n != 1; i++, usleep(20000))
		n = dbtest_int(d, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()");
	T_EQ_INT(n, 1, "connections of exited threads are closed (thread-exit destructor)");

	/* The server drops our connection (restart, network): the failing query reports it, the next
	 * unit of work reconnects transparently. */
	struct err e;
	int64_t pid = dbtest_int(d, "SELECT pg_backend_pid()");
	db *killer = NULL;
	db_open(getenv("DBT_DIR"), getenv("DBT_URL"), &killer, &e);
	T_OK(killer && db_run(killer, &e, "SELECT pg_terminate_backend($1)", "i", pid) == 0, "server terminates our backend");
	db_close(killer);
	int rc;
	db_stmt *s = db_query(d, &e, &rc, "SELECT 1", "");
	T_OK(!s && strcmp(e.code, "db.connexion") == 0 && e.status == 503, "the next query fails with db.connexion, 503");
	db *again = db_thread(&e);
	T_OK(again == d, "db_thread keeps the same object");
	T_OK(dbtest_int(d, "SELECT 42") == 42 && dbtest_int(d, "SELECT pg_backend_pid()") != pid, "and it works again on a new backend");
}

int main(void)
{
	char dir[256], url[512];
	db *d = dbtest_open(dir, url);
	if (!T_OK(d != NULL, "a fresh migrated database"))
		return t_done();
	setenv("DBT_DIR", dir, 1);
	setenv("DBT_URL", url, 1);
	printf("# engine: %s\n", db_engine_of(d) == DB_PG ? "PostgreSQL" : "SQLite");
	binding_and_values(d);
	errors(d);
	transactions_and_cache(d);
	threads(d);
	return t_done();
}
