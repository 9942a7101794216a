#!/usr/bin/env bash
# Visible PAdES stamp: placed at a text tag found in the page (cairo Type0 fonts with ToUnicode,
# Ghostscript, a hand-written Type1 page) or at --page/--x/--y (negative page from the end, rotated
# page); its text (name, role, collectivité, « En l'absence de », Paris date and time) read back with
# pdftotext, accents included; pdfsig still validates every signature.
. "$(dirname "$0")/../lib.sh"
P=$T_TMP/pki
bash "$TOP/tests/sign/pki.sh" "$P" || { fail "test PKI generated"; t_done; exit; }
MKPDF=$TOP/${BUILD:-build/rel}/peers/mkpdf
cd "$T_TMP"
S() { "$OPALE" sign pades --p12 "$P/${1}.p12" --password-file "$P/pass.txt" "${@:2}"; }
rect() { grep -ao '/Rect\[[^]]*\]' "$1" | tail -1 | tr -d '/Rect[]'; }
near() { awk -v a="$2" -v b="$3" -v d="$4" 'BEGIN { exit !((a - b) <= d && (b - a) <= d) }' && pass "$1" || fail "$1" "got $2, expected $3 ± $4"; }
valid() { [ "$(pdfsig "$1" 2>&1 | grep -c 'Signature is Valid')" = "$2" ]; }

T=$(( $(date +%s) - 3600 ))
PARIS=$(TZ=Europe/Paris date -d "@$T" '+Le %d/%m/%Y à %H:%M:%S')

# --- tag in a cairo PDF (pango, Type0 fonts, ToUnicode), page 2 of 3; the tag's top-left is at
# (350, 600) from the top-left in cairo space, i.e. x = 350, top = 841.89 - 600 = 241.89
"$MKPDF" tag.pdf --pages 3 --tag '#signature#' --tag-page 2 --tag-x 350 --tag-y 600
ok "sign at the #signature# tag" S user --tag '#signature#' --role "Maire" --collectivite "Commune de Saint-Étienne-du-Rouvray" \
	--absent-for "Zoé Lefèvre" --signing-time "$T" tag.pdf tag-1.pdf
ok "pdfsig: valid" valid tag-1.pdf 1
read -r x1 y1 x2 y2 <<<"$(rect tag-1.pdf)"
near "stamp left edge at the tag's x" "$x1" 350 1
near "stamp top edge at the tag's top" "$y2" 241.9 3
near "stamp width 220 pt" "$(awk -v a="$x1" -v b="$x2" 'BEGIN{print b-a}')" 220 0.1
T2=$(pdftotext -f 2 -l 2 tag-1.pdf -)
has "stamp on page 2: heading" "$T2" "Signé électroniquement par"
has "stamp: signer name with accent" "$T2" "Jeanne Dupont-Érard"
has "stamp: role" "$T2" "Maire"
has "stamp: collectivité with accents" "$T2" "Commune de Saint-Étienne-du-Rouvray"
has "stamp: « En l'absence de »" "$T2" "En l'absence de Zoé Lefèvre"
has "stamp: Paris date and time (tz database)" "$T2" "$PARIS (heure de Paris)"
case "$(pdftotext -f 1 -l 1 tag-1.pdf -)$(pdftotext -f 3 -l 3 tag-1.pdf -)" in
*"Signé électroniquement"*) fail "no stamp on pages 1 and 3";; *) pass "no stamp on pages 1 and 3";; esac
ok "second signature at a position, last page (--page -1)" S seal --page -1 --x 40 --y 50 tag-1.pdf tag-2.pdf
ok "pdfsig: both valid" valid tag-2.pdf 2
eq "stamp rectangle at --x/--y" "$(rect tag-2.pdf | awk '{printf "%.0f %.0f", $1, $2}')" "40 50"
has "second stamp on page 3" "$(pdftotext -f 3 -l 3 tag-2.pdf -)" "Commune de Test"
ok "third signature, invisible" S ecuser tag-2.pdf tag-3.pdf
ok "pdfsig: three valid" valid tag-3.pdf 3
eq "invisible widget has an empty rectangle" "$(rect tag-3.pdf)" "0.00 0.00 0.00 0.00"

# --- rotated page (90°): the stamp is given in displayed coordinates and drawn upright
qpdf --rotate=+90:1 tag.pdf rot.pdf
ok "sign a rotated page at --page 1" S user --page 1 --x 40 --y 40 --signing-time "$T" rot.pdf rot-1.pdf
ok "pdfsig: rotated valid" valid rot-1.pdf 1
read -r x1 y1 x2 y2 <<<"$(rect rot-1.pdf)"
near "rotated: unrotated x2 = width - 40" "$x2" 555.28 0.1
near "rotated: unrotated y1 = 40" "$y1" 40 0.1
near "rotated: unrotated y2 = 40 + stamp width" "$y2" 260 0.1
has "rotated: form matrix turns the stamp" "$(grep -ao '/Matrix\[[^]]*\]' rot-1.pdf | tail -1)" "/Matrix[0 1 -1 0"

# --- Ghostscript (embedded Type1 subset) and a hand-written page (standard Helvetica, no widths)
gs -q -sDEVICE=pdfwrite -o gs.pdf -c "/Helvetica findfont 12 scalefont setfont 100 300 moveto (#cachet#) show showpage"
ok "tag in a Ghostscript PDF (#cachet#)" S seal --tag '#cachet#' gs.pdf gs-1.pdf
ok "pdfsig: gs valid" valid gs-1.pdf 1
read -r x1 y1 x2 y2 <<<"$(rect gs-1.pdf)"
near "gs: stamp at the tag's x" "$x1" 100 1
near "gs: stamp top at baseline + font size" "$y2" 312 1
qpdf --object-streams=generate gs.pdf gs-os.pdf
ok "tag in an object-stream PDF" S seal --tag '#cachet#' gs-os.pdf gs-os-1.pdf
ok "pdfsig: object-stream + stamp valid" valid gs-os-1.pdf 1
printf '%%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>> endobj\n4 0 obj <</Length 62>> stream\nBT /F1 12 Tf 1 0 0 1 72 500 Tm (Signature : ) Tj (#signature#) Tj ET\nendstream endobj\n5 0 obj <</Type/Font/Subtype/Type1/BaseFont/Helvetica>> endobj\ntrailer <</Size 6/Root 1 0 R>>\n%%%%EOF\n' > raw.pdf
qpdf raw.pdf hand.pdf 2>/dev/null
ok "tag after other text in a hand-written PDF" S user --tag '#signature#' hand.pdf hand-1.pdf
ok "pdfsig: hand-written valid" valid hand-1.pdf 1
near "hand: tag x after « Signature : » (default widths)" "$(rect hand-1.pdf | awk '{print $1}')" 144 0.5

# --- refusals
ko "unknown tag refused" S user --tag '#paraphe#' tag.pdf nope.pdf
has "unknown tag: French message" "$(cat "$T_TMP/out")" "Balise « #paraphe# » introuvable"
[ -e nope.pdf ] && fail "unknown tag: no output file" || pass "unknown tag: no output file"
ko "page out of range refused" S user --page 9 tag.pdf nope.pdf
has "page out of range: message" "$(cat "$T_TMP/out")" "Page 9 inexistante : le document a 3 page(s)"
ko "page -4 of 3 refused" S user --page -4 tag.pdf nope.pdf
ko "--x without --page refused" S user --x 10 tag.pdf nope.pdf
[ -e nope.pdf ] && fail "no output file after refusals" || pass "no output file after refusals"
t_done
