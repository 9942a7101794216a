/* Isolation seeds: for every tenant-scoped route with path parameters, the SQL that finds objects of
 * a given collectivité ($1 = its id): one column per path parameter, in order. The matrix test fails
 * for a tenant route whose parameters have no entry here, so a new route cannot escape the isolation
 * check. Fixtures below create the objects in each collectivité before the matrix runs. */
#ifndef OPALE_ISOLATION_SEEDS_H
#define OPALE_ISOLATION_SEEDS_H
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
	{ "/api/v1/helios/fichiers/:id", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/helios/fichiers/:id/pes", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/helios/fichiers/:id/visuel", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/helios/fichiers/:id/signature", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/helios/fichiers/:id/pes-signe", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/helios/retours/:id", "SELECT id FROM pes_answers WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/helios/fichiers/:id", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/helios/fichiers/:id/signature", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/helios/fichiers/:id/pes-signe", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/helios/fichiers/:id/visuel.pdf", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
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

/* One Hélios file (its blob need not exist) and one acquittal in tenant. */
static inline int seed_helios(db *d, int64_t tenant, int64_t user)
{
	struct err e;
	char sha[65];
	snprintf(sha, sizeof sha, "%064lld", (long long)tenant);
	int rc = db_run(d, &e, "INSERT INTO pes_files (tenant_id, name, sha256, size, nomfic, state, created_by, created_at, updated_at)"
			       " VALUES ($1, 'temoin.xml', $2, 1, 'PES-TEMOIN', 'importe', $3, 0, 0)", "iti", tenant, sha, user) < 0 ||
		 db_run(d, &e, "INSERT INTO pes_answers (tenant_id, file_id, kind, name, sha256, size, created_at)"
			       " SELECT $1, id, 'acquit', 'acquit-temoin.xml', $2, 1, 0 FROM pes_files WHERE tenant_id = $1 AND sha256 = $2", "it", tenant, sha) < 0;
	if (rc)
		printf("# seed_helios: %s\n", e.msg);
	return rc ? -1 : 0;
}

static int (*const isolation_fixtures[])(db *d, int64_t tenant, int64_t user) = { seed_parapheur, seed_egalite, seed_helios, NULL };

#endif
