/* seance_cmd: `opale seance <sub>` — one table of subcommands. Add a row here for new ones
 * (convocations, quorum… once storage exists). */
#include "seance/seance.h"
#include "core/cli.h"
#include "core/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Strict non-negative integer. Returns 0 or -1. */
static int parse_long(const char *s, long max, long *out)
{
	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int cmd_delai(int argc, char **argv)
{
	struct seance_delai_in in = { .population = -1, .delai = -1 };
	struct seance_delai_out out;
	struct err e = { 0 };
	const char *date = cli_opt(argc, argv, "date"), *organe = cli_opt(argc, argv, "organe");
	const char *pop = cli_opt(argc, argv, "population"), *delai = cli_opt(argc, argv, "delai");
	long v;

	if (!date || !organe) {
		fprintf(stderr, "usage : opale seance delai --date AAAA-MM-JJ --organe "
				"commune|epci|departement|region|commission --population N [--urgence] [--delai N]\n");
		return 2;
	}
	if (date_parse(date, &in.seance, &e) < 0)
		goto fail;
	if (seance_organe_parse(organe, &in.organe) < 0) {
		err_set(&e, 400, "seance.organe",
			"organe « %s » inconnu : commune, epci, departement, region ou commission", organe);
		goto fail;
	}
	if (pop) {
		if (parse_long(pop, 100000000, &v) < 0) {
			err_set(&e, 400, "seance.population", "population « %s » invalide (entier positif attendu)", pop);
			goto fail;
		}
		in.population = v;
	}
	if (delai) {
		if (parse_long(delai, 3650, &v) < 0) {
			err_set(&e, 400, "seance.delai", "délai « %s » invalide (nombre de jours attendu)", delai);
			goto fail;
		}
		in.delai = (int)v;
	}
	in.urgence = cli_flag(argc, argv, "urgence");
	if (seance_delai(&in, &out, &e) < 0)
		goto fail;
	char iso[11];
	printf("%s\n%s\n", date_format(out.envoi_limite, iso), out.regle);
	return 0;
fail:
	fprintf(stderr, "opale seance delai : %s\n", e.msg);
	return 1;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} subs[] = {
	{ "delai", cmd_delai },
};

static int cmd_seance(int argc, char **argv)
{
	for (size_t i = 0; argc >= 2 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "usage : opale seance delai --date AAAA-MM-JJ --organe "
			"commune|epci|departement|region|commission --population N [--urgence] [--delai N]\n");
	return 2;
}

OPALE_COMMAND(seance, "seance", cmd_seance,
	      "opale seance delai --date AAAA-MM-JJ --organe commune|epci|departement|region|commission "
	      "--population N [--urgence] [--delai N]",
	      "règles des séances : date limite d'envoi des convocations");
