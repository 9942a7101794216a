/* Password reset by e-mail against the real SMTP test server: the request answers the same for
 * unknown accounts, the mail arrives with a link, the link sets a new password once, a second use
 * and an expired link are refused, the old sessions are closed. */
#include "httptest.h"
#include "srvtest.h"
#include "t.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

static struct srv S;

/* Finds the reset link for login's address in the Maildir (waits up to 10 s for the job). */
static int find_link(const char *maildir, const char *addr, char *tok, size_t n)
{
	for (int tries = 0; tries < 100; tries++) {
		char path[512];
		snprintf(path, sizeof path, "%s/new", maildir);
		DIR *d = opendir(path);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			char f[1024];
			snprintf(f, sizeof f, "%s/%s", path, de->d_name);
			buf b = BUF_INIT;
			if (buf_read_file(&b, f, 0) == 0 && strstr(b.data, addr)) {
				/* Quoted-printable may fold lines: undo soft breaks first. */
				buf c = BUF_INIT;
				for (size_t i = 0; i < b.len; i++) {
					if (b.data[i] == '=' && b.data[i + 1] == '\n') { i++; continue; }
					if (b.data[i] == '=' && b.data[i + 1] == '\r') { i += 2; continue; }
					if (b.data[i] == '=' && b.data[i + 1] == '3' && b.data[i + 2] == 'D') { buf_putc(&c, '='); i += 2; continue; }
					buf_putc(&c, b.data[i]);
				}
				const char *p = strstr(c.data, "jeton=");
				if (p) {
					p += 6;
					size_t k = strcspn(p, "\r\n &\"<=");
					snprintf(tok, n, "%.*s", (int)k, p);
					buf_free(&c);
					buf_free(&b);
					closedir(d);
					unlink(f);
					return 0;
				}
				buf_free(&c);
			}
			buf_free(&b);
		}
		if (d)
			closedir(d);
		usleep(100000);
	}
	return -1;
}

static long post_form(const char *path, const char *body, struct ht_resp *r)
{
	ht_request("POST", srv_url(&S, path), "application/x-www-form-urlencoded", body, strlen(body), NULL, NULL, r);
	return r->status;
}

int main(void)
{
	const char *smtp = getenv("OPALE_TEST_SMTP"), *maildir = getenv("OPALE_TEST_MAILDIR");
	if (!T_OK(smtp && maildir, "the SMTP test server runs"))
		return t_done();
	char smtp_url[128];
	snprintf(smtp_url, sizeof smtp_url, "smtp://%s", smtp);
	setenv("OPALE_JOBS_POLL_MS", "100", 1);
	const char *extra[] = { "--smtp-url", smtp_url, NULL };
	if (!T_OK(srv_start(&S, extra) == 0, "server with demo data starts"))
		return t_done();
	struct ht_resp r;
	T_EQ_INT(post_form("/mot-de-passe/oubli", "login=personne.inconnue", &r), 200, "an unknown login gets the same answer");
	T_OK(strstr(r.body.data, "Si un compte correspond") != NULL, "which reveals nothing");
	ht_resp_free(&r);
	T_EQ_INT(post_form("/mot-de-passe/oubli", "login=ccpo.elu", &r), 200, "a reset is asked for ccpo.elu");
	ht_resp_free(&r);
	char tok[128] = "";
	int found = find_link(maildir, "ccpo.elu@demo.opale.invalid", tok, sizeof tok);
	printf("# token %s\n", tok);
	T_OK(found == 0 && strlen(tok) > 20,
	     "the e-mail with the link reaches the SMTP server (through the job queue)");
	char path[256], body[512];
	snprintf(path, sizeof path, "/mot-de-passe/nouveau?jeton=%s", tok);
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, NULL, NULL, &r);
	T_EQ_INT(r.status, 200, "the link opens the new-password form");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "jeton=%s&password=court&password2=court", tok);
	T_EQ_INT(post_form("/mot-de-passe/nouveau", body, &r), 400, "a weak password is refused");
	T_OK(strstr(r.body.data, "trop faible") != NULL, "with the rule in French");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "jeton=%s&password=Nouveau-Secret-2024%%21&password2=Nouveau-Secret-2024%%21", tok);
	T_EQ_INT(post_form("/mot-de-passe/nouveau", body, &r), 303, "a strong password is set");
	ht_resp_free(&r);
	T_EQ_INT(post_form("/mot-de-passe/nouveau", body, &r), 410, "the link cannot be used twice");
	ht_resp_free(&r);
	const char *j = "{\"login\":\"ccpo.elu\",\"password\":\"Nouveau-Secret-2024!\"}";
	ht_request("POST", srv_url(&S, "/api/v1/session"), "application/json", j, strlen(j), NULL, NULL, &r);
	T_EQ_INT(r.status, 200, "the new password logs in");
	ht_resp_free(&r);
	const char *old = "{\"login\":\"ccpo.elu\",\"password\":\"Opale-Demo-2024!\"}";
	ht_request("POST", srv_url(&S, "/api/v1/session"), "application/json", old, strlen(old), NULL, NULL, &r);
	T_EQ_INT(r.status, 401, "the old one no longer does");
	ht_resp_free(&r);

	/* An expired link (31 minutes later). */
	post_form("/mot-de-passe/oubli", "login=ccpo.agent", &r);
	ht_resp_free(&r);
	T_OK(find_link(maildir, "ccpo.agent@demo.opale.invalid", tok, sizeof tok) == 0, "a second link arrives");
	db *d = srv_db(&S);
	struct err e;
	db_run(d, &e, "UPDATE password_resets SET expires_at = expires_at - 1860", "");
	db_close(d);
	snprintf(path, sizeof path, "/mot-de-passe/nouveau?jeton=%s", tok);
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, NULL, NULL, &r);
	T_EQ_INT(r.status, 410, "a link older than 30 minutes is refused");
	ht_resp_free(&r);
	srv_stop(&S);
	return t_done();
}
