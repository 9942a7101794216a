/* cades: CAdES detached signatures (.p7s, DER or PEM armour) of any file, baseline B or B-T. */
#include <string.h>

#include "sign/sign_priv.h"

int sign_cades(const struct sign_key *k, const void *doc, size_t len, const struct sign_opts *o, buf *out,
	       struct err *e)
{
	time_t t = o->signing_time ? o->signing_time : time(NULL);
	if (sign_check_cert_time(k, t, e) < 0)
		return -1;
	unsigned char d[32];
	sign_sha256(doc, len, d);
	struct cms_params p = { .digest = d, .signing_time = t, .with_signing_time = 1,
				.tsa_url = o->tsa_url, .timeout_ms = o->timeout_ms };
	if (!o->pem)
		return sign_cms_build(k, &p, out, e);
	buf der = BUF_INIT, b64 = BUF_INIT;
	int rc = sign_cms_build(k, &p, &der, e);
	if (rc == 0) {
		sign_b64(&b64, der.data, der.len);
		buf_puts(out, "-----BEGIN PKCS7-----\n");
		for (size_t i = 0; i < b64.len; i += 64) {
			buf_add(out, b64.data + i, b64.len - i < 64 ? b64.len - i : 64);
			buf_putc(out, '\n');
		}
		buf_puts(out, "-----END PKCS7-----\n");
	}
	buf_free(&der);
	buf_free(&b64);
	return rc;
}
