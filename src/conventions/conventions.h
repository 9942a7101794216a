/* conventions: the register of conventions and partnerships — terms and their computed dates
 * (term end, renewals, renewal decision and notice deadlines, termination effective date), budget
 * lines written as in the conventions (« 250 € x 4 x 9 ») computed exactly in cents, review due
 * dates, alerts. Pure rules here (rules.c, budget.c); persistence in model.c; pages in routes_pages.c;
 * the daily alert job in alerts.c. See docs/conventions.md. */
#ifndef OPALE_CONVENTIONS_H
#define OPALE_CONVENTIONS_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/dates.h"
#include "core/err.h"

/* ---- durations and terms ----------------------------------------------------------------------- */

enum cv_unit { CV_JOURS, CV_MOIS, CV_ANS };
struct cv_duration {
	int n;                 /* 0: none */
	enum cv_unit unit;
};

/* Adds a duration to a date; months and years keep the day of month, clamped to the month's last
 * day (31/01 + 1 mois = 28 or 29/02; 29/02/2024 + 1 an = 28/02/2025). Negative n subtracts. */
struct date cv_add(struct date d, struct cv_duration du);
/* "5 ans", "12 mois", "30 jours" → duration; "" → none. Returns 0 or -1. */
int cv_duration_parse(const char *s, struct cv_duration *out);
/* "5 ans", "1 mois"… into out (≥ 24 bytes); "" for none. */
const char *cv_duration_format(struct cv_duration du, char out[24]);

enum cv_renewal { CV_RENOUV_AUCUN, CV_RENOUV_TACITE, CV_RENOUV_EXPRES };
/* When a termination takes effect, counted from the day the notification is received. */
enum cv_effect {
	CV_EFFET_NOTIFICATION,      /* at the notification (+ the notice period, if any) */
	CV_EFFET_MOIS_SUIVANT,      /* « le 1er jour du mois suivant la notification » (+ notice first) */
	CV_EFFET_ECHEANCE,          /* at the end of the current period, the notice being respected */
};

const char *cv_renewal_token(enum cv_renewal r);       /* "aucun", "tacite", "expres" */
const char *cv_renewal_label(enum cv_renewal r);
int cv_renewal_parse(const char *s);                   /* -1 when unknown */
const char *cv_effect_token(enum cv_effect f);         /* "notification", "mois_suivant", "echeance" */
const char *cv_effect_label(enum cv_effect f);
int cv_effect_parse(const char *s);

/* The terms of a convention as written. Either an explicit end or a duration (end wins when both). */
struct cv_terms {
	struct date start;                  /* prend effet le */
	struct date end;                    /* explicit last day (y = 0: from the duration) */
	struct cv_duration duration;        /* « pour une durée de 5 ans » */
	enum cv_renewal renewal;
	int max_renewals;                   /* « renouvelable 1 fois », 0 = not renewable */
	struct cv_duration renewal_duration;/* n = 0: the same duration as the first period */
	struct cv_duration decision_lead;   /* express renewal: decide this long before the term (0: by the term) */
	struct cv_duration notice;          /* préavis: tacit renewal refused / termination notified this long before */
	enum cv_effect effect;              /* termination */
};

/* Checks the terms: a start, an end or a duration, end not before start, renewals coherent.
 * Returns 0 or -1 with e (400, French message). */
int cv_terms_check(const struct cv_terms *t, struct err *e);
/* Last day in force of period k (0 = the initial period, k = after k renewals). */
struct date cv_period_end(const struct cv_terms *t, int k);
/* First day of period k. */
struct date cv_period_start(const struct cv_terms *t, int k);

/* Where a convention stands on a given day, given the renewals already decided (express) — for a
 * tacit renewal, the periods elapsed count as renewed. */
struct cv_status {
	int period;                 /* current period (0 = initial), or the last one when ended */
	int ended;                  /* 1: past the last possible end (or before start: 0 and period 0) */
	int started;                /* 1: on or after the start */
	struct date term;           /* end of the current period (échéance) */
	struct date final_end;      /* end if every remaining renewal happens */
	int renewals_left;          /* renewals still possible after the current period */
	int can_renew;              /* the current period can still be renewed */
	struct date decision;       /* express: last day to decide the renewal (valid when can_renew) */
	struct date notice_deadline;/* tacit: last day to notify the refusal of renewal (valid when can_renew) */
};
/* today: the day considered; renewals_done: express renewals decided so far (ignored for tacit). */
void cv_status_at(const struct cv_terms *t, struct date today, int renewals_done, struct cv_status *out);

/* The day a termination notified (received) on `notified` takes effect: the convention is in force
 * until the day before. Never after the end of the current period in which it falls (a term already
 * ending earlier ends it anyway): *capped is set to 1 then. With CV_EFFET_ECHEANCE, the end of the
 * first period whose end is at least the notice period after the notification, + 1 day. */
struct date cv_termination_effect(const struct cv_terms *t, struct date notified, int renewals_done, int *capped);

/* ---- reviews (bilans) -------------------------------------------------------------------------- */

enum cv_review_period { CV_BILAN_AUCUN, CV_BILAN_TRIMESTRIEL, CV_BILAN_SEMESTRIEL, CV_BILAN_ANNUEL };
const char *cv_review_token(enum cv_review_period p);  /* "aucun", "trimestriel", "semestriel", "annuel" */
const char *cv_review_label(enum cv_review_period p);
int cv_review_parse(const char *s);
/* Due dates of the reviews between start and end (inclusive): the last day of each calendar quarter,
 * half-year or year that the span touches (a span ending mid-quarter has its review at its end).
 * Writes at most max dates into out; returns how many there are (may exceed max). */
int cv_review_dates(enum cv_review_period p, struct date start, struct date end, struct date *out, int max);

/* ---- money and budget formulas ----------------------------------------------------------------- */

/* Parses an amount in euros as written: "9000", "9 000 €", "12 000 €TTC", "250€", "1 234,56",
 * "1234.5" (spaces, no-break spaces between thousands; ',' or '.' before at most 2 decimals).
 * Returns 0 and cents, or -1. Integer arithmetic only. */
int cv_money_parse(const char *s, int64_t *cents);
/* "9 000,00 €" (narrow no-break spaces between thousands, no-break space before €). */
void cv_money_fr(buf *out, int64_t cents);
/* "9000.00" — for CSV and JSON. */
void cv_money_plain(buf *out, int64_t cents);

/* A budget line's formula as written in conventions: an amount times integer factors, e.g.
 * "250 € x 4 x 9" (unit cost × quantity × periods), "250€ × 4 × 9", "12 000 €", "3000*2".
 * Up to 6 factors, each 1..1 000 000. */
#define CV_MAX_FACTORS 6
struct cv_formula {
	int64_t unit_cents;
	int64_t factors[CV_MAX_FACTORS];
	int n_factors;
};
/* Parses and computes: 0 with *total in cents, or -1 with e (400, French reason). Overflow is refused. */
int cv_formula_eval(const char *s, struct cv_formula *f, int64_t *total, struct err *e);

/* ---- permanences ------------------------------------------------------------------------------- */

/* A partner's recurring presence at a place, as a rule that expands into dated sessions: a weekday,
 * which of its occurrences in each month (bits 1..5: the 1st..5th, CV_WEEK_LAST: the last; 0: every
 * week), hours (minutes since midnight, Paris time) and the span (y = 0: the convention's). */
#define CV_WEEK_LAST (1u << 6)
struct cv_perm {
	int weekday;             /* ISO 1 = lundi … 7 = dimanche; 0: no rule (dates entered one by one) */
	unsigned weeks;
	int start_min, end_min;
	struct date from, to;
};
/* "1,3", "2, 4, dernier", "" (every week) → mask; -1 when not understood. */
int cv_perm_weeks_parse(const char *s, unsigned *mask);
/* mask → "1,3,dernier" (out ≥ 32 bytes; "" for every week). */
const char *cv_perm_weeks_format(unsigned mask, char out[32]);
/* "09:00", "9h", "9h30", "14 h 15" → minutes since midnight; -1 when not a time. */
int cv_time_parse(const char *s);
/* The rule in words: « les 1er et 3e mardis du mois, de 9 h à 12 h » (out ≥ 160 bytes). */
const char *cv_perm_label(const struct cv_perm *p, char out[160]);
/* Checks a rule (weekday, hours in order, span in order). Returns 0 or -1 with e (400, French). */
int cv_perm_check(const struct cv_perm *p, struct err *e);
/* The rule's dates in [from, to] ∩ its span, in order. Writes at most max; returns how many there are. */
int cv_perm_expand(const struct cv_perm *p, struct date from, struct date to, struct date *out, int max);

/* The rhythm as the conventions write it: « 3 demi-journées par mois », « 2 journées /mois »,
 * « 1 journée par semaine ». half_days: how many half-days per period; per_week: 1 for a week. */
struct cv_rythme {
	int half_days;
	int per_week;
};
/* Returns 0, or -1 when the text gives no countable rhythm (« selon le tableau horaire annexé »). */
int cv_rythme_parse(const char *s, struct cv_rythme *out);
/* A session's weight in half-days: up to 4 hours one half-day, longer a day (2). */
int cv_session_half_days(int start_min, int end_min);

#endif
