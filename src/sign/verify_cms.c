/* verify_cms: checks one CMS SignedData (CAdES .p7s or the /Contents of a PAdES signature):
 * message digest, signature value, ESS signing-certificate, time-stamp token, certificate validity at
 * signing time and chain against a trust store. Results go into a struct sigv, messages in French. */
#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/pem.h>
#include <openssl/ts.h>
#include <openssl/x509_vfy.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sign/sign_priv.h"

void sigv_error(struct sigv *v, const char *fmt, ...)
{
	if (v->n_errors >= SIGV_MAX_ERRORS)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->errors[v->n_errors++], sizeof v->errors[0], fmt, ap);
	va_end(ap);
}

static X509_STORE *load_store(const char *trust)
{
	X509_STORE *s = X509_STORE_new();
	if (X509_STORE_load_file(s, trust) != 1 && X509_STORE_load_path(s, trust) != 1) {
		X509_STORE_free(s);
		s = NULL;
	}
	ERR_clear_error();
	return s;
}

const char *sign_chain_status(X509 *cert, STACK_OF(X509) *extra, const char *trust, time_t t)
{
	if (!trust || !*trust)
		return "not-checked";
	X509_STORE *s = load_store(trust);
	if (!s)
		return "untrusted";
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = 0;
	if (X509_STORE_CTX_init(ctx, s, cert, extra) == 1) {
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), t);
		ok = X509_verify_cert(ctx) == 1;
	}
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(s);
	ERR_clear_error();
	return ok ? "trusted" : "untrusted";
}

static void cert_identity(X509 *c, struct sigv *v)
{
	buf b = BUF_INIT;
	sign_name_str(X509_get_subject_name(c), &b);
	snprintf(v->subject, sizeof v->subject, "%s", b.data ? b.data : "");
	buf_reset(&b);
	sign_name_str(X509_get_issuer_name(c), &b);
	snprintf(v->issuer, sizeof v->issuer, "%s", b.data ? b.data : "");
	buf_free(&b);
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c), NULL);
	char *hex = BN_bn2hex(bn);
	snprintf(v->serial, sizeof v->serial, "%s", hex ? hex : "");
	OPENSSL_free(hex);
	BN_free(bn);
}

void sign_verify_ts_token(const void *der, size_t len, const void *data, size_t dlen, const char *trust,
			  struct sigv *v)
{
	const unsigned char *p = der;
	PKCS7 *tok = d2i_PKCS7(NULL, &p, (long)len);
	v->has_ts = 1;
	v->ts_valid = 0;
	if (!tok) {
		sigv_error(v, "Jeton d'horodatage illisible.");
		goto out;
	}
	TS_TST_INFO *ti = PKCS7_to_TS_TST_INFO(tok);
	if (ti) {
		sign_asn1_time_iso(TS_TST_INFO_get_time(ti), v->ts_time, sizeof v->ts_time);
		GENERAL_NAME *gn = TS_TST_INFO_get_tsa(ti);
		if (gn && gn->type == GEN_DIRNAME) {
			buf b = BUF_INIT;
			sign_name_str(gn->d.dirn, &b);
			snprintf(v->ts_tsa, sizeof v->ts_tsa, "%s", b.data ? b.data : "");
			buf_free(&b);
		}
		TS_TST_INFO_free(ti);
	}
	TS_VERIFY_CTX *vc = TS_VERIFY_CTX_new();
	unsigned char d[32];
	sign_sha256(data, dlen, d);
	TS_VERIFY_CTX_set_imprint(vc, OPENSSL_memdup(d, 32), 32);
	X509_STORE *s = trust && *trust ? load_store(trust) : NULL;
	int flags = TS_VFY_VERSION | TS_VFY_IMPRINT;
	if (s) {
		flags |= TS_VFY_SIGNATURE;
		TS_VERIFY_CTX_set_store(vc, s);
	}
	TS_VERIFY_CTX_set_flags(vc, flags);
	int ok = TS_RESP_verify_token(vc, tok) == 1;
	if (ok && !s) {   /* no trust store: at least the token's own signature must hold */
		BIO *null = BIO_new(BIO_s_null());
		X509_STORE *empty = X509_STORE_new();
		ok = PKCS7_verify(tok, NULL, empty, NULL, null, PKCS7_NOVERIFY) == 1;
		X509_STORE_free(empty);
		BIO_free(null);
	}
	TS_VERIFY_CTX_free(vc);
	v->ts_valid = ok;
	if (!ok)
		sigv_error(v, "Le jeton d'horodatage ne correspond pas à la signature ou n'est pas valide.");
out:
	PKCS7_free(tok);
	ERR_clear_error();
}

static CMS_ContentInfo *parse_cms(const void *der, size_t len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	if (!cms && len > 10 && memcmp(der, "-----BEGIN", 10) == 0) {
		BIO *b = BIO_new_mem_buf(der, (int)len);
		cms = PEM_read_bio_CMS(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	ERR_clear_error();
	return cms;
}

static ASN1_TYPE *signed_attr(CMS_SignerInfo *si, int nid, int is_signed)
{
	int i = is_signed ? CMS_signed_get_attr_by_NID(si, nid, -1) : CMS_unsigned_get_attr_by_NID(si, nid, -1);
	if (i < 0)
		return NULL;
	X509_ATTRIBUTE *a = is_signed ? CMS_signed_get_attr(si, i) : CMS_unsigned_get_attr(si, i);
	return X509_ATTRIBUTE_get0_type(a, 0);
}

/* Digest of the content with md, compared to the message-digest attribute. */
static int digest_matches(CMS_SignerInfo *si, const EVP_MD *md, const void *content, size_t clen)
{
	ASN1_TYPE *t = signed_attr(si, NID_pkcs9_messageDigest, 1);
	if (!t || t->type != V_ASN1_OCTET_STRING || !md)
		return 0;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn = 0;
	EVP_Digest(content, clen, d, &dn, md, NULL);
	return (int)dn == ASN1_STRING_length(t->value.octet_string) &&
	       memcmp(d, ASN1_STRING_get0_data(t->value.octet_string), dn) == 0;
}

static int signing_cert_matches(CMS_SignerInfo *si, X509 *signer)
{
	ASN1_TYPE *t = signed_attr(si, NID_id_smime_aa_signingCertificateV2, 1);
	ASN1_TYPE *t1 = signed_attr(si, NID_id_smime_aa_signingCertificate, 1);
	if ((!t || t->type != V_ASN1_SEQUENCE) && (!t1 || t1->type != V_ASN1_SEQUENCE))
		return 0;
	ESS_SIGNING_CERT_V2 *v2 = NULL;
	ESS_SIGNING_CERT *v1 = NULL;
	if (t && t->type == V_ASN1_SEQUENCE) {
		const unsigned char *p = ASN1_STRING_get0_data(t->value.sequence);
		v2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(t->value.sequence));
	} else {
		const unsigned char *p = ASN1_STRING_get0_data(t1->value.sequence);
		v1 = d2i_ESS_SIGNING_CERT(NULL, &p, ASN1_STRING_length(t1->value.sequence));
	}
	STACK_OF(X509) *chain = sk_X509_new_null();
	sk_X509_push(chain, signer);
	int ok = (v1 || v2) && OSSL_ESS_check_signing_certs(v1, v2, chain, 1) > 0;
	sk_X509_free(chain);
	ESS_SIGNING_CERT_V2_free(v2);
	ESS_SIGNING_CERT_free(v1);
	ERR_clear_error();
	return ok;
}

static time_t iso_to_time(const char *iso)
{
	struct tm tm = { 0 };
	if (!iso || !*iso || !strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return 0;
	return timegm(&tm);
}

static void check_signer(CMS_ContentInfo *cms, CMS_SignerInfo *si, const void *content, size_t clen,
			 const char *trust, struct sigv *v)
{
	EVP_PKEY *pk = NULL;
	X509 *signer = NULL;
	X509_ALGOR *dig = NULL, *sigalg = NULL;
	CMS_SignerInfo_get0_algs(si, &pk, &signer, &dig, &sigalg);
	if (!signer) {
		sigv_error(v, "Certificat du signataire absent de la signature.");
		return;
	}
	cert_identity(signer, v);
	const EVP_MD *md = dig ? EVP_get_digestbyobj(dig->algorithm) : NULL;
	v->digest_alg = md ? OBJ_nid2sn(EVP_MD_get_type(md)) : "inconnu";
	int dig_ok = digest_matches(si, md, content, clen);
	int sig_ok = CMS_SignerInfo_verify(si) == 1;
	ERR_clear_error();
	v->integrity = dig_ok && sig_ok;
	if (!dig_ok)
		sigv_error(v, "L'empreinte du document ne correspond pas : le contenu signé a été modifié.");
	if (!sig_ok)
		sigv_error(v, "La valeur de signature ne correspond pas aux attributs signés.");
	v->signing_cert_ok = signing_cert_matches(si, signer);
	if (!v->signing_cert_ok)
		sigv_error(v, "Attribut signing-certificate absent ou ne désignant pas le certificat du signataire.");
	ASN1_TYPE *st = signed_attr(si, NID_pkcs9_signingTime, 1);
	if (st && (st->type == V_ASN1_UTCTIME || st->type == V_ASN1_GENERALIZEDTIME)) {
		sign_asn1_time_iso((ASN1_TIME *)st->value.utctime, v->signing_time, sizeof v->signing_time);
		v->time_source = "signed-attribute";
	}
	ASN1_TYPE *ts = signed_attr(si, NID_id_smime_aa_timeStampToken, 0);
	if (ts && ts->type == V_ASN1_SEQUENCE) {
		ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
		sign_verify_ts_token(ASN1_STRING_get0_data(ts->value.sequence), (size_t)ASN1_STRING_length(ts->value.sequence),
				     ASN1_STRING_get0_data(sv), (size_t)ASN1_STRING_length(sv), trust, v);
	}
	/* the time that decides certificate validity: the time-stamp when valid, else the claimed time */
	time_t t = v->has_ts && v->ts_valid ? iso_to_time(v->ts_time) : iso_to_time(v->signing_time);
	if (!t)
		t = time(NULL);
	v->cert_valid_at_time = X509_cmp_time(X509_get0_notBefore(signer), &t) <= 0 &&
				X509_cmp_time(X509_get0_notAfter(signer), &t) >= 0;
	if (!v->cert_valid_at_time)
		sigv_error(v, "Le certificat du signataire n'était pas valide à la date de signature.");
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	v->chain = sign_chain_status(signer, certs, trust, t);
	sk_X509_pop_free(certs, X509_free);
	if (strcmp(v->chain, "untrusted") == 0)
		sigv_error(v, "La chaîne de certification n'aboutit pas à une autorité de confiance.");
}

void sign_verify_cms(const void *der, size_t len, const void *content, size_t clen, const char *trust,
		     struct sigv *v)
{
	if (!v->time_source)
		v->time_source = "none";
	v->chain = "not-checked";
	v->digest_alg = "";
	CMS_ContentInfo *cms = parse_cms(der, len);
	if (!cms || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		sigv_error(v, "Signature CMS illisible.");
		goto out;
	}
	CMS_set1_signers_certs(cms, NULL, 0);
	ERR_clear_error();
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		sigv_error(v, "La signature CMS doit contenir exactement un signataire (%d trouvés).",
			   sk_CMS_SignerInfo_num(sis));
		goto out;
	}
	check_signer(cms, sk_CMS_SignerInfo_value(sis, 0), content, clen, trust, v);
out:
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	v->valid = v->integrity && v->signing_cert_ok && v->cert_valid_at_time &&
		   strcmp(v->chain, "untrusted") != 0 && (!v->has_ts || v->ts_valid);
}
