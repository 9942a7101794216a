#!/usr/bin/env bash
# `opale migrate` on the engine under test: first run, idempotent second run, four processes
# migrating one fresh database at once, refusal of a schema newer than the binary.
. "$(dirname "$0")/../lib.sh"

sql() {  # sql ARGS… QUERY — one value from the database named by ARGS
	local q=${*: -1} url
	if [ "${OPALE_TEST_DB:-sqlite}" = pg ]; then
		url=$(echo "$ARGS" | sed 's/.*--db //')
		psql "$url" -tAqc "$q"
	else
		sqlite3 "$D/opale.db" "$q"
	fi
}

D=$T_TMP/a
ARGS=$(new_db_args "$D")
ok "first migrate" "$OPALE" migrate $ARGS
first=$(cat "$T_TMP/out")
has "reports the version reached" "$first" "Schéma à jour (version"
ok "second migrate" "$OPALE" migrate $ARGS
eq "second run reports the same version" "$(cat "$T_TMP/out")" "$first"
n=$(sql "SELECT COUNT(*) FROM schema_migrations")
# Numbers are reserved by module (docs/storage.md), so count the files rather than assume 1…N.
files=$(ls "$TOP"/src/db/migrations/*.sql | wc -l)
v=$(sql "SELECT MAX(version) FROM schema_migrations")
eq "one row per migration, nothing applied twice" "$n" "$files"

# Four processes racing on one fresh database (several services starting at once).
D=$T_TMP/b
ARGS=$(new_db_args "$D")
pids=
for i in 1 2 3 4; do "$OPALE" migrate $ARGS >"$T_TMP/m$i" 2>&1 & pids="$pids $!"; done
fails=0
for p in $pids; do wait $p || fails=$((fails+1)); done
eq "four concurrent migrate processes all succeed" "$fails" "0"
[ "$fails" = 0 ] || cat "$T_TMP"/m? | sed 's/^/# /'
eq "the schema is complete once" "$(sql "SELECT COUNT(*) FROM schema_migrations")" "$files"

sql "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v + 1, 'futur.sql', 0)" >/dev/null
ko "a schema newer than the binary is refused" "$OPALE" migrate $ARGS
has "with a French explanation" "$(cat "$T_TMP/out")" "version plus récente d'Opale"
t_done
