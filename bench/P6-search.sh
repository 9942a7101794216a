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
. bench/lib/bench.sh
services_start >/dev/null 2>&1 || { echo "# services failed" >&2; exit 1; }
trap 'kill $OPID 2>/dev/null; services_stop >/dev/null 2>&1; wait 2>/dev/null; rm -rf "$W"' EXIT
OPID=
bench_p6_acts || exit 1
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
	args=$(bench_db "$engine" p6) || return 1
	local t0=$(date +%s)
	if [ "$engine" = pg ]; then
		{ echo "CREATE TEMP TABLE imp (tenant_id BIGINT, kind TEXT, ref_id BIGINT, title TEXT, body TEXT, at BIGINT, url TEXT);"
		  echo "\\copy imp FROM '$W/acts.tsv'"
		  echo "ALTER TABLE search_entries DISABLE TRIGGER search_entries_terms;"   # one backfill instead (0007)
		  echo "INSERT INTO search_entries (tenant_id, kind, ref_id, title, body, at, url)"
		  echo "  SELECT tenant_id, kind, ref_id + 1000000000, title, body, at, url FROM imp;"
		  echo "ALTER TABLE search_entries ENABLE TRIGGER search_entries_terms;"
		  echo "INSERT INTO search_terms (term) SELECT DISTINCT unnest(tsvector_to_array(tsv)) FROM search_entries ORDER BY 1 ON CONFLICT DO NOTHING;"
		  echo "VACUUM ANALYZE search_entries;"; } | psql -q -v ON_ERROR_STOP=1 "$OPALE_TEST_PG_BASE/p6" >/dev/null || return 1
	else
		sqlite3 "$W/sqlite/opale.db" ".mode tabs" "CREATE TEMP TABLE imp (tenant_id, kind, ref_id, title, body, at, url)" \
			".import $W/acts.tsv imp" \
			"INSERT INTO search_entries (tenant_id, kind, ref_id, title, body, at, url) SELECT tenant_id, kind, ref_id + 1000000000, title, body, at, url FROM imp" \
			"INSERT INTO search_fts(search_fts) VALUES ('optimize')" "ANALYZE" >/dev/null
	fi
	local load=$(( $(date +%s) - t0 )) loaded q="SELECT count(*) FROM search_entries WHERE ref_id > 1000000000"
	if [ "$engine" = pg ]; then loaded=$(psql -tAc "$q" "$OPALE_TEST_PG_BASE/p6"); else loaded=$(sqlite3 "$W/sqlite/opale.db" "$q"); fi
	[ "$loaded" = "$N" ] || { echo "# $engine: $loaded of $N acts loaded" >&2; return 1; }
	local p; p=$(bench_port)
	bench_serve $p "$W/$engine.log" $args
	curl -s -c "$W/jar" -H 'Content-Type: application/json' -d '{"login":"ccpo.agent","password":"Opale-Demo-2024!"}' \
		http://127.0.0.1:$p/api/v1/session >/dev/null
	local cookie; cookie=$(awk '$6=="opale_session"{print "opale_session="$7}' "$W/jar")
	local hits; hits=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$p/api/v1/recherche?q=pour" | grep -o '"id"' | wc -l)
	[ "$hits" -gt 0 ] || { echo "# $engine: no result for a frequent word" >&2; kill $OPID; return 1; }
	bench_wrk "http://127.0.0.1:$p" "$W/$engine" -H "Cookie: $cookie"
	kill $OPID; wait $OPID 2>/dev/null
	echo "| P6 | search over $N acts ($TENANTS collectivités, 24-query mix, 4 conns), $engine; load+index ${load}s | p99 $P99, $RPS req/s${NON2XX:+, $NON2XX errors} | /healthz p99 $P99_REF | — | p99 < 50 ms |"
}
for engine in ${P6_ENGINES:-sqlite pg}; do run "$engine"; done   # P6_ENGINES=sqlite: one engine
