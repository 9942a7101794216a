/* pdf_regress: inputs the fuzzer found that once crashed the PDF reader (fuzz/corpus/pdf/regress_*) must
 * now end in a French « PDF endommagé » error, and the PAdES verifier must refuse them without crashing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sign/pdf.h"
#include "sign/sign_priv.h"
#include "t.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	*len = fread(p, 1, (size_t)n, f);
	fclose(f);
	return p;
}

int main(void)
{
	size_t len = 0;
	char *p = slurp("fuzz/corpus/pdf/regress_xref_stream_indirect_length", &len);
	T_OK(p && len > 0, "the fuzz regression input is there");
	struct pdf d;
	struct err e = { 0 };
	T_OK(pdf_open(&d, p, len, &e) < 0, "xref stream whose /Length is an indirect reference: refused");
	T_OK(strstr(e.msg, "référence indirecte") != NULL || strstr(e.msg, "longueur") != NULL, "with a French reason");
	printf("# %s\n", e.msg);
	pdf_close(&d);
	struct sigv v[4];
	int n = 0;
	struct err e2 = { 0 };
	memset(v, 0, sizeof v);
	T_OK(sign_pades_verify(p, len, NULL, v, 4, &n, &e2) < 0 || n == 0, "the verifier finds no signature and does not crash");
	free(p);
	return t_done();
}
