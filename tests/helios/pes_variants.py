#!/usr/bin/env python3
"""Broken variants of a valid PES_Aller, for tests/helios/*.t.sh: pes_variants.py SOURCE OUTDIR.
Written for the Berger-Levrault sample (shared/specs/pes/samples/PESALR2_25060187900027_190328_001.xml):
each variant breaks one rule and keeps the rest of the file consistent."""
import sys, re
src, out = sys.argv[1], sys.argv[2]
L = open(src, 'rb').read().split(b'\n')          # L[i] is line i+1
def find(pat, start=0):
    for i in range(start, len(L)):
        if re.search(pat, L[i]): return i
    raise SystemExit('not found: %r' % pat)
def save(name, lines): open('%s/%s.xml' % (out, name), 'wb').write(b'\n'.join(lines))
def sub(lines, i, a, b):
    lines = list(lines); lines[i] = lines[i].replace(a, b, 1); return lines
piece_a, piece_b = find(rb'^\t\t\t<Piece>'), find(rb'^\t\t\t</Piece>')
ligne_a, ligne_b = find(rb'<LigneDePiece>'), find(rb'</LigneDePiece>')
mt = find(rb'<MtBordHT ')
nbr = find(rb'<NbrPce ')
pj1_a, pj1_b = find(rb'^\t\t<PJ>'), find(rb'^\t\t</PJ>')
piece = L[piece_a:piece_b + 1]

save('wrong_total', sub(L, mt, b'4874.40', b'4874.41'))
save('bad_amount', sub(L, find(rb'<MtHT '), b'4874.40', b'4874,40'))
save('nbrpce', sub(L, nbr, b'V="1"', b'V="2"'))
d = L[:piece_b + 1] + piece + L[piece_b + 1:]                   # same mandat twice,
d = sub(sub(d, nbr, b'V="1"', b'V="2"'), mt, b'4874.40', b'9748.80')  # header kept consistent
save('dup_piece', d)
second = L[find(rb'<Bordereau '):piece_b + 1] + [b'\t\t</Bordereau>']
second = [x.replace(b'N10025', b'N10026').replace(b'<IdPce V="1303"/>', b'<IdPce V="1304"/>') for x in second]
end = find(rb'</Bordereau>')
save('dup_bordereau', L[:end + 1] + second + L[end + 1:])
dl = L[:ligne_b + 1] + L[ligne_a:ligne_b + 1] + L[ligne_b + 1:]
save('dup_ligne', sub(dl, mt, b'4874.40', b'9748.80'))
save('missing_idpce', L[:find(rb'<IdPce ')] + L[find(rb'<IdPce ') + 1:])
save('missing_bordereau_id', sub(L, find(rb'<Bordereau '), b' Id="N10025"', b''))
save('missing_pj', L[:pj1_a] + L[pj1_b + 1:])
save('dup_pj', L[:pj1_b + 1] + L[pj1_a:pj1_b + 1] + L[pj1_b + 1:])
save('dup_id', sub(L, find(rb'<Bordereau '), b'N10025', b'M07802724420170919175245964'))
save('exercice', sub(L, find(rb'<DteBordEm '), b'2019-02-14', b'2017-02-14'))
save('declared_utf8', sub(L, 0, b'ISO-8859-1', b'UTF-8'))
save('no_declaration', [re.sub(rb'^<\?xml[^>]*\?>', b'', L[0])] + L[1:])
save('control_char', sub(L, find(rb'<Nom V="GUGLIELMETTI"'), b'GUGLI', b'GU\x01GLI'))
save('doctype', sub(L, 0, b'?>', b'?><!DOCTYPE n:PES_Aller [<!ENTITY x "xxxxxxxx">]>'))
save('ampersand', sub(L, find(rb'<Nom V="GUGLIELMETTI"'), b'GUGLIELMETTI', b'A &amp; B &lt;C&gt; &#233;'))
# A DOCTYPE hidden behind a 70 KB comment (past the sniffing window) is still refused, unexpanded.
decl, rest = L[0].split(b'?>', 1)
save('late_doctype', [decl + b'?><!--' + b'x' * 70000 + b'--><!DOCTYPE n:PES_Aller [<!ENTITY e "EEEE">]>' + rest] + L[1:])
# TVA: a bordereau amount without any line carrying TVA; a line with TVA and no bordereau amount.
save('tva_bordereau', sub(L, mt, b'<MtBordHT V="4874.40"/>', b'<MtBordHT V="4874.40"/><MtBordTVA V="974.88"/>'))
save('tva_ligne', sub(L, find(rb'<MtHT '), b'<MtHT V="4874.40"/>', b'<MtHT V="4874.40"/><MtTVA V="974.88"/>'))
# An ISO-8859-3 declaration with a byte that charset does not have (0xA5 is unassigned there, so the
# converter fails mid-chunk): once crashed the check (libxml2 halted from inside its own callback).
decl, rest = L[0].split(b'?>', 1)
save('converter_error', [decl.replace(b'ISO-8859-1', b'ISO-8859-3') + b'?>' + rest] + L[1:8] + [L[8].replace(b'Sigle', b'Sig\xa5le', 1)] + L[9:])
whole = b'\n'.join(L)
open(out + '/truncated_half.xml', 'wb').write(whole[:len(whole) // 2])
cut = whole.index(b'<MtBordHT V="48') + len(b'<MtBordHT V="48')
open(out + '/truncated_in_tag.xml', 'wb').write(whole[:cut])
open(out + '/not_xml_pdf.xml', 'wb').write(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n')
open(out + '/not_xml_text.xml', 'wb').write(b'Bordereau 11, mandat 1303 : 4874,40 EUR\n')
open(out + '/empty.xml', 'wb').write(b'')
open(out + '/wrong_root.xml', 'wb').write(b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<Facture><Id V="1"/></Facture>\n')
head = L[:find(rb'<PES_DepenseAller>')] + [b'</n:PES_Aller>']
save('header_only', head)
