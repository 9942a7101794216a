/* Calendar subscription links (src/identity/feeds.c) through the real server: an agent creates a link
 * for themself, the address shown once opens the ICS feeds without a session (as a calendar program
 * fetches them), only its SHA-256 is stored, it is refused as a Bearer token and on any route that is
 * not a feed, an ordinary API token is refused in an address, another user cannot revoke it, a disabled
 * account's link stops, a revoked link stops; a name too long stores nothing. */
#include "apitest.h"
#include "httptest.h"
#include "srvtest.h"
#include "t.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct srv S;

static long get(const char *jar, const char *path, const char *bearer, struct ht_resp *r)
{
	char h[128];
	const char *hdr[] = { h, NULL };
	if (bearer)
		snprintf(h, sizeof h, "Authorization: Bearer %s", bearer);
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, bearer ? hdr : NULL, jar, r);
	return r->status;
}

/* The token of the first feed address in a page ("…?jeton=opl_…"), or "" when none. */
static void token_of(const char *body, char out[80])
{
	const char *p = body ? strstr(body, "?jeton=opl_") : NULL;
	size_t n = 0;
	if (p) {
		p += 7;
		while (n < 79 && p[n] && p[n] != '"' && p[n] != '&' && p[n] != '<')
			n++;
		memcpy(out, p, n);
	}
	out[n] = '\0';
}

static int has_code(const struct ht_resp *r, const char *code)
{
	return r->body.data && strstr(r->body.data, code) != NULL;
}

int main(void)
{
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	db *D = srv_db(&S);
	char jar[300], jar2[300], csrf[80], csrf2[80], tok[80], path[300], loc[256];
	snprintf(jar, sizeof jar, "%s/cookies", S.data);
	snprintf(jar2, sizeof jar2, "%s/cookies-admin", S.data);
	struct ht_resp r;

	T_EQ_INT(at_login(&S, jar, "ccpo.agent", csrf), 200, "the agent logs in");
	T_EQ_INT(get(jar, "/agenda/abonnements", NULL, &r), 200, "the subscriptions page");
	T_OK(strstr(r.body.data, "Permanences des conventions") && strstr(r.body.data, "Échéances des conventions") &&
	     strstr(r.body.data, "Aucun lien actif.") && !strstr(r.body.data, "?jeton="),
	     "it lists the two feeds the agent may read, no link yet, no address");
	ht_resp_free(&r);

	int64_t before = at_one(D, "SELECT count(*) FROM api_tokens", NULL);
	char longname[160] = "libelle=";
	memset(longname + 8, 'x', 120);
	longname[128] = '\0';
	T_EQ_INT(at_form(&S, jar, csrf, "/agenda/abonnements", longname, loc), 400, "a name of 120 characters is refused");
	T_EQ_INT(at_one(D, "SELECT count(*) FROM api_tokens", NULL), before, "… and nothing is stored");

	/* the page of a creation: at_form drops the body, so post with ht_request to read it */
	char body[200];
	snprintf(body, sizeof body, "csrf=%s&libelle=T%%C3%%A9l%%C3%%A9phone", csrf);
	ht_request("POST", srv_url(&S, "/agenda/abonnements"), "application/x-www-form-urlencoded", body, strlen(body), NULL, jar, &r);
	T_EQ_INT(r.status, 200, "a link « Téléphone » is created");
	token_of(r.body.data, tok);
	T_OK(strlen(tok) > 40, "the page shows the feed addresses with the token, once");
	T_OK(strstr(r.body.data, "/conventions/permanences.ics?jeton=opl_") && strstr(r.body.data, "/conventions/echeances.ics?jeton=opl_"),
	     "one address per feed");
	ht_resp_free(&r);
	T_EQ_INT(at_one(D, "SELECT count(*) FROM api_tokens WHERE feed = 1 AND revoked = 0 AND label = $1", "Téléphone"), 1,
		 "one feed token stored");
	T_EQ_INT(at_one(D, "SELECT count(*) FROM api_tokens WHERE token_hash = $1", tok), 0, "the token itself is not stored (its SHA-256 is)");
	T_EQ_INT(at_one(D, "SELECT count(*) FROM audit_log WHERE action = $1", "abonnement.creation"), 1, "the creation is in the audit log");

	snprintf(path, sizeof path, "/conventions/permanences.ics?jeton=%s", tok);
	T_EQ_INT(get(NULL, path, NULL, &r), 200, "a calendar program opens the permanences feed with the address alone");
	T_OK(r.body.data && strncmp(r.body.data, "BEGIN:VCALENDAR\r\n", 17) == 0 && strstr(r.headers.data, "text/calendar"),
	     "… and gets an ICS calendar");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/echeances.ics?jeton=%s", tok);
	T_EQ_INT(get(NULL, path, NULL, &r), 200, "the deadlines feed too");
	ht_resp_free(&r);
	T_OK(at_one(D, "SELECT last_used FROM api_tokens WHERE label = $1", "Téléphone") > 0, "the link's last use is recorded");

	T_EQ_INT(get(NULL, "/api/v1/conventions", tok, &r), 401, "the link's token is refused as a Bearer token");
	T_OK(has_code(&r, "auth.jeton_abonnement"), "… with its own code");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/conventions?jeton=%s", tok);
	T_EQ_INT(get(NULL, path, NULL, &r), 401, "in the address of a route that is not a feed it opens nothing");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions?jeton=%s", tok);
	get(NULL, path, NULL, &r);
	T_OK(r.status == 401 || r.status == 303, "… nor a page");
	ht_resp_free(&r);

	char api[80];
	at_token(&S, D, "ccpo.agent", api);
	snprintf(path, sizeof path, "/conventions/permanences.ics?jeton=%s", api);
	T_EQ_INT(get(NULL, path, NULL, &r), 401, "an ordinary API token is refused in an address");
	T_OK(has_code(&r, "ne se met pas dans une adresse"), "… and told, in French, to use a subscription link");
	ht_resp_free(&r);
	T_EQ_INT(get(NULL, "/conventions/permanences.ics?jeton=opl_inconnu", NULL, &r), 401, "an unknown link is refused");
	T_OK(has_code(&r, "inconnu ou révoqué : créez-en un nouveau"), "… as an unknown or revoked link");
	ht_resp_free(&r);

	int64_t id = at_one(D, "SELECT id FROM api_tokens WHERE label = $1", "Téléphone");
	char rev[100];
	snprintf(rev, sizeof rev, "/agenda/abonnements/%lld/revoquer", (long long)id);
	T_EQ_INT(at_login(&S, jar2, "ccpo.admin", csrf2), 200, "the administrator logs in");
	T_EQ_INT(at_form(&S, jar2, csrf2, rev, "", loc), 404, "another user cannot revoke the agent's link from this page");
	T_EQ_INT(get(jar2, "/administration", NULL, &r), 200, "the administration page");
	T_OK(strstr(r.body.data, "Abonnement d'agenda « Téléphone »") != NULL, "lists the link among the tokens, with its kind");
	ht_resp_free(&r);

	int64_t agent = at_user(D, "ccpo.agent");
	char sql[200];
	snprintf(sql, sizeof sql, "UPDATE users SET disabled = 1 WHERE id = %lld", (long long)agent);
	struct err e;
	db_run(D, &e, sql, "");
	snprintf(path, sizeof path, "/conventions/permanences.ics?jeton=%s", tok);
	T_EQ_INT(get(NULL, path, NULL, &r), 401, "a disabled account's link opens nothing");
	ht_resp_free(&r);
	snprintf(sql, sizeof sql, "UPDATE users SET disabled = 0 WHERE id = %lld", (long long)agent);
	db_run(D, &e, sql, "");
	T_EQ_INT(get(NULL, path, NULL, &r), 200, "enabled again, it works again");
	ht_resp_free(&r);

	T_EQ_INT(at_form(&S, jar, csrf, rev, "", loc), 303, "the agent revokes the link");
	T_EQ_INT(get(NULL, path, NULL, &r), 401, "the revoked link opens nothing");
	ht_resp_free(&r);
	T_EQ_INT(at_form(&S, jar, csrf, rev, "", loc), 404, "revoking it twice: not found");
	T_EQ_INT(get(jar, "/agenda/abonnements", NULL, &r), 200, "the page again");
	T_OK(strstr(r.body.data, "Aucun lien actif.") != NULL, "no active link left");
	ht_resp_free(&r);

	srv_stop(&S);
	return t_done();
}
