/* pades_priv: state of one PAdES signing run, shared by pades.c (structure, byte range, CMS),
 * pades_place.c (page and rectangle) and stamp.c (visible appearance). */
#ifndef OPALE_SIGN_PADES_PRIV_H
#define OPALE_SIGN_PADES_PRIV_H
#include "sign/pdf.h"
#include "sign/pdf_update.h"
#include "sign/sign.h"

struct pades_ctx {
	const struct sign_key *k;
	const struct sign_opts *o;
	time_t t;                 /* signing time (/M, stamp) */
	struct pdf *d;
	struct pdf_update *u;
	struct pdf_obj *cat;      /* catalog (modified copy is rewritten) */
	struct pdf_obj *page;     /* page receiving the widget */
	int rotate;               /* page /Rotate normalised to 0, 90, 180, 270 */
	double rect[4];           /* widget /Rect in the page's unrotated space */
	double w, h;              /* stamp size as displayed */
	const char *signer;       /* name shown (/Name, stamp) */
	char field_name[32];
	size_t br_pos, contents_pos, contents_end;   /* placeholders in u->out */
};

/* Chooses the page and the widget rectangle: tag, --page/--x/--y, or invisible on page 1. */
int pades_place(struct pades_ctx *c, struct err *e);
/* Size of the visible stamp for the options (points). */
void pades_stamp_size(const struct pades_ctx *c, double *w, double *h);
/* One line of the visible stamp and its pango font; the stamp's inner margin and line height (points). */
struct stamp_line {
	const char *text, *font;
};
#define STAMP_PAD 6.0
#define STAMP_LINE_H 11.5
/* Draws the stamp's lines (the second one, the signer's name, in blue) from the top of a w × h box as a
 * one-page PDF appended to out. In the rendering plugin (stamp_draw.c, cairo + pango). 0, or -1 with e. */
int sign_stamp_draw(const struct stamp_line *l, int n, double w, double h, buf *out, struct err *e);
/* Writes the appearance form XObject (and the objects it needs); *ap receives its number. */
int pades_stamp(struct pades_ctx *c, int *ap, struct err *e);
/* Finds the first occurrence of tag in the text of the pages: page index (0-based), position of
 * the tag's start (baseline, unrotated user space) and font size. Returns 1 found, 0 not, -1 error. */
int pdf_find_tag(struct pdf *d, const char *tag, int *page, double *x, double *y, double *size);

#endif
