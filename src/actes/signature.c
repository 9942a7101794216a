/* signature: an act through a parapheur circuit of protocol ACTES (« Envoyer en signature ») and
 * back — the signed copy the circuit returns becomes the act's document version that is transmitted
 * (origine "parapheur"); a rejection frees the act for another circuit. The folder page offers the
 * one-click « Transmettre à la préfecture » once the circuit has ended. */
#include "actes/registre.h"
#include "core/config.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "parapheur/parapheur.h"
#include "store/store.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TT (RF_TIER_TELETRANSMISSION)
#define WRITERS (ROLE_AGENT | ROLE_ADMIN)

/* The act's state and folder; 404 actes.inconnu. */
static int act_row(db *d, int64_t tenant, int64_t acte, char state[32], char numero[64], char objet[520], int *nature, int64_t *folder,
		   struct err *e)
{
	db_stmt *s = tdb_row(d, tenant, e, "actes.inconnu", "Acte introuvable.",
			     "SELECT state, numero, objet, nature, folder_id FROM actes WHERE tenant_id = $1 AND id = $2", acte);
	if (!s)
		return -1;
	snprintf(state, 32, "%s", db_col_text(s, 0));
	snprintf(numero, 64, "%s", db_col_text(s, 1));
	snprintf(objet, 520, "%s", db_col_text(s, 2));
	*nature = (int)db_col_int64(s, 3);
	*folder = db_col_int64(s, 4);
	db_finalize(s);
	return 0;
}

/* Status of a parapheur folder ("" when it does not exist). */
static void folder_status(db *d, int64_t tenant, int64_t folder, char status[32])
{
	struct err e;
	int rc;
	status[0] = 0;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT status FROM folders WHERE tenant_id = $1 AND id = $2", "i", folder);
	if (s && rc == DB_ROW)
		snprintf(status, 32, "%s", db_col_text(s, 0));
	if (s)
		db_finalize(s);
}

int actes_in_circuit(db *d, int64_t tenant, int64_t acte)
{
	char state[32], numero[64], objet[520], st[32];
	int nature;
	int64_t folder;
	struct err e;
	if (act_row(d, tenant, acte, state, numero, objet, &nature, &folder, &e) < 0 || !folder)
		return 0;
	folder_status(d, tenant, folder, st);
	return strcmp(st, "en_cours") == 0 || strcmp(st, "brouillon") == 0 ? 1 : strcmp(st, "termine") == 0 ? 2 : 0;
}

int actes_send_to_signature(db *d, int64_t tenant, int64_t user, int64_t acte, int64_t subtype, int64_t desk, int64_t *folder,
			    struct err *e)
{
	char state[32], numero[64], objet[520], st[32];
	int nature;
	int64_t cur;
	if (act_row(d, tenant, acte, state, numero, objet, &nature, &cur, e) < 0)
		return -1;
	if (strcmp(state, ACTE_BROUILLON) != 0)
		return err_set(e, 409, "actes.etat", "Seul un acte en brouillon part en signature (celui-ci est « %s »).",
			       actes_state_label(state));
	if (cur) {
		folder_status(d, tenant, cur, st);
		if (strcmp(st, "termine") == 0)
			return err_set(e, 409, "actes.en_signature", "L'acte a déjà fait son circuit (dossier n° %lld du parapheur).",
				       (long long)cur);
		if (strcmp(st, "rejete") != 0 && st[0])
			return err_set(e, 409, "actes.en_signature", "L'acte est déjà dans le parapheur (dossier n° %lld).", (long long)cur);
	}
	if (pa_pick_route(d, tenant, user, "actes", "actes", &subtype, &desk, e) < 0)
		return -1;
	/* The documents as they would be transmitted: the act's current version, then its annexes. */
	json_t *a = actes_db_get(d, tenant, acte, e);
	if (!a)
		return -1;
	char title[600], id[32];
	snprintf(title, sizeof title, "Acte %s — %.500s", numero, objet);
	snprintf(id, sizeof id, "%lld", (long long)acte);
	json_t *meta = json_pack("{s:s,s:s,s:i}", "acte", id, "numero", numero, "nature", nature);
	int own;
	int rc = db_tx_join(d, &own, e);
	if (rc == 0)
		rc = pa_folder_create(d, tenant, user, title, subtype, desk, meta, 0, folder, e);
	/* newest non-stamped version of each document: the array is ordered by role, rank, version */
	json_t *docs = json_object_get(a, "documents"), *v, *best_main = NULL;
	size_t i;
	json_array_foreach(docs, i, v) if (rc == 0 && strcmp(json_string_value(json_object_get(v, "role")), "acte") == 0 &&
					   strcmp(json_string_value(json_object_get(v, "origine")), "tampon") != 0) best_main = v;
	if (rc == 0 && !best_main)
		rc = err_set(e, 409, "actes.document", "L'acte n'a pas de document principal.");
	if (rc == 0)
		rc = pa_folder_add_doc(d, tenant, *folder, "principal", json_string_value(json_object_get(best_main, "nom")),
				       json_string_value(json_object_get(best_main, "sha256")), json_string_value(json_object_get(best_main, "mime")),
				       json_integer_value(json_object_get(best_main, "taille")), e);
	json_array_foreach(docs, i, v) {
		if (rc < 0 || strcmp(json_string_value(json_object_get(v, "role")), "annexe") != 0)
			continue;
		json_t *next = json_array_get(docs, i + 1);   /* only the newest version of each annex */
		if (next && strcmp(json_string_value(json_object_get(next, "role")), "annexe") == 0 &&
		    json_integer_value(json_object_get(next, "rang")) == json_integer_value(json_object_get(v, "rang")))
			continue;
		rc = pa_folder_add_doc(d, tenant, *folder, "annexe", json_string_value(json_object_get(v, "nom")),
				       json_string_value(json_object_get(v, "sha256")), json_string_value(json_object_get(v, "mime")),
				       json_integer_value(json_object_get(v, "taille")), e);
	}
	if (rc == 0)
		rc = pa_folder_start(d, tenant, user, *folder, NULL, 0, e);
	if (rc == 0)
		rc = tdb_run(d, tenant, e, "UPDATE actes SET folder_id = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2", "iii", acte, *folder,
			     identity_now());
	if (rc == 0) {
		char detail[80];
		snprintf(detail, sizeof detail, "Dossier n° %lld du parapheur", (long long)*folder);
		rc = actes_db_event(d, tenant, acte, user, "envoi_signature", detail, e);
	}
	rc = db_tx_end(d, own, rc < 0 ? -1 : 0, e);
	json_decref(meta);
	json_decref(a);
	/* The parapheur says 403 when the desk is not the user's: not a matter of role here. */
	if (rc < 0 && e->status == 403)
		e->status = 409;
	return rc < 0 ? -1 : 0;
}

/* The parapheur's end of circuit: the signed copy becomes the act's document to transmit; a
 * rejection frees the act (its reason in the history). Inside the action's transaction. */
static int folder_ended(db *d, int64_t tenant, int64_t folder, const char *status, int64_t user, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM actes WHERE tenant_id = $1 AND folder_id = $2 ORDER BY id DESC LIMIT 1", "i",
			       folder);
	if (!s)
		return -1;
	int64_t acte = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	if (!acte)
		return 0;   /* not an act */
	char detail[700];
	if (strcmp(status, "rejete") == 0) {
		s = tdb_query(d, tenant, e, &rc, "SELECT annotation FROM folder_events WHERE tenant_id = $1 AND folder_id = $2 AND action = 'rejet'"
						 " ORDER BY id DESC LIMIT 1", "i", folder);
		snprintf(detail, sizeof detail, "Dossier n° %lld rejeté dans le parapheur%s%.500s%s", (long long)folder,
			 s && rc == DB_ROW ? " : « " : "", s && rc == DB_ROW ? db_col_text(s, 0) : "", s && rc == DB_ROW ? " »" : "");
		if (s)
			db_finalize(s);
		return actes_db_event(d, tenant, acte, user, "rejet_signature", detail, e);
	}
	/* The signed document: the newest one the signature step added (role "signe"), else the main
	 * document replaced in place; none when the circuit had only visas. */
	s = tdb_query(d, tenant, e, &rc, "SELECT sha256, name, mime FROM folder_docs WHERE tenant_id = $1 AND folder_id = $2 AND role = 'signe'"
					 " ORDER BY id DESC LIMIT 1", "i", folder);
	if (!s)
		return -1;
	char sha[65] = "", name[256] = "", mime[128] = "";
	if (rc == DB_ROW) {
		snprintf(sha, sizeof sha, "%s", db_col_text(s, 0));
		snprintf(name, sizeof name, "%s", db_col_text(s, 1));
		snprintf(mime, sizeof mime, "%s", db_col_text(s, 2));
	}
	db_finalize(s);
	if (!sha[0]) {
		snprintf(detail, sizeof detail, "Circuit n° %lld terminé sans signature : le document déposé sera transmis tel quel.",
			 (long long)folder);
		return actes_db_event(d, tenant, acte, user, "circuit_sans_signature", detail, e);
	}
	char path[1200];
	store_path(sha, path, sizeof path);
	buf b = BUF_INIT;
	if (buf_read_file(&b, path, ACTES_ARCHIVE_MAX) < 0) {
		buf_free(&b);
		return err_set(e, 500, "actes.signe", "Document signé illisible dans le stockage.");
	}
	int ret = actes_db_add_doc_from(d, tenant, acte, "acte", 0, "", name, b.data, b.len, mime[0] ? mime : "application/pdf", "parapheur", e);
	buf_free(&b);
	if (ret < 0)
		return -1;
	snprintf(detail, sizeof detail, "Signé dans le parapheur (dossier n° %lld) : la version signée sera transmise", (long long)folder);
	return actes_db_event(d, tenant, acte, user, "signature", detail, e);
}
OPALE_PA_END(actes, folder_ended);

int actes_from_folder(db *d, int64_t tenant, int64_t user, int64_t folder, struct actes_new *n, int transmit,
		      struct actes_report *r, int64_t *acte, struct err *e)
{
	char st[32];
	folder_status(d, tenant, folder, st);
	if (!st[0])
		return err_set(e, 404, "dossier.inconnu", "Dossier du parapheur introuvable.");
	if (strcmp(st, "termine") != 0)
		return err_set(e, 409, "actes.circuit", "Le circuit du dossier n° %lld n'est pas terminé : l'acte se crée après la dernière "
							"signature.", (long long)folder);
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT numero FROM actes WHERE tenant_id = $1 AND folder_id = $2", "i", folder);
	if (!s)
		return -1;
	if (rc == DB_ROW) {
		err_set(e, 409, "actes.dossier_deja", "Ce dossier a déjà donné l'acte %s.", db_col_text(s, 0));
		db_finalize(s);
		return -1;
	}
	db_finalize(s);
	/* the signed copy, else the principal document (a circuit of visas) */
	s = tdb_query(d, tenant, e, &rc, "SELECT sha256, name, role FROM folder_docs WHERE tenant_id = $1 AND folder_id = $2 AND role IN"
					 " ('signe', 'principal') ORDER BY CASE WHEN role = 'signe' THEN 0 ELSE 1 END, id DESC LIMIT 1", "i", folder);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 409, "actes.document", "Le dossier n'a pas de document principal.");
	}
	char sha[65], name[256];
	snprintf(sha, sizeof sha, "%s", db_col_text(s, 0));
	snprintf(name, sizeof name, "%s", db_col_text(s, 1));
	int signed_copy = strcmp(db_col_text(s, 2), "signe") == 0;
	db_finalize(s);
	/* actes_db_create moves its document into the store: give it a copy of the blob */
	char src[1200], tmp[1200];
	store_path(sha, src, sizeof src);
	snprintf(tmp, sizeof tmp, "%s/tmp/acte-dossier-XXXXXX", cfg.data_dir);
	int fd = mkstemp(tmp);
	buf b = BUF_INIT;
	if (fd < 0 || buf_read_file(&b, src, ACTES_ARCHIVE_MAX) < 0 || write(fd, b.data, b.len) != (ssize_t)b.len) {
		if (fd >= 0)
			close(fd), unlink(tmp);
		buf_free(&b);
		return err_set(e, 500, "actes.document", "Copie du document signé impossible.");
	}
	close(fd);
	buf_free(&b);
	n->acte = (struct actes_doc_in){ .name = name, .path = tmp, .sha256 = sha, .type_piece = n->type_piece };
	int own;
	rc = db_tx_join(d, &own, e);
	if (rc == 0)
		rc = actes_db_create(d, tenant, user, n, r, acte, e);
	if (rc == 0)
		rc = tdb_run(d, tenant, e, "UPDATE actes SET folder_id = $3 WHERE tenant_id = $1 AND id = $2", "ii", *acte, folder);
	if (rc == 0 && signed_copy)
		rc = tdb_run(d, tenant, e, "UPDATE actes_docs SET origine = 'parapheur' WHERE tenant_id = $1 AND acte_id = $2 AND role = 'acte'", "i",
			     *acte);
	if (rc == 0) {
		char detail[160];
		snprintf(detail, sizeof detail, "Créé depuis le dossier n° %lld du parapheur (%s)", (long long)folder,
			 signed_copy ? "version signée" : "document visé");
		rc = actes_db_event(d, tenant, *acte, user, "creation_parapheur", detail, e);
	}
	if (rc == 0 && transmit)
		rc = actes_transmit(d, tenant, user, *acte, e);
	rc = db_tx_end(d, own, rc < 0 ? -1 : 0, e);
	unlink(tmp);   /* gone already when the store took it */
	return rc;
}

/* On the folder page: the act it carries and, once signed, the one-click transmission. */
static void folder_links(db *d, int64_t tenant, int64_t folder, unsigned roles, json_t *links)
{
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT id, numero, state FROM actes WHERE tenant_id = $1 AND folder_id = $2 ORDER BY id DESC"
						   " LIMIT 1", "i", folder);
	if (!s)
		return;
	if (rc != DB_ROW) {
		db_finalize(s);
		return;
	}
	int64_t acte = db_col_int64(s, 0);
	char numero[64], state[32], st[32], t[160], l[64];
	snprintf(numero, sizeof numero, "%s", db_col_text(s, 1));
	snprintf(state, sizeof state, "%s", db_col_text(s, 2));
	db_finalize(s);
	snprintf(t, sizeof t, "Acte %s (%s)", numero, actes_state_label(state));
	snprintf(l, sizeof l, "/actes/%lld", (long long)acte);
	json_array_append_new(links, json_pack("{s:s,s:s}", "texte", t, "lien", l));
	folder_status(d, tenant, folder, st);
	if (strcmp(st, "termine") == 0 && strcmp(state, ACTE_BROUILLON) == 0 && (roles & WRITERS)) {
		snprintf(l, sizeof l, "/actes/%lld/transmettre", (long long)acte);
		json_array_append_new(links, json_pack("{s:s,s:s,s:s}", "texte", "Circuit terminé : l'acte est prêt pour le contrôle de légalité.",
						       "lien", l, "bouton", "Transmettre à la préfecture"));
	}
}
OPALE_PA_LINK(actes, folder_links);

/* ---- routes ---- */

/* POST /api/v1/actes/:id/signature {sous_type?, bureau?} → 201 {dossier} */
static int api_send(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	json_t *j = r->body.len ? req_json(r) : NULL;
	if (r->body.len && !j)
		return -1;
	int64_t sub = json_integer_value(json_object_get(j, "sous_type")), desk = json_integer_value(json_object_get(j, "bureau")), folder = 0;
	struct err e;
	if (actes_send_to_signature(d, r->tenant_id, r->user_id, id, sub, desk, &folder, &e) < 0)
		return res_fail_err(r, &e);
	audit_req(r, "actes.signature", arena_printf(r->a, "%lld", (long long)id), arena_printf(r->a, "dossier %lld", (long long)folder));
	return res_json(r, 201, json_pack("{s:I,s:I}", "acte", (json_int_t)id, "dossier", (json_int_t)folder));
}
OPALE_ROUTE(actes_signature_r, "POST", "/api/v1/actes/:id/signature", api_send, WRITERS, SCOPE_TENANT, TT);

/* The act page's form: sous_type from the select. */
static int page_send(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	struct err e = { 0 };
	db *d = id > 0 ? db_thread(&e) : NULL;
	if (!d)
		return -1;
	const char *sub = req_form(r, "sous_type");
	int64_t folder = 0;
	if (actes_send_to_signature(d, r->tenant_id, r->user_id, id, sub ? strtoll(sub, NULL, 10) : 0, 0, &folder, &e) < 0) {
		if (e.status == 404)
			return res_fail_err(r, &e);
		res_flash(r, "erreur", e.msg);
		return res_redirect(r, arena_printf(r->a, "/actes/%lld", (long long)id));
	}
	audit_req(r, "actes.signature", arena_printf(r->a, "%lld", (long long)id), arena_printf(r->a, "dossier %lld", (long long)folder));
	res_flash(r, "ok", "L'acte est parti en signature : le circuit du parapheur a démarré.");
	return res_redirect(r, arena_printf(r->a, "/actes/%lld", (long long)id));
}
OPALE_ROUTE(actes_signature_page, "POST", "/actes/:id/signature", page_send, WRITERS, SCOPE_TENANT, TT);
