/* routes_vote: votes of the agenda points — API (GET/POST /api/v1/seances/:id/points/:point/vote) and
 * the secretary's vote page, phone first (/seances/:id/points/:point/vote: one line per seat with
 * radio buttons, « tous pour », totals for a secret ballot). Both end in sd_vote_record (vote.c). */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
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

static void audit_vote(struct req *r, int64_t point, const struct sd_vote_done *done)
{
	audit_req(r, "seance.vote", arena_printf(r->a, "%lld", (long long)point),
		  arena_printf(r->a, "délibération %s (acte %lld) : %s", done->numero, (long long)done->acte, done->resultat));
}

static json_t *vote_answer(struct act *a)
{
	return sd_vote_json(a->d, a->tenant, a->id, a->sub, &a->e);
}
OPALE_ACTION(api_get, .id = "id", .sub = "point", .answer = vote_answer)
OPALE_ROUTE(sd_vote_get_r, "GET", "/api/v1/seances/:id/points/:point/vote", api_get, READ, SCOPE_TENANT, IDL);

static int post_fn(struct act *a)
{
	struct sd_vote_done done;
	if (sd_vote_record(a->d, a->tenant, a->id, a->sub, a->in, a->r->user_id, identity_now(), &done, &a->e) < 0)
		return -1;
	audit_vote(a->r, a->sub, &done);
	return 0;
}
OPALE_ACTION(api_post, .id = "id", .sub = "point", .flags = ACT_JSON, .fn = post_fn, .status = 201, .answer = vote_answer)
OPALE_ROUTE(sd_vote_post_r, "POST", "/api/v1/seances/:id/points/:point/vote", api_post, SEC, SCOPE_TENANT, IDL);

/* ---- page ------------------------------------------------------------------------------------- */

/* The form's lines: for each seat, its own vote (radio group "v-ID") when present, and the vote of the
 * pouvoir it exercises ("p-ID"); choices from the form just posted (f), else "tous" (?tous=pour),
 * else the recorded bulletins. */
static json_t *lines(struct req *r, json_t *v, const char *tous)
{
	json_t *out = json_array(), *bl = json_object_get(json_object_get(v, "vote"), "bulletins");
	size_t i, k;
	json_t *s, *b;
	json_array_foreach(json_object_get(v, "sieges"), i, s) {
		int64_t m = sd_int(s, "membre", 0), de = sd_int(s, "pouvoir_de", 0);
		if (!sd_bool(s, "present"))
			continue;
		for (int proxy = 0; proxy <= (de != 0); proxy++) {
			const char *cur = NULL;
			char field[40];
			snprintf(field, sizeof field, "%s-%lld", proxy ? "p" : "v", (long long)m);
			if (r->method[0] == 'P')
				cur = req_form(r, field);
			else if (tous)
				cur = tous;
			else
				json_array_foreach(bl, k, b) if (sd_int(b, "membre", 0) == m && (sd_int(b, "pour_compte_de", 0) != 0) == proxy)
					cur = sd_str(b, "choix");
			cur = cur ? cur : "";
			char label[900];
			snprintf(label, sizeof label, "%s%s%s", sd_str(s, "nom"), proxy ? " — pour le compte de " : "",
				 proxy ? sd_str(s, "pouvoir_de_nom") : "");
			json_array_append_new(out, json_pack("{s:s,s:s,s:b,s:b,s:b,s:b,s:b}", "champ", field, "nom", label, "pour",
							     !strcmp(cur, "pour"), "contre", !strcmp(cur, "contre"), "abstention",
							     !strcmp(cur, "abstention"), "nppv", !strcmp(cur, "nppv"), "procuration", proxy));
		}
	}
	return out;
}

static int render(struct req *r, db *d, int64_t id, int64_t pt, int status, const char *error)
{
	struct err e;
	json_t *s = sd_seance_json(d, r->tenant_id, id, &e);
	json_t *v = s ? sd_vote_json(d, r->tenant_id, id, pt, &e) : NULL;
	if (!v) {
		json_decref(s);
		return res_fail(r, e.status, e.code, "%s", e.msg);
	}
	const char *tous = req_query(r, "tous");
	tous = tous && !strcmp(tous, "pour") ? "pour" : NULL;
	json_t *vote = json_object_get(v, "vote");
	int64_t pres = r->method[0] == 'P' && req_form(r, "president") ? strtoll(req_form(r, "president"), NULL, 10)
		       : json_is_object(vote)                         ? sd_int(vote, "president", 0)
									       : sd_int(v, "president_defaut", 0);
	int secret = r->method[0] == 'P' ? (req_form(r, "scrutin") && !strcmp(req_form(r, "scrutin"), "secret")) : sd_bool(vote, "secret");
	json_t *presidents = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(v, "sieges"), i, it) if (sd_bool(it, "present"))
		json_array_append_new(presidents, json_pack("{s:O,s:O,s:b}", "id", json_object_get(it, "membre"), "nom", json_object_get(it, "nom"),
							    "choisi", sd_int(it, "membre", 0) == pres));
	const char *totals[] = { "pour", "contre", "abstention" };
	json_t *tot = json_object();
	for (int k = 0; k < 3; k++) {
		const char *f = r->method[0] == 'P' ? req_form(r, arena_printf(r->a, "total_%s", totals[k])) : NULL;
		json_object_set_new(tot, totals[k], json_string(f ? f : secret ? arena_printf(r->a, "%d", (int)sd_int(vote, totals[k], 0)) : ""));
	}
	json_t *data = json_pack("{s:o,s:o,s:o,s:o,s:b,s:o,s:b}", "s", s, "v", v, "lignes", lines(r, v, tous), "presidents", presidents,
				 "secret", secret, "totaux", tot, "peut_ecrire", (r->roles & SEC) != 0);
	if (error)
		json_object_set_new(data, "erreur", json_string(error));
	return page_render(r, status, "seance_vote", arena_printf(r->a, "Vote — point %d", (int)sd_int(v, "rang", 0)), data);
}

static int page(struct req *r)
{
	int64_t id = req_param_id(r, "id"), pt = id > 0 ? req_param_id(r, "point") : -1;
	db *d = pt > 0 ? req_db(r) : NULL;
	return d ? render(r, d, id, pt, 200, NULL) : -1;
}
OPALE_ROUTE(sd_vote_page, "GET", "/seances/:id/points/:point/vote", page, READ, SCOPE_TENANT, IDL);

static int page_post(struct req *r)
{
	int64_t id = req_param_id(r, "id"), pt = id > 0 ? req_param_id(r, "point") : -1;
	db *d = pt > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e = { 0 };
	json_t *v = sd_vote_json(d, r->tenant_id, id, pt, &e);
	if (!v)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	const char *sc = req_form(r, "scrutin"), *pres = req_form(r, "president");
	int secret = sc && !strcmp(sc, "secret");
	json_t *j = json_pack("{s:b,s:I}", "secret", secret, "president", (json_int_t)(pres ? strtoll(pres, NULL, 10) : 0));
	json_t *list = json_array();
	size_t i;
	json_t *s;
	char missing[400] = "";
	json_array_foreach(json_object_get(v, "sieges"), i, s) {
		int64_t m = sd_int(s, "membre", 0), de = sd_int(s, "pouvoir_de", 0);
		if (!sd_bool(s, "present"))
			continue;
		for (int proxy = 0; proxy <= (de != 0); proxy++) {
			const char *c = req_form(r, arena_printf(r->a, "%s-%lld", proxy ? "p" : "v", (long long)m));
			if (secret) {
				if (!proxy && c && !strcmp(c, "nppv"))
					json_array_append_new(list, json_integer(m));
				continue;
			}
			if (!c || !*c) {
				if (!missing[0])
					snprintf(missing, sizeof missing, "Le vote de %s%s%s n'est pas indiqué.", sd_str(s, "nom"),
						 proxy ? ", pour le compte de " : "", proxy ? sd_str(s, "pouvoir_de_nom") : "");
				continue;
			}
			json_array_append_new(list, json_pack("{s:I,s:I,s:s}", "membre", (json_int_t)m, "pour_compte_de",
							      (json_int_t)(proxy ? de : 0), "choix", c));
		}
	}
	json_object_set_new(j, secret ? "retires" : "bulletins", list);
	if (secret) {
		const char *keys[] = { "pour", "contre", "abstention" };
		for (int k = 0; k < 3; k++) {
			const char *f = req_form(r, arena_printf(r->a, "total_%s", keys[k]));
			json_object_set_new(j, keys[k], json_integer(f && *f ? atoi(f) : (k == 2 ? 0 : -1)));
		}
	}
	json_decref(v);
	struct sd_vote_done done;
	int rc = missing[0] ? err_set(&e, 422, "vote.incomplet", "%s", missing)
			    : sd_vote_record(d, r->tenant_id, id, pt, j, r->user_id, identity_now(), &done, &e);
	json_decref(j);
	if (rc < 0)
		return render(r, d, id, pt, e.status ? e.status : 422, e.msg);
	audit_vote(r, pt, &done);
	res_flash(r, "ok", arena_printf(r->a, "Vote enregistré : %s Délibération n° %s.", done.adopte ? "adopté." : "rejeté.", done.numero));
	return res_redirect(r, arena_printf(r->a, "/seances/%lld#point-%lld", (long long)id, (long long)pt));
}
OPALE_ROUTE(sd_vote_post, "POST", "/seances/:id/points/:point/vote", page_post, SEC, SCOPE_TENANT, IDL);
