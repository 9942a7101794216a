#!/usr/bin/env bash
# The acceptance of the platform issue: `opale serve` (its job workers) is killed with kill -9 three
# times during a burst of queued jobs, then restarted: every job completes exactly once. Then SIGTERM
# during a second burst: the server stops after finishing its in-flight jobs (none left running).
# Both engines.
. "$(dirname "$0")/../lib.sh"
D=$T_TMP/data
ARGS=$(new_db_args "$D")
ok "1500 jobs enqueued" "$OPALE" jobs-selftest enqueue 1500 $ARGS

done_count() { "$OPALE" jobs-selftest check $ARGS 2>/dev/null | sed -n 's/.*done \([0-9]*\),.*/\1/p'; }
serve() {
	PORT=$(free_port)
	OPALE_JOBS_POLL_MS=100 "$OPALE" serve --listen 127.0.0.1:$PORT $ARGS --job-workers 3 >>"$T_TMP/serve.log" 2>&1 &
	SPID=$!
	for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0; sleep 0.05; done
	return 1
}

last=0 kills=0
for i in 1 2 3; do
	serve || { fail "server starts" "$(tail -3 "$T_TMP/serve.log")"; break; }
	for _ in $(seq 1 200); do n=$(done_count); [ "${n:-0}" -ge $((last + 80)) ] && break; sleep 0.05; done
	[ $i = 1 ] && metrics=$(curl -s "http://127.0.0.1:$PORT/metrics")
	sleep 0.$(printf '%03d' $((RANDOM % 150)))
	kill -9 $SPID 2>/dev/null && kills=$((kills + 1))
	wait $SPID 2>/dev/null
	last=$(done_count)
	echo "# kill -9 of serve $i: $last done"
done
eq "the server was killed three times mid-burst" "$kills" 3
has "/metrics shows the queue" "${metrics:-}" 'opale_jobs{state="queued"}'
ok "not everything was done when the last kill came" test "${last:-0}" -lt 1500
serve || fail "server restarts" "$(tail -3 "$T_TMP/serve.log")"
for _ in $(seq 1 600); do n=$(done_count); [ "${n:-0}" -ge 1500 ] && break; sleep 0.1; done
out=$("$OPALE" jobs-selftest check $ARGS 2>&1)
eq "after restart every job completed exactly once" "$(echo "$out" | head -1)" "jobs 1500, done 1500, executions 1500, duplicated 0, lost 0"
echo "# $(echo "$out" | tail -1)"

# Graceful stop: SIGTERM mid-burst; the workers finish what they hold and leave nothing running.
ok "1500 more jobs enqueued" "$OPALE" jobs-selftest enqueue 1500 $ARGS
for _ in $(seq 1 200); do n=$(done_count); [ "${n:-0}" -ge 1600 ] && break; sleep 0.05; done
kill -TERM $SPID
wait $SPID
eq "SIGTERM: the server exits cleanly" "$?" 0
out=$("$OPALE" jobs-selftest check $ARGS 2>&1)
echo "# after SIGTERM: $out" | tr '\n' ' '; echo
has "no job left running after a graceful stop" "$(echo "$out" | tail -1)" "running 0"
d=$(echo "$out" | sed -n 's/.*done \([0-9]*\),.*/\1/p')
ok "stopped mid-burst (some of the second burst still queued)" test "${d:-0}" -lt 3000
has "nothing executed twice" "$(echo "$out" | head -1)" "duplicated 0"
t_done
