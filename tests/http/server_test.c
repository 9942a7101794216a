/* Integration tests of the HTTP layer, in process: routing, errors, limits, uploads streamed and
 * hashed with bounded memory, slow clients dropped, path traversal refused. */
#include "core/config.h"
#include "http/http.h"
#include "httptest.h"
#include "t.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <openssl/sha.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int echo_json(struct req *r)
{
	json_t *j = req_json(r);
	if (!j)
		return -1;
	json_t *name = json_object_get(j, "nom");
	if (!json_is_string(name))
		return res_fail(r, 422, "champ.nom", "Le champ « nom » est obligatoire.");
	return res_json(r, 200, json_pack("{s:s,s:s}", "nom", json_string_value(name), "id", req_param(r, "id")));
}
OPALE_ROUTE(t_echo, "POST", "/api/v1/test/echo/:id", echo_json, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);

static int upload(struct req *r)
{
	json_t *files = json_array();
	for (int i = 0; i < r->nuploads; i++)
		json_array_append_new(files, json_pack("{s:s,s:s,s:I,s:s}", "field", r->uploads[i].field, "name",
						       r->uploads[i].filename, "size", (json_int_t)r->uploads[i].size,
						       "sha256", r->uploads[i].sha256));
	const char *t = req_form(r, "titre");
	return res_json(r, 200, json_pack("{s:o,s:s}", "files", files, "titre", t ? t : ""));
}
OPALE_ROUTE(t_upload, "POST", "/api/v1/test/upload", upload, ROLE_PUBLIC, SCOPE_PUBLIC, RF_UPLOAD | RF_NO_CSRF);

static char base[128];

static const char *url(const char *path)
{
	static char u[256];
	snprintf(u, sizeof u, "%s%s", base, path);
	return u;
}

static long vm_hwm_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* Streams n bytes of a repeating pattern as the request body, without holding them. */
struct gen { uint64_t left; SHA256_CTX sha; };
static size_t gen_read(char *p, size_t s, size_t n, void *u)
{
	struct gen *g = u;
	size_t k = s * n < g->left ? s * n : (size_t)g->left;
	for (size_t i = 0; i < k; i++)
		p[i] = (char)('a' + (i % 26));
	SHA256_Update(&g->sha, p, k);
	g->left -= k;
	return k;
}

static void big_upload(uint64_t size)
{
	CURL *c = curl_easy_init();
	struct gen g = { .left = size };
	SHA256_Init(&g.sha);
	buf body = BUF_INIT;
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/octet-stream");
	h = curl_slist_append(h, "X-Filename: gros.bin");
	curl_easy_setopt(c, CURLOPT_URL, url("/api/v1/test/upload"));
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, gen_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &g);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)size);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, (curl_write_callback)NULL);
	FILE *mem = open_memstream(&body.data, &body.len);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, mem);
	long before = vm_hwm_kb();
	CURLcode rc = curl_easy_perform(c);
	long after = vm_hwm_kb();
	fclose(mem);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	unsigned char md[32];
	SHA256_Final(md, &g.sha);
	char hex[65];
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	T_OK(rc == CURLE_OK && status == 200, "a 512 MiB raw upload is accepted");
	T_OK(body.data && strstr(body.data, hex), "the server's streamed SHA-256 matches the client's");
	T_OK(body.data && strstr(body.data, "\"size\":536870912"), "the stored size is exact");
	printf("# peak RSS before %ld kB, after %ld kB\n", before, after);
	T_OK(after - before < 8 * 1024, "the upload raised peak RSS by less than 8 MiB (streamed, not buffered)");
	free(body.data);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

static void slow_loris(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	connect(s, (struct sockaddr *)&a, sizeof a);
	const char *part = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
	ssize_t w = write(s, part, strlen(part));
	(void)w;
	struct pollfd p = { .fd = s, .events = POLLIN };
	uint64_t t0 = http_now_us();
	int closed = 0;
	while (http_now_us() - t0 < 5000000) {
		if (poll(&p, 1, 200) > 0) {
			char tmp[512];
			ssize_t n = read(s, tmp, sizeof tmp);
			if (n <= 0) {
				closed = 1;
				break;
			}
		}
		ssize_t k = write(s, "a", 0);  /* keep silent: a slow-loris sends nothing more */
		(void)k;
	}
	uint64_t took = (http_now_us() - t0) / 1000;
	printf("# slow client dropped after %llu ms\n", (unsigned long long)took);
	T_OK(closed && took < 4000, "a client that never finishes its headers is dropped after the timeout");
	close(s);
}

int main(void)
{
	struct err e;
	config_load(0, NULL, &e);
	cfg.max_body = 4096;
	cfg.max_upload = 1ull << 30;
	cfg.conn_timeout = 2;
	int port = ht_free_port();
	char listen[64];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	snprintf(base, sizeof base, "http://%s", listen);
	char tmpdir[] = "/tmp/opale-http-XXXXXX";
	mkdtemp(tmpdir);
	struct http_settings hs = { .listen = listen, .tmp_dir = tmpdir, .threads = 2 };
	if (!T_OK(http_start(&hs, &e) == 0, "server starts on a free port"))
		return t_done();

	struct ht_resp r;
	ht_request("POST", url("/api/v1/test/echo/42"), "application/json", "{\"nom\":\"Guînes\"}", 17, NULL, NULL, &r);
	T_EQ_INT(r.status, 200, "valid JSON is answered 200");
	T_OK(strstr(r.body.data, "\"nom\":\"Guînes\"") && strstr(r.body.data, "\"id\":\"42\""), "UTF-8 and path parameter round-trip");
	ht_resp_free(&r);

	ht_request("POST", url("/api/v1/test/echo/1"), "application/json", "{\"nom\":", 7, NULL, NULL, &r);
	T_EQ_INT(r.status, 400, "malformed JSON → 400");
	T_OK(strstr(r.body.data, "\"code\":\"json.malformed\"") && strstr(r.body.data, "JSON mal formé"),
	     "malformed JSON → stable code and French message");
	ht_resp_free(&r);

	ht_request("POST", url("/api/v1/test/echo/1"), "application/json", "{\"nom\":\"a\",\"nom\":\"b\"}", 21, NULL, NULL, &r);
	T_EQ_INT(r.status, 400, "duplicate JSON keys are refused");
	ht_resp_free(&r);

	ht_request("POST", url("/api/v1/test/echo/1"), "text/plain", "{\"nom\":\"x\"}", 11, NULL, NULL, &r);
	T_EQ_INT(r.status, 415, "wrong content type → 415");
	ht_resp_free(&r);

	ht_request("POST", url("/api/v1/test/echo/1"), "application/json", "{}", 2, NULL, NULL, &r);
	T_EQ_INT(r.status, 422, "missing field → handler's precise error");
	T_OK(strstr(r.body.data, "champ.nom") != NULL, "handler error code is passed through");
	ht_resp_free(&r);

	char *big = malloc(10000);
	memset(big, ' ', 10000);
	ht_request("POST", url("/api/v1/test/echo/1"), "application/json", big, 10000, NULL, NULL, &r);
	T_EQ_INT(r.status, 413, "body over max_body → 413");
	T_OK(strstr(r.body.data, "http.too_large") != NULL, "413 carries its code");
	ht_resp_free(&r);
	free(big);

	ht_request("GET", url("/api/v1/nulle-part"), NULL, NULL, 0, NULL, NULL, &r);
	T_EQ_INT(r.status, 404, "unknown API route → 404");
	T_OK(strstr(r.body.data, "{\"error\":{\"code\":\"route.inconnue\"") == r.body.data, "API errors use the JSON envelope");
	ht_resp_free(&r);

	ht_request("GET", url("/nulle-part"), NULL, NULL, 0, NULL, NULL, &r);
	T_EQ_INT(r.status, 404, "unknown page → 404");
	T_OK(strstr(r.body.data, "<html lang=\"fr\">") && strstr(r.body.data, "Page introuvable"), "HTML error page in French");
	ht_resp_free(&r);

	ht_request("DELETE", url("/healthz"), NULL, NULL, 0, NULL, NULL, &r);
	T_EQ_INT(r.status, 405, "wrong method on a known path → 405");
	ht_resp_free(&r);

	const char *trav[] = { "/static/..%2f..%2fetc%2fpasswd", "/static/%2e%2e/opale.css", "/static/../../etc/passwd",
			       "/api/v1/test/echo/..%2F..%2Fetc" };
	for (size_t i = 0; i < 4; i++) {
		ht_request("GET", url(trav[i]), NULL, NULL, 0, NULL, NULL, &r);
		char what[160];
		snprintf(what, sizeof what, "path traversal refused: %s → %ld", trav[i], r.status);
		T_OK((r.status == 400 || r.status == 404 || r.status == 405) && !strstr(r.body.data, "root:"), what);
		ht_resp_free(&r);
	}

	const char *mp = "--XyZ\r\nContent-Disposition: form-data; name=\"titre\"\r\n\r\nConvention CDG\r\n"
			 "--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"../../etc/conv é.pdf\"\r\n"
			 "Content-Type: application/pdf\r\n\r\n%PDF-1.4 abc\r\n--XyZ--\r\n";
	ht_request("POST", url("/api/v1/test/upload"), "multipart/form-data; boundary=XyZ", mp, strlen(mp), NULL, NULL, &r);
	T_EQ_INT(r.status, 200, "multipart upload accepted");
	T_OK(strstr(r.body.data, "\"titre\":\"Convention CDG\"") != NULL, "multipart text field parsed");
	T_OK(strstr(r.body.data, "\"name\":\"conv é.pdf\"") != NULL, "uploaded file name stripped of its path");
	/* sha256("%PDF-1.4 abc") */
	T_OK(strstr(r.body.data, "\"size\":12") != NULL, "uploaded file size exact");
	ht_resp_free(&r);

	big_upload(512ull << 20);
	slow_loris(port);

	http_stop();
	T_OK(1, "server stops gracefully");
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		perror("rm");
	return t_done();
}
