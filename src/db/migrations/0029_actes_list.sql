-- The acts list (newest first, per collectivité) walks this index backwards instead of sorting:
-- GET /api/v1/actes?limite=50 stays constant-time with 100 000 acts (bench P2).
CREATE INDEX actes_tenant_id ON actes(tenant_id, id);
