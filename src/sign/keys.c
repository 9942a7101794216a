/* keys: signing identities (PKCS#12 unlocked by a password, certificate-only keys for two-phase
 * signing), the raw-signature step, and small crypto helpers shared by the signature formats. */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "sign/sign_priv.h"

int sign_read_password_file(const char *path, char *out, size_t n, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, 400, "sign.password_file", "Fichier de mot de passe illisible : %s", path);
	size_t got = fread(out, 1, n - 1, f);
	fclose(f);
	out[got] = 0;
	out[strcspn(out, "\r\n")] = 0;
	return 0;
}

static int load_p12_bio(BIO *in, const char *password, struct sign_key **out, struct err *e)
{
	PKCS12 *p12 = d2i_PKCS12_bio(in, NULL);
	if (!p12) {
		ERR_clear_error();
		return err_set(e, 400, "sign.p12_read", "Le fichier n'est pas un PKCS#12 (.p12/.pfx) lisible.");
	}
	if (!PKCS12_verify_mac(p12, password, -1)) {
		PKCS12_free(p12);
		ERR_clear_error();
		return err_set(e, 403, "sign.pin", "Mot de passe (code PIN) du certificat incorrect.");
	}
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *ca = NULL;
	int ok = PKCS12_parse(p12, password, &pkey, &cert, &ca);
	PKCS12_free(p12);
	if (!ok || !pkey || !cert) {
		ERR_clear_error();
		EVP_PKEY_free(pkey);
		X509_free(cert);
		sk_X509_pop_free(ca, X509_free);
		return err_set(e, 400, "sign.p12", "Le PKCS#12 ne contient pas de clé privée et de certificat utilisables.");
	}
	if (!X509_check_private_key(cert, pkey)) {
		ERR_clear_error();
		EVP_PKEY_free(pkey);
		X509_free(cert);
		sk_X509_pop_free(ca, X509_free);
		return err_set(e, 400, "sign.p12", "La clé privée du PKCS#12 ne correspond pas à son certificat.");
	}
	struct sign_key *k = xcalloc(1, sizeof *k);
	k->pkey = pkey;
	k->cert = cert;
	k->chain = ca ? ca : sk_X509_new_null();
	*out = k;
	return 0;
}

int sign_key_load_p12_mem(const void *der, size_t len, const char *password, struct sign_key **out,
			  struct err *e)
{
	BIO *in = BIO_new_mem_buf(der, (int)len);
	int rc = load_p12_bio(in, password, out, e);
	BIO_free(in);
	return rc;
}

int sign_key_load_p12(const char *path, const char *password, struct sign_key **out, struct err *e)
{
	BIO *in = BIO_new_file(path, "rb");
	if (!in) {
		ERR_clear_error();
		return err_set(e, 400, "sign.p12_read", "Fichier de certificat introuvable ou illisible : %s", path);
	}
	int rc = load_p12_bio(in, password, out, e);
	BIO_free(in);
	return rc;
}

int sign_key_from_cert(const void *data, size_t len, struct sign_key **out, struct err *e)
{
	BIO *in = BIO_new_mem_buf(data, (int)len);
	STACK_OF(X509) *all = sk_X509_new_null();
	X509 *x;
	while ((x = PEM_read_bio_X509(in, NULL, NULL, NULL)))
		sk_X509_push(all, x);
	ERR_clear_error();
	if (sk_X509_num(all) == 0) {
		const unsigned char *p = data;
		if ((x = d2i_X509(NULL, &p, (long)len)))
			sk_X509_push(all, x);
		ERR_clear_error();
	}
	BIO_free(in);
	if (sk_X509_num(all) == 0) {
		sk_X509_free(all);
		return err_set(e, 400, "sign.cert", "Certificat du signataire illisible (PEM ou DER attendu).");
	}
	struct sign_key *k = xcalloc(1, sizeof *k);
	k->cert = sk_X509_shift(all);
	k->chain = all;
	*out = k;
	return 0;
}

void sign_key_free(struct sign_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	X509_free(k->cert);
	sk_X509_pop_free(k->chain, X509_free);
	free(k);
}

void sign_key_subject(const struct sign_key *k, buf *b)
{
	sign_name_str(X509_get_subject_name(k->cert), b);
}

int sign_raw_local(const struct sign_key *k, const void *tbs, size_t n, buf *sig, struct err *e)
{
	if (!k->pkey)
		return err_set(e, 500, "sign.no_key", "Aucune clé privée disponible pour signer.");
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t slen = 0;
	int ok = EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) == 1 &&
		 EVP_DigestSign(ctx, NULL, &slen, tbs, n) == 1;
	if (ok) {
		buf_grow(sig, slen);
		ok = EVP_DigestSign(ctx, (unsigned char *)sig->data + sig->len, &slen, tbs, n) == 1;
		if (ok) {
			sig->len += slen;
			sig->data[sig->len] = 0;
		}
	}
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();
		return err_set(e, 500, "sign.crypto", "Échec du calcul de la signature (clé privée).");
	}
	return 0;
}

/* Checks a raw signature value against the certificate's public key. */
static int raw_check(const struct sign_key *k, const void *tbs, size_t n, const buf *sig)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, X509_get0_pubkey(k->cert)) == 1 &&
		 EVP_DigestVerify(ctx, (const unsigned char *)sig->data, sig->len, tbs, n) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

int sign_raw(const struct sign_key *ck, const void *tbs, size_t n, buf *sig, struct err *e)
{
	struct sign_key *k = (struct sign_key *)ck;   /* a run owns its key's two-phase state */
	switch (k->mode) {
	case KEY_LOCAL:
		return sign_raw_local(k, tbs, n, sig, e);
	case KEY_CAPTURE: {
		if (k->n_slots >= k->max_slots)
			return err_set(e, 400, "sign.remote_too_many", "Trop de signatures demandées pour un seul document.");
		buf_add(&k->slots[k->n_slots++], tbs, n);
		/* a placeholder of the size of a real value: the final layout must not change */
		int size = EVP_PKEY_get_size(X509_get0_pubkey(k->cert));
		buf_grow(sig, (size_t)size);
		memset(sig->data + sig->len, 0x5a, (size_t)size);
		sig->len += (size_t)size;
		sig->data[sig->len] = 0;
		return 0;
	}
	case KEY_INJECT: {
		if (k->next >= k->n_slots)
			return err_set(e, 400, "sign.remote_count", "Nombre de valeurs de signature insuffisant.");
		const buf *v = &k->slots[k->next++];
		if (!raw_check(k, tbs, n, v))
			return err_set(e, 400, "sign.remote_mismatch",
				       "La valeur de signature n° %d ne correspond pas aux données à signer "
				       "(certificat, date figée ou document différents).", k->next);
		buf_add(sig, v->data, v->len);
		return 0;
	}
	}
	return -1;
}

int sign_check_cert_time(const struct sign_key *k, time_t t, struct err *e)
{
	char iso[32];
	if (X509_cmp_time(X509_get0_notAfter(k->cert), &t) < 0) {
		sign_asn1_time_iso(X509_get0_notAfter(k->cert), iso, sizeof iso);
		return err_set(e, 400, "sign.cert_expired", "Le certificat de signature a expiré le %.10s : signature refusée.", iso);
	}
	if (X509_cmp_time(X509_get0_notBefore(k->cert), &t) > 0) {
		sign_asn1_time_iso(X509_get0_notBefore(k->cert), iso, sizeof iso);
		return err_set(e, 400, "sign.cert_not_yet_valid", "Le certificat de signature n'est valable qu'à partir du %.10s.", iso);
	}
	return 0;
}

void sign_sha256(const void *p, size_t n, unsigned char out[32])
{
	EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL);
}

void sign_name_str(const X509_NAME *n, buf *b)
{
	BIO *m = BIO_new(BIO_s_mem());
	X509_NAME_print_ex(m, n, 0, (XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB & ~XN_FLAG_SPC_EQ) | ASN1_STRFLGS_UTF8_CONVERT);
	char *p;
	long len = BIO_get_mem_data(m, &p);
	buf_add(b, p, (size_t)len);
	BIO_free(m);
}

void sign_cert_cn(X509 *c, buf *b)
{
	X509_NAME *n = X509_get_subject_name(c);
	int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	unsigned char *u = NULL;
	int len = i >= 0 ? ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i))) : -1;
	if (len >= 0)
		buf_add(b, u, (size_t)len);
	else
		sign_name_str(n, b);
	OPENSSL_free(u);
}

void sign_time_iso(time_t t, char *out, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void sign_asn1_time_iso(const ASN1_TIME *t, char *out, size_t n)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm)) {
		snprintf(out, n, "%s", "");
		return;
	}
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void sign_b64(buf *b, const void *p, size_t n)
{
	buf_grow(b, 4 * ((n + 2) / 3) + 1);
	int w = EVP_EncodeBlock((unsigned char *)b->data + b->len, p, (int)n);
	b->len += (size_t)w;
	b->data[b->len] = 0;
}

int sign_unb64(const char *s, size_t n, buf *out)
{
	/* EVP_DecodeBlock wants no whitespace and reports padding as zero bytes */
	buf clean = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
			buf_putc(&clean, s[i]);
	if (clean.len % 4) {
		buf_free(&clean);
		return -1;
	}
	size_t pad = 0;
	if (clean.len && clean.data[clean.len - 1] == '=')
		pad++;
	if (clean.len > 1 && clean.data[clean.len - 2] == '=')
		pad++;
	buf_grow(out, clean.len / 4 * 3 + 1);
	int w = clean.len ? EVP_DecodeBlock((unsigned char *)out->data + out->len, (unsigned char *)clean.data,
					    (int)clean.len) : 0;
	buf_free(&clean);
	if (w < 0)
		return -1;
	out->len += (size_t)w - pad;
	out->data[out->len] = 0;
	return 0;
}

int sign_format_parse(const char *name)
{
	static const char *const names[] = { "pades", "cades", "xades", "pes" };
	for (int i = 0; name && i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

const char *sign_format_name(int format)
{
	static const char *const names[] = { "PAdES", "CAdES", "XAdES", "PES" };
	return format >= 0 && format < 4 ? names[format] : "?";
}
