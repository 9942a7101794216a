#!/usr/bin/env bash
# tests/sign/pki.sh DIR — a throw-away test PKI made with openssl at run time (no key is committed):
#   ca.pem/ca.key        root « Opale Test CA »
#   user.p12             Jeanne Dupont-Érard, valid 1 year   (password in pass.txt: « secret 1234 »)
#   expired.p12          Paul Périmé, expired two years ago  (same password)
#   seal.p12             cachet serveur of « Commune de Test »  (same password)
#   tsa.pem/tsa.key      time-stamping unit (extendedKeyUsage critical timeStamping), tsa.cnf for `openssl ts -reply`
#   other-ca.pem         an unrelated CA (for « untrusted chain » checks)
# Idempotent: does nothing when DIR/done exists.
set -eu
D=$1
[ -e "$D/done" ] && exit 0
mkdir -p "$D/db"
cd "$D"
: > db/index.txt
echo 1000 > db/serial
printf 'secret 1234\n' > pass.txt
cat > ca.cnf <<'CNF'
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = .
database = db/index.txt
serial = db/serial
new_certs_dir = db
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ any ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
localityName = optional
title = optional
commonName = supplied
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_user ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_tsa ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
SUBJ_UTF8=-utf8
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 $SUBJ_UTF8 \
	-subj "/C=FR/O=Opale Test/CN=Opale Test CA" -addext "basicConstraints=critical,CA:true" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other-ca.key -out other-ca.pem \
	-days 3650 -subj "/CN=Autre AC" 2>/dev/null

# issue NAME "SUBJECT" EXT START END [keyopts]
issue() {
	local name=$1 subj=$2 ext=$3 start=$4 end=$5; shift 5
	openssl req -new -newkey "$@" -nodes -keyout "$name.key" -out "$name.csr" $SUBJ_UTF8 -subj "$subj" 2>/dev/null
	openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in "$name.csr" -out "$name.pem" \
		-extensions "$ext" -startdate "$start" -enddate "$end" -notext $SUBJ_UTF8 2>/dev/null
}
now=$(date -u +%s)
ts() { date -u -d "@$1" +%Y%m%d%H%M%SZ; }
issue user "/C=FR/O=Commune de Test/title=Maire/CN=Jeanne Dupont-Érard" v3_user "$(ts $((now - 86400)))" "$(ts $((now + 365 * 86400)))" rsa:2048
issue expired "/C=FR/O=Commune de Test/CN=Paul Périmé" v3_user "$(ts $((now - 3 * 365 * 86400)))" "$(ts $((now - 2 * 365 * 86400)))" rsa:2048
issue seal "/C=FR/O=Commune de Test/OU=Cachet serveur/CN=Commune de Test" v3_user "$(ts $((now - 86400)))" "$(ts $((now + 365 * 86400)))" rsa:2048
issue tsa "/C=FR/O=Opale Test/CN=Opale Test TSA" v3_tsa "$(ts $((now - 86400)))" "$(ts $((now + 365 * 86400)))" ec -pkeyopt ec_paramgen_curve:P-256
for n in user expired seal; do
	openssl pkcs12 -export -inkey "$n.key" -in "$n.pem" -certfile ca.pem -passout file:pass.txt -out "$n.p12"
done
# The same user without the CA certificate in the file, and an EC user.
issue ecuser "/C=FR/O=Commune de Test/CN=Élise Courbe" v3_user "$(ts $((now - 86400)))" "$(ts $((now + 365 * 86400)))" ec -pkeyopt ec_paramgen_curve:P-256
openssl pkcs12 -export -inkey ecuser.key -in ecuser.pem -passout file:pass.txt -out ecuser.p12
cat > tsa.cnf <<CNF
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = $D
serial = \$dir/tsaserial
signer_cert = \$dir/tsa.pem
certs = \$dir/ca.pem
signer_key = \$dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
CNF
echo 01 > tsaserial
cat ca.pem > trust.pem
touch done
