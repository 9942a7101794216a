/* egalite unit tests: rounding rules, dates and ages, amounts, the CSV reader's edge cases and the
 * computation of a tiny population checked by hand. */
#include <stdlib.h>

#include "egalite/egalite.h"
#include "t.h"

#define HEAD "matricule;sexe;date_naissance;statut;categorie;filiere;encadrant;temps_travail;quotite;" \
	     "remuneration_brute_annuelle;mois_remuneres;etablissement\n"

static const struct egalite_date REF = { 2023, 12, 31 };

static void rounding(void)
{
	/* half-year rounding, ties up: 45.24 → 45, 45.25 → 45.5, 45.74 → 45.5, 45.75 → 46 */
	T_EQ_INT(egalite_round_half((struct egalite_ratio){ 4524, 100 }), 90, "45,24 → 45");
	T_EQ_INT(egalite_round_half((struct egalite_ratio){ 4525, 100 }), 91, "45,25 → 45,5");
	T_EQ_INT(egalite_round_half((struct egalite_ratio){ 4574, 100 }), 91, "45,74 → 45,5");
	T_EQ_INT(egalite_round_half((struct egalite_ratio){ 4575, 100 }), 92, "45,75 → 46");
	T_EQ_INT(egalite_round_half((struct egalite_ratio){ 2270, 53 }), 86, "2270/53 = 42,83 → 43");
	T_EQ_INT(egalite_round_cents((struct egalite_ratio){ 5, 2 }), 3, "2,5 centimes → 3");
	T_EQ_INT(egalite_round_cents((struct egalite_ratio){ 7, 3 }), 2, "2,33 centimes → 2");
	T_EQ_INT(egalite_round_cents((struct egalite_ratio){ 283956LL * 108, 108 }), 283956, "exact mean kept");
	buf b = BUF_INIT;
	egalite_money_fr(&b, -117280);
	T_EQ_STR(b.data, "−1\u202f172,80\u00a0€", "money: minus sign, narrow NBSP thousands, comma");
	buf_reset(&b);
	egalite_money_fr(&b, 5);
	T_EQ_STR(b.data, "0,05\u00a0€", "money below one euro");
	buf_free(&b);
}

static void dates(void)
{
	struct egalite_date d;
	T_OK(egalite_date_parse("2024-02-29", &d) == 0, "29 February of a leap year");
	T_OK(egalite_date_parse("2023-02-29", &d) < 0, "no 29 February in 2023");
	T_OK(egalite_date_parse("1900-02-29", &d) < 0, "1900 is not a leap year");
	T_OK(egalite_date_parse("2000-02-29", &d) == 0, "2000 is a leap year");
	T_OK(egalite_date_parse("1985-04-31", &d) < 0, "no 31 April");
	T_OK(egalite_date_parse("1985-4-03", &d) < 0, "two-digit month required");
	T_OK(egalite_date_parse("03/04/1985", &d) < 0, "French order refused");
	struct egalite_date b = { 1980, 2, 29 }, r1 = { 2023, 2, 28 }, r2 = { 2023, 3, 1 };
	T_EQ_INT(egalite_age(&b, &r1), 42, "born 29/02: not 43 on 28/02");
	T_EQ_INT(egalite_age(&b, &r2), 43, "born 29/02: 43 on 01/03");
	struct egalite_date c = { 1990, 12, 31 };
	T_EQ_INT(egalite_age(&c, &REF), 33, "birthday on the reference day counts");
}

static int parse(const char *csv, struct egalite_agents *a, struct egalite_issues *is)
{
	struct err e = { 0 };
	return egalite_parse(csv, strlen(csv), &REF, a, is, &e);
}

static void reader(void)
{
	struct egalite_agents a;
	struct egalite_issues is;
	/* BOM, CRLF, columns in another order, quoted field with ';' and "", amounts in three spellings */
	const char *ok = "\xEF\xBB\xBF"
			 "sexe;matricule;date_naissance;statut;categorie;filiere;encadrant;temps_travail;quotite;"
			 "remuneration_brute_annuelle;mois_remuneres;etablissement\r\n"
			 "F;1;1980-05-01;fonctionnaire;A;administrative;oui;complet;100;34\u00a0074,72;12;\"Siège; "
			 "\"\"annexe\"\"\"\r\n"
			 "\r\n"
			 "H;2;1990-05-01;contractuel_non_permanent;;technique;non;partiel;57,14;1000.5;6;\r\n"
			 "h;3;2000-01-01;apprenti;;autre;non;non_complet;50;9 000;12;x\r\n";
	T_EQ_INT(parse(ok, &a, &is), 0, "clean file accepted");
	T_EQ_INT(a.n, 3, "three agents (blank line skipped)");
	if (a.n == 3) {
		T_EQ_STR(a.v[0].etablissement, "Siège; \"annexe\"", "quoted field with ; and doubled quotes");
		T_EQ_INT(a.v[0].remuneration, 3407472, "34 074,72 with a no-break space → cents");
		T_EQ_INT(a.v[1].remuneration, 100050, "1000.5 → 100050 cents");
		T_EQ_INT(a.v[1].quotite, 5714, "quotite 57,14 → hundredths");
		T_EQ_INT(a.v[2].remuneration, 900000, "9 000 → 900000 cents");
		T_EQ_INT(a.v[2].sexe, EG_H, "sexe case-insensitive");
		T_EQ_INT(a.v[1].categorie, EG_CAT_NONE, "empty categorie");
		T_EQ_INT(a.v[2].line, 5, "line numbers count the blank line");
	}
	egalite_agents_free(&a);
	egalite_issues_free(&is);

	/* several problems in one row are all reported; nothing is kept */
	const char *bad = HEAD "1;X;1980-13-01;fonctionnaire;D;administrative;peut-être;complet;100;12,345;13;\n"
			       "2;F;1980-01-01;fonctionnaire;A;administrative;non;complet;100;100;12;\n";
	T_OK(parse(bad, &a, &is) < 0, "bad file refused");
	T_EQ_INT(a.n, 0, "no agent kept from a refused file");
	T_EQ_INT(is.total, 6, "every problem of the row reported (sexe, date, categorie, encadrant, montant, mois)");
	for (size_t i = 0; i < is.n; i++)
		T_EQ_INT(is.v[i].line, 2, is.v[i].msg);
	egalite_issues_free(&is);

	T_OK(parse(HEAD, &a, &is) < 0 && is.n == 1 && strstr(is.v[0].msg, "aucun agent"), "header only refused");
	egalite_issues_free(&is);
	T_OK(parse("", &a, &is) < 0 && is.n == 1 && strstr(is.v[0].msg, "vide"), "empty file refused");
	egalite_issues_free(&is);
	const char *quote = HEAD "1;F;1980-01-01;fonctionnaire;A;administrative;non;complet;100;100;12;\"Siège\n";
	T_OK(parse(quote, &a, &is) < 0 && is.n == 1 && strstr(is.v[0].msg, "guillemets"), "unclosed quote");
	egalite_issues_free(&is);
	const char *huge = HEAD "1;H;1980-01-01;fonctionnaire;C;technique;non;complet;100;10 000 000,01;12;\n";
	T_OK(parse(huge, &a, &is) < 0 && is.n == 1 && strstr(is.v[0].msg, "invraisemblable"),
	     "more than 10 million euros a year refused (sums stay in 64 bits)");
	egalite_issues_free(&is);
	const char *unpaid = HEAD "1;H;1980-01-01;fonctionnaire;C;technique;non;complet;100;0;0;\n";
	T_EQ_INT(parse(unpaid, &a, &is), 0, "unpaid agent (disponibilité): 0 € over 0 months accepted");
	egalite_agents_free(&a);
	egalite_issues_free(&is);
}

/* Four agents, every figure checked by hand. */
static void compute(void)
{
	const char *csv = HEAD
		"1;F;1980-06-01;fonctionnaire;A;administrative;oui;complet;100;36000;12;\n"     /* 43 ans, 3000/mois */
		"2;F;1990-06-01;contractuel_permanent;C;animation;non;partiel;80;12000,01;6;\n" /* 33 ans */
		"3;H;1970-06-01;fonctionnaire;A;technique;non;complet;100;48000;12;Musique\n"   /* 53 ans */
		"4;H;2000-06-01;contractuel_non_permanent;C;technique;non;complet;100;20000;10;\n"; /* 23 ans */
	struct egalite_agents a;
	struct egalite_issues is;
	struct err e = { 0 };
	T_EQ_INT(parse(csv, &a, &is), 0, "small population parsed");
	struct egalite_opts o = { .date = REF, .a_part = { "Musique" }, .n_a_part = 1 };
	struct egalite_report *r = egalite_compute(&a, &o, &e);
	T_OK(r != NULL, "computed");
	if (!r)
		return;
	T_EQ_INT(r->permanents[EG_NSEXE], 3, "three permanent agents");
	T_EQ_INT(r->feminisation.num * 1000 + r->feminisation.den, 2003, "feminisation 2/3");
	T_EQ_INT(r->age_ensemble[EG_NSEXE].num, 43 + 33 + 53 + 23, "sum of ages");
	T_EQ_INT(egalite_round_half(r->age_ensemble[EG_NSEXE]), 76, "mean age 38 (weighted, not mean of means)");
	T_EQ_INT(r->pay[0].mean[EG_CAT_C][EG_NSEXE].num, 1200001 + 2000000, "C pay: cents summed");
	T_EQ_INT(r->pay[0].mean[EG_CAT_C][EG_NSEXE].den, 16, "C pay: months summed");
	T_EQ_INT(egalite_round_cents(r->pay[0].mean[EG_CAT_C][EG_F]), 200000, "12000,01 / 6 → 2000,00");
	T_EQ_INT(r->pay[0].mean[EG_CAT_A][EG_H].den, 0, "the establishment apart leaves the main table");
	T_EQ_INT(egalite_round_cents(r->pay[1].mean[EG_CAT_A][EG_H]), 400000, "… and has its own");
	T_EQ_INT(r->quotite_partiel[1][EG_F], 1, "80 % is in the 50-80 % band");
	T_EQ_INT(r->pyramide[2][EG_NSEXE], 1, "one agent in 30-39");
	T_EQ_INT(r->encadrants[EG_CAT_A][EG_F], 1, "one manager, A, woman");
	egalite_report_free(r);
	o.a_part[0] = "Musiqe";
	T_OK(egalite_compute(&a, &o, &e) == NULL && strstr(e.msg, "absent"), "unknown establishment apart refused");
	egalite_agents_free(&a);
	egalite_issues_free(&is);
}

int main(void)
{
	rounding();
	dates();
	reader();
	compute();
	return t_done();
}
