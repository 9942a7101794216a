/* egalite_priv: what the module's files share and nobody else needs — the import's field rules, the
 * matricule set, and the « view » (sections of tables and charts) that HTML, PDF and XLSX all draw. */
#ifndef OPALE_EGALITE_PRIV_H
#define OPALE_EGALITE_PRIV_H
#include <stdarg.h>
#include <stdlib.h>

#include "egalite/egalite.h"

/* ---- import ---- */
enum { EG_COL_MATRICULE, EG_COL_SEXE, EG_COL_NAISSANCE, EG_COL_STATUT, EG_COL_CATEGORIE, EG_COL_FILIERE,
       EG_COL_ENCADRANT, EG_COL_TEMPS, EG_COL_QUOTITE, EG_COL_REMUNERATION, EG_COL_MOIS, EG_COL_ETABLISSEMENT,
       EG_NCOL };

void eg_issue(struct egalite_issues *is, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Trims ASCII blanks in place, returns the start. */
char *eg_trim(char *s);
/* Validates one row's fields (already trimmed, in column order); fills ag (owning matricule and
 * etablissement) and returns 0, or reports every problem of the row and returns -1. */
int eg_agent_from_fields(const char *const f[EG_NCOL], long line, const struct egalite_date *ref,
			 struct egalite_agent *ag, struct egalite_issues *is);

/* Open-addressing set of matricules → first line seen. */
struct eg_seen {
	char **key;
	long *line;
	size_t n, cap;
};
/* Adds key; returns 0 when new, else the line where it was first seen. */
long eg_seen_add(struct eg_seen *s, const char *key, long line);
void eg_seen_free(struct eg_seen *s);

/* ---- view: the report as sections of tables and charts, drawn by html.c, pdf.c, xlsx.c ---- */

enum eg_cell_kind { EG_TEXT, EG_INT, EG_MONEY, EG_PCT, EG_AGE, EG_NONE };

struct eg_cell {
	enum eg_cell_kind kind;
	char *text;         /* as shown in HTML and PDF (French formatting) */
	double number;      /* for the spreadsheet: count, euros, share (0-1), years */
};

struct eg_table {
	char *caption;
	char *corner;                     /* first header cell (« Effectifs permanents »…) */
	char **head;                      /* column headers, n_cols - 1 of them */
	int n_cols, n_rows;
	char **row_label;
	struct eg_cell *cells;            /* n_rows × (n_cols - 1) */
	int total_rows;                   /* how many last rows are totals (shown bold) */
	char *note;                       /* text under the table, may be NULL */
};

/* Charts: grouped bars (one group per label, one bar per series) or an age pyramid (women left,
 * men right). Values are counts or euros. */
enum eg_chart_kind { EG_BARS, EG_PYRAMID };

struct eg_chart {
	enum eg_chart_kind kind;
	char *title;
	char *desc;                       /* one sentence for screen readers */
	int n;                            /* labels */
	char **label;
	double *v[2];                     /* [0] women, [1] men */
	int money;                        /* values are euros: axis and labels as money */
	int table;                        /* drawn after this table of its section */
};

struct eg_section {
	char *title;
	char *sheet;                      /* short name (spreadsheet tab, 31 characters at most) */
	char *intro;                      /* may be NULL */
	struct eg_table *tables;
	int n_tables;
	struct eg_chart *charts;
	int n_charts;
};

struct arena;
struct eg_view {
	struct arena *arena;              /* everything below lives in it */
	char *title, *subtitle;
	struct eg_section *s;
	int n;
	char **method;                    /* the method notes (what « ensemble » means, rounding) */
	int n_method;
};

/* A chart laid out as primitives in its own coordinates (points, y downwards), drawn as SVG by html.c
 * and with cairo by pdf.c — chart.c. Colours: 0 women, 1 men, 2 grid, 3 text. Text y is the baseline. */
enum eg_prim_kind { EG_P_RECT, EG_P_LINE, EG_P_TEXT };
struct eg_prim {
	enum eg_prim_kind kind;
	double x, y, w, h;                /* line: from (x, y) to (x + w, y + h) */
	int color;
	int anchor;                       /* text: 0 start, 1 middle, 2 end */
	double size;                      /* text: font size */
	int bold;
	char text[80];
};
struct eg_drawing {
	double w, h;
	struct eg_prim *p;
	int n, cap;
};
void eg_chart_draw(const struct eg_chart *c, struct eg_drawing *d);
void eg_drawing_free(struct eg_drawing *d);
extern const char *const eg_colors[4];  /* "#rrggbb" */

/* Builds the view of a report (prev: the earlier diagnostic's JSON, or NULL). Returns NULL with e
 * filled when prev is not a diagnostic. */
struct eg_view *eg_view_build(const struct egalite_report *r, const char *prev_json, struct err *e);
void eg_view_free(struct eg_view *v);

/* Figures shared by the view and the JSON (comparison with the previous diagnostic). */
struct eg_compare_row {
	const char *label;
	const char *path;                 /* in the JSON: "effectifs.total.F" */
	enum eg_cell_kind kind;
};
extern const struct eg_compare_row eg_compare_rows[];
extern const int eg_n_compare_rows;

/* The report's JSON (jansson) — json.c; returns a new reference. */
struct json_t;
struct json_t *eg_report_json(const struct egalite_report *r);
/* The comparable value at path in a diagnostic's JSON (count, share, mean age in years or money in
 * cents); returns 0 and *v, or -1 when absent. */
int eg_json_figure(struct json_t *root, const char *path, enum eg_cell_kind kind, double *v);

/* The method notes, in French, keyed for the JSON (« ensemble », rounding…) — json.c. */
struct eg_note {
	const char *key, *text;
};
extern const struct eg_note eg_method[];
extern const int eg_n_method;

/* French number formatting for the view. */
void eg_fmt_pct(buf *b, struct egalite_ratio r);           /* "58,8 %" or "–" */
void eg_fmt_age(buf *b, struct egalite_ratio r);           /* half year: "45,5" or "43" */

#endif
