/* routes_pages: the register's pages — list with filters and the deadlines to watch, a convention
 * with its computed dates, parties, action sheets, budget and reviews; create/edit forms; adding an
 * action sheet, a budget line, a review; recording an express renewal or a termination notified;
 * CSV exports (register, budget) and the ICS feed of deadlines; and a small JSON API. */
#include "conventions/routes.h"
#include "actes/registre.h"
#include "core/ics.h"
#include "db/tenant.h"
#include "http/action.h"
#include "http/http.h"
#include "identity/identity.h"
#include "parapheur/parapheur.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WRITERS CV_WRITERS
#define READERS CV_READERS

/* Fields of the main form, copied as typed. */
static const char *const main_fields[] = { "reference", "titre", "objet", "partenaire", "signature_date", "signature_lieu", "debut", "fin",
					   "duree", "renouvellement", "renouvellements_max", "renouvellements_faits", "renouvellement_duree",
					   "decision_delai", "preavis", "resiliation_forme", "resiliation_effet", "resiliation_notifiee",
					   "bilan", "montant", "conditions_financieres", "deliberation", "annexes", "service",
					   "alerte_courriel", "parent_id", "avenant_numero", NULL };

static json_t *form_json(struct req *r)
{
	json_t *in = json_object();
	for (int i = 0; main_fields[i]; i++) {
		const char *v = req_form(r, main_fields[i]);
		json_object_set_new(in, main_fields[i], json_string(v ? v : ""));
	}
	json_t *parties = json_array();
	for (int k = 1; k <= 3; k++) {
		char n[48];
		json_t *p = json_object();
		static const char *const pf[] = { "nom", "representant", "fonction", "habilitation", "collectivite", NULL };
		for (int i = 0; pf[i]; i++) {
			snprintf(n, sizeof n, "partie%d_%s", k, pf[i]);
			const char *v = req_form(r, n);
			json_object_set_new(p, pf[i], json_string(v ? v : ""));
		}
		json_array_append_new(parties, p);
	}
	json_object_set_new(in, "parties", parties);
	return in;
}

static void choices(json_t *data, const char *renouv, const char *effet, const char *bilan)
{
	json_t *a = json_array(), *b = json_array(), *c = json_array();
	for (int i = 0; i < 3; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "v", cv_renewal_token(i), "l", cv_renewal_label(i), "sel",
						   renouv && strcmp(renouv, cv_renewal_token(i)) == 0));
	for (int i = 0; i < 3; i++)
		json_array_append_new(b, json_pack("{s:s,s:s,s:b}", "v", cv_effect_token(i), "l", cv_effect_label(i), "sel",
						   effet && strcmp(effet, cv_effect_token(i)) == 0));
	for (int i = 0; i < 4; i++)
		json_array_append_new(c, json_pack("{s:s,s:s,s:b}", "v", cv_review_token(i), "l", cv_review_label(i), "sel",
						   bilan && strcmp(bilan, cv_review_token(i)) == 0));
	json_object_set_new(data, "renouvellements", a);
	json_object_set_new(data, "effets", b);
	json_object_set_new(data, "periodicites", c);
}

/* The form page; v: the values (stolen); id: 0 for a new convention. */
static int form_page(struct req *r, int status, json_t *v, int64_t id, const char *error)
{
	json_t *data = json_object();
	json_t *parties = json_object_get(v, "parties");
	json_t *rows = json_array();
	for (int k = 0; k < 3; k++) {
		json_t *p = json_array_get(parties, (size_t)k);
		json_t *o = p ? json_deep_copy(p) : json_object();
		json_object_set_new(o, "n", json_integer(k + 1));
		json_t *col = json_object_get(o, "collectivite");
		json_object_set_new(o, "est_collectivite", json_boolean(json_is_true(col) || (json_is_integer(col) && json_integer_value(col)) ||
									(json_is_string(col) && *json_string_value(col))));
		json_array_append_new(rows, o);
	}
	choices(data, json_string_value(json_object_get(v, "renouvellement")), json_string_value(json_object_get(v, "resiliation_effet")),
		json_string_value(json_object_get(v, "bilan")));
	json_object_set_new(data, "parties_form", rows);
	json_object_set_new(data, "v", v);
	json_object_set_new(data, "id", json_integer(id));
	json_object_set_new(data, "action", json_string(id ? arena_printf(r->a, "/conventions/%lld", (long long)id) : "/conventions"));
	if (error)
		json_object_set_new(data, "error", json_string(error));
	return page_render(r, status, "convention_form", id ? "Modifier la convention" : "Nouvelle convention", data);
}

static int list(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	struct cv_filter f = { .q = req_query(r, "q"), .partenaire = req_query(r, "partenaire"), .etat = req_query(r, "etat"),
			       .renouvellement = req_query(r, "renouvellement") };
	const char *av = req_query(r, "echeance_avant");
	if (av && *av)
		date_parse(av, &f.echeance_avant, NULL);
	f.alertes_seules = req_query(r, "alertes") && *req_query(r, "alertes");
	struct date today = cv_today();
	json_t *l = cv_list(d, r->tenant_id, &f, today, &e);
	/* The deadlines to watch, across the whole register. */
	json_t *all = cv_list(d, r->tenant_id, NULL, today, &e), *watch = json_array();
	size_t i, k;
	json_t *c, *a;
	json_array_foreach(all, i, c) json_array_foreach(json_object_get(c, "alertes"), k, a) {
		json_t *w = json_deep_copy(a);
		json_object_set(w, "convention", json_object_get(c, "id"));
		json_object_set(w, "titre", json_object_get(c, "titre"));
		json_array_append_new(watch, w);
	}
	json_decref(all);
	/* Soonest first (ISO dates sort as text). */
	size_t n = json_array_size(watch);
	for (size_t x = 1; x < n; x++)
		for (size_t y = x; y > 0; y--) {
			json_t *p = json_array_get(watch, y - 1), *q = json_array_get(watch, y);
			if (strcmp(json_string_value(json_object_get(p, "date")), json_string_value(json_object_get(q, "date"))) <= 0)
				break;
			json_incref(p);
			json_array_set(watch, y - 1, q);
			json_array_set_new(watch, y, p);
		}
	json_t *data = json_pack("{s:o,s:o,s:b,s:b,s:b}", "conventions", l, "alertes", watch, "a_alertes", n > 0, "vide",
				 json_array_size(l) == 0, "peut_ecrire", (r->roles & WRITERS) != 0);
	json_object_set_new(data, "f", json_pack("{s:s,s:s,s:s}", "q", f.q ? f.q : "", "partenaire", f.partenaire ? f.partenaire : "",
						 "echeance_avant", av ? av : ""));
	json_t *etats = json_array();
	static const char *const et[][2] = { { "a_venir", "À venir" }, { "en_vigueur", "En vigueur" }, { "terminee", "Terminée" }, { "resiliee", "Résiliée" } };
	for (int x = 0; x < 4; x++)
		json_array_append_new(etats, json_pack("{s:s,s:s,s:b}", "v", et[x][0], "l", et[x][1], "sel", f.etat && strcmp(f.etat, et[x][0]) == 0));
	json_object_set_new(data, "etats", etats);
	choices(data, f.renouvellement, NULL, NULL);
	return page_render(r, 200, "conventions", "Conventions et partenariats", data);
}
OPALE_ROUTE(cv_list_page, "GET", "/conventions", list, READERS, SCOPE_TENANT, 0);

static int new_page(struct req *r)
{
	json_t *v = json_pack("{s:s,s:s,s:s,s:s}", "renouvellement", "aucun", "resiliation_effet", "notification", "bilan", "aucun", "duree", "");
	const char *parent = req_query(r, "parent");
	if (parent)
		json_object_set_new(v, "parent_id", json_string(parent));
	return form_page(r, 200, v, 0, NULL);
}
OPALE_ROUTE(cv_new_page, "GET", "/conventions/nouvelle", new_page, WRITERS, SCOPE_TENANT, 0);

static int save(struct req *r, int64_t id)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	if (id && !tdb_exists(d, r->tenant_id, "SELECT id FROM conventions WHERE tenant_id = $1 AND id = $2", "i", id))
		return res_fail(r, 404, "convention.inconnue", "Convention introuvable.");
	json_t *in = form_json(r);
	int64_t out = 0;
	if (db_begin_write(d, &e) < 0 || cv_save(d, r->tenant_id, r->user_id, id, in, &out, &e) < 0 || db_commit(d, &e) < 0) {
		db_rollback(d);
		if (e.status == 404)
			return res_fail(r, 404, "convention.inconnue", "Convention introuvable.");
		return form_page(r, e.status == 400 ? 400 : 500, in, id, e.msg[0] ? e.msg : "Enregistrement impossible.");
	}
	json_decref(in);
	if (!id) {
		/* Starts the daily alert run of the collectivité (a no-op when today's is already queued). */
		if (db_begin_write(d, &e) == 0 && cv_alerts_schedule(d, r->tenant_id, cv_today(), 0, &e) == 0)
			db_commit(d, &e);
		else
			db_rollback(d);
	}
	audit_req(r, id ? "convention.modification" : "convention.creation", arena_printf(r->a, "%lld", (long long)out), NULL);
	res_flash(r, "ok", id ? "Convention modifiée." : "Convention enregistrée.");
	return res_redirect(r, arena_printf(r->a, "/conventions/%lld", (long long)out));
}

static int create(struct req *r) { return save(r, 0); }
OPALE_ROUTE(cv_create_page, "POST", "/conventions", create, WRITERS, SCOPE_TENANT, 0);

static int update(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	return id > 0 ? save(r, id) : -1;
}
OPALE_ROUTE(cv_update_page, "POST", "/conventions/:id", update, WRITERS, SCOPE_TENANT, 0);

json_t *cv_load(struct req *r, db **dp)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return NULL;
	struct err e = { 0 };
	json_t *c = cv_get(d, r->tenant_id, id, cv_today(), &e);
	if (!c)
		res_fail(r, 404, "convention.inconnue", "Convention introuvable.");
	if (dp)
		*dp = d;
	return c;
}

/* Once signed: the act that carries it to the prefecture, or (writers) the form that creates and
 * transmits it — matière from the current classification, piece type, decision date. */
static void prefecture_block(struct req *r, db *d, json_t *c)
{
	struct err e = { 0 };
	int rc;
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT a.id, a.numero, a.state FROM conventions c JOIN actes a ON a.id = c.acte_id"
							 " AND a.tenant_id = c.tenant_id WHERE c.tenant_id = $1 AND c.id = $2", "i",
			       json_integer_value(json_object_get(c, "id")));
	if (s && rc == DB_ROW) {
		json_object_set_new(c, "prefecture", json_pack("{s:I,s:s,s:s}", "acte", (json_int_t)db_col_int64(s, 0), "numero", db_col_text(s, 1),
							       "etat", actes_state_label(db_col_text(s, 2))));
		db_finalize(s);
		return;
	}
	if (s)
		db_finalize(s);
	if (!(r->roles & WRITERS))
		return;
	char date[11];
	json_t *m = actes_matieres_current(d, r->tenant_id, date, &e);
	const char *sig = json_string_value(json_object_get(c, "signature_date"));
	json_object_set_new(c, "vers_prefecture", json_pack("{s:o,s:b,s:s}", "matieres", m ? m : json_array(), "classification",
							    m && json_array_size(m) > 0, "date", sig ? sig : ""));
}

/* Signature: the parapheur folder of the convention (its state), or the form to send it there —
 * only for a collectivité subscribed to the parapheur. */
static void parapheur_block(struct req *r, db *d, json_t *c)
{
	struct err e = { 0 };
	int64_t folder = json_integer_value(json_object_get(c, "parapheur_dossier"));
	int tier = (r->tiers & RF_TIER_PARAPHEUR) != 0;
	json_object_set_new(c, "parapheur_offert", json_boolean(tier));
	if (folder) {
		int rc;
		db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT status FROM folders WHERE tenant_id = $1 AND id = $2", "i", folder);
		int ended = s && rc == DB_ROW && strcmp(db_col_text(s, 0), "termine") == 0;
		json_object_set_new(c, "parapheur", json_pack("{s:I,s:s}", "id", (json_int_t)folder, "statut",
							      s && rc == DB_ROW ? db_col_text(s, 0) : "?"));
		if (s)
			db_finalize(s);
		if (ended && (r->tiers & RF_TIER_TELETRANSMISSION))
			prefecture_block(r, d, c);
		return;
	}
	if (!tier || !(r->roles & WRITERS))
		return;
	json_t *subs = json_array(), *desks = pa_my_desks(d, r->tenant_id, r->user_id, &e);
	int rc;
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT st.id, t.name, st.name FROM folder_subtypes st JOIN folder_types t"
							 " ON t.id = st.type_id WHERE st.tenant_id = $1 ORDER BY t.name, st.name", "");
	while (s && rc == DB_ROW) {
		json_array_append_new(subs, json_pack("{s:I,s:s}", "id", (json_int_t)db_col_int64(s, 0), "nom",
						      arena_printf(r->a, "%s — %s", db_col_text(s, 1), db_col_text(s, 2))));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	json_object_set_new(c, "envoi", json_pack("{s:o,s:o,s:b}", "sous_types", subs, "bureaux", desks ? desks : json_array(), "possible",
						  json_array_size(subs) > 0 && desks && json_array_size(desks) > 0));
}

static int show(struct req *r)
{
	db *d = NULL;
	json_t *c = cv_load(r, &d);
	if (!c)
		return -1;
	json_object_set_new(c, "peut_ecrire", json_boolean((r->roles & WRITERS) != 0));
	json_object_set_new(c, "peut_reconduire", json_boolean((r->roles & WRITERS) && json_is_true(json_object_get(c, "renouvelable")) &&
							       strcmp(json_string_value(json_object_get(c, "renouvellement")), "expres") == 0));
	json_object_set_new(c, "peut_resilier", json_boolean((r->roles & WRITERS) && !*json_string_value(json_object_get(c, "resiliation_notifiee"))));
	json_object_set_new(c, "a_fiches", json_boolean(json_array_size(json_object_get(c, "fiches")) > 0));
	parapheur_block(r, d, c);
	const char *title = arena_strdup(r->a, json_string_value(json_object_get(c, "titre")));
	return page_render(r, 200, "convention", title, json_pack("{s:o,s:s}", "c", c, "today", ""));
}
OPALE_ROUTE(cv_show_page, "GET", "/conventions/:id", show, READERS, SCOPE_TENANT, 0);

static int edit_page(struct req *r)
{
	json_t *c = cv_load(r, NULL);
	if (!c)
		return -1;
	/* Durations back into their typed form. */
	int64_t id = json_integer_value(json_object_get(c, "id"));
	json_object_set_new(c, "parent_id", json_sprintf("%lld", (long long)json_integer_value(json_object_get(c, "parent_id"))));
	json_object_set_new(c, "avenant_numero", json_sprintf("%lld", (long long)json_integer_value(json_object_get(c, "avenant_numero"))));
	json_object_set_new(c, "renouvellements_max", json_sprintf("%lld", (long long)json_integer_value(json_object_get(c, "renouvellements_max"))));
	json_object_set_new(c, "renouvellements_faits", json_sprintf("%lld", (long long)json_integer_value(json_object_get(c, "renouvellements_faits"))));
	json_object_set_new(c, "montant", json_string(json_string_value(json_object_get(json_object_get(c, "montant"), "fr"))));
	return form_page(r, 200, c, id, NULL);
}
OPALE_ROUTE(cv_edit_page, "GET", "/conventions/:id/modifier", edit_page, WRITERS, SCOPE_TENANT, 0);

/* Is id a convention of the request's collectivité? */
static int conv_exists(struct req *r, db *d, int64_t id)
{
	return tdb_exists(d, r->tenant_id, "SELECT id FROM conventions WHERE tenant_id = $1 AND id = $2", "i", id);
}

int cv_sub_action(struct req *r, int (*fn)(struct req *r, db *d, int64_t id, struct err *e), const char *done, const char *audit,
		  const char *back)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e = { 0 };
	if (!conv_exists(r, d, id))
		return res_fail(r, 404, "convention.inconnue", "Convention introuvable.");
	if (db_begin_write(d, &e) < 0 || fn(r, d, id, &e) < 0 || db_commit(d, &e) < 0) {
		db_rollback(d);
		res_flash(r, "erreur", e.msg[0] ? e.msg : "Enregistrement impossible.");
	} else {
		audit_req(r, audit, arena_printf(r->a, "%lld", (long long)id), NULL);
		res_flash(r, "ok", done);
	}
	return res_redirect(r, back ? back : arena_printf(r->a, "/conventions/%lld", (long long)id));
}

struct cv_api_call {
	int (*fn)(struct req *r, db *d, int64_t id, json_t *in, struct err *e);
};

static int cv_api_known(struct act *a)
{
	return conv_exists(a->r, a->d, a->id) ? 0 : err_set(&a->e, 404, "convention.inconnue", "Convention introuvable.");
}

static int cv_api_fn(struct act *a)
{
	return ((struct cv_api_call *)a->ctx)->fn(a->r, a->d, a->id, a->in, &a->e);
}

/* The generic action, but any id or body fault keeps the conventions' own codes (convention.inconnue,
 * json.invalide) and the connection is asked for before the body. */
int cv_api_action(struct req *r, int (*fn)(struct req *r, db *d, int64_t id, json_t *in, struct err *e), const char *audit)
{
	struct cv_api_call call = { fn };
	struct act a = { .r = r, .tenant = r->tenant_id, .id = req_param_id(r, "id"), .ctx = &call };
	a.d = a.id > 0 ? req_db(r) : NULL;
	if (!a.d)
		return a.id > 0 ? -1 : res_fail(r, 404, "convention.inconnue", "Convention introuvable.");
	if (!(a.in = req_json(r)))
		return res_fail(r, 400, "json.invalide", "Corps JSON attendu.");
	const struct act_spec s = { .id = "id", .flags = ACT_TX, .check = cv_api_known, .fn = cv_api_fn, .audit = audit };
	return act_run(&a, &s);
}

json_t *cv_form_fields(struct req *r, const char *const *names)
{
	json_t *o = json_object();
	for (int i = 0; names[i]; i++) {
		const char *v = req_form(r, names[i]);
		json_object_set_new(o, names[i], json_string(v ? v : ""));
	}
	return o;
}

static const char *const fiche_fields[] = { "reference", "intitule", "axe", "contexte", "descriptif", "objectifs", "perimetre", "intervenants",
					     "calendrier", "livrables", "budget", "taxes", "financement", "fongible", "bilan", NULL };
static const char *const line_fields[] = { "libelle", "financeur", "annee", "debut", "fin", "formule", "taxes", "paye", NULL };

/* An action sheet added (no :fiche in the path) or edited in place; the search index follows. */
static int do_fiche(struct req *r, db *d, int64_t id, struct err *e)
{
	int64_t fiche = req_param(r, "fiche") ? req_param_id(r, "fiche") : 0, fid;
	if (fiche < 0)
		return err_set(e, 404, "fiche.inconnue", "Fiche-action introuvable.");
	json_t *f = cv_form_fields(r, fiche_fields);
	int rc = fiche ? cv_fiche_update(d, r->tenant_id, id, fiche, f, e)
		       : (cv_add_fiche(d, r->tenant_id, id, f, &fid, e) < 0 ? -1 : cv_search_index(d, r->tenant_id, id, e));
	json_decref(f);
	return rc;
}
static int add_fiche(struct req *r) { return cv_sub_action(r, do_fiche, "Fiche-action ajoutée.", "convention.fiche", NULL); }
OPALE_ROUTE(cv_fiche_page, "POST", "/conventions/:id/fiches", add_fiche, WRITERS, SCOPE_TENANT, 0);

/* A budget line added (no :ligne in the path) or edited in place. */
static int do_budget(struct req *r, db *d, int64_t id, struct err *e)
{
	int64_t line = req_param(r, "ligne") ? req_param_id(r, "ligne") : 0;
	if (line < 0)
		return err_set(e, 404, "budget.inconnue", "Ligne de budget introuvable.");
	json_t *b = cv_form_fields(r, line_fields);
	const char *f = req_form(r, "fiche");
	int64_t fiche = f ? strtoll(f, NULL, 10) : 0;
	int rc = line ? cv_budget_update(d, r->tenant_id, id, line, fiche, b, e) : cv_add_budget(d, r->tenant_id, id, fiche, b, e);
	json_decref(b);
	return rc;
}
static int add_budget(struct req *r) { return cv_sub_action(r, do_budget, "Ligne de budget ajoutée.", "convention.budget", NULL); }
OPALE_ROUTE(cv_budget_page, "POST", "/conventions/:id/budget", add_budget, WRITERS, SCOPE_TENANT, 0);

static int do_pay(struct req *r, db *d, int64_t id, struct err *e)
{
	int64_t line = req_param_id(r, "ligne");
	return line > 0 ? cv_budget_pay(d, r->tenant_id, id, line, req_form(r, "montant"), e)
			: err_set(e, 404, "budget.inconnue", "Ligne de budget introuvable.");
}
static int pay(struct req *r) { return cv_sub_action(r, do_pay, "Paiement enregistré.", "convention.paiement", NULL); }
OPALE_ROUTE(cv_pay_page, "POST", "/conventions/:id/budget/:ligne/paiement", pay, WRITERS, SCOPE_TENANT, 0);

static int do_del_line(struct req *r, db *d, int64_t id, struct err *e)
{
	int64_t line = req_param_id(r, "ligne");
	return line > 0 ? cv_budget_delete(d, r->tenant_id, id, line, e) : err_set(e, 404, "budget.inconnue", "Ligne de budget introuvable.");
}
static int del_line(struct req *r) { return cv_sub_action(r, do_del_line, "Ligne de budget supprimée.", "convention.budget_suppression", NULL); }
OPALE_ROUTE(cv_budget_del_page, "POST", "/conventions/:id/budget/:ligne/supprimer", del_line, WRITERS, SCOPE_TENANT, 0);

static int do_del_fiche(struct req *r, db *d, int64_t id, struct err *e)
{
	int64_t fiche = req_param_id(r, "fiche");
	return fiche > 0 && cv_fiche_delete(d, r->tenant_id, id, fiche, e) == 0 ? cv_search_index(d, r->tenant_id, id, e)
									      : (fiche > 0 ? -1 : err_set(e, 404, "fiche.inconnue", "Fiche-action introuvable."));
}
static int del_fiche(struct req *r) { return cv_sub_action(r, do_del_fiche, "Fiche-action supprimée (ses lignes de budget restent, sans fiche).", "convention.fiche_suppression", NULL); }
OPALE_ROUTE(cv_fiche_del_page, "POST", "/conventions/:id/fiches/:fiche/supprimer", del_fiche, WRITERS, SCOPE_TENANT, 0);

/* Editing an action sheet or a budget line in place: a form page pre-filled, then the same checks as
 * when it was added. */
static json_t *find_by_id(json_t *a, int64_t id)
{
	size_t i;
	json_t *x;
	json_array_foreach(a, i, x) if (json_integer_value(json_object_get(x, "id")) == id) return x;
	return NULL;
}

static int edit_sub_page(struct req *r, const char *param, const char *tmpl, const char *title)
{
	int64_t sub = req_param_id(r, param);
	json_t *c = cv_load(r, NULL);
	if (!c)
		return -1;
	int is_fiche = strcmp(param, "fiche") == 0;
	json_t *x = find_by_id(is_fiche ? json_object_get(c, "fiches") : json_object_get(json_object_get(c, "budget"), "lignes"), sub);
	if (!x) {
		json_decref(c);
		return is_fiche ? res_fail(r, 404, "fiche.inconnue", "Fiche-action introuvable.") : res_fail(r, 404, "budget.inconnue", "Ligne de budget introuvable.");
	}
	/* amounts back in the form they are typed in */
	json_object_set_new(x, "ht", json_boolean(strcmp(json_string_value(json_object_get(x, "taxes")), "HT") == 0));
	if (is_fiche)
		json_object_set_new(x, "budget_saisi", json_incref(json_object_get(json_object_get(x, "budget"), "euros")));
	else {
		json_object_set_new(x, "paye_saisi", json_incref(json_object_get(json_object_get(x, "paye"), "euros")));
		json_t *f;
		size_t i;
		json_array_foreach(json_object_get(c, "fiches"), i, f)
			json_object_set_new(f, "sel", json_boolean(json_integer_value(json_object_get(f, "id")) == json_integer_value(json_object_get(x, "fiche_id"))));
	}
	json_t *data = json_pack("{s:O,s:O,s:O}", "c", c, "x", x, "fiches", json_object_get(c, "fiches"));
	json_decref(c);
	return page_render(r, 200, tmpl, title, data);
}

static int fiche_edit_page(struct req *r) { return edit_sub_page(r, "fiche", "convention_fiche", "Modifier la fiche-action"); }
OPALE_ROUTE(cv_fiche_edit_page, "GET", "/conventions/:id/fiches/:fiche/modifier", fiche_edit_page, WRITERS, SCOPE_TENANT, 0);
static int line_edit_page(struct req *r) { return edit_sub_page(r, "ligne", "convention_ligne", "Modifier la ligne de budget"); }
OPALE_ROUTE(cv_line_edit_page, "GET", "/conventions/:id/budget/:ligne/modifier", line_edit_page, WRITERS, SCOPE_TENANT, 0);

static int fiche_update(struct req *r) { return cv_sub_action(r, do_fiche, "Fiche-action modifiée.", "convention.fiche_modification", NULL); }
OPALE_ROUTE(cv_fiche_update_page, "POST", "/conventions/:id/fiches/:fiche", fiche_update, WRITERS, SCOPE_TENANT, 0);

static int line_update(struct req *r) { return cv_sub_action(r, do_budget, "Ligne de budget modifiée.", "convention.budget_modification", NULL); }
OPALE_ROUTE(cv_line_update_page, "POST", "/conventions/:id/budget/:ligne", line_update, WRITERS, SCOPE_TENANT, 0);

static int api_fiche_fn(struct req *r, db *d, int64_t id, json_t *in, struct err *e)
{
	int64_t fiche = req_param_id(r, "fiche");
	return fiche > 0 ? cv_fiche_update(d, r->tenant_id, id, fiche, in, e) : err_set(e, 404, "fiche.inconnue", "Fiche-action introuvable.");
}
static int api_fiche_update(struct req *r) { return cv_api_action(r, api_fiche_fn, "convention.fiche_modification"); }
OPALE_ROUTE(cv_api_fiche_update, "PUT", "/api/v1/conventions/:id/fiches/:fiche", api_fiche_update, WRITERS, SCOPE_TENANT, 0);

static int api_line_fn(struct req *r, db *d, int64_t id, json_t *in, struct err *e)
{
	int64_t line = req_param_id(r, "ligne");
	json_t *f = json_object_get(in, "fiche");
	int64_t fiche = json_is_integer(f) ? json_integer_value(f) : 0;
	return line > 0 ? cv_budget_update(d, r->tenant_id, id, line, fiche, in, e) : err_set(e, 404, "budget.inconnue", "Ligne de budget introuvable.");
}
static int api_line_update(struct req *r) { return cv_api_action(r, api_line_fn, "convention.budget_modification"); }
OPALE_ROUTE(cv_api_line_update, "PUT", "/api/v1/conventions/:id/budget/:ligne", api_line_update, WRITERS, SCOPE_TENANT, 0);

static int do_bilan(struct req *r, db *d, int64_t id, struct err *e)
{
	/* Indicators: up to 6 pairs indicateurN / valeurN. */
	json_t *ind = json_object();
	for (int k = 1; k <= 6; k++) {
		char a[24], b[24];
		snprintf(a, sizeof a, "indicateur%d", k);
		snprintf(b, sizeof b, "valeur%d", k);
		const char *name = req_form(r, a), *val = req_form(r, b);
		if (name && *name)
			json_object_set_new(ind, name, json_string(val ? val : ""));
	}
	int rc = cv_bilan_add(d, r->tenant_id, r->user_id, id, req_form(r, "echeance"), ind, req_form(r, "commentaire"), e);
	json_decref(ind);
	return rc;
}
static int add_bilan(struct req *r) { return cv_sub_action(r, do_bilan, "Bilan enregistré.", "convention.bilan", NULL); }
OPALE_ROUTE(cv_bilan_page, "POST", "/conventions/:id/bilans", add_bilan, WRITERS, SCOPE_TENANT, 0);

static int do_renew(struct req *r, db *d, int64_t id, struct err *e)
{
	json_t *c = cv_get(d, r->tenant_id, id, cv_today(), e);
	if (!c)
		return -1;
	int ok = json_is_true(json_object_get(c, "renouvelable")) && strcmp(json_string_value(json_object_get(c, "renouvellement")), "expres") == 0;
	json_decref(c);
	if (!ok)
		return err_set(e, 409, "convention.reconduction", "Cette convention ne peut plus être reconduite (nombre maximal atteint ou terme passé).");
	const char *delib = req_form(r, "deliberation");
	return tdb_run(d, r->tenant_id, e,
		       "UPDATE conventions SET renouvellements_faits = renouvellements_faits + 1, deliberation = CASE WHEN $3 = '' THEN deliberation"
		       " ELSE $3 END, updated_at = $4 WHERE tenant_id = $1 AND id = $2", "iti", id, delib ? delib : "", identity_now());
}
static int renew(struct req *r) { return cv_sub_action(r, do_renew, "Reconduction expresse enregistrée.", "convention.reconduction", NULL); }
OPALE_ROUTE(cv_renew_page, "POST", "/conventions/:id/reconduction", renew, WRITERS, SCOPE_TENANT, 0);

static int do_terminate(struct req *r, db *d, int64_t id, struct err *e)
{
	struct date nd;
	const char *s = req_form(r, "notifiee");
	if (!s || date_parse(s, &nd, NULL) < 0)
		return err_set(e, 400, "convention.resiliation", "Date de notification de la résiliation invalide (AAAA-MM-JJ).");
	return tdb_run(d, r->tenant_id, e, "UPDATE conventions SET resiliation_notifiee = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2",
		       "iti", id, s, identity_now());
}
static int terminate(struct req *r) { return cv_sub_action(r, do_terminate, "Résiliation enregistrée.", "convention.resiliation", NULL); }
OPALE_ROUTE(cv_terminate_page, "POST", "/conventions/:id/resiliation", terminate, WRITERS, SCOPE_TENANT, 0);

/* ---- exports ----------------------------------------------------------------------------------- */

static void csv_field(buf *b, const char *s)
{
	/* Formula injection: a cell starting with = + - @ is prefixed with ' (spreadsheet programs). */
	buf_putc(b, '"');
	if (s && (*s == '=' || *s == '+' || *s == '-' || *s == '@'))
		buf_putc(b, '\'');
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	buf_putc(b, '"');
}

/* A field and its separator. */
static void csv_cell(buf *b, const char *s)
{
	csv_field(b, s);
	buf_putc(b, ';');
}

/* Answers with the CSV in b (then freed) as a download named name. */
static int send_csv(struct req *r, buf *b, const char *name)
{
	res_header(r, "Content-Disposition", arena_printf(r->a, "attachment; filename=\"%s\"", name));
	int rc = res_text(r, 200, "text/csv; charset=utf-8", b->data, b->len);
	buf_free(b);
	return rc;
}

static int export_register(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	json_t *l = cv_list(d, r->tenant_id, NULL, cv_today(), &e);
	buf b = BUF_INIT;
	buf_puts(&b, "\xEF\xBB\xBFreference;titre;partenaire;avenant_de;signature;debut;echeance;fin_possible;renouvellement;"
		     "renouvellements_faits;renouvellements_max;etat;montant_euros;prochaine_alerte;date_alerte\r\n");
	size_t i;
	json_t *c;
	json_array_foreach(l, i, c) {
		json_t *a = json_array_get(json_object_get(c, "alertes"), 0);
		char n[64];
		csv_cell(&b, cv_str(c, "reference"));
		csv_cell(&b, cv_str(c, "titre"));
		csv_field(&b, cv_str(c, "partenaire"));
		buf_printf(&b, ";%lld;", (long long)json_integer_value(json_object_get(c, "parent_id")));
		csv_cell(&b, cv_str(c, "signature_date"));
		csv_cell(&b, cv_str(c, "debut"));
		csv_cell(&b, cv_str(c, "echeance"));
		csv_cell(&b, cv_str(c, "fin_possible"));
		csv_field(&b, cv_str(c, "renouvellement"));
		snprintf(n, sizeof n, ";%lld;%lld;", (long long)json_integer_value(json_object_get(c, "renouvellements_faits")),
			 (long long)json_integer_value(json_object_get(c, "renouvellements_max")));
		buf_puts(&b, n);
		csv_cell(&b, cv_str(c, "etat"));
		buf_puts(&b, cv_str(json_object_get(c, "montant"), "euros"));
		buf_putc(&b, ';');
		csv_cell(&b, a ? cv_str(a, "message") : "");
		csv_field(&b, a ? cv_str(a, "date") : "");
		buf_puts(&b, "\r\n");
	}
	json_decref(l);
	return send_csv(r, &b, "registre-conventions.csv");
}
OPALE_ROUTE(cv_export_register, "GET", "/conventions/registre.csv", export_register, READERS, SCOPE_TENANT, 0);

static int export_budget(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	json_t *l = cv_list(d, r->tenant_id, NULL, cv_today(), &e);
	buf b = BUF_INIT;
	buf_puts(&b, "\xEF\xBB\xBF" "convention;partenaire;fiche_action;libelle;financeur;annee;debut;fin;formule;taxes;montant_euros;paye_euros;reste_euros\r\n");
	size_t i, k, x;
	json_t *c, *l2, *f;
	json_array_foreach(l, i, c) {
		json_t *full = cv_get(d, r->tenant_id, json_integer_value(json_object_get(c, "id")), cv_today(), &e);
		if (!full)
			continue;
		json_array_foreach(json_object_get(json_object_get(full, "budget"), "lignes"), k, l2) {
			const char *fiche = "";
			json_array_foreach(json_object_get(full, "fiches"), x, f) if (json_integer_value(json_object_get(f, "id")) ==
										      json_integer_value(json_object_get(l2, "fiche_id"))) fiche = cv_str(f, "intitule");
			csv_cell(&b, cv_str(full, "titre"));
			csv_cell(&b, cv_str(full, "partenaire"));
			csv_cell(&b, fiche);
			csv_cell(&b, cv_str(l2, "libelle"));
			csv_field(&b, cv_str(l2, "financeur"));
			buf_printf(&b, ";%lld;", (long long)json_integer_value(json_object_get(l2, "annee")));
			csv_cell(&b, cv_str(l2, "debut"));
			csv_cell(&b, cv_str(l2, "fin"));
			csv_cell(&b, cv_str(l2, "formule"));
			csv_field(&b, cv_str(l2, "taxes"));
			buf_printf(&b, ";%s;%s;%s\r\n", cv_str(json_object_get(l2, "montant"), "euros"), cv_str(json_object_get(l2, "paye"), "euros"),
				   cv_str(json_object_get(l2, "reste"), "euros"));
		}
		json_decref(full);
	}
	json_decref(l);
	return send_csv(r, &b, "budget-conventions.csv");
}
OPALE_ROUTE(cv_export_budget, "GET", "/conventions/budget.csv", export_budget, READERS, SCOPE_TENANT, 0);

static int ics(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	struct cv_filter f = { .horizon = 3660 };
	json_t *l = cv_list(d, r->tenant_id, &f, cv_today(), &e);
	buf b = BUF_INIT;
	ics_begin(&b, "Conventions", "Échéances des conventions");
	size_t i, k;
	json_t *c, *a;
	json_array_foreach(l, i, c) json_array_foreach(json_object_get(c, "alertes"), k, a) {
		struct date dd;
		if (date_parse(cv_str(a, "date"), &dd, NULL) < 0)
			continue;
		buf_printf(&b, "BEGIN:VEVENT\r\nUID:convention-%lld-%s-%04d%02d%02d@opale\r\n", (long long)json_integer_value(json_object_get(c, "id")),
			   cv_str(a, "type"), dd.y, dd.m, dd.d);
		ics_utc(&b, "DTSTAMP", date_to_days(dd) * 86400);
		ics_date(&b, "DTSTART", dd);
		ics_date(&b, "DTEND", date_add_days(dd, 1));
		buf_puts(&b, "SUMMARY:");
		ics_text(&b, cv_str(c, "titre"));
		buf_puts(&b, " — ");
		ics_text(&b, cv_str(a, "message"));
		buf_printf(&b, "\r\nEND:VEVENT\r\n");
	}
	ics_end(&b);
	json_decref(l);
	int rc = res_text(r, 200, "text/calendar; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return rc;
}
OPALE_ROUTE(cv_ics, "GET", "/conventions/echeances.ics", ics, READERS, SCOPE_TENANT, RF_FEED);

/* ---- JSON API ---------------------------------------------------------------------------------- */

static int api_list(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	return res_json(r, 200, json_pack("{s:o}", "conventions", cv_list(d, r->tenant_id, NULL, cv_today(), &e)));
}
OPALE_ROUTE(cv_api_list, "GET", "/api/v1/conventions", api_list, READERS, SCOPE_TENANT, 0);

static int api_create(struct req *r)
{
	db *d = req_db(r);
	json_t *in = d ? req_json(r) : NULL;
	if (!in)
		return d ? res_fail(r, 400, "json.invalide", "Corps JSON attendu.") : -1;
	struct err e = { 0 };
	int64_t id = 0;
	if (db_begin_write(d, &e) < 0 || cv_save(d, r->tenant_id, r->user_id, 0, in, &id, &e) < 0 || db_commit(d, &e) < 0) {
		db_rollback(d);
		return res_fail_err(r, &e);
	}
	audit_req(r, "convention.creation", arena_printf(r->a, "%lld", (long long)id), NULL);
	return res_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}
OPALE_ROUTE(cv_api_create, "POST", "/api/v1/conventions", api_create, WRITERS, SCOPE_TENANT, 0);

static int api_get(struct req *r)
{
	json_t *c = cv_load(r, NULL);
	return c ? res_json(r, 200, c) : -1;
}
OPALE_ROUTE(cv_api_get, "GET", "/api/v1/conventions/:id", api_get, READERS, SCOPE_TENANT, 0);
