/* remote: format dispatch and the two-phase API. Phase 1 runs the real signing code with a key in
 * "capture" mode (it records the bytes to sign and returns placeholders); phase 2 runs it again with
 * the same frozen time in "inject" mode (it returns the client's values after checking them). Every
 * format is deterministic for given inputs and time, so both runs lay out the same bytes. */
#include <stdio.h>
#include <string.h>

#include "sign/sign_priv.h"

int sign_document(int format, const struct sign_key *k, const void *doc, size_t len,
		  const struct sign_opts *o, buf *out, struct err *e)
{
	switch (format) {
	case SIGN_PADES: return sign_pades(k, doc, len, o, out, e);
	case SIGN_CADES: return sign_cades(k, doc, len, o, out, e);
	case SIGN_XADES: return sign_xades(k, doc, len, o, out, e);
	case SIGN_PES: return sign_pes(k, doc, len, o, out, e);
	}
	return err_set(e, 400, "sign.format", "Format de signature inconnu.");
}

int sign_policy_digest_file(const char *path, char *out, size_t n, struct err *e)
{
	buf b = BUF_INIT, b64 = BUF_INIT;
	if (buf_read_file(&b, path, 64u * 1024 * 1024) < 0) {
		buf_free(&b);
		return err_set(e, 400, "sign.policy_file", "Document de politique de signature illisible : %s", path);
	}
	unsigned char d[32];
	sign_sha256(b.data ? b.data : "", b.len, d);
	sign_b64(&b64, d, 32);
	snprintf(out, n, "%s", b64.data);
	buf_free(&b);
	buf_free(&b64);
	return 0;
}

int sign_data_to_sign(int format, const struct sign_key *ck, const void *doc, size_t len,
		      struct sign_opts *o, buf *tbs, int max, int *n, struct err *e)
{
	struct sign_key *k = (struct sign_key *)ck;
	if (!o->signing_time)
		o->signing_time = time(NULL);
	struct sign_opts oo = *o;
	oo.tsa_url = NULL;   /* the time-stamp covers the final value: phase 2 only */
	k->mode = KEY_CAPTURE;
	k->slots = tbs;
	k->n_slots = 0;
	k->max_slots = max;
	buf scratch = BUF_INIT;
	int rc = sign_document(format, k, doc, len, &oo, &scratch, e);
	buf_free(&scratch);
	*n = k->n_slots;
	k->mode = KEY_LOCAL;
	k->slots = NULL;
	return rc;
}

int sign_assemble(int format, const struct sign_key *ck, const void *doc, size_t len,
		  const struct sign_opts *o, const buf *sigs, int n, buf *out, struct err *e)
{
	struct sign_key *k = (struct sign_key *)ck;
	if (!o->signing_time)
		return err_set(e, 400, "sign.remote_time", "La date de signature figée en phase 1 est requise.");
	k->mode = KEY_INJECT;
	k->slots = (buf *)sigs;
	k->n_slots = n;
	k->next = 0;
	int rc = sign_document(format, k, doc, len, o, out, e);
	if (rc == 0 && k->next != n)
		rc = err_set(e, 400, "sign.remote_count", "%d valeur(s) de signature reçue(s), %d attendue(s).", n, k->next);
	k->mode = KEY_LOCAL;
	k->slots = NULL;
	return rc;
}
