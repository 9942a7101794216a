/* courriers: the prefecture letters' inbox and the replies' uploads (courriers.c), shared by the
 * acts' API and pages. */
#ifndef OPALE_ACTES_COURRIERS_H
#define OPALE_ACTES_COURRIERS_H
#include <jansson.h>
#include <stdint.h>

#include "db/db.h"

struct req;
struct err;

/* Letters of a list from actes_db_courriers whose reply is due within ACTES_ALERTE_JOURS days. */
int actes_courriers_alertes(json_t *letters);
/* Answers the letter `message` from the request: field "envoi" (reponse | refus), files "document"
 * (one, or several for a 3-4), optional "types" (one typology code per file, in order; 99_AU by
 * default). Each file sniffed (PDF checked with qpdf, or JPEG, PNG, XML), stored, then actes_answer in
 * one transaction; audited. 0, or -1 with e. */
int actes_answer_request(struct req *r, db *d, int64_t message, struct err *e);

#endif
