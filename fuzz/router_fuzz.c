/* Fuzz target: the route matcher (percent-decoding, traversal guards, parameter capture). */
#include "http/http.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char path[4097];
	memcpy(path, data, size);
	path[size] = '\0';
	arena *a = arena_new();
	struct kv params[8];
	int n = 0, found = 0;
	static const char *const methods[] = { "GET", "POST", "DELETE", "HEAD" };
	const struct route *rt = http_match(methods[size % 4], path, params, &n, &found, a);
	if (rt) {
		for (int i = 0; i < n; i++)
			if (strcmp(params[i].v, "..") == 0 || strchr(params[i].v, '/'))
				__builtin_trap();  /* a captured parameter must never be a traversal */
	}
	arena_free(a);
	return 0;
}
