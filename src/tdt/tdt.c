/* tdt: libcurl client of the TdT — one easy handle per call (calls are rare and slow on the TdT's
 * side; no pool), client certificate and Basic login from the settings, bodies into a buf. */
#include "tdt/tdt.h"
#include "core/config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define TDT_MAX_BODY ((size_t)400 * 1024 * 1024)   /* an archive of 150 MiB and its files, generously */

void tdt_conf_default(struct tdt_conf *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->url, sizeof c->url, "%s", cfg.tdt_url);
	snprintf(c->login, sizeof c->login, "%s", cfg.tdt_login);
	snprintf(c->password, sizeof c->password, "%s", cfg.tdt_password);
	snprintf(c->cert, sizeof c->cert, "%s", cfg.tdt_cert);
	snprintf(c->key, sizeof c->key, "%s", cfg.tdt_key);
	snprintf(c->key_password, sizeof c->key_password, "%s", cfg.tdt_key_password);
	snprintf(c->cacert, sizeof c->cacert, "%s", cfg.tdt_cacert);
	c->timeout_s = cfg.tdt_timeout ? cfg.tdt_timeout : 60;
}

void tdt_resp_free(struct tdt_resp *r)
{
	buf_free(&r->body);
	memset(r, 0, sizeof *r);
}

static size_t on_body(char *p, size_t sz, size_t n, void *u)
{
	buf *b = u;
	if (b->len + sz * n > TDT_MAX_BODY)
		return 0;
	buf_add(b, p, sz * n);
	return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *u)
{
	struct tdt_resp *r = u;
	size_t len = sz * n;
	char line[512];
	snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line - 1 ? len : sizeof line - 1), p);
	line[strcspn(line, "\r\n")] = '\0';
	if (strncasecmp(line, "HTTP/", 5) == 0) {   /* a new response (after a redirect): forget the old one's */
		r->filename[0] = r->ctype[0] = '\0';
	} else if (strncasecmp(line, "Content-Type:", 13) == 0) {
		const char *v = line + 13 + strspn(line + 13, " ");
		snprintf(r->ctype, sizeof r->ctype, "%s", v);
	} else if (strncasecmp(line, "Content-Disposition:", 20) == 0) {
		const char *f = strstr(line, "filename=");
		if (f) {
			f += 9;
			if (*f == '"')
				f++;
			size_t k = strcspn(f, "\";");
			/* a name only: never a path */
			const char *slash = memrchr(f, '/', k);
			if (slash) {
				k -= (size_t)(slash + 1 - f);
				f = slash + 1;
			}
			snprintf(r->filename, sizeof r->filename, "%.*s", (int)k, f);
		}
	}
	return len;
}

struct progress {
	tdt_progress_fn fn;
	void *ctx;
	curl_off_t last;
	int calls;
};

static int on_progress(void *u, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)ut;
	struct progress *p = u;
	/* libcurl calls about once a second; the callback decides what to do with it */
	if (!p->fn || (++p->calls % 5) != 0)
		return 0;
	p->last = dn + un;
	return p->fn(p->ctx);
}

static int perform(const struct tdt_conf *c, CURL *h, const char *path, struct progress *pg, struct tdt_resp *r,
		   struct err *e)
{
	memset(r, 0, sizeof *r);
	if (!c->url[0]) {
		curl_easy_cleanup(h);
		return err_set(e, 503, "tdt.config", "Aucun tiers de télétransmission configuré (tdt_url).");
	}
	buf url = BUF_INIT;
	buf_printf(&url, "%s%s", c->url, path);
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, url.data);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	/* no overall timeout (a 150 MB upload is slow), but abandon a transfer that stalls */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->timeout_s > 0 ? c->timeout_s : 60L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "Opale");
	if (c->cert[0]) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, c->cert);
		curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
	}
	if (c->key[0])
		curl_easy_setopt(h, CURLOPT_SSLKEY, c->key);
	if (c->key_password[0])
		curl_easy_setopt(h, CURLOPT_KEYPASSWD, c->key_password);
	if (c->cacert[0])
		curl_easy_setopt(h, CURLOPT_CAINFO, c->cacert);
	if (c->login[0]) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, c->login);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
	}
	if (pg && pg->fn) {
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, pg);
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	}
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(h);
	buf_free(&url);
	if (rc != CURLE_OK)
		return err_set(e, 503, "tdt.transport", "Tiers de télétransmission injoignable : %s.",
			       errbuf[0] ? errbuf : curl_easy_strerror(rc));
	buf_add(&r->body, "", 0);   /* NUL-terminated even when empty */
	if (r->status == 401 || r->status == 403)
		return err_set(e, 401, "tdt.auth", "Authentification refusée par le tiers de télétransmission (HTTP %ld).", r->status);
	if (r->status >= 500)
		return err_set(e, 503, "tdt.serveur", "Le tiers de télétransmission a répondu HTTP %ld.", r->status);
	return 0;
}

int tdt_get(const struct tdt_conf *c, const char *path, struct tdt_resp *r, struct err *e)
{
	CURL *h = curl_easy_init();
	if (!h)
		return err_set(e, 500, "tdt.curl", "libcurl indisponible.");
	return perform(c, h, path, NULL, r, e);
}

int tdt_post(const struct tdt_conf *c, const char *path, const struct tdt_part *parts, size_t n, tdt_progress_fn fn,
	     void *ctx, struct tdt_resp *r, struct err *e)
{
	CURL *h = curl_easy_init();
	if (!h)
		return err_set(e, 500, "tdt.curl", "libcurl indisponible.");
	curl_mime *m = curl_mime_init(h);
	for (size_t i = 0; i < n; i++) {
		curl_mimepart *p = curl_mime_addpart(m);
		curl_mime_name(p, parts[i].name);
		if (parts[i].path) {
			if (curl_mime_filedata(p, parts[i].path) != CURLE_OK) {
				curl_mime_free(m);
				curl_easy_cleanup(h);
				return err_set(e, 500, "tdt.fichier", "Fichier illisible : %s.", parts[i].path);
			}
			curl_mime_filename(p, parts[i].filename);
		} else if (parts[i].data) {
			curl_mime_data(p, parts[i].data, parts[i].len);
			curl_mime_filename(p, parts[i].filename);
		} else {
			curl_mime_data(p, parts[i].value ? parts[i].value : "", CURL_ZERO_TERMINATED);
		}
	}
	curl_easy_setopt(h, CURLOPT_MIMEPOST, m);
	struct progress pg = { fn, ctx, 0, 0 };
	int rc = perform(c, h, path, &pg, r, e);
	curl_mime_free(m);
	return rc;
}

int tdt_okko(const struct tdt_resp *r, const char **rest)
{
	const char *b = r->body.data ? r->body.data : "";
	int v = strncmp(b, "OK", 2) == 0 ? 1 : strncmp(b, "KO", 2) == 0 ? 0 : -1;
	if (v >= 0 && b[2] != '\n' && b[2] != '\r' && b[2] != '\0')
		v = -1;
	if (rest) {
		const char *nl = strchr(b, '\n');
		*rest = nl ? nl + 1 : b + strlen(b);
	}
	return v;
}

void tdt_utf8(buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x80) {
			buf_putc(out, (char)ch);
		} else {
			buf_putc(out, (char)(0xC0 | (ch >> 6)));
			buf_putc(out, (char)(0x80 | (ch & 0x3F)));
		}
	}
	buf_add(out, "", 0);
}

void tdt_ko_message(const struct tdt_resp *r, buf *out)
{
	const char *rest;
	tdt_okko(r, &rest);
	size_t k = strcspn(rest, "\r\n");
	if (k == 0 && r->body.data)
		rest = r->body.data, k = strcspn(rest, "\r\n");
	if (k > 500)
		k = 500;
	tdt_utf8(out, rest, k);
}

void tdt_latin1(buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x80) {
			buf_putc(out, (char)*p++);
		} else if ((*p & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
			unsigned cp = ((unsigned)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
			buf_putc(out, cp < 0x100 ? (char)cp : '?');
			p += 2;
		} else {
			int k = (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 1;
			buf_putc(out, '?');
			while (k-- > 0 && *p)
				p++;
		}
	}
	buf_add(out, "", 0);
}
