/* Parapheur administration pages on a real server: desks (create, rename, owners, parent, loops
 * refused), the circuit editor (positions reorder steps, OR/AND, placeholders, a removed step, an
 * external step with two desks refused), types and sub-types with a selection rule that really
 * chooses the circuit at start, and delegations limited to one type (act for the delegating desk on a
 * folder of that type, refused on another type; the « délégués » tray follows), deleted again. */
#include "core/buf.h"
#include "core/dates.h"
#include "apitest.h"
#include "httptest.h"
#include "identity/identity.h"
#include "srvtest.h"
#include "t.h"
#include "web/pdfdoc.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>

static struct srv S;
static db *D;
static char tok_admin[80], tok_agent[80], tok_dgs[80];

static long get(const char *tok, const char *path, struct ht_resp *r) { return at_req(&S, tok, "GET", path, NULL, NULL, r); }

/* POST a form built from NULL-terminated name, value pairs (values URL-encoded). */
static long post(const char *tok, const char *path, struct ht_resp *r, ...)
{
	buf b = BUF_INIT;
	va_list ap;
	va_start(ap, r);
	const char *k;
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);
		buf_printf(&b, "%s%s=", b.len ? "&" : "", k);
		buf_urlenc(&b, v);
	}
	va_end(ap);
	long st = at_req(&S, tok, "POST", path, "application/x-www-form-urlencoded", b.data ? b.data : "", r);
	buf_free(&b);
	return st;
}

static int64_t q1(const char *sql, const char *types, ...)
{
	struct err e;
	int rc;
	va_list ap;
	va_start(ap, types);
	char t = types[0];
	db_stmt *s = t == 't' ? db_query(D, &e, &rc, sql, "t", va_arg(ap, const char *))
		     : t == 'i' ? db_query(D, &e, &rc, sql, "i", va_arg(ap, int64_t)) : db_query(D, &e, &rc, sql, "");
	va_end(ap);
	int64_t v = s && rc == DB_ROW ? db_col_int64(s, 0) : 0;
	if (s)
		db_finalize(s);
	return v;
}

static char *qtext(const char *sql, int64_t id, char *out, size_t n)
{
	struct err e;
	int rc;
	out[0] = '\0';
	db_stmt *s = db_query(D, &e, &rc, sql, "i", id);
	if (s && rc == DB_ROW)
		snprintf(out, n, "%s", db_col_text(s, 0));
	if (s)
		db_finalize(s);
	return out;
}

static int64_t location_id(struct ht_resp *r)
{
	const char *p = strstr(r->headers.data ? r->headers.data : "", "Location: ");
	if (!p)
		p = strstr(r->headers.data ? r->headers.data : "", "location: ");
	if (!p)
		return 0;
	const char *end = strchr(p, '\r');
	const char *slash = p;
	for (const char *q = p; q < end; q++)
		if (*q == '/')
			slash = q;
	return strtoll(slash + 1, NULL, 10);
}

static int flashed(struct ht_resp *r, const char *kind)
{
	char want[64];
	snprintf(want, sizeof want, "opale_flash=%s", kind);
	return r->headers.data && strstr(r->headers.data, want) != NULL;
}

static char *s_(int64_t v)
{
	static char b[16][24];
	static int i;
	char *o = b[i++ % 16];
	snprintf(o, 24, "%lld", (long long)v);
	return o;
}

static int64_t new_folder(const char *title, int64_t subtype, int64_t desk, const char *meta, const char *file)
{
	char js[512];
	snprintf(js, sizeof js, "{\"titre\":\"%s\",\"sous_type\":%lld,\"bureau\":%lld,\"metadonnees\":%s}", title, (long long)subtype,
		 (long long)desk, meta);
	return at_folder(&S, tok_agent, js, file);
}

int main(void)
{
	setenv("OPALE_JOBS_POLL_MS", "200", 1);
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.admin", tok_admin);
	at_token(&S, D, "ccpo.agent", tok_agent);
	at_token(&S, D, "ccpo.dgs", tok_dgs);
	int64_t pres = q1("SELECT id FROM desks WHERE name = $1", "t", "Présidence");
	int64_t dgs = q1("SELECT id FROM desks WHERE name = $1", "t", "Direction générale des services");
	int64_t sec = q1("SELECT id FROM desks WHERE name = $1", "t", "Secrétariat général");
	int64_t u_agent = q1("SELECT id FROM users WHERE login = $1", "t", "ccpo.agent");
	int64_t u_dgs = q1("SELECT id FROM users WHERE login = $1", "t", "ccpo.dgs");
	int64_t cdg = q1("SELECT id FROM circuits WHERE name LIKE 'Convention CDG%'", "");
	int64_t t_conv = q1("SELECT id FROM folder_types WHERE name = $1", "t", "Convention");
	struct ht_resp r;
	char path[256], txt[4096];

	/* Overview. */
	T_EQ_INT(get(tok_admin, "/parapheur/administration", &r), 200, "the administrator opens the parapheur administration");
	T_OK(strstr(r.body.data, "Visa (Direction générale des services) → Signature (Présidence)") != NULL, "circuits are summarised");
	T_OK(strstr(r.body.data, "Anne Fournier") && strstr(r.body.data, "Convention d&#39;adhésion"), "desks with owners, types with sub-types");
	ht_resp_free(&r);
	T_EQ_INT(get(tok_agent, "/parapheur/administration", &r), 403, "an agent may not");
	ht_resp_free(&r);

	/* Desks. */
	T_EQ_INT(post(tok_admin, "/parapheur/administration/bureaux", &r, "nom", "Direction des finances", "parent", s_(dgs), "titulaires",
		      s_(u_agent), "titulaires", s_(u_dgs), NULL), 303, "a desk is created from the form");
	int64_t fin = location_id(&r);
	ht_resp_free(&r);
	T_OK(fin > 0 && q1("SELECT parent_id FROM desks WHERE id = $1", "i", fin) == dgs, "with its parent");
	T_EQ_INT(q1("SELECT COUNT(*) FROM desk_owners WHERE desk_id = $1", "i", fin), 2, "and its two owners");
	snprintf(path, sizeof path, "/parapheur/administration/bureaux/%lld", (long long)fin);
	T_EQ_INT(get(tok_admin, path, &r), 200, "its page opens");
	T_OK(strstr(r.body.data, "id=\"owner-") && strstr(r.body.data, " checked>") && strstr(r.body.data, "Ajouter une délégation"),
	     "with its owners checked and the delegation form");
	ht_resp_free(&r);
	T_EQ_INT(post(tok_admin, path, &r, "nom", "Finances", "parent", s_(fin), "titulaires", s_(u_agent), NULL), 303, "itself as parent…");
	T_OK(flashed(&r, "erreur"), "…is refused with a message");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/parapheur/administration/bureaux/%lld", (long long)dgs);
	T_EQ_INT(post(tok_admin, path, &r, "nom", "Direction générale des services", "parent", s_(fin), "titulaires", s_(u_dgs), NULL), 303,
		 "a loop through the hierarchy…");
	T_OK(flashed(&r, "erreur") && q1("SELECT parent_id FROM desks WHERE id = $1", "i", dgs) == pres, "…is refused too");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/parapheur/administration/bureaux/%lld", (long long)fin);
	T_EQ_INT(post(tok_admin, path, &r, "nom", "Finances", "parent", s_(dgs), "titulaires", s_(u_agent), NULL), 303, "rename, one owner left");
	T_OK(flashed(&r, "ok") && strcmp(qtext("SELECT name FROM desks WHERE id = $1", fin, txt, sizeof txt), "Finances") == 0 &&
		     q1("SELECT COUNT(*) FROM desk_owners WHERE desk_id = $1", "i", fin) == 1,
	     "the desk is renamed and keeps one owner");
	ht_resp_free(&r);

	/* Circuit editor. Slots 1..4: slot 3 placed first by its position, slot 4 empty. */
	T_EQ_INT(get(tok_admin, "/parapheur/administration/nouveau-circuit", &r), 200, "the empty circuit editor opens");
	T_OK(strstr(r.body.data, "name=\"etape3_bureaux\" value=\"superieur\""), "placeholders are offered");
	ht_resp_free(&r);
	T_EQ_INT(post(tok_admin, "/parapheur/administration/circuits", &r, "nom", "Marchés", "etape1_type", "visa", "etape1_position", "2",
		      "etape1_mode", "et", "etape1_bureaux", s_(dgs), "etape1_bureaux", s_(fin), "etape2_type", "signature", "etape2_position",
		      "3", "etape2_mode", "ou", "etape2_bureaux", s_(pres), "etape3_type", "visa", "etape3_position", "1", "etape3_mode", "ou",
		      "etape3_bureaux", "superieur", "etape4_type", "", "etape4_position", "4", NULL),
		 303, "a circuit is saved from the editor");
	int64_t marches = location_id(&r);
	ht_resp_free(&r);
	char want[512];
	snprintf(want, sizeof want, "[{\"type\":\"visa\",\"mode\":\"ou\",\"bureaux\":[-2]},{\"type\":\"visa\",\"mode\":\"et\",\"bureaux\":[%lld,%lld]},"
				    "{\"type\":\"signature\",\"mode\":\"ou\",\"bureaux\":[%lld]}]",
		 (long long)dgs, (long long)fin, (long long)pres);
	T_EQ_STR(qtext("SELECT steps FROM circuits WHERE id = $1", marches, txt, sizeof txt), want,
		 "steps stored in position order, with AND, OR and the « supérieur » placeholder");
	snprintf(path, sizeof path, "/parapheur/administration/circuits/%lld", (long long)marches);
	T_EQ_INT(get(tok_admin, path, &r), 200, "the circuit opens in the editor");
	snprintf(want, sizeof want, "id=\"etape2_b%lld\" name=\"etape2_bureaux\" value=\"%lld\" checked", (long long)fin, (long long)fin);
	T_OK(strstr(r.body.data, want) && strstr(r.body.data, "id=\"etape2_et\" name=\"etape2_mode\" value=\"et\" checked"),
	     "with its desks and mode checked");
	ht_resp_free(&r);
	T_EQ_INT(post(tok_admin, path, &r, "nom", "Marchés", "etape1_type", "visa", "etape1_bureaux", "superieur", "etape1_informes", s_(fin),
		      "etape2_type", "visa", "etape2_mode", "et", "etape2_bureaux", s_(dgs), "etape2_bureaux", s_(fin), "etape3_type", "signature",
		      "etape3_bureaux", s_(pres), NULL),
		 303, "the first step now informs the Finances desk");
	ht_resp_free(&r);
	snprintf(want, sizeof want, "[{\"type\":\"visa\",\"mode\":\"ou\",\"bureaux\":[-2],\"informes\":[%lld]},", (long long)fin);
	T_OK(strncmp(qtext("SELECT steps FROM circuits WHERE id = $1", marches, txt, sizeof txt), want, strlen(want)) == 0, "informed desks stored");
	T_EQ_INT(get(tok_admin, path, &r), 200, "the editor");
	snprintf(want, sizeof want, "name=\"etape1_informes\" value=\"%lld\" checked", (long long)fin);
	T_OK(strstr(r.body.data, want) != NULL, "shows the informed desk checked");
	ht_resp_free(&r);
	T_EQ_INT(post(tok_admin, path, &r, "nom", "Marchés", "etape1_type", "externe", "etape1_bureaux", s_(dgs), "etape1_bureaux", s_(pres), NULL),
		 303, "an external step with two desks…");
	T_OK(flashed(&r, "erreur") && strstr(qtext("SELECT steps FROM circuits WHERE id = $1", marches, txt, sizeof txt), "superieur") == NULL &&
		     strstr(txt, "-2"),
	     "…is refused and the circuit unchanged");
	ht_resp_free(&r);

	/* Types and sub-types; a rule that chooses the circuit. */
	T_EQ_INT(post(tok_admin, "/parapheur/administration/types", &r, "nom", "Marché public", "format", "pades", "protocole", "actes", "ville",
		      "Guînes", "code_postal", "62340", NULL), 303, "a type is created");
	int64_t t_mp = location_id(&r);
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/parapheur/administration/types/%lld", (long long)t_mp);
	T_EQ_INT(post(tok_admin, path, &r, "nom", "Marché public", "format", "pades", "protocole", "helios", NULL), 303, "HELIOS without PES…");
	T_OK(flashed(&r, "erreur") && strcmp(qtext("SELECT protocol FROM folder_types WHERE id = $1", t_mp, txt, sizeof txt), "actes") == 0,
	     "…is refused");
	ht_resp_free(&r);
	T_EQ_INT(get(tok_admin, path, &r), 200, "the type page opens");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/parapheur/administration/types/%lld/sous-types", (long long)t_mp);
	T_EQ_INT(post(tok_admin, path, &r, "nom", "MAPA", "circuit", s_(cdg), NULL), 303, "a sub-type is added");
	int64_t mapa = location_id(&r);
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/parapheur/administration/sous-types/%lld", (long long)mapa);
	T_EQ_INT(post(tok_admin, path, &r, "nom", "MAPA", "circuit", s_(cdg), "regle1", "montant >>", "regle1_circuit", s_(marches), NULL), 303,
		 "an unreadable rule…");
	T_OK(flashed(&r, "erreur"), "…is refused");
	ht_resp_free(&r);
	T_EQ_INT(post(tok_admin, path, &r, "nom", "MAPA", "circuit", s_(cdg), "regle1", "", "regle2", "montant >= 40000", "regle2_circuit",
		      s_(marches), NULL), 303, "a rule « montant >= 40000 → Marchés » is saved");
	snprintf(want, sizeof want, "[{\"regle\":\"montant >= 40000\",\"circuit\":%lld}]", (long long)marches);
	T_EQ_STR(qtext("SELECT rules FROM folder_subtypes WHERE id = $1", mapa, txt, sizeof txt), want, "blank rules dropped");
	ht_resp_free(&r);
	T_EQ_INT(get(tok_admin, path, &r), 200, "the sub-type page opens");
	T_OK(strstr(r.body.data, "value=\"montant &gt;= 40000\""), "with the rule");
	ht_resp_free(&r);
	char pdf[300];
	snprintf(pdf, sizeof pdf, "%s/m.pdf", S.data);
	at_pdf(pdf, NULL, "Marché de travaux");
	int64_t big = new_folder("Marché de voirie", mapa, sec, "{\"montant\":\"52 000,00\"}", pdf);
	int64_t small = new_folder("Marché de fournitures", mapa, sec, "{\"montant\":\"1200\"}", pdf);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/demarrer", (long long)big);
	T_EQ_INT(at_req(&S, tok_agent, "POST", path, NULL, NULL, &r), 200, "a 52 000 € folder starts");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/demarrer", (long long)small);
	T_EQ_INT(at_req(&S, tok_agent, "POST", path, NULL, NULL, &r), 200, "a 1 200 € folder starts");
	ht_resp_free(&r);
	T_OK(q1("SELECT circuit_id FROM folders WHERE id = $1", "i", big) == marches && q1("SELECT circuit_id FROM folders WHERE id = $1", "i", small) == cdg,
	     "the rule sends the big one through « Marchés », the small one through the default circuit");

	/* Delegation limited to one type: Présidence → DGS for « Convention » only, today. */
	struct err e;
	struct paris_time pt;
	paris_from_utc(identity_now(), &pt, &e);
	char today[11];
	date_format(pt.date, today);
	snprintf(path, sizeof path, "/parapheur/administration/bureaux/%lld/delegations", (long long)pres);
	T_EQ_INT(post(tok_admin, path, &r, "vers", s_(dgs), "debut", today, "fin", "2001-01-01", "type", s_(t_conv), NULL), 303,
		 "a delegation ending before it starts…");
	T_OK(flashed(&r, "erreur"), "…is refused");
	ht_resp_free(&r);
	T_EQ_INT(post(tok_admin, path, &r, "vers", s_(dgs), "debut", today, "fin", today, "type", s_(t_conv), NULL), 303,
		 "a one-day delegation for conventions is added");
	ht_resp_free(&r);
	int64_t deleg = q1("SELECT id FROM delegations WHERE desk_id = $1 AND type_id > 0", "i", pres);
	T_OK(deleg > 0, "with its type");
	/* The demo convention: visa by the DGS, then it waits on the Présidence. */
	int64_t conv = q1("SELECT id FROM folders WHERE title = $1", "t", "Convention e-administration CDG 62");
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)conv);
	char body[256];
	snprintf(body, sizeof body, "{\"action\":\"visa\",\"bureau\":%lld}", (long long)dgs);
	T_EQ_INT(at_req(&S, tok_dgs, "POST", path, "application/json", body, &r), 200, "the DGS visas the convention");
	ht_resp_free(&r);
	/* A folder of another type waiting on the Présidence: the MAPA's small folder went to the CDG
	 * circuit (visa DGS → signature Présidence). */
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)small);
	T_EQ_INT(at_req(&S, tok_dgs, "POST", path, "application/json", body, &r), 200, "and the small market");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/parapheur/bureaux/%lld/bannettes/delegues", (long long)dgs);
	T_EQ_INT(get(tok_dgs, path, &r), 200, "the DGS's « délégués » tray");
	T_OK(strstr(r.body.data, "Convention e-administration CDG 62") && !strstr(r.body.data, "Marché de fournitures"),
	     "shows the convention, not the market (another type)");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"action\":\"rejet\",\"bureau\":%lld,\"annotation\":\"Marché à relancer\"}", (long long)pres);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)small);
	T_EQ_INT(at_req(&S, tok_dgs, "POST", path, "application/json", body, &r), 403, "the DGS cannot act for the Présidence on the market");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"action\":\"rejet\",\"bureau\":%lld,\"annotation\":\"Annexe financière manquante\"}", (long long)pres);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)conv);
	T_EQ_INT(at_req(&S, tok_dgs, "POST", path, "application/json", body, &r), 200, "but can on the convention");
	T_OK(strstr(r.body.data, "\"en_l_absence_de\":\"Présidence\"") != NULL, "recorded « en l'absence de » the Présidence");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/parapheur/administration/bureaux/%lld", (long long)pres);
	T_EQ_INT(get(tok_admin, path, &r), 200, "the Présidence's page");
	T_OK(strstr(r.body.data, "dossiers de type « Convention » seulement") != NULL, "lists the delegation with its type");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/parapheur/administration/bureaux/%lld/delegations/%lld/supprimer", (long long)pres, (long long)deleg);
	T_EQ_INT(post(tok_admin, path, &r, NULL), 303, "the delegation is deleted");
	ht_resp_free(&r);
	T_EQ_INT(q1("SELECT COUNT(*) FROM delegations WHERE id = $1", "i", deleg), 0, "and gone");
	T_EQ_INT(post(tok_admin, path, &r, NULL), 404, "deleting it again is 404");
	ht_resp_free(&r);
	db_close(D);
	srv_stop(&S);
	return t_done();
}
