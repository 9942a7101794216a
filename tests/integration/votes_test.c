/* Votes of agenda points → délibérations, through the real server (both engines). A past séance of
 * the demo conseil communautaire (50 titulaires): attendance with a suppléant sitting, a pouvoir, a
 * departure after point 2 and fourteen after point 4. Public ballot by name (an incomplete one and a
 * vote by an absent member refused in French), « ne prend pas part » not counted for the quorum, the
 * proxy vote; a tie broken by the président's vote (L2121-20); a secret ballot (totals checked
 * against attendance; rejected, still a délibération); a point whose délibération cannot be made
 * (objet over 499 characters): nothing recorded, no number consumed; a point below quorum and one
 * without matière refused. Each délibération: act of nature 1, objet, date, matière, the point's PDF
 * (or a generated one), numbered 2025_001… without gap; recorded again while a draft: same number;
 * once transmitted: 409. The vote page (form, « tous pour », posted form), the séance page with the
 * links, an audit entry per recorded vote, the auditor reads but cannot vote, a future séance
 * refuses votes. */
#include "apitest.h"
#include "httptest.h"
#include "srvtest.h"
#include "t.h"

#include "identity/identity.h"
#include "store/store.h"
#include "web/pdfdoc.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct srv S;
static db *D;
static char tok_sec[80], tok_agent[80], tok_aud[80];
static int64_t ids[50], supp10;

/* A request with a bearer token; the body is JSON (or a form when ctype says so). Returns the status;
 * *out (may be NULL) the parsed JSON; body text kept in last_body. */
static char last_body[200000];
static long call(const char *tok, const char *method, const char *path, const char *ctype, const char *body, json_t **out)
{
	char auth[128];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
	const char *h[] = { auth, NULL };
	struct ht_resp r;
	ht_request(method, srv_url(&S, path), body ? (ctype ? ctype : "application/json") : NULL, body, body ? strlen(body) : 0, h, NULL, &r);
	snprintf(last_body, sizeof last_body, "%.*s", (int)r.body.len, r.body.data ? r.body.data : "");
	if (out)
		*out = json_loads(last_body, 0, NULL);
	long st = r.status;
	ht_resp_free(&r);
	return st;
}

static int64_t seance, pts[7];
static int raced;   /* recordings of point 4 that succeeded in the race (1 or 2) */

struct race {
	char url[256], body[20000];
	long status;
};

static void *racer(void *arg)
{
	struct race *r = arg;
	char auth[128];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_sec);
	const char *h[] = { auth, NULL };
	struct ht_resp resp;
	ht_request("POST", r->url, "application/json", r->body, strlen(r->body), h, NULL, &resp);
	r->status = resp.status;
	ht_resp_free(&resp);
	return NULL;
}

static size_t discard(char *p, size_t s, size_t n, void *u)
{
	(void)p, (void)u;
	return s * n;
}

static void presence(int64_t m, const char *json)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/seances/%lld/presences/%lld", (long long)seance, (long long)m);
	if (call(tok_sec, "PUT", path, NULL, json, NULL) != 200)
		printf("# presence %lld: %s\n", (long long)m, last_body);
}

/* Builds a public ballot: seats in [0, n) except those listed in skip; choice by the function. */
static char *ballot(int n, const char *(*choice)(int k), const char *proxy_choice, long extra_absent)
{
	static char b[20000];
	size_t len = (size_t)snprintf(b, sizeof b, "{\"president\":%lld,\"bulletins\":[", (long long)ids[0]);
	int first = 1;
	for (int k = 0; k < n; k++) {
		const char *c = choice(k);
		if (!c)
			continue;
		len += (size_t)snprintf(b + len, sizeof b - len, "%s{\"membre\":%lld,\"choix\":\"%s\"}", first ? "" : ",", (long long)ids[k], c);
		first = 0;
	}
	if (proxy_choice)
		len += (size_t)snprintf(b + len, sizeof b - len, ",{\"membre\":%lld,\"pour_compte_de\":%lld,\"choix\":\"%s\"}", (long long)ids[1],
					(long long)ids[30], proxy_choice);
	if (extra_absent)
		len += (size_t)snprintf(b + len, sizeof b - len, ",{\"membre\":%ld,\"choix\":\"pour\"}", extra_absent);
	snprintf(b + len, sizeof b - len, "]}");
	return b;
}

static const char *p1_choice(int k) { return k == 5 ? "contre" : k == 6 ? "abstention" : k == 7 ? "nppv" : "pour"; }
static const char *p1_missing(int k) { return k == 3 ? NULL : p1_choice(k); }
static const char *p1_again(int k) { return k == 6 ? "abstention" : k == 7 ? "nppv" : "pour"; }
static const char *p2_choice(int k) { return k < 14 ? "pour" : k < 28 ? "contre" : "abstention"; }
static const char *all_pour(int k) { (void)k; return "pour"; }

static long vote(int p, const char *body, json_t **out)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/seances/%lld/points/%lld/vote", (long long)seance, (long long)pts[p]);
	return call(tok_sec, "POST", path, NULL, body, out);
}

static const char *deliberation_numero(json_t *v)
{
	return json_string_value(json_object_get(json_object_get(v, "deliberation"), "numero"));
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	if (!T_OK(srv_start(&S, NULL) == 0, "server started with the demo"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.secretaire", tok_sec);
	at_token(&S, D, "ccpo.agent", tok_agent);
	at_token(&S, D, "ccpo.auditeur", tok_aud);
	int64_t organe = at_one_i(D, "SELECT id FROM organes WHERE name = 'Conseil communautaire' AND id > $1", 0);
	struct err e;
	int rc;
	db_stmt *s = db_query(D, &e, &rc, "SELECT id FROM membres WHERE organe_id = $1 AND qualite = 'titulaire' ORDER BY id", "i", organe);
	for (int k = 0; s && rc == DB_ROW && k < 50; k++) {
		ids[k] = db_col_int64(s, 0);
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	supp10 = at_one_i(D, "SELECT id FROM membres WHERE titulaire_id = $1", ids[10]);
	T_OK(ids[49] > 0 && supp10 > 0, "the demo conseil: 50 titulaires and the suppléant of the 11th");

	/* A future séance (the demo's) refuses votes. */
	int64_t fut = at_one_i(D, "SELECT p.id FROM seance_points p JOIN seances s ON s.id = p.seance_id WHERE s.organe_id = $1 ORDER BY p.rank LIMIT 1",
			     organe);
	seance = at_one_i(D, "SELECT seance_id FROM seance_points WHERE id = $1", fut);
	pts[0] = fut;
	json_t *j = NULL;
	T_EQ_INT(vote(0, "{\"bulletins\":[]}", NULL), 422, "the demo séance three weeks ahead refuses votes");
	T_OK(strstr(last_body, "vote.avant_seance") && strstr(last_body, "n'a pas encore eu lieu"), "…saying why, in French");

	/* The past séance and its agenda. */
	char body[4096];
	snprintf(body, sizeof body, "{\"organe\":%lld,\"titre\":\"Conseil communautaire du 12 juin 2025\",\"date\":\"2025-06-12T18:30\",\"lieu\":\"Guînes\"}",
		 (long long)organe);
	T_EQ_INT(call(tok_sec, "POST", "/api/v1/seances", NULL, body, &j), 201, "a past séance");
	seance = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	char longt[700];
	memset(longt, 'x', 520);
	longt[520] = '\0';
	const char *titles[] = { "Budget supplémentaire 2025", "Tarifs de la piscine communautaire", "Désignation au syndicat mixte", longt,
				 "Fonds de concours aux communes", "Motion sans matière" };
	const char *mat[] = { "7.1", "7.2", "5.3", "1.4", "7.5", "" };
	char path[256];
	for (int p = 1; p <= 6; p++) {
		snprintf(body, sizeof body, "{\"titre\":\"%s\",\"matiere\":\"%s\"}", titles[p - 1], mat[p - 1]);
		snprintf(path, sizeof path, "/api/v1/seances/%lld/points", (long long)seance);
		call(tok_sec, "POST", path, NULL, body, &j);
		pts[p] = json_integer_value(json_object_get(j, "id"));
		json_decref(j);
	}
	T_OK(pts[6] > 0, "six points");
	/* The projet of point 1 (PDF), uploaded as its main document. */
	char pdf[400], sha[65];
	snprintf(pdf, sizeof pdf, "%s/budget.pdf", S.data);
	pdfdoc *pd = pdfdoc_new(pdf, "test", &e);
	pdfdoc_title(pd, "Budget supplémentaire 2025");
	pdfdoc_para(pd, "Le conseil adopte la décision modificative n° 1.");
	pdfdoc_finish(pd, &e);
	uint64_t sz;
	store_hash_file(pdf, sha, &sz);
	{
		char url[256], auth[128], pt[32];
		snprintf(url, sizeof url, "%s/api/v1/seances/%lld/documents", S.base, (long long)seance);
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_sec);
		snprintf(pt, sizeof pt, "%lld", (long long)pts[1]);
		CURL *c = curl_easy_init();
		curl_mime *m = curl_mime_init(c);
		curl_mimepart *part = curl_mime_addpart(m);
		curl_mime_name(part, "type");
		curl_mime_data(part, "principal", CURL_ZERO_TERMINATED);
		part = curl_mime_addpart(m);
		curl_mime_name(part, "point");
		curl_mime_data(part, pt, CURL_ZERO_TERMINATED);
		part = curl_mime_addpart(m);
		curl_mime_name(part, "document");
		curl_mime_filedata(part, pdf);
		struct curl_slist *h = curl_slist_append(NULL, auth);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_MIMEPOST, m);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
		long st = 0;
		if (curl_easy_perform(c) == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
		T_EQ_INT(st, 201, "point 1's projet (PDF) uploaded");
		curl_slist_free_all(h);
		curl_mime_free(m);
		curl_easy_cleanup(c);
	}

	/* Attendance: titulaires 1…30 present except the 11th, replaced by his suppléant; the 31st gave
	 * a pouvoir to the 2nd; the 30th leaves after point 2; the 16th…29th after point 4. */
	for (int k = 0; k < 30; k++)
		presence(ids[k], k == 10 ? "{\"statut\":\"absent\"}" : k == 29 ? "{\"statut\":\"present\",\"depart\":2}"
				 : k >= 15 ? "{\"statut\":\"present\",\"depart\":4}" : "{\"statut\":\"present\"}");
	presence(supp10, "{\"statut\":\"present\"}");
	snprintf(body, sizeof body, "{\"reponse\":\"procuration\",\"mandataire\":%lld}", (long long)ids[1]);
	presence(ids[30], body);
	presence(ids[30], "{\"statut\":\"represente\"}");

	/* Point 1: public ballot. */
	T_EQ_INT(vote(1, ballot(30, p1_missing, "pour", 0), NULL), 422, "an incomplete public ballot is refused");
	T_OK(strstr(last_body, "vote.incomplet") && strstr(last_body, "manque"), "…naming the missing vote, in French");
	snprintf(body, sizeof body, "%lld", (long long)ids[40]);
	T_EQ_INT(vote(1, ballot(30, p1_choice, "pour", (long)ids[40]), NULL), 422, "a vote by an absent member is refused");
	T_OK(strstr(last_body, "vote.absent") && strstr(last_body, "n'est pas présent"), "…in French");
	T_EQ_INT(vote(1, ballot(30, p1_choice, NULL, 0), NULL), 422, "the pouvoir's vote is required too");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM seance_votes WHERE point_id = $1", pts[1]), 0, "refused ballots leave nothing");
	T_EQ_INT(vote(1, ballot(30, p1_choice, "pour", 0), &j), 201, "point 1: the public ballot is recorded");
	json_t *v = json_object_get(j, "vote");
	T_OK(json_is_true(json_object_get(v, "adopte")), "adopted");
	T_EQ_INT(json_integer_value(json_object_get(v, "pour")), 28, "28 pour (27 in person, 1 by pouvoir)");
	T_EQ_INT(json_integer_value(json_object_get(v, "contre")) * 100 + json_integer_value(json_object_get(v, "abstention")) * 10 +
			 json_integer_value(json_object_get(v, "nppv")),
		 111, "1 contre, 1 abstention, 1 ne prenant pas part");
	T_EQ_INT(json_integer_value(json_object_get(v, "presents")), 29, "the member not taking part is not counted for the quorum (29 present)");
	T_EQ_STR(deliberation_numero(j), "2025_001", "its délibération is numbered 2025_001");
	int64_t acte1 = json_integer_value(json_object_get(json_object_get(j, "deliberation"), "acte"));
	char *dump = json_dumps(j, 0);
	T_OK(dump && strstr(dump, "\"pour_compte_de_nom\"") && strstr(dump, "(suppléant de"),
	     "bulletins by name, the suppléant named as such");
	free(dump);
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/actes/%lld", (long long)acte1);
	T_EQ_INT(call(tok_agent, "GET", path, NULL, NULL, &j), 200, "the délibération is an act");
	T_EQ_INT(json_integer_value(json_object_get(j, "nature")), 1, "of nature 1 (Délibérations)");
	T_EQ_STR(json_string_value(json_object_get(j, "objet")), "Budget supplémentaire 2025", "objet = the point's title");
	T_EQ_STR(json_string_value(json_object_get(j, "date_decision")), "2025-06-12", "date = the séance's");
	T_EQ_STR(json_string_value(json_object_get(j, "matiere")), "7.1", "matière = the point's");
	T_EQ_STR(json_string_value(json_object_get(j, "etat")), "brouillon", "a draft");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(j, "documents"), 0), "sha256")), sha,
		 "its document is the point's PDF (same SHA-256)");
	json_decref(j);

	/* Point 2: a tie broken by the président's vote. */
	T_EQ_INT(vote(2, ballot(30, p2_choice, "abstention", 0), &j), 201, "point 2: 14 pour, 14 contre");
	v = json_object_get(j, "vote");
	T_OK(json_is_true(json_object_get(v, "adopte")) && json_is_true(json_object_get(v, "voix_preponderante")),
	     "adopted by the président's casting vote (L2121-20)");
	T_OK(strstr(json_string_value(json_object_get(v, "resultat")), "prépondérante") != NULL, "the result says so");
	T_EQ_STR(deliberation_numero(j), "2025_002", "délibération 2025_002 (a generated PDF: the point has none)");
	int64_t acte2 = json_integer_value(json_object_get(json_object_get(j, "deliberation"), "acte"));
	json_decref(j);
	{
		/* The generated document carries the title and the result (pdftotext). */
		snprintf(path, sizeof path, "/api/v1/actes/%lld", (long long)acte2);
		call(tok_agent, "GET", path, NULL, NULL, &j);
		int64_t doc = json_integer_value(json_object_get(json_array_get(json_object_get(j, "documents"), 0), "id"));
		json_decref(j);
		char auth[128], file[400], cmd[600];
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_agent);
		const char *h[] = { auth, NULL };
		snprintf(path, sizeof path, "/api/v1/actes/%lld/documents/%lld", (long long)acte2, (long long)doc);
		struct ht_resp r;
		ht_request("GET", srv_url(&S, path), NULL, NULL, 0, h, NULL, &r);
		snprintf(file, sizeof file, "%s/delib2.pdf", S.data);
		FILE *f = fopen(file, "wb");
		if (f) {
			fwrite(r.body.data ? r.body.data : "", 1, r.body.len, f);
			fclose(f);
		}
		ht_resp_free(&r);
		snprintf(cmd, sizeof cmd, "pdftotext -q %s - | tr '\\n' ' '", file);
		FILE *pp = popen(cmd, "r");
		char text[4096] = "";
		size_t k = pp ? fread(text, 1, sizeof text - 1, pp) : 0;
		text[k] = '\0';
		if (pp)
			pclose(pp);
		T_OK(strstr(text, "Tarifs de la piscine") && strstr(text, "Adopté") && strstr(text, "12 juin 2025"),
		     "point 2 had no PDF: the délibération's generated PDF has the title, the séance's date and the result");
	}

	/* Point 3 (the 30th member has left): secret ballot. */
	snprintf(body, sizeof body, "{\"secret\":true,\"pour\":10,\"contre\":10,\"abstention\":10,\"retires\":[%lld]}", (long long)ids[8]);
	T_EQ_INT(vote(3, body, NULL), 422, "secret totals that do not match attendance are refused");
	T_OK(strstr(last_body, "vote.total") && strstr(last_body, "peuvent s'exprimer"), "…with the count expected");
	snprintf(body, sizeof body, "{\"secret\":true,\"pour\":10,\"contre\":15,\"abstention\":4,\"retires\":[%lld]}", (long long)ids[8]);
	T_EQ_INT(vote(3, body, &j), 201, "point 3: secret ballot, 10 pour, 15 contre, 4 blancs (28 present + 1 pouvoir)");
	v = json_object_get(j, "vote");
	T_OK(json_is_false(json_object_get(v, "adopte")) && json_integer_value(json_object_get(v, "nppv")) == 1, "rejected; 1 not taking part");
	T_EQ_STR(deliberation_numero(j), "2025_003", "a rejected point is still a délibération: 2025_003");
	json_decref(j);

	/* Point 4: its délibération cannot be made (objet over 499 characters): nothing is kept. */
	T_EQ_INT(vote(4, ballot(29, all_pour, "pour", 0), NULL), 422, "point 4: the délibération's rules fail…");
	T_OK(strstr(last_body, "vote.deliberation") != NULL, "…named");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM seance_votes WHERE point_id = $1", pts[4]), 0, "…and the vote is not recorded (same transaction)");
	snprintf(path, sizeof path, "/api/v1/seances/%lld/points/%lld", (long long)seance, (long long)pts[4]);
	call(tok_sec, "PUT", path, NULL, "{\"titre\":\"Adhésion au groupement de commandes\",\"matiere\":\"1.4\"}", NULL);
	{
		/* Title corrected; two secretaries record point 4 at the same instant. */
		static struct race r[2];
		pthread_t th[2];
		for (int k = 0; k < 2; k++) {
			snprintf(r[k].url, sizeof r[k].url, "%s/api/v1/seances/%lld/points/%lld/vote", S.base, (long long)seance, (long long)pts[4]);
			snprintf(r[k].body, sizeof r[k].body, "%s", ballot(29, all_pour, "pour", 0));
			pthread_create(&th[k], NULL, racer, &r[k]);
		}
		for (int k = 0; k < 2; k++)
			pthread_join(th[k], NULL);
		printf("# concurrent recordings of point 4: %ld and %ld\n", r[0].status, r[1].status);
		raced = (r[0].status == 201) + (r[1].status == 201);
		T_OK((r[0].status == 201 || r[0].status == 409) && (r[1].status == 201 || r[1].status == 409) &&
			     (r[0].status == 201 || r[1].status == 201),
		     "two concurrent recordings of point 4: recorded, or the second told to reload (409)");
		T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM seance_deliberations WHERE point_id = $1", pts[4]) * 10 +
				 at_one_i(D, "SELECT COUNT(*) FROM seance_votes WHERE point_id = $1", pts[4]),
			 11, "…one vote and one délibération");
	}
	snprintf(path, sizeof path, "/api/v1/seances/%lld/points/%lld/vote", (long long)seance, (long long)pts[4]);
	T_EQ_INT(call(tok_sec, "GET", path, NULL, NULL, &j), 200, "point 4's vote");
	T_EQ_STR(deliberation_numero(j), "2025_004", "2025_004: the failed attempt consumed no number, the race none either");
	json_decref(j);

	/* Point 5: fourteen left after point 4 → 15 present, quorum 26. Point 6: no matière. */
	T_EQ_INT(vote(5, ballot(15, all_pour, "pour", 0), NULL), 422, "point 5 without quorum is refused");
	T_OK(strstr(last_body, "quorum.non_atteint") && strstr(last_body, "L2121-17"), "…quoting L2121-17");
	T_EQ_INT(vote(6, ballot(15, all_pour, "pour", 0), NULL), 422, "a point without matière is refused");
	T_OK(strstr(last_body, "vote.matiere"), "…asking for the matière");

	/* Recorded again while a draft: same number; once transmitted: refused. */
	T_EQ_INT(vote(1, ballot(30, p1_again, "pour", 0), &j), 201, "point 1 recorded again (correction)");
	T_OK(json_integer_value(json_object_get(json_object_get(j, "vote"), "pour")) == 29 &&
		     json_integer_value(json_object_get(json_object_get(j, "vote"), "contre")) == 0,
	     "the new counts replace the old");
	T_EQ_STR(deliberation_numero(j), "2025_001", "the same délibération, same number");
	json_decref(j);
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM seance_deliberations WHERE seance_id = $1", seance), 4, "4 délibérations for the séance");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM actes WHERE nature = 1 AND annee = 2025 AND id > $1", 0), 4, "4 acts of 2025, none duplicated");
	db_run(D, &e, "UPDATE actes SET state = 'transmis' WHERE id = $1", "i", acte1);
	T_EQ_INT(vote(1, ballot(30, p1_choice, "pour", 0), NULL), 409, "once the délibération is transmitted the vote cannot change");
	T_OK(strstr(last_body, "vote.deliberation_transmise") && strstr(last_body, "2025_001"), "…naming it");

	/* Pages: the vote form (with « tous pour »), a posted form, the séance page with the links. */
	snprintf(path, sizeof path, "/seances/%lld/points/%lld/vote?tous=pour", (long long)seance, (long long)pts[2]);
	T_EQ_INT(call(tok_sec, "GET", path, NULL, NULL, NULL), 200, "the vote page");
	int checked = 0;
	for (const char *p = last_body; (p = strstr(p, "value=\"pour\" checked")); p++)
		checked++;
	T_EQ_INT(checked, 31, "« tous pour »: 30 seats and 1 pouvoir checked pour");
	T_OK(strstr(last_body, "pour le compte de") != NULL, "the proxy line");
	buf f = BUF_INIT;
	buf_printf(&f, "scrutin=public&president=%lld", (long long)ids[0]);
	for (int k = 0; k < 30; k++)
		buf_printf(&f, "&v-%lld=%s", (long long)ids[k], k == 2 ? "contre" : "pour");
	buf_printf(&f, "&p-%lld=pour", (long long)ids[1]);
	snprintf(path, sizeof path, "/seances/%lld/points/%lld/vote", (long long)seance, (long long)pts[2]);
	T_EQ_INT(call(tok_sec, "POST", path, "application/x-www-form-urlencoded", f.data, NULL), 303, "the form records point 2 again");
	buf_reset(&f);
	buf_printf(&f, "scrutin=public&president=%lld&v-%lld=pour", (long long)ids[0], (long long)ids[0]);
	T_EQ_INT(call(tok_sec, "POST", path, "application/x-www-form-urlencoded", f.data, NULL), 422, "an incomplete form is refused");
	T_OK(strstr(last_body, "pas indiqué") && strstr(last_body, "value=\"pour\" checked"), "…re-shown with the error and the choices kept");
	buf_free(&f);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/points/%lld/vote", (long long)seance, (long long)pts[2]);
	T_EQ_INT(call(tok_aud, "GET", path, NULL, NULL, &j), 200, "the auditor reads the vote");
	T_EQ_INT(json_integer_value(json_object_get(json_object_get(j, "vote"), "contre")), 1, "the posted form's vote (1 contre)");
	json_decref(j);
	T_EQ_INT(call(tok_aud, "POST", path, NULL, "{}", NULL), 403, "…but cannot record one");
	snprintf(path, sizeof path, "/seances/%lld", (long long)seance);
	T_EQ_INT(call(tok_sec, "GET", path, NULL, NULL, NULL), 200, "the séance page");
	snprintf(body, sizeof body, "href=\"/actes/%lld\"", (long long)acte1);
	T_OK(strstr(last_body, "2025_001") && strstr(last_body, body) && strstr(last_body, "Adopté"), "shows each point's result and délibération link");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM audit_log WHERE action = 'seance.vote' AND id > $1", 0), 5 + raced,
		 "an audit entry per recorded vote");
	db_close(D);
	srv_stop(&S);
	return t_done();
}
