/* router: http_match on the real route table. Named cases (a literal segment beats a ":param" one,
 * parameters captured and percent-decoded, trailing slash, 405 vs 404, traversal refused), then the
 * matcher compared with the former one (two strchrnul per segment, kept here as the reference) on
 * paths made from every route's pattern and on variants of them (one character less or more, an extra
 * or a missing segment, a parameter emptied or encoded): the same route and parameters for each. */
#include "http/http.h"
#include "t.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The former matcher (before bench P2's profile), the reference. */
static int ref_seg(arena *a, const char *s, size_t n, char **out)
{
	char *d = arena_alloc(a, n + 1), *o = d;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				return 0;
			char h[3] = { s[i + 1], s[i + 2], 0 };
			char *end;
			long v = strtol(h, &end, 16);
			if (*end || v <= 0 || v == '/' || v == '\\')
				return 0;
			*o++ = (char)v;
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	*out = d;
	return strcmp(d, "..") != 0 && strcmp(d, ".") != 0;
}

static int ref_one(const char *pat, const char *path, struct kv *params, int *np, arena *a)
{
	*np = 0;
	while (*pat && *path) {
		if (*pat != '/' || *path != '/')
			return 0;
		pat++;
		path++;
		const char *pe = strchrnul(pat, '/');
		const char *se = strchrnul(path, '/');
		if (*pat == ':') {
			char *v;
			if (se == path || *np >= 8 || !ref_seg(a, path, (size_t)(se - path), &v))
				return 0;
			params[*np].k = arena_strndup(a, pat + 1, (size_t)(pe - pat - 1));
			params[*np].v = v;
			(*np)++;
		} else if (pe - pat != se - path || memcmp(pat, path, (size_t)(pe - pat)) != 0) {
			return 0;
		}
		pat = pe;
		path = se;
	}
	return *pat == '\0' && *path == '\0';
}

static const struct route *ref_match(const char *method, const char *path, struct kv *params, int *nparams, int *found, arena *a)
{
	*found = 0;
	if (!path || path[0] != '/')
		return NULL;
	size_t len = strlen(path);
	char *p = arena_strdup(a, path);
	if (len > 1 && p[len - 1] == '/')
		p[len - 1] = '\0';
	const struct route *best = NULL;
	int best_np = 1 << 30;
	for (int i = 0; http_route_at(i); i++) {
		const struct route *rt = http_route_at(i);
		struct kv tmp[8];
		int np;
		if (!ref_one(rt->pattern, p, tmp, &np, a))
			continue;
		*found = 1;
		if (strcmp(rt->method, method) != 0 && !(strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0))
			continue;
		if (np < best_np) {
			best = rt;
			best_np = np;
			memcpy(params, tmp, sizeof tmp);
			*nparams = np;
		}
	}
	return best;
}

static int compared, differing;

/* Both matchers on (method, path): the same route, found flag and parameters. */
static void same(const char *method, const char *path)
{
	arena *a = arena_new();
	struct kv p1[8], p2[8];
	int n1 = 0, n2 = 0, f1 = 0, f2 = 0;
	const struct route *r1 = http_match(method, path, p1, &n1, &f1, a), *r2 = ref_match(method, path, p2, &n2, &f2, a);
	int ok = r1 == r2 && f1 == f2 && (!r1 || n1 == n2);
	for (int i = 0; ok && r1 && i < n1; i++)
		ok = strcmp(p1[i].k, p2[i].k) == 0 && strcmp(p1[i].v, p2[i].v) == 0;
	compared++;
	if (!ok && differing++ < 10)
		printf("# %s %s: %s (found %d) vs former %s (found %d)\n", method, path, r1 ? r1->pattern : "-", f1, r2 ? r2->pattern : "-", f2);
	arena_free(a);
}

static const struct route *match(const char *method, const char *path, struct kv *params, int *n, int *found, arena *a)
{
	*n = 0;
	return http_match(method, path, params, n, found, a);
}

int main(void)
{
	arena *a = arena_new();
	struct kv p[8];
	int n, found;
	const struct route *rt = match("GET", "/api/v1/actes", p, &n, &found, a);
	T_OK(rt && strcmp(rt->pattern, "/api/v1/actes") == 0 && n == 0, "GET /api/v1/actes: the list");
	rt = match("GET", "/api/v1/actes/12", p, &n, &found, a);
	T_OK(rt && strcmp(rt->pattern, "/api/v1/actes/:id") == 0 && n == 1 && strcmp(p[0].k, "id") == 0 && strcmp(p[0].v, "12") == 0,
	     "GET /api/v1/actes/12: :id = 12");
	rt = match("GET", "/api/v1/actes/12/", p, &n, &found, a);
	T_OK(rt && strcmp(rt->pattern, "/api/v1/actes/:id") == 0 && strcmp(p[0].v, "12") == 0, "a trailing slash is tolerated");
	rt = match("GET", "/api/v1/actes/courriers", p, &n, &found, a);
	T_OK(rt && strcmp(rt->pattern, "/api/v1/actes/courriers") == 0 && n == 0, "a literal segment beats :id");
	rt = match("GET", "/api/v1/actes/12/documents/3", p, &n, &found, a);
	T_OK(rt && n == 2 && strcmp(p[0].v, "12") == 0 && strcmp(p[1].k, "doc") == 0 && strcmp(p[1].v, "3") == 0, "two parameters");
	rt = match("GET", "/api/v1/actes/%31%32", p, &n, &found, a);
	T_OK(rt && n == 1 && strcmp(p[0].v, "12") == 0, "a parameter is percent-decoded");
	rt = match("GET", "/api/v1/actes/%2e%2e", p, &n, &found, a);
	T_OK(!rt, "« .. » as a parameter matches nothing");
	rt = match("DELETE", "/api/v1/actes/12", p, &n, &found, a);
	T_OK(!rt && found, "another method: no route, but the path exists (405)");
	rt = match("GET", "/api/v1/actesx", p, &n, &found, a);
	T_OK(!rt && !found, "/api/v1/actesx: nothing (404)");
	rt = match("GET", "/api/v1/acte", p, &n, &found, a);
	T_OK(!rt && !found, "/api/v1/acte: nothing (404)");
	rt = match("HEAD", "/healthz", p, &n, &found, a);
	T_OK(rt && strcmp(rt->pattern, "/healthz") == 0, "HEAD answers a GET route");
	arena_free(a);

	/* every route's pattern as a path, and variants, against the former matcher */
	static const char *const methods[] = { "GET", "POST", "PUT", "DELETE", "HEAD" };
	static const char *const fills[] = { "7", "", "%37", "a%2Fb", "..", "nouvelle", "x/y" };
	int routes = 0;
	for (int i = 0; http_route_at(i); i++, routes++) {
		const char *pat = http_route_at(i)->pattern;
		for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
			char path[600];
			size_t o = 0;
			for (const char *q = pat; *q && o + 20 < sizeof path;) {
				if (*q == ':') {
					o += (size_t)snprintf(path + o, sizeof path - o, "%s", fills[f]);
					while (*q && *q != '/')
						q++;
				} else {
					path[o++] = *q++;
				}
			}
			path[o] = '\0';
			char v[620];
			for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
				same(methods[m], path);
				snprintf(v, sizeof v, "%s/", path);
				same(methods[m], v);
				snprintf(v, sizeof v, "%sx", path);
				same(methods[m], v);
				snprintf(v, sizeof v, "%s/extra", path);
				same(methods[m], v);
				if (o > 1) {
					snprintf(v, sizeof v, "%.*s", (int)o - 1, path);
					same(methods[m], v);
				}
				const char *slash = strrchr(path, '/');
				if (slash && slash > path) {
					snprintf(v, sizeof v, "%.*s", (int)(slash - path), path);
					same(methods[m], v);
				}
			}
		}
	}
	const char *odd[] = { "", "/", "//", "x", "/api//v1/actes", "/api/v1//actes", "/%", "/api/v1/actes/%3", "/api/v1/actes/%zz" };
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
		same("GET", odd[i]);
	printf("# %d routes, %d (method, path) pairs compared\n", routes, compared);
	T_OK(routes > 100 && differing == 0, "the matcher gives the former matcher's route and parameters on every path tried");
	return t_done();
}
