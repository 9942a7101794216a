/* The stored model without HTTP: members' CSV (import in any order, re-import, quoting, bad lines with
 * their number, all or nothing), validation of assemblies, séances and points, agenda order. */
#include "apitest.h"
#include "dbtest.h"
#include "identity/identity.h"
#include "seance/seance_db.h"
#include "t.h"

#include <string.h>

static db *D;
static int64_t T;

int main(void)
{
	char dir[256], url[512];
	D = dbtest_open(dir, url);
	if (!T_OK(D != NULL, "database ready"))
		return t_done();
	struct err e;
	db_run(D, &e, "INSERT INTO operators (name, siret, created_at) VALUES ('CDG', '', 0)", "");
	struct collectivite c = { .population = 1200, .tiers = TIER_PARAPHEUR | TIER_IDELIBRE };
	snprintf(c.name, sizeof c.name, "Commune témoin");
	snprintf(c.siren, sizeof c.siren, "213001233");
	snprintf(c.kind, sizeof c.kind, "commune");
	snprintf(c.departement, sizeof c.departement, "062");
	snprintf(c.prefecture, sizeof c.prefecture, "PREF062");
	T_OK(collectivite_create(D, &c, 0, "test", &e) == 0, "a collectivité");
	T = c.id;
	int64_t o;
	json_t *j = json_pack("{s:s,s:s,s:i}", "nom", "Conseil municipal", "nature", "commune", "population", 1200);
	T_OK(sd_organe_save(D, T, 0, j, &o, &e) == 0, "a conseil municipal");
	json_decref(j);

	const char *csv = "\xEF\xBB\xBFnom;prenom;qualite;titulaire;courriel;papier;adresse\r\n"
			  "Martin;Luc;suppleant;Julie Roger;luc@x.invalid;0;\r\n"
			  "Roger;Julie;titulaire;;julie@x.invalid;0;\r\n"
			  "\r\n"
			  "Petit;Paul;titulaire;;;1;\"3 rue Haute; Guînes\"\r\n";
	int n = -1;
	T_OK(sd_membres_import(D, T, o, csv, strlen(csv), &n, &e) == 0 && n == 3, "import: BOM, blank line, suppléant before titulaire");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM membres WHERE organe_id = $1 AND qualite = 'suppleant' AND titulaire_id > 0", o), 1, "suppléant linked");
	T_OK(sd_membres_import(D, T, o, csv, strlen(csv), &n, &e) == 0, "re-import");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM membres WHERE organe_id = $1", o), 3, "no duplicates");
	buf b = BUF_INIT;
	T_OK(sd_membres_export(D, T, o, &b, &e) == 0 && strstr(b.data, "\"3 rue Haute; Guînes\"") && strstr(b.data, "suppleant;Julie Roger;"),
	     "export quotes the address and names the titulaire");
	int n2 = -1;
	T_OK(sd_membres_import(D, T, o, b.data, b.len, &n2, &e) == 0 && n2 == 3, "the export imports back");
	buf_free(&b);
	const char *bad = "nom;prenom;qualite;titulaire\nDurand;Zoé;titulaire;\nMoreau;Léa;suppleant;Personne Inconnue\n";
	T_OK(sd_membres_import(D, T, o, bad, strlen(bad), &n, &e) < 0 && strstr(e.msg, "Ligne 3") && e.status == 400,
	     "a suppléant of an unknown titulaire: refused with the line number");
	printf("# %s\n", e.msg);
	const char *bad2 = "nom;prenom;papier\nDurand;Zoé;1\n";
	T_OK(sd_membres_import(D, T, o, bad2, strlen(bad2), &n, &e) < 0 && strstr(e.msg, "L2121-10"), "paper convocation without address refused");
	const char *nohead = "Durand;Zoé\n";
	T_OK(sd_membres_import(D, T, o, nohead, strlen(nohead), &n, &e) < 0 && strstr(e.msg, "en-tête"), "a file without header refused");

	/* Séances and points. */
	int64_t s, p1, p2, p3;
	j = json_pack("{s:I,s:s}", "organe", (json_int_t)o, "date", "2024-03-31T02:30");
	T_OK(sd_seance_save(D, T, 0, j, &s, &e) < 0 && !strcmp(e.code, "date.heure_inexistante"), "a Paris time that does not exist is refused");
	json_decref(j);
	j = json_pack("{s:I,s:s}", "organe", (json_int_t)o, "date", "2024-03-15T18:30");
	T_OK(sd_seance_save(D, T, 0, j, &s, &e) == 0, "a séance");
	json_decref(j);
	T_EQ_INT(at_one_i(D, "SELECT starts_at FROM seances WHERE id = $1", s), 1710523800, "stored in UTC (18:30 CET = 17:30 UTC)");
	json_t *p = json_pack("{s:s}", "titre", "Un");
	sd_point_save(D, T, s, 0, p, &p1, &e);
	json_object_set_new(p, "titre", json_string("Deux"));
	sd_point_save(D, T, s, 0, p, &p2, &e);
	json_object_set_new(p, "titre", json_string("Trois"));
	sd_point_save(D, T, s, 0, p, &p3, &e);
	json_decref(p);
	T_OK(sd_point_move(D, T, s, p3, -1, &e) == 0 && at_one_i(D, "SELECT rank FROM seance_points WHERE id = $1", p3) == 2, "a point moves up");
	T_OK(sd_point_delete(D, T, s, p1, &e) == 0 && at_one_i(D, "SELECT rank FROM seance_points WHERE id = $1", p3) == 1 &&
	     at_one_i(D, "SELECT rank FROM seance_points WHERE id = $1", p2) == 2, "deleting renumbers the agenda");
	json_t *js = sd_seance_json(D, T, s, &e);
	T_OK(js && !strcmp(json_string_value(json_object_get(json_object_get(js, "delai"), "envoi_limite")), "2024-03-11"),
	     "the delay of a commune under 3 500: Friday 15 → Monday 11 (3 jours francs)");
	json_decref(js);
	T_OK(sd_doc_add(D, T, s, p2, "principal", "a.odt", "0000000000000000000000000000000000000000000000000000000000000000",
			"application/vnd.oasis.opendocument.text", 10, NULL, &e) < 0 && e.status == 415, "a project that is not a PDF is refused");
	T_OK(sd_seance_json(D, T + 1000, s, &e) == NULL && e.status == 404, "another collectivité does not see the séance");
	db_close(D);
	return t_done();
}
