-- Identity: the operator (CDG), its collectivités (tenants), users and memberships, sessions,
-- API tokens, password resets, login throttling, the hash-chained audit log, adhesion conventions,
-- set-up steps, assistance time and activity counters.
CREATE TABLE operators (
  id {{pk}},
  name TEXT NOT NULL,
  siret TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE collectivites (
  id {{pk}},
  operator_id BIGINT NOT NULL REFERENCES operators(id),
  name TEXT NOT NULL,
  siren TEXT NOT NULL UNIQUE,
  siret TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  population INTEGER NOT NULL DEFAULT 0,
  departement TEXT NOT NULL DEFAULT '',
  prefecture TEXT NOT NULL DEFAULT '',
  website TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  tiers INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE users (
  id {{pk}},
  login TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL DEFAULT '',
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  fonction TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL DEFAULT '',
  is_operator INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_count INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE memberships (
  user_id BIGINT NOT NULL REFERENCES users(id),
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  roles INTEGER NOT NULL,
  PRIMARY KEY (user_id, tenant_id)
);
CREATE INDEX memberships_tenant ON memberships(tenant_id);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  tenant_id BIGINT NOT NULL DEFAULT 0,
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE api_tokens (
  id {{pk}},
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  roles INTEGER NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  last_used BIGINT NOT NULL DEFAULT 0,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  expires_at BIGINT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE login_failures (
  id {{pk}},
  k TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX login_failures_k ON login_failures(k, at);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY,
  n BIGINT NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, n, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE audit_log (
  id {{pk}},
  seq BIGINT NOT NULL UNIQUE,
  at BIGINT NOT NULL,
  tenant_id BIGINT NOT NULL DEFAULT 0,
  user_id BIGINT NOT NULL DEFAULT 0,
  ip TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  object TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_tenant ON audit_log(tenant_id, seq);
CREATE TABLE adhesions (
  tenant_id BIGINT PRIMARY KEY REFERENCES collectivites(id),
  deliberation_date TEXT NOT NULL DEFAULT '',
  start_date TEXT NOT NULL DEFAULT '',
  renewed_on TEXT NOT NULL DEFAULT '',
  termination_notified_on TEXT NOT NULL DEFAULT ''
);
CREATE TABLE setup_steps (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  step TEXT NOT NULL,
  planned_on TEXT NOT NULL DEFAULT '',
  done_on TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  UNIQUE (tenant_id, step)
);
CREATE TABLE assistance (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  day TEXT NOT NULL,
  minutes INTEGER NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  user_id BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX assistance_tenant ON assistance(tenant_id, day);
CREATE TABLE activity (
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  counter TEXT NOT NULL,
  year INTEGER NOT NULL,
  n BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, counter, year)
);
