#!/usr/bin/env bash
# CAdES detached: signatures accepted by `openssl cms -verify`, JSON report of `opale verify`,
# and the refusals (tampered file, wrong PIN, expired certificate, unknown CA, unsigned file).
. "$(dirname "$0")/../lib.sh"
P=$T_TMP/pki
bash "$TOP/tests/sign/pki.sh" "$P" || { fail "test PKI generated"; t_done; exit; }
cd "$T_TMP"
printf 'Délibération n° 2024-001 : approbation du budget.\n' > doc.txt
head -c 300000 /dev/urandom > doc.bin
S() { "$OPALE" sign cades --p12 "$P/${1}.p12" --password-file "$P/pass.txt" "${@:2}"; }

ok "sign cades (DER)" S user doc.txt doc.p7s
ok "openssl cms -verify accepts the DER .p7s" openssl cms -verify -binary -inform DER -in doc.p7s -content doc.txt -CAfile "$P/ca.pem" -out /dev/null
ok "sign cades --pem" S user --pem doc.bin doc.bin.p7s
ok "openssl cms -verify accepts the PEM .p7s" openssl cms -verify -binary -inform PEM -in doc.bin.p7s -content doc.bin -CAfile "$P/ca.pem" -out /dev/null
ok "openssl smime -verify (i-Parapheur's check) accepts it" openssl smime -verify -binary -inform PEM -in doc.bin.p7s -content doc.bin -CAfile "$P/ca.pem" -out /dev/null
has "PEM armour" "$(head -1 doc.bin.p7s)" "-----BEGIN PKCS7-----"
attrs=$(openssl cms -cmsout -print -inform DER -in doc.p7s)
has "signed attribute signing-certificate-v2" "$attrs" "id-smime-aa-signingCertificateV2"
has "signed attribute signing-time" "$attrs" "signingTime"
has "signed attribute message-digest" "$attrs" "messageDigest"
ok "sign cades with an EC P-256 key" S ecuser doc.txt ec.p7s
ok "openssl accepts the ECDSA signature" openssl cms -verify -binary -inform DER -in ec.p7s -content doc.txt -CAfile "$P/ca.pem" -out /dev/null

ok "opale verify: valid signature exits 0" "$OPALE" verify doc.txt --detached doc.p7s --trust "$P/ca.pem"
J=$(cat "$T_TMP/out")
has "JSON: signed" "$J" '"signed":true'
has "JSON: valid" "$J" '"valid":true'
has "JSON: format" "$J" '"format":"CAdES"'
has "JSON: signer subject in UTF-8" "$J" 'CN=Jeanne Dupont-Érard'
has "JSON: issuer" "$J" '"issuer":"C=FR, O=Opale Test, CN=Opale Test CA"'
has "JSON: digest algorithm" "$J" '"digest_algorithm":"SHA256"'
has "JSON: chain trusted" "$J" '"chain":"trusted"'
has "JSON: signing time" "$J" "\"signing_time\":\"$(date -u +%Y-%m-%d)"
has "JSON: certificate valid at signing time" "$J" '"certificate_valid_at_signing_time":true'
ok "opale verify: PEM signature too" "$OPALE" verify doc.bin --detached doc.bin.p7s
has "JSON: chain not checked without --trust" "$(cat "$T_TMP/out")" '"chain":"not-checked"'

cp doc.txt tampered.txt; printf 'X' | dd of=tampered.txt bs=1 seek=5 conv=notrunc 2>/dev/null
ko "opale verify: one byte changed in the document fails" "$OPALE" verify tampered.txt --detached doc.p7s
J=$(cat "$T_TMP/out")
has "JSON: integrity false" "$J" '"integrity":false'
has "JSON: French reason" "$J" "le contenu signé a été modifié"
ko "openssl cms -verify agrees (tampered)" openssl cms -verify -binary -inform DER -in doc.p7s -content tampered.txt -CAfile "$P/ca.pem" -out /dev/null
# one byte of the signature value (the last bytes of the DER are the RSA value)
cp doc.p7s bad.p7s; sz=$(stat -c %s bad.p7s); printf '\x00' | dd of=bad.p7s bs=1 seek=$((sz - 10)) conv=notrunc 2>/dev/null
ko "opale verify: one byte of the signature value changed fails" "$OPALE" verify doc.txt --detached bad.p7s
has "JSON: signature value error" "$(cat "$T_TMP/out")" "valeur de signature"
ko "opale verify: unknown CA fails with --trust" "$OPALE" verify doc.txt --detached doc.p7s --trust "$P/other-ca.pem"
has "JSON: chain untrusted" "$(cat "$T_TMP/out")" '"chain":"untrusted"'
ko "opale verify: unsigned text file exits non-zero" "$OPALE" verify doc.txt
has "JSON: not signed" "$(cat "$T_TMP/out")" '"signed":false'
printf 'garbage' > junk.p7s
ko "opale verify: garbage signature fails" "$OPALE" verify doc.txt --detached junk.p7s
has "JSON: unreadable CMS" "$(cat "$T_TMP/out")" "Signature CMS illisible"

printf 'mauvais\n' > wrong.txt
ko "wrong PIN refused" "$OPALE" sign cades --p12 "$P/user.p12" --password-file wrong.txt doc.txt w.p7s
has "wrong PIN: French message" "$(cat "$T_TMP/out")" "Mot de passe (code PIN) du certificat incorrect"
[ -e w.p7s ] && fail "wrong PIN: no output file" || pass "wrong PIN: no output file"
ko "expired certificate refused" S expired doc.txt x.p7s
has "expired: French message with the date" "$(cat "$T_TMP/out")" "Le certificat de signature a expiré le 20"
[ -e x.p7s ] && fail "expired: no output file" || pass "expired: no output file"
ko "missing PKCS#12 refused" "$OPALE" sign cades --p12 nope.p12 --password-file "$P/pass.txt" doc.txt n.p7s
has "missing PKCS#12: message" "$(cat "$T_TMP/out")" "introuvable"
ko "not a PKCS#12 refused" "$OPALE" sign cades --p12 doc.txt --password-file "$P/pass.txt" doc.txt n.p7s
has "not a PKCS#12: message" "$(cat "$T_TMP/out")" "pas un PKCS#12"
ko "unknown format refused" "$OPALE" sign foo --p12 "$P/user.p12" --password-file "$P/pass.txt" doc.txt n.p7s

# benchmark mode (bench/P1-sign.sh): 6 signatures over 2 threads sharing one key, the last written
ok "--repeat 6 --threads 2 signs" S user --repeat 6 --threads 2 doc.txt rep.p7s
has "--repeat: timing line" "$(cat "$T_TMP/out")" "6 signatures en"
ok "--repeat: output verifies (openssl cms)" openssl cms -verify -binary -inform DER -in rep.p7s -content doc.txt -CAfile "$P/ca.pem" -out /dev/null
ko "--threads above --repeat refused" S user --repeat 1 --threads 2 doc.txt rep2.p7s
t_done
