/* Parapheur over HTTP on a real server: desks, circuit, type; a folder created with a PDF, started,
 * visa'd; two users acting on the same task at once → exactly one succeeds, the other gets 409;
 * rejection needs a reason; undo; bulk visa of 50 folders where 2 fail; trays; office files refused. */
#include "apitest.h"
#include "httptest.h"
#include "identity/identity.h"
#include "srvtest.h"
#include "t.h"
#include "web/pdfdoc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>

static struct srv S;
static db *D;
static char tok_admin[80], tok_agent[80], tok_dgs[80], tok_dgs2[80], tok_pres[80];
static char pdf[300];

/* Creates a folder with the test PDF through the multipart API; returns its id. */
static int64_t new_folder(const char *title, int64_t subtype, int64_t desk, const char *file)
{
	char meta[512];
	snprintf(meta, sizeof meta, "{\"titre\":\"%s\",\"sous_type\":%lld,\"bureau\":%lld,\"metadonnees\":{\"montant\":\"1200\"}}", title,
		 (long long)subtype, (long long)desk);
	return at_folder(&S, tok_agent, meta, file);
}

struct race { int64_t folder, desk; const char *tok; long status; };
static void *racer(void *arg)
{
	struct race *x = arg;
	char path[128], body[128];
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)x->folder);
	snprintf(body, sizeof body, "{\"action\":\"visa\",\"bureau\":%lld}", (long long)x->desk);
	struct ht_resp r;
	x->status = at_raw(&S, x->tok, "POST", path, body, &r);
	ht_resp_free(&r);
	return NULL;
}

int main(void)
{
	setenv("OPALE_JOBS_POLL_MS", "200", 1);
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.admin", tok_admin);
	at_token(&S, D, "ccpo.agent", tok_agent);
	at_token(&S, D, "ccpo.dgs", tok_dgs);
	at_token(&S, D, "ccpo.dgs", tok_dgs2);
	at_token(&S, D, "ccpo.president", tok_pres);
	snprintf(pdf, sizeof pdf, "%s/convention.pdf", S.data);
	at_pdf(pdf, "Convention pour l'accompagnement à la e-administration", "Entre le CDG 62 et la Communauté de Communes Pays d'Opale. #signature#");

	struct ht_resp r;
	char body[512];
	snprintf(body, sizeof body, "{\"nom\":\"Secrétariat général\",\"titulaires\":[%lld]}", (long long)at_user(D, "ccpo.agent"));
	T_EQ_INT(at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/bureaux", body, &r), 201, "admin creates the emitting desk");
	int64_t sec = at_json_id(&r, "id");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"nom\":\"DGS\",\"titulaires\":[%lld]}", (long long)at_user(D, "ccpo.dgs"));
	at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/bureaux", body, &r);
	int64_t dgs = at_json_id(&r, "id");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"nom\":\"Présidence\",\"titulaires\":[%lld]}", (long long)at_user(D, "ccpo.president"));
	at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/bureaux", body, &r);
	int64_t pres = at_json_id(&r, "id");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_agent, "POST", "/api/v1/parapheur/bureaux", "{\"nom\":\"x\"}", &r), 403, "an agent cannot create desks");
	ht_resp_free(&r);

	snprintf(body, sizeof body, "{\"nom\":\"Visa DGS puis Présidence\",\"etapes\":[{\"type\":\"visa\",\"bureaux\":[%lld]},"
				    "{\"type\":\"visa\",\"bureaux\":[%lld]}]}", (long long)dgs, (long long)pres);
	T_EQ_INT(at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/circuits", body, &r), 201, "admin creates a circuit");
	int64_t circ = at_json_id(&r, "id");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/circuits", "{\"nom\":\"x\",\"etapes\":[{\"type\":\"danse\",\"bureaux\":[1]}]}", &r), 400,
		 "an unknown step type is refused");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"nom\":\"Convention\",\"format\":\"pades\",\"protocole\":\"actes\",\"circuit\":%lld,"
				    "\"regles\":[{\"regle\":\"montant >= 40000\",\"circuit\":%lld}]}", (long long)circ, (long long)circ);
	T_EQ_INT(at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/types", body, &r), 201, "admin creates a type and sub-type with a selection rule");
	int64_t sub = at_json_id(&r, "sous_type");
	ht_resp_free(&r);

	int64_t f1 = new_folder("Convention CDG 62", sub, sec, pdf);
	T_OK(f1 > 0, "the agent creates a folder with the convention PDF");
	char odt[400], cmd[600];
	snprintf(odt, sizeof odt, "%s/note.odt", S.data);
	snprintf(cmd, sizeof cmd, "printf 'PK\\003\\004odt' > %s", odt);
	if (system(cmd) != 0)
		return 1;
	T_OK(new_folder("Note", sub, sec, odt) == 0, "an office document as main document is refused");

	char path[256];
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/demarrer", (long long)f1);
	T_EQ_INT(at_raw(&S, tok_agent, "POST", path, NULL, &r), 200, "the folder starts");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/parapheur/bureaux/%lld/bannettes/a-traiter", (long long)dgs);
	at_raw(&S, tok_dgs, "GET", path, NULL, &r);
	T_OK(strstr(r.body.data, "Convention CDG 62") != NULL, "it is in the DGS's « à traiter » tray");
	ht_resp_free(&r);

	/* Two sessions of the DGS click « viser » at the same moment. */
	struct race a = { f1, dgs, tok_dgs, 0 }, b = { f1, dgs, tok_dgs2, 0 };
	pthread_t ta, tb;
	pthread_create(&ta, NULL, racer, &a);
	pthread_create(&tb, NULL, racer, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	printf("# concurrent visas: %ld and %ld\n", a.status, b.status);
	T_OK((a.status == 200 && b.status == 409) || (a.status == 409 && b.status == 200),
	     "two simultaneous actions on one task: exactly one succeeds, the other gets 409");

	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)f1);
	snprintf(body, sizeof body, "{\"action\":\"rejet\",\"bureau\":%lld,\"annotation\":\"no\"}", (long long)pres);
	T_EQ_INT(at_raw(&S, tok_pres, "POST", path, body, &r), 400, "a rejection without a 3-character reason is refused");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"action\":\"remords\",\"bureau\":%lld}", (long long)dgs);
	T_EQ_INT(at_raw(&S, tok_dgs, "POST", path, body, &r), 200, "the DGS may undo while the présidence has not acted");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"action\":\"visa\",\"bureau\":%lld}", (long long)dgs);
	at_raw(&S, tok_dgs, "POST", path, body, &r);
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"action\":\"rejet\",\"bureau\":%lld,\"annotation\":\"Montant à revoir\"}", (long long)pres);
	T_EQ_INT(at_raw(&S, tok_pres, "POST", path, body, &r), 200, "the présidence rejects with a reason");
	T_OK(strstr(r.body.data, "\"statut\":\"rejete\"") && strstr(r.body.data, "Montant à revoir"), "the folder is rejected, the reason in its history");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"action\":\"remords\",\"bureau\":%lld}", (long long)dgs);
	T_EQ_INT(at_raw(&S, tok_dgs, "POST", path, body, &r), 409, "no undo after the next step acted");
	ht_resp_free(&r);

	/* Bulk visa of 50 folders by the DGS; 2 of them were never started → 48 succeed, 2 report why. */
	buf ids = BUF_INIT;
	int64_t bad1 = 0, bad2 = 0;
	for (int i = 0; i < 50; i++) {
		char t[64];
		snprintf(t, sizeof t, "Arrêté n° %d", i + 1);
		int64_t f = new_folder(t, sub, sec, pdf);
		if (i == 10 || i == 20) {
			if (i == 10)
				bad1 = f;
			else
				bad2 = f;
		} else {
			snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/demarrer", (long long)f);
			at_raw(&S, tok_agent, "POST", path, NULL, &r);
			ht_resp_free(&r);
		}
		buf_printf(&ids, "%s%lld", i ? "," : "", (long long)f);
	}
	char *bulk = malloc(ids.len + 200);
	sprintf(bulk, "{\"action\":\"visa\",\"bureau\":%lld,\"dossiers\":[%s]}", (long long)dgs, ids.data);
	T_EQ_INT(at_raw(&S, tok_dgs, "POST", "/api/v1/parapheur/actions-groupees", bulk, &r), 200, "bulk visa of 50 folders answers");
	T_OK(strstr(r.body.data, "\"reussis\":48") && strstr(r.body.data, "\"echoues\":2"), "48 succeed and 2 fail");
	char needle[64];
	snprintf(needle, sizeof needle, "\"id\":%lld,\"ok\":false,\"erreur\"", (long long)bad1);
	T_OK(strstr(r.body.data, needle) != NULL, "the first failure names its folder and says why");
	snprintf(needle, sizeof needle, "\"id\":%lld,\"ok\":false", (long long)bad2);
	T_OK(strstr(r.body.data, needle) != NULL, "so does the second");
	ht_resp_free(&r);
	free(bulk);
	buf_free(&ids);
	snprintf(path, sizeof path, "/api/v1/parapheur/bureaux/%lld/bannettes/a-traiter", (long long)pres);
	at_raw(&S, tok_pres, "GET", path, NULL, &r);
	json_t *j = json_loads(r.body.data, 0, NULL);
	T_EQ_INT(json_array_size(json_object_get(j, "dossiers")), 48, "the 48 are now in the présidence's tray");
	json_decref(j);
	ht_resp_free(&r);
	struct err e;
	int rcq;
	db_stmt *q = db_query(D, &e, &rcq, "SELECT id FROM folder_docs WHERE folder_id = $1", "i", f1);
	int64_t doc = q && rcq == DB_ROW ? db_col_int64(q, 0) : 0;
	if (q)
		db_finalize(q);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/documents/%lld", (long long)f1, (long long)doc);
	T_EQ_INT(at_raw(&S, tok_agent, "GET", path, NULL, &r), 200, "the main document downloads");
	T_OK(r.body.len > 4 && memcmp(r.body.data, "%PDF", 4) == 0, "as the PDF it was");
	ht_resp_free(&r);
	db_close(D);
	srv_stop(&S);
	return t_done();
}
