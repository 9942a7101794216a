/* html: the diagnostic as one self-contained, accessible page — captioned tables with row and column
 * headers, each chart an inline SVG with a title and a description, next to the table it draws. */
#include <stdio.h>

#include "egalite/egalite_priv.h"

static const char css[] =
	"body{font-family:system-ui,'DejaVu Sans',sans-serif;color:#1a1a1a;max-width:60rem;margin:2rem auto;"
	"padding:0 1rem;line-height:1.45}"
	"h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:2px solid #7b2d8e}"
	".sub{color:#444;margin-top:0}"
	"table{border-collapse:collapse;margin:1rem 0 .3rem;min-width:28rem}"
	"caption{text-align:left;font-weight:600;padding-bottom:.3rem}"
	"th,td{border:1px solid #b8b8c4;padding:.25rem .6rem}thead th{background:#ececf2}"
	"td{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"tbody th{text-align:left;font-weight:normal}tr.total th,tr.total td{font-weight:700;background:#f6f6fa}"
	".note{font-size:.9rem;color:#444;margin:.2rem 0 1rem}"
	"figure{margin:1rem 0}figcaption{font-size:.9rem;color:#444}svg{max-width:100%;height:auto}"
	"@media print{h2{break-after:avoid}table,figure{break-inside:avoid}}";

static void table(buf *b, const struct eg_table *t)
{
	buf_puts(b, "<table>\n<caption>");
	buf_html(b, t->caption);
	buf_puts(b, "</caption>\n<thead><tr><th scope=\"col\">");
	buf_html(b, t->corner);
	buf_puts(b, "</th>");
	for (int c = 0; c < t->n_cols - 1; c++) {
		buf_puts(b, "<th scope=\"col\">");
		buf_html(b, t->head[c]);
		buf_puts(b, "</th>");
	}
	buf_puts(b, "</tr></thead>\n<tbody>\n");
	for (int r = 0; r < t->n_rows; r++) {
		buf_puts(b, r >= t->n_rows - t->total_rows ? "<tr class=\"total\">" : "<tr>");
		buf_puts(b, "<th scope=\"row\">");
		buf_html(b, t->row_label[r]);
		buf_puts(b, "</th>");
		for (int c = 0; c < t->n_cols - 1; c++) {
			const struct eg_cell *x = &t->cells[r * (t->n_cols - 1) + c];
			buf_puts(b, x->kind == EG_NONE ? "<td aria-label=\"sans objet\">" : "<td>");
			buf_html(b, x->text);
			buf_puts(b, "</td>");
		}
		buf_puts(b, "</tr>\n");
	}
	buf_puts(b, "</tbody>\n</table>\n");
	if (t->note) {
		buf_puts(b, "<p class=\"note\">");
		buf_html(b, t->note);
		buf_puts(b, "</p>\n");
	}
}

static void svg(buf *b, const struct eg_chart *c, int id)
{
	struct eg_drawing d;
	eg_chart_draw(c, &d);
	buf_printf(b, "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
		   "height=\"%.0f\" role=\"img\" aria-labelledby=\"g%d-t g%d-d\" font-family=\"DejaVu Sans, sans-serif\">\n"
		   "<title id=\"g%d-t\">", d.w, d.h, d.w, d.h, id, id, id);
	buf_html(b, c->title);
	buf_printf(b, "</title>\n<desc id=\"g%d-d\">", id);
	buf_html(b, c->desc);
	buf_puts(b, " Les valeurs figurent dans le tableau associé.</desc>\n");
	static const char *const anchor[] = { "start", "middle", "end" };
	for (int i = 0; i < d.n; i++) {
		const struct eg_prim *p = &d.p[i];
		if (p->kind == EG_P_RECT)
			buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", p->x, p->y,
				   p->w, p->h, eg_colors[p->color]);
		else if (p->kind == EG_P_LINE)
			buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", p->x, p->y,
				   p->x + p->w, p->y + p->h, eg_colors[p->color]);
		else {
			buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" text-anchor=\"%s\" fill=\"%s\">", p->x,
				   p->y, p->size, anchor[p->anchor], eg_colors[p->color]);
			buf_html(b, p->text);
			buf_puts(b, "</text>\n");
		}
	}
	buf_puts(b, "</svg>\n<figcaption>");
	buf_html(b, c->title);
	buf_puts(b, "</figcaption>\n</figure>\n");
	eg_drawing_free(&d);
}

/* The sections and method notes, headings from level 2 on, in a <div class="egalite-rapport">. */
static void body(buf *out, const struct eg_view *v)
{
	buf_puts(out, "<div class=\"egalite-rapport\">\n");
	int chart_id = 0;
	for (int i = 0; i < v->n; i++) {
		const struct eg_section *s = &v->s[i];
		buf_printf(out, "<section aria-labelledby=\"s%d\">\n<h2 id=\"s%d\">", i + 1, i + 1);
		buf_html(out, s->title);
		buf_puts(out, "</h2>\n");
		if (s->intro) {
			buf_puts(out, "<p>");
			buf_html(out, s->intro);
			buf_puts(out, "</p>\n");
		}
		for (int k = 0; k < s->n_tables; k++) {
			table(out, &s->tables[k]);
			for (int c = 0; c < s->n_charts; c++)
				if (s->charts[c].table == k)
					svg(out, &s->charts[c], ++chart_id);
		}
		buf_puts(out, "</section>\n");
	}
	buf_puts(out, "<section aria-labelledby=\"methode\">\n<h2 id=\"methode\">Méthode</h2>\n<ul>\n");
	for (int i = 0; i < v->n_method; i++) {
		buf_puts(out, "<li>");
		buf_html(out, v->method[i]);
		buf_puts(out, "</li>\n");
	}
	buf_puts(out, "</ul>\n</section>\n</div>\n");
}

int egalite_html(const struct egalite_report *r, const char *prev_json, buf *out, struct err *e)
{
	struct eg_view *v = eg_view_build(r, prev_json, e);
	if (!v)
		return -1;
	buf_puts(out, "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	buf_html(out, v->title);
	buf_puts(out, " — ");
	buf_html(out, v->subtitle);
	buf_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n<h1>", css);
	buf_html(out, v->title);
	buf_puts(out, "</h1>\n<p class=\"sub\">");
	buf_html(out, v->subtitle);
	buf_puts(out, "</p>\n");
	body(out, v);
	buf_puts(out, "</main>\n</body>\n</html>\n");
	eg_view_free(v);
	return 0;
}

int egalite_html_fragment(const struct egalite_report *r, const char *prev_json, buf *out, struct err *e)
{
	struct eg_view *v = eg_view_build(r, prev_json, e);
	if (!v)
		return -1;
	body(out, v);
	eg_view_free(v);
	return 0;
}
