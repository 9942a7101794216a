/* numbering: act numbers from patterns — formatting, padding, capacity, refusals, and every output
 * accepted by the ACTES NumeroInterne rule (actes_numero_valid). */
#include "actes/actes.h"
#include "core/err.h"
#include "core/numbering.h"
#include "t.h"

static const struct {
	const char *pattern;
	struct date d;
	long n;
	const char *expect;    /* number, or an error code */
} cases[] = {
	{ "{YYYY}_{N:3}", { 2024, 3, 15 }, 7, "2024_007" },
	{ "{YYYY}_{N:3}", { 2024, 3, 15 }, 42, "2024_042" },
	{ "{YYYY}_{N:3}", { 2024, 3, 15 }, 999, "2024_999" },
	{ "{YYYY}_{N:3}", { 2024, 3, 15 }, 1000, "2024_1000" },
	{ "{YYYY}_{N}", { 2024, 3, 15 }, 7, "2024_7" },
	{ "DE{YY}{MM}_{N:4}", { 2024, 3, 15 }, 12, "DE2403_0012" },
	{ "{YYYY}{MM}{DD}{N:3}", { 2024, 12, 31 }, 5, "20241231005" },
	{ "{YY}_{N:2}", { 2025, 1, 1 }, 1, "25_01" },
	{ "{YY}_{N:2}", { 2000, 6, 1 }, 3, "00_03" },
	{ "{N:4}_{YYYY}", { 2024, 3, 15 }, 8, "0008_2024" },
	{ "{YYYY}_{N}", { 2024, 3, 15 }, 9999999999L, "2024_9999999999" },
	{ "{YYYY}_{N}", { 2024, 3, 15 }, 10000000000L, "numbering.trop_long" },
	{ "AR_{YYYY}_{N:4}", { 2024, 3, 15 }, 1, "AR_2024_0001" },
	{ "ARRETE_{YYYY}_{N:3}", { 2024, 3, 15 }, 1, "ARRETE_2024_001" },    /* exactly 15 */
	{ "ARRETE_{YYYY}_{N:3}", { 2024, 3, 15 }, 1000, "numbering.trop_long" },
	{ "ARRETE_{YYYY}_{N:4}", { 2024, 3, 15 }, 1, "numbering.motif" },    /* 16 characters */
	{ "D{YYYY}_{N:10}", { 2024, 3, 15 }, 1, "numbering.motif" },          /* 16 characters */
	{ "{YYYY}-{N:3}", { 2024, 3, 15 }, 1, "numbering.motif" },            /* '-' not ACTES */
	{ "de{YYYY}{N}", { 2024, 3, 15 }, 1, "numbering.motif" },             /* lower case */
	{ "{YYYY} {N}", { 2024, 3, 15 }, 1, "numbering.motif" },
	{ "{YYYY}", { 2024, 3, 15 }, 1, "numbering.motif" },                  /* no number */
	{ "{YYYY}{N}{N:2}", { 2024, 3, 15 }, 1, "numbering.motif" },          /* two numbers */
	{ "DEL_{N:4}", { 2024, 3, 15 }, 1, "numbering.motif" },               /* no year */
	{ "{MM}{DD}_{N:4}", { 2024, 3, 15 }, 1, "numbering.motif" },          /* no year */
	{ "{AAAA}_{N}", { 2024, 3, 15 }, 1, "numbering.motif" },
	{ "{YYYY}_{N:0}", { 2024, 3, 15 }, 1, "numbering.motif" },
	{ "{YYYY}_{N:16}", { 2024, 3, 15 }, 1, "numbering.motif" },
	{ "{YYYY}_{N:x}", { 2024, 3, 15 }, 1, "numbering.motif" },
	{ "{YYYY}_{N:-1}", { 2024, 3, 15 }, 1, "numbering.motif" },
	{ "{YYYY_{N}", { 2024, 3, 15 }, 1, "numbering.motif" },
	{ "", { 2024, 3, 15 }, 1, "numbering.motif" },
	{ "{YYYY}_{N:3}", { 2024, 3, 15 }, 0, "numbering.numero" },
	{ "{YYYY}_{N:3}", { 2024, 3, 15 }, -5, "numbering.numero" },
	{ "{YYYY}_{N:3}", { 2023, 2, 29 }, 1, "date.invalide" },
};

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[NUMBERING_MAX + 1] = "", what[128];
		struct err e = { 0 };
		int rc = numbering_format(cases[i].pattern, cases[i].d, cases[i].n, out, sizeof out, &e);
		snprintf(what, sizeof what, "« %s », n = %ld -> %s", cases[i].pattern, cases[i].n, cases[i].expect);
		if (strchr(cases[i].expect, '.')) {
			if (!T_OK(rc < 0 && strcmp(e.code, cases[i].expect) == 0, what))
				printf("#   got %d %s « %s »\n", rc, e.code, out);
			continue;
		}
		T_OK(rc == 0, what);
		T_EQ_STR(out, cases[i].expect, "  … the number");
	}
	struct err e = { 0 };
	numbering_format("{YYYY}_{N:3}", (struct date){ 2024, 1, 1 }, 0, (char[16]){ 0 }, 16, &e);
	T_OK(strstr(e.msg, "commence à 1") != NULL, "French message for n = 0");
	numbering_pattern_check("DEL_{N:4}", &e);
	T_OK(strstr(e.msg, "repart à 1 chaque année") != NULL, "the missing year is explained");
	numbering_pattern_check("{YYYY}-{N}", &e);
	T_OK(strstr(e.msg, "« - »") != NULL, "the forbidden character is named");

	T_EQ_INT(numbering_capacity("{YYYY}_{N:3}"), 9999999999L, "capacity of {YYYY}_{N:3}: 10 digits");
	T_EQ_INT(numbering_capacity("ARRETE_{YYYY}_{N:3}"), 999, "capacity of ARRETE_{YYYY}_{N:3}: 999");
	T_EQ_INT(numbering_capacity("AR_{YYYY}_{N:4}"), 9999999, "capacity of AR_{YYYY}_{N:4}: 7 digits");
	T_EQ_INT(numbering_capacity("ARRETE_{YYYY}_{N:4}"), 0, "ARRETE_{YYYY}_{N:4} cannot fit even n = 1");
	T_EQ_INT(numbering_capacity("{YYYY}"), 0, "no capacity without {N}");

	/* Every number any valid pattern produces is a valid ACTES NumeroInterne, up to its capacity. */
	static const char *const patterns[] = { "{YYYY}_{N:3}", "{YY}{N}", "DE{YYYY}{MM}{N:5}", "ARRETE_{YYYY}_{N:3}",
						"{N:6}_{YY}", "{YYYY}{MM}{DD}_{N}" };
	int bad = 0, checked = 0;
	for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
		long cap = numbering_capacity(patterns[p]);
		long ns[] = { 1, 9, 10, 99, 100, 999, 1000, 12345, cap, cap + 1 };
		for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
			char out[NUMBERING_MAX + 1];
			int rc = numbering_format(patterns[p], (struct date){ 2024, 11, 5 }, ns[k], out, sizeof out, NULL);
			if (ns[k] <= cap && (rc < 0 || !actes_numero_valid(out)))
				bad++;
			if (ns[k] > cap && rc == 0)
				bad++;
			checked++;
		}
	}
	T_EQ_INT(bad, 0, "numbers up to the capacity are ACTES-valid, capacity + 1 is refused (6 patterns)");
	T_EQ_INT(checked, 60, "60 numbers checked");
	return t_done();
}
