/* files: Hélios files of a collectivité — import, states, history, acquittals and retours (files.h). */
#include "helios/files.h"
#include "actes/registre.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/mem.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "jobs/jobs.h"
#include "search/search.h"
#include "helios/pes_priv.h"
#include "sign/sign.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_labels[][2] = {
	{ HF_IMPORTE, "importé" }, { HF_EN_SIGNATURE, "en signature" }, { HF_SIGNE, "signé" },
	{ HF_TRANSMIS, "transmis" }, { HF_ACQUITTE, "acquitté" }, { HF_REFUSE, "refusé" },
};

const char *hf_state_label(const char *state)
{
	for (size_t i = 0; i < sizeof state_labels / sizeof state_labels[0]; i++)
		if (state && strcmp(state, state_labels[i][0]) == 0)
			return state_labels[i][1];
	return state ? state : "";
}

/* ---- settings ------------------------------------------------------------------------------- */

int hf_settings_get(db *d, int64_t tenant, struct hf_settings *st, struct err *e)
{
	memset(st, 0, sizeof *st);
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT idpost, codcol, codbud FROM helios_settings WHERE tenant_id = $1", "");
	if (!s)
		return -1;
	if (rc == DB_ROW) {
		snprintf(st->idpost, sizeof st->idpost, "%s", db_col_text(s, 0));
		snprintf(st->codcol, sizeof st->codcol, "%s", db_col_text(s, 1));
		snprintf(st->codbud, sizeof st->codbud, "%s", db_col_text(s, 2));
	}
	db_finalize(s);
	return 0;
}

static int digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int hf_settings_set(db *d, int64_t tenant, const struct hf_settings *st, struct err *e)
{
	if (st->idpost[0] && !digits(st->idpost, 6, 6))
		return err_set(e, 400, "helios.idpost", "Le codique du poste comptable (IdPost) compte 6 chiffres.");
	if (st->codcol[0] && strlen(st->codcol) != 3)
		return err_set(e, 400, "helios.codcol", "Le code collectivité (CodCol) compte 3 caractères.");
	if (st->codbud[0] && strlen(st->codbud) != 2)
		return err_set(e, 400, "helios.codbud", "Le code budget (CodBud) compte 2 caractères.");
	int own;
	if (db_tx_join(d, &own, e) < 0)
		return -1;
	int rc = tdb_run(d, tenant, e, "INSERT INTO helios_settings (tenant_id, idpost, codcol, codbud, updated_at) VALUES ($1, $2, $3, $4, $5)"
				       " ON CONFLICT (tenant_id) DO UPDATE SET idpost = excluded.idpost, codcol = excluded.codcol,"
				       " codbud = excluded.codbud, updated_at = excluded.updated_at", "ttti", st->idpost, st->codcol, st->codbud,
			 identity_now());
	return db_tx_end(d, own, rc, e);
}

int hf_tdt_get(db *d, int64_t tenant, struct hf_tdt *t, struct err *e)
{
	memset(t, 0, sizeof *t);
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT tdt_url, tdt_login, tdt_password FROM helios_settings WHERE tenant_id = $1", "");
	if (!s)
		return -1;
	if (rc == DB_ROW) {
		snprintf(t->url, sizeof t->url, "%s", db_col_text(s, 0));
		snprintf(t->login, sizeof t->login, "%s", db_col_text(s, 1));
		t->has_password = *db_col_text(s, 2) != 0;
	}
	db_finalize(s);
	return 0;
}

int hf_tdt_set(db *d, int64_t tenant, const char *url, const char *login, const char *password, struct err *e)
{
	if (url && *url && (strlen(url) > 500 || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)))
		return err_set(e, 400, "helios.tdt_url", "Adresse du tiers de télétransmission pour Hélios : une URL https:// (http:// pour un essai local).");
	if (login && strlen(login) > 120)
		return err_set(e, 400, "helios.tdt_login", "Identifiant trop long (120 caractères au plus).");
	if (password && strlen(password) > 120)
		return err_set(e, 400, "helios.tdt_password", "Mot de passe trop long (120 caractères au plus).");
	buf sealed = BUF_INIT;
	if (password && actes_tdt_password_seal(tenant, password, &sealed, e) < 0) {
		buf_free(&sealed);
		return -1;
	}
	int own;
	int rc = db_tx_join(d, &own, e);
	if (rc == 0)
		rc = tdb_run(d, tenant, e, "INSERT INTO helios_settings (tenant_id, updated_at) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING", "i",
			     identity_now()) < 0 ||
		     (url && tdb_run(d, tenant, e, "UPDATE helios_settings SET tdt_url = $2 WHERE tenant_id = $1", "t", url) < 0) ||
		     (login && tdb_run(d, tenant, e, "UPDATE helios_settings SET tdt_login = $2 WHERE tenant_id = $1", "t", login) < 0) ||
		     (password && tdb_run(d, tenant, e, "UPDATE helios_settings SET tdt_password = $2 WHERE tenant_id = $1", "t",
					  sealed.data ? sealed.data : "") < 0) ? -1 : 0;
	buf_free(&sealed);
	return db_tx_end(d, own, rc, e);
}

int hf_tdt_conf(db *d, int64_t tenant, struct tdt_conf *conf, struct err *e)
{
	struct actes_cl cl;
	if (actes_db_cl(d, tenant, &cl, conf, e) < 0)
		return -1;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT tdt_url, tdt_login, tdt_password FROM helios_settings WHERE tenant_id = $1", "");
	if (!s)
		return -1;
	int ret = 0;
	if (rc == DB_ROW && *db_col_text(s, 0)) {   /* the Hélios account: its address, and its login when one is set */
		snprintf(conf->url, sizeof conf->url, "%s", db_col_text(s, 0));
		if (*db_col_text(s, 1)) {
			snprintf(conf->login, sizeof conf->login, "%s", db_col_text(s, 1));
			ret = actes_tdt_password_open(tenant, db_col_text(s, 2), conf->password, sizeof conf->password, e);
		}
	}
	db_finalize(s);
	return ret;
}

/* ---- check ---------------------------------------------------------------------------------- */

/* Line of the first tag in the file's head (the header sits in its first lines), 0 when not there. */
static long header_line(const char *path, const char *tag)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	char head[65536];
	size_t n = fread(head, 1, sizeof head - 1, f);
	fclose(f);
	head[n] = '\0';
	const char *p = strstr(head, tag);
	long line = 1;
	for (const char *q = head; p && q < p; q++)
		line += *q == '\n';
	return p ? line : 0;
}

int hf_check(db *d, int64_t tenant, const char *path, struct pes_report *rep, struct err *e)
{
	struct hf_settings st;
	struct collectivite c;
	memset(rep, 0, sizeof *rep);
	if (hf_settings_get(d, tenant, &st, e) < 0 || collectivite_get(d, tenant, &c, e) < 0)
		return -1;
	struct pes_check_opts o = { .max_issues = 500 };
	o.expect.idpost = st.idpost[0] ? st.idpost : NULL;
	o.expect.codcol = st.codcol[0] ? st.codcol : NULL;
	o.expect.codbud = st.codbud[0] ? st.codbud : NULL;
	memset(rep, 0, sizeof *rep);
	if (pes_check_file(path, &o, rep, e) < 0)
		return -1;
	/* The file must be this collectivité's: the IdColl (a SIRET) starts with its SIREN. Budgets
	 * annexes have SIRETs of their own, but the same SIREN. */
	if (rep->kind != PES_UNKNOWN && rep->idcoll[0] && c.siren[0] && strncmp(rep->idcoll, c.siren, 9) != 0)
		pes_report_add(rep, PES_ERROR, "pes.idcoll", "ERREUR_SIRET", header_line(path, "<IdColl"), "/PES_Aller/EnTetePES/IdColl",
			       "IdColl %s : ce SIRET n'est pas celui de %s (SIREN %s) — fichier d'une autre collectivité ?", rep->idcoll,
			       c.name, c.siren);
	return 0;
}

/* ---- import --------------------------------------------------------------------------------- */

/* Signature state of a PES: 0 unsigned, 1 every bordereau (or the whole PES_Aller) signed and every
 * signature valid, -1 with e otherwise. */
static int signature_state(const char *path, const struct pes_model *m, struct err *e)
{
	if (!m->n_bordereaux && !m->signe_global)
		return 0;
	size_t signed_ = 0;
	for (size_t i = 0; i < m->n_bordereaux; i++)
		signed_ += m->bordereaux[i].signe != 0;
	if (!signed_ && !m->signe_global)
		return 0;
	if (!m->signe_global && signed_ < m->n_bordereaux)
		return err_set(e, 422, "helios.signature",
			       "%zu bordereau(x) sur %zu sont signés : signez tous les bordereaux, ou déposez le fichier sans signature.",
			       signed_, m->n_bordereaux);
	buf doc = BUF_INIT, json = BUF_INIT;
	if (buf_read_file(&doc, path, cfg.max_upload ? cfg.max_upload : (size_t)1 << 30) < 0) {
		buf_free(&doc);
		return err_set(e, 500, "helios.lecture", "Lecture du fichier impossible.");
	}
	struct sign_verify_opts vo = { 0 };
	struct err ve = { 0 };
	int v = sign_verify(doc.data, doc.len, &vo, &json, &ve);
	buf_free(&doc);
	int rc = 1;
	json_t *j = json.data ? json_loads(json.data, 0, NULL) : NULL;
	size_t expected = m->signe_global ? 1 : signed_, seen = json_array_size(json_object_get(j, "signatures"));
	if (v != 1) {
		const char *why = NULL;
		size_t i;
		json_t *sig;
		json_array_foreach(json_object_get(j, "signatures"), i, sig) {
			if (!json_is_true(json_object_get(sig, "valid")) && !why)
				why = json_string_value(json_array_get(json_object_get(sig, "errors"), 0));
		}
		rc = err_set(e, 422, "helios.signature", "Signature du PES invalide%s%s.", why || v < 0 ? " : " : "",
			     why ? why : v < 0 ? ve.msg : "");
	} else if (seen < expected) {
		/* the verifier stops after a fixed number of signatures: never call « verified » what it did not see */
		rc = err_set(e, 422, "helios.signature", "%zu signature(s) vérifiée(s) sur %zu bordereau(x) signés : le reste n'a pas pu l'être.",
			     seen, expected);
	}
	json_decref(j);
	buf_free(&json);
	return rc;
}

static void summary(const struct pes_model *m, json_t *out, int64_t *dep, int64_t *rec, int64_t *exercice)
{
	*dep = *rec = 0;
	*exercice = -1;
	for (size_t i = 0; i < m->n_bordereaux; i++) {
		const struct pes_bordereau *b = &m->bordereaux[i];
		int64_t cents = 0;
		pes_amount_cents(b->mt_ht_decl, &cents);
		if (b->domaine == 'D')
			*dep += cents;
		else
			*rec += cents;
		int64_t ex = b->exer ? strtoll(b->exer, NULL, 10) : 0;
		*exercice = *exercice < 0 || *exercice == ex ? ex : 0;
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:s}", "domaine", b->domaine == 'D' ? "D" : "R",
						     "exercice", b->exer ? b->exer : "", "numero", b->idbord ? b->idbord : "", "type",
						     b->type ? b->type : "", "date", b->date ? b->date : "", "pieces",
						     b->nbrpce ? b->nbrpce : "", "montant", (json_int_t)cents, "signe", b->signe != 0, "id",
						     b->id_attr ? b->id_attr : ""));
	}
	if (*exercice < 0)
		*exercice = 0;
}

int hf_import(db *d, int64_t tenant, int64_t user, const char *path, const char *name, const char *sha256, uint64_t size,
	      struct pes_report *rep, int64_t *id, struct err *e)
{
	*id = 0;
	memset(rep, 0, sizeof *rep);
	if (hf_check(d, tenant, path, rep, e) < 0)
		return -1;
	if (rep->kind == PES_ACQUIT || rep->kind == PES_RETOUR || rep->kind == PES_ACQUIT_RETOUR)
		return err_set(e, 415, "helios.type", "Ce fichier est un %s : déposez-le comme acquittement ou retour.",
			       pes_kind_name(rep->kind));
	if (rep->errors)
		return err_set(e, 422, "pes.non_conforme", "Le fichier PES n'est pas conforme : %zu erreur(s). Rien n'a été importé.",
			       rep->errors);
	if (rep->kind != PES_ALLER)
		return err_set(e, 415, "helios.type", "Ce fichier n'est pas un PES_Aller.");
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM pes_files WHERE tenant_id = $1 AND (sha256 = $2 OR signed_sha256 = $2)",
			       "t", sha256);
	if (!s)
		return -1;
	if (rc == DB_ROW) {
		*id = db_col_int64(s, 0);
		db_finalize(s);
		return err_set(e, 409, "helios.doublon", "Ce fichier a déjà été importé (fichier n° %lld).", (long long)*id);
	}
	db_finalize(s);
	struct pes_model m;
	if (pes_model_load(path, 1, &m, e) < 0)
		return -1;
	int sig = signature_state(path, &m, e);
	if (sig < 0) {
		pes_model_free(&m);
		return -1;
	}
	json_t *sum = json_array();
	int64_t dep, rec, exer;
	summary(&m, sum, &dep, &rec, &exer);
	char *sumtxt = json_dumps(sum, JSON_COMPACT);
	json_decref(sum);
	buf report = BUF_INIT;
	pes_report_json(&report, rep);
	const char *libelle = m.libelle_colbud ? m.libelle_colbud : "";
	int own = 0;
	char mime[128];
	rc = -1;
	if (db_tx_join(d, &own, e) < 0)
		goto out;
	if (store_put_file(path, sha256, mime, e) < 0)
		goto done;
	int64_t now = identity_now();
	s = tdb_query(d, tenant, e, &rc,
		      "INSERT INTO pes_files (tenant_id, name, sha256, size, signed_sha256, nomfic, idcoll, idpost, codcol, codbud, libelle,"
		      " dtestr, exercice, bordereaux, pieces, pjs, total_depense, total_recette, summary, warnings, report, state,"
		      " created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
		      " $17, $18, $19, $20, $21, $22, $23, $24, $24) RETURNING id",
		      "ttitttttttt" "iiiiii" "titt" "ii", name, sha256, (int64_t)size, sig == 1 ? sha256 : "", rep->nomfic, rep->idcoll,
		      rep->idpost, rep->codcol, rep->codbud, libelle, rep->dtestr, exer, (int64_t)rep->bordereaux, (int64_t)rep->pieces,
		      (int64_t)rep->pjs, dep, rec, sumtxt, (int64_t)rep->warnings, report.data, sig == 1 ? HF_SIGNE : HF_IMPORTE, user, now);
	rc = -1;
	if (!s)
		goto done;
	*id = db_col_int64(s, 0);
	db_finalize(s);
	char detail[300];
	snprintf(detail, sizeof detail, "%s — %zu bordereau(x), %zu pièce(s)%s", name, rep->bordereaux, rep->pieces,
		 sig == 1 ? " ; signatures vérifiées sur chaque bordereau" : "");
	if (tdb_run(d, tenant, e, "INSERT INTO pes_events (tenant_id, file_id, at, user_id, action, state, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
		    "iiittt", *id, now, user, sig == 1 ? "import_signe" : "import", sig == 1 ? HF_SIGNE : HF_IMPORTE, detail) < 0)
		goto done;
	/* Found by /recherche: NomFic, file name, identifiers, exercice, bordereau numbers. */
	buf title = BUF_INIT, text = BUF_INIT;
	buf_printf(&title, "PES %s — %zu bordereau(x)", rep->nomfic[0] ? rep->nomfic : name, rep->bordereaux);
	buf_printf(&text, "%s %s %s %s %s %s %lld", name, rep->nomfic, rep->idcoll, rep->idpost, libelle, rep->dtestr, (long long)exer);
	for (size_t i = 0; i < m.n_bordereaux; i++)
		buf_printf(&text, " %s", m.bordereaux[i].idbord ? m.bordereaux[i].idbord : "");
	char url[64];
	snprintf(url, sizeof url, "/helios/fichiers/%lld", (long long)*id);
	int sp = search_put(d, tenant, "pes", *id, title.data, text.data, now, url, e);
	buf_free(&title);
	buf_free(&text);
	if (sp < 0)
		goto done;
	rc = 0;
done:
	rc = db_tx_end(d, own, rc, e);
out:
	free(sumtxt);
	buf_free(&report);
	pes_model_free(&m);
	return rc;
}

int hf_signature_state(const char *path, struct err *e)
{
	struct pes_model m;
	if (pes_model_load(path, 1, &m, e) < 0)
		return -1;
	int rc = signature_state(path, &m, e);
	pes_model_free(&m);
	return rc;
}

db_stmt *hf_row(db *d, int64_t tenant, int64_t id, const char *sql, struct err *e)
{
	return tdb_row(d, tenant, e, "helios.inconnu", "Fichier PES introuvable.", sql, id);
}

int hf_same_content(db *d, int64_t tenant, int64_t id, const char *path, struct err *e)
{
	db_stmt *s = hf_row(d, tenant, id, "SELECT nomfic, idcoll, codcol, codbud, summary FROM pes_files WHERE tenant_id = $1 AND id = $2", e);
	if (!s)
		return -1;
	char nomfic[128], idcoll[16], codcol[4], codbud[4];
	snprintf(nomfic, sizeof nomfic, "%s", db_col_text(s, 0));
	snprintf(idcoll, sizeof idcoll, "%s", db_col_text(s, 1));
	snprintf(codcol, sizeof codcol, "%s", db_col_text(s, 2));
	snprintf(codbud, sizeof codbud, "%s", db_col_text(s, 3));
	json_t *old = json_loads(db_col_text(s, 4), 0, NULL);
	db_finalize(s);
	struct pes_model m;
	if (pes_model_load(path, 1, &m, e) < 0) {
		json_decref(old);
		return -1;
	}
	json_t *now = json_array();
	int64_t dep, rec, exer;
	summary(&m, now, &dep, &rec, &exer);
	int same = strcmp(m.nomfic ? m.nomfic : "", nomfic) == 0 && strcmp(m.idcoll ? m.idcoll : "", idcoll) == 0 &&
		   strcmp(m.codcol ? m.codcol : "", codcol) == 0 && strcmp(m.codbud ? m.codbud : "", codbud) == 0 &&
		   json_array_size(now) == json_array_size(old);
	static const char *const keys[] = { "domaine", "exercice", "numero", "montant", "pieces" };
	for (size_t i = 0; same && i < json_array_size(now); i++)
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			same = same && json_equal(json_object_get(json_array_get(now, i), keys[k]), json_object_get(json_array_get(old, i), keys[k]));
	json_decref(now);
	json_decref(old);
	pes_model_free(&m);
	return same ? 0 : err_set(e, 422, "helios.autre_fichier",
				  "Ce PES n'est pas le fichier importé : NomFic, identifiants, bordereaux et montants doivent être les mêmes.");
}

int hf_set_signed(db *d, int64_t tenant, int64_t id, const char *sha256, struct err *e)
{
	return tdb_run(d, tenant, e, "UPDATE pes_files SET signed_sha256 = $3 WHERE tenant_id = $1 AND id = $2", "it", id, sha256);
}

int hf_set_folder(db *d, int64_t tenant, int64_t id, int64_t folder, struct err *e)
{
	return tdb_run(d, tenant, e, "UPDATE pes_files SET folder_id = $3 WHERE tenant_id = $1 AND id = $2", "ii", id, folder);
}

/* ---- state ---------------------------------------------------------------------------------- */

int hf_event(db *d, int64_t tenant, int64_t id, int64_t user, const char *action, const char *detail, struct err *e)
{
	db_stmt *s = hf_row(d, tenant, id, "SELECT state FROM pes_files WHERE tenant_id = $1 AND id = $2", e);
	if (!s)
		return -1;
	char state[32];
	snprintf(state, sizeof state, "%s", db_col_text(s, 0));
	db_finalize(s);
	return tdb_run(d, tenant, e, "INSERT INTO pes_events (tenant_id, file_id, at, user_id, action, state, detail)"
				     " VALUES ($1, $2, $3, $4, $5, $6, $7)", "iiittt", id, identity_now(), user, action, state,
		       detail ? detail : "");
}

static int in_list(const char *state, const char *list)
{
	if (!list)
		return 1;
	size_t n = strlen(state);
	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		if (l == n && strncmp(p, state, n) == 0)
			return 1;
		p += l + (c != NULL);
	}
	return 0;
}

int hf_transition(db *d, int64_t tenant, int64_t id, const char *from, const char *to, int64_t user, const char *action,
		  const char *detail, struct err *e)
{
	db_stmt *s = hf_row(d, tenant, id, "SELECT state, version FROM pes_files WHERE tenant_id = $1 AND id = $2", e);
	if (!s)
		return -1;
	char cur[32];
	snprintf(cur, sizeof cur, "%s", db_col_text(s, 0));
	int64_t version = db_col_int64(s, 1);
	db_finalize(s);
	if (!in_list(cur, from))
		return err_set(e, 409, "helios.etat", "Impossible dans l'état « %s » du fichier.", hf_state_label(cur));
	if (tdb_run(d, tenant, e, "UPDATE pes_files SET state = $3, version = version + 1, updated_at = $4 WHERE tenant_id = $1 AND id = $2"
				  " AND version = $5", "itii", id, to, identity_now(), version) < 0)
		return -1;
	if (db_changes(d) != 1)
		return err_set(e, 409, "helios.conflit", "Le fichier a changé entre-temps : rechargez la page.");
	return hf_event(d, tenant, id, user, action, detail, e);
}

/* ---- reading -------------------------------------------------------------------------------- */

static const char *FILE_COLS = "id, name, sha256, size, signed_sha256, nomfic, idcoll, idpost, codcol, codbud, libelle, dtestr, exercice,"
			       " bordereaux, pieces, pjs, total_depense, total_recette, state, folder_id, tdt_id, created_at, updated_at,"
			       " warnings, version";

static json_t *file_row(db_stmt *s)
{
	const char *state = db_col_text(s, 18);
	return json_pack("{s:I,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:s,s:I,s:s,s:I,s:I,s:I,s:I}",
			 "id", (json_int_t)db_col_int64(s, 0), "nom", db_col_text(s, 1), "sha256", db_col_text(s, 2), "taille",
			 (json_int_t)db_col_int64(s, 3), "sha256_signe", db_col_text(s, 4), "nomfic", db_col_text(s, 5), "idcoll",
			 db_col_text(s, 6), "idpost", db_col_text(s, 7), "codcol", db_col_text(s, 8), "codbud", db_col_text(s, 9),
			 "libelle", db_col_text(s, 10), "date", db_col_text(s, 11), "exercice", (json_int_t)db_col_int64(s, 12),
			 "bordereaux", (json_int_t)db_col_int64(s, 13), "pieces", (json_int_t)db_col_int64(s, 14), "pjs",
			 (json_int_t)db_col_int64(s, 15), "total_depense", (json_int_t)db_col_int64(s, 16), "total_recette",
			 (json_int_t)db_col_int64(s, 17), "etat", state, "etat_libelle", hf_state_label(state), "dossier",
			 (json_int_t)db_col_int64(s, 19), "transaction", db_col_text(s, 20), "importe_le", (json_int_t)db_col_int64(s, 21),
			 "modifie_le", (json_int_t)db_col_int64(s, 22), "avertissements", (json_int_t)db_col_int64(s, 23), "version",
			 (json_int_t)db_col_int64(s, 24));
}

static json_t *answer_row(db_stmt *s)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:I,s:s,s:s,s:s,s:I,s:s,s:s}", "id", (json_int_t)db_col_int64(s, 0), "fichier",
			 (json_int_t)db_col_int64(s, 1), "type", db_col_text(s, 2), "nom", db_col_text(s, 3), "etat", db_col_text(s, 4),
			 "acceptes", (json_int_t)db_col_int64(s, 5), "refuses", (json_int_t)db_col_int64(s, 6), "date", db_col_text(s, 7),
			 "nomfic", db_col_text(s, 8), "source", db_col_text(s, 9), "recu_le", (json_int_t)db_col_int64(s, 10), "contenu",
			 db_col_text(s, 11), "acquit_retour", db_col_text(s, 12));
}
#define ANSWER_COLS "id, file_id, kind, name, etat, acceptes, refuses, dtestr, nomfic, source, created_at, contenu, acquit_retour"

json_t *hf_json(db *d, int64_t tenant, int64_t id, struct err *e)
{
	int rc;
	char sql[600];
	snprintf(sql, sizeof sql, "SELECT %s, summary, report FROM pes_files WHERE tenant_id = $1 AND id = $2", FILE_COLS);
	db_stmt *s = hf_row(d, tenant, id, sql, e);
	if (!s)
		return NULL;
	json_t *j = file_row(s);
	json_t *sum = json_loads(db_col_text(s, 25), 0, NULL), *rep = json_loads(db_col_text(s, 26), 0, NULL);
	db_finalize(s);
	json_object_set_new(j, "bordereaux_detail", sum ? sum : json_array());
	json_t *warn = json_array();
	size_t i;
	json_t *is;
	json_array_foreach(json_object_get(rep, "issues"), i, is) json_array_append(warn, is);
	json_decref(rep);
	json_object_set_new(j, "constats", warn);
	json_t *hist = json_array();
	s = tdb_query(d, tenant, e, &rc, "SELECT v.at, v.action, v.state, v.detail, COALESCE(u.first_name || ' ' || u.last_name, '')"
					 " FROM pes_events v LEFT JOIN users u ON u.id = v.user_id WHERE v.tenant_id = $1 AND v.file_id = $2"
					 " ORDER BY v.id", "i", id);
	while (s && rc == DB_ROW) {
		json_array_append_new(hist, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "date", (json_int_t)db_col_int64(s, 0), "action",
						      db_col_text(s, 1), "etat", db_col_text(s, 2), "etat_libelle",
						      hf_state_label(db_col_text(s, 2)), "detail", db_col_text(s, 3), "par", db_col_text(s, 4)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	json_object_set_new(j, "historique", hist);
	json_t *ans = json_array();
	s = tdb_query(d, tenant, e, &rc, "SELECT " ANSWER_COLS " FROM pes_answers WHERE tenant_id = $1 AND file_id = $2 ORDER BY id DESC",
		      "i", id);
	while (s && rc == DB_ROW) {
		json_array_append_new(ans, answer_row(s));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	json_object_set_new(j, "retours", ans);
	return j;
}

json_t *hf_list(db *d, int64_t tenant, const char *state, int64_t exercice, int limit, struct err *e)
{
	char sql[700];
	snprintf(sql, sizeof sql, "SELECT %s FROM pes_files WHERE tenant_id = $1 AND ($2 = '' OR state = $2) AND ($3 = 0 OR exercice = $3)"
				  " ORDER BY id DESC LIMIT $4", FILE_COLS);
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, tenant, e, &rc, sql, "tii", state ? state : "", exercice, (int64_t)(limit > 0 ? limit : 200));
	while (s && rc == DB_ROW) {
		json_array_append_new(a, file_row(s));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return a;
}

json_t *hf_retours(db *d, int64_t tenant, int limit, struct err *e)
{
	int rc;
	json_t *a = json_array();
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT " ANSWER_COLS " FROM pes_answers WHERE tenant_id = $1 AND kind = 'retour'"
						  " ORDER BY id DESC LIMIT $2", "i", (int64_t)(limit > 0 ? limit : 100));
	while (s && rc == DB_ROW) {
		json_array_append_new(a, answer_row(s));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return a;
}

int hf_blob(db *d, int64_t tenant, int64_t id, int signed_, char sha[65], char *name, size_t n, struct err *e)
{
	db_stmt *s = hf_row(d, tenant, id, "SELECT sha256, signed_sha256, name FROM pes_files WHERE tenant_id = $1 AND id = $2", e);
	if (!s)
		return -1;
	int use_signed = signed_ && db_col_text(s, 1)[0];
	snprintf(sha, 65, "%s", db_col_text(s, use_signed ? 1 : 0));
	const char *nm = db_col_text(s, 2);
	size_t l = strlen(nm);
	if (use_signed && l > 4 && strcmp(nm + l - 4, ".xml") == 0)
		snprintf(name, n, "%.*s-signe.xml", (int)(l - 4), nm);
	else
		snprintf(name, n, "%s%s", nm, use_signed ? "-signe.xml" : "");
	db_finalize(s);
	if (signed_ && !use_signed)
		return err_set(e, 404, "helios.non_signe", "Ce fichier n'a pas encore de version signée.");
	return 0;
}

int hf_answer_blob(db *d, int64_t tenant, int64_t id, char sha[65], char *name, size_t n, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT sha256, name FROM pes_answers WHERE tenant_id = $1 AND id = $2", "i", id);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "helios.retour_inconnu", "Acquittement ou retour introuvable.");
	}
	snprintf(sha, 65, "%s", db_col_text(s, 0));
	snprintf(name, n, "%s", db_col_text(s, 1));
	db_finalize(s);
	return 0;
}

/* ---- acquittals and retours ----------------------------------------------------------------- */

struct candidate { int64_t id; char nomfic[128]; json_t *summary; };

/* Score of a file for an answer naming (domaine, exercice, numéro) bordereaux: how many it holds. */
static int bord_score(json_t *summary, char dom, const char *exer, const char *num)
{
	size_t i;
	json_t *b;
	json_array_foreach(summary, i, b) {
		const char *bd = json_string_value(json_object_get(b, "domaine"));
		if (bd && bd[0] == dom && exer && num && strcmp(json_string_value(json_object_get(b, "exercice")), exer) == 0 &&
		    strcmp(json_string_value(json_object_get(b, "numero")), num) == 0)
			return 1;
	}
	return 0;
}

static int load_candidates(db *d, int64_t tenant, const char *idcoll, const char *codcol, const char *codbud, struct candidate *c,
			   int max, struct err *e)
{
	int rc, n = 0;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id, nomfic, summary FROM pes_files WHERE tenant_id = $1 AND idcoll = $2"
						  " AND codcol = $3 AND codbud = $4 ORDER BY id DESC LIMIT 200", "ttt",
			       idcoll ? idcoll : "", codcol ? codcol : "", codbud ? codbud : "");
	while (s && rc == DB_ROW && n < max) {
		c[n].id = db_col_int64(s, 0);
		snprintf(c[n].nomfic, sizeof c[n].nomfic, "%s", db_col_text(s, 1));
		c[n].summary = json_loads(db_col_text(s, 2), 0, NULL);
		n++;
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	return s ? n : -1;
}

static void free_candidates(struct candidate *c, int n)
{
	for (int i = 0; i < n; i++)
		json_decref(c[i].summary);
}

/* The file an answer (PES_Acquit, PES_Retour) comes back for: among the collectivité's files of the
 * same IdColl, CodCol and CodBud, the first with the highest score(answer, file) above 0; 0 when
 * none scores, -1 with e. */
static int64_t best_file(db *d, int64_t tenant, const char *idcoll, const char *codcol, const char *codbud,
			 int (*score)(const void *answer, const struct candidate *c), const void *answer, struct err *e)
{
	struct candidate c[200];
	int n = load_candidates(d, tenant, idcoll, codcol, codbud, c, 200, e);
	if (n < 0)
		return -1;
	int best = -1, best_score = 0;
	for (int i = 0; i < n; i++) {
		int sc = score(answer, &c[i]);
		if (sc > best_score)
			best = i, best_score = sc;
	}
	int64_t file = best >= 0 ? c[best].id : 0;
	free_candidates(c, n);
	return file;
}

static int answer_insert(db *d, int64_t tenant, int64_t user, int64_t file, const char *kind, const char *path, const char *name,
			 const char *sha256, uint64_t size, const char *etat, int64_t ok, int64_t ko, const char *dtestr,
			 const char *nomfic, const char *source, int64_t *id, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM pes_answers WHERE tenant_id = $1 AND kind = $2 AND sha256 = $3", "tt", kind,
			       sha256);
	if (!s)
		return -1;
	int dup = rc == DB_ROW;
	if (dup)
		*id = db_col_int64(s, 0);
	db_finalize(s);
	if (dup)
		return err_set(e, 409, "helios.doublon", "Ce%s %s a déjà été reçu.", strcmp(kind, "acquit") == 0 ? "t" : "",
			       strcmp(kind, "acquit") == 0 ? "acquittement" : "PES Retour");
	char mime[128];
	if (store_put_file(path, sha256, mime, e) < 0)
		return -1;
	return tdb_insert(d, tenant, e, id, "INSERT INTO pes_answers (tenant_id, file_id, kind, name, sha256, size, etat, acceptes, refuses,"
					    " dtestr, nomfic, source, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
					    " $12, $13, $14) RETURNING id", "itttitiitttii", file, kind, name, sha256, (int64_t)size, etat,
			  ok, ko, dtestr ? dtestr : "", nomfic ? nomfic : "", source, user, identity_now());
}

/* First DGFiP codes of a refused acquittal, for the history line. */
static void refusal_detail(const struct pes_acquit *a, buf *out)
{
	int n = 0;
	for (size_t i = 0; i < a->n_elements && n < 3; i++) {
		const struct pes_ack_element *el = &a->elements[i];
		if (el->accepte)
			continue;
		const struct pes_ack_error *er = el->n_errors ? &el->errors[0] : NULL;
		if (!er && el->n_pieces && el->pieces[0].n_errors)
			er = &el->pieces[0].errors[0];
		if (!er && el->n_pieces && el->pieces[0].n_lignes && el->pieces[0].lignes[0].n_errors)
			er = &el->pieces[0].lignes[0].errors[0];
		const char *dom = pes_domaine_ack_label(el->domaine);
		buf_printf(out, "%s%s%s%s%s", n ? " ; " : " — ", dom ? dom : "élément", el->num_bord ? " n° " : "",
			   el->num_bord ? el->num_bord : el->id_unique ? " " : "", el->num_bord ? "" : el->id_unique ? el->id_unique : "");
		if (er)
			buf_printf(out, " : %s%s%s", er->code ? er->code : "", er->libelle ? " — " : "", er->libelle ? er->libelle : "");
		n++;
	}
}

/* A refusal by the DGFiP is an alert: one e-mail (job mail.send) to the person who imported the file
 * and to the collectivité's administrators, with the reason and the file's page. */
static int alert_refusal(db *d, int64_t tenant, int64_t file, int64_t answer, const char *detail, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT nomfic, name, created_by FROM pes_files WHERE tenant_id = $1 AND id = $2", "i", file);
	if (!s)
		return -1;
	char nomfic[256] = "";
	int64_t by = 0;
	if (rc == DB_ROW) {
		snprintf(nomfic, sizeof nomfic, "%s", *db_col_text(s, 0) ? db_col_text(s, 0) : db_col_text(s, 1));
		by = db_col_int64(s, 2);
	}
	db_finalize(s);
	buf subject = BUF_INIT, text = BUF_INIT;
	buf_printf(&subject, "PES refusé par la DGFiP : %s", nomfic);
	buf_printf(&text, "Bonjour,\n\nLe comptable public a refusé tout ou partie du fichier PES %s.\n\n%s\n\n"
			  "Le détail de l'acquittement : %s/helios/fichiers/%lld\n\nCorrigez le flux dans le logiciel financier, "
			  "puis importez-le de nouveau.\n\n— Opale\n", nomfic, detail, cfg.public_url, (long long)file);
	s = tdb_query(d, tenant, e, &rc, "SELECT DISTINCT u.email FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.tenant_id = $1"
					 " AND (u.id = $2 OR (m.roles & 2) <> 0) AND u.email <> '' AND u.disabled = 0 ORDER BY u.email", "i", by);
	int ret = s ? 0 : -1;
	while (s && rc == DB_ROW && ret == 0) {
		json_t *p = json_pack("{s:s,s:s,s:s}", "to", db_col_text(s, 0), "subject", subject.data, "text", text.data);
		char *txt = json_dumps(p, JSON_COMPACT), key[400];
		json_decref(p);
		snprintf(key, sizeof key, "helios.alerte:%lld:%lld:%s", (long long)tenant, (long long)answer, db_col_text(s, 0));
		ret = jobs_enqueue(d, "mail.send", txt, key, tenant, 0, NULL, e);
		free(txt);
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	buf_free(&subject);
	buf_free(&text);
	return ret;
}

/* An acquittal names the file (NomFic) and its bordereaux (domain 5: dépenses, 6: recettes). */
static int acquit_score(const void *answer, const struct candidate *c)
{
	const struct pes_acquit *a = answer;
	int score = a->nomfic && c->nomfic[0] && strcmp(a->nomfic, c->nomfic) == 0 ? 1000 : 0;
	for (size_t k = 0; k < a->n_elements; k++) {
		const struct pes_ack_element *el = &a->elements[k];
		if (el->domaine == 5 || el->domaine == 6)
			score += bord_score(c->summary, el->domaine == 5 ? 'D' : 'R', el->exercice, el->num_bord);
	}
	return score;
}

static int acquit_import(db *d, int64_t tenant, int64_t user, const struct pes_acquit *a, const char *path, const char *name,
			 const char *sha256, uint64_t size, const char *source, int64_t *answer_id, int64_t *file_id, struct err *e)
{
	int64_t file = best_file(d, tenant, a->idcoll, a->codcol, a->codbud, acquit_score, a, e);
	if (file < 0)
		return -1;
	if (!file)
		return err_set(e, 422, "helios.acquit_orphelin",
			       "Aucun fichier PES de la collectivité ne correspond à cet acquittement (NomFic %s, IdColl %s, CodCol %s, CodBud %s).",
			       a->nomfic ? a->nomfic : "?", a->idcoll ? a->idcoll : "?", a->codcol ? a->codcol : "?",
			       a->codbud ? a->codbud : "?");
	*file_id = file;
	const char *etat = a->etat == PES_ACK_ACCEPTE ? "accepte" : a->etat == PES_ACK_REFUSE ? "refuse" : "partiel";
	if (answer_insert(d, tenant, user, file, "acquit", path, name, sha256, size, etat, (int64_t)a->n_acceptes, (int64_t)a->n_refuses,
			  a->dtestr, a->nomfic, source, answer_id, e) < 0)
		return -1;
	buf detail = BUF_INIT;
	buf_printf(&detail, "PES_Acquit du %s (%s) : %s — %zu élément(s) accepté(s), %zu refusé(s)", a->dtestr ? a->dtestr : "?",
		   strcmp(source, "tdt") == 0 ? "reçu du tiers de télétransmission" : "déposé à la main",
		   a->etat == PES_ACK_ACCEPTE ? "accepté" : a->etat == PES_ACK_REFUSE ? "refusé" : "partiellement refusé", a->n_acceptes,
		   a->n_refuses);
	if (a->etat != PES_ACK_ACCEPTE)
		refusal_detail(a, &detail);
	int rc = hf_transition(d, tenant, file, NULL, a->etat == PES_ACK_ACCEPTE ? HF_ACQUITTE : HF_REFUSE, user, "acquittement",
			       detail.data, e);
	if (rc == 0 && a->etat != PES_ACK_ACCEPTE)
		rc = alert_refusal(d, tenant, file, *answer_id, detail.data, e);
	buf_free(&detail);
	return rc;
}

/* A PES_Retour names the bordereaux it restitutes. */
static int retour_score(const void *answer, const struct candidate *c)
{
	const struct pes_retour *r = answer;
	int score = 0;
	for (size_t k = 0; k < r->n_bordereaux; k++)
		score += bord_score(c->summary, r->bordereaux[k].domaine, r->bordereaux[k].exer, r->bordereaux[k].idbord);
	return score;
}

static int retour_import(db *d, int64_t tenant, int64_t user, const struct pes_retour *r, const char *path, const char *name,
			 const char *sha256, uint64_t size, const char *source, int64_t *answer_id, int64_t *file_id, struct err *e)
{
	int64_t file = best_file(d, tenant, r->idcoll, r->codcol, r->codbud, retour_score, r, e);
	if (file < 0)
		return -1;
	*file_id = file;
	size_t pieces = 0;
	for (size_t k = 0; k < r->n_bordereaux; k++)
		pieces += r->bordereaux[k].n_pieces;
	if (answer_insert(d, tenant, user, file, "retour", path, name, sha256, size, r->typ_restit ? r->typ_restit : "",
			  (int64_t)r->n_bordereaux, (int64_t)pieces, r->dtestr, r->nomfic, source, answer_id, e) < 0)
		return -1;
	/* what it holds, by domain: « 1 bordereau de mandats (12 mandats), 1 bordereau de titres (2 titres) » */
	buf what = BUF_INIT;
	for (int k = 0; k < 2; k++) {
		char dom = k == 0 ? 'D' : 'R';
		size_t nb = 0, np = 0;
		for (size_t i = 0; i < r->n_bordereaux; i++)
			if (r->bordereaux[i].domaine == dom)
				nb++, np += r->bordereaux[i].n_pieces;
		if (nb)
			buf_printf(&what, "%s%zu bordereau(x) de %s (%zu %s)", what.len ? ", " : "", nb, k == 0 ? "mandats" : "titres", np,
				   k == 0 ? "mandat(s)" : "titre(s)");
	}
	int rc = tdb_run(d, tenant, e, "UPDATE pes_answers SET contenu = $3 WHERE tenant_id = $1 AND id = $2", "it", *answer_id,
			 what.data ? what.data : "");
	/* fetched from the TdT: acknowledged back through it (PES_ACQUIT_RETOUR, job helios.acquit_retour) */
	if (rc == 0 && strcmp(source, "tdt") == 0) {
		char payload[64], key[96];
		snprintf(payload, sizeof payload, "{\"reponse\":%lld}", (long long)*answer_id);
		snprintf(key, sizeof key, "helios.acquit_retour:%lld", (long long)*answer_id);
		rc = jobs_enqueue(d, "helios.acquit_retour", payload, key, tenant, 0, NULL, e);
	}
	if (rc == 0 && file) {
		char detail[400];
		snprintf(detail, sizeof detail, "PES Retour du %s : %.300s", r->dtestr ? r->dtestr : "?", what.data ? what.data : "vide");
		rc = hf_event(d, tenant, file, user, "retour", detail, e);
	}
	buf_free(&what);
	return rc;
}

int hf_answer_import(db *d, int64_t tenant, int64_t user, const char *path, const char *name, const char *sha256, uint64_t size,
		     const char *source, int64_t *answer_id, int64_t *file_id, struct err *e)
{
	*answer_id = *file_id = 0;
	struct collectivite col;
	if (collectivite_get(d, tenant, &col, e) < 0)
		return -1;
	struct pes_acquit a;
	struct pes_retour r;
	struct err pe = { 0 };
	int rc = -1, own = 0;
	if (pes_acquit_parse_file(path, &a, &pe) == 0) {
		if (!a.idcoll || strncmp(a.idcoll, col.siren, 9) != 0) {
			err_set(e, 422, "helios.idcoll", "Cet acquittement est adressé à l'IdColl %s, qui n'est pas un SIRET de %s.",
				a.idcoll ? a.idcoll : "?", col.name);
		} else if (db_tx_join(d, &own, e) == 0) {
			rc = acquit_import(d, tenant, user, &a, path, name, sha256, size, source, answer_id, file_id, e);
			rc = db_tx_end(d, own, rc, e);
		}
		pes_acquit_free(&a);
		return rc;
	}
	if (pes_retour_parse_file(path, &r, &pe) == 0) {
		if (!r.idcoll || strncmp(r.idcoll, col.siren, 9) != 0) {
			err_set(e, 422, "helios.idcoll", "Ce PES Retour est adressé à l'IdColl %s, qui n'est pas un SIRET de %s.",
				r.idcoll ? r.idcoll : "?", col.name);
		} else if (db_tx_join(d, &own, e) == 0) {
			rc = retour_import(d, tenant, user, &r, path, name, sha256, size, source, answer_id, file_id, e);
			rc = db_tx_end(d, own, rc, e);
		}
		pes_retour_free(&r);
		return rc;
	}
	return err_set(e, 415, "helios.type", "Ce fichier n'est ni un PES_Acquit ni un PES_Retour (%s).", pe.msg);
}
