/* embed: files compiled into the binary (web/templates, web/static, src/db/migrations). */
#ifndef OPALE_EMBED_H
#define OPALE_EMBED_H
#include <stddef.h>

struct embedded_file {
	const char *name;   /* path relative to the repository root, e.g. "web/templates/layout.html" */
	const char *data;   /* NUL-terminated */
	size_t len;
};

extern const struct embedded_file embedded_files[];
/* Returns the file with that name, or NULL. */
const struct embedded_file *embed_find(const char *name);

#endif
