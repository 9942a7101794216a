#!/usr/bin/env bash
# Bad agent files are refused as a whole: each problem reported as « FICHIER:LIGNE: raison » in French,
# exit status 1, nothing written. Each case alters one line of the clean CCPO file.
. "$(dirname "$0")/../lib.sh"
GOOD=$TOP/tests/data/egalite/ccpo-2023.csv

# refuse NAME LINE EXPECTED-REASON — the altered file $T_TMP/NAME.csv is refused with that line and reason.
refuse() {
	local name=$1 line=$2 reason=$3 f=$T_TMP/$1.csv
	"$OPALE" egalite rapport --agents "$f" --date 2023-12-31 --out "$T_TMP/$name.json" 2>"$T_TMP/err" >"$T_TMP/stdout"
	local rc=$?
	eq "$name: exit status 1" "$rc" 1
	has "$name: line $line and reason" "$(cat "$T_TMP/err")" "$f:$line: $reason"
	has "$name: nothing imported" "$(tail -1 "$T_TMP/err")" "rien n'a été importé"
	[ ! -e "$T_TMP/$name.json" ] && [ ! -s "$T_TMP/stdout" ] && pass "$name: no output" || fail "$name: no output"
}
# alter NAME LINE SED-EXPRESSION — copy of the clean file with the sed expression applied to LINE only.
alter() {
	sed "$2s/$3" "$GOOD" >"$T_TMP/$1.csv"
	cmp -s "$GOOD" "$T_TMP/$1.csv" && fail "$1: the alteration applies to line $2"
}

ok "the clean file is accepted" "$OPALE" egalite rapport --agents "$GOOD" --date 2023-12-31

alter sexe 7 ";[FH];/;X;/"
refuse sexe 7 "sexe : valeur « X » inconnue (valeurs admises : F, H)"
alter statut 12 ";\(fonctionnaire\|contractuel_[a-z_]*\|apprenti\);/;titulaire;/"
refuse statut 12 "statut : valeur « titulaire » inconnue (valeurs admises : fonctionnaire, contractuel_permanent"
alter filiere 20 ";\(administrative\|animation\|culturelle\|medico-sociale\|technique\);/;sociale;/"
refuse filiere 20 "filiere : valeur « sociale » inconnue"
alter categorie 30 ";[ABC];\([a-z-]*\);\(oui\|non\)/;D;\1;\2/"
refuse categorie 30 "categorie : valeur « D » inconnue (valeurs admises : A, B, C, (vide))"
alter temps 40 ";\(complet\|partiel\|non_complet\);/;mi-temps;/"
refuse temps 40 "temps_travail : valeur « mi-temps » inconnue"
alter date 9 ";[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\};/;1985-02-30;/"
refuse date 9 "date_naissance « 1985-02-30 » impossible : ce jour n'existe pas"
alter month 10 ";[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\};/;1985-13-01;/"
refuse month 10 "date_naissance « 1985-13-01 » impossible : ce jour n'existe pas"
alter future 11 ";[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\};/;2024-01-15;/"
refuse future 11 "date_naissance « 2024-01-15 » impossible : postérieure à la date du diagnostic (2023-12-31)"
alter format 13 ";[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\};/;15\/01\/1985;/"
refuse format 13 "date_naissance « 15/01/1985 » illisible (format attendu AAAA-MM-JJ)"
alter child 14 ";[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\};/;2015-01-15;/"
refuse child 14 "date_naissance « 2015-01-15 » invraisemblable : 8 ans"
alter dup 50 "^CCPO[0-9]*;/CCPO0003;/"
refuse dup 50 "matricule « CCPO0003 » en double (déjà ligne 4)"
alter columns 60 ";[^;]*$//"
refuse columns 60 "11 champs au lieu de 12"
alter extra 61 "$/;en trop/"
refuse extra 61 "13 champs au lieu de 12"
alter money 62 ";[0-9][0-9 .,]*;\([0-9]*\);\([^;]*\)$/;12,345;\1;\2/"
refuse money 62 "remuneration_brute_annuelle « 12,345 » invalide"
alter mois 63 ";\([0-9]*\);\([^;]*\)$/;13;\2/"
refuse mois 63 "mois_remuneres « 13 » invalide (nombre de 0 à 12)"
alter quotite 64 ";complet;100;/;complet;80;/"
refuse quotite 64 "temps_travail « complet » avec une quotite de 80,00 % (attendu : 100)"
# Latin-1 « é » (0xE9) as a spreadsheet saving in Windows-1252 would write it
sed '70s/;\([^;]*\)$/;Ecole de musique \xe9t\xe9/' "$GOOD" >"$T_TMP/latin1.csv"
refuse latin1 70 "caractère non UTF-8 (octet 0xE9"
# several problems: all reported, sorted by line
sed -e '5s/;[FH];/;Z;/' -e '8s/^CCPO[0-9]*;/CCPO0001;/' "$GOOD" >"$T_TMP/many.csv"
"$OPALE" egalite rapport --agents "$T_TMP/many.csv" --date 2023-12-31 2>"$T_TMP/err" >/dev/null
eq "two problems, two lines plus the summary" "$(wc -l <"$T_TMP/err")" 3
has "summary counts them" "$(tail -1 "$T_TMP/err")" "fichier refusé : 2 problème(s)"
# header problems
sed '1s/;quotite;/;quotité;/' "$GOOD" >"$T_TMP/header.csv"
refuse header 1 "en-tête : colonne « quotité » inconnue"
tr ';' ',' <"$GOOD" >"$T_TMP/comma.csv"
refuse comma 1 "en-tête : le séparateur doit être « ; » et non « , »"
# establishment apart that nobody belongs to
"$OPALE" egalite rapport --agents "$GOOD" --date 2023-12-31 --a-part "Ecole de musique" 2>"$T_TMP/err" >/dev/null
has "unknown --a-part refused" "$(cat "$T_TMP/err")" "établissement « Ecole de musique » (--a-part) absent du fichier"
ko "impossible --date refused" "$OPALE" egalite rapport --agents "$GOOD" --date 2023-02-29
t_done
