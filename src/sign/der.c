/* der: a minimal DER writer — enough to build CMS SignedData and its attributes byte for byte,
 * which OpenSSL's CMS API cannot do without adding a signing-time attribute. */
#include <openssl/objects.h>
#include <string.h>

#include "sign/sign_priv.h"

size_t der_begin(buf *b, unsigned char tag)
{
	buf_putc(b, (char)tag);
	buf_putc(b, 0);   /* one length byte reserved; der_end widens it when needed */
	return b->len;
}

void der_end(buf *b, size_t mark)
{
	size_t n = b->len - mark;
	unsigned char hdr[9];
	int h = 0;
	if (n < 0x80) {
		b->data[mark - 1] = (char)n;
		return;
	}
	for (size_t v = n; v; v >>= 8)
		h++;
	hdr[0] = (unsigned char)(0x80 | h);
	for (int i = 0; i < h; i++)
		hdr[1 + i] = (unsigned char)(n >> (8 * (h - 1 - i)));
	buf_grow(b, (size_t)h);
	memmove(b->data + mark + h, b->data + mark, n);
	memcpy(b->data + mark - 1, hdr, (size_t)h + 1);
	b->len += (size_t)h;
	b->data[b->len] = 0;
}

void der_tlv(buf *b, unsigned char tag, const void *p, size_t n)
{
	size_t m = der_begin(b, tag);
	buf_add(b, p, n);
	der_end(b, m);
}

void der_oid(buf *b, const char *dotted)
{
	ASN1_OBJECT *o = OBJ_txt2obj(dotted, 1);
	der_i2d(b, i2d_ASN1_OBJECT, o);
	ASN1_OBJECT_free(o);
}

void der_small_int(buf *b, long v)
{
	unsigned char tmp[9];
	int n = 0;
	do {
		tmp[8 - n++] = (unsigned char)(v & 0xff);
		v >>= 8;
	} while (v);
	if (tmp[9 - n] & 0x80)
		tmp[8 - n++] = 0;
	der_tlv(b, 0x02, tmp + 9 - n, (size_t)n);
}
