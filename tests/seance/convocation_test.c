/* Séances over HTTP on a real server with the real SMTP test server: assemblies and their rules,
 * members by CSV (import, export, re-import, a bad line), the legal delay refusing a late sending
 * unless urgence is justified, the note de synthèse required for an EPCI, then the demo conseil
 * communautaire (54 recipients) convened: every recipient's mail reaches the SMTP server through the
 * job queue, the refused address is « échec » with the SMTP reason while the others go, the paper
 * opt-out is listed, the personal link records the reading (time, IP) and the acknowledgement, the
 * manifest holds every document's hash, the .ics (escaped, folded), attestation PDF, packet ZIP, the élu's pouvoir checked by
 * L2121-20, and the quorum per point with a departure. */
#include "core/dates.h"
#include "apitest.h"
#include "httptest.h"
#include "identity/identity.h"
#include "srvtest.h"
#include "t.h"
#include "web/pdfdoc.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

static struct srv S;
static db *D;
static char tok_sec[80], tok_elu[80];
static const char *maildir;

static long api(const char *tok, const char *method, const char *path, const char *ctype, const char *body, struct ht_resp *r)
{
	char auth[128];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
	const char *h[] = { auth, NULL };
	ht_request(method, srv_url(&S, path), body ? ctype : NULL, body, body ? strlen(body) : 0, tok ? h : NULL, NULL, r);
	return r->status;
}

static long japi(const char *tok, const char *method, const char *path, const char *json, struct ht_resp *r)
{
	return api(tok, method, path, "application/json", json, r);
}

static json_t *jget(const char *tok, const char *path)
{
	struct ht_resp r;
	api(tok, "GET", path, NULL, NULL, &r);
	json_t *j = json_loads(r.body.data ? r.body.data : "", 0, NULL);
	ht_resp_free(&r);
	return j;
}

static int64_t jid(struct ht_resp *r)
{
	json_t *j = json_loads(r->body.data ? r->body.data : "", 0, NULL);
	int64_t v = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	return v;
}

static int has(struct ht_resp *r, const char *s)
{
	return r->body.data && strstr(r->body.data, s) != NULL;
}

/* Multipart upload with curl; returns the HTTP status. */
static long upload(const char *path, const char *fields, const char *file)
{
	char cmd[2048], out[64];
	snprintf(cmd, sizeof cmd, "curl -s -o /dev/null -w '%%{http_code}' -H 'Authorization: Bearer %s' %s -F 'document=@%s' %s", tok_sec,
		 fields, file, srv_url(&S, path));
	FILE *p = popen(cmd, "r");
	size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
	out[n] = '\0';
	if (p)
		pclose(p);
	return strtol(out, NULL, 10);
}

/* Mails in the Maildir: for each, the envelope recipient and the convocation token in it. Removes them. */
struct got { char to[128], tok[80]; };
static int collect(struct got *g, int max)
{
	int n = 0;
	char path[512];
	snprintf(path, sizeof path, "%s/new", maildir);
	DIR *d = opendir(path);
	struct dirent *de;
	while (d && (de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.')
			continue;
		char f[1024];
		snprintf(f, sizeof f, "%s/%s", path, de->d_name);
		buf b = BUF_INIT;
		if (buf_read_file(&b, f, 0) == 0) {
			buf c = BUF_INIT;  /* undo quoted-printable soft breaks and =3D */
			for (size_t i = 0; i < b.len; i++) {
				if (b.data[i] == '=' && b.data[i + 1] == '\n') { i++; continue; }
				if (b.data[i] == '=' && b.data[i + 1] == '\r') { i += 2; continue; }
				if (b.data[i] == '=' && b.data[i + 1] == '3' && b.data[i + 2] == 'D') { buf_putc(&c, '='); i += 2; continue; }
				buf_putc(&c, b.data[i]);
			}
			const char *to = strstr(c.data, "X-Envelope-To: "), *t = strstr(c.data, "/convocation/");
			if (to && t) {
				to += 15;
				snprintf(g[n].to, sizeof g[n].to, "%.*s", (int)strcspn(to, "\r\n"), to);
				t += 13;
				snprintf(g[n].tok, sizeof g[n].tok, "%.*s", (int)strcspn(t, "\r\n <\"/"), t);
				n++;
			}
			buf_free(&c);
		}
		buf_free(&b);
		unlink(f);
	}
	if (d)
		closedir(d);
	return n;
}

static void pdf(const char *path, const char *title)
{
	struct err e;
	pdfdoc *p = pdfdoc_new(path, "test", &e);
	pdfdoc_title(p, title);
	pdfdoc_para(p, "Contenu de test.");
	pdfdoc_finish(p, &e);
}

int main(void)
{
	int up = srv_start_mail(&S, NULL, &maildir);
	if (!T_OK(up != -1, "the SMTP test server runs") || !T_OK(up == 0, "server with demo data starts"))
		return t_done();
	D = srv_db(&S);
	at_token(&S, D, "ccpo.secretaire", tok_sec);
	at_token(&S, D, "ccpo.elu", tok_elu);
	collect((struct got[1]){ 0 }, 0);
	struct ht_resp r;
	struct err e;
	int rc;
	char body[2048], path[256];

	/* 1. Assemblies: the delay rules need the facts. */
	T_EQ_INT(japi(tok_sec, "POST", "/api/v1/organes", "{\"nom\":\"Conseil municipal\",\"nature\":\"commune\"}", &r), 400,
		 "a conseil municipal without population is refused");
	T_OK(has(&r, "organe.population"), "with its code");
	ht_resp_free(&r);
	T_EQ_INT(japi(tok_sec, "POST", "/api/v1/organes", "{\"nom\":\"Commission\",\"nature\":\"commission\"}", &r), 400,
		 "a commission without the règlement intérieur's delay is refused");
	ht_resp_free(&r);
	T_EQ_INT(japi(tok_sec, "POST", "/api/v1/organes", "{\"nom\":\"CM\",\"nature\":\"commune\",\"population\":800,\"distance\":true}", &r), 400,
		 "remote participation is refused for a commune (L5211-11-1)");
	ht_resp_free(&r);
	T_EQ_INT(japi(tok_sec, "POST", "/api/v1/organes", "{\"nom\":\"Commission des finances\",\"nature\":\"commission\",\"delai\":3}", &r), 201,
		 "a commission with its delay is created");
	int64_t com = jid(&r);
	ht_resp_free(&r);
	T_EQ_INT(api(tok_elu, "GET", "/api/v1/organes", NULL, NULL, &r), 403, "an élu cannot read the secretary's API");
	ht_resp_free(&r);

	/* 2. Members by CSV: a suppléant line before its titulaire, re-import updates, bad line refused. */
	const char *csv = "nom;prenom;civilite;fonction;groupe;courriel;mobile;papier;adresse;qualite;titulaire;en_exercice\r\n"
			  "Martin;Luc;Monsieur;;;luc.supp@demo.opale.invalid;;0;;suppleant;Julie Roger;1\r\n"
			  "Roger;Julie;Madame;Présidente;\"Groupe \"\"A\"\"; liste\";julie@demo.opale.invalid;06 11 22 33 44;0;;titulaire;;1\r\n"
			  "Petit;Paul;Monsieur;;;paul@demo.opale.invalid;;1;\"3 rue Haute; 62340 Guînes\";titulaire;;1\r\n";
	snprintf(path, sizeof path, "/api/v1/organes/%lld/membres.csv", (long long)com);
	T_EQ_INT(api(tok_sec, "POST", path, "text/csv", csv, &r), 200, "members imported from CSV");
	T_OK(has(&r, "\"membres\":3"), "three members");
	ht_resp_free(&r);
	T_EQ_INT(api(tok_sec, "POST", path, "text/csv", csv, &r), 200, "the same CSV imported again");
	ht_resp_free(&r);
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM membres WHERE organe_id = $1", com), 3, "updates, no duplicates");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM membres WHERE organe_id = $1 AND qualite = 'suppleant' AND titulaire_id > 0", com), 1,
		 "the suppléant is linked to his titulaire");
	api(tok_sec, "GET", path, NULL, NULL, &r);
	T_OK(r.status == 200 && has(&r, "nom;prenom;civilite") && has(&r, "\"Groupe \"\"A\"\"; liste\"") && has(&r, "suppleant;Julie Roger;1"),
	     "export: header, quoting, suppléant's titulaire");
	ht_resp_free(&r);
	T_EQ_INT(api(tok_sec, "POST", path, "text/csv",
		     "nom;prenom;qualite;titulaire\nDurand;Zoé;suppleant;Personne Inconnue\n", &r), 400, "a suppléant of an unknown titulaire is refused");
	T_OK(has(&r, "Ligne 2"), "the message names the line");
	ht_resp_free(&r);

	/* 3. Delay, urgence, note de synthèse on the bureau (EPCI: 5 jours francs). */
	char when[20];
	at_day_plus(3, when);
	snprintf(body, sizeof body, "{\"organe\":2,\"titre\":\"Bureau extraordinaire\",\"date\":\"%s\",\"urgence\":true,\"justification\":\"\"}", when);
	T_EQ_INT(japi(tok_sec, "POST", "/api/v1/seances", body, &r), 400, "urgence without a justification is refused");
	T_OK(has(&r, "seance.urgence"), "code seance.urgence");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"organe\":2,\"titre\":\"Bureau extraordinaire\",\"date\":\"%s\",\"lieu\":\"Guînes\"}", when);
	T_EQ_INT(japi(tok_sec, "POST", "/api/v1/seances", body, &r), 201, "a séance of the bureau in three days");
	int64_t bur = jid(&r);
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations", (long long)bur);
	T_EQ_INT(api(tok_sec, "POST", path, NULL, NULL, &r), 409, "no agenda: refused (L2121-10)");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/points", (long long)bur);
	T_EQ_INT(japi(tok_sec, "POST", path, "{\"titre\":\"Marché de travaux\",\"matiere\":\"1.1\"}", &r), 201, "a point is added");
	ht_resp_free(&r);
	T_EQ_INT(japi(tok_sec, "POST", path, "{\"titre\":\"X\",\"matiere\":\"12\"}", &r), 400, "a bad ACTES matière is refused");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations", (long long)bur);
	T_EQ_INT(api(tok_sec, "POST", path, NULL, NULL, &r), 409, "three days before an EPCI séance: too late");
	T_OK(has(&r, "seance.delai_depasse") && has(&r, "urgence"), "delay exceeded, and the message mentions the urgence");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld", (long long)bur);
	snprintf(body, sizeof body, "{\"organe\":2,\"titre\":\"Bureau extraordinaire\",\"date\":\"%s\",\"urgence\":true,"
				    "\"justification\":\"Délai de dépôt du dossier de subvention DETR\","
				    "\"lieu\":\"Salle du conseil, 1 place de la Mairie; bâtiment B — 62340 Guînes (accès par la cour)\"}", when);
	T_EQ_INT(japi(tok_sec, "PUT", path, body, &r), 200, "urgence declared with its justification");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations", (long long)bur);
	T_EQ_INT(api(tok_sec, "POST", path, NULL, NULL, &r), 409, "an EPCI séance without note de synthèse is refused");
	T_OK(has(&r, "seance.note_synthese"), "code seance.note_synthese");
	ht_resp_free(&r);
	char note[400], txt[400];
	snprintf(note, sizeof note, "%s/note.pdf", S.data);
	snprintf(txt, sizeof txt, "%s/note.txt", S.data);
	pdf(note, "Note de synthèse");
	FILE *f = fopen(txt, "w");
	fputs("pas un pdf\n", f);
	fclose(f);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/documents", (long long)bur);
	T_EQ_INT(upload(path, "-F type=note_synthese", txt), 415, "a note de synthèse that is not a PDF is refused");
	T_EQ_INT(upload(path, "-F type=note_synthese", note), 201, "the note de synthèse (PDF) is uploaded");
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations", (long long)bur);
	T_EQ_INT(api(tok_sec, "POST", path, NULL, NULL, &r), 202, "with urgence and note: the sending is accepted");
	ht_resp_free(&r);

	/* Wait for the bureau's 6 mails, then clear the Maildir. */
	struct got *g = calloc(200, sizeof *g);
	int n = 0;
	for (int i = 0; i < 100 && n < 6; i++) {
		n += collect(g + n, 200 - n);
		usleep(100000);
	}
	T_EQ_INT(n, 6, "the bureau's six members receive their convocation");

	/* The .ics attached (one blob per sending): RFC 5545 escaping, lines folded at 75 octets. */
	char ics[4096] = "";
	at_sh(ics, sizeof ics, "f=$(grep -rl 'UID:seance-%lld-%lld@opale' '%s/blobs' | head -1); [ -n \"$f\" ] && cat \"$f\"",
	      (long long)at_one_i(D, "SELECT tenant_id FROM seances WHERE id = $1", bur), (long long)bur, S.data);
	size_t longest = 0, folds = 0;
	buf unf = BUF_INIT;   /* unfolded, lines joined by \n */
	for (const char *p = ics, *eol; (eol = strstr(p, "\r\n")); p = eol + 2) {
		longest = (size_t)(eol - p) > longest ? (size_t)(eol - p) : longest;
		if (*p == ' ')
			folds++, buf_add(&unf, p + 1, (size_t)(eol - p - 1));
		else
			buf_puts(&unf, "\n"), buf_add(&unf, p, (size_t)(eol - p));
	}
	buf_puts(&unf, "\n");
	T_OK(strstr(ics, "BEGIN:VCALENDAR\r\n") && strstr(ics, "END:VCALENDAR\r\n"), "the convocation's .ics is stored");
	T_OK(longest <= 75 && folds >= 1, "its lines are folded at 75 octets");
	T_OK(strstr(unf.data, "\nSUMMARY:Bureau extraordinaire\n") &&
	     strstr(unf.data, "\nLOCATION:Salle du conseil\\, 1 place de la Mairie\\; bâtiment B — 62340 Guînes (accès par la cour)\n"),
	     "the title and the place, escaped, once unfolded");
	buf_free(&unf);

	/* 4. The demo conseil communautaire: one refused address. */
	int64_t cc = at_one_i(D, "SELECT id FROM seances WHERE organe_id = $1 ORDER BY id LIMIT 1", 1);
	int64_t m5 = at_one_i(D, "SELECT id FROM membres WHERE organe_id = $1 AND email = 'elu05@demo.opale.invalid'", 1);
	snprintf(path, sizeof path, "/api/v1/organes/1/membres/%lld", (long long)m5);
	T_EQ_INT(japi(tok_sec, "PUT", path, "{\"nom\":\"Refus\",\"prenom\":\"Adresse\",\"courriel\":\"adresse@refuse.invalid\"}", &r), 200,
		 "a member's address is changed to one the SMTP server refuses");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations", (long long)cc);
	T_EQ_INT(api(tok_sec, "POST", path, NULL, NULL, &r), 202, "the conseil communautaire is convened");
	ht_resp_free(&r);
	json_t *cv = NULL;
	int pending = 1;
	for (int i = 0; i < 300 && pending; i++) {
		json_decref(cv);
		cv = jget(tok_sec, path);
		pending = 0;
		size_t k;
		json_t *c;
		json_array_foreach(json_object_get(cv, "convocations"), k, c) pending |= !strcmp(json_string_value(json_object_get(c, "etat")), "en_file");
		if (pending)
			usleep(100000);
	}
	int acc = 0, ech = 0, pap = 0;
	char refused_reason[512] = "", elu_mail[128] = "elu02@demo.opale.invalid";
	size_t k;
	json_t *c;
	json_array_foreach(json_object_get(cv, "convocations"), k, c) {
		const char *st = json_string_value(json_object_get(c, "etat"));
		acc += !strcmp(st, "acceptee");
		pap += !strcmp(st, "papier");
		if (!strcmp(st, "echec")) {
			ech++;
			snprintf(refused_reason, sizeof refused_reason, "%s", json_string_value(json_object_get(c, "erreur")));
		}
	}
	printf("# %zu convocations: %d accepted, %d failed (%s), %d paper\n", json_array_size(json_object_get(cv, "convocations")), acc, ech,
	       refused_reason, pap);
	T_EQ_INT((int)json_array_size(json_object_get(cv, "convocations")), 54, "54 recipients (50 titulaires and 4 suppléants)");
	T_EQ_INT(acc, 52, "52 accepted by the SMTP server, with their time");
	T_EQ_INT(pap, 1, "the paper opt-out is listed, not mailed");
	T_OK(ech == 1 && strstr(refused_reason, "550"), "the refused address is « échec » with the SMTP reason");
	n = 0;
	for (int i = 0; i < 100 && n < 52; i++) {
		n += collect(g + n, 200 - n);
		if (n < 52)
			usleep(100000);
	}
	int matched = 0;
	json_array_foreach(json_object_get(cv, "convocations"), k, c) {
		if (strcmp(json_string_value(json_object_get(c, "etat")), "acceptee") != 0)
			continue;
		for (int i = 0; i < n; i++)
			if (!strcmp(g[i].to, json_string_value(json_object_get(c, "courriel")))) {
				matched++;
				break;
			}
	}
	T_EQ_INT(matched, 52, "every accepted recipient's mail is in the SMTP server's Maildir");
	T_EQ_INT(n, 52, "and nothing else");
	const char *tok = NULL;
	for (int i = 0; i < n; i++)
		if (!strcmp(g[i].to, elu_mail))
			tok = g[i].tok;
	T_OK(tok && strlen(tok) > 20, "the élu's mail carries a personal link");

	/* The refused address corrected, that one convocation sent again. */
	int64_t failed = at_one_i(D, "SELECT id FROM convocations WHERE seance_id = $1 AND state = 'echec'", cc);
	snprintf(path, sizeof path, "/api/v1/organes/1/membres/%lld", (long long)m5);
	japi(tok_sec, "PUT", path, "{\"nom\":\"Corrigé\",\"prenom\":\"Adresse\",\"courriel\":\"elu05@demo.opale.invalid\"}", &r);
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations/%lld/renvoi", (long long)cc, (long long)failed);
	T_EQ_INT(api(tok_sec, "POST", path, NULL, NULL, &r), 202, "the failed convocation is sent again to the corrected address");
	ht_resp_free(&r);
	struct got again[4];
	int na = 0;
	for (int i = 0; i < 100 && na < 1; i++) {
		na += collect(again + na, 4 - na);
		if (!na)
			usleep(100000);
	}
	T_OK(na == 1 && !strcmp(again[0].to, "elu05@demo.opale.invalid") && strlen(again[0].tok) > 20, "it arrives, with a new link");
	for (int i = 0; i < 50 && at_one_i(D, "SELECT COUNT(*) FROM convocations WHERE id = $1 AND state = 'acceptee'", failed) != 1; i++)
		usleep(100000);
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM convocations WHERE id = $1 AND state = 'acceptee' AND error = ''", failed), 1,
		 "and the convocation is now accepted");

	/* 5. The link: reading proof, acknowledgement, documents, packet. */
	snprintf(path, sizeof path, "/convocation/%s", tok ? tok : "x");
	T_EQ_INT(api(NULL, "GET", path, NULL, NULL, &r), 200, "the personal link opens without login");
	T_OK(has(&r, "J&#39;accuse réception") || has(&r, "J'accuse réception"), "with the acknowledgement button");
	ht_resp_free(&r);
	int64_t conv = at_one_i(D, "SELECT c.id FROM convocations c JOIN membres m ON m.id = c.membre_id WHERE m.email = 'elu02@demo.opale.invalid' "
			       "AND c.seance_id = $1", cc);
	T_OK(at_one_i(D, "SELECT read_at FROM convocations WHERE id = $1", conv) > 0, "the opening is recorded as reading proof");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM convocations WHERE id = $1 AND read_ip = '127.0.0.1'", conv), 1, "with the reader's IP");
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM convocations WHERE seance_id = $1 AND read_at > 0", cc), 1, "and only for that recipient");
	snprintf(path, sizeof path, "/convocation/%s/accuse", tok ? tok : "x");
	T_EQ_INT(api(NULL, "POST", path, "application/x-www-form-urlencoded", "", &r), 303, "« J'accuse réception »");
	ht_resp_free(&r);
	T_OK(at_one_i(D, "SELECT ack_at FROM convocations WHERE id = $1", conv) > 0, "the acknowledgement is recorded");
	int64_t doc = at_one_i(D, "SELECT id FROM seance_docs WHERE seance_id = $1 AND kind = 'note_synthese'", cc);
	snprintf(path, sizeof path, "/convocation/%s/documents/%lld", tok ? tok : "x", (long long)doc);
	api(NULL, "GET", path, NULL, NULL, &r);
	T_OK(r.status == 200 && r.body.len > 4 && !memcmp(r.body.data, "%PDF", 4), "the note de synthèse downloads through the link");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/convocation/%s/documents/%lld", tok ? tok : "x", (long long)at_one_i(D, "SELECT MAX(id) FROM seance_docs WHERE seance_id = $1", bur));
	T_EQ_INT(api(NULL, "GET", path, NULL, NULL, &r), 404, "a document of another séance does not");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/convocation/%s/dossier.zip", tok ? tok : "x");
	api(NULL, "GET", path, NULL, NULL, &r);
	T_OK(r.status == 200 && r.body.len > 4 && !memcmp(r.body.data, "PK", 2), "the whole packet downloads as one ZIP");
	ht_resp_free(&r);
	T_EQ_INT(api(NULL, "GET", "/convocation/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL, NULL, &r), 404, "an unknown link is 404");
	ht_resp_free(&r);

	/* 6. Proof: manifest with every document's hash, attestation, proof page. */
	json_decref(cv);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/convocations", (long long)cc);
	cv = jget(tok_sec, path);
	json_t *env = json_array_get(json_object_get(cv, "envois"), 0);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/envois/%lld/manifeste.txt", (long long)cc,
		 (long long)json_integer_value(json_object_get(env, "id")));
	api(tok_sec, "GET", path, NULL, NULL, &r);
	char h[65];
	buf mb = BUF_INIT;
	buf_add(&mb, r.body.data ? r.body.data : "", r.body.len);
	identity_sha256_hex(mb.data ? mb.data : "", h);
	T_OK(r.status == 200 && !strcmp(h, json_string_value(json_object_get(env, "manifeste"))), "the manifest's SHA-256 is the one recorded");
	int hashes = 0, ndocs = 0;
	db_stmt *st = db_query(D, &e, &rc, "SELECT sha256 FROM seance_docs WHERE seance_id = $1", "i", cc);
	while (st && rc == DB_ROW) {
		ndocs++;
		hashes += has(&r, db_col_text(st, 0));
		rc = db_step(st, &e);
	}
	if (st)
		db_finalize(st);
	T_OK(ndocs == 7 && hashes == 7, "it lists the SHA-256 of the 7 documents");
	T_OK(has(&r, "elu02@demo.opale.invalid") && has(&r, "papier : 12 rue"), "and the recipients, the paper one with its address");
	buf_free(&mb);
	ht_resp_free(&r);
	T_EQ_INT(at_one_i(D, "SELECT COUNT(DISTINCT manifest_sha256) FROM seance_envois WHERE seance_id = $1", cc), 1, "one packet for all recipients");
	snprintf(path, sizeof path, "/api/v1/seances/%lld/attestation.pdf", (long long)cc);
	api(tok_sec, "GET", path, NULL, NULL, &r);
	T_OK(r.status == 200 && r.body.len > 1000 && !memcmp(r.body.data, "%PDF", 4), "the attestation d'envoi is a PDF");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/seances/%lld/preuves", (long long)cc);
	api(tok_sec, "GET", path, NULL, NULL, &r);
	T_OK(r.status == 200 && has(&r, "acceptée par le serveur de courriel") && has(&r, "127.0.0.1") && has(&r, "550"),
	     "the proof page shows states, reading IP and the failure");
	ht_resp_free(&r);

	/* 7. The élu: portal, pouvoir under L2121-20. */
	T_EQ_INT(api(tok_elu, "GET", "/elu", NULL, NULL, &r), 200, "the élu's portal");
	snprintf(body, sizeof body, "/elu/seances/%lld", (long long)cc);
	T_OK(has(&r, body), "lists the convened séance");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"organe\":1,\"titre\":\"Conseil de printemps\",\"date\":\"2031-04-10T18:30\"}");
	japi(tok_sec, "POST", "/api/v1/seances", body, &r);
	snprintf(path, sizeof path, "/elu/seances/%lld", (long long)jid(&r));
	ht_resp_free(&r);
	T_EQ_INT(api(tok_elu, "GET", path, NULL, NULL, &r), 404, "not a séance still in preparation");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"organe\":%lld,\"titre\":\"Commission\",\"date\":\"2031-04-10T18:30\"}", (long long)com);
	japi(tok_sec, "POST", "/api/v1/seances", body, &r);
	int64_t comsea = jid(&r);
	ht_resp_free(&r);
	db_run(D, &e, "UPDATE seances SET status = 'convoquee' WHERE id = $1", "i", comsea);
	snprintf(path, sizeof path, "/elu/seances/%lld", (long long)comsea);
	T_EQ_INT(api(tok_elu, "GET", path, NULL, NULL, &r), 404, "nor one of an assembly he does not belong to");
	ht_resp_free(&r);
	int64_t me = at_one_i(D, "SELECT id FROM membres WHERE email = 'elu02@demo.opale.invalid' AND organe_id = $1", 1);
	int64_t holder = at_one_i(D, "SELECT id FROM membres WHERE email = 'elu03@demo.opale.invalid' AND organe_id = $1", 1);
	int64_t other = at_one_i(D, "SELECT id FROM membres WHERE email = 'elu04@demo.opale.invalid' AND organe_id = $1", 1);
	snprintf(path, sizeof path, "/elu/seances/%lld/reponse", (long long)cc);
	snprintf(body, sizeof body, "reponse=procuration&mandataire=%lld", (long long)holder);
	T_EQ_INT(api(tok_elu, "POST", path, "application/x-www-form-urlencoded", body, &r), 303, "the élu gives a pouvoir from the portal");
	ht_resp_free(&r);
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM procurations WHERE mandant_id = $1 AND revoquee = 0", me), 1, "the pouvoir is recorded");
	snprintf(path, sizeof path, "/api/v1/seances/%lld/presences/%lld", (long long)cc, (long long)other);
	snprintf(body, sizeof body, "{\"reponse\":\"procuration\",\"mandataire\":%lld}", (long long)holder);
	T_EQ_INT(japi(tok_sec, "PUT", path, body, &r), 422, "a second pouvoir to the same holder is refused");
	T_OK(has(&r, "procuration.un_seul_pouvoir") && has(&r, "L2121-20"), "quoting L2121-20");
	ht_resp_free(&r);
	snprintf(body, sizeof body, "{\"reponse\":\"procuration\",\"mandataire\":%lld}", (long long)other);
	T_EQ_INT(japi(tok_sec, "PUT", path, body, &r), 422, "a pouvoir to oneself is refused");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/elu/seances/%lld/reponse", (long long)cc);
	T_EQ_INT(api(tok_elu, "POST", path, "application/x-www-form-urlencoded", "reponse=present", &r), 303, "the élu changes his mind: present");
	ht_resp_free(&r);
	T_EQ_INT(at_one_i(D, "SELECT COUNT(*) FROM procurations WHERE mandant_id = $1 AND revoquee = 0", me), 0, "his pouvoir is revoked");

	/* 8. The day: 26 of 50 present → quorum; one leaves after point 2 → points 3-5 lack it. */
	st = db_query(D, &e, &rc, "SELECT id FROM membres WHERE organe_id = 1 AND qualite = 'titulaire' ORDER BY id LIMIT 26", "");
	int64_t present[26];
	int np = 0;
	while (st && rc == DB_ROW && np < 26) {
		present[np++] = db_col_int64(st, 0);
		rc = db_step(st, &e);
	}
	if (st)
		db_finalize(st);
	int okp = 0;
	for (int i = 0; i < np; i++) {
		snprintf(path, sizeof path, "/api/v1/seances/%lld/presences/%lld", (long long)cc, (long long)present[i]);
		okp += japi(tok_sec, "PUT", path, i == 25 ? "{\"statut\":\"present\",\"depart\":2}" : "{\"statut\":\"present\"}", &r) == 200;
		if (i == 25) {
			json_t *q = json_loads(r.body.data, 0, NULL);
			json_t *pts = json_object_get(q, "points");
			T_OK(json_is_true(json_object_get(json_array_get(pts, 1), "atteint")) &&
			     json_integer_value(json_object_get(json_array_get(pts, 1), "presents")) == 26,
			     "point 2: 26 present of 50, quorum 26 reached");
			T_OK(json_is_false(json_object_get(json_array_get(pts, 2), "atteint")) &&
			     json_integer_value(json_object_get(json_array_get(pts, 2), "presents")) == 25,
			     "point 3, after a departure: 25, quorum not reached");
			json_decref(q);
		}
		ht_resp_free(&r);
	}
	T_EQ_INT(okp, 26, "attendance recorded for 26 members");
	snprintf(path, sizeof path, "/seances/%lld/emargement", (long long)cc);
	api(tok_sec, "GET", path, NULL, NULL, &r);
	T_OK(r.status == 200 && has(&r, "non atteint") && has(&r, "atteint"), "the attendance page shows the quorum per point");
	ht_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seances/%lld/emargement.pdf", (long long)cc);
	api(tok_sec, "GET", path, NULL, NULL, &r);
	T_OK(r.status == 200 && r.body.len > 1000 && !memcmp(r.body.data, "%PDF", 4), "the feuille d'émargement is a PDF");
	ht_resp_free(&r);

	/* 9. Full-text search finds the séance by a word of its agenda. */
	api(tok_sec, "GET", "/api/v1/recherche?q=fabrique%20defi", NULL, NULL, &r);
	snprintf(path, sizeof path, "/seances/%lld", (long long)cc);
	T_OK(r.status == 200 && has(&r, "\"seance\"") && has(&r, path), "the search finds the séance by a point of its agenda");
	ht_resp_free(&r);

	/* 10. An expired link. */
	db_run(D, &e, "UPDATE convocations SET expires_at = 1 WHERE id = $1", "i", conv);
	snprintf(path, sizeof path, "/convocation/%s", tok ? tok : "x");
	T_EQ_INT(api(NULL, "GET", path, NULL, NULL, &r), 410, "a link after the séance has expired");
	ht_resp_free(&r);
	json_decref(cv);
	free(g);
	db_close(D);
	srv_stop(&S);
	return t_done();
}
