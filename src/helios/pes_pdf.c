/* pes_pdf: the « visuel PES » as a PDF (A4 landscape) drawn with cairo + pango — same content as
 * the HTML view: identity, findings, one table per bordereau (header row repeated on each page), PJ. */
#include <string.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "core/buf.h"
#include "helios/pes_priv.h"

#define PAGE_W 841.89
#define PAGE_H 595.28
#define MARGIN 32.0
#define PAD 3.0

struct pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoFontDescription *normal, *bold, *title;
	double y;
	int page;
	const char *footer;
};

static double text_height(struct pdf *p, const char *text, PangoFontDescription *f, double width)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	pango_layout_set_font_description(l, f);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, text, -1);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return (double)h / PANGO_SCALE;
}

static void draw_text(struct pdf *p, const char *text, PangoFontDescription *f, double x, double y, double width,
		      int right)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	pango_layout_set_font_description(l, f);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (right)
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	pango_layout_set_text(l, text, -1);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
}

static void footer(struct pdf *p)
{
	char txt[300];
	snprintf(txt, sizeof txt, "%s — page %d", p->footer, p->page);
	draw_text(p, txt, p->normal, MARGIN, PAGE_H - MARGIN + 8, PAGE_W - 2 * MARGIN, 1);
}

static void new_page(struct pdf *p)
{
	if (p->page > 0) {
		footer(p);
		cairo_show_page(p->cr);
	}
	p->page++;
	p->y = MARGIN;
}

static void ensure(struct pdf *p, double h)
{
	if (p->y + h > PAGE_H - MARGIN)
		new_page(p);
}

static void para(struct pdf *p, const char *text, PangoFontDescription *f, double after)
{
	double w = PAGE_W - 2 * MARGIN, h = text_height(p, text, f, w);
	ensure(p, h);
	draw_text(p, text, f, MARGIN, p->y, w, 0);
	p->y += h + after;
}

/* A table: fractions of the width per column; which columns are right-aligned numbers. */
struct table {
	int n;
	const double *frac;
	const char *const *head;
	unsigned right_mask;
};

static void row(struct pdf *p, const struct table *t, const char *const *cells, int header)
{
	double w = PAGE_W - 2 * MARGIN, h = 0;
	PangoFontDescription *f = header ? p->bold : p->normal;
	for (int i = 0; i < t->n; i++) {
		double ch = text_height(p, cells[i] ? cells[i] : "", f, t->frac[i] * w - 2 * PAD);
		if (ch > h)
			h = ch;
	}
	h += 2 * PAD;
	if (!header && p->y + h > PAGE_H - MARGIN) {
		new_page(p);
		row(p, t, t->head, 1);
	}
	double x = MARGIN;
	cairo_set_line_width(p->cr, 0.5);
	for (int i = 0; i < t->n; i++) {
		double cw = t->frac[i] * w;
		if (header) {
			cairo_set_source_rgb(p->cr, 0.91, 0.91, 0.94);
			cairo_rectangle(p->cr, x, p->y, cw, h);
			cairo_fill(p->cr);
		}
		cairo_set_source_rgb(p->cr, 0.5, 0.5, 0.5);
		cairo_rectangle(p->cr, x, p->y, cw, h);
		cairo_stroke(p->cr);
		cairo_set_source_rgb(p->cr, 0.1, 0.1, 0.1);
		draw_text(p, cells[i] ? cells[i] : "", f, x + PAD, p->y + PAD, cw - 2 * PAD,
			  !header && (t->right_mask >> i & 1));
		x += cw;
	}
	p->y += h;
}

static void table_start(struct pdf *p, const struct table *t, const char *caption)
{
	ensure(p, 60);
	para(p, caption, p->bold, 3);
	row(p, t, t->head, 1);
}

static const char *s(const char *v)
{
	return v ? v : "";
}

static void tiers_text(buf *o, const struct pes_ligne *l)
{
	for (size_t i = 0; i < l->n_tiers; i++) {
		const struct pes_tiers *t = &l->tiers[i];
		if (i)
			buf_putc(o, '\n');
		const char *parts[] = { t->civilite, t->nom, t->prenom, t->compl_nom };
		int first = 1;
		for (size_t k = 0; k < 4; k++)
			if (parts[k] && *parts[k]) {
				buf_printf(o, "%s%s", first ? "" : " ", parts[k]);
				first = 0;
			}
		const char *adr[] = { t->adr1, t->adr2, t->adr3 };
		for (size_t k = 0; k < 3; k++)
			if (adr[k] && *adr[k])
				buf_printf(o, "\n%s", adr[k]);
		if ((t->cp && *t->cp) || (t->ville && *t->ville))
			buf_printf(o, "\n%s %s", s(t->cp), s(t->ville));
		if (t->iban && *t->iban)
			buf_printf(o, "\nIBAN %s%s%s", t->iban, t->bic && *t->bic ? " — BIC " : "", s(t->bic));
	}
}

static const double bord_frac[] = { .06, .05, .22, .25, .12, .10, .08, .12 };
static const char *const bord_head[] = { "N°", "Ligne", "Objet", "Tiers", "Imputation", "Montant HT", "TVA", "PJ" };

static void bordereau(struct pdf *p, const struct pes_bordereau *b)
{
	struct table t = { 8, bord_frac, bord_head, 1u << 5 | 1u << 6 };
	buf line = BUF_INIT, c[8];
	for (int i = 0; i < 8; i++)
		c[i] = (buf)BUF_INIT;
	p->y += 8;
	buf_printf(&line, "Bordereau %s n° %s — exercice %s", b->domaine == 'D' ? "de mandats" : "de titres",
		   s(b->idbord), s(b->exer));
	ensure(p, 90);
	para(p, line.data, p->title, 2);
	buf_reset(&line);
	buf_printf(&line, "Émis le %s — type %s — %s pièce(s) annoncée(s) — montant HT annoncé ", s(b->date),
		   pes_view_bordereau_type(b->domaine, b->type), s(b->nbrpce));
	pes_view_declared(&line, b->mt_ht_decl);
	buf_printf(&line, " — %s", b->signe ? "bordereau signé" : "non signé");
	para(p, line.data, p->normal, 4);
	table_start(p, &t, b->domaine == 'D' ? "Mandats" : "Titres de recette");
	for (size_t i = 0; i < b->n_pieces; i++) {
		const struct pes_piece *pc = &b->pieces[i];
		size_t rows = pc->n_lignes ? pc->n_lignes : 1;
		for (size_t k = 0; k < rows; k++) {
			const struct pes_ligne *l = pc->n_lignes ? &pc->lignes[k] : NULL;
			for (int j = 0; j < 8; j++)
				buf_reset(&c[j]);
			buf_puts(&c[0], s(pc->id));
			buf_puts(&c[2], s(pc->objet));
			const char *ptype = pes_view_piece_type(b->domaine, pc->type);
			if (k == 0 && ptype)
				buf_printf(&c[2], "\n%s", ptype);
			if (l) {
				buf_puts(&c[1], s(l->id));
				if (l->libelle1 && *l->libelle1)
					buf_printf(&c[2], "\n%s %s", l->libelle1, s(l->libelle2));
				tiers_text(&c[3], l);
				buf_printf(&c[4], "nature %s", s(l->nature));
				if (l->fonction && *l->fonction)
					buf_printf(&c[4], "\nfonction %s", l->fonction);
				if (l->operation && *l->operation)
					buf_printf(&c[4], "\nopération %s", l->operation);
				pes_view_amount(&c[5], l->ht);
				if (l->has_tva)
					pes_view_amount(&c[6], l->tva);
			}
			for (size_t r = 0; k == 0 && r < pc->n_refs; r++)
				buf_printf(&c[7], "%s%s", r ? "\n" : "",
					   pc->refs[r].nom && *pc->refs[r].nom ? pc->refs[r].nom : s(pc->refs[r].id));
			const char *cells[8];
			for (int j = 0; j < 8; j++)
				cells[j] = c[j].data ? c[j].data : "";
			row(p, &t, cells, 0);
		}
	}
	buf_reset(&line);
	buf_puts(&line, "Total HT des pièces : ");
	pes_view_amount(&line, b->ht);
	p->y += 3;
	para(p, line.data, p->bold, 6);
	buf_free(&line);
	for (int i = 0; i < 8; i++)
		buf_free(&c[i]);
}

static void pj_table(struct pdf *p, const struct pes_model *m)
{
	static const double frac[] = { .24, .24, .06, .30, .09, .07 };
	static const char *const head[] = { "Nom", "Identifiant unique", "Type", "Description", "Format", "Taille" };
	struct table t = { 6, frac, head, 1u << 5 };
	char title[64];
	snprintf(title, sizeof title, "Pièces justificatives (%zu)", m->n_pjs);
	p->y += 8;
	para(p, title, p->title, 4);
	if (!m->n_pjs) {
		para(p, "Aucune pièce justificative dans ce fichier.", p->normal, 4);
		return;
	}
	table_start(p, &t, "Pièces justificatives jointes");
	for (size_t i = 0; i < m->n_pjs; i++) {
		const struct pes_pj *pj = &m->pjs[i];
		char size[32];
		snprintf(size, sizeof size, "%llu Ko", (pj->b64_chars * 3 / 4 + 1023) / 1024);
		const char *cells[] = { s(pj->nom), s(pj->id), s(pj->type), s(pj->description), s(pj->mime), size };
		row(p, &t, cells, 0);
	}
}

static void findings(struct pdf *p, const struct pes_report *rep)
{
	static const double frac[] = { .07, .11, .37, .45 };
	static const char *const head[] = { "Ligne", "Gravité", "Emplacement", "Constat" };
	struct table t = { 4, frac, head, 1u };
	char txt[128];
	para(p, "Contrôle", p->title, 4);
	if (!rep->errors && !rep->warnings) {
		para(p, "Fichier conforme au schéma PES de la DGFiP et aux règles de contrôle.", p->normal, 6);
		return;
	}
	snprintf(txt, sizeof txt, "%zu erreur(s), %zu avertissement(s).", rep->errors, rep->warnings);
	para(p, txt, p->bold, 4);
	table_start(p, &t, "Constats du contrôle");
	for (size_t i = 0; i < rep->n_issues; i++) {
		const struct pes_issue *is = &rep->issues[i];
		char line[24];
		snprintf(line, sizeof line, "%ld", is->line);
		const char *cells[] = { line, is->severity == PES_ERROR ? "erreur" : "avertissement", is->path, is->msg };
		row(p, &t, cells, 0);
	}
	p->y += 6;
}

int pes_view_pdf(const char *path, const struct pes_model *m, const struct pes_report *rep, struct err *e)
{
	struct pdf p = { 0 };
	buf b = BUF_INIT;
	p.surface = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	if (cairo_surface_status(p.surface) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(p.surface);
		return err_set(e, 500, "pes.pdf", "impossible d'écrire le PDF %s", path);
	}
	buf_printf(&b, "Visuel PES %s", s(m->nomfic));
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE, b.data);
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR, "Opale");
	p.footer = b.data;
	p.cr = cairo_create(p.surface);
	p.normal = pango_font_description_from_string("DejaVu Sans 7.5");
	p.bold = pango_font_description_from_string("DejaVu Sans Bold 7.5");
	p.title = pango_font_description_from_string("DejaVu Sans Bold 12");
	new_page(&p);
	buf t = BUF_INIT;
	buf_printf(&t, "Visuel PES — %s", s(m->nomfic));
	para(&p, t.data, p.title, 6);
	buf_reset(&t);
	buf_printf(&t, "Collectivité : %s — SIRET %s — code collectivité %s, budget %s\nPoste comptable : %s %s — "
		       "date du fichier %s — émetteur %s — type %s\n%zu bordereau(x), %zu pièce(s), %zu pièce(s) "
		       "justificative(s)%s",
		   s(m->libelle_colbud), s(m->idcoll), s(m->codcol), s(m->codbud), s(m->idpost), s(m->libelle_poste),
		   s(m->dtestr), s(m->emetteur), s(m->typfic), m->n_bordereaux, m->pieces_total, m->n_pjs,
		   m->truncated ? " — seules les premières pièces sont reproduites" : "");
	para(&p, t.data, p.normal, 8);
	buf_free(&t);
	if (rep)
		findings(&p, rep);
	for (size_t i = 0; i < m->n_bordereaux; i++)
		bordereau(&p, &m->bordereaux[i]);
	pj_table(&p, m);
	footer(&p);
	cairo_show_page(p.cr);
	pango_font_description_free(p.normal);
	pango_font_description_free(p.bold);
	pango_font_description_free(p.title);
	cairo_destroy(p.cr);
	cairo_surface_finish(p.surface);
	cairo_status_t st = cairo_surface_status(p.surface);
	cairo_surface_destroy(p.surface);
	buf_free(&b);
	if (st != CAIRO_STATUS_SUCCESS)
		return err_set(e, 500, "pes.pdf", "écriture du PDF %s impossible : %s", path,
			       cairo_status_to_string(st));
	return 0;
}
