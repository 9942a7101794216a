/* actes_priv: helpers shared by the actes module's files (safe XML reading, DOM walking, the
 * compiled schemas). Not a public API. */
#ifndef OPALE_ACTES_PRIV_H
#define OPALE_ACTES_PRIV_H
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "actes/actes.h"

/* The two published shapes of actesv1_1.xsd (docs/actes.md): current first. */
enum actes_shape { ACTES_SHAPE_CURRENT, ACTES_SHAPE_OLD };
/* Compiled schema (cached); NULL with e when unavailable (the old shape is optional). */
xmlSchemaPtr actes_schema_get(enum actes_shape shape, struct err *e);

/* Parses bytes safely: no network, no DTD loading, no entity substitution, DOCTYPE refused, size
 * ≤ INT_MAX; a document without encoding declaration that is not UTF-8 is read as windows-1252.
 * On failure returns NULL, e filled (actes.xml / actes.doctype) and, when errbuf is non-NULL, the
 * parser's first error as "ligne N : message". */
xmlDocPtr actes_xml_read(const char *data, size_t len, buf *errbuf, struct err *e);
/* Validates a parsed document; each error is passed to fn (line, message). Returns error count. */
int actes_xml_validate_doc(xmlDocPtr doc, xmlSchemaPtr s, void (*fn)(void *ctx, int line, const char *msg),
			   void *ctx);

/* DOM: elements are matched by local name in the ACTES namespace (or none, leniently). */
xmlNodePtr actes_dom_first(xmlNodePtr n);                        /* first element at or after n */
xmlNodePtr actes_dom_child(xmlNodePtr parent, const char *name);
xmlNodePtr actes_dom_next(xmlNodePtr after, const char *name);   /* next sibling with that name */
int actes_dom_is(xmlNodePtr n, const char *name);
/* Attribute actes:NAME (or insee:NAME, or unqualified), copied into a; NULL when absent. */
const char *actes_dom_attr(arena *a, xmlNodePtr n, const char *name);
/* Text content of the child element name (trimmed), copied into a; NULL when absent. */
const char *actes_dom_text(arena *a, xmlNodePtr parent, const char *name);

/* Reads a RetourClassification root into c (allocating c->a when NULL). */
int actes_classification_from_doc(xmlNodePtr root, struct actes_classification *c, struct err *e);

/* Archive member names: base DDD-SIREN-YYYYMMDD-NUMERO-NN; piece idx 0 is the act, 1.. annexes. */
void actes_piece_name(buf *out, const struct actes_acte *a, size_t idx);
void actes_meta_name(buf *out, const struct actes_acte *a);        /* …-1-1_0.xml */
void actes_envelope_name(buf *out, const struct actes_acte *a);    /* EACT--SIREN--YYYYMMDD-N.xml */
void actes_archive_name(buf *out, const struct actes_acte *a);     /* TRI-EACT--….tar.gz */

/* XML writing with libxml2's tree (escaping and ISO-8859-1 encoding done by the serializer). */
xmlDocPtr actes_xml_new(const char *root, xmlNodePtr *root_out, xmlNsPtr *ns_out);
xmlNodePtr actes_xml_add(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *text);
void actes_xml_attr(xmlNodePtr n, xmlNsPtr ns, const char *name, const char *value);
void actes_xml_fichier(xmlNodePtr parent, xmlNsPtr ns, const char *elem, const char *nom);
/* Serializes as ISO-8859-1, indented, into out (appended) and frees doc. */
void actes_xml_finish(xmlDocPtr doc, buf *out);

/* A file mapped, not read (actes_map.c): a 150 MB annex costs no heap, and the size rule sees its
 * real size. */
struct actes_mapped {
	void *p;
	size_t len;
};
/* Maps path read-only (an empty file maps to ""): 0, or -1 when path is NULL or not a readable
 * regular file (m->p NULL). */
int actes_map_file(const char *path, struct actes_mapped *m);
void actes_unmap(struct actes_mapped *m);

#endif
