/* csv: the HR export, read all or nothing — every bad row is reported with its line and a French
 * reason, and no agent is kept unless the whole file is clean. Field rules live in field.c. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "egalite/egalite_priv.h"

#define MAX_ISSUES 1000
#define MAX_FIELDS 64
#define MAX_FILE (64u << 20)

static const char *const columns[EG_NCOL] = {
	"matricule", "sexe", "date_naissance", "statut", "categorie", "filiere", "encadrant",
	"temps_travail", "quotite", "remuneration_brute_annuelle", "mois_remuneres", "etablissement",
};

void eg_issue(struct egalite_issues *is, long line, const char *fmt, ...)
{
	is->total++;
	if (is->n >= MAX_ISSUES)
		return;
	if (is->n == is->cap) {
		is->cap = is->cap ? 2 * is->cap : 16;
		is->v = xrealloc(is->v, is->cap * sizeof *is->v);
	}
	buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	is->v[is->n].line = line;
	is->v[is->n++].msg = buf_detach(&b);
}

/* Length of the valid UTF-8 sequence at p (1-4), 0 when invalid (overlongs and surrogates too). */
static int utf8_len(const unsigned char *p, const unsigned char *end)
{
	if (p[0] < 0x80)
		return 1;
	int n = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3 : p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : 0;
	if (n == 0 || end - p < n)
		return 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) || (p[0] == 0xF0 && p[1] < 0x90) ||
	    (p[0] == 0xF4 && p[1] > 0x8F))
		return 0;
	return n;
}

/* The first invalid byte's offset in [p, end), -1 when all is UTF-8. */
static long utf8_bad(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p, *e = (const unsigned char *)end;
	while (u < e) {
		int n = utf8_len(u, e);
		if (n == 0)
			return (long)(u - (const unsigned char *)p);
		u += n;
	}
	return -1;
}

/* One record: fields split on ';', double-quoted fields may hold ';', '""' and line breaks.
 * Advances *pos past the record and its line end; counts the physical lines it spans. */
struct record {
	char *field[MAX_FIELDS];
	int n;
	int too_many;
	int bad_quote;
	const char *start, *end;   /* raw bytes of the record (for the encoding check) */
};

static void record_read(const char *data, size_t len, size_t *pos, long *lines, buf *scratch, struct record *r)
{
	size_t i = *pos;
	size_t offs[MAX_FIELDS];
	memset(r, 0, sizeof *r);
	buf_reset(scratch);
	r->start = data + i;
	offs[0] = 0;
	r->n = 1;
	int quoted = 0, was_quoted = 0;
	*lines += 1;
	for (; i < len; i++) {
		char c = data[i];
		if (quoted) {
			if (c == '"' && i + 1 < len && data[i + 1] == '"') {
				buf_putc(scratch, '"');
				i++;
			} else if (c == '"') {
				quoted = 0;
			} else {
				if (c == '\n')
					*lines += 1;
				buf_putc(scratch, c);
			}
			continue;
		}
		if (c == '\n' || (c == '\r' && i + 1 < len && data[i + 1] == '\n'))
			break;
		if (c == '"' && !was_quoted && scratch->len == offs[r->n - 1]) {
			quoted = was_quoted = 1;
		} else if (c == ';') {
			buf_putc(scratch, '\0');
			if (r->n == MAX_FIELDS) {
				r->too_many = 1;
				continue;
			}
			offs[r->n++] = scratch->len;
			was_quoted = 0;
		} else {
			if (was_quoted && c != ' ')
				r->bad_quote = 1;   /* text after a closing quote */
			buf_putc(scratch, c);
		}
	}
	if (quoted)
		r->bad_quote = 1;
	r->end = data + i;
	buf_putc(scratch, '\0');
	for (int k = 0; k < r->n; k++)
		r->field[k] = scratch->data + offs[k];
	if (i < len)
		i += data[i] == '\r' ? 2 : 1;
	*pos = i;
}

static int blank(const struct record *r)
{
	for (const char *p = r->start; p < r->end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return 0;
	return 1;
}

/* Maps the header's names to column positions; any problem is fatal (the rows cannot be read). */
static int header_map(struct record *r, int map[EG_NCOL], struct egalite_issues *is)
{
	int errors = 0;
	for (int c = 0; c < EG_NCOL; c++)
		map[c] = -1;
	for (int k = 0; k < r->n; k++) {
		char *name = eg_trim(r->field[k]);
		int c = 0;
		while (c < EG_NCOL && strcasecmp(name, columns[c]) != 0)
			c++;
		if (c == EG_NCOL) {
			eg_issue(is, 1, "en-tête : colonne « %.60s » inconnue", name);
			errors++;
		} else if (map[c] >= 0) {
			eg_issue(is, 1, "en-tête : colonne « %s » en double", columns[c]);
			errors++;
		} else {
			map[c] = k;
		}
	}
	for (int c = 0; c < EG_NCOL; c++)
		if (map[c] < 0) {
			eg_issue(is, 1, "en-tête : colonne « %s » absente", columns[c]);
			errors++;
		}
	return errors ? -1 : 0;
}

static void agents_push(struct egalite_agents *a, const struct egalite_agent *ag)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n++] = *ag;
}

static void header_columns_text(buf *b)
{
	for (int c = 0; c < EG_NCOL; c++)
		buf_printf(b, "%s%s", c ? ";" : "", columns[c]);
}

int egalite_parse(const char *data, size_t len, const struct egalite_date *ref, struct egalite_agents *out,
		  struct egalite_issues *is, struct err *e)
{
	memset(out, 0, sizeof *out);
	memset(is, 0, sizeof *is);
	size_t pos = 0;
	long lines = 0;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;   /* byte order mark written by spreadsheets */
	buf scratch = BUF_INIT;
	struct record r;
	struct eg_seen seen = { 0 };
	int map[EG_NCOL];
	int rc = -1;
	if (pos >= len) {
		eg_issue(is, 1, "fichier vide : la première ligne doit être l'en-tête");
		goto out;
	}
	record_read(data, len, &pos, &lines, &scratch, &r);
	if (utf8_bad(r.start, r.end) >= 0) {
		eg_issue(is, 1, "en-tête : le fichier n'est pas en UTF-8 (enregistrez-le en « CSV UTF-8 »)");
		goto out;
	}
	if (r.n == 1 && strchr(r.field[0], ',')) {
		buf h = BUF_INIT;
		header_columns_text(&h);
		eg_issue(is, 1, "en-tête : le séparateur doit être « ; » et non « , » (attendu : %s)", h.data);
		buf_free(&h);
		goto out;
	}
	if (header_map(&r, map, is) < 0)
		goto out;
	while (pos < len) {
		long line = lines + 1;
		record_read(data, len, &pos, &lines, &scratch, &r);
		if (blank(&r))
			continue;
		long bad = utf8_bad(r.start, r.end);
		if (bad >= 0) {
			eg_issue(is, line, "caractère non UTF-8 (octet 0x%02X, position %ld) : le fichier doit être "
				 "enregistré en UTF-8", (unsigned char)r.start[bad], bad + 1);
			continue;
		}
		if (r.bad_quote) {
			eg_issue(is, line, "guillemets mal fermés");
			continue;
		}
		if (r.n != EG_NCOL || r.too_many) {
			eg_issue(is, line, "%s%d champs au lieu de %d (séparateur « ; »)", r.too_many ? "plus de " : "",
				 r.n, EG_NCOL);
			continue;
		}
		const char *f[EG_NCOL];
		for (int c = 0; c < EG_NCOL; c++)
			f[c] = eg_trim(r.field[map[c]]);
		struct egalite_agent ag;
		if (eg_agent_from_fields(f, line, ref, &ag, is) < 0)
			continue;
		long first = eg_seen_add(&seen, ag.matricule, line);
		if (first) {
			eg_issue(is, line, "matricule « %s » en double (déjà ligne %ld)", ag.matricule, first);
			free(ag.matricule);
			free(ag.etablissement);
			continue;
		}
		agents_push(out, &ag);
	}
	if (is->total == 0 && out->n == 0)
		eg_issue(is, lines > 1 ? lines : 2, "aucun agent : le fichier ne contient que l'en-tête");
	rc = is->total ? -1 : 0;
out:
	eg_seen_free(&seen);
	buf_free(&scratch);
	if (rc < 0) {
		egalite_agents_free(out);
		err_set(e, 422, "egalite.csv", "fichier refusé : %zu problème(s), rien n'a été importé", is->total);
	}
	return rc;
}

int egalite_load_file(const char *path, const struct egalite_date *ref, struct egalite_agents *out,
		      struct egalite_issues *issues, struct err *e)
{
	memset(out, 0, sizeof *out);
	memset(issues, 0, sizeof *issues);
	buf b = BUF_INIT;
	if (buf_read_file(&b, path, MAX_FILE) < 0) {
		buf_free(&b);
		return err_set(e, 400, "egalite.lecture", "lecture de %s impossible (absent, illisible ou plus de 64 Mo)",
			       path);
	}
	int rc = egalite_parse(b.data ? b.data : "", b.len, ref, out, issues, e);
	buf_free(&b);
	return rc;
}

void egalite_agents_free(struct egalite_agents *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].matricule);
		free(a->v[i].etablissement);
	}
	free(a->v);
	memset(a, 0, sizeof *a);
}

void egalite_issues_free(struct egalite_issues *is)
{
	for (size_t i = 0; i < is->n; i++)
		free(is->v[i].msg);
	free(is->v);
	memset(is, 0, sizeof *is);
}
