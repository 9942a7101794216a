/* stamp: the acknowledged act's « Accusé de réception en préfecture » stamp — a box on the first
 * page with the prefecture's identifier and the dates, added by an incremental update (the
 * original bytes are kept, so a PAdES signature on them stays valid), stored as a new version of
 * the act's document. Not a signature: a visible overlay, as the TdTs print it. */
#include "actes/registre.h"
#include "core/log.h"
#include "db/tenant.h"
#include "sign/pdf.h"
#include "sign/pdf_update.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* A PDF literal string in WinAnsi (Latin-1 for what we write) for the Helvetica standard font. */
static void pdf_latin1_string(buf *out, const char *utf8)
{
	buf l = BUF_INIT;
	tdt_latin1(&l, utf8);
	buf_putc(out, '(');
	for (size_t i = 0; i < l.len; i++) {
		unsigned char c = (unsigned char)l.data[i];
		if (c == '(' || c == ')' || c == '\\')
			buf_printf(out, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			buf_printf(out, "\\%03o", c);
		else
			buf_putc(out, (char)c);
	}
	buf_putc(out, ')');
	buf_free(&l);
}

/* "YYYY-MM-DD" → "DD/MM/YYYY". */
static void fr_date(char out[11], const char *iso)
{
	if (iso && strlen(iso) >= 10)
		snprintf(out, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	else
		snprintf(out, 11, "%s", "");
}

static struct pdf_obj *dict_copy(arena *a, const struct pdf_obj *src)
{
	struct pdf_obj *d = pdf_new(a, PDF_DICT);
	for (size_t i = 0; src && src->kind == PDF_DICT && i + 1 < src->n; i += 2)
		pdf_dict_set(a, d, src->items[i]->s, src->items[i + 1]);
	return d;
}

static void add_stream(struct pdf_update *u, int num, const buf *content)
{
	pdf_update_obj_start(u, num, 0);
	buf_printf(u->out, "<< /Length %zu >>\nstream\n", content->len);
	buf_add(u->out, content->data, content->len);
	buf_puts(u->out, "\nendstream");
	pdf_update_obj_end(u);
}

int actes_stamp_pdf(const void *pdf, size_t len, const char *const *lines, size_t n, buf *out, struct err *e)
{
	return actes_stamp_pdf_at(pdf, len, lines, n, ACTES_STAMP_TOP_RIGHT, out, e);
}

int actes_stamp_pdf_at(const void *pdf, size_t len, const char *const *lines, size_t n, int where, buf *out, struct err *e)
{
	struct pdf d;
	if (pdf_open(&d, pdf, len, e) < 0)
		return -1;
	int rc = -1;
	if (pdf_load_pages(&d) < 0 || d.pages_n < 1) {
		err_set(e, 400, "actes.tampon", "Pages du PDF illisibles.");
		goto out;
	}
	struct pdf_obj *page = pdf_get(&d, d.pages[0]);
	struct pdf_obj *box = page ? pdf_resolve(&d, pdf_page_attr(&d, page, "CropBox")) : NULL;
	if (!box || box->kind != PDF_ARRAY || box->n != 4)
		box = page ? pdf_resolve(&d, pdf_page_attr(&d, page, "MediaBox")) : NULL;
	if (!page || page->kind != PDF_DICT || !box || box->kind != PDF_ARRAY || box->n != 4) {
		err_set(e, 400, "actes.tampon", "Première page du PDF illisible.");
		goto out;
	}
	double x0 = pdf_num(pdf_resolve(&d, box->items[0])), y0 = pdf_num(pdf_resolve(&d, box->items[1]));
	double x1 = pdf_num(pdf_resolve(&d, box->items[2])), y1 = pdf_num(pdf_resolve(&d, box->items[3]));
	double w = 230, h = 14.0 * (double)n + 10, x = x1 - w - 18, y = y1 - h - 18;
	if (where == ACTES_STAMP_BOTTOM_LEFT) {
		/* as wide as the longest line (Helvetica 9-10 pt: about 5.2 pt per character), within the page */
		size_t longest = 0;
		for (size_t i = 0; i < n; i++) {
			size_t cp = 0;
			for (const char *c = lines[i]; *c; c++)
				cp += ((unsigned char)*c & 0xc0) != 0x80;
			longest = cp > longest ? cp : longest;
		}
		w = 5.2 * (double)longest + 16;
		if (w > x1 - x0 - 36)
			w = x1 - x0 - 36;
		/* below the page: the page grows by a band (MediaBox, and CropBox when set, extended downwards), so
		 * the mention never covers the act's content; the content itself does not move */
		double band = h + 16;
		x = x0 + 18;
		y = y0 - band + 8;
		struct pdf_obj *mb = pdf_new(d.a, PDF_ARRAY);
		pdf_array_push(d.a, mb, pdf_new_num(d.a, x0));
		pdf_array_push(d.a, mb, pdf_new_num(d.a, y0 - band));
		pdf_array_push(d.a, mb, pdf_new_num(d.a, x1));
		pdf_array_push(d.a, mb, pdf_new_num(d.a, y1));
		pdf_dict_set(d.a, page, "MediaBox", mb);
		if (pdf_page_attr(&d, page, "CropBox"))
			pdf_dict_set(d.a, page, "CropBox", mb);
	}
	struct pdf_update u;
	pdf_update_begin(&u, &d, pdf, len, out);
	int font = pdf_update_new_num(&u), pre = pdf_update_new_num(&u), post = pdf_update_new_num(&u);
	pdf_update_obj_start(&u, font, 0);
	buf_puts(u.out, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
	pdf_update_obj_end(&u);
	buf s = BUF_INIT;
	buf_puts(&s, "q");
	add_stream(&u, pre, &s);
	buf_reset(&s);
	/* white box with a dark blue frame, then the lines (first one bold-sized) */
	buf_printf(&s, "Q q 1 1 1 rg 0.1 0.2 0.5 RG 1 w %.2f %.2f %.2f %.2f re B BT 0.1 0.2 0.5 rg", x, y, w, h);
	for (size_t i = 0; i < n; i++) {
		buf_printf(&s, " /OplAR %d Tf 1 0 0 1 %.2f %.2f Tm ", i == 0 ? 10 : 9, x + 6, y + h - 16 - 14.0 * (double)i);
		pdf_latin1_string(&s, lines[i]);
		buf_puts(&s, " Tj");
	}
	buf_puts(&s, " ET Q");
	add_stream(&u, post, &s);
	buf_free(&s);
	/* the page: contents wrapped [q, original…, Q + stamp]; resources copied with our font */
	struct pdf_obj *contents = pdf_new(d.a, PDF_ARRAY);
	pdf_array_push(d.a, contents, pdf_new_ref(d.a, pre, 0));
	struct pdf_obj *old = pdf_dict_raw(page, "Contents"), *oldr = old ? pdf_resolve(&d, old) : NULL;
	if (oldr && oldr->kind == PDF_ARRAY)
		for (size_t i = 0; i < oldr->n; i++)
			pdf_array_push(d.a, contents, oldr->items[i]);
	else if (old)
		pdf_array_push(d.a, contents, old);
	pdf_array_push(d.a, contents, pdf_new_ref(d.a, post, 0));
	struct pdf_obj *res = dict_copy(d.a, pdf_resolve(&d, pdf_page_attr(&d, page, "Resources")));
	struct pdf_obj *fonts = dict_copy(d.a, pdf_resolve(&d, pdf_dict_raw(res, "Font")));
	pdf_dict_set(d.a, fonts, "OplAR", pdf_new_ref(d.a, font, 0));
	pdf_dict_set(d.a, res, "Font", fonts);
	pdf_dict_set(d.a, page, "Contents", contents);
	pdf_dict_set(d.a, page, "Resources", res);
	pdf_update_rewrite(&u, page);
	pdf_update_finish(&u);
	rc = 0;
out:
	pdf_close(&d);
	return rc;
}

int actes_stamp_ar(db *d, int64_t tenant, int64_t acte, struct err *e)
{
	db_stmt *s = tdb_row(d, tenant, e, "actes.inconnu", "Acte introuvable.",
			     "SELECT a.id_acte, a.date_ar, (SELECT MIN(at) FROM actes_events WHERE tenant_id = $1 AND acte_id = $2"
			     " AND action = 'tdt.poste') FROM actes a WHERE a.tenant_id = $1 AND a.id = $2", acte);
	if (!s)
		return -1;
	char id[128], recu[11], envoi[11] = "", iso[11];
	snprintf(id, sizeof id, "%s", db_col_text(s, 0));
	fr_date(recu, db_col_text(s, 1));
	time_t t = (time_t)db_col_int64(s, 2);
	db_finalize(s);
	if (t > 0) {
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(iso, sizeof iso, "%Y-%m-%d", &tm);
		fr_date(envoi, iso);
	}
	char sha[65], mime[128], name[256];
	if (actes_db_doc(d, tenant, acte, "acte", 0, sha, mime, name, sizeof name, e) < 0)
		return -1;
	if (strcmp(mime, "application/pdf") != 0)
		return 0;   /* a budget document in XML: nothing to stamp */
	char path[1200];
	store_path(sha, path, sizeof path);
	buf in = BUF_INIT, out = BUF_INIT;
	if (buf_read_file(&in, path, ACTES_ARCHIVE_MAX) < 0) {
		buf_free(&in);
		return err_set(e, 500, "actes.tampon", "Document de l'acte illisible dans le stockage.");
	}
	char l2[160], l3[64], l4[64];
	snprintf(l2, sizeof l2, "ID : %s", id);
	snprintf(l3, sizeof l3, "Télétransmis le %s", envoi[0] ? envoi : recu);
	snprintf(l4, sizeof l4, "Reçu en préfecture le %s", recu);
	const char *lines[] = { "Accusé de réception en préfecture", l2, l3, l4 };
	struct err x = { 0 };
	int ret = 0;
	if (actes_stamp_pdf(in.data, in.len, lines, 4, &out, &x) < 0) {
		/* the AR counts even when the PDF cannot be stamped: say so in the history */
		log_msg(LOG_WARN, NULL, "acte %lld : tampon impossible : %s", (long long)acte, x.msg);
		ret = actes_db_event(d, tenant, acte, 0, "tampon.erreur", x.msg, e);
	} else {
		char sname[300];
		const char *dot = strrchr(name, '.');
		snprintf(sname, sizeof sname, "%.*s-ar.pdf", dot ? (int)(dot - name) : (int)strlen(name), name);
		ret = actes_db_add_doc_from(d, tenant, acte, "acte", 0, "", sname, out.data, out.len, "application/pdf", "tampon", e) < 0 ||
		      actes_db_event(d, tenant, acte, 0, "tampon", sname, e) < 0 ? -1 : 0;
	}
	buf_free(&in);
	buf_free(&out);
	return ret;
}
