#!/usr/bin/env bash
# P2: an authenticated JSON list of 50 acts (100 000 acts stored) vs nginx serving the same bytes as a static file,
#     wrk with 64 and 256 connections, 10 s each (BENCH_SECONDS to change), same machine, same run.
# P3: Opale's RSS idle, and its peak RSS during the 256-connection load.
set -u
cd "$(dirname "$0")/.."
SECS=${BENCH_SECONDS:-10}
ENDPOINT=${P2_ENDPOINT:-/api/v1/actes?limite=50}
NACTS=${P2_ACTS:-100000}   # acts stored in the collectivité before measuring
W=$(mktemp -d /tmp/opale-bench-http.XXXXXX)
trap 'kill $OPID $NPID 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
./opale migrate --data "$W/data" >/dev/null && ./opale demo --data "$W/data" >/dev/null || exit 1
# NACTS acts of the demo collectivité (id 1), in SQL: numbers 2000_00001…, objects of 60–120 characters.
sqlite3 "$W/data/opale.db" "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < $NACTS)
 INSERT INTO actes (tenant_id, annee, numero, nature, objet, date_decision, matiere, classification_date, type_piece,
   state, creator, created_at, updated_at)
 SELECT 1, 2000 + n / 10000, printf('B%05d', n), 1 + n % 6,
   'Délibération n° ' || n || ' portant approbation de la convention de partenariat ' || substr('abcdefghijklmnopqrstuvwxyz', 1 + n % 26),
   printf('%04d-%02d-%02d', 2000 + n / 10000, 1 + n % 12, 1 + n % 28), '1.4', '2024-01-10', '99_DE',
   CASE n % 4 WHEN 0 THEN 'acquitte' WHEN 1 THEN 'transmis' ELSE 'brouillon' END, 3, 1700000000 + n, 1700000000 + n FROM c" || exit 1
OP=$(port)
./opale serve --listen 127.0.0.1:$OP --data "$W/data" --threads 2 --log-level warn 2>"$W/opale.log" &
OPID=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:$OP/healthz >/dev/null && break; sleep 0.05; done
curl -s -c "$W/jar" -H 'Content-Type: application/json' -d '{"login":"ccpo.admin","password":"Opale-Demo-2024!"}' \
	http://127.0.0.1:$OP/api/v1/session >/dev/null
COOKIE=$(awk '$6=="opale_session"{print "opale_session="$7}' "$W/jar")
curl -sf -H "Cookie: $COOKIE" "http://127.0.0.1:$OP$ENDPOINT" >"$W/body.json" || { echo "# endpoint failed" >&2; exit 1; }
BYTES=$(stat -c %s "$W/body.json")
mkdir -p "$W/www"; cp "$W/body.json" "$W/www/list.json"
NP=$(port)
cat >"$W/nginx.conf" <<CONF
worker_processes 2;
pid $W/nginx.pid;
error_log $W/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  server { listen 127.0.0.1:$NP; root $W/www; location / { } }
}
CONF
nginx -c "$W/nginx.conf" -p "$W" -g 'daemon off;' &
NPID=$!
sleep 0.5
rss() { awk '/VmRSS/{print $2}' /proc/$OPID/status; }
IDLE=$(rss)
run_wrk() { # conns url [header]
	wrk -t2 -c"$1" -d"${SECS}s" --latency ${3:+-H "$3"} "$2" 2>/dev/null
}
rps() { awk '/Requests\/sec/{print int($2)}'; }
p99() { awk '$1=="99%"{print $2}'; }
for c in 64 256; do
	run_wrk $c "http://127.0.0.1:$NP/list.json" >"$W/n$c"
	( peak=0; while kill -0 $OPID 2>/dev/null; do r=$(rss); [ "${r:-0}" -gt "$peak" ] && peak=$r && echo $peak >"$W/peak$c"; sleep 0.2; done ) &
	SAMPLER=$!
	run_wrk $c "http://127.0.0.1:$OP$ENDPOINT" "Cookie: $COOKIE" >"$W/o$c"
	kill $SAMPLER 2>/dev/null; wait $SAMPLER 2>/dev/null
	o=$(rps <"$W/o$c"); n=$(rps <"$W/n$c")
	echo "| P2 | JSON list ($ENDPOINT, $BYTES B, authenticated), wrk $c conns ${SECS}s | $o req/s, p99 $(p99 <"$W/o$c") | nginx static same bytes: $n req/s, p99 $(p99 <"$W/n$c") | $(awk -v a="$o" -v b="$n" 'BEGIN{printf "%.2f", a/b}') | ≥ 0.3, p99 < 10 ms |"
	# The HTTP floor: Opale's cheapest answer (/healthz: no session, no database, 2 bytes) under the same load.
	run_wrk $c "http://127.0.0.1:$OP/healthz" >"$W/h$c"
	h=$(rps <"$W/h$c")
	echo "| P2.floor | /healthz (no session, no database), wrk $c conns ${SECS}s | $h req/s, p99 $(p99 <"$W/h$c") | nginx list.json above: $n req/s | $(awk -v a="$h" -v b="$n" 'BEGIN{printf "%.2f", a/b}') | the best P2 could be |"
done
echo "| P3 | RSS idle / peak under 256-conn load | $((IDLE/1024)) MB / $(( $(cat "$W/peak256" 2>/dev/null || echo 0) / 1024 )) MB | — | — | ≤ 15 MB / ≤ 100 MB |"
