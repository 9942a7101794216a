/* elu: the élu's side, phone first — the portal (ROLE_ELU: my séances, agenda and documents, my
 * answer or pouvoir, the packet as one ZIP) and the personal convocation link (no login: the
 * unguessable token is the key; opening it is recorded as the reading proof, with time and IP). */
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

/* Agenda, documents and the member's answer form, for the portal and the link page. */
static json_t *seance_view(db *d, int64_t tenant, int64_t seance, int64_t membre, const char *doc_base, struct err *e)
{
	json_t *s = sd_seance_json(d, tenant, seance, e);
	if (!s)
		return NULL;
	json_t *p = sd_presences(d, tenant, seance, e), *me = NULL, *choices = json_array();
	size_t i;
	json_t *m;
	int has_supp = 0;
	json_array_foreach(json_object_get(p, "membres"), i, m) {
		if (sd_int(m, "id", 0) == membre)
			me = m;
	}
	json_array_foreach(json_object_get(p, "membres"), i, m) {
		if (!strcmp(sd_str(m, "qualite"), "suppleant") && me && !strcmp(sd_str(m, "titulaire_nom"), sd_str(me, "nom")))
			has_supp = 1;
		if (sd_bool(m, "titulaire") && sd_bool(m, "en_exercice") && sd_int(m, "id", 0) != membre)
			json_array_append_new(choices, json_pack("{s:O,s:O,s:b}", "id", json_object_get(m, "id"), "nom", json_object_get(m, "nom"), "choisi",
								 me && sd_int(m, "id", 0) == sd_int(me, "pouvoir_a_id", 0)));
	}
	const char *rep = me ? sd_str(me, "reponse") : "";
	int titulaire = me && sd_bool(me, "titulaire") && !sd_bool(s, "close");   /* a closed séance takes no more answers */
	json_t *v = json_pack("{s:o,s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:o,s:s}", "s", s, "moi", me ? sd_str(me, "nom") : "",
			      "reponse_libelle", me ? sd_str(me, "reponse_libelle") : "", "pouvoir_a", me ? sd_str(me, "pouvoir_a") : "",
			      "r_present", !strcmp(rep, "present"), "r_absent", !strcmp(rep, "absent"), "r_distance", !strcmp(rep, "distance"),
			      "r_suppleant", !strcmp(rep, "suppleant"), "r_procuration", !strcmp(rep, "procuration"), "peut_repondre", titulaire,
			      "peut_distance", titulaire && sd_bool(s, "distance"), "peut_suppleant", titulaire && has_supp, "peut_pouvoir",
			      titulaire && sd_bool(s, "procurations") && json_array_size(choices) > 0, "mandataires", choices, "doc_base", doc_base);
	json_decref(p);
	return v;
}

/* ---- portal ----------------------------------------------------------------------------------- */

static int portal(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc,
			       "SELECT s.id, s.title, s.starts_at, s.place, o.name, COALESCE(p.reponse, '') FROM seances s "
			       "JOIN organes o ON o.id = s.organe_id JOIN membres m ON m.organe_id = s.organe_id AND m.user_id = $2 "
			       "LEFT JOIN presences p ON p.seance_id = s.id AND p.membre_id = m.id "
			       "WHERE s.tenant_id = $1 AND s.status <> 'preparation' ORDER BY s.starts_at DESC", "i", r->user_id);
	int64_t now = identity_now();
	while (s && rc == DB_ROW) {
		char when[80];
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:b}", "id", (json_int_t)db_col_int64(s, 0), "titre", db_col_text(s, 1),
						   "quand", sd_fmt_paris(db_col_int64(s, 2), when, sizeof when), "lieu", db_col_text(s, 3),
						   "organe", db_col_text(s, 4), "a_venir", db_col_int64(s, 2) + 86400 > now, "sans_reponse",
						   !*db_col_text(s, 5)));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	return page_render(r, 200, "elu", "Mes séances", json_pack("{s:o}", "seances", a));
}
OPALE_ROUTE(sd_elu_home, "GET", "/elu", portal, ROLE_ELU, SCOPE_TENANT, IDL);

/* The member behind the user for a séance that was sent; 0 → 404 (not 403: the séance exists only
 * for its members). */
static int64_t my_membre(struct req *r, db *d, int64_t seance)
{
	if (!sd_exists(d, r->tenant_id, "SELECT id FROM seances WHERE tenant_id = $1 AND id = $2 AND status <> 'preparation'", seance))
		return 0;
	return sd_membre_of_user(d, r->tenant_id, seance, r->user_id);
}

/* The séance of the path (:id), with the connection and the user's member in it (*m, when m); the
 * path's :doc too when doc is given. 0 after an answer (404, 503). */
static int64_t my_seance(struct req *r, db **d, int64_t *m, int64_t *doc)
{
	int64_t id = req_param_id(r, "id");
	if (doc)
		*doc = id > 0 ? req_param_id(r, "doc") : -1;
	*d = id > 0 && (!doc || *doc > 0) ? req_db(r) : NULL;
	if (!*d)
		return 0;
	int64_t me = my_membre(r, *d, id);
	if (!me) {
		res_fail(r, 404, "seance.inconnue", "Séance introuvable.");
		return 0;
	}
	if (m)
		*m = me;
	return id;
}

static int elu_seance(struct req *r)
{
	db *d;
	int64_t m, id = my_seance(r, &d, &m, NULL);
	if (!id)
		return -1;
	struct err e;
	json_t *v = seance_view(d, r->tenant_id, id, m, arena_printf(r->a, "/elu/seances/%lld", (long long)id), &e);
	if (!v)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	json_object_set_new(v, "action", json_sprintf("/elu/seances/%lld/reponse", (long long)id));
	return page_render(r, 200, "elu_seance", sd_str(json_object_get(v, "s"), "titre"), v);
}
OPALE_ROUTE(sd_elu_seance, "GET", "/elu/seances/:id", elu_seance, ROLE_ELU, SCOPE_TENANT, IDL);

static int answer(struct req *r, db *d, int64_t tenant, int64_t seance, int64_t membre, const char *to)
{
	struct err e;
	const char *rep = req_form(r, "reponse"), *mand = req_form(r, "mandataire");
	int ok = sd_reponse(d, tenant, seance, membre, rep, mand ? strtoll(mand, NULL, 10) : 0, req_form(r, "maladie") != NULL, r->user_id,
			    identity_now(), &e) == 0;
	res_flash(r, ok ? "ok" : "erreur", ok ? "Votre réponse est enregistrée." : e.msg);
	return res_redirect(r, to);
}

static int elu_reponse(struct req *r)
{
	db *d;
	int64_t m, id = my_seance(r, &d, &m, NULL);
	return id ? answer(r, d, r->tenant_id, id, m, arena_printf(r->a, "/elu/seances/%lld", (long long)id)) : -1;
}
OPALE_ROUTE(sd_elu_reponse, "POST", "/elu/seances/:id/reponse", elu_reponse, ROLE_ELU, SCOPE_TENANT, IDL);

static int elu_doc(struct req *r)
{
	db *d;
	int64_t doc, id = my_seance(r, &d, NULL, &doc);
	return id ? sd_send_doc(r, d, r->tenant_id, id, doc) : -1;
}
OPALE_ROUTE(sd_elu_doc, "GET", "/elu/seances/:id/documents/:doc", elu_doc, ROLE_ELU, SCOPE_TENANT, IDL);

static int elu_zip(struct req *r)
{
	db *d;
	int64_t id = my_seance(r, &d, NULL, NULL);
	return id ? sd_send_zip(r, d, r->tenant_id, id) : -1;
}
OPALE_ROUTE(sd_elu_zip, "GET", "/elu/seances/:id/dossier.zip", elu_zip, ROLE_ELU, SCOPE_TENANT, IDL);

/* ---- the personal link ------------------------------------------------------------------------ */

/* The connection and the link of the path's :jeton; NULL after an answer. */
static db *link_of(struct req *r, struct sd_link *l)
{
	db *d = req_db(r);
	struct err e;
	if (d && sd_link_find(d, req_param(r, "jeton"), identity_now(), l, &e) < 0) {
		res_fail(r, e.status, e.code, "%s", e.msg);
		return NULL;
	}
	return d;
}

static int link_page(struct req *r)
{
	struct sd_link l;
	db *d = link_of(r, &l);
	if (!d)
		return -1;
	struct err e;
	sd_link_event(d, &l, "lecture", r->ip, identity_now(), &e);
	const char *base = arena_printf(r->a, "/convocation/%s", req_param(r, "jeton"));
	json_t *v = seance_view(d, l.tenant, l.seance, l.membre, base, &e);
	if (!v)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	int rc;
	db_stmt *s = tdb_query(d, l.tenant, &e, &rc, "SELECT ack_at FROM convocations WHERE tenant_id = $1 AND id = $2", "i", l.convocation);
	int64_t ack = s && rc == DB_ROW ? db_col_int64(s, 0) : 0;
	if (s)
		db_finalize(s);
	char w[32];
	json_object_set_new(v, "lien", json_string(base));
	json_object_set_new(v, "accuse", json_boolean(ack != 0));
	json_object_set_new(v, "accuse_le", json_string(sd_fmt_short(ack, w, sizeof w)));
	json_object_set_new(v, "action", json_sprintf("%s/reponse", base));
	return page_render(r, 200, "convocation", "Votre convocation", v);
}
OPALE_ROUTE(sd_link_page, "GET", "/convocation/:jeton", link_page, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);

static int link_ack(struct req *r)
{
	struct sd_link l;
	db *d = link_of(r, &l);
	if (!d)
		return -1;
	struct err e;
	int ok = sd_link_event(d, &l, "accuse", r->ip, identity_now(), &e) == 0;
	res_flash(r, ok ? "ok" : "erreur", ok ? "Accusé de réception enregistré." : e.msg);
	return res_redirect(r, arena_printf(r->a, "/convocation/%s", req_param(r, "jeton")));
}
OPALE_ROUTE(sd_link_ack, "POST", "/convocation/:jeton/accuse", link_ack, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);

static int link_answer(struct req *r)
{
	struct sd_link l;
	db *d = link_of(r, &l);
	if (!d)
		return -1;
	return answer(r, d, l.tenant, l.seance, l.membre, arena_printf(r->a, "/convocation/%s", req_param(r, "jeton")));
}
OPALE_ROUTE(sd_link_answer, "POST", "/convocation/:jeton/reponse", link_answer, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);

static int link_doc(struct req *r)
{
	int64_t doc = req_param_id(r, "doc");
	struct sd_link l;
	db *d = doc > 0 ? link_of(r, &l) : NULL;
	if (!d)
		return -1;
	return sd_send_doc(r, d, l.tenant, l.seance, doc);
}
OPALE_ROUTE(sd_link_doc, "GET", "/convocation/:jeton/documents/:doc", link_doc, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

static int link_zip(struct req *r)
{
	struct sd_link l;
	db *d = link_of(r, &l);
	if (!d)
		return -1;
	return sd_send_zip(r, d, l.tenant, l.seance);
}
OPALE_ROUTE(sd_link_zip, "GET", "/convocation/:jeton/dossier.zip", link_zip, ROLE_PUBLIC, SCOPE_PUBLIC, 0);
