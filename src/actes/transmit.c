/* transmit: the acts' journey to the prefecture through the TdT (S2LOW's API, tdt.h), every call in
 * the durable job queue. Kinds: actes.envoi (post an act, a cancellation or a reply), actes.suivi
 * (poll one transmission until its final state), actes.courriers (prefecture letters of a
 * collectivité), actes.classification (fetch the classification). Posting is exactly-once at the
 * TdT: the transmission is marked "envoi" (committed) before the post, and a retry finds a post
 * that happened before a crash by the act's unique id instead of posting again. */
#include "actes/registre.h"
#include "actes/actes_priv.h"
#include "core/config.h"
#include "core/log.h"
#include "db/tenant.h"
#include "http/metrics.h"
#include "identity/identity.h"
#include "jobs/jobs.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A transmission row. */
struct tx {
	int64_t id, acte, message;
	int polls, tdt_status;
	char kind[24], state[24], tdt_id[32], uid[128], payload[2048];
};

static int tx_load(db *d, int64_t tenant, int64_t id, struct tx *t, struct err *e)
{
	memset(t, 0, sizeof *t);
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id, acte_id, message_id, polls, tdt_status, kind, state, tdt_id, tdt_uid, payload"
						  " FROM actes_transmissions WHERE tenant_id = $1 AND id = $2", "i", id);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "actes.transmission", "Transmission %lld introuvable.", (long long)id);
	}
	t->id = db_col_int64(s, 0), t->acte = db_col_int64(s, 1), t->message = db_col_int64(s, 2);
	t->polls = (int)db_col_int64(s, 3), t->tdt_status = (int)db_col_int64(s, 4);
	snprintf(t->kind, sizeof t->kind, "%s", db_col_text(s, 5));
	snprintf(t->state, sizeof t->state, "%s", db_col_text(s, 6));
	snprintf(t->tdt_id, sizeof t->tdt_id, "%s", db_col_text(s, 7));
	snprintf(t->uid, sizeof t->uid, "%s", db_col_text(s, 8));
	snprintf(t->payload, sizeof t->payload, "%s", db_col_text(s, 9));
	db_finalize(s);
	return 0;
}

static int64_t payload_id(const struct job *j, const char *key)
{
	json_t *p = json_loads(j->payload, 0, NULL);
	int64_t v = json_integer_value(json_object_get(p, key));
	json_decref(p);
	return v;
}

static int enqueue_tx_job(db *d, const char *kind, int64_t tenant, int64_t tid, const char *key_suffix, int64_t run_at,
			  struct err *e)
{
	char payload[64], key[128];
	snprintf(payload, sizeof payload, "{\"t\":%lld}", (long long)tid);
	snprintf(key, sizeof key, "%s:%lld:%s", kind, (long long)tid, key_suffix);
	return jobs_enqueue(d, kind, payload, key, tenant, run_at, NULL, e);
}

static unsigned poll_s(void)
{
	return cfg.tdt_poll ? cfg.tdt_poll : 60;
}

/* The chain of letter checks of a collectivité: one job per time slot, so every enqueuer (a
 * transmission, the chain itself) names the same next job and no second chain starts. */
static int letters_schedule(db *d, int64_t tenant, struct err *e)
{
	int64_t slot = identity_now() / poll_s() + 1;
	char payload[8] = "{}", key[96];
	snprintf(key, sizeof key, "actes.courriers:%lld:%lld", (long long)tenant, (long long)slot);
	return jobs_enqueue(d, "actes.courriers", payload, key, tenant, slot * poll_s(), NULL, e);
}

/* ---- queuing (request side) ---- */

static int new_tx(db *d, int64_t tenant, int64_t acte, const char *kind, int64_t message, const char *payload, int64_t *tid,
		  struct err *e)
{
	int64_t now = identity_now();
	if (tdb_insert(d, tenant, e, tid, "INSERT INTO actes_transmissions (tenant_id, acte_id, kind, message_id, payload, created_at, updated_at)"
					    " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", "ititii",
			  acte, kind, message, payload ? payload : "{}", now, now) < 0)
		return -1;
	return enqueue_tx_job(d, "actes.envoi", tenant, *tid, "0", 0, e) < 0 || letters_schedule(d, tenant, e) < 0 ? -1 : 0;
}

int actes_transmit(db *d, int64_t tenant, int64_t user, int64_t acte, struct err *e)
{
	int own;
	if (db_tx_join(d, &own, e) < 0)
		return -1;
	int64_t tid;
	if (actes_in_circuit(d, tenant, acte) == 1)
		return db_tx_end(d, own, err_set(e, 409, "actes.en_signature", "L'acte est en cours de circuit dans le parapheur : il se "
										 "transmet quand le circuit est terminé."), e);
	int rc = tdb_run(d, tenant, e, "UPDATE actes SET state = 'en_attente', error = '', updated_at = $3 WHERE tenant_id = $1 AND id = $2"
				       " AND state = 'brouillon'", "ii", acte, identity_now());
	if (rc == 0 && db_changes(d) != 1) {
		struct err x;
		json_t *j = actes_db_get(d, tenant, acte, &x);
		rc = j ? err_set(e, 409, "actes.etat", "L'acte est « %s » : seul un brouillon peut être transmis.",
				 json_string_value(json_object_get(j, "etat_libelle")))
		       : err_set(e, 404, "actes.inconnu", "Acte introuvable.");
		json_decref(j);
	}
	if (rc == 0)
		rc = new_tx(d, tenant, acte, "acte", 0, NULL, &tid, e) < 0 || actes_db_event(d, tenant, acte, user, "transmission", "", e) < 0 ? -1 : 0;
	return db_tx_end(d, own, rc, e);
}

int actes_cancel(db *d, int64_t tenant, int64_t user, int64_t acte, struct err *e)
{
	int own;
	if (db_tx_join(d, &own, e) < 0)
		return -1;
	int rc, r;
	db_stmt *s = tdb_query(d, tenant, e, &r, "SELECT state, (SELECT COUNT(*) FROM actes_transmissions WHERE tenant_id = $1 AND acte_id = $2"
						 " AND kind = 'annulation' AND state <> 'erreur') FROM actes WHERE tenant_id = $1 AND id = $2", "i", acte);
	if (!s) {
		rc = -1;
	} else if (r != DB_ROW) {
		rc = err_set(e, 404, "actes.inconnu", "Acte introuvable.");
	} else if (strcmp(db_col_text(s, 0), ACTE_ACQUITTE) != 0) {
		rc = err_set(e, 409, "actes.etat", "Seul un acte acquitté par la préfecture peut être annulé.");
	} else if (db_col_int64(s, 1) > 0) {
		rc = err_set(e, 409, "actes.annulation_en_cours", "Une annulation de cet acte est déjà demandée.");
	} else {
		rc = 0;
	}
	if (s)
		db_finalize(s);
	int64_t tid;
	if (rc == 0)
		rc = new_tx(d, tenant, acte, "annulation", 0, NULL, &tid, e) < 0 || actes_db_event(d, tenant, acte, user, "annulation.demande", "", e) < 0 ? -1 : 0;
	return db_tx_end(d, own, rc, e);
}

/* The message a reply gives (actesv1_1.xsd): 2-2 to a 2-1; 3-3 / 3-4 to a 3-1; 4-3 / 4-4 to a 4-1. */
static const char *reply_code(const char *letter, int refus)
{
	return strcmp(letter, "2-1") == 0 ? "2-2" : strcmp(letter, "3-1") == 0 ? (refus ? "3-3" : "3-4")
						   : strcmp(letter, "4-1") == 0 ? (refus ? "4-3" : "4-4") : NULL;
}

/* What the files of a reply may be: the first one is the letter itself (PDF); the pieces of a 3-4 may
 * also be what an act's annexes may be (JPEG, PNG, XML). */
static int reply_docs_check(const char *code, const struct actes_reponse_doc *docs, size_t n, struct err *e)
{
	if (n == 0)
		return err_set(e, 400, "actes.document", "Le document de la réponse est manquant.");
	if (n > 1 && strcmp(code, "3-4") != 0)
		return err_set(e, 400, "actes.documents",
			       "Le message %s ne porte qu'un document (actesv1_1.xsd) : seule la transmission de pièces complémentaires "
			       "(3-4) peut en joindre plusieurs.", code);
	if (n > ACTES_REPONSE_DOCS_MAX)
		return err_set(e, 400, "actes.documents", "Au plus %d documents par réponse.", ACTES_REPONSE_DOCS_MAX);
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		const char *m = docs[i].mime ? docs[i].mime : "";
		int pdf = strcmp(m, "application/pdf") == 0;
		int other = strcmp(m, "image/jpeg") == 0 || strcmp(m, "image/png") == 0 || strcmp(m, "text/xml") == 0;
		if (!docs[i].sha256 || !store_exists(docs[i].sha256))
			return err_set(e, 400, "actes.document", "Le document « %s » de la réponse est manquant.", docs[i].name ? docs[i].name : "?");
		if (!pdf && (i == 0 || !other))
			return err_set(e, 400, "actes.type_fichier", "« %s » : %s", docs[i].name,
				       i == 0 ? "le courrier de réponse doit être un PDF." : "PDF, JPEG, PNG ou XML attendu.");
		if (!actes_type_pj_valid(docs[i].type_piece))
			return err_set(e, 400, "actes.type_piece", "« %s » : type de pièce « %s » invalide (5 caractères parmi A-Z, 0-9 et _).",
				       docs[i].name, docs[i].type_piece ? docs[i].type_piece : "");
		total += docs[i].size;
	}
	if (total > ACTES_ARCHIVE_MAX)
		return err_set(e, 400, "actes.taille", "Les documents de la réponse dépassent 150 Mio (%llu octets).", (unsigned long long)total);
	return 0;
}

int actes_answer(db *d, int64_t tenant, int64_t user, int64_t message, const char *envoi, const struct actes_reponse_doc *docs,
		 size_t n, struct err *e)
{
	int refus = envoi && strcmp(envoi, "refus") == 0;
	if (envoi && !refus && strcmp(envoi, "reponse") != 0)
		return err_set(e, 400, "actes.envoi", "« envoi » : reponse ou refus.");
	int own;
	if (db_tx_join(d, &own, e) < 0)
		return -1;
	int rc, r;
	int64_t acte = 0;
	char code[8] = "";
	db_stmt *s = tdb_query(d, tenant, e, &r, "SELECT acte_id, code, answer_state FROM actes_messages WHERE tenant_id = $1 AND id = $2", "i", message);
	if (!s) {
		rc = -1;
	} else if (r != DB_ROW) {
		rc = err_set(e, 404, "actes.message_inconnu", "Courrier introuvable.");
	} else if (strcmp(db_col_text(s, 2), "a_repondre") != 0) {
		rc = err_set(e, 409, "actes.reponse", "Ce courrier n'attend pas de réponse (ou elle est déjà envoyée).");
	} else if (refus && strcmp(db_col_text(s, 1), "2-1") == 0) {
		rc = err_set(e, 400, "actes.envoi", "Un courrier simple n'a pas de refus : répondez-y.");
	} else {
		acte = db_col_int64(s, 0);
		snprintf(code, sizeof code, "%s", db_col_text(s, 1));
		rc = 0;
	}
	if (s)
		db_finalize(s);
	const char *rcode = rc == 0 ? reply_code(code, refus) : NULL;
	if (rc == 0 && !rcode)
		rc = err_set(e, 409, "actes.reponse", "Ce courrier n'attend pas de réponse.");
	if (rc == 0)
		rc = reply_docs_check(rcode, docs, n, e);
	/* the reply's documents, kept with the act (rang = the letter answered, version = order in the
	 * reply); the transmission names them, so a second reply after a refusal by the TdT sends its own */
	json_t *p = json_pack("{s:s,s:s,s:[]}", "envoi", refus ? "refus" : "reponse", "message", rcode ? rcode : "", "docs");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		db_stmt *q = tdb_query(d, tenant, e, &r, "INSERT INTO actes_docs (tenant_id, acte_id, role, rang, version, type_piece, name, sha256, mime, size, created_at)"
							 " VALUES ($1, $2, 'reponse', $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id", "iiittttii", acte, message,
				       (int64_t)i + 1, docs[i].type_piece, docs[i].name ? docs[i].name : "reponse.pdf", docs[i].sha256, docs[i].mime,
				       (int64_t)docs[i].size, identity_now());
		if (!q) {
			rc = -1;
			break;
		}
		json_array_append_new(json_object_get(p, "docs"), json_integer(db_col_int64(q, 0)));
		db_finalize(q);
	}
	char *payload = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	int64_t tid;
	char detail[64];
	snprintf(detail, sizeof detail, "%s, %zu document(s)", rcode ? rcode : "", n);
	if (rc == 0)
		rc = tdb_run(d, tenant, e, "UPDATE actes_messages SET answer_state = 'envoi' WHERE tenant_id = $1 AND id = $2", "i", message) < 0 ||
		     new_tx(d, tenant, acte, "reponse", message, payload, &tid, e) < 0 ||
		     actes_db_event(d, tenant, acte, user, refus ? "reponse.refus" : "reponse", detail, e) < 0 ? -1 : 0;
	free(payload);
	return db_tx_end(d, own, rc, e);
}

/* ---- job side ---- */

static int tx_set(db *d, int64_t tenant, int64_t tid, const char *state, const char *tdt_id, const char *uid, int status,
		  const char *error, struct err *e)
{
	return tdb_run(d, tenant, e, "UPDATE actes_transmissions SET state = $3, tdt_id = CASE WHEN $4 = '' THEN tdt_id ELSE $4 END,"
				     " tdt_uid = CASE WHEN $5 = '' THEN tdt_uid ELSE $5 END, tdt_status = $6, error = $7, updated_at = $8"
				     " WHERE tenant_id = $1 AND id = $2", "itttiti", tid, state, tdt_id ? tdt_id : "", uid ? uid : "",
		       (int64_t)status, error ? error : "", identity_now());
}

static int acte_set(db *d, int64_t tenant, int64_t acte, const char *state, int status, const char *error, struct err *e)
{
	return tdb_run(d, tenant, e, "UPDATE actes SET state = $3, tdt_status = $4, error = $5, updated_at = $6 WHERE tenant_id = $1 AND id = $2",
		       "ititi", acte, state, (int64_t)status, error ? error : "", identity_now());
}

/* Renews the job's lease during a long upload; a lost lease aborts the transfer. */
static int keep_lease(void *ctx)
{
	const struct job *j = ctx;
	struct err e;
	db *d = db_thread(&e);
	return d && jobs_extend_lease(d, j, &e) == 0 ? 0 : 1;
}

/* The transaction was posted (tdt_id known, or found by uid): record it and start polling. */
static int adopt(db *d, int64_t tenant, const struct tx *t, const char *tdt_id, const char *uid, struct err *e)
{
	if (db_begin_write(d, e) < 0)
		return -1;
	int rc = tx_set(d, tenant, t->id, "poste", tdt_id, uid, 1, "", e) < 0 ||
		 (t->acte && actes_db_event(d, tenant, t->acte, 0, strcmp(t->kind, "acte") == 0 ? "tdt.poste" : strcmp(t->kind, "annulation") == 0 ? "tdt.annulation_postee" : "tdt.reponse_postee", tdt_id && *tdt_id ? tdt_id : uid, e) < 0) ||
		 enqueue_tx_job(d, "actes.suivi", tenant, t->id, "1", identity_now() + 1, e) < 0 ? -1 : 0;
	return db_tx_end(d, 1, rc, e);
}

/* A refusal by the TdT: the transmission (and the act, for a post of the act) ends in error. */
static int refused(db *d, int64_t tenant, const struct tx *t, const char *msg, struct err *e)
{
	struct err x;
	if (db_begin_write(d, &x) == 0) {
		int rc = tx_set(d, tenant, t->id, "erreur", NULL, NULL, -1, msg, &x) < 0 ||
			 (strcmp(t->kind, "acte") == 0 && acte_set(d, tenant, t->acte, ACTE_ERREUR, -1, msg, &x) < 0) ||
			 (strcmp(t->kind, "reponse") == 0 &&
			  tdb_run(d, tenant, &x, "UPDATE actes_messages SET answer_state = 'a_repondre' WHERE tenant_id = $1 AND id = $2", "i",
				  t->message) < 0) ||
			 (t->acte && actes_db_event(d, tenant, t->acte, 0, "tdt.refus", msg, &x) < 0) ? -1 : 0;
		db_tx_end(d, 1, rc, &x);
	}
	err_set(e, 422, "actes.refus_tdt", "Refus du TdT : %s", msg);
	return JOB_DEAD;
}

/* The act's unique id as the TdT computes it (DDD-SIREN-YYYYMMDD-NUMERO-NN). */
static void unique_id(buf *out, const struct actes_cl *cl, json_t *acte)
{
	struct actes_acte a = { 0 };
	a.siren = cl->siren, a.departement = cl->departement;
	a.date_decision = json_string_value(json_object_get(acte, "date_decision"));
	a.numero = json_string_value(json_object_get(acte, "numero"));
	a.nature = (int)json_integer_value(json_object_get(acte, "nature"));
	actes_acte_base(out, &a);
}

/* The document of a role and rank: that version, or (version 0) the newest one that is not the
 * acknowledgement-stamped copy — the signed copy when a circuit returned one, else the upload. */
static json_t *doc_of(json_t *acte, const char *role, int rang, int version)
{
	json_t *best = NULL, *dv;
	size_t i;
	json_array_foreach(json_object_get(acte, "documents"), i, dv) {
		if (strcmp(json_string_value(json_object_get(dv, "role")), role) != 0 || json_integer_value(json_object_get(dv, "rang")) != rang)
			continue;
		if (version && json_integer_value(json_object_get(dv, "version")) != version)
			continue;
		if (!version && strcmp(json_string_value(json_object_get(dv, "origine")), "tampon") == 0)
			continue;
		best = dv;
	}
	return best;
}

static int post_acte(db *d, const struct job *j, const struct tx *t, const struct tdt_conf *conf, const struct actes_cl *cl,
		     struct err *e)
{
	json_t *a = actes_db_get(d, j->tenant_id, t->acte, e);
	if (!a)
		return JOB_DEAD;
	buf uid = BUF_INIT, subject = BUF_INIT, path = BUF_INIT, resp_msg = BUF_INIT;
	unique_id(&uid, cl, a);
	struct tdt_resp r = { 0 };
	int ret = JOB_RETRY;
	if (strcmp(t->state, "envoi") == 0) {
		/* a post began before a crash or a lost answer: did the TdT record it? */
		buf q = BUF_INIT;
		buf_puts(&q, "/modules/actes/actes_transac_get_status.php?unique_id=");
		buf_urlenc(&q, uid.data);
		int got = tdt_get(conf, q.data, &r, e);
		buf_free(&q);
		if (got < 0)
			goto out;
		if (tdt_okko(&r, NULL) == 1) {
			log_msg(LOG_INFO, NULL, "acte %lld : transaction retrouvée au TdT par %s, pas de second envoi", (long long)t->acte, uid.data);
			ret = adopt(d, j->tenant_id, t, "", uid.data, e) < 0 ? JOB_RETRY : 0;
			goto out;
		}
		tdt_resp_free(&r);
	} else if (tdb_run(d, j->tenant_id, e, "UPDATE actes_transmissions SET state = 'envoi', tdt_uid = $3, updated_at = $4 WHERE tenant_id = $1"
						 " AND id = $2", "iti", t->id, uid.data, identity_now()) < 0) {
		goto out;
	}
	const char *m = json_string_value(json_object_get(a, "matiere"));
	char lv[5][8] = { "", "", "", "", "" };
	int path_v[5];
	int depth = actes_matiere_parse(m ? m : "", path_v);
	for (int i = 0; i < depth && i < 5; i++)
		snprintf(lv[i], sizeof lv[i], "%d", path_v[i]);
	tdt_latin1(&subject, json_string_value(json_object_get(a, "objet")));
	char nature[4], papier[2];
	snprintf(nature, sizeof nature, "%d", (int)json_integer_value(json_object_get(a, "nature")));
	snprintf(papier, sizeof papier, "%d", json_is_true(json_object_get(a, "document_papier")));
	struct tdt_part parts[64];
	char paths[32][1200];
	size_t n = 0, np = 0;
	parts[n++] = (struct tdt_part){ .name = "api", .value = "1" };
	parts[n++] = (struct tdt_part){ .name = "nature_code", .value = nature };
	parts[n++] = (struct tdt_part){ .name = "number", .value = json_string_value(json_object_get(a, "numero")) };
	parts[n++] = (struct tdt_part){ .name = "subject", .value = subject.data };
	parts[n++] = (struct tdt_part){ .name = "decision_date", .value = json_string_value(json_object_get(a, "date_decision")) };
	static const char *const cn[] = { "classif1", "classif2", "classif3", "classif4", "classif5" };
	for (int i = 0; i < 5; i++)
		parts[n++] = (struct tdt_part){ .name = cn[i], .value = lv[i] };
	parts[n++] = (struct tdt_part){ .name = "en_attente", .value = "0" };
	parts[n++] = (struct tdt_part){ .name = "document_papier", .value = papier };
	parts[n++] = (struct tdt_part){ .name = "type_acte", .value = json_string_value(json_object_get(a, "type_piece")) };
	json_t *main = doc_of(a, "acte", 0, 0);
	if (!main) {
		ret = refused(d, j->tenant_id, t, "document de l'acte absent", e);
		goto out;
	}
	store_path(json_string_value(json_object_get(main, "sha256")), paths[np], sizeof paths[np]);
	parts[n++] = (struct tdt_part){ .name = "acte_pdf_file", .path = paths[np++], .filename = json_string_value(json_object_get(main, "nom")) };
	for (int k = 1; np < 32 && n + 2 < 64; k++) {
		json_t *an = doc_of(a, "annexe", k, 1);
		if (!an)
			break;
		store_path(json_string_value(json_object_get(an, "sha256")), paths[np], sizeof paths[np]);
		parts[n++] = (struct tdt_part){ .name = "type_pj[]", .value = json_string_value(json_object_get(an, "type_piece")) };
		parts[n++] = (struct tdt_part){ .name = "acte_attachments[]", .path = paths[np++],
						.filename = json_string_value(json_object_get(an, "nom")) };
	}
	if (tdt_post(conf, "/modules/actes/actes_transac_create.php", parts, n, keep_lease, (void *)j, &r, e) < 0)
		goto out;
	const char *rest;
	int ok = tdt_okko(&r, &rest);
	if (ok == 1) {
		char id[32];
		snprintf(id, sizeof id, "%.*s", (int)strcspn(rest, "\r\n"), rest);
		ret = adopt(d, j->tenant_id, t, id, uid.data, e) < 0 ? JOB_RETRY : 0;
	} else if (ok == 0) {
		tdt_ko_message(&r, &resp_msg);
		if (strstr(resp_msg.data, "existe déjà")) {
			/* our own earlier post, whose answer was lost: find it rather than fail */
			tdb_run(d, j->tenant_id, e, "UPDATE actes_transmissions SET state = 'envoi' WHERE tenant_id = $1 AND id = $2", "i", t->id);
			err_set(e, 409, "actes.deja_poste", "Le TdT connaît déjà cet acte : recherche de la transaction au prochain essai.");
			ret = JOB_RETRY;
		} else {
			ret = refused(d, j->tenant_id, t, resp_msg.data, e);
		}
	} else {
		err_set(e, 502, "tdt.reponse", "Réponse inattendue du TdT (HTTP %ld).", r.status);
	}
out:
	tdt_resp_free(&r);
	json_decref(a);
	buf_free(&uid);
	buf_free(&subject);
	buf_free(&path);
	buf_free(&resp_msg);
	return ret;
}

/* A reply's documents: the ones its transmission names (payload "docs"), or, for a reply queued
 * before replies carried several, the letter's newest reply document. Count, 0 none, -1 error. */
struct reply_doc {
	char path[1200], name[256], type[8];
};

static int reply_docs_load(db *d, int64_t tenant, const struct tx *t, json_t *ids, struct reply_doc *out, struct err *e)
{
	int n = 0;
	if (!json_is_array(ids) || json_array_size(ids) == 0) {
		char sha[65];
		if (actes_db_doc(d, tenant, t->acte, "reponse", (int)t->message, sha, NULL, out[0].name, sizeof out[0].name, e) < 0)
			return 0;
		store_path(sha, out[0].path, sizeof out[0].path);
		snprintf(out[0].type, sizeof out[0].type, "99_AU");
		return 1;
	}
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		if (n == ACTES_REPONSE_DOCS_MAX)
			break;
		int rc;
		db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT sha256, name, type_piece FROM actes_docs WHERE tenant_id = $1 AND id = $2"
							  " AND role = 'reponse'", "i", (int64_t)json_integer_value(v));
		if (!s)
			return -1;
		if (rc == DB_ROW) {
			store_path(db_col_text(s, 0), out[n].path, sizeof out[n].path);
			snprintf(out[n].name, sizeof out[n].name, "%s", db_col_text(s, 1));
			snprintf(out[n].type, sizeof out[n].type, "%s", *db_col_text(s, 2) ? db_col_text(s, 2) : "99_AU");
			n++;
		}
		db_finalize(s);
	}
	return n == (int)json_array_size(ids) ? n : 0;
}

static int post_simple(db *d, const struct job *j, const struct tx *t, const struct tdt_conf *conf, struct err *e)
{
	/* cancellation: the act's transaction; reply: the letter's */
	int rc;
	char target[32] = "", code[8] = "";
	db_stmt *s = strcmp(t->kind, "annulation") == 0
			     ? tdb_query(d, j->tenant_id, e, &rc, "SELECT tdt_id, '' FROM actes_transmissions WHERE tenant_id = $1 AND acte_id = $2"
								  " AND kind = 'acte' AND tdt_id <> '' ORDER BY id DESC LIMIT 1", "i", t->acte)
			     : tdb_query(d, j->tenant_id, e, &rc, "SELECT tdt_id, code FROM actes_messages WHERE tenant_id = $1 AND id = $2", "i",
					 t->message);
	if (!s)
		return JOB_RETRY;
	if (rc == DB_ROW) {
		snprintf(target, sizeof target, "%s", db_col_text(s, 0));
		snprintf(code, sizeof code, "%s", db_col_text(s, 1));
	}
	db_finalize(s);
	if (!target[0])
		return refused(d, j->tenant_id, t, "transaction du TdT inconnue pour cet acte", e);
	if (tdb_run(d, j->tenant_id, e, "UPDATE actes_transmissions SET state = 'envoi', updated_at = $3 WHERE tenant_id = $1 AND id = $2", "ii",
		    t->id, identity_now()) < 0)
		return JOB_RETRY;
	struct tdt_part parts[8 + 2 * ACTES_REPONSE_DOCS_MAX];
	size_t n = 0;
	parts[n++] = (struct tdt_part){ .name = "api", .value = "1" };
	parts[n++] = (struct tdt_part){ .name = "id", .value = target };
	const char *url = "/modules/actes/actes_transac_cancel.php";
	struct reply_doc rd[ACTES_REPONSE_DOCS_MAX];
	if (strcmp(t->kind, "reponse") == 0) {
		url = "/modules/actes/actes_transac_reponse_create.php";
		json_t *p = json_loads(t->payload, 0, NULL);
		const char *envoi = json_string_value(json_object_get(p, "envoi"));
		int refus = envoi && strcmp(envoi, "refus") == 0;
		int nd = reply_docs_load(d, j->tenant_id, t, json_object_get(p, "docs"), rd, e);
		json_decref(p);
		if (nd <= 0)
			return nd < 0 ? JOB_RETRY : refused(d, j->tenant_id, t, "document de la réponse absent", e);
		if (strcmp(code, "2-1") != 0)   /* S2LOW: 3 refus, 4 envoi; nothing for a 2-2 */
			parts[n++] = (struct tdt_part){ .name = "type_envoie", .value = refus ? "3" : "4" };
		parts[n++] = (struct tdt_part){ .name = "type_acte", .value = rd[0].type };
		parts[n++] = (struct tdt_part){ .name = "acte_pdf_file", .path = rd[0].path, .filename = rd[0].name };
		for (int i = 1; i < nd; i++) {   /* the other pieces of a 3-4, each with its type (same order) */
			parts[n++] = (struct tdt_part){ .name = "type_pj[]", .value = rd[i].type };
			parts[n++] = (struct tdt_part){ .name = "acte_attachments[]", .path = rd[i].path, .filename = rd[i].name };
		}
	}
	struct tdt_resp r = { 0 };
	if (tdt_post(conf, url, parts, n, keep_lease, (void *)j, &r, e) < 0) {
		tdt_resp_free(&r);
		return JOB_RETRY;
	}
	const char *rest;
	int ok = tdt_okko(&r, &rest), ret;
	if (ok == 1) {
		char id[32];
		snprintf(id, sizeof id, "%.*s", (int)strcspn(rest, "\r\n"), rest);
		ret = adopt(d, j->tenant_id, t, id, "", e) < 0 ? JOB_RETRY : 0;
		if (ret == 0 && strcmp(t->kind, "reponse") == 0)
			tdb_run(d, j->tenant_id, e, "UPDATE actes_messages SET answer_state = 'repondu' WHERE tenant_id = $1 AND id = $2", "i", t->message);
	} else if (ok == 0) {
		buf m = BUF_INIT;
		tdt_ko_message(&r, &m);
		ret = refused(d, j->tenant_id, t, m.data, e);
		buf_free(&m);
	} else {
		ret = JOB_RETRY;
		err_set(e, 502, "tdt.reponse", "Réponse inattendue du TdT (HTTP %ld).", r.status);
	}
	tdt_resp_free(&r);
	return ret;
}

/* The transmission a job is about: 0, or the job's outcome when it cannot be loaded — JOB_DEAD when
 * it no longer exists, JOB_RETRY otherwise. */
static int job_tx(db *d, const struct job *j, struct tx *t, struct err *e)
{
	if (tx_load(d, j->tenant_id, payload_id(j, "t"), t, e) < 0)
		return strcmp(e->code, "actes.transmission") == 0 ? JOB_DEAD : JOB_RETRY;
	return 0;
}

static int job_envoi(db *d, const struct job *j, struct err *e)
{
	struct tx t;
	int rc = job_tx(d, j, &t, e);
	if (rc < 0)
		return rc;
	if (t.tdt_id[0] || (strcmp(t.state, "a_envoyer") != 0 && strcmp(t.state, "envoi") != 0))
		return 0;   /* already posted (a re-run after the commit of adopt) */
	struct actes_cl cl;
	struct tdt_conf conf;
	if (actes_db_cl(d, j->tenant_id, &cl, &conf, e) < 0)
		return JOB_RETRY;
	if (strcmp(t.kind, "acte") == 0)
		return post_acte(d, j, &t, &conf, &cl, e);
	return post_simple(d, j, &t, &conf, e);
}
OPALE_JOB_KIND(actes_envoi, "actes.envoi", job_envoi, JOB_NO_TX, 12, 20);

/* /metrics: transmissions to the prefecture by state, every collectivité. */
static void tx_metrics(buf *out)
{
	static const char *const states[] = { "a_envoyer", "envoi", "poste", "transmis", "acquitte", "erreur", "annule", NULL };
	db_metrics_states(out, "opale_actes_transmissions", "Transmissions to the prefecture (acts, cancellations, replies) by state.",
			  "SELECT state, COUNT(*) FROM actes_transmissions GROUP BY state", states);
}
static void tx_metrics_reg(void) __attribute__((constructor));
static void tx_metrics_reg(void) { metrics_register(tx_metrics); }

/* ---- polling ---- */

/* Stores a message from the prefecture (once per code and TdT id) with its XML and optional PDF. */
static int message_put(db *d, int64_t tenant, int64_t acte, const char *tdt_id, const struct actes_message *m, const char *xml,
		       size_t len, const void *pdf, size_t pdf_len, int64_t *mid, struct err *e)
{
	int rc;
	const char *code = m->type->code[0] ? m->type->code : m->type->root;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM actes_messages WHERE tenant_id = $1 AND code = $2 AND tdt_id = $3", "tt", code,
			       tdt_id);
	if (!s)
		return -1;
	int exists = rc == DB_ROW;
	if (mid)
		*mid = exists ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	if (exists)
		return 0;
	char xsha[65] = "", psha[65] = "";
	if (store_put_mem(xml, len, xsha, e) < 0 || store_record(d, xsha, len, "text/xml", e) < 0)
		return -1;
	if (pdf && (store_put_mem(pdf, pdf_len, psha, e) < 0 || store_record(d, psha, pdf_len, "application/pdf", e) < 0))
		return -1;
	int k = m->type->kind;
	const char *answer = k == ACTES_MSG_COURRIER_SIMPLE || k == ACTES_MSG_DEMANDE_PIECES || k == ACTES_MSG_LETTRE_OBSERVATIONS ? "a_repondre" : "";
	const char *texte = m->texte ? m->texte : m->detail ? m->detail : "";
	s = tdb_query(d, tenant, e, &rc, "INSERT INTO actes_messages (tenant_id, acte_id, tdt_id, code, label, date, texte, xml_sha256, pdf_sha256,"
					 " answer_state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
		      "itttttttti", acte, tdt_id, code, m->type->label, m->date ? m->date : "", texte, xsha, psha, answer, identity_now());
	if (!s)
		return -1;
	if (mid)
		*mid = db_col_int64(s, 0);
	db_finalize(s);
	return actes_db_event(d, tenant, acte, 0, "prefecture.message", arena_printf(m->a, "%s %s", code, m->type->label), e);
}

extern const struct actes_ar_listener __start_opale_actes_ar[] __attribute__((weak));
extern const struct actes_ar_listener __stop_opale_actes_ar[] __attribute__((weak));

/* An act's AR (1-2, m, already stored as a message): the act acquitté with the prefecture's identifier
 * and date, the AR XML among its documents, its history, the stamped copy, then the OPALE_ACTES_AR
 * listeners — all in the caller's transaction. The one path for an AR polled from the TdT and for the
 * demo's prefecture (actes_demo_prefecture). */
static int ar_apply(db *d, int64_t tenant, int64_t acte, const struct actes_message *m, const char *xml, size_t len, struct err *e)
{
	if (tdb_run(d, tenant, e, "UPDATE actes SET state = 'acquitte', tdt_status = 4, id_acte = $3, date_ar = $4, updated_at = $5"
				  " WHERE tenant_id = $1 AND id = $2", "itti", acte, m->id_acte ? m->id_acte : "", m->date ? m->date : "",
		    identity_now()) < 0 ||
	    actes_db_add_doc(d, tenant, acte, "ar", 0, "", "accuse-reception.xml", xml, len, "text/xml", e) < 0 ||
	    actes_db_event(d, tenant, acte, 0, "prefecture.ar", m->id_acte ? m->id_acte : "", e) < 0 || actes_stamp_ar(d, tenant, acte, e) < 0)
		return -1;
	activity_add(d, tenant, "actes.acquittes", 1);
	for (const struct actes_ar_listener *l = __start_opale_actes_ar; l && l < __stop_opale_actes_ar; l++)
		if (l->fn(d, tenant, acte, e) < 0)
			return -1;
	return 0;
}

/* Applies a status answer ("OK\n<state>\n<rest>") to the transmission; *final set when no more polls. */
static int apply_status(db *d, int64_t tenant, const struct tx *t, int st, const char *rest, size_t rest_len, int *final,
			struct err *e)
{
	const char *key = t->tdt_id[0] ? t->tdt_id : t->uid;
	int is_acte = strcmp(t->kind, "acte") == 0, is_cancel = strcmp(t->kind, "annulation") == 0;
	struct actes_message m = { 0 };
	int parsed = rest_len && actes_message_parse(rest, rest_len, &m, &(struct err){ 0 }) == 0;
	int rc = 0;
	*final = 0;
	if (st == 1 || st == 2 || st == 17) {
		rc = tx_set(d, tenant, t->id, "poste", NULL, NULL, st, "", e);
	} else if (st == 3 && is_acte) {
		rc = tx_set(d, tenant, t->id, "transmis", NULL, NULL, st, "", e) < 0 ||
		     (t->tdt_status != 3 && (acte_set(d, tenant, t->acte, ACTE_TRANSMIS, st, "", e) < 0 ||
					     actes_db_event(d, tenant, t->acte, 0, "tdt.transmis", "", e) < 0)) ? -1 : 0;
	} else if (st == 4 || st == 11 || (st == 3 && !is_acte && !is_cancel)) {
		*final = 1;
		rc = tx_set(d, tenant, t->id, "acquitte", NULL, NULL, st, "", e);
		if (rc == 0 && parsed && t->acte)
			rc = message_put(d, tenant, t->acte, key, &m, rest, rest_len, NULL, 0, NULL, e);
		if (rc == 0 && strcmp(t->kind, "classification") == 0 && parsed)
			rc = actes_db_classification_put(d, tenant, rest, rest_len, NULL, e);
		if (rc == 0 && is_acte && parsed && m.type->kind == ACTES_MSG_AR_ACTE)
			rc = ar_apply(d, tenant, t->acte, &m, rest, rest_len, e);
		if (rc == 0 && is_cancel)
			rc = acte_set(d, tenant, t->acte, ACTE_ANNULE, 0, "", e) < 0 || actes_db_event(d, tenant, t->acte, 0, "prefecture.annulation", "", e) < 0
				     ? -1 : 0;
	} else if (st == 0) {
		*final = 1;
		rc = tx_set(d, tenant, t->id, "annule", NULL, NULL, st, "", e) < 0 ||
		     (t->acte && acte_set(d, tenant, t->acte, ACTE_ANNULE, 0, "", e) < 0) ? -1 : 0;
	} else if (st == -1) {
		*final = 1;
		buf msg = BUF_INIT;
		if (parsed)
			buf_printf(&msg, "%s%s%s", m.type->label, m.detail ? " : " : "", m.detail ? m.detail : "");
		else
			tdt_utf8(&msg, rest, strcspn(rest, "\r\n") < 500 ? strcspn(rest, "\r\n") : 500);
		rc = tx_set(d, tenant, t->id, "erreur", NULL, NULL, st, msg.data, e) < 0 ||
		     (parsed && t->acte && message_put(d, tenant, t->acte, key, &m, rest, rest_len, NULL, 0, NULL, e) < 0) ||
		     (is_acte && acte_set(d, tenant, t->acte, ACTE_ERREUR, -1, msg.data, e) < 0) ||
		     (t->acte && actes_db_event(d, tenant, t->acte, 0, "tdt.erreur", msg.data, e) < 0) ? -1 : 0;
		if (rc == 0 && is_acte)
			activity_add(d, tenant, "actes.erreurs", 1);
		buf_free(&msg);
	} else {
		rc = tx_set(d, tenant, t->id, t->state, NULL, NULL, st, "", e);
	}
	if (parsed)
		actes_message_free(&m);
	return rc;
}

static int job_suivi(db *d, const struct job *j, struct err *e)
{
	struct tx t;
	int rc = job_tx(d, j, &t, e);
	if (rc < 0)
		return rc;
	if (!strcmp(t.state, "acquitte") || !strcmp(t.state, "erreur") || !strcmp(t.state, "annule"))
		return 0;
	struct actes_cl cl;
	struct tdt_conf conf;
	if (actes_db_cl(d, j->tenant_id, &cl, &conf, e) < 0)
		return JOB_RETRY;
	buf q = BUF_INIT;
	buf_puts(&q, "/modules/actes/actes_transac_get_status.php?");
	buf_puts(&q, t.tdt_id[0] ? "transaction=" : "unique_id=");
	buf_urlenc(&q, t.tdt_id[0] ? t.tdt_id : t.uid);
	struct tdt_resp r = { 0 };
	int got = tdt_get(&conf, q.data, &r, e);
	buf_free(&q);
	if (got < 0) {
		tdt_resp_free(&r);
		return JOB_RETRY;
	}
	const char *rest;
	if (tdt_okko(&r, &rest) != 1) {
		buf m = BUF_INIT;
		tdt_ko_message(&r, &m);
		err_set(e, 502, "tdt.statut", "Statut refusé par le TdT : %s", m.data);
		buf_free(&m);
		tdt_resp_free(&r);
		return JOB_RETRY;
	}
	int st = atoi(rest);
	const char *nl = strchr(rest, '\n');
	const char *xml = nl ? nl + 1 : rest + strlen(rest);
	size_t xml_len = r.body.len - (size_t)(xml - r.body.data);
	int final = 0, ret = 0;
	if (db_begin_write(d, e) < 0) {
		tdt_resp_free(&r);
		return JOB_RETRY;
	}
	char next[32];
	snprintf(next, sizeof next, "%d", t.polls + 2);
	/* slower polls for an old transmission: every poll_s at first, ten times less after a day */
	int64_t wait = t.polls > 1440 ? 10 * (int64_t)poll_s() : poll_s();
	rc = apply_status(d, j->tenant_id, &t, st, xml, xml_len, &final, e) < 0 ||
		 tdb_run(d, j->tenant_id, e, "UPDATE actes_transmissions SET polls = polls + 1 WHERE tenant_id = $1 AND id = $2", "i", t.id) < 0 ||
		 (!final && enqueue_tx_job(d, "actes.suivi", j->tenant_id, t.id, next, identity_now() + wait, e) < 0) ? -1 : 0;
	if (db_tx_end(d, 1, rc, e) < 0)
		ret = JOB_RETRY;
	tdt_resp_free(&r);
	return ret;
}
OPALE_JOB_KIND(actes_suivi, "actes.suivi", job_suivi, JOB_NO_TX, 20, 60);

/* ---- prefecture letters ---- */

static int fetch_letter(db *d, int64_t tenant, const struct tdt_conf *conf, const char *id, const char *related, const char *uid,
			struct err *e)
{
	int rc;
	int64_t acte = 0, tid = 0;
	int known = 0;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT acte_id, id, tdt_id FROM actes_transmissions WHERE tenant_id = $1 AND kind = 'acte'"
						  " AND (tdt_id = $2 OR (tdt_id = '' AND tdt_uid = $3 AND $3 <> '')) ORDER BY id DESC LIMIT 1",
			       "tt", related, uid);
	if (!s)
		return -1;
	if (rc == DB_ROW) {
		acte = db_col_int64(s, 0), tid = db_col_int64(s, 1);
		known = *db_col_text(s, 2) != 0;
	}
	db_finalize(s);
	/* a transaction found again by its unique id after a crash learns its number from the letter */
	if (tid && !known && *related && tdb_run(d, tenant, e, "UPDATE actes_transmissions SET tdt_id = $3 WHERE tenant_id = $1 AND id = $2",
						 "it", tid, related) < 0)
		return -1;
	char path[128];
	snprintf(path, sizeof path, "/modules/actes/actes_transac_get_document.php?id=%s", id);
	struct tdt_resp r = { 0 };
	if (tdt_get(conf, path, &r, e) < 0) {
		tdt_resp_free(&r);
		return -1;
	}
	struct actes_member *mb = NULL;
	int n = actes_targz_read_memory(r.body.data, r.body.len, ACTES_ARCHIVE_MAX, &mb, e);
	tdt_resp_free(&r);
	if (n < 0)
		return -1;
	const struct actes_member *xml = NULL, *pdf = NULL;
	struct actes_message m = { 0 };
	int have = 0;
	for (int i = 0; i < n; i++) {
		enum actes_file_kind k = actes_file_sniff(mb[i].data, mb[i].len);
		if (k == ACTES_FILE_PDF && !pdf)
			pdf = &mb[i];
		if (k == ACTES_FILE_XML && !have) {
			struct err x;
			if (actes_message_parse(mb[i].data, mb[i].len, &m, &x) == 0) {
				if (m.type->code[0]) {
					xml = &mb[i];
					have = 1;
				} else {
					actes_message_free(&m);
				}
			}
		}
	}
	int ret = 0;
	if (have) {
		if (db_begin_write(d, e) < 0 ||
		    message_put(d, tenant, acte, id, &m, xml->data, xml->len, pdf ? pdf->data : NULL, pdf ? pdf->len : 0, NULL, e) < 0 ||
		    db_commit(d, e) < 0) {
			db_rollback(d);
			ret = -1;
		}
		actes_message_free(&m);
	}
	actes_members_free(mb, (size_t)n);
	if (ret == 0) {   /* recorded (or unreadable, kept at the TdT): do not list it again */
		snprintf(path, sizeof path, "/modules/actes/api/document_prefecture_mark_as_read.php?transaction_id=%s", id);
		if (tdt_get(conf, path, &r, e) < 0)
			ret = -1;
		tdt_resp_free(&r);
	}
	return ret;
}

static int job_courriers(db *d, const struct job *j, struct err *e)
{
	/* The next check is queued before this one talks to the TdT: a node killed during the call
	 * (kill -9, power loss) leaves this job running until its lease ends, and the chain must not
	 * wait for it (tdt_test's intermittent failure: the letter was never fetched). */
	if (letters_schedule(d, j->tenant_id, e) < 0)
		return JOB_RETRY;
	struct actes_cl cl;
	struct tdt_conf conf;
	if (actes_db_cl(d, j->tenant_id, &cl, &conf, e) < 0)
		return JOB_RETRY;
	struct tdt_resp r = { 0 };
	int ret = 0;
	if (tdt_get(&conf, "/modules/actes/api/list_document_prefecture.php", &r, e) < 0) {
		ret = JOB_RETRY;
	} else {
		json_t *list = json_loadb(r.body.data, r.body.len, 0, NULL), *v;
		size_t i;
		json_array_foreach(list, i, v) {
			const char *id = json_string_value(json_object_get(v, "id"));
			const char *rel = json_string_value(json_object_get(v, "related_transaction_id"));
			const char *uid = json_string_value(json_object_get(v, "unique_id"));
			if (id && fetch_letter(d, j->tenant_id, &conf, id, rel ? rel : "", uid ? uid : "", e) < 0)
				ret = JOB_RETRY;
		}
		json_decref(list);
	}
	tdt_resp_free(&r);
	return ret;
}
OPALE_JOB_KIND(actes_courriers, "actes.courriers", job_courriers, JOB_NO_TX, 20, 120);

/* ---- classification ---- */

int actes_classification_request(db *d, int64_t tenant, struct err *e)
{
	char key[96];
	snprintf(key, sizeof key, "actes.classification:%lld:%lld", (long long)tenant, (long long)(identity_now() / 60));
	return jobs_enqueue(d, "actes.classification", "{}", key, tenant, 0, NULL, e);
}

static int job_classification(db *d, const struct job *j, struct err *e)
{
	struct actes_cl cl;
	struct tdt_conf conf;
	if (actes_db_cl(d, j->tenant_id, &cl, &conf, e) < 0)
		return JOB_RETRY;
	struct tdt_resp r = { 0 };
	int ret = 0;
	if (tdt_get(&conf, "/modules/actes/actes_classification_fetch.php?api=1", &r, e) < 0) {
		ret = JOB_RETRY;
	} else if (tdt_okko(&r, NULL) == 0) {
		buf m = BUF_INIT;
		tdt_ko_message(&r, &m);
		err_set(e, 404, "actes.classification", "Classification indisponible au TdT : %s", m.data);
		buf_free(&m);
		ret = JOB_RETRY;
	} else if (db_begin_write(d, e) < 0 || actes_db_classification_put(d, j->tenant_id, r.body.data, r.body.len, NULL, e) < 0 ||
		   db_commit(d, e) < 0) {
		db_rollback(d);
		ret = strcmp(e->code, "actes.xml") == 0 || strcmp(e->code, "actes.racine") == 0 ? JOB_DEAD : JOB_RETRY;
	}
	tdt_resp_free(&r);
	return ret;
}
OPALE_JOB_KIND(actes_classification, "actes.classification", job_classification, JOB_NO_TX, 8, 60);

/* ---- the demo's prefecture ---- */

static const char *jstr(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

int actes_demo_prefecture(db *d, int64_t tenant, int64_t acte, int64_t posted_at, struct err *e)
{
	json_t *a = actes_db_get(d, tenant, acte, e);
	if (!a)
		return -1;
	int ret = -1, parsed = 0;
	buf uid = BUF_INIT, xml = BUF_INIT, ar = BUF_INIT;
	struct actes_message m = { 0 };
	struct actes_cl cl;
	if (strcmp(jstr(a, "etat"), ACTE_BROUILLON) != 0) {
		ret = 0;   /* already sent (a second run of the demo) */
		goto out;
	}
	if (actes_db_cl(d, tenant, &cl, NULL, e) < 0)
		goto out;
	/* the 1-1 the TdT would have built from the post, and the prefecture's 1-2 for it */
	struct actes_acte x = { 0 };
	x.siren = cl.siren, x.departement = cl.departement, x.arrondissement = cl.arrondissement, x.nature_collectivite = cl.nature;
	x.numero = jstr(a, "numero"), x.nature = (int)json_integer_value(json_object_get(a, "nature"));
	x.date_decision = jstr(a, "date_decision"), x.objet = jstr(a, "objet"), x.classification = jstr(a, "matiere");
	x.n_matiere = actes_matiere_parse(x.classification, x.matiere);
	x.classification_date = jstr(a, "classification_date");
	x.document_papier = json_is_true(json_object_get(a, "document_papier"));
	x.acte = (struct actes_piece){ "acte.pdf", jstr(a, "type_piece"), (const unsigned char *)"%PDF-1.4\n", 9 };
	actes_acte_base(&uid, &x);
	actes_build_acte_xml(&xml, &x);
	time_t tt = (time_t)posted_at;
	struct tm tm;
	char day[11], tdt_id[32];
	gmtime_r(&tt, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	snprintf(tdt_id, sizeof tdt_id, "DEMO-%lld", (long long)acte);
	if (actes_build_ar_acte_xml(&ar, xml.data, xml.len, uid.data, day, x.classification_date, e) < 0 ||
	    actes_message_parse(ar.data, ar.len, &m, e) < 0)
		goto out;
	parsed = 1;
	int64_t now = identity_now();
	static const char *const steps[] = { "transmission", "tdt.poste", "tdt.transmis" };
	if (tdb_run(d, tenant, e, "INSERT INTO actes_transmissions (tenant_id, acte_id, kind, state, tdt_id, tdt_uid, tdt_status, created_at, updated_at)"
				  " VALUES ($1, $2, 'acte', 'acquitte', $3, $4, 4, $5, $6)", "ittii", acte, tdt_id, uid.data, posted_at, now) < 0)
		goto out;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (tdb_run(d, tenant, e, "INSERT INTO actes_events (tenant_id, acte_id, at, user_id, action, detail) VALUES ($1, $2, $3, 0, $4, $5)",
			    "iitt", acte, posted_at + (int64_t)i * 60, steps[i], i == 1 ? tdt_id : "") < 0)
			goto out;
	if (message_put(d, tenant, acte, tdt_id, &m, ar.data, ar.len, NULL, 0, NULL, e) < 0 || ar_apply(d, tenant, acte, &m, ar.data, ar.len, e) < 0)
		goto out;
	ret = 0;
out:
	if (parsed)
		actes_message_free(&m);
	buf_free(&uid);
	buf_free(&xml);
	buf_free(&ar);
	json_decref(a);
	return ret;
}
