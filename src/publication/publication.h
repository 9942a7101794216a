/* publication: open data of the deliberations — the SCDL « Délibérations » 2.1.5 CSV writer
 * (scdl.c) and a validator that reads its rules from the published JSON Table Schema at run time
 * (scdl_check.c). No storage here: callers pass rows. Rules and choices: docs/seances-regles.md §6. */
#ifndef OPALE_PUBLICATION_H
#define OPALE_PUBLICATION_H
#include <stddef.h>

#include "core/buf.h"
#include "core/dates.h"

struct err;

/* ---- Writer (scdl.c) ------------------------------------------------------------------------- */

/* The 17 columns of SCDL Délibérations 2.1.5, in the schema's order (a test compares this list
 * with the schema file). */
enum scdl_col {
	SCDL_COLL_NOM, SCDL_COLL_SIRET, SCDL_DELIB_ID, SCDL_DELIB_DATE, SCDL_DELIB_MATIERE_CODE,
	SCDL_DELIB_MATIERE_NOM, SCDL_DELIB_OBJET, SCDL_BUDGET_ANNEE, SCDL_BUDGET_NOM, SCDL_PREF_ID,
	SCDL_PREF_DATE, SCDL_VOTE_EFFECTIF, SCDL_VOTE_REEL, SCDL_VOTE_POUR, SCDL_VOTE_CONTRE,
	SCDL_VOTE_ABSTENTION, SCDL_DELIB_URL, SCDL_NCOLS
};
extern const char *const scdl_col_names[SCDL_NCOLS];

/* One deliberation, typed. Strings may be NULL (missing: written as an empty field). */
struct scdl_deliberation {
	const char *coll_nom;
	const char *coll_siret;       /* 14 digits */
	const char *delib_id;
	struct date delib_date;
	int matiere[2];               /* ACTES level-1 and level-2 codes, e.g. {8, 4} */
	const char *matiere_nom;      /* NULL: built from matiere[0] and matiere_libelle2 */
	const char *matiere_libelle2; /* level-2 label of the collectivité's ACTES classification */
	const char *objet;
	const char *budget_annee;     /* "2024" or "2024/2025"; NULL when no budget impact */
	const char *budget_nom;
	const char *pref_id;          /* from the @ctes acknowledgement; NULL when not transmitted */
	struct date pref_date;        /* y == 0: missing */
	int has_vote;                 /* 0: the five VOTE_* columns are empty */
	int vote_effectif, vote_reel, vote_pour, vote_contre, vote_abstention;
	const char *url;
};

/* A row as text, in column order; NULL or "" = missing. num_ holds formatted numbers and dates. */
struct scdl_row {
	const char *v[SCDL_NCOLS];
	char num_[9][24];
	char nom_[512];
};

/* Fills r from d (r points into d's strings and its own storage). */
void scdl_row_from(struct scdl_row *r, const struct scdl_deliberation *d);
/* Appends the header line, then rows: RFC 4180 (comma, CRLF, double quotes around a field that
 * holds a comma, a quote or a line break, quotes doubled), UTF-8, empty field for a missing value. */
void scdl_csv_header(buf *b);
void scdl_csv_row(buf *b, const struct scdl_row *r);

/* "AAAAMMJJ_<SIREN>_deliberations.csv" for a production date. SIREN: 9 digits with a valid Luhn key.
 * out: at least 40 bytes. Returns 0 or -1 ("scdl.siren"). */
int scdl_filename(const char *siren, struct date d, char *out, size_t n, struct err *e);

/* Level-1 labels of the ACTES nomenclature, code 1..9 (as validata's nomenclature-actes-value
 * lists them); NULL outside 1..9. */
const char *scdl_matiere1_label(int code);
/* DELIB_MATIERE_NOM: "<level-1 label>/<level-2 label>", lower case (accents kept), commas and
 * parentheses removed, as the schema describes. Returns out. */
char *scdl_matiere_nom(int code1, const char *libelle2, char *out, size_t n);

/* Luhn check over a string of digits (SIREN, SIRET). 1 when valid. */
int scdl_luhn_valid(const char *digits);
/* SIRET check as python-stdnum does it (used by validata's french-siret-value): 14 digits, Luhn
 * over the SIREN and over the SIRET; La Poste's establishments (SIREN 356000000, except the head
 * office 35600000000048) use a digit sum divisible by 5 instead. */
int scdl_siret_valid(const char *s);

/* ---- Validator (scdl_check.c) ------------------------------------------------------------------ */

struct scdl_schema;

/* Loads a Frictionless Table Schema (fields, types, constraints, Validata custom_checks). Anything
 * the validator does not implement is refused here ("scdl.schema"), never silently skipped.
 * Free with scdl_schema_free. */
struct scdl_schema *scdl_schema_load(const char *path, struct err *e);
void scdl_schema_free(struct scdl_schema *s);
size_t scdl_schema_nfields(const struct scdl_schema *s);
const char *scdl_schema_field(const struct scdl_schema *s, size_t i);

struct scdl_violation {
	long line;            /* CSV line (header = 1); for scdl_check_row, the number given */
	char column[64];      /* field name, "" for the whole row */
	char check[48];       /* "required", "pattern", "type", "french-siret-value", … */
	char msg[400];        /* French */
};
typedef void (*scdl_report_fn)(void *ctx, const struct scdl_violation *v);

/* Checks one row given as cells in the schema's field order (n must equal the field count).
 * Calls report for each violation; returns their count. */
int scdl_check_row(const struct scdl_schema *s, const char *const *cells, size_t n, long line,
		   scdl_report_fn report, void *ctx);
/* Checks a whole CSV text: header (names and order), field count per line, then each row.
 * Returns the count of violations, or -1 with e on a CSV syntax error (unclosed quote). */
long scdl_check_csv(const struct scdl_schema *s, const char *data, size_t len, scdl_report_fn report,
		    void *ctx, struct err *e);

#endif
