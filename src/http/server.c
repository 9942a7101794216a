/* server: libmicrohttpd glue — one req per request, route match and checks before the body is
 * read (so a refused 2 GB upload is never read), bodies bounded or streamed to disk while hashed,
 * one JSON access-log line per request, metrics, graceful stop. */
#include "http/http.h"
#include "http/metrics.h"
#include "core/config.h"
#include "core/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int (*http_auth_hook)(struct req *r);
int (*http_csrf_ok_hook)(struct req *r);
int (*http_health_hook)(struct err *e);

static struct MHD_Daemon *daemon_;
static char tmp_dir[1024];

#define MAX_UPLOADS 512   /* files per request: a séance pushed whole has one per projet and annex */
#define MAX_FORM 128

struct conn_state {
	struct req r;
	struct MHD_PostProcessor *pp;
	int early;                  /* response decided before the body: discard the body */
	int queued;
	int raw_upload;             /* RF_UPLOAD with a non-form content type */
	struct upload *cur;         /* file being streamed */
	int cur_fd;
	EVP_MD_CTX *md;
	uint64_t upload_total;
};

static int is_unsafe(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

static int tls_on;

/* True when ip is listed in cfg.trusted_proxies (addresses separated by commas or spaces). */
static int trusted_proxy(const char *ip)
{
	size_t l = strlen(ip);
	for (const char *p = cfg.trusted_proxies; *p;) {
		p += strspn(p, ", \t");
		size_t n = strcspn(p, ", \t");
		if (n && n == l && strncmp(p, ip, n) == 0)
			return 1;
		p += n;
	}
	return 0;
}

/* Behind a trusted proxy, the client is the rightmost X-Forwarded-For entry: the address the proxy
 * itself saw (entries further left come from the client and may be forged). */
static void forwarded_ip(struct MHD_Connection *c, char *s, size_t n)
{
	const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
	if (!xff || !trusted_proxy(s))
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	char ip[INET6_ADDRSTRLEN];
	last += strspn(last, " \t");
	size_t len = strcspn(last, " \t");
	if (len == 0 || len >= sizeof ip)
		return;
	memcpy(ip, last, len);
	ip[len] = 0;
	unsigned char bin[16];
	if (inet_pton(AF_INET, ip, bin) == 1 || inet_pton(AF_INET6, ip, bin) == 1)
		snprintf(s, n, "%s", ip);
}

static const char *client_ip(struct MHD_Connection *c, arena *a)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char s[INET6_ADDRSTRLEN] = "?";
	if (ci && ci->client_addr) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, s, sizeof s);
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, s, sizeof s);
	}
	if (cfg.trusted_proxies[0])
		forwarded_ip(c, s, sizeof s);
	return arena_strdup(a, s);
}

static void finish_upload(struct conn_state *cs)
{
	if (!cs->cur)
		return;
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_DigestFinal_ex(cs->md, md, &mdlen);
	for (int i = 0; i < 32; i++)
		sprintf(cs->cur->sha256 + 2 * i, "%02x", md[i]);
	if (cs->cur_fd >= 0)
		close(cs->cur_fd);
	cs->cur_fd = -1;
	cs->cur = NULL;
}

/* Keeps only the last path component, bounded, without control characters. */
static const char *safe_filename(arena *a, const char *name)
{
	if (!name || !*name)
		return "fichier";
	const char *b = strrchr(name, '/');
	const char *b2 = strrchr(name, '\\');
	if (b2 && (!b || b2 > b))
		b = b2;
	name = b ? b + 1 : name;
	char *d = arena_strndup(a, name, 200);
	for (char *p = d; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '_';
	if (!*d || strcmp(d, ".") == 0 || strcmp(d, "..") == 0)
		return "fichier";
	return d;
}

static int open_upload(struct conn_state *cs, const char *field, const char *filename, const char *ctype)
{
	struct req *r = &cs->r;
	finish_upload(cs);
	if (r->nuploads >= MAX_UPLOADS)
		return res_fail(r, 413, "http.too_many_files", "Trop de fichiers dans un même envoi (%d au plus).", MAX_UPLOADS);
	if (!r->uploads)
		r->uploads = arena_alloc(r->a, sizeof(struct upload) * MAX_UPLOADS);
	struct upload *u = &r->uploads[r->nuploads];
	memset(u, 0, sizeof *u);
	char *path = arena_printf(r->a, "%s/upload-XXXXXX", tmp_dir);
	int fd = mkstemp(path);
	if (fd < 0)
		return res_fail(r, 500, "http.tmp", "Impossible d'enregistrer le fichier reçu (%s).", strerror(errno));
	u->field = arena_strdup(r->a, field ? field : "file");
	u->filename = safe_filename(r->a, filename);
	u->ctype = arena_strdup(r->a, ctype ? ctype : "application/octet-stream");
	u->path = path;
	r->nuploads++;
	cs->cur = u;
	cs->cur_fd = fd;
	if (!cs->md)
		cs->md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(cs->md, EVP_sha256(), NULL);
	return 0;
}

static int write_upload(struct conn_state *cs, const char *data, size_t size)
{
	struct req *r = &cs->r;
	cs->upload_total += size;
	if (cs->upload_total > cfg.max_upload)
		return res_fail(r, 413, "http.too_large", "Fichier trop volumineux : %zu octets au plus.", cfg.max_upload);
	EVP_DigestUpdate(cs->md, data, size);
	cs->cur->size += size;
	while (size) {
		ssize_t n = write(cs->cur_fd, data, size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return res_fail(r, 507, "http.disk", "Écriture du fichier reçu impossible (%s).", strerror(errno));
		}
		data += n;
		size -= (size_t)n;
	}
	return 0;
}

static void form_add(struct req *r, const char *k, const char *v, size_t vlen, int append)
{
	if (append && r->nform && strcmp(r->form[r->nform - 1].k, k) == 0) {
		const char *old = r->form[r->nform - 1].v;
		size_t ol = strlen(old);
		char *n = arena_alloc(r->a, ol + vlen + 1);
		memcpy(n, old, ol);
		memcpy(n + ol, v, vlen);
		n[ol + vlen] = '\0';
		r->form[r->nform - 1].v = n;
		return;
	}
	if (!r->form)
		r->form = arena_alloc(r->a, sizeof(struct kv) * MAX_FORM);
	if (r->nform >= MAX_FORM)
		return;
	r->form[r->nform].k = arena_strdup(r->a, k);
	r->form[r->nform].v = arena_strndup(r->a, v, vlen);
	r->nform++;
}

static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
				 const char *ctype, const char *enc, const char *data, uint64_t off, size_t size)
{
	(void)kind;
	(void)enc;
	struct conn_state *cs = cls;
	struct req *r = &cs->r;
	if (filename) {
		if (off == 0 && open_upload(cs, key, filename, ctype) < 0)
			return MHD_NO;
		if (size && cs->cur && write_upload(cs, data, size) < 0)
			return MHD_NO;
		return MHD_YES;
	}
	finish_upload(cs);
	r->body.len += size;   /* text fields count against the body limit */
	if (r->body.len > cfg.max_body) {
		res_fail(r, 413, "http.too_large", "Formulaire trop volumineux : %zu octets au plus.", cfg.max_body);
		return MHD_NO;
	}
	form_add(r, key, data ? data : "", size, off > 0);
	return MHD_YES;
}

static void log_access(struct req *r)
{
	uint64_t us = http_now_us() - r->t0_us;
	metrics_observe(r->status, us, r->route ? r->route->pattern : NULL);
	/* the access line is of level info: not built under --log-level warn (bench P2: ~4 µs and a
	 * write(2) per request), except for server errors */
	if (!log_enabled(LOG_INFO) && r->status < 500)
		return;
	buf b = BUF_INIT;
	buf_puts(&b, "\"level\":\"info\",\"msg\":\"request\",\"method\":");
	buf_json_str(&b, r->method);
	buf_puts(&b, ",\"path\":");
	buf_json_str(&b, r->path);
	buf_printf(&b, ",\"status\":%d,\"us\":%llu,\"tenant\":%lld,\"user\":%lld", r->status,
		   (unsigned long long)us, (long long)r->tenant_id, (long long)r->user_id);
	if (r->status >= 400 && r->err.code[0]) {
		buf_puts(&b, ",\"error\":");
		buf_json_str(&b, r->err.code);
	}
	log_line(b.data);
	buf_free(&b);
}

static void free_data(void *p) { free(p); }

static enum MHD_Result queue(struct MHD_Connection *c, struct conn_state *cs)
{
	struct req *r = &cs->r;
	struct MHD_Response *resp = NULL;
	if (r->send_path) {
		int fd = open(r->send_path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (r->send_unlink)
			unlink(r->send_path);
		if (fd >= 0 && fstat(fd, &st) == 0) {
			resp = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
		} else {
			if (fd >= 0)
				close(fd);
			res_fail(r, 404, "document.absent", "Document introuvable sur le disque.");
			res_error(r);
		}
	}
	if (!resp) {
		size_t len = r->out.len;
		char *data = buf_detach(&r->out);
		resp = MHD_create_response_from_buffer_with_free_callback(len, data, free_data);
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", r->ctype ? r->ctype : "text/plain; charset=utf-8");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	int has_frame = 0, has_csp = 0;
	for (int i = 0; i < r->nheaders; i++) {
		MHD_add_response_header(resp, r->headers[i].k, r->headers[i].v);
		has_frame |= strcasecmp(r->headers[i].k, "X-Frame-Options") == 0 ||
			     strcasecmp(r->headers[i].k, "Content-Security-Policy") == 0;
		has_csp |= strcasecmp(r->headers[i].k, "Content-Security-Policy") == 0;
	}
	if (!has_frame)
		MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (!has_csp)
		MHD_add_response_header(resp, "Content-Security-Policy",
					"default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'");
	if (tls_on)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=63072000; includeSubDomains");
	if (cs->early)
		MHD_add_response_header(resp, "Connection", "close");
	enum MHD_Result rc = MHD_queue_response(c, (unsigned)(r->status ? r->status : 200), resp);
	MHD_destroy_response(resp);
	cs->queued = 1;
	return rc;
}

/* Runs the handler (or the error already decided) and queues the response. */
static enum MHD_Result respond(struct MHD_Connection *c, struct conn_state *cs)
{
	struct req *r = &cs->r;
	finish_upload(cs);
	/* CSRF is checked once the body is in: the token may be a form field. */
	if (!r->err.status && r->route && is_unsafe(r->method) && !(r->route->flags & RF_NO_CSRF) && !r->via_token &&
	    http_csrf_ok_hook && !http_csrf_ok_hook(r))
		res_fail(r, 403, "csrf.invalide", "Jeton de sécurité du formulaire absent ou expiré : rechargez la page.");
	if (!r->err.status && r->route) {
		if (r->route->handler(r) < 0) {
			if (!r->err.status)
				res_fail(r, 500, "interne", "Erreur interne.");
			res_error(r);
		}
	} else if (r->err.status) {
		res_error(r);
	}
	return queue(c, cs);
}

/* Checks done when the headers are in: route, authentication, role, tier, CSRF, declared size. */
static void precheck(struct conn_state *cs)
{
	struct req *r = &cs->r;
	int found = 0;
	r->route = http_match(r->method, r->path, r->params, &r->nparams, &found, r->a);
	if (!r->route) {
		if (strstr(r->path, "..") || strstr(r->path, "%2e%2e") || strstr(r->path, "%2E%2E"))
			res_fail(r, 400, "http.chemin", "Chemin refusé.");
		else if (found)
			res_fail(r, 405, "http.methode", "Méthode %s non permise ici.", r->method);
		else
			res_fail(r, 404, "route.inconnue", "Page introuvable.");
		return;
	}
	if (http_auth_hook && http_auth_hook(r) < 0)
		return;  /* hook filled r->err (expired session…) */
	const struct route *rt = r->route;
	if (rt->roles != ROLE_PUBLIC) {
		if (!r->user_id) {
			if (r->is_api) {
				res_fail(r, 401, "auth.required", "Authentification requise.");
			} else {
				res_fail(r, 303, "auth.required", "Veuillez vous connecter.");
				res_header(r, "Location", arena_printf(r->a, "/connexion?retour=%s", r->path));
			}
			return;
		}
		if (rt->scope == SCOPE_TENANT && !r->tenant_id) {
			res_fail(r, 403, "tenant.required", "Choisissez d'abord une collectivité.");
			return;
		}
		if (!(r->roles & rt->roles)) {
			res_fail(r, 403, "auth.forbidden", "Votre rôle ne permet pas cette action.");
			return;
		}
		unsigned tiers = rt->flags & (RF_TIER_PARAPHEUR | RF_TIER_TELETRANSMISSION | RF_TIER_IDELIBRE);
		if (tiers && !(r->tiers & tiers) && !(r->roles & ROLE_OPERATOR)) {
			res_fail(r, 403, "tier.absent", "Ce service n'est pas souscrit par la collectivité.");
			return;
		}
	}
	const char *cl = req_header(r, "Content-Length");
	if (cl) {
		unsigned long long n = strtoull(cl, NULL, 10);
		size_t limit = (rt->flags & RF_UPLOAD) ? cfg.max_upload : cfg.max_body;
		if (n > limit)
			res_fail(r, 413, "http.too_large", "Envoi trop volumineux : %zu octets au plus.", limit);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *data, size_t *size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct conn_state *cs = *con_cls;
	if (!cs) {
		cs = xcalloc(1, sizeof *cs);
		*con_cls = cs;
		struct req *r = &cs->r;
		r->a = arena_new();
		r->t0_us = http_now_us();
		r->conn = c;
		r->method = arena_strdup(r->a, method);
		r->path = arena_strdup(r->a, url);
		r->is_api = strncmp(url, "/api/", 5) == 0;
		r->ip = client_ip(c, r->a);
		cs->cur_fd = -1;
		precheck(cs);
		if (r->err.status) {
			cs->early = 1;
			return respond(c, cs);
		}
		if (r->route->flags & RF_UPLOAD) {
			const char *ct = req_header(r, "Content-Type");
			if (ct && (strncasecmp(ct, "multipart/form-data", 19) == 0 ||
				   strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)) {
				cs->pp = MHD_create_post_processor(c, 64 * 1024, post_iter, cs);
				if (!cs->pp) {
					res_fail(r, 400, "http.multipart", "Formulaire multipart mal formé.");
					cs->early = 1;
					return respond(c, cs);
				}
			} else if (is_unsafe(r->method)) {
				cs->raw_upload = 1;
			}
		}
		return MHD_YES;
	}
	struct req *r = &cs->r;
	if (cs->queued) {
		*size = 0;
		return MHD_YES;
	}
	if (*size) {
		if (cs->pp) {
			if (MHD_post_process(cs->pp, data, *size) != MHD_YES && !r->err.status)
				res_fail(r, 400, "http.multipart", "Formulaire multipart mal formé.");
		} else if (cs->raw_upload) {
			if (!cs->cur && open_upload(cs, "file", req_header(r, "X-Filename"), req_header(r, "Content-Type")) < 0)
				;
			else
				write_upload(cs, data, *size);
		} else if (r->body.len + *size > cfg.max_body) {
			res_fail(r, 413, "http.too_large", "Corps de requête trop volumineux : %zu octets au plus.", cfg.max_body);
		} else {
			buf_add(&r->body, data, *size);
		}
		*size = 0;
		if (r->err.status) {
			cs->early = 1;
			return respond(c, cs);
		}
		return MHD_YES;
	}
	return respond(c, cs);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	struct conn_state *cs = *con_cls;
	if (!cs)
		return;
	struct req *r = &cs->r;
	if (!cs->queued)
		r->status = toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? 408 : 499;
	log_access(r);
	if (cs->cur_fd >= 0)
		close(cs->cur_fd);
	if (cs->pp)
		MHD_destroy_post_processor(cs->pp);
	if (cs->md)
		EVP_MD_CTX_free(cs->md);
	for (int i = 0; i < r->nuploads; i++)
		unlink(r->uploads[i].path);  /* moved ones are gone already: ENOENT is fine */
	buf_free(&r->body);
	buf_free(&r->out);
	arena_free(r->a);
	free(cs);
	*con_cls = NULL;
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, struct err *e)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host)
		return err_set(e, 400, "config.listen", "Adresse d'écoute invalide « %s » (attendu ADRESSE:PORT).", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	int port = atoi(colon + 1);
	if (port <= 0 || port > 65535)
		return err_set(e, 400, "config.listen", "Port invalide dans « %s ».", listen);
	memset(ss, 0, sizeof *ss);
	char *h = host;
	if (h[0] == '[') {
		h++;
		h[strlen(h) - 1] = '\0';
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, h, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, h, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
	} else {
		return err_set(e, 400, "config.listen", "Adresse IP invalide dans « %s ».", listen);
	}
	return 0;
}

int http_start(const struct http_settings *s, struct err *e)
{
	struct sockaddr_storage ss;
	if (parse_listen(s->listen, &ss, e) < 0)
		return -1;
	snprintf(tmp_dir, sizeof tmp_dir, "%s", s->tmp_dir);
	mkdir(tmp_dir, 0750);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ITC;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* Direct TLS (small installs): GnuTLS inside libmicrohttpd, TLS 1.2 and 1.3 only. */
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)s->tls_cert_pem },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)s->tls_key_pem },
		{ MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2" },
		{ MHD_OPTION_END, 0, NULL },
	};
	tls_on = s->tls_cert_pem && s->tls_key_pem;
	if (tls_on) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
			return err_set(e, 500, "http.tls", "Cette libmicrohttpd n'a pas été construite avec TLS (GnuTLS).");
		flags |= MHD_USE_TLS;
	} else {
		tls[0].option = MHD_OPTION_END;
	}
	daemon_ = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
				   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				   MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(s->threads ? s->threads : 2),
				   MHD_OPTION_CONNECTION_LIMIT, cfg.max_connections ? cfg.max_connections : 1024,
				   MHD_OPTION_CONNECTION_TIMEOUT, cfg.conn_timeout ? cfg.conn_timeout : 15,
				   MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg.header_limit ? cfg.header_limit : (size_t)65536,
				   MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
				   MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				   MHD_OPTION_ARRAY, tls,
				   MHD_OPTION_END);
	if (!daemon_ && tls_on)
		return err_set(e, 500, "http.tls", "Impossible d'écouter en TLS sur %s : port occupé, ou certificat et clé "
				"illisibles ou qui ne vont pas ensemble (PEM attendus).", s->listen);
	if (!daemon_)
		return err_set(e, 500, "http.listen", "Impossible d'écouter sur %s (port occupé ?).", s->listen);
	return 0;
}

void http_stop(void)
{
	if (!daemon_)
		return;
	MHD_quiesce_daemon(daemon_);
	for (int i = 0; i < 300; i++) {  /* up to 30 s for in-flight requests */
		const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!di || di->num_connections == 0)
			break;
		usleep(100000);
	}
	MHD_stop_daemon(daemon_);
	daemon_ = NULL;
}
