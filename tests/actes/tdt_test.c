/* @ctes end to end on a real server and the S2LOW test peer: classification fetched through the
 * job queue, an act created (its violations named when wrong), transmitted; the server killed with
 * kill -9 while the peer holds the post's answer, restarted → exactly one transaction at the peer,
 * found again by the act's unique id; AR → acquitté with the prefecture's identifier and date, AR
 * stored; a demande de pièces complémentaires fetched and answered, its AR 3-5 recorded; the
 * cancellation acknowledged (6-2) → annulé; a second act posted once with its transaction number. */
#include "apitest.h"
#include "httptest.h"
#include "identity/identity.h"
#include "peertest.h"
#include "srvtest.h"
#include "t.h"
#include "web/pdfdoc.h"

#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct srv S;
static db *D;
static char tok_agent[80], tok_admin[80], peer[64], pdf[300];
static pid_t peer_pid;

/* An API token for the demo operator (no collectivité: its console). */
static void token_operator(char *out)
{
	char raw[64], h[65];
	identity_random_token(raw);
	snprintf(out, 80, "opl_%s", raw);
	identity_sha256_hex(out, h);
	struct err e;
	db_run(D, &e, "INSERT INTO api_tokens (token_hash, user_id, tenant_id, roles, label, created_at)"
		      " SELECT $1, id, (SELECT id FROM collectivites WHERE siren = '246200364'), 1, 't', 0 FROM users WHERE login = 'cdg.operateur'", "t", h);
}

static json_t *api(const char *tok, const char *method, const char *path, long *status)
{
	return at_api(&S, tok, method, path, NULL, status);
}

static char *run(const char *cmd)
{
	static char out[65536];
	at_sh(out, sizeof out, "%s", cmd);
	return out;
}

/* POST to the peer's control paths; returns the body. */
static char *ctl(const char *what)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "curl -s -X POST '%s/_peer/%s'", peer, what);
	return run(cmd);
}

static json_t *peer_state(void)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "curl -s '%s/_peer/state'", peer);
	return json_loads(run(cmd), 0, NULL);
}

/* Transactions of a type (1 act, 6 cancellation, 8 reply) at the peer, optionally for a number. */
static int peer_count(int type, const char *number, int *last_id)
{
	json_t *a = peer_state(), *v;
	size_t i;
	int n = 0;
	json_array_foreach(a, i, v) {
		if (json_integer_value(json_object_get(v, "type")) != type)
			continue;
		if (number && strcmp(json_string_value(json_object_get(v, "number")), number) != 0)
			continue;
		n++;
		if (last_id)
			*last_id = (int)json_integer_value(json_object_get(v, "id"));
	}
	json_decref(a);
	return n;
}

static json_t *acte(int64_t id)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/actes/%lld", (long long)id);
	return api(tok_agent, "GET", path, NULL);
}

/* Waits (≤ 20 s) until the act's field equals want. */
static int wait_field(int64_t id, const char *field, const char *want)
{
	for (int i = 0; i < 600; i++) {
		json_t *a = acte(id);
		const char *v = json_string_value(json_object_get(a, field));
		int ok = v && strcmp(v, want) == 0;
		json_decref(a);
		if (ok)
			return 1;
		usleep(100000);
	}
	char why[160];
	snprintf(why, sizeof why, "act %lld: %s never became %s", (long long)id, field, want);
	srv_diagnose(&S, why);
	return 0;
}

static int64_t create(const char *numero, const char *extra_type, char *body_out, size_t n)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
		 "curl -s -H 'Authorization: Bearer %s' -F 'acte={\"numero\":\"%s\",\"nature\":4,\"objet\":\"Convention de mise à disposition\","
		 "\"date_decision\":\"2024-03-18\",\"matiere\":\"1.4\",\"type_piece\":\"99_DC\",\"types_annexes\":[\"%s\"]}'"
		 " -F 'document=@%s;filename=convention.pdf' -F 'annexe=@%s;filename=annexe.pdf' %s",
		 tok_agent, numero, extra_type, pdf, pdf, srv_url(&S, "/api/v1/actes"));
	char *out = run(cmd);
	if (body_out) {
		size_t k = strnlen(out, n - 1);
		memcpy(body_out, out, k);
		body_out[k] = '\0';
	}
	json_t *j = json_loads(out, 0, NULL);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	return id;
}

static int start_peer(const char *build, const char *shared, int port)
{
	char classif[512], log[400];
	snprintf(classif, sizeof classif, "%s/specs/actes/samples/pastell/classification-exemple.xml", shared);
	snprintf(log, sizeof log, "%s/peer.log", S.data);
	const char *args[] = { "--classification", classif, "--delay-create", "1500", NULL };
	struct peer p;
	int rc = peer_start(&p, build, log, port, args);
	snprintf(peer, sizeof peer, "%s", p.url);
	peer_pid = p.pid;
	return rc;
}

int main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build/rel";
	const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	setenv("OPALE_JOBS_POLL_MS", "200", 1);
	setenv("OPALE_TDT_POLL", "1", 1);
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	if (!T_OK(start_peer(build, shared, 0) == 0, "S2LOW test peer starts")) {
		srv_stop(&S);
		return t_done();
	}
	/* the collectivité's TdT is the peer; restart the server so it reads nothing stale */
	printf("# data %s\n", S.data);
	D = srv_db(&S);
	struct err e;
	db_run(D, &e, "UPDATE actes_settings SET tdt_url = $1", "t", peer);
	at_token(&S, D, "ccpo.agent", tok_agent);
	/* the demo's séance délibérations were sent to its test prefecture and acknowledged (demo step
	 * 80-actes-prefecture): the operator's counts below start from them */
	const long demo_sent = (long)at_one(D, "SELECT COUNT(*) FROM actes WHERE state <> 'brouillon'", NULL);
	at_token(&S, D, "ccpo.admin", tok_admin);
	snprintf(pdf, sizeof pdf, "%s/convention.pdf", S.data);
	at_pdf(pdf, "Convention de mise à disposition", "Entre la Communauté de Communes Pays d'Opale et le CDG 62.");

	long st;
	json_t *j = api(tok_agent, "GET", "/api/v1/actes", &st);
	T_EQ_INT(st, 200, "the agent lists the acts");
	{
		/* the demo's two acts, and the délibérations of its past séance (src/seance/demo.c) */
		struct err qe;
		int qrc;
		db_stmt *q = db_query(D, &qe, &qrc, "SELECT COUNT(*) FROM actes", "");
		long n = q && qrc == DB_ROW ? (long)db_col_int64(q, 0) : -1;
		if (q)
			db_finalize(q);
		T_OK(n >= 2 && (long)json_array_size(json_object_get(j, "actes")) == n, "the demo's acts are listed");
	}
	json_decref(j);
	j = api(tok_agent, "POST", "/api/v1/actes/classification/demande", &st);
	T_EQ_INT(st, 403, "only an administrator asks the TdT for the classification");
	json_decref(j);
	j = api(tok_admin, "POST", "/api/v1/actes/classification/demande", &st);
	T_EQ_INT(st, 202, "the administrator asks for the classification");
	json_decref(j);
	int got = 0;
	for (int i = 0; i < 600 && !got; i++) {
		j = api(tok_agent, "GET", "/api/v1/actes/classification", NULL);
		got = json_string_value(json_object_get(j, "date")) && strcmp(json_string_value(json_object_get(j, "date")), "2019-03-01") == 0;
		if (got) {
			int has14 = 0;
			size_t k;
			json_t *m;
			json_array_foreach(json_object_get(j, "matieres"), k, m) has14 |= strcmp(json_string_value(json_object_get(m, "code")), "1.4") == 0;
			T_OK(has14, "the matière picker offers 1.4 from the fetched classification");
		}
		json_decref(j);
		if (!got)
			usleep(100000);
	}
	T_OK(got, "the classification of 2019-03-01 is fetched from the TdT through the job queue");

	char body[4096], cmd0[2048];
	T_EQ_INT(create("2024-12", "11_AE", body, sizeof body), 0, "a number with '-' is refused");
	T_OK(strstr(body, "actes.numero") != NULL, "… and the violation is named (actes.numero)");
	T_EQ_INT(create("2024_52", "99_AU", body, sizeof body), 0, "a piece type outside the nature's typology is refused");
	T_OK(strstr(body, "actes.type_piece") != NULL, "… named actes.type_piece");
	int64_t id = create("2024_51", "11_AE", body, sizeof body);
	T_OK(id > 0, "act 2024_51 created with its annex");
	if (!id)
		printf("# %s\n", body);
	T_EQ_INT(create("2024_51", "11_AE", body, sizeof body), 0, "the same number again the same year is refused");
	T_OK(strstr(body, "actes.numero_existe") != NULL, "… 409 actes.numero_existe");
	json_t *a = acte(id);
	T_EQ_STR(json_string_value(json_object_get(a, "etat")), "brouillon", "a new act is a draft");
	T_EQ_STR(json_string_value(json_object_get(a, "classification_date")), "2019-03-01", "it keeps the classification version it used");
	json_decref(a);

	/* transmit; kill -9 while the peer holds its answer to the post */
	char path[128];
	snprintf(path, sizeof path, "/api/v1/actes/%lld/transmettre", (long long)id);
	j = api(tok_agent, "POST", path, &st);
	T_EQ_INT(st, 202, "transmission queued");
	T_EQ_STR(json_string_value(json_object_get(j, "etat")), "en_attente", "the act waits for the TdT");
	json_decref(j);
	j = api(tok_agent, "POST", path, &st);
	T_EQ_INT(st, 409, "a second « Transmettre » is refused");
	json_decref(j);
	/* the peer is single-threaded and holds its answer 1.5 s: wait until our post has begun (state
	 * "envoi", committed before the post), give it 300 ms to reach the peer, then kill */
	int seen = 0;
	for (int i = 0; i < 600 && !seen; i++) {
		int rc;
		db_stmt *q = db_query(D, &e, &rc, "SELECT COUNT(*) FROM actes_transmissions WHERE state = 'envoi'", "");
		seen = q && rc == DB_ROW && db_col_int64(q, 0) == 1;
		if (q)
			db_finalize(q);
		if (!seen)
			usleep(10000);
	}
	T_OK(seen, "the post has begun");
	usleep(300000);
	kill(S.pid, SIGKILL);
	waitpid(S.pid, NULL, 0);
	S.pid = 0;
	T_OK(srv_restart(&S, NULL) == 0, "server restarted after kill -9 mid-transmission");
	/* the job's lease (20 s) runs out, the retry finds the transaction by its unique id */
	int found = 0;
	for (int i = 0; i < 600 && !found; i++) {
		a = acte(id);
		json_t *tx = json_array_get(json_object_get(a, "transmissions"), 0);
		found = tx && strcmp(json_string_value(json_object_get(tx, "etat")), "poste") == 0;
		json_decref(a);
		if (!found)
			usleep(100000);
	}
	T_OK(found, "after restart the transmission is recorded as posted");
	int tdt = 0;
	T_EQ_INT(peer_count(1, "2024_51", &tdt), 1, "exactly one transaction at the peer for act 2024_51");

	char c[64];
	snprintf(c, sizeof c, "transmettre?id=%d", tdt);
	ctl(c);
	T_OK(wait_field(id, "etat", "transmis"), "state transmis polled from the TdT");
	snprintf(c, sizeof c, "ar?id=%d", tdt);
	ctl(c);
	T_OK(wait_field(id, "etat", "acquitte"), "AR received: acquitté");
	a = acte(id);
	const char *ida = json_string_value(json_object_get(a, "id_acte"));
	T_OK(ida && strstr(ida, "062-246200364-20240318-2024_51-CC") == ida, "the prefecture's identifier is kept");
	T_OK(json_string_value(json_object_get(a, "date_ar")) && strlen(json_string_value(json_object_get(a, "date_ar"))) == 10,
	     "with the reception date");
	int ar_doc = 0, ar_msg = 0;
	size_t k;
	json_t *v;
	json_array_foreach(json_object_get(a, "documents"), k, v) ar_doc |= strcmp(json_string_value(json_object_get(v, "role")), "ar") == 0;
	json_array_foreach(json_object_get(a, "messages"), k, v) ar_msg |= strcmp(json_string_value(json_object_get(v, "code")), "1-2") == 0;
	T_OK(ar_doc && ar_msg, "the AR XML is stored and listed as message 1-2");
	int64_t v1 = 0, v2 = 0;
	json_array_foreach(json_object_get(a, "documents"), k, v) {
		if (strcmp(json_string_value(json_object_get(v, "role")), "acte") != 0)
			continue;
		if (json_integer_value(json_object_get(v, "version")) == 1)
			v1 = json_integer_value(json_object_get(v, "id"));
		if (json_integer_value(json_object_get(v, "version")) == 2)
			v2 = json_integer_value(json_object_get(v, "id"));
	}
	json_decref(a);
	T_OK(v1 && v2, "the stamped copy is stored as version 2 of the act's document");
	char f1[400], f2[400];
	snprintf(f1, sizeof f1, "%s/v1.pdf", S.data);
	snprintf(f2, sizeof f2, "%s/v2.pdf", S.data);
	snprintf(cmd0, sizeof cmd0, "curl -s -H 'Authorization: Bearer %s' -o %s %s", tok_agent, f1, srv_url(&S, ""));
	snprintf(cmd0 + strlen(cmd0), sizeof cmd0 - strlen(cmd0), "/api/v1/actes/%lld/documents/%lld", (long long)id, (long long)v1);
	run(cmd0);
	snprintf(cmd0, sizeof cmd0, "curl -s -H 'Authorization: Bearer %s' -o %s %s", tok_agent, f2, srv_url(&S, ""));
	snprintf(cmd0 + strlen(cmd0), sizeof cmd0 - strlen(cmd0), "/api/v1/actes/%lld/documents/%lld", (long long)id, (long long)v2);
	run(cmd0);
	snprintf(cmd0, sizeof cmd0, "pdftotext %s - | tr -s ' \\n' ' '", f2);
	char *txt = run(cmd0);
	T_OK(strstr(txt, "Accusé de réception en préfecture") != NULL, "pdftotext reads « Accusé de réception en préfecture » on the stamped copy");
	T_OK(strstr(txt, "062-246200364-20240318-2024_51-CC") != NULL, "… with the prefecture's identifier");
	T_OK(strstr(txt, "Reçu en préfecture le") != NULL && strstr(txt, "Télétransmis le") != NULL, "… and both dates");
	snprintf(cmd0, sizeof cmd0, "qpdf --check %s >/dev/null 2>&1 && echo OK", f2);
	T_OK(strncmp(run(cmd0), "OK", 2) == 0, "qpdf --check accepts the stamped copy");
	snprintf(cmd0, sizeof cmd0, "n=$(stat -c %%s %s); cmp -n $n %s %s && echo PREFIX", f1, f1, f2);
	T_OK(strstr(run(cmd0), "PREFIX") != NULL, "the stamp is an incremental update: the posted PDF is an exact prefix (a signature on it stays valid)");

	/* pages */
	char auth[128];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_agent);
	const char *hh[] = { auth, NULL };
	struct ht_resp hr;
	ht_request("GET", srv_url(&S, "/actes?etat=acquitte"), NULL, NULL, 0, hh, NULL, &hr);
	T_OK(hr.status == 200 && strstr(hr.body.data, "2024_51") && !strstr(hr.body.data, "2024_041"), "the acts page lists and filters by state");
	ht_resp_free(&hr);
	ht_request("GET", srv_url(&S, "/actes/nouveau"), NULL, NULL, 0, hh, NULL, &hr);
	T_OK(hr.status == 200 && strstr(hr.body.data, "value=\"1.4\""), "the creation form offers the classification's matières");
	ht_resp_free(&hr);
	snprintf(path, sizeof path, "/actes/%lld", (long long)id);
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, hh, NULL, &hr);
	T_OK(hr.status == 200 && strstr(hr.body.data, "062-246200364-20240318-2024_51-CC") && strstr(hr.body.data, "/annuler"),
	     "the act's page shows the identifier and the cancel button");
	ht_resp_free(&hr);

	/* a demande de pièces complémentaires, answered */
	snprintf(c, sizeof c, "courrier?id=%d&type=3&texte=Budget", tdt);
	ctl(c);
	int64_t letter = 0;
	for (int i = 0; i < 600 && !letter; i++) {
		j = api(tok_agent, "GET", "/api/v1/actes/courriers", NULL);
		json_array_foreach(json_object_get(j, "courriers"), k, v) if (strcmp(json_string_value(json_object_get(v, "code")), "3-1") == 0 &&
									  strcmp(json_string_value(json_object_get(v, "reponse")), "a_repondre") == 0)
			letter = json_integer_value(json_object_get(v, "id"));
		json_decref(j);
		if (!letter)
			usleep(100000);
	}
	if (!T_OK(letter > 0, "the demande de pièces complémentaires (3-1) is fetched, waiting for an answer"))
		srv_diagnose(&S, "letter 3-1 not fetched");
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "curl -s -w ' %%{http_code}' -H 'Authorization: Bearer %s' -F envoi=reponse -F 'document=@%s' %s",
		 tok_agent, pdf, srv_url(&S, ""));
	snprintf(path, sizeof path, "/api/v1/actes/messages/%lld/reponse", (long long)letter);
	strcat(cmd, path);
	char *ans = run(cmd);
	T_OK(strstr(ans, " 202") != NULL, "the agent answers with the pieces");
	if (!strstr(ans, " 202"))
		printf("# %s\n", ans);
	int reply = 0;
	for (int i = 0; i < 600 && !peer_count(8, NULL, &reply); i++)
		usleep(100000);
	T_OK(reply > 0, "the reply (3-4) reaches the peer");
	snprintf(c, sizeof c, "ar_reponse?id=%d", reply);
	ctl(c);
	int ar35 = 0;
	for (int i = 0; i < 600 && !ar35; i++) {
		a = acte(id);
		json_array_foreach(json_object_get(a, "messages"), k, v) ar35 |= strcmp(json_string_value(json_object_get(v, "code")), "3-5") == 0;
		json_decref(a);
		if (!ar35)
			usleep(100000);
	}
	T_OK(ar35, "its acknowledgement 3-5 is recorded");

	/* cancellation */
	snprintf(path, sizeof path, "/api/v1/actes/%lld/annuler", (long long)id);
	j = api(tok_agent, "POST", path, &st);
	T_EQ_INT(st, 202, "cancellation queued");
	json_decref(j);
	int cancel = 0;
	for (int i = 0; i < 600 && !peer_count(6, NULL, &cancel); i++)
		usleep(100000);
	T_OK(cancel > 0, "the cancellation (6-1) reaches the peer");
	snprintf(c, sizeof c, "ar_annulation?id=%d", cancel);
	ctl(c);
	T_OK(wait_field(id, "etat", "annule"), "ARAnnulation (6-2): the act is annulé");

	/* a second act, no crash: posted once, with its transaction number */
	int64_t id2 = create("2024_53", "11_AE", body, sizeof body);
	snprintf(path, sizeof path, "/api/v1/actes/%lld/transmettre", (long long)id2);
	j = api(tok_agent, "POST", path, &st);
	json_decref(j);
	found = 0;
	for (int i = 0; i < 600 && !found; i++) {
		a = acte(id2);
		json_t *tx = json_array_get(json_object_get(a, "transmissions"), 0);
		found = tx && *json_string_value(json_object_get(tx, "id_tdt"));
		json_decref(a);
		if (!found)
			usleep(100000);
	}
	T_OK(found, "a second act is posted and its transaction number recorded");
	T_EQ_INT(peer_count(1, "2024_53", NULL), 1, "exactly once");
	/* the TdT down: the post fails and is retried with back-off; back up, the act goes once */
	kill(peer_pid, SIGTERM);
	waitpid(peer_pid, NULL, 0);
	int64_t id3 = create("2024_54", "11_AE", body, sizeof body);
	snprintf(path, sizeof path, "/api/v1/actes/%lld/transmettre", (long long)id3);
	j = api(tok_agent, "POST", path, &st);
	json_decref(j);
	int failed = 0;
	for (int i = 0; i < 100 && !failed; i++) {
		int rc;
		db_stmt *q = db_query(D, &e, &rc, "SELECT COUNT(*) FROM jobs WHERE kind = 'actes.envoi' AND state = 'queued' AND last_error LIKE '%injoignable%'", "");
		failed = q && rc == DB_ROW && db_col_int64(q, 0) > 0;
		if (q)
			db_finalize(q);
		if (!failed)
			usleep(100000);
	}
	T_OK(failed, "with the TdT down the post fails and waits for a retry (« injoignable »)");
	a = acte(id3);
	T_EQ_STR(json_string_value(json_object_get(a, "etat")), "en_attente", "the act stays « en attente »");
	json_decref(a);
	int port = atoi(strrchr(peer, ':') + 1);
	T_OK(start_peer(build, shared, port) == 0, "the TdT is back on the same address");
	found = 0;
	for (int i = 0; i < 300 && !found; i++) {
		a = acte(id3);
		json_t *tx = json_array_get(json_object_get(a, "transmissions"), 0);
		found = tx && *json_string_value(json_object_get(tx, "id_tdt"));
		json_decref(a);
		if (!found)
			usleep(100000);
	}
	T_OK(found, "the retry posts the act once the TdT answers again");
	T_EQ_INT(peer_count(1, "2024_54", NULL), 1, "exactly once");
	char tok_op[80];
	token_operator(tok_op);
	j = api(tok_op, "GET", "/api/v1/operateur/actes", &st);
	json_t *ccpo = NULL;
	json_array_foreach(json_object_get(j, "collectivites"), k, v) if (strcmp(json_string_value(json_object_get(v, "siren")), "246200364") == 0) ccpo = v;
	T_OK(st == 200 && ccpo && json_integer_value(json_object_get(ccpo, "transmis")) == demo_sent + 3 &&
	     json_integer_value(json_object_get(ccpo, "acquittes")) == demo_sent + 1 && json_integer_value(json_object_get(ccpo, "en_erreur")) == 0,
	     "the operator's view counts the CCPO's acts: the demo's acknowledged ones + 3 sent, 1 acknowledged (then cancelled), none in error");
	T_EQ_INT(demo_sent, 5, "(the demo's five séance délibérations, acknowledged)");
	json_decref(j);
	j = api(tok_agent, "GET", "/api/v1/operateur/actes", &st);
	T_EQ_INT(st, 403, "… and is the operator's only");
	json_decref(j);
	j = api(tok_agent, "GET", "/api/v1/actes?etat=annule", NULL);
	T_EQ_INT((long)json_array_size(json_object_get(j, "actes")), 1, "the list filters by state");
	json_decref(j);
	kill(peer_pid, SIGTERM);
	waitpid(peer_pid, NULL, 0);
	db_close(D);
	srv_stop(&S);
	return t_done();
}
