/* cms: detached CMS SignedData built byte for byte (RFC 5652), shared by CAdES and PAdES.
 * We write the signed attributes ourselves: content-type, message-digest, ESS signing-certificate-v2
 * and, for CAdES only, signing-time (PAdES baseline forbids it; OpenSSL's CMS API always adds it). */
#include <openssl/ess.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "sign/sign_priv.h"

#define OID_DATA "1.2.840.113549.1.7.1"
#define OID_SIGNED_DATA "1.2.840.113549.1.7.2"
#define OID_CONTENT_TYPE "1.2.840.113549.1.9.3"
#define OID_MESSAGE_DIGEST "1.2.840.113549.1.9.4"
#define OID_SIGNING_TIME "1.2.840.113549.1.9.5"
#define OID_SIGNING_CERT_V2 "1.2.840.113549.1.9.16.2.47"
#define OID_SIG_TIMESTAMP "1.2.840.113549.1.9.16.2.14"
#define OID_SHA256 "2.16.840.1.101.3.4.2.1"
#define OID_RSA "1.2.840.113549.1.1.1"
#define OID_ECDSA_SHA256 "1.2.840.10045.4.3.2"

static void alg_sha256(buf *b)
{
	size_t m = der_begin(b, 0x30);
	der_oid(b, OID_SHA256);
	der_end(b, m);
}

static void alg_signature(buf *b, EVP_PKEY *pub)
{
	size_t m = der_begin(b, 0x30);
	if (EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC) {
		der_oid(b, OID_ECDSA_SHA256);
	} else {
		der_oid(b, OID_RSA);
		der_tlv(b, 0x05, NULL, 0);
	}
	der_end(b, m);
}

/* One Attribute ::= SEQUENCE { type OID, values SET { value } } with value already encoded. */
static void attribute(buf *b, const char *oid, const void *value, size_t n)
{
	size_t m = der_begin(b, 0x30);
	der_oid(b, oid);
	der_tlv(b, 0x31, value, n);
	der_end(b, m);
}

struct piece {
	const char *p;
	size_t n;
};

static int piece_cmp(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->p, y->p, n);
	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* The signed attributes, DER-sorted (SET OF), as the content of the SET (no tag). */
static void signed_attrs(const struct sign_key *k, const struct cms_params *p, buf *out)
{
	buf a[4] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT }, v = BUF_INIT;
	int n = 0;
	der_oid(&v, OID_DATA);
	attribute(&a[n++], OID_CONTENT_TYPE, v.data, v.len);
	buf_reset(&v);
	der_tlv(&v, 0x04, p->digest, 32);
	attribute(&a[n++], OID_MESSAGE_DIGEST, v.data, v.len);
	buf_reset(&v);
	if (p->with_signing_time) {
		ASN1_TIME *t = ASN1_TIME_set(NULL, p->signing_time);   /* UTCTime until 2049 */
		der_i2d(&v, i2d_ASN1_TIME, t);
		ASN1_TIME_free(t);
		attribute(&a[n++], OID_SIGNING_TIME, v.data, v.len);
		buf_reset(&v);
	}
	ESS_SIGNING_CERT_V2 *sc = OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), k->cert, NULL, 1);
	der_i2d(&v, i2d_ESS_SIGNING_CERT_V2, sc);
	ESS_SIGNING_CERT_V2_free(sc);
	attribute(&a[n++], OID_SIGNING_CERT_V2, v.data, v.len);
	buf_free(&v);
	struct piece ps[4];
	for (int i = 0; i < n; i++)
		ps[i] = (struct piece){ a[i].data, a[i].len };
	qsort(ps, (size_t)n, sizeof *ps, piece_cmp);
	for (int i = 0; i < n; i++)
		buf_add(out, ps[i].p, ps[i].n);
	for (int i = 0; i < n; i++)
		buf_free(&a[i]);
}

static void signer_info(const struct sign_key *k, const buf *attrs, const buf *sig, const buf *token, buf *b)
{
	size_t m = der_begin(b, 0x30);
	der_small_int(b, 1);
	size_t sid = der_begin(b, 0x30);   /* IssuerAndSerialNumber */
	der_i2d(b, i2d_X509_NAME, X509_get_issuer_name(k->cert));
	der_i2d(b, i2d_ASN1_INTEGER, X509_get0_serialNumber(k->cert));
	der_end(b, sid);
	alg_sha256(b);
	der_tlv(b, 0xa0, attrs->data, attrs->len);   /* [0] IMPLICIT SET OF Attribute */
	alg_signature(b, X509_get0_pubkey(k->cert));
	der_tlv(b, 0x04, sig->data, sig->len);
	if (token->len) {
		size_t u = der_begin(b, 0xa1);   /* [1] IMPLICIT unsignedAttrs */
		attribute(b, OID_SIG_TIMESTAMP, token->data, token->len);
		der_end(b, u);
	}
	der_end(b, m);
}

int sign_cms_build(const struct sign_key *k, const struct cms_params *p, buf *out, struct err *e)
{
	buf attrs = BUF_INIT, tbs = BUF_INIT, sig = BUF_INIT, token = BUF_INIT;
	int rc = -1;
	signed_attrs(k, p, &attrs);
	der_tlv(&tbs, 0x31, attrs.data, attrs.len);   /* signed as an explicit SET OF */
	if (sign_raw(k, tbs.data, tbs.len, &sig, e) < 0)
		goto out;
	if (p->tsa_url && *p->tsa_url && k->mode != KEY_CAPTURE &&
	    sign_tsa_stamp(p->tsa_url, sig.data, sig.len, p->timeout_ms, &token, e) < 0)
		goto out;

	size_t ci = der_begin(out, 0x30);   /* ContentInfo */
	der_oid(out, OID_SIGNED_DATA);
	size_t ex = der_begin(out, 0xa0);
	size_t sd = der_begin(out, 0x30);   /* SignedData */
	der_small_int(out, 1);
	size_t algs = der_begin(out, 0x31);
	alg_sha256(out);
	der_end(out, algs);
	size_t eci = der_begin(out, 0x30);  /* EncapsulatedContentInfo without content: detached */
	der_oid(out, OID_DATA);
	der_end(out, eci);
	size_t certs = der_begin(out, 0xa0);
	der_i2d(out, i2d_X509, k->cert);
	for (int i = 0; i < sk_X509_num(k->chain); i++)
		if (X509_cmp(sk_X509_value(k->chain, i), k->cert) != 0)
			der_i2d(out, i2d_X509, sk_X509_value(k->chain, i));
	der_end(out, certs);
	size_t sis = der_begin(out, 0x31);
	signer_info(k, &attrs, &sig, &token, out);
	der_end(out, sis);
	der_end(out, sd);
	der_end(out, ex);
	der_end(out, ci);
	rc = 0;
out:
	buf_free(&attrs);
	buf_free(&tbs);
	buf_free(&sig);
	buf_free(&token);
	return rc;
}
