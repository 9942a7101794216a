/* routes_reset: password reset by e-mail — a single-use link valid 30 minutes. The answer to a
 * request is the same whether the account exists or not (no account discovery). */
#include "identity/identity.h"
#include "identity/session.h"
#include "core/config.h"
#include "http/http.h"
#include "jobs/jobs.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

#define RESET_TTL 1800

static int ask_page(struct req *r)
{
	return page_render(r, 200, "mdp_oubli", "Mot de passe oublié", NULL);
}
OPALE_ROUTE(reset_ask_page, "GET", "/mot-de-passe/oubli", ask_page, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

static int ask(struct req *r)
{
	struct err e = { 0 };
	db *d = db_thread(&e);
	const char *login = req_form(r, "login");
	if (!d)
		return res_fail(r, 503, e.code, "%s", e.msg);
	int rc;
	db_stmt *s = login && *login ? db_query(d, &e, &rc, "SELECT id, email FROM users WHERE (login = $1 OR email = $1) AND disabled = 0",
						 "t", login) : NULL;
	if (s && rc == DB_ROW && *db_col_text(s, 1)) {
		int64_t uid = db_col_int64(s, 0);
		char email[256];
		snprintf(email, sizeof email, "%s", db_col_text(s, 1));
		db_finalize(s);
		s = NULL;
		char tok[64], h[65];
		identity_random_token(tok);
		identity_sha256_hex(tok, h);
		buf text = BUF_INIT;
		buf_printf(&text, "Bonjour,\n\nUne demande de nouveau mot de passe a été faite pour votre compte Opale.\n"
				  "Pour choisir un nouveau mot de passe, ouvrez ce lien dans les 30 minutes :\n\n%s/mot-de-passe/nouveau?jeton=%s\n\n"
				  "Le lien ne sert qu'une fois. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n",
			   cfg.public_url, tok);
		json_t *p = json_pack("{s:s,s:s,s:s}", "to", email, "subject", "Opale : choisir un nouveau mot de passe", "text", text.data);
		char *payload = json_dumps(p, JSON_COMPACT);
		if (db_begin_write(d, &e) == 0 &&
		    db_run(d, &e, "INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)", "tii", h, uid,
			   identity_now() + RESET_TTL) == 0 &&
		    jobs_enqueue(d, "mail.send", payload, NULL, 0, 0, NULL, &e) == 0 &&
		    audit_append(d, 0, uid, r->ip, "mot_de_passe.demande", login, "", &e) == 0)
			db_commit(d, &e);
		else
			db_rollback(d);
		free(payload);
		json_decref(p);
		buf_free(&text);
	}
	if (s)
		db_finalize(s);
	return page_render(r, 200, "mdp_oubli", "Mot de passe oublié",
			   json_pack("{s:b}", "sent", 1));
}
OPALE_ROUTE(reset_ask, "POST", "/mot-de-passe/oubli", ask, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);

/* Returns the user id of a valid, unused, unexpired token, or 0. */
static int64_t token_user(db *d, const char *tok)
{
	if (!tok || strlen(tok) < 20)
		return 0;
	char h[65];
	identity_sha256_hex(tok, h);
	struct err e;
	int rc;
	db_stmt *s = db_query(d, &e, &rc, "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used = 0 AND expires_at > $2",
			      "ti", h, identity_now());
	int64_t u = s && rc == DB_ROW ? db_col_int64(s, 0) : 0;
	if (s)
		db_finalize(s);
	return u;
}

static int new_page(struct req *r)
{
	struct err e;
	db *d = db_thread(&e);
	const char *tok = req_query(r, "jeton");
	if (!d || !token_user(d, tok))
		return page_render(r, 410, "mdp_nouveau", "Nouveau mot de passe",
				   json_pack("{s:s}", "error", "Ce lien n'est plus valable (déjà utilisé ou plus de 30 minutes) : refaites une demande."));
	return page_render(r, 200, "mdp_nouveau", "Nouveau mot de passe", json_pack("{s:s,s:b}", "jeton", tok, "form", 1));
}
OPALE_ROUTE(reset_new_page, "GET", "/mot-de-passe/nouveau", new_page, ROLE_PUBLIC, SCOPE_PUBLIC, 0);

static int set_new(struct req *r)
{
	struct err e = { 0 };
	db *d = db_thread(&e);
	const char *tok = req_form(r, "jeton"), *pw = req_form(r, "password"), *pw2 = req_form(r, "password2");
	int64_t uid = d ? token_user(d, tok) : 0;
	if (!uid)
		return page_render(r, 410, "mdp_nouveau", "Nouveau mot de passe",
				   json_pack("{s:s}", "error", "Ce lien n'est plus valable (déjà utilisé ou plus de 30 minutes) : refaites une demande."));
	const char *msg = NULL;
	int rc;
	char login[128] = "";
	db_stmt *s = db_query(d, &e, &rc, "SELECT login FROM users WHERE id = $1", "i", uid);
	if (s && rc == DB_ROW)
		snprintf(login, sizeof login, "%s", db_col_text(s, 0));
	if (s)
		db_finalize(s);
	if (!pw || !pw2 || strcmp(pw, pw2) != 0)
		msg = "Les deux saisies du mot de passe diffèrent.";
	else if (db_begin_write(d, &e) < 0 || user_set_password(d, uid, login, pw, &e) < 0 ||
		 db_run(d, &e, "UPDATE password_resets SET used = 1 WHERE user_id = $1", "i", uid) < 0 ||
		 audit_append(d, 0, uid, r->ip, "mot_de_passe.change", login, "lien par courriel", &e) < 0 ||
		 db_commit(d, &e) < 0) {
		db_rollback(d);
		msg = e.msg;
	}
	if (msg)
		return page_render(r, 400, "mdp_nouveau", "Nouveau mot de passe",
				   json_pack("{s:s,s:s,s:b}", "error", msg, "jeton", tok, "form", 1));
	res_flash(r, "ok", "Mot de passe changé : connectez-vous.");
	return res_redirect(r, "/connexion");
}
OPALE_ROUTE(reset_set, "POST", "/mot-de-passe/nouveau", set_new, ROLE_PUBLIC, SCOPE_PUBLIC, RF_NO_CSRF);
