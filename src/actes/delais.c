/* delais: the contrôle de légalité's deadlines — two months for the prefect's déféré from the act's
 * reception (CGCT L2131-6), extended by a demande de pièces complémentaires or a lettre d'observations
 * sent within that delay — computed on calendar dates. Sources and the readings still to confirm are
 * in docs/actes.md « Délais du contrôle de légalité »; the tests are tests/actes/delais_test.c. */
#include "actes/delais.h"

#include <stdio.h>
#include <string.h>

struct date actes_add_months(struct date d, int n)
{
	int m0 = d.y * 12 + (d.m - 1) + n;
	struct date r = { m0 / 12, m0 % 12 + 1, d.d };
	int dim = date_days_in_month(r.y, r.m);
	if (r.d > dim)
		r.d = dim;
	return r;
}

/* Easter Sunday (Gregorian computus, Meeus/Jones/Butcher). */
static struct date easter(int y)
{
	int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
	return (struct date){ y, month, day };
}

int actes_jour_ferie(struct date d)
{
	static const int fixed[][2] = { { 1, 1 }, { 5, 1 }, { 5, 8 }, { 7, 14 }, { 8, 15 }, { 11, 1 }, { 11, 11 }, { 12, 25 } };
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (d.m == fixed[i][0] && d.d == fixed[i][1])
			return 1;
	static const int after_easter[] = { 1, 39, 50 };   /* lundi de Pâques, Ascension, lundi de Pentecôte */
	struct date p = easter(d.y);
	for (size_t i = 0; i < sizeof after_easter / sizeof after_easter[0]; i++)
		if (date_cmp(d, date_add_days(p, after_easter[i])) == 0)
			return 1;
	return 0;
}

struct date actes_jour_ouvrable(struct date d)
{
	while (date_weekday(d) >= 6 || actes_jour_ferie(d))
		d = date_add_days(d, 1);
	return d;
}

struct date actes_deux_mois_franc(struct date from)
{
	return actes_jour_ouvrable(date_add_days(actes_add_months(from, 2), 1));
}

static int known(struct date d)
{
	return d.y != 0;
}

/* "15/03/2024" (out: 11 bytes), or "?" for an unknown date. */
static const char *fr(struct date d, char out[11])
{
	if (!known(d))
		return "?";
	snprintf(out, 11, "%02d/%02d/%04d", d.d, d.m, d.y);
	return out;
}

#define SRC_CONTROLE "CGCT L2131-6 (déféré dans les deux mois suivant la transmission ; de même L3132-1, L4142-1, et L5211-3 pour les EPCI) ; CJA R421-1 et CPC art. 641-642 (délai franc, de quantième à quantième, prorogé au jour ouvrable suivant)"

static void courrier_simple(const struct actes_delai_in *in, struct actes_delai *o)
{
	char a[11];
	o->deferer_avant = o->fin_controle;
	o->a_confirmer = 1;
	snprintf(o->texte, sizeof o->texte,
		 "Courrier simple : aucun délai légal de réponse. Il ne proroge pas le délai du contrôle de légalité : le préfet peut "
		 "déférer l'acte au tribunal administratif jusqu'au %s.", fr(o->deferer_avant, a));
	o->sources = SRC_CONTROLE;
	(void)in;
}

static void demande_pieces(const struct actes_delai_in *in, struct actes_delai *o)
{
	char a[11], b[11];
	o->sources = SRC_CONTROLE " ; CE, Sect., 13 janvier 1988, Mutuelle générale des personnels des collectivités locales "
			"(le délai ne court qu'à compter de la réception des pièces demandées dans le délai initial)";
	if (!o->dans_delai) {
		o->deferer_avant = o->fin_controle;
		o->a_confirmer = 1;
		snprintf(o->texte, sizeof o->texte,
			 "Demande de pièces complémentaires datée du %s, après la fin du délai de contrôle (%s) : elle ne le proroge pas. "
			 "Aucun délai légal de réponse.", fr(in->courrier, a), fr(o->fin_controle, b));
		return;
	}
	if (known(in->reponse_recue)) {
		o->reprise = in->reponse_recue;
		o->deferer_avant = actes_deux_mois_franc(o->reprise);
		o->a_confirmer = in->refus;
		snprintf(o->texte, sizeof o->texte,
			 "%s reçu%s par la préfecture le %s : le délai de déféré de deux mois court de nouveau depuis cette date, jusqu'au %s.%s",
			 in->refus ? "Refus d'envoyer les pièces" : "Pièces complémentaires", in->refus ? "" : "es", fr(o->reprise, a),
			 fr(o->deferer_avant, b),
			 in->refus ? " (Départ du délai à la réception du refus : lecture à confirmer.)" : "");
		return;
	}
	o->suspendu = 1;
	snprintf(o->texte, sizeof o->texte,
		 "Aucun délai légal de réponse, mais tant que les pièces demandées ne sont pas reçues par la préfecture, le délai de "
		 "déféré ne court pas : l'acte reste attaquable. Il repart pour deux mois à la réception %s.",
		 in->repondu ? "de votre réponse (accusé de réception 3-5 attendu)" : "des pièces (ou de votre refus de les envoyer)");
}

static void observations(const struct actes_delai_in *in, struct actes_delai *o)
{
	char a[11], b[11], c[11];
	o->a_confirmer = 1;   /* the implicit rejection after two months of silence */
	o->sources = SRC_CONTROLE " ; CE, Sect., 18 avril 1986, Commissaire de la République d'Ille-et-Vilaine (le recours gracieux "
			"du préfet formé dans le délai le proroge) ; rejet implicite après deux mois de silence (CRPA L231-4, à confirmer)";
	if (!o->dans_delai) {
		o->deferer_avant = o->fin_controle;
		snprintf(o->texte, sizeof o->texte,
			 "Lettre d'observations datée du %s, après la fin du délai de contrôle (%s) : elle ne proroge pas ce délai.",
			 fr(in->courrier, a), fr(o->fin_controle, b));
		return;
	}
	o->reponse_avant = actes_add_months(in->courrier, 2);
	o->jours_restants = (int)date_diff_days(in->today, o->reponse_avant);
	o->alerte = !in->repondu && o->jours_restants >= 0 && o->jours_restants <= ACTES_ALERTE_JOURS;
	if (known(in->reponse_recue)) {
		o->reprise = in->reponse_recue;
		o->deferer_avant = actes_deux_mois_franc(o->reprise);
		snprintf(o->texte, sizeof o->texte,
			 "Recours gracieux du préfet : votre %s a été reçue le %s ; le préfet peut déférer l'acte jusqu'au %s.",
			 in->refus ? "réponse de rejet" : "réponse", fr(o->reprise, a), fr(o->deferer_avant, b));
	} else if (in->repondu) {
		snprintf(o->texte, sizeof o->texte,
			 "Recours gracieux du préfet : réponse envoyée. Le délai de déféré de deux mois repart à sa réception par la "
			 "préfecture (accusé de réception 4-5 attendu).");
	} else if (o->jours_restants < 0) {
		o->reprise = o->reponse_avant;
		o->deferer_avant = actes_deux_mois_franc(o->reprise);
		snprintf(o->texte, sizeof o->texte,
			 "Recours gracieux du préfet resté sans réponse : votre silence vaut rejet depuis le %s ; le préfet peut déférer "
			 "l'acte jusqu'au %s.", fr(o->reponse_avant, a), fr(o->deferer_avant, b));
	} else {
		o->reprise = o->reponse_avant;
		o->deferer_avant = actes_deux_mois_franc(o->reprise);
		snprintf(o->texte, sizeof o->texte,
			 "Recours gracieux du préfet : il proroge le délai de contrôle. Répondez avant le %s : sans réponse, votre silence "
			 "vaut rejet à cette date, et le préfet peut alors déférer l'acte jusqu'au %s. Une réponse fait repartir ce délai "
			 "de deux mois à sa réception (délai initial : %s).",
			 fr(o->reponse_avant, a), fr(o->deferer_avant, b), fr(o->fin_controle, c));
	}
}

static void defere(const struct actes_delai_in *in, struct actes_delai *o)
{
	o->sources = "CGCT L2131-6 (déféré ; demande de suspension jugée dans le mois) ; CJA R611-10 (délai de défense fixé par le tribunal)";
	snprintf(o->texte, sizeof o->texte,
		 "Déféré au tribunal administratif : le tribunal vous communiquera la requête et le délai pour produire votre mémoire en "
		 "défense. Si le préfet demande la suspension de l'acte, le juge statue dans le délai d'un mois.");
	(void)in;
}

static const struct {
	const char *code;
	void (*fn)(const struct actes_delai_in *, struct actes_delai *);
} letters[] = {
	{ "2-1", courrier_simple },
	{ "3-1", demande_pieces },
	{ "4-1", observations },
	{ "5-1", defere },
};

int actes_delai_compute(const struct actes_delai_in *in, struct actes_delai *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; in->code && i < sizeof letters / sizeof letters[0]; i++) {
		if (strcmp(in->code, letters[i].code) != 0)
			continue;
		if (known(in->ar))
			out->fin_controle = actes_deux_mois_franc(in->ar);
		/* a letter dated on the last day still counts (the day is in the delay) */
		out->dans_delai = !known(in->ar) || !known(in->courrier) || date_cmp(in->courrier, out->fin_controle) <= 0;
		letters[i].fn(in, out);
		return 0;
	}
	return -1;
}
