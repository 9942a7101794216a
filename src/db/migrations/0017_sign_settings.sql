-- Signature settings of a collectivité: its own RFC 3161 time-stamping authority for the parapheur's
-- signatures (B-T), '' = the server's tsa_url (docs/signatures.md).
CREATE TABLE sign_settings (
  tenant_id BIGINT PRIMARY KEY REFERENCES collectivites(id),
  tsa_url TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL DEFAULT 0
);
