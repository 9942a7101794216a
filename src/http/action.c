/* action: one generic write (see action.h) — ids, connection, body, transaction, audit, answer. */
#include "http/action.h"
#include "identity/identity.h"

#include <string.h>

/* The JSON body when the spec asks for one: 0, or -1 with req_json's answer. */
static int act_body(struct req *r, const struct act_spec *s, struct act *a)
{
	if (!(s->flags & ACT_JSON) && !((s->flags & ACT_JSON_OPT) && r->body.len))
		return 0;
	return (a->in = req_json(r)) ? 0 : -1;
}

int act_handle(struct req *r, const struct act_spec *s)
{
	struct act a;
	memset(&a, 0, sizeof a);
	a.r = r;
	a.tenant = r->tenant_id;
	int late = (s->flags & ACT_CHECK_FIRST) != 0;   /* the body after the check */
	if (s->id && (a.id = req_param_id(r, s->id)) <= 0)
		return -1;
	if (s->sub && (a.sub = req_param_id(r, s->sub)) <= 0)
		return -1;
	if (!late && act_body(r, s, &a) < 0)
		return -1;
	if (s->input && s->input(&a) < 0)
		return res_fail_err(r, &a.e);
	if (!(a.d = req_db(r)))
		return -1;
	if (!late)
		return act_run(&a, s);
	if (s->check && s->check(&a) < 0)
		return res_fail_err(r, &a.e);
	if (act_body(r, s, &a) < 0)
		return -1;
	struct act_spec rest = *s;
	rest.check = NULL;
	return act_run(&a, &rest);
}

static int act_work(struct act *a, const struct act_spec *s)
{
	if (!s->fn)
		return 0;
	if (!(s->flags & ACT_TX))
		return s->fn(a);
	if (db_begin_write(a->d, &a->e) < 0 || s->fn(a) < 0 || db_commit(a->d, &a->e) < 0) {
		db_rollback(a->d);
		return -1;
	}
	return 0;
}

int act_run(struct act *a, const struct act_spec *s)
{
	struct req *r = a->r;
	if (s->check && s->check(a) < 0)
		return res_fail_err(r, &a->e);
	int ok = act_work(a, s) == 0;
	if (ok && s->audit)
		audit_req(r, s->audit, a->audit_object ? a->audit_object : a->id ? arena_printf(r->a, "%lld", (long long)a->id) : "",
			  a->audit_detail ? a->audit_detail : "");
	if (s->to) {
		res_flash(r, ok ? "ok" : "erreur", ok ? (a->done ? a->done : s->done) : a->e.msg);
		return res_redirect(r, arena_printf(r->a, !ok && s->to_failed ? s->to_failed : s->to, (long long)a->id));
	}
	if (!ok)
		return res_fail_err(r, &a->e);
	json_t *out = s->answer ? s->answer(a) : json_pack("{s:b}", "ok", 1);
	return out ? res_json(r, s->status ? s->status : 200, out) : res_fail_err(r, &a->e);
}

json_t *act_made(struct act *a)
{
	return json_pack("{s:I}", "id", (json_int_t)a->made);
}
