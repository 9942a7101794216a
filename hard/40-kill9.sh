#!/usr/bin/env bash
# Durability: KILLS (default 100) random `kill -9` of `opale serve` during mixed work, half on SQLite and
# half on PostgreSQL. While the server runs, a client uploads parapheur folders (multipart PDF) one after
# another and the job workers execute a burst of queued jobs; the server is killed at a random moment
# (0.1–0.7 s after it answers), then restarted. At the end: every upload the server acknowledged (201) is
# there once with its document intact (the SHA-256 the client computed, the blob's bytes), no folder exists twice, and every job ran exactly once.
# Counted and printed. (Transmissions and convocations join this mix when their modules are on main.)
. "$(dirname "$0")/../tests/lib.sh"
KILLS=${KILLS:-100}
# mkpdf TITLE OUT: a one-page PDF (cairo, tests/peers/mkpdf) whose bytes differ per upload.
MKPDF=$TOP/${BUILD:-build/rel}/peers/mkpdf
mkpdf() { "$MKPDF" "$2" --tag "$1" >/dev/null 2>&1; }

run_engine() { # engine kills
	local engine=$1 kills=$2 dir=$T_TMP/$1
	export OPALE_TEST_DB=$engine
	local args; args=$(new_db_args "$dir/data")
	q() { if [ "$engine" = pg ]; then psql "${args##*--db }" -tAc "$1"; else sqlite3 "$dir/data/opale.db" "$1"; fi; }
	"$OPALE" migrate $args >/dev/null && "$OPALE" demo $args >/dev/null || { fail "$engine: demo data"; return; }
	"$OPALE" jobs-selftest enqueue 4000 $args >/dev/null || { fail "$engine: jobs enqueued"; return; }
	local subtype desk; subtype=$(q "SELECT id FROM folder_subtypes WHERE tenant_id = 1 ORDER BY id LIMIT 1")
	desk=$(q "SELECT id FROM desks WHERE tenant_id = 1 AND name = 'Secrétariat général'")
	: >"$dir/acked"
	# One login (argon2id takes a while): the session lives in the database and survives the kills.
	local port0; port0=$(free_port)
	"$OPALE" serve --listen 127.0.0.1:$port0 $args --job-workers 0 >>"$dir/serve.log" 2>&1 &
	local lpid=$!
	for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port0/healthz" >/dev/null 2>&1 && break; sleep 0.02; done
	curl -s -c "$dir/jar" -H 'Content-Type: application/json' -d '{"login":"ccpo.agent","password":"Opale-Demo-2024!"}' \
		"http://127.0.0.1:$port0/api/v1/session" >"$dir/login.json"
	python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["csrf"])' "$dir/login.json" >"$dir/csrf" 2>/dev/null
	kill $lpid; wait $lpid 2>/dev/null
	ok "$engine: logged in once" test -s "$dir/csrf"
	local n=0 k=0
	for k in $(seq 1 "$kills"); do
		local port; port=$(free_port)
		OPALE_JOBS_POLL_MS=50 "$OPALE" serve --listen 127.0.0.1:$port $args --job-workers 2 >>"$dir/serve.log" 2>&1 &
		local spid=$!
		for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.02; done
		(   # the uploader: sequential folder creations, each acknowledged one written down
			csrf=$(cat "$dir/csrf")
			i=0
			while :; do
				i=$((i + 1)); title="k$k-u$i"
				mkpdf "$title" "$dir/up.pdf" || continue
				sha=$(sha256sum "$dir/up.pdf" | cut -c1-64)
				out=$(curl -s -m 5 -b "$dir/jar" -H "X-CSRF-Token: $csrf" -w '\n%{http_code}' \
					-F "dossier={\"titre\":\"$title\",\"sous_type\":$subtype,\"bureau\":$desk}" -F "principal=@$dir/up.pdf" \
					"http://127.0.0.1:$port/api/v1/parapheur/dossiers" 2>/dev/null) || continue
				[ "$(echo "$out" | tail -1)" = 201 ] && echo "$title $sha" >>"$dir/acked"
			done
		) &
		local upid=$!
		sleep "0.$(printf '%03d' $((100 + RANDOM % 600)))"
		kill -9 $spid 2>/dev/null && n=$((n + 1))
		wait $spid 2>/dev/null
		kill $upid 2>/dev/null; wait $upid 2>/dev/null
	done
	echo "# $engine: $n kill -9, $(wc -l <"$dir/acked") uploads acknowledged before the kills"
	eq "$engine: $kills kill -9 delivered" "$n" "$kills"
	# Restart once and let the queue drain.
	local port; port=$(free_port)
	OPALE_JOBS_POLL_MS=50 "$OPALE" serve --listen 127.0.0.1:$port $args --job-workers 2 >>"$dir/serve.log" 2>&1 &
	local spid=$!; T_PIDS="${T_PIDS:-} $spid"
	for _ in $(seq 1 1200); do
		"$OPALE" jobs-selftest check $args 2>/dev/null | grep -q 'done 4000,' && break; sleep 0.1
	done
	local out; out=$("$OPALE" jobs-selftest check $args 2>&1 | head -1)
	echo "# $engine jobs: $out"
	eq "$engine: every job ran exactly once" "$out" "jobs 4000, done 4000, executions 4000, duplicated 0, lost 0"
	kill $spid; wait $spid 2>/dev/null
	local lost=0 bad=0 t
	local sha
	while read -r t sha; do
		local c; c=$(q "SELECT count(*) FROM folders WHERE tenant_id = 1 AND title = '$t'")
		[ "$c" = 1 ] || lost=$((lost + 1))
		local h; h=$(q "SELECT d.sha256 FROM folder_docs d JOIN folders f ON f.id = d.folder_id WHERE f.tenant_id = 1 AND f.title = '$t' LIMIT 1" 2>/dev/null)
		local p="$dir/data/blobs/${sha:0:2}/${sha:2:2}/$sha"
		[ "$h" = "$sha" ] && [ -f "$p" ] && [ "$(sha256sum "$p" | cut -c1-64)" = "$sha" ] || { bad=$((bad + 1)); echo "# $engine: $t: client sha $sha, stored «$h», blob $([ -f "$p" ] && echo present || echo missing)"; }
	done <"$dir/acked"
	local dups; dups=$(q "SELECT count(*) FROM (SELECT title FROM folders WHERE tenant_id = 1 GROUP BY title HAVING count(*) > 1) x")
	echo "# $engine uploads: $(wc -l <"$dir/acked") acknowledged, $lost lost, $bad with a wrong or missing document, $dups titles twice"
	eq "$engine: acknowledged uploads lost" "$lost" 0
	eq "$engine: acknowledged uploads with a wrong document" "$bad" 0
	eq "$engine: folders stored twice" "$dups" 0
	ok "$engine: some uploads were acknowledged" test "$(wc -l <"$dir/acked")" -gt 0
}
run_engine sqlite $((KILLS / 2))
if [ -n "${OPALE_TEST_PG_BASE:-}" ]; then run_engine pg $((KILLS - KILLS / 2)); else fail "PostgreSQL available for the pg half"; fi
t_done
