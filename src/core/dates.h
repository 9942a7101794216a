/* dates: civil (calendar) dates, Europe/Paris local time <-> UTC instants, and jours francs.
 * Pure functions, no global state, thread-safe: the French time-zone rule is computed here
 * (see dates.c for why we do not use TZ/localtime_r) and checked against the system tzdata in tests. */
#ifndef OPALE_DATES_H
#define OPALE_DATES_H
#include <stdint.h>

struct err;

/* A calendar date (proleptic Gregorian). Valid range for the functions below: years 1..9999. */
struct date {
	int y, m, d;   /* year, month 1..12, day 1..31 */
};

/* A local wall-clock time in Europe/Paris. */
struct paris_time {
	struct date date;
	int hh, mm, ss;
	int utc_offset;   /* seconds east of UTC: 3600 (CET, « heure d'hiver ») or 7200 (CEST, « heure d'été ») */
};

int date_is_leap(int y);
int date_days_in_month(int y, int m);
/* 1 when y-m-d is a real calendar date with 1 <= y <= 9999. */
int date_valid(struct date d);

/* Parses exactly "YYYY-MM-DD" (ISO 8601 calendar date, no surrounding text). Returns 0, or -1 with
 * e->code "date.invalide" (e may be NULL). */
int date_parse(const char *s, struct date *out, struct err *e);
/* Writes "YYYY-MM-DD" into out (at least 11 bytes). Returns out. */
char *date_format(struct date d, char out[11]);
/* Writes the date in French words, e.g. "vendredi 15 mars 2024" (out: at least 40 bytes). */
char *date_format_fr(struct date d, char out[40]);

/* Days since 1970-01-01 (negative before), and back. */
int64_t date_to_days(struct date d);
struct date date_from_days(int64_t days);
struct date date_add_days(struct date d, int64_t n);
/* b - a in days. */
int64_t date_diff_days(struct date a, struct date b);
/* -1, 0, 1 like strcmp. */
int date_cmp(struct date a, struct date b);
/* ISO weekday: 1 = Monday … 7 = Sunday. */
int date_weekday(struct date d);

/* Jours francs (CGCT): neither the day of the sending nor the day of the meeting counts, so a
 * sending on day S leaves meeting - S - 1 jours francs. These two functions are that rule. */
/* Latest day on which sending still leaves n jours francs before `meeting`: meeting - (n + 1). */
struct date date_jours_francs_latest(struct date meeting, int n);
/* Number of jours francs between a sending on `sent` and the meeting on `meeting` (may be < 0). */
int64_t date_jours_francs_between(struct date sent, struct date meeting);

/* Europe/Paris. The rule is valid from 1996 (EU directive 2000/84/EC and its predecessors: summer
 * time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October);
 * 1981-1995 used the last Sunday of September as the end. Instants before 1981 are refused. */
#define PARIS_MIN_YEAR 1981

/* Converts an instant (seconds since the epoch, UTC) to Paris wall-clock time. Returns 0, or -1
 * with e->code "date.hors_plage" outside 1981..9999. */
int paris_from_utc(int64_t t, struct paris_time *out, struct err *e);

/* Which instant to choose when a local time occurs twice (the hour 02:00–02:59 on the last Sunday
 * of October): PARIS_EARLIER = the first one (still CEST), PARIS_LATER = the second one (CET). */
enum paris_fold { PARIS_EARLIER = 0, PARIS_LATER = 1 };

/* Converts a Paris wall-clock time (utc_offset ignored) to an instant. A time that does not exist
 * (02:00–02:59 on the last Sunday of March) is refused with "date.heure_inexistante"; an invalid
 * date or time with "date.invalide". *ambiguous (may be NULL) is set to 1 when the local time
 * occurs twice and `fold` chose between the two. Returns 0 or -1. */
int paris_to_utc(const struct paris_time *lt, enum paris_fold fold, int64_t *out, int *ambiguous,
		 struct err *e);

/* The first instant (UTC) of a Paris calendar day — midnight never falls in a gap in France. */
int paris_day_start_utc(struct date d, int64_t *out, struct err *e);

/* Formats an instant as Paris local time, ISO 8601 with offset: "2024-03-31T03:30:00+02:00"
 * (out: at least 26 bytes). Returns 0 or -1 (out of range). */
int paris_format_iso(int64_t t, char out[26]);

/* Parses an ISO 8601 instant "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM"/"-HH:MM".
 * Returns 0, or -1 with "date.invalide". */
int instant_parse_iso(const char *s, int64_t *out, struct err *e);

#endif
