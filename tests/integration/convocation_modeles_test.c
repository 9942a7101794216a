/* Convocation templates, paper letters and the convocation rectificative, on a real server with the
 * real SMTP test server (both engines). Templates: the defaults listed, a bad template refused in
 * French (unknown placeholder, no {{lien}}, unclosed section, raw output) with nothing stored, roles,
 * the preview on the collectivité's latest séance, a page save; the edited templates used in the mail
 * each kind of recipient receives (titulaire, suppléant, invité), the proof event holding the SHA-256
 * of the text actually received. Paper letters: one PDF (pdftotext: collectivité, address, date and
 * place, agenda, note de synthèse, signature), the same bytes on every download, one « papier » event
 * per member with its SHA-256. Rectificatif: refused before any change, then after a change of place
 * and a new point every recipient receives the list of changes, new links, states again, a new
 * manifest and paper batch; a date moved too close is refused until the urgence is declared. */
#include "apitest.h"
#include "httptest.h"
#include "srvtest.h"
#include "t.h"

#include "core/dates.h"
#include "identity/identity.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct srv S;
static db *D;
static const char *maildir;
static char tok_sec[80], tok_agent[80], tok_aud[80];

static int64_t q1(const char *sql, int64_t a)
{
	char s[32];
	snprintf(s, sizeof s, "%lld", (long long)a);
	return at_one(D, sql, s);
}

static long call(const char *tok, const char *method, const char *path, const char *json, json_t **out)
{
	long st = 0;
	json_t *j = at_api(&S, tok, method, path, json, &st);
	if (out)
		*out = j;
	else
		json_decref(j);
	return st;
}

static const char *jstr(json_t *j, const char *k)
{
	const char *s = json_string_value(json_object_get(j, k));
	return s ? s : "";
}

/* The error of a refusal: {"error": {"code", "message"}}. */
static const char *ecode(json_t *j)
{
	return jstr(json_object_get(j, "error"), "code");
}

static const char *emsg(json_t *j)
{
	return jstr(json_object_get(j, "error"), "message");
}

/* Waits until no convocation of the séance is « en_file ». */
static void wait_sent(int64_t seance)
{
	for (int i = 0; i < 200 && q1("SELECT COUNT(*) FROM convocations WHERE seance_id = $1 AND state = 'en_file'", seance) > 0; i++)
		usleep(100000);
}

/* The text/plain part of a received mail (quoted-printable decoded, CR dropped). */
static void text_part(const char *mail, buf *out)
{
	buf b = BUF_INIT;
	for (const char *p = mail; *p; p++)
		if (*p != '\r')
			buf_putc(&b, *p);
	const char *t = b.data ? strstr(b.data, "text/plain") : NULL;
	const char *start = t ? strstr(t, "\n\n") : NULL;
	/* The part ends with the text's last LF, then the delimiter's own line end and "--boundary". */
	const char *end = start ? strstr(start + 2, "\n\n--") : NULL;
	if (start && end)
		buf_add(out, start + 2, (size_t)(end - (start + 2) + 1)); /* with the text's own last line end */
	buf_puts(out, "");
	buf_free(&b);
}

static int64_t membre(int64_t organe, const char *json)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/organes/%lld/membres", (long long)organe);
	json_t *j = NULL;
	long st = call(tok_sec, "POST", path, json, &j);
	int64_t id = st == 201 ? json_integer_value(json_object_get(j, "id")) : 0;
	json_decref(j);
	return id;
}

int main(void)
{
	int up = srv_start_mail(&S, NULL, &maildir);
	if (!T_OK(up != -1, "the SMTP test server runs") || !T_OK(up == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.secretaire", tok_sec);
	at_token(&S, D, "ccpo.agent", tok_agent);
	at_token(&S, D, "ccpo.auditeur", tok_aud);
	json_t *j = NULL;
	char path[256], body[4096];

	/* 1. Templates: the defaults, refusals with nothing stored, roles. */
	T_EQ_INT(call(tok_aud, "GET", "/api/v1/modeles-convocation", NULL, &j), 200, "the auditor reads the templates");
	json_t *ms = json_object_get(j, "modeles");
	T_EQ_INT((int)json_array_size(ms), 4, "four templates: titulaire, suppléant, invité, rectificatif");
	int defaults = 0, with_link = 0;
	size_t i;
	json_t *m;
	json_array_foreach(ms, i, m) {
		defaults += json_is_true(json_object_get(m, "defaut"));
		with_link += strstr(jstr(m, "texte"), "{{lien}}") != NULL;
	}
	T_OK(defaults == 4 && with_link == 4, "all built-in defaults, each with {{lien}}");
	json_decref(j);

	T_EQ_INT(call(tok_sec, "PUT", "/api/v1/modeles-convocation",
		      "{\"type\":\"titulaire\",\"objet\":\"Convocation\",\"texte\":\"Bonjour {{inconnu}},\\n{{lien}}\\n\"}", &j), 422,
		 "an unknown placeholder is refused");
	T_OK(!strcmp(ecode(j), "modele.balise") && strstr(emsg(j), "{{inconnu}}") && strstr(emsg(j), "ligne 1") &&
		     strstr(emsg(j), "{{ordre_du_jour}}"),
	     "modele.balise: the message names the placeholder, its line and the permitted ones");
	json_decref(j);
	T_EQ_INT(call(tok_sec, "PUT", "/api/v1/modeles-convocation", "{\"type\":\"titulaire\",\"objet\":\"Convocation\",\"texte\":\"Bonjour {{nom}}\"}",
		      &j), 422, "a template without {{lien}} is refused");
	T_OK(!strcmp(ecode(j), "modele.lien") && strstr(emsg(j), "preuve de réception"), "modele.lien, with the reason");
	json_decref(j);
	T_EQ_INT(call(tok_sec, "PUT", "/api/v1/modeles-convocation", "{\"type\":\"titulaire\",\"objet\":\"C\",\"texte\":\"{{#lieu}}{{lien}}\"}", &j), 422,
		 "an unclosed section is refused");
	T_OK(!strcmp(ecode(j), "modele.syntaxe") && strstr(emsg(j), "{{/lieu}}"), "modele.syntaxe names the section");
	json_decref(j);
	T_EQ_INT(call(tok_sec, "PUT", "/api/v1/modeles-convocation", "{\"type\":\"titulaire\",\"objet\":\"C\",\"texte\":\"{{{lien}}}\"}", &j), 422,
		 "raw output is refused");
	json_decref(j);
	T_EQ_INT(call(tok_sec, "PUT", "/api/v1/modeles-convocation", "{\"type\":\"president\",\"objet\":\"C\",\"texte\":\"{{lien}}\"}", &j), 422,
		 "an unknown kind is refused");
	json_decref(j);
	T_EQ_INT(call(tok_sec, "PUT", "/api/v1/modeles-convocation",
		      "{\"type\":\"titulaire\",\"objet\":\"C\",\"texte\":\"{{lien}}\",\"html\":\"<p>Bonjour</p>\"}", &j), 422,
		 "an HTML part without {{lien}} is refused");
	json_decref(j);
	T_EQ_INT(call(tok_agent, "PUT", "/api/v1/modeles-convocation", "{\"type\":\"titulaire\",\"objet\":\"C\",\"texte\":\"{{lien}}\"}", NULL), 403,
		 "an agent cannot edit the templates (secretary, administrator)");
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM convocation_modeles", NULL), 0, "nothing was stored");

	/* Preview: the collectivité's latest séance (the demo's). */
	char latest[300];
	snprintf(latest, sizeof latest, "%s", "");
	{
		struct err e;
		int rc;
		db_stmt *s = db_query(D, &e, &rc, "SELECT title FROM seances ORDER BY starts_at DESC, id DESC LIMIT 1", "");
		if (s && rc == DB_ROW)
			snprintf(latest, sizeof latest, "%s", db_col_text(s, 0));
		if (s)
			db_finalize(s);
	}
	T_EQ_INT(call(tok_sec, "POST", "/api/v1/modeles-convocation/apercu",
		      "{\"type\":\"suppleant\",\"objet\":\"Pour {{destinataire}}\",\"texte\":\"{{titre}} / {{titulaire}} / {{lien}}\\n{{#points}}{{rang}}) {{titre}}\\n{{/points}}\"}",
		      &j), 200, "preview of an edited template");
	T_OK(!strcmp(jstr(j, "objet"), "Pour Madame Camille Exemple") && *latest && strstr(jstr(j, "texte"), latest) &&
		     strstr(jstr(j, "texte"), "1) ") && strstr(jstr(j, "texte"), "/convocation/") && !strcmp(jstr(j, "seance"), latest),
	     "rendered for an example recipient with the latest séance and its agenda");
	json_decref(j);
	T_EQ_INT(call(tok_sec, "POST", "/api/v1/modeles-convocation/apercu", "{\"type\":\"titulaire\",\"objet\":\"x\",\"texte\":\"{{lieux}} {{lien}}\"}",
		      NULL), 422, "the preview checks too");

	/* Edited templates: titulaire and suppléant by the API, invité by the page. */
	T_EQ_INT(call(tok_sec, "PUT", "/api/v1/modeles-convocation",
		      "{\"type\":\"titulaire\",\"objet\":\"Convocation CCPO : {{titre}} le {{date}}\",\"texte\":\"Madame, Monsieur {{nom}},\\n"
		      "Vous êtes attendu(e) : {{titre}} ({{organe}}), {{date}} à {{heure}}, {{lieu}}.\\n{{#points}}Point {{rang}} : {{titre}}\\n{{/points}}"
		      "Lien : {{lien}}\\nMention spéciale CCPO-MODELE-42\\n\"}", &j), 200, "the titulaire's template is saved");
	T_OK(json_is_false(json_object_get(j, "defaut")) && strstr(jstr(j, "texte"), "CCPO-MODELE-42"), "and read back");
	json_decref(j);
	T_EQ_INT(call(tok_sec, "PUT", "/api/v1/modeles-convocation",
		      "{\"type\":\"suppleant\",\"objet\":\"Suppléance : {{titre}}\",\"texte\":\"Suppléance de {{titulaire}} — {{lien}} — MODELE-SUPP\\n\","
		      "\"html\":\"<p>Suppléance de {{titulaire}}</p><p><a href=\\\"{{lien}}\\\">MODELE-SUPP-HTML</a></p>\"}", NULL), 200,
		 "the suppléant's template, with its own HTML part");
	char jar[300], csrf[80], loc[256];
	snprintf(jar, sizeof jar, "%s/jar.txt", S.data);
	T_EQ_INT(at_login(&S, jar, "ccpo.secretaire", csrf), 200, "the secretary logs in");
	T_EQ_INT(at_form(&S, jar, csrf, "/seances/modeles", "type=invite&action=enregistrer&objet=Invitation&texte=Bonjour+%7B%7Bprenon%7D%7D+%7B%7Blien%7D%7D",
			 loc), 422, "the page refuses a misspelt placeholder");
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM convocation_modeles WHERE kind = 'invite'", NULL), 0, "nothing stored");
	T_EQ_INT(at_form(&S, jar, csrf, "/seances/modeles",
			 "type=invite&action=enregistrer&objet=Invitation+%3A+%7B%7Btitre%7D%7D&texte=Vous+%C3%AAtes+invit%C3%A9(e)+%3A+%7B%7Blien%7D%7D%0D%0AMODELE-INVITE%0D%0A",
			 loc), 303, "the page saves the invité's template");
	T_OK(!strcmp(loc, "/seances/modeles#modele-invite"), "back to it");
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM convocation_modeles WHERE kind = 'invite' AND body = $1", "Vous êtes invité(e) : {{lien}}\nMODELE-INVITE\n"),
		 1, "stored with LF line ends");
	struct ht_resp r;
	at_req(&S, tok_sec, "GET", "/seances/modeles", NULL, NULL, &r);
	T_OK(r.status == 200 && r.body.data && strstr(r.body.data, "MODELE-INVITE") && strstr(r.body.data, "modifié le") &&
		     strstr(r.body.data, "Rétablir le modèle"),
	     "the page shows the saved template, modified, with « Rétablir le modèle d'origine »");
	ht_resp_free(&r);

	/* 2. An EPCI assembly of four: titulaire (présidente), her suppléant, an invité, a paper titulaire. */
	T_EQ_INT(call(tok_sec, "POST", "/api/v1/organes", "{\"nom\":\"Commission intercommunale des modèles\",\"nature\":\"epci\"}", &j), 201,
		 "an assembly");
	int64_t org = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	int64_t anne = membre(org, "{\"nom\":\"Alpha\",\"prenom\":\"Anne\",\"civilite\":\"Madame\",\"fonction\":\"Présidente\","
				   "\"courriel\":\"anne.alpha@demo.opale.invalid\"}");
	snprintf(body, sizeof body, "{\"nom\":\"Beta\",\"prenom\":\"Bruno\",\"civilite\":\"Monsieur\",\"qualite\":\"suppleant\",\"titulaire\":%lld,"
				    "\"courriel\":\"bruno.beta@demo.opale.invalid\"}", (long long)anne);
	int64_t bruno = membre(org, body);
	int64_t claire = membre(org, "{\"nom\":\"Gamma\",\"prenom\":\"Claire\",\"qualite\":\"invite\",\"courriel\":\"claire.gamma@demo.opale.invalid\"}");
	int64_t denis = membre(org, "{\"nom\":\"Delta\",\"prenom\":\"Denis\",\"civilite\":\"Monsieur\",\"papier\":true,"
				    "\"adresse\":\"5 rue des Lilas; 62100 Calais\"}");
	T_OK(anne && bruno && claire && denis, "four members");
	char when[20];
	at_day_plus(12, when);
	snprintf(body, sizeof body, "{\"organe\":%lld,\"titre\":\"Commission des tarifs\",\"date\":\"%s\",\"lieu\":\"Salle Vauban\"}", (long long)org, when);
	T_EQ_INT(call(tok_sec, "POST", "/api/v1/seances", body, &j), 201, "a séance in twelve days");
	int64_t se = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/points", (long long)se);
	call(tok_sec, "POST", path, "{\"titre\":\"Budget annexe de l'eau\",\"matiere\":\"7.1\"}", NULL);
	call(tok_sec, "POST", path, "{\"titre\":\"Tarifs de la piscine\",\"matiere\":\"7.2\"}", NULL);
	char note[400];
	snprintf(note, sizeof note, "%s/note.pdf", S.data);
	at_pdf(note, "Note de synthèse", "Les affaires soumises à délibération.");
	snprintf(path, sizeof path, "/api/v1/seances/%lld/documents", (long long)se);
	T_EQ_INT(at_run("curl -sf -o /dev/null -H 'Authorization: Bearer %s' -F type=note_synthese -F 'document=@%s' '%s'", tok_sec, note,
			srv_url(&S, path)), 0, "the note de synthèse is uploaded");
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations/papier.pdf", (long long)se);
	T_EQ_INT(call(tok_sec, "GET", path, NULL, NULL), 409, "no paper letters before the sending");

	/* 3. The sending: each kind's template in the mail received. */
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations", (long long)se);
	T_EQ_INT(call(tok_sec, "POST", path, NULL, NULL), 202, "the convocations are sent");
	wait_sent(se);
	T_EQ_INT(q1("SELECT COUNT(*) FROM convocations WHERE seance_id = $1 AND state = 'acceptee'", se), 3, "three mails accepted");
	buf mail = BUF_INIT;
	const char *n_anne[] = { "Madame, Monsieur Alpha,", "Vous êtes attendu(e) : Commission des tarifs (Commission intercommunale des modèles)",
				 "Salle Vauban", "Point 1 : Budget annexe de l'eau", "Point 2 : Tarifs de la piscine", "CCPO-MODELE-42", "/convocation/",
				 NULL };
	T_OK(at_mail(maildir, "anne.alpha@demo.opale.invalid", n_anne, 10, &mail), "the titulaire's mail follows her edited template");
	buf text = BUF_INIT;
	text_part(mail.data ? mail.data : "", &text);
	char hsha[65];
	identity_sha256_hex(text.data, hsha);
	snprintf(body, sizeof body, "%%texte SHA-256 %s%%", hsha);
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM seance_events WHERE kind = 'acceptation' AND detail LIKE $1", body), 1,
		 "the acceptation event holds the SHA-256 of the text she received");
	printf("# titulaire's text (%zu bytes) SHA-256 %s\n", text.len, hsha);
	buf_free(&text);
	buf_free(&mail);
	const char *n_bruno[] = { "Suppléance de Anne Alpha", "MODELE-SUPP", "MODELE-SUPP-HTML", NULL };
	T_OK(at_mail(maildir, "bruno.beta@demo.opale.invalid", n_bruno, 10, NULL), "the suppléant's mail: his template, text and HTML");
	const char *n_claire[] = { "Vous êtes invité(e) :", "MODELE-INVITE", NULL };
	T_OK(at_mail(maildir, "claire.gamma@demo.opale.invalid", n_claire, 10, NULL), "the invité's mail: the template saved on the page");
	T_EQ_INT(q1("SELECT COUNT(*) FROM seance_events WHERE seance_id = $1 AND kind = 'acceptation' AND detail LIKE '%modèle suppleant%'", se), 1,
		 "the event names the template used");

	/* 4. Paper letters. */
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations/papier.pdf", (long long)se);
	at_raw(&S, tok_sec, "GET", path, NULL, &r);
	T_OK(r.status == 200 && r.body.len > 4 && !memcmp(r.body.data, "%PDF", 4), "the paper letters are a PDF");
	char *pt = at_pdf_text(r.body.data, r.body.len);
	T_OK(strstr(pt, "Communauté") || strstr(pt, "CCPO") || strstr(pt, "Pays"), "collectivité header");
	T_OK(strstr(pt, "Monsieur Denis Delta") && strstr(pt, "5 rue des Lilas") && strstr(pt, "62100 Calais"), "the member's postal address");
	T_OK(strstr(pt, "Salle Vauban") && strstr(pt, "18:30") && strstr(pt, "1. Budget annexe de l'eau") && strstr(pt, "2. Tarifs de la piscine"),
	     "date, time, place and agenda");
	T_OK(strstr(pt, "note explicative de synthèse") && strstr(pt, "La Présidente, Anne Alpha"), "the note de synthèse and the president's signature");
	T_OK(!strstr(pt, "Anne Alpha 5") && !strstr(pt, "Bruno"), "only the paper member gets a letter");
	free(pt);
	char psha[65], f1[400];
	snprintf(f1, sizeof f1, "%s/papier1.pdf", S.data);
	FILE *fp = fopen(f1, "wb");
	fwrite(r.body.data, 1, r.body.len, fp);
	fclose(fp);
	at_sh(psha, sizeof psha, "sha256sum '%s' | cut -c1-64", f1);
	ht_resp_free(&r);
	snprintf(body, sizeof body, "%%PDF SHA-256 %s%%", psha);
	T_EQ_INT(q1("SELECT COUNT(*) FROM seance_events WHERE kind = 'papier' AND detail LIKE 'lettre%' AND membre_id = $1", denis), 1,
		 "one « papier » event for the member");
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM seance_events WHERE kind = 'papier' AND detail LIKE $1", body), 1, "with the PDF's SHA-256");
	at_raw(&S, tok_aud, "GET", path, NULL, &r);
	char f2[400], psha2[65];
	snprintf(f2, sizeof f2, "%s/papier2.pdf", S.data);
	fp = fopen(f2, "wb");
	fwrite(r.body.data, 1, r.body.len, fp);
	fclose(fp);
	ht_resp_free(&r);
	at_sh(psha2, sizeof psha2, "sha256sum '%s' | cut -c1-64", f2);
	T_OK(!strcmp(psha, psha2), "downloaded again (by the auditor): the same bytes");
	T_EQ_INT(q1("SELECT COUNT(*) FROM seance_events WHERE kind = 'papier' AND detail LIKE 'lettre%' AND seance_id = $1", se), 1,
		 "and no new event");

	/* 5. Rectificatif. */
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations/rectificatif", (long long)se);
	T_EQ_INT(call(tok_sec, "POST", path, NULL, &j), 409, "nothing changed: no rectificatif");
	T_OK(!strcmp(ecode(j), "convocation.sans_modification"), "convocation.sans_modification");
	json_decref(j);
	T_EQ_INT(call(tok_aud, "POST", path, NULL, NULL), 403, "the auditor cannot send it");
	int64_t old_ids = q1("SELECT SUM(id) FROM convocations WHERE seance_id = $1", se);
	snprintf(body, sizeof body, "{\"organe\":%lld,\"titre\":\"Commission des tarifs\",\"date\":\"%s\",\"lieu\":\"Salle Richelieu\"}", (long long)org,
		 when);
	snprintf(path, sizeof path, "/api/v1/seances/%lld", (long long)se);
	T_EQ_INT(call(tok_sec, "PUT", path, body, NULL), 200, "the place changes");
	snprintf(path, sizeof path, "/api/v1/seances/%lld/points", (long long)se);
	T_EQ_INT(call(tok_sec, "POST", path, "{\"titre\":\"Questions diverses\"}", NULL), 201, "a point is added");
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations/rectificatif", (long long)se);
	T_EQ_INT(call(tok_sec, "POST", path, NULL, NULL), 202, "« Envoyer une convocation rectificative »");
	T_EQ_INT(q1("SELECT COUNT(*) FROM seance_events WHERE seance_id = $1 AND kind = 'mise_en_file' AND at >= (SELECT MAX(at) FROM seance_envois "
		    "WHERE seance_id = $1)", se) >= 3, 1, "every e-mail recipient queued again");
	wait_sent(se);
	T_EQ_INT(q1("SELECT COUNT(*) FROM convocations c JOIN seance_envois v ON v.id = c.envoi_id WHERE c.seance_id = $1 AND c.state = 'acceptee' "
		    "AND v.kind = 'rectificatif'", se), 3, "three rectificatifs accepted by the SMTP server");
	T_OK(q1("SELECT SUM(id) FROM convocations WHERE seance_id = $1", se) != old_ids, "new convocations (new personal links)");
	const char *n_rect[] = { "Convocation rectificative", "a été modifiée depuis le dernier courriel", "séance modifiée (date, lieu ou urgence)",
				 "ordre du jour modifié", "Salle Richelieu", "3. Questions diverses", "/convocation/", NULL };
	const char *to[] = { "anne.alpha@demo.opale.invalid", "bruno.beta@demo.opale.invalid", "claire.gamma@demo.opale.invalid" };
	int got = 0;
	for (int k = 0; k < 3; k++)
		got += at_mail(maildir, to[k], n_rect + 1, 10, NULL);
	T_EQ_INT(got, 3, "every recipient receives the rectificatif with the changes listed");
	T_EQ_INT(q1("SELECT COUNT(*) FROM seance_events WHERE seance_id = $1 AND kind = 'rectificatif' AND detail LIKE '%manifeste SHA-256%'", se), 1,
		 "a « rectificatif » proof event with the new manifest's SHA-256");
	T_EQ_INT(q1("SELECT COUNT(*) FROM seance_events WHERE seance_id = $1 AND kind = 'acceptation' AND detail LIKE '%modèle rectificatif ; texte SHA-256%'",
		    se), 3, "and an acceptation per recipient with the SHA-256 of the body");
	{
		json_t *cv = NULL;
		snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations", (long long)se);
		call(tok_sec, "GET", path, NULL, &cv);
		json_t *ev = json_array_get(json_object_get(cv, "envois"), 1);
		T_OK(json_is_true(json_object_get(ev, "rectificatif")), "the second sending is the rectificatif");
		snprintf(path, sizeof path, "/api/v1/seances/%lld/envois/%lld/manifeste.txt", (long long)se, (long long)json_integer_value(json_object_get(ev, "id")));
		at_raw(&S, tok_sec, "GET", path, NULL, &r);
		T_OK(r.status == 200 && r.body.data && strstr(r.body.data, "manifeste de convocation rectificative") &&
			     strstr(r.body.data, "Modifications depuis l'envoi précédent") && strstr(r.body.data, "Questions diverses"),
		     "its manifest: rectificative, the changes, the new agenda");
		ht_resp_free(&r);
		json_decref(cv);
	}
	/* The paper recipient: a new batch. */
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations/papier.pdf", (long long)se);
	at_raw(&S, tok_sec, "GET", path, NULL, &r);
	pt = at_pdf_text(r.body.data ? r.body.data : "", r.body.len);
	T_OK(r.status == 200 && strstr(pt, "convocation rectificative") && strstr(pt, "Salle Richelieu") && strstr(pt, "3. Questions diverses") &&
		     strstr(pt, "ordre du jour modifié") && strstr(pt, "5 rue des Lilas"),
	     "a new paper letter: rectificative, the changes, the new place and agenda");
	free(pt);
	ht_resp_free(&r);
	T_EQ_INT(q1("SELECT COUNT(*) FROM seance_papier WHERE seance_id = $1", se), 2, "two paper batches");
	T_EQ_INT(q1("SELECT COUNT(*) FROM seance_events WHERE kind = 'papier' AND detail LIKE 'lettre de convocation rectificative papier%' AND membre_id = $1",
		    denis), 1, "its « papier » event");

	/* 6. The date moved three days ahead: too late for an EPCI (5 jours francs) without urgence. */
	at_day_plus(3, when);
	snprintf(body, sizeof body, "{\"organe\":%lld,\"titre\":\"Commission des tarifs\",\"date\":\"%s\",\"lieu\":\"Salle Richelieu\"}", (long long)org,
		 when);
	snprintf(path, sizeof path, "/api/v1/seances/%lld", (long long)se);
	call(tok_sec, "PUT", path, body, NULL);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations/rectificatif", (long long)se);
	T_EQ_INT(call(tok_sec, "POST", path, NULL, &j), 409, "a date moved too close is refused");
	T_OK(!strcmp(ecode(j), "seance.delai_depasse") && strstr(emsg(j), "urgence"), "seance.delai_depasse, mentioning the urgence");
	json_decref(j);
	snprintf(body, sizeof body, "{\"organe\":%lld,\"titre\":\"Commission des tarifs\",\"date\":\"%s\",\"lieu\":\"Salle Richelieu\",\"urgence\":true,"
				    "\"justification\":\"Fermeture imminente de la piscine\"}", (long long)org, when);
	snprintf(path, sizeof path, "/api/v1/seances/%lld", (long long)se);
	call(tok_sec, "PUT", path, body, NULL);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations/rectificatif", (long long)se);
	T_EQ_INT(call(tok_sec, "POST", path, NULL, NULL), 202, "with the urgence justified, it goes");
	wait_sent(se);
	const char *n_urg[] = { "Convocation en urgence : Fermeture imminente de la piscine", "séance modifiée", NULL };
	buf b2 = BUF_INIT;
	T_OK(at_mail(maildir, "bruno.beta@demo.opale.invalid", n_urg, 10, &b2), "with the urgence in the mail");
	T_OK(b2.data && !strstr(b2.data, "ordre du jour modifié"), "changes already announced by the previous rectificatif are not listed again");
	buf_free(&b2);
	/* The other two mails of this sending: taken out of the shared Maildir (later tests count theirs). */
	T_OK(at_mail(maildir, "anne.alpha@demo.opale.invalid", n_urg, 10, NULL) && at_mail(maildir, "claire.gamma@demo.opale.invalid", n_urg, 10, NULL),
	     "and to the others");
	/* 7. Back to the default. */
	T_EQ_INT(call(tok_sec, "PUT", "/api/v1/modeles-convocation", "{\"type\":\"titulaire\",\"defaut\":true}", &j), 200, "the default is restored");
	T_OK(json_is_true(json_object_get(j, "defaut")) && strstr(jstr(j, "texte"), "Vous êtes convoqué(e)"), "the built-in text again");
	json_decref(j);
	snprintf(path, sizeof path, "/seances/%lld", (long long)se);
	at_req(&S, tok_sec, "GET", path, NULL, NULL, &r);
	T_OK(r.status == 200 && r.body.data && strstr(r.body.data, "Envoyer une convocation rectificative") &&
		     strstr(r.body.data, "/convocations/papier.pdf"),
	     "the séance page offers the rectificatif and the paper letters");
	ht_resp_free(&r);

	db_close(D);
	srv_stop(&S);
	return t_done();
}
