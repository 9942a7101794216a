/* list_stream: the API's list of acts is written straight from the rows (actes_db_list_write) instead
 * of through a jansson tree. Its bytes must be those the API gave before: compared with the tree of
 * the former row builder (its json_pack, kept here as the reference) dumped by json_dumps, for acts
 * whose texts hold quotes, backslashes, control characters, accents and U+2028, unknown natures and
 * states, every filter and an empty list; and it parses as JSON. On the engine under test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actes/registre.h"
#include "dbtest.h"
#include "t.h"

static db *D;

/* The former row_acte (before the stream), from the same columns, as the reference. */
static json_t *former_row(db_stmt *s)
{
	const struct actes_nature *nat = actes_nature_get((int)db_col_int64(s, 3));
	return json_pack("{s:I,s:s,s:I,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:i,s:s,s:s,s:s,s:I,s:I}", "id",
			 (json_int_t)db_col_int64(s, 0), "numero", db_col_text(s, 1), "annee", (json_int_t)db_col_int64(s, 2),
			 "nature", (int)db_col_int64(s, 3), "nature_code", nat ? nat->abbr : "", "nature_libelle", nat ? nat->label : "",
			 "objet", db_col_text(s, 4), "date_decision", db_col_text(s, 5), "matiere", db_col_text(s, 6),
			 "classification_date", db_col_text(s, 7), "document_papier", (int)db_col_int64(s, 9), "type_piece",
			 db_col_text(s, 8), "etat", db_col_text(s, 10), "statut_tdt", (int)db_col_int64(s, 11), "etat_libelle",
			 actes_state_label(db_col_text(s, 10)), "id_acte", db_col_text(s, 12), "date_ar", db_col_text(s, 13),
			 "cree_le", (json_int_t)db_col_int64(s, 14), "modifie_le", (json_int_t)db_col_int64(s, 15));
}

/* The former list: same filters, same order, dumped compact. */
static char *former_list(int64_t tenant, const char *state, int annee, int nature, const char *q, int limit)
{
	char like[300];
	snprintf(like, sizeof like, "%%%s%%", q ? q : "");
	struct err e = { 0 };
	int rc;
	db_stmt *s = db_query(D, &e, &rc, "SELECT id, numero, annee, nature, objet, date_decision, matiere, classification_date, type_piece,"
					  " document_papier, state, tdt_status, id_acte, date_ar, created_at, updated_at FROM actes"
					  " WHERE tenant_id = $1 AND ($2 = '' OR state = $2) AND ($3 = 0 OR annee = $3) AND ($4 = 0 OR nature = $4)"
					  " AND ($5 = '%%' OR objet LIKE $5 OR numero LIKE $5) ORDER BY id DESC LIMIT $6",
			      "itiiti", tenant, state ? state : "", (int64_t)annee, (int64_t)nature, like, (int64_t)limit);
	json_t *a = json_array();
	while (s && rc == DB_ROW) {
		json_array_append_new(a, former_row(s));
		rc = db_step(s, &e);
	}
	db_finalize(s);
	json_t *o = json_pack("{s:o}", "actes", a);
	char *out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return out;
}

/* What the route writes now. */
static char *streamed(int64_t tenant, const char *state, int annee, int nature, const char *q, int limit)
{
	struct err e = { 0 };
	buf b = BUF_INIT;
	buf_puts(&b, "{\"actes\":");
	if (actes_db_list_write(D, tenant, state, annee, nature, q, limit, &b, &e) < 0) {
		buf_free(&b);
		return NULL;
	}
	buf_putc(&b, '}');
	return buf_detach(&b);
}

static void same(const char *what, int64_t tenant, const char *state, int annee, int nature, const char *q, int limit, size_t min_rows)
{
	char *a = former_list(tenant, state, annee, nature, q, limit), *b = streamed(tenant, state, annee, nature, q, limit);
	char label[200];
	snprintf(label, sizeof label, "%s: same bytes as the former json_dumps", what);
	T_OK(a && b && strcmp(a, b) == 0, label);
	if (a && b && strcmp(a, b) != 0) {
		size_t i = 0;
		while (a[i] && a[i] == b[i])
			i++;
		printf("#   first difference at %zu: former «%.60s» streamed «%.60s»\n", i, a + i, b + i);
	}
	json_error_t je;
	json_t *j = b ? json_loads(b, JSON_REJECT_DUPLICATES, &je) : NULL;
	snprintf(label, sizeof label, "%s: the stream parses as JSON with ≥ %zu acts", what, min_rows);
	T_OK(j && json_array_size(json_object_get(j, "actes")) >= min_rows, label);
	/* and the tree the pages use (actes_db_list) still holds the same fields */
	struct err e = { 0 };
	json_t *tree = actes_db_list(D, tenant, state, annee, nature, q, limit, &e);
	snprintf(label, sizeof label, "%s: the pages' tree equals the parsed stream", what);
	T_OK(tree && j && json_equal(tree, json_object_get(j, "actes")), label);
	json_decref(tree);
	json_decref(j);
	free(a);
	free(b);
}

int main(void)
{
	char dir[256], url[512];
	D = dbtest_open(dir, url);
	T_OK(D != NULL, "database ready");
	if (!D)
		return t_done();
	struct err e = { 0 };
	T_OK(db_exec(D, "INSERT INTO operators (id, name, siret, created_at) VALUES (1, 'CDG', '1', 0);"
			"INSERT INTO collectivites (id, operator_id, name, siren, kind, created_at) VALUES (1, 1, 'A', '111111111', 'commune', 0);"
			"INSERT INTO collectivites (id, operator_id, name, siren, kind, created_at) VALUES (2, 1, 'B', '222222222', 'commune', 0);",
		     &e) == 0,
	     "two collectivités");
	/* Texts a stream could get wrong; the API's rules refuse some of them, the database does not. */
	static const char *objets[] = {
		"Délibération « budget » 2024 — approbation",
		"quote \" backslash \\ slash / tab \t newline \n return \r",
		"controls \x01\x02\x08\x0c\x1b\x1f and DEL \x7f",
		"U+2028 \xe2\x80\xa8 U+2029 \xe2\x80\xa9 emoji \xf0\x9f\x98\x80",
		"",
	};
	static const char *states[] = { "brouillon", "acquitte", "transmis", "etat_inconnu", "annule" };
	int ok = 1;
	for (int i = 0; i < 40; i++) {
		char num[16];
		snprintf(num, sizeof num, "N%03d", i);
		ok &= db_run(D, &e, "INSERT INTO actes (tenant_id, annee, numero, nature, objet, date_decision, matiere, classification_date,"
				    " type_piece, document_papier, state, tdt_status, id_acte, date_ar, creator, created_at, updated_at)"
				    " VALUES ($1, $2, $3, $4, $5, '2024-03-01', '1.4', '2024-01-10', '99_DE', $6, $7, $8, $9, $10, 1, $11, $12)",
			     "iitititittii", (int64_t)(i % 7 == 6 ? 2 : 1), (int64_t)(2023 + i % 2), num, (int64_t)(i % 8), objets[i % 5],
			     (int64_t)(i % 3 == 0), states[i % 5], (int64_t)(i % 4 - 1), i % 2 ? "062-246200364-20240301-N-DE" : "",
			     i % 2 ? "2024-03-02" : "", (int64_t)1700000000 + i, (int64_t)-5 - i) == 0;
	}
	T_OK(ok, "40 acts in two collectivités (natures 0–7, of which 0 and 7 unknown; negative dates)");

	same("all acts", 1, NULL, 0, 0, NULL, 500, 30);
	same("limit 3", 1, NULL, 0, 0, NULL, 3, 3);
	same("state filter", 1, "acquitte", 0, 0, NULL, 500, 1);
	same("unknown state filter", 1, "etat_inconnu", 0, 0, NULL, 500, 1);
	same("year and nature", 1, NULL, 2024, 3, NULL, 500, 1);
	same("text search", 1, NULL, 0, 0, "budget", 500, 1);
	same("the other collectivité", 2, NULL, 0, 0, NULL, 500, 5);
	same("empty list", 1, NULL, 0, 0, "aucun acte ne contient ceci", 500, 0);
	char *b = streamed(1, NULL, 0, 0, "aucun acte ne contient ceci", 50);
	T_EQ_STR(b, "{\"actes\":[]}", "an empty list is {\"actes\":[]}");
	free(b);
	/* Not a copy of the former: the field list, in order (a field renamed or moved would change both). */
	b = streamed(1, NULL, 0, 0, NULL, 1);
	json_t *j = b ? json_loads(b, 0, NULL) : NULL;
	json_t *row = json_array_get(json_object_get(j, "actes"), 0);
	buf keys = BUF_INIT;
	const char *k;
	json_t *v;
	json_object_foreach(row, k, v) {
		buf_puts(&keys, k);
		buf_putc(&keys, ' ');
	}
	T_EQ_STR(keys.data, "id numero annee nature nature_code nature_libelle objet date_decision matiere classification_date document_papier "
			    "type_piece etat statut_tdt etat_libelle id_acte date_ar cree_le modifie_le ",
		 "the 19 fields of an act, in the API's order");
	buf_free(&keys);
	json_decref(j);
	free(b);
	return t_done();
}
