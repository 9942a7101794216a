/* model: conventions in the database — create/update from one JSON object (the form, the API and the
 * demo use the same), read back with every date computed (rules.c), budget totals (budget.c), reviews
 * due and entered, alerts. Every query goes through the tenant-scoped layer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conventions/conventions_db.h"
#include "core/mem.h"
#include "db/tenant.h"
#include "mail/mail.h"
#include "search/search.h"

/* ---- helpers ----------------------------------------------------------------------------------- */

const char *cv_str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

void cv_budget_tally(json_t *line, int64_t cents, json_t *by_fin, json_t *by_year)
{
	const char *fin = *cv_str(line, "financeur") ? cv_str(line, "financeur") : "(non précisé)";
	json_t *cur = json_object_get(by_fin, fin);
	json_object_set_new(by_fin, fin, json_integer((cur ? json_integer_value(cur) : 0) + cents));
	char y[16];
	snprintf(y, sizeof y, "%lld", (long long)json_integer_value(json_object_get(line, "annee")));
	cur = json_object_get(by_year, y);
	json_object_set_new(by_year, y, json_integer((cur ? json_integer_value(cur) : 0) + cents));
}

int64_t cv_num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	if (json_is_true(v))
		return 1;
	return 0;
}

static const char *unit_token(enum cv_unit u)
{
	return u == CV_JOURS ? "jours" : u == CV_ANS ? "ans" : "mois";
}

static enum cv_unit unit_parse(const char *s)
{
	return s && strcmp(s, "jours") == 0 ? CV_JOURS : s && strcmp(s, "ans") == 0 ? CV_ANS : CV_MOIS;
}

static int opt_date(const char *s, struct date *d, const char *field, struct err *e)
{
	memset(d, 0, sizeof *d);
	if (!s || !*s)
		return 0;
	if (date_parse(s, d, NULL) < 0)
		return err_set(e, 400, "convention.date", "%s : date invalide (AAAA-MM-JJ attendu).", field);
	return 0;
}

static int duration_field(json_t *in, const char *k, struct cv_duration *du, const char *label, struct err *e)
{
	if (cv_duration_parse(cv_str(in, k), du) < 0)
		return err_set(e, 400, "convention.duree", "%s : durée illisible (« 5 ans », « 12 mois », « 30 jours »).", label);
	return 0;
}

/* Reads the terms from the JSON input (strings as typed in the form). */
static int terms_from_input(json_t *in, struct cv_terms *t, struct err *e)
{
	memset(t, 0, sizeof *t);
	if (opt_date(cv_str(in, "debut"), &t->start, "Prise d'effet", e) < 0 || opt_date(cv_str(in, "fin"), &t->end, "Fin", e) < 0 ||
	    duration_field(in, "duree", &t->duration, "Durée", e) < 0 ||
	    duration_field(in, "renouvellement_duree", &t->renewal_duration, "Durée d'un renouvellement", e) < 0 ||
	    duration_field(in, "decision_delai", &t->decision_lead, "Délai de décision", e) < 0 ||
	    duration_field(in, "preavis", &t->notice, "Préavis", e) < 0)
		return -1;
	const char *rn = cv_str(in, "renouvellement"), *ef = cv_str(in, "resiliation_effet");
	int r = *rn ? cv_renewal_parse(rn) : CV_RENOUV_AUCUN, f = *ef ? cv_effect_parse(ef) : CV_EFFET_NOTIFICATION;
	if (r < 0)
		return err_set(e, 400, "convention.renouvellement", "Renouvellement : aucun, tacite ou expres.");
	if (f < 0)
		return err_set(e, 400, "convention.resiliation", "Effet de la résiliation : notification, mois_suivant ou echeance.");
	t->renewal = (enum cv_renewal)r;
	t->effect = (enum cv_effect)f;
	t->max_renewals = t->renewal == CV_RENOUV_AUCUN ? 0 : (int)cv_num(in, "renouvellements_max");
	return cv_terms_check(t, e);
}

int cv_terms_from_json(json_t *c, struct cv_terms *t)
{
	memset(t, 0, sizeof *t);
	date_parse(cv_str(c, "debut"), &t->start, NULL);
	if (*cv_str(c, "fin"))
		date_parse(cv_str(c, "fin"), &t->end, NULL);
	t->duration = (struct cv_duration){ (int)cv_num(c, "duree_n"), unit_parse(cv_str(c, "duree_unite")) };
	t->renewal_duration = (struct cv_duration){ (int)cv_num(c, "renouvellement_duree_n"), unit_parse(cv_str(c, "renouvellement_duree_unite")) };
	t->decision_lead = (struct cv_duration){ (int)cv_num(c, "decision_delai_n"), unit_parse(cv_str(c, "decision_delai_unite")) };
	t->notice = (struct cv_duration){ (int)cv_num(c, "preavis_n"), unit_parse(cv_str(c, "preavis_unite")) };
	int r = cv_renewal_parse(cv_str(c, "renouvellement")), f = cv_effect_parse(cv_str(c, "resiliation_effet"));
	t->renewal = r < 0 ? CV_RENOUV_AUCUN : (enum cv_renewal)r;
	t->effect = f < 0 ? CV_EFFET_NOTIFICATION : (enum cv_effect)f;
	t->max_renewals = (int)cv_num(c, "renouvellements_max");
	return date_valid(t->start) ? 0 : -1;
}

static int money_field(json_t *o, const char *k, int64_t *cents, const char *label, struct err *e)
{
	const char *s = cv_str(o, k);
	*cents = 0;
	json_t *v = json_object_get(o, k);
	if (json_is_integer(v)) {
		*cents = json_integer_value(v) * 100;
		return 0;
	}
	if (*s && cv_money_parse(s, cents) < 0)
		return err_set(e, 400, "convention.montant", "%s : montant illisible (« 38 000 € », « 1 234,56 »).", label);
	return 0;
}

/* ---- create / update --------------------------------------------------------------------------- */

static const char *const text_cols[] = { "reference", "titre", "objet", "partenaire", "signature_lieu", "resiliation_forme",
					 "conditions_financieres", "deliberation", "annexes", "service", "alerte_courriel", NULL };

static int write_main(db *d, int64_t tenant, int64_t user, int64_t id, json_t *in, const struct cv_terms *t, int64_t *out_id,
		      struct err *e)
{
	const char *titre = cv_str(in, "titre");
	if (strlen(titre) < 3)
		return err_set(e, 400, "convention.titre", "Le titre est obligatoire (3 caractères au moins).");
	for (int i = 0; text_cols[i]; i++)
		if (strlen(cv_str(in, text_cols[i])) > 20000)
			return err_set(e, 400, "convention.texte", "Le champ %s est trop long.", text_cols[i]);
	struct date sig;
	if (opt_date(cv_str(in, "signature_date"), &sig, "Date de signature", e) < 0)
		return -1;
	int64_t montant;
	if (money_field(in, "montant", &montant, "Montant", e) < 0)
		return -1;
	const char *bilan = cv_str(in, "bilan");
	if (*bilan && cv_review_parse(bilan) < 0)
		return err_set(e, 400, "convention.bilan", "Bilans : aucun, trimestriel, semestriel ou annuel.");
	const char *notif = cv_str(in, "resiliation_notifiee");
	struct date nd;
	if (opt_date(notif, &nd, "Notification de la résiliation", e) < 0)
		return -1;
	const char *mail = cv_str(in, "alerte_courriel");
	if (*mail && !mail_address_valid(mail))
		return err_set(e, 400, "convention.courriel", "Courriel des alertes invalide.");
	int64_t done = cv_num(in, "renouvellements_faits");
	if (done < 0 || done > t->max_renewals)
		return err_set(e, 400, "convention.renouvellements", "Renouvellements décidés : entre 0 et %d.", t->max_renewals);
	char start[11], end[11];
	date_format(t->start, start);
	if (t->end.y)
		date_format(t->end, end);
	else
		end[0] = '\0';
	int64_t now = (int64_t)time(NULL);
	/* PostgreSQL statements take 32 parameters at most here (db/pg.c): a row, then two updates. */
	if (!id) {
		int rc;
		db_stmt *s = tdb_query(d, tenant, e, &rc, "INSERT INTO conventions (tenant_id, titre, debut, created_by, created_at, updated_at)"
							  " VALUES ($1, $2, $3, $4, $5, $5) RETURNING id", "ttii", titre, start, user, now);
		if (!s)
			return -1;
		id = rc == DB_ROW ? db_col_int64(s, 0) : 0;
		db_finalize(s);
		if (!id)
			return err_set(e, 500, "db.erreur", "Enregistrement impossible.");
	} else {
		if (!tdb_exists(d, tenant, "SELECT id FROM conventions WHERE tenant_id = $1 AND id = $2", "i", id))
			return err_set(e, 404, "convention.inconnue", "Convention introuvable.");
	}
	*out_id = id;
	if (tdb_run(d, tenant, e,
		    "UPDATE conventions SET parent_id = $3, avenant_numero = $4, reference = $5, titre = $6, objet = $7, partenaire = $8,"
		    " signature_date = $9, signature_lieu = $10, debut = $11, fin = $12, duree_n = $13, duree_unite = $14, updated_at = $15"
		    " WHERE tenant_id = $1 AND id = $2",
		    "iiittttttttiti", id, cv_num(in, "parent_id"), cv_num(in, "avenant_numero"), cv_str(in, "reference"), titre, cv_str(in, "objet"),
		    cv_str(in, "partenaire"), cv_str(in, "signature_date"), cv_str(in, "signature_lieu"), start, end, (int64_t)t->duration.n,
		    unit_token(t->duration.unit), now) < 0)
		return -1;
	return tdb_run(d, tenant, e,
		       "UPDATE conventions SET renouvellement = $3, renouvellements_max = $4, renouvellements_faits = $5,"
		       " renouvellement_duree_n = $6, renouvellement_duree_unite = $7, decision_delai_n = $8, decision_delai_unite = $9,"
		       " preavis_n = $10, preavis_unite = $11, resiliation_forme = $12, resiliation_effet = $13, resiliation_notifiee = $14,"
		       " bilan = $15, montant_cents = $16, conditions_financieres = $17, deliberation = $18, annexes = $19, service = $20,"
		       " alerte_courriel = $21, parapheur_dossier = $22 WHERE tenant_id = $1 AND id = $2",
		       "itiiitititttttittttti", id, cv_renewal_token(t->renewal), (int64_t)t->max_renewals, done, (int64_t)t->renewal_duration.n,
		       unit_token(t->renewal_duration.unit), (int64_t)t->decision_lead.n, unit_token(t->decision_lead.unit), (int64_t)t->notice.n,
		       unit_token(t->notice.unit), cv_str(in, "resiliation_forme"), cv_effect_token(t->effect), notif, *bilan ? bilan : "aucun",
		       montant, cv_str(in, "conditions_financieres"), cv_str(in, "deliberation"), cv_str(in, "annexes"), cv_str(in, "service"),
		       cv_str(in, "alerte_courriel"), cv_num(in, "parapheur_dossier"));
}

int cv_add_party(db *d, int64_t tenant, int64_t conv, int ordre, json_t *p, struct err *e)
{
	if (!*cv_str(p, "nom"))
		return 0;
	return tdb_run(d, tenant, e,
		       "INSERT INTO convention_parties (tenant_id, convention_id, ordre, nom, collectivite, representant, fonction, habilitation)"
		       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", "iitittt", conv, (int64_t)ordre, cv_str(p, "nom"),
		       cv_num(p, "collectivite") ? (int64_t)1 : (int64_t)0, cv_str(p, "representant"), cv_str(p, "fonction"), cv_str(p, "habilitation"));
}

/* The checked values of an action sheet's input. */
static int fiche_check(json_t *f, int64_t *budget, const char **taxes, struct err *e)
{
	if (strlen(cv_str(f, "intitule")) < 3)
		return err_set(e, 400, "fiche.intitule", "L'intitulé de la fiche-action est obligatoire.");
	if (money_field(f, "budget", budget, "Budget de la fiche", e) < 0)
		return -1;
	*taxes = *cv_str(f, "taxes") ? cv_str(f, "taxes") : "TTC";
	if (strcmp(*taxes, "TTC") != 0 && strcmp(*taxes, "HT") != 0)
		return err_set(e, 400, "fiche.taxes", "Budget : TTC ou HT.");
	return 0;
}

int cv_add_fiche(db *d, int64_t tenant, int64_t conv, json_t *f, int64_t *id, struct err *e)
{
	int64_t budget;
	const char *taxes;
	if (fiche_check(f, &budget, &taxes, e) < 0)
		return -1;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "INSERT INTO convention_fiches (tenant_id, convention_id, reference, intitule, axe, contexte, descriptif, objectifs,"
			       " perimetre, intervenants, calendrier, livrables, budget_cents, taxes, financement, fongible, bilan)"
			       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
			       "ittttttttttittit", conv, cv_str(f, "reference"), cv_str(f, "intitule"), cv_str(f, "axe"), cv_str(f, "contexte"),
			       cv_str(f, "descriptif"), cv_str(f, "objectifs"), cv_str(f, "perimetre"), cv_str(f, "intervenants"), cv_str(f, "calendrier"),
			       cv_str(f, "livrables"), budget, taxes, cv_str(f, "financement"), cv_num(f, "fongible") ? (int64_t)1 : (int64_t)0,
			       cv_str(f, "bilan"));
	if (!s)
		return -1;
	*id = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	return 0;
}

int cv_fiche_update(db *d, int64_t tenant, int64_t conv, int64_t fiche, json_t *f, struct err *e)
{
	int64_t budget;
	const char *taxes;
	if (fiche_check(f, &budget, &taxes, e) < 0)
		return -1;
	if (tdb_run(d, tenant, e,
		    "UPDATE convention_fiches SET reference = $4, intitule = $5, axe = $6, contexte = $7, descriptif = $8, objectifs = $9,"
		    " perimetre = $10, intervenants = $11, calendrier = $12, livrables = $13, budget_cents = $14, taxes = $15, financement = $16,"
		    " fongible = $17, bilan = $18 WHERE tenant_id = $1 AND id = $2 AND convention_id = $3",
		    "iittttttttttittit", fiche, conv, cv_str(f, "reference"), cv_str(f, "intitule"), cv_str(f, "axe"), cv_str(f, "contexte"),
		    cv_str(f, "descriptif"), cv_str(f, "objectifs"), cv_str(f, "perimetre"), cv_str(f, "intervenants"), cv_str(f, "calendrier"),
		    cv_str(f, "livrables"), budget, taxes, cv_str(f, "financement"), cv_num(f, "fongible") ? (int64_t)1 : (int64_t)0, cv_str(f, "bilan")) < 0)
		return -1;
	return db_changes(d) == 1 ? cv_search_index(d, tenant, conv, e) : err_set(e, 404, "fiche.inconnue", "Fiche-action introuvable.");
}

/* The checked values of a budget line's input (the sheet it belongs to checked against conv). */
struct line_in {
	int64_t total, paid, annee;
	const char *taxes;
};
static int line_check(db *d, int64_t tenant, int64_t conv, int64_t fiche, json_t *b, struct line_in *l, struct err *e)
{
	if (strlen(cv_str(b, "libelle")) < 2)
		return err_set(e, 400, "budget.libelle", "Le libellé de la ligne de budget est obligatoire.");
	struct cv_formula f;
	if (cv_formula_eval(cv_str(b, "formule"), &f, &l->total, e) < 0 || money_field(b, "paye", &l->paid, "Montant payé", e) < 0)
		return -1;
	if (l->paid > l->total)
		return err_set(e, 400, "budget.depassement", "Le montant payé ne peut dépasser le montant engagé de la ligne.");
	l->annee = cv_num(b, "annee");
	if (l->annee < 1990 || l->annee > 2200)
		return err_set(e, 400, "budget.annee", "Année de la ligne de budget invalide.");
	struct date dd;
	if (opt_date(cv_str(b, "debut"), &dd, "Début", e) < 0 || opt_date(cv_str(b, "fin"), &dd, "Fin", e) < 0)
		return -1;
	l->taxes = *cv_str(b, "taxes") ? cv_str(b, "taxes") : "TTC";
	if (strcmp(l->taxes, "TTC") != 0 && strcmp(l->taxes, "HT") != 0)
		return err_set(e, 400, "budget.taxes", "Montant : TTC ou HT.");
	if (fiche) {
		if (!tdb_exists(d, tenant, "SELECT id FROM convention_fiches WHERE tenant_id = $1 AND id = $2 AND convention_id = $3", "ii", fiche, conv))
			return err_set(e, 400, "budget.fiche", "Fiche-action inconnue pour cette convention.");
	}
	return 0;
}

int cv_add_budget(db *d, int64_t tenant, int64_t conv, int64_t fiche, json_t *b, struct err *e)
{
	struct line_in l;
	if (line_check(d, tenant, conv, fiche, b, &l, e) < 0)
		return -1;
	return tdb_run(d, tenant, e,
		       "INSERT INTO convention_budget (tenant_id, convention_id, fiche_id, libelle, financeur, annee, debut, fin, formule,"
		       " montant_cents, taxes, paye_cents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
		       "iittitttiti", conv, fiche, cv_str(b, "libelle"), cv_str(b, "financeur"), l.annee, cv_str(b, "debut"), cv_str(b, "fin"),
		       cv_str(b, "formule"), l.total, l.taxes, l.paid);
}

int cv_budget_update(db *d, int64_t tenant, int64_t conv, int64_t line, int64_t fiche, json_t *b, struct err *e)
{
	struct line_in l;
	if (line_check(d, tenant, conv, fiche, b, &l, e) < 0)
		return -1;
	if (tdb_run(d, tenant, e,
		    "UPDATE convention_budget SET fiche_id = $4, libelle = $5, financeur = $6, annee = $7, debut = $8, fin = $9, formule = $10,"
		    " montant_cents = $11, taxes = $12, paye_cents = $13 WHERE tenant_id = $1 AND id = $2 AND convention_id = $3",
		    "iiittitttiti", line, conv, fiche, cv_str(b, "libelle"), cv_str(b, "financeur"), l.annee, cv_str(b, "debut"), cv_str(b, "fin"),
		    cv_str(b, "formule"), l.total, l.taxes, l.paid) < 0)
		return -1;
	return db_changes(d) == 1 ? 0 : err_set(e, 404, "budget.inconnue", "Ligne de budget introuvable.");
}

int cv_budget_pay(db *d, int64_t tenant, int64_t conv, int64_t line, const char *amount, struct err *e)
{
	int64_t cents;
	if (!amount || cv_money_parse(amount, &cents) < 0 || cents <= 0)
		return err_set(e, 400, "budget.paiement", "Montant du paiement : un montant positif en euros, par exemple 1 250,50.");
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT montant_cents, paye_cents FROM convention_budget WHERE tenant_id = $1 AND id = $2"
						  " AND convention_id = $3", "ii", line, conv);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "budget.inconnue", "Ligne de budget introuvable.");
	}
	int64_t total = db_col_int64(s, 0), paid = db_col_int64(s, 1);
	db_finalize(s);
	if (paid + cents > total)
		return err_set(e, 400, "budget.depassement", "Ce paiement dépasserait le montant engagé de la ligne (reste à payer : %lld,%02lld €).",
			       (long long)((total - paid) / 100), (long long)((total - paid) % 100));
	return tdb_run(d, tenant, e, "UPDATE convention_budget SET paye_cents = paye_cents + $3 WHERE tenant_id = $1 AND id = $2", "ii", line,
		       cents);
}

int cv_budget_delete(db *d, int64_t tenant, int64_t conv, int64_t line, struct err *e)
{
	if (tdb_run(d, tenant, e, "DELETE FROM convention_budget WHERE tenant_id = $1 AND id = $2 AND convention_id = $3", "ii", line, conv) < 0)
		return -1;
	return db_changes(d) == 1 ? 0 : err_set(e, 404, "budget.inconnue", "Ligne de budget introuvable.");
}

int cv_fiche_delete(db *d, int64_t tenant, int64_t conv, int64_t fiche, struct err *e)
{
	if (tdb_run(d, tenant, e, "DELETE FROM convention_fiches WHERE tenant_id = $1 AND id = $2 AND convention_id = $3", "ii", fiche, conv) < 0)
		return -1;
	if (db_changes(d) != 1)
		return err_set(e, 404, "fiche.inconnue", "Fiche-action introuvable.");
	/* its budget lines stay in the convention's budget, no longer attached to a sheet */
	return tdb_run(d, tenant, e, "UPDATE convention_budget SET fiche_id = 0 WHERE tenant_id = $1 AND convention_id = $2 AND fiche_id = $3", "ii",
		       conv, fiche);
}


static int children(db *d, int64_t tenant, int64_t id, json_t *in, struct err *e)
{
	size_t i;
	json_t *x;
	int ordre = 0;
	json_array_foreach(json_object_get(in, "parties"), i, x) if (cv_add_party(d, tenant, id, ++ordre, x, e) < 0) return -1;
	json_t *fiches = json_object_get(in, "fiches");
	int64_t fid[64] = { 0 };
	json_array_foreach(fiches, i, x) {
		if (i >= 64)
			return err_set(e, 400, "fiche.nombre", "64 fiches-action au plus.");
		if (cv_add_fiche(d, tenant, id, x, &fid[i], e) < 0)
			return -1;
	}
	json_array_foreach(json_object_get(in, "budget"), i, x) {
		int64_t k = cv_num(x, "fiche");   /* 1-based index into this input's fiches */
		if (k < 0 || k > (int64_t)json_array_size(fiches) || k > 64)
			return err_set(e, 400, "budget.fiche", "Ligne de budget rattachée à une fiche inconnue.");
		if (cv_add_budget(d, tenant, id, k ? fid[k - 1] : 0, x, e) < 0)
			return -1;
	}
	json_array_foreach(json_object_get(in, "permanences"), i, x) if (cv_perm_save(d, tenant, id, 0, x, NULL, e) < 0) return -1;
	return 0;
}

int cv_search_index(db *d, int64_t tenant, int64_t id, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT titre, reference, partenaire, objet, service, deliberation, debut, avenant_numero"
						   " FROM conventions WHERE tenant_id = $1 AND id = $2", "i", id);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return 0;
	}
	buf text = BUF_INIT;
	char *title = xstrdup(db_col_text(s, 0));
	for (int i = 1; i < 6; i++)
		buf_printf(&text, "%s ", db_col_text(s, i) ? db_col_text(s, i) : "");
	if (db_col_int64(s, 7))
		buf_printf(&text, "avenant %lld ", (long long)db_col_int64(s, 7));
	struct date start;
	int64_t at = date_parse(db_col_text(s, 6), &start, NULL) == 0 ? date_to_days(start) * 86400 : 0;
	db_finalize(s);
	/* Parties, action sheets and permanences are words people look for too. */
	static const char *const more[] = {
		"SELECT nom || ' ' || representant || ' ' || habilitation FROM convention_parties WHERE tenant_id = $1 AND convention_id = $2",
		"SELECT intitule || ' ' || axe || ' ' || reference FROM convention_fiches WHERE tenant_id = $1 AND convention_id = $2",
		"SELECT lieu FROM convention_permanences WHERE tenant_id = $1 AND convention_id = $2", NULL };
	for (int k = 0; more[k]; k++) {
		s = tdb_query(d, tenant, e, &rc, more[k], "i", id);
		while (s && rc == DB_ROW) {
			buf_printf(&text, "%s ", db_col_text(s, 0) ? db_col_text(s, 0) : "");
			rc = db_step(s, e);
		}
		if (s)
			db_finalize(s);
	}
	char url[64];
	snprintf(url, sizeof url, "/conventions/%lld", (long long)id);
	rc = search_put(d, tenant, "convention", id, title, text.data ? text.data : "", at, url, e);
	free(title);
	buf_free(&text);
	return rc;
}

int cv_save(db *d, int64_t tenant, int64_t user, int64_t id, json_t *in, int64_t *out_id, struct err *e)
{
	struct cv_terms t;
	if (terms_from_input(in, &t, e) < 0)
		return -1;
	int64_t parent = cv_num(in, "parent_id");
	if (parent) {
		int rc;
		db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT parent_id FROM conventions WHERE tenant_id = $1 AND id = $2", "i", parent);
		int ok = s && rc == DB_ROW && db_col_int64(s, 0) == 0 && parent != id;
		if (s)
			db_finalize(s);
		if (!ok)
			return err_set(e, 400, "convention.parent", "Un avenant se rattache à une convention principale existante.");
	}
	if (write_main(d, tenant, user, id, in, &t, out_id, e) < 0)
		return -1;
	if (id && json_object_get(in, "parties") &&
	    tdb_run(d, tenant, e, "DELETE FROM convention_parties WHERE tenant_id = $1 AND convention_id = $2", "i", id) < 0)
		return -1;
	if (!id)
		return children(d, tenant, *out_id, in, e) < 0 ? -1 : cv_search_index(d, tenant, *out_id, e);
	size_t i;
	json_t *x;
	int ordre = 0;
	json_array_foreach(json_object_get(in, "parties"), i, x) if (cv_add_party(d, tenant, id, ++ordre, x, e) < 0) return -1;
	return cv_search_index(d, tenant, id, e);
}

/* ---- read -------------------------------------------------------------------------------------- */

#define CONV_COLS                                                                                                      \
	"id, parent_id, avenant_numero, reference, titre, objet, partenaire, signature_date, signature_lieu, debut, fin,"  \
	" duree_n, duree_unite, renouvellement, renouvellements_max, renouvellements_faits, renouvellement_duree_n,"      \
	" renouvellement_duree_unite, decision_delai_n, decision_delai_unite, preavis_n, preavis_unite, resiliation_forme," \
	" resiliation_effet, resiliation_notifiee, bilan, montant_cents, conditions_financieres, deliberation, annexes,"   \
	" service, alerte_courriel, parapheur_dossier"
static const char *const conv_names[] = { "id", "parent_id", "avenant_numero", "reference", "titre", "objet", "partenaire",
					  "signature_date", "signature_lieu", "debut", "fin", "duree_n", "duree_unite",
					  "renouvellement", "renouvellements_max", "renouvellements_faits", "renouvellement_duree_n",
					  "renouvellement_duree_unite", "decision_delai_n", "decision_delai_unite", "preavis_n",
					  "preavis_unite", "resiliation_forme", "resiliation_effet", "resiliation_notifiee", "bilan",
					  "montant_cents", "conditions_financieres", "deliberation", "annexes", "service",
					  "alerte_courriel", "parapheur_dossier", NULL };
static const char conv_types[] = "iiittttttttittiiitititttttittttti";

/* One row into an object: names[i] → column i, typed by types[i] ('i' integer, 't' text). */
static json_t *row(db_stmt *s, const char *const *names, const char *types)
{
	json_t *o = json_object();
	for (int i = 0; names[i]; i++)
		json_object_set_new(o, names[i], types[i] == 'i' ? json_integer(db_col_int64(s, i))
								 : json_string(db_col_text(s, i) ? db_col_text(s, i) : ""));
	return o;
}

static json_t *rows(db *d, int64_t tenant, const char *sql, const char *const *names, const char *types, int64_t conv, struct err *e)
{
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, tenant, e, &rc, sql, "i", conv);
	while (s && rc == DB_ROW) {
		json_array_append_new(a, row(s, names, types));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return a;
}

static void set_date(json_t *o, const char *k, struct date d)
{
	char iso[11], fr[40];
	json_object_set_new(o, k, json_string(date_format(d, iso)));
	snprintf(fr, sizeof fr, "%02d/%02d/%04d", d.d, d.m, d.y);
	char kf[64];
	snprintf(kf, sizeof kf, "%s_fr", k);
	json_object_set_new(o, kf, json_string(fr));
}

static json_t *money_json(int64_t cents)
{
	buf fr = BUF_INIT, pl = BUF_INIT;
	cv_money_fr(&fr, cents);
	cv_money_plain(&pl, cents);
	json_t *o = json_pack("{s:I,s:s,s:s}", "centimes", (json_int_t)cents, "fr", fr.data, "euros", pl.data);
	buf_free(&fr);
	buf_free(&pl);
	return o;
}

static void add_alert(json_t *alerts, const char *type, struct date due, struct date today, const char *fmt, const char *arg)
{
	json_t *a = json_object();
	json_object_set_new(a, "type", json_string(type));
	set_date(a, "date", due);
	char msg[300], fr[16];
	snprintf(fr, sizeof fr, "%02d/%02d/%04d", due.d, due.m, due.y);
	snprintf(msg, sizeof msg, fmt, arg ? arg : fr, fr);
	json_object_set_new(a, "message", json_string(msg));
	int64_t days = date_diff_days(today, due);
	json_object_set_new(a, "jours", json_integer(days));
	json_object_set_new(a, "en_retard", json_boolean(days < 0));
	json_array_append_new(alerts, a);
}

/* Adds the computed part to a convention object c (fresh from row()). */
static void compute(db *d, int64_t tenant, json_t *c, struct date today, int horizon, struct err *e)
{
	struct cv_terms t;
	json_t *alerts = json_array();
	if (cv_terms_from_json(c, &t) < 0) {
		json_object_set_new(c, "alertes", alerts);
		return;
	}
	struct cv_status st;
	int done = (int)json_integer_value(json_object_get(c, "renouvellements_faits"));
	cv_status_at(&t, today, done, &st);
	set_date(c, "echeance", st.term);
	set_date(c, "fin_possible", st.final_end);
	set_date(c, "periode_debut", cv_period_start(&t, st.period));
	json_object_set_new(c, "periode", json_integer(st.period));
	json_object_set_new(c, "renouvellements_restants", json_integer(st.renewals_left));
	json_object_set_new(c, "renouvelable", json_boolean(st.can_renew));
	char dur[24];
	json_object_set_new(c, "duree", json_string(cv_duration_format(t.duration, dur)));
	json_object_set_new(c, "preavis", json_string(cv_duration_format(t.notice, dur)));
	json_object_set_new(c, "decision_delai", json_string(cv_duration_format(t.decision_lead, dur)));
	json_object_set_new(c, "renouvellement_duree", json_string(cv_duration_format(t.renewal_duration, dur)));
	json_object_set_new(c, "renouvellement_libelle", json_string(cv_renewal_label(t.renewal)));
	json_object_set_new(c, "resiliation_effet_libelle", json_string(cv_effect_label(t.effect)));
	int rv = cv_review_parse(json_string_value(json_object_get(c, "bilan")));
	json_object_set_new(c, "bilan_libelle", json_string(cv_review_label(rv < 0 ? CV_BILAN_AUCUN : (enum cv_review_period)rv)));
	json_object_set_new(c, "montant", money_json(json_integer_value(json_object_get(c, "montant_cents"))));
	const char *etat;
	struct date notif, effect = { 0, 0, 0 };
	int resiliee = 0;
	if (date_parse(cv_str(c, "resiliation_notifiee"), &notif, NULL) == 0) {
		int capped;
		effect = cv_termination_effect(&t, notif, done, &capped);
		set_date(c, "resiliation_effet_date", effect);
		json_object_set_new(c, "resiliation_plafonnee", json_boolean(capped));
		resiliee = date_cmp(today, effect) >= 0;
	}
	if (resiliee)
		etat = "resiliee";
	else if (!st.started)
		etat = "a_venir";
	else if (st.ended)
		etat = "terminee";
	else
		etat = "en_vigueur";
	json_object_set_new(c, "etat", json_string(etat));
	json_object_set_new(c, "etat_libelle", json_string(strcmp(etat, "resiliee") == 0 ? "Résiliée" : strcmp(etat, "a_venir") == 0 ? "À venir"
									 : strcmp(etat, "terminee") == 0 ? "Terminée" : "En vigueur"));
	int live = !resiliee && !st.ended;
	if (live && effect.y) {
		add_alert(alerts, "resiliation", effect, today, "Résiliation notifiée : la convention prend fin le %2$s.", "");
	} else if (live) {
		int64_t to_term = date_diff_days(today, st.term);
		if (st.can_renew && t.renewal == CV_RENOUV_EXPRES && date_diff_days(today, st.decision) <= horizon)
			add_alert(alerts, "decision", st.decision, today, "Reconduction expresse : décision à prendre au plus tard le %2$s.", "");
		if (st.can_renew && t.renewal == CV_RENOUV_TACITE && date_diff_days(today, st.notice_deadline) <= horizon &&
		    date_diff_days(today, st.notice_deadline) >= 0)
			add_alert(alerts, "preavis", st.notice_deadline, today,
				  "Reconduction tacite : pour ne pas reconduire, dénoncer au plus tard le %2$s.", "");
		if (!st.can_renew && to_term <= horizon)
			add_alert(alerts, "echeance", st.term, today, "Fin de la convention le %2$s (plus de renouvellement possible).", "");
	}
	/* Reviews: due dates of the current period, with what was entered. */
	json_t *bilans = rows(d, tenant, "SELECT id, echeance, indicateurs, commentaire, saisi_le FROM convention_bilans"
					 " WHERE tenant_id = $1 AND convention_id = $2 ORDER BY echeance",
			      (const char *const[]){ "id", "echeance", "indicateurs", "commentaire", "saisi_le", NULL }, "ittti", 
			      json_integer_value(json_object_get(c, "id")), e);
	json_t *dues = json_array();
	if (rv > 0) {
		struct date dd[64];
		int n = cv_review_dates((enum cv_review_period)rv, t.start, st.term, dd, 64);
		for (int i = 0; i < n && i < 64; i++) {
			char iso[11];
			date_format(dd[i], iso);
			int entered = 0;
			size_t k;
			json_t *b;
			json_array_foreach(bilans, k, b) if (strcmp(cv_str(b, "echeance"), iso) == 0) entered = 1;
			json_t *o = json_object();
			set_date(o, "echeance", dd[i]);
			json_object_set_new(o, "saisi", json_boolean(entered));
			json_object_set_new(o, "en_retard", json_boolean(!entered && date_cmp(dd[i], today) < 0));
			json_array_append_new(dues, o);
			int64_t days = date_diff_days(today, dd[i]);
			if (!entered && !resiliee && days <= horizon && days >= -90)
				add_alert(alerts, "bilan", dd[i], today, days < 0 ? "Bilan dû le %2$s : non saisi." : "Bilan dû le %2$s.", "");
		}
	}
	json_object_set_new(c, "bilans", bilans);
	json_object_set_new(c, "bilans_dus", dues);
	json_object_set_new(c, "alertes", alerts);
	json_object_set_new(c, "a_alertes", json_boolean(json_array_size(alerts) > 0));
}

json_t *cv_get(db *d, int64_t tenant, int64_t id, struct date today, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT " CONV_COLS " FROM conventions WHERE tenant_id = $1 AND id = $2", "i", id);
	if (!s || rc != DB_ROW) {
		if (s)
			db_finalize(s);
		err_set(e, 404, "convention.inconnue", "Convention introuvable.");
		return NULL;
	}
	json_t *c = row(s, conv_names, conv_types);
	db_finalize(s);
	compute(d, tenant, c, today, CV_HORIZON_DAYS, e);
	json_object_set_new(c, "parties", rows(d, tenant, "SELECT id, nom, collectivite, representant, fonction, habilitation FROM convention_parties"
							  " WHERE tenant_id = $1 AND convention_id = $2 ORDER BY ordre",
					       (const char *const[]){ "id", "nom", "collectivite", "representant", "fonction", "habilitation", NULL },
					       "itittt", id, e));
	json_t *fiches = rows(d, tenant, "SELECT id, reference, intitule, axe, contexte, descriptif, objectifs, perimetre, intervenants,"
					 " calendrier, livrables, budget_cents, taxes, financement, fongible, bilan FROM convention_fiches"
					 " WHERE tenant_id = $1 AND convention_id = $2 ORDER BY id",
			      (const char *const[]){ "id", "reference", "intitule", "axe", "contexte", "descriptif", "objectifs", "perimetre",
						     "intervenants", "calendrier", "livrables", "budget_cents", "taxes", "financement",
						     "fongible", "bilan", NULL },
			      "ittttttttttittit", id, e);
	json_t *lines = rows(d, tenant, "SELECT id, fiche_id, libelle, financeur, annee, debut, fin, formule, montant_cents, taxes, paye_cents"
					" FROM convention_budget WHERE tenant_id = $1 AND convention_id = $2 ORDER BY annee, id",
			     (const char *const[]){ "id", "fiche_id", "libelle", "financeur", "annee", "debut", "fin", "formule",
						    "montant_cents", "taxes", "paye_cents", NULL },
			     "iittitttiti", id, e);
	/* Totals: whole budget, per financeur, per year, per fiche; committed vs paid. */
	int64_t total = 0, paid = 0;
	json_t *by_fin = json_object(), *by_year = json_object();
	size_t i, k;
	json_t *l, *f;
	json_array_foreach(lines, i, l) {
		int64_t m = json_integer_value(json_object_get(l, "montant_cents")), p = json_integer_value(json_object_get(l, "paye_cents"));
		total += m;
		paid += p;
		json_object_set_new(l, "montant", money_json(m));
		json_object_set_new(l, "paye", money_json(p));
		json_object_set_new(l, "reste", money_json(m - p));
		cv_budget_tally(l, m, by_fin, by_year);
	}
	json_array_foreach(fiches, k, f) {
		int64_t sum = 0;
		json_array_foreach(lines, i, l) if (json_integer_value(json_object_get(l, "fiche_id")) == json_integer_value(json_object_get(f, "id")))
			sum += json_integer_value(json_object_get(l, "montant_cents"));
		json_object_set_new(f, "budget", money_json(json_integer_value(json_object_get(f, "budget_cents"))));
		json_object_set_new(f, "lignes_total", money_json(sum));
		json_object_set_new(f, "numero", json_integer((json_int_t)k + 1));
	}
	int64_t fiches_total = 0;
	json_array_foreach(fiches, k, f) fiches_total += json_integer_value(json_object_get(f, "budget_cents"));
	json_t *fin_list = json_array(), *year_list = json_array();
	const char *key;
	json_t *v;
	json_object_foreach(by_fin, key, v) json_array_append_new(fin_list, json_pack("{s:s,s:o}", "financeur", key, "montant", money_json(json_integer_value(v))));
	json_object_foreach(by_year, key, v) json_array_append_new(year_list, json_pack("{s:s,s:o}", "annee", key, "montant", money_json(json_integer_value(v))));
	json_decref(by_fin);
	json_decref(by_year);
	json_object_set_new(c, "fiches", fiches);
	json_object_set_new(c, "budget", json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "lignes", lines, "total", money_json(total), "paye",
						   money_json(paid), "reste", money_json(total - paid), "par_financeur", fin_list,
						   "par_annee", year_list, "fiches_total", money_json(fiches_total), "a_lignes",
						   json_array_size(lines) > 0));
	json_object_set_new(c, "permanences", rows(d, tenant, "SELECT id, lieu, rythme, jour, semaines, heure_debut, heure_fin, du, au"
							      " FROM convention_permanences WHERE tenant_id = $1 AND convention_id = $2 ORDER BY id",
						   (const char *const[]){ "id", "lieu", "rythme", "jour", "semaines", "heure_debut", "heure_fin", "du",
									  "au", NULL },
						   "ittittttt", id, e));
	cv_perm_decorate(d, tenant, c, today, e);
	json_t *avenants = rows(d, tenant, "SELECT id, avenant_numero, titre, debut, fin FROM conventions WHERE tenant_id = $1 AND parent_id = $2"
					   " ORDER BY avenant_numero, id",
				(const char *const[]){ "id", "avenant_numero", "titre", "debut", "fin", NULL }, "iittt", id, e);
	json_object_set_new(c, "avenants", avenants);
	int64_t parent = json_integer_value(json_object_get(c, "parent_id"));
	if (parent) {
		int rc2;
		db_stmt *p = tdb_query(d, tenant, e, &rc2, "SELECT id, titre FROM conventions WHERE tenant_id = $1 AND id = $2", "i", parent);
		if (p && rc2 == DB_ROW)
			json_object_set_new(c, "parent", json_pack("{s:I,s:s}", "id", (json_int_t)db_col_int64(p, 0), "titre", db_col_text(p, 1)));
		if (p)
			db_finalize(p);
	}
	return c;
}

json_t *cv_list(db *d, int64_t tenant, const struct cv_filter *flt, struct date today, struct err *e)
{
	int rc;
	json_t *list = json_array();
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT " CONV_COLS " FROM conventions WHERE tenant_id = $1 ORDER BY debut DESC, id DESC", "");
	while (s && rc == DB_ROW) {
		json_t *c = row(s, conv_names, conv_types);
		json_array_append_new(list, c);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c) {
		compute(d, tenant, c, today, flt && flt->horizon ? flt->horizon : CV_HORIZON_DAYS, e);
		if (flt) {
			if (flt->q && *flt->q && !strcasestr(cv_str(c, "titre"), flt->q) && !strcasestr(cv_str(c, "partenaire"), flt->q) &&
			    !strcasestr(cv_str(c, "reference"), flt->q) && !strcasestr(cv_str(c, "objet"), flt->q))
				continue;
			if (flt->partenaire && *flt->partenaire && !strcasestr(cv_str(c, "partenaire"), flt->partenaire))
				continue;
			if (flt->etat && *flt->etat && strcmp(flt->etat, cv_str(c, "etat")) != 0)
				continue;
			if (flt->renouvellement && *flt->renouvellement && strcmp(flt->renouvellement, cv_str(c, "renouvellement")) != 0)
				continue;
			if (flt->echeance_avant.y && strcmp(cv_str(c, "echeance"), "") != 0) {
				char iso[11];
				date_format(flt->echeance_avant, iso);
				if (strcmp(cv_str(c, "echeance"), iso) > 0)
					continue;
			}
			if (flt->alertes_seules && json_array_size(json_object_get(c, "alertes")) == 0)
				continue;
		}
		json_array_append(out, c);
	}
	json_decref(list);
	return out;
}

int cv_bilan_add(db *d, int64_t tenant, int64_t user, int64_t conv, const char *echeance, json_t *indicateurs, const char *commentaire,
		 struct err *e)
{
	struct date dd;
	if (!echeance || date_parse(echeance, &dd, NULL) < 0)
		return err_set(e, 400, "bilan.echeance", "Échéance du bilan invalide (AAAA-MM-JJ).");
	if (!tdb_exists(d, tenant, "SELECT id FROM conventions WHERE tenant_id = $1 AND id = $2", "i", conv))
		return err_set(e, 404, "convention.inconnue", "Convention introuvable.");
	char *ind = indicateurs ? json_dumps(indicateurs, JSON_COMPACT | JSON_SORT_KEYS) : xstrdup("{}");
	int r = tdb_run(d, tenant, e, "DELETE FROM convention_bilans WHERE tenant_id = $1 AND convention_id = $2 AND echeance = $3", "it", conv,
			echeance) < 0 ||
			tdb_run(d, tenant, e, "INSERT INTO convention_bilans (tenant_id, convention_id, echeance, saisi_le, saisi_par, indicateurs,"
					      " commentaire) VALUES ($1, $2, $3, $4, $5, $6, $7)",
				"itiitt", conv, echeance, (int64_t)time(NULL), user, ind, commentaire ? commentaire : "") < 0
		? -1
		: 0;
	free(ind);
	return r;
}
