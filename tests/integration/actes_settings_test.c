/* actes_settings_test: the collectivité's télétransmission settings — administrators only; a bad
 * address refused; the TdT password sealed in the database (never shown back); « Tester la
 * connexion » against the S2LOW test peer, and its French failure on a closed port; the client
 * certificate and key uploaded from the page (PEM checked, kept 0600 under DATA/secrets, a non-PEM
 * file refused). Both engines. */
#include "apitest.h"
#include "httptest.h"
#include "peertest.h"
#include "srvtest.h"
#include "t.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct srv S;

static const char *code_of(json_t *j)
{
	const char *c = json_string_value(json_object_get(json_object_get(j, "error"), "code"));
	return c ? c : "";
}

int main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build/rel";
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	struct peer P;
	char log[400];
	snprintf(log, sizeof log, "%s/peer.log", S.data);
	if (!T_OK(peer_start(&P, build, log, 0, NULL) == 0, "S2LOW test peer starts")) {
		srv_stop(&S);
		return t_done();
	}
	db *D = srv_db(&S);
	char adm[80], agent[80], body[400];
	at_token(&S, D, "ccpo.admin", adm);
	at_token(&S, D, "ccpo.agent", agent);
	long st;
	json_decref(at_api(&S, agent, "GET", "/api/v1/actes/parametres", NULL, &st));
	T_EQ_INT(st, 403, "an agent may not read the télétransmission settings");
	json_t *j = at_api(&S, adm, "PUT", "/api/v1/actes/parametres", "{\"tdt_url\":\"ftp://s2low.example.fr\"}", &st);
	T_OK(st == 400 && strcmp(code_of(j), "actes.tdt_url") == 0, "an address that is not http(s) is refused (400 actes.tdt_url)");
	json_decref(j);
	j = at_api(&S, adm, "PUT", "/api/v1/actes/parametres", "{\"nature_collectivite\":\"4X\"}", &st);
	T_OK(st == 400 && strcmp(code_of(j), "actes.nature_collectivite") == 0, "a nature that is not two digits is refused");
	json_decref(j);
	snprintf(body, sizeof body, "{\"tdt_url\":\"%s\",\"tdt_login\":\"ccpo-actes\",\"tdt_password\":\"S3cret-TdT!\"}", P.url);
	j = at_api(&S, adm, "PUT", "/api/v1/actes/parametres", body, &st);
	T_OK(st == 200 && strcmp(json_string_value(json_object_get(j, "tdt_url")), P.url) == 0 &&
		     json_is_true(json_object_get(j, "mot_de_passe_enregistre")),
	     "the administrator sets the TdT address, login and password");
	char *dump = json_dumps(j, 0);
	T_OK(dump && !strstr(dump, "S3cret"), "the password is never shown back");
	free(dump);
	json_decref(j);
	struct err e;
	int rc;
	db_stmt *s = db_query(D, &e, &rc, "SELECT tdt_password FROM actes_settings", "");
	T_OK(s && rc == DB_ROW && strncmp(db_col_text(s, 0), "sealed:", 7) == 0 && !strstr(db_col_text(s, 0), "S3cret"),
	     "in the database it is sealed with the server key");
	if (s)
		db_finalize(s);
	j = at_api(&S, adm, "POST", "/api/v1/actes/parametres/test", NULL, &st);
	T_OK(st == 200 && strstr(json_string_value(json_object_get(j, "message")) ?: "", "Connexion réussie"), "« Tester la connexion »: OK from the peer");
	json_decref(j);
	snprintf(body, sizeof body, "{\"tdt_url\":\"http://127.0.0.1:%d\"}", ht_free_port());
	json_decref(at_api(&S, adm, "PUT", "/api/v1/actes/parametres", body, &st));
	j = at_api(&S, adm, "POST", "/api/v1/actes/parametres/test", NULL, &st);
	T_OK(st >= 500 && json_string_value(json_object_get(json_object_get(j, "error"), "message")), "a closed port: the test fails with a message");
	json_decref(j);

	/* the page: client certificate and key */
	char jar[320], csrf[80], crt[320], key[320], cmd[2400];
	snprintf(jar, sizeof jar, "%s/cookies", S.data);
	snprintf(crt, sizeof crt, "%s/client.pem", S.data);
	snprintf(key, sizeof key, "%s/client.key", S.data);
	snprintf(cmd, sizeof cmd, "openssl req -x509 -newkey rsa:2048 -nodes -keyout '%s' -out '%s' -subj '/CN=CCPO actes' -days 2 >/dev/null 2>&1", key, crt);
	T_EQ_INT(system(cmd), 0, "a client certificate generated");
	T_EQ_INT(at_login(&S, jar, "ccpo.admin", csrf), 200, "the administrator logs in");
	struct ht_resp r;
	ht_request("GET", srv_url(&S, "/actes/parametres"), NULL, NULL, 0, NULL, jar, &r);
	T_OK(r.status == 200 && r.body.data && strstr(r.body.data, "Tester la connexion") && strstr(r.body.data, "ccpo-actes") &&
		     !strstr(r.body.data, "S3cret"),
	     "the settings page shows the account, not the password");
	ht_resp_free(&r);
	snprintf(cmd, sizeof cmd, "curl -s -o /dev/null -w '%%{http_code}' -b '%s' -F csrf=%s -F 'certificat=@%s' -F 'cle=@%s' -F tdt_url=%s '%s'", jar,
		 csrf, key, crt, P.url, srv_url(&S, "/actes/parametres"));
	T_EQ_INT(system(cmd) == 0, 1, "curl runs");
	j = at_api(&S, adm, "GET", "/api/v1/actes/parametres", NULL, &st);
	T_OK(!json_is_true(json_object_get(j, "certificat_enregistre")), "key and certificate swapped: refused, nothing stored");
	json_decref(j);
	snprintf(cmd, sizeof cmd, "curl -s -o /dev/null -b '%s' -F csrf=%s -F 'certificat=@%s' -F 'cle=@%s' -F tdt_url=%s '%s'", jar, csrf, crt, key,
		 P.url, srv_url(&S, "/actes/parametres"));
	T_EQ_INT(system(cmd), 0, "certificate and key uploaded from the page");
	j = at_api(&S, adm, "GET", "/api/v1/actes/parametres", NULL, &st);
	T_OK(json_is_true(json_object_get(j, "certificat_enregistre")) && strcmp(json_string_value(json_object_get(j, "tdt_url")), P.url) == 0,
	     "stored, with the address back on the peer");
	json_decref(j);
	char kpath[400];
	snprintf(kpath, sizeof kpath, "%s/secrets/tdt-1-key.pem", S.data);
	struct stat sb;
	T_OK(stat(kpath, &sb) == 0 && (sb.st_mode & 0077) == 0, "the key is kept under DATA/secrets, readable by the server only");
	j = at_api(&S, adm, "POST", "/api/v1/actes/parametres/test", NULL, &st);
	T_EQ_INT(st, 200, "the connection test still passes with the client certificate set (plain HTTP peer)");
	json_decref(j);

	db_close(D);
	peer_stop(&P);
	srv_stop(&S);
	return t_done();
}
