#include "peertest.h"
#include "httptest.h"
#include "srvtest.h"

#include <jansson.h>

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

int peer_start_with_server(struct srv *s, struct peer *p, int classification)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build/rel";
	const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	if (srv_start(s, NULL) < 0)
		return -1;
	char log[400], classif[512];
	snprintf(log, sizeof log, "%s/peer.log", s->data);
	snprintf(classif, sizeof classif, "%s/specs/actes/samples/pastell/classification-exemple.xml", shared);
	const char *args[] = { "--classification", classif, NULL };
	if (peer_start(p, build, log, 0, classification ? args : NULL) < 0) {
		srv_stop(s);
		return -2;
	}
	db *d = srv_db(s);
	struct err e;
	int rc = d ? db_run(d, &e, "UPDATE actes_settings SET tdt_url = $1", "t", p->url) : -1;
	if (d)
		db_close(d);
	if (rc < 0) {
		peer_stop(p);
		srv_stop(s);
		return -2;
	}
	return 0;
}

void peer_stop(struct peer *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		waitpid(p->pid, NULL, 0);
		p->pid = 0;
	}
}

void peer_control(const struct peer *p, const char *what)
{
	char u[256];
	snprintf(u, sizeof u, "%s/_peer/%s", p->url, what);
	struct ht_resp r;
	ht_request("POST", u, NULL, NULL, 0, NULL, NULL, &r);
	ht_resp_free(&r);
}

int peer_act(const struct peer *p, const char *number, char sha[65])
{
	char u[256];
	snprintf(u, sizeof u, "%s/_peer/state", p->url);
	struct ht_resp r;
	ht_request("GET", u, NULL, NULL, 0, NULL, NULL, &r);
	json_t *a = json_loads(r.body.data ? r.body.data : "", 0, NULL), *v;
	ht_resp_free(&r);
	size_t i;
	int id = 0, n = 0;
	json_array_foreach(a, i, v) if (json_integer_value(json_object_get(v, "type")) == 1 &&
					strcmp(json_string_value(json_object_get(v, "number")) ?: "", number) == 0) {
		id = (int)json_integer_value(json_object_get(v, "id"));
		if (sha)
			snprintf(sha, 65, "%s", json_string_value(json_array_get(json_object_get(v, "sha256"), 1)) ?: "");
		n++;
	}
	json_decref(a);
	return n == 1 ? id : -n;
}
