#!/usr/bin/env bash
# actes_archive: `opale actes archive` builds archives laid out like the real one in specs/actes/samples,
# whose every XML xmllint validates; `opale actes check` accepts them and names the violation in each
# broken variant (wrong number, unknown matière, missing file, forbidden type, oversize, XSD…), and
# agrees with xmllint on which XML files are invalid. The builder refuses bad acts without writing.
. "$(dirname "$0")/../lib.sh"
A=$SHARED/specs/actes
XSD=$A/actesv1_1.xsd
S=$A/samples
PDF1=$S/pastell/034-491011698-20171207-CL20171227_06-DE-1-1_1.pdf
PDF2=$S/pastell/034-491011698-20171207-CL20171227_06-DE-1-1_2.pdf
T=$T_TMP
TODAY=$(date +%Y%m%d)

cat >"$T/meta.json" <<'EOF'
{"siren":"246200364","departement":"062","arrondissement":"3","numero":"2024_12","nature":4,
 "date_decision":"2024-03-18","objet":"Convention de mise à disposition — été « 2024 » & co","classification":"1.4",
 "classification_date":"2024-01-10","type_piece_acte":"11_AC","type_pieces_annexes":["10_DE"],"document_papier":false}
EOF
# The prefecture's classification, re-dated to the version the act uses.
sed 's/2019-03-01/2024-01-10/' "$S/pastell/classification-exemple.xml" >"$T/classif.xml"

mkdir -p "$T/built"
path=$("$OPALE" actes archive --meta "$T/meta.json" --acte "$PDF1" --annexe "$PDF2" --classification "$T/classif.xml" \
	--out "$T/built" 2>"$T/err")
eq "archive built, its path printed" "$path" "$T/built/OPL-EACT--246200364--$TODAY-1.tar.gz"
has "missing collectivité nature reported as a default" "$(cat "$T/err")" "nature_collectivite absente"

# Layout: flat ustar tar.gz, envelope first, then metadata, act, annexes — like the real archive.
layout() { python3 - "$1" <<'EOF'
import sys, tarfile, gzip
raw = gzip.open(sys.argv[1]).read()
fmt = "ustar" if raw[257:263] == b"ustar\x00" else "other"
t = tarfile.open(sys.argv[1], "r:gz")
names = t.getnames()
kinds = []
for m in t.getmembers():
    n = m.name
    k = "env" if n.startswith("EACT--") else "meta" if n.endswith("-1-1_0.xml") else "file"
    kinds.append("%s:%o:%d:%s" % (k, m.mode & 0o7777, m.uid, "flat" if "/" not in n and m.isfile() else "dir"))
print(fmt, " ".join(kinds))
EOF
}
eq "same layout as the real archive (order, ustar, permissions, owner, flat)" \
	"$(layout "$path" | sed 's/ file:644:0:flat$//')" "$(layout "$S/SIC-EACT--210600730--20180115-1.tar.gz")"
names=$(tar tzf "$path" | tr '\n' ' ')
eq "member names" "$names" "EACT--246200364--$TODAY-1.xml 062-246200364-20240318-2024_12-CC-1-1_0.xml 11_AC-062-246200364-20240318-2024_12-CC-1-1_1.pdf 10_DE-062-246200364-20240318-2024_12-CC-1-1_2.pdf "
mkdir -p "$T/x" && tar xzf "$path" -C "$T/x"
for f in "$T"/x/*.xml; do
	ok "xmllint --schema validates $(basename "$f")" xmllint --noout --schema "$XSD" "$f"
done
has "written in ISO-8859-1 as S2LOW does" "$(head -1 "$T/x/062-246200364-20240318-2024_12-CC-1-1_0.xml")" 'encoding="ISO-8859-1"'
has "non-Latin-1 characters as references" "$(cat "$T/x/062-246200364-20240318-2024_12-CC-1-1_0.xml")" "&#8212;"
cmp -s "$PDF1" "$T/x/11_AC-062-246200364-20240318-2024_12-CC-1-1_1.pdf" && pass "act file copied unchanged" || fail "act file copied unchanged"
ok "opale actes check accepts it (with the classification)" "$OPALE" actes check "$path" --classification "$T/classif.xml"
ok "opale actes check accepts it (without)" "$OPALE" actes check "$path"

# The real archive: valid XML, but its act is a JPEG, which S2LOW refuses.
"$OPALE" actes check "$S/SIC-EACT--210600730--20180115-1.tar.gz" >"$T/real" 2>&1; rc=$?
eq "real archive: exit 1" "$rc" 1
eq "real archive: exactly one violation, the JPEG act" "$(grep -c '\[actes\.' "$T/real")|$(grep -o '\[actes\.[a-z_]*\]' "$T/real")" "1|[actes.type_fichier]"

# ---- broken archives: each built from the valid one by one change -----------------------------------
mutate() { # mutate OUT.tar.gz MODE [ARG] — rewrites the valid archive
	python3 - "$path" "$@" <<'EOF'
import sys, tarfile, io, re
src, out, mode = sys.argv[1], sys.argv[2], sys.argv[3]
arg = sys.argv[4] if len(sys.argv) > 4 else ""
t = tarfile.open(src, "r:gz")
members = [(m, t.extractfile(m).read()) for m in t.getmembers()]
res = []
for m, d in members:
    n = m.name
    if n.endswith("-1-1_0.xml"):
        if mode == "numero": d = d.replace(b'NumeroInterne="2024_12"', b'NumeroInterne="2024-12"')
        if mode == "matiere": d = d.replace(b'CodeMatiere="4"', b'CodeMatiere="99"')
        if mode == "xsd": d = re.sub(rb"\s*<actes:DocumentPapier>N</actes:DocumentPapier>", b"", d)
        if mode == "objet": d = d.replace(b"Convention", b"C" * 600)
        if mode == "classifdate": d = d.replace(b"2024-01-10", b"2023-01-10")
        if mode == "type": d = d.replace(b"10_DE-062", b"99_XX-062")
    if mode == "missing" and n.endswith("_2.pdf"): continue
    if mode == "type" and n.endswith("_2.pdf"): n = n.replace("10_DE-", "99_XX-")
    if mode == "forbidden" and n.endswith("_1.pdf"): d = b"juste du texte\n"
    if mode == "jpeg" and n.endswith("_2.pdf"): d = open(arg, "rb").read()
    if mode == "oversize" and n.endswith("_2.pdf"): d = b"%PDF-1.4\n" + b"\0" * (151 << 20) + b"\n%%EOF\n"
    m2 = tarfile.TarInfo(n); m2.size = len(d); m2.mode = 0o644
    res.append((m2, d))
if mode == "extra":
    m2 = tarfile.TarInfo("notes.txt"); m2.size = 3; res.append((m2, b"abc"))
if mode == "dir":
    m2 = tarfile.TarInfo("../evil.xml"); m2.size = 3; res.append((m2, b"abc"))
if mode == "plaintar":
    w = tarfile.open(out, "w", format=tarfile.USTAR_FORMAT)
else:
    w = tarfile.open(out, "w:gz", compresslevel=1, format=tarfile.USTAR_FORMAT)
for m2, d in res: w.addfile(m2, io.BytesIO(d))
w.close()
EOF
}
JPEG=$T/pic.jpg
tar xzf "$S/SIC-EACT--210600730--20180115-1.tar.gz" -C "$T" CO_DE-006-210600730-20180115-007-AR-1-1_1.jpg && mv "$T/CO_DE-006-210600730-20180115-007-AR-1-1_1.jpg" "$JPEG"

# case MODE EXPECTED-CODE [check args]
broken() {
	local mode=$1 code=$2; shift 2
	local d="$T/b-$mode"; mkdir -p "$d"
	local f="$d/$(basename "$path")"
	mutate "$f" "$mode" "$JPEG" || { fail "$mode: variant built"; return; }
	"$OPALE" actes check "$f" "$@" >"$d/out" 2>&1; local rc=$?
	if [ "$rc" = 1 ] && grep -q "\[$code\]" "$d/out"; then pass "$mode: check names [$code]"
	else fail "$mode: check names [$code]" "exit $rc: $(head -c 600 "$d/out")"; fi
	# xmllint and our validator agree on which XML files break the schema
	mkdir -p "$d/x"; tar xf "$f" -C "$d/x" 2>/dev/null
	local lint=0 ours=0
	for x in "$d"/x/*.xml; do [ -e "$x" ] || continue; xmllint --noout --schema "$XSD" "$x" >/dev/null 2>&1 || lint=1; done
	grep -q '\[actes\.xsd\]' "$d/out" && ours=1
	[ "$mode" = plaintar ] || [ "$mode" = dir ] || eq "$mode: xmllint and opale agree on schema validity" "$ours" "$lint"
}
broken numero actes.numero
broken matiere actes.matiere --classification "$T/classif.xml"
broken missing actes.fichier_absent
broken forbidden actes.type_fichier
broken jpeg actes.nom_fichier
broken oversize actes.taille
broken xsd actes.xsd
broken objet actes.objet
broken classifdate actes.classification_date --classification "$T/classif.xml"
broken type actes.type_piece --classification "$T/classif.xml"
broken extra actes.fichier_en_trop
broken plaintar actes.archive
broken dir actes.archive
"$OPALE" actes check "$T/b-xsd/$(basename "$path")" >"$T/xsdout" 2>&1
has "XSD errors carry the line" "$(cat "$T/xsdout")" "ligne"
cp "$path" "$T/wrongname.tar.gz"
"$OPALE" actes check "$T/wrongname.tar.gz" >"$T/wn" 2>&1
has "archive name checked" "$(cat "$T/wn")" "[actes.nom_archive]"
"$OPALE" actes check "$T/b-missing/$(basename "$path")" "$T/b-numero/$(basename "$path")" --json >"$T/js"
eq "--json: one object per archive" "$(python3 -c 'import sys,json;print([json.loads(l)["conforme"] for l in open(sys.argv[1])])' "$T/js")" "[False, False]"

# ---- the builder refuses, names the violation, writes nothing ---------------------------------------
refuse() { # refuse WHAT CODE JQ-EDIT [extra archive args]
	local what=$1 code=$2 edit=$3; shift 3
	local d="$T/r-$(echo "$what" | tr -c 'a-z' _)"; mkdir -p "$d/out"
	python3 -c "import json,sys;m=json.load(open(sys.argv[1]));$edit;json.dump(m,open(sys.argv[2],'w'))" "$T/meta.json" "$d/meta.json"
	"$OPALE" actes archive --meta "$d/meta.json" --acte "$PDF1" --annexe "$PDF2" --out "$d/out" "$@" >"$d/stdout" 2>"$d/err"; local rc=$?
	if [ "$rc" = 1 ] && grep -q "\[$code\]" "$d/err" && [ -z "$(ls "$d/out")" ]; then pass "builder refuses $what: [$code], nothing written"
	else fail "builder refuses $what: [$code], nothing written" "exit $rc: $(head -c 600 "$d/err") | $(ls "$d/out")"; fi
}
refuse "lowercase number" actes.numero 'm["numero"]="2024_ab"'
refuse "number with a dash" actes.numero 'm["numero"]="2024-12"'
refuse "number ending with _ (S2LOW)" actes.numero 'm["numero"]="2024_"'
refuse "16-character number" actes.numero 'm["numero"]="1234567890123456"'
refuse "objet on two lines" actes.objet 'm["objet"]="ligne 1\nligne 2"'
refuse "objet of 500 characters" actes.objet 'm["objet"]="x"*500'
refuse "unknown matière" actes.matiere 'm["classification"]="1.99"' --classification "$T/classif.xml"
refuse "outdated classification" actes.classification_date 'm["classification_date"]="2023-12-01"' --classification "$T/classif.xml"
refuse "piece type of another nature" actes.type_piece 'm["type_piece_acte"]="99_BU"' --classification "$T/classif.xml"
refuse "future decision date" actes.date 'm["date_decision"]="2999-01-01"'
refuse "nature 7" actes.nature 'm["nature"]=7'
refuse "bad SIREN" actes.siren 'm["siren"]="12345"'
refuse "bad e-mail" actes.email 'm["adresses_retour"]=["pas une adresse"]'
refuse "missing type for an annex" actes.type_piece 'm["type_pieces_annexes"]=[]'
printf 'hello\n' >"$T/notes.txt"
d=$T/r-txt; mkdir -p "$d/out"
"$OPALE" actes archive --meta "$T/meta.json" --acte "$PDF1" --annexe "$T/notes.txt" --out "$d/out" 2>"$d/err"
has "builder refuses a text annex" "$(cat "$d/err")" "[actes.type_fichier]"
"$OPALE" actes archive --meta "$T/meta.json" --acte "$T/none.pdf" --annexe "$PDF2" --out "$d/out" 2>"$d/err"
has "builder names a missing file" "$(cat "$d/err")" "[actes.fichier_absent]"
{ printf '%%PDF-1.4\n'; head -c 100 /dev/zero; } >"$T/big.pdf"; truncate -s 151M "$T/big.pdf"; printf '%%%%EOF\n' >>"$T/big.pdf"
"$OPALE" actes archive --meta "$T/meta.json" --acte "$PDF1" --annexe "$T/big.pdf" --out "$d/out" 2>"$d/err"
has "builder refuses more than 150 MiB of files" "$(cat "$d/err")" "[actes.taille]"
eq "nothing written on refusal" "$(ls "$d/out")" ""
t_done
