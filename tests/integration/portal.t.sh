#!/usr/bin/env bash
# Publication and the public portal through the real server, on the engine under test: the agent
# publishes the demo deliberation (API) and the convention with a word hidden (page form); the portal
# /p/SIREN, without login, lists and searches them (words, dates, nature, matière), shows the act page
# (SHA-256 equal to the downloaded file's, executory date), serves the published PDF (mention read by
# pdftotext; the hidden word gone from it and from the search), the Atom feed (xmllint), the SCDL CSV
# (file name, `opale scdl check` against the schema), the embeddable page (frame-ancestors, no
# X-Frame-Options; every other page DENY); the séances page (liste des délibérations and procès-verbal
# once each is published, SHA-256 = the download's, in the feed). Leaks: an unpublished act, list or PV,
# another collectivité's act or séance, an expired publication and unknown SIRENs are never served.
. "$(dirname "$0")/../lib.sh"
D=$T_TMP/data
start_server "$D" || { fail "server starts"; t_done; exit; }
"$OPALE" demo $SRV_ARGS >/dev/null || fail "demo"
SIREN=246200364
q() { if [ "${OPALE_TEST_DB:-sqlite}" = pg ]; then psql "${SRV_ARGS##*--db }" -tAc "$1"; else sqlite3 "$D/opale.db" "$1"; fi; }
login() {
	curl -s -c "$T_TMP/$1.jar" -H 'Content-Type: application/json' -d "{\"login\":\"$1\",\"password\":\"Opale-Demo-2024!\"}" \
		"$SRV_URL/api/v1/session" >"$T_TMP/$1.json"
	python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["csrf"])' "$T_TMP/$1.json"
}
CSRF=$(login ccpo.agent)
ADMIN_CSRF=$(login ccpo.admin)
api() { # method path [json] → body + status line
	curl -s -b "$T_TMP/ccpo.agent.jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -X "$1" \
		${3:+-d "$3"} -w '\n%{http_code}' "$SRV_URL$2"
}
pub() { curl -s -w '\n%{http_code}' "$SRV_URL$1"; }   # anonymous
code() { curl -s -o /dev/null -w '%{http_code}' "$SRV_URL$1"; }
DELIB=$(q "SELECT id FROM actes WHERE numero = '2024_041'")
CONV=$(q "SELECT id FROM actes WHERE numero = '2024_12'")
[ -n "$DELIB" ] && [ -n "$CONV" ] || fail "the demo acts exist"

# --- the demo published its deliberations (make run shows a portal); start from nothing published
eq "the demo published the deliberation 2024_041" "$(q "SELECT count(*) FROM publications WHERE acte_id = $DELIB")" 1
eq "and the délibérations of its séance's votes" "$(q "SELECT count(*) FROM publications p JOIN seance_deliberations s ON s.acte_id = p.acte_id")" \
	"$(q "SELECT count(*) FROM seance_deliberations")"
has "the portal shows them" "$(curl -s "$SRV_URL/p/$SIREN")" "2024_041 — Adhésion"
curl -s -o "$T_TMP/demo.csv" "$SRV_URL/p/$SIREN/deliberations.csv"
ok "the demo's CSV passes opale scdl check" "$OPALE" scdl check "$T_TMP/demo.csv" --schema "$SHARED/specs/scdl/deliberations-2.1.5.schema.json"
VOTED=$(q "SELECT a.id FROM actes a JOIN seance_deliberations s ON s.acte_id = a.id JOIN seance_votes v ON v.point_id = s.point_id
           WHERE v.contre = 0 AND v.abstention > 0 ORDER BY a.id LIMIT 1")
VOTES=$(q "SELECT v.en_exercice || ',' || (v.pour + v.contre + v.abstention) || ',' || v.pour || ',' || v.contre || ',' || v.abstention
           FROM seance_votes v JOIN seance_deliberations s ON s.point_id = v.point_id WHERE s.acte_id = $VOTED")
ok "a demo délibération with its vote (en exercice, réel, pour, contre, abstention: $VOTES)" grep -Eq '^[0-9]+,[0-9]+,[0-9]+,0,[1-9][0-9]*$' <<<"$VOTES"
q "DELETE FROM publications" >/dev/null

# --- publishing
out=$(api GET "/api/v1/actes/$DELIB/publication")
eq "not published yet: 404" "$(echo "$out" | tail -1)" 404
out=$(pub "/p/$SIREN")
eq "portal, anonymous: 200" "$(echo "$out" | tail -1)" 200
has "nothing published yet" "$out" "Aucun acte publié ne correspond"
out=$(api POST "/api/v1/actes/$DELIB/publication" '{"auteur":"Marie Durand, présidente"}')
eq "publish the deliberation: 201" "$(echo "$out" | tail -1)" 201
PUB1=$(echo "$out" | head -1 | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
SHA1=$(echo "$out" | head -1 | python3 -c 'import json,sys;print(json.load(sys.stdin)["sha256"])')
TODAY=$(TZ=Europe/Paris date +%Y-%m-%d); TODAY_FR=$(TZ=Europe/Paris date +%d/%m/%Y)
has "publication date today (Paris)" "$out" "\"date_publication\":\"$TODAY\""
has "a draft act (never sent) is executory on publication" "$out" "\"executoire\":\"$TODAY\""
has "its portal address" "$out" "\"url\":\"/p/$SIREN/actes/$PUB1\""
out=$(api POST "/api/v1/actes/$DELIB/publication" '{"auteur":"Marie Durand, présidente"}')
eq "published twice: 409" "$(echo "$out" | tail -1)" 409
has "publication.existe" "$out" '"code":"publication.existe"'
out=$(api POST "/api/v1/actes/$CONV/publication" '{"auteur":"Marie Durand, présidente","masquer":["CDG 62"]}')
eq "a hidden word in the object (shown by the portal): 400" "$(echo "$out" | tail -1)" 400
has "publication.objet" "$out" '"code":"publication.objet"'
out=$(api POST "/api/v1/actes/$CONV/publication" '{"auteur":"Marie Durand, présidente","masquer":["Zébulon"]}')
eq "a hidden word not in the document: 400" "$(echo "$out" | tail -1)" 400
has "publication.mot_introuvable" "$out" '"code":"publication.mot_introuvable"'
eq "nothing was published by the refusals" "$(q "SELECT count(*) FROM publications")" 1
out=$(curl -s -b "$T_TMP/ccpo.agent.jar" "$SRV_URL/actes/$CONV/publier")
has "the form page" "$out" 'Mots ou expressions à masquer'
out=$(curl -s -b "$T_TMP/ccpo.agent.jar" -w '\n%{http_code}' --data-urlencode "csrf=$CSRF" --data-urlencode "auteur=Marie Durand, présidente" \
	--data-urlencode $'mots=Pas-de-Calais\r\ndurée de 5 ans' "$SRV_URL/actes/$CONV/publier")
eq "publish the convention with words hidden (form): redirect" "$(echo "$out" | tail -1)" 303
[ "$(echo "$out" | tail -1)" = 303 ] || echo "# $(echo "$out" | grep -o 'role="alert">[^<]*')"
PUB2=$(q "SELECT id FROM publications WHERE acte_id = $CONV")
out=$(curl -s -b "$T_TMP/ccpo.agent.jar" "$SRV_URL/actes/$CONV")
has "the act page shows the publication" "$out" "Publié le</dt><dd>$TODAY_FR par Marie Durand, présidente (copie pseudonymisée)"
has "and the executory date" "$out" "Exécutoire depuis le $TODAY_FR"

# --- the portal (no login)
out=$(pub "/p/$SIREN")
has "the list shows the deliberation" "$out" "2024_041 — Adhésion au service e-administration du CDG 62"
has "and the convention" "$out" "2024_12 — Convention pour"
has "executory date in the list" "$out" "exécutoire depuis le $TODAY_FR"
has "links to the feed" "$out" "/p/$SIREN/flux.atom"
S=$(pub "/p/$SIREN?q=ADHESION+e-admin")
has "search by folded prefixes of the object" "$S" "2024_041"
eq "the other act is not among the results" "$(echo "$S" | grep -c '2024_12 —')" 0
has "search by a word of the published text" "$(pub "/p/$SIREN?q=communautaire+autorise")" "2024_041"
eq "a hidden word is not found by the search" "$(pub "/p/$SIREN?q=calais" | grep -c '2024_12 —')" 0
has "but a visible word of the same act is" "$(pub "/p/$SIREN?q=accompagnement")" "2024_12 —"
eq "nature filter (contracts): no deliberation" "$(pub "/p/$SIREN?nature=4" | grep -c '2024_041')" 0
has "nature filter (contracts): the convention" "$(pub "/p/$SIREN?nature=4")" "2024_12 —"
DD=$(q "SELECT date_decision FROM actes WHERE id = $DELIB")
has "decision date range including it" "$(pub "/p/$SIREN?du=$DD&au=$DD&nature=1")" "2024_041"
eq "date range after it: nothing" "$(pub "/p/$SIREN?du=2099-01-01" | grep -c '2024_0')" 0
MAT=$(q "SELECT matiere FROM actes WHERE id = $DELIB")
has "matière filter (level 1 of $MAT)" "$(pub "/p/$SIREN?matiere=${MAT%%.*}")" "2024_041"
eq "another matière: nothing" "$(pub "/p/$SIREN?matiere=9.9" | grep -c '2024_0')" 0
out=$(pub "/p/$SIREN/actes/$PUB1")
eq "act page: 200" "$(echo "$out" | tail -1)" 200
has "shows the SHA-256" "$out" "$SHA1"
has "the date online and the author" "$out" "$TODAY_FR par Marie Durand, présidente"
curl -s -D "$T_TMP/pdf.h" -o "$T_TMP/p1.pdf" "$SRV_URL/p/$SIREN/actes/$PUB1/document.pdf"
eq "download: the SHA-256 shown is the file's" "$(sha256sum "$T_TMP/p1.pdf" | cut -c1-64)" "$SHA1"
has "as a PDF attachment" "$(cat "$T_TMP/pdf.h")" "application/pdf"
T1=$(pdftotext "$T_TMP/p1.pdf" - | tr -s '\n ' '  ')
has "pdftotext: the publication mention" "$T1" "Publié le $TODAY_FR par Marie Durand, présidente"
has "pdftotext: « Certifié exécutoire »" "$T1" "Certifié exécutoire le $TODAY_FR"
SRC=$(q "SELECT source_sha256 FROM publications WHERE id = $PUB1")
ok "the act's PDF is an exact prefix of the published copy" cmp -n "$(stat -c %s "$D/blobs/${SRC:0:2}/${SRC:2:2}/$SRC")" "$D/blobs/${SRC:0:2}/${SRC:2:2}/$SRC" "$T_TMP/p1.pdf"
curl -s -o "$T_TMP/p2.pdf" "$SRV_URL/p/$SIREN/actes/$PUB2/document.pdf"
T2=$(pdftotext "$T_TMP/p2.pdf" -)
case "$T2" in *Calais*|*"5 ans"*) fail "the redacted copy no longer holds the hidden words" "$T2";; *) pass "the redacted copy no longer holds the hidden words";; esac
SRC2=$(q "SELECT source_sha256 FROM publications WHERE id = $PUB2")
has "the original in the store still does" "$(pdftotext "$D/blobs/${SRC2:0:2}/${SRC2:2:2}/$SRC2" - | tr "\n" " ")" "durée de 5 ans"

# --- feed, CSV, embeddable page
curl -s -D "$T_TMP/atom.h" -o "$T_TMP/flux.atom" "$SRV_URL/p/$SIREN/flux.atom"
has "feed: Atom content type" "$(cat "$T_TMP/atom.h")" "application/atom+xml"
ok "feed: xmllint reads it" xmllint --noout "$T_TMP/flux.atom"
eq "feed: two entries" "$(xmllint --xpath 'count(//*[local-name()="entry"])' "$T_TMP/flux.atom")" 2
A='*[local-name()="'
eq "feed: RFC 4287 feed elements id, title, updated, author" "$(xmllint --xpath "count(/${A}feed\"]/${A}id\"]) + count(/${A}feed\"]/${A}title\"]) + count(/${A}feed\"]/${A}updated\"]) + count(/${A}feed\"]/${A}author\"])" "$T_TMP/flux.atom")" 4
eq "feed: every entry has id, title, updated and an alternate link" \
	"$(xmllint --xpath "count(//${A}entry\"][not(${A}id\"]) or not(${A}title\"]) or not(${A}updated\"]) or not(${A}link\"][@rel=\"alternate\"])])" "$T_TMP/flux.atom")" 0
eq "feed: ids are absolute and unique" "$(grep -o '<id>http[^<]*</id>' "$T_TMP/flux.atom" | sort -u | wc -l)" 3
has "feed: enclosure of the PDF" "$(cat "$T_TMP/flux.atom")" "/p/$SIREN/actes/$PUB1/document.pdf"
curl -s -D "$T_TMP/csv.h" -o "$T_TMP/d.csv" "$SRV_URL/p/$SIREN/deliberations.csv"
has "CSV: file name AAAAMMJJ_SIREN_deliberations.csv" "$(cat "$T_TMP/csv.h")" "filename=\"$(TZ=Europe/Paris date +%Y%m%d)_${SIREN}_deliberations.csv\""
eq "CSV: header + the one published deliberation (not the convention)" "$(wc -l <"$T_TMP/d.csv")" 2
has "CSV: its row" "$(cat "$T_TMP/d.csv")" ",2024_041,$DD,"
out=$(api POST "/api/v1/actes/$VOTED/publication" '{"auteur":"Marie Durand, présidente"}')
eq "publish a délibération of the séance: 201" "$(echo "$out" | tail -1)" 201
curl -s -o "$T_TMP/d.csv" "$SRV_URL/p/$SIREN/deliberations.csv"
eq "CSV: now two deliberations" "$(wc -l <"$T_TMP/d.csv")" 3
has "CSV: the séance's vote in VOTE_EFFECTIF, VOTE_REEL, POUR, CONTRE, ABSTENTION" "$(cat "$T_TMP/d.csv")" ",$VOTES,"
ok "CSV: opale scdl check against the 2.1.5 schema" "$OPALE" scdl check "$T_TMP/d.csv" --schema "$SHARED/specs/scdl/deliberations-2.1.5.schema.json"
curl -s -D "$T_TMP/emb.h" -o "$T_TMP/emb.html" "$SRV_URL/p/$SIREN/integration?q=adhesion"
has "embeddable page: may be framed by the collectivité's website" "$(cat "$T_TMP/emb.h")" "frame-ancestors https://www.ccpo.fr"
eq "embeddable page: no X-Frame-Options" "$(grep -ci '^X-Frame-Options' "$T_TMP/emb.h")" 0
eq "embeddable page: no navigation" "$(grep -c 'class="menu"\|class="top"' "$T_TMP/emb.html")" 0
has "embeddable page: the search result" "$(cat "$T_TMP/emb.html")" "2024_041"
eq "the portal page itself cannot be framed" "$(curl -s -D - -o /dev/null "$SRV_URL/p/$SIREN" | grep -ci '^X-Frame-Options: DENY')" 1
has "and its CSP says frame-ancestors 'none'" "$(curl -s -D - -o /dev/null "$SRV_URL/p/$SIREN/actes/$PUB1")" "frame-ancestors 'none'"

# --- séances: the liste des délibérations and the procès-verbal, once published (L2121-25, L2121-15)
SEC_CSRF=$(login ccpo.secretaire)
secapi() { curl -s -b "$T_TMP/ccpo.secretaire.jar" -H "X-CSRF-Token: $SEC_CSRF" -H 'Content-Type: application/json' -X "$1" \
	${3:+-d "$3"} -w '\n%{http_code}' "$SRV_URL$2"; }
PAST=$(q "SELECT s.id FROM seances s WHERE EXISTS (SELECT 1 FROM seance_votes v WHERE v.seance_id = s.id) ORDER BY s.id LIMIT 1")
NEXT=$(q "SELECT n.id FROM seances n JOIN seances p ON p.id = $PAST AND n.organe_id = p.organe_id AND n.starts_at > p.starts_at ORDER BY n.starts_at LIMIT 1")
[ -n "$PAST" ] && [ -n "$NEXT" ] || fail "the demo's past séance and the next one"
out=$(pub "/p/$SIREN/seances")
eq "séances page, anonymous: 200" "$(echo "$out" | tail -1)" 200
has "nothing published yet" "$out" "Aucune liste des délibérations ni aucun procès-verbal"
eq "the list's PDF before its publication: 404" "$(code "/p/$SIREN/seances/$PAST/liste.pdf")" 404
eq "the PV's PDF before its publication: 404" "$(code "/p/$SIREN/seances/$PAST/pv.pdf")" 404
has "the portal links the séances" "$(pub "/p/$SIREN")" "/p/$SIREN/seances"
out=$(secapi POST "/api/v1/seances/$PAST/liste/publication")
eq "the secretary publishes the liste des délibérations" "$(echo "$out" | tail -1)" 200
LSHA=$(q "SELECT sha256 FROM seance_listes WHERE seance_id = $PAST")
has "the list's page (secretary) links to it on the portal" "$(curl -s -b "$T_TMP/ccpo.secretaire.jar" "$SRV_URL/seances/$PAST/liste")" "/p/$SIREN/seances#seance-$PAST"
out=$(pub "/p/$SIREN/seances")
has "the séance appears: its assembly and day" "$out" "Conseil communautaire — séance du jeudi"
has "its liste des délibérations with its SHA-256" "$out" "$LSHA"
eq "not its PV (not published)" "$(grep -c "/seances/$PAST/pv.pdf" <<<"$out")" 0
eq "the PV's PDF still 404" "$(code "/p/$SIREN/seances/$PAST/pv.pdf")" 404
curl -s -D "$T_TMP/l.h" -o "$T_TMP/liste.pdf" "$SRV_URL/p/$SIREN/seances/$PAST/liste.pdf"
eq "the list's download: its SHA-256 is the one shown" "$(sha256sum "$T_TMP/liste.pdf" | cut -c1-64)" "$LSHA"
has "… in X-Content-SHA256" "$(cat "$T_TMP/l.h")" "X-Content-SHA256: $LSHA"
has "pdftotext: the list with its « Mise en ligne le »" "$(pdftotext "$T_TMP/liste.pdf" - | tr -s '\n ' '  ')" "Mise en ligne le $TODAY_FR"
SECM=$(q "SELECT id FROM membres WHERE organe_id = (SELECT organe_id FROM seances WHERE id = $PAST) AND qualite = 'titulaire' ORDER BY id LIMIT 1 OFFSET 1")
eq "PV: a secretary designated" "$(secapi PUT "/api/v1/seances/$PAST/pv" "{\"secretaire\":$SECM}" | tail -1)" 200
eq "PV: arrêté" "$(secapi POST "/api/v1/seances/$PAST/pv/etat" '{"etat":"arrete"}' | tail -1)" 200
eq "PV: adopted at the next séance" "$(secapi POST "/api/v1/seances/$PAST/pv/etat" "{\"etat\":\"adopte\",\"seance\":$NEXT}" | tail -1)" 200
eq "an adopted PV not yet published: still 404" "$(code "/p/$SIREN/seances/$PAST/pv.pdf")" 404
eq "PV: published" "$(secapi POST "/api/v1/seances/$PAST/pv/publication" | tail -1)" 200
PSHA=$(q "SELECT arrete_sha256 FROM seance_pv WHERE seance_id = $PAST")
has "the PV's page links to it on the portal" "$(curl -s -b "$T_TMP/ccpo.secretaire.jar" "$SRV_URL/seances/$PAST/pv")" "/p/$SIREN/seances#seance-$PAST"
out=$(pub "/p/$SIREN/seances")
has "the séance now lists its procès-verbal with its SHA-256" "$out" "$PSHA"
curl -s -o "$T_TMP/pv.pdf" "$SRV_URL/p/$SIREN/seances/$PAST/pv.pdf"
eq "the PV's download: its SHA-256 is the one shown" "$(sha256sum "$T_TMP/pv.pdf" | cut -c1-64)" "$PSHA"
has "pdftotext: the procès-verbal" "$(pdftotext "$T_TMP/pv.pdf" - | tr -s '\n ' '  ')" "Procès-verbal de la séance"
eq "another kind of document: 404" "$(code "/p/$SIREN/seances/$PAST/registre.pdf")" 404
eq "the next séance (nothing published): 404" "$(code "/p/$SIREN/seances/$NEXT/liste.pdf")" 404
# The list went online a minute before the PV, and both after every act published so far (the same
# second otherwise: the feed's order would depend on the clock).
LAST=$(q "SELECT MAX(published_at) FROM publications")
q "UPDATE seance_listes SET publie_at = $LAST + 60 WHERE seance_id = $PAST" >/dev/null
q "UPDATE seance_pv SET publie_at = $LAST + 120 WHERE seance_id = $PAST" >/dev/null
curl -s -o "$T_TMP/flux2.atom" "$SRV_URL/p/$SIREN/flux.atom"
ok "feed with the séances: xmllint reads it" xmllint --noout "$T_TMP/flux2.atom"
eq "feed: the list and the PV are entries (acts + 2)" "$(xmllint --xpath 'count(//*[local-name()="entry"])' "$T_TMP/flux2.atom")" "$(($(q "SELECT count(*) FROM publications") + 2))"
eq "feed: the newest entry is the PV" "$(xmllint --xpath 'string(//*[local-name()="entry"][1]/*[local-name()="link"][@rel="enclosure"]/@href)' "$T_TMP/flux2.atom")" \
	"http://127.0.0.1:8080/p/$SIREN/seances/$PAST/pv.pdf"
has "feed: the list's entry with its enclosure and SHA-256" "$(cat "$T_TMP/flux2.atom")" "/p/$SIREN/seances/$PAST/liste.pdf\" length=\"$(stat -c %s "$T_TMP/liste.pdf")\""
has "… and its SHA-256" "$(cat "$T_TMP/flux2.atom")" "SHA-256 : $LSHA"

# --- no leak: unknown SIREN, unpublished, another collectivité, expired
eq "unknown SIREN: 404" "$(code "/p/999999999")" 404
eq "malformed SIREN: 404" "$(code "/p/abc")" 404
eq "unknown publication: 404" "$(code "/p/$SIREN/actes/999999")" 404
"$OPALE" tenant add --name "Commune témoin" --siren 210100012 --kind commune --tiers 1 $SRV_ARGS >/dev/null || fail "second collectivité"
B=$(q "SELECT id FROM collectivites WHERE siren = '210100012'")
q "INSERT INTO actes (tenant_id, annee, numero, nature, objet, date_decision, matiere, classification_date, type_piece, creator, created_at, updated_at)
   VALUES ($B, 2024, 'B_SECRET', 1, 'Acte non publié de B', '2024-05-02', '1.1', '2024-01-01', '99_DE', 1, 0, 0)" >/dev/null
q "INSERT INTO actes (tenant_id, annee, numero, nature, objet, date_decision, matiere, classification_date, type_piece, creator, created_at, updated_at)
   VALUES ($B, 2024, 'B_PUBLIE', 1, 'Subvention témoin de B', '2024-05-03', '7.5', '2024-01-01', '99_DE', 1, 0, 0)" >/dev/null
BA=$(q "SELECT id FROM actes WHERE numero = 'B_PUBLIE'")
q "INSERT INTO publications (tenant_id, acte_id, numero, nature, objet, matiere, date_decision, date_publication, published_at, auteur, user_id, source_sha256, sha256, size, body)
   VALUES ($B, $BA, 'B_PUBLIE', 1, 'Subvention témoin de B', '7.5', '2024-05-03', '$TODAY', 1, 'Jean Maire, maire', 1, '$SHA1', '$SHA1', 1, 'b_publie subvention temoin de b adhesion')" >/dev/null
PUBB=$(q "SELECT id FROM publications WHERE tenant_id = $B")
has "B's portal lists B's publication" "$(pub "/p/210100012")" "B_PUBLIE"
eq "but not A's acts" "$(pub "/p/210100012" | grep -c '2024_041\|2024_12')" 0
eq "nor its unpublished act" "$(pub "/p/210100012" | grep -c 'B_SECRET')" 0
eq "A's portal does not list B's act" "$(pub "/p/$SIREN" | grep -c 'B_PUBLIE')" 0
eq "nor find it by a word of its text" "$(pub "/p/$SIREN?q=subvention" | grep -c 'B_PUBLIE')" 0
eq "B's publication under A's SIREN: 404" "$(code "/p/$SIREN/actes/$PUBB")" 404
eq "its PDF under A's SIREN: 404" "$(code "/p/$SIREN/actes/$PUBB/document.pdf")" 404
eq "A's publication under B's SIREN: 404" "$(code "/p/210100012/actes/$PUB1")" 404
eq "A's PDF under B's SIREN: 404" "$(code "/p/210100012/actes/$PUB1/document.pdf")" 404
has "a collectivité without website: its embeddable page may be framed anywhere" "$(curl -s -D - -o /dev/null "$SRV_URL/p/210100012/integration")" "frame-ancestors *"
eq "B's CSV holds only B's row" "$(curl -s "$SRV_URL/p/210100012/deliberations.csv" | grep -c '2024_041\|B_PUBLIE')" 1
eq "A's feed does not hold B's act" "$(curl -s "$SRV_URL/p/$SIREN/flux.atom" | grep -c 'B_PUBLIE')" 0
q "INSERT INTO organes (tenant_id, name, kind, created_at) VALUES ($B, 'Conseil municipal témoin', 'commune', 0)" >/dev/null
BO=$(q "SELECT id FROM organes WHERE tenant_id = $B")
q "INSERT INTO seances (tenant_id, organe_id, title, starts_at, created_at, updated_at) VALUES ($B, $BO, 'Conseil municipal', 1700000000, 0, 0)" >/dev/null
BS=$(q "SELECT id FROM seances WHERE tenant_id = $B")
q "INSERT INTO seance_listes (tenant_id, seance_id, sha256, publie_at, publie_par) VALUES ($B, $BS, '$LSHA', 1700100000, 0)" >/dev/null
has "B's séances page lists B's published list" "$(pub "/p/210100012/seances")" "Conseil municipal témoin"
eq "but not A's séance" "$(pub "/p/210100012/seances" | grep -c 'Conseil communautaire')" 0
eq "A's séances page does not list B's" "$(pub "/p/$SIREN/seances" | grep -c 'Conseil municipal témoin')" 0
eq "B's list under A's SIREN: 404" "$(code "/p/$SIREN/seances/$BS/liste.pdf")" 404
eq "A's list under B's SIREN: 404" "$(code "/p/210100012/seances/$PAST/liste.pdf")" 404
eq "A's PV under B's SIREN: 404" "$(code "/p/210100012/seances/$PAST/pv.pdf")" 404
eq "A's feed does not hold B's séance" "$(curl -s "$SRV_URL/p/$SIREN/flux.atom" | grep -c "seances/$BS/")" 0
q "UPDATE publications SET expires_at = 10 WHERE id = $PUB2" >/dev/null
eq "an expired publication leaves the list" "$(pub "/p/$SIREN" | grep -c '2024_12 —')" 0
eq "its page: 404" "$(code "/p/$SIREN/actes/$PUB2")" 404
eq "its PDF: 404" "$(code "/p/$SIREN/actes/$PUB2/document.pdf")" 404

# --- settings
out=$(curl -s -b "$T_TMP/ccpo.admin.jar" -H "X-CSRF-Token: $ADMIN_CSRF" -H 'Content-Type: application/json' -X PUT -d '{"duree_mois":1}' -w '\n%{http_code}' "$SRV_URL/api/v1/publication/reglages")
eq "online duration of 1 month: 400 (at least 2)" "$(echo "$out" | tail -1)" 400
out=$(curl -s -b "$T_TMP/ccpo.admin.jar" -H "X-CSRF-Token: $ADMIN_CSRF" -H 'Content-Type: application/json' -X PUT -d '{"duree_mois":24}' -w '\n%{http_code}' "$SRV_URL/api/v1/publication/reglages")
eq "24 months: 200" "$(echo "$out" | tail -1)" 200
eq "an agent cannot change it: 403" "$(curl -s -o /dev/null -w '%{http_code}' -b "$T_TMP/ccpo.agent.jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -X PUT -d '{"duree_mois":0}' "$SRV_URL/api/v1/publication/reglages")" 403
eq "anonymous cannot publish: 401" "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' "$SRV_URL/api/v1/actes/$DELIB/publication")" 401
t_done
