/* routes: the operator's view of the job queue — counts by state, jobs in failure (dead-letter) with
 * their last error, and « Relancer » to put one back in the queue. */
#include "jobs/jobs.h"
#include "http/http.h"
#include "web/page.h"

#include <time.h>

static int page(struct req *r)
{
	struct err e;
	db *d = db_thread(&e);
	struct jobs_stats st;
	if (!d || jobs_stats(d, &st, &e) < 0)
		return res_fail(r, 503, "db.indisponible", "Base de données indisponible.");
	int rc;
	json_t *dead = json_array();
	db_stmt *s = db_query(d, &e, &rc, "SELECT j.id, j.kind, j.attempts, j.last_error, j.finished_at, COALESCE(c.name, '')"
					  " FROM jobs j LEFT JOIN collectivites c ON c.id = j.tenant_id WHERE j.state = 'dead'"
					  " ORDER BY j.finished_at DESC LIMIT 200", "");
	while (s && rc == DB_ROW) {
		char at[32];
		time_t t = (time_t)db_col_int64(s, 4);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(at, sizeof at, "%Y-%m-%d %H:%M", &tm);
		json_array_append_new(dead, json_pack("{s:I,s:s,s:I,s:s,s:s,s:s}", "id", (json_int_t)db_col_int64(s, 0), "kind",
						      db_col_text(s, 1), "attempts", (json_int_t)db_col_int64(s, 2), "error",
						      db_col_text(s, 3), "at", at, "tenant", db_col_text(s, 5)));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	return page_render(r, 200, "taches", "File de tâches",
			   json_pack("{s:I,s:I,s:I,s:I,s:I,s:o}", "queued", (json_int_t)st.queued, "running", (json_int_t)st.running,
				     "done", (json_int_t)st.done, "dead_count", (json_int_t)st.dead, "oldest",
				     (json_int_t)st.oldest_queued_age, "dead", dead));
}
OPALE_ROUTE(jobs_page, "GET", "/operateur/taches", page, ROLE_OPERATOR, SCOPE_OPERATOR, 0);

static int retry(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	struct err e;
	db *d = id > 0 ? db_thread(&e) : NULL;
	if (!d)
		return -1;
	if (jobs_retry(d, id, &e) < 0)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	res_flash(r, "ok", "Tâche remise dans la file.");
	return res_redirect(r, "/operateur/taches");
}
OPALE_ROUTE(jobs_retry_route, "POST", "/operateur/taches/:id/relancer", retry, ROLE_OPERATOR, SCOPE_OPERATOR, 0);
