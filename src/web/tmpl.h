/* tmpl: a small mustache subset over jansson values, for server-rendered HTML.
 * {{name}} escaped (HTML), {{{name}}} raw (only for HTML we built ourselves), {{a.b}} dotted lookup,
 * {{#name}}…{{/name}} (array: once per item; object/true/non-empty: once with it in scope),
 * {{^name}}…{{/name}} (when false/empty/missing), {{> partial}} (another embedded template),
 * {{! comment}}. Templates are the files web/templates/NAME.html compiled into the binary.
 * Written by hand: Debian ships no C mustache library (stack notes); ~200 lines, fuzzed. */
#ifndef OPALE_TMPL_H
#define OPALE_TMPL_H
#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"

/* Renders template text src with data into out. */
int tmpl_render_text(buf *out, const char *src, size_t len, json_t *data, struct err *e);
/* Renders the embedded template web/templates/<name>.html. */
int tmpl_render(buf *out, const char *name, json_t *data, struct err *e);

#endif
