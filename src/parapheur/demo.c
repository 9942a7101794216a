/* demo: the parapheur of the demo collectivité — desks of the CCPO, the seed's circuits (CDG
 * convention: visa DGS → signature Président; CCI avenant: visa DGA → signature Président → external
 * signature of the CCI's vice-president) and one folder waiting for the DGS's visa. */
#include "identity/demo.h"
#include "parapheur/parapheur.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "store/store.h"
#include "web/pdfdoc.h"

#include <stdio.h>

static int demo_parapheur(db *d, struct demo_ctx *c, struct err *e)
{
	int loaded = demo_loaded(d, c, "SELECT COUNT(*) FROM desks WHERE tenant_id = $1", e);
	if (loaded)
		return loaded < 0 ? -1 : 0;  /* already loaded */
	int rc;
	int64_t pres, dgs, dga, sec, cci, c1, c2, t1, t2, st1, st2, folder;
	if (pa_desk_create(d, c->ccpo, "Présidence", 0, &c->users[DEMO_PRESIDENT], 1, &pres, e) < 0 ||
	    pa_desk_create(d, c->ccpo, "Direction générale des services", pres, &c->users[DEMO_DGS], 1, &dgs, e) < 0 ||
	    pa_desk_create(d, c->ccpo, "Direction générale adjointe", pres, &c->users[DEMO_DGS], 1, &dga, e) < 0 ||
	    pa_desk_create(d, c->ccpo, "Secrétariat général", dgs, &c->users[DEMO_AGENT], 1, &sec, e) < 0 ||
	    pa_desk_create(d, c->ccpo, "CCI Littoral Hauts-de-France (signataire externe)", 0, NULL, 0, &cci, e) < 0)
		return -1;
	char steps[512];
	snprintf(steps, sizeof steps, "[{\"type\":\"visa\",\"bureaux\":[%lld]},{\"type\":\"signature\",\"bureaux\":[%lld]}]",
		 (long long)dgs, (long long)pres);
	json_t *j1 = json_loads(steps, 0, NULL);
	snprintf(steps, sizeof steps, "[{\"type\":\"visa\",\"bureaux\":[%lld]},{\"type\":\"signature\",\"bureaux\":[%lld]},"
				      "{\"type\":\"externe\",\"bureaux\":[%lld]}]", (long long)dga, (long long)pres, (long long)cci);
	json_t *j2 = json_loads(steps, 0, NULL);
	rc = pa_circuit_create(d, c->ccpo, "Convention CDG 62 : visa DGS, signature Président", j1, &c1, e) < 0 ||
	     pa_circuit_create(d, c->ccpo, "Avenant CCI : visa DGA, signature Président, signature CCI", j2, &c2, e) < 0 ||
	     pa_type_create(d, c->ccpo, "Convention", "pades", "actes", "Guînes", "62340", &t1, e) < 0 ||
	     pa_subtype_create(d, c->ccpo, t1, "Convention d'adhésion", c1, NULL, &st1, e) < 0 ||
	     pa_type_create(d, c->ccpo, "Avenant de partenariat", "pades", "actes", "Guînes", "62340", &t2, e) < 0 ||
	     pa_subtype_create(d, c->ccpo, t2, "Avenant avec signature externe", c2, NULL, &st2, e) < 0;
	json_decref(j1);
	json_decref(j2);
	if (rc)
		return -1;
	/* A folder waiting for the DGS, with a generated copy of the convention's first lines. */
	store_init(c->data_dir);
	char path[1200];
	snprintf(path, sizeof path, "%s/tmp-demo-convention.pdf", c->data_dir);
	pdfdoc *p = pdfdoc_new(path, "Convention CDG 62 — e-administration", e);
	if (!p)
		return -1;
	pdfdoc_title(p, "Convention pour l'accompagnement à la e-administration");
	pdfdoc_para(p, "Entre le Centre de Gestion de la Fonction Publique Territoriale du Pas-de-Calais (CDG 62) et la "
		       "Communauté de Communes Pays d'Opale.");
	pdfdoc_para(p, "Article 2 : durée et renouvellement — la présente convention est conclue pour une durée de 5 ans, "
		       "renouvelable une fois par reconduction expresse.");
	pdfdoc_para(p, "Le Président : #signature#");
	if (pdfdoc_finish(p, e) < 0)
		return -1;
	char sha[65];
	uint64_t size;
	char mime[128];
	if (store_hash_file(path, sha, &size) < 0 || store_put_file(path, sha, mime, e) < 0)
		return -1;
	json_t *meta = json_pack("{s:s}", "montant", "0");
	rc = pa_folder_create(d, c->ccpo, c->users[DEMO_AGENT], "Convention e-administration CDG 62", st1, sec, meta, 0, &folder, e) < 0 ||
	     pa_folder_add_doc(d, c->ccpo, folder, "principal", "convention-cdg62.pdf", sha, "application/pdf", (int64_t)size, e) < 0 ||
	     pa_folder_start(d, c->ccpo, c->users[DEMO_AGENT], folder, NULL, 0, e) < 0;
	json_decref(meta);
	return rc ? -1 : 0;
}
OPALE_DEMO_STEP(parapheur, "20-parapheur", demo_parapheur);
