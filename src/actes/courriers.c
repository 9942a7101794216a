/* courriers: the prefecture's letters of a collectivité with their deadlines (delais.h) — the inbox
 * (API and page), the alerts of the acts page — and the replies' uploads, shared by the API and the
 * act's page: every file checked (PDF, or for a 3-4 also JPEG, PNG, XML) and stored, then
 * actes_answer. */
#include "actes/courriers.h"
#include "actes/delais.h"
#include "actes/registre.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "store/store.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct date parse_or_none(const char *s)
{
	struct date d = ACTES_DATE_NONE;
	if (!s || date_parse(s, &d, NULL) < 0)
		return ACTES_DATE_NONE;
	return d;
}

static json_t *jdate(struct date d)
{
	char s[11];
	return d.y ? json_string(date_format(d, s)) : json_null();
}

static json_t *jdate_fr(struct date d)
{
	char s[40];
	return d.y ? json_string(date_format_fr(d, s)) : json_null();
}

/* The "delai" object of one letter. */
static json_t *delai_json(const struct actes_delai *o)
{
	json_t *j = json_pack("{s:o,s:b,s:o,s:o,s:b,s:b,s:o,s:o,s:o,s:s,s:s,s:b}", "fin_controle", jdate(o->fin_controle), "dans_delai",
			      o->dans_delai, "reponse_avant", jdate(o->reponse_avant), "reponse_avant_fr", jdate_fr(o->reponse_avant), "alerte",
			      o->alerte, "suspendu", o->suspendu, "reprise", jdate(o->reprise), "deferer_avant", jdate(o->deferer_avant),
			      "deferer_avant_fr", jdate_fr(o->deferer_avant), "explication", o->texte, "sources", o->sources ? o->sources : "",
			      "a_confirmer", o->a_confirmer);
	json_object_set_new(j, "jours_restants", o->reponse_avant.y ? json_integer(o->jours_restants) : json_null());
	return j;
}

json_t *actes_db_courriers(db *d, int64_t tenant, int64_t acte, int open_only, struct err *e)
{
	char today_s[11];
	actes_today(today_s);
	struct date today = parse_or_none(today_s);
	int rc;
	/* the reply (its transmission, not refused by the TdT) and the prefecture's AR of it (3-5/4-5, by
	 * the reply's transaction number) */
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT m.id, m.acte_id, m.code, m.label, m.date, m.texte, m.answer_state, m.created_at,"
						  " a.numero, a.date_ar, a.objet, t.payload, r.date"
						  " FROM actes_messages m LEFT JOIN actes a ON a.tenant_id = m.tenant_id AND a.id = m.acte_id"
						  " LEFT JOIN actes_transmissions t ON t.tenant_id = m.tenant_id AND t.kind = 'reponse'"
						  " AND t.message_id = m.id AND t.state <> 'erreur'"
						  " LEFT JOIN actes_messages r ON r.tenant_id = m.tenant_id AND r.code IN ('3-5', '4-5')"
						  " AND r.tdt_id = t.tdt_id AND t.tdt_id <> ''"
						  " WHERE m.tenant_id = $1 AND m.code NOT IN ('1-2', '6-2', '3-5', '4-5', '7-2')"
						  " AND ($2 = 0 OR m.acte_id = $2) AND ($3 = 0 OR m.answer_state = 'a_repondre')"
						  " ORDER BY m.id DESC LIMIT 200", "ii", acte, (int64_t)(open_only != 0));
	if (!s)
		return NULL;
	json_t *out = json_array();
	while (rc == DB_ROW) {
		const char *code = db_col_text(s, 2), *answer = db_col_text(s, 6);
		json_t *v = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s}", "id", (json_int_t)db_col_int64(s, 0), "acte",
				      (json_int_t)db_col_int64(s, 1), "code", code, "libelle", db_col_text(s, 3), "date", db_col_text(s, 4),
				      "texte", db_col_text(s, 5), "reponse", answer, "recu_le", (json_int_t)db_col_int64(s, 7), "numero",
				      db_col_text(s, 8), "date_ar", db_col_text(s, 9), "objet", db_col_text(s, 10));
		json_object_set_new(v, "reponse_libelle", json_string(!strcmp(answer, "a_repondre") ? "à faire" : !strcmp(answer, "envoi") ? "en cours d'envoi"
								       : !strcmp(answer, "repondu") ? "envoyée" : "sans objet"));
		json_t *p = json_loads(db_col_text(s, 11), 0, NULL);
		const char *envoi = json_string_value(json_object_get(p, "envoi"));
		struct actes_delai_in in = { .code = code, .ar = parse_or_none(db_col_text(s, 9)), .courrier = parse_or_none(db_col_text(s, 4)),
					     .repondu = *answer && strcmp(answer, "a_repondre") != 0, .refus = envoi && strcmp(envoi, "refus") == 0,
					     .reponse_recue = parse_or_none(db_col_text(s, 12)), .today = today };
		struct actes_delai o;
		if (actes_delai_compute(&in, &o) == 0)
			json_object_set_new(v, "delai", delai_json(&o));
		json_decref(p);
		json_array_append_new(out, v);
		rc = db_step(s, e);
	}
	db_finalize(s);
	if (rc < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

int actes_courriers_alertes(json_t *letters)
{
	size_t i;
	json_t *v;
	int n = 0;
	json_array_foreach(letters, i, v) n += json_is_true(json_object_get(json_object_get(v, "delai"), "alerte"));
	return n;
}

/* What a reply file is, sniffed from its bytes (never from its name). */
static const char *sniff_mime(const char *path, struct err *e)
{
	unsigned char head[4096];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(head, 1, sizeof head, f) : 0;
	if (f)
		fclose(f);
	switch (actes_file_sniff(head, n)) {
	case ACTES_FILE_PDF:
		return store_check_pdf(path, e) == 0 ? "application/pdf" : NULL;
	case ACTES_FILE_JPEG:
		return "image/jpeg";
	case ACTES_FILE_PNG:
		return "image/png";
	case ACTES_FILE_XML:
		return "text/xml";
	default:
		err_set(e, 400, "actes.type_fichier", "type de fichier non reconnu : PDF, JPEG, PNG ou XML attendu.");
		return NULL;
	}
}

int actes_answer_request(struct req *r, db *d, int64_t message, struct err *e)
{
	struct actes_reponse_doc docs[ACTES_REPONSE_DOCS_MAX];
	size_t n = 0;
	/* "types": one typology code per document, in order (space, comma or semicolon separated) */
	const char *types = req_form(r, "types");
	char *tv = arena_strdup(r->a, types ? types : ""), *save = NULL;
	char *tok = strtok_r(tv, " ,;", &save);
	for (int i = 0; i < r->nuploads; i++) {
		const struct upload *u = &r->uploads[i];
		if (strcmp(u->field, "document") != 0 || u->size == 0)
			continue;
		if (n == ACTES_REPONSE_DOCS_MAX)
			return err_set(e, 400, "actes.documents", "Au plus %d documents par réponse.", ACTES_REPONSE_DOCS_MAX);
		struct err x = { 0 };
		const char *mime = sniff_mime(u->path, &x);
		if (!mime)
			return err_set(e, 400, x.code, "« %s » : %s", u->filename, x.msg);
		docs[n++] = (struct actes_reponse_doc){ u->sha256, u->filename, mime, tok ? tok : "99_AU", u->size };
		tok = strtok_r(NULL, " ,;", &save);
	}
	if (n == 0)
		return err_set(e, 400, "actes.document", "Joignez le document de la réponse (champ « document », PDF).");
	if (db_begin_write(d, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < r->nuploads; k++)
			if (strcmp(r->uploads[k].sha256, docs[i].sha256) == 0 && strcmp(r->uploads[k].field, "document") == 0) {
				if ((!store_exists(docs[i].sha256) && store_put_file(r->uploads[k].path, docs[i].sha256, NULL, e) < 0) ||
				    store_record(d, docs[i].sha256, docs[i].size, docs[i].mime, e) < 0) {
					db_rollback(d);
					return -1;
				}
				break;
			}
	if (actes_answer(d, r->tenant_id, r->user_id, message, req_form(r, "envoi"), docs, n, e) < 0 || db_commit(d, e) < 0) {
		db_rollback(d);
		return -1;
	}
	audit_req(r, "actes.reponse", arena_printf(r->a, "%lld", (long long)message), req_form(r, "envoi"));
	return 0;
}

/* The inbox: every letter with what it means and until when. */
static int inbox_page(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e;
	json_t *l = actes_db_courriers(d, r->tenant_id, 0, 0, &e);
	if (!l)
		return res_fail_err(r, &e);
	int n = actes_courriers_alertes(l);
	return page_render(r, 200, "actes_courriers", "Courriers de la préfecture",
			   json_pack("{s:o,s:b,s:i,s:b}", "courriers", l, "has_courriers", json_array_size(l) > 0, "alertes", n, "has_alertes", n > 0));
}
OPALE_ROUTE(actes_inbox_page, "GET", "/actes/courriers", inbox_page, ROLE_AGENT | ROLE_ADMIN | ROLE_AUDITOR, SCOPE_TENANT,
	    RF_TIER_TELETRANSMISSION);
