#!/usr/bin/env bash
# P6 — full-text search over 1 000 000 acts (P6_N), spread over 100 collectivités (P6_TENANTS), on SQLite
# (FTS5) and PostgreSQL (tsvector + GIN): GET /api/v1/recherche through the real server, authenticated,
# wrk with 4 connections for P6_SECONDS (default 10) over a mix of 24 queries — very frequent words,
# mid-frequency and rare words, two-word ANDs, 3-4 letter prefixes —, latency p99. The acts are synthetic
# (bench/p6_gen.py: words of the seed documents with a Zipf law). Reference in the same run: the same wrk
# mix against /healthz (the HTTP floor).
set -u
cd "$(dirname "$0")/.."
TOP=$(pwd)
SHARED=${SHARED:-$(cd .. && pwd)/shared}
N=${P6_N:-1000000}; TENANTS=${P6_TENANTS:-100}; SECS=${P6_SECONDS:-10}
W=$(mktemp -d /tmp/opale-p6.XXXXXX)
. tests/services/services.sh
services_start >/dev/null 2>&1 || { echo "# services failed" >&2; exit 1; }
trap 'kill $OPID 2>/dev/null; services_stop >/dev/null 2>&1; wait 2>/dev/null; rm -rf "$W"' EXIT
OPID=
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
python3 bench/p6_gen.py "$N" "$TENANTS" "$W/acts.tsv" "$SHARED/seed/documents-ccpo-2024.txt" 2>>"$W/gen.log" || exit 1
QUERIES="pour femmes convention deli conv arre territoire+action egalite emploi artisan entreprises+france
commerciale prevention salaries bulletin dresseront validation president+convention budget permanences
numerique+cci fiche 2019 avenant"
lua() { # Lua script rotating the queries
	printf 'local q = {'; for q in $QUERIES; do printf '"/api/v1/recherche?q=%s",' "$q"; done; printf '}\n'
	cat <<'LUA'
local i = 0
request = function() i = i + 1; return wrk.format("GET", q[(i % #q) + 1]) end
LUA
}
lua >"$W/mix.lua"
run() { # engine: loads the acts, serves, measures
	local engine=$1 args
	if [ "$engine" = pg ]; then
		psql "$OPALE_TEST_PG_ADMIN" -qc "CREATE DATABASE p6" >/dev/null
		args="--data $W/pg --db $OPALE_TEST_PG_BASE/p6"
	else
		args="--data $W/sqlite"
	fi
	./opale migrate $args >/dev/null && ./opale demo $args >/dev/null || return 1
	local t0=$(date +%s)
	if [ "$engine" = pg ]; then
		psql "$OPALE_TEST_PG_BASE/p6" -qc "\\copy search_entries (tenant_id, kind, ref_id, title, body, at, url) FROM '$W/acts.tsv'" >/dev/null
		psql "$OPALE_TEST_PG_BASE/p6" -qc "VACUUM ANALYZE search_entries" >/dev/null
	else
		sqlite3 "$W/sqlite/opale.db" ".mode tabs" "CREATE TEMP TABLE imp (tenant_id, kind, ref_id, title, body, at, url)" \
			".import $W/acts.tsv imp" \
			"INSERT INTO search_entries (tenant_id, kind, ref_id, title, body, at, url) SELECT * FROM imp" \
			"INSERT INTO search_fts(search_fts) VALUES ('optimize')" "ANALYZE" >/dev/null
	fi
	local load=$(( $(date +%s) - t0 ))
	local p; p=$(port)
	./opale serve --listen 127.0.0.1:$p $args --threads 2 --log-level warn 2>"$W/$engine.log" &
	OPID=$!
	for _ in $(seq 200); do curl -sf http://127.0.0.1:$p/healthz >/dev/null && break; sleep 0.05; done
	curl -s -c "$W/jar" -H 'Content-Type: application/json' -d '{"login":"ccpo.agent","password":"Opale-Demo-2024!"}' \
		http://127.0.0.1:$p/api/v1/session >/dev/null
	local cookie; cookie=$(awk '$6=="opale_session"{print "opale_session="$7}' "$W/jar")
	local hits; hits=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$p/api/v1/recherche?q=pour" | grep -o '"id"' | wc -l)
	[ "$hits" -gt 0 ] || { echo "# $engine: no result for a frequent word" >&2; kill $OPID; return 1; }
	wrk -t2 -c4 -d"${SECS}s" --latency -s "$W/mix.lua" -H "Cookie: $cookie" "http://127.0.0.1:$p" >"$W/$engine.wrk" 2>&1
	wrk -t2 -c4 -d"${SECS}s" --latency "http://127.0.0.1:$p/healthz" >"$W/$engine.ref" 2>&1
	kill $OPID; wait $OPID 2>/dev/null
	local p99 rps p99r non2xx
	p99=$(awk '$1=="99%"{print $2}' "$W/$engine.wrk"); rps=$(awk '/Requests\/sec/{print int($2)}' "$W/$engine.wrk")
	p99r=$(awk '$1=="99%"{print $2}' "$W/$engine.ref")
	non2xx=$(awk '/Non-2xx/{print $NF}' "$W/$engine.wrk")
	echo "| P6 | search over $N acts ($TENANTS collectivités, 24-query mix, 4 conns), $engine; load+index ${load}s | p99 $p99, $rps req/s${non2xx:+, $non2xx errors} | /healthz p99 $p99r | — | p99 < 50 ms |"
}
run sqlite
run pg
