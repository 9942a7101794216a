/* pades_place: where the signature widget goes — at a text tag found in the pages, at given
 * coordinates on a page (negative numbers count from the end), or invisible on the first page.
 * Coordinates are those of the page as displayed; rotated pages are mapped back. */
#include <math.h>
#include <string.h>

#include "sign/pades_priv.h"

/* Displayed point (X, Y) → unrotated user space, for a page of unrotated size W × H. */
static void unrotate(int r, double W, double H, double X, double Y, double *x, double *y)
{
	switch (r) {
	case 90: *x = W - Y, *y = X; break;
	case 180: *x = W - X, *y = H - Y; break;
	case 270: *x = Y, *y = H - X; break;
	default: *x = X, *y = Y;
	}
}

/* Unrotated point → displayed. */
static void rotate(int r, double W, double H, double x, double y, double *X, double *Y)
{
	switch (r) {
	case 90: *X = y, *Y = W - x; break;
	case 180: *X = W - x, *Y = H - y; break;
	case 270: *X = H - y, *Y = x; break;
	default: *X = x, *Y = y;
	}
}

int pades_place(struct pades_ctx *c, struct err *e)
{
	struct pdf *d = c->d;
	const struct sign_opts *o = c->o;
	int index = 0;
	double X = 0, Y = 0, tx = 0, ty = 0, tsize = 0;
	int by_tag = 0;
	if (o->tag && *o->tag) {
		int r = pdf_find_tag(d, o->tag, &index, &tx, &ty, &tsize);
		if (r < 0)
			return -1;
		if (r == 0)
			return err_set(e, 422, "sign.tag_not_found", "Balise « %s » introuvable dans le texte du document.", o->tag);
		by_tag = 1;
	} else if (o->page) {
		index = o->page > 0 ? o->page - 1 : d->pages_n + o->page;
		if (index < 0 || index >= d->pages_n)
			return err_set(e, 422, "sign.page", "Page %d inexistante : le document a %d page(s).", o->page, d->pages_n);
		X = o->x;
		Y = o->y;
	}
	c->page = pdf_get(d, d->pages[index]);
	if (!c->page || c->page->kind != PDF_DICT)
		return -1;
	if (!o->visible) {
		memset(c->rect, 0, sizeof c->rect);
		return 0;
	}
	struct pdf_obj *mb = pdf_page_attr(d, c->page, "MediaBox");
	double box[4] = { 0, 0, 612, 792 };
	if (mb && mb->kind == PDF_ARRAY && mb->n == 4)
		for (int i = 0; i < 4; i++)
			box[i] = pdf_num(pdf_resolve(d, mb->items[i]));
	double W = fabs(box[2] - box[0]), H = fabs(box[3] - box[1]);
	double ox = fmin(box[0], box[2]), oy = fmin(box[1], box[3]);
	int r = ((int)pdf_num(pdf_page_attr(d, c->page, "Rotate")) % 360 + 360) % 360;
	c->rotate = r == 90 || r == 180 || r == 270 ? r : 0;
	pades_stamp_size(c, &c->w, &c->h);
	if (by_tag) {   /* the stamp's top-left corner on the tag's top-left: it covers the tag */
		rotate(c->rotate, W, H, tx - ox, ty - oy, &X, &Y);
		Y = Y + tsize - c->h;
	}
	double x1, y1, x2, y2;
	unrotate(c->rotate, W, H, X, Y, &x1, &y1);
	unrotate(c->rotate, W, H, X + c->w, Y + c->h, &x2, &y2);
	c->rect[0] = fmin(x1, x2) + ox;
	c->rect[1] = fmin(y1, y2) + oy;
	c->rect[2] = fmax(x1, x2) + ox;
	c->rect[3] = fmax(y1, y2) + oy;
	return 0;
}
