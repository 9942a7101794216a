/* search: indexing and querying (see search.h). Folding uses GLib's g_str_to_ascii (libglib alone is
 * linked by the executable; pango and the rest of the rendering stack are in the plugin, src/rendu): a
 * maintained transliteration table rather than one of our own. */
#include "search/search.h"

#include <ctype.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "db/tenant.h"
#include "http/http.h"

#define MAX_WORDS 8

/* Who may see which kind of result: the module's read roles. */
static const struct kind {
	const char *kind, *label;
	unsigned roles;
} kinds[] = {
	{ "acte", "Acte", ROLE_STAFF },
	{ "dossier", "Dossier du parapheur", ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_ADMIN | ROLE_AUDITOR },
	{ "convention", "Convention", ROLE_ADMIN | ROLE_AGENT | ROLE_AUDITOR },
	{ "seance", "Séance", ROLE_STAFF },
	{ "pes", "Flux Hélios", ROLE_ADMIN | ROLE_AGENT | ROLE_AUDITOR },
};

static const struct kind *kind_of(const char *k)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].kind, k) == 0)
			return &kinds[i];
	return NULL;
}

void search_fold(buf *out, const char *s)
{
	if (!s)
		return;
	char *a = g_str_to_ascii(s, "C");
	int space = out->len == 0 || out->data[out->len - 1] == ' ';
	for (const char *p = a; p && *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isalnum(c)) {
			buf_putc(out, (char)tolower(c));
			space = 0;
		} else if (!space) {
			buf_putc(out, ' ');
			space = 1;
		}
	}
	g_free(a);
	if (out->len && out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
}

int search_put(db *d, int64_t tenant, const char *kind, int64_t ref_id, const char *title, const char *text, int64_t at,
	       const char *url, struct err *e)
{
	if (!kind_of(kind))
		return err_set(e, 500, "recherche.type", "Type d'objet « %s » inconnu de la recherche.", kind);
	buf body = BUF_INIT;
	search_fold(&body, title);
	buf_putc(&body, ' ');
	search_fold(&body, text);
	int rc = tdb_run(d, tenant, e,
			 "INSERT INTO search_entries (tenant_id, kind, ref_id, title, body, at, url) VALUES ($1, $2, $3, $4, $5, $6, $7)"
			 " ON CONFLICT (tenant_id, kind, ref_id) DO UPDATE SET title = excluded.title, body = excluded.body,"
			 " at = excluded.at, url = excluded.url",
			 "tittit", kind, ref_id, title, body.data ? body.data : "", at, url);
	buf_free(&body);
	return rc;
}

int search_drop(db *d, int64_t tenant, const char *kind, int64_t ref_id, struct err *e)
{
	return tdb_run(d, tenant, e, "DELETE FROM search_entries WHERE tenant_id = $1 AND kind = $2 AND ref_id = $3", "ti", kind, ref_id);
}

/* SQLite: the cached statement reading the first term >= $1 of <index>_fts's vocabulary; the fts5vocab
 * table is created in the connection's temp schema the first time (nothing in the database file). */
static db_stmt *vocab_stmt(db *d, const char *index, struct err *e)
{
	char sql[160], ddl[200];
	snprintf(sql, sizeof sql, "SELECT term FROM temp.%s_fts_terms WHERE term >= $1 LIMIT 1", index);
	struct err missing = { 0 };
	db_stmt *s = db_prepare(d, sql, &missing);
	if (s)
		return s;
	snprintf(ddl, sizeof ddl, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.%s_fts_terms USING fts5vocab(main, %s_fts, instance)", index,
		 index);
	return db_exec(d, ddl, e) < 0 ? NULL : db_prepare(d, sql, e);
}

static int plain_term(const char *t) { return *t && strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789") == strlen(t); }

/* The completions of w (at most SEARCH_MAX_COMPLETIONS + 1), separated by op, in alt; their count or -1. */
static int completions(db *d, const char *index, const char *w, const char *op, buf *alt, struct err *e)
{
	size_t n = strlen(w);
	int k = 0;
	if (db_engine_of(d) == DB_PG) {   /* <index>_terms (COLLATE "C", bytewise): the terms in [w, w') begin with w */
		char sql[200], hi[64];
		snprintf(hi, sizeof hi, "%s", w);
		hi[n - 1]++;   /* w' = w with its last letter or digit the next byte */
		snprintf(sql, sizeof sql, "SELECT term FROM %s_terms WHERE term >= $1 AND term < $2 ORDER BY term LIMIT %d", index,
			 SEARCH_MAX_COMPLETIONS + 1);
		int rc;
		db_stmt *s = db_query(d, e, &rc, sql, "tt", w, hi);
		for (; s && rc == DB_ROW; rc = db_step(s, e)) {
			const char *t = db_col_text(s, 0);
			if (!plain_term(t) || strncmp(t, w, n) != 0) {   /* cannot be written plainly: keep the prefix */
				k = SEARCH_MAX_COMPLETIONS + 1;
				break;
			}
			buf_printf(alt, "%s%s", k++ ? op : "", t);
		}
		if (s)
			db_finalize(s);
		return !s || rc < 0 ? -1 : k;
	}
	buf from = BUF_INIT;   /* SQLite: one seek per completion, from the term after the previous one */
	buf_puts(&from, w);
	int rc = 0;
	while (k <= SEARCH_MAX_COMPLETIONS) {
		db_stmt *s = vocab_stmt(d, index, e);
		if (!s || db_bind_text(s, 1, from.data) < 0) {
			rc = s ? err_set(e, 500, "db.bind", "Paramètres de la recherche refusés.") : -1;
			if (s)
				db_finalize(s);
			break;
		}
		int r = db_step(s, e);
		const char *t = r == DB_ROW ? db_col_text(s, 0) : NULL;
		int stop = !t || strncmp(t, w, n) != 0;
		if (!stop && !plain_term(t)) {
			k = SEARCH_MAX_COMPLETIONS + 1;
			stop = 1;
		}
		if (!stop) {
			buf_printf(alt, "%s\"%s\"", k++ ? op : "", t);
			buf_reset(&from);
			buf_puts(&from, t);
			buf_putc(&from, '\x01');   /* the next term: nothing sorts between t and t + "\x01" */
		}
		db_finalize(s);
		if (r < 0)
			rc = -1;
		if (stop || rc < 0)
			break;
	}
	buf_free(&from);
	return rc < 0 ? -1 : k;
}

int search_match_word(db *d, const char *index, int indexed, const char *w, buf *m, struct err *e)
{
	int pg = db_engine_of(d) == DB_PG;
	if (!pg && strlen(w) <= (size_t)indexed) {   /* an FTS5 prefix index holds this one: a single doclist */
		buf_printf(m, "\"%s\"*", w);
		return 0;
	}
	buf alt = BUF_INIT;
	int k = completions(d, index, w, pg ? " | " : " OR ", &alt, e);
	if (k == 0 || k > SEARCH_MAX_COMPLETIONS)
		buf_printf(m, pg ? "%s:*" : "\"%s\"*", w);
	else if (k > 0)
		buf_printf(m, k > 1 ? "(%s)" : "%s", alt.data);
	buf_free(&alt);
	return k < 0 ? -1 : 0;
}

/* The words of a query, folded; returns how many (at most MAX_WORDS, each at most 40 characters). */
static int words(const char *q, char w[MAX_WORDS][41])
{
	buf f = BUF_INIT;
	search_fold(&f, q);
	int n = 0;
	for (char *save = NULL, *t = f.data ? strtok_r(f.data, " ", &save) : NULL; t && n < MAX_WORDS; t = strtok_r(NULL, " ", &save))
		snprintf(w[n++], 41, "%s", t);
	buf_free(&f);
	return n;
}

json_t *search_query(db *d, int64_t tenant, unsigned roles, const char *q, const char *kind, int limit, int offset,
		     struct err *e)
{
	char w[MAX_WORDS][41];
	int n = q ? words(q, w) : 0;
	if (n == 0) {
		err_set(e, 400, "recherche.vide", "Saisissez au moins un mot à rechercher (lettres ou chiffres).");
		return NULL;
	}
	if (kind && *kind && !kind_of(kind)) {
		err_set(e, 400, "recherche.type", "Type « %s » inconnu : acte, dossier, convention, seance ou pes.", kind);
		return NULL;
	}
	if (limit <= 0 || limit > 100)
		limit = 20;
	if (offset < 0 || offset > 10000)
		offset = 0;
	/* The kinds this user may read, as a SQL list of literals from our own table (never user text). */
	buf in = BUF_INIT;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if ((kinds[i].roles & roles) && (!kind || !*kind || strcmp(kind, kinds[i].kind) == 0))
			buf_printf(&in, "%s'%s'", in.len ? ", " : "", kinds[i].kind);
	json_t *out = json_array();
	int more = 0;
	if (!in.len) {
		buf_free(&in);
		return json_pack("{s:o,s:b}", "resultats", out, "suite", 0);
	}
	int pg = db_engine_of(d) == DB_PG;
	buf m = BUF_INIT, sql = BUF_INIT;
	buf_printf(&m, pg ? "zt%lldz" : "\"zt%lldz\"", (long long)tenant);
	for (int i = 0; i < n; i++) {
		buf_puts(&m, pg ? " & " : " AND ");
		if (search_match_word(d, "search", 3, w[i], &m, e) < 0) {   /* FTS5 prefix='2 3' (migration 0005) */
			buf_free(&in);
			buf_free(&m);
			json_decref(out);
			return NULL;
		}
	}
	/* Most recent first. SQLite walks the collectivité's entries newest first by the (tenant_id, at) index
	 * and keeps those in the set of matches (+e.id: the set must not drive the loop), so a frequent word
	 * stops after one page instead of reading and sorting every match (bench/P6-search.sh). PostgreSQL
	 * first looks among the collectivité's WINDOW latest entries (its planner takes GIN for a frequent
	 * word, then sorts every match), and asks everything only when they do not fill the page: the same
	 * answer, as in pub_list. */
	enum { WINDOW = 1000 };
	int rc = 0;
	db_stmt *s = NULL;
	char window[120];
	snprintf(window, sizeof window, "(SELECT * FROM search_entries WHERE tenant_id = $1 ORDER BY at DESC, id DESC LIMIT %d) w", (int)WINDOW);
	for (int pass = pg && offset + limit + 1 <= WINDOW ? 0 : 1; pass < 2; pass++) {
		buf_reset(&sql);
		if (!pg)
			buf_printf(&sql,
				   "SELECT e.kind, e.ref_id, e.title, e.at, e.url FROM search_entries e WHERE e.tenant_id = $1"
				   " AND +e.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH $2) AND e.kind IN (%s)"
				   " ORDER BY e.at DESC, e.id DESC LIMIT $3 OFFSET $4", in.data);
		else
			buf_printf(&sql,
				   "SELECT kind, ref_id, title, at, url FROM %s WHERE tenant_id = $1 AND tsv @@ to_tsquery('simple', $2)"
				   " AND kind IN (%s) ORDER BY at DESC, id DESC LIMIT $3 OFFSET $4",
				   pass == 0 ? window : "search_entries", in.data);
		json_array_clear(out);
		more = 0;
		s = tdb_query(d, tenant, e, &rc, sql.data, "tii", m.data, (int64_t)limit + 1, (int64_t)offset);
		for (; s && rc == DB_ROW; rc = db_step(s, e)) {
			if ((int)json_array_size(out) == limit) {
				more = 1;
				break;
			}
			const struct kind *k = kind_of(db_col_text(s, 0));
			json_array_append_new(out, json_pack("{s:s,s:s,s:I,s:s,s:I,s:s}", "type", db_col_text(s, 0), "type_libelle",
							     k ? k->label : "", "id", (json_int_t)db_col_int64(s, 1), "titre", db_col_text(s, 2),
							     "date", (json_int_t)db_col_int64(s, 3), "url", db_col_text(s, 4)));
		}
		if (s)
			db_finalize(s);
		if (!s || rc < 0 || more)
			break;
	}
	buf_free(&in);
	buf_free(&m);
	buf_free(&sql);
	if (!s || rc < 0) {
		json_decref(out);
		return NULL;
	}
	return json_pack("{s:o,s:b}", "resultats", out, "suite", more);
}
