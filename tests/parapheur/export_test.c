/* Bordereau de signature and ZIP export on a real server: the demo convention is visa'd by the DGS
 * with an annotation, a PAdES-signed copy and a detached CAdES signature (made here with a throw-away
 * PKI) are added; the bordereau (read with pdftotext) lists the circuit, who acted, the annotation,
 * the document's SHA-256 and the signer's certificate; the ZIP holds the documents with their
 * SHA-256, the signed copy, the detached signature, the bordereau and a PREMIS 3 history whose
 * structure is checked with xmllint; an unknown folder is 404. */
#include "core/buf.h"
#include "apitest.h"
#include "httptest.h"
#include "identity/identity.h"
#include "parapheur/parapheur.h"
#include "sign/sign.h"
#include "srvtest.h"
#include "store/store.h"
#include "t.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static struct srv S;
static db *D;
static char tok_dgs[80], tok_agent[80];

/* Check with the observed text printed on failure. */
static void ok_why(int cond, const char *what, const char *seen)
{
	if (!T_OK(cond, what))
		printf("#   saw: %.5000s\n", seen), fflush(stdout);
}

static void sh(const char *cmd, char *out, size_t n)
{
	size_t k = at_sh(out, n, "%s", cmd);
	while (k && out[k - 1] == '\n' && strstr(cmd, "xmllint --xpath"))
		out[--k] = '\0';  /* xmllint --xpath ends its answer with a newline */
}

int main(void)
{
	setenv("OPALE_JOBS_POLL_MS", "200", 1);
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	store_init(S.data);
	at_token(&S, D, "ccpo.dgs", tok_dgs);
	at_token(&S, D, "ccpo.agent", tok_agent);
	int64_t tenant = at_one(D, "SELECT id FROM collectivites WHERE siren = '246200364'", NULL);
	int64_t folder = at_one(D, "SELECT id FROM folders WHERE title = $1", "Convention e-administration CDG 62");
	int64_t dgs = at_desk(D, "Direction générale des services");
	T_OK(tenant && folder && dgs, "the demo folder waits for the DGS");

	char path[256], body[512];
	struct ht_resp r;
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)folder);
	snprintf(body, sizeof body, "{\"action\":\"visa\",\"bureau\":%lld,\"annotation\":\"Vu, conforme à la délibération n° 2024-17\"}",
		 (long long)dgs);
	T_EQ_INT(at_raw(&S, tok_dgs, "POST", path, body, &r), 200, "the DGS visas with an annotation");
	ht_resp_free(&r);

	/* A signed copy and a detached signature, made with a throw-away PKI. */
	char pki[300], cmd[4096], out[65536];
	snprintf(pki, sizeof pki, "%s/pki", S.data);
	snprintf(cmd, sizeof cmd, "bash tests/sign/pki.sh %s >/dev/null 2>&1 && echo ok", pki);
	sh(cmd, out, sizeof out);
	T_OK(strncmp(out, "ok", 2) == 0, "test PKI created");
	struct sign_key *k = NULL;
	struct err e;
	snprintf(cmd, sizeof cmd, "%s/user.p12", pki);
	T_OK(sign_key_load_p12(cmd, "secret 1234", &k, &e) == 0, "signer key loaded");
	struct err e0;
	int rc;
	db_stmt *s = db_query(D, &e0, &rc, "SELECT sha256 FROM folder_docs WHERE folder_id = $1 AND role = 'principal'", "i", folder);
	char main_sha[65] = "";
	if (s && rc == DB_ROW)
		snprintf(main_sha, sizeof main_sha, "%s", db_col_text(s, 0));
	if (s)
		db_finalize(s);
	char blob[1200];
	store_path(main_sha, blob, sizeof blob);
	buf doc = BUF_INIT, signed_pdf = BUF_INIT, p7s = BUF_INIT;
	buf_read_file(&doc, blob, 50u << 20);
	struct sign_opts o = { .reason = "Signature du Président", .location = "Guînes" };
	T_OK(k && sign_pades(k, doc.data, doc.len, &o, &signed_pdf, &e) == 0, "PAdES copy made");
	struct sign_opts o2 = { 0 };
	T_OK(k && sign_cades(k, doc.data, doc.len, &o2, &p7s, &e) == 0, "detached CAdES made");
	char sha1[65], sha2[65];
	T_OK(store_put_mem(signed_pdf.data, signed_pdf.len, sha1, &e) == 0 && store_put_mem(p7s.data, p7s.len, sha2, &e) == 0,
	     "signed files stored");
	T_OK(pa_folder_add_doc(D, tenant, folder, "signe", "convention-cdg62-signee.pdf", sha1, "application/pdf", (int64_t)signed_pdf.len,
			       &e) == 0 &&
		     pa_folder_add_doc(D, tenant, folder, "signature", "convention-cdg62.pdf.p7s", sha2, "application/pkcs7-signature",
				       (int64_t)p7s.len, &e) == 0,
	     "signed copy and detached signature attached to the folder");
	sign_key_free(k);

	/* Bordereau. */
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/bordereau", (long long)folder);
	T_EQ_INT(at_raw(&S, tok_agent, "GET", path, NULL, &r), 200, "the agent downloads the bordereau");
	T_OK(r.body.len > 5 && memcmp(r.body.data, "%PDF-", 5) == 0 && strstr(r.headers.data, "application/pdf"), "it is a PDF");
	char pdf[400];
	snprintf(pdf, sizeof pdf, "%s/bordereau.pdf", S.data);
	FILE *f = fopen(pdf, "wb");
	fwrite(r.body.data, 1, r.body.len, f);
	fclose(f);
	ht_resp_free(&r);
	snprintf(cmd, sizeof cmd, "pdftotext -layout %s - | tr -s ' \\n' ' '", pdf);
	sh(cmd, out, sizeof out);
	T_OK(strstr(out, "Bordereau de signature") && strstr(out, "Convention e-administration CDG 62"), "title and folder named");
	T_OK(strstr(out, "Communauté de Communes") || strstr(out, "Pays d"), "collectivité named");
	/* Cells wrap (and pdftotext joins hyphenated lines): compare the rest without spaces, line breaks
	 * and hyphens. */
	snprintf(cmd, sizeof cmd, "pdftotext %s - | tr -d ' \\n-'", pdf);
	char flat[65536];
	sh(cmd, flat, sizeof flat);
	ok_why(strstr(flat, "Directiongénéraledesservices") && strstr(flat, "Présidence"), "both desks of the circuit listed", flat);
	T_OK(strstr(flat, "MarcVasseur") && strstr(flat, "Visa") && strstr(flat, "fait"), "the DGS's visa: who and what");
	T_OK(strstr(flat, "enattente"), "the président's step is pending");
	T_OK(strstr(flat, "«Vu,conformeàladélibérationn°202417»"), "the annotation is printed");
	ok_why(strstr(flat, "démarrage") && strstr(flat, "création"), "history actions in French", flat);
	T_OK(main_sha[0] && strstr(flat, main_sha), "the document's SHA-256 is printed");
	T_OK(strstr(flat, "JeanneDupontÉrard") && strstr(flat, "OpaleTestCA"), "the signer's certificate (subject, issuer) is listed");
	T_OK(!strstr(flat, "NONvalide") && strstr(flat, "valide"), "both signatures verify");
	T_OK(strstr(flat, "conventioncdg62signee.pdf") && strstr(flat, "conventioncdg62.pdf.p7s"), "the signed copy and the detached signature are named");

	/* ZIP export. */
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/export", (long long)folder);
	T_EQ_INT(at_raw(&S, tok_agent, "GET", path, NULL, &r), 200, "the agent downloads the ZIP export");
	char zip[400], dir[400];
	snprintf(zip, sizeof zip, "%s/export.zip", S.data);
	snprintf(dir, sizeof dir, "%s/export", S.data);
	f = fopen(zip, "wb");
	fwrite(r.body.data, 1, r.body.len, f);
	fclose(f);
	T_OK(strstr(r.headers.data, "application/zip") && strstr(r.headers.data, "dossier-"), "served as a ZIP attachment");
	ht_resp_free(&r);
	snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s && cd %s && unzip -q %s && find . -type f | sort", dir, dir, dir, zip);
	sh(cmd, out, sizeof out);
	printf("# %s", out);
	T_OK(strstr(out, "-convention-cdg62.pdf") && strstr(out, "./documents/"), "main document in documents/");
	T_OK(strstr(out, "./signes/") && strstr(out, "convention-cdg62-signee.pdf"), "signed copy in signes/");
	T_OK(strstr(out, "./signatures/") && strstr(out, "convention-cdg62.pdf.p7s"), "detached signature in signatures/");
	T_OK(strstr(out, "./bordereau-de-signature.pdf") && strstr(out, "./historique-premis.xml"), "bordereau and PREMIS history");
	snprintf(cmd, sizeof cmd, "cd %s && sha256sum documents/* signes/* signatures/*", dir);
	sh(cmd, out, sizeof out);
	T_OK(strstr(out, main_sha) && strstr(out, sha1) && strstr(out, sha2), "files in the ZIP have the recorded SHA-256");
	snprintf(cmd, sizeof cmd, "cd %s && openssl cms -verify -binary -noverify -inform DER -in signatures/*.p7s -content documents/*.pdf"
				  " -out /dev/null 2>&1", dir);
	sh(cmd, out, sizeof out);
	ok_why(strstr(out, "Verification successful") != NULL, "the exported detached signature verifies with openssl cms", out);
	snprintf(cmd, sizeof cmd, "cd %s && pdfsig signes/*.pdf 2>&1", dir);
	sh(cmd, out, sizeof out);
	T_OK(strstr(out, "Signature is Valid") != NULL, "the exported signed copy verifies with pdfsig");
	snprintf(cmd, sizeof cmd, "cd %s && pdftotext bordereau-de-signature.pdf - | head -3", dir);
	sh(cmd, out, sizeof out);
	T_OK(strstr(out, "Bordereau de signature") != NULL, "the bordereau inside the ZIP reads");
	if (getenv("PA_KEEP_EXPORT")) {
		snprintf(cmd, sizeof cmd, "cp -r %s %s", dir, getenv("PA_KEEP_EXPORT"));
		sh(cmd, out, sizeof out);
	}

	/* PREMIS: well-formed, namespace, structure. */
	snprintf(cmd, sizeof cmd, "xmllint --noout %s/historique-premis.xml 2>&1 && echo wellformed", dir);
	sh(cmd, out, sizeof out);
	ok_why(strstr(out, "wellformed") != NULL, "PREMIS history is well-formed XML", out);
	const char *X = "xmllint --xpath";
	int64_t nevents = at_one(D, "SELECT COUNT(*) FROM folder_events WHERE folder_id = (SELECT id FROM folders WHERE title = $1)",
			     "Convention e-administration CDG 62");
	struct { const char *xpath, *expect, *what; } checks[] = {
		{ "string(/*[local-name()='premis' and namespace-uri()='http://www.loc.gov/premis/v3']/@version)", "3.0",
		  "root premis:premis version 3.0 in the PREMIS 3 namespace" },
		{ "count(/*/*[local-name()='object' and @*[local-name()='type']='premis:intellectualEntity'])", "1",
		  "one intellectual entity (the folder)" },
		{ "count(/*/*[local-name()='object' and @*[local-name()='type']='premis:file'])", "3", "three file objects" },
		{ "count(//*[local-name()='fixity'][*[local-name()='messageDigestAlgorithm']='SHA-256'])", "3", "SHA-256 fixity on each file" },
		{ "count(//*[local-name()='event'][*[local-name()='eventType']='digital signature validation']"
		  "[*[local-name()='eventOutcomeInformation']/*[local-name()='eventOutcome']='valide'])", "2",
		  "one valid signature-validation event per signature" },
		{ "count(//*[local-name()='event'][*[local-name()='eventType']='visa']"
		  "[contains(*[local-name()='eventDetailInformation']/*[local-name()='eventDetail'], 'Vu, conforme')])", "1",
		  "the visa event carries the annotation" },
		{ "count(//*[local-name()='agent'][*[local-name()='agentName']='Marc Vasseur'][*[local-name()='agentType']='person'])", "1",
		  "the DGS is an agent (person)" },
		{ "name(/*/*[1])", "premis:object", "objects come first" },
		{ "name(/*/*[last()])", "premis:agent", "agents come last" },
	};
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		snprintf(cmd, sizeof cmd, "%s \"%s\" %s/historique-premis.xml 2>&1", X, checks[i].xpath, dir);
		sh(cmd, out, sizeof out);
		ok_why(strcmp(out, checks[i].expect) == 0, checks[i].what, out);
	}
	char xp[300];
	snprintf(xp, sizeof xp, "%lld", (long long)nevents + 2);
	snprintf(cmd, sizeof cmd, "%s \"count(/*/*[local-name()='event'])\" %s/historique-premis.xml", X, dir);
	sh(cmd, out, sizeof out);
	ok_why(strcmp(out, xp) == 0, "one PREMIS event per history event, plus the two validations", out);
	snprintf(cmd, sizeof cmd, "%s \"string(//*[local-name()='event'][*[local-name()='eventType']='visa']"
				  "/*[local-name()='linkingObjectIdentifier'][1]/*[local-name()='linkingObjectIdentifierValue'])\" %s/historique-premis.xml",
		 X, dir);
	sh(cmd, out, sizeof out);
	ok_why(strstr(out, "documents/") && strstr(out, "convention-cdg62.pdf"), "the visa event links the document as it stood", out);

	/* Unknown folder. */
	T_EQ_INT(at_raw(&S, tok_agent, "GET", "/api/v1/parapheur/dossiers/999999/bordereau", NULL, &r), 404, "unknown folder: bordereau 404");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_agent, "GET", "/api/v1/parapheur/dossiers/999999/export", NULL, &r), 404, "unknown folder: export 404");
	ht_resp_free(&r);
	snprintf(cmd, sizeof cmd, "ls %s/tmp | grep -c -E 'bordereau|export' || true", S.data);
	sh(cmd, out, sizeof out);
	ok_why(strcmp(out, "0\n") == 0, "no temporary file left behind", out);

	buf_free(&doc);
	buf_free(&signed_pdf);
	buf_free(&p7s);
	db_close(D);
	srv_stop(&S);
	return t_done();
}
