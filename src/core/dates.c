/* dates: calendar arithmetic (days-from-civil, after H. Hinnant's public-domain algorithms), jours
 * francs, and the Europe/Paris offset rule.
 *
 * Why the Paris rule is computed here instead of TZ + localtime_r: the server is multi-threaded and
 * the zone the C library uses is process-wide (setenv("TZ") + tzset() is not thread-safe, and a
 * server's TZ may be anything); timegm/mktime cannot say "this local time does not exist"; minimal
 * containers may lack tzdata. The French rule since 1996 is short and fixed by EU law (directive
 * 2000/84/EC, art. 2-3: summer time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
 * last Sunday of October), and tests/core/dates_test.c compares it hour by hour with the system's
 * tzdata (Europe/Paris) for 1981-2037. If the EU ever abolishes the change of time, the table below
 * is the one place to edit. */
#include "core/dates.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

int date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	return dim[m - 1] + (m == 2 && date_is_leap(y));
}

int date_valid(struct date d)
{
	return d.y >= 1 && d.y <= 9999 && d.m >= 1 && d.m <= 12 && d.d >= 1 &&
	       d.d <= date_days_in_month(d.y, d.m);
}

int64_t date_to_days(struct date d)
{
	int64_t y = (int64_t)d.y - (d.m <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;                                        /* [0, 399] */
	int64_t doy = (153 * (d.m + (d.m > 2 ? -3 : 9)) + 2) / 5 + d.d - 1; /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                 /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

struct date date_from_days(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	return (struct date){ (int)(yoe + era * 400 + (m <= 2)), m, d };
}

struct date date_add_days(struct date d, int64_t n)
{
	return date_from_days(date_to_days(d) + n);
}

int64_t date_diff_days(struct date a, struct date b)
{
	return date_to_days(b) - date_to_days(a);
}

int date_cmp(struct date a, struct date b)
{
	int64_t x = date_to_days(a), y = date_to_days(b);
	return x < y ? -1 : x > y;
}

int date_weekday(struct date d)
{
	int64_t z = date_to_days(d);               /* 1970-01-01 was a Thursday (4) */
	int64_t r = ((z % 7) + 7) % 7;
	return (int)((r + 3) % 7) + 1;
}

struct date date_jours_francs_latest(struct date meeting, int n)
{
	return date_add_days(meeting, -(int64_t)n - 1);
}

int64_t date_jours_francs_between(struct date sent, struct date meeting)
{
	return date_diff_days(sent, meeting) - 1;
}

static int all_digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int date_parse(const char *s, struct date *out, struct err *e)
{
	if (!s || strlen(s) != 10 || !all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) ||
	    s[7] != '-' || !all_digits(s + 8, 2))
		return err_set(e, 400, "date.invalide", "date « %s » invalide : le format attendu est AAAA-MM-JJ",
			       s ? s : "");
	struct date d = { num(s, 4), num(s + 5, 2), num(s + 8, 2) };
	if (!date_valid(d))
		return err_set(e, 400, "date.invalide", "la date « %s » n'existe pas dans le calendrier", s);
	*out = d;
	return 0;
}

char *date_format(struct date d, char out[11])
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.y % 10000u, (unsigned)d.m % 100u, (unsigned)d.d % 100u);
	return out;
}

char *date_format_fr(struct date d, char out[40])
{
	static const char *const wd[7] = { "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
					   "dimanche" };
	static const char *const mo[12] = { "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
					    "août", "septembre", "octobre", "novembre", "décembre" };
	if (!date_valid(d)) {
		snprintf(out, 40, "?");
		return out;
	}
	snprintf(out, 40, "%s %d%s %s %d", wd[date_weekday(d) - 1], d.d, d.d == 1 ? "er" : "", mo[d.m - 1],
		 d.y);
	return out;
}

/* ---- Europe/Paris ---------------------------------------------------------------------------- */

/* One row per period of the French summer-time rule: from which year, and in which month summer
 * time ends (both transitions at 01:00 UTC on the last Sunday of the month). */
static const struct dst_rule {
	int from_year;
	int start_month, end_month;
} paris_rules[] = {
	{ 1981, 3, 9 },   /* EEC directives 80/737 and following: end on the last Sunday of September */
	{ 1996, 3, 10 },  /* 7th directive 94/21/EC, then 2000/84/EC: end on the last Sunday of October */
};

static int64_t last_sunday_days(int y, int m)
{
	struct date last = { y, m, date_days_in_month(y, m) };
	return date_to_days(last) - (date_weekday(last) % 7);
}

/* Offset in seconds east of UTC at instant t, whose UTC year is y (y >= PARIS_MIN_YEAR). */
static int paris_offset(int64_t t, int y)
{
	const struct dst_rule *r = &paris_rules[0];
	for (size_t i = 0; i < sizeof paris_rules / sizeof paris_rules[0]; i++)
		if (y >= paris_rules[i].from_year)
			r = &paris_rules[i];
	int64_t start = last_sunday_days(y, r->start_month) * 86400 + 3600;
	int64_t end = last_sunday_days(y, r->end_month) * 86400 + 3600;
	return t >= start && t < end ? 7200 : 3600;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

static int split_local(int64_t local, struct paris_time *out)
{
	int64_t days = floor_div(local, 86400);
	int64_t sec = local - days * 86400;
	out->date = date_from_days(days);
	out->hh = (int)(sec / 3600);
	out->mm = (int)(sec / 60 % 60);
	out->ss = (int)(sec % 60);
	return 0;
}

int paris_from_utc(int64_t t, struct paris_time *out, struct err *e)
{
	struct date ud = date_from_days(floor_div(t, 86400));
	if (ud.y < PARIS_MIN_YEAR || ud.y > 9999)
		return err_set(e, 400, "date.hors_plage", "instant hors de la plage prise en charge (%d–9999)",
			       PARIS_MIN_YEAR);
	int off = paris_offset(t, ud.y);
	split_local(t + off, out);
	if (out->date.y > 9999)
		return err_set(e, 400, "date.hors_plage", "instant hors de la plage prise en charge (%d–9999)",
			       PARIS_MIN_YEAR);
	out->utc_offset = off;
	return 0;
}

int paris_to_utc(const struct paris_time *lt, enum paris_fold fold, int64_t *out, int *ambiguous,
		 struct err *e)
{
	if (ambiguous)
		*ambiguous = 0;
	if (!date_valid(lt->date) || lt->hh < 0 || lt->hh > 23 || lt->mm < 0 || lt->mm > 59 || lt->ss < 0 ||
	    lt->ss > 59)
		return err_set(e, 400, "date.invalide", "date ou heure invalide");
	if (lt->date.y < PARIS_MIN_YEAR)
		return err_set(e, 400, "date.hors_plage", "date hors de la plage prise en charge (%d–9999)",
			       PARIS_MIN_YEAR);
	int64_t local = date_to_days(lt->date) * 86400 + lt->hh * 3600 + lt->mm * 60 + lt->ss;
	/* The local time is t + offset(t); try both offsets France uses and keep those that agree. */
	int64_t winter = local - 3600, summer = local - 7200;
	int ok_winter = paris_offset(winter, date_from_days(floor_div(winter, 86400)).y) == 3600;
	int ok_summer = paris_offset(summer, date_from_days(floor_div(summer, 86400)).y) == 7200;
	if (ok_winter && ok_summer) {
		if (ambiguous)
			*ambiguous = 1;
		*out = fold == PARIS_LATER ? winter : summer;
		return 0;
	}
	if (ok_winter || ok_summer) {
		*out = ok_winter ? winter : summer;
		return 0;
	}
	char d[11];
	return err_set(e, 400, "date.heure_inexistante",
		       "l'heure %02d:%02d du %s n'existe pas à Paris (passage à l'heure d'été : de 02:00 on passe à 03:00)",
		       lt->hh, lt->mm, date_format(lt->date, d));
}

int paris_day_start_utc(struct date d, int64_t *out, struct err *e)
{
	struct paris_time lt = { d, 0, 0, 0, 0 };
	return paris_to_utc(&lt, PARIS_EARLIER, out, NULL, e);
}

int paris_format_iso(int64_t t, char out[26])
{
	struct paris_time p;
	if (paris_from_utc(t, &p, NULL) < 0) {
		out[0] = 0;
		return -1;
	}
	snprintf(out, 26, "%04u-%02u-%02uT%02u:%02u:%02u+%02u:00", (unsigned)p.date.y % 10000u,
		 (unsigned)p.date.m % 100u, (unsigned)p.date.d % 100u, (unsigned)p.hh % 100u, (unsigned)p.mm % 100u,
		 (unsigned)p.ss % 100u, (unsigned)(p.utc_offset / 3600) % 100u);
	return 0;
}

int instant_parse_iso(const char *s, int64_t *out, struct err *e)
{
	size_t n = s ? strlen(s) : 0;
	char d10[11];
	struct date d;
	if (n < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || !all_digits(s + 11, 2) ||
	    !all_digits(s + 14, 2) || !all_digits(s + 17, 2))
		goto bad;
	memcpy(d10, s, 10);
	d10[10] = 0;
	if (date_parse(d10, &d, NULL) < 0)
		goto bad;
	int hh = num(s + 11, 2), mm = num(s + 14, 2), ss = num(s + 17, 2);
	if (hh > 23 || mm > 59 || ss > 59)
		goto bad;
	int64_t off;
	if (n == 20 && s[19] == 'Z')
		off = 0;
	else if (n == 25 && (s[19] == '+' || s[19] == '-') && all_digits(s + 20, 2) && s[22] == ':' &&
		 all_digits(s + 23, 2) && num(s + 20, 2) <= 14 && num(s + 23, 2) <= 59)
		off = (s[19] == '-' ? -1 : 1) * (num(s + 20, 2) * 3600 + num(s + 23, 2) * 60);
	else
		goto bad;
	*out = date_to_days(d) * 86400 + hh * 3600 + mm * 60 + ss - off;
	return 0;
bad:
	return err_set(e, 400, "date.invalide",
		       "instant « %s » invalide : format attendu AAAA-MM-JJTHH:MM:SS suivi de Z ou ±HH:MM",
		       s ? s : "");
}
