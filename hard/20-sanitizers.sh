#!/usr/bin/env bash
# The whole `make test` suite on the ASan+UBSan build (make SAN=1): every test binary, the server the
# integration tests start and the CLI the shell tests call are instrumented; LeakSanitizer is on.
# Then the release binary is rebuilt. Reports: any "not ok", and any sanitizer line in the test logs.
. "$(dirname "$0")/../tests/lib.sh"
cd "$TOP"
if make -s SAN=1 -j"$(nproc)" tests >"$T_TMP/build.log" 2>&1; then pass "ASan+UBSan build"; else fail "ASan+UBSan build" "$(tail -20 "$T_TMP/build.log")"; fi
BUILD=build/san FUZZ_SMOKE_SECONDS=${SAN_FUZZ_SECONDS:-5} tests/run >"$T_TMP/san.log" 2>&1
last=$(tail -1 "$T_TMP/san.log")
echo "# suite under sanitizers: $last"
grep '^not ok' build/test-logs/*.log | head -30 | sed 's/^/# /'
case "$last" in *" 0 failed") pass "whole suite under ASan+UBSan: $last" ;; *) fail "whole suite under ASan+UBSan" "$last" ;; esac
reports=$(grep -lE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' build/test-logs/*.log 2>/dev/null)
eq "no sanitizer report in any test log" "${reports:-none}" none
make -s -j"$(nproc)" tests >/dev/null 2>&1 && pass "release build restored" || fail "release build restored"
t_done
