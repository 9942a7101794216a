#!/usr/bin/env bash
# Several worker processes (not threads) on one database at once: 3 processes × 2 threads drain 1 500
# jobs; each job is done exactly once (PostgreSQL: SKIP LOCKED across connections; SQLite: the file
# lock serialises the claim transactions of different processes). Both engines.
. "$(dirname "$0")/../lib.sh"
D=$T_TMP/data
ARGS=$(new_db_args "$D")
ok "1500 jobs enqueued" "$OPALE" jobs-selftest enqueue 1500 $ARGS
pids=
for i in 1 2 3; do "$OPALE" jobs-selftest work --threads 2 --until-empty $ARGS >"$T_TMP/w$i" 2>&1 & pids="$pids $!"; done
fails=0
for p in $pids; do wait $p || fails=$((fails+1)); done
eq "three worker processes exit cleanly" "$fails" 0
out=$("$OPALE" jobs-selftest check $ARGS 2>&1)
eq "each job done exactly once" "$(echo "$out" | head -1)" "jobs 1500, done 1500, executions 1500, duplicated 0, lost 0"
w=$(echo "$out" | sed -n 's/.*workers \([0-9]*\).*/\1/p')
echo "# $(echo "$out" | tail -1)"
ok "the work was shared (≥ 3 distinct worker threads, so ≥ 2 processes)" test "${w:-0}" -ge 3
t_done
