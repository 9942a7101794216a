/* demo: Hélios for the demo collectivité — its treasury identifiers, a parapheur type of protocol
 * HELIOS (circuit: visa DGS → signature Président) and one PES_Aller of two bordereaux of mandats,
 * generated valid for the CCPO's SIRET and imported (state « importé »). The poste comptable code
 * and the collectivité/budget codes are demonstration values, not the CCPO's real ones. */
#include "identity/demo.h"
#include "db/tenant.h"
#include "helios/files.h"
#include "identity/identity.h"
#include "parapheur/parapheur.h"
#include "store/store.h"

#include <stdio.h>
#include <unistd.h>

#define DEMO_IDPOST "062034"
#define DEMO_CODCOL "123"
#define DEMO_CODBUD "01"

static int64_t desk_named(db *d, int64_t tenant, const char *name)
{
	return tdb_int(d, tenant, 0, "SELECT id FROM desks WHERE tenant_id = $1 AND name = $2 ORDER BY id LIMIT 1", "t", name);
}

static int demo_helios(db *d, struct demo_ctx *c, struct err *e)
{
	int loaded = demo_loaded(d, c, "SELECT COUNT(*) FROM pes_files WHERE tenant_id = $1", e);
	if (loaded)
		return loaded < 0 ? -1 : 0;  /* already loaded */
	int rc;
	/* Without the DGFiP schemas (an installation that lacks them) no PES can be checked: the rest of
	 * the demo loads all the same. */
	struct err se = { 0 };
	if (!pes_schemas_dir()[0] && pes_schemas_use(NULL, &se) < 0) {
		fprintf(stderr, "démo Hélios : %s — aucun PES chargé\n", se.msg);
		return 0;
	}
	struct hf_settings st = { DEMO_IDPOST, DEMO_CODCOL, DEMO_CODBUD };
	if (hf_settings_set(d, c->ccpo, &st, e) < 0)
		return -1;
	int64_t dgs = desk_named(d, c->ccpo, "Direction générale des services"), pres = desk_named(d, c->ccpo, "Présidence");
	if (dgs && pres) {
		char steps[256];
		snprintf(steps, sizeof steps, "[{\"type\":\"visa\",\"bureaux\":[%lld]},{\"type\":\"signature\",\"bureaux\":[%lld]}]",
			 (long long)dgs, (long long)pres);
		json_t *j = json_loads(steps, 0, NULL);
		int64_t circuit, type, sub;
		rc = pa_circuit_create(d, c->ccpo, "PES Hélios : visa DGS, signature Président", j, &circuit, e) < 0 ||
		     pa_type_create(d, c->ccpo, "Flux comptable Hélios", "pes", "helios", "Guînes", "62340", &type, e) < 0 ||
		     pa_subtype_create(d, c->ccpo, type, "Bordereaux de mandats et de titres", circuit, NULL, &sub, e) < 0;
		json_decref(j);
		if (rc)
			return -1;
	}
	store_init(c->data_dir);
	char path[1200];
	snprintf(path, sizeof path, "%s/tmp-demo-pes.xml", c->data_dir);
	FILE *f = fopen(path, "wb");
	if (!f)
		return err_set(e, 500, "demo.helios", "Écriture de %s impossible.", path);
	struct pes_gen_opts g = { .bordereaux = 2, .mandats = 12, .first_bordereau = 41, .seed = 62,
				  .idcoll = "24620036400015", .idpost = DEMO_IDPOST, .codcol = DEMO_CODCOL, .codbud = DEMO_CODBUD,
				  .libelle = "CC PAYS D'OPALE — BUDGET PRINCIPAL", .nomfic = "PESALR2_24620036400015_251015_001",
				  .date = "2025-10-15" };
	struct pes_gen_stats gs;
	rc = pes_gen_write_opts(f, &g, &gs, e);
	if (fclose(f) != 0 && rc == 0)
		rc = err_set(e, 500, "demo.helios", "Écriture de %s impossible.", path);
	if (rc < 0)
		return -1;
	char sha[65];
	uint64_t size;
	if (store_hash_file(path, sha, &size) < 0) {
		unlink(path);
		return err_set(e, 500, "demo.helios", "Lecture de %s impossible.", path);
	}
	struct pes_report rep;
	int64_t id;
	rc = hf_import(d, c->ccpo, c->users[DEMO_AGENT], path, "PESALR2_24620036400015_251015_001.xml", sha, size, &rep, &id, e);
	if (rc < 0 && rep.n_issues)
		fprintf(stderr, "demo helios: %s\n", rep.issues[0].msg);
	pes_report_free(&rep);
	unlink(path);  /* moved into the store on success */
	return rc;
}
OPALE_DEMO_STEP(helios, "30-helios", demo_helios);
