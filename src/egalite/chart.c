/* chart: lays a chart out once as rectangles, lines and texts — grouped bars (women / men per label)
 * or an age pyramid — so the SVG (html.c) and the cairo drawing (pdf.c) are the same picture. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "egalite/egalite_priv.h"

/* Women purple, men teal-blue: distinct for the colour-blind and in grey print (different lightness). */
const char *const eg_colors[4] = { "#7b2d8e", "#2a9d8f", "#c8c8d0", "#1a1a1a" };

static struct eg_prim *prim(struct eg_drawing *d, enum eg_prim_kind k, double x, double y, double w, double h,
			    int color)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->p = xrealloc(d->p, (size_t)d->cap * sizeof *d->p);
	}
	struct eg_prim *p = &d->p[d->n++];
	memset(p, 0, sizeof *p);
	p->kind = k, p->x = x, p->y = y, p->w = w, p->h = h, p->color = color;
	return p;
}

static void text(struct eg_drawing *d, double x, double y, int anchor, double size, const char *s)
{
	struct eg_prim *p = prim(d, EG_P_TEXT, x, y, 0, 0, 3);
	p->anchor = anchor, p->size = size;
	snprintf(p->text, sizeof p->text, "%s", s);
}

/* A value as shown on the chart: a count, or whole euros with thin spaces between thousands. */
static void value_text(char *out, size_t n, double v, int money)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%.0f", v);
	if (!money) {
		snprintf(out, n, "%s", digits);
		return;
	}
	buf b = BUF_INIT;
	int len = (int)strlen(digits);
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf_puts(&b, "\u202f");
		buf_putc(&b, digits[i]);
	}
	buf_puts(&b, "\u00a0€");
	snprintf(out, n, "%s", b.data);
	buf_free(&b);
}

/* Grid step: 1, 2 or 5 × 10^k giving about 5 lines. */
static double nice_step(double max)
{
	double raw = max / 5, p = pow(10, floor(log10(raw)));
	double m = raw / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static void legend(struct eg_drawing *d, double x, double y)
{
	static const char *const who[] = { "Femmes", "Hommes" };
	for (int s = 0; s < 2; s++) {
		prim(d, EG_P_RECT, x + s * 90, y - 9, 10, 10, s);
		text(d, x + s * 90 + 14, y, 0, 10, who[s]);
	}
}

/* A label under a group, on two lines when long. */
static void group_label(struct eg_drawing *d, double x, double y, const char *s)
{
	size_t n = strlen(s);
	const char *cut = n > 16 ? strchr(s + n / 3, ' ') : NULL;
	if (!cut) {
		text(d, x, y, 1, 10, s);
		return;
	}
	char first[80];
	snprintf(first, sizeof first, "%.*s", (int)(cut - s), s);
	text(d, x, y, 1, 10, first);
	text(d, x, y + 12, 1, 10, cut + 1);
}

static void bars(const struct eg_chart *c, struct eg_drawing *d)
{
	d->w = 640, d->h = 290;
	double left = 64, right = d->w - 10, top = 40, bottom = d->h - 46, max = 0;
	for (int i = 0; i < c->n; i++)
		max = fmax(max, fmax(c->v[0][i], c->v[1][i]));
	double step = max > 0 ? nice_step(max) : 1, scale_top = max > 0 ? ceil(max / step) * step : 5;
	if (!c->money && step < 1)
		step = 1, scale_top = fmax(scale_top, 1);
	legend(d, left, 16);
	char t[64];
	for (double g = 0; g <= scale_top + step / 2; g += step) {
		double y = bottom - g / scale_top * (bottom - top);
		prim(d, EG_P_LINE, left, y, right - left, 0, 2);
		value_text(t, sizeof t, g, c->money);
		text(d, left - 6, y + 3.5, 2, 9, t);
	}
	double gw = c->n ? (right - left) / c->n : 0, bw = fmin(gw * 0.32, 44);
	for (int i = 0; i < c->n; i++) {
		double cx = left + gw * i + gw / 2;
		for (int s = 0; s < 2; s++) {
			double v = c->v[s][i], h = v / scale_top * (bottom - top), x = s ? cx + 1 : cx - bw - 1;
			prim(d, EG_P_RECT, x, bottom - h, bw, h, s);
			value_text(t, sizeof t, v, c->money);
			text(d, x + bw / 2, bottom - h - 4, 1, c->money ? 8 : 9, t);
		}
		group_label(d, cx, bottom + 15, c->label[i]);
	}
	prim(d, EG_P_LINE, left, bottom, right - left, 0, 3);
}

static void pyramid(const struct eg_chart *c, struct eg_drawing *d)
{
	double row_h = 24, top = 40, gutter = 58, cx = 320, room = 320 - gutter - 36, max = 0;
	d->w = 640, d->h = top + c->n * row_h + 10;
	for (int i = 0; i < c->n; i++)
		max = fmax(max, fmax(c->v[0][i], c->v[1][i]));
	text(d, cx - gutter, 16, 2, 10, "Femmes");
	prim(d, EG_P_RECT, cx - gutter - 60, 7, 10, 10, 0);
	text(d, cx + gutter, 16, 0, 10, "Hommes");
	prim(d, EG_P_RECT, cx + gutter + 48, 7, 10, 10, 1);
	char t[32];
	for (int i = 0; i < c->n; i++) {
		int b = c->n - 1 - i;   /* oldest on top */
		double y = top + i * row_h, bh = row_h - 6;
		for (int s = 0; s < 2; s++) {
			double v = c->v[s][b], w = max > 0 ? v / max * room : 0;
			double x = s ? cx + gutter : cx - gutter - w;
			prim(d, EG_P_RECT, x, y, w, bh, s);
			snprintf(t, sizeof t, "%.0f", v);
			text(d, s ? x + w + 4 : x - 4, y + bh / 2 + 3.5, s ? 0 : 2, 9, t);
		}
		text(d, cx, y + bh / 2 + 3.5, 1, 9, c->label[b]);
	}
	prim(d, EG_P_LINE, cx - gutter, top - 3, 0, c->n * row_h, 2);
	prim(d, EG_P_LINE, cx + gutter, top - 3, 0, c->n * row_h, 2);
}

void eg_chart_draw(const struct eg_chart *c, struct eg_drawing *d)
{
	memset(d, 0, sizeof *d);
	if (c->kind == EG_PYRAMID)
		pyramid(c, d);
	else
		bars(c, d);
}

void eg_drawing_free(struct eg_drawing *d)
{
	free(d->p);
	memset(d, 0, sizeof *d);
}
