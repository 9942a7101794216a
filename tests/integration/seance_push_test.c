/* A whole séance pushed in one multipart request (POST /api/v1/seances) and idelibre's web-delib
 * connector format (POST /seances.json), through the real server (both engines).
 * Push: the JSON part as a text field and as a file part; the assembly by name; séance documents,
 * points in order with their projet and annexes (any type) — SHA-256 kept; all or nothing: a missing
 * part, a part referenced twice or not at all, a damaged PDF, a projet that is not a PDF, an unknown
 * assembly, an invalid matière on the second point, too many points → a precise 4xx and nothing
 * stored (séances, points, documents counted); the plain JSON creation still works; the auditor is
 * refused. web-delib: unknown conn, wrong password, an élu's account, an unknown type_seance while the
 * collectivité does not allow creating assemblies → success false, Seance.add.error, nothing stored;
 * allowed: the assembly is created with the convened actors, the projets ordered by « ordre » with
 * their rapport and annexes, the rapporteur found among the actors, the convocation letter, the Paris
 * time; the same séance again is refused; a missing projet_N_rapport is named; api300/check and ping. */
#include "apitest.h"
#include "httptest.h"
#include "srvtest.h"
#include "t.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct srv S;
static db *D;
static char tok_sec[80], tok_admin[80], tok_aud[80];
static char out[200000];

/* curl with the given arguments (multipart -F …) on path; the body in out, the status returned. */
static long curl_run(const char *tok, const char *path, const char *args)
{
	char auth[160] = "";
	if (tok)
		snprintf(auth, sizeof auth, "-H 'Authorization: Bearer %s'", tok);
	at_sh(out, sizeof out, "curl -s -w '\\n%%{http_code}' %s %s %s", auth, args, srv_url(&S, path));
	char *nl = strrchr(out, '\n');
	long st = nl ? atol(nl + 1) : 0;
	if (nl)
		*nl = '\0';
	return st;
}

static int64_t n_rows(const char *table)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
	return at_one(D, sql, NULL);
}

static char dir[400];

static const char *file(const char *name)
{
	static char p[8][600];
	static int k;
	k = (k + 1) % 8;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(file(name), "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Counts of séances, points and documents: nothing stored after a refusal. */
static int64_t snapshot(void)
{
	return n_rows("seances") * 1000000 + n_rows("seance_points") * 1000 + n_rows("seance_docs");
}

static const char *FILES = "-F 'conv=@%s' -F 'note=@%s' -F 'p1=@%s' -F 'p2=@%s' -F 'a1=@%s' -F 'a2=@%s;type=text/csv'";

static long push(const char *json_name, const char *extra, int as_file)
{
	char args[4000], files[3000];
	snprintf(files, sizeof files, FILES, file("conv.pdf"), file("note.pdf"), file("p1.pdf"), file("p2.pdf"), file("a1.pdf"), file("a2.csv"));
	snprintf(args, sizeof args, "-F 'seance=%s%s%s' %s %s", as_file ? "@" : "<", file(json_name), as_file ? ";type=application/json" : "", files,
		 extra ? extra : "");
	return curl_run(tok_sec, "/api/v1/seances", args);
}

static const char *SEANCE =
	"{\"organe_nom\":\"conseil communautaire\",\"titre\":\"Conseil poussé\",\"date\":\"2026-12-17T18:30\",\"lieu\":\"Guînes\","
	"\"documents\":[{\"type\":\"convocation\",\"fichier\":\"conv\"},{\"type\":\"note_synthese\",\"fichier\":\"note\"}],"
	"\"points\":[{\"titre\":\"Budget primitif\",\"matiere\":\"7.1\",\"theme\":\"Finances\",\"projet\":\"p1\",\"annexes\":[\"a1\",\"a2\"]},"
	"{\"titre\":\"Tarifs\",\"matiere\":\"%s\",\"projet\":\"%s\"},{\"titre\":\"Motion\"}]}";

static void seance_json(const char *name, const char *mat, const char *p2)
{
	char j[2000];
	snprintf(j, sizeof j, SEANCE, mat, p2);
	write_file(name, j);
}

static long wd(const char *conn, const char *user, const char *pw, const char *json_name, const char *files)
{
	char args[6000];
	snprintf(args, sizeof args, "-F 'conn=%s' -F 'username=%s' -F 'password=%s' -F 'jsonData=<%s' %s", conn, user, pw, file(json_name),
		 files ? files : "");
	return curl_run(NULL, "/seances.json", args);
}

static int wd_failed(const char *needle)
{
	json_t *j = json_loads(out, 0, NULL);
	int ok = json_is_false(json_object_get(j, "success")) && !strcmp(json_string_value(json_object_get(j, "code")) ?: "", "Seance.add.error") &&
		 (!needle || strstr(json_string_value(json_object_get(j, "message")) ?: "", needle));
	json_decref(j);
	if (!ok)
		printf("# %s\n", out);
	return ok;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	if (!T_OK(srv_start(&S, NULL) == 0, "server started with the demo"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.secretaire", tok_sec);
	at_token(&S, D, "ccpo.admin", tok_admin);
	at_token(&S, D, "ccpo.auditeur", tok_aud);
	snprintf(dir, sizeof dir, "%s/push", S.data);
	at_run("mkdir -p %s", dir);
	const char *pdfs[] = { "conv.pdf", "note.pdf", "p1.pdf", "p2.pdf", "a1.pdf", "r0.pdf", "r1.pdf", "r2.pdf", "x10.pdf", "x11.pdf" };
	for (size_t i = 0; i < sizeof pdfs / sizeof *pdfs; i++)
		at_pdf(file(pdfs[i]), pdfs[i], "Document de test.");
	write_file("a2.csv", "compte;montant\n6011;1200\n");
	write_file("bad.pdf", "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer garbage\n");
	write_file("texte.txt", "Un simple texte, pas un PDF.\n");
	char sha1[65], hout[200];
	at_sh(hout, sizeof hout, "sha256sum %s | cut -c1-64", file("p1.pdf"));
	snprintf(sha1, sizeof sha1, "%.64s", hout);

	/* ---- push ---- */
	seance_json("ok.json", "7.2", "p2");
	T_EQ_INT(push("ok.json", NULL, 0), 201, "a whole séance pushed in one multipart request (JSON part as a text field)");
	json_t *j = json_loads(out, 0, NULL);
	json_t *pts = json_object_get(j, "points");
	T_EQ_INT(json_array_size(pts), 3, "three points");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(pts, 0), "titre")), "Budget primitif", "…in the order given");
	T_EQ_STR(json_string_value(json_object_get(j, "organe_nom")), "Conseil communautaire", "the assembly found by name (case ignored)");
	T_EQ_STR(json_string_value(json_object_get(j, "date")), "2026-12-17T18:30", "Paris time kept");
	T_EQ_INT(json_array_size(json_object_get(j, "documents")), 2, "the convocation letter and the note de synthèse");
	json_t *d1 = json_object_get(json_array_get(pts, 0), "documents");
	T_EQ_INT(json_array_size(d1), 3, "point 1: its projet and two annexes");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(d1, 0), "sha256")), sha1, "…the projet's SHA-256");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(d1, 2), "nom")), "a2.csv", "…an annex of any type (CSV)");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(d1, 2), "type")), "annexe", "…stored as an annex");
	T_EQ_INT(json_array_size(json_object_get(json_array_get(pts, 2), "documents")), 0, "point 3 without document");
	json_decref(j);
	seance_json("ok2.json", "7.2", "p2");
	T_EQ_INT(push("ok2.json", NULL, 1), 201, "the JSON part sent as a file part works too");

	int64_t before = snapshot();
	seance_json("missing.json", "7.2", "p3");
	T_EQ_INT(push("missing.json", NULL, 0), 400, "a referenced part that is missing → 400");
	T_OK(strstr(out, "seance.fichier") && strstr(out, "« p3 »") && strstr(out, "projet du point 2"), "…naming the part and the point");
	seance_json("twice.json", "7.2", "p1");
	T_EQ_INT(push("twice.json", NULL, 0), 400, "a part referenced twice → 400");
	T_OK(strstr(out, "référencée deux fois") != NULL, "…said so");
	char extra[600];
	snprintf(extra, sizeof extra, "-F 'p3=@%s'", file("r0.pdf"));
	T_EQ_INT(push("ok.json", extra, 0), 400, "an uploaded part referenced by nothing → 400");
	T_OK(strstr(out, "« p3 »") && strstr(out, "n'est référencée par aucun"), "…named");
	seance_json("bad.json", "7.2", "bad");
	snprintf(extra, sizeof extra, "-F 'bad=@%s;filename=projet-abime.pdf'", file("bad.pdf"));
	T_EQ_INT(push("bad.json", extra, 0), 400, "a damaged PDF → 400");
	T_OK(strstr(out, "projet-abime.pdf") && strstr(out, "projet du point 2"), "…naming the file and the point");
	seance_json("txt.json", "7.2", "txt");
	snprintf(extra, sizeof extra, "-F 'txt=@%s'", file("texte.txt"));
	T_EQ_INT(push("txt.json", extra, 0), 415, "a projet that is not a PDF → 415");
	seance_json("mat.json", "7x", "p2");
	T_EQ_INT(push("mat.json", NULL, 0), 400, "an invalid matière on point 2 → 400 (found while storing)");
	T_OK(strstr(out, "Point 2 : ") && strstr(out, "point.matiere"), "…« Point 2 : » and the field");
	write_file("org.json", "{\"organe_nom\":\"Conseil des sages\",\"date\":\"2026-12-17T18:30\"}");
	snprintf(extra, sizeof extra, "-F 'seance=<%s'", file("org.json"));
	T_EQ_INT(curl_run(tok_sec, "/api/v1/seances", extra), 400, "an unknown assembly → 400");
	T_OK(strstr(out, "seance.organe") && strstr(out, "Conseil des sages"), "…named");
	{
		FILE *f = fopen(file("many.json"), "w");
		fputs("{\"organe_nom\":\"Conseil communautaire\",\"date\":\"2026-12-17T18:30\",\"points\":[", f);
		for (int k = 0; k < 301; k++)
			fprintf(f, "%s{\"titre\":\"Point %d\"}", k ? "," : "", k);
		fputs("]}", f);
		fclose(f);
	}
	snprintf(extra, sizeof extra, "-F 'seance=@%s;type=application/json'", file("many.json"));
	T_EQ_INT(curl_run(tok_sec, "/api/v1/seances", extra), 413, "301 points → 413 (bounded)");
	T_EQ_INT(snapshot(), before, "nothing stored by any refused push (séances, points, documents)");

	T_EQ_INT(curl_run(tok_aud, "/api/v1/seances", "-F 'seance=<" "/dev/null'"), 403, "the auditor cannot push");
	{
		long st;
		json_t *p = at_api(&S, tok_sec, "POST", "/api/v1/seances",
				   "{\"organe_nom\":\"Conseil communautaire\",\"titre\":\"Par JSON\",\"date\":\"2026-12-18T18:30\"}", &st);
		T_EQ_INT(st, 201, "the plain JSON creation still works (assembly by name too)");
		json_decref(p);
	}

	/* ---- web-delib ---- */
	long st;
	j = at_api(&S, tok_sec, "GET", "/api/v1/webdelib", NULL, &st);
	T_OK(st == 200 && json_is_false(json_object_get(j, "creer_organes")), "the connector does not create assemblies by default");
	json_decref(j);
	write_file("wd.json",
		   "{\"place\":\"8 rue de la Mairie\",\"type_seance\":\"Commission webservice\",\"date_seance\":\"2026-12-12 09:30\","
		   "\"acteurs_convoques\":\"[{\\\"Acteur\\\":{\\\"nom\\\":\\\"DURAND\\\",\\\"prenom\\\":\\\"Thomas\\\",\\\"salutation\\\":\\\"Monsieur\\\","
		   "\\\"titre\\\":\\\"Président\\\",\\\"email\\\":\\\"thomas.durand@example.org\\\",\\\"telmobile\\\":\\\"\\\"}},"
		   "{\\\"Acteur\\\":{\\\"nom\\\":\\\"DUPONT\\\",\\\"prenom\\\":\\\"Emilie\\\",\\\"salutation\\\":\\\"Madame\\\",\\\"titre\\\":\\\"\\\","
		   "\\\"email\\\":\\\"emilie.dupont@example.org\\\",\\\"telmobile\\\":\\\"\\\"}}]\","
		   "\"projets\":[{\"ordre\":2,\"libelle\":\"tarif cimetiere3\",\"theme\":\"STA, ssta\",\"Rapporteur\":{\"rapporteurlastname\":\"durand\","
		   "\"rapporteurfirstname\":\"thomas\"}},{\"ordre\":0,\"libelle\":\"tarif cimetiere1\",\"theme\":\"T1, STA\"},"
		   "{\"ordre\":1,\"libelle\":\"tarif cimetiere2\",\"theme\":\"T1, STB\",\"annexes\":[{\"ordre\":0},{\"ordre\":1}]}]}");
	char wf[3000];
	snprintf(wf, sizeof wf,
		 "-F 'convocation=@%s' -F 'projet_0_rapport=@%s' -F 'projet_1_rapport=@%s' -F 'projet_1_0_annexe=@%s' -F 'projet_1_1_annexe=@%s' "
		 "-F 'projet_2_rapport=@%s'",
		 file("conv.pdf"), file("r0.pdf"), file("r1.pdf"), file("x10.pdf"), file("x11.pdf"), file("r2.pdf"));
	before = snapshot();
	T_EQ_INT(wd("999999999", "ccpo.secretaire", "Opale-Demo-2024!", "wd.json", wf), 400, "an unknown conn → 400");
	T_OK(wd_failed("inconnue"), "…success false, Seance.add.error, the reason");
	T_EQ_INT(wd("246200364", "ccpo.secretaire", "mauvais", "wd.json", wf), 400, "a wrong password → 400");
	T_OK(wd_failed("mot de passe"), "…said so");
	T_EQ_INT(wd("246200364", "ccpo.elu", "Opale-Demo-2024!", "wd.json", wf), 400, "an élu's account → 400");
	T_OK(wd_failed("secrétaire"), "…not a secretary");
	T_EQ_INT(wd("246200364", "ccpo.secretaire", "Opale-Demo-2024!", "wd.json", wf), 400, "an unknown type_seance without permission → 400");
	T_OK(wd_failed("Commission webservice"), "…naming the type");
	T_EQ_INT(snapshot(), before, "nothing stored");
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM organes WHERE name = 'Commission webservice'", NULL), 0, "no assembly created");
	j = at_api(&S, tok_admin, "PUT", "/api/v1/webdelib", "{\"creer_organes\":true}", &st);
	T_EQ_INT(st, 200, "the administrator allows the connector to create assemblies");
	json_decref(j);
	T_EQ_INT(wd("246200364", "ccpo.secretaire", "Opale-Demo-2024!", "wd.json", wf), 200, "the web-delib push is accepted");
	j = json_loads(out, 0, NULL);
	T_OK(json_is_true(json_object_get(j, "success")) && !strcmp(json_string_value(json_object_get(j, "code")) ?: "", "Seance.add.ok") &&
		     !strcmp(json_string_value(json_object_get(j, "message")) ?: "", "La séance a bien été ajoutée."),
	     "…answered like idelibre (success, Seance.add.ok, message)");
	const char *uuid = json_string_value(json_object_get(j, "uuid"));
	char path[128];
	snprintf(path, sizeof path, "/api/v1/seances/%s", uuid ? uuid : "0");
	json_decref(j);
	j = at_api(&S, tok_sec, "GET", path, NULL, &st);
	T_EQ_INT(st, 200, "uuid = the séance's id");
	T_EQ_STR(json_string_value(json_object_get(j, "organe_nom")), "Commission webservice", "the assembly created from type_seance");
	T_EQ_STR(json_string_value(json_object_get(j, "date")), "2026-12-12T09:30", "date_seance read as Paris time");
	T_EQ_STR(json_string_value(json_object_get(j, "lieu")), "8 rue de la Mairie", "place → lieu");
	pts = json_object_get(j, "points");
	T_OK(json_array_size(pts) == 3 && !strcmp(json_string_value(json_object_get(json_array_get(pts, 0), "titre")), "tarif cimetiere1") &&
		     !strcmp(json_string_value(json_object_get(json_array_get(pts, 2), "titre")), "tarif cimetiere3"),
	     "the projets ordered by « ordre »");
	T_EQ_INT(json_array_size(json_object_get(json_array_get(pts, 1), "documents")), 3, "projet 1: its rapport and two annexes");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(pts, 2), "rapporteur_nom")), "Thomas DURAND", "the rapporteur found among the actors");
	T_OK(json_integer_value(json_object_get(json_array_get(pts, 2), "rapporteur")) > 0, "…as a member");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(pts, 0), "theme")), "T1, STA", "theme kept");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(j, "documents"), 0), "type")), "convocation", "the convocation letter");
	json_decref(j);
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM membres m JOIN organes o ON o.id = m.organe_id WHERE o.name = 'Commission webservice'", NULL), 2,
		 "the convened actors are its members");
	T_EQ_INT(wd("246200364", "ccpo.secretaire", "Opale-Demo-2024!", "wd.json", wf), 400, "the same séance again is refused");
	T_OK(wd_failed("existe déjà"), "…as idelibre does");
	write_file("wd2.json", "{\"type_seance\":\"Conseil communautaire\",\"date_seance\":\"2026-12-19 18:00\","
			       "\"projets\":[{\"ordre\":0,\"libelle\":\"A\",\"theme\":\"T\"},{\"ordre\":1,\"libelle\":\"B\",\"theme\":\"T\"}]}");
	snprintf(wf, sizeof wf, "-F 'convocation=@%s' -F 'projet_0_rapport=@%s'", file("conv.pdf"), file("r0.pdf"));
	before = snapshot();
	T_EQ_INT(wd("246200364", "ccpo.secretaire", "Opale-Demo-2024!", "wd2.json", wf), 400, "a missing projet_1_rapport → 400");
	T_OK(wd_failed("projet_1_rapport"), "…naming the part");
	T_EQ_INT(snapshot(), before, "…nothing stored");
	T_EQ_INT(curl_run(NULL, "/api300/check", "-F conn=246200364 -F username=ccpo.secretaire -F 'password=Opale-Demo-2024!'"), 200,
		 "api300/check with good credentials");
	T_EQ_STR(out, "success", "…answers success");
	T_EQ_INT(curl_run(NULL, "/api300/check", "-F conn=246200364 -F username=ccpo.secretaire -F password=non"), 403, "…403 otherwise");
	T_EQ_INT(curl_run(NULL, "/api300/ping", ""), 200, "api300/ping");
	db_close(D);
	srv_stop(&S);
	return t_done();
}
