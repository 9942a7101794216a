/* demo step "90-publication": the CCPO's demo deliberation 2024_041 published by its president, so that
 * the portal /p/246200364, its feed and its SCDL CSV show a row after `make run`. Idempotent. */
#include "publication/publier.h"
#include "db/tenant.h"
#include "identity/demo.h"
#include "store/store.h"

static int demo_publication(db *d, struct demo_ctx *c, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, c->ccpo, e, &rc,
			       "SELECT a.id, (SELECT count(*) FROM publications p WHERE p.tenant_id = $1 AND p.acte_id = a.id)"
			       " FROM actes a WHERE a.tenant_id = $1 AND a.numero = '2024_041'",
			       "");
	if (!s)
		return -1;
	int64_t acte = rc == DB_ROW ? db_col_int64(s, 0) : 0, done = rc == DB_ROW ? db_col_int64(s, 1) : 0;
	db_finalize(s);
	if (!acte || done)
		return 0;
	store_init(c->data_dir);
	struct pub_request rq = { 0 };   /* author: the president's name and function */
	int64_t id;
	return pub_publish(d, c->ccpo, c->users[DEMO_PRESIDENT], acte, &rq, &id, e);
}
OPALE_DEMO_STEP(publication, "90-publication", demo_publication);
