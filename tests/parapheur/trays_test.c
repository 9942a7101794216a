/* Trays with search and filters, and bulk actions from the web page, on a real server: filters by
 * title, type, metadata and creation date (API and page); the same visa on four selected folders
 * where two succeed and two report why (another desk's folder, an unknown one); a bulk rejection
 * without a reason fails for each folder with the rule; an empty selection is refused. */
#include "core/buf.h"
#include "apitest.h"
#include "httptest.h"
#include "identity/identity.h"
#include "srvtest.h"
#include "t.h"
#include "web/pdfdoc.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>

static struct srv S;
static db *D;
static char tok_agent[80], tok_dgs[80];

static int64_t new_folder(const char *title, int64_t subtype, int64_t desk, const char *montant, const char *file)
{
	char js[512];
	snprintf(js, sizeof js, "{\"titre\":\"%s\",\"sous_type\":%lld,\"bureau\":%lld,\"metadonnees\":{\"montant\":\"%s\"}}", title,
		 (long long)subtype, (long long)desk, montant);
	int64_t id = at_folder(&S, tok_agent, js, file);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/demarrer", (long long)id);
	struct ht_resp r;
	at_req(&S, tok_agent, "POST", path, NULL, NULL, &r);
	ht_resp_free(&r);
	return id;
}

/* Titles listed by the API tray with a query string. */
static void titles(int64_t desk, const char *tray, const char *query, char *out, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "/api/v1/parapheur/bureaux/%lld/bannettes/%s%s%s", (long long)desk, tray, query ? "?" : "", query ? query : "");
	struct ht_resp r;
	at_req(&S, tok_dgs, "GET", path, NULL, NULL, &r);
	json_t *j = json_loads(r.body.data ? r.body.data : "", 0, NULL);
	size_t i, o = 0;
	json_t *f;
	out[0] = '\0';
	json_array_foreach(json_object_get(j, "dossiers"), i, f)
		o += (size_t)snprintf(out + o, n - o, "%s%s", o ? "|" : "", json_string_value(json_object_get(f, "titre")));
	json_decref(j);
	ht_resp_free(&r);
}

int main(void)
{
	setenv("OPALE_JOBS_POLL_MS", "200", 1);
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.agent", tok_agent);
	at_token(&S, D, "ccpo.dgs", tok_dgs);
	int64_t dgs = at_desk(D, "Direction générale des services");
	int64_t dga = at_desk(D, "Direction générale adjointe");
	int64_t sec = at_desk(D, "Secrétariat général");
	int64_t conv = at_one(D, "SELECT id FROM folder_subtypes WHERE name = $1", "Convention d'adhésion");
	int64_t aven = at_one(D, "SELECT id FROM folder_subtypes WHERE name = $1", "Avenant avec signature externe");
	int64_t t_aven = at_one(D, "SELECT id FROM folder_types WHERE name = $1", "Avenant de partenariat");
	char pdf[300];
	snprintf(pdf, sizeof pdf, "%s/c.pdf", S.data);
	at_pdf(pdf, NULL, "Convention de test");
	int64_t a = new_folder("Convention Alpha", conv, sec, "100", pdf);
	int64_t b = new_folder("Convention Bravo", conv, sec, "50000", pdf);
	int64_t c = new_folder("Avenant Charlie", aven, sec, "50000", pdf);
	T_OK(a && b && c, "three folders started (two wait on the DGS, one on the DGA)");

	char out[2048];
	titles(dgs, "a-traiter", NULL, out, sizeof out);
	T_EQ_STR(out, "Convention e-administration CDG 62|Convention Alpha|Convention Bravo", "the DGS's tray without filter");
	titles(dgs, "a-traiter", "q=bravo", out, sizeof out);
	T_EQ_STR(out, "Convention Bravo", "title filter (case-insensitive)");
	titles(dgs, "a-traiter", "cle=montant&valeur=50000", out, sizeof out);
	T_EQ_STR(out, "Convention Bravo", "metadata filter");
	char q[128];
	snprintf(q, sizeof q, "type=%lld", (long long)t_aven);
	titles(dgs, "a-traiter", q, out, sizeof out);
	T_EQ_STR(out, "", "type filter: no avenant on the DGS");
	titles(dga, "a-traiter", q, out, sizeof out);
	T_EQ_STR(out, "Avenant Charlie", "type filter: the avenant on the DGA");
	snprintf(q, sizeof q, "du=%lld", (long long)identity_now() + 3600);
	titles(dgs, "a-traiter", q, out, sizeof out);
	T_EQ_STR(out, "", "creation date filter");

	struct ht_resp r;
	char path[256];
	snprintf(path, sizeof path, "/parapheur/bureaux/%lld/bannettes/a-traiter?q=Alpha", (long long)dgs);
	T_EQ_INT(at_req(&S, tok_dgs, "GET", path, NULL, NULL, &r), 200, "the tray page with a search");
	T_OK(strstr(r.body.data, "Convention Alpha") && !strstr(r.body.data, "Convention Bravo") && strstr(r.body.data, "name=\"dossiers\""),
	     "lists the match only, with a checkbox");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/parapheur/bureaux/%lld/bannettes/nulle-part", (long long)dgs);
	T_EQ_INT(at_req(&S, tok_dgs, "GET", path, NULL, NULL, &r), 404, "an unknown tray is 404");
	ht_resp_free(&r);

	/* Bulk visa: Alpha and Bravo succeed; Charlie (on the DGA) and an unknown folder fail. */
	snprintf(path, sizeof path, "/parapheur/bureaux/%lld/actions-groupees", (long long)dgs);
	char body[512];
	snprintf(body, sizeof body, "bannette=a-traiter&action=rejet&annotation=&dossiers=%lld&dossiers=%lld", (long long)a, (long long)b);
	T_EQ_INT(at_req(&S, tok_dgs, "POST", path, "application/x-www-form-urlencoded", body, &r), 200, "a bulk rejection without a reason");
	T_OK(strstr(r.body.data, "0 réussi(s), 2 échec(s)") && strstr(r.body.data, "motif public"), "fails for each folder, saying why");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "bannette=a-traiter&action=visa&annotation=Vu&dossiers=%lld&dossiers=%lld&dossiers=%lld&dossiers=999999",
		 (long long)a, (long long)b, (long long)c);
	T_EQ_INT(at_req(&S, tok_dgs, "POST", path, "application/x-www-form-urlencoded", body, &r), 200, "a bulk visa of four folders");
	T_OK(strstr(r.body.data, "2 réussi(s), 2 échec(s)") != NULL, "two succeed, two fail");
	T_OK(strstr(r.body.data, "Avenant Charlie</a> : <strong>échec</strong>") && strstr(r.body.data, "Dossier introuvable"),
	     "each failure says which folder and why");
	ht_resp_free(&r);
	titles(dgs, "a-traiter", NULL, out, sizeof out);
	T_EQ_STR(out, "Convention e-administration CDG 62", "the visa'd folders left the DGS's tray");
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM folder_events WHERE action = 'visa' AND annotation = 'Vu'", NULL), 2, "two visas recorded with the annotation");
	T_EQ_INT(at_req(&S, tok_dgs, "POST", path, "application/x-www-form-urlencoded", "bannette=a-traiter&action=visa", &r), 303,
		 "an empty selection is sent back");
	T_OK(strstr(r.headers.data, "opale_flash=erreur") != NULL, "with a message");
	ht_resp_free(&r);
	T_EQ_INT(at_req(&S, tok_agent, "POST", path, "application/x-www-form-urlencoded", "bannette=a-traiter&action=visa&dossiers=1", &r), 200,
		 "an agent who does not own the DGS desk…");
	T_OK(strstr(r.body.data, "0 réussi(s), 1 échec(s)") && strstr(r.body.data, "ni titulaire ni délégataire"), "…is refused folder by folder");
	ht_resp_free(&r);

	/* Creation page: a folder from the browser form (multipart), started at once; an office file refused;
	 * a draft started later from its page. */
	T_EQ_INT(at_req(&S, tok_agent, "GET", "/parapheur/nouveau-dossier", NULL, NULL, &r), 200, "the creation page opens");
	T_OK(strstr(r.body.data, "enctype=\"multipart/form-data\"") && strstr(r.body.data, "Convention — Convention d&#39;adhésion"),
	     "a multipart form with the sub-types");
	ht_resp_free(&r);
	char hdrs[2048];
	at_sh(hdrs, sizeof hdrs, "curl -s -D - -o /dev/null -H 'Authorization: Bearer %s' -F 'titre=Convention Delta' -F 'sous_type=%lld'"
				  " -F 'bureau=%lld' -F 'echeance=2031-05-04' -F 'meta_cle1=montant' -F 'meta_valeur1=70000' -F 'principal=@%s'"
				  " -F 'demarrer=oui' %s", tok_agent, (long long)conv, (long long)sec, pdf, srv_url(&S, "/parapheur/dossiers"));
	int64_t delta = at_one(D, "SELECT id FROM folders WHERE title = $1", "Convention Delta");
	char loc[128];
	snprintf(loc, sizeof loc, "/parapheur/dossiers/%lld", (long long)delta);
	T_OK(strstr(hdrs, " 303") && strstr(hdrs, loc) && strstr(hdrs, "opale_flash=ok"), "the form creates the folder and opens it");
	T_OK(at_one(D, "SELECT COUNT(*) FROM folders WHERE title = $1 AND status = 'en_cours' AND metadata LIKE '%70000%' AND due_at > 0",
		"Convention Delta") == 1, "started, with its metadata and due date");
	titles(dgs, "a-traiter", "q=delta", out, sizeof out);
	T_EQ_STR(out, "Convention Delta", "it waits on the DGS");
	char odt[300];
	snprintf(odt, sizeof odt, "%s/lettre.docx", S.data);
	FILE *fo = fopen(odt, "wb");
	fwrite("PK\x03\x04 not a pdf", 1, sizeof "PK\x03\x04 not a pdf" - 1, fo);
	fclose(fo);
	at_sh(hdrs, sizeof hdrs, "curl -s -D - -o /dev/null -H 'Authorization: Bearer %s' -F 'titre=Lettre' -F 'sous_type=%lld' -F 'bureau=%lld'"
				  " -F 'principal=@%s' -F 'demarrer=oui' %s", tok_agent, (long long)conv, (long long)sec, odt,
		 srv_url(&S, "/parapheur/dossiers"));
	T_OK(strstr(hdrs, "/parapheur/nouveau-dossier") && strstr(hdrs, "opale_flash=erreur") && !at_one(D, "SELECT COUNT(*) FROM folders WHERE title = $1", "Lettre"),
	     "an office file is refused, nothing recorded");
	at_sh(hdrs, sizeof hdrs, "curl -s -o /dev/null -H 'Authorization: Bearer %s' -F 'titre=Convention Echo' -F 'sous_type=%lld' -F 'bureau=%lld'"
				  " -F 'principal=@%s' %s", tok_agent, (long long)conv, (long long)sec, pdf, srv_url(&S, "/parapheur/dossiers"));
	int64_t echo = at_one(D, "SELECT id FROM folders WHERE title = $1 AND status = 'brouillon'", "Convention Echo");
	T_OK(echo > 0, "unticked, the folder stays a draft");
	snprintf(path, sizeof path, "/parapheur/dossiers/%lld", (long long)echo);
	T_EQ_INT(at_req(&S, tok_agent, "GET", path, NULL, NULL, &r), 200, "its page");
	T_OK(strstr(r.body.data, "Démarrer le circuit") != NULL, "offers to start it");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/parapheur/dossiers/%lld/demarrer", (long long)echo);
	T_EQ_INT(at_req(&S, tok_agent, "POST", path, "application/x-www-form-urlencoded", "", &r), 303, "start from the page");
	ht_resp_free(&r);
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM folders WHERE title = $1 AND status = 'en_cours'", "Convention Echo"), 1, "it is under way");
	db_close(D);
	srv_stop(&S);
	return t_done();
}
