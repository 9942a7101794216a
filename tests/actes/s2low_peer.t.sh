#!/usr/bin/env bash
# s2low_peer: the S2LOW test peer speaks the endpoints and formats Pastell uses — act creation with
# S2LOW's refusals, the archive it builds (checked by opale and xmllint), states 1→3→4 with the AR,
# anomalies, files list and downloads, the receipt PDF, letters 2–5 with their archives, replies
# (2-2, 3-3, 3-4, 4-3, 4-4) and their ARs, cancellation and its AR, classification, authentication,
# and the automatic mode.
. "$(dirname "$0")/../lib.sh"
PEER=$TOP/${BUILD:-build/rel}/peers/s2low_peer
A=$SHARED/specs/actes
XSD=$A/actesv1_1.xsd
S=$A/samples
T=$T_TMP
PDF=$S/pastell/034-491011698-20171207-CL20171227_06-DE-1-1_1.pdf
sed 's/2019-03-01/2024-01-10/' "$S/pastell/classification-exemple.xml" >"$T/classif.xml"
[ -x "$PEER" ] || { fail "peer built ($PEER)"; t_done; exit; }

start_peer() { # start_peer VAR-PREFIX args… → sets URL, PEER_PID
	local port; port=$(free_port)
	"$PEER" --port "$port" "$@" >"$T/peer-$port.log" 2>&1 &
	PEER_PID=$!; T_PIDS="${T_PIDS:-} $PEER_PID"
	URL=http://127.0.0.1:$port
	for _ in $(seq 1 100); do curl -sf "$URL/api/test-connexion.php" >/dev/null 2>&1 && return 0
		[ -n "${PEER_LOGIN:-}" ] && curl -s "$URL/api/test-connexion.php" | grep -q KO && return 0; sleep 0.05; done
	return 1
}
api() { curl -s "$@" | iconv -f ISO-8859-1 -t UTF-8; }
create() { # create NUMBER [key=value overrides] [+key=value extra fields] [-u user:pass] → body
	local n=$1; shift
	declare -A f=([api]=1 [nature_code]=4 [number]=$n [subject]="$(printf 'Convention de mise \xe0 disposition')"
		[decision_date]=2024-03-18 [classif1]=1 [classif2]=4 [en_attente]=0 [document_papier]=0
		[type_acte]=11_AC [acte_pdf_file]="@$PDF")
	local args=() more=(-F 'type_pj[]=10_DE' -F "acte_attachments[]=@$PDF")
	while [ $# -gt 0 ]; do
		case $1 in
		-u) more+=(-u "$2"); shift;;
		+*) more+=(-F "${1#+}");;
		*) f[${1%%=*}]=${1#*=};;
		esac
		shift
	done
	for k in "${!f[@]}"; do [ "${f[$k]}" = "-" ] || args+=(-F "$k=${f[$k]}"); done
	api "${args[@]}" "${more[@]}" "$URL/modules/actes/actes_transac_create.php"
}
status() { api "$URL/modules/actes/actes_transac_get_status.php?transaction=$1"; }
ctl() { api -X POST "$URL/_peer/$1"; }

start_peer --classification "$T/classif.xml" || { fail "peer starts"; t_done; exit; }
pass "peer starts"
eq "test-connexion" "$(api "$URL/api/test-connexion.php")" "OK"
eq "no login list for this certificate" "$(api "$URL/admin/users/api-list-login.php")" "[]"

out=$(create 2024_12); id=$(echo "$out" | sed -n 2p)
eq "act posted: OK and a transaction id" "$(echo "$out" | head -1)" "OK"
eq "state 1 (posté)" "$(status "$id" | sed -n 2p)" "1"
curl -s -D "$T/h" -o "$T/arch.tar.gz" "$URL/modules/actes/actes_download_file.php?env=$id"
name=$(sed -n 's/.*filename="\(.*\)".*/\1/p' "$T/h" | tr -d '\r')
has "the archive is named as S2LOW names it" "$name" "SLO-EACT--246200364--"
mkdir -p "$T/a" && cp "$T/arch.tar.gz" "$T/a/$name"
ok "opale actes check accepts the peer's archive" "$OPALE" actes check "$T/a/$name" --classification "$T/classif.xml"
mkdir -p "$T/ax" && tar xzf "$T/arch.tar.gz" -C "$T/ax"
for f in "$T"/ax/*.xml; do ok "xmllint validates $(basename "$f")" xmllint --noout --schema "$XSD" "$f"; done
has "subject read as ISO-8859-1" "$(iconv -f ISO-8859-1 -t UTF-8 "$T"/ax/062-*-1-1_0.xml)" "Convention de mise à disposition"

eq "files list before the AR: refused" "$(api "$URL/modules/actes/actes_transac_get_files_list.php?transaction=$id" | head -2 | tr '\n' '|')" "KO|Pas d'acquittement recu|"
eq "transmitted (3)" "$(ctl "transmettre?id=$id" | sed -n 2p)" "3"
eq "AR received (4)" "$(ctl "ar?id=$id" | sed -n 2p)" "4"
status "$id" | tail -n +3 >"$T/ar.xml"
ok "status 4 carries the ARActe, valid" xmllint --noout --schema "$XSD" "$T/ar.xml"
has "ARActe with the identifier" "$("$OPALE" actes message "$T/ar.xml")" "Identifiant de l'acte : 062-246200364-20240318-2024_12-CC"
api "$URL/modules/actes/actes_transac_get_files_list.php?transaction=$id" >"$T/files.json"
eq "files list: business XML, act, annex" "$(python3 -c 'import json,sys;print(" ".join(f["name"].split("-")[0]+":"+f["code_pj"] for f in json.load(open(sys.argv[1]))))' "$T/files.json")" "062: 11_AC:11_AC 10_DE:10_DE"
fid=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))[1]["id"])' "$T/files.json")
curl -s -o "$T/dl.pdf" "$URL/modules/actes/actes_download_file.php?file=$fid&tampon=true"
cmp -s "$T/dl.pdf" "$PDF" && pass "act file downloaded" || fail "act file downloaded"
curl -s -o "$T/bord.pdf" "$URL/modules/actes/actes_create_pdf.php?trans_id=$id"
has "receipt PDF names the act" "$(pdftotext "$T/bord.pdf" - 2>/dev/null)" "062-246200364-20240318-2024_12-CC"

# S2LOW's refusals
has "duplicate number refused" "$(create 2024_12)" "Un acte portant le même numéro interne existe déjà"
has "number with a dash refused" "$(create 2024-13)" "Le numéro n'est pas correct"
has "number ending with _ refused (S2LOW's own rule)" "$(create 2024_)" "Le numéro n'est pas correct"
has "future decision date refused" "$(create F1 decision_date=2999-01-01)" "La date de décision est une date dans le futur"
has "two classification levels required" "$(create F2 classif2=)" "Les deux premiers niveaux de classification sont obligatoires."
has "typology of the act required" "$(create F3 type_acte=)" "typologie absente"
printf 'texte' >"$T/t.txt"
has "text act refused" "$(create F4 "acte_pdf_file=@$T/t.txt")" "Fichier PDF ou XML requis."
has "missing act file" "$(create F5 acte_pdf_file=-)" "Aucun fichier acte n'a été posté"
has "annex without typology" "$(create F6 "+acte_attachments[]=@$PDF")" "typologie absente"

# Anomaly: a matière the prefecture's classification lacks.
aid=$(create A1 classif1=9 classif2=99 | sed -n 2p)
ctl "transmettre?id=$aid" >/dev/null; ctl "ar?id=$aid" >/dev/null
eq "unknown matière → anomaly (-1)" "$(status "$aid" | sed -n 2p)" "-1"
has "with the prefecture's text" "$(status "$aid")" "ODT-VERIF-02"
bid=$(create A2 | sed -n 2p); ctl "transmettre?id=$bid" >/dev/null
has "anomaly on demand" "$(ctl "anomalie?id=$bid&detail=Pi%C3%A8ce%20illisible"; status "$bid")" "Pièce illisible"

# Letters 2 to 5
for ty in 2 3 4 5; do lid[$ty]=$(ctl "courrier?id=$id&type=$ty&texte=Motif%20$ty" | sed -n 2p); done
api "$URL/modules/actes/api/list_document_prefecture.php" >"$T/docs.json"
eq "four unread letters listed" "$(python3 -c 'import json,sys;print(" ".join(d["type"]+":"+d["last_status_id"] for d in json.load(open(sys.argv[1]))))' "$T/docs.json")" "2:21 3:8 4:8 5:21"
eq "letters of the act (type-status-id)" "$(api "$URL/modules/actes/actes_transac_get_document.php?id=$id" | cut -d- -f1,2 | tr '\n' ' ')" "2-21 3-8 4-8 5-21 "
for ty in 2 3 4 5; do
	curl -s -L -o "$T/l$ty.tar.gz" "$URL/modules/actes/actes_transac_get_document.php?id=${lid[$ty]}"
	out=$("$OPALE" actes message "$T/l$ty.tar.gz"); rc=$?
	eq "letter $ty: archive read, every XML valid (exit 0)" "$rc" 0
	has "letter $ty: its message" "$out" "$ty-1 "
	mkdir -p "$T/l$ty" && tar xzf "$T/l$ty.tar.gz" -C "$T/l$ty"
	for f in "$T/l$ty"/*.xml; do xmllint --noout --schema "$XSD" "$f" 2>/dev/null || fail "xmllint $f"; done
done
has "déféré carries its motive" "$("$OPALE" actes message "$T/l5.tar.gz")" "Nature de l'illégalité : Motif 5"
api "$URL/modules/actes/api/document_prefecture_mark_as_read.php?transaction_id=${lid[2]}" >"$T/mr"
eq "mark as read" "$(cat "$T/mr")" '{"result":"ok"}'
eq "read letters leave the list" "$(api "$URL/modules/actes/api/list_document_prefecture.php" | python3 -c 'import json,sys;print(len(json.load(sys.stdin)))')" "3"

# Replies
reply() { # reply LETTER-ID [type_envoie] [extra]
	local l=$1 te=${2:-}; shift 2 2>/dev/null || shift
	api -F api=1 -F "id=$l" ${te:+-F type_envoie=$te} -F type_acte=99_AU -F "acte_pdf_file=@$PDF" "$@" \
		"$URL/modules/actes/actes_transac_reponse_create.php"
}
check_reply() { # check_reply DESC REPLY-BODY EXPECTED-CODE EXPECTED-STATE-AFTER-AR
	local rid; rid=$(echo "$2" | sed -n 2p)
	eq "$1: OK" "$(echo "$2" | head -1)" "OK"
	curl -s -o "$T/r$rid.tar.gz" "$URL/modules/actes/actes_download_file.php?env=$rid"
	mkdir -p "$T/r$rid" && tar xzf "$T/r$rid.tar.gz" -C "$T/r$rid"
	local bad=0; for f in "$T/r$rid"/*.xml; do xmllint --noout --schema "$XSD" "$f" 2>/dev/null || bad=1; done
	eq "$1: archive valid" "$bad" 0
	ls "$T/r$rid" | grep -q -- "-$3_0.xml" && pass "$1: message $3" || fail "$1: message $3" "$(ls "$T/r$rid")"
	eq "$1: state after the prefecture's answer" "$(ctl "ar_reponse?id=$rid" | sed -n 2p)" "$4"
}
check_reply "2-2 reply to a courrier simple" "$(reply "${lid[2]}")" 2-2 3
check_reply "3-4 pieces" "$(reply "${lid[3]}" 4 -F 'type_pj[]=99_AU' -F "acte_attachments[]=@$PDF")" 3-4 11
has "3-5 acknowledgement in the status" "$(status "$(api "$URL/_peer/state" | python3 -c 'import json,sys;print([t for t in json.load(sys.stdin) if t["type"]==8][-1]["id"])')")" "ARPieceComplementaire"
check_reply "4-4 response to observations" "$(reply "${lid[4]}" 4)" 4-4 11
l3b=$(ctl "courrier?id=$id&type=3" | sed -n 2p); l4b=$(ctl "courrier?id=$id&type=4" | sed -n 2p)
check_reply "3-3 refusal" "$(reply "$l3b" 3)" 3-3 11
check_reply "4-3 rejection" "$(reply "$l4b" 3)" 4-3 11
has "no reply to a déféré" "$(reply "${lid[5]}" 4)" "KO"
has "type_envoie required for 3 and 4" "$(reply "$l3b")" "type_envoie"
# several documents: only a 3-4 (PieceComplementaire: Documents/Document+), each with its typology
l3c=$(ctl "courrier?id=$id&type=3" | sed -n 2p); l4c=$(ctl "courrier?id=$id&type=4" | sed -n 2p)
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82' >"$T/p.png"
has "an attachment without its typology is refused" "$(reply "$l3c" 4 -F "acte_attachments[]=@$PDF")" "typologie absente"
has "several documents on a 4-4 are refused" "$(reply "$l4c" 4 -F 'type_pj[]=99_AU' -F "acte_attachments[]=@$PDF")" "plusieurs documents"
out=$(reply "$l3c" 4 -F 'type_pj[]=22_AG' -F "acte_attachments[]=@$PDF" -F 'type_pj[]=99_AU' -F "acte_attachments[]=@$T/p.png")
check_reply "3-4 with three documents" "$out" 3-4 11
rid=$(echo "$out" | sed -n 2p)
eq "3-4: the three documents named with their typology" "$(ls "$T/r$rid" | grep -v '_0.xml' | grep -v '^EACT' | sed 's/-[0-9]*-[0-9]*-[0-9]*-[A-Z0-9_]*-[A-Z][A-Z]-/-ID-/' | tr '\n' ' ')" "22_AG-ID-3-4_2.pdf 99_AU-ID-3-4_1.pdf 99_AU-ID-3-4_3.png "
has "3-4: the message lists them (Documents/Document × 3)" "$("$OPALE" actes message "$T/r$rid.tar.gz")" "3-4_3.png"
curl -s -o "$T/SLO-reply.tar.gz" -D "$T/h" "$URL/modules/actes/actes_download_file.php?env=$rid"
an=$(sed -n 's/.*filename="\{0,1\}\([^";]*\)"\{0,1\}.*/\1/p' "$T/h" | tr -d '\r')
mv "$T/SLO-reply.tar.gz" "$T/$an"
"$OPALE" actes check "$T/$an" >"$T/chk" 2>&1 && pass "3-4: opale actes check accepts the reply archive" || fail "3-4 check" "$(cat "$T/chk")"
has "reply file type checked" "$(api -F api=1 -F "id=${lid[3]}" -F type_envoie=4 -F "acte_pdf_file=@$T/t.txt" "$URL/modules/actes/actes_transac_reponse_create.php")" "Fichier PDF, XML, PNG ou JPEG requis."

# Cancellation
nid=$(create C1 | sed -n 2p)
has "cancel before the AR refused" "$(api -F api=1 -F "id=$nid" "$URL/modules/actes/actes_transac_cancel.php")" "Acquittement reçu"
cid=$(api -F api=1 -F "id=$id" "$URL/modules/actes/actes_transac_cancel.php" | sed -n 2p)
[ -n "$cid" ] && pass "cancellation posted" || fail "cancellation posted"
has "one cancellation at a time" "$(api -F api=1 -F "id=$id" "$URL/modules/actes/actes_transac_cancel.php")" "déjà en cours"
curl -s -o "$T/c.tar.gz" "$URL/modules/actes/actes_download_file.php?env=$cid"
has "6-1 in the cancellation archive" "$("$OPALE" actes message "$T/c.tar.gz")" "6-1 Annulation"
eq "6-2 received" "$(ctl "ar_annulation?id=$cid" | sed -n 2p)" "4"
has "6-2 in the status" "$(status "$cid")" "ARAnnulation"
eq "the act is cancelled (0)" "$(status "$id" | sed -n 2p)" "0"

# Classification
cmp -s <(curl -s "$URL/modules/actes/actes_classification_fetch.php?api=1") "$T/classif.xml" && pass "classification fetched as is" || fail "classification fetched as is"
qid=$(api "$URL/modules/actes/actes_classification_request.php?api=1" | sed -n 2p)
eq "classification answered (4)" "$(ctl "ar?id=$qid" | sed -n 2p)" "4"
has "status carries the 7-2" "$(status "$qid")" "RetourClassification"
kill "$PEER_PID"

# Authentication and the automatic mode
PEER_LOGIN=1 start_peer --login agent:secret --auto ar --classification "$T/classif.xml"
eq "without credentials: 401" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/test-connexion.php")" "401"
eq "wrong password: 401" "$(curl -s -o /dev/null -w '%{http_code}' -u agent:x "$URL/api/test-connexion.php")" "401"
eq "with credentials" "$(curl -s -u agent:secret "$URL/api/test-connexion.php")" "OK"
id=$(create AUTO1 -u agent:secret | sed -n 2p)
s=""; for _ in 1 2 3; do s="$s$(api -u agent:secret "$URL/modules/actes/actes_transac_get_status.php?transaction=$id" | sed -n 2p) "; done
eq "--auto ar: each poll moves one step" "$s" "2 3 4 "
kill "$PEER_PID"
start_peer --auto anomalie --classification "$T/classif.xml"
id=$(create AUTO2 | sed -n 2p)
s=""; for _ in 1 2 3; do s="$s$(status "$id" | sed -n 2p) "; done
eq "--auto anomalie ends in -1" "$s" "2 3 -1 "
kill "$PEER_PID"; wait "$PEER_PID" 2>/dev/null
cp "$T"/peer-*.log /tmp/ 2>/dev/null; bad=$(grep -l -E 'Sanitizer|runtime error' "$T"/peer-*.log 2>/dev/null)
eq "no sanitizer report in the peer logs (SAN=1 builds)" "$bad" ""
t_done
