/* field: the rules a row must follow — closed lists, real dates, amounts with ',' or '.' decimals,
 * and the consistency checks between columns. Every problem of a row is reported, not just the first. */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "egalite/egalite_priv.h"

#define AGE_MIN 14
#define AGE_MAX 80
/* 10 million euros a year: far above any salary, and keeps sums of cents well inside 64 bits. */
#define MAX_PAY 1000000000LL

char *eg_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Index of s in the tokens of a closed list (case-insensitive), -1 when absent. */
static int lookup(const char *s, const char *(*token)(int), int n)
{
	for (int i = 0; i < n; i++)
		if (strcasecmp(s, token(i)) == 0)
			return i;
	return -1;
}

static const char *tok_statut(int i) { return egalite_statut_token((enum egalite_statut)i); }
static const char *tok_cat(int i) { return egalite_categorie_token((enum egalite_categorie)i); }
static const char *tok_filiere(int i) { return egalite_filiere_token((enum egalite_filiere)i); }
static const char *tok_temps(int i) { return egalite_temps_token((enum egalite_temps)i); }
static const char *tok_sexe(int i) { return i == 0 ? "F" : "H"; }
static const char *tok_oui(int i) { return i == 0 ? "non" : "oui"; }

static void unknown(struct egalite_issues *is, long line, const char *col, const char *v,
		    const char *(*token)(int), int n)
{
	buf b = BUF_INIT;
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", *token(i) ? token(i) : "(vide)");
	if (*v)
		eg_issue(is, line, "%s : valeur « %.40s » inconnue (valeurs admises : %s)", col, v, b.data);
	else
		eg_issue(is, line, "%s : valeur vide (valeurs admises : %s)", col, b.data);
	buf_free(&b);
}

/* Decimal with ',' or '.' and at most 2 decimals, in hundredths; groups of thousands may be separated
 * by spaces (ASCII, no-break, narrow no-break) when allow_groups. Returns 0 or -1. */
static int parse_hundredths(const char *s, int allow_groups, long long *out)
{
	long long v = 0;
	int digits = 0, decimals = -1;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (decimals >= 0 && ++decimals > 2)
				return -1;
			if (decimals < 0 && ++digits > 12)
				return -1;
			v = v * 10 + (*p - '0');
		} else if ((*p == ',' || *p == '.') && decimals < 0 && digits > 0) {
			decimals = 0;
		} else if (allow_groups && decimals < 0 && digits > 0 && *p == ' ') {
			continue;
		} else if (allow_groups && decimals < 0 && digits > 0 && strncmp(p, "\xC2\xA0", 2) == 0) {
			p += 1;
		} else if (allow_groups && decimals < 0 && digits > 0 && strncmp(p, "\xE2\x80\xAF", 3) == 0) {
			p += 2;
		} else {
			return -1;
		}
	}
	if (digits == 0 || decimals == 0)
		return -1;
	for (int d = decimals < 0 ? 0 : decimals; d < 2; d++)
		v *= 10;
	*out = v;
	return 0;
}

static int parse_date_field(const char *v, long line, const struct egalite_date *ref, struct egalite_date *out,
			    struct egalite_issues *is)
{
	if (strlen(v) != 10 || v[4] != '-' || v[7] != '-' ||
	    strspn(v, "0123456789-") != 10) {
		eg_issue(is, line, "date_naissance « %.40s » illisible (format attendu AAAA-MM-JJ)", v);
		return -1;
	}
	if (egalite_date_parse(v, out) < 0) {
		eg_issue(is, line, "date_naissance « %s » impossible : ce jour n'existe pas", v);
		return -1;
	}
	int age = egalite_age(out, ref);
	if (age < 0) {
		eg_issue(is, line, "date_naissance « %s » impossible : postérieure à la date du diagnostic "
			 "(%04d-%02d-%02d)", v, ref->y, ref->m, ref->d);
		return -1;
	}
	if (age < AGE_MIN || age > AGE_MAX) {
		eg_issue(is, line, "date_naissance « %s » invraisemblable : %d ans à la date du diagnostic "
			 "(admis : %d à %d ans)", v, age, AGE_MIN, AGE_MAX);
		return -1;
	}
	return 0;
}

/* Closed-list field: fills *out or reports. */
static int closed(const char *v, long line, const char *col, const char *(*token)(int), int n, int *out,
		  struct egalite_issues *is)
{
	*out = lookup(v, token, n);
	if (*out < 0) {
		unknown(is, line, col, v, token, n);
		return -1;
	}
	return 0;
}

static int parse_numbers(const char *const f[EG_NCOL], long line, struct egalite_agent *ag,
			 struct egalite_issues *is)
{
	int bad = 0;
	long long q;
	if (parse_hundredths(f[EG_COL_QUOTITE], 0, &q) < 0 || q <= 0 || q > 10000) {
		eg_issue(is, line, "quotite « %.40s » invalide (pourcentage au-dessus de 0 et au plus 100, ex. 80 ou 57,14)",
			 f[EG_COL_QUOTITE]);
		bad = 1;
	}
	ag->quotite = (int)q;
	if (parse_hundredths(f[EG_COL_REMUNERATION], 1, &ag->remuneration) < 0) {
		eg_issue(is, line, "remuneration_brute_annuelle « %.40s » invalide (euros, décimales avec « , » ou "
			 "« . », ex. 34 074,72)", f[EG_COL_REMUNERATION]);
		bad = 1;
	} else if (ag->remuneration > MAX_PAY) {
		eg_issue(is, line, "remuneration_brute_annuelle « %.40s » invraisemblable (plus de 10 millions d'euros)",
			 f[EG_COL_REMUNERATION]);
		bad = 1;
	}
	const char *m = f[EG_COL_MOIS];
	if (!*m || strlen(m) > 2 || strspn(m, "0123456789") != strlen(m) || atoi(m) > 12) {
		eg_issue(is, line, "mois_remuneres « %.40s » invalide (nombre de 0 à 12)", m);
		bad = 1;
	}
	ag->mois = atoi(m);
	return bad ? -1 : 0;
}

/* Rules between columns, once each column is valid on its own. */
static int coherence(const struct egalite_agent *ag, long line, struct egalite_issues *is)
{
	int bad = 0;
	if (ag->temps == EG_COMPLET && ag->quotite != 10000) {
		eg_issue(is, line, "temps_travail « complet » avec une quotite de %d,%02d %% (attendu : 100)",
			 ag->quotite / 100, ag->quotite % 100);
		bad = 1;
	}
	if (ag->temps != EG_COMPLET && ag->quotite == 10000) {
		eg_issue(is, line, "temps_travail « %s » avec une quotite de 100 %% (attendu : moins de 100)",
			 egalite_temps_token(ag->temps));
		bad = 1;
	}
	if (ag->mois == 0 && ag->remuneration != 0) {
		eg_issue(is, line, "remuneration_brute_annuelle non nulle pour 0 mois rémunéré");
		bad = 1;
	}
	if (ag->mois > 0 && ag->remuneration == 0) {
		eg_issue(is, line, "remuneration_brute_annuelle nulle pour %d mois rémunéré(s)", ag->mois);
		bad = 1;
	}
	if (ag->statut == EG_FONCTIONNAIRE && ag->categorie == EG_CAT_NONE) {
		eg_issue(is, line, "categorie vide pour un fonctionnaire (A, B ou C attendu)");
		bad = 1;
	}
	return bad ? -1 : 0;
}

int eg_agent_from_fields(const char *const f[EG_NCOL], long line, const struct egalite_date *ref,
			 struct egalite_agent *ag, struct egalite_issues *is)
{
	memset(ag, 0, sizeof *ag);
	ag->line = line;
	int bad = 0, v;
	size_t mlen = strlen(f[EG_COL_MATRICULE]);
	if (mlen == 0 || mlen > 64) {
		eg_issue(is, line, "matricule %s", mlen ? "trop long (64 caractères au plus)" : "vide");
		bad = 1;
	}
	bad |= closed(f[EG_COL_SEXE], line, "sexe", tok_sexe, EG_NSEXE, &v, is) < 0;
	ag->sexe = (enum egalite_sexe)v;
	bad |= parse_date_field(f[EG_COL_NAISSANCE], line, ref, &ag->naissance, is) < 0;
	bad |= closed(f[EG_COL_STATUT], line, "statut", tok_statut, EG_NSTATUT, &v, is) < 0;
	ag->statut = (enum egalite_statut)v;
	bad |= closed(f[EG_COL_CATEGORIE], line, "categorie", tok_cat, EG_NCAT, &v, is) < 0;
	ag->categorie = (enum egalite_categorie)v;
	bad |= closed(f[EG_COL_FILIERE], line, "filiere", tok_filiere, EG_NFILIERE, &v, is) < 0;
	ag->filiere = (enum egalite_filiere)v;
	bad |= closed(f[EG_COL_ENCADRANT], line, "encadrant", tok_oui, 2, &ag->encadrant, is) < 0;
	bad |= closed(f[EG_COL_TEMPS], line, "temps_travail", tok_temps, EG_NTEMPS, &v, is) < 0;
	ag->temps = (enum egalite_temps)v;
	bad |= parse_numbers(f, line, ag, is) < 0;
	if (strlen(f[EG_COL_ETABLISSEMENT]) > 200) {
		eg_issue(is, line, "etablissement trop long (200 caractères au plus)");
		bad = 1;
	}
	if (bad || coherence(ag, line, is) < 0)
		return -1;
	ag->matricule = xstrdup(f[EG_COL_MATRICULE]);
	ag->etablissement = xstrdup(f[EG_COL_ETABLISSEMENT]);
	return 0;
}

/* ---- matricule set (FNV-1a, linear probing, grows at half full) ---- */

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void seen_put(struct eg_seen *s, char *key, long line)
{
	size_t i = hash(key) & (s->cap - 1);
	while (s->key[i])
		i = (i + 1) & (s->cap - 1);
	s->key[i] = key;
	s->line[i] = line;
	s->n++;
}

long eg_seen_add(struct eg_seen *s, const char *key, long line)
{
	if (2 * (s->n + 1) > s->cap) {
		struct eg_seen g = { xcalloc(s->cap ? 2 * s->cap : 256, sizeof(char *)), NULL, 0,
				     s->cap ? 2 * s->cap : 256 };
		g.line = xcalloc(g.cap, sizeof(long));
		for (size_t i = 0; i < s->cap; i++)
			if (s->key[i])
				seen_put(&g, s->key[i], s->line[i]);
		free(s->key);
		free(s->line);
		*s = g;
	}
	for (size_t i = hash(key) & (s->cap - 1); s->key[i]; i = (i + 1) & (s->cap - 1))
		if (strcmp(s->key[i], key) == 0)
			return s->line[i];
	seen_put(s, xstrdup(key), line);
	return 0;
}

void eg_seen_free(struct eg_seen *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->key[i]);
	free(s->key);
	free(s->line);
	memset(s, 0, sizeof *s);
}
