/* Parapheur e-mail notifications against the real SMTP test server, through the job queue: the
 * demo folder started at load time reaches the DGS; the DGS's visa sends it to the président; a
 * rejection reaches the agent who created the folder with the public reason; the daily digest of
 * late folders is scheduled for 07:00 Paris and, run now with `opale parapheur retards`, lists the
 * late folder to the owner of the desk it waits on and to nobody else. */
#include "core/buf.h"
#include "core/dates.h"
#include "apitest.h"
#include "httptest.h"
#include "identity/identity.h"
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
static char tok_agent[80], tok_dgs[80];

static int count_mail(const char *addr)
{
	char out[32];
	at_sh(out, sizeof out, "grep -l 'X-Envelope-To: %s' %s/new/* 2>/dev/null | wc -l", addr, MAILDIR);
	return atoi(out);
}

static int64_t new_folder(const char *title, int64_t subtype, int64_t desk, const char *file)
{
	char meta[512];
	snprintf(meta, sizeof meta, "{\"titre\":\"%s\",\"sous_type\":%lld,\"bureau\":%lld}", title, (long long)subtype, (long long)desk);
	return at_folder(&S, tok_agent, meta, file);
}

int main(void)
{
	int up = srv_start_mail(&S, "https://opale.example.fr", &MAILDIR);
	if (!T_OK(up != -1, "the SMTP test server runs") || !T_OK(up == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.agent", tok_agent);
	at_token(&S, D, "ccpo.dgs", tok_dgs);
	int64_t folder = at_one(D, "SELECT id FROM folders WHERE title = $1", "Convention e-administration CDG 62");
	int64_t dgs = at_desk(D, "Direction générale des services");
	int64_t sec = at_desk(D, "Secrétariat général");
	int64_t sub = at_one(D, "SELECT id FROM folder_subtypes WHERE name = $1", "Convention d'adhésion");
	char link[128];
	snprintf(link, sizeof link, "https://opale.example.fr/parapheur/dossiers/%lld", (long long)folder);

	/* 1. New folder on a desk. */
	const char *n1[] = { "« Convention e-administration CDG 62 »", "Direction générale des services", link, NULL };
	T_OK(at_mail(MAILDIR, "ccpo.dgs@demo.opale.invalid", n1, 15, NULL), "the DGS is told the demo folder waits on the DGS desk, with its link");
	char path[256], body[512];
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)folder);
	snprintf(body, sizeof body, "{\"action\":\"visa\",\"bureau\":%lld}", (long long)dgs);
	struct ht_resp r;
	T_EQ_INT(at_raw(&S, tok_dgs, "POST", path, body, &r), 200, "the DGS visas");
	ht_resp_free(&r);
	const char *n2[] = { "« Convention e-administration CDG 62 »", "« Présidence »", link, NULL };
	T_OK(at_mail(MAILDIR, "ccpo.president@demo.opale.invalid", n2, 15, NULL), "the président is told it now waits on the Présidence desk");

	/* 2. Rejection → the creator, with the reason. */
	char pdf[300];
	snprintf(pdf, sizeof pdf, "%s/c.pdf", S.data);
	struct err e;
	at_pdf(pdf, NULL, "Convention de test");
	int64_t f2 = new_folder("Convention de mise à disposition", sub, sec, pdf);
	T_OK(f2 > 0, "the agent creates a second folder");
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/demarrer", (long long)f2);
	T_EQ_INT(at_raw(&S, tok_agent, "POST", path, NULL, &r), 200, "and starts it");
	ht_resp_free(&r);
	const char *n3[] = { "« Convention de mise à disposition »", NULL };
	T_OK(at_mail(MAILDIR, "ccpo.dgs@demo.opale.invalid", n3, 15, NULL), "the DGS is told");
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)f2);
	snprintf(body, sizeof body, "{\"action\":\"rejet\",\"bureau\":%lld,\"annotation\":\"Durée à revoir : 3 ans au plus\"}", (long long)dgs);
	T_EQ_INT(at_raw(&S, tok_dgs, "POST", path, body, &r), 200, "the DGS rejects it");
	ht_resp_free(&r);
	const char *n4[] = { "a été rejeté par Marc Vasseur", "Motif : Durée à revoir : 3 ans au plus", "« Convention de mise à disposition »", NULL };
	T_OK(at_mail(MAILDIR, "ccpo.agent@demo.opale.invalid", n4, 15, NULL), "the agent (creator) receives the rejection with its reason");

	/* 3. A desk informed when a step opens (no action expected from it). */
	char tok_admin[80];
	at_token(&S, D, "ccpo.admin", tok_admin);
	int64_t pres = at_desk(D, "Présidence");
	snprintf(body, sizeof body, "{\"nom\":\"Visa DGS, Présidence informée\",\"etapes\":[{\"type\":\"visa\",\"bureaux\":[%lld],"
				    "\"informes\":[%lld]}]}", (long long)dgs, (long long)pres);
	T_EQ_INT(at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/circuits", body, &r), 201, "a circuit whose visa step informs the Présidence");
	json_t *cj = json_loads(r.body.data, 0, NULL);
	int64_t circ = json_integer_value(json_object_get(cj, "id"));
	json_decref(cj);
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"nom\":\"Note\",\"format\":\"pades\",\"protocole\":\"none\",\"circuit\":%lld}", (long long)circ);
	T_EQ_INT(at_raw(&S, tok_admin, "POST", "/api/v1/parapheur/types", body, &r), 201, "a type using it");
	cj = json_loads(r.body.data, 0, NULL);
	int64_t sub2 = json_integer_value(json_object_get(cj, "sous_type"));
	json_decref(cj);
	ht_resp_free(&r);
	int64_t f3 = new_folder("Note de service sur les astreintes", sub2, sec, pdf);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/demarrer", (long long)f3);
	T_EQ_INT(at_raw(&S, tok_agent, "POST", path, NULL, &r), 200, "a folder through it starts");
	ht_resp_free(&r);
	const char *n6[] = { "Pour information du bureau « Présidence »", "« Note de service sur les astreintes » est arrivé à l'étape 1",
			     "Aucune action", NULL };
	T_OK(at_mail(MAILDIR, "ccpo.president@demo.opale.invalid", n6, 15, NULL), "the président is informed, no action expected");
	const char *n7[] = { "« Note de service sur les astreintes »", "bannette « À traiter »", NULL };
	T_OK(at_mail(MAILDIR, "ccpo.dgs@demo.opale.invalid", n7, 15, NULL), "the DGS has it to act on");

	/* 4. Daily digest of late folders. */
	int64_t now = identity_now(), at = at_one(D, "SELECT run_at FROM jobs WHERE kind = 'parapheur.retards' AND state = 'queued'", NULL);
	struct paris_time pt;
	paris_from_utc(at, &pt, &e);
	T_OK(at > now && at <= now + 86400 && pt.hh == 7 && pt.mm == 0, "the digest is scheduled for the next 07:00, Paris time");
	struct err e2;
	db_run(D, &e2, "UPDATE folders SET due_at = $1 WHERE id = $2", "ii", now - 3 * 86400, folder);
	int before_dgs = count_mail("ccpo.dgs@demo.opale.invalid");
	const char *args[] = { "parapheur", "retards", NULL };
	char out[128];
	T_OK(srv_cli(&S, out, sizeof out, args) == 0, "opale parapheur retards enqueues a digest now");
	buf dig = BUF_INIT;
	const char *n5[] = { "ont dépassé leur échéance", "« Convention e-administration CDG 62 » (bureau « Présidence »", link, NULL };
	T_OK(at_mail(MAILDIR, "ccpo.president@demo.opale.invalid", n5, 15, &dig), "the président receives the digest listing the late folder");
	T_OK(!strstr(dig.data ? dig.data : "", "mise à disposition"), "the rejected folder is not in it");
	buf_free(&dig);
	usleep(500000);
	T_EQ_INT(count_mail("ccpo.dgs@demo.opale.invalid"), before_dgs, "the DGS, with nothing late, receives no digest");
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM jobs WHERE kind = 'parapheur.retards' AND state = 'queued'", NULL), 1,
		 "a manual digest does not schedule another daily one");
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM jobs WHERE kind IN ('mail.send', 'parapheur.notification') AND state = 'dead'", NULL), 0,
		 "no notification job failed");
	db_close(D);
	srv_stop(&S);
	return t_done();
}
