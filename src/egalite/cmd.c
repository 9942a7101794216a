/* cmd: `opale egalite rapport` — the CSV in, the diagnostic out (json, html, pdf or xlsx); a thin
 * layer over egalite.h. Bad rows go to stderr as « FICHIER:LIGNE: raison » and nothing is computed. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/cli.h"
#include "egalite/egalite.h"

#define USAGE "usage : opale egalite rapport --agents FICHIER.csv --date AAAA-MM-JJ [--a-part ETABLISSEMENT]… " \
	      "[--format json|html|pdf|xlsx] [--out FICHIER] [--previous DIAGNOSTIC.json] [--titre TEXTE]\n"

int egalite_render(const struct egalite_report *r, const char *prev_json, enum egalite_format f, buf *out,
		   struct err *e)
{
	switch (f) {
	case EGALITE_JSON: return egalite_json(r, prev_json, out, e);
	case EGALITE_HTML: return egalite_html(r, prev_json, out, e);
	case EGALITE_PDF: return egalite_pdf(r, prev_json, out, e);
	case EGALITE_XLSX: return egalite_xlsx(r, prev_json, out, e);
	}
	return err_set(e, 400, "egalite.format", "format inconnu");
}

static int fail(const char *msg)
{
	fprintf(stderr, "opale egalite : %s\n", msg);
	return 1;
}

/* Reads the options into o; returns 0 or an exit code. */
static int options(int argc, char **argv, struct egalite_opts *o, const char **agents, int *format,
		   buf *prev)
{
	*agents = cli_opt(argc, argv, "agents");
	const char *date = cli_opt(argc, argv, "date"), *fmt = cli_opt(argc, argv, "format");
	const char *p = cli_opt(argc, argv, "previous");
	if (!*agents || !date) {
		fputs(USAGE, stderr);
		return 2;
	}
	if (egalite_date_parse(date, &o->date) < 0)
		return fail("--date : date invalide (AAAA-MM-JJ attendu, jour existant)");
	*format = egalite_format_parse(fmt ? fmt : "json");
	if (*format < 0)
		return fail("--format : json, html, pdf ou xlsx");
	o->titre = cli_opt(argc, argv, "titre");
	const char *apart[EG_MAX_APART + 1];
	o->n_a_part = cli_opt_all(argc, argv, "a-part", apart, EG_MAX_APART + 1);
	if (o->n_a_part > EG_MAX_APART)
		return fail("trop d'établissements --a-part (8 au plus)");
	memcpy(o->a_part, apart, (size_t)o->n_a_part * sizeof *apart);
	if (p && buf_read_file(prev, p, 16u << 20) < 0) {
		fprintf(stderr, "opale egalite : --previous : lecture de %s impossible\n", p);
		return 1;
	}
	return 0;
}

/* opale egalite rapport … */
static int cmd_rapport(int argc, char **argv)
{
	struct egalite_opts o = { 0 };
	const char *agents;
	int format, rc;
	buf prev = BUF_INIT, out = BUF_INIT;
	struct egalite_agents ag = { 0 };
	struct egalite_issues is = { 0 };
	struct egalite_report *r = NULL;
	struct err e = { 0 };
	if ((rc = options(argc, argv, &o, &agents, &format, &prev)) != 0)
		goto out;
	rc = 1;
	if (egalite_load_file(agents, &o.date, &ag, &is, &e) < 0) {
		for (size_t i = 0; i < is.n; i++)
			fprintf(stderr, "%s:%ld: %s\n", agents, is.v[i].line, is.v[i].msg);
		if (is.total > is.n)
			fprintf(stderr, "%s: … %zu autre(s) problème(s) non affiché(s)\n", agents, is.total - is.n);
		fprintf(stderr, "%s: %s\n", agents, e.msg);
		goto out;
	}
	r = egalite_compute(&ag, &o, &e);
	if (!r || egalite_render(r, prev.len ? prev.data : NULL, format, &out, &e) < 0) {
		fail(e.msg);
		goto out;
	}
	const char *path = cli_opt(argc, argv, "out");
	if (path ? buf_write_file_atomic(&out, path) < 0 : fwrite(out.data, 1, out.len, stdout) != out.len) {
		fprintf(stderr, "opale egalite : écriture de %s impossible\n", path ? path : "la sortie");
		goto out;
	}
	rc = 0;
out:
	egalite_report_free(r);
	egalite_agents_free(&ag);
	egalite_issues_free(&is);
	buf_free(&prev);
	buf_free(&out);
	return rc;
}

static int cmd_egalite(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "rapport") == 0)
		return cmd_rapport(argc - 1, argv + 1);
	fputs(USAGE, stderr);
	return 2;
}

OPALE_COMMAND(egalite, "egalite", cmd_egalite,
	      "egalite rapport --agents FICHIER.csv --date AAAA-MM-JJ [--a-part ETAB]… [--format json|html|pdf|xlsx] "
	      "[--out FICHIER] [--previous DIAG.json] [--titre TEXTE]",
	      "diagnostic de la situation comparée femmes-hommes (égalité professionnelle)");
