/* view: the report laid out once — sections of captioned tables and charts with French labels and
 * numbers — so that the HTML, PDF and XLSX outputs are three drawings of the same content. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "egalite/egalite_priv.h"

#define MAX_ROWS 40   /* the longest table, the comparison, has 25 */
#define MAX_TABLES 8
#define MAX_CHARTS 4
#define MAX_SECTIONS 10

static const char *const band_label[EG_NBANDS] = {
	"Moins de 20 ans", "20 à 29 ans", "30 à 39 ans", "40 à 49 ans", "50 à 59 ans", "60 ans et plus",
};
static const char *const quot_label[EG_NQUOT] = { "Moins de 50 %", "De 50 à 80 %", "Plus de 80 %" };

void eg_fmt_pct(buf *b, struct egalite_ratio r)
{
	if (r.den == 0) {
		buf_puts(b, "–");
		return;
	}
	long long t = (2000 * r.num + r.den) / (2 * r.den);   /* tenths of a percent, half up */
	buf_printf(b, "%lld,%lld\u00a0%%", t / 10, t % 10);
}

void eg_fmt_age(buf *b, struct egalite_ratio r)
{
	if (r.den == 0) {
		buf_puts(b, "–");
		return;
	}
	long long h = egalite_round_half(r);
	buf_printf(b, h % 2 ? "%lld,5" : "%lld", h / 2);
}

static char *dup(struct eg_view *v, const char *s)
{
	return arena_strdup(v->arena, s ? s : "");
}

static struct eg_section *section(struct eg_view *v, const char *sheet, const char *title, const char *intro)
{
	struct eg_section *s = &v->s[v->n++];
	memset(s, 0, sizeof *s);
	s->title = dup(v, title);
	s->sheet = dup(v, sheet);
	s->intro = intro ? dup(v, intro) : NULL;
	s->tables = arena_alloc(v->arena, MAX_TABLES * sizeof *s->tables);
	s->charts = arena_alloc(v->arena, MAX_CHARTS * sizeof *s->charts);
	return s;
}

/* A table with n_cols columns (the first holds row labels); heads are the n_cols - 1 others. */
static struct eg_table *table(struct eg_view *v, struct eg_section *s, const char *caption, const char *corner,
			      int n_cols, const char *const *heads)
{
	struct eg_table *t = &s->tables[s->n_tables++];
	memset(t, 0, sizeof *t);
	t->caption = dup(v, caption);
	t->corner = dup(v, corner);
	t->n_cols = n_cols;
	t->head = arena_alloc(v->arena, (size_t)(n_cols - 1) * sizeof(char *));
	for (int i = 0; i < n_cols - 1; i++)
		t->head[i] = dup(v, heads[i]);
	t->row_label = arena_alloc(v->arena, MAX_ROWS * sizeof(char *));
	t->cells = arena_alloc(v->arena, MAX_ROWS * (size_t)(n_cols - 1) * sizeof *t->cells);
	return t;
}

static int row(struct eg_view *v, struct eg_table *t, const char *label)
{
	if (t->n_rows == MAX_ROWS)
		abort();   /* a programming error: the tables' sizes are fixed by this file */
	t->row_label[t->n_rows] = dup(v, label);
	for (int c = 0; c < t->n_cols - 1; c++)
		t->cells[t->n_rows * (t->n_cols - 1) + c] = (struct eg_cell){ EG_NONE, dup(v, "–"), 0 };
	return t->n_rows++;
}

static struct eg_cell *cell(struct eg_table *t, int r, int c)
{
	return &t->cells[r * (t->n_cols - 1) + c];
}

static void set_text(struct eg_view *v, struct eg_table *t, int r, int c, enum eg_cell_kind k, buf *b, double n)
{
	*cell(t, r, c) = (struct eg_cell){ k, dup(v, b->data), n };
	buf_reset(b);
}

static void c_int(struct eg_view *v, struct eg_table *t, int r, int c, long long n)
{
	buf b = BUF_INIT;
	buf_printf(&b, "%lld", n);
	set_text(v, t, r, c, EG_INT, &b, (double)n);
	buf_free(&b);
}

static void c_pct(struct eg_view *v, struct eg_table *t, int r, int c, struct egalite_ratio q)
{
	if (!q.den)
		return;
	buf b = BUF_INIT;
	eg_fmt_pct(&b, q);
	set_text(v, t, r, c, EG_PCT, &b, (double)q.num / (double)q.den);
	buf_free(&b);
}

static void c_age(struct eg_view *v, struct eg_table *t, int r, int c, struct egalite_ratio q)
{
	if (!q.den)
		return;
	buf b = BUF_INIT;
	eg_fmt_age(&b, q);
	set_text(v, t, r, c, EG_AGE, &b, (double)egalite_round_half(q) / 2.0);
	buf_free(&b);
}

static void c_money(struct eg_view *v, struct eg_table *t, int r, int c, long long cents)
{
	buf b = BUF_INIT;
	egalite_money_fr(&b, cents);
	set_text(v, t, r, c, EG_MONEY, &b, (double)cents / 100.0);
	buf_free(&b);
}

/* A count row: F, H, total. */
static void counts_row(struct eg_view *v, struct eg_table *t, const char *label, const int *n)
{
	int r = row(v, t, label);
	for (int s = 0; s <= EG_NSEXE; s++)
		c_int(v, t, r, s, n[s]);
}

static void ages_row(struct eg_view *v, struct eg_table *t, const char *label, const struct egalite_ratio *q)
{
	int r = row(v, t, label);
	for (int s = 0; s <= EG_NSEXE; s++)
		c_age(v, t, r, s, q[s]);
}

static struct eg_chart *chart(struct eg_view *v, struct eg_section *s, enum eg_chart_kind k, const char *title,
			      const char *desc, int n)
{
	struct eg_chart *c = &s->charts[s->n_charts++];
	memset(c, 0, sizeof *c);
	c->kind = k;
	c->table = s->n_tables - 1;
	c->title = dup(v, title);
	c->desc = dup(v, desc);
	c->n = n;
	c->label = arena_alloc(v->arena, (size_t)n * sizeof(char *));
	c->v[0] = arena_alloc(v->arena, (size_t)n * sizeof(double));
	c->v[1] = arena_alloc(v->arena, (size_t)n * sizeof(double));
	return c;
}

/* Bars of a count table's F and H columns (rows except the totals). */
static void chart_of(struct eg_view *v, struct eg_section *s, const struct eg_table *t, const char *title,
		     const char *desc)
{
	int n = t->n_rows - t->total_rows;
	struct eg_chart *c = chart(v, s, EG_BARS, title, desc, n);
	for (int i = 0; i < n; i++) {
		c->label[i] = t->row_label[i];
		c->v[0][i] = t->cells[i * (t->n_cols - 1)].number;
		c->v[1][i] = t->cells[i * (t->n_cols - 1) + 1].number;
	}
}

static const char *const FHT[] = { "Femmes", "Hommes", "Total" };
static const char *const FHE[] = { "Femmes", "Hommes", "Ensemble" };

static void s_effectifs(struct eg_view *v, const struct egalite_report *r, const char *date)
{
	struct eg_section *s = section(v, "Effectifs", "I. Effectifs et taux de féminisation", NULL);
	char cap[120];
	snprintf(cap, sizeof cap, "Effectifs au %s", date);
	struct eg_table *t = table(v, s, cap, "Effectifs globaux", 4, FHT);
	for (int st = 0; st < EG_NSTATUT; st++)
		if (st <= EG_CONTRACTUEL_NON_PERMANENT || r->effectifs[st][EG_NSEXE])
			counts_row(v, t, egalite_statut_label(st), r->effectifs[st]);
	counts_row(v, t, "Total effectif", r->total);
	t->total_rows = 1;
	t = table(v, s, "Effectifs permanents", "Effectifs permanents", 4, FHT);
	counts_row(v, t, egalite_statut_label(EG_FONCTIONNAIRE), r->effectifs[EG_FONCTIONNAIRE]);
	counts_row(v, t, egalite_statut_label(EG_CONTRACTUEL_PERMANENT), r->effectifs[EG_CONTRACTUEL_PERMANENT]);
	counts_row(v, t, "Total effectif", r->permanents);
	t->total_rows = 1;
	chart_of(v, s, t, "Répartition des emplois permanents", "Effectifs permanents par statut, femmes et hommes.");
	static const char *const h[] = { "Femmes", "Effectif permanent", "Taux" };
	t = table(v, s, "Taux de féminisation des emplois permanents", "Emplois permanents", 4, h);
	int k = row(v, t, "Part des femmes");
	c_int(v, t, k, 0, r->permanents[EG_F]);
	c_int(v, t, k, 1, r->permanents[EG_NSEXE]);
	c_pct(v, t, k, 2, r->feminisation);
}

static void s_ages(struct eg_view *v, const struct egalite_report *r)
{
	struct eg_section *s = section(v, "Âges", "II. Âges moyens des femmes et des hommes", NULL);
	struct eg_table *t = table(v, s, "Âge moyen par statut (arrondi à 0,5 près)", "Effectifs globaux", 4, FHE);
	for (int st = 0; st < EG_NSTATUT; st++)
		if (st <= EG_CONTRACTUEL_NON_PERMANENT || r->effectifs[st][EG_NSEXE])
			ages_row(v, t, egalite_statut_label(st), r->age_statut[st]);
	ages_row(v, t, "Emplois permanents", r->age_permanents);
	ages_row(v, t, "Ensemble", r->age_ensemble);
	t->total_rows = 2;
	t->note = dup(v, "Ensemble : moyenne sur tous les agents de la ligne ou de la colonne (pondérée), non la "
			 "moyenne des moyennes.");
	t = table(v, s, "Pyramide des âges — effectifs globaux", "Tranche d'âge", 4, FHT);
	for (int b = 0; b < EG_NBANDS; b++)
		counts_row(v, t, band_label[b], r->pyramide[b]);
	counts_row(v, t, "Total", r->total);
	t->total_rows = 1;
	struct eg_chart *c = chart(v, s, EG_PYRAMID, "Pyramide des âges — effectifs globaux",
				   "Nombre de femmes (à gauche) et d'hommes (à droite) par tranche d'âge de 10 ans.",
				   EG_NBANDS);
	for (int b = 0; b < EG_NBANDS; b++) {
		c->label[b] = dup(v, band_label[b]);
		c->v[0][b] = r->pyramide[b][EG_F];
		c->v[1][b] = r->pyramide[b][EG_H];
	}
	t = table(v, s, "Âge moyen par catégorie hiérarchique (arrondi à 0,5 près)", "Effectifs permanents", 4, FHE);
	for (int k = 0; k < EG_NCAT; k++)
		if (k != EG_CAT_NONE || r->categorie[k][EG_NSEXE])
			ages_row(v, t, egalite_categorie_label(k), r->age_categorie[k]);
	ages_row(v, t, "Ensemble", r->age_permanents);
	t->total_rows = 1;
}

static void s_filieres(struct eg_view *v, const struct egalite_report *r)
{
	struct eg_section *s = section(v, "Filières", "III. Répartition des femmes et des hommes par filière", NULL);
	struct eg_table *t = table(v, s, "Effectifs permanents par filière", "Effectifs permanents", 4, FHE);
	for (int f = 0; f < EG_NFILIERE; f++)
		if (r->filiere[f][EG_NSEXE])
			counts_row(v, t, egalite_filiere_label(f), r->filiere[f]);
	counts_row(v, t, "Ensemble", r->permanents);
	t->total_rows = 1;
	chart_of(v, s, t, "Répartition par filière", "Effectifs permanents par filière, femmes et hommes.");
}

static void s_categories(struct eg_view *v, const struct egalite_report *r)
{
	struct eg_section *s = section(v, "Catégories", "IV. Catégories hiérarchiques et encadrement", NULL);
	struct eg_table *t = table(v, s, "Répartition par catégorie hiérarchique", "Effectifs permanents", 4, FHE);
	for (int k = 0; k < EG_NCAT; k++)
		if (k != EG_CAT_NONE || r->categorie[k][EG_NSEXE])
			counts_row(v, t, egalite_categorie_label(k), r->categorie[k]);
	counts_row(v, t, "Ensemble", r->permanents);
	t->total_rows = 1;
	chart_of(v, s, t, "Répartition par catégorie", "Effectifs permanents par catégorie, femmes et hommes.");
	t = table(v, s, "Postes avec encadrement", "Effectifs globaux", 4, FHT);
	counts_row(v, t, "Nombre d'encadrants", r->encadrants_total);
	for (int k = 0; k < EG_NCAT; k++) {
		char l[64];
		snprintf(l, sizeof l, "dont catégorie %s", egalite_categorie_label(k));
		if (k != EG_CAT_NONE)
			counts_row(v, t, l, r->encadrants[k]);
		else if (r->encadrants[k][EG_NSEXE])
			counts_row(v, t, "dont hors catégorie", r->encadrants[k]);
	}
	int k = row(v, t, "Part des encadrants");
	for (int sx = 0; sx <= EG_NSEXE; sx++)
		c_pct(v, t, k, sx, r->part_encadrants[sx]);
	t->note = dup(v, "Part des encadrants : encadrants / effectif global de chaque sexe.");
}

static void s_temps(struct eg_view *v, const struct egalite_report *r)
{
	struct eg_section *s = section(v, "Temps de travail", "V. Temps de travail", NULL);
	struct eg_table *t = table(v, s, "Répartition selon le temps de travail", "Effectifs globaux", 4, FHE);
	for (int k = 0; k < EG_NTEMPS; k++)
		counts_row(v, t, egalite_temps_label(k), r->temps[k]);
	counts_row(v, t, "Total", r->total);
	t->total_rows = 1;
	chart_of(v, s, t, "Temps de travail", "Effectifs globaux par temps de travail, femmes et hommes.");
	int k = row(v, t, "Part du temps partiel");
	for (int sx = 0; sx <= EG_NSEXE; sx++)
		c_pct(v, t, k, sx, r->part_partiel[sx]);
	t->total_rows = 2;
	t = table(v, s, "Quotité des agents à temps partiel", "Emplois permanents", 4, FHE);
	for (int b = 0; b < EG_NQUOT; b++)
		counts_row(v, t, quot_label[b], r->quotite_partiel[b]);
}

static void pay_table(struct eg_view *v, struct eg_section *s, const struct egalite_pay *p, int apart)
{
	static const char *const h[] = { "Femmes", "Hommes", "Ensemble", "Écart F − H" };
	char cap[300];
	if (p->etablissement)
		snprintf(cap, sizeof cap, "%.200s (présenté à part)", p->etablissement);
	else
		snprintf(cap, sizeof cap, "Rémunération mensuelle brute moyenne%s", apart ? " — hors établissements présentés à part" : "");
	struct eg_table *t = table(v, s, cap, "Catégorie", 5, h);
	for (int c = 0; c <= EG_NPAYCAT; c++) {
		if (c < EG_NPAYCAT && !p->mean[c][EG_NSEXE].den)
			continue;
		int k = row(v, t, c == EG_NPAYCAT ? "Ensemble" : egalite_categorie_label(c));
		for (int sx = 0; sx <= EG_NSEXE; sx++)
			if (p->mean[c][sx].den)
				c_money(v, t, k, sx, egalite_round_cents(p->mean[c][sx]));
		if (p->mean[c][EG_F].den && p->mean[c][EG_H].den)
			c_money(v, t, k, 3, egalite_round_cents(p->mean[c][EG_F]) - egalite_round_cents(p->mean[c][EG_H]));
	}
	t->total_rows = 1;
	struct eg_chart *ch = chart(v, s, EG_BARS, cap, "Rémunération mensuelle brute moyenne par catégorie, "
				    "femmes et hommes, en euros.", t->n_rows - 1);
	ch->money = 1;
	for (int i = 0; i < ch->n; i++) {
		ch->label[i] = t->row_label[i];
		ch->v[0][i] = cell(t, i, 0)->number;
		ch->v[1][i] = cell(t, i, 1)->number;
	}
}

static void s_pay(struct eg_view *v, const struct egalite_report *r)
{
	struct eg_section *s = section(v, "Rémunérations", "VI. Analyse des rémunérations",
				       "Traitements bruts (avant prélèvement à la source), emplois permanents et non "
				       "permanents, temps plein ou non : moyenne mensuelle sur l'année.");
	pay_table(v, s, &r->pay[0], r->n_pay > 1);
	s->tables[0].note = dup(v, "Moyenne = somme des rémunérations brutes / somme des mois rémunérés. Écart "
				   "négatif : en défaveur des femmes. Ensemble : moyenne sur tous les agents (pondérée).");
	for (int i = 1; i < r->n_pay; i++)
		pay_table(v, s, &r->pay[i], 0);
}

/* A figure of the comparison; delta: a change, signed (+ or U+2212), shares in points. */
static void fmt_figure(buf *b, enum eg_cell_kind k, double x, int delta)
{
	if (delta)
		buf_puts(b, x > 0 ? "+" : x < 0 ? "−" : "");
	double a = delta ? fabs(x) : x;
	if (k == EG_MONEY) {
		egalite_money_fr(b, llround(a));
		return;
	}
	char t[32];
	if (k == EG_INT)
		snprintf(t, sizeof t, "%.0f", a);
	else
		snprintf(t, sizeof t, "%.1f", k == EG_PCT ? a * 100 : a);
	for (char *p = t; *p; p++)
		*p = *p == '.' ? ',' : *p;
	buf_puts(b, t);
	if (k == EG_PCT)
		buf_puts(b, delta ? "\u00a0pt" : "\u00a0%");
	else if (k == EG_AGE)
		buf_printf(b, "\u00a0an%s", a >= 2 ? "s" : "");
}

static int s_compare(struct eg_view *v, const struct egalite_report *r, const char *prev_json, struct err *e)
{
	buf j = BUF_INIT;
	if (egalite_json(r, prev_json, &j, e) < 0) {
		buf_free(&j);
		return -1;
	}
	json_t *root = json_loads(j.data, 0, NULL), *cmp = json_object_get(root, "comparaison");
	buf_free(&j);
	char title[120];
	struct egalite_date pd = { 0, 0, 0 };
	egalite_date_parse(json_string_value(json_object_get(cmp, "date_precedente")), &pd);
	snprintf(title, sizeof title, "VII. Comparaison avec le diagnostic au %02d/%02d/%04d", pd.d, pd.m, pd.y);
	struct eg_section *s = section(v, "Comparaison", title, NULL);
	static const char *const h[] = { "Précédent", "Actuel", "Évolution" };
	struct eg_table *t = table(v, s, "Évolution des principaux indicateurs", "Indicateur", 4, h);
	json_t *it;
	size_t i;
	buf b = BUF_INIT;
	json_array_foreach(json_object_get(cmp, "indicateurs"), i, it) {
		const struct eg_compare_row *c = &eg_compare_rows[i];
		int k = row(v, t, c->label);
		static const char *const col[] = { "precedent", "actuel", "evolution" };
		for (int n = 0; n < 3; n++) {
			json_t *x = json_object_get(it, col[n]);
			if (json_is_null(x) || !x)
				continue;
			fmt_figure(&b, c->kind, json_number_value(x), n == 2);
			set_text(v, t, k, n, n == 2 && c->kind == EG_PCT ? EG_TEXT : c->kind, &b,
				 c->kind == EG_MONEY ? json_number_value(x) / 100.0 : json_number_value(x));
		}
	}
	buf_free(&b);
	t->note = dup(v, "Évolution des parts en points de pourcentage ; âges moyens exacts (non arrondis).");
	json_decref(root);
	return 0;
}

struct eg_view *eg_view_build(const struct egalite_report *r, const char *prev_json, struct err *e)
{
	struct eg_view *v = xcalloc(1, sizeof *v);
	v->arena = arena_new();
	v->s = arena_alloc(v->arena, MAX_SECTIONS * sizeof *v->s);
	char date[16];
	snprintf(date, sizeof date, "%02d/%02d/%04d", r->date.d, r->date.m, r->date.y);
	v->title = dup(v, "Égalité professionnelle entre les femmes et les hommes");
	v->subtitle = arena_printf(v->arena, "Diagnostic de la situation comparée%s%s — données au %s",
				   *r->titre ? " — " : "", r->titre, date);
	s_effectifs(v, r, date);
	s_ages(v, r);
	s_filieres(v, r);
	s_categories(v, r);
	s_temps(v, r);
	s_pay(v, r);
	if (prev_json && s_compare(v, r, prev_json, e) < 0) {
		eg_view_free(v);
		return NULL;
	}
	v->n_method = eg_n_method;
	v->method = arena_alloc(v->arena, (size_t)eg_n_method * sizeof(char *));
	for (int i = 0; i < eg_n_method; i++)
		v->method[i] = dup(v, eg_method[i].text);
	return v;
}

void eg_view_free(struct eg_view *v)
{
	if (!v)
		return;
	arena_free(v->arena);
	free(v);
}
