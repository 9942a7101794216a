/* numbering: act numbers from a per-year pattern. A table of tokens, one generic scanner used by
 * the check, the capacity and the formatter. */
#include "core/numbering.h"
#include "core/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tok { T_LIT, T_YYYY, T_YY, T_MM, T_DD, T_N };

static const struct {
	const char *text;
	enum tok tok;
} tokens[] = {
	{ "{YYYY}", T_YYYY }, { "{YY}", T_YY }, { "{MM}", T_MM }, { "{DD}", T_DD }, { "{N}", T_N },
};

/* Reads the token at *p: sets *tok, *width (for {N:k}) and advances *p. Returns 0, or -1 with e. */
static int next(const char **p, enum tok *tok, int *width, struct err *e)
{
	const char *s = *p;
	*width = 0;
	if (*s != '{') {
		if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
			return err_set(e, 400, "numbering.motif",
				       "caractère « %c » interdit dans le motif : un numéro d'acte ne contient que des "
				       "chiffres, des lettres majuscules et « _ » (règle ACTES)",
				       *s);
		*tok = T_LIT;
		*p = s + 1;
		return 0;
	}
	for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
		if (strncmp(s, tokens[i].text, strlen(tokens[i].text)) == 0) {
			*tok = tokens[i].tok;
			*p = s + strlen(tokens[i].text);
			return 0;
		}
	if (strncmp(s, "{N:", 3) == 0) {
		char *end;
		long k = strtol(s + 3, &end, 10);
		if (end != s + 3 && *end == '}' && k >= 1 && k <= NUMBERING_MAX && s[3] != '+' && s[3] != '-') {
			*tok = T_N;
			*width = (int)k;
			*p = end + 1;
			return 0;
		}
	}
	const char *close = strchr(s, '}');
	return err_set(e, 400, "numbering.motif",
		       "élément « %.*s » inconnu : utilisez {YYYY}, {YY}, {MM}, {DD}, {N} ou {N:k} (k de 1 à 15)",
		       close ? (int)(close - s + 1) : (int)strlen(s), s);
}

/* Fixed length (everything but N) and N's padding; -1 with e on a bad pattern. */
static int scan(const char *pattern, int *fixed, int *nwidth, struct err *e)
{
	int n_count = 0, year = 0;
	enum tok t;
	int w;
	*fixed = 0;
	*nwidth = 0;
	if (!pattern || !*pattern)
		return err_set(e, 400, "numbering.motif", "motif vide");
	for (const char *p = pattern; *p;) {
		if (next(&p, &t, &w, e) < 0)
			return -1;
		switch (t) {
		case T_LIT: *fixed += 1; break;
		case T_YYYY: *fixed += 4; year = 1; break;
		case T_YY: *fixed += 2; year = 1; break;
		case T_MM:
		case T_DD: *fixed += 2; break;
		case T_N: n_count++; *nwidth = w; break;
		}
	}
	if (n_count != 1)
		return err_set(e, 400, "numbering.motif",
			       "le motif doit contenir exactement une fois le numéro ({N} ou {N:k}), il en contient %d",
			       n_count);
	if (!year)
		return err_set(e, 400, "numbering.motif",
			       "le motif doit contenir l'année ({YYYY} ou {YY}) : la numérotation repart à 1 chaque "
			       "année, deux actes auraient sinon le même numéro");
	return 0;
}

int numbering_pattern_check(const char *pattern, struct err *e)
{
	int fixed, nw;
	if (scan(pattern, &fixed, &nw, e) < 0)
		return -1;
	if (fixed + (nw > 1 ? nw : 1) > NUMBERING_MAX)
		return err_set(e, 400, "numbering.motif",
			       "le motif produit des numéros de plus de %d caractères (limite ACTES)", NUMBERING_MAX);
	return 0;
}

long numbering_capacity(const char *pattern)
{
	int fixed, nw;
	if (scan(pattern, &fixed, &nw, NULL) < 0)
		return 0;
	int digits = NUMBERING_MAX - fixed;
	if (digits < 1 || digits < nw)
		return 0;
	long cap = 0;
	for (int i = 0; i < digits && cap <= (__LONG_MAX__ - 9) / 10; i++)
		cap = cap * 10 + 9;
	return cap;
}

int numbering_format(const char *pattern, struct date d, long n, char *out, size_t outsz, struct err *e)
{
	char tmp[64];
	size_t len = 0;
	enum tok t;
	int w;
	if (numbering_pattern_check(pattern, e) < 0)
		return -1;
	if (n < 1)
		return err_set(e, 400, "numbering.numero", "le numéro d'ordre commence à 1 (reçu %ld)", n);
	if (!date_valid(d))
		return err_set(e, 400, "date.invalide", "date de l'acte invalide");
	for (const char *p = pattern; *p;) {
		const char *start = p;
		char part[32];
		next(&p, &t, &w, NULL);
		switch (t) {
		case T_LIT: snprintf(part, sizeof part, "%c", *start); break;
		case T_YYYY: snprintf(part, sizeof part, "%04d", d.y); break;
		case T_YY: snprintf(part, sizeof part, "%02d", d.y % 100); break;
		case T_MM: snprintf(part, sizeof part, "%02d", d.m); break;
		case T_DD: snprintf(part, sizeof part, "%02d", d.d); break;
		case T_N: snprintf(part, sizeof part, "%0*ld", w, n); break;
		}
		size_t pl = strlen(part);
		if (len + pl >= sizeof tmp)
			len = sizeof tmp;   /* too long anyway */
		else
			memcpy(tmp + len, part, pl + 1), len += pl;
	}
	if (len > NUMBERING_MAX)
		return err_set(e, 409, "numbering.trop_long",
			       "le numéro %ld ne tient pas dans %d caractères avec le motif « %s » (limite ACTES) : "
			       "changez de motif",
			       n, NUMBERING_MAX, pattern);
	if (outsz <= len)
		return err_set(e, 500, "numbering.tampon", "tampon trop petit");
	memcpy(out, tmp, len + 1);
	return 0;
}
