/* pades_verify: finds the signature fields of a PDF (AcroForm, recursively) and verifies each one:
 * /ByteRange shape (starts at 0, the gap is exactly the /Contents hex string), the CMS over the
 * covered bytes, and whether it covers the whole file or only an earlier revision. */
#include <stdio.h>
#include <string.h>

#include "sign/pdf.h"
#include "sign/sign_priv.h"

struct walk {
	struct pdf *d;
	const char *trust;
	struct sigv *v;
	int max, n;
	int visited[256];
	int n_visited;
};

/* "D:YYYYMMDDHHmmSS…" → ISO 8601 UTC (offset applied when present). */
static void pdf_date_iso(const char *s, char *out, size_t n)
{
	struct tm tm = { 0 };
	int off_h = 0, off_m = 0;
	char sign = 'Z';
	out[0] = 0;
	if (!s || strncmp(s, "D:", 2) != 0 ||
	    sscanf(s + 2, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) < 3)
		return;
	const char *z = s + 16;
	if (strlen(s) >= 17 && (*z == '+' || *z == '-')) {
		sign = *z;
		sscanf(z + 1, "%2d'%2d", &off_h, &off_m);
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	if (sign == '+')
		t -= off_h * 3600 + off_m * 60;
	else if (sign == '-')
		t += off_h * 3600 + off_m * 60;
	sign_time_iso(t, out, n);
}

static void json_extra(struct sigv *v, const char *field, struct pdf_obj *sig, size_t covered)
{
	buf b = BUF_INIT;
	buf_puts(&b, ",\"field\":");
	buf_json_str(&b, field);
	static const char *const keys[][2] = { { "Reason", "reason" }, { "Location", "location" },
					       { "SubFilter", "subfilter" }, { "Name", "name" } };
	for (size_t i = 0; i < 4; i++) {
		struct pdf_obj *o = pdf_dict_raw(sig, keys[i][0]);
		if (!o || (o->kind != PDF_STR && o->kind != PDF_NAME))
			continue;
		buf_printf(&b, ",\"%s\":", keys[i][1]);
		/* UTF-16BE text strings are shown as their ASCII subset; names and PDFDoc strings as is */
		if (o->len >= 2 && (unsigned char)o->s[0] == 0xfe && (unsigned char)o->s[1] == 0xff) {
			buf u = BUF_INIT;
			for (size_t k = 2; k + 1 < o->len; k += 2) {
				unsigned cp = (unsigned char)o->s[k] << 8 | (unsigned char)o->s[k + 1];
				if (cp < 0x80)
					buf_putc(&u, (char)cp);
				else if (cp < 0x800)
					buf_printf(&u, "%c%c", 0xc0 | cp >> 6, 0x80 | (cp & 0x3f));
				else if (cp < 0xd800 || cp > 0xdfff)
					buf_printf(&u, "%c%c%c", 0xe0 | cp >> 12, 0x80 | (cp >> 6 & 0x3f), 0x80 | (cp & 0x3f));
			}
			buf_json_str(&b, u.data ? u.data : "");
			buf_free(&u);
		} else {
			buf_json_str(&b, o->s);
		}
	}
	buf_printf(&b, ",\"signed_bytes\":%zu", covered);
	snprintf(v->extra, sizeof v->extra, "%s", b.data);
	buf_free(&b);
}

static void check_sig(struct walk *w, const char *field, struct pdf_obj *sig)
{
	struct pdf *d = w->d;
	struct sigv *v = &w->v[w->n++];
	v->format = "PAdES";
	v->time_source = "none";
	v->chain = "not-checked";
	v->digest_alg = "";
	struct pdf_obj *br = pdf_dict(d, sig, "ByteRange"), *ct = pdf_dict(d, sig, "Contents");
	struct pdf_obj *m = pdf_dict(d, sig, "M");
	if (m && m->kind == PDF_STR) {
		pdf_date_iso(m->s, v->signing_time, sizeof v->signing_time);
		if (v->signing_time[0])
			v->time_source = "pdf";
	}
	long long r[4];
	int ok = br && br->kind == PDF_ARRAY && br->n == 4 && ct && ct->kind == PDF_STR;
	for (int i = 0; ok && i < 4; i++) {
		struct pdf_obj *x = pdf_resolve(d, br->items[i]);
		ok = x && x->kind == PDF_NUM && x->is_int && x->num >= 0;
		r[i] = ok ? (long long)x->num : 0;
	}
	ok = ok && r[0] == 0 && r[1] < r[2] && (size_t)(r[2] + r[3]) <= d->len;
	/* the gap must be exactly "<hex…>" so no byte escapes the signature */
	ok = ok && d->p[r[1]] == '<' && d->p[r[2] - 1] == '>' && (size_t)(r[2] - r[1] - 2) == 2 * ct->len;
	if (!ok) {
		sigv_error(v, "/ByteRange ou /Contents invalide : la signature ne couvre pas le document comme prévu.");
		json_extra(v, field, sig, 0);
		return;
	}
	buf content = BUF_INIT;
	buf_add(&content, d->p, (size_t)r[1]);
	buf_add(&content, d->p + r[2], (size_t)r[3]);
	sign_verify_cms(ct->s, ct->len, content.data, content.len, w->trust, v);
	buf_free(&content);
	v->whole_document = (size_t)(r[2] + r[3]) == d->len;
	json_extra(v, field, sig, (size_t)(r[2] + r[3]));
}

static void walk_fields(struct walk *w, struct pdf_obj *fields, int sig_inherited, int depth)
{
	if (!fields || fields->kind != PDF_ARRAY || depth > 16)
		return;
	for (size_t i = 0; i < fields->n && w->n < w->max; i++) {
		struct pdf_obj *ref = fields->items[i];
		if (ref->kind == PDF_REF) {
			for (int k = 0; k < w->n_visited; k++)
				if (w->visited[k] == ref->ref)
					goto next;
			if (w->n_visited < 256)
				w->visited[w->n_visited++] = ref->ref;
		}
		struct pdf_obj *f = pdf_resolve(w->d, ref);
		if (!f || f->kind != PDF_DICT)
			continue;
		struct pdf_obj *ft = pdf_dict(w->d, f, "FT");
		int is_sig = ft ? pdf_is_name(ft, "Sig") : sig_inherited;
		struct pdf_obj *val = pdf_dict(w->d, f, "V");
		if (is_sig && val && val->kind == PDF_DICT) {
			struct pdf_obj *t = pdf_dict(w->d, f, "T");
			check_sig(w, t && t->kind == PDF_STR ? t->s : "", val);
		}
		walk_fields(w, pdf_dict(w->d, f, "Kids"), is_sig, depth + 1);
next:;
	}
}

int sign_pades_verify(const void *doc, size_t len, const char *trust, struct sigv *v, int max, int *n,
		      struct err *e)
{
	struct pdf d;
	*n = 0;
	if (pdf_open(&d, doc, len, e) < 0) {
		pdf_close(&d);
		return -1;
	}
	struct walk w = { .d = &d, .trust = trust, .v = v, .max = max };
	struct pdf_obj *cat = pdf_get(&d, pdf_dict_raw(d.trailer, "Root")->ref);
	struct pdf_obj *af = pdf_dict(&d, cat, "AcroForm");
	walk_fields(&w, pdf_dict(&d, af, "Fields"), 0, 0);
	*n = w.n;
	pdf_close(&d);
	return 0;
}
