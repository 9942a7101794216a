#!/usr/bin/env bash
# P1 — signatures per second with 2 threads in one process (`opale sign … --repeat N --threads 2`,
# the key unlocked once and shared, as in the server), next to the machine's limit for the same work
# measured in the same run with `openssl speed`:
#   limit = 2 / (1 / rsa2048 sign/s per core + 1 MB / sha256 bytes/s)        (PAdES and CAdES, 1 MB)
# PAdES on a 1 MB cairo PDF (incremental update, invisible signature), CAdES on the same file; PES
# on a generated ~2 MB PES_Aller with 2 bordereaux, next to `xmllint --exc-c14n` of the same file
# (one parse + one canonicalisation: less than signing does) run twice in parallel.
# Two readings: wall clock (the machine is shared: other processes take cores) with openssl speed
# -elapsed, and CPU time (docs per CPU second of our process ÷ the per-core limit from openssl speed's
# CPU-time figures), which does not depend on what else runs. Under 1 minute.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/rel}
TMP=$(mktemp -d /tmp/opale-p1.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
N=${P1_N:-1500}
NPES=${P1_NPES:-12}
[ -x "$BUILD/peers/mkpdf" ] || make -s peers >/dev/null
bash tests/sign/pki.sh "$TMP/pki" >/dev/null 2>&1 || { echo "PKI failed" >&2; exit 1; }
"$BUILD/peers/mkpdf" "$TMP/doc.pdf" --pages 3 --kb 1024 || exit 1
./opale pes gen "$TMP/pes.xml" --mb 2 >/dev/null || exit 1
head -c 4096 /dev/urandom >"$TMP/pol.pdf"
bytes=$(stat -c %s "$TMP/doc.pdf")

# openssl speed figures: "sign/s" (rsa2048) and bytes/s (sha256 on 1 MiB blocks); $1 = "" or -elapsed
rsa() { openssl speed $1 -seconds 1 -mr rsa2048 2>/dev/null | awk -F: '/^\+F2:/{print $4}'; }
sha() { openssl speed $1 -seconds 1 -mr -bytes 1048576 -evp sha256 2>/dev/null | awk -F: '/^\+F:/{print $4}'; }
rsa_cpu=$(rsa ""); sha_cpu=$(sha "")
rsa_wall=$(rsa -elapsed); sha_wall=$(sha -elapsed)
limit() { awk -v r="$1" -v h="$2" -v b="$bytes" 'BEGIN { printf "%.0f", 2 / (1 / r + b / h) }'; }
lim_wall=$(limit "$rsa_wall" "$sha_wall"); lim_cpu=$(limit "$rsa_cpu" "$sha_cpu")

# run FORMAT N IN [opts] → "docs_per_s_wall docs_per_cpu_s"
run() {
	local f=$1 n=$2 in=$3; shift 3
	/usr/bin/time -f '%e %U %S' -o "$TMP/t" ./opale sign "$f" --p12 "$TMP/pki/user.p12" --password-file "$TMP/pki/pass.txt" \
		--repeat "$n" --threads 2 "$@" "$in" "$TMP/out.$f" 2>"$TMP/err" || { cat "$TMP/err" >&2; echo "0 0"; return; }
	local s; s=$(grep -o 'en [0-9.]* s' "$TMP/err" | awk '{print $2}')
	read -r _ u sy <"$TMP/t"
	awk -v n="$n" -v s="$s" -v c="$(awk -v u="$u" -v y="$sy" 'BEGIN{print u + y}')" \
		'BEGIN { printf "%.0f %.0f", n / s, (c > 0 ? (n + 1) / c : 0) }'
}
read -r pa_wall pa_cpu < <(run pades "$N" "$TMP/doc.pdf")
read -r ca_wall ca_cpu < <(run cades "$N" "$TMP/doc.pdf")
read -r pe_wall pe_cpu < <(run pes "$NPES" "$TMP/pes.xml" --policy-file "$TMP/pol.pdf")
pdfsig "$TMP/out.pades" 2>&1 | grep -q 'Signature is Valid' || pa_wall="$pa_wall (pdfsig: NOT VALID!)"

# xmllint --exc-c14n, two processes at a time, NPES files each
s=$(date +%s.%N)
for j in 1 2; do ( for i in $(seq 1 "$((NPES / 2))"); do xmllint --exc-c14n "$TMP/pes.xml" >/dev/null; done ) & done
wait
e=$(date +%s.%N)
x_wall=$(awk -v n="$NPES" -v s="$s" -v e="$e" 'BEGIN { printf "%.1f", n / (e - s) }')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "| P1 | PAdES docs/s, $mb MiB PDF, 2 threads (wall clock) | $pa_wall/s | limit 2/(1/rsa2048 + 1 MB/sha256), openssl speed -elapsed: $lim_wall/s (rsa $(printf %.0f "$rsa_wall") sign/s, sha256 $(awk -v h="$sha_wall" 'BEGIN{printf "%.0f", h/1e6}') MB/s) | $(ratio "$pa_wall" "$lim_wall") | ≥ 0.7 |"
echo "| P1.cpu | PAdES docs per CPU second ×2 cores (same run) | $pa_cpu/s per core | per-core limit (openssl speed CPU time): $(awk -v l="$lim_cpu" 'BEGIN{printf "%.0f", l/2}')/s (rsa $(printf %.0f "$rsa_cpu") sign/s, sha256 $(awk -v h="$sha_cpu" 'BEGIN{printf "%.0f", h/1e6}') MB/s) | $(ratio "$pa_cpu" "$(awk -v l="$lim_cpu" 'BEGIN{print l/2}')") | ≥ 0.7 |"
echo "| P1.2 | CAdES detached .p7s of the same file, 2 threads (wall clock) | $ca_wall/s ($ca_cpu per CPU s) | same limit: $lim_wall/s | $(ratio "$ca_wall" "$lim_wall") | ≥ 0.7 |"
echo "| P1.3 | PES signed (XAdES enveloped, $(grep -c '<Bordereau' "$TMP/pes.xml") bordereaux, $(awk -v b="$(stat -c %s "$TMP/pes.xml")" 'BEGIN{printf "%.1f", b/1048576}') MiB), 2 threads | $pe_wall/s ($pe_cpu per CPU s) | xmllint --exc-c14n, 2 processes: $x_wall/s | $(ratio "$pe_wall" "$x_wall") | (figure) |"
