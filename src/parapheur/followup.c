/* followup: what the people of a circuit leave on a folder besides their actions — private
 * annotations (seen by the owners of the circuit's desks only), read receipts (who holding a current
 * task opened the folder, and when) — and the chaining of another circuit once one has ended. */
#include "parapheur/parapheur.h"
#include "db/tenant.h"
#include "core/log.h"
#include "http/http.h"
#include "identity/identity.h"
#include "search/search.h"

#include <stdio.h>
#include <string.h>

int pa_private_note(db *d, int64_t tenant, int64_t user, int64_t folder, const char *note, struct err *e)
{
	if (!note || !*note)
		return 0;
	if (strlen(note) > 2000)
		return err_set(e, 400, "wf.annotation_privee", "Annotation privée trop longue (2 000 caractères au plus).");
	/* on the event the user's action has just written */
	return tdb_run(d, tenant, e, "UPDATE folder_events SET annotation_privee = $4 WHERE tenant_id = $1 AND id = (SELECT MAX(id) FROM"
				     " folder_events WHERE tenant_id = $1 AND folder_id = $2 AND user_id = $3)", "iit", folder, user, note);
}

int pa_circuit_member(db *d, int64_t tenant, int64_t user, int64_t folder)
{
	struct err e;
	int rc;
	/* owner of the emitter's desk, of a desk that acted, or of a desk the folder waits for */
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT 1 FROM desk_owners o WHERE o.tenant_id = $1 AND o.user_id = $3 AND o.desk_id IN"
						   " (SELECT emitter_desk FROM folders WHERE tenant_id = $1 AND id = $2 UNION"
						   " SELECT desk_id FROM folder_events WHERE tenant_id = $1 AND folder_id = $2 UNION"
						   " SELECT acted_desk_id FROM folder_events WHERE tenant_id = $1 AND folder_id = $2 UNION"
						   " SELECT desk_id FROM folder_pending WHERE tenant_id = $1 AND folder_id = $2) LIMIT 1",
			       "ii", folder, user);
	int member = s && rc == DB_ROW;
	if (s)
		db_finalize(s);
	return member;
}

void pa_followup_view(db *d, int64_t tenant, int64_t user, int64_t folder, json_t *f)
{
	struct err e;
	int rc;
	/* a read receipt when the user holds one of the desks the folder waits for */
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT p.desk_id FROM folder_pending p JOIN desk_owners o ON o.desk_id = p.desk_id"
						   " WHERE p.tenant_id = $1 AND p.folder_id = $2 AND o.user_id = $3 LIMIT 1", "ii", folder, user);
	int64_t desk = s && rc == DB_ROW ? db_col_int64(s, 0) : 0;
	if (s)
		db_finalize(s);
	if (desk && tdb_run(d, tenant, &e, "INSERT INTO folder_reads (tenant_id, folder_id, user_id, desk_id, at) VALUES ($1, $2, $3, $4, $5)"
					   " ON CONFLICT (folder_id, user_id) DO NOTHING", "iiii", folder, user, desk, identity_now()) < 0)
		log_warn("accusé de lecture du dossier %lld : %s", (long long)folder, e.msg);
	json_t *reads = json_array();
	s = tdb_query(d, tenant, &e, &rc, "SELECT r.at, COALESCE(u.first_name || ' ' || u.last_name, ''), COALESCE(k.name, '') FROM folder_reads r"
					  " LEFT JOIN users u ON u.id = r.user_id LEFT JOIN desks k ON k.id = r.desk_id"
					  " WHERE r.tenant_id = $1 AND r.folder_id = $2 ORDER BY r.at, r.user_id", "i", folder);
	for (; s && rc == DB_ROW; rc = db_step(s, &e))
		json_array_append_new(reads, json_pack("{s:I,s:s,s:s}", "le", (json_int_t)db_col_int64(s, 0), "par", db_col_text(s, 1), "bureau",
						       db_col_text(s, 2)));
	if (s)
		db_finalize(s);
	json_object_set_new(f, "lectures", reads);
	/* private annotations for the circuit's people only */
	if (!pa_circuit_member(d, tenant, user, folder))
		return;
	s = tdb_query(d, tenant, &e, &rc, "SELECT id, annotation_privee FROM folder_events WHERE tenant_id = $1 AND folder_id = $2 AND"
					  " annotation_privee <> ''", "i", folder);
	for (; s && rc == DB_ROW; rc = db_step(s, &e)) {
		size_t i;
		json_t *ev;
		json_array_foreach(json_object_get(f, "historique"), i, ev) if (json_integer_value(json_object_get(ev, "id")) == db_col_int64(s, 0))
			json_object_set_new(ev, "annotation_privee", json_string(db_col_text(s, 1)));
	}
	if (s)
		db_finalize(s);
}

int pa_folder_chain(db *d, int64_t tenant, int64_t user, int64_t folder, int64_t subtype, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT f.status, f.emitter_desk, (SELECT name FROM folder_subtypes WHERE tenant_id = $1 AND"
						  " id = $3) FROM folders f WHERE f.tenant_id = $1 AND f.id = $2", "ii", folder, subtype);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "dossier.inconnu", "Dossier introuvable.");
	}
	char status[32], name[256];
	snprintf(status, sizeof status, "%s", db_col_text(s, 0));
	int64_t emitter = db_col_int64(s, 1);
	int known = db_col_text(s, 2) != NULL;
	snprintf(name, sizeof name, "%s", known ? db_col_text(s, 2) : "");
	db_finalize(s);
	if (strcmp(status, "termine") != 0)
		return err_set(e, 409, "wf.enchainement", "Un autre circuit s'enchaîne sur un dossier dont le circuit est terminé.");
	if (!known)
		return err_set(e, 404, "sous_type.inconnu", "Sous-type introuvable.");
	/* the emitter's desk (its owners) or an administrator — checked by the caller for the role */
	s = tdb_query(d, tenant, e, &rc, "SELECT 1 FROM desk_owners WHERE tenant_id = $1 AND desk_id = $2 AND user_id = $3", "ii", emitter, user);
	int owner = s && rc == DB_ROW;
	if (s)
		db_finalize(s);
	if (!owner)
		return err_set(e, 403, "wf.enchainement", "Seul le bureau émetteur enchaîne un autre circuit.");
	char note[320];
	snprintf(note, sizeof note, "Circuit enchaîné : « %s »", name);
	/* back to a draft of the new sub-type, then started: the documents carry over, the next
	 * signature applies to the latest signed version */
	if (tdb_run(d, tenant, e, "UPDATE folders SET subtype_id = $3, status = 'brouillon', state = '{}', circuit_id = 0, updated_at = $4"
				  " WHERE tenant_id = $1 AND id = $2", "iii", folder, subtype, identity_now()) < 0 ||
	    tdb_run(d, tenant, e, "INSERT INTO folder_events (tenant_id, folder_id, at, user_id, desk_id, acted_desk_id, action, annotation)"
				  " VALUES ($1, $2, $3, $4, $5, $5, 'enchainement', $6)", "iiiit", folder, identity_now(), user, emitter, note) < 0)
		return -1;
	return pa_folder_start(d, tenant, user, folder, NULL, 0, e);
}

/* The emitter desk's owners, or an administrator, may archive or delete; the folder's status into st. */
static int may_manage(db *d, int64_t tenant, int64_t user, int64_t folder, unsigned roles, char st[32], int64_t *archived, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT f.status, f.archived_at, (SELECT COUNT(*) FROM desk_owners o WHERE o.tenant_id = $1 AND"
						  " o.desk_id = f.emitter_desk AND o.user_id = $3) FROM folders f WHERE f.tenant_id = $1 AND f.id = $2",
			       "ii", folder, user);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "dossier.inconnu", "Dossier introuvable.");
	}
	snprintf(st, 32, "%s", db_col_text(s, 0));
	*archived = db_col_int64(s, 1);
	int owner = db_col_int64(s, 2) > 0;
	db_finalize(s);
	if (!owner && !(roles & ROLE_ADMIN))
		return err_set(e, 403, "dossier.gestion", "Seuls le bureau émetteur et l'administrateur archivent ou suppriment un dossier.");
	return 0;
}

int pa_folder_archive(db *d, int64_t tenant, int64_t user, int64_t folder, unsigned roles, struct err *e)
{
	char st[32];
	int64_t archived;
	if (may_manage(d, tenant, user, folder, roles, st, &archived, e) < 0)
		return -1;
	if (strcmp(st, "termine") != 0 && strcmp(st, "rejete") != 0)
		return err_set(e, 409, "dossier.archivage", "Seul un dossier terminé ou rejeté s'archive.");
	if (archived)
		return err_set(e, 409, "dossier.archivage", "Ce dossier est déjà archivé.");
	return tdb_run(d, tenant, e, "UPDATE folders SET archived_at = $3 WHERE tenant_id = $1 AND id = $2", "ii", folder, identity_now()) < 0 ||
			       tdb_run(d, tenant, e, "INSERT INTO folder_events (tenant_id, folder_id, at, user_id, action) VALUES ($1, $2, $3, $4, 'archivage')",
				       "iii", folder, identity_now(), user) < 0
		       ? -1
		       : 0;
}

int pa_folder_delete(db *d, int64_t tenant, int64_t user, int64_t folder, unsigned roles, struct err *e)
{
	char st[32];
	int64_t archived;
	if (may_manage(d, tenant, user, folder, roles, st, &archived, e) < 0)
		return -1;
	if (strcmp(st, "brouillon") != 0 && strcmp(st, "rejete") != 0)
		return err_set(e, 409, "dossier.suppression", "Seul un brouillon ou un dossier rejeté se supprime ; un dossier signé s'archive.");
	/* what another module built on it (an act, a convention, a PES file) keeps it */
	json_t *links = pa_folder_links(d, tenant, folder, ROLE_ADMIN);
	if (json_array_size(links)) {
		err_set(e, 409, "dossier.lie", "Ce dossier est lié à « %s » : il ne se supprime pas.",
			json_string_value(json_object_get(json_array_get(links, 0), "texte")));
		json_decref(links);
		return -1;
	}
	json_decref(links);
	static const char *const tables[] = { "folder_reads", "folder_pending", "folder_events", "folder_docs", "external_requests" };
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "DELETE FROM %s WHERE tenant_id = $1 AND folder_id = $2", tables[i]);
		if (tdb_run(d, tenant, e, sql, "i", folder) < 0)
			return -1;
	}
	/* the documents' bytes stay in the content-addressed store (another folder may share them) */
	return tdb_run(d, tenant, e, "DELETE FROM folders WHERE tenant_id = $1 AND id = $2", "i", folder) < 0 ||
			       search_drop(d, tenant, "dossier", folder, e) < 0
		       ? -1
		       : 0;
}
