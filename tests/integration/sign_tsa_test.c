/* sign_tsa_test: a collectivité's own time-stamping authority for the parapheur's signatures — set by
 * its administrator (API and /mon-certificat), refused when not http(s), cleared back to the server's;
 * the présidente's PAdES signature of the demo convention then carries a time-stamp token of that TSA
 * (a local `openssl ts -reply` behind tests/peers/tsa_server.py), checked by `opale verify` against the
 * test CA and still valid for pdfsig. Both engines. */
#include "apitest.h"
#include "httptest.h"
#include "srvtest.h"
#include "t.h"

#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct srv S;
static db *D;
static char tok_admin[80], tok_agent[80], tok_dgs[80], tok_pres[80];

static int sh(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int sh(char *out, size_t n, const char *fmt, ...)
{
	char cmd[3000];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	size_t k = p && out ? fread(out, 1, n - 1, p) : 0;
	if (out)
		out[k] = 0;
	int rc = p ? pclose(p) : -1;
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static const char *err_code(json_t *j)
{
	const char *c = json_string_value(json_object_get(json_object_get(j, "error"), "code"));
	return c ? c : "";
}

int main(void)
{
	const char *opale = getenv("OPALE") ? getenv("OPALE") : "./opale";
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.admin", tok_admin);
	at_token(&S, D, "ccpo.agent", tok_agent);
	at_token(&S, D, "ccpo.dgs", tok_dgs);
	at_token(&S, D, "ccpo.president", tok_pres);
	char pki[320], out[8192], tsa[128] = "";
	snprintf(pki, sizeof pki, "%s/pki", S.data);
	T_EQ_INT(sh(NULL, 0, "bash tests/sign/pki.sh '%s' >/dev/null 2>&1", pki), 0, "test PKI generated");
	char portfile[400];
	snprintf(portfile, sizeof portfile, "%s/tsa.port", S.data);
	pid_t tsa_pid = fork();
	if (tsa_pid == 0) {
		if (!freopen(portfile, "w", stdout))
			_exit(126);
		execlp("python3", "python3", "tests/peers/tsa_server.py", pki, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && !tsa[0]; i++) {
		FILE *f = fopen(portfile, "r");
		int port = 0;
		if (f && fscanf(f, "%d", &port) == 1 && port > 0)
			snprintf(tsa, sizeof tsa, "http://127.0.0.1:%d/", port);
		if (f)
			fclose(f);
		if (!tsa[0])
			usleep(100000);
	}
	T_OK(tsa[0] != 0, "local TSA started");

	long st;
	json_t *j = at_api(&S, tok_admin, "GET", "/api/v1/signature/horodatage", NULL, &st);
	T_OK(st == 200 && strcmp(json_string_value(json_object_get(j, "url")), "") == 0, "no TSA of its own at first");
	json_decref(j);
	json_decref(at_api(&S, tok_agent, "GET", "/api/v1/signature/horodatage", NULL, &st));
	T_EQ_INT(st, 403, "an agent may not read it (administrators only)");
	json_decref(at_api(&S, tok_agent, "PUT", "/api/v1/signature/horodatage", "{\"url\":\"http://x\"}", &st));
	T_EQ_INT(st, 403, "nor set it");
	j = at_api(&S, tok_admin, "PUT", "/api/v1/signature/horodatage", "{\"url\":\"ftp://tsa.example.fr\"}", &st);
	T_OK(st == 400 && strcmp(err_code(j), "sign.tsa_url") == 0, "an URL that is not http(s) is refused (400 sign.tsa_url)");
	json_decref(j);
	j = at_api(&S, tok_admin, "PUT", "/api/v1/signature/horodatage", "{\"url\":42}", &st);
	T_EQ_INT(st, 400, "a number is refused");
	json_decref(j);
	char body[300];
	snprintf(body, sizeof body, "{\"url\":\"%s\"}", tsa);
	j = at_api(&S, tok_admin, "PUT", "/api/v1/signature/horodatage", body, &st);
	T_OK(st == 200 && strcmp(json_string_value(json_object_get(j, "url")), tsa) == 0, "the administrator sets the collectivité's TSA");
	json_decref(j);
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM audit_log WHERE action = 'signature.horodatage'", NULL), 1, "audited");

	/* the page shows it to the administrator */
	char jar[320], csrf[80];
	snprintf(jar, sizeof jar, "%s/cookies", S.data);
	T_EQ_INT(at_login(&S, jar, "ccpo.admin", csrf), 200, "the administrator logs in");
	struct ht_resp r;
	ht_request("GET", srv_url(&S, "/mon-certificat"), NULL, NULL, 0, NULL, jar, &r);
	T_OK(r.status == 200 && r.body.data && strstr(r.body.data, "Horodatage des signatures") && strstr(r.body.data, tsa),
	     "/mon-certificat shows the collectivité's TSA");
	ht_resp_free(&r);

	/* the présidente signs the demo convention: a PAdES B-T through that TSA */
	T_EQ_INT(sh(out, sizeof out, "curl -s -o /dev/null -w '%%{http_code}' -H 'Authorization: Bearer %s' -F p12=@%s/user.p12 -F 'pin=secret 1234' '%s'",
		    tok_pres, pki, srv_url(&S, "/api/v1/signature/certificat")), 0, "curl runs");
	T_EQ_INT(atoi(out), 201, "the présidente stores her certificate");
	int64_t folder = at_one(D, "SELECT id FROM folders WHERE title = $1", "Convention e-administration CDG 62");
	int64_t dgs = at_desk(D, "Direction générale des services");
	int64_t pres = at_desk(D, "Présidence");
	char path[96];
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)folder);
	snprintf(body, sizeof body, "{\"action\":\"visa\",\"bureau\":%lld}", (long long)dgs);
	json_decref(at_api(&S, tok_dgs, "POST", path, body, &st));
	T_EQ_INT(st, 200, "the DGS visas the demo convention");
	snprintf(body, sizeof body, "{\"action\":\"signature\",\"bureau\":%lld,\"pin\":\"secret 1234\"}", (long long)pres);
	json_decref(at_api(&S, tok_pres, "POST", path, body, &st));
	T_EQ_INT(st, 200, "the présidente signs");
	int64_t doc = at_one(D, "SELECT MAX(id) FROM folder_docs WHERE role = 'signe'", NULL);
	char pdf[400];
	snprintf(pdf, sizeof pdf, "%s/signe.pdf", S.data);
	sh(NULL, 0, "curl -s -o '%s' -H 'Authorization: Bearer %s' '%s'", pdf, tok_agent,
	   srv_url(&S, (snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/documents/%lld", (long long)folder, (long long)doc), path)));
	T_EQ_INT(sh(out, sizeof out, "'%s' verify '%s' --trust '%s/ca.pem'", opale, pdf, pki), 0, "opale verify: the signature is valid");
	T_OK(strstr(out, "\"timestamp\":{\"valid\":true") != NULL, "… and carries a valid time-stamp");
	T_OK(strstr(out, "Opale Test TSA") != NULL, "… from the collectivité's TSA");
	sh(out, sizeof out, "pdfsig '%s' 2>&1", pdf);
	T_OK(strstr(out, "Signature is Valid") != NULL, "pdfsig: valid");

	/* cleared: back to the server's (none here) */
	j = at_api(&S, tok_admin, "PUT", "/api/v1/signature/horodatage", "{\"url\":\"\"}", &st);
	T_OK(st == 200 && strcmp(json_string_value(json_object_get(j, "url")), "") == 0, "cleared: the server's TSA applies again");
	json_decref(j);

	kill(tsa_pid, SIGTERM);
	waitpid(tsa_pid, NULL, 0);
	db_close(D);
	srv_stop(&S);
	return t_done();
}
