/* pes_util: amounts in cents (never floating point for money), the Luhn key of SIREN/SIRET, and a
 * string set remembering where each key was first seen (duplicate bordereaux, pieces, PJ). */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "helios/pes_priv.h"

int pes_source_open(struct pes_source *s, const char *path, struct err *e)
{
	memset(s, 0, sizeof *s);
	s->f = fopen(path, "rb");
	if (!s->f)
		return err_set(e, 404, "pes.lecture", "impossible d'ouvrir %s : %s", path, strerror(errno));
	return 0;
}

size_t pes_source_read(struct pes_source *s, char *out, size_t cap)
{
	if (s->f)
		return fread(out, 1, cap, s->f);
	size_t n = s->len - s->pos < cap ? s->len - s->pos : cap;
	memcpy(out, s->mem + s->pos, n);
	s->pos += n;
	return n;
}

const char *pes_date_or_today(const char *date, char today[11])
{
	if (date)
		return date;
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(today, 11, "%Y-%m-%d", &tm);
	return today;
}

void pes_sax_init(xmlSAXHandler *sax, startElementNsSAX2Func start, endElementNsSAX2Func end, charactersSAXFunc chars,
		  internalSubsetSAXFunc doctype, xmlStructuredErrorFunc error)
{
	memset(sax, 0, sizeof *sax);
	sax->initialized = XML_SAX2_MAGIC;
	sax->startElementNs = start;
	sax->endElementNs = end;
	sax->characters = chars;
	sax->internalSubset = doctype;
	sax->serror = error;
}

int pes_amount_cents(const char *s, int64_t *cents)
{
	int neg = 0, digits = 0, frac = -1;
	int64_t v = 0;
	if (!s)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; *s; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			break;
		if (frac >= 0 && ++frac > 2) {
			if (*s != '0')  /* 12.500 is fine, 12.505 is not an amount */
				return -1;
			continue;
		}
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
		digits++;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s || digits == 0)
		return -1;
	for (int f = frac < 0 ? 0 : (frac > 2 ? 2 : frac); f < 2; f++) {
		if (v > INT64_MAX / 10)
			return -1;
		v *= 10;
	}
	*cents = neg ? -v : v;
	return 0;
}

void pes_amount_format(buf *out, int64_t cents)
{
	uint64_t a = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	buf_printf(out, "%s%llu.%02llu", cents < 0 ? "-" : "", (unsigned long long)(a / 100),
		   (unsigned long long)(a % 100));
}

int pes_luhn_ok(const char *d)
{
	size_t n = strlen(d);
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)d[i]))
			return 0;
		int x = d[i] - '0';
		if ((n - i) % 2 == 0) {
			x *= 2;
			if (x > 9)
				x -= 9;
		}
		sum += x;
	}
	return n > 0 && sum % 10 == 0;
}

/* ---- string set: open addressing, FNV-1a ---- */
struct pes_slot { char *key; long line; };
struct pes_set {
	struct pes_slot *slots;
	size_t cap, n;
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct pes_set *pes_set_new(void)
{
	struct pes_set *s = xcalloc(1, sizeof *s);
	s->cap = 64;
	s->slots = xcalloc(s->cap, sizeof *s->slots);
	return s;
}

static struct pes_slot *find(const struct pes_set *s, const char *key)
{
	size_t i = fnv(key) & (s->cap - 1);
	while (s->slots[i].key && strcmp(s->slots[i].key, key) != 0)
		i = (i + 1) & (s->cap - 1);
	return &s->slots[i];
}

static void grow(struct pes_set *s)
{
	struct pes_slot *old = s->slots;
	size_t oldcap = s->cap;
	s->cap *= 2;
	s->slots = xcalloc(s->cap, sizeof *s->slots);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*find(s, old[i].key) = old[i];
	free(old);
}

long pes_set_add(struct pes_set *s, const char *key, long line)
{
	struct pes_slot *sl = find(s, key);
	if (sl->key)
		return sl->line > 0 ? sl->line : 1;
	sl->key = xstrdup(key);
	sl->line = line;
	if (++s->n * 4 > s->cap * 3)
		grow(s);
	return 0;
}

int pes_set_has(const struct pes_set *s, const char *key)
{
	return find(s, key)->key != NULL;
}

size_t pes_set_count(const struct pes_set *s)
{
	return s->n;
}

void pes_set_free(struct pes_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i].key);
	free(s->slots);
	free(s);
}

void *pes_push(void *arr_p, size_t *n, size_t size)
{
	void **arr = arr_p;
	if ((*n & (*n - 1)) == 0)
		*arr = xrealloc(*arr, (*n ? *n * 2 : 1) * size);
	char *el = (char *)*arr + *n * size;
	memset(el, 0, size);
	(*n)++;
	return el;
}

void pes_xml_latin1(buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned cp = *p++;
		int more = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;
		if (cp >= 0x80)
			cp &= 0x3f >> more;
		for (; more > 0 && (*p & 0xc0) == 0x80; more--)
			cp = cp << 6 | (*p++ & 0x3f);
		if (more > 0)
			cp = '?';  /* truncated sequence */
		switch (cp) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		default:
			if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
				buf_putc(out, ' ');
			else if (cp < 0x100)
				buf_putc(out, (char)cp);
			else
				buf_printf(out, "&#%u;", cp);
		}
	}
}

void pes_xml_v(buf *o, const char *indent, const char *name, const char *value)
{
	buf_printf(o, "%s<%s V=\"", indent, name);
	pes_xml_latin1(o, value ? value : "");
	buf_puts(o, "\"/>\n");
}
