#!/usr/bin/env bash
# Cross-process wake-up: a worker process sleeping between polls picks up a job enqueued by another
# process. PostgreSQL: LISTEN/NOTIFY wakes it at once although it polls only every 60 s. SQLite: no
# notifications; it polls (every 300 ms here) and takes the job on its next poll.
. "$(dirname "$0")/../lib.sh"
D=$T_TMP/data
ARGS=$(new_db_args "$D")
ok "database ready" "$OPALE" jobs-selftest enqueue 0 $ARGS
if [ "${OPALE_TEST_DB:-sqlite}" = pg ]; then poll=60000; else poll=300; fi
"$OPALE" jobs-selftest work --threads 1 --poll-ms $poll $ARGS >"$T_TMP/w.log" 2>&1 &
W=$!
T_PIDS="${T_PIDS:-} $W"
sleep 1   # the worker has polled once and sleeps; on PostgreSQL it LISTENs
for round in 1 2; do
	start=$(date +%s%N)
	"$OPALE" jobs-selftest enqueue 1 $ARGS
	for _ in $(seq 1 100); do
		"$OPALE" jobs-selftest check $ARGS >/dev/null 2>&1 && break
		sleep 0.05
	done
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	echo "# round $round: enqueued in another process → done in $ms ms (worker poll interval $poll ms)"
	ok "round $round: the sleeping worker process ran the job within 2 s" test "$ms" -lt 2000
done
kill -TERM $W; wait $W
eq "the worker stops on SIGTERM (listener thread included)" "$?" 0
t_done
