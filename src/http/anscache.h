/* anscache: answers of read routes kept in memory with the data version they were built at
 * (tdb_data_version: a counter per collectivité and domain raised by database triggers on every
 * write, whoever the writer). A request reads the version, is served the kept bytes when they were
 * built at that very version, else builds its answer and keeps it. The version lives in the database,
 * not here: job workers, the CLI and other nodes write without this process knowing (docs/performance.md,
 * « P2 »). Bounded (ANSCACHE_ENTRIES answers, ANSCACHE_BYTES bytes, the least recently used evicted),
 * thread-safe. Errors are never kept: only a handler's 200 answer is.
 *
 * Use, in a handler (see src/actes/routes_api.c, the acts list):
 *     buf key = BUF_INIT;  anscache_key(&key, "actes.list"); anscache_key(&key, etat); …
 *     if (tdb_data_version(d, r->tenant_id, "actes", &v, &e) < 0) …
 *     if (anscache_serve(r, r->tenant_id, &key, v)) → answered (200 from memory, or 304)
 *     … build the answer into r->out (status 200) …
 *     anscache_keep(r, r->tenant_id, &key, v);
 * The key must hold everything that changes the bytes besides the collectivité (route, normalised
 * parameters, and the user or roles when they change the answer). */
#ifndef OPALE_ANSCACHE_H
#define OPALE_ANSCACHE_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define ANSCACHE_ENTRIES 256
#define ANSCACHE_BYTES (16u << 20)      /* answers' bytes in all */
#define ANSCACHE_MAX_ANSWER (1u << 20)  /* a larger answer is not kept */

struct req;

/* Appends one part to a key, unambiguously (length-prefixed); NULL is kept as "". */
void anscache_key(buf *key, const char *part);
void anscache_key_int(buf *key, int64_t part);

/* 1 when the request was answered from memory: the body, type and status of the kept answer, its
 * ETag, or 304 without a body when If-None-Match names it. 0 when nothing is kept for (tenant, key)
 * at exactly this version. */
int anscache_serve(struct req *r, int64_t tenant, const buf *key, int64_t version);
/* Keeps the answer the handler built in r->out (only when its status is 200) as built at version,
 * and adds its ETag (and turns it into a 304 when If-None-Match names it). */
void anscache_keep(struct req *r, int64_t tenant, const buf *key, int64_t version);

/* Counters (also in /metrics as opale_answer_cache_*). */
struct anscache_stats {
	uint64_t hits, misses, stored, evicted;
	size_t entries, bytes;
};
void anscache_stats(struct anscache_stats *out);
/* Forgets everything (tests). */
void anscache_clear(void);

#endif
