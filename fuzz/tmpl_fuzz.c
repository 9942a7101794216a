/* Fuzz target: the template engine on arbitrary template text and data. */
#include "web/tmpl.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *d;
	if (!d)
		d = json_loads("{\"a\":[{\"b\":\"<x>\"},{\"b\":2}],\"c\":{\"d\":true},\"e\":\"\",\"f\":null}", 0, NULL);
	buf out = BUF_INIT;
	struct err e;
	tmpl_render_text(&out, (const char *)data, size, d, &e);
	buf_free(&out);
	return 0;
}
