#!/usr/bin/env bash
# Fuzz smoke: builds every libFuzzer target (clang-14, ASan+UBSan) and runs each for a short time
# (FUZZ_SMOKE_SECONDS, default 30, as issue #13 asks), two targets at a time, on its seed corpus; a crash
# fails the test. The long runs are in
# `make check-hard` (docs/reliability.md).
. "$(dirname "$0")/../lib.sh"
SECS=${FUZZ_SMOKE_SECONDS:-30}
JOBS=${FUZZ_SMOKE_JOBS:-2}
# Below 2 seconds the smoke is skipped altogether (no clang build): the landing runs on a shared 2-core
# machine set FUZZ_SMOKE_SECONDS=1; CI and `make test` use the default.
if [ "$SECS" -lt 2 ]; then echo "# fuzz smoke skipped (FUZZ_SMOKE_SECONDS=$SECS)"; exit 0; fi
if ! command -v clang-14 >/dev/null; then fail "clang-14 is installed (make deps)"; t_done; exit; fi
if ! make -s -C "$TOP/fuzz" -j2 >"$T_TMP/build.log" 2>&1; then
	fail "fuzz targets build" "$(tail -20 "$T_TMP/build.log")"; t_done; exit
fi
pass "fuzz targets build"
smoke() { # bin: one target for SECS seconds from a scratch copy of its corpus; its exit status in NAME.rc
	local bin=$1 name work
	name=$(basename "$bin" _fuzz); work="$T_TMP/corpus-$name"; mkdir -p "$work"
	[ -d "$TOP/fuzz/corpus/$name" ] && cp -r "$TOP/fuzz/corpus/$name"/. "$work"/ 2>/dev/null
	(cd "$T_TMP" && "$bin" "$work" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		>"$T_TMP/$name.log" 2>&1)
	echo $? >"$T_TMP/$name.rc"
}
running=0
for bin in "$TOP"/fuzz/out/*_fuzz; do
	smoke "$bin" &
	running=$((running + 1))
	if [ $running -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait
for bin in "$TOP"/fuzz/out/*_fuzz; do
	name=$(basename "$bin" _fuzz)
	if [ "$(cat "$T_TMP/$name.rc" 2>/dev/null)" = 0 ]; then
		execs=$(awk '/stat::number_of_executed_units/{print $2}' "$T_TMP/$name.log")
		pass "fuzz $name: ${SECS}s, ${execs:-?} inputs, no crash"
	else
		fail "fuzz $name: ${SECS}s without crash" "$(grep -m5 -E 'ERROR|SUMMARY|==[0-9]+==' "$T_TMP/$name.log")"
	fi
done
t_done
