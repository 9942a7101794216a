/* papier: the convocations of the members who asked for them on paper (L2121-10: « adressée par écrit
 * à leur domicile ou à une autre adresse ») — one PDF per sending with one letter per such member
 * (collectivité, postal address, date and place, agenda, the note de synthèse, the president's
 * signature; for a rectificatif the changes), generated once, stored, and recorded as a « papier »
 * proof event per member with the PDF's SHA-256 — and the routes of the convocation rectificative. */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
#include "seance/pv.h"
#include "db/tenant.h"
#include "http/action.h"
#include "http/http.h"
#include "identity/identity.h"
#include "store/store.h"
#include "web/pdfdoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define IDL (RF_TIER_IDELIBRE)
#define SEC (ROLE_ADMIN | ROLE_AGENT | ROLE_SECRETAIRE)
#define READ (SEC | ROLE_AUDITOR)

struct lettre {
	int64_t membre, convocation;
	char civ[64], prenom[128], nom[128], qualite[16], adresse[512], titulaire[300];
};

/* The president who signs: the titulaire in office whose fonction begins with « Président » or
 * « Maire »; label = that fonction. */
static void signataire(db *d, int64_t tenant, int64_t organe, char *label, size_t ln, char *name, size_t nn)
{
	struct err e;
	int rc;
	snprintf(label, ln, "Le Président");
	*name = '\0';
	db_stmt *s = tdb_query(d, tenant, &e, &rc,
			       "SELECT fonction, first_name, last_name FROM membres WHERE tenant_id = $1 AND organe_id = $2 AND en_exercice = 1 "
			       "AND qualite = 'titulaire' ORDER BY id", "i", organe);
	while (s && rc == DB_ROW) {
		const char *f = db_col_text(s, 0);
		if (strncasecmp(f, "Président", strlen("Président")) == 0 || strncasecmp(f, "Maire", 5) == 0) {
			snprintf(label, ln, "%s %s", strncasecmp(f, "Présidente", strlen("Présidente")) == 0 ? "La" : "Le", f);
			snprintf(name, nn, "%s %s", db_col_text(s, 1), db_col_text(s, 2));
			break;
		}
		rc = db_step(s, &e);
	}
	if (s)
		db_finalize(s);
}

static int write_pdf(db *d, int64_t tenant, json_t *se, const char *kind, int64_t sent_at, const struct lettre *ls, size_t n,
		     const char *changes, const char *path, struct err *e)
{
	struct collectivite c;
	if (collectivite_get(d, tenant, &c, e) < 0)
		snprintf(c.name, sizeof c.name, "Collectivité n° %lld", (long long)tenant);
	int rectif = !strcmp(kind, "rectificatif");
	char footer[600], label[200], pres[300], when[80], sent[80], line[4096];
	snprintf(footer, sizeof footer, "%s — convocation%s papier — %s", c.name, rectif ? " rectificative" : "", sd_str(se, "titre"));
	pdfdoc *p = pdfdoc_new(path, footer, e);
	if (!p)
		return -1;
	signataire(d, tenant, sd_int(se, "organe", 0), label, sizeof label, pres, sizeof pres);
	sd_fmt_paris(sd_int(se, "debut", 0), when, sizeof when);
	sd_fmt_paris(sent_at, sent, sizeof sent);
	char *a = strstr(sent, " à ");
	if (a)
		*a = '\0';
	int note = 0;
	size_t i;
	json_t *doc, *pt;
	json_array_foreach(json_object_get(se, "documents"), i, doc) note |= !strcmp(sd_str(doc, "type"), "note_synthese");
	static const double half[] = { 0.5, 0.5 };
	for (size_t k = 0; k < n; k++) {
		const struct lettre *l = &ls[k];
		if (k)
			pdfdoc_page_break(p);
		pdfdoc_title(p, c.name);
		/* The address block, on the right (window envelope). */
		buf addr = BUF_INIT;
		buf_printf(&addr, "%s%s%s %s\n", l->civ, *l->civ ? " " : "", l->prenom, l->nom);
		for (const char *q = l->adresse; *q; q++)
			buf_putc(&addr, *q == ';' ? '\n' : *q);
		const char *cells[] = { "", addr.data };
		pdfdoc_space(p, 12);
		pdfdoc_row(p, 2, half, cells, 0);
		buf_free(&addr);
		pdfdoc_space(p, 12);
		snprintf(line, sizeof line, "%s%sle %s", *c.city ? c.city : "", *c.city ? ", " : "", sent);
		pdfdoc_para(p, line);
		snprintf(line, sizeof line, "Objet : convocation%s — %s — séance du %s", rectif ? " rectificative" : "", sd_str(se, "organe_nom"), when);
		pdfdoc_heading(p, line);
		snprintf(line, sizeof line, "%s%s%s %s,", *l->civ ? l->civ : "Madame, Monsieur", *l->civ ? " " : "", *l->civ ? l->prenom : "",
			 *l->civ ? l->nom : "");
		pdfdoc_para(p, *l->civ ? line : "Madame, Monsieur,");
		if (!strcmp(l->qualite, "suppleant") && *l->titulaire) {
			snprintf(line, sizeof line, "En qualité de suppléant(e) de %s, vous êtes destinataire de la convocation et des documents "
						    "(CGCT L5211-6).", l->titulaire);
			pdfdoc_para(p, line);
		}
		if (rectif) {
			pdfdoc_para(p, "Cette convocation rectifie la précédente. Modifications intervenues depuis :");
			pdfdoc_para(p, changes && *changes ? changes : "—");
		}
		snprintf(line, sizeof line, "J'ai l'honneur de vous convoquer à la séance « %s » (%s) qui se tiendra le %s%s%s.", sd_str(se, "titre"),
			 sd_str(se, "organe_nom"), when, *sd_str(se, "lieu") ? ", " : "", sd_str(se, "lieu"));
		pdfdoc_para(p, line);
		if (sd_bool(se, "urgence")) {
			snprintf(line, sizeof line, "Convocation en urgence : %s", sd_str(se, "justification"));
			pdfdoc_para(p, line);
		}
		pdfdoc_heading(p, "Ordre du jour");
		json_array_foreach(json_object_get(se, "points"), i, pt) {
			snprintf(line, sizeof line, "%d. %s%s%s%s", (int)sd_int(pt, "rang", 0), sd_str(pt, "titre"),
				 *sd_str(pt, "rapporteur_nom") ? " (rapporteur : " : "", sd_str(pt, "rapporteur_nom"), *sd_str(pt, "rapporteur_nom") ? ")" : "");
			pdfdoc_para(p, line);
		}
		pdfdoc_space(p, 6);
		pdfdoc_para(p, note ? "La note explicative de synthèse sur les affaires soumises à délibération est jointe à la présente convocation, "
				      "avec les documents de la séance."
				    : "Les documents de la séance sont joints à la présente convocation.");
		pdfdoc_para(p, "Vous avez demandé à recevoir vos convocations par écrit (CGCT L2121-10). Si vous ne pouvez pas assister à la séance, "
			       "vous pouvez donner à un collègue de votre choix un pouvoir écrit de voter en votre nom (CGCT L2121-20).");
		pdfdoc_para(p, "Je vous prie d'agréer l'expression de mes salutations distinguées.");
		pdfdoc_space(p, 12);
		snprintf(line, sizeof line, "%s,\n%s", label, *pres ? pres : "");
		const char *sig[] = { "", line };
		pdfdoc_row(p, 2, half, sig, 0);
	}
	return pdfdoc_finish(p, e);
}

int sd_papier(db *d, int64_t tenant, int64_t seance, int64_t user, char sha[65], int *letters, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "SELECT v.id, v.kind, v.at, COALESCE(p.sha256, ''), COALESCE(p.letters, 0) FROM seance_envois v "
			       "LEFT JOIN seance_papier p ON p.envoi_id = v.id WHERE v.tenant_id = $1 AND v.seance_id = $2 ORDER BY v.id DESC LIMIT 1",
			       "i", seance);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 409, "convocation.papier_avant_envoi",
			       "Les convocations n'ont pas encore été envoyées : les lettres papier sont préparées avec l'envoi.");
	}
	int64_t envoi = db_col_int64(s, 0), at = db_col_int64(s, 2);
	char kind[32];
	snprintf(kind, sizeof kind, "%s", db_col_text(s, 1));
	snprintf(sha, 65, "%s", db_col_text(s, 3));
	*letters = (int)db_col_int64(s, 4);
	db_finalize(s);
	if (*sha)
		return 0; /* generated once per sending: the same bytes on every download */
	struct lettre *ls = NULL;
	size_t n = 0, cap = 0;
	int64_t ch_from = 0, ch_to = 0;
	s = tdb_query(d, tenant, e, &rc,
		      "SELECT c.membre_id, c.id, m.civilite, m.first_name, m.last_name, m.qualite, m.adresse, m.titulaire_id, c.changes_from, "
		      "c.changes_to FROM convocations c JOIN membres m ON m.id = c.membre_id WHERE c.tenant_id = $1 AND c.envoi_id = $2 "
		      "AND c.state = 'papier' ORDER BY m.last_name, m.first_name, m.id", "i", envoi);
	while (s && rc == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			ls = realloc(ls, cap * sizeof *ls);
		}
		struct lettre *l = &ls[n++];
		memset(l, 0, sizeof *l);
		l->membre = db_col_int64(s, 0);
		l->convocation = db_col_int64(s, 1);
		snprintf(l->civ, sizeof l->civ, "%s", db_col_text(s, 2));
		snprintf(l->prenom, sizeof l->prenom, "%s", db_col_text(s, 3));
		snprintf(l->nom, sizeof l->nom, "%s", db_col_text(s, 4));
		snprintf(l->qualite, sizeof l->qualite, "%s", db_col_text(s, 5));
		snprintf(l->adresse, sizeof l->adresse, "%s", db_col_text(s, 6));
		snprintf(l->titulaire, sizeof l->titulaire, "%lld", (long long)db_col_int64(s, 7));
		ch_from = db_col_int64(s, 8);
		ch_to = db_col_int64(s, 9);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	if (!n) {
		free(ls);
		return err_set(e, 404, "convocation.papier_aucun", "Aucun membre convoqué n'a demandé ses convocations par écrit.");
	}
	for (size_t k = 0; k < n; k++) {
		int64_t tit = strtoll(ls[k].titulaire, NULL, 10);
		ls[k].titulaire[0] = '\0';
		if (!strcmp(ls[k].qualite, "suppleant") && tit) {
			s = tdb_query(d, tenant, e, &rc, "SELECT first_name, last_name FROM membres WHERE tenant_id = $1 AND id = $2", "i", tit);
			if (s && rc == DB_ROW)
				snprintf(ls[k].titulaire, sizeof ls[k].titulaire, "%s %s", db_col_text(s, 0), db_col_text(s, 1));
			if (s)
				db_finalize(s);
		}
	}
	/* The changes a rectificatif announces (the same span for every recipient of one sending, but the
	 * span of the last row read is enough: paper recipients had no other mail in between). */
	buf changes = BUF_INIT;
	if (!strcmp(kind, "rectificatif") && ch_to > 0)
		sd_modifications(d, tenant, seance, ch_from, ch_to, "— ", &changes, e);
	json_t *se = sd_seance_json(d, tenant, seance, e);
	char path[1200];
	buf pdf = BUF_INIT;
	int ret = -1;
	if (!se)
		goto out;
	if (sd_tmp_path("papier", seance, path, sizeof path) < 0) {
		err_set(e, 500, "fichier.temporaire", "Fichier temporaire impossible.");
		goto out;
	}
	int ok = write_pdf(d, tenant, se, kind, at, ls, n, changes.data, path, e) == 0 && buf_read_file(&pdf, path, 256u << 20) == 0 &&
		 store_put_mem(pdf.data, pdf.len, sha, e) == 0;
	unlink(path);
	if (!ok) {
		if (!e->code[0])
			err_set(e, 500, "convocation.papier", "Génération des lettres de convocation impossible.");
		goto out;
	}
	int64_t now = identity_now();
	if (db_begin_write(d, e) < 0)
		goto out;
	if (store_record(d, sha, pdf.len, "application/pdf", e) < 0 ||
	    tdb_run(d, tenant, e, "INSERT INTO seance_papier (tenant_id, seance_id, envoi_id, at, user_id, sha256, letters) VALUES ($1,$2,$3,$4,$5,$6,$7)",
		    "iiiiti", seance, envoi, now, user, sha, (int64_t)n) < 0) {
		db_rollback(d);
		/* Generated at the same time by someone else: serve theirs. */
		s = tdb_query(d, tenant, e, &rc, "SELECT sha256, letters FROM seance_papier WHERE tenant_id = $1 AND envoi_id = $2", "i", envoi);
		if (s && rc == DB_ROW) {
			snprintf(sha, 65, "%s", db_col_text(s, 0));
			*letters = (int)db_col_int64(s, 1);
			ret = 0;
		}
		if (s)
			db_finalize(s);
		goto out;
	}
	for (size_t k = 0; k < n; k++) {
		char detail[800];
		snprintf(detail, sizeof detail, "lettre de convocation%s papier, PDF SHA-256 %s ; %s", !strcmp(kind, "rectificatif") ? " rectificative" : "",
			 sha, ls[k].adresse);
		if (tdb_run(d, tenant, e,
			    "INSERT INTO seance_events (tenant_id, seance_id, convocation_id, membre_id, at, kind, ip, detail) "
			    "VALUES ($1,$2,$3,$4,$5,'papier','',$6)", "iiiit", seance, ls[k].convocation, ls[k].membre, now, detail) < 0) {
			db_rollback(d);
			goto out;
		}
	}
	if (db_commit(d, e) < 0) {
		db_rollback(d);
		goto out;
	}
	*letters = (int)n;
	ret = 0;
out:
	buf_free(&pdf);
	buf_free(&changes);
	json_decref(se);
	free(ls);
	return ret;
}

/* ---- routes ----------------------------------------------------------------------------------- */

static int papier_pdf(struct req *r)
{
	db *d;
	int64_t id = sd_seance_of(r, &d);
	if (!id)
		return -1;
	struct err e = { 0 };
	char sha[65], path[1200];
	int n = 0;
	if (sd_papier(d, r->tenant_id, id, r->user_id, sha, &n, &e) < 0)
		return res_fail_err(r, &e);
	if (store_path(sha, path, sizeof path) < 0)
		return res_fail(r, 500, "convocation.papier", "Lettres de convocation introuvables dans le magasin.");
	return res_file(r, path, "application/pdf", "convocations-papier.pdf");
}
OPALE_ROUTE(sd_papier_r, "GET", "/api/v1/seances/:id/convocations/papier.pdf", papier_pdf, READ, SCOPE_TENANT, IDL);

static int rectificatif_fn(struct act *a)
{
	return sd_act_send(a, sd_rectifier);
}
OPALE_ACTION(rectificatif_api, .id = "id", .check = sd_act_seance_known, .fn = rectificatif_fn, .audit = "seance.convocation.rectificatif",
	     .status = 202, .answer = sd_act_envoi)
OPALE_ROUTE(sd_rectificatif_r, "POST", "/api/v1/seances/:id/convocations/rectificatif", rectificatif_api, SEC, SCOPE_TENANT, IDL);

OPALE_ACTION(rectificatif_page, .id = "id", .check = sd_act_seance_known, .fn = rectificatif_fn, .audit = "seance.convocation.rectificatif",
	     .done = "Convocation rectificative en cours d'envoi : suivez son état ci-dessous.", .to = "/seances/%lld/preuves",
	     .to_failed = "/seances/%lld")
OPALE_ROUTE(sd_rectificatif_page, "POST", "/seances/:id/rectificatif", rectificatif_page, SEC, SCOPE_TENANT, IDL);
