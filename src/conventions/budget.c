/* budget: amounts as written in conventions (« 12 000 €TTC », « 250€ x 4 x9 ») parsed and computed in
 * integer cents — no floating point touches money here. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conventions/conventions.h"

#define MAX_CENTS 100000000000000LL   /* 1 000 milliards d'euros: far above any convention */

/* Skips ASCII spaces, no-break spaces (C2 A0) and narrow no-break spaces (E2 80 AF). */
static const char *skip_sp(const char *p)
{
	for (;;) {
		if (*p == ' ' || *p == '\t')
			p++;
		else if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0)
			p += 2;
		else if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0xAF)
			p += 3;
		else
			return p;
	}
}

/* Reads an amount at p; *end after it (and after an optional € and TTC/HT). */
static int money_at(const char *p, int64_t *cents, const char **end)
{
	p = skip_sp(p);
	int64_t units = 0;
	int digits = 0;
	for (;;) {
		if (isdigit((unsigned char)*p)) {
			units = units * 10 + (*p - '0');
			if (units > MAX_CENTS / 100)
				return -1;
			digits++;
			p++;
			continue;
		}
		/* A space between thousands only when digits follow. */
		const char *q = skip_sp(p);
		if (q != p && digits && isdigit((unsigned char)*q) && isdigit((unsigned char)q[1]) && isdigit((unsigned char)q[2]) &&
		    !isdigit((unsigned char)q[3])) {
			p = q;
			continue;
		}
		break;
	}
	if (!digits)
		return -1;
	int64_t dec = 0;
	if ((*p == ',' || *p == '.') && isdigit((unsigned char)p[1])) {
		p++;
		int nd = 0;
		while (isdigit((unsigned char)*p)) {
			if (++nd > 2)
				return -1;
			dec = dec * 10 + (*p++ - '0');
		}
		if (nd == 1)
			dec *= 10;
	}
	p = skip_sp(p);
	if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x82 && (unsigned char)p[2] == 0xAC)
		p = skip_sp(p + 3);
	else if (strncasecmp(p, "EUR", 3) == 0)
		p = skip_sp(p + 3);
	if (strncasecmp(p, "TTC", 3) == 0)
		p = skip_sp(p + 3);
	else if (strncasecmp(p, "HT", 2) == 0)
		p = skip_sp(p + 2);
	*cents = units * 100 + dec;
	*end = p;
	return 0;
}

int cv_money_parse(const char *s, int64_t *cents)
{
	const char *end;
	if (!s || money_at(s, cents, &end) < 0 || *end)
		return -1;
	return 0;
}

static void money(buf *out, int64_t cents, int fr)
{
	int neg = cents < 0;
	uint64_t c = neg ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	char digits[32];
	int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)(c / 100));
	if (neg)
		buf_puts(out, fr ? "\xE2\x88\x92" : "-");
	for (int i = 0; i < n; i++) {
		if (fr && i > 0 && (n - i) % 3 == 0)
			buf_puts(out, "\xE2\x80\xAF");
		buf_putc(out, digits[i]);
	}
	buf_printf(out, "%c%02u", fr ? ',' : '.', (unsigned)(c % 100));
	if (fr)
		buf_puts(out, "\xC2\xA0\xE2\x82\xAC");
}

void cv_money_fr(buf *out, int64_t cents) { money(out, cents, 1); }
void cv_money_plain(buf *out, int64_t cents) { money(out, cents, 0); }

/* A multiplication sign: x, X, *, × (C3 97). Returns its length or 0. */
static int times_at(const char *p)
{
	if (*p == 'x' || *p == 'X' || *p == '*')
		return 1;
	if ((unsigned char)p[0] == 0xC3 && (unsigned char)p[1] == 0x97)
		return 2;
	return 0;
}

int cv_formula_eval(const char *s, struct cv_formula *f, int64_t *total, struct err *e)
{
	memset(f, 0, sizeof *f);
	const char *p;
	if (!s || money_at(s, &f->unit_cents, &p) < 0)
		return err_set(e, 400, "budget.formule", "Formule illisible : un montant en euros est attendu au début (ex. « 250 € x 4 x 9 »).");
	int64_t acc = f->unit_cents;
	for (;;) {
		p = skip_sp(p);
		if (!*p)
			break;
		int t = times_at(p);
		if (!t)
			return err_set(e, 400, "budget.formule", "Formule illisible : « %.20s » inattendu (seule la multiplication x est admise).", p);
		p = skip_sp(p + t);
		if (!isdigit((unsigned char)*p))
			return err_set(e, 400, "budget.formule", "Formule illisible : un nombre entier est attendu après « x ».");
		int64_t v = 0;
		while (isdigit((unsigned char)*p)) {
			v = v * 10 + (*p++ - '0');
			if (v > 1000000)
				return err_set(e, 400, "budget.formule", "Facteur trop grand (1 000 000 au plus).");
		}
		if (v == 0)
			return err_set(e, 400, "budget.formule", "Un facteur nul n'a pas de sens dans une ligne de budget.");
		if (f->n_factors == CV_MAX_FACTORS)
			return err_set(e, 400, "budget.formule", "Six facteurs au plus.");
		f->factors[f->n_factors++] = v;
		if (__builtin_mul_overflow(acc, v, &acc) || acc > MAX_CENTS)
			return err_set(e, 400, "budget.formule", "Montant trop grand.");
	}
	*total = acc;
	return 0;
}
