/* cloture: the end of a séance and what follows a séance without quorum.
 * - « Clore la séance » records the closing time and a proof event (SHA-256 of the attendance and
 *   votes as they stand); afterwards answers, pouvoirs, attendance and votes are refused (409
 *   seance.close) until an administrator reopens it with a reason (event + audit).
 * - A séance that lacked the quorum is recorded as such (checked against its attendance); a later
 *   séance of the same organe may then be declared its « seconde convocation » (CGCT L2121-17 al. 2):
 *   the points of the first agenda are voted without quorum condition (seance_sans_quorum_check).
 * Schema: src/db/migrations/0043_seance_cloture.sql; docs/seances.md « Clôture » and « Seconde
 * convocation ». */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
#include "db/tenant.h"
#include "http/action.h"
#include "http/http.h"
#include "identity/identity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDL (RF_TIER_IDELIBRE)
#define SEC (ROLE_ADMIN | ROLE_AGENT | ROLE_SECRETAIRE)

struct sc_row {
	int64_t organe, starts_at, closed_at, quorum_manque_at, seconde_de, sent_at;
	char status[32], title[512];
};

static int row_load(db *d, int64_t tenant, int64_t seance, struct sc_row *r, struct err *e)
{
	memset(r, 0, sizeof *r);
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT organe_id, starts_at, closed_at, quorum_manque_at, seconde_de, sent_at, status, title FROM seances"
			       " WHERE tenant_id = $1 AND id = $2", "i", seance);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "seance.inconnue", "Séance introuvable.");
	}
	r->organe = db_col_int64(s, 0);
	r->starts_at = db_col_int64(s, 1);
	r->closed_at = db_col_int64(s, 2);
	r->quorum_manque_at = db_col_int64(s, 3);
	r->seconde_de = db_col_int64(s, 4);
	r->sent_at = db_col_int64(s, 5);
	snprintf(r->status, sizeof r->status, "%s", db_col_text(s, 6));
	snprintf(r->title, sizeof r->title, "%s", db_col_text(s, 7));
	db_finalize(s);
	return 0;
}

static struct date paris_day(int64_t t)
{
	struct paris_time p = { 0 };
	paris_from_utc(t, &p, NULL);
	return p.date;
}

int sd_seance_ouverte(db *d, int64_t tenant, int64_t seance, struct err *e)
{
	struct sc_row r;
	if (row_load(d, tenant, seance, &r, e) < 0)
		return -1;
	if (!r.closed_at)
		return 0;
	char w[80];
	return err_set(e, 409, "seance.close",
		       "La séance a été close le %s : les présences, les pouvoirs et les votes ne peuvent plus être modifiés "
		       "(un administrateur peut la rouvrir en indiquant le motif).",
		       sd_fmt_paris(r.closed_at, w, sizeof w));
}

static void event(db *d, int64_t tenant, int64_t seance, int64_t now, const char *kind, const char *detail)
{
	struct err e;
	tdb_run(d, tenant, &e, "INSERT INTO seance_events (tenant_id, seance_id, membre_id, at, kind, detail) VALUES ($1,$2,0,$3,$4,$5)",
		"iitt", seance, now, kind, detail);
}

/* SHA-256 of the attendance and the votes as they stand (canonical JSON), for the closing proof. */
static int state_hash(db *d, int64_t tenant, int64_t seance, char out[65], int *votes, struct err *e)
{
	json_t *p = sd_presences(d, tenant, seance, e);
	json_t *v = p ? sd_votes_seance(d, tenant, seance, e) : NULL;
	if (!v) {
		json_decref(p);
		return -1;
	}
	*votes = (int)json_object_size(v);
	json_t *all = json_pack("{s:o,s:o}", "presences", p, "votes", v);
	char *txt = json_dumps(all, JSON_SORT_KEYS | JSON_COMPACT);
	identity_sha256_hex(txt ? txt : "", out);
	free(txt);
	json_decref(all);
	return 0;
}

int sd_seance_clore(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t now, struct err *e)
{
	struct sc_row r;
	if (row_load(d, tenant, seance, &r, e) < 0)
		return -1;
	char w[80];
	if (r.closed_at)
		return err_set(e, 409, "seance.close", "La séance est déjà close depuis le %s.", sd_fmt_paris(r.closed_at, w, sizeof w));
	if (now < r.starts_at)
		return err_set(e, 409, "seance.cloture",
			       "La séance du %s n'a pas commencé : elle ne peut pas être close avant son ouverture.",
			       sd_fmt_paris(r.starts_at, w, sizeof w));
	char sha[65];
	int votes = 0;
	if (state_hash(d, tenant, seance, sha, &votes, e) < 0)
		return -1;
	if (db_begin_write(d, e) < 0)
		return -1;
	if (tdb_run(d, tenant, e,
		    "UPDATE seances SET status = 'close', closed_at = $3, closed_by = $4, updated_at = $3 WHERE tenant_id = $1 AND id = $2 AND closed_at = 0",
		    "iii", seance, now, user) < 0) {
		db_rollback(d);
		return -1;
	}
	if (db_changes(d) == 0) {
		db_rollback(d);
		return err_set(e, 409, "seance.close", "La séance vient d'être close par quelqu'un d'autre.");
	}
	char detail[400];
	snprintf(detail, sizeof detail, "séance close le %s ; %d vote%s enregistré%s ; présences et votes : SHA-256 %s",
		 sd_fmt_paris(now, w, sizeof w), votes, votes > 1 ? "s" : "", votes > 1 ? "s" : "", sha);
	event(d, tenant, seance, now, "cloture", detail);
	if (db_commit(d, e) < 0) {
		db_rollback(d);
		return -1;
	}
	return 0;
}

int sd_seance_rouvrir(db *d, int64_t tenant, int64_t seance, const char *motif, int64_t now, struct err *e)
{
	struct sc_row r;
	if (row_load(d, tenant, seance, &r, e) < 0)
		return -1;
	if (!r.closed_at)
		return err_set(e, 409, "seance.ouverte", "La séance n'est pas close.");
	if (!motif || strlen(motif) < 10)
		return err_set(e, 400, "seance.motif", "Indiquez le motif de la réouverture (10 caractères au moins) : il est conservé dans le journal.");
	if (db_begin_write(d, e) < 0)
		return -1;
	char w[80], detail[1200];
	snprintf(detail, sizeof detail, "séance rouverte (close le %s) : %s", sd_fmt_paris(r.closed_at, w, sizeof w), motif);
	if (tdb_run(d, tenant, e,
		    "UPDATE seances SET status = $3, closed_at = 0, closed_by = 0, updated_at = $4 WHERE tenant_id = $1 AND id = $2", "iti", seance,
		    r.sent_at ? "convoquee" : "preparation", now) < 0) {
		db_rollback(d);
		return -1;
	}
	event(d, tenant, seance, now, "reouverture", detail);
	if (db_commit(d, e) < 0) {
		db_rollback(d);
		return -1;
	}
	return 0;
}

/* ---- second convocation ------------------------------------------------------------------------ */

int sd_quorum_manque(db *d, int64_t tenant, int64_t seance, int64_t now, char regle[400], struct err *e)
{
	struct sc_row r;
	if (row_load(d, tenant, seance, &r, e) < 0)
		return -1;
	char w[80];
	if (now < r.starts_at)
		return err_set(e, 409, "seance.quorum_manque",
			       "La séance du %s n'a pas encore eu lieu : l'absence de quorum se constate en séance.",
			       sd_fmt_paris(r.starts_at, w, sizeof w));
	if (r.quorum_manque_at)
		return err_set(e, 409, "seance.quorum_manque", "L'absence de quorum de cette séance est déjà constatée.");
	json_t *p = sd_presences(d, tenant, seance, e);
	if (!p)
		return -1;
	const char *first = NULL;
	size_t i;
	json_t *pt;
	json_array_foreach(json_object_get(p, "points"), i, pt) if (!first && !sd_bool(pt, "atteint"))
		first = sd_str(pt, "regle");
	if (!json_array_size(json_object_get(p, "points"))) {
		json_decref(p);
		return err_set(e, 409, "seance.quorum_manque", "La séance n'a pas d'ordre du jour.");
	}
	if (!first) {
		json_t *q = json_array_get(json_object_get(p, "points"), 0);
		err_set(e, 409, "seance.quorum_manque",
			"D'après la feuille d'émargement, le quorum était atteint pour chaque point (%s) : l'absence de quorum ne peut "
			"pas être constatée. Complétez l'émargement s'il est inexact.",
			sd_str(q, "regle"));
		json_decref(p);
		return -1;
	}
	snprintf(regle, 400, "%s", first);
	json_decref(p);
	if (db_begin_write(d, e) < 0)
		return -1;
	char detail[600];
	snprintf(detail, sizeof detail, "absence de quorum constatée (CGCT art. L2121-17) : %s", regle);
	if (tdb_run(d, tenant, e, "UPDATE seances SET quorum_manque_at = $3, quorum_manque_regle = $4 WHERE tenant_id = $1 AND id = $2", "iit",
		    seance, now, regle) < 0) {
		db_rollback(d);
		return -1;
	}
	event(d, tenant, seance, now, "quorum_manque", detail);
	if (db_commit(d, e) < 0) {
		db_rollback(d);
		return -1;
	}
	return 0;
}

int sd_seconde_check(db *d, int64_t tenant, int64_t organe, int64_t starts_at, int64_t premiere, int64_t seance, struct err *e)
{
	if (premiere == seance)
		return err_set(e, 400, "seance.seconde", "Une séance ne peut pas être la seconde convocation d'elle-même.");
	struct sc_row r;
	if (row_load(d, tenant, premiere, &r, e) < 0)
		return err_set(e, 400, "seance.seconde", "La première séance (n° %lld) est introuvable.", (long long)premiere);
	if (r.organe != organe)
		return err_set(e, 400, "seance.seconde", "La première séance « %s » est celle d'une autre assemblée.", r.title);
	if (r.starts_at >= starts_at)
		return err_set(e, 400, "seance.seconde", "La seconde convocation doit suivre la première séance « %s ».", r.title);
	return seance_sans_quorum_check(paris_day(r.starts_at), r.quorum_manque_at != 0, 1, paris_day(starts_at), e);
}

int sd_point_origine_check(db *d, int64_t tenant, int64_t seance, int64_t origine, struct err *e)
{
	if (!origine)
		return 0;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT p.id FROM seance_points p JOIN seances s ON s.id = $2 WHERE p.tenant_id = $1 AND p.id = $3"
			       " AND s.seconde_de > 0 AND p.seance_id = s.seconde_de", "ii", seance, origine);
	if (!s)
		return -1;
	int ok = rc == DB_ROW;
	db_finalize(s);
	return ok ? 0
		  : err_set(e, 400, "point.origine",
			    "Le point d'origine doit appartenir à l'ordre du jour de la première séance dont celle-ci est la seconde convocation.");
}

int sd_sans_quorum(db *d, int64_t tenant, int64_t seance, int64_t point, struct err *e)
{
	struct sc_row r, first;
	if (row_load(d, tenant, seance, &r, e) < 0)
		return -1;
	if (!r.seconde_de)
		return 0;
	if (row_load(d, tenant, r.seconde_de, &first, e) < 0)
		return -1;
	/* The point was on the first agenda: declared (origine_id) or the same title. */
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT p.id FROM seance_points p JOIN seance_points f ON f.seance_id = $3 AND (f.id = p.origine_id OR f.title = p.title)"
			       " WHERE p.tenant_id = $1 AND p.id = $2 AND f.tenant_id = $1", "ii", point, r.seconde_de);
	if (!s)
		return -1;
	int meme = rc == DB_ROW;
	db_finalize(s);
	if (seance_sans_quorum_check(paris_day(first.starts_at), first.quorum_manque_at != 0, meme, paris_day(r.starts_at), e) < 0)
		return -1;
	return 1;
}

/* Fields added to the séance's JSON: closing, quorum lacking, second convocation. */
void sd_seance_json_cloture(db *d, int64_t tenant, json_t *o)
{
	struct sc_row r;
	struct err e;
	if (row_load(d, tenant, sd_int(o, "id", 0), &r, &e) < 0)
		return;
	char w[80];
	struct paris_time p = { 0 };
	paris_from_utc(r.closed_at, &p, NULL);
	json_object_set_new(o, "close", json_boolean(r.closed_at != 0));
	json_object_set_new(o, "close_le", json_string(r.closed_at ? sd_fmt_paris(r.closed_at, w, sizeof w) : ""));
	json_object_set_new(o, "close_heure", r.closed_at ? json_sprintf("%02d h %02d", p.hh, p.mm) : json_string(""));
	json_object_set_new(o, "cloturee_a", json_integer(r.closed_at));
	json_object_set_new(o, "quorum_manque", json_boolean(r.quorum_manque_at != 0));
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT quorum_manque_regle FROM seances WHERE tenant_id = $1 AND id = $2", "i", sd_int(o, "id", 0));
	json_object_set_new(o, "quorum_manque_regle", json_string(s && rc == DB_ROW ? db_col_text(s, 0) : ""));
	if (s)
		db_finalize(s);
	json_object_set_new(o, "seconde_de", json_integer(r.seconde_de));
	struct sc_row f;
	if (r.seconde_de && row_load(d, tenant, r.seconde_de, &f, &e) == 0)
		json_object_set_new(o, "seconde", json_pack("{s:I,s:s,s:s}", "id", (json_int_t)r.seconde_de, "titre", f.title, "quand",
							    sd_fmt_paris(f.starts_at, w, sizeof w)));
}

/* Copies the first séance's agenda (points with their documents: same blobs) into the second. */
int sd_reprendre_points(db *d, int64_t tenant, int64_t seance, int64_t premiere, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT id, title, rapporteur_id, rapporteur, theme, matiere FROM seance_points WHERE tenant_id = $1 AND seance_id = $2"
			       " ORDER BY rank, id", "i", premiere);
	if (!s)
		return -1;
	json_t *pts = json_array();
	while (rc == DB_ROW) {
		json_array_append_new(pts, json_pack("{s:I,s:s,s:I,s:s,s:s,s:s}", "origine", (json_int_t)db_col_int64(s, 0), "titre", db_col_text(s, 1),
						     "rapporteur", (json_int_t)db_col_int64(s, 2), "rapporteur_nom", db_col_text(s, 3), "theme",
						     db_col_text(s, 4), "matiere", db_col_text(s, 5)));
		rc = db_step(s, e);
	}
	db_finalize(s);
	size_t i;
	json_t *p;
	int ret = 0;
	json_array_foreach(pts, i, p) {
		int64_t pid;
		if (sd_point_save(d, tenant, seance, 0, p, &pid, e) < 0) {
			ret = -1;
			break;
		}
		json_t *docs = json_array();
		s = tdb_query(d, tenant, e, &rc, "SELECT kind, name, sha256, mime, size FROM seance_docs WHERE tenant_id = $1 AND point_id = $2 ORDER BY rank, id",
			      "i", sd_int(p, "origine", 0));
		while (s && rc == DB_ROW) {
			json_array_append_new(docs, json_pack("{s:s,s:s,s:s,s:s,s:I}", "k", db_col_text(s, 0), "n", db_col_text(s, 1), "h", db_col_text(s, 2),
							      "m", db_col_text(s, 3), "z", (json_int_t)db_col_int64(s, 4)));
			rc = db_step(s, e);
		}
		if (s)
			db_finalize(s);
		else
			ret = -1;
		size_t k;
		json_t *dc;
		json_array_foreach(docs, k, dc) if (ret == 0 && sd_doc_add(d, tenant, seance, pid, sd_str(dc, "k"), sd_str(dc, "n"), sd_str(dc, "h"),
								       sd_str(dc, "m"), sd_int(dc, "z", 0), NULL, e) < 0)
			ret = -1;
		json_decref(docs);
		if (ret < 0)
			break;
	}
	json_decref(pts);
	return ret;
}

/* ---- routes ------------------------------------------------------------------------------------ */

static int clore_fn(struct act *a)
{
	return sd_seance_clore(a->d, a->tenant, a->id, a->r->user_id, identity_now(), &a->e);
}
OPALE_ACTION(api_clore, .id = "id", .fn = clore_fn, .audit = "seance.cloture", .answer = sd_act_seance)
OPALE_ROUTE(sd_clore_r, "POST", "/api/v1/seances/:id/cloture", api_clore, SEC, SCOPE_TENANT, IDL);

static int rouvrir_fn(struct act *a)
{
	a->audit_detail = sd_str(a->in, "motif");
	return sd_seance_rouvrir(a->d, a->tenant, a->id, a->audit_detail, identity_now(), &a->e);
}
OPALE_ACTION(api_rouvrir, .id = "id", .flags = ACT_JSON, .fn = rouvrir_fn, .audit = "seance.reouverture", .answer = sd_act_seance)
OPALE_ROUTE(sd_rouvrir_r, "POST", "/api/v1/seances/:id/reouverture", api_rouvrir, ROLE_ADMIN, SCOPE_TENANT, IDL);

static int quorum_manque_fn(struct act *a)
{
	char *regle = arena_alloc(a->r->a, 400);
	a->audit_detail = regle;
	return sd_quorum_manque(a->d, a->tenant, a->id, identity_now(), regle, &a->e);
}
OPALE_ACTION(api_quorum_manque, .id = "id", .fn = quorum_manque_fn, .audit = "seance.quorum_manque", .answer = sd_act_seance)
OPALE_ROUTE(sd_quorum_manque_r, "POST", "/api/v1/seances/:id/quorum-manque", api_quorum_manque, SEC, SCOPE_TENANT, IDL);

/* Page buttons: action = clore | rouvrir (motif) | quorum_manque. */
static int page_action(struct req *r)
{
	db *d;
	int64_t id = sd_seance_of(r, &d);
	if (!id)
		return -1;
	const char *a = req_form(r, "action"), *motif = req_form(r, "motif");
	struct err e = { 0 };
	int64_t now = identity_now();
	char regle[400] = "";
	int ok;
	const char *msg;
	if (a && !strcmp(a, "clore")) {
		ok = sd_seance_clore(d, r->tenant_id, id, r->user_id, now, &e) == 0;
		msg = "Séance close : présences, pouvoirs et votes sont désormais figés.";
		if (ok)
			audit_req(r, "seance.cloture", arena_printf(r->a, "%lld", (long long)id), "");
	} else if (a && !strcmp(a, "rouvrir")) {
		if (!(r->roles & ROLE_ADMIN))
			return res_fail(r, 403, "seance.reouverture", "Seul un administrateur peut rouvrir une séance close.");
		ok = sd_seance_rouvrir(d, r->tenant_id, id, motif, now, &e) == 0;
		msg = "Séance rouverte ; le motif est conservé dans le journal.";
		if (ok)
			audit_req(r, "seance.reouverture", arena_printf(r->a, "%lld", (long long)id), motif);
	} else if (a && !strcmp(a, "quorum_manque")) {
		ok = sd_quorum_manque(d, r->tenant_id, id, now, regle, &e) == 0;
		msg = "Absence de quorum constatée : la séance peut être suivie d'une seconde convocation.";
		if (ok)
			audit_req(r, "seance.quorum_manque", arena_printf(r->a, "%lld", (long long)id), regle);
	} else {
		return res_fail(r, 400, "seance.action", "Action inconnue.");
	}
	res_flash(r, ok ? "ok" : "erreur", ok ? msg : e.msg);
	return res_redirect(r, arena_printf(r->a, "/seances/%lld", (long long)id));
}
OPALE_ROUTE(sd_cloture_page, "POST", "/seances/:id/cloture", page_action, SEC, SCOPE_TENANT, IDL);
