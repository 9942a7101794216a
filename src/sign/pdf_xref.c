/* pdf_xref: opening a PDF — startxref, cross-reference sections (tables, streams, hybrid /XRefStm,
 * /Prev chains) and the trailer. Strict: no repair, precise French errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sign/pdf.h"

#define MAX_OBJECTS 8000000
#define MAX_SECTIONS 4096
#define MAX_STREAM (256u * 1024 * 1024)

int pdf_damaged(struct pdf *d, const char *what)
{
	return err_set(d->e, 422, "sign.pdf_damaged",
		       "PDF endommagé (%s) : il doit être réparé avant d'être signé.", what);
}

struct pdf_obj *pdf_dict_raw(const struct pdf_obj *d, const char *key)
{
	if (d && d->kind == PDF_STREAM)
		d = d->dict;
	if (!d || d->kind != PDF_DICT)
		return NULL;
	for (size_t i = 0; i + 1 < d->n; i += 2)
		if (pdf_is_name(d->items[i], key))
			return d->items[i + 1];
	return NULL;
}

struct pdf_obj *pdf_dict(struct pdf *d, const struct pdf_obj *dict, const char *key)
{
	return pdf_resolve(d, pdf_dict_raw(dict, key));
}

int pdf_is_name(const struct pdf_obj *o, const char *n)
{
	return o && o->kind == PDF_NAME && strcmp(o->s, n) == 0;
}

double pdf_num(const struct pdf_obj *o)
{
	return o && o->kind == PDF_NUM ? o->num : 0;
}

static int ensure_size(struct pdf *d, long long n)
{
	if (n <= d->size)
		return 0;
	if (n > MAX_OBJECTS)
		return pdf_damaged(d, "nombre d'objets démesuré");
	d->x = xrealloc(d->x, (size_t)n * sizeof *d->x);
	memset(d->x + d->size, 0, (size_t)(n - d->size) * sizeof *d->x);
	d->size = (int)n;
	return 0;
}

/* Entry num, unless a newer section already defined it. */
static void set_entry(struct pdf *d, int num, unsigned char type, size_t off, int gen_or_idx, unsigned char *seen)
{
	if (num < 0 || num >= d->size || seen[num])
		return;
	seen[num] = 1;
	d->x[num].type = type;
	d->x[num].off = off;
	if (type == 2)
		d->x[num].idx = gen_or_idx;
	else
		d->x[num].gen = gen_or_idx;
}

static unsigned char *seen_grow(unsigned char *seen, int *cap, int need)
{
	if (need <= *cap)
		return seen;
	seen = xrealloc(seen, (size_t)need);
	memset(seen + *cap, 0, (size_t)(need - *cap));
	*cap = need;
	return seen;
}

/* Classic table at pos ("xref" already checked). Leaves *pos after "trailer". */
static int read_table(struct pdf *d, size_t *pos, unsigned char **seen, int *seen_cap)
{
	const unsigned char *p = d->p;
	size_t i = *pos;
	for (;;) {
		pdf_skip_ws(p, &i, d->len);
		if (pdf_keyword(p, &i, d->len, "trailer"))
			break;
		long long start = pdf_read_uint(p, &i, d->len);
		pdf_skip_ws(p, &i, d->len);
		long long count = pdf_read_uint(p, &i, d->len);
		if (start < 0 || count < 0 || start + count > MAX_OBJECTS || i + (size_t)count * 18 > d->len)
			return pdf_damaged(d, "table des références croisées illisible");
		if (ensure_size(d, start + count) < 0)
			return -1;
		*seen = seen_grow(*seen, seen_cap, d->size);
		for (long long k = 0; k < count; k++) {
			pdf_skip_ws(p, &i, d->len);
			long long off = pdf_read_uint(p, &i, d->len);
			pdf_skip_ws(p, &i, d->len);
			long long gen = pdf_read_uint(p, &i, d->len);
			pdf_skip_ws(p, &i, d->len);
			if (off < 0 || gen < 0 || gen > 65535 || i >= d->len || (p[i] != 'n' && p[i] != 'f'))
				return pdf_damaged(d, "entrée de la table des références croisées");
			int used = p[i++] == 'n';
			if (used && (size_t)off >= d->len)
				return pdf_damaged(d, "référence croisée hors du fichier");
			set_entry(d, (int)(start + k), used ? 1 : 0, (size_t)off, (int)gen, *seen);
		}
	}
	*pos = i;
	return 0;
}

/* Parses "num gen obj" at off; returns the position after "obj" or 0. */
size_t pdf_obj_header(struct pdf *d, size_t off, int *num, int *gen)
{
	size_t i = off;
	pdf_skip_ws(d->p, &i, d->len);   /* some writers point at the end-of-line before the header */
	long long n = pdf_read_uint(d->p, &i, d->len);
	pdf_skip_ws(d->p, &i, d->len);
	long long g = pdf_read_uint(d->p, &i, d->len);
	pdf_skip_ws(d->p, &i, d->len);
	if (n < 0 || g < 0 || !pdf_keyword(d->p, &i, d->len, "obj"))
		return 0;
	*num = (int)n;
	*gen = (int)g;
	return i;
}

/* Reads the object body at pos (after "obj"): a value, and for a stream its data. */
struct pdf_obj *pdf_read_body(struct pdf *d, size_t i)
{
	struct pdf_obj *o = pdf_parse_obj(d->a, d->p, &i, d->len, 0);
	if (!o) {
		pdf_damaged(d, "objet illisible");
		return NULL;
	}
	size_t j = i;
	pdf_skip_ws(d->p, &j, d->len);
	if (o->kind != PDF_DICT || !pdf_keyword(d->p, &j, d->len, "stream"))
		return o;
	if (j < d->len && d->p[j] == '\r')
		j++;
	if (j < d->len && d->p[j] == '\n')
		j++;
	struct pdf_obj *lo = pdf_dict(d, o, "Length");
	if (!lo || lo->kind != PDF_NUM || lo->num < 0 || j + (size_t)lo->num > d->len) {
		pdf_damaged(d, "longueur de flux invalide");
		return NULL;
	}
	size_t k = j + (size_t)lo->num;
	pdf_skip_ws(d->p, &k, d->len);
	if (!pdf_keyword(d->p, &k, d->len, "endstream")) {
		pdf_damaged(d, "flux sans « endstream » à la longueur annoncée");
		return NULL;
	}
	struct pdf_obj *s = pdf_new(d->a, PDF_STREAM);
	s->dict = o;
	s->data = d->p + j;
	s->data_off = j;
	s->data_len = (size_t)lo->num;
	return s;
}

/* A cross-reference stream at off: its dictionary becomes a trailer candidate. */
static struct pdf_obj *read_xref_stream(struct pdf *d, size_t off, unsigned char **seen, int *seen_cap)
{
	int num, gen;
	size_t i = pdf_obj_header(d, off, &num, &gen);
	if (!i) {
		pdf_damaged(d, "la section de références croisées n'est pas à l'adresse annoncée");
		return NULL;
	}
	struct pdf_obj *s = pdf_read_body(d, i);
	if (!s)
		return NULL;
	if (s->kind != PDF_STREAM || !pdf_is_name(pdf_dict_raw(s, "Type"), "XRef")) {
		pdf_damaged(d, "flux de références croisées attendu");
		return NULL;
	}
	struct pdf_obj *w = pdf_dict_raw(s, "W"), *sz = pdf_dict_raw(s, "Size"), *index = pdf_dict_raw(s, "Index");
	if (!w || w->kind != PDF_ARRAY || w->n != 3 || !sz || sz->kind != PDF_NUM) {
		pdf_damaged(d, "/W ou /Size du flux de références croisées");
		return NULL;
	}
	int wv[3], rec = 0;
	for (int k = 0; k < 3; k++) {
		wv[k] = (int)pdf_num(w->items[k]);
		if (wv[k] < 0 || wv[k] > 8) {
			pdf_damaged(d, "/W invalide");
			return NULL;
		}
		rec += wv[k];
	}
	if (rec == 0 || ensure_size(d, (long long)sz->num) < 0)
		return NULL;
	*seen = seen_grow(*seen, seen_cap, d->size);
	buf data = BUF_INIT;
	if (pdf_stream_decode(d, s, &data, MAX_STREAM) < 0) {
		buf_free(&data);
		return NULL;
	}
	size_t at = 0;
	size_t nidx = index && index->kind == PDF_ARRAY ? index->n : 2;
	for (size_t r = 0; r + 1 < nidx || (r == 0 && !index); r += 2) {
		long long start = index ? (long long)pdf_num(index->items[r]) : 0;
		long long count = index ? (long long)pdf_num(index->items[r + 1]) : (long long)sz->num;
		if (start < 0 || count < 0 || start + count > d->size) {
			buf_free(&data);
			pdf_damaged(d, "/Index du flux de références croisées");
			return NULL;
		}
		for (long long k = 0; k < count; k++, at += (size_t)rec) {
			if (at + (size_t)rec > data.len) {
				buf_free(&data);
				pdf_damaged(d, "flux de références croisées tronqué");
				return NULL;
			}
			unsigned long long f[3] = { 1, 0, 0 };   /* type defaults to 1 when W[0] = 0 */
			const unsigned char *q = (const unsigned char *)data.data + at;
			for (int c = 0; c < 3; c++) {
				if (!wv[c])
					continue;
				f[c] = 0;
				for (int b = 0; b < wv[c]; b++)
					f[c] = f[c] << 8 | *q++;
			}
			if (f[0] == 1 && f[1] >= d->len) {
				buf_free(&data);
				pdf_damaged(d, "référence croisée hors du fichier");
				return NULL;
			}
			if (f[0] <= 2)
				set_entry(d, (int)(start + k), (unsigned char)f[0], (size_t)f[1], (int)f[2], *seen);
		}
		if (!index)
			break;
	}
	buf_free(&data);
	return s->dict;
}

/* Finds "startxref N" near the end. */
static int find_startxref(struct pdf *d)
{
	size_t from = d->len > 2048 ? d->len - 2048 : 0;
	for (size_t i = d->len; i-- > from;) {
		if (d->p[i] == 's' && i + 9 <= d->len && memcmp(d->p + i, "startxref", 9) == 0) {
			size_t j = i + 9;
			pdf_skip_ws(d->p, &j, d->len);
			long long off = pdf_read_uint(d->p, &j, d->len);
			if (off <= 0 || (size_t)off >= d->len)
				return pdf_damaged(d, "adresse « startxref » invalide");
			d->startxref = (size_t)off;
			return 0;
		}
	}
	return pdf_damaged(d, "« startxref » introuvable, fichier tronqué ?");
}

static int read_sections(struct pdf *d)
{
	unsigned char *seen = NULL;
	int seen_cap = 0, sections = 0, rc = -1;
	size_t visited[MAX_SECTIONS];
	size_t off = d->startxref;
	for (;;) {
		for (int k = 0; k < sections; k++)
			if (visited[k] == off) {
				pdf_damaged(d, "boucle dans les sections /Prev");
				goto out;
			}
		if (sections == MAX_SECTIONS) {
			pdf_damaged(d, "trop de sections de références croisées");
			goto out;
		}
		visited[sections++] = off;
		size_t i = off;
		struct pdf_obj *tr;
		int is_stream = !pdf_keyword(d->p, &i, d->len, "xref");
		if (!is_stream) {
			if (read_table(d, &i, &seen, &seen_cap) < 0)
				goto out;
			tr = pdf_parse_obj(d->a, d->p, &i, d->len, 0);
			if (!tr || tr->kind != PDF_DICT) {
				pdf_damaged(d, "dictionnaire « trailer » illisible");
				goto out;
			}
			struct pdf_obj *xs = pdf_dict_raw(tr, "XRefStm");   /* hybrid file: table entries win */
			if (xs && xs->kind == PDF_NUM && (xs->num <= 0 || xs->num >= (double)d->len ||
							  !read_xref_stream(d, (size_t)xs->num, &seen, &seen_cap)))
				goto out_damaged;
		} else if (!(tr = read_xref_stream(d, off, &seen, &seen_cap))) {
			goto out;
		}
		if (sections == 1) {
			d->trailer = tr;
			d->last_is_stream = is_stream;
		}
		struct pdf_obj *sz = pdf_dict_raw(tr, "Size");
		if (sz && sz->kind == PDF_NUM && ensure_size(d, (long long)sz->num) < 0)
			goto out;
		struct pdf_obj *prev = pdf_dict_raw(tr, "Prev");
		if (!prev)
			break;
		if (prev->kind != PDF_NUM || prev->num < 0 || prev->num >= (double)d->len) {
			pdf_damaged(d, "/Prev invalide");
			goto out;
		}
		off = (size_t)prev->num;
	}
	rc = 0;
	goto out;
out_damaged:
	if (!d->e || !d->e->code[0])
		pdf_damaged(d, "/XRefStm invalide");
out:
	free(seen);
	return rc;
}

/* Every in-use entry must point at its own "num gen obj" header, every compressed one at an
 * object stream that is itself a plain object: a damaged table is refused, never repaired. */
static int check_entries(struct pdf *d)
{
	for (int num = 1; num < d->size; num++) {
		struct pdf_xent *x = &d->x[num];
		int n, g;
		char what[128];
		if (x->type == 1 && (!pdf_obj_header(d, x->off, &n, &g) || n != num || g != x->gen)) {
			snprintf(what, sizeof what, "l'objet %d n'est pas à l'adresse indiquée par la table des références", num);
			return pdf_damaged(d, what);
		}
		if (x->type == 2 && (x->off >= (size_t)d->size || d->x[x->off].type != 1)) {
			snprintf(what, sizeof what, "l'objet %d renvoie à un flux d'objets inexistant", num);
			return pdf_damaged(d, what);
		}
	}
	return 0;
}

int pdf_open(struct pdf *d, const void *p, size_t len, struct err *e)
{
	memset(d, 0, sizeof *d);
	d->p = p;
	d->len = len;
	d->e = e;
	d->a = arena_new();
	if (len < 16 || memcmp(p, "%PDF-", 5) != 0)
		return err_set(e, 415, "sign.not_pdf", "Le fichier n'est pas un PDF.");
	if (find_startxref(d) < 0 || read_sections(d) < 0 || check_entries(d) < 0)
		return -1;
	if (pdf_dict_raw(d->trailer, "Encrypt"))
		return err_set(e, 422, "sign.pdf_encrypted",
			       "PDF chiffré ou protégé par mot de passe : il ne peut pas être signé. "
			       "Retirez la protection avant de le déposer.");
	struct pdf_obj *root = pdf_dict_raw(d->trailer, "Root");
	if (!root || root->kind != PDF_REF)
		return pdf_damaged(d, "pas de /Root dans le trailer");
	d->cache = xcalloc((size_t)d->size + 1, sizeof *d->cache);
	d->loading = xcalloc((size_t)d->size + 1, 1);
	struct pdf_obj *cat = pdf_get(d, root->ref);
	if (!cat)
		return -1;
	if (cat->kind != PDF_DICT)
		return pdf_damaged(d, "catalogue absent");
	return 0;
}

void pdf_close(struct pdf *d)
{
	arena_free(d->a);
	free(d->x);
	free(d->cache);
	free(d->loading);
	free(d->pages);
	memset(d, 0, sizeof *d);
}
