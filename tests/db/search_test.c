/* search: indexing and querying on the engine under test (SQLite FTS5 / PostgreSQL tsvector + GIN):
 * folding of accents and case, prefix words, AND of words, most recent first, re-indexing replaces,
 * dropping removes, kinds filtered by roles, and no result ever crosses collectivités. */
#include <stdio.h>
#include <string.h>

#include "dbtest.h"
#include "http/http.h"
#include "search/search.h"
#include "t.h"

static db *D;

/* Titles of the results of q for tenant (all roles), joined by "|". */
static const char *titles(int64_t tenant, unsigned roles, const char *q, const char *kind)
{
	static char out[1024];
	struct err e = { 0 };
	json_t *j = search_query(D, tenant, roles, q, kind, 20, 0, &e);
	out[0] = '\0';
	if (!j) {
		snprintf(out, sizeof out, "ERR %s", e.code);
		return out;
	}
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(j, "resultats"), i, it) {
		if (i)
			strncat(out, "|", sizeof out - strlen(out) - 1);
		strncat(out, json_string_value(json_object_get(it, "titre")), sizeof out - strlen(out) - 1);
	}
	json_decref(j);
	return out;
}

int main(void)
{
	char dir[256], url[512];
	D = dbtest_open(dir, url);
	T_OK(D != NULL, "database ready");
	if (!D)
		return t_done();
	struct err e = { 0 };
	buf f = BUF_INIT;
	search_fold(&f, "  Délibération n°12 — ŒUVRES « été » ");
	T_EQ_STR(f.data, "deliberation n 12 oeuvres ete", "folding: lower case, accents and ligatures, punctuation to spaces");
	buf_free(&f);

	T_OK(search_put(D, 1, "acte", 10, "Délibération budget primitif 2024", "2024_012 Finances locales", 1700000000, "/actes/10", &e) == 0, "index an act");
	T_OK(search_put(D, 1, "acte", 11, "Convention d'adhésion au CDG 62", "2024_013 Fonction publique", 1710000000, "/actes/11", &e) == 0, "index another");
	T_OK(search_put(D, 1, "dossier", 5, "Avenant CCI Littoral", "fiche action numérique", 1720000000, "/parapheur/dossiers/5", &e) == 0, "index a folder");
	T_OK(search_put(D, 2, "acte", 10, "Délibération secrète de l'autre collectivité", "budget", 1730000000, "/actes/10", &e) == 0, "index in collectivité 2");
	T_OK(search_put(D, 1, "inconnu", 1, "x", "y", 0, "/", &e) < 0, "an unknown kind is refused");

	T_EQ_STR(titles(1, ROLE_ADMIN, "deliberation", NULL), "Délibération budget primitif 2024", "accent-insensitive, other collectivité not seen");
	T_EQ_STR(titles(1, ROLE_ADMIN, "DÉLIB", NULL), "Délibération budget primitif 2024", "prefix and case-insensitive");
	T_EQ_STR(titles(2, ROLE_ADMIN, "délibération", NULL), "Délibération secrète de l'autre collectivité", "collectivité 2 sees only its own");
	T_EQ_STR(titles(1, ROLE_ADMIN, "2024", NULL), "Convention d'adhésion au CDG 62|Délibération budget primitif 2024",
		 "most recent first");
	T_EQ_STR(titles(1, ROLE_ADMIN, "convention fonction", NULL), "Convention d'adhésion au CDG 62", "words are ANDed");
	T_EQ_STR(titles(1, ROLE_ADMIN, "convention budget", NULL), "", "no document has both words");
	T_EQ_STR(titles(1, ROLE_ADMIN, "numérique", "acte"), "", "kind filter");
	T_EQ_STR(titles(1, ROLE_ADMIN, "numerique", "dossier"), "Avenant CCI Littoral", "kind filter keeps the folder");
	T_EQ_STR(titles(1, ROLE_SECRETAIRE, "numerique", NULL), "", "a role that cannot read folders does not find them");
	T_EQ_STR(titles(1, ROLE_ADMIN, " -- « » ", NULL), "ERR recherche.vide", "a query without words is refused");
	T_EQ_STR(titles(1, ROLE_ADMIN, "x", "nimporte"), "ERR recherche.type", "an unknown kind filter is refused");
	T_EQ_STR(titles(1, ROLE_ADMIN, "\"budget\"* (primitif) -:^", NULL), "Délibération budget primitif 2024", "query syntax characters are only separators");

	T_OK(search_put(D, 1, "acte", 10, "Délibération budget supplémentaire", "2024_012 DM1", 1700000000, "/actes/10", &e) == 0, "re-index an act");
	T_EQ_STR(titles(1, ROLE_ADMIN, "primitif", NULL), "", "its old words are gone");
	T_EQ_STR(titles(1, ROLE_ADMIN, "supplementaire", NULL), "Délibération budget supplémentaire", "its new words are found");
	T_OK(search_drop(D, 1, "acte", 10, &e) == 0, "drop it");
	T_EQ_STR(titles(1, ROLE_ADMIN, "budget", NULL), "", "dropped from collectivité 1");
	T_EQ_STR(titles(2, ROLE_ADMIN, "budget", NULL), "Délibération secrète de l'autre collectivité", "collectivité 2's act with the same id is still there");

	/* Paging: 25 matches, 20 per page, "suite" set. */
	for (int i = 0; i < 25; i++)
		search_put(D, 3, "acte", 100 + i, "Arrêté de voirie", "circulation", 1700000000 + i, "/actes/x", &e);
	json_t *j = search_query(D, 3, ROLE_ADMIN, "voirie", NULL, 20, 0, &e);
	T_EQ_INT((int)json_array_size(json_object_get(j, "resultats")), 20, "first page: 20");
	T_OK(json_is_true(json_object_get(j, "suite")), "more to come");
	json_decref(j);
	j = search_query(D, 3, ROLE_ADMIN, "voirie", NULL, 20, 20, &e);
	T_EQ_INT((int)json_array_size(json_object_get(j, "resultats")), 5, "second page: 5");
	T_OK(json_is_false(json_object_get(j, "suite")), "nothing after");
	json_decref(j);
	db_close(D);
	return t_done();
}
