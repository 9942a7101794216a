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
/* SIGTERM and wait. */
void peer_stop(struct peer *p);

#endif
