/* peertest: the S2LOW test peer (tests/peers/s2low_peer) as a child process of an integration test. */
#ifndef OPALE_PEERTEST_H
#define OPALE_PEERTEST_H
#include <sys/types.h>

struct peer {
	char url[64];   /* http://127.0.0.1:PORT */
	int port;
	pid_t pid;
};

/* Starts BUILD/peers/s2low_peer on port (a free one when 0, else the same address again) with the
 * extra arguments (NULL-terminated), its stderr appended to log; waits until it answers
 * /api/test-connexion.php. 0, or -1 when it never answered. */
int peer_start(struct peer *p, const char *build, const char *log, int port, const char *const *args);
/* The usual start of an @ctes integration test: a server with the demo data (srv_start; set its
 * environment first, e.g. OPALE_JOBS_POLL_MS, OPALE_TDT_POLL), the peer (BUILD, log in the server's data
 * directory; with the classification of SHARED's Pastell samples when classification is set) and the
 * demo collectivité's TdT pointed at it. 0; -1 when the server did not start; -2 when the peer did not
 * (the server is then stopped). */
struct srv;
int peer_start_with_server(struct srv *s, struct peer *p, int classification);
/* SIGTERM and wait. */
void peer_stop(struct peer *p);
/* Drives the test prefecture: POST /_peer/<what> (e.g. "ar?id=12", "transmettre?id=12"). */
void peer_control(const struct peer *p, const char *what);
/* The peer's act transaction (type 1) for a number: its id when exactly one, 0 when none, -n when n;
 * sha (may be NULL) receives the SHA-256 of the act file it received (files: the 1-1 XML, then the
 * act, then the annexes). */
int peer_act(const struct peer *p, const char *number, char sha[65]);

#endif
