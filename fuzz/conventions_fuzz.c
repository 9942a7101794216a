/* conventions_fuzz: libFuzzer target for the conventions rules that read outside input — amounts and
 * budget formulas as typed (« 250€ x 4 x9 »), durations (« 5 ans »), and the date rules fed with
 * arbitrary terms (start, duration or end, renewal mode and count, notice, decision lead, termination
 * effect, review periodicity). Checks invariants: a formula's total is its unit times its factors, in
 * range; periods follow one another; review dates are ordered and inside the span; a permanence's rule
 * (weeks and times as typed, rhythm) expands into ordered dates of its weekday inside the window. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conventions/conventions.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static void text(const char *s)
{
	struct err e = { 0 };
	struct cv_formula f;
	int64_t total, c;
	if (cv_formula_eval(s, &f, &total, &e) == 0) {
		int64_t t = f.unit_cents;
		for (int i = 0; i < f.n_factors; i++)
			t *= f.factors[i];
		check(t == total && total >= 0);
		buf b = BUF_INIT;
		cv_money_fr(&b, total);
		cv_money_plain(&b, total);
		buf_free(&b);
	}
	if (cv_money_parse(s, &c) == 0)
		check(c >= 0);
	struct cv_duration du;
	char out[24];
	if (cv_duration_parse(s, &du) == 0)
		cv_duration_format(du, out);
	unsigned mask;
	char w[32], lab[160];
	if (cv_perm_weeks_parse(s, &mask) == 0) {
		cv_perm_weeks_format(mask, w);
		unsigned again;
		check(cv_perm_weeks_parse(w, &again) == 0 && again == mask);
	}
	int m = cv_time_parse(s);
	check(m >= -1 && m < 24 * 60);
	struct cv_rythme ry;
	if (cv_rythme_parse(s, &ry) == 0)
		check(ry.half_days >= 1 && ry.half_days <= 124);
	struct cv_perm p = { .weekday = 1 + (int)(strlen(s) % 7), .weeks = cv_perm_weeks_parse(s, &mask) == 0 ? mask : 0, .start_min = 540,
			     .end_min = 720 };
	cv_perm_label(&p, lab);
	struct date ds[64], from = { 2024, 1, 1 }, to = { 2024, 12, 31 };
	int n = cv_perm_expand(&p, from, to, ds, 64);
	check(n >= 0 && n <= 53);
	for (int i = 0; i < n && i < 64; i++) {
		check(date_weekday(ds[i]) == p.weekday && date_cmp(ds[i], from) >= 0 && date_cmp(ds[i], to) <= 0);
		if (i)
			check(date_cmp(ds[i - 1], ds[i]) < 0);
	}
}

static int byte(const uint8_t **p, const uint8_t *end)
{
	return *p < end ? *(*p)++ : 0;
}

static void terms(const uint8_t *p, const uint8_t *end)
{
	struct cv_terms t = { 0 };
	t.start = (struct date){ 1990 + byte(&p, end) % 100, 1 + byte(&p, end) % 12, 1 + byte(&p, end) % 31 };
	if (t.start.d > date_days_in_month(t.start.y, t.start.m))
		t.start.d = date_days_in_month(t.start.y, t.start.m);
	int mode = byte(&p, end);
	if (mode & 1)
		t.end = date_add_days(t.start, byte(&p, end) * 7);
	else
		t.duration = (struct cv_duration){ 1 + byte(&p, end) % 60, (enum cv_unit)(byte(&p, end) % 3) };
	t.renewal = (enum cv_renewal)(byte(&p, end) % 3);
	t.max_renewals = t.renewal ? 1 + byte(&p, end) % 10 : 0;
	t.renewal_duration = (struct cv_duration){ byte(&p, end) % 4 ? 0 : 1 + byte(&p, end) % 24, (enum cv_unit)(byte(&p, end) % 3) };
	t.decision_lead = (struct cv_duration){ byte(&p, end) % 13, (enum cv_unit)(byte(&p, end) % 3) };
	t.notice = (struct cv_duration){ byte(&p, end) % 13, (enum cv_unit)(byte(&p, end) % 3) };
	t.effect = (enum cv_effect)(byte(&p, end) % 3);
	struct err e = { 0 };
	if (cv_terms_check(&t, &e) < 0)
		return;
	for (int k = 0; k <= t.max_renewals; k++) {
		check(date_cmp(cv_period_start(&t, k), cv_period_end(&t, k)) <= 0);
		if (k)
			check(date_diff_days(cv_period_end(&t, k - 1), cv_period_start(&t, k)) == 1);
	}
	struct date day = date_add_days(t.start, byte(&p, end) * 13 - 600);
	struct cv_status st;
	int done = byte(&p, end) % 12, capped;
	cv_status_at(&t, day, done, &st);
	check(st.period >= 0 && st.period <= t.max_renewals && st.renewals_left >= 0);
	check(date_cmp(st.term, st.final_end) <= 0);
	cv_termination_effect(&t, day, done, &capped);
	struct date rv[16];
	int n = cv_review_dates((enum cv_review_period)(byte(&p, end) % 4), t.start, st.final_end, rv, 16);
	for (int i = 0; i < n && i < 16; i++) {
		check(date_cmp(rv[i], t.start) >= 0 && date_cmp(rv[i], st.final_end) <= 0);
		if (i)
			check(date_cmp(rv[i - 1], rv[i]) < 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1) {
		terms(data + 1, data + size);
		return 0;
	}
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	text(s);
	free(s);
	return 0;
}
