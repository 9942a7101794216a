/* router: the route table gathered by the linker, and pattern matching (":name" = one segment). */
#include "http/http.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

extern const struct route __start_opale_routes[] __attribute__((weak));
extern const struct route __stop_opale_routes[] __attribute__((weak));

const struct route *http_route_at(int i)
{
	if (i < 0 || !__start_opale_routes || __start_opale_routes + i >= __stop_opale_routes)
		return NULL;
	return __start_opale_routes + i;
}

uint64_t http_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Percent-decodes one segment into the arena; NULL when it decodes to something unsafe
 * ("/", NUL, "..", ".") — path traversal can never reach a handler. */
static char *seg_decode(arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1), *o = d;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				return NULL;
			char h[3] = { s[i + 1], s[i + 2], 0 };
			char *end;
			long v = strtol(h, &end, 16);
			if (*end || v <= 0 || v == '/' || v == '\\')
				return NULL;
			*o++ = (char)v;
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	if (strcmp(d, "..") == 0 || strcmp(d, ".") == 0)
		return NULL;
	return d;
}

static int match_one(const char *pat, const char *path, struct kv *params, int *np, arena *a)
{
	*np = 0;
	while (*pat && *path) {
		if (*pat != '/' || *path != '/')
			return 0;
		pat++;
		path++;
		if (*pat == ':') {
			const char *pe = strchrnul(pat, '/');
			const char *se = strchrnul(path, '/');
			if (se == path || *np >= 8)
				return 0;
			char *v = seg_decode(a, path, (size_t)(se - path));
			if (!v)
				return 0;
			params[*np].k = arena_strndup(a, pat + 1, (size_t)(pe - pat - 1));
			params[*np].v = v;
			(*np)++;
			pat = pe;
			path = se;
		} else {
			/* a literal segment, compared in place: most routes differ at their first characters,
			 * and two strchrnul calls per route were 6 % of a cached list's CPU (bench P2) */
			while (*pat && *pat != '/' && *pat == *path) {
				pat++;
				path++;
			}
			if ((*pat && *pat != '/') || (*path && *path != '/'))
				return 0;
		}
	}
	return *pat == '\0' && *path == '\0';
}

const struct route *http_match(const char *method, const char *path, struct kv *params, int *nparams,
			       int *path_found, arena *a)
{
	*path_found = 0;
	if (!path || path[0] != '/')
		return NULL;
	/* Trailing slash tolerated except for the root. */
	size_t len = strlen(path);
	char *p = arena_strdup(a, path);
	if (len > 1 && p[len - 1] == '/')
		p[len - 1] = '\0';
	/* The most specific route wins: literal segments beat ":param" ones
	 * (/operateur/collectivites/nouvelle before /operateur/collectivites/:id). */
	const struct route *best = NULL;
	int best_np = 99;
	struct kv tmp[8];
	for (int i = 0; http_route_at(i); i++) {
		const struct route *rt = http_route_at(i);
		int np;
		if (!match_one(rt->pattern, p, tmp, &np, a))
			continue;
		*path_found = 1;
		if (strcmp(rt->method, method) != 0 && !(strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0))
			continue;
		if (np < best_np) {
			best = rt;
			best_np = np;
			memcpy(params, tmp, sizeof tmp);
			*nparams = np;
		}
	}
	if (best)
		return best;
	return NULL;
}
