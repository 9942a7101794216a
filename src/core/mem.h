/* mem: allocation wrappers that abort on exhaustion (a server that cannot allocate 64 bytes cannot
 * report anything useful), and a per-request arena freed in one go. */
#ifndef OPALE_MEM_H
#define OPALE_MEM_H
#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Arena: bump allocator for request-scoped memory. */
typedef struct arena arena;
arena *arena_new(void);
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Registers a cleanup run by arena_free (e.g. json_decref, buf_free). */
void arena_defer(arena *a, void (*fn)(void *), void *arg);
void arena_free(arena *a);

#endif
