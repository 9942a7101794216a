/* Conventions through the real server, the clock pinned to 1 June 2024 (OPALE_NOW): the demo register
 * (the seed's CDG 62, CCI and its avenant n°2, CMA, Fabrique DEFI) with computed terms and alerts;
 * filters; an agent records the CCI avenant with its two action sheets and their budget lines
 * (formulas in cents), a bad formula is refused; a review entered clears its alert; a termination
 * « 1er jour du mois suivant » notified on 31/01/2025 ends the CDG 62 convention on 01/02/2025; an
 * express renewal beyond the maximum is refused; CSV exports and ICS feed; the daily alert job mails
 * one digest to the convention's alert address, once; the auditor reads but cannot write. */
#include "apitest.h"
#include "httptest.h"
#include "srvtest.h"
#include "t.h"

#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct srv S;
static db *D;
static char jar[300], csrf[80];

static long login(const char *user)
{
	return at_login(&S, jar, user, csrf);
}

static long get(const char *path, struct ht_resp *r)
{
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, NULL, jar, r);
	return r->status;
}

/* Posts a urlencoded form (the CSRF token added); returns the status, the Location in loc. */
static long post(const char *path, const char *form, struct ht_resp *r, char loc[256])
{
	char body[8192];
	snprintf(body, sizeof body, "csrf=%s&%s", csrf, form);
	ht_request("POST", srv_url(&S, path), "application/x-www-form-urlencoded", body, strlen(body), NULL, jar, r);
	const char *l = r->headers.data ? strcasestr(r->headers.data, "\nLocation: ") : NULL;
	loc[0] = '\0';
	if (l)
		snprintf(loc, 256, "%.*s", (int)strcspn(l + 11, "\r\n"), l + 11);
	return r->status;
}

/* Counts the Maildir messages to addr containing needle (waits up to 10 s for at least `want`). */
static int mails(const char *maildir, const char *addr, const char *needle, int want)
{
	int n = 0;
	for (int tries = 0; tries < 100; tries++) {
		n = 0;
		char path[512];
		snprintf(path, sizeof path, "%s/new", maildir);
		DIR *d = opendir(path);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			char f[1024];
			snprintf(f, sizeof f, "%s/%s", path, de->d_name);
			buf b = BUF_INIT, c = BUF_INIT;
			if (buf_read_file(&b, f, 0) == 0) {
				/* Undo quoted-printable (soft breaks, =XX) before searching. */
				for (size_t i = 0; i < b.len; i++) {
					if (b.data[i] == '=' && b.data[i + 1] == '\n') { i++; continue; }
					if (b.data[i] == '=' && b.data[i + 1] == '\r') { i += 2; continue; }
					if (b.data[i] == '=' && isxdigit((unsigned char)b.data[i + 1]) && isxdigit((unsigned char)b.data[i + 2])) {
						char h[3] = { b.data[i + 1], b.data[i + 2], 0 };
						buf_putc(&c, (char)strtol(h, NULL, 16));
						i += 2;
						continue;
					}
					buf_putc(&c, b.data[i]);
				}
				if (c.data && strstr(c.data, addr) && strstr(c.data, needle))
					n++;
			}
			buf_free(&c);
			buf_free(&b);
		}
		if (d)
			closedir(d);
		if (n >= want)
			break;
		usleep(100000);
	}
	return n;
}

int main(void)
{
	const char *smtp = getenv("OPALE_TEST_SMTP"), *maildir = getenv("OPALE_TEST_MAILDIR");
	char smtp_url[128];
	snprintf(smtp_url, sizeof smtp_url, "smtp://%s", smtp ? smtp : "127.0.0.1:1");
	setenv("OPALE_JOBS_POLL_MS", "100", 1);
	setenv("OPALE_NOW", "1717228800", 1);   /* 2024-06-01 10:00 Paris */
	const char *extra[] = { "--smtp-url", smtp_url, NULL };
	if (!T_OK(srv_start(&S, extra) == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	snprintf(jar, sizeof jar, "%s/cookies", S.data);
	struct ht_resp r;
	char loc[256], path[512], form[4096];

	T_EQ_INT(login("ccpo.agent"), 200, "the agent logs in");
	T_EQ_INT(get("/conventions", &r), 200, "GET /conventions → 200");
	T_OK(strstr(r.body.data, "Convention pour l&#39;accompagnement à la e-administration") &&
	     strstr(r.body.data, "Avenant n°2 — plan d&#39;action 2024") && strstr(r.body.data, "Permanences CMA dans les territoires") &&
	     strstr(r.body.data, "permanences de la Fabrique DEFI"),
	     "the demo register holds the seed's conventions");
	T_OK(strstr(r.body.data, "Bilan dû le 31/03/2024 : non saisi.") && strstr(r.body.data, "Bilan dû le 30/06/2024."),
	     "À surveiller: the Fabrique DEFI's quarterly reviews (31/03 overdue, 30/06 coming)");
	T_OK(strstr(r.body.data, "href=\"/conventions\" aria-current=\"page\"") != NULL, "« Conventions » is in the navigation");
	ht_resp_free(&r);
	get("/conventions?etat=en_vigueur", &r);
	T_OK(!strstr(r.body.data, "e-administration</a>") && strstr(r.body.data, "Fabrique DEFI</a>\n"),
	     "filter « en vigueur » leaves out the CDG 62 convention (from 01/07/2024)");
	ht_resp_free(&r);
	get("/conventions?q=CMA", &r);
	T_OK(strstr(r.body.data, "Permanences CMA dans les territoires</a>\n") && !strstr(r.body.data, "Fabrique DEFI</a>\n"),
	     "search « CMA » (the register's rows)");
	ht_resp_free(&r);

	int64_t cdg = at_one(D, "SELECT id FROM conventions WHERE reference = $1", "CDG62-EADM");
	int64_t cci = at_one(D, "SELECT id FROM conventions WHERE reference = $1", "CCI-2022");
	int64_t defi = at_one(D, "SELECT id FROM conventions WHERE reference = $1", "DEFI-2024");
	snprintf(path, sizeof path, "/conventions/%lld", (long long)cdg);
	T_EQ_INT(get(path, &r), 200, "the CDG 62 convention's page");
	T_OK(strstr(r.body.data, "du 01/07/2024 au 30/06/2029") && strstr(r.body.data, "30/06/2034") &&
	     strstr(r.body.data, "Reconduction expresse — 1 fois au plus"),
	     "its term (30/06/2029), latest end after its one express renewal (30/06/2034)");
	ht_resp_free(&r);

	/* The DEFI's alerts go to an address of this run only (the test SMTP server's Maildir is shared). */
	char alert_to[96];
	snprintf(alert_to, sizeof alert_to, "defi-%d-%ld@demo.opale.invalid", (int)getpid(), (long)time(NULL));
	struct err e0;
	db_run(D, &e0, "UPDATE conventions SET alerte_courriel = $1 WHERE reference = 'DEFI-2024'", "t", alert_to);

	/* The agent records the CCI avenant with its two action sheets. */
	snprintf(form, sizeof form,
		 "parent_id=%lld&avenant_numero=2&titre=Avenant+n%%C2%%B02+CCI+2024+%%28saisi%%29&partenaire=CCI+Littoral+Hauts-de-France"
		 "&debut=2024-03-14&fin=2025-03-13&renouvellement=aucun&resiliation_effet=echeance&bilan=annuel&montant=15+000"
		 "&partie1_nom=CCPO&partie1_collectivite=1&partie1_representant=Ludovic+LOQUET&partie1_fonction=Pr%%C3%%A9sident"
		 "&partie2_nom=CCI+Littoral&partie2_representant=Eric+LELIEUR&partie2_fonction=Vice-Pr%%C3%%A9sident"
		 "&partie2_habilitation=D%%C3%%A9l%%C3%%A9gation+du+Pr%%C3%%A9fet+du+24+mars+2023",
		 (long long)cci);
	T_EQ_INT(post("/conventions", form, &r, loc), 303, "the avenant is recorded (303)");
	ht_resp_free(&r);
	int64_t av = strncmp(loc, "/conventions/", 13) == 0 ? strtoll(loc + 13, NULL, 10) : 0;
	T_OK(av > 0, "… and leads to its page");
	snprintf(path, sizeof path, "/conventions/%lld/fiches", (long long)av);
	T_EQ_INT(post(path, "intitule=Diagnostic+du+commerce+dans+les+bourgs-centres&axe=Soutenir+les+entreprises&budget=12+000&taxes=TTC&fongible=1",
		      &r, loc), 303, "first action sheet added");
	ht_resp_free(&r);
	T_EQ_INT(post(path, "intitule=Am%C3%A9liorer+la+visibilit%C3%A9+num%C3%A9rique&budget=3+000&taxes=TTC&fongible=1", &r, loc), 303,
		 "second action sheet added");
	ht_resp_free(&r);
	int64_t f1 = at_one(D, "SELECT MIN(id) FROM convention_fiches WHERE convention_id = (SELECT MAX(id) FROM conventions)", NULL);
	snprintf(path, sizeof path, "/conventions/%lld/budget", (long long)av);
	snprintf(form, sizeof form, "libelle=Diagnostic+30+jours&formule=400+%%E2%%82%%AC+x+30&financeur=CCPO&annee=2024&fiche=%lld&paye=4+000",
		 (long long)f1);
	T_EQ_INT(post(path, form, &r, loc), 303, "budget line « 400 € x 30 » added");
	ht_resp_free(&r);
	snprintf(form, sizeof form, "libelle=Visibilit%%C3%%A9+5+jours&formule=600%%E2%%82%%AC+%%C3%%97+5&financeur=CCPO&annee=2024&fiche=%lld",
		 (long long)f1 + 1);
	T_EQ_INT(post(path, form, &r, loc), 303, "budget line « 600€ × 5 » added");
	ht_resp_free(&r);
	T_EQ_INT(post(path, "libelle=Faux&formule=250+%E2%82%AC+%2B+4&annee=2024", &r, loc), 303, "a bad formula comes back to the page");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld", (long long)av);
	get(path, &r);
	T_OK(strstr(r.body.data, "Formule illisible") != NULL, "… with the reason in French");
	T_OK(strstr(r.body.data, "Avenant n°2 de <a href=\"/conventions/") != NULL, "the avenant links to its convention");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/conventions/%lld", (long long)av);
	get(path, &r);
	json_t *j = json_loads(r.body.data, 0, NULL);
	json_t *bud = json_object_get(j, "budget");
	T_EQ_INT(json_integer_value(json_object_get(json_object_get(bud, "total"), "centimes")), 1500000, "budget total 15 000,00 € in cents");
	T_EQ_INT(json_integer_value(json_object_get(json_object_get(bud, "paye"), "centimes")), 400000, "paid 4 000,00 €");
	T_EQ_INT(json_integer_value(json_object_get(json_object_get(bud, "reste"), "centimes")), 1100000, "left 11 000,00 €");
	T_EQ_INT(json_array_size(json_object_get(bud, "lignes")), 2, "the refused line was not stored");
	T_EQ_INT(json_array_size(json_object_get(j, "fiches")), 2, "two action sheets");
	T_EQ_INT(json_integer_value(json_object_get(json_object_get(json_array_get(json_object_get(j, "fiches"), 0), "lignes_total"), "centimes")),
		 1200000, "the first sheet's lines total 12 000,00 €");
	T_OK(strcmp(json_string_value(json_object_get(j, "echeance")) ?: "", "2025-03-13") == 0 &&
	     strcmp(json_string_value(json_object_get(j, "etat")) ?: "", "en_vigueur") == 0, "in force until 13/03/2025");
	json_decref(j);
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld", (long long)cci);
	get(path, &r);
	T_OK(strstr(r.body.data, "Avenant n°2 — Avenant n°2 CCI 2024 (saisi)") != NULL, "the CCI convention lists the new avenant");
	ht_resp_free(&r);

	/* Signature: the avenant goes into the parapheur (sub-type with the partner's external signature). */
	int64_t sub = at_one(D, "SELECT id FROM folder_subtypes WHERE name = $1", "Avenant avec signature externe");
	int64_t desk = at_one(D, "SELECT id FROM desks WHERE name = $1", "Secrétariat général");
	snprintf(path, sizeof path, "/conventions/%lld/parapheur", (long long)av);
	snprintf(form, sizeof form, "sous_type=%lld&bureau=%lld", (long long)sub, (long long)desk);
	T_EQ_INT(post(path, form, &r, loc), 303, "the avenant is sent to the parapheur");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld", (long long)av);
	get(path, &r);
	T_OK(strstr(r.body.data, "Convention envoyée dans le parapheur") && strstr(r.body.data, "Dans le parapheur : <a href=\"/parapheur/dossiers/") &&
	     strstr(r.body.data, "en_cours"), "its page links to the folder, circuit started (en_cours)");
	ht_resp_free(&r);
	char avs[32];
	snprintf(avs, sizeof avs, "%lld", (long long)av);
	int64_t folder = at_one(D, "SELECT parapheur_dossier FROM conventions WHERE id = CAST($1 AS BIGINT)", avs);
	char fs[32];
	snprintf(fs, sizeof fs, "%lld", (long long)folder);
	T_OK(folder > 0 && at_one(D, "SELECT COUNT(*) FROM folder_docs WHERE folder_id = CAST($1 AS BIGINT) AND role = 'principal'"
				  " AND mime = 'application/pdf'", fs) == 1, "the folder's principal document is the convention's PDF");
	snprintf(path, sizeof path, "/parapheur/dossiers/%lld", (long long)folder);
	get(path, &r);
	T_OK(r.status == 200 && strstr(r.body.data, "externe") && strstr(r.body.data, "CCI Littoral Hauts-de-France (signataire externe)"),
	     "its circuit ends with the CCI's external signature");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld/parapheur", (long long)av);
	post(path, form, &r, loc);
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld", (long long)av);
	get(path, &r);
	T_OK(strstr(r.body.data, "déjà dans le parapheur") != NULL, "a second sending is refused");
	ht_resp_free(&r);

	/* Full-text search finds the avenant by a word of its action sheet and the DEFI by a permanence place. */
	T_EQ_INT(get("/api/v1/recherche?q=visibilite+numerique&type=convention", &r), 200, "search over conventions → 200");
	snprintf(path, sizeof path, "\"/conventions/%lld\"", (long long)av);
	T_OK(strstr(r.body.data, path) != NULL, "« visibilité numérique » (a word of the avenant's second sheet) finds it");
	ht_resp_free(&r);
	get("/api/v1/recherche?q=hardinghen&type=convention", &r);
	snprintf(path, sizeof path, "\"/conventions/%lld\"", (long long)defi);
	T_OK(strstr(r.body.data, path) != NULL, "« Hardinghen » (a permanence place of the demo data) finds the Fabrique DEFI");
	ht_resp_free(&r);

	/* Invalid terms: end before start. */
	T_EQ_INT(post("/conventions", "titre=Convention+fausse&debut=2024-05-01&fin=2024-01-01", &r, loc), 400, "end before start → 400");
	T_OK(strstr(r.body.data, "La date de fin précède la date de prise d&#39;effet") && strstr(r.body.data, "value=\"Convention fausse\""),
	     "… explained in French, the form kept");
	ht_resp_free(&r);
	T_EQ_INT(post("/conventions", "titre=Convention+test&debut=2024-05-01&duree=1+an&alerte_courriel=pas+un+courriel", &r, loc), 400,
		 "an invalid alert address → 400");
	T_OK(strstr(r.body.data, "Courriel des alertes invalide") != NULL, "… explained in French");
	ht_resp_free(&r);

	/* A review entered clears its alert. */
	snprintf(path, sizeof path, "/conventions/%lld/bilans", (long long)defi);
	T_EQ_INT(post(path, "echeance=2024-03-31&indicateur1=Nombre+de+jeunes+re%C3%A7us&valeur1=42&commentaire=Premier+trimestre", &r, loc), 303,
		 "the DEFI's first quarterly review is entered");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld", (long long)defi);
	get(path, &r);
	T_OK(strstr(r.body.data, "Échéance du 31/03/2024 : <span class=\"badge ok\">saisi</span>") &&
	     strstr(r.body.data, "Nombre de jeunes reçus") && !strstr(r.body.data, "Bilan dû le 31/03/2024"),
	     "the review shows as entered with its indicator, its alert is gone");
	ht_resp_free(&r);

	int64_t bil = at_one(D, "SELECT MAX(id) FROM convention_bilans", NULL);
	snprintf(path, sizeof path, "/conventions/%lld/bilans/%lld/pdf", (long long)defi, (long long)bil);
	T_EQ_INT(get(path, &r), 200, "the review's PDF → 200");
	T_OK(r.body.len > 1000 && memcmp(r.body.data, "%PDF-", 5) == 0 && strstr(r.headers.data, "application/pdf"), "… a PDF");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld/bilans/%lld/pdf", (long long)cdg, (long long)bil);
	T_EQ_INT(get(path, &r), 404, "a review asked under another convention → 404");
	ht_resp_free(&r);

	/* Termination of the CDG 62 convention notified on 31/01/2025 → ends on 01/02/2025. */
	snprintf(path, sizeof path, "/conventions/%lld/resiliation", (long long)cdg);
	T_EQ_INT(post(path, "notifiee=2025-01-31", &r, loc), 303, "termination recorded");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld", (long long)cdg);
	get(path, &r);
	T_OK(strstr(r.body.data, "Notifiée le 2025-01-31 : prend fin le 01/02/2025") != NULL,
	     "« le 1er jour du mois suivant la notification »: ends on 01/02/2025");
	ht_resp_free(&r);

	/* Express renewal beyond the maximum. */
	snprintf(path, sizeof path, "/conventions/%lld/reconduction", (long long)cci);
	T_EQ_INT(post(path, "deliberation=x", &r, loc), 303, "a renewal of the CCI convention is asked");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld", (long long)cci);
	get(path, &r);
	T_OK(strstr(r.body.data, "ne peut plus être reconduite") != NULL, "refused: maximum reached (2 renewals)");
	ht_resp_free(&r);
	T_EQ_INT(at_one(D, "SELECT renouvellements_faits FROM conventions WHERE reference = $1", "CCI-2022"), 2, "still 2 renewals recorded");

	/* Exports. */
	T_EQ_INT(get("/conventions/registre.csv", &r), 200, "register CSV → 200");
	T_OK(strstr(r.headers.data, "text/csv") && strstr(r.body.data, "reference;titre;partenaire") &&
	     strstr(r.body.data, "\"DEFI-2024\";") && strstr(r.body.data, ";38000.00;"), "register CSV: header, rows, amounts");
	int lines = 0;
	for (const char *p = r.body.data; (p = strchr(p, '\n')); p++)
		lines++;
	T_EQ_INT(lines, 7, "header + 6 conventions");
	ht_resp_free(&r);
	T_EQ_INT(get("/conventions/budget.csv", &r), 200, "budget CSV → 200");
	T_OK(strstr(r.body.data, "\"250€ x 4 x9\";\"TTC\";9000.00;0.00;9000.00") && strstr(r.body.data, ";12000.00;4000.00;8000.00"),
	     "budget CSV: the CMA formula 250€ x 4 x9 = 9000.00, committed/paid/left");
	ht_resp_free(&r);
	T_EQ_INT(get("/conventions/registre.xlsx", &r), 200, "XLSX export → 200");
	char xl[400], cmd[900], shared[8192] = "";
	snprintf(xl, sizeof xl, "%s/registre.xlsx", S.data);
	FILE *xf = fopen(xl, "wb");
	if (xf) {
		fwrite(r.body.data, 1, r.body.len, xf);
		fclose(xf);
	}
	snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/sharedStrings.xml xl/workbook.xml", xl);
	FILE *pp = popen(cmd, "r");
	size_t got = pp ? fread(shared, 1, sizeof shared - 1, pp) : 0;
	shared[got] = '\0';
	if (pp)
		pclose(pp);
	T_OK(strstr(shared, "name=\"Registre\"") && strstr(shared, "name=\"Budget\"") && strstr(shared, "250€ x 4 x9") &&
	     strstr(shared, "Fabrique DEFI du Calaisis"),
	     "the workbook opens (unzip): sheets « Registre » and « Budget », the CMA formula, the partners");
	ht_resp_free(&r);
	T_EQ_INT(get("/conventions/echeances.ics", &r), 200, "ICS feed → 200");
	T_OK(strstr(r.headers.data, "text/calendar") && strstr(r.body.data, "BEGIN:VCALENDAR") &&
	     strstr(r.body.data, "DTSTART;VALUE=DATE:20240630") && strstr(r.body.data, "DTSTART;VALUE=DATE:20250201"),
	     "ICS: the DEFI review of 30/06/2024 and the CDG 62 termination of 01/02/2025");
	ht_resp_free(&r);

	/* Alerts by e-mail: the creation started the daily job; one digest to the administrators. */
	if (smtp && maildir) {
		T_EQ_INT(mails(maildir, alert_to, "Bilan dû le 30/06/2024", 1), 1,
			 "one digest reaches the convention's alert address, listing the DEFI review due");
		T_OK(at_one(D, "SELECT COUNT(*) FROM convention_alertes WHERE type = $1", "bilan") >= 1, "the alerts mailed are recorded");
		const char *args[] = { "conventions", "alertes", "--date", "2024-06-01", NULL };
		T_EQ_INT(srv_cli(&S, NULL, 0, args), 0, "opale conventions alertes (same day again)");
		usleep(1500000);
		T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send' AND idem_key LIKE $1", "conventions.digest%"), 1,
			 "no second digest for alerts already mailed");
		T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM jobs WHERE kind = 'conventions.alertes' AND state = 'dead'", NULL), 0,
			 "no alert job is dead");
		T_OK(at_one(D, "SELECT COUNT(*) FROM jobs WHERE kind = 'conventions.alertes'", NULL) <= 3,
		     "the pinned clock does not make the daily job loop (today, tomorrow, at most)");
	} else {
		T_OK(0, "the SMTP test server runs (OPALE_TEST_SMTP / OPALE_TEST_MAILDIR)");
	}

	/* The auditor reads, cannot write. */
	T_EQ_INT(login("ccpo.auditeur"), 200, "the auditor logs in");
	T_EQ_INT(get("/conventions", &r), 200, "the auditor reads the register");
	T_OK(!strstr(r.body.data, "Enregistrer une convention"), "… without the button to record one");
	ht_resp_free(&r);
	T_EQ_INT(post("/conventions", "titre=x", &r, loc), 403, "the auditor cannot create (403)");
	ht_resp_free(&r);
	T_EQ_INT(login("ccpo.elu"), 200, "an elected member logs in");
	T_EQ_INT(get("/conventions", &r), 403, "the elected member's portal has no register (403)");
	ht_resp_free(&r);

	db_close(D);
	srv_stop(&S);
	return t_done();
}
