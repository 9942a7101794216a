/* routes_portal: the public portal of a collectivité, /p/SIREN — no login (ROLE_PUBLIC): published acts
 * with search (words, decision dates, nature, matière), an act's page and its published PDF (SHA-256,
 * executory date), the Atom feed, the SCDL CSV of the published deliberations, and an embeddable page
 * (the only one that may be framed by another site). Only publications of that SIREN's collectivité
 * that are online now are ever read: every query is scoped to the tenant found by the SIREN. */
#include "publication/publier.h"
#include "actes/actes.h"
#include "core/config.h"
#include "core/dates.h"
#include "core/mem.h"
#include "http/http.h"
#include "publication/publication.h"
#include "store/store.h"
#include "web/page.h"
#include "web/tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct portal {
	db *d;
	int64_t tenant;
	const char *siren;
	char name[256], siret[16];
};

static int portal_of(struct req *r, struct portal *p)
{
	p->d = req_db(r);
	if (!p->d)
		return -1;
	p->siren = req_param(r, "siren");
	struct err e;
	p->tenant = pub_tenant_by_siren(p->d, p->siren, p->name, p->siret, &e);
	if (p->tenant < 0)
		return res_fail_err(r, &e);
	if (p->tenant == 0)
		return res_fail(r, 404, "portail.inconnu", "Aucune collectivité n'a ce numéro SIREN.");
	return 0;
}

/* The search form's values and the results page, shared by the portal and the embeddable page. */
static json_t *search_data(struct req *r, struct portal *p, const char *self)
{
	const char *q = req_query(r, "q"), *du = req_query(r, "du"), *au = req_query(r, "au"), *mat = req_query(r, "matiere"),
		   *nat = req_query(r, "nature"), *pg = req_query(r, "page");
	int nature = nat ? atoi(nat) : 0, page = pg ? atoi(pg) : 1;
	if (page < 1 || page > 1000)
		page = 1;
	struct pub_filter f = { q, du, au, nature, mat };
	struct err e;
	int more = 0;
	json_t *list = pub_list(p->d, p->tenant, &f, 20, (page - 1) * 20, &more, &e);
	if (!list) {
		res_fail_err(r, &e);
		return NULL;
	}
	json_t *natures = json_array();
	for (size_t i = 0; actes_nature_at(i); i++) {
		const struct actes_nature *n = actes_nature_at(i);
		json_array_append_new(natures, json_pack("{s:i,s:s,s:b}", "code", n->code, "label", n->label, "selected", n->code == nature));
	}
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:b,s:b,s:i}", "tenant_name", p->name, "siren", p->siren, "q",
			      q ? q : "", "du", du ? du : "", "au", au ? au : "", "matiere", mat ? mat : "", "natures", natures, "actes",
			      list, "has_actes", json_array_size(list) > 0, "suite", more, "page", page);
	json_object_set_new(o, "action", json_string(self));
	json_object_set_new(o, "cible", json_boolean(strstr(self, "/integration") != NULL));
	if (more) {
		buf u = BUF_INIT;
		buf_printf(&u, "%s?q=", self);
		buf_urlenc(&u, q ? q : "");
		buf_puts(&u, "&du=");
		buf_urlenc(&u, du ? du : "");
		buf_puts(&u, "&au=");
		buf_urlenc(&u, au ? au : "");
		buf_printf(&u, "&nature=%d&matiere=", nature);
		buf_urlenc(&u, mat ? mat : "");
		buf_printf(&u, "&page=%d", page + 1);
		json_object_set_new(o, "suite_url", json_string(u.data));
		buf_free(&u);
	}
	return o;
}

static int portal_home(struct req *r)
{
	struct portal p;
	if (portal_of(r, &p) < 0)
		return -1;
	char self[64];
	snprintf(self, sizeof self, "/p/%s", p.siren);
	json_t *data = search_data(r, &p, self);
	if (!data)
		return -1;
	char title[320];
	snprintf(title, sizeof title, "Actes publiés — %s", p.name);
	return page_render(r, 200, "portail", title, data);
}
OPALE_ROUTE(portal_home_r, "GET", "/p/:siren", portal_home, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

/* The collectivité of /p/:siren and its published act :id (visible now); NULL when the answer
 * (404) is already made. */
static json_t *portal_act_of(struct req *r, struct portal *p)
{
	if (portal_of(r, p) < 0)
		return NULL;
	int64_t id = req_param_id(r, "id");
	if (id <= 0)
		return NULL;
	struct err e;
	json_t *a = pub_get(p->d, p->tenant, id, &e);
	if (!a)
		res_fail_err(r, &e);
	return a;
}

static int portal_act(struct req *r)
{
	struct portal p;
	json_t *a = portal_act_of(r, &p);
	if (!a)
		return -1;
	char title[320];
	snprintf(title, sizeof title, "Acte %s — %s", json_string_value(json_object_get(a, "numero")), p.name);
	return page_render(r, 200, "portail_acte", title, json_pack("{s:s,s:s,s:o}", "tenant_name", p.name, "siren", p.siren, "a", a));
}
OPALE_ROUTE(portal_act_r, "GET", "/p/:siren/actes/:id", portal_act, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

static int portal_pdf(struct req *r)
{
	struct portal p;
	json_t *a = portal_act_of(r, &p);
	if (!a)
		return -1;
	char path[1200], name[128];
	const char *sha = json_string_value(json_object_get(a, "sha256"));
	store_path(sha, path, sizeof path);
	snprintf(name, sizeof name, "%s-%s-publie.pdf", p.siren, json_string_value(json_object_get(a, "numero")));
	res_header(r, "X-Content-SHA256", sha);
	res_header(r, "Cache-Control", "public, max-age=300");
	json_decref(a);
	return res_file(r, path, "application/pdf", name);
}
OPALE_ROUTE(portal_pdf_r, "GET", "/p/:siren/actes/:id/document.pdf", portal_pdf, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

/* « Séances »: the published listes des délibérations and procès-verbaux, by séance. */
static int portal_seances(struct req *r)
{
	struct portal p;
	if (portal_of(r, &p) < 0)
		return -1;
	struct err e;
	json_t *list = pub_seances(p.d, p.tenant, p.siren, 100, &e);
	if (!list)
		return res_fail_err(r, &e);
	char title[320];
	snprintf(title, sizeof title, "Séances — %s", p.name);
	return page_render(r, 200, "portail_seances", title,
			   json_pack("{s:s,s:s,s:b,s:o}", "tenant_name", p.name, "siren", p.siren, "has_seances", json_array_size(list) > 0,
				     "seances", list));
}
OPALE_ROUTE(portal_seances_r, "GET", "/p/:siren/seances", portal_seances, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

static int portal_seance_pdf(struct req *r, const char *kind)
{
	struct portal p;
	if (portal_of(r, &p) < 0)
		return -1;
	int64_t id = req_param_id(r, "id");
	if (id <= 0)
		return -1;
	struct err e;
	char sha[65], path[1200], name[128];
	int rc = pub_seance_doc(p.d, p.tenant, id, kind, sha, &e);
	if (rc < 0)
		return res_fail_err(r, &e);
	if (rc == 0)
		return res_fail(r, 404, "portail.seance_inconnue", "Document de séance non publié ou introuvable.");
	store_path(sha, path, sizeof path);
	snprintf(name, sizeof name, "%s-seance-%lld-%s.pdf", p.siren, (long long)id, strcmp(kind, "pv") == 0 ? "proces-verbal" : "liste-deliberations");
	res_header(r, "X-Content-SHA256", sha);
	res_header(r, "Cache-Control", "public, max-age=300");
	return res_file(r, path, "application/pdf", name);
}
static int portal_seance_pv(struct req *r)
{
	return portal_seance_pdf(r, "pv");
}
static int portal_seance_liste(struct req *r)
{
	return portal_seance_pdf(r, "liste");
}
OPALE_ROUTE(portal_seance_pv_r, "GET", "/p/:siren/seances/:id/pv.pdf", portal_seance_pv, ROLE_PUBLIC, SCOPE_PUBLIC, 0);
OPALE_ROUTE(portal_seance_liste_r, "GET", "/p/:siren/seances/:id/liste.pdf", portal_seance_liste, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

/* Base URL for absolute links (feed, CSV): the configured public URL. */
static const char *base_url(void)
{
	static char b[256];
	snprintf(b, sizeof b, "%s", cfg.public_url);
	size_t n = strlen(b);
	while (n && b[n - 1] == '/')
		b[--n] = '\0';
	return b;
}

static void iso_utc(int64_t t, char out[24])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int64_t published_at(json_t *o)
{
	return (int64_t)json_integer_value(json_object_get(o, "publie_a"));
}

static int newest_first(const void *a, const void *b)
{
	int64_t x = published_at(*(json_t *const *)a), y = published_at(*(json_t *const *)b);
	return x < y ? 1 : x > y ? -1 : 0;
}

/* Sorts an array of objects by "publie_a", newest first. */
static void qsort_docs(json_t *docs)
{
	size_t n = json_array_size(docs);
	if (n < 2)
		return;
	json_t **v = xmalloc(n * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(docs, i));
	qsort(v, n, sizeof *v, newest_first);
	json_array_clear(docs);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(docs, v[i]);
	free(v);
}

/* An Atom entry for a séance's published document (from pub_seances, with its séance's organe, date_fr
 * and seance_id copied in). */
static void feed_seance_entry(buf *b, const char *base, json_t *doc)
{
	char upd[24];
	iso_utc(json_integer_value(json_object_get(doc, "publie_a")), upd);
	const char *url = json_string_value(json_object_get(doc, "url"));
	buf_puts(b, "  <entry>\n    <title>");
	buf_html(b, json_string_value(json_object_get(doc, "libelle")));
	buf_puts(b, " — ");
	buf_html(b, json_string_value(json_object_get(doc, "organe")));
	buf_puts(b, ", séance du ");
	buf_html(b, json_string_value(json_object_get(doc, "date_fr")));
	buf_printf(b, "</title>\n    <id>%s%s</id>\n    <updated>%s</updated>\n    <published>%s</published>\n", base, url, upd, upd);
	buf_printf(b, "    <link rel=\"alternate\" type=\"text/html\" href=\"%s%.*s/seances#seance-%lld\"/>\n", base,
		   (int)(strstr(url, "/seances/") - url), url, (long long)json_integer_value(json_object_get(doc, "seance_id")));
	buf_printf(b, "    <link rel=\"enclosure\" type=\"application/pdf\" href=\"%s%s\" length=\"%lld\"/>\n", base, url,
		   (long long)json_integer_value(json_object_get(doc, "taille")));
	buf_puts(b, "    <category term=\"Séances\"/>\n    <summary>");
	buf_html(b, json_string_value(json_object_get(doc, "libelle")));
	buf_printf(b, " mis en ligne le %s. SHA-256 : %s</summary>\n  </entry>\n", json_string_value(json_object_get(doc, "publie_le")),
		   json_string_value(json_object_get(doc, "sha256")));
}

static int portal_feed(struct req *r)
{
	struct portal p;
	if (portal_of(r, &p) < 0)
		return -1;
	struct pub_filter f = { 0 };
	struct err e;
	int more;
	json_t *list = pub_list(p.d, p.tenant, &f, 50, 0, &more, &e);
	if (!list)
		return res_fail_err(r, &e);
	const char *base = base_url();
	buf b = BUF_INIT;
	char upd[24];
	json_t *first = json_array_get(list, 0);
	iso_utc(first ? json_integer_value(json_object_get(first, "publie_a")) : 0, upd);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n  <title>Actes publiés — ");
	buf_html(&b, p.name);
	buf_printf(&b, "</title>\n  <id>%s/p/%s</id>\n", base, p.siren);
	buf_printf(&b, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"%s/p/%s/flux.atom\"/>\n", base, p.siren);
	buf_printf(&b, "  <link rel=\"alternate\" type=\"text/html\" href=\"%s/p/%s\"/>\n  <author><name>", base, p.siren);
	buf_html(&b, p.name);
	buf_puts(&b, "</name></author>\n");
	/* the séances' documents go into the same feed, newest publication first with the acts */
	json_t *seances = pub_seances(p.d, p.tenant, p.siren, 50, &e), *docs = json_array(), *sv, *dv;
	if (!seances) {
		json_decref(list);
		json_decref(docs);
		buf_free(&b);
		return res_fail_err(r, &e);
	}
	size_t i, k;
	json_array_foreach(seances, i, sv) json_array_foreach(json_object_get(sv, "documents"), k, dv) {
		json_object_set(dv, "organe", json_object_get(sv, "organe"));
		json_object_set(dv, "date_fr", json_object_get(sv, "date_fr"));
		json_object_set(dv, "seance_id", json_object_get(sv, "id"));
		json_array_append(docs, dv);
	}
	size_t na = json_array_size(list), nd = json_array_size(docs), ia = 0, idoc = 0;
	qsort_docs(docs);
	int64_t newest = first ? json_integer_value(json_object_get(first, "publie_a")) : 0;
	if (nd && published_at(json_array_get(docs, 0)) > newest)
		newest = published_at(json_array_get(docs, 0));
	iso_utc(newest, upd);
	buf_printf(&b, "  <updated>%s</updated>\n", upd);
	while ((ia < na || idoc < nd) && ia + idoc < 50) {
		json_t *a = ia < na ? json_array_get(list, ia) : NULL, *dc = idoc < nd ? json_array_get(docs, idoc) : NULL;
		if (dc && (!a || published_at(dc) > published_at(a))) {
			feed_seance_entry(&b, base, dc);
			idoc++;
			continue;
		}
		ia++;
		long long id = (long long)json_integer_value(json_object_get(a, "id"));
		iso_utc(json_integer_value(json_object_get(a, "publie_a")), upd);
		buf_puts(&b, "  <entry>\n    <title>");
		buf_html(&b, json_string_value(json_object_get(a, "numero")));
		buf_puts(&b, " — ");
		buf_html(&b, json_string_value(json_object_get(a, "objet")));
		buf_printf(&b, "</title>\n    <id>%s/p/%s/actes/%lld</id>\n    <updated>%s</updated>\n    <published>%s</published>\n", base,
			   p.siren, id, upd, upd);
		buf_printf(&b, "    <link rel=\"alternate\" type=\"text/html\" href=\"%s/p/%s/actes/%lld\"/>\n", base, p.siren, id);
		buf_printf(&b, "    <link rel=\"enclosure\" type=\"application/pdf\" href=\"%s/p/%s/actes/%lld/document.pdf\" length=\"%lld\"/>\n",
			   base, p.siren, id, (long long)json_integer_value(json_object_get(a, "taille")));
		buf_puts(&b, "    <category term=\"");
		buf_html(&b, json_string_value(json_object_get(a, "nature_libelle")));
		buf_puts(&b, "\"/>\n    <summary>");
		buf_html(&b, json_string_value(json_object_get(a, "nature_libelle")));
		buf_printf(&b, " du %s, publié le %s par ", json_string_value(json_object_get(a, "date_decision_fr")),
			   json_string_value(json_object_get(a, "date_publication_fr")));
		buf_html(&b, json_string_value(json_object_get(a, "auteur")));
		buf_printf(&b, ". SHA-256 : %s</summary>\n  </entry>\n", json_string_value(json_object_get(a, "sha256")));
	}
	buf_puts(&b, "</feed>\n");
	json_decref(list);
	json_decref(seances);
	json_decref(docs);
	int rc = res_text(r, 200, "application/atom+xml; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return rc;
}
OPALE_ROUTE(portal_feed_r, "GET", "/p/:siren/flux.atom", portal_feed, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

static int portal_csv(struct req *r)
{
	struct portal p;
	if (portal_of(r, &p) < 0)
		return -1;
	struct err e;
	struct paris_time pt;
	char fname[64];
	buf b = BUF_INIT;
	if (paris_from_utc((int64_t)time(NULL), &pt, &e) < 0 || scdl_filename(p.siren, pt.date, fname, sizeof fname, &e) < 0 ||
	    pub_scdl_csv(p.d, p.tenant, base_url(), p.siren, 0, &b, &e) < 0) {
		buf_free(&b);
		return res_fail_err(r, &e);
	}
	char cd[128];
	snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", fname);
	res_header(r, "Content-Disposition", cd);
	int rc = res_text(r, 200, "text/csv; charset=utf-8", b.data ? b.data : "", b.len);
	buf_free(&b);
	return rc;
}
OPALE_ROUTE(portal_csv_r, "GET", "/p/:siren/deliberations.csv", portal_csv, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

/* The collectivité's website origin (scheme://host[:port]) for frame-ancestors, or "" when none or
 * not a plain origin. */
static void site_origin(db *d, int64_t tenant, char out[200])
{
	struct err e;
	int rc;
	out[0] = '\0';
	db_stmt *s = db_query(d, &e, &rc, "SELECT website FROM collectivites WHERE id = $1", "i", tenant);
	if (s && rc == DB_ROW) {
		const char *w = db_col_text(s, 0);
		size_t n = strncmp(w, "https://", 8) == 0 ? 8 : strncmp(w, "http://", 7) == 0 ? 7 : 0;
		if (n) {
			size_t h = strspn(w + n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:");
			if (h > 0 && h < 150 && (w[n + h] == '\0' || w[n + h] == '/'))
				snprintf(out, 200, "%.*s", (int)(n + h), w);
		}
	}
	if (s)
		db_finalize(s);
}

static int portal_embed(struct req *r)
{
	struct portal p;
	if (portal_of(r, &p) < 0)
		return -1;
	char self[64];
	snprintf(self, sizeof self, "/p/%s/integration", p.siren);
	json_t *data = search_data(r, &p, self);
	if (!data)
		return -1;
	struct err e;
	buf_reset(&r->out);
	int rc = tmpl_render(&r->out, "portail_integration", data, &e);
	json_decref(data);
	if (rc < 0)
		return res_fail_err(r, &e);
	/* the one page another site may frame: the collectivité's own site when known, else any */
	char origin[200], csp[400];
	site_origin(p.d, p.tenant, origin);
	snprintf(csp, sizeof csp, "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors %s",
		 origin[0] ? origin : "*");
	res_header(r, "Content-Security-Policy", csp);
	r->status = 200;
	r->ctype = "text/html; charset=utf-8";
	return 0;
}
OPALE_ROUTE(portal_embed_r, "GET", "/p/:siren/integration", portal_embed, ROLE_PUBLIC, SCOPE_PUBLIC, 0);
