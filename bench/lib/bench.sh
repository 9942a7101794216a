# bench/lib/bench.sh — shell functions the benchmarks share (sourced by bench/*.sh; bench/run runs
# only bench/*.sh, not this folder). They use the caller's W (work directory) and SECS (wrk duration).

# A free TCP port on 127.0.0.1.
bench_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# The synthetic acts of P6 in $W/acts.tsv (bench/p6_gen.py: N acts over TENANTS collectivités): the file
# P6_ACTS names when it exists (an earlier run with the same N and TENANTS), else generated — and kept
# there when P6_ACTS is set.
bench_p6_acts() {
	if [ -n "${P6_ACTS:-}" ] && [ -s "$P6_ACTS" ]; then
		ln -s "$(realpath "$P6_ACTS")" "$W/acts.tsv"
	else
		python3 bench/p6_gen.py "$N" "$TENANTS" "$W/acts.tsv" "$SHARED/seed/documents-ccpo-2024.txt" 2>>"$W/gen.log" || return 1
		[ -n "${P6_ACTS:-}" ] && cp "$W/acts.tsv" "$P6_ACTS"
	fi
	return 0
}

# bench_db ENGINE NAME: a fresh database — SQLite under $W/sqlite, or the PostgreSQL database NAME
# (created) —, migrated, with the demo loaded; prints the opale options that name it.
bench_db() {
	local args
	if [ "$1" = pg ]; then
		psql "$OPALE_TEST_PG_ADMIN" -qc "CREATE DATABASE $2" >/dev/null
		args="--data $W/pg --db $OPALE_TEST_PG_BASE/$2"
	else
		args="--data $W/sqlite"
	fi
	./opale migrate $args >/dev/null && ./opale demo $args >/dev/null && echo "$args"
}

# bench_serve PORT LOG OPTIONS...: starts `opale serve` (2 threads, warnings into LOG) on
# 127.0.0.1:PORT with OPTIONS and waits until /healthz answers (10 s at most); OPID is its pid.
bench_serve() {
	local port=$1 log=$2
	shift 2
	./opale serve --listen 127.0.0.1:$port "$@" --threads 2 --log-level warn 2>"$log" &
	OPID=$!
	for _ in $(seq 200); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.05; done
}

# bench_wrk URL PREFIX [WRK OPTIONS...]: the request mix $W/mix.lua against URL, then URL/healthz (the
# reference), 4 connections for SECS seconds each, into PREFIX.wrk and PREFIX.ref; then sets P99, RPS
# and NON2XX (the mix) and P99_REF (the reference).
bench_wrk() {
	local url=$1 out=$2
	shift 2
	wrk -t2 -c4 -d"${SECS}s" --latency -s "$W/mix.lua" "$@" "$url" >"$out.wrk" 2>&1
	wrk -t2 -c4 -d"${SECS}s" --latency "$url/healthz" >"$out.ref" 2>&1
	P99=$(awk '$1=="99%"{print $2}' "$out.wrk"); RPS=$(awk '/Requests\/sec/{print int($2)}' "$out.wrk")
	P99_REF=$(awk '$1=="99%"{print $2}' "$out.ref")
	NON2XX=$(awk '/Non-2xx/{print $NF}' "$out.wrk")
}
