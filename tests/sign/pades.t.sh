#!/usr/bin/env bash
# PAdES by incremental update, judged by poppler's pdfsig (« Signature is Valid », total document
# signed) and qpdf --check, on a corpus built at run time: cairo, Ghostscript, qpdf object streams,
# linearized, an existing AcroForm with indirect arrays, a rotated page, LibreOffice when installed.
# Three successive signatures keep the earlier ones valid; damaged/encrypted inputs are refused.
. "$(dirname "$0")/../lib.sh"
P=$T_TMP/pki
bash "$TOP/tests/sign/pki.sh" "$P" || { fail "test PKI generated"; t_done; exit; }
MKPDF=$TOP/${BUILD:-build/rel}/peers/mkpdf
cd "$T_TMP"
S() { "$OPALE" sign pades --p12 "$P/${1}.p12" --password-file "$P/pass.txt" "${@:2}"; }

# ---- corpus ----
"$MKPDF" cairo.pdf --pages 3 || fail "cairo PDF made"
gs -q -sDEVICE=pdfwrite -o gs.pdf -c "/Helvetica findfont 14 scalefont setfont 72 700 moveto (Deliberation) show showpage 72 700 moveto (page 2) show showpage" || fail "Ghostscript PDF made"
qpdf --object-streams=generate cairo.pdf objstm.pdf || fail "object-stream PDF made"
qpdf --object-streams=generate gs.pdf gs-objstm.pdf
qpdf --linearize cairo.pdf linear.pdf
qpdf --rotate=+90:1 cairo.pdf rotated.pdf
cat > form-raw.pdf <<'PDF'
%PDF-1.7
1 0 obj <</Type/Catalog/Pages 2 0 R/AcroForm 5 0 R>> endobj
2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj
3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Annots 7 0 R/Contents 4 0 R/Resources<</Font<</F1 8 0 R>>>>>> endobj
4 0 obj <</Length 53>> stream
BT /F1 12 Tf 72 720 Td (Formulaire #signature# ici) Tj ET
endstream endobj
5 0 obj <</Fields 6 0 R/DA(/Helv 0 Tf 0 g)>> endobj
6 0 obj [9 0 R] endobj
7 0 obj [9 0 R] endobj
8 0 obj <</Type/Font/Subtype/Type1/BaseFont/Helvetica>> endobj
9 0 obj <</Type/Annot/Subtype/Widget/FT/Tx/T(nom)/V(Dupont)/Rect[72 600 300 620]/P 3 0 R>> endobj
trailer <</Size 10/Root 1 0 R>>
%%EOF
PDF
qpdf form-raw.pdf form.pdf 2>/dev/null; [ -s form.pdf ] || fail "AcroForm PDF made"
CORPUS="cairo gs objstm gs-objstm linear rotated form"
if command -v libreoffice >/dev/null 2>&1; then
	printf 'Délibération du conseil municipal\n\nLe maire signe ici.\n' > lo.txt
	timeout 120 libreoffice --headless --convert-to pdf lo.txt >/dev/null 2>&1 && CORPUS="$CORPUS lo"
else
	echo "ok # SKIP LibreOffice PDF (libreoffice not installed)"
fi
eq "object streams really used in objstm.pdf" "$(qpdf --show-xref objstm.pdf | grep -c compressed | awk '{print ($1 > 0)}')" 1

pdfsig_check() {   # FILE N — N signatures, all valid, last one total
	local out; out=$(pdfsig "$1" 2>&1)
	[ "$(grep -c 'Signature is Valid' <<<"$out")" = "$2" ] || { echo "$out"; return 1; }
	[ "$(grep -c 'Signature Type: ETSI.CAdES.detached' <<<"$out")" = "$2" ] || { echo "$out"; return 1; }
	# the last signature covers the whole file
	[ "$(grep -E 'Total document signed|Not total document signed' <<<"$out" | tail -1)" = "  - Total document signed" ] || { echo "$out"; return 1; }
}

for f in $CORPUS; do
	ok "$f: 1st signature" S user --reason "Approbation" --location "Mâcon" "$f.pdf" "$f-1.pdf"
	ok "$f: original bytes untouched (prefix)" cmp -n "$(stat -c %s "$f.pdf")" "$f.pdf" "$f-1.pdf"
	ok "$f: 2nd signature (seal)" S seal "$f-1.pdf" "$f-2.pdf"
	ok "$f: 3rd signature (EC key)" S ecuser "$f-2.pdf" "$f-3.pdf"
	ok "$f: pdfsig: 1 signature valid, total" pdfsig_check "$f-1.pdf" 1
	ok "$f: pdfsig: after 3 signatures all 3 valid, last total" pdfsig_check "$f-3.pdf" 3
	ok "$f: qpdf --check finds no error" qpdf --check "$f-3.pdf"
	ok "$f: opale verify: 3 valid signatures" "$OPALE" verify "$f-3.pdf" --trust "$P/ca.pem"
	has "$f: opale verify counts 3" "$(cat "$T_TMP/out")" '"count":3'
done

# section kinds follow the file's last one
tail -c 2000 objstm-1.pdf | grep -q '/Type/XRef' && pass "xref-stream file gets an xref-stream update" || fail "xref-stream file gets an xref-stream update"
tail -c 2000 cairo-1.pdf | grep -q '^xref' && pass "classic-xref file gets a classic update" || fail "classic-xref file gets a classic update"
# follow KEY… from the trailer with qpdf: prints the object number of the last indirect value
ref_of() {
	local f=$1 obj=trailer; shift
	for k in "$@"; do
		obj=$(qpdf --show-object="$obj" "$f" | grep -o "/$k [0-9]* 0 R" | awk '{print $2}')
		[ -n "$obj" ] || return 1
	done
	echo "$obj"
}
FIELDS=$(ref_of form.pdf Root AcroForm Fields); ANNOTS=$(ref_of form.pdf Root Pages)
ANNOTS=$(qpdf --show-object="$ANNOTS" form.pdf | grep -o '/Kids \[ [0-9]*' | awk '{print $3}')
ANNOTS=$(qpdf --show-object="$ANNOTS" form.pdf | grep -o '/Annots [0-9]* 0 R' | awk '{print $2}')
eq "form.pdf has indirect /Fields and /Annots arrays" "$([ -n "$FIELDS" ] && [ -n "$ANNOTS" ] && echo yes)" yes
eq "indirect /Fields keeps its number after 3 signatures" "$(ref_of form-3.pdf Root AcroForm Fields)" "$FIELDS"
eq "indirect /Fields has 4 entries after 3 signatures" "$(qpdf --show-object="$FIELDS" form-3.pdf | grep -o ' R' | wc -l)" 4
eq "indirect /Annots has 4 entries after 3 signatures" "$(qpdf --show-object="$ANNOTS" form-3.pdf | grep -o ' R' | wc -l)" 4
has "the text field is still there" "$(qpdf --show-object="$FIELDS" form-3.pdf)" "$(qpdf --show-object="$FIELDS" form.pdf | tr -d '[]' | awk '{print $1" "$2" R"}')"
J=$("$OPALE" verify cairo-3.pdf)
has "JSON: PAdES format" "$J" '"format":"PAdES"'
has "JSON: reason in UTF-8" "$J" '"reason":"Approbation","location":"Mâcon"'
has "JSON: field names" "$J" '"field":"Signature3"'
has "JSON: earlier signature does not cover the whole file" "$J" '"covers_whole_document":false'
has "JSON: signing time from /M" "$J" '"signing_time_source":"pdf"'
# the CMS of the first /Contents of a file, as DER
cms_of() { python3 -c 'import re,sys; d=open(sys.argv[1],"rb").read(); m=re.search(rb"/Contents<([0-9a-f]+)>",d); sys.stdout.buffer.write(bytes.fromhex(m.group(1).decode()))' "$1"; }
cms_of cairo-1.pdf > c1.der
A=$(openssl cms -cmsout -print -inform DER -in c1.der 2>&1)
has "the CMS parses" "$A" "signedData"
has "ESS signing-certificate-v2 signed attribute" "$A" "signingCertificateV2"
case "$A" in *signingTime*) fail "no signing-time attribute (PAdES baseline)";; *) pass "no signing-time attribute (PAdES baseline)";; esac
# ---- tampering ----
cp cairo-3.pdf tampered.pdf
printf 'Z' | dd of=tampered.pdf bs=1 seek=300 conv=notrunc 2>/dev/null
ko "one byte changed: opale verify fails" "$OPALE" verify tampered.pdf
has "one byte changed: integrity false" "$(cat "$T_TMP/out")" '"integrity":false'
has "one byte changed: pdfsig reports a mismatch" "$(pdfsig tampered.pdf 2>&1)" "Digest Mismatch"
ko "unsigned PDF: opale verify exits non-zero" "$OPALE" verify cairo.pdf
has "unsigned PDF: signed false" "$(cat "$T_TMP/out")" '"signed":false'

# ---- refusals (precise French errors, no output file) ----
refuse() {   # NAME FILE EXPECTED-MESSAGE
	ko "$1 refused" S user "$2" "refused-$1.pdf"
	has "$1: message" "$(cat "$T_TMP/out")" "$3"
	[ -e "refused-$1.pdf" ] && fail "$1: no output file" || pass "$1: no output file"
}
qpdf --encrypt user owner 256 -- cairo.pdf enc.pdf
qpdf --encrypt "" owner 256 --print=none -- cairo.pdf enc-noprint.pdf
refuse encrypted enc.pdf "PDF chiffré ou protégé par mot de passe"
refuse encrypted-nopassword enc-noprint.pdf "PDF chiffré"
head -c 3000 cairo.pdf > trunc.pdf
refuse truncated trunc.pdf "PDF endommagé"
x=$(grep -a -m1 -n '^0000' cairo.pdf | head -1 >/dev/null; awk '/^xref/{f=1;next} f&&/ n/{print;exit}' cairo.pdf | tr -d '\r')
sed "0,/^${x%% *}/s//$(printf '%010d' $((10#${x%% *} + 3)))/" cairo.pdf > badxref.pdf
refuse bad-xref-offset badxref.pdf "n'est pas à l'adresse indiquée"
printf 'not a pdf' > notpdf.pdf
refuse not-pdf notpdf.pdf "n'est pas un PDF"
sed 's/startxref/startxreF/' cairo.pdf > nostartxref.pdf
refuse no-startxref nostartxref.pdf "startxref"
ko "expired certificate refused" S expired cairo.pdf exp.pdf
[ -e exp.pdf ] && fail "expired: no output file" || pass "expired: no output file"
t_done
