/* folder: folders of the parapheur — creation, start, actions with optimistic concurrency, the
 * serialised circuit state, current tasks for the trays, history. */
#include "parapheur/parapheur.h"
#include "search/search.h"
#include "core/mem.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "jobs/jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int (*pa_sign_hook)(db *d, int64_t tenant, int64_t folder, int64_t user, int64_t desk, int64_t acted_desk, const char *pin,
		    struct err *e);

extern const struct pa_end_listener __start_opale_pa_end[] __attribute__((weak));
extern const struct pa_end_listener __stop_opale_pa_end[] __attribute__((weak));

/* Tells the listeners (OPALE_PA_END) that a folder's circuit ended. */
static int notify_end(db *d, int64_t tenant, int64_t folder, const char *status, int64_t user, struct err *e)
{
	for (const struct pa_end_listener *l = __start_opale_pa_end; l && l < __stop_opale_pa_end; l++)
		if (l->fn(d, tenant, folder, status, user, e) < 0)
			return -1;
	return 0;
}

static const char *status_name(enum wf_status s)
{
	switch (s) {
	case FOLDER_DRAFT: return "brouillon";
	case FOLDER_PENDING: return "en_cours";
	case FOLDER_REJECTED: return "rejete";
	case FOLDER_FINISHED: return "termine";
	}
	return "?";
}

static const char *const step_names[] = { "", "visa", "signature", "cachet", "externe" };
static const char *const task_names[] = { "a_venir", "courante", "faite", "sautee", "rejetee", "avis_demande" };

static json_t *state_to_json(const struct wf_folder *f)
{
	json_t *steps = json_array();
	for (int i = 0; i < f->circuit.nsteps; i++) {
		const struct wf_step *s = &f->circuit.steps[i];
		json_t *desks = json_array();
		for (int k = 0; k < s->ndesks; k++)
			json_array_append_new(desks, json_integer(s->desks[k]));
		json_t *st = json_pack("{s:s,s:s,s:o}", "type", step_names[s->type], "mode", s->par == PAR_AND ? "et" : "ou", "bureaux", desks);
		if (s->nnotified) {
			json_t *inf = json_array();
			for (int k = 0; k < s->nnotified; k++)
				json_array_append_new(inf, json_integer(s->notified[k]));
			json_object_set_new(st, "informes", inf);
		}
		json_array_append_new(steps, st);
	}
	json_t *tasks = json_array();
	for (int i = 0; i < f->ntasks; i++) {
		const struct wf_task *t = &f->tasks[i];
		json_array_append_new(tasks, json_pack("{s:i,s:I,s:s,s:I,s:I,s:I,s:I}", "etape", t->step, "bureau", (json_int_t)t->desk,
						       "etat", task_names[t->state], "agi_par_bureau", (json_int_t)t->acted_desk,
						       "utilisateur", (json_int_t)t->user, "date", (json_int_t)t->at, "avis_bureau",
						       (json_int_t)t->opinion_desk));
	}
	json_t *var = json_array();
	for (int i = 0; i < f->nvariable; i++)
		json_array_append_new(var, json_integer(f->variable[i]));
	return json_pack("{s:o,s:o,s:o}", "etapes", steps, "taches", tasks, "variables", var);
}

static int step_type_of(const char *s)
{
	for (int i = 1; i <= 4; i++)
		if (s && strcmp(s, step_names[i]) == 0)
			return i;
	return 0;
}

static int steps_from_json(struct wf_circuit *c, json_t *steps, struct err *e)
{
	c->nsteps = 0;
	size_t i;
	json_t *st;
	json_array_foreach(steps, i, st) {
		if (c->nsteps >= WF_MAX_STEPS)
			break;
		struct wf_step *w = &c->steps[c->nsteps++];
		memset(w, 0, sizeof *w);
		w->type = (enum wf_step_type)step_type_of(json_string_value(json_object_get(st, "type")));
		w->par = strcmp(json_string_value(json_object_get(st, "mode")) ? json_string_value(json_object_get(st, "mode")) : "", "et") == 0
				 ? PAR_AND : PAR_OR;
		size_t k;
		json_t *dv;
		json_array_foreach(json_object_get(st, "bureaux"), k, dv) if (w->ndesks < WF_MAX_DESKS) w->desks[w->ndesks++] =
			json_integer_value(dv);
		json_array_foreach(json_object_get(st, "informes"), k, dv) if (w->nnotified < WF_MAX_DESKS) w->notified[w->nnotified++] =
			json_integer_value(dv);
		if (!w->type)
			return err_set(e, 500, "circuit.corrompu", "Circuit enregistré illisible.");
	}
	return 0;
}

static int state_from_json(struct wf_folder *f, const char *txt, struct err *e)
{
	json_t *j = json_loads(txt, 0, NULL);
	if (!j)
		return err_set(e, 500, "dossier.etat", "État du dossier illisible.");
	int rc = steps_from_json(&f->circuit, json_object_get(j, "etapes"), e);
	size_t i;
	json_t *t;
	f->ntasks = 0;
	json_array_foreach(json_object_get(j, "taches"), i, t) {
		if (f->ntasks >= WF_MAX_TASKS)
			break;
		struct wf_task *w = &f->tasks[f->ntasks++];
		w->step = (int)json_integer_value(json_object_get(t, "etape"));
		w->desk = json_integer_value(json_object_get(t, "bureau"));
		const char *st = json_string_value(json_object_get(t, "etat"));
		w->state = TASK_UPCOMING;
		for (int k = 0; k < 6; k++)
			if (st && strcmp(st, task_names[k]) == 0)
				w->state = (enum wf_task_state)k;
		w->acted_desk = json_integer_value(json_object_get(t, "agi_par_bureau"));
		w->user = json_integer_value(json_object_get(t, "utilisateur"));
		w->at = json_integer_value(json_object_get(t, "date"));
		w->opinion_desk = json_integer_value(json_object_get(t, "avis_bureau"));
	}
	f->nvariable = 0;
	json_array_foreach(json_object_get(j, "variables"), i, t) if (f->nvariable < WF_MAX_STEPS) f->variable[f->nvariable++] =
		json_integer_value(t);
	json_decref(j);
	return rc;
}

struct env_ctx {
	db *d;
	int64_t tenant;
	int64_t type;   /* the folder's type: a delegation limited to another type does not apply */
	int64_t external_desk;  /* set for an external signature: the platform acts for this desk */
};

static int64_t env_parent(void *c, int64_t desk)
{
	struct env_ctx *x = c;
	int64_t p = tdb_int(x->d, x->tenant, 0, "SELECT parent_id FROM desks WHERE tenant_id = $1 AND id = $2", "i", desk);
	return p;
}

static int env_owns(void *c, int64_t user, int64_t desk)
{
	struct env_ctx *x = c;
	if (x->external_desk && user == 0)
		return desk == x->external_desk;
	return tdb_exists(x->d, x->tenant, "SELECT 1 FROM desk_owners WHERE tenant_id = $1 AND desk_id = $2 AND user_id = $3", "ii", desk, user);
}

static int64_t env_delegate(void *c, int64_t desk, int64_t now)
{
	struct env_ctx *x = c;
	int64_t to = tdb_int(x->d, x->tenant, 0, "SELECT to_desk_id FROM delegations WHERE tenant_id = $1 AND desk_id = $2 AND starts_at <= $3 AND ends_at > $3"
				" AND (type_id = 0 OR type_id = $4) ORDER BY id DESC LIMIT 1", "iii", desk, now, x->type);
	return to;
}

struct loaded {
	struct wf_folder f;
	int64_t version, subtype, circuit, type;
	char title[512];
	json_t *metadata;
};

static int load(db *d, int64_t tenant, int64_t folder, struct loaded *l, struct err *e)
{
	memset(l, 0, sizeof *l);
	db_stmt *s = tdb_row(d, tenant, e, "dossier.inconnu", "Dossier introuvable.",
			     "SELECT f.status, f.state, f.version, f.emitter_desk, f.subtype_id, f.circuit_id, f.title,"
			     " f.metadata, COALESCE(st.type_id, 0) FROM folders f LEFT JOIN folder_subtypes st ON st.id = f.subtype_id"
			     " WHERE f.tenant_id = $1 AND f.id = $2", folder);
	if (!s)
		return -1;
	const char *st = db_col_text(s, 0);
	l->f.status = strcmp(st, "en_cours") == 0 ? FOLDER_PENDING : strcmp(st, "rejete") == 0 ? FOLDER_REJECTED
		      : strcmp(st, "termine") == 0 ? FOLDER_FINISHED : FOLDER_DRAFT;
	int r2 = state_from_json(&l->f, db_col_text(s, 1), e);
	l->version = l->f.version = db_col_int64(s, 2);
	l->f.emitter = db_col_int64(s, 3);
	l->subtype = db_col_int64(s, 4);
	l->circuit = db_col_int64(s, 5);
	snprintf(l->title, sizeof l->title, "%s", db_col_text(s, 6));
	l->metadata = json_loads(db_col_text(s, 7), 0, NULL);
	l->type = db_col_int64(s, 8);
	db_finalize(s);
	return r2;
}

/* Saves with the version check and rebuilds the folder's current tasks. */
static int save(db *d, int64_t tenant, int64_t folder, struct loaded *l, struct err *e)
{
	json_t *j = state_to_json(&l->f);
	char *txt = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	int rc = tdb_run(d, tenant, e, "UPDATE folders SET state = $3, status = $4, version = version + 1, updated_at = $5, circuit_id = $6"
				       " WHERE tenant_id = $1 AND id = $2 AND version = $7",
			 "ittiii", folder, txt, status_name(l->f.status), identity_now(), l->circuit, l->version);
	free(txt);
	if (rc < 0)
		return -1;
	if (db_changes(d) != 1)
		return err_set(e, 409, "wf.conflit", "Quelqu'un a agi sur ce dossier en même temps que vous : rechargez-le.");
	if (tdb_run(d, tenant, e, "DELETE FROM folder_pending WHERE tenant_id = $1 AND folder_id = $2", "i", folder) < 0)
		return -1;
	if (l->f.status != FOLDER_PENDING)
		return 0;
	for (int i = 0; i < l->f.ntasks; i++) {
		const struct wf_task *t = &l->f.tasks[i];
		if (t->state != TASK_CURRENT && t->state != TASK_SECONDED)
			continue;
		int64_t desk = t->state == TASK_SECONDED ? t->opinion_desk : t->desk;
		if (tdb_run(d, tenant, e, "INSERT INTO folder_pending (tenant_id, folder_id, desk_id, kind) VALUES ($1, $2, $3, $4)", "iit",
			    folder, desk, t->state == TASK_SECONDED ? "avis" : step_names[l->f.circuit.steps[t->step].type]) < 0)
			return -1;
	}
	return 0;
}

/* SHA-256 of the folder's document as it stands: the latest signed version, else the first main
 * document ("" before any). Recorded with every event of the history. */
static void current_sha(db *d, int64_t tenant, int64_t folder, char out[65])
{
	struct err e;
	int rc;
	out[0] = '\0';
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT sha256 FROM folder_docs WHERE tenant_id = $1 AND folder_id = $2"
						   " AND role IN ('principal', 'signe') ORDER BY CASE role WHEN 'signe' THEN 0 ELSE 1 END,"
						   " CASE role WHEN 'signe' THEN -id ELSE id END LIMIT 1", "i", folder);
	if (s && rc == DB_ROW)
		snprintf(out, 65, "%s", db_col_text(s, 0));
	if (s)
		db_finalize(s);
}

static int event(db *d, int64_t tenant, int64_t folder, int64_t user, int64_t desk, int64_t acted, const char *action,
		 const char *annotation, struct err *e)
{
	char sha[65];
	current_sha(d, tenant, folder, sha);
	return tdb_run(d, tenant, e, "INSERT INTO folder_events (tenant_id, folder_id, at, user_id, desk_id, acted_desk_id, action, annotation,"
				     " doc_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", "iiiiittt", folder, identity_now(), user, desk,
		       acted, action, annotation ? annotation : "", sha);
}

int pa_folder_create(db *d, int64_t tenant, int64_t user, const char *title, int64_t subtype, int64_t emitter, json_t *metadata,
		     int64_t due_at, int64_t *id, struct err *e)
{
	if (!title || !*title || strlen(title) > 500)
		return err_set(e, 400, "dossier.titre", "Titre obligatoire (500 caractères au plus).");
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT (SELECT COUNT(*) FROM folder_subtypes WHERE tenant_id = $1 AND id = $2),"
						  " (SELECT COUNT(*) FROM desk_owners WHERE tenant_id = $1 AND desk_id = $3 AND user_id = $4)",
			       "iii", subtype, emitter, user);
	int st_ok = s && rc == DB_ROW && db_col_int64(s, 0) == 1, own = s && rc == DB_ROW && db_col_int64(s, 1) == 1;
	if (s)
		db_finalize(s);
	if (!st_ok)
		return err_set(e, 404, "sous_type.inconnu", "Sous-type introuvable.");
	if (!own)
		return err_set(e, 403, "dossier.emetteur", "Vous n'êtes pas titulaire du bureau émetteur choisi.");
	char *meta = metadata ? json_dumps(metadata, JSON_COMPACT) : xstrdup("{}");   /* (a fresh json_object() here leaked) */
	int64_t now = identity_now();
	int rci = tdb_insert(d, tenant, e, id, "INSERT INTO folders (tenant_id, title, subtype_id, emitter_desk, creator, due_at, metadata,"
					       " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
			     "tiiiiti", title, subtype, emitter, user, due_at, meta, now);
	free(meta);
	if (rci < 0)
		return -1;
	/* Searchable by its title and metadata values (src/search). */
	buf text = BUF_INIT, url = BUF_INIT;
	const char *k;
	json_t *v;
	json_object_foreach(metadata, k, v) {
		if (json_is_string(v))
			buf_printf(&text, "%s ", json_string_value(v));
		else if (json_is_number(v))
			buf_printf(&text, "%g ", json_number_value(v));
	}
	buf_printf(&url, "/parapheur/dossiers/%lld", (long long)*id);
	rc = search_put(d, tenant, "dossier", *id, title, text.data ? text.data : "", now, url.data, e);
	buf_free(&text);
	buf_free(&url);
	if (rc < 0)
		return -1;
	return event(d, tenant, *id, user, emitter, emitter, "creation", "", e);
}

int pa_folder_add_doc(db *d, int64_t tenant, int64_t folder, const char *role, const char *name, const char *sha256,
		      const char *mime, int64_t size, struct err *e)
{
	struct loaded l;
	if (load(d, tenant, folder, &l, e) < 0)
		return -1;
	json_decref(l.metadata);
	if (l.f.status != FOLDER_DRAFT && strcmp(role, "signe") != 0 && strcmp(role, "signature") != 0)
		return err_set(e, 409, "dossier.demarre", "Les documents ne changent plus une fois le dossier parti dans le circuit.");
	return tdb_run(d, tenant, e, "INSERT INTO folder_docs (tenant_id, folder_id, role, name, sha256, mime, size, created_at)"
				     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", "ittttii", folder, role, name, sha256, mime, size,
		       identity_now());
}

int pa_folder_exists(db *d, int64_t tenant, int64_t folder)
{
	return tdb_exists(d, tenant, "SELECT id FROM folders WHERE tenant_id = $1 AND id = $2", "i", folder);
}

static const char *meta_get(void *ctx, const char *field)
{
	return json_string_value(json_object_get(ctx, field));
}

int pa_folder_start(db *d, int64_t tenant, int64_t user, int64_t folder, const int64_t *variable, int nvariable, struct err *e)
{
	struct loaded l;
	if (load(d, tenant, folder, &l, e) < 0)
		return -1;
	int rc = -1;
	db_stmt *s = NULL;
	if (l.f.status != FOLDER_DRAFT) {
		err_set(e, 409, "wf.demarre", "Ce dossier est déjà parti dans le circuit.");
		goto out;
	}
	s = tdb_query(d, tenant, e, &rc, "SELECT (SELECT COUNT(*) FROM folder_docs WHERE tenant_id = $1 AND folder_id = $2 AND role = 'principal'),"
					 " (SELECT circuit_id FROM folder_subtypes WHERE tenant_id = $1 AND id = $3),"
					 " (SELECT rules FROM folder_subtypes WHERE tenant_id = $1 AND id = $3)", "ii", folder, l.subtype);
	if (!s || rc != DB_ROW)
		goto out;
	int64_t ndocs = db_col_int64(s, 0), def = db_col_int64(s, 1);
	json_t *rules = json_loads(db_col_text(s, 2) ? db_col_text(s, 2) : "[]", 0, NULL);
	db_finalize(s);
	s = NULL;
	rc = -1;
	if (ndocs < 1) {
		json_decref(rules);
		err_set(e, 400, "dossier.document", "Ajoutez le document principal avant de démarrer le circuit.");
		goto out;
	}
	struct wf_rule wr[32];
	int nr = 0;
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r) if (nr < 32 && wf_rule_parse(json_string_value(json_object_get(r, "regle")), &wr[nr], e) == 0) {
		wr[nr].circuit = json_integer_value(json_object_get(r, "circuit"));
		nr++;
	}
	json_decref(rules);
	l.circuit = wf_select_circuit(wr, nr, meta_get, l.metadata, def);
	s = tdb_query(d, tenant, e, &rc, "SELECT steps FROM circuits WHERE tenant_id = $1 AND id = $2", "i", l.circuit);
	if (!s || rc != DB_ROW) {
		err_set(e, 404, "circuit.inconnu", "Circuit introuvable.");
		rc = -1;
		goto out;
	}
	json_t *steps = json_loads(db_col_text(s, 0), 0, NULL);
	db_finalize(s);
	s = NULL;
	rc = steps_from_json(&l.f.circuit, steps, e);
	json_decref(steps);
	if (rc < 0)
		goto out;
	l.f.nvariable = nvariable > WF_MAX_STEPS ? WF_MAX_STEPS : nvariable;
	if (l.f.nvariable > 0)   /* variable may be NULL when there is none (memcpy's arguments must not be) */
		memcpy(l.f.variable, variable, sizeof(int64_t) * (size_t)l.f.nvariable);
	struct env_ctx ctx = { d, tenant, l.type, 0 };
	struct wf_env env = { &ctx, env_parent, env_owns, env_delegate, identity_now() };
	rc = -1;
	struct wf_folder before = { .status = FOLDER_DRAFT };
	if (wf_start(&l.f, &env, e) < 0 || save(d, tenant, folder, &l, e) < 0 ||
	    event(d, tenant, folder, user, l.f.emitter, l.f.emitter, "demarrage", "", e) < 0 ||
	    pa_notify_changes(d, tenant, folder, &before, &l.f, e) < 0)
		goto out;
	rc = 0;
out:
	if (s)
		db_finalize(s);
	json_decref(l.metadata);
	return rc;
}

int pa_folder_act(db *d, int64_t tenant, int64_t user, int64_t folder, int64_t desk, enum wf_action a, int64_t target,
		  const char *annotation, const char *pin, struct err *e)
{
	if (a == ACT_REJECT && (!annotation || strlen(annotation) < 3))
		return err_set(e, 400, "wf.motif", "Un rejet exige un motif public de 3 caractères au moins.");
	if (annotation && strlen(annotation) > 512)
		return err_set(e, 400, "wf.annotation", "Annotation trop longue (512 caractères au plus).");
	if ((a == ACT_TRANSFER || a == ACT_ASK_OPINION) && !pa_desk_exists(d, tenant, target))
		return err_set(e, 404, "bureau.inconnu", "Bureau destinataire introuvable.");
	struct loaded l;
	if (load(d, tenant, folder, &l, e) < 0)
		return -1;
	json_decref(l.metadata);
	struct env_ctx ctx = { d, tenant, l.type, 0 };
	struct wf_env env = { &ctx, env_parent, env_owns, env_delegate, identity_now() };
	/* The acting desk (delegate or owner) is known once the engine accepted the action. */
	struct wf_folder before = l.f;  /* to tell who now waits on the folder (notifications) */
	if (wf_act(&l.f, &env, user, desk, a, target, e) < 0)
		return -1;
	int64_t acted = env_owns(&ctx, user, desk) ? desk : env_delegate(&ctx, desk, env.now);
	if (a == ACT_SIGN || a == ACT_SEAL) {
		if (!pa_sign_hook)
			return err_set(e, 501, "signature.indisponible", "Le moteur de signature n'est pas disponible sur ce serveur.");
		if (pa_sign_hook(d, tenant, folder, user, desk, acted, pin, e) < 0)
			return -1;
	}
	if (save(d, tenant, folder, &l, e) < 0 || event(d, tenant, folder, user, desk, acted, wf_action_name(a), annotation, e) < 0)
		return -1;
	if (before.status != l.f.status && (l.f.status == FOLDER_FINISHED || l.f.status == FOLDER_REJECTED) &&
	    notify_end(d, tenant, folder, status_name(l.f.status), user, e) < 0)
		return -1;
	return pa_notify_changes(d, tenant, folder, &before, &l.f, e);
}

int pa_folder_act_external(db *d, int64_t tenant, int64_t folder, int64_t desk, const char *annotation, struct err *e)
{
	struct loaded l;
	if (load(d, tenant, folder, &l, e) < 0)
		return -1;
	json_decref(l.metadata);
	struct env_ctx ctx = { d, tenant, l.type, desk };
	struct wf_env env = { &ctx, env_parent, env_owns, env_delegate, identity_now() };
	struct wf_folder before = l.f;
	if (wf_act(&l.f, &env, 0, desk, ACT_EXTERNAL, 0, e) < 0 || save(d, tenant, folder, &l, e) < 0 ||
	    event(d, tenant, folder, 0, desk, desk, wf_action_name(ACT_EXTERNAL), annotation, e) < 0)
		return -1;
	if (before.status != l.f.status && (l.f.status == FOLDER_FINISHED || l.f.status == FOLDER_REJECTED) &&
	    notify_end(d, tenant, folder, status_name(l.f.status), 0, e) < 0)
		return -1;
	return pa_notify_changes(d, tenant, folder, &before, &l.f, e);
}

int pa_folder_event(db *d, int64_t tenant, int64_t folder, int64_t user, int64_t desk, const char *action, const char *annotation,
		    struct err *e)
{
	return event(d, tenant, folder, user, desk, desk, action, annotation, e);
}

json_t *pa_folder_json(db *d, int64_t tenant, int64_t folder, struct err *e)
{
	struct loaded l;
	if (load(d, tenant, folder, &l, e) < 0)
		return NULL;
	json_t *j = json_pack("{s:I,s:s,s:s,s:I,s:I,s:o,s:o}", "id", (json_int_t)folder, "titre", l.title, "statut",
			      status_name(l.f.status), "version", (json_int_t)l.version, "bureau_emetteur", (json_int_t)l.f.emitter,
			      "metadonnees", l.metadata ? l.metadata : json_object(), "circuit", state_to_json(&l.f));
	json_t *docs = json_array(), *hist = json_array();
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id, role, name, sha256, mime, size FROM folder_docs WHERE tenant_id = $1"
						  " AND folder_id = $2 ORDER BY id", "i", folder);
	while (s && rc == DB_ROW) {
		json_array_append_new(docs, json_pack("{s:I,s:s,s:s,s:s,s:s,s:I}", "id", (json_int_t)db_col_int64(s, 0), "role",
						      db_col_text(s, 1), "nom", db_col_text(s, 2), "sha256", db_col_text(s, 3), "mime",
						      db_col_text(s, 4), "taille", (json_int_t)db_col_int64(s, 5)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	s = tdb_query(d, tenant, e, &rc, "SELECT v.at, v.action, v.annotation, COALESCE(u.first_name || ' ' || u.last_name, ''),"
					 " COALESCE(k.name, ''), COALESCE(a.name, ''), v.desk_id, v.acted_desk_id, v.doc_sha256, v.id FROM folder_events v"
					 " LEFT JOIN users u ON u.id = v.user_id LEFT JOIN desks k ON k.id = v.desk_id"
					 " LEFT JOIN desks a ON a.id = v.acted_desk_id WHERE v.tenant_id = $1 AND v.folder_id = $2 ORDER BY v.id",
		      "i", folder);
	while (s && rc == DB_ROW) {
		json_t *ev = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_col_int64(s, 9), "date",
				       (json_int_t)db_col_int64(s, 0), "action", db_col_text(s, 1), "annotation", db_col_text(s, 2), "par",
				       db_col_text(s, 3), "bureau", db_col_text(s, 4), "sha256", db_col_text(s, 8));
		if (db_col_int64(s, 6) != db_col_int64(s, 7) && db_col_int64(s, 7))
			json_object_set_new(ev, "en_l_absence_de", json_string(db_col_text(s, 4))),
				json_object_set_new(ev, "bureau_delegataire", json_string(db_col_text(s, 5)));
		json_array_append_new(hist, ev);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	json_object_set_new(j, "documents", docs);
	json_object_set_new(j, "historique", hist);
	return j;
}

/* Trays are answered from folder_pending (current tasks) and folder_events (past actions). */
json_t *pa_tray(db *d, int64_t tenant, int64_t desk, const char *tray, int64_t now, struct err *e)
{
	static const struct { const char *name, *sql; } trays[] = {
		{ "a-traiter", "SELECT f.id, f.title, f.status, f.due_at FROM folders f JOIN folder_pending p ON p.folder_id = f.id"
			       " WHERE f.tenant_id = $1 AND p.desk_id = $2 AND $3 >= 0 ORDER BY f.due_at, f.id" },
		{ "en-retard", "SELECT f.id, f.title, f.status, f.due_at FROM folders f JOIN folder_pending p ON p.folder_id = f.id"
			       " WHERE f.tenant_id = $1 AND p.desk_id = $2 AND f.due_at > 0 AND f.due_at < $3 ORDER BY f.due_at" },
		{ "en-cours", "SELECT f.id, f.title, f.status, f.due_at FROM folders f WHERE f.tenant_id = $1 AND f.emitter_desk = $2"
			      " AND f.status IN ('brouillon', 'en_cours') AND $3 >= 0 ORDER BY f.id DESC" },
		{ "delegues", "SELECT DISTINCT f.id, f.title, f.status, f.due_at FROM folders f JOIN folder_pending p ON p.folder_id = f.id"
			      " JOIN delegations g ON g.desk_id = p.desk_id JOIN folder_subtypes st ON st.id = f.subtype_id"
			      " WHERE f.tenant_id = $1 AND g.to_desk_id = $2 AND g.starts_at <= $3 AND g.ends_at > $3"
			      " AND (g.type_id = 0 OR g.type_id = st.type_id) ORDER BY f.id" },
		{ "traites", "SELECT DISTINCT f.id, f.title, f.status, f.due_at FROM folders f JOIN folder_events v ON v.folder_id = f.id"
			     " WHERE f.tenant_id = $1 AND (v.desk_id = $2 OR v.acted_desk_id = $2) AND v.action IN ('visa', 'signature', 'cachet')"
			     " AND f.archived_at = 0 AND $3 >= 0 ORDER BY f.id DESC" },
		{ "rejetes", "SELECT f.id, f.title, f.status, f.due_at FROM folders f WHERE f.tenant_id = $1 AND f.emitter_desk = $2"
			     " AND f.status = 'rejete' AND f.archived_at = 0 AND $3 >= 0 ORDER BY f.id DESC" },
		{ "archives", "SELECT f.id, f.title, f.status, f.due_at FROM folders f WHERE f.tenant_id = $1 AND f.emitter_desk = $2"
			      " AND f.archived_at > 0 AND $3 >= 0 ORDER BY f.archived_at DESC, f.id DESC" },
		{ "recuperables", "SELECT DISTINCT f.id, f.title, f.status, f.due_at FROM folders f JOIN folder_events v ON v.folder_id = f.id"
				  " WHERE f.tenant_id = $1 AND (v.desk_id = $2 OR v.acted_desk_id = $2) AND f.status = 'en_cours'"
				  " AND $3 >= 0 ORDER BY f.id DESC" },
	};
	const char *sql = NULL;
	for (size_t i = 0; i < sizeof trays / sizeof trays[0]; i++)
		if (strcmp(trays[i].name, tray) == 0)
			sql = trays[i].sql;
	if (!sql) {
		err_set(e, 404, "bannette.inconnue", "Bannette inconnue.");
		return NULL;
	}
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, tenant, e, &rc, sql, "ii", desk, now);
	int64_t ids[1000];
	int n = 0;
	while (s && rc == DB_ROW && n < 1000) {
		ids[n++] = db_col_int64(s, 0);
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)db_col_int64(s, 0), "titre", db_col_text(s, 1),
						   "statut", db_col_text(s, 2), "echeance", (json_int_t)db_col_int64(s, 3)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	if (strcmp(tray, "recuperables") == 0) {
		/* Keep those where the desk's last action can still be undone. */
		json_t *keep = json_array();
		for (int i = 0; i < n; i++) {
			struct loaded l;
			if (load(d, tenant, ids[i], &l, e) == 0 && wf_can_undo(&l.f, desk))
				json_array_append(keep, json_array_get(a, (size_t)i));
			json_decref(l.metadata);
		}
		json_decref(a);
		a = keep;
	}
	return a;
}
