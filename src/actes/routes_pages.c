/* routes_pages: the acts' web pages — list with filters and states, the creation form (matière
 * picked from the current classification), an act with its documents, transmissions, letters
 * (answerable), AR and history, and the buttons to transmit and cancel. Phone-friendly. */
#include "actes/courriers.h"
#include "actes/registre.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "parapheur/parapheur.h"
#include "publication/publier.h"
#include "store/store.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TT (RF_TIER_TELETRANSMISSION)
#define WRITERS (ROLE_AGENT | ROLE_ADMIN)
#define READERS (ROLE_AGENT | ROLE_ADMIN | ROLE_AUDITOR)

static const char *const etats[] = { ACTE_BROUILLON, ACTE_EN_ATTENTE, ACTE_TRANSMIS, ACTE_ACQUITTE, ACTE_ERREUR, ACTE_ANNULE, NULL };

static const char *fmt_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(out, 32, "%d/%m/%Y %H:%M", &tm);
	return out;
}

static int list(struct req *r)
{
	struct err e;
	db *d = req_db_page(r);
	if (!d)
		return -1;
	const char *etat = req_query(r, "etat"), *q = req_query(r, "q"), *an = req_query(r, "annee");
	json_t *a = actes_db_list(d, r->tenant_id, etat && *etat ? etat : NULL, an ? atoi(an) : 0, 0, q, 500, &e);
	if (!a)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	json_t *open = actes_db_courriers(d, r->tenant_id, 0, 1, &e);
	json_t *alerts = json_array(), *v;
	size_t k;
	json_array_foreach(open, k, v) if (json_is_true(json_object_get(json_object_get(v, "delai"), "alerte")))
		json_array_append(alerts, v);
	json_decref(open);
	json_t *opts = json_array();
	for (int i = 0; etats[i]; i++)
		json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "key", etats[i], "label", actes_state_label(etats[i]), "selected",
						      etat && strcmp(etat, etats[i]) == 0));
	return page_render(r, 200, "actes", "Actes transmis à la préfecture",
			   json_pack("{s:b,s:o,s:o,s:s,s:s,s:b,s:i,s:b,s:o,s:b}", "has_actes", json_array_size(a) > 0, "actes", a, "etats", opts, "q",
				     q ? q : "", "annee", an ? an : "", "peut_ecrire", (r->roles & WRITERS) != 0, "nombre", (int)json_array_size(a),
				     "admin", (r->roles & ROLE_ADMIN) != 0, "alertes", alerts, "has_alertes", json_array_size(alerts) > 0));
}
OPALE_ROUTE(actes_list_page, "GET", "/actes", list, READERS, SCOPE_TENANT, TT);

/* The form's data: natures and the current classification's matières. */
static json_t *form_data(db *d, struct req *r, json_t *values, json_t *violations)
{
	struct err e;
	json_t *natures = json_array(), *mat = json_array();
	long nsel = json_integer_value(json_object_get(values, "nature"));
	for (size_t i = 0; actes_nature_at(i); i++) {
		const struct actes_nature *n = actes_nature_at(i);
		json_array_append_new(natures, json_pack("{s:i,s:s,s:b}", "code", n->code, "label", n->label, "selected", n->code == nsel));
	}
	struct actes_classification c = { 0 };
	int have = actes_db_classification_current(d, r->tenant_id, &c, &e);
	const char *msel = json_string_value(json_object_get(values, "matiere"));
	if (have > 0) {
		for (size_t i = 0; i < c.n_matieres; i++)
			for (size_t k = 0; k < c.matieres[i].n_sub; k++) {
				char code[32];
				snprintf(code, sizeof code, "%d.%d", c.matieres[i].code, c.matieres[i].sub[k].code);
				json_array_append_new(mat, json_pack("{s:s,s:s,s:s,s:b}", "code", code, "l1", c.matieres[i].libelle ? c.matieres[i].libelle : "",
								     "l2", c.matieres[i].sub[k].libelle ? c.matieres[i].sub[k].libelle : "", "selected",
								     msel && strcmp(msel, code) == 0));
			}
	}
	if (!values)
		values = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "numero", "", "objet", "", "date_decision", "", "matiere", "", "type_piece", "",
				   "types_annexes", "", "document_papier", 0);
	json_t *out = json_pack("{s:o,s:o,s:b,s:s,s:o,s:b,s:o}", "natures", natures, "matieres", mat, "classification", have > 0,
				"classification_date", have > 0 ? c.date : "", "v", values, "has_violations", violations && json_array_size(violations) > 0,
				"violations", violations ? violations : json_array());
	if (have > 0)
		actes_classification_free(&c);
	return out;
}

static int new_form(struct req *r)
{
	db *d = req_db_page(r);
	if (!d)
		return -1;
	return page_render(r, 200, "actes_nouveau", "Nouvel acte", form_data(d, r, NULL, NULL));
}
OPALE_ROUTE(actes_new_page, "GET", "/actes/nouveau", new_form, WRITERS, SCOPE_TENANT, TT);

static int new_post(struct req *r)
{
	struct err e = { 0 };
	db *d = req_db_page(r);
	if (!d)
		return -1;
	const struct upload *doc = req_upload(r, "document");
	const char *types = req_form(r, "types_annexes");
	struct actes_doc_in ann[64];
	size_t na = 0;
	char *tv = arena_strdup(r->a, types ? types : ""), *save = NULL;
	char *tok = strtok_r(tv, " ,;", &save);
	for (int i = 0; i < r->nuploads && na < 64; i++)
		if (strcmp(r->uploads[i].field, "annexes") == 0 && r->uploads[i].size > 0) {
			ann[na++] = (struct actes_doc_in){ r->uploads[i].filename, r->uploads[i].path, r->uploads[i].sha256, tok ? tok : "" };
			tok = strtok_r(NULL, " ,;", &save);
		}
	const char *nat = req_form(r, "nature");
	struct actes_new n = { .numero = req_form(r, "numero"), .objet = req_form(r, "objet"), .date_decision = req_form(r, "date_decision"),
			       .matiere = req_form(r, "matiere"), .type_piece = req_form(r, "type_piece"), .nature = nat ? atoi(nat) : 0,
			       .document_papier = req_form(r, "document_papier") != NULL,
			       .acte = { doc ? doc->filename : "", doc ? doc->path : NULL, doc ? doc->sha256 : "", NULL },
			       .annexes = ann, .n_annexes = na };
	json_t *values = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:b}", "numero", n.numero ? n.numero : "", "objet", n.objet ? n.objet : "",
				   "date_decision", n.date_decision ? n.date_decision : "", "matiere", n.matiere ? n.matiere : "", "type_piece",
				   n.type_piece ? n.type_piece : "", "nature", n.nature, "types_annexes", types ? types : "", "document_papier",
				   n.document_papier);
	struct actes_report rep = { 0 };
	int64_t id = 0;
	int rc = (!n.objet || !n.date_decision || !n.matiere || !n.type_piece || !doc)
			 ? err_set(&e, 400, "actes.champs", "Tous les champs marqués obligatoires sont à remplir, avec le document de l'acte.")
			 : actes_db_create(d, r->tenant_id, r->user_id, &n, &rep, &id, &e);
	if (rc < 0) {
		json_t *v = json_array();
		for (size_t i = 0; i < rep.n; i++)
			json_array_append_new(v, json_pack("{s:s,s:s}", "code", rep.items[i].code, "message", rep.items[i].msg));
		if (!rep.n)
			json_array_append_new(v, json_pack("{s:s,s:s}", "code", e.code, "message", e.msg));
		actes_report_free(&rep);
		return page_render(r, 400, "actes_nouveau", "Nouvel acte", form_data(d, r, values, v));
	}
	json_decref(values);
	audit_req(r, "actes.creation", arena_printf(r->a, "%lld", (long long)id), "");
	res_flash(r, "ok", "Acte enregistré : vérifiez-le puis transmettez-le.");
	return res_redirect(r, arena_printf(r->a, "/actes/%lld", (long long)id));
}
OPALE_ROUTE(actes_new_post, "POST", "/actes/nouveau", new_post, WRITERS, SCOPE_TENANT, TT | RF_UPLOAD);

static const char *const event_labels[][2] = {
	{ "creation", "Création" }, { "transmission", "Transmission demandée" }, { "tdt.poste", "Déposé au tiers de télétransmission" },
	{ "tdt.transmis", "Transmis à la préfecture" }, { "prefecture.ar", "Accusé de réception de la préfecture" },
	{ "prefecture.message", "Message de la préfecture" }, { "tdt.erreur", "Erreur" }, { "tdt.refus", "Refusé par le TdT" },
	{ "tampon", "Copie tamponnée produite" }, { "tampon.erreur", "Tampon impossible" }, { "reponse", "Réponse envoyée" },
	{ "reponse.refus", "Refus de réponse envoyé" }, { "annulation.demande", "Annulation demandée" },
	{ "prefecture.annulation", "Annulation acquittée par la préfecture" }, { "tdt.annulation_postee", "Annulation déposée au TdT" },
	{ "tdt.reponse_postee", "Réponse déposée au TdT" }, { "envoi_signature", "Envoyé en signature (parapheur)" },
	{ "signature", "Signé dans le parapheur" }, { "rejet_signature", "Rejeté dans le parapheur" },
	{ "circuit_sans_signature", "Circuit terminé sans signature" },
};

static int page(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	struct err e;
	db *d = id > 0 ? db_thread(&e) : NULL;
	if (!d)
		return -1;
	json_t *a = actes_db_get(d, r->tenant_id, id, &e);
	if (!a)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(a, "historique"), i, v) {
		char t[32];
		json_object_set_new(v, "quand", json_string(fmt_time(json_integer_value(json_object_get(v, "le")), t)));
		const char *act = json_string_value(json_object_get(v, "action"));
		for (size_t k = 0; k < sizeof event_labels / sizeof event_labels[0]; k++)
			if (strcmp(act, event_labels[k][0]) == 0)
				json_object_set_new(v, "libelle", json_string(event_labels[k][1]));
		if (!json_object_get(v, "libelle"))
			json_object_set_new(v, "libelle", json_string(act));
	}
	json_t *letters = actes_db_courriers(d, r->tenant_id, id, 0, &e);
	json_array_foreach(json_object_get(a, "messages"), i, v) {
		char t[32];
		size_t k;
		json_t *l;
		json_array_foreach(letters, k, l) if (json_integer_value(json_object_get(l, "id")) == json_integer_value(json_object_get(v, "id")))
			json_object_set(v, "delai", json_object_get(l, "delai"));
		json_object_set_new(v, "pieces", json_boolean(strcmp(json_string_value(json_object_get(v, "code")), "3-1") == 0));
		json_object_set_new(v, "quand", json_string(fmt_time(json_integer_value(json_object_get(v, "recu_le")), t)));
		const char *code = json_string_value(json_object_get(v, "code"));
		int open = strcmp(json_string_value(json_object_get(v, "reponse")), "a_repondre") == 0;
		json_object_set_new(v, "a_repondre", json_boolean(open && (r->roles & WRITERS)));
		json_object_set_new(v, "refus_possible", json_boolean(strcmp(code, "2-1") != 0));
	}
	json_array_foreach(json_object_get(a, "documents"), i, v) {
		const char *role = json_string_value(json_object_get(v, "role"));
		const char *from = json_string_value(json_object_get(v, "origine"));
		json_object_set_new(v, "libelle", json_string(strcmp(role, "acte") == 0 ? (strcmp(from, "tampon") == 0 ? "Acte tamponné (accusé de réception)"
											  : strcmp(from, "parapheur") == 0 ? "Acte signé (parapheur)" : "Acte")
							      : strcmp(role, "annexe") == 0 ? "Annexe" : strcmp(role, "ar") == 0 ? "Accusé de réception (XML)"
							      : strcmp(role, "reponse") == 0 ? "Réponse à un courrier" : role));
	}
	json_decref(letters);
	const char *etat = json_string_value(json_object_get(a, "etat"));
	int w = (r->roles & WRITERS) != 0;
	int circuit = actes_in_circuit(d, r->tenant_id, id), draft = strcmp(etat, ACTE_BROUILLON) == 0;
	json_object_set_new(a, "peut_transmettre", json_boolean(w && draft && circuit != 1));
	json_object_set_new(a, "en_circuit", json_boolean(circuit == 1));
	/* « Envoyer en signature » when the collectivité has the parapheur and a sub-type of protocol ACTES */
	if (w && draft && !circuit && (r->tiers & RF_TIER_PARAPHEUR)) {
		json_t *subs = pa_subtypes_of(d, r->tenant_id, "actes", &e);
		json_object_set_new(a, "peut_signer", json_boolean(json_array_size(subs) > 0));
		json_object_set_new(a, "sous_types", subs);
	}
	json_object_set_new(a, "voir_dossier", json_boolean(json_integer_value(json_object_get(a, "dossier")) > 0 &&
							   (r->tiers & RF_TIER_PARAPHEUR)));
	json_object_set_new(a, "peut_annuler", json_boolean(w && strcmp(etat, ACTE_ACQUITTE) == 0));
	json_t *pub = pub_of_acte(d, r->tenant_id, id, &e);
	if (!pub) {
		json_decref(a);
		return res_fail_err(r, &e);
	}
	json_object_set_new(a, "peut_publier", json_boolean(w && json_is_null(pub) && strcmp(etat, ACTE_ANNULE) != 0));
	json_object_set_new(a, "publication", pub);
	char title[128];
	snprintf(title, sizeof title, "Acte %s", json_string_value(json_object_get(a, "numero")));
	return page_render(r, 200, "actes_acte", title, json_pack("{s:o}", "a", a));
}
OPALE_ROUTE(actes_page, "GET", "/actes/:id", page, READERS, SCOPE_TENANT, TT);

static int do_action(struct req *r, int (*fn)(db *, int64_t, int64_t, int64_t, struct err *), const char *what, const char *ok)
{
	int64_t id = req_param_id(r, "id");
	struct err e = { 0 };
	db *d = id > 0 ? db_thread(&e) : NULL;
	if (!d)
		return -1;
	json_t *a = actes_db_get(d, r->tenant_id, id, &e);
	if (!a)
		return res_fail(r, 404, "actes.inconnu", "Acte introuvable.");
	json_decref(a);
	if (fn(d, r->tenant_id, r->user_id, id, &e) < 0) {
		res_flash(r, "erreur", e.msg);
	} else {
		audit_req(r, what, arena_printf(r->a, "%lld", (long long)id), "");
		res_flash(r, "ok", ok);
	}
	return res_redirect(r, arena_printf(r->a, "/actes/%lld", (long long)id));
}

static int transmit(struct req *r)
{
	return do_action(r, actes_transmit, "actes.transmission", "Transmission en cours : l'état se met à jour tout seul.");
}
OPALE_ROUTE(actes_transmit_page, "POST", "/actes/:id/transmettre", transmit, WRITERS, SCOPE_TENANT, TT);

static int cancel(struct req *r)
{
	return do_action(r, actes_cancel, "actes.annulation", "Annulation demandée à la préfecture.");
}
OPALE_ROUTE(actes_cancel_page, "POST", "/actes/:id/annuler", cancel, WRITERS, SCOPE_TENANT, TT);

static int answer(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	struct err e = { 0 };
	db *d = id > 0 ? db_thread(&e) : NULL;
	if (!d)
		return -1;
	int64_t acte = tdb_int(d, r->tenant_id, 0, "SELECT acte_id FROM actes_messages WHERE tenant_id = $1 AND id = $2", "i", id);
	if (!acte)
		return res_fail(r, 404, "actes.message_inconnu", "Courrier introuvable.");
	if (actes_answer_request(r, d, id, &e) < 0)
		res_flash(r, "erreur", e.msg);
	else
		res_flash(r, "ok", "Réponse envoyée à la préfecture.");
	return res_redirect(r, arena_printf(r->a, "/actes/%lld", (long long)acte));
}
OPALE_ROUTE(actes_answer_page, "POST", "/actes/messages/:id/reponse", answer, WRITERS, SCOPE_TENANT, TT | RF_UPLOAD);
