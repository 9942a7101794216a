/* seance: the legal rules of assemblies (CGCT) as pure functions over plain structs — convocation
 * delay (delai.c), proxies (procuration.c), quorum and votes (quorum.c). No storage, no HTTP:
 * callers load the facts and ask. Rules and sources: docs/seances-regles.md. */
#ifndef OPALE_SEANCE_H
#define OPALE_SEANCE_H
#include <stddef.h>
#include <stdint.h>

#include "core/dates.h"

struct err;

/* ---- Convocation delay (delai.c) ------------------------------------------------------------- */

enum seance_organe {
	ORGANE_COMMUNE,       /* conseil municipal */
	ORGANE_EPCI,          /* conseil communautaire / syndical (L5211-1) */
	ORGANE_DEPARTEMENT,   /* conseil départemental */
	ORGANE_REGION,        /* conseil régional */
	ORGANE_COMMISSION,    /* commission: delay of the règlement intérieur */
};

/* "commune", "epci", "departement", "region", "commission" <-> enum. Parse returns 0 or -1. */
int seance_organe_parse(const char *s, enum seance_organe *out);
const char *seance_organe_name(enum seance_organe o);

struct seance_delai_in {
	enum seance_organe organe;
	long population;     /* population of the commune (communes only; -1 = not given) */
	int urgence;         /* urgence declared by the maire / président */
	int delai;           /* days set by the règlement intérieur, -1 = none. Required for commissions;
			      * for the other organes it may only lengthen the legal delay. */
	struct date seance;  /* day of the meeting (Europe/Paris) */
};

struct seance_delai_out {
	struct date envoi_limite;  /* latest day (Europe/Paris) on which the convocation may be sent */
	int jours;                 /* the delay applied */
	int francs;                /* 1: jours francs (sending day and meeting day excluded); 0: days */
	int note_synthese;         /* the law requires a note explicative de synthèse / rapport per affaire */
	const char *article;       /* legal source, e.g. "CGCT art. L2121-11" */
	char regle[768];           /* the rule applied, in French, with the dates */
};

/* Computes the latest sending day. Errors: "seance.organe" (population missing for a commune),
 * "seance.delai" (commission without a delay, or a delay shorter than the legal minimum). */
int seance_delai(const struct seance_delai_in *in, struct seance_delai_out *out, struct err *e);

/* Checks a sending at instant envoi_utc (seconds, UTC) against the rule: the sending counts on its
 * Paris calendar day. Returns 0 when in time; -1 with "seance.delai_depasse" (409) when too late
 * (the message says whether declaring the urgence would allow it), or any error of seance_delai.
 * out is filled in both cases when the rule itself could be computed. */
int seance_delai_check_envoi(const struct seance_delai_in *in, int64_t envoi_utc,
			     struct seance_delai_out *out, struct err *e);

#endif
