/* permanences_rules: a permanence's recurrence rule (weekday, weeks of the month, hours, span)
 * expanded into dated sessions, and the rhythm written in the convention (« 3 demi-journées par
 * mois ») read as a count to compare the planned sessions with. Pure functions; see conventions.h.
 * Hand-written rather than an RRULE library: the rule is a small subset (one weekday, month
 * ordinals), and its French parsing and wording are the point. */
#include "conventions/conventions.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cv_perm_weeks_parse(const char *s, unsigned *mask)
{
	*mask = 0;
	const char *p = s ? s : "";
	while (*p) {
		while (*p == ' ' || *p == ',' || *p == ';')
			p++;
		if (!*p)
			break;
		if (strncmp(p, "dernier", 7) == 0) {
			*mask |= CV_WEEK_LAST;
			p += 7;
		} else if (*p >= '1' && *p <= '5' && !isdigit((unsigned char)p[1])) {
			*mask |= 1u << (*p - '0');
			p++;
		} else
			return -1;
	}
	return 0;
}

const char *cv_perm_weeks_format(unsigned mask, char out[32])
{
	size_t n = 0;
	out[0] = 0;
	for (int k = 1; k <= 5; k++)
		if (mask & (1u << k))
			n += (size_t)snprintf(out + n, 32 - n, "%s%d", n ? "," : "", k);
	if (mask & CV_WEEK_LAST)
		snprintf(out + n, 32 - n, "%sdernier", n ? "," : "");
	return out;
}

int cv_time_parse(const char *s)
{
	if (!s)
		return -1;
	while (*s == ' ')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	char *end;
	long h = strtol(s, &end, 10), m = 0;
	while (*end == ' ')
		end++;
	if (*end == ':' || *end == 'h' || *end == 'H') {
		end++;
		while (*end == ' ')
			end++;
		if (isdigit((unsigned char)*end)) {
			const char *ms = end;
			m = strtol(ms, &end, 10);
			if (end - ms != 2)
				return -1;
		}
	} else
		return -1;
	while (*end == ' ')
		end++;
	if (*end || h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	return (int)(h * 60 + m);
}

static const char *const weekday_pl[] = { "", "lundis", "mardis", "mercredis", "jeudis", "vendredis", "samedis", "dimanches" };

static int time_fr(int min, char *out, size_t n)
{
	return min % 60 ? snprintf(out, n, "%d h %02d", min / 60, min % 60) : snprintf(out, n, "%d h", min / 60);
}

const char *cv_perm_label(const struct cv_perm *p, char out[160])
{
	if (p->weekday < 1 || p->weekday > 7) {
		snprintf(out, 160, "dates saisies une à une");
		return out;
	}
	char weeks[80] = "", a[16], b[16];
	size_t n = 0;
	int count = 0, total = 0;
	for (int k = 1; k <= 6; k++)
		total += (p->weeks & (1u << k)) != 0;
	for (int k = 1; k <= 6; k++) {
		if (!(p->weeks & (1u << k)))
			continue;
		count++;
		const char *sep = count == 1 ? "" : count == total ? " et " : ", ";
		if (k == 6)
			n += (size_t)snprintf(weeks + n, sizeof weeks - n, "%sderniers", sep);
		else
			n += (size_t)snprintf(weeks + n, sizeof weeks - n, "%s%d%s", sep, k, k == 1 ? "er" : "e");
	}
	time_fr(p->start_min, a, sizeof a);
	time_fr(p->end_min, b, sizeof b);
	if (p->weeks)
		snprintf(out, 160, "les %s %s du mois, de %s à %s", weeks, weekday_pl[p->weekday], a, b);
	else
		snprintf(out, 160, "tous les %s, de %s à %s", weekday_pl[p->weekday], a, b);
	return out;
}

int cv_perm_check(const struct cv_perm *p, struct err *e)
{
	if (p->weekday < 0 || p->weekday > 7)
		return err_set(e, 400, "permanence.jour", "Jour de la semaine invalide.");
	if (p->weekday == 0)
		return 0;
	if (p->start_min < 0 || p->end_min <= p->start_min)
		return err_set(e, 400, "permanence.heures", "Horaires de la permanence : une heure de début avant l'heure de fin (ex. 9:00 à 12:00).");
	if (p->weeks & ~(CV_WEEK_LAST | 0x3eu))
		return err_set(e, 400, "permanence.semaines", "Semaines du mois : 1 à 5 ou « dernier ».");
	if (p->from.y && p->to.y && date_cmp(p->to, p->from) < 0)
		return err_set(e, 400, "permanence.periode", "La période de la permanence finit avant de commencer.");
	return 0;
}

/* Does day d (a weekday of the rule) match the month ordinals of the mask? */
static int in_weeks(unsigned mask, struct date d)
{
	if (!mask)
		return 1;
	int ordinal = (d.d - 1) / 7 + 1;
	if (mask & (1u << ordinal))
		return 1;
	return (mask & CV_WEEK_LAST) && d.d + 7 > date_days_in_month(d.y, d.m);
}

int cv_perm_expand(const struct cv_perm *p, struct date from, struct date to, struct date *out, int max)
{
	if (p->weekday < 1 || p->weekday > 7)
		return 0;
	if (p->from.y && date_cmp(p->from, from) > 0)
		from = p->from;
	if (p->to.y && date_cmp(p->to, to) < 0)
		to = p->to;
	if (date_cmp(to, from) < 0)
		return 0;
	int n = 0;
	struct date d = date_add_days(from, (p->weekday - date_weekday(from) + 7) % 7);
	for (; date_cmp(d, to) <= 0; d = date_add_days(d, 7))
		if (in_weeks(p->weeks, d)) {
			if (n < max)
				out[n] = d;
			n++;
		}
	return n;
}

int cv_rythme_parse(const char *s, struct cv_rythme *out)
{
	*out = (struct cv_rythme){ 0, 0 };
	const char *p = s ? s : "";
	while (*p && !isdigit((unsigned char)*p))
		p++;
	if (!*p)
		return -1;
	char *end;
	long n = strtol(p, &end, 10);
	if (n < 1 || n > 62)
		return -1;
	while (*end == ' ')
		end++;
	int half;
	if (strncmp(end, "demi-journée", strlen("demi-journée")) == 0 || strncmp(end, "demi journée", strlen("demi journée")) == 0)
		half = 1;
	else if (strncmp(end, "journée", strlen("journée")) == 0 || strncmp(end, "jour", 4) == 0)
		half = 2;
	else
		return -1;
	if (strstr(end, "mois"))
		out->per_week = 0;
	else if (strstr(end, "semaine"))
		out->per_week = 1;
	else
		return -1;
	out->half_days = (int)n * half;
	return 0;
}

int cv_session_half_days(int start_min, int end_min)
{
	return end_min - start_min > 4 * 60 ? 2 : 1;
}
