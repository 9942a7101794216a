-- Séances: assemblies (organes) and their members, séances with their agenda points and documents,
-- convocations per recipient with their proof events, attendance and proxies. Schema described in
-- docs/seances.md (issue #9 — votes, PV, publication — builds on seances/points/membres).
CREATE TABLE organes (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  name TEXT NOT NULL,
  -- legal kind for the convocation delay (src/seance/delai.c): commune|epci|departement|region|commission
  kind TEXT NOT NULL,
  population BIGINT NOT NULL DEFAULT -1,
  -- delay of the règlement intérieur in jours francs, -1 = none (required for commissions)
  delai INTEGER NOT NULL DEFAULT -1,
  -- remote participation allowed (EPCI à fiscalité propre only, CGCT L5211-11-1)
  distance INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX organes_tenant ON organes(tenant_id);
CREATE TABLE membres (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  organe_id BIGINT NOT NULL REFERENCES organes(id),
  user_id BIGINT NOT NULL DEFAULT 0,           -- account of the élu portal, 0 = none
  -- titulaire (voting member), suppleant (of titulaire_id, L5211-6), invite (guest, administratif)
  qualite TEXT NOT NULL DEFAULT 'titulaire',
  titulaire_id BIGINT NOT NULL DEFAULT 0,
  civilite TEXT NOT NULL DEFAULT '',
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL,
  fonction TEXT NOT NULL DEFAULT '',
  groupe TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  mobile TEXT NOT NULL DEFAULT '',
  papier INTEGER NOT NULL DEFAULT 0,           -- asked for paper convocations (L2121-10)
  adresse TEXT NOT NULL DEFAULT '',            -- postal address for paper convocations
  en_exercice INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX membres_organe ON membres(organe_id);
CREATE INDEX membres_user ON membres(user_id);
CREATE TABLE seances (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  organe_id BIGINT NOT NULL REFERENCES organes(id),
  title TEXT NOT NULL,
  starts_at BIGINT NOT NULL,                   -- UTC seconds; shown Europe/Paris
  place TEXT NOT NULL DEFAULT '',
  urgence INTEGER NOT NULL DEFAULT 0,
  urgence_justification TEXT NOT NULL DEFAULT '',
  distance INTEGER NOT NULL DEFAULT 0,         -- remote participation for this séance
  procurations INTEGER NOT NULL DEFAULT 1,     -- proxies accepted
  -- preparation → convoquee (sent) → close
  status TEXT NOT NULL DEFAULT 'preparation',
  sent_at BIGINT NOT NULL DEFAULT 0,
  revision BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX seances_tenant ON seances(tenant_id, starts_at);
CREATE TABLE seance_points (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  seance_id BIGINT NOT NULL REFERENCES seances(id),
  rank INTEGER NOT NULL,                        -- 1, 2, … order of the agenda
  title TEXT NOT NULL,
  rapporteur_id BIGINT NOT NULL DEFAULT 0,      -- membres.id, 0 = none
  rapporteur TEXT NOT NULL DEFAULT '',          -- free text when not a member
  theme TEXT NOT NULL DEFAULT '',
  matiere TEXT NOT NULL DEFAULT '',             -- ACTES matière code, e.g. "7.1"
  created_at BIGINT NOT NULL
);
CREATE INDEX seance_points_seance ON seance_points(seance_id, rank);
-- Documents of a séance: point_id = 0 for the séance's own documents (convocation letter, note de
-- synthèse, other); the bytes are blobs of the store (sha256), stored once whatever the recipients.
CREATE TABLE seance_docs (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  seance_id BIGINT NOT NULL REFERENCES seances(id),
  point_id BIGINT NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,                           -- principal|annexe|convocation|note_synthese|autre
  rank INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX seance_docs_seance ON seance_docs(seance_id);
-- One sending of the convocations: the packet manifest (documents with SHA-256, recipients) is a blob,
-- its RFC 3161 token another (empty when no TSA is configured).
CREATE TABLE seance_envois (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  seance_id BIGINT NOT NULL REFERENCES seances(id),
  at BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  manifest_sha256 TEXT NOT NULL,
  tsa_sha256 TEXT NOT NULL DEFAULT '',
  tsa_at BIGINT NOT NULL DEFAULT 0,
  recipients INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX seance_envois_seance ON seance_envois(seance_id);
-- One convocation per recipient and séance. pour_id: the titulaire when the recipient is a suppléant.
-- state: en_file (job queued) | acceptee (SMTP accepted at sent_at) | echec (error) | papier (paper list)
CREATE TABLE convocations (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  seance_id BIGINT NOT NULL REFERENCES seances(id),
  membre_id BIGINT NOT NULL REFERENCES membres(id),
  envoi_id BIGINT NOT NULL DEFAULT 0,
  email TEXT NOT NULL DEFAULT '',
  token_hash TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  queued_at BIGINT NOT NULL,
  sent_at BIGINT NOT NULL DEFAULT 0,
  read_at BIGINT NOT NULL DEFAULT 0,
  read_ip TEXT NOT NULL DEFAULT '',
  ack_at BIGINT NOT NULL DEFAULT 0,
  expires_at BIGINT NOT NULL
);
CREATE INDEX convocations_seance ON convocations(seance_id);
-- Proof events (append-only): envoi, acceptation, echec, lecture, accuse, reponse, modification.
CREATE TABLE seance_events (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  seance_id BIGINT NOT NULL,
  convocation_id BIGINT NOT NULL DEFAULT 0,
  membre_id BIGINT NOT NULL DEFAULT 0,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX seance_events_seance ON seance_events(seance_id, at);
-- Attendance per member and séance: the member's own answer (reponse: present|absent|distance|
-- procuration|suppleant) and the secretary's sheet on the day (statut: present|absent|excuse|represente),
-- with arrival before point arrive_rank and departure after point depart_rank (0 = whole séance).
CREATE TABLE presences (
  tenant_id BIGINT NOT NULL,
  seance_id BIGINT NOT NULL REFERENCES seances(id),
  membre_id BIGINT NOT NULL REFERENCES membres(id),
  reponse TEXT NOT NULL DEFAULT '',
  reponse_at BIGINT NOT NULL DEFAULT 0,
  statut TEXT NOT NULL DEFAULT '',
  arrive_rank INTEGER NOT NULL DEFAULT 0,
  depart_rank INTEGER NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (seance_id, membre_id)
);
-- Written pouvoirs (L2121-20): one giver, one holder, the séances designated (procuration_seances).
CREATE TABLE procurations (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  organe_id BIGINT NOT NULL REFERENCES organes(id),
  mandant_id BIGINT NOT NULL REFERENCES membres(id),
  mandataire_id BIGINT NOT NULL REFERENCES membres(id),
  maladie INTEGER NOT NULL DEFAULT 0,
  revoquee INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  created_by BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE procuration_seances (
  tenant_id BIGINT NOT NULL,
  procuration_id BIGINT NOT NULL REFERENCES procurations(id),
  seance_id BIGINT NOT NULL REFERENCES seances(id),
  PRIMARY KEY (procuration_id, seance_id)
);
CREATE INDEX procuration_seances_seance ON procuration_seances(seance_id);
