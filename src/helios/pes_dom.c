/* pes_dom: acquittals and retours are small — read them as a tree, safely (no network, no DTD,
 * DOCTYPE refused), with helpers for the PES habit of carrying every value in a V attribute. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "core/buf.h"
#include "helios/pes_priv.h"

static void quiet(void *ctx, xmlErrorPtr err)
{
	(void)ctx, (void)err;
}

xmlDocPtr pes_dom_read(const char *data, size_t len, const char *root, struct err *e)
{
	struct pes_sniff s;
	if (len > INT_MAX) {
		err_set(e, 413, "pes.taille", "message PES trop volumineux");
		return NULL;
	}
	pes_sniff(data, len, &s);
	if (len == 0 || s.not_xml) {
		err_set(e, 422, "pes.non_xml", "ce fichier n'est pas un document XML");
		return NULL;
	}
	if (s.doctype) {
		err_set(e, 422, "pes.doctype", "déclaration DOCTYPE refusée : un message PES n'en comporte pas");
		return NULL;
	}
	xmlStructuredErrorFunc old_handler = xmlStructuredError;
	void *old_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(NULL, quiet);   /* the caller gets one French error, not libxml2's */
	xmlDocPtr doc = xmlReadMemory(data, (int)len, NULL, NULL,
				      XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(old_ctx, old_handler);
	if (!doc) {
		err_set(e, 422, "pes.xml", "message PES illisible (XML mal formé)");
		return NULL;
	}
	xmlNodePtr r = xmlDocGetRootElement(doc);
	if (doc->intSubset || !r || strcmp((const char *)r->name, root) != 0) {
		err_set(e, 422, "pes.racine", "ce fichier n'est pas un %s (racine « %s »)", root,
			r ? (const char *)r->name : "");
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

xmlNodePtr pes_dom_elem(xmlNodePtr n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

int pes_dom_is(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

xmlNodePtr pes_dom_child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent ? pes_dom_elem(parent->children) : NULL; c; c = pes_dom_elem(c->next))
		if (pes_dom_is(c, name))
			return c;
	return NULL;
}

const char *pes_dom_v(arena *a, xmlNodePtr parent, const char *name)
{
	xmlNodePtr c = pes_dom_child(parent, name);
	xmlChar *v = c ? xmlGetNoNsProp(c, (const xmlChar *)"V") : NULL;
	if (!v)
		return NULL;
	const char *r = arena_strdup(a, (const char *)v);
	xmlFree(v);
	return r;
}

int pes_read_small(const char *path, buf *b, size_t max, struct err *e)
{
	if (buf_read_file(b, path, max) < 0)
		return err_set(e, errno == ENOENT ? 404 : 422, "pes.lecture", "lecture de %s impossible : %s", path,
			       errno == EFBIG ? "fichier trop gros" : strerror(errno));
	return 0;
}
