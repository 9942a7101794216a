/* stamp_draw: the visible signature stamp drawn with cairo + pango as a one-page PDF (subset fonts, so
 * accents are right). Part of the rendering plugin (src/rendu/loader.c); stamp.c lays the lines out
 * and imports the page into the signed PDF. */
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "sign/pades_priv.h"

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

int sign_stamp_draw(const struct stamp_line *l, int n, double w, double h, buf *out, struct err *e)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, out, w, h);
	cairo_t *cr = cairo_create(s);
	cairo_rectangle(cr, 0.5, 0.5, w - 1, h - 1);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_fill_preserve(cr);
	cairo_set_source_rgb(cr, 0.05, 0.2, 0.5);
	cairo_set_line_width(cr, 1);
	cairo_stroke(cr);
	double y = STAMP_PAD;
	for (int i = 0; i < n; i++) {
		PangoLayout *pl = pango_cairo_create_layout(cr);
		PangoFontDescription *fd = pango_font_description_from_string(l[i].font);
		pango_layout_set_font_description(pl, fd);
		pango_layout_set_width(pl, (int)((w - 2 * STAMP_PAD) * PANGO_SCALE));
		pango_layout_set_ellipsize(pl, PANGO_ELLIPSIZE_END);
		pango_layout_set_text(pl, l[i].text, -1);
		cairo_set_source_rgb(cr, i == 1 ? 0.05 : 0.15, i == 1 ? 0.2 : 0.15, i == 1 ? 0.5 : 0.15);
		cairo_move_to(cr, STAMP_PAD, y);
		pango_cairo_show_layout(cr, pl);
		pango_font_description_free(fd);
		g_object_unref(pl);
		y += STAMP_LINE_H;
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	int bad = cairo_surface_status(s) != CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(s);
	if (bad)
		return err_set(e, 500, "sign.stamp", "Impossible de dessiner le tampon de signature.");
	return 0;
}
