#!/usr/bin/env bash
# P6 (portal) — full-text search of the public portal /p/SIREN over P6_N published acts (default
# 1 000 000) spread over P6_TENANTS collectivités (default 100), on SQLite (FTS5) and PostgreSQL
# (tsvector + GIN), through the real server without login: the HTML result page, wrk with 4
# connections for P6_SECONDS (default 10), latency p99. Mix of 24 requests: frequent, mid and rare words,
# two-word ANDs, prefixes, with the portal's filters (nature, decision-date range, matière) and the plain
# list. The acts are the same synthetic ones as P6-search (bench/p6_gen.py, generated once); each becomes an
# act row and its publication row by SQL inside the database (no per-act program work), so generation
# stays fast. Reference in the same run: /healthz under the same wrk load.
# Uses the run's services when OPALE_TEST_PG_ADMIN is set (tests), else starts its own.
set -u
cd "$(dirname "$0")/.."
SHARED=${SHARED:-$(cd .. && pwd)/shared}
N=${P6_N:-1000000}; TENANTS=${P6_TENANTS:-100}; SECS=${P6_SECONDS:-10}
W=$(mktemp -d /tmp/opale-p6p.XXXXXX)
OWN=
if [ -z "${OPALE_TEST_PG_ADMIN:-}" ]; then
	. tests/services/services.sh
	services_start >/dev/null 2>&1 || { echo "# services failed" >&2; exit 1; }
	OWN=1
fi
. bench/lib/bench.sh
OPID=
cleanup() { # the server first, then our services (before any wait: the SMTP server is a child too)
	[ -n "$OPID" ] && kill "$OPID" 2>/dev/null && wait "$OPID" 2>/dev/null
	[ -n "$OWN" ] && services_stop >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT
t0=$(date +%s)
bench_p6_acts || exit 1
GEN=$(( $(date +%s) - t0 ))
SIREN=246200364
QUERIES="q=pour q=femmes q=convention&nature=4 q=deli&nature=1 q=conv q=arre&du=2016-01-01&au=2018-12-31 q=territoire+action
q=egalite q=emploi&matiere=3 q=artisan q=entreprises+france q=commerciale q=prevention&du=2020-01-01 q=salaries q=bulletin
q=dresseront q=validation q=president+convention q=budget&nature=5 q=permanences q=numerique+cci nature=1 du=2019-01-01&au=2019-12-31 matiere=1"
{
	printf 'local q = {'; for q in $QUERIES; do printf '"/p/%s?%s",' "$SIREN" "$q"; done; printf '}\n'
	cat <<'LUA'
local i = 0
request = function() i = i + 1; return wrk.format("GET", q[(i % #q) + 1]) end
LUA
} >"$W/mix.lua"
# SQL turning the generated rows (table imp) into collectivités, acts and their publications
Z=0000000000000000000000000000000000000000000000000000000000000000
load_sql() { # engine
	local day="date(at, 'unixepoch')" day1="date(at + 86400, 'unixepoch')" year="CAST(strftime('%Y', at, 'unixepoch') AS INTEGER)"
	if [ "$1" = pg ]; then
		day="to_char(to_timestamp(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"; day1="to_char(to_timestamp(at + 86400) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
		year="CAST(to_char(to_timestamp(at) AT TIME ZONE 'UTC', 'YYYY') AS INTEGER)"
	fi
	cat <<SQL
INSERT INTO collectivites (id, operator_id, name, siren, kind, created_at)
  SELECT DISTINCT tenant_id, 1, 'Collectivité ' || tenant_id, 'B' || tenant_id, 'commune', 0 FROM imp
  WHERE tenant_id NOT IN (SELECT id FROM collectivites);
INSERT INTO actes (id, tenant_id, annee, numero, nature, objet, date_decision, matiere, classification_date, type_piece, creator, created_at, updated_at)
  SELECT ref_id + 1000, tenant_id, $year, 'P' || ref_id, ref_id % 6 + 1, title, $day,
         (ref_id % 9 + 1) || '.' || (ref_id % 5 + 1), '2015-01-01', '99_DE', 1, at, at FROM imp;
INSERT INTO publications (tenant_id, acte_id, numero, nature, objet, matiere, date_decision, date_publication, published_at,
                          auteur, user_id, source_sha256, sha256, size, body)
  SELECT tenant_id, ref_id + 1000, 'P' || ref_id, ref_id % 6 + 1, title, (ref_id % 9 + 1) || '.' || (ref_id % 5 + 1), $day, $day1,
         at + 86400, 'Marie Durand, présidente', 1, '$Z', '$Z', 1000, body FROM imp;
SQL
}
run() { # engine: loads, serves, measures
	local engine=$1 args
	args=$(bench_db "$engine" "p6p_$$") || return 1
	local t0=$(date +%s)
	if [ "$engine" = pg ]; then
		{ echo "CREATE TEMP TABLE imp (tenant_id BIGINT, kind TEXT, ref_id BIGINT, title TEXT, body TEXT, at BIGINT, url TEXT);"
		  echo "\\copy imp FROM '$W/acts.tsv'"
		  # the terms trigger (migration 0059) row by row would triple the load: off, then one backfill
		  echo "ALTER TABLE publications DISABLE TRIGGER publications_terms;"
		  load_sql pg
		  echo "ALTER TABLE publications ENABLE TRIGGER publications_terms;"
		  echo "INSERT INTO publications_terms (term) SELECT DISTINCT unnest(tsvector_to_array(tsv)) FROM publications ORDER BY 1 ON CONFLICT DO NOTHING;"
		  echo "SELECT setval(pg_get_serial_sequence('collectivites', 'id'), (SELECT max(id) FROM collectivites));"
		  echo "VACUUM ANALYZE actes; VACUUM ANALYZE publications;"; } | psql -q -v ON_ERROR_STOP=1 "${args##*--db }" >/dev/null || return 1
	else
		{ echo "CREATE TEMP TABLE imp (tenant_id, kind, ref_id, title, body, at, url);"
		  echo ".mode tabs"; echo ".import $W/acts.tsv imp"
		  load_sql sqlite
		  echo "INSERT INTO publications_fts(publications_fts) VALUES ('optimize');"; echo "ANALYZE;"; } | sqlite3 "$W/sqlite/opale.db" >/dev/null || return 1
	fi
	local load=$(( $(date +%s) - t0 ))
	local p; p=$(bench_port)
	bench_serve $p "$W/$engine.log" $args
	local hits; hits=$(curl -s "http://127.0.0.1:$p/p/$SIREN?q=pour" | grep -c 'href="/p/'"$SIREN"'/actes/')
	[ "$hits" -gt 0 ] || { echo "# $engine: no result for a frequent word" >&2; kill $OPID; OPID=; return 1; }
	bench_wrk "http://127.0.0.1:$p" "$W/$engine"
	kill $OPID; wait $OPID 2>/dev/null; OPID=
	echo "| P6 | portal search over $N published acts ($TENANTS collectivités, 24-request mix with filters, 4 conns, no login), $engine; generation ${GEN}s, load+index ${load}s | p99 $P99, $RPS req/s${NON2XX:+, $NON2XX errors} | /healthz p99 $P99_REF | — | p99 < 50 ms |"
}
for engine in ${P6_ENGINES:-sqlite pg}; do   # P6_ENGINES=sqlite: one engine
	[ "$engine" = pg ] && [ -z "${OPALE_TEST_PG_BASE:-}" ] && continue
	run "$engine"
done
