/* Migrations on the engine under test: the embedded set is well numbered, applying is idempotent,
 * a newer schema is refused, a failing migration leaves nothing behind (transactional DDL), dialect
 * tokens expand, two files with one number are refused. */
#include "dbtest.h"
#include "core/embed.h"
#include "t.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

static void embedded_set(db *d)
{
	regex_t re;
	regcomp(&re, "^src/db/migrations/[0-9]{4}_[a-z0-9_]+\\.sql$", REG_EXTENDED | REG_NOSUB);
	int n = 0, named = 1, seen[10000] = { 0 }, dup = 0;
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		if (strncmp(f->name, "src/db/migrations/", 18) != 0)
			continue;
		n++;
		if (regexec(&re, f->name, 0, NULL, 0) != 0) {
			printf("# badly named: %s\n", f->name);
			named = 0;
			continue;
		}
		int v = atoi(f->name + 18);
		if (seen[v]++)
			dup = v;
	}
	regfree(&re);
	/* Numbers are reserved by module (docs/storage.md: core 0001-0009, parapheur 0010-0019…), so
	 * gaps are expected; what matters is one file per number and the highest number known. */
	int max = 0;
	for (int v = 1; v < (int)(sizeof seen / sizeof seen[0]); v++)
		if (seen[v])
			max = v;
	T_OK(n >= 2 && named, "migrations are named NNNN_name.sql");
	if (!T_OK(dup == 0, "no two migrations share a number (branches adding migrations in parallel)"))
		printf("#   number %d used twice\n", dup);
	T_EQ_INT(db_schema_known(), max, "the binary knows the highest migration number");
	T_EQ_INT(db_schema_version(d), max, "a fresh database is migrated to that version");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM schema_migrations"), n, "one schema_migrations row per migration");
}

static void idempotent_and_newer(db *d)
{
	struct err e = { 0 };
	int v = db_schema_version(d);
	T_OK(db_migrate(d, &e) == 0 && db_migrate(d, &e) == 0, "migrating again succeeds");
	T_EQ_INT(db_schema_version(d), v, "and changes nothing (version)");
	T_OK(db_schema_check(d, &e) == 0, "db_schema_check: up to date");
	db_run(d, &e, "DELETE FROM schema_migrations WHERE version = 1", "");
	T_OK(db_schema_check(d, &e) < 0 && strcmp(e.code, "db.schema_ancien") == 0, "db_schema_check: a missing migration below the maximum is pending");
	db_run(d, &e, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, '0001_core.sql', 0)", "");
	int rows = (int)dbtest_int(d, "SELECT COUNT(*) FROM schema_migrations");
	T_OK(db_migrate(d, &e) == 0 && dbtest_int(d, "SELECT COUNT(*) FROM schema_migrations") == rows, "and changes nothing (rows)");

	db_run(d, &e, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future.sql', 0)", "i", (int64_t)v + 1);
	T_OK(db_migrate(d, &e) < 0 && strcmp(e.code, "db.schema_recent") == 0 && e.status == 409,
	     "a schema newer than the binary is refused (db.schema_recent, 409)");
	printf("# %s\n", e.msg);
	T_EQ_INT(db_schema_version(d), v + 1, "the database is left as it was");
	db_run(d, &e, "DELETE FROM schema_migrations WHERE version = $1", "i", (int64_t)v + 1);
}

static void synthetic(void)
{
	char dir[256], url[512];
	struct err e = { 0 };
	db *d = NULL;
	if (!T_OK(dbtest_new(dir, url) == 0 && db_open(dir, url, &d, &e) == 0, "a second, empty database"))
		return;
	static const struct embedded_file bad[] = {
		{ "src/db/migrations/0001_a.sql", "CREATE TABLE ta (id {{pk}}, b {{blob}}, t TEXT NOT NULL);", 0 },
		{ "src/db/migrations/0002_b.sql", "CREATE TABLE tb (x INTEGER); INSERT INTO tb (x) VALUES (1); INSERT INTO absente VALUES (1);", 0 },
		{ NULL, NULL, 0 },
	};
	T_OK(db_migrate_files(d, bad, &e) < 0 && strcmp(e.code, "db.migration") == 0 && strstr(e.msg, "0002_b.sql"),
	     "a failing migration is reported by name");
	printf("# %s\n", e.msg);
	T_EQ_INT(db_schema_version(d), 1, "the ones before it stay applied");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM tb"), -1, "its table and rows are rolled back with it (transactional DDL)");
	T_OK(!db_in_transaction(d), "no transaction left open");

	int rc = db_run(d, &e, "INSERT INTO ta (b, t) VALUES ($1, 'x')", "t", "o") | db_run(d, &e, "INSERT INTO ta (b, t) VALUES ($1, 'y')", "t", "k");
	T_OK(rc == 0 && dbtest_int(d, "SELECT MAX(id) FROM ta") == 2, "{{pk}} expands to an auto-increment key");
	db_stmt *s = db_prepare(d, "UPDATE ta SET b = $1 WHERE id = 1", &e);
	T_OK(s && db_bind_blob(s, 1, "\0\1\2", 3) == 0 && db_step(s, &e) == DB_DONE, "{{blob}} expands to a binary column");
	db_finalize(s);

	static const struct embedded_file fixed[] = {
		{ "src/db/migrations/0001_a.sql", "CREATE TABLE ta (id {{pk}}, b {{blob}}, t TEXT NOT NULL);", 0 },
		{ "src/db/migrations/0002_b.sql", "CREATE TABLE tb (x INTEGER); INSERT INTO tb (x) VALUES (1);", 0 },
		{ "src/db/migrations/0003_c.sql", "ALTER TABLE tb ADD COLUMN y TEXT NOT NULL DEFAULT 'z';", 0 },
		{ NULL, NULL, 0 },
	};
	T_OK(db_migrate_files(d, fixed, &e) == 0 && db_schema_version(d) == 3 && dbtest_int(d, "SELECT COUNT(*) FROM tb") == 1,
	     "once fixed, the remaining migrations apply in order");

	static const struct embedded_file twice[] = {
		{ "src/db/migrations/0001_a.sql", "SELECT 1;", 0 },
		{ "src/db/migrations/0004_x.sql", "CREATE TABLE tx (x INTEGER);", 0 },
		{ "src/db/migrations/0004_y.sql", "CREATE TABLE ty (x INTEGER);", 0 },
		{ NULL, NULL, 0 },
	};
	T_OK(db_migrate_files(d, twice, &e) < 0 && strcmp(e.code, "db.migration_double") == 0, "two files numbered 0004 are refused");
	printf("# %s\n", e.msg);
	T_OK(db_schema_version(d) == 3 && dbtest_int(d, "SELECT COUNT(*) FROM tx") == -1, "before anything is applied");

	/* Numbers reserved by module: a migration below the highest applied one arrives later. */
	static const struct embedded_file later[] = {
		{ "src/db/migrations/0001_a.sql", "CREATE TABLE ta (id {{pk}}, b {{blob}}, t TEXT NOT NULL);", 0 },
		{ "src/db/migrations/0002_b.sql", "CREATE TABLE tb (x INTEGER); INSERT INTO tb (x) VALUES (1);", 0 },
		{ "src/db/migrations/0003_c.sql", "ALTER TABLE tb ADD COLUMN y TEXT NOT NULL DEFAULT 'z';", 0 },
		{ "src/db/migrations/0005_module.sql", "CREATE TABLE t5 (x INTEGER);", 0 },
		{ "src/db/migrations/0010_autre.sql", "CREATE TABLE t10 (x INTEGER);", 0 },
		{ NULL, NULL, 0 },
	};
	T_OK(db_migrate_files(d, later, &e) == 0 && dbtest_int(d, "SELECT COUNT(*) FROM t10") == 0, "0005 and 0010 applied");
	static const struct embedded_file later2[] = {
		{ "src/db/migrations/0001_a.sql", "CREATE TABLE ta (id {{pk}}, b {{blob}}, t TEXT NOT NULL);", 0 },
		{ "src/db/migrations/0002_b.sql", "CREATE TABLE tb (x INTEGER); INSERT INTO tb (x) VALUES (1);", 0 },
		{ "src/db/migrations/0003_c.sql", "ALTER TABLE tb ADD COLUMN y TEXT NOT NULL DEFAULT 'z';", 0 },
		{ "src/db/migrations/0004_tard.sql", "CREATE TABLE t4 (x INTEGER);", 0 },
		{ "src/db/migrations/0005_module.sql", "CREATE TABLE t5 (x INTEGER);", 0 },
		{ "src/db/migrations/0010_autre.sql", "CREATE TABLE t10 (x INTEGER);", 0 },
		{ NULL, NULL, 0 },
	};
	T_OK(db_migrate_files(d, later2, &e) == 0 && dbtest_int(d, "SELECT COUNT(*) FROM t4") == 0,
	     "a migration numbered below the highest applied one, added later, is still applied");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM schema_migrations"), 6, "six migrations recorded");
	T_OK(db_migrate_files(d, later, &e) < 0 && strcmp(e.code, "db.schema_recent") == 0,
	     "a binary lacking 0004 (though it knows 0010) refuses the database");
	printf("# %s\n", e.msg);
	db_close(d);
}

int main(void)
{
	char dir[256], url[512];
	db *d = dbtest_open(dir, url);
	if (!T_OK(d != NULL, "a fresh migrated database"))
		return t_done();
	embedded_set(d);
	idempotent_and_newer(d);
	synthetic();
	return t_done();
}
