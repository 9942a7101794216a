#!/usr/bin/env bash
# Fuzz smoke: builds every libFuzzer target (clang-14, ASan+UBSan) and runs each for a short time
# (FUZZ_SMOKE_SECONDS, default 10) on its seed corpus; a crash fails the test. The long runs are in
# `make check-hard` (docs/reliability.md).
. "$(dirname "$0")/../lib.sh"
SECS=${FUZZ_SMOKE_SECONDS:-10}
# Below 2 seconds the smoke is skipped altogether (no clang build): the landing runs on a shared 2-core
# machine set FUZZ_SMOKE_SECONDS=1; CI and `make test` use the default.
if [ "$SECS" -lt 2 ]; then echo "# fuzz smoke skipped (FUZZ_SMOKE_SECONDS=$SECS)"; exit 0; fi
if ! command -v clang-14 >/dev/null; then fail "clang-14 is installed (make deps)"; t_done; exit; fi
if ! make -s -C "$TOP/fuzz" -j2 >"$T_TMP/build.log" 2>&1; then
	fail "fuzz targets build" "$(tail -20 "$T_TMP/build.log")"; t_done; exit
fi
pass "fuzz targets build"
for bin in "$TOP"/fuzz/out/*_fuzz; do
	name=$(basename "$bin" _fuzz)
	corpus="$TOP/fuzz/corpus/$name"
	work="$T_TMP/corpus-$name"; mkdir -p "$work"
	[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null
	if (cd "$T_TMP" && "$bin" "$work" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		>"$T_TMP/$name.log" 2>&1); then
		execs=$(awk '/stat::number_of_executed_units/{print $2}' "$T_TMP/$name.log")
		pass "fuzz $name: ${SECS}s, ${execs:-?} inputs, no crash"
	else
		fail "fuzz $name: ${SECS}s without crash" "$(grep -m5 -E 'ERROR|SUMMARY|==[0-9]+==' "$T_TMP/$name.log")"
	fi
done
t_done
