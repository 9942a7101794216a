/* SCDL Délibérations 2.1.5: the writer's rows pass the validator, and every rule of the schema
 * (read from $SHARED/specs/scdl at run time) catches its bad row. Also: quoting, file name,
 * matière labels, CSV structure, refusal of schemas we cannot check, and that the validator really
 * follows the file (a mutated schema changes the verdict). */
#include "core/err.h"
#include "publication/publication.h"
#include "seance/seance.h"
#include "t.h"

#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

static char schema_path[1024];

struct seen {
	int n;
	char checks[32][48];
	char columns[32][64];
	long lines[32];
	char last_msg[400];
};

static void collect(void *arg, const struct scdl_violation *v)
{
	struct seen *s = arg;
	if (s->n < 32) {
		snprintf(s->checks[s->n], 48, "%s", v->check);
		snprintf(s->columns[s->n], 64, "%s", v->column);
		s->lines[s->n] = v->line;
	}
	snprintf(s->last_msg, sizeof s->last_msg, "%s", v->msg);
	s->n++;
}

static int has_check(const struct seen *s, const char *check, const char *column)
{
	for (int i = 0; i < s->n && i < 32; i++)
		if (strcmp(s->checks[i], check) == 0 && (!column || strcmp(s->columns[i], column) == 0))
			return 1;
	return 0;
}

/* A good deliberation, as the publication module will produce it. */
static struct scdl_deliberation good(void)
{
	return (struct scdl_deliberation){
		.coll_nom = "Communauté de communes du Pays d'Opale",
		.coll_siret = "24620036400007",
		.delib_id = "2024_007",
		.delib_date = { 2024, 3, 15 },
		.matiere = { 8, 4 },
		.matiere_libelle2 = "Aménagement du territoire",
		.objet = "Convention « Petites villes de demain », avenant n° 2, avec l'État",
		.budget_annee = "2024",
		.budget_nom = "Budget principal",
		.pref_id = "PREF062",
		.pref_date = { 2024, 3, 18 },
		.has_vote = 1,
		.vote_effectif = 52, .vote_reel = 45, .vote_pour = 40, .vote_contre = 3, .vote_abstention = 2,
		.url = "https://www.cc-opale.fr/actes/2024_007.pdf",
	};
}

static const struct {
	const char *what;
	int col;
	const char *value;
	const char *check;     /* expected violation */
	const char *column;    /* where (NULL: any) */
} bad_cases[] = {
	{ "COLL_NOM missing", SCDL_COLL_NOM, "", "required", "COLL_NOM" },
	{ "DELIB_ID missing", SCDL_DELIB_ID, "", "required", "DELIB_ID" },
	{ "DELIB_OBJET missing", SCDL_DELIB_OBJET, "", "required", "DELIB_OBJET" },
	{ "SIRET of 13 digits", SCDL_COLL_SIRET, "2462003640000", "pattern", "COLL_SIRET" },
	{ "SIRET with a wrong check digit", SCDL_COLL_SIRET, "24620036400008", "french-siret-value", "COLL_SIRET" },
	{ "SIRET whose SIREN key is wrong", SCDL_COLL_SIRET, "24620036500005", "french-siret-value", "COLL_SIRET" },
	{ "SIRET with letters", SCDL_COLL_SIRET, "2462003640000A", "pattern", "COLL_SIRET" },
	{ "DELIB_DATE that does not exist", SCDL_DELIB_DATE, "2023-02-29", "type", "DELIB_DATE" },
	{ "DELIB_DATE in French format", SCDL_DELIB_DATE, "15/03/2024", "type", "DELIB_DATE" },
	{ "matière code without sub-level", SCDL_DELIB_MATIERE_CODE, "8", "pattern", "DELIB_MATIERE_CODE" },
	{ "matière code outside the listed codes (8.1 à 8.9)", SCDL_DELIB_MATIERE_CODE, "8.10", "matiere-code",
	  "DELIB_MATIERE_CODE" },
	{ "matière code of another matière than the label", SCDL_DELIB_MATIERE_CODE, "5.4", "matiere-code",
	  "DELIB_MATIERE_CODE" },
	{ "matière label without a slash", SCDL_DELIB_MATIERE_NOM, "aménagement du territoire",
	  "nomenclature-actes-value", "DELIB_MATIERE_NOM" },
	{ "matière label with a space after the slash", SCDL_DELIB_MATIERE_NOM,
	  "domaines de compétences par thèmes/ aménagement", "nomenclature-actes-value", "DELIB_MATIERE_NOM" },
	{ "matière label with a space before the slash", SCDL_DELIB_MATIERE_NOM,
	  "domaines de compétences par thèmes /aménagement", "nomenclature-actes-value", "DELIB_MATIERE_NOM" },
	{ "matière label with nothing before the slash (fuzz crash)", SCDL_DELIB_MATIERE_NOM, "/x",
	  "nomenclature-actes-value", "DELIB_MATIERE_NOM" },
	{ "matière label whose prefix ends in a lone combining-mark lead byte (fuzz crash: read past the end)",
	  SCDL_DELIB_MATIERE_NOM, "x\xCD/y", "nomenclature-actes-value", "DELIB_MATIERE_NOM" },
	{ "matière label that is not an ACTES level-1 label", SCDL_DELIB_MATIERE_NOM, "voirie/entretien",
	  "nomenclature-actes-value", "DELIB_MATIERE_NOM" },
	{ "budget year interval with twice the same year", SCDL_BUDGET_ANNEE, "2024/2024", "year-interval-value",
	  "BUDGET_ANNEE" },
	{ "budget year interval backwards", SCDL_BUDGET_ANNEE, "2025/2024", "year-interval-value", "BUDGET_ANNEE" },
	{ "budget year of two digits", SCDL_BUDGET_ANNEE, "24", "pattern", "BUDGET_ANNEE" },
	{ "budget name without a budget year", SCDL_BUDGET_ANNEE, "", "cohesive-columns-value", "BUDGET_ANNEE" },
	{ "budget year without a budget name", SCDL_BUDGET_NOM, "", "cohesive-columns-value", "BUDGET_ANNEE" },
	{ "PREF_DATE before DELIB_DATE", SCDL_PREF_DATE, "2024-03-14", "compare-columns-value", "PREF_DATE" },
	{ "PREF_DATE not a date", SCDL_PREF_DATE, "pas d'envoi en préfecture", "type", "PREF_DATE" },
	{ "VOTE_REEL is not POUR + CONTRE + ABSTENTION", SCDL_VOTE_REEL, "44", "sum-columns-value", "VOTE_REEL" },
	{ "VOTE_EFFECTIF below VOTE_REEL", SCDL_VOTE_EFFECTIF, "44", "compare-columns-value", "VOTE_EFFECTIF" },
	{ "VOTE_POUR above VOTE_REEL", SCDL_VOTE_POUR, "46", "compare-columns-value", "VOTE_REEL" },
	{ "VOTE_POUR not an integer", SCDL_VOTE_POUR, "40,0", "type", "VOTE_POUR" },
	{ "VOTE_CONTRE missing while the others are given", SCDL_VOTE_CONTRE, "", "cohesive-columns-value",
	  "VOTE_EFFECTIF" },
	{ "DELIB_URL without a scheme", SCDL_DELIB_URL, "www.cc-opale.fr/actes/1.pdf", "format", "DELIB_URL" },
	{ "DELIB_URL with a space", SCDL_DELIB_URL, "https://www.cc-opale.fr/actes/a b.pdf", "format", "DELIB_URL" },
};

static int check_one(const struct scdl_schema *s, const struct scdl_row *r, struct seen *seen)
{
	memset(seen, 0, sizeof *seen);
	return scdl_check_row(s, r->v, SCDL_NCOLS, 2, collect, seen);
}

static void rows(const struct scdl_schema *s)
{
	struct scdl_deliberation d = good();
	struct scdl_row r;
	struct seen seen;
	scdl_row_from(&r, &d);
	if (!T_OK(check_one(s, &r, &seen) == 0, "a full good row passes every rule of the schema"))
		printf("#   %s\n", seen.last_msg);
	T_EQ_STR(r.v[SCDL_DELIB_MATIERE_NOM], "domaines de compétences par thèmes/aménagement du territoire",
		 "DELIB_MATIERE_NOM built from the ACTES labels");

	/* Optional columns empty: not transmitted, no budget, no vote, no URL. */
	d.budget_annee = d.budget_nom = d.pref_id = d.url = NULL;
	d.pref_date = (struct date){ 0, 0, 0 };
	d.has_vote = 0;
	scdl_row_from(&r, &d);
	T_OK(check_one(s, &r, &seen) == 0, "a row with every optional column empty passes");
	d = good();
	d.budget_annee = "2024/2025";
	d.matiere_nom = "DOMAINES DE COMPETENCES PAR THEMES/Aménagement";   /* case and accents ignored */
	scdl_row_from(&r, &d);
	if (!T_OK(check_one(s, &r, &seen) == 0, "year interval and an unaccented upper-case label pass"))
		printf("#   %s\n", seen.last_msg);
	d = good();
	d.coll_siret = "35600000049837";   /* La Poste establishment: digit sum, not Luhn */
	scdl_row_from(&r, &d);
	T_OK(check_one(s, &r, &seen) == 0, "a La Poste SIRET (digit sum divisible by 5) passes");
	d.coll_siret = "35600000049838";
	scdl_row_from(&r, &d);
	T_OK(check_one(s, &r, &seen) == 1 && has_check(&seen, "french-siret-value", "COLL_SIRET"),
	     "… and one whose digit sum is not, fails");
	d = good();
	d.matiere[0] = 7, d.matiere[1] = 10, d.matiere_libelle2 = "Divers";
	scdl_row_from(&r, &d);
	T_OK(check_one(s, &r, &seen) == 0, "matière 7.10 (listed as '7.1' à '7.10') passes");
	d.matiere[0] = 8, d.matiere[1] = 9, d.matiere_libelle2 = "Culture";
	scdl_row_from(&r, &d);
	T_OK(check_one(s, &r, &seen) == 0, "matière 8.9 (listed with a missing quote: '8.1' à 8.9') passes");

	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		d = good();
		scdl_row_from(&r, &d);
		if (bad_cases[i].col == SCDL_DELIB_MATIERE_NOM)
			r.v[SCDL_DELIB_MATIERE_CODE] = "8.4";
		r.v[bad_cases[i].col] = bad_cases[i].value;
		int n = check_one(s, &r, &seen);
		char what[160];
		snprintf(what, sizeof what, "bad row, %s: %s", bad_cases[i].what, bad_cases[i].check);
		if (!T_OK(n >= 1 && has_check(&seen, bad_cases[i].check, bad_cases[i].column), what))
			for (int k = 0; k < seen.n && k < 32; k++)
				printf("#   got %s on %s\n", seen.checks[k], seen.columns[k]);
	}
	const char *cells[3] = { "a", "b", "c" };
	memset(&seen, 0, sizeof seen);
	T_OK(scdl_check_row(s, cells, 3, 2, collect, &seen) == 1 && has_check(&seen, "field-count", NULL),
	     "a row with 3 cells is refused as a whole");
}

/* The vote of a séance becomes the VOTE_* columns and passes the sum and compare checks. */
static void from_vote(const struct scdl_schema *s)
{
	struct quorum_membre m[20];
	for (int i = 0; i < 20; i++)
		m[i] = (struct quorum_membre){ .id = i + 1, .present = i < 14 };
	m[13].pouvoir_de = 20;
	struct vote_bulletin b[15];
	for (int i = 0; i < 14; i++)
		b[i] = (struct vote_bulletin){ i + 1, 0, i < 9 ? VOTE_POUR : i < 11 ? VOTE_CONTRE : i < 13 ? VOTE_ABSTENTION : VOTE_NPPV };
	b[14] = (struct vote_bulletin){ 14, 20, VOTE_POUR };
	struct quorum_in q = { 21, m, 20, 0 };
	struct vote_in in = { &q, 0, 1, b, 15, 0, 0, 0, 0 };
	struct vote_out out;
	struct err e = { 0 };
	if (!T_OK(seance_vote(&in, &out, &e) == 0 && out.adopte, "a recorded vote is adopted"))
		printf("#   %s\n", e.msg);
	struct scdl_deliberation d = good();
	d.vote_effectif = out.scdl_effectif, d.vote_reel = out.scdl_reel, d.vote_pour = out.pour;
	d.vote_contre = out.contre, d.vote_abstention = out.abstention;
	struct scdl_row r;
	struct seen seen;
	scdl_row_from(&r, &d);
	T_OK(check_one(s, &r, &seen) == 0 && strcmp(r.v[SCDL_VOTE_REEL], "14") == 0 &&
		     strcmp(r.v[SCDL_VOTE_EFFECTIF], "21") == 0,
	     "its counts fill VOTE_* (21 in office, 14 voting: 10 pour incl. a proxy, 2 contre, 2 abstentions; NPPV excluded)");
}

static void csv(const struct scdl_schema *s)
{
	buf b = BUF_INIT;
	struct scdl_deliberation d = good();
	struct scdl_row r;
	struct seen seen = { 0 };
	scdl_csv_header(&b);
	T_EQ_STR(b.data,
		 "COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,DELIB_MATIERE_CODE,DELIB_MATIERE_NOM,DELIB_OBJET,"
		 "BUDGET_ANNEE,BUDGET_NOM,PREF_ID,PREF_DATE,VOTE_EFFECTIF,VOTE_REEL,VOTE_POUR,VOTE_CONTRE,"
		 "VOTE_ABSTENTION,DELIB_URL\r\n",
		 "header line: the 17 names, comma-separated, CRLF");
	d.objet = "Tarifs \"eau, assainissement\"\nexercice 2024";
	d.budget_annee = NULL, d.budget_nom = NULL, d.pref_id = NULL, d.pref_date.y = 0, d.url = NULL, d.has_vote = 0;
	scdl_row_from(&r, &d);
	buf_reset(&b);
	scdl_csv_row(&b, &r);
	T_EQ_STR(b.data,
		 "Communauté de communes du Pays d'Opale,24620036400007,2024_007,2024-03-15,8.4,"
		 "domaines de compétences par thèmes/aménagement du territoire,"
		 "\"Tarifs \"\"eau, assainissement\"\"\nexercice 2024\",,,,,,,,,,\r\n",
		 "a row: quotes only where needed, doubled inner quotes, empty fields for missing values");

	/* A whole file: header + rows written by us, read back by the validator. */
	buf f = BUF_INIT;
	scdl_csv_header(&f);
	for (int i = 0; i < 50; i++) {
		d = good();
		char id[16];
		snprintf(id, sizeof id, "2024_%03d", i + 1);
		d.delib_id = id;
		d.objet = i % 2 ? "Objet, avec virgule" : "Objet \"cité\"\r\nsur deux lignes";
		scdl_row_from(&r, &d);
		scdl_csv_row(&f, &r);
	}
	struct err e = { 0 };
	T_EQ_INT(scdl_check_csv(s, f.data, f.len, collect, &seen, &e), 0, "50 written rows read back: 0 violations");

	static const struct {
		const char *what, *text, *check;
		long line;
	} files[] = {
		{ "columns in another order", "COLL_SIRET,COLL_NOM\r\n", "header", 1 },
		{ "a column missing", "COLL_NOM,COLL_SIRET,DELIB_ID\n", "header", 1 },
		{ "BUDGET_ANNÉE instead of BUDGET_ANNEE (seen in real files)",
		  "COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,DELIB_MATIERE_CODE,DELIB_MATIERE_NOM,DELIB_OBJET,"
		  "BUDGET_ANNÉE,BUDGET_NOM,PREF_ID,PREF_DATE,VOTE_EFFECTIF,VOTE_REEL,VOTE_POUR,VOTE_CONTRE,"
		  "VOTE_ABSTENTION,DELIB_URL\n", "header", 1 },
		{ "a row with 16 fields, on line 3 (LF endings)", NULL, "field-count", 3 },
		{ "a blank line", NULL, "blank-row", 2 },
		{ "an empty file", "", "header", 1 },
	};
	const char *row = "Ville,24620036400007,1,2024-03-15,2.1,urbanisme/plu,Objet,,,,,,,,,,\n";
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		buf t = BUF_INIT;
		if (files[i].text) {
			buf_puts(&t, files[i].text);
		} else {
			scdl_csv_header(&t);
			if (strcmp(files[i].check, "blank-row") == 0)
				buf_puts(&t, "\r\n");
			buf_puts(&t, row);
			if (strcmp(files[i].check, "field-count") == 0)
				buf_puts(&t, "Ville,24620036400007,1,2024-03-15,2.1,urbanisme/plu,Objet,,,,,,,,,\n");
		}
		memset(&seen, 0, sizeof seen);
		long n = scdl_check_csv(s, t.data ? t.data : "", t.len, collect, &seen, &e);
		T_OK(n >= 1 && has_check(&seen, files[i].check, NULL) && seen.lines[0] == files[i].line, files[i].what);
		buf_free(&t);
	}
	/* Line numbers count physical lines, quoted line breaks included. */
	buf t = BUF_INIT;
	scdl_csv_header(&t);
	buf_puts(&t, "Ville,24620036400007,1,2024-03-15,2.1,urbanisme/plu,\"Objet\nsur\ntrois lignes\",,,,,,,,,,\n");
	buf_puts(&t, "Ville,24620036400007,2,2024-02-30,2.1,urbanisme/plu,Objet,,,,,,,,,,\n");
	struct seen at = { 0 };
	long n = scdl_check_csv(s, t.data, t.len, collect, &at, &e);
	T_OK(n == 1 && has_check(&at, "type", "DELIB_DATE") && at.lines[0] == 5,
	     "a bad date after a three-line quoted field is reported on physical line 5");
	buf_reset(&t);
	buf_puts(&t, "\xEF\xBB\xBF");
	scdl_csv_header(&t);
	buf_puts(&t, row);
	memset(&seen, 0, sizeof seen);
	T_EQ_INT(scdl_check_csv(s, t.data, t.len, collect, &seen, &e), 0, "a UTF-8 BOM before the header is accepted");
	buf_reset(&t);
	scdl_csv_header(&t);
	buf_puts(&t, "Ville,\"2462003640000");
	T_OK(scdl_check_csv(s, t.data, t.len, collect, &seen, &e) < 0 && strcmp(e.code, "scdl.csv") == 0,
	     "an unclosed quote is a syntax error");
	buf_free(&t);
	buf_free(&b);
	buf_free(&f);
}

static void write_json(const char *path, json_t *j)
{
	json_dump_file(j, path, JSON_INDENT(1));
}

/* The validator follows the schema file: change a rule in a copy, the verdict changes; add a rule we
 * do not implement, loading is refused. */
static void schema_is_read(void)
{
	char tmp[] = "/tmp/opale-scdl-XXXXXX";
	T_OK(mkdtemp(tmp) != NULL, "temporary directory");
	char path[128];
	snprintf(path, sizeof path, "%s/s.json", tmp);
	json_t *root = json_load_file(schema_path, 0, NULL);
	json_t *siret = json_array_get(json_object_get(root, "fields"), 1);
	json_object_set_new(json_object_get(siret, "constraints"), "pattern", json_string("^\\d{9}$"));
	write_json(path, root);
	struct err e = { 0 };
	struct scdl_schema *s = scdl_schema_load(path, &e);
	struct scdl_deliberation d = good();
	struct scdl_row r;
	struct seen seen;
	scdl_row_from(&r, &d);
	T_OK(s && check_one(s, &r, &seen) >= 1 && has_check(&seen, "pattern", "COLL_SIRET"),
	     "with COLL_SIRET's pattern changed to 9 digits in a copy, our 14-digit SIRET fails");
	scdl_schema_free(s);

	static const struct {
		const char *what, *key, *json;
	} refused[] = {
		{ "an unknown custom check", "custom_checks", "[{\"name\": \"french-gps-value\", \"params\": {\"column\": \"COLL_NOM\"}}]" },
		{ "a constraint we do not implement (unique)", "fields",
		  "[{\"name\": \"A\", \"type\": \"string\", \"constraints\": {\"unique\": true}}]" },
		{ "a pattern POSIX cannot express (\\b)", "fields",
		  "[{\"name\": \"A\", \"type\": \"string\", \"constraints\": {\"pattern\": \"\\\\bx\"}}]" },
		{ "a type we do not implement (geopoint)", "fields", "[{\"name\": \"A\", \"type\": \"geopoint\"}]" },
		{ "a check on an unknown column", "custom_checks",
		  "[{\"name\": \"sum-columns-value\", \"params\": {\"column\": \"VOTE_REEL\", \"columns\": [\"VOTE_BLANC\"]}}]" },
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		json_t *copy = json_load_file(schema_path, 0, NULL);
		json_t *v = json_loads(refused[i].json, 0, NULL);
		if (strcmp(refused[i].key, "fields") == 0)
			json_array_extend(json_object_get(copy, "fields"), v), json_decref(v);
		else
			json_object_set_new(copy, refused[i].key, v);
		write_json(path, copy);
		json_decref(copy);
		s = scdl_schema_load(path, &e);
		char what[120];
		snprintf(what, sizeof what, "loading refuses %s", refused[i].what);
		T_OK(!s && strcmp(e.code, "scdl.schema") == 0, what);
		scdl_schema_free(s);
	}
	json_decref(root);
	unlink(path);
	rmdir(tmp);
}

static void identifiers(void)
{
	char name[64], nom[256];
	struct err e = { 0 };
	T_OK(scdl_filename("246200364", (struct date){ 2024, 3, 5 }, name, sizeof name, &e) == 0, "file name");
	T_EQ_STR(name, "20240305_246200364_deliberations.csv", "file name AAAAMMJJ_<SIREN>_deliberations.csv");
	T_OK(scdl_filename("246200365", (struct date){ 2024, 3, 5 }, name, sizeof name, &e) < 0 &&
		     strcmp(e.code, "scdl.siren") == 0,
	     "a SIREN with a wrong key is refused");
	T_OK(scdl_filename("24620036", (struct date){ 2024, 3, 5 }, name, sizeof name, &e) < 0, "8 digits refused");
	T_EQ_STR(scdl_matiere_nom(4, "Personnel titulaires et stagiaires de la F.P.T.", nom, sizeof nom),
		 "fonction publique/personnel titulaires et stagiaires de la f.p.t.", "labels in lower case");
	T_EQ_STR(scdl_matiere_nom(9, "Autres (divers), ÉCOLE", nom, sizeof nom),
		 "autres domaines de compétences/autres divers école", "no comma, no parenthesis, accents kept");
	T_EQ_STR(scdl_matiere_nom(1, "Transactions /protocole d accord transactionnel", nom, sizeof nom),
		 "commande publique/transactions protocole d accord transactionnel",
		 "a slash inside the level-2 label does not make a second level");
	T_EQ_STR(scdl_matiere_nom(6, "Police municipale", nom, sizeof nom),
		 "libertés publiques et pouvoirs de police/police municipale", "code 6");
	T_EQ_STR(scdl_matiere_nom(10, "x", nom, sizeof nom), "", "no level-1 label 10");
	T_OK(scdl_siret_valid("21860194600013"), "the schema's example SIRET is valid");
	T_OK(scdl_siret_valid("35600000000048"), "La Poste's head office (Luhn) is valid");
	T_OK(!scdl_siret_valid("2186019460001"), "13 digits are not a SIRET");
}

int main(void)
{
	const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	snprintf(schema_path, sizeof schema_path, "%s/specs/scdl/deliberations-2.1.5.schema.json", shared);
	struct err e = { 0 };
	struct scdl_schema *s = scdl_schema_load(schema_path, &e);
	if (!T_OK(s != NULL, "the reference schema loads, with every rule understood")) {
		printf("#   %s\n", e.msg);
		return t_done();
	}
	int same = scdl_schema_nfields(s) == SCDL_NCOLS;
	for (size_t i = 0; same && i < SCDL_NCOLS; i++)
		same = strcmp(scdl_schema_field(s, i), scdl_col_names[i]) == 0;
	T_OK(same, "the writer's 17 columns are the schema's fields, in order");
	rows(s);
	from_vote(s);
	csv(s);
	schema_is_read();
	identifiers();
	scdl_schema_free(s);
	return t_done();
}
