/* routes_pages: the secretary's pages (tier iDélibre) — séances and assemblies, members with CSV
 * import/export, the séance editor (details, agenda, documents, delay, sending), the proof page and
 * the attendance sheet with the live quorum. Forms post to the same storage functions as the API. */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
#include "db/tenant.h"
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

static int back(struct req *r, int ok, struct err *e, const char *okmsg, const char *to)
{
	res_flash(r, ok ? "ok" : "erreur", ok ? okmsg : e->msg);
	return res_redirect(r, to);
}

#define TX(d, e, call) (db_begin_write(d, e) == 0 && (call) == 0 && db_commit(d, e) == 0 ? 1 : (db_rollback(d), 0))

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

static int seance_create(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	json_t *j = form_obj(r, seance_keys);
	int64_t id = 0;
	int ok = TX(d, &e, sd_seance_save(d, r->tenant_id, 0, j, &id, &e));
	json_decref(j);
	if (ok)
		audit_req(r, "seance.creation", arena_printf(r->a, "%lld", (long long)id), "");
	return back(r, ok, &e, "Séance créée.", ok ? arena_printf(r->a, "/seances/%lld", (long long)id) : "/seances");
}
OPALE_ROUTE(sd_home_post, "POST", "/seances", seance_create, SEC, SCOPE_TENANT, IDL);

static int organe_create(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	json_t *j = form_obj(r, organe_keys);
	int64_t id = 0;
	int ok = TX(d, &e, sd_organe_save(d, r->tenant_id, 0, j, &id, &e));
	json_decref(j);
	return back(r, ok, &e, "Assemblée créée.", ok ? arena_printf(r->a, "/assemblees/%lld", (long long)id) : "/seances");
}
OPALE_ROUTE(sd_organe_post, "POST", "/assemblees", organe_create, SEC, SCOPE_TENANT, IDL);

static int organe_page(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	json_t *o = sd_organe_json(d, r->tenant_id, id, &e);
	if (!o)
		return res_fail(r, e.status, e.code, "%s", e.msg);
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

static int organe_update(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_exists(d, r->tenant_id, "SELECT id FROM organes WHERE tenant_id = $1 AND id = $2", id))
		return res_fail(r, 404, "organe.inconnu", "Assemblée introuvable.");
	json_t *j = form_obj(r, organe_keys);
	int ok = TX(d, &e, sd_organe_save(d, r->tenant_id, id, j, NULL, &e));
	json_decref(j);
	return back(r, ok, &e, "Assemblée enregistrée.", arena_printf(r->a, "/assemblees/%lld", (long long)id));
}
OPALE_ROUTE(sd_organe_update, "POST", "/assemblees/:id", organe_update, SEC, SCOPE_TENANT, IDL);

static int membre_post(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_exists(d, r->tenant_id, "SELECT id FROM organes WHERE tenant_id = $1 AND id = $2", id))
		return res_fail(r, 404, "organe.inconnu", "Assemblée introuvable.");
	json_t *j = form_obj(r, membre_keys);
	if (!json_object_get(j, "en_exercice"))
		json_object_set_new(j, "en_exercice", json_true());
	int64_t mid;
	int ok = TX(d, &e, sd_membre_save(d, r->tenant_id, id, 0, j, &mid, &e));
	json_decref(j);
	return back(r, ok, &e, "Membre ajouté.", arena_printf(r->a, "/assemblees/%lld", (long long)id));
}
OPALE_ROUTE(sd_membre_post, "POST", "/assemblees/:id/membres", membre_post, SEC, SCOPE_TENANT, IDL);

static int membre_update(struct req *r)
{
	int64_t id = req_param_id(r, "id"), mid = id > 0 ? req_param_id(r, "membre") : -1;
	db *d = mid > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	json_t *cur = sd_membre_json(d, r->tenant_id, mid, &e);
	if (!cur || json_integer_value(json_object_get(cur, "organe")) != id) {
		json_decref(cur);
		return res_fail(r, 404, "membre.inconnu", "Membre introuvable.");
	}
	/* The form changes some fields (checkboxes absent = unticked); the others are kept. */
	json_t *j = form_obj(r, membre_keys);
	json_object_update_missing(j, cur);
	json_object_set_new(j, "papier", json_boolean(req_form(r, "papier") != NULL));
	json_object_set_new(j, "en_exercice", json_boolean(req_form(r, "en_exercice") != NULL));
	json_decref(cur);
	int ok = TX(d, &e, sd_membre_save(d, r->tenant_id, id, mid, j, NULL, &e));
	json_decref(j);
	return back(r, ok, &e, "Membre enregistré.", arena_printf(r->a, "/assemblees/%lld", (long long)id));
}
OPALE_ROUTE(sd_membre_update, "POST", "/assemblees/:id/membres/:membre", membre_update, SEC, SCOPE_TENANT, IDL);

static int membres_import(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e = { 0 };
	if (!sd_exists(d, r->tenant_id, "SELECT id FROM organes WHERE tenant_id = $1 AND id = $2", id))
		return res_fail(r, 404, "organe.inconnu", "Assemblée introuvable.");
	const struct upload *u = req_upload(r, "fichier");
	buf b = BUF_INIT;
	int n = 0, ok = 0;
	if (!u || buf_read_file(&b, u->path, 4 << 20) < 0)
		err_set(&e, 400, "membres.csv", "Choisissez un fichier CSV (4 Mo au plus).");
	else
		ok = TX(d, &e, sd_membres_import(d, r->tenant_id, id, b.data ? b.data : "", b.len, &n, &e));
	buf_free(&b);
	return back(r, ok, &e, arena_printf(r->a, "%d membre(s) importé(s).", n), arena_printf(r->a, "/assemblees/%lld", (long long)id));
}
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
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	json_t *s = sd_seance_json(d, r->tenant_id, id, &e);
	if (!s)
		return res_fail(r, e.status, e.code, "%s", e.msg);
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

static int seance_update(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_seance_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "seance.inconnue", "Séance introuvable.");
	json_t *j = form_obj(r, seance_keys);
	json_object_set_new(j, "procurations", json_boolean(req_form(r, "procurations") != NULL));
	int ok = TX(d, &e, sd_seance_save(d, r->tenant_id, id, j, NULL, &e));
	json_decref(j);
	return back(r, ok, &e, "Séance enregistrée.", arena_printf(r->a, "/seances/%lld", (long long)id));
}
OPALE_ROUTE(sd_seance_update, "POST", "/seances/:id", seance_update, SEC, SCOPE_TENANT, IDL);

static int point_create(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_seance_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "seance.inconnue", "Séance introuvable.");
	json_t *j = form_obj(r, point_keys);
	int64_t pid;
	int ok = TX(d, &e, sd_point_save(d, r->tenant_id, id, 0, j, &pid, &e));
	json_decref(j);
	return back(r, ok, &e, "Point ajouté à l'ordre du jour.", arena_printf(r->a, "/seances/%lld#ordre-du-jour", (long long)id));
}
OPALE_ROUTE(sd_point_create, "POST", "/seances/:id/points", point_create, SEC, SCOPE_TENANT, IDL);

/* action = enregistrer | monter | descendre | supprimer */
static int point_action(struct req *r)
{
	int64_t id = req_param_id(r, "id"), pid = id > 0 ? req_param_id(r, "point") : -1;
	db *d = pid > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_exists(d, r->tenant_id, "SELECT id FROM seance_points WHERE tenant_id = $1 AND id = $2", pid) || !sd_seance_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "point.inconnu", "Point introuvable.");
	const char *a = req_form(r, "action");
	a = a ? a : "enregistrer";
	json_t *j = form_obj(r, point_keys);
	int ok = !strcmp(a, "monter")      ? TX(d, &e, sd_point_move(d, r->tenant_id, id, pid, -1, &e))
		 : !strcmp(a, "descendre") ? TX(d, &e, sd_point_move(d, r->tenant_id, id, pid, 1, &e))
		 : !strcmp(a, "supprimer") ? TX(d, &e, sd_point_delete(d, r->tenant_id, id, pid, &e))
					   : TX(d, &e, sd_point_save(d, r->tenant_id, id, pid, j, NULL, &e));
	json_decref(j);
	return back(r, ok, &e, "Ordre du jour enregistré.", arena_printf(r->a, "/seances/%lld#ordre-du-jour", (long long)id));
}
OPALE_ROUTE(sd_point_action, "POST", "/seances/:id/points/:point", point_action, SEC, SCOPE_TENANT, IDL);

static int docs_upload(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_seance_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "seance.inconnue", "Séance introuvable.");
	int n = sd_upload_docs(r, d, id, &e);
	return back(r, n > 0, &e, "Document(s) enregistré(s).", arena_printf(r->a, "/seances/%lld#documents", (long long)id));
}
OPALE_ROUTE(sd_docs_upload, "POST", "/seances/:id/documents", docs_upload, SEC, SCOPE_TENANT, IDL | RF_UPLOAD);

static int doc_page(struct req *r)
{
	int64_t id = req_param_id(r, "id"), doc = id > 0 ? req_param_id(r, "doc") : -1;
	db *d = doc > 0 ? req_db(r) : NULL;
	return d ? sd_send_doc(r, d, r->tenant_id, id, doc) : -1;
}
OPALE_ROUTE(sd_doc_page, "GET", "/seances/:id/documents/:doc", doc_page, READ, SCOPE_TENANT, IDL);

static int doc_remove(struct req *r)
{
	int64_t id = req_param_id(r, "id"), doc = id > 0 ? req_param_id(r, "doc") : -1;
	db *d = doc > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_exists(d, r->tenant_id, "SELECT id FROM seance_docs WHERE tenant_id = $1 AND id = $2", doc))
		return res_fail(r, 404, "document.inconnu", "Document introuvable.");
	int ok = TX(d, &e, sd_doc_delete(d, r->tenant_id, id, doc, &e));
	return back(r, ok, &e, "Document retiré.", arena_printf(r->a, "/seances/%lld#documents", (long long)id));
}
OPALE_ROUTE(sd_doc_remove, "POST", "/seances/:id/documents/:doc/supprimer", doc_remove, SEC, SCOPE_TENANT, IDL);

static int convoquer(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_seance_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "seance.inconnue", "Séance introuvable.");
	int64_t envoi = 0;
	int ok = sd_convoquer(d, r->tenant_id, id, r->user_id, identity_now(), &envoi, &e) == 0;
	if (ok)
		audit_req(r, "seance.convocation", arena_printf(r->a, "%lld", (long long)id), arena_printf(r->a, "envoi %lld", (long long)envoi));
	return back(r, ok, &e, "Convocations en cours d'envoi : suivez leur état sur la page des preuves.",
		    arena_printf(r->a, ok ? "/seances/%lld/preuves" : "/seances/%lld", (long long)id));
}
OPALE_ROUTE(sd_convoquer_page, "POST", "/seances/:id/convoquer", convoquer, SEC, SCOPE_TENANT, IDL);

static int preuves(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	json_t *s = sd_seance_json(d, r->tenant_id, id, &e);
	if (!s)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	return page_render(r, 200, "seance_preuves", "Convocations et preuves",
			   json_pack("{s:o,s:o,s:o,s:o,s:b}", "s", s, "convocations", sd_convocations(d, r->tenant_id, id, &e), "envois",
				     sd_envois(d, r->tenant_id, id, &e), "evenements", sd_events(d, r->tenant_id, id, &e), "peut_ecrire",
				     (r->roles & SEC) != 0));
}
OPALE_ROUTE(sd_preuves_page, "GET", "/seances/:id/preuves", preuves, READ, SCOPE_TENANT, IDL);

static int renvoi_page(struct req *r)
{
	int64_t id = req_param_id(r, "id"), c = id > 0 ? req_param_id(r, "conv") : -1;
	db *d = c > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (!sd_exists(d, r->tenant_id, "SELECT id FROM convocations WHERE tenant_id = $1 AND id = $2", c))
		return res_fail(r, 404, "convocation.inconnue", "Convocation introuvable.");
	int ok = sd_renvoyer(d, r->tenant_id, id, c, identity_now(), &e) == 0;
	return back(r, ok, &e, "Convocation renvoyée (nouveau lien personnel).", arena_printf(r->a, "/seances/%lld/preuves", (long long)id));
}
OPALE_ROUTE(sd_renvoi_page, "POST", "/seances/:id/convocations/:conv/renvoi", renvoi_page, SEC, SCOPE_TENANT, IDL);

/* ---- the day: attendance sheet and quorum ------------------------------------------------------ */

static int emargement(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	json_t *s = sd_seance_json(d, r->tenant_id, id, &e);
	if (!s)
		return res_fail(r, e.status, e.code, "%s", e.msg);
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
static int emargement_post(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e = { 0 };
	if (!sd_seance_exists(d, r->tenant_id, id))
		return res_fail(r, 404, "seance.inconnue", "Séance introuvable.");
	const char *mb = req_form(r, "membre"), *statut = req_form(r, "statut"), *ar = req_form(r, "arrivee"), *de = req_form(r, "depart");
	const char *mand = req_form(r, "mandataire");
	int64_t m = mb ? strtoll(mb, NULL, 10) : 0, now = identity_now();
	int ok = TX(d, &e, sd_emargement(d, r->tenant_id, id, m, statut ? statut : "", ar ? atoi(ar) : 0, de ? atoi(de) : 0, now, &e));
	if (ok && statut && !strcmp(statut, "represente") && mand && *mand)
		ok = sd_reponse(d, r->tenant_id, id, m, "procuration", strtoll(mand, NULL, 10), req_form(r, "maladie") != NULL, r->user_id, now, &e) == 0;
	return back(r, ok, &e, "Émargement enregistré.", arena_printf(r->a, "/seances/%lld/emargement", (long long)id));
}
OPALE_ROUTE(sd_emargement_post, "POST", "/seances/:id/emargement", emargement_post, SEC, SCOPE_TENANT, IDL);
