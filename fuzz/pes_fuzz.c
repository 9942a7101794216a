/* pes_fuzz: libFuzzer target for everything that reads PES bytes: the check (prologue sniffing, SAX
 * walk with the DGFiP schema plugged in, business rules), the model behind the visuel (and its HTML),
 * the PES_ACQUIT and PES_Retour readers. Any input must end in a report or an error, never a crash.
 * Schemas: $OPALE_PES_SCHEMAS or ../shared/specs/pes/v5.17 found from the binary's place. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "helios/helios.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	struct err e = { 0 };
	xmlInitParser();
	if (pes_schemas_use(NULL, &e) < 0) {
		fprintf(stderr, "pes_fuzz: %s\n", e.msg);
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pes_report rep;
	struct err e = { 0 };
	struct pes_check_opts o = { .max_issues = 50 };
	o.expect.idcoll = "24310063300011";
	o.expect.exercice = 2025;
	if (pes_check_memory((const char *)data, size, &o, &rep, &e) == 0) {
		buf b = BUF_INIT;
		for (size_t i = 0; i < rep.n_issues; i++)
			pes_issue_format(&b, "fuzz", &rep.issues[i]);
		buf_free(&b);
	}
	struct pes_model m;
	if (pes_model_load_memory((const char *)data, size, 0, &m, &e) == 0) {
		buf b = BUF_INIT;
		pes_view_html(&b, &m, &rep);
		buf_free(&b);
	}
	pes_model_free(&m);
	pes_report_free(&rep);
	struct pes_acquit a;
	if (pes_acquit_parse((const char *)data, size, &a, &e) == 0) {
		buf b = BUF_INIT;
		pes_acquit_format(&b, &a);
		buf_free(&b);
		pes_acquit_free(&a);
	}
	struct pes_retour r;
	if (pes_retour_parse((const char *)data, size, &r, &e) == 0) {
		buf b = BUF_INIT;
		pes_retour_format(&b, &r);
		buf_free(&b);
		pes_retour_free(&r);
	}
	return 0;
}
