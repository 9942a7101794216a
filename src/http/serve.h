/* serve: modules that need start-up/shutdown work in `opale serve` (database, job workers, identity
 * hooks) register a hook from a constructor; hooks start in registration order reversed. */
#ifndef OPALE_SERVE_H
#define OPALE_SERVE_H
#include "core/err.h"

struct serve_hook {
	const char *name;
	int (*start)(struct err *e);   /* after configuration is loaded; cfg is valid */
	void (*stop)(void);            /* after HTTP has stopped */
	struct serve_hook *next;
};
void serve_add_hook(struct serve_hook *h);

#endif
