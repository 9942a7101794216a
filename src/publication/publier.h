/* publier: publication of acts (R2131-1 CGCT) — the published copy (mention « Publié le … par … »,
 * « Certifié exécutoire le … », optional pseudonymisation), its record and full-text index, the
 * executory date, and the public portal /p/SIREN (routes_portal.c). Choices: docs/publication.md. */
#ifndef OPALE_PUBLIER_H
#define OPALE_PUBLIER_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "db/db.h"

/* ---- the published copy (publier_pdf.c, in the rendering plugin; pub_copy in publier_db.c) ------- */

/* A zone to black out: page (1-based), rectangle in PDF points from the page's top-left corner. */
struct pub_zone {
	int page;
	double x, y, w, h;
};
struct pub_redact {
	const char *const *words;   /* words or expressions to hide (case-insensitive), may be empty */
	size_t n_words;
	const struct pub_zone *zones;
	size_t n_zones;
};
#define PUB_MAX_WORDS 64
#define PUB_MAX_ZONES 64
#define PUB_RENDER_DPI 150

/* A new PDF in which every page is re-rendered as an image (PUB_RENDER_DPI) with the words and zones
 * painted black: the hidden text is no longer in the file at all. hits receives, per word, the number
 * of places found (may be NULL). 0, or -1 with e (unreadable PDF: publication.pdf; zone outside the
 * document: publication.zone). */
int pub_redact_pdf(const void *pdf, size_t len, const struct pub_redact *rd, int *hits, buf *out, struct err *e);
/* The text of a PDF (poppler), at most max bytes, pages separated by a line break. */
int pub_pdf_text(const void *pdf, size_t len, size_t max, buf *out, struct err *e);
/* The published copy: the PDF (redacted first when rd asks for it) with the mention lines in a box at
 * the bottom of the first page, added by an incremental update — the input bytes stay an exact
 * prefix, so the signatures of an unredacted signed PDF stay valid. */
int pub_copy(const void *pdf, size_t len, const char *const *lines, size_t n, const struct pub_redact *rd,
	     int *hits, buf *out, struct err *e);

/* ---- executory date ----------------------------------------------------------------------------- */

/* Executory date of an act (L2131-1): max(publication date, prefecture AR date) for an act sent to
 * the prefecture; the publication date for an act never sent. Returns 1 with out (YYYY-MM-DD) when
 * known, 0 while waiting (sent, no AR yet, or not published), out = "". */
int pub_executoire(const char *state, const char *date_ar, const char *date_publication, char out[11]);

/* ---- records (publier_db.c) ---------------------------------------------------------------------- */

struct pub_request {
	const char *auteur;          /* « Prénom Nom, fonction »; NULL: the publishing user's */
	struct pub_redact rd;
};
/* Publishes an act of tenant: builds the copy from the act's current PDF, stores it, records the
 * publication (date = today in Paris), indexes it, notes it in the act's history. Codes: 404
 * actes.inconnu, 409 publication.existe, 409 publication.etat (cancelled act), 400 publication.format
 * (not a PDF), 400 publication.mot_introuvable (a word to hide is not in the document),
 * 400 publication.objet (a word to hide is in the act's object, which the portal shows). */
int pub_publish(db *d, int64_t tenant, int64_t user, int64_t acte, const struct pub_request *rq, int64_t *id,
		struct err *e);
/* The publication of an act for the act's page: {id, date_publication, auteur, sha256, url, executoire,
 * pseudonymise} or JSON null when not published. NULL on error. */
json_t *pub_of_acte(db *d, int64_t tenant, int64_t acte, struct err *e);
/* Setting: months online (0 = permanently, else ≥ 2; 400 publication.duree otherwise). */
int pub_set_duree(db *d, int64_t tenant, int mois, struct err *e);
int pub_get_duree(db *d, int64_t tenant, struct err *e);

/* The public side: a collectivité by SIREN (0 when unknown). name (256) may be NULL. */
int64_t pub_tenant_by_siren(db *d, const char *siren, char *name, char *siret, struct err *e);

struct pub_filter {
	const char *q;               /* words, folded, AND, prefixes */
	const char *du, *au;         /* decision date range YYYY-MM-DD, may be NULL */
	int nature;                  /* 0: all */
	const char *matiere;         /* prefix "1" or "1.4", may be NULL */
};
/* Published acts visible now (not expired), newest first: [{id, numero, nature, nature_libelle, objet,
 * matiere, date_decision, date_publication, executoire, sha256}], *more set when more matched. */
json_t *pub_list(db *d, int64_t tenant, const struct pub_filter *f, int limit, int offset, int *more, struct err *e);
/* One published act (visible now) with the act's state; NULL with e = 404 publication.inconnue. */
json_t *pub_get(db *d, int64_t tenant, int64_t id, struct err *e);
/* The séances whose liste des délibérations or procès-verbal is published (seances_pub.c), newest
 * séance first, at most limit: [{id, date_fr, titre, organe, documents: [{type "liste"|"pv", libelle,
 * url (/p/SIREN/seances/ID/TYPE.pdf), sha256, taille, publie_a, publie_le}]}]. NULL on error. */
json_t *pub_seances(db *d, int64_t tenant, const char *siren, int limit, struct err *e);
/* The published PDF of a séance's "liste" or "pv": 1 with sha, 0 when not published (or not of
 * tenant, or another kind), -1 on error. */
int pub_seance_doc(db *d, int64_t tenant, int64_t seance, const char *kind, char sha[65], struct err *e);
/* The SCDL CSV of the published deliberations (nature 1), in b. */
int pub_scdl_csv(db *d, int64_t tenant, const char *base_url, const char *siren, int year, buf *b, struct err *e);

#endif
