/* dates: calendar arithmetic against the C library's timegm/gmtime_r, the Europe/Paris rule against
 * the system tz database hour by hour (1981-2037), gaps and folds, ISO formats, jours francs. */
#include "core/dates.h"
#include "core/err.h"
#include "t.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void calendar(void)
{
	/* Every day from 1900 to 2200: days-from-civil against timegm, weekday against gmtime_r. */
	int bad_days = 0, bad_wd = 0, bad_rt = 0, n = 0;
	for (int y = 1900; y <= 2200; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= date_days_in_month(y, m); d++, n++) {
				struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
				time_t t = timegm(&tm);
				struct date dt = { y, m, d };
				if (date_to_days(dt) * 86400 != (int64_t)t)
					bad_days++;
				struct tm g;
				gmtime_r(&t, &g);
				if (date_weekday(dt) != (g.tm_wday == 0 ? 7 : g.tm_wday))
					bad_wd++;
				struct date back = date_from_days(date_to_days(dt));
				if (back.y != y || back.m != m || back.d != d)
					bad_rt++;
			}
	T_EQ_INT(n, 301 * 365 + 73, "1900-2200: 301 years of 365 days plus 73 leap days");
	T_EQ_INT(bad_days, 0, "date_to_days agrees with timegm for every day 1900-2200");
	T_EQ_INT(bad_wd, 0, "date_weekday agrees with gmtime_r for every day 1900-2200");
	T_EQ_INT(bad_rt, 0, "date_from_days(date_to_days(d)) == d for every day 1900-2200");
	/* Whole range round trip, consecutive. */
	int64_t first = date_to_days((struct date){ 1, 1, 1 }), last = date_to_days((struct date){ 9999, 12, 31 });
	int bad = 0;
	for (int64_t z = first; z <= last; z++) {
		struct date d = date_from_days(z);
		if (!date_valid(d) || date_to_days(d) != z)
			bad++;
	}
	T_EQ_INT(bad, 0, "every day of years 1-9999 round-trips and is valid");
	T_EQ_INT(last - first + 1, 3652059, "years 1-9999 hold 3 652 059 days");

	T_OK(date_is_leap(2024) && date_is_leap(2000) && !date_is_leap(2100) && !date_is_leap(2023),
	     "leap years: 2024, 2000 yes; 2100, 2023 no");
	T_EQ_INT(date_days_in_month(2024, 2), 29, "February 2024 has 29 days");
	T_EQ_INT(date_days_in_month(2100, 2), 28, "February 2100 has 28 days");
	T_EQ_INT(date_to_days((struct date){ 1970, 1, 1 }), 0, "epoch is day 0");
	T_EQ_INT(date_weekday((struct date){ 2024, 3, 15 }), 5, "2024-03-15 is a Friday");
	T_EQ_INT(date_diff_days((struct date){ 2023, 12, 31 }, (struct date){ 2024, 3, 1 }), 61,
		 "2023-12-31 to 2024-03-01: 61 days");
	T_EQ_INT(date_cmp((struct date){ 2024, 1, 1 }, (struct date){ 2023, 12, 31 }), 1, "date_cmp orders dates");
}

static void parsing(void)
{
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
		{ "2024-02-29", 1 }, { "2023-02-29", 0 }, { "2100-02-29", 0 }, { "2000-02-29", 1 },
		{ "2024-04-31", 0 }, { "2024-12-31", 1 }, { "2024-13-01", 0 }, { "2024-00-10", 0 },
		{ "2024-01-00", 0 }, { "0000-01-01", 0 }, { "9999-12-31", 1 }, { "2024-1-01", 0 },
		{ "2024-01-01 ", 0 }, { " 2024-01-01", 0 }, { "2024/01/01", 0 }, { "20240101", 0 },
		{ "2024-01-0a", 0 }, { "", 0 }, { "+024-01-01", 0 }, { "2024-01-01T00:00", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct date d;
		struct err e = { 0 };
		char what[80];
		snprintf(what, sizeof what, "date_parse(\"%s\") %s", cases[i].s, cases[i].ok ? "accepts" : "refuses");
		int rc = date_parse(cases[i].s, &d, &e);
		T_OK(cases[i].ok ? rc == 0 : (rc < 0 && strcmp(e.code, "date.invalide") == 0), what);
		if (cases[i].ok) {
			char back[11];
			T_EQ_STR(date_format(d, back), cases[i].s, "date_format writes back the same text");
		}
	}
	char fr[40];
	T_EQ_STR(date_format_fr((struct date){ 2024, 3, 1 }, fr), "vendredi 1er mars 2024", "French date, 1er");
	T_EQ_STR(date_format_fr((struct date){ 2024, 8, 15 }, fr), "jeudi 15 août 2024", "French date, août");
	T_EQ_STR(date_format_fr((struct date){ 2023, 12, 31 }, fr), "dimanche 31 décembre 2023", "French date, dimanche");
}

static void jours_francs(void)
{
	struct date fri = { 2024, 3, 15 }, d;
	d = date_jours_francs_latest(fri, 3);
	T_OK(d.y == 2024 && d.m == 3 && d.d == 11, "3 jours francs before Friday 15 March: Monday 11");
	T_EQ_INT(date_jours_francs_between((struct date){ 2024, 3, 11 }, fri), 3,
		 "Monday 11 -> Friday 15: 3 jours francs (12, 13, 14)");
	T_EQ_INT(date_jours_francs_between((struct date){ 2024, 3, 12 }, fri), 2, "Tuesday 12 -> Friday 15: 2");
	T_EQ_INT(date_jours_francs_between(fri, fri), -1, "same day: -1 (no day at all)");
	for (int n = 0; n < 40; n++) {
		struct date m = { 2024, 1, 3 };
		if (date_jours_francs_between(date_jours_francs_latest(m, n), m) != n) {
			T_OK(0, "latest() and between() agree");
			return;
		}
	}
	T_OK(1, "latest(meeting, n) leaves exactly n jours francs, n = 0..39, across a year boundary");
}

static int64_t at(int y, int m, int d, int hh, int mm, int ss)
{
	return date_to_days((struct date){ y, m, d }) * 86400 + hh * 3600 + mm * 60 + ss;
}

static void paris_vs_tzdata(void)
{
	if (access("/usr/share/zoneinfo/Europe/Paris", R_OK) != 0) {
		T_OK(0, "system tz database has Europe/Paris (Debian package tzdata)");
		return;
	}
	/* Single-threaded test: setting TZ here is safe (it is what the library avoids). */
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	int bad = 0, checked = 0, transitions = 0, prev_off = 0;
	int64_t end = at(2037, 12, 31, 0, 0, 0);
	for (int64_t t = at(1981, 1, 1, 0, 0, 0); t < end; t += 1800) {
		time_t tt = (time_t)t;
		struct tm lt;
		localtime_r(&tt, &lt);
		struct paris_time p;
		if (paris_from_utc(t, &p, NULL) < 0 || p.utc_offset != lt.tm_gmtoff ||
		    p.date.y != lt.tm_year + 1900 || p.date.m != lt.tm_mon + 1 || p.date.d != lt.tm_mday ||
		    p.hh != lt.tm_hour || p.mm != lt.tm_min || p.ss != lt.tm_sec) {
			if (bad++ < 3)
				printf("# mismatch at %lld: tzdata offset %ld, ours %d\n", (long long)t, lt.tm_gmtoff,
				       p.utc_offset);
		}
		if (prev_off && p.utc_offset != prev_off)
			transitions++;
		prev_off = p.utc_offset;
		/* Round trip through paris_to_utc, choosing the fold from the offset. */
		int64_t back;
		int amb;
		if (paris_to_utc(&p, p.utc_offset == 7200 ? PARIS_EARLIER : PARIS_LATER, &back, &amb, NULL) < 0 ||
		    back != t)
			bad++;
		checked++;
	}
	unsetenv("TZ");
	tzset();
	T_EQ_INT(bad, 0, "Europe/Paris offset and wall clock agree with tzdata every 30 min, 1981-2037, and round-trip");
	T_EQ_INT(transitions, 57 * 2, "two changes of time a year, 1981-2037");
	T_OK(checked > 950000, "about a million instants checked");
}

static void gaps_and_folds(void)
{
	int64_t t;
	int amb;
	struct err e = { 0 };
	struct paris_time lt = { { 2024, 3, 31 }, 2, 30, 0, 0 };
	T_OK(paris_to_utc(&lt, PARIS_EARLIER, &t, &amb, &e) < 0 && strcmp(e.code, "date.heure_inexistante") == 0,
	     "2024-03-31 02:30 does not exist in Paris");
	T_OK(strstr(e.msg, "n'existe pas") != NULL, "the refusal is in French");
	lt.hh = 2, lt.mm = 0;
	T_OK(paris_to_utc(&lt, PARIS_EARLIER, &t, &amb, NULL) < 0, "2024-03-31 02:00 does not exist either");
	lt.hh = 1, lt.mm = 59, lt.ss = 59;
	T_OK(paris_to_utc(&lt, PARIS_EARLIER, &t, &amb, NULL) == 0 && t == at(2024, 3, 31, 0, 59, 59) && !amb,
	     "2024-03-31 01:59:59 is 00:59:59Z");
	lt.hh = 3, lt.mm = 0, lt.ss = 0;
	T_OK(paris_to_utc(&lt, PARIS_EARLIER, &t, &amb, NULL) == 0 && t == at(2024, 3, 31, 1, 0, 0) && !amb,
	     "2024-03-31 03:00 is 01:00Z");

	struct paris_time f = { { 2024, 10, 27 }, 2, 30, 0, 0 };
	T_OK(paris_to_utc(&f, PARIS_EARLIER, &t, &amb, NULL) == 0 && amb && t == at(2024, 10, 27, 0, 30, 0),
	     "2024-10-27 02:30 occurs twice: the earlier is 00:30Z (CEST)");
	T_OK(paris_to_utc(&f, PARIS_LATER, &t, &amb, NULL) == 0 && amb && t == at(2024, 10, 27, 1, 30, 0),
	     "2024-10-27 02:30, the later is 01:30Z (CET)");
	f.hh = 1, f.mm = 59, f.ss = 59;
	T_OK(paris_to_utc(&f, PARIS_LATER, &t, &amb, NULL) == 0 && !amb && t == at(2024, 10, 26, 23, 59, 59),
	     "2024-10-27 01:59:59 happens once (CEST)");
	f.hh = 3, f.mm = 0, f.ss = 0;
	T_OK(paris_to_utc(&f, PARIS_EARLIER, &t, &amb, NULL) == 0 && !amb && t == at(2024, 10, 27, 2, 0, 0),
	     "2024-10-27 03:00 happens once (CET)");

	/* 1995: summer time ended on the last Sunday of September (24th). */
	struct paris_time p;
	paris_from_utc(at(1995, 10, 1, 12, 0, 0), &p, NULL);
	T_EQ_INT(p.utc_offset, 3600, "1 October 1995 was already winter time");
	paris_from_utc(at(1996, 10, 1, 12, 0, 0), &p, NULL);
	T_EQ_INT(p.utc_offset, 7200, "1 October 1996 was still summer time");
	/* Local day that starts the year earlier than UTC. */
	paris_from_utc(at(2023, 12, 31, 23, 30, 0), &p, NULL);
	T_OK(p.date.y == 2024 && p.date.m == 1 && p.date.d == 1 && p.hh == 0 && p.mm == 30,
	     "2023-12-31T23:30Z is 00:30 on 1 January 2024 in Paris");
	int64_t s;
	T_OK(paris_day_start_utc((struct date){ 2024, 7, 14 }, &s, NULL) == 0 && s == at(2024, 7, 13, 22, 0, 0),
	     "14 July 2024 starts at 22:00Z the day before");
	T_OK(paris_day_start_utc((struct date){ 2024, 3, 31 }, &s, NULL) == 0 && s == at(2024, 3, 30, 23, 0, 0),
	     "31 March 2024 (change of time) starts at 23:00Z");
	T_OK(paris_from_utc(at(1980, 6, 1, 0, 0, 0), &p, &e) < 0 && strcmp(e.code, "date.hors_plage") == 0,
	     "instants before 1981 are refused, not guessed");
	struct paris_time bad = { { 2024, 2, 30 }, 10, 0, 0, 0 };
	T_OK(paris_to_utc(&bad, PARIS_EARLIER, &t, NULL, &e) < 0 && strcmp(e.code, "date.invalide") == 0,
	     "30 February is refused");
	bad = (struct paris_time){ { 2024, 2, 3 }, 24, 0, 0, 0 };
	T_OK(paris_to_utc(&bad, PARIS_EARLIER, &t, NULL, NULL) < 0, "24:00 is refused");
}

static void iso(void)
{
	char s[26];
	paris_format_iso(at(2024, 3, 31, 1, 30, 0), s);
	T_EQ_STR(s, "2024-03-31T03:30:00+02:00", "ISO format with the summer offset");
	paris_format_iso(at(2024, 1, 15, 8, 5, 9), s);
	T_EQ_STR(s, "2024-01-15T09:05:09+01:00", "ISO format with the winter offset");
	static const struct {
		const char *s;
		int64_t t;
		int ok;
	} cases[] = {
		{ "2024-03-31T03:30:00+02:00", 0, 1 }, { "2024-03-31T01:30:00Z", 0, 1 },
		{ "2024-03-30T20:30:00-05:00", 0, 1 }, { "2024-03-31T01:30:00", 0, 0 },
		{ "2024-03-31 01:30:00Z", 0, 0 },      { "2024-02-30T01:30:00Z", 0, 0 },
		{ "2024-03-31T24:00:00Z", 0, 0 },      { "2024-03-31T01:30:00+2:00", 0, 0 },
		{ "2024-03-31T01:30:00.5Z", 0, 0 },    { "2024-03-31T01:30:60Z", 0, 0 },
	};
	int64_t expect = at(2024, 3, 31, 1, 30, 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t t = 0;
		int rc = instant_parse_iso(cases[i].s, &t, NULL);
		char what[96];
		snprintf(what, sizeof what, "instant_parse_iso(\"%s\") %s", cases[i].s,
			 cases[i].ok ? "= 2024-03-31T01:30Z" : "refused");
		T_OK(cases[i].ok ? (rc == 0 && t == expect) : rc < 0, what);
	}
}

int main(void)
{
	calendar();
	parsing();
	jours_francs();
	paris_vs_tzdata();
	gaps_and_folds();
	iso();
	return t_done();
}
