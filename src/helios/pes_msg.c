/* pes_msg: libxml2 speaks English; the people reading a PES check do not. Schema messages are
 * matched against a table of patterns and rewritten in French; parser errors are mapped by code. */
#include <pthread.h>
#include <regex.h>
#include <string.h>

#include <libxml/xmlerror.h>

#include "core/buf.h"
#include "helios/pes_priv.h"

/* English message (element prefix and {namespace} removed) → French template, \1…\9 = groups. */
static const struct {
	const char *re;
	const char *fr;
} schema_msgs[] = {
	{ "^This element is not expected\\. Expected is \\( (.*) \\)\\.$",
	  "élément inattendu à cet endroit ; attendu : \\1" },
	{ "^This element is not expected\\. Expected is one of \\( (.*) \\)\\.$",
	  "élément inattendu à cet endroit ; attendu l'un de : \\1" },
	{ "^This element is not expected\\.$", "élément inattendu à cet endroit" },
	{ "^Missing child element\\(s\\)\\. Expected is \\( (.*) \\)\\.$",
	  "élément obligatoire manquant : \\1" },
	{ "^Missing child element\\(s\\)\\. Expected is one of \\( (.*) \\)\\.$",
	  "élément obligatoire manquant, l'un de : \\1" },
	{ "^\\[facet 'pattern'\\] The value '(.*)' is not accepted by the pattern '(.*)'\\.$",
	  "valeur « \\1 » non conforme au format attendu (motif \\2)" },
	{ "^\\[facet 'maxLength'\\] The value '(.*)' has a length of '([0-9]+)'; this exceeds the allowed "
	  "maximum length of '([0-9]+)'\\.$",
	  "valeur « \\1 » trop longue : \\2 caractères pour \\3 au plus" },
	{ "^\\[facet 'minLength'\\] The value '(.*)' has a length of '([0-9]+)'; this underruns the allowed "
	  "minimum length of '([0-9]+)'\\.$",
	  "valeur « \\1 » trop courte : \\2 caractères pour \\3 au moins" },
	{ "^\\[facet 'length'\\] The value '(.*)' has a length of '([0-9]+)'; this differs from the allowed "
	  "length of '([0-9]+)'\\.$",
	  "valeur « \\1 » de \\2 caractères au lieu de \\3" },
	{ "^\\[facet 'enumeration'\\] The value '(.*)' is not an element of the set \\{(.*)\\}\\.$",
	  "valeur « \\1 » hors de la liste autorisée : \\2" },
	{ "^\\[facet 'totalDigits'\\] The value '(.*)' has more digits than are allowed \\('([0-9]+)'\\)\\.$",
	  "valeur « \\1 » : plus de \\2 chiffres" },
	{ "^\\[facet 'fractionDigits'\\] The value '(.*)' has more fractional digits than are allowed "
	  "\\('([0-9]+)'\\)\\.$",
	  "valeur « \\1 » : plus de \\2 décimales" },
	{ "^\\[facet 'm[a-z]+clusive'\\] The value '(.*)' is less than the minimum value allowed "
	  "\\('(.*)'\\)\\.$",
	  "valeur « \\1 » inférieure au minimum \\2" },
	{ "^\\[facet 'm[a-z]+clusive'\\] The value '(.*)' is greater than the maximum value allowed "
	  "\\('(.*)'\\)\\.$",
	  "valeur « \\1 » supérieure au maximum \\2" },
	{ "^'(.*)' is not a valid value of the (local )?(atomic|union|list) type( '([^']*)')?\\.$",
	  "valeur « \\1 » invalide pour ce champ" },
	{ "^The attribute '(.*)' is required but missing\\.$", "attribut obligatoire \\1 absent" },
	{ "^The attribute '(.*)' is not allowed\\.$", "attribut \\1 non autorisé" },
	{ "^No matching global declaration available for the validation root\\.$",
	  "élément racine inconnu du schéma PES" },
	{ "^Character content other than whitespace is not allowed because the content type is "
	  "'element-only'\\.$",
	  "texte non autorisé dans cet élément" },
	{ "^Character content is not allowed, because the content type is empty\\.$",
	  "contenu non autorisé : élément vide attendu" },
	{ "^Element content is not allowed, because the content type is a simple type definition\\.$",
	  "sous-élément non autorisé ici" },
};
#define N_SCHEMA_MSGS (sizeof schema_msgs / sizeof schema_msgs[0])

static regex_t schema_res[N_SCHEMA_MSGS];
static regex_t prefix_re, ns_re;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void compile_all(void)
{
	for (size_t i = 0; i < N_SCHEMA_MSGS; i++)
		if (regcomp(&schema_res[i], schema_msgs[i].re, REG_EXTENDED) != 0)
			abort();
	if (regcomp(&prefix_re, "^Element '[^']*'(, attribute '[^']*')?: ", REG_EXTENDED) != 0 ||
	    regcomp(&ns_re, "\\{[^}]*\\}", REG_EXTENDED) != 0)
		abort();
}

/* Copies s into out without "{namespace}" prefixes and trailing newlines. */
static void clean(buf *out, const char *s)
{
	regmatch_t m;
	while (regexec(&ns_re, s, 1, &m, 0) == 0) {
		buf_add(out, s, (size_t)m.rm_so);
		s += m.rm_eo;
	}
	buf_puts(out, s);
	while (out->len && (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == ' '))
		out->data[--out->len] = '\0';
}

static void expand(buf *out, const char *tmpl, const char *src, const regmatch_t *m)
{
	for (const char *t = tmpl; *t; t++) {
		if (t[0] == '\\' && t[1] >= '1' && t[1] <= '9') {
			int g = t[1] - '0';
			if (m[g].rm_so >= 0)
				buf_add(out, src + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
			t++;
		} else {
			buf_putc(out, *t);
		}
	}
}

/* Parser errors by libxml2 code. */
static const struct {
	int code;
	const char *ours, *dgfip, *fr;
} parser_msgs[] = {
	{ XML_ERR_DOCUMENT_EMPTY, "pes.non_xml", "ERREUR_FLUX_VIDE", "document vide ou qui n'est pas du XML" },
	{ XML_ERR_DOCUMENT_START, "pes.non_xml", "ERREUR_FLUX_VIDE", "le fichier ne commence pas comme un document XML" },
	{ XML_ERR_DOCUMENT_END, "pes.xml", "ERREUR_AUTRE", "contenu après la fin du document" },
	{ XML_ERR_TAG_NOT_FINISHED, "pes.tronque", "ERREUR_AUTRE", "fin de fichier prématurée : le fichier est tronqué" },
	{ XML_ERR_LTSLASH_REQUIRED, "pes.tronque", "ERREUR_AUTRE", "balise fermante absente : le fichier est tronqué" },
	{ XML_ERR_TAG_NAME_MISMATCH, "pes.xml", "ERREUR_AUTRE", "balise fermante qui ne correspond pas à la balise ouvrante" },
	{ XML_ERR_INVALID_ENCODING, "pes.encodage", "ERREUR_ENCODING", "octets invalides pour l'encodage déclaré" },
	{ XML_ERR_UNSUPPORTED_ENCODING, "pes.encodage", "ERREUR_ENCODING", "encodage déclaré non pris en charge" },
	{ XML_ERR_ENCODING_NAME, "pes.encodage", "ERREUR_ENCODING", "nom d'encodage invalide" },
	{ XML_ERR_INVALID_CHAR, "pes.caractere", "ERREUR_ENCODING", "caractère interdit en XML" },
	{ XML_ERR_INVALID_CHARREF, "pes.caractere", "ERREUR_ENCODING", "référence de caractère interdite" },
	{ XML_ERR_ATTRIBUTE_REDEFINED, "pes.xml", "ERREUR_AUTRE", "attribut répété" },
	{ XML_ERR_UNDECLARED_ENTITY, "pes.xml", "ERREUR_AUTRE", "entité non déclarée" },
	{ XML_NS_ERR_UNDEFINED_NAMESPACE, "pes.xml", "ERREUR_AUTRE", "préfixe d'espace de noms non déclaré" },
	{ XML_ERR_GT_REQUIRED, "pes.xml", "ERREUR_AUTRE", "balise ouvrante non terminée" },
	{ XML_ERR_NAME_REQUIRED, "pes.xml", "ERREUR_AUTRE", "nom d'élément attendu" },
};

void pes_msg_parser_codes(int code, const char *english, const char **ours, const char **dgfip)
{
	*ours = "pes.xml";
	*dgfip = "ERREUR_AUTRE";
	if ((english && strstr(english, "not proper UTF-8")) || (code >= XML_I18N_NO_NAME && code <= XML_I18N_NO_OUTPUT) ||
	    code == XML_IO_ENCODER) {
		*ours = "pes.encodage";
		*dgfip = "ERREUR_ENCODING";
		return;
	}
	for (size_t i = 0; i < sizeof parser_msgs / sizeof parser_msgs[0]; i++)
		if (parser_msgs[i].code == code) {
			*ours = parser_msgs[i].ours;
			*dgfip = parser_msgs[i].dgfip;
			return;
		}
}

void pes_msg_translate(buf *out, int domain, int code, const char *english)
{
	pthread_once(&once, compile_all);
	buf msg = BUF_INIT;
	clean(&msg, english ? english : "");
	if (domain == XML_FROM_SCHEMASV || domain == XML_FROM_SCHEMASP) {
		regmatch_t m[10];
		const char *s = msg.data ? msg.data : "";
		if (regexec(&prefix_re, s, 1, m, 0) == 0)
			s += m[0].rm_eo;
		for (size_t i = 0; i < N_SCHEMA_MSGS; i++)
			if (regexec(&schema_res[i], s, 10, m, 0) == 0) {
				expand(out, schema_msgs[i].fr, s, m);
				goto out;
			}
		buf_printf(out, "non conforme au schéma : %s", s);
		goto out;
	}
	if ((code >= XML_I18N_NO_NAME && code <= XML_I18N_NO_OUTPUT) || code == XML_IO_ENCODER) {
		buf_puts(out, "conversion impossible depuis l'encodage déclaré");
		goto out;
	}
	if (english && strstr(english, "not proper UTF-8")) {
		const char *bytes = strstr(english, "Bytes:");
		buf_puts(out, "octets invalides pour l'encodage déclaré");
		if (bytes) {
			buf_puts(out, " (");
			clean(out, bytes + 7);
			buf_puts(out, ")");
		}
		goto out;
	}
	for (size_t i = 0; i < sizeof parser_msgs / sizeof parser_msgs[0]; i++)
		if (parser_msgs[i].code == code) {
			buf_puts(out, parser_msgs[i].fr);
			goto out;
		}
	buf_printf(out, "XML mal formé : %s", msg.data ? msg.data : "");
out:
	buf_free(&msg);
}
