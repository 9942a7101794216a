/* pes_schema: finds the DGFiP schema set, compiles each message kind's XSD once (shared by all
 * threads afterwards), and sniffs a file's prologue (root, encoding, DOCTYPE) before parsing. */
#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "core/buf.h"
#include "core/mem.h"
#include "helios/pes_priv.h"

/* Root element → schema file, relative to the set's directory. */
static const struct {
	enum pes_kind kind;
	const char *root;
	const char *xsd;
} kinds[] = {
	{ PES_ALLER, "PES_Aller", "PES_V2/Rev0/PES_Aller.xsd" },
	{ PES_ACQUIT, "PES_ACQUIT", "PES_V2/Rev0/PES_V2_Acquit_Autonome_V2.xsd" },
	{ PES_RETOUR, "PES_Retour", "PES_V2/RETOUR/Rev0/PES_Retour.xsd" },
	{ PES_ACQUIT_RETOUR, "PES_ACQUIT_RETOUR", "PES_V2/RETOUR/Rev0/PES_V2_Acquit_Retour.xsd" },
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char schema_dir[PATH_MAX];
static xmlSchemaPtr compiled[N_KINDS];

const char *pes_kind_name(enum pes_kind k)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (kinds[i].kind == k)
			return kinds[i].root;
	return "inconnu";
}

static int is_schema_set(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;
	if (snprintf(p, sizeof p, "%s/%s", dir, kinds[0].xsd) >= (int)sizeof p)
		return 0;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Candidates when nothing is configured: next to the binary's checkout (../shared beside the repo,
 * which is where tests and developers have it), then an installed copy. */
static int find_default(char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	const char *rel[] = { "/../shared/specs/pes/v5.17", "/../../shared/specs/pes/v5.17",
			      "/../../../shared/specs/pes/v5.17" };
	if (k > 0) {
		exe[k] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			char p[PATH_MAX];
			if (snprintf(p, sizeof p, "%s%s", exe, rel[i]) < (int)sizeof p && is_schema_set(p)) {
				snprintf(out, n, "%s", p);
				return 0;
			}
		}
	}
	const char *fixed[] = { "/usr/share/opale/pes/v5.17", "../shared/specs/pes/v5.17" };
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (is_schema_set(fixed[i])) {
			snprintf(out, n, "%s", fixed[i]);
			return 0;
		}
	return -1;
}

int pes_schemas_use(const char *dir, struct err *e)
{
	char found[PATH_MAX] = "";
	if (!dir || !*dir)
		dir = getenv("OPALE_PES_SCHEMAS");
	if (dir && *dir) {
		if (!is_schema_set(dir))
			return err_set(e, 500, "pes.schemas",
				       "schémas PES introuvables dans %s (fichier %s attendu)", dir, kinds[0].xsd);
		snprintf(found, sizeof found, "%s", dir);
	} else if (find_default(found, sizeof found) < 0) {
		return err_set(e, 500, "pes.schemas",
			       "schémas PES introuvables : indiquez --schemas DIR ou OPALE_PES_SCHEMAS");
	}
	char *real = realpath(found, NULL);
	pthread_mutex_lock(&lock);
	if (strcmp(schema_dir, real ? real : found) != 0) {
		for (size_t i = 0; i < N_KINDS; i++) {
			if (compiled[i])
				xmlSchemaFree(compiled[i]);
			compiled[i] = NULL;
		}
		snprintf(schema_dir, sizeof schema_dir, "%s", real ? real : found);
	}
	pthread_mutex_unlock(&lock);
	free(real);
	return 0;
}

const char *pes_schemas_dir(void)
{
	return schema_dir;
}

/* Keeps the first schema-compilation error (warnings about duplicate imports are normal here). */
static void compile_error(void *ctx, xmlErrorPtr err)
{
	buf *b = ctx;
	if (err && err->level >= XML_ERR_ERROR && b->len == 0)
		buf_printf(b, "%s:%d: %s", err->file ? err->file : "?", err->line,
			   err->message ? err->message : "?");
}

xmlSchemaPtr pes_schema_get(enum pes_kind kind, struct err *e)
{
	size_t i = 0;
	while (i < N_KINDS && kinds[i].kind != kind)
		i++;
	if (i == N_KINDS) {
		err_set(e, 400, "pes.racine", "type de message PES inconnu");
		return NULL;
	}
	if (!schema_dir[0] && pes_schemas_use(NULL, e) < 0)
		return NULL;
	pthread_mutex_lock(&lock);
	xmlSchemaPtr s = compiled[i];
	if (!s) {
		char path[PATH_MAX + 64];
		snprintf(path, sizeof path, "%s/%s", schema_dir, kinds[i].xsd);
		buf msg = BUF_INIT;
		xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
		if (pc) {
			xmlSchemaSetParserStructuredErrors(pc, compile_error, &msg);
			s = compiled[i] = xmlSchemaParse(pc);
			xmlSchemaFreeParserCtxt(pc);
		}
		if (!s)
			err_set(e, 500, "pes.schemas", "schéma %s non compilable : %s", path,
				msg.len ? msg.data : "erreur inconnue");
		buf_free(&msg);
	}
	pthread_mutex_unlock(&lock);
	return s;
}

/* ---- prologue sniffing ---- */

static const struct {
	const char *bytes;
	size_t len;
	const char *name;
} magics[] = {
	{ "%PDF", 4, "un PDF" },
	{ "\x1f\x8b", 2, "une archive gzip" },
	{ "PK\x03\x04", 4, "une archive zip" },
	{ "\x89PNG", 4, "une image PNG" },
	{ "\xff\xd8\xff", 3, "une image JPEG" },
	{ "{\\rtf", 5, "un document RTF" },
	{ "\xd0\xcf\x11\xe0", 4, "un document Office ancien format" },
};

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* Reads pseudo-attribute `name` of the XML declaration [p, end). */
static void decl_attr(const char *p, const char *end, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	const char *start = p;
	out[0] = '\0';
	for (; p + nl < end; p++) {
		if (memcmp(p, name, nl) != 0 || (p > start && isalnum((unsigned char)p[-1])))
			continue;
		const char *q = skip_ws(p + nl, end);
		if (q >= end || *q != '=')
			continue;
		q = skip_ws(q + 1, end);
		if (q >= end || (*q != '"' && *q != '\''))
			continue;
		char quote = *q++;
		size_t k = 0;
		while (q < end && *q != quote && k + 1 < n)
			out[k++] = *q++;
		out[k] = '\0';
		return;
	}
}

void pes_sniff(const char *data, size_t len, struct pes_sniff *s)
{
	memset(s, 0, sizeof *s);
	const char *p = data, *end = data + len;
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (len >= magics[i].len && memcmp(data, magics[i].bytes, magics[i].len) == 0) {
			s->magic = magics[i].name;
			s->not_xml = 1;
			return;
		}
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		s->bom = 8;
		p += 3;
	} else if (len >= 2 && (memcmp(p, "\xff\xfe", 2) == 0 || memcmp(p, "\xfe\xff", 2) == 0)) {
		s->bom = 16;
		return;
	}
	p = skip_ws(p, end);
	if (p >= end || *p != '<') {
		s->not_xml = 1;
		return;
	}
	if (end - p >= 5 && memcmp(p, "<?xml", 5) == 0) {
		const char *q = memmem(p, (size_t)(end - p), "?>", 2);
		if (q)
			decl_attr(p + 5, q, "encoding", s->encoding, sizeof s->encoding);
	}
	/* Walk the prologue: declarations, comments, PIs, DOCTYPE, then the root start tag. */
	while (p < end) {
		p = skip_ws(p, end);
		if (p >= end || *p != '<')
			return;
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			const char *q = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
			if (!q)
				return;
			p = q + 3;
		} else if (end - p >= 2 && p[1] == '?') {
			const char *q = memmem(p + 2, (size_t)(end - p - 2), "?>", 2);
			if (!q)
				return;
			p = q + 2;
		} else if (end - p >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0) {
			s->doctype = 1;
			return;
		} else {
			const char *q = p + 1, *colon = NULL;
			while (q < end && !strchr(" \t\r\n/>", *q)) {
				if (*q == ':')
					colon = q;
				q++;
			}
			const char *name = colon ? colon + 1 : p + 1;
			size_t n = (size_t)(q - name);
			if (n == 0 || n >= sizeof s->root || q >= end)
				return;
			memcpy(s->root, name, n);
			s->root[n] = '\0';
			s->found_root = 1;
			for (size_t i = 0; i < N_KINDS; i++)
				if (strcmp(s->root, kinds[i].root) == 0)
					s->kind = kinds[i].kind;
			return;
		}
	}
}
