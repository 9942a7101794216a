/* xlsx: the diagnostic as a workbook (libxlsxwriter) — one sheet per section, the same tables with
 * numbers stored as numbers (counts, euros, shares as fractions shown in %), a native column chart
 * next to each charted table, and a « Méthode » sheet. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "egalite/egalite_priv.h"

struct fmts {
	lxw_format *title, *caption, *head, *label, *total_label, *note, *num[EG_NONE + 1], *tot[EG_NONE + 1];
};

static void make_formats(lxw_workbook *wb, struct fmts *f)
{
	static const char *const numfmt[EG_NONE + 1] = {
		[EG_TEXT] = "@", [EG_INT] = "0", [EG_MONEY] = "#,##0.00 \"€\"", [EG_PCT] = "0.0%", [EG_AGE] = "0.0",
		[EG_NONE] = "@",
	};
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	f->caption = workbook_add_format(wb);
	format_set_bold(f->caption);
	f->head = workbook_add_format(wb);
	format_set_bold(f->head);
	format_set_bg_color(f->head, 0xECECF2);
	format_set_border(f->head, LXW_BORDER_THIN);
	format_set_text_wrap(f->head);
	f->label = workbook_add_format(wb);
	format_set_border(f->label, LXW_BORDER_THIN);
	f->total_label = workbook_add_format(wb);
	format_set_border(f->total_label, LXW_BORDER_THIN);
	format_set_bold(f->total_label);
	f->note = workbook_add_format(wb);
	format_set_italic(f->note);
	for (int k = 0; k <= EG_NONE; k++) {
		for (int t = 0; t < 2; t++) {
			lxw_format *x = workbook_add_format(wb);
			format_set_num_format(x, numfmt[k]);
			format_set_border(x, LXW_BORDER_THIN);
			format_set_align(x, LXW_ALIGN_RIGHT);
			if (t)
				format_set_bold(x);
			(t ? f->tot : f->num)[k] = x;
		}
	}
}

/* Writes a table at *row; returns the row of its header (for charts). */
static int write_table(lxw_worksheet *ws, const struct eg_table *t, const struct fmts *f, int *row)
{
	worksheet_write_string(ws, (lxw_row_t)(*row)++, 0, t->caption, f->caption);
	int head = *row;
	worksheet_write_string(ws, (lxw_row_t)*row, 0, t->corner, f->head);
	for (int c = 0; c < t->n_cols - 1; c++)
		worksheet_write_string(ws, (lxw_row_t)*row, (lxw_col_t)(c + 1), t->head[c], f->head);
	(*row)++;
	for (int r = 0; r < t->n_rows; r++, (*row)++) {
		int total = r >= t->n_rows - t->total_rows;
		worksheet_write_string(ws, (lxw_row_t)*row, 0, t->row_label[r], total ? f->total_label : f->label);
		for (int c = 0; c < t->n_cols - 1; c++) {
			const struct eg_cell *x = &t->cells[r * (t->n_cols - 1) + c];
			lxw_format *fm = (total ? f->tot : f->num)[x->kind];
			if (x->kind == EG_TEXT || x->kind == EG_NONE)
				worksheet_write_string(ws, (lxw_row_t)*row, (lxw_col_t)(c + 1), x->text, fm);
			else
				worksheet_write_number(ws, (lxw_row_t)*row, (lxw_col_t)(c + 1), x->number, fm);
		}
	}
	if (t->note)
		worksheet_write_string(ws, (lxw_row_t)(*row)++, 0, t->note, f->note);
	(*row)++;
	return head;
}

/* A clustered column chart of a table's women and men columns, beside the table. */
static void native_chart(lxw_workbook *wb, lxw_worksheet *ws, const char *sheet, const struct eg_chart *c,
			 int head)
{
	if (c->n == 0)
		return;
	lxw_chart *ch = workbook_add_chart(wb, c->kind == EG_PYRAMID ? LXW_CHART_BAR : LXW_CHART_COLUMN);
	static const char *const who[] = { "Femmes", "Hommes" };
	for (int s = 0; s < 2; s++) {
		lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(se, sheet, (lxw_row_t)(head + 1), 0, (lxw_row_t)(head + c->n), 0);
		chart_series_set_values(se, sheet, (lxw_row_t)(head + 1), (lxw_col_t)(1 + s), (lxw_row_t)(head + c->n),
					(lxw_col_t)(1 + s));
		chart_series_set_name(se, who[s]);
		lxw_chart_fill fill = { .color = (lxw_color_t)strtoul(eg_colors[s] + 1, NULL, 16) };
		chart_series_set_fill(se, &fill);
	}
	chart_title_set_name(ch, c->title);
	chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
	lxw_chart_options o = { .x_scale = 1.1, .y_scale = 1.0 };
	worksheet_insert_chart_opt(ws, (lxw_row_t)(head - 1), 6, ch, &o);
}

static void sheet(lxw_workbook *wb, const struct eg_view *v, const struct eg_section *s, const struct fmts *f)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, s->sheet);
	worksheet_set_column(ws, 0, 0, 44, NULL);
	worksheet_set_column(ws, 1, 4, 16, NULL);
	worksheet_write_string(ws, 0, 0, s->title, f->title);
	worksheet_write_string(ws, 1, 0, v->subtitle, NULL);
	int row = 3;
	if (s->intro)
		worksheet_write_string(ws, (lxw_row_t)row++, 0, s->intro, f->note);
	for (int k = 0; k < s->n_tables; k++) {
		int start = row, head = write_table(ws, &s->tables[k], f, &row);
		for (int c = 0; c < s->n_charts; c++)
			if (s->charts[c].table == k) {
				native_chart(wb, ws, s->sheet, &s->charts[c], head);
				if (row < start + 17)
					row = start + 17;   /* the chart is about 15 rows high */
			}
	}
}

int egalite_xlsx(const struct egalite_report *r, const char *prev_json, buf *out, struct err *e)
{
	struct eg_view *v = eg_view_build(r, prev_json, e);
	if (!v)
		return -1;
	const char *dir = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/opale-egalite-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path), rc = -1;
	if (fd < 0) {
		err_set(e, 500, "egalite.xlsx", "fichier temporaire impossible à créer");
		goto out;
	}
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	if (!wb) {
		err_set(e, 500, "egalite.xlsx", "classeur impossible à créer");
		goto out;
	}
	lxw_doc_properties props = { .title = v->title, .subject = v->subtitle, .author = "Opale" };
	workbook_set_properties(wb, &props);
	struct fmts f;
	make_formats(wb, &f);
	for (int i = 0; i < v->n; i++)
		sheet(wb, v, &v->s[i], &f);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Méthode");
	worksheet_set_column(ws, 0, 0, 120, NULL);
	worksheet_write_string(ws, 0, 0, "Méthode", f.title);
	for (int i = 0; i < v->n_method; i++)
		worksheet_write_string(ws, (lxw_row_t)(2 + i), 0, v->method[i], NULL);
	lxw_error le = workbook_close(wb);
	if (le != LXW_NO_ERROR) {
		err_set(e, 500, "egalite.xlsx", "écriture du classeur impossible : %s", lxw_strerror(le));
		goto out;
	}
	if (buf_read_file(out, path, 0) < 0) {
		err_set(e, 500, "egalite.xlsx", "relecture du classeur impossible");
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		unlink(path);
	eg_view_free(v);
	return rc;
}
