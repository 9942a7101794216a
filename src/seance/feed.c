/* feed: the séances as an ICS calendar (`GET /seances.ics`) that an élu's phone or a secretary's
 * agenda subscribes to with a subscription link (src/identity/feeds.c, `?jeton=`). An élu gets the
 * séances of the assemblies they sit in, the staff every séance of the collectivité; a séance appears
 * once its convocation is sent (never while in preparation), from a year back. A séance has no planned
 * end: the event lasts until the closing time once it is closed, else two hours (a common length,
 * shown only as the event's extent in the agenda). */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
#include "core/config.h"
#include "core/ics.h"
#include "db/tenant.h"
#include "http/http.h"
#include "identity/identity.h"

#include <stdio.h>
#include <string.h>

#define FEED_READERS (ROLE_ADMIN | ROLE_AGENT | ROLE_SECRETAIRE | ROLE_AUDITOR | ROLE_ELU)
#define STAFF (ROLE_ADMIN | ROLE_AGENT | ROLE_SECRETAIRE | ROLE_AUDITOR)

static int seances_ics(struct req *r)
{
	db *d = req_db(r);
	if (!d)
		return -1;
	int staff = (r->roles & STAFF) != 0;
	int64_t now = identity_now();
	struct err e;
	int rc;
	/* staff: every séance sent; an élu only: those of the assemblies where they are a member */
	db_stmt *s = tdb_query(d, r->tenant_id, &e, &rc,
			       "SELECT s.id, s.title, s.starts_at, s.place, o.name, s.closed_at, s.status, s.urgence FROM seances s"
			       " JOIN organes o ON o.id = s.organe_id"
			       " WHERE s.tenant_id = $1 AND s.status <> 'preparation' AND s.starts_at >= $2"
			       " AND ($3 = 1 OR EXISTS (SELECT 1 FROM membres m WHERE m.organe_id = s.organe_id AND m.user_id = $4))"
			       " ORDER BY s.starts_at",
			       "iii", now - 366 * 86400, (int64_t)staff, r->user_id);
	if (!s)
		return res_fail_err(r, &e);
	buf b = BUF_INIT;
	ics_begin(&b, "Seances", staff ? "Séances des assemblées" : "Mes séances");
	while (rc == DB_ROW) {
		int64_t id = db_col_int64(s, 0), start = db_col_int64(s, 2), closed = db_col_int64(s, 5);
		buf_printf(&b, "BEGIN:VEVENT\r\nUID:seance-%lld-%lld@opale\r\n", (long long)r->tenant_id, (long long)id);
		ics_utc(&b, "DTSTAMP", now);
		ics_utc(&b, "DTSTART", start);
		ics_utc(&b, "DTEND", closed > start ? closed : start + 2 * 3600);
		buf_puts(&b, "SUMMARY:");
		ics_text(&b, db_col_text(s, 4));
		buf_puts(&b, " — ");
		ics_text(&b, db_col_text(s, 1));
		buf_puts(&b, "\r\nLOCATION:");
		ics_text(&b, db_col_text(s, 3));
		buf_puts(&b, "\r\nDESCRIPTION:");
		ics_text(&b, db_col_int64(s, 7) ? "Séance convoquée en urgence. " : "");
		ics_text(&b, staff ? "Ordre du jour, convocations et présences dans Opale."
				   : "Ordre du jour, documents et votre réponse dans Opale.");
		buf_printf(&b, "\r\nURL:%s%s/%lld\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\n", cfg.public_url,
			   staff ? "/seances" : "/elu/seances", (long long)id);
		rc = db_step(s, &e);
	}
	db_finalize(s);
	ics_end(&b);
	int ret = rc == DB_DONE ? res_text(r, 200, "text/calendar; charset=utf-8", b.data, b.len) : res_fail_err(r, &e);
	buf_free(&b);
	return ret;
}
OPALE_ROUTE(sd_feed_ics, "GET", "/seances.ics", seances_ics, FEED_READERS, SCOPE_TENANT, RF_TIER_IDELIBRE | RF_FEED);
