/* actes_pref: what the prefecture sends — acknowledgements (1-2, 6-2, 3-5, 4-5), anomalies (1-3),
 * letters (2-1, 3-1, 4-1, 5-1) and its envelope — built for the S2LOW test peer and the demo, valid
 * against actesv1_1.xsd like everything Opale writes. */
#include <string.h>

#include "actes/actes_priv.h"

/* ActeRecu: the act's DonneesActe as the prefecture received it (read, then written again). */
static int add_acte_recu(xmlNodePtr root, xmlNsPtr ns, const char *acte_xml, size_t len, struct err *e)
{
	struct actes_message m;
	if (actes_message_parse(acte_xml, len, &m, e) < 0)
		return -1;
	if (m.type->kind != ACTES_MSG_ACTE) {
		actes_message_free(&m);
		return err_set(e, 422, "actes.racine", "le formulaire reçu n'est pas un Acte");
	}
	const struct actes_donnees *d = &m.acte;
	xmlNodePtr n = actes_xml_add(root, ns, "ActeRecu", NULL);
	char v[32];
	actes_xml_attr(n, ns, "Date", d->date ? d->date : "");
	actes_xml_attr(n, ns, "NumeroInterne", d->numero ? d->numero : "");
	snprintf(v, sizeof v, "%d", d->nature);
	actes_xml_attr(n, ns, "CodeNatureActe", v);
	for (int i = 0; i < d->n_matiere; i++) {
		char name[32];
		snprintf(name, sizeof name, "CodeMatiere%d", i + 1);
		snprintf(v, sizeof v, "%d", d->matiere[i]);
		actes_xml_attr(actes_xml_add(n, ns, name, NULL), ns, "CodeMatiere", v);
	}
	actes_xml_add(n, ns, "Objet", d->objet ? d->objet : "");
	if (d->precedent_id)
		actes_xml_attr(actes_xml_add(n, ns, "PrecedentIdentifiantActe", NULL), ns, "IDActe", d->precedent_id);
	actes_xml_add(n, ns, "ClassificationDateVersion", d->classification_date ? d->classification_date : "");
	actes_xml_fichier(n, ns, "Document", d->document.nom);
	xmlNodePtr ann = actes_xml_add(n, ns, "Annexes", NULL);
	snprintf(v, sizeof v, "%zu", d->n_annexes);
	actes_xml_attr(ann, ns, "Nombre", v);
	for (size_t i = 0; i < d->n_annexes; i++)
		actes_xml_fichier(ann, ns, "Annexe", d->annexes[i].nom);
	actes_xml_add(n, ns, "DocumentPapier", d->document_papier > 0 ? "O" : "N");
	actes_message_free(&m);
	return 0;
}

int actes_build_ar_acte_xml(buf *out, const char *acte_xml, size_t len, const char *id_acte, const char *date,
			    const char *classification_date, struct err *e)
{
	xmlNodePtr root;
	xmlNsPtr ns;
	xmlDocPtr doc = actes_xml_new("ARActe", &root, &ns);
	actes_xml_attr(root, ns, "IDActe", id_acte);
	actes_xml_attr(root, ns, "DateReception", date);
	if (add_acte_recu(root, ns, acte_xml, len, e) < 0) {
		xmlFreeDoc(doc);
		return -1;
	}
	actes_xml_add(root, ns, "ClassificationDateVersionEnCours", classification_date);
	actes_xml_finish(doc, out);
	return 0;
}

int actes_build_anomalie_acte_xml(buf *out, const char *acte_xml, size_t len, const char *date, const char *nature,
				  const char *detail, const char *classification_date, struct err *e)
{
	xmlNodePtr root;
	xmlNsPtr ns;
	xmlDocPtr doc = actes_xml_new("AnomalieActe", &root, &ns);
	actes_xml_add(root, ns, "Date", date);
	actes_xml_add(root, ns, "Nature", nature);
	if (detail && *detail)
		actes_xml_add(root, ns, "Detail", detail);
	if (add_acte_recu(root, ns, acte_xml, len, e) < 0) {
		xmlFreeDoc(doc);
		return -1;
	}
	actes_xml_add(root, ns, "ClassificationDateVersionEnCours", classification_date);
	actes_xml_finish(doc, out);
	return 0;
}

int actes_build_courrier_xml(buf *out, enum actes_msg_kind kind, const char *id_acte, const char *date,
			     const char *texte, const char *const *fichiers, size_t n)
{
	const struct actes_msg_type *t = actes_msg_type_get(kind);
	if (!t || (kind != ACTES_MSG_COURRIER_SIMPLE && kind != ACTES_MSG_DEMANDE_PIECES &&
		   kind != ACTES_MSG_LETTRE_OBSERVATIONS && kind != ACTES_MSG_DEFERE_TA))
		return -1;
	xmlNodePtr root;
	xmlNsPtr ns;
	xmlDocPtr doc = actes_xml_new(t->root, &root, &ns);
	actes_xml_attr(root, ns, "IDActe", id_acte);
	if (kind == ACTES_MSG_DEFERE_TA) {
		actes_xml_add(root, ns, "DateDepot", date);
		actes_xml_add(root, ns, "NatureIllegalite", texte ? texte : "");
		xmlNodePtr pj = actes_xml_add(root, ns, "PiecesJointes", NULL);
		for (size_t i = 0; i < n; i++)
			actes_xml_fichier(pj, ns, "PieceJointe", fichiers[i]);
	} else {
		actes_xml_attr(root, ns, "DateCourrierPref", date);
		if (kind == ACTES_MSG_DEMANDE_PIECES)
			actes_xml_add(root, ns, "DescriptionPieces", texte ? texte : "");
		else if (kind == ACTES_MSG_LETTRE_OBSERVATIONS)
			actes_xml_add(root, ns, "Motif", texte ? texte : "");
		actes_xml_fichier(root, ns, "Document", n ? fichiers[0] : "");
	}
	actes_xml_finish(doc, out);
	return 0;
}

void actes_build_ar_annulation_xml(buf *out, const char *id_acte, const char *date)
{
	xmlNodePtr root;
	xmlNsPtr ns;
	xmlDocPtr doc = actes_xml_new("ARAnnulation", &root, &ns);
	actes_xml_attr(root, ns, "IDActe", id_acte);
	actes_xml_attr(root, ns, "DateReception", date);
	actes_xml_finish(doc, out);
}

int actes_build_ar_reponse_xml(buf *out, enum actes_msg_kind kind, const char *date, const char *id_acte,
			       const char *date_courrier)
{
	if (kind != ACTES_MSG_AR_PIECES && kind != ACTES_MSG_AR_REPONSE_OBSERVATIONS)
		return -1;
	xmlNodePtr root;
	xmlNsPtr ns;
	xmlDocPtr doc = actes_xml_new(actes_msg_type_get(kind)->root, &root, &ns);
	actes_xml_attr(root, ns, "DateReception", date);
	xmlNodePtr info = actes_xml_add(root, ns, "InfosCourrierPref", NULL);
	actes_xml_attr(info, ns, "IDActe", id_acte);
	actes_xml_attr(info, ns, "DateCourrierPref", date_courrier);
	actes_xml_finish(doc, out);
	return 0;
}

void actes_build_envelope_mi_xml(buf *out, const char *departement, const char *arrondissement,
				 const char *siren, const char *const *formulaires, size_t n)
{
	xmlNodePtr root;
	xmlNsPtr ns;
	xmlDocPtr doc = actes_xml_new("EnveloppeMISILLCL", &root, &ns);
	xmlNsPtr insee = xmlSearchNsByHref(doc, root, (const xmlChar *)INSEE_NS);
	xmlNodePtr em = actes_xml_add(root, ns, "Emetteur", NULL);
	xmlNodePtr id = actes_xml_add(em, ns, arrondissement ? "IDSousPref" : "IDPref", NULL);
	actes_xml_attr(id, ns, "Departement", departement);
	if (arrondissement)
		actes_xml_attr(id, ns, "Arrondissement", arrondissement);
	xmlNodePtr fe = actes_xml_add(root, ns, "FormulairesEnvoyes", NULL);
	for (size_t i = 0; i < n; i++)
		actes_xml_fichier(fe, ns, "Formulaire", formulaires[i]);
	actes_xml_attr(actes_xml_add(root, ns, "Destinataire", NULL), insee, "SIREN", siren);
	actes_xml_finish(doc, out);
}
