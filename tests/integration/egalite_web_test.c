/* Égalité through the real server: an administrator uploads the HR CSV (multipart, session + CSRF);
 * a bad file comes back 422 with each problem's line and French reason and nothing stored; the 2021
 * then 2023 files become stored diagnostics, the 2023 one compared with 2021; the page shows the
 * report with SVG charts and its downloads (JSON with the seed's headcounts, PDF, XLSX, HTML); the
 * HR file's personal data is not kept; roles (agent refused, auditor reads but cannot upload);
 * a second upload for the same date replaces the diagnostic. */
#include "apitest.h"
#include "httptest.h"
#include "srvtest.h"
#include "t.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct srv S;
static db *D;

/* Posts the upload form with curl (multipart); the body goes to out_path. Returns the status; the
 * redirect target (if any) in loc. */
static long upload(const char *jar, const char *csrf, const char *file, const char *date, const char *apart,
		   const char *out_path, char loc[256])
{
	char cmd[2048], res[512] = "";
	snprintf(cmd, sizeof cmd,
		 "curl -s -o '%s' -w '%%{http_code} %%{redirect_url}' -b '%s' -c '%s' -F 'csrf=%s' -F 'fichier=@%s;type=text/csv'"
		 " -F 'date=%s' -F 'a_part=%s' -F 'titre=CCPO' '%s'",
		 out_path, jar, jar, csrf, file, date, apart, srv_url(&S, "/egalite"));
	FILE *p = popen(cmd, "r");
	size_t n = p ? fread(res, 1, sizeof res - 1, p) : 0;
	res[n] = '\0';
	if (p)
		pclose(p);
	long st = strtol(res, NULL, 10);
	const char *sp = strchr(res, ' ');
	const char *path = sp ? strstr(sp, "/egalite") : NULL;
	snprintf(loc, 256, "%s", path ? path : "");
	return st;
}

static int64_t count_reports(void)
{
	struct err e;
	int rc;
	db_stmt *s = db_query(D, &e, &rc, "SELECT COUNT(*) FROM egalite_reports", "");
	int64_t n = s && rc == DB_ROW ? db_col_int64(s, 0) : -1;
	if (s)
		db_finalize(s);
	return n;
}

static long get(const char *jar, const char *path, struct ht_resp *r)
{
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, NULL, jar, r);
	return r->status;
}

static int file_has(const char *path, const char *needle)
{
	buf b = BUF_INIT;
	int ok = buf_read_file(&b, path, 1u << 24) == 0 && b.data && strstr(b.data, needle) != NULL;
	buf_free(&b);
	return ok;
}

int main(void)
{
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	char jar[300], csrf[80], out[320], bad[320], loc[256], loc21[256];
	snprintf(jar, sizeof jar, "%s/cookies", S.data);
	snprintf(out, sizeof out, "%s/reponse.html", S.data);
	snprintf(bad, sizeof bad, "%s/agents-faux.csv", S.data);
	struct ht_resp r;

	T_EQ_INT(at_login(&S, jar, "ccpo.admin", csrf), 200, "the collectivité's administrator logs in");
	T_EQ_INT(get(jar, "/egalite", &r), 200, "GET /egalite → 200 for the administrator");
	T_OK(strstr(r.body.data, "enctype=\"multipart/form-data\"") && strstr(r.body.data, "Aucun diagnostic"),
	     "the page offers the upload form and says no diagnostic exists yet");
	T_OK(strstr(r.body.data, "href=\"/egalite\" aria-current=\"page\"") != NULL, "« Égalité » is in the navigation");
	ht_resp_free(&r);

	/* A bad file: unknown status (line 3), impossible date (line 4), duplicate matricule (line 5). */
	FILE *f = fopen(bad, "w");
	fputs("matricule;sexe;date_naissance;statut;categorie;filiere;encadrant;temps_travail;quotite;"
	      "remuneration_brute_annuelle;mois_remuneres;etablissement\n"
	      "A1;F;1980-01-01;fonctionnaire;A;administrative;non;complet;100;40000;12;Siège\n"
	      "A2;H;1981-02-02;titulaire;B;technique;non;complet;100;30000;12;Siège\n"
	      "A3;F;1982-02-30;fonctionnaire;C;technique;non;complet;100;25000;12;Siège\n"
	      "A1;H;1983-03-03;fonctionnaire;C;technique;non;complet;100;25000;12;Siège\n", f);
	fclose(f);
	T_EQ_INT(upload(jar, csrf, bad, "2023-12-31", "", out, loc), 422, "a bad file is refused (422)");
	T_OK(file_has(out, "Fichier refusé : rien n&#39;a été importé") || file_has(out, "Fichier refusé : rien n'a été importé"),
	     "the refusal says nothing was imported");
	T_OK(file_has(out, "<td class=\"num\">3</td><td>statut : valeur « titulaire » inconnue"),
	     "line 3: unknown status, in French, with its line");
	T_OK(file_has(out, "<td class=\"num\">4</td><td>date_naissance"), "line 4: impossible birth date, with its line");
	T_OK(file_has(out, "<td class=\"num\">5</td><td>matricule") && file_has(out, "ligne 2"),
	     "line 5: duplicate matricule, naming the first line");
	T_OK(file_has(out, "value=\"2023-12-31\""), "the form keeps the date typed");
	T_EQ_INT(count_reports(), 0, "nothing is stored for a refused file");
	T_EQ_INT(upload(jar, "faux", "tests/data/egalite/ccpo-2023.csv", "2023-12-31", "", out, loc), 403,
		 "the upload without the form's CSRF token → 403");
	T_EQ_INT(upload(jar, csrf, "tests/data/egalite/ccpo-2023.csv", "2023-02-30", "", out, loc), 400,
		 "an impossible reference date → 400");
	T_OK(file_has(out, "Date de référence invalide"), "… explained in French");
	T_EQ_INT(upload(jar, csrf, "tests/data/egalite/ccpo-2023.csv", "2023-12-31", "Ecole de danse", out, loc), 422,
		 "an establishment « à part » nobody belongs to → 422");
	T_EQ_INT(count_reports(), 0, "still nothing stored");

	/* 2021, then 2023 compared with it. */
	T_EQ_INT(upload(jar, csrf, "tests/data/egalite/ccpo-2021.csv", "2021-12-31", "Ecole intercommunale de musique", out, loc21),
		 303, "the 2021 file is accepted (303)");
	T_OK(strncmp(loc21, "/egalite/rapports/", 18) == 0, "… and leads to the diagnostic's page");
	T_EQ_INT(upload(jar, csrf, "tests/data/egalite/ccpo-2023.csv", "2023-12-31", "Ecole intercommunale de musique", out, loc),
		 303, "the 2023 file is accepted (303)");
	T_EQ_INT(count_reports(), 2, "two diagnostics stored");
	T_EQ_INT(get(jar, loc, &r), 200, "the 2023 diagnostic's page → 200");
	T_OK(strstr(r.body.data, "<h1>Diagnostic égalité au 31/12/2023</h1>") != NULL, "its title gives the reference date");
	T_OK(strstr(r.body.data, "Diagnostic au 31/12/2023 établi sur 126 agents") != NULL, "the flash says 126 agents were read");
	T_OK(strstr(r.body.data, "<svg") && strstr(r.body.data, "role=\"img\"") && strstr(r.body.data, "<caption>"),
	     "the report is shown as HTML tables with SVG charts");
	T_OK(strstr(r.body.data, "comparé au diagnostic précédent") && strstr(r.body.data, "31/12/2021"),
	     "the 2023 diagnostic is compared with the stored 2021 one");
	char l[300];
	snprintf(l, sizeof l, "href=\"%s/pdf\"", loc);
	int links = strstr(r.body.data, l) != NULL;
	snprintf(l, sizeof l, "href=\"%s/xlsx\"", loc);
	links += strstr(r.body.data, l) != NULL;
	snprintf(l, sizeof l, "href=\"%s/json\"", loc);
	links += strstr(r.body.data, l) != NULL;
	T_EQ_INT(links, 3, "the page links to the PDF, XLSX and JSON downloads");
	ht_resp_free(&r);

	snprintf(l, sizeof l, "%s/json", loc);
	T_EQ_INT(get(jar, l, &r), 200, "JSON download → 200");
	json_t *j = json_loads(r.body.data, 0, NULL);
	T_OK(j && strcmp(json_string_value(json_object_get(j, "diagnostic")) ?: "", "egalite-professionnelle") == 0,
	     "it is the diagnostic's JSON");
	json_t *tot = json_object_get(json_object_get(j, "effectifs"), "total");
	T_OK(json_integer_value(json_object_get(tot, "F")) == 70 && json_integer_value(json_object_get(tot, "H")) == 56,
	     "the seed's headcount: 70 women, 56 men");
	T_OK(strcmp(json_string_value(json_object_get(json_object_get(j, "comparaison"), "date_precedente")) ?: "", "2021-12-31") == 0,
	     "its comparison is with 2021-12-31");
	T_OK(strstr(r.body.data, "CCPO0001") == NULL && strstr(r.body.data, "1978-01-01") == NULL,
	     "no matricule or birth date of the HR file in the stored report");
	json_decref(j);
	ht_resp_free(&r);
	snprintf(l, sizeof l, "%s/pdf", loc);
	T_EQ_INT(get(jar, l, &r), 200, "PDF download → 200");
	T_OK(r.body.len > 1000 && memcmp(r.body.data, "%PDF-", 5) == 0 && strstr(r.headers.data, "application/pdf"),
	     "it is a PDF");
	ht_resp_free(&r);
	snprintf(l, sizeof l, "%s/xlsx", loc);
	T_EQ_INT(get(jar, l, &r), 200, "XLSX download → 200");
	T_OK(r.body.len > 1000 && memcmp(r.body.data, "PK", 2) == 0 && strstr(r.headers.data, "spreadsheetml"), "it is an XLSX (zip)");
	ht_resp_free(&r);
	snprintf(l, sizeof l, "%s/html", loc);
	T_EQ_INT(get(jar, l, &r), 200, "stand-alone HTML download → 200");
	ht_resp_free(&r);
	snprintf(l, sizeof l, "%s/docx", loc);
	T_EQ_INT(get(jar, l, &r), 404, "an unknown format → 404");
	ht_resp_free(&r);
	T_EQ_INT(get(jar, "/egalite", &r), 200, "the list page");
	T_OK(strstr(r.body.data, "Diagnostic au 31/12/2023") && strstr(r.body.data, "Diagnostic au 31/12/2021"),
	     "lists both diagnostics");
	ht_resp_free(&r);

	/* Same date again: replaced, not duplicated. */
	T_EQ_INT(upload(jar, csrf, "tests/data/egalite/ccpo-2023.csv", "2023-12-31", "Ecole intercommunale de musique", out, loc),
		 303, "a second upload for 2023-12-31 is accepted");
	T_EQ_INT(count_reports(), 2, "… and replaces the first (still two diagnostics)");
	struct err e;
	int rc;
	db_stmt *s = db_query(D, &e, &rc, "SELECT COUNT(*) FROM audit_log WHERE action = 'egalite.rapport'", "");
	T_OK(s && rc == DB_ROW && db_col_int64(s, 0) == 3, "each diagnostic established is in the audit log");
	if (s)
		db_finalize(s);

	/* Roles. */
	T_EQ_INT(at_login(&S, jar, "ccpo.agent", csrf), 200, "an agent logs in");
	T_EQ_INT(get(jar, "/egalite", &r), 403, "an agent cannot open /egalite");
	ht_resp_free(&r);
	T_EQ_INT(at_login(&S, jar, "ccpo.auditeur", csrf), 200, "the auditor logs in");
	T_EQ_INT(get(jar, "/egalite", &r), 200, "the auditor reads the diagnostics");
	T_OK(strstr(r.body.data, "Diagnostic au 31/12/2023") && !strstr(r.body.data, "name=\"fichier\""),
	     "… without the upload form");
	ht_resp_free(&r);
	T_EQ_INT(upload(jar, csrf, "tests/data/egalite/ccpo-2023.csv", "2024-12-31", "", out, loc), 403, "the auditor cannot upload (403)");

	db_close(D);
	srv_stop(&S);
	return t_done();
}
