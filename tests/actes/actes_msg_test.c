/* actes_msg_test: every sample message of specs/actes (Stela, S2LOW, Pastell) and our fixtures for the
 * messages without a sample are read into the struct with the right fields and schema shape; encoding
 * variants, hostile XML (DOCTYPE, external entities) and non-ACTES documents; the builders (6-1,
 * replies, 7-1) validate against the XSD and read back to the same values. */
#include <stdlib.h>
#include <string.h>

#include "actes/actes.h"
#include "t.h"

static const char *path_of(const char *rel)
{
	static char p[4096];
	if (strncmp(rel, "data/", 5) == 0) {
		snprintf(p, sizeof p, "tests/%s", rel);
	} else {
		const char *s = getenv("SHARED");
		snprintf(p, sizeof p, "%s/specs/actes/samples/%s", s ? s : "../shared", rel);
	}
	return p;
}

static int load(const char *rel, struct actes_message *m, struct err *e)
{
	buf b = BUF_INIT;
	if (buf_read_file(&b, path_of(rel), 0) < 0) {
		printf("# cannot read %s\n", path_of(rel));
		buf_free(&b);
		memset(m, 0, sizeof *m);
		return -2;
	}
	int rc = actes_message_parse(b.data, b.len, m, e);
	buf_free(&b);
	return rc;
}

static int eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Table: file, kind, shape, id_acte, date, one more field checked by name. */
static const struct {
	const char *file;
	enum actes_msg_kind kind;
	int shape;
	const char *id, *date;
} samples[] = {
	{ "006-210600235-20180522-684-AI-1-2_5279.xml", ACTES_MSG_AR_ACTE, 2, "006-210600235-20180522-684-AI", "2018-05-28" },
	{ "044-214400152----1-3_1.xml", ACTES_MSG_ANOMALIE_ACTE, 2, NULL, "2018-10-12" },
	{ "044-214400152-20181106-TEST_DGCL_4-DE-6-2_10.xml", ACTES_MSG_AR_ANNULATION, 2,
	  "044-214400152-20181106-TEST_DGCL_4-DE", "2018-11-28" },
	{ "EACT--SPREF0441-214400152-20181012-9.xml", ACTES_MSG_ENVELOPPE_MI, 2, NULL, NULL },
	{ "ANO_EACT--214400152--20180925-1.xml", ACTES_MSG_ANOMALIE_ENVELOPPE, 0, NULL, "2018-09-25" },
	{ "exemple_codes_matieres.xml", ACTES_MSG_RETOUR_CLASSIFICATION, 2, NULL, NULL },
	{ "pastell/034-491011698-20171207-CL20171227_06-DE-1-1_0.xml", ACTES_MSG_ACTE, 2, NULL, NULL },
	{ "pastell/034-491011698-20171207-CL20171227_06-DE-1-2.xml", ACTES_MSG_AR_ACTE, 2,
	  "034-491011698-20171207-CL20171227_06-DE", "2017-12-27" },
	{ "pastell/aractes.xml", ACTES_MSG_AR_ACTE, 2, "034-491011698-20171207-CL20171227_06-DE", "2017-12-27" },
	{ "pastell/999-1234----7-2_1.xml", ACTES_MSG_RETOUR_CLASSIFICATION, 2, NULL, NULL },
	{ "pastell/classification-exemple.xml", ACTES_MSG_RETOUR_CLASSIFICATION, 2, NULL, NULL },
	{ "pastell/classification-actes-generique.xml", ACTES_MSG_RETOUR_CLASSIFICATION, 2, NULL, NULL },
	{ "s2low/ok/045-214502494-20170717-D201717-DE-1-1_0.xml", ACTES_MSG_ACTE, 1, NULL, NULL },
	{ "s2low/ok/EACT--214502494--20170717-6.xml", ACTES_MSG_ENVELOPPE_CL, 2, NULL, NULL },
	{ "s2low/actes-fixtures/fichier-metier-signe.xml", ACTES_MSG_ACTE, 1, NULL, NULL },
	{ "s2low/actes-fixtures/001-000000000-20170130-TEST42-DE-1-2_0.xml", ACTES_MSG_AR_ACTE, 1,
	  "001-000000000-20170130-TEST42-DE", "2017-06-16" },
	{ "s2low/actes-fixtures/001-000000000-20170130-TEST42-DE-3-3_0.xml", ACTES_MSG_REFUS_PIECES, 2,
	  "032-213201601-20170616-ARP201706407-AI", "2017-06-17" },
	{ "s2low/actes-fixtures/001-000000000-20170130-TEST42-DE-3-4_0.xml", ACTES_MSG_PIECES, 2,
	  "032-213201601-20170616-ARP201706407-AI", "2017-06-17" },
	{ "s2low/test-archive-MISILCL/034-000000000-20170701-20170721D-AI-1-2_0.xml", ACTES_MSG_AR_ACTE, 1,
	  "034-000000000-20170701-20170721D-AI", "2017-07-21" },
	{ "s2low/test-archive-MISILCL/TACT--SPREF0011-000000000-20170721-4.xml", ACTES_MSG_ENVELOPPE_MI, 2, NULL, NULL },
	{ "s2low/test-message-anomalie/034-000000000-20170701-20170721D-AI-1-3_0.xml", ACTES_MSG_ANOMALIE_ACTE, 1, NULL,
	  "2017-07-01" },
	{ "s2low/test-message-anomalie-avec-erreur/034-000000000-20170701-20170721D-AI-1-3_0.xml",
	  ACTES_MSG_ANOMALIE_ACTE, 0, NULL, "2017-07-01" },
	{ "s2low/test-message-anomalie-avec-erreur-mal-presentee/034-000000000-20170701-20170721D-AI-1-3_0.xml",
	  ACTES_MSG_ANOMALIE_ACTE, 0, NULL, "2017-07-01" },
	{ "s2low/test-message-anomalie-avec-erreur/TACT--SPREF0011-000000000-20170721-4.xml", ACTES_MSG_ENVELOPPE_MI, 2,
	  NULL, NULL },
	{ "s2low/test-anomalie/ANO_EACT--210703385--20170612-2.xml", ACTES_MSG_ANOMALIE_ENVELOPPE, 2, NULL, "2017-06-12" },
	{ "s2low/test-courrier-simple/034-000000000-20170701-20170725A-AI-2-1_0.xml", ACTES_MSG_COURRIER_SIMPLE, 2,
	  "034-000000000-20170701-20170725A-AI", "2017-07-25" },
	{ "s2low/test-courrier-simple/TACT--SPREF0011-000000000-20170725-1.xml", ACTES_MSG_ENVELOPPE_MI, 2, NULL, NULL },
	{ "s2low/test-courrier-simple-renumerote/034-000000000-20170701-20170725A-AI-2-1_17.xml",
	  ACTES_MSG_COURRIER_SIMPLE, 2, "034-000000000-20170701-20170725A-AI", "2017-07-25" },
	{ "s2low/test-courrier-simple-renumerote/TACT--SPREF0011-000000000-20170725-1.xml", ACTES_MSG_ENVELOPPE_MI, 2,
	  NULL, NULL },
	{ "s2low/test-defere-ta/034-000000000-20170701-20170725A-AI-5-1_0.xml", ACTES_MSG_DEFERE_TA, 2,
	  "034-000000000-20170701-20170725A-AI", "2017-07-01" },
	{ "s2low/test-defere-ta/TACT--SPREF0011-000000000-20170725-4.xml", ACTES_MSG_ENVELOPPE_MI, 2, NULL, NULL },
	{ "s2low/classification/classification.xml", ACTES_MSG_RETOUR_CLASSIFICATION, 1, NULL, NULL },
	/* ours, for the messages without a public sample */
	{ "data/actes/062-246200364-20240318-2024_12-CC-3-1_0.xml", ACTES_MSG_DEMANDE_PIECES, 2,
	  "062-246200364-20240318-2024_12-CC", "2024-04-02" },
	{ "data/actes/062-246200364-20240318-2024_12-CC-3-2_0.xml", ACTES_MSG_AR_DEMANDE_PIECES, 2,
	  "062-246200364-20240318-2024_12-CC", "2024-04-02" },
	{ "data/actes/062-246200364-20240318-2024_12-CC-3-5_0.xml", ACTES_MSG_AR_PIECES, 2,
	  "062-246200364-20240318-2024_12-CC", "2024-04-20" },
	{ "data/actes/062-246200364-20240318-2024_12-CC-4-1_0.xml", ACTES_MSG_LETTRE_OBSERVATIONS, 2,
	  "062-246200364-20240318-2024_12-CC", "2024-05-06" },
	{ "data/actes/062-246200364-20240318-2024_12-CC-4-2_0.xml", ACTES_MSG_AR_LETTRE_OBSERVATIONS, 2,
	  "062-246200364-20240318-2024_12-CC", "2024-05-06" },
	{ "data/actes/062-246200364-20240318-2024_12-CC-4-5_0.xml", ACTES_MSG_AR_REPONSE_OBSERVATIONS, 2,
	  "062-246200364-20240318-2024_12-CC", "2024-06-01" },
	{ "data/actes/062-246200364----7-3_0.xml", ACTES_MSG_CLASSIFICATION_A_JOUR, 2, NULL, NULL },
};

static void all_samples(void)
{
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		struct actes_message m;
		struct err e = { 0 };
		char what[512];
		int rc = load(samples[i].file, &m, &e);
		snprintf(what, sizeof what, "%s read", samples[i].file);
		if (!T_OK(rc == 0, what)) {
			printf("#   %s\n", e.msg);
			continue;
		}
		snprintf(what, sizeof what, "%s is %s", samples[i].file, actes_msg_type_get(samples[i].kind)->root);
		T_OK(m.type->kind == samples[i].kind, what);
		snprintf(what, sizeof what, "%s schema shape %d", samples[i].file, samples[i].shape);
		T_EQ_INT(m.schema_shape, samples[i].shape, what);
		if (samples[i].id) {
			snprintf(what, sizeof what, "%s IDActe", samples[i].file);
			T_EQ_STR(m.id_acte, samples[i].id, what);
		}
		if (samples[i].date) {
			snprintf(what, sizeof what, "%s date", samples[i].file);
			T_EQ_STR(m.date, samples[i].date, what);
		}
		buf f = BUF_INIT, j = BUF_INIT;
		actes_message_format(&f, &m);
		actes_message_json(&j, &m);
		snprintf(what, sizeof what, "%s summary and JSON", samples[i].file);
		T_OK(strstr(f.data, m.type->root) && j.data[0] == '{' && j.data[j.len - 1] == '}', what);
		buf_free(&f);
		buf_free(&j);
		actes_message_free(&m);
	}
}

static void fields(void)
{
	struct actes_message m;
	struct err e = { 0 };
	load("006-210600235-20180522-684-AI-1-2_5279.xml", &m, &e);
	const struct actes_donnees *d = &m.acte;
	T_OK(eq(d->numero, "684") && d->nature == 3 && d->n_matiere == 2 && d->matiere[0] == 4 && d->matiere[1] == 2,
	     "AR: ActeRecu number, nature, matière");
	T_EQ_STR(d->objet, "Contrat à durée déterminée - Jean Dupont", "AR: ISO-8859-1 objet decoded to UTF-8");
	T_EQ_STR(d->document.nom, "99_DE-006-210600235-20180522-684-AI-1-1_1.pdf", "AR: act file name");
	T_OK(d->document_papier == 0 && d->annexes_nombre == 0, "AR: DocumentPapier 0, no annex");
	T_EQ_STR(m.classification_date_en_cours, "2017-04-19", "AR: classification in force");
	actes_message_free(&m);

	load("044-214400152----1-3_1.xml", &m, &e);
	T_EQ_STR(m.anomalie_nature, "002", "anomaly nature");
	T_OK(strncmp(m.detail, "ODT-VERIF-01 : Votre acte a été transmis", 40) == 0, "anomaly detail");
	T_OK(m.acte.n_matiere == 5 && m.acte.matiere[3] == 0 && m.acte.matiere[4] == 1, "anomaly: level 4 skipped kept");
	T_OK(m.acte.n_annexes == 1 && m.acte.annexes_nombre == 1 && m.acte.document_papier == -1,
	     "anomaly: one XML annex, empty DocumentPapier");
	T_EQ_STR(m.classification_date_en_cours, "2018-10-10", "anomaly: the prefecture's classification date");
	actes_message_free(&m);

	load("pastell/034-491011698-20171207-CL20171227_06-DE-1-2.xml", &m, &e);
	T_EQ_STR(m.acte.objet, "Fichier signé parapheur", "no declaration, character reference decoded");
	actes_message_free(&m);
	load("s2low/actes-fixtures/001-000000000-20170130-TEST42-DE-1-2_0.xml", &m, &e);
	T_EQ_STR(m.acte.objet, "test de télétransmission", "S2LOW AR with &#xE9; references");
	T_OK(m.acte.n_annexes == 2 && eq(m.acte.annexes[0].nom, "001-000000000-20170130-TEST42-DE-1-1_2.png"),
	     "two annexes, PNG then PDF");
	T_EQ_INT(m.acte.document_papier, -1, "old shape: no DocumentPapier");
	actes_message_free(&m);
	load("s2low/actes-fixtures/fichier-metier-signe.xml", &m, &e);
	T_OK(m.acte.document.signe == 1, "inline Signature noticed");
	actes_message_free(&m);

	load("EACT--SPREF0441-214400152-20181012-9.xml", &m, &e);
	const struct actes_enveloppe *v = &m.enveloppe;
	T_OK(eq(v->emetteur, "IDSousPref") && eq(v->departement, "044") && eq(v->arrondissement, "1"),
	     "prefecture envelope: sub-prefecture emitter");
	T_OK(v->n_formulaires == 1 && eq(v->formulaires[0], "044-214400152----1-3_1.xml"), "its form");
	T_EQ_STR(v->destinataire_siren, "214400152", "its recipient");
	T_EQ_STR(v->referent_nom, "Demat SICTIAM", "its referent");
	actes_message_free(&m);

	load("s2low/ok/EACT--214502494--20170717-6.xml", &m, &e);
	T_OK(eq(m.enveloppe.emetteur, "IDCL") && eq(m.enveloppe.siren, "214502494") && eq(m.enveloppe.nature, "31"),
	     "collectivité envelope: IDCL with SIREN and nature");
	T_OK(m.enveloppe.n_adresses_retour == 1 && eq(m.enveloppe.adresses_retour[0], "totoo@toto.org"), "return address");
	actes_message_free(&m);

	load("ANO_EACT--214400152--20180925-1.xml", &m, &e);
	T_OK(eq(m.anomalie_nature, "999") && m.schema_error && strstr(m.schema_error, "Nature"),
	     "envelope anomaly outside the enumeration: read, and the schema error says where");
	T_EQ_STR(m.enveloppe.siren, "214400152", "envelope anomaly: the envelope received");
	actes_message_free(&m);

	load("s2low/test-message-anomalie-avec-erreur-mal-presentee/034-000000000-20170701-20170721D-AI-1-3_0.xml", &m, &e);
	T_EQ_STR(m.anomalie_nature, "ERREUR2", "malformed anomaly nature kept as text");
	actes_message_free(&m);

	load("s2low/test-defere-ta/034-000000000-20170701-20170725A-AI-5-1_0.xml", &m, &e);
	T_OK(eq(m.texte, "NATURE_TEST") && m.n_documents == 1 &&
		     eq(m.documents[0].nom, "034-000000000-20170701-20170725A-AI-5-1_1.pdf"),
	     "déféré: nature of illegality and its piece");
	actes_message_free(&m);
	load("s2low/test-courrier-simple-renumerote/034-000000000-20170701-20170725A-AI-2-1_17.xml", &m, &e);
	T_OK(m.n_documents == 1 && eq(m.documents[0].nom, "034-000000000-20170701-20170725A-AI-2-1_16.pdf"),
	     "courrier simple renumbered: serials are not assumed");
	actes_message_free(&m);
	load("s2low/actes-fixtures/001-000000000-20170130-TEST42-DE-3-4_0.xml", &m, &e);
	T_EQ_INT(m.n_documents, 2, "pièces complémentaires: two documents");
	actes_message_free(&m);
	load("data/actes/062-246200364-20240318-2024_12-CC-3-1_0.xml", &m, &e);
	T_OK(m.texte && strstr(m.texte, "comité technique"), "demande de pièces: description (ISO-8859-1)");
	actes_message_free(&m);
	load("data/actes/062-246200364-20240318-2024_12-CC-4-5_0.xml", &m, &e);
	T_EQ_STR(m.date_courrier, "2024-05-06", "AR 4-5: date of the letter from InfosCourrierPref");
	actes_message_free(&m);
	load("pastell/999-1234----7-2_1.xml", &m, &e);
	T_OK(eq(m.date_classification, "2019-04-18") && m.classification.n_natures == 6 && m.classification.has_typology,
	     "7-2 carries the whole classification");
	actes_message_free(&m);
}

static int parse_str(const char *s, struct actes_message *m, struct err *e)
{
	return actes_message_parse(s, strlen(s), m, e);
}

#define NS "xmlns:actes=\"http://www.interieur.gouv.fr/ACTES#v1.1-20040216\""

static void variants(void)
{
	struct actes_message m;
	struct err e = { 0 };
	const char *w1252 = "<?xml version=\"1.0\" encoding=\"windows-1252\"?><actes:ARAnnulation " NS
			    " actes:IDActe=\"062-246200364-20240318-A-CC\" actes:DateReception=\"2024-01-02\"/>";
	T_EQ_INT(parse_str(w1252, &m, &e), 0, "windows-1252 declared");
	actes_message_free(&m);
	const char *latin_nodecl = "<actes:CourrierSimple " NS " actes:IDActe=\"062-246200364-20240318-A-CC\" "
				   "actes:DateCourrierPref=\"2024-01-02\"><actes:Document><actes:NomFichier>\xe9t\xe9.pdf"
				   "</actes:NomFichier></actes:Document></actes:CourrierSimple>";
	T_EQ_INT(parse_str(latin_nodecl, &m, &e), 0, "Latin-1 bytes without declaration read as windows-1252");
	T_OK(m.n_documents == 1 && eq(m.documents[0].nom, "été.pdf"), "and decoded");
	actes_message_free(&m);
	const char *bom = "\xef\xbb\xbf<actes:Annulation " NS " actes:IDActe=\"062-246200364-20240318-A-CC\"/>";
	T_EQ_INT(parse_str(bom, &m, &e), 0, "UTF-8 BOM");
	T_OK(m.type->kind == ACTES_MSG_ANNULATION && m.schema_shape == 2, "annulation, valid");
	actes_message_free(&m);

	static const struct {
		const char *xml, *code, *what;
	} bad[] = {
		{ "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><actes:Annulation " NS " actes:IDActe=\"&a;\"/>", "actes.doctype",
		  "internal entities (DOCTYPE) refused" },
		{ "<?xml version=\"1.0\"?>\n<!-- c --><!DOCTYPE x SYSTEM \"file:///etc/passwd\"><x/>", "actes.doctype",
		  "external DTD refused" },
		{ "<actes:Inconnu " NS "/>", "actes.racine", "unknown root" },
		{ "<Acte/>", "actes.racine", "root without the ACTES namespace" },
		{ "<actes:Annulation " NS, "actes.xml", "truncated" },
		{ "", "actes.xml", "empty" },
		{ "%PDF-1.4", "actes.xml", "a PDF" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.code[0] = '\0';
		T_EQ_INT(parse_str(bad[i].xml, &m, &e), -1, bad[i].what);
		T_EQ_STR(e.code, bad[i].code, bad[i].what);
	}
}

/* Builders: valid against the XSD, and read back to the values given. */
static void builders(void)
{
	const char *id = "062-246200364-20240318-2024_12-CC";
	struct actes_report r = { 0 };
	struct err e = { 0 };
	struct actes_message m;
	buf x = BUF_INIT;
	actes_build_annulation_xml(&x, id);
	T_EQ_INT(actes_xsd_validate(x.data, x.len, "6-1", &r, 0, &e), 0, "6-1 Annulation validates");
	T_OK(actes_message_parse(x.data, x.len, &m, &e) == 0 && m.type->kind == ACTES_MSG_ANNULATION && eq(m.id_acte, id),
	     "6-1 reads back");
	actes_message_free(&m);
	buf_reset(&x);
	actes_build_demande_classification_xml(&x, "2024-01-10");
	T_EQ_INT(actes_xsd_validate(x.data, x.len, "7-1", &r, 0, &e), 0, "7-1 with date validates");
	T_OK(actes_message_parse(x.data, x.len, &m, &e) == 0 && eq(m.date_classification, "2024-01-10"), "7-1 reads back");
	actes_message_free(&m);
	buf_reset(&x);
	actes_build_demande_classification_xml(&x, NULL);
	T_EQ_INT(actes_xsd_validate(x.data, x.len, "7-1", &r, 0, &e), 0, "7-1 without date validates");
	static const struct {
		enum actes_reponse_kind k;
		enum actes_msg_kind read;
		const char *code;
		size_t n;
	} reps[] = {
		{ ACTES_REP_COURRIER_SIMPLE, ACTES_MSG_REPONSE_COURRIER_SIMPLE, "2-2", 1 },
		{ ACTES_REP_REFUS_PIECES, ACTES_MSG_REFUS_PIECES, "3-3", 1 },
		{ ACTES_REP_PIECES, ACTES_MSG_PIECES, "3-4", 3 },
		{ ACTES_REP_REJET_OBSERVATIONS, ACTES_MSG_REJET_OBSERVATIONS, "4-3", 1 },
		{ ACTES_REP_REPONSE_OBSERVATIONS, ACTES_MSG_REPONSE_OBSERVATIONS, "4-4", 1 },
	};
	const char *files[] = { "062-246200364-20240318-2024_12-CC-3-4_1.pdf", "062-246200364-20240318-2024_12-CC-3-4_2.pdf",
				"062-246200364-20240318-2024_12-CC-3-4_3.pdf" };
	for (size_t i = 0; i < sizeof reps / sizeof reps[0]; i++) {
		char what[128];
		buf_reset(&x);
		actes_build_reponse_xml(&x, reps[i].k, id, "2024-04-02", files, reps[i].n);
		snprintf(what, sizeof what, "reply %s validates", reps[i].code);
		T_EQ_INT(actes_xsd_validate(x.data, x.len, reps[i].code, &r, 0, &e), 0, what);
		T_EQ_STR(actes_reponse_code(reps[i].k), reps[i].code, "reply code");
		snprintf(what, sizeof what, "reply %s reads back (type, IDActe, date, %zu document(s))", reps[i].code, reps[i].n);
		int ok = actes_message_parse(x.data, x.len, &m, &e) == 0 && m.type->kind == reps[i].read &&
			 eq(m.id_acte, id) && eq(m.date_courrier, "2024-04-02") && m.n_documents == reps[i].n &&
			 eq(m.documents[0].nom, files[0]) && eq(m.type->code, reps[i].code);
		T_OK(ok, what);
		actes_message_free(&m);
	}
	if (r.n)
		printf("# %s: %s\n", r.items[0].file, r.items[0].msg);
	actes_report_free(&r);
	buf_free(&x);
}

/* Prefecture side (test peer, demo): every message valid and read back. */
static void pref_builders(void)
{
	struct actes_report r = { 0 };
	struct err e = { 0 };
	struct actes_message m;
	buf acte = BUF_INIT, x = BUF_INIT;
	buf_read_file(&acte, path_of("pastell/034-491011698-20171207-CL20171227_06-DE-1-1_0.xml"), 0);
	const char *id = "034-491011698-20171207-CL20171227_06-DE";
	T_EQ_INT(actes_build_ar_acte_xml(&x, acte.data, acte.len, id, "2017-12-27", "2017-11-13", &e), 0, "1-2 built");
	T_EQ_INT(actes_xsd_validate(x.data, x.len, "1-2", &r, 0, &e), 0, "1-2 validates");
	T_OK(actes_message_parse(x.data, x.len, &m, &e) == 0 && m.type->kind == ACTES_MSG_AR_ACTE && eq(m.id_acte, id) &&
		     eq(m.date, "2017-12-27") && eq(m.acte.numero, "CL20171227_06") &&
		     eq(m.acte.objet, "Fichier signé parapheur") && m.acte.document_papier == 0 &&
		     eq(m.classification_date_en_cours, "2017-11-13"),
	     "1-2 carries the act received");
	actes_message_free(&m);
	buf_reset(&x);
	T_EQ_INT(actes_build_anomalie_acte_xml(&x, acte.data, acte.len, "2017-12-27", "002",
					       "ODT-VERIF-01 : date de classification qui n'est pas à jour", "2018-01-01", &e),
		 0, "1-3 built");
	T_EQ_INT(actes_xsd_validate(x.data, x.len, "1-3", &r, 0, &e), 0, "1-3 validates");
	T_OK(actes_message_parse(x.data, x.len, &m, &e) == 0 && eq(m.anomalie_nature, "002") &&
		     eq(m.classification_date_en_cours, "2018-01-01"), "1-3 reads back");
	actes_message_free(&m);
	T_EQ_INT(actes_build_ar_acte_xml(&x, "<x/>", 4, id, "2017-12-27", "2017-11-13", &e), -1, "1-2 needs an Acte");
	static const enum actes_msg_kind letters[] = { ACTES_MSG_COURRIER_SIMPLE, ACTES_MSG_DEMANDE_PIECES,
						       ACTES_MSG_LETTRE_OBSERVATIONS, ACTES_MSG_DEFERE_TA };
	const char *files[] = { "034-491011698-20171207-CL20171227_06-DE-2-1_1.pdf" };
	for (size_t i = 0; i < 4; i++) {
		char what[128];
		buf_reset(&x);
		actes_build_courrier_xml(&x, letters[i], id, "2018-01-15", "Texte libre à accents", files, 1);
		snprintf(what, sizeof what, "letter %s validates", actes_msg_type_get(letters[i])->code);
		T_EQ_INT(actes_xsd_validate(x.data, x.len, what, &r, 0, &e), 0, what);
		snprintf(what, sizeof what, "letter %s reads back", actes_msg_type_get(letters[i])->code);
		T_OK(actes_message_parse(x.data, x.len, &m, &e) == 0 && m.type->kind == letters[i] && eq(m.id_acte, id) &&
			     eq(m.date, "2018-01-15") && m.n_documents == 1 &&
			     (letters[i] == ACTES_MSG_COURRIER_SIMPLE || eq(m.texte, "Texte libre à accents")),
		     what);
		actes_message_free(&m);
	}
	T_EQ_INT(actes_build_courrier_xml(&x, ACTES_MSG_ANNULATION, id, "2018-01-15", NULL, files, 1), -1,
		 "not a letter kind");
	buf_reset(&x);
	actes_build_ar_annulation_xml(&x, id, "2018-02-01");
	T_EQ_INT(actes_xsd_validate(x.data, x.len, "6-2", &r, 0, &e), 0, "6-2 validates");
	static const enum actes_msg_kind ars[] = { ACTES_MSG_AR_PIECES, ACTES_MSG_AR_REPONSE_OBSERVATIONS };
	for (size_t i = 0; i < 2; i++) {
		buf_reset(&x);
		actes_build_ar_reponse_xml(&x, ars[i], "2018-02-01", id, "2018-01-15");
		T_EQ_INT(actes_xsd_validate(x.data, x.len, "3-5/4-5", &r, 0, &e), 0, "AR of a reply validates");
		T_OK(actes_message_parse(x.data, x.len, &m, &e) == 0 && m.type->kind == ars[i] &&
			     eq(m.date_courrier, "2018-01-15") && eq(m.id_acte, id), "AR of a reply reads back");
		actes_message_free(&m);
	}
	const char *forms[] = { "034-491011698-20171207-CL20171227_06-DE-1-2_0.xml" };
	buf_reset(&x);
	actes_build_envelope_mi_xml(&x, "034", "2", "491011698", forms, 1);
	T_EQ_INT(actes_xsd_validate(x.data, x.len, "MISILLCL", &r, 0, &e), 0, "prefecture envelope validates");
	T_OK(actes_message_parse(x.data, x.len, &m, &e) == 0 && eq(m.enveloppe.emetteur, "IDSousPref") &&
		     eq(m.enveloppe.destinataire_siren, "491011698"), "prefecture envelope reads back");
	actes_message_free(&m);
	buf_reset(&x);
	actes_build_envelope_mi_xml(&x, "034", NULL, "491011698", forms, 1);
	T_EQ_INT(actes_xsd_validate(x.data, x.len, "MISILLCL", &r, 0, &e), 0, "préfecture (IDPref) envelope validates");
	if (r.n)
		printf("# %s: %s\n", r.items[0].file, r.items[0].msg);
	actes_report_free(&r);
	buf_free(&x);
	buf_free(&acte);
}

int main(void)
{
	pref_builders();
	all_samples();
	fields();
	variants();
	builders();
	return t_done();
}
