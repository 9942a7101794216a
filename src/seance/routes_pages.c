/* routes_pages: the secretary's pages (tier iDélibre) — séances and assemblies, members with CSV
 * import/export, the séance editor (details, agenda, documents, delay, sending), the proof page and
 * the attendance sheet with the live quorum. Forms post to the same storage functions as the API. */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
#include "db/tenant.h"
#include "http/action.h"
#include "http/http.h"
#include "identity/identity.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDL (RF_TIER_IDELIBRE)
#define SEC (ROLE_ADMIN | ROLE_AGENT | ROLE_SECRETAIRE)
#define READ (SEC | ROLE_AUDITOR)

/* The form fields named in keys, as a JSON object of strings. */
static json_t *form_obj(struct req *r, const char *const *keys)
{
	json_t *j = json_object();
	for (; *keys; keys++) {
		const char *v = req_form(r, *keys);
		if (v)
			json_object_set_new(j, *keys, json_string(v));
	}
	return j;
}

static const char *const organe_keys[] = { "nom", "nature", "population", "delai", "distance", NULL };
static const char *const membre_keys[] = { "nom", "prenom", "civilite", "fonction", "groupe", "courriel", "mobile", "papier",
					   "adresse", "qualite", "titulaire", "en_exercice", "utilisateur", NULL };
static const char *const seance_keys[] = { "organe", "titre", "date", "lieu", "urgence", "justification", "distance", "procurations", NULL };
static const char *const point_keys[] = { "titre", "rapporteur", "rapporteur_nom", "theme", "matiere", NULL };

/* ---- séances and assemblies ------------------------------------------------------------------- */

static int home(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	json_t *organes = sd_organes(d, r->tenant_id, &e);
	return page_render(r, 200, "seances", "Séances",
			   json_pack("{s:o,s:o,s:b,s:b}", "seances", sd_seances(d, r->tenant_id, &e), "organes", organes, "peut_ecrire",
				     (r->roles & SEC) != 0, "a_organes", json_array_size(organes) > 0));
}
OPALE_ROUTE(sd_home, "GET", "/seances", home, READ, SCOPE_TENANT, IDL);

static int seance_create_fn(struct act *a)
{
	json_t *j = form_obj(a->r, seance_keys);
	int rc = sd_seance_save(a->d, a->tenant, 0, j, &a->id, &a->e);
	json_decref(j);
	return rc;
}
OPALE_ACTION(seance_create, .flags = ACT_TX, .fn = seance_create_fn, .audit = "seance.creation", .done = "Séance créée.", .to = "/seances/%lld",
	     .to_failed = "/seances")
OPALE_ROUTE(sd_home_post, "POST", "/seances", seance_create, SEC, SCOPE_TENANT, IDL);

static int organe_save_fn(struct act *a)
{
	json_t *j = form_obj(a->r, organe_keys);
	int rc = sd_organe_save(a->d, a->tenant, a->id, j, a->id ? NULL : &a->id, &a->e);
	json_decref(j);
	return rc;
}
OPALE_ACTION(organe_create, .flags = ACT_TX, .fn = organe_save_fn, .done = "Assemblée créée.", .to = "/assemblees/%lld", .to_failed = "/seances")
OPALE_ROUTE(sd_organe_post, "POST", "/assemblees", organe_create, SEC, SCOPE_TENANT, IDL);

/* The object of the path's :id (load: sd_seance_json, sd_organe_json) with the connection, or NULL
 * after the answer. */
static json_t *page_object(struct req *r, json_t *(*load)(db *d, int64_t tenant, int64_t id, struct err *e), db **d, int64_t *id,
			   struct err *e)
{
	*id = req_param_id(r, "id");
	*d = *id > 0 ? req_db(r) : NULL;
	if (!*d)
		return NULL;
	json_t *o = load(*d, r->tenant_id, *id, e);
	if (!o)
		res_fail(r, e->status, e->code, "%s", e->msg);
	return o;
}

static int organe_page(struct req *r)
{
	db *d;
	int64_t id;
	struct err e;
	json_t *o = page_object(r, sd_organe_json, &d, &id, &e);
	if (!o)
		return -1;
	json_t *tits = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(o, "membres"), i, m) {
		const char *q = sd_str(m, "qualite");
		json_object_set_new(m, "est_titulaire", json_boolean(!strcmp(q, "titulaire")));
		json_object_set_new(m, "est_suppleant", json_boolean(!strcmp(q, "suppleant")));
		json_object_set_new(m, "est_invite", json_boolean(!strcmp(q, "invite")));
		if (!strcmp(q, "titulaire"))
			json_array_append_new(tits, json_pack("{s:I,s:s,s:s}", "id", json_integer_value(json_object_get(m, "id")), "prenom",
							      sd_str(m, "prenom"), "nom", sd_str(m, "nom")));
	}
	const char *k = sd_str(o, "nature");
	json_object_set_new(o, "n_commune", json_boolean(!strcmp(k, "commune")));
	json_object_set_new(o, "n_epci", json_boolean(!strcmp(k, "epci")));
	json_object_set_new(o, "n_departement", json_boolean(!strcmp(k, "departement")));
	json_object_set_new(o, "n_region", json_boolean(!strcmp(k, "region")));
	json_object_set_new(o, "n_commission", json_boolean(!strcmp(k, "commission")));
	return page_render(r, 200, "assemblee", sd_str(o, "nom"),
			   json_pack("{s:o,s:o,s:b,s:s}", "o", o, "titulaires", tits, "peut_ecrire", (r->roles & SEC) != 0, "entete", SD_CSV_HEADER));
}
OPALE_ROUTE(sd_organe_page, "GET", "/assemblees/:id", organe_page, READ, SCOPE_TENANT, IDL);

OPALE_ACTION(organe_update, .id = "id", .flags = ACT_TX, .check = sd_act_organe_known, .fn = organe_save_fn, .done = "Assemblée enregistrée.",
	     .to = "/assemblees/%lld")
OPALE_ROUTE(sd_organe_update, "POST", "/assemblees/:id", organe_update, SEC, SCOPE_TENANT, IDL);

static int membre_post_fn(struct act *a)
{
	json_t *j = form_obj(a->r, membre_keys);
	if (!json_object_get(j, "en_exercice"))
		json_object_set_new(j, "en_exercice", json_true());
	int rc = sd_membre_save(a->d, a->tenant, a->id, 0, j, &a->made, &a->e);
	json_decref(j);
	return rc;
}
OPALE_ACTION(membre_post, .id = "id", .flags = ACT_TX, .check = sd_act_organe_known, .fn = membre_post_fn, .done = "Membre ajouté.",
	     .to = "/assemblees/%lld")
OPALE_ROUTE(sd_membre_post, "POST", "/assemblees/:id/membres", membre_post, SEC, SCOPE_TENANT, IDL);

static void decref(void *j)
{
	json_decref(j);
}

/* The member of the path, in the organe of the path: kept in a->ctx for membre_update_fn. */
static int membre_known(struct act *a)
{
	json_t *cur = sd_membre_json(a->d, a->tenant, a->sub, &a->e);
	if (!cur || json_integer_value(json_object_get(cur, "organe")) != a->id) {
		json_decref(cur);
		return err_set(&a->e, 404, "membre.inconnu", "Membre introuvable.");
	}
	arena_defer(a->r->a, decref, cur);
	a->ctx = cur;
	return 0;
}

/* The form changes some fields (checkboxes absent = unticked); the others are kept. */
static int membre_update_fn(struct act *a)
{
	struct req *r = a->r;
	json_t *j = form_obj(r, membre_keys);
	json_object_update_missing(j, a->ctx);
	json_object_set_new(j, "papier", json_boolean(req_form(r, "papier") != NULL));
	json_object_set_new(j, "en_exercice", json_boolean(req_form(r, "en_exercice") != NULL));
	int rc = sd_membre_save(a->d, a->tenant, a->id, a->sub, j, NULL, &a->e);
	json_decref(j);
	return rc;
}
OPALE_ACTION(membre_update, .id = "id", .sub = "membre", .flags = ACT_TX, .check = membre_known, .fn = membre_update_fn, .done = "Membre enregistré.",
	     .to = "/assemblees/%lld")
OPALE_ROUTE(sd_membre_update, "POST", "/assemblees/:id/membres/:membre", membre_update, SEC, SCOPE_TENANT, IDL);

static int membres_import_fn(struct act *a)
{
	const struct upload *u = req_upload(a->r, "fichier");
	buf b = BUF_INIT;
	int n = 0, rc;
	if (!u || buf_read_file(&b, u->path, 4 << 20) < 0)
		rc = err_set(&a->e, 400, "membres.csv", "Choisissez un fichier CSV (4 Mo au plus).");
	else
		rc = SD_IN_TX(a->d, &a->e, sd_membres_import(a->d, a->tenant, a->id, b.data ? b.data : "", b.len, &n, &a->e));
	buf_free(&b);
	a->done = arena_printf(a->r->a, "%d membre(s) importé(s).", n);
	return rc;
}
OPALE_ACTION(membres_import, .id = "id", .check = sd_act_organe_known, .fn = membres_import_fn, .to = "/assemblees/%lld")
OPALE_ROUTE(sd_membres_import, "POST", "/assemblees/:id/import", membres_import, SEC, SCOPE_TENANT, IDL | RF_UPLOAD);

/* ---- the séance editor ------------------------------------------------------------------------ */

static void mark_kinds(json_t *docs)
{
	size_t i;
	json_t *doc;
	json_array_foreach(docs, i, doc) {
		char kb[64];
		snprintf(kb, sizeof kb, "%.1f Ko", (double)sd_int(doc, "taille", 0) / 1024.0);
		json_object_set_new(doc, "taille_texte", json_string(kb));
	}
}

static int seance_page(struct req *r)
{
	db *d;
	int64_t id;
	struct err e;
	json_t *s = page_object(r, sd_seance_json, &d, &id, &e);
	if (!s)
		return -1;
	mark_kinds(json_object_get(s, "documents"));
	size_t i;
	json_t *pt;
	json_t *pts = json_object_get(s, "points");
	size_t np = json_array_size(pts);
	json_t *votes = sd_votes_seance(d, r->tenant_id, id, &e);
	json_array_foreach(pts, i, pt) {
		char key[32];
		snprintf(key, sizeof key, "%lld", (long long)sd_int(pt, "id", 0));
		json_t *vt = votes ? json_object_get(votes, key) : NULL;
		if (vt)
			json_object_set(pt, "vote", vt);
		mark_kinds(json_object_get(pt, "documents"));
		json_object_set_new(pt, "premier", json_boolean(i == 0));
		json_object_set_new(pt, "dernier", json_boolean(i + 1 == np));
	}
	json_decref(votes);
	json_t *o = sd_organe_json(d, r->tenant_id, sd_int(s, "organe", 0), &e);
	json_t *rapporteurs = json_array();
	json_t *m;
	json_array_foreach(json_object_get(o, "membres"), i, m) if (!strcmp(sd_str(m, "qualite"), "titulaire"))
		json_array_append_new(rapporteurs, json_pack("{s:O,s:O,s:O}", "id", json_object_get(m, "id"), "prenom", json_object_get(m, "prenom"),
							     "nom", json_object_get(m, "nom")));
	json_decref(o);
	const char *st = sd_str(s, "statut");
	json_object_set_new(s, "preparation", json_boolean(!strcmp(st, "preparation")));
	json_object_set_new(s, "convoquee", json_boolean(!strcmp(st, "convoquee")));
	return page_render(r, 200, "seance", sd_str(s, "titre"),
			   json_pack("{s:o,s:o,s:o,s:b}", "s", s, "rapporteurs", rapporteurs, "organes", sd_organes(d, r->tenant_id, &e),
				     "peut_ecrire", (r->roles & SEC) != 0));
}
OPALE_ROUTE(sd_seance_page, "GET", "/seances/:id", seance_page, READ, SCOPE_TENANT, IDL);

static int seance_update_fn(struct act *a)
{
	json_t *j = form_obj(a->r, seance_keys);
	json_object_set_new(j, "procurations", json_boolean(req_form(a->r, "procurations") != NULL));
	int rc = sd_seance_save(a->d, a->tenant, a->id, j, NULL, &a->e);
	json_decref(j);
	return rc;
}
OPALE_ACTION(seance_update, .id = "id", .flags = ACT_TX, .check = sd_act_seance_known, .fn = seance_update_fn, .done = "Séance enregistrée.",
	     .to = "/seances/%lld")
OPALE_ROUTE(sd_seance_update, "POST", "/seances/:id", seance_update, SEC, SCOPE_TENANT, IDL);

static int point_create_fn(struct act *a)
{
	json_t *j = form_obj(a->r, point_keys);
	int rc = sd_point_save(a->d, a->tenant, a->id, 0, j, &a->made, &a->e);
	json_decref(j);
	return rc;
}
OPALE_ACTION(point_create, .id = "id", .flags = ACT_TX, .check = sd_act_seance_known, .fn = point_create_fn,
	     .done = "Point ajouté à l'ordre du jour.", .to = "/seances/%lld#ordre-du-jour")
OPALE_ROUTE(sd_point_create, "POST", "/seances/:id/points", point_create, SEC, SCOPE_TENANT, IDL);

static int point_known(struct act *a)
{
	if (!sd_exists(a->d, a->tenant, "SELECT id FROM seance_points WHERE tenant_id = $1 AND id = $2", a->sub) || !sd_seance_exists(a->d, a->tenant, a->id))
		return err_set(&a->e, 404, "point.inconnu", "Point introuvable.");
	return 0;
}

/* action = enregistrer | monter | descendre | supprimer */
static int point_action_fn(struct act *a)
{
	const char *what = req_form(a->r, "action");
	what = what ? what : "enregistrer";
	if (!strcmp(what, "monter") || !strcmp(what, "descendre"))
		return sd_point_move(a->d, a->tenant, a->id, a->sub, !strcmp(what, "monter") ? -1 : 1, &a->e);
	if (!strcmp(what, "supprimer"))
		return sd_point_delete(a->d, a->tenant, a->id, a->sub, &a->e);
	json_t *j = form_obj(a->r, point_keys);
	int rc = sd_point_save(a->d, a->tenant, a->id, a->sub, j, NULL, &a->e);
	json_decref(j);
	return rc;
}
OPALE_ACTION(point_action, .id = "id", .sub = "point", .flags = ACT_TX, .check = point_known, .fn = point_action_fn,
	     .done = "Ordre du jour enregistré.", .to = "/seances/%lld#ordre-du-jour")
OPALE_ROUTE(sd_point_action, "POST", "/seances/:id/points/:point", point_action, SEC, SCOPE_TENANT, IDL);

static int docs_upload_fn(struct act *a)
{
	return sd_upload_docs(a->r, a->d, a->id, &a->e) < 0 ? -1 : 0;
}
OPALE_ACTION(docs_upload, .id = "id", .check = sd_act_seance_known, .fn = docs_upload_fn, .done = "Document(s) enregistré(s).",
	     .to = "/seances/%lld#documents")
OPALE_ROUTE(sd_docs_upload, "POST", "/seances/:id/documents", docs_upload, SEC, SCOPE_TENANT, IDL | RF_UPLOAD);

static int doc_page(struct req *r)
{
	int64_t id = req_param_id(r, "id"), doc = id > 0 ? req_param_id(r, "doc") : -1;
	db *d = doc > 0 ? req_db(r) : NULL;
	return d ? sd_send_doc(r, d, r->tenant_id, id, doc) : -1;
}
OPALE_ROUTE(sd_doc_page, "GET", "/seances/:id/documents/:doc", doc_page, READ, SCOPE_TENANT, IDL);

static int doc_known(struct act *a)
{
	return sd_act_known(a, "SELECT id FROM seance_docs WHERE tenant_id = $1 AND id = $2", a->sub, "document.inconnu", "Document introuvable.");
}

static int doc_remove_fn(struct act *a)
{
	return sd_doc_delete(a->d, a->tenant, a->id, a->sub, &a->e);
}
OPALE_ACTION(doc_remove, .id = "id", .sub = "doc", .flags = ACT_TX, .check = doc_known, .fn = doc_remove_fn, .done = "Document retiré.",
	     .to = "/seances/%lld#documents")
OPALE_ROUTE(sd_doc_remove, "POST", "/seances/:id/documents/:doc/supprimer", doc_remove, SEC, SCOPE_TENANT, IDL);

static int convoquer_fn(struct act *a)
{
	return sd_act_send(a, sd_convoquer);
}
OPALE_ACTION(convoquer, .id = "id", .check = sd_act_seance_known, .fn = convoquer_fn, .audit = "seance.convocation",
	     .done = "Convocations en cours d'envoi : suivez leur état sur la page des preuves.", .to = "/seances/%lld/preuves",
	     .to_failed = "/seances/%lld")
OPALE_ROUTE(sd_convoquer_page, "POST", "/seances/:id/convoquer", convoquer, SEC, SCOPE_TENANT, IDL);

static int preuves(struct req *r)
{
	db *d;
	int64_t id;
	struct err e;
	json_t *s = page_object(r, sd_seance_json, &d, &id, &e);
	if (!s)
		return -1;
	return page_render(r, 200, "seance_preuves", "Convocations et preuves",
			   json_pack("{s:o,s:o,s:o,s:o,s:b}", "s", s, "convocations", sd_convocations(d, r->tenant_id, id, &e), "envois",
				     sd_envois(d, r->tenant_id, id, &e), "evenements", sd_events(d, r->tenant_id, id, &e), "peut_ecrire",
				     (r->roles & SEC) != 0));
}
OPALE_ROUTE(sd_preuves_page, "GET", "/seances/:id/preuves", preuves, READ, SCOPE_TENANT, IDL);

static int convocation_known(struct act *a)
{
	return sd_act_known(a, "SELECT id FROM convocations WHERE tenant_id = $1 AND id = $2", a->sub, "convocation.inconnue", "Convocation introuvable.");
}

static int renvoi_fn(struct act *a)
{
	return sd_renvoyer(a->d, a->tenant, a->id, a->sub, identity_now(), &a->e);
}
OPALE_ACTION(renvoi_page, .id = "id", .sub = "conv", .check = convocation_known, .fn = renvoi_fn,
	     .done = "Convocation renvoyée (nouveau lien personnel).", .to = "/seances/%lld/preuves")
OPALE_ROUTE(sd_renvoi_page, "POST", "/seances/:id/convocations/:conv/renvoi", renvoi_page, SEC, SCOPE_TENANT, IDL);

/* ---- the day: attendance sheet and quorum ------------------------------------------------------ */

static int emargement(struct req *r)
{
	db *d;
	int64_t id;
	struct err e;
	json_t *s = page_object(r, sd_seance_json, &d, &id, &e);
	if (!s)
		return -1;
	json_t *p = sd_presences(d, r->tenant_id, id, &e);
	/* Holders a pouvoir may be given to: titulaires. */
	json_t *tits = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(p, "membres"), i, m) if (sd_bool(m, "titulaire"))
		json_array_append_new(tits, json_pack("{s:O,s:O}", "id", json_object_get(m, "id"), "nom", json_object_get(m, "nom")));
	json_array_foreach(json_object_get(p, "membres"), i, m) {
		json_t *opts = json_array();
		size_t k;
		json_t *t;
		json_array_foreach(tits, k, t) if (sd_int(t, "id", 0) != sd_int(m, "id", 0))
			json_array_append_new(opts, json_pack("{s:O,s:O,s:b}", "id", json_object_get(t, "id"), "nom", json_object_get(t, "nom"),
							      "choisi", sd_int(t, "id", 0) == sd_int(m, "pouvoir_a_id", 0)));
		json_object_set_new(m, "mandataires", opts);
	}
	json_decref(tits);
	return page_render(r, 200, "seance_emargement", "Feuille d'émargement",
			   json_pack("{s:o,s:o,s:b}", "s", s, "p", p ? p : json_object(), "peut_ecrire", (r->roles & SEC) != 0));
}
OPALE_ROUTE(sd_emargement_page, "GET", "/seances/:id/emargement", emargement, READ, SCOPE_TENANT, IDL);

/* One member per submission (the row's button): statut, arrivee, depart, and a pouvoir when
 * statut = represente. */
static int emargement_post_fn(struct act *a)
{
	struct req *r = a->r;
	const char *mb = req_form(r, "membre"), *statut = req_form(r, "statut"), *ar = req_form(r, "arrivee"), *de = req_form(r, "depart");
	const char *mand = req_form(r, "mandataire");
	int64_t m = mb ? strtoll(mb, NULL, 10) : 0, now = identity_now();
	if (SD_IN_TX(a->d, &a->e, sd_emargement(a->d, a->tenant, a->id, m, statut ? statut : "", ar ? atoi(ar) : 0, de ? atoi(de) : 0, now, &a->e)) < 0)
		return -1;
	if (statut && !strcmp(statut, "represente") && mand && *mand)
		return sd_reponse(a->d, a->tenant, a->id, m, "procuration", strtoll(mand, NULL, 10), req_form(r, "maladie") != NULL, r->user_id, now, &a->e);
	return 0;
}
OPALE_ACTION(emargement_post, .id = "id", .check = sd_act_seance_known, .fn = emargement_post_fn, .done = "Émargement enregistré.",
	     .to = "/seances/%lld/emargement")
OPALE_ROUTE(sd_emargement_post, "POST", "/seances/:id/emargement", emargement_post, SEC, SCOPE_TENANT, IDL);
