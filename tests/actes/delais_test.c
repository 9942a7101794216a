/* The contrôle de légalité's date rules (src/actes/delais.c): months de quantième à quantième at month
 * ends, February and leap years, délai franc, Saturdays, Sundays and public holidays (Easter-based
 * ones included), and what each prefecture letter does to the prefect's delay. */
#include "actes/delais.h"
#include "t.h"

static struct date D(const char *s)
{
	struct date d = { 0, 0, 0 };
	date_parse(s, &d, NULL);
	return d;
}

static const char *S(struct date d)
{
	static char out[8][11];
	static int k;
	k = (k + 1) % 8;
	if (!d.y)
		return "-";
	return date_format(d, out[k]);
}

int main(void)
{
	static const struct {
		const char *from;
		int n;
		const char *want, *why;
	} months[] = {
		{ "2024-03-15", 2, "2024-05-15", "same day two months later" },
		{ "2024-12-31", 2, "2025-02-28", "31 December + 2 months: last day of February" },
		{ "2023-12-31", 2, "2024-02-29", "… 29 February in a leap year" },
		{ "2023-12-29", 2, "2024-02-29", "29 December → 29 February (leap)" },
		{ "2024-12-29", 2, "2025-02-28", "29 December → 28 February (common year)" },
		{ "2099-12-31", 2, "2100-02-28", "2100 is not a leap year" },
		{ "1999-12-31", 2, "2000-02-29", "2000 is a leap year" },
		{ "2024-08-31", 2, "2024-10-31", "31 August → 31 October" },
		{ "2024-03-31", 2, "2024-05-31", "31 March → 31 May" },
		{ "2024-10-31", 2, "2024-12-31", "31 October → 31 December" },
		{ "2024-11-30", 2, "2025-01-30", "across the year" },
		{ "2024-04-30", 1, "2024-05-30", "one month from the 30th" },
		{ "2024-01-31", 1, "2024-02-29", "one month from 31 January (leap)" },
		{ "2024-05-31", 1, "2024-06-30", "31 May → 30 June" },
	};
	for (size_t i = 0; i < sizeof months / sizeof months[0]; i++)
		T_EQ_STR(S(actes_add_months(D(months[i].from), months[i].n)), months[i].want, months[i].why);

	static const struct {
		const char *d;
		int ferie;
	} feries[] = {
		{ "2024-01-01", 1 }, { "2024-04-01", 1 }, { "2024-05-01", 1 }, { "2024-05-08", 1 }, { "2024-05-09", 1 },
		{ "2024-05-20", 1 }, { "2024-07-14", 1 }, { "2024-08-15", 1 }, { "2024-11-01", 1 }, { "2024-11-11", 1 },
		{ "2024-12-25", 1 }, { "2025-04-21", 1 }, { "2025-05-29", 1 }, { "2025-06-09", 1 }, { "2026-04-06", 1 },
		{ "2026-05-14", 1 }, { "2026-05-25", 1 }, { "2024-03-31", 0 }, { "2024-12-26", 0 }, { "2025-04-18", 0 },
		{ "2024-05-02", 0 }, { "2025-06-08", 0 },
	};
	int ok = 1;
	for (size_t i = 0; i < sizeof feries / sizeof feries[0]; i++)
		if (actes_jour_ferie(D(feries[i].d)) != feries[i].ferie) {
			ok = 0;
			printf("# %s: ferie %d expected\n", feries[i].d, feries[i].ferie);
		}
	T_OK(ok, "public holidays: the eight fixed ones, Easter Monday, Ascension and Whit Monday (2024-2026); Good Friday and 26 December are not");

	static const struct {
		const char *from, *want, *why;
	} franc[] = {
		{ "2024-03-15", "2024-05-16", "AR 15 March: déféré possible until 16 May (délai franc)" },
		{ "2024-12-31", "2025-03-03", "31 December: 28 February + 1 = Saturday 1 March → Monday 3 March" },
		{ "2023-12-31", "2024-03-01", "leap year: 29 February + 1 = Friday 1 March" },
		{ "2024-08-31", "2024-11-04", "31 October + 1 = 1 November (Toussaint, Friday) → Monday 4 November" },
		{ "2025-03-28", "2025-05-30", "28 May + 1 = Ascension 2025 → Friday 30 May" },
		{ "2025-01-31", "2025-04-01", "31 January → 31 March + 1 = 1 April" },
		{ "2024-03-31", "2024-06-03", "31 May + 1 = Saturday 1 June → Monday 3 June" },
		{ "2025-12-30", "2026-03-02", "30 December → 28 February + 1 = Sunday 1 March → Monday 2 March" },
		{ "2024-05-13", "2024-07-15", "13 July + 1 = 14 July (Sunday and holiday) → Monday 15 July" },
		{ "2099-12-31", "2100-03-01", "2100 not leap: 28 February + 1 = Monday 1 March" },
	};
	for (size_t i = 0; i < sizeof franc / sizeof franc[0]; i++)
		T_EQ_STR(S(actes_deux_mois_franc(D(franc[i].from))), franc[i].want, franc[i].why);

	/* letters */
	struct actes_delai o;
	struct actes_delai_in in = { .code = "4-1", .ar = D("2024-03-15"), .courrier = D("2024-04-10"), .today = D("2024-06-05") };
	T_EQ_INT(actes_delai_compute(&in, &o), 0, "4-1 computed");
	T_EQ_STR(S(o.fin_controle), "2024-05-16", "4-1: initial end of the prefect's delay");
	T_OK(o.dans_delai, "4-1 dated 10 April is within the delay");
	T_EQ_STR(S(o.reponse_avant), "2024-06-10", "4-1: reply before 10 June (two months of silence = implicit rejection)");
	T_EQ_INT(o.jours_restants, 5, "… 5 days left on 5 June");
	T_OK(o.alerte, "… an alert (7 days or less, no reply)");
	T_EQ_STR(S(o.deferer_avant), "2024-08-12", "without a reply, the déféré is possible until 12 August (10 August + 1 is a Sunday)");
	T_OK(strstr(o.texte, "10/06/2024") && strstr(o.texte, "12/08/2024"), "the French text gives both dates");
	in.today = D("2024-06-02");
	actes_delai_compute(&in, &o);
	T_OK(!o.alerte && o.jours_restants == 8, "8 days before: no alert yet");
	in.today = D("2024-06-10");
	actes_delai_compute(&in, &o);
	T_OK(o.alerte && o.jours_restants == 0, "on the day itself: still an alert");
	in.today = D("2024-06-11");
	actes_delai_compute(&in, &o);
	T_OK(!o.alerte && strstr(o.texte, "vaut rejet depuis"), "the day after: the silence is a rejection, no more alert");
	in.today = D("2024-06-05"), in.repondu = 1;
	actes_delai_compute(&in, &o);
	T_OK(!o.alerte && !o.deferer_avant.y && strstr(o.texte, "4-5"), "replied, not yet received: no alert, the delay waits for the AR 4-5");
	in.reponse_recue = D("2024-06-04");
	actes_delai_compute(&in, &o);
	T_EQ_STR(S(o.reprise), "2024-06-04", "reply received 4 June: the delay runs again from then");
	T_EQ_STR(S(o.deferer_avant), "2024-08-05", "… déféré until 5 August");
	in = (struct actes_delai_in){ .code = "4-1", .ar = D("2024-03-15"), .courrier = D("2024-05-17"), .today = D("2024-05-20") };
	actes_delai_compute(&in, &o);
	T_OK(!o.dans_delai && !o.reponse_avant.y && !o.alerte, "a 4-1 dated after the delay's end does not extend it (no reply date)");
	in.courrier = D("2024-05-16");
	actes_delai_compute(&in, &o);
	T_OK(o.dans_delai, "one dated on the last day does");

	in = (struct actes_delai_in){ .code = "3-1", .ar = D("2024-12-31"), .courrier = D("2025-02-10"), .today = D("2025-02-11") };
	actes_delai_compute(&in, &o);
	T_OK(o.suspendu && !o.deferer_avant.y && !o.reponse_avant.y && !o.alerte,
	     "3-1 within the delay: the prefect's delay is suspended, no legal reply date, no alert");
	in.repondu = 1, in.reponse_recue = D("2025-02-28");
	actes_delai_compute(&in, &o);
	T_EQ_STR(S(o.reprise), "2025-02-28", "3-1: the delay resumes on the pieces' reception (28 February)");
	T_EQ_STR(S(o.deferer_avant), "2025-04-29", "… two full months: 28 April + 1 = 29 April");
	T_OK(!o.suspendu && !o.a_confirmer, "… no longer suspended; the rule is the Conseil d'État's");
	in.refus = 1;
	actes_delai_compute(&in, &o);
	T_OK(o.a_confirmer && strstr(o.texte, "Refus"), "a refusal (3-3): same computation, marked « à confirmer »");
	in = (struct actes_delai_in){ .code = "3-1", .ar = D("2024-12-31"), .courrier = D("2025-03-04"), .today = D("2025-03-05") };
	actes_delai_compute(&in, &o);
	T_OK(!o.dans_delai && !o.suspendu && strcmp(S(o.deferer_avant), "2025-03-03") == 0, "a late 3-1 (after Monday 3 March) suspends nothing");

	in = (struct actes_delai_in){ .code = "2-1", .ar = D("2024-03-15"), .courrier = D("2024-04-01"), .today = D("2024-04-02") };
	actes_delai_compute(&in, &o);
	T_OK(!o.alerte && !o.reponse_avant.y && strcmp(S(o.deferer_avant), "2024-05-16") == 0, "2-1: no reply date, the delay unchanged");
	in.code = "5-1";
	T_EQ_INT(actes_delai_compute(&in, &o), 0, "5-1 computed");
	T_OK(strstr(o.texte, "tribunal") != NULL && !o.alerte, "5-1: what a déféré means");
	in.code = "1-2";
	T_EQ_INT(actes_delai_compute(&in, &o), -1, "an AR is not a letter");
	return t_done();
}
