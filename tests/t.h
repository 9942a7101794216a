/* t.h: the C test harness — TAP lines ("ok - …" / "not ok - …") read by tests/run.
 * Usage: T_OK(cond, "what is checked"); T_EQ_STR(a, b, "…"); T_EQ_INT(a, b, "…"); return t_done(); */
#ifndef OPALE_T_H
#define OPALE_T_H
#include <stdio.h>
#include <string.h>

static int t_failed_, t_count_;

static inline int t_report_(int ok, const char *file, int line, const char *what)
{
	t_count_++;
	if (!ok)
		t_failed_++;
	printf("%s - %s%s", ok ? "ok" : "not ok", what, ok ? "\n" : "");
	if (!ok)
		printf(" (%s:%d)\n", file, line);
	fflush(stdout);
	return ok;
}

#define T_OK(cond, what) t_report_(!!(cond), __FILE__, __LINE__, what)
#define T_EQ_INT(a, b, what)                                                                   \
	do {                                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);                            \
		if (!T_OK(a_ == b_, what))                                                     \
			printf("#   got %lld, expected %lld\n", a_, b_);                          \
	} while (0)
#define T_EQ_STR(a, b, what)                                                                   \
	do {                                                                                   \
		const char *a_ = (a), *b_ = (b);                                               \
		if (!T_OK(a_ && b_ && strcmp(a_, b_) == 0, what))                              \
			printf("#   got \"%s\", expected \"%s\"\n", a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	} while (0)

static inline int t_done(void)
{
	printf("# %d checks, %d failed\n", t_count_, t_failed_);
	return t_failed_ ? 1 : 0;
}

#endif
