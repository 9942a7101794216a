/* procuration: the proxy rules of CGCT L2121-20 over plain structs. Each refusal names the people
 * and quotes the sentence of the article it applies. Reading of the text: docs/seances-regles.md §3. */
#include "seance/seance.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

#define ART " (CGCT art. L2121-20)"
static const char Q_EMPECHE[] = "« Un conseiller municipal empêché d'assister à une séance peut donner à un "
				"collègue de son choix pouvoir écrit de voter en son nom »" ART;
static const char Q_UN_SEUL[] = "« Un même conseiller municipal ne peut être porteur que d'un seul pouvoir »" ART;
static const char Q_REVOCABLE[] = "« Le pouvoir est toujours révocable »" ART;
static const char Q_TROIS[] = "« Sauf cas de maladie dûment constatée, il ne peut être valable pour plus de "
			      "trois séances consécutives »" ART;

static const struct seance_personne *find_person(const struct procuration_ctx *c, long id)
{
	for (size_t i = 0; i < c->n_convoques; i++)
		if (c->convoques[i].id == id)
			return &c->convoques[i];
	return NULL;
}

/* "Mme X" or "membre n° 12" into out. */
static const char *name(const struct procuration_ctx *c, long id, char *out, size_t n)
{
	const struct seance_personne *p = find_person(c, id);
	if (p && p->nom && *p->nom)
		snprintf(out, n, "%s", p->nom);
	else
		snprintf(out, n, "membre n° %ld", id);
	return out;
}

int procuration_active(const struct procuration *p, long s)
{
	if (p->revoquee)
		return 0;
	for (size_t i = 0; i < p->n_seances; i++)
		if (p->seances[i] == s)
			return 1;
	return 0;
}

void procuration_revoquer(struct procuration *p)
{
	p->revoquee = 1;
}

static long position(const struct procuration_ctx *c, long seance)
{
	for (size_t i = 0; i < c->n_seances_organe; i++)
		if (c->seances_organe[i] == seance)
			return (long)i;
	return -1;
}

/* Longest run of designated séances that follow each other in the organe's sequence; -1 when a
 * designated séance is not one of the organe's (its id goes to *unknown). */
static long longest_run(const struct procuration_ctx *c, const struct procuration *p, long *unknown)
{
	long best = 0;
	for (size_t i = 0; i < p->n_seances; i++) {
		long pos = position(c, p->seances[i]);
		if (pos < 0) {
			*unknown = p->seances[i];
			return -1;
		}
		/* Count forward from a designated séance whose predecessor is not designated. */
		int has_prev = 0;
		for (size_t j = 0; j < p->n_seances && pos > 0; j++)
			has_prev |= p->seances[j] == c->seances_organe[pos - 1];
		if (has_prev)
			continue;
		long run = 0;
		for (long k = pos; k < (long)c->n_seances_organe; k++) {
			int designated = 0;
			for (size_t j = 0; j < p->n_seances; j++)
				designated |= p->seances[j] == c->seances_organe[k];
			if (!designated)
				break;
			run++;
		}
		if (run > best)
			best = run;
	}
	return best;
}

/* The active pouvoir (other than p) of the séance where `field` of it equals id, or NULL. */
static const struct procuration *existing(const struct procuration_ctx *c, const struct procuration *p, int holder,
					  long id)
{
	for (size_t i = 0; i < c->n_existantes; i++) {
		const struct procuration *x = &c->existantes[i];
		if (x->id == p->id || !procuration_active(x, c->seance))
			continue;
		if ((holder ? x->mandataire : x->mandant) == id)
			return x;
	}
	return NULL;
}

int procuration_check(const struct procuration_ctx *c, const struct procuration *p, struct err *e)
{
	char a[128], b[128], x[128];
	const struct seance_personne *giver = find_person(c, p->mandant), *holder = find_person(c, p->mandataire);
	const struct procuration *o;
	long unknown = 0, run;

	if (p->revoquee)
		return err_set(e, 422, "procuration.revoquee", "Ce pouvoir a été révoqué et ne peut plus être utilisé : %s.",
			       Q_REVOCABLE);
	if (p->mandant == p->mandataire)
		return err_set(e, 422, "procuration.meme_personne",
			       "%s ne peut pas se donner pouvoir à lui-même : le pouvoir est donné à un collègue, %s.",
			       name(c, p->mandant, a, sizeof a), Q_EMPECHE);
	if (!procuration_active(p, c->seance))
		return err_set(e, 422, "procuration.seance",
			       "Ce pouvoir ne désigne pas cette séance : le pouvoir écrit désigne le mandataire et la ou "
			       "les séances pour lesquelles il est donné.");
	if (!giver || !giver->membre || !giver->en_exercice)
		return err_set(e, 422, "procuration.mandant",
			       "%s n'est pas un membre en exercice de l'assemblée convoqué à cette séance : seul un "
			       "conseiller peut donner pouvoir, %s.",
			       name(c, p->mandant, a, sizeof a), Q_EMPECHE);
	if (!holder || !holder->membre || !holder->en_exercice)
		return err_set(e, 422, "procuration.mandataire",
			       "%s ne peut pas recevoir ce pouvoir : le mandataire doit être un membre en exercice de la "
			       "même assemblée, convoqué à la même séance, %s.",
			       name(c, p->mandataire, b, sizeof b), Q_EMPECHE);
	run = longest_run(c, p, &unknown);
	if (run < 0)
		return err_set(e, 422, "procuration.seance",
			       "Le pouvoir désigne une séance (n° %ld) qui n'est pas une séance de cette assemblée.",
			       unknown);
	if (run > 3 && !p->maladie)
		return err_set(e, 422, "procuration.trois_seances",
			       "Ce pouvoir couvre %ld séances consécutives : %s. Limitez-le à trois séances ou indiquez "
			       "une maladie dûment constatée.",
			       run, Q_TROIS);
	if ((o = existing(c, p, 0, p->mandant)))
		return err_set(e, 422, "procuration.deja_donnee",
			       "%s a déjà donné pouvoir à %s pour cette séance : révoquez d'abord ce pouvoir, %s.",
			       name(c, p->mandant, a, sizeof a), name(c, o->mandataire, x, sizeof x), Q_REVOCABLE);
	if ((o = existing(c, p, 1, p->mandataire)))
		return err_set(e, 422, "procuration.un_seul_pouvoir",
			       "%s est déjà porteur du pouvoir de %s pour cette séance : %s.",
			       name(c, p->mandataire, b, sizeof b), name(c, o->mandant, x, sizeof x), Q_UN_SEUL);
	if ((o = existing(c, p, 0, p->mandataire)))
		return err_set(e, 422, "procuration.mandataire_absent",
			       "%s a donné pouvoir à %s pour cette séance : un conseiller empêché ne peut pas voter "
			       "au nom d'un collègue, %s.",
			       name(c, p->mandataire, b, sizeof b), name(c, o->mandataire, x, sizeof x), Q_EMPECHE);
	if ((o = existing(c, p, 1, p->mandant)))
		return err_set(e, 422, "procuration.chaine",
			       "%s porte le pouvoir de %s pour cette séance : un pouvoir ne se transmet pas ; le "
			       "mandataire doit assister à la séance pour voter au nom de son collègue, %s.",
			       name(c, p->mandant, a, sizeof a), name(c, o->mandant, x, sizeof x), Q_EMPECHE);
	return 0;
}
