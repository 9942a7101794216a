-- Data versions: a counter per collectivité and per domain of data, raised by the database itself in
-- the transaction of every write to the tables that make up the domain's answers. The answer cache of
-- the HTTP layer (src/http/anscache.h: the acts list, bench P2) keeps an answer with the version it was
-- built at and serves it only while the version read from the database is still the same. Kept by
-- triggers, not by the code that writes: HTTP handlers, job workers, the CLI, another node on the same
-- PostgreSQL, SQL typed by hand — every writer bumps it without knowing it exists.
-- Rules: a version only grows; rows are never deleted (no reference to collectivites, so nothing
-- cascades); no row means version 0 (nothing written since this migration).
-- Domain "actes": the table actes, the only table the list (actes_db_list_write) reads — nature and
-- state labels come from tables compiled into the program.
CREATE TABLE data_versions (
  tenant_id BIGINT NOT NULL,
  domain TEXT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, domain)
);
-- the collectivités that already hold acts start at 1 (a PostgreSQL TRUNCATE bumps the existing rows)
INSERT INTO data_versions (tenant_id, domain, version) SELECT DISTINCT tenant_id, 'actes', 1 FROM actes;
-- {{sqlite}}
-- Row triggers (SQLite has no others). An UPDATE that moves a row to another collectivité bumps both.
CREATE TRIGGER actes_version_ai AFTER INSERT ON actes BEGIN
  INSERT INTO data_versions (tenant_id, domain, version) VALUES (new.tenant_id, 'actes', 1)
    ON CONFLICT (tenant_id, domain) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER actes_version_au AFTER UPDATE ON actes BEGIN
  INSERT INTO data_versions (tenant_id, domain, version) VALUES (old.tenant_id, 'actes', 1)
    ON CONFLICT (tenant_id, domain) DO UPDATE SET version = version + 1;
  INSERT INTO data_versions (tenant_id, domain, version) SELECT new.tenant_id, 'actes', 1 WHERE new.tenant_id IS NOT old.tenant_id
    ON CONFLICT (tenant_id, domain) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER actes_version_ad AFTER DELETE ON actes BEGIN
  INSERT INTO data_versions (tenant_id, domain, version) VALUES (old.tenant_id, 'actes', 1)
    ON CONFLICT (tenant_id, domain) DO UPDATE SET version = version + 1;
END;
-- {{end}}
-- {{pg}}
-- Statement triggers with transition tables: one bump per collectivité touched by a statement (a bulk
-- load of 100 000 acts is one upsert, not 100 000), collectivités in order (two statements touching
-- the same ones lock their rows in the same order). TRUNCATE bumps every collectivité of the domain.
CREATE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE data_versions SET version = version + 1 WHERE domain = TG_ARGV[0];
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO data_versions (tenant_id, domain, version) SELECT DISTINCT tenant_id, TG_ARGV[0], 1 FROM new_rows ORDER BY 1
      ON CONFLICT (tenant_id, domain) DO UPDATE SET version = data_versions.version + 1;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO data_versions (tenant_id, domain, version) SELECT DISTINCT tenant_id, TG_ARGV[0], 1 FROM old_rows ORDER BY 1
      ON CONFLICT (tenant_id, domain) DO UPDATE SET version = data_versions.version + 1;
  ELSE
    INSERT INTO data_versions (tenant_id, domain, version)
      SELECT tenant_id, TG_ARGV[0], 1 FROM (SELECT tenant_id FROM old_rows UNION SELECT tenant_id FROM new_rows) t ORDER BY 1
      ON CONFLICT (tenant_id, domain) DO UPDATE SET version = data_versions.version + 1;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER actes_version_ai AFTER INSERT ON actes REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump('actes');
CREATE TRIGGER actes_version_au AFTER UPDATE ON actes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump('actes');
CREATE TRIGGER actes_version_ad AFTER DELETE ON actes REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump('actes');
CREATE TRIGGER actes_version_at AFTER TRUNCATE ON actes FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump('actes');
-- {{end}}
