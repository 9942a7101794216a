#!/usr/bin/env bash
# Upgrade from the first release of the schema (both engines): a database written by the release of
# migrations 0001–0003 (tests/data/upgrade, dumped from that binary with demo data, 25 queued jobs and
# a login) is refused by `opale serve` until migrated, then migrated by the current binary; data kept,
# audit chain continued, old password logs in, old queued jobs run exactly once, new modules usable.
# Then a schema newer than the binary is refused by migrate and serve, and nothing is touched.
. "$(dirname "$0")/../lib.sh"
FIX=$TOP/tests/data/upgrade
PG=0; [ "${OPALE_TEST_DB:-sqlite}" = pg ] && PG=1
D=$T_TMP/d
ARGS=$(new_db_args "$D")
sql() { if [ $PG = 1 ]; then psql "${ARGS##*--db }" -tAqc "$1"; else sqlite3 "$D/opale.db" "$1"; fi; }

(cd "$TOP" && sha256sum --quiet -c "$FIX/r1-migrations.sha256") >"$T_TMP/sums" 2>&1
eq "released migrations 0001–0003 are byte for byte those of the first release" "$?" 0

if [ $PG = 1 ]; then
	ok "first-release database loaded (PostgreSQL dump)" psql "${ARGS##*--db }" -v ON_ERROR_STOP=1 -q -f "$FIX/r1-pg.sql"
else
	ok "first-release database loaded (SQLite dump)" sqlite3 "$D/opale.db" ".read $FIX/r1-sqlite.sql"
fi
eq "it records migrations 1, 2, 3 only" "$(sql "SELECT version FROM schema_migrations ORDER BY version" | paste -sd,)" "1,2,3"
before=""
for t in operators collectivites users memberships sessions audit_log jobs; do before="$before $t=$(sql "SELECT COUNT(*) FROM $t")"; done
echo "# first release:$before"

PORT=$(free_port)
# Refused = exits 1 at once (a server that started would be stopped by timeout: 124).
serve_rc() { timeout 10 "$OPALE" serve --listen 127.0.0.1:$PORT $ARGS >"$T_TMP/out" 2>&1; echo $?; }
eq "opale serve refuses the old schema (exit 1)" "$(serve_rc)" 1
has "and says to run opale migrate" "$(cat "$T_TMP/out")" "opale migrate"

ok "opale migrate upgrades it" "$OPALE" migrate $ARGS
files=$(ls "$TOP"/src/db/migrations/*.sql | wc -l)
eq "every migration of this binary now recorded once" "$(sql "SELECT COUNT(*) FROM schema_migrations")" "$files"
after=""
for t in operators collectivites users memberships sessions audit_log jobs; do after="$after $t=$(sql "SELECT COUNT(*) FROM $t")"; done
eq "rows of the first release all kept" "$after" "$before"
eq "jobs queued before the lease column got the default lease" "$(sql "SELECT COUNT(*) FROM jobs WHERE lease = 300")" 25
ok "audit chain of the first release verifies after the upgrade" "$OPALE" audit verify $ARGS
ok "demo steps added since (parapheur) load on the upgraded base" "$OPALE" demo $ARGS

start() {
	"$OPALE" serve --listen 127.0.0.1:$PORT $ARGS --job-workers 0 >"$T_TMP/serve.log" 2>&1 &
	SPID=$!; T_PIDS="${T_PIDS:-} $SPID"
	for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0; sleep 0.05; done
	return 1
}
ok "opale serve starts on the upgraded base" start
st=$(curl -s -o "$T_TMP/login" -w '%{http_code}' -c "$T_TMP/jar" -H 'Content-Type: application/json' \
	-d '{"login":"ccpo.admin","password":"Opale-Demo-2024!"}' "http://127.0.0.1:$PORT/api/v1/session")
eq "a password hashed by the first release still logs in" "$st" 200
desks=$(curl -s -b "$T_TMP/jar" "http://127.0.0.1:$PORT/api/v1/parapheur/bureaux")
has "a module added after the first release answers on it" "$desks" "Présidence"
kill $SPID; wait $SPID 2>/dev/null
ok "jobs queued by the first release run on the new binary" "$OPALE" jobs-selftest work --until-empty $ARGS
out=$("$OPALE" jobs-selftest check $ARGS 2>&1 | head -1)
eq "each exactly once" "$out" "jobs 25, done 25, executions 25, duplicated 0, lost 0"
ok "audit chain verifies across both versions' entries" "$OPALE" audit verify $ARGS
has "including the new login" "$(cat "$T_TMP/out")" "$(sql "SELECT COUNT(*) FROM audit_log") entrée(s)"

# A newer binary migrated this database (version unknown here): refused, nothing touched.
sql "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9990, '9990_futur.sql', 0)" >/dev/null
n=$(sql "SELECT COUNT(*) FROM schema_migrations")
ko "opale migrate refuses a newer schema" "$OPALE" migrate $ARGS
has "naming the unknown migration" "$(cat "$T_TMP/out")" "migration 9990 inconnue"
eq "opale serve refuses a newer schema (exit 1)" "$(serve_rc)" 1
has "with the same reason" "$(cat "$T_TMP/out")" "version plus récente"
eq "nothing applied or removed" "$(sql "SELECT COUNT(*) FROM schema_migrations")" "$n"
t_done
