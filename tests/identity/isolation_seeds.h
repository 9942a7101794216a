/* Isolation seeds: for every tenant-scoped route with path parameters, the SQL that finds objects of
 * a given collectivité ($1 = its id): one column per path parameter, in order. The matrix test fails
 * for a tenant route whose parameters have no entry here, so a new route cannot escape the isolation
 * check. Fixtures below create the objects in each collectivité before the matrix runs. */
#ifndef OPALE_ISOLATION_SEEDS_H
#define OPALE_ISOLATION_SEEDS_H
#include "parapheur/parapheur.h"
#include "seance/seance_db.h"
#include "conventions/conventions_db.h"
#include "db/tenant.h"

struct isolation_seed {
	const char *pattern;
	const char *sql;
};

static const struct isolation_seed isolation_seeds[] = {
	{ "/administration/jetons/:id/revoquer", "SELECT id FROM api_tokens WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/agenda/abonnements/:id/revoquer", "SELECT id FROM api_tokens WHERE tenant_id = $1 AND feed = 1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/bureaux/:id/delegations", "SELECT id FROM desks WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/bureaux/:id/bannettes/:bannette", "SELECT id, 'a-traiter' FROM desks WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id/demarrer", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id/actions", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id/enchainer", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id/archiver", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id/bordereau", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id/export", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id/externe", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/parapheur/dossiers/:id/documents/:doc", "SELECT folder_id, id FROM folder_docs WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/administration/bureaux/:id", "SELECT id FROM desks WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/administration/bureaux/:id/delegations", "SELECT id FROM desks WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/administration/bureaux/:id/delegations/:delegation/supprimer",
	  "SELECT desk_id, id FROM delegations WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/administration/types/:id", "SELECT id FROM folder_types WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/administration/types/:id/sous-types", "SELECT id FROM folder_types WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/administration/sous-types/:id", "SELECT id FROM folder_subtypes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/administration/circuits/:id", "SELECT id FROM circuits WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/bureaux/:id/bannettes/:bannette", "SELECT id, 'a-traiter' FROM desks WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/bureaux/:id/actions-groupees", "SELECT id FROM desks WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/dossiers/:id", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/dossiers/:id/demarrer", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/dossiers/:id/externe", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/dossiers/:id/actions", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/dossiers/:id/enchainer", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/dossiers/:id/archiver", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/parapheur/dossiers/:id/supprimer", "SELECT id FROM folders WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/egalite/rapports/:id", "SELECT id FROM egalite_reports WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/egalite/rapports/:id/:format", "SELECT id, 'json' FROM egalite_reports WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/organes/:id", "SELECT id FROM organes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/organes/:id/membres", "SELECT id FROM organes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/organes/:id/membres/:membre", "SELECT organe_id, id FROM membres WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/organes/:id/membres.csv", "SELECT id FROM organes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/points", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/points/:point", "SELECT seance_id, id FROM seance_points WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/points/:point/vote", "SELECT seance_id, id FROM seance_points WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/documents", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/documents/:doc", "SELECT seance_id, id FROM seance_docs WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/convocations", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/envois/:envoi/:fichier", "SELECT seance_id, id, 'manifeste.txt' FROM seance_envois WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/attestation.pdf", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/convocations/papier.pdf", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/convocations/rectificatif", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/rectificatif", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/convocations/:conv/renvoi", "SELECT seance_id, id FROM convocations WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/convocations/:conv/renvoi", "SELECT seance_id, id FROM convocations WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/emargement.pdf", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/presences", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/cloture", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/reouverture", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/quorum-manque", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/cloture", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/presences/:membre", "SELECT s.id, m.id FROM seances s JOIN membres m ON m.organe_id = s.organe_id WHERE s.tenant_id = $1 ORDER BY s.id, m.id LIMIT 1" },
	{ "/api/v1/seances/:id/pv", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/pv/etat", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/pv.pdf", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/pv", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/pv/etat", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/pv/publication", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/pv/publier", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/pv/parapheur", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/pv/parapheur", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/liste", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/liste.pdf", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/liste/publication", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/seances/:id/registre.pdf", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/liste", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/liste/publier", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/assemblees/:id", "SELECT id FROM organes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/assemblees/:id/membres", "SELECT id FROM organes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/assemblees/:id/membres/:membre", "SELECT organe_id, id FROM membres WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/assemblees/:id/import", "SELECT id FROM organes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/points", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/points/:point", "SELECT seance_id, id FROM seance_points WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/points/:point/vote", "SELECT seance_id, id FROM seance_points WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/documents", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/documents/:doc", "SELECT seance_id, id FROM seance_docs WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/documents/:doc/supprimer", "SELECT seance_id, id FROM seance_docs WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/convoquer", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/preuves", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/seances/:id/emargement", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/elu/seances/:id", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/elu/seances/:id/reponse", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/elu/seances/:id/documents/:doc", "SELECT seance_id, id FROM seance_docs WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/elu/seances/:id/dossier.zip", "SELECT id FROM seances WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id", "SELECT id FROM conventions WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/modifier", "SELECT id FROM conventions WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/fiches", "SELECT id FROM conventions WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/budget", "SELECT id FROM conventions WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/bilans", "SELECT id FROM conventions WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/reconduction", "SELECT id FROM conventions WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/resiliation", "SELECT id FROM conventions WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/parapheur", "SELECT id FROM conventions WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/prefecture", "SELECT id FROM conventions WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/budget/:ligne/paiement", "SELECT convention_id, id FROM convention_budget WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/budget/:ligne/supprimer", "SELECT convention_id, id FROM convention_budget WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/fiches/:fiche/supprimer", "SELECT convention_id, id FROM convention_fiches WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/bilans/:bilan/pdf", "SELECT convention_id, id FROM convention_bilans WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/conventions/:id", "SELECT id FROM conventions WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/permanences", "SELECT id FROM conventions WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/permanences.ics", "SELECT id FROM conventions WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/permanences/:perm", "SELECT convention_id, id FROM convention_permanences WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/permanences/:perm/modifier", "SELECT convention_id, id FROM convention_permanences WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/permanences/:perm/supprimer", "SELECT convention_id, id FROM convention_permanences WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/permanences/:perm/dates", "SELECT convention_id, id FROM convention_permanences WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/permanences/:perm/dates/:date/supprimer", "SELECT p.convention_id, p.id, d.id FROM convention_permanence_dates d JOIN convention_permanences p ON p.id = d.permanence_id WHERE d.tenant_id = $1 ORDER BY d.id LIMIT 1" },
	{ "/conventions/:id/fiches/:fiche", "SELECT convention_id, id FROM convention_fiches WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/fiches/:fiche/modifier", "SELECT convention_id, id FROM convention_fiches WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/budget/:ligne", "SELECT convention_id, id FROM convention_budget WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/conventions/:id/budget/:ligne/modifier", "SELECT convention_id, id FROM convention_budget WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/conventions/:id/fiches/:fiche", "SELECT convention_id, id FROM convention_fiches WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/conventions/:id/budget/:ligne", "SELECT convention_id, id FROM convention_budget WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/conventions/:id/permanences", "SELECT id FROM conventions WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/conventions/:id/permanences/:perm", "SELECT convention_id, id FROM convention_permanences WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/conventions/:id/permanences/:perm/dates", "SELECT convention_id, id FROM convention_permanences WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/helios/fichiers/:id", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/helios/fichiers/:id/pes", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/helios/fichiers/:id/visuel", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/helios/fichiers/:id/signature", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/helios/fichiers/:id/pes-signe", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/helios/retours/:id", "SELECT id FROM pes_answers WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/helios/fichiers/:id", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/helios/fichiers/:id/transmettre", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/helios/fichiers/:id/transmettre", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/helios/fichiers/:id/signature", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/helios/fichiers/:id/pes-signe", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/helios/fichiers/:id/visuel.pdf", "SELECT id FROM pes_files WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/:id", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/:id/transmettre", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/:id/annuler", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/:id/signature", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/:id/documents/:doc", "SELECT acte_id, id FROM actes_docs WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/messages/:id/fichier", "SELECT id FROM actes_messages WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/messages/:id/reponse", "SELECT id FROM actes_messages WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/actes/:id", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/actes/:id/transmettre", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/actes/:id/annuler", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/actes/:id/signature", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/actes/messages/:id/reponse", "SELECT id FROM actes_messages WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/actes/:id/publier", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ "/api/v1/actes/:id/publication", "SELECT id FROM actes WHERE tenant_id = $1 ORDER BY id LIMIT 1" },
	{ NULL, NULL },
};

/* Creates one of each parapheur object in tenant, owned by user. */
static inline int seed_parapheur(db *d, int64_t tenant, int64_t user)
{
	struct err e;
	int64_t desk, desk2, circuit, type, sub, folder;
	json_t *steps = json_loads("[{\"type\":\"visa\",\"bureaux\":[\"emetteur\"]}]", 0, NULL);
	int rc = pa_desk_create(d, tenant, "Bureau témoin", 0, &user, 1, &desk, &e) < 0 ||
		 pa_circuit_create(d, tenant, "Circuit témoin", steps, &circuit, &e) < 0 ||
		 pa_type_create(d, tenant, "Type témoin", "pades", "none", "", "", &type, &e) < 0 ||
		 pa_subtype_create(d, tenant, type, "Sous-type témoin", circuit, NULL, &sub, &e) < 0 ||
		 pa_folder_create(d, tenant, user, "Dossier témoin", sub, desk, NULL, 0, &folder, &e) < 0 ||
		 pa_folder_add_doc(d, tenant, folder, "principal", "temoin.pdf",
				   "0000000000000000000000000000000000000000000000000000000000000000", "application/pdf", 1, &e) < 0 ||
		 pa_desk_create(d, tenant, "Bureau témoin délégataire", desk, &user, 1, &desk2, &e) < 0 ||
		 pa_delegation_add(d, tenant, desk, desk2, 0, 4102444800, type, &e) < 0;
	json_decref(steps);
	if (rc)
		printf("# seed_parapheur: %s\n", e.msg);
	return rc ? -1 : 0;
}

/* One stored equality diagnostic (blobs absent: the routes answer from the row). */
static inline int seed_egalite(db *d, int64_t tenant, int64_t user)
{
	struct err e;
	const char *z = "0000000000000000000000000000000000000000000000000000000000000000";
	int rc = db_run(d, &e, "INSERT INTO egalite_reports (tenant_id, ref_date, titre, a_part, agents, previous_id, sha_json, sha_html,"
			       " sha_fragment, sha_pdf, sha_xlsx, created_by, created_at) VALUES ($1, '2023-12-31', 'Témoin', '', 1, 0,"
			       " $2, $2, $2, $2, $2, $3, 0)", "iti", tenant, z, user);
	if (rc < 0)
		printf("# seed_egalite: %s\n", e.msg);
	return rc < 0 ? -1 : 0;
}

/* Creates an organe with one member (linked to user), a convened séance with one point, a document
 * and a sending record. */
static inline int seed_seance(db *d, int64_t tenant, int64_t user)
{
	struct err e;
	int64_t organe, membre, seance, point;
	char th[48];
	snprintf(th, sizeof th, "temoin-%lld", (long long)tenant);
	json_t *o = json_pack("{s:s,s:s}", "nom", "Conseil témoin", "nature", "epci");
	json_t *m = json_pack("{s:s,s:s,s:I}", "nom", "Témoin", "courriel", "temoin@demo.opale.invalid", "utilisateur", (json_int_t)user);
	json_t *s = NULL, *p = json_pack("{s:s}", "titre", "Point témoin");
	int rc = sd_organe_save(d, tenant, 0, o, &organe, &e) < 0 || sd_membre_save(d, tenant, organe, 0, m, &membre, &e) < 0;
	if (!rc) {
		s = json_pack("{s:I,s:s}", "organe", (json_int_t)organe, "date", "2030-03-15T18:30");
		rc = sd_seance_save(d, tenant, 0, s, &seance, &e) < 0 || sd_point_save(d, tenant, seance, 0, p, &point, &e) < 0 ||
		     sd_doc_add(d, tenant, seance, point, "principal", "temoin.pdf",
				"0000000000000000000000000000000000000000000000000000000000000000", "application/pdf", 1, NULL, &e) < 0 ||
		     db_run(d, &e, "UPDATE seances SET status = 'convoquee' WHERE id = $1", "i", seance) < 0 ||
		     db_run(d, &e, "INSERT INTO seance_envois (tenant_id, seance_id, at, user_id, manifest_sha256) VALUES ($1,$2,0,$3,$4)", "iiit",
			    tenant, seance, user, "0000000000000000000000000000000000000000000000000000000000000000") < 0 ||
		     db_run(d, &e, "INSERT INTO convocations (tenant_id, seance_id, membre_id, email, token_hash, state, queued_at, expires_at) "
				   "VALUES ($1,$2,$3,'temoin@demo.opale.invalid',$4,'echec',0,0)", "iiit", tenant, seance, membre,
			    th) < 0;
	}
	json_decref(o);
	json_decref(m);
	json_decref(s);
	json_decref(p);
	if (rc)
		printf("# seed_seance: %s\n", e.msg);
	return rc ? -1 : 0;
}

/* One convention with an action sheet, a budget line, a permanence and a review. */
static inline int seed_conventions(db *d, int64_t tenant, int64_t user)
{
	struct err e;
	int64_t id;
	json_t *in = json_loads("{\"titre\":\"Convention témoin\",\"debut\":\"2024-01-01\",\"duree\":\"1 an\","
				"\"fiches\":[{\"intitule\":\"Fiche témoin\"}],\"budget\":[{\"libelle\":\"Ligne\",\"annee\":2024,"
				"\"formule\":\"10 € x 2\",\"fiche\":1}],\"permanences\":[{\"lieu\":\"Mairie\",\"rythme\":\"1 jour par mois\",\"jour\":2,\"semaines\":\"1\","
				"\"heure_debut\":\"09:00\",\"heure_fin\":\"17:00\"}]}",
				0, NULL);
	int rc = cv_save(d, tenant, user, 0, in, &id, &e) < 0 || cv_bilan_add(d, tenant, user, id, "2024-12-31", NULL, "témoin", &e) < 0 ? -1 : 0;
	json_decref(in);
	if (rc == 0) {   /* one session of the permanence cancelled by hand */
		int qrc;
		db_stmt *s = tdb_query(d, tenant, &e, &qrc, "SELECT id FROM convention_permanences WHERE tenant_id = $1 AND convention_id = $2", "i", id);
		int64_t perm = s && qrc == DB_ROW ? db_col_int64(s, 0) : 0;
		if (s)
			db_finalize(s);
		json_t *dt = json_pack("{s:s,s:b}", "date", "2024-02-06", "annulee", 1);
		rc = perm && cv_perm_date_set(d, tenant, id, perm, dt, &e) == 0 ? 0 : -1;
		json_decref(dt);
	}
	if (rc < 0)
		printf("# seed_conventions: %s\n", e.msg);
	return rc < 0 ? -1 : 0;
}

/* One Hélios file (its blob need not exist) and one acquittal in tenant. */
static inline int seed_helios(db *d, int64_t tenant, int64_t user)
{
	struct err e;
	char sha[65];
	snprintf(sha, sizeof sha, "%064lld", (long long)tenant);
	int rc = db_run(d, &e, "INSERT INTO pes_files (tenant_id, name, sha256, size, nomfic, state, created_by, created_at, updated_at)"
			       " VALUES ($1, 'temoin.xml', $2, 1, 'PES-TEMOIN', 'importe', $3, 0, 0)", "iti", tenant, sha, user) < 0 ||
		 db_run(d, &e, "INSERT INTO pes_answers (tenant_id, file_id, kind, name, sha256, size, created_at)"
			       " SELECT $1, id, 'acquit', 'acquit-temoin.xml', $2, 1, 0 FROM pes_files WHERE tenant_id = $1 AND sha256 = $2", "it", tenant, sha) < 0;
	if (rc)
		printf("# seed_helios: %s\n", e.msg);
	return rc ? -1 : 0;
}

/* One act of tenant with a document and a prefecture letter (rows only: no file behind them). */
static inline int seed_actes(db *d, int64_t tenant, int64_t user)
{
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "INSERT INTO actes (tenant_id, annee, numero, nature, objet, date_decision, matiere,"
						   " classification_date, type_piece, creator, created_at, updated_at) VALUES ($1, 2024, 'TEMOIN_1', 4,"
						   " 'Acte témoin', '2024-03-18', '1.4', '2024-01-10', '99_DC', $2, 0, 0) RETURNING id", "i", user);
	int64_t acte = s && rc == DB_ROW ? db_col_int64(s, 0) : 0;
	if (s)
		db_finalize(s);
	if (!acte ||
	    tdb_run(d, tenant, &e, "INSERT INTO actes_docs (tenant_id, acte_id, role, name, sha256, mime, size, created_at)"
				   " VALUES ($1, $2, 'acte', 'temoin.pdf', '0000000000000000000000000000000000000000000000000000000000000000',"
				   " 'application/pdf', 1, 0)", "i", acte) < 0 ||
	    tdb_run(d, tenant, &e, "INSERT INTO actes_messages (tenant_id, acte_id, tdt_id, code, pdf_sha256, answer_state, created_at)"
				   " VALUES ($1, $2, '1', '3-1', '0000000000000000000000000000000000000000000000000000000000000000', 'a_repondre', 0)",
		    "i", acte) < 0) {
		printf("# seed_actes: %s\n", e.msg);
		return -1;
	}
	return 0;
}

/* One calendar subscription link of tenant (src/identity/feeds.c). */
static inline int seed_feeds(db *d, int64_t tenant, int64_t user)
{
	struct err e;
	char h[65];
	snprintf(h, sizeof h, "feed%060lld", (long long)tenant);
	if (db_run(d, &e, "INSERT INTO api_tokens (token_hash, user_id, tenant_id, roles, label, created_at, feed)"
			  " VALUES ($1, $2, $3, 1, 'Agenda témoin', 0, 1)", "tii", h, user, tenant) < 0) {
		printf("# seed_feeds: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int (*const isolation_fixtures[])(db *d, int64_t tenant, int64_t user) = { seed_parapheur, seed_egalite, seed_seance, seed_conventions, seed_helios, seed_actes, seed_feeds, NULL };

#endif
