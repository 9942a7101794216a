/* scdl_cmd: `opale scdl <sub>` — `check` a file against the schema, `export` a collectivité's published
 * deliberations (the same CSV as its public URL /p/SIREN/deliberations.csv). */
#include "publication/publication.h"
#include "core/cli.h"
#include "core/config.h"
#include "core/dates.h"
#include "core/err.h"
#include "db/db.h"
#include "publication/publier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char USAGE[] = "usage : opale scdl check FICHIER.csv --schema deliberations-2.1.5.schema.json\n"
			    "        opale scdl export --siren SIREN [--year AAAA] [--out FICHIER|DOSSIER] [--data DOSSIER | --db URL]\n";

static void print_violation(void *arg, const struct scdl_violation *v)
{
	(void)arg;
	printf("ligne %ld%s%s [%s] : %s\n", v->line, *v->column ? ", " : "", v->column, v->check, v->msg);
}

static int cmd_check(int argc, char **argv)
{
	static const char *const with_value[] = { "schema", NULL };
	const char *pos[2];
	const char *schema = cli_opt(argc, argv, "schema");
	if (!schema)
		schema = getenv("OPALE_SCDL_SCHEMA");
	if (cli_positionals(argc, argv, with_value, pos, 2) != 1 || !schema) {
		fputs(USAGE, stderr);
		return 2;
	}
	struct err e = { 0 };
	struct scdl_schema *s = scdl_schema_load(schema, &e);
	if (!s) {
		fprintf(stderr, "opale scdl check : %s\n", e.msg);
		return 1;
	}
	buf b = BUF_INIT;
	long n = -1;
	if (buf_read_file(&b, pos[0], 0) < 0)
		err_set(&e, 404, "scdl.fichier", "fichier « %s » illisible", pos[0]);
	else
		n = scdl_check_csv(s, b.data, b.len, print_violation, NULL, &e);
	scdl_schema_free(s);
	buf_free(&b);
	if (n < 0) {
		fprintf(stderr, "opale scdl check : %s\n", e.msg);
		return 1;
	}
	if (n == 0)
		printf("conforme au schéma %s\n", schema);
	else
		printf("%ld erreur%s\n", n, n > 1 ? "s" : "");
	return n ? 1 : 0;
}

/* The published deliberations of the collectivité SIREN as SCDL CSV: on stdout, or in --out (a
 * directory receives AAAAMMJJ_<SIREN>_deliberations.csv, whose path is printed). */
static int cmd_export(int argc, char **argv)
{
	const char *siren = cli_opt(argc, argv, "siren"), *ys = cli_opt(argc, argv, "year"), *out = cli_opt(argc, argv, "out");
	int year = ys ? atoi(ys) : 0;
	struct err e = { 0 };
	char fname[64];
	struct paris_time now;
	if (paris_from_utc((int64_t)time(NULL), &now, &e) < 0)
		now.date = (struct date){ 2000, 1, 1 };
	struct date today = now.date;
	if (!siren || (ys && (year < 1900 || year > 2999))) {
		fputs(USAGE, stderr);
		return 2;
	}
	if (scdl_filename(siren, today, fname, sizeof fname, &e) < 0) {
		fprintf(stderr, "opale scdl export : %s\n", e.msg);
		return 2;
	}
	db *d = config_load(argc, argv, &e) < 0 || db_configure(cfg.data_dir, cfg.db_url, &e) < 0 ? NULL : db_thread(&e);
	if (!d) {
		fprintf(stderr, "opale scdl export : %s\n", e.msg);
		return 1;
	}
	int rc;
	db_stmt *s = db_query(d, &e, &rc, "SELECT id FROM collectivites WHERE siren = $1", "t", siren);
	int64_t tenant = s && rc == DB_ROW ? db_col_int64(s, 0) : 0;
	if (s)
		db_finalize(s);
	if (!tenant) {
		fprintf(stderr, "opale scdl export : aucune collectivité de SIREN %s\n", siren);
		return 1;
	}
	buf b = BUF_INIT;
	if (pub_scdl_csv(d, tenant, cfg.public_url, siren, year, &b, &e) < 0) {
		fprintf(stderr, "opale scdl export : %s\n", e.msg);
		buf_free(&b);
		return 1;
	}
	int ret = 0;
	if (!out) {
		ret = fwrite(b.data, 1, b.len, stdout) == b.len ? 0 : 1;
	} else {
		char path[1200];
		struct stat st;
		if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
			snprintf(path, sizeof path, "%s/%s", out, fname);
		else
			snprintf(path, sizeof path, "%s", out);
		if (buf_write_file_atomic(&b, path) < 0) {
			fprintf(stderr, "opale scdl export : écriture de %s impossible\n", path);
			ret = 1;
		} else {
			printf("%s\n", path);
		}
	}
	buf_free(&b);
	return ret;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} subs[] = {
	{ "check", cmd_check },
	{ "export", cmd_export },
};

static int cmd_scdl(int argc, char **argv)
{
	for (size_t i = 0; argc >= 2 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(argc - 1, argv + 1);
	fputs(USAGE, stderr);
	return 2;
}

OPALE_COMMAND(scdl, "scdl", cmd_scdl, "opale scdl check FICHIER.csv --schema SCHEMA.json | opale scdl export --siren SIREN [--year AAAA] [--out F]",
	      "données ouvertes SCDL Délibérations : vérifie un fichier contre le schéma, exporte les délibérations publiées");
