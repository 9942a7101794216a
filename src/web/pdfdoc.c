/* pdfdoc: a small flow layout over cairo's PDF surface and pango. */
#include "web/pdfdoc.h"
#include "core/mem.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 56.0

struct pdfdoc {
	cairo_surface_t *surface;
	cairo_t *cr;
	double y;
	int page;
	char *footer;
};

static void footer(pdfdoc *d)
{
	char text[512];
	snprintf(text, sizeof text, "%s — page %d", d->footer, d->page);
	PangoLayout *l = pango_cairo_create_layout(d->cr);
	PangoFontDescription *f = pango_font_description_from_string("DejaVu Sans 7.5");
	pango_layout_set_font_description(l, f);
	pango_layout_set_text(l, text, -1);
	cairo_set_source_rgb(d->cr, 0.3, 0.3, 0.3);
	cairo_move_to(d->cr, MARGIN, PAGE_H - MARGIN / 2 - 8);
	pango_cairo_show_layout(d->cr, l);
	pango_font_description_free(f);
	g_object_unref(l);
}

static void new_page(pdfdoc *d)
{
	footer(d);
	cairo_show_page(d->cr);
	d->page++;
	d->y = MARGIN;
}

pdfdoc *pdfdoc_new(const char *path, const char *foot, struct err *e)
{
	cairo_surface_t *s = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		err_set(e, 500, "pdf.creation", "Création du PDF impossible : %s.", path);
		return NULL;
	}
	pdfdoc *d = xcalloc(1, sizeof *d);
	d->surface = s;
	d->cr = cairo_create(s);
	d->y = MARGIN;
	d->page = 1;
	d->footer = xstrdup(foot ? foot : "Opale");
	return d;
}

/* Lays out text in a box; returns its height. draw=0 only measures. */
static double text_box(pdfdoc *d, double x, double y, double w, const char *text, const char *font, int draw)
{
	PangoLayout *l = pango_cairo_create_layout(d->cr);
	PangoFontDescription *f = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, f);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, text ? text : "", -1);
	int pw, ph;
	pango_layout_get_size(l, &pw, &ph);
	if (draw) {
		cairo_set_source_rgb(d->cr, 0.1, 0.12, 0.16);
		cairo_move_to(d->cr, x, y);
		pango_cairo_show_layout(d->cr, l);
	}
	pango_font_description_free(f);
	g_object_unref(l);
	return (double)ph / PANGO_SCALE;
}

static void flow(pdfdoc *d, const char *text, const char *font, double before, double after)
{
	double w = PAGE_W - 2 * MARGIN;
	double h = text_box(d, MARGIN, 0, w, text, font, 0);
	if (d->y + before + h > PAGE_H - MARGIN)
		new_page(d);
	d->y += before;
	text_box(d, MARGIN, d->y, w, text, font, 1);
	d->y += h + after;
}

void pdfdoc_title(pdfdoc *d, const char *t) { flow(d, t, "DejaVu Sans Bold 16", 0, 10); }
void pdfdoc_heading(pdfdoc *d, const char *t) { flow(d, t, "DejaVu Sans Bold 11.5", 8, 4); }
void pdfdoc_para(pdfdoc *d, const char *t) { flow(d, t, "DejaVu Sans 9.5", 0, 5); }
void pdfdoc_space(pdfdoc *d, double pt) { d->y += pt; }

void pdfdoc_page_break(pdfdoc *d)
{
	if (d->y > MARGIN)
		new_page(d);
}

void pdfdoc_row(pdfdoc *d, int n, const double *widths, const char *const *cells, int header)
{
	double w = PAGE_W - 2 * MARGIN, pad = 3, h = 0;
	const char *font = header ? "DejaVu Sans Bold 8.5" : "DejaVu Sans 8.5";
	for (int i = 0; i < n; i++) {
		double ch = text_box(d, 0, 0, widths[i] * w - 2 * pad, cells[i], font, 0);
		if (ch > h)
			h = ch;
	}
	h += 2 * pad;
	if (d->y + h > PAGE_H - MARGIN)
		new_page(d);
	double x = MARGIN;
	for (int i = 0; i < n; i++) {
		double cw = widths[i] * w;
		if (header) {
			cairo_set_source_rgb(d->cr, 0.92, 0.93, 0.95);
			cairo_rectangle(d->cr, x, d->y, cw, h);
			cairo_fill(d->cr);
		}
		cairo_set_source_rgb(d->cr, 0.75, 0.77, 0.8);
		cairo_set_line_width(d->cr, 0.5);
		cairo_rectangle(d->cr, x, d->y, cw, h);
		cairo_stroke(d->cr);
		text_box(d, x + pad, d->y + pad, cw - 2 * pad, cells[i], font, 1);
		x += cw;
	}
	d->y += h;
}

int pdfdoc_finish(pdfdoc *d, struct err *e)
{
	footer(d);
	cairo_show_page(d->cr);
	cairo_destroy(d->cr);
	cairo_surface_finish(d->surface);
	int bad = cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(d->surface);
	free(d->footer);
	free(d);
	if (bad)
		return err_set(e, 500, "pdf.ecriture", "Écriture du PDF impossible.");
	return 0;
}
