/* pdf: the diagnostic on A4 pages with cairo + pango — the same sections, tables and charts as the
 * HTML (charts are vector drawings of chart.c's layout), page numbers in the footer. */
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "egalite/egalite_priv.h"

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 42.0
#define PAD 3.0
#define WIDTH (PAGE_W - 2 * MARGIN)

struct pdf {
	cairo_t *cr;
	PangoFontDescription *font;
	double y;
	int page;
	const char *footer;
};

static PangoLayout *layout(struct pdf *p, const char *text, double size, int bold, double width)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	pango_font_description_set_absolute_size(p->font, size * PANGO_SCALE);
	pango_font_description_set_weight(p->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, p->font);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_text(l, text, -1);
	return l;
}

static double text_h(struct pdf *p, const char *text, double size, int bold, double width)
{
	PangoLayout *l = layout(p, text, size, bold, width);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return (double)h / PANGO_SCALE;
}

static void text_at(struct pdf *p, const char *text, double size, int bold, double x, double y, double width,
		    PangoAlignment align)
{
	PangoLayout *l = layout(p, text, size, bold, width);
	pango_layout_set_alignment(l, align);
	cairo_set_source_rgb(p->cr, 0.1, 0.1, 0.1);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
}

static void new_page(struct pdf *p)
{
	if (p->page > 0) {
		char f[400];
		snprintf(f, sizeof f, "%s — page %d", p->footer, p->page);
		text_at(p, f, 8, 0, MARGIN, PAGE_H - MARGIN + 12, WIDTH, PANGO_ALIGN_RIGHT);
		cairo_show_page(p->cr);
	}
	p->page++;
	p->y = MARGIN;
}

static void ensure(struct pdf *p, double h)
{
	if (p->y + h > PAGE_H - MARGIN)
		new_page(p);
}

static void para(struct pdf *p, const char *text, double size, int bold, double before, double after)
{
	double h = text_h(p, text, size, bold, WIDTH);
	ensure(p, before + h + (bold ? 40 : 0));   /* a heading keeps some of what follows */
	p->y += before;
	text_at(p, text, size, bold, MARGIN, p->y, WIDTH, PANGO_ALIGN_LEFT);
	p->y += h + after;
}

static void set_rgb(cairo_t *cr, const char *hex)
{
	unsigned v = (unsigned)strtoul(hex + 1, NULL, 16);
	cairo_set_source_rgb(cr, (v >> 16 & 255) / 255.0, (v >> 8 & 255) / 255.0, (v & 255) / 255.0);
}

static double col_x(const struct eg_table *t, int c, double *w)
{
	double first = t->n_cols > 4 ? 0.28 : 0.4, rest = (1 - first) / (t->n_cols - 1);
	*w = (c == 0 ? first : rest) * WIDTH;
	return MARGIN + (c == 0 ? 0 : (first + rest * (c - 1)) * WIDTH);
}

static void table_row(struct pdf *p, const struct eg_table *t, int r)
{
	int head = r < 0, total = r >= t->n_rows - t->total_rows;
	double h = 0, w;
	for (int c = 0; c < t->n_cols; c++) {
		const char *s = head ? (c ? t->head[c - 1] : t->corner)
				     : (c ? t->cells[r * (t->n_cols - 1) + c - 1].text : t->row_label[r]);
		col_x(t, c, &w);
		double ch = text_h(p, s, 9, head || total, w - 2 * PAD);
		h = ch > h ? ch : h;
	}
	h += 2 * PAD;
	if (!head && p->y + h > PAGE_H - MARGIN) {
		new_page(p);
		table_row(p, t, -1);
	}
	for (int c = 0; c < t->n_cols; c++) {
		double x = col_x(t, c, &w);
		const char *s = head ? (c ? t->head[c - 1] : t->corner)
				     : (c ? t->cells[r * (t->n_cols - 1) + c - 1].text : t->row_label[r]);
		if (head || total) {
			cairo_set_source_rgb(p->cr, head ? 0.925 : 0.965, head ? 0.925 : 0.965, head ? 0.95 : 0.98);
			cairo_rectangle(p->cr, x, p->y, w, h);
			cairo_fill(p->cr);
		}
		cairo_set_source_rgb(p->cr, 0.72, 0.72, 0.77);
		cairo_set_line_width(p->cr, 0.5);
		cairo_rectangle(p->cr, x, p->y, w, h);
		cairo_stroke(p->cr);
		text_at(p, s, 9, head || total, x + PAD, p->y + PAD, w - 2 * PAD,
			c && !head ? PANGO_ALIGN_RIGHT : c ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
	}
	p->y += h;
}

static void table(struct pdf *p, const struct eg_table *t)
{
	ensure(p, 24 + 18 * (t->n_rows + 1));   /* a table stays on one page when it can */
	para(p, t->caption, 10, 1, 6, 3);
	table_row(p, t, -1);
	for (int r = 0; r < t->n_rows; r++)
		table_row(p, t, r);
	p->y += 4;
	if (t->note)
		para(p, t->note, 8, 0, 0, 4);
}

static void chart(struct pdf *p, const struct eg_chart *c)
{
	struct eg_drawing d;
	eg_chart_draw(c, &d);
	double k = WIDTH * 0.85 / d.w, x0 = MARGIN + WIDTH * 0.075;
	ensure(p, d.h * k + 26);
	p->y += 6;
	cairo_save(p->cr);
	cairo_translate(p->cr, x0, p->y);
	cairo_scale(p->cr, k, k);
	for (int i = 0; i < d.n; i++) {
		const struct eg_prim *q = &d.p[i];
		set_rgb(p->cr, eg_colors[q->color]);
		if (q->kind == EG_P_RECT) {
			cairo_rectangle(p->cr, q->x, q->y, q->w, q->h);
			cairo_fill(p->cr);
		} else if (q->kind == EG_P_LINE) {
			cairo_set_line_width(p->cr, 0.8);
			cairo_move_to(p->cr, q->x, q->y);
			cairo_line_to(p->cr, q->x + q->w, q->y + q->h);
			cairo_stroke(p->cr);
		} else {
			PangoLayout *l = layout(p, q->text, q->size, q->bold, 0);
			PangoRectangle ink, log;
			pango_layout_get_pixel_extents(l, &ink, &log);
			double bx = q->x - (q->anchor == 1 ? log.width / 2.0 : q->anchor == 2 ? log.width : 0);
			double by = q->y - pango_layout_get_baseline(l) / (double)PANGO_SCALE;
			set_rgb(p->cr, eg_colors[3]);
			cairo_move_to(p->cr, bx, by);
			pango_cairo_show_layout(p->cr, l);
			g_object_unref(l);
		}
	}
	cairo_restore(p->cr);
	p->y += d.h * k;
	para(p, c->title, 8, 0, 2, 8);
	eg_drawing_free(&d);
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static void body(struct pdf *p, const struct eg_view *v)
{
	para(p, v->title, 17, 1, 0, 4);
	para(p, v->subtitle, 10, 0, 0, 10);
	for (int i = 0; i < v->n; i++) {
		const struct eg_section *s = &v->s[i];
		ensure(p, 160);   /* a section title keeps the start of its section */
		para(p, s->title, 13, 1, 12, 4);
		if (s->intro)
			para(p, s->intro, 9, 0, 0, 4);
		for (int k = 0; k < s->n_tables; k++) {
			table(p, &s->tables[k]);
			for (int c = 0; c < s->n_charts; c++)
				if (s->charts[c].table == k)
					chart(p, &s->charts[c]);
		}
	}
	para(p, "Méthode", 13, 1, 12, 4);
	for (int i = 0; i < v->n_method; i++) {
		char line[700];
		snprintf(line, sizeof line, "• %s", v->method[i]);
		para(p, line, 9, 0, 0, 3);
	}
}

int egalite_pdf(const struct egalite_report *r, const char *prev_json, buf *out, struct err *e)
{
	struct eg_view *v = eg_view_build(r, prev_json, e);
	if (!v)
		return -1;
	cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(to_buf, out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, v->title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, v->subtitle);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Opale");
	struct pdf p = { cairo_create(surface), pango_font_description_from_string("DejaVu Sans"), 0, 0, v->subtitle };
	new_page(&p);
	body(&p, v);
	char f[400];
	snprintf(f, sizeof f, "%s — page %d", p.footer, p.page);
	text_at(&p, f, 8, 0, MARGIN, PAGE_H - MARGIN + 12, WIDTH, PANGO_ALIGN_RIGHT);
	cairo_show_page(p.cr);
	pango_font_description_free(p.font);
	cairo_destroy(p.cr);
	cairo_surface_finish(surface);
	cairo_status_t st = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	eg_view_free(v);
	if (st != CAIRO_STATUS_SUCCESS)
		return err_set(e, 500, "egalite.pdf", "production du PDF impossible : %s", cairo_status_to_string(st));
	return 0;
}
