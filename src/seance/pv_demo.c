/* pv_demo: in the demo collectivité, the parapheur side of the procès-verbal — a desk « Secrétariat
 * des assemblées » held by the demo secretary and a sub-type « Procès-verbal de séance » whose circuit
 * asks the signature of the Présidence, then of that desk (L2121-15: signed by the president and the
 * secretary). Runs after the parapheur's demo (desks) and is idempotent. */
#include "identity/demo.h"
#include "db/tenant.h"
#include "parapheur/parapheur.h"

#include <stdio.h>

static int demo_pv(db *d, struct demo_ctx *c, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, c->ccpo, e, &rc,
			       "SELECT (SELECT COUNT(*) FROM folder_types WHERE tenant_id = $1 AND name = 'Procès-verbal'), "
			       "(SELECT id FROM desks WHERE tenant_id = $1 AND name = 'Présidence' ORDER BY id LIMIT 1)", "");
	if (!s)
		return -1;
	int64_t done = db_col_int64(s, 0), pres = db_col_isnull(s, 1) ? 0 : db_col_int64(s, 1);
	db_finalize(s);
	if (done || !pres)
		return 0;
	int64_t desk, circuit, type, subtype, owner = c->users[DEMO_SECRETAIRE];
	char steps[200];
	if (pa_desk_create(d, c->ccpo, "Secrétariat des assemblées", 0, &owner, 1, &desk, e) < 0)
		return -1;
	snprintf(steps, sizeof steps, "[{\"type\":\"signature\",\"bureaux\":[%lld]},{\"type\":\"signature\",\"bureaux\":[%lld]}]", (long long)pres,
		 (long long)desk);
	json_t *j = json_loads(steps, 0, NULL);
	rc = pa_circuit_create(d, c->ccpo, "Procès-verbal : signature du président puis du secrétaire de séance", j, &circuit, e) < 0 ||
	     pa_type_create(d, c->ccpo, "Procès-verbal", "pades", "actes", "Guînes", "62340", &type, e) < 0 ||
	     pa_subtype_create(d, c->ccpo, type, "Procès-verbal de séance", circuit, NULL, &subtype, e) < 0 ? -1 : 0;
	json_decref(j);
	return rc;
}
OPALE_DEMO_STEP(seances_pv, "35-seances-pv", demo_pv);
