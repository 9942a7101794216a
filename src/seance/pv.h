/* pv: after the séance — procès-verbal (L2121-15, pv.c), liste des délibérations (L2121-25) and
 * registre sheets (R2121-9) (registre.c). Storage: src/db/migrations/0042_pv.sql; docs/seances.md. */
#ifndef OPALE_SEANCE_PV_H
#define OPALE_SEANCE_PV_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "seance/seance_db.h"
#include "web/pdfdoc.h"

/* "brouillon" → "brouillon", "arrete" → "arrêté", "adopte" → "adopté", "signe" → "signé". */
const char *sd_pv_etat_libelle(const char *etat);
/* The PV as the page, the API and the PDF see it: state and times, president and secretary
 * (membre ids and names), introduction / conclusion, members présents / représentés (with their
 * mandataire) / excusés / absents / sans statut, quorum, points with their quorum, deliberation and
 * ballot and debates, versions, later séances of the organe (for the adoption), séance. 404 when the
 * séance is unknown. A séance without a saved PV gives a version-0 brouillon. */
json_t *sd_pv_json(db *d, int64_t tenant, int64_t seance, struct err *e);
/* Saves the editable content {president, secretaire, introduction, conclusion, debats: {"<point id>":
 * text}, version}: given keys only; version (optional) must be the current one (409 pv.conflit).
 * Brouillon only (409 pv.fige). Every save is a new version (seance_pv_versions). */
int sd_pv_save(db *d, int64_t tenant, int64_t seance, json_t *j, int64_t user, int64_t now, struct err *e);
/* State change: "arrete" (brouillon → arrêté: president and secretary required, the PDF frozen in the
 * store), "brouillon" (arrêté → brouillon, before adoption), "adopte" (arrêté → adopté at the later
 * séance adopte_par of the same organe), "signe" (adopté → signé by hand, when no parapheur folder). */
int sd_pv_etat(db *d, int64_t tenant, int64_t seance, const char *etat, int64_t adopte_par, int64_t user, int64_t now, struct err *e);
/* Records the PV's publication (L2121-15: within the week after the séance that adopted it): adopté
 * or signé only (409 pv.etat), once (409 pv.publie). The PDF served is the signed, else frozen, one. */
int sd_pv_publier(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t now, struct err *e);
/* The stored PDF of the PV (signed, else frozen): 1 with sha filled, 0 while it is a brouillon. */
int sd_pv_file(db *d, int64_t tenant, int64_t seance, char sha[65]);
/* Signature through the parapheur: the sub-types of the collectivité and the user's desks
 * ({sous_types: [{id, nom, type}], bureaux: [{id, name}]}). */
json_t *sd_pv_parapheur_choix(db *d, int64_t tenant, int64_t user, struct err *e);
/* Sends the adopted PV (its frozen PDF) to the parapheur: a folder of the sub-type emitted by one of
 * the user's desks, started at once; its end of circuit makes the PV signé (or, rejected, adopté
 * again without folder). 409 pv.etat / pv.parapheur / a desk that is not the user's. */
int sd_pv_parapheur(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t subtype, int64_t desk, int64_t *folder, struct err *e);
/* Writes the PV (from sd_pv_json) as a PDF. */
int sd_pv_pdf_from(json_t *pv, const char *path, struct err *e);

/* Deliberations of the séance's points, keyed by point id: {numero, objet, resultat, adopte, secret,
 * pour, contre, abstention, nppv, votes: [{nom, sens}], acte}. */
json_t *sd_deliberations(db *d, int64_t tenant, int64_t seance, struct err *e);
/* The ballot of one deliberation in a PDF: names for a public ballot, totals for a secret one. */
void sd_pdf_ballot(pdfdoc *doc, json_t *deliberation);

/* ---- liste des délibérations (L2121-25) and registre (R2121-9) — registre.c ------------------- */

/* The list of a séance: {seance, collectivite, points: [{rang, numero, objet, resultat, acte}],
 * echeance (séance day + 7, Paris), echeance_fr, jours_restants, tenue (séance begun), en_retard,
 * proche (≤ 2 days left), publie, publie_le, publie_par, sha256, alerte_le}. */
json_t *sd_liste_json(db *d, int64_t tenant, int64_t seance, struct err *e);
/* The list as a PDF (not yet published: without the « mise en ligne » mention). */
int sd_liste_pdf(db *d, int64_t tenant, int64_t seance, const char *path, struct err *e);
/* The published PDF: 1 with sha filled, 0 when not published. */
int sd_liste_file(db *d, int64_t tenant, int64_t seance, char sha[65]);
/* « Publier »: after the séance only (409 liste.avant_seance), once (409 liste.publiee); the PDF with
 * « Mise en ligne le JJ/MM/AAAA par … » is stored and the date recorded. */
int sd_liste_publier(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t now, struct err *e);
/* Enqueues the « seance.liste_alerte » job at 07:00 Paris two days before the list's deadline (in the
 * caller's transaction; idempotent; called whenever a séance is saved). */
int sd_liste_alerte_schedule(db *d, int64_t tenant, int64_t seance, struct err *e);
/* Registre sheets of one séance: deliberations by order number, closing sheet (order numbers,
 * members present, signature places of the president and the secretary), tables by date and object. */
int sd_registre_pdf(db *d, int64_t tenant, int64_t seance, const char *path, struct err *e);
/* The séances of a year (Paris) [{id, titre, quand, organe_nom, tenue}]; organe 0 = all. */
json_t *sd_registre_seances(db *d, int64_t tenant, int year, int64_t organe, struct err *e);
/* The yearly binding export: cover, the sheets of every séance held in the year, tables by date and
 * by object; one continuous page numbering. */
int sd_registre_annee_pdf(db *d, int64_t tenant, int year, int64_t organe, const char *path, struct err *e);

/* A fresh temp file under the data directory (out ≥ 1200 bytes): 0 or -1. */
int sd_tmp_path(const char *what, int64_t id, char *out, size_t n);

#endif
