/* export: what a folder leaves behind — the full record (documents, circuit with who acted for which
 * desk, history with the document's SHA-256, signers' certificates read back from the signed
 * documents), the « bordereau de signature » PDF, the history as PREMIS 3 XML, and the ZIP export
 * (documents, signed documents, detached signatures, bordereau, PREMIS). */
#include "parapheur/parapheur.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/dates.h"
#include "db/tenant.h"
#include "identity/identity.h"
#include "sign/sign.h"
#include "store/store.h"
#include "web/pdfdoc.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SIGNED_BYTES (200u << 20)

static const char *text1(db *d, int64_t tenant, const char *sql, int64_t id, char *out, size_t n)
{
	struct err e;
	int rc;
	out[0] = '\0';
	db_stmt *s = tdb_query(d, tenant, &e, &rc, sql, "i", id);
	if (s && rc == DB_ROW && db_col_text(s, 0))
		snprintf(out, n, "%s", db_col_text(s, 0));
	if (s)
		db_finalize(s);
	return out;
}

static const char *desk_name(db *d, int64_t tenant, int64_t desk, char out[256])
{
	if (!desk) {
		out[0] = '\0';
		return out;
	}
	return text1(d, tenant, "SELECT name FROM desks WHERE tenant_id = $1 AND id = $2", desk, out, 256);
}

static const char *user_name(db *d, int64_t user, char out[256])
{
	struct err e;
	int rc;
	out[0] = '\0';
	if (!user)
		return out;
	db_stmt *s = db_query(d, &e, &rc, "SELECT first_name, last_name, login FROM users WHERE id = $1", "i", user);
	if (s && rc == DB_ROW)
		snprintf(out, 256, "%s %s", db_col_text(s, 0), db_col_text(s, 1));
	if (s)
		db_finalize(s);
	return out;
}

/* Paris local time, "29/11/2026 14:05" (or "—" when 0). */
static const char *fr_time(int64_t t, char out[32])
{
	struct paris_time p;
	if (!t || paris_from_utc(t, &p, NULL) < 0) {
		snprintf(out, 32, "—");
		return out;
	}
	snprintf(out, 32, "%02d/%02d/%04d %02d:%02d", p.date.d, p.date.m, p.date.y, p.hh, p.mm);
	return out;
}

static int read_blob(const char *sha, buf *b)
{
	char path[1200];
	if (store_path(sha, path, sizeof path) < 0)
		return -1;
	return buf_read_file(b, path, MAX_SIGNED_BYTES);
}

/* Appends the signatures found in one signed document (or detached signature over `over`). */
static void add_signatures(json_t *out, const char *docname, const buf *doc, const buf *detached)
{
	struct sign_verify_opts o = { 0 };
	if (detached) {
		o.detached = detached->data;
		o.detached_len = detached->len;
	}
	buf rep = BUF_INIT;
	struct err e;
	if (sign_verify(doc->data, doc->len, &o, &rep, &e) < 0) {
		buf_free(&rep);
		return;
	}
	json_t *j = json_loads(rep.data ? rep.data : "{}", 0, NULL);
	buf_free(&rep);
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(j, "signatures"), i, s) {
		json_t *signer = json_object_get(s, "signer");
		const char *t = json_string_value(json_object_get(s, "signing_time"));
		json_array_append_new(out, json_pack("{s:s,s:s,s:b,s:s,s:s,s:s,s:s}", "document", docname, "format",
						     json_string_value(json_object_get(s, "format")) ? json_string_value(json_object_get(s, "format")) : "",
						     "valide", json_is_true(json_object_get(s, "valid")), "signataire",
						     json_string_value(json_object_get(signer, "subject")) ? json_string_value(json_object_get(signer, "subject")) : "",
						     "emetteur", json_string_value(json_object_get(signer, "issuer")) ? json_string_value(json_object_get(signer, "issuer")) : "",
						     "numero_serie", json_string_value(json_object_get(signer, "serial")) ? json_string_value(json_object_get(signer, "serial")) : "",
						     "date_signature", t ? t : ""));
	}
	json_decref(j);
}

/* Signatures of the folder: every signed document ('signe') is verified; every detached signature
 * ('signature') is verified against the main documents until one matches. */
static json_t *signatures(json_t *docs)
{
	json_t *out = json_array();
	size_t i, k;
	json_t *dc, *m;
	json_array_foreach(docs, i, dc) {
		const char *role = json_string_value(json_object_get(dc, "role"));
		const char *name = json_string_value(json_object_get(dc, "nom"));
		buf b = BUF_INIT;
		if (!role || (strcmp(role, "signe") != 0 && strcmp(role, "signature") != 0) ||
		    read_blob(json_string_value(json_object_get(dc, "sha256")), &b) < 0) {
			buf_free(&b);
			continue;
		}
		if (strcmp(role, "signe") == 0) {
			add_signatures(out, name, &b, NULL);
		} else {
			json_array_foreach(docs, k, m) {
				if (strcmp(json_string_value(json_object_get(m, "role")), "principal") != 0)
					continue;
				buf doc = BUF_INIT;
				size_t before = json_array_size(out);
				if (read_blob(json_string_value(json_object_get(m, "sha256")), &doc) == 0)
					add_signatures(out, name, &doc, &b);
				buf_free(&doc);
				if (json_array_size(out) > before && json_is_true(json_object_get(json_array_get(out, before), "valide")))
					break;
				while (json_array_size(out) > before)
					json_array_remove(out, json_array_size(out) - 1);
			}
		}
		buf_free(&b);
	}
	return out;
}

static const char *step_label(const char *t)
{
	return strcmp(t, "visa") == 0 ? "Visa" : strcmp(t, "signature") == 0 ? "Signature" : strcmp(t, "cachet") == 0 ? "Cachet serveur"
	       : strcmp(t, "externe") == 0 ? "Signature externe" : t;
}

static const char *state_label(const char *s)
{
	static const char *const m[][2] = { { "a_venir", "à venir" }, { "courante", "en attente" }, { "faite", "fait" },
					    { "sautee", "non requis" }, { "rejetee", "rejeté" }, { "avis_demande", "avis demandé" } };
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if (strcmp(s, m[i][0]) == 0)
			return m[i][1];
	return s;
}

json_t *pa_folder_record(db *d, int64_t tenant, int64_t folder, struct err *e)
{
	json_t *f = pa_folder_json(d, tenant, folder, e);
	if (!f)
		return NULL;
	char a[256], b[512];
	struct collectivite c;
	struct err e2;
	json_object_set_new(f, "collectivite", json_string(collectivite_get(d, tenant, &c, &e2) == 0 ? c.name : ""));
	int rc;
	db_stmt *s = tdb_query(d, tenant, e, &rc, "SELECT t.name, st.name, COALESCE(c.name, ''), f.creator, f.created_at, f.due_at"
						  " FROM folders f JOIN folder_subtypes st ON st.id = f.subtype_id JOIN folder_types t ON t.id = st.type_id"
						  " LEFT JOIN circuits c ON c.id = f.circuit_id WHERE f.tenant_id = $1 AND f.id = $2", "i", folder);
	if (s && rc == DB_ROW) {
		json_object_set_new(f, "type", json_string(db_col_text(s, 0)));
		json_object_set_new(f, "sous_type", json_string(db_col_text(s, 1)));
		json_object_set_new(f, "circuit_nom", json_string(db_col_text(s, 2)));
		json_object_set_new(f, "createur", json_string(user_name(d, db_col_int64(s, 3), a)));
		json_object_set_new(f, "cree_le", json_integer(db_col_int64(s, 4)));
		json_object_set_new(f, "echeance", json_integer(db_col_int64(s, 5)));
	}
	if (s)
		db_finalize(s);
	json_object_set_new(f, "emetteur", json_string(desk_name(d, tenant, json_integer_value(json_object_get(f, "bureau_emetteur")), a)));
	/* Steps with their tasks, names resolved. */
	json_t *steps = json_array(), *circ = json_object_get(f, "circuit");
	size_t i, k;
	json_t *st, *t;
	json_array_foreach(json_object_get(circ, "etapes"), i, st) {
		json_t *tasks = json_array();
		json_array_foreach(json_object_get(circ, "taches"), k, t) {
			if ((size_t)json_integer_value(json_object_get(t, "etape")) != i)
				continue;
			int64_t desk = json_integer_value(json_object_get(t, "bureau")), acted = json_integer_value(json_object_get(t, "agi_par_bureau"));
			json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:I}", "bureau", desk_name(d, tenant, desk, a), "etat",
					      state_label(json_string_value(json_object_get(t, "etat"))), "utilisateur",
					      user_name(d, json_integer_value(json_object_get(t, "utilisateur")), b), "code_etat",
					      json_string_value(json_object_get(t, "etat")), "date",
					      (json_int_t)json_integer_value(json_object_get(t, "date")));
			if (acted && acted != desk)
				json_object_set_new(o, "delegataire", json_string(desk_name(d, tenant, acted, a)));
			json_array_append_new(tasks, o);
		}
		const char *type = json_string_value(json_object_get(st, "type"));
		json_array_append_new(steps, json_pack("{s:i,s:s,s:s,s:s,s:o}", "numero", (int)i + 1, "type", type, "libelle", step_label(type),
						       "mode", json_string_value(json_object_get(st, "mode")), "taches", tasks));
	}
	json_object_set_new(f, "etapes", steps);
	json_object_set_new(f, "signatures", signatures(json_object_get(f, "documents")));
	return f;
}

/* ---- bordereau ------------------------------------------------------------------------------ */

static const char *action_label(const char *a)
{
	return strcmp(a, "creation") == 0 ? "création" : strcmp(a, "demarrage") == 0 ? "démarrage" : a;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

int pa_bordereau_pdf(db *d, int64_t tenant, int64_t folder, const char *path, struct err *e)
{
	json_t *f = pa_folder_record(d, tenant, folder, e);
	if (!f)
		return -1;
	char foot[700], line[1400], t1[32];
	snprintf(foot, sizeof foot, "Bordereau de signature — dossier n° %lld — %s", (long long)folder, jstr(f, "collectivite"));
	pdfdoc *p = pdfdoc_new(path, foot, e);
	if (!p) {
		json_decref(f);
		return -1;
	}
	pdfdoc_title(p, "Bordereau de signature");
	snprintf(line, sizeof line, "Dossier n° %lld : %s", (long long)folder, jstr(f, "titre"));
	pdfdoc_heading(p, line);
	static const double w2[] = { 0.3, 0.7 };
	const char *statut = jstr(f, "statut");
	const char *st_fr = strcmp(statut, "termine") == 0 ? "terminé" : strcmp(statut, "rejete") == 0 ? "rejeté"
			    : strcmp(statut, "en_cours") == 0 ? "en cours" : "brouillon";
	char when[32], due[32], now[32];
	const char *rows[][2] = {
		{ "Collectivité", jstr(f, "collectivite") }, { "Type / sous-type", NULL }, { "Circuit", jstr(f, "circuit_nom") },
		{ "Bureau émetteur", jstr(f, "emetteur") }, { "Créé par", jstr(f, "createur") },
		{ "Créé le", fr_time(json_integer_value(json_object_get(f, "cree_le")), when) },
		{ "Échéance", fr_time(json_integer_value(json_object_get(f, "echeance")), due) }, { "Statut", st_fr },
		{ "Bordereau établi le", fr_time(identity_now(), now) },
	};
	char ts[600];
	snprintf(ts, sizeof ts, "%s / %s", jstr(f, "type"), jstr(f, "sous_type"));
	rows[1][1] = ts;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		pdfdoc_row(p, 2, w2, rows[i], 0);

	pdfdoc_heading(p, "Documents");
	static const double wd[] = { 0.34, 0.14, 0.52 };
	const char *hd[] = { "Nom", "Rôle", "Empreinte SHA-256" };
	pdfdoc_row(p, 3, wd, hd, 1);
	size_t i, k;
	json_t *o, *t;
	json_array_foreach(json_object_get(f, "documents"), i, o) {
		const char *role = jstr(o, "role");
		const char *cells[] = { jstr(o, "nom"), strcmp(role, "principal") == 0 ? "principal" : strcmp(role, "annexe") == 0 ? "annexe"
							: strcmp(role, "signe") == 0 ? "document signé" : strcmp(role, "signature") == 0 ? "signature détachée" : role,
					jstr(o, "sha256") };
		pdfdoc_row(p, 3, wd, cells, 0);
	}

	pdfdoc_heading(p, "Circuit");
	static const double wc[] = { 0.08, 0.14, 0.28, 0.13, 0.19, 0.18 };
	const char *hc[] = { "N°", "Action", "Bureau", "État", "Par", "Date" };
	pdfdoc_row(p, 6, wc, hc, 1);
	json_array_foreach(json_object_get(f, "etapes"), i, o) {
		json_array_foreach(json_object_get(o, "taches"), k, t) {
			char num[16], desk[600], by[300], date[32];
			snprintf(num, sizeof num, "%lld%s", (long long)json_integer_value(json_object_get(o, "numero")),
				 json_array_size(json_object_get(o, "taches")) > 1 ? (strcmp(jstr(o, "mode"), "et") == 0 ? " (ET)" : " (OU)") : "");
			if (*jstr(t, "delegataire"))
				snprintf(desk, sizeof desk, "%s — par %s, en l'absence de %s", jstr(t, "bureau"), jstr(t, "delegataire"), jstr(t, "bureau"));
			else
				snprintf(desk, sizeof desk, "%s", jstr(t, "bureau"));
			snprintf(by, sizeof by, "%s", jstr(t, "utilisateur"));
			const char *cells[] = { num, jstr(o, "libelle"), desk, jstr(t, "etat"), by,
						fr_time(json_integer_value(json_object_get(t, "date")), date) };
			pdfdoc_row(p, 6, wc, cells, 0);
		}
	}

	pdfdoc_heading(p, "Historique");
	static const double wh[] = { 0.17, 0.16, 0.15, 0.18, 0.34 };
	const char *hh[] = { "Date", "Action", "Par", "Bureau", "Annotation et document (SHA-256)" };
	pdfdoc_row(p, 5, wh, hh, 1);
	json_array_foreach(json_object_get(f, "historique"), i, o) {
		char desk[600], note[1400];
		if (*jstr(o, "bureau_delegataire"))
			snprintf(desk, sizeof desk, "%s, en l'absence de %s", jstr(o, "bureau_delegataire"), jstr(o, "en_l_absence_de"));
		else
			snprintf(desk, sizeof desk, "%s", jstr(o, "bureau"));
		snprintf(note, sizeof note, "%s%s%s%s", *jstr(o, "annotation") ? "« " : "", jstr(o, "annotation"),
			 *jstr(o, "annotation") ? " »\n" : "", jstr(o, "sha256"));
		const char *cells[] = { fr_time(json_integer_value(json_object_get(o, "date")), t1), action_label(jstr(o, "action")), jstr(o, "par"),
					desk, note };
		pdfdoc_row(p, 5, wh, cells, 0);
	}

	pdfdoc_heading(p, "Signatures et certificats des signataires");
	json_t *sigs = json_object_get(f, "signatures");
	if (!json_array_size(sigs)) {
		pdfdoc_para(p, "Aucun document signé dans ce dossier.");
	} else {
		static const double ws[] = { 0.2, 0.28, 0.22, 0.17, 0.13 };
		const char *hs[] = { "Document", "Signataire (certificat)", "Émis par", "Date", "Vérification" };
		pdfdoc_row(p, 5, ws, hs, 1);
		json_array_foreach(sigs, i, o) {
			char signer[700];
			snprintf(signer, sizeof signer, "%s\nn° de série %s", jstr(o, "signataire"), jstr(o, "numero_serie"));
			int64_t at;
			char when2[32] = "—";
			if (*jstr(o, "date_signature") && instant_parse_iso(jstr(o, "date_signature"), &at, NULL) == 0)
				fr_time(at, when2);
			const char *cells[] = { jstr(o, "document"), signer, jstr(o, "emetteur"), when2,
						json_is_true(json_object_get(o, "valide")) ? "valide" : "NON valide" };
			pdfdoc_row(p, 5, ws, cells, 0);
		}
	}
	json_decref(f);
	return pdfdoc_finish(p, e);
}

/* ---- PREMIS 3 ------------------------------------------------------------------------------- */

/* XML text: escaped, control characters XML 1.0 forbids dropped. */
static void xml_text(buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			continue;
		switch (c) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		default: buf_putc(b, (char)c);
		}
	}
}

static void el(buf *b, const char *name, const char *text)
{
	buf_printf(b, "<premis:%s>", name);
	xml_text(b, text);
	buf_printf(b, "</premis:%s>", name);
}

static void iso(int64_t t, char out[26])
{
	if (paris_format_iso(t, out) < 0)
		snprintf(out, 26, "1970-01-01T00:00:00Z");
}

/* File name of a document inside the ZIP export (also its PREMIS identifier). */
static void zip_name(json_t *doc, char *out, size_t n)
{
	const char *role = jstr(doc, "role");
	const char *dir = strcmp(role, "signe") == 0 ? "signes" : strcmp(role, "signature") == 0 ? "signatures"
			  : strcmp(role, "annexe") == 0 ? "annexes" : "documents";
	char clean[256];
	size_t o = 0;
	for (const char *p = jstr(doc, "nom"); *p && o + 1 < sizeof clean; p++)
		clean[o++] = (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20) ? '_' : *p;
	clean[o] = '\0';
	if (!o || strcmp(clean, ".") == 0 || strcmp(clean, "..") == 0)
		snprintf(clean, sizeof clean, "document");
	snprintf(out, n, "%s/%lld-%s", dir, (long long)json_integer_value(json_object_get(doc, "id")), clean);
}

static const char *event_type(const char *action)
{
	/* PREMIS event types (LoC vocabulary where one fits; the parapheur's own action otherwise). */
	if (strcmp(action, "creation") == 0)
		return "creation";
	if (strcmp(action, "signature") == 0 || strcmp(action, "cachet") == 0 || strcmp(action, "signature externe") == 0)
		return "digital signature generation";
	return action;
}

/* An event's identifier, type and date. */
static void event_head(buf *b, const char *eid, const char *type, const char *ts)
{
	buf_puts(b, "<premis:event><premis:eventIdentifier>");
	el(b, "eventIdentifierType", "opale:evenement");
	el(b, "eventIdentifierValue", eid);
	buf_puts(b, "</premis:eventIdentifier>");
	el(b, "eventType", type);
	el(b, "eventDateTime", ts);
}

/* An event's link to the archive's file of a document. */
static void link_file(buf *b, json_t *doc)
{
	char zn[400];
	zip_name(doc, zn, sizeof zn);
	buf_puts(b, "<premis:linkingObjectIdentifier>");
	el(b, "linkingObjectIdentifierType", "opale:fichier");
	el(b, "linkingObjectIdentifierValue", zn);
	buf_puts(b, "</premis:linkingObjectIdentifier>");
}

/* An event's link to an agent ("personne:NAME", "bureau:NAME"), remembered in agents with its type. */
static void link_agent(buf *b, json_t *agents, const char *prefix, const char *name, const char *type, const char *role)
{
	char aid[300];
	snprintf(aid, sizeof aid, "%s:%s", prefix, name);
	json_object_set_new(agents, aid, json_string(type));
	buf_puts(b, "<premis:linkingAgentIdentifier>");
	el(b, "linkingAgentIdentifierType", "opale:agent");
	el(b, "linkingAgentIdentifierValue", aid);
	el(b, "linkingAgentRole", role);
	buf_puts(b, "</premis:linkingAgentIdentifier>");
}

int pa_premis_xml(json_t *f, buf *b)
{
	char ts[26], id[64];
	long long folder = (long long)json_integer_value(json_object_get(f, "id"));
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<premis:premis xmlns:premis=\"http://www.loc.gov/premis/v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
		    " xsi:schemaLocation=\"http://www.loc.gov/premis/v3 https://www.loc.gov/standards/premis/premis.xsd\" version=\"3.0\">\n");
	/* The folder as an intellectual entity. */
	snprintf(id, sizeof id, "dossier-%lld", folder);
	buf_puts(b, "<premis:object xsi:type=\"premis:intellectualEntity\"><premis:objectIdentifier>");
	el(b, "objectIdentifierType", "opale:dossier");
	el(b, "objectIdentifierValue", id);
	buf_puts(b, "</premis:objectIdentifier>");
	el(b, "originalName", jstr(f, "titre"));
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(f, "documents"), i, o) {
		char zn[400];
		zip_name(o, zn, sizeof zn);
		buf_puts(b, "<premis:relationship>");
		el(b, "relationshipType", "structural");
		el(b, "relationshipSubType", "has part");
		buf_puts(b, "<premis:relatedObjectIdentifier>");
		el(b, "relatedObjectIdentifierType", "opale:fichier");
		el(b, "relatedObjectIdentifierValue", zn);
		buf_puts(b, "</premis:relatedObjectIdentifier></premis:relationship>");
	}
	buf_puts(b, "</premis:object>\n");
	/* One file object per document, with its fixity. */
	json_array_foreach(json_object_get(f, "documents"), i, o) {
		char zn[400], size[32];
		zip_name(o, zn, sizeof zn);
		snprintf(size, sizeof size, "%lld", (long long)json_integer_value(json_object_get(o, "taille")));
		buf_puts(b, "<premis:object xsi:type=\"premis:file\"><premis:objectIdentifier>");
		el(b, "objectIdentifierType", "opale:fichier");
		el(b, "objectIdentifierValue", zn);
		buf_puts(b, "</premis:objectIdentifier><premis:objectCharacteristics>");
		el(b, "compositionLevel", "0");
		buf_puts(b, "<premis:fixity>");
		el(b, "messageDigestAlgorithm", "SHA-256");
		el(b, "messageDigest", jstr(o, "sha256"));
		buf_puts(b, "</premis:fixity>");
		el(b, "size", size);
		buf_puts(b, "<premis:format><premis:formatDesignation>");
		el(b, "formatName", jstr(o, "mime"));
		buf_puts(b, "</premis:formatDesignation></premis:format></premis:objectCharacteristics>");
		el(b, "originalName", jstr(o, "nom"));
		buf_puts(b, "<premis:relationship>");
		el(b, "relationshipType", "structural");
		el(b, "relationshipSubType", "is part of");
		buf_puts(b, "<premis:relatedObjectIdentifier>");
		el(b, "relatedObjectIdentifierType", "opale:dossier");
		el(b, "relatedObjectIdentifierValue", id);
		buf_puts(b, "</premis:relatedObjectIdentifier></premis:relationship></premis:object>\n");
	}
	/* Events: the history, then one validation event per signature read back. */
	json_t *agents = json_object();
	json_array_foreach(json_object_get(f, "historique"), i, o) {
		char eid[64];
		snprintf(eid, sizeof eid, "evenement-%lld", (long long)json_integer_value(json_object_get(o, "id")));
		iso(json_integer_value(json_object_get(o, "date")), ts);
		event_head(b, eid, event_type(jstr(o, "action")), ts);
		buf det = BUF_INIT;
		buf_printf(&det, "Action « %s »", jstr(o, "action"));
		if (*jstr(o, "bureau_delegataire"))
			buf_printf(&det, " par le bureau %s en l'absence de %s", jstr(o, "bureau_delegataire"), jstr(o, "en_l_absence_de"));
		else if (*jstr(o, "bureau"))
			buf_printf(&det, " pour le bureau %s", jstr(o, "bureau"));
		if (*jstr(o, "annotation"))
			buf_printf(&det, " ; annotation publique : « %s »", jstr(o, "annotation"));
		buf_puts(b, "<premis:eventDetailInformation>");
		el(b, "eventDetail", det.data);
		buf_puts(b, "</premis:eventDetailInformation>");
		buf_free(&det);
		buf_puts(b, "<premis:eventOutcomeInformation>");
		el(b, "eventOutcome", "succès");
		buf_puts(b, "</premis:eventOutcomeInformation>");
		const char *who = jstr(o, "par"), *desk = *jstr(o, "bureau_delegataire") ? jstr(o, "bureau_delegataire") : jstr(o, "bureau");
		if (*who && strcmp(who, " ") != 0)
			link_agent(b, agents, "personne", who, "person", "exécutant");
		if (*desk)
			link_agent(b, agents, "bureau", desk, "organization", "bureau");
		/* The document as it stood (SHA-256 recorded with the event). */
		size_t k;
		json_t *dc;
		json_array_foreach(json_object_get(f, "documents"), k, dc) {
			if (!*jstr(o, "sha256") || strcmp(jstr(dc, "sha256"), jstr(o, "sha256")) != 0)
				continue;
			link_file(b, dc);
			break;
		}
		buf_puts(b, "<premis:linkingObjectIdentifier>");
		el(b, "linkingObjectIdentifierType", "opale:dossier");
		el(b, "linkingObjectIdentifierValue", id);
		buf_puts(b, "</premis:linkingObjectIdentifier></premis:event>\n");
	}
	json_array_foreach(json_object_get(f, "signatures"), i, o) {
		char eid[64];
		snprintf(eid, sizeof eid, "verification-%zu", i + 1);
		iso(identity_now(), ts);
		event_head(b, eid, "digital signature validation", ts);
		buf det = BUF_INIT;
		buf_printf(&det, "Signature %s de %s (certificat émis par %s, n° de série %s), signée le %s", jstr(o, "format"),
			   jstr(o, "signataire"), jstr(o, "emetteur"), jstr(o, "numero_serie"), *jstr(o, "date_signature") ? jstr(o, "date_signature") : "?");
		buf_puts(b, "<premis:eventDetailInformation>");
		el(b, "eventDetail", det.data);
		buf_puts(b, "</premis:eventDetailInformation><premis:eventOutcomeInformation>");
		buf_free(&det);
		el(b, "eventOutcome", json_is_true(json_object_get(o, "valide")) ? "valide" : "non valide");
		buf_puts(b, "</premis:eventOutcomeInformation>");
		size_t k;
		json_t *dc;
		json_array_foreach(json_object_get(f, "documents"), k, dc) {
			if (strcmp(jstr(dc, "nom"), jstr(o, "document")) != 0 ||
			    (strcmp(jstr(dc, "role"), "signe") != 0 && strcmp(jstr(dc, "role"), "signature") != 0))
				continue;
			link_file(b, dc);
			break;
		}
		buf_puts(b, "</premis:event>\n");
	}
	const char *key;
	json_t *v;
	json_object_foreach(agents, key, v) {
		buf_puts(b, "<premis:agent><premis:agentIdentifier>");
		el(b, "agentIdentifierType", "opale:agent");
		el(b, "agentIdentifierValue", key);
		buf_puts(b, "</premis:agentIdentifier>");
		el(b, "agentName", strchr(key, ':') + 1);
		el(b, "agentType", json_string_value(v));
		buf_puts(b, "</premis:agent>\n");
	}
	json_decref(agents);
	buf_puts(b, "<premis:agent><premis:agentIdentifier>");
	el(b, "agentIdentifierType", "opale:agent");
	el(b, "agentIdentifierValue", "logiciel:opale");
	buf_puts(b, "</premis:agentIdentifier>");
	el(b, "agentName", "Opale (parapheur électronique)");
	el(b, "agentType", "software");
	buf_puts(b, "</premis:agent>\n</premis:premis>\n");
	return 0;
}

/* ---- ZIP ------------------------------------------------------------------------------------ */

static int zip_add(struct archive *a, const char *name, const char *path, const void *mem, size_t len, int64_t mtime,
		   struct err *e)
{
	int fd = -1;
	struct stat sb;
	if (path) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &sb) < 0) {
			if (fd >= 0)
				close(fd);
			return err_set(e, 500, "export.document", "Document absent du stockage : %s.", name);
		}
		len = (size_t)sb.st_size;
	}
	struct archive_entry *en = archive_entry_new();
	archive_entry_set_pathname_utf8(en, name);
	archive_entry_set_size(en, (la_int64_t)len);
	archive_entry_set_filetype(en, AE_IFREG);
	archive_entry_set_perm(en, 0644);
	archive_entry_set_mtime(en, (time_t)mtime, 0);
	int rc = archive_write_header(a, en);
	archive_entry_free(en);
	if (rc != ARCHIVE_OK) {
		if (fd >= 0)
			close(fd);
		return err_set(e, 500, "export.zip", "Écriture du ZIP impossible : %s.", archive_error_string(a));
	}
	if (fd >= 0) {
		char chunk[65536];
		ssize_t n;
		while ((n = read(fd, chunk, sizeof chunk)) > 0)
			if (archive_write_data(a, chunk, (size_t)n) != n) {
				close(fd);
				return err_set(e, 500, "export.zip", "Écriture du ZIP impossible : %s.", archive_error_string(a));
			}
		close(fd);
		if (n < 0)
			return err_set(e, 500, "export.document", "Lecture impossible : %s.", name);
	} else if (len && archive_write_data(a, mem, len) != (la_ssize_t)len) {
		return err_set(e, 500, "export.zip", "Écriture du ZIP impossible : %s.", archive_error_string(a));
	}
	return 0;
}

int pa_export_zip(db *d, int64_t tenant, int64_t folder, const char *path, struct err *e)
{
	json_t *f = pa_folder_record(d, tenant, folder, e);
	if (!f)
		return -1;
	char bpath[1400];
	snprintf(bpath, sizeof bpath, "%s.bordereau.pdf", path);
	buf premis = BUF_INIT;
	pa_premis_xml(f, &premis);
	int64_t now = identity_now();
	struct archive *a = archive_write_new();
	int rc = -1;
	if (archive_write_set_format_zip(a) != ARCHIVE_OK || archive_write_open_filename(a, path) != ARCHIVE_OK) {
		err_set(e, 500, "export.zip", "Création du ZIP impossible : %s.", archive_error_string(a));
		goto out;
	}
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(f, "documents"), i, o) {
		char zn[400], bp[1200];
		zip_name(o, zn, sizeof zn);
		if (store_path(jstr(o, "sha256"), bp, sizeof bp) < 0 || zip_add(a, zn, bp, NULL, 0, now, e) < 0)
			goto out;
	}
	if (pa_bordereau_pdf(d, tenant, folder, bpath, e) < 0 || zip_add(a, "bordereau-de-signature.pdf", bpath, NULL, 0, now, e) < 0 ||
	    zip_add(a, "historique-premis.xml", NULL, premis.data, premis.len, now, e) < 0)
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		err_set(e, 500, "export.zip", "Écriture du ZIP impossible : %s.", archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	archive_write_free(a);
	unlink(bpath);
	if (rc < 0)
		unlink(path);
	buf_free(&premis);
	json_decref(f);
	return rc;
}
