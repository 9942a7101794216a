/* Fuzz target: whole HTTP requests (request line, headers, JSON and multipart bodies) sent over a
 * socket to the real server glue, with an upload route and a JSON route registered here. */
#include "core/config.h"
#include "http/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int json_route(struct req *r)
{
	json_t *j = req_json(r);
	return j ? res_json(r, 200, json_incref(j)) : -1;
}
OPALE_ROUTE(fz_json, "POST", "/api/v1/fuzz/:id", json_route, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);

static int upload_route(struct req *r)
{
	return res_json(r, 200, json_pack("{s:i,s:s?}", "n", r->nuploads, "t", req_form(r, "t")));
}
OPALE_ROUTE(fz_upload, "POST", "/api/v1/fuzz-upload", upload_route, ROLE_PUBLIC, SCOPE_PUBLIC, RF_UPLOAD | RF_NO_CSRF);

static int port;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct err e;
	config_load(0, NULL, &e);
	cfg.max_body = 64 * 1024;
	cfg.max_upload = 1 << 20;
	cfg.conn_timeout = 1;
	for (port = 20000 + getpid() % 20000;; port++) {
		char listen[64];
		snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
		struct http_settings hs = { .listen = listen, .tmp_dir = "/tmp/opale-fuzz-http", .threads = 1 };
		if (http_start(&hs, &e) == 0)
			break;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
		close(s);
		return 0;
	}
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(s, data + off, size - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	shutdown(s, SHUT_WR);
	char buf[8192];
	struct pollfd p = { .fd = s, .events = POLLIN };
	while (poll(&p, 1, 1500) > 0 && read(s, buf, sizeof buf) > 0)
		;
	close(s);
	return 0;
}
