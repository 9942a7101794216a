/* pv: after the séance — the procès-verbal (CGCT L2121-15): a draft generated from the séance
 * (date and time, place, president, members present / represented / absent / excused, secretary,
 * quorum, agenda, for each point the deliberation and its ballot) with the secretary's texts
 * (introduction, debates per point, conclusion), versioned, then brouillon → arrêté (the PDF frozen in
 * the store) → adopté at a later séance → signé (parapheur or by hand). Schema: 0042_pv.sql. */
#include "seance/pv.h"
#include "seance/sd_util.h"
#include "core/config.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "parapheur/parapheur.h"
#include "store/store.h"
#include "web/pdfdoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PV_TEXT_MAX (200 * 1024)

const char *sd_pv_etat_libelle(const char *etat)
{
	return !strcmp(etat, "arrete") ? "arrêté" : !strcmp(etat, "adopte") ? "adopté" : !strcmp(etat, "signe") ? "signé" : "brouillon";
}

/* The PV row, or a default (version 0, brouillon) when none was saved yet. */
static json_t *pv_row(db *d, int64_t tenant, int64_t seance, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT etat, president_id, secretaire_id, introduction, conclusion, version, arrete_at, arrete_sha256, "
			       "adopte_seance_id, adopte_at, folder_id, signe_at, signe_sha256, publie_at, updated_at "
			       "FROM seance_pv WHERE tenant_id = $1 AND seance_id = $2", "i", seance);
	if (!s)
		return NULL;
	json_t *o;
	if (rc == DB_ROW)
		o = json_pack("{s:s,s:I,s:I,s:s,s:s,s:i,s:I,s:s,s:I,s:I,s:I,s:I,s:s,s:I,s:I}", "etat", db_col_text(s, 0), "president",
			      (json_int_t)db_col_int64(s, 1), "secretaire", (json_int_t)db_col_int64(s, 2), "introduction", db_col_text(s, 3),
			      "conclusion", db_col_text(s, 4), "version", (int)db_col_int64(s, 5), "arrete_at", (json_int_t)db_col_int64(s, 6),
			      "arrete_sha256", db_col_text(s, 7), "adopte_seance", (json_int_t)db_col_int64(s, 8), "adopte_at",
			      (json_int_t)db_col_int64(s, 9), "dossier", (json_int_t)db_col_int64(s, 10), "signe_at",
			      (json_int_t)db_col_int64(s, 11), "signe_sha256", db_col_text(s, 12), "publie_at", (json_int_t)db_col_int64(s, 13),
			      "modifie_at", (json_int_t)db_col_int64(s, 14));
	else
		o = json_pack("{s:s,s:I,s:I,s:s,s:s,s:i,s:I,s:s,s:I,s:I,s:I,s:I,s:s,s:I,s:I}", "etat", "brouillon", "president", (json_int_t)0,
			      "secretaire", (json_int_t)0, "introduction", "", "conclusion", "", "version", 0, "arrete_at", (json_int_t)0,
			      "arrete_sha256", "", "adopte_seance", (json_int_t)0, "adopte_at", (json_int_t)0, "dossier", (json_int_t)0,
			      "signe_at", (json_int_t)0, "signe_sha256", "", "publie_at", (json_int_t)0, "modifie_at", (json_int_t)0);
	int saved = rc == DB_ROW;
	db_finalize(s);
	/* Not saved yet: the president is the one recorded with the votes, when there are some. */
	if (!saved) {
		s = tdb_query(d, tenant, e, &rc,
			      "SELECT v.president_id FROM seance_votes v JOIN seance_points p ON p.id = v.point_id "
			      "WHERE v.tenant_id = $1 AND v.seance_id = $2 AND v.president_id > 0 ORDER BY p.rank LIMIT 1", "i", seance);
		if (s && rc == DB_ROW)
			json_object_set_new(o, "president", json_integer(db_col_int64(s, 0)));
		if (s)
			db_finalize(s);
	}
	return o;
}

/* Debates per point: {"<point id>": "text"}. */
static json_t *pv_debats(db *d, int64_t tenant, int64_t seance, struct err *e)
{
	json_t *o = json_object();
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT point_id, texte FROM seance_pv_debats WHERE tenant_id = $1 AND seance_id = $2", "i",
			       seance);
	while (s && rc == DB_ROW) {
		char k[24];
		snprintf(k, sizeof k, "%lld", (long long)db_col_int64(s, 0));
		json_object_set_new(o, k, json_string(db_col_text(s, 1)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return o;
}

/* Members as the PV names them, from the attendance sheet: présents (with arrival / departure),
 * représentés (with their mandataire), excusés, absents, and those without a statut. Titulaires in
 * office, and suppléants sitting for their titulaire. */
static void classify(json_t *pres, json_t *out)
{
	json_t *presents = json_array(), *representes = json_array(), *excuses = json_array(), *absents = json_array(),
	       *sans = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(pres, "membres"), i, m) {
		const char *q = sd_str(m, "qualite"), *st = sd_str(m, "statut");
		int tit = !strcmp(q, "titulaire");
		if (!sd_bool(m, "en_exercice") || (!tit && !(!strcmp(q, "suppleant") && !strcmp(st, "present"))))
			continue;
		char note[400] = "";
		int ar = (int)sd_int(m, "arrivee", 0), de = (int)sd_int(m, "depart", 0);
		if (!tit)
			snprintf(note, sizeof note, "suppléant de %s", sd_str(m, "titulaire_nom"));
		if (ar > 1)
			snprintf(note + strlen(note), sizeof note - strlen(note), "%sarrivé(e) avant le point %d", *note ? ", " : "", ar);
		if (de)
			snprintf(note + strlen(note), sizeof note - strlen(note), "%sparti(e) après le point %d", *note ? ", " : "", de);
		json_t *x = json_pack("{s:s,s:s,s:s}", "nom", sd_str(m, "nom"), "note", note, "mandataire", sd_str(m, "pouvoir_a"));
		if (!strcmp(st, "present"))
			json_array_append_new(presents, x);
		else if (!strcmp(st, "represente") || (!*st && *sd_str(m, "pouvoir_a")))
			json_array_append_new(representes, x);
		else if (!strcmp(st, "excuse"))
			json_array_append_new(excuses, x);
		else if (!strcmp(st, "absent"))
			json_array_append_new(absents, x);
		else
			json_array_append_new(sans, x);
	}
	/* A titulaire absent or excused whose suppléant sits is « remplacé(e) par son suppléant ». */
	size_t k;
	json_t *x, *p;
	json_t *groups[] = { absents, excuses };
	for (int g = 0; g < 2; g++)
		json_array_foreach(groups[g], k, x) json_array_foreach(presents, i, p) {
			const char *n = sd_str(p, "note");
			if (!strncmp(n, "suppléant de ", 14) && !strncmp(n + 14, sd_str(x, "nom"), strlen(sd_str(x, "nom"))) &&
			    (n[14 + strlen(sd_str(x, "nom"))] == '\0' || n[14 + strlen(sd_str(x, "nom"))] == ','))
				json_object_set_new(x, "note", json_sprintf("remplacé(e) par son suppléant %s", sd_str(p, "nom")));
		}
	json_object_set_new(out, "presents", presents);
	json_object_set_new(out, "representes", representes);
	json_object_set_new(out, "excuses", excuses);
	json_object_set_new(out, "absents", absents);
	json_object_set_new(out, "sans_statut", sans);
	json_object_set_new(out, "n_presents", json_integer((json_int_t)json_array_size(presents)));
	json_object_set_new(out, "n_representes", json_integer((json_int_t)json_array_size(representes)));
	json_object_set_new(out, "n_excuses", json_integer((json_int_t)json_array_size(excuses)));
	json_object_set_new(out, "n_absents", json_integer((json_int_t)json_array_size(absents)));
	json_object_set_new(out, "n_sans_statut", json_integer((json_int_t)json_array_size(sans)));
}

static const char *member_name(json_t *pres, int64_t id)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(pres, "membres"), i, m) if (sd_int(m, "id", 0) == id) return sd_str(m, "nom");
	return "";
}

json_t *sd_pv_json(db *d, int64_t tenant, int64_t seance, struct err *e)
{
	json_t *s = sd_seance_json(d, tenant, seance, e);
	if (!s)
		return NULL;
	json_t *pv = pv_row(d, tenant, seance, e), *pres = pv ? sd_presences(d, tenant, seance, e) : NULL;
	if (!pres) {
		json_decref(s);
		json_decref(pv);
		return NULL;
	}
	struct collectivite c;
	struct err ce;
	int have_c = collectivite_get(d, tenant, &c, &ce) == 0;
	json_object_set_new(pv, "collectivite", json_string(have_c ? c.name : ""));
	json_object_set_new(pv, "siren", json_string(have_c ? c.siren : ""));   /* the public portal /p/SIREN/seances */
	const char *etat = sd_str(pv, "etat");
	json_object_set_new(pv, "etat_libelle", json_string(sd_pv_etat_libelle(etat)));
	json_object_set_new(pv, "brouillon", json_boolean(!strcmp(etat, "brouillon")));
	json_object_set_new(pv, "arrete", json_boolean(!strcmp(etat, "arrete")));
	json_object_set_new(pv, "adopte", json_boolean(!strcmp(etat, "adopte")));
	json_object_set_new(pv, "signe", json_boolean(!strcmp(etat, "signe")));
	json_object_set_new(pv, "signature_electronique",
			    json_boolean(*sd_str(pv, "signe_sha256") && strcmp(sd_str(pv, "signe_sha256"), sd_str(pv, "arrete_sha256")) != 0));
	json_object_set_new(pv, "president_nom", json_string(member_name(pres, sd_int(pv, "president", 0))));
	json_object_set_new(pv, "secretaire_nom", json_string(member_name(pres, sd_int(pv, "secretaire", 0))));
	char t[80];
	static const char *const times[] = { "arrete_at", "adopte_at", "signe_at", "publie_at", "modifie_at" };
	for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
		char k[32];
		snprintf(k, sizeof k, "%.*s_le", (int)(strlen(times[i]) - 3), times[i]);
		int64_t v = sd_int(pv, times[i], 0);
		json_object_set_new(pv, k, json_string(v ? sd_fmt_short(v, t, sizeof t) : ""));
	}
	if (sd_int(pv, "adopte_seance", 0)) {
		struct err ae;
		json_t *a = sd_seance_json(d, tenant, sd_int(pv, "adopte_seance", 0), &ae);
		json_object_set_new(pv, "adopte_seance_nom", a ? json_sprintf("%s du %s", sd_str(a, "titre"), sd_str(a, "quand")) : json_string(""));
		/* L2121-15: published within the week after the séance where it was adopted. */
		struct paris_time pt;
		char fr[40];
		if (a && paris_from_utc(sd_int(a, "debut", 0), &pt, NULL) == 0)
			json_object_set_new(pv, "publication_echeance", json_string(date_format_fr(date_add_days(pt.date, 7), fr)));
		json_decref(a);
	}
	classify(pres, pv);
	json_object_set_new(pv, "en_exercice", json_incref(json_object_get(pres, "en_exercice")));
	json_object_set_new(pv, "requis", json_incref(json_object_get(pres, "requis")));
	/* Titulaires in office: who may preside or be secretary. */
	json_t *elig = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(pres, "membres"), i, m) if (sd_bool(m, "titulaire") && sd_bool(m, "en_exercice"))
		json_array_append_new(elig, json_pack("{s:I,s:s,s:b,s:b}", "id", (json_int_t)sd_int(m, "id", 0), "nom", sd_str(m, "nom"), "president",
						      sd_int(m, "id", 0) == sd_int(pv, "president", 0), "secretaire",
						      sd_int(m, "id", 0) == sd_int(pv, "secretaire", 0)));
	json_object_set_new(pv, "membres", elig);
	/* Points: quorum of each (attendance), deliberation and ballot, debates. */
	json_t *deb = pv_debats(d, tenant, seance, e), *dl = sd_deliberations(d, tenant, seance, e), *pts = json_array();
	json_t *pt;
	json_array_foreach(json_object_get(s, "points"), i, pt) {
		char k[24];
		snprintf(k, sizeof k, "%lld", (long long)sd_int(pt, "id", 0));
		json_t *q = json_array_get(json_object_get(pres, "points"), i), *dj = json_object_get(dl, k);
		json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)sd_int(pt, "id", 0), "rang", (json_int_t)sd_int(pt, "rang", 0),
				      "titre", sd_str(pt, "titre"), "rapporteur_nom", sd_str(pt, "rapporteur_nom"), "matiere", sd_str(pt, "matiere"),
				      "debats", sd_str(deb, k));
		json_object_set_new(o, "quorum", json_string(q ? (*sd_str(q, "regle") ? sd_str(q, "regle") : sd_str(q, "erreur")) : ""));
		json_object_set_new(o, "quorum_atteint", json_boolean(q && sd_bool(q, "atteint")));
		if (dj)
			json_object_set_new(o, "deliberation", json_incref(dj));
		json_array_append_new(pts, o);
	}
	json_decref(deb);
	json_decref(dl);
	json_object_set_new(pv, "points", pts);
	json_t *q1 = json_array_get(json_object_get(pres, "points"), 0);
	json_object_set_new(pv, "quorum", json_string(q1 ? sd_str(q1, "regle") : ""));
	json_object_set_new(pv, "quorum_atteint", json_boolean(q1 && sd_bool(q1, "atteint")));
	json_object_set_new(pv, "seance", s);
	json_decref(pres);
	/* Versions (newest first) and the later séances of the organe that may adopt it. */
	json_t *vs = json_array(), *later = json_array();
	int rc;
	db_stmt *st = tdb_query(d, tenant, e, &rc,
				"SELECT v.version, v.at, COALESCE(u.first_name || ' ' || u.last_name, '') FROM seance_pv_versions v LEFT JOIN users u ON u.id = v.user_id "
				"WHERE v.tenant_id = $1 AND v.seance_id = $2 ORDER BY v.version DESC", "i", seance);
	while (st && rc == DB_ROW) {
		json_array_append_new(vs, json_pack("{s:I,s:s,s:s}", "version", (json_int_t)db_col_int64(st, 0), "le",
						    sd_fmt_short(db_col_int64(st, 1), t, sizeof t), "par", db_col_text(st, 2)));
		rc = db_step(st, e);
	}
	if (st)
		db_finalize(st);
	json_object_set_new(pv, "versions", vs);
	st = tdb_query(d, tenant, e, &rc,
		       "SELECT id, title, starts_at FROM seances WHERE tenant_id = $1 AND organe_id = $2 AND starts_at > $3 ORDER BY starts_at, id", "ii",
		       sd_int(s, "organe", 0), sd_int(s, "debut", 0));
	while (st && rc == DB_ROW) {
		json_array_append_new(later, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)db_col_int64(st, 0), "titre", db_col_text(st, 1), "quand",
						       sd_fmt_paris(db_col_int64(st, 2), t, sizeof t)));
		rc = db_step(st, e);
	}
	if (st)
		db_finalize(st);
	json_object_set_new(pv, "seances_suivantes", later);
	return pv;
}

/* The deliberations of the séance's points from the votes (0041_votes.sql: seance_votes, their
 * seance_bulletins by name, seance_deliberations → actes for the number). */
json_t *sd_deliberations(db *d, int64_t tenant, int64_t seance, struct err *e)
{
	json_t *o = json_object(), *byvote = json_object();
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT v.id, v.point_id, v.secret, v.pour, v.contre, v.abstention, v.nppv, v.adopte, v.resultat, "
			       "COALESCE(a.numero, ''), COALESCE(a.id, 0), COALESCE(a.objet, ''), v.voix_preponderante "
			       "FROM seance_votes v LEFT JOIN seance_deliberations sd ON sd.point_id = v.point_id "
			       "LEFT JOIN actes a ON a.id = sd.acte_id WHERE v.tenant_id = $1 AND v.seance_id = $2", "i", seance);
	while (s && rc == DB_ROW) {
		char k[24], vk[24];
		snprintf(k, sizeof k, "%lld", (long long)db_col_int64(s, 1));
		snprintf(vk, sizeof vk, "%lld", (long long)db_col_int64(s, 0));
		json_t *dl = json_pack("{s:s,s:s,s:s,s:b,s:b,s:i,s:i,s:i,s:i,s:I,s:b,s:o}", "numero", db_col_text(s, 9), "objet", db_col_text(s, 11),
				       "resultat", db_col_text(s, 8), "adopte", (int)db_col_int64(s, 7), "secret", (int)db_col_int64(s, 2), "pour",
				       (int)db_col_int64(s, 3), "contre", (int)db_col_int64(s, 4), "abstention", (int)db_col_int64(s, 5), "nppv",
				       (int)db_col_int64(s, 6), "acte", (json_int_t)db_col_int64(s, 10), "voix_preponderante",
				       (int)db_col_int64(s, 12), "votes", json_array());
		json_object_set_new(o, k, dl);
		json_object_set(byvote, vk, dl);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	/* Public ballots: every vote by name (a proxy vote names the member represented and the holder,
	 * a suppléant sitting names himself and his titulaire). */
	s = tdb_query(d, tenant, e, &rc,
		      "SELECT b.vote_id, b.choix, m.first_name, m.last_name, COALESCE(p.first_name, ''), COALESCE(p.last_name, ''), "
		      "COALESCE(x.first_name, ''), COALESCE(x.last_name, ''), b.pour_compte_de, b.suppleant_id "
		      "FROM seance_bulletins b JOIN seance_votes v ON v.id = b.vote_id JOIN membres m ON m.id = b.membre_id "
		      "LEFT JOIN membres p ON p.id = b.pour_compte_de LEFT JOIN membres x ON x.id = b.suppleant_id "
		      "WHERE b.tenant_id = $1 AND v.seance_id = $2 AND v.secret = 0 "
		      "ORDER BY COALESCE(p.last_name, m.last_name), m.last_name, m.first_name", "i", seance);
	while (s && rc == DB_ROW) {
		char vk[24], name[700];
		snprintf(vk, sizeof vk, "%lld", (long long)db_col_int64(s, 0));
		if (db_col_int64(s, 8))
			snprintf(name, sizeof name, "%s %s, représenté(e) par %s %s", db_col_text(s, 4), db_col_text(s, 5), db_col_text(s, 2),
				 db_col_text(s, 3));
		else if (db_col_int64(s, 9))
			snprintf(name, sizeof name, "%s %s, suppléant(e) de %s %s", db_col_text(s, 6), db_col_text(s, 7), db_col_text(s, 2),
				 db_col_text(s, 3));
		else
			snprintf(name, sizeof name, "%s %s", db_col_text(s, 2), db_col_text(s, 3));
		json_t *dl = json_object_get(byvote, vk);
		if (dl)
			json_array_append_new(json_object_get(dl, "votes"), json_pack("{s:s,s:s}", "nom", name, "sens", db_col_text(s, 1)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	json_decref(byvote);
	return o;
}

static int is_member(json_t *pv, int64_t id)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(pv, "membres"), i, m) if (sd_int(m, "id", 0) == id) return 1;
	return 0;
}

int sd_pv_save(db *d, int64_t tenant, int64_t seance, json_t *j, int64_t user, int64_t now, struct err *e)
{
	json_t *pv = sd_pv_json(d, tenant, seance, e);
	if (!pv)
		return -1;
	int rc = -1;
	json_t *cur = NULL;
	if (strcmp(sd_str(pv, "etat"), "brouillon") != 0) {
		err_set(e, 409, "pv.fige", "Le procès-verbal est %s : il ne se modifie plus.", sd_pv_etat_libelle(sd_str(pv, "etat")));
		goto out;
	}
	int version = (int)sd_int(pv, "version", 0);
	if (json_object_get(j, "version") && sd_int(j, "version", -1) != version) {
		err_set(e, 409, "pv.conflit", "Le procès-verbal a été modifié entre-temps (version %d) : rechargez la page.", version);
		goto out;
	}
	int64_t pres = json_object_get(j, "president") ? sd_int(j, "president", 0) : sd_int(pv, "president", 0);
	int64_t sec = json_object_get(j, "secretaire") ? sd_int(j, "secretaire", 0) : sd_int(pv, "secretaire", 0);
	if ((pres && !is_member(pv, pres)) || (sec && !is_member(pv, sec))) {
		err_set(e, 400, "pv.membre", "Le président et le secrétaire de séance sont des membres titulaires en exercice de l'assemblée.");
		goto out;
	}
	const char *intro = json_object_get(j, "introduction") ? sd_str(j, "introduction") : sd_str(pv, "introduction");
	const char *concl = json_object_get(j, "conclusion") ? sd_str(j, "conclusion") : sd_str(pv, "conclusion");
	if (strlen(intro) > PV_TEXT_MAX || strlen(concl) > PV_TEXT_MAX) {
		err_set(e, 413, "pv.texte", "Texte trop long (200 Kio au plus par zone).");
		goto out;
	}
	/* Debates: the given points replace the stored text. */
	json_t *debats = json_object(), *given = json_object_get(j, "debats");
	size_t i;
	json_t *pt;
	json_array_foreach(json_object_get(pv, "points"), i, pt) {
		char k[24];
		snprintf(k, sizeof k, "%lld", (long long)sd_int(pt, "id", 0));
		json_t *g = json_object_get(given, k);
		const char *txt = json_is_string(g) ? json_string_value(g) : sd_str(pt, "debats");
		if (strlen(txt) > PV_TEXT_MAX) {
			json_decref(debats);
			err_set(e, 413, "pv.texte", "Texte trop long (200 Kio au plus par zone).");
			goto out;
		}
		json_object_set_new(debats, k, json_string(txt));
	}
	cur = json_pack("{s:I,s:I,s:s,s:s,s:o}", "president", (json_int_t)pres, "secretaire", (json_int_t)sec, "introduction", intro,
			"conclusion", concl, "debats", debats);
	int own = !db_in_transaction(d);
	if (own && db_begin_write(d, e) < 0)
		goto out;
	int ok;
	if (version == 0)
		ok = tdb_run(d, tenant, e,
			     "INSERT INTO seance_pv (tenant_id, seance_id, president_id, secretaire_id, introduction, conclusion, version, "
			     "created_at, updated_at, updated_by) VALUES ($1,$2,$3,$4,$5,$6,1,$7,$7,$8)",
			     "iiittii", seance, pres, sec, intro, concl, now, user) == 0;
	else
		ok = tdb_run(d, tenant, e,
			     "UPDATE seance_pv SET president_id = $3, secretaire_id = $4, introduction = $5, conclusion = $6, "
			     "version = version + 1, updated_at = $7, updated_by = $8 WHERE tenant_id = $1 AND seance_id = $2 AND version = $9 "
			     "AND etat = 'brouillon'",
			     "iiittiii", seance, pres, sec, intro, concl, now, user, (int64_t)version) == 0;
	/* A concurrent save got there first: its version is taken (UPDATE matched nothing). */
	if (ok && version && db_changes(d) != 1) {
		ok = 0;
		err_set(e, 409, "pv.conflit", "Le procès-verbal a été modifié entre-temps : rechargez la page.");
	}
	ok = ok && tdb_run(d, tenant, e, "DELETE FROM seance_pv_debats WHERE tenant_id = $1 AND seance_id = $2", "i", seance) == 0;
	const char *k;
	json_t *v;
	json_object_foreach(debats, k, v) {
		if (!ok)
			break;
		if (*json_string_value(v))
			ok = tdb_run(d, tenant, e, "INSERT INTO seance_pv_debats (tenant_id, seance_id, point_id, texte) VALUES ($1,$2,$3,$4)", "iit",
				     seance, (int64_t)strtoll(k, NULL, 10), json_string_value(v)) == 0;
	}
	char *dump = json_dumps(cur, JSON_COMPACT | JSON_SORT_KEYS);
	ok = ok && tdb_run(d, tenant, e, "INSERT INTO seance_pv_versions (tenant_id, seance_id, version, at, user_id, contenu) VALUES ($1,$2,$3,$4,$5,$6)",
			   "iiiit", seance, (int64_t)version + 1, now, user, dump) == 0;
	free(dump);
	if (own) {
		if (ok && db_commit(d, e) < 0)
			ok = 0;
		if (!ok)
			db_rollback(d);
	}
	rc = ok ? 0 : -1;
out:
	json_decref(cur);
	json_decref(pv);
	return rc;
}

/* ---- PDF -------------------------------------------------------------------------------------- */

static void list_line(pdfdoc *doc, const char *label, json_t *arr, int with_mandataire)
{
	buf b = BUF_INIT;
	buf_printf(&b, "%s (%zu) : ", label, json_array_size(arr));
	size_t i;
	json_t *m;
	json_array_foreach(arr, i, m) {
		buf_printf(&b, "%s%s", i ? ", " : "", sd_str(m, "nom"));
		if (with_mandataire && *sd_str(m, "mandataire"))
			buf_printf(&b, " (pouvoir à %s)", sd_str(m, "mandataire"));
		else if (*sd_str(m, "note"))
			buf_printf(&b, " (%s)", sd_str(m, "note"));
	}
	if (!json_array_size(arr))
		buf_puts(&b, "aucun");
	buf_puts(&b, ".");
	pdfdoc_para(doc, b.data);
	buf_free(&b);
}

static const char *sens_libelle(const char *s)
{
	return !strcmp(s, "pour") ? "pour" : !strcmp(s, "contre") ? "contre" : !strcmp(s, "abstention") ? "abstention" : "ne prend pas part au vote";
}

/* The ballot of a deliberation: names for a public ballot (L2121-15), totals for a secret one. */
void sd_pdf_ballot(pdfdoc *doc, json_t *dl)
{
	char line[1200];
	const char *res = sd_str(dl, "resultat");
	size_t rl = strlen(res);
	snprintf(line, sizeof line, "Délibération n° %s — %s%s", *sd_str(dl, "numero") ? sd_str(dl, "numero") : "(sans numéro)", res,
		 rl && res[rl - 1] == '.' ? "" : ".");
	pdfdoc_para(doc, line);
	if (sd_bool(dl, "secret")) {
		snprintf(line, sizeof line, "Scrutin secret : pour %d, contre %d, abstentions (blancs et nuls) %d.", (int)sd_int(dl, "pour", 0),
			 (int)sd_int(dl, "contre", 0), (int)sd_int(dl, "abstention", 0));
		pdfdoc_para(doc, line);
		return;
	}
	snprintf(line, sizeof line, "Scrutin public : pour %d, contre %d, abstentions %d, ne prennent pas part au vote %d.", (int)sd_int(dl, "pour", 0),
		 (int)sd_int(dl, "contre", 0), (int)sd_int(dl, "abstention", 0), (int)sd_int(dl, "nppv", 0));
	pdfdoc_para(doc, line);
	json_t *votes = json_object_get(dl, "votes");
	if (!json_array_size(votes))
		return;
	static const double w[] = { 0.6, 0.4 };
	const char *head[] = { "Votant", "Sens du vote" };
	pdfdoc_row(doc, 2, w, head, 1);
	size_t i;
	json_t *v;
	json_array_foreach(votes, i, v) {
		const char *cells[] = { sd_str(v, "nom"), sens_libelle(sd_str(v, "sens")) };
		pdfdoc_row(doc, 2, w, cells, 0);
	}
	pdfdoc_space(doc, 4);
}

/* Paragraphs of a multi-line text (empty lines separate them). */
static void text_paras(pdfdoc *doc, const char *t)
{
	if (*t)
		pdfdoc_para(doc, t);
}

int sd_pv_pdf_from(json_t *pv, const char *path, struct err *e)
{
	json_t *s = json_object_get(pv, "seance");
	char foot[600], line[2048], day[80];
	sd_fmt_short(sd_int(s, "debut", 0), day, sizeof day);
	snprintf(foot, sizeof foot, "Procès-verbal — %s — séance du %.10s", sd_str(s, "organe_nom"), day);
	pdfdoc *doc = pdfdoc_new(path, foot, e);
	if (!doc)
		return -1;
	pdfdoc_title(doc, "Procès-verbal de la séance");
	snprintf(line, sizeof line, "%s — %s", sd_str(pv, "collectivite"), sd_str(s, "organe_nom"));
	pdfdoc_para(doc, line);
	snprintf(line, sizeof line, "Séance « %s » du %s%s%s.", sd_str(s, "titre"), sd_str(s, "quand"), *sd_str(s, "lieu") ? ", " : "",
		 sd_str(s, "lieu"));
	pdfdoc_para(doc, line);
	if (sd_bool(pv, "brouillon")) {
		snprintf(line, sizeof line, "PROJET — version %d, non arrêté.", (int)sd_int(pv, "version", 0));
		pdfdoc_para(doc, line);
	} else {
		snprintf(line, sizeof line, "Arrêté le %s (version %d).", sd_str(pv, "arrete_le"), (int)sd_int(pv, "version", 0));
		pdfdoc_para(doc, line);
	}
	pdfdoc_heading(doc, "Présidence et secrétariat");
	snprintf(line, sizeof line, "Président(e) de séance : %s.", *sd_str(pv, "president_nom") ? sd_str(pv, "president_nom") : "(à désigner)");
	pdfdoc_para(doc, line);
	snprintf(line, sizeof line, "Secrétaire de séance : %s.", *sd_str(pv, "secretaire_nom") ? sd_str(pv, "secretaire_nom") : "(à désigner)");
	pdfdoc_para(doc, line);
	pdfdoc_heading(doc, "Membres");
	snprintf(line, sizeof line, "Membres en exercice : %d.", (int)sd_int(pv, "en_exercice", 0));
	pdfdoc_para(doc, line);
	list_line(doc, "Présents", json_object_get(pv, "presents"), 0);
	list_line(doc, "Représentés", json_object_get(pv, "representes"), 1);
	list_line(doc, "Excusés", json_object_get(pv, "excuses"), 0);
	list_line(doc, "Absents", json_object_get(pv, "absents"), 0);
	if (json_array_size(json_object_get(pv, "sans_statut")))
		list_line(doc, "Sans émargement", json_object_get(pv, "sans_statut"), 0);
	pdfdoc_heading(doc, "Quorum");
	snprintf(line, sizeof line, "À l'ouverture : %s", sd_str(pv, "quorum"));
	pdfdoc_para(doc, line);
	json_t *sec = json_object_get(s, "seconde");
	if (sec) {
		snprintf(line, sizeof line,
			 "Le conseil, réuni sur seconde convocation, sans condition de quorum (CGCT art. L2121-17 al. 2) : la séance « %s » du %s "
			 "n'avait pas atteint le quorum.",
			 sd_str(sec, "titre"), sd_str(sec, "quand"));
		pdfdoc_para(doc, line);
	}
	if (*sd_str(pv, "introduction")) {
		pdfdoc_heading(doc, "Ouverture de la séance");
		text_paras(doc, sd_str(pv, "introduction"));
	}
	pdfdoc_heading(doc, "Ordre du jour");
	size_t i;
	json_t *pt;
	json_array_foreach(json_object_get(pv, "points"), i, pt) {
		snprintf(line, sizeof line, "%d. %s", (int)sd_int(pt, "rang", 0), sd_str(pt, "titre"));
		pdfdoc_para(doc, line);
	}
	json_array_foreach(json_object_get(pv, "points"), i, pt) {
		snprintf(line, sizeof line, "Point %d — %s", (int)sd_int(pt, "rang", 0), sd_str(pt, "titre"));
		pdfdoc_heading(doc, line);
		if (*sd_str(pt, "rapporteur_nom")) {
			snprintf(line, sizeof line, "Rapporteur : %s.", sd_str(pt, "rapporteur_nom"));
			pdfdoc_para(doc, line);
		}
		snprintf(line, sizeof line, "Quorum : %s", sd_str(pt, "quorum"));
		pdfdoc_para(doc, line);
		json_t *dl = json_object_get(pt, "deliberation");
		if (dl)
			sd_pdf_ballot(doc, dl);
		else
			pdfdoc_para(doc, "Vote : non enregistré.");
		pdfdoc_para(doc, "Débats :");
		text_paras(doc, *sd_str(pt, "debats") ? sd_str(pt, "debats") : "(aucune intervention consignée)");
	}
	if (*sd_str(pv, "conclusion") || sd_bool(s, "close")) {
		pdfdoc_heading(doc, "Clôture de la séance");
		text_paras(doc, sd_str(pv, "conclusion"));
		if (sd_bool(s, "close")) {
			snprintf(line, sizeof line, "La séance est levée à %s.", sd_str(s, "close_heure"));
			pdfdoc_para(doc, line);
		}
	}
	pdfdoc_space(doc, 16);
	static const double w[] = { 0.5, 0.5 };
	const char *head[] = { "Le président de séance", "Le secrétaire de séance" };
	const char *names[] = { sd_str(pv, "president_nom"), sd_str(pv, "secretaire_nom") };
	const char *blank[] = { "Signature :\n\n\n", "Signature :\n\n\n" };
	pdfdoc_row(doc, 2, w, head, 1);
	pdfdoc_row(doc, 2, w, names, 0);
	pdfdoc_row(doc, 2, w, blank, 0);
	return pdfdoc_finish(doc, e);
}

int sd_tmp_path(const char *what, int64_t id, char *out, size_t n)
{
	snprintf(out, n, "%s/tmp/%s-%lld-XXXXXX", cfg.data_dir, what, (long long)id);
	int fd = mkstemp(out);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Generates the PV to a temp file and stores it: sha (65) of the blob. */
static int pv_store(json_t *pv, int64_t seance, db *d, char sha[65], struct err *e)
{
	char path[1200];
	if (sd_tmp_path("pv", seance, path, sizeof path) < 0)
		return err_set(e, 500, "fichier.temporaire", "Fichier temporaire impossible.");
	buf b = BUF_INIT;
	int rc = sd_pv_pdf_from(pv, path, e) == 0 && buf_read_file(&b, path, 256u << 20) == 0 && store_put_mem(b.data, b.len, sha, e) == 0 &&
			 store_record(d, sha, b.len, "application/pdf", e) == 0
		 ? 0
		 : -1;
	if (rc < 0 && !e->code[0])
		err_set(e, 500, "pv.pdf", "Génération du procès-verbal impossible.");
	unlink(path);
	buf_free(&b);
	return rc;
}

int sd_pv_etat(db *d, int64_t tenant, int64_t seance, const char *etat, int64_t adopte_par, int64_t user, int64_t now, struct err *e)
{
	json_t *pv = sd_pv_json(d, tenant, seance, e);
	if (!pv)
		return -1;
	const char *cur = sd_str(pv, "etat");
	int rc = -1;
	etat = etat ? etat : "";
	if (!strcmp(etat, "arrete")) {
		if (strcmp(cur, "brouillon") != 0) {
			err_set(e, 409, "pv.etat", "Seul un brouillon s'arrête (le procès-verbal est %s).", sd_pv_etat_libelle(cur));
			goto out;
		}
		if (!sd_int(pv, "president", 0) || !sd_int(pv, "secretaire", 0)) {
			err_set(e, 409, "pv.signataires", "Désignez le président et le secrétaire de séance avant d'arrêter le procès-verbal (L2121-15).");
			goto out;
		}
		/* The frozen copy says « arrêté le »: the state is set in the JSON before generating. */
		char t[80];
		json_object_set_new(pv, "etat", json_string("arrete"));
		json_object_set_new(pv, "brouillon", json_false());
		json_object_set_new(pv, "arrete_le", json_string(sd_fmt_short(now, t, sizeof t)));
		char sha[65];
		if (pv_store(pv, seance, d, sha, e) < 0)
			goto out;
		rc = tdb_run(d, tenant, e,
			     "UPDATE seance_pv SET etat = 'arrete', arrete_at = $3, arrete_sha256 = $4, updated_at = $3, updated_by = $5 "
			     "WHERE tenant_id = $1 AND seance_id = $2 AND etat = 'brouillon'", "iiti", seance, now, sha, user);
	} else if (!strcmp(etat, "brouillon")) {
		if (strcmp(cur, "arrete") != 0) {
			err_set(e, 409, "pv.etat", "Seul un procès-verbal arrêté et pas encore adopté se rouvre (il est %s).", sd_pv_etat_libelle(cur));
			goto out;
		}
		rc = tdb_run(d, tenant, e,
			     "UPDATE seance_pv SET etat = 'brouillon', arrete_at = 0, arrete_sha256 = '', updated_at = $3, updated_by = $4 "
			     "WHERE tenant_id = $1 AND seance_id = $2", "iii", seance, now, user);
	} else if (!strcmp(etat, "adopte")) {
		if (strcmp(cur, "arrete") != 0) {
			err_set(e, 409, "pv.etat", "Le procès-verbal s'adopte une fois arrêté (il est %s).", sd_pv_etat_libelle(cur));
			goto out;
		}
		int ok = 0;
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(pv, "seances_suivantes"), i, x) ok |= sd_int(x, "id", 0) == adopte_par;
		if (!ok) {
			err_set(e, 422, "pv.seance_adoption",
				"Le procès-verbal est adopté lors d'une séance suivante de la même assemblée : choisissez-la.");
			goto out;
		}
		rc = tdb_run(d, tenant, e,
			     "UPDATE seance_pv SET etat = 'adopte', adopte_seance_id = $3, adopte_at = $4, updated_at = $4, updated_by = $5 "
			     "WHERE tenant_id = $1 AND seance_id = $2", "iiii", seance, adopte_par, now, user);
	} else if (!strcmp(etat, "signe")) {
		/* Signed by hand on the paper copy; the electronic signature goes through the parapheur. */
		if (strcmp(cur, "adopte") != 0) {
			err_set(e, 409, "pv.etat", "Le procès-verbal se signe une fois adopté (il est %s).", sd_pv_etat_libelle(cur));
			goto out;
		}
		if (sd_int(pv, "dossier", 0)) {
			err_set(e, 409, "pv.parapheur", "Le procès-verbal est dans le parapheur (dossier n° %lld) : sa signature y sera constatée.",
				(long long)sd_int(pv, "dossier", 0));
			goto out;
		}
		rc = tdb_run(d, tenant, e,
			     "UPDATE seance_pv SET etat = 'signe', signe_at = $3, signe_sha256 = arrete_sha256, updated_at = $3, updated_by = $4 "
			     "WHERE tenant_id = $1 AND seance_id = $2", "iii", seance, now, user);
	} else {
		err_set(e, 400, "pv.etat", "État inconnu : arrete, brouillon, adopte ou signe.");
	}
out:
	json_decref(pv);
	return rc;
}

int sd_pv_publier(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t now, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT etat, publie_at FROM seance_pv WHERE tenant_id = $1 AND seance_id = $2", "i", seance);
	if (!s)
		return -1;
	char etat[16] = "brouillon";
	int64_t pub = 0;
	if (rc == DB_ROW) {
		snprintf(etat, sizeof etat, "%s", db_col_text(s, 0));
		pub = db_col_int64(s, 1);
	}
	db_finalize(s);
	if (strcmp(etat, "adopte") != 0 && strcmp(etat, "signe") != 0)
		return err_set(e, 409, "pv.etat", "Le procès-verbal se publie une fois adopté (il est %s).", sd_pv_etat_libelle(etat));
	if (pub)
		return err_set(e, 409, "pv.publie", "Le procès-verbal est déjà publié.");
	return tdb_run(d, tenant, e, "UPDATE seance_pv SET publie_at = $3, updated_at = $3, updated_by = $4 WHERE tenant_id = $1 AND seance_id = $2",
		       "iii", seance, now, user);
}

int sd_pv_file(db *d, int64_t tenant, int64_t seance, char sha[65])
{
	struct err e;
	int rc;
	sha[0] = '\0';
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT arrete_sha256, signe_sha256 FROM seance_pv WHERE tenant_id = $1 AND seance_id = $2", "i",
			       seance);
	if (s && rc == DB_ROW)
		snprintf(sha, 65, "%s", *db_col_text(s, 1) ? db_col_text(s, 1) : db_col_text(s, 0));
	if (s)
		db_finalize(s);
	return sha[0] ? 1 : 0;
}

/* ---- signature through the parapheur ------------------------------------------------------------ */

json_t *sd_pv_parapheur_choix(db *d, int64_t tenant, int64_t user, struct err *e)
{
	json_t *subs = json_array();
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT s.id, s.name, t.name FROM folder_subtypes s JOIN folder_types t ON t.id = s.type_id "
			       "WHERE s.tenant_id = $1 ORDER BY t.name, s.name", "");
	while (s && rc == DB_ROW) {
		json_array_append_new(subs, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)db_col_int64(s, 0), "nom", db_col_text(s, 1), "type",
						      db_col_text(s, 2)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return json_pack("{s:o,s:o}", "sous_types", subs, "bureaux", pa_my_desks(d, tenant, user, e));
}

int sd_pv_parapheur(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t subtype, int64_t desk, int64_t *folder, struct err *e)
{
	json_t *pv = sd_pv_json(d, tenant, seance, e);
	if (!pv)
		return -1;
	int rc = -1;
	char path[1200], title[600], day[80];
	const char *sha = sd_str(pv, "arrete_sha256");
	if (strcmp(sd_str(pv, "etat"), "adopte") != 0) {
		err_set(e, 409, "pv.etat", "Le procès-verbal part à la signature une fois adopté (il est %s).", sd_pv_etat_libelle(sd_str(pv, "etat")));
		goto out;
	}
	if (sd_int(pv, "dossier", 0)) {
		err_set(e, 409, "pv.parapheur", "Le procès-verbal est déjà dans le parapheur (dossier n° %lld).", (long long)sd_int(pv, "dossier", 0));
		goto out;
	}
	struct stat st;
	if (store_path(sha, path, sizeof path) < 0 || stat(path, &st) < 0) {
		err_set(e, 500, "pv.pdf", "Le PDF arrêté du procès-verbal est introuvable dans le magasin.");
		goto out;
	}
	json_t *s = json_object_get(pv, "seance");
	sd_fmt_short(sd_int(s, "debut", 0), day, sizeof day);
	snprintf(title, sizeof title, "Procès-verbal — %s — séance du %.10s", sd_str(s, "organe_nom"), day);
	json_t *meta = json_pack("{s:s,s:s}", "seance", sd_str(s, "titre"), "date_seance", "");
	json_object_set_new(meta, "date_seance", json_sprintf("%.10s", day));
	int own = !db_in_transaction(d);
	int ok = (!own || db_begin_write(d, e) == 0) &&
		 pa_folder_create(d, tenant, user, title, subtype, desk, meta, 0, folder, e) == 0 &&
		 pa_folder_add_doc(d, tenant, *folder, "principal", "proces-verbal.pdf", sha, "application/pdf", (int64_t)st.st_size, e) == 0 &&
		 pa_folder_start(d, tenant, user, *folder, NULL, 0, e) == 0 &&
		 tdb_run(d, tenant, e, "UPDATE seance_pv SET folder_id = $3, updated_at = $4, updated_by = $5 WHERE tenant_id = $1 AND seance_id = $2",
			 "iiii", seance, *folder, identity_now(), user) == 0;
	json_decref(meta);
	if (own) {
		if (ok && db_commit(d, e) < 0)
			ok = 0;
		if (!ok)
			db_rollback(d);
	}
	/* The parapheur says 403 when the desk is not the user's: a choice to correct, not a right. */
	if (!ok && e->status == 403)
		e->status = 409;
	rc = ok ? 0 : -1;
out:
	json_decref(pv);
	return rc;
}

/* The parapheur's end of circuit: « termine » → signé (the copy signed in the circuit when a signature
 * step produced one, else the frozen PDF the circuit approved); « rejete » → back to adopté without
 * folder, to be sent again or signed by hand. */
static int pv_folder_ended(db *d, int64_t tenant, int64_t folder, const char *status, int64_t user, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT seance_id, arrete_sha256, etat FROM seance_pv WHERE tenant_id = $1 AND folder_id = $2", "i",
			       folder);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return 0;  /* not a PV */
	}
	int64_t seance = db_col_int64(s, 0), now = identity_now();
	char orig[65], etat[16];
	snprintf(orig, sizeof orig, "%s", db_col_text(s, 1));
	snprintf(etat, sizeof etat, "%s", db_col_text(s, 2));
	db_finalize(s);
	if (strcmp(etat, "adopte") != 0)
		return 0;
	if (strcmp(status, "rejete") == 0)
		return tdb_run(d, tenant, e, "UPDATE seance_pv SET folder_id = 0, updated_at = $3, updated_by = $4 WHERE tenant_id = $1 AND seance_id = $2",
			       "iii", seance, now, user);
	char sha[65];
	snprintf(sha, sizeof sha, "%s", orig);
	s = tdb_query(d, tenant, e, &rc,
		      "SELECT sha256 FROM folder_docs WHERE tenant_id = $1 AND folder_id = $2 AND (role = 'signe' OR (role = 'principal' AND sha256 <> $3)) "
		      "ORDER BY CASE WHEN role = 'signe' THEN 0 ELSE 1 END, id DESC LIMIT 1", "it", folder, orig);
	if (!s)
		return -1;
	if (rc == DB_ROW)
		snprintf(sha, sizeof sha, "%s", db_col_text(s, 0));
	db_finalize(s);
	return tdb_run(d, tenant, e,
		       "UPDATE seance_pv SET etat = 'signe', signe_at = $3, signe_sha256 = $4, updated_at = $3, updated_by = $5 "
		       "WHERE tenant_id = $1 AND seance_id = $2", "iiti", seance, now, sha, user);
}
OPALE_PA_END(seance_pv, pv_folder_ended);
