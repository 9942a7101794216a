/* pes_acquit: reads the PES_ACQUIT the DGFiP returns for a PES_Aller — per bordereau, PJ or file,
 * accepted or refused, with the anomaly codes down to the piece and line — and says it in French. */
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "helios/pes_priv.h"

#define MAX_ACQUIT (64u << 20)

static const struct { int code; const char *label; } domaines[] = {
	{ 0, "technique" }, { 1, "signature technique" }, { 2, "signature globale" },
	{ 3, "signature bordereau" }, { 4, "PJ" }, { 5, "dépense" }, { 6, "recette" }, { 7, "rôle" },
	{ 8, "budget" }, { 9, "état actif" }, { 10, "état passif" }, { 11, "marché" }, { 12, "facture" },
	{ 99, "paramétrage" },
};

/* NumAnoAck (PES_V2/CommunAck.xsd) in words. */
static const struct { const char *code, *label; } anos[] = {
	{ "ERREUR_CONNECTION_IMPOSSIBLE_A_LA_BASE", "incident technique chez la DGFiP" },
	{ "ERREUR_ENCODING", "encodage du fichier incorrect" },
	{ "ERREUR_FLUX_VIDE", "fichier vide" },
	{ "ERREUR_SCHEMA_INCOMPLET", "fichier non conforme au schéma PES" },
	{ "ERREUR_CODIFICATION", "codification incorrecte" },
	{ "ERREUR_CODIQUE", "poste comptable (IdPost) inconnu" },
	{ "ERREUR_SIRET", "SIRET de la collectivité (IdColl) inconnu" },
	{ "ERREUR_CODE_COLLECTIVITE_BUDGET", "code collectivité ou budget inconnu" },
	{ "ERREUR_VERSION_PES", "version du PES non acceptée" },
	{ "ERREUR_VERSION_PJ", "version du bloc PJ non acceptée" },
	{ "ERREUR_SIGNATURE_INVALIDE", "signature invalide" },
	{ "ERREUR_SIGNATURE_ILLISIBLE", "signature illisible" },
	{ "ERREUR_SIGNATURE_INCOMPLETE", "signature incomplète" },
	{ "ERREUR_DOUBLON_BORDEREAU", "bordereau déjà intégré (doublon)" },
	{ "ERREUR_DOUBLON_PIECE", "pièce déjà intégrée (doublon)" },
	{ "ERREUR_DOUBLON_LIGNE", "ligne de pièce en double" },
	{ "ERREUR_DOUBLON_PJ", "pièce justificative déjà intégrée (doublon)" },
	{ "ERREUR_PES_PARAM", "paramétrage PES de la collectivité absent" },
	{ "ERREUR_PES_SIGNATURE", "signature exigée par le paramétrage" },
	{ "ERREUR_PES_PARAM_SIGNATURE", "paramétrage de signature incorrect" },
	{ "ERREUR_CERTIFICAT", "certificat de signature refusé" },
	{ "ERREUR_TIMEOUT", "délai de traitement dépassé" },
	{ "ERREUR_TAILLE_BORDEREAUX", "trop de bordereaux" },
	{ "ERREUR_TAILLE_PIECE", "trop de pièces" },
	{ "ERREUR_TAILLE_LIGNE", "trop de lignes" },
	{ "ERREUR_PJ_SIGNEE", "PJ signée refusée" },
	{ "ERREUR_SIGNATURE_EXTERNE", "signature externe refusée" },
	{ "ERREUR_AUTRE", "anomalie" },
	{ "ERREUR_SIGNATURE_BORDEREAU_INVALIDE", "signature du bordereau invalide" },
	{ "ERREUR_SIGNATURE_BORDEREAU_ILLISIBLE", "signature du bordereau illisible" },
	{ "ERREUR_SIGNATURE_BORDEREAU_INCOMPLETE", "signature du bordereau incomplète" },
	{ "ERREUR_MONTANT_TVA_ZERO_NEGATIF", "montant de TVA nul ou négatif" },
	{ "ERREUR_PJ", "pièce justificative en erreur" },
	{ "ERREUR_CUMUL_MONTANTS", "montant du bordereau différent de la somme des pièces" },
};

const char *pes_domaine_ack_label(int d)
{
	for (size_t i = 0; i < sizeof domaines / sizeof domaines[0]; i++)
		if (domaines[i].code == d)
			return domaines[i].label;
	return NULL;
}

const char *pes_ano_ack_label(const char *code)
{
	for (size_t i = 0; code && i < sizeof anos / sizeof anos[0]; i++)
		if (strcmp(anos[i].code, code) == 0)
			return anos[i].label;
	return NULL;
}

/* Erreur* children of n into (*errs, *n_errs). */
static void errors(arena *a, xmlNodePtr n, struct pes_ack_error **errs, size_t *n_errs)
{
	for (xmlNodePtr c = pes_dom_elem(n->children); c; c = pes_dom_elem(c->next))
		if (pes_dom_is(c, "Erreur")) {
			struct pes_ack_error *er = pes_push(errs, n_errs, sizeof *er);
			er->code = pes_dom_v(a, c, "NumAnoAck");
			er->libelle = pes_dom_v(a, c, "LibelleAnoAck");
		}
}

static void element(struct pes_acquit *q, arena *a, xmlNodePtr n)
{
	struct pes_ack_element *el = pes_push(&q->elements, &q->n_elements, sizeof *el);
	const char *d = pes_dom_v(a, n, "DomaineAck"), *etat = pes_dom_v(a, n, "EtatAck");
	el->domaine = d ? atoi(d) : -1;
	el->accepte = etat && (strcmp(etat, "1") == 0 || strcmp(etat, "true") == 0);
	el->num_bord = pes_dom_v(a, n, "NumBord");
	el->exercice = pes_dom_v(a, n, "ExerciceBord");
	el->id_marche = pes_dom_v(a, n, "IdMarche");
	el->id_unique = pes_dom_v(a, n, "IdUnique");
	errors(a, n, &el->errors, &el->n_errors);
	for (xmlNodePtr p = pes_dom_elem(n->children); p; p = pes_dom_elem(p->next)) {
		if (!pes_dom_is(p, "DetailPiece"))
			continue;
		struct pes_ack_piece *pc = pes_push(&el->pieces, &el->n_pieces, sizeof *pc);
		pc->num = pes_dom_v(a, p, "NumPiece");
		errors(a, p, &pc->errors, &pc->n_errors);
		for (xmlNodePtr l = pes_dom_elem(p->children); l; l = pes_dom_elem(l->next)) {
			if (!pes_dom_is(l, "DetailLigne"))
				continue;
			struct pes_ack_ligne *li = pes_push(&pc->lignes, &pc->n_lignes, sizeof *li);
			li->num = pes_dom_v(a, l, "NumLigne");
			errors(a, l, &li->errors, &li->n_errors);
		}
	}
	if (el->accepte)
		q->n_acceptes++;
	else
		q->n_refuses++;
}

int pes_acquit_parse(const char *data, size_t len, struct pes_acquit *q, struct err *e)
{
	memset(q, 0, sizeof *q);
	xmlDocPtr doc = pes_dom_read(data, len, "PES_ACQUIT", e);
	if (!doc)
		return -1;
	q->mem = xcalloc(1, sizeof *q->mem);
	arena *a = q->mem->a = arena_new();
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr env = pes_dom_child(root, "Enveloppe"), head = pes_dom_child(root, "EnTetePES");
	xmlNodePtr par = pes_dom_child(env, "Parametres");
	q->nomfic = pes_dom_v(a, par, "NomFic");
	q->typfic = pes_dom_v(a, par, "TypFic");
	q->dtestr = pes_dom_v(a, head, "DteStr");
	q->idpost = pes_dom_v(a, head, "IdPost");
	q->idcoll = pes_dom_v(a, head, "IdColl");
	q->codcol = pes_dom_v(a, head, "CodCol");
	q->codbud = pes_dom_v(a, head, "CodBud");
	q->libelle_colbud = pes_dom_v(a, head, "LibelleColBud");
	xmlNodePtr ack = pes_dom_child(root, "ACQUIT");
	for (xmlNodePtr n = ack ? pes_dom_elem(ack->children) : NULL; n; n = pes_dom_elem(n->next))
		if (pes_dom_is(n, "ElementACQUIT"))
			element(q, a, n);
	xmlFreeDoc(doc);
	if (q->n_elements == 0) {
		pes_acquit_free(q);
		return err_set(e, 422, "pes.acquit_vide", "acquittement sans ElementACQUIT");
	}
	q->etat = q->n_refuses == 0 ? PES_ACK_ACCEPTE : q->n_acceptes == 0 ? PES_ACK_REFUSE : PES_ACK_PARTIEL;
	return 0;
}

int pes_acquit_parse_file(const char *path, struct pes_acquit *q, struct err *e)
{
	buf b = BUF_INIT;
	memset(q, 0, sizeof *q);
	int rc = pes_read_small(path, &b, MAX_ACQUIT, e);
	if (rc == 0)
		rc = pes_acquit_parse(b.data ? b.data : "", b.len, q, e);
	buf_free(&b);
	return rc;
}

void pes_acquit_free(struct pes_acquit *q)
{
	for (size_t i = 0; i < q->n_elements; i++) {
		struct pes_ack_element *el = &q->elements[i];
		for (size_t j = 0; j < el->n_pieces; j++) {
			for (size_t k = 0; k < el->pieces[j].n_lignes; k++)
				free(el->pieces[j].lignes[k].errors);
			free(el->pieces[j].lignes);
			free(el->pieces[j].errors);
		}
		free(el->pieces);
		free(el->errors);
	}
	free(q->elements);
	if (q->mem) {
		arena_free(q->mem->a);
		free(q->mem);
	}
	memset(q, 0, sizeof *q);
}

static void format_errors(buf *o, const char *indent, const struct pes_ack_error *er, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *l = pes_ano_ack_label(er[i].code);
		buf_printf(o, "%s- %s", indent, er[i].code ? er[i].code : "(sans code)");
		if (l)
			buf_printf(o, " (%s)", l);
		if (er[i].libelle)
			buf_printf(o, " : %s", er[i].libelle);
		buf_putc(o, '\n');
	}
}

void pes_acquit_format(buf *o, const struct pes_acquit *q)
{
	static const char *const etat[] = { "accepté", "refusé", "partiellement accepté" };
	buf_printf(o, "Acquittement du %s pour %s (poste %s, SIRET %s) : %s — %zu élément(s) accepté(s), "
		      "%zu refusé(s)\n",
		   q->dtestr ? q->dtestr : "?", q->nomfic ? q->nomfic : "?", q->idpost ? q->idpost : "?",
		   q->idcoll ? q->idcoll : "?", etat[q->etat], q->n_acceptes, q->n_refuses);
	for (size_t i = 0; i < q->n_elements; i++) {
		const struct pes_ack_element *el = &q->elements[i];
		const char *d = pes_domaine_ack_label(el->domaine);
		buf_printf(o, "  %s", d ? d : "domaine inconnu");
		if (el->num_bord)
			buf_printf(o, " : bordereau n° %s (exercice %s)", el->num_bord, el->exercice ? el->exercice : "?");
		else if (el->id_unique)
			buf_printf(o, " : %s", el->id_unique);
		else if (el->id_marche)
			buf_printf(o, " : marché %s", el->id_marche);
		buf_printf(o, " — %s\n", el->accepte ? "accepté" : "refusé");
		format_errors(o, "    ", el->errors, el->n_errors);
		for (size_t j = 0; j < el->n_pieces; j++) {
			const struct pes_ack_piece *p = &el->pieces[j];
			buf_printf(o, "    pièce n° %s\n", p->num ? p->num : "?");
			format_errors(o, "      ", p->errors, p->n_errors);
			for (size_t k = 0; k < p->n_lignes; k++) {
				buf_printf(o, "      ligne %s\n", p->lignes[k].num ? p->lignes[k].num : "?");
				format_errors(o, "        ", p->lignes[k].errors, p->lignes[k].n_errors);
			}
		}
	}
}

static void html_errors(buf *o, const char *where, const struct pes_ack_error *er, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *l = pes_ano_ack_label(er[i].code);
		buf_puts(o, "<li>");
		if (where) {
			buf_html(o, where);
			buf_puts(o, " : ");
		}
		buf_puts(o, "<strong>");
		buf_html(o, l ? l : er[i].code ? er[i].code : "anomalie");
		buf_puts(o, "</strong>");
		if (er[i].libelle) {
			buf_puts(o, " — ");
			buf_html(o, er[i].libelle);
		}
		buf_puts(o, " <code>");
		buf_html(o, er[i].code ? er[i].code : "");
		buf_puts(o, "</code></li>");
	}
}

void pes_acquit_html(buf *o, const struct pes_acquit *q)
{
	static const char *const etat[] = { "accepté", "refusé", "partiellement accepté" };
	buf_puts(o, "<section class=\"pes-acquit\" aria-labelledby=\"acquit\">\n<h2 id=\"acquit\">Acquittement du ");
	buf_html(o, q->dtestr ? q->dtestr : "?");
	buf_printf(o, " : fichier %s</h2>\n<table>\n<caption>Éléments acquittés (%zu accepté(s), %zu refusé(s))</caption>\n"
		      "<thead><tr><th scope=\"col\">Objet</th><th scope=\"col\">État</th><th scope=\"col\">Anomalies</th>"
		      "</tr></thead>\n<tbody>\n",
		   etat[q->etat], q->n_acceptes, q->n_refuses);
	for (size_t i = 0; i < q->n_elements; i++) {
		const struct pes_ack_element *el = &q->elements[i];
		const char *d = pes_domaine_ack_label(el->domaine);
		buf_puts(o, "<tr><th scope=\"row\">");
		buf_html(o, d ? d : "domaine inconnu");
		if (el->num_bord) {
			buf_puts(o, " — bordereau n° ");
			buf_html(o, el->num_bord);
			buf_puts(o, " (");
			buf_html(o, el->exercice ? el->exercice : "?");
			buf_puts(o, ")");
		} else if (el->id_unique || el->id_marche) {
			buf_puts(o, " — ");
			buf_html(o, el->id_unique ? el->id_unique : el->id_marche);
		}
		buf_printf(o, "</th><td class=\"%s\">%s</td><td>", el->accepte ? "ok" : "ko", el->accepte ? "accepté" : "refusé");
		if (el->n_errors || el->n_pieces) {
			buf_puts(o, "<ul>");
			html_errors(o, NULL, el->errors, el->n_errors);
			for (size_t j = 0; j < el->n_pieces; j++) {
				const struct pes_ack_piece *p = &el->pieces[j];
				char where[96];
				snprintf(where, sizeof where, "pièce n° %s", p->num ? p->num : "?");
				html_errors(o, where, p->errors, p->n_errors);
				for (size_t k = 0; k < p->n_lignes; k++) {
					snprintf(where, sizeof where, "pièce n° %s, ligne %s", p->num ? p->num : "?",
						 p->lignes[k].num ? p->lignes[k].num : "?");
					html_errors(o, where, p->lignes[k].errors, p->lignes[k].n_errors);
				}
			}
			buf_puts(o, "</ul>");
		}
		buf_puts(o, "</td></tr>\n");
	}
	buf_puts(o, "</tbody>\n</table>\n</section>\n");
}
