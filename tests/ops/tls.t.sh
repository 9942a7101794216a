#!/usr/bin/env bash
# TLS: the direct listener (--tls-cert/--tls-key, libmicrohttpd + GnuTLS) against a CA and server
# certificate generated here, checked with curl; bad key/certificate refused at start. Client address
# behind a proxy (trusted_proxies + X-Forwarded-For, spoofing ignored). Then the documented nginx
# configuration (packaging/nginx-opale.conf, the very file shipped) passes `nginx -t` and serves Opale over
# HTTP/2 with HSTS, redirects HTTP, lets a 6 MB upload through and keeps /metrics local.
. "$(dirname "$0")/../lib.sh"
MKPDF=$TOP/${BUILD:-build/rel}/peers/mkpdf
declare -A neg
C=$T_TMP/pki; mkdir -p "$C"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Opale test CA" -keyout "$C/ca.key" -out "$C/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$C/srv.key" -out "$C/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$C/ext"
openssl x509 -req -in "$C/srv.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial -days 2 -extfile "$C/ext" \
	-out "$C/srv.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=autre" -keyout "$C/other.key" -out /dev/null 2>/dev/null
ok "test PKI generated (CA, server certificate for 127.0.0.1)" openssl verify -CAfile "$C/ca.pem" "$C/srv.pem"

D=$T_TMP/d
"$OPALE" migrate --data "$D" >/dev/null && "$OPALE" demo --data "$D" >/dev/null
sql() { sqlite3 "$D/opale.db" "$1"; }
# serve PORT ARGS… → starts a server, waits until it answers on HTTPS or HTTP (by scheme of $URL)
serve() {
	local url=$1; shift
	"$OPALE" serve --data "$D" "$@" >>"$T_TMP/serve.log" 2>&1 &
	LAST_PID=$!; T_PIDS="${T_PIDS:-} $LAST_PID"
	for _ in $(seq 1 100); do curl -sf --cacert "$C/ca.pem" "$url/healthz" >/dev/null 2>&1 && return 0; sleep 0.05; done
	return 1
}

TP=$(free_port); TURL=https://127.0.0.1:$TP
ok "opale serve with --tls-cert/--tls-key answers on HTTPS" serve "$TURL" --listen 127.0.0.1:$TP \
	--tls-cert "$C/srv.pem" --tls-key "$C/srv.key"
has "it logs an https:// address" "$(cat "$T_TMP/serve.log")" "https://127.0.0.1:$TP"
has "/healthz over TLS, certificate verified against the test CA" \
	"$(curl -s --cacert "$C/ca.pem" "$TURL/healthz")" '"status":"ok"'
curl -s -o /dev/null "$TURL/healthz" 2>/dev/null
eq "an unknown CA is refused by curl (exit 60: the server really presents our certificate)" "$?" 60
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$TP/healthz" 2>/dev/null)
ok "plain HTTP on the TLS port gets no answer ($code)" test "$code" = 000
# Protocol versions: 1.3 and 1.2 negotiated; 1.1 refused by the server (the client is told to allow it).
for v in 1_3 1_2 1_1; do
	neg[$v]=$(echo | openssl s_client -connect 127.0.0.1:$TP -tls$v -cipher 'DEFAULT@SECLEVEL=0' -CAfile "$C/ca.pem" 2>/dev/null |
		sed -n 's/^New, \([^,]*\), Cipher is \(.*\)/\1 \2/p')
done
has "TLS 1.3 negotiated" "${neg[1_3]}" "TLSv1.3"
has "TLS 1.2 negotiated" "${neg[1_2]}" "TLSv1.2"
eq "TLS 1.1 refused" "${neg[1_1]}" "(NONE) (NONE)"
hdr=$(curl -s -D - -o /dev/null --cacert "$C/ca.pem" -H 'Content-Type: application/json' \
	-d '{"login":"ccpo.agent","password":"Opale-Demo-2024!"}' -c "$T_TMP/jar" "$TURL/api/v1/session")
has "HSTS on the direct TLS listener" "$hdr" "Strict-Transport-Security: max-age="
has "session cookie is Secure over TLS" "$(echo "$hdr" | grep -i '^set-cookie')" "Secure"
CSRF=$(curl -s --cacert "$C/ca.pem" -b "$T_TMP/jar" "$TURL/api/v1/moi" | sed -n 's/.*"csrf": *"\([^"]*\)".*/\1/p')
SUB=$(sql "SELECT id FROM folder_subtypes WHERE name = 'Convention d''adhésion'")
DESK=$(sql "SELECT id FROM desks WHERE name = 'Secrétariat général'")
"$MKPDF" "$T_TMP/big.pdf" --kb 6000 >/dev/null 2>&1
upload() {  # upload URL CURLOPTS… → HTTP status
	local url=$1; shift
	curl -s -o "$T_TMP/up" -w '%{http_code}' "$@" -b "$T_TMP/jar" -H "X-CSRF-Token: $CSRF" \
		-F "dossier={\"titre\":\"Gros dossier\",\"sous_type\":$SUB,\"bureau\":$DESK}" \
		-F "principal=@$T_TMP/big.pdf;type=application/pdf" "$url/api/v1/parapheur/dossiers"
}
eq "a 6 MB PDF uploaded over TLS" "$(upload "$TURL" --cacert "$C/ca.pem")" 201
big=$(sha256sum < "$T_TMP/big.pdf" | cut -d' ' -f1)
eq "stored byte for byte" "$(sql "SELECT COUNT(*) FROM folder_docs WHERE sha256 = '$big'")" 1
curl -s -o /dev/null --cacert "$C/ca.pem" -H 'X-Forwarded-For: 203.0.113.66' -H 'Content-Type: application/json' \
	-d '{"login":"ccpo.dgs","password":"Opale-Demo-2024!"}' "$TURL/api/v1/session"
eq "X-Forwarded-For ignored from a peer not in trusted_proxies" \
	"$(sql "SELECT ip FROM audit_log WHERE action = 'connexion' AND object = 'ccpo.dgs' ORDER BY seq DESC LIMIT 1")" 127.0.0.1
kill $LAST_PID; wait $LAST_PID 2>/dev/null

# Refusals at start: mismatched key, missing file, half the pair.
P=$(free_port)
timeout 10 "$OPALE" serve --data "$D" --listen 127.0.0.1:$P --tls-cert "$C/srv.pem" --tls-key "$C/other.key" >"$T_TMP/out" 2>&1
eq "a key that does not match the certificate: serve exits 1" "$?" 1
has "with a French reason" "$(cat "$T_TMP/out")" "TLS"
timeout 10 "$OPALE" serve --data "$D" --listen 127.0.0.1:$P --tls-cert "$C/absent.pem" --tls-key "$C/srv.key" >"$T_TMP/out" 2>&1
eq "a missing certificate file: serve exits 1" "$?" 1
has "naming it" "$(cat "$T_TMP/out")" "absent.pem"
timeout 10 "$OPALE" serve --data "$D" --listen 127.0.0.1:$P --tls-cert "$C/srv.pem" >"$T_TMP/out" 2>&1
eq "a certificate without its key: serve exits 2 (configuration)" "$?" 2

# Plain HTTP behind a proxy: the client address comes from X-Forwarded-For, rightmost entry.
HP=$(free_port); HURL=http://127.0.0.1:$HP
ok "opale serve (HTTP) with trusted_proxies = 127.0.0.1" serve "$HURL" --listen 127.0.0.1:$HP --trusted-proxies 127.0.0.1
curl -s -o /dev/null -H 'X-Forwarded-For: 192.0.2.1, 198.51.100.9' -H 'Content-Type: application/json' \
	-d '{"login":"ccpo.elu","password":"Opale-Demo-2024!"}' "$HURL/api/v1/session"
eq "audit records the address the trusted proxy saw (rightmost)" \
	"$(sql "SELECT ip FROM audit_log WHERE action = 'connexion' AND object = 'ccpo.elu' ORDER BY seq DESC LIMIT 1")" 198.51.100.9

# nginx with the shipped configuration, in front of that server.
if ! command -v nginx >/dev/null; then
	echo "# nginx absent: reverse-proxy configuration not tested"
	t_done; exit $?
fi
N=$T_TMP/nginx; mkdir -p "$N"
NP=$(free_port); NS=$(free_port)
sed -e "s#server 127.0.0.1:8080;#server 127.0.0.1:$HP;#" -e '/listen \[::\]/d' \
	-e "s#listen 80;#listen 127.0.0.1:$NP;#" -e "s#listen 443 ssl http2;#listen 127.0.0.1:$NS ssl http2;#" \
	-e "s#/etc/letsencrypt/live/opale.example.fr/fullchain.pem#$C/srv.pem#" \
	-e "s#/etc/letsencrypt/live/opale.example.fr/privkey.pem#$C/srv.key#" \
	"$TOP/packaging/nginx-opale.conf" > "$N/site.conf"
cat > "$N/nginx.conf" <<EOF
daemon off;
master_process off;
pid $N/nginx.pid;
error_log $N/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $N/body; proxy_temp_path $N/proxy; fastcgi_temp_path $N/fcgi;
	uwsgi_temp_path $N/uwsgi; scgi_temp_path $N/scgi;
	include $N/site.conf;
}
EOF
ok "nginx -t accepts the documented configuration" nginx -t -q -e "$N/error.log" -p "$N" -c "$N/nginx.conf"
nginx -e "$N/error.log" -p "$N" -c "$N/nginx.conf" & NPID=$!; T_PIDS="$T_PIDS $NPID"
NURL=https://127.0.0.1:$NS
for _ in $(seq 1 100); do curl -sf --cacert "$C/ca.pem" "$NURL/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
out=$(curl -s -D "$T_TMP/nh" --cacert "$C/ca.pem" -w ' HTTP/%{http_version}' "$NURL/healthz")
has "through nginx: /healthz answered" "$out" '"status":"ok"'
has "over HTTP/2" "$out" ' HTTP/2'
has "HSTS added by nginx" "$(cat "$T_TMP/nh")" "strict-transport-security: max-age=63072000"
eq "HTTP redirected to HTTPS" "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$NP/connexion")" \
	"301 https://127.0.0.1/connexion"
curl -s -o /dev/null --cacert "$C/ca.pem" -c "$T_TMP/jar" -H 'X-Forwarded-For: 203.0.113.5' -H 'Content-Type: application/json' \
	-d '{"login":"ccpo.agent","password":"Opale-Demo-2024!"}' "$NURL/api/v1/session"
eq "through nginx, a forged X-Forwarded-For is not believed (nginx appends the real peer)" \
	"$(sql "SELECT ip FROM audit_log WHERE action = 'connexion' ORDER BY seq DESC LIMIT 1")" 127.0.0.1
CSRF=$(curl -s --cacert "$C/ca.pem" -b "$T_TMP/jar" "$NURL/api/v1/moi" | sed -n 's/.*"csrf": *"\([^"]*\)".*/\1/p')
"$MKPDF" "$T_TMP/big.pdf" --kb 6000 --tag "via nginx" >/dev/null 2>&1
eq "a 6 MB upload passes nginx (client_max_body_size raised)" "$(upload "$NURL" --cacert "$C/ca.pem" --http2)" 201
eq "/metrics reachable from the local monitoring address" \
	"$(curl -s -o /dev/null -w '%{http_code}' --cacert "$C/ca.pem" "$NURL/metrics")" 200
kill $NPID 2>/dev/null; wait $NPID 2>/dev/null
t_done
