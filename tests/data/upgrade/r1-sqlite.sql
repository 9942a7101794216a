PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL);
INSERT INTO schema_migrations VALUES(1,'0001_core.sql',1795924477);
INSERT INTO schema_migrations VALUES(2,'0002_identity.sql',1795924477);
INSERT INTO schema_migrations VALUES(3,'0003_selftest.sql',1795924477);
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
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO jobs VALUES(1,'selftest.record','{}','selftest-29541-0',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(2,'selftest.record','{}','selftest-29541-1',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(3,'selftest.record','{}','selftest-29541-2',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(4,'selftest.record','{}','selftest-29541-3',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(5,'selftest.record','{}','selftest-29541-4',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(6,'selftest.record','{}','selftest-29541-5',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(7,'selftest.record','{}','selftest-29541-6',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(8,'selftest.record','{}','selftest-29541-7',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(9,'selftest.record','{}','selftest-29541-8',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(10,'selftest.record','{}','selftest-29541-9',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(11,'selftest.record','{}','selftest-29541-10',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(12,'selftest.record','{}','selftest-29541-11',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(13,'selftest.record','{}','selftest-29541-12',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(14,'selftest.record','{}','selftest-29541-13',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(15,'selftest.record','{}','selftest-29541-14',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(16,'selftest.record','{}','selftest-29541-15',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(17,'selftest.record','{}','selftest-29541-16',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(18,'selftest.record','{}','selftest-29541-17',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(19,'selftest.record','{}','selftest-29541-18',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(20,'selftest.record','{}','selftest-29541-19',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(21,'selftest.record','{}','selftest-29541-20',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(22,'selftest.record','{}','selftest-29541-21',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(23,'selftest.record','{}','selftest-29541-22',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(24,'selftest.record','{}','selftest-29541-23',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
INSERT INTO jobs VALUES(25,'selftest.record','{}','selftest-29541-24',0,'queued',0,5,1795924479,'',0,'',1795924479,0);
CREATE TABLE operators (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  siret TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
INSERT INTO operators VALUES(1,'CDG 62 — Centre de Gestion de la Fonction Publique Territoriale du Pas-de-Calais','',1795924477);
CREATE TABLE collectivites (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO collectivites VALUES(1,1,'Communauté de Communes Pays d''Opale','246200364','24620036400015','cc',24000,'062','PREF062','https://www.ccpo.fr','Guînes',6,1795924477);
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO users VALUES(1,'cdg.operateur','cdg.operateur@demo.opale.invalid','Camille','Lefebvre','Chargée de mission e-administration, CDG 62','$argon2id$v=19$m=65536,t=2,p=1$PUinsE2WW3AzUHcc0pYZ0A$ZC51MbCvlE4AjDuW1AsRSlJePWQSv4C0kMvm13r2l0g',1,0,0,0,1795924477);
INSERT INTO users VALUES(2,'ccpo.admin','ccpo.admin@demo.opale.invalid','Julien','Caron','Responsable informatique','$argon2id$v=19$m=65536,t=2,p=1$9MxeZRFSo42dN1wtuipVeg$SBovBi2aufx8PYT4awZPGom0H07/wuc3TeFiR/4gh+w',0,0,0,0,1795924477);
INSERT INTO users VALUES(3,'ccpo.agent','ccpo.agent@demo.opale.invalid','Sophie','Delattre','Service des assemblées','$argon2id$v=19$m=65536,t=2,p=1$gX5th+YPut6ozb5p6NJIHQ$by9OTqxRpZlAS63a8WQWpCo0S/iu1Fem8RDydJlmtFk',0,0,0,0,1795924478);
INSERT INTO users VALUES(4,'ccpo.dgs','ccpo.dgs@demo.opale.invalid','Marc','Vasseur','Directeur général des services','$argon2id$v=19$m=65536,t=2,p=1$sze8JPjatR0kOaMURYpltw$YJQ/9I81DwWyV/saXCWxayhc8Ex91U1D2qVW2oZxrmk',0,0,0,0,1795924478);
INSERT INTO users VALUES(5,'ccpo.president','ccpo.president@demo.opale.invalid','Anne','Fournier','Présidente','$argon2id$v=19$m=65536,t=2,p=1$x8H8dDqdEUbpFSBLEMh2eQ$ESDVI4tSkJxZ8wO13ds1aM6hNHe9HsEj2iuYlNrPwWE',0,0,0,0,1795924478);
INSERT INTO users VALUES(6,'ccpo.secretaire','ccpo.secretaire@demo.opale.invalid','Nadia','Boulanger','Secrétaire de séance','$argon2id$v=19$m=65536,t=2,p=1$us6fpYZtq+iSnneHXSkReA$4GNgVnb5MZdY/PwdF5GF3dSc46Q87IkB4K1uLrJ/e/k',0,0,0,0,1795924478);
INSERT INTO users VALUES(7,'ccpo.elu','ccpo.elu@demo.opale.invalid','Pierre','Lemaire','Conseiller communautaire','$argon2id$v=19$m=65536,t=2,p=1$Y2kz+BO+D1cR+sBCqs1uMw$or/A62FqnZE3ETFzbWSdFexBnek5zUI8mHFVzCifQwY',0,0,0,0,1795924479);
INSERT INTO users VALUES(8,'ccpo.auditeur','ccpo.auditeur@demo.opale.invalid','Luc','Martin','Contrôle interne','$argon2id$v=19$m=65536,t=2,p=1$BEOXvXOrKt47XjIREddfMw$w03gtfmRIPaKBSP3PPH2zensiPoysZP6+lqGO4fQlB4',0,0,0,0,1795924479);
CREATE TABLE memberships (
  user_id BIGINT NOT NULL REFERENCES users(id),
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  roles INTEGER NOT NULL,
  PRIMARY KEY (user_id, tenant_id)
);
INSERT INTO memberships VALUES(2,1,2);
INSERT INTO memberships VALUES(3,1,4);
INSERT INTO memberships VALUES(4,1,12);
INSERT INTO memberships VALUES(5,1,40);
INSERT INTO memberships VALUES(6,1,16);
INSERT INTO memberships VALUES(7,1,32);
INSERT INTO memberships VALUES(8,1,64);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  tenant_id BIGINT NOT NULL DEFAULT 0,
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  ip TEXT NOT NULL DEFAULT ''
);
INSERT INTO sessions VALUES('867b71fe5f4d9ecf10785d8cd804884e4d5f8bccb0d8aebd8393b370ca205279',2,1,'DbSVi4cqPWybVn6iDYy84XECnhw2BUv5TrSohsclfvY',1795924493,1795924493,'127.0.0.1');
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  k TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY,
  n BIGINT NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_head VALUES(1,10,'9684938464559ef92593ee71cb3679abd9177435c3c277566c56bcabcaa98dfc');
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO audit_log VALUES(1,1,1795924477,1,0,'demo','collectivite.creation','246200364','Communauté de Communes Pays d''Opale','0000000000000000000000000000000000000000000000000000000000000000','0eab1e357910494719d18c280c5a53cfc07424bea9921eaeb2c86d6470eefd77');
INSERT INTO audit_log VALUES(2,2,1795924477,0,0,'demo','utilisateur.creation','cdg.operateur','opérateur','0eab1e357910494719d18c280c5a53cfc07424bea9921eaeb2c86d6470eefd77','3f58bf5c3215d57bf9d5940bcfc2deab163e097caea73dc5a8bed38fbdc71fce');
INSERT INTO audit_log VALUES(3,3,1795924477,0,0,'demo','utilisateur.creation','ccpo.admin','','3f58bf5c3215d57bf9d5940bcfc2deab163e097caea73dc5a8bed38fbdc71fce','b0aea422cd83e57f670aa164e2d8ac78e7daf677492d3e69419467083fb94023');
INSERT INTO audit_log VALUES(4,4,1795924478,0,0,'demo','utilisateur.creation','ccpo.agent','','b0aea422cd83e57f670aa164e2d8ac78e7daf677492d3e69419467083fb94023','a6f115f36cf680ee0440797a7024dec16f10ea6620a73b74f2a75c38f54953a7');
INSERT INTO audit_log VALUES(5,5,1795924478,0,0,'demo','utilisateur.creation','ccpo.dgs','','a6f115f36cf680ee0440797a7024dec16f10ea6620a73b74f2a75c38f54953a7','4071264bcf994da21671398ada83e1c0c3fa07f613f6e5b63efeb46cea5b66d4');
INSERT INTO audit_log VALUES(6,6,1795924478,0,0,'demo','utilisateur.creation','ccpo.president','','4071264bcf994da21671398ada83e1c0c3fa07f613f6e5b63efeb46cea5b66d4','69a3d09d298ff7abfe499550fcf4fd7e0828593c659870a68e5e07e5279a72d6');
INSERT INTO audit_log VALUES(7,7,1795924478,0,0,'demo','utilisateur.creation','ccpo.secretaire','','69a3d09d298ff7abfe499550fcf4fd7e0828593c659870a68e5e07e5279a72d6','4acc9c7f1891b3045b7cd88e111edc979f5fa5d4639c925eb0993b0ed0d44c75');
INSERT INTO audit_log VALUES(8,8,1795924479,0,0,'demo','utilisateur.creation','ccpo.elu','','4acc9c7f1891b3045b7cd88e111edc979f5fa5d4639c925eb0993b0ed0d44c75','8548154c571adefb79bee59d0e644d98f6a37dc485154f489b6b669008a93bc0');
INSERT INTO audit_log VALUES(9,9,1795924479,0,0,'demo','utilisateur.creation','ccpo.auditeur','','8548154c571adefb79bee59d0e644d98f6a37dc485154f489b6b669008a93bc0','c7c0d16aed9615c057022282a928361fce0fdb07a1bcdcd7a934bc2ab3cb4389');
INSERT INTO audit_log VALUES(10,10,1795924493,1,2,'127.0.0.1','connexion','ccpo.admin','api','c7c0d16aed9615c057022282a928361fce0fdb07a1bcdcd7a934bc2ab3cb4389','9684938464559ef92593ee71cb3679abd9177435c3c277566c56bcabcaa98dfc');
CREATE TABLE adhesions (
  tenant_id BIGINT PRIMARY KEY REFERENCES collectivites(id),
  deliberation_date TEXT NOT NULL DEFAULT '',
  start_date TEXT NOT NULL DEFAULT '',
  renewed_on TEXT NOT NULL DEFAULT '',
  termination_notified_on TEXT NOT NULL DEFAULT ''
);
INSERT INTO adhesions VALUES(1,'2024-02-12','2024-03-01','','');
CREATE TABLE setup_steps (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  step TEXT NOT NULL,
  planned_on TEXT NOT NULL DEFAULT '',
  done_on TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  UNIQUE (tenant_id, step)
);
INSERT INTO setup_steps VALUES(1,1,'etude','2024-03-15','2024-03-28','');
INSERT INTO setup_steps VALUES(2,1,'procedures','2024-04-15','2024-04-30','');
INSERT INTO setup_steps VALUES(3,1,'parametrage','2024-05-15','2024-05-22','');
INSERT INTO setup_steps VALUES(4,1,'formation','2024-06-10','','');
CREATE TABLE assistance (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  day TEXT NOT NULL,
  minutes INTEGER NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  user_id BIGINT NOT NULL DEFAULT 0
);
INSERT INTO assistance VALUES(1,1,'2024-09-17',45,'Renouvellement du certificat de télétransmission',0);
CREATE TABLE activity (
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  counter TEXT NOT NULL,
  year INTEGER NOT NULL,
  n BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, counter, year)
);
CREATE TABLE selftest_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id BIGINT NOT NULL,
  worker TEXT NOT NULL,
  at BIGINT NOT NULL
);
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('operators',1);
INSERT INTO sqlite_sequence VALUES('collectivites',1);
INSERT INTO sqlite_sequence VALUES('audit_log',10);
INSERT INTO sqlite_sequence VALUES('setup_steps',4);
INSERT INTO sqlite_sequence VALUES('assistance',1);
INSERT INTO sqlite_sequence VALUES('users',8);
INSERT INTO sqlite_sequence VALUES('jobs',25);
CREATE INDEX jobs_ready ON jobs(state, run_at);
CREATE INDEX memberships_tenant ON memberships(tenant_id);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX login_failures_k ON login_failures(k, at);
CREATE INDEX audit_tenant ON audit_log(tenant_id, seq);
CREATE INDEX assistance_tenant ON assistance(tenant_id, day);
CREATE INDEX selftest_runs_job ON selftest_runs(job_id);
COMMIT;
