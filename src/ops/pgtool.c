/* pgtool: runs pg_dump / pg_restore for a postgresql:// URL. The URL is parsed by libpq and every
 * parameter handed over in its PG* environment variable (PGHOST, PGPASSWORD…), so no password shows
 * in `ps`; -w: never prompt. */
#include "ops/ops.h"
#include "core/mem.h"

#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int ops_pg_dbname(const char *url, char *out, size_t n)
{
	char *msg = NULL;
	PQconninfoOption *o = PQconninfoParse(url, &msg);
	if (!o) {
		PQfreemem(msg);
		return -1;
	}
	int rc = -1;
	for (PQconninfoOption *p = o; p->keyword; p++)
		if (strcmp(p->keyword, "dbname") == 0 && p->val && *p->val) {
			snprintf(out, n, "%s", p->val);
			rc = 0;
		}
	PQconninfoFree(o);
	return rc;
}

int ops_pg_tool(const char *tool, const char *url, const char *const *argv, char *err_out, size_t err_len)
{
	if (err_len)
		err_out[0] = 0;
	char *msg = NULL;
	PQconninfoOption *o = PQconninfoParse(url, &msg);
	if (!o) {
		snprintf(err_out, err_len, "URL PostgreSQL illisible : %s", msg ? msg : "?");
		PQfreemem(msg);
		return -1;
	}
	/* Environment: ours first, then the inherited one minus the variables we set. */
	size_t ne = 0, no = 0;
	while (environ[ne])
		ne++;
	for (PQconninfoOption *p = o; p->keyword; p++)
		no++;
	char **env = xcalloc(ne + no + 1, sizeof *env);
	size_t k = 0;
	for (PQconninfoOption *p = o; p->keyword; p++)
		if (p->envvar && p->val && *p->val) {
			size_t l = strlen(p->envvar) + strlen(p->val) + 2;
			env[k] = xmalloc(l);
			snprintf(env[k++], l, "%s=%s", p->envvar, p->val);
		}
	size_t ours = k;
	for (size_t i = 0; i < ne; i++) {
		int dup = 0;
		for (size_t j = 0; j < ours && !dup; j++) {
			size_t l = strcspn(env[j], "=") + 1;
			dup = strncmp(environ[i], env[j], l) == 0;
		}
		if (!dup)
			env[k++] = environ[i];
	}
	env[k] = NULL;
	PQconninfoFree(o);

	const char *args[64];
	int na = 0;
	args[na++] = tool;
	for (int i = 0; argv[i] && na < 63; i++)
		args[na++] = argv[i];
	args[na] = NULL;

	int pfd[2];
	if (pipe(pfd) < 0) {
		snprintf(err_out, err_len, "pipe : %s", strerror(errno));
		goto fail;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err_out, err_len, "fork : %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		goto fail;
	}
	if (pid == 0) {
		dup2(pfd[1], 2);
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execvpe(tool, (char *const *)args, env);
		fprintf(stderr, "%s introuvable (%s) : installez postgresql-client.", tool, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	size_t got = 0;
	char chunk[4096];
	ssize_t r;
	while ((r = read(pfd[0], chunk, sizeof chunk)) > 0 || (r < 0 && errno == EINTR))
		if (r > 0 && err_len && got + 1 < err_len) {
			size_t take = (size_t)r < err_len - 1 - got ? (size_t)r : err_len - 1 - got;
			memcpy(err_out + got, chunk, take);
			got += take;
			err_out[got] = 0;
		}
	close(pfd[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	for (size_t i = 0; i < ours; i++)
		free(env[i]);
	free(env);
	/* Keep the first line only in messages. */
	char *nl = err_len ? strchr(err_out, '\n') : NULL;
	if (nl && nl[1] == 0)
		*nl = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
fail:
	for (size_t i = 0; i < ours; i++)
		free(env[i]);
	free(env);
	return -1;
}
