/* actes_cmd_msg: `opale actes message|classification|annulation|reponse|demande-classification` —
 * reading what the prefecture sends and writing the collectivité's short messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actes/actes_priv.h"
#include "core/cli.h"

static const char *const with_value[] = { "classification", "schemas", "id", "date", "type", "fichier",
					  "matiere", "nature", "out", NULL };

static int schemas(int argc, char **argv)
{
	struct err e = { 0 };
	if (actes_schemas_use(cli_opt(argc, argv, "schemas"), &e) < 0) {
		fprintf(stderr, "opale actes : %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int show(const char *label, const char *data, size_t len, int json, int *bad)
{
	struct actes_message m;
	struct err e = { 0 };
	enum actes_file_kind k = actes_file_sniff(data, len);
	if (k != ACTES_FILE_XML) {
		if (!json)
			printf("%s : fichier %s (%zu octets)\n", label, actes_file_label(k), len);
		return 0;
	}
	if (actes_message_parse(data, len, &m, &e) < 0) {
		fprintf(stderr, "%s : %s\n", label, e.msg);
		*bad = 1;
		return -1;
	}
	buf out = BUF_INIT;
	if (json) {
		buf_puts(&out, "{\"fichier\":");
		buf_json_str(&out, label);
		buf_puts(&out, ",\"message\":");
		actes_message_json(&out, &m);
		buf_puts(&out, "}\n");
	} else {
		buf_printf(&out, "%s : ", label);
		actes_message_format(&out, &m);
	}
	fputs(out.data, stdout);
	buf_free(&out);
	if (m.schema_shape == 0)
		*bad = 1;
	actes_message_free(&m);
	return 0;
}

/* opale actes message FILE… : XML messages or whole archives from the prefecture; exit 1 when one is
 * unreadable or fits neither shape of the schema. */
static int cmd_message(int argc, char **argv)
{
	const char *files[256];
	int n = cli_positionals(argc, argv, with_value, files, 256);
	if (n == 0) {
		fprintf(stderr, "usage : opale actes message FICHIER.xml|ARCHIVE.tar.gz… [--json]\n");
		return 2;
	}
	if (schemas(argc, argv) < 0)
		return 2;
	int json = cli_flag(argc, argv, "json"), bad = 0;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(files[i]);
		if (l > 7 && strcmp(files[i] + l - 7, ".tar.gz") == 0) {
			struct actes_member *m;
			struct err e = { 0 };
			int nm = actes_targz_read(files[i], 2 * ACTES_ARCHIVE_MAX, &m, &e);
			if (nm < 0) {
				fprintf(stderr, "%s : %s\n", files[i], e.msg);
				bad = 1;
				continue;
			}
			for (int k = 0; k < nm; k++) {
				buf label = BUF_INIT;
				buf_printf(&label, "%s/%s", files[i], m[k].name);
				show(label.data, m[k].data, m[k].len, json, &bad);
				buf_free(&label);
			}
			actes_members_free(m, (size_t)nm);
			continue;
		}
		buf b = BUF_INIT;
		if (buf_read_file(&b, files[i], 64u << 20) < 0) {
			fprintf(stderr, "%s : illisible\n", files[i]);
			bad = 1;
		} else {
			show(files[i], b.data, b.len, json, &bad);
		}
		buf_free(&b);
	}
	return bad ? 1 : 0;
}

/* opale actes classification FILE [--matiere 1.4] [--nature N --type CODE] */
static int cmd_classification(int argc, char **argv)
{
	const char *files[2];
	if (cli_positionals(argc, argv, with_value, files, 2) != 1) {
		fprintf(stderr, "usage : opale actes classification RETOUR_CLASSIFICATION.xml [--matiere 1.4] "
				"[--nature N --type CODE]\n");
		return 2;
	}
	struct actes_classification c;
	struct err e = { 0 };
	if (actes_classification_load(files[0], &c, &e) < 0) {
		fprintf(stderr, "%s : %s\n", files[0], e.msg);
		return 1;
	}
	int rc = 0;
	const char *mat = cli_opt(argc, argv, "matiere"), *nat = cli_opt(argc, argv, "nature");
	const char *type = cli_opt(argc, argv, "type");
	printf("Classification du %s : %zu natures, %zu matières de premier niveau%s\n", c.date, c.n_natures,
	       c.n_matieres, c.has_typology ? "" : " (sans typologie des pièces)");
	if (mat) {
		int path[5];
		int depth = actes_matiere_parse(mat, path);
		if (depth < 0 || actes_classification_check_matiere(&c, path, depth, &e) < 0) {
			printf("matière %s : %s\n", mat, depth < 0 ? "mal formée" : e.msg);
			rc = 1;
		} else {
			buf l = BUF_INIT;
			actes_classification_label(&l, &c, path, depth);
			printf("matière %s : %s\n", mat, l.data);
			buf_free(&l);
		}
	}
	if (nat || type) {
		const struct actes_nature *n = nat ? actes_nature_by_abbr(nat) : NULL;
		int code = n ? n->code : nat ? atoi(nat) : 0;
		if (actes_classification_check_type(&c, code, type, &e) < 0) {
			printf("type %s : %s\n", type ? type : "", e.msg);
			rc = 1;
		} else {
			printf("type %s : admis pour la nature %d\n", type, code);
		}
	}
	if (!mat && !nat && !type)
		for (size_t i = 0; i < c.n_natures; i++) {
			printf("  nature %d %s (%s) :", c.natures[i].code, c.natures[i].abbr ? c.natures[i].abbr : "",
			       c.natures[i].libelle ? c.natures[i].libelle : "");
			for (size_t k = 0; k < c.natures[i].n_types; k++)
				printf(" %s", c.natures[i].types[k].code);
			printf("\n");
		}
	actes_classification_free(&c);
	return rc;
}

int actes_cmd_message(int argc, char **argv);
int actes_cmd_message(int argc, char **argv)
{
	return strcmp(argv[0], "classification") == 0 ? cmd_classification(argc, argv) : cmd_message(argc, argv);
}

static const struct {
	const char *code;
	enum actes_reponse_kind kind;
} rep_codes[] = {
	{ "2-2", ACTES_REP_COURRIER_SIMPLE }, { "3-3", ACTES_REP_REFUS_PIECES }, { "3-4", ACTES_REP_PIECES },
	{ "4-3", ACTES_REP_REJET_OBSERVATIONS }, { "4-4", ACTES_REP_REPONSE_OBSERVATIONS },
};

/* Writes a collectivité message (annulation, reponse, demande-classification) after validating it. */
int actes_cmd_build(int argc, char **argv);
int actes_cmd_build(int argc, char **argv)
{
	const char *id = cli_opt(argc, argv, "id"), *date = cli_opt(argc, argv, "date");
	const char *type = cli_opt(argc, argv, "type"), *outp = cli_opt(argc, argv, "out");
	buf x = BUF_INIT;
	if (strcmp(argv[0], "annulation") == 0 && id) {
		actes_build_annulation_xml(&x, id);
	} else if (strcmp(argv[0], "demande-classification") == 0) {
		actes_build_demande_classification_xml(&x, date);
	} else if (strcmp(argv[0], "reponse") == 0 && id && date && type) {
		const char *files[64];
		int nf = cli_opt_all(argc, argv, "fichier", files, 64);
		size_t i = 0;
		while (i < sizeof rep_codes / sizeof rep_codes[0] && strcmp(rep_codes[i].code, type) != 0)
			i++;
		if (i == sizeof rep_codes / sizeof rep_codes[0] || nf == 0) {
			fprintf(stderr, "opale actes reponse : --type parmi 2-2, 3-3, 3-4, 4-3, 4-4 et au moins un --fichier\n");
			return 2;
		}
		actes_build_reponse_xml(&x, rep_codes[i].kind, id, date, files, (size_t)nf);
	} else {
		fprintf(stderr, "usage : opale actes annulation --id IDACTE | reponse --type 2-2|3-3|3-4|4-3|4-4 --id IDACTE "
				"--date AAAA-MM-JJ --fichier NOM… | demande-classification [--date AAAA-MM-JJ] [--out F]\n");
		return 2;
	}
	if (schemas(argc, argv) < 0) {
		buf_free(&x);
		return 2;
	}
	struct actes_report r = { 0 };
	struct err e = { 0 };
	int rc = 0;
	if (actes_xsd_validate(x.data, x.len, argv[0], &r, 0, &e) < 0) {
		fprintf(stderr, "opale actes : %s\n", e.msg);
		rc = 2;
	} else if (r.n) {
		buf rep = BUF_INIT;
		actes_report_format(&rep, &r);
		fputs(rep.data, stderr);
		buf_free(&rep);
		rc = 1;
	} else if (outp) {
		if (buf_write_file_atomic(&x, outp) < 0) {
			fprintf(stderr, "opale actes : écriture impossible : %s\n", outp);
			rc = 2;
		}
	} else {
		fwrite(x.data, 1, x.len, stdout);
	}
	actes_report_free(&r);
	buf_free(&x);
	return rc;
}
