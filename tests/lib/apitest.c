#include "apitest.h"
#include "httptest.h"
#include "identity/identity.h"

#include <stdio.h>
#include <string.h>

void at_token(struct srv *s, db *d, const char *login, char out[80])
{
	(void)s;
	char raw[64], h[65];
	identity_random_token(raw);
	snprintf(out, 80, "opl_%s", raw);
	identity_sha256_hex(out, h);
	struct err e;
	db_run(d, &e, "INSERT INTO api_tokens (token_hash, user_id, tenant_id, roles, label, created_at)"
		      " SELECT $1, u.id, m.tenant_id, m.roles, 't', 0 FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.login = $2",
	       "tt", h, login);
}

json_t *at_api(struct srv *s, const char *token, const char *method, const char *path, const char *body, long *status)
{
	char auth[128];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	const char *h[] = { auth, NULL };
	struct ht_resp r;
	ht_request(method, srv_url(s, path), body ? "application/json" : NULL, body, body ? strlen(body) : 0, h, NULL, &r);
	if (status)
		*status = r.status;
	json_t *j = json_loads(r.body.data ? r.body.data : "", 0, NULL);
	ht_resp_free(&r);
	return j;
}

long at_login(struct srv *s, const char *jar, const char *login, char csrf[80])
{
	char body[256];
	struct ht_resp r;
	snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"Opale-Demo-2024!\"}", login);
	remove(jar);
	ht_request("POST", srv_url(s, "/api/v1/session"), "application/json", body, strlen(body), NULL, jar, &r);
	const char *p = strstr(r.body.data ? r.body.data : "", "\"csrf\":\"");
	csrf[0] = '\0';
	if (p)
		snprintf(csrf, 80, "%.*s", (int)strcspn(p + 8, "\""), p + 8);
	long st = r.status;
	ht_resp_free(&r);
	return st;
}

long at_form(struct srv *s, const char *jar, const char *csrf, const char *path, const char *fields, char location[256])
{
	char body[2048];
	snprintf(body, sizeof body, "csrf=%s%s%s", csrf, fields && *fields ? "&" : "", fields ? fields : "");
	struct ht_resp r;
	ht_request("POST", srv_url(s, path), "application/x-www-form-urlencoded", body, strlen(body), NULL, jar, &r);
	location[0] = '\0';
	const char *l = r.headers.data ? strcasestr(r.headers.data, "\nlocation: ") : NULL;
	if (l)
		snprintf(location, 256, "%.*s", (int)strcspn(l + 11, "\r\n"), l + 11);
	long st = r.status;
	ht_resp_free(&r);
	return st;
}
