/* routes_pages: the equality diagnostic in the application — a collectivité's administrator uploads
 * the HR export (CSV), a refused file comes back with every problem and its line in French, a clean one
 * becomes a stored diagnostic (JSON, HTML, PDF, XLSX in the document store; the HR file itself is not
 * kept) shown as a page with its downloads. The latest earlier diagnostic of the collectivité is the
 * baseline of the « comparaison » section. */
#include "egalite/egalite.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "store/store.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define READERS (ROLE_ADMIN | ROLE_AUDITOR)
#define MAX_CSV (16u << 20)

static const char *const formats[][3] = {
	{ "json", "application/json", "JSON (toutes les valeurs, numérateurs et dénominateurs)" },
	{ "pdf", "application/pdf", "PDF" },
	{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Tableur XLSX" },
	{ "html", "text/html; charset=utf-8", "Page HTML autonome" },
};

static void date_fr(const char *iso, char out[32])
{
	struct egalite_date d;
	if (iso && egalite_date_parse(iso, &d) == 0)
		snprintf(out, 32, "%02d/%02d/%04d", d.d, d.m, d.y);
	else
		snprintf(out, 32, "%s", iso ? iso : "");
}

static json_t *reports_json(db *d, int64_t tenant)
{
	struct err e;
	int rc;
	json_t *list = json_array();
	db_stmt *s = tdb_query(d, tenant, &e, &rc,
			       "SELECT id, ref_date, titre, agents, a_part FROM egalite_reports WHERE tenant_id = $1 ORDER BY ref_date DESC", "");
	while (s && rc == DB_ROW) {
		char fr[32];
		date_fr(db_col_text(s, 1), fr);
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:I,s:s}", "id", (json_int_t)db_col_int64(s, 0), "date",
						      db_col_text(s, 1), "date_fr", fr, "titre", db_col_text(s, 2), "agents",
						      (json_int_t)db_col_int64(s, 3), "a_part", db_col_text(s, 4)));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	return list;
}

static const char *tenant_name(struct req *r, db *d)
{
	struct collectivite c;
	struct err e;
	return collectivite_get(d, r->tenant_id, &c, &e) == 0 ? arena_strdup(r->a, c.name) : "";
}

/* The upload page; form: the values typed (kept after a refusal; borrowed); issues: the refusal
 * (stolen), or NULL. */
static int form_page(struct req *r, db *d, int status, json_t *form, json_t *issues, const char *error)
{
	if (form) {
		json_incref(form);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		char def[32];
		snprintf(def, sizeof def, "%04d-12-31", tm.tm_year + 1900 - 1);
		form = json_pack("{s:s,s:s,s:s}", "date", def, "titre", tenant_name(r, d), "a_part", "");
	}
	json_t *data = json_pack("{s:o,s:o,s:s}", "form", form, "rapports", reports_json(d, r->tenant_id), "tenant_name",
				 tenant_name(r, d));
	json_object_set_new(data, "a_des_rapports", json_boolean(json_array_size(json_object_get(data, "rapports")) > 0));
	json_object_set_new(data, "peut_deposer", json_boolean((r->roles & ROLE_ADMIN) != 0));
	if (issues)
		json_object_set_new(data, "issues", issues);
	if (error)
		json_object_set_new(data, "error", json_string(error));
	return page_render(r, status, "egalite", "Égalité professionnelle", data);
}

static int home(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	return form_page(r, d, 200, NULL, NULL, NULL);
}
OPALE_ROUTE(eg_home, "GET", "/egalite", home, READERS, SCOPE_TENANT, 0);

/* Splits the « à part » textarea (one establishment a line) into o. Returns -1 when too many. */
static int a_part_lines(struct req *r, const char *text, struct egalite_opts *o)
{
	o->n_a_part = 0;
	if (!text)
		return 0;
	char *copy = arena_strdup(r->a, text), *save = NULL;
	for (char *l = strtok_r(copy, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
		while (*l == ' ' || *l == '\t')
			l++;
		size_t n = strlen(l);
		while (n && (l[n - 1] == ' ' || l[n - 1] == '\t'))
			l[--n] = '\0';
		if (!n)
			continue;
		if (o->n_a_part == EG_MAX_APART)
			return -1;
		o->a_part[o->n_a_part++] = l;
	}
	return 0;
}

/* Reads the stored JSON of the latest diagnostic before date into prev; its id, or 0. */
static int64_t previous(db *d, int64_t tenant, const char *date, buf *prev)
{
	struct err e;
	int rc;
	int64_t id = 0;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT id, sha_json FROM egalite_reports WHERE tenant_id = $1 AND ref_date < $2"
						   " ORDER BY ref_date DESC LIMIT 1", "t", date);
	if (s && rc == DB_ROW) {
		char path[1200];
		if (store_path(db_col_text(s, 1), path, sizeof path) == 0 && buf_read_file(prev, path, MAX_CSV) == 0 &&
		    egalite_previous_check(prev->data, &e) == 0)
			id = db_col_int64(s, 0);
		else
			buf_reset(prev);
	}
	if (s)
		db_finalize(s);
	return id;
}

static int put(const buf *b, char sha[65], db *d, const char *mime, struct err *e)
{
	return store_put_mem(b->data, b->len, sha, e) < 0 || store_record(d, sha, b->len, mime, e) < 0 ? -1 : 0;
}

static int upload(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	const char *date = req_form(r, "date"), *titre = req_form(r, "titre"), *apart = req_form(r, "a_part");
	json_t *form = json_pack("{s:s,s:s,s:s}", "date", date ? date : "", "titre", titre ? titre : "", "a_part", apart ? apart : "");
	struct egalite_opts o = { 0 };
	const struct upload *u = req_upload(r, "fichier");
	const char *bad = !date || egalite_date_parse(date, &o.date) < 0
				  ? "Date de référence invalide : une date réelle au format AAAA-MM-JJ est attendue."
			  : a_part_lines(r, apart, &o) < 0 ? "Huit établissements au plus peuvent être présentés à part."
			  : !u || u->size == 0 ? "Choisissez le fichier CSV des agents (export de la paie)." : NULL;
	if (bad) {
		int rc = form_page(r, d, 400, form, NULL, bad);
		json_decref(form);
		return rc;
	}
	o.titre = titre && *titre ? titre : tenant_name(r, d);
	buf csv = BUF_INIT, prev = BUF_INIT, out[5] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT };
	struct egalite_agents ag = { 0 };
	struct egalite_issues is = { 0 };
	struct egalite_report *rep = NULL;
	struct err e = { 0 };
	int ret;
	if (buf_read_file(&csv, u->path, MAX_CSV) < 0) {
		ret = form_page(r, d, 400, form, NULL, "Fichier illisible ou trop volumineux (16 Mo au plus).");
		goto out;
	}
	if (egalite_parse(csv.data ? csv.data : "", csv.len, &o.date, &ag, &is, &e) < 0) {
		json_t *list = json_array();
		for (size_t i = 0; i < is.n; i++)
			json_array_append_new(list, json_pack("{s:I,s:s}", "ligne", (json_int_t)is.v[i].line, "raison", is.v[i].msg));
		json_t *issues = json_pack("{s:s,s:s,s:o,s:I,s:b}", "fichier", u->filename ? u->filename : "", "message", e.msg,
					   "liste", list, "autres", (json_int_t)(is.total - is.n), "tronque", is.total > is.n);
		ret = form_page(r, d, 422, form, issues, NULL);
		goto out;
	}
	if (!(rep = egalite_compute(&ag, &o, &e))) {
		ret = form_page(r, d, 422, form, NULL, e.msg);
		goto out;
	}
	char iso[32];
	snprintf(iso, sizeof iso, "%04d-%02d-%02d", o.date.y, o.date.m, o.date.d);
	int64_t prev_id = previous(d, r->tenant_id, iso, &prev);
	const char *p = prev.len ? prev.data : NULL;
	char sha[5][65];
	if (egalite_json(rep, p, &out[0], &e) < 0 || egalite_html(rep, p, &out[1], &e) < 0 ||
	    egalite_html_fragment(rep, p, &out[2], &e) < 0 || egalite_pdf(rep, p, &out[3], &e) < 0 ||
	    egalite_xlsx(rep, p, &out[4], &e) < 0) {
		ret = form_page(r, d, 500, form, NULL, e.msg);
		goto out;
	}
	buf joined = BUF_INIT;
	for (int i = 0; i < o.n_a_part; i++)
		buf_printf(&joined, "%s%s", i ? "\n" : "", o.a_part[i]);
	int rc;
	int64_t id = 0;
	db_stmt *s = NULL;
	int ok = db_begin_write(d, &e) == 0 && put(&out[0], sha[0], d, "application/json", &e) == 0 &&
		 put(&out[1], sha[1], d, "text/html", &e) == 0 && put(&out[2], sha[2], d, "text/html", &e) == 0 &&
		 put(&out[3], sha[3], d, "application/pdf", &e) == 0 && put(&out[4], sha[4], d, formats[2][1], &e) == 0 &&
		 tdb_run(d, r->tenant_id, &e, "DELETE FROM egalite_reports WHERE tenant_id = $1 AND ref_date = $2", "t", iso) == 0 &&
		 (s = tdb_query(d, r->tenant_id, &e, &rc,
				"INSERT INTO egalite_reports (tenant_id, ref_date, titre, a_part, agents, previous_id, sha_json, sha_html,"
				" sha_fragment, sha_pdf, sha_xlsx, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
				" $11, $12, $13) RETURNING id", "tttiitttttii", iso, o.titre, joined.data ? joined.data : "", (int64_t)ag.n,
				prev_id, sha[0], sha[1], sha[2], sha[3], sha[4], r->user_id, identity_now())) != NULL && rc == DB_ROW;
	if (ok)
		id = db_col_int64(s, 0);
	if (s)
		db_finalize(s);
	buf_free(&joined);
	if (!ok || db_commit(d, &e) < 0) {
		db_rollback(d);
		ret = form_page(r, d, 500, form, NULL, "Enregistrement du diagnostic impossible.");
		goto out;
	}
	audit_req(r, "egalite.rapport", arena_printf(r->a, "%lld", (long long)id), iso);
	char fr[32];
	date_fr(iso, fr);
	res_flash(r, "ok", arena_printf(r->a, "Diagnostic au %s établi sur %zu agents.", fr, ag.n));
	ret = res_redirect(r, arena_printf(r->a, "/egalite/rapports/%lld", (long long)id));
out:
	json_decref(form);
	egalite_report_free(rep);
	egalite_agents_free(&ag);
	egalite_issues_free(&is);
	buf_free(&csv);
	buf_free(&prev);
	for (int i = 0; i < 5; i++)
		buf_free(&out[i]);
	return ret;
}
OPALE_ROUTE(eg_upload, "POST", "/egalite", upload, ROLE_ADMIN, SCOPE_TENANT, RF_UPLOAD);

static int report(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc,
			       "SELECT ref_date, titre, agents, a_part, sha_fragment, previous_id FROM egalite_reports"
			       " WHERE tenant_id = $1 AND id = $2", "i", id);
	if (!s || rc != DB_ROW) {
		if (s)
			db_finalize(s);
		return res_fail(r, 404, "egalite.inconnu", "Diagnostic introuvable.");
	}
	char fr[32], path[1200];
	date_fr(db_col_text(s, 0), fr);
	json_t *data = json_pack("{s:I,s:s,s:s,s:I,s:s,s:b}", "id", (json_int_t)id, "date_fr", fr, "titre", db_col_text(s, 1),
				 "agents", (json_int_t)db_col_int64(s, 2), "a_part", db_col_text(s, 3), "comparaison",
				 db_col_int64(s, 5) != 0);
	buf frag = BUF_INIT;
	if (store_path(db_col_text(s, 4), path, sizeof path) < 0 || buf_read_file(&frag, path, 64u << 20) < 0)
		buf_puts(&frag, "<p>Le rapport n'a pu être relu dans le magasin de documents.</p>");
	db_finalize(s);
	json_object_set_new(data, "fragment", json_stringn(frag.data, frag.len));
	buf_free(&frag);
	json_t *links = json_array();
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		json_array_append_new(links, json_pack("{s:s,s:s}", "format", formats[i][0], "libelle", formats[i][2]));
	json_object_set_new(data, "telechargements", links);
	return page_render(r, 200, "egalite_rapport", arena_printf(r->a, "Diagnostic égalité au %s", fr), json_pack("{s:o}", "r", data));
}
OPALE_ROUTE(eg_report, "GET", "/egalite/rapports/:id", report, READERS, SCOPE_TENANT, 0);

static int download(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	const char *f = req_param(r, "format");
	int k = -1;
	for (size_t i = 0; f && i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(f, formats[i][0]) == 0)
			k = (int)i;
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc,
			       "SELECT ref_date, sha_json, sha_pdf, sha_xlsx, sha_html FROM egalite_reports WHERE tenant_id = $1 AND id = $2",
			       "i", id);
	if (!s || rc != DB_ROW || k < 0) {
		if (s)
			db_finalize(s);
		return res_fail(r, 404, "egalite.inconnu", "Diagnostic introuvable.");
	}
	char path[1200];
	store_path(db_col_text(s, 1 + k), path, sizeof path);
	const char *name = arena_printf(r->a, "egalite-%s.%s", db_col_text(s, 0), formats[k][0]);
	db_finalize(s);
	return res_file(r, path, formats[k][1], name);
}
OPALE_ROUTE(eg_download, "GET", "/egalite/rapports/:id/:format", download, READERS, SCOPE_TENANT, 0);
