/* cli: the command table gathered by the linker, and small option helpers. */
#include "core/cli.h"

#include <stdlib.h>
#include <string.h>

extern const struct command __start_opale_cmds[] __attribute__((weak));
extern const struct command __stop_opale_cmds[] __attribute__((weak));

static const struct command *sorted[256];
static int nsorted = -1;

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct command *const *)a)->name, (*(const struct command *const *)b)->name);
}

static void cli_sort(void)
{
	if (nsorted >= 0)
		return;
	nsorted = 0;
	for (const struct command *c = __start_opale_cmds; c < __stop_opale_cmds && nsorted < 256; c++)
		sorted[nsorted++] = c;
	qsort(sorted, (size_t)nsorted, sizeof sorted[0], by_name);
}

const struct command *cli_find(const char *name)
{
	cli_sort();
	for (int i = 0; i < nsorted; i++)
		if (strcmp(sorted[i]->name, name) == 0)
			return sorted[i];
	return NULL;
}

const struct command *cli_at(int i)
{
	cli_sort();
	return i >= 0 && i < nsorted ? sorted[i] : NULL;
}

static const char *match(const char *arg, const char *name, const char *next, int *used_next)
{
	*used_next = 0;
	if (strncmp(arg, "--", 2) != 0)
		return NULL;
	size_t n = strlen(name);
	if (strncmp(arg + 2, name, n) != 0)
		return NULL;
	if (arg[2 + n] == '=')
		return arg + 3 + n;
	if (arg[2 + n] == '\0' && next) {
		*used_next = 1;
		return next;
	}
	return NULL;
}

const char *cli_opt(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++) {
		int used;
		const char *v = match(argv[i], name, i + 1 < argc ? argv[i + 1] : NULL, &used);
		if (v)
			return v;
	}
	return NULL;
}

int cli_opt_all(int argc, char **argv, const char *name, const char **out, int max)
{
	int n = 0;
	for (int i = 1; i < argc && n < max; i++) {
		int used;
		const char *v = match(argv[i], name, i + 1 < argc ? argv[i + 1] : NULL, &used);
		if (v) {
			out[n++] = v;
			i += used;
		}
	}
	return n;
}

int cli_flag(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i] + 2, name) == 0)
			return 1;
	return 0;
}

int cli_positionals(int argc, char **argv, const char *const *with_value, const char **out, int max)
{
	int n = 0;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0) {
			if (strchr(argv[i], '='))
				continue;
			for (const char *const *w = with_value; w && *w; w++)
				if (strcmp(argv[i] + 2, *w) == 0) {
					i++;
					break;
				}
			continue;
		}
		if (n < max)
			out[n++] = argv[i];
	}
	return n;
}
