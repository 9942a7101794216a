-- Séances: closing (« Clore la séance ») and second convocation without quorum (CGCT L2121-17 al. 2).
-- Described in docs/seances.md « Closing » and « Second convocation ». Times are UTC seconds, 0 = not.
-- closed_at/closed_by: when and by whom the séance was closed (status 'close'); reopening (an
-- administrator, with a reason) sets them back to 0 and keeps the trace in seance_events and the audit.
ALTER TABLE seances ADD COLUMN closed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE seances ADD COLUMN closed_by BIGINT NOT NULL DEFAULT 0;
-- The séance lacked the quorum (recorded by the secretary, checked against the attendance), with the count.
ALTER TABLE seances ADD COLUMN quorum_manque_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE seances ADD COLUMN quorum_manque_regle TEXT NOT NULL DEFAULT '';
-- This séance is the second convocation of seances.id = seconde_de (same organe, no quorum recorded).
ALTER TABLE seances ADD COLUMN seconde_de BIGINT NOT NULL DEFAULT 0;
-- A point of a second convocation taken from the first séance's agenda (seance_points.id, 0 = none).
ALTER TABLE seance_points ADD COLUMN origine_id BIGINT NOT NULL DEFAULT 0;
-- The vote was held without quorum condition (second convocation).
ALTER TABLE seance_votes ADD COLUMN sans_quorum INTEGER NOT NULL DEFAULT 0;
