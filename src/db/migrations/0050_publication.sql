-- Publication of acts (R2131-1 CGCT): the published copy of an act (its PDF with the mention « Publié le
-- … par … » added as an incremental update, or a re-rendered redacted PDF), its SHA-256, the date it went
-- online, and a full-text index for the public portal /p/SIREN. One publication per act.
CREATE TABLE publication_settings (
  tenant_id BIGINT PRIMARY KEY,
  duree_mois INTEGER NOT NULL DEFAULT 0      -- 0: online permanently; otherwise at least 2 (months)
);
CREATE TABLE publications (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  acte_id BIGINT NOT NULL,
  numero TEXT NOT NULL,
  nature INTEGER NOT NULL,
  objet TEXT NOT NULL,
  matiere TEXT NOT NULL,
  date_decision TEXT NOT NULL,               -- YYYY-MM-DD
  date_publication TEXT NOT NULL,            -- YYYY-MM-DD (Europe/Paris), the « date de mise en ligne »
  published_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL DEFAULT 0,      -- 0: permanent
  auteur TEXT NOT NULL,                      -- « Prénom Nom, fonction »
  user_id BIGINT NOT NULL,
  source_sha256 TEXT NOT NULL,               -- the act's document that was published
  sha256 TEXT NOT NULL,                      -- the published copy
  size BIGINT NOT NULL,
  pseudonymise INTEGER NOT NULL DEFAULT 0,   -- 1: redacted copy (pages re-rendered)
  body TEXT NOT NULL,                        -- folded text: number, object, nature, matière, published text
  UNIQUE (tenant_id, acte_id)
);
-- newest first is id order (rows are inserted when published)
CREATE INDEX publications_tenant_id ON publications(tenant_id, id);
CREATE INDEX publications_tenant_date ON publications(tenant_id, date_decision);
CREATE INDEX publications_tenant_nature ON publications(tenant_id, nature, id);
CREATE INDEX publications_tenant_matiere ON publications(tenant_id, matiere);
-- {{sqlite}}
-- FTS5 over the folded body, the collectivité as a token of its own ("zt<id>z") so that the match is
-- restricted to one collectivité (as search_fts does). Prefix indexes up to 4 characters: a query word
-- of 2 to 4 letters reads one doclist instead of merging every term it begins (bench/P6-portal.sh).
CREATE VIRTUAL TABLE publications_fts USING fts5(body, content='publications', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2', prefix='2 3 4');
CREATE TRIGGER publications_ai AFTER INSERT ON publications BEGIN
  INSERT INTO publications_fts(rowid, body) VALUES (new.id, 'zt' || new.tenant_id || 'z ' || new.body);
END;
CREATE TRIGGER publications_ad AFTER DELETE ON publications BEGIN
  INSERT INTO publications_fts(publications_fts, rowid, body) VALUES ('delete', old.id, 'zt' || old.tenant_id || 'z ' || old.body);
END;
CREATE TRIGGER publications_au AFTER UPDATE ON publications BEGIN
  INSERT INTO publications_fts(publications_fts, rowid, body) VALUES ('delete', old.id, 'zt' || old.tenant_id || 'z ' || old.body);
  INSERT INTO publications_fts(rowid, body) VALUES (new.id, 'zt' || new.tenant_id || 'z ' || new.body);
END;
-- {{end}}
-- {{pg}}
ALTER TABLE publications ADD COLUMN tsv tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', 'zt' || CAST(tenant_id AS TEXT) || 'z ' || body)) STORED;
CREATE INDEX publications_tsv ON publications USING GIN (tsv);
-- {{end}}
