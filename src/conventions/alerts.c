/* alerts: the daily « conventions.alertes » job of a collectivité — computes the register's alerts
 * for its date (decision before an express renewal, notice deadline of a tacit one, end of term,
 * review due or overdue, termination taking effect), mails each alert once (table convention_alertes)
 * as one digest per recipient through "mail.send", and schedules the next day's run at 07:00 Paris
 * time. Idempotency keys make a re-run of the same day a no-op. `opale conventions alertes` runs it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conventions/conventions_db.h"
#include "core/cli.h"
#include "core/config.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "jobs/jobs.h"

struct date cv_today(void)
{
	struct paris_time pt;
	struct err e;
	if (paris_from_utc(identity_now(), &pt, &e) < 0)
		return (struct date){ 2000, 1, 1 };
	return pt.date;
}

int cv_alerts_schedule(db *d, int64_t tenant, struct date day, int64_t run_at, struct err *e)
{
	char iso[11], key[96], payload[64];
	date_format(day, iso);
	snprintf(key, sizeof key, "conventions.alertes:%lld:%s", (long long)tenant, iso);
	snprintf(payload, sizeof payload, "{\"date\":\"%s\"}", iso);
	return jobs_enqueue(d, "conventions.alertes", payload, key, tenant, run_at, NULL, e);
}

/* Recipients of a convention's alerts: its own address, or the collectivité's administrators. */
static json_t *recipients(db *d, int64_t tenant, json_t *c, struct err *e)
{
	json_t *a = json_array();
	const char *own = json_string_value(json_object_get(c, "alerte_courriel"));
	if (own && *own) {
		json_array_append_new(a, json_string(own));
		return a;
	}
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id"
						   " WHERE m.tenant_id = $1 AND (m.roles & 2) <> 0 AND u.email <> '' ORDER BY u.id", "");
	while (s && rc == DB_ROW) {
		json_array_append_new(a, json_string(db_col_text(s, 0)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return a;
}

int cv_alerts_run(db *d, int64_t tenant, struct date today, int *mailed, struct err *e)
{
	*mailed = 0;
	json_t *list = cv_list(d, tenant, NULL, today, e);
	json_t *digest = json_object();   /* address → text */
	size_t i, k, x;
	json_t *c, *a, *to;
	json_array_foreach(list, i, c) {
		json_t *dest = NULL;
		json_array_foreach(json_object_get(c, "alertes"), k, a) {
			int64_t conv = json_integer_value(json_object_get(c, "id"));
			const char *type = json_string_value(json_object_get(a, "type")), *date = json_string_value(json_object_get(a, "date"));
			int rc;
			db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT 1 FROM convention_alertes WHERE tenant_id = $1 AND convention_id = $2"
								  " AND type = $3 AND echeance = $4", "itt", conv, type, date);
			int seen = s && rc == DB_ROW;
			if (s)
				db_finalize(s);
			if (!s)
				goto fail;
			if (seen)
				continue;
			if (tdb_run(d, tenant, e, "INSERT INTO convention_alertes (tenant_id, convention_id, type, echeance, envoye_le)"
						  " VALUES ($1, $2, $3, $4, $5)", "itti", conv, type, date, identity_now()) < 0)
				goto fail;
			if (!dest)
				dest = recipients(d, tenant, c, e);
			json_array_foreach(dest, x, to) {
				const char *addr = json_string_value(to);
				json_t *cur = json_object_get(digest, addr);
				char line[1200];
				snprintf(line, sizeof line, "%s- %s\n  %s\n  %s/conventions/%lld\n\n", cur ? json_string_value(cur) : "",
					 json_string_value(json_object_get(c, "titre")), json_string_value(json_object_get(a, "message")),
					 cfg.public_url[0] ? cfg.public_url : "", (long long)conv);
				json_object_set_new(digest, addr, json_string(line));
			}
		}
		json_decref(dest);
	}
	const char *addr;
	json_t *text;
	char iso[11];
	date_format(today, iso);
	json_object_foreach(digest, addr, text) {
		buf body = BUF_INIT;
		buf_puts(&body, "Bonjour,\n\nÉchéances du registre des conventions à surveiller :\n\n");
		buf_puts(&body, json_string_value(text));
		buf_puts(&body, "Ce message est envoyé une fois par échéance. Le registre et son calendrier ICS sont dans Opale, "
				"rubrique « Conventions ».\n");
		json_t *p = json_pack("{s:s,s:s,s:s}", "to", addr, "subject", "Conventions : échéances à surveiller", "text", body.data);
		char *payload = json_dumps(p, JSON_COMPACT);
		char key[400];
		snprintf(key, sizeof key, "conventions.digest:%lld:%s:%s", (long long)tenant, iso, addr);
		int rc = jobs_enqueue(d, "mail.send", payload, key, tenant, 0, NULL, e);
		free(payload);
		json_decref(p);
		buf_free(&body);
		if (rc < 0)
			goto fail;
		(*mailed)++;
	}
	json_decref(digest);
	json_decref(list);
	return 0;
fail:
	json_decref(digest);
	json_decref(list);
	return -1;
}

static int job(db *d, const struct job *j, struct err *e)
{
	json_t *p = json_loads(j->payload, 0, NULL);
	struct date day;
	int ok = p && date_parse(json_string_value(json_object_get(p, "date")), &day, NULL) == 0;
	json_decref(p);
	if (!ok) {
		err_set(e, 400, "conventions.alertes", "Charge utile invalide.");
		return JOB_DEAD;
	}
	int mailed;
	if (cv_alerts_run(d, j->tenant_id, day, &mailed, e) < 0)
		return JOB_RETRY;
	/* Tomorrow at 07:00 Paris time — tomorrow from the real today (not from the payload's day), so a
	 * late run does not replay every missed day, and a pinned clock (OPALE_NOW) does not loop. */
	struct paris_time at = { .date = date_add_days(cv_today(), 1), .hh = 7 };
	int64_t t;
	if (paris_to_utc(&at, PARIS_EARLIER, &t, NULL, e) < 0 || cv_alerts_schedule(d, j->tenant_id, at.date, t, e) < 0)
		return JOB_RETRY;
	return 0;
}
OPALE_JOB_KIND(cv_alerts, "conventions.alertes", job, JOB_TX, 5, 300);

/* opale conventions alertes [--date AAAA-MM-JJ] — enqueues the alert run of that day (default today)
 * for every collectivité that has conventions; the workers of `opale serve` send the mail. */
static int cmd_conventions(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "alertes") != 0) {
		fputs("usage : opale conventions alertes [--date AAAA-MM-JJ]\n", stderr);
		return 2;
	}
	const char *ds = cli_opt(argc - 1, argv + 1, "date");
	struct date day = cv_today();
	if (ds && date_parse(ds, &day, NULL) < 0) {
		fputs("opale conventions : --date : AAAA-MM-JJ attendu\n", stderr);
		return 2;
	}
	struct err e = { 0 };
	db *d = config_load(argc, argv, &e) < 0 || db_configure(cfg.data_dir, cfg.db_url, &e) < 0 ? NULL : db_thread(&e);
	if (!d) {
		fprintf(stderr, "opale conventions : %s\n", e.msg);
		return 1;
	}
	int rc;
	int n = 0;
	int64_t tenants[4096];
	db_stmt *s = db_query(d, &e, &rc, "SELECT DISTINCT tenant_id FROM conventions ORDER BY tenant_id", "");
	while (s && rc == DB_ROW && n < 4096) {
		tenants[n++] = db_col_int64(s, 0);
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	int failed = !s;
	for (int i = 0; i < n && !failed; i++)
		failed = db_begin_write(d, &e) < 0 || cv_alerts_schedule(d, tenants[i], day, 0, &e) < 0 || db_commit(d, &e) < 0;
	if (failed) {
		db_rollback(d);
		fprintf(stderr, "opale conventions : %s\n", e.msg);
	} else {
		printf("%d collectivité(s)\n", n);
	}
	return failed ? 1 : 0;
}
OPALE_COMMAND(conventions, "conventions", cmd_conventions, "conventions alertes [--date AAAA-MM-JJ]",
	      "registre des conventions : lance le calcul et l'envoi des alertes du jour");
