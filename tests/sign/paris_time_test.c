/* paris_time_test: the stamp's Paris offset (EU summer-time rule) against the system's tz database,
 * every hour from 2000 to 2037, and at the exact transition instants. */
#include <stdlib.h>
#include <time.h>

#include "sign/sign_priv.h"
#include "t.h"

int main(void)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	struct tm probe;
	time_t jul = 1719835200;   /* 2024-07-01T12:00Z */
	localtime_r(&jul, &probe);
	if (probe.tm_gmtoff != 7200) {
		printf("ok # SKIP no Europe/Paris zone in the tz database\n");
		return t_done();
	}
	long bad = 0, n = 0;
	time_t first_bad = 0;
	for (time_t t = 946684800; t < 2145916800; t += 3600, n++) {   /* 2000 → 2038 */
		struct tm tm;
		localtime_r(&t, &tm);
		if (sign_paris_offset(t) * 3600 != tm.tm_gmtoff && !bad++)
			first_bad = t;
	}
	T_EQ_INT(bad, 0, "Paris offset equals the tz database every hour 2000-2037");
	if (bad)
		printf("#   first difference at %lld\n", (long long)first_bad);
	T_OK(n > 300000, "hours checked");
	/* 2024-03-31 01:00:00Z (02:00 CET → 03:00 CEST) and 2024-10-27 01:00:00Z */
	T_EQ_INT(sign_paris_offset(1711846799), 1, "one second before spring change: +1");
	T_EQ_INT(sign_paris_offset(1711846800), 2, "spring change instant: +2");
	T_EQ_INT(sign_paris_offset(1729990799), 2, "one second before autumn change: +2");
	T_EQ_INT(sign_paris_offset(1729990800), 1, "autumn change instant: +1");
	return t_done();
}
