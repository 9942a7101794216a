/* links: what other modules hang on a folder — the page's « Lié à » links and next actions
 * (OPALE_PA_LINK providers), and the route checks of the modules that send their own documents
 * through a circuit (sub-types of their protocol, the emitter's desk). */
#include "parapheur/parapheur.h"
#include "db/tenant.h"

#include <ctype.h>
#include <stdio.h>

extern const struct pa_link_provider __start_opale_pa_link[] __attribute__((weak));
extern const struct pa_link_provider __stop_opale_pa_link[] __attribute__((weak));

json_t *pa_folder_links(db *d, int64_t tenant, int64_t folder, unsigned roles)
{
	json_t *links = json_array();
	for (const struct pa_link_provider *p = __start_opale_pa_link; p && p < __stop_opale_pa_link; p++)
		p->fn(d, tenant, folder, roles, links);
	return links;
}

json_t *pa_subtypes_of(db *d, int64_t tenant, const char *protocol, struct err *e)
{
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT s.id, s.name, t.name FROM folder_subtypes s JOIN folder_types t ON t.id = s.type_id"
						  " WHERE s.tenant_id = $1 AND LOWER(t.protocol) = $2 ORDER BY s.id", "t", protocol);
	while (s && rc == DB_ROW) {
		json_array_append_new(a, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)db_col_int64(s, 0), "nom", db_col_text(s, 1), "type",
						   db_col_text(s, 2)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return a;
}

int pa_pick_route(db *d, int64_t tenant, int64_t user, const char *protocol, const char *module, int64_t *subtype,
		  int64_t *desk, struct err *e)
{
	char code[64], up[16];
	size_t k = 0;
	for (; protocol[k] && k < sizeof up - 1; k++)
		up[k] = (char)toupper((unsigned char)protocol[k]);
	up[k] = 0;
	json_t *subs = pa_subtypes_of(d, tenant, protocol, e);
	size_t n = json_array_size(subs), i;
	json_t *v;
	int found = 0;
	json_array_foreach(subs, i, v) found |= *subtype && json_integer_value(json_object_get(v, "id")) == *subtype;
	if (!*subtype && n == 1)
		*subtype = json_integer_value(json_object_get(json_array_get(subs, 0), "id")), found = 1;
	json_decref(subs);
	snprintf(code, sizeof code, "%s.sous_type", module);
	if (!n)
		return err_set(e, 409, code, "Aucun sous-type de parapheur de protocole %s : l'administrateur doit créer un type de dossier de "
					     "protocole « %s » et son circuit.", up, protocol);
	if (!found)
		return err_set(e, 400, code, "Choisissez le sous-type de parapheur (protocole %s).", up);
	if (!*desk) {
		json_t *mine = pa_my_desks(d, tenant, user, e);
		*desk = json_integer_value(json_object_get(json_array_get(mine, 0), "id"));
		json_decref(mine);
		snprintf(code, sizeof code, "%s.bureau", module);
		if (!*desk)
			return err_set(e, 409, code, "Vous n'êtes titulaire d'aucun bureau du parapheur : demandez à l'administrateur de vous en "
						     "attribuer un.");
	}
	return 0;
}
