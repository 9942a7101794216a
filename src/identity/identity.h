/* identity: collectivités (tenants) of the operator, service tiers, users and roles, passwords,
 * sessions and API tokens, the hash-chained audit log, adhesion conventions. */
#ifndef OPALE_IDENTITY_H
#define OPALE_IDENTITY_H
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "db/db.h"

struct req;

/* Service tiers of the CDG 62 convention (bits; tier 3 may be held with 1 or 2). */
enum tier {
	TIER_DEMAT = 1 << 0,       /* 1 « Paramétrage et dématérialisation » */
	TIER_PARAPHEUR = 1 << 1,   /* 2 « Paramétrage, organisation et dématérialisation » */
	TIER_IDELIBRE = 1 << 2,    /* 3 « iDélibre » */
};
/* Validates a tier combination: 1 xor 2, optionally with 3. */
int tiers_valid(unsigned tiers, struct err *e);
/* "1+3" style label and the French names. */
const char *tier_name(unsigned tier_bit);
/* Translates tiers to route flags (RF_TIER_*). */
unsigned tiers_to_route_flags(unsigned tiers);

/* Roles: names as used in the CLI and API ("agent", "signataire"…). */
struct role_name { unsigned bit; const char *key, *label; };
extern const struct role_name role_names[];
/* Parses "agent,signataire" into bits; -1 on an unknown name (e filled). */
int roles_parse(const char *list, unsigned *out, struct err *e);
void roles_format(unsigned roles, buf *out);

/* Collectivité kinds. */
extern const char *const collectivite_kinds[];  /* NULL-terminated keys */
const char *collectivite_kind_label(const char *key);

struct collectivite {
	int64_t id;
	char name[256], siren[16], siret[16], kind[40], departement[8], prefecture[16], website[256], city[128];
	int64_t population;
	unsigned tiers;
};
/* Checks identifiers (SIREN/SIRET Luhn, département, PREFnnn) and the kind. */
int collectivite_check(const struct collectivite *c, struct err *e);
int collectivite_create(db *d, struct collectivite *c, int64_t actor, const char *ip, struct err *e);
int collectivite_get(db *d, int64_t id, struct collectivite *c, struct err *e);
int luhn_valid(const char *digits);

/* Passwords (argon2id). Strength per ANSSI guidance: ≥ 12 characters with 3 character classes,
 * or ≥ 16 of any kind; never containing the login. */
int password_check(const char *pw, const char *login, struct err *e);
int password_hash(const char *pw, char out[128], struct err *e);
int password_verify(const char *hash, const char *pw);

struct user {
	int64_t id;
	char login[128], email[256], first_name[128], last_name[128], fonction[128];
	int is_operator;
};
int user_create(db *d, const struct user *u, const char *password, int64_t actor, const char *ip, int64_t *id, struct err *e);
int user_set_password(db *d, int64_t user_id, const char *login, const char *password, struct err *e);
int user_grant(db *d, int64_t user_id, int64_t tenant_id, unsigned roles, struct err *e);
int64_t user_find(db *d, const char *login);

/* Audit log: append-only, each entry hashing the previous one. */
int audit_append(db *d, int64_t tenant, int64_t user, const char *ip, const char *action, const char *object,
		 const char *detail, struct err *e);
/* Convenience for handlers. */
void audit_req(struct req *r, const char *action, const char *object, const char *detail);
/* Walks the chain; 0 when intact, else -1 and a French report in out naming the first bad entry. */
int audit_verify(db *d, buf *out);

/* Adhesion convention dates (ISO YYYY-MM-DD strings). */
struct adhesion_dates {
	char term_end[11];          /* start + 5 years − 1 day */
	char renewed_end[11];       /* start + 10 years − 1 day (after the single express renewal) */
	char effective_end[11];     /* the end that applies now */
	char warn_from[11];         /* 3 months before effective_end */
	char termination_effect[11];/* 1st day of the month after notification, when notified */
	int can_renew;              /* not renewed yet */
};
int adhesion_compute(const char *start, const char *renewed_on, const char *notified_on, struct adhesion_dates *out,
		     struct err *e);
/* Termination effective date for a notification date. */
int adhesion_termination_effect(const char *notified_on, char out[11], struct err *e);

/* Activity counters fed by modules (acts sent, errors, convocations…). */
int activity_add(db *d, int64_t tenant, const char *counter, int64_t n);

/* Random opaque token (base64url, 32 bytes of entropy) and its SHA-256 hex digest. */
void identity_random_token(char out[64]);
void identity_sha256_hex(const char *s, char out[65]);

/* Seconds since the epoch (wall clock), overridable in tests with OPALE_NOW. */
int64_t identity_now(void);

#endif
