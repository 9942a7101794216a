/* req_db: the request thread's database connection, or a 503 answer when it cannot be had. */
#include "db/db.h"
#include "http/http.h"

db *req_db(struct req *r)
{
	struct err e;
	db *d = db_thread(&e);
	if (!d)
		res_fail(r, 503, "db.indisponible", "Base de données indisponible : %s", e.msg);
	return d;
}

db *req_db_page(struct req *r)
{
	struct err e;
	db *d = db_thread(&e);
	if (!d)
		res_fail(r, 503, "db.indisponible", "Base de données indisponible.");
	return d;
}
