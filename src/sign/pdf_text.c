/* pdf_text: finds a text tag ("#signature#", "#cachet#") in the pages' content streams. A small
 * interpreter follows the text state (cm, q/Q, BT, Tf, Tm, Td, TD, T*, TL, Tc, Tw, Tz, Ts, Tj, TJ,
 * ', ") and decodes shown strings through each font's /ToUnicode CMap (1-byte simple fonts,
 * 2-byte Type0), placing each character with the font's widths. Text in form XObjects is not read. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sign/pades_priv.h"

#define MAX_CONTENT (32u * 1024 * 1024)

struct font {
	const char *name;
	int two_bytes;
	unsigned *uni;            /* code → Unicode (0 = unknown) */
	size_t n_uni;
	double *w;                /* code → width /1000 */
	size_t n_w;
	double dw;
};

struct glyph {
	double x, y, size;
};

struct tstate {
	double ctm[6], tm[6], tlm[6];
	double tc, tw, th, tl, rise, size;
	struct font *font;
};

/* r = a × b (PDF row-vector convention). */
static void mul(const double a[6], const double b[6], double r[6])
{
	double t[6] = { a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
			a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5] };
	memcpy(r, t, sizeof t);
}

static void cmap_set(struct font *f, unsigned code, unsigned u)
{
	if (code >= 65536)
		return;
	if (code >= f->n_uni) {
		size_t n = code + 256;
		f->uni = xrealloc(f->uni, n * sizeof *f->uni);
		memset(f->uni + f->n_uni, 0, (n - f->n_uni) * sizeof *f->uni);
		f->n_uni = n;
	}
	f->uni[code] = u;
}

static unsigned str_code(const struct pdf_obj *s)
{
	unsigned v = 0;
	for (size_t i = 0; i < s->len && i < 4; i++)
		v = v << 8 | (unsigned char)s->s[i];
	return v;
}

/* First code point of a UTF-16BE string. */
static unsigned utf16_first(const struct pdf_obj *s)
{
	if (s->len < 2)
		return s->len ? (unsigned char)s->s[0] : 0;
	unsigned hi = (unsigned char)s->s[0] << 8 | (unsigned char)s->s[1];
	if (hi >= 0xd800 && hi < 0xdc00 && s->len >= 4) {
		unsigned lo = (unsigned char)s->s[2] << 8 | (unsigned char)s->s[3];
		return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	}
	return hi;
}

/* bfchar / bfrange sections of a ToUnicode CMap. */
static void parse_cmap(struct pdf *d, struct font *f, const buf *cm)
{
	const unsigned char *p = (const unsigned char *)cm->data;
	size_t i = 0, end = cm->len;
	int mode = 0;   /* 1 bfchar, 2 bfrange */
	struct pdf_obj *ops[3];
	int n = 0;
	while (i < end) {
		pdf_skip_ws(p, &i, end);
		if (i >= end)
			break;
		size_t before = i;
		struct pdf_obj *o = pdf_parse_obj(d->a, p, &i, end, 0);
		if (o) {
			if (n < 3)
				ops[n++] = o;
			if (mode == 1 && n == 2 && ops[0]->kind == PDF_STR && ops[1]->kind == PDF_STR) {
				cmap_set(f, str_code(ops[0]), utf16_first(ops[1]));
				n = 0;
			} else if (mode == 2 && n == 3 && ops[0]->kind == PDF_STR && ops[1]->kind == PDF_STR) {
				unsigned lo = str_code(ops[0]), hi = str_code(ops[1]);
				for (unsigned c = lo; c <= hi && c - lo < 65536; c++) {
					if (ops[2]->kind == PDF_STR)
						cmap_set(f, c, utf16_first(ops[2]) + (c - lo));
					else if (ops[2]->kind == PDF_ARRAY && c - lo < ops[2]->n && ops[2]->items[c - lo]->kind == PDF_STR)
						cmap_set(f, c, utf16_first(ops[2]->items[c - lo]));
				}
				n = 0;
			}
			continue;
		}
		i = before;
		while (i < end && !strchr(" \t\r\n\f/<>[]()%", p[i]))
			i++;
		size_t kl = i - before;
		if (kl == 0) {
			i++;
			continue;
		}
		n = 0;
		if (kl == 11 && memcmp(p + before, "beginbfchar", 11) == 0)
			mode = 1;
		else if (kl == 12 && memcmp(p + before, "beginbfrange", 12) == 0)
			mode = 2;
		else if (kl >= 5 && memcmp(p + before, "endbf", 5) == 0)
			mode = 0;
	}
}

static void widths(struct pdf *d, struct font *f, struct pdf_obj *fd)
{
	if (!f->two_bytes) {
		struct pdf_obj *w = pdf_dict(d, fd, "Widths");
		int first = (int)pdf_num(pdf_dict(d, fd, "FirstChar"));
		if (!w || w->kind != PDF_ARRAY || first < 0 || first > 255)
			return;
		f->n_w = 256;
		f->w = xcalloc(256, sizeof *f->w);
		for (size_t i = 0; i < w->n && first + i < 256; i++)
			f->w[first + i] = pdf_num(pdf_resolve(d, w->items[i])) / 1000;
		return;
	}
	struct pdf_obj *desc = pdf_dict(d, fd, "DescendantFonts");
	struct pdf_obj *cid = desc && desc->kind == PDF_ARRAY && desc->n ? pdf_resolve(d, desc->items[0]) : NULL;
	struct pdf_obj *dw = pdf_dict(d, cid, "DW"), *w = pdf_dict(d, cid, "W");
	f->dw = dw ? pdf_num(dw) / 1000 : 1;
	f->n_w = 65536;
	f->w = xmalloc(65536 * sizeof *f->w);
	for (size_t i = 0; i < 65536; i++)
		f->w[i] = f->dw;
	for (size_t i = 0; w && w->kind == PDF_ARRAY && i + 1 < w->n;) {
		int c = (int)pdf_num(pdf_resolve(d, w->items[i]));
		struct pdf_obj *nx = pdf_resolve(d, w->items[i + 1]);
		if (nx && nx->kind == PDF_ARRAY) {
			for (size_t k = 0; k < nx->n && c + k < 65536 && c >= 0; k++)
				f->w[c + k] = pdf_num(pdf_resolve(d, nx->items[k])) / 1000;
			i += 2;
		} else if (i + 2 < w->n) {
			int c2 = (int)pdf_num(nx);
			double v = pdf_num(pdf_resolve(d, w->items[i + 2])) / 1000;
			for (int k = c; k <= c2 && k >= 0 && k < 65536; k++)
				f->w[k] = v;
			i += 3;
		} else {
			break;
		}
	}
}

static struct font *load_font(struct pdf *d, struct pdf_obj *fd, const char *name)
{
	struct font *f = arena_alloc(d->a, sizeof *f);
	memset(f, 0, sizeof *f);
	f->name = name;
	f->dw = 0.5;
	f->two_bytes = pdf_is_name(pdf_dict(d, fd, "Subtype"), "Type0");
	struct pdf_obj *tu = pdf_dict(d, fd, "ToUnicode");
	if (tu && tu->kind == PDF_STREAM) {
		buf cm = BUF_INIT;
		if (pdf_stream_decode(d, tu, &cm, 1 << 22) == 0)
			parse_cmap(d, f, &cm);
		buf_free(&cm);
	}
	widths(d, f, fd);
	return f;
}

struct scan {
	struct pdf *d;
	struct pdf_obj *fonts;   /* page /Resources /Font */
	struct font *cache[32];
	int n_cache;
	buf text;                /* UTF-8 text of the page */
	struct glyph *g;         /* position of each byte's character start */
	size_t n_g, cap_g;
};

static void emit(struct scan *s, unsigned u, const struct tstate *t)
{
	double o[6] = { 1, 0, 0, 1, 0, t->rise }, trm[6], m[6];
	mul(o, t->tm, m);
	mul(m, t->ctm, trm);
	double scale = sqrt(t->tm[2] * t->tm[2] + t->tm[3] * t->tm[3]) * sqrt(t->ctm[2] * t->ctm[2] + t->ctm[3] * t->ctm[3]);
	char tmp[4];
	int n = 0;
	if (u < 0x80)
		tmp[n++] = (char)u;
	else if (u < 0x800)
		tmp[n++] = (char)(0xc0 | u >> 6), tmp[n++] = (char)(0x80 | (u & 0x3f));
	else
		tmp[n++] = (char)(0xe0 | (u >> 12 & 0x0f)), tmp[n++] = (char)(0x80 | (u >> 6 & 0x3f)), tmp[n++] = (char)(0x80 | (u & 0x3f));
	for (int i = 0; i < n; i++) {
		if (s->n_g == s->cap_g) {
			s->cap_g = s->cap_g ? 2 * s->cap_g : 1024;
			s->g = xrealloc(s->g, s->cap_g * sizeof *s->g);
		}
		s->g[s->n_g++] = (struct glyph){ trm[4], trm[5], t->size * scale };
	}
	buf_add(&s->text, tmp, (size_t)n);
}

static void show(struct scan *s, struct tstate *t, const struct pdf_obj *str)
{
	struct font *f = t->font;
	int step = f && f->two_bytes ? 2 : 1;
	for (size_t i = 0; i + (size_t)step <= str->len; i += (size_t)step) {
		unsigned code = step == 2 ? ((unsigned char)str->s[i] << 8 | (unsigned char)str->s[i + 1]) : (unsigned char)str->s[i];
		unsigned u = f && code < f->n_uni && f->uni[code] ? f->uni[code] : (step == 1 ? code : 0xfffd);
		emit(s, u, t);
		double w = f && code < f->n_w ? f->w[code] : (f ? f->dw : 0.5);
		double tx = (w * t->size + t->tc + (step == 1 && code == 32 ? t->tw : 0)) * t->th;
		double tr[6] = { 1, 0, 0, 1, tx, 0 };
		mul(tr, t->tm, t->tm);
	}
}

static struct font *font_named(struct scan *s, const char *name)
{
	for (int i = 0; i < s->n_cache; i++)
		if (strcmp(s->cache[i]->name, name) == 0)
			return s->cache[i];
	struct pdf_obj *fd = pdf_dict(s->d, s->fonts, name);
	if (!fd || fd->kind != PDF_DICT || s->n_cache == 32)
		return NULL;
	return s->cache[s->n_cache++] = load_font(s->d, fd, arena_strdup(s->d->a, name));
}

static void newline(struct tstate *t, double tx, double ty)
{
	double tr[6] = { 1, 0, 0, 1, tx, ty };
	mul(tr, t->tlm, t->tlm);
	memcpy(t->tm, t->tlm, sizeof t->tm);
}

/* Runs one operator with its operands. */
static void op(struct scan *s, struct tstate *st, int *sp, const char *k, struct pdf_obj **a, int n)
{
	struct tstate *t = &st[*sp];
#define NUM(i) (n > (i) ? pdf_num(a[i]) : 0)
	if (!strcmp(k, "q") && *sp < 31) {
		st[*sp + 1] = *t;
		(*sp)++;
	} else if (!strcmp(k, "Q") && *sp > 0) {
		(*sp)--;
	} else if (!strcmp(k, "cm") && n >= 6) {
		double m[6] = { NUM(0), NUM(1), NUM(2), NUM(3), NUM(4), NUM(5) };
		mul(m, t->ctm, t->ctm);
	} else if (!strcmp(k, "BT")) {
		double id[6] = { 1, 0, 0, 1, 0, 0 };
		memcpy(t->tm, id, sizeof id);
		memcpy(t->tlm, id, sizeof id);
	} else if (!strcmp(k, "Tf") && n >= 2 && a[0]->kind == PDF_NAME) {
		t->font = font_named(s, a[0]->s);
		t->size = NUM(1);
	} else if (!strcmp(k, "Tm") && n >= 6) {
		double m[6] = { NUM(0), NUM(1), NUM(2), NUM(3), NUM(4), NUM(5) };
		memcpy(t->tm, m, sizeof m);
		memcpy(t->tlm, m, sizeof m);
	} else if (!strcmp(k, "Td") && n >= 2) {
		newline(t, NUM(0), NUM(1));
	} else if (!strcmp(k, "TD") && n >= 2) {
		t->tl = -NUM(1);
		newline(t, NUM(0), NUM(1));
	} else if (!strcmp(k, "T*")) {
		newline(t, 0, -t->tl);
	} else if (!strcmp(k, "TL")) {
		t->tl = NUM(0);
	} else if (!strcmp(k, "Tc")) {
		t->tc = NUM(0);
	} else if (!strcmp(k, "Tw")) {
		t->tw = NUM(0);
	} else if (!strcmp(k, "Tz")) {
		t->th = NUM(0) / 100;
	} else if (!strcmp(k, "Ts")) {
		t->rise = NUM(0);
	} else if ((!strcmp(k, "Tj") || !strcmp(k, "'")) && n >= 1 && a[n - 1]->kind == PDF_STR) {
		if (k[0] == '\'')
			newline(t, 0, -t->tl);
		show(s, t, a[n - 1]);
	} else if (!strcmp(k, "\"") && n >= 3 && a[2]->kind == PDF_STR) {
		t->tw = NUM(0);
		t->tc = NUM(1);
		newline(t, 0, -t->tl);
		show(s, t, a[2]);
	} else if (!strcmp(k, "TJ") && n >= 1 && a[0]->kind == PDF_ARRAY) {
		for (size_t i = 0; i < a[0]->n; i++) {
			struct pdf_obj *x = a[0]->items[i];
			if (x->kind == PDF_STR) {
				show(s, t, x);
			} else if (x->kind == PDF_NUM) {
				double tr[6] = { 1, 0, 0, 1, -x->num / 1000 * t->size * t->th, 0 };
				mul(tr, t->tm, t->tm);
			}
		}
	}
#undef NUM
}

/* Interprets one decoded content stream. */
static void run(struct scan *s, const unsigned char *p, size_t len)
{
	struct tstate st[32];
	int sp = 0;
	memset(&st[0], 0, sizeof st[0]);
	double id[6] = { 1, 0, 0, 1, 0, 0 };
	memcpy(st[0].ctm, id, sizeof id);
	st[0].th = 1;
	struct pdf_obj *args[8];
	int n = 0;
	size_t i = 0;
	while (i < len) {
		pdf_skip_ws(p, &i, len);
		if (i >= len)
			break;
		size_t before = i;
		struct pdf_obj *o = pdf_parse_obj(s->d->a, p, &i, len, 0);
		if (o) {
			if (n < 8)
				args[n++] = o;
			continue;
		}
		i = before;
		while (i < len && !strchr(" \t\r\n\f/<>[]()%", p[i]))
			i++;
		if (i == before) {   /* stray delimiter */
			i++;
			n = 0;
			continue;
		}
		char k[8];
		size_t kl = i - before < sizeof k - 1 ? i - before : sizeof k - 1;
		memcpy(k, p + before, kl);
		k[kl] = 0;
		if (!strcmp(k, "BI")) {   /* inline image: skip to EI */
			while (i + 2 < len && !(p[i] == 'E' && p[i + 1] == 'I' && strchr(" \t\r\n", p[i - 1]) &&
						strchr(" \t\r\n", p[i + 2])))
				i++;
			i += 2;
		} else {
			op(s, st, &sp, k, args, n);
		}
		n = 0;
	}
}

/* Page text into s (content streams concatenated). */
static int page_text(struct scan *s, struct pdf_obj *page)
{
	struct pdf *d = s->d;
	struct pdf_obj *res = pdf_page_attr(d, page, "Resources");
	s->fonts = pdf_dict(d, res, "Font");
	s->n_cache = 0;
	struct pdf_obj *c = pdf_dict(d, page, "Contents");
	struct pdf_obj *one[1] = { c };
	struct pdf_obj **list = c && c->kind == PDF_ARRAY ? c->items : one;
	size_t n = c && c->kind == PDF_ARRAY ? c->n : (c ? 1 : 0);
	buf all = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		struct pdf_obj *st = pdf_resolve(d, list[i]);
		if (st && st->kind == PDF_STREAM && pdf_stream_decode(d, st, &all, MAX_CONTENT) < 0) {
			buf_free(&all);
			return -1;
		}
		buf_putc(&all, '\n');
	}
	run(s, (const unsigned char *)all.data, all.len);
	buf_free(&all);
	for (int i = 0; i < s->n_cache; i++) {
		free(s->cache[i]->uni);
		free(s->cache[i]->w);
	}
	return 0;
}

int pdf_find_tag(struct pdf *d, const char *tag, int *page, double *x, double *y, double *size)
{
	struct scan s = { .d = d };
	int found = 0;
	for (int p = 0; p < d->pages_n && !found; p++) {
		buf_reset(&s.text);
		s.n_g = 0;
		struct pdf_obj *pg = pdf_get(d, d->pages[p]);
		if (!pg || page_text(&s, pg) < 0) {
			found = -1;
			break;
		}
		const char *hit = s.text.data ? strstr(s.text.data, tag) : NULL;
		if (hit) {
			struct glyph *g = &s.g[hit - s.text.data];
			*page = p;
			*x = g->x;
			*y = g->y;
			*size = g->size;
			found = 1;
		}
	}
	buf_free(&s.text);
	free(s.g);
	return found;
}
