/* model: tiers, roles, collectivité kinds and the records of collectivités and users. */
#include "identity/identity.h"
#include "http/http.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t identity_now(void)
{
	const char *o = getenv("OPALE_NOW");
	if (o && *o)
		return strtoll(o, NULL, 10);
	return (int64_t)time(NULL);
}

int tiers_valid(unsigned tiers, struct err *e)
{
	if (!tiers)
		return err_set(e, 400, "tier.aucun", "Choisissez au moins une prestation.");
	if ((tiers & TIER_DEMAT) && (tiers & TIER_PARAPHEUR))
		return err_set(e, 400, "tier.exclusif",
			       "Les prestations 1 et 2 s'excluent : la seconde comprend déjà la première avec le parapheur.");
	if (tiers & ~(unsigned)(TIER_DEMAT | TIER_PARAPHEUR | TIER_IDELIBRE))
		return err_set(e, 400, "tier.inconnu", "Prestation inconnue.");
	return 0;
}

const char *tier_name(unsigned t)
{
	switch (t) {
	case TIER_DEMAT: return "Paramétrage et dématérialisation";
	case TIER_PARAPHEUR: return "Paramétrage, organisation et dématérialisation";
	case TIER_IDELIBRE: return "iDélibre";
	}
	return "?";
}

unsigned tiers_to_route_flags(unsigned tiers)
{
	unsigned f = 0;
	if (tiers & (TIER_DEMAT | TIER_PARAPHEUR))
		f |= RF_TIER_TELETRANSMISSION;
	if (tiers & TIER_PARAPHEUR)
		f |= RF_TIER_PARAPHEUR;
	if (tiers & TIER_IDELIBRE)
		f |= RF_TIER_IDELIBRE;
	return f;
}

const struct role_name role_names[] = {
	{ ROLE_OPERATOR, "operateur", "Administrateur opérateur (CDG)" },
	{ ROLE_ADMIN, "admin", "Administrateur de la collectivité" },
	{ ROLE_AGENT, "agent", "Agent" },
	{ ROLE_SIGNATAIRE, "signataire", "Signataire" },
	{ ROLE_SECRETAIRE, "secretaire", "Secrétaire de séance" },
	{ ROLE_ELU, "elu", "Élu" },
	{ ROLE_AUDITOR, "auditeur", "Auditeur (lecture seule)" },
	{ 0, NULL, NULL },
};

int roles_parse(const char *list, unsigned *out, struct err *e)
{
	*out = 0;
	char tmp[256];
	snprintf(tmp, sizeof tmp, "%s", list ? list : "");
	char *save = NULL;
	for (char *t = strtok_r(tmp, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		const struct role_name *rn = role_names;
		while (rn->key && strcmp(rn->key, t) != 0)
			rn++;
		if (!rn->key || rn->bit == ROLE_OPERATOR)
			return err_set(e, 400, "role.inconnu",
				       "Rôle inconnu « %s » (admin, agent, signataire, secretaire, elu, auditeur).", t);
		*out |= rn->bit;
	}
	if (!*out)
		return err_set(e, 400, "role.aucun", "Indiquez au moins un rôle.");
	return 0;
}

void roles_format(unsigned roles, buf *out)
{
	int first = 1;
	for (const struct role_name *rn = role_names; rn->key; rn++)
		if (roles & rn->bit) {
			buf_puts(out, first ? "" : ", ");
			buf_puts(out, rn->label);
			first = 0;
		}
}

const char *const collectivite_kinds[] = { "commune", "cc", "ca", "syndicat", "departement", "region", NULL };
static const char *const kind_labels[] = { "Commune", "Communauté de communes", "Communauté d'agglomération",
					   "Syndicat", "Département", "Région" };

const char *collectivite_kind_label(const char *key)
{
	for (int i = 0; collectivite_kinds[i]; i++)
		if (strcmp(collectivite_kinds[i], key) == 0)
			return kind_labels[i];
	return key;
}

int luhn_valid(const char *d)
{
	int sum = 0, n = (int)strlen(d);
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)d[i]))
			return 0;
		int v = d[n - 1 - i] - '0';
		if (i % 2) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return n > 0 && sum % 10 == 0;
}

static int all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int collectivite_check(const struct collectivite *c, struct err *e)
{
	if (!c->name[0])
		return err_set(e, 400, "collectivite.nom", "Le nom de la collectivité est obligatoire.");
	if (!all_digits(c->siren, 9) || !luhn_valid(c->siren))
		return err_set(e, 400, "collectivite.siren", "SIREN invalide : 9 chiffres avec une clé de contrôle correcte.");
	if (c->siret[0] && (!all_digits(c->siret, 14) || strncmp(c->siret, c->siren, 9) != 0 || !luhn_valid(c->siret)))
		return err_set(e, 400, "collectivite.siret",
			       "SIRET invalide : 14 chiffres commençant par le SIREN, avec une clé de contrôle correcte.");
	int kind_ok = 0;
	for (int i = 0; collectivite_kinds[i]; i++)
		kind_ok |= strcmp(collectivite_kinds[i], c->kind) == 0;
	if (!kind_ok)
		return err_set(e, 400, "collectivite.nature",
			       "Nature inconnue « %s » (commune, cc, ca, syndicat, departement, region).", c->kind);
	if (c->departement[0] && !all_digits(c->departement, 3) && !(strlen(c->departement) == 3 &&
			isdigit((unsigned char)c->departement[0]) && (c->departement[1] == 'A' || c->departement[1] == 'B')))
		return err_set(e, 400, "collectivite.departement", "Code département sur 3 caractères attendu (ex. 062).");
	if (c->prefecture[0] && (strncmp(c->prefecture, "PREF", 4) != 0 || !all_digits(c->prefecture + 4, 3)))
		return err_set(e, 400, "collectivite.prefecture", "Code préfecture attendu sous la forme PREFnnn (ex. PREF062).");
	if (c->population < 0)
		return err_set(e, 400, "collectivite.population", "La population ne peut être négative.");
	return tiers_valid(c->tiers, e);
}

int collectivite_create(db *d, struct collectivite *c, int64_t actor, const char *ip, struct err *e)
{
	if (collectivite_check(c, e) < 0)
		return -1;
	int rc;
	db_stmt *s = db_query(d, e, &rc, "SELECT id FROM operators ORDER BY id LIMIT 1", "");
	if (!s)
		return -1;
	int64_t op = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	if (!op)
		return err_set(e, 409, "operateur.absent", "Aucun opérateur : créez d'abord le centre de gestion.");
	if (db_begin_write(d, e) < 0)
		return -1;
	s = db_query(d, e, &rc,
		     "INSERT INTO collectivites (operator_id, name, siren, siret, kind, population, departement, prefecture,"
		     " website, city, tiers, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id",
		     "ittttittttii", op, c->name, c->siren, c->siret, c->kind, c->population, c->departement,
		     c->prefecture, c->website, c->city, (int64_t)c->tiers, identity_now());
	if (!s) {
		db_rollback(d);
		if (strcmp(e->code, "db.conflict") == 0)
			err_set(e, 409, "collectivite.existe", "Une collectivité avec le SIREN %s existe déjà.", c->siren);
		return -1;
	}
	c->id = db_col_int64(s, 0);
	db_finalize(s);
	if (db_run(d, e, "INSERT INTO adhesions (tenant_id) VALUES ($1)", "i", c->id) < 0 ||
	    audit_append(d, c->id, actor, ip, "collectivite.creation", c->siren, c->name, e) < 0) {
		db_rollback(d);
		return -1;
	}
	return db_commit(d, e);
}

int collectivite_get(db *d, int64_t id, struct collectivite *c, struct err *e)
{
	int rc;
	db_stmt *s = db_query(d, e, &rc,
			      "SELECT id, name, siren, siret, kind, population, departement, prefecture, website, city, tiers"
			      " FROM collectivites WHERE id = $1", "i", id);
	if (!s)
		return -1;
	if (rc != DB_ROW) {
		db_finalize(s);
		return err_set(e, 404, "collectivite.inconnue", "Collectivité introuvable.");
	}
	memset(c, 0, sizeof *c);
	c->id = db_col_int64(s, 0);
	snprintf(c->name, sizeof c->name, "%s", db_col_text(s, 1));
	snprintf(c->siren, sizeof c->siren, "%s", db_col_text(s, 2));
	snprintf(c->siret, sizeof c->siret, "%s", db_col_text(s, 3));
	snprintf(c->kind, sizeof c->kind, "%s", db_col_text(s, 4));
	c->population = db_col_int64(s, 5);
	snprintf(c->departement, sizeof c->departement, "%s", db_col_text(s, 6));
	snprintf(c->prefecture, sizeof c->prefecture, "%s", db_col_text(s, 7));
	snprintf(c->website, sizeof c->website, "%s", db_col_text(s, 8));
	snprintf(c->city, sizeof c->city, "%s", db_col_text(s, 9));
	c->tiers = (unsigned)db_col_int64(s, 10);
	db_finalize(s);
	return 0;
}

int64_t user_find(db *d, const char *login)
{
	int rc;
	struct err e;
	db_stmt *s = db_query(d, &e, &rc, "SELECT id FROM users WHERE login = $1", "t", login);
	if (!s)
		return -1;
	int64_t id = rc == DB_ROW ? db_col_int64(s, 0) : 0;
	db_finalize(s);
	return id;
}

int user_create(db *d, const struct user *u, const char *password, int64_t actor, const char *ip, int64_t *id,
		struct err *e)
{
	if (!u->login[0] || strlen(u->login) < 3)
		return err_set(e, 400, "utilisateur.identifiant", "Identifiant trop court (3 caractères au moins).");
	for (const char *p = u->login; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_' && *p != '@')
			return err_set(e, 400, "utilisateur.identifiant",
				       "Identifiant : lettres sans accent, chiffres, point, tiret, @ seulement.");
	char hash[128] = "";
	if (password) {
		if (password_check(password, u->login, e) < 0 || password_hash(password, hash, e) < 0)
			return -1;
	}
	int rc;
	db_stmt *s = db_query(d, e, &rc,
			      "INSERT INTO users (login, email, first_name, last_name, fonction, password_hash, is_operator,"
			      " created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
			      "ttttttii", u->login, u->email, u->first_name, u->last_name, u->fonction, hash,
			      (int64_t)u->is_operator, identity_now());
	if (!s) {
		if (strcmp(e->code, "db.conflict") == 0)
			err_set(e, 409, "utilisateur.existe", "L'identifiant « %s » est déjà pris.", u->login);
		return -1;
	}
	*id = db_col_int64(s, 0);
	db_finalize(s);
	return audit_append(d, 0, actor, ip, "utilisateur.creation", u->login, u->is_operator ? "opérateur" : "", e);
}

int user_set_password(db *d, int64_t user_id, const char *login, const char *password, struct err *e)
{
	char hash[128];
	if (password_check(password, login, e) < 0 || password_hash(password, hash, e) < 0)
		return -1;
	if (db_run(d, e, "UPDATE users SET password_hash = $1, failed_count = 0, locked_until = 0 WHERE id = $2", "ti",
		   hash, user_id) < 0)
		return -1;
	/* A new password ends every open session of that user. */
	return db_run(d, e, "DELETE FROM sessions WHERE user_id = $1", "i", user_id);
}

int user_grant(db *d, int64_t user_id, int64_t tenant_id, unsigned roles, struct err *e)
{
	if (db_run(d, e, "DELETE FROM memberships WHERE user_id = $1 AND tenant_id = $2", "ii", user_id, tenant_id) < 0)
		return -1;
	if (!roles)
		return 0;
	return db_run(d, e, "INSERT INTO memberships (user_id, tenant_id, roles) VALUES ($1,$2,$3)", "iii", user_id,
		      tenant_id, (int64_t)roles);
}

int activity_add(db *d, int64_t tenant, const char *counter, int64_t n)
{
	struct err e;
	time_t now = (time_t)identity_now();
	struct tm tm;
	gmtime_r(&now, &tm);
	int64_t year = tm.tm_year + 1900;
	if (db_run(d, &e, "UPDATE activity SET n = n + $1 WHERE tenant_id = $2 AND counter = $3 AND year = $4", "iiti", n,
		   tenant, counter, year) < 0)
		return -1;
	if (db_changes(d) > 0)
		return 0;
	return db_run(d, &e, "INSERT INTO activity (tenant_id, counter, year, n) VALUES ($1,$2,$3,$4)", "itii", tenant,
		      counter, year, n);
}
