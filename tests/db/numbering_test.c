/* numbering allocator (core/numbering.h, 0006_numbering.sql) on the engine under test: default and
 * configured patterns per series, refusals (bad pattern, same pattern as another series, « _ » at an
 * end), no number outside a transaction, consecutive numbers per series, year and collectivité, a
 * rolled-back number given back, and 4 threads × 150 allocations (a third rolled back) on their own
 * connections → the committed numbers are exactly 1…400, each once. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/numbering.h"
#include "db/tenant.h"
#include "dbtest.h"
#include "identity/identity.h"
#include "t.h"

static db *D;
static int64_t T1, T2;

static int64_t tenant(const char *name, const char *siren)
{
	struct err e;
	struct collectivite c = { .population = 1200, .tiers = TIER_PARAPHEUR };
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.siren, sizeof c.siren, "%s", siren);
	snprintf(c.kind, sizeof c.kind, "commune");
	snprintf(c.departement, sizeof c.departement, "062");
	return collectivite_create(D, &c, 0, "test", &e) == 0 ? c.id : 0;
}

/* One allocation in its own transaction; commit or roll back. */
static const char *next(db *d, int64_t t, const char *series, struct date dt, int commit)
{
	static __thread char out[80];
	struct err e = { 0 };
	if (db_begin_write(d, &e) < 0)
		return "BEGIN";
	if (numbering_next(d, t, series, dt, out, sizeof out, NULL, &e) < 0) {
		db_rollback(d);
		snprintf(out, sizeof out, "%s", e.code);
		return out;
	}
	if (commit ? db_commit(d, &e) < 0 : db_rollback(d) < 0)
		return "END";
	return out;
}

#define THREADS 4
#define PER_THREAD 150
static int committed[THREADS][PER_THREAD];
static int n_committed[THREADS], failures;

static void *worker(void *arg)
{
	int k = (int)(intptr_t)arg;
	struct err e;
	db *d = db_thread(&e);
	for (int i = 0; d && i < PER_THREAD; i++) {
		int commit = (i + k) % 3 != 0;
		const char *n = NULL;
		for (int tries = 0; tries < 50; tries++) {   /* db.busy: try again, as a client would */
			n = next(d, T1, "contrat", (struct date){ 2025, 6, 1 }, commit);
			if (strncmp(n, "C2025_", 6) == 0)
				break;
		}
		if (strncmp(n, "C2025_", 6) != 0) {
			__atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);
			continue;
		}
		if (commit)
			committed[k][n_committed[k]++] = atoi(n + 6);
	}
	return NULL;
}

int main(void)
{
	char dir[256], url[512];
	D = dbtest_open(dir, url);
	if (!T_OK(D != NULL, "database ready"))
		return t_done();
	struct err e = { 0 };
	db_run(D, &e, "INSERT INTO operators (name, siret, created_at) VALUES ('CDG', '', 0)", "");
	T1 = tenant("Commune A", "213001233");
	T2 = tenant("Commune B", "200000172");
	T_OK(T1 > 0 && T2 > 0, "two collectivités");
	struct date d24 = { 2024, 3, 15 }, d25 = { 2025, 1, 2 };

	char p[64];
	T_OK(numbering_pattern_get(D, T1, "deliberation", p, sizeof p, &e) == 0, "read the default pattern");
	T_EQ_STR(p, "{YYYY}_{N:3}", "délibérations: {YYYY}_{N:3} by default");
	T_OK(numbering_pattern_get(D, T1, "arrete", p, sizeof p, &e) == 0 && strcmp(p, "A{YYYY}_{N:3}") == 0, "arrêtés: A{YYYY}_{N:3} by default");
	T_OK(numbering_pattern_get(D, T1, "inconnue", p, sizeof p, &e) < 0 && strcmp(e.code, "numbering.serie") == 0, "unknown series refused");

	char out[32];
	long n = 0;
	T_OK(numbering_next(D, T1, "deliberation", d24, out, sizeof out, &n, &e) < 0 && strcmp(e.code, "numbering.transaction") == 0,
	     "no number outside a transaction");
	T_EQ_STR(next(D, T1, "deliberation", d24, 1), "2024_001", "first délibération of 2024");
	T_EQ_STR(next(D, T1, "deliberation", d24, 1), "2024_002", "second");
	T_EQ_STR(next(D, T1, "deliberation", d24, 0), "2024_003", "third, rolled back…");
	T_EQ_STR(next(D, T1, "deliberation", d24, 1), "2024_003", "…so given again: no gap");
	T_EQ_STR(next(D, T1, "deliberation", d25, 1), "2025_001", "the number restarts each year");
	T_EQ_STR(next(D, T1, "arrete", d24, 1), "A2024_001", "another series has its own counter");
	T_EQ_STR(next(D, T2, "deliberation", d24, 1), "2024_001", "another collectivité has its own counter");

	T_OK(numbering_pattern_set(D, T1, "deliberation", "DE{YY}_{N:4}", &e) == 0, "set a pattern");
	T_EQ_STR(next(D, T1, "deliberation", d24, 1), "DE24_0004", "the new pattern, the counter goes on");
	T_OK(numbering_pattern_get(D, T2, "deliberation", p, sizeof p, &e) == 0 && strcmp(p, "{YYYY}_{N:3}") == 0,
	     "the other collectivité keeps its pattern");
	T_OK(numbering_pattern_set(D, T1, "deliberation", "DE_{N:4}", &e) < 0 && strcmp(e.code, "numbering.motif") == 0 &&
		     strstr(e.msg, "année"),
	     "a pattern without the year is refused, in French");
	T_OK(numbering_pattern_set(D, T1, "deliberation", "A{YYYY}_{N:3}", &e) < 0 && strstr(e.msg, "Arrêtés"),
	     "the pattern of another series is refused (numbers would collide)");
	T_OK(numbering_pattern_set(D, T1, "deliberation", "{YYYY}_{N:3}_", &e) < 0 && strstr(e.msg, "« _ »"),
	     "a pattern ending with _ is refused (S2LOW)");
	T_OK(numbering_pattern_set(D, T1, "nope", "{YYYY}_{N}", &e) < 0 && e.status == 404, "unknown series");
	T_OK(numbering_pattern_get(D, T1, "deliberation", p, sizeof p, &e) == 0 && strcmp(p, "DE{YY}_{N:4}") == 0,
	     "refusals leave the pattern unchanged");
	T_OK(numbering_pattern_set(D, T1, "budget", "BUDGETSXY{YYYY}_{N}", &e) == 0, "a pattern of capacity 9…");
	for (int i = 0; i < 9; i++)
		next(D, T1, "budget", d24, 1);
	T_EQ_STR(next(D, T1, "budget", d24, 1), "numbering.trop_long", "…exhausted at the tenth number, refused");

	/* Concurrency: 4 connections, interleaved commits and rollbacks. */
	pthread_t th[THREADS];
	for (int k = 0; k < THREADS; k++)
		pthread_create(&th[k], NULL, worker, (void *)(intptr_t)k);
	for (int k = 0; k < THREADS; k++)
		pthread_join(th[k], NULL);
	T_EQ_INT(failures, 0, "every allocation ran");
	static int seen[THREADS * PER_THREAD + 2];
	int total = 0, dup = 0, max = 0;
	for (int k = 0; k < THREADS; k++)
		for (int i = 0; i < n_committed[k]; i++) {
			int v = committed[k][i];
			if (v < 1 || v > THREADS * PER_THREAD) {
				dup++;
				continue;
			}
			dup += seen[v]++ > 0;
			total++;
			if (v > max)
				max = v;
		}
	T_EQ_INT(total, 400, "400 numbers committed by 4 threads (200 rolled back)");
	T_EQ_INT(dup, 0, "no duplicate");
	T_EQ_INT(max, 400, "no gap: the committed numbers are exactly 1…400");
	T_EQ_STR(next(D, T1, "contrat", (struct date){ 2025, 6, 1 }, 1), "C2025_401", "the next one follows");
	return t_done();
}
