/* selftest: `opale jobs-selftest enqueue N | work | check` — drives the queue for the kill -9
 * durability test: each "selftest.record" job writes one row in the same transaction as its
 * completion, so `check` can prove every job completed exactly once. */
#include "jobs/jobs.h"
#include "core/cli.h"
#include "core/config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int record(db *d, const struct job *j, struct err *e)
{
	/* A little work inside the transaction widens the window a kill -9 can hit. */
	usleep(2000);
	return db_run(d, e, "INSERT INTO selftest_runs (job_id, worker, at) VALUES ($1, $2, $3)", "iti", j->id, j->worker,
		      (int64_t)time(NULL));
}
OPALE_JOB_KIND(selftest, "selftest.record", record, JOB_TX, 5, 5);

static volatile sig_atomic_t stop_flag;
static void on_term(int s)
{
	(void)s;
	stop_flag = 1;
}

static int cmd_selftest(int argc, char **argv)
{
	static const char *const wv[] = { "data", "db", "threads", "poll-ms", NULL };
	const char *pos[3];
	int np = cli_positionals(argc, argv, wv, pos, 3);
	struct err e = { 0 };
	if (np < 1 || config_load(argc, argv, &e) < 0 || db_configure(cfg.data_dir, cfg.db_url, &e) < 0) {
		fprintf(stderr, "usage : opale jobs-selftest enqueue N | work [--threads N] [--poll-ms MS] [--until-empty] | check --data DIR [--db URL]\n%s\n",
			e.msg);
		return 2;
	}
	db *d = db_thread(&e);
	if (!d || db_migrate(d, &e) < 0) {
		fprintf(stderr, "opale jobs-selftest : %s\n", e.msg);
		return 1;
	}
	if (strcmp(pos[0], "enqueue") == 0 && np == 2) {
		long n = atol(pos[1]);
		if (db_begin_write(d, &e) < 0)
			return 1;
		for (long i = 0; i < n; i++) {
			char key[64];
			snprintf(key, sizeof key, "selftest-%ld-%ld", (long)getpid(), i);
			if (jobs_enqueue(d, "selftest.record", "{}", key, 0, 0, NULL, &e) < 0) {
				db_rollback(d);
				fprintf(stderr, "opale jobs-selftest : %s\n", e.msg);
				return 1;
			}
		}
		return db_commit(d, &e) < 0;
	}
	if (strcmp(pos[0], "work") == 0) {
		const char *t = cli_opt(argc, argv, "threads"), *poll = cli_opt(argc, argv, "poll-ms");
		signal(SIGTERM, on_term);
		jobs_start(t ? (unsigned)atoi(t) : 2, poll ? (unsigned)atoi(poll) : 50);
		int until_empty = cli_flag(argc, argv, "until-empty");
		while (!stop_flag) {
			usleep(100000);
			/* Until the self-test's own jobs are done: other modules' jobs (a daily digest scheduled
			 * for tomorrow, mail retrying without a server) may stay queued for a long time. */
			int rc;
			db_stmt *q = until_empty ? db_query(d, &e, &rc, "SELECT COUNT(*) FROM jobs WHERE kind = 'selftest.record'"
									" AND state IN ('queued', 'running')", "") : NULL;
			int left = q && rc == DB_ROW ? (int)db_col_int64(q, 0) : -1;
			if (q)
				db_finalize(q);
			if (left == 0)
				break;
		}
		jobs_stop();
		return 0;
	}
	if (strcmp(pos[0], "check") == 0) {
		int rc;
		db_stmt *s = db_query(d, &e, &rc,
				      "SELECT (SELECT COUNT(*) FROM jobs WHERE kind = 'selftest.record'),"
				      " (SELECT COUNT(*) FROM jobs WHERE kind = 'selftest.record' AND state = 'done'),"
				      " (SELECT COUNT(*) FROM selftest_runs),"
				      " (SELECT COUNT(*) FROM (SELECT job_id FROM selftest_runs GROUP BY job_id HAVING COUNT(*) > 1) x),"
				      " (SELECT COUNT(*) FROM jobs j WHERE kind = 'selftest.record' AND NOT EXISTS"
				      "   (SELECT 1 FROM selftest_runs r WHERE r.job_id = j.id))", "");
		if (!s || rc != DB_ROW) {
			fprintf(stderr, "opale jobs-selftest : %s\n", e.msg);
			return 1;
		}
		long long total = db_col_int64(s, 0), done = db_col_int64(s, 1), runs = db_col_int64(s, 2), dup = db_col_int64(s, 3),
			  missing = db_col_int64(s, 4);
		db_finalize(s);
		/* Jobs claimed more than once: a worker died between their claim and their completion. */
		s = db_query(d, &e, &rc,
			     "SELECT (SELECT COUNT(*) FROM jobs WHERE kind = 'selftest.record' AND attempts > 1),"
			     " (SELECT COUNT(*) FROM jobs WHERE kind = 'selftest.record' AND state = 'running'),"
			     " (SELECT COUNT(DISTINCT worker) FROM selftest_runs)", "");
		long long resumed = s && rc == DB_ROW ? db_col_int64(s, 0) : -1, running = s && rc == DB_ROW ? db_col_int64(s, 1) : -1,
			  workers = s && rc == DB_ROW ? db_col_int64(s, 2) : -1;
		db_finalize(s);
		printf("jobs %lld, done %lld, executions %lld, duplicated %lld, lost %lld\n", total, done, runs, dup, missing);
		printf("resumed %lld, running %lld, workers %lld\n", resumed, running, workers);
		return total == done && runs == total && dup == 0 && missing == 0 ? 0 : 1;
	}
	fprintf(stderr, "opale jobs-selftest : sous-commande inconnue\n");
	return 2;
}
OPALE_COMMAND(jobs_selftest, "jobs-selftest", cmd_selftest,
	      "opale jobs-selftest enqueue N | work [--threads N] [--poll-ms MS] [--until-empty] | check --data DIR [--db URL]",
	      "vérifie la file de tâches (exécution unique après kill -9)");
