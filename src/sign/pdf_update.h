/* pdf_update: the incremental-update writer (see pdf_update.c). */
#ifndef OPALE_SIGN_PDF_UPDATE_H
#define OPALE_SIGN_PDF_UPDATE_H
#include "sign/pdf.h"

struct pdf_update_ent {
	int num, gen;
	size_t off;
};

struct pdf_update {
	struct pdf *d;
	buf *out;
	size_t base;              /* where the PDF starts in out */
	int next_num;
	struct pdf_update_ent *ent;
	int n, cap;
};

/* Copies the original bytes into out (plus an end-of-line when missing). */
void pdf_update_begin(struct pdf_update *u, struct pdf *d, const void *orig, size_t len, buf *out);
/* A fresh object number. */
int pdf_update_new_num(struct pdf_update *u);
/* Brackets an object's body written directly into u->out. */
void pdf_update_obj_start(struct pdf_update *u, int num, int gen);
void pdf_update_obj_end(struct pdf_update *u);
/* Writes a modified copy of an existing object under its own number and generation. */
void pdf_update_rewrite(struct pdf_update *u, const struct pdf_obj *o);
/* Cross-reference section, trailer, startxref, %%EOF. */
void pdf_update_finish(struct pdf_update *u);

#endif
