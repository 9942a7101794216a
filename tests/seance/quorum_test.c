/* Quorum (L2121-17) and votes (L2121-20) — data-driven. Attendance and ballots are written in a
 * compact notation so that each row reads as a séance:
 *   members (ids 1, 2, … in order): P present, A absent, R withdrew for this point (« ne prend pas
 *     part au vote »), >N holds the pouvoir of member N, *K repeats the token K times.
 *     "P*7 A*7 P>9" = members 1-7 present, 8-14 absent, 15 present holding the pouvoir of 9.
 *   ballots: "1..4+ 5- 6= 7~ 15>9+" = members 1-4 pour, 5 contre, 6 abstention, 7 NPPV, 15 votes pour
 *     in the name of 9. */
#include "core/err.h"
#include "seance/seance.h"
#include "t.h"

#include <stdlib.h>

static size_t parse_members(const char *s, struct quorum_membre *m, size_t max)
{
	size_t n = 0;
	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		struct quorum_membre x = { 0 };
		x.present = *s++ == 'P';
		if (*s == 'R')
			x.retire = 1, s++;
		if (*s == '>')
			x.pouvoir_de = strtol(s + 1, (char **)&s, 10);
		long k = 1;
		if (*s == '*')
			k = strtol(s + 1, (char **)&s, 10);
		while (k-- > 0 && n < max) {
			x.id = (long)n + 1;
			m[n++] = x;
		}
	}
	return n;
}

static size_t parse_votes(const char *s, struct vote_bulletin *v, size_t max)
{
	size_t n = 0;
	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		long a = strtol(s, (char **)&s, 10), b = a, g = 0;
		if (s[0] == '.' && s[1] == '.')
			b = strtol(s + 2, (char **)&s, 10);
		if (*s == '>')
			g = strtol(s + 1, (char **)&s, 10);
		enum vote_choix c = *s == '+' ? VOTE_POUR : *s == '-' ? VOTE_CONTRE : *s == '=' ? VOTE_ABSTENTION : VOTE_NPPV;
		s++;
		for (long i = a; i <= b && n < max; i++)
			v[n++] = (struct vote_bulletin){ i, g, c };
	}
	return n;
}

static const struct {
	const char *what;
	int en_exercice;
	const char *members;
	int sans_quorum;
	int presents, requis, atteint, representes;
	const char *error;
} quorum_cases[] = {
	{ "15 in office, 8 present: reached (8 = 15/2 + 1)", 15, "P*8 A*7", 0, 8, 8, 1, 0, NULL },
	{ "15 in office, 7 present and 3 pouvoirs: not reached, pouvoirs do not count", 15,
	  "P*4 P>8 P>9 P>10 A*8", 0, 7, 8, 0, 3, NULL },
	{ "14 in office, 7 present: exactly half is not a majority", 14, "P*7 A*7", 0, 7, 8, 0, 0, NULL },
	{ "14 in office, 8 present: reached", 14, "P*8 A*6", 0, 8, 8, 1, 0, NULL },
	{ "15 in office, 8 present, one withdraws for this point: not reached", 15, "P*7 PR A*7", 0, 7, 8, 0, 0,
	  NULL },
	{ "29 seats in office, 27 listed (vacancies excluded by the caller), 15 present", 29, "P*15 A*12", 0, 15,
	  15, 1, 0, NULL },
	{ "second convocation: 3 present of 15, valid without quorum", 15, "P*3 A*12", 1, 3, 8, 1, 0, NULL },
	{ "a pouvoir whose giver came back is not exercised", 15, "P*8 P>1 A*6", 0, 9, 8, 1, 0, NULL },
	{ "a pouvoir of an absent member who is interested is not exercised", 15, "P*8 P>10 AR A*5", 0, 9, 8, 1, 0,
	  NULL },
	{ "a withdrawn holder cannot exercise the pouvoir", 15, "P*8 PR>10 A*6", 0, 8, 8, 1, 0, NULL },
	{ "1 member in office present: reached (1/2 + 1 = 1)", 1, "P", 0, 1, 1, 1, 0, NULL },
	{ "more members listed than in office: refused", 3, "P*4", 0, 0, 0, 0, 0, "quorum.effectif" },
	{ "no member in office: refused", 0, "", 0, 0, 0, 0, 0, "quorum.effectif" },
	{ "a pouvoir of an unknown member: refused", 15, "P>40 P*7", 0, 0, 0, 0, 0, "quorum.pouvoir" },
	{ "a pouvoir held by its own giver: refused", 15, "P>1 P*7", 0, 0, 0, 0, 0, "quorum.pouvoir" },
	{ "two holders for one giver: refused", 15, "P>5 P>5 P*2 A", 0, 0, 0, 0, 0, "quorum.pouvoir" },
};

static const struct {
	const char *what;
	int en_exercice;
	const char *members;
	int sans_quorum, secret;
	long president;
	const char *ballots;
	int totals[4];                    /* secret ballot */
	const char *expect;               /* "adopte", "rejete" or an error code */
	int pour, contre, abst, nppv, prep;
	const char *fragment;
} vote_cases[] = {
	{ "simple majority", 15, "P*10 A*5", 0, 0, 1, "1..6+ 7..9- 10=", { 0 }, "adopte", 6, 3, 1, 0, 0,
	  "9 suffrages exprimés, majorité absolue : 5" },
	{ "abstentions are not suffrages exprimés: 5 pour, 4 contre, 6 abstentions adopts", 15, "P*15", 0, 0, 1,
	  "1..5+ 6..9- 10..15=", { 0 }, "adopte", 5, 4, 6, 0, 0, NULL },
	{ "more contre: rejected", 15, "P*9 A*6", 0, 0, 1, "1..4+ 5..9-", { 0 }, "rejete", 4, 5, 0, 0, 0, NULL },
	{ "tie, president voted pour: adopted by casting vote", 15, "P*8 A*7", 0, 0, 1, "1..4+ 5..8-", { 0 },
	  "adopte", 4, 4, 0, 0, 1, "la voix du président, qui a voté pour, est prépondérante" },
	{ "tie, president voted contre: rejected by casting vote", 15, "P*8 A*7", 0, 0, 5, "1..4+ 5..8-", { 0 },
	  "rejete", 4, 4, 0, 0, 1, "qui a voté contre" },
	{ "tie, president abstained: rejected, no casting vote", 15, "P*9 A*6", 0, 0, 9, "1..4+ 5..8- 9=", { 0 },
	  "rejete", 4, 4, 1, 0, 0, "s'étant abstenu" },
	{ "tie, president did not take part: rejected", 15, "P*9 A*6", 0, 0, 9, "1..4+ 5..8- 9~", { 0 }, "rejete",
	  4, 4, 0, 1, 0, "n'ayant pas pris part" },
	{ "tie, president's proxy vote is not his own: no casting vote", 15, "P*8 P>15 A*5 A", 0, 0, 9,
	  "1..4+ 5..8- 9= 9>15+", { 0 }, "adopte", 5, 4, 1, 0, 0, NULL },
	{ "tie in a secret ballot: rejected, no casting vote", 15, "P*9 A*6", 0, 1, 1, "", { 4, 4, 1, 0 },
	  "rejete", 4, 4, 1, 0, 0, "scrutin secret" },
	{ "secret ballot: 5 pour, 3 contre, 1 blanc", 15, "P*9 A*6", 0, 1, 1, "", { 5, 3, 1, 0 }, "adopte", 5, 3,
	  1, 0, 0, NULL },
	{ "everyone abstains: rejected", 15, "P*8 A*7", 0, 0, 1, "1..8=", { 0 }, "rejete", 0, 0, 8, 0, 0,
	  "aucun suffrage exprimé" },
	{ "pouvoirs vote: 8 present, 2 pouvoirs", 15, "P*6 P>12 P>13 A*7", 0, 0, 1, "1..3+ 4..8- 7>12+ 8>13+",
	  { 0 }, "adopte", 5, 5, 0, 0, 1, "qui a voté pour" },
	{ "a withdrawn member recorded as NPPV", 15, "P*8 PR A*6", 0, 0, 1, "1..8+ 9~", { 0 }, "adopte", 8, 0, 0,
	  1, 0, NULL },
	{ "second convocation without quorum: 3 present vote validly", 15, "P*3 A*12", 1, 0, 1, "1..2+ 3-", { 0 },
	  "adopte", 2, 1, 0, 0, 0, "seconde convocation" },
	{ "quorum not reached: no vote", 15, "P*6 P>9 A*8", 0, 0, 1, "1..7+ 7>9+", { 0 }, "quorum.non_atteint",
	  0, 0, 0, 0, 0, "« Le conseil municipal ne délibère valablement que lorsque la majorité" },
	{ "a withdrawal takes the point below quorum", 15, "P*7 PR A*7", 0, 0, 1, "1..7+", { 0 },
	  "quorum.non_atteint", 0, 0, 0, 0, 0, "1 membre ne prenant pas part" },
	{ "a withdrawn member cannot vote pour", 15, "P*8 PR A*6", 0, 0, 1, "1..9+", { 0 }, "vote.retire", 0, 0,
	  0, 0, 0, "ne prend pas part au vote" },
	{ "an absent member cannot vote", 15, "P*8 A*7", 0, 0, 1, "1..9+", { 0 }, "vote.absent", 0, 0, 0, 0, 0,
	  "membre n° 9 n'est pas présent" },
	{ "a proxy vote without the pouvoir", 15, "P*8 A*7", 0, 0, 1, "1..8+ 8>9+", { 0 }, "vote.pouvoir", 0, 0,
	  0, 0, 0, "ne porte pas le pouvoir" },
	{ "the giver came back and votes himself: the holder cannot use the pouvoir", 15, "P*8 P>1 A*6", 0, 0, 1,
	  "1..9+ 9>1+", { 0 }, "vote.pouvoir", 0, 0, 0, 0, 0, "son pouvoir ne s'exerce pas" },
	{ "the pouvoir of an interested member cannot vote pour", 15, "P*8 P>10 AR A*5", 0, 0, 1, "1..9+ 9>10+",
	  { 0 }, "vote.retire", 0, 0, 0, 0, 0, "son mandataire ne peut pas voter en son nom" },
	{ "… but may be recorded as NPPV", 15, "P*8 P>10 AR A*5", 0, 0, 1, "1..9+ 9>10~", { 0 }, "adopte", 9, 0,
	  0, 1, 0, NULL },
	{ "the same vote twice", 15, "P*8 A*7", 0, 0, 1, "1..8+ 3-", { 0 }, "vote.double", 0, 0, 0, 0, 0,
	  "enregistré deux fois" },
	{ "the same proxy vote twice", 15, "P*8 P>12 A*6", 0, 0, 1, "1..9+ 9>12+ 9>12-", { 0 }, "vote.double", 0,
	  0, 0, 0, 0, "par procuration" },
	{ "a missing vote (public ballot names every voter)", 15, "P*8 A*7", 0, 0, 1, "1..7+", { 0 },
	  "vote.incomplet", 0, 0, 0, 0, 0, "le vote de membre n° 8 manque" },
	{ "a missing proxy vote", 15, "P*8 P>12 A*6", 0, 0, 1, "1..9+", { 0 }, "vote.incomplet", 0, 0, 0, 0, 0,
	  "au nom de membre n° 12" },
	{ "secret totals that do not match attendance", 15, "P*9 A*6", 0, 1, 1, "", { 5, 3, 0, 0 }, "vote.total",
	  0, 0, 0, 0, 0, "9 voix peuvent s'exprimer" },
	{ "secret totals count pouvoirs", 15, "P*8 P>12 A*6", 0, 1, 1, "", { 6, 3, 1, 0 }, "adopte", 6, 3, 1, 0, 0,
	  NULL },
	{ "secret ballot with names: refused", 15, "P*9 A*6", 0, 1, 1, "1..9+", { 9, 0, 0, 0 }, "vote.secret", 0,
	  0, 0, 0, 0, NULL },
};

int main(void)
{
	struct quorum_membre m[64];
	struct vote_bulletin b[64];
	for (size_t i = 0; i < sizeof quorum_cases / sizeof quorum_cases[0]; i++) {
		struct quorum_in in = { quorum_cases[i].en_exercice, m, parse_members(quorum_cases[i].members, m, 64),
					quorum_cases[i].sans_quorum };
		struct quorum_out out;
		struct err e = { 0 };
		int rc = seance_quorum(&in, &out, &e);
		if (quorum_cases[i].error) {
			if (!T_OK(rc < 0 && strcmp(e.code, quorum_cases[i].error) == 0, quorum_cases[i].what))
				printf("#   got %d %s\n", rc, e.code);
			continue;
		}
		int ok = rc == 0 && out.presents == quorum_cases[i].presents && out.requis == quorum_cases[i].requis &&
			 out.atteint == quorum_cases[i].atteint && out.representes == quorum_cases[i].representes;
		if (!T_OK(ok, quorum_cases[i].what))
			printf("#   rc %d presents %d requis %d atteint %d representes %d (%s)\n", rc, out.presents,
			       out.requis, out.atteint, out.representes, e.msg);
	}

	for (size_t i = 0; i < sizeof vote_cases / sizeof vote_cases[0]; i++) {
		__typeof__(vote_cases[0]) *c = &vote_cases[i];
		struct quorum_in q = { c->en_exercice, m, parse_members(c->members, m, 64), c->sans_quorum };
		struct vote_in in = { &q, c->secret, c->president, b, parse_votes(c->ballots, b, 64), c->totals[0],
				      c->totals[1], c->totals[2], c->totals[3] };
		struct vote_out out;
		struct err e = { 0 };
		int rc = seance_vote(&in, &out, &e);
		const char *msg = rc == 0 ? out.resultat : e.msg;
		if (strcmp(c->expect, "adopte") && strcmp(c->expect, "rejete")) {
			if (!T_OK(rc < 0 && strcmp(e.code, c->expect) == 0, c->what))
				printf("#   got %d %s %s\n", rc, e.code, rc == 0 ? out.resultat : e.msg);
		} else {
			int ok = rc == 0 && out.adopte == (strcmp(c->expect, "adopte") == 0) && out.pour == c->pour &&
				 out.contre == c->contre && out.abstention == c->abst && out.nppv == c->nppv &&
				 out.voix_preponderante == c->prep && out.exprimes == c->pour + c->contre &&
				 out.scdl_effectif == c->en_exercice && out.scdl_reel == c->pour + c->contre + c->abst;
			if (!T_OK(ok, c->what))
				printf("#   rc %d adopte %d %d/%d/%d/%d prep %d — %s\n", rc, out.adopte, out.pour,
				       out.contre, out.abstention, out.nppv, out.voix_preponderante, msg);
		}
		if (c->fragment && !T_OK(strstr(msg, c->fragment) != NULL, "  … and the text says so"))
			printf("#   text: %s\n", msg);
	}

	/* Second convocation without quorum (L2121-17 al. 2). */
	struct date d1 = { 2024, 3, 15 };
	struct err e = { 0 };
	T_OK(seance_sans_quorum_check(d1, 1, 1, (struct date){ 2024, 3, 18 }, NULL) == 0,
	     "new séance three days after a séance without quorum, same point: valid without quorum");
	T_OK(seance_sans_quorum_check(d1, 1, 1, (struct date){ 2024, 3, 17 }, &e) < 0 &&
		     strstr(e.msg, "trois jours au moins d'intervalle"),
	     "two days later: refused, quoting the rule");
	T_OK(seance_sans_quorum_check(d1, 1, 0, (struct date){ 2024, 3, 20 }, &e) < 0 &&
		     strstr(e.msg, "n'était pas à l'ordre du jour"),
	     "a point that was not on the first agenda needs the quorum");
	T_OK(seance_sans_quorum_check(d1, 0, 1, (struct date){ 2024, 3, 20 }, &e) < 0 &&
		     strcmp(e.code, "quorum.sans_quorum") == 0,
	     "the first séance had the quorum: no exemption");
	return t_done();
}
