/* metrics: counters and latency histogram for /metrics (Prometheus text format). Lock-free. */
#ifndef OPALE_METRICS_H
#define OPALE_METRICS_H
#include <stdint.h>

#include "core/buf.h"

void metrics_observe(int status, uint64_t us, const char *route);
/* Appends the HTTP metrics in Prometheus text format. */
void metrics_render_http(buf *out);
/* Other modules append their own families (jobs, transmissions, mail) through this hook list. */
typedef void (*metrics_fn)(buf *out);
void metrics_register(metrics_fn fn);
void metrics_render_all(buf *out);

#endif
