/* stamp: temporary. */
#include "sign/pades_priv.h"

void pades_stamp_size(const struct pades_ctx *c, double *w, double *h)
{
	(void)c;
	*w = 200;
	*h = 60;
}

int pades_stamp(struct pades_ctx *c, int *ap, struct err *e)
{
	(void)c, (void)ap;
	return err_set(e, 501, "sign.todo", "Tampon visible pas encore disponible.");
}

int pdf_find_tag(struct pdf *d, const char *tag, int *page, double *x, double *y, double *size)
{
	(void)d, (void)tag, (void)page, (void)x, (void)y, (void)size;
	return 0;
}
