/* Unit tests of identity rules: identifiers, tiers, password strength, argon2id, adhesion dates,
 * and the tenant-scope SQL guard. */
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"
#include "t.h"

static void adhesion_case(const char *start, const char *renewed, const char *notified, const char *term, const char *eff,
			  const char *warn, const char *what)
{
	struct adhesion_dates a;
	struct err e;
	int rc = adhesion_compute(start, renewed, notified, &a, &e);
	char w[200];
	snprintf(w, sizeof w, "%s: term end", what);
	T_EQ_STR(rc == 0 ? a.term_end : e.code, term, w);
	snprintf(w, sizeof w, "%s: effective end", what);
	T_EQ_STR(rc == 0 ? a.effective_end : e.code, eff, w);
	snprintf(w, sizeof w, "%s: warning from", what);
	T_EQ_STR(rc == 0 ? a.warn_from : e.code, warn, w);
}

int main(void)
{
	T_OK(luhn_valid("246200364"), "CCPO SIREN 246200364 passes the Luhn check");
	T_OK(luhn_valid("24620036400015"), "CCPO SIRET 24620036400015 passes the Luhn check");
	T_OK(!luhn_valid("246200365"), "a wrong SIREN check digit is detected");

	struct collectivite c = { .population = 24000, .tiers = TIER_PARAPHEUR | TIER_IDELIBRE };
	snprintf(c.name, sizeof c.name, "CCPO");
	snprintf(c.siren, sizeof c.siren, "246200364");
	snprintf(c.siret, sizeof c.siret, "24620036400015");
	snprintf(c.kind, sizeof c.kind, "cc");
	snprintf(c.departement, sizeof c.departement, "062");
	snprintf(c.prefecture, sizeof c.prefecture, "PREF062");
	struct err e;
	T_OK(collectivite_check(&c, &e) == 0, "the seed collectivité is valid");
	c.tiers = TIER_DEMAT | TIER_PARAPHEUR;
	T_OK(collectivite_check(&c, &e) < 0 && strcmp(e.code, "tier.exclusif") == 0, "tiers 1 and 2 together are refused");
	c.tiers = TIER_IDELIBRE;
	T_OK(collectivite_check(&c, &e) == 0, "tier 3 alone is allowed");
	c.tiers = 0;
	T_OK(collectivite_check(&c, &e) < 0 && strcmp(e.code, "tier.aucun") == 0, "no tier is refused");
	c.tiers = TIER_DEMAT;
	snprintf(c.siret, sizeof c.siret, "21620036400015");
	T_OK(collectivite_check(&c, &e) < 0 && strcmp(e.code, "collectivite.siret") == 0, "a SIRET of another SIREN is refused");
	snprintf(c.siret, sizeof c.siret, "24620036400015");
	snprintf(c.prefecture, sizeof c.prefecture, "P062");
	T_OK(collectivite_check(&c, &e) < 0 && strcmp(e.code, "collectivite.prefecture") == 0, "prefecture code must be PREFnnn");
	snprintf(c.prefecture, sizeof c.prefecture, "PREF062");
	snprintf(c.kind, sizeof c.kind, "metropole");
	T_OK(collectivite_check(&c, &e) < 0 && strcmp(e.code, "collectivite.nature") == 0, "unknown kind is refused");

	T_OK(password_check("court1A!", "x", &e) < 0, "8 characters are too short");
	T_OK(password_check("abcdefghijkl", "x", &e) < 0, "12 lowercase letters are too weak");
	T_OK(password_check("Abcdefghijk1", "x", &e) == 0, "12 characters with 3 classes are accepted");
	T_OK(password_check("correcthorsebatterystaple", "x", &e) == 0, "16+ characters of one class are accepted");
	T_OK(password_check("ccpo.agent-Secret1", "ccpo.agent", &e) < 0 && strcmp(e.code, "motdepasse.identifiant") == 0,
	     "a password containing the login is refused");
	char h[128];
	T_OK(password_hash("Abcdefghijk1", h, &e) == 0 && strncmp(h, "$argon2id$", 10) == 0, "hashes are argon2id");
	T_OK(password_verify(h, "Abcdefghijk1"), "the right password verifies");
	T_OK(!password_verify(h, "Abcdefghijk2"), "a wrong password does not verify");

	/* Adhesion: 5 years « du … au … », one express renewal, warning 3 months before the end. */
	adhesion_case("2024-03-01", "", "", "2029-02-28", "2029-02-28", "2028-11-28", "start on the 1st");
	adhesion_case("2024-02-29", "", "", "2029-02-28", "2029-02-28", "2028-11-28", "start on 29 February");
	adhesion_case("2024-03-01", "2028-12-15", "", "2029-02-28", "2034-02-28", "2033-11-28", "after express renewal");
	adhesion_case("2024-03-01", "2029-03-15", "", "adhesion.reconduction_tardive", "adhesion.reconduction_tardive",
		      "adhesion.reconduction_tardive", "renewal after the term is refused");
	adhesion_case("2024-03-01", "", "2025-06-17", "2029-02-28", "2025-06-30", "2025-03-30", "termination mid-month");
	adhesion_case("2024-13-01", "", "", "date.invalide", "date.invalide", "date.invalide", "invalid start date");

	char eff[11];
	T_OK(adhesion_termination_effect("2024-01-31", eff, &e) == 0 && strcmp(eff, "2024-02-01") == 0,
	     "termination notified on the 31st takes effect on the 1st of the next month");
	T_OK(adhesion_termination_effect("2024-12-10", eff, &e) == 0 && strcmp(eff, "2025-01-01") == 0,
	     "termination notified in December takes effect on 1 January");
	T_OK(adhesion_termination_effect("2024-05-01", eff, &e) == 0 && strcmp(eff, "2024-06-01") == 0,
	     "termination notified on the 1st takes effect on the 1st of the next month");
	T_OK(adhesion_termination_effect("2023-02-29", eff, &e) < 0, "29 February of a common year is refused");

	T_OK(tdb_sql_scoped("SELECT x FROM t WHERE tenant_id = $1 AND id = $2"), "scoped select accepted");
	T_OK(tdb_sql_scoped("SELECT x FROM t a WHERE a.tenant_id = $1"), "aliased scoped select accepted");
	T_OK(!tdb_sql_scoped("SELECT x FROM t WHERE id = $2"), "unscoped select refused");
	T_OK(!tdb_sql_scoped("SELECT x FROM t WHERE tenant_id = $12"), "tenant_id bound to another parameter refused");
	T_OK(tdb_sql_scoped("INSERT INTO t (tenant_id, a) VALUES ($1, $2)"), "insert with tenant_id first accepted");
	T_OK(!tdb_sql_scoped("INSERT INTO t (a, tenant_id) VALUES ($2, $1)"), "insert without tenant_id first refused");

	unsigned roles;
	T_OK(roles_parse("agent,signataire", &roles, &e) == 0 && roles == (ROLE_AGENT | ROLE_SIGNATAIRE), "roles parse");
	T_OK(roles_parse("operateur", &roles, &e) < 0, "the operator role cannot be granted inside a collectivité");
	return t_done();
}
