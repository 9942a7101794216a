#!/usr/bin/env bash
# Titres de recette: the recette side of PES_Aller spells things differently (MtBordHt, no InfoPce,
# InfoLignePiece); check, view and acquittal must follow. Fixture: tests/data/helios/recette.xml
# (hand-written, valid against PES_Aller.xsd v5.17: one bordereau, two titres, three lines).
. "$(dirname "$0")/../lib.sh"
export OPALE_PES_SCHEMAS=$SHARED/specs/pes/v5.17
R=$TOP/tests/data/helios/recette.xml
B=/PES_Aller/PES_RecetteAller/Bordereau[1]

"$OPALE" pes check "$R" >"$T_TMP/out" 2>&1; rc=$?
eq "recette fixture: conforme" "$rc" 0
has "recette fixture: counted" "$(cat "$T_TMP/out")" "1 bordereau(x), 2 pièce(s), 3 ligne(s), 0 PJ"
ok "xmllint agrees" xmllint --noout --schema "$OPALE_PES_SCHEMAS/PES_V2/Rev0/PES_Aller.xsd" "$R"

# variant NAME SED-EXPRESSION → $T_TMP/NAME.xml
variant() { sed "$2" "$R" >"$T_TMP/$1.xml"; }
variant total 's/<MtBordHt V="175.50"\/>/<MtBordHt V="175.00"\/>/'
variant dup_titre 's/<IdPce V="42"\/>/<IdPce V="41"\/>/'
variant dup_ligne 's/<IdLigne V="2"\/>/<IdLigne V="1"\/>/'
"$OPALE" pes check "$T_TMP/total.xml" >"$T_TMP/out" 2>&1
has "recette total: MtBordHt checked" "$(cat "$T_TMP/out")" "total.xml:12: $B/BlocBordereau/MtBordHt: erreur [pes.total] MtBordHt du bordereau n° 7 (175.00) différent de la somme des montants HT de ses pièces (175.50)"
"$OPALE" pes check "$T_TMP/dup_titre.xml" >"$T_TMP/out" 2>&1
has "recette duplicate titre" "$(cat "$T_TMP/out")" "dup_titre.xml:31: $B/Piece[2]/BlocPiece/IdPce: erreur [pes.doublon_piece] titre n° 41 de l'exercice 2025 en double : déjà ligne 14"
"$OPALE" pes check "$T_TMP/dup_ligne.xml" >"$T_TMP/out" 2>&1
has "recette duplicate line" "$(cat "$T_TMP/out")" "$B/Piece[1]/LigneDePiece[2]/BlocLignePiece/InfoLignePiece/IdLigne: erreur [pes.doublon_ligne] ligne n° 1 en double dans la pièce n° 41"

H=$("$OPALE" pes view "$R" --format html)
has "view: titres heading" "$H" "Bordereau de titres n° 7 — exercice 2025"
has "view: caption" "$H" "<caption>Titres de recette du bordereau n° 7 (2)</caption>"
has "view: debtor with first name (Latin-1)" "$H" '<span class="tiers">DUPONT Hélène</span>'
has "view: declared total" "$H" "<dd>175,50"
has "view: second titre" "$H" '<tr><th scope="row">42</th><td>1</td><td>Location de salle</td>'

"$OPALE" pes acquit --build "$T_TMP/total.xml" --date 2025-03-20 --out "$T_TMP/ack.xml" >/dev/null 2>&1
ok "acquittal of a recette file passes its schema" "$OPALE" pes check "$T_TMP/ack.xml"
grep -q '<DomaineAck V="6"/>' "$T_TMP/ack.xml" && pass "acquittal: domaine recette (6)" || fail "acquittal: domaine recette (6)"
has "acquittal: refused with ERREUR_CUMUL_MONTANTS" "$("$OPALE" pes acquit "$T_TMP/ack.xml")" "recette : bordereau n° 7 (exercice 2025) — refusé
    - ERREUR_CUMUL_MONTANTS"
t_done
