#!/usr/bin/env python3
"""cms_split.py CMS.der SIG.bin TOKEN.der — writes the signer's signature value and its RFC 3161
signature time-stamp token (unsigned attribute 1.2.840.113549.1.9.16.2.14), read with a small DER
walker independent of the code under test."""
import sys

def tlv(d, i):
    tag = d[i]; n = d[i + 1]; j = i + 2
    if n & 0x80:
        k = n & 0x7f; n = int.from_bytes(d[j:j + k], "big"); j += k
    return tag, j, j + n          # tag, content start, content end

def children(d, start, end):
    i = start
    while i < end:
        t, s, e = tlv(d, i)
        yield t, i, s, e
        i = e

d = open(sys.argv[1], "rb").read()
_, s, e = tlv(d, 0)                                  # ContentInfo
kids = list(children(d, s, e))
_, _, s, e = kids[1]                                 # [0] EXPLICIT
_, s, e = tlv(d, s)                                  # SignedData
sd = list(children(d, s, e))
_, _, s, e = sd[-1]                                  # SignerInfos SET
_, _, s, e = next(children(d, s, e))                 # first SignerInfo
si = list(children(d, s, e))
sig = next(x for x in si if x[0] == 0x04)
open(sys.argv[2], "wb").write(d[sig[2]:sig[3]])
ua = next(x for x in si if x[0] == 0xa1)
OID_TST = bytes.fromhex("060b2a864886f70d010910020e")
for t, a, s, e in children(d, ua[2], ua[3]):         # Attribute SEQUENCEs
    attr = list(children(d, s, e))
    if d[attr[0][1]:attr[0][3]] == OID_TST:
        _, _, vs, ve = attr[1]                       # SET
        t2, a2, s2, e2 = next(children(d, vs, ve))   # the token
        open(sys.argv[3], "wb").write(d[a2:e2])
        sys.exit(0)
sys.exit(1)
