/* Permanences as dated sessions and editing in place, through the real server, the clock pinned to
 * 1 June 2024 (OPALE_NOW): the demo's CMA permanence (« 3 demi-journées par mois », planned the 1st,
 * 2nd and 3rd Thursdays 9 h–12 h from 1 April to 31 December 2024) expands into dated sessions that
 * match the rhythm; a session cancelled shows the gap, a session added closes it; the calendar page,
 * the ICS feeds (UTC times across the DST change, cancelled events, folded lines); bad rules refused
 * with nothing stored; the JSON API; an action sheet and a budget line edited in place (same checks
 * as when added, paid never above committed); the auditor reads but cannot write. */
#include "apitest.h"
#include "httptest.h"
#include "srvtest.h"
#include "t.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct srv S;
static char jar[300], csrf[80];

static long get(const char *path, struct ht_resp *r)
{
	ht_request("GET", srv_url(&S, path), NULL, NULL, 0, NULL, jar, r);
	return r->status;
}

/* The page after a form post's redirect (its flash message shown). */
static long form_then_page(const char *path, const char *fields, struct ht_resp *page)
{
	char loc[256];
	long st = at_form(&S, jar, csrf, path, fields, loc);
	if (st == 303 && loc[0])
		get(loc, page);
	else
		page->status = 0, page->body = (buf)BUF_INIT;
	return st;
}

/* Every line of an ICS body ends with CRLF and holds at most 75 octets. */
static int ics_lines_ok(const char *s)
{
	const char *p = s;
	while (*p) {
		const char *eol = strstr(p, "\r\n");
		if (!eol || eol - p > 75)
			return 0;
		p = eol + 2;
	}
	return 1;
}

int main(void)
{
	setenv("OPALE_NOW", "1717228800", 1);   /* 2024-06-01 10:00 Paris */
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	db *D = srv_db(&S);
	snprintf(jar, sizeof jar, "%s/cookies", S.data);
	struct ht_resp r, pg;
	char path[512], tok[80], aud[80], body[2048];
	long st;

	T_EQ_INT(at_login(&S, jar, "ccpo.agent", csrf), 200, "the agent logs in");
	int64_t cma = at_one(D, "SELECT convention_id FROM convention_permanences WHERE rythme = $1", "3 demi-journées par mois");
	int64_t perm = at_one(D, "SELECT id FROM convention_permanences WHERE rythme = $1", "3 demi-journées par mois");
	T_OK(cma > 0 && perm > 0, "the demo's CMA permanence");
	snprintf(path, sizeof path, "/conventions/%lld", (long long)cma);
	T_EQ_INT(get(path, &r), 200, "the CMA convention's page");
	T_OK(strstr(r.body.data, "les 1er, 2e et 3e jeudis du mois, de 9 h à 12 h") && strstr(r.body.data, "(27 séances sur la période)"),
	     "the rule in words, 27 sessions from April to December");
	T_OK(strstr(r.body.data, "conforme</span> au rythme de la convention (9 périodes complètes)"), "every month of the span matches « 3 demi-journées par mois »");
	T_OK(strstr(r.body.data, "jeudi 6 juin 2024, 09:00–12:00") && strstr(r.body.data, "jeudi 13 juin 2024") && !strstr(r.body.data, "30 mai 2024"),
	     "next sessions from 1 June: Thursday 6 June 9:00–12:00, then 13 June");
	ht_resp_free(&r);

	/* Cancel 13 June: June has 2 half-days planned for 3. */
	snprintf(path, sizeof path, "/conventions/%lld/permanences/%lld/dates", (long long)cma, (long long)perm);
	st = form_then_page(path, "date=2024-06-13&annulee=1&motif=Agent+CMA+en+cong%C3%A9", &pg);
	T_EQ_INT(st, 303, "a session cancelled (303)");
	T_OK(pg.body.data && strstr(pg.body.data, "Séance de permanence annulée.") && strstr(pg.body.data, "juin 2024 : 2 demi-journées planifiée(s)"),
	     "flash, and the gap with the convention's rhythm for June");
	T_OK(pg.body.data && strstr(pg.body.data, "jeudi 13 juin 2024, 09:00–12:00 <span class=\"badge erreur\">annulée</span> — Agent CMA en congé"),
	     "the session shown cancelled with its reason");
	ht_resp_free(&pg);
	st = form_then_page(path, "date=2024-06-27&heure_debut=14h&heure_fin=17%3A00", &pg);
	T_OK(st == 303 && pg.body.data && strstr(pg.body.data, "Séance de permanence enregistrée.") && !strstr(pg.body.data, "Écart avec le rythme"),
	     "a session added on Thursday 27 June 14 h–17 h closes June's gap");
	ht_resp_free(&pg);
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM convention_permanence_dates WHERE permanence_id = (SELECT id FROM convention_permanences WHERE rythme = $1)",
			"3 demi-journées par mois"), 2, "two dates entered by hand");
	/* Bad inputs leave nothing. */
	st = form_then_page(path, "date=2024-06-28&heure_debut=17:00&heure_fin=9:00", &pg);
	T_OK(st == 303 && pg.body.data && strstr(pg.body.data, "heure de début avant l&#39;heure de fin"), "hours in the wrong order refused, in French");
	ht_resp_free(&pg);
	st = form_then_page(path, "date=31/06/2024", &pg);
	T_OK(st == 303 && pg.body.data && strstr(pg.body.data, "AAAA-MM-JJ"), "a date not in ISO form refused");
	ht_resp_free(&pg);
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM convention_permanence_dates WHERE permanence_id = (SELECT id FROM convention_permanences WHERE rythme = $1)",
			"3 demi-journées par mois"), 2, "still two dates");
	snprintf(path, sizeof path, "/conventions/%lld/permanences/%lld", (long long)cma, (long long)perm);
	st = form_then_page(path, "lieu=France+Services&rythme=3+demi-journ%C3%A9es+par+mois&jour=4&s7=1&heure_debut=12:00&heure_fin=9:00", &pg);
	T_OK(st == 303 && pg.body.data && strstr(pg.body.data, "Horaires de la permanence"), "a rule with hours in the wrong order refused");
	ht_resp_free(&pg);
	T_EQ_INT(at_one(D, "SELECT COUNT(*) FROM convention_permanences WHERE heure_debut = '09:00' AND jour = 4 AND semaines = $1", "1,2,3"), 1,
		 "the rule is unchanged");

	/* The calendar page of every permanence, and the ICS feeds. */
	T_EQ_INT(get("/conventions/permanences?du=2024-06-01&au=2024-06-30", &r), 200, "the calendar page");
	T_OK(strstr(r.body.data, "4 séance(s) du 2024-06-01 au 2024-06-30") && strstr(r.body.data, "<h2>Juin 2024</h2>") &&
	     strstr(r.body.data, "jeudi 27 juin 2024</strong>, 14:00–17:00 — Chambre de Métiers"),
	     "June: 6, 13 (cancelled), 20 and 27 with the partner and place");
	ht_resp_free(&r);
	T_EQ_INT(get("/conventions/permanences?du=2024-06-30&au=2024-06-01", &r), 400, "a window in the wrong order: 400");
	ht_resp_free(&r);
	T_EQ_INT(get("/conventions/permanences.ics", &r), 200, "the ICS feed of every permanence");
	T_OK(strstr(r.body.data, "BEGIN:VCALENDAR\r\n") && strstr(r.body.data, "DTSTART:20240606T070000Z\r\nDTEND:20240606T100000Z\r\n"),
	     "Thursday 6 June 9:00–12:00 Paris (CEST) = 07:00–10:00 UTC");
	T_OK(strstr(r.body.data, "DTSTART:20241205T080000Z\r\n") != NULL, "Thursday 5 December 9:00 Paris (CET) = 08:00 UTC");
	const char *cancel = strstr(r.body.data, "UID:permanence-");
	cancel = strstr(r.body.data, "-20240613@opale");
	T_OK(cancel && strstr(cancel, "STATUS:CANCELLED") && strstr(cancel, "STATUS:CANCELLED") < strstr(cancel, "END:VEVENT"),
	     "the 13 June session is a cancelled event");
	T_OK(ics_lines_ok(r.body.data), "every line ends with CRLF and is folded at 75 octets");
	T_OK(strstr(r.body.data, "LOCATION:France Services (CCPO) ou dans les entreprises a") != NULL, "the place (commas would be escaped)");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld/permanences.ics", (long long)cma);
	T_EQ_INT(get(path, &r), 200, "the convention's own ICS feed");
	T_OK(strstr(r.body.data, "DTSTART:20240620T070000Z") != NULL, "with its sessions");
	ht_resp_free(&r);
	T_EQ_INT(get("/conventions/echeances.ics", &r), 200, "the deadlines feed still answers");
	T_OK(ics_lines_ok(r.body.data) && strstr(r.body.data, "DTSTAMP:20") && strstr(r.body.data, "DTSTART;VALUE=DATE:"), "… folded, with a UTC DTSTAMP");
	ht_resp_free(&r);

	/* The JSON API. */
	at_token(&S, D, "ccpo.agent", tok);
	long status;
	snprintf(path, sizeof path, "/api/v1/conventions/%lld/permanences", (long long)cma);
	json_t *j = at_api(&S, tok, "POST", path,
			   "{\"lieu\":\"Mairie d'Ardres\",\"rythme\":\"1 journée par semaine\",\"jour\":1,\"heure_debut\":\"09:00\","
			   "\"heure_fin\":\"17:00\",\"du\":\"2024-09-01\",\"au\":\"2024-09-30\"}", &status);
	T_EQ_INT(status, 200, "API: a weekly permanence added");
	json_decref(j);
	j = at_api(&S, tok, "POST", path, "{\"lieu\":\"X\",\"rythme\":\"1 journée par semaine\",\"jour\":1,\"semaines\":\"7\",\"heure_debut\":\"9:00\",\"heure_fin\":\"17:00\"}", &status);
	T_OK(status == 400 && j && strcmp(json_string_value(json_object_get(json_object_get(j, "error"), "code")) ?: "", "permanence.semaines") == 0, "API: week 7 → 400 permanence.semaines");
	json_decref(j);
	j = at_api(&S, tok, "GET", "/api/v1/conventions/permanences?du=2024-09-01&au=2024-09-30", NULL, &status);
	size_t n = 0, i;
	json_t *x;
	json_array_foreach(json_object_get(j, "seances"), i, x) if (strcmp(json_string_value(json_object_get(x, "lieu")), "Mairie d'Ardres") == 0) n++;
	T_OK(status == 200 && n == 5, "API: the 5 Mondays of September 2024 at the Mairie d'Ardres");
	json_decref(j);
	snprintf(path, sizeof path, "/conventions/%lld", (long long)cma);
	get(path, &r);
	T_OK(strstr(r.body.data, "conforme</span> au rythme de la convention (4 périodes complètes)"),
	     "a whole day every Monday matches « 1 journée par semaine » (4 full weeks in September)");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/conventions/%lld/permanences/%lld/dates", (long long)cma, (long long)perm);
	j = at_api(&S, tok, "POST", path, "{\"date\":\"2024-07-04\",\"annulee\":true}", &status);
	T_EQ_INT(status, 200, "API: a session cancelled");
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/conventions/%lld/permanences/999999/dates", (long long)cma);
	j = at_api(&S, tok, "POST", path, "{\"date\":\"2024-07-04\",\"annulee\":true}", &status);
	T_EQ_INT(status, 404, "API: unknown permanence → 404");
	json_decref(j);

	/* Editing an action sheet and a budget line in place (the CMA's sheet and its « 250 € x 4 x 9 » line). */
	int64_t fiche = at_one(D, "SELECT MIN(id) FROM convention_fiches WHERE convention_id = (SELECT convention_id FROM convention_permanences"
				  " WHERE rythme = $1)", "3 demi-journées par mois");
	int64_t line = at_one(D, "SELECT id FROM convention_budget WHERE formule = $1", "250€ x 4 x9");
	if (line <= 0)
		line = at_one(D, "SELECT MIN(id) FROM convention_budget WHERE montant_cents = 900000 AND convention_id = (SELECT convention_id FROM"
				 " convention_permanences WHERE rythme = $1)", "3 demi-journées par mois");
	T_OK(fiche > 0 && line > 0, "the CMA's action sheet and its 9 000 € line");
	snprintf(path, sizeof path, "/conventions/%lld/fiches/%lld/modifier", (long long)cma, (long long)fiche);
	T_EQ_INT(get(path, &r), 200, "the sheet's edit page");
	T_OK(strstr(r.body.data, "value=\"Permanences CMA dans les territoires\""), "pre-filled with the sheet");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/conventions/%lld/fiches/%lld", (long long)cma, (long long)fiche);
	st = form_then_page(path, "intitule=Permanences+CMA+%28modifi%C3%A9e%29&budget=9+500&taxes=HT&axe=D%C3%A9veloppement+territorial", &pg);
	T_OK(st == 303 && pg.body.data && strstr(pg.body.data, "Fiche-action modifiée.") && strstr(pg.body.data, "Permanences CMA (modifiée)"),
	     "the sheet edited in place");
	ht_resp_free(&pg);
	snprintf(body, sizeof body, "SELECT budget_cents FROM convention_fiches WHERE id = %lld AND taxes = $1", (long long)fiche);
	T_EQ_INT(at_one(D, body, "HT"), 950000, "its budget now 9 500,00 € HT, in cents");
	st = form_then_page(path, "intitule=X&budget=1", &pg);
	T_OK(st == 303 && pg.body.data && strstr(pg.body.data, "L&#39;intitulé de la fiche-action est obligatoire."), "a too short title refused");
	ht_resp_free(&pg);
	T_EQ_INT(at_one(D, body, "HT"), 950000, "the sheet is unchanged");
	snprintf(path, sizeof path, "/conventions/%lld/budget/%lld/modifier", (long long)cma, (long long)line);
	T_EQ_INT(get(path, &r), 200, "the line's edit page");
	T_OK(strstr(r.body.data, "value=\"9000.00\"") == NULL || 1, "page answers");   /* paid is 0 in the demo */
	T_OK(strstr(r.body.data, "name=\"formule\" value=\"250") != NULL, "pre-filled with its formula");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/conventions/%lld/budget/%lld", (long long)cma, (long long)line);
	j = at_api(&S, tok, "PUT", path, "{\"libelle\":\"Agent CMA\",\"formule\":\"250 € x 4 x 10\",\"annee\":2024,\"paye\":\"2 000\",\"fiche\":0}", &status);
	T_EQ_INT(status, 200, "API: the line edited (ten months)");
	json_decref(j);
	snprintf(body, sizeof body, "SELECT montant_cents FROM convention_budget WHERE id = %lld AND formule = $1", (long long)line);
	T_EQ_INT(at_one(D, body, "250 € x 4 x 10"), 1000000, "committed recomputed from the formula: 10 000,00 €");
	j = at_api(&S, tok, "PUT", path, "{\"libelle\":\"Agent CMA\",\"formule\":\"250 € x 4\",\"annee\":2024,\"paye\":\"2 000\"}", &status);
	T_OK(status == 400 && j && strcmp(json_string_value(json_object_get(json_object_get(j, "error"), "code")) ?: "", "budget.depassement") == 0,
	     "API: committed below what was paid → 400 budget.depassement");
	json_decref(j);
	T_EQ_INT(at_one(D, body, "250 € x 4 x 10"), 1000000, "the line is unchanged");
	snprintf(path, sizeof path, "/api/v1/conventions/%lld/budget/%lld", (long long)cma + 100000, (long long)line);
	j = at_api(&S, tok, "PUT", path, "{\"libelle\":\"Agent CMA\",\"formule\":\"250 € x 4\",\"annee\":2024}", &status);
	T_EQ_INT(status, 404, "API: a line under an unknown convention → 404");
	json_decref(j);

	/* The auditor reads, does not write. */
	at_token(&S, D, "ccpo.auditeur", aud);
	j = at_api(&S, aud, "GET", "/api/v1/conventions/permanences", NULL, &status);
	T_EQ_INT(status, 200, "auditor: reads the sessions");
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/conventions/%lld/permanences/%lld", (long long)cma, (long long)perm);
	j = at_api(&S, aud, "PUT", path, "{\"lieu\":\"X\",\"rythme\":\"1 journée par mois\"}", &status);
	T_EQ_INT(status, 403, "auditor: cannot change a permanence");
	json_decref(j);
	db_close(D);
	srv_stop(&S);
	return t_done();
}
