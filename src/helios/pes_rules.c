/* pes_rules: the business checks the DGFiP rejects a PES_Aller on, beyond the schema — header
 * identifiers, exercice, bordereau/piece/line numbering, bordereau totals, attached documents.
 * Driven by the streaming walk: state is one bordereau, one piece, and sets of identifiers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "helios/pes_priv.h"

struct ref { char *id, *path; long line; };

/* Where a value was read, for errors raised later (end of bordereau, end of file). */
struct spot { char *path; long line; };

struct pes_rules {
	/* current bordereau */
	char domain;               /* 'D' dépense (mandats), 'R' recette (titres) */
	char exer[8], idbord[16], typbord[8], dtebordem[16];
	struct spot s_idbord, s_nbrpce, s_mtbord, s_exer, s_tva;
	long nbrpce;
	int has_nbrpce, mt_ok, sum_ok, has_tva, line_tva;
	int64_t mt_bord, sum, mt_tva;
	size_t n_pieces;
	/* current piece, PJ reference, PJ */
	char idpce[16], ref_support[8], ref_id[64];
	struct pes_set *lignes;
	size_t fichier_len;
	char fichier_head[5];
	/* whole file */
	struct pes_set *bordereaux, *pieces, *pjs, *ids;
	struct ref *refs;
	size_t n_refs;
	int has_content, has_pes_pj;
};

struct pes_rules *pes_rules_new(struct pes_ctx *c)
{
	(void)c;
	struct pes_rules *r = xcalloc(1, sizeof *r);
	r->bordereaux = pes_set_new();
	r->pieces = pes_set_new();
	r->pjs = pes_set_new();
	r->ids = pes_set_new();
	return r;
}

static void spot_set(struct pes_ctx *c, struct spot *s)
{
	buf p = BUF_INIT;
	pes_path(c, &p);
	free(s->path);
	s->path = buf_detach(&p);
	s->line = c->depth ? c->frames[c->depth - 1].line : 0;
}

static void spot_clear(struct spot *s)
{
	free(s->path);
	s->path = NULL;
	s->line = 0;
}

void pes_rules_free(struct pes_rules *r)
{
	if (!r)
		return;
	pes_set_free(r->bordereaux);
	pes_set_free(r->pieces);
	pes_set_free(r->pjs);
	pes_set_free(r->ids);
	pes_set_free(r->lignes);
	for (size_t i = 0; i < r->n_refs; i++) {
		free(r->refs[i].id);
		free(r->refs[i].path);
	}
	free(r->refs);
	spot_clear(&r->s_idbord);
	spot_clear(&r->s_nbrpce);
	spot_clear(&r->s_mtbord);
	spot_clear(&r->s_exer);
	spot_clear(&r->s_tva);
	free(r);
}

static void copy(char *dst, size_t n, const char *v)
{
	snprintf(dst, n, "%s", v ? v : "");
}

static int is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static long line_of(struct pes_ctx *c)
{
	return c->depth ? c->frames[c->depth - 1].line : 0;
}

/* SIRET key: Luhn, except La Poste's establishments (SIREN 356000000: digit sum multiple of 5). */
static int siret_ok(const char *s)
{
	if (strlen(s) != 14)
		return 0;
	if (strncmp(s, "356000000", 9) == 0) {
		int sum = 0;
		for (const char *p = s; *p; p++)
			sum += *p - '0';
		return sum % 5 == 0;
	}
	return pes_luhn_ok(s);
}

/* EnTetePES/…: identifiers of the collectivité, compared with what the tenant is known by. */
static void header_value(struct pes_ctx *c, const char *name, const char *v)
{
	struct pes_report *rep = c->rep;
	const struct pes_expect *x = &c->opts->expect;
	if (is(name, "IdColl")) {
		copy(rep->idcoll, sizeof rep->idcoll, v);
		if (strlen(v) == 14 && strspn(v, "0123456789") == 14 && !siret_ok(v))
			pes_issue(c, PES_WARNING, "pes.siret", "ERREUR_SIRET", line_of(c), NULL,
				  "la clé de contrôle du SIRET %s est fausse", v);
		if (x->idcoll && !is(x->idcoll, v))
			pes_issue(c, PES_ERROR, "pes.idcoll", "ERREUR_SIRET", line_of(c), NULL,
				  "IdColl %s : la collectivité est enregistrée sous le SIRET %s", v, x->idcoll);
	} else if (is(name, "IdPost")) {
		copy(rep->idpost, sizeof rep->idpost, v);
		if (x->idpost && !is(x->idpost, v))
			pes_issue(c, PES_ERROR, "pes.idpost", "ERREUR_CODIQUE", line_of(c), NULL,
				  "IdPost %s : le poste comptable de la collectivité est %s", v, x->idpost);
	} else if (is(name, "CodCol")) {
		copy(rep->codcol, sizeof rep->codcol, v);
		if (x->codcol && !is(x->codcol, v))
			pes_issue(c, PES_ERROR, "pes.codcol", "ERREUR_CODE_COLLECTIVITE_BUDGET", line_of(c), NULL,
				  "CodCol %s : le code collectivité attendu est %s", v, x->codcol);
	} else if (is(name, "CodBud")) {
		copy(rep->codbud, sizeof rep->codbud, v);
		if (x->codbud && !is(x->codbud, v))
			pes_issue(c, PES_ERROR, "pes.codbud", "ERREUR_CODE_COLLECTIVITE_BUDGET", line_of(c), NULL,
				  "CodBud %s : le code budget attendu est %s", v, x->codbud);
	} else if (is(name, "DteStr")) {
		copy(rep->dtestr, sizeof rep->dtestr, v);
	}
}

static void bordereau_start(struct pes_ctx *c, const char *domain_el)
{
	struct pes_rules *r = c->rules;
	r->domain = is(domain_el, "PES_DepenseAller") ? 'D' : 'R';
	r->exer[0] = r->idbord[0] = r->typbord[0] = r->dtebordem[0] = '\0';
	r->has_nbrpce = r->mt_ok = r->has_tva = r->line_tva = 0;
	r->sum_ok = 1;
	r->sum = 0;
	r->n_pieces = 0;
	spot_clear(&r->s_idbord);
	spot_clear(&r->s_nbrpce);
	spot_clear(&r->s_mtbord);
	spot_clear(&r->s_exer);
	spot_clear(&r->s_tva);
	c->rep->bordereaux++;
}

static void bloc_bordereau_value(struct pes_ctx *c, const char *name, const char *v)
{
	struct pes_rules *r = c->rules;
	if (is(name, "Exer")) {
		copy(r->exer, sizeof r->exer, v);
		spot_set(c, &r->s_exer);
	} else if (is(name, "IdBord")) {
		copy(r->idbord, sizeof r->idbord, v);
		spot_set(c, &r->s_idbord);
	} else if (is(name, "TypBord")) {
		copy(r->typbord, sizeof r->typbord, v);
	} else if (is(name, "DteBordEm")) {
		copy(r->dtebordem, sizeof r->dtebordem, v);
	} else if (is(name, "NbrPce")) {
		char *end;
		r->nbrpce = strtol(v, &end, 10);
		r->has_nbrpce = *v && !*end;
		spot_set(c, &r->s_nbrpce);
	} else if (is(name, "MtBordTVA")) {
		r->has_tva = pes_amount_cents(v, &r->mt_tva) == 0;
		spot_set(c, &r->s_tva);
	} else if (is(name, "MtBordHT") || is(name, "MtBordHt")) {  /* dépense / recette spelling */
		r->mt_ok = pes_amount_cents(v, &r->mt_bord) == 0;
		spot_set(c, &r->s_mtbord);
	}
}

/* End of BlocBordereau: numbering and exercice, known before the pieces. */
static void bloc_bordereau_end(struct pes_ctx *c)
{
	struct pes_rules *r = c->rules;
	const char *what = r->domain == 'D' ? "de mandats" : "de titres";
	if (r->idbord[0]) {
		char key[64];
		snprintf(key, sizeof key, "%c|%s|%s|%s", r->domain, r->exer, r->typbord, r->idbord);
		long first = pes_set_add(r->bordereaux, key, r->s_idbord.line);
		if (first)
			pes_issue(c, PES_ERROR, "pes.doublon_bordereau", "ERREUR_DOUBLON_BORDEREAU", r->s_idbord.line,
				  r->s_idbord.path, "bordereau %s n° %s (exercice %s, type %s) en double : déjà ligne %ld",
				  what, r->idbord, r->exer, r->typbord, first);
	}
	int exer = atoi(r->exer), year = atoi(r->dtebordem);
	int want = c->opts->expect.exercice;
	if (r->exer[0] && want && exer != want)
		pes_issue(c, PES_ERROR, "pes.exercice", "ERREUR_AUTRE", r->s_exer.line, r->s_exer.path,
			  "bordereau de l'exercice %s alors que l'exercice attendu est %d", r->exer, want);
	else if (r->exer[0] && year && (year < exer || year > exer + 1))
		pes_issue(c, PES_ERROR, "pes.exercice", "ERREUR_AUTRE", r->s_exer.line, r->s_exer.path,
			  "bordereau émis le %s pour l'exercice %s : la date doit tomber dans l'exercice "
			  "ou la journée complémentaire qui le suit", r->dtebordem, r->exer);
}

static void bordereau_end(struct pes_ctx *c)
{
	struct pes_rules *r = c->rules;
	if (r->has_nbrpce && (size_t)r->nbrpce != r->n_pieces)
		pes_issue(c, PES_ERROR, "pes.nbrpce", "ERREUR_AUTRE", r->s_nbrpce.line, r->s_nbrpce.path,
			  "NbrPce annonce %ld pièce(s) mais le bordereau n° %s en contient %zu", r->nbrpce,
			  r->idbord, r->n_pieces);
	/* TVA (schema documentation): a bordereau TVA amount needs a line with TVA, and the reverse;
	 * a TVA amount served at zero is refused. */
	if (r->has_tva && r->mt_tva > 0 && !r->line_tva)
		pes_issue(c, PES_ERROR, "pes.tva", "ERREUR_MONTANT_TVA_ZERO_NEGATIF", r->s_tva.line, r->s_tva.path,
			  "MtBordTVA servi mais aucune ligne du bordereau n° %s n'a de MtTVA supérieur à 0", r->idbord);
	else if (r->has_tva && r->mt_tva <= 0)
		pes_issue(c, PES_ERROR, "pes.tva", "ERREUR_MONTANT_TVA_ZERO_NEGATIF", r->s_tva.line, r->s_tva.path,
			  "MtBordTVA présent mais nul ou négatif : à omettre s'il n'y a pas de TVA");
	else if (r->line_tva && !r->has_tva)
		pes_issue(c, PES_ERROR, "pes.tva", "ERREUR_MONTANT_TVA_ZERO_NEGATIF", r->s_mtbord.line, r->s_mtbord.path,
			  "des lignes du bordereau n° %s portent de la TVA mais MtBordTVA est absent", r->idbord);
	if (r->mt_ok && r->sum_ok && r->mt_bord != r->sum) {
		buf a = BUF_INIT, b = BUF_INIT;
		pes_amount_format(&a, r->mt_bord);
		pes_amount_format(&b, r->sum);
		pes_issue(c, PES_ERROR, "pes.total", "ERREUR_CUMUL_MONTANTS", r->s_mtbord.line, r->s_mtbord.path,
			  "%s du bordereau n° %s (%s) différent de la somme des montants HT de ses pièces (%s)",
			  r->domain == 'D' ? "MtBordHT" : "MtBordHt", r->idbord, a.data, b.data);
		buf_free(&a);
		buf_free(&b);
	}
}

static void piece_value(struct pes_ctx *c, const char *v)
{
	struct pes_rules *r = c->rules;
	copy(r->idpce, sizeof r->idpce, v);
	char key[64];
	snprintf(key, sizeof key, "%c|%s|%s", r->domain, r->exer, v);
	long first = pes_set_add(r->pieces, key, line_of(c));
	if (first)
		pes_issue(c, PES_ERROR, "pes.doublon_piece", "ERREUR_DOUBLON_PIECE", line_of(c), NULL,
			  "%s n° %s de l'exercice %s en double : déjà ligne %ld",
			  r->domain == 'D' ? "mandat" : "titre", v, r->exer, first);
}

static void ligne_value(struct pes_ctx *c, const char *name, const char *v)
{
	struct pes_rules *r = c->rules;
	if (is(name, "IdLigne")) {
		c->rep->lignes++;
		long first = pes_set_add(r->lignes, v, line_of(c));
		if (first)
			pes_issue(c, PES_ERROR, "pes.doublon_ligne", "ERREUR_DOUBLON_LIGNE", line_of(c), NULL,
				  "ligne n° %s en double dans la pièce n° %s : déjà ligne %ld", v, r->idpce, first);
	} else if (is(name, "MtHT")) {
		int64_t cents;
		if (pes_amount_cents(v, &cents) == 0)
			r->sum += cents;
		else
			r->sum_ok = 0;  /* the schema reports the bad amount */
	} else if (is(name, "MtTVA")) {
		int64_t cents;
		if (pes_amount_cents(v, &cents) == 0 && cents > 0)
			r->line_tva = 1;
	}
}

static void pj_value(struct pes_ctx *c, const char *v)
{
	struct pes_rules *r = c->rules;
	long first = pes_set_add(r->pjs, v, line_of(c));
	if (first)
		pes_issue(c, PES_ERROR, "pes.doublon_pj", "ERREUR_DOUBLON_PJ", line_of(c), NULL,
			  "PJ d'identifiant unique %s en double : déjà ligne %ld", v, first);
}

void pes_rules_start(struct pes_ctx *c, const char *name, const char *v, const char *id)
{
	struct pes_rules *r = c->rules;
	const char *up1 = pes_up(c, 1), *up2 = pes_up(c, 2);
	if (id) {
		long first = pes_set_add(r->ids, id, line_of(c));
		if (first)
			pes_issue(c, PES_ERROR, "pes.doublon_id", "ERREUR_AUTRE", line_of(c), NULL,
				  "attribut Id « %s » en double (déjà ligne %ld) : une signature ne saurait "
				  "pas quel élément elle couvre", id, first);
	}
	if (c->depth == 2) {
		if (is(name, "PES_DepenseAller") || is(name, "PES_RecetteAller") || is(name, "PES_Facture") ||
		    is(name, "PES_Marche") || is(name, "PES_PJ"))
			r->has_content = 1;
		if (is(name, "PES_PJ"))
			r->has_pes_pj = 1;
		return;
	}
	if (is(name, "Bordereau") && (is(up1, "PES_DepenseAller") || is(up1, "PES_RecetteAller"))) {
		bordereau_start(c, up1);
		if (!id)
			pes_issue(c, PES_WARNING, "pes.id_bordereau", "ERREUR_SIGNATURE_INCOMPLETE", line_of(c), NULL,
				  "bordereau sans attribut Id : il ne pourra pas être signé");
		return;
	}
	if (is(name, "Piece") && is(up1, "Bordereau")) {
		r->n_pieces++;
		c->rep->pieces++;
		r->idpce[0] = '\0';
		pes_set_free(r->lignes);
		r->lignes = pes_set_new();
		return;
	}
	if (is(name, "PJ") && is(up1, "PES_PJ")) {
		c->rep->pjs++;
		return;
	}
	if (is(name, "Fichier") && is(up1, "Contenu") && is(up2, "PJ")) {
		c->in_text = 1;
		r->fichier_len = 0;
		r->fichier_head[0] = '\0';
		return;
	}
	if (!v)
		return;
	if (is(up1, "EnTetePES"))
		header_value(c, name, v);
	else if (is(up1, "Parametres") && is(name, "NomFic"))
		copy(c->rep->nomfic, sizeof c->rep->nomfic, v);
	else if (is(up1, "BlocBordereau") && is(up2, "Bordereau"))
		bloc_bordereau_value(c, name, v);
	else if (is(name, "IdPce") && (is(up1, "InfoPce") || (is(up1, "BlocPiece") && is(up2, "Piece"))) && r->lignes)
		piece_value(c, v);
	else if ((is(up1, "InfoLignePce") || is(up1, "InfoLignePiece")) && r->lignes)
		ligne_value(c, name, v);
	else if (is(up1, "PJRef") && is(name, "Support"))
		copy(r->ref_support, sizeof r->ref_support, v);
	else if (is(up1, "PJRef") && is(name, "IdUnique"))
		copy(r->ref_id, sizeof r->ref_id, v);
	else if (is(up1, "PJ") && is(up2, "PES_PJ") && is(name, "IdUnique"))
		pj_value(c, v);
}

void pes_rules_text(struct pes_ctx *c, const char *text, size_t len)
{
	struct pes_rules *r = c->rules;
	for (size_t i = 0; i < len; i++) {
		char ch = text[i];
		if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
			continue;
		if (r->fichier_len < 4)
			r->fichier_head[r->fichier_len] = ch, r->fichier_head[r->fichier_len + 1] = '\0';
		r->fichier_len++;
	}
}

void pes_rules_end(struct pes_ctx *c, const char *name)
{
	struct pes_rules *r = c->rules;
	const char *up1 = pes_up(c, 1);
	if (is(name, "BlocBordereau") && is(up1, "Bordereau")) {
		bloc_bordereau_end(c);
	} else if (is(name, "Bordereau") && (is(up1, "PES_DepenseAller") || is(up1, "PES_RecetteAller"))) {
		bordereau_end(c);
	} else if (is(name, "PJRef")) {
		if (is(r->ref_support, "01") && r->ref_id[0]) {
			r->refs = xrealloc(r->refs, (r->n_refs + 1) * sizeof *r->refs);
			buf p = BUF_INIT;
			pes_path(c, &p);
			r->refs[r->n_refs++] = (struct ref){ xstrdup(r->ref_id), buf_detach(&p), line_of(c) };
		}
		r->ref_support[0] = r->ref_id[0] = '\0';
	} else if (is(name, "Fichier") && c->in_text) {
		if (r->fichier_len == 0)
			pes_issue(c, PES_ERROR, "pes.pj_vide", "ERREUR_PJ", line_of(c), NULL,
				  "le fichier de la PJ est vide");
		else if (strcmp(r->fichier_head, "H4sI") != 0)
			pes_issue(c, PES_WARNING, "pes.pj_gzip", "ERREUR_PJ", line_of(c), NULL,
				  "le fichier de la PJ n'est pas compressé en gzip avant l'encodage base64");
	}
}

void pes_rules_finish(struct pes_ctx *c)
{
	struct pes_rules *r = c->rules;
	if (!r->has_content)
		pes_issue(c, PES_ERROR, "pes.vide", "ERREUR_FLUX_VIDE", 0, "/PES_Aller",
			  "ce PES ne contient ni bordereau, ni PJ, ni marché, ni facture");
	for (size_t i = 0; i < r->n_refs; i++) {
		if (pes_set_has(r->pjs, r->refs[i].id))
			continue;
		if (r->has_pes_pj)
			pes_issue(c, PES_ERROR, "pes.pj_absente", "ERREUR_PJ", r->refs[i].line, r->refs[i].path,
				  "la PJ électronique référencée %s est absente du bloc PES_PJ", r->refs[i].id);
		else
			pes_issue(c, PES_WARNING, "pes.pj_absente", "ERREUR_PJ", r->refs[i].line, r->refs[i].path,
				  "la PJ électronique référencée %s n'est pas dans ce fichier : elle doit avoir "
				  "été transmise dans un autre flux PES", r->refs[i].id);
	}
}
