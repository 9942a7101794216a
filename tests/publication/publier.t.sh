#!/usr/bin/env bash
# The published copy (opale publication copie = what the server does on « Publier »): on a signed PDF
# the mention is an incremental update — the signed bytes stay an exact prefix and pdfsig still
# validates the signature; pdftotext reads the mention. Pseudonymisation: a NEW PDF whose pages are
# images — pdftotext of the copy no longer holds the hidden words (the original still does), the
# words' boxes (pdftotext -bbox on the original) and the zones are black in the rendering, the text
# around them is not; a word not found is an error; a zone outside the document is refused.
. "$(dirname "$0")/../lib.sh"
P=$T_TMP/pki
bash "$TOP/tests/sign/pki.sh" "$P" || { fail "test PKI generated"; t_done; exit; }
MKPDF=$TOP/${BUILD:-build/rel}/peers/mkpdf
cd "$T_TMP"
M1="Publié le 29/11/2026 par Marie Durand, présidente"
M2="Certifié exécutoire le 02/12/2026"
"$MKPDF" acte.pdf --pages 2 --tag 'Monsieur Jean Personne' --tag-page 1 --tag-x 100 --tag-y 300
ok "the act is signed (PAdES)" "$OPALE" sign pades --p12 "$P/user.p12" --password-file "$P/pass.txt" acte.pdf signe.pdf
eq "pdfsig: the signed act is valid" "$(pdfsig signe.pdf 2>&1 | grep -c 'Signature is Valid')" 1

ok "published copy of the signed act" "$OPALE" publication copie signe.pdf publie.pdf --mention "$M1" --mention "$M2"
eq "pdfsig: the signature is still valid on the published copy" "$(pdfsig publie.pdf 2>&1 | grep -c 'Signature is Valid')" 1
eq "the signed bytes are an exact prefix of the copy (incremental update)" \
	"$(cmp -n "$(stat -c %s signe.pdf)" signe.pdf publie.pdf && echo same)" same
ok "qpdf --check accepts the copy" qpdf --check publie.pdf
T=$(pdftotext publie.pdf -)
has "pdftotext: the mention « Publié le … par … »" "$T" "$M1"
has "pdftotext: « Certifié exécutoire le … »" "$T" "$M2"
has "the text of the act is still there (no redaction asked)" "$T" "Jean Personne"

ok "redacted copy" "$OPALE" publication copie signe.pdf red.pdf --mention "$M1" --masquer "jean personne" --zone 2,60,100,200,50
has "one place found and hidden" "$(cat "$T_TMP/out")" "« jean personne » : 1 zone masquée"
R=$(pdftotext red.pdf -)
case "$R" in *Personne*|*Jean*) fail "pdftotext of the redacted copy: the words are gone" "$R";; *) pass "pdftotext of the redacted copy: the words are gone";; esac
case "$R" in *"conseil municipal"*) fail "no text layer at all in the redacted copy (pages are images)";; *) pass "no text layer at all in the redacted copy (pages are images)";; esac
has "but the mention is text" "$R" "$M1"
has "the original still holds the words" "$(pdftotext signe.pdf -)" "Jean Personne"
eq "the redacted copy is a new document (no signature carried over)" "$(pdfsig red.pdf 2>&1 | grep -c 'Signature is Valid')" 0
ok "qpdf --check accepts the redacted copy" qpdf --check red.pdf
# the rendering: mean grey level (0 black … 255 white) inside boxes at 72 dpi (1 px = 1 pt)
pdftoppm -r 72 -gray red.pdf red >/dev/null 2>&1
pdftotext -bbox -f 1 -l 1 acte.pdf bbox.html
mean() { python3 - "$@" <<'PY'
import sys
f, x0, y0, x1, y1 = sys.argv[1], *map(float, sys.argv[2:6])
d = open(f, "rb").read()
# binary PGM: P5\nW H\n255\n
parts = d.split(b"\n", 3)
w, h = map(int, parts[1].split()); px = parts[3]
s = n = 0
for y in range(int(y0) + 1, int(y1)):
    for x in range(int(x0) + 1, int(x1)):
        s += px[y * w + x]; n += 1
print(int(s / max(n, 1)))
PY
}
box() { grep -o "<word xMin=\"[0-9.]*\" yMin=\"[0-9.]*\" xMax=\"[0-9.]*\" yMax=\"[0-9.]*\">$1</word>" bbox.html | head -1 | grep -o '[0-9.]*"' | tr -d '"' | tr '\n' ' '; }
P1=$(ls red-*1.pgm | head -1); P2=$(ls red-*2.pgm | head -1)
read -r a b c d <<<"$(box Personne)"
[ -n "${d:-}" ] || fail "bbox of « Personne » in the original"
ok "« Personne » is black in the redacted rendering" test "$(mean "$P1" "$a" "$b" "$c" "$d")" -lt 30
read -r a b c d <<<"$(box Jean)"
ok "« Jean » is black too" test "$(mean "$P1" "$a" "$b" "$c" "$d")" -lt 30
read -r a b c d <<<"$(box Monsieur)"
ok "« Monsieur » (not hidden) is not a black box" test "$(mean "$P1" "$a" "$b" "$c" "$d")" -gt 120
ok "the zone of page 2 is black" test "$(mean "$P2" 60 100 260 150)" -lt 10
ok "outside it, page 2 is mostly white" test "$(mean "$P2" 300 400 500 600)" -gt 240

ko "a word that is not in the document: error" "$OPALE" publication copie acte.pdf x.pdf --mention "$M1" --masquer "Dupont"
has "named with its count" "$(cat "$T_TMP/out")" "« Dupont » : 0 zone masquée"
ko "a zone on a page that does not exist: refused" "$OPALE" publication copie acte.pdf x.pdf --mention "$M1" --zone 3,0,0,10,10
has "with the reason" "$(cat "$T_TMP/out")" "le document en a 2"
printf 'pas un PDF' > faux.pdf
ko "not a PDF: refused" "$OPALE" publication copie faux.pdf x.pdf --mention "$M1" --masquer x
t_done
