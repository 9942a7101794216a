-- Égalité professionnelle: the diagnostics produced through the web page, one per collectivité and
-- reference date (a new upload for the same date replaces it). The HR file itself (personal data:
-- birth dates, pay) is not kept: only the computed outputs, as blobs of the document store — the JSON
-- being the archive and the next diagnostic's baseline (« comparaison »).
CREATE TABLE egalite_reports (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  ref_date TEXT NOT NULL,
  titre TEXT NOT NULL,
  a_part TEXT NOT NULL DEFAULT '',
  agents INTEGER NOT NULL,
  previous_id BIGINT NOT NULL DEFAULT 0,
  sha_json TEXT NOT NULL,
  sha_html TEXT NOT NULL,
  sha_fragment TEXT NOT NULL,
  sha_pdf TEXT NOT NULL,
  sha_xlsx TEXT NOT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX egalite_reports_date ON egalite_reports(tenant_id, ref_date);
