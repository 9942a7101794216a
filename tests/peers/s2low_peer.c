/* s2low_peer: a test peer speaking S2LOW's ACTES API as Pastell calls it (paths, parameters, the
 * "OK\n…"/"KO\n…" answers, JSON lists), on loopback, in memory. It builds and validates the archive
 * of every act it receives (our builder: rules + XSD), answers with AR 1-2 or anomaly 1-3 built from
 * the act, emits letters 2-1, 3-1, 4-1, 5-1 with their archives, takes replies and cancellations and
 * acknowledges them. State moves on /_peer/… control calls or, with --auto, on each status poll.
 * Hélios side: PES_Aller posted and checked against the DGFiP schema, PES_ACQUIT (accepted, or refused
 * with DGFiP codes) and PES_Retour built from the file (docs/helios.md, « Test peer, Hélios side »).
 * Documented in docs/actes.md (« Test peer »). Not a product: no TLS client certificates. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "actes/actes_priv.h"   /* archive member names */
#include "helios/helios.h"

#include <openssl/evp.h>

/* ---- state ---- */

enum tx_type { TX_ACTE = 1, TX_COURRIER = 2, TX_PIECES = 3, TX_OBSERVATIONS = 4, TX_DEFERE = 5, TX_ANNULATION = 6,
	       TX_CLASSIFICATION = 7, TX_REPONSE = 8 };

struct pfile {
	int id;
	char *name, *posted, *mime, *code_pj;
	buf data;
};

struct tx {
	int id, type, status, related, lu, reply_kind;   /* reply_kind: 2, 3, 4 (letter type answered) */
	char *number, *unique_id, *date_courrier, *message_code, *archive_name;
	buf flux;                /* AR / anomaly XML, error text */
	buf acte_xml;            /* 1-1 as built */
	struct pfile *files;
	size_t n_files;
	buf archive;
	size_t n_act_files;      /* files of the transaction itself (files list), before ARs */
};

static struct {
	const char *siren, *departement, *arrondissement, *nature, *login, *auto_mode;
	struct actes_classification classif;
	buf classif_xml;
	struct tx *tx;
	size_t n_tx;
	int next_file, serial;
	int delay_ms;            /* --delay-create: answer a post this late (recorded first), for crash tests */
	char tmpdir[64];
} P = { .siren = "246200364", .departement = "062", .arrondissement = "3", .nature = "46", .auto_mode = "none",
	.next_file = 1000 };

static void today(char out[11])
{
	actes_today(out);
}

static struct tx *tx_new(int type, int status)
{
	P.tx = xrealloc(P.tx, (P.n_tx + 1) * sizeof *P.tx);
	struct tx *t = &P.tx[P.n_tx++];
	memset(t, 0, sizeof *t);
	t->id = 100 + (int)P.n_tx;
	t->type = type;
	t->status = status;
	return t;
}

static struct tx *tx_get(const char *id)
{
	int n = id ? atoi(id) : 0;
	for (size_t i = 0; i < P.n_tx; i++)
		if (P.tx[i].id == n)
			return &P.tx[i];
	return NULL;
}

static struct pfile *tx_add_file(struct tx *t, const char *name, const char *posted, const char *code_pj,
				 const void *data, size_t len)
{
	t->files = xrealloc(t->files, (t->n_files + 1) * sizeof *t->files);
	struct pfile *f = &t->files[t->n_files++];
	memset(f, 0, sizeof *f);
	f->id = ++P.next_file;
	f->name = xstrdup(name);
	f->posted = xstrdup(posted ? posted : "");
	f->code_pj = xstrdup(code_pj ? code_pj : "");
	enum actes_file_kind k = actes_file_sniff(data, len);
	f->mime = xstrdup(k == ACTES_FILE_PDF ? "application/pdf" : k == ACTES_FILE_XML ? "text/xml"
			  : k == ACTES_FILE_JPEG ? "image/jpeg" : k == ACTES_FILE_PNG ? "image/png"
			  : "application/octet-stream");
	buf_add(&f->data, data, len);
	return f;
}

/* ---- a small PDF (letters, receipts): one page of Helvetica lines, Latin-1 ---- */

static void pdf_text(buf *s, const char *utf8)
{
	for (const unsigned char *p = (const unsigned char *)utf8; *p; p++) {
		unsigned c = *p;
		if (c >= 0xc0 && c < 0xe0 && (p[1] & 0xc0) == 0x80) {
			c = ((c & 0x1f) << 6) | (p[1] & 0x3f);
			p++;
		} else if (c >= 0x80) {
			c = '?';
		}
		if (c == '(' || c == ')' || c == '\\')
			buf_putc(s, '\\');
		if (c > 0xff)
			c = '?';
		buf_putc(s, (char)c);
	}
}

static void make_pdf(buf *out, const char *const *lines, size_t n)
{
	buf s = BUF_INIT;
	buf_puts(&s, "BT /F1 12 Tf 56 780 Td 16 TL\n");
	for (size_t i = 0; i < n; i++) {
		buf_putc(&s, '(');
		pdf_text(&s, lines[i]);
		buf_puts(&s, ") '\n");
	}
	buf_puts(&s, "ET\n");
	size_t off[6];
	buf_puts(out, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
	off[1] = out->len;
	buf_puts(out, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = out->len;
	buf_puts(out, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
	off[3] = out->len;
	buf_puts(out, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
		      "/Contents 5 0 R >>\nendobj\n");
	off[4] = out->len;
	buf_puts(out, "4 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>\nendobj\n");
	off[5] = out->len;
	buf_printf(out, "5 0 obj\n<< /Length %zu >>\nstream\n", s.len);
	buf_add(out, s.data, s.len);
	buf_puts(out, "endstream\nendobj\n");
	size_t xref = out->len;
	buf_puts(out, "xref\n0 6\n0000000000 65535 f \n");
	for (int i = 1; i < 6; i++)
		buf_printf(out, "%010zu 00000 n \n", off[i]);
	buf_printf(out, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	buf_free(&s);
}

/* ---- archives from the prefecture: envelope MISILLCL + message + files ---- */

static int validate(const buf *x, const char *what)
{
	struct actes_report r = { 0 };
	struct err e = { 0 };
	int n = actes_xsd_validate(x->data, x->len, what, &r, 3, &e);
	if (n != 0)
		fprintf(stderr, "s2low_peer: %s non valide : %s\n", what, n < 0 ? e.msg : r.items[0].msg);
	actes_report_free(&r);
	return n == 0 ? 0 : -1;
}

static int pref_archive(struct tx *t, const char *message_name, const buf *message, const char *const *names,
			const buf *files, size_t n)
{
	char d[11], compact[9];
	today(d);
	snprintf(compact, sizeof compact, "%.4s%.2s%.2s", d, d + 5, d + 8);
	buf env = BUF_INIT, env_name = BUF_INIT;
	const char *forms[] = { message_name };
	actes_build_envelope_mi_xml(&env, P.departement, P.arrondissement, P.siren, forms, 1);
	buf_printf(&env_name, "TACT--SPREF%s%s-%s-%s-%d.xml", P.departement, P.arrondissement, P.siren, compact, ++P.serial);
	int rc = validate(&env, env_name.data) < 0 || validate(message, message_name) < 0 ? -1 : 0;
	struct actes_member *m = xcalloc(n + 2, sizeof *m);
	m[0] = (struct actes_member){ env_name.data, env.data, env.len };
	m[1] = (struct actes_member){ message_name, message->data, message->len };
	for (size_t i = 0; i < n; i++)
		m[i + 2] = (struct actes_member){ names[i], files[i].data, files[i].len };
	char path[128];
	snprintf(path, sizeof path, "%s/pref.tar.gz", P.tmpdir);
	struct err e = { 0 };
	if (rc == 0 && actes_targz_write(path, m, n + 2, &e) == 0) {
		buf_reset(&t->archive);
		rc = buf_read_file(&t->archive, path, 0);
		buf an = BUF_INIT;
		buf_printf(&an, "%.*s.tar.gz", (int)env_name.len - 4, env_name.data);
		t->archive_name = buf_detach(&an);
		unlink(path);
	} else if (rc == 0) {
		rc = -1;
	}
	free(m);
	tx_add_file(t, message_name, NULL, NULL, message->data, message->len);
	for (size_t i = 0; i < n; i++)
		tx_add_file(t, names[i], NULL, NULL, files[i].data, files[i].len);
	buf_free(&env);
	buf_free(&env_name);
	return rc;
}

/* ---- answers of the prefecture ---- */

static void answer_ar(struct tx *t, int anomaly, const char *detail)
{
	char d[11];
	today(d);
	struct err e = { 0 };
	buf x = BUF_INIT;
	/* The prefecture refuses an act built on another classification than its own (ODT-VERIF-01). */
	struct actes_message m;
	if (!anomaly && actes_message_parse(t->acte_xml.data, t->acte_xml.len, &m, &e) == 0) {
		if (P.classif.date[0] && m.acte.classification_date && strcmp(m.acte.classification_date, P.classif.date)) {
			anomaly = 1;
			detail = "ODT-VERIF-01 : Votre acte a été transmis avec une date de classification qui n'est pas à jour";
		} else if (P.classif.date[0] && !actes_classification_find(&P.classif, m.acte.matiere, m.acte.n_matiere)) {
			anomaly = 1;
			detail = "ODT-VERIF-02 : La classification de l'acte n'existe pas";
		}
		actes_message_free(&m);
	}
	const char *cd = P.classif.date[0] ? P.classif.date : d;
	int rc = anomaly ? actes_build_anomalie_acte_xml(&x, t->acte_xml.data, t->acte_xml.len, d, "002",
							   detail ? detail : "Anomalie signalée par la préfecture", cd, &e)
			 : actes_build_ar_acte_xml(&x, t->acte_xml.data, t->acte_xml.len, t->unique_id, d, cd, &e);
	if (rc < 0 || validate(&x, anomaly ? "1-3" : "1-2") < 0) {
		fprintf(stderr, "s2low_peer: réponse impossible : %s\n", e.msg);
		buf_free(&x);
		return;
	}
	buf_reset(&t->flux);
	if (anomaly) {
		/* S2LOW keeps the text for status -1 and the anomaly file with the transaction */
		buf_puts(&t->flux, detail ? detail : "Anomalie signalée par la préfecture");
		t->status = -1;
	} else {
		buf_add(&t->flux, x.data, x.len);
		t->status = 4;
	}
	buf name = BUF_INIT;
	buf_printf(&name, "%s-1-%d_0.xml", t->unique_id, anomaly ? 3 : 2);
	tx_add_file(t, name.data, NULL, NULL, x.data, x.len);
	buf_free(&name);
	buf_free(&x);
}

static struct tx *emit_letter(struct tx *act, int type, const char *texte)
{
	static const enum actes_msg_kind kinds[] = { 0, 0, ACTES_MSG_COURRIER_SIMPLE, ACTES_MSG_DEMANDE_PIECES,
						     ACTES_MSG_LETTRE_OBSERVATIONS, ACTES_MSG_DEFERE_TA };
	char d[11];
	today(d);
	/* 2 and 5 expect no AR (S2LOW state 21); 3 and 4: received (7), AR 3-2/4-2 sent by the TdT (8) */
	size_t act_index = (size_t)(act - P.tx);
	struct tx *t = tx_new(type, type == 2 || type == 5 ? 21 : 8);
	act = &P.tx[act_index];   /* tx_new may move the array */
	t->related = act->id;
	t->number = xstrdup(act->number);
	t->unique_id = xstrdup(act->unique_id);
	t->date_courrier = xstrdup(d);
	buf msg = BUF_INIT, msg_name = BUF_INIT, pdf = BUF_INIT, pdf_name = BUF_INIT;
	buf_printf(&msg_name, "%s-%d-1_0.xml", act->unique_id, type);
	buf_printf(&pdf_name, "%s-%d-1_1.pdf", act->unique_id, type);
	const char *lines[] = { "Préfecture - contrôle de légalité", actes_msg_type_get(kinds[type])->label, act->unique_id,
				texte ? texte : "" };
	make_pdf(&pdf, lines, 4);
	const char *names[] = { pdf_name.data };
	actes_build_courrier_xml(&msg, kinds[type], act->unique_id, d, texte, names, 1);
	if (pref_archive(t, msg_name.data, &msg, names, &pdf, 1) < 0)
		fprintf(stderr, "s2low_peer: courrier %d non valide\n", type);
	buf_free(&msg);
	buf_free(&msg_name);
	buf_free(&pdf);
	buf_free(&pdf_name);
	return t;
}

/* 6-2: the cancellation acknowledged, the act cancelled (S2LOW state 0). */
static void ar_annulation(struct tx *t)
{
	char d[11];
	today(d);
	struct tx *act = tx_get(NULL);
	for (size_t i = 0; i < P.n_tx; i++)
		if (P.tx[i].id == t->related)
			act = &P.tx[i];
	buf x = BUF_INIT;
	actes_build_ar_annulation_xml(&x, t->unique_id, d);
	if (validate(&x, "6-2") == 0) {
		buf_reset(&t->flux);
		buf_add(&t->flux, x.data, x.len);
		t->status = 4;
		if (act)
			act->status = 0;
		buf name = BUF_INIT;
		buf_printf(&name, "%s-6-2_0.xml", t->unique_id);
		tx_add_file(t, name.data, NULL, NULL, x.data, x.len);
		buf_free(&name);
	}
	buf_free(&x);
}

/* Automatic progression (--auto ar|anomalie): each status poll moves one step 1→2→3→4 (or -1). */
static void auto_step(struct tx *t)
{
	if (strcmp(P.auto_mode, "none") == 0 || t->type != TX_ACTE)
		return;
	if (t->status == 1 || t->status == 2)
		t->status++;
	else if (t->status == 3)
		answer_ar(t, strcmp(P.auto_mode, "anomalie") == 0, NULL);
}


/* ---- HTTP plumbing ---- */

struct field {
	char *name, *filename;
	buf data;
};
struct req {
	struct MHD_PostProcessor *pp;
	struct field *f;
	size_t n, total;
	int too_big;
};

static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
				 const char *ct, const char *te, const char *data, uint64_t off, size_t size)
{
	struct req *r = cls;
	(void)kind, (void)ct, (void)te;
	if (off == 0 || r->n == 0) {
		r->f = xrealloc(r->f, (r->n + 1) * sizeof *r->f);
		struct field *f = &r->f[r->n++];
		memset(f, 0, sizeof *f);
		f->name = xstrdup(key);
		f->filename = filename ? xstrdup(filename) : NULL;
		buf_add(&f->data, "", 0);
	}
	r->total += size;
	if (r->total > ACTES_ARCHIVE_MAX + (16u << 20)) {
		r->too_big = 1;
		return MHD_YES;
	}
	buf_add(&r->f[r->n - 1].data, data, size);
	return MHD_YES;
}

static void req_free(struct req *r)
{
	if (!r)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	for (size_t i = 0; i < r->n; i++) {
		free(r->f[i].name);
		free(r->f[i].filename);
		buf_free(&r->f[i].data);
	}
	free(r->f);
	free(r);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode code)
{
	(void)cls, (void)c, (void)code;
	req_free(*con_cls);
	*con_cls = NULL;
}

static struct field *field(struct req *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->f[i].name, name) == 0)
			return &r->f[i];
	return NULL;
}

/* A parameter from the query string or the form. */
static const char *arg(struct MHD_Connection *c, struct req *r, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
	if (v)
		return v;
	struct field *f = field(r, name);
	return f ? f->data.data : NULL;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type, const void *data, size_t len)
{
	struct MHD_Response *rs = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(rs, "Content-Type", type);
	enum MHD_Result ok = MHD_queue_response(c, status, rs);
	MHD_destroy_response(rs);
	return ok;
}

/* S2LOW answers its plain-text API in ISO-8859-1 (ResponseHelper::returnAndExit). */
static enum MHD_Result text(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
{
	buf u = BUF_INIT, l = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&u, fmt, ap);
	va_end(ap);
	for (const unsigned char *p = (const unsigned char *)u.data; *p; p++) {
		if (*p >= 0xc2 && *p < 0xc4 && (p[1] & 0xc0) == 0x80) {
			buf_putc(&l, (char)(((*p & 0x1f) << 6) | (p[1] & 0x3f)));
			p++;
		} else if (*p >= 0x80) {
			while ((p[1] & 0xc0) == 0x80)
				p++;
			buf_putc(&l, '?');
		} else {
			buf_putc(&l, (char)*p);
		}
	}
	enum MHD_Result ok = respond(c, status, "text/plain; charset=ISO-8859-1", l.data, l.len);
	buf_free(&u);
	buf_free(&l);
	return ok;
}

#define KO(c, ...) text(c, MHD_HTTP_OK, "KO\n" __VA_ARGS__)

static enum MHD_Result json(struct MHD_Connection *c, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	enum MHD_Result ok = respond(c, MHD_HTTP_OK, "application/json", s, strlen(s));
	free(s);
	json_decref(j);
	return ok;
}

static char *latin1_to_utf8(const char *s)
{
	buf b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80) {
			buf_putc(&b, (char)*p);
		} else {
			buf_putc(&b, (char)(0xc0 | (*p >> 6)));
			buf_putc(&b, (char)(0x80 | (*p & 0x3f)));
		}
	}
	return buf_detach(&b);
}

/* S2LOW's rule (ActesTransaction::NUMBER_REGEXP): /^([A-Z0-9][A-Z0-9_]{0,13})?[A-Z0-9]$/ */
static int s2low_numero(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 15 || !actes_numero_valid(s))
		return 0;
	return s[0] != '_' && s[n - 1] != '_';
}

static const char *mime_of(const struct field *f)
{
	enum actes_file_kind k = actes_file_sniff(f->data.data, f->data.len);
	return k == ACTES_FILE_PDF ? "application/pdf" : k == ACTES_FILE_XML ? "application/xml"
	       : k == ACTES_FILE_JPEG ? "image/jpeg" : k == ACTES_FILE_PNG ? "image/png" : "application/octet-stream";
}

/* ---- ACTES API ---- */

static enum MHD_Result h_test(struct MHD_Connection *c, struct req *r)
{
	(void)r;
	return text(c, MHD_HTTP_OK, "OK\n");
}

static enum MHD_Result h_logins(struct MHD_Connection *c, struct req *r)
{
	(void)r;   /* one account per certificate here: empty list, no login needed */
	return respond(c, MHD_HTTP_OK, "application/json", "[]", 2);
}

/* The S2LOW wording for the first violation our builder found. */
static enum MHD_Result ko_violation(struct MHD_Connection *c, const struct actes_issue *is, struct req *r)
{
	if (strcmp(is->code, "actes.type_fichier") == 0) {
		struct field *f = field(r, "acte_pdf_file");
		return KO(c, "Le fichier de l'acte \" %s \" est de type \" %s \". Fichier PDF ou XML requis.\n",
			  f && f->filename ? f->filename : "", f ? mime_of(f) : "");
	}
	if (strcmp(is->code, "actes.taille") == 0)
		return KO(c, "La taille totale des fichiers est trop importante (max : %zu)\n", ACTES_ARCHIVE_MAX);
	if (strcmp(is->code, "actes.date") == 0)
		return KO(c, "La date de décision est une date dans le futur\n");
	return KO(c, "Erreur de validation du fichier de l'acte : %s\n", is->msg);
}

static enum MHD_Result h_create(struct MHD_Connection *c, struct req *r)
{
	if (r->too_big)
		return KO(c, "La taille totale des fichiers est trop importante (max : %zu)\n", ACTES_ARCHIVE_MAX);
	const char *api = arg(c, r, "api"), *number = arg(c, r, "number"), *nature = arg(c, r, "nature_code");
	const char *subject = arg(c, r, "subject"), *date = arg(c, r, "decision_date");
	const char *c1 = arg(c, r, "classif1"), *c2 = arg(c, r, "classif2"), *type_acte = arg(c, r, "type_acte");
	if (!api || strcmp(api, "1") != 0)
		return text(c, MHD_HTTP_BAD_REQUEST, "KO\napi=1 attendu (mode HTML non simulé)\n");
	if (!number || !s2low_numero(number))
		return KO(c, "Le numéro n'est pas correct\n");
	for (size_t i = 0; i < P.n_tx; i++)
		if (P.tx[i].type == TX_ACTE && strcmp(P.tx[i].number, number) == 0 && P.tx[i].status != 0)
			return KO(c, "Un acte portant le même numéro interne existe déjà dans la base de données. Il faut "
				     "peut-être ajouter un suffixe au numéro.\n");
	if (!nature || atoi(nature) < 1 || atoi(nature) > 6)
		return KO(c, "La nature de l'acte n'est pas correcte\n");
	if (!c1 || !*c1 || !c2 || !*c2)
		return KO(c, "Les deux premiers niveaux de classification sont obligatoires.\n");
	struct field *acte = field(r, "acte_pdf_file");
	if (!acte || !acte->filename || acte->data.len == 0)
		return KO(c, "Aucun fichier acte n'a été posté\n");
	if (!type_acte || !*type_acte)
		return KO(c, "Erreur lors de la réception du fichier %s : typologie absente\n", acte->filename);
	size_t na = 0, nt = 0;
	for (size_t i = 0; i < r->n; i++) {
		na += strcmp(r->f[i].name, "acte_attachments[]") == 0 && r->f[i].filename && r->f[i].data.len;
		nt += strcmp(r->f[i].name, "type_pj[]") == 0;
	}
	struct actes_acte a = { 0 };
	a.a = arena_new();
	a.siren = P.siren, a.departement = P.departement, a.arrondissement = P.arrondissement;
	a.nature_collectivite = P.nature, a.trigramme = "SLO", a.sequence = ++P.serial;
	const char *ret[] = { "s2low@s2low.example.fr" };
	a.adresses_retour = ret, a.n_adresses_retour = 1;
	char d[11];
	today(d);
	a.date_envoi = arena_strdup(a.a, d);
	a.numero = number, a.nature = atoi(nature), a.date_decision = date ? date : "";
	char *objet = subject ? latin1_to_utf8(subject) : NULL;
	a.objet = objet ? arena_strdup(a.a, objet) : "";
	free(objet);
	a.classification = arena_printf(a.a, "%s.%s", c1, c2);
	const char *lv[] = { c1, c2, arg(c, r, "classif3"), arg(c, r, "classif4"), arg(c, r, "classif5") };
	for (a.n_matiere = 0; a.n_matiere < 5 && lv[a.n_matiere] && *lv[a.n_matiere]; a.n_matiere++)
		a.matiere[a.n_matiere] = atoi(lv[a.n_matiere]);
	a.classification_date = P.classif.date[0] ? P.classif.date : a.date_decision;
	const char *dp = arg(c, r, "document_papier");
	a.document_papier = dp && strcmp(dp, "1") == 0;
	a.acte = (struct actes_piece){ acte->filename, type_acte, (const unsigned char *)acte->data.data, acte->data.len };
	a.annexes = arena_alloc(a.a, (na + 1) * sizeof *a.annexes);
	size_t k = 0, kt = 0;
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->f[i].name, "acte_attachments[]") == 0 && r->f[i].filename && r->f[i].data.len)
			a.annexes[k++] = (struct actes_piece){ r->f[i].filename, NULL, (const unsigned char *)r->f[i].data.data,
							       r->f[i].data.len };
	for (size_t i = 0; i < r->n && kt < na; i++)
		if (strcmp(r->f[i].name, "type_pj[]") == 0)
			a.annexes[kt++].type_pj = r->f[i].data.data;
	a.n_annexes = na;
	enum MHD_Result ok;
	if (nt < na) {
		ok = KO(c, "Erreur lors de la réception du fichier %s : typologie absente\n", a.annexes[nt].name);
		arena_free(a.a);
		return ok;
	}
	struct actes_report rep = { 0 };
	struct err e = { 0 };
	buf path = BUF_INIT;
	/* Our builder is the TdT's validation here: every rule, then the XSD on both XML files. */
	if (actes_archive_build(&a, NULL, P.tmpdir, &path, &rep, &e) < 0) {
		ok = rep.n ? ko_violation(c, &rep.items[0], r) : KO(c, "Erreur interne : %s\n", e.msg);
		actes_report_free(&rep);
		arena_free(a.a);
		buf_free(&path);
		return ok;
	}
	const char *en = arg(c, r, "en_attente");
	struct tx *t = tx_new(TX_ACTE, en && strcmp(en, "1") == 0 ? 17 : 1);
	t->number = xstrdup(number);
	buf b = BUF_INIT;
	actes_acte_base(&b, &a);
	t->unique_id = buf_detach(&b);
	buf_read_file(&t->archive, path.data, 0);
	t->archive_name = xstrdup(strrchr(path.data, '/') + 1);
	unlink(path.data);
	actes_build_acte_xml(&t->acte_xml, &a);
	buf name = BUF_INIT;
	actes_meta_name(&name, &a);
	tx_add_file(t, name.data, "", "", t->acte_xml.data, t->acte_xml.len);
	for (size_t i = 0; i <= na; i++) {
		struct actes_piece *p = i == 0 ? &a.acte : &a.annexes[i - 1];
		buf_reset(&name);
		buf_printf(&name, "%s-", p->type_pj);
		actes_acte_base(&name, &a);
		enum actes_file_kind fk = actes_file_sniff(p->data, p->len);
		buf_printf(&name, "-1-1_%zu.%s", i + 1, actes_file_ext(fk));
		tx_add_file(t, name.data, p->name, p->type_pj, p->data, p->len);
	}
	t->n_act_files = t->n_files;
	buf_free(&name);
	buf_free(&path);
	arena_free(a.a);
	if (P.delay_ms > 0)   /* the transaction exists; its number comes late (a client may die meanwhile) */
		usleep((useconds_t)P.delay_ms * 1000);
	return text(c, MHD_HTTP_OK, "OK\n%d\n", t->id);
}

static enum MHD_Result h_status(struct MHD_Connection *c, struct req *r)
{
	struct tx *t = tx_get(arg(c, r, "transaction"));
	const char *uid = arg(c, r, "unique_id");
	for (size_t i = 0; !t && uid && i < P.n_tx; i++)
		if (P.tx[i].type == TX_ACTE && strcmp(P.tx[i].unique_id, uid) == 0)
			t = &P.tx[i];
	if (!t)
		return KO(c, "Numéro de transaction invalide.\n");
	auto_step(t);
	if (t->type == TX_ANNULATION && t->status == 1 && strcmp(P.auto_mode, "none") != 0)
		ar_annulation(t);
	if (t->status == -1)   /* the error text, converted like every message */
		return text(c, MHD_HTTP_OK, "OK\n%d\n%s", t->status, t->flux.data ? t->flux.data : "");
	/* the stored XML goes out as it is (ISO-8859-1 bytes) */
	buf b = BUF_INIT;
	buf_printf(&b, "OK\n%d\n", t->status);
	if (t->flux.len)
		buf_add(&b, t->flux.data, t->flux.len);
	enum MHD_Result ok = respond(c, MHD_HTTP_OK, "text/plain; charset=ISO-8859-1", b.data, b.len);
	buf_free(&b);
	return ok;
}

static enum MHD_Result h_files(struct MHD_Connection *c, struct req *r)
{
	struct tx *t = tx_get(arg(c, r, "transaction"));
	if (!t)
		return KO(c, "Numéro de transaction invalide.\n");
	if (t->status == 1 || t->status == 2 || t->status == 3 || t->status == 17)
		return KO(c, "Pas d'acquittement recu\n");
	json_t *a = json_array();
	for (size_t i = 0; i < t->n_act_files; i++) {
		struct pfile *f = &t->files[i];
		char id[32], size[32];
		snprintf(id, sizeof id, "%d", f->id);
		snprintf(size, sizeof size, "%zu", f->data.len);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", id, "name", f->name,
						   "posted_filename", f->posted, "mimetype", f->mime, "size", size,
						   "sign", "", "code_pj", f->code_pj));
	}
	return json(c, a);
}

static struct pfile *file_get(const char *id)
{
	int n = id ? atoi(id) : 0;
	for (size_t i = 0; i < P.n_tx; i++)
		for (size_t k = 0; k < P.tx[i].n_files; k++)
			if (P.tx[i].files[k].id == n)
				return &P.tx[i].files[k];
	return NULL;
}

/* ?file=ID[&tampon=true] one file (the peer does not stamp: the stamped copy is Opale's own), or
 * ?env=ID the whole archive of a transaction. */
static enum MHD_Result h_download(struct MHD_Connection *c, struct req *r)
{
	const char *env = arg(c, r, "env");
	if (env) {
		struct tx *t = tx_get(env);
		if (!t || !t->archive.len)
			return text(c, MHD_HTTP_NOT_FOUND, "KO\nArchive introuvable\n");
		struct MHD_Response *rs = MHD_create_response_from_buffer(t->archive.len, t->archive.data,
									  MHD_RESPMEM_MUST_COPY);
		MHD_add_response_header(rs, "Content-Type", "application/x-gzip");
		buf cd = BUF_INIT;
		buf_printf(&cd, "attachment; filename=\"%s\"", t->archive_name ? t->archive_name : "archive.tar.gz");
		MHD_add_response_header(rs, "Content-Disposition", cd.data);
		buf_free(&cd);
		enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, rs);
		MHD_destroy_response(rs);
		return ok;
	}
	struct pfile *f = file_get(arg(c, r, "file"));
	if (!f)
		return text(c, MHD_HTTP_NOT_FOUND, "KO\nFichier introuvable\n");
	return respond(c, MHD_HTTP_OK, f->mime, f->data.data, f->data.len);
}

static enum MHD_Result h_bordereau(struct MHD_Connection *c, struct req *r)
{
	struct tx *t = tx_get(arg(c, r, "trans_id"));
	if (!t || t->type != TX_ACTE)
		return KO(c, "Numéro de transaction invalide.\n");
	if (t->status < 4 && t->status != 0)
		return KO(c, "Pas d'acquittement recu\n");
	struct actes_message m;
	struct err e = { 0 };
	char line2[128] = "", line3[128] = "";
	if (actes_message_parse(t->files[t->n_act_files].data.data, t->files[t->n_act_files].data.len, &m, &e) == 0) {
		snprintf(line2, sizeof line2, "Identifiant de l'acte : %s", m.id_acte ? m.id_acte : "");
		snprintf(line3, sizeof line3, "Date de réception en préfecture : %s", m.date ? m.date : "");
		actes_message_free(&m);
	}
	const char *lines[] = { "Bordereau d'acquittement de transaction", line2, line3, t->number };
	buf pdf = BUF_INIT;
	make_pdf(&pdf, lines, 4);
	enum MHD_Result ok = respond(c, MHD_HTTP_OK, "application/pdf", pdf.data, pdf.len);
	buf_free(&pdf);
	return ok;
}

/* Collectivité → prefecture archive for cancellations and replies (S2LOW builds it from the post). */
static int cl_archive(struct tx *t, const char *msg_name, const buf *msg, const char *const *names,
		      const struct field *const *files, size_t n)
{
	struct actes_acte a = { 0 };
	char d[11];
	today(d);
	a.siren = P.siren, a.departement = P.departement, a.arrondissement = P.arrondissement, a.nature_collectivite = P.nature;
	const char *ret[] = { "s2low@s2low.example.fr" };
	a.adresses_retour = ret, a.n_adresses_retour = 1;
	a.date_envoi = d, a.sequence = ++P.serial;
	buf env = BUF_INIT, env_name = BUF_INIT;
	const char *forms[] = { msg_name };
	actes_build_envelope_xml(&env, &a, forms, 1);
	buf_printf(&env_name, "EACT--%s--%.4s%.2s%.2s-%d.xml", P.siren, d, d + 5, d + 8, a.sequence);
	int rc = validate(&env, env_name.data) < 0 || validate(msg, msg_name) < 0 ? -1 : 0;
	struct actes_member *m = xcalloc(n + 2, sizeof *m);
	m[0] = (struct actes_member){ env_name.data, env.data, env.len };
	m[1] = (struct actes_member){ msg_name, msg->data, msg->len };
	for (size_t i = 0; i < n; i++)
		m[i + 2] = (struct actes_member){ names[i], files[i]->data.data, files[i]->data.len };
	buf an = BUF_INIT, path = BUF_INIT;
	buf_printf(&an, "SLO-%.*s.tar.gz", (int)env_name.len - 4, env_name.data);
	buf_printf(&path, "%s/%s", P.tmpdir, an.data);
	struct err e = { 0 };
	struct actes_report rep = { 0 };
	/* the archive as the prefecture receives it, checked as `opale actes check` does: envelope and
	 * message against the XSD, every document the message names present, nothing else */
	if (rc == 0 && actes_targz_write(path.data, m, n + 2, &e) == 0 && actes_archive_check(path.data, NULL, d, &rep, &e) == 0 &&
	    rep.n == 0) {
		rc = buf_read_file(&t->archive, path.data, 0);
		t->archive_name = buf_detach(&an);
	} else {
		fprintf(stderr, "s2low_peer: archive %s refusée : %s\n", an.data, rep.n ? rep.items[0].msg : e.msg);
		rc = -1;
	}
	unlink(path.data);
	actes_report_free(&rep);
	buf_free(&an);
	buf_free(&path);
	tx_add_file(t, msg_name, NULL, NULL, msg->data, msg->len);
	for (size_t i = 0; i < n; i++)
		tx_add_file(t, names[i], files[i]->filename, NULL, files[i]->data.data, files[i]->data.len);
	t->n_act_files = t->n_files;
	free(m);
	buf_free(&env);
	buf_free(&env_name);
	return rc;
}

static enum MHD_Result h_cancel(struct MHD_Connection *c, struct req *r)
{
	struct tx *act = tx_get(arg(c, r, "id"));
	if (!act || act->type != TX_ACTE)
		return KO(c, "Numéro de transaction invalide.\n");
	if (act->status != 4)
		return KO(c, "Impossible d'annuler une transaction qui n'est pas en état « Acquittement reçu ».\n");
	for (size_t i = 0; i < P.n_tx; i++)
		if (P.tx[i].type == TX_ANNULATION && P.tx[i].related == act->id && P.tx[i].status != -1)
			return KO(c, "Une annulation est déjà en cours pour cette transaction.\n");
	int act_id = act->id;
	char *uid = xstrdup(act->unique_id), *number = xstrdup(act->number);
	struct tx *t = tx_new(TX_ANNULATION, 1);
	t->related = act_id, t->unique_id = uid, t->number = number;
	buf x = BUF_INIT, name = BUF_INIT;
	actes_build_annulation_xml(&x, uid);
	buf_printf(&name, "%s-6-1_0.xml", uid);
	int rc = cl_archive(t, name.data, &x, NULL, NULL, 0);
	buf_free(&x);
	buf_free(&name);
	if (rc < 0)
		return KO(c, "Erreur lors de la génération de l'annulation\n");
	return text(c, MHD_HTTP_OK, "OK\n%d\n", t->id);
}

static enum MHD_Result h_classif_request(struct MHD_Connection *c, struct req *r)
{
	(void)r;
	struct tx *t = tx_new(TX_CLASSIFICATION, 3);
	t->number = xstrdup(""), t->unique_id = xstrdup("");
	buf x = BUF_INIT;
	actes_build_demande_classification_xml(&x, P.classif.date[0] ? P.classif.date : NULL);
	tx_add_file(t, "demande-classification-7-1_0.xml", NULL, NULL, x.data, x.len);
	buf_free(&x);
	return text(c, MHD_HTTP_OK, "OK\n%d\n", t->id);
}

static enum MHD_Result h_classif_fetch(struct MHD_Connection *c, struct req *r)
{
	(void)r;
	if (!P.classif_xml.len)
		return KO(c, "Aucune classification disponible\n");
	return respond(c, MHD_HTTP_OK, "text/xml; charset=ISO-8859-1", P.classif_xml.data, P.classif_xml.len);
}

static int is_letter(const struct tx *t)
{
	return t->type >= TX_COURRIER && t->type <= TX_DEFERE;
}

static enum MHD_Result h_list_docs(struct MHD_Connection *c, struct req *r)
{
	(void)r;
	json_t *a = json_array();
	for (size_t i = 0; i < P.n_tx; i++) {
		struct tx *t = &P.tx[i];
		if (!is_letter(t) || t->lu)
			continue;
		char id[16], type[8], rel[16], st[8];
		snprintf(id, sizeof id, "%d", t->id);
		snprintf(type, sizeof type, "%d", t->type);
		snprintf(rel, sizeof rel, "%d", t->related);
		snprintf(st, sizeof st, "%d", t->status);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "id", id, "type", type,
						   "related_transaction_id", rel, "number", t->number, "unique_id",
						   t->unique_id, "last_status_id", st));
	}
	return json(c, a);
}

static enum MHD_Result h_get_document(struct MHD_Connection *c, struct req *r)
{
	struct tx *t = tx_get(arg(c, r, "id"));
	if (!t)
		return KO(c, "Numéro de transaction invalide.\n");
	if (t->type != TX_ACTE) {   /* a letter: S2LOW redirects to its archive */
		char loc[128];
		snprintf(loc, sizeof loc, "/modules/actes/actes_download_file.php?env=%d", t->id);
		struct MHD_Response *rs = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(rs, "Location", loc);
		enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_FOUND, rs);
		MHD_destroy_response(rs);
		return ok;
	}
	buf b = BUF_INIT;
	for (size_t i = 0; i < P.n_tx; i++)
		if (is_letter(&P.tx[i]) && P.tx[i].related == t->id)
			buf_printf(&b, "%d-%d-%d\n", P.tx[i].type, P.tx[i].status, P.tx[i].id);
	enum MHD_Result ok = respond(c, MHD_HTTP_OK, "text/plain; charset=ISO-8859-1", b.data ? b.data : "", b.len);
	buf_free(&b);
	return ok;
}

static enum MHD_Result h_mark_read(struct MHD_Connection *c, struct req *r)
{
	struct tx *t = tx_get(arg(c, r, "transaction_id"));
	if (!t || !is_letter(t))
		return json(c, json_pack("{s:s,s:s}", "result", "ko", "message", "Transaction introuvable"));
	t->lu = 1;
	return json(c, json_pack("{s:s}", "result", "ok"));
}

/* Reply to a letter: 2-2; 3-3 (type_envoie 3, refus) or 3-4 (4, pièces); 4-3 (3) or 4-4 (4). */
static enum MHD_Result h_reponse(struct MHD_Connection *c, struct req *r)
{
	struct tx *l = tx_get(arg(c, r, "id"));
	if (!l || !is_letter(l))
		return KO(c, "Numéro de transaction invalide.\n");
	if (l->type == TX_DEFERE)
		return KO(c, "Ce type de document n'attend pas de réponse.\n");
	const char *te = arg(c, r, "type_envoie");
	int envoi = te ? atoi(te) : 0;
	if (l->type != TX_COURRIER && envoi != 3 && envoi != 4)
		return KO(c, "type_envoie doit valoir 3 (refus) ou 4 (envoi)\n");
	enum actes_reponse_kind k = l->type == TX_COURRIER ? ACTES_REP_COURRIER_SIMPLE
				    : l->type == TX_PIECES ? (envoi == 3 ? ACTES_REP_REFUS_PIECES : ACTES_REP_PIECES)
							   : (envoi == 3 ? ACTES_REP_REJET_OBSERVATIONS : ACTES_REP_REPONSE_OBSERVATIONS);
	const struct field *files[64];
	const char *types[64];
	size_t n = 0, nt = 0;
	struct field *main = field(r, "acte_pdf_file");
	if (!main || !main->filename || !main->data.len)
		return KO(c, "Aucun fichier n'a été posté\n");
	files[n++] = main;
	for (size_t i = 0; i < r->n && n < 64; i++)
		if (strcmp(r->f[i].name, "acte_attachments[]") == 0 && r->f[i].filename && r->f[i].data.len)
			files[n++] = &r->f[i];
	types[nt++] = arg(c, r, "type_acte");
	for (size_t i = 0; i < r->n && nt < 64; i++)
		if (strcmp(r->f[i].name, "type_pj[]") == 0)
			types[nt++] = r->f[i].data.data;
	/* the XSD gives every reply but 3-4 a single Document (⚠ what S2LOW does with extra files there is
	 * not in the sources: refusing them is this peer's choice, so a client bug shows) */
	if (k != ACTES_REP_PIECES && n > 1)
		return KO(c, "Seule une transmission de pièces complémentaires (3-4) peut comporter plusieurs documents\n");
	for (size_t i = 0; i < n; i++) {
		if (actes_file_sniff(files[i]->data.data, files[i]->data.len) == ACTES_FILE_OTHER)
			return KO(c, "Le fichier de réponse \" %s \" est de type \" %s \". Fichier PDF, XML, PNG ou JPEG requis.\n",
				  files[i]->filename, mime_of(files[i]));
		if (i >= nt || !types[i] || !*types[i])
			return KO(c, "Erreur lors de la réception du fichier %s : typologie absente\n", files[i]->filename);
		if (!actes_type_pj_valid(types[i]))
			return KO(c, "Le code de la PJ doit faire 5 caractères\n");
	}
	const char *code = actes_reponse_code(k);
	char *names[64];
	for (size_t i = 0; i < n; i++) {   /* S2LOW getStdFileName: <type>-<unique id>-<N-M>_<k>.<ext> */
		enum actes_file_kind fk = actes_file_sniff(files[i]->data.data, files[i]->data.len);
		buf nm = BUF_INIT;
		buf_printf(&nm, "%s-%s-%s_%zu.%s", types[i], l->unique_id, code, i + 1, actes_file_ext(fk));
		names[i] = buf_detach(&nm);
	}
	int letter_id = l->id, letter_type = l->type;
	char *uid = xstrdup(l->unique_id), *number = xstrdup(l->number), *dc = xstrdup(l->date_courrier);
	buf x = BUF_INIT, name = BUF_INIT;
	actes_build_reponse_xml(&x, k, uid, dc, (const char *const *)names, n);
	buf_printf(&name, "%s-%s_0.xml", uid, code);
	struct tx *t = tx_new(TX_REPONSE, 1);
	t->related = letter_id, t->reply_kind = letter_type, t->unique_id = uid, t->number = number, t->date_courrier = dc;
	t->message_code = xstrdup(code);
	int rc = cl_archive(t, name.data, &x, (const char *const *)names, files, n);
	struct tx *letter = tx_get(NULL);
	for (size_t i = 0; i < P.n_tx; i++)
		if (P.tx[i].id == letter_id)
			letter = &P.tx[i];
	if (rc == 0 && letter)   /* 9 document envoyé, 10 refus d'envoi (S2LOW state names) */
		letter->status = envoi == 3 ? 10 : 9;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	buf_free(&x);
	buf_free(&name);
	if (rc < 0)
		return KO(c, "Erreur de validation de la réponse\n");
	return text(c, MHD_HTTP_OK, "OK\n%d\n", t->id);
}

/* ---- control (tests drive the prefecture) ---- */

static enum MHD_Result c_transmettre(struct MHD_Connection *c, struct req *r)
{
	struct tx *t = tx_get(arg(c, r, "id"));
	if (!t || (t->status != 1 && t->status != 2 && t->status != 17))
		return KO(c, "transaction absente ou pas en attente\n");
	t->status = 3;
	return text(c, MHD_HTTP_OK, "OK\n%d\n", t->status);
}

static enum MHD_Result c_ar(struct MHD_Connection *c, struct req *r, int anomaly)
{
	struct tx *t = tx_get(arg(c, r, "id"));
	if (!t || (t->type != TX_ACTE && t->type != TX_CLASSIFICATION) || t->status == 4 || t->status == -1)
		return KO(c, "transaction absente ou déjà acquittée\n");
	if (t->type == TX_CLASSIFICATION) {
		buf_reset(&t->flux);
		buf_add(&t->flux, P.classif_xml.data, P.classif_xml.len);
		t->status = 4;
	} else {
		answer_ar(t, anomaly, arg(c, r, "detail"));
	}
	return text(c, MHD_HTTP_OK, "OK\n%d\n", t->status);
}

static enum MHD_Result c_ack(struct MHD_Connection *c, struct req *r)
{
	return c_ar(c, r, 0);
}

static enum MHD_Result c_anomalie(struct MHD_Connection *c, struct req *r)
{
	return c_ar(c, r, 1);
}

static enum MHD_Result c_courrier(struct MHD_Connection *c, struct req *r)
{
	struct tx *act = tx_get(arg(c, r, "id"));
	const char *type = arg(c, r, "type");
	int ty = type ? atoi(type) : 0;
	if (!act || act->type != TX_ACTE || act->status != 4 || ty < 2 || ty > 5)
		return KO(c, "acte acquitté et type 2 à 5 attendus\n");
	struct tx *l = emit_letter(act, ty, arg(c, r, "texte"));
	return text(c, MHD_HTTP_OK, "OK\n%d\n", l->id);
}

static enum MHD_Result c_ar_annulation(struct MHD_Connection *c, struct req *r)
{
	struct tx *t = tx_get(arg(c, r, "id"));
	if (!t || t->type != TX_ANNULATION || t->status != 1)
		return KO(c, "annulation absente ou déjà acquittée\n");
	ar_annulation(t);
	return text(c, MHD_HTTP_OK, "OK\n%d\n", t->status);
}

static enum MHD_Result c_ar_reponse(struct MHD_Connection *c, struct req *r)
{
	struct tx *t = tx_get(arg(c, r, "id"));
	if (!t || t->type != TX_REPONSE || t->status != 1)
		return KO(c, "réponse absente ou déjà acquittée\n");
	if (t->reply_kind == TX_COURRIER) {   /* 2-2: no acknowledgement in the protocol */
		t->status = 3;
		return text(c, MHD_HTTP_OK, "OK\n%d\n", t->status);
	}
	char d[11];
	today(d);
	buf x = BUF_INIT;
	actes_build_ar_reponse_xml(&x, t->reply_kind == TX_PIECES ? ACTES_MSG_AR_PIECES : ACTES_MSG_AR_REPONSE_OBSERVATIONS,
				   d, t->unique_id, t->date_courrier);
	if (validate(&x, "3-5/4-5") == 0) {
		buf_reset(&t->flux);
		buf_add(&t->flux, x.data, x.len);
		t->status = 11;
	}
	buf_free(&x);
	return text(c, MHD_HTTP_OK, "OK\n%d\n", t->status);
}

static enum MHD_Result c_state(struct MHD_Connection *c, struct req *r)
{
	(void)r;
	json_t *a = json_array();
	for (size_t i = 0; i < P.n_tx; i++) {
		struct tx *t = &P.tx[i];
		json_t *files = json_array(), *sums = json_array();
		for (size_t k = 0; k < t->n_files; k++) {
			unsigned char md[32];
			char hex[65];
			EVP_Digest(t->files[k].data.data, t->files[k].data.len, md, NULL, EVP_sha256(), NULL);
			for (int b = 0; b < 32; b++)
				snprintf(hex + 2 * b, 3, "%02x", md[b]);
			json_array_append_new(files, json_string(t->files[k].name));
			json_array_append_new(sums, json_string(hex));
		}
		/* sha256: what the peer received, in files' order (a test checks which version was sent) */
		json_array_append_new(a, json_pack("{s:i,s:i,s:i,s:i,s:s,s:s,s:b,s:o,s:o,s:i}", "id", t->id, "type", t->type,
						   "status", t->status, "related", t->related, "number",
						   t->number ? t->number : "", "unique_id", t->unique_id ? t->unique_id : "",
						   "lu", t->lu, "files", files, "sha256", sums, "archive_size", (int)t->archive.len));
	}
	return json(c, a);
}

/* ---- Hélios API (PES V2) ---- */

/* A PES_Aller posted: its bytes on disk (the acquittal and retour builders read files), S2LOW's
 * Hélios state (1 posté … 3 transmis, 4 acquittement reçu, 6 refusé, -1 erreur), the answers. */
struct htx {
	int id, status;
	char *name, *path, sha[65];
	buf ack;
};
struct hretour {
	int id, lu;
	char *name, *date;
	buf xml;
};
static struct {
	struct htx *t;
	size_t n;
	struct hretour *r;
	size_t nr;
	int delay_ms;            /* --delay-helios: answer a PES post this late (recorded first), for crash tests */
} H;

static struct htx *htx_get(const char *id)
{
	int n = id ? atoi(id) : 0;
	for (size_t i = 0; i < H.n; i++)
		if (H.t[i].id == n)
			return &H.t[i];
	return NULL;
}

/* S2LOW's Hélios answers are small ISO-8859-1 XML documents. */
static enum MHD_Result hxml(struct MHD_Connection *c, const char *fmt, ...)
{
	buf u = BUF_INIT, l = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&u, fmt, ap);
	va_end(ap);
	buf_puts(&l, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n");
	for (const unsigned char *p = (const unsigned char *)u.data; *p; p++) {
		if (*p >= 0xc2 && *p < 0xc4 && (p[1] & 0xc0) == 0x80) {
			buf_putc(&l, (char)(((*p & 0x1f) << 6) | (p[1] & 0x3f)));
			p++;
		} else {
			buf_putc(&l, (char)*p);
		}
	}
	enum MHD_Result ok = respond(c, MHD_HTTP_OK, "text/xml; charset=ISO-8859-1", l.data, l.len);
	buf_free(&u);
	buf_free(&l);
	return ok;
}

static enum MHD_Result import_ko(struct MHD_Connection *c, const char *msg)
{
	return hxml(c, "<import><id></id><resultat>KO</resultat><message>%s</message></import>\n", msg);
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* POST …/helios_importer_fichier.php, file « enveloppe »: the PES_Aller must be one and pass the
 * DGFiP schema (what S2LOW checks before transmitting); the same bytes twice are a « doublon ». */
static enum MHD_Result h_helios_import(struct MHD_Connection *c, struct req *r)
{
	struct field *f = field(r, "enveloppe");
	if (r->too_big)
		return import_ko(c, "Fichier trop volumineux");
	if (!f || !f->filename || !f->data.len)
		return import_ko(c, "Aucun fichier n'a été posté");
	char sha[65];
	sha256_hex(f->data.data, f->data.len, sha);
	for (size_t i = 0; i < H.n; i++)
		if (strcmp(H.t[i].sha, sha) == 0)
			return import_ko(c, "doublon détecté. Ce fichier a déjà été posté");
	struct pes_report rep = { 0 };
	struct pes_check_opts o = { .xsd_only = 1, .max_issues = 1 };
	struct err e = { 0 };
	if (pes_check_memory(f->data.data, f->data.len, &o, &rep, &e) < 0) {
		pes_report_free(&rep);
		return import_ko(c, e.msg);
	}
	/* a PES_Aller, or (S2LOW 5.1.1) the collectivité's PES_ACQUIT_RETOUR: state 24, no acknowledgement */
	int acquit_retour = rep.kind == PES_ACQUIT_RETOUR;
	if ((rep.kind != PES_ALLER && !acquit_retour) || rep.errors) {
		buf m = BUF_INIT;
		buf_printf(&m, "Le fichier PES n'est pas valide : %s", rep.kind != PES_ALLER && !acquit_retour ? "ce n'est pas un PES_Aller"
							     : rep.n_issues ? rep.issues[0].msg : "erreur de schéma");
		enum MHD_Result ok = import_ko(c, m.data);
		buf_free(&m);
		pes_report_free(&rep);
		return ok;
	}
	pes_report_free(&rep);
	H.t = xrealloc(H.t, (H.n + 1) * sizeof *H.t);
	struct htx *t = &H.t[H.n++];
	memset(t, 0, sizeof *t);
	t->id = 500 + (int)H.n;
	t->status = acquit_retour ? 24 : 1;   /* 24 « Transmis. Aucun Ack attendu. » */
	t->name = xstrdup(f->filename);
	memcpy(t->sha, sha, sizeof sha);
	buf p = BUF_INIT;
	buf_printf(&p, "%s/helios-%d.xml", P.tmpdir, t->id);
	t->path = buf_detach(&p);
	FILE *out = fopen(t->path, "wb");
	if (out) {
		fwrite(f->data.data, 1, f->data.len, out);
		fclose(out);
	}
	if (H.delay_ms > 0)   /* the transaction exists; its number comes late (a client may die meanwhile) */
		usleep((useconds_t)H.delay_ms * 1000);
	return hxml(c, "<import><id>%d</id><resultat>OK</resultat><message>Le fichier a été posté</message></import>\n", t->id);
}

/* The DGFiP's answer: accepted, refused where our check finds errors, or every bordereau refused
 * with code (control call). Status 4 when every element is accepted, 6 otherwise. */
static int helios_answer(struct htx *t, const char *code, const char *libelle)
{
	struct pes_acquit_opts o = { code, libelle, NULL };
	struct err e = { 0 };
	buf_reset(&t->ack);
	if (pes_acquit_build(t->path, &o, &t->ack, &e) < 0) {
		fprintf(stderr, "s2low_peer: acquittement de %d impossible : %s\n", t->id, e.msg);
		return -1;
	}
	struct pes_acquit a;
	if (pes_acquit_parse(t->ack.data, t->ack.len, &a, &e) < 0)
		return -1;
	t->status = a.etat == PES_ACK_ACCEPTE ? 4 : 6;
	pes_acquit_free(&a);
	return 0;
}

static enum MHD_Result h_helios_status(struct MHD_Connection *c, struct req *r)
{
	const char *id = arg(c, r, "transaction");
	struct htx *t = htx_get(id);
	if (!t)
		return hxml(c, "<transaction><id>%s</id><resultat>KO</resultat><message>Transaction inconnue</message><status></status></transaction>\n",
			    id && strlen(id) < 20 ? id : "");
	if (strcmp(P.auto_mode, "none") != 0 && t->status >= 1 && t->status <= 3) {
		if (t->status < 3)
			t->status++;
		else
			helios_answer(t, strcmp(P.auto_mode, "anomalie") == 0 ? "ERREUR_SIGNATURE_BORDEREAU_INVALIDE" : NULL,
				      strcmp(P.auto_mode, "anomalie") == 0 ? "Signature du bordereau invalide" : NULL);
	}
	return hxml(c, "<transaction><id>%d</id><resultat>OK</resultat><message></message><status>%d</status></transaction>\n", t->id,
		    t->status);
}

static enum MHD_Result h_helios_acquit(struct MHD_Connection *c, struct req *r)
{
	struct htx *t = htx_get(arg(c, r, "id"));
	if (!t || !t->ack.len)
		return text(c, MHD_HTTP_NOT_FOUND, "KO\nPas d'acquittement pour cette transaction\n");
	return respond(c, MHD_HTTP_OK, "text/xml; charset=ISO-8859-1", t->ack.data, t->ack.len);
}

static enum MHD_Result h_helios_list(struct MHD_Connection *c, struct req *r)
{
	(void)r;
	char d[11];
	today(d);
	buf b = BUF_INIT;
	buf_printf(&b, "<liste><idColl>%s</idColl><dateDemande>%s</dateDemande><resultat>OK</resultat><message></message>", P.siren, d);
	for (size_t i = 0; i < H.nr; i++)
		if (!H.r[i].lu)
			buf_printf(&b, "<pes_retour><id>%d</id><nom>%s</nom><date>%s</date></pes_retour>", H.r[i].id, H.r[i].name, H.r[i].date);
	buf_puts(&b, "</liste>\n");
	enum MHD_Result ok = hxml(c, "%s", b.data);
	buf_free(&b);
	return ok;
}

static struct hretour *retour_get(const char *id)
{
	int n = id ? atoi(id) : 0;
	for (size_t i = 0; i < H.nr; i++)
		if (H.r[i].id == n)
			return &H.r[i];
	return NULL;
}

static enum MHD_Result h_helios_retour(struct MHD_Connection *c, struct req *r)
{
	struct hretour *x = retour_get(arg(c, r, "id"));
	if (!x)
		return text(c, MHD_HTTP_NOT_FOUND, "KO\nPES Retour inconnu\n");
	return respond(c, MHD_HTTP_OK, "text/xml; charset=ISO-8859-1", x->xml.data, x->xml.len);
}

static enum MHD_Result h_helios_change_status(struct MHD_Connection *c, struct req *r)
{
	struct hretour *x = retour_get(arg(c, r, "id"));
	if (!x)
		return hxml(c, "<change_status><resultat>KO</resultat><message>PES Retour inconnu</message></change_status>\n");
	x->lu = 1;
	return hxml(c, "<change_status><id>%d</id><resultat>OK</resultat><message></message></change_status>\n", x->id);
}

/* Control: /_peer/helios/acquit?id=N[&refuse=CODE&libelle=TEXTE], /_peer/helios/retour?id=N
 * (a PES_Retour taking the file's mandats in charge), /_peer/helios/erreur?id=N, /_peer/helios/state. */
static enum MHD_Result c_helios_acquit(struct MHD_Connection *c, struct req *r)
{
	struct htx *t = htx_get(arg(c, r, "id"));
	if (!t || t->status < 1 || t->status > 3)
		return KO(c, "transaction absente ou déjà acquittée\n");
	if (helios_answer(t, arg(c, r, "refuse"), arg(c, r, "libelle")) < 0)
		return KO(c, "acquittement impossible\n");
	return text(c, MHD_HTTP_OK, "OK\n%d\n", t->status);
}

static enum MHD_Result c_helios_erreur(struct MHD_Connection *c, struct req *r)
{
	struct htx *t = htx_get(arg(c, r, "id"));
	if (!t || t->status < 1 || t->status > 3)
		return KO(c, "transaction absente ou terminée\n");
	t->status = -1;
	return text(c, MHD_HTTP_OK, "OK\n%d\n", t->status);
}

static enum MHD_Result c_helios_retour(struct MHD_Connection *c, struct req *r)
{
	struct htx *t = htx_get(arg(c, r, "id"));
	if (!t)
		return KO(c, "transaction absente\n");
	H.r = xrealloc(H.r, (H.nr + 1) * sizeof *H.r);
	struct hretour *x = &H.r[H.nr];
	memset(x, 0, sizeof *x);
	x->id = 900 + (int)H.nr + 1;
	char d[11];
	today(d);
	buf n = BUF_INIT;
	buf_printf(&n, "PESRETOUR_%d_%d.xml", t->id, x->id);
	struct err e = { 0 };
	if (pes_retour_build(t->path, n.data, d, &x->xml, &e) < 0) {
		buf_free(&n);
		buf_free(&x->xml);
		return KO(c, "%s\n", e.msg);
	}
	x->name = buf_detach(&n);
	x->date = xstrdup(d);
	H.nr++;
	return text(c, MHD_HTTP_OK, "OK\n%d\n", x->id);
}

static enum MHD_Result c_helios_state(struct MHD_Connection *c, struct req *r)
{
	(void)r;
	json_t *a = json_array(), *rs = json_array();
	for (size_t i = 0; i < H.n; i++)
		json_array_append_new(a, json_pack("{s:i,s:i,s:s,s:s,s:b}", "id", H.t[i].id, "status", H.t[i].status, "name", H.t[i].name,
						   "sha256", H.t[i].sha, "acquit", H.t[i].ack.len > 0));
	for (size_t i = 0; i < H.nr; i++)
		json_array_append_new(rs, json_pack("{s:i,s:s,s:b}", "id", H.r[i].id, "name", H.r[i].name, "lu", H.r[i].lu));
	return json(c, json_pack("{s:o,s:o}", "transactions", a, "retours", rs));
}

/* ---- routing and main ---- */

static const struct route {
	const char *method;   /* NULL: GET or POST, as S2LOW's scripts read $_REQUEST */
	const char *path;
	enum MHD_Result (*fn)(struct MHD_Connection *, struct req *);
} routes[] = {
	{ NULL, "/api/test-connexion.php", h_test },
	{ NULL, "/admin/users/api-list-login.php", h_logins },
	{ "POST", "/modules/actes/actes_transac_create.php", h_create },
	{ NULL, "/modules/actes/actes_transac_get_status.php", h_status },
	{ NULL, "/modules/actes/actes_transac_get_files_list.php", h_files },
	{ NULL, "/modules/actes/actes_download_file.php", h_download },
	{ NULL, "/modules/actes/actes_create_pdf.php", h_bordereau },
	{ "POST", "/modules/actes/actes_transac_cancel.php", h_cancel },
	{ NULL, "/modules/actes/actes_classification_request.php", h_classif_request },
	{ NULL, "/modules/actes/actes_classification_fetch.php", h_classif_fetch },
	{ NULL, "/modules/actes/api/list_document_prefecture.php", h_list_docs },
	{ NULL, "/modules/actes/actes_transac_get_document.php", h_get_document },
	{ NULL, "/modules/actes/api/document_prefecture_mark_as_read.php", h_mark_read },
	{ "POST", "/modules/actes/actes_transac_reponse_create.php", h_reponse },
	{ "POST", "/_peer/transmettre", c_transmettre },
	{ "POST", "/_peer/ar", c_ack },
	{ "POST", "/_peer/anomalie", c_anomalie },
	{ "POST", "/_peer/courrier", c_courrier },
	{ "POST", "/_peer/ar_annulation", c_ar_annulation },
	{ "POST", "/_peer/ar_reponse", c_ar_reponse },
	{ "GET", "/_peer/state", c_state },
	{ "POST", "/modules/helios/api/helios_importer_fichier.php", h_helios_import },
	{ NULL, "/modules/helios/api/helios_transac_get_status.php", h_helios_status },
	{ NULL, "/modules/helios/helios_download_acquit.php", h_helios_acquit },
	{ NULL, "/modules/helios/api/helios_get_list.php", h_helios_list },
	{ NULL, "/modules/helios/api/helios_get_retour.php", h_helios_retour },
	{ NULL, "/modules/helios/api/helios_change_status.php", h_helios_change_status },
	{ "POST", "/_peer/helios/acquit", c_helios_acquit },
	{ "POST", "/_peer/helios/erreur", c_helios_erreur },
	{ "POST", "/_peer/helios/retour", c_helios_retour },
	{ "GET", "/_peer/helios/state", c_helios_state },
};

static int authorized(struct MHD_Connection *c)
{
	if (!P.login)
		return 1;
	char *pass = NULL;
	char *user = MHD_basic_auth_get_username_password(c, &pass);
	buf want = BUF_INIT;
	buf_printf(&want, "%s:%s", user ? user : "", pass ? pass : "");
	int ok = user && strcmp(want.data, P.login) == 0;
	buf_free(&want);
	MHD_free(user);
	MHD_free(pass);
	return ok;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			       const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)cls, (void)version;
	struct req *r = *con_cls;
	if (!r) {
		r = xcalloc(1, sizeof *r);
		*con_cls = r;
		if (strcmp(method, "POST") == 0)
			r->pp = MHD_create_post_processor(c, 65536, post_iter, r);
		return MHD_YES;
	}
	if (*upload_size) {
		if (r->pp)
			MHD_post_process(r->pp, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (strncmp(url, "/_peer/", 7) != 0 && !authorized(c))
		return text(c, MHD_HTTP_UNAUTHORIZED, "KO\nÉchec de l'authentification\n");
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (strcmp(url, routes[i].path) == 0) {
			if (routes[i].method ? strcmp(method, routes[i].method) != 0
					     : strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
				return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "KO\nMéthode non admise\n");
			return routes[i].fn(c, r);
		}
	return text(c, MHD_HTTP_NOT_FOUND, "KO\nPage introuvable\n");
}

static const char *opt(int argc, char **argv, const char *name, const char *dflt)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return dflt;
}

int main(int argc, char **argv)
{
	int port = atoi(opt(argc, argv, "--port", "0"));
	P.siren = opt(argc, argv, "--siren", P.siren);
	P.departement = opt(argc, argv, "--departement", P.departement);
	P.arrondissement = opt(argc, argv, "--arrondissement", P.arrondissement);
	P.nature = opt(argc, argv, "--nature", P.nature);
	P.login = opt(argc, argv, "--login", NULL);
	P.auto_mode = opt(argc, argv, "--auto", "none");
	H.delay_ms = atoi(opt(argc, argv, "--delay-helios", "0"));
	P.delay_ms = atoi(opt(argc, argv, "--delay-create", "0"));
	const char *classif = opt(argc, argv, "--classification", NULL);
	struct err e = { 0 };
	if (port <= 0 || (strcmp(P.auto_mode, "none") && strcmp(P.auto_mode, "ar") && strcmp(P.auto_mode, "anomalie"))) {
		fprintf(stderr, "usage : s2low_peer --port N [--siren S --departement D --arrondissement A --nature NN] "
				"[--classification RETOUR_CLASSIFICATION.xml] [--login USER:PASS] [--auto none|ar|anomalie] "
				"[--delay-create MS] [--delay-helios MS] [--schemas DIR]\n");
		return 2;
	}
	if (actes_schemas_use(opt(argc, argv, "--schemas", NULL), &e) < 0) {
		fprintf(stderr, "s2low_peer: %s\n", e.msg);
		return 2;
	}
	if (classif && (buf_read_file(&P.classif_xml, classif, 64u << 20) < 0 ||
			actes_classification_parse(P.classif_xml.data, P.classif_xml.len, &P.classif, &e) < 0)) {
		fprintf(stderr, "s2low_peer: classification %s : %s\n", classif, e.msg);
		return 2;
	}
	snprintf(P.tmpdir, sizeof P.tmpdir, "/tmp/s2low-peer.XXXXXX");
	if (!mkdtemp(P.tmpdir)) {
		perror("s2low_peer: mkdtemp");
		return 2;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, (uint16_t)port, NULL,
						NULL, handler, NULL, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
						MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "s2low_peer: impossible d'écouter sur 127.0.0.1:%d\n", port);
		rmdir(P.tmpdir);
		return 1;
	}
	printf("s2low_peer: écoute sur http://127.0.0.1:%d\n", port);
	fflush(stdout);
	int sig;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	rmdir(P.tmpdir);
	return 0;
}
