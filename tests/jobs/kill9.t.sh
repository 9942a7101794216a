#!/usr/bin/env bash
# Durability: 2 000 jobs; a worker process is started, killed with kill -9 once it is visibly mid-burst
# (at least 80 more completions since the last kill, then 0–150 ms more), six times; then workers run
# to the end. Every job must complete exactly once (each job's effect commits with its completion),
# and the kills must really have interrupted jobs between claim and completion. Both engines.
. "$(dirname "$0")/../lib.sh"
D=$T_TMP/data
ARGS=$(new_db_args "$D")
ok "2000 jobs enqueued" "$OPALE" jobs-selftest enqueue 2000 $ARGS

done_count() { "$OPALE" jobs-selftest check $ARGS 2>/dev/null | sed -n 's/.*done \([0-9]*\),.*/\1/p'; }

last=0 kills=0
for i in 1 2 3 4 5 6; do
	"$OPALE" jobs-selftest work --threads 3 $ARGS >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 1 200); do
		n=$(done_count); [ "${n:-0}" -ge $((last + 80)) ] && break
		sleep 0.05
	done
	sleep 0.$(printf '%03d' $((RANDOM % 150)))
	kill -9 $pid 2>/dev/null && kills=$((kills + 1))
	wait $pid 2>/dev/null
	last=$(done_count)
	echo "# kill $i: $last done"
done
eq "six workers killed with kill -9 mid-burst" "$kills" 6
partial=$("$OPALE" jobs-selftest check $ARGS 2>&1 | head -1)
echo "# after the kills: $partial"
d=$(echo "$partial" | sed -n 's/.*done \([0-9]*\),.*/\1/p')
ok "the kills interrupted the burst (some but not all jobs done)" test "${d:-0}" -gt 0 -a "${d:-0}" -lt 2000
# Leases of the killed workers expire (5 s for this kind), then the rest runs.
ok "remaining jobs run after restart" timeout 120 "$OPALE" jobs-selftest work --threads 2 --until-empty $ARGS
out=$("$OPALE" jobs-selftest check $ARGS 2>&1)
echo "# $out" | tr '\n' ' '; echo
eq "every job completed exactly once: 0 duplicated, 0 lost" "$(echo "$out" | head -1)" "jobs 2000, done 2000, executions 2000, duplicated 0, lost 0"
r=$(echo "$out" | sed -n "s/^resumed \([0-9]*\),.*/\1/p")
ok "kills hit jobs between claim and completion, which were resumed (resumed ≥ 1)" test "${r:-0}" -ge 1
t_done
