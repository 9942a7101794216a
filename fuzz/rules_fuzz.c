/* rules_fuzz: libFuzzer target for the legal-rule core that reads outside input — the SCDL CSV
 * validator (schema from $SHARED/specs/scdl), date and instant parsing with the Paris conversion,
 * act-number patterns, and the séance rules fed with arbitrary facts. The first byte picks the
 * reader; any input must end in a verdict or a refusal, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/numbering.h"
#include "publication/publication.h"
#include "seance/seance.h"

static struct scdl_schema *schema;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	char path[1024];
	snprintf(path, sizeof path, "%s/specs/scdl/deliberations-2.1.5.schema.json", shared);
	struct err e = { 0 };
	schema = scdl_schema_load(path, &e);
	if (!schema) {
		fprintf(stderr, "rules_fuzz: %s (set SHARED)\n", e.msg);
		abort();
	}
	return 0;
}

static void ignore(void *arg, const struct scdl_violation *v)
{
	(void)arg, (void)v;
}

static void dates(const char *s)
{
	struct date d;
	int64_t t;
	char out[40];
	if (date_parse(s, &d, NULL) == 0) {
		date_format_fr(d, out);
		int64_t start;
		paris_day_start_utc(d, &start, NULL);
		date_jours_francs_latest(d, 3);
	}
	if (instant_parse_iso(s, &t, NULL) == 0) {
		struct paris_time p;
		if (paris_from_utc(t, &p, NULL) == 0) {
			int64_t back;
			paris_to_utc(&p, PARIS_LATER, &back, NULL, NULL);
		}
		paris_format_iso(t, out);
	}
}

static void numbers(const uint8_t *data, size_t size, const char *s)
{
	long n = size >= 4 ? (long)(data[0] | data[1] << 8 | data[2] << 16) - 100 : 1;
	char out[NUMBERING_MAX + 1];
	numbering_pattern_check(s, NULL);
	numbering_capacity(s);
	numbering_format(s, (struct date){ 2024, 2, 29 }, n, out, sizeof out, NULL);
}

/* Bytes as attendance (2 bytes per member) and ballots (2 bytes per ballot). */
static void seance(const uint8_t *data, size_t size)
{
	struct quorum_membre m[32];
	struct vote_bulletin b[32];
	size_t nm = 0, nb = 0, i = 0;
	if (size < 3)
		return;
	int en_exercice = data[0] % 40, secret = data[1] & 1, sans = data[1] & 2;
	for (i = 2; i + 1 < size && nm < 32 && data[i] != 0xFF; i += 2, nm++)
		m[nm] = (struct quorum_membre){ (long)nm + 1, NULL, data[i] & 1, (data[i] >> 1) & 1, data[i + 1] % 34 };
	for (i++; i + 1 < size && nb < 32; i += 2, nb++)
		b[nb] = (struct vote_bulletin){ data[i] % 34, data[i + 1] % 34 / 5, (enum vote_choix)(data[i + 1] % 6) };
	struct quorum_in q = { en_exercice, m, nm, sans };
	struct vote_in v = { &q, secret, 1, secret ? NULL : b, secret ? 0 : nb, data[0] % 7, data[1] % 5, data[2] % 3, 0 };
	struct vote_out out;
	seance_vote(&v, &out, NULL);

	struct seance_delai_in in = { (enum seance_organe)(data[0] % 6), (long)data[1] * 50 - 1, data[2] & 1,
				      (int)(data[2] % 20) - 1, date_from_days((int64_t)data[1] * 300 - 20000) };
	struct seance_delai_out o;
	seance_delai_check_envoi(&in, (int64_t)data[0] * 86400 * 30, &o, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *s = xstrndup((const char *)data + 1, size - 1);
	switch (data[0] % 4) {
	case 0: scdl_check_csv(schema, (const char *)data + 1, size - 1, ignore, NULL, NULL); break;
	case 1: dates(s); break;
	case 2: numbers(data + 1, size - 1, s); break;
	case 3: seance(data + 1, size - 1); break;
	}
	free(s);
	return 0;
}
