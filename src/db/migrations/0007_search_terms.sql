-- SQLite: the collectivité's entries newest first, walked by the search (src/search/search.c) that keeps
-- those in the set of matches: a frequent word stops after one page instead of sorting all its matches.
-- {{sqlite}}
CREATE INDEX search_entries_tenant_at ON search_entries(tenant_id, at);
-- {{end}}
-- Every term of the full-text index, for expanding a query word into its completions before asking the
-- index (src/search: search_match_word). PostgreSQL only: GIN answers a prefix (« femmes:* ») by
-- building a bitmap of every row of every collectivité the prefix matches (100 ms at 1 M acts), while
-- the same word written as its completions (« femmes | femmesx ») is intersected with the
-- collectivité's token inside the index. Kept by a trigger, so that no term is ever missing (a term
-- no longer used stays: it then matches nothing). SQLite reads the FTS5 vocabulary itself.
-- {{pg}}
CREATE TABLE search_terms (term TEXT COLLATE "C" PRIMARY KEY);
-- the lexemes of a tsvector come sorted: concurrent writers insert new terms in the same order
CREATE FUNCTION search_terms_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_terms (term) SELECT t FROM unnest(tsvector_to_array(NEW.tsv)) AS t ORDER BY t ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER search_entries_terms AFTER INSERT OR UPDATE OF body ON search_entries
  FOR EACH ROW EXECUTE FUNCTION search_terms_keep();
INSERT INTO search_terms (term) SELECT DISTINCT unnest(tsvector_to_array(tsv)) FROM search_entries ORDER BY 1 ON CONFLICT DO NOTHING;
-- {{end}}
