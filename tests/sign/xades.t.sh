#!/usr/bin/env bash
# XAdES detached and PES enveloped (Hélios) signatures: `xmlsec1 --verify` accepts each one, signed PES
# files still validate against the PES XSD (v5.17), the policy digest is the SHA-256 of the policy
# document given, our verifier agrees (and reads a real signed PES from Pastell), tampering fails,
# PES without Id and other refusals give precise errors and no output file.
. "$(dirname "$0")/../lib.sh"
P=$T_TMP/pki
bash "$TOP/tests/sign/pki.sh" "$P" || { fail "test PKI generated"; t_done; exit; }
XSD=$SHARED/specs/pes/v5.17/PES_V2/Rev0/PES_Aller.xsd
SAMPLES=$SHARED/specs/pes/samples
cd "$T_TMP"
S() { local f=$1; shift; "$OPALE" sign "$f" --p12 "$P/${1}.p12" --password-file "$P/pass.txt" "${@:2}"; }
XS_PES=(--id-attr:Id Bordereau --id-attr:Id PES_Aller --id-attr:Id "http://uri.etsi.org/01903/v1.1.1#:SignedProperties"
	--id-attr:Id "http://www.w3.org/2000/09/xmldsig#:Signature")
xs_pes() { xmlsec1 --verify --trusted-pem "$P/ca.pem" "${XS_PES[@]}" "$@"; }
xsd_ok() { xmllint --noout --schema "$XSD" "$1"; }

# ---- XAdES detached ----
printf 'Convention de partenariat — version signée.\n' > convention.txt
ok "sign xades (detached)" S xades user --role "Maire" --location "Mâcon" --postal-code 71000 convention.txt convention.xml
ok "xmlsec1 --verify accepts the XAdES" xmlsec1 --verify --trusted-pem "$P/ca.pem" --id-attr:Id "http://uri.etsi.org/01903/v1.3.2#:SignedProperties" convention.xml
X=$(cat convention.xml)
has "XAdES 1.3.2 namespace" "$X" 'xmlns:xades="http://uri.etsi.org/01903/v1.3.2#"'
has "exclusive C14N" "$X" 'CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"'
has "RSA-SHA256" "$X" 'SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"'
has "SigningCertificateV2 with SHA-512" "$X" '<xades:SigningCertificateV2><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha512"/>'
has "IssuerSerialV2" "$X" "<xades:IssuerSerialV2>"
has "SignatureProductionPlaceV2" "$X" "<xades:City>Mâcon</xades:City><xades:PostalCode>71000</xades:PostalCode><xades:CountryName>France</xades:CountryName>"
has "SignerRoleV2 claimed role" "$X" "<xades:SignerRoleV2><xades:ClaimedRoles><xades:ClaimedRole>Maire</xades:ClaimedRole>"
has "DataObjectFormat MimeType" "$X" "<xades:MimeType>application/octet-stream</xades:MimeType>"
has "reference to the file by name" "$X" 'URI="convention.txt"'
ok "opale verify --detached: valid" "$OPALE" verify convention.txt --detached convention.xml --trust "$P/ca.pem"
J=$(cat "$T_TMP/out")
has "JSON: XAdES" "$J" '"format":"XAdES"'
has "JSON: signing time from XAdES" "$J" '"signing_time_source":"xades"'
has "JSON: claimed role" "$J" '"claimed_role":"Maire"'
cp convention.txt conv-t.txt; printf 'X' | dd of=conv-t.txt bs=1 seek=3 conv=notrunc 2>/dev/null
ko "opale verify: tampered document fails" "$OPALE" verify conv-t.txt --detached convention.xml
has "JSON: French reason" "$(cat "$T_TMP/out")" "empreinte différente"
mkdir t && cp convention.xml t/ && cp conv-t.txt t/convention.txt
ko "xmlsec1 agrees (tampered)" bash -c "cd t && xmlsec1 --verify --trusted-pem '$P/ca.pem' --id-attr:Id 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties' convention.xml"
sed 's/<xades:ClaimedRole>Maire</<xades:ClaimedRole>Préfet</' convention.xml > conv-role.xml
ko "opale verify: changed signed property fails" "$OPALE" verify convention.txt --detached conv-role.xml
ok "sign xades with an EC key" S xades ecuser convention.txt conv-ec.xml
ok "xmlsec1 accepts the ECDSA XAdES" xmlsec1 --verify --trusted-pem "$P/ca.pem" --id-attr:Id "http://uri.etsi.org/01903/v1.3.2#:SignedProperties" conv-ec.xml
ok "opale verify: ECDSA XAdES valid" "$OPALE" verify convention.txt --detached conv-ec.xml
printf 'accents' > "délibération n°1.txt"
ok "sign a file whose name has accents and spaces" S xades user "délibération n°1.txt" accents.xml
has "URI escaped" "$(cat accents.xml)" 'URI="d%C3%A9lib%C3%A9ration%20n%C2%B01.txt"'
ok "opale verify accepts it" "$OPALE" verify "délibération n°1.txt" --detached accents.xml

# ---- PES (Hélios) ----
head -c 4096 /dev/urandom > politique.pdf   # stands for the official DGFiP policy document
PD=$(openssl dgst -sha256 -binary politique.pdf | base64)
SP() { S pes "$1" --policy-file politique.pdf "${@:2}"; }
ok "sign PES (one bordereau)" SP user --location "Mâcon" --postal-code 71000 "$SAMPLES/pastell/PES_ex.xml" pes1.xml
ok "signed PES validates against PES_Aller.xsd v5.17" xsd_ok pes1.xml
ok "xmlsec1 --verify accepts the PES signature" xs_pes pes1.xml
X=$(cat pes1.xml)
has "signature is the last child of the Bordereau" "$(tr -d '\n' < pes1.xml | grep -o '</ds:Signature></Bordereau>')" "</ds:Signature></Bordereau>"
has "Reference to the bordereau Id" "$X" '<ds:Reference URI="#SICOVAL120150924160835111"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
has "DGFiP policy OID" "$X" "<xad:Identifier>urn:oid:1.2.250.1.131.1.5.18.21.1.7</xad:Identifier>"
has "policy digest = SHA-256 of the policy document" "$X" "<xad:DigestValue>$PD</xad:DigestValue></xad:SigPolicyHash>"
has "production place" "$X" "<xad:City>M"
has "country France" "$X" "<xad:CountryName>France</xad:CountryName>"
has "claimed role defaults to Ordonnateur" "$X" "<xad:ClaimedRole>Ordonnateur</xad:ClaimedRole>"
has "encoding kept (ISO-8859-1)" "$(head -1 pes1.xml)" 'encoding="ISO-8859-1"'
ok "opale verify: PES valid" "$OPALE" verify pes1.xml --trust "$P/ca.pem"
J=$(cat "$T_TMP/out")
has "JSON: PES format" "$J" '"format":"PES"'
has "JSON: city decoded from ISO-8859-1" "$J" '"city":"Mâcon"'
has "JSON: policy digest" "$J" "\"policy_digest\":\"$PD\""

"$OPALE" pes gen multi.xml --mb 1 >/dev/null
eq "generated PES has 2 bordereaux with Id" "$(grep -c '<Bordereau Id=' multi.xml)" 2
ok "sign PES with 2 bordereaux" SP user --role "Maire" multi.xml multi-s.xml
eq "two signatures" "$(grep -o '<ds:Signature ' multi-s.xml | wc -l)" 2
ok "xmlsec1: signature of bordereau 1" xs_pes --node-id BORD1_SIG_1 multi-s.xml
ok "xmlsec1: signature of bordereau 2" xs_pes --node-id BORD2_SIG_1 multi-s.xml
ok "multi-bordereau signed PES validates against the XSD" xsd_ok multi-s.xml
ok "opale verify: both valid" "$OPALE" verify multi-s.xml
has "JSON: count 2" "$(cat "$T_TMP/out")" '"count":2'
# tamper an amount inside bordereau 2 only
python3 - multi-s.xml multi-t.xml <<'PY'
import sys, re
d = open(sys.argv[1], 'rb').read()
i = d.index(b'Id="BORD2"')
m = re.compile(rb'<MtHT V="([0-9.]+)"').search(d, i)
d = d[:m.start(1)] + b'999' + d[m.end(1):]
open(sys.argv[2], 'wb').write(d)
PY
ko "opale verify: tampered bordereau 2 fails" "$OPALE" verify multi-t.xml
J=$(cat "$T_TMP/out")
has "JSON: first signature still valid" "$J" '"signed_id":"BORD1"'
eq "JSON: exactly one invalid signature" "$(grep -o '"integrity":false' <<<"$J" | wc -l)" 1
ok "xmlsec1: bordereau 1 still verifies" xs_pes --node-id BORD1_SIG_1 multi-t.xml
ko "xmlsec1: bordereau 2 fails" xs_pes --node-id BORD2_SIG_1 multi-t.xml
ok "sign PES with an EC key" SP ecuser "$SAMPLES/pastell/PES_ex.xml" pes-ec.xml
ok "xmlsec1 accepts the ECDSA PES" xs_pes pes-ec.xml
ok "real PES signed by Pastell/Libersign (RSA-SHA1, policy 1.4) verifies" "$OPALE" verify "$SAMPLES/pastell/PESALR2_49101169800000_171227_2045.xml"
has "JSON: its integrity" "$(cat "$T_TMP/out")" '"integrity":true,"signing_certificate_ok":true'

# PES_Aller without bordereau: signed on the root when it has an Id
printf '<?xml version="1.0" encoding="ISO-8859-1"?>\n<PES_Aller Id="PESR1"><EnTetePES><LibelleColBud V="Régie"/></EnTetePES></PES_Aller>\n' > root.xml
ok "PES without bordereau signed on PES_Aller" SP user root.xml root-s.xml
has "Reference to the root Id" "$(cat root-s.xml)" '<ds:Reference URI="#PESR1">'
ok "xmlsec1 accepts the root signature" xs_pes root-s.xml
ok "opale verify: covers the whole document" "$OPALE" verify root-s.xml
has "JSON: whole document" "$(cat "$T_TMP/out")" '"covers_whole_document":true'

# ---- refusals ----
refuse() {   # NAME EXPECTED-MESSAGE command…
	local name=$1 msg=$2; shift 2
	rm -f refused.xml
	ko "$name refused" "$@"
	has "$name: message" "$(cat "$T_TMP/out")" "$msg"
	[ -e refused.xml ] && fail "$name: no output file" || pass "$name: no output file"
}
sed 's/<Bordereau Id="[^"]*"/<Bordereau/' "$SAMPLES/pastell/PES_ex.xml" > noid.xml
refuse "PES bordereau without Id" "Le bordereau n° 1 du fichier (NumBord" SP user noid.xml refused.xml
has "PES without Id: names the attribute" "$(cat "$T_TMP/out")" "n'a pas d'attribut Id"
sed 's/ Id="PESR1"//' root.xml > noid-root.xml
refuse "PES without bordereau nor root Id" "ni bordereau ni attribut Id" SP user noid-root.xml refused.xml
refuse "already signed PES" "déjà signé" SP user pes1.xml refused.xml
refuse "PES without policy" "politique de signature DGFiP non configurée" S pes user "$SAMPLES/pastell/PES_ex.xml" refused.xml
refuse "PES_Retour is not a PES_Aller" "n'est pas un PES_Aller" SP user "$SAMPLES/pastell/HELIOS_SIMU_RETOUR_1565181244_184723364.xml" refused.xml
printf '<PES_Aller><oops>' > bad.xml
refuse "malformed PES" "pas un XML bien formé" SP user bad.xml refused.xml
refuse "expired certificate" "a expiré" SP expired "$SAMPLES/pastell/PES_ex.xml" refused.xml
refuse "bad policy digest" "SHA-256 en base64" S pes user --policy-digest "abc" "$SAMPLES/pastell/PES_ex.xml" refused.xml
t_done
