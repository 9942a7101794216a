#!/usr/bin/env bash
# PES_ACQUIT: the shared acquittals read back in French (accepted, refused with DGFiP codes down to
# piece and line); acquittals built for a PES_Aller (the test peer's answer) pass the acquittal schema
# and carry each check error where the DGFiP would put it. PES_Retour read back.
. "$(dirname "$0")/../lib.sh"
export OPALE_PES_SCHEMAS=$SHARED/specs/pes/v5.17
P=$SHARED/specs/pes/samples
BL=$P/PESALR2_25060187900027_190328_001.xml
C=$T_TMP/corpus; mkdir -p "$C"
python3 "$(dirname "$0")/pes_variants.py" "$BL" "$C" || fail "variants generated"

# --- reading ---
"$OPALE" pes acquit "$P/pastell/pes_acquit.xml" >"$T_TMP/out" 2>&1; rc=$?; out=$(cat "$T_TMP/out")
eq "Pastell acquit: exit 0 (all accepted)" "$rc" 0
has "Pastell acquit: summary" "$out" "accepté — 5 élément(s) accepté(s), 0 refusé(s)"
has "Pastell acquit: bordereau" "$out" "dépense : bordereau n° 1847 (exercice 2015) — accepté"
has "Pastell acquit: PJ" "$out" "PJ : 200049104000252015DEPENSE0000087458 — accepté"

"$OPALE" pes acquit "$P/006111_190130123456-ACK-A3020100_A0000MIX_KO.xml" >"$T_TMP/out" 2>&1; rc=$?; out=$(cat "$T_TMP/out")
eq "STE MIX acquit: exit 1 (refusals)" "$rc" 1
has "MIX: partial" "$out" "partiellement accepté — 1 élément(s) accepté(s), 3 refusé(s)"
has "MIX: line-level anomaly, Latin-1 decoded" "$out" "      ligne 3
        - ERREUR_AUTRE (anomalie) : 1971 - Compte fonction présent à tort"
has "MIX: piece-level anomaly on a recette" "$out" "recette : bordereau n° 258 (exercice 2018) — refusé
    pièce n° 5432
      - ERREUR_AUTRE (anomalie) : 2559 - Le code service"
has "MIX: duplicate PJ explained" "$out" "PJ : TI00064567 — refusé
    - ERREUR_DOUBLON_PJ (pièce justificative déjà intégrée (doublon)) : 1984 - L'identifiant unique de la PJ a déjà été intégré dans HELIOS"
H=$("$OPALE" pes acquit --html "$P/006111_190130123456-ACK-A3020100_A0000MIX_KO.xml")
has "MIX html: caption" "$H" "<caption>Éléments acquittés (1 accepté(s), 3 refusé(s))</caption>"
has "MIX html: refused PJ with reason, escaped" "$H" '<tr><th scope="row">PJ — TI00064567</th><td class="ko">refusé</td><td><ul><li><strong>pièce justificative déjà intégrée (doublon)</strong> — 1984 - L&#39;identifiant unique'
has "MIX html: line-level anomaly located" "$H" "<li>pièce n° 20, ligne 2 : <strong>anomalie</strong> — 1971 - Compte fonction présent à tort <code>ERREUR_AUTRE</code></li>"
for f in "$P"/*_KO.xml; do
	"$OPALE" pes acquit "$f" >/dev/null 2>&1; rc=$?
	eq "$(basename "$f"): read, refusal seen" "$rc" 1
done
"$OPALE" pes acquit "$BL" >"$T_TMP/out" 2>&1; rc=$?
eq "a PES_Aller is not an acquittal: exit 2" "$rc" 2
has "…and it says so" "$(cat "$T_TMP/out")" "ce fichier n'est pas un PES_ACQUIT"
"$OPALE" pes acquit "$C/not_xml_text.xml" >/dev/null 2>&1; eq "text: exit 2" "$?" 2
"$OPALE" pes acquit "$C/doctype.xml" >"$T_TMP/out" 2>&1; eq "DOCTYPE: exit 2" "$?" 2

# --- building (test peer) ---
# build NAME SRC [opts] → acquit in $C/NAME.ack.xml, validated by `opale pes check`, read back in $ACK
build() {
	local name=$1 src=$2; shift 2
	"$OPALE" pes acquit --build "$src" --date 2025-03-20 "$@" --out "$C/$name.ack.xml" >"$T_TMP/out" 2>&1
	eq "$name: acquittal built" "$?" 0
	"$OPALE" pes check "$C/$name.ack.xml" >"$T_TMP/out" 2>&1
	eq "$name: acquittal passes the PES_ACQUIT schema" "$?" 0
	ACK=$("$OPALE" pes acquit "$C/$name.ack.xml")
}
build valid "$BL"
has "valid: all accepted" "$ACK" "Acquittement du 2025-03-20 pour STELA11 (poste 010001, SIRET 75580064600099) : accepté — 3 élément(s) accepté(s), 0 refusé(s)"
has "valid: bordereau 11/2019" "$ACK" "dépense : bordereau n° 11 (exercice 2019) — accepté"
has "valid: both PJ" "$ACK" "PJ : 21780537300016DEPENSE2016001385 — accepté"

build wrong_total "$C/wrong_total.xml"
has "wrong_total: bordereau refused with the DGFiP code and our words" "$ACK" "dépense : bordereau n° 11 (exercice 2019) — refusé
    - ERREUR_CUMUL_MONTANTS (montant du bordereau différent de la somme des pièces) : ligne 33 : MtBordHT du bordereau n° 11 (4874.41)"
has "wrong_total: PJ still accepted" "$ACK" "PJ : 21780537300016DEPENSE2016001384 — accepté"

build dup_piece "$C/dup_piece.xml"
has "dup_piece: on the piece" "$ACK" "    pièce n° 1303
      - ERREUR_DOUBLON_PIECE (pièce déjà intégrée (doublon)) : ligne 107 : mandat n° 1303"

build dup_ligne "$C/dup_ligne.xml"
has "dup_ligne: on the line" "$ACK" "    pièce n° 1303
      ligne 1
        - ERREUR_DOUBLON_LIGNE"

build dup_pj "$C/dup_pj.xml"
has "dup_pj: second PJ refused" "$ACK" "PJ : 21780537300016DEPENSE2016001384 — refusé
    - ERREUR_DOUBLON_PJ"
has "dup_pj: bordereau accepted" "$ACK" "bordereau n° 11 (exercice 2019) — accepté"

build truncated "$C/truncated_half.xml"
has "truncated: whole file refused (domaine technique)" "$ACK" "technique — refusé
    - ERREUR_AUTRE (anomalie) : ligne 155 : fichier tronqué"

build refused "$BL" --refuse ERREUR_SIGNATURE_BORDEREAU_INVALIDE
has "--refuse: DGFiP reason carried" "$ACK" "dépense : bordereau n° 11 (exercice 2019) — refusé
    - ERREUR_SIGNATURE_BORDEREAU_INVALIDE (signature du bordereau invalide) : signature du bordereau invalide"

# The acquittal is ISO-8859-1 as declared: « tronqué » is one byte 0xE9, so not UTF-8.
LC_ALL=C grep -q $'tronqu\xe9' "$C/truncated.ack.xml" && pass "Latin-1 bytes in the acquittal" || fail "Latin-1 bytes in the acquittal"
iconv -f UTF-8 -t UTF-8 "$C/truncated.ack.xml" >/dev/null 2>&1 && fail "acquittal is not UTF-8" || pass "acquittal is not UTF-8"

"$OPALE" pes acquit --build "$C/declared_utf8.xml" >"$T_TMP/out" 2>&1; rc=$?
eq "unreadable header: no acquittal (exit 2)" "$rc" 2
has "unreadable header: said" "$(cat "$T_TMP/out")" "en-tête PES illisible"

# --- PES_Retour ---
"$OPALE" pes retour "$P/pastell/HELIOS_SIMU_RETOUR_1565181244_184723364.xml" >"$T_TMP/out" 2>&1; rc=$?; out=$(cat "$T_TMP/out")
eq "retour: read" "$rc" 0
has "retour: header" "$out" "PES Retour HELIOS_SIMU_RETOUR_1565181244_184723364.xml (PESRETOUR_DEP) du 2008-02-15 — poste 082008"
has "retour: piece state, Latin-1 decoded" "$out" "mandat n° 832 « Test accent éÉÈÈêà » : En instance le 2008-12-12"
has "retour: line state and amount" "$out" "ligne 1 : Pris en charge, 39"
"$OPALE" pes retour "$P/pastell/pes_acquit.xml" >/dev/null 2>&1; eq "retour: an acquittal refused (exit 2)" "$?" 2
t_done
