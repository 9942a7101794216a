/* delais: the prefect's control deadlines on a transmitted act and what each prefecture letter does
 * to them (CGCT L2131-6 and the case law cited in docs/actes.md « Délais du contrôle de légalité »).
 * Pure functions on calendar dates: no clock, no database — the caller gives « today ». */
#ifndef OPALE_ACTES_DELAIS_H
#define OPALE_ACTES_DELAIS_H
#include "core/dates.h"

/* A date of y == 0 means « unknown / none » in the structures below. */
#define ACTES_DATE_NONE ((struct date){ 0, 0, 0 })

/* d + n months « de quantième à quantième »; when the target month has no such day, its last day
 * (CPC art. 641 al. 2). */
struct date actes_add_months(struct date d, int n);
/* French public holidays (Code du travail L3133-1: 1 January, Easter Monday, 1 May, 8 May, Ascension,
 * Whit Monday, 14 July, 15 August, 1 November, 11 November, 25 December). The extra days of
 * Alsace-Moselle and the overseas départements are not included. */
int actes_jour_ferie(struct date d);
/* d when it is a working day, else the next one (Saturday, Sunday, public holiday: CPC art. 642). */
struct date actes_jour_ouvrable(struct date d);
/* Last day to act in a two-month recourse period starting on `from` (the day of the event): délai
 * franc (neither that day nor the day the period ends counts, so the last day is the same day two
 * months later, plus one), moved to the next working day. */
struct date actes_deux_mois_franc(struct date from);

/* What is known about one letter. */
struct actes_delai_in {
	const char *code;           /* letter: "2-1", "3-1", "4-1", "5-1" */
	struct date ar;             /* the act's reception in prefecture (1-2 DateReception) */
	struct date courrier;       /* DateCourrierPref of the letter */
	int repondu;                /* a reply was sent (or is being sent) */
	int refus;                  /* that reply is a refusal (3-3, 4-3) */
	struct date reponse_recue;  /* reception of the reply by the prefecture (3-5 / 4-5 DateReception) */
	struct date today;
};
/* Computed deadlines; every date may be ACTES_DATE_NONE. */
struct actes_delai {
	struct date fin_controle;   /* initial end of the prefect's delay: ar + 2 months (franc) */
	int dans_delai;             /* the letter came before fin_controle (it can extend it) */
	struct date reponse_avant;  /* 4-1: the day the collectivité's silence becomes an implicit rejection */
	int jours_restants;         /* reponse_avant - today (only when reponse_avant is set) */
	int alerte;                 /* no reply yet and reponse_avant within 7 days (today included, not past) */
	int suspendu;               /* 3-1 without the pieces received: the prefect's delay does not run */
	struct date reprise;        /* the day the prefect's delay (2 months) runs again from */
	struct date deferer_avant;  /* last day of the prefect's delay, as far as it is known */
	char texte[700];            /* French: what it means for the collectivité */
	const char *sources;        /* legal sources, French */
	int a_confirmer;            /* the rule applied is our reading, to be confirmed (docs/actes.md) */
};

/* Days before reponse_avant from which a letter is an alert. */
#define ACTES_ALERTE_JOURS 7

/* Fills out from in. 0, or -1 when in->code is not a letter (2-1, 3-1, 4-1, 5-1). */
int actes_delai_compute(const struct actes_delai_in *in, struct actes_delai *out);

#endif
