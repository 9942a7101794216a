/* xmlsig_fuzz: libFuzzer target for the XML signature locator and verifier — finds every
 * ds:Signature of a document, resolves its references (same-document Ids, enveloped transform,
 * exclusive C14N, an external document), checks values and XAdES properties. Any input must end in
 * a report, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sign/sign_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sigv v[8];
	struct err e = { 0 };
	int n = 0;
	const char *format = NULL;
	memset(v, 0, sizeof v);
	sign_xml_verify_enveloped(data, size, NULL, v, 8, &n, &format, &e);
	memset(v, 0, sizeof v);
	sign_xades_verify_detached(data, size, "document", 8, NULL, v, 8, &n, &e);
	return 0;
}
