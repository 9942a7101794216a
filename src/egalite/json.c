/* json: the diagnostic as JSON — every share and mean with its numerator and denominator, money in
 * integer cents — and the comparison with an earlier diagnostic read back from its own JSON. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "egalite/egalite_priv.h"

static const char *const sexe_key[EG_NSEXE + 1] = { "F", "H", "ensemble" };
static const char *const cat_key[EG_NCAT] = { "A", "B", "C", "hors_categorie" };

static const char *const band_label[EG_NBANDS] = {
	"moins de 20 ans", "20 à 29 ans", "30 à 39 ans", "40 à 49 ans", "50 à 59 ans", "60 ans et plus",
};
static const char *const quot_key[EG_NQUOT] = { "moins_de_50", "de_50_a_80", "plus_de_80" };

static json_t *counts(const int *row)
{
	json_t *o = json_object();
	for (int s = 0; s <= EG_NSEXE; s++)
		json_object_set_new(o, sexe_key[s], json_integer(row[s]));
	return o;
}

static json_t *ratio(struct egalite_ratio r)
{
	if (r.den == 0)
		return json_null();
	return json_pack("{sI sI sf}", "num", (json_int_t)r.num, "den", (json_int_t)r.den, "valeur",
			 (double)r.num / (double)r.den);
}

static json_t *ratios(const struct egalite_ratio *row)
{
	json_t *o = json_object();
	for (int s = 0; s <= EG_NSEXE; s++)
		json_object_set_new(o, sexe_key[s], ratio(row[s]));
	return o;
}

static json_t *age(struct egalite_ratio r)
{
	json_t *o = ratio(r);
	if (r.den)
		json_object_set_new(o, "arrondi_demi_annee", json_real((double)egalite_round_half(r) / 2.0));
	return o;
}

static json_t *ages(const struct egalite_ratio *row)
{
	json_t *o = json_object();
	for (int s = 0; s <= EG_NSEXE; s++)
		json_object_set_new(o, sexe_key[s], age(row[s]));
	return o;
}

/* "−1172.80" as a plain decimal string: exact, no floating point. */
static json_t *euros(long long cents)
{
	char s[40];
	unsigned long long v = cents < 0 ? (unsigned long long)-cents : (unsigned long long)cents;
	snprintf(s, sizeof s, "%s%llu.%02llu", cents < 0 ? "-" : "", v / 100, v % 100);
	return json_string(s);
}

static json_t *pay(struct egalite_ratio r, int agents)
{
	if (r.den == 0)
		return json_null();
	long long c = egalite_round_cents(r);
	return json_pack("{sI sI si sI so}", "num", (json_int_t)r.num, "den", (json_int_t)r.den, "agents", agents,
			 "centimes", (json_int_t)c, "euros", euros(c));
}

static json_t *pay_row(const struct egalite_ratio *m, const int *agents)
{
	json_t *o = json_object();
	for (int s = 0; s <= EG_NSEXE; s++)
		json_object_set_new(o, sexe_key[s], pay(m[s], agents[s]));
	if (m[EG_F].den && m[EG_H].den) {
		long long f = egalite_round_cents(m[EG_F]), h = egalite_round_cents(m[EG_H]);
		json_object_set_new(o, "ecart_F_H", json_pack("{sI so s{sI sI sf}}", "centimes", (json_int_t)(f - h),
							       "euros", euros(f - h), "relatif", "num",
							       (json_int_t)(f - h), "den", (json_int_t)h, "valeur",
							       h ? (double)(f - h) / (double)h : 0.0));
	} else {
		json_object_set_new(o, "ecart_F_H", json_null());
	}
	return o;
}

static json_t *pays(const struct egalite_report *r)
{
	json_t *a = json_array();
	for (int i = 0; i < r->n_pay; i++) {
		const struct egalite_pay *p = &r->pay[i];
		json_t *cats = json_object();
		for (int c = 0; c < EG_NPAYCAT; c++)
			json_object_set_new(cats, cat_key[c], pay_row(p->mean[c], p->agents[c]));
		json_object_set_new(cats, "ensemble", pay_row(p->mean[EG_NPAYCAT], p->agents[EG_NPAYCAT]));
		json_array_append_new(a, json_pack("{so so}", "etablissement",
						   p->etablissement ? json_string(p->etablissement) : json_null(),
						   "par_categorie", cats));
	}
	return a;
}

static json_t *by_cat_counts(const int (*t)[EG_NSEXE + 1])
{
	json_t *o = json_object();
	for (int c = 0; c < EG_NCAT; c++)
		json_object_set_new(o, cat_key[c], counts(t[c]));
	return o;
}

const struct eg_note eg_method[] = {
	{ "ensemble", "« Ensemble » est la moyenne sur tous les agents concernés, femmes et hommes réunis (moyenne "
		      "pondérée par le nombre d'agents, ou par les mois rémunérés pour les rémunérations), et non la "
		      "moyenne des deux moyennes." },
	{ "permanents", "Emplois permanents : fonctionnaires et contractuels sur emploi permanent. Effectifs "
			"globaux : tous les agents du fichier." },
	{ "age", "Âge en années révolues à la date du diagnostic ; âge moyen = somme des âges / nombre d'agents." },
	{ "arrondi_age", "Âges moyens arrondis à la demi-année la plus proche (x,25 → x,5 ; x,75 → x+1) ; "
			 "la valeur exacte figure dans l'export JSON." },
	{ "remuneration", "Rémunération mensuelle brute moyenne = somme des rémunérations brutes annuelles / somme "
			  "des mois rémunérés, arrondie au centime ; les agents sans mois rémunéré en sont exclus." },
	{ "ecart", "Écart = moyenne des femmes − moyenne des hommes, chacune arrondie au centime ; un écart négatif "
		   "est en défaveur des femmes." },
	{ "encadrement", "Part des encadrants = encadrants / effectif global de chaque sexe." },
};
const int eg_n_method = (int)(sizeof eg_method / sizeof eg_method[0]);

static json_t *method(void)
{
	json_t *o = json_object();
	for (int i = 0; i < eg_n_method; i++)
		json_object_set_new(o, eg_method[i].key, json_string(eg_method[i].text));
	return o;
}

static json_t *effectifs(const struct egalite_report *r)
{
	json_t *st = json_object();
	for (int s = 0; s < EG_NSTATUT; s++)
		json_object_set_new(st, egalite_statut_token(s), counts(r->effectifs[s]));
	return json_pack("{so so}", "par_statut", st, "total", counts(r->total));
}

static json_t *ages_all(const struct egalite_report *r)
{
	json_t *st = json_object(), *cat = json_object();
	for (int s = 0; s < EG_NSTATUT; s++)
		json_object_set_new(st, egalite_statut_token(s), ages(r->age_statut[s]));
	for (int c = 0; c < EG_NCAT; c++)
		json_object_set_new(cat, cat_key[c], ages(r->age_categorie[c]));
	return json_pack("{so so so so}", "par_statut", st, "permanents", ages(r->age_permanents), "ensemble",
			 ages(r->age_ensemble), "par_categorie_permanents", cat);
}

static json_t *pyramide(const struct egalite_report *r)
{
	json_t *a = json_array();
	for (int b = 0; b < EG_NBANDS; b++) {
		json_t *o = counts(r->pyramide[b]);
		json_object_set_new(o, "tranche", json_string(band_label[b]));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *filieres(const struct egalite_report *r)
{
	json_t *o = json_object();
	for (int f = 0; f < EG_NFILIERE; f++)
		json_object_set_new(o, egalite_filiere_token(f), counts(r->filiere[f]));
	json_object_set_new(o, "ensemble", counts(r->permanents));
	return o;
}

static json_t *temps(const struct egalite_report *r)
{
	json_t *o = json_object(), *q = json_object();
	for (int t = 0; t < EG_NTEMPS; t++)
		json_object_set_new(o, egalite_temps_token(t), counts(r->temps[t]));
	json_object_set_new(o, "total", counts(r->total));
	json_object_set_new(o, "part_partiel", ratios(r->part_partiel));
	for (int b = 0; b < EG_NQUOT; b++)
		json_object_set_new(q, quot_key[b], counts(r->quotite_partiel[b]));
	json_object_set_new(o, "quotite_partiel_permanents", q);
	return o;
}

json_t *eg_report_json(const struct egalite_report *r)
{
	char date[16];
	snprintf(date, sizeof date, "%04d-%02d-%02d", r->date.y, r->date.m, r->date.d);
	json_t *cats = by_cat_counts(r->categorie);
	json_object_set_new(cats, "ensemble", counts(r->permanents));
	json_t *enc = json_pack("{so so so}", "nombre", counts(r->encadrants_total), "par_categorie",
				by_cat_counts(r->encadrants), "part", ratios(r->part_encadrants));
	return json_pack("{ss si ss ss so so so so so so so so so so so}", "diagnostic", "egalite-professionnelle",
			 "version", 1, "date", date, "titre", r->titre, "methode", method(), "effectifs",
			 effectifs(r), "permanents", counts(r->permanents), "taux_feminisation",
			 ratio(r->feminisation), "ages", ages_all(r), "pyramide", pyramide(r), "filieres_permanents",
			 filieres(r), "categories_permanents", cats, "encadrement", enc, "temps_travail", temps(r),
			 "remunerations", pays(r));
}

/* ---- comparison ---- */

#define ROW(l, p, k) { l, p, k }
const struct eg_compare_row eg_compare_rows[] = {
	ROW("Effectif total — femmes", "effectifs.total.F", EG_INT),
	ROW("Effectif total — hommes", "effectifs.total.H", EG_INT),
	ROW("Effectif total", "effectifs.total.ensemble", EG_INT),
	ROW("Effectif permanent — femmes", "permanents.F", EG_INT),
	ROW("Effectif permanent — hommes", "permanents.H", EG_INT),
	ROW("Effectif permanent", "permanents.ensemble", EG_INT),
	ROW("Taux de féminisation (permanents)", "taux_feminisation", EG_PCT),
	ROW("Âge moyen — femmes", "ages.ensemble.F", EG_AGE),
	ROW("Âge moyen — hommes", "ages.ensemble.H", EG_AGE),
	ROW("Âge moyen — ensemble", "ages.ensemble.ensemble", EG_AGE),
	ROW("Encadrants — femmes", "encadrement.nombre.F", EG_INT),
	ROW("Encadrants — hommes", "encadrement.nombre.H", EG_INT),
	ROW("Part des encadrants — femmes", "encadrement.part.F", EG_PCT),
	ROW("Part des encadrants — hommes", "encadrement.part.H", EG_PCT),
	ROW("Part des femmes à temps partiel", "temps_travail.part_partiel.F", EG_PCT),
	ROW("Part des hommes à temps partiel", "temps_travail.part_partiel.H", EG_PCT),
	ROW("Rémunération mensuelle moyenne A — femmes", "remunerations.0.par_categorie.A.F", EG_MONEY),
	ROW("Rémunération mensuelle moyenne A — hommes", "remunerations.0.par_categorie.A.H", EG_MONEY),
	ROW("Rémunération mensuelle moyenne B — femmes", "remunerations.0.par_categorie.B.F", EG_MONEY),
	ROW("Rémunération mensuelle moyenne B — hommes", "remunerations.0.par_categorie.B.H", EG_MONEY),
	ROW("Rémunération mensuelle moyenne C — femmes", "remunerations.0.par_categorie.C.F", EG_MONEY),
	ROW("Rémunération mensuelle moyenne C — hommes", "remunerations.0.par_categorie.C.H", EG_MONEY),
	ROW("Écart F − H, catégorie A", "remunerations.0.par_categorie.A.ecart_F_H", EG_MONEY),
	ROW("Écart F − H, catégorie B", "remunerations.0.par_categorie.B.ecart_F_H", EG_MONEY),
	ROW("Écart F − H, catégorie C", "remunerations.0.par_categorie.C.ecart_F_H", EG_MONEY),
};
const int eg_n_compare_rows = (int)(sizeof eg_compare_rows / sizeof eg_compare_rows[0]);

int eg_json_figure(json_t *root, const char *path, enum eg_cell_kind kind, double *v)
{
	json_t *n = root;
	char seg[64];
	for (const char *p = path; n && *p;) {
		size_t l = strcspn(p, ".");
		snprintf(seg, sizeof seg, "%.*s", (int)l, p);
		n = json_is_array(n) ? json_array_get(n, (size_t)atoi(seg)) : json_object_get(n, seg);
		p += l + (p[l] == '.');
	}
	if (!n || json_is_null(n))
		return -1;
	if (kind == EG_INT && json_is_integer(n)) {
		*v = (double)json_integer_value(n);
		return 0;
	}
	if (kind == EG_MONEY) {
		json_t *c = json_object_get(n, "centimes");
		if (!json_is_integer(c))
			return -1;
		*v = (double)json_integer_value(c);
		return 0;
	}
	json_t *num = json_object_get(n, "num"), *den = json_object_get(n, "den");
	if (!json_is_integer(num) || !json_is_integer(den) || json_integer_value(den) == 0)
		return -1;
	*v = (double)json_integer_value(num) / (double)json_integer_value(den);
	return 0;
}

/* Parses prev and checks it is an earlier diagnostic than date (when date is non-NULL). */
static json_t *previous_load(const char *prev_json, const struct egalite_date *date, struct err *e)
{
	json_error_t je;
	json_t *p = json_loads(prev_json, 0, &je);
	const char *d = p ? json_string_value(json_object_get(p, "date")) : NULL;
	struct egalite_date pd;
	if (!p || !json_is_string(json_object_get(p, "diagnostic")) ||
	    strcmp(json_string_value(json_object_get(p, "diagnostic")), "egalite-professionnelle") != 0 ||
	    !d || egalite_date_parse(d, &pd) < 0) {
		err_set(e, 422, "egalite.precedent", "le diagnostic précédent n'est pas une sortie JSON de « opale egalite "
			"rapport »%s%s", p ? "" : " : ", p ? "" : je.text);
		json_decref(p);
		return NULL;
	}
	if (date && (pd.y * 10000 + pd.m * 100 + pd.d) >= (date->y * 10000 + date->m * 100 + date->d)) {
		/* d points into p: the message is written before p is freed */
		err_set(e, 422, "egalite.precedent", "le diagnostic précédent (%s) n'est pas antérieur à la date du "
			"diagnostic", d);
		json_decref(p);
		return NULL;
	}
	return p;
}

int egalite_previous_check(const char *prev_json, struct err *e)
{
	json_t *p = previous_load(prev_json, NULL, e);
	json_decref(p);
	return p ? 0 : -1;
}

static json_t *figure(enum eg_cell_kind k, double v)
{
	return k == EG_INT || k == EG_MONEY ? json_integer((json_int_t)llround(v)) : json_real(v);
}

static json_t *comparison(json_t *cur, json_t *prev)
{
	json_t *rows = json_array();
	for (int i = 0; i < eg_n_compare_rows; i++) {
		const struct eg_compare_row *c = &eg_compare_rows[i];
		double a, b;
		int has_a = eg_json_figure(prev, c->path, c->kind, &a) == 0;
		int has_b = eg_json_figure(cur, c->path, c->kind, &b) == 0;
		json_t *o = json_pack("{ss ss}", "indicateur", c->label, "chemin", c->path);
		json_object_set_new(o, "precedent", has_a ? figure(c->kind, a) : json_null());
		json_object_set_new(o, "actuel", has_b ? figure(c->kind, b) : json_null());
		json_object_set_new(o, "evolution", has_a && has_b ? figure(c->kind, b - a) : json_null());
		json_array_append_new(rows, o);
	}
	return json_pack("{sO so}", "date_precedente", json_object_get(prev, "date"), "indicateurs", rows);
}

int egalite_json(const struct egalite_report *r, const char *prev_json, buf *out, struct err *e)
{
	json_t *j = eg_report_json(r);
	if (prev_json) {
		json_t *p = previous_load(prev_json, &r->date, e);
		if (!p) {
			json_decref(j);
			return -1;
		}
		json_object_set_new(j, "comparaison", comparison(j, p));
		json_decref(p);
	}
	char *s = json_dumps(j, JSON_INDENT(1) | JSON_REAL_PRECISION(12));
	json_decref(j);
	buf_puts(out, s);
	buf_putc(out, '\n');
	free(s);
	return 0;
}
