/* store: the document store — content-addressed blobs under DATA/blobs/ab/cd/<sha256>, written
 * atomically (tmp + fsync + rename), deduplicated, MIME detected with libmagic, PDFs checked to be
 * real, undamaged PDFs. Names are always 64 hex digits: no path from outside ever reaches the disk. */
#ifndef OPALE_STORE_H
#define OPALE_STORE_H
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "db/db.h"

/* Sets the data directory (blobs under DIR/blobs). Called by serve and CLI commands. */
void store_init(const char *data_dir);

/* Moves an already hashed temp file (an upload) into the store; removes the temp file when the blob
 * already exists. mime_out (≥ 128 bytes, may be NULL) receives the detected type. */
int store_put_file(const char *tmp_path, const char sha256[65], char *mime_out, struct err *e);
/* Stores bytes; sha_out receives the hex digest. */
int store_put_mem(const void *data, size_t len, char sha_out[65], struct err *e);
/* Streaming writer: hashes while writing to DIR/blobs/tmp, then finishes atomically. */
typedef struct store_writer store_writer;
store_writer *store_writer_new(struct err *e);
int store_writer_write(store_writer *w, const void *data, size_t len, struct err *e);
int store_writer_finish(store_writer *w, char sha_out[65], struct err *e);   /* frees w */
void store_writer_abort(store_writer *w);
/* Path of a blob (out ≥ 1200 bytes); -1 when sha is not 64 hex digits. */
int store_path(const char *sha256, char *out, size_t n);
int store_exists(const char *sha256);
/* Opens a blob read-only: fd ≥ 0, or -1 (document.empreinte 400 for a bad name, document.inconnu 404). */
int store_open(const char *sha256, struct err *e);
/* Re-hashes a blob: 0 when intact, document.altere when the bytes on disk no longer match. */
int store_verify(const char *sha256, struct err *e);
/* Indexes a blob in the blobs table (no-op when present); in the caller's transaction if any. */
int store_record(db *d, const char *sha256, uint64_t size, const char *mime, struct err *e);
/* Hashes a file (hex SHA-256); -1 on read error. */
int store_hash_file(const char *path, char out[65], uint64_t *size);

/* libmagic MIME type of a file (thread-safe: one handle per thread). */
int store_mime(const char *path, char *out, size_t n);
/* Checks a file is a PDF: "%PDF-" header, "%%EOF" in its last 1024 bytes, read by qpdf without
 * repair (recovery off), page tree readable, not encrypted: 0, or -1 with
 * document.pdf_invalide / document.pdf_chiffre and a French reason. */
int store_check_pdf(const char *path, struct err *e);

/* A route handler for GET …/:id/documents/:doc: sends the blob that sql ("SELECT sha256, mime, name
 * … WHERE tenant_id = $1 AND <owner> = $2 AND id = $3") finds for the path's ids, under its type and
 * name; 404 « document.inconnu » when there is none. */
struct req;
int store_send_doc(struct req *r, const char *sql);

#endif
