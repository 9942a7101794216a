/* routes_api: the acts' JSON API under /api/v1/actes — list with filters, creation (multipart with
 * the act's PDF and annexes, every rule checked before anything is kept), reading, documents,
 * transmission, cancellation, answers to prefecture letters, classification. */
#include "actes/registre.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define TT (RF_TIER_TELETRANSMISSION)
#define WRITERS (ROLE_AGENT | ROLE_ADMIN)
#define READERS (ROLE_AGENT | ROLE_ADMIN | ROLE_AUDITOR)

static int list(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	const char *an = req_query(r, "annee"), *na = req_query(r, "nature"), *li = req_query(r, "limite");
	int limit = li ? atoi(li) : 500;  /* the most recent first; 1 to 500 */
	if (limit < 1 || limit > 500)
		return res_fail(r, 400, "actes.limite", "« limite » doit être un nombre entre 1 et 500.");
	buf *out = res_json_begin(r, 200);  /* {"actes":[…]} streamed from the rows, see actes_db_list_write */
	buf_puts(out, "{\"actes\":");
	if (actes_db_list_write(d, r->tenant_id, req_query(r, "etat"), an ? atoi(an) : 0, na ? atoi(na) : 0, req_query(r, "q"), limit,
				out, &e) < 0)
		return res_fail_err(r, &e);
	buf_putc(out, '}');
	return 0;
}
OPALE_ROUTE(actes_list_r, "GET", "/api/v1/actes", list, READERS, SCOPE_TENANT, TT);

/* The answer to a refused creation: every violation, each with its stable code. */
static int violations(struct req *r, struct err *e, const struct actes_report *rep)
{
	json_t *v = json_array();
	for (size_t i = 0; i < rep->n; i++)
		json_array_append_new(v, json_pack("{s:s,s:s,s:s}", "code", rep->items[i].code, "fichier", rep->items[i].file, "message",
						   rep->items[i].msg));
	return res_json(r, e->status ? e->status : 400,
			json_pack("{s:{s:s,s:s,s:o}}", "error", "code", e->code, "message", e->msg, "violations", v));
}

/* Multipart: field "acte" = JSON {numero (optional: the allocator's next number), nature, objet, date_decision, matiere, type_piece,
 * types_annexes: [..], document_papier}, file "document" (the act) and files "annexe" in order. */
static int create(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	const char *meta = req_form(r, "acte");
	json_error_t je;
	json_t *j = meta ? json_loads(meta, JSON_REJECT_DUPLICATES, &je) : NULL;
	if (!j)
		return res_fail(r, 400, "json.malformed", "Champ « acte » : JSON attendu%s%s.", meta ? " — " : "", meta ? je.text : "");
	const struct upload *doc = req_upload(r, "document");
	if (!doc) {
		json_decref(j);
		return res_fail(r, 400, "actes.document", "Le document de l'acte (champ « document ») est obligatoire.");
	}
	struct actes_doc_in ann[64];
	size_t na = 0;
	json_t *types = json_object_get(j, "types_annexes");
	for (int i = 0; i < r->nuploads && na < 64; i++)
		if (strcmp(r->uploads[i].field, "annexe") == 0) {
			ann[na] = (struct actes_doc_in){ r->uploads[i].filename, r->uploads[i].path, r->uploads[i].sha256,
							 json_string_value(json_array_get(types, na)) };
			na++;
		}
	struct actes_new n = {
		.numero = json_string_value(json_object_get(j, "numero")),
		.objet = json_string_value(json_object_get(j, "objet")),
		.date_decision = json_string_value(json_object_get(j, "date_decision")),
		.matiere = json_string_value(json_object_get(j, "matiere")),
		.type_piece = json_string_value(json_object_get(j, "type_piece")),
		.nature = (int)json_integer_value(json_object_get(j, "nature")),
		.document_papier = json_is_true(json_object_get(j, "document_papier")),
		.acte = { doc->filename, doc->path, doc->sha256, NULL },
		.annexes = ann,
		.n_annexes = na,
	};
	if (!n.objet || !n.date_decision || !n.matiere || !n.type_piece) {
		json_decref(j);
		return res_fail(r, 400, "actes.champs",
				"Champs obligatoires : nature, objet, date_decision, matiere, type_piece (numero absent : "
				"numéro suivant de la série de la nature).");
	}
	struct actes_report rep = { 0 };
	struct err e = { 0 };
	int64_t id;
	int rc = actes_db_create(d, r->tenant_id, r->user_id, &n, &rep, &id, &e);
	json_decref(j);
	if (rc < 0) {
		rc = rep.n ? violations(r, &e, &rep) : res_fail_err(r, &e);
		actes_report_free(&rep);
		return rc;
	}
	audit_req(r, "actes.creation", arena_printf(r->a, "%lld", (long long)id), "");
	json_t *a = actes_db_get(d, r->tenant_id, id, &e);
	return a ? res_json(r, 201, a) : res_fail_err(r, &e);
}
OPALE_ROUTE(actes_create_r, "POST", "/api/v1/actes", create, WRITERS, SCOPE_TENANT, TT | RF_UPLOAD);

static int get(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	json_t *a = actes_db_get(d, r->tenant_id, id, &e);
	return a ? res_json(r, 200, a) : res_fail_err(r, &e);
}
OPALE_ROUTE(actes_get_r, "GET", "/api/v1/actes/:id", get, READERS, SCOPE_TENANT, TT);

static int action(struct req *r, int (*fn)(db *, int64_t, int64_t, int64_t, struct err *), const char *what)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	if (fn(d, r->tenant_id, r->user_id, id, &e) < 0)
		return res_fail_err(r, &e);
	audit_req(r, what, arena_printf(r->a, "%lld", (long long)id), "");
	json_t *a = actes_db_get(d, r->tenant_id, id, &e);
	return a ? res_json(r, 202, a) : res_fail_err(r, &e);
}

static int transmit(struct req *r)
{
	return action(r, actes_transmit, "actes.transmission");
}
OPALE_ROUTE(actes_transmit_r, "POST", "/api/v1/actes/:id/transmettre", transmit, WRITERS, SCOPE_TENANT, TT);

static int cancel(struct req *r)
{
	return action(r, actes_cancel, "actes.annulation");
}
OPALE_ROUTE(actes_cancel_r, "POST", "/api/v1/actes/:id/annuler", cancel, WRITERS, SCOPE_TENANT, TT);

static int doc_get(struct req *r)
{
	int64_t id = req_param_id(r, "id"), doc = id > 0 ? req_param_id(r, "doc") : -1;
	db *d = doc > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT sha256, mime, name FROM actes_docs WHERE tenant_id = $1 AND acte_id = $2 AND id = $3",
			       "ii", id, doc);
	if (!s || rc != DB_ROW) {
		if (s)
			db_finalize(s);
		return res_fail(r, 404, "document.inconnu", "Document introuvable.");
	}
	char path[1200];
	store_path(db_col_text(s, 0), path, sizeof path);
	const char *mime = arena_strdup(r->a, db_col_text(s, 1)), *name = arena_strdup(r->a, db_col_text(s, 2));
	db_finalize(s);
	return res_file(r, path, mime, name);
}
OPALE_ROUTE(actes_doc_r, "GET", "/api/v1/actes/:id/documents/:doc", doc_get, READERS, SCOPE_TENANT, TT);

/* A prefecture letter's PDF or XML. */
static int message_file(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	const char *what = req_query(r, "format");
	int xml = what && strcmp(what, "xml") == 0;
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT xml_sha256, pdf_sha256, code FROM actes_messages WHERE tenant_id = $1 AND id = $2",
			       "i", id);
	const char *sha = s && rc == DB_ROW ? db_col_text(s, xml ? 0 : 1) : NULL;
	if (!sha || !*sha) {
		if (s)
			db_finalize(s);
		return res_fail(r, 404, "document.inconnu", "Document introuvable.");
	}
	char path[1200];
	store_path(sha, path, sizeof path);
	const char *name = arena_printf(r->a, "courrier-%s.%s", db_col_text(s, 2), xml ? "xml" : "pdf");
	db_finalize(s);
	return res_file(r, path, xml ? "text/xml" : "application/pdf", name);
}
OPALE_ROUTE(actes_msg_file_r, "GET", "/api/v1/actes/messages/:id/fichier", message_file, READERS, SCOPE_TENANT, TT);

/* Multipart: "envoi" = reponse | refus, file "document" (PDF). */
static int answer(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e = { 0 };
	int rc;
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT id FROM actes_messages WHERE tenant_id = $1 AND id = $2", "i", id);
	int found = s && rc == DB_ROW;
	if (s)
		db_finalize(s);
	if (!found)
		return res_fail(r, 404, "actes.message_inconnu", "Courrier introuvable.");
	const struct upload *u = req_upload(r, "document");
	if (!u)
		return res_fail(r, 400, "actes.document", "Le document de la réponse (champ « document », PDF) est obligatoire.");
	if (store_check_pdf(u->path, &e) < 0)
		return res_fail(r, 400, e.code, "« %s » : %s", u->filename, e.msg);
	if (db_begin_write(d, &e) < 0 || store_put_file(u->path, u->sha256, NULL, &e) < 0 ||
	    store_record(d, u->sha256, u->size, "application/pdf", &e) < 0 ||
	    actes_answer(d, r->tenant_id, r->user_id, id, req_form(r, "envoi"), u->sha256, u->filename, &e) < 0 || db_commit(d, &e) < 0) {
		db_rollback(d);
		return res_fail_err(r, &e);
	}
	audit_req(r, "actes.reponse", arena_printf(r->a, "%lld", (long long)id), req_form(r, "envoi"));
	return res_json(r, 202, json_pack("{s:b}", "ok", 1));
}
OPALE_ROUTE(actes_answer_r, "POST", "/api/v1/actes/messages/:id/reponse", answer, WRITERS, SCOPE_TENANT, TT | RF_UPLOAD);

/* Letters waiting for an answer, across acts (the inbox). */
static int inbox(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc, "SELECT m.id, m.acte_id, m.code, m.label, m.date, m.texte, m.answer_state, a.numero"
							 " FROM actes_messages m LEFT JOIN actes a ON a.id = m.acte_id WHERE m.tenant_id = $1"
							 " AND m.code NOT IN ('1-2', '6-2', '3-5', '4-5', '7-2') ORDER BY m.id DESC LIMIT 200", "");
	while (s && rc == DB_ROW) {
		json_array_append_new(a, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s?}", "id", (json_int_t)db_col_int64(s, 0), "acte",
						   (json_int_t)db_col_int64(s, 1), "code", db_col_text(s, 2), "libelle", db_col_text(s, 3),
						   "date", db_col_text(s, 4), "texte", db_col_text(s, 5), "reponse", db_col_text(s, 6),
						   "numero", db_col_text(s, 7)));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	return res_json(r, 200, json_pack("{s:o}", "courriers", a));
}
OPALE_ROUTE(actes_inbox_r, "GET", "/api/v1/actes/courriers", inbox, READERS, SCOPE_TENANT, TT);

static int classif_request(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	if (actes_classification_request(d, r->tenant_id, &e) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 202, json_pack("{s:b}", "ok", 1));
}
OPALE_ROUTE(actes_classif_req_r, "POST", "/api/v1/actes/classification/demande", classif_request, ROLE_ADMIN, SCOPE_TENANT, TT);

static void matieres(json_t *out, const struct actes_matiere *m, size_t n, const char *prefix, const char *label)
{
	for (size_t i = 0; i < n; i++) {
		char code[64], lab[1024];
		snprintf(code, sizeof code, "%s%s%d", prefix, *prefix ? "." : "", m[i].code);
		snprintf(lab, sizeof lab, "%s%s%s", label, *label ? " / " : "", m[i].libelle ? m[i].libelle : "");
		if (strchr(code, '.'))
			json_array_append_new(out, json_pack("{s:s,s:s}", "code", code, "libelle", lab));
		matieres(out, m[i].sub, m[i].n_sub, code, lab);
	}
}

json_t *actes_matieres_current(db *d, int64_t tenant, char date[11], struct err *e)
{
	struct actes_classification c = { 0 };
	int have = actes_db_classification_current(d, tenant, &c, e);
	if (have < 0)
		return NULL;
	json_t *m = json_array();
	date[0] = 0;
	if (have) {
		matieres(m, c.matieres, c.n_matieres, "", "");
		snprintf(date, 11, "%s", c.date);
		actes_classification_free(&c);
	}
	return m;
}

/* The current classification as a flat list of matières (two levels and more) for pickers. */
static int classif_get(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	char date[11];
	json_t *m = actes_matieres_current(d, r->tenant_id, date, &e);
	if (!m)
		return res_fail_err(r, &e);
	return res_json(r, 200, date[0] ? json_pack("{s:s,s:o}", "date", date, "matieres", m) : json_pack("{s:n,s:o}", "date", "matieres", m));
}
OPALE_ROUTE(actes_classif_r, "GET", "/api/v1/actes/classification", classif_get, READERS, SCOPE_TENANT, TT);

/* Operator view: per collectivité, acts sent, acknowledged, in error (feeds the CDG's report). */
static int operator_counts(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	int rc;
	json_t *a = json_array();
	db_stmt *s = db_query(d, &e, &rc, "SELECT c.id, c.name, c.siren,"
					  " (SELECT COUNT(*) FROM actes x WHERE x.tenant_id = c.id AND x.state <> 'brouillon'),"
					  " (SELECT COUNT(*) FROM actes x WHERE x.tenant_id = c.id AND x.state IN ('acquitte', 'annule')),"
					  " (SELECT COUNT(*) FROM actes x WHERE x.tenant_id = c.id AND x.state = 'erreur'),"
					  " (SELECT COUNT(*) FROM actes_messages m WHERE m.tenant_id = c.id AND m.answer_state = 'a_repondre')"
					  " FROM collectivites c ORDER BY c.name", "");
	while (s && rc == DB_ROW) {
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:I}", "id", (json_int_t)db_col_int64(s, 0), "nom", db_col_text(s, 1),
						   "siren", db_col_text(s, 2), "transmis", (json_int_t)db_col_int64(s, 3), "acquittes",
						   (json_int_t)db_col_int64(s, 4), "en_erreur", (json_int_t)db_col_int64(s, 5), "courriers_a_repondre",
						   (json_int_t)db_col_int64(s, 6)));
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
	return s ? res_json(r, 200, json_pack("{s:o}", "collectivites", a)) : (json_decref(a), res_fail_err(r, &e));
}
OPALE_ROUTE(actes_operator_r, "GET", "/api/v1/operateur/actes", operator_counts, ROLE_OPERATOR, SCOPE_OPERATOR, 0);
