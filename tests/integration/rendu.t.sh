#!/usr/bin/env bash
# The rendering plugin (src/rendu/loader.c), on the engine under test: `opale` needs none of cairo, pango,
# poppler, harfbuzz, fontconfig, freetype, libxlsxwriter (ELF NEEDED) and an idle server on the demo data
# maps none of them nor opale-rendu.so; the présidente's PAdES signature of the demo convention (visible
# stamp at #signature#: pdfsig valid, stamp text read back) and the folder's bordereau (a pdfdoc PDF)
# load it, after which it is mapped. The executable copied alone into a directory: `opale version` and an
# invisible signature work; a visible signature fails (French message, rendu.indisponible); a server
# started from it answers the bordereau 500 rendu.indisponible, logs why, and keeps serving.
. "$(dirname "$0")/../lib.sh"
RENDER_LIBS='libcairo|libpango|libpoppler|libharfbuzz|libfontconfig|libfreetype|libxlsxwriter|libpixman|opale-rendu'
mapped() { grep -oE "/[^ ]*($RENDER_LIBS)[^ /]*\.so[^ ]*" "/proc/$1/maps" | sort -u | xargs -r -n1 basename | tr '\n' ' '; }

needed=$(objdump -p "$(readlink -f "$OPALE")" | awk '$1 == "NEEDED" {print $2}' | grep -E "$RENDER_LIBS" | tr '\n' ' ')
eq "opale does not link the rendering libraries" "${needed:-none}" none
PLUGIN=$(dirname "$(readlink -f "$OPALE")")/opale-rendu.so
ok "the plugin is beside the executable" test -s "$PLUGIN"
needed=$(objdump -p "$PLUGIN" | awk '$1 == "NEEDED" {print $2}' | tr '\n' ' ')
has "the plugin links cairo" "$needed" libcairo.so
has "… and poppler" "$needed" libpoppler-glib.so

D=$T_TMP/data
start_server "$D" || { fail "server starts"; t_done; exit; }
"$OPALE" demo $SRV_ARGS >/dev/null || fail "demo"
sleep 1   # the job workers' first pass over the demo's queue
eq "idle server on the demo data: no rendering library mapped" "$(mapped "$SRV_PID")" ""

q() { if [ "${OPALE_TEST_DB:-sqlite}" = pg ]; then psql "${SRV_ARGS##*--db }" -tAc "$1"; else sqlite3 "$D/opale.db" "$1"; fi; }
login() { # login → cookie jar $T_TMP/login.jar, prints the CSRF token
	curl -s -c "$T_TMP/$1.jar" -H 'Content-Type: application/json' -d "{\"login\":\"$1\",\"password\":\"Opale-Demo-2024!\"}" \
		"$SRV_URL/api/v1/session" >"$T_TMP/$1.json"
	python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["csrf"])' "$T_TMP/$1.json"
}
DGS=$(login ccpo.dgs)
PRES=$(login ccpo.president)
AGENT=$(login ccpo.agent)
as() { # user csrf method path [curl args…] → body, then the status on the last line
	local u=$1 c=$2 m=$3 p=$4; shift 4
	curl -s -b "$T_TMP/$u.jar" -H "X-CSRF-Token: $c" -X "$m" -w '\n%{http_code}' "$@" "$SRV_URL$p"
}
F=$(q "SELECT id FROM folders WHERE title = 'Convention e-administration CDG 62'")
D_DGS=$(q "SELECT id FROM desks WHERE name = 'Direction générale des services'")
D_PRES=$(q "SELECT id FROM desks WHERE name = 'Présidence'")
out=$(as ccpo.dgs "$DGS" POST "/api/v1/parapheur/dossiers/$F/actions" -H 'Content-Type: application/json' -d "{\"action\":\"visa\",\"bureau\":$D_DGS}")
eq "the DGS visas the demo convention" "$(echo "$out" | tail -1)" 200
P=$T_TMP/pki
bash "$TOP/tests/sign/pki.sh" "$P" >/dev/null 2>&1 || fail "test PKI generated"
out=$(as ccpo.president "$PRES" POST /api/v1/signature/certificat -F "p12=@$P/user.p12" -F 'pin=secret 1234')
eq "the présidente stores her certificate" "$(echo "$out" | tail -1)" 201
eq "still nothing mapped before the first PDF" "$(mapped "$SRV_PID")" ""
out=$(as ccpo.president "$PRES" POST "/api/v1/parapheur/dossiers/$F/actions" -H 'Content-Type: application/json' \
	-d "{\"action\":\"signature\",\"bureau\":$D_PRES,\"pin\":\"secret 1234\"}")
eq "the présidente signs (PAdES, visible stamp)" "$(echo "$out" | tail -1)" 200
DOC=$(q "SELECT MAX(id) FROM folder_docs WHERE folder_id = $F AND role = 'signe'")
curl -s -b "$T_TMP/ccpo.agent.jar" -o "$T_TMP/signe.pdf" "$SRV_URL/api/v1/parapheur/dossiers/$F/documents/$DOC"
eq "pdfsig: the signature is valid" "$(pdfsig "$T_TMP/signe.pdf" 2>&1 | grep -c 'Signature is Valid')" 1
has "the stamp is drawn (pdftotext)" "$(pdftotext "$T_TMP/signe.pdf" - 2>/dev/null)" "Signé électroniquement par"
has "the plugin is mapped now" "$(mapped "$SRV_PID")" opale-rendu.so
has "… with cairo" "$(mapped "$SRV_PID")" libcairo.so
curl -s -b "$T_TMP/ccpo.agent.jar" -o "$T_TMP/bordereau.pdf" -w '%{http_code}' "$SRV_URL/api/v1/parapheur/dossiers/$F/bordereau" >"$T_TMP/st"
eq "the bordereau (pdfdoc): 200" "$(cat "$T_TMP/st")" 200
has "… a PDF with its text" "$(pdftotext "$T_TMP/bordereau.pdf" - 2>/dev/null)" "Convention e-administration CDG 62"
kill "$SRV_PID"; wait "$SRV_PID" 2>/dev/null

# --- the executable alone: no plugin beside it (nor installed)
if [ -e /usr/lib/opale/opale-rendu.so ]; then
	echo "ok - # SKIP missing-plugin case: /usr/lib/opale/opale-rendu.so is installed on this machine"
	t_done; exit
fi
A=$T_TMP/alone; mkdir -p "$A"; cp "$(readlink -f "$OPALE")" "$A/opale"
has "opale version works without the plugin" "$("$A/opale" version 2>&1)" "$("$OPALE" version 2>&1)"
"$TOP/${BUILD:-build/rel}/peers/mkpdf" "$T_TMP/in.pdf" --tag '#signature#' >/dev/null 2>&1 || fail "mkpdf"
ok "an invisible signature needs no plugin" "$A/opale" sign pades --p12 "$P/user.p12" --password-file "$P/pass.txt" "$T_TMP/in.pdf" "$T_TMP/inv.pdf"
eq "pdfsig: valid" "$(pdfsig "$T_TMP/inv.pdf" 2>&1 | grep -c 'Signature is Valid')" 1
ko "a visible signature fails" "$A/opale" sign pades --p12 "$P/user.p12" --password-file "$P/pass.txt" --tag '#signature#' "$T_TMP/in.pdf" "$T_TMP/vis.pdf"
has "… saying why, in French" "$(cat "$T_TMP/out")" "Le module de rendu PDF est introuvable ou inutilisable : opale-rendu.so absent de $A et de /usr/lib/opale"
ok "… and writes no file" test ! -e "$T_TMP/vis.pdf"

SRV_PORT=$(free_port); SRV_URL=http://127.0.0.1:$SRV_PORT
"$A/opale" serve --listen 127.0.0.1:$SRV_PORT $SRV_ARGS >"$T_TMP/alone.log" 2>&1 &
SRV_PID=$!; T_PIDS="$T_PIDS $SRV_PID"
for _ in $(seq 1 100); do curl -sf "$SRV_URL/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
out=$(curl -s -b "$T_TMP/ccpo.agent.jar" -w '\n%{http_code}' "$SRV_URL/api/v1/parapheur/dossiers/$F/bordereau")
eq "server without the plugin: the bordereau is 500" "$(echo "$out" | tail -1)" 500
has "… rendu.indisponible" "$out" '"code":"rendu.indisponible"'
has "… with the French message" "$out" "Le module de rendu PDF est introuvable ou inutilisable"
eq "the server keeps serving" "$(curl -s -o /dev/null -w '%{http_code}' "$SRV_URL/healthz")" 200
out=$(curl -s -b "$T_TMP/ccpo.agent.jar" -w '\n%{http_code}' "$SRV_URL/api/v1/parapheur/dossiers/$F")
eq "… the folder itself still reads" "$(echo "$out" | tail -1)" 200
has "the log says why" "$(cat "$T_TMP/alone.log")" "module de rendu PDF indisponible : opale-rendu.so absent de $A"
t_done
