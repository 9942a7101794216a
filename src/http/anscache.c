/* anscache: the answer cache (see anscache.h). A fixed table scanned under one mutex: with 256
 * entries the scan (hash compared first) costs less than the copy of a 23 KB answer, and two HTTP
 * threads rarely meet on the lock (the copy is the only work done while holding it). */
#include "http/anscache.h"
#include "http/http.h"
#include "http/metrics.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

struct entry {
	int used;
	int64_t tenant, version;
	uint64_t hash;          /* of tenant + key: compared before the key itself */
	char *key;
	size_t key_len;
	char *data;
	size_t len;
	const char *ctype;      /* a static string (the handler's r->ctype) */
	char etag[40];          /* names this kept answer: "\"<process nonce>-<store number>\"" */
	uint64_t last_used;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry table[ANSCACHE_ENTRIES];
static size_t total_bytes, n_entries;
static uint64_t tick, n_hits, n_misses, n_stored, n_evicted, nonce;

void anscache_key(buf *key, const char *part)
{
	if (!part)
		part = "";
	buf_printf(key, "%zu:", strlen(part));
	buf_puts(key, part);
	buf_putc(key, ';');
}

void anscache_key_int(buf *key, int64_t part) { buf_printf(key, "i%" PRId64 ";", part); }

static uint64_t hash_of(int64_t tenant, const buf *key)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)tenant;   /* FNV-1a */
	for (size_t i = 0; i < key->len; i++)
		h = (h ^ (unsigned char)key->data[i]) * 1099511628211ull;
	return h;
}

static struct entry *find(int64_t tenant, const buf *key, uint64_t h)
{
	for (size_t i = 0; i < ANSCACHE_ENTRIES; i++) {
		struct entry *x = &table[i];
		if (x->used && x->hash == h && x->tenant == tenant && x->key_len == key->len && memcmp(x->key, key->data, key->len) == 0)
			return x;
	}
	return NULL;
}

static void drop(struct entry *x)
{
	total_bytes -= x->len;
	n_entries--;
	free(x->key);
	free(x->data);
	memset(x, 0, sizeof *x);
}

/* The request names this ETag in If-None-Match ("*", or the tag among others, weak or not). */
static int not_modified(struct req *r, const char *etag)
{
	const char *inm = req_header(r, "If-None-Match");
	if (!inm)
		return 0;
	while (*inm == ' ')
		inm++;
	return strcmp(inm, "*") == 0 || strstr(inm, etag) != NULL;
}

/* The cache headers of a kept answer: its ETag; « private, no-cache »: the answer belongs to a
 * logged-in user and changes with every write, so a browser keeps it only to ask again with
 * If-None-Match, and a shared cache not at all. */
static void headers(struct req *r, const char *etag)
{
	res_header(r, "ETag", etag);
	res_header(r, "Cache-Control", "private, no-cache");
	if (not_modified(r, etag)) {
		buf_reset(&r->out);
		r->status = 304;
	}
}

int anscache_serve(struct req *r, int64_t tenant, const buf *key, int64_t version)
{
	uint64_t h = hash_of(tenant, key);
	char etag[40];
	pthread_mutex_lock(&lock);
	struct entry *x = find(tenant, key, h);
	if (!x || x->version != version) {
		n_misses++;
		pthread_mutex_unlock(&lock);
		return 0;
	}
	x->last_used = ++tick;
	n_hits++;
	buf_reset(&r->out);
	buf_add(&r->out, x->data, x->len);
	r->ctype = x->ctype;
	memcpy(etag, x->etag, sizeof etag);
	pthread_mutex_unlock(&lock);
	r->status = 200;
	headers(r, etag);
	return 1;
}

/* The ETag names one kept answer, not its bytes: a number given at each store, after a nonce drawn at
 * start-up (another process, or this one restarted, never names an answer the same way). A client's
 * If-None-Match therefore matches only while the very answer it received is still the one served,
 * i.e. while the collectivité's data version has not moved; hashing the bytes would cost more than
 * building a 50-row list. */
void anscache_keep(struct req *r, int64_t tenant, const buf *key, int64_t version)
{
	if (r->status != 200 || r->send_path || r->err.status)
		return;
	char etag[40] = "";
	size_t len = r->out.len;
	if (len <= ANSCACHE_MAX_ANSWER) {
		uint64_t h = hash_of(tenant, key);
		char *data = malloc(len ? len : 1), *k = malloc(key->len ? key->len : 1);
		if (data && k) {
			memcpy(data, r->out.data ? r->out.data : "", len);
			memcpy(k, key->data ? key->data : "", key->len);
			pthread_mutex_lock(&lock);
			struct entry *x = find(tenant, key, h);
			if (x && x->version > version) {
				/* a request that read a newer version already kept its answer: keep that one */
				pthread_mutex_unlock(&lock);
				free(data);
				free(k);
				goto out;
			}
			if (x)
				drop(x);
			/* room: evict the least recently used until one slot and the bytes are free */
			while (n_entries >= ANSCACHE_ENTRIES || total_bytes + len > ANSCACHE_BYTES) {
				struct entry *old = NULL;
				for (size_t i = 0; i < ANSCACHE_ENTRIES; i++)
					if (table[i].used && (!old || table[i].last_used < old->last_used))
						old = &table[i];
				if (!old)
					break;
				drop(old);
				n_evicted++;
			}
			x = NULL;
			for (size_t i = 0; i < ANSCACHE_ENTRIES && !x; i++)
				if (!table[i].used)
					x = &table[i];
			if (!x) {   /* cannot happen: the loop above freed a slot */
				pthread_mutex_unlock(&lock);
				free(data);
				free(k);
				goto out;
			}
			if (!nonce) {
				if (getrandom(&nonce, sizeof nonce, 0) != sizeof nonce)
					nonce = (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid();
				nonce |= 1;
			}
			*x = (struct entry){ .used = 1, .tenant = tenant, .version = version, .hash = h, .key = k, .key_len = key->len,
					     .data = data, .len = len, .ctype = r->ctype, .last_used = ++tick };
			n_stored++;
			snprintf(x->etag, sizeof x->etag, "\"%016" PRIx64 "-%" PRIx64 "\"", nonce, n_stored);
			memcpy(etag, x->etag, sizeof etag);
			total_bytes += len;
			n_entries++;
			pthread_mutex_unlock(&lock);
		} else {
			free(data);
			free(k);
		}
	}
out:
	if (etag[0]) {
		headers(r, etag);
	} else {
		res_header(r, "Cache-Control", "private, no-cache");
	}
}

void anscache_stats(struct anscache_stats *out)
{
	pthread_mutex_lock(&lock);
	*out = (struct anscache_stats){ n_hits, n_misses, n_stored, n_evicted, n_entries, total_bytes };
	pthread_mutex_unlock(&lock);
}

void anscache_clear(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ANSCACHE_ENTRIES; i++)
		if (table[i].used)
			drop(&table[i]);
	pthread_mutex_unlock(&lock);
}

static void metrics(buf *out)
{
	struct anscache_stats s;
	anscache_stats(&s);
	buf_printf(out, "# HELP opale_answer_cache_hits_total Answers served from the answer cache (built at the current data version).\n"
			"# TYPE opale_answer_cache_hits_total counter\nopale_answer_cache_hits_total %" PRIu64 "\n"
			"# HELP opale_answer_cache_misses_total Answers built because none was kept at the current data version.\n"
			"# TYPE opale_answer_cache_misses_total counter\nopale_answer_cache_misses_total %" PRIu64 "\n"
			"# HELP opale_answer_cache_evictions_total Answers dropped to stay within the cache's bounds.\n"
			"# TYPE opale_answer_cache_evictions_total counter\nopale_answer_cache_evictions_total %" PRIu64 "\n"
			"# HELP opale_answer_cache_entries Answers kept.\n# TYPE opale_answer_cache_entries gauge\n"
			"opale_answer_cache_entries %zu\n"
			"# HELP opale_answer_cache_bytes Bytes of the answers kept.\n# TYPE opale_answer_cache_bytes gauge\n"
			"opale_answer_cache_bytes %zu\n",
		   s.hits, s.misses, s.evicted, s.entries, s.bytes);
}

static void reg(void) __attribute__((constructor));
static void reg(void) { metrics_register(metrics); }
