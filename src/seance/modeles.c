/* modeles: the convocation e-mails as templates the collectivité edits — one per recipient kind
 * (titulaire, suppléant, invité) and the « rectificatif » sent after changes — stored per collectivité
 * (convocation_modeles; no row = the built-in default, the texts Opale always sent), checked before
 * anything is stored (known placeholders only, {{lien}} required: the personal link is the reading
 * proof), rendered with the mustache subset of web/tmpl.c. The secretary's page and API are here too. */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
#include "core/config.h"
#include "db/tenant.h"
#include "http/action.h"
#include "http/http.h"
#include "identity/identity.h"
#include "web/page.h"
#include "web/tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDL (RF_TIER_IDELIBRE)
#define EDIT (ROLE_ADMIN | ROLE_SECRETAIRE)
#define READ (ROLE_ADMIN | ROLE_AGENT | ROLE_SECRETAIRE | ROLE_AUDITOR)

#define LIEN_TXT                                                                                                          \
	"\nLa convocation, la note de synthèse et les documents, ainsi que votre réponse (présence, absence, pouvoir) :\n" \
	"{{lien}}\n\nCe lien vous est personnel : ne le transférez pas. Son ouverture est enregistrée (date, heure, adresse IP) " \
	"comme preuve de réception.\n"
#define CONVOQUE                                                                                                          \
	"Vous êtes convoqué(e) à la séance « {{titre}} » ({{organe}}) le {{date}} à {{heure}}{{#lieu}}, {{lieu}}{{/lieu}}.\n" \
	"{{#urgence}}\nConvocation en urgence : {{justification}}\n{{/urgence}}\nOrdre du jour :\n{{ordre_du_jour}}"

static const struct modele_defaut {
	const char *kind, *libelle, *objet, *texte;
} defauts[] = {
	{ "titulaire", "Titulaire", "Convocation : {{titre}} — {{date}} à {{heure}}", "Bonjour {{destinataire}},\n\n" CONVOQUE LIEN_TXT },
	{ "suppleant", "Suppléant", "Convocation : {{titre}} — {{date}} à {{heure}}",
	  "Bonjour {{destinataire}},\n\n{{#titulaire}}En qualité de suppléant(e) de {{titulaire}}, vous êtes destinataire de la convocation "
	  "et des documents (CGCT L5211-6).\n\n{{/titulaire}}" CONVOQUE LIEN_TXT },
	{ "invite", "Invité (administratif, invité)", "Convocation : {{titre}} — {{date}} à {{heure}}",
	  "Bonjour {{destinataire}},\n\n" CONVOQUE LIEN_TXT },
	{ "rectificatif", "Convocation rectificative", "Convocation rectificative : {{titre}} — {{date}} à {{heure}}",
	  "Bonjour {{destinataire}},\n\nLa convocation à la séance « {{titre}} » ({{organe}}) a été modifiée depuis le dernier courriel "
	  "que vous avez reçu :\n{{modifications}}\nLa séance se tiendra le {{date}} à {{heure}}{{#lieu}}, {{lieu}}{{/lieu}}.\n"
	  "{{#urgence}}\nConvocation en urgence : {{justification}}\n{{/urgence}}\nOrdre du jour à jour :\n{{ordre_du_jour}}"
	  "\nLes documents à jour, ainsi que votre réponse (présence, absence, pouvoir) :\n{{lien}}\n\nCe lien vous est personnel : ne le "
	  "transférez pas ; il remplace celui du courriel précédent. Son ouverture est enregistrée (date, heure, adresse IP) comme preuve "
	  "de réception.\n" },
};
#define NDEFAUTS (sizeof defauts / sizeof defauts[0])

/* The placeholders a template may use (sections included); every other name is refused. */
static const char *const balises[] = { "collectivite", "organe", "titre", "date", "heure", "lieu", "lien", "destinataire", "civilite",
				       "prenom", "nom", "qualite", "titulaire", "ordre_du_jour", "points", "rang", "rapporteur",
				       "urgence", "justification", "note_synthese", "modifications", NULL };

static const struct modele_defaut *defaut_of(const char *kind)
{
	for (size_t i = 0; i < NDEFAUTS; i++)
		if (kind && !strcmp(defauts[i].kind, kind))
			return &defauts[i];
	return NULL;
}

static int known(const char *nm, size_t n)
{
	for (const char *const *b = balises; *b; b++)
		if (strlen(*b) == n && !memcmp(*b, nm, n))
			return 1;
	return 0;
}

static void balises_list(char *out, size_t n)
{
	size_t o = 0;
	out[0] = '\0';
	for (const char *const *b = balises; *b && o < n; b++)
		o += (size_t)snprintf(out + o, n - o, "%s{{%s}}", o ? ", " : "", *b);
}

/* Checks one part of a template: every tag closed, known names only, sections balanced, no raw
 * output ({{{x}}}, {{&x}}) nor partials; *lien set when {{lien}} is used. where names the part. */
static int check_part(const char *src, const char *where, int *lien, struct err *e)
{
	char stack[16][40];
	int depth = 0, line = 1;
	const char *p = src;
	for (;;) {
		const char *o = strstr(p, "{{");
		if (!o)
			break;
		for (const char *q = p; q < o; q++)
			line += *q == '\n';
		const char *cl = strstr(o + 2, "}}");
		if (!cl)
			return err_set(e, 422, "modele.syntaxe", "%s, ligne %d : balise « {{ » non fermée par « }} ».", where, line);
		const char *t = o + 2;
		char kind = *t;
		if (kind == '{' || kind == '&')
			return err_set(e, 422, "modele.brut", "%s, ligne %d : les balises sans échappement ({{{…}}}, {{&…}}) ne sont pas permises.",
				       where, line);
		if (kind == '>')
			return err_set(e, 422, "modele.inclusion", "%s, ligne %d : les inclusions de gabarits ({{>…}}) ne sont pas permises.", where,
				       line);
		int sigil = kind == '#' || kind == '^' || kind == '/' || kind == '!';
		const char *nm = t + (sigil ? 1 : 0), *ne = cl;
		while (nm < ne && *nm == ' ')
			nm++;
		while (ne > nm && ne[-1] == ' ')
			ne--;
		size_t n = (size_t)(ne - nm);
		if (kind != '!') {
			if (!known(nm, n)) {
				char list[600];
				balises_list(list, sizeof list);
				return err_set(e, 422, "modele.balise", "%s, ligne %d : la balise {{%.*s}} est inconnue. Balises permises : %s.", where, line,
					       (int)(n > 60 ? 60 : n), nm, list);
			}
			if (kind == '#' || kind == '^') {
				if (depth == 16)
					return err_set(e, 422, "modele.syntaxe", "%s, ligne %d : sections trop imbriquées.", where, line);
				snprintf(stack[depth++], sizeof stack[0], "%.*s", (int)n, nm);
			} else if (kind == '/') {
				if (!depth || strlen(stack[depth - 1]) != n || memcmp(stack[depth - 1], nm, n) != 0)
					return err_set(e, 422, "modele.syntaxe", "%s, ligne %d : {{/%.*s}} ne ferme aucune section ouverte.", where, line,
						       (int)n, nm);
				depth--;
			} else if (n == 4 && !memcmp(nm, "lien", 4)) {
				*lien = 1;
			}
		}
		for (const char *q = o; q < cl; q++)
			line += *q == '\n';
		p = cl + 2;
	}
	if (depth)
		return err_set(e, 422, "modele.syntaxe", "%s : la section {{#%s}} n'est pas fermée ({{/%s}}).", where, stack[depth - 1],
			       stack[depth - 1]);
	return 0;
}

int sd_modele_check(const char *objet, const char *texte, const char *html, struct err *e)
{
	int lien = 0, lien_html = 0, lien_objet = 0;
	if (!objet || !*objet)
		return err_set(e, 422, "modele.objet", "L'objet du courriel est obligatoire.");
	if (strchr(objet, '\n') || strlen(objet) > 300)
		return err_set(e, 422, "modele.objet", "L'objet du courriel tient sur une ligne de 300 caractères au plus.");
	if (!texte || !*texte)
		return err_set(e, 422, "modele.texte", "Le texte du courriel est obligatoire.");
	if (check_part(objet, "Objet", &lien_objet, e) < 0 || check_part(texte, "Texte", &lien, e) < 0)
		return -1;
	if (!lien)
		return err_set(e, 422, "modele.lien",
			       "Le texte doit contenir la balise {{lien}} : le lien personnel donne accès aux documents et son ouverture est la "
			       "preuve de réception.");
	if (html && *html) {
		if (check_part(html, "HTML", &lien_html, e) < 0)
			return -1;
		if (!lien_html)
			return err_set(e, 422, "modele.lien", "La partie HTML doit contenir la balise {{lien}} (le lien personnel), comme le texte.");
	}
	return 0;
}

/* ---- storage ---------------------------------------------------------------------------------- */

json_t *sd_modele_get(db *d, int64_t tenant, const char *kind, struct err *e)
{
	const struct modele_defaut *df = defaut_of(kind);
	if (!df) {
		err_set(e, 422, "modele.type", "Type de modèle « %s » inconnu (titulaire, suppleant, invite, rectificatif).", kind ? kind : "");
		return NULL;
	}
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT subject, body, html, updated_at FROM convocation_modeles WHERE tenant_id = $1 AND kind = $2",
			       "t", kind);
	if (!s)
		return NULL;
	json_t *m;
	if (rc == DB_ROW) {
		char w[32];
		m = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "type", kind, "libelle", df->libelle, "objet", db_col_text(s, 0), "texte",
			      db_col_text(s, 1), "html", db_col_text(s, 2), "defaut", 0, "modifie_le", sd_fmt_short(db_col_int64(s, 3), w, sizeof w));
	} else {
		m = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "type", kind, "libelle", df->libelle, "objet", df->objet, "texte", df->texte, "html",
			      "", "defaut", 1, "modifie_le", "");
	}
	db_finalize(s);
	return m;
}

json_t *sd_modeles(db *d, int64_t tenant, struct err *e)
{
	json_t *a = json_array();
	for (size_t i = 0; i < NDEFAUTS; i++) {
		json_t *m = sd_modele_get(d, tenant, defauts[i].kind, e);
		if (m)
			json_array_append_new(a, m);
	}
	return a;
}

int sd_modele_save(db *d, int64_t tenant, json_t *j, int64_t user, struct err *e)
{
	const char *kind = sd_str(j, "type");
	if (!defaut_of(kind))
		return err_set(e, 422, "modele.type", "Type de modèle « %s » inconnu (titulaire, suppleant, invite, rectificatif).", kind);
	if (sd_bool(j, "defaut"))
		return tdb_run(d, tenant, e, "DELETE FROM convocation_modeles WHERE tenant_id = $1 AND kind = $2", "t", kind);
	const char *objet = sd_str(j, "objet"), *texte = sd_str(j, "texte"), *html = sd_str(j, "html");
	if (sd_modele_check(objet, texte, html, e) < 0)
		return -1;
	if (tdb_run(d, tenant, e, "DELETE FROM convocation_modeles WHERE tenant_id = $1 AND kind = $2", "t", kind) < 0)
		return -1;
	return tdb_run(d, tenant, e,
		       "INSERT INTO convocation_modeles (tenant_id, kind, subject, body, html, updated_at, updated_by) VALUES ($1,$2,$3,$4,$5,$6,$7)",
		       "ttttii", kind, objet, texte, html, identity_now(), user);
}

/* ---- rendering -------------------------------------------------------------------------------- */

json_t *sd_modele_vars(db *d, int64_t tenant, json_t *se, const struct sd_destinataire *r, const char *lien, const char *modifications)
{
	struct collectivite c;
	struct err e;
	if (collectivite_get(d, tenant, &c, &e) < 0)
		snprintf(c.name, sizeof c.name, "Collectivité n° %lld", (long long)tenant);
	char when[80], date[80] = "", heure[16] = "";
	sd_fmt_paris(sd_int(se, "debut", 0), when, sizeof when);
	const char *a = strstr(when, " à ");
	snprintf(date, sizeof date, "%.*s", a ? (int)(a - when) : (int)strlen(when), when);
	snprintf(heure, sizeof heure, "%s", a ? a + strlen(" à ") : "");
	buf odj = BUF_INIT;
	json_t *points = json_array(), *pt, *doc;
	size_t i;
	json_array_foreach(json_object_get(se, "points"), i, pt) {
		buf_printf(&odj, "  %d. %s\n", (int)sd_int(pt, "rang", 0), sd_str(pt, "titre"));
		json_array_append_new(points, json_pack("{s:I,s:s,s:s}", "rang", (json_int_t)sd_int(pt, "rang", 0), "titre", sd_str(pt, "titre"),
							 "rapporteur", sd_str(pt, "rapporteur_nom")));
	}
	int note = 0;
	json_array_foreach(json_object_get(se, "documents"), i, doc) note |= !strcmp(sd_str(doc, "type"), "note_synthese");
	char who[400];
	snprintf(who, sizeof who, "%s%s%s %s", r->civilite, *r->civilite ? " " : "", r->prenom, r->nom);
	const char *q = !strcmp(r->qualite, "suppleant") ? "suppléant(e)" : !strcmp(r->qualite, "invite") ? "invité(e)" : "titulaire";
	json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:b,s:s,s:b,s:s}", "collectivite", c.name, "organe",
			      sd_str(se, "organe_nom"), "titre", sd_str(se, "titre"), "date", date, "heure", heure, "lieu", sd_str(se, "lieu"),
			      "lien", lien, "destinataire", who, "civilite", r->civilite, "prenom", r->prenom, "nom", r->nom, "qualite", q,
			      "titulaire", r->titulaire, "ordre_du_jour", odj.data ? odj.data : "", "points", points, "urgence",
			      sd_bool(se, "urgence"), "justification", sd_str(se, "justification"), "note_synthese", note, "modifications",
			      modifications ? modifications : "");
	buf_free(&odj);
	return v;
}

/* Plain text: every {{name}} is output as is ({{&name}}), not HTML-escaped. */
static void unescaped(const char *src, buf *out)
{
	for (const char *p = src; *p;) {
		const char *o = strstr(p, "{{");
		if (!o) {
			buf_puts(out, p);
			break;
		}
		buf_add(out, p, (size_t)(o - p));
		char k = o[2];
		buf_puts(out, k == '#' || k == '^' || k == '/' || k == '!' || k == '{' || k == '&' || k == '>' ? "{{" : "{{&");
		p = o + 2;
	}
}

static int render_text(const char *src, json_t *vars, buf *out, struct err *e)
{
	buf t = BUF_INIT;
	unescaped(src, &t);
	int rc = tmpl_render_text(out, t.data ? t.data : "", t.len, vars, e);
	buf_free(&t);
	if (!out->data)
		buf_puts(out, "");
	return rc;
}

int sd_modele_render(json_t *m, json_t *vars, buf *objet, buf *texte, buf *html, struct err *e)
{
	if (render_text(sd_str(m, "objet"), vars, objet, e) < 0 || render_text(sd_str(m, "texte"), vars, texte, e) < 0)
		return -1;
	for (char *p = objet->data; p && *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	const char *h = sd_str(m, "html");
	if (*h) {
		int rc = tmpl_render_text(html, h, strlen(h), vars, e);
		if (!html->data)
			buf_puts(html, "");
		return rc;
	}
	/* No HTML template: the text with line breaks, and the link as a button. */
	buf b = BUF_INIT;
	buf_puts(&b, "<p>");
	buf_html(&b, texte->data);
	buf_puts(&b, "</p>");
	for (const char *q = b.data; *q; q++) {
		if (*q == '\n')
			buf_puts(html, "<br>\n");
		else
			buf_putc(html, *q);
	}
	buf_printf(html, "<p><a href=\"%s\">Ouvrir ma convocation</a></p>", sd_str(vars, "lien"));
	buf_free(&b);
	return 0;
}

/* The kind of template for a recipient's qualité. */
const char *sd_modele_kind(const char *qualite, int rectificatif)
{
	if (rectificatif)
		return "rectificatif";
	return !strcmp(qualite, "suppleant") ? "suppleant" : !strcmp(qualite, "invite") ? "invite" : "titulaire";
}

/* ---- preview ---------------------------------------------------------------------------------- */

/* The preview's séance: the collectivité's latest one (the demo séance in the demo), else an example. */
static json_t *preview_seance(db *d, int64_t tenant)
{
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY starts_at DESC, id DESC LIMIT 1", "");
	int64_t id = s && rc == DB_ROW ? db_col_int64(s, 0) : 0;
	if (s)
		db_finalize(s);
	json_t *se = id ? sd_seance_json(d, tenant, id, &e) : NULL;
	if (se)
		return se;
	return json_pack("{s:s,s:s,s:I,s:s,s:b,s:[{s:i,s:s,s:s},{s:i,s:s,s:s}],s:[]}", "titre", "Conseil (exemple)", "organe_nom", "Conseil",
			 "debut", (json_int_t)identity_now() + 14 * 86400, "lieu", "Salle du conseil", "urgence", 0, "points", "rang", 1,
			 "titre", "Approbation du procès-verbal", "rapporteur_nom", "", "rang", 2, "titre", "Budget primitif", "rapporteur_nom",
			 "", "documents");
}

int sd_modele_preview(db *d, int64_t tenant, json_t *m, json_t **out, struct err *e)
{
	if (sd_modele_check(sd_str(m, "objet"), sd_str(m, "texte"), sd_str(m, "html"), e) < 0)
		return -1;
	json_t *se = preview_seance(d, tenant);
	struct sd_destinataire r = { "Madame", "Camille", "Exemple", !strcmp(sd_str(m, "type"), "invite") ? "invite"
								  : !strcmp(sd_str(m, "type"), "suppleant") ? "suppleant"
													     : "titulaire",
				     !strcmp(sd_str(m, "type"), "suppleant") ? "Dominique Titulaire" : "" };
	char lien[600];
	snprintf(lien, sizeof lien, "%s/convocation/exemple-de-lien-personnel", cfg.public_url);
	json_t *vars = sd_modele_vars(d, tenant, se, &r, lien,
				      "  - 12/03/2026 10:15:00 : séance modifiée (date, lieu ou urgence)\n  - 12/03/2026 10:16:00 : ordre du jour modifié\n");
	buf o = BUF_INIT, t = BUF_INIT, h = BUF_INIT;
	int rc = sd_modele_render(m, vars, &o, &t, &h, e);
	if (rc == 0)
		*out = json_pack("{s:s,s:s,s:s,s:s}", "objet", o.data, "texte", t.data, "html", h.data, "seance", sd_str(se, "titre"));
	buf_free(&o);
	buf_free(&t);
	buf_free(&h);
	json_decref(vars);
	json_decref(se);
	return rc;
}

/* ---- API -------------------------------------------------------------------------------------- */

static int api_list(struct req *r)
{
	db *d = req_db(r);
	struct err e;
	if (!d)
		return -1;
	char list[600];
	balises_list(list, sizeof list);
	return res_json(r, 200, json_pack("{s:o,s:s}", "modeles", sd_modeles(d, r->tenant_id, &e), "balises", list));
}
OPALE_ROUTE(sd_modeles_r, "GET", "/api/v1/modeles-convocation", api_list, READ, SCOPE_TENANT, IDL);

/* {type, objet, texte, html} — or {type, defaut: true} to go back to the built-in text. */
static int put_fn(struct act *a)
{
	a->audit_object = sd_str(a->in, "type");
	a->audit_detail = sd_bool(a->in, "defaut") ? "défaut" : "modifié";
	return sd_modele_save(a->d, a->tenant, a->in, a->r->user_id, &a->e);
}

static json_t *put_answer(struct act *a)
{
	return sd_modele_get(a->d, a->tenant, sd_str(a->in, "type"), &a->e);
}
OPALE_ACTION(api_put, .flags = ACT_JSON | ACT_TX, .fn = put_fn, .audit = "seance.modele", .answer = put_answer)
OPALE_ROUTE(sd_modele_put_r, "PUT", "/api/v1/modeles-convocation", api_put, EDIT, SCOPE_TENANT, IDL);

static int api_preview(struct req *r)
{
	json_t *j = req_json(r);
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	json_t *m = json_deep_copy(j), *out = NULL;
	if (!json_object_get(m, "texte")) {
		json_t *cur = sd_modele_get(d, r->tenant_id, sd_str(j, "type"), &e);
		if (!cur) {
			json_decref(m);
			return res_fail_err(r, &e);
		}
		json_object_update_missing(m, cur);
		json_decref(cur);
	}
	int rc = sd_modele_preview(d, r->tenant_id, m, &out, &e);
	json_decref(m);
	return rc < 0 ? res_fail_err(r, &e) : res_json(r, 200, out);
}
OPALE_ROUTE(sd_modele_apercu_r, "POST", "/api/v1/modeles-convocation/apercu", api_preview, READ, SCOPE_TENANT, IDL);

/* ---- page ------------------------------------------------------------------------------------- */

static int page(struct req *r, int status, json_t *edited, json_t *preview, const char *error)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	json_t *ms = sd_modeles(d, r->tenant_id, &e);
	size_t i;
	json_t *m;
	json_array_foreach(ms, i, m) {
		if (edited && !strcmp(sd_str(m, "type"), sd_str(edited, "type"))) {
			json_object_set(m, "objet", json_object_get(edited, "objet"));
			json_object_set(m, "texte", json_object_get(edited, "texte"));
			json_object_set(m, "html", json_object_get(edited, "html"));
			if (preview)
				json_object_set(m, "apercu", preview);
			if (error)
				json_object_set_new(m, "erreur", json_string(error));
		}
	}
	char list[600];
	balises_list(list, sizeof list);
	return page_render(r, status, "seance_modeles", "Modèles de convocation",
			   json_pack("{s:o,s:s,s:b,s:{s:s,s:s,s:s}}", "modeles", ms, "balises", list, "peut_ecrire", (r->roles & EDIT) != 0, "aide",
				     "lien", "{{lien}}", "section", "{{#lieu}}, {{lieu}}{{/lieu}}", "points", "{{#points}}{{rang}}. {{titre}} {{/points}}"));
}

static int page_get(struct req *r)
{
	return page(r, 200, NULL, NULL, NULL);
}
OPALE_ROUTE(sd_modeles_page, "GET", "/seances/modeles", page_get, READ, SCOPE_TENANT, IDL);

/* action = apercu | enregistrer | defaut */
static int page_post(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	const char *a = req_form(r, "action"), *type = req_form(r, "type");
	a = a ? a : "enregistrer";
	json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:b}", "type", type ? type : "", "objet", req_form(r, "objet") ? req_form(r, "objet") : "",
			      "texte", req_form(r, "texte") ? req_form(r, "texte") : "", "html", req_form(r, "html") ? req_form(r, "html") : "",
			      "defaut", !strcmp(a, "defaut"));
	/* Textareas post CRLF line ends: the templates keep LF. */
	const char *keys[] = { "objet", "texte", "html" };
	for (int k = 0; k < 3; k++) {
		buf b = BUF_INIT;
		for (const char *p = sd_str(j, keys[k]); *p; p++)
			if (*p != '\r')
				buf_putc(&b, *p);
		json_object_set_new(j, keys[k], json_string(b.data ? b.data : ""));
		buf_free(&b);
	}
	struct err e;
	int rc;
	if (!strcmp(a, "apercu")) {
		json_t *out = NULL;
		rc = sd_modele_preview(d, r->tenant_id, j, &out, &e) == 0 ? page(r, 200, j, out, NULL) : page(r, 422, j, NULL, e.msg);
		json_decref(out);
	} else if (db_begin_write(d, &e) < 0 || sd_modele_save(d, r->tenant_id, j, r->user_id, &e) < 0 || db_commit(d, &e) < 0) {
		db_rollback(d);
		rc = page(r, e.status == 422 ? 422 : 400, j, NULL, e.msg);
	} else {
		audit_req(r, "seance.modele", sd_str(j, "type"), sd_bool(j, "defaut") ? "défaut" : "modifié");
		res_flash(r, "ok", sd_bool(j, "defaut") ? "Modèle d'origine rétabli." : "Modèle enregistré : il sert aux prochains envois.");
		rc = res_redirect(r, arena_printf(r->a, "/seances/modeles#modele-%s", sd_str(j, "type")));
	}
	json_decref(j);
	return rc;
}
OPALE_ROUTE(sd_modeles_post, "POST", "/seances/modeles", page_post, EDIT, SCOPE_TENANT, IDL);
