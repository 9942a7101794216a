/* delai: the latest day on which a convocation may be sent, from one static table of the CGCT
 * rules (organe × population × urgence). Sources and reading of each row: docs/seances-regles.md. */
#include "seance/seance.h"
#include "core/err.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char *const organe_names[] = {
	[ORGANE_COMMUNE] = "commune",         [ORGANE_EPCI] = "epci",
	[ORGANE_DEPARTEMENT] = "departement", [ORGANE_REGION] = "region",
	[ORGANE_COMMISSION] = "commission",
};

int seance_organe_parse(const char *s, enum seance_organe *out)
{
	for (size_t i = 0; s && i < sizeof organe_names / sizeof organe_names[0]; i++)
		if (strcmp(s, organe_names[i]) == 0) {
			*out = (enum seance_organe)i;
			return 0;
		}
	return -1;
}

const char *seance_organe_name(enum seance_organe o)
{
	return (unsigned)o < sizeof organe_names / sizeof organe_names[0] ? organe_names[o] : "?";
}

/* The urgence paragraphs that several rows quote alike. */
#define URGENCE_MAIRE                                                                                        \
	"en cas d'urgence, le délai peut être abrégé par le maire sans pouvoir être toutefois inférieur à un " \
	"jour franc ; le maire en rend compte dès l'ouverture de la séance au conseil municipal, qui se "     \
	"prononce sur l'urgence"
#define URGENCE_PRESIDENT "en cas d'urgence, le délai peut être abrégé par le président sans pouvoir être toutefois inférieur à un jour franc"

/* One row per rule. jours < 0: the delay comes from the règlement intérieur (in->delai). */
static const struct delai_rule {
	enum seance_organe organe;
	long pop_min, pop_max;     /* communes: population range; others: 0..LONG_MAX */
	int urgence;
	int jours;
	int francs;
	int note_synthese;
	const char *who;           /* French, starts the sentence */
	const char *article;
	const char *texte;         /* the rule as the law words it */
} rules[] = {
	{ ORGANE_COMMUNE, 0, 3499, 0, 3, 1, 0, "Commune de moins de 3 500 habitants", "CGCT art. L2121-11",
	  "la convocation est adressée trois jours francs au moins avant celui de la réunion" },
	{ ORGANE_COMMUNE, 0, 3499, 1, 1, 1, 0, "Commune de moins de 3 500 habitants, urgence",
	  "CGCT art. L2121-11 al. 2", URGENCE_MAIRE },
	{ ORGANE_COMMUNE, 3500, LONG_MAX, 0, 5, 1, 1, "Commune de 3 500 habitants et plus", "CGCT art. L2121-12",
	  "le délai de convocation est fixé à cinq jours francs ; une note explicative de synthèse sur les "
	  "affaires soumises à délibération doit être adressée avec la convocation" },
	{ ORGANE_COMMUNE, 3500, LONG_MAX, 1, 1, 1, 1, "Commune de 3 500 habitants et plus, urgence",
	  "CGCT art. L2121-12 al. 2", URGENCE_MAIRE },
	{ ORGANE_EPCI, 0, LONG_MAX, 0, 5, 1, 1, "EPCI (règles des communes de 3 500 habitants et plus)",
	  "CGCT art. L5211-1 et L2121-12",
	  "le délai de convocation est fixé à cinq jours francs, avec une note explicative de synthèse" },
	{ ORGANE_EPCI, 0, LONG_MAX, 1, 1, 1, 1, "EPCI, urgence", "CGCT art. L5211-1 et L2121-12 al. 2",
	  "en cas d'urgence, le délai peut être abrégé par le président sans pouvoir être toutefois inférieur "
	  "à un jour franc ; l'assemblée se prononce sur l'urgence dès l'ouverture de la séance" },
	{ ORGANE_DEPARTEMENT, 0, LONG_MAX, 0, 12, 0, 1, "Conseil départemental", "CGCT art. L3121-19",
	  "douze jours au moins avant la réunion, le président adresse aux conseillers départementaux un "
	  "rapport sur chacune des affaires qui doivent leur être soumises" },
	{ ORGANE_DEPARTEMENT, 0, LONG_MAX, 1, 1, 1, 1, "Conseil départemental, urgence", "CGCT art. L3121-19", URGENCE_PRESIDENT },
	{ ORGANE_REGION, 0, LONG_MAX, 0, 12, 0, 1, "Conseil régional", "CGCT art. L4132-18",
	  "douze jours au moins avant la réunion, le président adresse aux conseillers régionaux un rapport "
	  "sur chacune des affaires qui doivent leur être soumises" },
	{ ORGANE_REGION, 0, LONG_MAX, 1, 1, 1, 1, "Conseil régional, urgence", "CGCT art. L4132-18", URGENCE_PRESIDENT },
	{ ORGANE_COMMISSION, 0, LONG_MAX, 0, -1, 1, 0, "Commission",
	  "règlement intérieur (CGCT art. L2121-8 et L2121-22)",
	  "le CGCT ne fixe pas de délai de convocation des commissions : le délai est celui du règlement "
	  "intérieur" },
	{ ORGANE_COMMISSION, 0, LONG_MAX, 1, -1, 1, 0, "Commission, urgence",
	  "règlement intérieur (CGCT art. L2121-8 et L2121-22)",
	  "le CGCT ne fixe pas de délai de convocation des commissions, ni en cas d'urgence : le délai est "
	  "celui du règlement intérieur" },
};

static const struct delai_rule *find_rule(const struct seance_delai_in *in)
{
	long pop = in->organe == ORGANE_COMMUNE ? in->population : 0;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		const struct delai_rule *r = &rules[i];
		if (r->organe == in->organe && r->urgence == !!in->urgence && pop >= r->pop_min &&
		    pop <= r->pop_max)
			return r;
	}
	return NULL;
}

int seance_delai(const struct seance_delai_in *in, struct seance_delai_out *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!date_valid(in->seance))
		return err_set(e, 400, "date.invalide", "date de séance invalide");
	if (in->organe == ORGANE_COMMUNE && in->population < 0)
		return err_set(e, 400, "seance.organe",
			       "la population de la commune est nécessaire : le délai dépend du seuil de 3 500 "
			       "habitants (CGCT art. L2121-11 et L2121-12)");
	const struct delai_rule *r = find_rule(in);
	if (!r)
		return err_set(e, 400, "seance.organe", "organe inconnu");
	int jours = r->jours;
	char extra[200] = "";
	if (r->jours < 0) {
		if (in->delai < 0)
			return err_set(e, 400, "seance.delai",
				       "%s : %s (%s) ; précisez ce délai (--delai N, en jours francs)", r->who,
				       r->texte, r->article);
		jours = in->delai;
	} else if (in->delai >= 0) {
		if (in->delai < r->jours)
			return err_set(e, 400, "seance.delai",
				       "un délai de %d jour%s est inférieur au minimum légal : %s (%s)", in->delai,
				       in->delai > 1 ? "s" : "", r->texte, r->article);
		if (in->delai > r->jours) {
			snprintf(extra, sizeof extra, " Le règlement intérieur porte ce délai à %d jours%s.",
				 in->delai, r->francs ? " francs" : "");
			jours = in->delai;
		}
	}
	if (jours > 3650)
		return err_set(e, 400, "seance.delai", "délai de %d jours invraisemblable", jours);

	out->jours = jours;
	out->francs = r->francs;
	out->note_synthese = r->note_synthese;
	out->article = r->article;
	/* Jours francs: the sending day and the meeting day are excluded, hence meeting - (n + 1).
	 * Plain days ("douze jours au moins avant la réunion"): meeting - n. */
	out->envoi_limite = r->francs ? date_jours_francs_latest(in->seance, jours)
				      : date_add_days(in->seance, -(int64_t)jours);
	if (out->envoi_limite.y < 1)
		return err_set(e, 400, "date.invalide", "date de séance trop ancienne");
	char s1[40], s2[40];
	snprintf(out->regle, sizeof out->regle, "%s : %s (%s).%s %s : séance le %s, envoi au plus tard le %s.",
		 r->who, r->texte, r->article, extra,
		 r->francs ? "Ni le jour de l'envoi ni celui de la séance ne comptent"
			   : "Délai compté en jours (non francs)",
		 date_format_fr(in->seance, s1), date_format_fr(out->envoi_limite, s2));
	return 0;
}

static const char *rulefor(const struct seance_delai_in *in)
{
	const struct delai_rule *r = find_rule(in);
	return r ? r->who : "";
}

int seance_delai_check_envoi(const struct seance_delai_in *in, int64_t envoi_utc,
			     struct seance_delai_out *out, struct err *e)
{
	if (seance_delai(in, out, e) < 0)
		return -1;
	struct paris_time p;
	if (paris_from_utc(envoi_utc, &p, e) < 0)
		return -1;
	if (date_cmp(p.date, out->envoi_limite) <= 0)
		return 0;
	char d1[40], d2[40], hint[300] = "";
	if (!in->urgence) {
		struct seance_delai_in u = *in;
		struct seance_delai_out uo;
		u.urgence = 1;
		u.delai = in->organe == ORGANE_COMMISSION ? in->delai : -1;
		if (seance_delai(&u, &uo, NULL) == 0 && date_cmp(p.date, uo.envoi_limite) <= 0)
			snprintf(hint, sizeof hint,
				 " Seule une urgence déclarée et justifiée le permettrait (au plus tard le %s).",
				 date_format_fr(uo.envoi_limite, d2));
	}
	char d3[40];
	return err_set(e, 409, "seance.delai_depasse",
		       "Envoi trop tardif le %s : %s, %d jour%s%s au moins, soit un envoi au plus tard le %s (%s).%s",
		       date_format_fr(p.date, d1), out->article ? rulefor(in) : "", out->jours, out->jours > 1 ? "s" : "",
		       out->francs ? (out->jours > 1 ? " francs" : " franc") : "", date_format_fr(out->envoi_limite, d3),
		       out->article, hint);
}
