/* actes_rules: every rule an act passes before it is sent — the fields (numbering, objet, dates,
 * identifiers), the classification (matière, version, piece types) and the files (presence, types,
 * sizes) — each violation named with a stable code. Shared by the builder and the archive check. */
#include <ctype.h>
#include <string.h>

#include "actes/actes_priv.h"

/* The XSD's Email pattern: local@domain.tld with tld of 2 to 6 letters. */
static int segments_ok(const char *s, size_t n, const char *extra, int min_segments, int letters_tld)
{
	int segs = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (i == start)
				return 0;
			segs++;
			if (i == n && letters_tld) {
				size_t tl = i - start;
				if (tl < 2 || tl > 6)
					return 0;
				for (size_t k = start; k < i; k++)
					if (!isalpha((unsigned char)s[k]))
						return 0;
			}
			start = i + 1;
		} else if (!isalnum((unsigned char)s[i]) && !strchr(extra, s[i])) {
			return 0;
		}
	}
	return segs >= min_segments;
}

static int email_valid(const char *s)
{
	const char *at = s ? strchr(s, '@') : NULL;
	if (!at || strchr(at + 1, '@'))
		return 0;
	return segments_ok(s, (size_t)(at - s), "_-", 1, 0) && segments_ok(at + 1, strlen(at + 1), "-", 2, 1);
}

static void check_collectivite(const struct actes_acte *a, const char *file, struct actes_report *r)
{
	if (!actes_siren_valid(a->siren))
		actes_report_add(r, "actes.siren", file, "SIREN « %s » invalide (9 chiffres attendus)", a->siren ? a->siren : "");
	if (!actes_departement_valid(a->departement))
		actes_report_add(r, "actes.departement", file, "département « %s » invalide (3 caractères : 062, 02A, 974…)",
				 a->departement ? a->departement : "");
	if (!actes_arrondissement_valid(a->arrondissement))
		actes_report_add(r, "actes.arrondissement", file, "arrondissement « %s » invalide (un chiffre)",
				 a->arrondissement ? a->arrondissement : "");
	/* Two digits, as the XSD says; the ministry's table (actes_nature_collectivite_label) names the
	 * usual codes but real archives carry others (Stela's sample: 02), so it is not enforced. */
	const char *nc = a->nature_collectivite;
	if (!nc || strlen(nc) != 2 || !isdigit((unsigned char)nc[0]) || !isdigit((unsigned char)nc[1]))
		actes_report_add(r, "actes.nature_collectivite", file,
				 "nature de collectivité « %s » invalide : code à 2 chiffres (31 commune, 44 communauté de "
				 "communes…)", nc ? nc : "");
	for (size_t i = 0; i < a->n_adresses_retour; i++)
		if (!email_valid(a->adresses_retour[i]))
			actes_report_add(r, "actes.email", file, "adresse de retour « %s » invalide", a->adresses_retour[i]);
	if (a->referent_email && *a->referent_email && !email_valid(a->referent_email))
		actes_report_add(r, "actes.email", file, "adresse du référent « %s » invalide", a->referent_email);
	if (a->sequence < 1 || a->sequence > ACTES_SERIAL_MAX)
		actes_report_add(r, "actes.sequence", file, "numéro d'enveloppe %d hors de 1..%d", a->sequence, ACTES_SERIAL_MAX);
	if (!a->trigramme || !*a->trigramme || strlen(a->trigramme) > 8 || strspn(a->trigramme,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != strlen(a->trigramme))
		actes_report_add(r, "actes.trigramme", file, "préfixe d'archive « %s » invalide (1 à 8 lettres ou chiffres)",
				 a->trigramme ? a->trigramme : "");
	if (!actes_date_valid(a->date_envoi))
		actes_report_add(r, "actes.date", file, "date d'envoi « %s » invalide", a->date_envoi ? a->date_envoi : "");
}

static void check_fields(const struct actes_acte *a, const struct actes_classification *c, const char *today,
			 const char *file, struct actes_report *r)
{
	struct err e = { 0 };
	if (!actes_numero_valid(a->numero))
		actes_report_add(r, "actes.numero", file,
				 "numéro interne « %s » invalide : 1 à %d caractères parmi A-Z, 0-9 et _ (majuscules)",
				 a->numero ? a->numero : "", ACTES_NUMERO_MAX);
	else if (a->numero[0] == '_' || a->numero[strlen(a->numero) - 1] == '_')
		/* S2LOW's NUMBER_REGEXP ^([A-Z0-9][A-Z0-9_]{0,13})?[A-Z0-9]$ refuses it: catch it before sending */
		actes_report_add(r, "actes.numero", file,
				 "numéro interne « %s » invalide : il ne peut ni commencer ni finir par _ (règle du TdT S2LOW)",
				 a->numero);
	if (!actes_nature_get(a->nature))
		actes_report_add(r, "actes.nature", file, "nature d'acte %d inconnue (1 à 6)", a->nature);
	if (!actes_date_valid(a->date_decision))
		actes_report_add(r, "actes.date", file, "date de décision « %s » invalide (AAAA-MM-JJ)",
				 a->date_decision ? a->date_decision : "");
	else if (today && strcmp(a->date_decision, today) > 0)
		actes_report_add(r, "actes.date", file, "la date de décision %s est dans le futur", a->date_decision);
	if (actes_objet_check(a->objet, &e) < 0)
		actes_report_add(r, e.code, file, "%s", e.msg);
	if (a->n_matiere < 0)
		actes_report_add(r, "actes.matiere", file, "classification « %s » mal formée (ex. 1.4 ou 7.1.2)",
				 a->classification ? a->classification : "");
	else if (actes_classification_check_matiere(c, a->matiere, a->n_matiere, &e) < 0)
		actes_report_add(r, e.code, file, "%s", e.msg);
	if (!actes_date_valid(a->classification_date))
		actes_report_add(r, "actes.classification_date", file, "date de classification « %s » invalide",
				 a->classification_date ? a->classification_date : "");
	else if (c && strcmp(a->classification_date, c->date) != 0)
		actes_report_add(r, "actes.classification_date", file,
				 "date de classification %s qui n'est pas à jour : la classification en vigueur est celle "
				 "du %s (la préfecture refuserait l'acte, ODT-VERIF-01)", a->classification_date, c->date);
	if (a->precedent_id && *a->precedent_id && strlen(a->precedent_id) > 41)
		actes_report_add(r, "actes.precedent_id", file, "identifiant d'acte précédent trop long");
}

static int is_budget_xml_allowed(const struct actes_acte *a)
{
	return a->nature == 5 && a->n_matiere >= 2 && a->matiere[0] == 7 && a->matiere[1] == 1;
}

/* PDF integrity at the level S2LOW refuses obviously damaged files: header and an %%EOF at the end. */
static int pdf_complete(const unsigned char *d, size_t n)
{
	size_t from = n > 1024 ? n - 1024 : 0;
	return memmem(d + from, n - from, "%%EOF", 5) != NULL;
}

static void check_piece(const struct actes_acte *a, const struct actes_classification *c, size_t idx,
			struct actes_report *r)
{
	const struct actes_piece *p = idx == 0 ? &a->acte : &a->annexes[idx - 1];
	const char *what = idx == 0 ? "l'acte" : "l'annexe";
	char label[32];
	snprintf(label, sizeof label, idx == 0 ? "acte" : "annexe %zu", idx);
	const char *name = p->name && *p->name ? p->name : label;
	struct err e = { 0 };
	if (!p->type_pj || !*p->type_pj)
		actes_report_add(r, "actes.type_piece", name, "type de pièce absent pour %s (typologie obligatoire)", what);
	else if (actes_classification_check_type(c, a->nature, p->type_pj, &e) < 0)
		actes_report_add(r, e.code, name, "%s", e.msg);
	if (!p->data) {
		actes_report_add(r, "actes.fichier_absent", name, "fichier de %s absent", what);
		return;
	}
	if (p->len == 0) {
		actes_report_add(r, "actes.fichier_vide", name, "fichier de %s vide", what);
		return;
	}
	enum actes_file_kind k = actes_file_sniff(p->data, p->len);
	if (idx == 0) {
		if (k == ACTES_FILE_XML && !is_budget_xml_allowed(a))
			actes_report_add(r, "actes.type_fichier", name,
					 "un acte au format XML n'est admis que pour un document budgétaire (nature 5, "
					 "classification 7.1)");
		else if (k != ACTES_FILE_PDF && k != ACTES_FILE_XML)
			actes_report_add(r, "actes.type_fichier", name, "l'acte est de type %s : PDF requis (ou XML pour un "
					 "document budgétaire)", actes_file_label(k));
	} else {
		const struct actes_piece *main = &a->acte;
		if (k == ACTES_FILE_OTHER)
			actes_report_add(r, "actes.type_fichier", name,
					 "type de fichier non admis : PDF, XML, PNG ou JPEG requis");
		else if (k != ACTES_FILE_PDF && main->data && actes_file_sniff(main->data, main->len) == ACTES_FILE_XML)
			actes_report_add(r, "actes.type_fichier", name,
					 "les annexes doivent être au format PDF avec un acte au format XML");
	}
	if (k == ACTES_FILE_PDF && !pdf_complete(p->data, p->len))
		actes_report_add(r, "actes.fichier_corrompu", name, "PDF incomplet ou endommagé (pas de fin de fichier %%%%EOF)");
	if (k == ACTES_FILE_XML) {
		xmlDocPtr doc = actes_xml_read((const char *)p->data, p->len, NULL, &e);
		if (!doc)
			actes_report_add(r, "actes.fichier_corrompu", name, "%s", e.msg);
		xmlFreeDoc(doc);
	}
}

void actes_acte_check(const struct actes_acte *a, const struct actes_classification *c, const char *today,
		      struct actes_report *r)
{
	check_collectivite(a, "", r);
	check_fields(a, c, today, "", r);
	size_t total = 0;
	for (size_t i = 0; i <= a->n_annexes; i++) {
		check_piece(a, c, i, r);
		total += i == 0 ? a->acte.len : a->annexes[i - 1].len;
	}
	if (total > ACTES_ARCHIVE_MAX)
		actes_report_add(r, "actes.taille", "",
				 "la taille totale des fichiers est trop importante : %zu octets (%zu au plus, limite du TdT)",
				 total, ACTES_ARCHIVE_MAX);
}
