-- Parapheur: desks (bureaux) and their owners, delegations, circuits, types and sub-types, folders
-- (dossiers) with their documents, current tasks (for the trays) and history.
CREATE TABLE desks (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  name TEXT NOT NULL,
  parent_id BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX desks_tenant ON desks(tenant_id);
CREATE TABLE desk_owners (
  tenant_id BIGINT NOT NULL,
  desk_id BIGINT NOT NULL REFERENCES desks(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (desk_id, user_id)
);
CREATE INDEX desk_owners_user ON desk_owners(user_id);
CREATE TABLE delegations (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  desk_id BIGINT NOT NULL REFERENCES desks(id),
  to_desk_id BIGINT NOT NULL REFERENCES desks(id),
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  type_id BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX delegations_desk ON delegations(desk_id);
CREATE TABLE circuits (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  steps TEXT NOT NULL
);
CREATE TABLE folder_types (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  format TEXT NOT NULL DEFAULT 'pades',
  protocol TEXT NOT NULL DEFAULT 'none',
  city TEXT NOT NULL DEFAULT '',
  postal_code TEXT NOT NULL DEFAULT ''
);
CREATE TABLE folder_subtypes (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  type_id BIGINT NOT NULL REFERENCES folder_types(id),
  name TEXT NOT NULL,
  circuit_id BIGINT NOT NULL REFERENCES circuits(id),
  rules TEXT NOT NULL DEFAULT '[]',
  mandatory_metadata TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE folders (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  subtype_id BIGINT NOT NULL REFERENCES folder_subtypes(id),
  circuit_id BIGINT NOT NULL DEFAULT 0,
  emitter_desk BIGINT NOT NULL,
  creator BIGINT NOT NULL,
  due_at BIGINT NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'brouillon',
  state TEXT NOT NULL DEFAULT '{}',
  version BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX folders_tenant ON folders(tenant_id, status);
CREATE TABLE folder_docs (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  folder_id BIGINT NOT NULL REFERENCES folders(id),
  role TEXT NOT NULL,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX folder_docs_folder ON folder_docs(folder_id);
CREATE TABLE folder_pending (
  tenant_id BIGINT NOT NULL,
  folder_id BIGINT NOT NULL REFERENCES folders(id),
  desk_id BIGINT NOT NULL,
  kind TEXT NOT NULL
);
CREATE INDEX folder_pending_desk ON folder_pending(desk_id);
CREATE TABLE folder_events (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  folder_id BIGINT NOT NULL REFERENCES folders(id),
  at BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  desk_id BIGINT NOT NULL DEFAULT 0,
  acted_desk_id BIGINT NOT NULL DEFAULT 0,
  action TEXT NOT NULL,
  annotation TEXT NOT NULL DEFAULT '',
  doc_sha256 TEXT NOT NULL DEFAULT ''
);
CREATE INDEX folder_events_folder ON folder_events(folder_id);
