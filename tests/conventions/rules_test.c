/* Convention date rules and budget formulas, on the seed's real cases (documents-ccpo-2024.txt):
 * CDG 62 e-administration (5 years, renewable once by express renewal, termination « le 1er jour du
 * mois suivant la notification »), CCI Littoral (12 months from the signature on 14/03/2022, renewable
 * twice), Fabrique DEFI (01/01/2024–31/12/2024, quarterly reviews, 38 000 €), CMA (250 € x 4 x 9). */
#include "conventions/conventions.h"
#include "t.h"

static struct date D(int y, int m, int d) { return (struct date){ y, m, d }; }

static const char *fmt(struct date d)
{
	static char b[4][11];
	static int i;
	i = (i + 1) % 4;
	return date_format(d, b[i]);
}

static struct cv_terms cdg62(void)
{
	/* The seed leaves « du … au … » blank; the demo's CDG 62 convention takes effect on 01/07/2024. */
	return (struct cv_terms){ .start = D(2024, 7, 1), .duration = { 5, CV_ANS }, .renewal = CV_RENOUV_EXPRES,
				  .max_renewals = 1, .decision_lead = { 3, CV_MOIS }, .effect = CV_EFFET_MOIS_SUIVANT };
}

static struct cv_terms cci(void)
{
	return (struct cv_terms){ .start = D(2022, 3, 14), .duration = { 12, CV_MOIS }, .renewal = CV_RENOUV_EXPRES,
				  .max_renewals = 2, .effect = CV_EFFET_ECHEANCE };
}

int main(void)
{
	struct err e;
	struct cv_status st;
	int capped;

	/* cv_add: month arithmetic clamps to the month's last day. */
	T_EQ_STR(fmt(cv_add(D(2024, 1, 31), (struct cv_duration){ 1, CV_MOIS })), "2024-02-29", "31/01/2024 + 1 mois = 29/02 (leap year)");
	T_EQ_STR(fmt(cv_add(D(2023, 1, 31), (struct cv_duration){ 1, CV_MOIS })), "2023-02-28", "31/01/2023 + 1 mois = 28/02");
	T_EQ_STR(fmt(cv_add(D(2024, 2, 29), (struct cv_duration){ 1, CV_ANS })), "2025-02-28", "29/02/2024 + 1 an = 28/02/2025");
	T_EQ_STR(fmt(cv_add(D(2024, 12, 31), (struct cv_duration){ -3, CV_MOIS })), "2024-09-30", "31/12 − 3 mois = 30/09");
	T_EQ_STR(fmt(cv_add(D(2024, 3, 1), (struct cv_duration){ -1, CV_JOURS })), "2024-02-29", "01/03/2024 − 1 jour = 29/02");
	struct cv_duration du;
	T_OK(cv_duration_parse("5 ans", &du) == 0 && du.n == 5 && du.unit == CV_ANS, "« 5 ans » parses");
	T_OK(cv_duration_parse("12 mois", &du) == 0 && du.n == 12 && du.unit == CV_MOIS, "« 12 mois » parses");
	T_OK(cv_duration_parse("3 semaines", &du) < 0 && cv_duration_parse("-2 mois", &du) < 0, "unknown unit or negative refused");

	/* CDG 62: 5 years from 01/07/2024, renewable once by express renewal. */
	struct cv_terms t = cdg62();
	T_OK(cv_terms_check(&t, &e) == 0, "CDG 62 terms are valid");
	T_EQ_STR(fmt(cv_period_end(&t, 0)), "2029-06-30", "CDG 62: term end 30/06/2029 (5 years less a day)");
	T_EQ_STR(fmt(cv_period_end(&t, 1)), "2034-06-30", "CDG 62: after its one renewal, 30/06/2034");
	cv_status_at(&t, D(2026, 5, 10), 0, &st);
	T_OK(st.can_renew && st.renewals_left == 1, "CDG 62 in 2026: one renewal still possible");
	T_EQ_STR(fmt(st.decision), "2029-03-30", "CDG 62: express renewal to decide by 30/03/2029 (3 months before the term)");
	T_EQ_STR(fmt(st.final_end), "2034-06-30", "CDG 62: latest possible end 30/06/2034");
	cv_status_at(&t, D(2029, 7, 1), 0, &st);
	T_OK(st.ended && !st.can_renew, "CDG 62 not renewed: ended on 01/07/2029");
	cv_status_at(&t, D(2029, 7, 1), 1, &st);
	T_OK(!st.ended && st.period == 1 && !st.can_renew && st.renewals_left == 0,
	     "CDG 62 renewed once: in force in its second period, maximum reached, no further renewal");
	T_EQ_STR(fmt(st.term), "2034-06-30", "… until 30/06/2034");
	cv_status_at(&t, D(2030, 1, 1), 5, &st);
	T_EQ_INT(st.period, 1, "more renewals recorded than allowed: still capped at the maximum (1)");

	/* Termination « le 1er jour du mois suivant la notification ». */
	T_EQ_STR(fmt(cv_termination_effect(&t, D(2025, 1, 31), 0, &capped)), "2025-02-01", "notified on 31/01 → ends 01/02");
	T_EQ_STR(fmt(cv_termination_effect(&t, D(2025, 12, 15), 0, &capped)), "2026-01-01", "notified in December → ends 01/01 next year");
	T_EQ_STR(fmt(cv_termination_effect(&t, D(2025, 12, 31), 0, &capped)), "2026-01-01", "notified on 31/12 → ends 01/01");
	T_EQ_STR(fmt(cv_termination_effect(&t, D(2025, 3, 1), 0, &capped)), "2025-04-01",
		 "notified on the 1st → the 1st of the FOLLOWING month, not the same day");
	T_EQ_STR(fmt(cv_termination_effect(&t, D(2024, 2, 29), 0, &capped)), "2024-03-01", "notified on 29/02 → 01/03");
	T_OK(!capped, "… within the term: not capped");
	T_EQ_STR(fmt(cv_termination_effect(&t, D(2029, 6, 20), 0, &capped)), "2029-07-01", "notified on 20/06/2029 → 01/07/2029");
	T_OK(capped == 0, "01/07/2029 is the day after the term: not beyond it");
	struct cv_terms t2 = t;
	t2.notice = (struct cv_duration){ 2, CV_MOIS };
	T_EQ_STR(fmt(cv_termination_effect(&t2, D(2025, 1, 31), 0, &capped)), "2025-04-01",
		 "with 2 months' notice: 31/01 + 2 mois = 31/03 → 01/04");
	T_EQ_STR(fmt(cv_termination_effect(&t2, D(2029, 5, 15), 0, &capped)), "2029-07-01", "a notice running past the term ends at the term");
	T_OK(capped, "… and says so (capped)");
	t2.effect = CV_EFFET_NOTIFICATION;
	T_EQ_STR(fmt(cv_termination_effect(&t2, D(2025, 1, 31), 0, &capped)), "2025-03-31", "effect at notification + 2 months: 31/03");

	/* CCI: 12 months from the signature (14/03/2022), renewable twice for the same duration. */
	t = cci();
	T_EQ_STR(fmt(cv_period_end(&t, 0)), "2023-03-13", "CCI: first period ends 13/03/2023");
	T_EQ_STR(fmt(cv_period_start(&t, 1)), "2023-03-14", "CCI: second period from 14/03/2023");
	T_EQ_STR(fmt(cv_period_end(&t, 2)), "2025-03-13", "CCI: third and last period ends 13/03/2025");
	cv_status_at(&t, D(2024, 4, 2), 2, &st);
	T_OK(st.period == 2 && st.renewals_left == 0 && !st.can_renew, "CCI in 2024 (avenant n°2): maximum renewals reached");
	T_EQ_STR(fmt(st.term), "2025-03-13", "CCI: ends 13/03/2025 at the latest");
	cv_status_at(&t, D(2023, 1, 10), 0, &st);
	T_OK(st.can_renew && st.renewals_left == 2, "CCI in January 2023: two renewals left");
	T_EQ_STR(fmt(st.decision), "2023-03-13", "CCI: no decision lead written → decide by the term, 13/03/2023");
	cv_status_at(&t, D(2025, 3, 14), 2, &st);
	T_OK(st.ended, "CCI: ended on 14/03/2025");

	/* Tacit renewal: periods elapse on their own; a refusal must be notified before the notice deadline. */
	struct cv_terms tac = { .start = D(2024, 1, 1), .duration = { 1, CV_ANS }, .renewal = CV_RENOUV_TACITE, .max_renewals = 2,
				.notice = { 3, CV_MOIS }, .effect = CV_EFFET_ECHEANCE };
	cv_status_at(&tac, D(2025, 6, 1), 0, &st);
	T_OK(st.period == 1 && st.can_renew, "tacit: in 2025 the convention is in its first renewal, renewals_done ignored");
	T_EQ_STR(fmt(st.term), "2025-12-31", "tacit: current term 31/12/2025");
	T_EQ_STR(fmt(st.notice_deadline), "2025-09-30", "tacit: refusal to be notified by 30/09/2025 (3 months before)");
	T_EQ_STR(fmt(cv_termination_effect(&tac, D(2025, 9, 30), 0, &capped)), "2026-01-01", "tacit, notice in time → ends at the term");
	T_EQ_STR(fmt(cv_termination_effect(&tac, D(2025, 10, 1), 0, &capped)), "2027-01-01",
		 "tacit, notice one day late → renewed once more, ends at the next term");
	cv_status_at(&tac, D(2026, 6, 1), 0, &st);
	T_OK(st.period == 2 && !st.can_renew && st.renewals_left == 0, "tacit: maximum renewals reached in 2026");
	T_EQ_STR(fmt(st.final_end), "2026-12-31", "tacit: last possible end 31/12/2026");
	cv_status_at(&tac, D(2027, 1, 1), 0, &st);
	T_OK(st.ended, "tacit: ended after the last period");
	T_EQ_STR(fmt(cv_termination_effect(&tac, D(2026, 11, 1), 0, &capped)), "2027-01-01",
		 "tacit, maximum reached, late notice: ends at the last term anyway");

	/* Express vs tacit on the same day: express needs a decision, tacit a notice. */
	struct cv_terms ex = tac;
	ex.renewal = CV_RENOUV_EXPRES;
	cv_status_at(&ex, D(2025, 6, 1), 0, &st);
	T_OK(st.ended && st.period == 0, "express, never decided: ended at the first term (unlike tacit)");

	/* Fabrique DEFI: 01/01/2024–31/12/2024, not renewable, quarterly reviews. */
	struct cv_terms defi = { .start = D(2024, 1, 1), .end = D(2024, 12, 31), .effect = CV_EFFET_NOTIFICATION };
	T_OK(cv_terms_check(&defi, &e) == 0, "DEFI terms valid");
	cv_status_at(&defi, D(2024, 6, 1), 0, &st);
	T_OK(!st.can_renew && !st.ended && st.final_end.d == 31, "DEFI: in force, not renewable, ends 31/12/2024");
	struct date rv[8];
	int n = cv_review_dates(CV_BILAN_TRIMESTRIEL, defi.start, defi.end, rv, 8);
	T_EQ_INT(n, 4, "DEFI: four quarterly reviews in 2024");
	T_OK(n == 4 && date_cmp(rv[0], D(2024, 3, 31)) == 0 && date_cmp(rv[1], D(2024, 6, 30)) == 0 &&
	     date_cmp(rv[2], D(2024, 9, 30)) == 0 && date_cmp(rv[3], D(2024, 12, 31)) == 0,
	     "… due 31/03, 30/06, 30/09, 31/12");
	n = cv_review_dates(CV_BILAN_ANNUEL, D(2024, 3, 14), D(2025, 3, 13), rv, 8);
	T_OK(n == 2 && date_cmp(rv[0], D(2024, 12, 31)) == 0 && date_cmp(rv[1], D(2025, 3, 13)) == 0,
	     "yearly reviews of the CCI's last period: 31/12/2024 and at its end 13/03/2025");
	n = cv_review_dates(CV_BILAN_TRIMESTRIEL, D(2024, 4, 1), D(2024, 12, 31), rv, 2);
	T_EQ_INT(n, 3, "count beyond max is still returned");
	struct cv_terms bad = { .start = D(2024, 1, 1) };
	T_OK(cv_terms_check(&bad, &e) < 0 && strcmp(e.code, "convention.duree") == 0, "no end nor duration refused");
	bad.end = D(2023, 1, 1);
	T_OK(cv_terms_check(&bad, &e) < 0 && strcmp(e.code, "convention.fin") == 0, "end before start refused");
	bad = (struct cv_terms){ .start = D(2024, 1, 1), .duration = { 1, CV_ANS }, .renewal = CV_RENOUV_TACITE };
	T_OK(cv_terms_check(&bad, &e) < 0, "renewable with 0 renewals refused");

	/* Money and formulas. */
	int64_t c;
	T_OK(cv_money_parse("38 000 €", &c) == 0 && c == 3800000, "« 38 000 € » = 3 800 000 cents");
	T_OK(cv_money_parse("12 000 €TTC", &c) == 0 && c == 1200000, "« 12 000 €TTC » = 1 200 000 cents");
	T_OK(cv_money_parse("1 234,5", &c) == 0 && c == 123450, "« 1 234,5 » = 123 450 cents");
	T_OK(cv_money_parse("0,07", &c) == 0 && c == 7, "« 0,07 » = 7 cents (no float rounding)");
	T_OK(cv_money_parse("19.99", &c) == 0 && c == 1999, "« 19.99 » = 1999 cents");
	T_OK(cv_money_parse("1,234", &c) < 0 && cv_money_parse("abc", &c) < 0 && cv_money_parse("12 34", &c) < 0,
	     "3 decimals, words, bad grouping refused");
	struct cv_formula f;
	int64_t tot;
	T_OK(cv_formula_eval("250€ x 4 x9", &f, &tot, &e) == 0 && tot == 900000, "CMA: « 250€ x 4 x9 » = 9 000,00 €");
	T_OK(f.unit_cents == 25000 && f.n_factors == 2 && f.factors[0] == 4 && f.factors[1] == 9, "… unit 250 €, factors 4 and 9");
	T_OK(cv_formula_eval("250 € × 4 × 9", &f, &tot, &e) == 0 && tot == 900000, "with × signs");
	T_OK(cv_formula_eval("12 000 €TTC", &f, &tot, &e) == 0 && tot == 1200000 && f.n_factors == 0, "a plain amount is a formula");
	T_OK(cv_formula_eval("0,10 € x 3", &f, &tot, &e) == 0 && tot == 30, "0,10 € x 3 = 0,30 € exactly (0.1*3 would not be)");
	T_OK(cv_formula_eval("250 € x 4,5", &f, &tot, &e) < 0 && strcmp(e.code, "budget.formule") == 0, "decimal factor refused");
	T_OK(cv_formula_eval("250 € + 4", &f, &tot, &e) < 0, "addition refused");
	T_OK(cv_formula_eval("999999999 € x 1000000 x 1000000", &f, &tot, &e) < 0, "overflow refused");
	T_OK(cv_formula_eval("250 € x 0", &f, &tot, &e) < 0, "zero factor refused");
	buf b = BUF_INIT;
	cv_money_fr(&b, 900000);
	T_EQ_STR(b.data, "9\xE2\x80\xAF" "000,00\xC2\xA0\xE2\x82\xAC", "9 000,00 € in French");
	buf_reset(&b);
	cv_money_plain(&b, -1205);
	T_EQ_STR(b.data, "-12.05", "plain −12.05");
	buf_free(&b);

	/* Permanences: the rule expanded into dates, the rhythm read from the convention's words. */
	unsigned mask;
	char w[32], lab[160];
	T_OK(cv_perm_weeks_parse("1,3", &mask) == 0 && mask == ((1u << 1) | (1u << 3)), "weeks 1,3");
	T_OK(cv_perm_weeks_parse("2, 4, dernier", &mask) == 0 && mask == ((1u << 2) | (1u << 4) | CV_WEEK_LAST), "weeks 2, 4, dernier");
	T_EQ_STR(cv_perm_weeks_format(mask, w), "2,4,dernier", "weeks formatted back");
	T_OK(cv_perm_weeks_parse("", &mask) == 0 && mask == 0, "no weeks = every week");
	T_OK(cv_perm_weeks_parse("6", &mask) < 0 && cv_perm_weeks_parse("12", &mask) < 0 && cv_perm_weeks_parse("premier", &mask) < 0,
	     "weeks 6, 12, « premier » refused");
	T_EQ_INT(cv_time_parse("09:00"), 540, "09:00");
	T_EQ_INT(cv_time_parse("9h"), 540, "9h");
	T_EQ_INT(cv_time_parse("14 h 15"), 855, "14 h 15");
	T_OK(cv_time_parse("25:00") < 0 && cv_time_parse("9:5") < 0 && cv_time_parse("midi") < 0 && cv_time_parse("") < 0, "bad times refused");
	/* CMA: 3 half-days a month — the 1st, 2nd and 3rd Thursdays, 9 h–12 h, from 1 April to 31 December 2024. */
	struct cv_perm cma = { .weekday = 4, .weeks = (1u << 1) | (1u << 2) | (1u << 3), .start_min = 540, .end_min = 720,
			       .from = D(2024, 4, 1), .to = D(2024, 12, 31) };
	T_EQ_STR(cv_perm_label(&cma, lab), "les 1er, 2e et 3e jeudis du mois, de 9 h à 12 h", "rule in words");
	struct date ds[64];
	n = cv_perm_expand(&cma, D(2024, 1, 1), D(2024, 12, 31), ds, 64);
	T_EQ_INT(n, 27, "9 months × 3 Thursdays = 27 sessions");
	T_EQ_STR(fmt(ds[0]), "2024-04-04", "first: Thursday 4 April 2024");
	T_EQ_STR(fmt(ds[1]), "2024-04-11", "then 11 April");
	T_EQ_STR(fmt(ds[2]), "2024-04-18", "then 18 April (not the 25th, the 4th Thursday)");
	T_EQ_STR(fmt(ds[26]), "2024-12-19", "last: 19 December");
	T_EQ_INT(cv_perm_expand(&cma, D(2024, 5, 1), D(2024, 5, 31), ds, 64), 3, "May alone: 3");
	T_EQ_INT(cv_perm_expand(&cma, D(2023, 1, 1), D(2023, 12, 31), ds, 64), 0, "outside the span: none");
	T_EQ_INT(cv_perm_expand(&cma, D(2024, 5, 10), D(2024, 5, 1), ds, 64), 0, "empty window: none");
	struct cv_perm last = { .weekday = 5, .weeks = CV_WEEK_LAST, .start_min = 540, .end_min = 1020 };
	T_EQ_INT(cv_perm_expand(&last, D(2024, 2, 1), D(2024, 3, 31), ds, 64), 2, "last Friday of Feb and March 2024");
	T_EQ_STR(fmt(ds[0]), "2024-02-23", "last Friday of February 2024 (leap month: 29 is a Thursday)");
	T_EQ_STR(fmt(ds[1]), "2024-03-29", "last Friday of March 2024 (the 5th)");
	struct cv_perm fifth = { .weekday = 5, .weeks = 1u << 5, .start_min = 540, .end_min = 720 };
	T_EQ_INT(cv_perm_expand(&fifth, D(2024, 1, 1), D(2024, 6, 30), ds, 64), 2, "a 5th Friday only in March and May 2024");
	struct cv_perm weekly = { .weekday = 1, .start_min = 840, .end_min = 1020 };
	T_EQ_INT(cv_perm_expand(&weekly, D(2024, 9, 1), D(2024, 9, 30), ds, 64), 5, "every Monday of September 2024: 5");
	T_EQ_STR(cv_perm_label(&weekly, lab), "tous les lundis, de 14 h à 17 h", "weekly rule in words");
	T_EQ_INT(cv_perm_expand(&weekly, D(2024, 1, 1), D(2024, 12, 31), ds, 3), 53, "count beyond max still returned (53 Mondays: 2024 starts on a Monday and has 366 days)");
	struct cv_perm pbad = { .weekday = 2, .start_min = 720, .end_min = 540 };
	T_OK(cv_perm_check(&pbad, &e) < 0 && strcmp(e.code, "permanence.heures") == 0, "hours in the wrong order refused");
	pbad = (struct cv_perm){ .weekday = 2, .start_min = 540, .end_min = 720, .from = D(2024, 5, 1), .to = D(2024, 4, 1) };
	T_OK(cv_perm_check(&pbad, &e) < 0 && strcmp(e.code, "permanence.periode") == 0, "span in the wrong order refused");
	struct cv_rythme ry;
	T_OK(cv_rythme_parse("3 demi-journées par mois", &ry) == 0 && ry.half_days == 3 && !ry.per_week, "3 demi-journées par mois = 3 half-days a month");
	T_OK(cv_rythme_parse("Ex : 2 journées /mois", &ry) == 0 && ry.half_days == 4 && !ry.per_week, "2 journées /mois = 4 half-days a month");
	T_OK(cv_rythme_parse("1 journée par semaine", &ry) == 0 && ry.half_days == 2 && ry.per_week, "1 journée par semaine");
	T_OK(cv_rythme_parse("selon le tableau horaire annexé", &ry) < 0, "no count in the words: not a rhythm");
	T_EQ_INT(cv_session_half_days(540, 720), 1, "9 h–12 h is a half-day");
	T_EQ_INT(cv_session_half_days(540, 1020), 2, "9 h–17 h is a day");
	return t_done();
}
