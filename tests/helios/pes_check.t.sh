#!/usr/bin/env bash
# opale pes check: the shared samples, then broken variants generated from a valid sample — each must
# get its own precise error (code, path, line), and the exit code must say so.
. "$(dirname "$0")/../lib.sh"
P=$SHARED/specs/pes/samples
export OPALE_PES_SCHEMAS=$SHARED/specs/pes/v5.17

# check FILE → output in $T_TMP/out, exit code in $RC
check() { "$OPALE" pes check "$@" >"$T_TMP/out" 2>&1; RC=$?; OUT=$(cat "$T_TMP/out"); }

# Real files (Berger-Levrault via Stela, Sicoval via Pastell) pass everything.
for f in PESALR2_25060187900027_190328_001.xml pastell/PES_ex.xml; do
	check "$P/$f"
	eq "$f: exit 0" "$RC" 0
	has "$f: conforme" "$OUT" "PES_Aller conforme"
	case "$OUT" in *erreur*) fail "$f: no error line" "$OUT";; *) pass "$f: no error line";; esac
done
check "$P/PESALR2_25060187900027_190328_001.xml"
has "BL sample: counts read" "$OUT" "1 bordereau(x), 1 pièce(s), 1 ligne(s), 2 PJ"

# Libriciel's simulation fixtures pass the schema but carry MtBordHT 75724.75 for one line of
# 39724.75: the only business error, and the XSD-only mode accepts them.
for f in s2low/pes_aller_ok.xml pastell/HELIOS_SIMU_ALR2_1496987735_826268894.xml \
	 pastell/HELIOS_SIMU_ALR2_LibelleColBud_avec_accent.xml; do
	check --xsd-only "$P/$f"
	eq "$f: --xsd-only exit 0" "$RC" 0
	check "$P/$f"
	eq "$f: exit 1 on the total" "$RC" 1
	eq "$f: exactly one error" "$(grep -c ': erreur ' "$T_TMP/out")" 1
	has "$f: pes.total on MtBordHT" "$OUT" "/PES_Aller/PES_DepenseAller/Bordereau[1]/BlocBordereau/MtBordHT: erreur [pes.total]"
	has "$f: both amounts" "$OUT" "(75724.75) différent de la somme des montants HT de ses pièces (39724.75)"
done

# Other kinds are recognised by their root and validated against their own schema.
check "$P/pastell/pes_acquit.xml"; eq "PES_ACQUIT sample valid" "$RC" 0
check "$P/pastell/HELIOS_SIMU_RETOUR_1565181244_184723364.xml"; eq "PES_Retour sample valid" "$RC" 0
check "$P/006111_190130123456-ACK-A3020100_A0000MIX_KO.xml"
eq "STE acquit: rejected" "$RC" 1
has "STE acquit: CodCol 000, in French, with line" "$OUT" \
	"_KO.xml:22: /PES_ACQUIT/EnTetePES/CodCol: erreur [pes.xsd] valeur « 000 » non conforme"

# Known-bad fixtures: the same schema errors xmllint finds, at the same lines.
check "$P/pastell/PESALR2_49101169800000_171227_2045.xml"
has "2 MB signed file: missing MIMEType" "$OUT" ":141: /PES_Aller/PES_PJ/PJ[1]/Contenu/Fichier: erreur [pes.xsd] attribut obligatoire MIMEType absent"
has "2 MB signed file: missing IdUnique" "$OUT" ":141: /PES_Aller/PES_PJ/PJ[1]: erreur [pes.xsd] élément obligatoire manquant : IdUnique"
has "2 MB signed file: stray PJ" "$OUT" ":142: /PES_Aller/PJ[1]: erreur [pes.xsd] élément inattendu à cet endroit ; attendu : Signature"

# --json: one object per file, for the API.
"$OPALE" pes check --json "$P/s2low/pes_aller_ok.xml" "$P/pastell/PES_ex.xml" >"$T_TMP/json" 2>&1
eq "--json: exit 1 (one file has an error)" "$?" 1
ok "--json: two valid JSON lines, right content" python3 -c '
import json, sys
a, b = [json.loads(l) for l in open(sys.argv[1])]
assert a["conforme"] is False and a["errors"] == 1 and a["idcoll"] == "12345678912345", a
e = [i for i in a["issues"] if i["severity"] == "error"][0]
assert e["code"] == "pes.total" and e["dgfip"] == "ERREUR_CUMUL_MONTANTS" and e["line"] == 58, e
assert e["path"].endswith("/BlocBordereau/MtBordHT") and "différent" in e["message"], e
assert b["conforme"] is True and b["pieces"] == 1 and b["issues"] == [], b' "$T_TMP/json"

t_done
