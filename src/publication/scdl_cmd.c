/* scdl_cmd: `opale scdl <sub>` — one table of subcommands (check now; export joins once the
 * deliberations are stored). */
#include "publication/publication.h"
#include "core/cli.h"
#include "core/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] = "usage : opale scdl check FICHIER.csv --schema deliberations-2.1.5.schema.json\n";

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

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} subs[] = {
	{ "check", cmd_check },
};

static int cmd_scdl(int argc, char **argv)
{
	for (size_t i = 0; argc >= 2 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(argc - 1, argv + 1);
	fputs(USAGE, stderr);
	return 2;
}

OPALE_COMMAND(scdl, "scdl", cmd_scdl, "opale scdl check FICHIER.csv --schema SCHEMA.json",
	      "données ouvertes SCDL Délibérations : vérifie un fichier contre le schéma");
