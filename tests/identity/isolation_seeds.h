/* Isolation seeds: for every tenant-scoped route with path parameters, the SQL that finds an object
 * of a given collectivité ($1 = its id) to put in the URL. The matrix test fails for a tenant route
 * whose parameters have no entry here, so a new route cannot escape the isolation check.
 * Keep one line per route pattern; the query returns the id (or the key) for the first parameter. */
#ifndef OPALE_ISOLATION_SEEDS_H
#define OPALE_ISOLATION_SEEDS_H

struct isolation_seed {
	const char *pattern;
	const char *sql;   /* $1 = tenant id; returns one column */
};

static const struct isolation_seed isolation_seeds[] = {
	{ "/administration/jetons/:id/revoquer", "SELECT id FROM api_tokens WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ NULL, NULL },
};

#endif
