#!/usr/bin/env python3
"""Compares a diagnostic's JSON with the tables the CCPO published (seed document 2, read from
$SHARED/seed). Prints TAP lines; exit 1 when one fails. Where the seed contradicts itself, the check
is against what its own cells imply (e.g. a total is the sum of its F and H cells) and says so."""
import json
import re
import sys

seed_path, json_path = sys.argv[1], sys.argv[2]
text = open(seed_path, encoding="utf-8").read()
start = text.index("« Égalité professionnelle")
plan = text[start:text.index("Avenant à la Convention", start)]
d = json.load(open(json_path, encoding="utf-8"))
failed = 0


def check(cond, what, detail=""):
    global failed
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failed += 1
        print("#   " + detail)


def tables(header):
    """Every table whose header line is `header`: list of {row label: [cells]}."""
    out = []
    lines = plan.split("\n")
    for i, l in enumerate(lines):
        if l.strip() == header:
            rows = {}
            for r in lines[i + 1:]:
                if "\t" not in r:
                    break
                cells = r.split("\t")
                rows[cells[0].strip()] = [c.strip() for c in cells[1:]]
            out.append(rows)
    return out


def num(c):
    c = re.sub(r"[\u00b2\u00b3\u2070-\u2079]", "", c).strip()
    return 0 if c in ("", "-") else int(c)


def age(c):
    return float(c.replace(",", "."))


def cents(c):
    c = c.replace("€", "").replace(" ", "").replace("\u00a0", "")
    neg = c.startswith("-")
    c = c.lstrip("-")
    if "," in c:
        c = c.replace(".", "").replace(",", ".")
    e, _, f = c.partition(".")
    v = int(e) * 100 + int((f + "00")[:2])
    return -v if neg else v


SEXES = (("F", 0), ("H", 1))
STATUTS = {"Fonctionnaires": "fonctionnaire", "Contractuels permanents": "contractuel_permanent",
           "Contractuels non permanents": "contractuel_non_permanent"}

# I A) Effectifs au 31/12/2023 — all staff
t = tables("Effectifs globaux\tFemmes\tHommes\tTotal")[0]
for label, key in STATUTS.items():
    row, ours = t[label], d["effectifs"]["par_statut"][key]
    for s, i in SEXES:
        check(ours[s] == num(row[i]), f"effectifs {label} {s} = {row[i]}", f"computed {ours[s]}")
    if num(row[0]) + num(row[1]) == num(row[2]):
        check(ours["ensemble"] == num(row[2]), f"effectifs {label} total = {row[2]}")
    else:   # the seed's « Contractuels non permanents » total (24) is not 8 + 14
        check(ours["ensemble"] == num(row[0]) + num(row[1]),
              f"effectifs {label} total = {num(row[0]) + num(row[1])} (F + H; the seed prints {row[2]})")
check(d["effectifs"]["par_statut"]["apprenti"]["F"] == num(t["Hors catégorie"][0]), "hors catégorie: 2 apprenties")
for s, i in SEXES + (("ensemble", 2),):
    check(d["effectifs"]["total"][s] == num(t["Total effectif"][i]), f"effectif total {s} = {t['Total effectif'][i]}")

# I B) Effectifs permanents
t = tables("Effectifs permanents\tFemmes\tHommes\tTotal")[0]
for label, key in STATUTS.items():
    if label in t:
        for s, i in SEXES + (("ensemble", 2),):
            check(d["effectifs"]["par_statut"][key][s] == num(t[label][i]), f"permanents {label} {s} = {t[label][i]}")
for s, i in SEXES + (("ensemble", 2),):
    check(d["permanents"][s] == num(t["Total effectif"][i]), f"permanents total {s} = {t['Total effectif'][i]}")

# I C) Taux de féminisation: « il est de 59% »
m = re.search(r"Au 31/12/2023, il est de (\d+)%", plan)
f = d["taux_feminisation"]
check(round(100 * f["num"] / f["den"]) == int(m.group(1)), f"taux de féminisation {m.group(1)} % ({f['num']}/{f['den']})")

# II A) Âge moyen par statut, arrondi à 0,5 — F and H cells; « ensemble » is weighted here
t = tables("Effectifs globaux\tFemmes\tHommes\tEnsemble")[0]
for label, key in STATUTS.items():
    a = d["ages"]["par_statut"][key]
    for s, i in SEXES:
        check(a[s]["arrondi_demi_annee"] == age(t[label][i]), f"âge moyen {label} {s} = {t[label][i]}",
              f"computed {a[s]}")
    e = a["ensemble"]
    check(e["num"] == a["F"]["num"] + a["H"]["num"] and e["den"] == a["F"]["den"] + a["H"]["den"],
          f"âge moyen {label} ensemble is the weighted mean over all agents (seed: mean of the two means)")
    check(abs(e["valeur"] - e["num"] / e["den"]) < 1e-9, f"âge moyen {label} ensemble value = num/den")

# II C) Âge moyen par catégorie (permanents): rows A and B (row C cannot agree with the status table)
t = tables("Effectifs permanents\tFemmes\tHommes\tEnsemble")
ages_cat, filieres, cats = t[0], t[1], t[2]
for c in ("A", "B"):
    for s, i in SEXES:
        got = d["ages"]["par_categorie_permanents"][c][s]["arrondi_demi_annee"]
        check(got == age(ages_cat[c][i]), f"âge moyen permanents {c} {s} = {ages_cat[c][i]}", f"computed {got}")
check(d["ages"]["par_categorie_permanents"]["A"]["ensemble"]["arrondi_demi_annee"] == age(ages_cat["A"][2]),
      f"âge moyen permanents A ensemble (weighted) = {ages_cat['A'][2]}")

# III) Filières (permanents)
FIL = {"Administrative": "administrative", "Animation": "animation", "Culturelle": "culturelle",
       "Médico-sociale": "medico-sociale", "Technique": "technique", "Ensemble": "ensemble"}
for label, key in FIL.items():
    for s, i in SEXES + (("ensemble", 2),):
        check(d["filieres_permanents"][key][s] == num(filieres[label][i]), f"filière {label} {s} = {filieres[label][i] or 0}")

# IV A) Catégories (permanents)
for c in ("A", "B", "C"):
    for s, i in SEXES + (("ensemble", 2),):
        check(d["categories_permanents"][c][s] == num(cats[c][i]), f"catégorie {c} {s} = {cats[c][i]}")

# IV B) Encadrement: counts, shares (over all staff, as the seed computes them) and footnotes by category
t = tables("Effectifs permanents\tFemmes\tHommes\tTotal")[1]
enc = d["encadrement"]
for s, i in SEXES + (("ensemble", 2),):
    n = t["Nombre d'encadrants"][i]
    check(enc["nombre"][s] == num(n), f"encadrants {s} = {n}")
    p = enc["part"][s]
    shown = t["Part des encadrants"][i]
    check(f"{100 * p['num'] / p['den']:.1f}".replace(".", ",") + "%" == shown, f"part des encadrants {s} = {shown}",
          f"computed {p}")
for mark, s in (("⁴", "F"), ("⁵", "H")):
    m = re.search(mark + r" (\d+) en A, (\d+) en B et (\d+) en C", plan)
    for c, v in zip("ABC", m.groups()):
        check(enc["par_categorie"][c][s] == int(v), f"encadrants {s} en {c} = {v}")

# V) Temps de travail (all staff), « 10% des femmes … à temps partiel »
t = tables("Effectifs globaux\tFemmes\tHommes\tEnsemble")[1]
TPS = {"Complet": "complet", "Non-complet": "non_complet", "Partiel": "partiel", "Total": "total"}
for label, key in TPS.items():
    for s, i in SEXES + (("ensemble", 2),):
        check(d["temps_travail"][key][s] == num(t[label][i]), f"temps de travail {label} {s} = {t[label][i]}")
m = re.search(r"(\d+)% des femmes de la CCPO travaillent sur un poste à temps partiel", plan)
p = d["temps_travail"]["part_partiel"]["F"]
check(round(100 * p["num"] / p["den"]) == int(m.group(1)), f"part des femmes à temps partiel {m.group(1)} %")

# VI A) Rémunérations: mean monthly gross pay to the cent, gap F − H
t = tables("Catégorie\tFemmes\tHommes\tEcart")[0]
main = d["remunerations"][0]
check(main["etablissement"] is None, "main pay table first")
for c in ("A", "B", "C"):
    row, ours = t[c], main["par_categorie"][c]
    for s, i in SEXES:
        check(ours[s]["centimes"] == cents(row[i]), f"rémunération {c} {s} = {row[i]}", f"computed {ours[s]}")
    gap = cents(row[0]) - cents(row[1])
    note = "" if gap == cents(row[2]) else f" (F − H; the seed prints {row[2]})"
    check(ours["ecart_F_H"]["centimes"] == gap, f"écart {c} = {gap / 100:.2f} €{note}")

# VI B) École de musique, reported apart
t = tables("Titulaires\tFemmes\tHommes")[0]
music = [p for p in d["remunerations"] if p["etablissement"]]
check(len(music) == 1, "one establishment reported apart")
for c in ("A", "B"):
    for s, i in SEXES:
        got = music[0]["par_categorie"][c][s]["centimes"]
        check(got == cents(t[c][i]), f"école de musique {c} {s} = {t[c][i]}", f"computed {got}")

sys.exit(1 if failed else 0)
