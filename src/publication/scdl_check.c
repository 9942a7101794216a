/* scdl_check: validates SCDL rows against the published Frictionless Table Schema, read at run time
 * with jansson: field types and formats, constraints, and the Validata custom checks the schema
 * lists (semantics as validata-core implements them: a check on several columns is skipped when one
 * of them is empty, except cohesive-columns-value). Whatever the schema asks that we do not
 * implement is refused at load time, so a newer schema cannot pass unchecked. */
#include "publication/publication.h"
#include "core/err.h"
#include "core/mem.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publication/scdl_priv.h"

/* Translates the pattern subset used by Table Schemas (XML Schema / ECMAScript flavour) into POSIX
 * ERE, anchored. Refuses constructs with no ERE equivalent. Returns 0 or -1. */
static int pattern_to_ere(const char *p, buf *out)
{
	int in_class = 0;
	buf_puts(out, "^(");
	for (; *p; p++) {
		if (*p == '(' && p[1] == '?')
			return -1;   /* lookaround, non-capturing groups, flags */
		if (*p == '[' && !in_class) {
			in_class = 1;
			buf_putc(out, '[');
			if (p[1] == '^')
				buf_putc(out, *++p);
			continue;
		}
		if (*p == ']' && in_class) {
			in_class = 0;
			buf_putc(out, ']');
			continue;
		}
		if (*p != '\\') {
			buf_putc(out, *p);
			continue;
		}
		char c = *++p;
		if (!c)
			return -1;
		const char *cls = c == 'd' ? "0-9" : c == 'w' ? "A-Za-z0-9_" : c == 's' ? " \t\n\r\f\v" : NULL;
		if (cls) {
			buf_printf(out, in_class ? "%s" : "[%s]", cls);
		} else if (c == 'D' || c == 'W' || c == 'S') {
			if (in_class)
				return -1;
			buf_printf(out, "[^%s]", c == 'D' ? "0-9" : c == 'W' ? "A-Za-z0-9_" : " \t\n\r\f\v");
		} else if (strchr(".^$|?*+()[]{}/-\\", c)) {
			if (in_class && strchr("]^-\\", c))
				return -1;
			if (in_class || c == '/' || c == '-')
				buf_putc(out, c);
			else
				buf_printf(out, "\\%c", c);
		} else {
			return -1;   /* \b, \p{…}, \u…: not in ERE */
		}
	}
	if (in_class)
		return -1;
	buf_puts(out, ")$");
	return 0;
}

static int load_error(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int load_error(struct err *e, const char *fmt, ...)
{
	char m[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	return err_set(e, 422, "scdl.schema", "schéma non pris en charge : %s", m);
}

static int field_index(const struct scdl_schema *s, const char *name)
{
	for (size_t i = 0; name && i < s->n; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int load_constraints(struct scdl_field *f, json_t *c, struct err *e)
{
	const char *k;
	json_t *v;
	json_object_foreach(c, k, v) {
		if (strcmp(k, "required") == 0 && json_is_boolean(v)) {
			f->required = json_is_true(v);
		} else if (strcmp(k, "pattern") == 0 && json_is_string(v)) {
			buf ere = BUF_INIT;
			int bad = pattern_to_ere(json_string_value(v), &ere) < 0 ||
				  regcomp(&f->re, ere.data, REG_EXTENDED | REG_NOSUB) != 0;
			buf_free(&ere);
			if (bad)
				return load_error(e, "motif « %s » du champ %s", json_string_value(v), f->name);
			f->has_re = 1;
			f->pattern = xstrdup(json_string_value(v));
		} else if ((strcmp(k, "minLength") == 0 || strcmp(k, "maxLength") == 0) && json_is_integer(v)) {
			*(k[1] == 'i' ? &f->min_len : &f->max_len) = (long)json_integer_value(v);
		} else if ((strcmp(k, "minimum") == 0 || strcmp(k, "maximum") == 0) && json_is_number(v) &&
			   (f->type == T_INTEGER || f->type == T_NUMBER)) {
			if (k[1] == 'i')
				f->has_min = 1, f->min = json_number_value(v);
			else
				f->has_max = 1, f->max = json_number_value(v);
		} else if (strcmp(k, "enum") == 0 && json_is_array(v)) {
			f->enum_ = json_incref(v);
		} else {
			return load_error(e, "contrainte « %s » du champ %s", k, f->name);
		}
	}
	return 0;
}

static int load_field(struct scdl_field *f, json_t *j, struct err *e)
{
	const char *name = json_string_value(json_object_get(j, "name"));
	const char *type = json_string_value(json_object_get(j, "type"));
	const char *format = json_string_value(json_object_get(j, "format"));
	f->min_len = f->max_len = -1;
	if (!name)
		return load_error(e, "champ sans nom");
	f->name = xstrdup(name);
	const char *d = json_string_value(json_object_get(j, "description"));
	f->description = xstrdup(d ? d : "");
	static const char *const types[] = { [T_STRING] = "string", [T_DATE] = "date", [T_INTEGER] = "integer",
					     [T_NUMBER] = "number" };
	f->type = -1;
	for (int i = 0; i < 4; i++)
		if (strcmp(type ? type : "string", types[i]) == 0)
			f->type = i;
	if ((int)f->type < 0)
		return load_error(e, "type « %s » du champ %s", type, name);
	if (format && strcmp(format, "default") != 0) {
		if (f->type == T_STRING && strcmp(format, "uri") == 0)
			f->uri = 1;
		else
			return load_error(e, "format « %s » du champ %s", format, name);
	}
	json_t *c = json_object_get(j, "constraints");
	return c ? load_constraints(f, c, e) : 0;
}

static int column_param(const struct scdl_schema *s, json_t *params, const char *key, int *out, struct err *e)
{
	const char *name = json_string_value(json_object_get(params, key));
	if ((*out = field_index(s, name)) < 0)
		return load_error(e, "contrôle personnalisé sur une colonne inconnue (%s = %s)", key, name ? name : "?");
	return 0;
}

static int load_check(struct scdl_schema *s, json_t *j, struct err *e)
{
	static const char *const names[] = { [C_SIRET] = "french-siret-value", [C_YEAR_INTERVAL] = "year-interval-value",
					     [C_COHESIVE] = "cohesive-columns-value", [C_COMPARE] = "compare-columns-value",
					     [C_SUM] = "sum-columns-value", [C_NOMENCLATURE] = "nomenclature-actes-value" };
	const char *name = json_string_value(json_object_get(j, "name"));
	json_t *params = json_object_get(j, "params");
	struct scdl_custom *c = &s->checks[s->n_checks];
	c->kind = -1;
	for (int i = 0; name && i < (int)(sizeof names / sizeof names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			c->kind = i;
	if ((int)c->kind < 0 || !json_is_object(params))
		return load_error(e, "contrôle personnalisé « %s »", name ? name : "?");
	if (column_param(s, params, "column", &c->col, e) < 0)
		return -1;
	json_t *list = json_object_get(params, c->kind == C_COHESIVE ? "othercolumns" : "columns");
	switch (c->kind) {
	case C_YEAR_INTERVAL: {
		const char *y = json_string_value(json_object_get(params, "allow-year-only"));
		c->allow_year_only = y && (strcmp(y, "yes") == 0 || strcmp(y, "true") == 0);
		break;
	}
	case C_COMPARE: {
		const char *op = json_string_value(json_object_get(params, "op"));
		static const char *const ops[] = { ">", ">=", "==", "<=", "<" };
		c->op = -1;
		for (int i = 0; op && i < 5; i++)
			if (strcmp(op, ops[i]) == 0)
				c->op = i;
		if (c->op < 0)
			return load_error(e, "opérateur « %s »", op ? op : "?");
		if (column_param(s, params, "column2", &c->cols[0], e) < 0)
			return -1;
		c->n_cols = 1;
		break;
	}
	case C_COHESIVE:
	case C_SUM: {
		size_t i;
		json_t *v;
		if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > SCDL_MAX_COLS)
			return load_error(e, "liste de colonnes de « %s »", name);
		json_array_foreach(list, i, v) {
			if ((c->cols[i] = field_index(s, json_string_value(v))) < 0)
				return load_error(e, "colonne inconnue « %s » dans « %s »",
						  json_string_value(v) ? json_string_value(v) : "?", name);
		}
		c->n_cols = (int)json_array_size(list);
		break;
	}
	default:
		break;
	}
	s->n_checks++;
	return 0;
}

/* The DELIB_MATIERE_CODE description lists the codes: « '1.1' à '1.7', … '8.1' à 8.9', … ».
 * Reads every "A.B … à … A.C" range from it (quotes optional). */
static void load_matiere_ranges(struct scdl_schema *s)
{
	int code = field_index(s, "DELIB_MATIERE_CODE");
	if (code < 0)
		return;
	const char *p = s->fields[code].description;
	while ((p = strstr(p, " à ")) && s->n_ranges < 16) {
		const char *l = p, *r = p + 4;   /* " à " is 4 bytes in UTF-8 */
		while (l > s->fields[code].description && (l[-1] == '\'' || isdigit((unsigned char)l[-1]) || l[-1] == '.'))
			l--;
		while (*r == '\'')
			r++;
		int a1, b1, a2, b2;
		if (sscanf(l, "'%d.%d", &a1, &b1) == 2 || sscanf(l, "%d.%d", &a1, &b1) == 2) {
			if (sscanf(r, "%d.%d", &a2, &b2) == 2 && a1 == a2 && a1 >= 1 && a1 <= 9) {
				s->ranges[s->n_ranges].level1 = a1;
				s->ranges[s->n_ranges].lo = b1;
				s->ranges[s->n_ranges].hi = b2;
				s->n_ranges++;
			}
		}
		p = r;
	}
	s->matiere_code = code;
}

struct scdl_schema *scdl_schema_load(const char *path, struct err *e)
{
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	struct scdl_schema *s = NULL;
	if (!root) {
		err_set(e, 422, "scdl.schema", "schéma illisible (%s) : %s, ligne %d", path, je.text, je.line);
		return NULL;
	}
	json_t *fields = json_object_get(root, "fields"), *checks = json_object_get(root, "custom_checks");
	if (!json_is_array(fields) || json_array_size(fields) == 0 || json_array_size(fields) > SCDL_MAX_FIELDS ||
	    (checks && (!json_is_array(checks) || json_array_size(checks) > SCDL_MAX_CHECKS))) {
		load_error(e, "« fields » ou « custom_checks » absents ou trop nombreux");
		goto out;
	}
	s = xcalloc(1, sizeof *s);
	s->matiere_code = -1;
	size_t i;
	json_t *v;
	json_array_foreach(fields, i, v) {
		s->n = i + 1;
		if (load_field(&s->fields[i], v, e) < 0)
			goto fail;
	}
	json_array_foreach(checks, i, v) {
		if (load_check(s, v, e) < 0)
			goto fail;
	}
	load_matiere_ranges(s);
	goto out;
fail:
	scdl_schema_free(s);
	s = NULL;
out:
	json_decref(root);
	return s;
}

void scdl_schema_free(struct scdl_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->fields[i].name);
		free(s->fields[i].description);
		free(s->fields[i].pattern);
		if (s->fields[i].has_re)
			regfree(&s->fields[i].re);
		json_decref(s->fields[i].enum_);
	}
	free(s);
}

size_t scdl_schema_nfields(const struct scdl_schema *s)
{
	return s->n;
}

const char *scdl_schema_field(const struct scdl_schema *s, size_t i)
{
	return i < s->n ? s->fields[i].name : NULL;
}
