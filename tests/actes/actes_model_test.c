/* actes_model_test: the static tables and field rules (data-driven), META.json reading, the
 * classification (samples of both shapes), versions by date, the act rules on hand-made acts. */
#include <stdlib.h>
#include <string.h>

#include "actes/actes.h"
#include "t.h"

static const char *shared(const char *rel)
{
	static char p[4096];
	const char *s = getenv("SHARED");
	snprintf(p, sizeof p, "%s/specs/actes/%s", s ? s : "../shared", rel);
	return p;
}

static void natures(void)
{
	static const struct {
		int code;
		const char *abbr;
	} want[] = { { 1, "DE" }, { 2, "AR" }, { 3, "AI" }, { 4, "CC" }, { 5, "BF" }, { 6, "AU" } };
	for (size_t i = 0; i < 6; i++) {
		const struct actes_nature *n = actes_nature_get(want[i].code);
		T_OK(n && strcmp(n->abbr, want[i].abbr) == 0, "nature code → abbreviation");
		T_OK(actes_nature_by_abbr(want[i].abbr) == n, "abbreviation → nature");
	}
	T_OK(actes_nature_get(0) == NULL && actes_nature_get(7) == NULL, "natures outside 1..6 are unknown");
	T_OK(actes_nature_at(6) == NULL && actes_nature_at(5) != NULL, "six natures in the table");
}

static void numeros(void)
{
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
		{ "2024_12", 1 }, { "A", 1 }, { "D201717", 1 }, { "CL20171227_06", 1 }, { "123456789012345", 1 },
		{ "1234567890123456", 0 }, { "", 0 }, { "2024-12", 0 }, { "2024 12", 0 }, { "abc", 0 },
		{ "DÉLIB1", 0 }, { "12/2024", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char what[128];
		snprintf(what, sizeof what, "numero « %s » %s", cases[i].s, cases[i].ok ? "accepted" : "refused");
		T_EQ_INT(actes_numero_valid(cases[i].s), cases[i].ok, what);
	}
	T_OK(!actes_numero_valid(NULL), "NULL numero refused");
}

static void fields(void)
{
	struct err e = { 0 };
	char s500[600];
	memset(s500, 'a', 499);
	s500[499] = '\0';
	T_EQ_INT(actes_objet_check(s500, &e), 0, "objet of 499 characters accepted");
	strcat(s500, "b");
	T_EQ_INT(actes_objet_check(s500, &e), -1, "objet of 500 characters refused");
	T_EQ_STR(e.code, "actes.objet", "objet error code");
	/* 499 accented letters are 998 bytes but 499 characters */
	char acc[1100] = "";
	for (int i = 0; i < 499; i++)
		strcat(acc, "é");
	T_EQ_INT(actes_objet_check(acc, &e), 0, "length counted in characters, not bytes");
	T_EQ_INT(actes_objet_check("ligne 1\nligne 2", &e), -1, "objet with a line break refused");
	T_EQ_INT(actes_objet_check("a\rb", &e), -1, "objet with a carriage return refused");
	T_EQ_INT(actes_objet_check("tab\there", &e), -1, "objet with a control character refused");
	T_EQ_INT(actes_objet_check("bad \xc3(", &e), -1, "objet with invalid UTF-8 refused");
	T_EQ_INT(actes_objet_check("", &e), -1, "empty objet refused");
	T_OK(actes_date_valid("2024-02-29") && !actes_date_valid("2023-02-29"), "leap years");
	T_OK(!actes_date_valid("2024-13-01") && !actes_date_valid("2024-1-01") && !actes_date_valid("20240101"),
	     "malformed dates refused");
	T_OK(actes_siren_valid("246200364") && !actes_siren_valid("24620036") && !actes_siren_valid("24620036A"),
	     "SIREN is 9 digits");
	T_OK(actes_departement_valid("062") && actes_departement_valid("02A") && actes_departement_valid("974") &&
		     !actes_departement_valid("62") && !actes_departement_valid("162") && !actes_departement_valid("02C"),
	     "département on 3 characters");
	T_OK(actes_arrondissement_valid("3") && !actes_arrondissement_valid("12"), "arrondissement one digit");
	T_OK(actes_type_pj_valid("99_DE") && actes_type_pj_valid("CO_DE") && !actes_type_pj_valid("99_de") &&
		     !actes_type_pj_valid("99_DEL"), "type de pièce: 5 characters A-Z 0-9 _");
	T_EQ_STR(actes_nature_collectivite_label("31"), "Commune", "collectivité nature 31");
}

static void sniff(void)
{
	T_EQ_INT(actes_file_sniff("%PDF-1.7\n", 9), ACTES_FILE_PDF, "PDF sniffed");
	T_EQ_INT(actes_file_sniff("\xff\xd8\xff\xe0", 4), ACTES_FILE_JPEG, "JPEG sniffed");
	T_EQ_INT(actes_file_sniff("\x89PNG\r\n\x1a\n", 8), ACTES_FILE_PNG, "PNG sniffed");
	T_EQ_INT(actes_file_sniff("\xef\xbb\xbf <?xml version='1.0'?>", 26), ACTES_FILE_XML, "XML with BOM sniffed");
	T_EQ_INT(actes_file_sniff("hello", 5), ACTES_FILE_OTHER, "text is not an allowed type");
	T_EQ_INT(actes_file_sniff("PK\x03\x04", 4), ACTES_FILE_OTHER, "zip is not an allowed type");
	T_EQ_STR(actes_file_ext(ACTES_FILE_JPEG), "jpg", "JPEG extension as S2LOW writes it");
}

static void matieres(void)
{
	int p[5];
	T_EQ_INT(actes_matiere_parse("1.4", p), 2, "1.4 has 2 levels");
	T_OK(p[0] == 1 && p[1] == 4, "1.4 parsed");
	T_EQ_INT(actes_matiere_parse("7.10.2.1.3", p), 5, "five levels");
	T_EQ_INT(actes_matiere_parse("1.2.3.4.5.6", p), -1, "six levels refused");
	T_EQ_INT(actes_matiere_parse("1..4", p), -1, "empty level refused");
	T_EQ_INT(actes_matiere_parse("1.4.", p), -1, "trailing dot refused");
	T_EQ_INT(actes_matiere_parse("1.a", p), -1, "letters refused");
}

static void classification(void)
{
	struct actes_classification c;
	struct err e = { 0 };
	T_EQ_INT(actes_classification_load(shared("samples/pastell/classification-exemple.xml"), &c, &e), 0,
		 "typed classification (2019) read");
	T_EQ_STR(c.date, "2019-03-01", "its version date");
	T_OK(c.has_typology && c.n_natures == 6, "six natures with piece types");
	int p[5];
	int d = actes_matiere_parse("1.4", p);
	T_EQ_INT(actes_classification_check_matiere(&c, p, d, &e), 0, "1.4 exists");
	d = actes_matiere_parse("1.99", p);
	T_EQ_INT(actes_classification_check_matiere(&c, p, d, &e), -1, "1.99 does not");
	T_OK(strstr(e.msg, "1.99") != NULL, "the message names the unknown level");
	d = actes_matiere_parse("1", p);
	T_EQ_INT(actes_classification_check_matiere(&c, p, d, &e), -1, "one level is not enough");
	T_EQ_INT(actes_classification_check_type(&c, 6, "99_AU", &e), 0, "99_AU allowed for nature 6");
	T_EQ_INT(actes_classification_check_type(&c, 5, "99_AU", &e), -1, "99_AU not listed for nature 5");
	T_EQ_STR(e.code, "actes.type_piece", "type error code");
	T_EQ_INT(actes_classification_check_type(&c, 5, "99_BU", &e), 0, "99_BU allowed for nature 5");
	buf l = BUF_INIT;
	d = actes_matiere_parse("1.1", p);
	actes_classification_label(&l, &c, p, d);
	T_OK(strstr(l.data, " / ") != NULL, "label path joined");
	buf_free(&l);

	struct actes_classification old;
	T_EQ_INT(actes_classification_load(shared("samples/s2low/classification/classification.xml"), &old, &e), 0,
		 "old-shape classification (2004, no typology) read");
	T_OK(!old.has_typology && old.n_natures == 6, "no typology in the old shape");
	T_EQ_INT(actes_classification_check_type(&old, 1, "99_DE", &e), 0, "without typology: format only");
	struct actes_classification utf;
	T_EQ_INT(actes_classification_load(shared("samples/exemple_codes_matieres.xml"), &utf, &e), 0,
		 "classification without XML declaration (UTF-8) read");
	T_OK(utf.n_natures > 0 && strcmp(utf.natures[0].types[0].libelle, "Délibération") == 0,
	     "UTF-8 labels decoded");

	struct actes_classif_set set = { 0 };
	actes_classif_set_add(&set, &c);
	actes_classif_set_add(&set, &old);
	actes_classif_set_add(&set, &utf);
	T_EQ_INT(set.n, 3, "three versions kept");
	T_EQ_STR(actes_classif_set_current(&set)->date, "2019-03-01", "the newest is current");
	T_OK(actes_classif_set_find(&set, "2004-04-01") && !actes_classif_set_find(&set, "2010-01-01"),
	     "versions found by date");
	struct actes_classification again;
	actes_classification_load(shared("samples/pastell/classification-exemple.xml"), &again, &e);
	actes_classif_set_add(&set, &again);
	T_EQ_INT(set.n, 3, "same date replaces the version");
	actes_classif_set_free(&set);
	T_EQ_INT(actes_classification_parse("<x/>", 4, &c, &e), -1, "not a classification");
	T_EQ_STR(e.code, "actes.racine", "root error code");
}

static const char META[] =
	"{\"siren\":\"246200364\",\"departement\":\"062\",\"arrondissement\":\"3\",\"numero\":\"2024_12\",\"nature\":4,"
	"\"date_decision\":\"2024-03-18\",\"objet\":\"Convention\",\"classification\":\"1.4\","
	"\"classification_date\":\"2024-01-10\",\"type_piece_acte\":\"11_AC\",\"type_pieces_annexes\":[\"10_DE\"],"
	"\"document_papier\":false}";

static void meta(void)
{
	struct actes_acte a;
	struct err e = { 0 };
	buf warn = BUF_INIT;
	T_EQ_INT(actes_meta_parse(META, strlen(META), &a, &warn, &e), 0, "the issue's META.json reads");
	T_OK(a.nature == 4 && a.n_matiere == 2 && a.matiere[1] == 4 && a.n_annexes == 1, "fields read");
	T_EQ_STR(a.annexes[0].type_pj, "10_DE", "annex type");
	T_EQ_STR(a.nature_collectivite, "71", "collectivité nature defaults to 71 for a 24… SIREN");
	T_OK(strstr(warn.data, "nature_collectivite") != NULL, "and says so");
	buf b = BUF_INIT;
	actes_acte_base(&b, &a);
	T_EQ_STR(b.data, "062-246200364-20240318-2024_12-CC", "identifier base");
	buf_free(&b);
	/* the rules, without files: both missing are named */
	struct actes_report r = { 0 };
	actes_acte_check(&a, NULL, "2024-04-01", &r);
	T_OK(actes_report_has(&r, "actes.fichier_absent"), "missing files named");
	T_EQ_INT(r.n, 2, "and nothing else");
	actes_report_free(&r);
	actes_acte_check(&a, NULL, "2024-03-01", &r);
	T_OK(actes_report_has(&r, "actes.date"), "a decision after today is refused");
	actes_report_free(&r);
	actes_acte_free(&a);
	buf_free(&warn);

	static const struct {
		const char *json, *what;
	} bad[] = {
		{ "[]", "not an object" },
		{ "{\"siren\":\"1\"}", "missing fields" },
		{ "{\"siren\":\"1\",\"siren\":\"2\"}", "duplicate keys" },
		{ "{", "malformed" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		T_EQ_INT(actes_meta_parse(bad[i].json, strlen(bad[i].json), &a, NULL, &e), -1, bad[i].what);
		T_EQ_STR(e.code, "actes.meta", "META error code");
	}
	const char *wrong_type = "{\"siren\":\"246200364\",\"departement\":\"062\",\"arrondissement\":\"3\","
				 "\"numero\":\"1\",\"nature\":4,\"date_decision\":\"2024-03-18\",\"objet\":\"x\","
				 "\"classification\":\"1.4\",\"classification_date\":\"2024-01-10\","
				 "\"type_piece_acte\":\"11_AC\",\"type_pieces_annexes\":\"10_DE\"}";
	T_EQ_INT(actes_meta_parse(wrong_type, strlen(wrong_type), &a, NULL, &e), -1, "a field of the wrong type");
	T_OK(strstr(e.msg, "type_pieces_annexes") != NULL, "names the field");
}

int main(void)
{
	natures();
	numeros();
	fields();
	sniff();
	matieres();
	classification();
	meta();
	return t_done();
}
