/* The signature engine on a real server (both engines): a user's PKCS#12 stored sealed (PIN checked,
 * never stored; wrong PIN, expired certificate refused), the collectivité's seal (admin only);
 * two-phase signing with `opale sign-remote` from a PKCS#12 and from a SoftHSM token (PKCS#11),
 * results checked by pdfsig and openssl cms, a forged value refused; POST /api/v1/verify and the
 * /verifier page; the parapheur's SIGNATURE step (user key + PIN, visible stamp at the type's tag)
 * then SEAL step (collectivité seal) on a PDF — both signatures valid for pdfsig — and a CAdES type
 * giving a detached .p7s accepted by openssl cms. */
#include "apitest.h"
#include "httptest.h"
#include "core/config.h"
#include "identity/identity.h"
#include "parapheur/parapheur.h"
#include "store/store.h"
#include "srvtest.h"
#include "t.h"
#include "web/pdfdoc.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct srv S;
static db *D;
static char tok_admin[80], tok_agent[80], tok_pres[80];
static char P[400], W[400];   /* PKI dir, work dir */

/* Runs a shell command (formatted) in W; output (stdout+stderr) into out when given. Exit status. */
static int sh(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int sh(char *out, size_t n, const char *fmt, ...)
{
	char cmd[4096], full[4600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	snprintf(full, sizeof full, "cd '%s' && ( %s ) 2>&1", W, cmd);
	FILE *p = popen(full, "r");
	size_t got = 0;
	char tmp[4096];
	if (!out) {
		out = tmp;
		n = sizeof tmp;
	}
	while (p && got < n - 1) {
		size_t r = fread(out + got, 1, n - 1 - got, p);
		if (!r)
			break;
		got += r;
	}
	out[got] = 0;
	if (p) {
		while (fread(tmp, 1, sizeof tmp, p) > 0) {
		}
	}
	int st = p ? pclose(p) : -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int64_t json_int(const char *txt, const char *key)
{
	json_t *j = json_loads(txt, JSON_DISABLE_EOF_CHECK, NULL);
	int64_t v = json_integer_value(json_object_get(j, key));
	json_decref(j);
	return v;
}

/* curl multipart to the API with a token; "-w" status appended on the last line. */
#define CURL_F "curl -s -w '\\n%%{http_code}' -H 'Authorization: Bearer %s' "

static long last_status(const char *out)
{
	const char *nl = strrchr(out, '\n');
	return nl ? strtol(nl + 1, NULL, 10) : 0;
}

static int64_t create_folder(const char *title, int64_t sub, int64_t desk, const char *file)
{
	char out[2000];
	sh(out, sizeof out, CURL_F "-F 'dossier={\"titre\":\"%s\",\"sous_type\":%lld,\"bureau\":%lld}' -F 'principal=@%s' %s", tok_agent,
	   title, (long long)sub, (long long)desk, file, srv_url(&S, "/api/v1/parapheur/dossiers"));
	int64_t id = json_int(out, "id");
	if (!id)
		printf("# folder creation: %s\n", out);
	return id;
}

static long act(const char *tok, int64_t folder, const char *action, int64_t desk, const char *pin, char *out, size_t n)
{
	char path[128], body[300];
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)folder);
	if (pin)
		snprintf(body, sizeof body, "{\"action\":\"%s\",\"bureau\":%lld,\"pin\":\"%s\"}", action, (long long)desk, pin);
	else
		snprintf(body, sizeof body, "{\"action\":\"%s\",\"bureau\":%lld}", action, (long long)desk);
	struct ht_resp r;
	long st = at_raw(&S, tok, "POST", path, body, &r);
	if (out)
		snprintf(out, n, "%s", r.body.data ? r.body.data : "");
	ht_resp_free(&r);
	return st;
}

/* Latest document of role in the folder, written to W/name; its sha into sha. */
static int fetch_doc(int64_t folder, const char *role, const char *name, char sha[65])
{
	struct err e;
	int rc;
	db_stmt *s = db_query(D, &e, &rc, "SELECT sha256 FROM folder_docs WHERE folder_id = $1 AND role = $2 ORDER BY id DESC LIMIT 1", "it",
			      folder, role);
	int ok = s && rc == DB_ROW;
	if (ok)
		snprintf(sha, 65, "%s", db_col_text(s, 0));
	if (s)
		db_finalize(s);
	if (!ok)
		return -1;
	char path[1200];
	snprintf(path, sizeof path, "%s/blobs/%.2s/%.2s/%s", S.data, sha, sha + 2, sha);
	return sh(NULL, 0, "cp '%s' '%s'", path, name);
}

static int count_docs(int64_t folder, const char *role)
{
	struct err e;
	int rc;
	db_stmt *s = db_query(D, &e, &rc, "SELECT COUNT(*) FROM folder_docs WHERE folder_id = $1 AND role = $2", "it", folder, role);
	int n = s && rc == DB_ROW ? (int)db_col_int64(s, 0) : -1;
	if (s)
		db_finalize(s);
	return n;
}

static char TOP[700], OPL[700];

int main(void)
{
	/* tests/run exports OPALE=<top>/opale */
	snprintf(OPL, sizeof OPL, "%s", getenv("OPALE") ? getenv("OPALE") : "./opale");
	snprintf(TOP, sizeof TOP, "%s", OPL);
	if (strrchr(TOP, '/'))
		*strrchr(TOP, '/') = 0;
	else
		snprintf(TOP, sizeof TOP, ".");
	setenv("OPALE_JOBS_POLL_MS", "200", 1);
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.admin", tok_admin);
	at_token(&S, D, "ccpo.agent", tok_agent);
	at_token(&S, D, "ccpo.president", tok_pres);
	snprintf(P, sizeof P, "%s/pki", S.data);
	snprintf(W, sizeof W, "%s/work", S.data);
	mkdir(W, 0700);
	char out[8192], cmd[1700];
	snprintf(cmd, sizeof cmd, "bash %s/tests/sign/pki.sh '%s' >/dev/null 2>&1", TOP, P);
	if (!T_OK(system(cmd) == 0, "test PKI generated"))
		return t_done();
	struct err e;
	pdfdoc *pd = pdfdoc_new("/dev/null", "x", &e);   /* the PDFs: text with a #signature# tag */
	pdfdoc_finish(pd, &e);
	char pdf[500];
	snprintf(pdf, sizeof pdf, "%s/convention.pdf", W);
	pd = pdfdoc_new(pdf, "test", &e);
	pdfdoc_title(pd, "Convention de mise à disposition");
	pdfdoc_para(pd, "Fait à Marquise, le Président. #signature#");
	pdfdoc_finish(pd, &e);

	/* ---- keys ---- */
	const char *certs = srv_url(&S, "/api/v1/signature/certificat");
	sh(out, sizeof out, CURL_F "-F p12=@%s/user.p12 -F 'pin=mauvais' %s", tok_pres, P, certs);
	T_EQ_INT(last_status(out), 403, "a wrong PIN is refused at upload (403)");
	T_OK(strstr(out, "sign.pin") != NULL, "… with code sign.pin");
	sh(out, sizeof out, CURL_F "-F p12=@%s/expired.p12 -F 'pin=secret 1234' %s", tok_pres, P, certs);
	T_EQ_INT(last_status(out), 400, "an expired certificate is refused at upload");
	T_OK(strstr(out, "sign.cert_expired") != NULL, "… with code sign.cert_expired");
	sh(out, sizeof out, CURL_F "-F p12=@%s/user.p12 -F 'pin=secret 1234' %s", tok_pres, P, certs);
	T_EQ_INT(last_status(out), 201, "the president stores a PKCS#12 (PIN checked)");
	T_OK(strstr(out, "Jeanne Dupont") != NULL, "… the answer names the certificate's holder");
	sh(out, sizeof out, "base64 -w0 %s/user.p12 | head -c 60", P);
	char p12b64[80];
	snprintf(p12b64, sizeof p12b64, "%.60s", out);
	int rc;
	db_stmt *s = db_query(D, &e, &rc, "SELECT sealed_p12 FROM sign_keys WHERE kind = 'personnel' AND user_id = $1", "i", at_user(D, "ccpo.president"));
	T_OK(s && rc == DB_ROW && !strstr(db_col_text(s, 0), p12b64 + 8), "the stored PKCS#12 is sealed (its bytes do not appear in the row)");
	if (s)
		db_finalize(s);
	s = db_query(D, &e, &rc, "SELECT COUNT(*) FROM sign_keys WHERE sealed_secret <> '' AND kind = 'personnel'", "");
	T_OK(s && rc == DB_ROW && db_col_int64(s, 0) == 0, "no PIN stored for personal keys");
	if (s)
		db_finalize(s);
	char kp[1200];
	snprintf(kp, sizeof kp, "%s/secrets/signature.key", S.data);
	struct stat st;
	T_OK(stat(kp, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_size == 32, "server key: 32 bytes, mode 0600");
	struct ht_resp r;
	T_EQ_INT(at_raw(&S, tok_pres, "GET", "/api/v1/signature/certificat", NULL, &r), 200, "GET my certificate");
	T_OK(r.body.data && strstr(r.body.data, "Opale Test CA"), "… shows the issuer");
	ht_resp_free(&r);
	sh(out, sizeof out, CURL_F "-F p12=@%s/seal.p12 -F 'mot_de_passe=secret 1234' %s", tok_agent, P, srv_url(&S, "/api/v1/signature/cachet"));
	T_EQ_INT(last_status(out), 403, "an agent cannot set the seal");
	sh(out, sizeof out, CURL_F "-F p12=@%s/seal.p12 -F 'mot_de_passe=secret 1234' %s", tok_admin, P, srv_url(&S, "/api/v1/signature/cachet"));
	T_EQ_INT(last_status(out), 201, "the admin sets the collectivité's seal");

	/* ---- two-phase signing ---- */
	const char *base = srv_url(&S, "");
	char baseurl[200];
	snprintf(baseurl, sizeof baseurl, "%.*s", (int)strlen(base) - 1 > 0 && base[strlen(base) - 1] == '/' ? (int)strlen(base) - 1 : (int)strlen(base), base);
	int x = sh(out, sizeof out, "%s sign-remote pades --url %s --token %s --p12 %s/user.p12 --password-file %s/pass.txt --tag '#signature#'"
				    " --reason Approbation convention.pdf remote.pdf", OPL, baseurl, tok_pres, P, P);
	T_EQ_INT(x, 0, "sign-remote pades with a local PKCS#12");
	if (x)
		printf("# %s\n", out);
	sh(out, sizeof out, "pdfsig remote.pdf");
	T_OK(strstr(out, "Signature is Valid") && strstr(out, "Total document signed"), "pdfsig: the two-phase PAdES is valid and total");
	x = sh(out, sizeof out, "%s sign-remote cades --url %s --token %s --p12 %s/user.p12 --password-file %s/pass.txt convention.pdf remote.p7s"
				" && openssl cms -verify -binary -inform DER -in remote.p7s -content convention.pdf -CAfile %s/ca.pem -out /dev/null",
	       OPL, baseurl, tok_pres, P, P, P);
	T_EQ_INT(x, 0, "sign-remote cades, accepted by openssl cms -verify");
	x = sh(out, sizeof out, "%s sign-remote xades --url %s --token %s --p12 %s/user.p12 --password-file %s/pass.txt --role Président"
				" convention.pdf remote.xml && %s verify convention.pdf --detached remote.xml --trust %s/ca.pem",
	       OPL, baseurl, tok_pres, P, P, OPL, P);
	T_EQ_INT(x, 0, "sign-remote xades, verified");
	/* a forged value: phase 1 by hand, phase 2 with random bytes of the right size */
	sh(out, sizeof out, "openssl pkcs12 -in %s/user.p12 -passin 'pass:secret 1234' -nokeys -clcerts -out user-cert.pem 2>/dev/null;"
			    " openssl pkcs12 -in %s/user.p12 -passin 'pass:secret 1234' -nocerts -nodes -out user-key.pem 2>/dev/null;"
			    " curl -s -H 'Authorization: Bearer %s' -F format=cades -F document=@convention.pdf -F certificat=@user-cert.pem %s",
	   P, P, tok_pres, srv_url(&S, "/api/v1/signature/data-to-sign"));
	json_t *j = json_loads(out, 0, NULL);
	const char *sess = json_string_value(json_object_get(j, "session"));
	T_OK(sess && json_array_size(json_object_get(j, "donnees_a_signer")) == 1 && json_integer_value(json_object_get(j, "date_signature")) > 0,
	     "data-to-sign: a session, one value to sign, a frozen signing time");
	char body[1200];
	snprintf(body, sizeof body, "{\"session\":\"%s\",\"signatures\":[\"%s\"]}", sess ? sess : "", "AAAA");
	T_EQ_INT(at_raw(&S, tok_pres, "POST", "/api/v1/signature/assemble", body, &r), 400, "assemble refuses a value that does not verify");
	T_OK(r.body.data && strstr(r.body.data, "sign.remote_mismatch"), "… code sign.remote_mismatch");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_agent, "POST", "/api/v1/signature/assemble", body, &r), 404, "another user cannot use the session");
	ht_resp_free(&r);
	/* the right value, computed here with openssl (RSA PKCS#1 v1.5 over SHA-256 of the DER attributes) */
	sh(out, sizeof out, "printf %%s '%s' | base64 -d > tbs.der && openssl dgst -sha256 -sign user-key.pem tbs.der | base64 -w0",
	   json_string_value(json_array_get(json_object_get(j, "donnees_a_signer"), 0)));
	snprintf(body, sizeof body, "{\"session\":\"%s\",\"signatures\":[\"%.1000s\"]}", sess ? sess : "", out);
	json_decref(j);
	T_EQ_INT(at_raw(&S, tok_pres, "POST", "/api/v1/signature/assemble", body, &r), 200, "assemble with a value made by openssl dgst -sign");
	FILE *f = fopen(kp, "r");   /* (just to reuse a path buffer below) */
	if (f)
		fclose(f);
	char p7[600];
	snprintf(p7, sizeof p7, "%s/byhand.p7s", W);
	f = fopen(p7, "wb");
	if (f) {
		fwrite(r.body.data, 1, r.body.len, f);
		fclose(f);
	}
	ht_resp_free(&r);
	x = sh(out, sizeof out, "openssl cms -verify -binary -inform DER -in byhand.p7s -content convention.pdf -CAfile %s/ca.pem -out /dev/null", P);
	T_EQ_INT(x, 0, "… the assembled .p7s passes openssl cms -verify");

	/* PKCS#11: the same key in a SoftHSM token */
	if (sh(NULL, 0, "test -e /usr/lib/softhsm/libsofthsm2.so && test -e /usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so && command -v pkcs11-tool") == 0) {
		x = sh(out, sizeof out, "mkdir -p hsm && printf 'directories.tokendir = %s/hsm\\nobjectstore.backend = file\\nlog.level = ERROR\\n' > hsm.conf &&"
					" export SOFTHSM2_CONF=%s/hsm.conf && softhsm2-util --init-token --free --label opale --pin 4321 --so-pin 87654321 >/dev/null &&"
					" openssl pkcs8 -topk8 -nocrypt -in user-key.pem -outform DER -out key.der &&"
					" pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so --login --pin 4321 --token-label opale --write-object key.der"
					" --type privkey --id 01 --label jeanne >/dev/null && printf '4321\\n' > pin.txt &&"
					" %s sign-remote pades --url %s --token %s --pkcs11 'pkcs11:token=opale;object=jeanne;type=private' --module"
					" /usr/lib/softhsm/libsofthsm2.so --pin-file pin.txt --cert user-cert.pem convention.pdf hsm.pdf && pdfsig hsm.pdf",
			   W, W, OPL, baseurl, tok_pres);
		T_OK(x == 0 && strstr(out, "Signature is Valid"), "sign-remote with a PKCS#11 key (SoftHSM): pdfsig valid");
		if (x)
			printf("# %s\n", out);
		x = sh(out, sizeof out, "export SOFTHSM2_CONF=%s/hsm.conf && printf '0000\\n' > bad.txt && %s sign-remote pades --url %s --token %s"
					" --pkcs11 'pkcs11:token=opale;object=jeanne;type=private' --module /usr/lib/softhsm/libsofthsm2.so"
					" --pin-file bad.txt --cert user-cert.pem convention.pdf bad.pdf; test ! -e bad.pdf",
		       W, OPL, baseurl, tok_pres);
		T_OK(x == 0 && strstr(out, "PIN"), "PKCS#11: a wrong token PIN stops before phase 1, no output");
	} else {
		printf("ok # SKIP PKCS#11 (softhsm2 / libengine-pkcs11-openssl / opensc not installed)\n");
	}

	/* ---- verification ---- */
	sh(out, sizeof out, CURL_F "-F document=@remote.pdf %s", tok_agent, srv_url(&S, "/api/v1/verify"));
	T_EQ_INT(last_status(out), 200, "POST /api/v1/verify (any logged-in user)");
	T_OK(strstr(out, "\"valid\":true") && strstr(out, "\"format\":\"PAdES\""), "… reports a valid PAdES");
	sh(out, sizeof out, "cp remote.pdf tampered.pdf && printf 'X' | dd of=tampered.pdf bs=1 seek=400 conv=notrunc 2>/dev/null;"
			    CURL_F "-F document=@tampered.pdf %s", tok_agent, srv_url(&S, "/api/v1/verify"));
	T_OK(strstr(out, "\"integrity\":false") != NULL, "… a tampered copy: integrity false");
	sh(out, sizeof out, CURL_F "-F document=@convention.pdf -F signature=@remote.p7s %s", tok_agent, srv_url(&S, "/api/v1/verify"));
	T_OK(strstr(out, "\"format\":\"CAdES\"") && strstr(out, "\"valid\":true"), "… a document with its detached .p7s");
	sh(out, sizeof out, CURL_F "-F document=@remote.pdf %s", tok_agent, srv_url(&S, "/verifier"));
	T_OK(last_status(out) == 200 && strstr(out, "Jeanne Dupont") && strstr(out, "<h1>Vérifier une signature</h1>"), "the /verifier page shows a French report");
	sh(out, sizeof out, "curl -s -o /dev/null -w '%%{http_code}' -F document=@remote.pdf %s", srv_url(&S, "/api/v1/verify"));
	T_EQ_INT(atoi(out), 401, "verification needs a login");

	/* ---- parapheur: signature then seal ---- */
	snprintf(body, sizeof body, "{\"nom\":\"Secrétariat\",\"titulaires\":[%lld]}", (long long)at_user(D, "ccpo.agent"));
	at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/bureaux", body, &r);
	int64_t sec = json_int(r.body.data, "id");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"nom\":\"Présidence\",\"titulaires\":[%lld]}", (long long)at_user(D, "ccpo.president"));
	at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/bureaux", body, &r);
	int64_t pres = json_int(r.body.data, "id");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"nom\":\"Signature puis cachet\",\"etapes\":[{\"type\":\"signature\",\"bureaux\":[%lld]},"
				    "{\"type\":\"cachet\",\"bureaux\":[%lld]}]}", (long long)pres, (long long)sec);
	at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/circuits", body, &r);
	int64_t circ = json_int(r.body.data, "id");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"nom\":\"Convention signée\",\"format\":\"pades\",\"protocole\":\"none\",\"ville\":\"Marquise\",\"circuit\":%lld}", (long long)circ);
	at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/types", body, &r);
	int64_t sub = json_int(r.body.data, "sous_type"), typ = json_int(r.body.data, "type");
	ht_resp_free(&r);
	db_run(D, &e, "UPDATE folder_types SET stamp_tag = '#signature#' WHERE id = $1", "i", typ);
	int64_t f1 = create_folder("Convention à signer", sub, sec, pdf);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/demarrer", (long long)f1);
	T_EQ_INT(at_raw(&S, tok_agent, "POST", path, NULL, &r), 200, "folder started (signature → cachet)");
	ht_resp_free(&r);
	T_EQ_INT(act(tok_pres, f1, "signature", pres, NULL, out, sizeof out), 400, "signing without a PIN is refused");
	T_OK(strstr(out, "sign.pin_missing") != NULL, "… code sign.pin_missing");
	T_EQ_INT(act(tok_pres, f1, "signature", pres, "0000", out, sizeof out), 403, "a wrong PIN is refused");
	T_EQ_INT(count_docs(f1, "signe"), 0, "… and nothing is stored");
	T_EQ_INT(act(tok_pres, f1, "signature", pres, "secret 1234", out, sizeof out), 200, "the president signs with the PIN");
	char sha[65];
	T_OK(fetch_doc(f1, "signe", "f1-signed.pdf", sha) == 0, "a signed version is stored");
	sh(out, sizeof out, "pdfsig f1-signed.pdf");
	T_OK(strstr(out, "Signature is Valid") && strstr(out, "Total document signed") && strstr(out, "Jeanne Dupont"),
	     "pdfsig: the SIGNATURE step's PAdES is valid, total, by the president's certificate");
	sh(out, sizeof out, "pdftotext f1-signed.pdf - | tr '\\n' ' '");
	T_OK(strstr(out, "Signé électroniquement par Anne Fournier") && strstr(out, "Présidente") && strstr(out, "Pays d'Opale"),
	     "the visible stamp (user's name and fonction, collectivité) is in the page text");
	T_EQ_INT(act(tok_agent, f1, "cachet", sec, NULL, out, sizeof out), 200, "the seal step signs with the collectivité's seal");
	T_EQ_INT(count_docs(f1, "signe"), 2, "… a second signed version");
	T_OK(fetch_doc(f1, "signe", "f1-sealed.pdf", sha) == 0, "… fetched");
	sh(out, sizeof out, "pdfsig f1-sealed.pdf");
	const char *a1 = strstr(out, "Signature is Valid"), *a2 = a1 ? strstr(a1 + 1, "Signature is Valid") : NULL;
	T_OK(a1 && a2 && strstr(out, "Cachet") != NULL, "pdfsig: both signatures valid, the second by the seal");
	if (!(a1 && a2))
		printf("# %s\n", out);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld", (long long)f1);
	at_raw(&S, tok_agent, "GET", path, NULL, &r);
	T_OK(r.body.data && strstr(r.body.data, "\"statut\":\"termine\""), "the folder is finished");
	ht_resp_free(&r);

	/* ---- a CAdES type: detached .p7s of the original ---- */
	snprintf(body, sizeof body, "{\"nom\":\"Signature seule\",\"etapes\":[{\"type\":\"signature\",\"bureaux\":[%lld]}]}", (long long)pres);
	at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/circuits", body, &r);
	int64_t circ2 = json_int(r.body.data, "id");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"nom\":\"Pièce CAdES\",\"format\":\"cades\",\"protocole\":\"none\",\"circuit\":%lld}", (long long)circ2);
	at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/types", body, &r);
	int64_t sub2 = json_int(r.body.data, "sous_type");
	ht_resp_free(&r);
	int64_t f2 = create_folder("Pièce à signer en CAdES", sub2, sec, pdf);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/demarrer", (long long)f2);
	at_raw(&S, tok_agent, "POST", path, NULL, &r);
	ht_resp_free(&r);
	T_EQ_INT(act(tok_pres, f2, "signature", pres, "secret 1234", out, sizeof out), 200, "CAdES type: the president signs");
	T_OK(fetch_doc(f2, "signature", "f2.p7s", sha) == 0, "… a detached signature is stored");
	x = sh(out, sizeof out, "openssl cms -verify -binary -inform DER -in f2.p7s -content convention.pdf -CAfile %s/ca.pem -out /dev/null", P);
	T_EQ_INT(x, 0, "… openssl cms -verify accepts it against the original");

	/* ---- external signatory: the seal on behalf of a partner (the parapheur calls sign_seal_on_behalf) ---- */
	snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", S.data);   /* same server key and store */
	store_init(S.data);
	int64_t f3 = create_folder("Avenant signé par un partenaire", sub, sec, pdf), tenant = 0;
	s = db_query(D, &e, &rc, "SELECT tenant_id FROM folders WHERE id = $1", "i", f3);
	if (s && rc == DB_ROW)
		tenant = db_col_int64(s, 0);
	if (s)
		db_finalize(s);
	T_OK(pa_external_seal(D, tenant, f3, "Jean Martin", "{}", &e) == 0, "pa_external_seal signs for « Jean Martin »");
	T_OK(fetch_doc(f3, "signe", "f3.pdf", sha) == 0, "… a signed version is stored");
	sh(out, sizeof out, "pdfsig f3.pdf | grep -o 'Signature is Valid'; pdftotext f3.pdf - | tr '\\n' ' ' |"
			    " grep -o 'Jean Martin\\|Signataire externe' | sort -u");
	T_OK(strstr(out, "Signature is Valid") && strstr(out, "Jean Martin") && strstr(out, "Signataire externe"),
	     "pdfsig: valid; the stamp names the partner");
	db_run(D, &e, "DELETE FROM sign_keys WHERE kind = 'cachet'", "");
	T_OK(pa_external_seal(D, tenant, f3, "Jean Martin", "{}", &e) < 0 && strcmp(e.code, "sign.no_seal") == 0,
	     "without a seal: sign.no_seal");

	srv_stop(&S);
	return t_done();
}
