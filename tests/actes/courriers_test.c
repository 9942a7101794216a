/* Prefecture letters on a real server and the S2LOW test peer: an acknowledged act receives a lettre
 * d'observations and a demande de pièces complémentaires; the inbox gives each its deadlines (the
 * reply date of the observations, an alert when it is within 7 days, the prefect's delay suspended by
 * the demande); replies with several documents — refused where the XSD allows one, a 3-4 carrying
 * a PDF letter, a PDF piece and a PNG piece with their typologies — reach the peer, whose archive
 * check accepts them; the AR 3-5 makes the prefect's delay run again from its date. */
#include "actes/actes.h"
#include "actes/delais.h"
#include "apitest.h"
#include "httptest.h"
#include "peertest.h"
#include "srvtest.h"
#include "t.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct srv S;
static db *D;
static struct peer P;
static char tok[80], pdf[300], png[300];

static char *sh(const char *fmt, const char *a, const char *b)
{
	static char out[65536];
	at_sh(out, sizeof out, fmt, a, b);
	return out;
}

static char *ctl(const char *what)
{
	static char out[4096], cmd[512];
	snprintf(cmd, sizeof cmd, "curl -s -X POST '%s/_peer/%s'", P.url, what);
	at_sh(out, sizeof out, "%s", cmd);
	return out;
}

static json_t *peer_tx(int type)
{
	char cmd[256], out[65536];
	snprintf(cmd, sizeof cmd, "curl -s '%s/_peer/state'", P.url);
	at_sh(out, sizeof out, "%s", cmd);
	json_t *a = json_loads(out, 0, NULL), *v, *last = NULL;
	size_t i;
	json_array_foreach(a, i, v) if (json_integer_value(json_object_get(v, "type")) == type) last = v;
	json_incref(last);
	json_decref(a);
	return last;
}

/* The letter of that code in the inbox (waits up to 20 s for it). */
static json_t *letter(const char *code)
{
	for (int i = 0; i < 200; i++) {
		json_t *j = at_api(&S, tok, "GET", "/api/v1/actes/courriers", NULL, NULL), *v, *found = NULL;
		size_t k;
		json_array_foreach(json_object_get(j, "courriers"), k, v) if (strcmp(json_string_value(json_object_get(v, "code")), code) == 0)
			found = v;
		json_incref(found);
		json_decref(j);
		if (found)
			return found;
		usleep(100000);
	}
	return NULL;
}

/* Answers letter id with curl: extra is the -F arguments. Returns the HTTP status, body in out. */
static long answer(int64_t id, const char *extra, char *out, size_t n)
{
	char cmd[2048], url[128];
	snprintf(url, sizeof url, "/api/v1/actes/messages/%lld/reponse", (long long)id);
	snprintf(cmd, sizeof cmd, "curl -s -w ' %%{http_code}' -H 'Authorization: Bearer %s' %s %s", tok, extra, srv_url(&S, url));
	at_sh(out, n, "%s", cmd);
	const char *sp = strrchr(out, ' ');
	return sp ? atol(sp + 1) : 0;
}

static const char *dl(json_t *l, const char *k)
{
	return json_string_value(json_object_get(json_object_get(l, "delai"), k));
}

int main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build/rel";
	setenv("OPALE_JOBS_POLL_MS", "200", 1);
	setenv("OPALE_TDT_POLL", "1", 1);
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	char log[400];
	snprintf(log, sizeof log, "%s/peer.log", S.data);
	if (!T_OK(peer_start(&P, build, log, 0, (const char *const[]){ "--auto", "ar", NULL }) == 0, "S2LOW test peer starts")) {
		srv_stop(&S);
		return t_done();
	}
	D = srv_db(&S);
	struct err e;
	db_run(D, &e, "UPDATE actes_settings SET tdt_url = $1", "t", P.url);
	at_token(&S, D, "ccpo.agent", tok);
	snprintf(pdf, sizeof pdf, "%s/lettre.pdf", S.data);
	at_pdf(pdf, "Réponse à la préfecture", "Veuillez trouver ci-joint les pièces demandées.");
	snprintf(png, sizeof png, "%s/plan.png", S.data);
	static const unsigned char png_bytes[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6,
						   0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0d, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0xf8, 0x0f, 0,
						   0, 0x01, 0x01, 0, 0x05, 0x18, 0xd8, 0x4e, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
	FILE *f = fopen(png, "wb");
	fwrite(png_bytes, 1, sizeof png_bytes, f);
	fclose(f);

	/* an act, transmitted and acknowledged (the peer steps it at each poll) */
	char cmd[2048], out[8192];
	snprintf(cmd, sizeof cmd,
		 "curl -s -H 'Authorization: Bearer %s' -F 'acte={\"numero\":\"2024_70\",\"nature\":3,\"objet\":\"Arrêté de voirie\","
		 "\"date_decision\":\"2024-03-18\",\"matiere\":\"8.3\",\"type_piece\":\"99_AI\"}' -F 'document=@%s;filename=arrete.pdf' %s",
		 tok, pdf, srv_url(&S, "/api/v1/actes"));
	at_sh(out, sizeof out, "%s", cmd);
	json_t *j = json_loads(out, 0, NULL);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	if (!T_OK(id > 0, "act created"))
		printf("# %s\n", out);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/actes/%lld/transmettre", (long long)id);
	json_decref(at_api(&S, tok, "POST", path, NULL, NULL));
	snprintf(path, sizeof path, "/api/v1/actes/%lld", (long long)id);
	int acked = 0;
	for (int i = 0; i < 300 && !acked; i++) {
		j = at_api(&S, tok, "GET", path, NULL, NULL);
		acked = json_string_value(json_object_get(j, "etat")) && strcmp(json_string_value(json_object_get(j, "etat")), "acquitte") == 0;
		json_decref(j);
		if (!acked)
			usleep(100000);
	}
	if (!T_OK(acked, "the act is acknowledged"))
		srv_diagnose(&S, "act not acknowledged");
	json_t *act = peer_tx(1);
	int tdt = (int)json_integer_value(json_object_get(act, "id"));
	json_decref(act);

	/* the form's live check: the creation's rules, each violation with its field, nothing kept */
	long st;
	j = at_api(&S, tok, "POST", "/api/v1/actes/valider",
		   "{\"numero\":\"2024_70\",\"nature\":3,\"objet\":\"Arrêté\",\"date_decision\":\"2024-03-18\",\"matiere\":\"8\","
		   "\"type_piece\":\"99_AI\",\"document\":{\"taille\":12,\"debut\":\"68656c6c6f\"},"
		   "\"annexes\":[{\"taille\":157286400,\"debut\":\"255044462d\"}],\"types_annexes\":\"XX\"}", &st);
	buf champs = BUF_INIT;
	json_t *v;
	size_t k;
	json_array_foreach(json_object_get(j, "violations"), k, v)
		buf_printf(&champs, "%s:%s ", json_string_value(json_object_get(v, "champ")), json_string_value(json_object_get(v, "code")));
	T_OK(st == 200 && json_is_false(json_object_get(j, "valide")), "valider: 200, not valid");
	T_OK(champs.data && strstr(champs.data, "numero:actes.numero_existe") && strstr(champs.data, "matiere:actes.matiere") &&
		     strstr(champs.data, "document:actes.type_fichier") && strstr(champs.data, "types_annexes:actes.type_piece") &&
		     strstr(champs.data, "annexes:actes.taille"),
	     "valider: the number already used, the matière, the act's type (from its first bytes), the annex's type and the total size, each with its field");
	if (champs.data)
		printf("# %s\n", champs.data);
	buf_free(&champs);
	json_decref(j);
	j = at_api(&S, tok, "POST", "/api/v1/actes/valider",
		   "{\"nature\":3,\"objet\":\"Arrêté\",\"date_decision\":\"2024-03-18\",\"matiere\":\"8.3\",\"type_piece\":\"99_AI\","
		   "\"document\":{\"taille\":1200,\"debut\":\"255044462d312e34\"}}", &st);
	T_OK(st == 200 && json_is_true(json_object_get(j, "valide")), "valider: a right form (number left to the series) is valid");
	json_decref(j);
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM actes WHERE numero = '2024_70'", NULL), 1, "… and nothing was created");

	/* the prefecture writes: observations, then a demande de pièces */
	char c[128];
	snprintf(c, sizeof c, "courrier?id=%d&type=4&texte=Motif", tdt);
	ctl(c);
	json_t *l4 = letter("4-1");
	T_OK(l4 != NULL, "the lettre d'observations (4-1) is in the inbox");
	char today_s[11];
	actes_today(today_s);
	struct date today, x;
	date_parse(today_s, &today, NULL);
	char want[11];
	date_format(actes_add_months(today, 2), want);
	T_EQ_STR(dl(l4, "reponse_avant"), want, "4-1: reply before the day two months after the letter (implicit rejection)");
	date_format(actes_deux_mois_franc(today), want);
	T_EQ_STR(dl(l4, "fin_controle"), want, "the prefect's initial delay: two months (franc, working day) after the AR");
	T_OK(!json_is_true(json_object_get(json_object_get(l4, "delai"), "alerte")), "two months ahead: no alert");
	T_OK(dl(l4, "explication") && strstr(dl(l4, "explication"), "Recours gracieux"), "the explanation names the recours gracieux");
	T_OK(dl(l4, "sources") && strstr(dl(l4, "sources"), "L2131-6"), "… with its sources (CGCT L2131-6)");
	int64_t m4 = json_integer_value(json_object_get(l4, "id"));
	json_decref(l4);
	/* the same letter dated five days short of two months ago, on an act received six weeks before: an alert */
	x = date_add_days(actes_add_months(today, -2), 5);
	char back[11], ar[11];
	date_format(x, back);
	date_format(date_add_days(x, -40), ar);
	db_run(D, &e, "UPDATE actes_messages SET date = $1 WHERE code = '4-1'", "t", back);
	db_run(D, &e, "UPDATE actes SET date_ar = $1 WHERE numero = '2024_70'", "t", ar);
	j = at_api(&S, tok, "GET", "/api/v1/actes/courriers", NULL, NULL);
	T_EQ_INT(json_integer_value(json_object_get(j, "alertes")), 1, "dated two months minus five days ago: one alert in the inbox");
	json_array_foreach(json_object_get(j, "courriers"), k, v) if (json_integer_value(json_object_get(v, "id")) == m4)
		T_EQ_INT(json_integer_value(json_object_get(json_object_get(v, "delai"), "jours_restants")), 5, "… 5 days left");
	json_decref(j);
	struct ht_resp hr;
	char auth[128];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
	const char *hh[] = { auth, NULL };
	ht_request("GET", srv_url(&S, "/actes"), NULL, NULL, 0, hh, NULL, &hr);
	T_OK(hr.status == 200 && strstr(hr.body.data, "à traiter dans les 7 jours") && strstr(hr.body.data, "2024_70"),
	     "the acts page shows the alert with the act");
	ht_resp_free(&hr);
	ht_request("GET", srv_url(&S, "/actes/courriers"), NULL, NULL, 0, hh, NULL, &hr);
	T_OK(hr.status == 200 && strstr(hr.body.data, "Répondre avant le") && strstr(hr.body.data, "appelle(nt) une réponse"),
	     "the letters page gives the reply date and the alert");
	ht_resp_free(&hr);
	snprintf(path, sizeof path, "/actes/%lld", (long long)id);
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, hh, NULL, &hr);
	T_OK(hr.status == 200 && strstr(hr.body.data, "Répondre avant le") && strstr(hr.body.data, "Sources"), "so does the act's page");
	ht_resp_free(&hr);

	/* a 4-4 carries one document: two are refused, and nothing is queued */
	db_run(D, &e, "UPDATE actes SET date_ar = $1 WHERE numero = '2024_70'", "t", today_s);   /* back to today's AR */
	snprintf(cmd, sizeof cmd, "-F envoi=reponse -F 'document=@%s' -F 'document=@%s'", pdf, pdf);
	T_EQ_INT(answer(m4, cmd, out, sizeof out), 400, "two documents in a reply to observations: 400");
	T_OK(strstr(out, "actes.documents") && strstr(out, "3-4"), "… actes.documents, saying only a 3-4 carries several");
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM actes_transmissions WHERE kind = 'reponse'", NULL), 0, "… nothing queued");
	snprintf(cmd, sizeof cmd, "-F envoi=reponse -F 'document=@%s'", png);
	T_EQ_INT(answer(m4, cmd, out, sizeof out), 400, "a PNG as the letter of a reply: 400 (actes.type_fichier)");

	snprintf(c, sizeof c, "courrier?id=%d&type=3&texte=Plan", tdt);
	ctl(c);
	json_t *l3 = letter("3-1");
	T_OK(l3 && json_is_true(json_object_get(json_object_get(l3, "delai"), "suspendu")) && json_is_null(json_object_get(json_object_get(l3, "delai"), "reponse_avant")),
	     "3-1: the prefect's delay is suspended, no legal reply date");
	int64_t m3 = json_integer_value(json_object_get(l3, "id"));
	json_decref(l3);
	snprintf(cmd, sizeof cmd, "-F envoi=reponse -F 'document=@%s' -F 'document=@%s' -F 'types=99_AU XX'", pdf, pdf);
	T_EQ_INT(answer(m3, cmd, out, sizeof out), 400, "a malformed piece type: 400");
	T_OK(strstr(out, "actes.type_piece") != NULL, "… actes.type_piece");
	snprintf(cmd, sizeof cmd, "-F envoi=reponse -F 'document=@%s;filename=lettre.pdf' -F 'document=@%s;filename=plan.pdf' -F 'document=@%s;filename=plan.png'"
				  " -F 'types=99_AU 22_AG 99_AU'", pdf, pdf, png);
	T_EQ_INT(answer(m3, cmd, out, sizeof out), 202, "3-4 with a letter, a PDF piece and a PNG piece: 202");
	json_t *rep = NULL;
	for (int i = 0; i < 200; i++) {
		rep = peer_tx(8);
		if (rep)
			break;
		usleep(100000);
	}
	T_OK(rep != NULL, "the reply reaches the peer (its archive passed the peer's check)");
	json_t *files = json_object_get(rep, "files");
	buf names = BUF_INIT;
	json_array_foreach(files, k, v) buf_printf(&names, "%s ", json_string_value(v));
	T_OK(json_array_size(files) == 4 && strstr(names.data, "99_AU-") && strstr(names.data, "-3-4_1.pdf") && strstr(names.data, "22_AG-") &&
		     strstr(names.data, "-3-4_2.pdf") && strstr(names.data, "-3-4_3.png"),
	     "the 3-4 at the peer: its message and the three documents, named with their typologies");
	if (json_array_size(files) != 4)
		printf("# %s\n", names.data ? names.data : "");
	buf_free(&names);
	int rid = (int)json_integer_value(json_object_get(rep, "id"));
	json_decref(rep);
	char arc[400];
	snprintf(arc, sizeof arc, "%s/reponse", S.data);
	snprintf(cmd, sizeof cmd, "mkdir -p %s && cd %s && curl -s -OJ '%s/modules/actes/actes_download_file.php?env=%d' && ls", arc, arc, P.url, rid);
	at_sh(out, sizeof out, "%s", cmd);
	out[strcspn(out, "\n")] = 0;
	const char *opale = getenv("OPALE") ? getenv("OPALE") : "./opale", *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	T_OK(at_run("%s actes check '%s/%s' >/dev/null 2>&1", opale, arc, out) == 0, "opale actes check accepts the reply archive");
	T_OK(at_run("cd %s && tar xzf '%s' && xmllint --noout --schema %s/specs/actes/actesv1_1.xsd *-3-4_0.xml 2>/dev/null", arc, out, shared) == 0,
	     "xmllint validates its PieceComplementaire against actesv1_1.xsd");
	T_OK(atoi(sh("grep -c 'NomFichier>[^<]' %s/*-3-4_0.xml%s", arc, "")) == 3,
	     "… with three Documents/Document");
	snprintf(c, sizeof c, "ar_reponse?id=%d", rid);
	ctl(c);
	json_t *l3b = NULL;
	for (int i = 0; i < 200; i++) {
		l3b = letter("3-1");
		if (l3b && dl(l3b, "reprise"))
			break;
		json_decref(l3b);
		l3b = NULL;
		usleep(100000);
	}
	T_OK(l3b != NULL, "the AR 3-5 is recorded and the delay runs again");
	T_EQ_STR(dl(l3b, "reprise"), today_s, "… from the day the pieces were received");
	date_format(actes_deux_mois_franc(today), want);
	T_EQ_STR(dl(l3b, "deferer_avant"), want, "… for two full months");
	T_EQ_STR(json_string_value(json_object_get(l3b, "reponse")), "repondu", "the letter is answered");
	json_decref(l3b);
	j = at_api(&S, tok, "GET", "/api/v1/actes/courriers?a_repondre=1", NULL, NULL);
	T_EQ_INT(json_array_size(json_object_get(j, "courriers")), 1, "?a_repondre=1: only the observations are still waiting");
	json_decref(j);

	peer_stop(&P);
	db_close(D);
	srv_stop(&S);
	return t_done();
}
