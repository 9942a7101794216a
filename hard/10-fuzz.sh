#!/usr/bin/env bash
# Every libFuzzer target (fuzz/*_fuzz.c, ASan+UBSan) for FUZZ_SECONDS of CPU each (default 600 = 10 CPU-minutes),
# FUZZ_JOBS targets at a time (default: number of cores), starting from fuzz/corpus/<name>/. New inputs go to
# a scratch copy; crashes are kept in build/hard-logs/fuzz-crashes/ and fail the test.
# FUZZ_TARGETS="pdf pes" limits the run to those targets (default: all).
. "$(dirname "$0")/../tests/lib.sh"
SECS=${FUZZ_SECONDS:-600}
JOBS=${FUZZ_JOBS:-$(nproc)}
CRASH=$TOP/build/hard-logs/fuzz-crashes
mkdir -p "$CRASH"
if ! make -s -C "$TOP/fuzz" -j"$JOBS" >"$T_TMP/build.log" 2>&1; then fail "fuzz targets build" "$(tail -20 "$T_TMP/build.log")"; t_done; exit; fi
pass "fuzz targets build"
run_target() { # runs in chunks until the target has used SECS seconds of CPU (wall time is not CPU time
	# on a shared machine); the corpus grows across chunks.
	local bin=$1 name work cs=0 rc=0 chunk   # cs: CPU used so far, in centiseconds
	name=$(basename "$bin" _fuzz); work=$T_TMP/corpus-$name; mkdir -p "$work" "$CRASH/$name"
	[ -d "$TOP/fuzz/corpus/$name" ] && cp -r "$TOP/fuzz/corpus/$name"/. "$work"/
	: >"$T_TMP/$name.log"
	while [ "$cs" -lt $((SECS * 100)) ]; do
		chunk=$(( (SECS * 100 - cs + 99) / 100 )); [ $chunk -gt 120 ] && chunk=120; [ $chunk -lt 2 ] && chunk=2
		(cd "$CRASH/$name" && /usr/bin/time -f '%U %S' -o "$T_TMP/$name.time" \
			"$bin" "$work" -max_total_time="$chunk" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1) >>"$T_TMP/$name.log" 2>&1
		rc=$?
		cs=$(awk -v c="$cs" -v s="$SECS" 'NF == 2 {printf "%d", c + ($1 + $2) * 100; ok = 1} END {if (!ok) printf "%d", s * 100}' "$T_TMP/$name.time")
		[ $rc -ne 0 ] && break
	done
	echo "$rc" >"$T_TMP/$name.rc"; echo $((cs / 100)) >"$T_TMP/$name.cpu"
}
running=0
targets() { # the target binaries selected by FUZZ_TARGETS (names without _fuzz), all by default
	local bin
	for bin in "$TOP"/fuzz/out/*_fuzz; do
		if [ -z "${FUZZ_TARGETS:-}" ] || [[ " $FUZZ_TARGETS " == *" $(basename "$bin" _fuzz) "* ]]; then echo "$bin"; fi
	done
}
for bin in $(targets); do
	run_target "$bin" &
	running=$((running + 1))
	if [ $running -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait
for bin in $(targets); do
	name=$(basename "$bin" _fuzz)
	execs=$(awk '/stat::number_of_executed_units/{n += $2} END{print n}' "$T_TMP/$name.log")
	cpu=$(cat "$T_TMP/$name.cpu")
	cov=$(grep -o 'cov: [0-9]*' "$T_TMP/$name.log" | tail -1)
	echo "# fuzz $name: ${cpu} CPU-seconds, ${execs:-?} inputs, ${cov:-cov ?}, corpus $(ls "$T_TMP/corpus-$name" | wc -l) files"
	if [ "$(cat "$T_TMP/$name.rc")" = 0 ]; then pass "fuzz $name ${cpu} CPU-s (≥ $SECS): ${execs:-?} inputs, 0 crashes"
	else fail "fuzz $name ${SECS}s without crash" "$(grep -m5 -E 'ERROR|SUMMARY|==[0-9]+==' "$T_TMP/$name.log") (input in $CRASH/$name)"; fi
done
t_done
