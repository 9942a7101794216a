/* scdl_rules: checks rows and CSV files against a loaded schema (scdl_check.c): types, formats,
 * constraints, the Validata custom checks, and the ACTES codes the DELIB_MATIERE_CODE description
 * lists. Messages are French and name the column and the value. */
#include "publication/publication.h"
#include "core/err.h"
#include "core/mem.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publication/scdl_priv.h"

struct ctx {
	const struct scdl_schema *s;
	long line;
	scdl_report_fn report;
	void *arg;
	int count;
};

static void violation(struct ctx *c, int col, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void violation(struct ctx *c, int col, const char *check, const char *fmt, ...)
{
	struct scdl_violation v = { .line = c->line };
	snprintf(v.column, sizeof v.column, "%s", col >= 0 ? c->s->fields[col].name : "");
	snprintf(v.check, sizeof v.check, "%s", check);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v.msg, sizeof v.msg, fmt, ap);
	va_end(ap);
	c->count++;
	if (c->report)
		c->report(c->arg, &v);
}

static int parse_integer(const char *s, long long *out)
{
	const char *p = s + (*s == '+' || *s == '-');
	if (!*p || strspn(p, "0123456789") != strlen(p))
		return 0;
	errno = 0;
	*out = strtoll(s, NULL, 10);
	return errno == 0;
}

static int parse_number(const char *s, double *out)
{
	char *end;
	if (!*s || isspace((unsigned char)*s))
		return 0;
	errno = 0;
	*out = strtod(s, &end);
	return !*end && errno == 0;
}

/* URI with a scheme (RFC 3986 characters only, %-escapes well formed). */
static int uri_ok(const char *s)
{
	const char *p = s;
	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || !p[1])
		return 0;
	for (p++; *p; p++) {
		if (*p == '%') {
			if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]))
				return 0;
			p += 2;
		} else if (!isalnum((unsigned char)*p) && !strchr("-._~:/?#[]@!$&'()*+,;=", *p)) {
			return 0;
		}
	}
	return 1;
}

static long utf8_len(const char *s)
{
	long n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Lower case without accents (NFC Latin-1 letters and NFD combining marks), for validata's
 * accent- and case-insensitive comparison. */
static void fold(const char *s, buf *b)
{
	static const char latin1[64] = "aaaaaaaceeeeiiiidnooooo/ouuuuyts" "aaaaaaaceeeeiiiidnooooo/ouuuuyty";
	const unsigned char *p = (const unsigned char *)s;
	buf_grow(b, 1);              /* an empty input still yields "" (not NULL) */
	b->data[b->len] = 0;
	while (*p) {
		if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF && p[1] != 0x97 && p[1] != 0xB7 && p[1] != 0x86 &&
		    p[1] != 0xA6 && p[1] != 0x98 && p[1] != 0xB8 && p[1] != 0x9E && p[1] != 0xBE && p[1] != 0x9F &&
		    p[1] != 0x90 && p[1] != 0xB0) {
			buf_putc(b, latin1[p[1] - 0x80]);
			p += 2;
		} else if ((*p == 0xCC || (*p == 0xCD && p[1] <= 0xAF)) && p[1] >= 0x80) {
			p += 2;   /* combining diacritical mark (NFD: U+0300–U+036F); a lone lead byte before the end
				   * is not one (0 ≤ 0xAF: it skipped the terminator, found by the fuzz smoke) */
		} else if (*p == 0xC5 && p[1] == 0x92) {
			buf_add(b, "\xC5\x93", 2);
			p += 2;
		} else {
			buf_putc(b, (char)tolower(*p));
			p++;
		}
	}
}

static int type_ok(struct ctx *c, int i, const char *v)
{
	const struct scdl_field *f = &c->s->fields[i];
	long long n;
	double d;
	struct date dt;
	switch (f->type) {
	case T_DATE:
		if (date_parse(v, &dt, NULL) == 0)
			return 1;
		violation(c, i, "type", "%s : « %s » n'est pas une date AAAA-MM-JJ existante", f->name, v);
		return 0;
	case T_INTEGER:
		if (parse_integer(v, &n))
			return 1;
		violation(c, i, "type", "%s : « %s » n'est pas un nombre entier", f->name, v);
		return 0;
	case T_NUMBER:
		if (parse_number(v, &d))
			return 1;
		violation(c, i, "type", "%s : « %s » n'est pas un nombre", f->name, v);
		return 0;
	case T_STRING:
		if (f->uri && !uri_ok(v)) {
			violation(c, i, "format", "%s : « %s » n'est pas une URI (schéma « https: » attendu…)", f->name, v);
			return 0;
		}
		return 1;
	}
	return 1;
}

static int constraints(struct ctx *c, int i, const char *v)
{
	int before = c->count;
	const struct scdl_field *f = &c->s->fields[i];
	if (f->has_re && regexec(&f->re, v, 0, NULL, 0) != 0)
		violation(c, i, "pattern", "%s : « %s » ne respecte pas le motif %s", f->name, v, f->pattern);
	long len = utf8_len(v);
	if (f->min_len >= 0 && len < f->min_len)
		violation(c, i, "minLength", "%s : « %s » fait moins de %ld caractères", f->name, v, f->min_len);
	if (f->max_len >= 0 && len > f->max_len)
		violation(c, i, "maxLength", "%s : « %s » fait plus de %ld caractères", f->name, v, f->max_len);
	double d;
	if ((f->has_min || f->has_max) && parse_number(v, &d)) {
		if (f->has_min && d < f->min)
			violation(c, i, "minimum", "%s : %s est inférieur au minimum %g", f->name, v, f->min);
		if (f->has_max && d > f->max)
			violation(c, i, "maximum", "%s : %s est supérieur au maximum %g", f->name, v, f->max);
	}
	if (f->enum_) {
		size_t k;
		json_t *x;
		int found = 0;
		json_array_foreach(f->enum_, k, x) {
			if (json_is_string(x) ? strcmp(json_string_value(x), v) == 0
					      : json_is_number(x) && parse_number(v, &d) && d == json_number_value(x))
				found = 1;
		}
		if (!found)
			violation(c, i, "enum", "%s : « %s » n'est pas une des valeurs permises", f->name, v);
	}
	return c->count != before;
}

static int valued(const char *v)
{
	return v && *v;
}

static void check_siret(struct ctx *c, int col, const char *v)
{
	if (!scdl_siret_valid(v))
		violation(c, col, "french-siret-value", "%s : le SIRET « %s » n'est pas valide (clé de contrôle)",
			  c->s->fields[col].name, v);
}

static void check_year_interval(struct ctx *c, const struct scdl_custom *k, const char *v)
{
	const char *name = c->s->fields[k->col].name;
	int y1, y2;
	char rest;
	if (strlen(v) == 9 && v[4] == '/' && strspn(v, "0123456789") == 4 && strspn(v + 5, "0123456789") == 4 &&
	    sscanf(v, "%4d/%4d%c", &y1, &y2, &rest) == 2) {
		if (y1 == y2)
			violation(c, k->col, "year-interval-value",
				  "%s : période « %s » invalide, les deux années doivent être différentes", name, v);
		else if (y1 > y2)
			violation(c, k->col, "year-interval-value",
				  "%s : période « %s » invalide, la deuxième année doit être postérieure à la première",
				  name, v);
		return;
	}
	if (k->allow_year_only && strlen(v) == 4 && strspn(v, "0123456789") == 4)
		return;
	violation(c, k->col, "year-interval-value", "%s : « %s » n'a pas le format attendu (AAAA%s)", name, v,
		  k->allow_year_only ? " ou AAAA/AAAA" : "/AAAA");
}

static void check_cohesive(struct ctx *c, const struct scdl_custom *k, const char *const *cells)
{
	int filled = valued(cells[k->col]);
	for (int i = 0; i < k->n_cols; i++)
		filled += valued(cells[k->cols[i]]);
	if (filled == 0 || filled == k->n_cols + 1)
		return;
	buf names = BUF_INIT;
	buf_puts(&names, c->s->fields[k->col].name);
	for (int i = 0; i < k->n_cols; i++)
		buf_printf(&names, ", %s", c->s->fields[k->cols[i]].name);
	violation(c, k->col, "cohesive-columns-value",
		  "les colonnes %s doivent être toutes remplies ou toutes vides", names.data);
	buf_free(&names);
}

static void check_compare(struct ctx *c, const struct scdl_custom *k, const char *a, const char *b)
{
	static const char *const ops[] = { ">", ">=", "==", "<=", "<" };
	static const char *const labels[] = { "supérieure", "supérieure ou égale", "égale", "inférieure ou égale",
					      "inférieure" };
	const struct scdl_field *fa = &c->s->fields[k->col], *fb = &c->s->fields[k->cols[0]];
	double x, y;
	int cmp;
	if ((fa->type == T_INTEGER || fa->type == T_NUMBER) && parse_number(a, &x) && parse_number(b, &y))
		cmp = (x > y) - (x < y);
	else if (fa->type == fb->type)
		cmp = strcmp(a, b), cmp = (cmp > 0) - (cmp < 0);   /* ISO dates: text order = time order */
	else {
		violation(c, k->col, "compare-columns-value", "%s « %s » n'est pas comparable avec %s « %s »", fa->name,
			  a, fb->name, b);
		return;
	}
	int ok = k->op == 0 ? cmp > 0 : k->op == 1 ? cmp >= 0 : k->op == 2 ? cmp == 0 : k->op == 3 ? cmp <= 0 : cmp < 0;
	if (!ok)
		violation(c, k->col, "compare-columns-value",
			  "%s « %s » devrait être %s à %s « %s » (%s %s %s)", fa->name, a, labels[k->op], fb->name, b,
			  fa->name, ops[k->op], fb->name);
}

static void check_sum(struct ctx *c, const struct scdl_custom *k, const char *const *cells)
{
	long long total = 0, v, want;
	buf expr = BUF_INIT;
	parse_integer(cells[k->col], &want);
	for (int i = 0; i < k->n_cols; i++) {
		parse_integer(cells[k->cols[i]], &v);
		total += v;
		buf_printf(&expr, "%s%s", i ? " + " : "", c->s->fields[k->cols[i]].name);
	}
	if (total != want)
		violation(c, k->col, "sum-columns-value", "%s = %s attendu : la somme vaut %lld, %s vaut %lld",
			  c->s->fields[k->col].name, expr.data, total, c->s->fields[k->col].name, want);
	buf_free(&expr);
}

/* Index (1..9) of the ACTES level-1 label that prefixes v, 0 when none; sets *spaces when the only
 * problem is a space around the slash. */
static int nomenclature_index(const char *v, int *spaces)
{
	const char *slash = strchr(v, '/');
	*spaces = 0;
	if (!slash)
		return 0;
	buf pre = BUF_INIT, want = BUF_INIT;
	char *prefix = xstrndup(v, (size_t)(slash - v));
	fold(prefix, &pre);
	int found = 0, trimmed = 0;
	size_t plen = pre.len;
	while (plen && pre.data[plen - 1] == ' ')
		plen--;
	for (int i = 1; i <= 9; i++) {
		buf_reset(&want);
		fold(scdl_matiere1_label(i), &want);
		if (strcmp(pre.data, want.data) == 0)
			found = i;
		else if (plen == want.len && strncmp(pre.data, want.data, plen) == 0)
			trimmed = 1;
	}
	if (found && strstr(v, "/ "))
		*spaces = 1, found = 0;
	if (!found && trimmed)
		*spaces = 1;
	free(prefix);
	buf_free(&pre);
	buf_free(&want);
	return found;
}

static void check_nomenclature(struct ctx *c, const struct scdl_custom *k, const char *const *cells, const int *bad)
{
	const char *v = cells[k->col];
	const char *name = c->s->fields[k->col].name;
	int spaces, idx = nomenclature_index(v, &spaces);
	if (!strchr(v, '/')) {
		violation(c, k->col, "nomenclature-actes-value", "%s : « %s » : le signe oblique « / » est manquant", name, v);
		return;
	}
	if (!idx) {
		violation(c, k->col, "nomenclature-actes-value",
			  spaces ? "%s : « %s » : le signe oblique ne doit pas être précédé ni suivi d'espace"
				 : "%s : « %s » : le préfixe n'est pas un intitulé de niveau 1 de la nomenclature ACTES",
			  name, v);
		return;
	}
	/* The code must be that matière (DELIB_MATIERE_CODE description: « sa valeur doit correspondre
	 * au nom de matière de DELIB_MATIERE_NOM »). */
	int code = c->s->matiere_code;
	if (code >= 0 && !bad[code] && valued(cells[code]) && atoi(cells[code]) != idx)
		violation(c, code, "matiere-code",
			  "%s « %s » ne correspond pas à la matière « %s » (%d = %s)", c->s->fields[code].name,
			  cells[code], v, idx, scdl_matiere1_label(idx));
}

/* Codes listed in the description of DELIB_MATIERE_CODE (« '1.1' à '1.7', … »). */
static void check_matiere_range(struct ctx *c, const char *v)
{
	int a, b;
	char rest;
	if (sscanf(v, "%d.%d%c", &a, &b, &rest) != 2)
		return;   /* the pattern reports it */
	for (int i = 0; i < c->s->n_ranges; i++)
		if (c->s->ranges[i].level1 == a && b >= c->s->ranges[i].lo && b <= c->s->ranges[i].hi)
			return;
	violation(c, c->s->matiere_code, "matiere-code",
		  "%s : « %s » n'est pas un code de matière de la nomenclature ACTES (1.1 à 1.7, …, 9.1 à 9.4)",
		  c->s->fields[c->s->matiere_code].name, v);
}

int scdl_check_row(const struct scdl_schema *s, const char *const *cells, size_t n, long line,
		   scdl_report_fn report, void *arg)
{
	struct ctx c = { s, line, report, arg, 0 };
	int bad[SCDL_MAX_FIELDS] = { 0 };
	if (n != s->n) {
		violation(&c, -1, "field-count", "%zu champs au lieu de %zu", n, s->n);
		return c.count;
	}
	for (size_t i = 0; i < n; i++) {
		if (!valued(cells[i])) {
			if (s->fields[i].required)
				violation(&c, (int)i, "required", "%s est obligatoire et manque", s->fields[i].name);
			continue;
		}
		bad[i] = !type_ok(&c, (int)i, cells[i]);
		bad[i] |= constraints(&c, (int)i, cells[i]);
	}
	for (size_t k = 0; k < s->n_checks; k++) {
		const struct scdl_custom *ck = &s->checks[k];
		const char *v = cells[ck->col];
		int all = valued(v) && !bad[ck->col];
		for (int i = 0; i < ck->n_cols; i++)
			all &= valued(cells[ck->cols[i]]) && !bad[ck->cols[i]];
		switch (ck->kind) {
		case C_COHESIVE:
			check_cohesive(&c, ck, cells);
			break;
		case C_SIRET:
			if (valued(v))
				check_siret(&c, ck->col, v);
			break;
		case C_YEAR_INTERVAL:
			if (valued(v))
				check_year_interval(&c, ck, v);
			break;
		case C_NOMENCLATURE:
			if (valued(v))
				check_nomenclature(&c, ck, cells, bad);
			break;
		case C_COMPARE:
			if (all)
				check_compare(&c, ck, v, cells[ck->cols[0]]);
			break;
		case C_SUM:
			if (all)
				check_sum(&c, ck, cells);
			break;
		}
	}
	if (s->matiere_code >= 0 && s->n_ranges && valued(cells[s->matiere_code]) && !bad[s->matiere_code])
		check_matiere_range(&c, cells[s->matiere_code]);
	return c.count;
}

/* ---- CSV ---------------------------------------------------------------------------------------- */

/* Reads one RFC 4180 record from *p (end: e). Fields are NUL-terminated copies in rec (caller
 * frees each). Returns the field count, 0 at end of data, -1 on an unclosed quote. Counts the
 * physical lines consumed into *lines. */
static int csv_record(const char **p, const char *e, char **rec, int max, long *lines)
{
	const char *s = *p;
	int n = 0;
	if (s >= e)
		return 0;
	buf f = BUF_INIT;
	for (;;) {
		buf_reset(&f);
		buf_grow(&f, 1);
		f.data[0] = 0;
		if (s < e && *s == '"') {
			s++;
			for (;;) {
				if (s >= e) {
					buf_free(&f);
					for (int i = 0; i < n; i++)
						free(rec[i]);
					return -1;
				}
				if (*s == '"') {
					if (s + 1 < e && s[1] == '"') {
						buf_putc(&f, '"');
						s += 2;
						continue;
					}
					s++;
					break;
				}
				if (*s == '\n')
					(*lines)++;
				buf_putc(&f, *s++);
			}
			while (s < e && *s != ',' && *s != '\n' && *s != '\r')
				buf_putc(&f, *s++);   /* text after a closing quote: kept, as lenient readers do */
		} else {
			while (s < e && *s != ',' && *s != '\n' && *s != '\r')
				buf_putc(&f, *s++);
		}
		if (n < max)
			rec[n++] = xstrdup(f.data);
		if (s < e && *s == ',') {
			s++;
			continue;
		}
		if (s < e && *s == '\r')
			s++;
		if (s < e && *s == '\n')
			s++;
		(*lines)++;
		break;
	}
	buf_free(&f);
	*p = s;
	return n;
}

long scdl_check_csv(const struct scdl_schema *s, const char *data, size_t len, scdl_report_fn report, void *arg,
		    struct err *e)
{
	const char *p = data, *end = data + len;
	char *rec[SCDL_MAX_FIELDS + 1];
	long line = 1, next = 1, total = 0;
	int header = 1, n;
	struct ctx c = { s, 1, report, arg, 0 };
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while ((n = csv_record(&p, end, rec, SCDL_MAX_FIELDS + 1, &next)) != 0) {
		if (n < 0)
			return err_set(e, 422, "scdl.csv", "ligne %ld : guillemet ouvrant sans guillemet fermant", line);
		c.line = line;
		if (header) {
			header = 0;
			for (int i = 0; i < n || i < (int)s->n; i++) {
				const char *want = i < (int)s->n ? s->fields[i].name : NULL, *got = i < n ? rec[i] : NULL;
				if (!want)
					violation(&c, -1, "header", "colonne en trop : « %s »", got);
				else if (!got)
					violation(&c, i, "header", "colonne manquante : %s", want);
				else if (strcmp(want, got) != 0)
					violation(&c, i, "header", "colonne %d : « %s » au lieu de %s", i + 1, got, want);
			}
			if (c.count) {
				for (int i = 0; i < n; i++)
					free(rec[i]);
				return c.count;   /* rows cannot be read by column */
			}
		} else if (n == 1 && !*rec[0]) {
			violation(&c, -1, "blank-row", "ligne vide");
		} else {
			c.count += scdl_check_row(s, (const char *const *)rec, (size_t)n, line, report, arg);
		}
		for (int i = 0; i < n; i++)
			free(rec[i]);
		line = next;
		total++;
	}
	if (total == 0)
		violation(&c, -1, "header", "fichier vide : la ligne d'en-tête manque");
	return c.count;
}
