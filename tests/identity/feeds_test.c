/* Calendar subscription links (src/identity/feeds.c) through the real server: an agent creates a link
 * for themself, the address shown once opens the ICS feeds without a session (as a calendar program
 * fetches them), only its SHA-256 is stored, it is refused as a Bearer token and on any route that is
 * not a feed, an ordinary API token is refused in an address, another user cannot revoke it, a disabled
 * account's link stops, a revoked link stops; a name too long stores nothing; the séances feed gives an
 * élu the séances of their assemblies once sent, the staff every séance sent. */
#include "apitest.h"
#include "httptest.h"
#include "srvtest.h"
#include "t.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

	/* the séances feed: an élu gets the séances of their assemblies once sent, the staff every séance sent */
	char jar3[300], csrf3[80], etok[80], atok[80];
	snprintf(jar3, sizeof jar3, "%s/cookies-elu", S.data);
	T_EQ_INT(at_login(&S, jar3, "ccpo.elu", csrf3), 200, "the élu logs in");
	T_EQ_INT(get(jar3, "/agenda/abonnements", NULL, &r), 200, "the élu has the subscriptions page too");
	T_OK(strstr(r.body.data, "Séances des assemblées") && !strstr(r.body.data, "Permanences des conventions"),
	     "… offering the séances, not the conventions they cannot read");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "csrf=%s&libelle=Mobile", csrf3);
	ht_request("POST", srv_url(&S, "/agenda/abonnements"), "application/x-www-form-urlencoded", body, strlen(body), NULL, jar3, &r);
	token_of(r.body.data, etok);
	ht_resp_free(&r);
	snprintf(body, sizeof body, "csrf=%s&libelle=Bureau", csrf);
	ht_request("POST", srv_url(&S, "/agenda/abonnements"), "application/x-www-form-urlencoded", body, strlen(body), NULL, jar, &r);
	T_OK(strstr(r.body.data, "/seances.ics?jeton=opl_") != NULL, "the agent's new link has the séances feed too");
	token_of(r.body.data, atok);
	ht_resp_free(&r);
	/* the demo's two séances are in preparation: the first is sent; the second is sent for another
	 * assembly, which the élu does not sit in */
	char upd[400];
	snprintf(upd, sizeof upd, "UPDATE seances SET status = 'convoquee', starts_at = %lld WHERE id = (SELECT min(id) FROM seances)",
		 (long long)time(NULL) + 7 * 86400);
	db_run(D, &e, upd, "");
	snprintf(upd, sizeof upd, "UPDATE seances SET status = 'convoquee', starts_at = %lld, organe_id = (SELECT max(id) FROM organes)"
		 " WHERE id = (SELECT max(id) FROM seances)", (long long)time(NULL) + 14 * 86400);
	db_run(D, &e, upd, "");
	snprintf(upd, sizeof upd, "DELETE FROM membres WHERE organe_id = (SELECT max(id) FROM organes) AND user_id = %lld",
		 (long long)at_user(D, "ccpo.elu"));
	db_run(D, &e, upd, "");
	int64_t sent = at_one(D, "SELECT count(*) FROM seances WHERE status <> 'preparation'", NULL);
	int64_t mine = at_one(D, "SELECT count(*) FROM seances s WHERE s.status <> 'preparation' AND EXISTS (SELECT 1 FROM membres m"
				 " JOIN users u ON u.id = m.user_id WHERE m.organe_id = s.organe_id AND u.login = $1)", "ccpo.elu");
	printf("# séances sent %lld (the élu's %lld)\n", (long long)sent, (long long)mine);
	T_OK(sent > mine && mine > 0, "the demo has séances sent, some of them to the élu's assemblies");
	snprintf(path, sizeof path, "/seances.ics?jeton=%s", etok);
	T_EQ_INT(get(NULL, path, NULL, &r), 200, "the élu's link opens the séances feed");
	int n = 0;
	for (const char *p = r.body.data; p && (p = strstr(p, "BEGIN:VEVENT")); p++)
		n++;
	T_EQ_INT(n, mine, "… with exactly the séances of the élu's assemblies");
	T_OK(strstr(r.body.data, "/elu/seances/") && !strstr(r.body.data, "URL:http://localhost/seances/"), "… each linked to the élu's page");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/seances.ics?jeton=%s", atok);
	T_EQ_INT(get(NULL, path, NULL, &r), 200, "the agent's link opens it");
	n = 0;
	for (const char *p = r.body.data; p && (p = strstr(p, "BEGIN:VEVENT")); p++)
		n++;
	T_EQ_INT(n, sent, "… with every séance sent, of every assembly");
	ht_resp_free(&r);
	db_run(D, &e, "UPDATE seances SET status = 'preparation' WHERE id = (SELECT max(id) FROM seances)", "");
	T_EQ_INT(get(NULL, path, NULL, &r), 200, "one séance back in preparation");
	n = 0;
	for (const char *p = r.body.data; p && (p = strstr(p, "BEGIN:VEVENT")); p++)
		n++;
	T_EQ_INT(n, sent - 1, "… is no longer in the feed");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/permanences.ics?jeton=%s", etok);
	T_EQ_INT(get(NULL, path, NULL, &r), 403, "the élu's link does not open the conventions (role)");
	ht_resp_free(&r);

	db_close(D);
	srv_stop(&S);
	return t_done();
}
