/* pes_priv: what the files of src/helios share and nobody else should use — the compiled schema
 * cache, the streaming walk state (element stack with sibling counters), the rule hooks. */
#ifndef OPALE_HELIOS_PES_PRIV_H
#define OPALE_HELIOS_PES_PRIV_H
#include <stdint.h>
#include <stdio.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "core/mem.h"
#include "helios/helios.h"

/* The compiled schema for a kind (compiled on first call, then shared). NULL with e filled. */
xmlSchemaPtr pes_schema_get(enum pes_kind kind, struct err *e);
/* Translates a libxml2 schema/parser message into French (appends to out). code: libxml2 error code. */
void pes_msg_translate(buf *out, int domain, int code, const char *english);
/* Stable code and DGFiP code for a parser error (well-formedness, encoding, truncation). */
void pes_msg_parser_codes(int code, const char *english, const char **ours, const char **dgfip);

/* Parser options: no network, no DTD loading; huge text nodes (PJ) and line numbers past 65535.
 * NOENT is needed for SAX2 to hand "&amp;" over as "&" (else "&#38;", which the schema would then
 * measure); it substitutes nothing else because a DOCTYPE — the only place entities could be
 * declared — is refused before parsing (pes_sniff) and stops the parser (internalSubset callback). */
#define PES_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_HUGE | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA | XML_PARSE_NOENT)

/* Prologue inspection done before the parser sees the bytes. */
struct pes_sniff {
	enum pes_kind kind;
	char root[64];         /* local name of the root element, "" if none found */
	char encoding[32];     /* declared encoding, "" if none */
	int bom;               /* 0 none, 8 UTF-8, 16 UTF-16 */
	int doctype;           /* a <!DOCTYPE appears in the prologue */
	int not_xml;           /* first significant byte is not '<' */
	const char *magic;     /* "PDF", "gzip"… when the bytes are a known non-XML format */
	int found_root;        /* the root start tag was inside the window */
};
void pes_sniff(const char *data, size_t len, struct pes_sniff *s);

/* ---- walk state ----
 * The check is a SAX walk (push parser fed by 64 KiB reads) with the schema validator plugged in
 * front of our callbacks (xmlSchemaSAXPlug): nothing is kept but the open elements, so memory does
 * not grow with the file. The validator runs after our start callback and after our end callback,
 * so an element is popped lazily (at the next event) to let its errors name it. */
struct pes_count { const xmlChar *name; unsigned n; };
struct pes_frame {
	const xmlChar *name;   /* local name, interned in the parser's dictionary */
	unsigned index;        /* 1-based rank among same-named siblings */
	long line;
	struct pes_count *counts;  /* children seen so far, by name */
	unsigned n_counts, cap_counts;
};

#define PES_MAX_DEPTH 64

struct pes_rules;

struct pes_ctx {
	xmlParserCtxtPtr pc;
	struct pes_report *rep;
	const struct pes_check_opts *opts;
	size_t max_issues;
	struct pes_frame frames[PES_MAX_DEPTH];
	int depth;             /* frames in use */
	int overflow;          /* levels deeper than PES_MAX_DEPTH currently open */
	int pending_pop;       /* the top frame is closed, popped at the next event */
	int fatal;             /* a well-formedness error stopped the parse */
	int terminating;       /* the last (empty) chunk is being parsed */
	int in_text;           /* collect character data for the rules (set by pes_rules_start) */
	struct pes_rules *rules;   /* NULL: schema only */
	buf vbuf, idbuf;       /* attribute values of the current start tag */
};

/* Records an issue. path NULL → the current element path. Formats msg (French). */
void pes_issue(struct pes_ctx *c, enum pes_severity sev, const char *code, const char *dgfip,
	       long line, const char *path, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Appends the path of the current element (frames 0..depth-1) to out. */
void pes_path(const struct pes_ctx *c, buf *out);
/* Name of the ancestor `up` levels above the current element (0 = current), "" past the root. */
const char *pes_up(const struct pes_ctx *c, int up);

/* Business rules (pes_rules.c), driven by the walk. V and id: values of the V and Id attributes, or NULL. */
struct pes_rules *pes_rules_new(struct pes_ctx *c);
void pes_rules_start(struct pes_ctx *c, const char *name, const char *v, const char *id);
void pes_rules_end(struct pes_ctx *c, const char *name);
void pes_rules_text(struct pes_ctx *c, const char *text, size_t len);
void pes_rules_finish(struct pes_ctx *c);
void pes_rules_free(struct pes_rules *r);

/* Labels shared by the HTML and PDF views (pes_view.c): bordereau type ("ordinaire"…, the code
 * itself when unknown), piece type (NULL when unknown), a declared amount formatted when valid. */
const char *pes_view_bordereau_type(char domaine, const char *code);
const char *pes_view_piece_type(char domaine, const char *code);
void pes_view_declared(buf *out, const char *amount);

/* Memory of models, acquittals and retours: one arena for strings, arrays freed by their owner. */
struct pes_model_mem { arena *a; };

/* ---- small DOM reader for the small messages (acquittals, retours) — pes_dom.c ---- */
/* Parses data (no network, DOCTYPE refused) and checks the root's local name. NULL with e filled. */
xmlDocPtr pes_dom_read(const char *data, size_t len, const char *root, struct err *e);
/* Next element sibling starting at n (n itself when it is an element), NULL at the end. */
xmlNodePtr pes_dom_elem(xmlNodePtr n);
/* First element child named name, NULL if none. */
xmlNodePtr pes_dom_child(xmlNodePtr parent, const char *name);
/* V attribute of parent's child `name` (copied into a), NULL if absent. */
const char *pes_dom_v(arena *a, xmlNodePtr parent, const char *name);
int pes_dom_is(xmlNodePtr n, const char *name);
/* Reads a whole (small) file for the DOM readers; max bytes, 0 = no limit. */
int pes_read_small(const char *path, buf *b, size_t max, struct err *e);

/* ---- small helpers (pes_util.c) ---- */
/* What the streaming readers (check, model) read: an open file (f) or bytes in memory. */
struct pes_source {
	FILE *f;
	const char *mem;
	size_t len, pos;
};
/* Opens path for reading: 0, or -1 with 404 pes.lecture (the caller fcloses s->f). */
int pes_source_open(struct pes_source *s, const char *path, struct err *e);
/* Reads up to cap bytes: the count, 0 at the end. */
size_t pes_source_read(struct pes_source *s, char *out, size_t cap);
/* date, or else today's (local time) written into today as AAAA-MM-JJ. */
const char *pes_date_or_today(const char *date, char today[11]);
/* The SAX2 handler of a streaming reader: elements, text, the DOCTYPE (refused) and errors. */
void pes_sax_init(xmlSAXHandler *sax, startElementNsSAX2Func start, endElementNsSAX2Func end, charactersSAXFunc chars,
		  internalSubsetSAXFunc doctype, xmlStructuredErrorFunc error);
/* Appends one zeroed element to the array *arr_p of *n elements (capacity doubles at powers of 2). */
void *pes_push(void *arr_p, size_t *n, size_t size);
/* Appends UTF-8 text as ISO-8859-1 XML attribute content: & < > " escaped, other characters beyond
 * Latin-1 as &#N;. */
void pes_xml_latin1(buf *out, const char *utf8);
/* One PES value element: indent + <name V="value"/> and a newline, the value escaped in Latin-1. */
void pes_xml_v(buf *o, const char *indent, const char *name, const char *value);
/* Parses an xs:decimal with at most 2 fraction digits into cents. Returns 0, or -1 if invalid. */
int pes_amount_cents(const char *s, int64_t *cents);
/* Formats cents as "1234.50" (French grouping is the view's business). */
void pes_amount_format(buf *out, int64_t cents);
/* Luhn check used by SIREN/SIRET (La Poste's SIRETs excepted by the caller). */
int pes_luhn_ok(const char *digits);

/* String set with a remembered line per key (duplicate detection). */
struct pes_set;
struct pes_set *pes_set_new(void);
/* Adds key; returns 0 when new, or the line of the earlier occurrence (> 0) when already there. */
long pes_set_add(struct pes_set *s, const char *key, long line);
int pes_set_has(const struct pes_set *s, const char *key);
size_t pes_set_count(const struct pes_set *s);
void pes_set_free(struct pes_set *s);

#endif
