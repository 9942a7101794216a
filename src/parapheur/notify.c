/* notify: e-mail notifications of the parapheur, all through the durable job queue.
 * - a folder arriving on a desk (a task opens, or an opinion is asked) → its owners, and the owners
 *   of the desk holding its delegation at that moment;
 * - a rejection → the folder's creator and the owners of the emitting desk, with the public reason;
 * - a daily digest of late folders (due date passed, still waiting) → every owner of a desk holding
 *   one, at 07:00 Paris time: the job "parapheur.retards" re-schedules itself for the next day, and
 *   `opale serve` makes sure one is scheduled when it starts.
 * The request only enqueues a "parapheur.notification" job in its own transaction; that job (JOB_TX)
 * composes the messages and enqueues one "mail.send" per recipient, with idempotency keys. */
#include "parapheur/parapheur.h"
#include "core/cli.h"
#include "core/config.h"
#include "core/dates.h"
#include "db/tenant.h"
#include "http/serve.h"
#include "identity/identity.h"
#include "jobs/jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIGEST_HOUR 7

static int was_waiting(const struct wf_folder *f, int64_t desk)
{
	if (f->status != FOLDER_PENDING)
		return 0;
	for (int i = 0; i < f->ntasks; i++) {
		const struct wf_task *t = &f->tasks[i];
		if ((t->state == TASK_CURRENT && t->desk == desk) || (t->state == TASK_SECONDED && t->opinion_desk == desk))
			return 1;
	}
	return 0;
}

static int enqueue(db *d, int64_t tenant, json_t *payload, const char *key, struct err *e)
{
	char *txt = json_dumps(payload, JSON_COMPACT);
	json_decref(payload);
	int rc = jobs_enqueue(d, "parapheur.notification", txt, key, tenant, 0, NULL, e);
	free(txt);
	return rc;
}

int pa_notify_changes(db *d, int64_t tenant, int64_t folder, const struct wf_folder *before, const struct wf_folder *after,
		      struct err *e)
{
	char key[128];
	if (after->status == FOLDER_PENDING) {
		for (int i = 0; i < after->ntasks; i++) {
			const struct wf_task *t = &after->tasks[i];
			int64_t desk = t->state == TASK_CURRENT ? t->desk : t->state == TASK_SECONDED ? t->opinion_desk : 0;
			if (!desk || was_waiting(before, desk))
				continue;
			snprintf(key, sizeof key, "pa.nouveau:%lld:%lld:%lld", (long long)folder, (long long)desk, (long long)after->version);
			if (enqueue(d, tenant, json_pack("{s:s,s:I,s:I,s:b}", "type", "nouveau", "dossier", (json_int_t)folder, "bureau",
							 (json_int_t)desk, "avis", t->state == TASK_SECONDED),
				    key, e) < 0)
				return -1;
		}
	}
	/* Steps that just opened: their informed desks hear of it. */
	for (int st = 0; after->status == FOLDER_PENDING && st < after->circuit.nsteps; st++) {
		int open_now = 0, open_before = 0;
		for (int i = 0; i < after->ntasks; i++)
			open_now |= after->tasks[i].step == st && (after->tasks[i].state == TASK_CURRENT || after->tasks[i].state == TASK_SECONDED);
		for (int i = 0; before->status == FOLDER_PENDING && i < before->ntasks; i++)
			open_before |= before->tasks[i].step == st && (before->tasks[i].state == TASK_CURRENT || before->tasks[i].state == TASK_SECONDED);
		if (!open_now || open_before)
			continue;
		const struct wf_step *s = &after->circuit.steps[st];
		for (int k = 0; k < s->nnotified; k++) {
			snprintf(key, sizeof key, "pa.info:%lld:%d:%lld:%lld", (long long)folder, st, (long long)s->notified[k], (long long)after->version);
			if (enqueue(d, tenant, json_pack("{s:s,s:I,s:I,s:i}", "type", "information", "dossier", (json_int_t)folder, "bureau",
							 (json_int_t)s->notified[k], "etape", st), key, e) < 0)
				return -1;
		}
	}
	if (after->status == FOLDER_REJECTED && before->status == FOLDER_PENDING) {
		snprintf(key, sizeof key, "pa.rejet:%lld:%lld", (long long)folder, (long long)after->version);
		if (enqueue(d, tenant, json_pack("{s:s,s:I}", "type", "rejet", "dossier", (json_int_t)folder), key, e) < 0)
			return -1;
	}
	return 0;
}

/* ---- composing ------------------------------------------------------------------------------ */

static int mail(db *d, int64_t tenant, const char *to, const char *subject, const char *text, const char *key, struct err *e)
{
	json_t *p = json_pack("{s:s,s:s,s:s}", "to", to, "subject", subject, "text", text);
	char *txt = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	int rc = jobs_enqueue(d, "mail.send", txt, key, tenant, 0, NULL, e);
	free(txt);
	return rc;
}

static const char *fr_date(int64_t t, char out[40])
{
	struct paris_time p;
	if (!t || paris_from_utc(t, &p, NULL) < 0)
		snprintf(out, 40, "sans échéance");
	else
		snprintf(out, 40, "%02d/%02d/%04d", p.date.d, p.date.m, p.date.y);
	return out;
}

/* Recipients for a desk: its owners and, when a delegation runs now, the delegate desk's owners.
 * Appends {id, email, nom} objects to out, without duplicates. */
static void add_user(json_t *out, int64_t id, const char *email, const char *name)
{
	size_t i;
	json_t *u;
	if (!email || !*email)
		return;
	json_array_foreach(out, i, u) if (json_integer_value(json_object_get(u, "id")) == id) return;
	json_array_append_new(out, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "email", email, "nom", name));
}

static void desk_owners(db *d, int64_t tenant, int64_t desk, json_t *out, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT u.id, u.email, u.first_name || ' ' || u.last_name FROM desk_owners o"
						  " JOIN users u ON u.id = o.user_id WHERE o.tenant_id = $1 AND o.desk_id = $2 AND u.disabled = 0"
						  " ORDER BY u.id", "i", desk);
	while (s && rc == DB_ROW) {
		add_user(out, db_col_int64(s, 0), db_col_text(s, 1), db_col_text(s, 2));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
}

static int notification(db *d, const struct job *j, struct err *e)
{
	json_t *p = json_loads(j->payload, 0, NULL);
	const char *type = json_string_value(json_object_get(p, "type"));
	int64_t folder = json_integer_value(json_object_get(p, "dossier")), desk = json_integer_value(json_object_get(p, "bureau"));
	int64_t tenant = j->tenant_id;
	int rc;
	char title[512] = "", due[40], desk_name[256] = "", reason[600] = "", who[256] = "";
	int64_t due_at = 0, creator = 0, emitter = 0;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT title, due_at, creator, emitter_desk FROM folders WHERE tenant_id = $1 AND id = $2",
			       "i", folder);
	if (s && rc == DB_ROW) {
		snprintf(title, sizeof title, "%s", db_col_text(s, 0));
		due_at = db_col_int64(s, 1);
		creator = db_col_int64(s, 2);
		emitter = db_col_int64(s, 3);
	}
	if (s)
		db_finalize(s);
	if (!*title || !type) {
		json_decref(p);
		return 0;  /* folder gone: nothing to say */
	}
	json_t *to = json_array();
	buf text = BUF_INIT, subject = BUF_INIT;
	const char *url = cfg.public_url;
	if (strcmp(type, "nouveau") == 0) {
		s = tdb_query(d, tenant, e, &rc, "SELECT name FROM desks WHERE tenant_id = $1 AND id = $2", "i", desk);
		if (s && rc == DB_ROW)
			snprintf(desk_name, sizeof desk_name, "%s", db_col_text(s, 0));
		if (s)
			db_finalize(s);
		desk_owners(d, tenant, desk, to, e);
		s = tdb_query(d, tenant, e, &rc, "SELECT to_desk_id FROM delegations WHERE tenant_id = $1 AND desk_id = $2 AND starts_at <= $3"
						 " AND ends_at > $3 AND (type_id = 0 OR type_id = (SELECT st.type_id FROM folders f"
						 " JOIN folder_subtypes st ON st.id = f.subtype_id WHERE f.id = $4)) ORDER BY id DESC LIMIT 1",
			      "iii", desk, identity_now(), folder);
		int64_t deleg = s && rc == DB_ROW ? db_col_int64(s, 0) : 0;
		if (s)
			db_finalize(s);
		if (deleg)
			desk_owners(d, tenant, deleg, to, e);
		int opinion = json_is_true(json_object_get(p, "avis"));
		buf_printf(&subject, "Parapheur : %s « %s »", opinion ? "avis demandé sur" : "nouveau dossier à traiter,", title);
		buf_printf(&text, "Bonjour,\n\nLe dossier « %s » %s le bureau « %s ».\nÉchéance : %s.\n\nPour l'ouvrir : %s/parapheur/dossiers/%lld\n",
			   title, opinion ? "attend l'avis complémentaire du bureau" : "est arrivé dans la bannette « À traiter » du bureau",
			   desk_name, fr_date(due_at, due), url, (long long)folder);
	} else if (strcmp(type, "information") == 0) {
		s = tdb_query(d, tenant, e, &rc, "SELECT name FROM desks WHERE tenant_id = $1 AND id = $2", "i", desk);
		if (s && rc == DB_ROW)
			snprintf(desk_name, sizeof desk_name, "%s", db_col_text(s, 0));
		if (s)
			db_finalize(s);
		desk_owners(d, tenant, desk, to, e);
		buf_printf(&subject, "Parapheur : pour information, « %s »", title);
		buf_printf(&text, "Bonjour,\n\nPour information du bureau « %s » : le dossier « %s » est arrivé à l'étape %d de son circuit.\n"
				  "Aucune action n'est attendue de vous.\n\nPour le consulter : %s/parapheur/dossiers/%lld\n",
			   desk_name, title, (int)json_integer_value(json_object_get(p, "etape")) + 1, url, (long long)folder);
	} else if (strcmp(type, "rejet") == 0) {
		s = tdb_query(d, tenant, e, &rc, "SELECT v.annotation, COALESCE(u.first_name || ' ' || u.last_name, ''), COALESCE(k.name, '')"
						 " FROM folder_events v LEFT JOIN users u ON u.id = v.user_id LEFT JOIN desks k ON k.id = v.desk_id"
						 " WHERE v.tenant_id = $1 AND v.folder_id = $2 AND v.action = 'rejet' ORDER BY v.id DESC LIMIT 1",
			      "i", folder);
		if (s && rc == DB_ROW) {
			snprintf(reason, sizeof reason, "%s", db_col_text(s, 0));
			snprintf(who, sizeof who, "%s", db_col_text(s, 1));
			snprintf(desk_name, sizeof desk_name, "%s", db_col_text(s, 2));
		}
		if (s)
			db_finalize(s);
		s = tdb_query(d, tenant, e, &rc, "SELECT u.id, u.email, u.first_name || ' ' || u.last_name FROM users u"
						 " JOIN memberships m ON m.user_id = u.id WHERE m.tenant_id = $1 AND u.id = $2", "i", creator);
		if (s && rc == DB_ROW)
			add_user(to, db_col_int64(s, 0), db_col_text(s, 1), db_col_text(s, 2));
		if (s)
			db_finalize(s);
		desk_owners(d, tenant, emitter, to, e);
		buf_printf(&subject, "Parapheur : dossier rejeté « %s »", title);
		buf_printf(&text, "Bonjour,\n\nLe dossier « %s » a été rejeté par %s (bureau « %s »).\n\nMotif : %s\n\nPour l'ouvrir : %s/parapheur/dossiers/%lld\n",
			   title, *who ? who : "un signataire", desk_name, reason, url, (long long)folder);
	}
	size_t i;
	json_t *u;
	int out = 0;
	json_array_foreach(to, i, u) {
		char key[160];
		snprintf(key, sizeof key, "pa.mail:%lld:%lld", (long long)j->id, (long long)json_integer_value(json_object_get(u, "id")));
		if (mail(d, tenant, json_string_value(json_object_get(u, "email")), subject.data, text.data, key, e) < 0) {
			out = JOB_RETRY;
			break;
		}
	}
	buf_free(&text);
	buf_free(&subject);
	json_decref(to);
	json_decref(p);
	return out;
}
OPALE_JOB_KIND(pa_notification, "parapheur.notification", notification, JOB_TX, 5, 120);

/* ---- daily digest of late folders ----------------------------------------------------------- */

/* Next DIGEST_HOUR:00 Paris strictly after now; day (YYYY-MM-DD) receives its date. */
static int64_t next_digest(int64_t now, char day[11])
{
	struct paris_time p;
	if (paris_from_utc(now, &p, NULL) < 0)
		return now + 86400;
	struct paris_time at = { .date = p.date, .hh = DIGEST_HOUR };
	int64_t t;
	if (paris_to_utc(&at, PARIS_EARLIER, &t, NULL, NULL) < 0 || t <= now) {
		at.date = date_add_days(p.date, 1);
		if (paris_to_utc(&at, PARIS_EARLIER, &t, NULL, NULL) < 0)
			t = now + 86400;
	}
	date_format(at.date, day);
	return t;
}

int pa_digest_schedule(db *d, int64_t now, struct err *e)
{
	char day[11], key[64];
	int64_t at = next_digest(now, day);
	snprintf(key, sizeof key, "parapheur.retards:%s", day);
	return jobs_enqueue(d, "parapheur.retards", "{}", key, 0, at, NULL, e);
}

/* One mail per (collectivité, user) listing the late folders of every desk they own. */
static int digest_tenant(db *d, int64_t tenant, int64_t now, int64_t job, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT u.id, u.email, k.name, f.id, f.title, f.due_at FROM folder_pending p"
			       " JOIN folders f ON f.id = p.folder_id JOIN desks k ON k.id = p.desk_id"
			       " JOIN desk_owners o ON o.desk_id = p.desk_id JOIN users u ON u.id = o.user_id"
			       " WHERE p.tenant_id = $1 AND f.due_at > 0 AND f.due_at < $2 AND u.disabled = 0 AND u.email <> ''"
			       " ORDER BY u.id, f.due_at, f.id", "i", now);
	if (!s)
		return -1;
	int64_t cur = 0;
	char email[256] = "";
	int n = 0, bad = 0;
	buf text = BUF_INIT;
	for (;;) {
		int row = rc == DB_ROW;
		int64_t uid = row ? db_col_int64(s, 0) : 0;
		if (cur && uid != cur) {
			char key[128], subj[128];
			buf_printf(&text, "\nCe récapitulatif est envoyé chaque matin tant que des dossiers sont en retard.\n");
			snprintf(key, sizeof key, "pa.retards:%lld:%lld", (long long)job, (long long)cur);
			snprintf(subj, sizeof subj, "Parapheur : %d dossier%s en retard", n, n > 1 ? "s" : "");
			if (!bad && mail(d, tenant, email, subj, text.data, key, e) < 0)
				bad = 1;
			buf_reset(&text);
			n = 0;
		}
		if (!row)
			break;
		if (uid != cur) {
			cur = uid;
			snprintf(email, sizeof email, "%s", db_col_text(s, 1));
			buf_printf(&text, "Bonjour,\n\nCes dossiers attendent une action de vos bureaux et ont dépassé leur échéance :\n\n");
		}
		char due[40];
		buf_printf(&text, "- « %s » (bureau « %s », échéance %s) : %s/parapheur/dossiers/%lld\n", db_col_text(s, 4), db_col_text(s, 2),
			   fr_date(db_col_int64(s, 5), due), cfg.public_url, (long long)db_col_int64(s, 3));
		n++;
		rc = db_step(s, e);
	}
	db_finalize(s);
	buf_free(&text);
	return bad ? -1 : 0;
}

static int digest(db *d, const struct job *j, struct err *e)
{
	int64_t now = identity_now();
	int rc;
	/* The one query across collectivités: which of them have late folders (then each is read
	 * through the tenant layer). */
	db_stmt *s = db_query(d, e, &rc, "SELECT DISTINCT f.tenant_id FROM folders f WHERE f.status = 'en_cours' AND f.due_at > 0"
					 " AND f.due_at < $1 ORDER BY f.tenant_id", "i", now);
	if (!s)
		return JOB_RETRY;
	int64_t tenants[4096];
	int n = 0;
	while (rc == DB_ROW && n < 4096) {
		tenants[n++] = db_col_int64(s, 0);
		rc = db_step(s, e);
	}
	db_finalize(s);
	for (int i = 0; i < n; i++)
		if (digest_tenant(d, tenants[i], now, j->id, e) < 0)
			return JOB_RETRY;
	json_t *p = json_loads(j->payload, 0, NULL);
	int manual = json_is_true(json_object_get(p, "manuel"));
	json_decref(p);
	if (!manual && pa_digest_schedule(d, now, e) < 0)
		return JOB_RETRY;
	return 0;
}
OPALE_JOB_KIND(pa_digest, "parapheur.retards", digest, JOB_TX, 5, 600);

/* `opale serve` schedules the next digest when none is (idempotency key of the day). */
static int serve_start(struct err *e)
{
	db *d = db_thread(e);
	if (!d)
		return -1;
	if (db_begin_write(d, e) < 0 || pa_digest_schedule(d, identity_now(), e) < 0 || db_commit(d, e) < 0) {
		db_rollback(d);
		return -1;
	}
	return 0;
}
static struct serve_hook hook = { "parapheur", serve_start, NULL, NULL };
/* Registered before the jobs hook (200) so that it starts after the database and the workers. */
static void reg(void) __attribute__((constructor(150)));
static void reg(void) { serve_add_hook(&hook); }

/* opale parapheur retards: sends the digest of late folders now (the running server's workers do it). */
static int cmd_parapheur(int argc, char **argv)
{
	const char *pos[2];
	static const char *const wv[] = { "data", "db", NULL };
	int np = cli_positionals(argc, argv, wv, pos, 2);
	if (np < 1 || strcmp(pos[0], "retards") != 0) {
		fprintf(stderr, "usage : opale parapheur retards --data DIR [--db URL]\n");
		return 2;
	}
	struct err e = { 0 };
	if (config_load(argc, argv, &e) < 0 || db_configure(cfg.data_dir, cfg.db_url, &e) < 0) {
		fprintf(stderr, "opale parapheur : %s\n", e.msg);
		return 2;
	}
	db *d = db_thread(&e);
	char key[64];
	snprintf(key, sizeof key, "parapheur.retards:manuel:%lld", (long long)identity_now());
	int64_t id = 0;
	if (!d || db_begin_write(d, &e) < 0 || jobs_enqueue(d, "parapheur.retards", "{\"manuel\":true}", key, 0, 0, &id, &e) < 0 ||
	    db_commit(d, &e) < 0) {
		if (d)
			db_rollback(d);
		fprintf(stderr, "opale parapheur : %s\n", e.msg);
		return 1;
	}
	printf("%lld\n", (long long)id);
	return 0;
}
OPALE_COMMAND(parapheur, "parapheur", cmd_parapheur, "opale parapheur retards --data DIR [--db URL]",
	      "Parapheur : envoie maintenant le récapitulatif des dossiers en retard");
