#!/usr/bin/env python3
"""Builds ccpo-2023.csv (and ccpo-2021.csv): a fictitious agent file whose diagnostic reproduces the
tables the CCPO published in its « Plan d'action Égalité professionnelle 2024-2026 » (seed document 2):
headcounts, shares, the mean ages the seed's figures allow, and the monthly pay means to the cent.
Run once; the CSVs are committed. No names, no real people: matricules are CCPO0001…

Where the seed's own tables contradict each other (see docs/egalite.md § "The seed's figures"), the
data follows the status table of ages and the A/B rows of the category table."""
import random
import sys

REF_YEAR = 2023
MUSIC = "Ecole intercommunale de musique"

# (count, sexe, statut, categorie, filiere) — permanent staff, per the seed's filière and category
# tables; music-school agents are listed apart below.
FONCT_F = [(4, "A", "administrative"), (4, "B", "administrative"), (11, "C", "administrative"),
           (1, "B", "animation"), (14, "C", "animation"),
           (1, "B", "culturelle"), (1, "C", "culturelle"),
           (3, "A", "medico-sociale"), (6, "C", "medico-sociale"),
           (1, "A", "technique"), (1, "B", "technique"), (3, "C", "technique")]
MUSIC_F = [(1, "A"), (2, "B")]
CP_F = [(1, "A", "administrative"), (1, "C", "administrative"), (1, "B", "animation"), (2, "C", "animation"),
        (2, "C", "medico-sociale")]
FONCT_H = [(3, "A", "administrative"), (1, "B", "administrative"), (2, "C", "administrative"),
           (1, "B", "animation"), (1, "C", "animation"),
           (1, "A", "culturelle"), (1, "B", "culturelle"), (3, "C", "culturelle"),
           (1, "A", "technique"), (1, "B", "technique"), (18, "C", "technique")]
MUSIC_H = [(1, "A"), (3, "B")]
CP_H = [(1, "A", "technique"), (1, "B", "administrative"), (3, "C", "technique")]
CNP_F = [(1, "B", "administrative"), (4, "C", "animation"), (1, "C", "technique"), (2, "C", "medico-sociale")]
CNP_H = [(1, "A", "technique"), (1, "B", "administrative"), (11, "C", "technique"), (1, "C", "animation")]

# Sums of ages per cell (see the docstring): mean ages round to the seed's values.
AGE_SUM = {("F", "fonctionnaire", "A"): 412, ("F", "fonctionnaire", "B"): 374, ("F", "fonctionnaire", "C"): 1484,
           ("H", "fonctionnaire", "A"): 294, ("H", "fonctionnaire", "B"): 329, ("H", "fonctionnaire", "C"): 1150,
           ("F", "contractuel_non_permanent", None): 256, ("H", "contractuel_non_permanent", None): 602}
CP_AGES = {"F": {"A": [38], "B": [36], "C": [37, 35, 39, 36, 37]}, "H": {"A": [42], "B": [39], "C": [40, 38, 41]}}

# Mean monthly gross pay the seed publishes (cents): main population and the music school apart.
PAY = {("A", "F"): 283956, ("A", "H"): 401236, ("B", "F"): 231097, ("B", "H"): 247340,
       ("C", "F"): 181951, ("C", "H"): 187607}
PAY_MUSIC = {("A", "F"): 30874, ("A", "H"): 83284, ("B", "F"): 49373, ("B", "H"): 86824}

# Managers per (sexe, categorie, filiere): the seed's 11 women (7 A, 2 B, 2 C) and 10 men (5 A, 2 B, 3 C).
MANAGERS = {("F", "A", "administrative"): 4, ("F", "A", "medico-sociale"): 2, ("F", "A", "technique"): 1,
            ("F", "B", "administrative"): 1, ("F", "B", "technique"): 1, ("F", "C", "animation"): 1,
            ("F", "C", "medico-sociale"): 1, ("H", "A", "administrative"): 3, ("H", "A", "technique"): 2,
            ("H", "B", "administrative"): 1, ("H", "B", "technique"): 1, ("H", "C", "technique"): 3}
# Seven women part-time (fonctionnaires): quotités 50 to 90 %.
PARTIEL = {("C", "administrative"): [50, 80, 80], ("C", "medico-sociale"): [60, 70], ("C", "animation"): [80],
           ("B", "administrative"): [90]}
SPREAD = [3, 9, 14, 6, 11, 2, 16, 8, 5, 12, 1, 7, 13, 4, 10, 15]
ETAB = {"administrative": "Siège", "animation": "Petite enfance", "medico-sociale": "Petite enfance",
        "technique": "CCPO - OM", "culturelle": "Médiathèque"}


def agent(sexe, statut, cat, fil, etab=None):
    return dict(sexe=sexe, statut=statut, cat=cat, fil=fil, enc="non", temps="complet", quot=100,
                mois=12, etab=etab or ETAB[fil], age=None)


def build():
    ags = []
    for sexe, fonct, cp, music in (("F", FONCT_F, CP_F, MUSIC_F), ("H", FONCT_H, CP_H, MUSIC_H)):
        for n, cat, fil in fonct:
            ags += [agent(sexe, "fonctionnaire", cat, fil) for _ in range(n)]
        for n, cat in music:
            ags += [agent(sexe, "fonctionnaire", cat, "culturelle", MUSIC) for _ in range(n)]
        for n, cat, fil in cp:
            ags += [agent(sexe, "contractuel_permanent", cat, fil) for _ in range(n)]
    for sexe, cnp in (("F", CNP_F), ("H", CNP_H)):
        for n, cat, fil in cnp:
            ags += [agent(sexe, "contractuel_non_permanent", cat, fil) for _ in range(n)]
    ags += [agent("F", "apprenti", "", "medico-sociale"), agent("F", "apprenti", "", "administrative")]
    return ags


def set_roles(ags):
    left = dict(MANAGERS)
    for a in ags:
        k = (a["sexe"], a["cat"], a["fil"])
        if a["statut"] in ("fonctionnaire", "contractuel_permanent") and a["etab"] != MUSIC and left.get(k, 0) > 0:
            a["enc"] = "oui"
            left[k] -= 1
    part = {k: list(v) for k, v in PARTIEL.items()}
    for a in ags:
        k = (a["cat"], a["fil"])
        if a["sexe"] == "F" and a["statut"] == "fonctionnaire" and a["enc"] == "non" and part.get(k):
            a["temps"], a["quot"] = "partiel", part[k].pop()
    quots = iter([15, 30, 20, 40, 25, 35, 45])
    for a in ags:
        if a["etab"] == MUSIC:
            a["temps"], a["quot"] = "non_complet", next(quots)
    cnp_h = [a for a in ags if a["statut"] == "contractuel_non_permanent" and a["sexe"] == "H"]
    cnp_h[-1]["temps"], cnp_h[-1]["quot"] = "non_complet", 50
    for i, a in enumerate(a for a in ags if a["statut"] == "contractuel_non_permanent"):
        a["mois"] = [12, 6, 9, 3, 12, 10, 4, 8, 12, 7, 11][i % 11]
    dispo = [a for a in ags if a["sexe"] == "H" and a["statut"] == "fonctionnaire" and a["cat"] == "C"
             and a["fil"] == "technique" and a["enc"] == "non"][-1]
    dispo["mois"] = 0   # « dont 1 en disponibilité »: counted, not paid
    assert sum(v for v in left.values()) == 0 and all(not v for v in part.values())


def spread_ages(cell, total):
    n = len(cell)
    base, rem = divmod(total, n)
    offs = [0] * n
    for i in range(n // 2):
        d = SPREAD[i % len(SPREAD)]
        offs[2 * i], offs[2 * i + 1] = d, -d
    for i, a in enumerate(cell):
        a["age"] = base + offs[i] + (1 if i < rem else 0)


def set_ages(ags):
    for (sexe, statut, cat), total in AGE_SUM.items():
        spread_ages([a for a in ags if a["sexe"] == sexe and a["statut"] == statut and (cat is None or a["cat"] == cat)],
                    total)
    for sexe, by_cat in CP_AGES.items():
        for cat, ages in by_cat.items():
            cell = [a for a in ags if a["sexe"] == sexe and a["statut"] == "contractuel_permanent" and a["cat"] == cat]
            for a, g in zip(cell, ages):
                a["age"] = g
    for a, g in zip([a for a in ags if a["statut"] == "apprenti"], [19, 20]):
        a["age"] = g
    assert all(18 <= a["age"] <= 64 for a in ags)


def set_pay(ags):
    groups = {}
    for a in ags:
        if a["mois"] == 0:
            a["cents"] = 0
            continue
        if a["cat"] == "":
            a["cents"] = 98000 * a["mois"]      # apprentices: outside the category tables
            continue
        groups.setdefault((a["etab"] == MUSIC, a["cat"], a["sexe"]), []).append(a)
    for (music, cat, sexe), g in groups.items():
        target = (PAY_MUSIC if music else PAY)[(cat, sexe)]
        months = sum(a["mois"] for a in g)
        for i, a in enumerate(g):
            jitter = 1.0 + ((i * 37) % 21 - 10) / 100.0
            a["cents"] = int(target * a["mois"] * jitter * (a["quot"] / 100 if a["temps"] == "partiel" else 1))
        diff = target * months - sum(a["cents"] for a in g)
        for a in g:
            a["cents"] += diff * a["mois"] // months
        g[0]["cents"] += target * months - sum(a["cents"] for a in g)
        assert sum(a["cents"] for a in g) == target * months and all(a["cents"] > 0 for a in g)


def money(c, i):
    e, d = divmod(c, 100)
    if i % 3 == 0 and e >= 1000:
        return f"{e // 1000} {e % 1000:03d},{d:02d}"
    return f"{e}{'.' if i % 3 == 1 else ','}{d:02d}"


def write(path, ags, ref_year):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("matricule;sexe;date_naissance;statut;categorie;filiere;encadrant;temps_travail;quotite;"
                "remuneration_brute_annuelle;mois_remuneres;etablissement\n")
        for i, a in enumerate(ags):
            birth = f"{REF_YEAR - a['age']:04d}-{1 + (i * 7) % 12:02d}-{1 + (i * 11) % 28:02d}"
            f.write(f"{a['mat']};{a['sexe']};{birth};{a['statut']};{a['cat']};{a['fil']};{a['enc']};"
                    f"{a['temps']};{a['quot']};{money(a['cents'], i)};{a['mois']};{a['etab']}\n")


def main(outdir):
    ags = build()
    set_roles(ags)
    set_ages(ags)
    set_pay(ags)
    assert len(ags) == 126
    rnd = random.Random(2023)
    rnd.shuffle(ags)
    for i, a in enumerate(ags):
        a["mat"] = f"CCPO{i + 1:04d}"
    write(f"{outdir}/ccpo-2023.csv", ags, 2023)
    # 2021: the seed says the permanent staff was then 51 women and 32 men; 9 women and 10 men were
    # recruited since. Drop that many permanent agents (not managers, not at the music school).
    drop = {"F": 9, "H": 10}
    old = []
    for a in ags:
        if (drop[a["sexe"]] > 0 and a["statut"] in ("fonctionnaire", "contractuel_permanent") and a["enc"] == "non"
                and a["etab"] != MUSIC and a["mois"] == 12):
            drop[a["sexe"]] -= 1
            continue
        old.append(a)
    write(f"{outdir}/ccpo-2021.csv", old, 2021)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
