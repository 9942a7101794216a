#!/usr/bin/env bash
# P8 — parapheur bulk signature end to end: 200 folders (a 3-page PDF each) created and started
# through the HTTP API on a real `opale serve` (SQLite, demo data), then ONE bulk request of the
# présidente (« actions groupées », one PIN) signs them all — PAdES by incremental update, each signed
# PDF stored — folders/s of that request. Reference in the same run: the machine's single-core limit
# for the same work, 1 / (1/rsa2048 sign/s + PDF bytes / sha256 bytes/s) from `openssl speed -elapsed`
# (the bulk request signs its folders one after another, one transaction each). Also the time to
# create + start the 200 folders over HTTP. One signed PDF is checked with pdfsig. About 1 minute.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/rel}
N=${P8_N:-200}
TMP=$(mktemp -d /tmp/opale-p8.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
[ -x "$BUILD/peers/mkpdf" ] || make -s peers >/dev/null
bash tests/sign/pki.sh "$TMP/pki" >/dev/null 2>&1 || { echo "PKI failed" >&2; exit 1; }
"$BUILD/peers/mkpdf" "$TMP/doc.pdf" --pages 3 >/dev/null || exit 1
bytes=$(stat -c %s "$TMP/doc.pdf")
./opale migrate --data "$TMP/d" >/dev/null 2>&1 && ./opale demo --data "$TMP/d" >/dev/null 2>&1 || { echo "demo failed" >&2; exit 1; }
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
./opale serve --listen 127.0.0.1:$PORT --data "$TMP/d" >"$TMP/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.05; done
U=http://127.0.0.1:$PORT
DB=$TMP/d/opale.db
tok() {  # tok LOGIN → an API token of that demo user
	local t="opl_p8$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
	sqlite3 "$DB" "INSERT INTO api_tokens (token_hash, user_id, tenant_id, roles, label, created_at) SELECT '$(printf %s "$t" | sha256sum | cut -d' ' -f1)',
		u.id, m.tenant_id, m.roles, 'p8', 0 FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.login = '$1'" || return 1
	echo "$t"
}
ADM=$(tok ccpo.admin); AG=$(tok ccpo.agent); PR=$(tok ccpo.president)
PRES=$(sqlite3 "$DB" "SELECT id FROM desks WHERE name = 'Présidence'")
SEC=$(sqlite3 "$DB" "SELECT id FROM desks WHERE name = 'Secrétariat général'")
curl -s -o /dev/null -H "Authorization: Bearer $PR" -F p12=@"$TMP/pki/user.p12" -F 'pin=secret 1234' "$U/api/v1/signature/certificat"
CIRC=$(curl -s -H "Authorization: Bearer $ADM" -H 'Content-Type: application/json' \
	-d "{\"nom\":\"Signature seule\",\"etapes\":[{\"type\":\"signature\",\"bureaux\":[$PRES]}]}" "$U/api/v1/parapheur/circuits" | sed -n 's/.*"id": *\([0-9]*\).*/\1/p')
SUB=$(curl -s -H "Authorization: Bearer $ADM" -H 'Content-Type: application/json' \
	-d "{\"nom\":\"Lot\",\"format\":\"pades\",\"protocole\":\"none\",\"circuit\":${CIRC:-0}}" "$U/api/v1/parapheur/types" | sed -n 's/.*"sous_type": *\([0-9]*\).*/\1/p')
[ -n "$SUB" ] || { echo "sub-type not created" >&2; exit 1; }
s=$(date +%s.%N)
ids=""
for i in $(seq 1 "$N"); do
	id=$(curl -s -H "Authorization: Bearer $AG" -F "dossier={\"titre\":\"Arrêté $i\",\"sous_type\":$SUB,\"bureau\":$SEC}" \
		-F "principal=@$TMP/doc.pdf;type=application/pdf" "$U/api/v1/parapheur/dossiers" | sed -n 's/^{"id": *\([0-9]*\).*/\1/p')
	[ -n "$id" ] || continue
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $AG" "$U/api/v1/parapheur/dossiers/$id/demarrer"
	ids="$ids${ids:+,}$id"
done
e=$(date +%s.%N)
created=$(awk -v s="$s" -v e="$e" -v n="$N" 'BEGIN { printf "%.1f", n / (e - s) }')
s=$(date +%s.%N)
out=$(curl -s -H "Authorization: Bearer $PR" -H 'Content-Type: application/json' \
	-d "{\"action\":\"signature\",\"bureau\":$PRES,\"pin\":\"secret 1234\",\"dossiers\":[$ids]}" "$U/api/v1/parapheur/actions-groupees")
e=$(date +%s.%N)
ok=$(echo "$out" | sed -n 's/.*"reussis": *\([0-9]*\).*/\1/p')
rate=$(awk -v s="$s" -v e="$e" -v n="${ok:-0}" 'BEGIN { printf "%.1f", n / (e - s) }')
sha=$(sqlite3 "$DB" "SELECT sha256 FROM folder_docs WHERE role = 'signe' ORDER BY id DESC LIMIT 1")
valid=$(pdfsig "$TMP/d/blobs/${sha:0:2}/${sha:2:2}/$sha" 2>/dev/null | grep -c 'Signature is Valid' || true)
rsa=$(openssl speed -elapsed -seconds 1 -mr rsa2048 2>/dev/null | awk -F: '/^\+F2:/{print $4}')
shab=$(openssl speed -elapsed -seconds 1 -mr -bytes 1048576 -evp sha256 2>/dev/null | awk -F: '/^\+F:/{print $4}')
lim=$(awk -v r="$rsa" -v h="$shab" -v b="$bytes" 'BEGIN { printf "%.0f", 1 / (1 / r + b / h) }')
ratio=$(awk -v a="$rate" -v b="$lim" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
kb=$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1024 }')
echo "| P8 | parapheur bulk signature: ${ok:-0}/$N folders signed by one HTTP request (PAdES, $kb KiB PDFs, stored), pdfsig valid: $valid | $rate folders/s | single-core limit 1/(1/rsa2048 + PDF/sha256), openssl speed -elapsed: $lim/s | $ratio | (figure) |"
echo "| P8.create | the same $N folders created and started over HTTP (multipart upload + start) | $created folders/s | | | (figure) |"
