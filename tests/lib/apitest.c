#include "apitest.h"
#include "core/dates.h"
#include "httptest.h"
#include "identity/identity.h"
#include "web/pdfdoc.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void at_token(struct srv *s, db *d, const char *login, char out[80])
{
	(void)s;
	char raw[64], h[65];
	identity_random_token(raw);
	snprintf(out, 80, "opl_%s", raw);
	identity_sha256_hex(out, h);
	struct err e;
	db_run(d, &e, "INSERT INTO api_tokens (token_hash, user_id, tenant_id, roles, label, created_at)"
		      " SELECT $1, u.id, m.tenant_id, m.roles, 't', 0 FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.login = $2",
	       "tt", h, login);
}

long at_req(struct srv *s, const char *token, const char *method, const char *path, const char *ctype, const char *body,
	    struct ht_resp *r)
{
	char auth[128];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
	const char *h[] = { auth, NULL };
	ht_request(method, srv_url(s, path), ctype, body, body ? strlen(body) : 0, token ? h : NULL, NULL, r);
	return r->status;
}

int64_t at_json_id(const struct ht_resp *r, const char *key)
{
	json_t *j = json_loads(r->body.data ? r->body.data : "", 0, NULL);
	int64_t v = json_integer_value(json_object_get(j, key));
	json_decref(j);
	return v;
}

int64_t at_one(db *d, const char *sql, const char *arg)
{
	struct err e;
	int rc;
	db_stmt *st = db_query(d, &e, &rc, sql, arg ? "t" : "", arg);
	int64_t v = st && rc == DB_ROW ? db_col_int64(st, 0) : 0;
	if (st)
		db_finalize(st);
	return v;
}

int64_t at_one_i(db *d, const char *sql, int64_t arg)
{
	struct err e;
	int rc;
	db_stmt *st = db_query(d, &e, &rc, sql, "i", arg);
	int64_t v = st && rc == DB_ROW ? db_col_int64(st, 0) : -1;
	if (st)
		db_finalize(st);
	return v;
}

int64_t at_desk(db *d, const char *name)
{
	return at_one(d, "SELECT id FROM desks WHERE name = $1 ORDER BY id LIMIT 1", name);
}

int64_t at_user(db *d, const char *login)
{
	return at_one(d, "SELECT id FROM users WHERE login = $1", login);
}

size_t at_sh(char *out, size_t n, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	size_t k = p ? fread(out, 1, n - 1, p) : 0;
	out[k] = '\0';
	if (p)
		pclose(p);
	return k;
}

int at_run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int64_t at_folder(struct srv *s, const char *token, const char *dossier, const char *pdf)
{
	char out[2048];
	at_sh(out, sizeof out, "curl -s -H 'Authorization: Bearer %s' -F 'dossier=%s' -F 'principal=@%s' %s", token, dossier, pdf,
	      srv_url(s, "/api/v1/parapheur/dossiers"));
	json_t *j = json_loads(out, 0, NULL);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	if (!id)
		printf("# folder not created: %s\n", out);
	return id;
}

int at_pdf(const char *path, const char *title, const char *para)
{
	struct err e;
	pdfdoc *p = pdfdoc_new(path, "test", &e);
	if (!p)
		return -1;
	if (title)
		pdfdoc_title(p, title);
	if (para)
		pdfdoc_para(p, para);
	return pdfdoc_finish(p, &e) == 0 ? 0 : -1;
}

json_t *at_api(struct srv *s, const char *token, const char *method, const char *path, const char *body, long *status)
{
	struct ht_resp r;
	at_raw(s, token, method, path, body, &r);
	if (status)
		*status = r.status;
	json_t *j = json_loads(r.body.data ? r.body.data : "", 0, NULL);
	ht_resp_free(&r);
	return j;
}

long at_login(struct srv *s, const char *jar, const char *login, char csrf[80])
{
	char body[256];
	struct ht_resp r;
	snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"Opale-Demo-2024!\"}", login);
	remove(jar);
	ht_request("POST", srv_url(s, "/api/v1/session"), "application/json", body, strlen(body), NULL, jar, &r);
	const char *p = strstr(r.body.data ? r.body.data : "", "\"csrf\":\"");
	csrf[0] = '\0';
	if (p)
		snprintf(csrf, 80, "%.*s", (int)strcspn(p + 8, "\""), p + 8);
	long st = r.status;
	ht_resp_free(&r);
	return st;
}

long at_form(struct srv *s, const char *jar, const char *csrf, const char *path, const char *fields, char location[256])
{
	char body[2048];
	snprintf(body, sizeof body, "csrf=%s%s%s", csrf, fields && *fields ? "&" : "", fields ? fields : "");
	struct ht_resp r;
	ht_request("POST", srv_url(s, path), "application/x-www-form-urlencoded", body, strlen(body), NULL, jar, &r);
	location[0] = '\0';
	const char *l = r.headers.data ? strcasestr(r.headers.data, "\nlocation: ") : NULL;
	if (l)
		snprintf(location, 256, "%.*s", (int)strcspn(l + 11, "\r\n"), l + 11);
	long st = r.status;
	ht_resp_free(&r);
	return st;
}

long at_raw(struct srv *s, const char *token, const char *method, const char *path, const char *json, struct ht_resp *r)
{
	return at_req(s, token, method, path, json ? "application/json" : NULL, json, r);
}

/* Writes the bytes to a temp file and runs the command fmt on it ("%s" = the file); its stdout. */
static char *run_on(const void *data, size_t len, const char *fmt)
{
	char path[] = "/tmp/opale-apitest-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return strdup("");
	int ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	buf out = BUF_INIT;
	char cmd[512];
	snprintf(cmd, sizeof cmd, fmt, path);
	FILE *p = ok ? popen(cmd, "r") : NULL;
	char chunk[4096];
	size_t n;
	while (p && (n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_add(&out, chunk, n);
	if (p)
		pclose(p);
	unlink(path);
	char *t = strdup(out.data ? out.data : "");
	buf_free(&out);
	return t;
}

char *at_pdf_text(const void *pdf, size_t len)
{
	char *s = run_on(pdf, len, "pdftotext -enc UTF-8 '%s' - 2>/dev/null");
	/* One line: whitespace runs become one space, a line broken after a hyphen is joined. */
	char *w = s;
	for (char *r = s; *r; r++) {
		if (*r == '\n' || *r == '\r' || *r == '\t' || *r == '\f' || *r == ' ') {
			if (w > s && w[-1] == '-' && *r != ' ')
				continue;
			if (w > s && w[-1] != ' ')
				*w++ = ' ';
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	return s;
}

int at_pdf_pages(const void *pdf, size_t len)
{
	char *s = run_on(pdf, len, "pdfinfo '%s' 2>/dev/null");
	const char *p = strstr(s, "\nPages:");
	int n = p ? atoi(p + 7) : -1;
	free(s);
	return n;
}

/* Quoted-printable decoding (soft line breaks, =XX), NUL-terminated. */
static void qp_decode(const buf *b, buf *out)
{
	for (size_t i = 0; i < b->len; i++) {
		char c = b->data[i];
		if (c == '=' && i + 1 < b->len && b->data[i + 1] == '\n') {
			i++;
		} else if (c == '=' && i + 2 < b->len && b->data[i + 1] == '\r' && b->data[i + 2] == '\n') {
			i += 2;
		} else if (c == '=' && i + 2 < b->len && isxdigit((unsigned char)b->data[i + 1]) && isxdigit((unsigned char)b->data[i + 2])) {
			char h[3] = { b->data[i + 1], b->data[i + 2], 0 };
			buf_putc(out, (char)strtol(h, NULL, 16));
			i += 2;
		} else {
			buf_putc(out, c);
		}
	}
	buf_putc(out, '\0');
}

int at_mail(const char *maildir, const char *addr, const char *const *needles, int secs, buf *body)
{
	char dir[512], to[300];
	snprintf(dir, sizeof dir, "%s/new", maildir ? maildir : "");
	snprintf(to, sizeof to, "X-Envelope-To: %s", addr);
	for (int tries = 0; maildir && tries < secs * 10; tries++) {
		DIR *dd = opendir(dir);
		struct dirent *de;
		while (dd && (de = readdir(dd))) {
			if (de->d_name[0] == '.')
				continue;
			char f[1024];
			snprintf(f, sizeof f, "%s/%s", dir, de->d_name);
			buf b = BUF_INIT, c = BUF_INIT;
			int ok = buf_read_file(&b, f, 0) == 0 && b.data && strstr(b.data, to);
			if (ok) {
				qp_decode(&b, &c);
				for (const char *const *n = needles; *n && ok; n++)
					ok = strstr(c.data, *n) != NULL;
			}
			if (ok) {
				if (body)
					buf_puts(body, c.data);
				unlink(f);
			}
			buf_free(&b);
			buf_free(&c);
			if (ok) {
				closedir(dd);
				return 1;
			}
		}
		if (dd)
			closedir(dd);
		usleep(100000);
	}
	return 0;
}

void at_day_plus(int days, char out[20])
{
	struct paris_time p;
	paris_from_utc(identity_now() + days * 86400, &p, NULL);
	snprintf(out, 20, "%04d-%02d-%02dT18:30", p.date.y, p.date.m, p.date.d);
}

int at_wait_acte(struct srv *s, const char *token, int64_t id, const char *etat, int secs)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/actes/%lld", (long long)id);
	for (int i = 0; i < secs * 10; i++) {
		json_t *a = at_api(s, token, "GET", path, NULL, NULL);
		const char *e = json_string_value(json_object_get(a, "etat"));
		int ok = e && strcmp(e, etat) == 0;
		json_decref(a);
		if (ok)
			return 1;
		usleep(100000);
	}
	char why[128];
	snprintf(why, sizeof why, "act %lld never became %s", (long long)id, etat);
	srv_diagnose(s, why);
	return 0;
}
