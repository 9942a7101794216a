#!/usr/bin/env bash
# opale pes check on generated files: a 20 MB PES_Aller (600 000 lines) passes in bounded memory —
# peak RSS measured by /usr/bin/time, compared with a 2 MB file — and an error planted on its last
# mandat is found with its true line number (past 65 535). The 150 MB run lives in bench/P7-pes.sh.
. "$(dirname "$0")/../lib.sh"
export OPALE_PES_SCHEMAS=$SHARED/specs/pes/v5.17

# rss FILE → sets RC (exit code) and RSS (peak, KiB) of `opale pes check FILE`; output in $T_TMP/out
rss() {
	/usr/bin/time -f '%M' -o "$T_TMP/rss" "$OPALE" pes check "$1" >"$T_TMP/out" 2>&1
	RC=$?
	RSS=$(tail -1 "$T_TMP/rss")
}

ok "generate 2 MB" "$OPALE" pes gen "$T_TMP/small.xml" --mb 2
ok "generate 20 MB" "$OPALE" pes gen "$T_TMP/big.xml" --mb 20
size=$(stat -c %s "$T_TMP/big.xml")
[ "$size" -ge 20000000 ] && pass "big file is ≥ 20 MB ($size bytes)" || fail "big file is ≥ 20 MB" "$size"
ok "same seed, same bytes" bash -c "'$OPALE' pes gen '$T_TMP/again.xml' --mb 2 && cmp -s '$T_TMP/small.xml' '$T_TMP/again.xml'"

rss "$T_TMP/small.xml"; small=$RSS
eq "2 MB: conforme" "$RC" 0
start=$(date +%s%N)
rss "$T_TMP/big.xml"; big=$RSS
ms=$(( ($(date +%s%N) - start) / 1000000 ))
eq "20 MB: conforme" "$RC" 0
has "20 MB: everything counted" "$(cat "$T_TMP/out")" "22 bordereau(x), 11000 pièce(s), 11000 ligne(s), 550 PJ"
echo "# peak RSS: 2 MB file ${small} KiB, 20 MB file ${big} KiB; 20 MB checked in ${ms} ms"
if ldd "$OPALE" 2>/dev/null | grep -q libasan; then
	echo "# RSS bounds not checked on the ASan build (its shadow memory and quarantine dominate the figure)"
else
	[ "$big" -lt 65536 ] && pass "20 MB: peak RSS under 64 MiB (${big} KiB)" || fail "20 MB: peak RSS under 64 MiB" "${big} KiB"
	# Ten times the bytes may not cost more than 8 MiB more (the identifier sets grow with the pieces).
	[ $((big - small)) -lt 8192 ] && pass "RSS grows by < 8 MiB for 10× the file ($((big - small)) KiB)" \
		|| fail "RSS does not follow the file size" "small ${small} KiB, big ${big} KiB"
fi
# The schema is validated too: xmllint agrees the generated file is valid.
if command -v xmllint >/dev/null; then
	ok "xmllint --stream --schema agrees" xmllint --noout --stream --schema \
		"$OPALE_PES_SCHEMAS/PES_V2/Rev0/PES_Aller.xsd" "$T_TMP/small.xml"
fi

# Plant a duplicate mandat number on the last mandat: found, at its line (> 65 535).
last=$(grep -n '<IdPce V=' "$T_TMP/big.xml" | tail -1 | cut -d: -f1)
sed -i "${last}s/<IdPce V=\"[0-9]*\"/<IdPce V=\"7\"/" "$T_TMP/big.xml"
first=$(grep -n '<IdPce V="7"/>' "$T_TMP/big.xml" | head -1 | cut -d: -f1)
rss "$T_TMP/big.xml"
eq "planted duplicate: exit 1" "$RC" 1
has "planted duplicate: found at line $last" "$(cat "$T_TMP/out")" \
	"big.xml:$last: /PES_Aller/PES_DepenseAller/Bordereau[22]/Piece[500]/BlocPiece/InfoPce/IdPce: erreur [pes.doublon_piece] mandat n° 7 de l'exercice 2025 en double : déjà ligne $first"
t_done
