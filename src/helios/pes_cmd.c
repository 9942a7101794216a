/* pes_cmd: the `opale pes` command — check, view, acquit, gen — a thin layer over helios.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cli.h"
#include "helios/helios.h"

static const char *const with_value[] = { "schemas", "idcoll", "idpost", "codcol", "codbud", "exercice",
					  "max", "format", "out", "mb", "max-pieces", "seed", "build", "refuse", "libelle",
					  "date", "bordereaux", "mandats", "premier", "nomfic", NULL };

static int use_schemas(int argc, char **argv)
{
	struct err e = { 0 };
	if (pes_schemas_use(cli_opt(argc, argv, "schemas"), &e) < 0) {
		fprintf(stderr, "opale pes : %s\n", e.msg);
		return -1;
	}
	return 0;
}

/* opale pes check FILE… : one line per finding, a summary per file; exit 1 if any error. */
static int cmd_check(int argc, char **argv)
{
	const char *files[256];
	int n = cli_positionals(argc, argv, with_value, files, 256);
	if (n == 0) {
		fprintf(stderr, "usage : opale pes check FICHIER… [--schemas DIR] [--xsd-only] [--idcoll SIRET] "
				"[--idpost CODIQUE] [--codcol CODE] [--codbud CODE] [--exercice AAAA] [--max N] [--json]\n");
		return 2;
	}
	if (use_schemas(argc, argv) < 0)
		return 2;
	struct pes_check_opts o = { 0 };
	o.xsd_only = cli_flag(argc, argv, "xsd-only");
	o.expect.idcoll = cli_opt(argc, argv, "idcoll");
	o.expect.idpost = cli_opt(argc, argv, "idpost");
	o.expect.codcol = cli_opt(argc, argv, "codcol");
	o.expect.codbud = cli_opt(argc, argv, "codbud");
	const char *ex = cli_opt(argc, argv, "exercice"), *max = cli_opt(argc, argv, "max");
	o.expect.exercice = ex ? atoi(ex) : 0;
	o.max_issues = max ? strtoul(max, NULL, 10) : 0;
	int quiet = cli_flag(argc, argv, "quiet"), json = cli_flag(argc, argv, "json");
	int rc = 0;
	for (int i = 0; i < n; i++) {
		struct pes_report rep;
		struct err e = { 0 };
		if (pes_check_file(files[i], &o, &rep, &e) < 0) {
			fprintf(stderr, "%s: %s\n", files[i], e.msg);
			pes_report_free(&rep);
			rc = 2;
			continue;
		}
		buf out = BUF_INIT;
		if (json) {   /* one JSON object per file, one per line */
			pes_report_json(&out, &rep);
			goto print;
		}
		for (size_t k = 0; k < rep.n_issues; k++)
			pes_issue_format(&out, files[i], &rep.issues[k]);
		if (rep.errors + rep.warnings > rep.n_issues)
			buf_printf(&out, "%s: … %zu autre(s) constat(s) non affiché(s) (--max)\n", files[i],
				   rep.errors + rep.warnings - rep.n_issues);
		if (!quiet) {
			if (rep.errors == 0)
				buf_printf(&out, "%s: %s conforme", files[i], pes_kind_name(rep.kind));
			else
				buf_printf(&out, "%s: %s NON conforme : %zu erreur(s)", files[i], pes_kind_name(rep.kind),
					   rep.errors);
			if (rep.warnings)
				buf_printf(&out, ", %zu avertissement(s)", rep.warnings);
			if (rep.kind == PES_ALLER && !o.xsd_only)
				buf_printf(&out, " — %zu bordereau(x), %zu pièce(s), %zu ligne(s), %zu PJ",
					   rep.bordereaux, rep.pieces, rep.lignes, rep.pjs);
			buf_puts(&out, "\n");
		}
print:
		fwrite(out.data ? out.data : "", 1, out.len, stdout);
		buf_free(&out);
		if (rep.errors && rc == 0)
			rc = 1;
		pes_report_free(&rep);
	}
	return rc;
}

/* opale pes view FILE --format html|pdf [--out F] [--max-pieces N] [--no-check] : the visuel, with the
 * findings of the check on top (unless --no-check). HTML goes to stdout without --out. */
static int cmd_view(int argc, char **argv)
{
	const char *files[2];
	const char *format = cli_opt(argc, argv, "format"), *out = cli_opt(argc, argv, "out");
	const char *maxp = cli_opt(argc, argv, "max-pieces");
	if (!format)
		format = "html";
	int pdf = strcmp(format, "pdf") == 0;
	if (cli_positionals(argc, argv, with_value, files, 2) != 1 || (!pdf && strcmp(format, "html") != 0) ||
	    (pdf && !out)) {
		fprintf(stderr, "usage : opale pes view FICHIER --format html|pdf [--out SORTIE] [--max-pieces N] "
				"[--no-check]  (--out obligatoire en PDF)\n");
		return 2;
	}
	struct err e = { 0 };
	struct pes_report rep = { 0 };
	struct pes_model m;
	int check = !cli_flag(argc, argv, "no-check"), rc = 0;
	if (check) {
		if (use_schemas(argc, argv) < 0)
			return 2;
		if (pes_check_file(files[0], NULL, &rep, &e) < 0)
			goto fail;
	}
	if (pes_model_load(files[0], maxp ? strtoul(maxp, NULL, 10) : 0, &m, &e) < 0) {
		pes_model_free(&m);
		goto fail;
	}
	if (pdf) {
		rc = pes_view_pdf(out, &m, check ? &rep : NULL, &e);
	} else {
		buf b = BUF_INIT;
		pes_view_html_page(&b, &m, check ? &rep : NULL);
		if (out)
			rc = buf_write_file_atomic(&b, out) < 0 ? err_set(&e, 500, "pes.ecriture", "écriture de %s impossible", out) : 0;
		else
			fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
	}
	pes_model_free(&m);
	pes_report_free(&rep);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", files[0], e.msg);
		return 2;
	}
	return 0;
fail:
	fprintf(stderr, "%s: %s\n", files[0], e.msg);
	pes_report_free(&rep);
	return 2;
}

/* opale pes acquit FILE : reads an acquittal (exit 0 if all accepted, 1 otherwise).
 * opale pes acquit --build ALLER [--refuse CODE [--libelle TXT]] [--date AAAA-MM-JJ] [--out F] :
 * the acquittal the test peer answers. */
static int cmd_acquit(int argc, char **argv)
{
	struct err e = { 0 };
	const char *aller = cli_opt(argc, argv, "build"), *out = cli_opt(argc, argv, "out");
	if (aller) {
		if (use_schemas(argc, argv) < 0)
			return 2;
		struct pes_acquit_opts o = { cli_opt(argc, argv, "refuse"), cli_opt(argc, argv, "libelle"),
					     cli_opt(argc, argv, "date") };
		if (o.refuse_code && !o.refuse_libelle)
			o.refuse_libelle = pes_ano_ack_label(o.refuse_code);
		buf b = BUF_INIT;
		int rc = pes_acquit_build(aller, &o, &b, &e);
		if (rc == 0 && out && buf_write_file_atomic(&b, out) < 0)
			rc = err_set(&e, 500, "pes.ecriture", "écriture de %s impossible", out);
		else if (rc == 0 && !out)
			fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
		if (rc < 0)
			fprintf(stderr, "%s: %s\n", aller, e.msg);
		return rc < 0 ? 2 : 0;
	}
	const char *files[2];
	if (cli_positionals(argc, argv, with_value, files, 2) != 1) {
		fprintf(stderr, "usage : opale pes acquit FICHIER [--html] | opale pes acquit --build PES_ALLER [--refuse CODE "
				"[--libelle TEXTE]] [--date AAAA-MM-JJ] [--out SORTIE]\n");
		return 2;
	}
	struct pes_acquit a;
	if (pes_acquit_parse_file(files[0], &a, &e) < 0) {
		fprintf(stderr, "%s: %s\n", files[0], e.msg);
		return 2;
	}
	buf b = BUF_INIT;
	if (cli_flag(argc, argv, "html"))
		pes_acquit_html(&b, &a);
	else
		pes_acquit_format(&b, &a);
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	int rc = a.etat == PES_ACK_ACCEPTE ? 0 : 1;
	pes_acquit_free(&a);
	return rc;
}

/* opale pes retour FILE : what the comptable reports back, in words. */
static int cmd_retour(int argc, char **argv)
{
	const char *files[2];
	const char *aller = cli_opt(argc, argv, "build"), *out = cli_opt(argc, argv, "out");
	if (aller) {
		if (use_schemas(argc, argv) < 0)
			return 2;
		buf x = BUF_INIT;
		struct err e = { 0 };
		const char *slash = strrchr(aller, '/');
		char name[300];
		snprintf(name, sizeof name, "PESRETOUR_%s", slash ? slash + 1 : aller);
		if (pes_retour_build(aller, name, cli_opt(argc, argv, "date"), &x, &e) < 0) {
			fprintf(stderr, "%s: %s\n", aller, e.msg);
			buf_free(&x);
			return 2;
		}
		FILE *f = out ? fopen(out, "wb") : stdout;
		int rc = f && fwrite(x.data, 1, x.len, f) == x.len ? 0 : 2;
		if (out && f && fclose(f) != 0)
			rc = 2;
		buf_free(&x);
		return rc;
	}
	if (cli_positionals(argc, argv, with_value, files, 2) != 1) {
		fprintf(stderr, "usage : opale pes retour FICHIER [--acquit [--date AAAA-MM-JJ] [--out F]] | retour --build PES_ALLER "
				"[--date AAAA-MM-JJ] [--out F]\n");
		return 2;
	}
	struct err e = { 0 };
	struct pes_retour r;
	if (pes_retour_parse_file(files[0], &r, &e) < 0) {
		fprintf(stderr, "%s: %s\n", files[0], e.msg);
		return 2;
	}
	buf b = BUF_INIT;
	if (cli_flag(argc, argv, "acquit")) {   /* the PES_ACQUIT_RETOUR the collectivité sends back */
		int rc = pes_acquit_retour_build(&r, cli_opt(argc, argv, "date"), &b, &e) < 0 ? 2 : 0;
		if (rc)
			fprintf(stderr, "%s: %s\n", files[0], e.msg);
		FILE *f = rc ? NULL : out ? fopen(out, "wb") : stdout;
		if (!rc && (!f || fwrite(b.data, 1, b.len, f) != b.len || (out && fclose(f) != 0)))
			rc = 2;
		buf_free(&b);
		pes_retour_free(&r);
		return rc;
	}
	pes_retour_format(&b, &r);
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	pes_retour_free(&r);
	return 0;
}

/* opale pes gen FILE --mb N [--seed S] : a valid synthetic PES_Aller (benchmarks, tests). */
static int cmd_gen(int argc, char **argv)
{
	const char *files[2];
	const char *mb = cli_opt(argc, argv, "mb"), *seed = cli_opt(argc, argv, "seed"), *nb = cli_opt(argc, argv, "bordereaux");
	if (cli_positionals(argc, argv, with_value, files, 2) != 1 || (!mb && !nb)) {
		fprintf(stderr, "usage : opale pes gen FICHIER --mb N | --bordereaux N [--mandats N] [--premier N] [--seed S] "
				"[--idcoll SIRET --idpost CODIQUE --codcol C --codbud B --libelle L --nomfic NOM --date AAAA-MM-JJ]\n");
		return 2;
	}
	const char *mand = cli_opt(argc, argv, "mandats"), *first = cli_opt(argc, argv, "premier");
	struct pes_gen_opts g = {
		.target = mb ? (unsigned long long)(atof(mb) * 1e6) : 0,
		.bordereaux = nb ? (unsigned)atoi(nb) : 0,
		.mandats = mand ? (unsigned)atoi(mand) : 0,
		.first_bordereau = first ? (unsigned)atoi(first) : 0,
		.seed = seed ? (unsigned)atoi(seed) : 1,
		.idcoll = cli_opt(argc, argv, "idcoll"), .idpost = cli_opt(argc, argv, "idpost"),
		.codcol = cli_opt(argc, argv, "codcol"), .codbud = cli_opt(argc, argv, "codbud"),
		.libelle = cli_opt(argc, argv, "libelle"), .nomfic = cli_opt(argc, argv, "nomfic"), .date = cli_opt(argc, argv, "date"),
	};
	FILE *f = fopen(files[0], "wb");
	if (!f) {
		perror(files[0]);
		return 2;
	}
	struct pes_gen_stats st;
	struct err e = { 0 };
	int rc = pes_gen_write_opts(f, &g, &st, &e);
	if (fclose(f) != 0 && rc == 0)
		rc = err_set(&e, 500, "pes.gen", "écriture impossible");
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", files[0], e.msg);
		return 2;
	}
	printf("%s: %llu octets, %lu bordereau(x), %lu mandat(s), %lu PJ\n", files[0], st.bytes, st.bordereaux,
	       st.pieces, st.pjs);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} subs[] = {
	{ "acquit", cmd_acquit },
	{ "check", cmd_check },
	{ "retour", cmd_retour },
	{ "gen", cmd_gen },
	{ "view", cmd_view },
};

static int cmd_pes(int argc, char **argv)
{
	if (argc >= 2)
		for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
			if (strcmp(argv[1], subs[i].name) == 0)
				return subs[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "usage : opale pes check FICHIER… | view FICHIER --format html|pdf | acquit FICHIER | "
			"acquit --build PES_ALLER | retour FICHIER | gen FICHIER --mb N\n");
	return 2;
}

OPALE_COMMAND(pes, "pes", cmd_pes,
	      "pes check FICHIER… | view FICHIER --format html|pdf [--out F] | acquit FICHIER | acquit --build ALLER | "
	      "retour FICHIER | gen FICHIER --mb N",
	      "PES Hélios : contrôle (schéma DGFiP + règles métier), visuel, acquittements et PES Retour");
