#!/usr/bin/env bash
# PES_Retour built for a PES_Aller (what the test peer sends back): passes the retour schema, reads back
# with every mandat « pris en charge » and the amounts of the aller; titres (recettes) in
# PES_RecetteRetour, read back too; the collectivité's PES_ACQUIT_RETOUR for each passes its schema;
# pes gen --bordereaux/--premier numbers bordereaux and files that do not collide.
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
# titres de recette (tests/data/helios/recette.xml: bordereau 7, titres 41 and 42)
ok "retour --build of titres" "$OPALE" pes retour --build "$TOP/tests/data/helios/recette.xml" --date 2025-11-20 --out rr.xml
ok "the recette PES_Retour passes PES_Retour.xsd" xmllint --noout --schema "$XSD" rr.xml
has "in PES_RecetteRetour, TypFic PESRETOUR_REC" "$(cat rr.xml)" '<TypFic V="PESRETOUR_REC"/>'
ok "read back" "$OPALE" pes retour rr.xml
RR=$(cat "$T_TMP/out")
has "reader: bordereau de titres 7" "$RR" "bordereau de titres n° 7 (exercice 2025)"
has "reader: titre 41 taken in charge" "$RR" "titre n° 41 « Cantine scolaire, mars » : Prise en charge le 2025-11-20"
eq "reader: 3 lines « non soldée »" "$(grep -c 'Non soldée' <<<"$RR")" 3
# the collectivité's acknowledgement of a retour (PES_ACQUIT_RETOUR, defined by the v5.17 set)
AXSD=$OPALE_PES_SCHEMAS/PES_V2/RETOUR/Rev0/PES_V2_Acquit_Retour.xsd
ok "acquit of the dépense retour" "$OPALE" pes retour r.xml --acquit --date 2025-11-21 --out ar.xml
ok "… passes PES_V2_Acquit_Retour.xsd" xmllint --noout --schema "$AXSD" ar.xml
has "… DomaineAckRetour 13 (dépense), naming the retour" "$(tr -d '\n' <ar.xml)" '<DomaineAckRetour V="13"/> <NomFichierRetour V="PESRETOUR_a.xml"/>'
ok "acquit of the recette retour" "$OPALE" pes retour rr.xml --acquit --date 2025-11-21 --out arr.xml
ok "… passes the schema" xmllint --noout --schema "$AXSD" arr.xml
has "… DomaineAckRetour 14 (recette)" "$(cat arr.xml)" '<DomaineAckRetour V="14"/>'
ok "opale pes check knows it" "$OPALE" pes check arr.xml
has "… as a PES_ACQUIT_RETOUR" "$(cat "$T_TMP/out")" "PES_ACQUIT_RETOUR conforme"
t_done
