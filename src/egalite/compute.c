/* compute: the diagnostic's tables from a clean import — counts, and every mean or share kept as a
 * fraction (sum / count) so that outputs round once, in one place, and the JSON stays checkable. */
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "egalite/egalite_priv.h"

static void add(struct egalite_ratio *r, long long num, long long den)
{
	r->num += num;
	r->den += den;
}

/* Adds a count to the sex column and to the « ensemble » one. */
static void count(int *row, enum egalite_sexe s)
{
	row[s]++;
	row[EG_NSEXE]++;
}

static void mean(struct egalite_ratio *row, enum egalite_sexe s, long long num, long long den)
{
	add(&row[s], num, den);
	add(&row[EG_NSEXE], num, den);
}

static int band(int age)
{
	if (age < 20)
		return 0;
	return age >= 60 ? EG_NBANDS - 1 : age / 10 - 1;
}

static int quot_band(int q)
{
	return q < 5000 ? 0 : q <= 8000 ? 1 : 2;
}

/* Which pay population an agent belongs to: 0 (main) or 1 + the --a-part index. */
static int pay_group(const struct egalite_agent *ag, const struct egalite_opts *o)
{
	for (int i = 0; i < o->n_a_part; i++)
		if (strcasecmp(ag->etablissement, o->a_part[i]) == 0)
			return 1 + i;
	return 0;
}

static void one(struct egalite_report *r, const struct egalite_agent *ag, const struct egalite_opts *o)
{
	enum egalite_sexe s = ag->sexe;
	int perm = egalite_statut_permanent(ag->statut);
	int age = egalite_age(&ag->naissance, &r->date);
	count(r->total, s);
	count(r->effectifs[ag->statut], s);
	mean(r->age_statut[ag->statut], s, age, 1);
	mean(r->age_ensemble, s, age, 1);
	count(r->pyramide[band(age)], s);
	count(r->temps[ag->temps], s);
	if (ag->encadrant) {
		count(r->encadrants[ag->categorie], s);
		count(r->encadrants_total, s);
	}
	if (perm) {
		count(r->permanents, s);
		mean(r->age_permanents, s, age, 1);
		mean(r->age_categorie[ag->categorie], s, age, 1);
		count(r->filiere[ag->filiere], s);
		count(r->categorie[ag->categorie], s);
		if (ag->temps == EG_PARTIEL)
			count(r->quotite_partiel[quot_band(ag->quotite)], s);
	}
	if (ag->mois > 0) {
		struct egalite_pay *p = &r->pay[pay_group(ag, o)];
		int c = ag->categorie;   /* EG_CAT_NONE is the « hors catégorie » row */
		mean(p->mean[c], s, ag->remuneration, ag->mois);
		mean(p->mean[EG_NPAYCAT], s, ag->remuneration, ag->mois);
		count(p->agents[c], s);
		count(p->agents[EG_NPAYCAT], s);
	}
}

struct egalite_report *egalite_compute(const struct egalite_agents *a, const struct egalite_opts *o,
				       struct err *e)
{
	if (o->n_a_part > EG_MAX_APART) {
		err_set(e, 400, "egalite.a_part", "au plus %d établissements peuvent être présentés à part", EG_MAX_APART);
		return NULL;
	}
	for (int i = 0; i < o->n_a_part; i++) {
		size_t k = 0;
		while (k < a->n && strcasecmp(a->v[k].etablissement, o->a_part[i]) != 0)
			k++;
		if (k == a->n) {
			err_set(e, 422, "egalite.etablissement", "établissement « %.100s » (--a-part) absent du fichier : "
				"aucun agent n'a cette valeur dans la colonne etablissement", o->a_part[i]);
			return NULL;
		}
	}
	struct egalite_report *r = xcalloc(1, sizeof *r);
	r->date = o->date;
	r->titre = xstrdup(o->titre ? o->titre : "");
	r->n_pay = 1 + o->n_a_part;
	for (int i = 0; i < o->n_a_part; i++)
		r->pay[1 + i].etablissement = xstrdup(o->a_part[i]);
	for (size_t k = 0; k < a->n; k++)
		one(r, &a->v[k], o);
	for (int s = 0; s <= EG_NSEXE; s++) {
		r->part_encadrants[s] = (struct egalite_ratio){ r->encadrants_total[s], r->total[s] };
		r->part_partiel[s] = (struct egalite_ratio){ r->temps[EG_PARTIEL][s], r->total[s] };
	}
	r->feminisation = (struct egalite_ratio){ r->permanents[EG_F], r->permanents[EG_NSEXE] };
	return r;
}

void egalite_report_free(struct egalite_report *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->n_pay; i++)
		free(r->pay[i].etablissement);
	free(r->titre);
	free(r);
}
