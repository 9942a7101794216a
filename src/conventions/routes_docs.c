/* routes_docs: a convention's documents — sending it into the parapheur (its PDF sheet becomes the
 * principal document of a folder of the chosen sub-type, started at once: a circuit with the
 * partner's external signature, as the demo's « Avenant avec signature externe », carries it), and a
 * review (bilan) as a PDF. */
#include "conventions/conventions_db.h"
#include "conventions/routes.h"
#include "actes/registre.h"
#include "core/config.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "parapheur/parapheur.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WRITERS (ROLE_ADMIN | ROLE_AGENT)
#define READERS (ROLE_ADMIN | ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_AUDITOR)

/* A temp file name under DATA/tmp (or /tmp). */
static const char *tmp_path(struct req *r, const char *what, int64_t id)
{
	char rnd[64];
	identity_random_token(rnd);
	rnd[12] = '\0';
	return arena_printf(r->a, "%s/tmp/%s-%lld-%s.pdf", cfg.data_dir[0] ? cfg.data_dir : "/tmp", what, (long long)id, rnd);
}

static int send_parapheur(struct req *r)
{
	db *d;
	json_t *c = cv_load(r, &d);
	if (!c)
		return -1;
	int64_t id = req_param_id(r, "id");
	struct err e = { 0 };
	const char *back = arena_printf(r->a, "/conventions/%lld", (long long)id);
	if (json_integer_value(json_object_get(c, "parapheur_dossier"))) {
		json_decref(c);
		res_flash(r, "erreur", "Cette convention est déjà dans le parapheur.");
		return res_redirect(r, back);
	}
	const char *st = req_form(r, "sous_type"), *dk = req_form(r, "bureau");
	int64_t sub = st ? strtoll(st, NULL, 10) : 0, desk = dk ? strtoll(dk, NULL, 10) : 0, folder = 0;
	/* The emitting desk must be one of mine. */
	json_t *mine = pa_my_desks(d, r->tenant_id, r->user_id, &e);
	int mine_ok = 0;
	size_t i;
	json_t *k;
	json_array_foreach(mine, i, k) if (json_integer_value(json_object_get(k, "id")) == desk) mine_ok = 1;
	json_decref(mine);
	const char *path = tmp_path(r, "convention", id);
	char sha[65], name[300];
	snprintf(name, sizeof name, "convention-%lld.pdf", (long long)id);
	buf pdf = BUF_INIT;
	int ok = 0;
	if (!sub || !mine_ok) {
		err_set(&e, 400, "convention.parapheur", "Choisissez un sous-type et l'un de vos bureaux comme émetteur.");
	} else if (cv_pdf(c, path, &e) == 0 && buf_read_file(&pdf, path, 64u << 20) == 0) {
		json_t *meta = json_pack("{s:s}", "montant", json_string_value(json_object_get(json_object_get(c, "montant"), "euros")));
		ok = db_begin_write(d, &e) == 0 && store_put_mem(pdf.data, pdf.len, sha, &e) == 0 &&
		     store_record(d, sha, pdf.len, "application/pdf", &e) == 0 &&
		     pa_folder_create(d, r->tenant_id, r->user_id, json_string_value(json_object_get(c, "titre")), sub, desk, meta, 0, &folder, &e) == 0 &&
		     pa_folder_add_doc(d, r->tenant_id, folder, "principal", name, sha, "application/pdf", (int64_t)pdf.len, &e) == 0 &&
		     pa_folder_start(d, r->tenant_id, r->user_id, folder, NULL, 0, &e) == 0 &&
		     tdb_run(d, r->tenant_id, &e, "UPDATE conventions SET parapheur_dossier = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2",
			     "iii", id, folder, identity_now()) == 0 &&
		     db_commit(d, &e) == 0;
		json_decref(meta);
		if (!ok)
			db_rollback(d);
	}
	unlink(path);
	buf_free(&pdf);
	json_decref(c);
	if (!ok) {
		res_flash(r, "erreur", e.msg[0] ? e.msg : "Envoi au parapheur impossible.");
	} else {
		audit_req(r, "convention.parapheur", arena_printf(r->a, "%lld", (long long)id), arena_printf(r->a, "dossier %lld", (long long)folder));
		res_flash(r, "ok", "Convention envoyée dans le parapheur : le circuit démarre.");
	}
	return res_redirect(r, back);
}
OPALE_ROUTE(cv_parapheur_page, "POST", "/conventions/:id/parapheur", send_parapheur, WRITERS, SCOPE_TENANT, RF_TIER_PARAPHEUR);

/* « Transmettre à la préfecture »: the signed convention becomes an act of nature 4 « Contrats,
 * conventions et avenants » (its number from the series' allocator, the parapheur's signed copy as
 * its document) queued for the prefecture at once; the convention keeps the act. Form fields:
 * matiere, type_piece (default 99_DC), date_decision (default: the signature date). */
static int send_prefecture(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e = { 0 };
	json_t *c = cv_get(d, r->tenant_id, id, cv_today(), &e);
	if (!c)
		return res_fail_err(r, &e);
	const char *back = arena_printf(r->a, "/conventions/%lld", (long long)id);
	int64_t folder = json_integer_value(json_object_get(c, "parapheur_dossier"));
	int64_t already = tdb_int(d, r->tenant_id, 0, "SELECT acte_id FROM conventions WHERE tenant_id = $1 AND id = $2", "i", id);
	const char *matiere = req_form(r, "matiere"), *tp = req_form(r, "type_piece"), *date = req_form(r, "date_decision");
	const char *sig = json_string_value(json_object_get(c, "signature_date"));
	char objet[500];
	snprintf(objet, sizeof objet, "%s", json_string_value(json_object_get(c, "titre")));
	objet[strcspn(objet, "\r\n")] = 0;
	struct actes_new n = { .nature = 4, .objet = objet, .matiere = matiere && *matiere ? matiere : NULL,
			       .type_piece = tp && *tp ? tp : "99_DC", .date_decision = date && *date ? date : sig && *sig ? sig : NULL };
	struct actes_report rep = { 0 };
	int64_t acte = 0;
	int ok = 0;
	if (already)
		err_set(&e, 409, "convention.prefecture", "Cette convention a déjà été transmise à la préfecture.");
	else if (!folder)
		err_set(&e, 409, "convention.prefecture", "La convention se transmet une fois signée dans le parapheur.");
	else if (!n.matiere || !n.date_decision)
		err_set(&e, 400, "convention.prefecture", "Indiquez la matière (classification) et la date de la décision.");
	else if (db_begin_write(d, &e) == 0) {
		ok = actes_from_folder(d, r->tenant_id, r->user_id, folder, &n, 1, &rep, &acte, &e) == 0 &&
		     tdb_run(d, r->tenant_id, &e, "UPDATE conventions SET acte_id = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2", "iii", id,
			     acte, identity_now()) == 0 &&
		     db_commit(d, &e) == 0;
		if (!ok)
			db_rollback(d);
	}
	json_decref(c);
	if (!ok) {
		res_flash(r, "erreur", rep.n ? rep.items[0].msg : e.msg[0] ? e.msg : "Transmission impossible.");
		actes_report_free(&rep);
		return res_redirect(r, back);
	}
	actes_report_free(&rep);
	audit_req(r, "convention.prefecture", arena_printf(r->a, "%lld", (long long)id), arena_printf(r->a, "acte %lld", (long long)acte));
	res_flash(r, "ok", "Convention transmise au contrôle de légalité : l'acte suit son cours auprès de la préfecture.");
	return res_redirect(r, arena_printf(r->a, "/actes/%lld", (long long)acte));
}
OPALE_ROUTE(cv_prefecture_page, "POST", "/conventions/:id/prefecture", send_prefecture, WRITERS, SCOPE_TENANT, RF_TIER_TELETRANSMISSION);

/* On the folder page of a convention's circuit: the convention it carries. */
static void folder_links(db *d, int64_t tenant, int64_t folder, unsigned roles, json_t *links)
{
	(void)roles;
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT id, titre FROM conventions WHERE tenant_id = $1 AND parapheur_dossier = $2", "i", folder);
	if (s && rc == DB_ROW) {
		char t[600], l[64];
		snprintf(t, sizeof t, "Convention « %.500s »", db_col_text(s, 1));
		snprintf(l, sizeof l, "/conventions/%lld", (long long)db_col_int64(s, 0));
		json_array_append_new(links, json_pack("{s:s,s:s}", "texte", t, "lien", l));
	}
	if (s)
		db_finalize(s);
}
OPALE_PA_LINK(conventions, folder_links);

static int bilan_pdf(struct req *r)
{
	int64_t id = req_param_id(r, "id"), bid = id > 0 ? req_param_id(r, "bilan") : -1;
	db *d = bid > 0 ? req_db(r) : NULL;
	if (!d)
		return -1;
	struct err e = { 0 };
	json_t *c = cv_get(d, r->tenant_id, id, cv_today(), &e), *b = NULL;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(c, "bilans"), i, x) if (json_integer_value(json_object_get(x, "id")) == bid) b = x;
	if (!c || !b) {
		json_decref(c);
		return res_fail(r, 404, "bilan.inconnu", "Bilan introuvable.");
	}
	const char *path = tmp_path(r, "bilan", bid);
	int rc = cv_bilan_pdf(c, b, path, &e);
	const char *name = arena_printf(r->a, "bilan-%s.pdf", json_string_value(json_object_get(b, "echeance")));
	json_decref(c);
	if (rc < 0) {
		unlink(path);
		return res_fail_err(r, &e);
	}
	rc = res_file(r, path, "application/pdf", name);
	r->send_unlink = 1;
	return rc;
}
OPALE_ROUTE(cv_bilan_pdf_page, "GET", "/conventions/:id/bilans/:bilan/pdf", bilan_pdf, READERS, SCOPE_TENANT, 0);

static int export_xlsx(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	struct err e = { 0 };
	struct date today = cv_today();
	json_t *l = cv_list(d, r->tenant_id, NULL, today, &e), *full = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(l, i, c) {
		json_t *one = cv_get(d, r->tenant_id, json_integer_value(json_object_get(c, "id")), today, &e);
		if (one)
			json_array_append_new(full, one);
	}
	json_decref(l);
	buf out = BUF_INIT;
	int rc = cv_xlsx(full, &out, &e);
	json_decref(full);
	if (rc < 0) {
		buf_free(&out);
		return res_fail_err(r, &e);
	}
	res_header(r, "Content-Disposition", "attachment; filename=\"registre-conventions.xlsx\"");
	rc = res_text(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", out.data, out.len);
	buf_free(&out);
	return rc;
}
OPALE_ROUTE(cv_export_xlsx, "GET", "/conventions/registre.xlsx", export_xlsx, READERS, SCOPE_TENANT, 0);
