/* numbering: act numbers from a configurable per-year pattern, e.g. "{YYYY}_{N:3}" -> "2024_007".
 * Only the formatting and its checks; the gap-free, concurrent allocation of N belongs to storage.
 * Every number produced satisfies the ACTES rule ^[0-9A-Z_]{1,15}$ (NumeroInterne). */
#ifndef OPALE_NUMBERING_H
#define OPALE_NUMBERING_H
#include <stddef.h>

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

#endif
