/* tsa: RFC 3161 time-stamp client — builds the request (SHA-256 imprint, nonce, certReq), posts it
 * over HTTP(S) with libcurl and checks the reply (status granted, imprint and nonce echoed). */
#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/bn.h>
#include <openssl/ts.h>
#include <string.h>

#include "sign/sign_priv.h"

#define TSA_MAX_REPLY (256 * 1024)

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	buf *b = ud;
	if (b->len + size * n > TSA_MAX_REPLY)
		return 0;
	buf_add(b, p, size * n);
	return size * n;
}

static TS_REQ *make_request(const unsigned char digest[32], ASN1_INTEGER **nonce_out)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL);
	TS_MSG_IMPRINT_set_algo(mi, alg);
	TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)digest, 32);
	TS_REQ_set_version(req, 1);
	TS_REQ_set_msg_imprint(req, mi);
	/* A 64-bit random nonce through BIGNUM, so that its DER is always minimal: raw random bytes
	 * with a leading zero byte (1 time in 128) made a non-DER INTEGER that the TSA rejected
	 * (« statut 2 »: the intermittent failure of tests/sign/tsa.t.sh). */
	BIGNUM *bn = BN_new();
	ASN1_INTEGER *nonce = bn && BN_rand(bn, 64, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1 ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
	BN_free(bn);
	if (!nonce)
		nonce = ASN1_INTEGER_new();
	TS_REQ_set_nonce(req, nonce);
	TS_REQ_set_cert_req(req, 1);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	*nonce_out = nonce;
	return req;
}

static int post(const char *url, const buf *body, int timeout_ms, buf *reply, struct err *e)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/timestamp-query");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body->len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(timeout_ms > 0 ? timeout_ms : 10000));
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, reply);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK)
		return err_set(e, 502, "sign.tsa_unreachable", "Serveur d'horodatage injoignable (%s) : %s", url,
			       curl_easy_strerror(rc));
	if (status != 200)
		return err_set(e, 502, "sign.tsa_http", "Le serveur d'horodatage a répondu HTTP %ld.", status);
	return 0;
}

int sign_tsa_stamp_digest(const char *url, const unsigned char digest[32], int timeout_ms, buf *token,
			  struct err *e)
{
	ASN1_INTEGER *nonce = NULL;
	TS_REQ *req = make_request(digest, &nonce);
	buf body = BUF_INIT, reply = BUF_INIT;
	der_i2d(&body, i2d_TS_REQ, req);
	int rc = -1;
	TS_RESP *resp = NULL;
	TS_VERIFY_CTX *vc = NULL;
	if (post(url, &body, timeout_ms, &reply, e) < 0)
		goto out;
	const unsigned char *p = (const unsigned char *)reply.data;
	resp = d2i_TS_RESP(NULL, &p, (long)reply.len);
	if (!resp) {
		err_set(e, 502, "sign.tsa_reply", "Réponse du serveur d'horodatage illisible.");
		goto out;
	}
	TS_STATUS_INFO *si = TS_RESP_get_status_info(resp);
	long st = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si));
	if (st != 0 && st != 1) {   /* granted, grantedWithMods */
		err_set(e, 502, "sign.tsa_refused", "Le serveur d'horodatage a refusé la demande (statut %ld).", st);
		goto out;
	}
	/* imprint and nonce must be those we sent; the token's own signature is checked by verify */
	vc = TS_VERIFY_CTX_new();
	TS_VERIFY_CTX_set_flags(vc, TS_VFY_VERSION | TS_VFY_IMPRINT);
	unsigned char *imp = OPENSSL_memdup(digest, 32);
	TS_VERIFY_CTX_set_imprint(vc, imp, 32);
	const ASN1_INTEGER *echo = TS_TST_INFO_get_nonce(TS_RESP_get_tst_info(resp));
	if (TS_RESP_verify_response(vc, resp) != 1 || !echo || ASN1_INTEGER_cmp(echo, nonce) != 0) {
		err_set(e, 502, "sign.tsa_mismatch", "Le jeton d'horodatage ne correspond pas à la demande.");
		goto out;
	}
	der_i2d(token, i2d_PKCS7, TS_RESP_get_token(resp));
	rc = 0;
out:
	ERR_clear_error();
	TS_VERIFY_CTX_free(vc);
	TS_RESP_free(resp);
	TS_REQ_free(req);
	ASN1_INTEGER_free(nonce);
	buf_free(&body);
	buf_free(&reply);
	return rc;
}

int sign_tsa_stamp(const char *url, const void *data, size_t len, int timeout_ms, buf *token, struct err *e)
{
	unsigned char d[32];
	sign_sha256(data, len, d);
	return sign_tsa_stamp_digest(url, d, timeout_ms, token, e);
}
