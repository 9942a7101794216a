/* feeds: calendar subscription links (« liens d'abonnement d'agenda »). A calendar program (Thunderbird,
 * a phone's agenda, Outlook) subscribes to an ICS address and fetches it every few hours; it cannot log in
 * nor send an Authorization header, so the address carries a token: `?jeton=opl_…`. Such a token is an
 * api_tokens row marked feed = 1, created by the user for themself, holding their roles in the
 * collectivité at that time (and never more than they hold when it is used, see session.c); the router
 * accepts it only on the routes flagged RF_FEED — read-only feeds — and refuses it as a Bearer token.
 * Every user — the élus too, for their séances — lists and revokes their own links here; the administrator sees and revokes them with the
 * API tokens. */
#include "identity/identity.h"
#include "core/config.h"
#include "db/tenant.h"
#include "http/http.h"
#include "web/page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The feeds a link can open, by route; a feed is offered when its route exists, is flagged RF_FEED and
 * the user's roles and the collectivité's service tier let them read it. */
static const struct {
	const char *pattern, *label;
} feeds[] = {
	{ "/conventions/echeances.ics", "Échéances des conventions (dates de fin, renouvellements, bilans)" },
	{ "/conventions/permanences.ics", "Permanences des conventions (séances planifiées, annulations)" },
	{ "/seances.ics", "Séances des assemblées (dès l'envoi de la convocation)" },
};

static const struct route *feed_route(const char *pattern)
{
	for (int i = 0; http_route_at(i); i++) {
		const struct route *rt = http_route_at(i);
		if (strcmp(rt->pattern, pattern) == 0 && strcmp(rt->method, "GET") == 0 && (rt->flags & RF_FEED))
			return rt;
	}
	return NULL;
}

/* The feeds the user may read, each with its address (with the token when one was just created). */
static json_t *feeds_json(struct req *r, const char *token)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof feeds / sizeof *feeds; i++) {
		const struct route *rt = feed_route(feeds[i].pattern);
		unsigned tiers = rt ? rt->flags & (RF_TIER_PARAPHEUR | RF_TIER_TELETRANSMISSION | RF_TIER_IDELIBRE) : 0;
		if (!rt || !(rt->roles & r->roles) || (tiers && !(r->tiers & tiers)))
			continue;  /* the router would refuse it: role or service tier */
		json_t *o = json_pack("{s:s,s:s}", "libelle", feeds[i].label, "chemin", feeds[i].pattern);
		if (token)
			json_object_set_new(o, "adresse", json_string(arena_printf(r->a, "%s%s?jeton=%s", cfg.public_url,
										feeds[i].pattern, token)));
		json_array_append_new(a, o);
	}
	return a;
}

static void fmt_day(int64_t t, char out[32])
{
	if (!t) {
		snprintf(out, 32, "jamais");
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(out, 32, "%d/%m/%Y %H:%M", &tm);
}

static json_t *links_json(db *d, struct req *r)
{
	struct err e;
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc,
			       "SELECT id, label, created_at, last_used FROM api_tokens"
			       " WHERE tenant_id = $1 AND user_id = $2 AND feed = 1 AND revoked = 0 ORDER BY id", "i", r->user_id);
	while (s && rc == DB_ROW) {
		char c[32], u[32];
		fmt_day(db_col_int64(s, 2), c);
		fmt_day(db_col_int64(s, 3), u);
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)db_col_int64(s, 0), "libelle",
						   db_col_text(s, 1), "cree", c, "utilise", u));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	return a;
}

static int links_page(struct req *r, db *d, int status, const char *error, const char *token)
{
	json_t *data = json_pack("{s:o,s:o,s:b}", "liens", links_json(d, r), "flux", feeds_json(r, token), "nouveau", token != NULL);
	if (error)
		json_object_set_new(data, "erreur", json_string(error));
	return page_render(r, status, "agenda_abonnements", "Abonnements d'agenda", data);
}

static int page(struct req *r)
{
	db *d = req_db(r);
	return d ? links_page(r, d, 200, NULL, NULL) : -1;
}
OPALE_ROUTE(feeds_page, "GET", "/agenda/abonnements", page, ROLE_ANY, SCOPE_TENANT, 0);

/* Creates a link for the user; the token is shown once, only its SHA-256 is stored. */
static int create(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	const char *label = req_form(r, "libelle");
	if (!label || !*label)
		label = "Agenda";
	if (strlen(label) > 100)
		return links_page(r, d, 400, "Le nom du lien ne dépasse pas 100 caractères.", NULL);
	char tok[64], full[80], h[65];
	identity_random_token(tok);
	snprintf(full, sizeof full, "opl_%s", tok);
	identity_sha256_hex(full, h);
	struct err e;
	if (tdb_run(d, r->tenant_id, &e, "INSERT INTO api_tokens (tenant_id, token_hash, user_id, roles, label, created_at, feed)"
					  " VALUES ($1, $2, $3, $4, $5, $6, 1)",
		    "tiiti", h, r->user_id, (int64_t)(r->roles & ROLE_ANY), label, identity_now()) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "abonnement.creation", label, "");
	return links_page(r, d, 200, NULL, full);
}
OPALE_ROUTE(feeds_create, "POST", "/agenda/abonnements", create, ROLE_ANY, SCOPE_TENANT, 0);

/* A user revokes their own links only (the administrator revokes anyone's from the administration page). */
static int revoke(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return id > 0 ? -1 : res_fail(r, 404, "abonnement.inconnu", "Lien d'abonnement introuvable.");
	struct err e;
	if (tdb_run(d, r->tenant_id, &e,
		    "UPDATE api_tokens SET revoked = 1 WHERE tenant_id = $1 AND id = $2 AND user_id = $3 AND feed = 1 AND revoked = 0",
		    "ii", id, r->user_id) < 0)
		return res_fail_err(r, &e);
	if (db_changes(d) == 0)
		return res_fail(r, 404, "abonnement.inconnu", "Lien d'abonnement introuvable.");
	audit_req(r, "abonnement.revocation", arena_printf(r->a, "%lld", (long long)id), "");
	res_flash(r, "ok", "Lien d'abonnement révoqué : les agendas qui l'utilisaient ne reçoivent plus rien.");
	return res_redirect(r, "/agenda/abonnements");
}
OPALE_ROUTE(feeds_revoke, "POST", "/agenda/abonnements/:id/revoquer", revoke, ROLE_ANY, SCOPE_TENANT, 0);
