/* mkpdf: test PDF maker (cairo + pango) for the signature tests — N A4 pages of French text, an
 * optional "#signature#" tag at a known place, optional noise image to reach a given size.
 * usage: mkpdf OUT [--pages N] [--tag TEXT] [--tag-page P] [--tag-x X] [--tag-y Y] [--kb N] */
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"

static void text(cairo_t *cr, double x, double y_top, const char *s, int size)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	char font[64];
	snprintf(font, sizeof font, "DejaVu Sans %d", size);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_text(l, s, -1);
	cairo_move_to(cr, x, y_top);
	pango_cairo_show_layout(cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
}

int main(int argc, char **argv)
{
	const char *out = argc > 1 ? argv[1] : NULL;
	if (!out) {
		fprintf(stderr, "usage: mkpdf OUT [--pages N] [--tag TEXT] [--tag-page P] [--tag-x X] [--tag-y Y] [--kb N]\n");
		return 2;
	}
	const char *v;
	int pages = (v = cli_opt(argc, argv, "pages")) ? atoi(v) : 1;
	const char *tag = cli_opt(argc, argv, "tag");
	int tag_page = (v = cli_opt(argc, argv, "tag-page")) ? atoi(v) : pages;
	double tx = (v = cli_opt(argc, argv, "tag-x")) ? atof(v) : 350, ty = (v = cli_opt(argc, argv, "tag-y")) ? atof(v) : 600;
	int kb = (v = cli_opt(argc, argv, "kb")) ? atoi(v) : 0;
	cairo_surface_t *s = cairo_pdf_surface_create(out, 595.276, 841.89);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Délibération de test");
	cairo_t *cr = cairo_create(s);
	for (int p = 1; p <= pages; p++) {
		char line[128];
		snprintf(line, sizeof line, "Délibération n° 2024-%03d — page %d/%d", p, p, pages);
		text(cr, 56, 56, line, 14);
		text(cr, 56, 90, "Le conseil municipal, après en avoir délibéré, approuve à l'unanimité.", 10);
		if (tag && p == tag_page)   /* (tx, ty) in cairo space: top-left origin */
			text(cr, tx, ty, tag, 10);
		if (kb && p == 1) {   /* incompressible noise image to reach the requested size */
			int side = 16;
			while (side * side * 3 < kb * 1024)
				side += 16;
			cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
			unsigned char *px = cairo_image_surface_get_data(img);
			unsigned x = 12345;
			for (int i = 0; i < side * cairo_image_surface_get_stride(img); i++) {
				x = x * 1103515245u + 12345u;
				px[i] = (unsigned char)(x >> 16);
			}
			cairo_surface_mark_dirty(img);
			cairo_save(cr);
			cairo_translate(cr, 56, 400);
			cairo_scale(cr, 200.0 / side, 200.0 / side);
			cairo_set_source_surface(cr, img, 0, 0);
			cairo_paint(cr);
			cairo_restore(cr);
			cairo_surface_destroy(img);
		}
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	int rc = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS ? 0 : 1;
	cairo_surface_destroy(s);
	return rc;
}
