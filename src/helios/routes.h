/* routes: helpers shared by the Hélios API and pages (routes_api.c, routes_pages.c). */
#ifndef OPALE_HELIOS_ROUTES_H
#define OPALE_HELIOS_ROUTES_H
#include <jansson.h>
#include <stdint.h>

#include "helios/helios.h"
#include "http/http.h"

#define HF_WRITERS (ROLE_AGENT | ROLE_ADMIN)
#define HF_READERS (ROLE_AGENT | ROLE_ADMIN | ROLE_AUDITOR)

/* The uploaded file: field « fichier », else the first (or the raw body). */
const struct upload *hf_req_file(struct req *r);
/* Its name: ?nom=, else the client's file name, else def. */
const char *hf_req_name(struct req *r, const struct upload *u, const char *def);
/* The check's findings as a JSON array [{gravite, code, dgfip, ligne, chemin, message}]. */
json_t *hf_issues_json(const struct pes_report *rep);
/* Answers the « visuel PES » of file id: format "html" (a page) or anything else (PDF download). */
int hf_visuel(struct req *r, int64_t id, const char *format);

#endif
