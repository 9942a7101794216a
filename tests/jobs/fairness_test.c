/* A burst of transactional jobs must not starve the rest of the process: while two workers drain
 * 3 000 jobs that each hold the write transaction ~2 ms, the main thread's writes (an HTTP request,
 * say) still go through quickly. On SQLite a worker committing and re-claiming at once held the
 * single write lock for the whole burst (a write from another connection waited 8.7 s). */
#include "dbtest.h"
#include "jobs/jobs.h"
#include "t.h"

#include <unistd.h>

static int busy_job(db *d, const struct job *j, struct err *e)
{
	usleep(2000);
	return db_run(d, e, "INSERT INTO selftest_runs (job_id, worker, at) VALUES ($1, 'f', 0)", "i", j->id);
}
OPALE_JOB_KIND(t_busy, "test.busy", busy_job, JOB_TX, 3, 60);

int main(void)
{
	char dir[256], url[512];
	db *d = dbtest_open(dir, url);
	if (!T_OK(d != NULL, "a fresh migrated database"))
		return t_done();
	struct err e;
	db_begin_write(d, &e);
	for (int i = 0; i < 3000; i++)
		jobs_enqueue(d, "test.busy", "{}", NULL, 0, 0, NULL, &e);
	db_commit(d, &e);
	jobs_start(2, 1000);
	usleep(300000);
	int64_t worst = 0, total = 0;
	int ok = 0;
	for (int i = 0; i < 20; i++) {
		char k[16];
		snprintf(k, sizeof k, "w%d", i);
		int64_t t0 = dbtest_mono_us();
		ok += db_run(d, &e, "INSERT INTO kv (k, v) VALUES ($1, 'x')", "t", k) == 0;
		int64_t dt = dbtest_mono_us() - t0;
		total += dt;
		if (dt > worst)
			worst = dt;
		usleep(20000);
	}
	struct jobs_stats st;
	jobs_stats(d, &st, &e);
	printf("# 20 writes during the burst: worst %.1f ms, mean %.1f ms; %lld jobs still queued\n", worst / 1000.0,
	       total / 20000.0, (long long)st.queued);
	T_EQ_INT(ok, 20, "all 20 writes succeed during the burst");
	T_OK(st.queued > 0, "the burst was still running when the writes ended");
	T_OK(worst < 500000, "no write waits more than 500 ms for the workers (was seconds: 3.5 s seen)");
	jobs_stop();
	return t_done();
}
