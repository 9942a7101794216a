#!/usr/bin/env bash
# `opale scdl export --siren SIREN [--year Y] [--out FILE|DIR]`: the demo's published deliberations as
# SCDL « Délibérations » 2.1.5 CSV (the same as the public /p/SIREN/deliberations.csv), checked by
# `opale scdl check` against the reference schema; the file name AAAAMMJJ_<SIREN>_deliberations.csv;
# the year filter; refusals (bad SIREN, unknown collectivité).
. "$(dirname "$0")/../lib.sh"
D=$T_TMP/d
"$OPALE" migrate --data "$D" >/dev/null 2>&1 && "$OPALE" demo --data "$D" >/dev/null 2>&1 || fail "demo data"
out=$("$OPALE" scdl export --data "$D" --siren 246200364)
eq "export: the SCDL header first" "$(head -1 <<<"$out" | tr -d '\r' | sed '1s/^\xEF\xBB\xBF//')" "COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,DELIB_MATIERE_CODE,DELIB_MATIERE_NOM,DELIB_OBJET,BUDGET_ANNEE,BUDGET_NOM,PREF_ID,PREF_DATE,VOTE_EFFECTIF,VOTE_REEL,VOTE_POUR,VOTE_CONTRE,VOTE_ABSTENTION,DELIB_URL"
rows=$(($(wc -l <<<"$out") - 1))
ok "the demo's published deliberations are rows ($rows)" test "$rows" -ge 2
has "a row with its votes (VOTE_EFFECTIF … VOTE_ABSTENTION filled)" "$out" ",50,45,45,0,0,"
# the demo's séance délibérations went to the test prefecture and were acknowledged before publication
PREF=$(python3 - "$out" <<'PY'
import csv, io, re, sys
rows = list(csv.DictReader(io.StringIO(sys.argv[1].lstrip('\ufeff'))))
for r in rows:
    if r["PREF_ID"] or r["VOTE_EFFECTIF"]:
        ok = re.fullmatch(r"062-246200364-%s-%s-DE" % (r["DELIB_DATE"].replace("-", ""), r["DELIB_ID"]), r["PREF_ID"]) is not None \
             and re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["PREF_DATE"]) is not None and r["PREF_DATE"] >= r["DELIB_DATE"]
        print(r["DELIB_ID"], "ok" if ok else "KO:" + r["PREF_ID"] + "/" + r["PREF_DATE"])
PY
)
eq "the five séance délibérations have PREF_ID (IDActe of their 1-2) and PREF_DATE ≥ DELIB_DATE" "$(grep -c ' ok$' <<<"$PREF")" 5
eq "… and no row is wrong" "$(grep -c ' KO' <<<"$PREF")" 0
eq "the deliberation 2024_041 (a draft of the demo, never sent) has none" "$(grep '^[^,]*,[^,]*,2024_041,' <<<"$out" | cut -d, -f10,11)" ","
n=0; bad=0
for sha in $(sqlite3 "$D/opale.db" "SELECT m.xml_sha256 FROM actes_messages m JOIN seance_deliberations s ON s.acte_id = m.acte_id WHERE m.code = '1-2'"); do
	n=$((n+1)); xmllint --noout --schema "$SHARED/specs/actes/actesv1_1.xsd" "$D/blobs/${sha:0:2}/${sha:2:2}/$sha" 2>/dev/null || bad=$((bad+1))
done
eq "five ARs (1-2) stored, one per délibération" "$n" 5
eq "… each valid against actesv1_1.xsd (xmllint)" "$bad" 0
eq "the délibérations are acquittées, each with its stamped copy" \
	"$(sqlite3 "$D/opale.db" "SELECT count(*) FROM actes a JOIN seance_deliberations s ON s.acte_id = a.id WHERE a.state = 'acquitte' AND EXISTS (SELECT 1 FROM actes_docs d WHERE d.acte_id = a.id AND d.origine = 'tampon')")" 5
SHA=$(sqlite3 "$D/opale.db" "SELECT p.sha256 FROM publications p JOIN seance_deliberations s ON s.acte_id = p.acte_id ORDER BY p.id LIMIT 1")
T=$(pdftotext "$D/blobs/${SHA:0:2}/${SHA:2:2}/$SHA" - | tr -s '\n ' '  ')
has "published after the AR: the copy carries « Certifié exécutoire le »" "$T" "Certifié exécutoire le $(TZ=Europe/Paris date +%d/%m/%Y)"
has "… and the AR stamp it was published from" "$T" "Accusé de réception en préfecture"
mkdir -p "$T_TMP/o"
path=$("$OPALE" scdl export --data "$D" --siren 246200364 --out "$T_TMP/o")
eq "into a directory: the file is named AAAAMMJJ_SIREN_deliberations.csv" "$(basename "$path")" "$(TZ=Europe/Paris date +%Y%m%d)_246200364_deliberations.csv"
ok "opale scdl check: the file conforms to deliberations-2.1.5.schema.json" "$OPALE" scdl check "$path" --schema "$SHARED/specs/scdl/deliberations-2.1.5.schema.json"
eq "the same bytes as on stdout" "$(cat "$path")" "$out"
eq "--year 1999: the header only" "$("$OPALE" scdl export --data "$D" --siren 246200364 --year 1999 | wc -l)" 1
ko "a SIREN with a wrong check digit is refused" "$OPALE" scdl export --data "$D" --siren 123456789
has "… in French" "$(cat "$T_TMP/out")" "clé de Luhn"
ko "a collectivité that does not exist: exit 1" "$OPALE" scdl export --data "$D" --siren 732829320
t_done
