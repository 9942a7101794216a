-- @ctes: an act sent to a parapheur circuit (folder_id, 0 = none) and where each version of a
-- document comes from: '' as uploaded, 'parapheur' the signed copy the circuit returned, 'tampon'
-- the copy stamped with the prefecture's acknowledgement.
ALTER TABLE actes ADD COLUMN folder_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE actes_docs ADD COLUMN origine TEXT NOT NULL DEFAULT '';
UPDATE actes_docs SET origine = 'tampon' WHERE role = 'acte' AND version > 1;
CREATE INDEX actes_folder ON actes(tenant_id, folder_id);
