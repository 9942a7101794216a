-- Parapheur: external signatories (a partner outside the collectivité) — the e-mailed link (hashed),
-- the one-time code (hashed, expiry, attempts), the reader's session after the code, the evidence.
CREATE TABLE external_requests (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  folder_id BIGINT NOT NULL REFERENCES folders(id),
  desk_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  otp_hash TEXT NOT NULL DEFAULT '',
  otp_expires_at BIGINT NOT NULL DEFAULT 0,
  otp_attempts INTEGER NOT NULL DEFAULT 0,
  otp_sent INTEGER NOT NULL DEFAULT 0,
  otp_sent_at BIGINT NOT NULL DEFAULT 0,
  session_hash TEXT NOT NULL DEFAULT '',
  verified_at BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'envoye',
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  evidence TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX external_requests_folder ON external_requests(folder_id);
