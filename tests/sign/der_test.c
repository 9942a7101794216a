/* der_test: the DER writer's length encodings (short, long, nested growth) and small integers,
 * checked against OpenSSL's own parser. */
#include <openssl/asn1.h>
#include <string.h>

#include "sign/sign_priv.h"
#include "t.h"

static int header_len(const buf *b, long *len)
{
	const unsigned char *p = (const unsigned char *)b->data;
	int tag, cls;
	int r = ASN1_get_object(&p, len, &tag, &cls, (long)b->len);
	return (r & 0x80) ? -1 : (int)(p - (const unsigned char *)b->data);
}

int main(void)
{
	static const size_t sizes[] = { 0, 1, 127, 128, 255, 256, 65535, 65536, 300000 };
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		buf b = BUF_INIT;
		size_t outer = der_begin(&b, 0x30);
		size_t inner = der_begin(&b, 0x04);
		buf_grow(&b, sizes[i]);
		memset(b.data + b.len, 0xab, sizes[i]);
		b.len += sizes[i];
		der_end(&b, inner);
		der_end(&b, outer);
		long len = 0;
		int h = header_len(&b, &len);
		char what[96];
		snprintf(what, sizeof what, "nested TLV of %zu content bytes parses with the right length", sizes[i]);
		T_OK(h > 0 && (size_t)h + (size_t)len == b.len, what);
		const unsigned char *p = (const unsigned char *)b.data + h;
		ASN1_OCTET_STRING *os = d2i_ASN1_OCTET_STRING(NULL, &p, len);
		snprintf(what, sizeof what, "inner OCTET STRING of %zu bytes intact", sizes[i]);
		T_OK(os && (size_t)ASN1_STRING_length(os) == sizes[i] &&
			     (sizes[i] == 0 || ASN1_STRING_get0_data(os)[sizes[i] - 1] == 0xab), what);
		ASN1_OCTET_STRING_free(os);
		buf_free(&b);
	}
	static const long ints[] = { 0, 1, 127, 128, 255, 256, 65537, 0x7fffffffL };
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
		buf b = BUF_INIT;
		der_small_int(&b, ints[i]);
		const unsigned char *p = (const unsigned char *)b.data;
		ASN1_INTEGER *ai = d2i_ASN1_INTEGER(NULL, &p, (long)b.len);
		char what[64];
		snprintf(what, sizeof what, "INTEGER %ld round-trips in minimal DER", ints[i]);
		T_OK(ai && ASN1_INTEGER_get(ai) == ints[i] && p == (const unsigned char *)b.data + b.len &&
			     (b.len < 4 || b.data[2] != 0 || (b.data[3] & 0x80)), what);
		ASN1_INTEGER_free(ai);
		buf_free(&b);
	}
	buf o = BUF_INIT;
	der_oid(&o, "1.2.840.113549.1.9.16.2.47");
	T_EQ_INT(o.len, 13, "OID signing-certificate-v2 encodes in 13 bytes");
	buf_free(&o);
	return t_done();
}
