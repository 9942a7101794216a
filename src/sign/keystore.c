/* keystore: the server's signing keys (user PKCS#12, collectivité seal), sealed with the server key. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/mem.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "sign/keystore.h"
#include "sign/sign_priv.h"

static pthread_mutex_t key_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char server_key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
static char key_dir[1024];   /* data dir the key was read from ("" = not yet) */

/* DATA/secrets/signature.key: 32 random bytes, created on first use (mode 0600, O_EXCL so that two
 * processes starting at once agree on one key). */
static int load_server_key(struct err *e)
{
	pthread_mutex_lock(&key_mu);
	if (key_dir[0] && strcmp(key_dir, cfg.data_dir) == 0) {
		pthread_mutex_unlock(&key_mu);
		return 0;
	}
	char dir[1100], path[1200];
	snprintf(dir, sizeof dir, "%s/secrets", cfg.data_dir[0] ? cfg.data_dir : "var");
	snprintf(path, sizeof path, "%s/signature.key", dir);
	mkdir(cfg.data_dir[0] ? cfg.data_dir : "var", 0750);
	mkdir(dir, 0700);
	int rc = -1;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd >= 0) {
		if (sodium_init() < 0)
			goto out_close;
		unsigned char k[sizeof server_key];
		randombytes_buf(k, sizeof k);
		int ok = write(fd, k, sizeof k) == (ssize_t)sizeof k && fsync(fd) == 0;
		OPENSSL_cleanse(k, sizeof k);
		if (!ok)
			goto out_close;
		close(fd);
	} else if (errno != EEXIST) {
		goto out;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0)
		goto out;
	/* a concurrent creator may not have written yet: wait for the 32 bytes */
	for (int i = 0; i < 100; i++) {
		ssize_t n = pread(fd, server_key, sizeof server_key, 0);
		if (n == (ssize_t)sizeof server_key) {
			rc = 0;
			break;
		}
		usleep(10000);
	}
out_close:
	close(fd);
out:
	if (rc == 0)
		snprintf(key_dir, sizeof key_dir, "%s", cfg.data_dir);
	pthread_mutex_unlock(&key_mu);
	if (rc < 0)
		return err_set(e, 500, "sign.server_key", "Clé de chiffrement du serveur illisible (%s).", path);
	return 0;
}

int keystore_seal(const void *p, size_t n, const char *ad, buf *out, struct err *e)
{
	if (load_server_key(e) < 0 || sodium_init() < 0)
		return -1;
	size_t nb = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, tb = crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned char *c = xmalloc(nb + n + tb);
	randombytes_buf(c, nb);
	unsigned long long clen = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(c + nb, &clen, p, n, (const unsigned char *)ad, strlen(ad), NULL, c, server_key);
	sign_b64(out, c, nb + (size_t)clen);
	free(c);
	return 0;
}

int keystore_open(const char *b64, const char *ad, buf *plain, struct err *e)
{
	if (load_server_key(e) < 0 || sodium_init() < 0)
		return -1;
	buf c = BUF_INIT;
	size_t nb = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, tb = crypto_aead_xchacha20poly1305_ietf_ABYTES;
	if (sign_unb64(b64, strlen(b64), &c) < 0 || c.len < nb + tb) {
		buf_free(&c);
		return err_set(e, 500, "sign.keystore", "Clé enregistrée illisible.");
	}
	buf_grow(plain, c.len);   /* sized once: no reallocation leaves a copy behind */
	unsigned long long n = 0;
	int rc = crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)plain->data + plain->len, &n, NULL,
							    (unsigned char *)c.data + nb, c.len - nb, (const unsigned char *)ad,
							    strlen(ad), (unsigned char *)c.data, server_key);
	buf_free(&c);
	if (rc != 0)
		return err_set(e, 500, "sign.keystore", "Clé enregistrée illisible (clé du serveur changée ou donnée altérée).");
	plain->len += (size_t)n;
	plain->data[plain->len] = 0;
	return 0;
}

static void wipe(buf *b)
{
	if (b->data)
		OPENSSL_cleanse(b->data, b->cap);
	buf_free(b);
}

static const char *ad_of(int64_t tenant, const char *kind, int64_t user, const char *what, char *out, size_t n)
{
	snprintf(out, n, "opale-sign:%lld:%s:%lld:%s", (long long)tenant, kind, (long long)user, what);
	return out;
}

static int put(db *d, int64_t tenant, const char *kind, int64_t user, const void *p12, size_t len, const char *secret,
	       const char *pin, struct err *e)
{
	struct sign_key *k = NULL;
	if (!p12 || !len)
		return err_set(e, 400, "sign.p12_read", "Fichier PKCS#12 (.p12/.pfx) attendu.");
	if (len > 256 * 1024)
		return err_set(e, 413, "sign.p12_read", "Fichier PKCS#12 trop gros (256 Kio au plus).");
	if (sign_key_load_p12_mem(p12, len, pin ? pin : "", &k, e) < 0)
		return -1;
	int rc = -1;
	buf subj = BUF_INIT, iss = BUF_INIT, sp = BUF_INIT, ss = BUF_INIT;
	char ad[160], serial[96] = "", na[32];
	if (sign_check_cert_time(k, time(NULL), e) < 0)
		goto out;
	sign_key_subject(k, &subj);
	sign_name_str(X509_get_issuer_name(k->cert), &iss);
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(k->cert), NULL);
	char *hex = BN_bn2hex(bn);
	snprintf(serial, sizeof serial, "%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	sign_asn1_time_iso(X509_get0_notAfter(k->cert), na, sizeof na);
	if (keystore_seal(p12, len, ad_of(tenant, kind, user, "p12", ad, sizeof ad), &sp, e) < 0)
		goto out;
	if (secret && keystore_seal(secret, strlen(secret), ad_of(tenant, kind, user, "secret", ad, sizeof ad), &ss, e) < 0)
		goto out;
	if (tdb_run(d, tenant, e, "DELETE FROM sign_keys WHERE tenant_id = $1 AND kind = $2 AND user_id = $3", "ti", kind, user) < 0 ||
	    tdb_run(d, tenant, e, "INSERT INTO sign_keys (tenant_id, kind, user_id, subject, issuer, serial, not_after, sealed_p12,"
				  " sealed_secret, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", "titttttti", kind, user,
		    subj.data, iss.data ? iss.data : "", serial, na, sp.data, ss.data ? ss.data : "", identity_now()) < 0)
		goto out;
	rc = 0;
out:
	sign_key_free(k);
	buf_free(&subj);
	buf_free(&iss);
	buf_free(&sp);
	buf_free(&ss);
	return rc;
}

int keystore_put_user(db *d, int64_t tenant, int64_t user, const void *p12, size_t len, const char *pin, struct err *e)
{
	return put(d, tenant, "personnel", user, p12, len, NULL, pin, e);
}

int keystore_put_seal(db *d, int64_t tenant, const void *p12, size_t len, const char *password, struct err *e)
{
	return put(d, tenant, "cachet", 0, p12, len, password ? password : "", password, e);
}

/* Reads the sealed row; p12 (and secret) receive plaintexts the caller wipes. */
static int get(db *d, int64_t tenant, const char *kind, int64_t user, buf *p12, buf *secret, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT sealed_p12, sealed_secret FROM sign_keys WHERE tenant_id = $1 AND kind = $2"
						  " AND user_id = $3", "ti", kind, user);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return user ? err_set(e, 404, "sign.no_certificate",
				      "Aucun certificat de signature enregistré : déposez votre certificat (.p12) sur la page « Mon certificat ».")
			    : err_set(e, 404, "sign.no_seal",
				      "Aucun cachet serveur n'est configuré pour la collectivité : l'administrateur doit le déposer.");
	}
	char ad[160];
	int r = keystore_open(db_col_text(s, 0), ad_of(tenant, kind, user, "p12", ad, sizeof ad), p12, e);
	if (r == 0 && secret)
		r = keystore_open(db_col_text(s, 1), ad_of(tenant, kind, user, "secret", ad, sizeof ad), secret, e);
	db_finalize(s);
	return r;
}

int keystore_user_key(db *d, int64_t tenant, int64_t user, const char *pin, struct sign_key **out, struct err *e)
{
	if (!pin || !*pin)
		return err_set(e, 400, "sign.pin_missing", "Saisissez le code PIN de votre certificat pour signer.");
	buf p12 = BUF_INIT;
	int rc = get(d, tenant, "personnel", user, &p12, NULL, e);
	if (rc == 0)
		rc = sign_key_load_p12_mem(p12.data, p12.len, pin, out, e);
	wipe(&p12);
	return rc;
}

int keystore_seal_key(db *d, int64_t tenant, struct sign_key **out, struct err *e)
{
	buf p12 = BUF_INIT, pw = BUF_INIT;
	int rc = get(d, tenant, "cachet", 0, &p12, &pw, e);
	if (rc == 0)
		rc = sign_key_load_p12_mem(p12.data, p12.len, pw.data ? pw.data : "", out, e);
	wipe(&p12);
	wipe(&pw);
	return rc;
}

int keystore_delete(db *d, int64_t tenant, const char *kind, int64_t user, struct err *e)
{
	return tdb_run(d, tenant, e, "DELETE FROM sign_keys WHERE tenant_id = $1 AND kind = $2 AND user_id = $3", "ti", kind, user);
}

json_t *keystore_info(db *d, int64_t tenant, const char *kind, int64_t user, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT subject, issuer, serial, not_after, created_at FROM sign_keys"
						  " WHERE tenant_id = $1 AND kind = $2 AND user_id = $3", "ti", kind, user);
	json_t *j = json_null();
	if (s && rc == DB_ROW)
		j = json_pack("{s:s,s:s,s:s,s:s,s:I}", "sujet", db_col_text(s, 0), "emetteur", db_col_text(s, 1), "numero_serie",
			      db_col_text(s, 2), "expire_le", db_col_text(s, 3), "depose_le", (json_int_t)db_col_int64(s, 4));
	if (s)
		db_finalize(s);
	return j;
}
