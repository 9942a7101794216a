/* core_routes: home page, static files, health, metrics, accessibility statement. */
#include "core/embed.h"
#include "core/version.h"
#include "http/http.h"
#include "http/metrics.h"
#include "web/page.h"

#include <string.h>

static int home(struct req *r)
{
	if (r->user_id)
		return res_redirect(r, "/tableau-de-bord");
	return page_render(r, 200, "home", "Accueil", json_pack("{s:b}", "logged", r->user_id != 0));
}
OPALE_ROUTE(home, "GET", "/", home, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

static int accessibilite(struct req *r)
{
	return page_render(r, 200, "accessibilite", "Accessibilité", NULL);
}
OPALE_ROUTE(accessibilite, "GET", "/accessibilite", accessibilite, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

static const struct { const char *ext, *ctype; } types[] = {
	{ ".css", "text/css; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" }, { ".png", "image/png" }, { ".ico", "image/x-icon" },
};

/* Static files come only from the embedded table, looked up by exact name: no filesystem path is
 * ever built from the URL. */
static int static_file(struct req *r)
{
	const char *name = req_param(r, "name");
	char path[256];
	if (!name || strlen(name) > 200)
		return res_fail(r, 404, "route.inconnue", "Fichier introuvable.");
	snprintf(path, sizeof path, "web/static/%s", name);
	const struct embedded_file *f = embed_find(path);
	if (!f)
		return res_fail(r, 404, "route.inconnue", "Fichier introuvable.");
	const char *ct = "application/octet-stream";
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			ct = types[i].ctype;
	res_header(r, "Cache-Control", "public, max-age=3600");
	return res_text(r, 200, ct, f->data, f->len);
}
OPALE_ROUTE(static_file, "GET", "/static/:name", static_file, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

static int healthz(struct req *r)
{
	struct err e = { 0 };
	if (http_health_hook && http_health_hook(&e) < 0)
		return res_fail(r, 503, "sante.base", "Base de données injoignable : %s", e.msg);
	return res_json(r, 200, json_pack("{s:s,s:s}", "status", "ok", "version", OPALE_VERSION));
}
OPALE_ROUTE(healthz, "GET", "/healthz", healthz, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

static int metrics(struct req *r)
{
	buf b = BUF_INIT;
	metrics_render_all(&b);
	res_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.data ? b.data : "", b.len);
	buf_free(&b);
	return 0;
}
OPALE_ROUTE(metrics, "GET", "/metrics", metrics, ROLE_PUBLIC, SCOPE_PUBLIC, 0);
