/* conventions_prefecture_test: the demo's CDG 62 convention sent into the parapheur from its page,
 * signed (visa DGS, signature of the présidente), then « Transmettre à la préfecture » from the
 * convention's page: an act of nature 4 numbered by the « contrat » series, whose document is the
 * signed copy, reaches the S2LOW test peer byte for byte; the convention shows its act; a second
 * transmission is refused. Both engines. */
#include "apitest.h"
#include "httptest.h"
#include "peertest.h"
#include "srvtest.h"
#include "t.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct srv S;
static db *D;

static long page(const char *jar, const char *path, struct ht_resp *r)
{
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, NULL, jar, r);
	return r->status;
}

int main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build/rel";
	setenv("OPALE_JOBS_POLL_MS", "200", 1);
	setenv("OPALE_TDT_POLL", "1", 1);
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	struct peer P;
	char log[400];
	snprintf(log, sizeof log, "%s/peer.log", S.data);
	if (!T_OK(peer_start(&P, build, log, 0, NULL) == 0, "S2LOW test peer starts")) {
		srv_stop(&S);
		return t_done();
	}
	D = srv_db(&S);
	struct err e;
	db_run(D, &e, "UPDATE actes_settings SET tdt_url = $1", "t", P.url);
	char tok_dgs[80], tok_pres[80], tok_agent[80], pki[320], cmd[1200], out[64] = "";
	at_token(&S, D, "ccpo.dgs", tok_dgs);
	at_token(&S, D, "ccpo.president", tok_pres);
	at_token(&S, D, "ccpo.agent", tok_agent);
	snprintf(pki, sizeof pki, "%s/pki", S.data);
	snprintf(cmd, sizeof cmd, "bash tests/sign/pki.sh '%s' >/dev/null 2>&1 && curl -s -o /dev/null -w '%%{http_code}' -H 'Authorization: Bearer %s'"
				  " -F p12=@%s/user.p12 -F 'pin=secret 1234' '%s'", pki, tok_pres, pki, srv_url(&S, "/api/v1/signature/certificat"));
	FILE *p = popen(cmd, "r");
	if (p) {
		if (!fgets(out, sizeof out, p))
			out[0] = 0;
		pclose(p);
	}
	T_EQ_INT(atoi(out), 201, "the présidente stores her signing certificate");

	int64_t cv = at_one(D, "SELECT id FROM conventions WHERE reference = $1", "CDG62-EADM");
	int64_t sub = at_one(D, "SELECT id FROM folder_subtypes WHERE name = $1", "Convention d'adhésion");
	int64_t sec = at_desk(D, "Secrétariat général");
	char jar[320], csrf[80], loc[256], path[128], form[128];
	snprintf(jar, sizeof jar, "%s/cookies", S.data);
	T_EQ_INT(at_login(&S, jar, "ccpo.agent", csrf), 200, "the agent logs in");
	snprintf(path, sizeof path, "/conventions/%lld/prefecture", (long long)cv);
	snprintf(form, sizeof form, "matiere=1.4&type_piece=99_DC&date_decision=2024-03-18");
	T_EQ_INT(at_form(&S, jar, csrf, path, form, loc), 303, "before its signature…");
	T_EQ_INT(at_one(D, "SELECT acte_id FROM conventions WHERE reference = $1", "CDG62-EADM") + at_one(D, "SELECT COUNT(*) FROM actes WHERE folder_id > 0", NULL),
		 0, "… the convention is not transmitted");
	snprintf(path, sizeof path, "/conventions/%lld/parapheur", (long long)cv);
	snprintf(form, sizeof form, "sous_type=%lld&bureau=%lld", (long long)sub, (long long)sec);
	T_EQ_INT(at_form(&S, jar, csrf, path, form, loc), 303, "the agent sends the convention into the parapheur");
	int64_t folder = at_one(D, "SELECT parapheur_dossier FROM conventions WHERE reference = $1", "CDG62-EADM");
	T_OK(folder > 0, "the convention keeps its folder");
	char body[160];
	long st;
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)folder);
	snprintf(body, sizeof body, "{\"action\":\"visa\",\"bureau\":%lld}", (long long)at_one(D, "SELECT id FROM desks WHERE name = $1",
											   "Direction générale des services"));
	json_decref(at_api(&S, tok_dgs, "POST", path, body, &st));
	T_EQ_INT(st, 200, "the DGS visas");
	snprintf(body, sizeof body, "{\"action\":\"signature\",\"bureau\":%lld,\"pin\":\"secret 1234\"}",
		 (long long)at_desk(D, "Présidence"));
	json_decref(at_api(&S, tok_pres, "POST", path, body, &st));
	T_EQ_INT(st, 200, "the présidente signs");

	struct ht_resp r;
	snprintf(path, sizeof path, "/parapheur/dossiers/%lld", (long long)folder);
	page(jar, path, &r);
	snprintf(form, sizeof form, "href=\"/conventions/%lld\"", (long long)cv);
	T_OK(r.status == 200 && r.body.data && strstr(r.body.data, form), "the folder's page links its convention");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld", (long long)cv);
	page(jar, path, &r);
	snprintf(form, sizeof form, "action=\"/conventions/%lld/prefecture\"", (long long)cv);
	T_OK(r.status == 200 && r.body.data && strstr(r.body.data, form) && strstr(r.body.data, "Transmettre à la préfecture"),
	     "the signed convention's page offers « Transmettre à la préfecture »");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld/prefecture", (long long)cv);
	T_EQ_INT(at_form(&S, jar, csrf, path, "matiere=1.4&type_piece=99_DC&date_decision=2024-03-18", loc), 303, "one click");
	int64_t acte = at_one(D, "SELECT acte_id FROM conventions WHERE reference = $1", "CDG62-EADM");
	snprintf(body, sizeof body, "/actes/%lld", (long long)acte);
	T_OK(acte > 0 && strstr(loc, body), "an act is created, the agent lands on its page");
	snprintf(path, sizeof path, "/api/v1/actes/%lld", (long long)acte);
	json_t *a = at_api(&S, tok_agent, "GET", path, NULL, &st);
	T_EQ_INT(json_integer_value(json_object_get(a, "nature")), 4, "nature 4 « Contrats, conventions et avenants »");
	T_EQ_STR(json_string_value(json_object_get(a, "numero")), "C2024_001", "numbered by the « contrat » series (C2024_001)");
	json_t *doc = json_array_get(json_object_get(a, "documents"), 0);
	T_EQ_STR(json_string_value(json_object_get(doc, "origine")), "parapheur", "its document is the parapheur's signed copy");
	char signed_sha[65];
	snprintf(signed_sha, sizeof signed_sha, "%s", json_string_value(json_object_get(doc, "sha256")) ?: "");
	json_decref(a);
	/* at the peer: one act transaction, the act file = the signed copy */
	int found = 0;
	char u[200];
	snprintf(u, sizeof u, "%s/_peer/state", P.url);
	for (int i = 0; i < 200 && !found; i++) {
		ht_request("GET", u, NULL, NULL, 0, NULL, NULL, &r);
		json_t *sj = json_loads(r.body.data ? r.body.data : "", 0, NULL), *v;
		size_t k;
		json_array_foreach(sj, k, v) if (strcmp(json_string_value(json_object_get(v, "number")), "C2024_001") == 0)
			found = strcmp(json_string_value(json_array_get(json_object_get(v, "sha256"), 1)) ?: "", signed_sha) == 0 ? 1 : -1;
		json_decref(sj);
		ht_resp_free(&r);
		if (!found)
			usleep(100000);
	}
	T_EQ_INT(found, 1, "the peer received the act C2024_001 with the signed convention, byte for byte");
	snprintf(path, sizeof path, "/conventions/%lld", (long long)cv);
	page(jar, path, &r);
	T_OK(r.body.data && strstr(r.body.data, "Transmise au contrôle de légalité") && strstr(r.body.data, "C2024_001"),
	     "the convention's page shows its act");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld/prefecture", (long long)cv);
	at_form(&S, jar, csrf, path, "matiere=1.4&type_piece=99_DC&date_decision=2024-03-18", loc);
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM actes WHERE nature = 4 AND folder_id > 0", NULL), 1, "a second transmission is refused");
	at_login(&S, jar, "ccpo.auditeur", csrf);
	T_EQ_INT(at_form(&S, jar, csrf, path, "matiere=1.4", loc), 403, "an auditor may not transmit");

	/* budget follow-up on the CCI avenant: payments, deletions */
	at_login(&S, jar, "ccpo.agent", csrf);
	int64_t av = at_one(D, "SELECT convention_id FROM convention_fiches ORDER BY id LIMIT 1", NULL);
	char sav[32];
	snprintf(sav, sizeof sav, "%lld", (long long)av);
	int64_t line = at_one(D, "SELECT id FROM convention_budget WHERE convention_id = CAST($1 AS BIGINT) AND montant_cents >= 20000 ORDER BY id LIMIT 1", sav);
	char sl[32];
	snprintf(sl, sizeof sl, "%lld", (long long)line);
	int64_t paid0 = at_one(D, "SELECT paye_cents FROM convention_budget WHERE id = CAST($1 AS BIGINT)", sl);
	int64_t total = at_one(D, "SELECT montant_cents FROM convention_budget WHERE id = CAST($1 AS BIGINT)", sl);
	snprintf(path, sizeof path, "/conventions/%lld/budget/%lld/paiement", (long long)av, (long long)line);
	at_form(&S, jar, csrf, path, "montant=100%2C50", loc);
	T_EQ_INT(at_one(D, "SELECT paye_cents FROM convention_budget WHERE id = CAST($1 AS BIGINT)", sl), paid0 + 10050, "a payment of 100,50 € is added to the line's paid amount");
	snprintf(form, sizeof form, "montant=%lld", (long long)(total / 100 + 1));
	at_form(&S, jar, csrf, path, form, loc);
	T_EQ_INT(at_one(D, "SELECT paye_cents FROM convention_budget WHERE id = CAST($1 AS BIGINT)", sl), paid0 + 10050, "a payment beyond what is committed is refused");
	at_form(&S, jar, csrf, path, "montant=-5", loc);
	T_EQ_INT(at_one(D, "SELECT paye_cents FROM convention_budget WHERE id = CAST($1 AS BIGINT)", sl), paid0 + 10050, "a negative payment is refused");
	int64_t fiche = at_one(D, "SELECT id FROM convention_fiches WHERE convention_id = CAST($1 AS BIGINT) ORDER BY id LIMIT 1", sav);
	char sf[32];
	snprintf(sf, sizeof sf, "%lld", (long long)fiche);
	int64_t attached = at_one(D, "SELECT COUNT(*) FROM convention_budget WHERE fiche_id = CAST($1 AS BIGINT)", sf);
	int64_t lines0 = at_one(D, "SELECT COUNT(*) FROM convention_budget WHERE convention_id = CAST($1 AS BIGINT)", sav);
	snprintf(path, sizeof path, "/conventions/%lld/fiches/%lld/supprimer", (long long)av, (long long)fiche);
	at_form(&S, jar, csrf, path, "", loc);
	T_OK(at_one(D, "SELECT COUNT(*) FROM convention_fiches WHERE id = CAST($1 AS BIGINT)", sf) == 0 &&
		     at_one(D, "SELECT COUNT(*) FROM convention_budget WHERE fiche_id = CAST($1 AS BIGINT)", sf) == 0 &&
		     at_one(D, "SELECT COUNT(*) FROM convention_budget WHERE convention_id = CAST($1 AS BIGINT)", sav) == lines0,
	     "an action sheet deleted: its budget lines stay, detached");
	printf("# the sheet had %lld line(s)\n", (long long)attached);
	snprintf(path, sizeof path, "/conventions/%lld/budget/%lld/supprimer", (long long)av, (long long)line);
	at_form(&S, jar, csrf, path, "", loc);
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM convention_budget WHERE convention_id = CAST($1 AS BIGINT)", sav), lines0 - 1, "a budget line deleted");
	snprintf(path, sizeof path, "/conventions/%lld/budget/%lld/supprimer", (long long)cv, (long long)line);
	T_EQ_INT(at_form(&S, jar, csrf, path, "", loc), 303, "a line of another convention: flash, nothing deleted");

	db_close(D);
	peer_stop(&P);
	srv_stop(&S);
	return t_done();
}
