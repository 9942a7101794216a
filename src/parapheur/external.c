/* external: the external signatory — a partner outside the collectivité (CCI, CMA, association) who
 * signs through a link. When the folder's current step is an external signature, someone of the
 * collectivité sends the partner an e-mail link (valid 15 days). The partner proves control of the
 * address with a one-time code sent to it (6 digits, 10 minutes, 5 tries, 5 codes at most, one a
 * minute), reads the document, ticks the consent and signs: the collectivité's seal is applied on
 * their behalf, its stamp naming them (pa_external_seal), and the evidence — address, link and code
 * times, IP and browser of the verification and of the signature, document SHA-256, consent text —
 * is kept with the request and summarised in the folder's history.
 * Link and code are stored hashed; reading needs the code-verified session cookie, not only the link.
 * The seal: sign_seal_on_behalf (src/sign/folder_sign.h); pa_external_seal_hook replaces it (tests). */
#include "parapheur/parapheur.h"
#include "core/config.h"
#include "core/dates.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "jobs/jobs.h"
#include "mail/mail.h"
#include "sign/folder_sign.h"
#include "sign/sign.h"
#include "store/store.h"
#include "web/page.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINK_TTL (15 * 86400)
#define OTP_TTL 600
#define OTP_TRIES 5
#define OTP_MAX_SENT 5
#define OTP_RESEND 60
#define CONSENT "J'ai lu le document et je le signe."

int (*pa_external_seal_hook)(db *d, int64_t tenant, int64_t folder, const char *signer, const char *evidence, struct err *e);

/* The seal on the partner's behalf, through the signature engine (sign_seal_on_behalf): each main
 * document in its latest version (PAdES, PES) or in its original (CAdES/XAdES detached), per the
 * folder type's format; the stamp reads « Signé électroniquement par NAME » with, as its role line,
 * « Signataire externe — adresse vérifiée par code le … ». Results stored as folder documents. */
static int seal_with_engine(db *d, int64_t tenant, int64_t folder, const char *signer, const char *evidence, struct err *e)
{
	int rc;
	char format[16] = "pades", city[128] = "", cp[16] = "";
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT t.format, t.city, t.postal_code FROM folders f JOIN folder_subtypes st ON st.id = f.subtype_id"
						  " JOIN folder_types t ON t.id = st.type_id WHERE f.tenant_id = $1 AND f.id = $2", "i", folder);
	if (s && rc == DB_ROW) {
		snprintf(format, sizeof format, "%s", db_col_text(s, 0));
		snprintf(city, sizeof city, "%s", db_col_text(s, 1));
		snprintf(cp, sizeof cp, "%s", db_col_text(s, 2));
	}
	if (s)
		db_finalize(s);
	json_t *ev = json_loads(evidence ? evidence : "{}", 0, NULL);
	char stamp[200] = "Signataire externe — adresse vérifiée par code à usage unique";
	struct paris_time pt;
	if (paris_from_utc(json_integer_value(json_object_get(ev, "code_verifie_le")), &pt, NULL) == 0)
		snprintf(stamp, sizeof stamp, "Signataire externe — adresse vérifiée par code le %02d/%02d/%04d à %02dh%02d", pt.date.d, pt.date.m,
			 pt.date.y, pt.hh, pt.mm);
	json_decref(ev);
	struct { char name[256], sha[65], mime[128], latest[65]; } docs[16];
	int n = 0;
	s = tdb_query(d, tenant, e, &rc, "SELECT name, sha256, mime FROM folder_docs WHERE tenant_id = $1 AND folder_id = $2 AND role = 'principal'"
					 " ORDER BY id", "i", folder);
	while (s && rc == DB_ROW && n < 16) {
		snprintf(docs[n].name, sizeof docs[n].name, "%s", db_col_text(s, 0));
		snprintf(docs[n].sha, sizeof docs[n].sha, "%s", db_col_text(s, 1));
		snprintf(docs[n].mime, sizeof docs[n].mime, "%s", db_col_text(s, 2));
		snprintf(docs[n].latest, sizeof docs[n].latest, "%s", docs[n].sha);
		n++;
		rc = db_step(s, e);
	}
	if (s)
		db_finalize(s);
	for (int i = 0; i < n; i++) {
		s = tdb_query(d, tenant, e, &rc, "SELECT sha256 FROM folder_docs WHERE tenant_id = $1 AND folder_id = $2 AND role = 'signe'"
						 " AND name = $3 ORDER BY id DESC LIMIT 1", "it", folder, docs[i].name);
		if (s && rc == DB_ROW)
			snprintf(docs[i].latest, sizeof docs[i].latest, "%s", db_col_text(s, 0));
		if (s)
			db_finalize(s);
	}
	if (!n)
		return err_set(e, 409, "dossier.document", "Le dossier n'a pas de document principal à signer.");
	buf in = BUF_INIT, out = BUF_INIT;
	int ret = -1;
	for (int i = 0; i < n; i++) {
		int pdf = strcmp(docs[i].mime, "application/pdf") == 0;
		int fmt = sign_format_parse(format);
		if (fmt < 0)
			fmt = pdf ? SIGN_PADES : SIGN_CADES;
		if (fmt == SIGN_PADES && !pdf)
			fmt = SIGN_CADES;
		int detached = fmt == SIGN_CADES || fmt == SIGN_XADES;
		char path[1200];
		buf_reset(&in);
		buf_reset(&out);
		if (store_path(detached ? docs[i].sha : docs[i].latest, path, sizeof path) < 0 || buf_read_file(&in, path, 0) < 0) {
			err_set(e, 404, "document.inconnu", "Document introuvable dans le magasin.");
			goto out;
		}
		struct sign_opts o = { 0 };
		o.signing_time = time(NULL);
		o.location = city[0] ? city : NULL;
		o.postal_code = cp[0] ? cp : NULL;
		o.file_name = docs[i].name;
		o.mime_type = docs[i].mime;
		/* Visible stamp at the « #signature-externe# » text when the document has it, else at the
		 * bottom left of its last page. */
		o.tag = "#signature-externe#";
		o.page = -1;
		o.x = 36;
		o.y = 40;
		if (sign_seal_on_behalf(d, tenant, fmt, in.data, in.len, signer, stamp, &o, &out, e) < 0)
			goto out;
		char sha[65], dname[300];
		snprintf(dname, sizeof dname, "%.250s%s", docs[i].name, fmt == SIGN_CADES ? ".p7s" : fmt == SIGN_XADES ? ".xml" : "");
		const char *mime = fmt == SIGN_CADES ? "application/pkcs7-signature" : fmt == SIGN_XADES ? "application/xml" : docs[i].mime;
		if (store_put_mem(out.data, out.len, sha, e) < 0 || store_record(d, sha, out.len, mime, e) < 0 ||
		    pa_folder_add_doc(d, tenant, folder, detached ? "signature" : "signe", dname, sha, mime, (int64_t)out.len, e) < 0)
			goto out;
	}
	ret = 0;
out:
	buf_free(&in);
	buf_free(&out);
	return ret;
}

int pa_external_seal(db *d, int64_t tenant, int64_t folder, const char *signer, const char *evidence, struct err *e)
{
	if (pa_external_seal_hook)
		return pa_external_seal_hook(d, tenant, folder, signer, evidence, e);
	return seal_with_engine(d, tenant, folder, signer, evidence, e);
}

static int send_mail(db *d, int64_t tenant, const char *to, const char *subject, const char *text, struct err *e)
{
	json_t *p = json_pack("{s:s,s:s,s:s}", "to", to, "subject", subject, "text", text);
	char *txt = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	int rc = jobs_enqueue(d, "mail.send", txt, NULL, tenant, 0, NULL, e);
	free(txt);
	return rc;
}

/* Desk of the folder's current external step, 0 when the folder is not waiting for one. */
static int64_t external_desk(db *d, int64_t tenant, int64_t folder)
{
	return tdb_int(d, tenant, 0, "SELECT desk_id FROM folder_pending WHERE tenant_id = $1 AND folder_id = $2 AND kind = 'externe'", "i", folder);
}

int pa_external_send(db *d, int64_t tenant, int64_t user, int64_t folder, const char *name, const char *email, int64_t *id,
		     struct err *e)
{
	int rc;
	char title[512] = "";
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT title FROM folders WHERE tenant_id = $1 AND id = $2", "i", folder);
	if (s && rc == DB_ROW)
		snprintf(title, sizeof title, "%s", db_col_text(s, 0));
	if (s)
		db_finalize(s);
	if (!*title)
		return err_set(e, 404, "dossier.inconnu", "Dossier introuvable.");
	if (!name || strlen(name) < 3 || strlen(name) > 200)
		return err_set(e, 400, "externe.nom", "Nom et qualité du signataire externe attendus (3 à 200 caractères).");
	if (!email || !mail_address_valid(email) || strlen(email) > 254)
		return err_set(e, 400, "externe.courriel", "Adresse électronique du signataire externe invalide.");
	int64_t desk = external_desk(d, tenant, folder);
	if (!desk)
		return err_set(e, 409, "externe.etape", "Ce dossier n'attend pas de signature externe.");
	/* The emitter desk's owners and administrators send it. */
	s = tdb_query(d, tenant, e, &rc, "SELECT (SELECT COUNT(*) FROM desk_owners o JOIN folders f ON f.emitter_desk = o.desk_id"
					 " WHERE f.id = $2 AND o.user_id = $3), (SELECT roles FROM memberships WHERE tenant_id = $1 AND user_id = $3)",
		      "ii", folder, user);
	int allowed = s && rc == DB_ROW && (db_col_int64(s, 0) > 0 || (db_col_int64(s, 1) & ROLE_ADMIN));
	if (s)
		db_finalize(s);
	if (!allowed)
		return err_set(e, 403, "externe.droit", "Seuls les titulaires du bureau émetteur et les administrateurs envoient le lien.");
	int64_t now = identity_now();
	/* A new link replaces the previous one. */
	if (tdb_run(d, tenant, e, "UPDATE external_requests SET state = 'remplace' WHERE tenant_id = $1 AND folder_id = $2"
				  " AND state IN ('envoye', 'verifie')", "i", folder) < 0)
		return -1;
	char tok[64], h[65];
	identity_random_token(tok);
	identity_sha256_hex(tok, h);
	if (tdb_insert(d, tenant, e, id, "INSERT INTO external_requests (tenant_id, folder_id, desk_id, name, email, token_hash, created_by,"
					    " created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id", "iitttiii", folder, desk, name, email, h, user, now, now + LINK_TTL) < 0)
		return -1;
	struct collectivite c;
	struct err e2;
	const char *org = collectivite_get(d, tenant, &c, &e2) == 0 ? c.name : "la collectivité";
	buf text = BUF_INIT, subj = BUF_INIT;
	char until[40];
	struct paris_time pt;
	if (paris_from_utc(now + LINK_TTL, &pt, NULL) == 0)
		snprintf(until, sizeof until, "%02d/%02d/%04d", pt.date.d, pt.date.m, pt.date.y);
	else
		snprintf(until, sizeof until, "dans 15 jours");
	buf_printf(&subj, "Document à signer : %s", title);
	buf_printf(&text, "Bonjour,\n\n%s vous invite à signer électroniquement le document « %s ».\n\n"
			  "Ouvrez ce lien personnel (valable jusqu'au %s) :\n\n%s/externe/%s\n\n"
			  "Pour vérifier qu'il s'agit bien de vous, un code à usage unique sera envoyé à cette adresse. "
			  "Vous pourrez alors lire le document et le signer : la signature électronique est apposée pour votre compte "
			  "par la plateforme de %s et mentionne votre nom.\n\nNe transférez pas ce message.\n",
		   org, title, until, cfg.public_url, tok, org);
	rc = send_mail(d, tenant, email, subj.data, text.data, e);
	buf_free(&text);
	buf_free(&subj);
	if (rc < 0)
		return -1;
	char note[600];
	snprintf(note, sizeof note, "Lien de signature envoyé à %s <%s>", name, email);
	return pa_folder_event(d, tenant, folder, user, desk, "envoi au signataire externe", note, e);
}

/* ---- the request seen from the public link ------------------------------------------------- */

struct xreq {
	int64_t id, tenant, folder, desk, otp_expires, otp_sent_at, verified_at, created_at, expires_at;
	int attempts, sent;
	char name[256], email[256], otp_hash[65], session_hash[65], state[16], title[512];
};

static int load_req(db *d, const char *sql_where, const char *types, const char *key, int64_t id, struct xreq *x, struct err *e)
{
	memset(x, 0, sizeof *x);
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT x.id, x.tenant_id, x.folder_id, x.desk_id, x.otp_expires_at, x.otp_sent_at, x.verified_at,"
				  " x.created_at, x.expires_at, x.otp_attempts, x.otp_sent, x.name, x.email, x.otp_hash, x.session_hash, x.state,"
				  " f.title FROM external_requests x JOIN folders f ON f.id = x.folder_id WHERE %s", sql_where);
	int rc;
	/* The link is the only credential here: the request is found by its hash, across collectivités. */
	db_stmt *s = types[0] == 't' ? db_query(d, e, &rc, sql, "t", key) : db_query(d, e, &rc, sql, "i", id);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "externe.lien", "Lien de signature inconnu.");
	}
	x->id = db_col_int64(s, 0);
	x->tenant = db_col_int64(s, 1);
	x->folder = db_col_int64(s, 2);
	x->desk = db_col_int64(s, 3);
	x->otp_expires = db_col_int64(s, 4);
	x->otp_sent_at = db_col_int64(s, 5);
	x->verified_at = db_col_int64(s, 6);
	x->created_at = db_col_int64(s, 7);
	x->expires_at = db_col_int64(s, 8);
	x->attempts = (int)db_col_int64(s, 9);
	x->sent = (int)db_col_int64(s, 10);
	snprintf(x->name, sizeof x->name, "%s", db_col_text(s, 11));
	snprintf(x->email, sizeof x->email, "%s", db_col_text(s, 12));
	snprintf(x->otp_hash, sizeof x->otp_hash, "%s", db_col_text(s, 13));
	snprintf(x->session_hash, sizeof x->session_hash, "%s", db_col_text(s, 14));
	snprintf(x->state, sizeof x->state, "%s", db_col_text(s, 15));
	snprintf(x->title, sizeof x->title, "%s", db_col_text(s, 16));
	db_finalize(s);
	return 0;
}

static int by_token(db *d, const char *tok, struct xreq *x, struct err *e)
{
	if (!tok || strlen(tok) < 20 || strlen(tok) > 64)
		return err_set(e, 404, "externe.lien", "Lien de signature inconnu.");
	char h[65];
	identity_sha256_hex(tok, h);
	if (load_req(d, "x.token_hash = $1", "t", h, 0, x, e) < 0)
		return -1;
	if (strcmp(x->state, "remplace") == 0 || strcmp(x->state, "annule") == 0)
		return err_set(e, 410, "externe.remplace", "Ce lien a été remplacé par un lien plus récent ou annulé.");
	if (strcmp(x->state, "signe") != 0 && identity_now() >= x->expires_at)
		return err_set(e, 410, "externe.expire", "Ce lien de signature a expiré : demandez-en un nouveau à la collectivité.");
	return 0;
}

static void otp_hash(const char *token_hash_or_id, const char *code, char out[65])
{
	char in[200];
	snprintf(in, sizeof in, "%s:%s", token_hash_or_id, code);
	identity_sha256_hex(in, out);
}

static int session_ok(struct req *r, const struct xreq *x)
{
	const char *c = req_cookie(r, "opale_externe");
	if (!c || !*c || !x->session_hash[0])
		return 0;
	char h[65];
	identity_sha256_hex(c, h);
	return strcmp(h, x->session_hash) == 0;
}

/* Latest signed version of the main document, else the main document. */
static int current_doc(db *d, int64_t tenant, int64_t folder, char sha[65], char *name, size_t n, char *mime, size_t mn)
{
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT sha256, name, mime FROM folder_docs WHERE tenant_id = $1 AND folder_id = $2"
						   " AND role IN ('principal', 'signe') ORDER BY CASE role WHEN 'signe' THEN 0 ELSE 1 END,"
						   " CASE role WHEN 'signe' THEN -id ELSE id END LIMIT 1", "i", folder);
	int ok = s && rc == DB_ROW;
	if (ok) {
		snprintf(sha, 65, "%s", db_col_text(s, 0));
		snprintf(name, n, "%s", db_col_text(s, 1));
		snprintf(mime, mn, "%s", db_col_text(s, 2));
	}
	if (s)
		db_finalize(s);
	return ok ? 0 : -1;
}

static const char *link_of(struct req *r, const char *tok) { return arena_printf(r->a, "/externe/%s", tok); }

/* Back to the link's page with a flash message. */
static int back(struct req *r, const char *tok, const char *kind, const char *msg)
{
	res_flash(r, kind, msg);
	return res_redirect(r, link_of(r, tok));
}

/* The request of the link in the path (its token in *tok) and the connection: 0, or -1 with the
 * answer set (503, 404 or 410; 403 when verified is asked and the code-verified session is missing). */
static int open_link(struct req *r, int verified, db **d, struct xreq *x, const char **tok)
{
	struct err e;
	if (!(*d = req_db_page(r)))
		return -1;
	*tok = req_param(r, "jeton");
	if (by_token(*d, *tok, x, &e) < 0)
		return res_fail(r, e.status, e.code, "%s", e.msg);
	if (verified && !session_ok(r, x))
		return res_fail(r, 403, "externe.code", "Vérifiez d'abord votre adresse avec le code reçu.");
	return 0;
}

/* A write transaction that failed: rolls it back and answers 500 with e. */
static int tx_fail(struct req *r, db *d, const struct err *e)
{
	db_rollback(d);
	return res_fail(r, 500, e->code, "%s", e->msg);
}

static int page(struct req *r)
{
	db *d;
	struct xreq x;
	struct err e;
	const char *tok;
	if (open_link(r, 0, &d, &x, &tok) < 0)
		return -1;
	struct collectivite c;
	const char *org = collectivite_get(d, x.tenant, &c, &e) == 0 ? c.name : "";
	int verified = session_ok(r, &x);
	char sha[65] = "", dn[256] = "", mime[128] = "";
	current_doc(d, x.tenant, x.folder, sha, dn, sizeof dn, mime, sizeof mime);
	char when[40] = "";
	struct paris_time pt;
	if (x.verified_at && paris_from_utc(x.verified_at, &pt, NULL) == 0)
		snprintf(when, sizeof when, "%02d/%02d/%04d à %02dh%02d", pt.date.d, pt.date.m, pt.date.y, pt.hh, pt.mm);
	/* Mask the address: j•••@cci.fr. */
	char masked[300];
	const char *at = strchr(x.email, '@');
	snprintf(masked, sizeof masked, "%c•••%s", x.email[0], at ? at : "");
	json_t *data = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:s,s:s,s:s}", "jeton", tok, "titre", x.title, "nom", x.name, "org", org,
				 "courriel", masked, "signe", strcmp(x.state, "signe") == 0, "verifie", verified && strcmp(x.state, "verifie") == 0,
				 "code_envoye", x.otp_sent_at > 0 && !verified, "peut_envoyer", x.sent < OTP_MAX_SENT, "sha256", sha, "document",
				 dn, "consentement", CONSENT);
	json_object_set_new(data, "quand", json_string(when));
	return page_render(r, 200, "externe", "Signature d'un document", data);
}
OPALE_ROUTE(pa_ext_page, "GET", "/externe/:jeton", page, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);

static int send_code(struct req *r)
{
	db *d;
	struct xreq x;
	struct err e;
	const char *tok;
	if (open_link(r, 0, &d, &x, &tok) < 0)
		return -1;
	if (strcmp(x.state, "envoye") != 0 && strcmp(x.state, "verifie") != 0)
		return back(r, tok, "erreur", "Ce document est déjà signé.");
	int64_t now = identity_now();
	if (x.sent >= OTP_MAX_SENT)
		return back(r, tok, "erreur", "Trop de codes demandés pour ce lien : demandez un nouveau lien à la collectivité.");
	if (x.otp_sent_at && now - x.otp_sent_at < OTP_RESEND)
		return back(r, tok, "erreur", "Un code vient d'être envoyé : attendez une minute avant d'en demander un autre.");
	/* 6 digits, uniform (rejection sampling over 32 random bits). */
	uint32_t v;
	do {
		if (RAND_bytes((unsigned char *)&v, sizeof v) != 1)
			return res_fail(r, 500, "externe.alea", "Génération du code impossible.");
	} while (v >= 4294000000u);
	char code[8], h[65], idk[32];
	snprintf(code, sizeof code, "%06u", v % 1000000u);
	snprintf(idk, sizeof idk, "%lld", (long long)x.id);
	otp_hash(idk, code, h);
	buf text = BUF_INIT;
	buf_printf(&text, "Bonjour,\n\nVotre code pour signer le document « %s » : %s\n\nIl est valable 10 minutes. "
			  "Si vous n'avez rien demandé, ignorez ce message.\n", x.title, code);
	int ok = db_begin_write(d, &e) == 0 &&
		 db_run(d, &e, "UPDATE external_requests SET otp_hash = $2, otp_expires_at = $3, otp_attempts = 0, otp_sent = otp_sent + 1,"
			       " otp_sent_at = $4 WHERE id = $1", "itii", x.id, h, now + OTP_TTL, now) == 0 &&
		 send_mail(d, x.tenant, x.email, "Votre code de signature", text.data, &e) == 0 && db_commit(d, &e) == 0;
	buf_free(&text);
	if (!ok)
		return tx_fail(r, d, &e);
	return back(r, tok, "ok", "Code envoyé : consultez votre messagerie.");
}
OPALE_ROUTE(pa_ext_code, "POST", "/externe/:jeton/code", send_code, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);

static int verify(struct req *r)
{
	db *d;
	struct xreq x;
	struct err e;
	const char *tok;
	if (open_link(r, 0, &d, &x, &tok) < 0)
		return -1;
	int64_t now = identity_now();
	const char *code = req_form(r, "code");
	const char *msg = NULL;
	if (!x.otp_hash[0])
		msg = "Demandez d'abord un code.";
	else if (x.attempts >= OTP_TRIES)
		msg = "Trop d'essais pour ce code : demandez-en un nouveau.";
	else if (now >= x.otp_expires)
		msg = "Ce code a expiré : demandez-en un nouveau.";
	if (!msg) {
		char h[65], idk[32];
		snprintf(idk, sizeof idk, "%lld", (long long)x.id);
		otp_hash(idk, code ? code : "", h);
		if (strcmp(h, x.otp_hash) != 0) {
			db_run(d, &e, "UPDATE external_requests SET otp_attempts = otp_attempts + 1 WHERE id = $1", "i", x.id);
			msg = x.attempts + 1 >= OTP_TRIES ? "Code incorrect. Trop d'essais : demandez un nouveau code." : "Code incorrect.";
		}
	}
	if (msg)
		return back(r, tok, "erreur", msg);
	char sess[64], sh[65];
	identity_random_token(sess);
	identity_sha256_hex(sess, sh);
	const char *ua = req_header(r, "User-Agent");
	json_t *ev = json_pack("{s:s,s:s,s:I,s:I,s:I,s:s,s:s}", "signataire", x.name, "courriel", x.email, "lien_envoye_le", (json_int_t)x.created_at,
			       "code_envoye_le", (json_int_t)x.otp_sent_at, "code_verifie_le", (json_int_t)now, "ip_verification", r->ip ? r->ip : "",
			       "navigateur_verification", ua ? ua : "");
	char *evt = json_dumps(ev, JSON_COMPACT);
	json_decref(ev);
	char note[600];
	snprintf(note, sizeof note, "Code à usage unique envoyé à %s vérifié par %s", x.email, x.name);
	int ok = db_begin_write(d, &e) == 0 &&
		 db_run(d, &e, "UPDATE external_requests SET state = 'verifie', verified_at = $2, session_hash = $3, otp_hash = '', evidence = $4"
			       " WHERE id = $1 AND state IN ('envoye', 'verifie')", "iitt", x.id, now, sh, evt) == 0 &&
		 pa_folder_event(d, x.tenant, x.folder, 0, x.desk, "code vérifié (signataire externe)", note, &e) == 0 && db_commit(d, &e) == 0;
	free(evt);
	if (!ok)
		return tx_fail(r, d, &e);
	res_cookie(r, "opale_externe", sess, 3600);
	return back(r, tok, "ok", "Adresse vérifiée : vous pouvez lire et signer le document.");
}
OPALE_ROUTE(pa_ext_verify, "POST", "/externe/:jeton/verifier", verify, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);

static int document(struct req *r)
{
	db *d;
	struct xreq x;
	const char *tok;
	if (open_link(r, 1, &d, &x, &tok) < 0)
		return -1;
	char sha[65], name[256], mime[128], path[1200];
	if (current_doc(d, x.tenant, x.folder, sha, name, sizeof name, mime, sizeof mime) < 0 || store_path(sha, path, sizeof path) < 0)
		return res_fail(r, 404, "document.inconnu", "Document introuvable.");
	return res_file(r, path, arena_strdup(r->a, mime), arena_strdup(r->a, name));
}
OPALE_ROUTE(pa_ext_doc, "GET", "/externe/:jeton/document", document, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);

int pa_external_sign(db *d, int64_t request, const char *ip, const char *user_agent, struct err *e)
{
	struct xreq x;
	if (load_req(d, "x.id = $1", "i", NULL, request, &x, e) < 0)
		return -1;
	if (strcmp(x.state, "verifie") != 0)
		return err_set(e, 409, "externe.etat", strcmp(x.state, "signe") == 0 ? "Ce document est déjà signé." : "Vérifiez d'abord votre adresse.");
	if (external_desk(d, x.tenant, x.folder) != x.desk)
		return err_set(e, 409, "externe.etape", "Ce dossier n'attend plus votre signature.");
	char sha[65] = "", name[256], mime[128];
	current_doc(d, x.tenant, x.folder, sha, name, sizeof name, mime, sizeof mime);
	int64_t now = identity_now();
	json_t *ev = NULL;
	int rc;
	db_stmt *s = db_query(d, e, &rc, "SELECT evidence FROM external_requests WHERE id = $1", "i", x.id);
	if (s && rc == DB_ROW)
		ev = json_loads(db_col_text(s, 0), 0, NULL);
	if (s)
		db_finalize(s);
	if (!ev)
		ev = json_object();
	json_object_set_new(ev, "document_sha256", json_string(sha));
	json_object_set_new(ev, "consentement", json_string(CONSENT));
	json_object_set_new(ev, "signe_le", json_integer(now));
	json_object_set_new(ev, "ip_signature", json_string(ip ? ip : ""));
	json_object_set_new(ev, "navigateur_signature", json_string(user_agent ? user_agent : ""));
	char *evt = json_dumps(ev, JSON_COMPACT);
	char vt[40] = "?";
	struct paris_time pt;
	if (paris_from_utc(x.verified_at, &pt, NULL) == 0)
		snprintf(vt, sizeof vt, "%02d/%02d/%04d %02d:%02d", pt.date.d, pt.date.m, pt.date.y, pt.hh, pt.mm);
	char note[1200];
	snprintf(note, sizeof note, "Signature de %s (%s) par cachet de la collectivité pour son compte ; code à usage unique vérifié le %s"
				    " depuis %s ; document SHA-256 %s", x.name, x.email, vt, json_string_value(json_object_get(ev, "ip_verification"))
				    ? json_string_value(json_object_get(ev, "ip_verification")) : "?", sha);
	json_decref(ev);
	int ok = db_begin_write(d, e) == 0 && pa_external_seal(d, x.tenant, x.folder, x.name, evt, e) == 0 &&
		 pa_folder_act_external(d, x.tenant, x.folder, x.desk, note, e) == 0 &&
		 db_run(d, e, "UPDATE external_requests SET state = 'signe', evidence = $2 WHERE id = $1 AND state = 'verifie'", "it", x.id, evt) == 0 &&
		 db_commit(d, e) == 0;
	free(evt);
	if (!ok) {
		db_rollback(d);
		return -1;
	}
	return 0;
}

static int sign_page(struct req *r)
{
	db *d;
	struct xreq x;
	struct err e;
	const char *tok;
	if (open_link(r, 1, &d, &x, &tok) < 0)
		return -1;
	const char *consent = req_form(r, "consentement");
	if (!consent || strcmp(consent, "oui") != 0)
		return back(r, tok, "erreur", "Cochez « " CONSENT " » pour signer.");
	if (pa_external_sign(d, x.id, r->ip, req_header(r, "User-Agent"), &e) < 0)
		return res_fail(r, e.status ? e.status : 500, e.code, "%s", e.msg);
	return back(r, tok, "ok", "Document signé. Merci.");
}
OPALE_ROUTE(pa_ext_sign, "POST", "/externe/:jeton/signer", sign_page, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);

/* ---- inside the collectivité: sending the link ---------------------------------------------- */

#define WORKERS (ROLE_AGENT | ROLE_SIGNATAIRE | ROLE_ADMIN)

static int send_api(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	json_t *j = id > 0 ? req_json(r) : NULL;
	db *d = j ? req_db_page(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	int64_t xid = 0;
	if (db_begin_write(d, &e) < 0 ||
	    pa_external_send(d, r->tenant_id, r->user_id, id, json_string_value(json_object_get(j, "nom")),
			     json_string_value(json_object_get(j, "email")), &xid, &e) < 0 ||
	    db_commit(d, &e) < 0) {
		db_rollback(d);
		return res_fail(r, e.status ? e.status : 500, e.code, "%s", e.msg);
	}
	audit_req(r, "parapheur.externe", arena_printf(r->a, "%lld", (long long)id), json_string_value(json_object_get(j, "email")));
	return res_json(r, 201, json_pack("{s:I}", "id", (json_int_t)xid));
}
OPALE_ROUTE(pa_ext_send_api, "POST", "/api/v1/parapheur/dossiers/:id/externe", send_api, WORKERS, SCOPE_TENANT, RF_TIER_PARAPHEUR);

static int send_form(struct req *r)
{
	int64_t id = req_param_id(r, "id");
	db *d = id > 0 ? req_db_page(r) : NULL;
	if (!d)
		return -1;
	struct err e;
	int64_t xid = 0;
	if (db_begin_write(d, &e) < 0 ||
	    pa_external_send(d, r->tenant_id, r->user_id, id, req_form(r, "nom"), req_form(r, "email"), &xid, &e) < 0 || db_commit(d, &e) < 0) {
		db_rollback(d);
		if (e.status == 404)
			return res_fail(r, 404, e.code, "%s", e.msg);
		res_flash(r, "erreur", e.msg);
	} else {
		audit_req(r, "parapheur.externe", arena_printf(r->a, "%lld", (long long)id), req_form(r, "email"));
		res_flash(r, "ok", "Lien de signature envoyé au signataire externe.");
	}
	return res_redirect(r, arena_printf(r->a, "/parapheur/dossiers/%lld", (long long)id));
}
OPALE_ROUTE(pa_ext_send_form, "POST", "/parapheur/dossiers/:id/externe", send_form, WORKERS, SCOPE_TENANT, RF_TIER_PARAPHEUR);

/* State of the latest request of a folder, for the folder page (NULL when none). */
json_t *pa_external_status(db *d, int64_t tenant, int64_t folder)
{
	struct err e;
	int rc;
	db_stmt *s = tdb_query(d, tenant, &e, &rc, "SELECT name, email, state, created_at FROM external_requests WHERE tenant_id = $1"
						   " AND folder_id = $2 ORDER BY id DESC LIMIT 1", "i", folder);
	json_t *j = NULL;
	if (s && rc == DB_ROW) {
		const char *st = db_col_text(s, 2);
		j = json_pack("{s:s,s:s,s:s}", "nom", db_col_text(s, 0), "email", db_col_text(s, 1), "etat",
			      strcmp(st, "envoye") == 0 ? "lien envoyé, adresse pas encore vérifiée" : strcmp(st, "verifie") == 0
			      ? "adresse vérifiée par le code, signature attendue" : strcmp(st, "signe") == 0 ? "signé" : st);
	}
	if (s)
		db_finalize(s);
	return j;
}
