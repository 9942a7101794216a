/* mail: sending e-mail over SMTP with libcurl (multipart/alternative text + HTML, attachments).
 * Callers do not send directly from a request: they enqueue a "mail.send" job (durable, retried);
 * the job handler calls mail_send. */
#ifndef OPALE_MAIL_H
#define OPALE_MAIL_H
#include <stddef.h>

#include "core/err.h"

struct mail_attachment {
	const char *path;       /* file on disk (streamed, never loaded whole) */
	const char *name;       /* file name shown to the recipient */
	const char *ctype;      /* e.g. "application/pdf", "text/calendar; method=REQUEST" */
};

struct mail {
	const char *from;       /* "Opale <opale@example.fr>"; default cfg.smtp_from */
	const char *to;         /* one recipient address */
	const char *subject;    /* UTF-8; encoded per RFC 2047 */
	const char *text;       /* plain text body (required) */
	const char *html;       /* optional HTML alternative */
	const struct mail_attachment *att;
	int natt;
	const char *message_id; /* optional, "<id@host>" */
};

/* Sends through smtp_url (NULL → cfg.smtp_url). On failure e carries the SMTP reason; e->status is
 * 550 for a permanent refusal of the recipient (do not retry), 503 for a transient failure. */
int mail_send(const struct mail *m, const char *smtp_url, struct err *e);
/* Minimal syntactic check of an address (local@domain, no spaces or angle brackets). */
int mail_address_valid(const char *addr);

#endif
