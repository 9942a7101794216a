/* operator: the CDG's view of its collectivités — adhesion, set-up steps, assistance, activity. */
#ifndef OPALE_OPERATOR_H
#define OPALE_OPERATOR_H
#include <jansson.h>

#include "db/db.h"

/* Set-up steps of the convention (article 3), in order: key and French label. */
struct setup_step { const char *key, *label; };
extern const struct setup_step setup_steps[];

/* Everything the detail page and the report show about one collectivité (new reference). */
json_t *operator_collectivite_json(db *d, int64_t tenant, struct err *e);
/* Writes the « rapport de mise en place et bilan » PDF to path. */
int operator_report_pdf(db *d, int64_t tenant, const char *path, struct err *e);

#endif
