/* stubs: formats not written yet (temporary). */
#include "sign/sign_priv.h"

int sign_xades_verify_detached(const void *sig, size_t slen, const void *doc, size_t len, const char *trust,
			       struct sigv *v, int max, int *n, struct err *e)
{
	(void)sig, (void)slen, (void)doc, (void)len, (void)trust, (void)v, (void)max, (void)n;
	return err_set(e, 501, "sign.todo", "Vérification XAdES pas encore disponible.");
}

int sign_xml_verify_enveloped(const void *doc, size_t len, const char *trust, struct sigv *v, int max, int *n,
			      const char **format, struct err *e)
{
	(void)doc, (void)len, (void)trust, (void)v, (void)max, (void)format, (void)e;
	*n = 0;
	return 0;
}

int sign_xades(const struct sign_key *k, const void *doc, size_t len, const struct sign_opts *o, buf *out,
	       struct err *e)
{
	(void)k, (void)doc, (void)len, (void)o, (void)out;
	return err_set(e, 501, "sign.todo", "XAdES pas encore disponible.");
}

int sign_pes(const struct sign_key *k, const void *doc, size_t len, const struct sign_opts *o, buf *out,
	     struct err *e)
{
	(void)k, (void)doc, (void)len, (void)o, (void)out;
	return err_set(e, 501, "sign.todo", "PES pas encore disponible.");
}
