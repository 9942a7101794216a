/* routes_publier: the agent's side of publication — the form « Publier l'acte » (author, words and
 * zones to hide) and its JSON twin, the collectivité's online duration setting. */
#include "publication/publier.h"
#include "actes/registre.h"
#include "http/action.h"
#include "http/http.h"
#include "identity/identity.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TT (RF_TIER_TELETRANSMISSION)
#define WRITERS (ROLE_AGENT | ROLE_ADMIN)
#define READERS (ROLE_AGENT | ROLE_ADMIN | ROLE_AUDITOR)

/* Words (one a line) and zones ("page, x, y, largeur, hauteur" a line, points from the top-left) typed
 * in the form, into rq (strings in the request arena). -1 with r->err on a malformed zone line. */
static int parse_form(struct req *r, const char *mots, const char *zones, const char **words, struct pub_zone *zv,
		      struct pub_request *rq)
{
	size_t nw = 0, nz = 0;
	char *m = arena_strdup(r->a, mots ? mots : "");
	for (char *save = NULL, *l = strtok_r(m, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
		while (*l == ' ' || *l == '\t')
			l++;
		size_t n = strlen(l);
		while (n && (l[n - 1] == ' ' || l[n - 1] == '\t'))
			l[--n] = '\0';
		if (!*l)
			continue;
		if (nw == PUB_MAX_WORDS)
			return res_fail(r, 400, "publication.masquage", "Au plus %d mots ou expressions à masquer.", PUB_MAX_WORDS);
		words[nw++] = l;
	}
	char *z = arena_strdup(r->a, zones ? zones : "");
	for (char *save = NULL, *l = strtok_r(z, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
		if (strspn(l, " \t") == strlen(l))
			continue;
		struct pub_zone q;
		if (nz == PUB_MAX_ZONES || sscanf(l, " %d ,%lf ,%lf ,%lf ,%lf", &q.page, &q.x, &q.y, &q.w, &q.h) != 5)
			return res_fail(r, 400, "publication.zone",
					"Zone « %.60s » : écrivez « page, x, y, largeur, hauteur » (en points depuis le coin haut gauche).", l);
		zv[nz++] = q;
	}
	rq->rd.words = words;
	rq->rd.n_words = nw;
	rq->rd.zones = zv;
	rq->rd.n_zones = nz;
	return 0;
}

static int form_page(struct req *r, int status, int64_t id, json_t *values)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	json_t *a = actes_db_get(d, r->tenant_id, id, &e);
	if (!a) {
		json_decref(values);
		return res_fail_err(r, &e);
	}
	if (!values) {
		struct user_view { char s[400]; } au = { "" };
		int rc;
		db_stmt *s = db_query(d, &e, &rc, "SELECT first_name, last_name, fonction FROM users WHERE id = $1", "i", r->user_id);
		if (s && rc == DB_ROW)
			snprintf(au.s, sizeof au.s, "%s %s%s%s", db_col_text(s, 0), db_col_text(s, 1), *db_col_text(s, 2) ? ", " : "",
				 db_col_text(s, 2));
		if (s)
			db_finalize(s);
		values = json_pack("{s:s,s:s,s:s}", "auteur", au.s, "mots", "", "zones", "");
	}
	json_t *data = json_pack("{s:o,s:o}", "a", a, "v", values);
	return page_render(r, status, "publication_form", "Publier l'acte", data);
}

static int publish_page(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	return id > 0 ? form_page(r, 200, id, NULL) : -1;
}
OPALE_ROUTE(pub_form_page, "GET", "/actes/:id/publier", publish_page, WRITERS, SCOPE_TENANT, TT);

static int publish_post(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	const char *auteur = req_form(r, "auteur"), *mots = req_form(r, "mots"), *zones = req_form(r, "zones");
	const char *words[PUB_MAX_WORDS];
	struct pub_zone zv[PUB_MAX_ZONES];
	struct pub_request rq = { .auteur = auteur };
	struct err e = { 0 };
	int64_t pid = 0;
	if (parse_form(r, mots, zones, words, zv, &rq) < 0)
		e = r->err;
	else if (!auteur || strlen(auteur) < 3)
		err_set(&e, 400, "publication.auteur", "Indiquez l'auteur de l'acte : prénom, nom et qualité (R2131-1).");
	else if (pub_publish(d, r->tenant_id, r->user_id, id, &rq, &pid, &e) == 0) {
		audit_req(r, "publication.publier", "acte", "");
		res_flash(r, "succes", "Acte publié sur le portail public.");
		char loc[64];
		snprintf(loc, sizeof loc, "/actes/%lld", (long long)id);
		return res_redirect(r, loc);
	}
	if (e.status == 404)
		return res_fail_err(r, &e);
	json_t *values = json_pack("{s:s,s:s,s:s,s:s}", "auteur", auteur ? auteur : "", "mots", mots ? mots : "", "zones",
				   zones ? zones : "", "erreur", e.msg);
	memset(&r->err, 0, sizeof r->err);
	return form_page(r, e.status >= 400 && e.status < 500 ? e.status : 500, id, values);
}
OPALE_ROUTE(pub_form_post, "POST", "/actes/:id/publier", publish_post, WRITERS, SCOPE_TENANT, TT);

/* POST /api/v1/actes/:id/publication {auteur, masquer: [..], zones: [{page, x, y, largeur, hauteur}]} */
static int api_publish_fn(struct act *a)
{
	json_t *j = a->in;
	const char *words[PUB_MAX_WORDS];
	struct pub_zone zv[PUB_MAX_ZONES];
	size_t i, nw = 0, nz = 0;
	json_t *v;
	json_array_foreach(json_object_get(j, "masquer"), i, v) {
		if (nw == PUB_MAX_WORDS || !json_is_string(v) || !*json_string_value(v))
			return err_set(&a->e, 400, "publication.masquage", "« masquer » : au plus %d chaînes non vides.", PUB_MAX_WORDS);
		words[nw++] = json_string_value(v);
	}
	json_array_foreach(json_object_get(j, "zones"), i, v) {
		if (nz == PUB_MAX_ZONES || !json_is_object(v))
			return err_set(&a->e, 400, "publication.zone", "« zones » : au plus %d objets {page, x, y, largeur, hauteur}.", PUB_MAX_ZONES);
		zv[nz++] = (struct pub_zone){ (int)json_integer_value(json_object_get(v, "page")), json_number_value(json_object_get(v, "x")),
					      json_number_value(json_object_get(v, "y")), json_number_value(json_object_get(v, "largeur")),
					      json_number_value(json_object_get(v, "hauteur")) };
	}
	struct pub_request rq = { .auteur = json_string_value(json_object_get(j, "auteur")), .rd = { words, nw, zv, nz } };
	a->audit_object = "acte";
	return pub_publish(a->d, a->tenant, a->r->user_id, a->id, &rq, &a->made, &a->e);
}

static json_t *publication_answer(struct act *a)
{
	return pub_of_acte(a->d, a->tenant, a->id, &a->e);
}
OPALE_ACTION(api_publish, .id = "id", .flags = ACT_JSON, .fn = api_publish_fn, .audit = "publication.publier", .status = 201,
	     .answer = publication_answer)
OPALE_ROUTE(pub_api_publish, "POST", "/api/v1/actes/:id/publication", api_publish, WRITERS, SCOPE_TENANT, TT);

/* The act of the path exists (actes_db_get's 404 otherwise). */
static int acte_known(struct act *a)
{
	json_t *acte = actes_db_get(a->d, a->tenant, a->id, &a->e);
	if (!acte)
		return -1;
	json_decref(acte);
	return 0;
}

static json_t *published_answer(struct act *a)
{
	json_t *p = pub_of_acte(a->d, a->tenant, a->id, &a->e);
	if (json_is_null(p)) {
		json_decref(p);
		err_set(&a->e, 404, "publication.inconnue", "Cet acte n'est pas publié.");
		return NULL;
	}
	return p;
}
OPALE_ACTION(api_get, .id = "id", .check = acte_known, .answer = published_answer)
OPALE_ROUTE(pub_api_get, "GET", "/api/v1/actes/:id/publication", api_get, READERS, SCOPE_TENANT, TT);

static int settings_fn(struct act *a)
{
	json_t *m = json_object_get(a->in, "duree_mois");
	if (!json_is_integer(m))
		return err_set(&a->e, 400, "publication.duree", "« duree_mois » : 0 (en permanence) ou un nombre de mois ≥ 2.");
	a->audit_object = "reglages";
	return pub_set_duree(a->d, a->tenant, (int)json_integer_value(m), &a->e);
}

static json_t *settings_answer(struct act *a)
{
	return json_pack("{s:I}", "duree_mois", json_integer_value(json_object_get(a->in, "duree_mois")));
}
OPALE_ACTION(api_settings, .flags = ACT_JSON, .fn = settings_fn, .audit = "publication.duree", .answer = settings_answer)
OPALE_ROUTE(pub_api_settings, "PUT", "/api/v1/publication/reglages", api_settings, ROLE_ADMIN, SCOPE_TENANT, TT);
