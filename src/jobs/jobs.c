/* jobs: enqueue, claim (PostgreSQL SKIP LOCKED / SQLite write transaction), run, retry, dead-letter,
 * worker threads, graceful stop. */
#include "jobs/jobs.h"
#include "core/buf.h"
#include "core/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern const struct job_kind __start_opale_jobs[] __attribute__((weak));
extern const struct job_kind __stop_opale_jobs[] __attribute__((weak));

static const struct job_kind *find_kind(const char *kind)
{
	for (const struct job_kind *k = __start_opale_jobs; k && k < __stop_opale_jobs; k++)
		if (strcmp(k->kind, kind) == 0)
			return k;
	return NULL;
}

static int64_t now_s(void) { return (int64_t)time(NULL); }

int jobs_check_kinds(struct err *e)
{
	for (const struct job_kind *a = __start_opale_jobs; a && a < __stop_opale_jobs; a++) {
		if (!a->kind || !a->run)
			return err_set(e, 500, "jobs.type", "Type de tâche incomplet dans la table des tâches.");
		for (const struct job_kind *b = a + 1; b < __stop_opale_jobs; b++)
			if (strcmp(a->kind, b->kind) == 0)
				return err_set(e, 500, "jobs.type_double", "Type de tâche déclaré deux fois : %s.", a->kind);
	}
	return 0;
}

int jobs_extend_lease(db *d, const struct job *j, struct err *e)
{
	if (db_run(d, e, "UPDATE jobs SET locked_until = $1 + lease WHERE id = $2 AND locked_by = $3 AND state = 'running'", "iit",
		   now_s(), j->id, j->worker) < 0)
		return -1;
	if (db_changes(d) != 1)
		return err_set(e, 409, "jobs.bail_perdu", "La tâche %lld a été reprise par un autre exécutant.", (long long)j->id);
	return 0;
}

int jobs_purge(db *d, int64_t older_than_s, int64_t *purged, struct err *e)
{
	if (db_run(d, e, "DELETE FROM jobs WHERE state = 'done' AND finished_at < $1", "i", now_s() - older_than_s) < 0)
		return -1;
	if (purged)
		*purged = db_changes(d);
	return 0;
}

#define NOTIFY_CHANNEL "opale_jobs"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int stopping, wake;

/* Wakes this process's sleeping workers. */
static void wake_workers(void)
{
	pthread_mutex_lock(&mu);
	wake = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

/* A job became ready: the workers of every node are told — other nodes' (PostgreSQL) when the
 * transaction commits, this process's at once. */
static int notify_workers(db *d, struct err *e)
{
	if (db_notify(d, NOTIFY_CHANNEL, e) < 0)
		return -1;
	wake_workers();
	return 0;
}

int jobs_enqueue(db *d, const char *kind, const char *payload, const char *idem_key, int64_t tenant, int64_t run_at,
		 int64_t *id, struct err *e)
{
	const struct job_kind *k = find_kind(kind);
	if (!k)
		return err_set(e, 500, "jobs.type", "Type de tâche inconnu : %s.", kind);
	int64_t now = now_s();
	int rc;
	if (idem_key) {
		db_stmt *s = db_query(d, e, &rc, "SELECT id FROM jobs WHERE idem_key = $1", "t", idem_key);
		if (!s)
			return -1;
		int64_t existing = rc == DB_ROW ? db_col_int64(s, 0) : 0;
		db_finalize(s);
		if (existing) {
			if (id)
				*id = existing;
			return 0;
		}
	}
	db_stmt *s = db_query(d, e, &rc,
			      "INSERT INTO jobs (kind, payload, idem_key, tenant_id, max_attempts, run_at, created_at, lease)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			      "tttiiiii", kind, payload ? payload : "{}", idem_key, tenant, (int64_t)(k->max_attempts ? k->max_attempts : 8),
			      run_at ? run_at : now, now, (int64_t)(k->lease_seconds ? k->lease_seconds : 300));
	if (!s) {
		/* A concurrent enqueue with the same key won the race: that job stands. */
		if (idem_key && strcmp(e->code, "db.conflict") == 0 && !db_in_transaction(d)) {
			db_stmt *x = db_query(d, e, &rc, "SELECT id FROM jobs WHERE idem_key = $1", "t", idem_key);
			if (x && rc == DB_ROW && id)
				*id = db_col_int64(x, 0);
			if (x)
				db_finalize(x);
			return x ? 0 : -1;
		}
		return -1;
	}
	if (id)
		*id = db_col_int64(s, 0);
	db_finalize(s);
	return notify_workers(d, e);
}

int64_t jobs_backoff(int attempts)
{
	int64_t b = attempts >= 12 ? 3600 : (int64_t)1 << attempts;
	if (b > 3600)
		b = 3600;
	return b + (b >= 4 ? random() % (b / 4) : 0);
}

static const char *CLAIM_PG =
	"UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2 + lease, attempts = attempts + 1"
	" WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= $2) OR (state = 'running' AND locked_until < $2)"
	" ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
	" RETURNING id, kind, payload, idem_key, tenant_id, attempts, max_attempts";
static const char *CLAIM_SQLITE =
	"UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2 + lease, attempts = attempts + 1"
	" WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= $2) OR (state = 'running' AND locked_until < $2)"
	" ORDER BY run_at, id LIMIT 1)"
	" RETURNING id, kind, payload, idem_key, tenant_id, attempts, max_attempts";

/* Marks done only if this worker still holds the job (a lease taken over means someone else runs it). */
static const char *DONE_SQL = "UPDATE jobs SET state = 'done', finished_at = $1, last_error = '' WHERE id = $2 AND locked_by = $3"
			      " AND state = 'running'";

static int finish_failure(db *d, struct job *j, const char *who, int dead, const char *msg, struct err *e)
{
	int give_up = dead || j->attempts >= j->max_attempts;
	int64_t now = now_s();
	if (give_up)
		return db_run(d, e, "UPDATE jobs SET state = 'dead', finished_at = $1, last_error = $2 WHERE id = $3 AND locked_by = $4",
			      "itit", now, msg, j->id, who);
	return db_run(d, e, "UPDATE jobs SET state = 'queued', run_at = $1, last_error = $2, locked_by = '' WHERE id = $3 AND locked_by = $4",
		      "itit", now + jobs_backoff(j->attempts), msg, j->id, who);
}

int jobs_run_one(db *d, const char *who, struct err *e)
{
	const struct job_kind *k = NULL;
	int64_t now = now_s();
	int rc;
	int sqlite = db_engine_of(d) == DB_SQLITE;
	if (sqlite && db_begin_write(d, e) < 0)
		return -1;
	db_stmt *s = db_query(d, e, &rc, sqlite ? CLAIM_SQLITE : CLAIM_PG, "ti", who, now);
	if (!s) {
		if (sqlite)
			db_rollback(d);
		return -1;
	}
	if (rc != DB_ROW) {
		db_finalize(s);
		if (sqlite && db_commit(d, e) < 0)
			return -1;
		return 0;
	}
	struct job j = { .id = db_col_int64(s, 0), .tenant_id = db_col_int64(s, 4), .attempts = (int)db_col_int64(s, 5),
			 .max_attempts = (int)db_col_int64(s, 6) };
	char *kind = strdup(db_col_text(s, 1)), *payload = strdup(db_col_text(s, 2) ? db_col_text(s, 2) : "{}");
	char *idem = db_col_text(s, 3) ? strdup(db_col_text(s, 3)) : NULL;
	db_finalize(s);
	if (sqlite && db_commit(d, e) < 0)
		goto out_err;
	j.kind = kind;
	j.payload = payload;
	j.idem_key = idem;
	j.worker = who;
	k = find_kind(kind);
	if (j.attempts > j.max_attempts) {
		/* Claimed again after its worker vanished too many times (a job that kills the process). */
		if (finish_failure(d, &j, who, 1, "abandonnée : exécutions interrompues à répétition", e) < 0)
			goto out_err;
		free(kind);
		free(payload);
		free(idem);
		return 1;
	}
	struct err he = { 0 };
	int hr;
	if (!k) {
		/* During a rolling upgrade an older node may claim a newer kind: give it back for a node that
		 * knows it (dead-lettered after max_attempts if none ever does). */
		hr = err_set(&he, 500, "jobs.type", "Type de tâche inconnu de cette version : %s.", kind) < 0 ? JOB_RETRY : 0;
	} else if (k->flags & JOB_NO_TX) {
		hr = k->run(d, &j, &he);
		if (hr == 0 && db_run(d, e, DONE_SQL, "iit", now_s(), j.id, who) < 0)
			goto out_err;
	} else {
		if (db_begin_write(d, e) < 0)
			goto out_err;
		hr = k->run(d, &j, &he);
		if (hr == 0 && !db_in_transaction(d)) {
			/* The handler ended our transaction itself: its writes are committed, so marking done
			 * is still right, but atomicity was lost. A bug to fix in that handler. */
			log_error("tâche %lld (%s) : le traitant a terminé la transaction lui-même", (long long)j.id, kind);
			if (db_run(d, e, DONE_SQL, "iit", now_s(), j.id, who) < 0)
				goto out_err;
		} else if (hr == 0) {
			if (db_run(d, e, DONE_SQL, "iit", now_s(), j.id, who) < 0 || db_changes(d) != 1) {
				/* Lost the lease: someone else owns the job now; undo our effects. */
				db_rollback(d);
				log_warn("tâche %lld reprise par un autre exécutant : effets annulés", (long long)j.id);
			} else if (db_commit(d, e) < 0) {
				db_rollback(d);
				goto out_err;
			}
		} else {
			db_rollback(d);
		}
	}
	if (hr != 0) {
		if (!he.msg[0])
			snprintf(he.msg, sizeof he.msg, "échec sans message");
		log_msg(LOG_WARN, NULL, "tâche %lld (%s) essai %d/%d en échec : %s", (long long)j.id, kind, j.attempts,
			j.max_attempts, he.msg);
		if (finish_failure(d, &j, who, hr == JOB_DEAD, he.msg, e) < 0)
			goto out_err;
	}
	free(kind);
	free(payload);
	free(idem);
	return 1;
out_err:
	free(kind);
	free(payload);
	free(idem);
	return -1;
}

static pthread_t threads[32];
static unsigned nthreads_;
static unsigned poll_ms_;

static void *worker(void *arg)
{
	char who[64], host[32] = "";
	gethostname(host, sizeof host - 1);
	snprintf(who, sizeof who, "%s:%d:%ld", host, (int)getpid(), (long)(intptr_t)arg);
	db_set_background(1);
	struct err e;
	int64_t next_purge = 0;
	for (;;) {
		pthread_mutex_lock(&mu);
		int stop = stopping;
		pthread_mutex_unlock(&mu);
		if (stop)
			break;
		db *d = db_thread(&e);
		if (d && (intptr_t)arg == 0 && now_s() >= next_purge) {
			next_purge = now_s() + 3600;
			if (jobs_purge(d, JOBS_KEEP_DONE, NULL, &e) < 0)
				log_warn("file de tâches, purge : %s", e.msg);
		}
		int rc = d ? jobs_run_one(d, who, &e) : -1;
		if (rc == 1) {
			if (db_contended())
				usleep(3000);   /* let a waiting request's write in (SQLite single writer) */
			continue;
		}
		if (rc < 0)
			log_warn("file de tâches : %s", e.msg);
		pthread_mutex_lock(&mu);
		if (!stopping && !wake) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)(poll_ms_ % 1000) * 1000000L;
			ts.tv_sec += poll_ms_ / 1000 + ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&cv, &mu, &ts);
		}
		wake = 0;
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

/* PostgreSQL: one thread LISTENs and wakes the workers when another process enqueues, so nodes do
 * not wait for their poll interval. On SQLite it ends at once (workers poll). */
static pthread_t listener_th;
static int listener_on;

static void *listener(void *arg)
{
	(void)arg;
	struct err e;
	db_set_background(1);
	for (;;) {
		pthread_mutex_lock(&mu);
		int stop = stopping;
		pthread_mutex_unlock(&mu);
		if (stop)
			break;
		db *d = db_thread(&e);
		if (d && db_engine_of(d) != DB_PG)
			break;
		int rc = d ? db_wait_notify(d, NOTIFY_CHANNEL, 250, &e) : -1;
		if (rc == 1) {
			wake_workers();
		} else if (rc < 0) {
			log_warn("file de tâches, écoute : %s", e.msg);
			usleep(poll_ms_ * 1000);
		}
	}
	return NULL;
}

int jobs_start(unsigned n, unsigned poll_ms)
{
	struct err e;
	if (jobs_check_kinds(&e) < 0) {
		log_error("file de tâches : %s", e.msg);
		return -1;
	}
	stopping = 0;
	poll_ms_ = poll_ms ? poll_ms : 1000;
	nthreads_ = n > 32 ? 32 : n;
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	for (unsigned i = 0; i < nthreads_; i++)
		if (pthread_create(&threads[i], NULL, worker, (void *)(intptr_t)i) != 0)
			return -1;
	listener_on = nthreads_ > 0 && pthread_create(&listener_th, NULL, listener, NULL) == 0;
	return 0;
}

void jobs_stop(void)
{
	pthread_mutex_lock(&mu);
	stopping = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (unsigned i = 0; i < nthreads_; i++)
		pthread_join(threads[i], NULL);
	if (listener_on)
		pthread_join(listener_th, NULL);
	listener_on = 0;
	nthreads_ = 0;
}

int jobs_stats(db *d, struct jobs_stats *st, struct err *e)
{
	memset(st, 0, sizeof *st);
	int rc;
	int64_t now = now_s();
	/* Oldest age = how late the queue runs: since when the oldest ready job (run_at passed) waits;
	 * jobs scheduled later (back-off, run_at in the future) are not late. */
	db_stmt *s = db_query(d, e, &rc,
			      "SELECT state, COUNT(*), MIN(CASE WHEN state = 'queued' AND run_at <= $1 THEN run_at END) FROM jobs GROUP BY state",
			      "i", now);
	if (!s)
		return -1;
	while (rc == DB_ROW) {
		const char *state = db_col_text(s, 0);
		int64_t n = db_col_int64(s, 1);
		if (strcmp(state, "queued") == 0) {
			st->queued = n;
			if (!db_col_isnull(s, 2))
				st->oldest_queued_age = now - db_col_int64(s, 2);
		} else if (strcmp(state, "running") == 0)
			st->running = n;
		else if (strcmp(state, "done") == 0)
			st->done = n;
		else if (strcmp(state, "dead") == 0)
			st->dead = n;
		rc = db_step(s, e);
	}
	db_finalize(s);
	return rc < 0 ? -1 : 0;
}

int jobs_retry(db *d, int64_t id, struct err *e)
{
	if (db_run(d, e, "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, locked_by = '' WHERE id = $2 AND state = 'dead'",
		   "ii", now_s(), id) < 0)
		return -1;
	if (db_changes(d) != 1)
		return err_set(e, 404, "tache.inconnue", "Aucune tâche en échec définitif avec ce numéro.");
	return notify_workers(d, e);
}
