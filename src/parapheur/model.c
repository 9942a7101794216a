/* model: desks, delegations, circuits, types and sub-types of the parapheur. */
#include "parapheur/parapheur.h"
#include "db/tenant.h"
#include "identity/identity.h"

#include <stdlib.h>
#include <string.h>

int pa_desk_exists(db *d, int64_t tenant, int64_t desk)
{
	return tdb_exists(d, tenant, "SELECT id FROM desks WHERE tenant_id = $1 AND id = $2", "i", desk);
}

/* Adds the desk's owners, who must belong to the collectivité. */
static int add_owners(db *d, int64_t tenant, int64_t desk, const int64_t *owners, int n, struct err *e)
{
	for (int i = 0; i < n; i++) {
		if (!tdb_exists(d, tenant, "SELECT user_id FROM memberships WHERE tenant_id = $1 AND user_id = $2", "i", owners[i]))
			return err_set(e, 400, "bureau.titulaire", "Le titulaire %lld n'appartient pas à la collectivité.", (long long)owners[i]);
		if (tdb_run(d, tenant, e, "INSERT INTO desk_owners (tenant_id, desk_id, user_id) VALUES ($1, $2, $3)", "ii", desk, owners[i]) < 0)
			return -1;
	}
	return 0;
}

int pa_desk_create(db *d, int64_t tenant, const char *name, int64_t parent, const int64_t *owners, int n, int64_t *id,
		   struct err *e)
{
	if (!name || !*name)
		return err_set(e, 400, "bureau.nom", "Le nom du bureau est obligatoire.");
	if (parent && !pa_desk_exists(d, tenant, parent))
		return err_set(e, 404, "bureau.parent", "Bureau parent introuvable.");
	if (tdb_insert(d, tenant, e, id, "INSERT INTO desks (tenant_id, name, parent_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id", "tii",
		       name, parent, identity_now()) < 0)
		return -1;
	return add_owners(d, tenant, *id, owners, n, e);
}

int pa_delegation_add(db *d, int64_t tenant, int64_t desk, int64_t to_desk, int64_t from, int64_t to, int64_t type,
		      struct err *e)
{
	if (!pa_desk_exists(d, tenant, desk) || !pa_desk_exists(d, tenant, to_desk))
		return err_set(e, 404, "bureau.inconnu", "Bureau introuvable.");
	if (desk == to_desk)
		return err_set(e, 400, "delegation.soi", "Un bureau ne peut se déléguer à lui-même.");
	if (to <= from)
		return err_set(e, 400, "delegation.dates", "La fin de la délégation doit suivre son début.");
	if (type && !tdb_exists(d, tenant, "SELECT id FROM folder_types WHERE tenant_id = $1 AND id = $2", "i", type))
		return err_set(e, 404, "type.inconnu", "Type de dossier introuvable.");
	return tdb_run(d, tenant, e, "INSERT INTO delegations (tenant_id, desk_id, to_desk_id, starts_at, ends_at, type_id)"
				     " VALUES ($1, $2, $3, $4, $5, $6)", "iiiii", desk, to_desk, from, to, type);
}

static const struct { const char *name; enum wf_step_type t; } step_types[] = {
	{ "visa", STEP_VISA }, { "signature", STEP_SIGNATURE }, { "cachet", STEP_SEAL }, { "externe", STEP_EXTERNAL },
};

/* Checks and normalises a circuit's steps (desks of this collectivité or placeholders). NULL + e. */
static json_t *normalize_steps(db *d, int64_t tenant, json_t *steps, struct err *e)
{
	if (!json_is_array(steps) || json_array_size(steps) < 1 || json_array_size(steps) > WF_MAX_STEPS) {
		err_set(e, 400, "circuit.etapes", "Un circuit a de 1 à %d étapes.", WF_MAX_STEPS);
		return NULL;
	}
	json_t *norm = json_array();
	size_t i;
	json_t *st;
	json_array_foreach(steps, i, st) {
		const char *t = json_string_value(json_object_get(st, "type"));
		const char *mode = json_string_value(json_object_get(st, "mode"));
		json_t *desks = json_object_get(st, "bureaux");
		int known = 0;
		for (size_t k = 0; k < sizeof step_types / sizeof step_types[0]; k++)
			known |= t && strcmp(t, step_types[k].name) == 0;
		if (!known) {
			json_decref(norm);
			err_set(e, 400, "circuit.type", "Étape %zu : type attendu visa, signature, cachet ou externe.", i + 1);
			return NULL;
		}
		if (!json_is_array(desks) || json_array_size(desks) < 1 || json_array_size(desks) > WF_MAX_DESKS) {
			json_decref(norm);
			err_set(e, 400, "circuit.bureaux", "Étape %zu : de 1 à %d bureaux.", i + 1, WF_MAX_DESKS);
			return NULL;
		}
		if (strcmp(t, "externe") == 0 && json_array_size(desks) != 1) {
			json_decref(norm);
			err_set(e, 400, "circuit.externe", "Étape %zu : une signature externe vise un seul destinataire.", i + 1);
			return NULL;
		}
		json_t *ids = json_array();
		size_t k;
		json_t *dv;
		json_array_foreach(desks, k, dv) {
			int64_t v = 0;
			if (json_is_integer(dv) && pa_desk_exists(d, tenant, json_integer_value(dv)))
				v = json_integer_value(dv);
			else if (json_is_string(dv) && strcmp(json_string_value(dv), "emetteur") == 0)
				v = DESK_EMITTER;
			else if (json_is_string(dv) && strcmp(json_string_value(dv), "superieur") == 0)
				v = DESK_BOSS_OF;
			else if (json_is_string(dv) && strcmp(json_string_value(dv), "variable") == 0)
				v = DESK_VARIABLE;
			if (!v) {
				json_decref(ids);
				json_decref(norm);
				err_set(e, 400, "circuit.bureau", "Étape %zu : bureau inconnu dans cette collectivité.", i + 1);
				return NULL;
			}
			json_array_append_new(ids, json_integer(v));
		}
		json_t *step = json_pack("{s:s,s:s,s:o}", "type", t, "mode", mode && strcmp(mode, "et") == 0 ? "et" : "ou", "bureaux", ids);
		/* Desks informed by e-mail when the step opens (real desks only). */
		json_t *inf = json_object_get(st, "informes");
		if (json_array_size(inf)) {
			if (!json_is_array(inf) || json_array_size(inf) > WF_MAX_DESKS) {
				json_decref(step);
				json_decref(norm);
				err_set(e, 400, "circuit.informes", "Étape %zu : de 0 à %d bureaux informés.", i + 1, WF_MAX_DESKS);
				return NULL;
			}
			json_t *out = json_array();
			json_array_foreach(inf, k, dv) {
				if (!json_is_integer(dv) || !pa_desk_exists(d, tenant, json_integer_value(dv))) {
					json_decref(out);
					json_decref(step);
					json_decref(norm);
					err_set(e, 400, "circuit.informes", "Étape %zu : bureau informé inconnu dans cette collectivité.", i + 1);
					return NULL;
				}
				json_array_append_new(out, json_integer(json_integer_value(dv)));
			}
			json_object_set_new(step, "informes", out);
		}
		json_array_append_new(norm, step);
	}
	return norm;
}

/* A circuit's name checked and its steps normalised, as stored: the JSON text (caller frees), or NULL with e. */
static char *circuit_text(db *d, int64_t tenant, const char *name, json_t *steps, struct err *e)
{
	if (!name || !*name) {
		err_set(e, 400, "circuit.nom", "Le nom du circuit est obligatoire.");
		return NULL;
	}
	json_t *norm = normalize_steps(d, tenant, steps, e);
	if (!norm)
		return NULL;
	char *txt = json_dumps(norm, JSON_COMPACT);
	json_decref(norm);
	return txt;
}

int pa_circuit_create(db *d, int64_t tenant, const char *name, json_t *steps, int64_t *id, struct err *e)
{
	char *txt = circuit_text(d, tenant, name, steps, e);
	if (!txt)
		return -1;
	int rc = tdb_insert(d, tenant, e, id, "INSERT INTO circuits (tenant_id, name, steps) VALUES ($1, $2, $3) RETURNING id", "tt", name, txt);
	free(txt);
	return rc;
}

/* A type's name, signature format and protocol, as creation and update accept them. */
static int type_check(const char *name, const char *format, const char *protocol, struct err *e)
{
	static const char *const formats[] = { "pades", "cades", "xades", "pes", "auto", NULL };
	static const char *const protocols[] = { "none", "actes", "helios", NULL };
	int fok = 0, pok = 0;
	for (int i = 0; formats[i]; i++)
		fok |= format && strcmp(format, formats[i]) == 0;
	for (int i = 0; protocols[i]; i++)
		pok |= protocol && strcmp(protocol, protocols[i]) == 0;
	if (!name || !*name || !fok || !pok)
		return err_set(e, 400, "type.invalide", "Type : nom, format (pades, cades, xades, pes, auto) et protocole (none, actes, helios) attendus.");
	if (strcmp(protocol, "helios") == 0 && strcmp(format, "pes") != 0)
		return err_set(e, 400, "type.helios", "Le protocole HELIOS impose le format de signature PES.");
	return 0;
}

int pa_type_create(db *d, int64_t tenant, const char *name, const char *format, const char *protocol, const char *city,
		   const char *postal_code, int64_t *id, struct err *e)
{
	if (type_check(name, format, protocol, e) < 0)
		return -1;
	return tdb_insert(d, tenant, e, id, "INSERT INTO folder_types (tenant_id, name, format, protocol, city, postal_code)"
					    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", "ttttt", name, format, protocol,
			  city ? city : "", postal_code ? postal_code : "");
}

int pa_subtype_create(db *d, int64_t tenant, int64_t type, const char *name, int64_t circuit, json_t *rules, int64_t *id,
		      struct err *e)
{
	if (!name || !*name)
		return err_set(e, 400, "sous_type.nom", "Le nom du sous-type est obligatoire.");
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT (SELECT COUNT(*) FROM folder_types WHERE tenant_id = $1 AND id = $2),"
						  " (SELECT COUNT(*) FROM circuits WHERE tenant_id = $1 AND id = $3)", "ii", type, circuit);
	int ok = s && rc == DB_ROW && db_col_int64(s, 0) == 1 && db_col_int64(s, 1) == 1;
	if (s)
		db_finalize(s);
	if (!ok)
		return err_set(e, 404, "sous_type.reference", "Type ou circuit introuvable.");
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r) {
		struct wf_rule wr;
		if (wf_rule_parse(json_string_value(json_object_get(r, "regle")) ? json_string_value(json_object_get(r, "regle")) : "",
				  &wr, e) < 0)
			return -1;
	}
	char *txt = rules ? json_dumps(rules, JSON_COMPACT) : strdup("[]");
	rc = tdb_insert(d, tenant, e, id, "INSERT INTO folder_subtypes (tenant_id, type_id, name, circuit_id, rules) VALUES ($1, $2, $3, $4, $5)"
					  " RETURNING id", "itit", type, name, circuit, txt);
	free(txt);
	return rc;
}

json_t *pa_my_desks(db *d, int64_t tenant, int64_t user, struct err *e)
{
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT k.id, k.name FROM desk_owners o JOIN desks k ON k.id = o.desk_id"
						  " WHERE o.tenant_id = $1 AND o.user_id = $2 ORDER BY k.name", "i", user);
	while (s && rc == DB_ROW) {
		json_array_append_new(a, json_pack("{s:I,s:s}", "id", (json_int_t)db_col_int64(s, 0), "name", db_col_text(s, 1)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return a;
}

/* ---- updates (administration pages) -------------------------------------------------------- */

int pa_desk_update(db *d, int64_t tenant, int64_t desk, const char *name, int64_t parent, const int64_t *owners, int n,
		   struct err *e)
{
	if (!pa_desk_exists(d, tenant, desk))
		return err_set(e, 404, "bureau.inconnu", "Bureau introuvable.");
	if (!name || !*name)
		return err_set(e, 400, "bureau.nom", "Le nom du bureau est obligatoire.");
	/* The parent must exist, and the hierarchy must not loop back to this desk. */
	for (int64_t p = parent, hops = 0; p; hops++) {
		if (p == desk || hops > 64)
			return err_set(e, 400, "bureau.boucle", "Ce bureau parent créerait une boucle dans la hiérarchie.");
		int rc;
		db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT parent_id FROM desks WHERE tenant_id = $1 AND id = $2", "i", p);
		int found = s && rc == DB_ROW;
		int64_t next = found ? db_col_int64(s, 0) : 0;
		if (s)
			db_finalize(s);
		if (!found)
			return err_set(e, 404, "bureau.parent", "Bureau parent introuvable.");
		p = next;
	}
	if (tdb_run(d, tenant, e, "UPDATE desks SET name = $3, parent_id = $4 WHERE tenant_id = $1 AND id = $2", "iti", desk, name, parent) < 0 ||
	    tdb_run(d, tenant, e, "DELETE FROM desk_owners WHERE tenant_id = $1 AND desk_id = $2", "i", desk) < 0)
		return -1;
	return add_owners(d, tenant, desk, owners, n, e);
}

int pa_delegation_delete(db *d, int64_t tenant, int64_t desk, int64_t delegation, struct err *e)
{
	if (tdb_run(d, tenant, e, "DELETE FROM delegations WHERE tenant_id = $1 AND desk_id = $2 AND id = $3", "ii", desk, delegation) < 0)
		return -1;
	if (db_changes(d) != 1)
		return err_set(e, 404, "delegation.inconnue", "Délégation introuvable.");
	return 0;
}

int pa_circuit_update(db *d, int64_t tenant, int64_t id, const char *name, json_t *steps, struct err *e)
{
	char *txt = circuit_text(d, tenant, name, steps, e);
	if (!txt)
		return -1;
	/* Folders already started keep the circuit they resolved at their start. */
	int rc = tdb_run(d, tenant, e, "UPDATE circuits SET name = $3, steps = $4 WHERE tenant_id = $1 AND id = $2", "itt", id, name, txt);
	free(txt);
	if (rc < 0)
		return -1;
	if (db_changes(d) != 1)
		return err_set(e, 404, "circuit.inconnu", "Circuit introuvable.");
	return 0;
}

int pa_type_stamp(db *d, int64_t tenant, int64_t id, const char *tag, long page, long x, long y, struct err *e)
{
	size_t n = tag ? strlen(tag) : 0;
	if (n && (n > 40 || tag[0] != '#' || tag[n - 1] != '#' || n < 3 || strpbrk(tag, " \t\r\n")))
		return err_set(e, 400, "type.tampon_repere", "Repère du tampon : un mot entre deux « # » (par exemple #signature#), 40 caractères au plus.");
	if (page < -99 || page > 9999)
		return err_set(e, 400, "type.tampon_page", "Page du tampon : de -99 (depuis la fin) à 9999 ; 0 place le tampon au repère.");
	if (x < 0 || x > 2000 || y < 0 || y > 2000)
		return err_set(e, 400, "type.tampon_position", "Position du tampon : x et y en points PDF, de 0 à 2000 depuis le coin bas gauche.");
	return tdb_run(d, tenant, e, "UPDATE folder_types SET stamp_tag = $3, stamp_page = $4, stamp_x = $5, stamp_y = $6 WHERE tenant_id = $1 AND id = $2",
		       "itiii", id, n ? tag : "", (int64_t)page, (int64_t)x, (int64_t)y);
}

int pa_type_update(db *d, int64_t tenant, int64_t id, const char *name, const char *format, const char *protocol, const char *city,
		   const char *postal_code, struct err *e)
{
	if (type_check(name, format, protocol, e) < 0)
		return -1;
	if (tdb_run(d, tenant, e, "UPDATE folder_types SET name = $3, format = $4, protocol = $5, city = $6, postal_code = $7"
				  " WHERE tenant_id = $1 AND id = $2", "ittttt", id, name, format, protocol, city ? city : "",
		    postal_code ? postal_code : "") < 0)
		return -1;
	if (db_changes(d) != 1)
		return err_set(e, 404, "type.inconnu", "Type de dossier introuvable.");
	return 0;
}

static int circuit_exists(db *d, int64_t tenant, int64_t circuit)
{
	return tdb_int(d, tenant, 0, "SELECT COUNT(*) FROM circuits WHERE tenant_id = $1 AND id = $2", "i", circuit) == 1;
}

int pa_subtype_update(db *d, int64_t tenant, int64_t id, const char *name, int64_t circuit, json_t *rules, struct err *e)
{
	if (!name || !*name)
		return err_set(e, 400, "sous_type.nom", "Le nom du sous-type est obligatoire.");
	if (!circuit_exists(d, tenant, circuit))
		return err_set(e, 404, "circuit.inconnu", "Circuit introuvable.");
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r) {
		struct wf_rule wr;
		const char *txt = json_string_value(json_object_get(r, "regle"));
		if (wf_rule_parse(txt ? txt : "", &wr, e) < 0)
			return -1;
		if (!circuit_exists(d, tenant, json_integer_value(json_object_get(r, "circuit"))))
			return err_set(e, 404, "circuit.inconnu", "Règle « %s » : circuit introuvable.", txt);
	}
	char *txt = rules ? json_dumps(rules, JSON_COMPACT) : strdup("[]");
	int rc = tdb_run(d, tenant, e, "UPDATE folder_subtypes SET name = $3, circuit_id = $4, rules = $5 WHERE tenant_id = $1 AND id = $2", "itit",
		     id, name, circuit, txt);
	free(txt);
	if (rc < 0)
		return -1;
	if (db_changes(d) != 1)
		return err_set(e, 404, "sous_type.inconnu", "Sous-type introuvable.");
	return 0;
}
