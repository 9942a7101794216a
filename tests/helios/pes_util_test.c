/* Unit tests of the PES helpers: amounts in cents, SIRET key, identifier sets, prologue sniffing,
 * French translation of libxml2 messages, amounts as shown in the view. */
#include <stdint.h>
#include <stdlib.h>

#include <libxml/xmlerror.h>

#include "helios/pes_priv.h"
#include "t.h"

static void amounts(void)
{
	static const struct { const char *in; int ok; long long cents; } cases[] = {
		{ "4874.40", 1, 487440 }, { "4874.4", 1, 487440 }, { "4874", 1, 487400 }, { "0.05", 1, 5 },
		{ "-12.30", 1, -1230 }, { "+7.", 1, 700 }, { ".5", 1, 50 }, { " 12.00 ", 1, 1200 },
		{ "12.500", 1, 1250 }, { "12.505", 0, 0 }, { "4874,40", 0, 0 }, { "", 0, 0 }, { "-", 0, 0 },
		{ "1e3", 0, 0 }, { "12.3.4", 0, 0 }, { "99999999999999999999", 0, 0 }, { "999999999999.99", 1, 99999999999999 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t c = 0;
		int rc = pes_amount_cents(cases[i].in, &c);
		char what[96];
		snprintf(what, sizeof what, "amount « %s » %s", cases[i].in, cases[i].ok ? "parsed" : "refused");
		T_EQ_INT(rc == 0, cases[i].ok, what);
		if (cases[i].ok && rc == 0)
			T_EQ_INT(c, cases[i].cents, what);
	}
	buf b = BUF_INIT;
	pes_amount_format(&b, -1230);
	T_EQ_STR(b.data, "-12.30", "cents formatted back");
	buf_reset(&b);
	pes_view_amount(&b, 123456789);
	T_EQ_STR(b.data, "1\u202f234\u202f567,89\u00a0€", "French amount with narrow no-break spaces");
	buf_reset(&b);
	pes_view_amount(&b, -5);
	T_EQ_STR(b.data, "−0,05\u00a0€", "negative amount");
	buf_free(&b);
}

static void siret(void)
{
	T_OK(pes_luhn_ok("24310063300011"), "Sicoval SIRET passes Luhn");
	T_OK(pes_luhn_ok("732829320"), "a SIREN passes Luhn");
	T_OK(!pes_luhn_ok("12345678912345"), "fake SIRET fails Luhn");
	T_OK(!pes_luhn_ok("2431006330001A"), "letters fail");
	T_OK(!pes_luhn_ok(""), "empty fails");
}

static void sets(void)
{
	struct pes_set *s = pes_set_new();
	char key[32];
	int dup = 0;
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "D|2025|%d", i);
		dup += pes_set_add(s, key, i + 1) != 0;
	}
	T_EQ_INT(dup, 0, "5000 distinct keys, no duplicate");
	T_EQ_INT(pes_set_count(s), 5000, "all kept across growth");
	T_EQ_INT(pes_set_add(s, "D|2025|4321", 99), 4322, "duplicate reports the first line");
	T_OK(pes_set_has(s, "D|2025|0") && !pes_set_has(s, "R|2025|0"), "lookup");
	pes_set_free(s);
}

static void sniff(void)
{
	struct pes_sniff s;
	const char *aller = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<!-- c -->\n<n:PES_Aller xmlns:n=\"x\">";
	pes_sniff(aller, strlen(aller), &s);
	T_EQ_INT(s.kind, PES_ALLER, "root PES_Aller behind a comment");
	T_EQ_STR(s.encoding, "ISO-8859-1", "declared encoding read");
	const char *ack = "\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8'?><PES_ACQUIT>";
	pes_sniff(ack, strlen(ack), &s);
	T_OK(s.kind == PES_ACQUIT && s.bom == 8 && strcmp(s.encoding, "UTF-8") == 0, "BOM, quotes, acquit");
	pes_sniff("%PDF-1.7\n", 9, &s);
	T_OK(s.not_xml && s.magic && strstr(s.magic, "PDF"), "a PDF is named");
	pes_sniff("  bonjour", 9, &s);
	T_OK(s.not_xml && !s.magic, "text is not XML");
	const char *dt = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"y\">]><a/>";
	pes_sniff(dt, strlen(dt), &s);
	T_OK(s.doctype, "DOCTYPE seen");
	pes_sniff("<?xml version=\"1.0\"?><Facture/>", 31, &s);
	T_OK(s.found_root && s.kind == PES_UNKNOWN && strcmp(s.root, "Facture") == 0, "foreign root named");
}

static void messages(void)
{
	static const struct { const char *en, *fr; } cases[] = {
		{ "Element 'TypPce': This element is not expected. Expected is one of ( CodServ, Affect, IdPce ).\n",
		  "élément inattendu à cet endroit ; attendu l'un de : CodServ, Affect, IdPce" },
		{ "Element 'PJ': Missing child element(s). Expected is ( IdUnique ).\n",
		  "élément obligatoire manquant : IdUnique" },
		{ "Element 'CodCol', attribute 'V': [facet 'length'] The value '1234' has a length of '4'; this differs "
		  "from the allowed length of '3'.\n",
		  "valeur « 1234 » de 4 caractères au lieu de 3" },
		{ "Element 'MtHT', attribute 'V': 'abc' is not a valid value of the atomic type "
		  "'{http://www.minefi.gouv.fr/cp/helios/pes_v2/commun}V_Montant_Light'.\n",
		  "valeur « abc » invalide pour ce champ" },
		{ "Element 'PJ': This element is not expected. Expected is ( {http://www.w3.org/2000/09/xmldsig#}Signature ).\n",
		  "élément inattendu à cet endroit ; attendu : Signature" },
		{ "Element 'Fichier': The attribute 'MIMEType' is required but missing.\n",
		  "attribut obligatoire MIMEType absent" },
		{ "Element 'X': something libxml2 never said before.\n", "non conforme au schéma : something libxml2 never said before." },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf b = BUF_INIT;
		pes_msg_translate(&b, XML_FROM_SCHEMASV, 0, cases[i].en);
		T_EQ_STR(b.data, cases[i].fr, cases[i].fr);
		buf_free(&b);
	}
	const char *code, *dgfip;
	pes_msg_parser_codes(XML_ERR_INVALID_CHAR, "Input is not proper UTF-8, indicate encoding !", &code, &dgfip);
	T_OK(strcmp(code, "pes.encodage") == 0 && strcmp(dgfip, "ERREUR_ENCODING") == 0, "bad UTF-8 is an encoding error");
	pes_msg_parser_codes(XML_ERR_TAG_NOT_FINISHED, "Premature end of data", &code, &dgfip);
	T_EQ_STR(code, "pes.tronque", "premature end is truncation");
}

static void latin1(void)
{
	buf b = BUF_INIT;
	pes_xml_latin1(&b, "Réseau d'eau — 5 € <A&B> \"x\"\x01");
	T_EQ_STR(b.data, "R\xe9seau d'eau &#8212; 5 &#8364; &lt;A&amp;B&gt; &quot;x&quot; ", "UTF-8 to Latin-1 XML");
	buf_free(&b);
}

int main(void)
{
	latin1();
	amounts();
	siret();
	sets();
	sniff();
	messages();
	return t_done();
}
