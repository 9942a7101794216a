/* pes_acquit_build: the PES_ACQUIT a treasury would send back for a PES_Aller, built from our own
 * check — for the test peer (and for demos). Errors are placed where the DGFiP places them: on the
 * whole file, on a bordereau and its pieces/lines, or on a PJ. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "helios/pes_priv.h"

/* Where an issue's path points: "/PES_Aller/PES_DepenseAller/Bordereau[2]/Piece[3]/LigneDePiece[1]/…". */
struct where {
	char domaine;            /* 'D', 'R', 'J' (PJ), 0 (file) */
	unsigned bord, piece, ligne, pj;
};

static unsigned rank(const char *path, const char *step)
{
	const char *p = strstr(path, step);
	return p ? (unsigned)atoi(p + strlen(step)) : 0;
}

static struct where locate(const struct pes_issue *is)
{
	struct where w = { 0 };
	const char *p = is->path ? is->path : "";
	if (strncmp(p, "/PES_Aller/PES_DepenseAller/Bordereau[", 38) == 0)
		w.domaine = 'D';
	else if (strncmp(p, "/PES_Aller/PES_RecetteAller/Bordereau[", 38) == 0)
		w.domaine = 'R';
	else if (strncmp(p, "/PES_Aller/PES_PJ/PJ[", 21) == 0)
		w.domaine = 'J';
	if (w.domaine == 'J') {
		w.pj = rank(p, "/PJ[");
	} else if (w.domaine) {
		w.bord = rank(p, "/Bordereau[");
		w.piece = rank(p, "/Piece[");
		w.ligne = rank(p, "/LigneDePiece[");
	}
	return w;
}

/* LibelleAnoAck is at most 500 characters: "ligne N : message", cut on a character boundary. */
static void erreur(buf *o, const char *indent, const char *code, const char *libelle, long line)
{
	char text[501];
	if (line > 0)
		snprintf(text, sizeof text, "ligne %ld : %s", line, libelle ? libelle : "");
	else
		snprintf(text, sizeof text, "%s", libelle ? libelle : "");
	size_t n = strlen(text), chars = 0, cut = n;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80 && ++chars > 500) {
			cut = i;
			break;
		}
	text[cut] = '\0';
	buf_printf(o, "%s<Erreur>\n", indent);
	buf_printf(o, "%s  <NumAnoAck V=\"%s\"/>\n", indent, code ? code : "ERREUR_AUTRE");
	buf_printf(o, "%s  ", indent);
	pes_xml_v(o, "", "LibelleAnoAck", text);
	buf_printf(o, "%s</Erreur>\n", indent);
}

static int is_error(const struct pes_issue *is)
{
	return is->severity == PES_ERROR;
}

/* One ElementACQUIT for the k-th bordereau of its domain (1-based). */
static void bordereau(buf *o, const struct pes_bordereau *b, unsigned k, const struct pes_report *rep,
		      const struct pes_acquit_opts *opt)
{
	int refused = opt->refuse_code != NULL;
	for (size_t i = 0; i < rep->n_issues && !refused; i++) {
		struct where w = locate(&rep->issues[i]);
		refused = is_error(&rep->issues[i]) && w.domaine == b->domaine && w.bord == k;
	}
	buf_puts(o, "    <ElementACQUIT>\n");
	buf_printf(o, "      <DomaineAck V=\"%d\"/>\n      <EtatAck V=\"%d\"/>\n", b->domaine == 'D' ? 5 : 6, !refused);
	pes_xml_v(o, "      ", "NumBord", b->idbord);
	pes_xml_v(o, "      ", "ExerciceBord", b->exer);
	if (opt->refuse_code)
		erreur(o, "      ", opt->refuse_code, opt->refuse_libelle, 0);
	for (size_t i = 0; i < rep->n_issues; i++) {   /* errors on the bordereau itself */
		struct where w = locate(&rep->issues[i]);
		if (is_error(&rep->issues[i]) && w.domaine == b->domaine && w.bord == k && !w.piece)
			erreur(o, "      ", rep->issues[i].dgfip, rep->issues[i].msg, rep->issues[i].line);
	}
	for (size_t j = 0; j < b->n_pieces; j++) {       /* then per piece, per line */
		int any = 0;
		for (size_t i = 0; i < rep->n_issues; i++) {
			struct where w = locate(&rep->issues[i]);
			if (!is_error(&rep->issues[i]) || w.domaine != b->domaine || w.bord != k || w.piece != j + 1)
				continue;
			if (!any++) {
				buf_puts(o, "      <DetailPiece>\n");
				pes_xml_v(o, "        ", "NumPiece", b->pieces[j].id);
			}
			if (w.ligne && w.ligne <= b->pieces[j].n_lignes) {
				buf_puts(o, "        <DetailLigne>\n");
				pes_xml_v(o, "          ", "NumLigne", b->pieces[j].lignes[w.ligne - 1].id);
				erreur(o, "          ", rep->issues[i].dgfip, rep->issues[i].msg, rep->issues[i].line);
				buf_puts(o, "        </DetailLigne>\n");
			} else {
				erreur(o, "        ", rep->issues[i].dgfip, rep->issues[i].msg, rep->issues[i].line);
			}
		}
		if (any)
			buf_puts(o, "      </DetailPiece>\n");
	}
	buf_puts(o, "    </ElementACQUIT>\n");
}

static void pj(buf *o, const struct pes_pj *p, unsigned k, const struct pes_report *rep)
{
	int refused = 0;
	for (size_t i = 0; i < rep->n_issues; i++) {
		struct where w = locate(&rep->issues[i]);
		refused |= is_error(&rep->issues[i]) && w.domaine == 'J' && w.pj == k;
	}
	buf_printf(o, "    <ElementACQUIT>\n      <DomaineAck V=\"4\"/>\n      <EtatAck V=\"%d\"/>\n", !refused);
	pes_xml_v(o, "      ", "IdUnique", p->id);
	for (size_t i = 0; i < rep->n_issues; i++) {
		struct where w = locate(&rep->issues[i]);
		if (is_error(&rep->issues[i]) && w.domaine == 'J' && w.pj == k)
			erreur(o, "      ", rep->issues[i].dgfip, rep->issues[i].msg, rep->issues[i].line);
	}
	buf_puts(o, "    </ElementACQUIT>\n");
}

static void header(buf *o, const struct pes_model *m, const struct pes_report *rep, const char *date)
{
	buf_puts(o, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
		    "<n:PES_ACQUIT xmlns:n=\"http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/retour/v2\">\n"
		    "  <Enveloppe>\n    <Parametres>\n      <Version V=\"2\"/>\n");
	pes_xml_v(o, "      ", "TypFic", m->typfic ? m->typfic : "PESALR2");
	pes_xml_v(o, "      ", "NomFic", m->nomfic ? m->nomfic : "");
	buf_puts(o, "    </Parametres>\n    <Emetteur>\n      <Sigle V=\"HELIOS\"/>\n"
		    "      <Adresse V=\"OPALE PAIR DE TEST\"/>\n    </Emetteur>\n  </Enveloppe>\n  <EnTetePES>\n");
	pes_xml_v(o, "    ", "DteStr", date);
	pes_xml_v(o, "    ", "IdPost", m->idpost ? m->idpost : rep->idpost);
	pes_xml_v(o, "    ", "IdColl", m->idcoll ? m->idcoll : rep->idcoll);
	pes_xml_v(o, "    ", "CodCol", m->codcol ? m->codcol : rep->codcol);
	pes_xml_v(o, "    ", "CodBud", m->codbud ? m->codbud : rep->codbud);
	if (m->libelle_colbud)
		pes_xml_v(o, "    ", "LibelleColBud", m->libelle_colbud);
	buf_puts(o, "  </EnTetePES>\n  <ACQUIT>\n    <EnTeteAcquit>\n      <IdVer V=\"2\"/>\n    </EnTeteAcquit>\n");
}

int pes_acquit_build(const char *path, const struct pes_acquit_opts *opt, buf *o, struct err *e)
{
	static const struct pes_acquit_opts none;
	struct pes_check_opts co = { .max_issues = 100000 };
	struct pes_report rep;
	struct pes_model m = { 0 };
	char today[11];
	int rc = 0;
	if (!opt)
		opt = &none;
	pes_date_or_today(NULL, today);
	if (pes_check_file(path, &co, &rep, e) < 0)
		return -1;
	int model_ok = pes_model_load(path, 0, &m, e) == 0;
	const char *idcoll = m.idcoll ? m.idcoll : rep.idcoll, *idpost = m.idpost ? m.idpost : rep.idpost;
	if (!*idcoll || !*idpost || (!m.codcol && !rep.codcol[0]) || (!m.codbud && !rep.codbud[0])) {
		rc = err_set(e, 422, "pes.entete", "en-tête PES illisible (IdColl, IdPost, CodCol, CodBud) : "
						   "aucun acquittement ne peut être adressé");
		goto out;
	}
	header(o, &m, &rep, opt->date ? opt->date : today);
	/* Errors outside bordereaux and PJ (or a file we could not read through) refuse the file. */
	int file_level = !model_ok;
	for (size_t i = 0; i < rep.n_issues; i++)
		file_level |= is_error(&rep.issues[i]) && !locate(&rep.issues[i]).domaine;
	if (file_level) {
		buf_puts(o, "    <ElementACQUIT>\n      <DomaineAck V=\"0\"/>\n      <EtatAck V=\"0\"/>\n");
		size_t n = 0;
		for (size_t i = 0; i < rep.n_issues && n < 50; i++)
			if (is_error(&rep.issues[i]) && (!model_ok || !locate(&rep.issues[i]).domaine))
				erreur(o, "      ", rep.issues[i].dgfip, rep.issues[i].msg, rep.issues[i].line), n++;
		buf_puts(o, "    </ElementACQUIT>\n");
	} else {
		unsigned kd = 0, kr = 0;
		for (size_t i = 0; i < m.n_bordereaux; i++)
			bordereau(o, &m.bordereaux[i], m.bordereaux[i].domaine == 'D' ? ++kd : ++kr, &rep, opt);
		for (size_t i = 0; i < m.n_pjs; i++)
			pj(o, &m.pjs[i], (unsigned)i + 1, &rep);
		if (!m.n_bordereaux && !m.n_pjs) {   /* nothing to acknowledge one by one */
			buf_puts(o, "    <ElementACQUIT>\n      <DomaineAck V=\"0\"/>\n      <EtatAck V=\"0\"/>\n");
			erreur(o, "      ", "ERREUR_FLUX_VIDE", "ni bordereau ni PJ", 0);
			buf_puts(o, "    </ElementACQUIT>\n");
		}
	}
	buf_puts(o, "  </ACQUIT>\n</n:PES_ACQUIT>\n");
out:
	pes_model_free(&m);
	pes_report_free(&rep);
	return rc;
}
