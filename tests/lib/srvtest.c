/* srvtest: real server processes for integration tests. */
#include "srvtest.h"
#include "dbtest.h"
#include "httptest.h"

#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *opale_bin(void)
{
	const char *b = getenv("OPALE");
	return b ? b : "./opale";
}

static int run_argv(const char *const *argv, char *out, size_t outlen)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	size_t got = 0;
	char tmp[4096];
	ssize_t k;
	while ((k = read(p[0], tmp, sizeof tmp)) > 0) {
		if (out && got + 1 < outlen) {
			size_t c = (size_t)k < outlen - 1 - got ? (size_t)k : outlen - 1 - got;
			memcpy(out + got, tmp, c);
			got += c;
		}
	}
	if (out)
		out[got] = '\0';
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int srv_cli(struct srv *s, char *out, size_t outlen, const char *const *args)
{
	const char *argv[64];
	int n = 0;
	argv[n++] = opale_bin();
	for (int i = 0; args[i] && n < 58; i++)
		argv[n++] = args[i];
	argv[n++] = "--data";
	argv[n++] = s->data;
	if (s->db_url[0]) {
		argv[n++] = "--db";
		argv[n++] = s->db_url;
	}
	argv[n] = NULL;
	return run_argv(argv, out, outlen);
}

int srv_start(struct srv *s, const char *const *extra)
{
	memset(s, 0, sizeof *s);
	if (dbtest_new(s->data, s->db_url) < 0) {
		fprintf(stderr, "# cannot create the test database\n");
		return -1;
	}
	char out[4096];
	const char *mig[] = { "migrate", NULL }, *demo[] = { "demo", NULL };
	if (srv_cli(s, out, sizeof out, mig) != 0 || srv_cli(s, out, sizeof out, demo) != 0) {
		fprintf(stderr, "# setup failed: %s\n", out);
		return -1;
	}
	int port = ht_free_port();
	snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", port);
	return srv_restart(s, extra);
}

int srv_start_mail(struct srv *s, const char *public_url, const char **maildir)
{
	const char *smtp = getenv("OPALE_TEST_SMTP");
	*maildir = getenv("OPALE_TEST_MAILDIR");
	if (!smtp || !*maildir)
		return -1;
	char smtp_url[128];
	snprintf(smtp_url, sizeof smtp_url, "smtp://%s", smtp);
	setenv("OPALE_JOBS_POLL_MS", "100", 1);
	const char *extra[] = { "--smtp-url", smtp_url, public_url ? "--public-url" : NULL, public_url, NULL };
	return srv_start(s, extra) == 0 ? 0 : -2;
}

int srv_restart(struct srv *s, const char *const *extra)
{
	char listen[64];
	snprintf(listen, sizeof listen, "%s", s->base + strlen("http://"));
	const char *argv[64];
	int n = 0;
	argv[n++] = opale_bin();
	argv[n++] = "serve";
	argv[n++] = "--listen";
	argv[n++] = listen;
	argv[n++] = "--data";
	argv[n++] = s->data;
	if (s->db_url[0]) {
		argv[n++] = "--db";
		argv[n++] = s->db_url;
	}
	for (int i = 0; extra && extra[i] && n < 62; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	char log[300];
	snprintf(log, sizeof log, "%s/server.log", s->data);
	s->pid = fork();
	if (s->pid == 0) {
		FILE *f = freopen(log, "a", stderr);
		(void)f;
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		struct ht_resp r;
		if (ht_request("GET", srv_url(s, "/healthz"), NULL, NULL, 0, NULL, NULL, &r) == 0 && r.status == 200) {
			ht_resp_free(&r);
			return 0;
		}
		ht_resp_free(&r);
		usleep(50000);
	}
	fprintf(stderr, "# server did not become healthy (see %s)\n", log);
	return -1;
}

db *srv_db(struct srv *s)
{
	db *d = NULL;
	struct err e;
	if (db_open(s->data, s->db_url[0] ? s->db_url : NULL, &d, &e) < 0)
		fprintf(stderr, "# db_open: %s\n", e.msg);
	return d;
}

void srv_stop(struct srv *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		int st;
		waitpid(s->pid, &st, 0);
		s->pid = 0;
	}
	if (!getenv("OPALE_TEST_KEEP")) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf %s", s->data);
		if (system(cmd) != 0)
			fprintf(stderr, "# cleanup failed\n");
	}
}

void srv_diagnose(struct srv *s, const char *why)
{
	printf("# diagnosis: %s (server pid %d, now %lld)\n", why, (int)s->pid, (long long)time(NULL));
	db *d = srv_db(s);
	if (d) {
		struct err e;
		int rc;
		db_stmt *q = db_query(d, &e, &rc, "SELECT id, kind, state, run_at, attempts, locked_by, locked_until, last_error FROM jobs"
						 " WHERE state <> 'done' ORDER BY run_at, id LIMIT 40", "");
		for (; q && rc == DB_ROW; rc = db_step(q, &e))
			printf("# job %lld %s %s due%+llds attempts %lld by '%s' lease%+llds err '%.120s'\n", (long long)db_col_int64(q, 0),
			       db_col_text(q, 1), db_col_text(q, 2), (long long)(db_col_int64(q, 3) - time(NULL)), (long long)db_col_int64(q, 4),
			       db_col_text(q, 5) ? db_col_text(q, 5) : "", (long long)(db_col_int64(q, 6) - time(NULL)),
			       db_col_text(q, 7) ? db_col_text(q, 7) : "");
		if (q)
			db_finalize(q);
		db_close(d);
	}
	char cmd[600];
	snprintf(cmd, sizeof cmd, "tail -n 30 %s/server.log | sed 's/^/# log: /'", s->data);
	if (system(cmd) != 0)
		printf("# (no server log)\n");
	if (s->pid > 0) {
		snprintf(cmd, sizeof cmd,
			 "command -v gdb >/dev/null && timeout 30 gdb -p %d -batch -nx -ex 'thread apply all bt 12' 2>/dev/null"
			 " | grep -E '^(Thread|#)' | sed 's/^/# gdb: /'", (int)s->pid);
		if (system(cmd) != 0)
			printf("# (no stacks)\n");
	}
	fflush(stdout);
}

double srv_metric(struct srv *s, const char *series)
{
	struct ht_resp r;
	double v = -1;
	if (ht_request("GET", srv_url(s, "/metrics"), NULL, NULL, 0, NULL, NULL, &r) == 0 && r.body.data) {
		size_t n = strlen(series);
		for (const char *p = r.body.data; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
			if (strncmp(p, series, n) == 0 && p[n] == ' ') {
				v = strtod(p + n + 1, NULL);
				break;
			}
	}
	ht_resp_free(&r);
	return v;
}

const char *srv_url(struct srv *s, const char *path)
{
	static char u[1024];
	snprintf(u, sizeof u, "%s%s", s->base, path);
	return u;
}
