/* stamp: the visible signature appearance. The stamp's lines (name, role, collectivité, date and time
 * in Paris, « En l'absence de … ») are drawn by cairo + pango as a one-page PDF with subset fonts, so
 * accents are right (stamp_draw.c, in the rendering plugin: src/rendu/loader.c); that page is then
 * imported into the signed PDF as a form XObject (objects renumbered). */
#include <stdio.h>
#include <string.h>

#include "sign/pades_priv.h"
#include "sign/sign_priv.h"

#define STAMP_W 220.0

/* Offset of Europe/Paris from UTC at t: CEST (+2) from the last Sunday of March 01:00 UTC to the
 * last Sunday of October 01:00 UTC, CET (+1) otherwise (EU rule since 1996). */
int sign_paris_offset(time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	int y = tm.tm_year + 1900;
	time_t bounds[2];
	int months[2] = { 2, 9 };
	for (int i = 0; i < 2; i++) {
		struct tm m = { .tm_year = y - 1900, .tm_mon = months[i], .tm_mday = 31, .tm_hour = 1 };
		time_t last = timegm(&m);
		struct tm w;
		gmtime_r(&last, &w);
		bounds[i] = last - (time_t)w.tm_wday * 86400;
	}
	return t >= bounds[0] && t < bounds[1] ? 2 : 1;
}

static int stamp_lines(const struct pades_ctx *c, struct stamp_line *l, char *date, size_t dn, char *absent, size_t an)
{
	const struct sign_opts *o = c->o;
	int n = 0;
	time_t local = c->t + 3600 * sign_paris_offset(c->t);
	struct tm tm;
	gmtime_r(&local, &tm);
	strftime(date, dn, "Le %d/%m/%Y à %H:%M:%S (heure de Paris)", &tm);
	l[n++] = (struct stamp_line){ "Signé électroniquement par", "DejaVu Sans 6.5" };
	l[n++] = (struct stamp_line){ c->signer, "DejaVu Sans Bold 9" };
	if (o->role && *o->role)
		l[n++] = (struct stamp_line){ o->role, "DejaVu Sans Oblique 7.5" };
	if (o->collectivite && *o->collectivite)
		l[n++] = (struct stamp_line){ o->collectivite, "DejaVu Sans 7.5" };
	if (o->absent_for && *o->absent_for) {
		snprintf(absent, an, "En l'absence de %s", o->absent_for);
		l[n++] = (struct stamp_line){ absent, "DejaVu Sans Oblique 7" };
	}
	l[n++] = (struct stamp_line){ date, "DejaVu Sans 6.5" };
	return n;
}

void pades_stamp_size(const struct pades_ctx *c, double *w, double *h)
{
	struct stamp_line l[8];
	char date[96], absent[320];
	int n = stamp_lines(c, l, date, sizeof date, absent, sizeof absent);
	*w = STAMP_W;
	*h = 2 * STAMP_PAD + STAMP_LINE_H * n + 2;
}

/* Object import with renumbering: map[old] = new number, queue of objects still to write. */
struct import {
	struct pdf *src;
	struct pades_ctx *c;
	int *map;
	int *queue, nq, head;
};

static void write_mapped(struct import *im, buf *b, const struct pdf_obj *o, int skip_length)
{
	if (o->kind == PDF_REF) {
		int r = o->ref > 0 && o->ref < im->src->size ? o->ref : 0;
		if (!r) {
			buf_puts(b, "null");
			return;
		}
		if (!im->map[r]) {
			im->map[r] = pdf_update_new_num(im->c->u);
			im->queue[im->nq++] = r;
		}
		buf_printf(b, "%d 0 R", im->map[r]);
		return;
	}
	if (o->kind == PDF_ARRAY) {
		buf_putc(b, '[');
		for (size_t i = 0; i < o->n; i++) {
			buf_putc(b, ' ');
			write_mapped(im, b, o->items[i], 0);
		}
		buf_putc(b, ']');
		return;
	}
	if (o->kind == PDF_DICT || o->kind == PDF_STREAM) {
		const struct pdf_obj *d = o->kind == PDF_STREAM ? o->dict : o;
		buf_puts(b, "<<");
		for (size_t i = 0; i + 1 < d->n; i += 2) {
			if ((skip_length && pdf_is_name(d->items[i], "Length")) || pdf_is_name(d->items[i], "Parent"))
				continue;
			pdf_write_obj(b, d->items[i]);
			buf_putc(b, ' ');
			write_mapped(im, b, d->items[i + 1], 0);
		}
		if (o->kind == PDF_STREAM)
			buf_printf(b, "/Length %zu", o->data_len);
		buf_puts(b, ">>");
		return;
	}
	pdf_write_obj(b, o);
}

static void write_queued(struct import *im)
{
	buf *out = im->c->u->out;
	while (im->head < im->nq) {
		int old = im->queue[im->head++];
		struct pdf_obj *o = pdf_get(im->src, old);
		pdf_update_obj_start(im->c->u, im->map[old], 0);
		if (!o) {
			buf_puts(out, "null");
		} else {
			write_mapped(im, out, o, 1);
			if (o->kind == PDF_STREAM) {
				buf_puts(out, "\nstream\n");
				buf_add(out, o->data, o->data_len);
				buf_puts(out, "\nendstream");
			}
		}
		pdf_update_obj_end(im->c->u);
	}
}

/* The form's matrix turns the upright stamp against the page rotation. */
static const char *form_matrix(int rotate, double w, double h, char *m, size_t n)
{
	switch (rotate) {
	case 90: snprintf(m, n, "[0 1 -1 0 %.2f 0]", h); break;
	case 180: snprintf(m, n, "[-1 0 0 -1 %.2f %.2f]", w, h); break;
	case 270: snprintf(m, n, "[0 -1 1 0 0 %.2f]", w); break;
	default: snprintf(m, n, "[1 0 0 1 0 0]");
	}
	return m;
}

int pades_stamp(struct pades_ctx *c, int *ap, struct err *e)
{
	buf pdfb = BUF_INIT, content = BUF_INIT;
	struct pdf src;
	struct err se = { 0 };
	int rc = -1;
	memset(&src, 0, sizeof src);
	struct stamp_line l[8];
	char date[96], absent[320];
	int n = stamp_lines(c, l, date, sizeof date, absent, sizeof absent);
	if (sign_stamp_draw(l, n, c->w, c->h, &pdfb, e) < 0)
		goto out;
	if (pdf_open(&src, pdfb.data, pdfb.len, &se) < 0 || pdf_load_pages(&src) < 1) {
		err_set(e, 500, "sign.stamp", "Tampon de signature illisible : %s", se.msg);
		goto out;
	}
	struct pdf_obj *page = pdf_get(&src, src.pages[0]);
	struct pdf_obj *contents = pdf_dict(&src, page, "Contents");
	struct pdf_obj *one[1] = { contents };
	struct pdf_obj **list = contents && contents->kind == PDF_ARRAY ? contents->items : one;
	size_t nlist = contents && contents->kind == PDF_ARRAY ? contents->n : 1;
	for (size_t i = 0; i < nlist; i++) {
		struct pdf_obj *s = pdf_resolve(&src, list[i]);
		if (!s || s->kind != PDF_STREAM || pdf_stream_decode(&src, s, &content, 1 << 24) < 0) {
			err_set(e, 500, "sign.stamp", "Contenu du tampon de signature illisible.");
			goto out;
		}
		buf_putc(&content, '\n');
	}
	struct import im = { .src = &src, .c = c };
	im.map = xcalloc((size_t)src.size + 1, sizeof *im.map);
	im.queue = xcalloc((size_t)src.size + 1, sizeof *im.queue);
	*ap = pdf_update_new_num(c->u);
	buf *o = c->u->out;
	char m[96];
	pdf_update_obj_start(c->u, *ap, 0);
	buf_printf(o, "<</Type/XObject/Subtype/Form/BBox[0 0 %.2f %.2f]/Matrix%s/Resources", c->w, c->h,
		   form_matrix(c->rotate, c->w, c->h, m, sizeof m));
	struct pdf_obj *res = pdf_page_attr(&src, page, "Resources");
	if (res)
		write_mapped(&im, o, res, 0);
	else
		buf_puts(o, "<<>>");
	buf_printf(o, "/Length %zu>>\nstream\n", content.len);
	buf_add(o, content.data, content.len);
	buf_puts(o, "\nendstream");
	pdf_update_obj_end(c->u);
	write_queued(&im);
	free(im.map);
	free(im.queue);
	rc = 0;
out:
	pdf_close(&src);
	buf_free(&pdfb);
	buf_free(&content);
	return rc;
}
