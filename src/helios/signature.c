/* signature: a PES goes through a parapheur circuit of protocol HELIOS (« envoyer en signature »);
 * when the circuit ends the file follows — signed PES checked and kept, or back to « importé » with
 * the reason of the rejection. A PES signed elsewhere may be deposited instead. */
#include "helios/files.h"
#include "db/tenant.h"
#include "jobs/jobs.h"
#include "parapheur/parapheur.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

static void euros(buf *b, int64_t cents)
{
	buf_printf(b, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

int hf_send_to_signature(db *d, int64_t tenant, int64_t user, int64_t id, int64_t subtype, int64_t desk, int64_t *folder,
			 struct err *e)
{
	db_stmt *s = hf_row(d, tenant, id, "SELECT state, name, sha256, size, nomfic, bordereaux, total_depense, total_recette, exercice"
				       " FROM pes_files WHERE tenant_id = $1 AND id = $2", e);
	if (!s)
		return -1;
	char state[32], name[256], sha[65], nomfic[128];
	snprintf(state, sizeof state, "%s", db_col_text(s, 0));
	snprintf(name, sizeof name, "%s", db_col_text(s, 1));
	snprintf(sha, sizeof sha, "%s", db_col_text(s, 2));
	int64_t size = db_col_int64(s, 3), nb = db_col_int64(s, 5), dep = db_col_int64(s, 6), rec = db_col_int64(s, 7),
		exer = db_col_int64(s, 8);
	snprintf(nomfic, sizeof nomfic, "%s", db_col_text(s, 4));
	db_finalize(s);
	if (strcmp(state, HF_IMPORTE) != 0)
		return err_set(e, 409, "helios.etat", "Seul un fichier « importé » part en signature (celui-ci est « %s »).",
			       hf_state_label(state));
	if (pa_pick_route(d, tenant, user, "helios", "helios", &subtype, &desk, e) < 0)
		return -1;
	buf title = BUF_INIT, montant = BUF_INIT;
	buf_printf(&title, "PES %s — %lld bordereau(x)", nomfic[0] ? nomfic : name, (long long)nb);
	euros(&montant, dep + rec);
	json_t *meta = json_pack("{s:s,s:s,s:s}", "montant", montant.data, "helios", "", "exercice", "");
	json_object_set_new(meta, "helios", json_sprintf("%lld", (long long)id));
	json_object_set_new(meta, "exercice", json_sprintf("%lld", (long long)exer));
	int own;
	int rc = db_tx_join(d, &own, e);
	if (rc == 0)
		rc = pa_folder_create(d, tenant, user, title.data, subtype, desk, meta, 0, folder, e) < 0 ||
		     pa_folder_add_doc(d, tenant, *folder, "principal", name, sha, "text/xml", size, e) < 0 ||
		     pa_folder_start(d, tenant, user, *folder, NULL, 0, e) < 0 || hf_set_folder(d, tenant, id, *folder, e) < 0 ||
		     hf_transition(d, tenant, id, HF_IMPORTE, HF_EN_SIGNATURE, user, "envoi_signature",
				   title.data, e) < 0 ? -1 : 0;
	if (rc == 0) {
		char detail[120];
		snprintf(detail, sizeof detail, "Dossier n° %lld du parapheur", (long long)*folder);
		rc = hf_event(d, tenant, id, user, "dossier_parapheur", detail, e);
	}
	rc = db_tx_end(d, own, rc, e);
	json_decref(meta);
	buf_free(&title);
	buf_free(&montant);
	/* The parapheur says 403 when the desk is not the user's: not a matter of role here. */
	if (rc < 0 && e->status == 403)
		e->status = 409;
	return rc;
}

/* The parapheur's end of circuit: signed PES kept and checked, or back to « importé ». */
static int folder_ended(db *d, int64_t tenant, int64_t folder, const char *status, int64_t user, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id, sha256, state FROM pes_files WHERE tenant_id = $1 AND folder_id = $2"
						  " ORDER BY id DESC LIMIT 1", "i", folder);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return 0;  /* not a PES */
	}
	int64_t id = db_col_int64(s, 0);
	char orig[65], state[32];
	snprintf(orig, sizeof orig, "%s", db_col_text(s, 1));
	snprintf(state, sizeof state, "%s", db_col_text(s, 2));
	db_finalize(s);
	if (strcmp(state, HF_EN_SIGNATURE) != 0 && strcmp(state, HF_IMPORTE) != 0)
		return 0;
	char detail[700];
	if (strcmp(status, "rejete") == 0) {
		s = tdb_query(d, tenant, e, &rc, "SELECT annotation FROM folder_events WHERE tenant_id = $1 AND folder_id = $2 AND action = 'rejet'"
						 " ORDER BY id DESC LIMIT 1", "i", folder);
		snprintf(detail, sizeof detail, "Dossier n° %lld rejeté dans le parapheur%s%s%s", (long long)folder,
			 s && rc == DB_ROW ? " : « " : "", s && rc == DB_ROW ? db_col_text(s, 0) : "", s && rc == DB_ROW ? " »" : "");
		if (s)
			db_finalize(s);
		return hf_transition(d, tenant, id, HF_EN_SIGNATURE "," HF_IMPORTE, HF_IMPORTE, user, "rejet_signature", detail, e);
	}
	/* The signed PES: the newest document the signature step added (role "signe"), else a main
	 * document replaced in place. */
	char sha[65] = "";
	s = tdb_query(d, tenant, e, &rc, "SELECT sha256 FROM folder_docs WHERE tenant_id = $1 AND folder_id = $2 AND (role = 'signe'"
					 " OR (role = 'principal' AND sha256 <> $3)) ORDER BY CASE WHEN role = 'signe' THEN 0 ELSE 1 END, id DESC"
					 " LIMIT 1", "it", folder, orig);
	if (!s)
		return -1;
	if (rc == DB_ROW)
		snprintf(sha, sizeof sha, "%s", db_col_text(s, 0));
	db_finalize(s);
	if (!sha[0]) {
		snprintf(detail, sizeof detail, "Circuit n° %lld terminé sans signature électronique du PES : déposez le PES signé, ou "
						"renvoyez-le dans un circuit qui a une étape de signature.", (long long)folder);
		return hf_transition(d, tenant, id, HF_EN_SIGNATURE "," HF_IMPORTE, HF_IMPORTE, user, "circuit_sans_signature", detail, e);
	}
	/* The check of the signed PES (schema, rules, every bordereau's signature) reads the whole file and
	 * verifies it in memory: seconds and hundreds of MB for a 150 MB PES (docs/helios.md, P7.4). It runs
	 * in the job helios.verif_signe, outside this transaction (the parapheur's last action), which
	 * records the result: « signé », or back to « importé » with the reason. */
	char payload[160], key[160];
	snprintf(payload, sizeof payload, "{\"fichier\":%lld,\"dossier\":%lld,\"user\":%lld,\"sha\":\"%s\"}", (long long)id, (long long)folder,
		 (long long)user, sha);
	snprintf(key, sizeof key, "helios.verif_signe:%lld:%s", (long long)id, sha);
	snprintf(detail, sizeof detail, "Circuit n° %lld terminé : vérification du PES signé (schéma DGFiP, signature de chaque bordereau) en cours",
		 (long long)folder);
	return jobs_enqueue(d, "helios.verif_signe", payload, key, tenant, 0, NULL, e) < 0 ||
			       hf_event(d, tenant, id, user, "verification_signature", detail, e) < 0
		       ? -1
		       : 0;
}
OPALE_PA_END(helios, folder_ended);

/* The job: the signed PES checked outside any transaction, then the result recorded in a short one. */
static int job_verif_signe(db *d, const struct job *j, struct err *e)
{
	json_t *p = json_loads(j->payload, 0, NULL);
	int64_t id = json_integer_value(json_object_get(p, "fichier")), folder = json_integer_value(json_object_get(p, "dossier"));
	int64_t user = json_integer_value(json_object_get(p, "user"));
	char sha[65];
	snprintf(sha, sizeof sha, "%s", json_string_value(json_object_get(p, "sha")) ? json_string_value(json_object_get(p, "sha")) : "");
	json_decref(p);
	int64_t tenant = j->tenant_id;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT state FROM pes_files WHERE tenant_id = $1 AND id = $2", "i", id);
	if (!s)
		return JOB_RETRY;
	int waiting = rc == DB_ROW && strcmp(db_col_text(s, 0), HF_EN_SIGNATURE) == 0;
	db_finalize(s);
	if (!waiting || !sha[0])
		return 0;   /* already recorded (a re-run), or the file moved on */
	char path[1200], detail[700] = "";
	store_path(sha, path, sizeof path);
	struct pes_report rep;
	if (hf_check(d, tenant, path, &rep, e) < 0)
		return JOB_RETRY;
	if (rep.errors) {
		const struct pes_issue *is = rep.n_issues ? &rep.issues[0] : NULL;
		snprintf(detail, sizeof detail, "Le PES signé du dossier n° %lld ne passe plus le contrôle (%zu erreur(s)%s%.400s) : signature non retenue",
			 (long long)folder, rep.errors, is ? ", " : "", is ? is->msg : "");
	}
	pes_report_free(&rep);
	struct err ve = { 0 };
	int sig = detail[0] ? 1 : hf_signature_state(path, &ve);
	if (sig < 0 && ve.status >= 500) {
		err_set(e, ve.status, ve.code, "%s", ve.msg);
		return JOB_RETRY;
	}
	if (sig < 0)
		snprintf(detail, sizeof detail, "Dossier n° %lld : %.500s Signature non retenue.", (long long)folder, ve.msg);
	else if (sig == 0)
		snprintf(detail, sizeof detail, "Le document signé du dossier n° %lld ne porte aucune signature de bordereau : signature non retenue",
			 (long long)folder);
	if (db_begin_write(d, e) < 0)
		return JOB_RETRY;
	if (detail[0]) {
		rc = hf_transition(d, tenant, id, HF_EN_SIGNATURE, HF_IMPORTE, user, "signature_refusee", detail, e);
	} else {
		snprintf(detail, sizeof detail, "Signé dans le parapheur (dossier n° %lld) ; signature de chaque bordereau vérifiée, schéma DGFiP respecté",
			 (long long)folder);
		rc = hf_set_signed(d, tenant, id, sha, e) < 0 || hf_transition(d, tenant, id, HF_EN_SIGNATURE, HF_SIGNE, user, "signature", detail, e) < 0
			     ? -1 : 0;
	}
	return db_tx_end(d, 1, rc, e) < 0 ? JOB_RETRY : 0;
}
OPALE_JOB_KIND(helios_verif_signe, "helios.verif_signe", job_verif_signe, JOB_NO_TX, 8, 600);


/* On the folder page of a PES circuit: the file it carries. */
static void folder_links(db *d, int64_t tenant, int64_t folder, unsigned roles, json_t *links)
{
	(void)roles;
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT id, name FROM pes_files WHERE tenant_id = $1 AND folder_id = $2 ORDER BY id DESC LIMIT 1",
			       "i", folder);
	if (s && rc == DB_ROW) {
		char t[400], l[64];
		snprintf(t, sizeof t, "Fichier PES « %.300s »", db_col_text(s, 1));
		snprintf(l, sizeof l, "/helios/fichiers/%lld", (long long)db_col_int64(s, 0));
		json_array_append_new(links, json_pack("{s:s,s:s}", "texte", t, "lien", l));
	}
	if (s)
		db_finalize(s);
}
OPALE_PA_LINK(helios, folder_links);

int hf_signed_upload(db *d, int64_t tenant, int64_t user, int64_t id, const char *path, const char *sha256, uint64_t size,
		     struct err *e)
{
	(void)size;
	db_stmt *s = hf_row(d, tenant, id, "SELECT state FROM pes_files WHERE tenant_id = $1 AND id = $2", e);
	if (!s)
		return -1;
	int importe = strcmp(db_col_text(s, 0), HF_IMPORTE) == 0;
	db_finalize(s);
	if (!importe)
		return err_set(e, 409, "helios.etat", "Le PES signé se dépose sur un fichier « importé ».");
	struct pes_report rep;
	if (hf_check(d, tenant, path, &rep, e) < 0)
		return -1;
	size_t errors = rep.errors;
	enum pes_kind kind = rep.kind;
	pes_report_free(&rep);
	if (kind != PES_ALLER)
		return err_set(e, 415, "helios.type", "Ce fichier n'est pas un PES_Aller.");
	if (errors)
		return err_set(e, 422, "pes.non_conforme", "Le PES signé n'est pas conforme : %zu erreur(s).", errors);
	if (hf_same_content(d, tenant, id, path, e) < 0)
		return -1;
	int sig = hf_signature_state(path, e);
	if (sig < 0)
		return -1;
	if (sig == 0)
		return err_set(e, 422, "helios.signature", "Ce PES ne porte aucune signature.");
	int own;
	char mime[128];
	int rc = db_tx_join(d, &own, e);
	if (rc == 0)
		rc = store_put_file(path, sha256, mime, e) < 0 || hf_set_signed(d, tenant, id, sha256, e) < 0 ||
		     hf_transition(d, tenant, id, HF_IMPORTE, HF_SIGNE, user, "depot_signe",
				   "PES signé hors d'Opale déposé ; signature de chaque bordereau vérifiée", e) < 0 ? -1 : 0;
	return db_tx_end(d, own, rc, e);
}
