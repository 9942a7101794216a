/* dbtest: fresh test databases. */
#include "dbtest.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int dbtest_new(char *dir, char *url)
{
	snprintf(dir, 256, "/tmp/opale-db-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	url[0] = '\0';
	const char *engine = getenv("OPALE_TEST_DB");
	if (!engine || strcmp(engine, "pg") != 0)
		return 0;
	const char *admin = getenv("OPALE_TEST_PG_ADMIN"), *base = getenv("OPALE_TEST_PG_BASE");
	if (!admin || !base)
		return -1;
	static unsigned seq;
	char name[64];
	snprintf(name, sizeof name, "t_%d_%u_%ld", (int)getpid(), ++seq, (long)time(NULL) % 100000);
	PGconn *c = PQconnectdb(admin);
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	PQfinish(c);
	snprintf(url, 512, "%s/%s", base, name);
	return ok ? 0 : -1;
}

db *dbtest_open(char *dir, char *url)
{
	struct err e;
	if (dbtest_new(dir, url) < 0 || db_configure(dir, url, &e) < 0)
		return NULL;
	db *d = db_thread(&e);
	if (!d || db_migrate(d, &e) < 0) {
		fprintf(stderr, "# dbtest: %s\n", e.msg);
		return NULL;
	}
	return d;
}

int64_t dbtest_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t dbtest_int(db *d, const char *sql)
{
	struct err e;
	int rc;
	db_stmt *s = db_query(d, &e, &rc, sql, "");
	int64_t n = s && rc == DB_ROW ? db_col_int64(s, 0) : -1;
	if (s)
		db_finalize(s);
	return n;
}
