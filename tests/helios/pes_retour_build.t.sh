#!/usr/bin/env bash
# PES_Retour built for a PES_Aller (what the test peer sends back): passes the retour schema, reads back
# with every mandat « pris en charge » and the amounts of the aller; a PES with no dépense bordereau
# gets no retour; pes gen --bordereaux/--premier numbers bordereaux and files that do not collide.
. "$(dirname "$0")/../lib.sh"
export OPALE_PES_SCHEMAS=$SHARED/specs/pes/v5.17
XSD=$OPALE_PES_SCHEMAS/PES_V2/RETOUR/Rev0/PES_Retour.xsd
cd "$T_TMP"
ok "gen: 2 bordereaux of 7 mandats from n° 31" "$OPALE" pes gen a.xml --bordereaux 2 --mandats 7 --premier 31 --idcoll 24620036400015 --nomfic PES-A --date 2025-11-03
has "gen: counts" "$(cat "$T_TMP/out")" "2 bordereau(x), 14 mandat(s)"
ok "gen: the file is conforme" "$OPALE" pes check a.xml
has "gen: bordereau 31 first" "$(grep -o '<IdBord V="[0-9]*"' a.xml | head -1)" '<IdBord V="31"'
has "gen: mandats numbered from 211" "$(grep -o '<IdPce V="[0-9]*"' a.xml | head -1)" '<IdPce V="211"'
ok "gen: next file" "$OPALE" pes gen b.xml --bordereaux 1 --mandats 7 --premier 33 --idcoll 24620036400015 --nomfic PES-B --date 2025-11-03
eq "gen: no mandat number shared by the two files" "$(cat a.xml b.xml | grep -o '<IdPce V="[0-9]*"' | sort | uniq -d | wc -l)" 0
ok "retour --build" "$OPALE" pes retour --build a.xml --date 2025-11-20 --out r.xml
ok "the PES_Retour passes RETOUR/Rev0/PES_Retour.xsd" xmllint --noout --schema "$XSD" r.xml
has "declared ISO-8859-1" "$(head -1 r.xml)" 'encoding="ISO-8859-1"'
ok "opale pes retour reads it" "$OPALE" pes retour r.xml
R=$(cat "$T_TMP/out")
has "reader: header" "$R" "PES Retour PESRETOUR_a.xml (PESRETOUR_DEP) du 2025-11-20"
has "reader: bordereau 32" "$R" "bordereau de mandats n° 32 (exercice 2025)"
eq "reader: 14 mandats" "$(grep -c 'mandat n° ' <<<"$R")" 14
has "reader: taken in charge on the date" "$R" "Prise en charge le 2025-11-20"
AMT=$(grep -o '<MtHT V="[0-9.]*"' a.xml | head -1)
has "the first line's amount is the aller's" "$(cat r.xml)" "$AMT"
ko "a file that is not a PES_Aller has no retour" "$OPALE" pes retour --build r.xml
t_done
