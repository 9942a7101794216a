/* page: layout around content templates; navigation follows the user's roles. */
#include "web/page.h"
#include "http/http.h"
#include "web/tmpl.h"

#include <string.h>

static const struct nav_item {
	const char *href, *label;
	unsigned roles;
} nav[] = {
	{ "/tableau-de-bord", "Tableau de bord", ROLE_ANY },
	{ "/recherche", "Recherche", ROLE_STAFF },
	{ "/operateur", "Console opérateur", ROLE_OPERATOR },
	{ "/operateur/taches", "File de tâches", ROLE_OPERATOR },
	{ "/parapheur", "Parapheur", ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_ADMIN | ROLE_AUDITOR },
	{ "/conventions", "Conventions", ROLE_ADMIN | ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_AUDITOR },
	{ "/actes", "Actes (préfecture)", ROLE_AGENT | ROLE_ADMIN | ROLE_AUDITOR },
	{ "/egalite", "Égalité", ROLE_ADMIN | ROLE_AUDITOR },
	{ "/seances", "Séances", ROLE_ADMIN | ROLE_AGENT | ROLE_SECRETAIRE | ROLE_AUDITOR },
	{ "/elu", "Mes séances", ROLE_ELU },
	{ "/helios", "Hélios", ROLE_AGENT | ROLE_ADMIN | ROLE_AUDITOR },
	{ "/mon-certificat", "Mon certificat", ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_ADMIN },
	{ "/verifier", "Vérifier une signature", ROLE_ANY },
	{ "/administration", "Administration", ROLE_ADMIN },
	{ "/audit", "Journal d'audit", ROLE_ADMIN | ROLE_AUDITOR },
};

static void take_flash(struct req *r, json_t *page)
{
	const char *f = req_cookie(r, "opale_flash");
	if (!f || !*f)
		return;
	const char *colon = strchr(f, ':');
	if (!colon)
		return;
	char kind[16];
	size_t kl = (size_t)(colon - f) < sizeof kind - 1 ? (size_t)(colon - f) : sizeof kind - 1;
	memcpy(kind, f, kl);
	kind[kl] = '\0';
	/* Decode the %XX text (written by res_flash). */
	buf t = BUF_INIT;
	for (const char *p = colon + 1; *p; p++) {
		if (*p == '%' && p[1] && p[2]) {
			char h[3] = { p[1], p[2], 0 };
			buf_putc(&t, (char)strtol(h, NULL, 16));
			p += 2;
		} else {
			buf_putc(&t, *p);
		}
	}
	json_object_set_new(page, "flash", json_pack("{s:s,s:s,s:b}", "kind", kind, "text", t.data ? t.data : "",
						    "error", strcmp(kind, "erreur") == 0));
	buf_free(&t);
	res_cookie(r, "opale_flash", "", -1);
}

int page_render(struct req *r, int status, const char *tmpl, const char *title, json_t *data)
{
	struct err e;
	buf content = BUF_INIT;
	if (!data)
		data = json_object();
	json_object_set_new(data, "csrf", json_string(r->csrf ? r->csrf : ""));
	if (tmpl_render(&content, tmpl, data, &e) < 0) {
		json_decref(data);
		buf_free(&content);
		return res_fail(r, 500, e.code, "%s", e.msg);
	}
	json_t *page = json_pack("{s:s,s:s,s:s}", "title", title, "content", content.data ? content.data : "",
				 "csrf", r->csrf ? r->csrf : "");
	buf_free(&content);
	if (r->user_id) {
		json_t *items = json_array();
		for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++)
			if (r->roles & nav[i].roles)
				json_array_append_new(items, json_pack("{s:s,s:s,s:b}", "href", nav[i].href, "label",
								       nav[i].label, "current", strcmp(r->path, nav[i].href) == 0));
		json_object_set_new(page, "user", json_pack("{s:s}", "name", r->user_name ? r->user_name : ""));
		json_object_set_new(page, "has_nav", json_boolean(json_array_size(items) > 0));
		json_object_set_new(page, "nav", items);
	}
	json_t *tenant = json_object_get(data, "tenant_name");
	if (tenant)
		json_object_set(page, "tenant_name", tenant);
	take_flash(r, page);
	buf_reset(&r->out);
	int rc = tmpl_render(&r->out, "layout", page, &e);
	json_decref(page);
	json_decref(data);
	if (rc < 0)
		return res_fail(r, 500, e.code, "%s", e.msg);
	r->status = status;
	r->ctype = "text/html; charset=utf-8";
	return 0;
}

void page_error(struct req *r, int status, const char *message)
{
	static const struct { int status; const char *title; } titles[] = {
		{ 400, "Demande incorrecte" }, { 401, "Connexion requise" }, { 403, "Accès refusé" },
		{ 404, "Page introuvable" }, { 405, "Méthode non permise" }, { 408, "Délai dépassé" },
		{ 409, "Conflit" }, { 413, "Envoi trop volumineux" }, { 415, "Type de contenu refusé" },
		{ 429, "Trop de tentatives" }, { 500, "Erreur interne" }, { 503, "Service indisponible" },
	};
	const char *title = "Erreur";
	for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
		if (titles[i].status == status)
			title = titles[i].title;
	json_t *d = json_pack("{s:s,s:s,s:i}", "title", title, "message", message, "status", status);
	if (page_render(r, status, "error", title, d) < 0) {
		/* The layout itself failed: answer plain text rather than nothing. */
		res_text(r, status, "text/plain; charset=utf-8", message, strlen(message));
	}
}
