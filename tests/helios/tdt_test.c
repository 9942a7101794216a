/* Hélios to the treasury through the S2LOW test peer, on a real server (both engines): the demo PES
 * through its parapheur circuit (visa DGS, signature Président: the signed PES passes the XSD and
 * xmlsec1 verifies each bordereau), transmitted and acquitted; a signed PES is
 * transmitted (job helios.envoi) → « transmis » with the TdT's transaction number, the same file once
 * at the peer; the PES_Acquit fetched by helios.suivi → « acquitté »; a refusal with a DGFiP code →
 * « refusé », the code in the history and on the page; a PES_Retour fetched by helios.retours, linked
 * to its file and marked read at the TdT; an error at the TdT → back to « signé »; an unsigned file is
 * not transmitted; kill -9 while the peer holds the post's answer, restart → one transaction at the
 * peer, the file « transmis » (the re-post is a « doublon »). */
#include "apitest.h"
#include "httptest.h"
#include "identity/identity.h"
#include "peertest.h"
#include "srvtest.h"
#include "t.h"

#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static struct srv S;
static db *D;
static char tok_agent[80], tok_dgs[80], tok_pres[80], tok_admin[80], peer[64], dir[200];
static pid_t peer_pid;

static char *run(const char *cmd)
{
	static char out[65536];
	at_sh(out, sizeof out, "%s", cmd);
	return out;
}

static json_t *api_as(const char *tok, const char *method, const char *path, const char *body, long *status)
{
	char auth[128];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
	const char *h[] = { auth, NULL };
	struct ht_resp r;
	if (!body && strcmp(method, "GET"))
		body = "{}";
	ht_request(method, srv_url(&S, path), body ? "application/json" : NULL, body, body ? strlen(body) : 0, h, NULL, &r);
	if (status)
		*status = r.status;
	json_t *j = json_loads(r.body.data ? r.body.data : "", 0, NULL);
	if (!j && status && *status >= 400)
		printf("# %s %s → %ld %s\n", method, path, *status, r.body.data ? r.body.data : "");
	ht_resp_free(&r);
	return j;
}

static json_t *api(const char *method, const char *path, long *status)
{
	return api_as(tok_agent, method, path, NULL, status);
}

static int64_t upload(const char *file)
{
	char cmd[1500];
	snprintf(cmd, sizeof cmd, "curl -s -H 'Authorization: Bearer %s' -F 'fichier=@%s' '%s'", tok_agent, file,
		 srv_url(&S, "/api/v1/helios/fichiers"));
	json_t *j = json_loads(run(cmd), 0, NULL);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	return id;
}

static json_t *file_get(int64_t id)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/helios/fichiers/%lld", (long long)id);
	return api("GET", path, NULL);
}

/* Waits (≤ 40 s: a job whose worker was killed is claimable after its 20 s lease) for the file to
 * reach state; returns it (caller frees) or NULL. */
static json_t *wait_state(int64_t id, const char *state)
{
	for (int i = 0; i < 400; i++) {
		json_t *j = file_get(id);
		const char *s = json_string_value(json_object_get(j, "etat"));
		if (s && strcmp(s, state) == 0)
			return j;
		json_decref(j);
		usleep(100000);
	}
	json_t *j = file_get(id);
	printf("# file %lld stays « %s » (waited for %s)\n", (long long)id, json_string_value(json_object_get(j, "etat")), state);
	json_decref(j);
	return NULL;
}

static const char *last_detail(json_t *f)
{
	json_t *h = json_object_get(f, "historique");
	return json_string_value(json_object_get(json_array_get(h, json_array_size(h) - 1), "detail"));
}

static int transmit(int64_t id)
{
	char path[128];
	long st;
	snprintf(path, sizeof path, "/api/v1/helios/fichiers/%lld/transmettre", (long long)id);
	json_decref(api("POST", path, &st));
	return (int)st;
}

static json_t *peer_state(void)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "curl -s '%s/_peer/helios/state'", peer);
	return json_loads(run(cmd), 0, NULL);
}

static const char *peer_ctl(const char *what)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "curl -s -X POST '%s/_peer/helios/%s'", peer, what);
	return run(cmd);
}

/* A message to addr in the SMTP test server's Maildir whose text (quoted-printable decoded) holds
 * needle; waits up to 10 s. */
static int find_mail(const char *addr, const char *needle)
{
	const char *needles[] = { needle, NULL };
	return at_mail(getenv("OPALE_TEST_MAILDIR"), addr, needles, 10, NULL);
}

static int start_peer(const char *build, int delay_ms)
{
	char delay[16], log[400];
	snprintf(delay, sizeof delay, "%d", delay_ms);
	snprintf(log, sizeof log, "%s/peer.log", S.data);
	const char *args[] = { "--delay-helios", delay, NULL };
	struct peer p;
	int rc = peer_start(&p, build, log, peer[0] ? atoi(strrchr(peer, ':') + 1) : 0, args);
	snprintf(peer, sizeof peer, "%s", p.url);
	peer_pid = p.pid;
	return rc;
}

static int64_t signed_file(const char *opale, const char *pki, const char *name, int first)
{
	char in[400], out[400];
	snprintf(in, sizeof in, "%s/%s.xml", dir, name);
	snprintf(out, sizeof out, "%s/%s-signe.xml", dir, name);
	at_run("'%s' pes gen '%s' --idcoll 24620036400015 --idpost 062034 --codcol 123 --codbud 01 --date 2025-11-03 --mandats 6"
	   " --bordereaux 1 --premier %d --nomfic %s >/dev/null", opale, in, first, name);
	at_run("'%s' sign pes --p12 '%s/user.p12' --password-file '%s/pass.txt' --policy-file '%s/politique.pdf' '%s' '%s' >/dev/null", opale,
	   pki, pki, dir, in, out);
	return upload(out);
}

int main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build/rel";
	const char *opale = getenv("OPALE") ? getenv("OPALE") : "./opale";
	setenv("OPALE_JOBS_POLL_MS", "200", 1);
	setenv("OPALE_TDT_POLL", "1", 1);
	/* the DGFiP signature policy document (a stand-in: the real one is not shipped), configured as a
	 * file (pes_policy_file): the server puts its SHA-256 in the PES signatures */
	char policy[64], policy_digest[64] = "";
	snprintf(policy, sizeof policy, "/tmp/opale-politique-%d.pdf", (int)getpid());
	at_run("printf 'Politique de signature DGFiP (document de test)\\n' > '%s'", policy);
	setenv("OPALE_PES_POLICY_FILE", policy, 1);
	char dg[200];
	snprintf(dg, sizeof dg, "openssl dgst -sha256 -binary '%s' | base64", policy);
	snprintf(policy_digest, sizeof policy_digest, "%.63s", run(dg));
	char smtp_url[128] = "";
	if (getenv("OPALE_TEST_SMTP"))
		snprintf(smtp_url, sizeof smtp_url, "smtp://%s", getenv("OPALE_TEST_SMTP"));
	const char *extra[] = { "--smtp-url", smtp_url, "--public-url", "https://opale.example.fr", NULL };
	if (!T_OK(srv_start(&S, smtp_url[0] ? extra : NULL) == 0, "server with demo data starts"))
		return t_done();
	if (!T_OK(start_peer(build, 0) == 0, "S2LOW test peer starts")) {
		srv_stop(&S);
		return t_done();
	}
	D = srv_db(&S);
	struct err e;
	db_run(D, &e, "UPDATE actes_settings SET tdt_url = $1", "t", peer);
	at_token(&S, D, "ccpo.agent", tok_agent);
	at_token(&S, D, "ccpo.dgs", tok_dgs);
	at_token(&S, D, "ccpo.president", tok_pres);
	at_token(&S, D, "ccpo.admin", tok_admin);
	snprintf(dir, sizeof dir, "%.180s/pes", S.data);
	at_run("mkdir -p '%s'", dir);
	char pki[300];
	snprintf(pki, sizeof pki, "%s/pki", dir);
	T_EQ_INT(at_run("bash tests/sign/pki.sh '%s' >/dev/null 2>&1", pki), 0, "test PKI generated");
	at_run("head -c 2048 /dev/urandom > '%s/politique.pdf'", dir);

	/* An unsigned file is not transmitted. */
	json_t *l = api("GET", "/api/v1/helios/fichiers", NULL);
	int64_t demo = json_integer_value(json_object_get(json_array_get(json_object_get(l, "fichiers"), 0), "id"));
	json_decref(l);
	T_EQ_INT(transmit(demo), 409, "an unsigned PES is not transmitted (409)");

	/* The whole journey: the demo PES through its circuit (visa DGS, signature Président with the
	 * parapheur's PES signature), then to the treasury. */
	char cmd[2000], pes[600];
	snprintf(cmd, sizeof cmd, "curl -s -o /dev/null -w '%%{http_code}' -H 'Authorization: Bearer %s' -F p12=@%s/user.p12 -F 'pin=secret 1234' '%s'",
		 tok_pres, pki, srv_url(&S, "/api/v1/signature/certificat"));
	T_EQ_INT(atoi(run(cmd)), 201, "the président stores a signing certificate");
	char path[200], body[200];
	long st;
	snprintf(path, sizeof path, "/api/v1/helios/fichiers/%lld/signature", (long long)demo);
	json_t *f = api("POST", path, &st);
	int64_t folder = json_integer_value(json_object_get(f, "dossier"));
	T_OK(st == 200 && folder > 0, "the agent sends the demo PES to signature");
	json_decref(f);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)folder);
	snprintf(body, sizeof body, "{\"action\":\"visa\",\"bureau\":%lld}", (long long)at_desk(D, "Direction générale des services"));
	json_decref(api_as(tok_dgs, "POST", path, body, &st));
	T_EQ_INT(st, 200, "the DGS visas");
	snprintf(body, sizeof body, "{\"action\":\"signature\",\"bureau\":%lld,\"pin\":\"secret 1234\"}", (long long)at_desk(D, "Présidence"));
	json_decref(api_as(tok_pres, "POST", path, body, &st));
	T_EQ_INT(st, 200, "the président signs (PES XAdES per bordereau)");
	f = file_get(demo);
	T_OK(strstr(last_detail(f), "vérification du PES signé") != NULL || strcmp(json_string_value(json_object_get(f, "etat")), "signe") == 0,
	     "the circuit's end queues the check of the signed PES (outside the parapheur's transaction)");
	json_decref(f);
	f = wait_state(demo, "signe");
	T_OK(f != NULL, "the file is « signé » once the job has checked it");
	T_OK(f && strstr(last_detail(f), "Signé dans le parapheur") != NULL, "its history says where");
	json_decref(f);
	snprintf(pes, sizeof pes, "%s/demo-signe.xml", dir);
	snprintf(path, sizeof path, "/api/v1/helios/fichiers/%lld/pes?signe=1", (long long)demo);
	snprintf(cmd, sizeof cmd, "curl -s -o '%s' -H 'Authorization: Bearer %s' '%s'", pes, tok_agent, srv_url(&S, path));
	run(cmd);
	policy_digest[strcspn(policy_digest, "\n")] = 0;
	T_OK(strlen(policy_digest) == 44 && at_run("grep -q '<xad:DigestValue>%s</xad:DigestValue>' '%s'", policy_digest, pes) == 0,
	     "the signature policy digest is the SHA-256 of the configured pes_policy_file");
	remove(policy);
	T_EQ_INT(at_run("xmllint --noout --schema /work/shared/specs/pes/v5.17/PES_V2/Rev0/PES_Aller.xsd '%s' 2>/dev/null", pes), 0,
		 "the signed PES validates against PES_Aller.xsd");
	const char *xs = "--id-attr:Id Bordereau --id-attr:Id PES_Aller --id-attr:Id 'http://uri.etsi.org/01903/v1.1.1#:SignedProperties'"
			 " --id-attr:Id 'http://www.w3.org/2000/09/xmldsig#:Signature'";
	T_EQ_INT(at_run("xmlsec1 --verify --trusted-pem '%s/ca.pem' %s --node-id BORD41_SIG_1 '%s' >/dev/null 2>&1", pki, xs, pes), 0,
		 "xmlsec1 verifies the signature of bordereau 41");
	T_EQ_INT(at_run("xmlsec1 --verify --trusted-pem '%s/ca.pem' %s --node-id BORD42_SIG_1 '%s' >/dev/null 2>&1", pki, xs, pes), 0,
		 "and of bordereau 42");
	T_EQ_INT(transmit(demo), 202, "the signed demo PES is queued for the treasury");
	f = wait_state(demo, "transmis");
	char dtx[32];
	snprintf(dtx, sizeof dtx, "%s", f ? json_string_value(json_object_get(f, "transaction")) : "");
	json_decref(f);
	T_OK(atoi(dtx) > 500, "« transmis » with its transaction");
	snprintf(body, sizeof body, "acquit?id=%s", dtx);
	T_OK(strncmp(peer_ctl(body), "OK\n4", 4) == 0, "the treasury accepts it");
	f = wait_state(demo, "acquitte");
	T_OK(f != NULL, "the demo PES ends « acquitté »");
	json_decref(f);

	/* From here the PES go through a TdT account of their own (PUT /api/v1/helios/parametres): the
	 * @ctes address is made unreachable, so only the Hélios one can reach the peer. */
	{
		char put[400];
		snprintf(put, sizeof put, "{\"idpost\":\"062034\",\"codcol\":\"123\",\"codbud\":\"01\",\"tdt_url\":\"%s\"}", peer);
		json_decref(api_as(tok_admin, "PUT", "/api/v1/helios/parametres", put, &st));
		T_EQ_INT(st, 200, "the administrator gives Hélios its own TdT account");
		db_run(D, &e, "UPDATE actes_settings SET tdt_url = 'http://127.0.0.1:9'", "");
	}

	/* Accepted. */
	int64_t a = signed_file(opale, pki, "PES-T1", 601);
	T_OK(a > 0, "a signed PES is imported (« signé »)");
	T_EQ_INT(transmit(a), 202, "it is queued for transmission (202)");
	T_EQ_INT(transmit(a), 409, "not twice");
	f = wait_state(a, "transmis");
	T_OK(f != NULL, "the job posts it: « transmis »");
	const char *tx = json_string_value(json_object_get(f, "transaction"));
	char txid[32];
	snprintf(txid, sizeof txid, "%s", tx ? tx : "");
	T_OK(atoi(txid) > 500, "with the TdT's transaction number");
	json_decref(f);
	json_t *ps = peer_state();
	json_t *t0 = json_array_get(json_object_get(ps, "transactions"), 1);
	T_EQ_INT(json_array_size(json_object_get(ps, "transactions")), 2, "one transaction more at the peer (after the demo's)");
	T_EQ_INT(json_integer_value(json_object_get(t0, "id")), atoi(txid), "the one recorded");
	json_decref(ps);
	char q[128];
	snprintf(q, sizeof q, "acquit?id=%s", txid);
	T_OK(strncmp(peer_ctl(q), "OK\n4", 4) == 0, "the treasury accepts it (peer status 4)");
	f = wait_state(a, "acquitte");
	T_OK(f != NULL, "helios.suivi fetches the PES_Acquit: « acquitté »");
	json_t *ans = json_array_get(json_object_get(f, "retours"), 0);
	T_OK(ans && strcmp(json_string_value(json_object_get(ans, "source")), "tdt") == 0 &&
	     strcmp(json_string_value(json_object_get(ans, "etat")), "accepte") == 0, "the acquittal is kept, from the TdT, accepted");
	json_decref(f);

	/* Retour for the first file. */
	snprintf(q, sizeof q, "retour?id=%s", txid);
	T_OK(strncmp(peer_ctl(q), "OK", 2) == 0, "the comptable sends a PES_Retour");
	int got = 0;
	for (int i = 0; i < 150 && !got; i++) {
		l = api("GET", "/api/v1/helios/retours", NULL);
		json_t *r0 = json_array_get(json_object_get(l, "retours"), 0);
		got = r0 && json_integer_value(json_object_get(r0, "fichier")) == a;
		json_decref(l);
		if (!got)
			usleep(100000);
	}
	T_OK(got, "helios.retours fetches it, linked to its file");
	ps = peer_state();
	T_OK(json_is_true(json_object_get(json_array_get(json_object_get(ps, "retours"), 0), "lu")), "and marks it read at the TdT");
	json_decref(ps);
	/* the collectivité acknowledges it (PES_ACQUIT_RETOUR through the TdT: S2LOW state 24) */
	json_t *ack = NULL;
	for (int i = 0; i < 150 && !ack; i++) {
		ps = peer_state();
		size_t k;
		json_t *v;
		json_array_foreach(json_object_get(ps, "transactions"), k, v) if (json_integer_value(json_object_get(v, "status")) == 24) ack = json_incref(v);
		json_decref(ps);
		if (!ack)
			usleep(100000);
	}
	T_OK(ack && strncmp(json_string_value(json_object_get(ack, "name")), "ACQUIT_", 7) == 0,
	     "its PES_ACQUIT_RETOUR reaches the peer, which checked it against PES_V2_Acquit_Retour.xsd (state 24, no acknowledgement)");
	char ackid[32];
	snprintf(ackid, sizeof ackid, "%lld", ack ? (long long)json_integer_value(json_object_get(ack, "id")) : 0LL);
	json_decref(ack);
	json_t *rl = NULL;
	for (int i = 0; i < 100; i++) {
		rl = api("GET", "/api/v1/helios/retours", NULL);
		const char *ar = json_string_value(json_object_get(json_array_get(json_object_get(rl, "retours"), 0), "acquit_retour"));
		if (ar && *ar)
			break;
		json_decref(rl);
		rl = NULL;
		usleep(100000);
	}
	json_t *r0 = json_array_get(json_object_get(rl, "retours"), 0);
	T_EQ_STR(json_string_value(json_object_get(r0, "acquit_retour")), ackid, "the retour keeps the acknowledgement's transaction number");
	T_OK(json_string_value(json_object_get(r0, "contenu")) && strstr(json_string_value(json_object_get(r0, "contenu")), "bordereau(x) de mandats"),
	     "and what it holds (« 1 bordereau(x) de mandats (… mandat(s)) »)");
	json_decref(rl);
	f = file_get(a);
	T_OK(f && strstr(last_detail(f), "Accusé de réception du PES Retour envoyé") != NULL, "the file's history says the retour was acknowledged");
	json_decref(f);

	/* Refused. */
	int64_t b = signed_file(opale, pki, "PES-T2", 701);
	T_EQ_INT(transmit(b), 202, "a second file is queued");
	f = wait_state(b, "transmis");
	snprintf(txid, sizeof txid, "%s", f ? json_string_value(json_object_get(f, "transaction")) : "");
	json_decref(f);
	snprintf(q, sizeof q, "acquit?id=%s&refuse=ERREUR_CODIQUE&libelle=Poste%%20comptable%%20inconnu", txid);
	T_OK(strncmp(peer_ctl(q), "OK\n6", 4) == 0, "the treasury refuses it (peer status 6)");
	f = wait_state(b, "refuse");
	T_OK(f != NULL, "« refusé »");
	T_OK(f && strstr(last_detail(f), "ERREUR_CODIQUE") && strstr(last_detail(f), "Poste comptable inconnu"),
	     "the DGFiP code and libellé in the history");
	json_decref(f);
	
	snprintf(path, sizeof path, "/helios/fichiers/%lld", (long long)b);
	char auth[128];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_agent);
	const char *h[] = { auth, NULL };
	struct ht_resp r;
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, h, NULL, &r);
	T_OK(r.body.data && strstr(r.body.data, "ERREUR_CODIQUE") && strstr(r.body.data, "role=\"alert\""), "and on the file page, as an alert");
	ht_resp_free(&r);
	T_OK(getenv("OPALE_TEST_MAILDIR") != NULL, "the SMTP test server runs");
	T_OK(find_mail("ccpo.agent@demo.opale.invalid", "ERREUR_CODIQUE"), "the agent who imported it is alerted by e-mail, with the code");
	T_OK(find_mail("ccpo.admin@demo.opale.invalid", "https://opale.example.fr/helios/fichiers/"), "so is the administrator, with the link");
	T_OK(srv_metric(&S, "opale_mail_attempts_total{outcome=\"sent\"}") >= 2, "/metrics counts the e-mails sent");
	T_OK(srv_metric(&S, "opale_helios_files{state=\"refuse\"}") >= 1, "/metrics counts the refused PES file");

	/* Error at the TdT: back to « signé ». */
	int64_t c = signed_file(opale, pki, "PES-T3", 801);
	transmit(c);
	f = wait_state(c, "transmis");
	snprintf(txid, sizeof txid, "%s", f ? json_string_value(json_object_get(f, "transaction")) : "");
	json_decref(f);
	snprintf(q, sizeof q, "erreur?id=%s", txid);
	peer_ctl(q);
	f = wait_state(c, "signe");
	T_OK(f != NULL, "an error at the TdT brings the file back to « signé »");
	T_OK(f && strstr(last_detail(f), "Erreur") != NULL, "saying so in its history");
	json_decref(f);

	/* kill -9 while the peer holds the answer of the post. */
	kill(peer_pid, SIGTERM);
	waitpid(peer_pid, NULL, 0);
	T_OK(start_peer(build, 3000) == 0, "peer restarted, answering Hélios posts after 3 s");
	int64_t k = signed_file(opale, pki, "PES-T4", 901);
	T_EQ_INT(transmit(k), 202, "a fourth file is queued");
	/* the « envoi » mark is committed before the post; the peer answers 3 s after recording */
	int marked = 0;
	for (int i = 0; i < 200 && !marked; i++) {
		int rc;
		db_stmt *s = db_query(D, &e, &rc, "SELECT tdt_id FROM pes_files WHERE id = $1", "i", k);
		marked = s && rc == DB_ROW && strcmp(db_col_text(s, 0), "envoi") == 0;
		if (s)
			db_finalize(s);
		if (!marked)
			usleep(20000);
	}
	T_OK(marked, "the file is marked « envoi » before the post");
	usleep(1200000);
	kill(S.pid, SIGKILL);
	waitpid(S.pid, NULL, 0);
	T_OK(srv_restart(&S, smtp_url[0] ? extra : NULL) == 0, "server killed (-9) before the answer, restarted");
	f = wait_state(k, "transmis");
	T_OK(f != NULL, "the job runs again: « transmis »");
	T_OK(f && strstr(last_detail(f), "doublon") != NULL, "the TdT had it (doublon): said in the history");
	json_decref(f);
	ps = peer_state();
	int n = 0;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(ps, "transactions"), i, v) n++;
	T_EQ_INT(n, 1, "exactly one transaction at the peer for it");
	json_decref(ps);

	kill(peer_pid, SIGTERM);
	waitpid(peer_pid, NULL, 0);
	db_close(D);
	srv_stop(&S);
	return t_done();
}
