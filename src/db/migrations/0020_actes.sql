-- @ctes: the collectivité's TdT settings, classification versions, acts with their documents
-- (versions kept: the stamped copy is a new version), transmissions to the TdT (one per act, per
-- cancellation, per reply), messages from the prefecture (AR, anomalies, letters) and the history.
CREATE TABLE actes_settings (
  tenant_id BIGINT PRIMARY KEY REFERENCES collectivites(id),
  arrondissement TEXT NOT NULL DEFAULT '0',
  nature_collectivite TEXT NOT NULL DEFAULT '',
  tdt_url TEXT NOT NULL DEFAULT '',
  tdt_login TEXT NOT NULL DEFAULT '',
  tdt_password TEXT NOT NULL DEFAULT '',
  tdt_cert TEXT NOT NULL DEFAULT '',
  tdt_key TEXT NOT NULL DEFAULT ''
);
CREATE TABLE actes_classifications (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  date TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (tenant_id, date)
);
CREATE TABLE actes (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  annee INTEGER NOT NULL,
  numero TEXT NOT NULL,
  nature INTEGER NOT NULL,
  objet TEXT NOT NULL,
  date_decision TEXT NOT NULL,
  matiere TEXT NOT NULL,
  classification_date TEXT NOT NULL,
  type_piece TEXT NOT NULL,
  document_papier INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'brouillon',
  tdt_status INTEGER NOT NULL DEFAULT 0,
  id_acte TEXT NOT NULL DEFAULT '',
  date_ar TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  creator BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (tenant_id, annee, numero)
);
CREATE INDEX actes_tenant_state ON actes(tenant_id, state);
-- role: acte (version 1 as posted, 2 the stamped copy), annexe (rang 1…), ar, archive.
CREATE TABLE actes_docs (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  acte_id BIGINT NOT NULL REFERENCES actes(id),
  role TEXT NOT NULL,
  rang INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  type_piece TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX actes_docs_acte ON actes_docs(acte_id);
-- kind: acte, annulation, reponse, classification. state: a_envoyer, envoi (a post has begun: on a
-- retry, look the transaction up at the TdT before posting again), poste, transmis, acquitte, erreur, annule.
-- tdt_id is the TdT's transaction number; tdt_uid the act's unique id (DDD-SIREN-DATE-NUMERO-NN), by
-- which a transaction posted just before a crash is found again (its number was never read).
CREATE TABLE actes_transmissions (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  acte_id BIGINT NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  message_id BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'a_envoyer',
  tdt_id TEXT NOT NULL DEFAULT '',
  tdt_uid TEXT NOT NULL DEFAULT '',
  tdt_status INTEGER NOT NULL DEFAULT 0,
  polls INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX actes_transmissions_acte ON actes_transmissions(acte_id);
-- Messages from the prefecture: 1-2, 1-3, 2-1, 3-1, 4-1, 5-1, 6-2, 3-5/4-5, 7-2. Letters expecting
-- an answer (2-1, 3-1, 4-1) have answer_state a_repondre → repondu.
CREATE TABLE actes_messages (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  acte_id BIGINT NOT NULL DEFAULT 0,
  tdt_id TEXT NOT NULL DEFAULT '',
  code TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  date TEXT NOT NULL DEFAULT '',
  texte TEXT NOT NULL DEFAULT '',
  xml_sha256 TEXT NOT NULL DEFAULT '',
  pdf_sha256 TEXT NOT NULL DEFAULT '',
  answer_state TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  UNIQUE (tenant_id, code, tdt_id)
);
CREATE INDEX actes_messages_acte ON actes_messages(acte_id);
CREATE TABLE actes_events (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  acte_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  user_id BIGINT NOT NULL DEFAULT 0,
  action TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX actes_events_acte ON actes_events(acte_id);
