/* sign: the signature engine — PAdES (incremental update), CAdES detached, XAdES detached, XAdES
 * enveloped for PES V2, RFC 3161 time-stamps, verification, and the two-phase (remote key) API.
 * Every function fills a struct err (stable code + French message) on failure and returns -1. */
#ifndef OPALE_SIGN_H
#define OPALE_SIGN_H
#include <stddef.h>
#include <time.h>

#include "core/buf.h"
#include "core/err.h"

enum sign_format { SIGN_PADES, SIGN_CADES, SIGN_XADES, SIGN_PES };

/* "pades", "cades", "xades", "pes" → format; -1 when unknown. */
int sign_format_parse(const char *name);
const char *sign_format_name(int format);

/* ---- keys ---------------------------------------------------------------------------------- */

/* A signing identity: certificate, chain, and either a private key (local signing) or nothing
 * (two-phase signing, where the raw signature value comes from outside). Opaque. */
struct sign_key;

/* Loads a PKCS#12 file unlocked by password. Codes: sign.p12_read (file), sign.pin (wrong
 * password), sign.p12 (no key or certificate inside). The caller wipes its password copy. */
int sign_key_load_p12(const char *path, const char *password, struct sign_key **out, struct err *e);
/* The same from bytes in memory (a PKCS#12 kept encrypted in storage). */
int sign_key_load_p12_mem(const void *der, size_t len, const char *password, struct sign_key **out,
			  struct err *e);
/* A key without private part: certificate (PEM or DER) plus optional chain, for two-phase signing. */
int sign_key_from_cert(const void *cert, size_t len, struct sign_key **out, struct err *e);
void sign_key_free(struct sign_key *k);
/* Reads a password file (first line, trailing CR/LF removed) into out (size n). */
int sign_read_password_file(const char *path, char *out, size_t n, struct err *e);
/* Writes the signer certificate's subject (one line, UTF-8) into b. */
void sign_key_subject(const struct sign_key *k, buf *b);

/* ---- signing ------------------------------------------------------------------------------- */

struct sign_opts {
	time_t signing_time;     /* 0 = now; frozen by the two-phase API */
	const char *reason;      /* PAdES /Reason */
	const char *location;    /* PAdES /Location; XAdES/PES production place city */
	const char *postal_code; /* XAdES/PES production place */
	const char *role;        /* visible stamp, XAdES ClaimedRole */
	const char *name;        /* stamp and /Name; default: certificate CN */
	const char *collectivite;/* stamp */
	const char *absent_for;  /* stamp: « En l'absence de … » (delegation) */
	const char *tsa_url;     /* RFC 3161 time-stamp (B-T) when set */
	const char *tag;         /* PAdES visible stamp at this text tag (e.g. "#signature#") */
	int page;                /* PAdES visible stamp page (1-based, negative = from the end), 0 = none */
	double x, y;             /* stamp lower-left corner, PDF points from the page's lower-left */
	int visible;             /* stamp requested (tag or page set) */
	int pem;                 /* CAdES: PEM armour instead of DER */
	const char *mime_type;   /* XAdES detached: DataObjectFormat MimeType */
	const char *file_name;   /* XAdES detached: reference URI (file name of the signed document) */
	const char *policy_digest; /* PES: base64 SHA-256 of the DGFiP policy document (see docs) */
	int timeout_ms;          /* TSA timeout, 0 = 10 s */
};

/* Each takes the document bytes and appends the result to out: the signed PDF (PAdES), the .p7s
 * (CAdES), the detached signature XML (XAdES) or the signed PES (PES). */
int sign_pades(const struct sign_key *k, const void *doc, size_t len, const struct sign_opts *o, buf *out,
	       struct err *e);
int sign_cades(const struct sign_key *k, const void *doc, size_t len, const struct sign_opts *o, buf *out,
	       struct err *e);
int sign_xades(const struct sign_key *k, const void *doc, size_t len, const struct sign_opts *o, buf *out,
	       struct err *e);
int sign_pes(const struct sign_key *k, const void *doc, size_t len, const struct sign_opts *o, buf *out,
	     struct err *e);
/* SHA-256 (base64) of a policy document file, for sign_opts.policy_digest (PES). */
int sign_policy_digest_file(const char *path, char *out, size_t n, struct err *e);
/* Dispatch on format. */
int sign_document(int format, const struct sign_key *k, const void *doc, size_t len,
		  const struct sign_opts *o, buf *out, struct err *e);

/* ---- two-phase signing (key outside the server) --------------------------------------------- */
/* Phase 1: with a certificate-only key, computes the bytes the holder of the private key must sign
 * (DER signed attributes for PAdES/CAdES, canonical SignedInfo for XAdES/PES; one entry per
 * signature, PES may need several) and freezes the signing time in o->signing_time.
 * Each entry of tbs is a separate buf; *n receives the count (max entries). */
int sign_data_to_sign(int format, const struct sign_key *k, const void *doc, size_t len,
		      struct sign_opts *o, buf *tbs, int max, int *n, struct err *e);
/* Phase 2: the same inputs (same frozen time) plus the raw signature values (PKCS#1 v1.5 or
 * ECDSA DER over SHA-256 of each tbs); checks each value against the certificate, then writes the
 * signed document to out. Code sign.remote_mismatch when a value does not verify. */
int sign_assemble(int format, const struct sign_key *k, const void *doc, size_t len,
		  const struct sign_opts *o, const buf *sigs, int n, buf *out, struct err *e);
/* Raw signature of tbs with a local key (what a remote client does in phase 2). */
int sign_raw_local(const struct sign_key *k, const void *tbs, size_t n, buf *sig, struct err *e);

/* ---- time-stamps (RFC 3161) ---------------------------------------------------------------- */

/* Asks the TSA at url for a token over SHA-256(data); appends the DER TimeStampToken to token. */
int sign_tsa_stamp(const char *url, const void *data, size_t len, int timeout_ms, buf *token, struct err *e);
/* The same for a digest already computed (SHA-256, 32 bytes). */
int sign_tsa_stamp_digest(const char *url, const unsigned char digest[32], int timeout_ms, buf *token,
			  struct err *e);

/* ---- verification -------------------------------------------------------------------------- */

struct sign_verify_opts {
	const char *trust;       /* PEM file or directory of trusted CA certificates; NULL = chain not checked */
	const void *detached;    /* detached signature (CAdES .p7s or XAdES .xml) over the file */
	size_t detached_len;
};

/* Verifies every signature of the document (PDF, PES/XML with enveloped signatures, or a file
 * with a detached signature) and appends a JSON report to json. Returns 1 when signed and all
 * signatures are valid, 0 when unsigned or any is invalid, -1 on error (unreadable input). */
int sign_verify(const void *doc, size_t len, const struct sign_verify_opts *o, buf *json, struct err *e);
/* French HTML fragment for the same report (escaped), for the verification page. */
int sign_verify_html(const void *doc, size_t len, const struct sign_verify_opts *o, buf *html,
		     struct err *e);

#endif
