/* parapheur_followup_test: archive and delete (emitter only; signed folders are archived, not deleted; a
 * deleted draft is gone with its rows), read receipts (who holding a current task opened the folder, once),
 * private annotations (seen by the circuit's desks, not by an auditor nor in the bordereau), and
 * chaining another circuit on an ended folder (emitter's desk only; the second signature keeps the
 * first valid — pdfsig). Demo folder « Convention e-administration CDG 62 ». Both engines. */
#include "apitest.h"
#include "httptest.h"
#include "srvtest.h"
#include "t.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct srv S;
static db *D;
static char agent[80], dgs[80], pres[80], aud[80];

static json_t *folder_as(const char *tok, int64_t id)
{
	char p[80];
	snprintf(p, sizeof p, "/api/v1/parapheur/dossiers/%lld", (long long)id);
	return at_api(&S, tok, "GET", p, NULL, NULL);
}

static long act(const char *tok, int64_t folder, const char *body)
{
	char p[96];
	long st;
	snprintf(p, sizeof p, "/api/v1/parapheur/dossiers/%lld/actions", (long long)folder);
	json_decref(at_api(&S, tok, "POST", p, body, &st));
	return st;
}

static int shell(const char *cmd, char *out, size_t n)
{
	FILE *p = popen(cmd, "r");
	size_t k = p ? fread(out, 1, n - 1, p) : 0;
	out[k] = 0;
	return p ? pclose(p) : -1;
}

int main(void)
{
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.agent", agent);
	at_token(&S, D, "ccpo.dgs", dgs);
	at_token(&S, D, "ccpo.president", pres);
	at_token(&S, D, "ccpo.auditeur", aud);
	int64_t f = at_one(D, "SELECT id FROM folders WHERE title = $1", "Convention e-administration CDG 62");
	int64_t d_dgs = at_desk(D, "Direction générale des services");
	int64_t d_pres = at_desk(D, "Présidence");

	/* read receipts */
	json_t *j = folder_as(agent, f);
	T_EQ_INT((long)json_array_size(json_object_get(j, "lectures")), 0, "the emitter opening the folder leaves no read receipt");
	json_decref(j);
	json_decref(folder_as(dgs, f));
	j = folder_as(dgs, f);
	json_t *l = json_array_get(json_object_get(j, "lectures"), 0);
	T_OK(json_array_size(json_object_get(j, "lectures")) == 1 && strcmp(json_string_value(json_object_get(l, "bureau")), "Direction générale des services") == 0,
	     "the DGS, whose desk the folder waits for, leaves one read receipt (opened twice)");
	json_decref(j);

	/* private annotation */
	char body[300];
	snprintf(body, sizeof body, "{\"action\":\"visa\",\"bureau\":%lld,\"annotation\":\"Vu\",\"annotation_privee\":\"Vérifier l'article 2 avec le CDG\"}",
		 (long long)d_dgs);
	T_EQ_INT(act(dgs, f, body), 200, "the DGS visas with a public and a private annotation");
	j = folder_as(agent, f);
	char *dump = json_dumps(j, 0);
	T_OK(dump && strstr(dump, "Vérifier l'article 2"), "the emitter (a desk of the circuit) reads the private annotation");
	free(dump);
	json_decref(j);
	j = folder_as(aud, f);
	dump = json_dumps(j, 0);
	T_OK(dump && strstr(dump, "\"Vu\"") && !strstr(dump, "Vérifier"), "an auditor sees the public annotation only");
	free(dump);
	json_decref(j);
	char cmd[1200], out[65536];
	snprintf(cmd, sizeof cmd, "curl -s -H 'Authorization: Bearer %s' '%s' | pdftotext - - 2>/dev/null", agent,
		 srv_url(&S, (snprintf(body, sizeof body, "/api/v1/parapheur/dossiers/%lld/bordereau", (long long)f), body)));
	shell(cmd, out, sizeof out);
	T_OK(strstr(out, "Vu") && !strstr(out, "Vérifier"), "the bordereau prints the public annotation, not the private one");

	/* the présidente signs: the circuit ends */
	char pki[320];
	snprintf(pki, sizeof pki, "%s/pki", S.data);
	snprintf(cmd, sizeof cmd, "bash tests/sign/pki.sh '%s' >/dev/null 2>&1 && curl -s -o /dev/null -w '%%{http_code}' -H 'Authorization: Bearer %s'"
				  " -F p12=@%s/user.p12 -F 'pin=secret 1234' '%s'", pki, pres, pki, srv_url(&S, "/api/v1/signature/certificat"));
	shell(cmd, out, sizeof out);
	T_EQ_INT(atoi(out), 201, "the présidente stores her certificate");
	char big[2400];
	snprintf(big, sizeof big, "{\"action\":\"signature\",\"bureau\":%lld,\"pin\":\"secret 1234\",\"annotation_privee\":\"%0*d\"}",
		 (long long)d_pres, 2100, 0);
	T_EQ_INT(act(pres, f, big), 400, "a private annotation over 2 000 characters is refused…");
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM folder_docs WHERE role = 'signe'", NULL), 0, "… and the signature with it (nothing stored)");
	snprintf(body, sizeof body, "{\"action\":\"signature\",\"bureau\":%lld,\"pin\":\"secret 1234\"}", (long long)d_pres);
	T_EQ_INT(act(pres, f, body), 200, "the présidente signs: the circuit ends");

	/* chaining */
	int64_t sub = at_one(D, "SELECT id FROM folder_subtypes WHERE name = $1", "Convention d'adhésion");
	char path[96];
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/enchainer", (long long)f);
	snprintf(body, sizeof body, "{\"sous_type\":%lld}", (long long)sub);
	long st;
	json_decref(at_api(&S, dgs, "POST", path, body, &st));
	T_EQ_INT(st, 403, "only the emitter's desk chains another circuit");
	j = at_api(&S, agent, "POST", path, "{\"sous_type\":999999}", &st);
	T_EQ_INT(st, 404, "an unknown sub-type: 404");
	json_decref(j);
	j = at_api(&S, agent, "POST", path, body, &st);
	T_OK(st == 200 && strcmp(json_string_value(json_object_get(j, "statut")), "en_cours") == 0, "the emitter chains « Convention d'adhésion »: the folder runs again");
	json_decref(j);
	json_decref(at_api(&S, agent, "POST", path, body, &st));
	T_EQ_INT(st, 409, "no chaining while a circuit runs");
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM folder_events WHERE action = 'enchainement'", NULL), 1, "the history records the chaining");
	snprintf(body, sizeof body, "{\"action\":\"visa\",\"bureau\":%lld}", (long long)d_dgs);
	T_EQ_INT(act(dgs, f, body), 200, "visa of the second circuit");
	snprintf(body, sizeof body, "{\"action\":\"signature\",\"bureau\":%lld,\"pin\":\"secret 1234\"}", (long long)d_pres);
	T_EQ_INT(act(pres, f, body), 200, "second signature");
	int64_t doc = at_one(D, "SELECT MAX(id) FROM folder_docs WHERE role = 'signe'", NULL);
	snprintf(cmd, sizeof cmd, "curl -s -o '%s/s2.pdf' -H 'Authorization: Bearer %s' '%s' && pdfsig '%s/s2.pdf' 2>&1 | grep -c 'Signature is Valid'", S.data,
		 agent, srv_url(&S, (snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/documents/%lld", (long long)f, (long long)doc), path)),
		 S.data);
	shell(cmd, out, sizeof out);
	T_EQ_INT(atoi(out), 2, "pdfsig: both signatures (first and chained circuit) valid");

	/* archive, delete */
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/archiver", (long long)f);
	json_decref(at_api(&S, dgs, "POST", path, NULL, &st));
	T_EQ_INT(st, 403, "only the emitter's desk (or an administrator) archives");
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld", (long long)f);
	j = at_api(&S, agent, "DELETE", path, NULL, &st);
	T_EQ_INT(st, 409, "a signed folder is not deleted (it is archived)");
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/archiver", (long long)f);
	json_decref(at_api(&S, agent, "POST", path, NULL, &st));
	T_EQ_INT(st, 200, "the emitter archives the signed folder");
	json_decref(at_api(&S, agent, "POST", path, NULL, &st));
	T_EQ_INT(st, 409, "not twice");
	int64_t sec = at_one(D, "SELECT id FROM desks WHERE name = $1", "Secrétariat général");
	snprintf(path, sizeof path, "/api/v1/parapheur/bureaux/%lld/bannettes/archives", (long long)sec);
	j = at_api(&S, agent, "GET", path, NULL, &st);
	dump = json_dumps(j, 0);
	T_OK(st == 200 && dump && strstr(dump, "Convention e-administration CDG 62"), "it is in the emitter's « archivés » tray");
	free(dump);
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/parapheur/bureaux/%lld/bannettes/traites", (long long)d_dgs);
	j = at_api(&S, dgs, "GET", path, NULL, &st);
	dump = json_dumps(j, 0);
	T_OK(st == 200 && dump && !strstr(dump, "Convention e-administration CDG 62"), "and no longer in the DGS's « traités »");
	free(dump);
	json_decref(j);
	/* a draft deleted */
	snprintf(cmd, sizeof cmd, "curl -s -H 'Authorization: Bearer %s' -F 'dossier={\"titre\":\"Brouillon à jeter\",\"sous_type\":%lld,\"bureau\":%lld}'"
				  " -F 'principal=@%s/s2.pdf;type=application/pdf' '%s'", agent, (long long)sub, (long long)sec, S.data,
		 srv_url(&S, "/api/v1/parapheur/dossiers"));
	shell(cmd, out, sizeof out);
	int64_t draft = at_one(D, "SELECT id FROM folders WHERE title = $1", "Brouillon à jeter");
	T_OK(draft > 0, "a draft folder created");
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld", (long long)draft);
	json_decref(at_api(&S, dgs, "DELETE", path, NULL, &st));
	T_EQ_INT(st, 403, "another desk may not delete it");
	json_decref(at_api(&S, agent, "DELETE", path, NULL, &st));
	T_EQ_INT(st, 200, "the emitter deletes the draft");
	json_decref(at_api(&S, agent, "GET", path, NULL, &st));
	T_EQ_INT(st, 404, "it is gone (404)");
	snprintf(body, sizeof body, "%lld", (long long)draft);
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM folder_docs WHERE folder_id = CAST($1 AS BIGINT)", body), 0, "with its documents' rows");

	/* the stamp's place of a type (API and administration page) */
	char adm[80];
	at_token(&S, D, "ccpo.admin", adm);
	int64_t circ = at_one(D, "SELECT circuit_id FROM folder_subtypes WHERE name = $1", "Convention d'adhésion");
	snprintf(body, sizeof body, "{\"nom\":\"Arrêté\",\"format\":\"pades\",\"protocole\":\"actes\",\"circuit\":%lld,"
				    "\"tampon\":{\"repere\":\"visa président\",\"page\":1,\"x\":10,\"y\":10}}", (long long)circ);
	j = at_api(&S, adm, "POST", "/api/v1/parapheur/types", body, &st);
	T_OK(st == 400 && strstr(json_string_value(json_object_get(json_object_get(j, "error"), "code")) ?: "", "type.tampon"),
	     "a stamp tag that is not #word# is refused (400 type.tampon_repere)");
	json_decref(j);
	snprintf(body, sizeof body, "{\"nom\":\"Arrêté\",\"format\":\"pades\",\"protocole\":\"actes\",\"circuit\":%lld,"
				    "\"tampon\":{\"repere\":\"#visa_president#\",\"page\":-1,\"x\":400,\"y\":72}}", (long long)circ);
	j = at_api(&S, adm, "POST", "/api/v1/parapheur/types", body, &st);
	int64_t tid = json_integer_value(json_object_get(j, "type"));
	json_decref(j);
	T_OK(st == 201 && at_one(D, "SELECT COUNT(*) FROM folder_types WHERE stamp_tag = '#visa_president#' AND stamp_page = -1 AND stamp_x = 400"
			      " AND stamp_y = 72", NULL) == 1, "a type created with its stamp's tag and place (last page, 400, 72)");
	char ajar[320], acsrf[80], loc[256];
	snprintf(ajar, sizeof ajar, "%s/admin-cookies", S.data);
	at_login(&S, ajar, "ccpo.admin", acsrf);
	snprintf(path, sizeof path, "/parapheur/administration/types/%lld", (long long)tid);
	at_form(&S, ajar, acsrf, path, "nom=Arr%C3%AAt%C3%A9&format=pades&protocole=actes&ville=&code_postal=&tampon_repere=&tampon_page=2&tampon_x=50&tampon_y=9999", loc);
	T_EQ_INT(at_one(D, "SELECT stamp_y FROM folder_types WHERE stamp_tag = '#visa_president#'", NULL), 72, "the page refuses y = 9999 (nothing changed)");
	at_form(&S, ajar, acsrf, path, "nom=Arr%C3%AAt%C3%A9&format=pades&protocole=actes&ville=&code_postal=&tampon_repere=%23cachet_maire%23&tampon_page=2&tampon_x=50&tampon_y=60", loc);
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM folder_types WHERE stamp_tag = '#cachet_maire#' AND stamp_page = 2 AND stamp_x = 50 AND stamp_y = 60", NULL), 1,
		 "the administration page sets the stamp's tag and place");

	/* the page */
	char jar[320], csrf[80];
	snprintf(jar, sizeof jar, "%s/cookies", S.data);
	at_login(&S, jar, "ccpo.agent", csrf);
	struct ht_resp r;
	snprintf(path, sizeof path, "/parapheur/dossiers/%lld", (long long)f);
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, NULL, jar, &r);
	T_OK(r.status == 200 && r.body.data && strstr(r.body.data, "Enchaîner un autre circuit") && strstr(r.body.data, "Lu par") &&
		     strstr(r.body.data, "annotation privée") && strstr(r.body.data, "Dossier archivé"),
	     "the page: chaining form, read receipts, private annotation for the emitter, archived");
	ht_resp_free(&r);

	db_close(D);
	srv_stop(&S);
	return t_done();
}
