/* pes_model: reads a PES_Aller into bordereaux → pièces → lignes → tiers, plus its PJ — what the
 * « visuel PES » shows and what an acquittal answers. One SAX pass, no schema (pes_check does that);
 * strings live in one arena, arrays are grown by doubling and freed with the model. */
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>

#include "core/mem.h"
#include "helios/pes_priv.h"

struct mctx {
	struct pes_model *m;
	arena *a;
	xmlParserCtxtPtr pc;
	const xmlChar *stack[PES_MAX_DEPTH];
	int depth, overflow;
	size_t max_pieces;
	int in_fichier, stop, doctype;
	struct pes_bordereau *b;
	struct pes_piece *p;
	struct pes_ligne *l;
	struct pes_tiers *t;
	struct pes_pjref *r;
	struct pes_pj *pj;
};

#define push pes_push

static const char *up(const struct mctx *c, int k)
{
	int i = c->depth - 1 - k;
	return i >= 0 && !c->overflow ? (const char *)c->stack[i] : "";
}

static int is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static const char *attr(struct mctx *c, const xmlChar **attrs, int n, const char *name)
{
	for (int i = 0; i < n; i++) {
		const xmlChar **a = attrs + 5 * i;
		if (a[2] == NULL && is((const char *)a[0], name))
			return arena_strndup(c->a, (const char *)a[3], (size_t)(a[4] - a[3]));
	}
	return NULL;
}

/* Table of (parent, element) → field, per current object: one generic loop fills them. */
#define F(type, field) offsetof(type, field)
struct field { const char *parent, *name; size_t off; };
static const struct field header_fields[] = {
	{ "Parametres", "NomFic", F(struct pes_model, nomfic) },
	{ "Parametres", "TypFic", F(struct pes_model, typfic) },
	{ "Emetteur", "Sigle", F(struct pes_model, emetteur) },
	{ "EnTetePES", "DteStr", F(struct pes_model, dtestr) },
	{ "EnTetePES", "IdPost", F(struct pes_model, idpost) },
	{ "EnTetePES", "LibellePoste", F(struct pes_model, libelle_poste) },
	{ "EnTetePES", "IdColl", F(struct pes_model, idcoll) },
	{ "EnTetePES", "CodCol", F(struct pes_model, codcol) },
	{ "EnTetePES", "CodBud", F(struct pes_model, codbud) },
	{ "EnTetePES", "LibelleColBud", F(struct pes_model, libelle_colbud) },
};
static const struct field bord_fields[] = {
	{ "BlocBordereau", "Exer", F(struct pes_bordereau, exer) },
	{ "BlocBordereau", "IdBord", F(struct pes_bordereau, idbord) },
	{ "BlocBordereau", "DteBordEm", F(struct pes_bordereau, date) },
	{ "BlocBordereau", "TypBord", F(struct pes_bordereau, type) },
	{ "BlocBordereau", "NbrPce", F(struct pes_bordereau, nbrpce) },
	{ "BlocBordereau", "MtBordHT", F(struct pes_bordereau, mt_ht_decl) },
	{ "BlocBordereau", "MtBordHt", F(struct pes_bordereau, mt_ht_decl) },   /* recette */
};
/* Dépense: Piece/BlocPiece/InfoPce/…; recette: Piece/BlocPiece/… directly. */
static const struct field piece_fields[] = {
	{ "*", "IdPce", F(struct pes_piece, id) },
	{ "*", "TypPce", F(struct pes_piece, type) },
	{ "*", "NatPce", F(struct pes_piece, nature) },
	{ "*", "Obj", F(struct pes_piece, objet) },
	{ "*", "ObjPce", F(struct pes_piece, objet) },
	{ "*", "DteEch", F(struct pes_piece, echeance) },
};
static const struct field ligne_fields[] = {
	{ "*", "IdLigne", F(struct pes_ligne, id) },
	{ "*", "Nature", F(struct pes_ligne, nature) },
	{ "*", "Fonction", F(struct pes_ligne, fonction) },
	{ "*", "Operation", F(struct pes_ligne, operation) },
	{ "*", "LibVir1", F(struct pes_ligne, libelle1) },
	{ "*", "LibVir2", F(struct pes_ligne, libelle2) },
	{ "*", "ObjLignePce", F(struct pes_ligne, libelle1) },
};
static const struct field tiers_fields[] = {
	{ "InfoTiers", "Civilite", F(struct pes_tiers, civilite) },
	{ "InfoTiers", "Nom", F(struct pes_tiers, nom) },
	{ "InfoTiers", "Prenom", F(struct pes_tiers, prenom) },
	{ "InfoTiers", "ComplNom", F(struct pes_tiers, compl_nom) },
	{ "InfoTiers", "RefTiers", F(struct pes_tiers, ref) },
	{ "InfoTiers", "IdTiers", F(struct pes_tiers, idtiers) },
	{ "Adresse", "Adr1", F(struct pes_tiers, adr1) },
	{ "Adresse", "Adr2", F(struct pes_tiers, adr2) },
	{ "Adresse", "Adr3", F(struct pes_tiers, adr3) },
	{ "Adresse", "CP", F(struct pes_tiers, cp) },
	{ "Adresse", "Ville", F(struct pes_tiers, ville) },
	{ "CpteBancaire", "IBAN", F(struct pes_tiers, iban) },
	{ "CpteBancaire", "BIC", F(struct pes_tiers, bic) },
	{ "CpteBancaire", "LibBanc", F(struct pes_tiers, banque) },
};
static const struct field ref_fields[] = {
	{ "PJRef", "Support", F(struct pes_pjref, support) },
	{ "PJRef", "IdUnique", F(struct pes_pjref, id) },
	{ "PJRef", "NomPJ", F(struct pes_pjref, nom) },
};
static const struct field pj_fields[] = {
	{ "PJ", "IdUnique", F(struct pes_pj, id) },
	{ "PJ", "NomPJ", F(struct pes_pj, nom) },
	{ "PJ", "TypePJ", F(struct pes_pj, type) },
	{ "PJ", "Description", F(struct pes_pj, description) },
};
#define FILL(obj, table) fill(c, obj, table, sizeof table / sizeof table[0], name, v)

static int fill(struct mctx *c, void *obj, const struct field *t, size_t n, const char *name, const char *v)
{
	if (!obj)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (is(t[i].name, name) && (t[i].parent[0] == '*' || is(t[i].parent, up(c, 1)))) {
			*(const char **)((char *)obj + t[i].off) = arena_strdup(c->a, v);
			return 1;
		}
	return 0;
}

static void amount(long long *sum, long long *dst, const char *v)
{
	int64_t cents;
	if (pes_amount_cents(v, &cents) == 0) {
		*dst += cents;
		if (sum)
			*sum += cents;
	}
}

/* A new object opens: bordereau, pièce, ligne, tiers, référence de PJ, PJ. */
static void open_object(struct mctx *c, const char *name, const xmlChar **attrs, int nattrs)
{
	struct pes_model *m = c->m;
	const char *p1 = up(c, 1);
	if (is(name, "Bordereau") && (is(p1, "PES_DepenseAller") || is(p1, "PES_RecetteAller"))) {
		c->b = push(&m->bordereaux, &m->n_bordereaux, sizeof *c->b);
		c->b->domaine = is(p1, "PES_DepenseAller") ? 'D' : 'R';
		c->b->id_attr = attr(c, attrs, nattrs, "Id");
		c->b->line = xmlSAX2GetLineNumber(c->pc);
		c->p = NULL, c->l = NULL, c->t = NULL;
	} else if (is(name, "Piece") && is(p1, "Bordereau") && c->b) {
		c->l = NULL, c->t = NULL, c->p = NULL;
		if (c->max_pieces && m->pieces_total >= c->max_pieces)
			m->truncated = 1;
		else
			c->p = push(&c->b->pieces, &c->b->n_pieces, sizeof *c->p);
		if (c->p)
			c->p->line = xmlSAX2GetLineNumber(c->pc);
		m->pieces_total++;
	} else if (is(name, "LigneDePiece") && c->p) {
		c->l = push(&c->p->lignes, &c->p->n_lignes, sizeof *c->l);
		c->t = NULL;
	} else if (is(name, "Tiers") && c->l) {
		c->t = push(&c->l->tiers, &c->l->n_tiers, sizeof *c->t);
	} else if (is(name, "PJRef") && c->p) {
		c->r = push(&c->p->refs, &c->p->n_refs, sizeof *c->r);
	} else if (is(name, "PJ") && is(p1, "PES_PJ")) {
		c->pj = push(&m->pjs, &m->n_pjs, sizeof *c->pj);
		c->b = NULL, c->p = NULL;
	} else if (is(name, "Fichier") && c->pj) {
		c->pj->mime = attr(c, attrs, nattrs, "MIMEType");
		c->in_fichier = 1;
	} else if (is(name, "Signature")) {
		if (c->depth == 2)
			m->signe_global = 1;
		else if (is(p1, "Bordereau") && c->b)
			c->b->signe = 1;
	}
}

static void on_start(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
		     const xmlChar **ns, int nattrs, int ndef, const xmlChar **attrs)
{
	struct mctx *c = ud;
	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndef;
	if (c->depth >= PES_MAX_DEPTH || c->overflow) {
		c->overflow++;
		return;
	}
	c->stack[c->depth++] = local;
	const char *name = (const char *)local;
	if (c->depth == 1 && !is(name, "PES_Aller")) {
		c->stop = 1;
		xmlStopParser(c->pc);
		return;
	}
	open_object(c, name, attrs, nattrs);
	const char *v = attr(c, attrs, nattrs, "V");
	if (!v)
		return;
	const char *p1 = up(c, 1);
	if (c->depth <= 4 && FILL(c->m, header_fields))  /* …/EnTetePES/IdColl, …/Parametres/NomFic */
		return;
	if (c->pj && !c->b)
		FILL(c->pj, pj_fields);
	else if (c->r && is(p1, "PJRef"))
		FILL(c->r, ref_fields);
	else if (c->t && (is(p1, "InfoTiers") || is(p1, "Adresse") || is(p1, "CpteBancaire")))
		FILL(c->t, tiers_fields);
	else if (c->l && (is(p1, "InfoLignePce") || is(p1, "InfoLignePiece"))) {
		if (!FILL(c->l, ligne_fields)) {
			if (is(name, "MtHT"))
				amount(&c->p->ht, &c->l->ht, v);
			else if (is(name, "MtTVA"))
				amount(&c->p->tva, &c->l->tva, v), c->l->has_tva = 1;
		}
	} else if (c->p && (is(p1, "InfoPce") || (is(p1, "BlocPiece") && is(up(c, 2), "Piece"))))
		FILL(c->p, piece_fields);
	else if (c->b && is(p1, "BlocBordereau"))
		FILL(c->b, bord_fields);
}

static void on_end(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct mctx *c = ud;
	(void)prefix, (void)uri;
	if (c->overflow) {
		c->overflow--;
		return;
	}
	const char *name = (const char *)local;
	if (is(name, "Fichier"))
		c->in_fichier = 0;
	else if (is(name, "Piece") && c->p && c->b)
		c->b->ht += c->p->ht;
	else if (is(name, "PJRef"))
		c->r = NULL;
	if (c->depth > 0)
		c->depth--;
}

static void on_chars(void *ud, const xmlChar *text, int len)
{
	struct mctx *c = ud;
	if (!c->in_fichier || !c->pj)
		return;
	for (int i = 0; i < len; i++)
		if (text[i] != '\n' && text[i] != '\r' && text[i] != ' ' && text[i] != '\t')
			c->pj->b64_chars++;
}

static void on_doctype(void *ud, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	struct mctx *c = ud;
	(void)name, (void)ext, (void)sys;
	c->doctype = 1;
	xmlStopParser(c->pc);
}

static void on_error(void *ud, xmlErrorPtr err)
{
	(void)ud, (void)err;  /* the parser's wellFormed flag says it; pes check explains */
}

static int load(struct pes_source *s, size_t max_pieces, struct pes_model *m, struct err *e)
{
	memset(m, 0, sizeof *m);
	m->mem = xcalloc(1, sizeof *m->mem);
	m->mem->a = arena_new();
	struct mctx c = { .m = m, .a = m->mem->a, .max_pieces = max_pieces };
	xmlSAXHandler sax;
	pes_sax_init(&sax, on_start, on_end, on_chars, on_doctype, on_error);
	char chunk[65536];
	size_t n = pes_source_read(s, chunk, sizeof chunk);
	int rc = 0;
	xmlStructuredErrorFunc old_handler = xmlStructuredError;
	void *old_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(NULL, on_error);   /* encoding converters report there */
	c.pc = xmlCreatePushParserCtxt(&sax, &c, chunk, n < 4 ? (int)n : 4, NULL);
	if (!c.pc) {
		xmlSetStructuredErrorFunc(old_ctx, old_handler);
		return err_set(e, 500, "pes.interne", "analyseur XML indisponible");
	}
	xmlCtxtUseOptions(c.pc, PES_XML_OPTIONS);
	if (n > 4)
		xmlParseChunk(c.pc, chunk + 4, (int)(n - 4), 0);
	while (c.pc->wellFormed && !c.stop && !c.doctype && (n = pes_source_read(s, chunk, sizeof chunk)) > 0)
		xmlParseChunk(c.pc, chunk, (int)n, 0);
	if (c.pc->wellFormed && !c.stop && !c.doctype)
		xmlParseChunk(c.pc, NULL, 0, 1);
	if (c.stop)
		rc = err_set(e, 422, "pes.racine", "ce fichier n'est pas un PES_Aller");
	else if (c.doctype || !c.pc->wellFormed)
		rc = err_set(e, 422, "pes.xml", "fichier PES illisible (XML mal formé) : lancez « opale pes check »");
	xmlFreeParserCtxt(c.pc);
	xmlSetStructuredErrorFunc(old_ctx, old_handler);
	return rc;
}

int pes_model_load(const char *path, size_t max_pieces, struct pes_model *m, struct err *e)
{
	struct pes_source s;
	if (pes_source_open(&s, path, e) < 0) {
		memset(m, 0, sizeof *m);
		return -1;
	}
	int rc = load(&s, max_pieces, m, e);
	fclose(s.f);
	return rc;
}

int pes_model_load_memory(const char *data, size_t len, size_t max_pieces, struct pes_model *m, struct err *e)
{
	struct pes_source s = { .mem = data, .len = len };
	return load(&s, max_pieces, m, e);
}

void pes_model_free(struct pes_model *m)
{
	for (size_t i = 0; i < m->n_bordereaux; i++) {
		struct pes_bordereau *b = &m->bordereaux[i];
		for (size_t j = 0; j < b->n_pieces; j++) {
			struct pes_piece *p = &b->pieces[j];
			for (size_t k = 0; k < p->n_lignes; k++)
				free(p->lignes[k].tiers);
			free(p->lignes);
			free(p->refs);
		}
		free(b->pieces);
	}
	free(m->bordereaux);
	free(m->pjs);
	if (m->mem) {
		arena_free(m->mem->a);
		free(m->mem);
	}
	memset(m, 0, sizeof *m);
}
