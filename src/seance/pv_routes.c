/* pv_routes: the procès-verbal, the liste des délibérations and the registre over HTTP — JSON API
 * under /api/v1/seances/:id/… and the secretary's pages /seances/:id/pv, /seances/:id/liste,
 * /registre. Same storage functions for both (pv.c, registre.c). Tier iDélibre. */
#include "seance/pv.h"
#include "seance/sd_util.h"
#include "http/http.h"
#include "identity/identity.h"
#include "store/store.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IDL (RF_TIER_IDELIBRE)
#define SEC (ROLE_ADMIN | ROLE_AGENT | ROLE_SECRETAIRE)
#define READ (SEC | ROLE_AUDITOR)

#define TX(d, e, call) (db_begin_write(d, e) == 0 && (call) == 0 && db_commit(d, e) == 0 ? 0 : (db_rollback(d), -1))

/* The séance of the path, checked: its id, or 0 after answering 404 (-1 when the answer failed). */
static int64_t seance_of(struct req *r, db **d)
{
	int64_t id = req_param_id(r, "id");
	*d = id > 0 ? req_db(r) : NULL;
	if (!*d)
		return 0;
	if (!sd_seance_exists(*d, r->tenant_id, id)) {
		res_fail(r, 404, "seance.inconnue", "Séance introuvable.");
		return 0;
	}
	return id;
}

/* Sends a stored blob as a PDF download. */
static int send_blob(struct req *r, const char *sha, const char *name)
{
	char path[1200];
	if (store_path(sha, path, sizeof path) < 0 || !store_exists(sha))
		return res_fail(r, 404, "document.inconnu", "Document introuvable.");
	return res_file(r, arena_strdup(r->a, path), "application/pdf", name);
}

typedef int (*pdf_gen)(db *d, int64_t tenant, int64_t id, const char *path, struct err *e);

/* Generates a PDF to a temp file and sends it (the file goes once opened). */
static int send_generated(struct req *r, db *d, int64_t id, pdf_gen gen, const char *name)
{
	struct err e = { 0 };
	char path[1200];
	if (sd_tmp_path("pdf", id, path, sizeof path) < 0)
		return res_fail(r, 500, "fichier.temporaire", "Fichier temporaire impossible.");
	if (gen(d, r->tenant_id, id, path, &e) < 0) {
		unlink(path);
		return res_fail_err(r, &e);
	}
	res_file(r, arena_strdup(r->a, path), "application/pdf", name);
	r->send_unlink = 1;
	return 0;
}

static int pv_draft(db *d, int64_t tenant, int64_t id, const char *path, struct err *e)
{
	json_t *pv = sd_pv_json(d, tenant, id, e);
	int rc = pv ? sd_pv_pdf_from(pv, path, e) : -1;
	json_decref(pv);
	return rc;
}

/* ---- API -------------------------------------------------------------------------------------- */

static int pv_get(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	if (!id)
		return -1;
	struct err e;
	json_t *pv = sd_pv_json(d, r->tenant_id, id, &e);
	return pv ? res_json(r, 200, pv) : res_fail_err(r, &e);
}
OPALE_ROUTE(sd_pv_get_r, "GET", "/api/v1/seances/:id/pv", pv_get, READ, SCOPE_TENANT, IDL);

static int pv_put(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	json_t *j = id ? req_json(r) : NULL;
	if (!j)
		return -1;
	struct err e = { 0 };
	if (sd_pv_save(d, r->tenant_id, id, j, r->user_id, identity_now(), &e) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "seance.pv", arena_printf(r->a, "%lld", (long long)id), "modification");
	return res_json(r, 200, sd_pv_json(d, r->tenant_id, id, &e));
}
OPALE_ROUTE(sd_pv_put_r, "PUT", "/api/v1/seances/:id/pv", pv_put, SEC, SCOPE_TENANT, IDL);

static int pv_etat(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	json_t *j = id ? req_json(r) : NULL;
	if (!j)
		return -1;
	struct err e = { 0 };
	const char *etat = sd_str(j, "etat");
	if (TX(d, &e, sd_pv_etat(d, r->tenant_id, id, etat, sd_int(j, "seance", 0), r->user_id, identity_now(), &e)) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "seance.pv", arena_printf(r->a, "%lld", (long long)id), etat);
	return res_json(r, 200, sd_pv_json(d, r->tenant_id, id, &e));
}
OPALE_ROUTE(sd_pv_etat_r, "POST", "/api/v1/seances/:id/pv/etat", pv_etat, SEC, SCOPE_TENANT, IDL);

/* The frozen (or signed) PDF once arrêté; the draft generated from the séance's data before. */
static int pv_pdf(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	if (!id)
		return -1;
	char sha[65];
	if (sd_pv_file(d, r->tenant_id, id, sha))
		return send_blob(r, sha, "proces-verbal.pdf");
	return send_generated(r, d, id, pv_draft, "proces-verbal-projet.pdf");
}
OPALE_ROUTE(sd_pv_pdf_r, "GET", "/api/v1/seances/:id/pv.pdf", pv_pdf, READ, SCOPE_TENANT, IDL);

/* ---- pages ------------------------------------------------------------------------------------ */

static int pv_page(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	if (!id)
		return -1;
	struct err e;
	json_t *pv = sd_pv_json(d, r->tenant_id, id, &e);
	if (!pv)
		return res_fail_err(r, &e);
	json_object_set_new(pv, "peut_ecrire", json_boolean((r->roles & SEC) != 0));
	json_object_set_new(pv, "a_publier", json_boolean((sd_bool(pv, "adopte") || sd_bool(pv, "signe")) && !sd_int(pv, "publie_at", 0)));
	json_object_set_new(pv, "a_versions", json_boolean(json_array_size(json_object_get(pv, "versions")) > 0));
	json_object_set_new(pv, "a_seances_suivantes", json_boolean(json_array_size(json_object_get(pv, "seances_suivantes")) > 0));
	if (sd_bool(pv, "adopte") && !sd_int(pv, "dossier", 0) && (r->roles & SEC)) {
		json_t *c = sd_pv_parapheur_choix(d, r->tenant_id, r->user_id, &e);
		json_object_set_new(pv, "a_parapheur", json_boolean(json_array_size(json_object_get(c, "sous_types")) > 0 &&
								    json_array_size(json_object_get(c, "bureaux")) > 0));
		json_object_set_new(pv, "parapheur", c);
	}
	return page_render(r, 200, "seance_pv", "Procès-verbal", pv);
}
OPALE_ROUTE(sd_pv_page, "GET", "/seances/:id/pv", pv_page, READ, SCOPE_TENANT, IDL);

static int pv_post(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	if (!id)
		return -1;
	struct err e = { 0 };
	json_t *j = json_object(), *deb = json_object();
	static const char *const keys[] = { "president", "secretaire", "introduction", "conclusion", "version", NULL };
	for (const char *const *k = keys; *k; k++) {
		const char *v = req_form(r, *k);
		if (v)
			json_object_set_new(j, *k, json_string(v));
	}
	/* One textarea per point: debat-<point id>. */
	json_t *s = sd_seance_json(d, r->tenant_id, id, &e);
	size_t i;
	json_t *pt;
	json_array_foreach(json_object_get(s, "points"), i, pt) {
		char k[40], pk[24];
		snprintf(k, sizeof k, "debat-%lld", (long long)sd_int(pt, "id", 0));
		snprintf(pk, sizeof pk, "%lld", (long long)sd_int(pt, "id", 0));
		const char *v = req_form(r, k);
		if (v)
			json_object_set_new(deb, pk, json_string(v));
	}
	json_decref(s);
	json_object_set_new(j, "debats", deb);
	int ok = sd_pv_save(d, r->tenant_id, id, j, r->user_id, identity_now(), &e) == 0;
	json_decref(j);
	if (ok)
		audit_req(r, "seance.pv", arena_printf(r->a, "%lld", (long long)id), "modification");
	res_flash(r, ok ? "ok" : "erreur", ok ? "Procès-verbal enregistré (nouvelle version)." : e.msg);
	return res_redirect(r, arena_printf(r->a, "/seances/%lld/pv", (long long)id));
}
OPALE_ROUTE(sd_pv_post, "POST", "/seances/:id/pv", pv_post, SEC, SCOPE_TENANT, IDL);

static int pv_etat_post(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	if (!id)
		return -1;
	struct err e = { 0 };
	const char *etat = req_form(r, "etat"), *sa = req_form(r, "seance");
	int ok = TX(d, &e, sd_pv_etat(d, r->tenant_id, id, etat, sa ? strtoll(sa, NULL, 10) : 0, r->user_id, identity_now(), &e)) == 0;
	if (ok)
		audit_req(r, "seance.pv", arena_printf(r->a, "%lld", (long long)id), etat);
	res_flash(r, ok ? "ok" : "erreur", ok ? arena_printf(r->a, "Procès-verbal %s.", sd_pv_etat_libelle(etat ? etat : "")) : e.msg);
	return res_redirect(r, arena_printf(r->a, "/seances/%lld/pv", (long long)id));
}
OPALE_ROUTE(sd_pv_etat_post, "POST", "/seances/:id/pv/etat", pv_etat_post, SEC, SCOPE_TENANT, IDL);

/* Signature through the parapheur: {sous_type, bureau} (API) or the same form fields (page). */
static int pv_parapheur(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	json_t *j = id ? req_json(r) : NULL;
	if (!j)
		return -1;
	struct err e = { 0 };
	int64_t folder = 0;
	if (sd_pv_parapheur(d, r->tenant_id, id, r->user_id, sd_int(j, "sous_type", 0), sd_int(j, "bureau", 0), &folder, &e) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "seance.pv", arena_printf(r->a, "%lld", (long long)id), arena_printf(r->a, "parapheur dossier %lld", (long long)folder));
	return res_json(r, 201, json_pack("{s:I}", "dossier", (json_int_t)folder));
}
OPALE_ROUTE(sd_pv_parapheur_r, "POST", "/api/v1/seances/:id/pv/parapheur", pv_parapheur, SEC, SCOPE_TENANT, IDL);

static int pv_parapheur_post(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	if (!id)
		return -1;
	struct err e = { 0 };
	const char *st = req_form(r, "sous_type"), *dk = req_form(r, "bureau");
	int64_t folder = 0;
	int ok = sd_pv_parapheur(d, r->tenant_id, id, r->user_id, st ? strtoll(st, NULL, 10) : 0, dk ? strtoll(dk, NULL, 10) : 0, &folder, &e) == 0;
	if (ok)
		audit_req(r, "seance.pv", arena_printf(r->a, "%lld", (long long)id), arena_printf(r->a, "parapheur dossier %lld", (long long)folder));
	res_flash(r, ok ? "ok" : "erreur", ok ? "Procès-verbal envoyé dans le parapheur : le circuit de signature démarre." : e.msg);
	return res_redirect(r, arena_printf(r->a, "/seances/%lld/pv", (long long)id));
}
OPALE_ROUTE(sd_pv_parapheur_post, "POST", "/seances/:id/pv/parapheur", pv_parapheur_post, SEC, SCOPE_TENANT, IDL);

static int pv_publier(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	if (!id)
		return -1;
	struct err e = { 0 };
	if (TX(d, &e, sd_pv_publier(d, r->tenant_id, id, r->user_id, identity_now(), &e)) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "seance.pv", arena_printf(r->a, "%lld", (long long)id), "publication");
	return res_json(r, 200, sd_pv_json(d, r->tenant_id, id, &e));
}
OPALE_ROUTE(sd_pv_publier_r, "POST", "/api/v1/seances/:id/pv/publication", pv_publier, SEC, SCOPE_TENANT, IDL);

/* The pages' « Publier » buttons (PV, liste): fn records the publication in a transaction; audited
 * as `what` on success; flash and back to /seances/ID/PAGE either way. */
static int publish_post(struct req *r, int (*fn)(db *, int64_t, int64_t, int64_t, int64_t, struct err *), const char *what,
			const char *done, const char *page)
{
	db *d;
	int64_t id = seance_of(r, &d);
	if (!id)
		return -1;
	struct err e = { 0 };
	int ok = TX(d, &e, fn(d, r->tenant_id, id, r->user_id, identity_now(), &e)) == 0;
	if (ok)
		audit_req(r, what, arena_printf(r->a, "%lld", (long long)id), "publication");
	res_flash(r, ok ? "ok" : "erreur", ok ? done : e.msg);
	return res_redirect(r, arena_printf(r->a, "/seances/%lld/%s", (long long)id, page));
}

static int pv_publier_post(struct req *r)
{
	return publish_post(r, sd_pv_publier, "seance.pv", "Publication du procès-verbal enregistrée.", "pv");
}
OPALE_ROUTE(sd_pv_publier_post, "POST", "/seances/:id/pv/publier", pv_publier_post, SEC, SCOPE_TENANT, IDL);

/* ---- liste des délibérations (L2121-25) --------------------------------------------------------- */

static int liste_get(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	if (!id)
		return -1;
	struct err e;
	json_t *l = sd_liste_json(d, r->tenant_id, id, &e);
	return l ? res_json(r, 200, l) : res_fail_err(r, &e);
}
OPALE_ROUTE(sd_liste_get_r, "GET", "/api/v1/seances/:id/liste", liste_get, READ, SCOPE_TENANT, IDL);

/* The published PDF once published; generated from the séance's data before. */
static int liste_pdf(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	if (!id)
		return -1;
	char sha[65];
	if (sd_liste_file(d, r->tenant_id, id, sha))
		return send_blob(r, sha, "liste-des-deliberations.pdf");
	return send_generated(r, d, id, sd_liste_pdf, "liste-des-deliberations.pdf");
}
OPALE_ROUTE(sd_liste_pdf_r, "GET", "/api/v1/seances/:id/liste.pdf", liste_pdf, READ, SCOPE_TENANT, IDL);

static int liste_publier(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	if (!id)
		return -1;
	struct err e = { 0 };
	if (TX(d, &e, sd_liste_publier(d, r->tenant_id, id, r->user_id, identity_now(), &e)) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "seance.liste", arena_printf(r->a, "%lld", (long long)id), "publication");
	return res_json(r, 200, sd_liste_json(d, r->tenant_id, id, &e));
}
OPALE_ROUTE(sd_liste_publier_r, "POST", "/api/v1/seances/:id/liste/publication", liste_publier, SEC, SCOPE_TENANT, IDL);

static int liste_page(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	if (!id)
		return -1;
	struct err e;
	json_t *l = sd_liste_json(d, r->tenant_id, id, &e);
	if (!l)
		return res_fail_err(r, &e);
	json_object_set_new(l, "peut_ecrire", json_boolean((r->roles & SEC) != 0));
	return page_render(r, 200, "seance_liste", "Liste des délibérations", l);
}
OPALE_ROUTE(sd_liste_page, "GET", "/seances/:id/liste", liste_page, READ, SCOPE_TENANT, IDL);

static int liste_publier_post(struct req *r)
{
	return publish_post(r, sd_liste_publier, "seance.liste", "Liste des délibérations publiée : la date de mise en ligne est enregistrée.",
			    "liste");
}
OPALE_ROUTE(sd_liste_publier_post, "POST", "/seances/:id/liste/publier", liste_publier_post, SEC, SCOPE_TENANT, IDL);

/* ---- registre (R2121-9) ------------------------------------------------------------------------ */

static int registre_pdf(struct req *r)
{
	db *d;
	int64_t id = seance_of(r, &d);
	return id ? send_generated(r, d, id, sd_registre_pdf, "registre-seance.pdf") : -1;
}
OPALE_ROUTE(sd_registre_pdf_r, "GET", "/api/v1/seances/:id/registre.pdf", registre_pdf, READ, SCOPE_TENANT, IDL);

/* ?annee=AAAA (default: this year, Paris), &organe=ID (default: every assembly). */
static int year_of(struct req *r)
{
	const char *a = req_query(r, "annee");
	int y = a ? atoi(a) : 0;
	if (y < 1900 || y > 9999) {
		char t[80];
		sd_fmt_short(identity_now(), t, sizeof t);
		y = atoi(t + 6);
	}
	return y;
}

static int registre_annee(db *d, int64_t tenant, int64_t packed, const char *path, struct err *e)
{
	return sd_registre_annee_pdf(d, tenant, (int)(packed % 10000), packed / 10000, path, e);
}

static int registre_annee_pdf(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	const char *o = req_query(r, "organe");
	int64_t organe = o ? strtoll(o, NULL, 10) : 0;
	int y = year_of(r);
	/* year and organe packed into the generator's id argument. */
	return send_generated(r, d, organe * 10000 + y, registre_annee, arena_printf(r->a, "registre-deliberations-%d.pdf", y));
}
OPALE_ROUTE(sd_registre_annee_r, "GET", "/api/v1/registre.pdf", registre_annee_pdf, READ, SCOPE_TENANT, IDL);

static int registre_page(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	int y = year_of(r);
	json_t *list = sd_registre_seances(d, r->tenant_id, y, 0, &e);
	return page_render(r, 200, "registre", "Registre des délibérations",
			   json_pack("{s:i,s:i,s:i,s:o,s:b}", "annee", y, "precedente", y - 1, "suivante", y + 1, "seances", list, "a_seances",
				     json_array_size(list) > 0));
}
OPALE_ROUTE(sd_registre_page, "GET", "/registre", registre_page, READ, SCOPE_TENANT, IDL);
