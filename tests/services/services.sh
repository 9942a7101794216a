# tests/services/services.sh — throw-away PostgreSQL cluster and SMTP server for the test run.
# Exports OPALE_TEST_PG_ADMIN (superuser URL), OPALE_TEST_PG_BASE (URL without database name),
# OPALE_TEST_SMTP (host:port) and OPALE_TEST_MAILDIR (Maildir the SMTP server writes).

SVC_DIR=/tmp/opale-test-services.$$

services_start() {
	mkdir -p "$SVC_DIR"
	chmod 755 "$SVC_DIR"
	pg_start || echo "# PostgreSQL unavailable: integration tests run on SQLite only" >&2
	smtp_start || echo "# SMTP test server unavailable" >&2
}

pg_start() {
	local bin
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -n "$bin" ] && [ -x "$bin/initdb" ] || return 1
	local port
	port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
	local data=$SVC_DIR/pg
	mkdir -p "$data"
	local as=()
	if [ "$(id -u)" -eq 0 ]; then chown postgres "$data"; as=(runuser -u postgres --); fi
	"${as[@]}" "$bin/initdb" -D "$data" -U opale --auth=trust -E UTF8 --locale=C.UTF-8 >"$SVC_DIR/initdb.log" 2>&1 || return 1
	"${as[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
		-o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
		start >/dev/null 2>&1 || return 1
	PG_BIN=$bin; PG_DATA=$data
	export OPALE_TEST_PG_BASE="postgresql://opale@127.0.0.1:$port"
	export OPALE_TEST_PG_ADMIN="$OPALE_TEST_PG_BASE/postgres"
	echo "# PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port" >&2
}

smtp_start() {
	/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || return 1
	local port
	port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
	export OPALE_TEST_MAILDIR=$SVC_DIR/maildir
	/usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/smtp_server.py" "127.0.0.1:$port" "$OPALE_TEST_MAILDIR" \
		>"$SVC_DIR/smtp.log" 2>&1 &
	SMTP_PID=$!
	export OPALE_TEST_SMTP="127.0.0.1:$port"
	for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

services_stop() {
	[ -n "${SMTP_PID:-}" ] && kill "$SMTP_PID" 2>/dev/null
	if [ -n "${PG_DATA:-}" ]; then
		local as=()
		[ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
		"${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1
	fi
	rm -rf "$SVC_DIR"
}
