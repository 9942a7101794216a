/* Isolation seeds: for every tenant-scoped route with path parameters, the SQL that finds objects of
 * a given collectivité ($1 = its id): one column per path parameter, in order. The matrix test fails
 * for a tenant route whose parameters have no entry here, so a new route cannot escape the isolation
 * check. Fixtures below create the objects in each collectivité before the matrix runs. */
#ifndef OPALE_ISOLATION_SEEDS_H
#define OPALE_ISOLATION_SEEDS_H
#include "db/tenant.h"
#include "parapheur/parapheur.h"

struct isolation_seed {
	const char *pattern;
	const char *sql;
};

static const struct isolation_seed isolation_seeds[] = {
	{ "/administration/jetons/:id/revoquer", "SELECT id FROM api_tokens WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/bureaux/:id/delegations", "SELECT id FROM desks WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/bureaux/:id/bannettes/:bannette", "SELECT id, 'a-traiter' FROM desks WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id/demarrer", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id/actions", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id/bordereau", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id/export", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id/documents/:doc", "SELECT folder_id, id FROM folder_docs WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/dossiers/:id", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/dossiers/:id/actions", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/egalite/rapports/:id", "SELECT id FROM egalite_reports WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/egalite/rapports/:id/:format", "SELECT id, 'json' FROM egalite_reports WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/:id", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/:id/transmettre", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/:id/annuler", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/:id/documents/:doc", "SELECT acte_id, id FROM actes_docs WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/messages/:id/fichier", "SELECT id FROM actes_messages WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/messages/:id/reponse", "SELECT id FROM actes_messages WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/actes/:id", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/actes/:id/transmettre", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/actes/:id/annuler", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/actes/messages/:id/reponse", "SELECT id FROM actes_messages WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ NULL, NULL },
};

/* Creates one of each parapheur object in tenant, owned by user. */
static inline int seed_parapheur(db *d, int64_t tenant, int64_t user)
{
	struct err e;
	int64_t desk, circuit, type, sub, folder;
	json_t *steps = json_loads("[{\"type\":\"visa\",\"bureaux\":[\"emetteur\"]}]", 0, NULL);
	int rc = pa_desk_create(d, tenant, "Bureau témoin", 0, &user, 1, &desk, &e) < 0 ||
		 pa_circuit_create(d, tenant, "Circuit témoin", steps, &circuit, &e) < 0 ||
		 pa_type_create(d, tenant, "Type témoin", "pades", "none", "", "", &type, &e) < 0 ||
		 pa_subtype_create(d, tenant, type, "Sous-type témoin", circuit, NULL, &sub, &e) < 0 ||
		 pa_folder_create(d, tenant, user, "Dossier témoin", sub, desk, NULL, 0, &folder, &e) < 0 ||
		 pa_folder_add_doc(d, tenant, folder, "principal", "temoin.pdf",
				   "0000000000000000000000000000000000000000000000000000000000000000", "application/pdf", 1, &e) < 0;
	json_decref(steps);
	if (rc)
		printf("# seed_parapheur: %s\n", e.msg);
	return rc ? -1 : 0;
}

/* One stored equality diagnostic (blobs absent: the routes answer from the row). */
static inline int seed_egalite(db *d, int64_t tenant, int64_t user)
{
	struct err e;
	const char *z = "0000000000000000000000000000000000000000000000000000000000000000";
	int rc = db_run(d, &e, "INSERT INTO egalite_reports (tenant_id, ref_date, titre, a_part, agents, previous_id, sha_json, sha_html,"
			       " sha_fragment, sha_pdf, sha_xlsx, created_by, created_at) VALUES ($1, '2023-12-31', 'Témoin', '', 1, 0,"
			       " $2, $2, $2, $2, $2, $3, 0)", "iti", tenant, z, user);
	if (rc < 0)
		printf("# seed_egalite: %s\n", e.msg);
	return rc < 0 ? -1 : 0;
}

/* One act of tenant with a document and a prefecture letter (rows only: no file behind them). */
static inline int seed_actes(db *d, int64_t tenant, int64_t user)
{
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "INSERT INTO actes (tenant_id, annee, numero, nature, objet, date_decision, matiere,"
						   " classification_date, type_piece, creator, created_at, updated_at) VALUES ($1, 2024, 'TEMOIN_1', 4,"
						   " 'Acte témoin', '2024-03-18', '1.4', '2024-01-10', '99_DC', $2, 0, 0) RETURNING id", "i", user);
	int64_t acte = s && rc == DB_ROW ? db_col_int64(s, 0) : 0;
	if (s)
		db_finalize(s);
	if (!acte ||
	    tdb_run(d, tenant, &e, "INSERT INTO actes_docs (tenant_id, acte_id, role, name, sha256, mime, size, created_at)"
				   " VALUES ($1, $2, 'acte', 'temoin.pdf', '0000000000000000000000000000000000000000000000000000000000000000',"
				   " 'application/pdf', 1, 0)", "i", acte) < 0 ||
	    tdb_run(d, tenant, &e, "INSERT INTO actes_messages (tenant_id, acte_id, tdt_id, code, pdf_sha256, answer_state, created_at)"
				   " VALUES ($1, $2, '1', '3-1', '0000000000000000000000000000000000000000000000000000000000000000', 'a_repondre', 0)",
		    "i", acte) < 0) {
		printf("# seed_actes: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int (*const isolation_fixtures[])(db *d, int64_t tenant, int64_t user) = { seed_parapheur, seed_egalite, seed_actes, NULL };

#endif
