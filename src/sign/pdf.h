/* pdf: a minimal, strict PDF reader for signing and verification — cross-reference tables and
 * streams (with /Prev chains, hybrid /XRefStm and object streams), the trailer, a small object
 * parser and serializer. It never repairs: a damaged file is refused with a precise French error.
 * Objects live in the reader's arena and die with pdf_close. */
#ifndef OPALE_SIGN_PDF_H
#define OPALE_SIGN_PDF_H
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/mem.h"

enum pdf_kind { PDF_NULL, PDF_BOOL, PDF_NUM, PDF_NAME, PDF_STR, PDF_ARRAY, PDF_DICT, PDF_REF, PDF_STREAM };

struct pdf_obj {
	enum pdf_kind kind;
	int is_int;               /* PDF_NUM written without a point */
	double num;               /* PDF_NUM, PDF_BOOL (0/1) */
	const char *s;            /* PDF_NAME (without '/'), PDF_STR: decoded bytes (NUL-terminated) */
	size_t len;
	struct pdf_obj **items;   /* PDF_ARRAY items; PDF_DICT keys (names) at even, values at odd */
	size_t n;
	int ref, gen;             /* PDF_REF; for indirect objects, their own number and generation */
	struct pdf_obj *dict;     /* PDF_STREAM: its dictionary */
	size_t data_off, data_len;/* PDF_STREAM: raw data in the file */
	const unsigned char *data;/* PDF_STREAM: raw data (file or decoded object stream) */
};

struct pdf_xent {
	unsigned char type;       /* 0 free / absent, 1 at offset, 2 inside object stream */
	int gen;                  /* generation (type 1) */
	size_t off;               /* offset (type 1) or object stream number (type 2) */
	int idx;                  /* index inside the object stream (type 2) */
};

struct pdf {
	const unsigned char *p;
	size_t len;
	arena *a;
	struct pdf_xent *x;
	int size;                 /* entries in x (max /Size seen) */
	struct pdf_obj **cache;   /* loaded indirect objects */
	unsigned char *loading;   /* cycle guard while loading */
	struct pdf_obj *trailer;  /* the newest trailer (or xref stream dictionary) */
	int last_is_stream;       /* newest cross-reference section is a stream */
	size_t startxref;
	int pages_n;
	int *pages;               /* page object numbers in document order */
	struct err *e;
};

/* Opens the document: reads every cross-reference section and the trailer, refuses encrypted
 * files (sign.pdf_encrypted) and damaged ones (sign.pdf_damaged). p must outlive the reader. */
int pdf_open(struct pdf *d, const void *p, size_t len, struct err *e);
void pdf_close(struct pdf *d);
/* Indirect object num (NULL with d->e set when it cannot be read; a PDF_NULL object when free). */
struct pdf_obj *pdf_get(struct pdf *d, int num);
/* o itself, or the object it refers to. */
struct pdf_obj *pdf_resolve(struct pdf *d, struct pdf_obj *o);
/* Raw value of key in a dictionary (or a stream's dictionary), NULL when absent. */
struct pdf_obj *pdf_dict_raw(const struct pdf_obj *dict, const char *key);
/* The same, resolved through references. */
struct pdf_obj *pdf_dict(struct pdf *d, const struct pdf_obj *dict, const char *key);
/* True when o is the name n. */
int pdf_is_name(const struct pdf_obj *o, const char *n);
/* Number value (0 when not a number). */
double pdf_num(const struct pdf_obj *o);
/* Decoded data of a stream (FlateDecode with PNG predictors, or no filter). max = size limit. */
int pdf_stream_decode(struct pdf *d, const struct pdf_obj *stream, buf *out, size_t max);
/* Fills d->pages (document order). Returns the page count or -1. */
int pdf_load_pages(struct pdf *d);
/* Inherited page attribute (MediaBox, Rotate, Resources, CropBox). */
struct pdf_obj *pdf_page_attr(struct pdf *d, struct pdf_obj *page, const char *key);

/* ---- internals shared by pdf_xref.c and pdf_read.c ---- */
int pdf_damaged(struct pdf *d, const char *what);
size_t pdf_obj_header(struct pdf *d, size_t off, int *num, int *gen);
struct pdf_obj *pdf_read_body(struct pdf *d, size_t pos);

/* ---- parsing and writing (pdf_obj.c) ---- */
/* Parses one object at *pos (< end); NULL on a syntax error. */
struct pdf_obj *pdf_parse_obj(arena *a, const unsigned char *p, size_t *pos, size_t end, int depth);
/* Skips whitespace and comments. */
void pdf_skip_ws(const unsigned char *p, size_t *pos, size_t end);
/* Reads an unsigned integer token; -1 when there is none. */
long long pdf_read_uint(const unsigned char *p, size_t *pos, size_t end);
/* True when the keyword kw starts at *pos and is delimited; advances past it. */
int pdf_keyword(const unsigned char *p, size_t *pos, size_t end, const char *kw);
/* Serializes o (references written as "n g R"; streams not supported). */
void pdf_write_obj(buf *b, const struct pdf_obj *o);
/* Appends s as a PDF text string: literal for ASCII, UTF-16BE hex with BOM otherwise. */
void pdf_write_text(buf *b, const char *utf8);
/* Constructors in the arena. */
struct pdf_obj *pdf_new(arena *a, enum pdf_kind k);
struct pdf_obj *pdf_new_name(arena *a, const char *n);
struct pdf_obj *pdf_new_ref(arena *a, int num, int gen);
struct pdf_obj *pdf_new_num(arena *a, double v);
/* Sets (replaces or adds) key in a dictionary; a shallow copy is made when grow is needed. */
void pdf_dict_set(arena *a, struct pdf_obj *dict, const char *key, struct pdf_obj *v);
void pdf_array_push(arena *a, struct pdf_obj *arr, struct pdf_obj *v);

#endif
