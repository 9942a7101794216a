/* External signatory against the real SMTP test server: a folder reaches its external step; the
 * emitter sends the partner the link (only then, only the emitter or an administrator); the link
 * opens a page that shows nothing of the document; a one-time code is e-mailed; a wrong code counts,
 * five wrong codes lock it; the right one opens the document (cookie-bound, not the link alone) and
 * records the verification in the history; « Signer » is refused while the collectivité has no seal;
 * with its seal installed the partner signs: the step is done, the folder finished, the sealed copy
 * verifies with pdfsig and its stamp names the partner, the history carries the evidence. */
#include "core/buf.h"
#include "apitest.h"
#include "httptest.h"
#include "identity/identity.h"
#include "parapheur/parapheur.h"
#include "srvtest.h"
#include "t.h"
#include "web/pdfdoc.h"

#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

static struct srv S;
static db *D;
static const char *MAILDIR;
static char tok_admin[80], tok_agent[80], tok_dgs[80];

/* Anonymous browser with its own cookie jar. */
static long pub(const char *jar, const char *method, const char *path, const char *form, struct ht_resp *r)
{
	ht_request(method, srv_url(&S, path), form ? "application/x-www-form-urlencoded" : NULL, form, form ? strlen(form) : 0, NULL, jar, r);
	return r->status;
}

/* Waits for a mail to addr containing needle; copies the text after `after` up to a delimiter. */
static int grab(const char *addr, const char *needle, const char *after, char *out, size_t n)
{
	const char *needles[] = { needle, after, NULL };
	buf c = BUF_INIT;
	int found = at_mail(MAILDIR, addr, needles, 15, &c);
	if (found) {
		const char *p = strstr(c.data, after) + strlen(after);
		snprintf(out, n, "%.*s", (int)strcspn(p, "\r\n \"<"), p);
	}
	buf_free(&c);
	return found;
}

int main(void)
{
	int up = srv_start_mail(&S, "https://opale.example.fr", &MAILDIR);
	if (!T_OK(up != -1, "the SMTP test server runs") || !T_OK(up == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.admin", tok_admin);
	at_token(&S, D, "ccpo.agent", tok_agent);
	at_token(&S, D, "ccpo.dgs", tok_dgs);
	int64_t dgs = at_desk(D, "Direction générale des services");
	int64_t sec = at_desk(D, "Secrétariat général");
	int64_t cci = at_one(D, "SELECT id FROM desks WHERE name LIKE 'CCI%'", NULL);
	struct ht_resp r;
	char body[1024], path[256];
	snprintf(body, sizeof body, "{\"nom\":\"Visa DGS puis CCI\",\"etapes\":[{\"type\":\"visa\",\"bureaux\":[%lld]},"
				    "{\"type\":\"externe\",\"bureaux\":[%lld]}]}", (long long)dgs, (long long)cci);
	T_EQ_INT(at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/circuits", body, &r), 201, "circuit visa DGS → external CCI");
	int64_t circ = at_json_id(&r, "id");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"nom\":\"Avenant externe\",\"format\":\"pades\",\"protocole\":\"none\",\"circuit\":%lld}", (long long)circ);
	T_EQ_INT(at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/types", body, &r), 201, "type with that circuit");
	int64_t sub = at_json_id(&r, "sous_type");
	ht_resp_free(&r);
	char pdf[300], out[8192];
	snprintf(pdf, sizeof pdf, "%s/avenant.pdf", S.data);
	struct err e;
	at_pdf(pdf, "Avenant n° 2 à la convention de partenariat CCI", NULL);
	snprintf(body, sizeof body, "{\"titre\":\"Avenant CCI n° 2\",\"sous_type\":%lld,\"bureau\":%lld}", (long long)sub, (long long)sec);
	int64_t folder = at_folder(&S, tok_agent, body, pdf);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/demarrer", (long long)folder);
	T_EQ_INT(at_raw(&S, tok_agent, "POST", path, NULL, &r), 200, "the agent starts the folder");
	ht_resp_free(&r);
	const char *send = "{\"nom\":\"Jean Martin, vice-président de la CCI\",\"email\":\"jean.martin@cci-littoral.example\"}";
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/externe", (long long)folder);
	T_EQ_INT(at_raw(&S, tok_agent, "POST", path, send, &r), 409, "no link before the external step");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)folder);
	snprintf(body, sizeof body, "{\"action\":\"visa\",\"bureau\":%lld}", (long long)dgs);
	T_EQ_INT(at_raw(&S, tok_dgs, "POST", path, body, &r), 200, "the DGS visas: the external step opens");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/externe", (long long)folder);
	T_EQ_INT(at_raw(&S, tok_dgs, "POST", path, send, &r), 403, "the DGS (not the emitter, not admin) may not send the link");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_agent, "POST", path, "{\"nom\":\"Jean Martin\",\"email\":\"pas-une-adresse\"}", &r), 400, "a bad address is refused");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_agent, "POST", path, send, &r), 201, "the emitter sends the link");
	ht_resp_free(&r);
	char tok[128] = "";
	T_OK(grab("jean.martin@cci-littoral.example", "Avenant CCI n° 2", "https://opale.example.fr/externe/", tok, sizeof tok) && strlen(tok) > 20,
	     "the partner receives the link by e-mail");

	/* The public page. */
	char jar[300], other[300];
	snprintf(jar, sizeof jar, "%s/jar", S.data);
	snprintf(other, sizeof other, "%s/jar2", S.data);
	char link[256], lpath[300];
	snprintf(link, sizeof link, "/externe/%s", tok);
	T_EQ_INT(pub(jar, "GET", link, NULL, &r), 200, "the link opens without an account");
	T_OK(strstr(r.body.data, "Recevoir un code") && strstr(r.body.data, "j•••@cci-littoral.example") && !strstr(r.body.data, "/document"),
	     "it offers a code to a masked address and shows no document yet");
	ht_resp_free(&r);
	T_EQ_INT(pub(jar, "GET", "/externe/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL, &r), 404, "an unknown link is 404");
	ht_resp_free(&r);
	snprintf(lpath, sizeof lpath, "%s/document", link);
	T_EQ_INT(pub(jar, "GET", lpath, NULL, &r), 403, "the document is not readable with the link alone");
	ht_resp_free(&r);
	snprintf(lpath, sizeof lpath, "%s/code", link);
	T_EQ_INT(pub(jar, "POST", lpath, "", &r), 303, "a code is asked");
	ht_resp_free(&r);
	char code[16] = "";
	T_OK(grab("jean.martin@cci-littoral.example", "Votre code", "» : ", code, sizeof code) && strlen(code) == 6, "a 6-digit code arrives by e-mail");
	T_EQ_INT(pub(jar, "POST", lpath, "", &r), 303, "asking again at once…");
	T_OK(strstr(r.headers.data, "opale_flash=erreur") != NULL, "…is refused (one code a minute)");
	ht_resp_free(&r);
	snprintf(lpath, sizeof lpath, "%s/verifier", link);
	char wrong[32];
	snprintf(wrong, sizeof wrong, "code=%06d", (atoi(code) + 1) % 1000000);
	T_EQ_INT(pub(jar, "POST", lpath, wrong, &r), 303, "a wrong code…");
	T_OK(strstr(r.headers.data, "opale_flash=erreur") && at_one(D, "SELECT otp_attempts FROM external_requests WHERE state = 'envoye'", NULL) == 1,
	     "…is refused and counted");
	ht_resp_free(&r);
	char right[32];
	snprintf(right, sizeof right, "code=%s", code);
	for (int i = 0; i < 4; i++) {
		pub(jar, "POST", lpath, wrong, &r);
		ht_resp_free(&r);
	}
	pub(jar, "POST", lpath, right, &r);
	T_OK(strstr(r.headers.data, "opale_flash=erreur") && !strstr(r.headers.data, "opale_externe="),
	     "after five wrong codes, even the right one is refused");
	ht_resp_free(&r);
	struct err e3;
	db_run(D, &e3, "UPDATE external_requests SET otp_sent_at = otp_sent_at - 61", "");
	snprintf(lpath, sizeof lpath, "%s/code", link);
	T_EQ_INT(pub(jar, "POST", lpath, "", &r), 303, "a minute later, a new code is asked");
	ht_resp_free(&r);
	T_OK(grab("jean.martin@cci-littoral.example", "Votre code", "» : ", code, sizeof code) && strlen(code) == 6, "and arrives");
	snprintf(right, sizeof right, "code=%s", code);
	snprintf(lpath, sizeof lpath, "%s/verifier", link);
	T_EQ_INT(pub(jar, "POST", lpath, right, &r), 303, "the right code is accepted");
	T_OK(strstr(r.headers.data, "opale_externe=") != NULL, "and opens a session for this browser");
	ht_resp_free(&r);
	T_EQ_INT(pub(jar, "GET", link, NULL, &r), 200, "the page now");
	T_OK(strstr(r.body.data, "Lire le document") && strstr(r.body.data, "Signer le document"), "offers the document and the signature");
	ht_resp_free(&r);
	snprintf(lpath, sizeof lpath, "%s/document", link);
	T_EQ_INT(pub(jar, "GET", lpath, NULL, &r), 200, "the verified browser reads the document");
	T_OK(r.body.len > 5 && memcmp(r.body.data, "%PDF-", 5) == 0, "it is the PDF");
	ht_resp_free(&r);
	T_EQ_INT(pub(other, "GET", lpath, NULL, &r), 403, "another browser with the same link cannot");
	ht_resp_free(&r);
	T_OK(at_one(D, "SELECT COUNT(*) FROM folder_events WHERE folder_id = (SELECT folder_id FROM external_requests LIMIT 1)"
		" AND action = 'code vérifié (signataire externe)'", NULL) == 1, "the verification is in the folder's history");

	snprintf(lpath, sizeof lpath, "%s/signer", link);
	T_EQ_INT(pub(jar, "POST", lpath, "", &r), 303, "signing without ticking the consent…");
	T_OK(strstr(r.headers.data, "opale_flash=erreur") != NULL, "…is sent back");
	ht_resp_free(&r);
	T_EQ_INT(pub(jar, "POST", lpath, "consentement=oui", &r), 404, "without a collectivité seal, « Signer » is refused…");
	T_OK(strstr(r.body.data, "cachet") != NULL, "…saying the seal is missing");
	ht_resp_free(&r);
	T_OK(at_one(D, "SELECT COUNT(*) FROM folders WHERE status = 'en_cours' AND title = $1", "Avenant CCI n° 2") == 1, "the folder still waits");

	/* The administrator installs the collectivité's seal (throw-away PKI); the partner signs. */
	char pki[300];
	snprintf(pki, sizeof pki, "%s/pki", S.data);
	at_sh(out, sizeof out, "bash tests/sign/pki.sh %s >/dev/null 2>&1 && curl -s -o /dev/null -w '%%{http_code}' -H 'Authorization: Bearer %s'"
				  " -F 'p12=@%s/seal.p12' -F 'mot_de_passe=secret 1234' %s", pki, tok_admin, pki, srv_url(&S, "/api/v1/signature/cachet"));
	T_EQ_STR(out, "201", "the collectivité's seal is installed");
	T_EQ_INT(pub(jar, "POST", lpath, "consentement=oui", &r), 303, "the partner signs");
	T_OK(strstr(r.headers.data, "opale_flash=ok") != NULL, "successfully");
	ht_resp_free(&r);
	T_OK(at_one(D, "SELECT COUNT(*) FROM folders WHERE status = 'termine' AND title = $1", "Avenant CCI n° 2") == 1, "the folder is finished");
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM external_requests WHERE state = 'signe' AND evidence LIKE '%ip_signature%' AND evidence LIKE '%code_verifie_le%'",
		    NULL), 1, "the evidence is kept with the request");
	/* The sealed copy: pdfsig finds a valid signature; its stamp names the partner. */
	struct err e0;
	int rc0;
	char sha[65] = "", blob[1200];
	db_stmt *st = db_query(D, &e0, &rc0, "SELECT sha256 FROM folder_docs WHERE folder_id = $1 AND role = 'signe' ORDER BY id DESC LIMIT 1", "i",
			       folder);
	if (st && rc0 == DB_ROW)
		snprintf(sha, sizeof sha, "%s", db_col_text(st, 0));
	if (st)
		db_finalize(st);
	T_OK(sha[0] != 0, "a sealed copy is stored with the folder");
	snprintf(blob, sizeof blob, "%s/blobs/%.2s/%.2s/%s", S.data, sha, sha + 2, sha);
	at_sh(out, sizeof out, "pdfsig %s 2>&1", blob);
	T_OK(strstr(out, "Signature is Valid") != NULL, "pdfsig: the seal signature is valid");
	at_sh(out, sizeof out, "pdftotext %s - | tr -s ' \\n' ' '", blob);
	T_OK(strstr(out, "Jean Martin") && strstr(out, "Signataire externe"), "its stamp names the partner as external signatory");
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld", (long long)folder);
	T_EQ_INT(at_raw(&S, tok_agent, "GET", path, NULL, &r), 200, "the folder");
	T_OK(strstr(r.body.data, "signature externe") && strstr(r.body.data, "Jean Martin, vice-président de la CCI (jean.martin@cci-littoral.example)") &&
		     strstr(r.body.data, "code à usage unique vérifié le"),
	     "its history names the partner and the code evidence");
	ht_resp_free(&r);
	int64_t xid = at_one(D, "SELECT id FROM external_requests WHERE state = 'signe'", NULL);
	T_OK(pa_external_sign(D, xid, "203.0.113.7", "test-agent", &e) < 0 && e.status == 409, "signing twice is refused");
	T_EQ_INT(pub(jar, "GET", link, NULL, &r), 200, "the link afterwards");
	T_OK(strstr(r.body.data, "Vous avez signé") != NULL, "says it is signed");
	ht_resp_free(&r);

	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/externe", (long long)folder);
	T_EQ_INT(at_raw(&S, tok_agent, "POST", path, send, &r), 409, "no new link once the step is done");
	ht_resp_free(&r);
	db_close(D);
	srv_stop(&S);
	return t_done();
}
