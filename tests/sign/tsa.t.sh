#!/usr/bin/env bash
# RFC 3161 time-stamps (B-T) against a local TSA (`openssl ts -reply` behind tests/peers/tsa_server.py):
# tokens checked by `openssl ts -verify` (file proofs, and the signature time-stamp extracted from a
# CAdES with an independent DER walker), PAdES/XAdES with tokens still valid for pdfsig/xmlsec1, our
# report (timestamp valid, time, TSA name), and the errors of an unreachable or failing TSA.
. "$(dirname "$0")/../lib.sh"
P=$T_TMP/pki
bash "$TOP/tests/sign/pki.sh" "$P" || { fail "test PKI generated"; t_done; exit; }
MKPDF=$TOP/${BUILD:-build/rel}/peers/mkpdf
cd "$T_TMP"
python3 "$TOP/tests/peers/tsa_server.py" "$P" > tsa.port 2>tsa.log &
T_PIDS="${T_PIDS:-} $!"
for _ in $(seq 1 50); do [ -s tsa.port ] && break; sleep 0.1; done
TSA=http://127.0.0.1:$(cat tsa.port)/
S() { local f=$1; shift; "$OPALE" sign "$f" --p12 "$P/${1}.p12" --password-file "$P/pass.txt" "${@:2}"; }
ts_verify() { openssl ts -verify -CAfile "$P/ca.pem" -untrusted "$P/tsa.pem" -token_in "$@"; }
printf 'Procès-verbal de la séance du 12 mars.\n' > pv.txt

ok "opale timestamp: token for a file" "$OPALE" timestamp --tsa "$TSA" pv.txt pv.tsr
ok "openssl ts -verify accepts the token over the file" ts_verify -data pv.txt -in pv.tsr
printf 'autre' > other.txt
ko "openssl ts -verify refuses it for another file" ts_verify -data other.txt -in pv.tsr

ok "CAdES B-T" S cades user --tsa "$TSA" pv.txt pv.p7s
ok "openssl cms -verify accepts the CAdES B-T" openssl cms -verify -binary -inform DER -in pv.p7s -content pv.txt -CAfile "$P/ca.pem" -out /dev/null
ok "token extracted from the unsigned attributes" python3 "$TOP/tests/sign/cms_split.py" pv.p7s sv.bin tok.der
ok "openssl ts -verify: the token covers the signature value" ts_verify -data sv.bin -in tok.der
ok "opale verify: CAdES B-T valid" "$OPALE" verify pv.txt --detached pv.p7s --trust "$P/ca.pem"
J=$(cat "$T_TMP/out")
has "JSON: timestamp valid" "$J" '"timestamp":{"valid":true'
has "JSON: timestamp time (today)" "$J" "\"time\":\"$(date -u +%Y-%m-%d)"
has "JSON: TSA name" "$J" '"tsa":"C=FR, O=Opale Test, CN=Opale Test TSA"'

"$MKPDF" doc.pdf --pages 2
ok "PAdES B-T" S pades user --tsa "$TSA" doc.pdf doc-1.pdf
ok "PAdES B-T then a second signature" S pades seal --tsa "$TSA" doc-1.pdf doc-2.pdf
eq "pdfsig: both valid" "$(pdfsig doc-2.pdf 2>&1 | grep -c 'Signature is Valid')" 2
ok "opale verify: PAdES B-T valid" "$OPALE" verify doc-2.pdf --trust "$P/ca.pem"
eq "JSON: two valid time-stamps" "$(grep -o '"timestamp":{"valid":true' "$T_TMP/out" | wc -l)" 2

ok "XAdES B-T" S xades user --tsa "$TSA" pv.txt pv.xml
ok "xmlsec1 --verify accepts the XAdES B-T" xmlsec1 --verify --trusted-pem "$P/ca.pem" --id-attr:Id "http://uri.etsi.org/01903/v1.3.2#:SignedProperties" pv.xml
has "SignatureTimeStamp present" "$(cat pv.xml)" "<xades:EncapsulatedTimeStamp>"
ok "opale verify: XAdES B-T valid" "$OPALE" verify pv.txt --detached pv.xml
has "JSON: XAdES timestamp valid" "$(cat "$T_TMP/out")" '"timestamp":{"valid":true'
# a token that covers something else: swap the tokens of two XAdES signatures
S xades user --tsa "$TSA" other.txt other.xml
python3 - pv.xml other.xml swapped.xml <<'PY'
import re, sys
a, b = open(sys.argv[1]).read(), open(sys.argv[2]).read()
tok = re.search(r"<xades:EncapsulatedTimeStamp>(.*?)</xades:EncapsulatedTimeStamp>", b, re.S).group(1)
open(sys.argv[3], "w").write(re.sub(r"(<xades:EncapsulatedTimeStamp>).*?(</xades:EncapsulatedTimeStamp>)", lambda m: m.group(1) + tok + m.group(2), a, flags=re.S))
PY
ko "opale verify: a token over another signature fails" "$OPALE" verify pv.txt --detached swapped.xml
has "JSON: timestamp invalid" "$(cat "$T_TMP/out")" '"timestamp":{"valid":false'

DEAD=http://127.0.0.1:$(free_port)/
ko "unreachable TSA refused" S cades user --tsa "$DEAD" pv.txt dead.p7s
has "unreachable: French message" "$(cat "$T_TMP/out")" "Serveur d'horodatage injoignable"
[ -e dead.p7s ] && fail "unreachable: no output file" || pass "unreachable: no output file"
ko "TSA answering HTTP 500 refused" S pades user --tsa "${TSA}fail" doc.pdf fail.pdf
has "HTTP 500: message" "$(cat "$T_TMP/out")" "a répondu HTTP 500"
[ -e fail.pdf ] && fail "HTTP 500: no output file" || pass "HTTP 500: no output file"
ko "TSA answering garbage refused" S cades user --tsa "${TSA}garbage" pv.txt g.p7s
has "garbage: message" "$(cat "$T_TMP/out")" "Réponse du serveur d'horodatage illisible"
ko "PES with --tsa refused" S pes user --tsa "$TSA" --policy-digest "$(head -c 32 /dev/zero | base64)" "$SHARED/specs/pes/samples/pastell/PES_ex.xml" p.xml
has "PES --tsa: message" "$(cat "$T_TMP/out")" "horodatage n'est pas proposé"
t_done
