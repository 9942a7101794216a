/* request: accessors over the current request (params, query, headers, cookies, forms, JSON). */
#include "http/http.h"

#include <ctype.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

const char *req_param(struct req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].k, name) == 0)
			return r->params[i].v;
	return NULL;
}

int64_t req_param_id(struct req *r, const char *name)
{
	const char *v = req_param(r, name);
	char *end;
	if (!v || !*v || !isdigit((unsigned char)*v))
		goto bad;
	long long n = strtoll(v, &end, 10);
	if (*end || n <= 0)
		goto bad;
	return n;
bad:
	res_fail(r, 404, "id.inconnu", "Élément introuvable.");
	return -1;
}

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes application/x-www-form-urlencoded text in place semantics into the arena. Hand-written:
 * the body is already buffered and bounded here; MHD's post processor is used for streamed forms. */
static char *url_decode(arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1), *o = d;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
			 hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return d;
}

static void parse_urlencoded(struct req *r)
{
	const char *ct = req_header(r, "Content-Type");
	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0 || !r->body.data)
		return;
	r->form = arena_alloc(r->a, sizeof(struct kv) * 128);
	const char *p = r->body.data, *end = r->body.data + r->body.len;
	while (p < end && r->nform < 128) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *e = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(e - p));
		if (eq) {
			r->form[r->nform].k = url_decode(r->a, p, (size_t)(eq - p));
			r->form[r->nform].v = url_decode(r->a, eq + 1, (size_t)(e - eq - 1));
			r->nform++;
		}
		p = e + 1;
	}
}

const char *req_form(struct req *r, const char *name)
{
	if (!r->form)
		parse_urlencoded(r);
	for (int i = 0; i < r->nform; i++)
		if (strcmp(r->form[i].k, name) == 0)
			return r->form[i].v;
	return NULL;
}

const struct upload *req_upload(struct req *r, const char *field)
{
	for (int i = 0; i < r->nuploads; i++)
		if (!field || strcmp(r->uploads[i].field, field) == 0)
			return &r->uploads[i];
	return NULL;
}

static void decref(void *p) { json_decref(p); }

json_t *req_json(struct req *r)
{
	const char *ct = req_header(r, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
		res_fail(r, 415, "http.content_type", "Type de contenu attendu : application/json.");
		return NULL;
	}
	json_error_t je;
	json_t *j = json_loadb(r->body.data ? r->body.data : "", r->body.len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		res_fail(r, 400, "json.malformed", "JSON mal formé (ligne %d, colonne %d) : %s.", je.line, je.column, je.text);
		return NULL;
	}
	arena_defer(r->a, decref, j);
	if (!json_is_object(j)) {
		res_fail(r, 400, "json.objet", "Un objet JSON est attendu.");
		return NULL;
	}
	return j;
}

json_t *req_form_json(struct req *r, const char *field)
{
	const char *v = req_form(r, field);
	json_error_t je;
	json_t *j = v ? json_loads(v, JSON_REJECT_DUPLICATES, &je) : NULL;
	if (!j)
		res_fail(r, 400, "json.malformed", "Champ « %s » : JSON attendu%s%s.", field, v ? " — " : "", v ? je.text : "");
	return j;
}
