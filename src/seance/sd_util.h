/* sd_util: small helpers shared by the séance storage, API and pages (JSON fields from forms or
 * API bodies, existence checks, Paris date formatting). Internal to src/seance. */
#ifndef OPALE_SD_UTIL_H
#define OPALE_SD_UTIL_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* String field, "" when missing or not a string. */
const char *sd_str(json_t *j, const char *k);
/* Integer field (JSON integer or decimal string), def when missing or malformed. */
int64_t sd_int(json_t *j, const char *k, int64_t def);
/* Boolean field: true, non-zero integer, "1", "on", "true", "oui". */
int sd_bool(json_t *j, const char *k);
/* 1 when the tenant-scoped sql ($2 = id) returns a row. */
int sd_exists(db *d, int64_t tenant, const char *sql, int64_t id);
/* "15/03/2024 18:30:05" Paris, "—" for 0. */
const char *sd_fmt_short(int64_t t, char *out, size_t n);

struct req;
/* Stores the uploaded files of a multipart request (fields type, point; files "document") as
 * documents of the séance; returns the number stored or -1 (e filled). */
int sd_upload_docs(struct req *r, db *d, int64_t seance, struct err *e);
/* Checks an uploaded file (what names it in messages): not empty, a PDF when pdf_only (415), a PDF
 * that qpdf accepts; mime (128 bytes) receives its type. */
struct upload;
int sd_file_check(const struct upload *u, const char *what, int pdf_only, char mime[128], struct err *e);
/* Stores an uploaded file as a document of the séance (sd_doc_add + the blob store). */
int sd_file_store(db *d, int64_t tenant, int64_t seance, int64_t point, const char *kind, const struct upload *u, const char *mime,
		  struct err *e);
/* POST /api/v1/seances in multipart (push.c): the part « seance » (JSON) and the files it references,
 * checked, then stored in one transaction; *id = the new séance. */
int sd_seance_push(struct req *r, db *d, int64_t *id, struct err *e);
/* The JSON object of an application/json body received on that upload route (bounded by max_body). */
json_t *sd_push_plain_json(struct req *r, struct err *e);
/* organe_nom → organe (id) in j when organe is not given; 400 seance.organe when unknown. */
int sd_push_organe(db *d, int64_t tenant, json_t *j, struct err *e);
/* Sends a document of the séance (download). */
int sd_send_doc(struct req *r, db *d, int64_t tenant, int64_t seance, int64_t doc);
/* Runs call inside a write transaction: 0, or -1 after the rollback. */
#define SD_IN_TX(d, e, call) (db_begin_write(d, e) == 0 && (call) == 0 && db_commit(d, e) == 0 ? 0 : (db_rollback(d), -1))

/* Callbacks of the séance routes for the generic action (http/action.h): the path's séance or
 * organe exists (404 seance.inconnue, organe.inconnu); the answer is the séance (sd_seance_json). */
struct act;
int sd_act_seance_known(struct act *a);
/* 0 when the tenant-scoped sql ($2 = id) finds a row, else 404 with code and msg in a->e. */
int sd_act_known(struct act *a, const char *sql, int64_t id, const char *code, const char *msg);
int sd_act_organe_known(struct act *a);
json_t *sd_act_seance(struct act *a);
/* A sending of convocations (send: sd_convoquer, sd_rectifier): a->made = the sending, audited as
 * « envoi N »; sd_act_envoi answers {"envoi", "convocations"}. */
int sd_act_send(struct act *a, int (*send)(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t now, int64_t *envoi, struct err *e));
json_t *sd_act_envoi(struct act *a);
/* The séance of the path (:id), checked: its id with *d, or 0 after the answer (404, 503). */
int64_t sd_seance_of(struct req *r, db **d);
/* Generates a PDF (gen, for the séance or the id it takes) to a temporary file and sends it as name
 * (the file goes once opened). */
int sd_send_generated(struct req *r, db *d, int64_t id, int (*gen)(db *d, int64_t tenant, int64_t id, const char *path, struct err *e),
		      const char *name);
/* The same for the checked séance of the path (sd_seance_of). */
int sd_send_seance_pdf(struct req *r, int (*gen)(db *d, int64_t tenant, int64_t id, const char *path, struct err *e), const char *name);
/* The séance's documents as a ZIP written to path. */
int sd_packet_zip(db *d, int64_t tenant, int64_t seance, const char *path, struct err *e);
/* Sends the packet ZIP (temporary file removed once opened). */
int sd_send_zip(struct req *r, db *d, int64_t tenant, int64_t seance);

#endif
