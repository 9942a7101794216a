/* actes_signature_test: the seed's CDG 62 convention as an act → « Envoyer en signature » (a
 * parapheur circuit of protocol ACTES: visa DGS, signature Présidente with her PIN) → the signed copy
 * becomes the version transmitted → one click « Transmettre à la préfecture » on the folder page →
 * the S2LOW test peer receives exactly the signed bytes → AR → the stamped copy keeps the signature
 * valid (pdfsig). Also: wrong sub-type, a second circuit, transmission during the circuit, a rejected
 * circuit frees the act. Both engines. */
#include "apitest.h"
#include "httptest.h"
#include "peertest.h"
#include "srvtest.h"
#include "t.h"
#include "web/pdfdoc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct srv S;
static struct peer P;
static char tok_agent[80], tok_dgs[80], tok_pres[80];

static json_t *api(const char *tok, const char *method, const char *path, const char *body, long *st)
{
	return at_api(&S, tok, method, path, body, st);
}

static json_t *acte(int64_t id)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/actes/%lld", (long long)id);
	return api(tok_agent, "GET", path, NULL, NULL);
}

/* The newest document of the act of role "acte" and that origine; NULL when none (borrowed from a). */
static json_t *doc(json_t *a, const char *origine)
{
	json_t *v, *best = NULL;
	size_t i;
	json_array_foreach(json_object_get(a, "documents"), i, v) if (strcmp(json_string_value(json_object_get(v, "role")), "acte") == 0 &&
								     strcmp(json_string_value(json_object_get(v, "origine")), origine) == 0) best = v;
	return best;
}

static int has_event(json_t *a, const char *action)
{
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(a, "historique"), i, v) if (strcmp(json_string_value(json_object_get(v, "action")), action) == 0) return 1;
	return 0;
}

static int64_t create(const char *numero, const char *pdf)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
		 "curl -s -H 'Authorization: Bearer %s' -F 'acte={\"numero\":\"%s\",\"nature\":4,\"objet\":\"Convention pour l accompagnement a la "
		 "e-administration (CDG 62)\",\"date_decision\":\"2024-03-18\",\"matiere\":\"1.4\",\"type_piece\":\"99_DC\"}'"
		 " -F 'document=@%s;filename=convention-cdg62.pdf' %s",
		 tok_agent, numero, pdf, srv_url(&S, "/api/v1/actes"));
	FILE *p = popen(cmd, "r");
	char out[4096] = "";
	size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
	out[n] = 0;
	if (p)
		pclose(p);
	json_t *j = json_loads(out, 0, NULL);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	if (!id)
		printf("# create: %s\n", out);
	json_decref(j);
	return id;
}

static db *D;

static long act(const char *tok, int64_t folder, const char *body)
{
	char path[96];
	long st;
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)folder);
	json_decref(api(tok, "POST", path, body, &st));
	return st;
}

int main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build/rel";
	const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	setenv("OPALE_JOBS_POLL_MS", "200", 1);
	setenv("OPALE_TDT_POLL", "1", 1);
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	char log[400], classif[512];
	snprintf(log, sizeof log, "%s/peer.log", S.data);
	snprintf(classif, sizeof classif, "%s/specs/actes/samples/pastell/classification-exemple.xml", shared);
	const char *pargs[] = { "--classification", classif, NULL };
	if (!T_OK(peer_start(&P, build, log, 0, pargs) == 0, "S2LOW test peer starts")) {
		srv_stop(&S);
		return t_done();
	}
	D = srv_db(&S);
	struct err e;
	db_run(D, &e, "UPDATE actes_settings SET tdt_url = $1", "t", P.url);
	at_token(&S, D, "ccpo.agent", tok_agent);
	at_token(&S, D, "ccpo.dgs", tok_dgs);
	at_token(&S, D, "ccpo.president", tok_pres);

	/* the seed's convention as a PDF with the signature tag, and the présidente's certificate */
	char pdf[320], pki[320], cmd[2048];
	snprintf(pdf, sizeof pdf, "%s/convention-cdg62.pdf", S.data);
	snprintf(pki, sizeof pki, "%s/pki", S.data);
	pdfdoc *p = pdfdoc_new(pdf, "Convention CDG 62", &e);
	FILE *seed = fopen("/work/shared/seed/documents-ccpo-2024.txt", "r");
	char line[4096];
	snprintf(cmd, sizeof cmd, "%s/seed/documents-ccpo-2024.txt", shared);
	if (!seed)
		seed = fopen(cmd, "r");
	pdfdoc_title(p, "Convention pour l'accompagnement à la e-administration");
	for (int n = 0; seed && n < 40 && fgets(line, sizeof line, seed); n++) {
		line[strcspn(line, "\r\n")] = 0;
		if (n > 3 && line[0])
			pdfdoc_para(p, line);
	}
	if (seed)
		fclose(seed);
	pdfdoc_para(p, "La Présidente : #signature#");
	T_OK(pdfdoc_finish(p, &e) == 0, "the seed's CDG 62 convention as a PDF");
	snprintf(cmd, sizeof cmd, "bash tests/sign/pki.sh '%s' >/dev/null 2>&1", pki);
	T_EQ_INT(at_run("%s", cmd), 0, "test PKI generated");
	snprintf(cmd, sizeof cmd, "curl -s -o /dev/null -w '%%{http_code}' -H 'Authorization: Bearer %s' -F p12=@%s/user.p12 -F 'pin=secret 1234' '%s'",
		 tok_pres, pki, srv_url(&S, "/api/v1/signature/certificat"));
	FILE *c = popen(cmd, "r");
	char code[8] = "";
	if (c) {
		if (!fgets(code, sizeof code, c))
			code[0] = 0;
		pclose(c);
	}
	T_EQ_INT(atoi(code), 201, "the présidente stores her signing certificate");

	int64_t id = create("2024_77", pdf);
	T_OK(id > 0, "act 2024_77 created from the convention");
	char path[128], body[256];
	long st;
	snprintf(path, sizeof path, "/api/v1/actes/%lld/signature", (long long)id);
	json_t *j = api(tok_agent, "POST", path, "{}", &st);
	T_EQ_INT(st, 400, "two sub-types of protocol ACTES: the choice is asked (400)");
	T_EQ_STR(json_string_value(json_object_get(json_object_get(j, "error"), "code")), "actes.sous_type", "… actes.sous_type");
	json_decref(j);
	json_decref(api(tok_agent, "POST", path, "{\"sous_type\":999999}", &st));
	T_EQ_INT(st, 400, "an unknown sub-type is refused");
	int rc;
	db_stmt *q = db_query(D, &e, &rc, "SELECT s.id FROM folder_subtypes s WHERE s.name = 'Convention d''adhésion'", "");
	int64_t sub = q && rc == DB_ROW ? db_col_int64(q, 0) : 0;
	if (q)
		db_finalize(q);
	snprintf(body, sizeof body, "{\"sous_type\":%lld}", (long long)sub);
	j = api(tok_pres, "POST", path, body, &st);
	T_EQ_INT(st, 403, "the présidente (signataire, not agent) may not send an act to signature");
	json_decref(j);
	j = api(tok_agent, "POST", path, body, &st);
	int64_t folder = json_integer_value(json_object_get(j, "dossier"));
	T_OK(st == 201 && folder > 0, "the agent sends the act to the circuit « Convention d'adhésion » (201, folder)");
	json_decref(j);
	json_decref(api(tok_agent, "POST", path, body, &st));
	T_EQ_INT(st, 409, "a second circuit for the same act is refused (409)");
	snprintf(path, sizeof path, "/api/v1/actes/%lld/transmettre", (long long)id);
	j = api(tok_agent, "POST", path, NULL, &st);
	T_EQ_INT(st, 409, "the act is not transmitted while its circuit runs");
	T_EQ_STR(json_string_value(json_object_get(json_object_get(j, "error"), "code")), "actes.en_signature", "… actes.en_signature");
	json_decref(j);
	json_t *a = acte(id);
	T_EQ_INT(json_integer_value(json_object_get(a, "dossier")), folder, "the act knows its folder");
	T_OK(has_event(a, "envoi_signature"), "its history says it went to signature");
	json_decref(a);

	/* the circuit: visa DGS, signature of the présidente with her PIN */
	snprintf(body, sizeof body, "{\"action\":\"visa\",\"bureau\":%lld}", (long long)at_desk(D, "Direction générale des services"));
	T_EQ_INT(act(tok_dgs, folder, body), 200, "the DGS visas");
	snprintf(body, sizeof body, "{\"action\":\"signature\",\"bureau\":%lld,\"pin\":\"secret 1234\"}", (long long)at_desk(D, "Présidence"));
	T_EQ_INT(act(tok_pres, folder, body), 200, "the présidente signs (PAdES)");
	a = acte(id);
	json_t *signed_doc = doc(a, "parapheur");
	char signed_sha[65] = "";
	T_OK(signed_doc != NULL, "the signed copy is a new version of the act's document (origine parapheur)");
	if (signed_doc)
		snprintf(signed_sha, sizeof signed_sha, "%s", json_string_value(json_object_get(signed_doc, "sha256")));
	T_OK(has_event(a, "signature"), "its history says it was signed in the parapheur");
	T_EQ_STR(json_string_value(json_object_get(a, "etat")), "brouillon", "still a draft: nothing leaves without a click");
	json_decref(a);

	/* one click on the folder page */
	char jar[320], csrf[80], loc[256];
	snprintf(jar, sizeof jar, "%s/cookies", S.data);
	T_EQ_INT(at_login(&S, jar, "ccpo.agent", csrf), 200, "the agent logs in");
	struct ht_resp r;
	snprintf(path, sizeof path, "/parapheur/dossiers/%lld", (long long)folder);
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, NULL, jar, &r);
	char want[96];
	snprintf(want, sizeof want, "action=\"/actes/%lld/transmettre\"", (long long)id);
	T_OK(r.status == 200 && r.body.data && strstr(r.body.data, want) && strstr(r.body.data, "Transmettre à la préfecture") &&
		     strstr(r.body.data, "Acte 2024_77"),
	     "the ended folder's page links the act and offers « Transmettre à la préfecture »");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/actes/%lld", (long long)id);
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, NULL, jar, &r);
	T_OK(r.status == 200 && r.body.data && strstr(r.body.data, "Acte signé (parapheur)") && !strstr(r.body.data, "Envoyer en signature"),
	     "the act's page lists the signed version and no longer offers a circuit");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/actes/%lld/transmettre", (long long)id);
	T_EQ_INT(at_form(&S, jar, "faux", path, "", loc), 403, "without the CSRF token the click is refused");
	snprintf(want, sizeof want, "/actes/%lld", (long long)id);
	T_OK(at_form(&S, jar, csrf, path, "", loc) == 303 && strstr(loc, want), "one click: transmission queued, back to the act");

	char sha[65] = "";
	int tdt = 0;
	for (int i = 0; i < 300 && tdt <= 0; i++) {
		tdt = peer_act(&P, "2024_77", sha);
		if (tdt <= 0)
			usleep(100000);
	}
	T_OK(tdt > 0, "exactly one transaction at the peer for 2024_77");
	T_EQ_STR(sha, signed_sha, "the peer received the signed copy, byte for byte");
	snprintf(body, sizeof body, "transmettre?id=%d", tdt);
	peer_control(&P, body);
	snprintf(body, sizeof body, "ar?id=%d", tdt);
	peer_control(&P, body);
	T_OK(at_wait_acte(&S, tok_agent, id, "acquitte", 30), "AR received: acquitté");
	/* the demo's séance délibérations were acknowledged by its test prefecture (demo step 80-actes-prefecture) */
	long demo_ar = (long)at_one(D, "SELECT COUNT(*) FROM actes_transmissions WHERE state = 'acquitte' AND tdt_id LIKE 'DEMO-%'", NULL);
	T_EQ_INT((long)srv_metric(&S, "opale_actes_transmissions{state=\"acquitte\"}"), demo_ar + 1, "/metrics: one more transmission acknowledged");
	char stamped[400] = "";
	for (int i = 0; i < 100 && !stamped[0]; i++) {
		a = acte(id);
		json_t *d = doc(a, "tampon");
		if (d)
			snprintf(stamped, sizeof stamped, "/api/v1/actes/%lld/documents/%lld", (long long)id,
				 (long long)json_integer_value(json_object_get(d, "id")));
		json_decref(a);
		if (!stamped[0])
			usleep(100000);
	}
	T_OK(stamped[0] != 0, "the stamped copy is produced");
	char out[400];
	snprintf(out, sizeof out, "%s/tamponne.pdf", S.data);
	snprintf(cmd, sizeof cmd, "curl -s -o '%s' -H 'Authorization: Bearer %s' '%s' && pdfsig '%s' 2>&1 | grep -c 'Signature is Valid'", out,
		 tok_agent, srv_url(&S, stamped), out);
	c = popen(cmd, "r");
	if (c) {
		if (!fgets(code, sizeof code, c))
			code[0] = 0;
		pclose(c);
	}
	T_EQ_INT(atoi(code), 1, "pdfsig: the présidente's signature is still valid on the stamped copy");
	snprintf(cmd, sizeof cmd, "pdftotext '%s' - 2>/dev/null | grep -q 'Accusé de réception\\|ACCUSE\\|préfecture'", out);
	T_EQ_INT(at_run("%s", cmd), 0, "and the stamp is on it");

	/* a rejected circuit frees the act for another one */
	int64_t id2 = create("2024_78", pdf);
	snprintf(path, sizeof path, "/api/v1/actes/%lld/signature", (long long)id2);
	snprintf(body, sizeof body, "{\"sous_type\":%lld}", (long long)sub);
	j = api(tok_agent, "POST", path, body, &st);
	int64_t f2 = json_integer_value(json_object_get(j, "dossier"));
	json_decref(j);
	snprintf(body, sizeof body, "{\"action\":\"rejet\",\"bureau\":%lld,\"annotation\":\"Article 2 à revoir\"}",
		 (long long)at_desk(D, "Direction générale des services"));
	T_EQ_INT(act(tok_dgs, f2, body), 200, "the DGS rejects the second act's folder");
	a = acte(id2);
	T_OK(has_event(a, "rejet_signature"), "the act's history has the rejection");
	json_t *h = json_array_get(json_object_get(a, "historique"), json_array_size(json_object_get(a, "historique")) - 1);
	T_OK(strstr(json_string_value(json_object_get(h, "detail")), "Article 2 à revoir") != NULL, "with its public reason");
	T_OK(doc(a, "parapheur") == NULL, "no signed version");
	json_decref(a);
	snprintf(body, sizeof body, "{\"sous_type\":%lld}", (long long)sub);
	j = api(tok_agent, "POST", path, body, &st);
	T_OK(st == 201 && json_integer_value(json_object_get(j, "dossier")) != f2, "after a rejection the act may go to a new circuit");
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/actes/%lld/signature", (long long)999999);
	json_decref(api(tok_agent, "POST", path, body, &st));
	T_EQ_INT(st, 404, "an unknown act: 404");

	db_close(D);
	peer_stop(&P);
	srv_stop(&S);
	return t_done();
}
