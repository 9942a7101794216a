-- Conventions and partnerships register: conventions and their amendments (avenants: parent_id),
-- parties with their representatives, action sheets (fiches-action), budget lines (formula and
-- amounts in integer cents), reviews (bilans) with indicator values, permanences. Dates are civil
-- dates 'YYYY-MM-DD' ('' when not set); durations as a count and a unit ('jours', 'mois', 'ans').
CREATE TABLE conventions (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES collectivites(id),
  parent_id BIGINT NOT NULL DEFAULT 0,
  avenant_numero INTEGER NOT NULL DEFAULT 0,
  reference TEXT NOT NULL DEFAULT '',
  titre TEXT NOT NULL,
  objet TEXT NOT NULL DEFAULT '',
  partenaire TEXT NOT NULL DEFAULT '',
  signature_date TEXT NOT NULL DEFAULT '',
  signature_lieu TEXT NOT NULL DEFAULT '',
  debut TEXT NOT NULL,
  fin TEXT NOT NULL DEFAULT '',
  duree_n INTEGER NOT NULL DEFAULT 0,
  duree_unite TEXT NOT NULL DEFAULT 'mois',
  renouvellement TEXT NOT NULL DEFAULT 'aucun',
  renouvellements_max INTEGER NOT NULL DEFAULT 0,
  renouvellements_faits INTEGER NOT NULL DEFAULT 0,
  renouvellement_duree_n INTEGER NOT NULL DEFAULT 0,
  renouvellement_duree_unite TEXT NOT NULL DEFAULT 'mois',
  decision_delai_n INTEGER NOT NULL DEFAULT 0,
  decision_delai_unite TEXT NOT NULL DEFAULT 'mois',
  preavis_n INTEGER NOT NULL DEFAULT 0,
  preavis_unite TEXT NOT NULL DEFAULT 'mois',
  resiliation_forme TEXT NOT NULL DEFAULT '',
  resiliation_effet TEXT NOT NULL DEFAULT 'notification',
  resiliation_notifiee TEXT NOT NULL DEFAULT '',
  bilan TEXT NOT NULL DEFAULT 'aucun',
  montant_cents BIGINT NOT NULL DEFAULT 0,
  conditions_financieres TEXT NOT NULL DEFAULT '',
  deliberation TEXT NOT NULL DEFAULT '',
  annexes TEXT NOT NULL DEFAULT '',
  service TEXT NOT NULL DEFAULT '',
  alerte_courriel TEXT NOT NULL DEFAULT '',
  parapheur_dossier BIGINT NOT NULL DEFAULT 0,
  created_by BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX conventions_tenant ON conventions(tenant_id, parent_id);
CREATE TABLE convention_parties (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  convention_id BIGINT NOT NULL REFERENCES conventions(id),
  ordre INTEGER NOT NULL,
  nom TEXT NOT NULL,
  collectivite INTEGER NOT NULL DEFAULT 0,
  representant TEXT NOT NULL DEFAULT '',
  fonction TEXT NOT NULL DEFAULT '',
  habilitation TEXT NOT NULL DEFAULT ''
);
CREATE INDEX convention_parties_conv ON convention_parties(convention_id);
CREATE TABLE convention_fiches (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  convention_id BIGINT NOT NULL REFERENCES conventions(id),
  reference TEXT NOT NULL DEFAULT '',
  intitule TEXT NOT NULL,
  axe TEXT NOT NULL DEFAULT '',
  contexte TEXT NOT NULL DEFAULT '',
  descriptif TEXT NOT NULL DEFAULT '',
  objectifs TEXT NOT NULL DEFAULT '',
  perimetre TEXT NOT NULL DEFAULT '',
  intervenants TEXT NOT NULL DEFAULT '',
  calendrier TEXT NOT NULL DEFAULT '',
  livrables TEXT NOT NULL DEFAULT '',
  budget_cents BIGINT NOT NULL DEFAULT 0,
  taxes TEXT NOT NULL DEFAULT 'TTC',
  financement TEXT NOT NULL DEFAULT '',
  fongible INTEGER NOT NULL DEFAULT 0,
  bilan TEXT NOT NULL DEFAULT ''
);
CREATE INDEX convention_fiches_conv ON convention_fiches(convention_id);
CREATE TABLE convention_budget (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  convention_id BIGINT NOT NULL REFERENCES conventions(id),
  fiche_id BIGINT NOT NULL DEFAULT 0,
  libelle TEXT NOT NULL,
  financeur TEXT NOT NULL DEFAULT '',
  annee INTEGER NOT NULL,
  debut TEXT NOT NULL DEFAULT '',
  fin TEXT NOT NULL DEFAULT '',
  formule TEXT NOT NULL,
  montant_cents BIGINT NOT NULL,
  taxes TEXT NOT NULL DEFAULT 'TTC',
  paye_cents BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX convention_budget_conv ON convention_budget(convention_id);
CREATE TABLE convention_bilans (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  convention_id BIGINT NOT NULL REFERENCES conventions(id),
  echeance TEXT NOT NULL,
  saisi_le BIGINT NOT NULL,
  saisi_par BIGINT NOT NULL,
  indicateurs TEXT NOT NULL DEFAULT '{}',
  commentaire TEXT NOT NULL DEFAULT ''
);
CREATE INDEX convention_bilans_conv ON convention_bilans(convention_id);
CREATE TABLE convention_permanences (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  convention_id BIGINT NOT NULL REFERENCES conventions(id),
  lieu TEXT NOT NULL,
  rythme TEXT NOT NULL
);
CREATE INDEX convention_permanences_conv ON convention_permanences(convention_id);
-- Alerts already mailed (each once): the daily job's memory.
CREATE TABLE convention_alertes (
  tenant_id BIGINT NOT NULL,
  convention_id BIGINT NOT NULL,
  type TEXT NOT NULL,
  echeance TEXT NOT NULL,
  envoye_le BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, convention_id, type, echeance)
);
