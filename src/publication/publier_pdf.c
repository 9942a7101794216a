/* publier_pdf: the PDF side of publication that needs poppler and cairo — the text of a PDF for the
 * index, and pseudonymisation. Part of the rendering plugin (src/rendu/loader.c); the mention stamp
 * (pub_copy, an incremental update shared with the AR stamp of src/actes/stamp.c) is in publier_db.c.
 *
 * Why redaction re-renders every page as an image (poppler-glib + cairo): hiding personal data must
 * remove it from the file, not cover it. Painting a black box over a page (or an annotation) leaves
 * the text in the content stream, where pdftotext, copy-paste or a search engine still find it; really
 * removing glyphs from a content stream means rewriting text operators, fonts (subsets, ToUnicode),
 * kerning arrays and inline images of arbitrary producers — qpdf gives us the objects but no text
 * layout, and a half-done rewrite leaks (a glyph left, a /ActualText, an XObject reused on two pages).
 * Rendering each page with poppler, blacking the words (poppler finds them with their rectangles) and
 * the zones on the bitmap, then writing a new PDF of those bitmaps with cairo guarantees that nothing
 * of the original page survives: no text, fonts, metadata, annotations, attachments or earlier
 * revisions. The costs, accepted for the acts that need it: the copy has no text layer (not searchable
 * by words, heavier: ~100-300 KB per page at 150 dpi) and the original signatures are not carried
 * over (the redacted copy is a new document; the signed original stays in the registre). Acts
 * published without redaction keep their bytes and signatures (incremental mention). */
#include "publication/publier.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

static PopplerDocument *open_doc(const void *pdf, size_t len, struct err *e)
{
	GBytes *b = g_bytes_new(pdf, len);
	GError *ge = NULL;
	PopplerDocument *doc = poppler_document_new_from_bytes(b, NULL, &ge);
	g_bytes_unref(b);
	if (!doc) {
		err_set(e, 400, "publication.pdf", "PDF illisible : %s", ge && ge->message ? ge->message : "format inconnu");
		g_clear_error(&ge);
	}
	return doc;
}

int pub_pdf_text(const void *pdf, size_t len, size_t max, buf *out, struct err *e)
{
	PopplerDocument *doc = open_doc(pdf, len, e);
	if (!doc)
		return -1;
	int n = poppler_document_get_n_pages(doc);
	for (int i = 0; i < n && out->len < max; i++) {
		PopplerPage *p = poppler_document_get_page(doc, i);
		char *t = p ? poppler_page_get_text(p) : NULL;
		if (t) {
			size_t l = strlen(t);
			if (out->len + l > max)
				l = max - out->len;
			buf_add(out, t, l);
			buf_putc(out, '\n');
		}
		g_free(t);
		if (p)
			g_object_unref(p);
	}
	g_object_unref(doc);
	return 0;
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int length)
{
	buf_add((buf *)closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

int pub_redact_pdf(const void *pdf, size_t len, const struct pub_redact *rd, int *hits, buf *out, struct err *e)
{
	PopplerDocument *doc = open_doc(pdf, len, e);
	if (!doc)
		return -1;
	int n = poppler_document_get_n_pages(doc), rc = 0;
	for (size_t z = 0; z < rd->n_zones; z++)
		if (rd->zones[z].page < 1 || rd->zones[z].page > n || rd->zones[z].w <= 0 || rd->zones[z].h <= 0) {
			g_object_unref(doc);
			return err_set(e, 400, "publication.zone", "Zone à masquer invalide : page %d (le document en a %d), largeur et hauteur positives.",
				       rd->zones[z].page, n);
		}
	for (size_t w = 0; hits && w < rd->n_words; w++)
		hits[w] = 0;
	const double scale = PUB_RENDER_DPI / 72.0, pad = 1.5;
	cairo_surface_t *pdfs = cairo_pdf_surface_create_for_stream(to_buf, out, 595.276, 841.89);
	cairo_pdf_surface_set_metadata(pdfs, CAIRO_PDF_METADATA_CREATOR, "Opale (copie pseudonymisée)");
	for (int i = 0; i < n && rc == 0; i++) {
		PopplerPage *p = poppler_document_get_page(doc, i);
		if (!p) {
			rc = err_set(e, 400, "publication.pdf", "Page %d du PDF illisible.", i + 1);
			break;
		}
		double pw, ph;
		poppler_page_get_size(p, &pw, &ph);
		int iw = (int)ceil(pw * scale), ih = (int)ceil(ph * scale);
		cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, iw, ih);
		cairo_t *c = cairo_create(img);
		cairo_set_source_rgb(c, 1, 1, 1);
		cairo_paint(c);
		cairo_scale(c, scale, scale);
		poppler_page_render_for_printing(p, c);
		cairo_set_source_rgb(c, 0, 0, 0);
		for (size_t w = 0; w < rd->n_words; w++) {
			/* poppler's rectangles are in points from the bottom-left corner */
			GList *found = poppler_page_find_text_with_options(p, rd->words[w], POPPLER_FIND_DEFAULT | POPPLER_FIND_MULTILINE);
			for (GList *l = found; l; l = l->next) {
				PopplerRectangle *r = l->data;
				cairo_rectangle(c, r->x1 - pad, ph - r->y2 - pad, r->x2 - r->x1 + 2 * pad, r->y2 - r->y1 + 2 * pad);
				if (hits)
					hits[w]++;
				poppler_rectangle_free(r);
			}
			g_list_free(found);
		}
		for (size_t z = 0; z < rd->n_zones; z++)
			if (rd->zones[z].page == i + 1)
				cairo_rectangle(c, rd->zones[z].x, rd->zones[z].y, rd->zones[z].w, rd->zones[z].h);
		cairo_fill(c);
		cairo_destroy(c);
		cairo_surface_flush(img);
		cairo_pdf_surface_set_size(pdfs, pw, ph);
		cairo_t *pc = cairo_create(pdfs);
		cairo_scale(pc, 1 / scale, 1 / scale);
		cairo_set_source_surface(pc, img, 0, 0);
		cairo_paint(pc);
		cairo_show_page(pc);
		cairo_destroy(pc);
		cairo_surface_destroy(img);
		g_object_unref(p);
	}
	cairo_surface_finish(pdfs);
	if (rc == 0 && cairo_surface_status(pdfs) != CAIRO_STATUS_SUCCESS)
		rc = err_set(e, 500, "publication.rendu", "Copie pseudonymisée impossible : %s", cairo_status_to_string(cairo_surface_status(pdfs)));
	cairo_surface_destroy(pdfs);
	g_object_unref(doc);
	return rc;
}
