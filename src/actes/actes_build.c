/* actes_build: the messages a collectivité sends — act (1-1), envelope, replies to letters (2-2,
 * 3-3, 3-4, 4-3, 4-4), cancellation (6-1), classification request (7-1) — written with libxml2's
 * tree as ISO-8859-1, the encoding S2LOW writes; every one validates against actesv1_1.xsd. */
#include <stdio.h>
#include <string.h>

#include "actes/actes_priv.h"

void actes_build_acte_xml(buf *out, const struct actes_acte *a)
{
	xmlNodePtr root;
	xmlNsPtr ns;
	xmlDocPtr doc = actes_xml_new("Acte", &root, &ns);
	char nature[16];
	snprintf(nature, sizeof nature, "%d", a->nature);
	actes_xml_attr(root, ns, "Date", a->date_decision);
	actes_xml_attr(root, ns, "NumeroInterne", a->numero);
	actes_xml_attr(root, ns, "CodeNatureActe", nature);
	for (int i = 0; i < a->n_matiere; i++) {
		char name[32], code[16];
		snprintf(name, sizeof name, "CodeMatiere%d", i + 1);
		snprintf(code, sizeof code, "%d", a->matiere[i]);
		actes_xml_attr(actes_xml_add(root, ns, name, NULL), ns, "CodeMatiere", code);
	}
	actes_xml_add(root, ns, "Objet", a->objet);
	if (a->precedent_id && *a->precedent_id)
		actes_xml_attr(actes_xml_add(root, ns, "PrecedentIdentifiantActe", NULL), ns, "IDActe", a->precedent_id);
	actes_xml_add(root, ns, "ClassificationDateVersion", a->classification_date);
	buf name = BUF_INIT;
	actes_piece_name(&name, a, 0);
	actes_xml_fichier(root, ns, "Document", name.data);
	xmlNodePtr ann = actes_xml_add(root, ns, "Annexes", NULL);
	char count[32];
	snprintf(count, sizeof count, "%zu", a->n_annexes);
	actes_xml_attr(ann, ns, "Nombre", count);
	for (size_t i = 1; i <= a->n_annexes; i++) {
		buf_reset(&name);
		actes_piece_name(&name, a, i);
		actes_xml_fichier(ann, ns, "Annexe", name.data);
	}
	buf_free(&name);
	actes_xml_add(root, ns, "DocumentPapier", a->document_papier ? "O" : "N");
	actes_xml_finish(doc, out);
}

void actes_build_envelope_xml(buf *out, const struct actes_acte *a, const char *const *formulaires, size_t n)
{
	xmlNodePtr root;
	xmlNsPtr ns;
	xmlDocPtr doc = actes_xml_new("EnveloppeCLMISILL", &root, &ns);
	xmlNsPtr insee = xmlSearchNsByHref(doc, root, (const xmlChar *)INSEE_NS);
	xmlNodePtr em = actes_xml_add(root, ns, "Emetteur", NULL);
	xmlNodePtr idcl = actes_xml_add(em, ns, "IDCL", NULL);
	actes_xml_attr(idcl, insee, "SIREN", a->siren);
	actes_xml_attr(idcl, ns, "Departement", a->departement);
	actes_xml_attr(idcl, ns, "Arrondissement", a->arrondissement);
	actes_xml_attr(idcl, ns, "Nature", a->nature_collectivite);
	if (a->referent_nom || a->referent_telephone || a->referent_email) {
		xmlNodePtr ref = actes_xml_add(em, ns, "Referent", NULL);
		if (a->referent_nom)
			actes_xml_add(ref, ns, "Nom", a->referent_nom);
		if (a->referent_telephone)
			actes_xml_add(ref, ns, "Telephone", a->referent_telephone);
		if (a->referent_email && *a->referent_email)
			actes_xml_add(ref, ns, "Email", a->referent_email);
	}
	xmlNodePtr ad = actes_xml_add(root, ns, "AdressesRetour", NULL);
	for (size_t i = 0; i < a->n_adresses_retour; i++)
		actes_xml_add(ad, ns, "Email", a->adresses_retour[i]);
	xmlNodePtr fe = actes_xml_add(root, ns, "FormulairesEnvoyes", NULL);
	for (size_t i = 0; i < n; i++)
		actes_xml_fichier(fe, ns, "Formulaire", formulaires[i]);
	actes_xml_finish(doc, out);
}

void actes_build_annulation_xml(buf *out, const char *id_acte)
{
	xmlNodePtr root;
	xmlNsPtr ns;
	xmlDocPtr doc = actes_xml_new("Annulation", &root, &ns);
	actes_xml_attr(root, ns, "IDActe", id_acte);
	actes_xml_finish(doc, out);
}

void actes_build_demande_classification_xml(buf *out, const char *date)
{
	xmlNodePtr root;
	xmlNsPtr ns;
	xmlDocPtr doc = actes_xml_new("DemandeClassification", &root, &ns);
	if (date && *date)
		actes_xml_add(root, ns, "DateClassification", date);
	actes_xml_finish(doc, out);
}

static const struct {
	enum actes_reponse_kind kind;
	const char *root, *code;
	int several;   /* Documents/Document+ instead of one Document */
} reponses[] = {
	{ ACTES_REP_COURRIER_SIMPLE, "ReponseCourrierSimple", "2-2", 0 },
	{ ACTES_REP_REFUS_PIECES, "RefusPieceComplementaire", "3-3", 0 },
	{ ACTES_REP_PIECES, "PieceComplementaire", "3-4", 1 },
	{ ACTES_REP_REJET_OBSERVATIONS, "RejetLettreObservations", "4-3", 0 },
	{ ACTES_REP_REPONSE_OBSERVATIONS, "ReponseLettreObservations", "4-4", 0 },
};

const char *actes_reponse_code(enum actes_reponse_kind k)
{
	for (size_t i = 0; i < sizeof reponses / sizeof reponses[0]; i++)
		if (reponses[i].kind == k)
			return reponses[i].code;
	return "";
}

void actes_build_reponse_xml(buf *out, enum actes_reponse_kind k, const char *id_acte, const char *date_courrier,
			     const char *const *fichiers, size_t n)
{
	size_t i = 0;
	while (i < sizeof reponses / sizeof reponses[0] && reponses[i].kind != k)
		i++;
	if (i == sizeof reponses / sizeof reponses[0])
		return;
	xmlNodePtr root;
	xmlNsPtr ns;
	xmlDocPtr doc = actes_xml_new(reponses[i].root, &root, &ns);
	actes_xml_attr(root, ns, "IDActe", id_acte);
	actes_xml_attr(root, ns, "DateCourrierPref", date_courrier);
	if (reponses[i].several) {
		xmlNodePtr docs = actes_xml_add(root, ns, "Documents", NULL);
		for (size_t f = 0; f < n; f++)
			actes_xml_fichier(docs, ns, "Document", fichiers[f]);
	} else if (n > 0) {
		actes_xml_fichier(root, ns, "Document", fichiers[0]);
	}
	actes_xml_finish(doc, out);
}
