/* actes_msg: reads every ACTES message (the 21 business messages and the envelopes) into one
 * struct, accepting both published shapes of the schema and the encodings seen in the wild, and
 * telling which shape the message follows. */
#include <stdlib.h>
#include <string.h>

#include "actes/actes_priv.h"

static const struct actes_msg_type types[] = {
	{ ACTES_MSG_ACTE, "Acte", "1-1", 0, "Transmission d'un acte" },
	{ ACTES_MSG_AR_ACTE, "ARActe", "1-2", 1, "Accusé de réception de l'acte" },
	{ ACTES_MSG_ANOMALIE_ACTE, "AnomalieActe", "1-3", 1, "Anomalie : acte refusé" },
	{ ACTES_MSG_COURRIER_SIMPLE, "CourrierSimple", "2-1", 1, "Courrier simple de la préfecture" },
	{ ACTES_MSG_REPONSE_COURRIER_SIMPLE, "ReponseCourrierSimple", "2-2", 0, "Réponse à un courrier simple" },
	{ ACTES_MSG_DEMANDE_PIECES, "DemandePieceComplementaire", "3-1", 1, "Demande de pièces complémentaires" },
	{ ACTES_MSG_AR_DEMANDE_PIECES, "ARDemandePieceComplementaire", "3-2", 0,
	  "Accusé de réception de la demande de pièces complémentaires" },
	{ ACTES_MSG_REFUS_PIECES, "RefusPieceComplementaire", "3-3", 0, "Refus explicite d'envoi de pièces complémentaires" },
	{ ACTES_MSG_PIECES, "PieceComplementaire", "3-4", 0, "Transmission de pièces complémentaires" },
	{ ACTES_MSG_AR_PIECES, "ARPieceComplementaire", "3-5", 1,
	  "Accusé de réception des pièces complémentaires (ou du refus)" },
	{ ACTES_MSG_LETTRE_OBSERVATIONS, "LettreObservations", "4-1", 1, "Lettre d'observations" },
	{ ACTES_MSG_AR_LETTRE_OBSERVATIONS, "ARLettreObservations", "4-2", 0,
	  "Accusé de réception de la lettre d'observations" },
	{ ACTES_MSG_REJET_OBSERVATIONS, "RejetLettreObservations", "4-3", 0,
	  "Refus explicite de répondre à une lettre d'observations" },
	{ ACTES_MSG_REPONSE_OBSERVATIONS, "ReponseLettreObservations", "4-4", 0, "Réponse à une lettre d'observations" },
	{ ACTES_MSG_AR_REPONSE_OBSERVATIONS, "ARReponseRejetLettreObservations", "4-5", 1,
	  "Accusé de réception de la réponse (ou du refus) à la lettre d'observations" },
	{ ACTES_MSG_DEFERE_TA, "DefereTA", "5-1", 1, "Déféré au tribunal administratif" },
	{ ACTES_MSG_ANNULATION, "Annulation", "6-1", 0, "Annulation de la transmission d'un acte" },
	{ ACTES_MSG_AR_ANNULATION, "ARAnnulation", "6-2", 1, "Accusé de réception de l'annulation" },
	{ ACTES_MSG_DEMANDE_CLASSIFICATION, "DemandeClassification", "7-1", 0, "Demande de classification" },
	{ ACTES_MSG_RETOUR_CLASSIFICATION, "RetourClassification", "7-2", 1, "Classification de la préfecture" },
	{ ACTES_MSG_CLASSIFICATION_A_JOUR, "ReponseClassificationSansChangement", "7-3", 1,
	  "Classification déjà à jour" },
	{ ACTES_MSG_ENVELOPPE_CL, "EnveloppeCLMISILL", "", 0, "Enveloppe collectivité → préfecture" },
	{ ACTES_MSG_ENVELOPPE_MI, "EnveloppeMISILLCL", "", 1, "Enveloppe préfecture → collectivité" },
	{ ACTES_MSG_ANOMALIE_ENVELOPPE, "AnomalieEnveloppe", "", 1, "Anomalie : enveloppe refusée" },
};
#define N_TYPES (sizeof types / sizeof types[0])

const struct actes_msg_type *actes_msg_type_get(enum actes_msg_kind k)
{
	for (size_t i = 0; i < N_TYPES; i++)
		if (types[i].kind == k)
			return &types[i];
	return NULL;
}

const struct actes_msg_type *actes_msg_type_by_root(const char *root)
{
	for (size_t i = 0; root && i < N_TYPES; i++)
		if (strcmp(types[i].root, root) == 0)
			return &types[i];
	return NULL;
}

static int to_int(const char *s, int dflt)
{
	if (!s || !*s)
		return dflt;
	char *end;
	long v = strtol(s, &end, 10);
	return *end || v < -1000000 || v > 1000000 ? dflt : (int)v;
}

static void read_fichier(arena *a, xmlNodePtr n, struct actes_fichier *f)
{
	f->nom = actes_dom_text(a, n, "NomFichier");
	if (!f->nom)
		f->nom = "";
	f->signe = actes_dom_child(n, "Signature") != NULL;
}

/* All children named name (of parent) as files. */
static struct actes_fichier *read_fichiers(arena *a, xmlNodePtr parent, const char *name, size_t *n)
{
	size_t count = 0;
	for (xmlNodePtr c = actes_dom_child(parent, name); c; c = actes_dom_next(c, name))
		count++;
	struct actes_fichier *f = arena_alloc(a, (count + 1) * sizeof *f);
	*n = 0;
	for (xmlNodePtr c = actes_dom_child(parent, name); c; c = actes_dom_next(c, name))
		read_fichier(a, c, &f[(*n)++]);
	return f;
}

static int papier(xmlNodePtr n)
{
	if (!n)
		return -1;
	xmlChar *v = xmlNodeGetContent(n);
	const char *s = v ? (const char *)v : "";
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	int r = (*s == 'O' || *s == 'o' || *s == '1' || *s == 't') ? 1 : (*s == 'N' || *s == 'n' || *s == '0' || *s == 'f') ? 0 : -1;
	xmlFree(v);
	return r;
}

static void read_donnees(arena *a, xmlNodePtr n, struct actes_donnees *d)
{
	memset(d, 0, sizeof *d);
	if (!n)
		return;
	d->date = actes_dom_attr(a, n, "Date");
	d->numero = actes_dom_attr(a, n, "NumeroInterne");
	d->nature = to_int(actes_dom_attr(a, n, "CodeNatureActe"), 0);
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof name, "CodeMatiere%d", i + 1);
		xmlNodePtr c = actes_dom_child(n, name);
		if (c) {
			d->matiere[i] = to_int(actes_dom_attr(a, c, "CodeMatiere"), 0);
			d->n_matiere = i + 1;
		}
	}
	d->objet = actes_dom_text(a, n, "Objet");
	d->precedent_id = actes_dom_attr(a, actes_dom_child(n, "PrecedentIdentifiantActe"), "IDActe");
	d->classification_date = actes_dom_text(a, n, "ClassificationDateVersion");
	xmlNodePtr doc = actes_dom_child(n, "Document");
	if (doc)
		read_fichier(a, doc, &d->document);
	else
		d->document.nom = "";
	xmlNodePtr ann = actes_dom_child(n, "Annexes");
	d->annexes_nombre = to_int(actes_dom_attr(a, ann, "Nombre"), -1);
	d->annexes = read_fichiers(a, ann, "Annexe", &d->n_annexes);
	d->document_papier = papier(actes_dom_child(n, "DocumentPapier"));
}

static void read_referent(arena *a, xmlNodePtr emetteur, struct actes_enveloppe *v)
{
	xmlNodePtr ref = actes_dom_child(emetteur, "Referent");
	v->referent_nom = actes_dom_text(a, ref, "Nom");
	v->referent_telephone = actes_dom_text(a, ref, "Telephone");
	v->referent_email = actes_dom_text(a, ref, "Email");
}

static void read_enveloppe(arena *a, xmlNodePtr n, struct actes_enveloppe *v)
{
	xmlNodePtr em = actes_dom_child(n, "Emetteur");
	static const char *ids[] = { "IDCL", "IDSousPref", "IDPref", "IDSGAR" };
	for (size_t i = 0; i < 4 && !v->emetteur; i++) {
		xmlNodePtr id = actes_dom_child(em, ids[i]);
		if (!id)
			continue;
		v->emetteur = ids[i];
		v->siren = actes_dom_attr(a, id, "SIREN");
		v->departement = actes_dom_attr(a, id, "Departement");
		v->arrondissement = actes_dom_attr(a, id, "Arrondissement");
		v->nature = actes_dom_attr(a, id, "Nature");
	}
	read_referent(a, em, v);
	xmlNodePtr ad = actes_dom_child(n, "AdressesRetour");
	size_t count = 0;
	for (xmlNodePtr c = actes_dom_child(ad, "Email"); c; c = actes_dom_next(c, "Email"))
		count++;
	v->adresses_retour = arena_alloc(a, (count + 1) * sizeof *v->adresses_retour);
	for (xmlNodePtr c = actes_dom_child(ad, "Email"); c; c = actes_dom_next(c, "Email")) {
		xmlChar *t = xmlNodeGetContent(c);
		v->adresses_retour[v->n_adresses_retour++] = arena_strdup(a, t ? (const char *)t : "");
		xmlFree(t);
	}
	size_t nf;
	struct actes_fichier *f = read_fichiers(a, actes_dom_child(n, "FormulairesEnvoyes"), "Formulaire", &nf);
	v->formulaires = arena_alloc(a, (nf + 1) * sizeof *v->formulaires);
	for (size_t i = 0; i < nf; i++)
		v->formulaires[i] = f[i].nom;
	v->n_formulaires = nf;
	v->destinataire_siren = actes_dom_attr(a, actes_dom_child(n, "Destinataire"), "SIREN");
}

static void read_letter(arena *a, xmlNodePtr root, struct actes_message *m)
{
	m->id_acte = actes_dom_attr(a, root, "IDActe");
	m->date_courrier = actes_dom_attr(a, root, "DateCourrierPref");
	m->date = m->date_courrier;
	xmlNodePtr docs = actes_dom_child(root, "Documents");
	if (docs)
		m->documents = read_fichiers(a, docs, "Document", &m->n_documents);
	else
		m->documents = read_fichiers(a, root, "Document", &m->n_documents);
	m->texte = actes_dom_text(a, root, "DescriptionPieces");
	if (!m->texte)
		m->texte = actes_dom_text(a, root, "Motif");
}

static int read_body(xmlNodePtr root, struct actes_message *m, struct err *e)
{
	arena *a = m->a;
	switch (m->type->kind) {
	case ACTES_MSG_ACTE:
		read_donnees(a, root, &m->acte);
		break;
	case ACTES_MSG_AR_ACTE:
	case ACTES_MSG_ANOMALIE_ACTE:
		m->id_acte = actes_dom_attr(a, root, "IDActe");
		m->date = m->type->kind == ACTES_MSG_AR_ACTE ? actes_dom_attr(a, root, "DateReception")
							     : actes_dom_text(a, root, "Date");
		m->anomalie_nature = actes_dom_text(a, root, "Nature");
		m->detail = actes_dom_text(a, root, "Detail");
		read_donnees(a, actes_dom_child(root, "ActeRecu"), &m->acte);
		m->classification_date_en_cours = actes_dom_text(a, root, "ClassificationDateVersionEnCours");
		break;
	case ACTES_MSG_AR_PIECES:
	case ACTES_MSG_AR_REPONSE_OBSERVATIONS: {
		m->date = actes_dom_attr(a, root, "DateReception");
		xmlNodePtr info = actes_dom_child(root, "InfosCourrierPref");
		m->id_acte = actes_dom_attr(a, info, "IDActe");
		m->date_courrier = actes_dom_attr(a, info, "DateCourrierPref");
		break;
	}
	case ACTES_MSG_DEFERE_TA:
		m->id_acte = actes_dom_attr(a, root, "IDActe");
		m->date_depot = actes_dom_text(a, root, "DateDepot");
		m->date = m->date_depot;
		m->texte = actes_dom_text(a, root, "NatureIllegalite");
		m->documents = read_fichiers(a, actes_dom_child(root, "PiecesJointes"), "PieceJointe", &m->n_documents);
		break;
	case ACTES_MSG_ANNULATION:
	case ACTES_MSG_AR_ANNULATION:
		m->id_acte = actes_dom_attr(a, root, "IDActe");
		m->date = actes_dom_attr(a, root, "DateReception");
		break;
	case ACTES_MSG_DEMANDE_CLASSIFICATION:
	case ACTES_MSG_CLASSIFICATION_A_JOUR:
		m->date_classification = actes_dom_text(a, root, "DateClassification");
		break;
	case ACTES_MSG_RETOUR_CLASSIFICATION:
		m->classification.a = a;
		if (actes_classification_from_doc(root, &m->classification, e) < 0)
			return -1;
		m->date_classification = m->classification.date;
		break;
	case ACTES_MSG_ENVELOPPE_CL:
	case ACTES_MSG_ENVELOPPE_MI:
		read_enveloppe(a, root, &m->enveloppe);
		break;
	case ACTES_MSG_ANOMALIE_ENVELOPPE:
		m->date = actes_dom_text(a, root, "Date");
		m->anomalie_nature = actes_dom_text(a, root, "Nature");
		m->detail = actes_dom_text(a, root, "Detail");
		read_enveloppe(a, actes_dom_child(root, "EnveloppeRecue"), &m->enveloppe);
		break;
	default: /* letters and replies: DonneesCourrierPref + documents */
		read_letter(a, root, m);
		break;
	}
	return 0;
}

struct first {
	buf b;
};

static void keep_first(void *ctx, int line, const char *msg)
{
	struct first *f = ctx;
	if (f->b.len == 0)
		buf_printf(&f->b, "ligne %d : %s", line, msg);
}

static void find_shape(xmlDocPtr doc, struct actes_message *m)
{
	struct err e = { 0 };
	xmlSchemaPtr cur = actes_schema_get(ACTES_SHAPE_CURRENT, &e);
	if (!cur) {
		m->schema_error = arena_strdup(m->a, e.msg);
		return;
	}
	struct first f = { BUF_INIT };
	if (actes_xml_validate_doc(doc, cur, keep_first, &f) == 0) {
		m->schema_shape = 2;
		buf_free(&f.b);
		return;
	}
	m->schema_error = arena_strdup(m->a, f.b.len ? f.b.data : "non conforme");
	buf_free(&f.b);
	xmlSchemaPtr old = actes_schema_get(ACTES_SHAPE_OLD, &e);
	if (old && actes_xml_validate_doc(doc, old, NULL, NULL) == 0)
		m->schema_shape = 1;
}

int actes_message_parse(const char *data, size_t len, struct actes_message *m, struct err *e)
{
	memset(m, 0, sizeof *m);
	xmlDocPtr doc = actes_xml_read(data, len, NULL, e);
	if (!doc)
		return -1;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	const struct actes_msg_type *t = actes_dom_is(root, (const char *)root->name) && root->ns
						 ? actes_msg_type_by_root((const char *)root->name) : NULL;
	if (!t) {
		err_set(e, 422, "actes.racine", "ce fichier n'est pas un message ACTES (racine « %s »%s)",
			(const char *)root->name, root->ns ? "" : " sans espace de noms ACTES");
		xmlFreeDoc(doc);
		return -1;
	}
	m->type = t;
	m->a = arena_new();
	find_shape(doc, m);
	int rc = read_body(root, m, e);
	xmlFreeDoc(doc);
	if (rc < 0)
		actes_message_free(m);
	return rc;
}

void actes_message_free(struct actes_message *m)
{
	if (m->a)
		arena_free(m->a);
	memset(m, 0, sizeof *m);
}
