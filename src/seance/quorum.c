/* quorum: quorum of an agenda point (CGCT L2121-17) and the count of a vote with its result
 * (L2121-20: majorité absolue des suffrages exprimés, voix prépondérante du président). */
#include "seance/seance.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

static const char Q_QUORUM[] = "« Le conseil municipal ne délibère valablement que lorsque la majorité de ses "
			       "membres en exercice est présente » (CGCT art. L2121-17)";
static const char Q_SANS_QUORUM[] = "« Si, après une première convocation régulièrement faite, ce quorum n'est "
				    "pas atteint, le conseil municipal est à nouveau convoqué à trois jours au "
				    "moins d'intervalle. Il délibère alors valablement sans condition de quorum » "
				    "(CGCT art. L2121-17)";

static const struct quorum_membre *member(const struct quorum_in *in, long id)
{
	for (size_t i = 0; i < in->n; i++)
		if (in->membres[i].id == id)
			return &in->membres[i];
	return NULL;
}

static const char *nm(const struct quorum_membre *m, long id, char *out, size_t n)
{
	if (m && m->nom && *m->nom)
		snprintf(out, n, "%s", m->nom);
	else
		snprintf(out, n, "membre n° %ld", id);
	return out;
}

static int taking_part(const struct quorum_membre *m)
{
	return m->present && !m->retire;
}

/* The pouvoir held by h can be exercised on this point: the holder takes part, the giver is absent
 * (a giver who came back votes himself) and did not withdraw as interested. */
static int pouvoir_exercable(const struct quorum_in *in, const struct quorum_membre *h)
{
	const struct quorum_membre *g = h->pouvoir_de ? member(in, h->pouvoir_de) : NULL;
	return g && taking_part(h) && !g->present && !g->retire;
}

int seance_quorum(const struct quorum_in *in, struct quorum_out *out, struct err *e)
{
	char a[128], b[128];
	memset(out, 0, sizeof *out);
	if (in->en_exercice <= 0)
		return err_set(e, 400, "quorum.effectif", "le nombre de membres en exercice doit être positif");
	if ((long)in->n > in->en_exercice)
		return err_set(e, 400, "quorum.effectif", "%zu membres listés pour %d membres en exercice", in->n,
			       in->en_exercice);
	for (size_t i = 0; i < in->n; i++) {
		const struct quorum_membre *m = &in->membres[i];
		for (size_t j = 0; j < i; j++)
			if (in->membres[j].id == m->id)
				return err_set(e, 400, "quorum.doublon", "%s figure deux fois dans la liste de présence",
					       nm(m, m->id, a, sizeof a));
		if (m->pouvoir_de) {
			const struct quorum_membre *g = member(in, m->pouvoir_de);
			if (!g || g == m)
				return err_set(e, 400, "quorum.pouvoir",
					       "le pouvoir porté par %s ne désigne pas un autre membre de l'assemblée",
					       nm(m, m->id, a, sizeof a));
			for (size_t j = 0; j < i; j++)
				if (in->membres[j].pouvoir_de == m->pouvoir_de)
					return err_set(e, 400, "quorum.pouvoir",
						       "le pouvoir de %s est porté par deux membres",
						       nm(g, g->id, b, sizeof b));
		}
		if (m->present && !m->retire)
			out->presents++;
		if (m->retire)
			out->retires++;
		if (pouvoir_exercable(in, m))
			out->representes++;
	}
	out->requis = in->en_exercice / 2 + 1;
	out->atteint = in->sans_quorum || out->presents >= out->requis;
	snprintf(out->regle, sizeof out->regle,
		 "%d présent%s sur %d membres en exercice (quorum : %d), %d pouvoir%s non compté%s dans le quorum, "
		 "%d membre%s ne prenant pas part : quorum %s%s.",
		 out->presents, out->presents > 1 ? "s" : "", in->en_exercice, out->requis, out->representes,
		 out->representes > 1 ? "s" : "", out->representes > 1 ? "s" : "", out->retires,
		 out->retires > 1 ? "s" : "",
		 out->presents >= out->requis ? "atteint" : in->sans_quorum ? "non requis" : "non atteint",
		 in->sans_quorum && out->presents < out->requis ? " (seconde convocation, CGCT art. L2121-17 al. 2)"
								: "");
	return 0;
}

int seance_sans_quorum_check(struct date premiere, int quorum_manque, int meme_point, struct date seconde,
			     struct err *e)
{
	char d1[40], d2[40];
	if (!quorum_manque)
		return err_set(e, 422, "quorum.sans_quorum",
			       "La première séance du %s avait le quorum : pas de séance sans condition de quorum. %s.",
			       date_format_fr(premiere, d1), Q_SANS_QUORUM);
	if (!meme_point)
		return err_set(e, 422, "quorum.sans_quorum",
			       "Ce point n'était pas à l'ordre du jour de la séance du %s : seuls les points de cette "
			       "séance peuvent être délibérés sans quorum. %s.",
			       date_format_fr(premiere, d1), Q_SANS_QUORUM);
	if (date_diff_days(premiere, seconde) < 3)
		return err_set(e, 422, "quorum.sans_quorum",
			       "La nouvelle séance du %s est à moins de trois jours de celle du %s. %s.",
			       date_format_fr(seconde, d2), date_format_fr(premiere, d1), Q_SANS_QUORUM);
	return 0;
}

static int check_bulletins(const struct vote_in *in, struct vote_out *out, struct err *e)
{
	const struct quorum_in *q = in->presence;
	char a[128], b[128];
	for (size_t i = 0; i < in->n_bulletins; i++) {
		const struct vote_bulletin *v = &in->bulletins[i];
		const struct quorum_membre *m = member(q, v->votant);
		if (v->choix < VOTE_POUR || v->choix > VOTE_NPPV)
			return err_set(e, 422, "vote.choix", "sens de vote inconnu");
		if (!m)
			return err_set(e, 422, "vote.votant", "le votant n° %ld n'est pas membre de l'assemblée",
				       v->votant);
		for (size_t j = 0; j < i; j++)
			if (in->bulletins[j].pour_compte_de == v->pour_compte_de &&
			    (v->pour_compte_de || in->bulletins[j].votant == v->votant))
				return err_set(e, 422, "vote.double", "le vote %s de %s est enregistré deux fois",
					       v->pour_compte_de ? "par procuration" : "personnel",
					       nm(v->pour_compte_de ? member(q, v->pour_compte_de) : m,
						  v->pour_compte_de ? v->pour_compte_de : v->votant, a, sizeof a));
		if (!m->present)
			return err_set(e, 422, "vote.absent", "%s n'est pas présent : il ne peut pas voter",
				       nm(m, v->votant, a, sizeof a));
		if (m->retire && v->choix != VOTE_NPPV)
			return err_set(e, 422, "vote.retire",
				       "%s s'est retiré pour ce point : il ne prend pas part au vote, ni en son nom ni "
				       "au nom d'un collègue",
				       nm(m, v->votant, a, sizeof a));
		if (v->pour_compte_de) {
			const struct quorum_membre *g = member(q, v->pour_compte_de);
			if (m->pouvoir_de != v->pour_compte_de)
				return err_set(e, 422, "vote.pouvoir", "%s ne porte pas le pouvoir de %s",
					       nm(m, v->votant, a, sizeof a), nm(g, v->pour_compte_de, b, sizeof b));
			if (g && g->present)
				return err_set(e, 422, "vote.pouvoir",
					       "%s est présent et vote lui-même : son pouvoir ne s'exerce pas",
					       nm(g, g->id, b, sizeof b));
			if (g && g->retire && v->choix != VOTE_NPPV)
				return err_set(e, 422, "vote.retire",
					       "%s ne prend pas part au vote sur ce point : son mandataire ne peut pas "
					       "voter en son nom",
					       nm(g, g->id, b, sizeof b));
		}
		int *slot[] = { NULL, &out->pour, &out->contre, &out->abstention, &out->nppv };
		(*slot[v->choix])++;
	}
	/* Every member taking part, and every pouvoir that can be exercised, has its vote. */
	for (size_t i = 0; i < q->n; i++) {
		const struct quorum_membre *m = &q->membres[i];
		int own = 0, proxy = 0;
		for (size_t j = 0; j < in->n_bulletins; j++) {
			own |= in->bulletins[j].votant == m->id && !in->bulletins[j].pour_compte_de;
			proxy |= in->bulletins[j].votant == m->id && in->bulletins[j].pour_compte_de == m->pouvoir_de;
		}
		if (taking_part(m) && !own)
			return err_set(e, 422, "vote.incomplet",
				       "le vote de %s manque (scrutin public : le procès-verbal indique le nom des "
				       "votants et le sens de leur vote, CGCT art. L2121-15)",
				       nm(m, m->id, a, sizeof a));
		if (pouvoir_exercable(q, m) && !proxy)
			return err_set(e, 422, "vote.incomplet", "le vote de %s, au nom de %s, manque",
				       nm(m, m->id, a, sizeof a), nm(member(q, m->pouvoir_de), m->pouvoir_de, b, sizeof b));
	}
	return 0;
}

static const char *pl(int n, const char *one, const char *many)
{
	return n > 1 ? many : one;
}

static int president_choice(const struct vote_in *in)
{
	for (size_t i = 0; i < in->n_bulletins; i++)
		if (in->bulletins[i].votant == in->president && !in->bulletins[i].pour_compte_de)
			return in->bulletins[i].choix;
	return 0;
}

int seance_vote(const struct vote_in *in, struct vote_out *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (seance_quorum(in->presence, &out->quorum, e) < 0)
		return -1;
	if (!out->quorum.atteint)
		return err_set(e, 422, "quorum.non_atteint", "Quorum non atteint : %s %s.", out->quorum.regle, Q_QUORUM);
	if (in->secret) {
		if (in->n_bulletins)
			return err_set(e, 422, "vote.secret", "scrutin secret : seuls les totaux sont enregistrés");
		if (in->pour < 0 || in->contre < 0 || in->abstention < 0 || in->nppv < 0)
			return err_set(e, 422, "vote.total", "totaux négatifs");
		int attendu = out->quorum.presents + out->quorum.representes;
		if (in->pour + in->contre + in->abstention + in->nppv != attendu)
			return err_set(e, 422, "vote.total",
				       "%d pour + %d contre + %d blancs, nuls ou abstentions + %d ne prenant pas part = "
				       "%d, mais %d voix peuvent s'exprimer (%d présents, %d pouvoirs)",
				       in->pour, in->contre, in->abstention, in->nppv,
				       in->pour + in->contre + in->abstention + in->nppv, attendu,
				       out->quorum.presents, out->quorum.representes);
		/* members who withdrew (retire) are outside the count; they are reported with nppv */
		out->pour = in->pour, out->contre = in->contre, out->abstention = in->abstention;
		out->nppv = in->nppv + out->quorum.retires;
	} else if (check_bulletins(in, out, e) < 0) {
		return -1;
	}
	out->exprimes = out->pour + out->contre;
	out->scdl_effectif = in->presence->en_exercice;
	out->scdl_reel = out->pour + out->contre + out->abstention;

	char counts[200], why[300];
	snprintf(counts, sizeof counts, "%d pour, %d contre, %d %s, %d ne prenant pas part au vote", out->pour,
		 out->contre, out->abstention, pl(out->abstention, "abstention", "abstentions"), out->nppv);
	if (out->exprimes == 0) {
		snprintf(why, sizeof why, "aucun suffrage exprimé, la majorité absolue n'est pas atteinte");
	} else if (out->pour != out->contre) {
		out->adopte = out->pour > out->contre;
		snprintf(why, sizeof why, "%d suffrage%s exprimé%s, majorité absolue : %d", out->exprimes,
			 pl(out->exprimes, "", "s"), pl(out->exprimes, "", "s"), out->exprimes / 2 + 1);
	} else if (in->secret) {
		snprintf(why, sizeof why,
			 "partage égal des voix au scrutin secret : la voix du président n'est pas prépondérante "
			 "(CGCT art. L2121-20)");
	} else {
		int c = president_choice(in);
		if (c == VOTE_POUR || c == VOTE_CONTRE) {
			out->voix_preponderante = 1;
			out->adopte = c == VOTE_POUR;
			snprintf(why, sizeof why,
				 "partage égal des voix : la voix du président, qui a voté %s, est prépondérante (CGCT "
				 "art. L2121-20)",
				 c == VOTE_POUR ? "pour" : "contre");
		} else {
			snprintf(why, sizeof why,
				 "partage égal des voix : le président %s, sa voix ne peut départager (CGCT art. "
				 "L2121-20)",
				 c == VOTE_ABSTENTION ? "s'étant abstenu" : "n'ayant pas pris part au vote");
		}
	}
	snprintf(out->resultat, sizeof out->resultat, "%s (%s ; %s). %s", out->adopte ? "Adopté" : "Rejeté", counts,
		 why, out->quorum.regle);
	return 0;
}
