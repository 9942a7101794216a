/* seance_db: the stored side of séances — organes and members, séances, agenda points, documents,
 * convocations and their proof, attendance and proxies — on top of the pure rules of seance.h.
 * Every function takes the tenant id (all SQL is tenant-scoped through db/tenant.h). Objects are
 * read and written as JSON objects (the API's shape, French keys), so the API and the pages share
 * one validation. Schema: src/db/migrations/0040_seance.sql, described in docs/seances.md. */
#ifndef OPALE_SEANCE_DB_H
#define OPALE_SEANCE_DB_H
#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "db/db.h"
#include "seance/seance.h"

/* ---- organes and members (model.c) ----------------------------------------------------------- */

/* {nom, nature: commune|epci|departement|region|commission, population, delai, distance}.
 * id 0 creates (*out = new id), else updates. */
int sd_organe_save(db *d, int64_t tenant, int64_t id, json_t *j, int64_t *out, struct err *e);
json_t *sd_organes(db *d, int64_t tenant, struct err *e);
/* The organe with its members; NULL + 404 when unknown. */
json_t *sd_organe_json(db *d, int64_t tenant, int64_t id, struct err *e);
/* {nom, prenom, civilite, fonction, groupe, courriel, mobile, papier, adresse, qualite:
 * titulaire|suppleant|invite, titulaire (membre id, for a suppléant), en_exercice, utilisateur}. */
int sd_membre_save(db *d, int64_t tenant, int64_t organe, int64_t id, json_t *j, int64_t *out, struct err *e);
json_t *sd_membre_json(db *d, int64_t tenant, int64_t id, struct err *e);
/* CSV (separator ';', header line, UTF-8) with the columns of SD_CSV_HEADER; members matched by
 * (nom, prénom) are updated, others created; a suppléant names its titulaire « Prénom Nom ».
 * All or nothing: the first bad line refuses the file (line number in the message). */
#define SD_CSV_HEADER "nom;prenom;civilite;fonction;groupe;courriel;mobile;papier;adresse;qualite;titulaire;en_exercice"
int sd_membres_import(db *d, int64_t tenant, int64_t organe, const char *csv, size_t len, int *count, struct err *e);
int sd_membres_export(db *d, int64_t tenant, int64_t organe, buf *out, struct err *e);

/* ---- séances, points, documents (model.c) ---------------------------------------------------- */

/* {organe, titre, date: "YYYY-MM-DDTHH:MM" Paris or ISO instant, lieu, urgence, justification,
 * distance, procurations}. Urgence needs a justification; distance needs an organe allowing it. */
int sd_seance_save(db *d, int64_t tenant, int64_t id, json_t *j, int64_t *out, struct err *e);
json_t *sd_seances(db *d, int64_t tenant, struct err *e);
/* The séance with organe, points (with their documents), séance documents, délai (the rule and the
 * latest sending day), convocation counts. NULL + 404 when unknown. */
json_t *sd_seance_json(db *d, int64_t tenant, int64_t id, struct err *e);
int sd_seance_exists(db *d, int64_t tenant, int64_t id);
/* {titre, rapporteur (membre id), rapporteur_nom, theme, matiere, rang}. */
int sd_point_save(db *d, int64_t tenant, int64_t seance, int64_t id, json_t *j, int64_t *out, struct err *e);
int sd_point_delete(db *d, int64_t tenant, int64_t seance, int64_t id, struct err *e);
/* Moves a point up (-1) or down (+1) in the agenda. */
int sd_point_move(db *d, int64_t tenant, int64_t seance, int64_t id, int dir, struct err *e);
/* kind: principal|annexe (point > 0), convocation|note_synthese|autre (point 0). A principal
 * replaces the point's previous one. */
int sd_doc_add(db *d, int64_t tenant, int64_t seance, int64_t point, const char *kind, const char *name,
	       const char *sha256, const char *mime, int64_t size, int64_t *out, struct err *e);
int sd_doc_delete(db *d, int64_t tenant, int64_t seance, int64_t id, struct err *e);
/* Finds a document of the séance: fills sha/mime/name (arena-free copies into the given buffers). */
int sd_doc_get(db *d, int64_t tenant, int64_t seance, int64_t id, char sha[65], char mime[128], char name[256],
	       struct err *e);
/* A change after sending: revision + 1 and a « modification » proof event. */
void sd_seance_touch(db *d, int64_t tenant, int64_t seance, int64_t user, const char *what);

/* Delay rule for the séance (organe, population, urgence, règlement intérieur). */
int sd_seance_delai(db *d, int64_t tenant, int64_t seance, struct seance_delai_in *in, struct seance_delai_out *out,
		    struct err *e);

/* ---- convocations and proof (convocation.c) ------------------------------------------------- */

/* Sends the convocations: checks the delay (urgence with justification allows a late sending down to
 * one jour franc), the note de synthèse where the law requires it, builds the packet manifest
 * (documents with SHA-256, recipients), time-stamps it when a TSA is configured, and enqueues one
 * « seance.convocation » job per recipient (suppléants included; paper opt-outs listed, not mailed).
 * Re-sending creates new links for everyone. *envoi = the sending's id. */
int sd_convoquer(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t now, int64_t *envoi, struct err *e);
/* « Envoyer une convocation rectificative »: once sent (409 convocation.rectificatif otherwise) and
 * after changes (409 convocation.sans_modification otherwise), the same checks as a first sending
 * (delay against the current date: a date moved too close needs the urgence), a new manifest, and a
 * new mail (template « rectificatif » listing the changes since each recipient's previous mail) to
 * every recipient, with new links and delivery states; paper recipients get a new letter batch. */
int sd_rectifier(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t now, int64_t *envoi, struct err *e);
/* The « modification » events of the séance with from < id <= to (from -1: after its last sending;
 * to 0: no bound) as lines "<bullet>JJ/MM/AAAA HH:MM:SS : what\n". Returns their number, -1 on error. */
int sd_modifications(db *d, int64_t tenant, int64_t seance, int64_t from, int64_t to, const char *bullet, buf *out, struct err *e);
/* The paper letters (L2121-10) of the séance's latest sending: generated and stored once (a « papier »
 * event per member with the PDF's SHA-256), then the same bytes. sha = the stored PDF, *letters = its
 * letters. 409 before any sending, 404 when no member asked for paper. */
int sd_papier(db *d, int64_t tenant, int64_t seance, int64_t user, char sha[65], int *letters, struct err *e);
/* Sends one convocation again (after a failure, or an address corrected on the member): a new personal
 * link, the member's current address, a new job. 409 for a paper convocation or a member without
 * address. */
int sd_renvoyer(db *d, int64_t tenant, int64_t seance, int64_t convocation, int64_t now, struct err *e);
/* Convocations of the séance with their delivery state and reading proof. */
json_t *sd_convocations(db *d, int64_t tenant, int64_t seance, struct err *e);
json_t *sd_events(db *d, int64_t tenant, int64_t seance, struct err *e);
json_t *sd_envois(db *d, int64_t tenant, int64_t seance, struct err *e);
/* The personal link: finds the convocation by token (any tenant); fills tenant/seance/convocation/
 * membre ids. -1 with 404 (unknown) or 410 (expired). */
struct sd_link { int64_t tenant, seance, convocation, membre; };
int sd_link_find(db *d, const char *token, int64_t now, struct sd_link *l, struct err *e);
/* Records an event on a link (lecture: first reading also kept on the convocation; accuse). */
int sd_link_event(db *d, const struct sd_link *l, const char *kind, const char *ip, int64_t now, struct err *e);
/* The « attestation d'envoi » PDF of the séance, written to path. */
int sd_attestation_pdf(db *d, int64_t tenant, int64_t seance, const char *path, struct err *e);

/* ---- convocation e-mail templates (modeles.c) ------------------------------------------------ */

/* Who a convocation e-mail is for (strings, "" when unknown); titulaire: the suppléant's titulaire. */
struct sd_destinataire { const char *civilite, *prenom, *nom, *qualite, *titulaire; };
/* Checks a template (subject, text, optional HTML): known placeholders only, sections balanced, no raw
 * output nor partials, {{lien}} in the text (and in the HTML when given). 422 modele.* in French. */
int sd_modele_check(const char *objet, const char *texte, const char *html, struct err *e);
/* The collectivité's template of a kind (titulaire|suppleant|invite|rectificatif), the built-in
 * default when it has none: {type, libelle, objet, texte, html, defaut, modifie_le}. */
json_t *sd_modele_get(db *d, int64_t tenant, const char *kind, struct err *e);
json_t *sd_modeles(db *d, int64_t tenant, struct err *e);
/* {type, objet, texte, html} checked then stored, or {type, defaut: true} back to the default. */
int sd_modele_save(db *d, int64_t tenant, json_t *j, int64_t user, struct err *e);
/* The placeholders' values for a séance (sd_seance_json) and a recipient. */
json_t *sd_modele_vars(db *d, int64_t tenant, json_t *se, const struct sd_destinataire *r, const char *lien, const char *modifications);
/* Renders subject, text and HTML (the HTML made from the text when the template has none). */
int sd_modele_render(json_t *modele, json_t *vars, buf *objet, buf *texte, buf *html, struct err *e);
/* The template kind for a recipient's qualité (rectificatif: always « rectificatif »). */
const char *sd_modele_kind(const char *qualite, int rectificatif);
/* The template m rendered for the collectivité's latest séance (else an example): {objet, texte, html,
 * seance}; the check's error otherwise. */
int sd_modele_preview(db *d, int64_t tenant, json_t *m, json_t **out, struct err *e);

/* ---- attendance, proxies, quorum (presence.c) ------------------------------------------------ */

/* The member's own answer: present|absent|distance|suppleant, or procuration to mandataire (checked
 * with procuration_check, L2121-20). A previous pouvoir of the member for this séance is revoked. */
int sd_reponse(db *d, int64_t tenant, int64_t seance, int64_t membre, const char *reponse, int64_t mandataire,
	       int maladie, int64_t user, int64_t now, struct err *e);
/* The secretary's sheet: statut present|absent|excuse|represente, arrival before point arrive_rank,
 * departure after point depart_rank (0 = whole séance). */
int sd_emargement(db *d, int64_t tenant, int64_t seance, int64_t membre, const char *statut, int arrive, int depart,
		  int64_t now, struct err *e);
/* Attendance of the séance: members with answer, statut, pouvoir held/given, and the quorum of every
 * point ({points:[{rang, titre, presents, requis, atteint, representes, regle}], membres:[…]}). */
json_t *sd_presences(db *d, int64_t tenant, int64_t seance, struct err *e);
/* Attendance of one agenda point (rank) as seance_vote() needs it: one seat per titulaire in office
 * (membres[i].id = the titulaire; present when he or his suppléant sits; pouvoir_de = the absent
 * member whose pouvoir he exercises), with who sits (sieges[i]). Free with sd_point_presence_free. */
struct sd_siege {
	int64_t suppleant;      /* the suppléant sitting for the titulaire, 0 = the titulaire himself */
	int64_t user;           /* account of who sits (0 = none) */
	char nom[640];          /* « Prénom Nom », or « Suppléant (suppléant de Titulaire) » */
	char fonction[128];     /* the titulaire's fonction (« Président »…) */
};
struct sd_point_presence {
	int en_exercice;
	size_t n;
	struct quorum_membre *membres;
	struct sd_siege *sieges;
	int64_t organe, starts_at;
};
int sd_point_presence(db *d, int64_t tenant, int64_t seance, int rank, struct sd_point_presence *out, struct err *e);
void sd_point_presence_free(struct sd_point_presence *p);

/* The feuille d'émargement PDF (members, answers, pouvoirs, a signature column, quorum per point). */
int sd_emargement_pdf(db *d, int64_t tenant, int64_t seance, const char *path, struct err *e);
/* Members (ids) of the séance's organe linked to the user account. */
int64_t sd_membre_of_user(db *d, int64_t tenant, int64_t seance, int64_t user);

/* ---- votes and délibérations (vote.c) -------------------------------------------------------- */

/* Records the vote of a point and makes (or, while still a draft, updates) its délibération, in one
 * transaction (the caller's, else its own). j: public ballot {president, bulletins: [{membre,
 * pour_compte_de, choix: pour|contre|abstention|nppv}]} — membre is the seat (titulaire id, also when
 * his suppléant sits), one own vote per present seat and one per pouvoir exercised; « nppv » withdraws
 * the member for this point (not counted for the quorum). Secret ballot {secret: true, president,
 * pour, contre, abstention, retires: [membre…]}. president 0: the titulaire whose fonction begins
 * with « Président » or « Maire ». Errors (French, quoting the rule): those of seance_vote (422
 * vote.*, quorum.non_atteint), vote.avant_seance, vote.matiere (the point needs its ACTES matière),
 * vote.deliberation_transmise (409: the act is no longer a brouillon), vote.deliberation. */
struct sd_vote_done {
	int adopte;
	int64_t acte;            /* the délibération (actes.id) */
	char numero[32];
	char resultat[1024];
};
int sd_vote_record(db *d, int64_t tenant, int64_t seance, int64_t point, json_t *j, int64_t user, int64_t now,
		   struct sd_vote_done *done, struct err *e);
/* The point's vote page/API data: {seance, point, rang, titre, matiere, date, quorum, sieges: [{membre,
 * nom, present, pouvoir_de, pouvoir_de_nom, suppleant, fonction}], vote (null or counts, resultat,
 * bulletins by name), deliberation (null or {acte, numero, etat, etat_libelle, url, brouillon}),
 * president_defaut}. NULL + 404 for a point not of this séance. */
json_t *sd_vote_json(db *d, int64_t tenant, int64_t seance, int64_t point, struct err *e);
/* Votes of the séance by point id (string keys): {adopte, pour, contre, abstention, nppv, secret,
 * resultat, acte, numero, etat_libelle}. */
json_t *sd_votes_seance(db *d, int64_t tenant, int64_t seance, struct err *e);

/* ---- closing, quorum lacking, second convocation (cloture.c) ------------------------------------ */

/* 0 while the séance is open; -1 with 409 "seance.close" (French, with the closing time) once closed:
 * answers, pouvoirs, attendance and votes are refused. */
int sd_seance_ouverte(db *d, int64_t tenant, int64_t seance, struct err *e);
/* « Clore la séance »: closing time, status close, a « cloture » proof event with the SHA-256 of the
 * attendance and votes. 409 when already closed or not started. Own transaction. */
int sd_seance_clore(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t now, struct err *e);
/* Reopens a closed séance (administrators; the route checks the role) with a reason (≥ 10 chars). */
int sd_seance_rouvrir(db *d, int64_t tenant, int64_t seance, const char *motif, int64_t now, struct err *e);
/* Records that the séance lacked the quorum (L2121-17): refused before the séance or when every point
 * had the quorum per the attendance sheet. regle (400 bytes): the count of the first point without. */
int sd_quorum_manque(db *d, int64_t tenant, int64_t seance, int64_t now, char regle[400], struct err *e);
/* A séance (organe, starts_at; seance = its id or 0) may be the second convocation of premiere: same
 * organe, earlier, quorum lacking recorded, ≥ 3 days between (seance_sans_quorum_check). */
int sd_seconde_check(db *d, int64_t tenant, int64_t organe, int64_t starts_at, int64_t premiere, int64_t seance, struct err *e);
/* origine (0 = none) is a point of the first séance of the second convocation `seance`. */
int sd_point_origine_check(db *d, int64_t tenant, int64_t seance, int64_t origine, struct err *e);
/* For a vote without quorum: 0 when the séance is not a second convocation, 1 when the point may be
 * voted without quorum, -1 with "quorum.sans_quorum" (the rule quoted) otherwise. */
int sd_sans_quorum(db *d, int64_t tenant, int64_t seance, int64_t point, struct err *e);
/* Copies the first séance's agenda (points, origine_id, documents) into the second convocation. */
int sd_reprendre_points(db *d, int64_t tenant, int64_t seance, int64_t premiere, struct err *e);
/* Adds close, close_le, close_heure, quorum_manque, seconde_de, seconde {id, titre, quand} to o. */
void sd_seance_json_cloture(db *d, int64_t tenant, json_t *o);

/* Formats an instant as "vendredi 15 mars 2024 à 18:30" (Paris). out ≥ 64 bytes. */
const char *sd_fmt_paris(int64_t t, char *out, size_t n);

#endif
