/* seances_pub: the séances' published documents for the public portal — the procès-verbal (L2121-15,
 * published once adopted: seance_pv.publie_at, the signed PDF else the frozen one) and the liste des
 * délibérations (L2121-25: seance_listes, its PDF with the « Mise en ligne le » mention). Only what was
 * published, only of the collectivité asked: every query is tenant-scoped and filters publie_at > 0.
 * The séance module records the publications (src/seance/pv.c, registre.c); this file only reads them. */
#include "publication/publier.h"
#include "core/dates.h"
#include "db/tenant.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* One séance row: s.id, s.starts_at, s.title, o.name, then (publie_at, sha256) of the list and of the PV. */
#define SEANCE_SQL                                                                                                    \
	"SELECT s.id, s.starts_at, s.title, o.name, COALESCE(l.publie_at, 0), COALESCE(l.sha256, ''), COALESCE(p.publie_at, 0),"  \
	" COALESCE(CASE WHEN p.signe_sha256 <> '' THEN p.signe_sha256 ELSE p.arrete_sha256 END, '')"                       \
	" FROM seances s JOIN organes o ON o.id = s.organe_id AND o.tenant_id = s.tenant_id"                                \
	" LEFT JOIN seance_listes l ON l.seance_id = s.id AND l.tenant_id = s.tenant_id AND l.publie_at > 0 AND l.sha256 <> ''" \
	" LEFT JOIN seance_pv p ON p.seance_id = s.id AND p.tenant_id = s.tenant_id AND p.publie_at > 0"                     \
	" WHERE s.tenant_id = $1 AND (l.publie_at > 0 OR p.publie_at > 0)"

static void paris_day_fr(int64_t t, char out[40], char day[11])
{
	struct paris_time pt;
	struct err e;
	if (paris_from_utc(t, &pt, &e) < 0) {
		snprintf(out, 40, "?");
		if (day)
			snprintf(day, 11, "?");
		return;
	}
	date_format_fr(pt.date, out);
	if (day)
		snprintf(day, 11, "%02d/%02d/%04d", pt.date.d, pt.date.m, pt.date.y);
}

static json_t *doc_json(const char *siren, int64_t seance, const char *kind, const char *libelle, int64_t at, const char *sha)
{
	char path[1200], url[128], le[40], day[11];
	struct stat st;
	store_path(sha, path, sizeof path);
	int64_t size = stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
	snprintf(url, sizeof url, "/p/%s/seances/%lld/%s.pdf", siren, (long long)seance, kind);
	paris_day_fr(at, le, day);
	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "type", kind, "libelle", libelle, "url", url, "sha256", sha, "taille",
			 (json_int_t)size, "publie_a", (json_int_t)at, "publie_le", day);
}

json_t *pub_seances(db *d, int64_t tenant, const char *siren, int limit, struct err *e)
{
	if (limit <= 0 || limit > 500)
		limit = 100;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, SEANCE_SQL " ORDER BY s.starts_at DESC, s.id DESC LIMIT $2", "i", (int64_t)limit);
	if (!s)
		return NULL;
	json_t *out = json_array();
	for (; rc == DB_ROW; rc = db_step(s, e)) {
		int64_t id = db_col_int64(s, 0);
		char quand[40];
		paris_day_fr(db_col_int64(s, 1), quand, NULL);
		json_t *docs = json_array();
		if (db_col_int64(s, 4) > 0)
			json_array_append_new(docs, doc_json(siren, id, "liste", "Liste des délibérations", db_col_int64(s, 4), db_col_text(s, 5)));
		if (db_col_int64(s, 6) > 0 && *db_col_text(s, 7))
			json_array_append_new(docs, doc_json(siren, id, "pv", "Procès-verbal", db_col_int64(s, 6), db_col_text(s, 7)));
		json_array_append_new(out, json_pack("{s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)id, "date_fr", quand, "titre", db_col_text(s, 2),
						     "organe", db_col_text(s, 3), "documents", docs));
	}
	db_finalize(s);
	if (rc < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

int pub_seance_doc(db *d, int64_t tenant, int64_t seance, const char *kind, char sha[65], struct err *e)
{
	sha[0] = '\0';
	int is_pv = strcmp(kind, "pv") == 0;
	if (!is_pv && strcmp(kind, "liste") != 0)
		return 0;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, SEANCE_SQL " AND s.id = $2", "i", seance);
	if (!s)
		return -1;
	if (rc == DB_ROW && db_col_int64(s, is_pv ? 6 : 4) > 0)
		snprintf(sha, 65, "%s", db_col_text(s, is_pv ? 7 : 5));
	db_finalize(s);
	return sha[0] ? 1 : 0;
}
