/* workflow: circuit engine (see workflow.h). */
#include "parapheur/workflow.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *wf_action_name(enum wf_action a)
{
	switch (a) {
	case ACT_VISA: return "visa";
	case ACT_SIGN: return "signature";
	case ACT_SEAL: return "cachet";
	case ACT_EXTERNAL: return "signature externe";
	case ACT_REJECT: return "rejet";
	case ACT_UNDO: return "droit de remords";
	case ACT_TRANSFER: return "transfert";
	case ACT_ASK_OPINION: return "demande d'avis complémentaire";
	case ACT_OPINION: return "avis complémentaire";
	}
	return "?";
}

const char *wf_step_type_name(enum wf_step_type t)
{
	switch (t) {
	case STEP_VISA: return "Visa";
	case STEP_SIGNATURE: return "Signature";
	case STEP_SEAL: return "Cachet serveur";
	case STEP_EXTERNAL: return "Signature externe";
	}
	return "?";
}

int wf_current_step(const struct wf_folder *f)
{
	if (f->status != FOLDER_PENDING)
		return -1;
	for (int i = 0; i < f->ntasks; i++)
		if (f->tasks[i].state == TASK_CURRENT || f->tasks[i].state == TASK_SECONDED)
			return f->tasks[i].step;
	return -1;
}

static void open_step(struct wf_folder *f, int step)
{
	for (int i = 0; i < f->ntasks; i++)
		if (f->tasks[i].step == step && f->tasks[i].state == TASK_UPCOMING)
			f->tasks[i].state = TASK_CURRENT;
}

int wf_start(struct wf_folder *f, const struct wf_env *env, struct err *e)
{
	if (f->status != FOLDER_DRAFT)
		return err_set(e, 409, "wf.demarre", "Ce dossier est déjà démarré.");
	if (f->circuit.nsteps < 1)
		return err_set(e, 400, "wf.circuit_vide", "Le circuit n'a aucune étape.");
	int var = 0;
	f->ntasks = 0;
	for (int s = 0; s < f->circuit.nsteps; s++) {
		struct wf_step *st = &f->circuit.steps[s];
		if (st->ndesks < 1)
			return err_set(e, 400, "wf.etape_vide", "L'étape %d du circuit n'a aucun bureau.", s + 1);
		if (st->type == STEP_EXTERNAL && st->ndesks > 1)
			return err_set(e, 400, "wf.externe_parallele", "Une étape de signature externe ne peut viser qu'un destinataire.");
		for (int d = 0; d < st->ndesks; d++) {
			int64_t desk = st->desks[d];
			if (desk == DESK_EMITTER)
				desk = f->emitter;
			else if (desk == DESK_BOSS_OF) {
				desk = env->parent_of(env->ctx, f->emitter);
				if (!desk)
					return err_set(e, 400, "wf.superieur",
						       "Le bureau émetteur n'a pas de supérieur hiérarchique (étape %d).", s + 1);
			} else if (desk == DESK_VARIABLE) {
				if (var >= f->nvariable || !f->variable[var])
					return err_set(e, 400, "wf.bureau_variable",
						       "Choisissez le bureau variable de l'étape %d avant de démarrer.", s + 1);
				desk = f->variable[var++];
			}
			if (desk <= 0)
				return err_set(e, 400, "wf.bureau", "Bureau invalide à l'étape %d.", s + 1);
			st->desks[d] = desk;
			if (f->ntasks >= WF_MAX_TASKS)
				return err_set(e, 400, "wf.trop", "Circuit trop long.");
			f->tasks[f->ntasks++] = (struct wf_task){ .step = s, .desk = desk, .state = TASK_UPCOMING };
		}
	}
	f->status = FOLDER_PENDING;
	open_step(f, 0);
	f->version++;
	return 0;
}

/* The desk user acts for: desk itself if owned, else desk's delegate if user owns it. 0 = none. */
static int64_t acting_desk(const struct wf_env *env, int64_t user, int64_t desk)
{
	if (env->owns(env->ctx, user, desk))
		return desk;
	int64_t d = env->delegate_of ? env->delegate_of(env->ctx, desk, env->now) : 0;
	if (d && env->owns(env->ctx, user, d))
		return d;
	return 0;
}

int wf_is_pending_for(const struct wf_folder *f, const struct wf_env *env, int64_t desk)
{
	if (f->status != FOLDER_PENDING)
		return 0;
	for (int i = 0; i < f->ntasks; i++) {
		const struct wf_task *t = &f->tasks[i];
		if (t->state == TASK_CURRENT && (t->desk == desk || (env && env->delegate_of &&
								     env->delegate_of(env->ctx, t->desk, env->now) == desk)))
			return 1;
		if (t->state == TASK_SECONDED && t->opinion_desk == desk)
			return 1;
	}
	return 0;
}

static int fits(enum wf_step_type t, enum wf_action a)
{
	return (t == STEP_VISA && a == ACT_VISA) || (t == STEP_SIGNATURE && a == ACT_SIGN) ||
	       (t == STEP_SEAL && a == ACT_SEAL) || (t == STEP_EXTERNAL && a == ACT_EXTERNAL);
}

static void complete_if_done(struct wf_folder *f, int step)
{
	for (int i = 0; i < f->ntasks; i++)
		if (f->tasks[i].step == step && (f->tasks[i].state == TASK_CURRENT || f->tasks[i].state == TASK_SECONDED))
			return;
	if (step + 1 < f->circuit.nsteps)
		open_step(f, step + 1);
	else
		f->status = FOLDER_FINISHED;
}

/* Last step in which desk acted (DONE), or -1. */
static int last_done_step(const struct wf_folder *f, int64_t desk, int *task)
{
	int best = -1;
	for (int i = 0; i < f->ntasks; i++)
		if (f->tasks[i].state == TASK_DONE && (f->tasks[i].desk == desk || f->tasks[i].acted_desk == desk) &&
		    f->tasks[i].step >= best) {
			best = f->tasks[i].step;
			*task = i;
		}
	return best;
}

int wf_can_undo(const struct wf_folder *f, int64_t desk)
{
	if (f->status != FOLDER_PENDING)
		return 0;
	int ti = -1, s = last_done_step(f, desk, &ti);
	if (s < 0)
		return 0;
	int cur = wf_current_step(f);
	/* Either the step is still open (AND step, others pending) or it is the step just before the
	 * current one, where nobody has acted yet. */
	for (int i = 0; i < f->ntasks; i++) {
		const struct wf_task *t = &f->tasks[i];
		if (t->step > s && (t->state == TASK_DONE || t->state == TASK_REJECTED || t->state == TASK_SECONDED))
			return 0;
	}
	return cur == s || cur == s + 1;
}

static int undo(struct wf_folder *f, int64_t desk, struct err *e)
{
	if (!wf_can_undo(f, desk))
		return err_set(e, 409, "wf.remords_impossible",
			       "Droit de remords impossible : l'étape suivante a déjà été traitée ou le dossier est clos.");
	int ti = -1, s = last_done_step(f, desk, &ti);
	for (int i = 0; i < f->ntasks; i++) {
		struct wf_task *t = &f->tasks[i];
		if (t->step == s + 1 && t->state == TASK_CURRENT)
			t->state = TASK_UPCOMING;
		if (t->step == s && t->state == TASK_SKIPPED)
			t->state = TASK_CURRENT;  /* OR siblings come back */
	}
	f->tasks[ti].state = TASK_CURRENT;
	f->tasks[ti].acted_desk = 0;
	f->tasks[ti].user = 0;
	f->tasks[ti].at = 0;
	return 0;
}

int wf_act(struct wf_folder *f, const struct wf_env *env, int64_t user, int64_t desk, enum wf_action a, int64_t target,
	   struct err *e)
{
	int64_t as = acting_desk(env, user, desk);
	if (!as)
		return err_set(e, 403, "wf.bureau", "Vous n'êtes ni titulaire ni délégataire de ce bureau.");
	if (a == ACT_UNDO) {
		if (undo(f, desk, e) < 0)
			return -1;
		f->version++;
		return 0;
	}
	if (f->status != FOLDER_PENDING)
		return err_set(e, 409, "wf.conflit", "Ce dossier n'est plus en cours de circuit.");
	if (a == ACT_OPINION) {
		for (int i = 0; i < f->ntasks; i++)
			if (f->tasks[i].state == TASK_SECONDED && f->tasks[i].opinion_desk == desk) {
				f->tasks[i].state = TASK_CURRENT;
				f->tasks[i].opinion_desk = 0;
				f->version++;
				return 0;
			}
		return err_set(e, 409, "wf.conflit", "Aucun avis complémentaire n'est attendu de ce bureau.");
	}
	struct wf_task *t = NULL;
	for (int i = 0; i < f->ntasks && !t; i++)
		if (f->tasks[i].state == TASK_CURRENT && f->tasks[i].desk == desk)
			t = &f->tasks[i];
	if (!t)
		return err_set(e, 409, "wf.conflit", "Ce dossier n'est plus à traiter par ce bureau : quelqu'un a déjà agi.");
	struct wf_step *st = &f->circuit.steps[t->step];
	switch (a) {
	case ACT_REJECT:
		t->state = TASK_REJECTED;
		t->acted_desk = as;
		t->user = user;
		t->at = env->now;
		for (int i = 0; i < f->ntasks; i++)
			if (f->tasks[i].state == TASK_CURRENT || f->tasks[i].state == TASK_UPCOMING ||
			    f->tasks[i].state == TASK_SECONDED)
				f->tasks[i].state = TASK_SKIPPED;
		f->status = FOLDER_REJECTED;
		break;
	case ACT_TRANSFER:
		if (target <= 0 || target == desk)
			return err_set(e, 400, "wf.transfert", "Choisissez un autre bureau pour le transfert.");
		t->desk = target;
		break;
	case ACT_ASK_OPINION:
		if (target <= 0 || target == desk)
			return err_set(e, 400, "wf.avis", "Choisissez le bureau dont vous demandez l'avis.");
		t->state = TASK_SECONDED;
		t->opinion_desk = target;
		break;
	default:
		if (!fits(st->type, a))
			return err_set(e, 400, "wf.action", "Action « %s » impossible à une étape « %s ».", wf_action_name(a),
				       wf_step_type_name(st->type));
		t->state = TASK_DONE;
		t->acted_desk = as;
		t->user = user;
		t->at = env->now;
		if (st->par == PAR_OR)
			for (int i = 0; i < f->ntasks; i++)
				if (f->tasks[i].step == t->step && f->tasks[i].state == TASK_CURRENT)
					f->tasks[i].state = TASK_SKIPPED;
		complete_if_done(f, t->step);
	}
	f->version++;
	return 0;
}

/* Decimal to fixed point (4 decimals) without floating point; 0 when not a number. */
static int to_fixed(const char *s, long long *out)
{
	while (isspace((unsigned char)*s))
		s++;
	int neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	if (!isdigit((unsigned char)*s))
		return 0;
	long long v = 0;
	while (isdigit((unsigned char)*s)) {
		if (v > 100000000000000LL)
			return 0;
		v = v * 10 + (*s++ - '0');
	}
	int dec = 0;
	if (*s == ',' || *s == '.') {
		s++;
		while (isdigit((unsigned char)*s)) {
			if (dec < 4) {
				v = v * 10 + (*s - '0');
				dec++;
			}
			s++;
		}
	}
	while (dec++ < 4)
		v *= 10;
	while (isspace((unsigned char)*s))
		s++;
	if (*s)
		return 0;
	*out = neg ? -v : v;
	return 1;
}

static int match(const struct wf_rule *r, const char *v)
{
	if (!v)
		return 0;
	if (r->op == OP_CONTAINS)
		return strcasestr(v, r->value) != NULL;
	long long a, b;
	int cmp;
	if (to_fixed(v, &a) && to_fixed(r->value, &b))
		cmp = a < b ? -1 : a > b;
	else
		cmp = strcmp(v, r->value);
	switch (r->op) {
	case OP_EQ: return cmp == 0;
	case OP_NE: return cmp != 0;
	case OP_LT: return cmp < 0;
	case OP_LE: return cmp <= 0;
	case OP_GT: return cmp > 0;
	case OP_GE: return cmp >= 0;
	default: return 0;
	}
}

int64_t wf_select_circuit(const struct wf_rule *rules, int n, const char *(*get)(void *ctx, const char *field), void *ctx,
			  int64_t def)
{
	for (int i = 0; i < n; i++)
		if (match(&rules[i], get(ctx, rules[i].field)))
			return rules[i].circuit;
	return def;
}

int wf_rule_parse(const char *text, struct wf_rule *r, struct err *e)
{
	static const struct { const char *s; enum wf_op op; } ops[] = {
		{ ">=", OP_GE }, { "<=", OP_LE }, { "!=", OP_NE }, { "=", OP_EQ }, { "<", OP_LT }, { ">", OP_GT },
		{ " contient ", OP_CONTAINS },
	};
	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		const char *p = strstr(text, ops[i].s);
		if (!p)
			continue;
		size_t fl = (size_t)(p - text);
		while (fl && isspace((unsigned char)text[fl - 1]))
			fl--;
		const char *v = p + strlen(ops[i].s);
		while (isspace((unsigned char)*v))
			v++;
		if (!fl || fl >= sizeof r->field || !*v || strlen(v) >= sizeof r->value || strchr("<>=!", *v))
			break;
		memcpy(r->field, text, fl);
		snprintf(r->value, sizeof r->value, "%s", v);
		for (char *q = r->value + strlen(r->value); q > r->value && isspace((unsigned char)q[-1]);)
			*--q = '\0';
		for (const char *q = r->field; *q; q++)
			if (!isalnum((unsigned char)*q) && *q != '_')
				return err_set(e, 400, "regle.champ", "Nom de métadonnée invalide dans « %s ».", text);
		r->op = ops[i].op;
		return 0;
	}
	return err_set(e, 400, "regle.syntaxe",
		       "Règle illisible « %s » : attendu « métadonnée opérateur valeur » (=, !=, <, <=, >, >=, contient).", text);
}
