-- Votes of the agenda points and the délibérations they become (docs/seances.md « Votes »).
-- One ballot per point (seance_votes): public (one seance_bulletins row per vote by name, proxy votes
-- with pour_compte_de) or secret (totals only; the members who withdrew are still listed, choix 'nppv').
-- Counts and result come from seance_vote() (src/seance/quorum.c) against the point's attendance.
-- SCDL: VOTE_EFFECTIF = en_exercice, VOTE_REEL = pour + contre + abstention.
CREATE TABLE seance_votes (
  id {{pk}},
  tenant_id BIGINT NOT NULL,
  seance_id BIGINT NOT NULL REFERENCES seances(id),
  point_id BIGINT NOT NULL REFERENCES seance_points(id),
  secret INTEGER NOT NULL DEFAULT 0,
  president_id BIGINT NOT NULL DEFAULT 0,        -- membres.id presiding for this point
  pour INTEGER NOT NULL DEFAULT 0,
  contre INTEGER NOT NULL DEFAULT 0,
  abstention INTEGER NOT NULL DEFAULT 0,         -- secret ballot: blancs, nuls and abstentions
  nppv INTEGER NOT NULL DEFAULT 0,               -- « ne prend pas part au vote »
  exprimes INTEGER NOT NULL DEFAULT 0,           -- pour + contre
  en_exercice INTEGER NOT NULL DEFAULT 0,
  presents INTEGER NOT NULL DEFAULT 0,           -- present and taking part (quorum count)
  representes INTEGER NOT NULL DEFAULT 0,        -- pouvoirs exercised
  quorum INTEGER NOT NULL DEFAULT 0,             -- required presents
  adopte INTEGER NOT NULL DEFAULT 0,
  voix_preponderante INTEGER NOT NULL DEFAULT 0, -- tie broken by the president's vote (L2121-20)
  resultat TEXT NOT NULL DEFAULT '',             -- French sentence (counts, rule, quorum)
  recorded_at BIGINT NOT NULL,
  recorded_by BIGINT NOT NULL DEFAULT 0,
  UNIQUE (point_id)
);
CREATE INDEX seance_votes_seance ON seance_votes(seance_id);
-- choix: pour | contre | abstention | nppv. membre_id = the seat voting (the titulaire; when his suppléant
-- sits, suppleant_id names him); pour_compte_de = the member whose pouvoir is exercised (0 = own vote).
CREATE TABLE seance_bulletins (
  tenant_id BIGINT NOT NULL,
  vote_id BIGINT NOT NULL REFERENCES seance_votes(id),
  membre_id BIGINT NOT NULL REFERENCES membres(id),
  pour_compte_de BIGINT NOT NULL DEFAULT 0,
  suppleant_id BIGINT NOT NULL DEFAULT 0,
  choix TEXT NOT NULL,
  PRIMARY KEY (vote_id, membre_id, pour_compte_de)
);
-- Point ↔ délibération (actes.id, nature 1), created in the transaction of the vote.
CREATE TABLE seance_deliberations (
  tenant_id BIGINT NOT NULL,
  point_id BIGINT NOT NULL PRIMARY KEY REFERENCES seance_points(id),
  seance_id BIGINT NOT NULL REFERENCES seances(id),
  acte_id BIGINT NOT NULL UNIQUE REFERENCES actes(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX seance_deliberations_seance ON seance_deliberations(seance_id);
