/* sign_priv: internals shared by the files of src/sign — the key's raw-signature step (local,
 * capture, inject), a tiny DER writer, the CMS SignedData builder and the verification record. */
#ifndef OPALE_SIGN_PRIV_H
#define OPALE_SIGN_PRIV_H
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "sign/sign.h"

/* How sign_raw produces a signature value. */
enum key_mode {
	KEY_LOCAL,   /* the private key is here */
	KEY_CAPTURE, /* phase 1: record what would be signed, return a dummy value of the right size */
	KEY_INJECT,  /* phase 2: return the values given by the client, in order, after checking them */
};

struct sign_key {
	EVP_PKEY *pkey;           /* NULL without private key */
	X509 *cert;
	STACK_OF(X509) *chain;    /* other certificates (CA…), may be empty */
	/* two-phase state (mutable through a const key: a signing run owns its key) */
	enum key_mode mode;
	buf *slots;               /* captured tbs (CAPTURE) or given values (INJECT) */
	int n_slots, max_slots, next;
};

/* The raw-signature step: SHA-256 + the key's algorithm over tbs (PKCS#1 v1.5 or ECDSA DER). */
int sign_raw(const struct sign_key *k, const void *tbs, size_t n, buf *sig, struct err *e);
/* Refuses a certificate not valid at t (codes sign.cert_expired, sign.cert_not_yet_valid). */
int sign_check_cert_time(const struct sign_key *k, time_t t, struct err *e);
/* "SHA-256" digest helper. */
void sign_sha256(const void *p, size_t n, unsigned char out[32]);
/* Certificate CN (UTF-8) into b, or the whole subject when there is no CN. */
void sign_cert_cn(X509 *c, buf *b);
/* One-line UTF-8 distinguished name. */
void sign_name_str(const X509_NAME *n, buf *b);
/* ASN1_TIME → "YYYY-MM-DDTHH:MM:SSZ" (out ≥ 21 bytes); time_t too. */
void sign_asn1_time_iso(const ASN1_TIME *t, char *out, size_t n);
void sign_time_iso(time_t t, char *out, size_t n);
/* Hours between Europe/Paris and UTC at t (1 or 2), EU summer-time rule; no TZ database needed. */
int sign_paris_offset(time_t t);
/* Base64 (no newlines) of p into b; decode: returns -1 on bad input. */
void sign_b64(buf *b, const void *p, size_t n);
int sign_unb64(const char *s, size_t n, buf *out);

/* ---- DER writer ---------------------------------------------------------------------------- */
/* der_begin writes a tag and reserves the length; der_end fixes it (nested calls allowed). */
size_t der_begin(buf *b, unsigned char tag);
void der_end(buf *b, size_t mark);
void der_tlv(buf *b, unsigned char tag, const void *p, size_t n);
void der_oid(buf *b, const char *dotted);
void der_small_int(buf *b, long v);
/* Appends an i2d encoding of any OpenSSL object: der_i2d(b, i2d_X509, x). */
#define der_i2d(b, fn, obj)                                                                    \
	do {                                                                                   \
		unsigned char *p_ = NULL;                                                      \
		int n_ = fn(obj, &p_);                                                         \
		if (n_ > 0)                                                                    \
			buf_add(b, p_, (size_t)n_);                                            \
		OPENSSL_free(p_);                                                              \
	} while (0)

/* ---- CMS SignedData (CAdES, PAdES) ---------------------------------------------------------- */
struct cms_params {
	const unsigned char *digest;   /* SHA-256 of the signed content, 32 bytes */
	time_t signing_time;           /* used for the signing-time attribute and the cert check */
	int with_signing_time;         /* CAdES: yes; PAdES baseline: no (/M carries the time) */
	const char *tsa_url;           /* add a signature time-stamp (unsigned attribute) */
	int timeout_ms;
};
/* Builds a detached CMS SignedData (DER) signed by k; appends to out. */
int sign_cms_build(const struct sign_key *k, const struct cms_params *p, buf *out, struct err *e);

/* ---- verification record ------------------------------------------------------------------- */
#define SIGV_MAX_ERRORS 6
struct sigv {
	const char *format;            /* "PAdES", "CAdES", "XAdES", "PES" */
	char subject[512], issuer[512], serial[96];
	char signing_time[32];         /* ISO 8601 UTC, "" when unknown */
	const char *time_source;       /* "signed-attribute", "pdf", "xades", "timestamp", "none" */
	int has_ts, ts_valid;
	char ts_time[32], ts_tsa[256];
	const char *digest_alg;
	int integrity;                 /* digest and signature value both check */
	int signing_cert_ok;           /* ESS / XAdES signing-certificate matches the signer */
	int whole_document;            /* signature covers every byte of the file */
	int cert_valid_at_time;
	const char *chain;             /* "trusted", "untrusted", "not-checked" */
	char extra[1024];              /* format-specific JSON members, already encoded (",\"k\":v…") */
	int valid;
	int n_errors;
	char errors[SIGV_MAX_ERRORS][256];
};
void sigv_error(struct sigv *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Verifies one DER CMS SignedData over content digest (SHA-256 of the signed bytes), fills v. */
void sign_verify_cms(const void *der, size_t len, const void *content, size_t clen, const char *trust,
		     struct sigv *v);
/* Checks the certificate chain of cert (with extra untrusted certs) at time t against trust. */
const char *sign_chain_status(X509 *cert, STACK_OF(X509) *extra, const char *trust, time_t t);
/* Per-format verifiers: fill v[0..*n) (at most max); -1 only when the input is unusable. */
int sign_pades_verify(const void *doc, size_t len, const char *trust, struct sigv *v, int max, int *n,
		      struct err *e);
int sign_xades_verify_detached(const void *sig, size_t slen, const void *doc, size_t len, const char *trust,
			       struct sigv *v, int max, int *n, struct err *e);
int sign_xml_verify_enveloped(const void *doc, size_t len, const char *trust, struct sigv *v, int max, int *n,
			      const char **format, struct err *e);
/* Appends v as a JSON object. */
void sigv_json(buf *b, const struct sigv *v);
/* Time-stamp token check against the bytes it must cover; fills ts_* of v. */
void sign_verify_ts_token(const void *der, size_t len, const void *imprint_data, size_t ilen,
			  const char *trust, struct sigv *v);

/* ---- CLI helpers (sign_cmd.c), shared with sign-remote -------------------------------------- */
int sign_cmd_opts(int argc, char **argv, struct sign_opts *o);
int sign_cmd_key(int argc, char **argv, struct sign_key **k);

#endif
