#!/usr/bin/env bash
# The report as HTML (accessible tables, inline SVG charts that parse as XML, escaped text), PDF
# (renders with pdftoppm, vector charts: no raster image, text extractable) and XLSX (read back with
# the standard library: sheets, numbers stored as numbers, charts present).
. "$(dirname "$0")/../lib.sh"
D=$TOP/tests/data/egalite
MUSIC="Ecole intercommunale de musique"
run() { "$OPALE" egalite rapport --agents "$D/ccpo-2023.csv" --date 2023-12-31 --a-part "$MUSIC" "$@"; }

# ---- HTML
ok "html" run --format html --titre 'CC <Pays> & "Opale"' --out "$T_TMP/r.html"
H=$(cat "$T_TMP/r.html")
has "html: French document" "$H" '<html lang="fr">'
has "html: title escaped" "$H" 'CC &lt;Pays&gt; &amp; &quot;Opale&quot;'
case "$H" in *'<Pays>'*) fail "html: no raw title";; *) pass "html: no raw title";; esac
has "html: pay to the cent in a cell, French format" "$H" $'<td>2\u202f839,56\u00a0€</td>'
python3 - "$T_TMP/r.html" >"$T_TMP/html-check" <<'PY'
import re, sys
import xml.etree.ElementTree as ET
h = open(sys.argv[1], encoding="utf-8").read()
def check(c, what):
    print(("ok - " if c else "not ok - ") + "html: " + what)
tables = re.findall(r"<table>.*?</table>", h, re.S)
check(len(tables) >= 12, f"{len(tables)} tables")
check(all("<caption>" in t for t in tables), "every table has a caption")
check(all('<th scope="col">' in t and '<th scope="row">' in t for t in tables), "column and row headers")
svgs = re.findall(r"<svg .*?</svg>", h, re.S)
check(len(svgs) >= 7, f"{len(svgs)} inline SVG charts")
ok = True
for s in svgs:
    x = ET.fromstring(s)
    ids = x.get("aria-labelledby", "").split()
    found = {e.get("id") for e in x.iter() if e.get("id")}
    ok &= x.get("role") == "img" and len(ids) == 2 and set(ids) <= found
    ok &= x.find("{http://www.w3.org/2000/svg}title") is not None and x.find("{http://www.w3.org/2000/svg}desc") is not None
    ok &= len(x.findall("{http://www.w3.org/2000/svg}rect")) >= 4
check(ok, "each SVG parses, role=img, labelled by its title and description, draws bars")
check("Pyramide des âges" in h and "60 ans et plus" in h, "age pyramid")
check("Ecole intercommunale de musique (présenté à part)" in h, "establishment apart has its table")
check("2\u202f839,56\u00a0€" in h and "−1\u202f172,80\u00a0€" in h and "−162,43\u00a0€" in h, "pay and gaps to the cent")
check("58,8\u00a0%" in h and "15,7\u00a0%" in h and "10,0\u00a0%" in h, "shares with one decimal")
check(h.count("non la moyenne des moyennes") + h.count("et non la moyenne des deux moyennes") >= 2, "says what « ensemble » means")
PY
cat "$T_TMP/html-check"; grep -q "^not ok" "$T_TMP/html-check" && T_FAILED=$((T_FAILED+1))
sed 's/Ecole intercommunale de musique/<i>École \& "Musique"<\/i>/' "$D/ccpo-2023.csv" >"$T_TMP/evil.csv"
ok "html with an establishment label to escape" "$OPALE" egalite rapport --agents "$T_TMP/evil.csv" --date 2023-12-31 \
	--a-part '<i>École & "Musique"</i>' --format html --out "$T_TMP/r2.html"
has "html: establishment label escaped" "$(cat "$T_TMP/r2.html")" '&lt;i&gt;École &amp; &quot;Musique&quot;&lt;/i&gt; (présenté à part)'
case "$(cat "$T_TMP/r2.html")" in *'<i>'*) fail "html: no raw label";; *) pass "html: no raw label";; esac

# ---- PDF
ok "pdf" run --format pdf --titre "Communauté de communes Pays d'Opale" --out "$T_TMP/r.pdf"
eq "pdf: header" "$(head -c 5 "$T_TMP/r.pdf")" "%PDF-"
pages=$(pdfinfo "$T_TMP/r.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
[ "${pages:-0}" -ge 4 ] && pass "pdf: $pages pages" || fail "pdf: at least 4 pages" "got ${pages:-none}"
ok "pdf: pdftoppm renders every page" pdftoppm -r 40 -png "$T_TMP/r.pdf" "$T_TMP/page"
eq "pdf: one PNG per page" "$(ls "$T_TMP"/page-*.png 2>/dev/null | wc -l)" "$pages"
big=$(find "$T_TMP" -name 'page-*.png' -size +4k | wc -l)
eq "pdf: pages are not blank (PNG > 4 kB)" "$big" "$pages"
eq "pdf: charts are vector (no raster image)" "$(pdfimages -list "$T_TMP/r.pdf" | tail -n +3 | wc -l)" 0
T=$(pdftotext "$T_TMP/r.pdf" - 2>/dev/null)
has "pdf: text extractable — pay" "$T" "2 839,56"
has "pdf: chart labels are text" "$T" "60 ans et plus"
has "pdf: method" "$T" "moyenne des deux moyennes"
has "pdf: title metadata" "$(pdfinfo "$T_TMP/r.pdf")" "Égalité professionnelle"

# ---- XLSX
ok "xlsx" run --format xlsx --out "$T_TMP/r.xlsx"
eq "xlsx: zip header" "$(head -c 2 "$T_TMP/r.xlsx")" "PK"
ok "xlsx: unzip lists the package" unzip -l "$T_TMP/r.xlsx"
has "xlsx: workbook and charts" "$(cat "$T_TMP/out")" "xl/charts/chart1.xml"
ok "xlsx: read back (zipfile + xml)" python3 "$TOP/tests/egalite/xlsx_read.py" "$T_TMP/r.xlsx"
X=$(cat "$T_TMP/out")
tab=$(printf '\t')
has "xlsx: sheets named after sections" "$X" "Rémunérations${tab}Catégorie${tab}Femmes${tab}Hommes"
has "xlsx: headcounts as numbers" "$X" "Effectifs${tab}Fonctionnaires${tab}53${tab}37${tab}90"
has "xlsx: ages at the half year" "$X" "Âges${tab}Fonctionnaires${tab}43${tab}48${tab}45"
has "xlsx: share as a fraction" "$X" "Effectifs${tab}Part des femmes${tab}60${tab}102${tab}0.588235294117647"
pay=$(printf '%s\n' "$X" | awk -F'\t' '$1=="Rémunérations" && $2=="A" {printf "%.2f %.2f %.2f;", $3, $4, $6}')
eq "xlsx: pay in euros, main then apart" "$pay" "2839.56 4012.36 -1172.80;308.74 832.84 -524.10;"
has "xlsx: method sheet" "$X" "Méthode${tab}« Ensemble » est la moyenne sur tous les agents"
eq "xlsx: one drawing per charted sheet" "$(unzip -l "$T_TMP/r.xlsx" | grep -c 'xl/drawings/drawing[0-9]*.xml')" 6

# ---- comparison in every format
ok "previous diagnostic (json)" "$OPALE" egalite rapport --agents "$D/ccpo-2021.csv" --date 2021-12-31 --a-part "$MUSIC" --out "$T_TMP/2021.json"
ok "html with comparison" run --previous "$T_TMP/2021.json" --format html --out "$T_TMP/c.html"
has "html: comparison section" "$(cat "$T_TMP/c.html")" "Comparaison avec le diagnostic au 31/12/2021"
has "html: signed change in points" "$(cat "$T_TMP/c.html")" $'<td>\u2212'2,6$'\u00a0pt</td>'
ok "pdf with comparison" run --previous "$T_TMP/2021.json" --format pdf --out "$T_TMP/c.pdf"
has "pdf: comparison rows" "$(pdftotext -layout "$T_TMP/c.pdf" - | grep 'Effectif permanent — femmes')" "+9"
ok "xlsx with comparison" run --previous "$T_TMP/2021.json" --format xlsx --out "$T_TMP/c.xlsx"
ok "xlsx with comparison read back" python3 "$TOP/tests/egalite/xlsx_read.py" "$T_TMP/c.xlsx"
has "xlsx: comparison sheet" "$(cat "$T_TMP/out")" "Comparaison${tab}Effectif permanent — femmes${tab}51${tab}60${tab}9"
ko "unknown format refused" run --format odt
t_done
