/* serve_hook: at `opale serve` start-up, opens the configured database, checks the schema is current
 * and wires /healthz to it. */
#include "db/db.h"
#include "core/config.h"
#include "http/http.h"
#include "http/serve.h"
#include "store/store.h"


static int health(struct err *e)
{
	db *d = db_thread(e);
	if (!d)
		return -1;
	int rc;
	db_stmt *s = db_query(d, e, &rc, "SELECT 1", "");
	if (!s)
		return -1;
	db_finalize(s);
	return 0;
}

static int start(struct err *e)
{
	if (db_configure(cfg.data_dir, cfg.db_url, e) < 0)
		return -1;
	db *d = db_thread(e);
	if (!d)
		return -1;
	if (db_schema_check(d, e) < 0)
		return -1;
	http_health_hook = health;
	store_init(cfg.data_dir);
	return 0;
}

static struct serve_hook hook = { "db", start, NULL, NULL };
static void reg(void) __attribute__((constructor));
static void reg(void) { serve_add_hook(&hook); }
