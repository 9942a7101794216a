/* operator: data of the operator console and the set-up report. */
#include "identity/operator.h"
#include "identity/identity.h"
#include "web/pdfdoc.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const struct setup_step setup_steps[] = {
	{ "etude", "Étude du projet : besoins, chemins de validation et de signature" },
	{ "procedures", "Rédaction des procédures de validation et du cahier des fonctionnalités" },
	{ "parametrage", "Paramétrage de la solution" },
	{ "sensibilisation", "Sensibilisation des agents, aide au changement" },
	{ "formation", "Formation des agents et des élus" },
	{ "suivi", "Suivi et assistance" },
	{ "rapport", "Rapport de mise en place et bilan" },
	{ NULL, NULL },
};

#define ASSISTANCE_MIN_MINUTES 120  /* « au minimum 2 heures par an » (article 3-3) */

static int current_year(void)
{
	time_t now = (time_t)identity_now();
	struct tm tm;
	gmtime_r(&now, &tm);
	return tm.tm_year + 1900;
}

static void today(char out[11])
{
	time_t now = (time_t)identity_now();
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

json_t *operator_collectivite_json(db *d, int64_t tenant, struct err *e)
{
	struct collectivite c;
	if (collectivite_get(d, tenant, &c, e) < 0)
		return NULL;
	json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)c.id, "name", c.name,
			      "siren", c.siren, "siret", c.siret, "kind", c.kind, "kind_label", collectivite_kind_label(c.kind),
			      "population", (json_int_t)c.population, "departement", c.departement, "prefecture",
			      c.prefecture, "website", c.website, "city", c.city);
	json_t *tiers = json_array();
	for (unsigned t = 1; t <= TIER_IDELIBRE; t <<= 1)
		if (c.tiers & t)
			json_array_append_new(tiers, json_pack("{s:i,s:s}", "n", t == 1 ? 1 : t == 2 ? 2 : 3, "name", tier_name(t)));
	json_object_set_new(j, "tiers", tiers);
	json_object_set_new(j, "tier_bits", json_integer(c.tiers));

	int rc;
	db_stmt *s = db_query(d, e, &rc, "SELECT deliberation_date, start_date, renewed_on, termination_notified_on"
					 " FROM adhesions WHERE tenant_id = $1", "i", tenant);
	if (!s) {
		json_decref(j);
		return NULL;
	}
	json_t *a = json_object();
	if (rc == DB_ROW) {
		json_object_set_new(a, "deliberation_date", json_string(db_col_text(s, 0)));
		json_object_set_new(a, "start_date", json_string(db_col_text(s, 1)));
		json_object_set_new(a, "renewed_on", json_string(db_col_text(s, 2)));
		json_object_set_new(a, "termination_notified_on", json_string(db_col_text(s, 3)));
		struct adhesion_dates ad;
		struct err e2;
		if (*db_col_text(s, 1) && adhesion_compute(db_col_text(s, 1), db_col_text(s, 2), db_col_text(s, 3), &ad, &e2) == 0) {
			char t[11];
			today(t);
			json_object_set_new(a, "term_end", json_string(ad.term_end));
			json_object_set_new(a, "renewed_end", json_string(ad.renewed_end));
			json_object_set_new(a, "effective_end", json_string(ad.effective_end));
			json_object_set_new(a, "warn_from", json_string(ad.warn_from));
			json_object_set_new(a, "can_renew", json_boolean(ad.can_renew));
			if (ad.termination_effect[0])
				json_object_set_new(a, "termination_effect", json_string(ad.termination_effect));
			int ended = strcmp(t, ad.effective_end) > 0, warn = !ended && strcmp(t, ad.warn_from) >= 0;
			json_object_set_new(a, "ended", json_boolean(ended));
			json_object_set_new(a, "warn", json_boolean(warn));
			if (warn)
				json_object_set_new(j, "alert", json_string(ad.can_renew
					? "Terme de la convention dans moins de 3 mois : décider de la reconduction expresse."
					: "Terme de la convention (déjà reconduite) dans moins de 3 mois."));
			else if (ended)
				json_object_set_new(j, "alert", json_string("Convention d'adhésion échue."));
		}
	}
	db_finalize(s);
	json_object_set_new(j, "adhesion", a);

	json_t *steps = json_array();
	for (const struct setup_step *st = setup_steps; st->key; st++) {
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "key", st->key, "label", st->label, "planned_on", "", "done_on",
				      "", "note", "");
		s = db_query(d, e, &rc, "SELECT planned_on, done_on, note FROM setup_steps WHERE tenant_id = $1 AND step = $2",
			     "it", tenant, st->key);
		if (s && rc == DB_ROW) {
			json_object_set_new(o, "planned_on", json_string(db_col_text(s, 0)));
			json_object_set_new(o, "done_on", json_string(db_col_text(s, 1)));
			json_object_set_new(o, "note", json_string(db_col_text(s, 2)));
			json_object_set_new(o, "done", json_boolean(*db_col_text(s, 1)));
		}
		if (s)
			db_finalize(s);
		json_array_append_new(steps, o);
	}
	json_object_set_new(j, "steps", steps);

	int year = current_year();
	char from[24], to[24];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	json_t *assist = json_array();
	int64_t minutes = 0;
	s = db_query(d, e, &rc, "SELECT day, minutes, subject FROM assistance WHERE tenant_id = $1 ORDER BY day DESC, id DESC",
		     "i", tenant);
	while (s && rc == DB_ROW) {
		const char *day = db_col_text(s, 0);
		if (strcmp(day, from) >= 0 && strcmp(day, to) <= 0)
			minutes += db_col_int64(s, 1);
		json_array_append_new(assist, json_pack("{s:s,s:I,s:s}", "day", day, "minutes", (json_int_t)db_col_int64(s, 1),
							"subject", db_col_text(s, 2)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	char total[32];
	snprintf(total, sizeof total, "%lld h %02lld", (long long)minutes / 60, (long long)minutes % 60);
	json_object_set_new(j, "assistance", assist);
	json_object_set_new(j, "assistance_year", json_integer(year));
	json_object_set_new(j, "assistance_total", json_string(total));
	json_object_set_new(j, "assistance_minutes", json_integer(minutes));
	json_object_set_new(j, "assistance_short", json_boolean(minutes < ASSISTANCE_MIN_MINUTES));

	json_t *acts = json_array();
	s = db_query(d, e, &rc, "SELECT counter, n FROM activity WHERE tenant_id = $1 AND year = $2 ORDER BY counter", "ii",
		     tenant, (int64_t)year);
	while (s && rc == DB_ROW) {
		json_array_append_new(acts, json_pack("{s:s,s:I}", "counter", db_col_text(s, 0), "n", (json_int_t)db_col_int64(s, 1)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	json_object_set_new(j, "activity", acts);
	return j;
}

static const char *js(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v && *v ? v : "—";
}

int operator_report_pdf(db *d, int64_t tenant, const char *path, struct err *e)
{
	json_t *j = operator_collectivite_json(d, tenant, e);
	if (!j)
		return -1;
	char foot[400], line[1024];
	snprintf(foot, sizeof foot, "Rapport de mise en place et bilan — %s", js(j, "name"));
	pdfdoc *p = pdfdoc_new(path, foot, e);
	if (!p) {
		json_decref(j);
		return -1;
	}
	pdfdoc_title(p, "Rapport de mise en place et bilan de la e-administration");
	snprintf(line, sizeof line, "%s (%s) — SIREN %s — %lld habitants — département %s", js(j, "name"), js(j, "kind_label"),
		 js(j, "siren"), (long long)json_integer_value(json_object_get(j, "population")), js(j, "departement"));
	pdfdoc_para(p, line);
	pdfdoc_heading(p, "Prestations souscrites");
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(j, "tiers"), i, t) {
		snprintf(line, sizeof line, "Prestation %lld : « %s »", (long long)json_integer_value(json_object_get(t, "n")),
			 js(t, "name"));
		pdfdoc_para(p, line);
	}
	json_t *a = json_object_get(j, "adhesion");
	pdfdoc_heading(p, "Convention d'adhésion");
	snprintf(line, sizeof line, "Délibération du %s ; début le %s ; terme le %s (5 ans, reconductible une fois par "
		 "reconduction expresse jusqu'au %s). Reconduction : %s. Résiliation notifiée : %s, effet le %s.",
		 js(a, "deliberation_date"), js(a, "start_date"), js(a, "term_end"), js(a, "renewed_end"), js(a, "renewed_on"),
		 js(a, "termination_notified_on"), js(a, "termination_effect"));
	pdfdoc_para(p, line);
	pdfdoc_heading(p, "Étapes de mise en place");
	static const double w3[] = { 0.56, 0.22, 0.22 };
	const char *hdr[] = { "Étape", "Prévue le", "Réalisée le" };
	pdfdoc_row(p, 3, w3, hdr, 1);
	json_array_foreach(json_object_get(j, "steps"), i, t) {
		const char *cells[] = { js(t, "label"), js(t, "planned_on"), js(t, "done_on") };
		pdfdoc_row(p, 3, w3, cells, 0);
	}
	pdfdoc_heading(p, "Assistance");
	snprintf(line, sizeof line, "Temps d'assistance en %lld : %s (engagement minimal : 2 h par an)%s.",
		 (long long)json_integer_value(json_object_get(j, "assistance_year")), js(j, "assistance_total"),
		 json_is_true(json_object_get(j, "assistance_short")) ? " — engagement non encore atteint" : " — engagement tenu");
	pdfdoc_para(p, line);
	static const double w3b[] = { 0.2, 0.15, 0.65 };
	const char *hdr2[] = { "Date", "Durée (min)", "Objet" };
	pdfdoc_row(p, 3, w3b, hdr2, 1);
	json_array_foreach(json_object_get(j, "assistance"), i, t) {
		char mins[32];
		snprintf(mins, sizeof mins, "%lld", (long long)json_integer_value(json_object_get(t, "minutes")));
		const char *cells[] = { js(t, "day"), mins, js(t, "subject") };
		pdfdoc_row(p, 3, w3b, cells, 0);
	}
	pdfdoc_heading(p, "Activité de l'année");
	if (!json_array_size(json_object_get(j, "activity")))
		pdfdoc_para(p, "Aucune activité enregistrée cette année.");
	static const double w2[] = { 0.7, 0.3 };
	json_array_foreach(json_object_get(j, "activity"), i, t) {
		char n[32];
		snprintf(n, sizeof n, "%lld", (long long)json_integer_value(json_object_get(t, "n")));
		const char *cells[] = { js(t, "counter"), n };
		pdfdoc_row(p, 2, w2, cells, 0);
	}
	json_decref(j);
	return pdfdoc_finish(p, e);
}
