/* Audit chain tamper tests on the engine under test: an edited, a deleted, a swapped and a dropped
 * last entry are each detected and named; an intact chain verifies. Also `opale audit verify`. */
#include "identity/identity.h"
#include "srvtest.h"
#include "t.h"

static struct srv S;
static db *D;

static int verify(char *msg, size_t n)
{
	buf out = BUF_INIT;
	int rc = audit_verify(D, &out);
	snprintf(msg, n, "%s", out.data ? out.data : "");
	buf_free(&out);
	return rc;
}

static void reset(void)
{
	struct err e;
	db_run(D, &e, "DELETE FROM audit_log", "");
	db_run(D, &e, "UPDATE audit_head SET n = 0, last_hash = '0000000000000000000000000000000000000000000000000000000000000000'", "");
	for (int i = 1; i <= 6; i++) {
		char obj[16];
		snprintf(obj, sizeof obj, "acte-%d", i);
		audit_append(D, 1, 1, "127.0.0.1", "acte.creation", obj, "", &e);
	}
}

int main(void)
{
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);  /* the server idles; the test works on its database */
	struct err e;
	char msg[1024];

	reset();
	T_OK(verify(msg, sizeof msg) == 0, "an intact chain verifies");

	db_run(D, &e, "UPDATE audit_log SET object = 'acte-99' WHERE seq = 3", "");
	T_OK(verify(msg, sizeof msg) < 0 && strstr(msg, "n° 3") && strstr(msg, "modifiée"), "an edited entry is detected and named");
	printf("# %s", msg);

	reset();
	db_run(D, &e, "DELETE FROM audit_log WHERE seq = 4", "");
	T_OK(verify(msg, sizeof msg) < 0 && strstr(msg, "supprimée"), "a deleted entry is detected");
	printf("# %s", msg);

	reset();
	/* Swap the positions of entries 2 and 5, each kept whole (content, seq and hash intact). */
	int rc;
	db_stmt *q = db_query(D, &e, &rc, "SELECT id FROM audit_log WHERE seq = 2", "");
	int64_t id2 = q && rc == DB_ROW ? db_col_int64(q, 0) : 0;
	if (q)
		db_finalize(q);
	q = db_query(D, &e, &rc, "SELECT id FROM audit_log WHERE seq = 5", "");
	int64_t id5 = q && rc == DB_ROW ? db_col_int64(q, 0) : 0;
	if (q)
		db_finalize(q);
	db_run(D, &e, "UPDATE audit_log SET id = -1 WHERE id = $1", "i", id2);
	db_run(D, &e, "UPDATE audit_log SET id = $1 WHERE id = $2", "ii", id2, id5);
	db_run(D, &e, "UPDATE audit_log SET id = $1 WHERE id = -1", "i", id5);
	T_OK(verify(msg, sizeof msg) < 0 && strstr(msg, "interverties"), "two swapped entries are detected");
	printf("# %s", msg);

	reset();
	db_run(D, &e, "DELETE FROM audit_log WHERE seq = 6", "");
	T_OK(verify(msg, sizeof msg) < 0 && strstr(msg, "Dernière"), "a deleted last entry is detected");
	printf("# %s", msg);

	reset();
	/* Rewriting an entry and recomputing its own hash still breaks the next link. */
	db_run(D, &e, "UPDATE audit_log SET hash = '1111111111111111111111111111111111111111111111111111111111111111' WHERE seq = 2", "");
	T_OK(verify(msg, sizeof msg) < 0, "a forged hash is detected");

	reset();
	const char *args[] = { "audit", "verify", NULL };
	char out[1024];
	T_EQ_INT(srv_cli(&S, out, sizeof out, args), 0, "opale audit verify exits 0 on an intact chain");
	db_run(D, &e, "UPDATE audit_log SET detail = 'x' WHERE seq = 1", "");
	T_EQ_INT(srv_cli(&S, out, sizeof out, args), 1, "opale audit verify exits 1 on a tampered chain");
	T_OK(strstr(out, "n° 1") != NULL, "and names the entry");
	db_close(D);
	srv_stop(&S);
	return t_done();
}
