/* demo: the CCPO's conseil communautaire (50 titulaires, among them the demo président and élu with
 * their portal accounts, suppléants of single-seat communes, one paper convocation), the bureau, and
 * one upcoming séance whose agenda has the five seed documents as points, with the convocation letter
 * and the note de synthèse. Not sent: the secretary sends it. */
#include "identity/demo.h"
#include "seance/seance_db.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "store/store.h"
#include "web/pdfdoc.h"

#include <stdio.h>
#include <string.h>

static const char *const first[] = { "Anne", "Pierre", "Marie", "Jean", "Isabelle", "Philippe", "Catherine", "Michel",
				     "Sylvie", "Alain", "Nathalie", "Patrick", "Christine", "Bernard", "Véronique", "Didier",
				     "Sandrine", "Thierry", "Valérie", "Éric", "Martine", "Olivier", "Brigitte", "Pascal", "Hélène" };
static const char *const last[] = { "Fournier", "Lemaire", "Dubois", "Lefebvre", "Leroy", "Roussel", "Delattre", "Dupont",
				    "Lambert", "Bonnet", "Caron", "Fontaine", "Vasseur", "Duhamel", "Delannoy", "Lecomte",
				    "Wallet", "Boulanger", "Carpentier", "Dumont", "Hochart", "Delpierre", "Marquis", "Lengagne",
				    "Coppin", "Deseille", "Fasquel", "Pruvost", "Ramet", "Sailly" };
static const char *const communes[] = { "Guînes", "Ardres", "Audruicq", "Oye-Plage", "Marck", "Andres", "Hames-Boucres",
					"Pihen-lès-Guînes", "Bonningues-lès-Calais", "Campagne-lès-Guînes", "Nielles-lès-Ardres",
					"Louches", "Landrethun-lès-Ardres", "Balinghem", "Rodelinghem", "Nortkerque" };
static const char *const groupes[] = { "Agir pour le territoire", "Pays d'Opale solidaire", "Non inscrits" };

static const struct { const char *title, *theme, *matiere, *body; } points[] = {
	{ "Convention d'adhésion au service e-administration du CDG 62", "Administration générale", "1.4",
	  "Convention pour l'accompagnement à la e-administration : télétransmission des actes, parapheur électronique et "
	  "envoi dématérialisé des convocations. Durée de 5 ans, renouvelable une fois par reconduction expresse." },
	{ "Plan d'action pour l'égalité professionnelle entre les femmes et les hommes 2024-2026", "Ressources humaines", "4.1",
	  "Plan d'action triennal : écarts de rémunération, accès aux emplois d'encadrement, articulation des temps de vie, "
	  "prévention des violences sexistes et sexuelles." },
	{ "Avenant à la convention de partenariat avec la CCI Littoral Hauts-de-France", "Développement économique", "7.5",
	  "Avenant et fiches actions : accompagnement des entreprises du territoire, observatoire économique, animation des zones d'activités." },
	{ "Convention de partenariat avec la Chambre de Métiers et de l'Artisanat", "Développement économique", "7.5",
	  "Soutien à l'artisanat local : transmission-reprise, apprentissage, accompagnement des créateurs." },
	{ "Convention avec la Fabrique DEFI", "Emploi et insertion", "8.4",
	  "Partenariat pour l'insertion professionnelle et l'accompagnement des demandeurs d'emploi du territoire." },
};

/* 1 when the demo collectivité already has what the COUNT(*) query counts (the step ran before), 0
 * when not, -1 on error. */
static int demo_done(db *d, struct demo_ctx *c, const char *sql, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, c->ccpo, e, &rc, sql, "");
	if (!s)
		return -1;
	int64_t n = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	return n != 0;
}

static int pdf_blob(struct demo_ctx *c, const char *title, const char *body, char sha[65], int64_t *size, struct err *e)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/tmp-demo-seance.pdf", c->data_dir);
	pdfdoc *p = pdfdoc_new(path, "Communauté de Communes Pays d'Opale", e);
	if (!p)
		return -1;
	pdfdoc_title(p, title);
	pdfdoc_para(p, body);
	if (pdfdoc_finish(p, e) < 0)
		return -1;
	uint64_t sz;
	char mime[128];
	if (store_hash_file(path, sha, &sz) < 0 || store_put_file(path, sha, mime, e) < 0)
		return -1;
	*size = (int64_t)sz;
	return 0;
}

static int demo_seances(db *d, struct demo_ctx *c, struct err *e)
{
	int rc = demo_done(d, c, "SELECT COUNT(*) FROM organes WHERE tenant_id = $1", e);
	if (rc)
		return rc < 0 ? -1 : 0;
	store_init(c->data_dir);
	int64_t conseil, bureau;
	json_t *j = json_pack("{s:s,s:s,s:b}", "nom", "Conseil communautaire", "nature", "epci", "distance", 1);
	rc = sd_organe_save(d, c->ccpo, 0, j, &conseil, e);
	json_decref(j);
	j = json_pack("{s:s,s:s}", "nom", "Bureau communautaire", "nature", "epci");
	rc = rc < 0 ? rc : sd_organe_save(d, c->ccpo, 0, j, &bureau, e);
	json_decref(j);
	if (rc < 0)
		return -1;
	/* 50 titulaires: the demo président and élu first (portal accounts), then generated names. */
	int64_t ids[50];
	for (int i = 0; i < 50; i++) {
		const char *fn = i == 0 ? "Anne" : i == 1 ? "Pierre" : first[(i * 7) % 25];
		const char *ln = i == 0 ? "Fournier" : i == 1 ? "Lemaire" : last[(i * 11 + i / 30) % 30];
		char email[256], fonction[200], prenom[64];
		snprintf(prenom, sizeof prenom, "%s", fn);
		if (i >= 2 && i >= 30)
			snprintf(prenom, sizeof prenom, "%s-%s", fn, first[(i * 3) % 25]);
		snprintf(email, sizeof email, "elu%02d@demo.opale.invalid", i + 1);
		snprintf(fonction, sizeof fonction, i == 0 ? "Présidente" : i < 6 ? "Vice-président(e)" : "Conseiller(e) communautaire — %s",
			 communes[i % 16]);
		j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:I}", "prenom", prenom, "nom", ln, "civilite", i % 2 ? "Monsieur" : "Madame",
			      "fonction", fonction, "groupe", groupes[i % 3], "courriel", email, "mobile", "06 12 34 56 78", "en_exercice", 1,
			      "utilisateur", (json_int_t)(i == 0 ? c->users[DEMO_PRESIDENT] : i == 1 ? c->users[DEMO_ELU] : 0));
		if (i == 49) {
			json_object_set_new(j, "papier", json_true());
			json_object_set_new(j, "adresse", json_string("12 rue de l'Église, 62340 Guînes"));
		}
		rc = sd_membre_save(d, c->ccpo, conseil, 0, j, &ids[i], e);
		json_decref(j);
		if (rc < 0)
			return -1;
	}
	/* Suppléants of four single-seat communes (L5211-6). */
	for (int i = 0; i < 4; i++) {
		char email[256];
		snprintf(email, sizeof email, "suppleant%02d@demo.opale.invalid", i + 1);
		int64_t id;
		j = json_pack("{s:s,s:s,s:s,s:s,s:I}", "prenom", first[(i * 5 + 3) % 25], "nom", last[(i * 13 + 5) % 30], "qualite", "suppleant",
			      "courriel", email, "titulaire", (json_int_t)ids[10 + i]);
		rc = sd_membre_save(d, c->ccpo, conseil, 0, j, &id, e);
		json_decref(j);
		if (rc < 0)
			return -1;
	}
	/* The bureau: président and vice-présidents. */
	for (int i = 0; i < 6; i++) {
		json_t *m = sd_membre_json(d, c->ccpo, ids[i], e);
		json_object_del(m, "id");
		int64_t id;
		rc = sd_membre_save(d, c->ccpo, bureau, 0, m, &id, e);
		json_decref(m);
		if (rc < 0)
			return -1;
	}
	/* One upcoming séance, three weeks ahead at 18:30 Paris. */
	struct paris_time pt;
	if (paris_from_utc(identity_now() + 21 * 86400, &pt, e) < 0)
		return -1;
	while (date_weekday(pt.date) != 4)  /* a Thursday */
		pt.date = date_add_days(pt.date, 1);
	char date[20];
	snprintf(date, sizeof date, "%04d-%02d-%02dT18:30", pt.date.y, pt.date.m, pt.date.d);
	int64_t seance;
	j = json_pack("{s:I,s:s,s:s,s:s}", "organe", (json_int_t)conseil, "titre", "Conseil communautaire", "date", date, "lieu",
		      "Salle du conseil, 1 place du Général de Gaulle, 62340 Guînes");
	rc = sd_seance_save(d, c->ccpo, 0, j, &seance, e);
	json_decref(j);
	if (rc < 0)
		return -1;
	char sha[65];
	int64_t size;
	for (size_t i = 0; i < sizeof points / sizeof points[0]; i++) {
		int64_t pid;
		j = json_pack("{s:s,s:I,s:s,s:s}", "titre", points[i].title, "rapporteur", (json_int_t)ids[i % 6], "theme", points[i].theme,
			      "matiere", points[i].matiere);
		rc = sd_point_save(d, c->ccpo, seance, 0, j, &pid, e);
		json_decref(j);
		char name[200];
		snprintf(name, sizeof name, "projet-deliberation-%zu.pdf", i + 1);
		if (rc < 0 || pdf_blob(c, points[i].title, points[i].body, sha, &size, e) < 0 ||
		    store_record(d, sha, (uint64_t)size, "application/pdf", e) < 0 ||
		    sd_doc_add(d, c->ccpo, seance, pid, "principal", name, sha, "application/pdf", size, NULL, e) < 0)
			return -1;
	}
	if (pdf_blob(c, "Convocation au conseil communautaire",
		     "Madame, Monsieur, j'ai l'honneur de vous convier à la séance du conseil communautaire. L'ordre du jour est joint.", sha, &size, e) < 0 ||
	    sd_doc_add(d, c->ccpo, seance, 0, "convocation", "lettre-de-convocation.pdf", sha, "application/pdf", size, NULL, e) < 0 ||
	    pdf_blob(c, "Note explicative de synthèse",
		     "Note explicative de synthèse sur les affaires soumises à délibération (CGCT L2121-12, applicable aux EPCI par L5211-1).",
		     sha, &size, e) < 0 ||
	    sd_doc_add(d, c->ccpo, seance, 0, "note_synthese", "note-de-synthese.pdf", sha, "application/pdf", size, NULL, e) < 0)
		return -1;
	return 0;
}
OPALE_DEMO_STEP(seances, "30-seances", demo_seances);

/* A past séance of the conseil (four weeks ago, a Thursday): the same five points with their projets,
 * attendance (40 present, the 13th replaced by his suppléant, five pouvoirs, five excused), and the
 * votes recorded — public ballots (one member not taking part as interested, a few contre and
 * abstentions) and one secret ballot — so each point has its délibération (drafts, numbered by the
 * allocator). */
static const char *demo_choice(int p, int k)
{
	if (p == 1 && k >= 30 && k < 34)
		return "abstention";
	if (p == 2 && k >= 20 && k < 27)
		return "contre";
	if (p == 3 && k == 7)
		return "nppv";
	return "pour";
}

static int demo_votes(db *d, struct demo_ctx *c, struct err *e)
{
	int rc = demo_done(d, c, "SELECT COUNT(*) FROM seance_votes WHERE tenant_id = $1", e);
	if (rc)
		return rc < 0 ? -1 : 0;
	store_init(c->data_dir);
	int64_t ids[50], conseil = 0, sup = 0;
	size_t nm = 0;
	db_stmt *s = tdb_query(d, c->ccpo, e, &rc, "SELECT m.id, m.organe_id FROM membres m JOIN organes o ON o.id = m.organe_id WHERE m.tenant_id = $1"
					  " AND o.name = 'Conseil communautaire' AND m.qualite = 'titulaire' ORDER BY m.id", "");
	while (s && rc == DB_ROW && nm < 50) {
		ids[nm++] = db_col_int64(s, 0);
		conseil = db_col_int64(s, 1);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	if (nm < 50)
		return 0;   /* not the demo conseil */
	s = tdb_query(d, c->ccpo, e, &rc, "SELECT id FROM membres WHERE tenant_id = $1 AND titulaire_id = $2", "i", ids[12]);
	if (s && rc == DB_ROW)
		sup = db_col_int64(s, 0);
	if (s)
		db_finalize(s);
	struct paris_time pt;
	int64_t now = identity_now();
	if (paris_from_utc(now - 28 * 86400, &pt, e) < 0)
		return -1;
	while (date_weekday(pt.date) != 4)
		pt.date = date_add_days(pt.date, -1);
	char date[20];
	snprintf(date, sizeof date, "%04d-%02d-%02dT18:30", pt.date.y, pt.date.m, pt.date.d);
	int64_t seance;
	json_t *j = json_pack("{s:I,s:s,s:s,s:s}", "organe", (json_int_t)conseil, "titre", "Conseil communautaire", "date", date, "lieu",
			      "Salle du conseil, 1 place du Général de Gaulle, 62340 Guînes");
	rc = sd_seance_save(d, c->ccpo, 0, j, &seance, e);
	json_decref(j);
	if (rc < 0)
		return -1;
	int64_t pids[5];
	char sha[65];
	int64_t size;
	for (size_t i = 0; i < 5; i++) {
		j = json_pack("{s:s,s:I,s:s,s:s}", "titre", points[i].title, "rapporteur", (json_int_t)ids[i % 6], "theme", points[i].theme,
			      "matiere", points[i].matiere);
		rc = sd_point_save(d, c->ccpo, seance, 0, j, &pids[i], e);
		json_decref(j);
		char name[200];
		snprintf(name, sizeof name, "projet-deliberation-%zu.pdf", i + 1);
		if (rc < 0 || pdf_blob(c, points[i].title, points[i].body, sha, &size, e) < 0 ||
		    store_record(d, sha, (uint64_t)size, "application/pdf", e) < 0 ||
		    sd_doc_add(d, c->ccpo, seance, pids[i], "principal", name, sha, "application/pdf", size, NULL, e) < 0)
			return -1;
	}
	/* Attendance. */
	for (int k = 0; k < 50; k++) {
		const char *st = k < 40 ? (k == 12 && sup ? "absent" : "present") : k < 45 ? "represente" : "excuse";
		if (sd_emargement(d, c->ccpo, seance, ids[k], st, 0, 0, now, e) < 0)
			return -1;
		if (k >= 40 && k < 45 && sd_reponse(d, c->ccpo, seance, ids[k], "procuration", ids[k - 39], 0, 0, now, e) < 0)
			return -1;
	}
	if (sup && sd_emargement(d, c->ccpo, seance, sup, "present", 0, 0, now, e) < 0)
		return -1;
	/* Votes: points 1 to 4 public, point 5 secret. */
	for (int p = 0; p < 5; p++) {
		j = json_pack("{s:I}", "president", (json_int_t)ids[0]);
		if (p == 4) {
			json_object_set_new(j, "secret", json_true());
			json_object_set_new(j, "pour", json_integer(38));
			json_object_set_new(j, "contre", json_integer(5));
			json_object_set_new(j, "abstention", json_integer(2));
		} else {
			json_t *b = json_array();
			for (int k = 0; k < 40; k++)
				json_array_append_new(b, json_pack("{s:I,s:s}", "membre", (json_int_t)ids[k], "choix", demo_choice(p, k)));
			for (int k = 40; k < 45; k++)
				json_array_append_new(b, json_pack("{s:I,s:I,s:s}", "membre", (json_int_t)ids[k - 39], "pour_compte_de",
								   (json_int_t)ids[k], "choix", "pour"));
			json_object_set_new(j, "bulletins", b);
		}
		struct sd_vote_done done;
		rc = sd_vote_record(d, c->ccpo, seance, pids[p], j, c->users[DEMO_SECRETAIRE], now, &done, e);
		json_decref(j);
		if (rc < 0)
			return -1;
	}
	return 0;
}
OPALE_DEMO_STEP(seance_votes, "31-seance-votes", demo_votes);
