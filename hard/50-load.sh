#!/usr/bin/env bash
# Load: 256 connections for LOAD_SECONDS (default 60) over a mix of pages and API calls of a logged-in
# administrator (wrk + a Lua script rotating the paths). Passes with 0 socket errors, 0 non-2xx/3xx
# answers, peak RSS within P3's bound (100 MB) and no RSS growth between the first and the second half
# of the run beyond 10 %.
. "$(dirname "$0")/../tests/lib.sh"
SECS=${LOAD_SECONDS:-60}
D=$T_TMP/data
"$OPALE" migrate --data "$D" >/dev/null && "$OPALE" demo --data "$D" >/dev/null || { fail "demo data"; t_done; exit; }
PORT=$(free_port)
"$OPALE" serve --listen 127.0.0.1:$PORT --data "$D" --threads "$(nproc)" --log-level warn 2>"$T_TMP/serve.log" &
SPID=$!; T_PIDS="$SPID"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.05; done
curl -s -c "$T_TMP/jar" -H 'Content-Type: application/json' -d '{"login":"ccpo.admin","password":"Opale-Demo-2024!"}' \
	"http://127.0.0.1:$PORT/api/v1/session" >/dev/null
COOKIE=$(awk '$6=="opale_session"{print "opale_session="$7}' "$T_TMP/jar")
[ -n "$COOKIE" ] && pass "logged in" || fail "logged in"
PATHS="/parapheur /api/v1/parapheur/bureaux /api/v1/utilisateurs /administration /healthz /static/opale.css /parapheur/dossiers/1 /accessibilite /audit"
for p in $PATHS; do
	c=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$p")
	eq "$p answers 200 before the load" "$c" 200
done
lua_paths=$(for p in $PATHS; do printf '"%s",' "$p"; done)
cat >"$T_TMP/mix.lua" <<LUA
local paths = { ${lua_paths%,} }
local i = 0
wrk.headers["Cookie"] = "$COOKIE"
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
rss() { awk '/VmRSS/{print $2}' /proc/$SPID/status 2>/dev/null; }
( while kill -0 $SPID 2>/dev/null; do echo "$(date +%s) $(rss)"; sleep 1; done ) >"$T_TMP/rss" &
SAMPLER=$!
wrk -t2 -c256 -d"${SECS}s" --latency -s "$T_TMP/mix.lua" "http://127.0.0.1:$PORT" >"$T_TMP/wrk.txt" 2>&1
kill $SAMPLER 2>/dev/null
sed 's/^/# /' "$T_TMP/wrk.txt"
reqs=$(awk '/requests in/{print $1}' "$T_TMP/wrk.txt")
sockerr=$(awk '/Socket errors/{gsub(",","");print $4+$6+$8+$10}' "$T_TMP/wrk.txt")
non2xx=$(awk '/Non-2xx/{print $NF}' "$T_TMP/wrk.txt")
eq "load: requests served" "$([ "${reqs:-0}" -gt 0 ] && echo yes)" yes
eq "load: socket errors (connect/read/write/timeout)" "${sockerr:-0}" 0
eq "load: non-2xx/3xx answers" "${non2xx:-0}" 0
kill -0 $SPID 2>/dev/null && pass "server still up after the load" || fail "server still up after the load"
peak=$(awk '{print $2}' "$T_TMP/rss" | sort -n | tail -1)
n=$(wc -l <"$T_TMP/rss"); h=$((n / 2))
first=$(head -n "$h" "$T_TMP/rss" | awk '{print $2}' | sort -n | tail -1)
second=$(tail -n +"$((h + 1))" "$T_TMP/rss" | awk '{print $2}' | sort -n | tail -1)
echo "# RSS peak $((peak / 1024)) MB; max first half $((first / 1024)) MB, max second half $((second / 1024)) MB"
eq "peak RSS ≤ 100 MB" "$([ "${peak:-999999}" -le 102400 ] && echo yes)" yes
eq "no RSS growth > 10 % in the second half" "$([ "${second:-0}" -le $(( ${first:-0} * 11 / 10 )) ] && echo yes)" yes
t_done
