-- Permanences as dated sessions: the recurrence rule of a permanence (ISO weekday, weeks of the
-- month "1,3,dernier" or "" for every week, hours "HH:MM" Paris time, span "AAAA-MM-JJ" or "" for the
-- convention's own), and the dates entered by hand — a session added outside the rule, or a session
-- of the rule cancelled (annulee = 1), with its reason.
ALTER TABLE convention_permanences ADD COLUMN jour INTEGER NOT NULL DEFAULT 0;
ALTER TABLE convention_permanences ADD COLUMN semaines TEXT NOT NULL DEFAULT '';
ALTER TABLE convention_permanences ADD COLUMN heure_debut TEXT NOT NULL DEFAULT '';
ALTER TABLE convention_permanences ADD COLUMN heure_fin TEXT NOT NULL DEFAULT '';
ALTER TABLE convention_permanences ADD COLUMN du TEXT NOT NULL DEFAULT '';
ALTER TABLE convention_permanences ADD COLUMN au TEXT NOT NULL DEFAULT '';
CREATE TABLE convention_permanence_dates (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  permanence_id BIGINT NOT NULL REFERENCES convention_permanences(id),
  jour TEXT NOT NULL,
  annulee INTEGER NOT NULL DEFAULT 0,
  heure_debut TEXT NOT NULL DEFAULT '',
  heure_fin TEXT NOT NULL DEFAULT '',
  motif TEXT NOT NULL DEFAULT '',
  UNIQUE (permanence_id, jour)
);
CREATE INDEX convention_permanence_dates_t ON convention_permanence_dates(tenant_id, permanence_id);
