/* workflow: the circuit engine of the parapheur, as pure logic over plain structs — steps of kind
 * VISA / SIGNATURE / SEAL / EXTERNAL with OR or AND desks, placeholders (emitter, boss of the
 * emitter, variable desk), delegation, rejection, undo (« droit de remords »), second opinion,
 * transfer. The service layer loads a folder, calls wf_act, and saves it with a version check, so
 * two people acting on the same task at once cannot both succeed. */
#ifndef OPALE_WORKFLOW_H
#define OPALE_WORKFLOW_H
#include <stdint.h>

#include "core/err.h"

enum wf_step_type { STEP_VISA = 1, STEP_SIGNATURE, STEP_SEAL, STEP_EXTERNAL };
enum wf_parallel { PAR_OR = 0, PAR_AND = 1 };

/* Placeholder desk ids in a circuit definition, resolved when the folder starts. */
#define DESK_EMITTER (-1)
#define DESK_BOSS_OF (-2)     /* « supérieur hiérarchique » of the emitter (its parent desk) */
#define DESK_VARIABLE (-3)    /* chosen at creation, in the order the placeholders appear */

#define WF_MAX_STEPS 16
#define WF_MAX_DESKS 8
#define WF_MAX_TASKS 128

struct wf_step {
	enum wf_step_type type;
	enum wf_parallel par;
	int ndesks;
	int64_t desks[WF_MAX_DESKS];
	int nnotified;
	int64_t notified[WF_MAX_DESKS];
};

struct wf_circuit {
	int nsteps;
	struct wf_step steps[WF_MAX_STEPS];
};

enum wf_task_state { TASK_UPCOMING, TASK_CURRENT, TASK_DONE, TASK_SKIPPED, TASK_REJECTED, TASK_SECONDED };
enum wf_action { ACT_VISA = 1, ACT_SIGN, ACT_SEAL, ACT_EXTERNAL, ACT_REJECT, ACT_UNDO, ACT_TRANSFER,
		 ACT_ASK_OPINION, ACT_OPINION };
enum wf_status { FOLDER_DRAFT, FOLDER_PENDING, FOLDER_REJECTED, FOLDER_FINISHED };

struct wf_task {
	int step;
	int64_t desk;           /* the desk the task is addressed to */
	enum wf_task_state state;
	int64_t acted_desk;     /* desk of the person who acted (≠ desk under delegation) */
	int64_t user;
	int64_t at;
	int64_t opinion_desk;   /* while SECONDED: the desk asked for an opinion */
};

struct wf_folder {
	enum wf_status status;
	int64_t emitter;                 /* emitting desk */
	int nvariable;
	int64_t variable[WF_MAX_STEPS];  /* desks chosen for DESK_VARIABLE placeholders */
	struct wf_circuit circuit;       /* resolved at start: no placeholders left */
	int ntasks;
	struct wf_task tasks[WF_MAX_TASKS];
	int64_t version;                 /* incremented by every successful action */
};

/* What the engine asks of the outside world (database in production, tables in tests). */
struct wf_env {
	void *ctx;
	int64_t (*parent_of)(void *ctx, int64_t desk);            /* 0 when none */
	int (*owns)(void *ctx, int64_t user, int64_t desk);        /* user is an owner of desk */
	/* Desk that holds desk's delegation at time now (for this folder's type), 0 when none. */
	int64_t (*delegate_of)(void *ctx, int64_t desk, int64_t now);
	int64_t now;
};

/* Starts a draft: resolves placeholders and opens the first step. */
int wf_start(struct wf_folder *f, const struct wf_env *env, struct err *e);

/* One action by user acting for desk (its owner, or the delegate of its owner desk):
 * target is the desk for TRANSFER and ASK_OPINION, ignored otherwise. Errors: 403 wf.bureau
 * (user cannot act for desk), 409 wf.conflit (nothing to do here any more: someone acted first),
 * 400 wf.action (action does not fit the step). */
int wf_act(struct wf_folder *f, const struct wf_env *env, int64_t user, int64_t desk, enum wf_action a, int64_t target,
	   struct err *e);

/* True when desk may undo its last action now (next step untouched). */
int wf_can_undo(const struct wf_folder *f, int64_t desk);
/* Index of the current step, or -1. */
int wf_current_step(const struct wf_folder *f);
/* True when desk (or a desk it holds a delegation for, via env) has a current task. */
int wf_is_pending_for(const struct wf_folder *f, const struct wf_env *env, int64_t desk);
const char *wf_action_name(enum wf_action a);  /* French: « visa », « signature »… */
const char *wf_step_type_name(enum wf_step_type t);

/* Circuit selection rules declared on a sub-type: evaluated in order, first match wins.
 * Values compare as decimal numbers when both sides are numbers, as text otherwise. */
enum wf_op { OP_EQ = 1, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_CONTAINS };
struct wf_rule {
	char field[64];
	enum wf_op op;
	char value[128];
	int64_t circuit;
};
/* get(ctx, field) returns the metadata value or NULL. Returns the circuit id, or def when none matches. */
int64_t wf_select_circuit(const struct wf_rule *rules, int n, const char *(*get)(void *ctx, const char *field), void *ctx,
			  int64_t def);
/* Parses "montant >= 40000" style text into a rule (circuit left 0). */
int wf_rule_parse(const char *text, struct wf_rule *r, struct err *e);

#endif
