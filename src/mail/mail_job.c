/* mail_job: the "mail.send" job — one message, sent through SMTP by a worker. Payload:
 * {"to":…, "subject":…, "text":…, "html":…?, "attachments":[{"sha256":…, "name":…, "ctype":…}]?}
 * A refused recipient is a permanent failure (dead at once, reason kept); anything else is retried. */
#include "jobs/jobs.h"
#include "http/metrics.h"
#include "mail/mail.h"
#include "store/store.h"

#include <jansson.h>
#include <stdatomic.h>
#include <string.h>

/* SMTP outcomes of this process: sent, temporary failure (retried), refused (dead). */
static atomic_ullong outcomes[3];

static int send_job(db *d, const struct job *j, struct err *e)
{
	(void)d;
	json_error_t je;
	json_t *p = json_loads(j->payload, 0, &je);
	if (!p) {
		err_set(e, 400, "mail.charge", "Tâche de courriel illisible : %s.", je.text);
		return JOB_DEAD;
	}
	struct mail_attachment att[16];
	char paths[16][1200];
	int natt = 0;
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(p, "attachments"), i, a) {
		if (natt >= 16 || store_path(json_string_value(json_object_get(a, "sha256")), paths[natt], sizeof paths[0]) < 0)
			continue;
		att[natt] = (struct mail_attachment){ paths[natt], json_string_value(json_object_get(a, "name")),
						      json_string_value(json_object_get(a, "ctype")) };
		natt++;
	}
	struct mail m = { .to = json_string_value(json_object_get(p, "to")),
			  .subject = json_string_value(json_object_get(p, "subject")),
			  .text = json_string_value(json_object_get(p, "text")),
			  .html = json_string_value(json_object_get(p, "html")),
			  .message_id = json_string_value(json_object_get(p, "message_id")), .att = att, .natt = natt };
	int rc = mail_send(&m, NULL, e);
	json_decref(p);
	atomic_fetch_add(&outcomes[rc == 0 ? 0 : e->status == 550 ? 2 : 1], 1);
	if (rc == 0)
		return 0;
	return e->status == 550 ? JOB_DEAD : JOB_RETRY;
}
OPALE_JOB_KIND(mail_send, "mail.send", send_job, JOB_NO_TX, 10, 300);

/* /metrics: what this node's SMTP attempts gave since it started, and the queue (all nodes). */
static void mail_metrics(buf *out)
{
	buf_printf(out, "# HELP opale_mail_attempts_total SMTP attempts by this node since it started, by outcome (refused: the server "
			"rejected the message or recipient for good).\n# TYPE opale_mail_attempts_total counter\n"
			"opale_mail_attempts_total{outcome=\"sent\"} %llu\nopale_mail_attempts_total{outcome=\"retry\"} %llu\n"
			"opale_mail_attempts_total{outcome=\"refused\"} %llu\n",
		   (unsigned long long)atomic_load(&outcomes[0]), (unsigned long long)atomic_load(&outcomes[1]),
		   (unsigned long long)atomic_load(&outcomes[2]));
	static const char *const states[] = { "queued", "running", "done", "dead", NULL };
	db_metrics_states(out, "opale_mail_queue", "E-mails in the durable queue by state (done ones are purged after a while).",
			  "SELECT state, COUNT(*) FROM jobs WHERE kind = 'mail.send' GROUP BY state", states);
}
static void mail_metrics_reg(void) __attribute__((constructor));
static void mail_metrics_reg(void) { metrics_register(mail_metrics); }
