/* actes_cmd: the `opale actes` command — archive, check, message, classification, annulation,
 * reponse — a thin layer over actes.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actes/actes_priv.h"
#include "core/cli.h"

static const char *const with_value[] = { "meta", "acte", "annexe", "classification", "out", "schemas",
					  "id", "date", "type", "fichier", "matiere", "nature", "repeat", NULL };

static int use_schemas(int argc, char **argv)
{
	struct err e = { 0 };
	if (actes_schemas_use(cli_opt(argc, argv, "schemas"), &e) < 0) {
		fprintf(stderr, "opale actes : %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int load_classification(int argc, char **argv, struct actes_classification *c, int *have)
{
	const char *path = cli_opt(argc, argv, "classification");
	*have = 0;
	if (!path)
		return 0;
	struct err e = { 0 };
	if (actes_classification_load(path, c, &e) < 0) {
		fprintf(stderr, "opale actes : %s : %s\n", path, e.msg);
		return -1;
	}
	*have = 1;
	return 0;
}

/* opale actes archive --meta META.json --acte FILE [--annexe FILE]… [--classification F] --out DIR */
static int cmd_archive(int argc, char **argv)
{
	const char *meta = cli_opt(argc, argv, "meta"), *acte = cli_opt(argc, argv, "acte");
	const char *out = cli_opt(argc, argv, "out");
	const char *annexes[512];
	int na = cli_opt_all(argc, argv, "annexe", annexes, 512);
	if (!meta || !acte || !out) {
		fprintf(stderr, "usage : opale actes archive --meta META.json --acte FICHIER [--annexe FICHIER]… "
				"[--classification RETOUR_CLASSIFICATION.xml] --out DIR [--json]\n");
		return 2;
	}
	if (use_schemas(argc, argv) < 0)
		return 2;
	struct actes_classification c = { 0 };
	int have_c, rc = 2;
	if (load_classification(argc, argv, &c, &have_c) < 0)
		return 2;
	buf text = BUF_INIT, warn = BUF_INIT, path = BUF_INIT;
	struct actes_acte a = { 0 };
	struct actes_mapped *maps = xcalloc((size_t)na + 1, sizeof *maps);
	struct err e = { 0 };
	struct actes_report r = { 0 };
	if (buf_read_file(&text, meta, 1 << 20) < 0) {
		fprintf(stderr, "opale actes : META illisible : %s\n", meta);
		goto out;
	}
	if (actes_meta_parse(text.data, text.len, &a, &warn, &e) < 0) {
		fprintf(stderr, "opale actes : %s\n", e.msg);
		goto out;
	}
	if (warn.len)
		fprintf(stderr, "%s", warn.data);
	if ((size_t)na != a.n_annexes) {
		actes_report_add(&r, "actes.type_piece", meta, "%d annexe(s) fournie(s) mais %zu type(s) de pièce dans "
				 "type_pieces_annexes", na, a.n_annexes);
		/* keep checking the rest: pad or cut the list to the files given */
		struct actes_piece *p = arena_alloc(a.a, ((size_t)na + 1) * sizeof *p);
		memset(p, 0, ((size_t)na + 1) * sizeof *p);
		for (size_t i = 0; i < (size_t)na && i < a.n_annexes; i++)
			p[i] = a.annexes[i];
		a.annexes = p;
		a.n_annexes = (size_t)na;
	}
	for (int i = 0; i <= na; i++) {
		const char *f = i == 0 ? acte : annexes[i - 1];
		struct actes_piece *p = i == 0 ? &a.acte : &a.annexes[i - 1];
		p->name = f;
		if (actes_map_file(f, &maps[i]) == 0) {
			p->data = maps[i].p;
			p->len = maps[i].len;
		}
	}
	/* --repeat N (benchmarks): N archives in one process, serials sequence, sequence+1… */
	const char *rep_s = cli_opt(argc, argv, "repeat");
	long repeat = rep_s ? strtol(rep_s, NULL, 10) : 1;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < (repeat > 0 ? repeat : 1); i++) {
		buf_reset(&path);
		if (actes_archive_build(&a, have_c ? &c : NULL, out, &path, &r, &e) < 0) {
			if (r.n == 0) {
				fprintf(stderr, "opale actes : %s\n", e.msg);
				goto out;
			}
			break;
		}
		a.sequence = a.sequence % ACTES_SERIAL_MAX + 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (repeat > 1 && r.n == 0)
		fprintf(stderr, "%ld archives en %.3f s\n", repeat,
			(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (r.n) {
		buf rep = BUF_INIT;
		if (cli_flag(argc, argv, "json"))
			actes_report_json(&rep, &r);
		else
			actes_report_format(&rep, &r);
		fprintf(stderr, "%s%s", rep.data ? rep.data : "", cli_flag(argc, argv, "json") ? "\n" : "");
		fprintf(stderr, "%zu violation(s) : archive non produite\n", r.n);
		buf_free(&rep);
		rc = 1;
		goto out;
	}
	printf("%s\n", path.data);
	rc = 0;
out:
	for (int i = 0; i <= na; i++)
		actes_unmap(&maps[i]);
	free(maps);
	actes_report_free(&r);
	actes_acte_free(&a);
	actes_classification_free(&c);
	buf_free(&text);
	buf_free(&warn);
	buf_free(&path);
	return rc;
}

/* opale actes check ARCHIVE… [--classification F] [--json]: every violation named; exit 1 if any. */
static int cmd_check(int argc, char **argv)
{
	const char *files[256];
	int n = cli_positionals(argc, argv, with_value, files, 256);
	if (n == 0) {
		fprintf(stderr, "usage : opale actes check ARCHIVE.tar.gz… [--classification RETOUR_CLASSIFICATION.xml] "
				"[--date AAAA-MM-JJ] [--json]\n");
		return 2;
	}
	if (use_schemas(argc, argv) < 0)
		return 2;
	struct actes_classification c = { 0 };
	int have_c, rc = 0;
	if (load_classification(argc, argv, &c, &have_c) < 0)
		return 2;
	int json = cli_flag(argc, argv, "json");
	for (int i = 0; i < n; i++) {
		struct actes_report r = { 0 };
		struct err e = { 0 };
		if (actes_archive_check(files[i], have_c ? &c : NULL, cli_opt(argc, argv, "date"), &r, &e) < 0) {
			fprintf(stderr, "%s: %s\n", files[i], e.msg);
			rc = 2;
			continue;
		}
		buf out = BUF_INIT;
		if (json) {
			actes_report_json(&out, &r);
			buf_putc(&out, '\n');
		} else {
			for (size_t k = 0; k < r.n; k++)
				buf_printf(&out, "%s: %s%s[%s] %s\n", files[i], r.items[k].file, *r.items[k].file ? ": " : "",
					   r.items[k].code, r.items[k].msg);
			buf_printf(&out, "%s: %s\n", files[i], r.n ? "non conforme" : "conforme");
		}
		fputs(out.data, stdout);
		buf_free(&out);
		if (r.n && rc == 0)
			rc = 1;
		actes_report_free(&r);
	}
	actes_classification_free(&c);
	return rc;
}

int actes_cmd_message(int argc, char **argv);
int actes_cmd_build(int argc, char **argv);

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *usage;
} subs[] = {
	{ "archive", cmd_archive, "archive --meta META.json --acte FICHIER [--annexe FICHIER]… "
				  "[--classification F] --out DIR" },
	{ "check", cmd_check, "check ARCHIVE.tar.gz… [--classification F] [--json]" },
	{ "message", actes_cmd_message, "message FICHIER.xml|ARCHIVE.tar.gz… [--json]" },
	{ "classification", actes_cmd_message, "classification F [--matiere 1.4] [--nature N --type CODE]" },
	{ "annulation", actes_cmd_build, "annulation --id IDACTE [--out FICHIER]" },
	{ "reponse", actes_cmd_build, "reponse --type 2-2|3-3|3-4|4-3|4-4 --id IDACTE --date AAAA-MM-JJ "
				      "--fichier NOM… [--out FICHIER]" },
	{ "demande-classification", actes_cmd_build, "demande-classification [--date AAAA-MM-JJ]" },
};

static int cmd_actes(int argc, char **argv)
{
	if (argc >= 2)
		for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
			if (strcmp(argv[1], subs[i].name) == 0)
				return subs[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "usage :\n");
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		fprintf(stderr, "  opale actes %s\n", subs[i].usage);
	return 2;
}
OPALE_COMMAND(actes, "actes", cmd_actes, "opale actes archive|check|message|classification|annulation|reponse …",
	      "télétransmission @ctes : archive, contrôle, messages de la préfecture");
