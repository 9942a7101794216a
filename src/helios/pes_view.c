/* pes_view: the « visuel PES » in HTML — what the signataire reads before signing: the file's
 * identity, each bordereau with its mandats/titres (tiers, imputation, amounts, PJ) and the attached
 * documents. Accessible tables (caption, th scope), every value escaped. */
#include <string.h>

#include "core/buf.h"
#include "helios/pes_priv.h"

struct label { const char *code, *text; };
static const struct label bord_depense[] = {
	{ "01", "ordinaire" }, { "02", "d'annulation/réduction" }, { "03", "d'ordres de paiement" }, { NULL, NULL } };
static const struct label bord_recette[] = {
	{ "01", "ordinaire" }, { "02", "d'annulation/réduction" }, { "03", "d'ordres de recette" },
	{ "06", "d'ordres de recette multi-créanciers" }, { NULL, NULL } };
static const struct label piece_depense[] = {
	{ "01", "Mandat ordinaire" }, { "02", "Mandat correctif" }, { "03", "Mandat d'ordre budgétaire" },
	{ "04", "Mandat d'ordre mixte" }, { "05", "Mandat émis après paiement" }, { "06", "Mandat global" },
	{ "07", "Mandat d'admission en non-valeur" }, { "08", "Mandat collectif" }, { "09", "Mandat sur marché" },
	{ "10", "Mandat de rattachement" }, { "11", "Ordre de paiement" }, { NULL, NULL } };

static const char *label(const struct label *t, const char *code)
{
	for (; code && t->code; t++)
		if (strcmp(t->code, code) == 0)
			return t->text;
	return NULL;
}

const char *pes_view_bordereau_type(char domaine, const char *code)
{
	const char *l = label(domaine == 'D' ? bord_depense : bord_recette, code);
	return l ? l : code ? code : "";
}

const char *pes_view_piece_type(char domaine, const char *code)
{
	return domaine == 'D' ? label(piece_depense, code) : NULL;
}

void pes_view_declared(buf *out, const char *amount)
{
	int64_t cents;
	if (amount && pes_amount_cents(amount, &cents) == 0)
		pes_view_amount(out, cents);
	else
		buf_puts(out, amount ? amount : "—");
}

/* "1 234 567,89 €" with no-break spaces. */
void pes_view_amount(buf *out, long long cents)
{
	unsigned long long a = cents < 0 ? 0ULL - (unsigned long long)cents : (unsigned long long)cents;
	char digits[32];
	int n = snprintf(digits, sizeof digits, "%llu", a / 100);
	if (cents < 0)
		buf_puts(out, "−");
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf_puts(out, "\u202f");
		buf_putc(out, digits[i]);
	}
	buf_printf(out, ",%02llu\u00a0€", a % 100);
}

static void h(buf *o, const char *s)
{
	buf_html(o, s ? s : "");
}

static void dd(buf *o, const char *term, const char *v1, const char *v2)
{
	buf_puts(o, "<dt>");
	h(o, term);
	buf_puts(o, "</dt><dd>");
	h(o, v1 && *v1 ? v1 : "—");
	if (v2 && *v2) {
		buf_puts(o, " — ");
		h(o, v2);
	}
	buf_puts(o, "</dd>\n");
}

static void tiers_cell(buf *o, const struct pes_ligne *l)
{
	for (size_t i = 0; i < l->n_tiers; i++) {
		const struct pes_tiers *t = &l->tiers[i];
		if (i)
			buf_puts(o, "<br>");
		buf_puts(o, "<span class=\"tiers\">");
		const char *parts[] = { t->civilite, t->nom, t->prenom, t->compl_nom };
		int first = 1;
		for (size_t k = 0; k < 4; k++)
			if (parts[k] && *parts[k]) {
				if (!first)
					buf_putc(o, ' ');
				h(o, parts[k]);
				first = 0;
			}
		buf_puts(o, "</span>");
		const char *adr[] = { t->adr1, t->adr2, t->adr3 };
		for (size_t k = 0; k < 3; k++)
			if (adr[k] && *adr[k]) {
				buf_puts(o, "<br>");
				h(o, adr[k]);
			}
		if ((t->cp && *t->cp) || (t->ville && *t->ville)) {
			buf_puts(o, "<br>");
			h(o, t->cp);
			buf_putc(o, ' ');
			h(o, t->ville);
		}
		if (t->iban && *t->iban) {
			buf_puts(o, "<br>IBAN ");
			h(o, t->iban);
			if (t->bic && *t->bic) {
				buf_puts(o, " — BIC ");
				h(o, t->bic);
			}
		}
	}
}

static void piece_rows(buf *o, const struct pes_bordereau *b, const struct pes_piece *p)
{
	size_t rows = p->n_lignes ? p->n_lignes : 1;
	for (size_t i = 0; i < rows; i++) {
		const struct pes_ligne *l = p->n_lignes ? &p->lignes[i] : NULL;
		buf_puts(o, "<tr><th scope=\"row\">");
		h(o, p->id);
		buf_puts(o, "</th><td>");
		if (l)
			h(o, l->id);
		buf_puts(o, "</td><td>");
		h(o, p->objet);
		const char *type = pes_view_piece_type(b->domaine, p->type);
		if (type && i == 0) {
			buf_puts(o, "<br><small>");
			h(o, type);
			buf_puts(o, "</small>");
		}
		if (l && l->libelle1 && *l->libelle1) {
			buf_puts(o, "<br><small>");
			h(o, l->libelle1);
			if (l->libelle2 && *l->libelle2) {
				buf_puts(o, " ");
				h(o, l->libelle2);
			}
			buf_puts(o, "</small>");
		}
		buf_puts(o, "</td><td>");
		if (l)
			tiers_cell(o, l);
		buf_puts(o, "</td><td>");
		if (l) {
			buf_puts(o, "nature ");
			h(o, l->nature);
			if (l->fonction && *l->fonction) {
				buf_puts(o, "<br>fonction ");
				h(o, l->fonction);
			}
			if (l->operation && *l->operation) {
				buf_puts(o, "<br>opération ");
				h(o, l->operation);
			}
		}
		buf_puts(o, "</td><td class=\"num\">");
		if (l)
			pes_view_amount(o, l->ht);
		buf_puts(o, "</td><td class=\"num\">");
		if (l && l->has_tva)
			pes_view_amount(o, l->tva);
		buf_puts(o, "</td><td>");
		for (size_t k = 0; i == 0 && k < p->n_refs; k++) {
			if (k)
				buf_puts(o, "<br>");
			h(o, p->refs[k].nom && *p->refs[k].nom ? p->refs[k].nom : p->refs[k].id);
		}
		buf_puts(o, "</td></tr>\n");
	}
}

static void bordereau(buf *o, const struct pes_bordereau *b, size_t k)
{
	const char *what = b->domaine == 'D' ? "Mandats" : "Titres de recette";
	buf_printf(o, "<section class=\"bordereau\" aria-labelledby=\"bord-%zu\">\n<h2 id=\"bord-%zu\">", k, k);
	buf_printf(o, "Bordereau %s n° ", b->domaine == 'D' ? "de mandats" : "de titres");
	h(o, b->idbord);
	buf_puts(o, " — exercice ");
	h(o, b->exer);
	buf_puts(o, "</h2>\n<dl class=\"meta\">\n");
	dd(o, "Émis le", b->date, NULL);
	dd(o, "Type", pes_view_bordereau_type(b->domaine, b->type), NULL);
	dd(o, "Pièces annoncées", b->nbrpce, NULL);
	buf mt = BUF_INIT;
	pes_view_declared(&mt, b->mt_ht_decl);
	dd(o, "Montant HT annoncé", mt.data, NULL);
	buf_free(&mt);
	dd(o, "Signature", b->signe ? "bordereau signé" : "non signé", NULL);
	buf_puts(o, "</dl>\n<table>\n<caption>");
	buf_printf(o, "%s du bordereau n° ", what);
	h(o, b->idbord);
	buf_printf(o, " (%zu)</caption>\n<thead><tr><th scope=\"col\">N°</th><th scope=\"col\">Ligne</th>"
		      "<th scope=\"col\">Objet</th><th scope=\"col\">Tiers</th><th scope=\"col\">Imputation</th>"
		      "<th scope=\"col\">Montant HT</th><th scope=\"col\">TVA</th><th scope=\"col\">PJ</th></tr></thead>\n"
		      "<tbody>\n",
		   b->n_pieces);
	for (size_t i = 0; i < b->n_pieces; i++)
		piece_rows(o, b, &b->pieces[i]);
	buf_puts(o, "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"5\">Total HT des pièces</th><td class=\"num\">");
	pes_view_amount(o, b->ht);
	buf_puts(o, "</td><td></td><td></td></tr></tfoot>\n</table>\n</section>\n");
}

static void pjs(buf *o, const struct pes_model *m)
{
	buf_printf(o, "<section aria-labelledby=\"pj\">\n<h2 id=\"pj\">Pièces justificatives (%zu)</h2>\n", m->n_pjs);
	if (!m->n_pjs) {
		buf_puts(o, "<p>Aucune pièce justificative dans ce fichier.</p>\n</section>\n");
		return;
	}
	buf_puts(o, "<table>\n<caption>Pièces justificatives jointes</caption>\n<thead><tr>"
		    "<th scope=\"col\">Nom</th><th scope=\"col\">Identifiant unique</th><th scope=\"col\">Type</th>"
		    "<th scope=\"col\">Description</th><th scope=\"col\">Format</th><th scope=\"col\">Taille compressée</th>"
		    "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < m->n_pjs; i++) {
		const struct pes_pj *p = &m->pjs[i];
		buf_puts(o, "<tr><th scope=\"row\">");
		h(o, p->nom);
		buf_puts(o, "</th><td>");
		h(o, p->id);
		buf_puts(o, "</td><td>");
		h(o, p->type);
		buf_puts(o, "</td><td>");
		h(o, p->description);
		buf_puts(o, "</td><td>");
		h(o, p->mime);
		buf_printf(o, "</td><td class=\"num\">%llu\u00a0Ko</td></tr>\n", (p->b64_chars * 3 / 4 + 1023) / 1024);
	}
	buf_puts(o, "</tbody>\n</table>\n</section>\n");
}

static void findings(buf *o, const struct pes_report *rep)
{
	buf_puts(o, "<section aria-labelledby=\"controle\">\n<h2 id=\"controle\">Contrôle</h2>\n");
	if (!rep->errors && !rep->warnings) {
		buf_puts(o, "<p class=\"ok\">Fichier conforme au schéma PES de la DGFiP et aux règles de contrôle.</p>\n");
		buf_puts(o, "</section>\n");
		return;
	}
	buf_printf(o, "<p class=\"%s\">%zu erreur(s), %zu avertissement(s).</p>\n", rep->errors ? "ko" : "ok",
		   rep->errors, rep->warnings);
	buf_puts(o, "<table>\n<caption>Constats du contrôle</caption>\n<thead><tr><th scope=\"col\">Ligne</th>"
		    "<th scope=\"col\">Gravité</th><th scope=\"col\">Emplacement</th><th scope=\"col\">Constat</th>"
		    "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < rep->n_issues; i++) {
		const struct pes_issue *is = &rep->issues[i];
		buf_printf(o, "<tr><th scope=\"row\">%ld</th><td>%s</td><td><code>", is->line,
			   is->severity == PES_ERROR ? "erreur" : "avertissement");
		h(o, is->path);
		buf_puts(o, "</code></td><td>");
		h(o, is->msg);
		buf_puts(o, "</td></tr>\n");
	}
	buf_puts(o, "</tbody>\n</table>\n</section>\n");
}

void pes_view_html(buf *o, const struct pes_model *m, const struct pes_report *rep)
{
	buf_puts(o, "<article class=\"pes-visuel\">\n<h1>Visuel PES — ");
	h(o, m->nomfic);
	buf_puts(o, "</h1>\n<dl class=\"meta\">\n");
	dd(o, "Collectivité", m->libelle_colbud, NULL);
	dd(o, "SIRET (IdColl)", m->idcoll, NULL);
	dd(o, "Code collectivité / budget", m->codcol, m->codbud);
	dd(o, "Poste comptable", m->idpost, m->libelle_poste);
	dd(o, "Date du fichier", m->dtestr, NULL);
	dd(o, "Émetteur", m->emetteur, NULL);
	dd(o, "Type de fichier", m->typfic, NULL);
	buf_puts(o, "</dl>\n<p>");
	buf_printf(o, "%zu bordereau(x), %zu pièce(s), %zu pièce(s) justificative(s).", m->n_bordereaux,
		   m->pieces_total, m->n_pjs);
	if (m->truncated)
		buf_puts(o, " <strong>Seules les premières pièces sont affichées.</strong>");
	buf_puts(o, "</p>\n");
	if (rep)
		findings(o, rep);
	for (size_t i = 0; i < m->n_bordereaux; i++)
		bordereau(o, &m->bordereaux[i], i + 1);
	pjs(o, m);
	buf_puts(o, "</article>\n");
}

static const char css[] =
	"body{font-family:'DejaVu Sans',sans-serif;margin:1.5rem;color:#1b1b1b;line-height:1.4}"
	"table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}caption{text-align:left;font-weight:bold;"
	"padding:.3rem 0}th,td{border:1px solid #888;padding:.3rem .4rem;vertical-align:top;text-align:left}"
	"thead th{background:#e8e8f0}td.num{text-align:right;white-space:nowrap}dl.meta{display:grid;"
	"grid-template-columns:max-content auto;gap:.1rem 1rem}dt{font-weight:bold}dd{margin:0}"
	".ko{color:#a00000;font-weight:bold}.ok{color:#17602a}small{color:#444}";

void pes_view_html_page(buf *o, const struct pes_model *m, const struct pes_report *rep)
{
	buf_puts(o, "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>Visuel PES — ");
	h(o, m->nomfic);
	buf_printf(o, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", css);
	pes_view_html(o, m, rep);
	buf_puts(o, "</main>\n</body>\n</html>\n");
}
