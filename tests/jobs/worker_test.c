/* Queue behaviour around the workers, on the engine under test: the kind table has no duplicate
 * across modules, a kind unknown to this binary is given back (not killed), lease renewal and its
 * loss, purge of old done jobs, the lag figure for /metrics, a handler that commits by itself, wake-up
 * of a sleeping worker by an in-process enqueue, and jobs_stop finishing the job in hand. */
#include "dbtest.h"
#include "jobs/jobs.h"
#include "t.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int renew_ok, renew_lost;

static int long_job(db *d, const struct job *j, struct err *e)
{
	int64_t before = 0;
	int rc;
	db_stmt *s = db_query(d, e, &rc, "SELECT locked_until FROM jobs WHERE id = $1", "i", j->id);
	if (s) {
		before = db_col_int64(s, 0);
		db_finalize(s);
	}
	db_run(d, e, "UPDATE jobs SET locked_until = locked_until - 100 WHERE id = $1", "i", j->id);
	renew_ok = jobs_extend_lease(d, j, e) == 0 && dbtest_int(d, "SELECT MAX(locked_until) FROM jobs WHERE kind = 'test.long'") >= before;
	/* Another worker takes the job over (its lease had run out): the renewal must say so. */
	db_run(d, e, "UPDATE jobs SET locked_by = 'autre' WHERE id = $1", "i", j->id);
	renew_lost = jobs_extend_lease(d, j, e) < 0 && strcmp(e->code, "jobs.bail_perdu") == 0;
	return JOB_RETRY;
}
OPALE_JOB_KIND(t_long, "test.long", long_job, JOB_NO_TX, 3, 60);

static int self_commit(db *d, const struct job *j, struct err *e)
{
	db_run(d, e, "INSERT INTO selftest_runs (job_id, worker, at) VALUES ($1, 'self', 0)", "i", j->id);
	return db_commit(d, e);
}
OPALE_JOB_KIND(t_self, "test.self_commit", self_commit, JOB_TX, 3, 60);

static int slow(db *d, const struct job *j, struct err *e)
{
	usleep(300000);
	return db_run(d, e, "INSERT INTO selftest_runs (job_id, worker, at) VALUES ($1, 'slow', 0)", "i", j->id);
}
OPALE_JOB_KIND(t_slow, "test.slow", slow, JOB_TX, 3, 60);

static int64_t now_ms(void)
{
	return dbtest_mono_us() / 1000;
}

int main(void)
{
	char dir[256], url[512];
	db *d = dbtest_open(dir, url);
	if (!T_OK(d != NULL, "a fresh migrated database"))
		return t_done();
	struct err e = { 0 };
	T_OK(jobs_check_kinds(&e) == 0, "no job kind is declared twice across all modules");
	if (e.msg[0])
		printf("# %s\n", e.msg);

	int64_t now = (int64_t)time(NULL);
	db_run(d, &e, "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ('futur.inconnu', '{}', 0, $1)", "i", now);
	T_EQ_INT(jobs_run_one(d, "w", &e), 1, "a job of a kind this binary does not know is claimed");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'futur.inconnu' AND state = 'queued' AND attempts = 1 AND run_at > 0"), 1,
		 "and given back for later (a newer node may know it), not dead-lettered");
	db_run(d, &e, "DELETE FROM jobs", "");

	jobs_enqueue(d, "test.long", "{}", NULL, 0, 0, NULL, &e);
	jobs_run_one(d, "w", &e);
	T_OK(renew_ok, "a handler renews its lease");
	T_OK(renew_lost, "renewing a lease taken over by another worker fails with jobs.bail_perdu");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'test.long' AND state = 'running' AND locked_by = 'autre'"), 1,
		 "the loser's failure does not touch the job now held by the other worker");
	db_run(d, &e, "DELETE FROM jobs", "");

	db_run(d, &e, "INSERT INTO jobs (kind, run_at, created_at, state, finished_at) VALUES ('x', 0, 0, 'done', $1)", "i", now - 40 * 86400);
	db_run(d, &e, "INSERT INTO jobs (kind, run_at, created_at, state, finished_at) VALUES ('x', 0, 0, 'done', $1)", "i", now - 86400);
	db_run(d, &e, "INSERT INTO jobs (kind, run_at, created_at, state, finished_at) VALUES ('x', 0, 0, 'dead', $1)", "i", now - 40 * 86400);
	db_run(d, &e, "INSERT INTO jobs (kind, run_at, created_at) VALUES ('test.slow', $1, 0)", "i", now - 100);
	db_run(d, &e, "INSERT INTO jobs (kind, run_at, created_at) VALUES ('test.slow', $1, 0)", "i", now + 1000);
	struct jobs_stats st;
	T_OK(jobs_stats(d, &st, &e) == 0 && st.queued == 2 && st.done == 2 && st.dead == 1, "counts by state");
	T_OK(st.oldest_queued_age >= 100 && st.oldest_queued_age < 110,
	     "oldest age = lag of the oldest ready job (a job scheduled later is not late)");
	int64_t purged = -1;
	T_OK(jobs_purge(d, JOBS_KEEP_DONE, &purged, &e) == 0 && purged == 1, "purge deletes done jobs older than 30 days");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM jobs"), 4, "recent done, dead and queued jobs stay");
	db_run(d, &e, "DELETE FROM jobs", "");

	jobs_enqueue(d, "test.self_commit", "{}", NULL, 0, 0, NULL, &e);
	jobs_run_one(d, "w", &e);
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'test.self_commit' AND state = 'done'"), 1,
		 "a handler that commits by itself still gets its job marked done (its writes are in)");
	T_OK(!db_in_transaction(d), "and no transaction is left open");

	/* A worker sleeping on a 60 s poll interval is woken by an in-process enqueue. */
	T_OK(jobs_start(1, 60000) == 0, "one worker started (poll 60 s)");
	usleep(200000);
	int64_t t0 = now_ms();
	jobs_enqueue(d, "test.slow", "{}", NULL, 0, 0, NULL, &e);
	int64_t n = 0;
	while (now_ms() - t0 < 5000 && (n = dbtest_int(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'test.slow' AND state = 'done'")) < 1)
		usleep(20000);
	int64_t ms = now_ms() - t0;
	printf("# enqueue → done in %lld ms (job takes 300 ms)\n", (long long)ms);
	T_OK(n == 1 && ms < 2000, "an enqueue wakes the sleeping worker at once");

	jobs_enqueue(d, "test.slow", "{}", NULL, 0, 0, NULL, &e);
	while (dbtest_int(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'test.slow' AND state = 'running'") < 1 && now_ms() - t0 < 8000)
		usleep(5000);
	jobs_stop();
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'test.slow' AND state = 'running'"), 0,
		 "jobs_stop lets the job in hand finish");
	T_EQ_INT(dbtest_int(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'test.slow' AND state = 'done'"), 2, "and it is done");
	return t_done();
}
