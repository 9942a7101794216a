/* pdf_update: writes an incremental update after the original bytes (left untouched) — new and
 * rewritten objects, then a cross-reference section of the same kind as the file's last one
 * (table + trailer, or cross-reference stream), keeping /Root, /Info and /ID, with /Prev. */
#include <stdlib.h>
#include <string.h>

#include "sign/pdf_update.h"

void pdf_update_begin(struct pdf_update *u, struct pdf *d, const void *orig, size_t len, buf *out)
{
	memset(u, 0, sizeof *u);
	u->d = d;
	u->out = out;
	u->base = out->len;
	u->next_num = d->size > 0 ? d->size : 1;
	buf_add(out, orig, len);
	if (len && ((const char *)orig)[len - 1] != '\n' && ((const char *)orig)[len - 1] != '\r')
		buf_putc(out, '\n');
}

int pdf_update_new_num(struct pdf_update *u) { return u->next_num++; }

void pdf_update_obj_start(struct pdf_update *u, int num, int gen)
{
	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 16;
		u->ent = xrealloc(u->ent, (size_t)u->cap * sizeof *u->ent);
	}
	u->ent[u->n].num = num;
	u->ent[u->n].gen = gen;
	u->ent[u->n].off = u->out->len - u->base;
	u->n++;
	buf_printf(u->out, "%d %d obj\n", num, gen);
}

void pdf_update_obj_end(struct pdf_update *u) { buf_puts(u->out, "\nendobj\n"); }

void pdf_update_rewrite(struct pdf_update *u, const struct pdf_obj *o)
{
	int gen = o->ref < u->d->size && u->d->x[o->ref].type == 1 ? u->d->x[o->ref].gen : 0;
	pdf_update_obj_start(u, o->ref, gen);
	pdf_write_obj(u->out, o);
	pdf_update_obj_end(u);
}

static int ent_cmp(const void *a, const void *b)
{
	const struct pdf_update_ent *x = a, *y = b;
	return (x->num > y->num) - (x->num < y->num);
}

/* Runs of consecutive object numbers: calls fn(start, count) for each. */
static void runs(struct pdf_update *u, void (*fn)(struct pdf_update *, int, int))
{
	for (int i = 0; i < u->n;) {
		int j = i + 1;
		while (j < u->n && u->ent[j].num == u->ent[j - 1].num + 1)
			j++;
		fn(u, i, j - i);
		i = j;
	}
}

static void table_run(struct pdf_update *u, int i, int count)
{
	buf_printf(u->out, "%d %d\n", u->ent[i].num, count);
	for (int k = i; k < i + count; k++)
		buf_printf(u->out, "%010zu %05d n\r\n", u->ent[k].off, u->ent[k].gen);
}

static void index_run(struct pdf_update *u, int i, int count)
{
	buf_printf(u->out, "%s%d %d", i ? " " : "", u->ent[i].num, count);
}

/* /Root, /Info and /ID of the previous trailer, then /Prev. */
static void trailer_keys(struct pdf_update *u)
{
	static const char *const keep[] = { "Root", "Info", "ID" };
	for (size_t k = 0; k < 3; k++) {
		struct pdf_obj *v = pdf_dict_raw(u->d->trailer, keep[k]);
		if (!v)
			continue;
		buf_printf(u->out, "/%s ", keep[k]);
		pdf_write_obj(u->out, v);
	}
	buf_printf(u->out, "/Prev %zu", u->d->startxref);
}

void pdf_update_finish(struct pdf_update *u)
{
	size_t xref_off;
	if (!u->d->last_is_stream) {
		qsort(u->ent, (size_t)u->n, sizeof *u->ent, ent_cmp);
		xref_off = u->out->len - u->base;
		buf_puts(u->out, "xref\n");
		runs(u, table_run);
		buf_printf(u->out, "trailer\n<</Size %d", u->next_num);
		trailer_keys(u);
		buf_puts(u->out, ">>\n");
	} else {
		int self = pdf_update_new_num(u);
		pdf_update_obj_start(u, self, 0);
		xref_off = u->ent[u->n - 1].off;
		qsort(u->ent, (size_t)u->n, sizeof *u->ent, ent_cmp);
		buf_printf(u->out, "<</Type/XRef/Size %d/W[1 4 2]/Index[", u->next_num);
		runs(u, index_run);
		buf_printf(u->out, "]/Length %d", 7 * u->n);
		trailer_keys(u);
		buf_puts(u->out, ">>\nstream\n");
		for (int k = 0; k < u->n; k++) {
			unsigned char rec[7] = { 1, (unsigned char)(u->ent[k].off >> 24), (unsigned char)(u->ent[k].off >> 16),
						 (unsigned char)(u->ent[k].off >> 8), (unsigned char)u->ent[k].off,
						 (unsigned char)(u->ent[k].gen >> 8), (unsigned char)u->ent[k].gen };
			buf_add(u->out, rec, 7);
		}
		buf_puts(u->out, "\nendstream");
		pdf_update_obj_end(u);
	}
	buf_printf(u->out, "startxref\n%zu\n%%%%EOF\n", xref_off);
	free(u->ent);
	u->ent = NULL;
}
