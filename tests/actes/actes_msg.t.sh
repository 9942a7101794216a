#!/usr/bin/env bash
# actes_msg: `opale actes message` reads every sample message and prefecture archive; on every sample
# its verdict on the current schema agrees with xmllint; the collectivité messages it writes (6-1,
# 2-2, 3-3, 3-4, 4-3, 4-4, 7-1) validate with xmllint, and a bad identifier is refused by both.
. "$(dirname "$0")/../lib.sh"
A=$SHARED/specs/actes
XSD=$A/actesv1_1.xsd
T=$T_TMP

n=0; agree=0
for f in $(find "$A/samples" "$TOP/tests/data/actes" -name '*.xml' | sort); do
	n=$((n+1))
	"$OPALE" actes message --json "$f" >"$T/m.json" 2>"$T/m.err"
	ours=$(python3 -c 'import json,sys; print(1 if json.load(open(sys.argv[1]))["message"]["schema"]==2 else 0)' "$T/m.json" 2>/dev/null || echo err)
	xmllint --noout --schema "$XSD" "$f" >/dev/null 2>&1 && lint=1 || lint=0
	if [ "$ours" = "$lint" ]; then agree=$((agree+1)); else fail "schema verdict on $(basename "$f")" "opale $ours, xmllint $lint"; fi
done
eq "opale and xmllint agree on all $n sample messages" "$agree" "$n"

ok "valid messages: exit 0" "$OPALE" actes message "$A/samples/006-210600235-20180522-684-AI-1-2_5279.xml" \
	"$A/samples/s2low/test-defere-ta/034-000000000-20170701-20170725A-AI-5-1_0.xml"
out=$("$OPALE" actes message "$A/samples/s2low/test-message-anomalie-avec-erreur/034-000000000-20170701-20170721D-AI-1-3_0.xml" 2>&1); rc=$?
eq "an anomaly outside both schema shapes: exit 1" "$rc" 1
has "and says why" "$out" "Écart au schéma"
out=$("$OPALE" actes message "$A/samples/s2low/ok/045-214502494-20170717-D201717-DE-1-1_0.xml")
has "old-shape act recognised" "$out" "ancienne forme du schéma"
out=$("$OPALE" actes message "$A/samples/pastell/courrier_simple.tar.gz")
has "prefecture archive: envelope read" "$out" "EnveloppeMISILLCL"
has "prefecture archive: letter read" "$out" "Courrier simple de la préfecture"
has "prefecture archive: PDF listed" "$out" "fichier PDF"
printf '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' >"$T/xxe.xml"
out=$("$OPALE" actes message "$T/xxe.xml" 2>&1); rc=$?
eq "external entity: refused" "$rc" 1
has "named" "$out" "DOCTYPE refusée"
case "$out" in *root:*) fail "no file content leaks";; *) pass "no file content leaks";; esac

ID=062-246200364-20240318-2024_12-CC
build() { "$OPALE" actes "$@" --out "$T/b.xml" && xmllint --noout --schema "$XSD" "$T/b.xml"; }
ok "6-1 annulation validates (opale and xmllint)" build annulation --id "$ID"
ok "7-1 demande de classification validates" build demande-classification --date 2024-01-10
for t in 2-2 3-3 4-3 4-4; do
	ok "$t reply validates" build reponse --type "$t" --id "$ID" --date 2024-04-02 --fichier "$ID-$t""_1.pdf"
done
ok "3-4 reply with two documents validates" build reponse --type 3-4 --id "$ID" --date 2024-04-02 --fichier a.pdf --fichier b.pdf
"$OPALE" actes annulation --id "pas-un-identifiant" >"$T/bad" 2>&1; rc=$?
eq "a malformed IDActe: opale refuses" "$rc" 1
has "with the schema's reason" "$(cat "$T/bad")" "[actes.xsd]"
"$OPALE" actes reponse --type 9-9 --id "$ID" --date 2024-04-02 --fichier a.pdf >/dev/null 2>&1; rc=$?
eq "unknown reply type: usage error" "$rc" 2
t_done
