-- Core: settings, the document store's index, the durable job queue.
CREATE TABLE kv (
  k TEXT PRIMARY KEY,
  v TEXT NOT NULL
);
CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  mime TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE jobs (
  id {{pk}},
  kind TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}',
  idem_key TEXT UNIQUE,
  tenant_id BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'queued',
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 8,
  run_at BIGINT NOT NULL,
  locked_by TEXT NOT NULL DEFAULT '',
  locked_until BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX jobs_ready ON jobs(state, run_at);
