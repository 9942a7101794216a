/* Workflow engine tests: OR and AND steps, boss-of and variable desks, rejection mid-circuit,
 * undo allowed and refused, second opinion, transfer, delegation in and out of its dates,
 * concurrent action (second actor gets a conflict), circuit selection rules. */
#include "parapheur/workflow.h"
#include "t.h"

/* Desks: 1 Secrétariat (parent 2), 2 DGS (parent 3), 3 Président, 4 DGA, 5 Finances, 6 Juridique.
 * Users: 10 owns 1, 20 owns 2, 30 owns 3, 40 owns 4, 50 owns 5, 60 owns 6. */
static int64_t parent_of(void *ctx, int64_t d)
{
	(void)ctx;
	return d == 1 ? 2 : d == 2 ? 3 : d == 4 ? 3 : 0;
}
static int owns(void *ctx, int64_t u, int64_t d)
{
	(void)ctx;
	return u == d * 10;
}
/* Président (3) delegates to DGA (4) from t=100 to t=200. */
static int64_t delegate_of(void *ctx, int64_t d, int64_t now)
{
	(void)ctx;
	return d == 3 && now >= 100 && now < 200 ? 4 : 0;
}

static struct wf_env env = { NULL, parent_of, owns, delegate_of, 50 };

static struct wf_folder folder(int nsteps, const struct wf_step *steps)
{
	struct wf_folder f = { .status = FOLDER_DRAFT, .emitter = 1 };
	f.circuit.nsteps = nsteps;
	for (int i = 0; i < nsteps; i++)
		f.circuit.steps[i] = steps[i];
	return f;
}

static const char *get(void *ctx, const char *field)
{
	(void)ctx;
	return strcmp(field, "montant") == 0 ? "40000,00" : strcmp(field, "objet") == 0 ? "Marché de voirie" : NULL;
}

int main(void)
{
	struct err e;
	/* Visa DGS → signature Président (the CDG convention's circuit). */
	struct wf_step simple[] = { { STEP_VISA, PAR_OR, 1, { 2 }, 0, { 0 } }, { STEP_SIGNATURE, PAR_OR, 1, { 3 }, 0, { 0 } } };
	struct wf_folder f = folder(2, simple);
	T_OK(wf_start(&f, &env, &e) == 0 && f.status == FOLDER_PENDING, "a folder starts");
	T_EQ_INT(wf_current_step(&f), 0, "the first step is current");
	T_OK(wf_act(&f, &env, 30, 3, ACT_SIGN, 0, &e) < 0 && e.status == 409, "the président cannot sign before the DGS visa");
	T_OK(wf_act(&f, &env, 10, 2, ACT_VISA, 0, &e) < 0 && e.status == 403, "a user who does not own the desk cannot act");
	T_OK(wf_act(&f, &env, 20, 2, ACT_SIGN, 0, &e) < 0 && strcmp(e.code, "wf.action") == 0, "signing a visa step is refused");
	T_OK(wf_act(&f, &env, 20, 2, ACT_VISA, 0, &e) == 0, "DGS visas");
	T_OK(wf_act(&f, &env, 20, 2, ACT_VISA, 0, &e) < 0 && strcmp(e.code, "wf.conflit") == 0,
	     "acting twice on the same task → conflict (what a concurrent second click gets)");
	T_OK(wf_can_undo(&f, 2), "DGS may undo while the président has not acted");
	T_OK(wf_act(&f, &env, 20, 2, ACT_UNDO, 0, &e) == 0 && wf_current_step(&f) == 0, "undo returns the folder to the DGS");
	T_OK(wf_act(&f, &env, 20, 2, ACT_VISA, 0, &e) == 0, "DGS visas again");
	T_OK(wf_act(&f, &env, 30, 3, ACT_SIGN, 0, &e) == 0 && f.status == FOLDER_FINISHED, "président signs: folder finished");
	T_OK(!wf_can_undo(&f, 2) && wf_act(&f, &env, 20, 2, ACT_UNDO, 0, &e) < 0, "no undo once the next step acted");

	/* OR step: one of two acts, the other is skipped; AND step: both must act. */
	struct wf_step orand[] = { { STEP_VISA, PAR_OR, 2, { 5, 6 }, 0, { 0 } }, { STEP_VISA, PAR_AND, 2, { 5, 6 }, 0, { 0 } },
				   { STEP_SIGNATURE, PAR_OR, 1, { 3 }, 0, { 0 } } };
	f = folder(3, orand);
	wf_start(&f, &env, &e);
	T_OK(wf_act(&f, &env, 60, 6, ACT_VISA, 0, &e) == 0 && wf_current_step(&f) == 1, "OR: one visa completes the step");
	T_OK(wf_act(&f, &env, 50, 5, ACT_VISA, 0, &e) == 0 && wf_current_step(&f) == 1, "AND: first visa keeps the step open");
	T_OK(wf_can_undo(&f, 5), "AND: the first may undo while the step is open");
	T_OK(wf_act(&f, &env, 60, 6, ACT_VISA, 0, &e) == 0 && wf_current_step(&f) == 2, "AND: second visa completes the step");

	/* Rejection mid-circuit. */
	f = folder(3, orand);
	wf_start(&f, &env, &e);
	wf_act(&f, &env, 50, 5, ACT_VISA, 0, &e);
	T_OK(wf_act(&f, &env, 60, 6, ACT_REJECT, 0, &e) == 0 && f.status == FOLDER_REJECTED, "rejection ends the circuit");
	T_OK(wf_act(&f, &env, 30, 3, ACT_SIGN, 0, &e) < 0 && e.status == 409, "nothing can be signed after a rejection");

	/* Boss-of and variable desks. */
	struct wf_step ph[] = { { STEP_VISA, PAR_OR, 1, { DESK_BOSS_OF }, 0, { 0 } }, { STEP_VISA, PAR_OR, 1, { DESK_VARIABLE }, 0, { 0 } },
				{ STEP_SIGNATURE, PAR_OR, 1, { DESK_EMITTER }, 0, { 0 } } };
	f = folder(3, ph);
	T_OK(wf_start(&f, &env, &e) < 0 && strcmp(e.code, "wf.bureau_variable") == 0, "a missing variable desk is refused at start");
	f = folder(3, ph);
	f.nvariable = 1;
	f.variable[0] = 6;
	T_OK(wf_start(&f, &env, &e) == 0, "placeholders resolve");
	T_EQ_INT(f.circuit.steps[0].desks[0], 2, "boss of the emitter (Secrétariat) is the DGS");
	T_EQ_INT(f.circuit.steps[1].desks[0], 6, "the variable desk is the one chosen");
	T_EQ_INT(f.circuit.steps[2].desks[0], 1, "the emitter placeholder is the emitter");
	f = folder(3, ph);
	f.emitter = 3;
	f.nvariable = 1;
	f.variable[0] = 6;
	T_OK(wf_start(&f, &env, &e) < 0 && strcmp(e.code, "wf.superieur") == 0, "an emitter without a superior is reported");

	/* Second opinion and transfer. */
	f = folder(2, simple);
	wf_start(&f, &env, &e);
	T_OK(wf_act(&f, &env, 20, 2, ACT_ASK_OPINION, 6, &e) == 0, "DGS asks the legal desk for an opinion");
	T_OK(wf_is_pending_for(&f, &env, 6) && !wf_is_pending_for(&f, &env, 2), "the folder waits on the legal desk");
	T_OK(wf_act(&f, &env, 20, 2, ACT_VISA, 0, &e) < 0, "DGS cannot visa while the opinion is pending");
	T_OK(wf_act(&f, &env, 60, 6, ACT_OPINION, 0, &e) == 0 && wf_is_pending_for(&f, &env, 2), "the opinion returns it to the DGS");
	T_OK(wf_act(&f, &env, 20, 2, ACT_TRANSFER, 4, &e) == 0 && wf_is_pending_for(&f, &env, 4), "transfer to the DGA");
	T_OK(wf_act(&f, &env, 40, 4, ACT_VISA, 0, &e) == 0 && wf_current_step(&f) == 1, "the DGA visas in place of the DGS");

	/* Delegation: the président's desk is delegated to the DGA between t=100 and t=200. */
	T_OK(wf_act(&f, &env, 40, 3, ACT_SIGN, 0, &e) < 0 && e.status == 403, "outside its dates a delegation gives no right");
	struct wf_env later = env;
	later.now = 150;
	T_OK(wf_is_pending_for(&f, &later, 4), "during the delegation the folder is in the delegate's tray");
	T_OK(wf_act(&f, &later, 40, 3, ACT_SIGN, 0, &e) == 0 && f.status == FOLDER_FINISHED, "the delegate signs during the delegation");
	T_EQ_INT(f.tasks[f.ntasks - 1].acted_desk, 4, "history records the acting desk (« en l'absence de »)");

	/* Circuit selection rules. */
	struct wf_rule rules[2];
	T_OK(wf_rule_parse("montant >= 40000", &rules[0], &e) == 0 && rules[0].op == OP_GE, "rule « montant >= 40000 » parses");
	rules[0].circuit = 7;
	T_OK(wf_rule_parse("objet contient voirie", &rules[1], &e) == 0, "rule with « contient » parses");
	rules[1].circuit = 8;
	T_EQ_INT(wf_select_circuit(rules, 2, get, NULL, 1), 7, "40000,00 >= 40000 selects the « Marchés » circuit (decimal compare)");
	T_EQ_INT(wf_select_circuit(rules + 1, 1, get, NULL, 1), 8, "text rule matches case-insensitively");
	T_OK(wf_rule_parse("montant >>", &rules[0], &e) < 0, "a malformed rule is refused");
	T_OK(wf_rule_parse("mont ant = 3", &rules[0], &e) < 0, "a field name with a space is refused");
	struct wf_rule r3;
	wf_rule_parse("montant < 5000", &r3, &e);
	r3.circuit = 9;
	T_EQ_INT(wf_select_circuit(&r3, 1, get, NULL, 1), 1, "no rule matching → default circuit");
	return t_done();
}
