#!/usr/bin/env bash
# opale backup / restore on the engine under test (both engines): a running server with the demo, folders
# with PDFs and audit entries; a backup at rest, then one taken DURING a write load (logins, folder
# uploads, jobs from another process); each restored into an empty directory (and an empty PostgreSQL
# database), then checked independently of `opale restore`'s own report: every document re-hashed with
# sha256sum, `opale audit verify`, row counts equal to the snapshot's, audit head consistent with the
# log, a server started on the restored data serves the old documents and accepts new ones. Refusals:
# non-empty target, tampered document in the archive, altered document on disk at backup time.
. "$(dirname "$0")/../lib.sh"
MKPDF=$TOP/${BUILD:-build/rel}/peers/mkpdf
PG=0; [ "${OPALE_TEST_DB:-sqlite}" = pg ] && PG=1

sql() {  # sql DATA_DIR DB_ARGS QUERY
	local dir=$1 args=$2 q=$3
	if [ $PG = 1 ]; then psql "${args##*--db }" -tAqc "$q"; else sqlite3 "$dir/opale.db" "$q"; fi
}
empty_target() {  # empty_target DIR → args for a restore target (fresh empty database on PostgreSQL)
	new_db_args "$1"
}

D=$T_TMP/live
start_server "$D" --job-workers 1 || { fail "server starts"; t_done; exit 1; }
ok "demo loaded while the server runs" "$OPALE" demo $SRV_ARGS
LIVE=$SRV_ARGS

login() {  # login JAR LOGIN → prints the CSRF token
	curl -s -c "$1" -H 'Content-Type: application/json' -d "{\"login\":\"$2\",\"password\":\"Opale-Demo-2024!\"}" \
		"$SRV_URL/api/v1/session" | sed -n 's/.*"csrf": *"\([^"]*\)".*/\1/p'
}
CSRF=$(login "$T_TMP/jar" ccpo.agent)
ok "agent logged in" test -n "$CSRF"
SUB=$(sql "$D" "$LIVE" "SELECT id FROM folder_subtypes WHERE name = 'Convention d''adhésion'")
DESK=$(sql "$D" "$LIVE" "SELECT id FROM desks WHERE name = 'Secrétariat général'")
new_folder() {  # new_folder URL JAR CSRF TITLE PDF → HTTP status
	curl -s -o /dev/null -w '%{http_code}' -b "$2" -H "X-CSRF-Token: $3" \
		-F "dossier={\"titre\":\"$4\",\"sous_type\":$SUB,\"bureau\":$DESK,\"metadonnees\":{\"montant\":\"1200\"}}" \
		-F "principal=@$5;type=application/pdf" "$1/api/v1/parapheur/dossiers"
}
created=0
for i in 1 2 3 4 5; do
	"$MKPDF" "$T_TMP/doc$i.pdf" --pages $i >/dev/null 2>&1
	[ "$(new_folder "$SRV_URL" "$T_TMP/jar" "$CSRF" "Dossier $i" "$T_TMP/doc$i.pdf")" = 201 ] && created=$((created + 1))
done
eq "5 folders with PDFs created through the API" "$created" 5
ndocs=$(sql "$D" "$LIVE" "SELECT COUNT(DISTINCT sha256) FROM folder_docs")
ok "at least 6 distinct documents (demo + 5)" test "$ndocs" -ge 6

# 1. Backup at rest, restore, compare everything.
ok "backup of the running server" "$OPALE" backup $LIVE --out "$T_TMP/b1.tar.gz"
has "backup reports the documents" "$(cat "$T_TMP/out")" "documents référencés"
R1=$T_TMP/r1; R1ARGS=$(empty_target "$R1")
ok "restore into an empty directory$([ $PG = 1 ] && echo ' and an empty PostgreSQL database')" \
	"$OPALE" restore --in "$T_TMP/b1.tar.gz" $R1ARGS
has "restore proves counts, documents and audit" "$(cat "$T_TMP/out")" "Journal d'audit intègre"
for t in users collectivites sessions audit_log folders folder_docs folder_events jobs blobs schema_migrations; do
	# The server's periodic chains (letters polling, alerts) may queue their next job after the backup:
	# jobs are compared up to the last one the snapshot holds.
	w=""; [ "$t" = jobs ] && w=" WHERE id <= $(sql "$R1" "$R1ARGS" "SELECT COALESCE(MAX(id), 0) FROM jobs")"
	a=$(sql "$D" "$LIVE" "SELECT COUNT(*) FROM $t$w"); b=$(sql "$R1" "$R1ARGS" "SELECT COUNT(*) FROM $t")
	[ "$a" = "$b" ] || fail "row count of $t equal after restore" "live $a, restored $b"
done
pass "row counts of 10 key tables equal (no other write in between; jobs up to the snapshot's last)"
# Independent re-hash of every referenced document.
bad=0 n=0
for s in $(sql "$R1" "$R1ARGS" "SELECT DISTINCT sha256 FROM folder_docs"); do
	n=$((n + 1))
	f=$R1/blobs/${s:0:2}/${s:2:2}/$s
	[ "$(sha256sum < "$f" 2>/dev/null | cut -d' ' -f1)" = "$s" ] || bad=$((bad + 1))
done
eq "every document of the restored folders re-hashed by sha256sum ($n)" "$n/$bad" "$ndocs/0"
ok "opale audit verify on the restored data" "$OPALE" audit verify $R1ARGS
la=$(sql "$D" "$LIVE" "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
eq "same last audit hash as the live database" "$(sql "$R1" "$R1ARGS" "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")" "$la"

# The restored installation works: a server on it serves an old document and takes a new folder
# (on PostgreSQL this proves the sequences came back with the rows).
P2=$(free_port)
"$OPALE" serve --listen 127.0.0.1:$P2 $R1ARGS >"$T_TMP/r1.log" 2>&1 &
T_PIDS="$T_PIDS $!"
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$P2/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
C2=$(SRV_URL=http://127.0.0.1:$P2 login "$T_TMP/jar2" ccpo.agent)
ok "demo password still works on the restored server" test -n "$C2"
F=$(sql "$R1" "$R1ARGS" "SELECT folder_id || '/documents/' || id FROM folder_docs ORDER BY id DESC LIMIT 1")
S=$(sql "$R1" "$R1ARGS" "SELECT sha256 FROM folder_docs ORDER BY id DESC LIMIT 1")
got=$(curl -s -b "$T_TMP/jar2" "http://127.0.0.1:$P2/api/v1/parapheur/dossiers/$F" | sha256sum | cut -d' ' -f1)
eq "restored server serves the last document, byte for byte" "$got" "$S"
eq "restored server accepts a new folder" "$(new_folder "http://127.0.0.1:$P2" "$T_TMP/jar2" "$C2" "Après restauration" "$T_TMP/doc1.pdf")" 201

# 2. Backup during a write load: logins (sessions + audit), uploads, jobs enqueued by another process.
load() {
	local i=0 c
	while [ ! -e "$T_TMP/stop" ]; do
		i=$((i + 1))
		c=$(login "$T_TMP/jarL" ccpo.agent)
		"$MKPDF" "$T_TMP/l.pdf" --pages $((i % 4 + 1)) --tag "charge $i" >/dev/null 2>&1
		new_folder "$SRV_URL" "$T_TMP/jarL" "$c" "Charge $i" "$T_TMP/l.pdf" >/dev/null
		"$OPALE" jobs-selftest enqueue 20 $LIVE >/dev/null 2>&1
	done
	echo $i > "$T_TMP/iterations"
}
load & LPID=$!
T_PIDS="$T_PIDS $LPID"
a0=$(sql "$D" "$LIVE" "SELECT COUNT(*) FROM audit_log")
for _ in $(seq 1 100); do [ "$(sql "$D" "$LIVE" "SELECT COUNT(*) FROM audit_log")" -ge $((a0 + 6)) ] && break; sleep 0.1; done
ok "backup during the write load" "$OPALE" backup $LIVE --out "$T_TMP/b2.tar.gz"
a1=$(sql "$D" "$LIVE" "SELECT COUNT(*) FROM audit_log")
for _ in $(seq 1 100); do [ "$(sql "$D" "$LIVE" "SELECT COUNT(*) FROM audit_log")" -gt "$a1" ] && break; sleep 0.1; done
touch "$T_TMP/stop"; wait $LPID
a2=$(sql "$D" "$LIVE" "SELECT COUNT(*) FROM audit_log")
echo "# load: $(cat "$T_TMP/iterations") iterations; audit entries $a0 → $a1 (backup done) → $a2"
ok "the load was writing before and after the backup" test "$a0" -lt "$a1" -a "$a1" -lt "$a2"
R2=$T_TMP/r2; R2ARGS=$(empty_target "$R2")
ok "restore of the backup taken under load verifies" "$OPALE" restore --in "$T_TMP/b2.tar.gz" $R2ARGS
echo "# $(cat "$T_TMP/out")"
ok "opale audit verify (under-load backup)" "$OPALE" audit verify $R2ARGS
eq "audit head matches the log (one committed state)" \
	"$(sql "$R2" "$R2ARGS" "SELECT n FROM audit_head")" "$(sql "$R2" "$R2ARGS" "SELECT COUNT(*) FROM audit_log")"
eq "every restored folder has its document" \
	"$(sql "$R2" "$R2ARGS" "SELECT COUNT(*) FROM folders f WHERE NOT EXISTS (SELECT 1 FROM folder_docs d WHERE d.folder_id = f.id)")" 0
j=$(sql "$R2" "$R2ARGS" "SELECT COUNT(*) FROM jobs WHERE kind = 'selftest.record'")
ok "the snapshot holds the load's jobs in whole batches of 20 (one transaction each): $j" test $((j % 20)) -eq 0 -a "$j" -gt 0
eq "jobs marked done = rows their handler wrote in the same transaction" \
	"$(sql "$R2" "$R2ARGS" "SELECT COUNT(*) FROM jobs WHERE kind = 'selftest.record' AND state = 'done'")" \
	"$(sql "$R2" "$R2ARGS" "SELECT COUNT(*) FROM selftest_runs")"
bad=0 n=0
for s in $(sql "$R2" "$R2ARGS" "SELECT DISTINCT sha256 FROM folder_docs"); do
	n=$((n + 1)); f=$R2/blobs/${s:0:2}/${s:2:2}/$s
	[ "$(sha256sum < "$f" 2>/dev/null | cut -d' ' -f1)" = "$s" ] || bad=$((bad + 1))
done
ok "documents of the under-load backup: $n, all re-hashed" test "$bad" = 0 -a "$n" -gt "$ndocs"

# 3. Refusals.
ko "restore into a non-empty target is refused" "$OPALE" restore --in "$T_TMP/b1.tar.gz" $R1ARGS
has "with a French reason" "$(cat "$T_TMP/out")" "restaurez dans"
mkdir -p "$T_TMP/x" && tar -xzf "$T_TMP/b1.tar.gz" -C "$T_TMP/x"
victim=$(cd "$T_TMP/x" && ls blobs/*/*/* | head -1)
printf 'X' | dd of="$T_TMP/x/$victim" bs=1 seek=200 conv=notrunc 2>/dev/null
(cd "$T_TMP/x" && tar -czf "$T_TMP/tampered.tar.gz" opale-backup.json $(ls | grep -v -e blobs -e opale-backup.json) blobs)
R3=$T_TMP/r3; R3ARGS=$(empty_target "$R3")
ko "a tampered document in the archive fails the restore" "$OPALE" restore --in "$T_TMP/tampered.tar.gz" $R3ARGS
has "and is named" "$(cat "$T_TMP/out")" "$(basename "$victim") altéré"
orig=$(ls "$D"/blobs/*/*/* | head -1)
printf 'X' | dd of="$orig" bs=1 seek=200 conv=notrunc 2>/dev/null
"$OPALE" backup $LIVE --out "$T_TMP/b3.tar.gz" >"$T_TMP/out" 2>&1
eq "backup over a rotten document exits 3 (written, incomplete)" "$?" 3
has "naming the document" "$(cat "$T_TMP/out")" "$(basename "$orig") altéré"
t_done
