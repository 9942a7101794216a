#!/usr/bin/env bash
# opale pes check on a corpus of broken variants, generated here from a real, valid PES_Aller
# (Berger-Levrault, 162 lines, one bordereau, one mandat, two PJ): each variant gets its precise
# error — code, XPath-like path, line — and nothing else.
. "$(dirname "$0")/../lib.sh"
export OPALE_PES_SCHEMAS=$SHARED/specs/pes/v5.17
SRC=$SHARED/specs/pes/samples/PESALR2_25060187900027_190328_001.xml
C=$T_TMP/corpus
mkdir -p "$C"

python3 "$(dirname "$0")/pes_variants.py" "$SRC" "$C" || fail "variants generated"

# expect NAME EXIT CODE 'PATH' LINE ['message part'] — and no other error line.
expect() {
	local name=$1 rc=$2 code=$3 path=$4 line=$5 part=${6:-}
	"$OPALE" pes check "$C/$name.xml" >"$T_TMP/out" 2>&1; local got=$?
	local out; out=$(cat "$T_TMP/out")
	eq "$name: exit $rc" "$got" "$rc"
	has "$name: [$code] at $path line $line" "$out" "$name.xml:$line: $path: erreur [$code]"
	[ -n "$part" ] && has "$name: says « $part »" "$out" "$part"
	eq "$name: one error only" "$(grep -c ': erreur \[' "$T_TMP/out")" 1
}
B=/PES_Aller/PES_DepenseAller/Bordereau[1]
expect wrong_total 1 pes.total "$B/BlocBordereau/MtBordHT" 33 "(4874.41) différent de la somme des montants HT de ses pièces (4874.40)"
expect bad_amount 1 pes.xsd "$B/Piece[1]/LigneDePiece[1]/BlocLignePiece/InfoLignePce/MtHT" 73 "valeur « 4874,40 » invalide"
expect tva_bordereau 1 pes.tva "$B/BlocBordereau/MtBordTVA" 33 "MtBordTVA servi mais aucune ligne du bordereau n° 11 n'a de MtTVA"
expect tva_ligne 1 pes.tva "$B/BlocBordereau/MtBordHT" 33 "portent de la TVA mais MtBordTVA est absent"
expect nbrpce 1 pes.nbrpce "$B/BlocBordereau/NbrPce" 31 "NbrPce annonce 2 pièce(s) mais le bordereau n° 11 en contient 1"
expect dup_piece 1 pes.doublon_piece "$B/Piece[2]/BlocPiece/InfoPce/IdPce" 107 "mandat n° 1303 de l'exercice 2019 en double : déjà ligne 38"
expect dup_bordereau 1 pes.doublon_bordereau "/PES_Aller/PES_DepenseAller/Bordereau[2]/BlocBordereau/IdBord" 142 "n° 11 (exercice 2019, type 01) en double : déjà ligne 28"
expect dup_ligne 1 pes.doublon_ligne "$B/Piece[1]/LigneDePiece[2]/BlocLignePiece/InfoLignePce/IdLigne" 106 "ligne n° 1 en double dans la pièce n° 1303"
expect missing_idpce 1 pes.xsd "$B/Piece[1]/BlocPiece/InfoPce/TypPce" 38 "attendu l'un de : CodServ, Affect, IdPce"
expect missing_pj 1 pes.pj_absente "$B/Piece[1]/BlocPiece/InfoPce/PJRef[1]" 42 "21780537300016DEPENSE2016001384 est absente du bloc PES_PJ"
expect dup_pj 1 pes.doublon_pj "/PES_Aller/PES_PJ/PJ[2]/IdUnique" 157 "21780537300016DEPENSE2016001384 en double : déjà ligne 148"
expect dup_id 1 pes.doublon_id "$B" 25 "« M07802724420170919175245964 » en double"
expect exercice 1 pes.exercice "$B/BlocBordereau/Exer" 27 "émis le 2017-02-14 pour l'exercice 2019"
# A parser error inside a start tag names the enclosing element; the line is the tag's.
expect control_char 1 pes.caractere "$B/Piece[1]/LigneDePiece[1]/Tiers[1]/InfoTiers" 84 "caractère interdit en XML"
expect doctype 1 pes.doctype "/" 1 "DOCTYPE refusée"
expect truncated_half 1 pes.tronque "/PES_Aller/PES_PJ/PJ[2]/Contenu/Fichier" 155 "fichier tronqué"
expect truncated_in_tag 1 pes.tronque "$B/BlocBordereau" 33 "fichier tronqué : il s'arrête avant la fin de $B/BlocBordereau"
expect not_xml_pdf 1 pes.non_xml "/" 1 "c'est un PDF"
expect not_xml_text 1 pes.non_xml "/" 1 "il ne commence pas par « < »"
expect empty 1 pes.vide "/" 0 "fichier vide"
expect wrong_root 1 pes.racine "/" 1 "« Facture » : ce n'est pas un message PES"
expect header_only 1 pes.vide "/PES_Aller" 0 "ni bordereau, ni PJ"
expect late_doctype 1 pes.doctype "/" 1 "DOCTYPE refusée"
# Escaped characters count once: "A &amp; B &lt;C&gt; &#233;" is 11 characters for a 38-long field.
"$OPALE" pes check "$C/ampersand.xml" >"$T_TMP/out" 2>&1
eq "ampersand: accepted" "$?" 0

# Declared UTF-8 (or nothing, hence UTF-8) over ISO-8859-1 bytes: two errors, the declaration and
# the first accented byte (line 9, in the Sigle tag of Emetteur).
for v in declared_utf8 no_declaration; do
	"$OPALE" pes check "$C/$v.xml" >"$T_TMP/out" 2>&1; rc=$?; out=$(cat "$T_TMP/out")
	eq "$v: exit 1" "$rc" 1
	eq "$v: two errors" "$(grep -c ': erreur \[' "$T_TMP/out")" 2
	has "$v: bytes refused where they are" "$out" "$v.xml:9: /PES_Aller/Enveloppe/Emetteur: erreur [pes.encodage] octets invalides pour l'encodage déclaré (0xE9 0x76"
done
has "declared_utf8: declaration refused" "$(cd "$C" && "$OPALE" pes check declared_utf8.xml)" "declared_utf8.xml:1: /: erreur [pes.encodage] encodage déclaré « UTF-8 » : un PES doit être encodé en ISO-8859-1"
has "no_declaration: declaration missing" "$(cd "$C" && "$OPALE" pes check no_declaration.xml)" "no_declaration.xml:1: /: erreur [pes.encodage] pas de déclaration d'encodage"

# A converter failure (ISO-8859-3 declared, a byte it lacks) is reported, not a crash (found by fuzzing).
"$OPALE" pes check "$C/converter_error.xml" >"$T_TMP/out" 2>&1; rc=$?; out=$(cat "$T_TMP/out")
eq "converter_error: exit 1, no crash" "$rc" 1
has "converter_error: declaration" "$out" "erreur [pes.encodage] encodage déclaré « ISO-8859-3 »"
has "converter_error: conversion" "$out" "erreur [pes.encodage] conversion impossible depuis l'encodage déclaré"

# A bordereau without Id cannot be signed: a warning, not a rejection.
"$OPALE" pes check "$C/missing_bordereau_id.xml" >"$T_TMP/out" 2>&1; rc=$?; out=$(cat "$T_TMP/out")
eq "missing_bordereau_id: exit 0" "$rc" 0
has "missing_bordereau_id: warning" "$out" "missing_bordereau_id.xml:25: $B: avertissement [pes.id_bordereau]"

# Tenant identifiers: the file must be the collectivité's own.
"$OPALE" pes check "$SRC" --idcoll 21780537300016 --codbud 01 --idpost 010001 >"$T_TMP/out" 2>&1; rc=$?; out=$(cat "$T_TMP/out")
eq "expected ids: exit 1" "$rc" 1
has "expected ids: IdColl" "$out" ":16: /PES_Aller/EnTetePES/IdColl: erreur [pes.idcoll] IdColl 75580064600099 : la collectivité est enregistrée sous le SIRET 21780537300016"
has "expected ids: CodBud" "$out" ":18: /PES_Aller/EnTetePES/CodBud: erreur [pes.codbud]"
eq "expected ids: IdPost matches" "$(grep -c 'pes.idpost' "$T_TMP/out")" 0
"$OPALE" pes check "$SRC" --exercice 2020 >"$T_TMP/out" 2>&1
has "expected exercice" "$(cat "$T_TMP/out")" "Exer: erreur [pes.exercice] bordereau de l'exercice 2019 alors que l'exercice attendu est 2020"

# Usage and unreadable file: exit 2, not 1.
"$OPALE" pes check "$T_TMP/nope.xml" >/dev/null 2>&1; eq "missing file: exit 2" "$?" 2
"$OPALE" pes check >/dev/null 2>&1; eq "no file: exit 2" "$?" 2
OPALE_PES_SCHEMAS=$T_TMP "$OPALE" pes check "$SRC" >"$T_TMP/out" 2>&1; rc=$?
eq "no schemas: exit 2" "$rc" 2
has "no schemas: said in French" "$(cat "$T_TMP/out")" "schémas PES introuvables"

t_done
