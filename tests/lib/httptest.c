/* httptest: libcurl helpers for C integration tests. */
#include "httptest.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static size_t sink(char *p, size_t s, size_t n, void *u)
{
	buf_add(u, p, s * n);
	return s * n;
}

int ht_request(const char *method, const char *url, const char *ctype, const void *body, size_t len,
	       const char *const *extra_headers, const char *cookie_jar, struct ht_resp *out)
{
	memset(out, 0, sizeof *out);
	CURL *c = curl_easy_init();
	if (!c)
		return -1;
	struct curl_slist *h = NULL;
	if (ctype) {
		char line[256];
		snprintf(line, sizeof line, "Content-Type: %s", ctype);
		h = curl_slist_append(h, line);
	}
	for (const char *const *x = extra_headers; x && *x; x++)
		h = curl_slist_append(h, *x);
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
	}
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (cookie_jar) {
		curl_easy_setopt(c, CURLOPT_COOKIEFILE, cookie_jar);
		curl_easy_setopt(c, CURLOPT_COOKIEJAR, cookie_jar);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &out->headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	buf_add(&out->body, "", 0);
	buf_add(&out->headers, "", 0);
	/* A server may answer early (413) and close while we still send: the status is what matters. */
	return (rc == CURLE_OK || out->status) ? 0 : -1;
}

void ht_resp_free(struct ht_resp *r)
{
	buf_free(&r->body);
	buf_free(&r->headers);
}

int ht_free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof a;
	bind(s, (struct sockaddr *)&a, sizeof a);
	getsockname(s, (struct sockaddr *)&a, &l);
	close(s);
	return ntohs(a.sin_port);
}
