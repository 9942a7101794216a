/* files: the Hélios files of a collectivité in the database — each PES_Aller imported (blob, identifiers,
 * bordereaux, totals, check result), its state (importé → en signature → signé → transmis → acquitté /
 * refusé), the PES_Acquit and PES_Retour received and linked to it, its history. Every function takes
 * the tenant: all SQL is tenant-scoped. Functions that write join the caller's transaction, or open
 * their own when there is none. */
#ifndef OPALE_HELIOS_FILES_H
#define OPALE_HELIOS_FILES_H
#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "helios/helios.h"
#include "tdt/tdt.h"

/* States, as stored. */
#define HF_IMPORTE "importe"
#define HF_EN_SIGNATURE "en_signature"
#define HF_SIGNE "signe"
#define HF_TRANSMIS "transmis"
#define HF_ACQUITTE "acquitte"
#define HF_REFUSE "refuse"
/* French label of a state ("importé"…); the key itself when unknown. */
const char *hf_state_label(const char *state);

/* What the collectivité is known by at the treasury (tenant settings; "" = not checked). The IdColl's
 * SIREN is always checked against the collectivité's. */
struct hf_settings { char idpost[8], codcol[4], codbud[4]; };
int hf_settings_get(db *d, int64_t tenant, struct hf_settings *s, struct err *e);
int hf_settings_set(db *d, int64_t tenant, const struct hf_settings *s, struct err *e);
/* The collectivité's own TdT account for Hélios (a separate S2LOW account): address and login as
 * stored, has_password when a password is kept (sealed; never given back). */
struct hf_tdt { char url[512], login[128]; int has_password; };
int hf_tdt_get(db *d, int64_t tenant, struct hf_tdt *t, struct err *e);
/* Sets it (NULL keeps a field; password "" forgets it; url "" falls back to the @ctes account).
 * 400 helios.tdt_url / helios.tdt_login / helios.tdt_password. */
int hf_tdt_set(db *d, int64_t tenant, const char *url, const char *login, const char *password, struct err *e);
/* The TdT connection for the collectivité's PES: the @ctes one (actes_db_cl: actes_settings over the
 * server's tdt_* settings), with the Hélios account's address, login and password when set. */
int hf_tdt_conf(db *d, int64_t tenant, struct tdt_conf *conf, struct err *e);

/* Checks a PES file the way the import does: schema, business rules, the tenant's identifiers.
 * Returns 0 when the check ran (rep->errors says whether it is acceptable), -1 when it could not. */
int hf_check(db *d, int64_t tenant, const char *path, struct pes_report *rep, struct err *e);

/* Imports the PES_Aller at path (an upload already hashed: sha256, size; the temp file is moved into
 * the store). Refused (-1): not a PES_Aller (415 helios.type), errors (422 pes.non_conforme: rep holds
 * them), imported before (409 helios.doublon, *id = that file), signatures present but invalid or on
 * part of the bordereaux (422 helios.signature). A file whose every bordereau carries a valid
 * signature starts in state « signé ». rep is filled whenever the check ran (free it). */
int hf_import(db *d, int64_t tenant, int64_t user, const char *path, const char *name, const char *sha256, uint64_t size,
	      struct pes_report *rep, int64_t *id, struct err *e);

/* Description of a file (fields, bordereaux, warnings, history, answers) as JSON; NULL + 404. */
json_t *hf_json(db *d, int64_t tenant, int64_t id, struct err *e);
/* Files, newest first, filtered by state and exercice (NULL/0 = all); at most limit. */
json_t *hf_list(db *d, int64_t tenant, const char *state, int64_t exercice, int limit, struct err *e);
/* PES_Retour received (with the file they were linked to, if any), newest first. */
json_t *hf_retours(db *d, int64_t tenant, int limit, struct err *e);
/* Blob of the file: the signed version when there is one and signed is set, else the imported one.
 * Fills sha (65) and a download name; 404 when unknown. */
int hf_blob(db *d, int64_t tenant, int64_t id, int signed_, char sha[65], char *name, size_t n, struct err *e);
/* Blob of a received acquittal or retour. */
int hf_answer_blob(db *d, int64_t tenant, int64_t id, char sha[65], char *name, size_t n, struct err *e);

/* Reads a PES_Acquit or PES_Retour (upload or TdT), stores it and links it to its file: by NomFic,
 * else by the bordereaux it names, among the tenant's files with the same IdColl/CodCol/CodBud. An
 * acquittal moves the file to « acquitté » (every element accepted) or « refusé ». A retour that
 * matches no file is kept unlinked. Refused: not an acquittal nor a retour (415 helios.type), other
 * collectivité (422 helios.idcoll), acquittal of no known file (422 helios.acquit_orphelin), received
 * before (409 helios.doublon). source: "manuel" or "tdt". */
int hf_answer_import(db *d, int64_t tenant, int64_t user, const char *path, const char *name, const char *sha256, uint64_t size,
		     const char *source, int64_t *answer_id, int64_t *file_id, struct err *e);

/* « Envoyer en signature »: creates a parapheur folder (sub-type of a type of protocol HELIOS: subtype,
 * or the only one when 0) with the PES as main document, emitted by desk (or the user's first desk
 * when 0), starts it, and moves the file to « en signature ». */
int hf_send_to_signature(db *d, int64_t tenant, int64_t user, int64_t id, int64_t subtype, int64_t desk, int64_t *folder,
			 struct err *e);
/* A PES signed elsewhere, for a file not yet signed: the same file (NomFic, identifiers, bordereaux
 * and amounts) with a valid signature on every bordereau (or on the whole PES_Aller). Moves it to
 * « signé ». */
int hf_signed_upload(db *d, int64_t tenant, int64_t user, int64_t id, const char *path, const char *sha256, uint64_t size,
		     struct err *e);

/* « Transmettre »: a « signé » file is queued for the TdT (job helios.envoi); it becomes « transmis »
 * when the TdT has it, then « acquitté » / « refusé » when its PES_Acquit comes back (helios.suivi).
 * 409 helios.etat (not signed), helios.transmission_en_cours. See tdt.c. */
int hf_transmit(db *d, int64_t tenant, int64_t user, int64_t id, struct err *e);

/* State change with the history line: from the current state to `to` when the current one is in
 * `from` (comma-separated; NULL = any), else 409 helios.etat. */
int hf_transition(db *d, int64_t tenant, int64_t id, const char *from, const char *to, int64_t user, const char *action,
		  const char *detail, struct err *e);
/* A history line without state change. */
int hf_event(db *d, int64_t tenant, int64_t id, int64_t user, const char *action, const char *detail, struct err *e);

/* Internal to the module (files.c, signature.c, tdt.c). */
/* Signature state of a PES file: 0 unsigned, 1 every bordereau (or the PES_Aller) signed and valid,
 * -1 + 422 helios.signature (invalid, or part of the bordereaux signed). */
int hf_signature_state(const char *path, struct err *e);
/* 0 when the PES at path is file id (NomFic, identifiers, bordereaux, amounts), else 422. */
int hf_same_content(db *d, int64_t tenant, int64_t id, const char *path, struct err *e);
int hf_set_signed(db *d, int64_t tenant, int64_t id, const char *sha256, struct err *e);
int hf_set_folder(db *d, int64_t tenant, int64_t id, int64_t folder, struct err *e);
/* Runs sql, a SELECT of PES file id ($2), and returns its row to read and finalize: NULL with e on
 * failure, 404 helios.inconnu when there is no such file. */
db_stmt *hf_row(db *d, int64_t tenant, int64_t id, const char *sql, struct err *e);

#endif
