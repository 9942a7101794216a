/* publier_cmd: `opale publication copie` — builds a published copy from a PDF file (the mention lines,
 * optional words and zones to hide), what the server does when an agent publishes; for tests and for
 * checking a document before publishing it. */
#include "publication/publier.h"
#include "core/cli.h"

#include <stdio.h>
#include <string.h>

static const char USAGE[] =
	"usage : opale publication copie ENTREE.pdf SORTIE.pdf --mention TEXTE [--mention TEXTE] [--masquer MOT]…"
	" [--zone PAGE,X,Y,LARGEUR,HAUTEUR]…\n";

static int cmd_copie(int argc, char **argv)
{
	static const char *const with_value[] = { "mention", "masquer", "zone", NULL };
	const char *pos[3], *mentions[4], *words[PUB_MAX_WORDS], *zs[PUB_MAX_ZONES];
	int nm = cli_opt_all(argc, argv, "mention", mentions, 4), nw = cli_opt_all(argc, argv, "masquer", words, PUB_MAX_WORDS),
	    nz = cli_opt_all(argc, argv, "zone", zs, PUB_MAX_ZONES);
	if (cli_positionals(argc, argv, with_value, pos, 3) != 2 || nm < 1) {
		fputs(USAGE, stderr);
		return 2;
	}
	struct pub_zone zones[PUB_MAX_ZONES];
	for (int i = 0; i < nz; i++)
		if (sscanf(zs[i], "%d,%lf,%lf,%lf,%lf", &zones[i].page, &zones[i].x, &zones[i].y, &zones[i].w, &zones[i].h) != 5) {
			fprintf(stderr, "opale publication copie : zone « %s » : PAGE,X,Y,LARGEUR,HAUTEUR attendu\n", zs[i]);
			return 2;
		}
	buf in = BUF_INIT, out = BUF_INIT;
	struct err e = { 0 };
	struct pub_redact rd = { words, (size_t)nw, zones, (size_t)nz };
	int hits[PUB_MAX_WORDS] = { 0 }, rc = 1;
	if (buf_read_file(&in, pos[0], 512u << 20) < 0)
		fprintf(stderr, "opale publication copie : « %s » illisible\n", pos[0]);
	else if (pub_copy(in.data, in.len, mentions, (size_t)nm, &rd, hits, &out, &e) < 0)
		fprintf(stderr, "opale publication copie : %s\n", e.msg);
	else if (buf_write_file_atomic(&out, pos[1]) < 0)
		fprintf(stderr, "opale publication copie : écriture de « %s » impossible\n", pos[1]);
	else {
		rc = 0;
		for (int i = 0; i < nw; i++) {
			printf("« %s » : %d zone%s masquée%s\n", words[i], hits[i], hits[i] > 1 ? "s" : "", hits[i] > 1 ? "s" : "");
			if (!hits[i])
				rc = 1;
		}
	}
	buf_free(&in);
	buf_free(&out);
	return rc;
}

static int cmd_publication(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "copie") == 0)
		return cmd_copie(argc - 1, argv + 1);
	fputs(USAGE, stderr);
	return 2;
}
OPALE_COMMAND(publication, "publication", cmd_publication, "opale publication copie ENTREE.pdf SORTIE.pdf --mention TEXTE [--masquer MOT]… [--zone P,X,Y,L,H]…",
	      "copie publiée d'un acte : mention de publication, pseudonymisation");
