/* The check is called by concurrent request threads: schemas compiled once and shared, error routing
 * per thread. Four threads check, 25 times each, a valid file and a broken one interleaved, from
 * memory, and must all find exactly what a single thread finds. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "helios/helios.h"
#include "t.h"

static buf good, bad;
static struct { size_t errors, warnings; const char *first_error; } ref_good, ref_bad;
static int mismatches;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static const char *first_error(const struct pes_report *r)
{
	for (size_t i = 0; i < r->n_issues; i++)
		if (r->issues[i].severity == PES_ERROR)
			return r->issues[i].code;
	return "";
}

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 25; i++) {
		for (int k = 0; k < 2; k++) {
			const buf *b = k ? &bad : &good;
			struct pes_report rep;
			struct err e = { 0 };
			int rc = pes_check_memory(b->data, b->len, NULL, &rep, &e);
			int same = rc == 0 && rep.errors == (k ? ref_bad.errors : ref_good.errors) &&
				   rep.warnings == (k ? ref_bad.warnings : ref_good.warnings) &&
				   strcmp(first_error(&rep), k ? ref_bad.first_error : ref_good.first_error) == 0;
			if (!same) {
				pthread_mutex_lock(&lock);
				mismatches++;
				pthread_mutex_unlock(&lock);
			}
			pes_report_free(&rep);
		}
	}
	return NULL;
}

int main(void)
{
	const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	char path[1024], schemas[1024];
	struct err e = { 0 };
	snprintf(schemas, sizeof schemas, "%s/specs/pes/v5.17", shared);
	snprintf(path, sizeof path, "%s/specs/pes/samples/PESALR2_25060187900027_190328_001.xml", shared);
	T_OK(pes_schemas_use(schemas, &e) == 0, "schemas found");
	T_OK(buf_read_file(&good, path, 0) == 0, "sample read");
	/* The broken one: same file, bordereau total off by one cent. */
	buf_add(&bad, good.data, good.len);
	char *mt = strstr(bad.data, "<MtBordHT V=\"4874.40\"/>");
	T_OK(mt != NULL, "total found in the sample");
	if (!mt)
		return t_done();
	memcpy(mt, "<MtBordHT V=\"4874.41\"/>", 23);

	struct pes_report rep;
	T_OK(pes_check_memory(good.data, good.len, NULL, &rep, &e) == 0 && rep.errors == 0, "single thread: valid");
	ref_good.errors = rep.errors, ref_good.warnings = rep.warnings, ref_good.first_error = "";
	pes_report_free(&rep);
	T_OK(pes_check_memory(bad.data, bad.len, NULL, &rep, &e) == 0 && rep.errors == 1, "single thread: one error");
	ref_bad.errors = rep.errors, ref_bad.warnings = rep.warnings, ref_bad.first_error = "pes.total";
	T_EQ_STR(first_error(&rep), "pes.total", "single thread: the total");
	pes_report_free(&rep);

	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	T_EQ_INT(mismatches, 0, "4 threads × 50 checks: same findings as one thread");
	buf_free(&good);
	buf_free(&bad);
	return t_done();
}
