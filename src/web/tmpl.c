/* tmpl: mustache-subset renderer. Escaping is the default; raw output must be asked for. */
#include "web/tmpl.h"
#include "core/embed.h"

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 16

struct ctx {
	json_t *stack[MAX_DEPTH * 2];
	int n;
	int depth;
	struct err *e;
};

static json_t *lookup(struct ctx *c, const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return c->n ? c->stack[c->n - 1] : NULL;
	for (int i = c->n - 1; i >= 0; i--) {
		json_t *v = c->stack[i];
		const char *p = name, *end = name + len;
		int first = 1;
		while (v && p < end) {
			const char *dot = memchr(p, '.', (size_t)(end - p));
			size_t seg = dot ? (size_t)(dot - p) : (size_t)(end - p);
			if (!json_is_object(v)) {
				v = NULL;
				break;
			}
			v = json_object_getn(v, p, seg);
			if (first && !v)
				break;
			first = 0;
			p += seg + (dot ? 1 : 0);
		}
		if (v || !first)
			return v;
	}
	return NULL;
}

static int truthy(json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	return 1;
}

static void emit(buf *out, json_t *v, int raw)
{
	char num[64];
	const char *s = NULL;
	if (json_is_string(v))
		s = json_string_value(v);
	else if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = num;
	} else if (json_is_real(v)) {
		snprintf(num, sizeof num, "%g", json_real_value(v));
		s = num;
	} else if (json_is_true(v))
		s = "true";
	if (!s)
		return;
	if (raw)
		buf_puts(out, s);
	else
		buf_html(out, s);
}

/* Bounds a tag name: skips the sigil and surrounding spaces. */
static void tag_name(const char *t, const char *cl, int skip, const char **nm, size_t *nlen)
{
	const char *s = t + skip;
	while (s < cl && *s == ' ')
		s++;
	const char *e = cl;
	while (e > s && e[-1] == ' ')
		e--;
	*nm = s;
	*nlen = (size_t)(e - s);
}

/* Finds the matching {{/name}} for a section whose body starts at p; returns its start or NULL. */
static const char *find_close(const char *p, const char *end, const char *name, size_t nlen, const char **after)
{
	int level = 1;
	while (p < end) {
		const char *o = memmem(p, (size_t)(end - p), "{{", 2);
		if (!o)
			return NULL;
		const char *cl = memmem(o + 2, (size_t)(end - o - 2), "}}", 2);
		if (!cl)
			return NULL;
		char kind = o[2];
		if (kind == '#' || kind == '^' || kind == '/') {
			const char *nm;
			size_t l;
			tag_name(o + 2, cl, 1, &nm, &l);
			if (l == nlen && memcmp(nm, name, nlen) == 0) {
				if (kind != '/')
					level++;
				else if (--level == 0) {
					*after = cl + 2;
					return o;
				}
			}
		}
		p = cl + 2;
	}
	return NULL;
}

static int render(buf *out, const char *p, const char *end, struct ctx *c);

static int section(buf *out, char kind, const char *name, size_t nlen, const char *body, const char *bend, struct ctx *c)
{
	json_t *v = lookup(c, name, nlen);
	if (kind == '^')
		return truthy(v) ? 0 : render(out, body, bend, c);
	if (!truthy(v))
		return 0;
	if (c->n >= (int)(sizeof c->stack / sizeof c->stack[0]))
		return err_set(c->e, 500, "tmpl.depth", "Gabarit trop imbriqué.");
	if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) {
			c->stack[c->n++] = item;
			int rc = render(out, body, bend, c);
			c->n--;
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	c->stack[c->n++] = v;
	int rc = render(out, body, bend, c);
	c->n--;
	return rc;
}

static int partial(buf *out, const char *name, size_t nlen, struct ctx *c)
{
	char path[256];
	if (nlen > 200)
		return err_set(c->e, 500, "tmpl.partial", "Nom de gabarit trop long.");
	snprintf(path, sizeof path, "web/templates/%.*s.html", (int)nlen, name);
	const struct embedded_file *f = embed_find(path);
	if (!f)
		return err_set(c->e, 500, "tmpl.partial", "Gabarit inconnu : %s.", path);
	if (++c->depth > MAX_DEPTH)
		return err_set(c->e, 500, "tmpl.depth", "Inclusions de gabarits trop profondes.");
	int rc = render(out, f->data, f->data + f->len, c);
	c->depth--;
	return rc;
}

static int render(buf *out, const char *p, const char *end, struct ctx *c)
{
	while (p < end) {
		const char *o = memmem(p, (size_t)(end - p), "{{", 2);
		if (!o) {
			buf_add(out, p, (size_t)(end - p));
			break;
		}
		buf_add(out, p, (size_t)(o - p));
		int triple = o + 2 < end && o[2] == '{';
		const char *t = o + (triple ? 3 : 2);
		const char *cl = memmem(t, (size_t)(end - t), triple ? "}}}" : "}}", triple ? 3 : 2);
		if (!cl)
			return err_set(c->e, 500, "tmpl.syntax", "Balise de gabarit non fermée.");
		const char *after = cl + (triple ? 3 : 2);
		char kind = triple ? '&' : (t < cl ? *t : ' ');
		int sigil = kind == '#' || kind == '^' || kind == '/' || kind == '>' || kind == '!' || (kind == '&' && !triple);
		const char *nm;
		size_t nlen;
		tag_name(t, cl, sigil ? 1 : 0, &nm, &nlen);
		int rc = 0;
		switch (kind) {
		case '!':
			break;
		case '/':
			return err_set(c->e, 500, "tmpl.syntax", "Fermeture de section inattendue.");
		case '#':
		case '^': {
			const char *close_after;
			const char *close = find_close(after, end, nm, nlen, &close_after);
			if (!close)
				return err_set(c->e, 500, "tmpl.syntax", "Section « %.*s » non fermée.", (int)nlen, nm);
			rc = section(out, kind, nm, nlen, after, close, c);
			after = close_after;
			break;
		}
		case '>':
			rc = partial(out, nm, nlen, c);
			break;
		case '&':
			emit(out, lookup(c, nm, nlen), 1);
			break;
		default:
			emit(out, lookup(c, nm, nlen), 0);
		}
		if (rc < 0)
			return rc;
		p = after;
	}
	return 0;
}

int tmpl_render_text(buf *out, const char *src, size_t len, json_t *data, struct err *e)
{
	struct ctx c = { .n = 0, .depth = 0, .e = e };
	c.stack[c.n++] = data;
	buf_grow(out, 0);
	return render(out, src, src + len, &c);
}

int tmpl_render(buf *out, const char *name, json_t *data, struct err *e)
{
	char path[256];
	snprintf(path, sizeof path, "web/templates/%s.html", name);
	const struct embedded_file *f = embed_find(path);
	if (!f)
		return err_set(e, 500, "tmpl.unknown", "Gabarit inconnu : %s.", name);
	return tmpl_render_text(out, f->data, f->len, data, e);
}
