/* pes_check: the streaming check of a PES file — prologue sniffing, then one SAX pass (push parser,
 * 64 KiB at a time) with the DGFiP schema plugged in front of our callbacks, which keep the element
 * path for error locations and feed the business rules. Memory does not grow with the file. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>

#include "core/buf.h"
#include "core/mem.h"
#include "helios/pes_priv.h"

#define CHUNK 65536

/* The parser hands its error callback the schema plug, not our context: the check running on
 * this thread is found here (set and cleared by check_run, never shared between threads). */
static _Thread_local struct pes_ctx *current;

/* Elements that repeat: their rank is always shown, as in /Bordereau[1]. */
static const char *const repeatable[] = { "Bordereau", "Piece", "LigneDePiece", "PJ", "PJRef", "Tiers",
					  "ElementACQUIT", "DetailPiece", "DetailLigne", "Erreur", NULL };

static int is_repeatable(const char *name)
{
	for (int i = 0; repeatable[i]; i++)
		if (strcmp(repeatable[i], name) == 0)
			return 1;
	return 0;
}

void pes_path(const struct pes_ctx *c, buf *out)
{
	if (c->depth == 0)
		buf_putc(out, '/');
	for (int i = 0; i < c->depth; i++) {
		const char *n = (const char *)c->frames[i].name;
		buf_putc(out, '/');
		buf_puts(out, n);
		if (c->frames[i].index > 1 || is_repeatable(n))
			buf_printf(out, "[%u]", c->frames[i].index);
	}
	if (c->overflow)
		buf_puts(out, "/…");
}

const char *pes_up(const struct pes_ctx *c, int up)
{
	int i = c->depth - 1 - up;
	return i >= 0 && !c->overflow ? (const char *)c->frames[i].name : "";
}

void pes_issue(struct pes_ctx *c, enum pes_severity sev, const char *code, const char *dgfip, long line,
	       const char *path, const char *fmt, ...)
{
	struct pes_report *r = c->rep;
	if (sev == PES_ERROR)
		r->errors++;
	else
		r->warnings++;
	if (r->n_issues >= c->max_issues)
		return;
	if ((r->n_issues & (r->n_issues - 1)) == 0)  /* 0, 1, 2, 4…: double the array */
		r->issues = xrealloc(r->issues, (r->n_issues ? r->n_issues * 2 : 1) * sizeof *r->issues);
	struct pes_issue *is = &r->issues[r->n_issues++];
	is->severity = sev;
	is->code = code;
	is->dgfip = dgfip;
	is->line = line;
	if (path) {
		is->path = xstrdup(path);
	} else {
		buf p = BUF_INIT;
		pes_path(c, &p);
		is->path = buf_detach(&p);
	}
	buf m = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&m, fmt, ap);
	va_end(ap);
	is->msg = buf_detach(&m);
}

static long cur_line(const struct pes_ctx *c)
{
	return c->pc ? xmlSAX2GetLineNumber(c->pc) : 0;
}

/* ---- SAX callbacks ---- */

static void pop(struct pes_ctx *c)
{
	if (c->depth > 0)
		c->depth--;
}

static void settle(struct pes_ctx *c)
{
	if (c->pending_pop) {
		c->pending_pop = 0;
		pop(c);
	}
}

static unsigned count_child(struct pes_frame *p, const xmlChar *name)
{
	for (unsigned i = 0; i < p->n_counts; i++)
		if (p->counts[i].name == name || strcmp((const char *)p->counts[i].name, (const char *)name) == 0)
			return ++p->counts[i].n;
	if (p->n_counts == p->cap_counts) {
		p->cap_counts = p->cap_counts ? p->cap_counts * 2 : 8;
		p->counts = xrealloc(p->counts, p->cap_counts * sizeof *p->counts);
	}
	p->counts[p->n_counts++] = (struct pes_count){ name, 1 };
	return 1;
}

/* SAX2 attribute values are (start, end) pairs, not NUL-terminated: copied into out (reused). */
static const char *attr_value(const xmlChar **attrs, int n, const char *name, buf *out)
{
	for (int i = 0; i < n; i++) {
		const xmlChar **a = attrs + 5 * i;
		if (a[2] == NULL && strcmp((const char *)a[0], name) == 0) {
			buf_reset(out);
			buf_add(out, a[3], (size_t)(a[4] - a[3]));
			return out->data ? out->data : "";
		}
	}
	return NULL;
}

static void on_start(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
		     const xmlChar **ns, int nattrs, int ndef, const xmlChar **attrs)
{
	struct pes_ctx *c = ud;
	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndef;
	settle(c);
	if (c->depth >= PES_MAX_DEPTH || c->overflow) {
		c->overflow++;
		return;
	}
	unsigned idx = c->depth ? count_child(&c->frames[c->depth - 1], local) : 1;
	struct pes_frame *f = &c->frames[c->depth++];
	f->name = local;
	f->index = idx;
	f->line = cur_line(c);
	f->n_counts = 0;
	if (c->rules)
		pes_rules_start(c, (const char *)local, attr_value(attrs, nattrs, "V", &c->vbuf),
				attr_value(attrs, nattrs, "Id", &c->idbuf));
}

static void on_end(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct pes_ctx *c = ud;
	(void)prefix, (void)uri;
	settle(c);
	if (c->overflow) {
		c->overflow--;
		return;
	}
	if (c->rules)
		pes_rules_end(c, (const char *)local);
	c->in_text = 0;
	c->pending_pop = 1;
}

static void on_chars(void *ud, const xmlChar *text, int len)
{
	struct pes_ctx *c = ud;
	settle(c);
	if (c->in_text && c->rules)
		pes_rules_text(c, (const char *)text, (size_t)len);
}

static void stop(struct pes_ctx *c)
{
	c->fatal = 1;
	if (c->pc)
		xmlStopParser(c->pc);
}

static void on_doctype(void *ud, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	(void)ud, (void)name, (void)ext, (void)sys;
	struct pes_ctx *c = current;
	if (!c || c->fatal)
		return;
	pes_issue(c, PES_ERROR, "pes.doctype", "ERREUR_AUTRE", cur_line(c), NULL,
		  "déclaration DOCTYPE refusée : un PES n'en comporte pas");
	stop(c);
}

static void on_error(void *ud, xmlErrorPtr err)
{
	struct pes_ctx *c = ud ? ud : current;
	if (!c || !err || err->level == XML_ERR_WARNING)
		return;
	buf msg = BUF_INIT;
	if (err->domain == XML_FROM_SCHEMASV) {
		if (c->fatal)
			return;
		pes_msg_translate(&msg, err->domain, err->code, err->message);
		pes_issue(c, PES_ERROR, "pes.xsd", "ERREUR_SCHEMA_INCOMPLET", cur_line(c), NULL, "%s", msg.data);
		buf_free(&msg);
		return;
	}
	if (c->fatal)  /* the first well-formedness error is the one that matters */
		return;
	const char *code, *dgfip;
	if (c->terminating && c->depth > 0) {  /* the data ended inside an element */
		buf p = BUF_INIT;
		pes_path(c, &p);
		pes_issue(c, PES_ERROR, "pes.tronque", "ERREUR_AUTRE", cur_line(c), NULL,
			  "fichier tronqué : il s'arrête avant la fin de %s", p.data);
		buf_free(&p);
	} else {
		pes_msg_parser_codes(err->code, err->message, &code, &dgfip);
		pes_msg_translate(&msg, err->domain, err->code, err->message);
		pes_issue(c, PES_ERROR, code, dgfip, err->line > 0 ? err->line : cur_line(c), NULL, "%s", msg.data);
	}
	buf_free(&msg);
	/* No xmlStopParser here: this runs inside libxml2 (encoding converters included), which halts
	 * by itself on fatal errors; stopping from the callback freed its input under its feet (found by
	 * fuzzing, tests/helios/pes_corpus.t.sh « converter_error »). The read loop stops feeding. */
	if (err->level == XML_ERR_FATAL)
		c->fatal = 1;
}

static void on_error_current(void *ud, xmlErrorPtr err)
{
	(void)ud;
	on_error(current, err);
}

/* ---- driver ---- */

static int is_latin1(const char *enc)
{
	return strcasecmp(enc, "ISO-8859-1") == 0 || strcasecmp(enc, "ISO8859-1") == 0 ||
	       strcasecmp(enc, "ISO_8859-1") == 0 || strcasecmp(enc, "LATIN1") == 0;
}

/* Refusals decided on the first bytes. Returns 1 when the parse must not start. */
static int prologue_checks(struct pes_ctx *c, const struct pes_sniff *s, size_t n)
{
	if (n == 0) {
		pes_issue(c, PES_ERROR, "pes.vide", "ERREUR_FLUX_VIDE", 0, "/", "fichier vide");
		return 1;
	}
	if (s->not_xml) {
		if (s->magic)
			pes_issue(c, PES_ERROR, "pes.non_xml", "ERREUR_FLUX_VIDE", 1, "/",
				  "ce fichier n'est pas un document XML : c'est %s", s->magic);
		else
			pes_issue(c, PES_ERROR, "pes.non_xml", "ERREUR_FLUX_VIDE", 1, "/",
				  "ce fichier n'est pas un document XML (il ne commence pas par « < »)");
		return 1;
	}
	if (s->bom == 16) {
		pes_issue(c, PES_ERROR, "pes.encodage", "ERREUR_ENCODING", 1, "/",
			  "fichier en UTF-16 : un PES doit être encodé en ISO-8859-1");
		return 1;
	}
	if (s->doctype) {
		pes_issue(c, PES_ERROR, "pes.doctype", "ERREUR_AUTRE", 1, "/",
			  "déclaration DOCTYPE refusée : un PES n'en comporte pas");
		return 1;
	}
	if (s->found_root && s->kind == PES_UNKNOWN) {
		pes_issue(c, PES_ERROR, "pes.racine", "ERREUR_SCHEMA_INCOMPLET", 1, "/",
			  "élément racine « %s » : ce n'est pas un message PES (PES_Aller, PES_ACQUIT, "
			  "PES_Retour attendus)", s->root);
		return 1;
	}
	if (!s->encoding[0])
		pes_issue(c, PES_ERROR, "pes.encodage", "ERREUR_ENCODING", 1, "/",
			  "pas de déclaration d'encodage : un PES doit déclarer encoding=\"ISO-8859-1\"");
	else if (!is_latin1(s->encoding))
		pes_issue(c, PES_ERROR, "pes.encodage", "ERREUR_ENCODING", 1, "/",
			  "encodage déclaré « %s » : un PES doit être encodé en ISO-8859-1", s->encoding);
	return 0;
}

static int check_run(struct pes_source *src, const struct pes_check_opts *o, struct pes_report *rep, struct err *e)
{
	static const struct pes_check_opts defaults;
	struct pes_ctx c;
	memset(&c, 0, sizeof c);
	memset(rep, 0, sizeof *rep);
	c.rep = rep;
	c.opts = o ? o : &defaults;
	c.max_issues = c.opts->max_issues ? c.opts->max_issues : 1000;
	int rc = 0, handler_set = 0;
	xmlStructuredErrorFunc old_handler = NULL;
	void *old_ctx = NULL;
	xmlSchemaValidCtxtPtr vc = NULL;
	xmlSchemaSAXPlugPtr plug = NULL;
	char *chunk = xmalloc(CHUNK);
	size_t n = pes_source_read(src, chunk, CHUNK);
	rep->bytes = n;

	struct pes_sniff s;
	pes_sniff(chunk, n, &s);
	rep->kind = s.kind != PES_UNKNOWN ? s.kind : PES_ALLER;
	if (prologue_checks(&c, &s, n))
		goto out;
	xmlSchemaPtr schema = pes_schema_get(rep->kind, e);
	if (!schema) {
		rc = -1;
		goto out;
	}

	xmlSAXHandler sax;
	pes_sax_init(&sax, on_start, on_end, on_chars, on_doctype, on_error_current);
	size_t first = n < 4 ? n : 4;
	current = &c;
	/* Encoding converters report outside the parser context, to the thread's global handler:
	 * route them here for the duration (restored at out). */
	old_handler = xmlStructuredError;
	old_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(&c, on_error);
	handler_set = 1;
	c.pc = xmlCreatePushParserCtxt(&sax, &c, chunk, (int)first, NULL);
	if (!c.pc) {
		rc = err_set(e, 500, "pes.interne", "analyseur XML indisponible");
		goto out;
	}
	xmlCtxtUseOptions(c.pc, PES_XML_OPTIONS);
	vc = xmlSchemaNewValidCtxt(schema);
	xmlSchemaSetValidStructuredErrors(vc, on_error, &c);
	plug = xmlSchemaSAXPlug(vc, &c.pc->sax, &c.pc->userData);
	if (!plug) {
		rc = err_set(e, 500, "pes.interne", "validation par schéma indisponible");
		goto out;
	}
	/* The plug's handler does not forward these two; they find us through `current`. */
	c.pc->sax->serror = on_error_current;
	c.pc->sax->internalSubset = on_doctype;
	if (rep->kind == PES_ALLER && !c.opts->xsd_only)
		c.rules = pes_rules_new(&c);

	xmlParseChunk(c.pc, chunk + first, (int)(n - first), 0);
	while (!c.fatal && (n = pes_source_read(src, chunk, CHUNK)) > 0) {
		rep->bytes += n;
		xmlParseChunk(c.pc, chunk, (int)n, 0);
	}
	if (src->f && ferror(src->f)) {
		rc = err_set(e, 500, "pes.lecture", "lecture du fichier impossible : %s", strerror(errno));
		goto out;
	}
	if (!c.fatal) {
		settle(&c);
		c.terminating = 1;
		xmlParseChunk(c.pc, NULL, 0, 1);
	}
	if (c.rules && !c.fatal)
		pes_rules_finish(&c);
out:
	if (plug)
		xmlSchemaSAXUnplug(plug);
	if (vc)
		xmlSchemaFreeValidCtxt(vc);
	if (c.pc)
		xmlFreeParserCtxt(c.pc);
	pes_rules_free(c.rules);
	for (int i = 0; i < PES_MAX_DEPTH; i++)
		free(c.frames[i].counts);
	buf_free(&c.vbuf);
	buf_free(&c.idbuf);
	current = NULL;
	if (handler_set)
		xmlSetStructuredErrorFunc(old_ctx, old_handler);
	free(chunk);
	return rc;
}

int pes_check_file(const char *path, const struct pes_check_opts *o, struct pes_report *rep, struct err *e)
{
	struct pes_source src;
	if (pes_source_open(&src, path, e) < 0) {
		memset(rep, 0, sizeof *rep);
		return -1;
	}
	int rc = check_run(&src, o, rep, e);
	fclose(src.f);
	return rc;
}

int pes_check_memory(const char *data, size_t len, const struct pes_check_opts *o, struct pes_report *rep,
		     struct err *e)
{
	struct pes_source src = { .mem = data, .len = len };
	return check_run(&src, o, rep, e);
}

void pes_report_free(struct pes_report *rep)
{
	for (size_t i = 0; i < rep->n_issues; i++) {
		free(rep->issues[i].path);
		free(rep->issues[i].msg);
	}
	free(rep->issues);
	rep->issues = NULL;
	rep->n_issues = 0;
}

void pes_report_add(struct pes_report *rep, enum pes_severity sev, const char *code, const char *dgfip, long line,
		    const char *path, const char *fmt, ...)
{
	if (sev == PES_ERROR)
		rep->errors++;
	else
		rep->warnings++;
	rep->issues = xrealloc(rep->issues, (rep->n_issues + 1) * sizeof *rep->issues);
	struct pes_issue *is = &rep->issues[rep->n_issues++];
	is->severity = sev;
	is->code = code;
	is->dgfip = dgfip;
	is->line = line;
	is->path = xstrdup(path ? path : "");
	buf m = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&m, fmt, ap);
	va_end(ap);
	is->msg = buf_detach(&m);
}

void pes_issue_format(buf *out, const char *file, const struct pes_issue *is)
{
	buf_printf(out, "%s:%ld: %s: %s [%s] %s\n", file, is->line, is->path,
		   is->severity == PES_ERROR ? "erreur" : "avertissement", is->code, is->msg);
}

void pes_report_json(buf *o, const struct pes_report *r)
{
	buf_puts(o, "{\"kind\":");
	buf_json_str(o, pes_kind_name(r->kind));
	buf_printf(o, ",\"conforme\":%s,\"errors\":%zu,\"warnings\":%zu,\"bordereaux\":%zu,\"pieces\":%zu,"
		      "\"lignes\":%zu,\"pjs\":%zu,\"bytes\":%llu",
		   r->errors ? "false" : "true", r->errors, r->warnings, r->bordereaux, r->pieces, r->lignes, r->pjs,
		   r->bytes);
	const char *keys[] = { "idcoll", "idpost", "codcol", "codbud", "dtestr", "nomfic" };
	const char *vals[] = { r->idcoll, r->idpost, r->codcol, r->codbud, r->dtestr, r->nomfic };
	for (size_t i = 0; i < 6; i++) {
		buf_printf(o, ",\"%s\":", keys[i]);
		buf_json_str(o, vals[i]);
	}
	buf_puts(o, ",\"issues\":[");
	for (size_t i = 0; i < r->n_issues; i++) {
		const struct pes_issue *is = &r->issues[i];
		buf_printf(o, "%s{\"severity\":\"%s\",\"code\":", i ? "," : "",
			   is->severity == PES_ERROR ? "error" : "warning");
		buf_json_str(o, is->code);
		buf_puts(o, ",\"dgfip\":");
		buf_json_str(o, is->dgfip ? is->dgfip : "");
		buf_printf(o, ",\"line\":%ld,\"path\":", is->line);
		buf_json_str(o, is->path);
		buf_puts(o, ",\"message\":");
		buf_json_str(o, is->msg);
		buf_putc(o, '}');
	}
	buf_puts(o, "]}\n");
}
