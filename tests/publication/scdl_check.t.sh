#!/usr/bin/env bash
# opale scdl check: a conforming file passes (exit 0), a file with errors lists each one with its
# line, column and rule (exit 1); usage errors exit 2. Schema: the reference file in $SHARED.
. "$(dirname "$0")/../lib.sh"
SCHEMA=$SHARED/specs/scdl/deliberations-2.1.5.schema.json
H='COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,DELIB_MATIERE_CODE,DELIB_MATIERE_NOM,DELIB_OBJET,BUDGET_ANNEE,BUDGET_NOM,PREF_ID,PREF_DATE,VOTE_EFFECTIF,VOTE_REEL,VOTE_POUR,VOTE_CONTRE,VOTE_ABSTENTION,DELIB_URL'
{
	echo "$H"
	echo 'Ville de Poitiers,21860194600013,1DL15494,2017-10-15,8.4,domaines de compétences par thèmes/aménagement du territoire,"Adhésion à l'\''association nationale des élus de la montagne, 2017",2017/2018,Budget annexe,PREF086,2017-10-20,43,40,25,10,5,https://data.maville.fr/deliberations/files/200417_1.pdf'
	echo 'Ville de Poitiers,21860194600013,1DL15495,2017-10-15,5.2,institutions et vie politique/fonctionnement des assemblées,Règlement intérieur,,,,,,,,,,'
} >"$T_TMP/good.csv"
ok "a conforming file passes" "$OPALE" scdl check "$T_TMP/good.csv" --schema "$SCHEMA"
has "… and says so" "$(cat "$T_TMP/out")" "conforme au schéma"

{
	echo "$H"
	echo 'Ville de Poitiers,21860194600014,1DL15494,2017-10-15,8.4,domaines de compétences par thèmes/aménagement du territoire,Objet,2017/2018,Budget annexe,PREF086,2017-10-10,43,41,25,10,5,https://data.maville.fr/x.pdf'
	echo ',21860194600013,1DL15495,2017-02-30,5.2,institutions et vie politique/fonctionnement des assemblées,Objet,2017,,,,,,,,,'
} >"$T_TMP/bad.csv"
out=$("$OPALE" scdl check "$T_TMP/bad.csv" --schema "$SCHEMA"); rc=$?
eq "a file with errors exits 1" "$rc" 1
has "SIRET key, line 2" "$out" "ligne 2, COLL_SIRET [french-siret-value]"
has "PREF_DATE before DELIB_DATE" "$out" "ligne 2, PREF_DATE [compare-columns-value]"
has "VOTE_REEL sum" "$out" "ligne 2, VOTE_REEL [sum-columns-value]"
has "missing COLL_NOM, line 3" "$out" "ligne 3, COLL_NOM [required]"
has "30 February" "$out" "ligne 3, DELIB_DATE [type]"
has "budget year without name" "$out" "ligne 3, BUDGET_ANNEE [cohesive-columns-value]"
has "count of errors" "$out" "6 erreurs"

OPALE_SCDL_SCHEMA=$SCHEMA ok "schema from OPALE_SCDL_SCHEMA" "$OPALE" scdl check "$T_TMP/good.csv"
"$OPALE" scdl check "$T_TMP/good.csv" >/dev/null 2>&1; eq "no schema: usage, exit 2" "$?" 2
"$OPALE" scdl >/dev/null 2>&1; eq "no subcommand: exit 2" "$?" 2
ko "a missing file is an error" "$OPALE" scdl check "$T_TMP/none.csv" --schema "$SCHEMA"
echo '{"fields": [{"name": "A", "type": "geopoint"}]}' >"$T_TMP/s.json"
out=$("$OPALE" scdl check "$T_TMP/good.csv" --schema "$T_TMP/s.json" 2>&1)
has "a schema we cannot check is refused, not skipped" "$out" "schéma non pris en charge"
t_done
