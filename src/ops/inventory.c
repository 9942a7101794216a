/* inventory: what a backup must hold and a restore must give back — every table with its row count,
 * the applied migrations, and the documents the rows reference (columns sha256 / *_sha256). */
#include "ops/ops.h"
#include "core/buf.h"
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

int ops_is_sha(const char *s)
{
	if (!s || strlen(s) != 64)
		return 0;
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Identifiers come from the catalog; only plain ones are accepted before they are put in SQL. */
static int plain_ident(const char *s)
{
	if (!s || !*s || strlen(s) > 63)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static int by_sha(const void *a, const void *b) { return strcmp(a, b); }

void ops_refs_free(struct ops_refs *r)
{
	free(r->sha);
	memset(r, 0, sizeof *r);
}

int ops_refs_has(const struct ops_refs *r, const char *sha)
{
	return r->n && bsearch(sha, r->sha, r->n, sizeof r->sha[0], by_sha) != NULL;
}

static void refs_add(struct ops_refs *r, const char *sha)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->sha = xrealloc(r->sha, r->cap * sizeof r->sha[0]);
	}
	memcpy(r->sha[r->n++], sha, 65);
}

static void refs_sort(struct ops_refs *r)
{
	if (!r->n)
		return;
	qsort(r->sha, r->n, sizeof r->sha[0], by_sha);
	size_t k = 1;
	for (size_t i = 1; i < r->n; i++)
		if (strcmp(r->sha[i], r->sha[k - 1]) != 0)
			memcpy(r->sha[k++], r->sha[i], 65);
	r->n = k;
}

/* Names of the user tables, sorted. */
static int list_tables(db *d, char ***out, struct err *e)
{
	int rc, n = 0, cap = 0;
	char **t = NULL;
	db_stmt *s = db_engine_of(d) == DB_PG
		? db_query(d, e, &rc, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename", "")
		: db_query(d, e, &rc, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite~_%' ESCAPE '~'"
				       " ORDER BY name", "");
	if (!s)
		return -1;
	while (rc == DB_ROW) {
		if (n == cap)
			t = xrealloc(t, (size_t)(cap = cap ? 2 * cap : 64) * sizeof *t);
		t[n++] = xstrdup(db_col_text(s, 0));
		rc = db_step(s, e);
	}
	db_finalize(s);
	*out = t;
	return rc < 0 ? -1 : n;
}

/* Columns of a table named sha256 or ending in _sha256. */
static int sha_columns(db *d, const char *table, char cols[][64], int max, struct err *e)
{
	int rc, n = 0;
	db_stmt *s = db_engine_of(d) == DB_PG
		? db_query(d, e, &rc, "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
				       " AND table_name = $1 ORDER BY ordinal_position", "t", table)
		: db_query(d, e, &rc, "SELECT name FROM pragma_table_info($1)", "t", table);
	if (!s)
		return -1;
	while (rc == DB_ROW) {
		const char *c = db_col_text(s, 0);
		size_t l = strlen(c);
		if (n < max && plain_ident(c) && (strcmp(c, "sha256") == 0 || (l > 7 && strcmp(c + l - 7, "_sha256") == 0)))
			snprintf(cols[n++], 64, "%s", c);
		rc = db_step(s, e);
	}
	db_finalize(s);
	return rc < 0 ? -1 : n;
}

json_t *ops_inventory(db *d, struct ops_refs *refs, struct err *e)
{
	char **tables = NULL;
	int nt = list_tables(d, &tables, e);
	if (nt < 0)
		return NULL;
	json_t *inv = json_object(), *counts = json_object(), *schema = json_array();
	json_object_set_new(inv, "tables", counts);
	json_object_set_new(inv, "schema", schema);
	buf sql = BUF_INIT;
	int rc, ok = 1;
	for (int i = 0; i < nt && ok; i++) {
		if (!plain_ident(tables[i])) {
			err_set(e, 500, "sauvegarde.table", "Nom de table inattendu : « %s ».", tables[i]);
			ok = 0;
			break;
		}
		buf_reset(&sql);
		buf_printf(&sql, "SELECT COUNT(*) FROM %s", tables[i]);
		db_stmt *s = db_query(d, e, &rc, sql.data, "");
		if (!s || rc != DB_ROW) {
			if (s)
				db_finalize(s);
			ok = 0;
			break;
		}
		json_object_set_new(counts, tables[i], json_integer(db_col_int64(s, 0)));
		db_finalize(s);
		char cols[16][64];
		int nc = refs ? sha_columns(d, tables[i], cols, 16, e) : 0;
		if (nc < 0) {
			ok = 0;
			break;
		}
		for (int c = 0; c < nc && ok; c++) {
			buf_reset(&sql);
			buf_printf(&sql, "SELECT DISTINCT %s FROM %s WHERE %s IS NOT NULL AND %s <> ''", cols[c], tables[i], cols[c], cols[c]);
			s = db_query(d, e, &rc, sql.data, "");
			if (!s) {
				ok = 0;
				break;
			}
			while (rc == DB_ROW) {
				const char *v = db_col_text(s, 0);
				if (ops_is_sha(v))
					refs_add(refs, v);
				rc = db_step(s, e);
			}
			db_finalize(s);
			ok = rc >= 0;
		}
	}
	if (ok && json_object_get(counts, "schema_migrations")) {
		db_stmt *s = db_query(d, e, &rc, "SELECT version FROM schema_migrations ORDER BY version", "");
		ok = s != NULL;
		while (s && rc == DB_ROW) {
			json_array_append_new(schema, json_integer(db_col_int64(s, 0)));
			rc = db_step(s, e);
		}
		if (s)
			db_finalize(s);
		ok = ok && rc >= 0;
	}
	for (int i = 0; i < nt; i++)
		free(tables[i]);
	free(tables);
	buf_free(&sql);
	if (!ok) {
		json_decref(inv);
		return NULL;
	}
	if (refs)
		refs_sort(refs);
	return inv;
}
