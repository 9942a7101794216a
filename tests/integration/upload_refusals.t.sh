#!/usr/bin/env bash
# Bad uploads to the parapheur through the real server, on the engine under test: an office document as
# main document (415 document.format), a damaged PDF (400 document.pdf_invalide), an encrypted PDF,
# malformed folder JSON (400 json.malformed), an unknown sub-type (404) — each with its French message,
# and nothing stored: the folder count and the blob directory are unchanged.
. "$(dirname "$0")/../lib.sh"
D=$T_TMP/data
start_server "$D" || { fail "server starts"; t_done; exit; }
"$OPALE" demo $SRV_ARGS >/dev/null || fail "demo"
curl -s -c "$T_TMP/jar" -H 'Content-Type: application/json' -d '{"login":"ccpo.agent","password":"Opale-Demo-2024!"}' \
	"$SRV_URL/api/v1/session" >"$T_TMP/login.json"
CSRF=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["csrf"])' "$T_TMP/login.json")
q() { if [ "${OPALE_TEST_DB:-sqlite}" = pg ]; then psql "${SRV_ARGS##*--db }" -tAc "$1"; else sqlite3 "$D/opale.db" "$1"; fi; }
SUB=$(q "SELECT id FROM folder_subtypes ORDER BY id LIMIT 1")
DESK=$(q "SELECT d.id FROM desks d JOIN desk_owners o ON o.desk_id = d.id JOIN users u ON u.id = o.user_id WHERE u.login = 'ccpo.agent' LIMIT 1")
before_folders=$(q "SELECT count(*) FROM folders")
before_blobs=$(find "$D/blobs" -type f 2>/dev/null | wc -l)
post() { # meta file → body + status
	curl -s -b "$T_TMP/jar" -H "X-CSRF-Token: $CSRF" -w '\n%{http_code}' -F "dossier=$1" -F "principal=@$2" "$SRV_URL/api/v1/parapheur/dossiers"
}
META="{\"titre\":\"Essai\",\"sous_type\":$SUB,\"bureau\":$DESK}"
# An office document (OOXML: a zip whose first member is [Content_Types].xml).
mkdir -p "$T_TMP/docx/_rels" "$T_TMP/docx/word"
echo '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>' >"$T_TMP/docx/[Content_Types].xml"
echo '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>' >"$T_TMP/docx/word/document.xml"
(cd "$T_TMP/docx" && python3 -c 'import zipfile;z=zipfile.ZipFile("../convention.docx","w");[z.write(f) for f in ["[Content_Types].xml","word/document.xml"]]')
out=$(post "$META" "$T_TMP/convention.docx")
eq "office document: 415" "$(echo "$out" | tail -1)" 415
has "office document: code" "$out" '"code":"document.format"'
has "office document: told to convert it to PDF" "$out" 'convertissez-le en PDF'
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ngarbage\n' >"$T_TMP/damaged.pdf"
out=$(post "$META" "$T_TMP/damaged.pdf")
eq "damaged PDF: 400" "$(echo "$out" | tail -1)" 400
has "damaged PDF: code" "$out" '"code":"document.pdf_invalide"'
"$TOP/${BUILD:-build/rel}/peers/mkpdf" "$T_TMP/ok.pdf" >/dev/null 2>&1
qpdf --encrypt user owner 256 -- "$T_TMP/ok.pdf" "$T_TMP/enc.pdf" 2>/dev/null
out=$(post "$META" "$T_TMP/enc.pdf")
eq "encrypted PDF: 400" "$(echo "$out" | tail -1)" 400
has "encrypted PDF: said so" "$out" 'chiffr'
out=$(post '{"titre":' "$T_TMP/ok.pdf")
eq "malformed folder JSON: 400" "$(echo "$out" | tail -1)" 400
has "malformed folder JSON: code" "$out" '"code":"json.malformed"'
out=$(post "{\"titre\":\"Essai\",\"sous_type\":999999,\"bureau\":$DESK}" "$T_TMP/ok.pdf")
eq "unknown sub-type: 404" "$(echo "$out" | tail -1)" 404
eq "no folder stored by the refused uploads" "$(q "SELECT count(*) FROM folders")" "$before_folders"
eq "no blob stored by the refused uploads" "$(find "$D/blobs" -type f 2>/dev/null | wc -l)" "$before_blobs"
out=$(post "$META" "$T_TMP/ok.pdf")
eq "and the same upload with a good PDF: 201" "$(echo "$out" | tail -1)" 201
t_done
