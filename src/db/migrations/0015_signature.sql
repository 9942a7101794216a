-- Signature: keys kept by the server (a user's PKCS#12, the collectivité's seal), sealed with the
-- server key (DATA/secrets/signature.key); two-phase signing sessions; the visible stamp's place
-- per folder type. Numbers 0015+ of the parapheur range are the signature engine's.
CREATE TABLE sign_keys (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  kind TEXT NOT NULL,
  user_id BIGINT NOT NULL DEFAULT 0,
  subject TEXT NOT NULL,
  issuer TEXT NOT NULL DEFAULT '',
  serial TEXT NOT NULL DEFAULT '',
  not_after TEXT NOT NULL DEFAULT '',
  sealed_p12 TEXT NOT NULL,
  sealed_secret TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sign_keys_owner ON sign_keys(tenant_id, kind, user_id);
CREATE TABLE sign_sessions (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  token TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  format TEXT NOT NULL,
  doc_sha256 TEXT NOT NULL,
  doc_name TEXT NOT NULL DEFAULT '',
  cert TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '{}',
  signing_time BIGINT NOT NULL,
  count BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sign_sessions_token ON sign_sessions(token);
ALTER TABLE folder_types ADD COLUMN stamp_tag TEXT NOT NULL DEFAULT '';
ALTER TABLE folder_types ADD COLUMN stamp_page BIGINT NOT NULL DEFAULT 0;
ALTER TABLE folder_types ADD COLUMN stamp_x BIGINT NOT NULL DEFAULT 0;
ALTER TABLE folder_types ADD COLUMN stamp_y BIGINT NOT NULL DEFAULT 0;
