/* routes_pages: Hélios web pages — the list of PES files with their states and filters, import of a
 * PES_Aller (findings shown with line and path when refused) and of acquittals/retours, the file page
 * (« visuel PES », acquittal, history, actions: send to signature, deposit a signed PES). */
#include "helios/files.h"
#include "helios/routes.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "parapheur/parapheur.h"
#include "store/store.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TDT (RF_TIER_TELETRANSMISSION)

static const char *const states[] = { HF_IMPORTE, HF_EN_SIGNATURE, HF_SIGNE, HF_TRANSMIS, HF_ACQUITTE, HF_REFUSE };

static const char *fmt_date(arena *a, int64_t t)
{
	char out[32];
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(out, sizeof out, "%d/%m/%Y %H:%M", &tm);
	return arena_strdup(a, out);
}

static json_t *amount(int64_t cents)
{
	buf b = BUF_INIT;
	pes_view_amount(&b, cents);
	json_t *j = json_string(b.data ? b.data : "");
	buf_free(&b);
	return j;
}

static const char *badge(const char *state)
{
	return strcmp(state, HF_ACQUITTE) == 0 ? "ok" : strcmp(state, HF_REFUSE) == 0 ? "erreur" : strcmp(state, HF_EN_SIGNATURE) == 0 ? "alerte" : "";
}

static void decorate(struct req *r, json_t *f)
{
	json_object_set_new(f, "total", amount(json_integer_value(json_object_get(f, "total_depense")) +
					       json_integer_value(json_object_get(f, "total_recette"))));
	json_object_set_new(f, "importe", json_string(fmt_date(r->a, json_integer_value(json_object_get(f, "importe_le")))));
	json_object_set_new(f, "badge", json_string(badge(json_string_value(json_object_get(f, "etat")))));
}

/* The list page; refused import findings (issues) and a message when called after a failed upload. */
static int render_home(struct req *r, int status, json_t *issues, const char *message)
{
	struct err e;
	db *d = req_db_page(r);
	if (!d)
		return -1;
	const char *etat = req_query(r, "etat"), *ex = req_query(r, "exercice");
	if (etat && !*etat)
		etat = NULL;
	int64_t exer = ex ? strtoll(ex, NULL, 10) : 0;
	json_t *files = hf_list(d, r->tenant_id, etat, exer, 300, &e);
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f) decorate(r, f);
	json_t *opts = json_array();
	for (size_t k = 0; k < sizeof states / sizeof states[0]; k++)
		json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", states[k], "label", hf_state_label(states[k]), "selected",
						      etat && strcmp(etat, states[k]) == 0));
	json_t *ret = hf_retours(d, r->tenant_id, 50, &e);
	json_array_foreach(ret, i, f) json_object_set_new(f, "recu", json_string(fmt_date(r->a, json_integer_value(json_object_get(f, "recu_le")))));
	struct hf_settings st;
	if (hf_settings_get(d, r->tenant_id, &st, &e) < 0)
		memset(&st, 0, sizeof st);
	struct hf_tdt tdt;
	if (hf_tdt_get(d, r->tenant_id, &tdt, &e) < 0)
		memset(&tdt, 0, sizeof tdt);
	json_t *data = json_pack("{s:o,s:o,s:o,s:b,s:s,s:b}", "fichiers", files, "etats", opts, "retours", ret, "peut_deposer",
				 (r->roles & HF_WRITERS) != 0, "exercice", exer > 0 ? arena_printf(r->a, "%lld", (long long)exer) : "",
				 "filtre", etat || exer > 0);
	json_object_set_new(data, "parametres", json_pack("{s:s,s:s,s:s,s:b,s:s,s:s,s:b}", "idpost", st.idpost, "codcol", st.codcol, "codbud",
							 st.codbud, "admin", (r->roles & ROLE_ADMIN) != 0, "tdt_url", tdt.url, "tdt_login", tdt.login,
							 "tdt_password", tdt.has_password));
	json_object_set_new(data, "a_fichiers", json_boolean(json_array_size(files) > 0));
	json_object_set_new(data, "a_retours", json_boolean(json_array_size(ret) > 0));
	json_object_set_new(data, "a_constats", json_boolean(issues && json_array_size(issues) > 0));
	if (issues)
		json_object_set_new(data, "constats", issues);
	if (message)
		json_object_set_new(data, "refus", json_string(message));
	return page_render(r, status, "helios", "Hélios — fichiers PES", data);
}

static int home(struct req *r)
{
	return render_home(r, 200, NULL, NULL);
}
OPALE_ROUTE(hf_home, "GET", "/helios", home, HF_READERS, SCOPE_TENANT, TDT);

static int import(struct req *r)
{
	const struct upload *u = hf_req_file(r);
	if (!u || !u->size) {
		res_flash(r, "erreur", "Choisissez le fichier PES à importer.");
		return res_redirect(r, "/helios");
	}
	struct err e = { 0 };
	db *d = req_db_page(r);
	if (!d)
		return -1;
	struct pes_report rep;
	memset(&rep, 0, sizeof rep);
	int64_t id;
	const char *name = hf_req_name(r, u, "pes.xml");
	if (hf_import(d, r->tenant_id, r->user_id, u->path, name, u->sha256, u->size, &rep, &id, &e) < 0) {
		json_t *issues = rep.n_issues ? hf_issues_json(&rep) : NULL;
		pes_report_free(&rep);
		if (e.status == 409 && id) {
			res_flash(r, "erreur", e.msg);
			return res_redirect(r, arena_printf(r->a, "/helios/fichiers/%lld", (long long)id));
		}
		return render_home(r, e.status == 422 || e.status == 415 ? e.status : 400, issues,
				   arena_printf(r->a, "« %s » : %s", name, e.msg));
	}
	pes_report_free(&rep);
	audit_req(r, "helios.import", arena_printf(r->a, "%lld", (long long)id), name);
	res_flash(r, "ok", "Fichier PES importé : il est conforme au schéma et aux règles de la DGFiP.");
	return res_redirect(r, arena_printf(r->a, "/helios/fichiers/%lld", (long long)id));
}
OPALE_ROUTE(hf_import_page, "POST", "/helios/fichiers", import, HF_WRITERS, SCOPE_TENANT, TDT | RF_UPLOAD);

static int answer(struct req *r)
{
	const struct upload *u = hf_req_file(r);
	if (!u || !u->size) {
		res_flash(r, "erreur", "Choisissez le fichier PES_Acquit ou PES_Retour.");
		return res_redirect(r, "/helios");
	}
	struct err e = { 0 };
	db *d = req_db_page(r);
	if (!d)
		return -1;
	int64_t aid, fid;
	const char *name = hf_req_name(r, u, "retour.xml");
	if (hf_answer_import(d, r->tenant_id, r->user_id, u->path, name, u->sha256, u->size, "manuel", &aid, &fid, &e) < 0) {
		res_flash(r, "erreur", arena_printf(r->a, "« %s » : %s", name, e.msg));
		return res_redirect(r, "/helios");
	}
	audit_req(r, "helios.retour", arena_printf(r->a, "%lld", (long long)aid), name);
	if (!fid) {
		res_flash(r, "ok", "PES Retour enregistré (aucun fichier importé ne porte ses bordereaux).");
		return res_redirect(r, "/helios");
	}
	res_flash(r, "ok", "Fichier reçu et rattaché à son PES.");
	return res_redirect(r, arena_printf(r->a, "/helios/fichiers/%lld", (long long)fid));
}
OPALE_ROUTE(hf_answer_page, "POST", "/helios/retours", answer, HF_WRITERS, SCOPE_TENANT, TDT | RF_UPLOAD);

/* The treasury's identifiers of the collectivité (administrators). */
static int settings(struct req *r)
{
	struct err e = { 0 };
	db *d = req_db_page(r);
	if (!d)
		return -1;
	struct hf_settings st = { 0 };
	const char *v;
	if ((v = req_form(r, "idpost")) && strlen(v) < sizeof st.idpost)
		snprintf(st.idpost, sizeof st.idpost, "%s", v);
	else if (v && *v)
		return res_flash(r, "erreur", "Le codique du poste comptable (IdPost) compte 6 chiffres."), res_redirect(r, "/helios");
	if ((v = req_form(r, "codcol")) && strlen(v) < sizeof st.codcol)
		snprintf(st.codcol, sizeof st.codcol, "%s", v);
	else if (v && *v)
		return res_flash(r, "erreur", "Le code collectivité (CodCol) compte 3 caractères."), res_redirect(r, "/helios");
	if ((v = req_form(r, "codbud")) && strlen(v) < sizeof st.codbud)
		snprintf(st.codbud, sizeof st.codbud, "%s", v);
	else if (v && *v)
		return res_flash(r, "erreur", "Le code budget (CodBud) compte 2 caractères."), res_redirect(r, "/helios");
	if (hf_settings_set(d, r->tenant_id, &st, &e) < 0) {
		res_flash(r, "erreur", e.msg);
	} else {
		audit_req(r, "helios.parametres", st.idpost, arena_printf(r->a, "%s/%s", st.codcol, st.codbud));
		res_flash(r, "ok", "Identifiants auprès du comptable enregistrés : les prochains imports les contrôlent.");
	}
	return res_redirect(r, "/helios");
}
OPALE_ROUTE(hf_settings_page, "POST", "/helios/parametres", settings, ROLE_ADMIN, SCOPE_TENANT, TDT);

/* The collectivité's own TdT account for Hélios (administrators); empty address: the @ctes account. */
static int settings_tdt(struct req *r)
{
	struct err e = { 0 };
	db *d = req_db_page(r);
	if (!d)
		return -1;
	const char *pw = req_form(r, "tdt_password");
	const char *password = req_form(r, "tdt_oublier") ? "" : pw && *pw ? pw : NULL;   /* empty field: the password kept */
	if (hf_tdt_set(d, r->tenant_id, req_form(r, "tdt_url") ? req_form(r, "tdt_url") : "", req_form(r, "tdt_login") ? req_form(r, "tdt_login") : "",
		       password, &e) < 0) {
		res_flash(r, "erreur", e.msg);
	} else {
		audit_req(r, "helios.parametres", "compte TdT", "");
		res_flash(r, "ok", "Compte du tiers de télétransmission pour Hélios enregistré.");
	}
	return res_redirect(r, "/helios");
}
OPALE_ROUTE(hf_settings_tdt_page, "POST", "/helios/parametres/tdt", settings_tdt, ROLE_ADMIN, SCOPE_TENANT, TDT);

static int file_page(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	struct err e = { 0 };
	db *d = id > 0 ? db_thread(&e) : NULL;
	if (!d)
		return -1;
	json_t *f = hf_json(d, r->tenant_id, id, &e);
	if (!f)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	decorate(r, f);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(f, "historique"), i, v)
		json_object_set_new(v, "quand", json_string(fmt_date(r->a, json_integer_value(json_object_get(v, "date")))));
	json_array_foreach(json_object_get(f, "bordereaux_detail"), i, v) {
		json_object_set_new(v, "montant_fr", amount(json_integer_value(json_object_get(v, "montant"))));
		json_object_set_new(v, "domaine_fr", json_string(strcmp(json_string_value(json_object_get(v, "domaine")), "D") == 0 ? "Dépense" : "Recette"));
	}
	const char *state = json_string_value(json_object_get(f, "etat"));
	int writer = (r->roles & HF_WRITERS) != 0, importe = strcmp(state, HF_IMPORTE) == 0;
	json_t *acts = json_object();
	if (writer && importe && (r->tiers & RF_TIER_PARAPHEUR)) {
		json_t *subs = pa_subtypes_of(d, r->tenant_id, "helios", &e);
		json_object_set_new(acts, "signature", json_pack("{s:o,s:b}", "sous_types", subs, "choix", json_array_size(subs) > 1));
	}
	if (writer && importe)
		json_object_set_new(acts, "depot_signe", json_true());
	const char *tdt = json_string_value(json_object_get(f, "transaction"));
	int en_cours = tdt && (strcmp(tdt, "a_envoyer") == 0 || strcmp(tdt, "envoi") == 0);
	if (writer && strcmp(state, HF_SIGNE) == 0 && !en_cours)
		json_object_set_new(acts, "transmettre", json_true());
	json_object_set_new(f, "transmission_en_cours", json_boolean(en_cours));
	json_object_set_new(f, "actions", acts);
	json_object_set_new(f, "peut_agir", json_boolean(json_object_size(acts) > 0));
	/* The last acquittal, read back for its table; retours listed. */
	json_t *ack = NULL;
	json_array_foreach(json_object_get(f, "retours"), i, v) {
		json_object_set_new(v, "recu", json_string(fmt_date(r->a, json_integer_value(json_object_get(v, "recu_le")))));
		if (!ack && strcmp(json_string_value(json_object_get(v, "type")), "acquit") == 0)
			ack = v;
	}
	if (ack) {
		char sha[65], name[300], path[1200];
		if (hf_answer_blob(d, r->tenant_id, json_integer_value(json_object_get(ack, "id")), sha, name, sizeof name, &e) == 0) {
			store_path(sha, path, sizeof path);
			struct pes_acquit a;
			if (pes_acquit_parse_file(path, &a, &e) == 0) {
				buf b = BUF_INIT;
				pes_acquit_html(&b, &a);
				json_object_set_new(f, "acquit_html", json_string(b.data ? b.data : ""));
				json_object_set_new(f, "acquit_refuse", json_boolean(a.etat != PES_ACK_ACCEPTE));
				buf_free(&b);
				pes_acquit_free(&a);
			}
		}
	}
	/* The « visuel PES » (first 300 pieces; the PDF has them all up to 2 000). */
	char sha[65], name[300], path[1200];
	if (hf_blob(d, r->tenant_id, id, 0, sha, name, sizeof name, &e) == 0) {
		store_path(sha, path, sizeof path);
		struct pes_model m;
		if (pes_model_load(path, 300, &m, &e) == 0) {
			buf b = BUF_INIT;
			pes_view_html(&b, &m, NULL);
			json_object_set_new(f, "visuel", json_string(b.data ? b.data : ""));
			buf_free(&b);
			pes_model_free(&m);
		}
	}
	json_object_set_new(f, "a_constats", json_boolean(json_array_size(json_object_get(f, "constats")) > 0));
	json_object_set_new(f, "a_retours", json_boolean(json_array_size(json_object_get(f, "retours")) > 0));
	json_object_set_new(f, "signe", json_boolean(json_string_value(json_object_get(f, "sha256_signe"))[0] != 0));
	const char *title = arena_printf(r->a, "PES %s", json_string_value(json_object_get(f, "nomfic"))[0]
							      ? json_string_value(json_object_get(f, "nomfic")) : json_string_value(json_object_get(f, "nom")));
	return page_render(r, 200, "helios_fichier", title, json_pack("{s:o}", "f", f));
}
OPALE_ROUTE(hf_file_page, "GET", "/helios/fichiers/:id", file_page, HF_READERS, SCOPE_TENANT, TDT);

static int back(struct req *r, int64_t id, int ok, const char *msg)
{
	res_flash(r, ok ? "ok" : "erreur", msg);
	return res_redirect(r, arena_printf(r->a, "/helios/fichiers/%lld", (long long)id));
}

static int signature(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	struct err e = { 0 };
	db *d = id > 0 ? db_thread(&e) : NULL;
	if (!d)
		return -1;
	if (!(r->tiers & RF_TIER_PARAPHEUR))
		return back(r, id, 0, "Le parapheur n'est pas souscrit : déposez le PES déjà signé.");
	const char *st = req_form(r, "sous_type");
	int64_t folder;
	if (hf_send_to_signature(d, r->tenant_id, r->user_id, id, st ? strtoll(st, NULL, 10) : 0, 0, &folder, &e) < 0) {
		if (e.status == 404)
			return res_fail(r, 404, e.code, "%s", e.msg);
		return back(r, id, 0, e.msg);
	}
	audit_req(r, "helios.signature", arena_printf(r->a, "%lld", (long long)id), arena_printf(r->a, "dossier %lld", (long long)folder));
	return back(r, id, 1, arena_printf(r->a, "PES envoyé en signature : dossier n° %lld du parapheur.", (long long)folder));
}
OPALE_ROUTE(hf_signature_page, "POST", "/helios/fichiers/:id/signature", signature, HF_WRITERS, SCOPE_TENANT, TDT);

static int transmit(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	struct err e = { 0 };
	db *d = id > 0 ? db_thread(&e) : NULL;
	if (!d)
		return -1;
	if (hf_transmit(d, r->tenant_id, r->user_id, id, &e) < 0) {
		if (e.status == 404)
			return res_fail(r, 404, e.code, "%s", e.msg);
		return back(r, id, 0, e.msg);
	}
	audit_req(r, "helios.transmission", arena_printf(r->a, "%lld", (long long)id), "");
	return back(r, id, 1, "PES mis en file pour le tiers de télétransmission : son état suivra (transmis, puis acquitté ou refusé).");
}
OPALE_ROUTE(hf_transmit_page, "POST", "/helios/fichiers/:id/transmettre", transmit, HF_WRITERS, SCOPE_TENANT, TDT);

static int signed_upload(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	struct err e = { 0 };
	db *d = id > 0 ? db_thread(&e) : NULL;
	if (!d)
		return -1;
	const struct upload *u = hf_req_file(r);
	if (!tdb_exists(d, r->tenant_id, "SELECT id FROM pes_files WHERE tenant_id = $1 AND id = $2", "i", id))
		return res_fail(r, 404, "helios.inconnu", "Fichier PES introuvable.");
	if (!u || !u->size)
		return back(r, id, 0, "Choisissez le PES signé à déposer.");
	if (hf_signed_upload(d, r->tenant_id, r->user_id, id, u->path, u->sha256, u->size, &e) < 0)
		return back(r, id, 0, e.msg);
	audit_req(r, "helios.depot_signe", arena_printf(r->a, "%lld", (long long)id), u->sha256);
	return back(r, id, 1, "PES signé déposé : la signature de chaque bordereau est valide.");
}
OPALE_ROUTE(hf_signed_page, "POST", "/helios/fichiers/:id/pes-signe", signed_upload, HF_WRITERS, SCOPE_TENANT, TDT | RF_UPLOAD);

static int visuel_pdf(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	return id > 0 ? hf_visuel(r, id, "pdf") : -1;
}
OPALE_ROUTE(hf_visuel_page, "GET", "/helios/fichiers/:id/visuel.pdf", visuel_pdf, HF_READERS, SCOPE_TENANT, TDT);
