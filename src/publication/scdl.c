/* scdl: the SCDL « Délibérations » 2.1.5 CSV writer — columns in the schema's order, RFC 4180
 * quoting, empty field for a missing value — and the identifiers it needs (SIRET, file name,
 * ACTES matière label). The validator lives in scdl_check.c. */
#include "publication/publication.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

const char *const scdl_col_names[SCDL_NCOLS] = {
	"COLL_NOM",        "COLL_SIRET",      "DELIB_ID",      "DELIB_DATE",      "DELIB_MATIERE_CODE",
	"DELIB_MATIERE_NOM", "DELIB_OBJET",   "BUDGET_ANNEE",  "BUDGET_NOM",      "PREF_ID",
	"PREF_DATE",       "VOTE_EFFECTIF",   "VOTE_REEL",     "VOTE_POUR",       "VOTE_CONTRE",
	"VOTE_ABSTENTION", "DELIB_URL",
};

/* ACTES nomenclature, level 1 (codes 1 to 9), as validata-core's nomenclature-actes-value lists
 * the accepted prefixes, in the nomenclature's order (cf. RetourClassification samples). */
static const char *const matiere1[9] = {
	"Commande publique",
	"Urbanisme",
	"Domaine et patrimoine",
	"Fonction publique",
	"Institutions et vie politique",
	"Libertés publiques et pouvoirs de police",
	"Finances locales",
	"Domaines de compétences par thèmes",
	"Autres domaines de compétences",
};

const char *scdl_matiere1_label(int code)
{
	return code >= 1 && code <= 9 ? matiere1[code - 1] : NULL;
}

int scdl_luhn_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int sum = 0;
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[n - 1 - i];
		if (c < '0' || c > '9')
			return 0;
		int d = c - '0';
		if (i % 2) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

int scdl_siret_valid(const char *s)
{
	char siren[10];
	if (!s || strlen(s) != 14 || strspn(s, "0123456789") != 14)
		return 0;
	memcpy(siren, s, 9);
	siren[9] = 0;
	if (!scdl_luhn_valid(siren))
		return 0;
	/* La Poste's establishments (except its head office) are numbered beyond what Luhn allows:
	 * INSEE uses a digit sum divisible by 5 for them (python-stdnum's siret.validate does the same). */
	if (strcmp(siren, "356000000") == 0 && strcmp(s, "35600000000048") != 0) {
		int sum = 0;
		for (int i = 0; i < 14; i++)
			sum += s[i] - '0';
		return sum % 5 == 0;
	}
	return scdl_luhn_valid(s);
}

int scdl_filename(const char *siren, struct date d, char *out, size_t n, struct err *e)
{
	if (!siren || strlen(siren) != 9 || !scdl_luhn_valid(siren))
		return err_set(e, 400, "scdl.siren", "SIREN « %s » invalide : 9 chiffres avec une clé de Luhn valide",
			       siren ? siren : "");
	if (!date_valid(d))
		return err_set(e, 400, "date.invalide", "date de production invalide");
	snprintf(out, n, "%04d%02d%02d_%s_deliberations.csv", d.y, d.m, d.d, siren);
	return 0;
}

/* Lower-cases ASCII and the Latin-1 capitals (À..Þ except ×) and Œ, in UTF-8; turns commas,
 * parentheses and slashes into spaces; collapses and trims spaces. */
static void label_clean(buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int space = 1;   /* at start: drop leading spaces */
	while (*p) {
		unsigned char c = *p;
		if (c == ',' || c == '(' || c == ')' || c == '/' || c == ' ' || c == '\t') {
			if (!space)
				buf_putc(b, ' ');
			space = 1;
			p++;
			continue;
		}
		space = 0;
		if (c >= 'A' && c <= 'Z') {
			buf_putc(b, (char)(c + 32));
			p++;
		} else if (c == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E && p[1] != 0x97) {
			buf_putc(b, (char)0xC3);
			buf_putc(b, (char)(p[1] + 0x20));
			p += 2;
		} else if (c == 0xC5 && p[1] == 0x92) {
			buf_add(b, "\xC5\x93", 2);
			p += 2;
		} else {
			buf_putc(b, (char)c);
			p++;
		}
	}
	while (b->len && b->data[b->len - 1] == ' ')
		b->data[--b->len] = 0;
}

char *scdl_matiere_nom(int code1, const char *libelle2, char *out, size_t n)
{
	buf b = BUF_INIT;
	const char *l1 = scdl_matiere1_label(code1);
	out[0] = 0;
	if (l1) {
		label_clean(&b, l1);
		buf_putc(&b, '/');
		label_clean(&b, libelle2 ? libelle2 : "");
		snprintf(out, n, "%s", b.data);
	}
	buf_free(&b);
	return out;
}

void scdl_row_from(struct scdl_row *r, const struct scdl_deliberation *d)
{
	memset(r, 0, sizeof *r);
	r->v[SCDL_COLL_NOM] = d->coll_nom;
	r->v[SCDL_COLL_SIRET] = d->coll_siret;
	r->v[SCDL_DELIB_ID] = d->delib_id;
	if (date_valid(d->delib_date))
		r->v[SCDL_DELIB_DATE] = date_format(d->delib_date, r->num_[0]);
	if (d->matiere[0] > 0) {
		snprintf(r->num_[1], sizeof r->num_[1], "%d.%d", d->matiere[0], d->matiere[1]);
		r->v[SCDL_DELIB_MATIERE_CODE] = r->num_[1];
	}
	r->v[SCDL_DELIB_MATIERE_NOM] =
		d->matiere_nom ? d->matiere_nom
			       : scdl_matiere_nom(d->matiere[0], d->matiere_libelle2, r->nom_, sizeof r->nom_);
	r->v[SCDL_DELIB_OBJET] = d->objet;
	r->v[SCDL_BUDGET_ANNEE] = d->budget_annee;
	r->v[SCDL_BUDGET_NOM] = d->budget_nom;
	r->v[SCDL_PREF_ID] = d->pref_id;
	if (d->pref_date.y && date_valid(d->pref_date))
		r->v[SCDL_PREF_DATE] = date_format(d->pref_date, r->num_[2]);
	if (d->has_vote) {
		const int v[5] = { d->vote_effectif, d->vote_reel, d->vote_pour, d->vote_contre, d->vote_abstention };
		for (int i = 0; i < 5; i++) {
			snprintf(r->num_[3 + i], sizeof r->num_[3 + i], "%d", v[i]);
			r->v[SCDL_VOTE_EFFECTIF + i] = r->num_[3 + i];
		}
	}
	r->v[SCDL_DELIB_URL] = d->url;
}

static void csv_field(buf *b, const char *s)
{
	if (!s || !*s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

void scdl_csv_header(buf *b)
{
	for (int i = 0; i < SCDL_NCOLS; i++) {
		if (i)
			buf_putc(b, ',');
		buf_puts(b, scdl_col_names[i]);
	}
	buf_puts(b, "\r\n");
}

void scdl_csv_row(buf *b, const struct scdl_row *r)
{
	for (int i = 0; i < SCDL_NCOLS; i++) {
		if (i)
			buf_putc(b, ',');
		csv_field(b, r->v[i]);
	}
	buf_puts(b, "\r\n");
}
