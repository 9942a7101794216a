-- Séances: the collectivité's settings of the web-delib connector (POST /seances.json, docs/seances.md
-- « web-delib »): creer_organes = 1 lets a push whose type_seance names no assembly create it (nature
-- from the collectivité's kind, members = the convened actors); 0 (default) refuses such a push.
CREATE TABLE seance_webdelib (
  tenant_id BIGINT PRIMARY KEY,
  creer_organes INTEGER NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
