/* cli: `opale tenant add|list`, `opale user add|passwd|list`. */
#include "identity/identity.h"
#include "core/cli.h"
#include "core/config.h"
#include "http/http.h"

#include <stdlib.h>

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Opens the configured database for a CLI command; prints the error and returns NULL on failure. */
static db *cli_db(int argc, char **argv, const char *cmd)
{
	struct err e = { 0 };
	if (config_load(argc, argv, &e) < 0 || db_configure(cfg.data_dir, cfg.db_url, &e) < 0) {
		fprintf(stderr, "opale %s : %s\n", cmd, e.msg);
		return NULL;
	}
	db *d = db_thread(&e);
	if (!d)
		fprintf(stderr, "opale %s : %s\n", cmd, e.msg);
	return d;
}

static const char *const with_value[] = { "data", "db", "name", "siren", "siret", "kind", "population",
					  "departement", "prefecture", "website", "city", "tiers", "email", "first-name",
					  "last-name", "fonction", "password-file", "tenant", "roles", NULL };

/* Reads a password from --password-file, or from the terminal / stdin. */
static int read_password(int argc, char **argv, char *out, size_t n)
{
	const char *pf = cli_opt(argc, argv, "password-file");
	FILE *f = pf ? fopen(pf, "r") : stdin;
	if (!f) {
		perror(pf);
		return -1;
	}
	struct termios old, quiet;
	int tty = !pf && isatty(0) && tcgetattr(0, &old) == 0;
	if (tty) {
		fprintf(stderr, "Mot de passe : ");
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSANOW, &quiet);
	}
	char *ok = fgets(out, (int)n, f);
	if (tty) {
		tcsetattr(0, TCSANOW, &old);
		fputc('\n', stderr);
	}
	if (pf)
		fclose(f);
	if (!ok)
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static int parse_tiers(const char *s, unsigned *out)
{
	*out = 0;
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '1')
			*out |= TIER_DEMAT;
		else if (*p == '2')
			*out |= TIER_PARAPHEUR;
		else if (*p == '3')
			*out |= TIER_IDELIBRE;
		else if (*p != '+' && *p != ',')
			return -1;
	}
	return 0;
}

static void opt_copy(char *dst, size_t n, int argc, char **argv, const char *name)
{
	const char *v = cli_opt(argc, argv, name);
	snprintf(dst, n, "%s", v ? v : "");
}

static int tenant_add(db *d, int argc, char **argv)
{
	struct collectivite c = { 0 };
	opt_copy(c.name, sizeof c.name, argc, argv, "name");
	opt_copy(c.siren, sizeof c.siren, argc, argv, "siren");
	opt_copy(c.siret, sizeof c.siret, argc, argv, "siret");
	opt_copy(c.kind, sizeof c.kind, argc, argv, "kind");
	opt_copy(c.departement, sizeof c.departement, argc, argv, "departement");
	opt_copy(c.prefecture, sizeof c.prefecture, argc, argv, "prefecture");
	opt_copy(c.website, sizeof c.website, argc, argv, "website");
	opt_copy(c.city, sizeof c.city, argc, argv, "city");
	const char *pop = cli_opt(argc, argv, "population");
	c.population = pop ? strtoll(pop, NULL, 10) : 0;
	if (parse_tiers(cli_opt(argc, argv, "tiers"), &c.tiers) < 0) {
		fprintf(stderr, "opale tenant add : --tiers attend 1, 2, 3, 1+3 ou 2+3\n");
		return 2;
	}
	struct err e = { 0 };
	if (collectivite_create(d, &c, 0, "cli", &e) < 0) {
		fprintf(stderr, "opale tenant add : %s\n", e.msg);
		return 1;
	}
	printf("%lld\n", (long long)c.id);
	return 0;
}

static int tenant_list(db *d)
{
	struct err e;
	int rc;
	db_stmt *s = db_query(d, &e, &rc, "SELECT id, siren, kind, tiers, name FROM collectivites ORDER BY name", "");
	if (!s) {
		fprintf(stderr, "opale tenant list : %s\n", e.msg);
		return 1;
	}
	printf("%-5s %-10s %-12s %-6s %s\n", "id", "siren", "nature", "prest.", "nom");
	while (rc == DB_ROW) {
		unsigned t = (unsigned)db_col_int64(s, 3);
		char tiers[8];
		snprintf(tiers, sizeof tiers, "%s%s%s%s", t & TIER_DEMAT ? "1" : "", t & TIER_PARAPHEUR ? "2" : "",
			 (t & TIER_IDELIBRE) && (t & 3) ? "+" : "", t & TIER_IDELIBRE ? "3" : "");
		printf("%-5lld %-10s %-12s %-6s %s\n", (long long)db_col_int64(s, 0), db_col_text(s, 1), db_col_text(s, 2), tiers,
		       db_col_text(s, 4));
		rc = db_step(s, &e);
	}
	db_finalize(s);
	return 0;
}

static int cmd_tenant(int argc, char **argv)
{
	const char *pos[2];
	int np = cli_positionals(argc, argv, with_value, pos, 2);
	if (np < 1 || (strcmp(pos[0], "add") != 0 && strcmp(pos[0], "list") != 0)) {
		fprintf(stderr, "usage : opale tenant add --name NOM --siren SIREN --kind commune|cc|ca|syndicat|departement|region"
				" --tiers 1|2|1+3|2+3|3 [--siret …] [--population N] [--departement 062] [--prefecture PREF062]"
				" [--website URL] [--city VILLE] --data DIR [--db URL]\n"
				"        opale tenant list --data DIR [--db URL]\n");
		return 2;
	}
	db *d = cli_db(argc, argv, "tenant");
	if (!d)
		return 2;
	return strcmp(pos[0], "add") == 0 ? tenant_add(d, argc, argv) : tenant_list(d);
}
OPALE_COMMAND(tenant, "tenant", cmd_tenant, "opale tenant add|list --data DIR [--db URL] …",
	      "gère les collectivités adhérentes");

static int user_add(db *d, int argc, char **argv)
{
	const char *pos[3];
	cli_positionals(argc, argv, with_value, pos, 3);
	struct user u = { 0 };
	snprintf(u.login, sizeof u.login, "%s", pos[1] ? pos[1] : "");
	opt_copy(u.email, sizeof u.email, argc, argv, "email");
	opt_copy(u.first_name, sizeof u.first_name, argc, argv, "first-name");
	opt_copy(u.last_name, sizeof u.last_name, argc, argv, "last-name");
	opt_copy(u.fonction, sizeof u.fonction, argc, argv, "fonction");
	u.is_operator = cli_flag(argc, argv, "operator");
	const char *tenant = cli_opt(argc, argv, "tenant"), *roles = cli_opt(argc, argv, "roles");
	struct err e = { 0 };
	unsigned rbits = 0;
	if (tenant && roles_parse(roles, &rbits, &e) < 0) {
		fprintf(stderr, "opale user add : %s\n", e.msg);
		return 2;
	}
	if (!tenant && !u.is_operator) {
		fprintf(stderr, "opale user add : indiquez --tenant ID --roles … ou --operator\n");
		return 2;
	}
	char pw[300];
	if (read_password(argc, argv, pw, sizeof pw) < 0) {
		fprintf(stderr, "opale user add : mot de passe illisible\n");
		return 2;
	}
	int64_t id;
	if (db_begin_write(d, &e) < 0 || user_create(d, &u, pw, 0, "cli", &id, &e) < 0 ||
	    (tenant && user_grant(d, id, strtoll(tenant, NULL, 10), rbits, &e) < 0) || db_commit(d, &e) < 0) {
		db_rollback(d);
		fprintf(stderr, "opale user add : %s\n", e.msg);
		return 1;
	}
	printf("%lld\n", (long long)id);
	return 0;
}

static int user_passwd(db *d, int argc, char **argv)
{
	const char *pos[3];
	cli_positionals(argc, argv, with_value, pos, 3);
	int64_t id = pos[1] ? user_find(d, pos[1]) : 0;
	if (id <= 0) {
		fprintf(stderr, "opale user passwd : utilisateur inconnu\n");
		return 1;
	}
	char pw[300];
	struct err e = { 0 };
	if (read_password(argc, argv, pw, sizeof pw) < 0 || user_set_password(d, id, pos[1], pw, &e) < 0) {
		fprintf(stderr, "opale user passwd : %s\n", e.msg[0] ? e.msg : "mot de passe illisible");
		return 1;
	}
	audit_append(d, 0, 0, "cli", "utilisateur.mot_de_passe", pos[1], "", &e);
	printf("Mot de passe changé ; les sessions ouvertes sont fermées.\n");
	return 0;
}

static int user_list(db *d)
{
	struct err e;
	int rc;
	db_stmt *s = db_query(d, &e, &rc,
			      "SELECT u.id, u.login, u.is_operator, COALESCE(c.name, ''), COALESCE(m.roles, 0)"
			      " FROM users u LEFT JOIN memberships m ON m.user_id = u.id LEFT JOIN collectivites c ON c.id = m.tenant_id"
			      " ORDER BY u.login, c.name", "");
	if (!s) {
		fprintf(stderr, "opale user list : %s\n", e.msg);
		return 1;
	}
	while (rc == DB_ROW) {
		buf roles = BUF_INIT;
		roles_format((unsigned)db_col_int64(s, 4) | (db_col_int64(s, 2) ? ROLE_OPERATOR : 0), &roles);
		printf("%-5lld %-24s %-40s %s\n", (long long)db_col_int64(s, 0), db_col_text(s, 1), db_col_text(s, 3),
		       roles.data ? roles.data : "");
		buf_free(&roles);
		rc = db_step(s, &e);
	}
	db_finalize(s);
	return 0;
}

static int cmd_user(int argc, char **argv)
{
	const char *pos[3];
	int np = cli_positionals(argc, argv, with_value, pos, 3);
	int add = np >= 2 && strcmp(pos[0], "add") == 0, pw = np >= 2 && strcmp(pos[0], "passwd") == 0;
	int list = np >= 1 && strcmp(pos[0], "list") == 0;
	if (!add && !pw && !list) {
		fprintf(stderr, "usage : opale user add LOGIN (--tenant ID --roles agent,signataire | --operator)"
				" [--email …] [--first-name …] [--last-name …] [--fonction …] [--password-file F]\n"
				"        opale user passwd LOGIN [--password-file F]\n        opale user list\n"
				"        (toutes : --data DIR [--db URL])\n");
		return 2;
	}
	db *d = cli_db(argc, argv, "user");
	if (!d)
		return 2;
	return add ? user_add(d, argc, argv) : pw ? user_passwd(d, argc, argv) : user_list(d);
}
OPALE_COMMAND(user, "user", cmd_user, "opale user add|passwd|list --data DIR [--db URL] …",
	      "gère les comptes et leurs rôles");
