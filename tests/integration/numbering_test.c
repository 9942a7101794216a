/* Act numbering under concurrent use, through the real server (POST /api/v1/actes without
 * « numero »): the admin sets the arrêtés' pattern (API; a bad pattern refused in French); a
 * hand-numbered act takes T2025_0001, so the allocator skips it; then 2 client threads × 500 act
 * creations against one server → 1 000 distinct consecutive numbers (2…1001). On PostgreSQL, again
 * 2 × 500 through two `opale serve` nodes sharing the database → 1002…2001. Each act's number is read
 * back from the database: one per act, none twice. */
#include "apitest.h"
#include "dbtest.h"
#include "httptest.h"
#include "srvtest.h"
#include "t.h"

#include "identity/identity.h"
#include "web/pdfdoc.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct srv S;
static db *D;
static char tok_agent[80], tok_admin[80], pdf[400];
static char *pdf_bytes;
static size_t pdf_len;

static size_t sink(char *p, size_t s, size_t n, void *u)
{
	buf *b = u;
	buf_add(b, p, s * n);
	return s * n;
}

/* Creates an act (numero NULL: from the allocator); returns the HTTP status, the number in numero. */
static long create(CURL *c, const char *base, const char *numero, char out_numero[32])
{
	char meta[512], url[256], auth[128];
	snprintf(meta, sizeof meta,
		 "{%s%s%s\"nature\":3,\"objet\":\"Arrêté de voirie\",\"date_decision\":\"2025-06-02\",\"matiere\":\"2.1\","
		 "\"type_piece\":\"99_AI\"}",
		 numero ? "\"numero\":\"" : "", numero ? numero : "", numero ? "\"," : "");
	snprintf(url, sizeof url, "%s/api/v1/actes", base);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_agent);
	curl_mime *m = curl_mime_init(c);
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, "acte");
	curl_mime_data(p, meta, CURL_ZERO_TERMINATED);
	/* A distinct document per act (a comment after %%EOF): acts sharing one blob would be serialised
	 * by the store's row for that blob, and the test would not see a racy allocator. */
	static _Atomic long serial;
	char tail[64];
	int tl = snprintf(tail, sizeof tail, "%% acte %ld\n", ++serial);
	char *bytes = malloc(pdf_len + (size_t)tl);
	memcpy(bytes, pdf_bytes, pdf_len);
	memcpy(bytes + pdf_len, tail, (size_t)tl);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "document");
	curl_mime_data(p, bytes, pdf_len + (size_t)tl);
	curl_mime_filename(p, "arrete.pdf");
	curl_mime_type(p, "application/pdf");
	free(bytes);
	struct curl_slist *h = curl_slist_append(NULL, auth);
	buf body = BUF_INIT;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	out_numero[0] = '\0';
	json_t *j = json_loadb(body.data ? body.data : "", body.len, 0, NULL);
	const char *n = json_string_value(json_object_get(j, "numero"));
	if (n)
		snprintf(out_numero, 32, "%s", n);
	if (status != 201)
		fprintf(stderr, "# %ld %.*s\n", status, (int)body.len, body.data ? body.data : "");
	json_decref(j);
	buf_free(&body);
	curl_slist_free_all(h);
	curl_mime_free(m);
	return status;
}

#define PER 500
struct client {
	const char *base;
	int numbers[PER];
	int ok;
};

static void *client(void *arg)
{
	struct client *cl = arg;
	CURL *c = curl_easy_init();
	for (int i = 0; i < PER; i++) {
		char n[32];
		long st = 0;
		for (int tries = 0; tries < 20; tries++) {   /* 503 db.busy: a client tries again */
			st = create(c, cl->base, NULL, n);
			if (st != 503)
				break;
			usleep(20000);
		}
		if (st == 201 && strncmp(n, "T2025_", 6) == 0)
			cl->numbers[cl->ok++] = atoi(n + 6);
	}
	curl_easy_cleanup(c);
	return NULL;
}

/* Runs two clients (against base1 and base2) and checks their numbers are exactly from..from+999. */
static void round_of(const char *base1, const char *base2, int from, const char *what)
{
	static struct client cl[2];
	memset(cl, 0, sizeof cl);
	cl[0].base = base1;
	cl[1].base = base2;
	pthread_t th[2];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int k = 0; k < 2; k++)
		pthread_create(&th[k], NULL, client, &cl[k]);
	for (int k = 0; k < 2; k++)
		pthread_join(th[k], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# %s: 1000 creations in %.1f s\n", what, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	char msg[300];
	snprintf(msg, sizeof msg, "%s: 2 × 500 creations all accepted (201)", what);
	T_EQ_INT(cl[0].ok + cl[1].ok, 2 * PER, msg);
	static char seen[4000];
	memset(seen, 0, sizeof seen);
	int dup = 0, out = 0, lo = 1 << 30, hi = 0;
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < cl[k].ok; i++) {
			int v = cl[k].numbers[i];
			if (v < from || v >= from + 2 * PER) {
				out++;
				continue;
			}
			dup += seen[v]++ > 0;
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	snprintf(msg, sizeof msg, "%s: no number given twice", what);
	T_EQ_INT(dup, 0, msg);
	snprintf(msg, sizeof msg, "%s: the numbers are exactly T2025_%04d … T2025_%04d (no gap)", what, from, from + 2 * PER - 1);
	T_OK(out == 0 && lo == from && hi == from + 2 * PER - 1, msg);
	if (out || lo != from || hi != from + 2 * PER - 1)
		printf("#   %d outside, lowest %d, highest %d\n", out, lo, hi);
	snprintf(msg, sizeof msg, "%s: both clients were served concurrently (%d and %d)", what, cl[0].ok, cl[1].ok);
	T_OK(cl[0].ok > 0 && cl[1].ok > 0, msg);
}

static long put_pattern(const char *body, buf *out)
{
	char auth[128];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_admin);
	const char *h[] = { auth, NULL };
	struct ht_resp r;
	ht_request("PUT", srv_url(&S, "/api/v1/numerotation"), "application/json", body, strlen(body), h, NULL, &r);
	if (out)
		buf_add(out, r.body.data ? r.body.data : "", r.body.len);
	long st = r.status;
	ht_resp_free(&r);
	return st;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	if (!T_OK(srv_start(&S, NULL) == 0, "server started with the demo"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.agent", tok_agent);
	at_token(&S, D, "ccpo.admin", tok_admin);
	struct err e;
	snprintf(pdf, sizeof pdf, "%s/arrete.pdf", S.data);
	pdfdoc *p = pdfdoc_new(pdf, "test", &e);
	pdfdoc_title(p, "Arrêté de voirie");
	pdfdoc_para(p, "Circulation alternée rue de la Gare.");
	T_OK(pdfdoc_finish(p, &e) == 0, "a PDF for the acts");
	buf pb = BUF_INIT;
	buf_read_file(&pb, pdf, 1 << 20);
	pdf_len = pb.len;
	pdf_bytes = buf_detach(&pb);

	buf b = BUF_INIT;
	T_EQ_INT(put_pattern("{\"serie\":\"arrete\",\"motif\":\"T{YYYY}-{N:4}\"}", &b), 400, "a bad pattern is refused");
	T_OK(b.data && strstr(b.data, "numbering.motif") && strstr(b.data, "caractère"), "…with the rule, in French");
	b.len = 0;
	T_EQ_INT(put_pattern("{\"serie\":\"arrete\",\"motif\":\"T{YYYY}_{N:4}\"}", &b), 200, "the admin sets the arrêtés' pattern");
	T_OK(b.data && strstr(b.data, "T{YYYY}_{N:4}"), "…and reads it back");
	buf_free(&b);
	{
		char auth[128];
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_agent);
		const char *h[] = { auth, NULL };
		struct ht_resp r;
		ht_request("PUT", srv_url(&S, "/api/v1/numerotation"), "application/json", "{}", 2, h, NULL, &r);
		T_EQ_INT(r.status, 403, "an agent cannot change the pattern");
		ht_resp_free(&r);
	}

	{
		/* The same setting on the administration page (a field per series). */
		char auth[128];
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_admin);
		const char *h[] = { auth, NULL };
		struct ht_resp r;
		ht_request("GET", srv_url(&S, "/administration"), NULL, NULL, 0, h, NULL, &r);
		T_OK(r.status == 200 && r.body.data && strstr(r.body.data, "Numérotation des actes") && strstr(r.body.data, "value=\"T{YYYY}_{N:4}\""),
		     "the administration page shows the arrêtés' pattern in its field");
		ht_resp_free(&r);
		const char *bad = "serie=deliberation&motif=%7BYYYY%7D_%7BN%3A3%7D_";
		ht_request("POST", srv_url(&S, "/administration/numerotation"), "application/x-www-form-urlencoded", bad, strlen(bad), h, NULL, &r);
		T_OK(r.status == 400 && r.body.data && strstr(r.body.data, "Motif de numérotation refusé") && strstr(r.body.data, "commencer ni finir"),
		     "the page refuses a pattern ending with _, in French");
		ht_resp_free(&r);
		const char *good = "serie=contrat&motif=CONV%7BYY%7D_%7BN%3A4%7D";
		ht_request("POST", srv_url(&S, "/administration/numerotation"), "application/x-www-form-urlencoded", good, strlen(good), h, NULL, &r);
		T_EQ_INT(r.status, 303, "the page saves the contrats' pattern");
		ht_resp_free(&r);
		T_EQ_INT(dbtest_int(D, "SELECT COUNT(*) FROM numbering_patterns WHERE series = 'contrat' AND pattern = 'CONV{YY}_{N:4}'"), 1, "…stored");
		T_EQ_INT(dbtest_int(D, "SELECT COUNT(*) FROM audit_log WHERE action = 'numerotation.motif'"), 2, "both changes are in the audit log");
	}

	CURL *c = curl_easy_init();
	char n[32];
	T_EQ_INT(create(c, S.base, "T2025_0001", n), 201, "a hand-numbered act takes T2025_0001");
	T_EQ_INT(create(c, S.base, "T2025_0001", n), 409, "the same number by hand again: 409");
	curl_easy_cleanup(c);

	round_of(S.base, S.base, 2, "one server, two clients");
	T_EQ_INT(dbtest_int(D, "SELECT COUNT(DISTINCT numero) FROM actes WHERE numero LIKE 'T2025%'"), 2 * PER + 1,
		 "1 001 acts in the database, 1 001 distinct numbers");

	const char *eng = getenv("OPALE_TEST_DB");
	if (eng && strcmp(eng, "pg") == 0) {
		struct srv s2 = S;
		snprintf(s2.base, sizeof s2.base, "http://127.0.0.1:%d", ht_free_port());
		if (T_OK(srv_restart(&s2, NULL) == 0, "a second node on the same PostgreSQL and data directory")) {
			round_of(S.base, s2.base, 2 * PER + 2, "two nodes, one client each");
			kill(s2.pid, SIGTERM);
			int st;
			waitpid(s2.pid, &st, 0);
		}
		T_EQ_INT(dbtest_int(D, "SELECT COUNT(DISTINCT numero) FROM actes WHERE numero LIKE 'T2025%'"), 4 * PER + 1,
			 "2 001 acts, 2 001 distinct numbers");
	}
	db_close(D);
	srv_stop(&S);
	return t_done();
}
