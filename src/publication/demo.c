/* demo step "90-publication": the CCPO's demo deliberations (2024_041 and those the demo séance's votes
 * made) published by its president, so that the portal /p/246200364, its feed and its SCDL CSV (with the
 * votes) show rows after `make run`. Idempotent. */
#include "publication/publier.h"
#include "db/tenant.h"
#include "identity/demo.h"
#include "store/store.h"

static int demo_publication(db *d, struct demo_ctx *c, struct err *e)
{
	int rc;
	int64_t ids[32];
	int n = 0;
	db_stmt *s = tdb_query(d, c->ccpo, e, &rc,
			       "SELECT a.id FROM actes a WHERE a.tenant_id = $1 AND a.nature = 1 AND a.state <> 'annule'"
			       " AND a.id NOT IN (SELECT acte_id FROM publications WHERE tenant_id = $1) ORDER BY a.id",
			       "");
	for (; s && rc == DB_ROW && n < 32; rc = db_step(s, e))
		ids[n++] = db_col_int64(s, 0);
	if (s)
		db_finalize(s);
	if (!s || rc < 0)
		return -1;
	store_init(c->data_dir);
	for (int i = 0; i < n; i++) {
		struct pub_request rq = { 0 };   /* author: the president's name and function */
		int64_t id;
		if (pub_publish(d, c->ccpo, c->users[DEMO_PRESIDENT], ids[i], &rq, &id, e) < 0)
			return -1;
	}
	return 0;
}
OPALE_DEMO_STEP(publication, "90-publication", demo_publication);
