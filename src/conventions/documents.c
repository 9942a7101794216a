/* documents: a convention as a PDF sheet (what goes into the parapheur for signature: parties, terms
 * with their computed dates, action sheets, budget) and a review (bilan) as a PDF — cairo/pango
 * through web/pdfdoc.h. Both take the object cv_get returns. */
#include <stdio.h>
#include <string.h>

#include "conventions/conventions_db.h"
#include "web/pdfdoc.h"

static const char *s(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

static void line(pdfdoc *p, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	char b[4096];
	snprintf(b, sizeof b, "%s : %s", label, value);
	pdfdoc_para(p, b);
}

int cv_pdf(json_t *c, const char *path, struct err *e)
{
	pdfdoc *p = pdfdoc_new(path, s(c, "titre"), e);
	if (!p)
		return -1;
	pdfdoc_title(p, s(c, "titre"));
	line(p, "Référence", s(c, "reference"));
	line(p, "Objet", s(c, "objet"));
	pdfdoc_heading(p, "Parties");
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(c, "parties"), i, x) {
		char b[2048];
		snprintf(b, sizeof b, "%s%s%s%s%s%s%s", s(x, "nom"), *s(x, "representant") ? ", représentée par " : "", s(x, "representant"),
			 *s(x, "fonction") ? ", " : "", s(x, "fonction"), *s(x, "habilitation") ? " — " : "", s(x, "habilitation"));
		pdfdoc_para(p, b);
	}
	pdfdoc_heading(p, "Durée, renouvellement, résiliation");
	char b[1024];
	snprintf(b, sizeof b, "du %s au %s (échéance de la période en cours)", s(c, "periode_debut_fr"), s(c, "echeance_fr"));
	line(p, "Prise d'effet", s(c, "debut"));
	line(p, "Période", b);
	line(p, "Renouvellement", s(c, "renouvellement_libelle"));
	line(p, "Fin au plus tard", s(c, "fin_possible_fr"));
	line(p, "Résiliation", s(c, "resiliation_effet_libelle"));
	line(p, "Préavis", s(c, "preavis"));
	line(p, "Forme", s(c, "resiliation_forme"));
	line(p, "Bilans", s(c, "bilan_libelle"));
	pdfdoc_heading(p, "Conditions financières");
	line(p, "Montant", s(json_object_get(c, "montant"), "fr"));
	line(p, "Conditions", s(c, "conditions_financieres"));
	line(p, "Délibération", s(c, "deliberation"));
	json_array_foreach(json_object_get(c, "fiches"), i, x) {
		snprintf(b, sizeof b, "Fiche-action %zu — %s", i + 1, s(x, "intitule"));
		pdfdoc_heading(p, b);
		line(p, "Référence", s(x, "reference"));
		line(p, "Thématique – axe stratégique", s(x, "axe"));
		line(p, "Contexte et besoin du territoire", s(x, "contexte"));
		line(p, "Descriptif de l'action", s(x, "descriptif"));
		line(p, "Objectifs", s(x, "objectifs"));
		line(p, "Périmètre d'intervention", s(x, "perimetre"));
		line(p, "Intervenants", s(x, "intervenants"));
		line(p, "Calendrier", s(x, "calendrier"));
		line(p, "Livrables et indicateurs", s(x, "livrables"));
		snprintf(b, sizeof b, "%s %s%s", s(json_object_get(x, "budget"), "fr"), s(x, "taxes"),
			 json_integer_value(json_object_get(x, "fongible")) ? " (fongible avec les autres fiches-action)" : "");
		line(p, "Budget de l'action", b);
		line(p, "Partenariats / financement", s(x, "financement"));
	}
	json_t *lines = json_object_get(json_object_get(c, "budget"), "lignes");
	if (json_array_size(lines)) {
		pdfdoc_heading(p, "Budget");
		static const double w[] = { 0.40, 0.15, 0.10, 0.15, 0.20 };
		const char *head[] = { "Libellé", "Financeur", "Année", "Formule", "Montant" };
		pdfdoc_row(p, 5, w, head, 1);
		json_array_foreach(lines, i, x) {
			char year[16];
			snprintf(year, sizeof year, "%lld", (long long)json_integer_value(json_object_get(x, "annee")));
			const char *cells[] = { s(x, "libelle"), s(x, "financeur"), year, s(x, "formule"), s(json_object_get(x, "montant"), "fr") };
			pdfdoc_row(p, 5, w, cells, 0);
		}
		const char *tot[] = { "Total", "", "", "", s(json_object_get(json_object_get(c, "budget"), "total"), "fr") };
		pdfdoc_row(p, 5, w, tot, 1);
	}
	pdfdoc_heading(p, "Signatures");
	json_array_foreach(json_object_get(c, "parties"), i, x) {
		snprintf(b, sizeof b, "Pour %s : %s #signature#", s(x, "nom"), s(x, "representant"));
		pdfdoc_para(p, b);
	}
	return pdfdoc_finish(p, e);
}

int cv_bilan_pdf(json_t *c, json_t *bilan, const char *path, struct err *e)
{
	char b[2048];
	snprintf(b, sizeof b, "Bilan du %s", s(bilan, "echeance"));
	pdfdoc *p = pdfdoc_new(path, b, e);
	if (!p)
		return -1;
	pdfdoc_title(p, b);
	line(p, "Convention", s(c, "titre"));
	line(p, "Partenaire", s(c, "partenaire"));
	line(p, "Périodicité", s(c, "bilan_libelle"));
	pdfdoc_heading(p, "Indicateurs");
	json_t *ind = json_loads(s(bilan, "indicateurs"), 0, NULL);
	const char *k;
	json_t *v;
	static const double w[] = { 0.7, 0.3 };
	const char *head[] = { "Indicateur", "Valeur" };
	pdfdoc_row(p, 2, w, head, 1);
	json_object_foreach(ind, k, v) {
		const char *cells[] = { k, json_is_string(v) ? json_string_value(v) : "" };
		pdfdoc_row(p, 2, w, cells, 0);
	}
	json_decref(ind);
	line(p, "Commentaire", s(bilan, "commentaire"));
	json_t *fiches = json_object_get(c, "fiches");
	size_t i;
	json_t *x;
	if (json_array_size(fiches)) {
		pdfdoc_heading(p, "Fiches-action et livrables attendus");
		json_array_foreach(fiches, i, x) {
			snprintf(b, sizeof b, "%zu. %s — %s", i + 1, s(x, "intitule"), s(x, "livrables"));
			pdfdoc_para(p, b);
		}
	}
	json_t *bud = json_object_get(c, "budget");
	if (json_array_size(json_object_get(bud, "lignes"))) {
		pdfdoc_heading(p, "Budget");
		snprintf(b, sizeof b, "Engagé %s ; payé %s ; reste %s.", s(json_object_get(bud, "total"), "fr"), s(json_object_get(bud, "paye"), "fr"),
			 s(json_object_get(bud, "reste"), "fr"));
		pdfdoc_para(p, b);
	}
	return pdfdoc_finish(p, e);
}
