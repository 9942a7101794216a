/* procuration_check: every rule of CGCT L2121-20 as a row (pouvoir → expected code and a fragment
 * of the quoted rule), against one séance context with existing and revoked pouvoirs. */
#include "core/err.h"
#include "seance/seance.h"
#include "t.h"

static const long organe[] = { 101, 102, 103, 104, 105, 106 };
static const struct seance_personne convoques[] = {
	{ 1, "Mme Martin", 1, 1 },         { 2, "M. Durand", 1, 1 },  { 3, "Mme Bernard", 1, 1 },
	{ 4, "M. Petit", 1, 1 },           { 5, "Mme Roux (DGS)", 0, 1 }, /* invited, no vote */
	{ 6, "M. Moreau", 1, 0 },          /* resigned */
	{ 7, NULL, 1, 1 },
};
static const long s103[] = { 103 }, s104[] = { 104 }, s101_103[] = { 101, 102, 103 },
		  s101_104[] = { 101, 102, 103, 104 }, s_gap[] = { 101, 102, 103, 105 }, s_unknown[] = { 103, 999 },
		  s_all[] = { 101, 102, 103, 104, 105, 106 }, s_two_runs[] = { 101, 103, 104, 105, 106 };
static const struct procuration existing[] = {
	{ 50, 3, 4, s103, 1, 0, 0 },      /* Mme Bernard -> M. Petit */
	{ 51, 2, 1, s103, 1, 0, 1 },      /* M. Durand -> Mme Martin, revoked */
};

#define P(id, from, to, s, maladie, rev) { id, from, to, s, sizeof s / sizeof s[0], maladie, rev }
static const struct {
	const char *what;
	struct procuration p;
	const char *code;       /* NULL = accepted */
	const char *fragment;   /* part of the message */
} cases[] = {
	{ "giver and holder members convened: accepted", P(60, 1, 2, s103, 0, 0), NULL, NULL },
	{ "a pouvoir to oneself is refused", P(60, 1, 1, s103, 0, 0), "procuration.meme_personne",
	  "à un collègue de son choix" },
	{ "an invited person (no vote) cannot hold a pouvoir", P(60, 1, 5, s103, 0, 0), "procuration.mandataire",
	  "Mme Roux (DGS) ne peut pas recevoir" },
	{ "someone not convened to the séance cannot hold it", P(60, 1, 99, s103, 0, 0), "procuration.mandataire",
	  "membre n° 99" },
	{ "a resigned member cannot give a pouvoir", P(60, 6, 1, s103, 0, 0), "procuration.mandant",
	  "M. Moreau n'est pas un membre en exercice" },
	{ "an invited person cannot give a pouvoir", P(60, 5, 1, s103, 0, 0), "procuration.mandant",
	  "seul un conseiller peut donner pouvoir" },
	{ "one pouvoir held per member", P(60, 1, 4, s103, 0, 0), "procuration.un_seul_pouvoir",
	  "« Un même conseiller municipal ne peut être porteur que d'un seul pouvoir »" },
	{ "a member who already gave a pouvoir must revoke it first", P(60, 3, 2, s103, 0, 0),
	  "procuration.deja_donnee", "« Le pouvoir est toujours révocable »" },
	{ "the holder cannot be a member who is himself represented", P(60, 1, 3, s103, 0, 0),
	  "procuration.mandataire_absent", "Mme Bernard a donné pouvoir à M. Petit" },
	{ "a holder cannot pass a pouvoir on (chain)", P(60, 4, 1, s103, 0, 0), "procuration.chaine",
	  "un pouvoir ne se transmet pas" },
	{ "three consecutive séances: accepted", P(60, 1, 2, s101_103, 0, 0), NULL, NULL },
	{ "four consecutive séances: refused", P(60, 1, 2, s101_104, 0, 0), "procuration.trois_seances",
	  "« Sauf cas de maladie dûment constatée, il ne peut être valable pour plus de trois séances consécutives »" },
	{ "four consecutive séances with maladie dûment constatée: accepted", P(60, 1, 2, s101_104, 1, 0), NULL,
	  NULL },
	{ "six séances with maladie: accepted", P(60, 1, 2, s_all, 1, 0), NULL, NULL },
	{ "six séances without: refused, counts them", P(60, 1, 2, s_all, 0, 0), "procuration.trois_seances",
	  "couvre 6 séances consécutives" },
	{ "four séances, not consecutive (run of 3): accepted", P(60, 1, 2, s_gap, 0, 0), NULL, NULL },
	{ "five séances, a run of four after a gap: refused", P(60, 1, 2, s_two_runs, 0, 0),
	  "procuration.trois_seances", "couvre 4 séances" },
	{ "a séance of another organe: refused", P(60, 1, 2, s_unknown, 0, 0), "procuration.seance", "n° 999" },
	{ "a pouvoir that does not designate this séance", P(60, 1, 2, s104, 0, 0), "procuration.seance",
	  "désigne le mandataire et la ou les séances" },
	{ "a revoked pouvoir is no longer valid", P(60, 1, 2, s103, 0, 1), "procuration.revoquee",
	  "toujours révocable" },
	{ "a revoked pouvoir does not block a new one (M. Durand -> Mme Martin again)", P(60, 2, 1, s103, 0, 0),
	  NULL, NULL },
	{ "re-checking a recorded pouvoir ignores itself", P(50, 3, 4, s103, 0, 0), NULL, NULL },
	{ "a member without a name is named by number", P(60, 7, 7, s103, 0, 0), "procuration.meme_personne",
	  "membre n° 7" },
};

int main(void)
{
	struct procuration_ctx ctx = { 103, convoques, sizeof convoques / sizeof convoques[0], organe,
				       sizeof organe / sizeof organe[0], existing, sizeof existing / sizeof existing[0] };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct err e = { 0 };
		int rc = procuration_check(&ctx, &cases[i].p, &e);
		if (!cases[i].code) {
			if (!T_OK(rc == 0, cases[i].what))
				printf("#   refused: %s %s\n", e.code, e.msg);
			continue;
		}
		if (!T_OK(rc < 0 && strcmp(e.code, cases[i].code) == 0 && e.status == 422, cases[i].what))
			printf("#   got %d %s, expected %s\n", rc, e.code, cases[i].code);
		if (!T_OK(strstr(e.msg, cases[i].fragment) != NULL, "  … the message quotes the rule / names the people"))
			printf("#   message: %s\n", e.msg);
		T_OK(strstr(e.msg, "L2121-20") || strcmp(cases[i].code, "procuration.seance") == 0,
		     "  … and cites L2121-20");
	}

	/* Revocation: once Mme Bernard's pouvoir to M. Petit is revoked, M. Petit may carry another. */
	struct procuration ex[2] = { existing[0], existing[1] };
	procuration_revoquer(&ex[0]);
	ctx.existantes = ex;
	struct procuration p = P(60, 1, 4, s103, 0, 0);
	T_OK(procuration_check(&ctx, &p, NULL) == 0, "after revocation, the holder may carry another pouvoir");
	T_OK(!procuration_active(&ex[0], 103), "a revoked pouvoir is not active");
	T_OK(procuration_active(&p, 103) && !procuration_active(&p, 104), "active only for the séances it designates");
	/* Same pouvoir checked for the next séance: Mme Bernard -> M. Petit no longer exists there. */
	ctx.seance = 104;
	ctx.existantes = existing;
	struct procuration q = P(61, 1, 4, s104, 0, 0);
	T_OK(procuration_check(&ctx, &q, NULL) == 0, "pouvoirs of another séance do not count");
	return t_done();
}
