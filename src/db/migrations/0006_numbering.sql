-- Numbering of acts (src/core/numbering.h, docs/actes.md « Numbering »): per collectivité, one pattern
-- per series (deliberation, arrete, contrat, budget, autre; default patterns in numbering.c when no row),
-- and one counter per series and year. The counter is incremented in the transaction that records the
-- act (INSERT … ON CONFLICT … DO UPDATE … RETURNING), so a rolled-back creation gives its number back:
-- no gap, no duplicate, on SQLite (one writer) and PostgreSQL (row lock on the counter).
CREATE TABLE numbering_patterns (
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  series TEXT NOT NULL,
  pattern TEXT NOT NULL,
  updated_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, series)
);
CREATE TABLE numbering_counters (
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  series TEXT NOT NULL,
  year INTEGER NOT NULL,
  last_n BIGINT NOT NULL DEFAULT 0,   -- the last number given in that series and year
  PRIMARY KEY (tenant_id, series, year)
);
