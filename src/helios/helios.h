/* helios: PES V2 files for the treasury (Hélios) — streaming check of a PES_Aller against the DGFiP
 * schemas and the business rules the DGFiP rejects on, the « visuel PES », PES_Acquit and PES_Retour.
 * Signing is src/sign's business; transmission and storage come later (routes and pages call this). */
#ifndef OPALE_HELIOS_H
#define OPALE_HELIOS_H
#include <stddef.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/err.h"

/* ---- schemas ---------------------------------------------------------------------------------- */

/* Which PES message a file holds, from its root element. */
enum pes_kind { PES_UNKNOWN, PES_ALLER, PES_ACQUIT, PES_RETOUR, PES_ACQUIT_RETOUR };

/* Names the directory of the DGFiP schema set (the one holding PES_V2/ and xmldsig/, e.g.
 * ../shared/specs/pes/v5.17). NULL → $OPALE_PES_SCHEMAS, then known places (see docs/helios.md).
 * Schemas are compiled once per kind, on first use, and shared by every thread afterwards. Call it
 * at start-up: naming another directory later frees the schemas compiled from the previous one. */
int pes_schemas_use(const char *dir, struct err *e);
/* The directory in use ("" before pes_schemas_use succeeded). */
const char *pes_schemas_dir(void);

/* ---- check (opale pes check) ------------------------------------------------------------------ */

enum pes_severity { PES_ERROR, PES_WARNING };

/* One finding: where (line, XPath-like path) and what (stable code, French message). */
struct pes_issue {
	enum pes_severity severity;
	const char *code;      /* stable, e.g. "pes.total", "pes.xsd", "pes.doublon_piece" */
	const char *dgfip;     /* closest DGFiP acquittal code (NumAnoAck), e.g. "ERREUR_DOUBLON_PIECE" */
	long line;             /* 1-based, 0 when unknown */
	char *path;            /* e.g. /PES_Aller/PES_DepenseAller/Bordereau[2]/Piece[3]/BlocPiece/InfoPce/IdPce */
	char *msg;             /* French */
};

/* Values the collectivité is known by (tenant settings); NULL fields are not compared. */
struct pes_expect {
	const char *idcoll, *idpost, *codcol, *codbud;
	int exercice;          /* 0 = any */
};

struct pes_check_opts {
	int xsd_only;          /* skip business rules */
	size_t max_issues;     /* issues kept in the report (counting goes on); 0 → 1000 */
	struct pes_expect expect;
};

struct pes_report {
	enum pes_kind kind;
	size_t errors, warnings;   /* totals, even beyond max_issues */
	struct pes_issue *issues;  /* in file order (business totals checked at end come last) */
	size_t n_issues;
	/* What was read */
	char idcoll[16], idpost[8], codcol[4], codbud[4], dtestr[11], nomfic[101];
	size_t bordereaux, pieces, lignes, pjs;
	unsigned long long bytes;
};

/* Checks a PES file: XML well-formedness and encoding, the XSD (streaming, bounded memory), then
 * (PES_Aller only) the business rules. Returns 0 when the check ran — then rep->errors says whether
 * the file is acceptable — or -1 with e filled when it could not run (unreadable file, no schemas).
 * The report owns its memory: release with pes_report_free. */
int pes_check_file(const char *path, const struct pes_check_opts *o, struct pes_report *rep,
		   struct err *e);
/* Same on a memory buffer (fuzzing, uploads held in memory). */
int pes_check_memory(const char *data, size_t len, const struct pes_check_opts *o,
		     struct pes_report *rep, struct err *e);
void pes_report_free(struct pes_report *rep);
/* One line per issue: "FILE:LINE: PATH: erreur [code] message". */
void pes_issue_format(buf *out, const char *file, const struct pes_issue *is);
/* The report as one JSON object (for the API): kind, conforme, counts, header values, issues
 * [{severity, code, dgfip, line, path, message}]. */
void pes_report_json(buf *out, const struct pes_report *rep);
/* Adds a finding found outside the check (e.g. the collectivité's own identifiers) to a report. */
void pes_report_add(struct pes_report *rep, enum pes_severity sev, const char *code, const char *dgfip, long line,
		    const char *path, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Kind name as shown to people ("PES_Aller"…). */
const char *pes_kind_name(enum pes_kind k);

/* ---- model of a PES_Aller (what the view shows, what an acquittal answers) -------------------- */

struct pes_tiers {
	const char *civilite, *nom, *prenom, *compl_nom, *ref, *idtiers;
	const char *adr1, *adr2, *adr3, *cp, *ville, *iban, *bic, *banque;
};
struct pes_ligne {
	const char *id, *nature, *fonction, *operation, *libelle1, *libelle2;
	long long ht, tva;           /* cents */
	int has_tva;
	struct pes_tiers *tiers;
	size_t n_tiers;
};
struct pes_pjref { const char *support, *id, *nom; };
struct pes_piece {
	const char *id, *type, *nature, *objet, *echeance;
	long long ht, tva;           /* sums of the lines, cents */
	long line;
	struct pes_pjref *refs;
	size_t n_refs;
	struct pes_ligne *lignes;
	size_t n_lignes;
};
struct pes_bordereau {
	char domaine;                /* 'D' dépense (mandats), 'R' recette (titres) */
	const char *id_attr, *exer, *idbord, *date, *type, *nbrpce, *mt_ht_decl;
	long long ht;                /* sum of the pieces, cents */
	int signe;                   /* carries a ds:Signature */
	long line;
	struct pes_piece *pieces;
	size_t n_pieces;
};
struct pes_pj {
	const char *id, *nom, *type, *description, *mime;
	unsigned long long b64_chars;   /* size of the encoded content */
};
struct pes_model {
	const char *nomfic, *typfic, *emetteur, *dtestr, *idpost, *libelle_poste, *idcoll, *codcol, *codbud,
		*libelle_colbud;
	int signe_global;
	struct pes_bordereau *bordereaux;
	size_t n_bordereaux;
	struct pes_pj *pjs;
	size_t n_pjs;
	size_t pieces_total;         /* all pieces in the file, even past max_pieces */
	int truncated;               /* max_pieces reached: the model holds the first ones only */
	struct pes_model_mem *mem;
};
/* Reads a PES_Aller (streaming, no schema: run pes_check for that) into m; keeps at most max_pieces
 * pieces (0 = all). Strings are UTF-8. Returns 0, or -1 with e filled (not XML, not a PES_Aller).
 * Release with pes_model_free. */
int pes_model_load(const char *path, size_t max_pieces, struct pes_model *m, struct err *e);
int pes_model_load_memory(const char *data, size_t len, size_t max_pieces, struct pes_model *m, struct err *e);
void pes_model_free(struct pes_model *m);

/* ---- « visuel PES » -------------------------------------------------------------------------- */

/* Appends the visuel as an HTML fragment (<article>, for a page template): identity of the file,
 * then rep's findings when rep is non-NULL, each bordereau as a table, the PJ. All text escaped. */
void pes_view_html(buf *out, const struct pes_model *m, const struct pes_report *rep);
/* Same, as a standalone HTML document (lang fr, inline CSS). */
void pes_view_html_page(buf *out, const struct pes_model *m, const struct pes_report *rep);
/* Writes the visuel as a PDF (A4 landscape, cairo + pango, DejaVu Sans) to path. */
int pes_view_pdf(const char *path, const struct pes_model *m, const struct pes_report *rep, struct err *e);
/* "1 234,50 €" (narrow no-break space between thousands). */
void pes_view_amount(buf *out, long long cents);

/* ---- PES_ACQUIT: the DGFiP's answer to a PES_Aller --------------------------------------------- */

struct pes_ack_error { const char *code, *libelle; };          /* NumAnoAck, LibelleAnoAck */
struct pes_ack_ligne { const char *num; struct pes_ack_error *errors; size_t n_errors; };
struct pes_ack_piece {
	const char *num;
	struct pes_ack_error *errors;
	size_t n_errors;
	struct pes_ack_ligne *lignes;
	size_t n_lignes;
};
struct pes_ack_element {
	int domaine;                 /* DomaineAck: 0 technique … 4 PJ, 5 dépense, 6 recette … 99 */
	int accepte;                 /* EtatAck = 1 */
	const char *num_bord, *exercice, *id_marche, *id_unique;
	struct pes_ack_error *errors;
	size_t n_errors;
	struct pes_ack_piece *pieces;
	size_t n_pieces;
};
enum pes_ack_etat { PES_ACK_ACCEPTE, PES_ACK_REFUSE, PES_ACK_PARTIEL };
struct pes_acquit {
	const char *nomfic, *typfic, *dtestr, *idpost, *idcoll, *codcol, *codbud, *libelle_colbud;
	struct pes_ack_element *elements;
	size_t n_elements, n_acceptes, n_refuses;
	enum pes_ack_etat etat;      /* accepté: every element; refusé: none; partiel otherwise */
	struct pes_model_mem *mem;
};
/* Reads a PES_ACQUIT (no schema required: real acquittals do not always pass it, e.g. CodCol 000).
 * Returns 0, or -1 with e filled (not XML, DOCTYPE, not a PES_ACQUIT). Release with pes_acquit_free. */
int pes_acquit_parse(const char *data, size_t len, struct pes_acquit *a, struct err *e);
int pes_acquit_parse_file(const char *path, struct pes_acquit *a, struct err *e);
void pes_acquit_free(struct pes_acquit *a);
/* French: "dépense", "PJ", "signature bordereau"…; NULL when unknown. */
const char *pes_domaine_ack_label(int domaine);
/* French explanation of a NumAnoAck ("pièce en double"…), NULL when unknown. */
const char *pes_ano_ack_label(const char *code);
/* Human summary, one line per element and per error ("Bordereau de dépense n° 5 (2019) : refusé…"). */
void pes_acquit_format(buf *out, const struct pes_acquit *a);
/* The same as an HTML fragment (<section>, one accessible table: objet, état, anomalies). */
void pes_acquit_html(buf *out, const struct pes_acquit *a);

/* What the test peer answers to a PES_Aller (the DGFiP's behaviour as far as this check knows it). */
struct pes_acquit_opts {
	const char *refuse_code;     /* non-NULL: every bordereau refused with this NumAnoAck… */
	const char *refuse_libelle;  /* …and this LibelleAnoAck */
	const char *date;            /* DteStr of the acquittal (AAAA-MM-JJ), NULL → today */
};
/* Builds the PES_ACQUIT (ISO-8859-1) answering the PES_Aller at path: the file is checked (schema +
 * rules); errors outside any bordereau or PJ refuse the whole file (one DomaineAck 0 element), else
 * one element per bordereau (5 dépense / 6 recette, with DetailPiece/DetailLigne where the errors
 * are) and per PJ (4), refused with the DGFiP code of each error. -1 when the header is unreadable. */
int pes_acquit_build(const char *aller_path, const struct pes_acquit_opts *o, buf *out, struct err *e);

/* ---- PES_Retour: what the comptable reports back (prises en charge, rejets, paiements) ---------- */

struct pes_retour_ligne {
	const char *id, *etat, *obs, *commentaire, *date_paiement;
	long long ht, paye;          /* cents: MtHT, MtPay/MtReco summed */
};
struct pes_retour_piece {
	const char *id, *type, *objet, *date_pec, *etat, *obs, *commentaire, *date_rejet;
	struct pes_retour_ligne *lignes;
	size_t n_lignes;
};
struct pes_retour_bordereau {
	char domaine;                /* 'D' / 'R' */
	const char *exer, *idbord, *type;
	struct pes_retour_piece *pieces;
	size_t n_pieces;
};
struct pes_retour {
	const char *nomfic, *typfic, *dtestr, *idpost, *libelle_poste, *idcoll, *codcol, *codbud;
	const char *typ_restit;      /* 01 rejet, 02 périodique, 03 stock */
	struct pes_retour_bordereau *bordereaux;
	size_t n_bordereaux;
	struct pes_model_mem *mem;
};
int pes_retour_parse(const char *data, size_t len, struct pes_retour *r, struct err *e);
int pes_retour_parse_file(const char *path, struct pes_retour *r, struct err *e);
void pes_retour_free(struct pes_retour *r);
/* French label of a piece / line state ("Prise en charge", "Rejeté"…) for a domain, NULL if unknown. */
const char *pes_retour_etat_piece(char domaine, const char *code);
const char *pes_retour_etat_ligne(char domaine, const char *code);
void pes_retour_format(buf *out, const struct pes_retour *r);
/* What the test peer sends back once the comptable took a PES_Aller in charge: a PES_Retour
 * (ISO-8859-1, passes RETOUR/Rev0/PES_Retour.xsd; TypFic PESRETOUR_DEP, PESRETOUR_REC or PESRETOUR)
 * listing its dépense bordereaux (every mandat and line « pris en charge ») and its recette ones (every
 * titre « pris en charge », its lines « non soldée ») on date (NULL → today). 422 when it has no
 * bordereau. */
int pes_retour_build(const char *aller_path, const char *nomfic, const char *date, buf *out, struct err *e);
/* The collectivité's acknowledgement of a PES Retour: a PES_ACQUIT_RETOUR (RETOUR/Rev0/
 * PES_V2_Acquit_Retour.xsd, ISO-8859-1, NomFic "ACQUIT_" + the retour's), one ElementACQUIT_RETOUR per
 * domain (13 dépense, 14 recette) naming the retour's NomFic and TypRestit, acknowledged on date (NULL →
 * today). 422 when the retour has no NomFic, header or bordereau. */
int pes_acquit_retour_build(const struct pes_retour *r, const char *date, buf *out, struct err *e);

/* ---- synthetic files (benchmarks, tests, demo) ------------------------------------------------ */

struct pes_gen_stats { unsigned long long bytes; unsigned long bordereaux, pieces, pjs; };
/* Writes to f a PES_Aller of about `target` bytes that passes the schema and every rule: bordereaux
 * of 500 mandats, one gzip+base64 PJ referenced every 20 mandats. Same seed, same bytes. */
int pes_gen_write(FILE *f, unsigned long long target, unsigned seed, struct pes_gen_stats *st,
		  struct err *e);
/* The same with the file's identity and shape chosen (demo data, tests of the Hélios pages): exactly
 * `bordereaux` bordereaux of `mandats` mandats when bordereaux > 0 (else about `target` bytes),
 * numbered from first_bordereau (mandats and PJ numbered on from there, so consecutive files do not
 * collide); NULL strings take the defaults of pes_gen_write; Exer is the year of date. */
struct pes_gen_opts {
	unsigned long long target;
	unsigned bordereaux, mandats, first_bordereau, seed;
	const char *idcoll, *idpost, *codcol, *codbud, *libelle, *nomfic, *date;  /* libelle: UTF-8 */
};
int pes_gen_write_opts(FILE *f, const struct pes_gen_opts *g, struct pes_gen_stats *st, struct err *e);

#endif
