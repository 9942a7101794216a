/* pdf_read: indirect objects (plain and inside object streams), stream decoding (FlateDecode with
 * PNG predictors) and the page list with inherited attributes. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sign/pdf.h"

#define MAX_PAGES 100000

static struct pdf_obj *null_obj(struct pdf *d) { return pdf_new(d->a, PDF_NULL); }

struct pdf_obj *pdf_resolve(struct pdf *d, struct pdf_obj *o)
{
	for (int hops = 0; o && o->kind == PDF_REF && hops < 32; hops++)
		o = pdf_get(d, o->ref);
	return o && o->kind == PDF_REF ? NULL : o;
}

/* PNG predictors (Predictor ≥ 10), rows of `columns` bytes each preceded by a filter byte. */
static int unpredict(buf *b, int columns, int bpp)
{
	size_t row = (size_t)columns;
	if (columns <= 0 || b->len % (row + 1))
		return -1;
	size_t rows = b->len / (row + 1);
	unsigned char *out = xmalloc(rows * row + 1), *prev = NULL;
	const unsigned char *in = (const unsigned char *)b->data;
	for (size_t r = 0; r < rows; r++) {
		int f = in[r * (row + 1)];
		const unsigned char *src = in + r * (row + 1) + 1;
		unsigned char *dst = out + r * row;
		for (size_t i = 0; i < row; i++) {
			int a = i >= (size_t)bpp ? dst[i - bpp] : 0, up = prev ? prev[i] : 0,
			    c = prev && i >= (size_t)bpp ? prev[i - bpp] : 0, v = src[i];
			switch (f) {
			case 0: break;
			case 1: v += a; break;
			case 2: v += up; break;
			case 3: v += (a + up) / 2; break;
			case 4: {
				int p = a + up - c, pa = abs(p - a), pb = abs(p - up), pc = abs(p - c);
				v += pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
				break;
			}
			default: free(out); return -1;
			}
			dst[i] = (unsigned char)v;
		}
		prev = dst;
	}
	buf_reset(b);
	buf_add(b, out, rows * row);
	free(out);
	return 0;
}

static int inflate_all(const unsigned char *p, size_t n, buf *out, size_t max)
{
	z_stream z = { 0 };
	if (inflateInit(&z) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	int rc;
	do {
		buf_grow(out, 65536);
		z.next_out = (unsigned char *)out->data + out->len;
		z.avail_out = (uInt)(out->cap - out->len - 1);
		size_t before = z.avail_out;
		rc = inflate(&z, Z_NO_FLUSH);
		out->len += before - z.avail_out;
		if (out->len > max) {
			inflateEnd(&z);
			return -1;
		}
	} while (rc == Z_OK && (z.avail_in > 0 || z.avail_out == 0));
	inflateEnd(&z);
	out->data[out->len] = 0;
	return rc == Z_STREAM_END || (rc == Z_BUF_ERROR && z.avail_in == 0) ? 0 : -1;
}

int pdf_stream_decode(struct pdf *d, const struct pdf_obj *s, buf *out, size_t max)
{
	struct pdf_obj *f = pdf_dict(d, s, "Filter"), *parms = pdf_dict(d, s, "DecodeParms");
	if (f && f->kind == PDF_ARRAY) {
		if (f->n > 1)
			return pdf_damaged(d, "filtres de flux en cascade non pris en charge");
		f = f->n ? pdf_resolve(d, f->items[0]) : NULL;
		if (parms && parms->kind == PDF_ARRAY)
			parms = parms->n ? pdf_resolve(d, parms->items[0]) : NULL;
	}
	if (!f || f->kind == PDF_NULL) {
		buf_add(out, s->data, s->data_len);
		return 0;
	}
	if (!pdf_is_name(f, "FlateDecode") && !pdf_is_name(f, "Fl"))
		return err_set(d->e, 422, "sign.pdf_filter", "Filtre de flux PDF non pris en charge : %s", f->kind == PDF_NAME ? f->s : "?");
	if (inflate_all(s->data, s->data_len, out, max) < 0)
		return pdf_damaged(d, "flux compressé illisible");
	int pred = (int)pdf_num(pdf_dict(d, parms, "Predictor"));
	if (pred >= 10) {
		int cols = pdf_dict(d, parms, "Columns") ? (int)pdf_num(pdf_dict(d, parms, "Columns")) : 1;
		int colors = pdf_dict(d, parms, "Colors") ? (int)pdf_num(pdf_dict(d, parms, "Colors")) : 1;
		int bpc = pdf_dict(d, parms, "BitsPerComponent") ? (int)pdf_num(pdf_dict(d, parms, "BitsPerComponent")) : 8;
		int bpp = (colors * bpc + 7) / 8;
		if (cols <= 0 || cols > 1 << 20 || colors <= 0 || colors > 32 || bpc <= 0 || bpc > 16 ||
		    unpredict(out, (cols * colors * bpc + 7) / 8, bpp < 1 ? 1 : bpp) < 0)
			return pdf_damaged(d, "prédicteur de flux invalide");
	} else if (pred > 1) {
		return pdf_damaged(d, "prédicteur TIFF non pris en charge");
	}
	return 0;
}

/* Loads every object of object stream sn into the cache (those the xref places there). */
static int load_objstm(struct pdf *d, int sn)
{
	if (sn <= 0 || sn >= d->size || d->x[sn].type != 1)
		return pdf_damaged(d, "flux d'objets introuvable");
	struct pdf_obj *s = pdf_get(d, sn);
	if (!s)
		return -1;
	if (s->kind != PDF_STREAM || !pdf_is_name(pdf_dict_raw(s, "Type"), "ObjStm"))
		return pdf_damaged(d, "flux d'objets attendu");
	int n = (int)pdf_num(pdf_dict(d, s, "N")), first = (int)pdf_num(pdf_dict(d, s, "First"));
	buf data = BUF_INIT;
	if (pdf_stream_decode(d, s, &data, 64u * 1024 * 1024) < 0) {
		buf_free(&data);
		return -1;
	}
	/* the decoded bytes must outlive the objects parsed from them (strings point into the arena) */
	unsigned char *p = arena_alloc(d->a, data.len + 1);
	memcpy(p, data.data ? data.data : "", data.len + 1);
	size_t len = data.len, i = 0;
	buf_free(&data);
	if (n < 0 || first < 0 || (size_t)first > len || n > (int)len)
		return pdf_damaged(d, "en-tête de flux d'objets");
	for (int k = 0; k < n; k++) {
		pdf_skip_ws(p, &i, (size_t)first);
		long long num = pdf_read_uint(p, &i, (size_t)first);
		pdf_skip_ws(p, &i, (size_t)first);
		long long off = pdf_read_uint(p, &i, (size_t)first);
		if (num < 0 || off < 0 || (size_t)first + (size_t)off > len)
			return pdf_damaged(d, "index de flux d'objets");
		if (num >= d->size || d->x[num].type != 2 || d->x[num].off != (size_t)sn || d->x[num].idx != k ||
		    d->cache[num])
			continue;   /* superseded by a newer revision */
		size_t pos = (size_t)first + (size_t)off;
		struct pdf_obj *o = pdf_parse_obj(d->a, p, &pos, len, 0);
		if (!o)
			return pdf_damaged(d, "objet illisible dans un flux d'objets");
		o->ref = (int)num;
		o->gen = 0;
		d->cache[num] = o;
	}
	return 0;
}

struct pdf_obj *pdf_get(struct pdf *d, int num)
{
	if (num <= 0 || num >= d->size || d->x[num].type == 0)
		return null_obj(d);
	if (!d->cache) {  /* while the xref sections are read: their dictionaries must be direct (ISO 32000 7.5.8.2) */
		pdf_damaged(d, "référence indirecte dans un dictionnaire de références croisées");
		return NULL;
	}
	if (d->cache[num])
		return d->cache[num];
	if (d->loading[num]) {
		pdf_damaged(d, "références circulaires");
		return NULL;
	}
	d->loading[num] = 1;
	struct pdf_obj *o = NULL;
	if (d->x[num].type == 2) {
		if (load_objstm(d, (int)d->x[num].off) == 0) {
			o = d->cache[num];
			if (!o)
				pdf_damaged(d, "objet absent de son flux d'objets");
		}
	} else {
		int n, g;
		size_t i = pdf_obj_header(d, d->x[num].off, &n, &g);
		if (!i || n != num || g != d->x[num].gen)
			pdf_damaged(d, "un objet n'est pas à l'adresse indiquée par la table des références");
		else if ((o = pdf_read_body(d, i))) {
			o->ref = num;
			o->gen = g;
		}
	}
	d->loading[num] = 0;
	if (o)
		d->cache[num] = o;
	return o;
}

static int collect_pages(struct pdf *d, struct pdf_obj *node, int depth, int *cap)
{
	if (!node || node->kind != PDF_DICT || depth > 64)
		return pdf_damaged(d, "arbre des pages");
	struct pdf_obj *kids = pdf_dict(d, node, "Kids");
	if (!kids || pdf_is_name(pdf_dict_raw(node, "Type"), "Page")) {
		if (d->pages_n >= MAX_PAGES)
			return pdf_damaged(d, "trop de pages");
		if (d->pages_n == *cap) {
			*cap = *cap ? 2 * *cap : 16;
			d->pages = xrealloc(d->pages, (size_t)*cap * sizeof *d->pages);
		}
		d->pages[d->pages_n++] = node->ref;
		return 0;
	}
	if (kids->kind != PDF_ARRAY)
		return pdf_damaged(d, "/Kids de l'arbre des pages");
	for (size_t i = 0; i < kids->n; i++) {
		struct pdf_obj *k = kids->items[i];
		if (k->kind != PDF_REF || k->ref == node->ref)
			return pdf_damaged(d, "/Kids de l'arbre des pages");
		if (collect_pages(d, pdf_get(d, k->ref), depth + 1, cap) < 0)
			return -1;
	}
	return 0;
}

int pdf_load_pages(struct pdf *d)
{
	if (d->pages)
		return d->pages_n;
	struct pdf_obj *cat = pdf_get(d, pdf_dict_raw(d->trailer, "Root")->ref);
	struct pdf_obj *pages = pdf_dict(d, cat, "Pages");
	int cap = 0;
	if (collect_pages(d, pages, 0, &cap) < 0)
		return -1;
	if (d->pages_n == 0)
		return pdf_damaged(d, "aucune page");
	return d->pages_n;
}

struct pdf_obj *pdf_page_attr(struct pdf *d, struct pdf_obj *page, const char *key)
{
	for (int depth = 0; page && page->kind == PDF_DICT && depth < 64; depth++) {
		struct pdf_obj *v = pdf_dict(d, page, key);
		if (v && v->kind != PDF_NULL)
			return v;
		page = pdf_dict(d, page, "Parent");
	}
	return NULL;
}
