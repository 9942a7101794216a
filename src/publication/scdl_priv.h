/* scdl_priv: the loaded schema, shared by scdl_check.c (loading) and scdl_rules.c (checking). */
#ifndef OPALE_SCDL_PRIV_H
#define OPALE_SCDL_PRIV_H
#include <jansson.h>
#include <regex.h>

#define SCDL_MAX_FIELDS 64
#define SCDL_MAX_CHECKS 32
#define SCDL_MAX_COLS 8

enum scdl_type { T_STRING, T_DATE, T_INTEGER, T_NUMBER };

struct scdl_field {
	char *name, *description, *pattern;
	enum scdl_type type;
	int uri;                  /* format: uri */
	int required;
	int has_re;
	regex_t re;
	long min_len, max_len;    /* -1: none */
	int has_min, has_max;
	double min, max;
	json_t *enum_;            /* NULL: none */
};

enum scdl_check_kind { C_SIRET, C_YEAR_INTERVAL, C_COHESIVE, C_COMPARE, C_SUM, C_NOMENCLATURE };

struct scdl_custom {
	enum scdl_check_kind kind;
	int col;                  /* "column" */
	int cols[SCDL_MAX_COLS];  /* column2 / columns / othercolumns */
	int n_cols;
	int op;                   /* compare: index in > >= == <= < */
	int allow_year_only;
};

struct scdl_schema {
	struct scdl_field fields[SCDL_MAX_FIELDS];
	size_t n;
	struct scdl_custom checks[SCDL_MAX_CHECKS];
	size_t n_checks;
	/* ACTES codes listed in the DELIB_MATIERE_CODE description ("'1.1' à '1.7'", …). */
	int matiere_code;         /* field index, -1 when absent */
	struct { int level1, lo, hi; } ranges[16];
	int n_ranges;
};

#endif
