/* After the séance, through the real server (both engines): the demo conseil communautaire with 30
 * titulaires present (one leaving after point 3), one represented by a written pouvoir, one excused,
 * the others absent. The procès-verbal draft names them all (pdftotext of the PDF), its president and
 * secretary, the quorum, the agenda and the secretary's debates; saves are versioned and a stale
 * version is refused; arrêté → the PDF is frozen (same bytes), edits refused; adopted only at a later
 * séance of the same assembly; sent to the parapheur from the secretary's desk, signé at the end of the
 * circuit. The liste des délibérations: deadline alert mailed once, PDF,
 * published once, after the séance only, with its « mise en ligne » mention. The registre sheets
 * (order numbers, closing sheet with members present and signature places, tables by date and by
 * object) and the yearly export. The auditor reads but cannot write. */
#include "apitest.h"
#include "httptest.h"
#include "t.h"

#include "core/dates.h"
#include "identity/identity.h"
#include "parapheur/parapheur.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct srv S;
static db *D;
static char tok_sec[80], tok_aud[80];

static void name_of(int64_t membre, char out[200])
{
	struct err e;
	int rc;
	db_stmt *s = db_query(D, &e, &rc, "SELECT first_name, last_name FROM membres WHERE id = $1", "i", membre);
	snprintf(out, 200, "%s %s", s && rc == DB_ROW ? db_col_text(s, 0) : "?", s && rc == DB_ROW ? db_col_text(s, 1) : "?");
	if (s)
		db_finalize(s);
}

static int has(struct ht_resp *r, const char *s)
{
	return r->body.data && strstr(r->body.data, s) != NULL;
}

/* GET a PDF and return its text (malloc'd); *bytes gets a copy of the PDF when not NULL. */
static char *pdf_text(const char *path, buf *bytes)
{
	struct ht_resp r;
	at_raw(&S, tok_sec, "GET", path, NULL, &r);
	char *t = r.status == 200 && r.body.len > 4 && !memcmp(r.body.data, "%PDF", 4) ? at_pdf_text(r.body.data, r.body.len) : strdup("");
	if (bytes)
		buf_add(bytes, r.body.data, r.body.len);
	ht_resp_free(&r);
	return t;
}

int main(void)
{
	if (!T_OK(srv_start(&S, NULL) == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.secretaire", tok_sec);
	at_token(&S, D, "ccpo.auditeur", tok_aud);
	struct ht_resp r;
	struct err e;
	int rc;
	char path[256], body[4096];
	int64_t sea = at_one_i(D, "SELECT id FROM seances WHERE title = 'Conseil communautaire' AND id > $1 ORDER BY id LIMIT 1", 0);
	int64_t organe = at_one_i(D, "SELECT organe_id FROM seances WHERE id = $1", sea);
	T_OK(sea > 0 && organe > 0, "the demo séance of the conseil communautaire");

	/* 0. The séance took place six days ago: the list's deadline (séance day + 7) is tomorrow, so its
	 * alert (two days before, 07:00) is due at once. */
	char when[20];
	struct paris_time pt;
	paris_from_utc(identity_now() - 6 * 86400, &pt, NULL);
	snprintf(when, sizeof when, "%04d-%02d-%02dT18:30", pt.date.y, pt.date.m, pt.date.d);
	snprintf(body, sizeof body, "{\"organe\":%lld,\"titre\":\"Conseil communautaire\",\"date\":\"%s\",\"lieu\":\"Guînes\"}", (long long)organe,
		 when);
	snprintf(path, sizeof path, "/api/v1/seances/%lld", (long long)sea);
	T_EQ_INT(at_raw(&S, tok_sec, "PUT", path, body, &r), 200, "the séance is moved six days back");
	ht_resp_free(&r);

	/* 1. Attendance: titulaires 1-30 present (n° 30 leaves after point 3), 31 represented by 1, 32
	 * excused, the rest absent. */
	int64_t m[50];
	int n = 0;
	db_stmt *st = db_query(D, &e, &rc, "SELECT id FROM membres WHERE organe_id = $1 AND qualite = 'titulaire' ORDER BY id", "i", organe);
	while (st && rc == DB_ROW && n < 50) {
		m[n++] = db_col_int64(st, 0);
		rc = db_step(st, &e);
	}
	if (st)
		db_finalize(st);
	T_EQ_INT(n, 50, "50 titulaires");
	int ok = 0;
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "/api/v1/seances/%lld/presences/%lld", (long long)sea, (long long)m[i]);
		const char *j = i < 29 ? "{\"statut\":\"present\"}" : i == 29 ? "{\"statut\":\"present\",\"depart\":3}"
				 : i == 30 ? "{\"statut\":\"represente\"}" : i == 31 ? "{\"statut\":\"excuse\"}" : "{\"statut\":\"absent\"}";
		ok += at_raw(&S, tok_sec, "PUT", path, j, &r) == 200;
		ht_resp_free(&r);
	}
	snprintf(path, sizeof path, "/api/v1/seances/%lld/presences/%lld", (long long)sea, (long long)m[30]);
	snprintf(body, sizeof body, "{\"reponse\":\"procuration\",\"mandataire\":%lld}", (long long)m[0]);
	ok += at_raw(&S, tok_sec, "PUT", path, body, &r) == 200;
	ht_resp_free(&r);
	T_EQ_INT(ok, 51, "attendance and the written pouvoir recorded");
	char present1[200], present29[200], parti[200], repr[200], exc[200], absent[200], sec_name[200];
	name_of(m[0], present1);
	name_of(m[28], present29);
	name_of(m[29], parti);
	name_of(m[30], repr);
	name_of(m[31], exc);
	name_of(m[49], absent);
	name_of(m[1], sec_name);

	/* 2. The draft from the séance's data. */
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv", (long long)sea);
	json_t *pv = at_api(&S, tok_sec, "GET", path, NULL, NULL);
	T_OK(pv && !strcmp(json_string_value(json_object_get(pv, "etat")), "brouillon") &&
	     json_integer_value(json_object_get(pv, "version")) == 0, "a séance without PV gives a version-0 brouillon");
	T_EQ_INT(json_integer_value(json_object_get(pv, "n_presents")), 30, "30 present");
	T_EQ_INT(json_integer_value(json_object_get(pv, "n_representes")), 1, "1 represented");
	T_EQ_INT(json_integer_value(json_object_get(pv, "n_excuses")), 1, "1 excused");
	T_EQ_INT(json_integer_value(json_object_get(pv, "n_absents")), 18, "18 absent");
	int64_t p1 = json_integer_value(json_object_get(json_array_get(json_object_get(pv, "points"), 0), "id"));
	int64_t p4 = json_integer_value(json_object_get(json_array_get(json_object_get(pv, "points"), 3), "id"));
	json_decref(pv);

	/* 3. The secretary writes it: president, secretary, texts; versioned. */
	snprintf(body, sizeof body,
		 "{\"version\":0,\"president\":%lld,\"secretaire\":%lld,\"introduction\":\"La séance est ouverte à 18 h 35.\","
		 "\"conclusion\":\"La séance est levée à 20 h 10.\",\"debats\":{\"%lld\":\"M. le Président rappelle l'objet de la convention zèbre.\"}}",
		 (long long)m[0], (long long)m[1], (long long)p1);
	T_EQ_INT(at_raw(&S, tok_sec, "PUT", path, body, &r), 200, "the PV is saved");
	T_OK(has(&r, "\"version\": 1") || has(&r, "\"version\":1"), "as version 1");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_sec, "PUT", path, "{\"version\":0,\"conclusion\":\"x\"}", &r), 409, "a save from a stale version is refused");
	T_OK(has(&r, "pv.conflit"), "pv.conflit");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"version\":1,\"debats\":{\"%lld\":\"Débat sur la fabrique ornithorynque.\"}}", (long long)p4);
	T_EQ_INT(at_raw(&S, tok_sec, "PUT", path, body, &r), 200, "a second save (debates of point 4)");
	ht_resp_free(&r);
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM seance_pv_versions WHERE seance_id = $1", sea), 2, "two versions kept");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM seance_pv_debats WHERE seance_id = $1", sea), 2, "the debates of points 1 and 4 kept");
	snprintf(body, sizeof body, "{\"president\":%lld}", (long long)at_one_i(D, "SELECT MAX(id) + 1000 FROM membres WHERE id > $1", 0));
	T_EQ_INT(at_raw(&S, tok_sec, "PUT", path, body, &r), 400, "a president who is not a member is refused");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_aud, "PUT", path, "{\"conclusion\":\"x\"}", &r), 403, "the auditor cannot write");
	ht_resp_free(&r);
	pv = at_api(&S, tok_aud, "GET", path, NULL, NULL);
	T_OK(pv && json_integer_value(json_object_get(pv, "version")) == 2, "the auditor reads it (version 2)");
	json_decref(pv);

	/* 3b. Ballots (0041_votes.sql, as the votes of issue #9 store them): point 1 public and adopted as
	 * délibération 2026_901 (one vote against by name, one proxy vote), point 2 secret. */
	int64_t p2 = at_one_i(D, "SELECT id FROM seance_points WHERE seance_id = $1 AND rank = 2", sea);
	int64_t tenant0 = at_one_i(D, "SELECT tenant_id FROM seances WHERE id = $1", sea), v1 = 0, acte = 0;
	st = db_query(D, &e, &rc,
		      "INSERT INTO seance_votes (tenant_id, seance_id, point_id, secret, pour, contre, abstention, nppv, exprimes, en_exercice, "
		      "presents, representes, quorum, adopte, resultat, recorded_at) VALUES ($1,$2,$3,0,29,1,0,0,30,50,30,1,26,1,'Adoptée',1) RETURNING id",
		      "iii", tenant0, sea, p1);
	if (st) {
		v1 = db_col_int64(st, 0);
		db_finalize(st);
	}
	st = db_query(D, &e, &rc,
		      "INSERT INTO actes (tenant_id, annee, numero, nature, objet, date_decision, matiere, classification_date, type_piece, creator, "
		      "created_at, updated_at) VALUES ($1, 2026, '2026_901', 1, 'Convention d''adhésion', '2026-11-23', '1.4', '', '99_DE', 1, 1, 1) "
		      "RETURNING id", "i", tenant0);
	if (st) {
		acte = db_col_int64(st, 0);
		db_finalize(st);
	}
	ok = v1 > 0 && acte > 0 &&
	     db_run(D, &e, "INSERT INTO seance_deliberations (tenant_id, point_id, seance_id, acte_id, created_at) VALUES ($1,$2,$3,$4,1)", "iiii",
		    tenant0, p1, sea, acte) == 0 &&
	     db_run(D, &e, "INSERT INTO seance_bulletins (tenant_id, vote_id, membre_id, pour_compte_de, choix) VALUES ($1,$2,$3,0,'pour'),"
			   " ($1,$2,$4,0,'contre'), ($1,$2,$3,$5,'pour')", "iiiii", tenant0, v1, m[0], m[1], m[30]) == 0 &&
	     db_run(D, &e, "INSERT INTO seance_votes (tenant_id, seance_id, point_id, secret, pour, contre, abstention, nppv, exprimes, en_exercice, "
			   "presents, representes, quorum, adopte, resultat, recorded_at) VALUES ($1,$2,$3,1,20,8,2,0,28,50,30,0,26,1,'Adoptée',1)",
		    "iii", tenant0, sea, p2) == 0;
	T_OK(ok, "two ballots recorded, the first one a numbered délibération");

	/* 4. The PDF: L2121-15 contents. */
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv.pdf", (long long)sea);
	char *t = pdf_text(path, NULL);
	char need[600];
	T_OK(strstr(t, "Procès-verbal de la séance") && strstr(t, "Conseil communautaire") && strstr(t, "18:30"), "PDF: title, assembly, time");
	T_OK(strstr(t, "PROJET — version 2"), "PDF: marked as a draft with its version");
	snprintf(need, sizeof need, "Président(e) de séance : %s", present1);
	T_OK(strstr(t, need) != NULL, "PDF: the president");
	snprintf(need, sizeof need, "Secrétaire de séance : %s", sec_name);
	T_OK(strstr(t, need) != NULL, "PDF: the secretary");
	T_OK(strstr(t, "Présents (30)") && strstr(t, present29), "PDF: the 30 present members by name");
	snprintf(need, sizeof need, "%s (parti(e) après le point 3)", parti);
	T_OK(strstr(t, need) != NULL, "PDF: the departure after point 3");
	snprintf(need, sizeof need, "Représentés (1) : %s (pouvoir à %s)", repr, present1);
	T_OK(strstr(t, need) != NULL, "PDF: the represented member with the holder of the pouvoir");
	snprintf(need, sizeof need, "Excusés (1) : %s", exc);
	T_OK(strstr(t, need) != NULL, "PDF: the excused member");
	T_OK(strstr(t, "Absents (18)") && strstr(t, absent), "PDF: the absent members");
	T_OK(strstr(t, "30 présents sur 50") && strstr(t, "quorum atteint"), "PDF: the quorum at the opening");
	T_OK(strstr(t, "29 présents sur 50"), "PDF: the quorum of point 4, after the departure");
	T_OK(strstr(t, "Ordre du jour") && strstr(t, "Point 5 —"), "PDF: the agenda, every point");
	T_OK(strstr(t, "convention zèbre") && strstr(t, "fabrique ornithorynque") && strstr(t, "levée à 20 h 10"), "PDF: the secretary's texts");
	T_OK(strstr(t, "Le président de séance") && strstr(t, "Le secrétaire de séance") && strstr(t, "Signature"), "PDF: the signature places");
	T_OK(strstr(t, "Délibération n° 2026_901") && strstr(t, "Scrutin public : pour 29, contre 1"), "PDF: the délibération's number and ballot");
	snprintf(need, sizeof need, "%s contre", sec_name);
	T_OK(strstr(t, need) != NULL, "PDF: the public ballot by name and sense of the vote");
	snprintf(need, sizeof need, "%s, représenté(e) par %s pour", repr, present1);
	T_OK(strstr(t, need) != NULL, "PDF: the proxy vote names the member represented and the holder");
	T_OK(strstr(t, "Scrutin secret : pour 20, contre 8, abstentions (blancs et nuls) 2.") != NULL, "PDF: a secret ballot by totals only");
	free(t);

	/* 5. Arrêté: frozen. */
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv/etat", (long long)sea);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, "{\"etat\":\"adopte\"}", &r), 409, "a brouillon cannot be adopted");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv/publication", (long long)sea);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, "{}", &r), 409, "nor published");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv/etat", (long long)sea);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, "{\"etat\":\"arrete\"}", &r), 200, "the PV is arrêté");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv", (long long)sea);
	T_EQ_INT(at_raw(&S, tok_sec, "PUT", path, "{\"conclusion\":\"x\"}", &r), 409, "an arrêté PV is not edited");
	T_OK(has(&r, "pv.fige"), "pv.fige");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv.pdf", (long long)sea);
	buf b1 = BUF_INIT, b2 = BUF_INIT;
	t = pdf_text(path, &b1);
	free(pdf_text(path, &b2));
	T_OK(strstr(t, "Arrêté le") && !strstr(t, "PROJET"), "the frozen PDF says « arrêté »");
	T_OK(b1.len > 1000 && b1.len == b2.len && !memcmp(b1.data, b2.data, b1.len), "the same bytes on every download");
	free(t);
	buf_free(&b1);
	buf_free(&b2);

	/* 6. Adopted at a later séance of the same assembly only. */
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv/etat", (long long)sea);
	snprintf(body, sizeof body, "{\"etat\":\"adopte\",\"seance\":%lld}", (long long)sea);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, body, &r), 422, "not adopted at its own séance");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"organe\":%lld,\"titre\":\"Conseil communautaire suivant\",\"date\":\"2030-01-17T18:30\",\"lieu\":\"Guînes\"}",
		 (long long)organe);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", "/api/v1/seances", body, &r), 201, "the next séance is created");
	json_t *jn = json_loads(r.body.data, 0, NULL);
	int64_t next = json_integer_value(json_object_get(jn, "id"));
	json_decref(jn);
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"etat\":\"adopte\",\"seance\":%lld}", (long long)next);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, body, &r), 200, "adopted at the next séance");
	T_OK(has(&r, "Conseil communautaire suivant"), "which is named");
	ht_resp_free(&r);
	T_EQ_INT(at_one_i(D, "SELECT adopte_seance_id FROM seance_pv WHERE seance_id = $1", sea), next, "the adopting séance is recorded");

	/* 6b. Signature through the parapheur: a circuit « visa du président » made here (the demo's own
	 * asks two signatures, which need certificates), emitted by the secretary's desk. */
	int64_t tenant = at_one_i(D, "SELECT tenant_id FROM seances WHERE id = $1", sea);
	int64_t sec_user = at_one_i(D, "SELECT id FROM users WHERE login = 'ccpo.secretaire' AND id > $1", 0);
	int64_t pres_desk = at_one_i(D, "SELECT id FROM desks WHERE name = 'Présidence' AND tenant_id = $1", tenant);
	int64_t sec_desk = 0, circuit = 0, type = 0, subtype = 0;
	char steps[200];
	snprintf(steps, sizeof steps, "[{\"type\":\"visa\",\"bureaux\":[%lld]}]", (long long)pres_desk);
	json_t *js = json_loads(steps, 0, NULL);
	sec_desk = at_one_i(D, "SELECT d.id FROM desks d JOIN desk_owners o ON o.desk_id = d.id WHERE o.user_id = $1", sec_user);
	T_OK(sec_desk > 0, "the demo secretary holds the desk « Secrétariat des assemblées »");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM folder_subtypes WHERE name = 'Procès-verbal de séance' AND tenant_id = $1", tenant), 1,
		 "the demo has a sub-type for the PV (signature of the Présidence, then of that desk)");
	T_OK(db_begin_write(D, &e) == 0 && pa_circuit_create(D, tenant, "Procès-verbal : visa du président", js, &circuit, &e) == 0 &&
	     pa_type_create(D, tenant, "Procès-verbal (visa)", "pades", "actes", "Guînes", "62340", &type, &e) == 0 &&
	     pa_subtype_create(D, tenant, type, "Procès-verbal de séance", circuit, NULL, &subtype, &e) == 0 && db_commit(D, &e) == 0,
	     "a circuit for the PV in the parapheur");
	json_decref(js);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv/parapheur", (long long)sea);
	snprintf(body, sizeof body, "{\"sous_type\":%lld,\"bureau\":%lld}", (long long)subtype, (long long)pres_desk);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, body, &r), 409, "not from a desk that is not the secretary's");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"sous_type\":%lld,\"bureau\":%lld}", (long long)subtype, (long long)sec_desk);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, body, &r), 201, "the adopted PV goes to the parapheur");
	ht_resp_free(&r);
	int64_t folder = at_one_i(D, "SELECT folder_id FROM seance_pv WHERE seance_id = $1", sea);
	T_OK(folder > 0 && at_one_i(D, "SELECT COUNT(*) FROM folder_docs f JOIN seance_pv p ON p.arrete_sha256 = f.sha256 WHERE f.folder_id = $1 "
				   "AND f.role = 'principal'", folder) == 1, "its folder holds the frozen PV as main document");
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, body, &r), 409, "not twice");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv/etat", (long long)sea);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, "{\"etat\":\"signe\"}", &r), 409, "no signature by hand while it is in the parapheur");
	ht_resp_free(&r);
	char tok_pres[80];
	at_token(&S, D, "ccpo.president", tok_pres);
	snprintf(path, sizeof path, "/api/v1/parapheur/dossiers/%lld/actions", (long long)folder);
	snprintf(body, sizeof body, "{\"action\":\"visa\",\"bureau\":%lld}", (long long)pres_desk);
	T_EQ_INT(at_raw(&S, tok_pres, "POST", path, body, &r), 200, "the president acts in the parapheur");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv", (long long)sea);
	pv = at_api(&S, tok_sec, "GET", path, NULL, NULL);
	T_OK(pv && !strcmp(json_string_value(json_object_get(pv, "etat")), "signe") && json_integer_value(json_object_get(pv, "dossier")) == folder &&
	     json_is_false(json_object_get(pv, "signature_electronique")), "the end of the circuit makes the PV signé (no signature step: the frozen copy)");
	json_decref(pv);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv/etat", (long long)sea);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, "{\"etat\":\"brouillon\"}", &r), 409, "a signed PV does not go back to brouillon");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/pv/publication", (long long)sea);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, "{}", &r), 200, "the PV's publication is recorded");
	T_OK(has(&r, "publie_le") && !has(&r, "\"publie_at\": 0"), "with its date");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, "{}", &r), 409, "once");
	ht_resp_free(&r);

	/* 7. Liste des délibérations (L2121-25). */
	int64_t alerted = 0;
	for (int i = 0; i < 100 && alerted <= 0; i++) {
		alerted = at_one_i(D, "SELECT alerte_at FROM seance_listes WHERE seance_id = $1", sea);
		if (alerted <= 0)
			usleep(100000);
	}
	T_OK(alerted > 0, "the deadline alert ran: the list is not published and the deadline is tomorrow");
	snprintf(body, sizeof body, "seance.liste_alerte:%lld:%%", (long long)sea);
	st = db_query(D, &e, &rc, "SELECT COUNT(*), SUM(CASE WHEN payload LIKE '%secretaire%' THEN 1 ELSE 0 END) FROM jobs WHERE kind = 'mail.send' "
				  "AND idem_key LIKE $1", "t", body);
	T_OK(st && rc == DB_ROW && db_col_int64(st, 0) >= 2 && db_col_int64(st, 1) == 1, "one mail per secretary and administrator, the secretary's among them");
	if (st)
		db_finalize(st);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/liste", (long long)sea);
	json_t *l = at_api(&S, tok_sec, "GET", path, NULL, NULL);
	T_OK(l && json_is_false(json_object_get(l, "publie")) && json_is_true(json_object_get(l, "proche")) &&
	     json_integer_value(json_object_get(l, "jours_restants")) == 1 && json_array_size(json_object_get(l, "points")) == 5,
	     "the list: 5 points, unpublished, due tomorrow");
	json_decref(l);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/liste.pdf", (long long)sea);
	t = pdf_text(path, NULL);
	T_OK(strstr(t, "Liste des délibérations") && strstr(t, "Convention avec la Fabrique DEFI") && strstr(t, "au plus tard le") &&
	     !strstr(t, "Mise en ligne"), "its PDF lists the points, the deadline, no publication mention yet");
	free(t);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/liste/publication", (long long)sea);
	T_EQ_INT(at_raw(&S, tok_aud, "POST", path, "{}", &r), 403, "the auditor cannot publish");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, "{}", &r), 200, "the secretary publishes the list");
	T_OK(has(&r, "\"publie\": true") || has(&r, "\"publie\":true"), "published");
	ht_resp_free(&r);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, "{}", &r), 409, "not twice");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/liste/publication", (long long)next);
	T_EQ_INT(at_raw(&S, tok_sec, "POST", path, "{}", &r), 409, "nor before the séance");
	T_OK(has(&r, "liste.avant_seance"), "liste.avant_seance");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/liste.pdf", (long long)sea);
	t = pdf_text(path, NULL);
	T_OK(strstr(t, "Mise en ligne le") != NULL, "the published PDF carries « Mise en ligne le … »");
	T_OK(strstr(t, "2026_901") && strstr(t, "Adoptée (pour 29,") && strstr(t, "Vote non enregistré"),
	     "the list: numbers and results, points not voted said so");
	snprintf(path, sizeof path, "/api/v1/seances/%lld/liste", (long long)sea);
	l = at_api(&S, tok_sec, "GET", path, NULL, NULL);
	json_t *l1 = json_array_get(json_object_get(l, "points"), 0);
	T_OK(l1 && !strcmp(json_string_value(json_object_get(l1, "numero")), "2026_901") &&
	     !strcmp(json_string_value(json_object_get(l1, "resultat")), "Adoptée (pour 29, contre 1, abstentions 0)") &&
	     json_integer_value(json_object_get(l1, "acte")) == acte, "its JSON: number, result and the act");
	json_decref(l);
	free(t);

	/* 8. Registre (R2121-9). */
	snprintf(path, sizeof path, "/api/v1/seances/%lld/registre.pdf", (long long)sea);
	buf rb = BUF_INIT;
	t = pdf_text(path, &rb);
	T_OK(strstr(t, "Communauté de Communes Pays d'Opale — séance du") != NULL, "registre: collectivité and séance date on the sheet");
	T_OK(strstr(t, "N° d'ordre 1") && strstr(t, "N° d'ordre 5"), "registre: the order numbers");
	T_OK(strstr(t, "Délibérations prises, par numéro d'ordre : 1 (n° 2026_901), 2, 3, 4, 5."), "registre: the closing sheet recalls them");
	T_OK(strstr(t, "N° d'ordre 1 — délibération n° 2026_901"), "registre: order number and délibération number");
	T_OK(strstr(t, "Feuillet de clôture") && strstr(t, "Membres présents (30)") && strstr(t, present29), "registre: members present by name");
	snprintf(need, sizeof need, "Le président de séance %s", present1);
	T_OK(strstr(t, need) != NULL, "registre: the president's signature place");
	snprintf(need, sizeof need, "Le secrétaire de séance %s", sec_name);
	T_OK(strstr(t, need) != NULL, "registre: the secretary's signature place");
	const char *obj = strstr(t, "par objet");
	T_OK(strstr(t, "Table chronologique") && obj && strstr(obj, "Avenant") && strstr(obj, "Plan d'action") &&
	     strstr(obj, "Avenant") < strstr(obj, "Plan d'action"), "registre: tables by date and by object (sorted)");
	T_OK(!strstr(t, "seul registre"), "registre: never called the only register");
	T_OK(at_pdf_pages(rb.data, rb.len) >= 4, "registre: the closing sheet and each table on their own pages");
	free(t);
	buf_free(&rb);
	snprintf(path, sizeof path, "/api/v1/registre.pdf?annee=%d", pt.date.y);
	t = pdf_text(path, NULL);
	snprintf(need, sizeof need, "Registre des délibérations — année %d", pt.date.y);
	T_OK(strstr(t, need) && strstr(t, "Feuillet de clôture") && strstr(t, "Table des délibérations par objet"),
	     "the yearly binding export: cover, the séance's sheets, tables");
	T_OK(!strstr(t, "Conseil communautaire suivant"), "without the séances to come");
	free(t);
	snprintf(path, sizeof path, "/registre?annee=%d", pt.date.y);
	at_raw(&S, tok_sec, "GET", path, NULL, &r);
	snprintf(need, sizeof need, "/api/v1/seances/%lld/registre.pdf", (long long)sea);
	T_OK(r.status == 200 && has(&r, need), "the registre page links the séance's sheets");
	ht_resp_free(&r);

	/* 8b. The demo's past séance, whose votes were recorded through the votes API: its PV names the
	 * voters, proxies and the secret ballot; arrêté, adopted at the later séance, signed by hand. */
	int64_t past = at_one_i(D, "SELECT s.id FROM seances s WHERE s.id <> $1 AND EXISTS (SELECT 1 FROM seance_votes v WHERE v.seance_id = s.id) "
			       "ORDER BY s.id LIMIT 1", sea);
	if (T_OK(past > 0, "the demo's past séance with its votes")) {
		snprintf(path, sizeof path, "/api/v1/seances/%lld/pv", (long long)past);
		pv = at_api(&S, tok_sec, "GET", path, NULL, NULL);
		int64_t pres_default = json_integer_value(json_object_get(pv, "president"));
		T_OK(pres_default > 0 && *json_string_value(json_object_get(pv, "president_nom")), "its president comes from the votes before any save");
		json_decref(pv);
		snprintf(body, sizeof body, "{\"secretaire\":%lld}", (long long)m[1]);
		T_EQ_INT(at_raw(&S, tok_sec, "PUT", path, body, &r), 200, "its secretary designated");
		ht_resp_free(&r);
		snprintf(path, sizeof path, "/api/v1/seances/%lld/pv.pdf", (long long)past);
		t = pdf_text(path, NULL);
		T_OK(strstr(t, "Scrutin public : pour") && strstr(t, "représenté(e) par") && strstr(t, "suppléant(e) de") &&
		     strstr(t, "Scrutin secret : pour 38, contre 5") && strstr(t, "ne prend pas part au vote"),
		     "PDF: the recorded ballots — voters by name, proxy votes, the suppléant sitting, a member not taking part, the secret totals");
		T_OK(strstr(t, "remplacé(e) par son suppléant") != NULL, "PDF: the titulaire replaced by his suppléant");
		free(t);
		snprintf(path, sizeof path, "/api/v1/seances/%lld/pv/etat", (long long)past);
		T_EQ_INT(at_raw(&S, tok_sec, "POST", path, "{\"etat\":\"arrete\"}", &r), 200, "arrêté");
		ht_resp_free(&r);
		snprintf(body, sizeof body, "{\"etat\":\"adopte\",\"seance\":%lld}", (long long)sea);
		T_EQ_INT(at_raw(&S, tok_sec, "POST", path, body, &r), 200, "adopted at the following séance");
		ht_resp_free(&r);
		T_EQ_INT(at_raw(&S, tok_sec, "POST", path, "{\"etat\":\"signe\"}", &r), 200, "signed by hand");
		T_OK(has(&r, "\"signe_sha256\"") && !has(&r, "\"signe_sha256\": \"\""), "the frozen copy is the signed one");
		ht_resp_free(&r);
	}

	/* 9. The pages. */
	snprintf(path, sizeof path, "/seances/%lld/pv", (long long)sea);
	at_raw(&S, tok_sec, "GET", path, NULL, &r);
	T_OK(r.status == 200 && has(&r, "signé") && has(&r, "Conseil communautaire suivant") && has(&r, "/parapheur/dossiers/"),
	     "the PV page shows the state, the adoption and the parapheur folder");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/seances/%lld/liste", (long long)sea);
	at_raw(&S, tok_sec, "GET", path, NULL, &r);
	T_OK(r.status == 200 && has(&r, "publiée") && has(&r, "Alerte envoyée"), "the list page shows the publication and the alert");
	ht_resp_free(&r);
	db_close(D);
	srv_stop(&S);
	return t_done();
}
