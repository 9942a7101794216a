/* actes_model: the static tables of the @ctes protocol (natures, file types, collectivité natures)
 * and the field rules every act passes before anything is built or sent. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "actes/actes.h"

static const struct actes_nature natures[] = {
	{ 1, "DE", "Délibérations" },
	{ 2, "AR", "Actes réglementaires" },
	{ 3, "AI", "Actes individuels" },
	{ 4, "CC", "Contrats, conventions et avenants" },
	{ 5, "BF", "Documents budgétaires et financiers" },
	{ 6, "AU", "Autres" },
};
#define N_NATURES (sizeof natures / sizeof natures[0])

const struct actes_nature *actes_nature_get(int code)
{
	for (size_t i = 0; i < N_NATURES; i++)
		if (natures[i].code == code)
			return &natures[i];
	return NULL;
}

const struct actes_nature *actes_nature_by_abbr(const char *abbr)
{
	for (size_t i = 0; abbr && i < N_NATURES; i++)
		if (strcmp(natures[i].abbr, abbr) == 0)
			return &natures[i];
	return NULL;
}

const struct actes_nature *actes_nature_at(size_t i)
{
	return i < N_NATURES ? &natures[i] : NULL;
}

/* The file types S2LOW maps from the sniffed MIME type (ActesTransaction::addFile). */
static const struct {
	enum actes_file_kind kind;
	const char *ext, *label;
} file_kinds[] = {
	{ ACTES_FILE_PDF, "pdf", "PDF" },
	{ ACTES_FILE_XML, "xml", "XML" },
	{ ACTES_FILE_JPEG, "jpg", "JPEG" },
	{ ACTES_FILE_PNG, "png", "PNG" },
};

enum actes_file_kind actes_file_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;
	if (!p)
		return ACTES_FILE_OTHER;
	if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
		return ACTES_FILE_PDF;
	if (len >= 3 && memcmp(p, "\xff\xd8\xff", 3) == 0)
		return ACTES_FILE_JPEG;
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return ACTES_FILE_PNG;
	size_t i = 0;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i + 1 < len && p[i] == '<' && (p[i + 1] == '?' || p[i + 1] == '!' || isalpha(p[i + 1])))
		return ACTES_FILE_XML;
	return ACTES_FILE_OTHER;
}

const char *actes_file_ext(enum actes_file_kind k)
{
	for (size_t i = 0; i < sizeof file_kinds / sizeof file_kinds[0]; i++)
		if (file_kinds[i].kind == k)
			return file_kinds[i].ext;
	return NULL;
}

const char *actes_file_label(enum actes_file_kind k)
{
	for (size_t i = 0; i < sizeof file_kinds / sizeof file_kinds[0]; i++)
		if (file_kinds[i].kind == k)
			return file_kinds[i].label;
	return "inconnu";
}

/* IDCL/@actes:Nature: the ministry's collectivité types (S2LOW db/init_data.sql, authority_types). */
static const struct {
	const char *code, *label;
} collectivites[] = {
	{ "11", "Conseil régional" }, { "12", "Établissements publics locaux d'enseignement (région)" },
	{ "14", "Sociétés d'économie mixte locales (région)" }, { "21", "Conseil général" },
	{ "22", "Établissements publics de santé (département)" },
	{ "23", "Établissements publics locaux d'enseignement (département)" },
	{ "24", "Autres établissements publics (département)" },
	{ "25", "Sociétés d'économie mixte locales (département)" }, { "31", "Commune" },
	{ "32", "Établissements publics de santé (commune)" }, { "33", "Autres établissements publics (commune)" },
	{ "34", "Sociétés d'économie mixte locales (commune)" },
	{ "41", "Syndicats de communes et syndicats mixtes fermés" }, { "42", "Syndicats mixtes ouverts" },
	{ "43", "Syndicats d'agglomération nouvelle" }, { "44", "Communautés de communes" },
	{ "45", "Communautés urbaines" }, { "46", "Communautés d'agglomération" },
	{ "47", "Sociétés d'économie mixte locales (EPCI)" }, { "51", "Service départemental d'incendie et de secours" },
	{ "52", "Entente interdépartementale" }, { "53", "Entente interrégionale" },
	{ "54", "Autres sociétés d'économie mixte locales" }, { "55", "Autres" },
	{ "61", "Association syndicale autorisée" }, { "62", "Association foncière urbaine autorisée" },
	{ "63", "Association foncière de remembrement" }, { "71", "Autre" },
	{ "72", "Société publique locale ou société publique locale d'aménagement" },
	{ "73", "Société d'économie mixte locale" },
	{ "74", "Commission syndicale pour la gestion des biens indivis des communes" },
};

const char *actes_nature_collectivite_label(const char *code)
{
	for (size_t i = 0; code && i < sizeof collectivites / sizeof collectivites[0]; i++)
		if (strcmp(collectivites[i].code, code) == 0)
			return collectivites[i].label;
	return NULL;
}

/* ---- field rules ---- */

static int all_in(const char *s, size_t min, size_t max, const char *set)
{
	size_t n = s ? strlen(s) : 0;
	if (n < min || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr(set, s[i]))
			return 0;
	return 1;
}

#define DIGITS "0123456789"
#define UPPER_DIGITS_US "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

int actes_numero_valid(const char *s)
{
	return all_in(s, 1, ACTES_NUMERO_MAX, UPPER_DIGITS_US);
}

int actes_siren_valid(const char *s)
{
	return all_in(s, 9, 9, DIGITS);
}

int actes_departement_valid(const char *s)
{
	/* The XSD writes [0|9][0-9][A|B|0-9]: the bar is a literal in a character class, which no real
	 * département uses; we keep the intent (0xx, 97x, 02A/02B). */
	return s && strlen(s) == 3 && (s[0] == '0' || s[0] == '9') && isdigit((unsigned char)s[1]) &&
	       (isdigit((unsigned char)s[2]) || s[2] == 'A' || s[2] == 'B');
}

int actes_arrondissement_valid(const char *s)
{
	return all_in(s, 1, 1, DIGITS);
}

int actes_type_pj_valid(const char *s)
{
	return all_in(s, 5, 5, UPPER_DIGITS_US);
}

int actes_date_valid(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

/* Decodes one UTF-8 sequence; returns its length or 0 when invalid (overlong, surrogate, > U+10FFFF). */
static size_t utf8_next(const unsigned char *p, unsigned *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
	if (n == 0 || p[0] > 0xf4)
		return 0;
	unsigned c = p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int actes_objet_check(const char *s, struct err *e)
{
	if (!s || !*s)
		return err_set(e, 400, "actes.objet", "l'objet de l'acte est vide");
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned cp;
		size_t n = utf8_next(p, &cp);
		if (n == 0)
			return err_set(e, 400, "actes.objet", "l'objet n'est pas un texte UTF-8 valide");
		if (cp == '\n' || cp == '\r')
			return err_set(e, 400, "actes.objet", "l'objet doit tenir sur une ligne (retour à la ligne trouvé)");
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0xfffe || cp == 0xffff)
			return err_set(e, 400, "actes.objet", "l'objet contient un caractère de contrôle (U+%04X)", cp);
		chars++;
		p += n;
	}
	if (chars > ACTES_OBJET_MAX)
		return err_set(e, 400, "actes.objet", "l'objet fait %zu caractères (%d au plus)", chars, ACTES_OBJET_MAX);
	return 0;
}

void actes_today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ---- report ---- */

void actes_report_add(struct actes_report *r, const char *code, const char *file, const char *fmt, ...)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->items = xrealloc(r->items, r->cap * sizeof *r->items);
	}
	buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	struct actes_issue *is = &r->items[r->n++];
	is->code = xstrdup(code);
	is->file = xstrdup(file ? file : "");
	is->msg = buf_detach(&b);
}

int actes_report_has(const struct actes_report *r, const char *code)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->items[i].code, code) == 0)
			return 1;
	return 0;
}

void actes_report_format(buf *out, const struct actes_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		buf_printf(out, "%s%s[%s] %s\n", r->items[i].file, *r->items[i].file ? ": " : "", r->items[i].code,
			   r->items[i].msg);
}

void actes_report_json(buf *out, const struct actes_report *r)
{
	buf_printf(out, "{\"conforme\":%s,\"violations\":[", r->n ? "false" : "true");
	for (size_t i = 0; i < r->n; i++) {
		buf_puts(out, i ? ",{\"code\":" : "{\"code\":");
		buf_json_str(out, r->items[i].code);
		buf_puts(out, ",\"fichier\":");
		buf_json_str(out, r->items[i].file);
		buf_puts(out, ",\"message\":");
		buf_json_str(out, r->items[i].msg);
		buf_putc(out, '}');
	}
	buf_puts(out, "]}");
}

void actes_report_free(struct actes_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].code);
		free(r->items[i].file);
		free(r->items[i].msg);
	}
	free(r->items);
	memset(r, 0, sizeof *r);
}
