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

/* ---- Proxies, CGCT L2121-20 (procuration.c) ------------------------------------------------- */

/* Someone convened to the séance under consideration. */
struct seance_personne {
	long id;
	const char *nom;     /* for messages; NULL -> "membre n° id" */
	int membre;          /* voting member of the organe (0: invited guest, administratif…) */
	int en_exercice;     /* mandate in force */
};

/* A written pouvoir: one document, one giver, one holder, the séance(s) it designates. */
struct procuration {
	long id;
	long mandant;                 /* giver */
	long mandataire;              /* holder */
	const long *seances;          /* séances designated (ids) */
	size_t n_seances;
	int maladie;                  /* « maladie dûment constatée » ticked */
	int revoquee;                 /* revoked (always possible: procuration_revoquer) */
};

/* The facts about one séance against which a pouvoir is checked. */
struct procuration_ctx {
	long seance;
	const struct seance_personne *convoques;   /* everyone convened to this séance */
	size_t n_convoques;
	const long *seances_organe;                /* the organe's séances, chronological (ids) */
	size_t n_seances_organe;
	const struct procuration *existantes;      /* pouvoirs already recorded (revoked ones ignored) */
	size_t n_existantes;
};

/* Checks that pouvoir p may be valid for ctx->seance. Returns 0, or -1 with a code
 * "procuration.*" (status 422) and a French message quoting L2121-20. A pouvoir in `existantes`
 * with the same id as p is ignored (re-checking a recorded pouvoir). */
int procuration_check(const struct procuration_ctx *ctx, const struct procuration *p, struct err *e);
/* « Le pouvoir est toujours révocable » : marks p revoked. */
void procuration_revoquer(struct procuration *p);
/* 1 when p is not revoked and designates séance s. */
int procuration_active(const struct procuration *p, long s);

/* ---- Quorum (L2121-17) and votes (L2121-20) — quorum.c ---------------------------------------- */

/* Attendance of one member for one agenda point. */
struct quorum_membre {
	long id;
	const char *nom;          /* for messages */
	int present;              /* physically present (EPCI with téléconférence: in one of the rooms) */
	int retire;               /* withdrew for this point (« ne prend pas part au vote », interested) */
	long pouvoir_de;          /* id of the member whose valid pouvoir this one holds, 0 = none */
};

struct quorum_in {
	int en_exercice;                      /* members in office (vacant seats excluded) */
	const struct quorum_membre *membres;  /* the members of the organe */
	size_t n;
	int sans_quorum;   /* second convocation after a séance without quorum (L2121-17 al. 2),
			    * checked by seance_sans_quorum_check */
};

struct quorum_out {
	int presents;         /* physically present and taking part in this point */
	int requis;           /* majority of members in office: en_exercice / 2 + 1 */
	int atteint;          /* quorum reached (or not required: sans_quorum) */
	int representes;      /* pouvoirs that can be exercised on this point (not counted for quorum) */
	int retires;
	char regle[400];      /* French: the count and the rule */
};

/* Quorum of one agenda point. Errors "quorum.*" (400) on inconsistent facts (more present members
 * than members in office, pouvoir of an unknown member…); not reaching the quorum is not an error:
 * out->atteint says it. */
int seance_quorum(const struct quorum_in *in, struct quorum_out *out, struct err *e);

/* Second convocation (L2121-17 al. 2): the point must have been on the agenda of a first séance,
 * regularly convened, that lacked the quorum, and the new séance be held at least three days after
 * it. Returns 0, or -1 with "quorum.sans_quorum" quoting the rule. */
int seance_sans_quorum_check(struct date premiere, int quorum_manque, int meme_point, struct date seconde,
			     struct err *e);

enum vote_choix { VOTE_POUR = 1, VOTE_CONTRE, VOTE_ABSTENTION, VOTE_NPPV };

/* Public ballot: one line per vote cast, by name. */
struct vote_bulletin {
	long votant;              /* the member present who votes */
	long pour_compte_de;      /* 0: own vote; else the member whose pouvoir the voter holds */
	enum vote_choix choix;
};

struct vote_in {
	const struct quorum_in *presence;     /* attendance for this point */
	int secret;                           /* scrutin secret (no casting vote) */
	long president;                       /* the member presiding the séance */
	const struct vote_bulletin *bulletins; /* public ballot: every vote by name */
	size_t n_bulletins;
	int pour, contre, abstention, nppv;   /* secret ballot: totals (abstention = blancs et nuls) */
};

struct vote_out {
	struct quorum_out quorum;
	int pour, contre, abstention, nppv;
	int exprimes;             /* pour + contre (suffrages exprimés) */
	int adopte;
	int voix_preponderante;   /* the tie was broken by the president's vote */
	int scdl_effectif;        /* SCDL VOTE_EFFECTIF: members in office */
	int scdl_reel;            /* SCDL VOTE_REEL: pour + contre + abstention */
	char resultat[1024];       /* French sentence */
};

/* Counts a vote and decides (majorité absolue des suffrages exprimés; casting vote of the president
 * on a tie, except secret ballot). Refuses ("vote.*", "quorum.non_atteint"; 422) a vote without
 * quorum, a vote by an absent or withdrawn member, a proxy vote without the pouvoir, twice the same
 * vote, a missing vote (public ballot: every present member and every pouvoir), totals that do not
 * match attendance (secret ballot). */
int seance_vote(const struct vote_in *in, struct vote_out *out, struct err *e);

#endif
