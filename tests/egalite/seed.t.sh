#!/usr/bin/env bash
# The CCPO test population (tests/data/egalite/ccpo-2023.csv, built by gen_ccpo.py) reproduces the
# tables of the seed's « Plan d'action Égalité professionnelle 2024-2026 », read from $SHARED/seed.
. "$(dirname "$0")/../lib.sh"
D=$TOP/tests/data/egalite
ok "rapport json on the CCPO population" "$OPALE" egalite rapport --agents "$D/ccpo-2023.csv" --date 2023-12-31 \
	--a-part "Ecole intercommunale de musique" --out "$T_TMP/ccpo.json"
python3 "$TOP/tests/egalite/seed_check.py" "$SHARED/seed/documents-ccpo-2024.txt" "$T_TMP/ccpo.json" \
	|| fail "seed tables reproduced (see the not ok lines above)"
t_done
