-- A signed convention transmitted to the prefecture: the act (nature 4 « Contrats, conventions et
-- avenants ») created from its parapheur folder, 0 = not transmitted.
ALTER TABLE conventions ADD COLUMN acte_id BIGINT NOT NULL DEFAULT 0;
