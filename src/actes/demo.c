/* demo: the CCPO's @ctes settings (arrondissement 3 of the Pas-de-Calais, nature 46 as the test
 * peer records it) and two acts of the seed as drafts — the e-administration convention with the
 * CDG 62 and the délibération authorising it — ready to be transmitted. */
#include "actes/registre.h"
#include "db/tenant.h"
#include "identity/demo.h"
#include "identity/identity.h"
#include "store/store.h"
#include "web/pdfdoc.h"

#include <stdio.h>

/* Writes a one-page PDF to path; its SHA-256 into sha. */
static int demo_pdf(const char *path, const char *title, const char *text, char sha[65], struct err *e)
{
	pdfdoc *p = pdfdoc_new(path, title, e);
	if (!p)
		return -1;
	pdfdoc_title(p, title);
	pdfdoc_para(p, text);
	uint64_t size;
	return pdfdoc_finish(p, e) < 0 || store_hash_file(path, sha, &size) < 0 ? -1 : 0;
}

static int demo_actes(db *d, struct demo_ctx *c, struct err *e)
{
	int loaded = demo_loaded(d, c, "SELECT COUNT(*) FROM actes WHERE tenant_id = $1", e);
	if (loaded)
		return loaded < 0 ? -1 : 0;  /* already loaded */
	int rc;
	store_init(c->data_dir);
	if (actes_db_settings(d, c->ccpo, "3", "46", NULL, e) < 0)
		return -1;
	char p1[1200], p2[1200], s1[65], s2[65];
	snprintf(p1, sizeof p1, "%s/tmp-demo-deliberation.pdf", c->data_dir);
	snprintf(p2, sizeof p2, "%s/tmp-demo-convention-actes.pdf", c->data_dir);
	if (demo_pdf(p1, "Délibération n° 2024_041 — adhésion au service e-administration du CDG 62",
		     "Le conseil communautaire, après en avoir délibéré, autorise le Président à signer la convention pour "
		     "l'accompagnement à la e-administration avec le Centre de Gestion du Pas-de-Calais.", s1, e) < 0 ||
	    demo_pdf(p2, "Convention pour l'accompagnement à la e-administration",
		     "Entre le Centre de Gestion de la Fonction Publique Territoriale du Pas-de-Calais (CDG 62) et la Communauté de "
		     "Communes Pays d'Opale. La présente convention est conclue pour une durée de 5 ans.", s2, e) < 0)
		return -1;
	struct actes_new a1 = { .numero = "2024_041", .nature = 1, .objet = "Adhésion au service e-administration du CDG 62",
				.date_decision = "2024-03-12", .matiere = "5.7", .type_piece = "99_DE",
				.acte = { "deliberation-2024_041.pdf", p1, s1, NULL } };
	struct actes_new a2 = { .numero = "2024_12", .nature = 4, .objet = "Convention pour l'accompagnement à la e-administration (CDG 62)",
				.date_decision = "2024-03-18", .matiere = "1.4", .type_piece = "99_CO",
				.acte = { "convention-cdg62.pdf", p2, s2, NULL } };
	struct actes_report r = { 0 };
	int64_t id;
	rc = actes_db_create(d, c->ccpo, c->users[DEMO_AGENT], &a1, &r, &id, e) < 0 ||
	     actes_db_create(d, c->ccpo, c->users[DEMO_AGENT], &a2, &r, &id, e) < 0 ? -1 : 0;
	actes_report_free(&r);
	return rc;
}
OPALE_DEMO_STEP(actes, "30-actes", demo_actes);

/* Step "80-actes-prefecture", after the séance's votes (31) and before the publication (90): the
 * délibérations of the CCPO's past séance are sent to the demo's test prefecture the morning after
 * the séance and acknowledged (actes_demo_prefecture: a real 1-2, PREF_ID / PREF_DATE filled, the
 * stamped copy), so the publication that follows makes them executory and the SCDL export has real
 * rows. The drafts of step 30 stay drafts (the journeys transmit them). Idempotent. */
static int demo_prefecture(db *d, struct demo_ctx *c, struct err *e)
{
	int rc;
	int64_t ids[32], at[32];
	int n = 0;
	db_stmt *s = tdb_query(d, c->ccpo, e, &rc,
			       "SELECT a.id, s.starts_at FROM actes a JOIN seance_deliberations sd ON sd.acte_id = a.id AND sd.tenant_id = a.tenant_id"
			       " JOIN seances s ON s.id = sd.seance_id AND s.tenant_id = a.tenant_id"
			       " WHERE a.tenant_id = $1 AND a.state = 'brouillon' AND s.starts_at < $2 ORDER BY a.id",
			       "i", identity_now());
	for (; s && rc == DB_ROW && n < 32; rc = db_step(s, e)) {
		ids[n] = db_col_int64(s, 0);
		at[n++] = db_col_int64(s, 1);
	}
	if (s)
		db_finalize(s);
	if (!s || rc < 0)
		return -1;
	store_init(c->data_dir);
	for (int i = 0; i < n; i++)   /* posted the next morning (the séance ends in the evening) */
		if (actes_demo_prefecture(d, c->ccpo, ids[i], at[i] + 15 * 3600 + i * 120, e) < 0)
			return -1;
	return 0;
}
OPALE_DEMO_STEP(actes_prefecture, "80-actes-prefecture", demo_prefecture);
