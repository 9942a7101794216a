/* pv_routes: the procès-verbal, the liste des délibérations and the registre over HTTP — JSON API
 * under /api/v1/seances/:id/… and the secretary's pages /seances/:id/pv, /seances/:id/liste,
 * /registre. Same storage functions for both (pv.c, registre.c). Tier iDélibre. */
#include "seance/pv.h"
#include "seance/sd_util.h"
#include "http/action.h"
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

int64_t sd_seance_of(struct req *r, db **d)
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

int sd_send_generated(struct req *r, db *d, int64_t id, int (*gen)(db *d, int64_t tenant, int64_t id, const char *path, struct err *e),
		      const char *name)
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

int sd_send_seance_pdf(struct req *r, int (*gen)(db *d, int64_t tenant, int64_t id, const char *path, struct err *e), const char *name)
{
	db *d;
	int64_t id = sd_seance_of(r, &d);
	return id ? sd_send_generated(r, d, id, gen, name) : -1;
}

static int pv_draft(db *d, int64_t tenant, int64_t id, const char *path, struct err *e)
{
	json_t *pv = sd_pv_json(d, tenant, id, e);
	int rc = pv ? sd_pv_pdf_from(pv, path, e) : -1;
	json_decref(pv);
	return rc;
}

/* ---- API -------------------------------------------------------------------------------------- */

static json_t *pv_answer(struct act *a)
{
	return sd_pv_json(a->d, a->tenant, a->id, &a->e);
}
OPALE_ACTION(pv_get, .id = "id", .check = sd_act_seance_known, .answer = pv_answer)
OPALE_ROUTE(sd_pv_get_r, "GET", "/api/v1/seances/:id/pv", pv_get, READ, SCOPE_TENANT, IDL);

static int pv_save_fn(struct act *a)
{
	a->audit_detail = "modification";
	return sd_pv_save(a->d, a->tenant, a->id, a->in, a->r->user_id, identity_now(), &a->e);
}
OPALE_ACTION(pv_put, .id = "id", .flags = ACT_CHECK_FIRST | ACT_JSON, .check = sd_act_seance_known, .fn = pv_save_fn, .audit = "seance.pv",
	     .answer = pv_answer)
OPALE_ROUTE(sd_pv_put_r, "PUT", "/api/v1/seances/:id/pv", pv_put, SEC, SCOPE_TENANT, IDL);

/* The new state (etat), from the body or the form; the page says it in words. */
static int pv_etat_fn(struct act *a)
{
	const char *etat = a->in ? sd_str(a->in, "etat") : req_form(a->r, "etat"), *sa = a->in ? NULL : req_form(a->r, "seance");
	int64_t seance = a->in ? sd_int(a->in, "seance", 0) : sa ? strtoll(sa, NULL, 10) : 0;
	a->audit_detail = etat;
	a->done = arena_printf(a->r->a, "Procès-verbal %s.", sd_pv_etat_libelle(etat ? etat : ""));
	return sd_pv_etat(a->d, a->tenant, a->id, etat, seance, a->r->user_id, identity_now(), &a->e);
}
OPALE_ACTION(pv_etat, .id = "id", .flags = ACT_CHECK_FIRST | ACT_JSON | ACT_TX, .check = sd_act_seance_known, .fn = pv_etat_fn,
	     .audit = "seance.pv", .answer = pv_answer)
OPALE_ROUTE(sd_pv_etat_r, "POST", "/api/v1/seances/:id/pv/etat", pv_etat, SEC, SCOPE_TENANT, IDL);

/* The frozen (or signed) PDF once arrêté; the draft generated from the séance's data before. */
static int pv_pdf(struct req *r)
{
	db *d;
	int64_t id = sd_seance_of(r, &d);
	if (!id)
		return -1;
	char sha[65];
	if (sd_pv_file(d, r->tenant_id, id, sha))
		return send_blob(r, sha, "proces-verbal.pdf");
	return sd_send_generated(r, d, id, pv_draft, "proces-verbal-projet.pdf");
}
OPALE_ROUTE(sd_pv_pdf_r, "GET", "/api/v1/seances/:id/pv.pdf", pv_pdf, READ, SCOPE_TENANT, IDL);

/* ---- pages ------------------------------------------------------------------------------------ */

static int pv_page(struct req *r)
{
	db *d;
	int64_t id = sd_seance_of(r, &d);
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

/* The form: the PV's fields, and one textarea per point (debat-<point id>). */
static int pv_post_fn(struct act *a)
{
	struct req *r = a->r;
	json_t *j = json_object(), *deb = json_object();
	static const char *const keys[] = { "president", "secretaire", "introduction", "conclusion", "version", NULL };
	for (const char *const *k = keys; *k; k++) {
		const char *v = req_form(r, *k);
		if (v)
			json_object_set_new(j, *k, json_string(v));
	}
	json_t *s = sd_seance_json(a->d, a->tenant, a->id, &a->e);
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
	a->in = j;
	int rc = pv_save_fn(a);
	a->in = NULL;
	json_decref(j);
	return rc;
}
OPALE_ACTION(pv_post, .id = "id", .check = sd_act_seance_known, .fn = pv_post_fn, .audit = "seance.pv", .done = "Procès-verbal enregistré (nouvelle version).",
	     .to = "/seances/%lld/pv")
OPALE_ROUTE(sd_pv_post, "POST", "/seances/:id/pv", pv_post, SEC, SCOPE_TENANT, IDL);

OPALE_ACTION(pv_etat_post, .id = "id", .flags = ACT_TX, .check = sd_act_seance_known, .fn = pv_etat_fn, .audit = "seance.pv", .to = "/seances/%lld/pv")
OPALE_ROUTE(sd_pv_etat_post, "POST", "/seances/:id/pv/etat", pv_etat_post, SEC, SCOPE_TENANT, IDL);

/* Signature through the parapheur: {sous_type, bureau} (API) or the same form fields (page). */
static int pv_parapheur_fn(struct act *a)
{
	const char *st = a->in ? NULL : req_form(a->r, "sous_type"), *dk = a->in ? NULL : req_form(a->r, "bureau");
	int64_t sous_type = a->in ? sd_int(a->in, "sous_type", 0) : st ? strtoll(st, NULL, 10) : 0;
	int64_t bureau = a->in ? sd_int(a->in, "bureau", 0) : dk ? strtoll(dk, NULL, 10) : 0;
	if (sd_pv_parapheur(a->d, a->tenant, a->id, a->r->user_id, sous_type, bureau, &a->made, &a->e) < 0)
		return -1;
	a->audit_detail = arena_printf(a->r->a, "parapheur dossier %lld", (long long)a->made);
	return 0;
}

static json_t *pv_parapheur_answer(struct act *a)
{
	return json_pack("{s:I}", "dossier", (json_int_t)a->made);
}
OPALE_ACTION(pv_parapheur, .id = "id", .flags = ACT_CHECK_FIRST | ACT_JSON, .check = sd_act_seance_known, .fn = pv_parapheur_fn,
	     .audit = "seance.pv", .status = 201, .answer = pv_parapheur_answer)
OPALE_ROUTE(sd_pv_parapheur_r, "POST", "/api/v1/seances/:id/pv/parapheur", pv_parapheur, SEC, SCOPE_TENANT, IDL);

OPALE_ACTION(pv_parapheur_post, .id = "id", .check = sd_act_seance_known, .fn = pv_parapheur_fn, .audit = "seance.pv",
	     .done = "Procès-verbal envoyé dans le parapheur : le circuit de signature démarre.", .to = "/seances/%lld/pv")
OPALE_ROUTE(sd_pv_parapheur_post, "POST", "/seances/:id/pv/parapheur", pv_parapheur_post, SEC, SCOPE_TENANT, IDL);

static int pv_publier_fn(struct act *a)
{
	a->audit_detail = "publication";
	return sd_pv_publier(a->d, a->tenant, a->id, a->r->user_id, identity_now(), &a->e);
}
OPALE_ACTION(pv_publier, .id = "id", .flags = ACT_TX, .check = sd_act_seance_known, .fn = pv_publier_fn, .audit = "seance.pv", .answer = pv_answer)
OPALE_ROUTE(sd_pv_publier_r, "POST", "/api/v1/seances/:id/pv/publication", pv_publier, SEC, SCOPE_TENANT, IDL);

/* The pages' « Publier » buttons (PV, liste). */
OPALE_ACTION(pv_publier_post, .id = "id", .flags = ACT_TX, .check = sd_act_seance_known, .fn = pv_publier_fn, .audit = "seance.pv",
	     .done = "Publication du procès-verbal enregistrée.", .to = "/seances/%lld/pv")
OPALE_ROUTE(sd_pv_publier_post, "POST", "/seances/:id/pv/publier", pv_publier_post, SEC, SCOPE_TENANT, IDL);

/* ---- liste des délibérations (L2121-25) --------------------------------------------------------- */

static json_t *liste_answer(struct act *a)
{
	return sd_liste_json(a->d, a->tenant, a->id, &a->e);
}
OPALE_ACTION(liste_get, .id = "id", .check = sd_act_seance_known, .answer = liste_answer)
OPALE_ROUTE(sd_liste_get_r, "GET", "/api/v1/seances/:id/liste", liste_get, READ, SCOPE_TENANT, IDL);

/* The published PDF once published; generated from the séance's data before. */
static int liste_pdf(struct req *r)
{
	db *d;
	int64_t id = sd_seance_of(r, &d);
	if (!id)
		return -1;
	char sha[65];
	if (sd_liste_file(d, r->tenant_id, id, sha))
		return send_blob(r, sha, "liste-des-deliberations.pdf");
	return sd_send_generated(r, d, id, sd_liste_pdf, "liste-des-deliberations.pdf");
}
OPALE_ROUTE(sd_liste_pdf_r, "GET", "/api/v1/seances/:id/liste.pdf", liste_pdf, READ, SCOPE_TENANT, IDL);

static int liste_publier_fn(struct act *a)
{
	a->audit_detail = "publication";
	return sd_liste_publier(a->d, a->tenant, a->id, a->r->user_id, identity_now(), &a->e);
}
OPALE_ACTION(liste_publier, .id = "id", .flags = ACT_TX, .check = sd_act_seance_known, .fn = liste_publier_fn, .audit = "seance.liste",
	     .answer = liste_answer)
OPALE_ROUTE(sd_liste_publier_r, "POST", "/api/v1/seances/:id/liste/publication", liste_publier, SEC, SCOPE_TENANT, IDL);

static int liste_page(struct req *r)
{
	db *d;
	int64_t id = sd_seance_of(r, &d);
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

OPALE_ACTION(liste_publier_post, .id = "id", .flags = ACT_TX, .check = sd_act_seance_known, .fn = liste_publier_fn, .audit = "seance.liste",
	     .done = "Liste des délibérations publiée : la date de mise en ligne est enregistrée.", .to = "/seances/%lld/liste")
OPALE_ROUTE(sd_liste_publier_post, "POST", "/seances/:id/liste/publier", liste_publier_post, SEC, SCOPE_TENANT, IDL);

/* ---- registre (R2121-9) ------------------------------------------------------------------------ */

static int registre_pdf(struct req *r)
{
	return sd_send_seance_pdf(r, sd_registre_pdf, "registre-seance.pdf");
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
	return sd_send_generated(r, d, organe * 10000 + y, registre_annee, arena_printf(r->a, "registre-deliberations-%d.pdf", y));
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
