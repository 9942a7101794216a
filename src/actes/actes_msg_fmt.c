/* actes_msg_fmt: a parsed ACTES message shown to people (French summary) or to programs (JSON). */
#include <string.h>

#include "actes/actes_priv.h"

static void line(buf *out, const char *label, const char *v)
{
	if (v && *v)
		buf_printf(out, "  %s : %s\n", label, v);
}

static void format_donnees(buf *out, const struct actes_donnees *d)
{
	const struct actes_nature *n = actes_nature_get(d->nature);
	line(out, "Numéro interne", d->numero);
	line(out, "Date de décision", d->date);
	buf_printf(out, "  Nature : %d%s%s\n", d->nature, n ? " " : "", n ? n->label : "");
	if (d->n_matiere) {
		buf_puts(out, "  Matière : ");
		for (int i = 0; i < d->n_matiere; i++)
			buf_printf(out, "%s%d", i ? "." : "", d->matiere[i]);
		buf_putc(out, '\n');
	}
	line(out, "Objet", d->objet);
	line(out, "Classification utilisée", d->classification_date);
	line(out, "Document", d->document.nom);
	for (size_t i = 0; i < d->n_annexes; i++)
		line(out, "Annexe", d->annexes[i].nom);
	if (d->document_papier >= 0)
		line(out, "Envoi papier", d->document_papier ? "oui" : "non");
}

void actes_message_format(buf *out, const struct actes_message *m)
{
	buf_printf(out, "%s%s%s (%s)\n", m->type->code, *m->type->code ? " " : "", m->type->label, m->type->root);
	line(out, "Identifiant de l'acte", m->id_acte);
	if (m->type->kind == ACTES_MSG_AR_ACTE || m->type->kind == ACTES_MSG_AR_ANNULATION ||
	    m->type->kind == ACTES_MSG_AR_PIECES || m->type->kind == ACTES_MSG_AR_REPONSE_OBSERVATIONS)
		line(out, "Date de réception", m->date);
	else if (m->type->kind == ACTES_MSG_ANOMALIE_ACTE || m->type->kind == ACTES_MSG_ANOMALIE_ENVELOPPE)
		line(out, "Date de l'anomalie", m->date);
	line(out, "Date du courrier", m->date_courrier);
	line(out, "Nature de l'anomalie", m->anomalie_nature);
	line(out, "Détail", m->detail);
	line(out, "Date de dépôt", m->date_depot);
	line(out, m->type->kind == ACTES_MSG_DEFERE_TA ? "Nature de l'illégalité"
		  : m->type->kind == ACTES_MSG_LETTRE_OBSERVATIONS ? "Motif" : "Pièces demandées", m->texte);
	line(out, "Classification en vigueur", m->classification_date_en_cours);
	line(out, "Date de classification", m->date_classification);
	if (m->acte.numero || m->acte.date)
		format_donnees(out, &m->acte);
	for (size_t i = 0; i < m->n_documents; i++)
		line(out, "Document", m->documents[i].nom);
	const struct actes_enveloppe *v = &m->enveloppe;
	if (v->emetteur) {
		buf_printf(out, "  Émetteur : %s", v->emetteur);
		if (v->siren)
			buf_printf(out, " SIREN %s", v->siren);
		if (v->departement)
			buf_printf(out, " département %s", v->departement);
		if (v->arrondissement)
			buf_printf(out, " arrondissement %s", v->arrondissement);
		buf_putc(out, '\n');
		line(out, "Référent", v->referent_nom);
		for (size_t i = 0; i < v->n_adresses_retour; i++)
			line(out, "Adresse de retour", v->adresses_retour[i]);
		for (size_t i = 0; i < v->n_formulaires; i++)
			line(out, "Formulaire", v->formulaires[i]);
		line(out, "Destinataire (SIREN)", v->destinataire_siren);
	}
	if (m->type->kind == ACTES_MSG_RETOUR_CLASSIFICATION) {
		size_t types = 0;
		for (size_t i = 0; i < m->classification.n_natures; i++)
			types += m->classification.natures[i].n_types;
		buf_printf(out, "  %zu natures, %zu types de pièces, %zu matières de premier niveau\n",
			   m->classification.n_natures, types, m->classification.n_matieres);
	}
	buf_printf(out, "  Schéma : %s\n", m->schema_shape == 2 ? "conforme à actesv1_1.xsd"
					   : m->schema_shape == 1 ? "conforme à l'ancienne forme du schéma seulement"
								  : "non conforme");
	if (m->schema_shape < 2 && m->schema_error)
		buf_printf(out, "  Écart au schéma : %s\n", m->schema_error);
}

static void jkey(buf *out, int *first, const char *key)
{
	buf_puts(out, *first ? "" : ",");
	*first = 0;
	buf_json_str(out, key);
	buf_putc(out, ':');
}

static void jstr(buf *out, int *first, const char *key, const char *v)
{
	if (!v)
		return;
	jkey(out, first, key);
	buf_json_str(out, v);
}

static void jfiles(buf *out, int *first, const char *key, const struct actes_fichier *f, size_t n)
{
	jkey(out, first, key);
	buf_putc(out, '[');
	for (size_t i = 0; i < n; i++) {
		buf_puts(out, i ? "," : "");
		buf_json_str(out, f[i].nom);
	}
	buf_putc(out, ']');
}

static void json_donnees(buf *out, const struct actes_donnees *d)
{
	int first = 1;
	buf_putc(out, '{');
	jstr(out, &first, "numero", d->numero);
	jstr(out, &first, "date", d->date);
	jkey(out, &first, "nature");
	buf_printf(out, "%d", d->nature);
	jkey(out, &first, "matiere");
	buf_putc(out, '[');
	for (int i = 0; i < d->n_matiere; i++)
		buf_printf(out, "%s%d", i ? "," : "", d->matiere[i]);
	buf_putc(out, ']');
	jstr(out, &first, "objet", d->objet);
	jstr(out, &first, "classification_date", d->classification_date);
	jstr(out, &first, "document", d->document.nom);
	jfiles(out, &first, "annexes", d->annexes, d->n_annexes);
	if (d->document_papier >= 0) {
		jkey(out, &first, "document_papier");
		buf_puts(out, d->document_papier ? "true" : "false");
	}
	buf_putc(out, '}');
}

void actes_message_json(buf *out, const struct actes_message *m)
{
	int first = 1;
	buf_putc(out, '{');
	jstr(out, &first, "type", m->type->root);
	jstr(out, &first, "code", m->type->code);
	jstr(out, &first, "libelle", m->type->label);
	jkey(out, &first, "schema");
	buf_printf(out, "%d", m->schema_shape);
	jstr(out, &first, "ecart_schema", m->schema_shape < 2 ? m->schema_error : NULL);
	jstr(out, &first, "id_acte", m->id_acte);
	jstr(out, &first, "date", m->date);
	jstr(out, &first, "date_courrier", m->date_courrier);
	jstr(out, &first, "nature_anomalie", m->anomalie_nature);
	jstr(out, &first, "detail", m->detail);
	jstr(out, &first, "texte", m->texte);
	jstr(out, &first, "date_depot", m->date_depot);
	jstr(out, &first, "classification_date_en_cours", m->classification_date_en_cours);
	jstr(out, &first, "date_classification", m->date_classification);
	if (m->acte.numero || m->acte.date) {
		jkey(out, &first, "acte");
		json_donnees(out, &m->acte);
	}
	if (m->n_documents)
		jfiles(out, &first, "documents", m->documents, m->n_documents);
	if (m->enveloppe.emetteur) {
		const struct actes_enveloppe *v = &m->enveloppe;
		jkey(out, &first, "enveloppe");
		int f2 = 1;
		buf_putc(out, '{');
		jstr(out, &f2, "emetteur", v->emetteur);
		jstr(out, &f2, "siren", v->siren);
		jstr(out, &f2, "departement", v->departement);
		jstr(out, &f2, "arrondissement", v->arrondissement);
		jstr(out, &f2, "destinataire_siren", v->destinataire_siren);
		jkey(out, &f2, "formulaires");
		buf_putc(out, '[');
		for (size_t i = 0; i < v->n_formulaires; i++) {
			buf_puts(out, i ? "," : "");
			buf_json_str(out, v->formulaires[i]);
		}
		buf_puts(out, "]}");
	}
	buf_putc(out, '}');
}
