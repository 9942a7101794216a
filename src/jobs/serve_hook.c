/* serve_hook: job workers start with `opale serve` (after the database) and stop after HTTP;
 * queue figures are exported on /metrics. */
#include "jobs/jobs.h"
#include "core/config.h"
#include "http/metrics.h"
#include "http/serve.h"

#include <stdlib.h>

static void metrics(buf *out)
{
	struct err e;
	db *d = db_thread(&e);
	struct jobs_stats s;
	if (!d || jobs_stats(d, &s, &e) < 0)
		return;
	buf_printf(out, "# HELP opale_jobs Jobs in the durable queue, by state.\n# TYPE opale_jobs gauge\n"
			"opale_jobs{state=\"queued\"} %lld\nopale_jobs{state=\"running\"} %lld\n"
			"opale_jobs{state=\"done\"} %lld\nopale_jobs{state=\"dead\"} %lld\n"
			"# HELP opale_jobs_oldest_queued_seconds Age of the oldest queued job.\n"
			"# TYPE opale_jobs_oldest_queued_seconds gauge\nopale_jobs_oldest_queued_seconds %lld\n",
		   (long long)s.queued, (long long)s.running, (long long)s.done, (long long)s.dead, (long long)s.oldest_queued_age);
}

static int start(struct err *e)
{
	(void)e;
	const char *p = getenv("OPALE_JOBS_POLL_MS");
	metrics_register(metrics);
	return jobs_start(cfg.job_workers, p ? (unsigned)atoi(p) : 1000);
}

static void stop(void) { jobs_stop(); }

static struct serve_hook hook = { "jobs", start, stop, NULL };
/* Priority after the database hook (serve runs hooks in reverse registration order: register first). */
static void reg(void) __attribute__((constructor(200)));
static void reg(void) { serve_add_hook(&hook); }
