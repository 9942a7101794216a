#!/usr/bin/env python3
"""p6_gen.py N TENANTS OUT.tsv — N synthetic acts for the P6 search benchmark, spread over TENANTS
collectivités (ids 1..TENANTS, round robin): title and text drawn with a Zipf-like law from the words of
the seed documents (../shared/seed), folded as Opale folds them (lower case, no accents), so that
frequent words match many acts and rare ones few, as in real registers. Deterministic (seed 42)."""
import random, re, sys, unicodedata

n, tenants, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
seed = sys.argv[4] if len(sys.argv) > 4 else "../shared/seed/documents-ccpo-2024.txt"
def fold(s):
    s = unicodedata.normalize("NFKD", s.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()
words = {}
for w in re.findall(r"[a-z0-9]{4,}", fold(open(seed, encoding="utf-8").read())):
    words[w] = words.get(w, 0) + 1
vocab = sorted(words, key=lambda w: -words[w])
weights = [1.0 / (r + 1) for r in range(len(vocab))]
rnd = random.Random(42)
natures = ["deliberation", "arrete", "decision", "convention", "contrat", "budget"]
with open(out, "w") as f:
    for i in range(1, n + 1):
        t = 1 + (i - 1) % tenants
        w = rnd.choices(vocab, weights, k=12)
        title = natures[i % 6].capitalize() + " " + " ".join(w[:5])
        body = fold(title) + " %d_%05d " % (2015 + i % 10, i % 99999) + " ".join(w[5:])
        f.write("%d\tacte\t%d\t%s\t%s\t%d\t/actes/%d\n" % (t, i, title, body, 1420070400 + i * 300, i))
sys.stderr.write("vocabulary %d words; top: %s\n" % (len(vocab), " ".join(vocab[:8])))
