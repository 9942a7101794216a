/* metrics: atomic counters, read without locks when scraped. */
#include "http/metrics.h"

#include <stdatomic.h>

static const double bounds[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NB (sizeof bounds / sizeof bounds[0])
static atomic_uint_fast64_t hist[NB + 1], count, sum_us, by_class[6];
static metrics_fn extra[16];
static atomic_int nextra;

void metrics_observe(int status, uint64_t us, const char *route)
{
	(void)route;
	double s = (double)us / 1e6;
	size_t i = 0;
	while (i < NB && s > bounds[i])
		i++;
	atomic_fetch_add(&hist[i], 1);
	atomic_fetch_add(&count, 1);
	atomic_fetch_add(&sum_us, us);
	int c = status / 100;
	atomic_fetch_add(&by_class[c >= 1 && c <= 5 ? c : 0], 1);
}

void metrics_render_http(buf *out)
{
	buf_puts(out, "# HELP opale_http_requests_total Requests answered, by status class.\n"
		      "# TYPE opale_http_requests_total counter\n");
	static const char *cls[] = { "other", "1xx", "2xx", "3xx", "4xx", "5xx" };
	for (int i = 0; i < 6; i++)
		buf_printf(out, "opale_http_requests_total{class=\"%s\"} %llu\n", cls[i],
			   (unsigned long long)atomic_load(&by_class[i]));
	buf_puts(out, "# HELP opale_http_request_duration_seconds Time to answer a request.\n"
		      "# TYPE opale_http_request_duration_seconds histogram\n");
	unsigned long long cum = 0;
	for (size_t i = 0; i < NB; i++) {
		cum += atomic_load(&hist[i]);
		buf_printf(out, "opale_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bounds[i], cum);
	}
	cum += atomic_load(&hist[NB]);
	buf_printf(out, "opale_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	buf_printf(out, "opale_http_request_duration_seconds_sum %.6f\n", (double)atomic_load(&sum_us) / 1e6);
	buf_printf(out, "opale_http_request_duration_seconds_count %llu\n", (unsigned long long)atomic_load(&count));
}

void metrics_register(metrics_fn fn)
{
	int i = atomic_fetch_add(&nextra, 1);
	if (i < 16)
		extra[i] = fn;
}

void metrics_render_all(buf *out)
{
	metrics_render_http(out);
	int n = atomic_load(&nextra);
	for (int i = 0; i < n && i < 16; i++)
		extra[i](out);
}
