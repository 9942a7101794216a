/* audit: the append-only, hash-chained log. Each entry's hash covers its fields and the previous
 * entry's hash; `opale audit verify` recomputes the chain and names the first broken link. */
#include "identity/identity.h"
#include "core/cli.h"
#include "core/config.h"
#include "http/http.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

/* Hash input: fields joined with a unit separator, length-prefixed so no field can spoof another. */
static void entry_hash(int64_t seq, int64_t at, int64_t tenant, int64_t user, const char *ip, const char *action,
		       const char *object, const char *detail, const char *prev, char out[65])
{
	buf b = BUF_INIT;
	buf_printf(&b, "%lld|%lld|%lld|%lld|", (long long)seq, (long long)at, (long long)tenant, (long long)user);
	const char *f[] = { ip, action, object, detail, prev };
	for (int i = 0; i < 5; i++)
		buf_printf(&b, "%zu:%s|", strlen(f[i] ? f[i] : ""), f[i] ? f[i] : "");
	unsigned char md[32];
	unsigned int len;
	EVP_Digest(b.data, b.len, md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	buf_free(&b);
}

int audit_append(db *d, int64_t tenant, int64_t user, const char *ip, const char *action, const char *object,
		 const char *detail, struct err *e)
{
	int own = !db_in_transaction(d);
	if (own && db_begin_write(d, e) < 0)
		return -1;
	int rc;
	/* Taking the head row serialises appenders on both engines. */
	db_stmt *s = db_query(d, e, &rc, "UPDATE audit_head SET n = n + 1 WHERE id = 1 RETURNING n, last_hash", "");
	if (!s || rc != DB_ROW) {
		if (s)
			db_finalize(s);
		goto fail;
	}
	int64_t seq = db_col_int64(s, 0);
	char prev[65];
	snprintf(prev, sizeof prev, "%s", db_col_text(s, 1));
	db_finalize(s);
	int64_t at = identity_now();
	char h[65];
	entry_hash(seq, at, tenant, user, ip ? ip : "", action, object ? object : "", detail ? detail : "", prev, h);
	if (db_run(d, e,
		   "INSERT INTO audit_log (seq, at, tenant_id, user_id, ip, action, object, detail, prev_hash, hash)"
		   " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
		   "iiiitttttt", seq, at, tenant, user, ip ? ip : "", action, object ? object : "", detail ? detail : "",
		   prev, h) < 0 ||
	    db_run(d, e, "UPDATE audit_head SET last_hash = $1 WHERE id = 1", "t", h) < 0)
		goto fail;
	return own ? db_commit(d, e) : 0;
fail:
	if (own)
		db_rollback(d);
	return -1;
}

void audit_req(struct req *r, const char *action, const char *object, const char *detail)
{
	struct err e;
	db *d = db_thread(&e);
	if (d)
		audit_append(d, r->tenant_id, r->user_id, r->ip, action, object, detail, &e);
}

int audit_verify(db *d, buf *out)
{
	struct err e;
	int rc;
	db_stmt *s = db_query(d, &e, &rc,
			      "SELECT id, seq, at, tenant_id, user_id, ip, action, object, detail, prev_hash, hash"
			      " FROM audit_log ORDER BY id", "");
	if (!s) {
		buf_printf(out, "Lecture du journal impossible : %s\n", e.msg);
		return -1;
	}
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	int64_t expect_seq = 1, n = 0;
	int bad = 0;
	while (rc == DB_ROW) {
		int64_t id = db_col_int64(s, 0), seq = db_col_int64(s, 1);
		const char *stored_prev = db_col_text(s, 9), *stored = db_col_text(s, 10);
		char h[65];
		entry_hash(seq, db_col_int64(s, 2), db_col_int64(s, 3), db_col_int64(s, 4), db_col_text(s, 5),
			   db_col_text(s, 6), db_col_text(s, 7), db_col_text(s, 8), stored_prev, h);
		if (strcmp(h, stored) != 0) {
			buf_printf(out, "Entrée n° %lld (id %lld, action %s) modifiée : son contenu ne correspond plus à son empreinte.\n",
				   (long long)seq, (long long)id, db_col_text(s, 6));
			bad = 1;
			break;
		}
		if (seq != expect_seq) {
			int rc2;
			db_stmt *x = db_query(d, &e, &rc2, "SELECT id FROM audit_log WHERE seq = $1", "i", expect_seq);
			int elsewhere = x && rc2 == DB_ROW;
			if (x)
				db_finalize(x);
			if (elsewhere || seq < expect_seq)
				buf_printf(out, "Entrées interverties : n° %lld attendue à l'id %lld, n° %lld trouvée à sa place.\n",
					   (long long)expect_seq, (long long)id, (long long)seq);
			else
				buf_printf(out, "Entrée(s) n° %lld à %lld supprimée(s) : la suite passe de %lld à %lld.\n",
					   (long long)expect_seq, (long long)seq - 1, (long long)expect_seq - 1, (long long)seq);
			bad = 1;
			break;
		}
		if (strcmp(stored_prev, prev) != 0) {
			buf_printf(out, "Chaînage rompu à l'entrée n° %lld (id %lld) : elle ne suit pas l'entrée précédente "
					"(entrées supprimées, remplacées ou interverties).\n", (long long)seq, (long long)id);
			bad = 1;
			break;
		}
		snprintf(prev, sizeof prev, "%s", stored);
		expect_seq = seq + 1;
		n++;
		rc = db_step(s, &e);
	}
	db_finalize(s);
	if (!bad && rc < 0) {
		buf_printf(out, "Lecture du journal interrompue : %s\n", e.msg);
		return -1;
	}
	if (!bad) {
		/* The head records how many entries were written: a deleted tail shows here. */
		db_stmt *h = db_query(d, &e, &rc, "SELECT n, last_hash FROM audit_head WHERE id = 1", "");
		if (h && rc == DB_ROW && (db_col_int64(h, 0) != n || strcmp(db_col_text(h, 1), prev) != 0)) {
			buf_printf(out, "Dernière(s) entrée(s) supprimée(s) : %lld écrite(s), %lld présente(s).\n",
				   (long long)db_col_int64(h, 0), (long long)n);
			bad = 1;
		}
		if (h)
			db_finalize(h);
	}
	if (!bad)
		buf_printf(out, "Journal d'audit intègre : %lld entrée(s) vérifiée(s).\n", (long long)n);
	return bad ? -1 : 0;
}

static int cmd_audit(int argc, char **argv)
{
	const char *pos[2];
	static const char *const wv[] = { "data", "db", NULL };
	int np = cli_positionals(argc, argv, wv, pos, 2);
	if (np < 1 || strcmp(pos[0], "verify") != 0) {
		fprintf(stderr, "usage : opale audit verify --data DIR [--db URL]\n");
		return 2;
	}
	struct err e = { 0 };
	if (config_load(argc, argv, &e) < 0 || db_configure(cfg.data_dir, cfg.db_url, &e) < 0) {
		fprintf(stderr, "opale audit : %s\n", e.msg);
		return 2;
	}
	db *d = db_thread(&e);
	if (!d) {
		fprintf(stderr, "opale audit : %s\n", e.msg);
		return 2;
	}
	buf out = BUF_INIT;
	int rc = audit_verify(d, &out);
	fputs(out.data ? out.data : "", rc ? stderr : stdout);
	buf_free(&out);
	return rc ? 1 : 0;
}
OPALE_COMMAND(audit, "audit", cmd_audit, "opale audit verify --data DIR [--db URL]",
	      "vérifie l'intégrité du journal d'audit chaîné");
