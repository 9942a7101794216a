/* egalite_fuzz: libFuzzer target for what reads outside bytes in the equality diagnostic — the agents
 * CSV (then, when clean, the computation and the JSON and HTML outputs) and a « previous diagnostic »
 * JSON. The first byte picks the reader (even: CSV, odd: previous JSON); the rest is the input.
 * Any input must end in a report or a refusal with reasons, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/mem.h"
#include "egalite/egalite.h"

static const struct egalite_date REF = { 2023, 12, 31 };

static void csv(const char *data, size_t size)
{
	struct egalite_agents a;
	struct egalite_issues is;
	struct err e = { 0 };
	if (egalite_parse(data, size, &REF, &a, &is, &e) == 0) {
		struct egalite_opts o = { .date = REF, .a_part = { "x" }, .n_a_part = a.n && !*a.v[0].etablissement ? 0 : 1 };
		if (o.n_a_part)
			o.a_part[0] = a.v[0].etablissement;
		struct egalite_report *r = egalite_compute(&a, &o, &e);
		if (r) {
			buf b = BUF_INIT;
			egalite_json(r, NULL, &b, &e);
			egalite_html(r, NULL, &b, &e);
			buf_free(&b);
			egalite_report_free(r);
		}
	}
	egalite_agents_free(&a);
	egalite_issues_free(&is);
}

/* A previous diagnostic: checked, then used for the comparison of a one-agent report. */
static void previous(const char *json)
{
	static const char one[] = "matricule;sexe;date_naissance;statut;categorie;filiere;encadrant;temps_travail;"
				  "quotite;remuneration_brute_annuelle;mois_remuneres;etablissement\n"
				  "1;F;1980-01-01;fonctionnaire;A;administrative;oui;complet;100;36000;12;\n";
	struct egalite_agents a;
	struct egalite_issues is;
	struct err e = { 0 };
	egalite_previous_check(json, &e);
	if (egalite_parse(one, sizeof one - 1, &REF, &a, &is, &e) == 0) {
		struct egalite_opts o = { .date = REF };
		struct egalite_report *r = egalite_compute(&a, &o, &e);
		buf b = BUF_INIT;
		egalite_json(r, json, &b, &e);
		egalite_html(r, json, &b, &e);
		buf_free(&b);
		egalite_report_free(r);
	}
	egalite_agents_free(&a);
	egalite_issues_free(&is);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] % 2 == 0) {
		csv((const char *)data + 1, size - 1);
	} else {
		char *s = xstrndup((const char *)data + 1, size - 1);
		previous(s);
		free(s);
	}
	return 0;
}
