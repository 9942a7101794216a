/* folder_sign: SIGNATURE and SEAL steps of the parapheur, and seal signatures on behalf of someone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/tenant.h"
#include "identity/identity.h"
#include "parapheur/parapheur.h"
#include "sign/settings.h"
#include "sign/folder_sign.h"
#include "sign/keystore.h"
#include "store/store.h"

struct type_cfg {
	char format[16], city[128], postal_code[16], tag[64];
	int page, x, y;
};

static int load_type(db *d, int64_t tenant, int64_t folder, struct type_cfg *t, struct err *e)
{
	db_stmt *s = tdb_row(d, tenant, e, "dossier.inconnu", "Dossier introuvable.",
			     "SELECT t.format, t.city, t.postal_code, t.stamp_tag, t.stamp_page, t.stamp_x, t.stamp_y"
			     " FROM folders f JOIN folder_subtypes s ON s.id = f.subtype_id JOIN folder_types t ON t.id = s.type_id"
			     " WHERE f.tenant_id = $1 AND f.id = $2", folder);
	if (!s)
		return -1;
	snprintf(t->format, sizeof t->format, "%s", db_col_text(s, 0));
	snprintf(t->city, sizeof t->city, "%s", db_col_text(s, 1));
	snprintf(t->postal_code, sizeof t->postal_code, "%s", db_col_text(s, 2));
	snprintf(t->tag, sizeof t->tag, "%s", db_col_text(s, 3));
	t->page = (int)db_col_int64(s, 4);
	t->x = (int)db_col_int64(s, 5);
	t->y = (int)db_col_int64(s, 6);
	db_finalize(s);
	return 0;
}

static int read_blob(const char *sha, buf *b, struct err *e)
{
	char path[1200];
	if (store_path(sha, path, sizeof path) < 0 || buf_read_file(b, path, 0) < 0)
		return err_set(e, 404, "document.inconnu", "Document introuvable dans le magasin.");
	return 0;
}

/* PAdES with a visible stamp: the tag, else the page/x/y; a missing tag falls back to the page
 * place when one is set, else to an invisible signature (the default tag is optional). */
static int pades_placed(const struct sign_key *k, const void *doc, size_t len, struct sign_opts *o, const char *tag, int tag_required,
			int page, double x, double y, buf *out, struct err *e)
{
	if (tag && *tag) {
		o->tag = tag;
		o->visible = 1;
		o->page = 0;
		struct err le = { 0 };
		if (sign_pades(k, doc, len, o, out, &le) == 0)
			return 0;
		if (strcmp(le.code, "sign.tag_not_found") != 0 || (tag_required && !page)) {
			*e = le;
			return -1;
		}
	}
	o->tag = NULL;
	o->page = page;
	o->x = x;
	o->y = y;
	o->visible = page != 0;
	return sign_pades(k, doc, len, o, out, e);
}

static const char *pending_kind(db *d, int64_t tenant, int64_t folder, int64_t desk, char *out, size_t n)
{
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT kind FROM folder_pending WHERE tenant_id = $1 AND folder_id = $2 AND desk_id = $3",
			       "ii", folder, desk);
	snprintf(out, n, "%s", s && rc == DB_ROW ? db_col_text(s, 0) : "signature");
	if (s)
		db_finalize(s);
	return out;
}

struct doc {
	char name[256], sha[65], mime[128];
};

/* Main documents, each with the sha of its latest signed version ("signe" of the same name). */
static int main_docs(db *d, int64_t tenant, int64_t folder, struct doc *docs, struct doc *orig, int max, int *n, struct err *e)
{
	int rc;
	*n = 0;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT name, sha256, mime FROM folder_docs WHERE tenant_id = $1 AND folder_id = $2"
						  " AND role = 'principal' ORDER BY id", "i", folder);
	while (s && rc == DB_ROW && *n < max) {
		snprintf(orig[*n].name, sizeof orig[*n].name, "%s", db_col_text(s, 0));
		snprintf(orig[*n].sha, sizeof orig[*n].sha, "%s", db_col_text(s, 1));
		snprintf(orig[*n].mime, sizeof orig[*n].mime, "%s", db_col_text(s, 2));
		docs[*n] = orig[*n];
		(*n)++;
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	if (!s || rc < 0)
		return -1;
	for (int i = 0; i < *n; i++) {
		s = tdb_query(d, tenant, e, &rc, "SELECT sha256 FROM folder_docs WHERE tenant_id = $1 AND folder_id = $2 AND role = 'signe'"
						 " AND name = $3 ORDER BY id DESC LIMIT 1", "it", folder, docs[i].name);
		if (!s)
			return -1;
		if (rc == DB_ROW)
			snprintf(docs[i].sha, sizeof docs[i].sha, "%s", db_col_text(s, 0));
		db_finalize(s);
	}
	return 0;
}

static void user_names(db *d, int64_t tenant, int64_t user, int64_t desk, int64_t acted, char *name, char *role, char *absent)
{
	struct err e;
	int rc;
	db_stmt *s = db_query(d, &e, &rc, "SELECT first_name || ' ' || last_name, fonction FROM users WHERE id = $1", "i", user);
	if (s && rc == DB_ROW) {
		snprintf(name, 256, "%s", db_col_text(s, 0));
		snprintf(role, 256, "%s", db_col_text(s, 1));
	}
	if (s)
		db_finalize(s);
	absent[0] = 0;
	if (acted && acted != desk) {   /* delegation: « En l'absence de » the desk's holder */
		s = tdb_query(d, tenant, &e, &rc, "SELECT u.first_name || ' ' || u.last_name FROM desk_owners o JOIN users u ON u.id = o.user_id"
						  " WHERE o.tenant_id = $1 AND o.desk_id = $2 ORDER BY u.id LIMIT 1", "i", desk);
		if (s && rc == DB_ROW)
			snprintf(absent, 256, "%s", db_col_text(s, 0));
		if (s)
			db_finalize(s);
		if (!absent[0]) {
			s = tdb_query(d, tenant, &e, &rc, "SELECT name FROM desks WHERE tenant_id = $1 AND id = $2", "i", desk);
			if (s && rc == DB_ROW)
				snprintf(absent, 256, "%s", db_col_text(s, 0));
			if (s)
				db_finalize(s);
		}
	}
}

/* Signs every main document of the folder. seal: the collectivité's seal, else the user's key
 * (pin); behalf (with seal): the external signatory's name, stamp_text its role line. */
static int sign_docs(db *d, int64_t tenant, int64_t folder, int seal, int64_t user, int64_t desk, int64_t acted, const char *pin,
		     const char *behalf, const char *stamp_text, struct err *e)
{
	struct type_cfg t;
	if (load_type(d, tenant, folder, &t, e) < 0)
		return -1;
	struct doc docs[16], orig[16];
	int n = 0;
	if (main_docs(d, tenant, folder, docs, orig, 16, &n, e) < 0)
		return -1;
	if (!n)
		return err_set(e, 409, "dossier.document", "Le dossier n'a pas de document principal à signer.");
	struct sign_key *k = NULL;
	if (seal ? keystore_seal_key(d, tenant, &k, e) < 0 : keystore_user_key(d, tenant, user, pin, &k, e) < 0)
		return -1;
	struct collectivite c;
	if (collectivite_get(d, tenant, &c, e) < 0) {
		sign_key_free(k);
		return -1;
	}
	char name[256] = "", role[256] = "", absent[256] = "", reason[400];
	if (!seal)
		user_names(d, tenant, user, desk, acted, name, role, absent);
	if (behalf) {
		snprintf(name, sizeof name, "%s", behalf);
		snprintf(role, sizeof role, "%s", stamp_text ? stamp_text : "");
		snprintf(reason, sizeof reason, "Signé par %.150s au moyen du cachet de %.200s", behalf, c.name);
	}
	struct err pe = { 0 };
	const char *pes_policy = sign_pes_policy_digest(&pe);
	char tsa[520] = "";
	if (sign_tenant_tsa(d, tenant, tsa, sizeof tsa, e) < 0) {
		sign_key_free(k);
		return -1;
	}
	int rc = -1;
	buf in = BUF_INIT, out = BUF_INIT;
	for (int i = 0; i < n; i++) {
		struct sign_opts o = { 0 };
		o.signing_time = time(NULL);
		o.name = name[0] ? name : NULL;
		o.role = role[0] ? role : NULL;
		o.absent_for = absent[0] ? absent : NULL;
		o.collectivite = c.name;
		o.location = t.city[0] ? t.city : (c.city[0] ? c.city : NULL);
		o.postal_code = t.postal_code[0] ? t.postal_code : NULL;
		o.reason = behalf ? reason : seal ? "Cachet serveur de la collectivité" : "Signature du document";
		o.policy_digest = pes_policy;
		int pdf = strcmp(orig[i].mime, "application/pdf") == 0;
		int format = sign_format_parse(t.format);
		if (format < 0)   /* "auto": PAdES for PDFs */
			format = pdf ? SIGN_PADES : SIGN_CADES;
		if (format == SIGN_PADES && !pdf)
			format = SIGN_CADES;   /* PAdES only for PDFs; any other file gets a detached CAdES */
		/* B-T when the collectivité (or the server) has a TSA; PES signatures are not time-stamped
		 * (the DGFiP's validator does not expect it: sign_pes refuses a TSA). */
		o.tsa_url = tsa[0] && format != SIGN_PES ? tsa : NULL;
		if (format == SIGN_PES && !pes_policy && pe.msg[0]) {
			*e = pe;   /* pes_policy_file configured but unreadable: say so rather than « not configured » */
			goto out;
		}
		int detached = format == SIGN_CADES || format == SIGN_XADES;
		const char *src = detached ? orig[i].sha : docs[i].sha;
		o.file_name = orig[i].name;
		o.mime_type = orig[i].mime;
		buf_reset(&in);
		buf_reset(&out);
		if (read_blob(src, &in, e) < 0)
			goto out;
		int r;
		if (format == SIGN_PADES) {
			const char *tag = t.tag[0] ? t.tag : (seal && !behalf ? "#cachet#" : "#signature#");
			r = pades_placed(k, in.data, in.len, &o, tag, t.tag[0] != 0, t.page, t.page ? t.x : 36, t.page ? t.y : 36, &out, e);
		} else {
			r = sign_document(format, k, in.data, in.len, &o, &out, e);
		}
		if (r < 0) {
			char msg[sizeof e->msg];
			snprintf(msg, sizeof msg, "%s", e->msg);
			snprintf(e->msg, sizeof e->msg, "« %.100s » : %.400s", orig[i].name, msg);
			goto out;
		}
		char sha[65], dname[300];
		snprintf(dname, sizeof dname, "%s%s", orig[i].name, format == SIGN_CADES ? ".p7s" : format == SIGN_XADES ? ".xml" : "");
		const char *mime = format == SIGN_CADES ? "application/pkcs7-signature" : format == SIGN_XADES ? "application/xml" : orig[i].mime;
		if (store_put_mem(out.data, out.len, sha, e) < 0 || store_record(d, sha, out.len, mime, e) < 0 ||
		    pa_folder_add_doc(d, tenant, folder, detached ? "signature" : "signe", dname, sha, mime, (int64_t)out.len, e) < 0)
			goto out;
	}
	rc = 0;
out:
	sign_key_free(k);
	buf_free(&in);
	buf_free(&out);
	return rc;
}

int sign_folder(db *d, int64_t tenant, int64_t folder, int64_t user, int64_t desk, int64_t acted, const char *pin, struct err *e)
{
	char kind[32];
	int seal = strcmp(pending_kind(d, tenant, folder, desk, kind, sizeof kind), "cachet") == 0;
	return sign_docs(d, tenant, folder, seal, user, desk, acted, pin, NULL, NULL, e);
}

int sign_folder_external(db *d, int64_t tenant, int64_t folder, const char *signer, const char *evidence, struct err *e)
{
	(void)evidence;   /* kept by the parapheur in the history and the request */
	if (!signer || !*signer)
		return err_set(e, 400, "sign.nom", "Le nom du signataire externe est requis.");
	return sign_docs(d, tenant, folder, 1, 0, 0, 0, NULL, signer, "Signataire externe, code à usage unique vérifié", e);
}

int sign_seal_on_behalf(db *d, int64_t tenant, int format, const void *doc, size_t len, const char *name,
			const char *stamp_text, const struct sign_opts *base, buf *out, struct err *e)
{
	if (!name || !*name)
		return err_set(e, 400, "sign.nom", "Le nom du signataire est requis.");
	struct sign_key *k = NULL;
	struct collectivite c;
	if (collectivite_get(d, tenant, &c, e) < 0 || keystore_seal_key(d, tenant, &k, e) < 0)
		return -1;
	struct sign_opts o = base ? *base : (struct sign_opts){ 0 };
	o.name = name;
	o.role = stamp_text && *stamp_text ? stamp_text : o.role;
	if (!o.collectivite)
		o.collectivite = c.name;
	char reason[400];
	snprintf(reason, sizeof reason, "Signé par %s au moyen du cachet de %s", name, c.name);
	if (!o.reason)
		o.reason = reason;
	int rc;
	if (format == SIGN_PADES) {
		const char *tag = o.tag && *o.tag ? o.tag : "#signature#";
		rc = pades_placed(k, doc, len, &o, tag, o.tag && *o.tag, o.page, o.page ? o.x : 36, o.page ? o.y : 36, out, e);
	} else {
		rc = sign_document(format, k, doc, len, &o, out, e);
	}
	sign_key_free(k);
	return rc;
}

__attribute__((constructor)) static void install_hook(void)
{
	pa_sign_hook = sign_folder;
	/* The external signatory's seal goes through the parapheur's own call of sign_seal_on_behalf
	 * (src/parapheur/external.c); sign_folder_external stays available as pa_external_seal_hook. */
}
