-- Convocations: e-mail templates per collectivité (titulaire, suppléant, invité, rectificatif; no row =
-- the built-in default), convocations rectificatives (seance_envois.kind; the changes a recipient is told
-- about are the « modification » events between changes_from and changes_to) and the printed letters of
-- the paper opt-outs (L2121-10), one stored PDF per sending. Described in docs/seances.md.
CREATE TABLE convocation_modeles (
  tenant_id BIGINT NOT NULL,
  kind TEXT NOT NULL,                            -- titulaire|suppleant|invite|rectificatif
  subject TEXT NOT NULL,
  body TEXT NOT NULL,                            -- plain text (mustache subset, {{lien}} required)
  html TEXT NOT NULL DEFAULT '',                 -- HTML part; '' = made from the text
  updated_at BIGINT NOT NULL,
  updated_by BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, kind)
);
ALTER TABLE seance_envois ADD COLUMN kind TEXT NOT NULL DEFAULT 'convocation';
ALTER TABLE convocations ADD COLUMN changes_from BIGINT NOT NULL DEFAULT 0;
ALTER TABLE convocations ADD COLUMN changes_to BIGINT NOT NULL DEFAULT 0;
CREATE TABLE seance_papier (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  seance_id BIGINT NOT NULL REFERENCES seances(id),
  envoi_id BIGINT NOT NULL UNIQUE,
  at BIGINT NOT NULL,
  user_id BIGINT NOT NULL DEFAULT 0,
  sha256 TEXT NOT NULL,
  letters INTEGER NOT NULL
);
CREATE INDEX seance_papier_seance ON seance_papier(seance_id);
