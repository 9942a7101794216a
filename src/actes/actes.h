/* actes: télétransmission of acts to the prefecture (@ctes protocol of the Ministère de l'Intérieur) —
 * the model (natures, numbering, files, limits), the classification (message 7-2), the archive sent
 * to the TdT (envelope + act metadata + renamed files, tar.gz) and its check, and every message the
 * prefecture sends back. The TdT connector (S2LOW) and storage sit on top of this; see docs/actes.md. */
#ifndef OPALE_ACTES_H
#define OPALE_ACTES_H
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/mem.h"

#define ACTES_NS "http://www.interieur.gouv.fr/ACTES#v1.1-20040216"
#define INSEE_NS "http://xml.insee.fr/schema"

/* ---- model: static tables and field rules (actes_model.c) ------------------------------------ */

/* The six natures of acts, with the two-letter code used in identifiers and file names. */
struct actes_nature {
	int code;              /* 1..6, actes:CodeNatureActe */
	const char *abbr;      /* DE, AR, AI, CC, BF, AU */
	const char *label;     /* French, as the ministry's classification writes it */
};
const struct actes_nature *actes_nature_get(int code);        /* NULL when not 1..6 */
const struct actes_nature *actes_nature_by_abbr(const char *abbr);
const struct actes_nature *actes_nature_at(size_t i);          /* iteration, NULL past the end */

/* File types the TdT accepts (content sniffed, never trusted from the name — as S2LOW does). */
enum actes_file_kind { ACTES_FILE_OTHER, ACTES_FILE_PDF, ACTES_FILE_XML, ACTES_FILE_JPEG, ACTES_FILE_PNG };
enum actes_file_kind actes_file_sniff(const void *data, size_t len);
const char *actes_file_ext(enum actes_file_kind k);           /* "pdf"… ; NULL for OTHER */
const char *actes_file_label(enum actes_file_kind k);         /* "PDF"… ; "inconnu" for OTHER */

/* Limits and formats enforced by S2LOW / Pastell (sources in docs/actes.md). */
#define ACTES_NUMERO_MAX 15                     /* ^[0-9A-Z_]{1,15}$ */
#define ACTES_OBJET_MAX 499                     /* characters, one line */
#define ACTES_ARCHIVE_MAX ((size_t)150 * 1024 * 1024)   /* S2LOW ACTES_ARCHIVE_MAX_SIZE: archive and files */
#define ACTES_SERIAL_MAX 9999                   /* envelope serial (S2LOW refuses ≥ 10000) */

int actes_numero_valid(const char *s);
int actes_siren_valid(const char *s);           /* 9 digits */
int actes_departement_valid(const char *s);     /* XSD: [0|9][0-9][A|B|0-9] */
int actes_arrondissement_valid(const char *s);  /* one digit */
int actes_type_pj_valid(const char *s);         /* typology code, 5 chars [A-Z0-9_] */
int actes_date_valid(const char *s);            /* YYYY-MM-DD, a real calendar date */
/* Objet: 1..499 characters (UTF-8 code points), valid UTF-8, no line break or control character.
 * Returns 0 or -1 with e filled (code actes.objet). */
int actes_objet_check(const char *s, struct err *e);
/* Collectivité nature (IDCL/@actes:Nature, two digits) from the ministry's table; label or NULL. */
const char *actes_nature_collectivite_label(const char *code);
/* Today as YYYY-MM-DD (local time). out must hold 11 bytes. */
void actes_today(char out[11]);

/* ---- findings ---------------------------------------------------------------------------------- */

/* A violation: stable code ("actes.numero"), the file it is about (may be ""), a French message. */
struct actes_issue {
	char *code, *file, *msg;
};
struct actes_report {
	struct actes_issue *items;
	size_t n, cap;
};
void actes_report_add(struct actes_report *r, const char *code, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int actes_report_has(const struct actes_report *r, const char *code);
/* One line per issue: "FILE: [code] message". */
void actes_report_format(buf *out, const struct actes_report *r);
void actes_report_json(buf *out, const struct actes_report *r);
void actes_report_free(struct actes_report *r);

/* ---- schemas (actes_xml.c) ----------------------------------------------------------------------- */

/* Directory holding actesv1_1.xsd (+ siret.xsd, insee-commun.xsd). NULL → $OPALE_ACTES_SCHEMAS, then
 * ../shared/specs/actes found from the binary's place, then /usr/share/opale/actes. The schema is
 * compiled once, on first use, and shared by all threads. The older published shape
 * (variants/parapheur-v5 under that directory) is used only to tell which shape a message follows. */
int actes_schemas_use(const char *dir, struct err *e);
const char *actes_schemas_dir(void);

/* Validates an XML document (bytes) against the current schema. Parsing is safe: no network, no
 * DTD, no entity expansion, DOCTYPE refused. Each error goes to r (code actes.xsd or actes.xml) as
 * "ligne N : message", at most max_errors (0 → 20). Returns the number of errors, or -1 with e filled
 * when the schema cannot be loaded. */
int actes_xsd_validate(const char *data, size_t len, const char *file, struct actes_report *r,
		       size_t max_errors, struct err *e);

/* ---- classification (message 7-2, actes_classif.c) -------------------------------------------- */

struct actes_matiere {
	int code;
	const char *libelle;
	struct actes_matiere *sub;
	size_t n_sub;
};
struct actes_type_pj {
	const char *code, *libelle;
};
struct actes_classif_nature {
	int code;
	const char *abbr, *libelle;
	struct actes_type_pj *types;
	size_t n_types;
};
struct actes_classification {
	char date[11];                 /* DateClassification: the version */
	struct actes_classif_nature *natures;
	size_t n_natures;
	struct actes_matiere *matieres;   /* level 1 */
	size_t n_matieres;
	int has_typology;              /* TypePJNatureActe present (2017+ shape) */
	arena *a;                      /* owns everything above */
};

/* Reads a RetourClassification (either schema shape, ISO-8859-1/UTF-8). Returns 0 or -1 (e). */
int actes_classification_parse(const char *data, size_t len, struct actes_classification *c, struct err *e);
int actes_classification_load(const char *path, struct actes_classification *c, struct err *e);
void actes_classification_free(struct actes_classification *c);
/* "1.4.2" → {1,4,2}; returns the depth (2..5) or -1 when malformed. */
int actes_matiere_parse(const char *s, int out[5]);
/* Node for a path, NULL when some level does not exist. */
const struct actes_matiere *actes_classification_find(const struct actes_classification *c,
						      const int *path, int depth);
/* Checks a matière path: at least two levels, each existing. 0 or -1 with e (actes.matiere). */
int actes_classification_check_matiere(const struct actes_classification *c, const int *path, int depth,
				       struct err *e);
/* Checks a piece type code for a nature (actes.type_piece). Without typology in c: format only. */
int actes_classification_check_type(const struct actes_classification *c, int nature, const char *code,
				    struct err *e);
/* Labels of a path joined by " / " into out. */
void actes_classification_label(buf *out, const struct actes_classification *c, const int *path, int depth);

/* Versions kept by date: acts keep the version they used; the newest is the current one. */
struct actes_classif_set {
	struct actes_classification *v;   /* sorted by date, oldest first */
	size_t n;
};
/* Takes ownership of *c (zeroed). Replaces a version of the same date. */
void actes_classif_set_add(struct actes_classif_set *s, struct actes_classification *c);
const struct actes_classification *actes_classif_set_current(const struct actes_classif_set *s);
const struct actes_classification *actes_classif_set_find(const struct actes_classif_set *s, const char *date);
void actes_classif_set_free(struct actes_classif_set *s);

/* ---- an act to transmit (actes_acte.c) ----------------------------------------------------------- */

struct actes_piece {
	const char *name;        /* as shown in messages (source path or name in the archive) */
	const char *type_pj;     /* typology code, e.g. 99_DE */
	const unsigned char *data;   /* NULL when the file is missing */
	size_t len;
};

struct actes_acte {
	/* collectivité and envelope */
	const char *siren, *departement, *arrondissement, *nature_collectivite;
	const char *referent_nom, *referent_telephone, *referent_email;   /* optional */
	const char **adresses_retour;
	size_t n_adresses_retour;
	const char *trigramme;   /* archive name prefix (TdT application code), default "OPL" */
	int sequence;            /* envelope serial of the day, 1..9999 */
	const char *date_envoi;  /* envelope date YYYY-MM-DD, default today */
	/* the act (DonneesActe) */
	const char *numero;
	int nature;
	const char *date_decision;
	const char *objet;
	const char *classification;   /* "1.4" as given */
	int matiere[5];
	int n_matiere;           /* -1 when classification is malformed */
	const char *classification_date;
	const char *precedent_id;   /* PrecedentIdentifiantActe, optional */
	int document_papier;     /* 0/1 */
	struct actes_piece acte; /* the act file */
	struct actes_piece *annexes;
	size_t n_annexes;
	arena *a;                /* owns the strings and arrays above (not piece data) */
};

/* Reads META.json (fields in docs/actes.md) into a; pieces get their type codes, not their data.
 * Returns 0 or -1 with e (code actes.meta). Warnings (defaults taken) go to warn when non-NULL. */
int actes_meta_parse(const char *json, size_t len, struct actes_acte *a, buf *warn, struct err *e);
void actes_acte_free(struct actes_acte *a);

/* Identifier base DDD-SIREN-YYYYMMDD-NUMERO-NN (the future IDActe) into out. */
void actes_acte_base(buf *out, const struct actes_acte *a);

/* Every rule an act must pass before it is sent: fields, matière and types (against c when
 * non-NULL, with c's date required as classification_date), files present, allowed types, sizes.
 * today = YYYY-MM-DD (decision date may not be later). Findings are appended to r. */
void actes_acte_check(const struct actes_acte *a, const struct actes_classification *c, const char *today,
		      struct actes_report *r);

/* ---- XML builders (actes_build.c): ISO-8859-1, prefixes actes/insee, valid against the XSD ----- */

/* Message 1-1 (Acte) for a, with the file names the archive uses. */
void actes_build_acte_xml(buf *out, const struct actes_acte *a);
/* EnveloppeCLMISILL listing the business files. */
void actes_build_envelope_xml(buf *out, const struct actes_acte *a, const char *const *formulaires, size_t n);
/* Message 6-1: cancellation of the act IDActe. */
void actes_build_annulation_xml(buf *out, const char *id_acte);
/* Message 7-1: classification request (date of the version held, or NULL). */
void actes_build_demande_classification_xml(buf *out, const char *date);

/* Replies to a prefecture letter. */
enum actes_reponse_kind {
	ACTES_REP_COURRIER_SIMPLE,        /* 2-2 ReponseCourrierSimple */
	ACTES_REP_REFUS_PIECES,           /* 3-3 RefusPieceComplementaire */
	ACTES_REP_PIECES,                 /* 3-4 PieceComplementaire (several documents) */
	ACTES_REP_REJET_OBSERVATIONS,     /* 4-3 RejetLettreObservations */
	ACTES_REP_REPONSE_OBSERVATIONS,   /* 4-4 ReponseLettreObservations */
};
/* Message code ("2-2"…) of a reply kind. */
const char *actes_reponse_code(enum actes_reponse_kind k);
void actes_build_reponse_xml(buf *out, enum actes_reponse_kind k, const char *id_acte, const char *date_courrier,
			     const char *const *fichiers, size_t n);

/* ---- archive (actes_archive.c) ------------------------------------------------------------------ */

/* Builds the transmission archive of a (pieces with their data) in dir after checking everything:
 * fields and files (actes_acte_check), then every XML against the XSD. On success returns 0 and
 * writes the archive path to path_out; with violations returns -1, r lists them and nothing is
 * written; -1 with e filled on a system error. */
int actes_archive_build(const struct actes_acte *a, const struct actes_classification *c, const char *dir,
			buf *path_out, struct actes_report *r, struct err *e);

/* A flat tar.gz of named members, written atomically (tmp + rename). Members in the given order. */
struct actes_member {
	const char *name;
	const void *data;
	size_t len;
};
int actes_targz_write(const char *path, const struct actes_member *m, size_t n, struct err *e);
/* Reads every member of a tar.gz into memory (flat regular files only, ≤ max_total bytes in all).
 * Caller frees with actes_members_free. Returns the count or -1 with e. */
int actes_targz_read(const char *path, size_t max_total, struct actes_member **out, struct err *e);
int actes_targz_read_memory(const void *data, size_t len, size_t max_total, struct actes_member **out,
			    struct err *e);
void actes_members_free(struct actes_member *m, size_t n);

/* Checks an archive as the TdT and the prefecture would: name, size, envelope, every XML against
 * the XSD, the act's rules (as actes_acte_check), files referenced and present. c may be NULL.
 * Returns 0 when the check ran (r says whether the archive is acceptable), -1 with e otherwise. */
int actes_archive_check(const char *path, const struct actes_classification *c, const char *today,
			struct actes_report *r, struct err *e);

/* ---- messages (actes_msg.c) ---------------------------------------------------------------------- */

enum actes_msg_kind {
	ACTES_MSG_UNKNOWN,
	ACTES_MSG_ACTE,                    /* 1-1 */
	ACTES_MSG_AR_ACTE,                 /* 1-2 */
	ACTES_MSG_ANOMALIE_ACTE,           /* 1-3 */
	ACTES_MSG_COURRIER_SIMPLE,         /* 2-1 */
	ACTES_MSG_REPONSE_COURRIER_SIMPLE, /* 2-2 */
	ACTES_MSG_DEMANDE_PIECES,          /* 3-1 */
	ACTES_MSG_AR_DEMANDE_PIECES,       /* 3-2 */
	ACTES_MSG_REFUS_PIECES,            /* 3-3 */
	ACTES_MSG_PIECES,                  /* 3-4 */
	ACTES_MSG_AR_PIECES,               /* 3-5 */
	ACTES_MSG_LETTRE_OBSERVATIONS,     /* 4-1 */
	ACTES_MSG_AR_LETTRE_OBSERVATIONS,  /* 4-2 */
	ACTES_MSG_REJET_OBSERVATIONS,      /* 4-3 */
	ACTES_MSG_REPONSE_OBSERVATIONS,    /* 4-4 */
	ACTES_MSG_AR_REPONSE_OBSERVATIONS, /* 4-5 */
	ACTES_MSG_DEFERE_TA,               /* 5-1 */
	ACTES_MSG_ANNULATION,              /* 6-1 */
	ACTES_MSG_AR_ANNULATION,           /* 6-2 */
	ACTES_MSG_DEMANDE_CLASSIFICATION,  /* 7-1 */
	ACTES_MSG_RETOUR_CLASSIFICATION,   /* 7-2 */
	ACTES_MSG_CLASSIFICATION_A_JOUR,   /* 7-3 */
	ACTES_MSG_ENVELOPPE_CL,            /* EnveloppeCLMISILL */
	ACTES_MSG_ENVELOPPE_MI,            /* EnveloppeMISILLCL */
	ACTES_MSG_ANOMALIE_ENVELOPPE,      /* AnomalieEnveloppe */
};
struct actes_msg_type {
	enum actes_msg_kind kind;
	const char *root;        /* root element */
	const char *code;        /* "1-2"…, "" for envelopes */
	int from_prefecture;
	const char *label;       /* French */
};
const struct actes_msg_type *actes_msg_type_get(enum actes_msg_kind k);
const struct actes_msg_type *actes_msg_type_by_root(const char *root);

struct actes_fichier {
	const char *nom;
	int signe;               /* a Signature element accompanies the file */
};
/* DonneesActe as carried by 1-1, 1-2 (ActeRecu) and 1-3. */
struct actes_donnees {
	const char *date, *numero, *objet, *classification_date, *precedent_id;
	int nature;
	int matiere[5], n_matiere;
	struct actes_fichier document;
	struct actes_fichier *annexes;
	size_t n_annexes;
	long annexes_nombre;     /* the declared count */
	int document_papier;     /* -1 absent or nil, 0 N, 1 O */
};
/* Envelope (either direction) and AnomalieEnveloppe's EnveloppeRecue. */
struct actes_enveloppe {
	const char *emetteur;    /* IDCL, IDPref, IDSousPref, IDSGAR */
	const char *siren, *departement, *arrondissement, *nature;   /* of the emitter */
	const char *referent_nom, *referent_telephone, *referent_email;
	const char **adresses_retour;
	size_t n_adresses_retour;
	const char **formulaires;
	size_t n_formulaires;
	const char *destinataire_siren;   /* MISILLCL */
};

struct actes_message {
	const struct actes_msg_type *type;
	/* 2 = valid against the current schema, 1 = only against the older published shape, 0 = neither */
	int schema_shape;
	char *schema_error;      /* first error against the current schema, NULL when valid */
	const char *id_acte;     /* every message about an act */
	const char *date;        /* DateReception (AR), Date (anomalies), DateCourrierPref (letters) */
	const char *date_courrier;   /* DateCourrierPref (letters, replies, ARs 3-5/4-5) */
	const char *anomalie_nature, *detail;   /* anomalies */
	const char *classification_date_en_cours;   /* 1-2, 1-3 */
	const char *texte;       /* DescriptionPieces (3-1), Motif (4-1), NatureIllegalite (5-1) */
	const char *date_depot;  /* 5-1 */
	const char *date_classification;   /* 7-1, 7-3 */
	struct actes_donnees acte;   /* 1-1, 1-2, 1-3 */
	struct actes_fichier *documents;   /* Document / Documents / PiecesJointes */
	size_t n_documents;
	struct actes_enveloppe enveloppe;  /* envelopes, AnomalieEnveloppe */
	struct actes_classification classification;   /* 7-2 */
	arena *a;
};

/* Parses any ACTES message (accepts both schema shapes and ISO-8859-1, windows-1252, UTF-8 or no
 * declaration). Returns 0, or -1 with e (actes.xml: unreadable; actes.racine: not an ACTES message). */
int actes_message_parse(const char *data, size_t len, struct actes_message *m, struct err *e);
void actes_message_free(struct actes_message *m);
/* French summary, several lines. */
void actes_message_format(buf *out, const struct actes_message *m);
void actes_message_json(buf *out, const struct actes_message *m);

/* ---- prefecture side (actes_pref.c): for the S2LOW test peer and the demo ----------------------- */

/* 1-2 for the Acte (1-1) XML received, with the identifier given and the prefecture's classification
 * date; 1-3 likewise with the anomaly's date, 3-digit nature and detail. 0 or -1 (e). */
int actes_build_ar_acte_xml(buf *out, const char *acte_xml, size_t len, const char *id_acte, const char *date,
			    const char *classification_date, struct err *e);
int actes_build_anomalie_acte_xml(buf *out, const char *acte_xml, size_t len, const char *date, const char *nature,
				  const char *detail, const char *classification_date, struct err *e);
/* Letters: 2-1, 3-1 (texte = pieces asked), 4-1 (texte = motive), 5-1 (date = filing, texte = nature
 * of the illegality, every file a PieceJointe). -1 for another kind. */
int actes_build_courrier_xml(buf *out, enum actes_msg_kind kind, const char *id_acte, const char *date,
			     const char *texte, const char *const *fichiers, size_t n);
void actes_build_ar_annulation_xml(buf *out, const char *id_acte, const char *date);
/* 3-5 or 4-5 for a reply to the letter of date_courrier. */
int actes_build_ar_reponse_xml(buf *out, enum actes_msg_kind kind, const char *date, const char *id_acte,
			       const char *date_courrier);
/* EnveloppeMISILLCL from a (sous-)préfecture (arrondissement NULL → IDPref) to the collectivité siren. */
void actes_build_envelope_mi_xml(buf *out, const char *departement, const char *arrondissement,
				 const char *siren, const char *const *formulaires, size_t n);

#endif
