/* routes_api: the acts' JSON API under /api/v1/actes — list with filters, creation (multipart with
 * the act's PDF and annexes, every rule checked before anything is kept), reading, documents,
 * transmission, cancellation, answers to prefecture letters, classification. */
#include "actes/courriers.h"
#include "actes/registre.h"
#include "db/tenant.h"
#include "http/anscache.h"
#include "http/http.h"
#include "identity/identity.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define TT (RF_TIER_TELETRANSMISSION)
#define WRITERS (ROLE_AGENT | ROLE_ADMIN)
#define READERS (ROLE_AGENT | ROLE_ADMIN | ROLE_AUDITOR)

/* The list is kept in the answer cache (src/http/anscache.h) at the collectivité's "actes" data
 * version, raised by the database on every write to the table actes (0022_data_versions.sql): a
 * request costs one indexed SELECT and a copy while nothing changed (bench P2). The key holds the
 * parameters as the query uses them; the user and roles are not in it: every role allowed here
 * (READERS) gets the same list. */
static int list(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	const char *an = req_query(r, "annee"), *na = req_query(r, "nature"), *li = req_query(r, "limite");
	const char *etat = req_query(r, "etat"), *q = req_query(r, "q");
	int limit = li ? atoi(li) : 500;  /* the most recent first; 1 to 500 */
	if (limit < 1 || limit > 500)
		return res_fail(r, 400, "actes.limite", "« limite » doit être un nombre entre 1 et 500.");
	int annee = an ? atoi(an) : 0, nature = na ? atoi(na) : 0;
	int64_t version;
	if (tdb_data_version(d, r->tenant_id, "actes", &version, &e) < 0)
		return res_fail_err(r, &e);
	buf key = BUF_INIT;
	anscache_key(&key, "actes.list");
	anscache_key(&key, etat);
	anscache_key_int(&key, annee);
	anscache_key_int(&key, nature);
	anscache_key(&key, q);
	anscache_key_int(&key, limit);
	int rc = 0;
	if (!anscache_serve(r, r->tenant_id, &key, version)) {
		buf *out = res_json_begin(r, 200);  /* {"actes":[…]} streamed from the rows, see actes_db_list_write */
		buf_puts(out, "{\"actes\":");
		if (actes_db_list_write(d, r->tenant_id, etat, annee, nature, q, limit, out, &e) < 0) {
			rc = res_fail_err(r, &e);
		} else {
			buf_putc(out, '}');
			anscache_keep(r, r->tenant_id, &key, version);
		}
	}
	buf_free(&key);
	return rc;
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
	json_t *j = req_form_json(r, "acte");
	if (!j)
		return -1;
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

/* The form field a violation is about: the file markers of actes_db_validate, else the rule's code. */
static const char *field_of(const struct actes_issue *v)
{
	static const char *const by_code[][2] = {
		{ "actes.numero", "numero" },	    { "actes.numero_existe", "numero" },	{ "actes.objet", "objet" },
		{ "actes.date", "date_decision" }, { "actes.matiere", "matiere" },		{ "actes.classification_date", "matiere" },
		{ "actes.nature", "nature" },	    { "actes.document_papier", "document_papier" },
	};
	int is_doc = strcmp(v->file, "@document") == 0, is_annex = strncmp(v->file, "@annexe", 7) == 0;
	if (is_doc || is_annex) {
		if (strcmp(v->code, "actes.type_piece") == 0)
			return is_doc ? "type_piece" : "types_annexes";
		return is_doc ? "document" : "annexes";
	}
	for (size_t i = 0; i < sizeof by_code / sizeof by_code[0]; i++)
		if (strcmp(v->code, by_code[i][0]) == 0)
			return by_code[i][1];
	return "";
}

/* One file of the form: {"taille": N, "debut": "hex of its first bytes"}. */
static int file_decl(struct req *r, json_t *j, struct actes_file_decl *f, const char *type)
{
	const char *hex = json_string_value(json_object_get(j, "debut"));
	size_t n = hex ? strlen(hex) / 2 : 0;
	if (n > 64)
		n = 64;
	unsigned char *b = arena_alloc(r->a, n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		b[i] = (unsigned char)v;
	}
	json_int_t size = json_integer_value(json_object_get(j, "taille"));
	*f = (struct actes_file_decl){ size > 0 ? (uint64_t)size : 0, b, n, type };
	return 0;
}

/* The act form checked live (web/static/actes_nouveau.js): JSON {numero, nature, objet, date_decision,
 * matiere, type_piece, types_annexes (list or "A, B"), document_papier, document: {taille, debut},
 * annexes: [{taille, debut}]} → {valide, violations: [{champ, code, message}]}. Nothing is kept. */
static int validate(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	json_t *j = req_json(r);
	if (!j)
		return res_fail(r, 400, "json.malformed", "Corps JSON attendu.");
	json_t *types = json_object_get(j, "types_annexes"), *an = json_object_get(j, "annexes");
	const char *tlist[64];
	size_t nt = 0;
	if (json_is_string(types)) {
		char *tv = arena_strdup(r->a, json_string_value(types)), *save = NULL;
		for (char *tok = strtok_r(tv, " ,;", &save); tok && nt < 64; tok = strtok_r(NULL, " ,;", &save))
			tlist[nt++] = tok;
	} else {
		for (size_t i = 0; i < json_array_size(types) && nt < 64; i++)
			tlist[nt++] = json_string_value(json_array_get(types, i)) ? json_string_value(json_array_get(types, i)) : "";
	}
	size_t na = json_array_size(an) < 64 ? json_array_size(an) : 64;
	struct actes_file_decl doc, *ann = arena_alloc(r->a, (na + 1) * sizeof *ann);
	json_t *dj = json_object_get(j, "document");
	int bad = json_is_object(dj) && file_decl(r, dj, &doc, NULL) < 0;
	for (size_t i = 0; i < na && !bad; i++)
		bad = file_decl(r, json_array_get(an, i), &ann[i], i < nt ? tlist[i] : "") < 0;
	if (bad)
		return res_fail(r, 400, "actes.debut", "« debut » : les premiers octets du fichier en hexadécimal.");
	json_t *nat = json_object_get(j, "nature");
	struct actes_new n = {
		.numero = json_string_value(json_object_get(j, "numero")),
		.objet = json_string_value(json_object_get(j, "objet")) ? json_string_value(json_object_get(j, "objet")) : "",
		.date_decision = json_string_value(json_object_get(j, "date_decision")) ? json_string_value(json_object_get(j, "date_decision")) : "",
		.matiere = json_string_value(json_object_get(j, "matiere")) ? json_string_value(json_object_get(j, "matiere")) : "",
		.type_piece = json_string_value(json_object_get(j, "type_piece")) ? json_string_value(json_object_get(j, "type_piece")) : "",
		.nature = json_is_string(nat) ? atoi(json_string_value(nat)) : (int)json_integer_value(nat),
		.document_papier = json_is_true(json_object_get(j, "document_papier")),
	};
	struct actes_report rep = { 0 };
	struct err e = { 0 };
	if (actes_db_validate(d, r->tenant_id, &n, json_is_object(dj) ? &doc : NULL, ann, na, &rep, &e) < 0) {
		actes_report_free(&rep);
		return res_fail_err(r, &e);
	}
	json_t *v = json_array();
	for (size_t i = 0; i < rep.n; i++)
		json_array_append_new(v, json_pack("{s:s,s:s,s:s}", "champ", field_of(&rep.items[i]), "code", rep.items[i].code, "message",
						   rep.items[i].msg));
	int ok = rep.n == 0;
	actes_report_free(&rep);
	return res_json(r, 200, json_pack("{s:b,s:o}", "valide", ok, "violations", v));
}
OPALE_ROUTE(actes_validate_r, "POST", "/api/v1/actes/valider", validate, WRITERS, SCOPE_TENANT, TT);

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
	return store_send_doc(r, "SELECT sha256, mime, name FROM actes_docs WHERE tenant_id = $1 AND acte_id = $2 AND id = $3");
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

/* Multipart: "envoi" = reponse | refus, files "document" (one; several for a 3-4), "types" (optional). */
static int answer(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e = { 0 };
	if (!tdb_exists(d, r->tenant_id, "SELECT id FROM actes_messages WHERE tenant_id = $1 AND id = $2", "i", id))
		return res_fail(r, 404, "actes.message_inconnu", "Courrier introuvable.");
	if (actes_answer_request(r, d, id, &e) < 0)
		return res_fail_err(r, &e);
	return res_json(r, 202, json_pack("{s:b}", "ok", 1));
}
OPALE_ROUTE(actes_answer_r, "POST", "/api/v1/actes/messages/:id/reponse", answer, WRITERS, SCOPE_TENANT, TT | RF_UPLOAD);

/* The letters (newest first) with their deadlines; ?a_repondre=1: only those waiting for an answer. */
static int inbox(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	const char *open = req_query(r, "a_repondre");
	json_t *a = actes_db_courriers(d, r->tenant_id, 0, open && strcmp(open, "1") == 0, &e);
	if (!a)
		return res_fail_err(r, &e);
	int n = actes_courriers_alertes(a);
	return res_json(r, 200, json_pack("{s:o,s:i}", "courriers", a, "alertes", n));
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
