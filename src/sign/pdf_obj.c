/* pdf_obj: PDF object syntax — a strict parser (ISO 32000 §7.3) into arena objects, and the
 * serializer used to write the objects of an incremental update. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sign/pdf.h"

#define MAX_DEPTH 64

static int is_ws(unsigned char c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static int is_delim(unsigned char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' ||
	       c == '/' || c == '%';
}

static int is_regular(unsigned char c) { return !is_ws(c) && !is_delim(c); }

void pdf_skip_ws(const unsigned char *p, size_t *pos, size_t end)
{
	size_t i = *pos;
	while (i < end) {
		if (is_ws(p[i])) {
			i++;
		} else if (p[i] == '%') {
			while (i < end && p[i] != '\r' && p[i] != '\n')
				i++;
		} else {
			break;
		}
	}
	*pos = i;
}

long long pdf_read_uint(const unsigned char *p, size_t *pos, size_t end)
{
	size_t i = *pos;
	long long v = 0;
	if (i >= end || p[i] < '0' || p[i] > '9')
		return -1;
	while (i < end && p[i] >= '0' && p[i] <= '9') {
		if (v > 1000000000000LL)
			return -1;
		v = v * 10 + (p[i++] - '0');
	}
	if (i < end && is_regular(p[i]))
		return -1;
	*pos = i;
	return v;
}

int pdf_keyword(const unsigned char *p, size_t *pos, size_t end, const char *kw)
{
	size_t n = strlen(kw);
	if (*pos + n > end || memcmp(p + *pos, kw, n) != 0)
		return 0;
	if (*pos + n < end && is_regular(p[*pos + n]))
		return 0;
	*pos += n;
	return 1;
}

struct pdf_obj *pdf_new(arena *a, enum pdf_kind k)
{
	struct pdf_obj *o = arena_alloc(a, sizeof *o);
	memset(o, 0, sizeof *o);
	o->kind = k;
	return o;
}

struct pdf_obj *pdf_new_name(arena *a, const char *n)
{
	struct pdf_obj *o = pdf_new(a, PDF_NAME);
	o->s = arena_strdup(a, n);
	o->len = strlen(n);
	return o;
}

struct pdf_obj *pdf_new_ref(arena *a, int num, int gen)
{
	struct pdf_obj *o = pdf_new(a, PDF_REF);
	o->ref = num;
	o->gen = gen;
	return o;
}

struct pdf_obj *pdf_new_num(arena *a, double v)
{
	struct pdf_obj *o = pdf_new(a, PDF_NUM);
	o->num = v;
	o->is_int = v == (double)(long long)v;
	return o;
}

/* Growable item list during parsing. */
struct list {
	struct pdf_obj **v;
	size_t n, cap;
};

static void list_push(struct list *l, struct pdf_obj *o)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = o;
}

static void list_to(arena *a, struct list *l, struct pdf_obj *o)
{
	o->n = l->n;
	o->items = arena_alloc(a, (l->n ? l->n : 1) * sizeof *o->items);
	if (l->n)
		memcpy(o->items, l->v, l->n * sizeof *l->v);
	free(l->v);
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static struct pdf_obj *parse_literal(arena *a, const unsigned char *p, size_t *pos, size_t end)
{
	buf s = BUF_INIT;
	size_t i = *pos + 1;
	int depth = 1;
	while (i < end) {
		unsigned char c = p[i++];
		if (c == '\\') {
			if (i >= end)
				break;
			c = p[i++];
			static const char esc[] = "n\nr\rt\tb\bf\f((\\\\))";
			const char *m = NULL;
			for (const char *q = esc; *q; q += 2)
				if (*q == (char)c) {
					m = q;
					break;
				}
			if (m) {
				buf_putc(&s, m[1]);
			} else if (c >= '0' && c <= '7') {
				int v = c - '0';
				for (int k = 0; k < 2 && i < end && p[i] >= '0' && p[i] <= '7'; k++)
					v = v * 8 + (p[i++] - '0');
				buf_putc(&s, (char)v);
			} else if (c == '\r') {
				if (i < end && p[i] == '\n')
					i++;
			} else if (c != '\n') {
				buf_putc(&s, (char)c);
			}
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0)
			break;
		buf_putc(&s, (char)c);
	}
	if (depth != 0) {
		buf_free(&s);
		return NULL;
	}
	struct pdf_obj *o = pdf_new(a, PDF_STR);
	o->s = arena_alloc(a, s.len + 1);
	memcpy((char *)o->s, s.data ? s.data : "", s.len + 1);
	o->len = s.len;
	buf_free(&s);
	*pos = i;
	return o;
}

static struct pdf_obj *parse_hex(arena *a, const unsigned char *p, size_t *pos, size_t end)
{
	size_t i = *pos + 1, n = 0;
	char *out = NULL;
	size_t j = i;
	while (j < end && p[j] != '>')
		j++;
	if (j >= end)
		return NULL;
	out = arena_alloc(a, (j - i) / 2 + 2);
	int hi = -1;
	for (; i < j; i++) {
		if (is_ws(p[i]))
			continue;
		int v = hexval(p[i]);
		if (v < 0)
			return NULL;
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (char)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0)
		out[n++] = (char)(hi << 4);
	out[n] = 0;
	struct pdf_obj *o = pdf_new(a, PDF_STR);
	o->s = out;
	o->len = n;
	*pos = j + 1;
	return o;
}

static struct pdf_obj *parse_name(arena *a, const unsigned char *p, size_t *pos, size_t end)
{
	size_t i = *pos + 1, j = i;
	while (j < end && is_regular(p[j]))
		j++;
	char *s = arena_alloc(a, j - i + 1);
	size_t n = 0;
	for (; i < j; i++) {
		if (p[i] == '#' && i + 2 < j && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
			s[n++] = (char)(hexval(p[i + 1]) << 4 | hexval(p[i + 2]));
			i += 2;
		} else {
			s[n++] = (char)p[i];
		}
	}
	s[n] = 0;
	struct pdf_obj *o = pdf_new(a, PDF_NAME);
	o->s = s;
	o->len = n;
	*pos = j;
	return o;
}

static struct pdf_obj *parse_number(arena *a, const unsigned char *p, size_t *pos, size_t end)
{
	size_t i = *pos;
	char tmp[64];
	size_t n = 0;
	while (i < end && n < sizeof tmp - 1 && (p[i] == '+' || p[i] == '-' || p[i] == '.' || (p[i] >= '0' && p[i] <= '9')))
		tmp[n++] = (char)p[i++];
	tmp[n] = 0;
	if (n == 0 || (i < end && is_regular(p[i])))
		return NULL;
	struct pdf_obj *o = pdf_new(a, PDF_NUM);
	o->num = strtod(tmp, NULL);
	o->is_int = strchr(tmp, '.') == NULL;
	*pos = i;
	return o;
}

/* After an integer: "g R" makes it a reference. */
static struct pdf_obj *maybe_ref(arena *a, struct pdf_obj *num, const unsigned char *p, size_t *pos, size_t end)
{
	if (!num->is_int || num->num < 0)
		return num;
	size_t i = *pos;
	pdf_skip_ws(p, &i, end);
	long long g = pdf_read_uint(p, &i, end);
	if (g < 0 || g > 65535)
		return num;
	pdf_skip_ws(p, &i, end);
	if (!pdf_keyword(p, &i, end, "R"))
		return num;
	*pos = i;
	return pdf_new_ref(a, (int)num->num, (int)g);
}

static struct pdf_obj *parse_container(arena *a, const unsigned char *p, size_t *pos, size_t end, int depth,
				       int dict)
{
	struct list l = { 0 };
	size_t i = *pos + (dict ? 2 : 1);
	for (;;) {
		pdf_skip_ws(p, &i, end);
		if (i >= end)
			goto bad;
		if (!dict && p[i] == ']') {
			i++;
			break;
		}
		if (dict && p[i] == '>' && i + 1 < end && p[i + 1] == '>') {
			i += 2;
			break;
		}
		if (dict && l.n % 2 == 0 && p[i] != '/')
			goto bad;
		struct pdf_obj *o = pdf_parse_obj(a, p, &i, end, depth + 1);
		if (!o)
			goto bad;
		list_push(&l, o);
	}
	if (dict && l.n % 2)
		goto bad;
	struct pdf_obj *o = pdf_new(a, dict ? PDF_DICT : PDF_ARRAY);
	list_to(a, &l, o);
	*pos = i;
	return o;
bad:
	free(l.v);
	return NULL;
}

struct pdf_obj *pdf_parse_obj(arena *a, const unsigned char *p, size_t *pos, size_t end, int depth)
{
	if (depth > MAX_DEPTH)
		return NULL;
	pdf_skip_ws(p, pos, end);
	size_t i = *pos;
	if (i >= end)
		return NULL;
	unsigned char c = p[i];
	if (c == '/')
		return parse_name(a, p, pos, end);
	if (c == '(')
		return parse_literal(a, p, pos, end);
	if (c == '<')
		return i + 1 < end && p[i + 1] == '<' ? parse_container(a, p, pos, end, depth, 1) : parse_hex(a, p, pos, end);
	if (c == '[')
		return parse_container(a, p, pos, end, depth, 0);
	if (c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9')) {
		struct pdf_obj *n = parse_number(a, p, pos, end);
		return n ? maybe_ref(a, n, p, pos, end) : NULL;
	}
	if (pdf_keyword(p, pos, end, "true") || pdf_keyword(p, pos, end, "false")) {
		struct pdf_obj *o = pdf_new(a, PDF_BOOL);
		o->num = p[i] == 't';
		return o;
	}
	if (pdf_keyword(p, pos, end, "null"))
		return pdf_new(a, PDF_NULL);
	return NULL;
}

static void write_string(buf *b, const char *s, size_t n)
{
	buf_putc(b, '<');
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		buf_putc(b, hex[(unsigned char)s[i] >> 4]);
		buf_putc(b, hex[(unsigned char)s[i] & 15]);
	}
	buf_putc(b, '>');
}

static void write_name(buf *b, const char *s, size_t n)
{
	buf_putc(b, '/');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x21 || c > 0x7e || c == '#' || is_delim(c))
			buf_printf(b, "#%02X", c);
		else
			buf_putc(b, (char)c);
	}
}

void pdf_write_obj(buf *b, const struct pdf_obj *o)
{
	switch (o->kind) {
	case PDF_NULL: buf_puts(b, "null"); break;
	case PDF_BOOL: buf_puts(b, o->num ? "true" : "false"); break;
	case PDF_NUM:
		if (o->is_int)
			buf_printf(b, "%lld", (long long)o->num);
		else
			buf_printf(b, "%.6g", o->num);
		break;
	case PDF_NAME: write_name(b, o->s, o->len); break;
	case PDF_STR: write_string(b, o->s, o->len); break;
	case PDF_REF: buf_printf(b, "%d %d R", o->ref, o->gen); break;
	case PDF_ARRAY:
		buf_putc(b, '[');
		for (size_t i = 0; i < o->n; i++) {
			if (i)
				buf_putc(b, ' ');
			pdf_write_obj(b, o->items[i]);
		}
		buf_putc(b, ']');
		break;
	case PDF_DICT:
	case PDF_STREAM: {
		const struct pdf_obj *d = o->kind == PDF_STREAM ? o->dict : o;
		buf_puts(b, "<<");
		for (size_t i = 0; i + 1 < d->n; i += 2) {
			pdf_write_obj(b, d->items[i]);
			buf_putc(b, ' ');
			pdf_write_obj(b, d->items[i + 1]);
		}
		buf_puts(b, ">>");
		break;
	}
	}
}

void pdf_write_text(buf *b, const char *s)
{
	int ascii = 1;
	for (const unsigned char *q = (const unsigned char *)s; *q; q++)
		if (*q >= 0x80)
			ascii = 0;
	if (ascii) {
		buf_putc(b, '(');
		for (const char *q = s; *q; q++) {
			if (*q == '(' || *q == ')' || *q == '\\')
				buf_putc(b, '\\');
			buf_putc(b, *q);
		}
		buf_putc(b, ')');
		return;
	}
	buf_puts(b, "<FEFF");
	const unsigned char *q = (const unsigned char *)s;
	while (*q) {   /* UTF-8 → UTF-16BE; invalid bytes become U+FFFD */
		unsigned cp = 0xfffd;
		int n = 1;
		if (*q < 0x80)
			cp = *q;
		else if ((*q & 0xe0) == 0xc0 && (q[1] & 0xc0) == 0x80)
			cp = (*q & 0x1fu) << 6 | (q[1] & 0x3f), n = 2;
		else if ((*q & 0xf0) == 0xe0 && (q[1] & 0xc0) == 0x80 && (q[2] & 0xc0) == 0x80)
			cp = (*q & 0x0fu) << 12 | (q[1] & 0x3fu) << 6 | (q[2] & 0x3f), n = 3;
		else if ((*q & 0xf8) == 0xf0 && (q[1] & 0xc0) == 0x80 && (q[2] & 0xc0) == 0x80 && (q[3] & 0xc0) == 0x80)
			cp = (*q & 0x07u) << 18 | (q[1] & 0x3fu) << 12 | (q[2] & 0x3fu) << 6 | (q[3] & 0x3f), n = 4;
		q += n;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			buf_printf(b, "%04X%04X", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
		} else {
			buf_printf(b, "%04X", cp);
		}
	}
	buf_putc(b, '>');
}

void pdf_dict_set(arena *a, struct pdf_obj *d, const char *key, struct pdf_obj *v)
{
	for (size_t i = 0; i + 1 < d->n; i += 2)
		if (pdf_is_name(d->items[i], key)) {
			d->items[i + 1] = v;
			return;
		}
	struct pdf_obj **items = arena_alloc(a, (d->n + 2) * sizeof *items);
	if (d->n)
		memcpy(items, d->items, d->n * sizeof *items);
	items[d->n] = pdf_new_name(a, key);
	items[d->n + 1] = v;
	d->items = items;
	d->n += 2;
}

void pdf_array_push(arena *a, struct pdf_obj *arr, struct pdf_obj *v)
{
	struct pdf_obj **items = arena_alloc(a, (arr->n + 1) * sizeof *items);
	if (arr->n)
		memcpy(items, arr->items, arr->n * sizeof *items);
	items[arr->n++] = v;
	arr->items = items;
}
