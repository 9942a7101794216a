/* list_plan: the portal's list (pub_list) and the internal search (search_query) read their rows in
 * several ways since bench/P6 (a first pass over the latest publications, a word expanded into its
 * completions, the filter's index walked with the set of matches, the acts joined after the LIMIT). Their
 * answers must be those of the former single query (kept here as the reference: every word a plain
 * prefix, one statement, the acts joined to every row) — compared id by id, with the « more » flag, for
 * words (frequent, rare, absent, short, with more completions than are expanded), filters (a nature the
 * collectivité never uses, date ranges, matières, expired publications) and pages up to the window's
 * edge, over 2 600 publications of one collectivité and 300 of another. On the engine under test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dbtest.h"
#include "db/tenant.h"
#include "http/http.h"
#include "publication/publier.h"
#include "search/search.h"
#include "t.h"

static db *D;
static int64_t NOW;

static const char *vocab[] = { "budget", "budgetaire", "budgets", "femmes", "femme", "territoire", "territoires", "action",
			       "actions", "convention", "conventions", "emploi", "emplois", "pour", "pour", "pour", "dans",
			       "deliberation", "arrete", "commerce", "commerciale" };
#define NV (sizeof vocab / sizeof vocab[0])

static unsigned rnd_state = 42;
static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

/* One act and its publication; body of words drawn from vocab, « rare » and « zebreNN » now and then. */
static int add(int64_t tenant, int i)
{
	buf body = BUF_INIT;
	for (int k = 0; k < 6; k++)
		buf_printf(&body, "%s%s", k ? " " : "", vocab[rnd(NV)]);
	if (i % 97 == 0)
		buf_puts(&body, " rare");
	if (i % 5 == 0)
		buf_printf(&body, " zebre%02d", i / 5 % 40);   /* 40 completions of « zebre »: more than are expanded */
	int nature = 1 + (int)rnd(6);
	if (tenant == 1 && nature == 5)
		nature = 6;   /* a nature this collectivité never uses */
	char date[11], num[16], mat[8];
	snprintf(date, sizeof date, "%04d-%02d-%02d", 2015 + i * 10 / 2600 - (int)rnd(2), 1 + (int)rnd(12), 1 + (int)rnd(28));
	snprintf(num, sizeof num, "T%d_%d", (int)tenant, i);
	snprintf(mat, sizeof mat, "%d.%d", 1 + (int)rnd(9), 1 + (int)rnd(5));
	int64_t expires = i % 37 == 0 ? NOW - 10 : i % 41 == 0 ? NOW + 100000 : 0;
	int64_t acte = tenant * 100000 + i;
	struct err e = { 0 };
	int rc = db_run(D, &e,
			"INSERT INTO actes (id, tenant_id, annee, numero, nature, objet, date_decision, matiere, classification_date, type_piece,"
			" creator, created_at, updated_at) VALUES ($1, $2, 2020, $3, $4, $5, $6, $7, '2015-01-01', '99_DE', 1, 0, 0)",
			"iititt" "t", acte, tenant, num, (int64_t)nature, body.data, date, mat);
	if (rc == 0)
		rc = db_run(D, &e,
			    "INSERT INTO publications (tenant_id, acte_id, numero, nature, objet, matiere, date_decision, date_publication,"
			    " published_at, expires_at, auteur, user_id, source_sha256, sha256, size, body)"
			    " VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 0, $8, 'A', 1, 'x', 'x', 1, $9)",
			    "iititttit", tenant, acte, num, (int64_t)nature, body.data, mat, date, expires, body.data);
	/* the internal search over the same words, 1 740 entries in the first collectivité (PostgreSQL's first pass
	 * looks at the 1 000 latest); dates mostly follow the ids, in pairs (ties), one in ten goes backwards */
	if (rc == 0 && i % 3 != 2)
		rc = search_put(D, tenant, "acte", acte, num, body.data, (int64_t)(i % 10 == 3 ? 6000 - i : i) / 2, "/x", &e);
	if (rc < 0)
		printf("# %s\n", e.msg);
	buf_free(&body);
	return rc;
}

/* The former list: one statement, prefixes as such, acts joined to every row. Ids, comma-separated. */
static char *former_list(int64_t tenant, const char *q, const char *du, const char *au, int nature, const char *mat, int limit,
			 int offset, int *more)
{
	int pg = db_engine_of(D) == DB_PG;
	buf m = BUF_INIT, sql = BUF_INIT, ids = BUF_INIT;
	buf_printf(&m, pg ? "zt%lldz" : "\"zt%lldz\"", (long long)tenant);
	char words[200];
	snprintf(words, sizeof words, "%s", q ? q : "");
	int nw = 0;
	for (char *s = NULL, *t = strtok_r(words, " ", &s); t; t = strtok_r(NULL, " ", &s), nw++)
		buf_printf(&m, pg ? " & %s:*" : " AND \"%s\"*", t);
	if (nw && !pg)
		buf_puts(&sql, "SELECT p.id FROM publications_fts f CROSS JOIN publications p CROSS JOIN actes a WHERE p.id = f.rowid"
			       " AND f.publications_fts MATCH $3 AND");
	else
		buf_puts(&sql, "SELECT p.id FROM publications p CROSS JOIN actes a WHERE");
	buf_puts(&sql, " a.id = p.acte_id AND a.tenant_id = p.tenant_id AND p.tenant_id = $1 AND (p.expires_at = 0 OR p.expires_at > $2)");
	if (nw && pg)
		buf_puts(&sql, " AND p.tsv @@ to_tsquery('simple', $3)");
	if (du)
		buf_printf(&sql, " AND p.date_decision >= '%s'", du);
	if (au)
		buf_printf(&sql, " AND p.date_decision <= '%s'", au);
	if (nature)
		buf_printf(&sql, " AND p.nature = %d", nature);
	if (mat)
		buf_printf(&sql, " AND p.matiere >= '%s' AND p.matiere < '%s/'", mat, mat);
	buf_printf(&sql, " ORDER BY p.id DESC LIMIT %d OFFSET %d", limit + 1, offset);
	struct err e = { 0 };
	int rc, n = 0;
	db_stmt *s = nw ? tdb_query(D, tenant, &e, &rc, sql.data, "it", NOW, m.data) : tdb_query(D, tenant, &e, &rc, sql.data, "i", NOW);
	*more = 0;
	for (; s && rc == DB_ROW; rc = db_step(s, &e)) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		buf_printf(&ids, "%lld,", (long long)db_col_int64(s, 0));
	}
	if (s)
		db_finalize(s);
	if (!s || rc < 0)
		printf("# reference: %s\n", e.msg);
	buf_free(&m);
	buf_free(&sql);
	return ids.data ? buf_detach(&ids) : strdup("");
}

static char *ids_of(json_t *list, const char *key)
{
	buf ids = BUF_INIT;
	size_t i;
	json_t *it;
	json_array_foreach(list, i, it)
		buf_printf(&ids, "%lld,", (long long)json_integer_value(json_object_get(it, key)));
	return ids.data ? buf_detach(&ids) : strdup("");
}

static int rows_seen, lists_compared;

/* pub_list against the former list for every page of offs; 1 when all equal. */
static int same_list(int64_t tenant, const char *q, const char *du, const char *au, int nature, const char *mat)
{
	static const int offs[] = { 0, 40, 980, 1000 };
	int ok = 1;
	for (size_t k = 0; k < sizeof offs / sizeof offs[0]; k++) {
		struct pub_filter f = { q, du, au, nature, mat };
		struct err e = { 0 };
		int more_new = -1, more_old = -1;
		json_t *list = pub_list(D, tenant, &f, 20, offs[k], &more_new, &e);
		char *a = list ? ids_of(list, "id") : NULL, *b = former_list(tenant, q, du, au, nature, mat, 20, offs[k], &more_old);
		rows_seen += list ? (int)json_array_size(list) : 0;
		lists_compared++;
		if (!a || strcmp(a, b) != 0 || more_new != more_old) {
			if (ok)
				printf("#   q=«%s» du=%s au=%s nature=%d matière=%s offset %d: now [%.120s] more %d, former [%.120s] more %d%s%s\n",
				       q ? q : "", du ? du : "", au ? au : "", nature, mat ? mat : "", offs[k], a ? a : "(error)", more_new, b,
				       more_old, list ? "" : " — ", list ? "" : e.msg);
			ok = 0;
		}
		free(a);
		free(b);
		json_decref(list);
	}
	return ok;
}

/* The internal search against its former query (prefixes as such), ids (ref_id) of a page. */
static int same_search(int64_t tenant, const char *q)
{
	int pg = db_engine_of(D) == DB_PG, ok = 1;
	for (int off = 0; off <= 40; off += 20) {
		struct err e = { 0 };
		json_t *j = search_query(D, tenant, ROLE_ADMIN | ROLE_AGENT, q, NULL, 20, off, &e);
		char *a = j ? ids_of(json_object_get(j, "resultats"), "id") : NULL;
		buf m = BUF_INIT, ids = BUF_INIT;
		buf_printf(&m, pg ? "zt%lldz" : "\"zt%lldz\"", (long long)tenant);
		char words[200];
		snprintf(words, sizeof words, "%s", q);
		for (char *s = NULL, *t = strtok_r(words, " ", &s); t; t = strtok_r(NULL, " ", &s))
			buf_printf(&m, pg ? " & %s:*" : " AND \"%s\"*", t);
		int rc;
		db_stmt *s = tdb_query(D, tenant, &e, &rc,
				       pg ? "SELECT ref_id FROM search_entries WHERE tenant_id = $1 AND tsv @@ to_tsquery('simple', $2)"
					    " ORDER BY at DESC, id DESC LIMIT 20 OFFSET $3"
					  : "SELECT e.ref_id FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid WHERE search_fts MATCH $2"
					    " AND e.tenant_id = $1 ORDER BY e.at DESC, e.id DESC LIMIT 20 OFFSET $3",
				       "ti", m.data, (int64_t)off);
		for (; s && rc == DB_ROW; rc = db_step(s, &e))
			buf_printf(&ids, "%lld,", (long long)db_col_int64(s, 0));
		if (s)
			db_finalize(s);
		rows_seen += j ? (int)json_array_size(json_object_get(j, "resultats")) : 0;
		ok = a && strcmp(a, ids.data ? ids.data : "") == 0;
		if (!ok)
			printf("#   search «%s» offset %d: now [%.100s], former [%.100s]\n", q, off, a ? a : "(error)", ids.data ? ids.data : "");
		free(a);
		buf_free(&m);
		buf_free(&ids);
		json_decref(j);
		if (!ok)
			break;
	}
	return ok;
}

int main(void)
{
	char dir[256], url[512];
	D = dbtest_open(dir, url);
	T_OK(D != NULL, "database ready");
	if (!D)
		return t_done();
	NOW = (int64_t)time(NULL);
	struct err e = { 0 };
	T_OK(db_exec(D, "INSERT INTO operators (id, name, siret, created_at) VALUES (1, 'CDG', '1', 0);"
			"INSERT INTO collectivites (id, operator_id, name, siren, kind, created_at) VALUES (1, 1, 'A', '111111111', 'commune', 0);"
			"INSERT INTO collectivites (id, operator_id, name, siren, kind, created_at) VALUES (2, 1, 'B', '222222222', 'commune', 0);",
		     &e) == 0,
	     "two collectivités");
	int ok = db_begin_write(D, &e) == 0;
	for (int i = 0; i < 2900 && ok; i++)
		ok = add(i % 10 == 9 ? 2 : 1, i) == 0;   /* 2 610 in the first, 290 in the second */
	ok = ok && db_commit(D, &e) == 0;
	T_OK(ok, "2 900 acts published in two collectivités");
	if (!ok)
		return t_done();

	/* the expansion itself */
	int pg = db_engine_of(D) == DB_PG;
	buf m = BUF_INIT;
	T_OK(search_match_word(D, "publications", 4, "budget", &m, &e) == 0, "a word is expanded");
	T_EQ_STR(m.data, pg ? "(budget | budgetaire | budgets)" : "(\"budget\" OR \"budgetaire\" OR \"budgets\")", "« budget » is its 3 completions");
	buf_reset(&m);
	search_match_word(D, "publications", 4, "zebre", &m, &e);
	T_EQ_STR(m.data, pg ? "zebre:*" : "\"zebre\"*", "40 completions: the word stays a prefix");
	buf_reset(&m);
	search_match_word(D, "publications", 4, "budg", &m, &e);
	T_EQ_STR(m.data, pg ? "(budget | budgetaire | budgets)" : "\"budg\"*",
		 pg ? "PostgreSQL expands short words too (GIN has no prefix index)" : "4 letters: FTS5's prefix index answers it");
	buf_reset(&m);
	search_match_word(D, "publications", 4, "absentissime", &m, &e);
	T_EQ_STR(m.data, pg ? "absentissime:*" : "\"absentissime\"*", "a word without completion stays a prefix (matches nothing)");
	buf_reset(&m);
	search_match_word(D, "search", 3, "femm", &m, &e);
	T_EQ_STR(m.data, pg ? "(femme | femmes)" : "(\"femme\" OR \"femmes\")", "the internal search's index expands from 4 letters");
	buf_free(&m);

	static const char *qs[] = { NULL, "budget", "budg", "femmes", "territoire action", "zebre", "zebre1", "convention emploi",
				    "rare", "pour", "b", "absentissime", "budgetaire", "commerce", "pour dans femme" };
	static const struct { const char *du, *au, *mat; int nature; } fs[] = {
		{ NULL, NULL, NULL, 0 },          { NULL, NULL, NULL, 4 },          { NULL, NULL, NULL, 5 },
		{ "2016-01-01", "2018-12-31", NULL, 0 }, { "2023-06-01", NULL, NULL, 0 }, { NULL, "2015-12-31", NULL, 0 },
		{ NULL, NULL, "3", 0 },           { NULL, NULL, "1.2", 2 },         { "2019-01-01", "2019-12-31", "7", 6 },
	};
	char label[200];
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		int all = 1;
		for (size_t k = 0; k < sizeof fs / sizeof fs[0]; k++)
			all &= same_list(1, qs[i], fs[k].du, fs[k].au, fs[k].nature, fs[k].mat);
		snprintf(label, sizeof label, "portal « %s »: the former list under 9 filters × 4 pages", qs[i] ? qs[i] : "(no word)");
		T_OK(all, label);
	}
	T_OK(same_list(2, "budget", NULL, NULL, 0, NULL) && same_list(2, NULL, NULL, NULL, 3, NULL), "the other collectivité too");
	snprintf(label, sizeof label, "the comparisons saw rows (%d rows over %d lists)", rows_seen, lists_compared);
	T_OK(rows_seen > 2000, label);

	static const char *sq[] = { "budget", "femm", "territoire action", "zebre", "zebre3", "pour", "rare", "conventions", "b" };
	int all = 1;
	rows_seen = 0;
	for (size_t i = 0; i < sizeof sq / sizeof sq[0]; i++)
		all &= same_search(1, sq[i]) & same_search(2, sq[i]);
	T_OK(all, "internal search: the former query's ids for 9 queries × 3 pages × 2 collectivités");
	T_OK(rows_seen > 500, "and they found rows");
	return t_done();
}
