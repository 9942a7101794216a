/* migrate: forward-only schema migrations embedded from src/db/migrations/NNNN_name.sql, each in
 * its own transaction; refuses a database whose schema is newer than this binary; `opale migrate`. */
#include "db/db.h"
#include "db/engine.h"
#include "core/buf.h"
#include "core/cli.h"
#include "core/config.h"
#include "core/embed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PREFIX "src/db/migrations/"

struct mig {
	int version;
	const struct embedded_file *f;
};

static int by_version(const void *a, const void *b)
{
	return ((const struct mig *)a)->version - ((const struct mig *)b)->version;
}

/* Collects the migrations of a file set, sorted; -1 when two files share a version number (two
 * branches both added "0005_…": refuse rather than run one and skip the other). */
static int list(const struct embedded_file *files, struct mig *out, int max, struct err *e)
{
	int n = 0;
	for (const struct embedded_file *f = files; f->name; f++) {
		if (strncmp(f->name, PREFIX, strlen(PREFIX)) != 0 || !strstr(f->name, ".sql"))
			continue;
		int v = atoi(f->name + strlen(PREFIX));
		if (v > 0 && n < max)
			out[n++] = (struct mig){ v, f };
	}
	qsort(out, (size_t)n, sizeof out[0], by_version);
	for (int i = 1; i < n; i++)
		if (out[i].version == out[i - 1].version)
			return err_set(e, 500, "db.migration_double", "Deux migrations portent le numéro %d : %s et %s.",
				       out[i].version, out[i - 1].f->name + strlen(PREFIX), out[i].f->name + strlen(PREFIX));
	return n;
}

/* Expands dialect tokens ({{pk}}, {{blob}}) and keeps only this engine's blocks: the lines between
 * "-- {{sqlite}}" (or "-- {{pg}}") and "-- {{end}}" are dropped on the other engine. */
static void expand(db *d, const char *sql, buf *out)
{
	int pg = db_engine_of(d) == DB_PG;
	const char *pk = pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
	const char *blob = pg ? "BYTEA" : "BLOB";
	int skip = 0;
	for (const char *p = sql; *p;) {
		int block = strncmp(p, "{{sqlite}}", 10) == 0 ? 1 : strncmp(p, "{{pg}}", 6) == 0 ? 2 : strncmp(p, "{{end}}", 7) == 0 ? 3 : 0;
		if (block) {
			skip = block == 3 ? 0 : (block == 1) == pg;
			while (*p && *p != '\n')  /* the rest of the marker's comment line */
				p++;
		} else if (skip) {
			p++;
		} else if (strncmp(p, "{{pk}}", 6) == 0) {
			buf_puts(out, pk);
			p += 6;
		} else if (strncmp(p, "{{blob}}", 8) == 0) {
			buf_puts(out, blob);
			p += 8;
		} else {
			buf_putc(out, *p++);
		}
	}
}

int db_schema_version(db *d)
{
	struct err e;
	int rc;
	db_stmt *s = db_query(d, &e, &rc, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", "");
	if (!s)
		return 0;
	int v = rc == DB_ROW ? (int)db_col_int64(s, 0) : 0;
	db_finalize(s);
	return v;
}

static int applied(db *d, int version)
{
	struct err e;
	int rc;
	db_stmt *s = db_query(d, &e, &rc, "SELECT 1 FROM schema_migrations WHERE version = $1", "i", (int64_t)version);
	if (!s)
		return 0;
	db_finalize(s);
	return rc == DB_ROW;
}

/* Numbers are reserved by module (docs/storage.md), so a migration numbered below the highest
 * applied one can arrive later (identity's 0005 after parapheur's 0010): every embedded migration
 * missing from schema_migrations is applied, in number order — not only those above the maximum.
 * Conversely, a recorded version this binary does not carry means a newer binary migrated the
 * database. Reports the first such version (0 when none) and the count of pending ones. */
static int compare(db *d, const struct mig *m, int n, int *unknown, int *pending, struct err *e)
{
	*unknown = *pending = 0;
	for (int i = 0; i < n; i++)
		*pending += !applied(d, m[i].version);
	int rc;
	db_stmt *s = db_query(d, e, &rc, "SELECT version FROM schema_migrations ORDER BY version", "");
	if (!s)
		return -1;
	while (rc == DB_ROW && !*unknown) {
		int v = (int)db_col_int64(s, 0), found = 0;
		for (int i = 0; i < n && !found; i++)
			found = m[i].version == v;
		if (!found)
			*unknown = v;
		rc = db_step(s, e);
	}
	db_finalize(s);
	return rc < 0 ? -1 : 0;
}

/* Applies one migration in its own write transaction, unless another process applied it meanwhile
 * (two `opale migrate` or serve start-ups racing on SQLite: the version is re-read under the lock). */
static int apply(db *d, const struct mig *m, struct err *e)
{
	buf sql = BUF_INIT;
	expand(d, m->f->data, &sql);
	int rc = db_begin_write(d, e);
	if (rc == 0 && applied(d, m->version)) {
		buf_free(&sql);
		return db_commit(d, e);
	}
	if (rc < 0 || db_exec(d, sql.data, e) < 0 ||
	    db_run(d, e, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", "iti",
		   (int64_t)m->version, m->f->name + strlen(PREFIX), (int64_t)time(NULL)) < 0 ||
	    db_commit(d, e) < 0) {
		db_rollback(d);
		char msg[sizeof e->msg];
		snprintf(msg, sizeof msg, "%s", e->msg);
		rc = err_set(e, 500, "db.migration", "Migration %s refusée (rien n'a été modifié) : %s",
			     m->f->name + strlen(PREFIX), msg);
	}
	buf_free(&sql);
	return rc;
}

int db_migrate_files(db *d, const struct embedded_file *files, struct err *e)
{
	struct mig m[256];
	int n = list(files, m, 256, e);
	if (n < 0)
		return -1;
	/* Several nodes may start at once on PostgreSQL: one migrates, the others wait for it (the lock
	 * comes first: CREATE TABLE IF NOT EXISTS itself races there). On SQLite each migration re-reads
	 * the version inside its write transaction. */
	if (db_engine_of(d) == DB_PG && db_exec(d, "SELECT pg_advisory_lock(7061706)", e) < 0)
		return -1;
	int rc = db_exec(d, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
			    " applied_at BIGINT NOT NULL)", e);
	if (rc < 0)
		goto out;
	int unknown, pending;
	rc = compare(d, m, n, &unknown, &pending, e);
	if (rc == 0 && unknown) {
		rc = err_set(e, 409, "db.schema_recent",
			     "La base a été migrée par une version plus récente d'Opale (migration %04d inconnue de ce programme) : "
			     "mettez Opale à jour.", unknown);
		goto out;
	}
	for (int i = 0; i < n && rc == 0; i++)
		if (!applied(d, m[i].version))
			rc = apply(d, &m[i], e);
out:
	if (db_engine_of(d) == DB_PG) {
		struct err e2;
		db_exec(d, "SELECT pg_advisory_unlock(7061706)", &e2);
	}
	return rc;
}

int db_migrate(db *d, struct err *e) { return db_migrate_files(d, embedded_files, e); }

int db_schema_check(db *d, struct err *e)
{
	struct mig m[256];
	int n = list(embedded_files, m, 256, e), unknown, pending;
	if (n < 0 || compare(d, m, n, &unknown, &pending, e) < 0)
		return -1;
	if (unknown)
		return err_set(e, 409, "db.schema_recent",
			       "La base a été migrée par une version plus récente d'Opale (migration %04d inconnue de ce programme).", unknown);
	if (pending)
		return err_set(e, 409, "db.schema_ancien", "%d migration(s) à appliquer : lancez « opale migrate ».", pending);
	return 0;
}

int db_schema_known(void)
{
	struct mig m[256];
	struct err e;
	int n = list(embedded_files, m, 256, &e);
	return n > 0 ? m[n - 1].version : 0;
}

static int cmd_migrate(int argc, char **argv)
{
	struct err e = { 0 };
	if (config_load(argc, argv, &e) < 0 || db_configure(cfg.data_dir, cfg.db_url, &e) < 0) {
		fprintf(stderr, "opale migrate : %s\n", e.msg);
		return 2;
	}
	db *d = db_thread(&e);
	if (!d || db_migrate(d, &e) < 0) {
		fprintf(stderr, "opale migrate : %s\n", e.msg);
		return 1;
	}
	printf("Schéma à jour (version %d, %s).\n", db_schema_version(d), db_engine_of(d) == DB_PG ? "PostgreSQL" : "SQLite");
	return 0;
}
OPALE_COMMAND(migrate, "migrate", cmd_migrate, "opale migrate --data DIR [--db postgresql://…]",
	      "met à jour le schéma de la base (migrations en avant seulement)");
