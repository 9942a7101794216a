/* srvtest: starts a real `opale serve` for integration tests, on the engine chosen by the runner
 * (OPALE_TEST_DB=sqlite|pg), with a fresh data directory and database, demo data loaded. */
#ifndef OPALE_SRVTEST_H
#define OPALE_SRVTEST_H
#include <sys/types.h>

#include "db/db.h"

struct srv {
	char data[256];      /* data directory */
	char db_url[512];    /* "" for SQLite */
	char base[128];       /* http://127.0.0.1:PORT */
	pid_t pid;
};

/* Creates the data dir (and PostgreSQL database), migrates, loads the demo, starts the server with
 * the extra arguments (NULL-terminated). Returns 0 or -1. */
int srv_start(struct srv *s, const char *const *extra_args);
/* srv_start for a test of the mail a server sends: its mail goes to the SMTP test server of
 * tests/services (OPALE_TEST_SMTP), with --public-url public_url when not NULL, jobs polled every
 * 100 ms; *maildir receives the Maildir that SMTP server writes (OPALE_TEST_MAILDIR). Returns 0, -1
 * when no SMTP test server runs (nothing started), -2 when the server does not start. */
int srv_start_mail(struct srv *s, const char *public_url, const char **maildir);
/* Starts the server again on the same data, database and port (after srv_kill or a crash). */
int srv_restart(struct srv *s, const char *const *extra_args);
/* Runs an opale CLI command against the same data/database; returns its exit status. out may be NULL. */
int srv_cli(struct srv *s, char *out, size_t outlen, const char *const *args);
/* Opens a direct connection to the server's database (for setup and checks). */
db *srv_db(struct srv *s);
void srv_stop(struct srv *s);
/* For a test that waited in vain: prints, as "# " lines, the jobs not done (kind, state, due in
 * seconds, attempts, lease holder, last error), the last lines of the server's log and every
 * server thread's stack (gdb, when installed) — what is needed to understand a stall after the fact. */
void srv_diagnose(struct srv *s, const char *why);
/* The value of one series of the server's /metrics (e.g. "opale_jobs{state=\"dead\"}"); -1 when absent. */
double srv_metric(struct srv *s, const char *series);
/* Returns "http://127.0.0.1:PORT" + path in a static buffer (one at a time). */
const char *srv_url(struct srv *s, const char *path);

#endif
