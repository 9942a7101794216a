/* adhesion: dates of the CDG e-administration convention — 5-year term, one express renewal,
 * termination on the 1st day of the month following the notification, warning 3 months ahead. */
#include "identity/identity.h"

#include <stdio.h>
#include <string.h>

static int parse_date(const char *s, int *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d", y, m, d) != 3 || s[4] != '-' || s[7] != '-')
		return -1;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (*m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1] || *y < 1900 || *y > 2999)
		return -1;
	int leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	if (*m == 2 && *d == 29 && !leap)
		return -1;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : md[m - 1];
}

/* Adds months (clamping the day to the month's length, as « 3 mois avant » is read in practice). */
static void add_months(int *y, int *m, int *d, int months)
{
	int total = *y * 12 + (*m - 1) + months;
	*y = total / 12;
	*m = total % 12 + 1;
	if (*d > days_in_month(*y, *m))
		*d = days_in_month(*y, *m);
}

static void minus_one_day(int *y, int *m, int *d)
{
	if (--*d == 0) {
		if (--*m == 0) {
			*m = 12;
			--*y;
		}
		*d = days_in_month(*y, *m);
	}
}

static void fmt(char out[11], int y, int m, int d)
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 13u, (unsigned)d % 32u);
}

int adhesion_termination_effect(const char *notified_on, char out[11], struct err *e)
{
	int y, m, d;
	if (parse_date(notified_on, &y, &m, &d) < 0)
		return err_set(e, 400, "date.invalide", "Date de notification invalide « %s » (AAAA-MM-JJ).", notified_on);
	d = 1;
	add_months(&y, &m, &d, 1);
	fmt(out, y, m, 1);
	return 0;
}

/* Term end: the convention runs « du » start « au » the day before the anniversary; a 29 February
 * start has its anniversary on 1 March in common years, so the term ends on 28 February. */
static void term_end(int y, int m, int d, int years, char out[11])
{
	y += years;
	if (d > days_in_month(y, m)) {
		d = 1;
		m++;
	}
	minus_one_day(&y, &m, &d);
	fmt(out, y, m, d);
}

int adhesion_compute(const char *start, const char *renewed_on, const char *notified_on, struct adhesion_dates *o,
		     struct err *e)
{
	memset(o, 0, sizeof *o);
	int y, m, d;
	if (parse_date(start, &y, &m, &d) < 0)
		return err_set(e, 400, "date.invalide", "Date de début invalide « %s » (AAAA-MM-JJ).", start ? start : "");
	term_end(y, m, d, 5, o->term_end);
	term_end(y, m, d, 10, o->renewed_end);
	int renewed = renewed_on && *renewed_on;
	if (renewed) {
		int ry, rm, rd;
		if (parse_date(renewed_on, &ry, &rm, &rd) < 0)
			return err_set(e, 400, "date.invalide", "Date de reconduction invalide « %s ».", renewed_on);
		if (strcmp(renewed_on, o->term_end) > 0)
			return err_set(e, 400, "adhesion.reconduction_tardive",
				       "La reconduction expresse doit intervenir avant le terme du %s.", o->term_end);
	}
	o->can_renew = !renewed;
	snprintf(o->effective_end, sizeof o->effective_end, "%s", renewed ? o->renewed_end : o->term_end);
	if (notified_on && *notified_on) {
		if (adhesion_termination_effect(notified_on, o->termination_effect, e) < 0)
			return -1;
		if (strcmp(o->termination_effect, o->effective_end) < 0) {
			/* Termination takes effect the day it says: the convention then ends the day before. */
			int ty, tm, td;
			parse_date(o->termination_effect, &ty, &tm, &td);
			minus_one_day(&ty, &tm, &td);
			fmt(o->effective_end, ty, tm, td);
		}
	}
	int wy, wm, wd;
	parse_date(o->effective_end, &wy, &wm, &wd);
	add_months(&wy, &wm, &wd, -3);
	fmt(o->warn_from, wy, wm, wd);
	return 0;
}
