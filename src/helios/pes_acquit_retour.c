/* pes_acquit_retour: the collectivité's acknowledgement of a PES Retour (PES_ACQUIT_RETOUR), defined
 * by RETOUR/Rev0/PES_V2_Acquit_Retour.xsd of the DGFiP set we ship (v5.17): one ElementACQUIT_RETOUR per
 * domain of the retour (13 dépense, 14 recette) naming its NomFic, its TypRestit and the day of the
 * acknowledgement. S2LOW accepts such a file on its Hélios importer since 5.1.1 (state 24, « Transmis.
 * Aucun Ack attendu. »; research §3.7). v5.17 spells the header's code CodCol (S2LOW's sample, made
 * for 5.30, CodColl): we write what the shipped schema validates. */
#include <string.h>
#include <time.h>

#include "helios/pes_priv.h"

int pes_acquit_retour_build(const struct pes_retour *r, const char *date, buf *out, struct err *e)
{
	char today[11];
	date = pes_date_or_today(date, today);
	int dep = 0, rec = 0;
	for (size_t i = 0; i < r->n_bordereaux; i++) {
		dep |= r->bordereaux[i].domaine == 'D';
		rec |= r->bordereaux[i].domaine == 'R';
	}
	if (!r->nomfic || !r->idpost || !r->idcoll || !r->codbud || (!dep && !rec))
		return err_set(e, 422, "pes.acquit_retour", "PES Retour sans NomFic, en-tête ou bordereau : pas d'accusé de réception.");
	const char *codcol = r->codcol && *r->codcol ? r->codcol : "000";
	/* the file's name: the retour's NomFic prefixed as S2LOW's sample names it (PES2R_…) */
	buf name = BUF_INIT;
	buf_printf(&name, "ACQUIT_%s", r->nomfic);
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
		      "<n:PES_ACQUIT_RETOUR xmlns:n=\"http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller/ack\">\n"
		      "<Enveloppe>\n<Parametres>\n<Version V=\"2\"/>\n");
	pes_xml_v(out, "", "TypFic", dep && rec ? "PES2R" : dep ? "PES2R_DEP" : "PES2R_REC");
	pes_xml_v(out, "", "NomFic", name.data);
	buf_puts(out, "</Parametres>\n<Emetteur>\n<Sigle V=\"OPALE\"/>\n<Adresse V=\"ORDONNATEUR\"/>\n</Emetteur>\n</Enveloppe>\n<EnTetePES>\n");
	pes_xml_v(out, "", "DteStr", date);
	pes_xml_v(out, "", "IdPost", r->idpost);
	if (r->libelle_poste && *r->libelle_poste)
		pes_xml_v(out, "", "LibellePoste", r->libelle_poste);
	pes_xml_v(out, "", "IdColl", r->idcoll);
	pes_xml_v(out, "", "CodCol", codcol);
	pes_xml_v(out, "", "CodBud", r->codbud);
	buf_puts(out, "</EnTetePES>\n<ACQUIT_RETOUR>\n<EnTeteAcquit_Retour>\n<IdVer V=\"2\"/>\n</EnTeteAcquit_Retour>\n");
	for (int k = 0; k < 2; k++) {
		if (!(k == 0 ? dep : rec))
			continue;
		buf_puts(out, "<ElementACQUIT_RETOUR>\n");
		pes_xml_v(out, " ", "DomaineAckRetour", k == 0 ? "13" : "14");
		pes_xml_v(out, " ", "NomFichierRetour", r->nomfic);
		pes_xml_v(out, " ", "TypRestit", r->typ_restit && *r->typ_restit ? r->typ_restit : "02");
		pes_xml_v(out, " ", "DateAcquit", date);
		buf_puts(out, "</ElementACQUIT_RETOUR>\n");
	}
	buf_puts(out, "</ACQUIT_RETOUR>\n</n:PES_ACQUIT_RETOUR>\n");
	buf_free(&name);
	return 0;
}
