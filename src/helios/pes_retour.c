/* pes_retour: reads a PES_Retour — the comptable's report on the collectivité's mandats and titres
 * (prise en charge, rejet, paiement or encaissement) — into bordereaux → pièces → lignes. */
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "helios/pes_priv.h"

#define MAX_RETOUR (256u << 20)

struct label { const char *code, *text; };
static const struct label etat_piece_d[] = { { "01", "En instance" }, { "02", "Prise en charge" },
					     { "04", "Rejeté" }, { "05", "Soldé" }, { NULL, NULL } };
static const struct label etat_piece_r[] = { { "01", "En instance" }, { "02", "Prise en charge" },
					     { "03", "Prise en charge partielle" }, { "04", "Rejeté" },
					     { "05", "Annulé" }, { NULL, NULL } };
static const struct label etat_ligne_d[] = {
	{ "01", "Pris en charge" }, { "02", "Rejeté" }, { "03", "Pré-visé, prise en charge sans anomalie" },
	{ "04", "Pré-visé, prise en charge avec anomalie" }, { "05", "Pré-visé, rejet forçable" },
	{ "06", "Pré-visé, rejet non forçable" }, { "07", "Pris en charge avec anomalies" },
	{ "08", "Pris en charge sans anomalie" }, { "09", "Rejet" }, { "10", "Rejet non forçable" },
	{ "15", "Pris en charge avec forçage" }, { "16", "Mis en instance" }, { NULL, NULL } };
static const struct label etat_ligne_r[] = { { "01", "Rejeté" }, { "02", "Annulé" }, { "03", "Mis en instance" },
					     { "04", "Non soldée" }, { "05", "Soldée" },
					     { "06", "Soldée en non-valeur" }, { NULL, NULL } };

static const char *label(const struct label *t, const char *code)
{
	for (; code && t->code; t++)
		if (strcmp(t->code, code) == 0)
			return t->text;
	return NULL;
}

const char *pes_retour_etat_piece(char d, const char *code)
{
	return label(d == 'D' ? etat_piece_d : etat_piece_r, code);
}

const char *pes_retour_etat_ligne(char d, const char *code)
{
	return label(d == 'D' ? etat_ligne_d : etat_ligne_r, code);
}

static long long cents(const char *v)
{
	int64_t c;
	return v && pes_amount_cents(v, &c) == 0 ? c : 0;
}

static void ligne(arena *a, xmlNodePtr n, struct pes_retour_piece *p)
{
	struct pes_retour_ligne *l = pes_push(&p->lignes, &p->n_lignes, sizeof *l);
	xmlNodePtr bloc = pes_dom_child(n, "BlocLignePiece");
	xmlNodePtr info = pes_dom_child(bloc, "InfoLignePiece");
	l->id = pes_dom_v(a, info, "IdLigne");
	l->etat = pes_dom_v(a, info, "EtatLigPce");
	l->obs = pes_dom_v(a, info, "ObsEtat");
	l->commentaire = pes_dom_v(a, info, "Commentaire");
	l->ht = cents(pes_dom_v(a, info, "MtHT"));
	/* Payments (dépense) or collections (recette), each with a date and an amount. */
	for (xmlNodePtr c = pes_dom_elem(n->children); c; c = pes_dom_elem(c->next)) {
		if (!pes_dom_is(c, "PaiementEmargement") && !pes_dom_is(c, "EncaissementEmargement"))
			continue;
		const char *date = pes_dom_v(a, c, "DtePay");
		if (!date)
			date = pes_dom_v(a, c, "DteReco");
		const char *mt = pes_dom_v(a, c, "MtPay");
		l->paye += cents(mt ? mt : pes_dom_v(a, c, "MtReco"));
		if (date)
			l->date_paiement = date;
	}
}

static void piece(arena *a, xmlNodePtr n, struct pes_retour_bordereau *b)
{
	struct pes_retour_piece *p = pes_push(&b->pieces, &b->n_pieces, sizeof *p);
	xmlNodePtr info = pes_dom_child(n, "InfoPiece");
	if (!info)  /* recette: BlocPiece/InfoPiece in older files, the fields straight in BlocPiece (RETOUR/NS_Recette TBlocPiece) */
		info = pes_dom_child(pes_dom_child(n, "BlocPiece"), "InfoPiece");
	if (!info)
		info = pes_dom_child(n, "BlocPiece");
	p->id = pes_dom_v(a, info, "IdPce");
	p->type = pes_dom_v(a, info, "TypPce");
	p->objet = pes_dom_v(a, info, "Obj");
	p->date_pec = pes_dom_v(a, info, "DtePcePec");
	p->etat = pes_dom_v(a, info, "EtatPce");
	p->obs = pes_dom_v(a, info, "ObsEtat");
	p->commentaire = pes_dom_v(a, info, "Commentaire");
	p->date_rejet = pes_dom_v(a, info, "DtePceRej");
	for (xmlNodePtr c = pes_dom_elem(n->children); c; c = pes_dom_elem(c->next))
		if (pes_dom_is(c, "LigneDePiece"))
			ligne(a, c, p);
}

static void domaine(struct pes_retour *r, arena *a, xmlNodePtr d, char which)
{
	xmlNodePtr head = pes_dom_child(d, which == 'D' ? "EnTeteDepense" : "EnTeteRecette");
	if (!r->typ_restit)
		r->typ_restit = pes_dom_v(a, head, "TypRestit");
	for (xmlNodePtr n = pes_dom_elem(d->children); n; n = pes_dom_elem(n->next)) {
		if (!pes_dom_is(n, "Bordereau"))
			continue;
		struct pes_retour_bordereau *b = pes_push(&r->bordereaux, &r->n_bordereaux, sizeof *b);
		xmlNodePtr bloc = pes_dom_child(n, "BlocBordereau");
		b->domaine = which;
		b->exer = pes_dom_v(a, bloc, "Exer");
		b->idbord = pes_dom_v(a, bloc, "IdBord");
		b->type = pes_dom_v(a, bloc, "TypBord");
		for (xmlNodePtr p = pes_dom_elem(n->children); p; p = pes_dom_elem(p->next))
			if (pes_dom_is(p, "Piece"))
				piece(a, p, b);
	}
}

int pes_retour_parse(const char *data, size_t len, struct pes_retour *r, struct err *e)
{
	memset(r, 0, sizeof *r);
	xmlDocPtr doc = pes_dom_read(data, len, "PES_Retour", e);
	if (!doc)
		return -1;
	r->mem = xcalloc(1, sizeof *r->mem);
	arena *a = r->mem->a = arena_new();
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr par = pes_dom_child(pes_dom_child(root, "Enveloppe"), "Parametres");
	xmlNodePtr head = pes_dom_child(root, "EnTetePES");
	r->nomfic = pes_dom_v(a, par, "NomFic");
	r->typfic = pes_dom_v(a, par, "TypFic");
	r->dtestr = pes_dom_v(a, head, "DteStr");
	r->idpost = pes_dom_v(a, head, "IdPost");
	r->libelle_poste = pes_dom_v(a, head, "LibellePoste");
	r->idcoll = pes_dom_v(a, head, "IdColl");
	r->codcol = pes_dom_v(a, head, "CodColl");  /* spelt CodColl in the retour schema */
	if (!r->codcol)
		r->codcol = pes_dom_v(a, head, "CodCol");
	r->codbud = pes_dom_v(a, head, "CodBud");
	xmlNodePtr dep = pes_dom_child(root, "PES_DepenseRetour"), rec = pes_dom_child(root, "PES_RecetteRetour");
	if (dep)
		domaine(r, a, dep, 'D');
	if (rec)
		domaine(r, a, rec, 'R');
	xmlFreeDoc(doc);
	return 0;
}

int pes_retour_parse_file(const char *path, struct pes_retour *r, struct err *e)
{
	buf b = BUF_INIT;
	memset(r, 0, sizeof *r);
	int rc = pes_read_small(path, &b, MAX_RETOUR, e);
	if (rc == 0)
		rc = pes_retour_parse(b.data ? b.data : "", b.len, r, e);
	buf_free(&b);
	return rc;
}

void pes_retour_free(struct pes_retour *r)
{
	for (size_t i = 0; i < r->n_bordereaux; i++) {
		for (size_t j = 0; j < r->bordereaux[i].n_pieces; j++)
			free(r->bordereaux[i].pieces[j].lignes);
		free(r->bordereaux[i].pieces);
	}
	free(r->bordereaux);
	if (r->mem) {
		arena_free(r->mem->a);
		free(r->mem);
	}
	memset(r, 0, sizeof *r);
}

static const char *or(const char *s, const char *d)
{
	return s && *s ? s : d;
}

void pes_retour_format(buf *o, const struct pes_retour *r)
{
	static const struct label restit[] = { { "01", "rejets" }, { "02", "périodique" }, { "03", "stock" },
					       { NULL, NULL } };
	const char *kind = label(restit, r->typ_restit);
	buf_printf(o, "PES Retour %s (%s) du %s — poste %s %s, SIRET %s — restitution %s\n", or(r->nomfic, "?"),
		   or(r->typfic, "?"), or(r->dtestr, "?"), or(r->idpost, "?"), or(r->libelle_poste, ""),
		   or(r->idcoll, "?"), kind ? kind : or(r->typ_restit, "?"));
	for (size_t i = 0; i < r->n_bordereaux; i++) {
		const struct pes_retour_bordereau *b = &r->bordereaux[i];
		buf_printf(o, "  bordereau %s n° %s (exercice %s)\n", b->domaine == 'D' ? "de mandats" : "de titres",
			   or(b->idbord, "?"), or(b->exer, "?"));
		for (size_t j = 0; j < b->n_pieces; j++) {
			const struct pes_retour_piece *p = &b->pieces[j];
			const char *etat = pes_retour_etat_piece(b->domaine, p->etat);
			buf_printf(o, "    %s n° %s « %s » : %s", b->domaine == 'D' ? "mandat" : "titre", or(p->id, "?"),
				   or(p->objet, ""), etat ? etat : or(p->etat, "état inconnu"));
			if (p->date_pec)
				buf_printf(o, " le %s", p->date_pec);
			buf_putc(o, '\n');
			for (size_t k = 0; k < p->n_lignes; k++) {
				const struct pes_retour_ligne *l = &p->lignes[k];
				const char *le = pes_retour_etat_ligne(b->domaine, l->etat);
				buf_printf(o, "      ligne %s : %s, ", or(l->id, "?"), le ? le : or(l->etat, "état inconnu"));
				pes_view_amount(o, l->ht);
				buf_puts(o, " HT");
				if (l->paye) {
					buf_puts(o, b->domaine == 'D' ? ", payé " : ", encaissé ");
					pes_view_amount(o, l->paye);
					if (l->date_paiement)
						buf_printf(o, " le %s", l->date_paiement);
				}
				if (l->commentaire)
					buf_printf(o, " — %s", l->commentaire);
				buf_putc(o, '\n');
			}
		}
	}
}
