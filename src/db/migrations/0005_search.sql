-- Full-text search over what a collectivité holds (acts, parapheur folders, conventions, séances…):
-- one row per indexed object, kept by its module through src/search (search_put / search_drop).
-- Accents and case are folded before indexing and querying; words match by prefix.
CREATE TABLE search_entries (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  kind TEXT NOT NULL,            -- "acte", "dossier", "convention"…
  ref_id BIGINT NOT NULL,        -- id in the module's table
  title TEXT NOT NULL,
  body TEXT NOT NULL,            -- folded text: title, number, object, metadata
  at BIGINT NOT NULL,            -- the object's date (decision, creation), for sorting
  url TEXT NOT NULL
);
CREATE UNIQUE INDEX search_entries_ref ON search_entries(tenant_id, kind, ref_id);
-- {{sqlite}}
-- FTS5 index on the folded body; the tenant is a token of its own ("zt<id>z") so that the match itself
-- is restricted to one collectivité.
CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_entries', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
  INSERT INTO search_fts(rowid, body) VALUES (new.id, 'zt' || new.tenant_id || 'z ' || new.body);
END;
CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
  INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, 'zt' || old.tenant_id || 'z ' || old.body);
END;
CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
  INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, 'zt' || old.tenant_id || 'z ' || old.body);
  INSERT INTO search_fts(rowid, body) VALUES (new.id, 'zt' || new.tenant_id || 'z ' || new.body);
END;
-- {{end}}
-- {{pg}}
-- The tenant token ("zt<id>z") is indexed too, so that GIN intersects it with the words.
ALTER TABLE search_entries ADD COLUMN tsv tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', 'zt' || CAST(tenant_id AS TEXT) || 'z ' || body)) STORED;
CREATE INDEX search_entries_tsv ON search_entries USING GIN (tsv);
CREATE INDEX search_entries_tenant_at ON search_entries(tenant_id, at DESC);
-- {{end}}
