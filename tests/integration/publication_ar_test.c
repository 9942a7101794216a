/* publication_ar_test: the prefecture's AR arrives for an act that is already published. A PAdES-signed
 * act is transmitted to the S2LOW test peer, published while the prefecture has not acknowledged it
 * (the copy says « Publié le … », the portal « en attente »), then the peer's AR: the published copy
 * gets the « Certifié exécutoire le … » line by a further incremental update — the copy online so far
 * is an exact prefix of the new one, pdfsig still finds the signature valid, pdftotext reads both
 * mentions (the executory one once) — and the portal shows the executory date, the new SHA-256 (that
 * of the download) and the first copy's. Both engines. */
#include "apitest.h"
#include "httptest.h"
#include "peertest.h"
#include "srvtest.h"
#include "t.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct srv S;
static struct peer P;
static char tok[80];

static json_t *acte(int64_t id, const char *what)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/actes/%lld%s", (long long)id, what);
	return at_api(&S, tok, "GET", path, NULL, NULL);
}

static void peer_ctl(const char *what, int id)
{
	char w[64];
	snprintf(w, sizeof w, "%s?id=%d", what, id);
	peer_control(&P, w);
}

/* GET path anonymously into file; the body's status, X-Content-SHA256 in sha (may be NULL). */
static long download(const char *path, const char *file, char sha[65])
{
	struct ht_resp r;
	long st = at_raw(&S, NULL, "GET", path, NULL, &r);
	FILE *f = fopen(file, "wb");
	if (f) {
		fwrite(r.body.data ? r.body.data : "", 1, r.body.len, f);
		fclose(f);
	}
	if (sha) {
		const char *h = r.headers.data ? strstr(r.headers.data, "X-Content-SHA256: ") : NULL;
		snprintf(sha, 65, "%.64s", h ? h + 18 : "");
	}
	ht_resp_free(&r);
	return st;
}

static char *page(const char *path)
{
	struct ht_resp r;
	at_raw(&S, NULL, "GET", path, NULL, &r);
	char *s = strdup(r.body.data ? r.body.data : "");
	ht_resp_free(&r);
	return s;
}

int main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build/rel";
	const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	const char *opale = getenv("OPALE") ? getenv("OPALE") : "./opale";
	setenv("OPALE_JOBS_POLL_MS", "200", 1);
	setenv("OPALE_TDT_POLL", "1", 1);
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	char log[400], classif[512], out[4096];
	snprintf(log, sizeof log, "%s/peer.log", S.data);
	snprintf(classif, sizeof classif, "%s/specs/actes/samples/pastell/classification-exemple.xml", shared);
	const char *pargs[] = { "--classification", classif, NULL };
	if (!T_OK(peer_start(&P, build, log, 0, pargs) == 0, "S2LOW test peer starts")) {
		srv_stop(&S);
		return t_done();
	}
	db *D = srv_db(&S);
	struct err e;
	db_run(D, &e, "UPDATE actes_settings SET tdt_url = $1", "t", P.url);
	at_token(&S, D, "ccpo.agent", tok);

	/* a signed act */
	char pdf[320], signed_pdf[320], pki[320];
	snprintf(pdf, sizeof pdf, "%s/convention.pdf", S.data);
	snprintf(signed_pdf, sizeof signed_pdf, "%s/convention-signee.pdf", S.data);
	snprintf(pki, sizeof pki, "%s/pki", S.data);
	T_EQ_INT(at_pdf(pdf, "Convention de mise à disposition de la salle des fêtes",
			"Entre la Communauté de Communes Pays d'Opale et l'association « Les Amis du Boulonnais »."),
		 0, "the act's PDF");
	T_EQ_INT(at_run("bash tests/sign/pki.sh '%s' >/dev/null 2>&1", pki), 0, "test PKI generated");
	T_EQ_INT(at_run("'%s' sign pades --p12 '%s/user.p12' --password-file '%s/pass.txt' '%s' '%s' >/dev/null", opale, pki, pki, pdf, signed_pdf), 0,
		 "the act is signed (PAdES)");
	at_sh(out, sizeof out,
	      "curl -s -H 'Authorization: Bearer %s' -F 'acte={\"numero\":\"2026_PUB1\",\"nature\":4,\"objet\":\"Convention de mise a disposition de "
	      "la salle des fetes\",\"date_decision\":\"2026-11-02\",\"matiere\":\"1.4\",\"type_piece\":\"99_DC\"}' -F 'document=@%s;filename=convention.pdf' %s",
	      tok, signed_pdf, srv_url(&S, "/api/v1/actes"));
	json_t *j = json_loads(out, 0, NULL);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	if (!T_OK(id > 0, "act 2026_PUB1 created with the signed PDF")) {
		printf("# %s\n", out);
		goto end;
	}
	char path[160];
	long st;
	snprintf(path, sizeof path, "/api/v1/actes/%lld/transmettre", (long long)id);
	json_decref(at_api(&S, tok, "POST", path, NULL, &st));
	T_EQ_INT(st, 202, "transmitted to the prefecture (queued)");
	int tdt = 0;
	for (int i = 0; i < 600 && tdt <= 0; i++)
		if ((tdt = peer_act(&P, "2026_PUB1", NULL)) <= 0)
			usleep(100000);
	T_OK(tdt > 0, "the peer received it");
	peer_ctl("transmettre", tdt);
	T_OK(at_wait_acte(&S, tok, id, "transmis", 60), "transmis, no AR yet");

	/* published before the AR */
	snprintf(path, sizeof path, "/api/v1/actes/%lld/publication", (long long)id);
	j = at_api(&S, tok, "POST", path, "{\"auteur\":\"Marie Durand, présidente\"}", &st);
	T_EQ_INT(st, 201, "published while waiting for the AR");
	int64_t pub = json_integer_value(json_object_get(j, "id"));
	char sha1[65];
	snprintf(sha1, sizeof sha1, "%s", json_string_value(json_object_get(j, "sha256")) ?: "");
	T_OK(json_is_null(json_object_get(j, "executoire")), "not executory yet (sent, no AR)");
	json_decref(j);
	char portal[160], pdf_url[200], f1[320], f2[320], got[65];
	snprintf(portal, sizeof portal, "/p/246200364/actes/%lld", (long long)pub);
	snprintf(pdf_url, sizeof pdf_url, "%s/document.pdf", portal);
	snprintf(f1, sizeof f1, "%s/publie-1.pdf", S.data);
	snprintf(f2, sizeof f2, "%s/publie-2.pdf", S.data);
	T_EQ_INT(download(pdf_url, f1, got), 200, "the first published copy downloads");
	T_EQ_STR(got, sha1, "its X-Content-SHA256 is the publication's");
	char today_fr[16], today[16];
	time_t now = time(NULL);
	struct tm tm;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	localtime_r(&now, &tm);
	strftime(today_fr, sizeof today_fr, "%d/%m/%Y", &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	at_sh(out, sizeof out, "pdftotext '%s' - | tr -s '\\n ' '  '", f1);
	char want[200];
	snprintf(want, sizeof want, "Publié le %s par Marie Durand, présidente", today_fr);
	T_OK(strstr(out, want) && !strstr(out, "Certifié exécutoire"), "pdftotext: « Publié le … », no « Certifié exécutoire » yet");
	char *html = page(portal);
	T_OK(strstr(html, "En attente de l'accusé de réception de la préfecture") != NULL, "the portal: executory status waiting for the AR");
	free(html);

	/* the AR */
	peer_ctl("ar", tdt);
	T_OK(at_wait_acte(&S, tok, id, "acquitte", 60), "AR received: acquitté");
	char sha2[65] = "";
	for (int i = 0; i < 100 && !sha2[0]; i++) {
		j = acte(id, "/publication");
		const char *s = json_string_value(json_object_get(j, "sha256"));
		if (s && strcmp(s, sha1) != 0)
			snprintf(sha2, sizeof sha2, "%s", s);
		json_decref(j);
		if (!sha2[0])
			usleep(100000);
	}
	T_OK(sha2[0] != 0, "the published copy is renewed after the AR");
	j = acte(id, "");
	const char *date_ar = json_string_value(json_object_get(j, "date_ar"));
	char exec_fr[16] = "";
	if (date_ar && strlen(date_ar) == 10)
		snprintf(exec_fr, sizeof exec_fr, "%.2s/%.2s/%.4s", (strcmp(date_ar, today) > 0 ? date_ar : today) + 8,
			 (strcmp(date_ar, today) > 0 ? date_ar : today) + 5, strcmp(date_ar, today) > 0 ? date_ar : today);
	int hist = 0;
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(j, "historique"), i, v) hist += strcmp(json_string_value(json_object_get(v, "action")), "publication.executoire") == 0;
	json_decref(j);
	T_EQ_INT(hist, 1, "the act's history notes the mention once");
	T_EQ_INT(download(pdf_url, f2, got), 200, "the completed copy downloads");
	T_EQ_STR(got, sha2, "X-Content-SHA256 is the new copy's");
	at_sh(out, sizeof out, "sha256sum '%s' | cut -c1-64", f2);
	T_OK(strncmp(out, sha2, 64) == 0, "sha256sum of the download = the SHA-256 shown");
	at_sh(out, sizeof out, "pdftotext '%s' - | tr -s '\\n ' '  '", f2);
	char want2[80];
	snprintf(want2, sizeof want2, "Certifié exécutoire le %s", exec_fr);
	T_OK(strstr(out, want) != NULL, "pdftotext: the first mention is still there");
	T_OK(strstr(out, want2) != NULL, "pdftotext: « Certifié exécutoire le max(publication, AR) »");
	const char *once = strstr(out, "Certifié exécutoire");
	T_OK(once && !strstr(once + 1, "Certifié exécutoire"), "… once");
	T_EQ_INT(at_run("cmp -s -n $(stat -c %%s '%s') '%s' '%s'", f1, f1, f2), 0, "the copy online so far is an exact prefix of the new one");
	T_EQ_INT(at_run("qpdf --check '%s' >/dev/null 2>&1", f2), 0, "qpdf --check accepts it");
	at_sh(out, sizeof out, "pdfsig '%s' 2>&1", f2);
	T_OK(strstr(out, "Signature is Valid") != NULL, "pdfsig: the act's signature is still valid");
	T_OK(strstr(out, "Jeanne Dupont") != NULL, "… the signer's");
	html = page(portal);
	snprintf(want, sizeof want, "Exécutoire depuis le %s", exec_fr);
	T_OK(strstr(html, want) != NULL, "the portal's act page: executory date");
	T_OK(strstr(html, sha2) && strstr(html, sha1), "… the new SHA-256 and the first copy's");
	free(html);
	html = page("/p/246200364?q=salle+fetes");
	snprintf(want, sizeof want, "exécutoire depuis le %s", exec_fr);
	T_OK(strstr(html, "2026_PUB1") && strstr(html, want), "the portal's list: executory date");
	free(html);
end:
	db_close(D);
	peer_stop(&P);
	srv_stop(&S);
	return t_done();
}
