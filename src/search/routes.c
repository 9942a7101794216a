/* search routes: GET /api/v1/recherche?q=…&type=…&page=N (JSON) and the /recherche page. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "http/http.h"
#include "search/search.h"
#include "web/page.h"

#define PER_PAGE 20

static int page_no(struct req *r)
{
	const char *p = req_query(r, "page");
	long n = p ? strtol(p, NULL, 10) : 1;
	return n >= 1 && n <= 500 ? (int)n : 1;
}

static int api_search(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	int page = page_no(r);
	json_t *j = search_query(d, r->tenant_id, r->roles, req_query(r, "q"), req_query(r, "type"), PER_PAGE, (page - 1) * PER_PAGE, &e);
	if (!j)
		return res_fail_err(r, &e);
	json_object_set_new(j, "page", json_integer(page));
	return res_json(r, 200, j);
}
OPALE_ROUTE(search_api, "GET", "/api/v1/recherche", api_search, ROLE_STAFF, SCOPE_TENANT, 0);

static int search_page(struct req *r)
{
	const char *q = req_query(r, "q"), *type = req_query(r, "type");
	static const char *const types[][2] = { { "", "Tout" }, { "acte", "Actes" }, { "dossier", "Dossiers du parapheur" },
						{ "convention", "Conventions" }, { "seance", "Séances" }, { "pes", "Flux Hélios" } };
	json_t *data = json_pack("{s:s,s:s}", "q", q ? q : "", "type", type ? type : "");
	json_t *opts = json_array();
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", types[i][0], "label", types[i][1], "selected",
						      type && strcmp(type, types[i][0]) == 0));
	json_object_set_new(data, "types", opts);
	if (q && *q) {
		db *d = req_db(r);
		if (!d)
			return -1;
		struct err e = { 0 };
		int page = page_no(r);
		json_t *res = search_query(d, r->tenant_id, r->roles, q, type, PER_PAGE, (page - 1) * PER_PAGE, &e);
		if (!res) {
			json_object_set_new(data, "error", json_string(e.msg));
			return page_render(r, e.status ? e.status : 500, "recherche", "Recherche", data);
		}
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(res, "resultats"), i, it) {
			time_t t = (time_t)json_integer_value(json_object_get(it, "date"));
			struct tm tm;
			char fr[16], iso[16];
			localtime_r(&t, &tm);
			strftime(fr, sizeof fr, "%d/%m/%Y", &tm);
			strftime(iso, sizeof iso, "%Y-%m-%d", &tm);
			json_object_set_new(it, "date_fr", json_string(fr));
			json_object_set_new(it, "iso", json_string(iso));
		}
		buf qu = BUF_INIT;
		buf_urlenc(&qu, q);
		json_object_update(data, res);
		json_decref(res);
		json_object_set_new(data, "searched", json_true());
		json_object_set_new(data, "start", json_integer((page - 1) * PER_PAGE + 1));
		json_object_set_new(data, "next", json_integer(page + 1));
		json_object_set_new(data, "q_url", json_string(qu.data ? qu.data : ""));
		buf_free(&qu);
	}
	return page_render(r, 200, "recherche", "Recherche", data);
}
OPALE_ROUTE(search_pg, "GET", "/recherche", search_page, ROLE_STAFF, SCOPE_TENANT, 0);
