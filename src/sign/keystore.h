/* keystore: signing keys kept by the server, per collectivité — a user's PKCS#12 (unlocked per
 * signature by the user's PIN, which is never stored) and the collectivité's seal (cachet serveur,
 * whose password the server keeps, since automatic steps have nobody to type it). Both are sealed
 * (XChaCha20-Poly1305, libsodium) with the server key DATA/secrets/signature.key, bound to the
 * collectivité, the kind and the user: a row copied elsewhere does not open. Nothing is ever held
 * in clear outside one signature's run; every plaintext copy is wiped with OPENSSL_cleanse. */
#ifndef OPALE_SIGN_KEYSTORE_H
#define OPALE_SIGN_KEYSTORE_H
#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "sign/sign.h"

/* Stores (replaces) the user's PKCS#12 after checking the PIN opens it and its certificate is valid
 * now. Codes of sign_key_load_p12_mem, sign.cert_expired. */
int keystore_put_user(db *d, int64_t tenant, int64_t user, const void *p12, size_t len, const char *pin, struct err *e);
/* Stores (replaces) the collectivité's seal and its password. */
int keystore_put_seal(db *d, int64_t tenant, const void *p12, size_t len, const char *password, struct err *e);
/* Unlocks the user's key with pin (404 sign.no_certificate when none, 403 sign.pin when wrong). */
int keystore_user_key(db *d, int64_t tenant, int64_t user, const char *pin, struct sign_key **out, struct err *e);
/* Unlocks the collectivité's seal (404 sign.no_seal when none). */
int keystore_seal_key(db *d, int64_t tenant, struct sign_key **out, struct err *e);
int keystore_delete(db *d, int64_t tenant, const char *kind, int64_t user, struct err *e);
/* {"sujet","emetteur","numero_serie","expire_le","depose_le"} or JSON null when none. */
json_t *keystore_info(db *d, int64_t tenant, const char *kind, int64_t user, struct err *e);

/* Sealing with the server key (exposed for tests): out = base64(nonce | ciphertext | tag). */
int keystore_seal(const void *p, size_t n, const char *ad, buf *out, struct err *e);
int keystore_open(const char *b64, const char *ad, buf *plain, struct err *e);

#endif
