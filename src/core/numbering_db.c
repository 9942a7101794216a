/* numbering_db: the allocator — per collectivité one pattern per series and one counter per series and
 * year (0006_numbering.sql). The counter is an upsert returning the new value, run in the caller's
 * transaction: the row stays locked until that transaction ends (PostgreSQL row lock; SQLite's single
 * writer), and a rollback gives the number back. */
#include "core/numbering.h"
#include "core/err.h"
#include "db/db.h"
#include "db/tenant.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const struct numbering_series numbering_series[] = {
	{ "deliberation", "Délibérations", "{YYYY}_{N:3}" },
	{ "arrete", "Arrêtés (réglementaires et individuels)", "A{YYYY}_{N:3}" },
	{ "contrat", "Contrats, conventions et avenants", "C{YYYY}_{N:3}" },
	{ "budget", "Documents budgétaires et financiers", "B{YYYY}_{N:3}" },
	{ "autre", "Autres actes", "X{YYYY}_{N:3}" },
};
const size_t numbering_series_n = sizeof numbering_series / sizeof numbering_series[0];

const struct numbering_series *numbering_series_get(const char *key)
{
	for (size_t i = 0; key && i < numbering_series_n; i++)
		if (strcmp(numbering_series[i].key, key) == 0)
			return &numbering_series[i];
	return NULL;
}

static const struct numbering_series *series_or_err(const char *key, struct err *e)
{
	const struct numbering_series *s = numbering_series_get(key);
	if (!s)
		err_set(e, 404, "numbering.serie", "Série de numérotation inconnue : « %s ».", key ? key : "");
	return s;
}

int numbering_pattern_get(db *d, int64_t tenant, const char *series, char *out, size_t outsz, struct err *e)
{
	const struct numbering_series *ser = series_or_err(series, e);
	if (!ser)
		return -1;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT pattern FROM numbering_patterns WHERE tenant_id = $1 AND series = $2", "t",
			       series);
	if (!s)
		return -1;
	snprintf(out, outsz, "%s", rc == DB_ROW ? db_col_text(s, 0) : ser->defaut);
	db_finalize(s);
	return 0;
}

int numbering_pattern_set(db *d, int64_t tenant, const char *series, const char *pattern, struct err *e)
{
	if (!series_or_err(series, e) || numbering_pattern_check(pattern, e) < 0)
		return -1;
	/* S2LOW also refuses a number starting or ending with « _ » (docs/actes.md). */
	if (pattern[0] == '_' || pattern[strlen(pattern) - 1] == '_')
		return err_set(e, 400, "numbering.motif",
			       "le motif ne peut ni commencer ni finir par « _ » : le tiers de télétransmission refuse ces "
			       "numéros");
	for (size_t i = 0; i < numbering_series_n; i++) {
		char other[64];
		if (strcmp(numbering_series[i].key, series) == 0)
			continue;
		if (numbering_pattern_get(d, tenant, numbering_series[i].key, other, sizeof other, e) < 0)
			return -1;
		if (strcmp(other, pattern) == 0)
			return err_set(e, 400, "numbering.motif",
				       "le motif « %s » est déjà celui de la série « %s » : deux séries ne peuvent pas produire "
				       "les mêmes numéros (un numéro est unique dans l'année)",
				       pattern, numbering_series[i].label);
	}
	int64_t now = (int64_t)time(NULL);
	if (tdb_run(d, tenant, e, "UPDATE numbering_patterns SET pattern = $3, updated_at = $4 WHERE tenant_id = $1 AND series = $2",
		    "tti", series, pattern, now) < 0)
		return -1;
	if (db_changes(d) == 0 &&
	    tdb_run(d, tenant, e, "INSERT INTO numbering_patterns (tenant_id, series, pattern, updated_at) VALUES ($1, $2, $3, $4)", "tti",
		    series, pattern, now) < 0)
		return -1;
	return 0;
}

int numbering_next(db *d, int64_t tenant, const char *series, struct date date, char *out, size_t outsz, long *n,
		   struct err *e)
{
	char pattern[64];
	if (!db_in_transaction(d))
		return err_set(e, 500, "numbering.transaction",
			       "Numérotation hors transaction refusée : le numéro doit être attribué dans la transaction "
			       "qui enregistre l'acte.");
	if (!date_valid(date))
		return err_set(e, 400, "date.invalide", "Date de l'acte invalide.");
	if (numbering_pattern_get(d, tenant, series, pattern, sizeof pattern, e) < 0)
		return -1;
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc,
			       "INSERT INTO numbering_counters (tenant_id, series, year, last_n) VALUES ($1, $2, $3, 1)"
			       " ON CONFLICT (tenant_id, series, year) DO UPDATE SET last_n = numbering_counters.last_n + 1"
			       " RETURNING last_n",
			       "ti", series, (int64_t)date.y);
	if (!s)
		return -1;
	long v = rc == DB_ROW ? (long)db_col_int64(s, 0) : 0;
	db_finalize(s);
	if (v < 1)
		return err_set(e, 500, "numbering.compteur", "Compteur de numérotation illisible.");
	if (n)
		*n = v;
	return numbering_format(pattern, date, v, out, outsz, e);
}
