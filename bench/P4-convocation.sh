#!/usr/bin/env bash
# P4: convocation of 100 recipients with a 200 MB packet (issue #8), through the HTTP API on a real server:
#  - an assembly (commune, 1 000 inhabitants: 3 jours francs) whose 100 members come from a CSV import, a
#    séance three weeks ahead with 10 agenda points, each with a 20 MB generated PDF (different random
#    image data, so nothing deduplicates): 200 MB;
#  - wall time from the sending request until the local SMTP server (tests/services/smtp_server.py,
#    Debian's aiosmtpd) has accepted all 100 messages, against the time Python's smtplib takes to send
#    100 messages of the same size to the same server, one SMTP session each, as the job does;
#  - bytes stored per extra recipient: the same packet is also convened to an assembly of 1 member;
#    (Δ for 100 − Δ for 1) / 99, for the blob store (files) and the database (used pages) apart;
#  - Opale's peak RSS while one recipient downloads the whole packet as a ZIP through their link.
# P4_MB / P4_N / P4_DOCS change the packet size, the recipients and the number of documents.
set -u
OPID= SPID=
cd "$(dirname "$0")/.."
MB=${P4_MB:-200}
N=${P4_N:-100}
NDOCS=${P4_DOCS:-10}
PY=/usr/bin/python3   # Debian's, with python3-aiosmtpd
W=$(mktemp -d /tmp/opale-bench-p4.XXXXXX)
trap 'kill $OPID $SPID 2>/dev/null; wait 2>/dev/null; [ -n "${P4_KEEP:-}" ] || rm -rf "$W"' EXIT
port() { $PY -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
jget() { $PY -c 'import json,sys;d=json.load(sys.stdin);print(eval("d"+sys.argv[1]))' "$1"; }
now() { date +%s.%N; }
die() { echo "# P4: $*" >&2; exit 1; }

# The SMTP server, writing every accepted message to a Maildir.
SP=$(port)
$PY tests/services/smtp_server.py "127.0.0.1:$SP" "$W/maildir" >"$W/smtp.log" 2>&1 &
SPID=$!
mails() { find "$W/maildir/new" -type f 2>/dev/null | wc -l; }

D=$W/data
./opale migrate --data "$D" >/dev/null && ./opale demo --data "$D" >/dev/null || die "migrate/demo failed"
# An API token of the demo secretary (what the tests do): bearer tokens need no CSRF dance.
TOK="opl_$(openssl rand -hex 20)"
sqlite3 "$D/opale.db" "INSERT INTO api_tokens (token_hash, user_id, tenant_id, roles, label, created_at)
  SELECT '$(printf %s "$TOK" | sha256sum | cut -d' ' -f1)', u.id, m.tenant_id, m.roles, 'bench P4', 0
  FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.login = 'ccpo.secretaire'" || die "token"
OP=$(port)
OPALE_SMTP_URL="smtp://127.0.0.1:$SP" OPALE_PUBLIC_URL="http://127.0.0.1:$OP" \
	./opale serve --listen 127.0.0.1:$OP --data "$D" --threads 2 --log-level warn 2>"$W/opale.log" &
OPID=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:$OP/healthz >/dev/null && break; sleep 0.05; done
B=http://127.0.0.1:$OP/api/v1
api() { # method path [json]
	curl -sS -X "$1" -H "Authorization: Bearer $TOK" ${3:+-H 'Content-Type: application/json' --data-binary "$3"} "$B$2"
}

# Two assemblies: N members (CSV) and 1 member.
organe() { # name csv-body → id
	local id
	id=$(api POST /organes "{\"nom\":\"$1\",\"nature\":\"commune\",\"population\":1000}" | jget '["id"]') || return 1
	curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" -H 'Content-Type: text/csv' --data-binary @"$2" \
		"$B/organes/$id/membres.csv" | grep -q 200 || return 1
	echo "$id"
}
{
	echo "nom;prenom;civilite;fonction;groupe;courriel;mobile;papier;adresse;qualite;titulaire;en_exercice"
	for i in $(seq -w 1 "$N"); do echo "Membre$i;Élu$i;Madame;Conseillère;;elu$i@p4.opale.invalid;;0;;titulaire;;1"; done
} >"$W/membres.csv"
printf 'nom;prenom;courriel;qualite;en_exercice\nSeul;Membre;seul@p4.opale.invalid;titulaire;1\n' >"$W/un.csv"
ORG_N=$(organe "Conseil municipal P4" "$W/membres.csv") || die "assembly of $N"
ORG_1=$(organe "Commission P4" "$W/un.csv") || die "assembly of 1"

# The packet: NDOCS PDFs of MB/NDOCS MB each (a page with an uncompressed random grey image).
$PY - "$W/pdf" "$NDOCS" "$MB" <<'PYEOF' || die "PDF generation"
import os, sys
out, n, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out, exist_ok=True)
size = mb * 1000 * 1000 // n
w = 4000
h = max(1, size // w)
for k in range(1, n + 1):
    text = b"BT /F1 24 Tf 50 800 Td (Point %d : rapport) Tj ET q 495 0 0 600 50 100 cm /Im0 Do Q" % k
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</XObject<</Im0 5 0 R>>/Font<</F1 6 0 R>>>>/Contents 4 0 R>>",
            b"<</Length %d>>stream\n%s\nendstream" % (len(text), text),
            b"<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray/BitsPerComponent 8/Length %d>>stream\n" % (w, h, w * h),
            b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"]
    with open("%s/point%02d.pdf" % (out, k), "wb") as f:
        f.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offs = []
        for i, o in enumerate(objs, 1):
            offs.append(f.tell())
            f.write(b"%d 0 obj\n" % i + o)
            if i == 5:
                f.write(os.urandom(w * h) + b"\nendstream")
            f.write(b"\nendobj\n")
        x = f.tell()
        f.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
        for o in offs:
            f.write(b"%010d 00000 n \n" % o)
        f.write(b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x))
PYEOF
PACKET=$(cat "$W"/pdf/*.pdf | wc -c)

# A séance per assembly, three weeks ahead, the same NDOCS points and documents.
WHEN=$(date -d '+21 days' +%Y-%m-%dT18:00)
seance() { # organe → id
	local id pid k
	id=$(api POST /seances "{\"organe\":$1,\"titre\":\"Séance P4\",\"date\":\"$WHEN\",\"lieu\":\"Mairie\"}" | jget '["id"]') || return 1
	for k in $(seq -f %02g 1 "$NDOCS"); do
		pid=$(api POST "/seances/$id/points" "{\"titre\":\"Point $k\",\"matiere\":\"1.1\"}" | jget '["id"]') || return 1
		curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" -F type=principal -F "point=$pid" \
			-F "document=@$W/pdf/point$k.pdf;type=application/pdf" "$B/seances/$id/documents" | grep -q 201 || return 1
	done
	echo "$id"
}
T0=$(now)
SE_N=$(seance "$ORG_N") || die "séance of $N"
T1=$(now)
SE_1=$(seance "$ORG_1") || die "séance of 1"

# Bytes stored: the blob store's files, and the database's used pages (after a WAL checkpoint).
store_bytes() { find "$D/blobs" -type f -printf '%s\n' | awk '{s+=$1} END{print s+0}'; }
db_bytes() { # pages in use, WAL included (read through it)
	sqlite3 "$D/opale.db" "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count, pragma_freelist_count, pragma_page_size"
}
wait_mails() { # count, timeout s
	local i
	for i in $(seq $(($2 * 50))); do [ "$(mails)" -ge "$1" ] && return 0; sleep 0.02; done
	return 1
}
convene() { # séance, mails expected in all
	local st
	st=$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOK" "$B/seances/$1/convocations")
	[ "$st" = 202 ] || { echo "# P4: sending answered $st" >&2; return 1; }
	wait_mails "$2" 120
}
s0=$(store_bytes); d0=$(db_bytes)
convene "$SE_1" 1 || die "convocation of 1"
s1=$(store_bytes); d1=$(db_bytes)
T2=$(now)
convene "$SE_N" $((N + 1)) || die "convocation of $N: $(mails) mails received"
T3=$(now)
s2=$(store_bytes); d2=$(db_bytes)
ACC=$(sqlite3 "$D/opale.db" "SELECT COUNT(*) FROM convocations WHERE seance_id = $SE_N AND state = 'acceptee'")
MSG=$(ls -S "$W"/maildir/new/* | head -1)
MSGSIZE=$(stat -c %s "$MSG")

# Reference: N messages of the same size to the same server with smtplib, one session each.
cp "$MSG" "$W/ref.eml"
R0=$(now)
$PY - "127.0.0.1" "$SP" "$W/ref.eml" "$N" <<'PYEOF' || die "reference"
import smtplib, sys
host, port, path, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
data = open(path, "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # the Maildir keeps LF
for i in range(n):
    with smtplib.SMTP(host, port) as s:
        s.sendmail("opale@localhost", ["ref%d@p4.opale.invalid" % i], data)
PYEOF
R1=$(now)
wait_mails $((2 * N + 1)) 60 || die "reference mails missing"

# RSS while the packet is downloaded as a ZIP through a recipient's link.
LINK=$($PY - "$MSG" <<'PYEOF'
import email, re, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for part in m.walk():
    if part.get_content_type() == "text/plain":
        print(re.search(r"http://\S+/convocation/[A-Za-z0-9_-]+", part.get_payload(decode=True).decode()).group(0))
        break
PYEOF
)
( peak=0; while kill -0 $OPID 2>/dev/null; do r=$(awk '/VmRSS/{print $2}' /proc/$OPID/status); [ "${r:-0}" -gt "$peak" ] && peak=$r && echo $peak >"$W/zippeak"; sleep 0.05; done ) &
SAMPLER=$!
ZIPSIZE=$(curl -sS -o /dev/null -w '%{size_download}' "$LINK/dossier.zip")
kill $SAMPLER 2>/dev/null; wait $SAMPLER 2>/dev/null

awk -v t="$T3" -v t0="$T2" -v r="$R1" -v r0="$R0" -v n="$N" -v acc="$ACC" -v size="$MSGSIZE" -v mb="$((PACKET / 1000000))" \
	-v up="$T1" -v up0="$T0" 'BEGIN{
	t -= t0; r -= r0; up -= up0
	printf "| P4 | convocation: %d recipients, %d MB packet (%d PDFs, upload + checks %.1f s), until the SMTP server accepted all (%d accepted) | %.2f s | smtplib: %d messages of %d B, one session each: %.2f s | %.1f× the reference | < 5 s |\n", n, mb, '"$NDOCS"', up, acc, t, n, size, r, t / r
}'
awk -v ds="$(( (s2 - s1) - (s1 - s0) ))" -v dd="$(( (d2 - d1) - (d1 - d0) ))" -v n="$N" -v ps="$PACKET" -v s1="$((s1 - s0))" -v sN="$((s2 - s1))" 'BEGIN{
	printf "| P4.bytes | bytes stored per extra recipient: (Δ for %d − Δ for 1) / %d | files %.0f B, database %.0f B (Δ files: %d B for 1, %d B for %d) | the packet: %d B | %.6f of the packet | 0 packet bytes |\n", n, n - 1, ds / (n - 1), dd / (n - 1), s1, sN, n, ps, (ds + dd) / (n - 1) / ps
}'
echo "| P4.zip | RSS of opale serve during the download of the packet as one ZIP ($((ZIPSIZE / 1000000)) MB) through a link | $(( $(cat "$W/zippeak" 2>/dev/null || echo 0) / 1024 )) MB peak | — | — | streamed (no copy in memory) |"
