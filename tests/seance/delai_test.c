/* seance_delai_check_envoi: a sending counts on its Paris calendar day — the last second of the
 * latest day is in time, the next is too late, in winter, in summer and across the change of time. */
#include "core/err.h"
#include "seance/seance.h"
#include "t.h"

static int64_t at(int y, int m, int d, int hh, int mm, int ss)
{
	return date_to_days((struct date){ y, m, d }) * 86400 + hh * 3600 + mm * 60 + ss;
}

static const struct {
	const char *what;
	enum seance_organe organe;
	long population;
	int urgence, delai;
	struct date seance;
	int64_t envoi;
	int ok;              /* 1 in time */
	const char *hint;    /* part of the refusal, NULL when in time */
} cases[] = {
	{ "winter: last second of Friday 29 March (CET) is in time", ORGANE_COMMUNE, 1200, 0, -1,
	  { 2024, 4, 2 }, 0, 1, NULL },
	{ "winter: midnight of Saturday 30 March (CET) is too late, urgence would allow it", ORGANE_COMMUNE, 1200,
	  0, -1, { 2024, 4, 2 }, 0, 0, "Seule une urgence déclarée" },
	{ "summer: 23:59:59 CEST on Monday 8 July is in time", ORGANE_COMMUNE, 1200, 0, -1, { 2024, 7, 12 }, 0,
	  1, NULL },
	{ "summer: 00:00 CEST on Tuesday 9 July is too late", ORGANE_COMMUNE, 1200, 0, -1, { 2024, 7, 12 }, 0, 0,
	  "mardi 9 juillet 2024" },
	{ "October: 23:59:59 CET on Sunday 27 (day of the change) is in time", ORGANE_COMMUNE, 1200, 0, -1,
	  { 2024, 10, 31 }, 0, 1, NULL },
	{ "October: 00:00 CET on Monday 28 is too late", ORGANE_COMMUNE, 1200, 0, -1, { 2024, 10, 31 }, 0, 0,
	  "au plus tard le dimanche 27 octobre 2024" },
	{ "the day before the meeting is too late even with urgence: no hint", ORGANE_EPCI, -1, 0, -1,
	  { 2024, 3, 15 }, 0, 0, "(CGCT art. L5211-1 et L2121-12)." },
	{ "urgence declared, sent two days before: in time", ORGANE_EPCI, -1, 1, -1, { 2024, 3, 15 }, 0, 1, NULL },
	{ "urgence declared, sent the day before: refused quoting the urgence rule", ORGANE_EPCI, -1, 1, -1,
	  { 2024, 3, 15 }, 0, 0, "1 jour franc au moins" },
	{ "commission, règlement intérieur 2 jours francs", ORGANE_COMMISSION, -1, 0, 2, { 2024, 3, 15 }, 0, 0,
	  "règlement intérieur" },
};

int main(void)
{
	int64_t envoi[] = {
		at(2024, 3, 29, 22, 59, 59), at(2024, 3, 29, 23, 0, 0), at(2024, 7, 8, 21, 59, 59),
		at(2024, 7, 8, 22, 0, 0),    at(2024, 10, 27, 22, 59, 59), at(2024, 10, 27, 23, 0, 0),
		at(2024, 3, 14, 8, 0, 0),    at(2024, 3, 13, 8, 0, 0),     at(2024, 3, 14, 8, 0, 0),
		at(2024, 3, 13, 8, 0, 0),
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct seance_delai_in in = { cases[i].organe, cases[i].population, cases[i].urgence, cases[i].delai,
					      cases[i].seance };
		struct seance_delai_out out;
		struct err e = { 0 };
		int rc = seance_delai_check_envoi(&in, envoi[i], &out, &e);
		if (cases[i].ok) {
			T_OK(rc == 0, cases[i].what);
			continue;
		}
		T_OK(rc < 0 && strcmp(e.code, "seance.delai_depasse") == 0 && e.status == 409, cases[i].what);
		if (!T_OK(strstr(e.msg, cases[i].hint) != NULL, "  … and the message says so"))
			printf("#   message: %s\n", e.msg);
		if (strcmp(cases[i].hint, "(CGCT art. L5211-1 et L2121-12).") == 0)
			T_OK(strstr(e.msg, "urgence") == NULL, "  … and does not suggest an urgence that would not help");
	}

	/* The rule struct: note de synthèse where the law wants one. */
	struct seance_delai_out o;
	struct seance_delai_in c = { ORGANE_COMMUNE, 3500, 0, -1, { 2024, 3, 15 } };
	T_OK(seance_delai(&c, &o, NULL) == 0 && o.note_synthese && o.francs && o.jours == 5,
	     "commune of 3 500: 5 jours francs and a note de synthèse");
	c.population = 3499;
	T_OK(seance_delai(&c, &o, NULL) == 0 && !o.note_synthese && o.jours == 3, "commune of 3 499: 3, no note");
	c.organe = ORGANE_REGION;
	T_OK(seance_delai(&c, &o, NULL) == 0 && !o.francs && o.jours == 12 && o.note_synthese,
	     "région: 12 days (not francs) and a report per affaire");
	T_OK(seance_organe_parse("epci", &c.organe) == 0 && c.organe == ORGANE_EPCI, "organe names parse");
	T_OK(seance_organe_parse("EPCI", &c.organe) < 0, "organe names are exact");
	return t_done();
}
