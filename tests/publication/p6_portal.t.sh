#!/usr/bin/env bash
# bench/P6-portal.sh at a reduced size (3 000 published acts, 1 s of wrk per engine): the script loads the
# generated acts as publications, the portal finds them, and it prints its row for SQLite and, when the
# run has PostgreSQL, for PostgreSQL — every request answered 2xx. (The figure itself is not judged here:
# docs/performance.md.)
. "$(dirname "$0")/../lib.sh"
cd "$TOP"
out=$(P6_N=3000 P6_TENANTS=10 P6_SECONDS=1 bash bench/P6-portal.sh 2>"$T_TMP/err")
has "SQLite row" "$out" "published acts (10 collectivités"
has "SQLite: a p99 measured" "$(echo "$out" | grep ', sqlite;')" "| p99 "
if [ -n "${OPALE_TEST_PG_BASE:-}" ]; then
	has "PostgreSQL row with a p99" "$(echo "$out" | grep ', pg;')" "| p99 "
fi
eq "no request answered with an error" "$(echo "$out" | grep -c 'errors')" 0
eq "nothing on stderr" "$(grep -v '^#' "$T_TMP/err" | head -3)" ""
t_done
