/* actes_xml: the ministry's schemas (found once, compiled once, shared by threads), safe reading of
 * untrusted XML, validation with every error kept, and the small DOM/tree helpers the readers and
 * builders share. */
#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "actes/actes_priv.h"

static const char *const shape_file[] = { "actesv1_1.xsd", "variants/parapheur-v5/actesv1_1.xsd" };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char schema_dir[PATH_MAX];
static xmlSchemaPtr compiled[2];
static int failed[2];

static int has_file(const char *dir, const char *name)
{
	char p[PATH_MAX];
	struct stat st;
	return snprintf(p, sizeof p, "%s/%s", dir, name) < (int)sizeof p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Next to the binary's checkout first (../shared beside the repository), then an installed copy. */
static int find_default(char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (k > 0) {
		exe[k] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		const char *rel[] = { "/../shared/specs/actes", "/../../shared/specs/actes",
				      "/../../../shared/specs/actes", "/../../../../shared/specs/actes" };
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			char p[PATH_MAX];
			if (snprintf(p, sizeof p, "%s%s", exe, rel[i]) < (int)sizeof p && has_file(p, shape_file[0])) {
				snprintf(out, n, "%s", p);
				return 0;
			}
		}
	}
	const char *fixed[] = { "/usr/share/opale/actes", "../shared/specs/actes" };
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (has_file(fixed[i], shape_file[0])) {
			snprintf(out, n, "%s", fixed[i]);
			return 0;
		}
	return -1;
}

int actes_schemas_use(const char *dir, struct err *e)
{
	char found[PATH_MAX] = "";
	if (!dir || !*dir)
		dir = getenv("OPALE_ACTES_SCHEMAS");
	if (dir && *dir) {
		if (!has_file(dir, shape_file[0]))
			return err_set(e, 500, "actes.schemas", "schéma ACTES introuvable : %s/%s", dir, shape_file[0]);
		snprintf(found, sizeof found, "%s", dir);
	} else if (find_default(found, sizeof found) < 0) {
		return err_set(e, 500, "actes.schemas",
			       "schéma ACTES introuvable : indiquez --schemas DIR ou OPALE_ACTES_SCHEMAS");
	}
	char *real = realpath(found, NULL);
	pthread_mutex_lock(&lock);
	if (strcmp(schema_dir, real ? real : found) != 0) {
		for (int i = 0; i < 2; i++) {
			if (compiled[i])
				xmlSchemaFree(compiled[i]);
			compiled[i] = NULL;
			failed[i] = 0;
		}
		snprintf(schema_dir, sizeof schema_dir, "%s", real ? real : found);
	}
	pthread_mutex_unlock(&lock);
	free(real);
	return 0;
}

const char *actes_schemas_dir(void)
{
	return schema_dir;
}

static void keep_first(void *ctx, xmlErrorPtr err)
{
	buf *b = ctx;
	if (err && err->level >= XML_ERR_ERROR && b->len == 0)
		buf_printf(b, "%s:%d: %s", err->file ? err->file : "?", err->line, err->message ? err->message : "?");
}

xmlSchemaPtr actes_schema_get(enum actes_shape shape, struct err *e)
{
	if (!schema_dir[0] && actes_schemas_use(NULL, e) < 0)
		return NULL;
	pthread_mutex_lock(&lock);
	xmlSchemaPtr s = compiled[shape];
	if (!s && !failed[shape]) {
		char path[PATH_MAX + 64];
		snprintf(path, sizeof path, "%s/%s", schema_dir, shape_file[shape]);
		buf msg = BUF_INIT;
		xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
		if (pc) {
			xmlSchemaSetParserStructuredErrors(pc, keep_first, &msg);
			s = compiled[shape] = xmlSchemaParse(pc);
			xmlSchemaFreeParserCtxt(pc);
		}
		if (!s) {
			failed[shape] = 1;
			err_set(e, 500, "actes.schemas", "schéma %s non compilable : %s", path,
				msg.len ? msg.data : "fichier absent ou illisible");
		}
		buf_free(&msg);
	} else if (!s) {
		err_set(e, 500, "actes.schemas", "schéma %s indisponible", shape_file[shape]);
	}
	pthread_mutex_unlock(&lock);
	return s;
}

/* ---- reading ---- */

/* True when a DOCTYPE comes before the root element (prolog: XML declaration, comments, PIs). */
static int has_doctype(const char *p, const char *end)
{
	while (p < end) {
		while (p < end && (isspace((unsigned char)*p) || (unsigned char)*p >= 0x80))
			p++;
		if (p >= end || *p != '<')
			return 0;
		if (end - p >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0)
			return 1;
		const char *close = NULL;
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
			close = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
		else if (end - p >= 2 && p[1] == '?')
			close = memmem(p + 2, (size_t)(end - p - 2), "?>", 2);
		else
			return 0;
		if (!close)
			return 0;
		p = close + 2;
	}
	return 0;
}

struct first_error {
	buf *b;
};

static void parse_error(void *ctx, xmlErrorPtr err)
{
	struct first_error *fe = ctx;
	if (fe->b && err && err->level >= XML_ERR_ERROR && fe->b->len == 0) {
		buf_printf(fe->b, "ligne %d : %s", err->line, err->message ? err->message : "erreur");
		while (fe->b->len && (fe->b->data[fe->b->len - 1] == '\n' || fe->b->data[fe->b->len - 1] == ' '))
			fe->b->data[--fe->b->len] = '\0';
	}
}

static xmlDocPtr read_with(const char *data, size_t len, const char *enc, buf *errbuf)
{
	struct first_error fe = { errbuf };
	xmlStructuredErrorFunc old_handler = xmlStructuredError;
	void *old_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(&fe, parse_error);
	/* NONET: no fetch; no NOENT/DTDLOAD/DTDATTR: entities are never expanded nor DTDs loaded. */
	xmlDocPtr doc = xmlReadMemory(data, (int)len, NULL, enc,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
	xmlSetStructuredErrorFunc(old_ctx, old_handler);
	return doc;
}

static int declares_encoding(const char *data, size_t len)
{
	const char *p = data, *end = data + (len < 200 ? len : 200);
	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		return 1;
	if (end - p < 5 || memcmp(p, "<?xml", 5) != 0)
		return 0;
	const char *q = memmem(p, (size_t)(end - p), "?>", 2);
	return q && memmem(p, (size_t)(q - p), "encoding", 8) != NULL;
}

xmlDocPtr actes_xml_read(const char *data, size_t len, buf *errbuf, struct err *e)
{
	if (!data || len == 0) {
		err_set(e, 422, "actes.xml", "document XML vide");
		return NULL;
	}
	if (len > INT_MAX) {
		err_set(e, 413, "actes.taille", "document XML trop volumineux");
		return NULL;
	}
	if (has_doctype(data, data + len)) {
		err_set(e, 422, "actes.doctype", "déclaration DOCTYPE refusée : un message ACTES n'en comporte pas");
		if (errbuf)
			buf_puts(errbuf, "déclaration DOCTYPE refusée");
		return NULL;
	}
	size_t mark = errbuf ? errbuf->len : 0;
	xmlDocPtr doc = read_with(data, len, NULL, errbuf);
	if (!doc && !declares_encoding(data, len)) {
		/* Some prefecture messages carry Latin-1 bytes without declaring them. */
		if (errbuf) {
			errbuf->len = mark;
			errbuf->data[mark] = '\0';
		}
		doc = read_with(data, len, "windows-1252", errbuf);
	}
	if (!doc) {
		err_set(e, 422, "actes.xml", "document XML mal formé%s%s", errbuf && errbuf->len ? " : " : "",
			errbuf && errbuf->len ? errbuf->data + mark : "");
		return NULL;
	}
	if (doc->intSubset || !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		err_set(e, 422, "actes.doctype", "déclaration DOCTYPE refusée : un message ACTES n'en comporte pas");
		return NULL;
	}
	return doc;
}

struct valid_ctx {
	void (*fn)(void *ctx, int line, const char *msg);
	void *ctx;
	int count;
};

static void valid_error(void *ctx, xmlErrorPtr err)
{
	struct valid_ctx *v = ctx;
	if (!err || err->level < XML_ERR_ERROR)
		return;
	v->count++;
	if (v->fn) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", err->message ? err->message : "erreur de validation");
		size_t n = strlen(msg);
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		v->fn(v->ctx, err->line, msg);
	}
}

int actes_xml_validate_doc(xmlDocPtr doc, xmlSchemaPtr s, void (*fn)(void *ctx, int line, const char *msg),
			   void *ctx)
{
	struct valid_ctx v = { fn, ctx, 0 };
	xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(s);
	if (!vc)
		return 1;
	xmlSchemaSetValidStructuredErrors(vc, valid_error, &v);
	int rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	if (rc != 0 && v.count == 0)
		v.count = 1;
	return v.count;
}

struct report_ctx {
	struct actes_report *r;
	const char *file;
	size_t max, n;
};

static void to_report(void *ctx, int line, const char *msg)
{
	struct report_ctx *rc = ctx;
	if (rc->n++ < rc->max)
		actes_report_add(rc->r, "actes.xsd", rc->file, "non conforme au schéma ACTES, ligne %d : %s", line, msg);
}

int actes_xsd_validate(const char *data, size_t len, const char *file, struct actes_report *r, size_t max_errors,
		       struct err *e)
{
	xmlSchemaPtr s = actes_schema_get(ACTES_SHAPE_CURRENT, e);
	if (!s)
		return -1;
	buf eb = BUF_INIT;
	struct err pe = { 0 };
	xmlDocPtr doc = actes_xml_read(data, len, &eb, &pe);
	if (!doc) {
		actes_report_add(r, pe.code, file, "%s", pe.msg);
		buf_free(&eb);
		return 1;
	}
	buf_free(&eb);
	struct report_ctx rc = { r, file, max_errors ? max_errors : 20, 0 };
	int n = actes_xml_validate_doc(doc, s, to_report, &rc);
	if (n > 0 && rc.n == 0)
		actes_report_add(r, "actes.xsd", file, "non conforme au schéma ACTES");
	if (rc.n > rc.max)
		actes_report_add(r, "actes.xsd", file, "… et %zu autres erreurs de schéma", rc.n - rc.max);
	xmlFreeDoc(doc);
	return n;
}

/* ---- DOM ---- */

static int in_actes_ns(xmlNodePtr n)
{
	return !n->ns || (n->ns->href && strcmp((const char *)n->ns->href, ACTES_NS) == 0);
}

xmlNodePtr actes_dom_first(xmlNodePtr n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

int actes_dom_is(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && in_actes_ns(n) && strcmp((const char *)n->name, name) == 0;
}

xmlNodePtr actes_dom_child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent ? actes_dom_first(parent->children) : NULL; c; c = actes_dom_first(c->next))
		if (actes_dom_is(c, name))
			return c;
	return NULL;
}

xmlNodePtr actes_dom_next(xmlNodePtr after, const char *name)
{
	for (xmlNodePtr c = after ? actes_dom_first(after->next) : NULL; c; c = actes_dom_first(c->next))
		if (actes_dom_is(c, name))
			return c;
	return NULL;
}

static const char *trimmed(arena *a, const xmlChar *v)
{
	const char *s = (const char *)v;
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

const char *actes_dom_attr(arena *a, xmlNodePtr n, const char *name)
{
	if (!n)
		return NULL;
	xmlChar *v = xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)ACTES_NS);
	if (!v)
		v = xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)INSEE_NS);
	if (!v)
		v = xmlGetNoNsProp(n, (const xmlChar *)name);
	if (!v)
		return NULL;
	const char *r = trimmed(a, v);
	xmlFree(v);
	return r;
}

const char *actes_dom_text(arena *a, xmlNodePtr parent, const char *name)
{
	xmlNodePtr c = actes_dom_child(parent, name);
	if (!c)
		return NULL;
	xmlChar *v = xmlNodeGetContent(c);
	const char *r = trimmed(a, v ? v : (const xmlChar *)"");
	xmlFree(v);
	return r;
}

/* ---- writing ---- */

xmlDocPtr actes_xml_new(const char *root, xmlNodePtr *root_out, xmlNsPtr *ns_out)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr r = xmlNewDocNode(doc, NULL, (const xmlChar *)root, NULL);
	xmlDocSetRootElement(doc, r);
	xmlNsPtr ns = xmlNewNs(r, (const xmlChar *)ACTES_NS, (const xmlChar *)"actes");
	xmlNewNs(r, (const xmlChar *)INSEE_NS, (const xmlChar *)"insee");
	xmlNsPtr xsi = xmlNewNs(r, (const xmlChar *)"http://www.w3.org/2001/XMLSchema-instance", (const xmlChar *)"xsi");
	xmlSetNs(r, ns);
	xmlNewNsProp(r, xsi, (const xmlChar *)"schemaLocation", (const xmlChar *)ACTES_NS " actesv1_1.xsd");
	*root_out = r;
	*ns_out = ns;
	return doc;
}

xmlNodePtr actes_xml_add(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *text)
{
	return xmlNewTextChild(parent, ns, (const xmlChar *)name, (const xmlChar *)text);
}

void actes_xml_attr(xmlNodePtr n, xmlNsPtr ns, const char *name, const char *value)
{
	xmlNewNsProp(n, ns, (const xmlChar *)name, (const xmlChar *)value);
}

void actes_xml_fichier(xmlNodePtr parent, xmlNsPtr ns, const char *elem, const char *nom)
{
	xmlNodePtr f = actes_xml_add(parent, ns, elem, NULL);
	actes_xml_add(f, ns, "NomFichier", nom);
}

void actes_xml_finish(xmlDocPtr doc, buf *out)
{
	xmlChar *mem = NULL;
	int n = 0;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &n, "ISO-8859-1", 1);
	if (mem)
		buf_add(out, mem, (size_t)n);
	xmlFree(mem);
	xmlFreeDoc(doc);
}
