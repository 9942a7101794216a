#!/usr/bin/env bash
# valgrind (memcheck) on the CLI paths: every command is run once on real inputs; any invalid read/write,
# Suppressions (hard/valgrind.supp): only library-lifetime caches of fontconfig/pango/glib.
# use of uninitialised memory or definite leak makes valgrind exit 99.
. "$(dirname "$0")/../tests/lib.sh"
cd "$T_TMP"
VG="valgrind -q --suppressions=$TOP/hard/valgrind.supp --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite"
vg() { # description, opale args… — passes when valgrind reports nothing (the command's own status is ignored
	# unless it crashed: bad inputs are meant to fail cleanly)
	local d=$1; shift
	$VG "$OPALE" "$@" >"$T_TMP/vg.out" 2>&1
	local rc=$?
	if [ $rc -eq 99 ] || [ $rc -ge 128 ]; then fail "valgrind: $d" "$(grep -m8 -E '==[0-9]+==' "$T_TMP/vg.out")"; else pass "valgrind: $d (exit $rc)"; fi
}
D=$T_TMP/data
vg "version" version
vg "help" help
vg "migrate" migrate --data "$D"
vg "demo" demo --data "$D"
vg "audit verify" audit verify --data "$D"
# Signature keys made at run time.
openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem -days 30 -subj "/CN=Valgrind Test/O=Opale" 2>/dev/null
openssl pkcs12 -export -inkey k.pem -in c.pem -out u.p12 -passout pass:pin1234 2>/dev/null
echo pin1234 >pin
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' >raw.pdf
qpdf raw.pdf doc.pdf 2>/dev/null || cp raw.pdf doc.pdf
vg "sign pades" sign pades --p12 u.p12 --password-file pin doc.pdf signed.pdf
vg "verify pades" verify signed.pdf
vg "sign cades" sign cades --p12 u.p12 --password-file pin doc.pdf doc.p7s
vg "verify cades" verify doc.pdf --detached doc.p7s
vg "sign xades" sign xades --p12 u.p12 --password-file pin doc.pdf doc.xades.xml
vg "verify tampered" verify raw.pdf
for f in "$TOP"/tests/data/helios/*.xml; do [ -e "$f" ] && vg "pes check $(basename "$f")" pes check "$f"; done 2>/dev/null
for f in "$TOP"/tests/data/actes/*.xml; do [ -e "$f" ] && vg "actes message $(basename "$f")" actes message "$f"; done 2>/dev/null
for f in "$TOP"/tests/data/egalite/*.csv; do [ -e "$f" ] && vg "egalite rapport $(basename "$f")" egalite rapport --agents "$f" --date 2024-12-31 --format json; done 2>/dev/null
vg "seance delai" seance delai --date 2025-03-20 --organe commune --population 2000
t_done
