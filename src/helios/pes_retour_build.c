/* pes_retour_build: the PES_Retour a comptable would send back after taking a PES_Aller's mandats and
 * titres in charge (« prise en charge » of every piece and line) — for the test peer. Dépense
 * bordereaux in PES_DepenseRetour (pieces with InfoPiece), recette ones in PES_RecetteRetour (the
 * piece's fields straight in BlocPiece: RETOUR/NS_Recette TBlocPiece); the result passes
 * RETOUR/Rev0/PES_Retour.xsd. */
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "helios/pes_priv.h"

/* One domain's block: D (mandats, PES_DepenseRetour) or R (titres, PES_RecetteRetour). */
static void domaine(buf *out, const struct pes_model *m, char which, const char *date)
{
	int rec = which == 'R';
	buf_printf(out, "<PES_%sRetour>\n<EnTete%s>\n<TypRestit V=\"02\"/>\n<IdVer V=\"2\"/>\n<NatInf V=\"2\"/>\n</EnTete%s>\n",
		   rec ? "Recette" : "Depense", rec ? "Recette" : "Depense", rec ? "Recette" : "Depense");
	for (size_t i = 0; i < m->n_bordereaux; i++) {
		const struct pes_bordereau *b = &m->bordereaux[i];
		if (b->domaine != which)
			continue;
		buf_puts(out, "<Bordereau>\n <BlocBordereau>\n");
		pes_xml_v(out, "  ", "Exer", b->exer);
		pes_xml_v(out, "  ", "IdBord", b->idbord);
		pes_xml_v(out, "  ", "TypBord", b->type);
		buf_puts(out, " </BlocBordereau>\n");
		for (size_t k = 0; k < b->n_pieces; k++) {
			const struct pes_piece *p = &b->pieces[k];
			buf_puts(out, rec ? " <Piece>\n  <BlocPiece>\n" : " <Piece>\n  <InfoPiece>\n");
			pes_xml_v(out, "   ", "IdPce", p->id);
			pes_xml_v(out, "   ", "TypPce", p->type);
			pes_xml_v(out, "   ", "NatPce", p->nature);
			if (p->objet)
				pes_xml_v(out, "   ", "Obj", p->objet);
			pes_xml_v(out, "   ", "DtePcePec", date);
			pes_xml_v(out, "   ", "EtatPce", "02");   /* prise en charge */
			buf_puts(out, rec ? "  </BlocPiece>\n" : "  </InfoPiece>\n");
			for (size_t l = 0; l < p->n_lignes; l++) {
				const struct pes_ligne *li = &p->lignes[l];
				buf amount = BUF_INIT;
				pes_amount_format(&amount, li->ht);
				buf_puts(out, "  <LigneDePiece>\n   <BlocLignePiece>\n    <InfoLignePiece>\n");
				pes_xml_v(out, "     ", "IdLigne", li->id);
				pes_xml_v(out, "     ", "EtatLigPce", rec ? "04" : "01");   /* recette 04 non soldée, dépense 01 pris en charge */
				pes_xml_v(out, "     ", "MtHT", amount.data);
				buf_puts(out, "    </InfoLignePiece>\n   </BlocLignePiece>\n  </LigneDePiece>\n");
				buf_free(&amount);
			}
			buf_puts(out, " </Piece>\n");
		}
		buf_puts(out, "</Bordereau>\n");
	}
	buf_printf(out, "</PES_%sRetour>\n", rec ? "Recette" : "Depense");
}

int pes_retour_build(const char *aller_path, const char *nomfic, const char *date, buf *out, struct err *e)
{
	struct pes_model m;
	if (pes_model_load(aller_path, 0, &m, e) < 0)
		return -1;
	char today[11];
	date = pes_date_or_today(date, today);
	size_t dep = 0, rec = 0;
	for (size_t i = 0; i < m.n_bordereaux; i++) {
		dep += m.bordereaux[i].domaine == 'D';
		rec += m.bordereaux[i].domaine == 'R';
	}
	if (!m.idcoll || !m.idpost || (!dep && !rec)) {
		pes_model_free(&m);
		return err_set(e, 422, "pes.retour", "PES_Aller sans en-tête lisible ou sans bordereau : pas de PES Retour.");
	}
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
		      "<n:PES_Retour xmlns:n=\"http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/retour\">\n"
		      "<Enveloppe>\n<Parametres>\n<Version V=\"2\"/>\n");
	pes_xml_v(out, "", "TypFic", dep && rec ? "PESRETOUR" : dep ? "PESRETOUR_DEP" : "PESRETOUR_REC");
	pes_xml_v(out, "", "NomFic", nomfic ? nomfic : "PESRETOUR");
	buf_puts(out, "</Parametres>\n</Enveloppe>\n<EnTetePES>\n");
	pes_xml_v(out, "", "DteStr", date);
	pes_xml_v(out, "", "IdPost", m.idpost);
	pes_xml_v(out, "", "LibellePoste", m.libelle_poste && *m.libelle_poste ? m.libelle_poste : "TRESORERIE");
	pes_xml_v(out, "", "IdColl", m.idcoll);
	pes_xml_v(out, "", "CodColl", m.codcol);
	pes_xml_v(out, "", "CodBud", m.codbud);
	buf_puts(out, "</EnTetePES>\n");
	if (dep)
		domaine(out, &m, 'D', date);
	if (rec)
		domaine(out, &m, 'R', date);
	buf_puts(out, "</n:PES_Retour>\n");
	pes_model_free(&m);
	return 0;
}
