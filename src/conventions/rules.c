/* rules: a convention's dates — periods, renewals, decision and notice deadlines, termination effect,
 * review due dates. Calendar arithmetic only (core/dates.h), no time zone: these are civil dates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conventions/conventions.h"

struct date cv_add(struct date d, struct cv_duration du)
{
	if (du.n == 0)
		return d;
	if (du.unit == CV_JOURS)
		return date_add_days(d, du.n);
	long months = (long)d.y * 12 + (d.m - 1) + (long)du.n * (du.unit == CV_ANS ? 12 : 1);
	struct date r = { (int)(months / 12), (int)(months % 12) + 1, d.d };
	int last = date_days_in_month(r.y, r.m);
	if (r.d > last)
		r.d = last;
	return r;
}

int cv_duration_parse(const char *s, struct cv_duration *out)
{
	*out = (struct cv_duration){ 0, CV_MOIS };
	if (!s)
		return 0;
	while (*s == ' ')
		s++;
	if (!*s)
		return 0;
	char *end;
	long n = strtol(s, &end, 10);
	if (end == s || n <= 0 || n > 1200)
		return -1;
	while (*end == ' ')
		end++;
	if (strcasecmp(end, "jour") == 0 || strcasecmp(end, "jours") == 0 || strcasecmp(end, "j") == 0)
		out->unit = CV_JOURS;
	else if (strcasecmp(end, "mois") == 0 || strcasecmp(end, "m") == 0)
		out->unit = CV_MOIS;
	else if (strcasecmp(end, "an") == 0 || strcasecmp(end, "ans") == 0 || strcasecmp(end, "année") == 0 ||
		 strcasecmp(end, "années") == 0 || strcasecmp(end, "a") == 0)
		out->unit = CV_ANS;
	else
		return -1;
	out->n = (int)n;
	return 0;
}

const char *cv_duration_format(struct cv_duration du, char out[24])
{
	if (du.n == 0)
		out[0] = '\0';
	else
		snprintf(out, 24, "%d %s", du.n,
			 du.unit == CV_JOURS ? (du.n > 1 ? "jours" : "jour") : du.unit == CV_MOIS ? "mois" : (du.n > 1 ? "ans" : "an"));
	return out;
}

static const char *const renewal_tok[] = { "aucun", "tacite", "expres" };
static const char *const renewal_lab[] = { "Non renouvelable", "Reconduction tacite", "Reconduction expresse" };
static const char *const effect_tok[] = { "notification", "mois_suivant", "echeance" };
static const char *const effect_lab[] = { "À la notification (après le préavis)",
					  "Le 1er jour du mois suivant la notification (après le préavis)",
					  "À l'échéance de la période en cours (préavis respecté)" };
static const char *const review_tok[] = { "aucun", "trimestriel", "semestriel", "annuel" };
static const char *const review_lab[] = { "Aucun bilan prévu", "Bilan trimestriel", "Bilan semestriel", "Bilan annuel" };

const char *cv_renewal_token(enum cv_renewal r) { return renewal_tok[r]; }
const char *cv_renewal_label(enum cv_renewal r) { return renewal_lab[r]; }
const char *cv_effect_token(enum cv_effect f) { return effect_tok[f]; }
const char *cv_effect_label(enum cv_effect f) { return effect_lab[f]; }
const char *cv_review_token(enum cv_review_period p) { return review_tok[p]; }
const char *cv_review_label(enum cv_review_period p) { return review_lab[p]; }

static int lookup(const char *const *v, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(v[i], s) == 0)
			return i;
	return -1;
}
int cv_renewal_parse(const char *s) { return lookup(renewal_tok, 3, s); }
int cv_effect_parse(const char *s) { return lookup(effect_tok, 3, s); }
int cv_review_parse(const char *s) { return lookup(review_tok, 4, s); }

static struct cv_duration renewal_span(const struct cv_terms *t)
{
	if (t->renewal_duration.n)
		return t->renewal_duration;
	if (t->duration.n && !t->end.y)
		return t->duration;
	/* Same duration as an explicit first period: its length in days. */
	return (struct cv_duration){ (int)date_diff_days(t->start, t->end) + 1, CV_JOURS };
}

int cv_terms_check(const struct cv_terms *t, struct err *e)
{
	if (!date_valid(t->start))
		return err_set(e, 400, "convention.debut", "La date de prise d'effet est obligatoire.");
	if (t->end.y && !date_valid(t->end))
		return err_set(e, 400, "convention.fin", "La date de fin n'est pas une date valide.");
	if (!t->end.y && t->duration.n <= 0)
		return err_set(e, 400, "convention.duree", "Indiquez une date de fin ou une durée.");
	if (t->end.y && date_cmp(t->end, t->start) < 0)
		return err_set(e, 400, "convention.fin", "La date de fin précède la date de prise d'effet.");
	if (t->renewal != CV_RENOUV_AUCUN && t->max_renewals <= 0)
		return err_set(e, 400, "convention.renouvellements",
			       "Une convention renouvelable l'est au moins une fois : indiquez le nombre maximal de renouvellements.");
	if (t->max_renewals < 0 || t->max_renewals > 99)
		return err_set(e, 400, "convention.renouvellements", "Nombre de renouvellements invalide (0 à 99).");
	return 0;
}

struct date cv_period_start(const struct cv_terms *t, int k)
{
	return k == 0 ? t->start : date_add_days(cv_period_end(t, k - 1), 1);
}

struct date cv_period_end(const struct cv_terms *t, int k)
{
	struct date end = t->end.y ? t->end : date_add_days(cv_add(t->start, t->duration), -1);
	struct cv_duration span = renewal_span(t);
	for (int i = 1; i <= k; i++)
		end = date_add_days(cv_add(date_add_days(end, 1), span), -1);
	return end;
}

static int max_periods(const struct cv_terms *t)
{
	return t->renewal == CV_RENOUV_AUCUN ? 0 : t->max_renewals;
}

/* The period in force on `day`: for tacit renewal the one containing it, for express the last one
 * decided. */
static int period_at(const struct cv_terms *t, struct date day, int renewals_done)
{
	int maxp = max_periods(t), k = 0;
	if (t->renewal == CV_RENOUV_TACITE) {
		while (k < maxp && date_cmp(day, cv_period_end(t, k)) > 0)
			k++;
	} else if (t->renewal == CV_RENOUV_EXPRES) {
		k = renewals_done < 0 ? 0 : renewals_done > maxp ? maxp : renewals_done;
	}
	return k;
}

void cv_status_at(const struct cv_terms *t, struct date today, int renewals_done, struct cv_status *out)
{
	memset(out, 0, sizeof *out);
	int maxp = max_periods(t), k = period_at(t, today, renewals_done);
	out->period = k;
	out->started = date_cmp(today, t->start) >= 0;
	out->term = cv_period_end(t, k);
	out->final_end = cv_period_end(t, maxp);
	out->ended = date_cmp(today, out->term) > 0;
	out->renewals_left = maxp - k;
	out->can_renew = out->renewals_left > 0 && !out->ended;
	if (out->can_renew) {
		struct cv_duration back = t->renewal == CV_RENOUV_EXPRES ? t->decision_lead : t->notice;
		back.n = -back.n;
		if (t->renewal == CV_RENOUV_EXPRES)
			out->decision = cv_add(out->term, back);
		else
			out->notice_deadline = cv_add(out->term, back);
	}
}

struct date cv_termination_effect(const struct cv_terms *t, struct date notified, int renewals_done, int *capped)
{
	int k = period_at(t, notified, renewals_done), maxp = max_periods(t);
	struct date term = cv_period_end(t, k), eff;
	*capped = 0;
	if (t->effect == CV_EFFET_ECHEANCE) {
		struct cv_duration back = t->notice;
		back.n = -back.n;
		/* Tacit: a notice too late for this term runs to the next one; express: the term ends it anyway. */
		while (t->renewal == CV_RENOUV_TACITE && k < maxp && date_cmp(cv_add(cv_period_end(t, k), back), notified) < 0)
			k++;
		return date_add_days(cv_period_end(t, k), 1);
	}
	struct date base = cv_add(notified, t->notice);
	if (t->effect == CV_EFFET_MOIS_SUIVANT)
		eff = base.m == 12 ? (struct date){ base.y + 1, 1, 1 } : (struct date){ base.y, base.m + 1, 1 };
	else
		eff = base;
	struct date after_term = date_add_days(term, 1);
	if (date_cmp(eff, after_term) > 0) {
		*capped = 1;
		eff = after_term;
	}
	return eff;
}

int cv_review_dates(enum cv_review_period p, struct date start, struct date end, struct date *out, int max)
{
	if (p == CV_BILAN_AUCUN || date_cmp(end, start) < 0)
		return 0;
	int step = p == CV_BILAN_TRIMESTRIEL ? 3 : p == CV_BILAN_SEMESTRIEL ? 6 : 12, n = 0;
	/* Last month of the calendar period containing start. */
	int m = ((start.m - 1) / step + 1) * step, y = start.y;
	for (;;) {
		struct date due = { y, m, date_days_in_month(y, m) };
		if (date_cmp(due, end) > 0)
			due = end;
		if (n < max)
			out[n] = due;
		n++;
		if (date_cmp(due, end) >= 0)
			break;
		m += step;
		if (m > 12) {
			m -= 12;
			y++;
		}
	}
	return n;
}
