/* main: the `opale` binary — looks the first argument up in the command table and runs it. */
#include "core/cli.h"
#include "core/version.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Opale %s — plateforme d'e-administration des collectivités\n\n"
	       "Usage : opale COMMANDE [OPTIONS]\n\nCommandes :\n", OPALE_VERSION);
	for (int i = 0; cli_at(i); i++) {
		const struct command *c = cli_at(i);
		printf("  %-10s %s\n             %s\n", c->name, c->summary, c->usage);
	}
	return 0;
}
OPALE_COMMAND(help, "help", cmd_help, "opale help", "affiche cette aide");

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("opale %s\n", OPALE_VERSION);
	return 0;
}
OPALE_COMMAND(version, "version", cmd_version, "opale version", "affiche la version");

int main(int argc, char **argv)
{
	/* libarchive mishandles non-ASCII names under the C locale (stack notes): UTF-8 everywhere. */
	setlocale(LC_ALL, "C.UTF-8");
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(argc, argv);
	const struct command *c = cli_find(argv[1]);
	if (!c) {
		fprintf(stderr, "opale : commande inconnue « %s » (voir « opale help »)\n", argv[1]);
		return 2;
	}
	return c->run(argc - 1, argv + 1);
}
