/* demo: `opale demo` loads demonstration data, idempotently. Each module adds its own step with
 * OPALE_DEMO_STEP; steps run in order of their key ("10-identite", "20-parapheur"…). */
#ifndef OPALE_DEMO_H
#define OPALE_DEMO_H
#include "db/db.h"

struct demo_ctx {
	const char *data_dir;
	int64_t operator_id;
	int64_t ccpo;                 /* the demo collectivité */
	int64_t users[16];            /* by demo_user index */
};

enum demo_user { DEMO_CDG, DEMO_ADMIN, DEMO_AGENT, DEMO_DGS, DEMO_PRESIDENT, DEMO_SECRETAIRE, DEMO_ELU, DEMO_AUDITEUR,
		 DEMO_NUSERS };
#define DEMO_PASSWORD "Opale-Demo-2024!"

struct demo_step {
	const char *key;
	int (*run)(db *d, struct demo_ctx *c, struct err *e);
};

/* For a step's idempotence: whether the demo collectivité already has rows, count_sql being
 * "SELECT COUNT(*) FROM t WHERE tenant_id = $1" — 1 yes (the step has run), 0 no, -1 with e. */
int demo_loaded(db *d, const struct demo_ctx *c, const char *count_sql, struct err *e);

#define OPALE_DEMO_STEP(id, key_, fn)                                                               \
	static const struct demo_step opale_demo_##id                                               \
		__attribute__((used, section("opale_demo"), aligned(sizeof(void *)))) = { key_, fn }

#endif
