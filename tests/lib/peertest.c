#include "peertest.h"
#include "httptest.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int peer_start(struct peer *p, const char *build, const char *log, int port, const char *const *args)
{
	p->port = port ? port : ht_free_port();
	snprintf(p->url, sizeof p->url, "http://127.0.0.1:%d", p->port);
	char bin[512], ports[16];
	snprintf(bin, sizeof bin, "%s/peers/s2low_peer", build);
	snprintf(ports, sizeof ports, "%d", p->port);
	const char *argv[32] = { bin, "--port", ports };
	int n = 3;
	for (int i = 0; args && args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	p->pid = fork();
	if (p->pid == 0) {
		FILE *f = freopen(log, "a", stderr);
		(void)f;
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	char u[128];
	snprintf(u, sizeof u, "%s/api/test-connexion.php", p->url);
	for (int i = 0; i < 600; i++) {
		struct ht_resp r;
		int ok = ht_request("GET", u, NULL, NULL, 0, NULL, NULL, &r) == 0 && r.status == 200 && r.body.len >= 2 &&
			 strncmp(r.body.data, "OK", 2) == 0;
		ht_resp_free(&r);
		if (ok)
			return 0;
		usleep(50000);
	}
	return -1;
}

void peer_stop(struct peer *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		waitpid(p->pid, NULL, 0);
		p->pid = 0;
	}
}
