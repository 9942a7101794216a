/* response: building answers — JSON, text, redirects, files, cookies, errors. */
#include "http/http.h"
#include "core/config.h"
#include "web/page.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void res_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders >= (int)(sizeof r->headers / sizeof r->headers[0]))
		return;
	r->headers[r->nheaders].k = arena_strdup(r->a, name);
	r->headers[r->nheaders].v = arena_strdup(r->a, value);
	r->nheaders++;
}

int res_json(struct req *r, int status, json_t *j)
{
	buf_reset(&r->out);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		return res_fail(r, 500, "json.encode", "Encodage JSON impossible.");
	buf_puts(&r->out, s);
	free(s);
	r->status = status;
	r->ctype = "application/json; charset=utf-8";
	return 0;
}

buf *res_json_begin(struct req *r, int status)
{
	buf_reset(&r->out);
	r->status = status;
	r->ctype = "application/json; charset=utf-8";
	return &r->out;
}

int res_text(struct req *r, int status, const char *ctype, const char *text, size_t len)
{
	buf_reset(&r->out);
	buf_add(&r->out, text, len);
	r->status = status;
	r->ctype = ctype;
	return 0;
}

int res_redirect(struct req *r, const char *location)
{
	/* Only local redirects: an open redirect would let a phishing link bounce through us. */
	if (!location || location[0] != '/' || location[1] == '/' || location[1] == '\\')
		location = "/";
	res_header(r, "Location", location);
	return res_text(r, 303, "text/plain; charset=utf-8", "", 0);
}

int res_file(struct req *r, const char *path, const char *ctype, const char *download_name)
{
	r->send_path = arena_strdup(r->a, path);
	r->ctype = ctype;
	r->status = 200;
	if (download_name) {
		buf b = BUF_INIT;
		buf_puts(&b, "attachment; filename=\"");
		for (const char *p = download_name; *p; p++)
			buf_putc(&b, (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20 || (unsigned char)*p >= 0x80) ? '_' : *p);
		buf_puts(&b, "\"; filename*=UTF-8''");
		buf_urlenc(&b, download_name);
		res_header(r, "Content-Disposition", b.data);
		buf_free(&b);
	}
	return 0;
}

int res_fail(struct req *r, int status, const char *code, const char *fmt, ...)
{
	r->err.status = status;
	snprintf(r->err.code, sizeof r->err.code, "%s", code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err.msg, sizeof r->err.msg, fmt, ap);
	va_end(ap);
	return -1;
}

int res_fail_err(struct req *r, const struct err *e)
{
	return res_fail(r, e->status ? e->status : 500, e->code[0] ? e->code : "interne", "%s", e->msg);
}

void res_error(struct req *r)
{
	int st = r->err.status ? r->err.status : 500;
	if (st == 303) {
		r->status = 303;
		r->ctype = "text/plain; charset=utf-8";
		buf_reset(&r->out);
		return;
	}
	if (r->is_api) {
		json_t *j = json_pack("{s:{s:s,s:s}}", "error", "code", r->err.code, "message", r->err.msg);
		res_json(r, st, j);
		return;
	}
	page_error(r, st, r->err.msg);
}

void res_cookie(struct req *r, const char *name, const char *value, long max_age)
{
	char *c = arena_printf(r->a, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s; Max-Age=%ld", name,
			       max_age < 0 ? "" : value, cfg.secure_cookies ? "; Secure" : "", max_age < 0 ? 0 : max_age);
	res_header(r, "Set-Cookie", c);
}

void res_flash(struct req *r, const char *kind, const char *text)
{
	buf b = BUF_INIT;
	buf_puts(&b, kind);
	buf_putc(&b, ':');
	buf_urlenc(&b, text);
	res_cookie(r, "opale_flash", b.data, 60);
	buf_free(&b);
}
