/* demo: the operator « CDG 62 », the Communauté de Communes Pays d'Opale (tiers 2 and 3) and one
 * user of each role; then every module's own demo step. Running it twice changes nothing. */
#include "identity/demo.h"
#include "identity/identity.h"
#include "core/cli.h"
#include "core/config.h"
#include "db/tenant.h"
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct demo_step __start_opale_demo[] __attribute__((weak));
extern const struct demo_step __stop_opale_demo[] __attribute__((weak));

static const struct {
	const char *login, *first, *last, *fonction;
	unsigned roles;
} people[DEMO_NUSERS] = {
	[DEMO_CDG] = { "cdg.operateur", "Camille", "Lefebvre", "Chargée de mission e-administration, CDG 62", 0 },
	[DEMO_ADMIN] = { "ccpo.admin", "Julien", "Caron", "Responsable informatique", ROLE_ADMIN },
	[DEMO_AGENT] = { "ccpo.agent", "Sophie", "Delattre", "Service des assemblées", ROLE_AGENT },
	[DEMO_DGS] = { "ccpo.dgs", "Marc", "Vasseur", "Directeur général des services", ROLE_SIGNATAIRE | ROLE_AGENT },
	[DEMO_PRESIDENT] = { "ccpo.president", "Anne", "Fournier", "Présidente", ROLE_SIGNATAIRE | ROLE_ELU },
	[DEMO_SECRETAIRE] = { "ccpo.secretaire", "Nadia", "Boulanger", "Secrétaire de séance", ROLE_SECRETAIRE },
	[DEMO_ELU] = { "ccpo.elu", "Pierre", "Lemaire", "Conseiller communautaire", ROLE_ELU },
	[DEMO_AUDITEUR] = { "ccpo.auditeur", "Luc", "Martin", "Contrôle interne", ROLE_AUDITOR },
};

int demo_loaded(db *d, const struct demo_ctx *c, const char *count_sql, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, c->ccpo, e, &rc, count_sql, "");
	if (!s)
		return -1;
	int64_t n = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	return n > 0;
}

static int demo_identity(db *d, struct demo_ctx *c, struct err *e)
{
	int rc;
	db_stmt *s = db_query(d, e, &rc, "SELECT id FROM operators ORDER BY id LIMIT 1", "");
	if (!s)
		return -1;
	c->operator_id = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	if (!c->operator_id) {
		/* The CDG's SIRET is not in the seed documents: left empty rather than invented. */
		s = db_query(d, e, &rc, "INSERT INTO operators (name, siret, created_at) VALUES ($1, $2, $3) RETURNING id", "tti",
			     "CDG 62 — Centre de Gestion de la Fonction Publique Territoriale du Pas-de-Calais", "", identity_now());
		if (!s)
			return -1;
		c->operator_id = db_col_int64(s, 0);
		db_finalize(s);
	}
	s = db_query(d, e, &rc, "SELECT id FROM collectivites WHERE siren = $1", "t", "246200364");
	if (!s)
		return -1;
	c->ccpo = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	if (!c->ccpo) {
		struct collectivite cc = { .population = 24000, .tiers = TIER_PARAPHEUR | TIER_IDELIBRE };
		snprintf(cc.name, sizeof cc.name, "Communauté de Communes Pays d'Opale");
		snprintf(cc.siren, sizeof cc.siren, "246200364");
		snprintf(cc.siret, sizeof cc.siret, "24620036400015");
		snprintf(cc.kind, sizeof cc.kind, "cc");
		snprintf(cc.departement, sizeof cc.departement, "062");
		snprintf(cc.prefecture, sizeof cc.prefecture, "PREF062");
		snprintf(cc.city, sizeof cc.city, "Guînes");
		snprintf(cc.website, sizeof cc.website, "https://www.ccpo.fr");
		if (collectivite_create(d, &cc, 0, "demo", e) < 0)
			return -1;
		c->ccpo = cc.id;
		db_run(d, e, "UPDATE adhesions SET deliberation_date = $1, start_date = $2 WHERE tenant_id = $3", "tti",
		       "2024-02-12", "2024-03-01", c->ccpo);
		static const char *const steps[][3] = { { "etude", "2024-03-15", "2024-03-28" },
							{ "procedures", "2024-04-15", "2024-04-30" },
							{ "parametrage", "2024-05-15", "2024-05-22" },
							{ "formation", "2024-06-10", "" } };
		for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
			db_run(d, e, "INSERT INTO setup_steps (tenant_id, step, planned_on, done_on, note) VALUES ($1,$2,$3,$4,'')",
			       "ittt", c->ccpo, steps[i][0], steps[i][1], steps[i][2]);
		db_run(d, e, "INSERT INTO assistance (tenant_id, day, minutes, subject, user_id) VALUES ($1,$2,$3,$4,0)", "itit",
		       c->ccpo, "2024-09-17", (int64_t)45, "Renouvellement du certificat de télétransmission");
	}
	for (int i = 0; i < DEMO_NUSERS; i++) {
		int64_t id = user_find(d, people[i].login);
		if (id <= 0) {
			struct user u = { .is_operator = i == DEMO_CDG };
			snprintf(u.login, sizeof u.login, "%s", people[i].login);
			snprintf(u.first_name, sizeof u.first_name, "%s", people[i].first);
			snprintf(u.last_name, sizeof u.last_name, "%s", people[i].last);
			snprintf(u.fonction, sizeof u.fonction, "%s", people[i].fonction);
			snprintf(u.email, sizeof u.email, "%s@demo.opale.invalid", people[i].login);
			if (user_create(d, &u, DEMO_PASSWORD, 0, "demo", &id, e) < 0)
				return -1;
			if (people[i].roles && user_grant(d, id, c->ccpo, people[i].roles, e) < 0)
				return -1;
		}
		c->users[i] = id;
	}
	return 0;
}
OPALE_DEMO_STEP(identite, "10-identite", demo_identity);

static int by_key(const void *a, const void *b)
{
	return strcmp((*(const struct demo_step *const *)a)->key, (*(const struct demo_step *const *)b)->key);
}

static int cmd_demo(int argc, char **argv)
{
	struct err e = { 0 };
	if (config_load(argc, argv, &e) < 0 || db_configure(cfg.data_dir, cfg.db_url, &e) < 0) {
		fprintf(stderr, "opale demo : %s\n", e.msg);
		return 2;
	}
	db *d = db_thread(&e);
	if (!d || db_migrate(d, &e) < 0) {
		fprintf(stderr, "opale demo : %s\n", e.msg);
		return 1;
	}
	const struct demo_step *steps[64];
	int n = 0;
	for (const struct demo_step *s = __start_opale_demo; s && s < __stop_opale_demo && n < 64; s++)
		steps[n++] = s;
	qsort(steps, (size_t)n, sizeof steps[0], by_key);
	struct demo_ctx c = { .data_dir = cfg.data_dir };
	for (int i = 0; i < n; i++) {
		if (steps[i]->run(d, &c, &e) < 0) {
			fprintf(stderr, "opale demo : étape %s : %s\n", steps[i]->key, e.msg);
			return 1;
		}
	}
	printf("Données de démonstration chargées (%d étape(s)). Comptes : cdg.operateur, ccpo.admin, ccpo.agent, ccpo.dgs,"
	       " ccpo.president, ccpo.secretaire, ccpo.elu, ccpo.auditeur — mot de passe %s\n", n, DEMO_PASSWORD);
	return 0;
}
OPALE_COMMAND(demo, "demo", cmd_demo, "opale demo --data DIR [--db postgresql://…]",
	      "charge les données de démonstration (sans effet si déjà chargées)");
