#!/usr/bin/env bash
# The convocation packet time-stamped by a local RFC 3161 TSA (tests/peers/tsa_server.py): the sending
# records a token over the manifest that `openssl ts -verify` accepts for the manifest and refuses for
# an altered one; with a failing TSA the sending is refused and nothing is sent.
. "$(dirname "$0")/../lib.sh"
P=$T_TMP/pki
bash "$TOP/tests/sign/pki.sh" "$P" >/dev/null 2>&1 || { fail "test PKI generated"; t_done; exit; }
cd "$T_TMP"
python3 "$TOP/tests/peers/tsa_server.py" "$P" > tsa.port 2>tsa.log &
T_PIDS="${T_PIDS:-} $!"
for _ in $(seq 1 50); do [ -s tsa.port ] && break; sleep 0.1; done
TSA=http://127.0.0.1:$(cat tsa.port)/
ARGS=$(new_db_args "$T_TMP/srv")
"$OPALE" migrate $ARGS >/dev/null && "$OPALE" demo $ARGS >/dev/null
serve() {
	PORT=$(free_port)
	"$OPALE" serve --listen 127.0.0.1:$PORT $ARGS --smtp-url smtp://127.0.0.1:1 --tsa-url "$1" >>"$T_TMP/srv/server.log" 2>&1 &
	SRV_PID=$!
	T_PIDS="${T_PIDS:-} $SRV_PID"
	URL=http://127.0.0.1:$PORT
	for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
	CSRF=$(curl -s -c jar -b jar -H 'Content-Type: application/json' \
		-d '{"login":"ccpo.secretaire","password":"Opale-Demo-2024!"}' "$URL/api/v1/session" | sed 's/.*"csrf":"\([^"]*\)".*/\1/')
}
api() { curl -s -b jar -H "X-CSRF-Token: $CSRF" "$@"; }

serve "$TSA"
eq "the demo séance is convened with a TSA configured" "$(api -o /dev/null -w '%{http_code}' -X POST "$URL/api/v1/seances/1/convocations")" 202
J=$(api "$URL/api/v1/seances/1/convocations")
has "the sending is time-stamped" "$J" '"horodate":true'
ENVOI=$(printf %s "$J" | python3 -c 'import json,sys;print(json.load(sys.stdin)["envois"][0]["id"])')
api -o manifeste.txt "$URL/api/v1/seances/1/envois/$ENVOI/manifeste.txt"
api -o horodatage.tst "$URL/api/v1/seances/1/envois/$ENVOI/horodatage.tst"
has "the manifest lists the documents with their SHA-256" "$(cat manifeste.txt)" "note_synthese"
ok "openssl ts -verify accepts the token over the manifest" \
	openssl ts -verify -CAfile "$P/ca.pem" -untrusted "$P/tsa.pem" -token_in -in horodatage.tst -data manifeste.txt
sed 's/Conseil communautaire/Conseil modifié/' manifeste.txt > altered.txt
ko "and refuses it for an altered manifest" \
	openssl ts -verify -CAfile "$P/ca.pem" -untrusted "$P/tsa.pem" -token_in -in horodatage.tst -data altered.txt
eq "the manifest's SHA-256 is the one recorded" "$(sha256sum manifeste.txt | cut -c1-64)" \
	"$(printf %s "$J" | python3 -c 'import json,sys;print(json.load(sys.stdin)["envois"][0]["manifeste"])')"
kill "$SRV_PID"; wait "$SRV_PID" 2>/dev/null

serve "${TSA}fail"
R=$(api -w ' %{http_code}' -X POST "$URL/api/v1/seances/1/convocations")
has "a failing TSA refuses the sending (502)" "$R" " 502"
has "with the reason" "$R" "seance.horodatage"
eq "no new sending recorded" "$(api "$URL/api/v1/seances/1/convocations" | python3 -c 'import json,sys;print(len(json.load(sys.stdin)["envois"]))')" 1
t_done
