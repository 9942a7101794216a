/* store_send: answering a request with a stored document found by a query — the download routes of
 * the modules' documents (acte documents, parapheur folder documents) share it. */
#include "store/store.h"
#include "db/tenant.h"
#include "http/http.h"

int store_send_doc(struct req *r, const char *sql)
{
	int64_t id = req_param_id(r, "id"), doc = id > 0 ? req_param_id(r, "doc") : -1;
	db *d = doc > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc, sql, "ii", id, doc);
	if (!s || rc != DB_ROW) {
		if (s)
			db_finalize(s);
		return res_fail(r, 404, "document.inconnu", "Document introuvable.");
	}
	char path[1200];
	store_path(db_col_text(s, 0), path, sizeof path);
	const char *mime = arena_strdup(r->a, db_col_text(s, 1)), *name = arena_strdup(r->a, db_col_text(s, 2));
	db_finalize(s);
	return res_file(r, path, mime, name);
}
