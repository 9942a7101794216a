/* session: internals shared by the identity routes. */
#ifndef OPALE_IDENTITY_SESSION_H
#define OPALE_IDENTITY_SESSION_H
#include "db/db.h"

struct req;

#define SESSION_COOKIE "opale_session"
#define LOGIN_WINDOW 900           /* seconds over which failures are counted */
#define LOGIN_MAX_PER_ACCOUNT 5
#define LOGIN_MAX_PER_IP 30

/* Checks the password with throttling per account and per IP; 401 auth.invalid, 429 auth.throttled. */
int login_attempt(db *d, struct req *r, const char *login, const char *password, int64_t *user, struct err *e);
/* Opens a new session (new id: no fixation), sets the cookie and r->csrf. */
int session_open(db *d, struct req *r, int64_t user, int64_t tenant, struct err *e);
int64_t session_default_tenant(db *d, int64_t user);
/* Answers an unknown/expired session: anonymous on public routes, 401 or redirect otherwise. */
int session_expired(struct req *r, int was_expired);

#endif
