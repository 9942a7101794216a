/* Durable queue tests on the engine under test: idempotency keys, concurrent claiming (4 threads ×
 * 2 000 jobs → each done exactly once), retry with back-off then dead-letter, permanent failure,
 * lease expiry after a vanished worker, transactional effects rolled back on failure. */
#include "dbtest.h"
#include "jobs/jobs.h"
#include "t.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static int fail_count;

static int ok_job(db *d, const struct job *j, struct err *e)
{
	return db_run(d, e, "INSERT INTO selftest_runs (job_id, worker, at) VALUES ($1, 'q', 0)", "i", j->id);
}
OPALE_JOB_KIND(t_ok, "test.ok", ok_job, JOB_TX, 5, 5);

/* Writes, then fails: the write must be rolled back with the failure. */
static int flaky(db *d, const struct job *j, struct err *e)
{
	db_run(d, e, "INSERT INTO selftest_runs (job_id, worker, at) VALUES ($1, 'flaky', 0)", "i", j->id);
	__atomic_add_fetch(&fail_count, 1, __ATOMIC_SEQ_CST);
	err_set(e, 503, "test.flaky", "échec simulé n° %d", j->attempts);
	return JOB_RETRY;
}
OPALE_JOB_KIND(t_flaky, "test.flaky", flaky, JOB_TX, 3, 5);

static int bad(db *d, const struct job *j, struct err *e)
{
	(void)d;
	(void)j;
	err_set(e, 550, "test.bad", "destinataire refusé");
	return JOB_DEAD;
}
OPALE_JOB_KIND(t_bad, "test.bad", bad, JOB_NO_TX, 8, 5);

static void *drain(void *arg)
{
	(void)arg;
	struct err e;
	db *d = db_thread(&e);
	char who[32];
	snprintf(who, sizeof who, "t%lu", (unsigned long)pthread_self() % 1000);
	while (d && jobs_run_one(d, who, &e) == 1)
		;
	return NULL;
}

int main(void)
{
	char dir[256], url[512];
	db *d = dbtest_open(dir, url);
	if (!T_OK(d != NULL, "a fresh migrated database"))
		return t_done();
	struct err e;
	int64_t a, b;
	T_OK(jobs_enqueue(d, "test.ok", "{}", "cle-1", 0, 0, &a, &e) == 0 && jobs_enqueue(d, "test.ok", "{}", "cle-1", 0, 0, &b, &e) == 0 &&
	     a == b, "the same idempotency key enqueues once");
	T_OK(jobs_enqueue(d, "inconnu", "{}", NULL, 0, 0, NULL, &e) < 0, "an unknown job kind is refused");

	db_begin_write(d, &e);
	for (int i = 0; i < 1999; i++)
		jobs_enqueue(d, "test.ok", "{}", NULL, 0, 0, NULL, &e);
	db_commit(d, &e);
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, drain, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 2000, "4 threads complete all 2 000 jobs");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM selftest_runs"), 2000, "2 000 executions recorded");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM (SELECT job_id FROM selftest_runs GROUP BY job_id HAVING COUNT(*) > 1) x"), 0,
		 "no job ran twice to completion");

	int64_t fid;
	jobs_enqueue(d, "test.flaky", "{}", NULL, 0, 0, &fid, &e);
	T_EQ_INT(jobs_run_one(d, "w", &e), 1, "a failing job runs");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM selftest_runs WHERE worker = 'flaky'"), 0, "its writes are rolled back with the failure");
	int64_t run_at = dbtest_int(d, "SELECT run_at - (SELECT MAX(created_at) FROM jobs) FROM jobs WHERE kind = 'test.flaky'");
	T_OK(run_at >= 2 && run_at <= 3, "it is retried later (back-off 2^attempts s)");
	T_EQ_INT(jobs_run_one(d, "w", &e), 0, "not before its time");
	db_run(d, &e, "UPDATE jobs SET run_at = 0 WHERE kind = 'test.flaky'", "");
	jobs_run_one(d, "w", &e);
	db_run(d, &e, "UPDATE jobs SET run_at = 0 WHERE kind = 'test.flaky'", "");
	jobs_run_one(d, "w", &e);
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'test.flaky' AND state = 'dead'"), 1,
		 "after max_attempts (3) it is dead-lettered");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'test.flaky' AND last_error LIKE '%n° 3%'"), 1,
		 "the last error is kept for the console");
	T_OK(jobs_retry(d, fid, &e) == 0 && dbtest_int(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'test.flaky' AND state = 'queued'") == 1,
	     "an operator can put a dead job back in the queue");

	jobs_enqueue(d, "test.bad", "{}", NULL, 0, 0, NULL, &e);
	db_run(d, &e, "UPDATE jobs SET run_at = 99999999999 WHERE kind = 'test.flaky'", "");
	jobs_run_one(d, "w", &e);
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'test.bad' AND state = 'dead' AND attempts = 1"), 1,
		 "a permanent failure is dead at once");

	/* A worker claims a job and vanishes: after its lease the job is claimable again. */
	jobs_enqueue(d, "test.ok", "{}", NULL, 0, 0, &a, &e);
	db_run(d, &e, "UPDATE jobs SET state = 'running', locked_by = 'mort', locked_until = $1 WHERE id = $2", "ii",
	       (int64_t)time(NULL) + 3600, a);
	T_EQ_INT(jobs_run_one(d, "w", &e), 0, "a job under a live lease is not taken");
	db_run(d, &e, "UPDATE jobs SET locked_until = 1 WHERE id = $1", "i", a);
	T_EQ_INT(jobs_run_one(d, "w", &e), 1, "after the lease expires another worker takes it");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM jobs WHERE state = 'running'"), 0, "and completes it");

	T_OK(jobs_backoff(0) >= 1 && jobs_backoff(3) >= 8 && jobs_backoff(3) < 10 && jobs_backoff(30) <= 3600 + 900,
	     "back-off doubles and is capped at one hour (+ jitter)");
	struct jobs_stats st;
	T_OK(jobs_stats(d, &st, &e) == 0 && st.done >= 2001 && st.dead == 1, "queue statistics");
	return t_done();
}
