#!/usr/bin/env bash
# opale pes view: the « visuel PES » in HTML (accessible tables, escaped values, French amounts) and
# in PDF (text extracted back with pdftotext, header row repeated on every page).
. "$(dirname "$0")/../lib.sh"
export OPALE_PES_SCHEMAS=$SHARED/specs/pes/v5.17
BL=$SHARED/specs/pes/samples/PESALR2_25060187900027_190328_001.xml
NNB=$'\u202f' NBSP=$'\u00a0'   # amounts: narrow no-break space for thousands, no-break space before €

ok "html of the BL sample" "$OPALE" pes view "$BL" --format html --out "$T_TMP/bl.html"
H=$(cat "$T_TMP/bl.html")
has "html: French document" "$H" '<html lang="fr">'
has "html: title" "$H" "<h1>Visuel PES — STELA11</h1>"
has "html: collectivité (ISO-8859-1 read as UTF-8)" "$H" "<dd>e.gf évolution - 12.50.03.00</dd>"
has "html: bordereau heading" "$H" "Bordereau de mandats n° 11 — exercice 2019"
has "html: table caption" "$H" "<caption>Mandats du bordereau n° 11 (1)</caption>"
has "html: column headers" "$H" '<th scope="col">Tiers</th><th scope="col">Imputation</th><th scope="col">Montant HT</th>'
has "html: row header = mandat number" "$H" '<tr><th scope="row">1303</th><td>1</td>'
has "html: amount in French" "$H" "4${NNB}874,40${NBSP}€"
has "html: tiers and bank details" "$H" "IBAN FR092004100001464646M263555 — BIC PSSTFRPPPAR"
has "html: imputation" "$H" "nature 60611<br>fonction 020"
has "html: PJ referenced by the mandat" "$H" "FACAVA2015092432682006500083.pdf<br>FAC3056619100002920160000000000010075.pdf"
has "html: PJ table" "$H" '<td>21780537300016DEPENSE2016001385</td><td>003</td>'
has "html: signed bordereau said" "$H" "<dd>bordereau signé</dd>"
has "html: findings of the check" "$H" "<code>/PES_Aller/EnTetePES/IdColl</code>"
has "html: escaped apostrophe" "$H" "réseau d&#39;eau"
# Every opened tag of the structure is closed, in order.
ok "html: well nested" python3 -c '
import sys, html.parser
class P(html.parser.HTMLParser):
    void = {"br", "meta"}
    def __init__(s): super().__init__(); s.st = []
    def handle_starttag(s, t, a):
        if t not in s.void: s.st.append(t)
    def handle_endtag(s, t):
        assert s.st and s.st.pop() == t, t
p = P(); p.feed(open(sys.argv[1]).read()); assert not p.st, p.st' "$T_TMP/bl.html"

# Hostile values are escaped: a tiers named like markup.
python3 - "$BL" "$T_TMP/evil.xml" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
d = d.replace(b'<Nom V="GUGLIELMETTI"/>', b'<Nom V="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie"/>', 1)
open(sys.argv[2], 'wb').write(d)
PY
"$OPALE" pes view "$T_TMP/evil.xml" --format html --no-check >"$T_TMP/evil.html"
E=$(cat "$T_TMP/evil.html")
has "escaping: markup shown as text" "$E" "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie"
case "$E" in *"<script>"*) fail "escaping: no live script tag";; *) pass "escaping: no live script tag";; esac
case "$E" in *"Constats du contrôle"*) fail "--no-check: no findings section";; *) pass "--no-check: no findings section";; esac

# A rejected file shows its errors on top of the visuel.
python3 - "$BL" "$T_TMP/total.xml" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read().replace(b'<MtBordHT V="4874.40"/>', b'<MtBordHT V="5000.00"/>', 1)
open(sys.argv[2], 'wb').write(d)
PY
"$OPALE" pes view "$T_TMP/total.xml" --format html >"$T_TMP/total.html"
T=$(cat "$T_TMP/total.html")
has "findings: error counted" "$T" '<p class="ko">1 erreur(s), 1 avertissement(s).</p>'
has "findings: the total error" "$T" "MtBordHT du bordereau n° 11 (5000.00) différent de la somme des montants HT de ses pièces (4874.40)"
has "declared amount shown as declared" "$T" "<dd>5${NNB}000,00${NBSP}€</dd>"

# PDF: same content, text extractable.
ok "pdf of the BL sample" "$OPALE" pes view "$BL" --format pdf --out "$T_TMP/bl.pdf"
P=$(pdftotext -layout "$T_TMP/bl.pdf" -)
has "pdf: title" "$P" "Visuel PES — STELA11"
has "pdf: bordereau" "$P" "Bordereau de mandats n° 11 — exercice 2019"
has "pdf: amount in French" "$P" "4 874,40 €"
has "pdf: accented text" "$P" "Extension du réseau d'eau"
has "pdf: tiers" "$P" "GUGLIELMETTI"
has "pdf: PJ description" "$P" "Facture no 20160000000000010075"
has "pdf: footer" "$P" "Visuel PES STELA11 — page 1"
has "pdf: metadata title" "$(pdfinfo "$T_TMP/bl.pdf")" "Visuel PES STELA11"
ko "pdf needs --out" "$OPALE" pes view "$BL" --format pdf
ko "unknown format refused" "$OPALE" pes view "$BL" --format docx

# Many mandats: several pages, the column headers repeated at the top of the next ones.
ok "generate 1 MB (2 bordereaux of 500 mandats)" "$OPALE" pes gen "$T_TMP/gen.xml" --mb 1
ok "pdf of 1000 mandats" "$OPALE" pes view "$T_TMP/gen.xml" --format pdf --out "$T_TMP/gen.pdf"
pages=$(pdfinfo "$T_TMP/gen.pdf" | awk '/^Pages:/ {print $2}')
[ "${pages:-0}" -gt 20 ] && pass "pdf: $pages pages" || fail "pdf: more than 20 pages" "$pages"
has "pdf: header row on page 2" "$(pdftotext -f 2 -l 2 -layout "$T_TMP/gen.pdf" -)" "Imputation"
has "pdf: last mandat on the last pages" "$(pdftotext -f $((pages - 3)) -layout "$T_TMP/gen.pdf" -)" "Fourniture n° 1000"
has "pdf: Latin-1 names rendered" "$(pdftotext -layout "$T_TMP/gen.pdf" -)" "BOULANGERIE PÈRE MARTIN"
# --max-pieces keeps the view short on huge files and says so.
"$OPALE" pes view "$T_TMP/gen.xml" --format html --no-check --max-pieces 10 >"$T_TMP/ten.html"
eq "--max-pieces 10: ten mandat rows" "$(grep -c '<tr><th scope="row">[0-9]*</th><td>1</td><td>Fourniture' "$T_TMP/ten.html")" 10
has "--max-pieces: said" "$(cat "$T_TMP/ten.html")" "Seules les premières pièces sont affichées."

ko "not a PES_Aller" "$OPALE" pes view "$SHARED/specs/pes/samples/pastell/pes_acquit.xml" --format html --no-check
has "not a PES_Aller: said" "$(cat "$T_TMP/out")" "ce fichier n'est pas un PES_Aller"
t_done
