/* conventions_db: the register in the database (model.c) and its alerts (alerts.c). Objects are
 * jansson values whose keys are the columns (docs/conventions.md), plus the computed fields. */
#ifndef OPALE_CONVENTIONS_DB_H
#define OPALE_CONVENTIONS_DB_H
#include <jansson.h>

#include "conventions/conventions.h"
#include "db/db.h"

#define CV_HORIZON_DAYS 90

/* A member of a JSON input: the string ("" when absent or not a string); the integer (a number or a
 * string of digits; 0 otherwise). */
const char *cv_str(json_t *o, const char *k);
/* Adds a budget line's cents to its financeur's total in by_fin ("(non précisé)" when none) and to
 * its year's in by_year (the budget view and the XLSX export). */
void cv_budget_tally(json_t *line, int64_t cents, json_t *by_fin, json_t *by_year);
int64_t cv_num(json_t *o, const char *k);     /* alerts: deadlines within this many days (and overdue reviews) */

/* Creates (id = 0) or updates a convention from one JSON object: the fields as typed (dates
 * "AAAA-MM-JJ", durations "5 ans", amounts "38 000 €"), "parties" [{nom, collectivite, representant,
 * fonction, habilitation}], and on creation "fiches", "budget" [{libelle, financeur, annee, debut, fin,
 * formule, taxes, paye, fiche: 1-based index into "fiches" or 0}], "permanences" [{lieu, rythme, and the rule of cv_perm_save}].
 * In the caller's transaction. Returns 0 with *out_id, or -1 with e (400, French). */
int cv_save(db *d, int64_t tenant, int64_t user, int64_t id, json_t *in, int64_t *out_id, struct err *e);
/* (Re-)indexes the convention for the full-text search (title, reference, partner, object, parties,
 * action sheets, permanence places). In the caller's transaction. */
int cv_search_index(db *d, int64_t tenant, int64_t id, struct err *e);
int cv_add_party(db *d, int64_t tenant, int64_t conv, int ordre, json_t *p, struct err *e);
int cv_add_fiche(db *d, int64_t tenant, int64_t conv, json_t *f, int64_t *id, struct err *e);
int cv_add_budget(db *d, int64_t tenant, int64_t conv, int64_t fiche, json_t *b, struct err *e);
/* Records a review (bilan) for its due date (replacing one entered for the same date). */
int cv_bilan_add(db *d, int64_t tenant, int64_t user, int64_t conv, const char *echeance, json_t *indicateurs,
		 const char *commentaire, struct err *e);
/* The terms stored in a convention object. Returns 0, -1 without a valid start. */
int cv_terms_from_json(json_t *c, struct cv_terms *t);

/* A convention with everything computed for `today`: échéance, fin_possible, etat, deadlines,
 * alertes, bilans_dus, parties, fiches, budget (lines and totals), permanences, avenants, parent.
 * NULL with e (404) when absent from the tenant. */
/* Budget follow-up: a payment added to a line's paid amount (400 budget.paiement / budget.depassement
 * beyond what the line commits), a line deleted, an action sheet deleted (its lines stay, detached);
 * 404 when not of that convention. */
int cv_budget_pay(db *d, int64_t tenant, int64_t conv, int64_t line, const char *amount, struct err *e);
int cv_budget_delete(db *d, int64_t tenant, int64_t conv, int64_t line, struct err *e);
int cv_fiche_delete(db *d, int64_t tenant, int64_t conv, int64_t fiche, struct err *e);
/* An action sheet or a budget line edited in place: the same checks as when added (a line's paid
 * amount never above what it commits: 400 budget.depassement); 404 when not of that convention. */
int cv_fiche_update(db *d, int64_t tenant, int64_t conv, int64_t fiche, json_t *f, struct err *e);
int cv_budget_update(db *d, int64_t tenant, int64_t conv, int64_t line, int64_t fiche, json_t *b, struct err *e);
json_t *cv_get(db *d, int64_t tenant, int64_t id, struct date today, struct err *e);

struct cv_filter {
	const char *q;               /* in title, partner, reference, object */
	const char *partenaire;
	const char *etat;            /* a_venir | en_vigueur | terminee | resiliee */
	const char *renouvellement;  /* aucun | tacite | expres */
	struct date echeance_avant;  /* y = 0: any */
	int alertes_seules;
	int horizon;                 /* 0: CV_HORIZON_DAYS */
};
/* The register (main fields + computed dates and alerts), filtered. */
json_t *cv_list(db *d, int64_t tenant, const struct cv_filter *f, struct date today, struct err *e);

/* Documents (documents.c): the convention's PDF sheet (parties, terms with computed dates, action
 * sheets, budget, a #signature# tag per party) and a review's PDF; c as cv_get returns it. */
int cv_pdf(json_t *c, const char *path, struct err *e);
int cv_bilan_pdf(json_t *c, json_t *bilan, const char *path, struct err *e);

/* The register and budget table as XLSX (xlsx.c); conventions: cv_get objects. */
int cv_xlsx(json_t *conventions, buf *out, struct err *e);

/* Paris civil date of now (OPALE_NOW honoured, as identity_now). */
struct date cv_today(void);

/* The four seed conventions (and the CCI avenant) into tenant, as the demo loads them. */
int cv_demo_load(db *d, int64_t tenant, int64_t user, struct err *e);

/* Alerts (alerts.c): enqueues the « conventions.alertes » run of `day` for tenant (idempotent per
 * day; run_at 0 = now). */
int cv_alerts_schedule(db *d, int64_t tenant, struct date day, int64_t run_at, struct err *e);
/* Computes the alerts of `today`, records the new ones and enqueues one "mail.send" digest per
 * recipient (*mailed = how many). In the caller's transaction. */
int cv_alerts_run(db *d, int64_t tenant, struct date today, int *mailed, struct err *e);

/* Permanences (permanences.c). A permanence's input: {lieu, rythme, jour (ISO weekday, 0 = no rule),
 * semaines ("1,3,dernier", "" = every week), heure_debut, heure_fin ("09:00"), du, au ("" = the
 * convention's span)}. perm = 0 creates. In the caller's transaction; 400 with a French message. */
int cv_perm_from_input(json_t *in, struct cv_perm *r, struct err *e);
int cv_perm_save(db *d, int64_t tenant, int64_t conv, int64_t perm, json_t *in, int64_t *out_id, struct err *e);
int cv_perm_delete(db *d, int64_t tenant, int64_t conv, int64_t perm, struct err *e);
/* A date entered by hand: {date, annulee, heure_debut, heure_fin, motif} — a session outside the
 * rule, a session of the rule moved to other hours, or cancelled. Replaces one of the same day. */
int cv_perm_date_set(db *d, int64_t tenant, int64_t conv, int64_t perm, json_t *in, struct err *e);
int cv_perm_date_delete(db *d, int64_t tenant, int64_t conv, int64_t perm, int64_t date_id, struct err *e);
/* Adds to each permanence of c (cv_get): regle (in words), prochaines (next 6 sessions from today),
 * dates_saisies, seances_total, and the comparison with the written rhythm (ecarts). */
void cv_perm_decorate(db *d, int64_t tenant, json_t *c, struct date today, struct err *e);
/* Every session in [from, to] of the convention conv (0: of every convention), sorted by date: {date,
 * date_fr, debut, fin, lieu, origine (regle|modifiee|ajout), annulee, motif, permanence_id,
 * convention_id, convention, partenaire}. */
json_t *cv_perm_sessions(db *d, int64_t tenant, int64_t conv, struct date from, struct date to, struct date today, struct err *e);

#endif
