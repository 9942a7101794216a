#!/usr/bin/env bash
# Comparison with the previous diagnostic (--previous): the 2021 population (51 permanent women, 32
# men, as the seed recalls) against 2023 — « la collectivité a donc recruté 9 femmes et 10 hommes ».
. "$(dirname "$0")/../lib.sh"
D=$TOP/tests/data/egalite
ok "2021 diagnostic" "$OPALE" egalite rapport --agents "$D/ccpo-2021.csv" --date 2021-12-31 --a-part "Ecole intercommunale de musique" --out "$T_TMP/2021.json"
ok "2023 diagnostic compared with 2021" "$OPALE" egalite rapport --agents "$D/ccpo-2023.csv" --date 2023-12-31 \
	--previous "$T_TMP/2021.json" --a-part "Ecole intercommunale de musique" --out "$T_TMP/2023.json"
fig() {   # fig PATH-LABEL FIELD → value from the comparison row
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))["comparaison"]
r=[x for x in d["indicateurs"] if x["chemin"]==sys.argv[2]][0]
v=r[sys.argv[3]]
print(round(v*100) if isinstance(v,float) else v)' "$T_TMP/2023.json" "$1" "$2"
}
eq "previous date" "$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["comparaison"]["date_precedente"])' "$T_TMP/2023.json")" 2021-12-31
eq "permanent women in 2021" "$(fig permanents.F precedent)" 51
eq "permanent men in 2021" "$(fig permanents.H precedent)" 32
eq "9 women recruited on permanent posts" "$(fig permanents.F evolution)" 9
eq "10 men recruited on permanent posts" "$(fig permanents.H evolution)" 10
eq "feminisation was 61 % in 2021 (seed)" "$(fig taux_feminisation precedent)" 61
eq "feminisation is 59 % in 2023" "$(fig taux_feminisation actuel)" 59
eq "pay compared in cents" "$(fig remunerations.0.par_categorie.A.F actuel)" 283956
# refusals
"$OPALE" egalite rapport --agents "$D/ccpo-2021.csv" --date 2021-12-31 --previous "$T_TMP/2023.json" 2>"$T_TMP/err" >/dev/null
has "a later diagnostic is not a previous one" "$(cat "$T_TMP/err")" "n'est pas antérieur"
echo '{"date":"2020-12-31"}' >"$T_TMP/other.json"
"$OPALE" egalite rapport --agents "$D/ccpo-2023.csv" --date 2023-12-31 --previous "$T_TMP/other.json" 2>"$T_TMP/err" >/dev/null
has "any JSON is not a diagnostic" "$(cat "$T_TMP/err")" "n'est pas une sortie JSON"
t_done
