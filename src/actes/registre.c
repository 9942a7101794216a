/* registre: acts, their documents and history, classification versions and the collectivité's
 * ACTES settings, in the database (0020_actes.sql). The rules an act passes are those of the
 * archive builder (actes_acte_check), applied to the files as they will be sent. */
#include "actes/registre.h"
#include "actes/actes_priv.h"
#include "core/numbering.h"
#include "search/search.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const struct { const char *key, *label; } states[] = {
	{ ACTE_BROUILLON, "Brouillon" }, { ACTE_EN_ATTENTE, "En attente de transmission" }, { ACTE_TRANSMIS, "Transmis" },
	{ ACTE_ACQUITTE, "Acquitté" }, { ACTE_ERREUR, "En erreur" }, { ACTE_ANNULE, "Annulé" },
};

const char *actes_state_label(const char *state)
{
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (state && strcmp(states[i].key, state) == 0)
			return states[i].label;
	return state ? state : "";
}

static const char *mime_of(enum actes_file_kind k)
{
	return k == ACTES_FILE_PDF ? "application/pdf" : k == ACTES_FILE_XML ? "text/xml" : k == ACTES_FILE_JPEG ? "image/jpeg"
	       : k == ACTES_FILE_PNG ? "image/png" : "application/octet-stream";
}

/* ---- collectivité ---- */

int actes_db_cl(db *d, int64_t tenant, struct actes_cl *cl, struct tdt_conf *conf, struct err *e)
{
	memset(cl, 0, sizeof *cl);
	snprintf(cl->arrondissement, sizeof cl->arrondissement, "0");
	int rc;
	/* the collectivité's own row (keyed by the tenant id itself) */
	db_stmt *s = db_query(d, e, &rc, "SELECT siren, departement FROM collectivites WHERE id = $1", "i", tenant);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "collectivite.inconnue", "Collectivité introuvable.");
	}
	snprintf(cl->siren, sizeof cl->siren, "%s", db_col_text(s, 0));
	snprintf(cl->departement, sizeof cl->departement, "%s", db_col_text(s, 1));
	db_finalize(s);
	if (conf)
		tdt_conf_default(conf);
	s = tdb_query(d, tenant, e, &rc, "SELECT arrondissement, nature_collectivite, tdt_url, tdt_login, tdt_password, tdt_cert, tdt_key"
					 " FROM actes_settings WHERE tenant_id = $1", "");
	if (!s)
		return -1;
	if (rc == DB_ROW) {
		snprintf(cl->arrondissement, sizeof cl->arrondissement, "%s", db_col_text(s, 0));
		snprintf(cl->nature, sizeof cl->nature, "%s", db_col_text(s, 1));
		if (conf && *db_col_text(s, 2))
			snprintf(conf->url, sizeof conf->url, "%s", db_col_text(s, 2));
		if (conf && *db_col_text(s, 3)) {
			snprintf(conf->login, sizeof conf->login, "%s", db_col_text(s, 3));
			if (actes_tdt_password_open(tenant, db_col_text(s, 4), conf->password, sizeof conf->password, e) < 0) {
				db_finalize(s);
				return -1;
			}
		}
		if (conf && *db_col_text(s, 5)) {
			snprintf(conf->cert, sizeof conf->cert, "%s", db_col_text(s, 5));
			snprintf(conf->key, sizeof conf->key, "%s", db_col_text(s, 6));
		}
	}
	db_finalize(s);
	return 0;
}

int actes_db_settings(db *d, int64_t tenant, const char *arrondissement, const char *nature, const char *tdt_url,
		      struct err *e)
{
	if (arrondissement && !actes_arrondissement_valid(arrondissement))
		return err_set(e, 400, "actes.arrondissement", "Arrondissement : un chiffre attendu.");
	if (nature && *nature && (strlen(nature) != 2 || nature[0] < '0' || nature[0] > '9' || nature[1] < '0' || nature[1] > '9'))
		return err_set(e, 400, "actes.nature_collectivite", "Nature de la collectivité : deux chiffres attendus.");
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT tenant_id FROM actes_settings WHERE tenant_id = $1", "");
	if (!s)
		return -1;
	int exists = rc == DB_ROW;
	db_finalize(s);
	if (!exists && tdb_run(d, tenant, e, "INSERT INTO actes_settings (tenant_id, arrondissement) VALUES ($1, $2)", "t", "0") < 0)
		return -1;
	if (arrondissement && tdb_run(d, tenant, e, "UPDATE actes_settings SET arrondissement = $2 WHERE tenant_id = $1", "t",
				      arrondissement) < 0)
		return -1;
	if (nature && tdb_run(d, tenant, e, "UPDATE actes_settings SET nature_collectivite = $2 WHERE tenant_id = $1", "t", nature) < 0)
		return -1;
	if (tdt_url && tdb_run(d, tenant, e, "UPDATE actes_settings SET tdt_url = $2 WHERE tenant_id = $1", "t", tdt_url) < 0)
		return -1;
	return 0;
}

/* ---- classification versions ---- */

int actes_db_classification_put(db *d, int64_t tenant, const char *xml, size_t len, char *date_out, struct err *e)
{
	struct actes_classification c = { 0 };
	if (actes_classification_parse(xml, len, &c, e) < 0)
		return -1;
	char date[11];
	snprintf(date, sizeof date, "%s", c.date);
	actes_classification_free(&c);
	if (!actes_date_valid(date))
		return err_set(e, 400, "actes.classification", "Classification sans date valide.");
	char sha[65];
	if (store_put_mem(xml, len, sha, e) < 0 || store_record(d, sha, len, "text/xml", e) < 0)
		return -1;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM actes_classifications WHERE tenant_id = $1 AND date = $2", "t", date);
	if (!s)
		return -1;
	int exists = rc == DB_ROW;
	db_finalize(s);
	if (!exists && tdb_run(d, tenant, e, "INSERT INTO actes_classifications (tenant_id, date, sha256, created_at) VALUES ($1, $2, $3, $4)",
			       "tti", date, sha, identity_now()) < 0)
		return -1;
	if (date_out)
		memcpy(date_out, date, 11);
	return 0;
}

int actes_db_classification_current(db *d, int64_t tenant, struct actes_classification *c, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT sha256 FROM actes_classifications WHERE tenant_id = $1 ORDER BY date DESC LIMIT 1", "");
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return 0;
	}
	char path[1200];
	store_path(db_col_text(s, 0), path, sizeof path);
	db_finalize(s);
	return actes_classification_load(path, c, e) < 0 ? -1 : 1;
}

/* ---- acts ---- */

int actes_db_event(db *d, int64_t tenant, int64_t acte, int64_t user, const char *action, const char *detail,
		   struct err *e)
{
	return tdb_run(d, tenant, e, "INSERT INTO actes_events (tenant_id, acte_id, at, user_id, action, detail) VALUES ($1, $2, $3, $4, $5, $6)",
		       "iiitt", acte, identity_now(), user, action, detail ? detail : "");
}

static int add_doc_row_from(db *d, int64_t tenant, int64_t acte, const char *role, int rang, int version, const char *type_piece,
			    const char *name, const char *sha, const char *mime, int64_t size, const char *origine, struct err *e)
{
	return tdb_run(d, tenant, e, "INSERT INTO actes_docs (tenant_id, acte_id, role, rang, version, type_piece, name, sha256, mime, size,"
				     " created_at, origine) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
		       "itiittttiit", acte, role, (int64_t)rang, (int64_t)version, type_piece ? type_piece : "", name, sha, mime, size,
		       identity_now(), origine);
}

static int add_doc_row(db *d, int64_t tenant, int64_t acte, const char *role, int rang, int version, const char *type_piece,
		       const char *name, const char *sha, const char *mime, int64_t size, struct err *e)
{
	return add_doc_row_from(d, tenant, acte, role, rang, version, type_piece, name, sha, mime, size, "", e);
}

int actes_db_add_doc(db *d, int64_t tenant, int64_t acte, const char *role, int rang, const char *type_piece,
		     const char *name, const void *data, size_t len, const char *mime, struct err *e)
{
	return actes_db_add_doc_from(d, tenant, acte, role, rang, type_piece, name, data, len, mime, "", e);
}

int actes_db_add_doc_from(db *d, int64_t tenant, int64_t acte, const char *role, int rang, const char *type_piece,
			  const char *name, const void *data, size_t len, const char *mime, const char *origine, struct err *e)
{
	char sha[65];
	if (store_put_mem(data, len, sha, e) < 0 || store_record(d, sha, len, mime, e) < 0)
		return -1;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT COALESCE(MAX(version), 0) FROM actes_docs WHERE tenant_id = $1 AND acte_id = $2"
						  " AND role = $3 AND rang = $4", "iti", acte, role, (int64_t)rang);
	if (!s)
		return -1;
	int version = rc == DB_ROW ? (int)db_col_int64(s, 0) + 1 : 1;
	db_finalize(s);
	return add_doc_row_from(d, tenant, acte, role, rang, version, type_piece, name, sha, mime, (int64_t)len, origine, e);
}

int actes_db_doc(db *d, int64_t tenant, int64_t acte, const char *role, int rang, char *sha, char *mime, char *name,
		 size_t name_len, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT sha256, mime, name FROM actes_docs WHERE tenant_id = $1 AND acte_id = $2 AND role = $3"
						  " AND rang = $4 ORDER BY version DESC LIMIT 1", "iti", acte, role, (int64_t)rang);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "document.inconnu", "Document introuvable.");
	}
	snprintf(sha, 65, "%s", db_col_text(s, 0));
	if (mime)
		snprintf(mime, 128, "%s", db_col_text(s, 1));
	if (name)
		snprintf(name, name_len, "%s", db_col_text(s, 2));
	db_finalize(s);
	return 0;
}

/* Checks n with the archive builder's rules; r collects the violations. */
static int check_new(db *d, int64_t tenant, const struct actes_new *n, struct actes_mapped *maps, char cdate[11],
		     struct actes_report *r, struct err *e)
{
	struct actes_cl cl;
	if (actes_db_cl(d, tenant, &cl, NULL, e) < 0)
		return -1;
	struct actes_classification c = { 0 };
	int have = actes_db_classification_current(d, tenant, &c, e);
	if (have < 0)
		return -1;
	snprintf(cdate, 11, "%s", have ? c.date : (n->date_decision ? n->date_decision : ""));
	struct actes_acte a = { 0 };
	a.a = arena_new();
	a.siren = cl.siren, a.departement = cl.departement, a.arrondissement = cl.arrondissement;
	a.nature_collectivite = cl.nature[0] ? cl.nature : "71";
	a.sequence = 1;
	a.trigramme = "OPL";
	char today[11];
	actes_today(today);
	a.date_envoi = today;
	a.numero = n->numero ? n->numero : "";
	a.nature = n->nature;
	a.date_decision = n->date_decision ? n->date_decision : "";
	a.objet = n->objet ? n->objet : "";
	a.classification = n->matiere ? n->matiere : "";
	a.n_matiere = actes_matiere_parse(a.classification, a.matiere);
	a.classification_date = cdate;
	a.document_papier = n->document_papier;
	a.acte = (struct actes_piece){ n->acte.name, n->type_piece ? n->type_piece : "", maps[0].p, maps[0].len };
	a.annexes = arena_alloc(a.a, (n->n_annexes + 1) * sizeof *a.annexes);
	for (size_t i = 0; i < n->n_annexes; i++)
		a.annexes[i] = (struct actes_piece){ n->annexes[i].name, n->annexes[i].type_piece ? n->annexes[i].type_piece : "",
						     maps[i + 1].p, maps[i + 1].len };
	a.n_annexes = n->n_annexes;
	actes_acte_check(&a, have ? &c : NULL, today, r);
	arena_free(a.a);
	if (have)
		actes_classification_free(&c);
	return 0;
}

/* Makes the act findable by the search (src/search): number, object, matière, nature, decision date. */
static int index_acte(db *d, int64_t tenant, int64_t id, const struct actes_new *n, int64_t now, struct err *e)
{
	const struct actes_nature *nat = actes_nature_get(n->nature);
	struct tm tm = { 0 };
	int64_t at = now;
	if (n->date_decision && sscanf(n->date_decision, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) == 3) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		tm.tm_hour = 12;
		at = (int64_t)timegm(&tm);
	}
	char title[600], text[800], url[64];
	snprintf(title, sizeof title, "%s — %s", n->numero, n->objet);
	snprintf(text, sizeof text, "%s %s %s %s %s", n->numero, n->matiere ? n->matiere : "", nat ? nat->label : "",
		 n->date_decision ? n->date_decision : "", n->type_piece ? n->type_piece : "");
	snprintf(url, sizeof url, "/actes/%lld", (long long)id);
	return search_put(d, tenant, "acte", id, title, text, at, url, e);
}

const char *actes_series_of_nature(int nature)
{
	return nature == 1 ? "deliberation" : nature == 2 || nature == 3 ? "arrete" : nature == 4 ? "contrat"
	       : nature == 5 ? "budget" : "autre";
}

/* Next free number of the act's series: the allocator's numbers already taken by a hand-numbered act
 * of that year are skipped (consumed, so never proposed again). In the caller's transaction. */
static int allocate(db *d, int64_t tenant, const struct actes_new *n, char numero[NUMBERING_MAX + 1], struct err *e)
{
	struct date dd;
	if (date_parse(n->date_decision, &dd, e) < 0)
		return -1;
	for (int tries = 0; tries < 100000; tries++) {
		if (numbering_next(d, tenant, actes_series_of_nature(n->nature), dd, numero, NUMBERING_MAX + 1, NULL, e) < 0)
			return -1;
		if (!actes_numero_valid(numero))
			return err_set(e, 409, "numbering.motif",
				       "Le numéro « %s » produit par le motif de la série n'est pas un numéro ACTES valide (ni "
				       "premier ni dernier caractère « _ ») : corrigez le motif dans les paramètres.", numero);
		int rc;
		db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT id FROM actes WHERE tenant_id = $1 AND annee = $2 AND numero = $3", "it",
				       (int64_t)dd.y, numero);
		if (!s)
			return -1;
		db_finalize(s);
		if (rc != DB_ROW)
			return 0;
	}
	return err_set(e, 409, "numbering.epuise", "Aucun numéro libre trouvé dans la série.");
}

int actes_db_create(db *d, int64_t tenant, int64_t user, const struct actes_new *given, struct actes_report *r, int64_t *id,
		    struct err *e)
{
	struct actes_new copy = *given, *n = &copy;
	char numero[NUMBERING_MAX + 1];
	int auto_num = !given->numero || !*given->numero;
	if (auto_num)
		copy.numero = "1";   /* checked with a valid placeholder, numbered once every rule passed */
	size_t nf = n->n_annexes + 1;
	struct actes_mapped *maps = xcalloc(nf, sizeof *maps);
	int ret = -1, own = !db_in_transaction(d);
	char cdate[11];
	for (size_t i = 0; i < nf; i++)
		actes_map_file(i == 0 ? n->acte.path : n->annexes[i - 1].path, &maps[i]);   /* missing → reported by the rules */
	if (own && db_begin_write(d, e) < 0)
		goto out;
	if (check_new(d, tenant, n, maps, cdate, r, e) < 0)
		goto out;
	if (r->n) {
		err_set(e, 400, "actes.invalide", "%zu règle(s) non respectée(s) : %s", r->n, r->items[0].msg);
		goto out;
	}
	if (auto_num) {
		if (allocate(d, tenant, n, numero, e) < 0)
			goto out;
		copy.numero = numero;
	}
	int64_t now = identity_now();
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "INSERT INTO actes (tenant_id, annee, numero, nature, objet, date_decision, matiere,"
						  " classification_date, type_piece, document_papier, creator, created_at, updated_at)"
						  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
			       "ititttttiiii", (int64_t)atoi(n->date_decision), n->numero, (int64_t)n->nature, n->objet,
			       n->date_decision, n->matiere, cdate, n->type_piece, (int64_t)(n->document_papier != 0), user, now, now);
	if (!s) {
		if (strcmp(e->code, "db.conflict") == 0)
			err_set(e, 409, "actes.numero_existe", "Un acte portant le numéro %s existe déjà pour l'année %.4s.", n->numero,
				n->date_decision);
		goto out;
	}
	*id = db_col_int64(s, 0);
	db_finalize(s);
	for (size_t i = 0; i < nf; i++) {
		const struct actes_doc_in *in = i == 0 ? &n->acte : &n->annexes[i - 1];
		const char *mime = mime_of(actes_file_sniff(maps[i].p, maps[i].len));
		if (store_put_file(in->path, in->sha256, NULL, e) < 0 || store_record(d, in->sha256, maps[i].len, mime, e) < 0 ||
		    add_doc_row(d, tenant, *id, i == 0 ? "acte" : "annexe", (int)i, 1, i == 0 ? n->type_piece : in->type_piece,
				in->name, in->sha256, mime, (int64_t)maps[i].len, e) < 0)
			goto out;
	}
	if (actes_db_event(d, tenant, *id, user, "creation", n->numero, e) < 0 || index_acte(d, tenant, *id, n, now, e) < 0)
		goto out;
	if (own && db_commit(d, e) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0 && own)
		db_rollback(d);
	for (size_t i = 0; i < nf; i++)
		actes_unmap(&maps[i]);
	free(maps);
	return ret;
}

/* Canonical bytes for a file known by its first bytes only: the same sniff, then content that passes the
 * content checks of its kind (those run again on the upload itself). */
static void declared_bytes(const struct actes_file_decl *f, struct actes_mapped *m)
{
	static const char pdf[] = "%PDF-1.4\n%%EOF\n", xml[] = "<?xml version=\"1.0\"?><x/>", jpeg[] = "\xff\xd8\xff\xe0",
			  png[] = "\x89PNG\r\n\x1a\n";
	m->p = NULL, m->len = 0;
	if (!f)
		return;
	if (f->size == 0) {
		m->p = (void *)"";
		return;
	}
	switch (actes_file_sniff(f->head, f->head_len)) {
	case ACTES_FILE_PDF: m->p = (void *)pdf, m->len = sizeof pdf - 1; break;
	case ACTES_FILE_XML: m->p = (void *)xml, m->len = sizeof xml - 1; break;
	case ACTES_FILE_JPEG: m->p = (void *)jpeg, m->len = sizeof jpeg - 1; break;
	case ACTES_FILE_PNG: m->p = (void *)png, m->len = sizeof png - 1; break;
	default: m->p = (void *)(f->head_len ? f->head : (const unsigned char *)"?"), m->len = f->head_len ? f->head_len : 1; break;
	}
}

int actes_db_validate(db *d, int64_t tenant, const struct actes_new *given, const struct actes_file_decl *acte,
		      const struct actes_file_decl *annexes, size_t na, struct actes_report *r, struct err *e)
{
	struct actes_new n = *given;
	int auto_num = !n.numero || !*n.numero;
	if (auto_num)
		n.numero = "1";   /* the allocator's number is valid by construction */
	struct actes_doc_in *docs = xcalloc(na + 1, sizeof *docs);
	struct actes_mapped *maps = xcalloc(na + 1, sizeof *maps);
	n.acte = (struct actes_doc_in){ "@document", NULL, NULL, NULL };
	char (*names)[32] = xcalloc(na + 1, sizeof *names);
	for (size_t i = 0; i < na; i++) {
		snprintf(names[i], sizeof names[i], "@annexe%zu", i + 1);
		docs[i] = (struct actes_doc_in){ names[i], NULL, NULL, annexes[i].type_piece };
	}
	n.annexes = docs, n.n_annexes = na;
	uint64_t total = 0;
	for (size_t i = 0; i <= na; i++) {
		const struct actes_file_decl *f = i == 0 ? acte : &annexes[i - 1];
		declared_bytes(f, &maps[i]);
		total += f ? f->size : 0;
	}
	char cdate[11];
	int rc = check_new(d, tenant, &n, maps, cdate, r, e);
	if (rc == 0 && total > ACTES_ARCHIVE_MAX)
		actes_report_add(r, "actes.taille", na ? names[0] : "@document",
				 "la taille totale des fichiers est trop importante : %llu octets (%zu au plus, limite du TdT)",
				 (unsigned long long)total, ACTES_ARCHIVE_MAX);
	if (rc == 0 && !auto_num && actes_numero_valid(n.numero) && actes_date_valid(n.date_decision)) {
		int qrc;
		db_stmt *s = tdb_query(d, tenant, e, &qrc, "SELECT COUNT(*) FROM actes WHERE tenant_id = $1 AND annee = $2 AND numero = $3", "it",
				       (int64_t)atoi(n.date_decision), n.numero);
		if (!s)
			rc = -1;
		else if (qrc == DB_ROW && db_col_int64(s, 0) > 0)
			actes_report_add(r, "actes.numero_existe", "", "Un acte portant le numéro %s existe déjà pour l'année %.4s.", n.numero,
					 n.date_decision);
		if (s)
			db_finalize(s);
	}
	free(names);
	free(maps);
	free(docs);
	return rc;
}

int actes_db_update_draft(db *d, int64_t tenant, int64_t id, int64_t user, const char *objet, const char *date_decision,
			  const char *matiere, const char *why, struct err *e)
{
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT numero, nature, type_piece FROM actes WHERE tenant_id = $1 AND id = $2 AND state = 'brouillon'",
			       "i", id);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 409, "actes.etat", "L'acte n'est plus un brouillon : il ne peut plus être modifié.");
	}
	char numero[32], type_piece[16];
	snprintf(numero, sizeof numero, "%s", db_col_text(s, 0));
	int nature = (int)db_col_int64(s, 1);
	snprintf(type_piece, sizeof type_piece, "%s", db_col_text(s, 2));
	db_finalize(s);
	int64_t now = identity_now();
	if (tdb_run(d, tenant, e,
		    "UPDATE actes SET objet = $3, date_decision = $4, matiere = $5, updated_at = $6 WHERE tenant_id = $1 AND id = $2"
		    " AND state = 'brouillon'", "ittti", id, objet, date_decision, matiere, now) < 0)
		return -1;
	if (db_changes(d) != 1)
		return err_set(e, 409, "actes.etat", "L'acte vient de quitter l'état de brouillon : il ne peut plus être modifié.");
	struct actes_new n = { .numero = numero, .objet = objet, .date_decision = date_decision, .matiere = matiere,
			       .type_piece = type_piece, .nature = nature };
	return actes_db_event(d, tenant, id, user, "modification", why, e) < 0 ? -1 : index_acte(d, tenant, id, &n, now, e);
}

/* An act row (ACTE_COLS) as JSON: its fields once, in their order, for both the json_t tree (the act's
 * page and detail, templates) and the stream of a list written straight into the answer (P2 in
 * docs/performance.md: building and dumping 50 trees was 70 % of the list's time). */
enum acte_kind { K_INT, K_TEXT, K_BOOL, K_NATURE_CODE, K_NATURE_LABEL, K_STATE_LABEL };
static const struct acte_field {
	const char *key;
	int col;
	enum acte_kind kind;
} acte_fields[] = {
	{ "id", 0, K_INT },			  { "numero", 1, K_TEXT },	     { "annee", 2, K_INT },
	{ "nature", 3, K_INT },			  { "nature_code", 3, K_NATURE_CODE }, { "nature_libelle", 3, K_NATURE_LABEL },
	{ "objet", 4, K_TEXT },			  { "date_decision", 5, K_TEXT },      { "matiere", 6, K_TEXT },
	{ "classification_date", 7, K_TEXT },	  { "document_papier", 9, K_BOOL },    { "type_piece", 8, K_TEXT },
	{ "etat", 10, K_TEXT },			  { "statut_tdt", 11, K_INT },	       { "etat_libelle", 10, K_STATE_LABEL },
	{ "id_acte", 12, K_TEXT },		  { "date_ar", 13, K_TEXT },	       { "cree_le", 14, K_INT },
	{ "modifie_le", 15, K_INT },
};
#define N_ACTE_FIELDS (sizeof acte_fields / sizeof acte_fields[0])

static const char *field_text(db_stmt *s, const struct acte_field *f)
{
	const struct actes_nature *nat;
	const char *t;
	switch (f->kind) {
	case K_NATURE_CODE:
	case K_NATURE_LABEL:
		nat = actes_nature_get((int)db_col_int64(s, f->col));
		return !nat ? "" : f->kind == K_NATURE_CODE ? nat->abbr : nat->label;
	case K_STATE_LABEL:
		return actes_state_label(db_col_text(s, f->col));
	default:
		t = db_col_text(s, f->col);
		return t ? t : "";
	}
}

static json_t *row_acte(db_stmt *s)
{
	json_t *o = json_object();
	for (size_t i = 0; i < N_ACTE_FIELDS; i++) {
		const struct acte_field *f = &acte_fields[i];
		json_t *v = f->kind == K_INT  ? json_integer((json_int_t)db_col_int64(s, f->col))
			    : f->kind == K_BOOL ? json_boolean(db_col_int64(s, f->col) != 0)
						: json_string(field_text(s, f));
		json_object_set_new(o, f->key, v);
	}
	return o;
}

/* The same object as row_acte, written as compact JSON (byte for byte what json_dumps gives). */
static void row_acte_write(buf *b, db_stmt *s)
{
	for (size_t i = 0; i < N_ACTE_FIELDS; i++) {
		const struct acte_field *f = &acte_fields[i];
		buf_putc(b, i ? ',' : '{');
		buf_putc(b, '"');
		buf_puts(b, f->key);
		buf_puts(b, "\":");
		if (f->kind == K_INT)
			buf_int(b, db_col_int64(s, f->col));
		else if (f->kind == K_BOOL)
			buf_puts(b, db_col_int64(s, f->col) ? "true" : "false");
		else
			buf_json_str(b, field_text(s, f));
	}
	buf_putc(b, '}');
}

#define ACTE_COLS "id, numero, annee, nature, objet, date_decision, matiere, classification_date, type_piece, document_papier," \
		  " state, tdt_status, id_acte, date_ar, created_at, updated_at, error"

static db_stmt *list_query(db *d, int64_t tenant, const char *state, int annee, int nature, const char *q, int limit, int *rc,
			   struct err *e)
{
	char like[300];
	snprintf(like, sizeof like, "%%%s%%", q ? q : "");
	return tdb_query(d, tenant, e, rc, "SELECT " ACTE_COLS " FROM actes WHERE tenant_id = $1"
					   " AND ($2 = '' OR state = $2) AND ($3 = 0 OR annee = $3) AND ($4 = 0 OR nature = $4)"
					   " AND ($5 = '%%' OR objet LIKE $5 OR numero LIKE $5) ORDER BY id DESC LIMIT $6",
			 "tiiti", state ? state : "", (int64_t)annee, (int64_t)nature, like, (int64_t)(limit > 0 ? limit : 200));
}

json_t *actes_db_list(db *d, int64_t tenant, const char *state, int annee, int nature, const char *q, int limit,
		      struct err *e)
{
	int rc;
	db_stmt *s = list_query(d, tenant, state, annee, nature, q, limit, &rc, e);
	if (!s)
		return NULL;
	json_t *a = json_array();
	while (rc == DB_ROW) {
		json_array_append_new(a, row_acte(s));
		rc = db_step(s, e);
	}
	db_finalize(s);
	if (rc < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

int actes_db_list_write(db *d, int64_t tenant, const char *state, int annee, int nature, const char *q, int limit, buf *out,
			struct err *e)
{
	int rc;
	db_stmt *s = list_query(d, tenant, state, annee, nature, q, limit, &rc, e);
	if (!s)
		return -1;
	buf_putc(out, '[');
	for (int n = 0; rc == DB_ROW; n++) {
		if (n)
			buf_putc(out, ',');
		row_acte_write(out, s);
		rc = db_step(s, e);
	}
	buf_putc(out, ']');
	db_finalize(s);
	return rc < 0 ? -1 : 0;
}

json_t *actes_db_get(db *d, int64_t tenant, int64_t id, struct err *e)
{
	db_stmt *s = tdb_row(d, tenant, e, "actes.inconnu", "Acte introuvable.",
			     "SELECT " ACTE_COLS " FROM actes WHERE tenant_id = $1 AND id = $2", id);
	if (!s)
		return NULL;
	int rc;
	json_t *j = row_acte(s);
	json_object_set_new(j, "erreur", json_string(db_col_text(s, 16)));
	db_finalize(s);
	json_t *docs = json_array(), *tx = json_array(), *msgs = json_array(), *ev = json_array();
	s = tdb_query(d, tenant, e, &rc, "SELECT id, role, rang, version, type_piece, name, sha256, mime, size, created_at, origine FROM actes_docs"
					 " WHERE tenant_id = $1 AND acte_id = $2 ORDER BY role, rang, version", "i", id);
	while (s && rc == DB_ROW) {
		json_array_append_new(docs, json_pack("{s:I,s:s,s:i,s:i,s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "id", (json_int_t)db_col_int64(s, 0),
						      "role", db_col_text(s, 1), "rang", (int)db_col_int64(s, 2), "version",
						      (int)db_col_int64(s, 3), "type_piece", db_col_text(s, 4), "nom", db_col_text(s, 5),
						      "sha256", db_col_text(s, 6), "mime", db_col_text(s, 7), "taille",
						      (json_int_t)db_col_int64(s, 8), "cree_le", (json_int_t)db_col_int64(s, 9), "origine",
						      db_col_text(s, 10)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	s = tdb_query(d, tenant, e, &rc, "SELECT id, kind, state, tdt_id, tdt_status, error, created_at, updated_at FROM actes_transmissions"
					 " WHERE tenant_id = $1 AND acte_id = $2 ORDER BY id", "i", id);
	while (s && rc == DB_ROW) {
		json_array_append_new(tx, json_pack("{s:I,s:s,s:s,s:s,s:i,s:s,s:I,s:I}", "id", (json_int_t)db_col_int64(s, 0), "type",
						    db_col_text(s, 1), "etat", db_col_text(s, 2), "id_tdt", db_col_text(s, 3), "statut_tdt",
						    (int)db_col_int64(s, 4), "erreur", db_col_text(s, 5), "cree_le",
						    (json_int_t)db_col_int64(s, 6), "modifie_le", (json_int_t)db_col_int64(s, 7)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	s = tdb_query(d, tenant, e, &rc, "SELECT id, code, label, date, texte, answer_state, xml_sha256, pdf_sha256, created_at FROM actes_messages"
					 " WHERE tenant_id = $1 AND acte_id = $2 ORDER BY id", "i", id);
	while (s && rc == DB_ROW) {
		json_array_append_new(msgs, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:I}", "id", (json_int_t)db_col_int64(s, 0), "code",
						      db_col_text(s, 1), "libelle", db_col_text(s, 2), "date", db_col_text(s, 3), "texte",
						      db_col_text(s, 4), "reponse", db_col_text(s, 5), "xml", *db_col_text(s, 6) != 0,
						      "pdf", *db_col_text(s, 7) != 0, "recu_le", (json_int_t)db_col_int64(s, 8)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	s = tdb_query(d, tenant, e, &rc, "SELECT at, user_id, action, detail FROM actes_events WHERE tenant_id = $1 AND acte_id = $2 ORDER BY id",
		      "i", id);
	while (s && rc == DB_ROW) {
		json_array_append_new(ev, json_pack("{s:I,s:I,s:s,s:s}", "le", (json_int_t)db_col_int64(s, 0), "utilisateur",
						    (json_int_t)db_col_int64(s, 1), "action", db_col_text(s, 2), "detail", db_col_text(s, 3)));
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	s = tdb_query(d, tenant, e, &rc, "SELECT folder_id FROM actes WHERE tenant_id = $1 AND id = $2", "i", id);
	json_object_set_new(j, "dossier", json_integer(s && rc == DB_ROW ? db_col_int64(s, 0) : 0));
	if (s)
		db_finalize(s);
	json_object_set_new(j, "documents", docs);
	json_object_set_new(j, "transmissions", tx);
	json_object_set_new(j, "messages", msgs);
	json_object_set_new(j, "historique", ev);
	return j;
}
