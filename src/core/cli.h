/* cli: subcommand registration. Each module declares its commands next to their code with
 * OPALE_COMMAND; the linker gathers them into one table (section "opale_cmds") that main() reads,
 * so adding a command never touches a shared file. */
#ifndef OPALE_CLI_H
#define OPALE_CLI_H

struct command {
	const char *name;     /* first word: "serve", "actes" … */
	int (*run)(int argc, char **argv);   /* argv[0] is the command name; returns the exit code */
	const char *usage;    /* one line of synopsis, French or English flags, shown by `opale help` */
	const char *summary;  /* one line in French */
};

#define OPALE_COMMAND(id, name_, fn, usage_, summary_)                                        \
	static const struct command opale_cmd_##id                                            \
		__attribute__((used, section("opale_cmds"), aligned(sizeof(void *)))) = {         \
			name_, fn, usage_, summary_ }

/* Finds a registered command by name, NULL when unknown. */
const struct command *cli_find(const char *name);
/* Iterates: returns the i-th command (sorted by name) or NULL past the end. */
const struct command *cli_at(int i);

/* Option parsing helper over argv: --name VALUE or --name=VALUE. Returns the value or NULL. */
const char *cli_opt(int argc, char **argv, const char *name);
/* True when --name appears (flag without value). */
int cli_flag(int argc, char **argv, const char *name);
/* Collects every value of a repeatable option into out (up to max). Returns the count. */
int cli_opt_all(int argc, char **argv, const char *name, const char **out, int max);
/* Positional arguments: those not starting with -- and not the value of an option listed in
 * with_value (NULL-terminated). Returns the count, fills out (up to max). argv[0] skipped. */
int cli_positionals(int argc, char **argv, const char *const *with_value, const char **out, int max);

#endif
