/* numbering: act numbers from a configurable per-year pattern, e.g. "{YYYY}_{N:3}" -> "2024_007".
 * The formatting and its checks (numbering.c, pure), and the allocator (numbering_db.c): per
 * collectivité one pattern per series and one counter per series and year, incremented in the
 * caller's transaction — no gap, no duplicate. Every number produced satisfies the ACTES rule
 * ^[0-9A-Z_]{1,15}$ (NumeroInterne). Tables: src/db/migrations/0006_numbering.sql. */
#ifndef OPALE_NUMBERING_H
#define OPALE_NUMBERING_H
#include <stddef.h>
#include <stdint.h>

#include "core/dates.h"

struct err;

#define NUMBERING_MAX 15   /* ACTES NumeroInterne: at most 15 characters */

/* Pattern syntax: literal characters from [0-9A-Z_], and the tokens
 *   {YYYY} year, {YY} year on two digits, {MM} month, {DD} day (of the act's date),
 *   {N} the number in the year, {N:k} the number zero-padded to k digits (1 <= k <= 15).
 * A pattern holds exactly one {N…} and a year token ({YYYY} or {YY}): the number restarts at 1
 * each year, so without the year two acts would share a number. Returns 0 or -1 with
 * "numbering.motif" and a French explanation. */
int numbering_pattern_check(const char *pattern, struct err *e);

/* The largest n the pattern can format within 15 characters (0 when even n = 1 does not fit). */
long numbering_capacity(const char *pattern);

/* Formats number n (>= 1) of the act dated d. out: at least NUMBERING_MAX + 1 bytes. Returns 0,
 * or -1 with "numbering.motif" (bad pattern), "numbering.numero" (n < 1) or "numbering.trop_long"
 * (more than 15 characters: the pattern's capacity is exhausted). */
int numbering_format(const char *pattern, struct date d, long n, char *out, size_t outsz, struct err *e);

/* ---- allocator (numbering_db.c) ------------------------------------------------------------- */

typedef struct db db;

/* The series of numbers a collectivité keeps (key, French label, default pattern). */
struct numbering_series {
	const char *key, *label, *defaut;
};
extern const struct numbering_series numbering_series[];
extern const size_t numbering_series_n;
/* The series of that key, NULL when unknown. */
const struct numbering_series *numbering_series_get(const char *key);

/* The collectivité's pattern of a series (its default when never set). out ≥ 64 bytes. 0 or -1
 * ("numbering.serie" 404 for an unknown series). */
int numbering_pattern_get(db *d, int64_t tenant, const char *series, char *out, size_t outsz, struct err *e);
/* Sets the pattern of a series after numbering_pattern_check; refused ("numbering.motif", 400) when
 * another series of the collectivité has the same pattern (their numbers would collide). */
int numbering_pattern_set(db *d, int64_t tenant, const char *series, const char *pattern, struct err *e);

/* Gives the next number of the series for an act dated `date` (the counter of date.y): increments
 * the counter and formats it. MUST run inside the caller's write transaction (refused otherwise,
 * "numbering.transaction" 500): the number is given back if that transaction rolls back, and the
 * counter's row is locked until it ends, so concurrent callers (threads, processes, nodes sharing
 * one PostgreSQL) get consecutive numbers. *n (may be NULL) receives the order number. */
int numbering_next(db *d, int64_t tenant, const char *series, struct date date, char *out, size_t outsz, long *n,
		   struct err *e);

#endif
