/* pdf_fuzz: libFuzzer target for the PDF reader used by the signature engine — startxref,
 * cross-reference tables and streams, /Prev chains, object streams, the page tree, stream decoding,
 * and the PAdES verifier's walk over AcroForm fields and /ByteRange. Any input must end in a
 * result or a French error, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sign/pdf.h"
#include "sign/sign_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdf d;
	struct err e = { 0 };
	if (pdf_open(&d, data, size, &e) == 0) {
		pdf_load_pages(&d);
		for (int i = 1; i < d.size && i < 2000; i++) {
			struct pdf_obj *o = pdf_get(&d, i);
			if (o && o->kind == PDF_STREAM) {
				buf b = BUF_INIT;
				pdf_stream_decode(&d, o, &b, 1 << 22);
				buf_free(&b);
			}
			if (o) {
				buf b = BUF_INIT;
				pdf_write_obj(&b, o);
				buf_free(&b);
			}
		}
	}
	pdf_close(&d);
	struct sigv v[4];
	int n = 0;
	memset(v, 0, sizeof v);
	sign_pades_verify(data, size, NULL, v, 4, &n, &e);
	return 0;
}
