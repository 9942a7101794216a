/* search: full-text search over what a collectivité holds. Modules index their objects with
 * search_put (on create and on every change that alters the text) and search_drop; users query
 * through GET /api/v1/recherche and the /recherche page. SQLite: FTS5; PostgreSQL: tsvector + GIN
 * (migration 0005). Text is folded (lower case, accents removed: « Délibération » = « deliberation »)
 * and every query word matches by prefix. Results come most recent first. */
#ifndef OPALE_SEARCH_H
#define OPALE_SEARCH_H
#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "db/db.h"

/* Indexes (or re-indexes) one object: kind "acte", "dossier", "convention", "seance"…; title shown in
 * results; text = every searchable word (number, object, metadata); at = its date (Unix seconds);
 * url = its page. */
int search_put(db *d, int64_t tenant, const char *kind, int64_t ref_id, const char *title, const char *text, int64_t at,
	       const char *url, struct err *e);
int search_drop(db *d, int64_t tenant, const char *kind, int64_t ref_id, struct err *e);

/* Appends the folded form of s to out: lower-case ASCII letters and digits, one space between words. */
void search_fold(buf *out, const char *s);

/* Runs a query for the user's roles (kinds they may not read are left out); kind may be NULL (all).
 * Returns {"resultats":[{type, id, titre, date, url}], "suite": true when more than limit matched}
 * or NULL with e filled (400 recherche.vide for a query without any word). */
/* Appends to m the match expression of one folded query word w (letters and digits) taken as a prefix,
 * for the index of <index>_fts (SQLite FTS5, whose longest prefix index is `indexed` characters) or
 * <index>_terms (PostgreSQL). A prefix the index does not hold as such is answered by reading and
 * merging, in memory, the postings of every term it begins, all collectivités' rows (« femmes »: 400 000
 * rows, 70 ms in FTS5, 100 ms in GIN at 1 M acts), before the first row comes out. Such a word is
 * therefore written as the OR of its completions — from the FTS5 vocabulary (an fts5vocab table in the
 * connection's temp schema, one seek per completion) or the terms table PostgreSQL keeps by trigger
 * (migrations 0007, 0059) — which FTS5 walks lazily, newest first, and GIN intersects with the
 * collectivité's token without a bitmap of every match. Same matches: the completions are every term the
 * prefix begins. With none, or more than SEARCH_MAX_COMPLETIONS, the word stays a prefix query.
 * Returns 0 or -1 (e filled). */
#define SEARCH_MAX_COMPLETIONS 32
int search_match_word(db *d, const char *index, int indexed, const char *w, buf *m, struct err *e);

json_t *search_query(db *d, int64_t tenant, unsigned roles, const char *q, const char *kind, int limit, int offset,
		     struct err *e);

#endif
