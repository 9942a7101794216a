/* convocation: sending the convocations of a séance and keeping the proof — the packet manifest
 * (every document's SHA-256, the recipients) stored once and time-stamped (RFC 3161) when a TSA is
 * configured, one « seance.convocation » job per recipient (SMTP through the job queue, acceptance
 * time recorded), the personal link whose opening is the reading proof, the attestation d'envoi. */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
#include "core/config.h"
#include "core/ics.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "jobs/jobs.h"
#include "mail/mail.h"
#include "sign/sign.h"
#include "store/store.h"
#include "web/pdfdoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void event(db *d, int64_t tenant, int64_t seance, int64_t conv, int64_t membre, int64_t at, const char *kind,
		  const char *ip, const char *detail)
{
	struct err e;
	tdb_run(d, tenant, &e,
		"INSERT INTO seance_events (tenant_id, seance_id, convocation_id, membre_id, at, kind, ip, detail) "
		"VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
		"iiiittt", seance, conv, membre, at, kind, ip ? ip : "", detail ? detail : "");
}

struct recipient {
	int64_t id;
	char name[300], email[256], adresse[512], qualite[16];
	int papier;
};

/* Checks that the séance may be sent now; fills the delay out. */
static int check_sending(db *d, int64_t tenant, int64_t seance, json_t *s, int64_t now, struct err *e)
{
	if (!strcmp(sd_str(s, "statut"), "close"))
		return err_set(e, 409, "seance.close", "La séance est close : elle ne peut plus être convoquée.");
	if (json_array_size(json_object_get(s, "points")) == 0)
		return err_set(e, 409, "seance.ordre_du_jour",
			       "La convocation indique les questions portées à l'ordre du jour (CGCT L2121-10) : ajoutez au moins un point.");
	struct seance_delai_in in;
	struct seance_delai_out out;
	if (sd_seance_delai(d, tenant, seance, &in, &out, e) < 0)
		return -1;
	if (in.urgence && !*sd_str(s, "justification"))
		return err_set(e, 409, "seance.urgence", "L'urgence doit être justifiée avant l'envoi.");
	if (seance_delai_check_envoi(&in, now, &out, e) < 0)
		return -1;
	if (out.note_synthese) {
		int has_note = 0;
		size_t i;
		json_t *doc, *pt;
		json_array_foreach(json_object_get(s, "documents"), i, doc) has_note |= !strcmp(sd_str(doc, "type"), "note_synthese");
		if (in.organe == ORGANE_DEPARTEMENT || in.organe == ORGANE_REGION) {
			json_array_foreach(json_object_get(s, "points"), i, pt) {
				int main = 0;
				size_t k;
				json_array_foreach(json_object_get(pt, "documents"), k, doc) main |= !strcmp(sd_str(doc, "type"), "principal");
				if (!main)
					return err_set(e, 409, "seance.rapport",
						       "Un rapport sur chacune des affaires est adressé aux conseillers (%s) : le point %d « %s » "
						       "n'a pas de document principal.", out.article, (int)sd_int(pt, "rang", 0), sd_str(pt, "titre"));
			}
		} else if (!has_note) {
			return err_set(e, 409, "seance.note_synthese",
				       "Une note explicative de synthèse sur les affaires soumises à délibération doit être adressée avec "
				       "la convocation (%s) : ajoutez-la aux documents de la séance.", out.article);
		}
	}
	return 0;
}

static void manifest_docs(buf *m, json_t *docs, const char *where)
{
	size_t i;
	json_t *doc;
	json_array_foreach(docs, i, doc)
		buf_printf(m, "%s  %12lld  %-14s %s%s\n", sd_str(doc, "sha256"), (long long)sd_int(doc, "taille", 0), sd_str(doc, "type"),
			   where, sd_str(doc, "nom"));
}

int sd_modifications(db *d, int64_t tenant, int64_t seance, int64_t from, int64_t to, const char *bullet, buf *out, struct err *e)
{
	int rc, n = 0;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT at, detail FROM seance_events WHERE tenant_id = $1 AND seance_id = $2 AND kind = 'modification' AND id > "
			       "(CASE WHEN $3 < 0 THEN (SELECT COALESCE(MAX(id), 0) FROM seance_events WHERE tenant_id = $1 AND seance_id = $2 AND "
			       "kind IN ('envoi', 'rectificatif')) ELSE $3 END) AND ($4 = 0 OR id <= $4) ORDER BY id",
			       "iii", seance, from, to);
	while (s && rc == DB_ROW) {
		char w[32];
		buf_printf(out, "%s%s : %s\n", bullet, sd_fmt_short(db_col_int64(s, 0), w, sizeof w), db_col_text(s, 1));
		n++;
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return s ? n : -1;
}

/* The « modification » events after the last sending, and *last = the newest event id of the séance. */
static int changes_since_sending(db *d, int64_t tenant, int64_t seance, buf *out, int64_t *last, struct err *e)
{
	int rc;
	*last = 0;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT COALESCE(MAX(id), 0) FROM seance_events WHERE tenant_id = $1 AND seance_id = $2", "i",
			       seance);
	if (s && rc == DB_ROW)
		*last = db_col_int64(s, 0);
	if (s)
		db_finalize(s);
	return sd_modifications(d, tenant, seance, -1, 0, "  - ", out, e);
}

static int convoquer(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t now, int rectif, int64_t *envoi, struct err *e)
{
	json_t *s = sd_seance_json(d, tenant, seance, e);
	if (!s)
		return -1;
	buf changes = BUF_INIT;
	int64_t last_event = 0;
	int nchanges = changes_since_sending(d, tenant, seance, &changes, &last_event, e);
	if (rectif && strcmp(sd_str(s, "statut"), "convoquee") != 0) {
		json_decref(s);
		buf_free(&changes);
		return err_set(e, 409, "convocation.rectificatif",
			       !strcmp(sd_str(s, "statut"), "close") ? "La séance est close : elle ne peut plus être convoquée."
								      : "Les convocations n'ont pas encore été envoyées : envoyez-les d'abord.");
	}
	if (rectif && nchanges <= 0) {
		json_decref(s);
		buf_free(&changes);
		return err_set(e, 409, "convocation.sans_modification",
			       "Rien n'a changé depuis le dernier envoi : une convocation rectificative n'a rien à annoncer.");
	}
	if (check_sending(d, tenant, seance, s, now, e) < 0) {
		json_decref(s);
		buf_free(&changes);
		return -1;
	}
	/* Recipients: members in office — titulaires, suppléants (L5211-6: they receive the convocations
	 * and documents) and invited people. */
	struct recipient *rs = NULL;
	size_t nr = 0, cap = 0;
	int rc;
	db_stmt *st = tdb_query(d, tenant, e, &rc,
				"SELECT id, first_name, last_name, email, papier, adresse, qualite FROM membres WHERE tenant_id = $1 "
				"AND organe_id = $2 AND en_exercice = 1 ORDER BY last_name, first_name, id",
				"i", sd_int(s, "organe", 0));
	while (st && rc == DB_ROW) {
		if (nr == cap) {
			cap = cap ? cap * 2 : 64;
			rs = realloc(rs, cap * sizeof *rs);
		}
		struct recipient *r = &rs[nr++];
		r->id = db_col_int64(st, 0);
		snprintf(r->name, sizeof r->name, "%s %s", db_col_text(st, 1), db_col_text(st, 2));
		snprintf(r->email, sizeof r->email, "%s", db_col_text(st, 3));
		r->papier = (int)db_col_int64(st, 4);
		snprintf(r->adresse, sizeof r->adresse, "%s", db_col_text(st, 5));
		snprintf(r->qualite, sizeof r->qualite, "%s", db_col_text(st, 6));
		rc = db_step(st, e);
	}
	if (st)
		db_finalize(st);
	if (!nr) {
		json_decref(s);
		free(rs);
		buf_free(&changes);
		return err_set(e, 409, "seance.destinataires", "L'assemblée n'a aucun membre en exercice à convoquer.");
	}
	/* The manifest: what was made available to whom, with the content hashes. */
	char iso[26];
	buf m = BUF_INIT;
	paris_format_iso(sd_int(s, "debut", 0), iso);
	buf_printf(&m, "Opale — manifeste de convocation%s\nCollectivité n° %lld\nSéance n° %lld : %s\nAssemblée : %s\nDate : %s\nLieu : %s\n",
		   rectif ? " rectificative" : "", (long long)tenant, (long long)seance, sd_str(s, "titre"), sd_str(s, "organe_nom"), iso,
		   sd_str(s, "lieu"));
	buf_printf(&m, "Urgence : %s%s%s\n", sd_bool(s, "urgence") ? "oui — " : "non", sd_bool(s, "urgence") ? sd_str(s, "justification") : "",
		   "");
	paris_format_iso(now, iso);
	buf_printf(&m, "Envoi : %s\nRévision : %lld\nRègle de délai : %s\n\nDocuments (SHA-256, octets, type, point, nom) :\n", iso,
		   (long long)sd_int(s, "revision", 0), sd_str(json_object_get(s, "delai"), "regle"));
	manifest_docs(&m, json_object_get(s, "documents"), "séance  ");
	size_t i;
	json_t *pt;
	json_array_foreach(json_object_get(s, "points"), i, pt) {
		char where[32];
		snprintf(where, sizeof where, "point %-3d ", (int)sd_int(pt, "rang", 0));
		manifest_docs(&m, json_object_get(pt, "documents"), where);
	}
	if (rectif)
		buf_printf(&m, "\nModifications depuis l'envoi précédent :\n%s", changes.data);
	buf_puts(&m, "\nOrdre du jour :\n");
	json_array_foreach(json_object_get(s, "points"), i, pt) buf_printf(&m, "%d. %s\n", (int)sd_int(pt, "rang", 0), sd_str(pt, "titre"));
	buf_puts(&m, "\nDestinataires (membre, nom, qualité, voie) :\n");
	for (size_t k = 0; k < nr; k++)
		buf_printf(&m, "%lld  %s  %s  %s%s\n", (long long)rs[k].id, rs[k].name, rs[k].qualite, rs[k].papier ? "papier : " : "courriel : ",
			   rs[k].papier ? rs[k].adresse : rs[k].email);
	char msha[65], tsha[65] = "";
	int64_t tsa_at = 0;
	if (store_put_mem(m.data, m.len, msha, e) < 0)
		goto fail;
	if (cfg.tsa_url[0]) {
		buf tok = BUF_INIT;
		if (sign_tsa_stamp(cfg.tsa_url, m.data, m.len, 0, &tok, e) < 0) {
			buf_free(&tok);
			char msg[sizeof e->msg];
			snprintf(msg, sizeof msg, "%s", e->msg);
			err_set(e, 502, "seance.horodatage", "Horodatage du manifeste impossible, rien n'a été envoyé : %s", msg);
			goto fail;
		}
		int r2 = store_put_mem(tok.data, tok.len, tsha, e);
		buf_free(&tok);
		if (r2 < 0)
			goto fail;
		tsa_at = identity_now();
	}
	if (db_begin_write(d, e) < 0)
		goto fail;
	store_record(d, msha, m.len, "text/plain", e);
	st = tdb_query(d, tenant, e, &rc,
		       "INSERT INTO seance_envois (tenant_id, seance_id, at, user_id, manifest_sha256, tsa_sha256, tsa_at, recipients, kind) "
		       "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id",
		       "iiittiit", seance, now, user, msha, tsha, tsa_at, (int64_t)nr, rectif ? "rectificatif" : "convocation");
	if (!st)
		goto rollback;
	*envoi = db_col_int64(st, 0);
	db_finalize(st);
	int64_t expires = sd_int(s, "debut", 0) + 86400;
	int queued = 0;
	for (size_t k = 0; k < nr; k++) {
		char tok[64], h[65];
		identity_random_token(tok);
		identity_sha256_hex(tok, h);
		const char *state = rs[k].papier ? "papier" : *rs[k].email ? "en_file" : "echec";
		const char *error = !rs[k].papier && !*rs[k].email ? "Aucune adresse électronique : convocation à remettre par écrit." : "";
		/* A rectificatif tells each recipient what changed since his last mail (his previous row's mark). */
		int64_t from = 0;
		st = tdb_query(d, tenant, e, &rc, "SELECT changes_to FROM convocations WHERE tenant_id = $1 AND seance_id = $2 AND membre_id = $3",
			       "ii", seance, rs[k].id);
		if (!st)
			goto rollback;
		if (rc == DB_ROW)
			from = db_col_int64(st, 0);
		db_finalize(st);
		if (tdb_run(d, tenant, e, "DELETE FROM convocations WHERE tenant_id = $1 AND seance_id = $2 AND membre_id = $3", "ii", seance,
			    rs[k].id) < 0)
			goto rollback;
		st = tdb_query(d, tenant, e, &rc,
			       "INSERT INTO convocations (tenant_id, seance_id, membre_id, envoi_id, email, token_hash, state, error, queued_at, "
			       "expires_at, changes_from, changes_to) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id",
			       "iiittttiiii", seance, rs[k].id, *envoi, rs[k].email, h, state, error, now, expires, rectif ? from : 0, last_event);
		if (!st)
			goto rollback;
		int64_t cid = db_col_int64(st, 0);
		db_finalize(st);
		if (!strcmp(state, "en_file")) {
			char payload[256], idem[96];
			snprintf(payload, sizeof payload, "{\"convocation\":%lld,\"jeton\":\"%s\"}", (long long)cid, tok);
			snprintf(idem, sizeof idem, "seance.convocation:%lld", (long long)cid);
			if (jobs_enqueue(d, "seance.convocation", payload, idem, tenant, 0, NULL, e) < 0)
				goto rollback;
			queued++;
		}
		event(d, tenant, seance, cid, rs[k].id, now, !strcmp(state, "echec") ? "echec" : !strcmp(state, "papier") ? "papier" : "mise_en_file",
		      NULL, *error ? error : rs[k].papier ? rs[k].adresse : rs[k].email);
	}
	char detail[400];
	snprintf(detail, sizeof detail, "%smanifeste SHA-256 %s ; %s ; %zu destinataire(s), %d courriel(s)",
		 rectif ? "convocation rectificative ; " : "", msha, *tsha ? "horodaté (RFC 3161)" : "sans horodatage (aucune autorité configurée)",
		 nr, queued);
	event(d, tenant, seance, 0, 0, now, rectif ? "rectificatif" : "envoi", NULL, detail);
	if (tdb_run(d, tenant, e, "UPDATE seances SET status = 'convoquee', sent_at = $3 WHERE tenant_id = $1 AND id = $2", "ii", seance, now) < 0 ||
	    db_commit(d, e) < 0)
		goto rollback;
	activity_add(d, tenant, "convocations", queued);
	buf_free(&m);
	buf_free(&changes);
	free(rs);
	json_decref(s);
	return 0;
rollback:
	db_rollback(d);
fail:
	buf_free(&m);
	buf_free(&changes);
	free(rs);
	json_decref(s);
	return -1;
}

int sd_convoquer(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t now, int64_t *envoi, struct err *e)
{
	return convoquer(d, tenant, seance, user, now, 0, envoi, e);
}

int sd_rectifier(db *d, int64_t tenant, int64_t seance, int64_t user, int64_t now, int64_t *envoi, struct err *e)
{
	return convoquer(d, tenant, seance, user, now, 1, envoi, e);
}

/* ---- the job: one convocation e-mail ---------------------------------------------------------- */

static int convocation_job(db *d, const struct job *j, struct err *e)
{
	json_t *p = json_loads(j->payload, 0, NULL);
	int64_t cid = sd_int(p, "convocation", 0), tenant = j->tenant_id;
	char tok[80];
	snprintf(tok, sizeof tok, "%s", sd_str(p, "jeton"));
	json_decref(p);
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT c.state, c.email, c.seance_id, c.membre_id, m.civilite, m.first_name, m.last_name, m.qualite, m.titulaire_id, "
			       "c.queued_at, c.changes_from, c.changes_to, COALESCE(v.kind, 'convocation') FROM convocations c "
			       "JOIN membres m ON m.id = c.membre_id LEFT JOIN seance_envois v ON v.id = c.envoi_id "
			       "WHERE c.tenant_id = $1 AND c.id = $2", "i", cid);
	if (!s)
		return JOB_RETRY;
	if (rc != DB_ROW) {
		db_finalize(s);
		return 0; /* replaced by a later sending */
	}
	if (strcmp(db_col_text(s, 0), "en_file") != 0) {
		db_finalize(s);
		return 0; /* already accepted (a run after a crash) */
	}
	char email[256], civ[64], prenom[128], nom[128], qualite[16], titulaire[300] = "";
	int64_t seance = db_col_int64(s, 2), membre = db_col_int64(s, 3), tit = db_col_int64(s, 8), queued = db_col_int64(s, 9);
	int64_t ch_from = db_col_int64(s, 10), ch_to = db_col_int64(s, 11);
	int rectif = !strcmp(db_col_text(s, 12), "rectificatif");
	snprintf(email, sizeof email, "%s", db_col_text(s, 1));
	snprintf(civ, sizeof civ, "%s", db_col_text(s, 4));
	snprintf(prenom, sizeof prenom, "%s", db_col_text(s, 5));
	snprintf(nom, sizeof nom, "%s", db_col_text(s, 6));
	snprintf(qualite, sizeof qualite, "%s", db_col_text(s, 7));
	db_finalize(s);
	if (!strcmp(qualite, "suppleant") && tit) {
		s = tdb_query(d, tenant, e, &rc, "SELECT first_name, last_name FROM membres WHERE tenant_id = $1 AND id = $2", "i", tit);
		if (s && rc == DB_ROW)
			snprintf(titulaire, sizeof titulaire, "%s %s", db_col_text(s, 0), db_col_text(s, 1));
		if (s)
			db_finalize(s);
	}
	/* What changed since this recipient's previous mail (rectificatif). */
	buf changes = BUF_INIT;
	if (rectif && ch_to > 0)
		sd_modifications(d, tenant, seance, ch_from, ch_to, "  - ", &changes, e);
	json_t *se = sd_seance_json(d, tenant, seance, e);
	const char *kind = sd_modele_kind(qualite, rectif);
	json_t *modele = se ? sd_modele_get(d, tenant, kind, e) : NULL;
	if (!modele) {
		json_decref(se);
		buf_free(&changes);
		return JOB_RETRY;
	}
	char link[600];
	snprintf(link, sizeof link, "%s/convocation/%s", cfg.public_url, tok);
	struct sd_destinataire dest = { civ, prenom, nom, qualite, titulaire };
	json_t *vars = sd_modele_vars(d, tenant, se, &dest, link, changes.data ? changes.data : "");
	buf_free(&changes);
	buf subject = BUF_INIT, t = BUF_INIT, hb = BUF_INIT;
	if (sd_modele_render(modele, vars, &subject, &t, &hb, e) < 0) {
		/* A stored template is checked before it is saved: this is not expected; keep the reason. */
		char msg[sizeof e->msg];
		snprintf(msg, sizeof msg, "%s", e->msg);
		err_set(e, 550, "convocation.modele", "Modèle de courriel « %s » inutilisable : %s", kind, msg);
		buf_free(&subject);
		buf_free(&t);
		buf_free(&hb);
		json_decref(vars);
		json_decref(modele);
		json_decref(se);
		goto outcome;
	}
	char *html = hb.data;
	char body_sha[65], html_sha[65];
	identity_sha256_hex(t.data, body_sha);
	identity_sha256_hex(html, html_sha);
	json_decref(vars);
	json_decref(modele);
	/* The .ics event: one blob per sending, stored once — its DTSTAMP is the sending's time, not the
	 * job's (which made a new blob every second of a long sending: bench P4, bytes per recipient). */
	buf ics = BUF_INIT;
	int64_t start = sd_int(se, "debut", 0);
	buf_printf(&ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Opale//Seances//FR\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\n"
			 "UID:seance-%lld-%lld@opale\r\n", (long long)tenant, (long long)seance);
	ics_utc(&ics, "DTSTAMP", queued);
	ics_utc(&ics, "DTSTART", start);
	ics_utc(&ics, "DTEND", start + 3 * 3600);
	buf_puts(&ics, "SUMMARY:");
	ics_text(&ics, sd_str(se, "titre"));
	buf_puts(&ics, "\r\nLOCATION:");
	ics_text(&ics, sd_str(se, "lieu"));
	buf_puts(&ics, "\r\nEND:VEVENT\r\n");
	ics_end(&ics);   /* END:VCALENDAR, long lines folded */
	char icsha[65], icspath[1200];
	struct mail_attachment att[1];
	int natt = 0;
	if (store_put_mem(ics.data, ics.len, icsha, e) == 0 && store_path(icsha, icspath, sizeof icspath) == 0) {
		att[0] = (struct mail_attachment){ icspath, "seance.ics", "text/calendar; charset=UTF-8" };
		natt = 1;
	}
	struct mail mm = { .to = email, .subject = subject.data, .text = t.data, .html = html, .att = att, .natt = natt };
	int ok = mail_send(&mm, NULL, e);
	buf_free(&subject);
	buf_free(&t);
	buf_free(&hb);
	buf_free(&ics);
	json_decref(se);
	struct err e2;
	int64_t at;
	if (ok == 0) {
		at = identity_now();
		if (db_begin_write(d, &e2) == 0) {
			char detail[600];
			/* The proof of what was sent: the hashes of the bodies as handed to SMTP (LF line ends). */
			snprintf(detail, sizeof detail, "%s ; modèle %s ; texte SHA-256 %s ; HTML SHA-256 %s", email, kind, body_sha, html_sha);
			tdb_run(d, tenant, &e2, "UPDATE convocations SET state = 'acceptee', sent_at = $3, error = '' WHERE tenant_id = $1 AND id = $2",
				"ii", cid, at);
			event(d, tenant, seance, cid, membre, at, "acceptation", NULL, detail);
			if (db_commit(d, &e2) < 0)
				db_rollback(d);
		}
		return 0;
	}
outcome:
	at = identity_now();
	int dead = e->status == 550 || j->attempts >= j->max_attempts;
	if (db_begin_write(d, &e2) == 0) {
		tdb_run(d, tenant, &e2, "UPDATE convocations SET state = $3, error = $4 WHERE tenant_id = $1 AND id = $2", "itt", cid,
			dead ? "echec" : "en_file", e->msg);
		if (dead)
			event(d, tenant, seance, cid, membre, at, "echec", NULL, e->msg);
		if (db_commit(d, &e2) < 0)
			db_rollback(d);
	}
	return dead ? JOB_DEAD : JOB_RETRY;
}
OPALE_JOB_KIND(seance_convocation, "seance.convocation", convocation_job, JOB_NO_TX, 8, 120);

int sd_renvoyer(db *d, int64_t tenant, int64_t seance, int64_t convocation, int64_t now, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT m.id, m.email, m.papier FROM convocations c JOIN membres m ON m.id = c.membre_id "
			       "WHERE c.tenant_id = $1 AND c.id = $2 AND c.seance_id = $3", "ii", convocation, seance);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "convocation.inconnue", "Convocation introuvable.");
	}
	int64_t membre = db_col_int64(s, 0);
	char email[256];
	snprintf(email, sizeof email, "%s", db_col_text(s, 1));
	int papier = (int)db_col_int64(s, 2);
	db_finalize(s);
	if (papier || !*email)
		return err_set(e, 409, "convocation.papier",
			       "Ce membre reçoit ses convocations par écrit ou n'a pas d'adresse électronique : rien à renvoyer par courriel.");
	char tok[64], h[65], payload[256], idem[96];
	identity_random_token(tok);
	identity_sha256_hex(tok, h);
	snprintf(payload, sizeof payload, "{\"convocation\":%lld,\"jeton\":\"%s\"}", (long long)convocation, tok);
	snprintf(idem, sizeof idem, "seance.convocation:%lld:%s", (long long)convocation, h);
	if (db_begin_write(d, e) < 0)
		return -1;
	if (tdb_run(d, tenant, e,
		    "UPDATE convocations SET token_hash = $3, email = $4, state = 'en_file', error = '', queued_at = $5, sent_at = 0 "
		    "WHERE tenant_id = $1 AND id = $2", "itti", convocation, h, email, now) < 0 ||
	    jobs_enqueue(d, "seance.convocation", payload, idem, tenant, 0, NULL, e) < 0)
		goto fail;
	event(d, tenant, seance, convocation, membre, now, "renvoi", NULL, email);
	if (db_commit(d, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(d);
	return -1;
}

/* ---- reading back ----------------------------------------------------------------------------- */

/* The rows of the tenant-scoped sql ($2 = the séance) as a JSON array, one object made by row() per
 * row; empty (e filled) when the query fails. */
static json_t *seance_rows(db *d, int64_t tenant, int64_t seance, const char *sql, json_t *(*row)(db_stmt *s), struct err *e)
{
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, tenant, e, &rc, sql, "i", seance);
	while (s && rc == DB_ROW) {
		json_array_append_new(a, row(s));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return a;
}

static const char convocations_sql[] =
	"SELECT c.id, c.membre_id, m.first_name, m.last_name, m.qualite, c.email, c.state, c.error, c.queued_at, c.sent_at, "
	"c.read_at, c.read_ip, c.ack_at, m.adresse FROM convocations c JOIN membres m ON m.id = c.membre_id "
	"WHERE c.tenant_id = $1 AND c.seance_id = $2 ORDER BY m.last_name, m.first_name";

static json_t *convocations_row(db_stmt *s)
{
	char se[32], rd[32], ak[32];
	const char *state = db_col_text(s, 6);
	const char *label = !strcmp(state, "acceptee") ? "acceptée par le serveur de courriel" : !strcmp(state, "en_file") ? "en file d'envoi"
			    : !strcmp(state, "papier") ? "papier (à envoyer par écrit)" : "échec";
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:b}",
			 "id", (json_int_t)db_col_int64(s, 0), "membre", (json_int_t)db_col_int64(s, 1), "prenom",
			 db_col_text(s, 2), "nom", db_col_text(s, 3), "qualite", db_col_text(s, 4), "courriel",
			 db_col_text(s, 5), "etat", state, "erreur", db_col_text(s, 7), "mise_en_file",
			 (json_int_t)db_col_int64(s, 8), "envoyee", (json_int_t)db_col_int64(s, 9), "lue",
			 (json_int_t)db_col_int64(s, 10), "ip", db_col_text(s, 11), "accuse", (json_int_t)db_col_int64(s, 12),
			 "etat_libelle", label, "envoyee_le", sd_fmt_short(db_col_int64(s, 9), se, sizeof se), "lue_le",
			 sd_fmt_short(db_col_int64(s, 10), rd, sizeof rd), "accuse_le",
			 sd_fmt_short(db_col_int64(s, 12), ak, sizeof ak), "adresse", db_col_text(s, 13),
			 "ok", !strcmp(state, "acceptee"), "echec", !strcmp(state, "echec"));
}

json_t *sd_convocations(db *d, int64_t tenant, int64_t seance, struct err *e)
{
	return seance_rows(d, tenant, seance, convocations_sql, convocations_row, e);
}

static const char events_sql[] =
	"SELECT v.id, v.at, v.kind, v.ip, v.detail, v.membre_id, m.first_name, m.last_name FROM seance_events v "
	"LEFT JOIN membres m ON m.id = v.membre_id AND v.kind <> 'modification' "
	"WHERE v.tenant_id = $1 AND v.seance_id = $2 ORDER BY v.at, v.id";

static json_t *events_row(db_stmt *s)
{
	char w[32], who[300] = "";
	if (!db_col_isnull(s, 6))
		snprintf(who, sizeof who, "%s %s", db_col_text(s, 6), db_col_text(s, 7));
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_col_int64(s, 0), "date",
			 (json_int_t)db_col_int64(s, 1), "quand", sd_fmt_short(db_col_int64(s, 1), w, sizeof w), "type",
			 db_col_text(s, 2), "ip", db_col_text(s, 3), "detail", db_col_text(s, 4), "membre", who);
}

json_t *sd_events(db *d, int64_t tenant, int64_t seance, struct err *e)
{
	return seance_rows(d, tenant, seance, events_sql, events_row, e);
}

static const char envois_sql[] =
	"SELECT id, at, manifest_sha256, tsa_sha256, tsa_at, recipients, kind, seance_id FROM seance_envois WHERE tenant_id = $1 "
	"AND seance_id = $2 ORDER BY at, id";

static json_t *envois_row(db_stmt *s)
{
	char w[32], tw[32];
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:b,s:s,s:I,s:I,s:b}", "id", (json_int_t)db_col_int64(s, 0), "date",
			 (json_int_t)db_col_int64(s, 1), "quand", sd_fmt_short(db_col_int64(s, 1), w, sizeof w),
			 "manifeste", db_col_text(s, 2), "horodatage", db_col_text(s, 3), "horodate",
			 *db_col_text(s, 3) != 0, "horodate_le", sd_fmt_short(db_col_int64(s, 4), tw, sizeof tw),
			 "destinataires", (json_int_t)db_col_int64(s, 5), "seance", (json_int_t)db_col_int64(s, 7), "rectificatif",
			 !strcmp(db_col_text(s, 6), "rectificatif"));
}

json_t *sd_envois(db *d, int64_t tenant, int64_t seance, struct err *e)
{
	return seance_rows(d, tenant, seance, envois_sql, envois_row, e);
}

int sd_link_find(db *d, const char *token, int64_t now, struct sd_link *l, struct err *e)
{
	char h[65];
	if (!token || strlen(token) < 20 || strlen(token) > 64)
		return err_set(e, 404, "convocation.inconnue", "Lien de convocation inconnu.");
	identity_sha256_hex(token, h);
	int rc;
	/* Found by its unguessable token across collectivités (like a password-reset link); everything
	 * after this goes through the tenant-scoped helpers with the row's tenant. */
	db_stmt *s = db_query(d, e, &rc, "SELECT tenant_id, seance_id, id, membre_id, expires_at FROM convocations WHERE token_hash = $1", "t", h);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "convocation.inconnue", "Lien de convocation inconnu ou remplacé par un envoi plus récent.");
	}
	l->tenant = db_col_int64(s, 0);
	l->seance = db_col_int64(s, 1);
	l->convocation = db_col_int64(s, 2);
	l->membre = db_col_int64(s, 3);
	int64_t exp = db_col_int64(s, 4);
	db_finalize(s);
	if (now > exp)
		return err_set(e, 410, "convocation.expiree",
			       "Ce lien a expiré le lendemain de la séance. Connectez-vous au portail des élus pour retrouver les documents.");
	return 0;
}

int sd_link_event(db *d, const struct sd_link *l, const char *kind, const char *ip, int64_t now, struct err *e)
{
	if (db_begin_write(d, e) < 0)
		return -1;
	if (!strcmp(kind, "lecture"))
		tdb_run(d, l->tenant, e, "UPDATE convocations SET read_at = $3, read_ip = $4 WHERE tenant_id = $1 AND id = $2 AND read_at = 0", "iit",
			l->convocation, now, ip);
	else if (!strcmp(kind, "accuse"))
		tdb_run(d, l->tenant, e, "UPDATE convocations SET ack_at = $3 WHERE tenant_id = $1 AND id = $2 AND ack_at = 0", "ii", l->convocation,
			now);
	event(d, l->tenant, l->seance, l->convocation, l->membre, now, kind, ip,
	      !strcmp(kind, "lecture") ? "ouverture du lien personnel" : "« J'accuse réception de la convocation »");
	if (db_commit(d, e) < 0) {
		db_rollback(d);
		return -1;
	}
	return 0;
}

/* ---- attestation d'envoi (PDF) ---------------------------------------------------------------- */

int sd_attestation_pdf(db *d, int64_t tenant, int64_t seance, const char *path, struct err *e)
{
	json_t *s = sd_seance_json(d, tenant, seance, e);
	if (!s)
		return -1;
	json_t *envois = sd_envois(d, tenant, seance, e), *convs = sd_convocations(d, tenant, seance, e);
	struct collectivite c;
	if (collectivite_get(d, tenant, &c, e) < 0)
		snprintf(c.name, sizeof c.name, "Collectivité n° %lld", (long long)tenant);
	pdfdoc *p = pdfdoc_new(path, "Opale — attestation d'envoi des convocations", e);
	if (!p) {
		json_decref(s);
		json_decref(envois);
		json_decref(convs);
		return -1;
	}
	char line[2048], now[32];
	pdfdoc_title(p, "Attestation d'envoi des convocations");
	snprintf(line, sizeof line, "%s — %s : séance « %s » du %s%s%s.", c.name, sd_str(s, "organe_nom"), sd_str(s, "titre"), sd_str(s, "quand"),
		 *sd_str(s, "lieu") ? ", " : "", sd_str(s, "lieu"));
	pdfdoc_para(p, line);
	if (sd_bool(s, "urgence")) {
		snprintf(line, sizeof line, "Convocation en urgence. Justification : %s", sd_str(s, "justification"));
		pdfdoc_para(p, line);
	}
	snprintf(line, sizeof line, "Règle de délai appliquée : %s", sd_str(json_object_get(s, "delai"), "regle"));
	pdfdoc_para(p, line);
	pdfdoc_heading(p, "Envois");
	size_t i;
	json_t *v;
	json_array_foreach(envois, i, v) {
		snprintf(line, sizeof line, "%s du %s à %lld destinataire(s). Manifeste (documents et destinataires) SHA-256 : %s. %s%s%s",
			 sd_bool(v, "rectificatif") ? "Convocation rectificative" : "Envoi", sd_str(v, "quand"), (long long)sd_int(v, "destinataires", 0),
			 sd_str(v, "manifeste"),
			 sd_bool(v, "horodate") ? "Horodatage RFC 3161 obtenu le " : "Sans horodatage qualifié (aucune autorité configurée).",
			 sd_bool(v, "horodate") ? sd_str(v, "horodate_le") : "", sd_bool(v, "horodate") ? " (jeton joint à la preuve)." : "");
		pdfdoc_para(p, line);
	}
	if (!json_array_size(envois))
		pdfdoc_para(p, "Aucun envoi.");
	pdfdoc_heading(p, "Destinataires");
	static const double w[] = { 0.26, 0.22, 0.17, 0.17, 0.18 };
	const char *head[] = { "Destinataire", "État", "Accepté (SMTP)", "Lu (ouverture)", "IP de lecture" };
	pdfdoc_row(p, 5, w, head, 1);
	json_array_foreach(convs, i, v) {
		char name[400], state[600];
		snprintf(name, sizeof name, "%s %s (%s)", sd_str(v, "prenom"), sd_str(v, "nom"), sd_str(v, "qualite"));
		snprintf(state, sizeof state, "%s%s%s", sd_str(v, "etat_libelle"), *sd_str(v, "erreur") ? " : " : "", sd_str(v, "erreur"));
		const char *cells[] = { name, state, sd_str(v, "envoyee_le"), sd_str(v, "lue_le"), *sd_str(v, "ip") ? sd_str(v, "ip") : "—" };
		pdfdoc_row(p, 5, w, cells, 0);
	}
	pdfdoc_space(p, 12);
	snprintf(line, sizeof line,
		 "Heures de Paris. « Accepté » : le serveur de courriel a accepté le message ; « Lu » : première ouverture du lien "
		 "personnel. Document établi par Opale le %s.", sd_fmt_short(identity_now(), now, sizeof now));
	pdfdoc_para(p, line);
	json_decref(s);
	json_decref(envois);
	json_decref(convs);
	return pdfdoc_finish(p, e);
}
