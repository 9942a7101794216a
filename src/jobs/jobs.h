/* jobs: the durable job queue, in the database. Work that leaves the machine (e-mail, transmissions)
 * and slow work (bulk signing, reports) is enqueued, then run by worker threads with retries,
 * exponential back-off and a dead-letter state. See docs/jobs.md for the exactly-once argument. */
#ifndef OPALE_JOBS_H
#define OPALE_JOBS_H
#include <stdint.h>

#include "db/db.h"

struct job {
	int64_t id;
	const char *kind;
	const char *payload;     /* JSON text */
	const char *idem_key;    /* may be NULL */
	int64_t tenant_id;
	int attempts;            /* including this one */
	int max_attempts;
	const char *worker;      /* who holds the lease (for jobs_extend_lease) */
};

#define JOB_RETRY (-1)       /* failed, try again later (e->msg is kept as last_error) */
#define JOB_DEAD (-2)        /* failed for good (bad recipient, invalid data): no retry */

/* A handler returns 0 when done. With JOB_TX (default), it runs inside a transaction that also marks
 * the job done: its database writes and the done mark commit together or not at all. With
 * JOB_NO_TX, it runs outside any transaction (for slow external effects such as SMTP); it must be
 * idempotent or use the job's idempotency key, because a crash after the effect and before the done
 * mark runs it again. */
typedef int (*job_fn)(db *d, const struct job *j, struct err *e);

enum { JOB_TX = 0, JOB_NO_TX = 1 };

struct job_kind {
	const char *kind;
	job_fn run;
	int flags;
	int max_attempts;
	int lease_seconds;   /* a running job whose worker vanished is claimable again after this */
};

#define OPALE_JOB_KIND(id, kind_, fn, flags_, max_, lease_)                                      \
	static const struct job_kind opale_job_##id                                                \
		__attribute__((used, section("opale_jobs"), aligned(sizeof(void *)))) = {          \
			kind_, fn, flags_, max_, lease_ }

/* Table of kinds: each module declares its kinds with OPALE_JOB_KIND in its own .c (linker section
 * "opale_jobs", like OPALE_COMMAND). Returns -1 (jobs.type_double) when a kind is declared twice;
 * jobs_start refuses to start then. */
int jobs_check_kinds(struct err *e);

/* Enqueues a job. With an idempotency key already known, nothing is added and *id (may be NULL) is
 * the existing job's id. run_at 0 = now. Works inside the caller's transaction. */
int jobs_enqueue(db *d, const char *kind, const char *payload, const char *idem_key, int64_t tenant, int64_t run_at,
		 int64_t *id, struct err *e);
/* Claims and runs one ready job as worker `who`: 1 when a job ran (whatever its outcome), 0 when
 * none was ready, -1 on a database error. */
int jobs_run_one(db *d, const char *who, struct err *e);
/* A long handler (bulk signing…) renews its lease before it runs out: 0, or -1 with jobs.bail_perdu
 * when another worker took the job over (stop and return JOB_RETRY: the other run counts). Outside
 * the handler's transaction only (JOB_NO_TX kinds): inside, the renewal would commit with the job. */
int jobs_extend_lease(db *d, const struct job *j, struct err *e);
/* Deletes done jobs finished more than older_than_s ago (their idempotency keys go with them).
 * Worker 0 runs it hourly with JOBS_KEEP_DONE; dead jobs are kept for the console. */
#define JOBS_KEEP_DONE (30 * 86400)
int jobs_purge(db *d, int64_t older_than_s, int64_t *purged, struct err *e);
/* Worker threads (cfg.job_workers) polling every poll_ms and woken by jobs_enqueue in-process. */
int jobs_start(unsigned nthreads, unsigned poll_ms);
/* Stops taking jobs, lets running ones finish, joins the threads. */
void jobs_stop(void);
/* Back-off before attempt n+1 (seconds, with up to 25 % jitter): 2^n capped at one hour. */
int64_t jobs_backoff(int attempts);
/* Counts by state, for /metrics and the console. */
struct jobs_stats { int64_t queued, running, done, dead, oldest_queued_age; /* s since the oldest ready job's run_at */ };
int jobs_stats(db *d, struct jobs_stats *s, struct err *e);
/* Puts a dead job back in the queue (operator action). */
int jobs_retry(db *d, int64_t id, struct err *e);

#endif
