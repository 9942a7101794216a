#!/usr/bin/env bash
# P7 — opale pes check on a generated 150 MB PES_Aller, next to xmllint --stream --schema (same file,
# same schema, same run): throughput in MB/s and peak RSS (/usr/bin/time). Prints table rows.
set -u
cd "$(dirname "$0")/.."
SHARED=${SHARED:-$(cd .. && pwd)/shared}
XSD_DIR=$SHARED/specs/pes/v5.17
MB=${P7_MB:-150}
TMP=$(mktemp -d /tmp/opale-p7.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
F=$TMP/pes.xml
./opale pes gen "$F" --mb "$MB" >/dev/null || exit 1
bytes=$(stat -c %s "$F")
cat "$F" >/dev/null   # page cache warm for both runs

# run NAME CMD… → "seconds maxrss_kib exit"
run() {
	/usr/bin/time -f '%e %M %x' -o "$TMP/t" "$@" >"$TMP/out" 2>&1
	tail -1 "$TMP/t"
}
read -r o_s o_kb o_rc < <(run ./opale pes check --schemas "$XSD_DIR" "$F")
read -r x_s x_kb x_rc < <(run xmllint --noout --stream --schema "$XSD_DIR/PES_V2/Rev0/PES_Aller.xsd" "$F")
# The same command on a 2 KB file: what the process costs before the file does (libraries, schema).
read -r t_s t_kb t_rc < <(run ./opale pes check --schemas "$XSD_DIR" "$SHARED/specs/pes/samples/pastell/PES_ex.xml")
mbs() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.1f", (s > 0 ? b / 1e6 / s : 0) }'; }
o_mbs=$(mbs "$o_s"); x_mbs=$(mbs "$x_s")
ratio=$(awk -v a="$o_mbs" -v b="$x_mbs" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
mem_ratio=$(awk -v a="$o_kb" -v b="$x_kb" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
[ "$o_rc" = 0 ] && ok_txt="" || ok_txt=" (exit $o_rc!)"
[ "$x_rc" = 0 ] || x_mbs="$x_mbs (exit $x_rc!)"
echo "| P7.1 | \`opale pes check\` (XSD + rules), $((bytes / 1000000)) MB PES_Aller | $o_mbs MB/s (${o_s} s)$ok_txt | xmllint --stream --schema: $x_mbs MB/s (${x_s} s) | $ratio | ≥ 1 |"
echo "| P7.2 | peak RSS of the same check | $((o_kb / 1024)) MiB | xmllint: $((x_kb / 1024)) MiB | $mem_ratio | < 64 MiB |"
echo "| P7.3 | peak RSS growth, 2 KB file → $((bytes / 1000000)) MB file | +$(( (o_kb - t_kb) / 1024 )) MiB | 2 KB file: $((t_kb / 1024)) MiB | $(awk -v a="$o_kb" -v b="$t_kb" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }') | schema path flat; rules ≈ 60 B per piece |"
