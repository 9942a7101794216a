/* actes_message_fuzz: libFuzzer target for everything that reads bytes from the prefecture or a TdT:
 * the ACTES message reader (both schema shapes, every encoding path, DOCTYPE refusal) with its summary
 * and JSON, the classification reader and its look-ups, the XSD validation with the error report,
 * and the tar.gz reader (gzip input). Any input must end in a result or an error, never a crash.
 * Schemas: $OPALE_ACTES_SCHEMAS or ../shared/specs/actes found from the binary's place. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "actes/actes.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	struct err e = { 0 };
	xmlInitParser();
	if (actes_schemas_use(NULL, &e) < 0) {
		fprintf(stderr, "actes_message_fuzz: %s\n", e.msg);
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { 0 };
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		struct actes_member *m;
		int n = actes_targz_read_memory(data, size, 1 << 20, &m, &e);
		for (int i = 0; i < n; i++) {
			struct actes_message msg;
			if (actes_message_parse(m[i].data, m[i].len, &msg, &e) == 0)
				actes_message_free(&msg);
		}
		if (n >= 0)
			actes_members_free(m, (size_t)n);
		return 0;
	}
	struct actes_message m;
	if (actes_message_parse((const char *)data, size, &m, &e) == 0) {
		buf b = BUF_INIT;
		actes_message_format(&b, &m);
		actes_message_json(&b, &m);
		buf_free(&b);
		actes_message_free(&m);
	}
	struct actes_classification c;
	if (actes_classification_parse((const char *)data, size, &c, &e) == 0) {
		int path[5] = { 1, 1, 1, 1, 1 };
		for (int d = 1; d <= 5; d++)
			actes_classification_check_matiere(&c, path, d, &e);
		actes_classification_check_type(&c, 1, "99_DE", &e);
		buf b = BUF_INIT;
		actes_classification_label(&b, &c, path, 3);
		buf_free(&b);
		actes_classification_free(&c);
	}
	struct actes_report r = { 0 };
	actes_xsd_validate((const char *)data, size, "fuzz", &r, 5, &e);
	actes_report_free(&r);
	return 0;
}
