/* egalite: the « situation comparée » of women and men (article 80, loi n° 2019-828) computed from an
 * HR export of agents at a reference date — strict CSV import, the diagnostic's tables, and the
 * report as JSON, HTML (inline SVG charts), PDF (cairo) and XLSX. Routes and pages call these functions.
 *
 * Typical use:
 *   struct egalite_agents ag = {0}; struct egalite_issues is = {0}; struct err e = {0};
 *   if (egalite_load_file(path, &date, &ag, &is, &e) < 0) → show is.v[i].line / is.v[i].msg, stop.
 *   struct egalite_report *r = egalite_compute(&ag, &opts);
 *   egalite_render(r, prev_json_or_NULL, EGALITE_HTML, &out, &e);   (or egalite_write_file for pdf/xlsx)
 *   egalite_report_free(r); egalite_agents_free(&ag); egalite_issues_free(&is); */
#ifndef OPALE_EGALITE_H
#define OPALE_EGALITE_H
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* ---- vocabulary (the CSV's values, in this order everywhere) ---------------------------------- */

enum egalite_sexe { EG_F, EG_H, EG_NSEXE };
enum egalite_statut { EG_FONCTIONNAIRE, EG_CONTRACTUEL_PERMANENT, EG_CONTRACTUEL_NON_PERMANENT, EG_APPRENTI,
		      EG_AUTRE, EG_NSTATUT };
/* EG_CAT_NONE: empty « categorie » (apprentis, hors catégorie). */
enum egalite_categorie { EG_CAT_A, EG_CAT_B, EG_CAT_C, EG_CAT_NONE, EG_NCAT };
enum egalite_filiere { EG_ADMINISTRATIVE, EG_ANIMATION, EG_CULTURELLE, EG_MEDICO_SOCIALE, EG_TECHNIQUE,
		       EG_SPORTIVE, EG_POLICE, EG_INCENDIE, EG_FILIERE_AUTRE, EG_NFILIERE };
enum egalite_temps { EG_COMPLET, EG_NON_COMPLET, EG_PARTIEL, EG_NTEMPS };

/* The CSV token ("fonctionnaire", "medico-sociale"…) and the label shown to people ("Médico-sociale"). */
const char *egalite_statut_token(enum egalite_statut s);
const char *egalite_statut_label(enum egalite_statut s);
const char *egalite_categorie_token(enum egalite_categorie c);   /* "A", "B", "C", "" */
const char *egalite_categorie_label(enum egalite_categorie c);   /* "A"… "Hors catégorie" */
const char *egalite_filiere_token(enum egalite_filiere f);
const char *egalite_filiere_label(enum egalite_filiere f);
const char *egalite_temps_token(enum egalite_temps t);
const char *egalite_temps_label(enum egalite_temps t);
/* Permanent staff: fonctionnaires and contractuels sur emploi permanent. */
int egalite_statut_permanent(enum egalite_statut s);

struct egalite_date {
	int y, m, d;
};
/* Parses YYYY-MM-DD (a real calendar day). Returns 0 or -1. */
int egalite_date_parse(const char *s, struct egalite_date *out);
/* Completed years between birth and the reference date (birthday reached or not), -1 if birth > ref. */
int egalite_age(const struct egalite_date *birth, const struct egalite_date *ref);

/* ---- import ------------------------------------------------------------------------------------ */

/* One agent (one CSV row). Money is in integer cents; quotite in hundredths of a percent. */
struct egalite_agent {
	char *matricule;
	enum egalite_sexe sexe;
	struct egalite_date naissance;
	enum egalite_statut statut;
	enum egalite_categorie categorie;
	enum egalite_filiere filiere;
	int encadrant;
	enum egalite_temps temps;
	int quotite;               /* 8000 = 80 % */
	long long remuneration;    /* annual gross, cents */
	int mois;                  /* months paid in the year, 0 only for an unpaid agent (disponibilité) */
	char *etablissement;       /* "" when empty */
	long line;                 /* line of the row in the file */
};

struct egalite_agents {
	struct egalite_agent *v;
	size_t n, cap;
};

/* A bad row: its line in the file and the reason, in French. */
struct egalite_issue {
	long line;
	char *msg;
};

struct egalite_issues {
	struct egalite_issue *v;
	size_t n, cap;
	size_t total;              /* all problems found, even beyond the ones kept (n ≤ 1000) */
};

/* Reads the CSV export (see docs/egalite.md: UTF-8, ';', header line naming the 12 columns in any
 * order, quoted fields allowed). The reference date bounds birth dates. Every bad row is reported in
 * *issues (line + French reason); the import is all or nothing: on any problem it returns -1, *out is
 * left empty and e says how many problems there are. 0 when the whole file is clean.
 * out and issues own their memory: egalite_agents_free / egalite_issues_free. */
int egalite_parse(const char *data, size_t len, const struct egalite_date *ref, struct egalite_agents *out,
		  struct egalite_issues *issues, struct err *e);
/* Same, reading path (at most 64 MB). */
int egalite_load_file(const char *path, const struct egalite_date *ref, struct egalite_agents *out,
		      struct egalite_issues *issues, struct err *e);
void egalite_agents_free(struct egalite_agents *a);
void egalite_issues_free(struct egalite_issues *is);

/* ---- computation ------------------------------------------------------------------------------- */

/* A figure as a fraction, so anyone can check it: a share (num agents / den agents), a mean age
 * (sum of ages / agents) or a mean monthly pay (sum of cents / months paid). den = 0: no one. */
struct egalite_ratio {
	long long num, den;
};

#define EG_NBANDS 6            /* age pyramid: < 20, 20-29, …, 50-59, 60 and over */
#define EG_MAX_APART 8         /* establishments reported apart (--a-part) */
#define EG_NPAYCAT 4           /* A, B, C, hors catégorie */
#define EG_NQUOT 3             /* part-time quotité bands: < 50 %, 50-80 %, > 80 % */

/* Pay of one population (the main one or an establishment apart), [categorie][sexe], the extra
 * index being « ensemble » (all categories / both sexes, weighted by months paid). */
struct egalite_pay {
	char *etablissement;       /* NULL for the main population (everyone not reported apart) */
	struct egalite_ratio mean[EG_NPAYCAT + 1][EG_NSEXE + 1];
	int agents[EG_NPAYCAT + 1][EG_NSEXE + 1];
};

struct egalite_report {
	struct egalite_date date;
	char *titre;                                   /* collectivité, "" when not given */
	int total[EG_NSEXE + 1];                       /* all staff, [EG_NSEXE] = both */
	int effectifs[EG_NSTATUT][EG_NSEXE + 1];       /* all staff by status */
	int permanents[EG_NSEXE + 1];
	struct egalite_ratio feminisation;             /* permanent women / permanent staff */
	struct egalite_ratio age_statut[EG_NSTATUT][EG_NSEXE + 1];
	struct egalite_ratio age_permanents[EG_NSEXE + 1];
	struct egalite_ratio age_ensemble[EG_NSEXE + 1];
	struct egalite_ratio age_categorie[EG_NCAT][EG_NSEXE + 1];   /* permanent staff */
	int pyramide[EG_NBANDS][EG_NSEXE + 1];                       /* all staff */
	int filiere[EG_NFILIERE][EG_NSEXE + 1];                      /* permanent staff */
	int categorie[EG_NCAT][EG_NSEXE + 1];                        /* permanent staff */
	int encadrants[EG_NCAT][EG_NSEXE + 1];                       /* all staff; [EG_CAT_NONE] too */
	int encadrants_total[EG_NSEXE + 1];
	struct egalite_ratio part_encadrants[EG_NSEXE + 1];          /* managers / all staff of that sex */
	int temps[EG_NTEMPS][EG_NSEXE + 1];                          /* all staff */
	struct egalite_ratio part_partiel[EG_NSEXE + 1];             /* part-time / all staff of that sex */
	int quotite_partiel[EG_NQUOT][EG_NSEXE + 1];                 /* permanent part-time staff */
	struct egalite_pay pay[1 + EG_MAX_APART];                    /* [0] main, then each --a-part */
	int n_pay;
};

struct egalite_opts {
	struct egalite_date date;
	const char *titre;                 /* collectivité's name for the report title, may be NULL */
	const char *a_part[EG_MAX_APART];  /* establishments whose pay is reported apart */
	int n_a_part;
};

/* Computes every table from a clean import. Returns NULL with e filled when an establishment given
 * apart is absent from the file (a typo would otherwise silently merge it). Free with
 * egalite_report_free. */
struct egalite_report *egalite_compute(const struct egalite_agents *a, const struct egalite_opts *o,
				       struct err *e);
void egalite_report_free(struct egalite_report *r);

/* Rounding, exact integer arithmetic (num ≥ 0, den > 0): the mean to the nearest half (ties up),
 * returned in halves (85 = 42.5); a money mean to the nearest cent (ties up). */
long long egalite_round_half(struct egalite_ratio r);
long long egalite_round_cents(struct egalite_ratio r);
/* Writes cents as French money, "2 839,56 €" (narrow no-break space between thousands, no-break
 * space before €, U+2212 minus sign for negatives). */
void egalite_money_fr(buf *out, long long cents);

/* ---- output ------------------------------------------------------------------------------------ */

enum egalite_format { EGALITE_JSON, EGALITE_HTML, EGALITE_PDF, EGALITE_XLSX };
/* "json" | "html" | "pdf" | "xlsx" → format, -1 when unknown. */
int egalite_format_parse(const char *s);

/* prev: an earlier diagnostic's JSON output (NULL: no comparison). Checks it is one. Returns 0 / -1. */
int egalite_previous_check(const char *prev_json, struct err *e);

/* The report in one format into out (PDF and XLSX are binary). prev: as above, or NULL. */
int egalite_render(const struct egalite_report *r, const char *prev_json, enum egalite_format f, buf *out,
		   struct err *e);
/* Each format on its own (same contract). */
int egalite_json(const struct egalite_report *r, const char *prev_json, buf *out, struct err *e);
int egalite_html(const struct egalite_report *r, const char *prev_json, buf *out, struct err *e);
int egalite_pdf(const struct egalite_report *r, const char *prev_json, buf *out, struct err *e);
int egalite_xlsx(const struct egalite_report *r, const char *prev_json, buf *out, struct err *e);
/* The HTML report's sections only (no <html>, no <h1>, no inline style), in a <div class="egalite-rapport">,
 * for a page of the application (web/static/opale.css styles it). */
int egalite_html_fragment(const struct egalite_report *r, const char *prev_json, buf *out, struct err *e);

#endif
