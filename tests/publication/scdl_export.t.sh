#!/usr/bin/env bash
# `opale scdl export --siren SIREN [--year Y] [--out FILE|DIR]`: the demo's published deliberations as
# SCDL « Délibérations » 2.1.5 CSV (the same as the public /p/SIREN/deliberations.csv), checked by
# `opale scdl check` against the reference schema; the file name AAAAMMJJ_<SIREN>_deliberations.csv;
# the year filter; refusals (bad SIREN, unknown collectivité).
. "$(dirname "$0")/../lib.sh"
D=$T_TMP/d
"$OPALE" migrate --data "$D" >/dev/null 2>&1 && "$OPALE" demo --data "$D" >/dev/null 2>&1 || fail "demo data"
out=$("$OPALE" scdl export --data "$D" --siren 246200364)
eq "export: the SCDL header first" "$(head -1 <<<"$out" | tr -d '\r' | sed '1s/^\xEF\xBB\xBF//')" "COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,DELIB_MATIERE_CODE,DELIB_MATIERE_NOM,DELIB_OBJET,BUDGET_ANNEE,BUDGET_NOM,PREF_ID,PREF_DATE,VOTE_EFFECTIF,VOTE_REEL,VOTE_POUR,VOTE_CONTRE,VOTE_ABSTENTION,DELIB_URL"
rows=$(($(wc -l <<<"$out") - 1))
ok "the demo's published deliberations are rows ($rows)" test "$rows" -ge 2
has "a row with its votes (VOTE_EFFECTIF … VOTE_ABSTENTION filled)" "$out" ",50,45,45,0,0,"
mkdir -p "$T_TMP/o"
path=$("$OPALE" scdl export --data "$D" --siren 246200364 --out "$T_TMP/o")
eq "into a directory: the file is named AAAAMMJJ_SIREN_deliberations.csv" "$(basename "$path")" "$(TZ=Europe/Paris date +%Y%m%d)_246200364_deliberations.csv"
ok "opale scdl check: the file conforms to deliberations-2.1.5.schema.json" "$OPALE" scdl check "$path" --schema "$SHARED/specs/scdl/deliberations-2.1.5.schema.json"
eq "the same bytes as on stdout" "$(cat "$path")" "$out"
eq "--year 1999: the header only" "$("$OPALE" scdl export --data "$D" --siren 246200364 --year 1999 | wc -l)" 1
ko "a SIREN with a wrong check digit is refused" "$OPALE" scdl export --data "$D" --siren 123456789
has "… in French" "$(cat "$T_TMP/out")" "clé de Luhn"
ko "a collectivité that does not exist: exit 1" "$OPALE" scdl export --data "$D" --siren 732829320
t_done
