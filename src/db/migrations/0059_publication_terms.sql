-- Every term of the portal's full-text index (PostgreSQL), kept by trigger: the public search expands a
-- query word into its completions from it (as search_terms does for the internal search, 0007).
-- {{pg}}
CREATE TABLE publications_terms (term TEXT COLLATE "C" PRIMARY KEY);
CREATE FUNCTION publications_terms_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO publications_terms (term) SELECT t FROM unnest(tsvector_to_array(NEW.tsv)) AS t ORDER BY t ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER publications_terms AFTER INSERT OR UPDATE OF body ON publications
  FOR EACH ROW EXECUTE FUNCTION publications_terms_keep();
INSERT INTO publications_terms (term) SELECT DISTINCT unnest(tsvector_to_array(tsv)) FROM publications ORDER BY 1 ON CONFLICT DO NOTHING;
-- {{end}}
