/* Hélios through a real server (both engines): the demo's PES; import of a valid PES_Aller (state
 * « importé », totals, bordereaux), the same file twice (409), broken files refused with the check's
 * findings (code, XPath, line, French), another collectivité's IdColl, an acquittal given as PES_Aller;
 * roles (auditor reads, cannot import); list filters; « visuel PES » in PDF and HTML; acquittals uploaded
 * by hand linked to their file (accepted → acquitté, refused → refusé with the DGFiP code shown),
 * orphan acquittal refused, duplicate refused; « envoyer en signature » creates a parapheur folder of
 * protocol HELIOS, a rejection in the circuit brings the file back to « importé » with the reason;
 * a PES signed elsewhere: deposited on its file, or imported directly (state « signé »), a tampered or
 * foreign one refused. */
#include "apitest.h"
#include "httptest.h"
#include "identity/identity.h"
#include "srvtest.h"
#include "t.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>

static struct srv S;
static db *D;
static char tok_agent[80], tok_audit[80], tok_dgs[80], tok_admin[80];
static char dir[200];

/* Multipart upload of file as « fichier »; returns the status, body (malloc'd) in *out. */
static long upload(const char *tok, const char *path, const char *file, char **out)
{
	char cmd[2000];
	snprintf(cmd, sizeof cmd, "curl -s -w '\\n%%{http_code}' -H 'Authorization: Bearer %s' -F 'fichier=@%s' '%s'", tok, file,
		 srv_url(&S, path));
	FILE *p = popen(cmd, "r");
	buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while (p && (n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_add(&b, chunk, n);
	if (p)
		pclose(p);
	buf_putc(&b, '\0');
	char *nl = strrchr(b.data, '\n');
	long status = nl ? strtol(nl + 1, NULL, 10) : 0;
	if (nl)
		*nl = '\0';
	*out = buf_detach(&b);
	return status;
}

static json_t *jparse(const char *s)
{
	return json_loads(s ? s : "", 0, NULL);
}

static const char *jstr(json_t *j, const char *k)
{
	const char *v = json_string_value(json_object_get(j, k));
	return v ? v : "";
}

static json_t *get_file(int64_t id)
{
	char path[128];
	struct ht_resp r;
	snprintf(path, sizeof path, "/api/v1/helios/fichiers/%lld", (long long)id);
	at_raw(&S, tok_agent, "GET", path, NULL, &r);
	json_t *j = jparse(r.body.data);
	ht_resp_free(&r);
	return j;
}

#define GEN "'%s' pes gen '%s/%s' --idcoll 24620036400015 --idpost 062034 --codcol 123 --codbud 01 --date 2025-11-03 --mandats 8 >/dev/null"

int main(void)
{
	setenv("OPALE_JOBS_POLL_MS", "200", 1);
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.agent", tok_agent);
	at_token(&S, D, "ccpo.auditeur", tok_audit);
	at_token(&S, D, "ccpo.dgs", tok_dgs);
	at_token(&S, D, "ccpo.admin", tok_admin);
	snprintf(dir, sizeof dir, "%.190s/pes", S.data);
	const char *opale = getenv("OPALE") ? getenv("OPALE") : "./opale";
	at_run("mkdir -p '%s'", dir);
	struct ht_resp r;
	char *out = NULL, path[512];

	/* The demo's file. */
	at_raw(&S, tok_agent, "GET", "/api/v1/helios/fichiers", NULL, &r);
	json_t *j = jparse(r.body.data);
	json_t *demo = json_array_get(json_object_get(j, "fichiers"), 0);
	T_EQ_INT(r.status, 200, "the agent lists the PES files");
	T_EQ_STR(jstr(demo, "nomfic"), "PESALR2_24620036400015_251015_001", "the demo's PES_Aller is there");
	T_EQ_STR(jstr(demo, "etat"), "importe", "in state « importé »");
	int64_t demo_id = json_integer_value(json_object_get(demo, "id"));
	json_decref(j);
	ht_resp_free(&r);

	/* Import of valid files. */
	at_run(GEN " --bordereaux 2 --premier 101 --nomfic PES-A", opale, dir, "a.xml");
	at_run(GEN " --bordereaux 1 --premier 201 --nomfic PES-B", opale, dir, "b.xml");
	at_run(GEN " --bordereaux 1 --premier 301 --nomfic PES-C", opale, dir, "c.xml");
	char fa[400], fb[400], fc[400];
	snprintf(fa, sizeof fa, "%s/a.xml", dir);
	snprintf(fb, sizeof fb, "%s/b.xml", dir);
	snprintf(fc, sizeof fc, "%s/c.xml", dir);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/fichiers", fa, &out), 201, "a valid PES_Aller is imported");
	j = jparse(out);
	int64_t ida = json_integer_value(json_object_get(j, "id"));
	T_EQ_STR(jstr(j, "etat"), "importe", "state « importé »");
	T_EQ_INT(json_integer_value(json_object_get(j, "bordereaux")), 2, "2 bordereaux recorded");
	T_EQ_INT(json_integer_value(json_object_get(j, "pieces")), 16, "16 pièces recorded");
	T_EQ_INT(json_integer_value(json_object_get(j, "exercice")), 2025, "exercice 2025");
	json_t *b0 = json_array_get(json_object_get(j, "bordereaux_detail"), 0), *b1 = json_array_get(json_object_get(j, "bordereaux_detail"), 1);
	T_OK(strcmp(jstr(b0, "numero"), "101") == 0 && strcmp(jstr(b1, "numero"), "102") == 0, "bordereaux 101 and 102 in the summary");
	T_EQ_INT(json_integer_value(json_object_get(j, "total_depense")),
		 json_integer_value(json_object_get(b0, "montant")) + json_integer_value(json_object_get(b1, "montant")),
		 "the total is the sum of the bordereaux");
	T_OK(json_integer_value(json_object_get(j, "total_depense")) > 0, "and not zero");
	T_EQ_STR(jstr(json_array_get(json_object_get(j, "historique"), 0), "action"), "import", "history starts with the import");
	json_decref(j);
	free(out);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/fichiers", fa, &out), 409, "the same file twice is refused");
	j = jparse(out);
	T_EQ_INT(json_integer_value(json_object_get(json_object_get(j, "error"), "fichier")), ida, "naming the file imported before");
	json_decref(j);
	free(out);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/fichiers", fb, &out), 201, "a second file");
	j = jparse(out);
	int64_t idb = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	free(out);

	/* Indexed for the search (kind pes): by NomFic and by bordereau number. */
	at_raw(&S, tok_agent, "GET", "/api/v1/recherche?q=PES-A&type=pes", NULL, &r);
	char url[64];
	snprintf(url, sizeof url, "/helios/fichiers/%lld", (long long)ida);
	T_OK(r.status == 200 && r.body.data && strstr(r.body.data, url), "/recherche finds the file by its NomFic");
	ht_resp_free(&r);
	at_raw(&S, tok_agent, "GET", "/api/v1/recherche?q=102", NULL, &r);
	T_OK(r.body.data && strstr(r.body.data, url), "and by a bordereau number");
	ht_resp_free(&r);

	/* Refusals with the check's findings. */
	at_run("sed '0,/<MtBordHT V=\"[0-9.]*\"/s//<MtBordHT V=\"1.00\"/' '%s' > '%s/total.xml'", fc, dir);
	snprintf(path, sizeof path, "%s/total.xml", dir);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/fichiers", path, &out), 422, "a wrong bordereau total is refused (422)");
	j = jparse(out);
	json_t *err = json_object_get(j, "error"), *is = json_array_get(json_object_get(err, "constats"), 0);
	T_EQ_STR(jstr(err, "code"), "pes.non_conforme", "code pes.non_conforme");
	T_EQ_STR(jstr(is, "code"), "pes.total", "the finding is pes.total");
	T_EQ_STR(jstr(is, "dgfip"), "ERREUR_CUMUL_MONTANTS", "with its DGFiP code");
	T_EQ_STR(jstr(is, "chemin"), "/PES_Aller/PES_DepenseAller/Bordereau[1]/BlocBordereau/MtBordHT", "at its XPath");
	T_OK(json_integer_value(json_object_get(is, "ligne")) > 10, "and its line");
	T_OK(strstr(jstr(is, "message"), "différent de la somme") != NULL, "in French");
	json_decref(j);
	free(out);
	at_run("sed 's/<IdColl V=\"24620036400015\"/<IdColl V=\"21620001800017\"/' '%s' > '%s/autre.xml'", fc, dir);
	snprintf(path, sizeof path, "%s/autre.xml", dir);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/fichiers", path, &out), 422, "another collectivité's PES is refused");
	T_OK(strstr(out, "pes.idcoll") && strstr(out, "autre collectivité"), "pes.idcoll, saying why");
	T_OK(strstr(out, "\"ligne\":17,") != NULL, "at the IdColl's line (17)");
	free(out);
	snprintf(path, sizeof path, "%s/vide.xml", dir);
	at_run("printf 'pas du XML' > '%s'", path);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/fichiers", path, &out), 422, "a file that is not XML is refused");
	T_OK(strstr(out, "pes.non_xml") != NULL, "pes.non_xml");
	free(out);
	T_EQ_INT(upload(tok_audit, "/api/v1/helios/fichiers", fc, &out), 403, "the auditor cannot import");
	free(out);
	T_EQ_INT(at_raw(&S, tok_audit, "GET", "/api/v1/helios/fichiers", NULL, &r), 200, "the auditor reads the list");
	ht_resp_free(&r);

	/* Filters and pages. */
	at_raw(&S, tok_agent, "GET", "/api/v1/helios/fichiers?etat=acquitte", NULL, &r);
	T_OK(strstr(r.body.data, "\"fichiers\":[]") != NULL, "no file is acquitté yet");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_agent, "GET", "/helios?etat=importe&exercice=2025", NULL, &r), 200, "the list page answers with filters");
	T_OK(strstr(r.body.data, "PES-A") && strstr(r.body.data, "PES-B") && strstr(r.body.data, "<caption>"), "and lists the files in a table");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/helios/fichiers/%lld", (long long)ida);
	T_EQ_INT(at_raw(&S, tok_audit, "GET", path, NULL, &r), 200, "the file page answers (auditor)");
	T_OK(strstr(r.body.data, "Visuel PES") && strstr(r.body.data, "101") && strstr(r.body.data, "Historique"),
	     "with bordereaux, history and the visuel");
	T_OK(!strstr(r.body.data, "Envoyer en signature"), "no action for the auditor");
	ht_resp_free(&r);
	at_raw(&S, tok_agent, "GET", path, NULL, &r);
	T_OK(strstr(r.body.data, "Envoyer en signature") && strstr(r.body.data, "Déposer le PES signé"), "the agent sees the actions");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/helios/fichiers/%lld/visuel.pdf", (long long)ida);
	T_EQ_INT(at_raw(&S, tok_agent, "GET", path, NULL, &r), 200, "visuel PES as PDF");
	T_OK(r.body.len > 4 && memcmp(r.body.data, "%PDF", 4) == 0, "a PDF");
	char pdf[400];
	snprintf(pdf, sizeof pdf, "%s/visuel.pdf", dir);
	FILE *f = fopen(pdf, "wb");
	if (f) {
		fwrite(r.body.data, 1, r.body.len, f);
		fclose(f);
	}
	ht_resp_free(&r);
	T_EQ_INT(at_run("pdftotext '%s' - | grep -q 'PES-A'", pdf), 0, "pdftotext finds the file's name in it");
	snprintf(path, sizeof path, "/api/v1/helios/fichiers/%lld/visuel?format=html", (long long)ida);
	T_EQ_INT(at_raw(&S, tok_agent, "GET", path, NULL, &r), 200, "visuel PES as HTML");
	T_OK(strstr(r.body.data, "<html lang=\"fr\"") || strstr(r.body.data, "lang=\"fr\""), "a French HTML page");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/helios/fichiers/%lld/pes", (long long)ida);
	T_EQ_INT(at_raw(&S, tok_agent, "GET", path, NULL, &r), 200, "the PES downloads");
	T_OK(r.body.len > 100 && strstr(r.body.data, "PES-A"), "as imported");
	ht_resp_free(&r);

	/* Acquittals by hand. */
	char ack[400];
	snprintf(ack, sizeof ack, "%s/ack-a.xml", dir);
	at_run("'%s' pes acquit --build '%s' --date 2025-11-05 --out '%s'", opale, fa, ack);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/retours", ack, &out), 201, "an acquittal is uploaded by hand");
	j = jparse(out);
	T_EQ_INT(json_integer_value(json_object_get(j, "fichier")), ida, "linked to its file");
	T_EQ_STR(jstr(j, "etat_fichier"), "acquitte", "which becomes « acquitté »");
	json_decref(j);
	free(out);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/retours", ack, &out), 409, "the same acquittal twice is refused");
	free(out);
	snprintf(ack, sizeof ack, "%s/ack-b.xml", dir);
	at_run("'%s' pes acquit --build '%s' --refuse ERREUR_SIGNATURE_BORDEREAU_INVALIDE --libelle 'Bordereau non signé' --out '%s'", opale,
	   fb, ack);
	/* A NomFic the file does not have: the link is made by the bordereaux. */
	at_run("sed -i 's/<NomFic V=\"PES-B\"/<NomFic V=\"AUTRE\"/' '%s'", ack);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/retours", ack, &out), 201, "a refusal is uploaded");
	j = jparse(out);
	T_EQ_INT(json_integer_value(json_object_get(j, "fichier")), idb, "linked by its bordereau to the right file");
	T_EQ_STR(jstr(j, "etat_fichier"), "refuse", "which becomes « refusé »");
	json_decref(j);
	free(out);
	snprintf(path, sizeof path, "/helios/fichiers/%lld", (long long)idb);
	at_raw(&S, tok_agent, "GET", path, NULL, &r);
	T_OK(strstr(r.body.data, "ERREUR_SIGNATURE_BORDEREAU_INVALIDE") && strstr(r.body.data, "Bordereau non signé") &&
	     strstr(r.body.data, "role=\"alert\""), "the file page shows the DGFiP's reason, as an alert");
	ht_resp_free(&r);
	j = get_file(idb);
	json_t *last = json_array_get(json_object_get(j, "historique"), json_array_size(json_object_get(j, "historique")) - 1);
	T_OK(strstr(jstr(last, "detail"), "ERREUR_SIGNATURE_BORDEREAU_INVALIDE") != NULL, "and its history names the DGFiP code");
	json_decref(j);
	at_raw(&S, tok_agent, "GET", "/api/v1/helios/fichiers?etat=acquitte", NULL, &r);
	j = jparse(r.body.data);
	T_EQ_INT(json_array_size(json_object_get(j, "fichiers")), 1, "the filter « acquitté » finds one file");
	json_decref(j);
	ht_resp_free(&r);
	snprintf(ack, sizeof ack, "%s/ack-c.xml", dir);
	at_run("'%s' pes acquit --build '%s' --out '%s'", opale, fc, ack);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/retours", ack, &out), 422, "an acquittal of a file never imported is refused");
	T_OK(strstr(out, "helios.acquit_orphelin") != NULL, "helios.acquit_orphelin");
	free(out);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/fichiers", ack, &out), 415, "an acquittal given as a PES_Aller is refused");
	T_OK(strstr(out, "PES_ACQUIT") != NULL, "saying what it is");
	free(out);

	/* Signature through the parapheur: the demo has a type of protocol HELIOS. */
	snprintf(path, sizeof path, "/api/v1/helios/fichiers/%lld/signature", (long long)demo_id);
	T_EQ_INT(at_raw(&S, tok_agent, "POST", path, "{}", &r), 200, "the demo PES is sent to signature");
	j = jparse(r.body.data);
	int64_t folder = json_integer_value(json_object_get(j, "dossier"));
	T_EQ_STR(jstr(j, "etat"), "en_signature", "state « en signature »");
	T_OK(folder > 0, "a parapheur folder is linked");
	json_decref(j);
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_agent, "POST", path, "{}", &r), 409, "not twice");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld", (long long)folder);
	at_raw(&S, tok_dgs, "GET", path, NULL, &r);
	T_OK(strstr(r.body.data, "PESALR2_24620036400015_251015_001.xml") && strstr(r.body.data, "\"statut\":\"en_cours\"") &&
	     strstr(r.body.data, "text/xml"), "the folder holds the PES as main document and is running");
	ht_resp_free(&r);
	int64_t dgs = at_desk(D, "Direction générale des services");
	char body[256];
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)folder);
	snprintf(body, sizeof body, "{\"action\":\"rejet\",\"bureau\":%lld,\"annotation\":\"Mandat 41 en double\"}", (long long)dgs);
	T_EQ_INT(at_raw(&S, tok_dgs, "POST", path, body, &r), 200, "the DGS rejects the folder");
	ht_resp_free(&r);
	j = get_file(demo_id);
	last = json_array_get(json_object_get(j, "historique"), json_array_size(json_object_get(j, "historique")) - 1);
	T_EQ_STR(jstr(j, "etat"), "importe", "the file is back to « importé »");
	T_OK(strstr(jstr(last, "detail"), "Mandat 41 en double") != NULL, "with the reason in its history");
	json_decref(j);

	/* A PES signed elsewhere (test PKI made now). */
	char pki[400];
	snprintf(pki, sizeof pki, "%s/pki", dir);
	int pk = at_run("bash tests/sign/pki.sh '%s' >/dev/null 2>&1", pki);
	T_EQ_INT(pk, 0, "test PKI generated");
	at_run("head -c 2048 /dev/urandom > '%s/politique.pdf'", dir);
	char sa[400], sc[400];
	snprintf(sa, sizeof sa, "%s/b-signe.xml", dir);
	snprintf(sc, sizeof sc, "%s/c-signe.xml", dir);
	at_run(GEN " --bordereaux 2 --premier 401 --nomfic PES-D", opale, dir, "d.xml");
	char fd[400];
	snprintf(fd, sizeof fd, "%s/d.xml", dir);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/fichiers", fd, &out), 201, "file D imported unsigned");
	j = jparse(out);
	int64_t idd = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	free(out);
	char sd[400];
	snprintf(sd, sizeof sd, "%s/d-signe.xml", dir);
	T_EQ_INT(at_run("'%s' sign pes --p12 '%s/user.p12' --password-file '%s/pass.txt' --policy-file '%s/politique.pdf' '%s' '%s' >/dev/null",
		    opale, pki, pki, dir, fd, sd), 0, "D signed outside (opale sign pes)");
	T_EQ_INT(at_run("'%s' sign pes --p12 '%s/user.p12' --password-file '%s/pass.txt' --policy-file '%s/politique.pdf' '%s' '%s' >/dev/null",
		    opale, pki, pki, dir, fc, sc), 0, "C signed outside too");
	snprintf(path, sizeof path, "/api/v1/helios/fichiers/%lld/pes-signe", (long long)ida);
	T_EQ_INT(upload(tok_agent, path, sd, &out), 409, "a signed PES is not deposited on a file already acquitté");
	free(out);
	snprintf(path, sizeof path, "/api/v1/helios/fichiers/%lld/pes-signe", (long long)demo_id);
	T_EQ_INT(upload(tok_agent, path, sd, &out), 422, "nor on another file");
	T_OK(strstr(out, "helios.autre_fichier") != NULL, "helios.autre_fichier");
	free(out);
	char st[400];
	snprintf(st, sizeof st, "%s/d-altere.xml", dir);
	at_run("sed 's/RUE DES LILAS/RUE DES ROSES/' '%s' > '%s'", sd, st);
	snprintf(path, sizeof path, "/api/v1/helios/fichiers/%lld/pes-signe", (long long)idd);
	T_EQ_INT(upload(tok_agent, path, st, &out), 422, "a signed PES altered after signing is refused");
	T_OK(strstr(out, "helios.signature") != NULL, "helios.signature");
	free(out);
	T_EQ_INT(upload(tok_agent, path, sd, &out), 200, "the signed PES is deposited on its file");
	j = jparse(out);
	T_EQ_STR(jstr(j, "etat"), "signe", "which becomes « signé »");
	T_OK(strlen(jstr(j, "sha256_signe")) == 64, "the signed version is kept");
	json_decref(j);
	free(out);
	snprintf(path, sizeof path, "/api/v1/helios/fichiers/%lld/pes?signe=1", (long long)idd);
	at_raw(&S, tok_agent, "GET", path, NULL, &r);
	T_OK(r.status == 200 && strstr(r.body.data, "ds:Signature") != NULL, "the signed PES downloads");
	ht_resp_free(&r);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/fichiers", sc, &out), 201, "a PES already signed is imported");
	j = jparse(out);
	T_EQ_STR(jstr(j, "etat"), "signe", "straight to « signé »");
	T_EQ_STR(jstr(j, "sha256_signe"), jstr(j, "sha256"), "the imported file is the signed one");
	json_decref(j);
	free(out);

	/* Settings: on the page for administrators only, then a codique that differs is an error at import. */
	at_raw(&S, tok_admin, "GET", "/helios", NULL, &r);
	T_OK(strstr(r.body.data, "Identifiants auprès du comptable") && strstr(r.body.data, "value=\"062034\""),
	     "the administrator sees the treasury identifiers (the demo's IdPost)");
	ht_resp_free(&r);
	at_raw(&S, tok_agent, "GET", "/helios", NULL, &r);
	T_OK(!strstr(r.body.data, "Identifiants auprès du comptable"), "the agent does not");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_admin, "PUT", "/api/v1/helios/parametres", "{\"idpost\":\"062099\",\"codcol\":\"123\",\"codbud\":\"01\"}", &r), 200,
		 "the admin sets the poste comptable");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_agent, "PUT", "/api/v1/helios/parametres", "{\"idpost\":\"062034\"}", &r), 403, "an agent cannot");
	ht_resp_free(&r);
	/* a TdT account of its own for Hélios: the password sealed, never shown back; the identifiers kept */
	T_EQ_INT(at_raw(&S, tok_admin, "PUT", "/api/v1/helios/parametres",
			"{\"idpost\":\"062099\",\"codcol\":\"123\",\"codbud\":\"01\",\"tdt_url\":\"ftp://x\"}", &r), 400,
		 "a TdT address that is not http(s) is refused");
	T_OK(strstr(r.body.data, "helios.tdt_url") != NULL, "… helios.tdt_url");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_admin, "PUT", "/api/v1/helios/parametres",
			"{\"idpost\":\"062099\",\"codcol\":\"123\",\"codbud\":\"01\",\"tdt_url\":\"https://s2low-helios.example.fr\","
			"\"tdt_login\":\"ccpo-pes\",\"tdt_password\":\"Tr3sor-Secret\"}", &r), 200, "the admin sets a TdT account for Hélios");
	T_OK(strstr(r.body.data, "\"tdt_login\":\"ccpo-pes\"") && strstr(r.body.data, "\"tdt_password_enregistre\":true") &&
		     !strstr(r.body.data, "Tr3sor-Secret") && strstr(r.body.data, "\"idpost\":\"062099\""),
	     "… its address and login given back, the password only said to be kept");
	ht_resp_free(&r);
	{
		struct err qe;
		int qrc;
		db_stmt *q = db_query(D, &qe, &qrc, "SELECT tdt_password FROM helios_settings", "");
		T_OK(q && qrc == DB_ROW && strncmp(db_col_text(q, 0), "sealed:", 7) == 0 && !strstr(db_col_text(q, 0), "Tr3sor"),
		     "the password is stored sealed with the server key");
		if (q)
			db_finalize(q);
	}
	at_raw(&S, tok_admin, "GET", "/helios", NULL, &r);
	T_OK(strstr(r.body.data, "Compte du tiers de télétransmission pour Hélios") && strstr(r.body.data, "value=\"ccpo-pes\"") &&
		     strstr(r.body.data, "enregistré (chiffré)") && !strstr(r.body.data, "Tr3sor-Secret"),
	     "the page shows the account to the administrator, never the password");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_admin, "PUT", "/api/v1/helios/parametres",
			"{\"idpost\":\"062099\",\"codcol\":\"123\",\"codbud\":\"01\",\"tdt_url\":\"\",\"tdt_password\":\"\"}", &r), 200,
		 "the account emptied: back to the @ctes one");
	T_OK(strstr(r.body.data, "\"tdt_url\":\"\"") && strstr(r.body.data, "\"tdt_password_enregistre\":false"), "… address and password forgotten");
	ht_resp_free(&r);
	at_run(GEN " --bordereaux 1 --premier 501 --nomfic PES-E", opale, dir, "e.xml");
	snprintf(path, sizeof path, "%s/e.xml", dir);
	T_EQ_INT(upload(tok_agent, "/api/v1/helios/fichiers", path, &out), 422, "a PES for another poste comptable is refused");
	T_OK(strstr(out, "pes.idpost") != NULL, "pes.idpost");
	free(out);

	db_close(D);
	srv_stop(&S);
	return t_done();
}
