/* list_cache: GET /api/v1/actes is kept in the answer cache (src/http/anscache.h) at the collectivité's
 * data version, raised by database triggers (0022_data_versions.sql). On a real server and the S2LOW
 * test peer, both engines: the answer from memory is byte for byte the list built afresh from the
 * database (actes_db_list_write on the test's own connection), and it really comes from memory
 * (/metrics hits); after each kind of write the next list shows the change — an act created through
 * the API, its state changed by the HTTP handler (transmettre) and by the job workers (transmis, then
 * the AR: acquitté), an act changed, inserted and deleted by SQL from another connection (another node,
 * the CLI, a hand-typed UPDATE); two collectivités asking the same question never get each other's
 * bytes; other parameters get their own answer; the roles (agent, administrator by session cookie,
 * auditor) get the same bytes; ETag / If-None-Match gives 304 until a write; errors are not kept;
 * 300 more keys leave 256 answers kept (the least recently used evicted).
 * Without the triggers, the checks after the job workers' and the other connection's writes fail. */
#include "actes/registre.h"
#include "apitest.h"
#include "http/http.h"
#include "httptest.h"
#include "identity/identity.h"
#include "peertest.h"
#include "srvtest.h"
#include "t.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct srv S;
static struct peer P;
static db *D;
static int64_t TA, TB;

/* The list's parameters: the query string and the same values as the handler reads them. */
struct q {
	const char *query;   /* after "/api/v1/actes" */
	const char *etat, *text;
	int annee, nature, limit;
};
static const struct q Q50 = { "?limite=50", NULL, NULL, 0, 0, 50 };

static int64_t version(int64_t tenant)
{
	char t[24];
	snprintf(t, sizeof t, "%lld", (long long)tenant);
	return at_one(D, "SELECT version FROM data_versions WHERE tenant_id = CAST($1 AS BIGINT) AND domain = 'actes'", t);
}

static double hits(void) { return srv_metric(&S, "opale_answer_cache_hits_total"); }

/* The list built now from the database, as the route writes it. */
static char *fresh(int64_t tenant, const struct q *q)
{
	struct err e = { 0 };
	buf b = BUF_INIT;
	buf_puts(&b, "{\"actes\":");
	if (actes_db_list_write(D, tenant, q->etat, q->annee, q->nature, q->text, q->limit, &b, &e) < 0) {
		printf("# fresh list: %s\n", e.msg);
		buf_free(&b);
		return NULL;
	}
	buf_putc(&b, '}');
	return buf_detach(&b);
}

/* GET the list with a bearer token (extra header may be NULL); the answer in r. */
static long get(const char *tok, const struct q *q, const char *extra, struct ht_resp *r)
{
	char auth[128], path[256];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
	snprintf(path, sizeof path, "/api/v1/actes%s", q->query);
	const char *h[] = { auth, extra, NULL };
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, h, NULL, r);
	return r->status;
}

/* The server's answer compared with a fresh build made while nothing was written (the collectivité's
 * version the same before the request and after the build; a job worker may write in between: then
 * again). Returns the server's body (malloc'd) when equal, else NULL with the difference printed. */
static char *same_as_fresh(const char *tok, int64_t tenant, const struct q *q)
{
	for (int attempt = 0; attempt < 50; attempt++) {
		int64_t v1 = version(tenant);
		struct ht_resp r;
		long st = get(tok, q, NULL, &r);
		char *f = fresh(tenant, q);
		int64_t v2 = version(tenant);
		char *body = strdup(r.body.data ? r.body.data : "");
		ht_resp_free(&r);
		if (v1 != v2) {
			free(f);
			free(body);
			usleep(100000);
			continue;
		}
		int ok = st == 200 && f && strcmp(f, body) == 0;
		if (!ok) {
			size_t i = 0;
			while (f && f[i] && f[i] == body[i])
				i++;
			printf("# %s (status %ld): first difference at %zu: server «%.80s» fresh «%.80s»\n", q->query, st, i, body + i,
			       f ? f + i : "(none)");
			free(body);
			body = NULL;
		}
		free(f);
		return body;
	}
	printf("# %s: the collectivité's acts never stopped changing\n", q->query);
	return NULL;
}

/* Checks the list equals a fresh build, twice, the second time from memory. Returns the body. */
static char *check_list(const char *tok, int64_t tenant, const struct q *q, const char *what)
{
	char label[300];
	char *a = same_as_fresh(tok, tenant, q);
	snprintf(label, sizeof label, "%s: the list %s equals the one built afresh, byte for byte", what, q->query);
	T_OK(a != NULL, label);
	double h0 = hits();
	char *b = same_as_fresh(tok, tenant, q);
	snprintf(label, sizeof label, "%s: asked again, %s comes from memory and is still the same bytes", what, q->query);
	T_OK(b && a && strcmp(a, b) == 0 && hits() > h0, label);
	free(b);
	return a;
}

/* The act id's "etat" in a list body; "" when absent. */
static char *etat_in(const char *body, int64_t id, char out[32])
{
	json_t *j = json_loads(body ? body : "", 0, NULL), *v;
	size_t i;
	out[0] = '\0';
	json_array_foreach(json_object_get(j, "actes"), i, v) if (json_integer_value(json_object_get(v, "id")) == id)
		snprintf(out, 32, "%s", json_string_value(json_object_get(v, "etat")) ?: "");
	json_decref(j);
	return out;
}

/* The list as the server gives it now (no comparison). */
static char *list_now(const char *tok, const struct q *q)
{
	struct ht_resp r;
	get(tok, q, NULL, &r);
	char *s = strdup(r.body.data ? r.body.data : "");
	ht_resp_free(&r);
	return s;
}

/* Waits (≤ 20 s) until the list shows act id in state etat — the answer cache must not hide a change
 * made by a job worker. 1 when it did. */
static int list_shows(const char *tok, int64_t id, const char *etat)
{
	char got[32] = "";
	for (int i = 0; i < 200; i++) {
		char *b = list_now(tok, &Q50);
		etat_in(b, id, got);
		free(b);
		if (strcmp(got, etat) == 0)
			return 1;
		usleep(100000);
	}
	printf("#   the list shows act %lld « %s », expected « %s »\n", (long long)id, got, etat);
	return 0;
}

static const char *header(const struct ht_resp *r, const char *name, char *out, size_t n)
{
	out[0] = '\0';
	size_t k = strlen(name);
	for (const char *p = r->headers.data; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncasecmp(p, name, k) == 0 && p[k] == ':') {
			p += k + 1;
			while (*p == ' ')
				p++;
			size_t l = strcspn(p, "\r\n");
			snprintf(out, n, "%.*s", (int)(l < n ? l : n - 1), p);
			break;
		}
	return out;
}

/* The response's headers without the Date line (compared between two answers). */
static char *headers_no_date(const struct ht_resp *r)
{
	buf b = BUF_INIT;
	for (const char *p = r->headers.data; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncasecmp(p, "Date:", 5) != 0)
			buf_add(&b, p, strcspn(p, "\n") + 1);
	buf_putc(&b, '\0');
	return buf_detach(&b);
}

int main(void)
{
	setenv("OPALE_JOBS_POLL_MS", "200", 1);
	setenv("OPALE_TDT_POLL", "1", 1);
	int started = peer_start_with_server(&S, &P, 1);
	T_OK(started != -1, "server with demo data starts");
	if (!T_OK(started == 0, "S2LOW test peer starts, the collectivité's TdT"))
		return t_done();
	D = srv_db(&S);
	struct err e;
	char out[8192];
	char tok[80], tok_aud[80], tok_b[80], csrf[80], jar[320];
	at_token(&S, D, "ccpo.agent", tok);
	at_token(&S, D, "ccpo.auditeur", tok_aud);
	TA = at_one(D, "SELECT id FROM collectivites WHERE siren = '246200364'", NULL);
	const char *args[] = { "tenant", "add", "--name", "Commune-Cache-B", "--siren", "213001233", "--kind", "commune", "--tiers", "2+3",
			       "--population", "1200", NULL };
	T_OK(srv_cli(&S, out, sizeof out, args) == 0, "a second collectivité B is created by the CLI");
	TB = strtoll(out, NULL, 10);
	struct user ub = { 0 };
	snprintf(ub.login, sizeof ub.login, "cache.b");
	int64_t ubid = 0;
	T_OK(TA > 0 && TB > 0 && TA != TB && user_create(D, &ub, "Cache-Test-2024!", 0, "test", &ubid, &e) == 0 &&
		     user_grant(D, ubid, TB, ROLE_AGENT, &e) == 0,
	     "collectivités A and B, an agent of B");
	at_token(&S, D, "cache.b", tok_b);

	/* the demo's list, from memory the second time; the same bytes for every role allowed, and by session cookie */
	char *a0 = check_list(tok, TA, &Q50, "demo data");
	T_OK(a0 && strstr(a0, "\"actes\":[{"), "the demo's acts are listed");
	char *aud = list_now(tok_aud, &Q50);
	T_OK(a0 && strcmp(aud, a0) == 0, "the auditor gets the same bytes as the agent (roles do not change the list)");
	free(aud);
	snprintf(jar, sizeof jar, "%s/jar", S.data);
	T_EQ_INT(at_login(&S, jar, "ccpo.admin", csrf), 200, "the administrator logs in (session cookie)");
	struct ht_resp r;
	ht_request("GET", srv_url(&S, "/api/v1/actes?limite=50"), NULL, NULL, 0, NULL, jar, &r);
	T_OK(r.status == 200 && a0 && strcmp(r.body.data, a0) == 0, "the administrator's session gets the same bytes");
	ht_resp_free(&r);

	/* the headers of an answer from memory are those of a built one; ETag and If-None-Match */
	struct ht_resp r1, r2;
	const struct q q7 = { "?limite=7", NULL, NULL, 0, 0, 7 };
	get(tok, &q7, NULL, &r1);   /* built (first time this key is asked) */
	double h0 = hits();
	get(tok, &q7, NULL, &r2);   /* from memory */
	char *h1 = headers_no_date(&r1), *h2 = headers_no_date(&r2), etag[80], etag2[80], cc[80];
	T_OK(hits() == h0 + 1 && strcmp(h1, h2) == 0 && strcmp(r1.body.data, r2.body.data) == 0,
	     "an answer from memory has the headers and bytes of the built one");
	if (strcmp(h1, h2) != 0)
		printf("# built:\n%s# from memory:\n%s", h1, h2);
	header(&r2, "ETag", etag, sizeof etag);
	header(&r2, "Cache-Control", cc, sizeof cc);
	T_OK(strlen(etag) > 4 && etag[0] == '"' && etag[strlen(etag) - 1] == '"' && strcmp(cc, "private, no-cache") == 0,
	     "ETag (strong) and Cache-Control: private, no-cache");
	free(h1);
	free(h2);
	ht_resp_free(&r1);
	ht_resp_free(&r2);
	char inm[128];
	snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
	get(tok, &q7, inm, &r);
	header(&r, "ETag", etag2, sizeof etag2);
	T_OK(r.status == 304 && r.body.len == 0 && strcmp(etag, etag2) == 0, "If-None-Match with its ETag: 304, no body, the same ETag");
	ht_resp_free(&r);
	snprintf(inm, sizeof inm, "If-None-Match: \"0123\", W/%s", etag);
	get(tok, &q7, inm, &r);
	T_EQ_INT(r.status, 304, "… also when the ETag is one of several, weak");
	ht_resp_free(&r);
	get(tok, &q7, "If-None-Match: \"0123456789abcdef0123456789abcdef\"", &r);
	T_OK(r.status == 200 && r.body.len > 0, "another ETag: 200 with the list");
	ht_resp_free(&r);

	/* errors are answered, never kept */
	const struct q bad = { "?limite=0", NULL, NULL, 0, 0, 0 };
	get(tok, &bad, NULL, &r);
	T_EQ_INT(r.status, 400, "limite=0 is refused");
	ht_resp_free(&r);
	get(tok, &bad, NULL, &r);
	T_OK(r.status == 400 && strstr(r.body.data, "actes.limite"), "… again (errors are not kept)");
	ht_resp_free(&r);

	/* 1. an act created through the API */
	char pdf[320];
	snprintf(pdf, sizeof pdf, "%s/convention.pdf", S.data);
	T_EQ_INT(at_pdf(pdf, "Convention de mise à disposition", "Entre la Communauté de Communes Pays d'Opale et le CDG 62."), 0, "the act's PDF");
	at_sh(out, sizeof out,
	      "curl -s -H 'Authorization: Bearer %s' -F 'acte={\"numero\":\"2026_CACHE1\",\"nature\":4,\"objet\":\"Convention « cache » n°1\","
	      "\"date_decision\":\"2026-11-02\",\"matiere\":\"1.4\",\"type_piece\":\"99_DC\"}' -F 'document=@%s;filename=convention.pdf' %s",
	      tok, pdf, srv_url(&S, "/api/v1/actes"));
	json_t *j = json_loads(out, 0, NULL);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	if (!T_OK(id > 0, "act 2026_CACHE1 created through the API"))
		printf("# %s\n", out);
	char *a1 = check_list(tok, TA, &Q50, "after a creation through the API");
	T_OK(a1 && strstr(a1, "2026_CACHE1") && a0 && strcmp(a0, a1) != 0, "… the new act is in the list");
	free(a0);
	free(a1);
	snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
	get(tok, &q7, inm, &r);
	header(&r, "ETag", etag2, sizeof etag2);
	T_OK(r.status == 200 && strstr(r.body.data, "2026_CACHE1") && strcmp(etag, etag2) != 0,
	     "… and the ETag of the list before it no longer gives 304: 200, the new list, another ETag");
	ht_resp_free(&r);
	char got[32];

	/* 2. the state changed by the HTTP handler, then by the job workers (the TdT's answers) */
	char path[160];
	long st;
	snprintf(path, sizeof path, "/api/v1/actes/%lld/transmettre", (long long)id);
	json_decref(at_api(&S, tok, "POST", path, NULL, &st));
	T_EQ_INT(st, 202, "transmission queued");
	a1 = check_list(tok, TA, &Q50, "after « transmettre »");
	T_OK(strcmp(etat_in(a1, id, got), "en_attente") == 0 || strcmp(got, "transmis") == 0, "… the act is no longer a draft in the list");
	free(a1);
	int tdt = 0;
	for (int i = 0; i < 600 && tdt <= 0; i++)
		if ((tdt = peer_act(&P, "2026_CACHE1", NULL)) <= 0)
			usleep(100000);
	T_OK(tdt > 0, "the peer received the act (job actes.envoi)");
	a1 = check_list(tok, TA, &Q50, "once posted");   /* kept in memory before the prefecture answers */
	free(a1);
	char c[64];
	snprintf(c, sizeof c, "transmettre?id=%d", tdt);
	peer_control(&P, c);
	T_OK(at_wait_acte(&S, tok, id, "transmis", 60), "the job worker records « transmis »");
	T_OK(list_shows(tok, id, "transmis"), "the list shows « transmis » (written by a job worker)");
	a1 = check_list(tok, TA, &Q50, "after « transmis »");
	free(a1);
	snprintf(c, sizeof c, "ar?id=%d", tdt);
	peer_control(&P, c);
	T_OK(at_wait_acte(&S, tok, id, "acquitte", 60), "the job worker records the AR");
	T_OK(list_shows(tok, id, "acquitte"), "the list shows « acquitte » (written by a job worker)");
	a1 = check_list(tok, TA, &Q50, "after the AR");
	T_OK(a1 && strstr(a1, "\"date_ar\":\"20"), "… with the AR's date");
	free(a1);

	/* 3. another connection: another node, the CLI, SQL typed by hand */
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	T_OK(db_run(D, &e, "UPDATE actes SET objet = 'Objet changé par un autre nœud' WHERE id = CAST($1 AS BIGINT)", "t", ids) == 0,
	     "another connection changes the act's object by SQL");
	a1 = check_list(tok, TA, &Q50, "after an UPDATE by another connection");
	T_OK(a1 && strstr(a1, "Objet changé par un autre nœud"), "… the list shows the new object");
	free(a1);
	const char *ins = "INSERT INTO actes (tenant_id, annee, numero, nature, objet, date_decision, matiere, classification_date, type_piece,"
			  " state, creator, created_at, updated_at) VALUES (CAST($1 AS BIGINT), 2026, $2, 1, $3, '2026-11-03', '1.4', '2024-01-10',"
			  " '99_DE', 'brouillon', 1, 1700000000, 1700000000)";
	char tas[24], tbs[24];
	snprintf(tas, sizeof tas, "%lld", (long long)TA);
	snprintf(tbs, sizeof tbs, "%lld", (long long)TB);
	T_OK(db_run(D, &e, ins, "ttt", tas, "2026_NODE2", "Délibération insérée par un autre nœud") == 0, "another connection inserts an act");
	a1 = check_list(tok, TA, &Q50, "after an INSERT by another connection");
	T_OK(a1 && strstr(a1, "2026_NODE2"), "… the list shows it");
	free(a1);
	T_OK(db_run(D, &e, "DELETE FROM actes WHERE numero = '2026_NODE2'", "") == 0, "another connection deletes it");
	a1 = check_list(tok, TA, &Q50, "after a DELETE by another connection");
	T_OK(a1 && !strstr(a1, "2026_NODE2"), "… the list no longer shows it");
	free(a1);

	/* 4. two collectivités asking the same question */
	T_OK(db_run(D, &e, ins, "ttt", tbs, "2026_B1", "Délibération de la Commune-Cache-B") == 0, "an act of B");
	char *la = check_list(tok, TA, &Q50, "collectivité A");
	char *lb = check_list(tok_b, TB, &Q50, "collectivité B (same parameters)");
	T_OK(la && lb && strstr(lb, "2026_B1") && !strstr(lb, "2026_CACHE1") && !strstr(la, "2026_B1"),
	     "A and B each get their own list, never the other's bytes");
	char *la2 = list_now(tok, &Q50), *lb2 = list_now(tok_b, &Q50);
	T_OK(la && lb && strcmp(la2, la) == 0 && strcmp(lb2, lb) == 0, "… again, from memory");
	free(la);
	free(lb);
	free(la2);
	free(lb2);
	T_OK(db_run(D, &e, "UPDATE actes SET objet = 'B modifiée' WHERE numero = '2026_B1'", "") == 0, "B's act changes");
	lb = check_list(tok_b, TB, &Q50, "B after its change");
	la = list_now(tok, &Q50);
	T_OK(lb && strstr(lb, "B modifiée") && !strstr(la, "B modifiée"), "B sees its change, A does not");
	free(la);
	free(lb);

	/* 5. other parameters, each its own answer */
	const struct q qs[] = {
		{ "?limite=1", NULL, NULL, 0, 0, 1 },
		{ "?etat=acquitte&limite=50", "acquitte", NULL, 0, 0, 50 },
		{ "?etat=brouillon", "brouillon", NULL, 0, 0, 500 },
		{ "?q=autre%20n%C5%93ud", NULL, "autre nœud", 0, 0, 500 },
		{ "?annee=2026&nature=4", NULL, NULL, 2026, 4, 500 },
		{ "?nature=1&limite=2", NULL, NULL, 0, 1, 2 },
		{ "", NULL, NULL, 0, 0, 500 },
	};
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		double n0 = srv_metric(&S, "opale_answer_cache_entries");
		char *l = check_list(tok, TA, &qs[i], "other parameters");
		T_OK(l && srv_metric(&S, "opale_answer_cache_entries") == n0 + 1, "… kept as an answer of its own");
		free(l);
	}
	char *one = list_now(tok, &qs[0]);
	j = json_loads(one, 0, NULL);
	T_EQ_INT(json_array_size(json_object_get(j, "actes")), 1, "limite=1 gives one act");
	json_decref(j);
	free(one);
	char *found = list_now(tok, &qs[3]);
	j = json_loads(found, 0, NULL);
	T_OK(json_array_size(json_object_get(j, "actes")) == 1 && strstr(found, "2026_CACHE1"), "q= finds the act changed by another connection, and only it");
	json_decref(j);
	free(found);

	/* bounded: 300 more keys, the oldest evicted, no more than ANSCACHE_ENTRIES kept, answers still right */
	double ev0 = srv_metric(&S, "opale_answer_cache_evictions_total");
	for (int i = 1; i <= 300; i++) {
		char qs_[32];
		snprintf(qs_, sizeof qs_, "?limite=%d&annee=2026", i);
		const struct q qi = { qs_, NULL, NULL, 2026, 0, i };
		get(tok, &qi, NULL, &r);
		ht_resp_free(&r);
	}
	T_OK(srv_metric(&S, "opale_answer_cache_entries") == 256 && srv_metric(&S, "opale_answer_cache_evictions_total") >= ev0 + 44,
	     "300 more keys: 256 answers kept at most, the least recently used evicted");
	const struct q q3 = { "?limite=3&annee=2026", NULL, NULL, 2026, 0, 3 };
	free(check_list(tok, TA, &q3, "an evicted key asked again"));

	peer_stop(&P);
	srv_stop(&S);
	return t_done();
}
