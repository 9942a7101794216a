/* vocab: the CSV's closed lists (token ↔ label), calendar dates and ages, and the exact rounding
 * rules every output shares (half year for ages, cent for money). */
#include <stdio.h>
#include <string.h>

#include "egalite/egalite.h"

struct term {
	const char *token, *label;
};

static const struct term statuts[EG_NSTATUT] = {
	{ "fonctionnaire", "Fonctionnaires" },
	{ "contractuel_permanent", "Contractuels permanents" },
	{ "contractuel_non_permanent", "Contractuels non permanents" },
	{ "apprenti", "Apprentis" },
	{ "autre", "Autres" },
};
static const struct term categories[EG_NCAT] = {
	{ "A", "A" }, { "B", "B" }, { "C", "C" }, { "", "Hors catégorie" },
};
static const struct term filieres[EG_NFILIERE] = {
	{ "administrative", "Administrative" }, { "animation", "Animation" },
	{ "culturelle", "Culturelle" }, { "medico-sociale", "Médico-sociale" },
	{ "technique", "Technique" }, { "sportive", "Sportive" },
	{ "police", "Police municipale" }, { "incendie", "Incendie et secours" },
	{ "autre", "Autre" },
};
static const struct term temps[EG_NTEMPS] = {
	{ "complet", "Temps complet" }, { "non_complet", "Temps non complet" }, { "partiel", "Temps partiel" },
};

const char *egalite_statut_token(enum egalite_statut s) { return statuts[s].token; }
const char *egalite_statut_label(enum egalite_statut s) { return statuts[s].label; }
const char *egalite_categorie_token(enum egalite_categorie c) { return categories[c].token; }
const char *egalite_categorie_label(enum egalite_categorie c) { return categories[c].label; }
const char *egalite_filiere_token(enum egalite_filiere f) { return filieres[f].token; }
const char *egalite_filiere_label(enum egalite_filiere f) { return filieres[f].label; }
const char *egalite_temps_token(enum egalite_temps t) { return temps[t].token; }
const char *egalite_temps_label(enum egalite_temps t) { return temps[t].label; }

int egalite_statut_permanent(enum egalite_statut s)
{
	return s == EG_FONCTIONNAIRE || s == EG_CONTRACTUEL_PERMANENT;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

int egalite_date_parse(const char *s, struct egalite_date *out)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	out->y = y, out->m = m, out->d = d;
	return 0;
}

int egalite_age(const struct egalite_date *b, const struct egalite_date *ref)
{
	int age = ref->y - b->y;
	if (ref->m < b->m || (ref->m == b->m && ref->d < b->d))
		age--;   /* birthday not reached yet (29 February: reached on 1 March of a common year) */
	return age;
}

/* floor((2·num/den) + ½) computed as floor((4·num + den) / (2·den)). */
long long egalite_round_half(struct egalite_ratio r)
{
	return r.den > 0 ? (4 * r.num + r.den) / (2 * r.den) : 0;
}

long long egalite_round_cents(struct egalite_ratio r)
{
	return r.den > 0 ? (2 * r.num + r.den) / (2 * r.den) : 0;
}

void egalite_money_fr(buf *out, long long cents)
{
	unsigned long long v = cents < 0 ? (unsigned long long)-cents : (unsigned long long)cents;
	char digits[32];
	int n = snprintf(digits, sizeof digits, "%llu", v / 100);
	if (cents < 0)
		buf_puts(out, "−");                      /* U+2212 MINUS SIGN */
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf_puts(out, "\u202f");          /* narrow no-break space, as French typography wants */
		buf_putc(out, digits[i]);
	}
	buf_printf(out, ",%02llu\u00a0€", v % 100);
}

int egalite_format_parse(const char *s)
{
	static const char *const names[] = { "json", "html", "pdf", "xlsx" };
	for (int i = 0; s && i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}
