-- Hélios: PES_Aller files of a collectivité and what happens to them (signature, transmission to the
-- treasury, acquittals), the PES_Acquit / PES_Retour files received, and each file's history.
-- Amounts in cents; dates as Unix seconds; the files themselves are blobs of the store (sha256).
CREATE TABLE helios_settings (
  tenant_id BIGINT NOT NULL PRIMARY KEY REFERENCES collectivites(id),
  idpost TEXT NOT NULL DEFAULT '',
  codcol TEXT NOT NULL DEFAULT '',
  codbud TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL
);
CREATE TABLE pes_files (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  signed_sha256 TEXT NOT NULL DEFAULT '',
  nomfic TEXT NOT NULL DEFAULT '',
  idcoll TEXT NOT NULL DEFAULT '',
  idpost TEXT NOT NULL DEFAULT '',
  codcol TEXT NOT NULL DEFAULT '',
  codbud TEXT NOT NULL DEFAULT '',
  libelle TEXT NOT NULL DEFAULT '',
  dtestr TEXT NOT NULL DEFAULT '',
  exercice BIGINT NOT NULL DEFAULT 0,
  bordereaux BIGINT NOT NULL DEFAULT 0,
  pieces BIGINT NOT NULL DEFAULT 0,
  pjs BIGINT NOT NULL DEFAULT 0,
  total_depense BIGINT NOT NULL DEFAULT 0,
  total_recette BIGINT NOT NULL DEFAULT 0,
  summary TEXT NOT NULL DEFAULT '[]',
  warnings BIGINT NOT NULL DEFAULT 0,
  report TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL DEFAULT 'importe',
  folder_id BIGINT NOT NULL DEFAULT 0,
  tdt_id TEXT NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 0,
  created_by BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX pes_files_tenant ON pes_files(tenant_id, state);
CREATE UNIQUE INDEX pes_files_sha ON pes_files(tenant_id, sha256);
CREATE INDEX pes_files_folder ON pes_files(folder_id);
CREATE TABLE pes_answers (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  file_id BIGINT NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  etat TEXT NOT NULL DEFAULT '',
  acceptes BIGINT NOT NULL DEFAULT 0,
  refuses BIGINT NOT NULL DEFAULT 0,
  dtestr TEXT NOT NULL DEFAULT '',
  nomfic TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT 'manuel',
  created_by BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX pes_answers_file ON pes_answers(tenant_id, file_id);
CREATE UNIQUE INDEX pes_answers_sha ON pes_answers(tenant_id, kind, sha256);
CREATE TABLE pes_events (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  file_id BIGINT NOT NULL REFERENCES pes_files(id),
  at BIGINT NOT NULL,
  user_id BIGINT NOT NULL DEFAULT 0,
  action TEXT NOT NULL,
  state TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pes_events_file ON pes_events(tenant_id, file_id);
