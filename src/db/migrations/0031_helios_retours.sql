-- Hélios: the collectivité's own TdT account for its PES (address, login, password sealed like the
-- @ctes one; empty: the @ctes account is used); what a PES Retour holds (« 1 bordereau de mandats (12 mandats), 1 bordereau de titres
-- (2 titres) »), shown in the lists, and the acknowledgement (PES_ACQUIT_RETOUR) sent back through the
-- TdT for a retour fetched from it: its TdT transaction number, or why it was not sent.
ALTER TABLE pes_answers ADD COLUMN contenu TEXT NOT NULL DEFAULT '';
ALTER TABLE pes_answers ADD COLUMN acquit_retour TEXT NOT NULL DEFAULT '';
ALTER TABLE helios_settings ADD COLUMN tdt_url TEXT NOT NULL DEFAULT '';
ALTER TABLE helios_settings ADD COLUMN tdt_login TEXT NOT NULL DEFAULT '';
ALTER TABLE helios_settings ADD COLUMN tdt_password TEXT NOT NULL DEFAULT '';
