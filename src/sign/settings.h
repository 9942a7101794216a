/* settings: signature settings of a collectivité (its time-stamping authority) and of the server
 * (DGFiP policy digest for PES signatures, trust store of signature reports). settings.c */
#ifndef OPALE_SIGN_SETTINGS_H
#define OPALE_SIGN_SETTINGS_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* The TSA URL for the collectivité's signatures: its own, else the server's tsa_url ('' = none). */
int sign_tenant_tsa(db *d, int64_t tenant, char *url, size_t n, struct err *e);
/* Sets (or, with '' / NULL, clears) the collectivité's own TSA URL; 400 sign.tsa_url when not http(s). */
int sign_tenant_tsa_set(db *d, int64_t tenant, const char *url, struct err *e);
/* {url, serveur} for the /mon-certificat page. */
json_t *sign_tsa_info(db *d, int64_t tenant);
/* The DGFiP policy digest (base64 SHA-256) for PES signatures: computed once from pes_policy_file
 * (again after a reload names another file), else pes_policy_digest; NULL (e filled when the file
 * is unreadable) when neither is configured. */
const char *sign_pes_policy_digest(struct err *e);
/* The configured trust store (sign_trust), NULL when none. */
const char *sign_trust_store(void);

#endif
