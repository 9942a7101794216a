-- After the séance (issue #9): the procès-verbal (CGCT L2121-15) with its debates per point and its
-- versions, and the liste des délibérations (L2121-25) with its publication. Described in
-- docs/seances.md. Times are UTC seconds, 0 = not yet.
-- etat: brouillon (editable) → arrete (frozen: arrete_sha256 is the PDF) → adopte (at the séance
-- adopte_seance_id) → signe (signe_sha256: the signed PDF from the parapheur folder_id, or the frozen
-- one when signed by hand on paper).
CREATE TABLE seance_pv (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  seance_id BIGINT NOT NULL UNIQUE REFERENCES seances(id),
  etat TEXT NOT NULL DEFAULT 'brouillon',
  president_id BIGINT NOT NULL DEFAULT 0,       -- membres.id
  secretaire_id BIGINT NOT NULL DEFAULT 0,      -- membres.id
  introduction TEXT NOT NULL DEFAULT '',
  conclusion TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 0,           -- +1 on every saved edit (seance_pv_versions)
  arrete_at BIGINT NOT NULL DEFAULT 0,
  arrete_sha256 TEXT NOT NULL DEFAULT '',
  adopte_seance_id BIGINT NOT NULL DEFAULT 0,
  adopte_at BIGINT NOT NULL DEFAULT 0,
  folder_id BIGINT NOT NULL DEFAULT 0,
  signe_at BIGINT NOT NULL DEFAULT 0,
  signe_sha256 TEXT NOT NULL DEFAULT '',
  publie_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX seance_pv_tenant ON seance_pv(tenant_id);
-- The secretary's text of the debates, per agenda point.
CREATE TABLE seance_pv_debats (
  tenant_id BIGINT NOT NULL,
  seance_id BIGINT NOT NULL REFERENCES seances(id),
  point_id BIGINT NOT NULL REFERENCES seance_points(id),
  texte TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (seance_id, point_id)
);
-- Every saved version of the editable content (JSON: president, secretaire, introduction,
-- conclusion, debats), append-only.
CREATE TABLE seance_pv_versions (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  seance_id BIGINT NOT NULL REFERENCES seances(id),
  version INTEGER NOT NULL,
  at BIGINT NOT NULL,
  user_id BIGINT NOT NULL DEFAULT 0,
  contenu TEXT NOT NULL,
  UNIQUE (seance_id, version)
);
-- Liste des délibérations of a séance (L2121-25: published within one week): the published PDF,
-- when and by whom; alerte_at = the deadline alert was mailed.
CREATE TABLE seance_listes (
  tenant_id BIGINT NOT NULL,
  seance_id BIGINT NOT NULL PRIMARY KEY REFERENCES seances(id),
  sha256 TEXT NOT NULL DEFAULT '',
  publie_at BIGINT NOT NULL DEFAULT 0,
  publie_par BIGINT NOT NULL DEFAULT 0,
  alerte_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX seance_listes_tenant ON seance_listes(tenant_id);
