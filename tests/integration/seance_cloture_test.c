/* Second convocation without quorum (CGCT L2121-17 al. 2) and closing a séance, through the real
 * server (both engines), on the demo conseil communautaire (50 titulaires, quorum 26).
 * A past séance with 10 members present: its votes are refused for lack of quorum; the lack of
 * quorum is recorded (refused for a séance to come, and for one whose attendance had the quorum).
 * A second convocation is refused two days later (« trois jours au moins d'intervalle ») and after a
 * séance that had the quorum; four days later it is accepted and takes over the first agenda
 * (points with their documents). With 10 present again, a point of the first agenda is voted without
 * quorum (« réuni sur seconde convocation, sans condition de quorum » in the result, the
 * délibération's history and the PV), a new point is refused quoting the rule. Closing: refused before
 * the séance starts; then the closing time and a proof event (SHA-256 of attendance and votes);
 * attendance, pouvoirs and votes refused with 409 seance.close in French; the élu's page offers no
 * answer and a posted answer changes nothing; the PV says when the séance was levée; reopening:
 * secretary refused, administrator without reason refused, with a reason accepted (event, audit),
 * and attendance is accepted again. The page's « Clore la séance » button. */
#include "apitest.h"
#include "httptest.h"
#include "srvtest.h"
#include "t.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct srv S;
static db *D;
static char tok_sec[80], tok_admin[80];
static char last[100000];
static int64_t ids[50], organe;

/* A JSON API request; the body kept in last, the parsed answer in *out when not NULL. */
static long api(const char *tok, const char *method, const char *path, const char *body, json_t **out)
{
	struct ht_resp r;
	long st = at_raw(&S, tok, method, path, body, &r);
	snprintf(last, sizeof last, "%.*s", (int)r.body.len, r.body.data ? r.body.data : "");
	ht_resp_free(&r);
	if (out)
		*out = json_loads(last, 0, NULL);
	return st;
}

static int64_t new_seance(const char *date, const char *extra)
{
	char body[1024];
	snprintf(body, sizeof body, "{\"organe\":%lld,\"titre\":\"Conseil du %s\",\"date\":\"%s\"%s%s}", (long long)organe, date, date,
		 extra ? "," : "", extra ? extra : "");
	json_t *j;
	int64_t id = api(tok_sec, "POST", "/api/v1/seances", body, &j) == 201 ? json_integer_value(json_object_get(j, "id")) : 0;
	json_decref(j);
	return id;
}

static int64_t new_point(int64_t seance, const char *titre, const char *mat)
{
	char body[512], path[128];
	snprintf(body, sizeof body, "{\"titre\":\"%s\",\"matiere\":\"%s\"}", titre, mat);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/points", (long long)seance);
	json_t *j;
	int64_t id = api(tok_sec, "POST", path, body, &j) == 201 ? json_integer_value(json_object_get(j, "id")) : 0;
	json_decref(j);
	return id;
}

static long presence(int64_t seance, int64_t m, const char *json)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/seances/%lld/presences/%lld", (long long)seance, (long long)m);
	return api(tok_sec, "PUT", path, json, NULL);
}

/* The first n titulaires present. */
static void present(int64_t seance, int n)
{
	for (int k = 0; k < n; k++)
		presence(seance, ids[k], "{\"statut\":\"present\"}");
}

static long vote_all_pour(int64_t seance, int64_t point, int n)
{
	buf b = BUF_INIT;
	buf_printf(&b, "{\"president\":%lld,\"bulletins\":[", (long long)ids[0]);
	for (int k = 0; k < n; k++)
		buf_printf(&b, "%s{\"membre\":%lld,\"choix\":\"pour\"}", k ? "," : "", (long long)ids[k]);
	buf_puts(&b, "]}");
	char path[128];
	snprintf(path, sizeof path, "/api/v1/seances/%lld/points/%lld/vote", (long long)seance, (long long)point);
	long st = api(tok_sec, "POST", path, b.data, NULL);
	buf_free(&b);
	return st;
}

static char *pv_text(int64_t seance)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv.pdf", (long long)seance);
	struct ht_resp r;
	at_raw(&S, tok_sec, "GET", path, NULL, &r);
	char *t = at_pdf_text(r.body.data, r.body.len);
	ht_resp_free(&r);
	return t;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	if (!T_OK(srv_start(&S, NULL) == 0, "server started with the demo"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.secretaire", tok_sec);
	at_token(&S, D, "ccpo.admin", tok_admin);
	organe = at_one(D, "SELECT id FROM organes WHERE name = 'Conseil communautaire' ORDER BY id LIMIT 1", NULL);
	struct err e;
	int rc;
	db_stmt *s = db_query(D, &e, &rc,
			      "SELECT m.id FROM membres m JOIN users u ON u.id = m.user_id WHERE m.organe_id = $1 AND u.login = 'ccpo.elu'", "i", organe);
	int64_t elu = s && rc == DB_ROW ? db_col_int64(s, 0) : 0;
	if (s)
		db_finalize(s);
	s = db_query(D, &e, &rc, "SELECT id FROM membres WHERE organe_id = $1 AND qualite = 'titulaire' AND id <> $2 ORDER BY id", "ii", organe, elu);
	for (int k = 0; s && rc == DB_ROW && k < 49; k++) {
		ids[k] = db_col_int64(s, 0);
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	ids[49] = elu;
	T_OK(ids[48] > 0 && elu > 0, "the demo conseil: 50 titulaires, one of them the demo élu");

	/* The first séance: 10 present of 50, no quorum. */
	int64_t a = new_seance("2025-03-06T18:30", NULL);
	int64_t a1 = new_point(a, "Budget primitif 2025", "7.1"), a2 = new_point(a, "Tarifs des déchèteries", "7.2");
	T_OK(a > 0 && a1 > 0 && a2 > 0, "a past séance with two points");
	char pdf[400];
	snprintf(pdf, sizeof pdf, "%s/budget.pdf", S.data);
	at_pdf(pdf, "Budget primitif 2025", "Le conseil adopte le budget primitif.");
	char out[4096], path[256];
	snprintf(path, sizeof path, "/api/v1/seances/%lld/documents", (long long)a);
	at_sh(out, sizeof out, "curl -s -o /dev/null -w '%%{http_code}' -H 'Authorization: Bearer %s' -F type=principal -F point=%lld -F 'document=@%s' %s",
	      tok_sec, (long long)a1, pdf, srv_url(&S, path));
	T_EQ_STR(out, "201", "point 1's projet uploaded");
	present(a, 10);
	T_EQ_INT(vote_all_pour(a, a1, 10), 422, "10 present of 50: the vote is refused");
	T_OK(strstr(last, "quorum.non_atteint") != NULL, "…for lack of quorum");

	/* Recording the lack of quorum. */
	int64_t future = new_seance("2099-03-06T18:30", NULL);
	new_point(future, "Point à venir", "7.1");
	snprintf(path, sizeof path, "/api/v1/seances/%lld/quorum-manque", (long long)future);
	T_EQ_INT(api(tok_sec, "POST", path, NULL, NULL), 409, "the lack of quorum of a séance to come is refused");
	T_OK(strstr(last, "pas encore eu lieu") != NULL, "…in French");
	int64_t ok = new_seance("2025-02-06T18:30", NULL);
	new_point(ok, "Point délibéré", "7.1");
	present(ok, 30);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/quorum-manque", (long long)ok);
	T_EQ_INT(api(tok_sec, "POST", path, NULL, NULL), 409, "a séance whose attendance had the quorum cannot be recorded without quorum");
	T_OK(strstr(last, "quorum était atteint") != NULL, "…saying so");
	snprintf(path, sizeof path, "/api/v1/seances/%lld/quorum-manque", (long long)a);
	json_t *j;
	T_EQ_INT(api(tok_sec, "POST", path, NULL, &j), 200, "the lack of quorum of the first séance is recorded");
	T_OK(json_is_true(json_object_get(j, "quorum_manque")) && strstr(json_string_value(json_object_get(j, "quorum_manque_regle")), "10 présents"),
	     "…with the count");
	json_decref(j);
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM seance_events WHERE seance_id = $1 AND kind = 'quorum_manque'", a), 1, "…as an event");

	/* Second convocation: too early, after a séance with quorum, then in time. */
	char extra[200];
	snprintf(extra, sizeof extra, "\"seconde_de\":%lld", (long long)a);
	T_EQ_INT(new_seance("2025-03-08T18:30", extra), 0, "a second convocation two days later is refused");
	T_OK(strstr(last, "quorum.sans_quorum") && strstr(last, "moins de trois jours") && strstr(last, "L2121-17"),
	     "…quoting « à trois jours au moins d'intervalle »");
	snprintf(extra, sizeof extra, "\"seconde_de\":%lld", (long long)ok);
	T_EQ_INT(new_seance("2025-03-10T18:30", extra), 0, "a second convocation of a séance that had the quorum is refused");
	T_OK(strstr(last, "avait le quorum") != NULL, "…saying so");
	snprintf(extra, sizeof extra, "\"seconde_de\":%lld,\"reprendre_ordre_du_jour\":true", (long long)a);
	int64_t b = new_seance("2025-03-10T18:30", extra);
	T_OK(b > 0, "four days later the second convocation is accepted");
	snprintf(path, sizeof path, "/api/v1/seances/%lld", (long long)b);
	api(tok_sec, "GET", path, NULL, &j);
	json_t *pts = json_object_get(j, "points");
	T_EQ_INT(json_array_size(pts), 2, "it takes over the first agenda");
	int64_t b1 = json_integer_value(json_object_get(json_array_get(pts, 0), "id"));
	T_EQ_INT(json_integer_value(json_object_get(json_array_get(pts, 0), "origine")), a1, "…each point linked to its origin");
	T_EQ_INT(json_array_size(json_object_get(json_array_get(pts, 0), "documents")), 1, "…with its documents");
	T_EQ_INT(json_integer_value(json_object_get(json_object_get(j, "seconde"), "id")), a, "the séance names the first one");
	json_decref(j);
	int64_t b3 = new_point(b, "Motion nouvelle", "9.1");
	snprintf(path, sizeof path, "/api/v1/seances/%lld/points", (long long)b);
	char body[512];
	snprintf(body, sizeof body, "{\"titre\":\"Autre\",\"origine\":%lld}", (long long)b1);
	T_EQ_INT(api(tok_sec, "POST", path, body, NULL), 400, "a point's origin must be on the first agenda");

	present(b, 10);
	T_EQ_INT(vote_all_pour(b, b1, 10), 201, "with 10 present, a point of the first agenda is voted without quorum");
	snprintf(path, sizeof path, "/api/v1/seances/%lld/points/%lld/vote", (long long)b, (long long)b1);
	api(tok_sec, "GET", path, NULL, &j);
	const char *res = json_string_value(json_object_get(json_object_get(j, "vote"), "resultat"));
	T_OK(res && strstr(res, "réuni sur seconde convocation, sans condition de quorum") && strstr(res, "non requis"),
	     "the result says « réuni sur seconde convocation, sans condition de quorum »");
	int64_t acte = json_integer_value(json_object_get(json_object_get(j, "deliberation"), "acte"));
	json_decref(j);
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM seance_votes WHERE point_id = $1 AND sans_quorum = 1", b1), 1, "the vote is recorded as held without quorum");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM actes_events WHERE acte_id = $1 AND detail LIKE '%seconde convocation%'", acte), 1,
		 "…and the délibération's history says so");
	T_EQ_INT(vote_all_pour(b, b3, 10), 422, "a point that was not on the first agenda still needs the quorum");
	T_OK(strstr(last, "quorum.sans_quorum") && strstr(last, "n'était pas à l'ordre du jour"), "…quoting the rule");
	char *t = pv_text(b);
	T_OK(t && strstr(t, "réuni sur seconde convocation, sans condition de quorum") && strstr(t, "Conseil du 2025-03-06T18:30"),
	     "the PV mentions the second convocation and the first séance");
	free(t);

	/* Closing. */
	snprintf(path, sizeof path, "/api/v1/seances/%lld/cloture", (long long)future);
	T_EQ_INT(api(tok_sec, "POST", path, NULL, NULL), 409, "a séance that has not started cannot be closed");
	T_OK(strstr(last, "seance.cloture") != NULL, "…(seance.cloture)");
	db_run(D, &e, "UPDATE seances SET status = 'convoquee', sent_at = starts_at - 864000 WHERE id = $1", "i", b);  /* as if sent */
	snprintf(path, sizeof path, "/api/v1/seances/%lld/cloture", (long long)b);
	T_EQ_INT(api(tok_sec, "POST", path, NULL, &j), 200, "the secretary closes the séance");
	T_OK(json_is_true(json_object_get(j, "close")) && *json_string_value(json_object_get(j, "close_heure")) &&
		     !strcmp(json_string_value(json_object_get(j, "statut")), "close"),
	     "closed, with its closing time");
	char heure[32];
	snprintf(heure, sizeof heure, "%s", json_string_value(json_object_get(j, "close_heure")));
	json_decref(j);
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM seance_events WHERE seance_id = $1 AND kind = 'cloture' AND detail LIKE '%SHA-256%'", b), 1,
		 "a proof event with the SHA-256 of attendance and votes");
	T_EQ_INT(api(tok_sec, "POST", path, NULL, NULL), 409, "closing twice is refused");
	T_EQ_INT(presence(b, ids[20], "{\"statut\":\"present\"}"), 409, "attendance is refused once closed");
	T_OK(strstr(last, "seance.close") && strstr(last, "a été close le"), "…409 seance.close, in French");
	snprintf(body, sizeof body, "{\"reponse\":\"procuration\",\"mandataire\":%lld}", (long long)ids[0]);
	T_EQ_INT(presence(b, ids[30], body), 409, "a pouvoir is refused once closed");
	T_EQ_INT(vote_all_pour(b, b1, 10), 409, "a vote is refused once closed");
	T_OK(strstr(last, "seance.close") != NULL, "…409 seance.close");
	t = pv_text(b);
	char want[64];
	snprintf(want, sizeof want, "La séance est levée à %s", heure);
	T_OK(t && strstr(t, want), "the PV says when the séance was levée");
	free(t);

	/* The élu: no answer offered, a posted answer changes nothing. */
	char jar[400], csrf[80], loc[256];
	snprintf(jar, sizeof jar, "%s/elu.jar", S.data);
	T_EQ_INT(at_login(&S, jar, "ccpo.elu", csrf), 200, "the élu logs in");
	struct ht_resp r;
	snprintf(path, sizeof path, "/elu/seances/%lld", (long long)b);
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, NULL, jar, &r);
	T_OK(r.status == 200 && r.body.data && strstr(r.body.data, "a été close le") && !strstr(r.body.data, "Enregistrer ma réponse"),
	     "the élu's page says the séance is closed and offers no answer");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/elu/seances/%lld/reponse", (long long)b);
	T_EQ_INT(at_form(&S, jar, csrf, path, "reponse=absent", loc), 303, "a posted answer…");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM presences WHERE seance_id = $1 AND reponse <> ''", b), 0, "…is not recorded");

	/* Reopening. */
	snprintf(path, sizeof path, "/api/v1/seances/%lld/reouverture", (long long)b);
	T_EQ_INT(api(tok_sec, "POST", path, "{\"motif\":\"Erreur de pointage\"}", NULL), 403, "the secretary cannot reopen");
	T_EQ_INT(api(tok_admin, "POST", path, "{}", NULL), 400, "reopening needs a reason");
	T_EQ_INT(api(tok_admin, "POST", path, "{\"motif\":\"Arrivée d'un membre non pointée\"}", &j), 200, "the administrator reopens with a reason");
	T_OK(json_is_false(json_object_get(j, "close")) && !strcmp(json_string_value(json_object_get(j, "statut")), "convoquee"), "open again");
	json_decref(j);
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM seance_events WHERE seance_id = $1 AND kind = 'reouverture' AND detail LIKE '%non pointée%'", b), 1,
		 "a reopening event with the reason");
	char bid[32];
	snprintf(bid, sizeof bid, "%lld", (long long)b);
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM audit_log WHERE action = 'seance.reouverture' AND object = $1", bid), 1, "an audit entry");
	T_EQ_INT(presence(b, ids[20], "{\"statut\":\"present\"}"), 200, "attendance is accepted again");

	/* The page's button. */
	snprintf(jar, sizeof jar, "%s/sec.jar", S.data);
	at_login(&S, jar, "ccpo.secretaire", csrf);
	snprintf(path, sizeof path, "/seances/%lld", (long long)b);
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, NULL, jar, &r);
	T_OK(r.body.data && strstr(r.body.data, "Clore la séance") && strstr(r.body.data, "Seconde convocation de la séance"),
	     "the séance page offers « Clore la séance » and shows the second convocation");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/seances/%lld/cloture", (long long)b);
	T_EQ_INT(at_form(&S, jar, csrf, path, "action=clore", loc), 303, "« Clore la séance » from the page");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM seances WHERE id = $1 AND closed_at > 0", b), 1, "…closes it");
	db_close(D);
	srv_stop(&S);
	return t_done();
}
