/* Authentication over HTTP against a real server: API login, wrong password, throttling with a
 * French message, session cookie, CSRF, idle expiry, API tokens, logout. */
#include "httptest.h"
#include "identity/identity.h"
#include "srvtest.h"
#include "t.h"

#include <stdlib.h>
#include <unistd.h>

static struct srv S;

static long login(const char *jar, const char *user, const char *pw, struct ht_resp *r)
{
	char body[256];
	snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"%s\"}", user, pw);
	ht_request("POST", srv_url(&S, "/api/v1/session"), "application/json", body, strlen(body), NULL, jar, r);
	return r->status;
}

static const char *csrf_of(struct ht_resp *r, char *out)
{
	const char *p = strstr(r->body.data, "\"csrf\":\"");
	if (!p)
		return NULL;
	p += 8;
	size_t n = strcspn(p, "\"");
	memcpy(out, p, n);
	out[n] = '\0';
	return out;
}

int main(void)
{
	const char *extra[] = { "--session-idle", "2", NULL };
	if (!T_OK(srv_start(&S, extra) == 0, "server with demo data starts"))
		return t_done();
	char jar[300];
	snprintf(jar, sizeof jar, "%s/cookies", S.data);
	struct ht_resp r;

	T_EQ_INT(login(jar, "ccpo.agent", "mauvais-mot-de-passe", &r), 401, "wrong password → 401");
	T_OK(strstr(r.body.data, "\"code\":\"auth.invalid\"") != NULL, "wrong password → code auth.invalid");
	ht_resp_free(&r);
	T_EQ_INT(login(jar, "inconnu", "x", &r), 401, "unknown login → the same 401");
	ht_resp_free(&r);

	T_EQ_INT(login(jar, "ccpo.agent", "Opale-Demo-2024!", &r), 200, "right password → 200");
	T_OK(strstr(r.headers.data, "opale_session=") && strstr(r.headers.data, "HttpOnly") &&
	     strstr(r.headers.data, "SameSite=Lax"), "session cookie is HttpOnly and SameSite=Lax");
	char csrf[80] = "";
	csrf_of(&r, csrf);
	ht_resp_free(&r);

	ht_request("GET", srv_url(&S, "/api/v1/moi"), NULL, NULL, 0, NULL, jar, &r);
	T_EQ_INT(r.status, 200, "the session cookie authenticates");
	T_OK(strstr(r.body.data, "\"agent\"") != NULL, "the agent's role is reported");
	ht_resp_free(&r);

	ht_request("GET", srv_url(&S, "/administration"), NULL, NULL, 0, NULL, jar, &r);
	T_EQ_INT(r.status, 403, "an agent cannot open the administration");
	ht_resp_free(&r);

	const char *form = "collectivite=1";
	ht_request("POST", srv_url(&S, "/collectivite"), "application/x-www-form-urlencoded", form, strlen(form), NULL, jar, &r);
	T_EQ_INT(r.status, 403, "a form posted without its CSRF token → 403");
	T_OK(strstr(r.body.data, "Jeton de sécurité") != NULL, "CSRF refusal is explained in French");
	ht_resp_free(&r);
	char hdr[128];
	snprintf(hdr, sizeof hdr, "X-CSRF-Token: %s", csrf);
	const char *h1[] = { hdr, NULL };
	ht_request("POST", srv_url(&S, "/collectivite"), "application/x-www-form-urlencoded", form, strlen(form), h1, jar, &r);
	T_OK(r.status == 303 || r.status == 404, "the same form with its CSRF token is accepted");
	ht_resp_free(&r);

	sleep(3);
	ht_request("GET", srv_url(&S, "/api/v1/moi"), NULL, NULL, 0, NULL, jar, &r);
	T_EQ_INT(r.status, 401, "an idle session expires");
	T_OK(strstr(r.body.data, "auth.session_expiree") != NULL, "expiry has its own code");
	ht_resp_free(&r);

	int last = 0;
	for (int i = 0; i < 6; i++) {
		last = (int)login(jar, "ccpo.dgs", "mauvais-mot-de-passe", &r);
		if (i < 6 - 1)
			ht_resp_free(&r);
	}
	T_EQ_INT(last, 429, "the 6th wrong password in a row is throttled (429)");
	T_OK(strstr(r.body.data, "Trop de tentatives") != NULL, "throttling is explained in French");
	ht_resp_free(&r);
	T_EQ_INT(login(jar, "ccpo.dgs", "Opale-Demo-2024!", &r), 429, "even the right password waits while throttled");
	ht_resp_free(&r);

	ht_request("GET", srv_url(&S, "/api/v1/moi"), NULL, NULL, 0, (const char *[]){ "Authorization: Bearer opl_faux", NULL },
		   NULL, &r);
	T_EQ_INT(r.status, 401, "an unknown API token → 401");
	ht_resp_free(&r);

	/* Token created through the admin page (shown once), then used. */
	T_EQ_INT(login(jar, "ccpo.admin", "Opale-Demo-2024!", &r), 200, "admin logs in");
	csrf_of(&r, csrf);
	ht_resp_free(&r);
	char body[256];
	snprintf(body, sizeof body, "csrf=%s&label=webdelib&login=ccpo.agent&roles=agent&roles=admin", csrf);
	ht_request("POST", srv_url(&S, "/administration/jetons"), "application/x-www-form-urlencoded", body, strlen(body), NULL, jar, &r);
	const char *t = strstr(r.body.data, "opl_");
	char tok[128] = "";
	if (t)
		snprintf(tok, sizeof tok, "%.*s", (int)strcspn(t, "<\" "), t);
	T_OK(r.status == 200 && strlen(tok) > 20, "the admin creates an API token, shown once");
	ht_resp_free(&r);
	char auth[200];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
	const char *h2[] = { auth, NULL };
	ht_request("GET", srv_url(&S, "/api/v1/moi"), NULL, NULL, 0, h2, NULL, &r);
	T_OK(r.status == 200 && strstr(r.body.data, "\"agent\"") && !strstr(r.body.data, "\"admin\""),
	     "the token authenticates with only the roles it was given");
	ht_resp_free(&r);
	ht_request("GET", srv_url(&S, "/administration"), NULL, NULL, 0, h2, NULL, &r);
	T_EQ_INT(r.status, 403, "an agent-scoped token cannot reach admin pages");
	ht_resp_free(&r);

	db *d = srv_db(&S);
	buf out = BUF_INIT;
	T_OK(d && audit_verify(d, &out) == 0, "the audit chain written by all of this verifies");
	printf("# %s", out.data ? out.data : "\n");
	buf_free(&out);
	if (d)
		db_close(d);
	srv_stop(&S);
	return t_done();
}
