/* push: a whole séance in one multipart request — its details, agenda points and documents in a JSON
 * part, the files as named parts referenced from it — stored all or nothing; and the same through
 * idelibre's web-delib connector format (POST /seances.json, form fields username, password, conn,
 * jsonData; files convocation, projet_N_rapport, projet_N_M_annexe) so that web-delib installations
 * can switch. Every file is checked (PDFs with qpdf) before anything is stored; one transaction
 * stores the séance, its points and documents. Described in docs/seances.md « Pushing a séance ». */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
#include "core/config.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "identity/session.h"
#include "store/store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IDL (RF_TIER_IDELIBRE)
#define SEC (ROLE_ADMIN | ROLE_AGENT | ROLE_SECRETAIRE)
#define PUSH_MAX_POINTS 300
#define PUSH_MAX_ANNEXES 100

/* ---- files ------------------------------------------------------------------------------------- */

int sd_file_check(const struct upload *u, const char *what, int pdf_only, char mime[128], struct err *e)
{
	if (!u->size)
		return err_set(e, 400, "document.vide", "« %s » (%s) est vide.", u->filename, what);
	mime[0] = '\0';
	store_mime(u->path, mime, 128);
	if (pdf_only && strcmp(mime, "application/pdf") != 0)
		return err_set(e, 415, "document.format", "« %s » (%s) doit être un PDF (reçu : %s).", u->filename, what, *mime ? mime : "inconnu");
	if (!strcmp(mime, "application/pdf") && store_check_pdf(u->path, e) < 0) {
		char msg[sizeof e->msg], code[sizeof e->code];
		snprintf(msg, sizeof msg, "%s", e->msg);
		snprintf(code, sizeof code, "%s", e->code);   /* err_set writes e->code: never pass it its own field */
		return err_set(e, 400, code, "« %s » (%s) : %s", u->filename, what, msg);
	}
	return 0;
}

int sd_file_store(db *d, int64_t tenant, int64_t seance, int64_t point, const char *kind, const struct upload *u, const char *mime,
		  struct err *e)
{
	return sd_doc_add(d, tenant, seance, point, kind, u->filename, u->sha256, mime, (int64_t)u->size, NULL, e) < 0 ||
			       store_put_file(u->path, u->sha256, NULL, e) < 0 || store_record(d, u->sha256, u->size, mime, e) < 0
		       ? -1
		       : 0;
}

/* ---- the push ---------------------------------------------------------------------------------- */

/* One file of the push: the part, what it is (for messages), its kind and point index (-1: séance). */
struct pfile {
	const struct upload *u;
	char what[300], kind[16], mime[128];
	int point;
};

struct push {
	struct pfile *f;
	size_t n, cap;
};

static const struct upload *part(struct req *r, const char *name, int *count)
{
	const struct upload *found = NULL;
	*count = 0;
	for (int i = 0; i < r->nuploads; i++)
		if (!strcmp(r->uploads[i].field, name)) {
			found = found ? found : &r->uploads[i];
			(*count)++;
		}
	return found;
}

static int add_file(struct req *r, struct push *p, const char *name, const char *kind, int point, const char *what, struct err *e)
{
	if (!*name)
		return err_set(e, 400, "seance.fichier", "%s : nom de la partie du fichier manquant.", what);
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->f[i].u->field, name))
			return err_set(e, 400, "seance.fichier", "La partie « %s » est référencée deux fois (%s et %s).", name, p->f[i].what, what);
	int count;
	const struct upload *u = part(r, name, &count);
	if (!u)
		return err_set(e, 400, "seance.fichier", "La partie « %s » (%s) est absente de l'envoi.", name, what);
	if (count > 1)
		return err_set(e, 400, "seance.fichier", "La partie « %s » figure %d fois dans l'envoi.", name, count);
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->f = realloc(p->f, p->cap * sizeof *p->f);
	}
	struct pfile *f = &p->f[p->n++];
	memset(f, 0, sizeof *f);
	f->u = u;
	f->point = point;
	snprintf(f->kind, sizeof f->kind, "%s", kind);
	snprintf(f->what, sizeof f->what, "%s", what);
	int pdf = !strcmp(kind, "principal") || !strcmp(kind, "convocation") || !strcmp(kind, "note_synthese");
	return sd_file_check(u, what, pdf, f->mime, e);
}

/* Collects and checks every file the JSON references; every uploaded part must be referenced. */
static int push_files(struct req *r, json_t *j, struct push *p, struct err *e)
{
	json_t *docs = json_object_get(j, "documents"), *pts = json_object_get(j, "points");
	if ((docs && !json_is_array(docs)) || (pts && !json_is_array(pts)))
		return err_set(e, 400, "seance.format", "« documents » et « points » sont des listes.");
	if (json_array_size(pts) > PUSH_MAX_POINTS)
		return err_set(e, 413, "seance.points", "%zu points : %d au plus par séance.", json_array_size(pts), PUSH_MAX_POINTS);
	size_t i, k;
	json_t *it, *a;
	char what[300];
	json_array_foreach(docs, i, it) {
		const char *type = sd_str(it, "type");
		if (strcmp(type, "convocation") && strcmp(type, "note_synthese") && strcmp(type, "autre"))
			return err_set(e, 400, "document.type", "Document %zu de la séance : type « %s » inconnu (convocation, note_synthese ou autre).",
				       i + 1, type);
		snprintf(what, sizeof what, "document %zu de la séance", i + 1);
		if (add_file(r, p, sd_str(it, "fichier"), type, -1, what, e) < 0)
			return -1;
	}
	json_array_foreach(pts, i, it) {
		if (!json_is_object(it))
			return err_set(e, 400, "seance.format", "Point %zu : un objet est attendu.", i + 1);
		if (*sd_str(it, "projet")) {
			snprintf(what, sizeof what, "projet du point %zu « %.200s »", i + 1, sd_str(it, "titre"));
			if (add_file(r, p, sd_str(it, "projet"), "principal", (int)i, what, e) < 0)
				return -1;
		}
		json_t *an = json_object_get(it, "annexes");
		if (an && !json_is_array(an))
			return err_set(e, 400, "seance.format", "Point %zu : « annexes » est une liste de noms de parties.", i + 1);
		if (json_array_size(an) > PUSH_MAX_ANNEXES)
			return err_set(e, 413, "seance.annexes", "Point %zu : %d annexes au plus.", i + 1, PUSH_MAX_ANNEXES);
		json_array_foreach(an, k, a) {
			snprintf(what, sizeof what, "annexe %zu du point %zu", k + 1, i + 1);
			if (add_file(r, p, json_is_string(a) ? json_string_value(a) : "", "annexe", (int)i, what, e) < 0)
				return -1;
		}
	}
	for (int u = 0; u < r->nuploads; u++) {
		int used = 0;
		for (size_t f = 0; f < p->n; f++)
			used |= p->f[f].u == &r->uploads[u];
		if (!used && strcmp(r->uploads[u].field, "seance") != 0)
			return err_set(e, 400, "seance.fichier", "La partie « %s » (%s) n'est référencée par aucun document ni point.",
				       r->uploads[u].field, r->uploads[u].filename);
	}
	return 0;
}

/* Stores the séance, its points and files (the caller's transaction). */
static int push_store(struct req *r, db *d, int64_t tenant, json_t *j, struct push *p, int64_t *id, struct err *e)
{
	if (sd_seance_save(d, tenant, 0, j, id, e) < 0)
		return -1;
	size_t n = json_array_size(json_object_get(j, "points")), i;
	int64_t *pid = calloc(n ? n : 1, sizeof *pid);
	json_t *it;
	int rc = 0;
	json_array_foreach(json_object_get(j, "points"), i, it) {
		if (sd_point_save(d, tenant, *id, 0, it, &pid[i], e) < 0) {
			char msg[sizeof e->msg], code[sizeof e->code];
			snprintf(msg, sizeof msg, "%s", e->msg);
			snprintf(code, sizeof code, "%s", e->code);
			err_set(e, e->status ? e->status : 400, code, "Point %zu : %s", i + 1, msg);
			rc = -1;
			break;
		}
	}
	for (size_t f = 0; rc == 0 && f < p->n; f++)
		if (sd_file_store(d, tenant, *id, p->f[f].point < 0 ? 0 : pid[p->f[f].point], p->f[f].kind, p->f[f].u, p->f[f].mime, e) < 0)
			rc = -1;
	free(pid);
	(void)r;
	return rc;
}

/* The JSON of a raw upload (application/json body on an upload route), bounded by max_body. */
static json_t *upload_json(struct req *r, const struct upload *u, struct err *e)
{
	if (!u)
		return err_set(e, 400, "json.malformed", "Corps JSON vide."), NULL;
	if (u->size > cfg.max_body)
		return err_set(e, 413, "http.too_large", "Description JSON trop volumineuse : %zu octets au plus.", cfg.max_body), NULL;
	buf b = BUF_INIT;
	if (buf_read_file(&b, u->path, cfg.max_body) < 0) {
		buf_free(&b);
		return err_set(e, 400, "json.malformed", "Description JSON illisible."), NULL;
	}
	json_error_t je;
	json_t *j = json_loadb(b.data ? b.data : "", b.len, JSON_REJECT_DUPLICATES, &je);
	buf_free(&b);
	(void)r;
	if (!j)
		return err_set(e, 400, "json.malformed", "JSON mal formé (ligne %d, colonne %d) : %s.", je.line, je.column, je.text), NULL;
	if (!json_is_object(j)) {
		json_decref(j);
		return err_set(e, 400, "json.objet", "Un objet JSON est attendu."), NULL;
	}
	return j;
}

/* organe: an id, or organe_nom (exact name, case ignored). */
int sd_push_organe(db *d, int64_t tenant, json_t *j, struct err *e)
{
	const char *nom = sd_str(j, "organe_nom");
	if (sd_int(j, "organe", 0) || !*nom)
		return 0;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM organes WHERE tenant_id = $1 AND LOWER(name) = LOWER($2) ORDER BY id LIMIT 1", "t",
			       nom);
	if (!s)
		return -1;
	int64_t id = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	if (!id)
		return err_set(e, 400, "seance.organe", "Assemblée « %s » inconnue dans la collectivité.", nom);
	json_object_set_new(j, "organe", json_integer(id));
	return 0;
}

/* Checks every file, then stores all in one transaction (after pre, when given, in it). */
static int push_run(struct req *r, db *d, int64_t tenant, json_t *j, int (*pre)(db *, int64_t, json_t *, void *, struct err *), void *arg,
		    int64_t *id, int *nfiles, struct err *e)
{
	struct push p = { 0 };
	int rc = -1;
	if (push_files(r, j, &p, e) < 0)
		goto out;
	if (db_begin_write(d, e) < 0)
		goto out;
	if ((pre && pre(d, tenant, j, arg, e) < 0) || sd_push_organe(d, tenant, j, e) < 0 || push_store(r, d, tenant, j, &p, id, e) < 0 ||
	    db_commit(d, e) < 0) {
		db_rollback(d);
		goto out;
	}
	*nfiles = (int)p.n;
	rc = 0;
out:
	free(p.f);
	return rc;
}

int sd_seance_push(struct req *r, db *d, int64_t *id, struct err *e)
{
	int count;
	const struct upload *ju = part(r, "seance", &count);
	json_t *j = ju ? upload_json(r, ju, e) : NULL;
	if (!ju) {
		const char *t = req_form(r, "seance");
		json_error_t je;
		if (!t)
			return err_set(e, 400, "seance.json", "Partie « seance » (description JSON de la séance) absente.");
		j = json_loads(t, JSON_REJECT_DUPLICATES, &je);
		if (!j)
			return err_set(e, 400, "json.malformed", "Partie « seance » : JSON mal formé (ligne %d, colonne %d) : %s.", je.line, je.column,
				       je.text);
		if (!json_is_object(j)) {
			json_decref(j);
			return err_set(e, 400, "json.objet", "Partie « seance » : un objet JSON est attendu.");
		}
	}
	if (!j)
		return -1;
	int n = 0, rc = push_run(r, d, r->tenant_id, j, NULL, NULL, id, &n, e);
	if (rc == 0)
		audit_req(r, "seance.creation", arena_printf(r->a, "%lld", (long long)*id),
			  arena_printf(r->a, "%s — envoi complet : %zu points, %d fichiers", sd_str(j, "titre"), json_array_size(json_object_get(j, "points")), n));
	json_decref(j);
	return rc;
}

/* The JSON of an application/json body sent to the upload route POST /api/v1/seances. */
json_t *sd_push_plain_json(struct req *r, struct err *e)
{
	int count;
	const struct upload *u = part(r, "file", &count);
	return upload_json(r, u, e);
}

/* ---- web-delib: POST /seances.json ---------------------------------------------------------------- */

/* Settings of the collectivité for the connector: may it create an assembly named by type_seance? */
static int webdelib_creer(db *d, int64_t tenant)
{
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT creer_organes FROM seance_webdelib WHERE tenant_id = $1", "");
	int v = s && rc == DB_ROW ? (int)db_col_int64(s, 0) : 0;
	if (s)
		db_finalize(s);
	return v;
}

static int wd_answer(struct req *r, int ok, const char *msg, int64_t id)
{
	json_t *j = json_pack("{s:b,s:s,s:s}", "success", ok, "code", ok ? "Seance.add.ok" : "Seance.add.error", "message", msg);
	if (ok)
		json_object_set_new(j, "uuid", json_sprintf("%lld", (long long)id));
	return res_json(r, ok ? 200 : 400, j);
}

/* conn (the collectivité's SIREN) + username/password of a secretary, agent or administrator of it
 * with the iDélibre tier: sets r->tenant_id, r->user_id. */
static int wd_login(struct req *r, db *d, struct err *e)
{
	const char *conn = req_form(r, "conn"), *login = req_form(r, "username"), *pw = req_form(r, "password");
	if (!conn || !*conn || !login || !*login || !pw || !*pw)
		return err_set(e, 400, "webdelib.champs", "Les champs jsonData, username, password et conn sont obligatoires.");
	int rc;
	db_stmt *s = db_query(d, e, &rc, "SELECT id, tiers FROM collectivites WHERE siren = $1", "t", conn);
	if (!s)
		return -1;
	int64_t tenant = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	unsigned tiers = rc == DB_ROW ? (unsigned)db_col_int64(s, 1) : 0;
	db_finalize(s);
	int64_t user = 0;
	if (login_attempt(d, r, login, pw, &user, e) < 0)
		return -1;
	if (!tenant)
		return err_set(e, 403, "webdelib.conn", "Connexion « %s » inconnue (conn = SIREN de la collectivité).", conn);
	if (!(tiers_to_route_flags(tiers) & RF_TIER_IDELIBRE))
		return err_set(e, 403, "tier.absent", "Ce service n'est pas souscrit par la collectivité.");
	s = db_query(d, e, &rc, "SELECT roles FROM memberships WHERE user_id = $1 AND tenant_id = $2", "ii", user, tenant);
	if (!s)
		return -1;
	unsigned roles = rc == DB_ROW ? (unsigned)db_col_int64(s, 0) : 0;
	db_finalize(s);
	if (!(roles & SEC))
		return err_set(e, 403, "webdelib.role", "Le compte « %s » n'est ni secrétaire, ni agent, ni administrateur de la collectivité.", login);
	r->tenant_id = tenant;
	r->user_id = user;
	r->roles = roles;
	return 0;
}

/* The acteurs_convoques of web-delib (a JSON string or a list of {"Acteur": {nom, prenom, salutation,
 * titre, email}}), as a list of member objects. */
static json_t *wd_acteurs(json_t *raw)
{
	json_t *list = json_is_string(raw) ? json_loads(json_string_value(raw), 0, NULL) : json_incref(raw), *out = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(list, i, a) {
		json_t *x = json_object_get(a, "Acteur") ? json_object_get(a, "Acteur") : a;
		if (!*sd_str(x, "nom"))
			continue;
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "nom", sd_str(x, "nom"), "prenom", sd_str(x, "prenom"), "civilite",
						     sd_str(x, "salutation"), "fonction", sd_str(x, "titre"), "courriel", sd_str(x, "email"), "qualite",
						     "titulaire"));
	}
	json_decref(list);
	return out;
}

struct wd_organe {
	const char *nom;
	json_t *acteurs;
	int creer;
};

/* In the transaction: the assembly named type_seance, created (with the convened actors as members)
 * when it does not exist and the collectivité allows it. */
static int wd_organe(db *d, int64_t tenant, json_t *j, void *arg, struct err *e)
{
	struct wd_organe *w = arg;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM organes WHERE tenant_id = $1 AND LOWER(name) = LOWER($2) ORDER BY id LIMIT 1", "t",
			       w->nom);
	if (!s)
		return -1;
	int64_t id = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	if (!id) {
		if (!w->creer)
			return err_set(e, 422, "webdelib.organe",
				       "Type de séance « %s » inconnu : créez l'assemblée de ce nom dans Opale, ou autorisez sa création par le "
				       "connecteur (paramètres web-delib de la collectivité).",
				       w->nom);
		struct collectivite c;
		if (collectivite_get(d, tenant, &c, e) < 0)
			return -1;
		const char *nature = !strcmp(c.kind, "commune") ? "commune" : !strcmp(c.kind, "departement") ? "departement"
				     : !strcmp(c.kind, "region")    ? "region"
									: "epci";
		json_t *o = json_pack("{s:s,s:s,s:I}", "nom", w->nom, "nature", nature, "population", (json_int_t)c.population);
		rc = sd_organe_save(d, tenant, 0, o, &id, e);
		json_decref(o);
		if (rc < 0)
			return -1;
		size_t i;
		json_t *m;
		json_array_foreach(w->acteurs, i, m) {
			int64_t mid;
			if (sd_membre_save(d, tenant, id, 0, m, &mid, e) < 0) {
				char msg[sizeof e->msg], code[sizeof e->code];
				snprintf(msg, sizeof msg, "%s", e->msg);
				snprintf(code, sizeof code, "%s", e->code);
				return err_set(e, 400, code, "Acteur « %s %s » : %s", sd_str(m, "prenom"), sd_str(m, "nom"), msg);
			}
		}
	}
	json_object_set_new(j, "organe", json_integer(id));
	/* Rapporteurs: members of the assembly by first and last name, else their name as text. */
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(j, "points"), i, p) {
		const char *fn = sd_str(p, "_rap_prenom"), *ln = sd_str(p, "_rap_nom");
		if (*ln) {
			s = tdb_query(d, tenant, e, &rc,
				      "SELECT id FROM membres WHERE tenant_id = $1 AND organe_id = $2 AND LOWER(first_name) = LOWER($3) AND LOWER(last_name) = LOWER($4)"
				      " ORDER BY id LIMIT 1", "itt", id, fn, ln);
			if (!s)
				return -1;
			if (rc == DB_ROW)
				json_object_set_new(p, "rapporteur", json_integer(db_col_int64(s, 0)));
			else
				json_object_set_new(p, "rapporteur_nom", json_sprintf("%s %s", fn, ln));
			db_finalize(s);
		}
		json_object_del(p, "_rap_prenom");
		json_object_del(p, "_rap_nom");
	}
	/* idelibre refuses a second séance of the same type at the same time. */
	s = tdb_query(d, tenant, e, &rc, "SELECT id FROM seances WHERE tenant_id = $1 AND organe_id = $2 AND starts_at = $3", "ii", id,
		      sd_int(j, "_debut", 0));
	if (!s)
		return -1;
	int dup = rc == DB_ROW;
	db_finalize(s);
	json_object_del(j, "_debut");
	if (dup)
		return err_set(e, 409, "webdelib.doublon", "Une séance « %s » existe déjà à cette date et cette heure.", w->nom);
	return 0;
}

static int cmp_ordre(const void *a, const void *b)
{
	int64_t x = sd_int(*(json_t *const *)a, "ordre", 0), y = sd_int(*(json_t *const *)b, "ordre", 0);
	return x < y ? -1 : x > y;
}

/* web-delib's jsonData → our push description (file parts named as web-delib names them). */
static json_t *wd_translate(json_t *raw, struct err *e)
{
	const char *date = sd_str(raw, "date_seance"), *type = sd_str(raw, "type_seance");
	if (!*date)
		return err_set(e, 400, "webdelib.date", "date_seance est obligatoire."), NULL;
	if (!*type)
		return err_set(e, 400, "webdelib.type", "type_seance est obligatoire."), NULL;
	json_t *pts = json_object_get(raw, "projets");
	if (pts && !json_is_array(pts))
		return err_set(e, 400, "webdelib.projets", "projets : une liste est attendue."), NULL;
	size_t n = json_array_size(pts), i, k;
	if (n > PUSH_MAX_POINTS)
		return err_set(e, 413, "seance.points", "%zu projets : %d au plus par séance.", n, PUSH_MAX_POINTS), NULL;
	json_t **sorted = calloc(n ? n : 1, sizeof *sorted), *it, *a;
	json_array_foreach(pts, i, it) {
		if (!json_is_object(it) || !json_object_get(it, "ordre") || sd_int(it, "ordre", -1) < 0) {
			free(sorted);
			return err_set(e, 400, "webdelib.projets", "projets[%zu] : « ordre » (entier ≥ 0) est obligatoire.", i), NULL;
		}
		if (!*sd_str(it, "libelle")) {
			free(sorted);
			return err_set(e, 400, "webdelib.projets", "projets[%zu] : « libelle » est obligatoire.", i), NULL;
		}
		sorted[i] = it;
	}
	qsort(sorted, n, sizeof *sorted, cmp_ordre);
	json_t *j = json_pack("{s:s,s:s,s:s,s:[{s:s,s:s}]}", "titre", type, "date", date, "lieu", sd_str(raw, "place"), "documents", "type",
			      "convocation", "fichier", "convocation");
	json_t *out = json_array();
	for (i = 0; i < n; i++) {
		int64_t o = sd_int(sorted[i], "ordre", 0);
		json_t *p = json_pack("{s:s,s:s,s:s}", "titre", sd_str(sorted[i], "libelle"), "theme", sd_str(sorted[i], "theme"), "projet", "");
		json_object_set_new(p, "projet", json_sprintf("projet_%lld_rapport", (long long)o));
		json_t *rap = json_object_get(sorted[i], "Rapporteur");
		if (json_is_object(rap) && *sd_str(rap, "rapporteurlastname")) {
			json_object_set_new(p, "_rap_nom", json_string(sd_str(rap, "rapporteurlastname")));
			json_object_set_new(p, "_rap_prenom", json_string(sd_str(rap, "rapporteurfirstname")));
		}
		json_t *an = json_array();
		json_array_foreach(json_object_get(sorted[i], "annexes"), k, a) {
			if (!json_object_get(a, "ordre") || sd_int(a, "ordre", -1) < 0) {
				json_decref(an);
				json_decref(p);
				json_decref(out);
				json_decref(j);
				free(sorted);
				return err_set(e, 400, "webdelib.annexes", "projets (ordre %lld) : annexes[%zu] sans « ordre ».", (long long)o, k), NULL;
			}
			json_array_append_new(an, json_sprintf("projet_%lld_%lld_annexe", (long long)o, (long long)sd_int(a, "ordre", 0)));
		}
		json_object_set_new(p, "annexes", an);
		json_array_append_new(out, p);
	}
	free(sorted);
	json_object_set_new(j, "points", out);
	return j;
}

/* The instant of date_seance (Paris), for the duplicate check; 0 when unreadable (sd_seance_save says
 * why later). */
static int64_t wd_when(const char *date)
{
	struct paris_time p = { 0 };
	char day[11];
	if (strlen(date) < 16)
		return 0;
	memcpy(day, date, 10);
	day[10] = '\0';
	if (date_parse(day, &p.date, NULL) < 0)
		return 0;
	p.hh = atoi(date + 11);
	p.mm = atoi(date + 14);
	p.ss = strlen(date) >= 19 ? atoi(date + 17) : 0;
	int64_t t = 0;
	return paris_to_utc(&p, PARIS_EARLIER, &t, NULL, NULL) < 0 ? 0 : t;
}

static int webdelib(struct req *r)
{
	struct err e = { 0 };
	db *d = db_thread(&e);
	if (!d)
		return wd_answer(r, 0, "Base de données indisponible.", 0);
	if (wd_login(r, d, &e) < 0)
		return wd_answer(r, 0, e.msg, 0);
	const char *data = req_form(r, "jsonData");
	if (!data || !*data)
		return wd_answer(r, 0, "Les champs jsonData, username, password et conn sont obligatoires.", 0);
	json_t *raw = json_loads(data, 0, NULL);
	if (!json_is_object(raw)) {
		json_decref(raw);
		return wd_answer(r, 0, "jsonData n'est pas un objet JSON valide.", 0);
	}
	json_t *j = wd_translate(raw, &e);
	struct wd_organe w = { sd_str(raw, "type_seance"), wd_acteurs(json_object_get(raw, "acteurs_convoques")), webdelib_creer(d, r->tenant_id) };
	int64_t id = 0;
	int n = 0;
	if (j)
		json_object_set_new(j, "_debut", json_integer(wd_when(sd_str(raw, "date_seance"))));
	int rc = j ? push_run(r, d, r->tenant_id, j, wd_organe, &w, &id, &n, &e) : -1;
	if (rc == 0)
		audit_req(r, "seance.creation", arena_printf(r->a, "%lld", (long long)id),
			  arena_printf(r->a, "%s — web-delib : %zu projets, %d fichiers", w.nom, json_array_size(json_object_get(j, "points")), n));
	json_decref(w.acteurs);
	json_decref(j);
	json_decref(raw);
	return rc == 0 ? wd_answer(r, 1, "La séance a bien été ajoutée.", id) : wd_answer(r, 0, e.msg, 0);
}
OPALE_ROUTE(sd_webdelib_r, "POST", "/seances.json", webdelib, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF | RF_UPLOAD);

/* web-delib's connection test: "success", or the reason with 403. */
static int webdelib_check(struct req *r)
{
	struct err e = { 0 };
	db *d = db_thread(&e);
	if (!d || wd_login(r, d, &e) < 0)
		return res_text(r, d ? 403 : 503, "text/plain; charset=utf-8", d ? e.msg : "indisponible", strlen(d ? e.msg : "indisponible"));
	return res_text(r, 200, "text/plain; charset=utf-8", "success", 7);
}
OPALE_ROUTE(sd_webdelib_check_r, "POST", "/api300/check", webdelib_check, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF | RF_UPLOAD);

static int webdelib_ping(struct req *r)
{
	return res_text(r, 200, "text/plain; charset=utf-8", "ping", 4);
}
OPALE_ROUTE(sd_webdelib_ping_r, "GET", "/api300/ping", webdelib_ping, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

/* GET/PUT /api/v1/webdelib {creer_organes}: may the connector create an assembly for an unknown
 * type_seance (nature from the collectivité's kind, members = the convened actors). */
static int settings_get(struct req *r)
{
	db *d = req_db(r);
	return d ? res_json(r, 200, json_pack("{s:b}", "creer_organes", webdelib_creer(d, r->tenant_id))) : -1;
}
OPALE_ROUTE(sd_webdelib_get_r, "GET", "/api/v1/webdelib", settings_get, SEC | ROLE_AUDITOR, SCOPE_TENANT, IDL);

static int settings_put(struct req *r)
{
	json_t *j = req_json(r);
	db *d = j ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e = { 0 };
	int v = sd_bool(j, "creer_organes");
	int64_t now = identity_now();
	int rc = db_begin_write(d, &e) == 0 &&
				 tdb_run(d, r->tenant_id, &e, "DELETE FROM seance_webdelib WHERE tenant_id = $1", "") == 0 &&
				 tdb_run(d, r->tenant_id, &e, "INSERT INTO seance_webdelib (tenant_id, creer_organes, updated_at) VALUES ($1,$2,$3)", "ii",
					 (int64_t)v, now) == 0 &&
				 db_commit(d, &e) == 0
			 ? 0
			 : (db_rollback(d), -1);
	if (rc < 0)
		return res_fail_err(r, &e);
	audit_req(r, "seance.webdelib", "creer_organes", v ? "oui" : "non");
	return res_json(r, 200, json_pack("{s:b}", "creer_organes", v));
}
OPALE_ROUTE(sd_webdelib_put_r, "PUT", "/api/v1/webdelib", settings_put, ROLE_ADMIN, SCOPE_TENANT, IDL);
