-- Parapheur follow-up: private annotations (seen by the circuit's desks only, never in the bordereau
-- nor the exports) and read receipts (the first time each user holding a current task opened the
-- folder).
ALTER TABLE folder_events ADD COLUMN annotation_privee TEXT NOT NULL DEFAULT '';
CREATE TABLE folder_reads (
  tenant_id BIGINT NOT NULL,
  folder_id BIGINT NOT NULL REFERENCES folders(id),
  user_id BIGINT NOT NULL,
  desk_id BIGINT NOT NULL DEFAULT 0,
  at BIGINT NOT NULL,
  PRIMARY KEY (folder_id, user_id)
);
