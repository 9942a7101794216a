/* tdt: signed PES files to the treasury through the TdT (S2LOW's Hélios API over src/tdt), every call in
 * the durable job queue. Kinds: helios.envoi (post one signed PES), helios.suivi (poll its transaction
 * until the PES_Acquit, which is read and linked like one uploaded by hand), helios.retours (the
 * collectivité's PES_Retour, fetched and marked read). The TdT connection is the collectivité's
 * (actes_settings over the tdt_* configuration: one S2LOW account serves both flows).
 *
 * Exactly once: the file is marked "envoi" (committed) before the post. S2LOW refuses a file it has
 * already received (same bytes: « doublon détecté »), so a post lost in a crash and tried again cannot
 * make a second transaction; the transaction's number is then unknown, which the history says (the
 * acquittal can still be deposited by hand). */
#include "helios/files.h"
#include "actes/registre.h"
#include "core/config.h"
#include "core/dates.h"
#include "core/log.h"
#include "db/tenant.h"
#include "http/metrics.h"
#include "identity/identity.h"
#include "jobs/jobs.h"
#include "store/store.h"
#include "tdt/tdt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* tdt_id markers besides the TdT's numbers. */
#define TDT_A_ENVOYER "a_envoyer"
#define TDT_ENVOI "envoi"
#define TDT_DOUBLON "doublon"

static unsigned poll_s(void)
{
	return cfg.tdt_poll ? cfg.tdt_poll : 60;
}

static int is_number(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int conf_of(db *d, int64_t tenant, struct tdt_conf *conf, struct err *e)
{
	return hf_tdt_conf(d, tenant, conf, e);
}

static int enqueue(db *d, const char *kind, int64_t tenant, int64_t file, const char *suffix, int64_t run_at, struct err *e)
{
	char payload[96], key[128];
	snprintf(payload, sizeof payload, "{\"f\":%lld,\"n\":\"%s\"}", (long long)file, suffix);
	snprintf(key, sizeof key, "%s:%lld:%s", kind, (long long)file, suffix);
	return jobs_enqueue(d, kind, payload, key, tenant, run_at, NULL, e);
}

/* The chain of PES_Retour checks of a collectivité: one job per time slot (every enqueuer names the
 * same next job, so no second chain starts). */
static int retours_schedule(db *d, int64_t tenant, struct err *e)
{
	int64_t slot = identity_now() / poll_s() + 1;
	char key[96];
	snprintf(key, sizeof key, "helios.retours:%lld:%lld", (long long)tenant, (long long)slot);
	return jobs_enqueue(d, "helios.retours", "{}", key, tenant, slot * poll_s(), NULL, e);
}

int hf_transmit(db *d, int64_t tenant, int64_t user, int64_t id, struct err *e)
{
	int own = !db_in_transaction(d);
	if (own && db_begin_write(d, e) < 0)
		return -1;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT state, signed_sha256, tdt_id, version FROM pes_files WHERE tenant_id = $1 AND id = $2",
			       "i", id);
	if (!s) {
		rc = -1;
	} else if (rc != DB_ROW) {
		rc = err_set(e, 404, "helios.inconnu", "Fichier PES introuvable.");
	} else if (strcmp(db_col_text(s, 0), HF_SIGNE) != 0 || !*db_col_text(s, 1)) {
		rc = err_set(e, 409, "helios.etat", "Seul un PES « signé » est transmis (celui-ci est « %s »).", hf_state_label(db_col_text(s, 0)));
	} else if (*db_col_text(s, 2)) {
		rc = err_set(e, 409, "helios.transmission_en_cours", "La transmission de ce fichier est déjà en cours.");
	} else {
		char suffix[32];
		snprintf(suffix, sizeof suffix, "v%lld", (long long)db_col_int64(s, 3));
		db_finalize(s);
		s = NULL;
		rc = tdb_run(d, tenant, e, "UPDATE pes_files SET tdt_id = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2", "iti", id,
			     TDT_A_ENVOYER, identity_now()) < 0 ||
		     hf_event(d, tenant, id, user, "transmission_demandee", "Transmission au comptable demandée (file d'attente du TdT)", e) < 0 ||
		     enqueue(d, "helios.envoi", tenant, id, suffix, 0, e) < 0 ? -1 : 0;
	}
	if (s)
		db_finalize(s);
	if (!own)
		return rc;
	if (rc == 0 && db_commit(d, e) == 0)
		return 0;
	db_rollback(d);
	return -1;
}

/* <tag>text</tag> of S2LOW's small XML answers, converted to UTF-8 ("" when absent). */
static void xml_tag(const char *body, const char *tag, buf *out)
{
	char open[64], close[64];
	snprintf(open, sizeof open, "<%s>", tag);
	snprintf(close, sizeof close, "</%s>", tag);
	const char *p = body ? strstr(body, open) : NULL;
	const char *q = p ? strstr(p, close) : NULL;
	buf_puts(out, "");
	if (p && q)
		tdt_utf8(out, p + strlen(open), (size_t)(q - p - strlen(open)));
}

static int keep_lease(void *ctx)
{
	const struct job *j = ctx;
	struct err e;
	db *d = db_thread(&e);
	return d && jobs_extend_lease(d, j, &e) == 0 ? 0 : 1;
}

static int64_t payload_file(const struct job *j, char *suffix, size_t n)
{
	json_t *p = json_loads(j->payload, 0, NULL);
	int64_t v = json_integer_value(json_object_get(p, "f"));
	if (suffix)
		snprintf(suffix, n, "%s", json_string_value(json_object_get(p, "n")) ? json_string_value(json_object_get(p, "n")) : "");
	json_decref(p);
	return v;
}

/* In one transaction: the new tdt_id, the state change (to may be NULL) or a history line, and
 * optionally the first poll. */
static int record(db *d, int64_t tenant, int64_t file, const char *tdt_id, const char *from, const char *to, const char *action,
		  const char *detail, int poll, struct err *e)
{
	if (db_begin_write(d, e) < 0)
		return -1;
	int rc = tdb_run(d, tenant, e, "UPDATE pes_files SET tdt_id = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2", "iti", file, tdt_id,
			 identity_now()) < 0 ||
		 (to ? hf_transition(d, tenant, file, from, to, 0, action, detail, e) : hf_event(d, tenant, file, 0, action, detail, e)) < 0 ||
		 (poll && (enqueue(d, "helios.suivi", tenant, file, "1", identity_now() + 1, e) < 0 || retours_schedule(d, tenant, e) < 0))
		? -1 : 0;
	if (rc == 0 && db_commit(d, e) == 0)
		return 0;
	db_rollback(d);
	return -1;
}

static int job_envoi(db *d, const struct job *j, struct err *e)
{
	int64_t file = payload_file(j, NULL, 0);
	int rc;
	db_stmt *s = tdb_query(d, j->tenant_id, e, &rc, "SELECT state, signed_sha256, tdt_id, name FROM pes_files WHERE tenant_id = $1 AND id = $2",
			       "i", file);
	if (!s)
		return JOB_RETRY;
	if (rc != DB_ROW) {
		db_finalize(s);
		return JOB_DEAD;
	}
	char state[32], sha[65], tdt_id[32], name[256];
	snprintf(state, sizeof state, "%s", db_col_text(s, 0));
	snprintf(sha, sizeof sha, "%s", db_col_text(s, 1));
	snprintf(tdt_id, sizeof tdt_id, "%s", db_col_text(s, 2));
	snprintf(name, sizeof name, "%s", db_col_text(s, 3));
	db_finalize(s);
	if (strcmp(state, HF_SIGNE) != 0 || (strcmp(tdt_id, TDT_A_ENVOYER) != 0 && strcmp(tdt_id, TDT_ENVOI) != 0))
		return 0;   /* posted already (a re-run after the commit), or cancelled */
	int retried = strcmp(tdt_id, TDT_ENVOI) == 0;
	struct tdt_conf conf;
	if (conf_of(d, j->tenant_id, &conf, e) < 0)
		return JOB_RETRY;
	if (!conf.url[0]) {
		record(d, j->tenant_id, file, "", NULL, NULL, "tdt_refus", "Aucun tiers de télétransmission n'est configuré.", 0, e);
		err_set(e, 409, "helios.tdt", "Aucun tiers de télétransmission n'est configuré.");
		return JOB_DEAD;
	}
	if (!retried && tdb_run(d, j->tenant_id, e, "UPDATE pes_files SET tdt_id = $3 WHERE tenant_id = $1 AND id = $2", "it", file, TDT_ENVOI) < 0)
		return JOB_RETRY;
	char path[1200];
	store_path(sha, path, sizeof path);
	struct tdt_part parts[1] = { { .name = "enveloppe", .path = path, .filename = name } };
	struct tdt_resp r = { 0 };
	if (tdt_post(&conf, "/modules/helios/api/helios_importer_fichier.php", parts, 1, keep_lease, (void *)j, &r, e) < 0) {
		tdt_resp_free(&r);
		return JOB_RETRY;
	}
	buf res = BUF_INIT, id = BUF_INIT, msg = BUF_INIT;
	xml_tag(r.body.data, "resultat", &res);
	xml_tag(r.body.data, "id", &id);
	xml_tag(r.body.data, "message", &msg);
	int ret = 0;
	char detail[700];
	if (strcmp(res.data, "OK") == 0 && is_number(id.data)) {
		snprintf(detail, sizeof detail, "Transmis au tiers de télétransmission : transaction n° %s", id.data);
		ret = record(d, j->tenant_id, file, id.data, HF_SIGNE, HF_TRANSMIS, "transmission", detail, 1, e) < 0 ? JOB_RETRY : 0;
		if (ret == 0)
			activity_add(d, j->tenant_id, "helios.transmis", 1);
	} else if (strcmp(res.data, "KO") == 0 && retried && strstr(msg.data, "doublon")) {
		/* our earlier post went through before a crash: the TdT has the file, not its number for us */
		snprintf(detail, sizeof detail, "Le TdT avait déjà reçu ce fichier (envoi interrompu puis repris : « %s ») ; "
						"son numéro de transaction n'est pas connu : déposez l'acquittement à la main.", msg.data);
		log_msg(LOG_WARN, NULL, "helios: fichier %lld déjà reçu par le TdT (doublon), numéro inconnu", (long long)file);
		ret = record(d, j->tenant_id, file, TDT_DOUBLON, HF_SIGNE, HF_TRANSMIS, "transmission", detail, 0, e) < 0 ? JOB_RETRY : 0;
	} else if (strcmp(res.data, "KO") == 0) {
		snprintf(detail, sizeof detail, "Refus du tiers de télétransmission : %s", msg.data[0] ? msg.data : "(sans message)");
		ret = record(d, j->tenant_id, file, "", NULL, NULL, "tdt_refus", detail, 0, e) < 0 ? JOB_RETRY : JOB_DEAD;
		if (ret == JOB_DEAD)
			err_set(e, 422, "helios.refus_tdt", "%s", detail);
	} else {
		ret = JOB_RETRY;
		err_set(e, 502, "tdt.reponse", "Réponse inattendue du TdT (HTTP %ld).", r.status);
	}
	buf_free(&res);
	buf_free(&id);
	buf_free(&msg);
	tdt_resp_free(&r);
	return ret;
}
OPALE_JOB_KIND(helios_envoi, "helios.envoi", job_envoi, JOB_NO_TX, 12, 20);

/* /metrics: PES files by state, every collectivité (refusé = rejected by the treasury). */
static void pes_metrics(buf *out)
{
	static const char *const states[] = { HF_IMPORTE, HF_EN_SIGNATURE, HF_SIGNE, HF_TRANSMIS, HF_ACQUITTE, HF_REFUSE, NULL };
	db_metrics_states(out, "opale_helios_files", "PES files (Hélios) by state.", "SELECT state, COUNT(*) FROM pes_files GROUP BY state",
			  states);
}
static void pes_metrics_reg(void) __attribute__((constructor));
static void pes_metrics_reg(void) { metrics_register(pes_metrics); }

/* Stores bytes received from the TdT as a PES_Acquit / PES_Retour of the collectivité. 0 when stored
 * or already there; -1 otherwise. */
static int answer_put(db *d, int64_t tenant, const void *data, size_t len, const char *name, int64_t *file, struct err *e)
{
	char path[1300], sha[65];
	uint64_t size;
	snprintf(path, sizeof path, "%s/tmp/helios-tdt-%lld-%ld.xml", cfg.data_dir, (long long)tenant, (long)gettid());
	buf b = { (char *)data, len, len };
	if (buf_write_file_atomic(&b, path) < 0)
		return err_set(e, 500, "helios.ecriture", "Écriture de %s impossible.", path);
	if (store_hash_file(path, sha, &size) < 0) {
		unlink(path);
		return err_set(e, 500, "helios.lecture", "Lecture de %s impossible.", path);
	}
	int64_t aid = 0, fid = 0;
	int rc = hf_answer_import(d, tenant, 0, path, name, sha, size, "tdt", &aid, &fid, e);
	unlink(path);   /* moved into the store on success */
	if (file)
		*file = fid;
	if (rc < 0 && e->status == 409)
		return 0;   /* received before (by hand, or an earlier run) */
	return rc;
}

static int job_suivi(db *d, const struct job *j, struct err *e)
{
	char n[32];
	int64_t file = payload_file(j, n, sizeof n);
	int rc;
	db_stmt *s = tdb_query(d, j->tenant_id, e, &rc, "SELECT state, tdt_id, nomfic FROM pes_files WHERE tenant_id = $1 AND id = $2", "i", file);
	if (!s)
		return JOB_RETRY;
	if (rc != DB_ROW) {
		db_finalize(s);
		return JOB_DEAD;
	}
	char state[32], tdt_id[32], nomfic[128];
	snprintf(state, sizeof state, "%s", db_col_text(s, 0));
	snprintf(tdt_id, sizeof tdt_id, "%s", db_col_text(s, 1));
	snprintf(nomfic, sizeof nomfic, "%s", db_col_text(s, 2));
	db_finalize(s);
	if (strcmp(state, HF_TRANSMIS) != 0 || !is_number(tdt_id))
		return 0;   /* acquitted meanwhile (by hand), or nothing to follow */
	struct tdt_conf conf;
	if (conf_of(d, j->tenant_id, &conf, e) < 0)
		return JOB_RETRY;
	char path[200];
	snprintf(path, sizeof path, "/modules/helios/api/helios_transac_get_status.php?transaction=%s", tdt_id);
	struct tdt_resp r = { 0 };
	if (tdt_get(&conf, path, &r, e) < 0) {
		tdt_resp_free(&r);
		return JOB_RETRY;
	}
	buf res = BUF_INIT, st = BUF_INIT, msg = BUF_INIT;
	xml_tag(r.body.data, "resultat", &res);
	xml_tag(r.body.data, "status", &st);
	xml_tag(r.body.data, "message", &msg);
	tdt_resp_free(&r);
	int ret = 0, status = atoi(st.data), final = 0;
	char detail[700];
	if (strcmp(res.data, "OK") != 0) {
		err_set(e, 502, "tdt.statut", "Statut refusé par le TdT : %s", msg.data);
		ret = JOB_RETRY;
	} else if (status == 4 || status == 6 || status == 8) {
		snprintf(path, sizeof path, "/modules/helios/helios_download_acquit.php?id=%s", tdt_id);
		struct tdt_resp a = { 0 };
		if (tdt_get(&conf, path, &a, e) < 0 || a.status != 200) {
			if (a.status && a.status != 200)
				err_set(e, 502, "tdt.acquit", "PES_Acquit indisponible au TdT (HTTP %ld).", a.status);
			ret = JOB_RETRY;
		} else {
			char name[200];
			snprintf(name, sizeof name, "ACK_%s.xml", nomfic[0] ? nomfic : tdt_id);
			ret = answer_put(d, j->tenant_id, a.body.data, a.body.len, name, NULL, e) < 0
				      ? (e->status == 422 || e->status == 415 ? JOB_DEAD : JOB_RETRY) : 0;
			final = 1;
		}
		tdt_resp_free(&a);
	} else if (status == -1 || status == 0) {
		snprintf(detail, sizeof detail, "%s au tiers de télétransmission%s%s : le PES est de nouveau « signé », à transmettre à nouveau",
			 status == 0 ? "Transmission annulée" : "Erreur", msg.data[0] ? " : " : "", msg.data);
		ret = record(d, j->tenant_id, file, "", HF_TRANSMIS, HF_SIGNE, "tdt_erreur", detail, 0, e) < 0 ? JOB_RETRY : 0;
		final = 1;
	}
	if (ret == 0 && !final) {
		int k = atoi(n) + 1;
		char next[16];
		snprintf(next, sizeof next, "%d", k);
		int64_t wait = k > 1440 ? 10 * (int64_t)poll_s() : poll_s();
		if (enqueue(d, "helios.suivi", j->tenant_id, file, next, identity_now() + wait, e) < 0)
			ret = JOB_RETRY;
	}
	buf_free(&res);
	buf_free(&st);
	buf_free(&msg);
	return ret;
}
OPALE_JOB_KIND(helios_suivi, "helios.suivi", job_suivi, JOB_NO_TX, 20, 60);

static int job_retours(db *d, const struct job *j, struct err *e)
{
	struct tdt_conf conf;
	if (conf_of(d, j->tenant_id, &conf, e) < 0)
		return JOB_RETRY;
	if (!conf.url[0])
		return 0;
	/* the chain goes on while the collectivité has files at the treasury — the next check queued
	 * before this one talks to the TdT, so a node killed during the call does not stop it */
	int rc;
	db_stmt *s = tdb_query(d, j->tenant_id, e, &rc, "SELECT COUNT(*) FROM pes_files WHERE tenant_id = $1 AND state IN ('transmis', 'acquitte')"
							" AND updated_at > $2", "i", identity_now() - 90 * 86400);
	int64_t live = s && rc == DB_ROW ? db_col_int64(s, 0) : 1;
	if (s)
		db_finalize(s);
	if (live && retours_schedule(d, j->tenant_id, e) < 0)
		return JOB_RETRY;
	struct tdt_resp r = { 0 };
	if (tdt_get(&conf, "/modules/helios/api/helios_get_list.php", &r, e) < 0) {
		tdt_resp_free(&r);
		return JOB_RETRY;
	}
	int ret = 0;
	/* <pes_retour><id>N</id><nom>…</nom><date>…</date></pes_retour>… */
	for (const char *p = r.body.data ? strstr(r.body.data, "<pes_retour>") : NULL; p; p = strstr(p + 1, "<pes_retour>")) {
		const char *end = strstr(p, "</pes_retour>");
		if (!end)
			break;
		buf item = BUF_INIT, id = BUF_INIT, nom = BUF_INIT;
		buf_add(&item, p, (size_t)(end - p));
		buf_putc(&item, '\0');
		xml_tag(item.data, "id", &id);
		xml_tag(item.data, "nom", &nom);
		if (is_number(id.data)) {
			char path[200];
			snprintf(path, sizeof path, "/modules/helios/api/helios_get_retour.php?id=%s", id.data);
			struct tdt_resp f = { 0 };
			int got = tdt_get(&conf, path, &f, e) == 0 && f.status == 200, ok = 0;
			if (got) {
				ok = answer_put(d, j->tenant_id, f.body.data, f.body.len, nom.data[0] ? nom.data : "PES_Retour.xml", NULL, e) == 0;
				if (!ok && (e->status == 415 || e->status == 422)) {   /* unreadable or not ours: kept at the TdT */
					log_msg(LOG_WARN, NULL, "helios: PES Retour %s ignoré : %s", id.data, e->msg);
					ok = 1;
				}
			}
			tdt_resp_free(&f);
			if (ok) {   /* recorded: do not list it again */
				snprintf(path, sizeof path, "/modules/helios/api/helios_change_status.php?id=%s", id.data);
				if (tdt_get(&conf, path, &f, e) < 0)
					ret = JOB_RETRY;
				tdt_resp_free(&f);
			} else {
				log_msg(LOG_WARN, NULL, "helios: PES Retour %s non enregistré : %s", id.data, e->msg);
				ret = JOB_RETRY;
			}
		}
		buf_free(&item);
		buf_free(&id);
		buf_free(&nom);
	}
	tdt_resp_free(&r);
	return ret;
}
OPALE_JOB_KIND(helios_retours, "helios.retours", job_retours, JOB_NO_TX, 20, 120);

/* The acknowledgement of a PES Retour fetched from the TdT: a PES_ACQUIT_RETOUR (pes_acquit_retour.c),
 * checked against its schema, posted like a PES_Aller (S2LOW: state 24, no acknowledgement expected).
 * Dated the day the retour was received, so a retry posts the same bytes and S2LOW's « doublon » means
 * it went through. The answer's acquit_retour column keeps the TdT's number, or why it was not sent. */
static int acquit_retour_done(db *d, int64_t tenant, int64_t answer, int64_t file, const char *value, const char *detail, struct err *e)
{
	if (db_begin_write(d, e) < 0)
		return -1;
	int rc = tdb_run(d, tenant, e, "UPDATE pes_answers SET acquit_retour = $3 WHERE tenant_id = $1 AND id = $2", "it", answer, value) < 0 ||
		 (file && hf_event(d, tenant, file, 0, "acquit_retour", detail, e) < 0) ? -1 : 0;
	return db_tx_end(d, 1, rc, e);
}

static int job_acquit_retour(db *d, const struct job *j, struct err *e)
{
	json_t *p = json_loads(j->payload, 0, NULL);
	int64_t answer = json_integer_value(json_object_get(p, "reponse"));
	json_decref(p);
	int rc;
	db_stmt *s = tdb_query(d, j->tenant_id, e, &rc, "SELECT sha256, file_id, acquit_retour, created_at FROM pes_answers WHERE tenant_id = $1"
							" AND id = $2 AND kind = 'retour'", "i", answer);
	if (!s)
		return JOB_RETRY;
	if (rc != DB_ROW || *db_col_text(s, 2)) {
		db_finalize(s);
		return 0;   /* unknown, or acknowledged already */
	}
	char sha[65], path[1200], date[11];
	snprintf(sha, sizeof sha, "%s", db_col_text(s, 0));
	int64_t file = db_col_int64(s, 1), at = db_col_int64(s, 3);
	db_finalize(s);
	struct paris_time lt;
	if (paris_from_utc(at, &lt, e) < 0)
		return JOB_DEAD;
	date_format(lt.date, date);
	struct tdt_conf conf;
	if (conf_of(d, j->tenant_id, &conf, e) < 0)
		return JOB_RETRY;
	if (!conf.url[0])
		return 0;
	store_path(sha, path, sizeof path);
	struct pes_retour r;
	buf x = BUF_INIT;
	struct err be = { 0 };
	int built = pes_retour_parse_file(path, &r, &be) == 0;
	if (built) {
		built = pes_acquit_retour_build(&r, date, &x, &be) == 0;
		pes_retour_free(&r);
	}
	struct pes_report rep = { 0 };
	struct pes_check_opts o = { .xsd_only = 1, .max_issues = 1 };
	if (built && (pes_check_memory(x.data, x.len, &o, &rep, &be) < 0 || rep.kind != PES_ACQUIT_RETOUR || rep.errors)) {
		built = 0;
		if (rep.n_issues)
			err_set(&be, 422, "pes.acquit_retour", "%s", rep.issues[0].msg);
	}
	pes_report_free(&rep);
	char detail[700];
	if (!built) {
		snprintf(detail, sizeof detail, "Accusé de réception du PES Retour non produit : %.500s", be.msg);
		buf_free(&x);
		acquit_retour_done(d, j->tenant_id, answer, file, "non produit", detail, e);
		err_set(e, 422, "pes.acquit_retour", "%s", detail);
		return JOB_DEAD;
	}
	const char *nomfic = strstr(x.data, "<NomFic V=\"");
	char name[160] = "PES_ACQUIT_RETOUR.xml";
	if (nomfic)
		snprintf(name, sizeof name, "%.*s", (int)strcspn(nomfic + 11, "\""), nomfic + 11);
	struct tdt_part parts[1] = { { .name = "enveloppe", .data = x.data, .len = x.len, .filename = name } };
	struct tdt_resp resp = { 0 };
	if (tdt_post(&conf, "/modules/helios/api/helios_importer_fichier.php", parts, 1, keep_lease, (void *)j, &resp, e) < 0) {
		tdt_resp_free(&resp);
		buf_free(&x);
		return JOB_RETRY;
	}
	buf_free(&x);
	buf res = BUF_INIT, id = BUF_INIT, msg = BUF_INIT;
	xml_tag(resp.body.data, "resultat", &res);
	xml_tag(resp.body.data, "id", &id);
	xml_tag(resp.body.data, "message", &msg);
	int ret;
	if ((strcmp(res.data, "OK") == 0 && is_number(id.data)) || (strcmp(res.data, "KO") == 0 && strstr(msg.data, "doublon"))) {
		const char *n = strcmp(res.data, "OK") == 0 ? id.data : "doublon";
		snprintf(detail, sizeof detail, "Accusé de réception du PES Retour envoyé au comptable (%s, transaction %s)", name, n);
		ret = acquit_retour_done(d, j->tenant_id, answer, file, n, detail, e) < 0 ? JOB_RETRY : 0;
	} else if (strcmp(res.data, "KO") == 0) {
		snprintf(detail, sizeof detail, "Accusé de réception du PES Retour refusé par le tiers de télétransmission : %.500s", msg.data);
		ret = acquit_retour_done(d, j->tenant_id, answer, file, "refusé", detail, e) < 0 ? JOB_RETRY : JOB_DEAD;
		err_set(e, 422, "helios.refus_tdt", "%s", detail);
	} else {
		ret = JOB_RETRY;
		err_set(e, 502, "tdt.reponse", "Réponse inattendue du TdT (HTTP %ld).", resp.status);
	}
	buf_free(&res);
	buf_free(&id);
	buf_free(&msg);
	tdt_resp_free(&resp);
	return ret;
}
OPALE_JOB_KIND(helios_acquit_retour, "helios.acquit_retour", job_acquit_retour, JOB_NO_TX, 12, 60);
