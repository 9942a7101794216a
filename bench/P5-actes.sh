#!/usr/bin/env bash
# P5 — ACTES archives built and validated per second (rules + both XML against actesv1_1.xsd + tar.gz
# gzip -9, written, fsynced, renamed), next to `xmllint --noout --schema` on the same two XML files
# (same schema, same run): in one process (schema compiled once) and one process per archive. Files: the 21 kB PDF of the Pastell courrier sample as act and annex.
set -u
cd "$(dirname "$0")/.."
SHARED=${SHARED:-$(cd .. && pwd)/shared}
XSD=$SHARED/specs/actes/actesv1_1.xsd
N=${P5_N:-200}     # in-process builds
P=${P5_P:-40}      # process runs (opale and xmllint)
TMP=$(mktemp -d /tmp/opale-p5.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
tar xzf "$SHARED/specs/actes/samples/pastell/courrier_simple.tar.gz" -C "$TMP"
PDF=$TMP/001-862614864-20150805-20150805B-AI-2-1_1.pdf
cat >"$TMP/meta.json" <<'JSON'
{"siren":"246200364","departement":"062","arrondissement":"3","nature_collectivite":"46","numero":"2024_12",
 "nature":4,"date_decision":"2024-03-18","objet":"Convention de mise à disposition","classification":"1.4",
 "classification_date":"2024-01-10","type_piece_acte":"11_AC","type_pieces_annexes":["10_DE"],"document_papier":false,
 "adresses_retour":["actes@agglo.example.fr"]}
JSON
mkdir -p "$TMP/one" "$TMP/many" "$TMP/proc"
path=$(./opale actes archive --meta "$TMP/meta.json" --acte "$PDF" --annexe "$PDF" --out "$TMP/one") || exit 1
mkdir -p "$TMP/x" && tar xzf "$path" -C "$TMP/x"
XMLS=$(ls "$TMP"/x/*.xml)

now() { date +%s.%N; }
# In-process: N archives in one opale process (what the server does).
t=$(./opale actes archive --meta "$TMP/meta.json" --acte "$PDF" --annexe "$PDF" --out "$TMP/many" --repeat "$N" 2>&1 >/dev/null | awk '/archives en/{print $4}')
inproc=$(awk -v n="$N" -v t="$t" 'BEGIN { printf "%.0f", n / t }')
# One process per archive (the CLI), sequence numbers 1..P.
s=$(now)
for i in $(seq 1 "$P"); do
	sed "s/\"numero\"/\"sequence\":$i,\"numero\"/" "$TMP/meta.json" >"$TMP/m.json"
	./opale actes archive --meta "$TMP/m.json" --acte "$PDF" --annexe "$PDF" --out "$TMP/proc" >/dev/null || exit 1
done
e=$(now)
proc=$(awk -v n="$P" -v s="$s" -v e="$e" 'BEGIN { printf "%.1f", n / (e - s) }')
# xmllint on the same two XML files, one process per archive's worth of XML.
s=$(now)
for i in $(seq 1 "$P"); do xmllint --noout --schema "$XSD" $XMLS 2>/dev/null || exit 1; done
e=$(now)
lint=$(awk -v n="$P" -v s="$s" -v e="$e" 'BEGIN { printf "%.1f", n / (e - s) }')
# xmllint in one process on N copies of the pair (schema compiled once): the in-process reference.
ARGS=""; for i in $(seq 1 "$N"); do ARGS="$ARGS $XMLS"; done
s=$(now)
xmllint --noout --schema "$XSD" $ARGS 2>/dev/null || exit 1
e=$(now)
lint_in=$(awk -v n="$N" -v s="$s" -v e="$e" 'BEGIN { printf "%.1f", n / (e - s) }')
# What a process costs before any work (the binary links ~80 libraries): `opale version`.
s=$(now)
for i in $(seq 1 "$P"); do ./opale version >/dev/null; done
e=$(now)
bare=$(awk -v n="$P" -v s="$s" -v e="$e" 'BEGIN { printf "%.1f", n / (e - s) }')
r0=$(awk -v a="$inproc" -v b="$lint" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
r1=$(awk -v a="$inproc" -v b="$lint_in" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
r2=$(awk -v a="$proc" -v b="$lint" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
echo "| P5 | ACTES archives built + validated per second, in one process ($N archives, 2 × 21 kB PDF) | $inproc /s | \`xmllint --noout --schema\` runs on the same 2 XML: $lint /s | $r0 | ≥ 2 |"
echo "| P5.1 | same, against xmllint validating the pair $N times in one process (schema compiled once; no tar.gz, no fsync) | $inproc /s | $lint_in pairs/s | $r1 | — (gzip -9 + fsync dominate ours) |"
echo "| P5.2 | same, one \`opale actes archive\` process per archive ($P runs) | $proc /s | one xmllint --schema process per pair: $lint runs/s | $r2 | (figure) |"
echo "| P5.3 | bare process start (\`opale version\`), for P5.2 | $bare /s | xmllint: $lint runs/s | $(awk -v a="$bare" -v b="$lint" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }') | — |"
