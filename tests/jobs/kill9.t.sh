#!/usr/bin/env bash
# Durability: 2 000 jobs, workers killed with kill -9 six times mid-burst, restarted; in the end every
# job completed exactly once (each job's effect is committed with its completion). Both engines.
. "$(dirname "$0")/../lib.sh"
D=$T_TMP/data
ARGS=$(new_db_args "$D")
ok "2000 jobs enqueued" "$OPALE" jobs-selftest enqueue 2000 $ARGS
for i in 1 2 3 4 5 6; do
	"$OPALE" jobs-selftest work --threads 3 $ARGS >/dev/null 2>&1 &
	pid=$!
	sleep 0.$((2 + RANDOM % 5))
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
done
partial=$("$OPALE" jobs-selftest check $ARGS 2>&1)
echo "# after 6 kill -9: $partial"
has "the kills interrupted the burst (not all done yet)" "$partial" "jobs 2000"
# Leases of the killed workers expire (5 s for this kind), then the rest runs.
ok "remaining jobs run after restart" timeout 120 "$OPALE" jobs-selftest work --threads 2 --until-empty $ARGS
out=$("$OPALE" jobs-selftest check $ARGS 2>&1)
echo "# $out"
eq "every job completed exactly once: 0 duplicated, 0 lost" "$out" "jobs 2000, done 2000, executions 2000, duplicated 0, lost 0"
t_done
