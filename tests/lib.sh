# tests/lib.sh — shared helpers for shell tests (TAP output read by tests/run).
# Source it: . "$(dirname "$0")/../lib.sh"   Then: ok "desc" cmd…   ;  t_done at the end.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OPALE=${OPALE:-$TOP/opale}
SHARED=${SHARED:-$TOP/../shared}
T_FAILED=0
T_COUNT=0
T_TMP=$(mktemp -d /tmp/opale-t.XXXXXX)
trap 't_cleanup' EXIT

t_cleanup() {
	for p in ${T_PIDS:-}; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T_TMP"
}

pass() { T_COUNT=$((T_COUNT+1)); echo "ok - $1"; }
fail() { T_COUNT=$((T_COUNT+1)); T_FAILED=$((T_FAILED+1)); echo "not ok - $1"; shift; [ $# -gt 0 ] && echo "#   $*"; return 0; }

# ok "description" command args… — passes when the command exits 0 (output kept in $T_TMP/out).
ok() {
	local d=$1; shift
	if "$@" >"$T_TMP/out" 2>&1; then pass "$d"; else fail "$d" "exit $?: $(head -c 600 "$T_TMP/out")"; fi
}
# ko "description" command args… — passes when the command exits non-zero.
ko() {
	local d=$1; shift
	if "$@" >"$T_TMP/out" 2>&1; then fail "$d" "unexpected success: $(head -c 600 "$T_TMP/out")"; else pass "$d"; fi
}
# eq "description" actual expected
eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got «$2», expected «$3»"; fi; }
# has "description" haystack needle
has() { case "$2" in *"$3"*) pass "$1";; *) fail "$1" "«$3» not found in «$(printf %s "$2" | head -c 600)»";; esac; }

# Free loopback TCP port.
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# Database URL for the engine under test: OPALE_TEST_DB=sqlite (default) or pg (uses OPALE_TEST_PG_URL).
# new_db_args DIR → prints "--data DIR" plus "--db URL" for PostgreSQL (a fresh database each call).
new_db_args() {
	local dir=$1
	mkdir -p "$dir"
	if [ "${OPALE_TEST_DB:-sqlite}" = pg ]; then
		local name="t_$(basename "$dir" | tr -c 'a-zA-Z0-9_\n' _)_$$_$RANDOM"
		psql "$OPALE_TEST_PG_ADMIN" -qc "CREATE DATABASE $name" >/dev/null
		echo "--data $dir --db ${OPALE_TEST_PG_BASE}/$name"
	else
		echo "--data $dir"
	fi
}

# start_server DIR [extra args] → sets SRV_URL, SRV_PID; migrates and waits for /healthz.
start_server() {
	local dir=$1; shift
	SRV_ARGS=$(new_db_args "$dir")
	"$OPALE" migrate $SRV_ARGS >/dev/null || return 1
	SRV_PORT=$(free_port)
	"$OPALE" serve --listen 127.0.0.1:$SRV_PORT $SRV_ARGS "$@" >"$dir/server.log" 2>&1 &
	SRV_PID=$!
	T_PIDS="${T_PIDS:-} $SRV_PID"
	SRV_URL=http://127.0.0.1:$SRV_PORT
	for _ in $(seq 1 100); do
		curl -sf "$SRV_URL/healthz" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "# server did not start: $(tail -5 "$dir/server.log")"
	return 1
}

t_done() { echo "# $T_COUNT checks, $T_FAILED failed"; [ "$T_FAILED" -eq 0 ]; }
