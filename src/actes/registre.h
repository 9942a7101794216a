/* registre: the collectivité's acts in the database — creation (checked with the same rules as the
 * archive builder), reading, list with filters, history, documents in the store, classification
 * versions — and their transmission to the TdT through the job queue (transmit.c). Every function
 * takes the tenant id: all SQL is tenant-scoped. Tables: src/db/migrations/0020_actes.sql. */
#ifndef OPALE_ACTES_REGISTRE_H
#define OPALE_ACTES_REGISTRE_H
#include <jansson.h>
#include <stdint.h>

#include "actes/actes.h"
#include "core/buf.h"
#include "db/db.h"
#include "tdt/tdt.h"

/* States of an act (column actes.state). */
#define ACTE_BROUILLON "brouillon"     /* recorded, not sent */
#define ACTE_EN_ATTENTE "en_attente"   /* queued or posted, waiting for the TdT to transmit it */
#define ACTE_TRANSMIS "transmis"       /* sent to the prefecture by the TdT */
#define ACTE_ACQUITTE "acquitte"       /* AR 1-2 received: id_acte and date_ar known */
#define ACTE_ERREUR "erreur"           /* refused by the TdT or anomaly 1-3 */
#define ACTE_ANNULE "annule"           /* cancellation acknowledged (6-2) */
/* French label of a state ("Acquitté"…); the key itself when unknown. */
const char *actes_state_label(const char *state);

/* A document given to actes_db_create: a file on disk (an upload or a generated file) and its
 * SHA-256; it is moved into the store when the act is recorded. */
struct actes_doc_in {
	const char *name;        /* shown to people */
	const char *path;
	const char *sha256;
	const char *type_piece;  /* typology, e.g. 99_DE */
};
struct actes_new {
	const char *numero, *objet, *date_decision, *matiere, *type_piece;
	int nature;              /* 1..6 */
	int document_papier;
	struct actes_doc_in acte;
	const struct actes_doc_in *annexes;
	size_t n_annexes;
};

/* The numbering series (core/numbering.h) of a nature: 1 deliberation, 2 and 3 arrete, 4 contrat,
 * 5 budget, 6 autre. */
const char *actes_series_of_nature(int nature);
/* Records an act as brouillon after every rule of actes_acte_check (against the current
 * classification when one is stored, whose date the act keeps). Violations go to r and give -1
 * with e = 400 actes.invalide; a number already used that year gives 409 actes.numero_existe.
 * numero NULL or "": the next number of the nature's series (numbering_next, in the same transaction:
 * given back on rollback; numbers already taken by hand-numbered acts skipped).
 * Joins the caller's transaction (it must be a write transaction), else runs its own. */
int actes_db_create(db *d, int64_t tenant, int64_t user, const struct actes_new *n, struct actes_report *r, int64_t *id,
		    struct err *e);
/* A file of the act form known before its upload: its size and first bytes (sniffed as the upload
 * will be) and its piece type. */
struct actes_file_decl {
	uint64_t size;
	const unsigned char *head;   /* the first bytes (32 are enough for every kind) */
	size_t head_len;
	const char *type_piece;      /* annexes; the act's is n->type_piece */
};
/* The live check of the act form: every rule of actes_db_create on n (n->acte and n->annexes are
 * ignored: acte (NULL when no file chosen yet) and annexes describe the files), the number's
 * uniqueness that year, and the files' total size. Violations go to r; the file of a violation is
 * "@document" or "@annexeN" (1-based) when it is about a file, "" for a field. 0, or -1 with e on a
 * database error. Nothing is written. */
int actes_db_validate(db *d, int64_t tenant, const struct actes_new *n, const struct actes_file_decl *acte,
		      const struct actes_file_decl *annexes, size_t na, struct actes_report *r, struct err *e);
/* Changes objet, decision date and matière of a draft (same number; the search index follows) and
 * notes why in its history. 409 actes.etat when it is no longer a brouillon. In the caller's
 * transaction. */
int actes_db_update_draft(db *d, int64_t tenant, int64_t id, int64_t user, const char *objet, const char *date_decision,
			  const char *matiere, const char *why, struct err *e);
/* The act with its documents, transmissions, messages and history (JSON, caller frees); NULL with
 * e = 404 actes.inconnu. */
json_t *actes_db_get(db *d, int64_t tenant, int64_t id, struct err *e);
/* List, newest first; filters may be NULL/0: state, year, nature, text in objet or numero. */
json_t *actes_db_list(db *d, int64_t tenant, const char *state, int annee, int nature, const char *q, int limit,
		      struct err *e);
/* The same list appended to out as a JSON array (the same bytes as json_dumps(actes_db_list(…),
 * JSON_COMPACT)), without building a tree: for the API's lists. 0, or -1 (out then holds a partial array). */
int actes_db_list_write(db *d, int64_t tenant, const char *state, int annee, int nature, const char *q, int limit, buf *out,
			struct err *e);
/* Appends to the act's history. */
int actes_db_event(db *d, int64_t tenant, int64_t acte, int64_t user, const char *action, const char *detail,
		   struct err *e);
/* Current version of the act's document of that role and rank: sha256 (65) and mime (128), 0 or -1. */
int actes_db_doc(db *d, int64_t tenant, int64_t acte, const char *role, int rang, char *sha, char *mime, char *name,
		 size_t name_len, struct err *e);
/* Stores bytes as a document of the act (new version when role+rang exists). */
int actes_db_add_doc(db *d, int64_t tenant, int64_t acte, const char *role, int rang, const char *type_piece,
		     const char *name, const void *data, size_t len, const char *mime, struct err *e);
/* The same, saying where the version comes from (column origine): "parapheur" (the signed copy a
 * circuit returned), "tampon" (stamped with the acknowledgement). */
int actes_db_add_doc_from(db *d, int64_t tenant, int64_t acte, const char *role, int rang, const char *type_piece,
			  const char *name, const void *data, size_t len, const char *mime, const char *origine, struct err *e);

/* Classification versions: stores a RetourClassification (7-2) received for tenant (a version of
 * the same date is kept once). *date_out (11 bytes, may be NULL) receives its date. */
int actes_db_classification_put(db *d, int64_t tenant, const char *xml, size_t len, char *date_out, struct err *e);
/* Loads the current version into c: 1 when one exists, 0 when none (c untouched), -1 on error. */
int actes_db_classification_current(db *d, int64_t tenant, struct actes_classification *c, struct err *e);

/* Collectivité data the protocol needs (SIREN, département from the collectivité; arrondissement,
 * nature and the TdT overrides from actes_settings) and the TdT connection for it. */
struct actes_cl {
	char siren[16], departement[8], arrondissement[4], nature[4];
};
int actes_db_cl(db *d, int64_t tenant, struct actes_cl *cl, struct tdt_conf *conf, struct err *e);
/* Sets the collectivité's ACTES settings (arrondissement, nature; NULL keeps) and TdT URL (NULL keeps). */
/* The collectivité's TdT password as stored (actes_settings.tdt_password): sealed with the server key
 * ("sealed:" + base64, settings.c), or plain text as older versions kept it. */
int actes_tdt_password_open(int64_t tenant, const char *stored, char *out, size_t n, struct err *e);
/* The form in which a TdT password is stored: "" for "", else "sealed:" + base64 (appended to stored).
 * Also for the Hélios account (src/helios). 0 or -1 (keystore). */
int actes_tdt_password_seal(int64_t tenant, const char *plain, buf *stored, struct err *e);
int actes_db_settings(db *d, int64_t tenant, const char *arrondissement, const char *nature, const char *tdt_url,
		      struct err *e);

/* ---- transmission (transmit.c) ------------------------------------------------------------------ */

/* Queues the act for the TdT: brouillon → en_attente, a transmission row and its job "actes.envoi"
 * (idempotent by act: a second call gives 409 actes.etat). In the caller's transaction if any. */
int actes_transmit(db *d, int64_t tenant, int64_t user, int64_t acte, struct err *e);
/* The current classification's matières as [{code, libelle}] for pickers (empty when none was
 * received), its date in date ("" when none); NULL on a database error. */
json_t *actes_matieres_current(db *d, int64_t tenant, char date[11], struct err *e);
/* An act from a parapheur folder whose circuit has ended (signature.c): n's document is the folder's
 * signed copy (its principal document when the circuit signed nothing), numbered by the allocator
 * when n->numero is NULL, linked to the folder; queued for transmission when transmit. In the
 * caller's transaction or its own. 409 actes.circuit (not ended), actes.dossier_deja (the folder
 * already gave an act); the rules of actes_db_create (400 with r filled). */
int actes_from_folder(db *d, int64_t tenant, int64_t user, int64_t folder, struct actes_new *n, int transmit,
		      struct actes_report *r, int64_t *acte, struct err *e);
/* « Envoyer en signature » (signature.c): a parapheur folder of a sub-type of protocol ACTES (subtype,
 * or the only one when 0), emitted by desk (the user's first when 0), with the act's current
 * document and annexes, started; the act remembers it. 409 actes.etat (not a draft),
 * actes.en_signature (a circuit is running), actes.sous_type / actes.bureau. When the circuit ends
 * the signed copy becomes the version transmitted (actes_docs.origine = 'parapheur'). */
int actes_send_to_signature(db *d, int64_t tenant, int64_t user, int64_t acte, int64_t subtype, int64_t desk, int64_t *folder,
			    struct err *e);
/* The act's parapheur circuit: 1 running (the act is not transmitted meanwhile), 2 ended (signed
 * or visaed), 0 none or rejected. */
int actes_in_circuit(db *d, int64_t tenant, int64_t acte);
/* Modules that follow an act's executory status are told when its AR (1-2) is recorded — after the
 * act became acquitté (id_acte, date_ar) and was stamped — inside the transaction recording it.
 * Declared next to the listener:  OPALE_ACTES_AR(publication, pub_on_ar);
 * A listener that returns -1 (e filled) makes the recording fail (it is retried with the poll). */
struct actes_ar_listener {
	int (*fn)(db *d, int64_t tenant, int64_t acte, struct err *e);
};
#define OPALE_ACTES_AR(id, fn_)                                                                    \
	static const struct actes_ar_listener opale_actes_ar_##id                                  \
		__attribute__((used, section("opale_actes_ar"), aligned(sizeof(void *)))) = { fn_ }
/* The demo's test prefecture (no TdT in `opale demo`): a draft act recorded as posted at posted_at
 * (transmission DEMO-<id>, history) and acknowledged that day by a 1-2 built by actes_pref.c from the
 * act's 1-1, recorded by the very code that records an AR polled from the TdT (message, acquitté,
 * stamp, OPALE_ACTES_AR listeners). An act that is not a draft is left alone (0). */
int actes_demo_prefecture(db *d, int64_t tenant, int64_t acte, int64_t posted_at, struct err *e);
/* Asks the TdT to cancel an acknowledged act (6-1), through the job queue. */
int actes_cancel(db *d, int64_t tenant, int64_t user, int64_t acte, struct err *e);
/* A document of a reply to a prefecture letter, already in the store. */
struct actes_reponse_doc {
	const char *sha256, *name, *mime;   /* mime: application/pdf, image/jpeg, image/png, text/xml */
	const char *type_piece;             /* typology code prefixed to its name by the TdT, e.g. 99_AU */
	uint64_t size;
};
/* Documents in one reply: the XSD gives 2-2, 3-3, 4-3 and 4-4 one Document, 3-4 (PieceComplementaire)
 * Documents/Document+ ; S2LOW's API takes them as acte_pdf_file + acte_attachments[] (type_pj[]). */
#define ACTES_REPONSE_DOCS_MAX 32
/* Answers a prefecture letter (message id): kind 2-2 / 3-3 / 3-4 / 4-3 / 4-4 by `envoi`
 * ("reponse" or "refus"), with its documents (the first a PDF; several only for a 3-4, which may add
 * JPEG, PNG or XML; 150 MiB in all). Through the job queue. 400 actes.document(s), actes.type_fichier,
 * actes.type_piece, actes.taille; 409 actes.reponse when the letter waits for no answer. */
int actes_answer(db *d, int64_t tenant, int64_t user, int64_t message, const char *envoi, const struct actes_reponse_doc *docs,
		 size_t n, struct err *e);
/* The collectivité's prefecture letters (2-1, 3-1, 4-1, 5-1 and anomalies; acte 0: every act), newest
 * first, each with its deadlines computed for today (delais.h) as "delai"; open_only: waiting for an
 * answer. JSON array (caller frees), NULL on a database error. */
json_t *actes_db_courriers(db *d, int64_t tenant, int64_t acte, int open_only, struct err *e);
/* ---- AR stamp (stamp.c) ------------------------------------------------------------------------ */

/* Adds a visible box of lines (UTF-8, Latin-1 characters) at the top right of the first page by an
 * incremental update: out = the original bytes + the update (a signature on the original stays
 * valid). 0, or -1 with e (unreadable or encrypted PDF). */
int actes_stamp_pdf(const void *pdf, size_t len, const char *const *lines, size_t n, buf *out, struct err *e);
/* The same box at a chosen place: top right (the AR stamp) or bottom left, as wide as its longest line
 * (the publication mention, src/publication/publier.c). */
enum { ACTES_STAMP_TOP_RIGHT = 0, ACTES_STAMP_BOTTOM_LEFT = 1 };
int actes_stamp_pdf_at(const void *pdf, size_t len, const char *const *lines, size_t n, int where, buf *out,
		       struct err *e);
/* Stamps an acknowledged act's PDF « Accusé de réception en préfecture » (identifier, dates of
 * transmission and reception) and stores it as version 2 of its document; an XML act is left
 * alone, an unstampable PDF only noted in the history. Run in the transaction recording the AR. */
int actes_stamp_ar(db *d, int64_t tenant, int64_t acte, struct err *e);
/* Queues a classification fetch from the TdT for tenant (job "actes.classification"). */
int actes_classification_request(db *d, int64_t tenant, struct err *e);

#endif
