/* pades: PAdES baseline signatures (SubFilter ETSI.CAdES.detached, SHA-256) by incremental update:
 * the original bytes stay untouched; a signature dictionary, a widget/field (visible or not), the
 * rewritten page, AcroForm and catalog follow, then /ByteRange is fixed and /Contents filled. */
#include <stdio.h>
#include <string.h>

#include "sign/pades_priv.h"
#include "sign/pdf_update.h"
#include "sign/sign_priv.h"

#define BR_WIDTH 10   /* digits reserved for each /ByteRange number */

/* Bytes of DER reserved in /Contents: 8 KiB, more for long chains (room for a time-stamp token). */
static size_t contents_reserve(const struct sign_key *k)
{
	size_t certs = (size_t)i2d_X509(k->cert, NULL);
	for (int i = 0; i < sk_X509_num(k->chain); i++)
		certs += (size_t)i2d_X509(sk_X509_value(k->chain, i), NULL);
	size_t need = certs + (size_t)EVP_PKEY_get_size(X509_get0_pubkey(k->cert)) + 6144;
	need = (need + 1023) / 1024 * 1024;
	return need > 8192 ? need : 8192;
}

static void pdf_date(time_t t, buf *b)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	char s[32];
	strftime(s, sizeof s, "D:%Y%m%d%H%M%S+00'00'", &tm);
	buf_printf(b, "(%s)", s);
}

/* Refuses documents whose certification (DocMDP P=1) forbids any change. */
static int check_permissions(struct pdf *d, struct pdf_obj *cat, struct err *e)
{
	struct pdf_obj *perms = pdf_dict(d, cat, "Perms");
	struct pdf_obj *mdp = perms ? pdf_dict(d, perms, "DocMDP") : NULL;
	if (!mdp)
		return 0;
	struct pdf_obj *refs = pdf_dict(d, mdp, "Reference");
	for (size_t i = 0; refs && refs->kind == PDF_ARRAY && i < refs->n; i++) {
		struct pdf_obj *r = pdf_resolve(d, refs->items[i]);
		struct pdf_obj *tp = pdf_dict(d, pdf_dict(d, r, "TransformParams"), "P");
		if (tp && pdf_num(tp) == 1)
			return err_set(e, 422, "sign.pdf_certified",
				       "Ce PDF est certifié sans aucune modification autorisée (DocMDP) : il ne peut pas être signé.");
	}
	return 0;
}

/* Collects the /T of every field (recursively) to pick an unused "SignatureN". */
static int name_used(struct pdf *d, struct pdf_obj *fields, const char *name, int depth)
{
	if (!fields || fields->kind != PDF_ARRAY || depth > 32)
		return 0;
	for (size_t i = 0; i < fields->n; i++) {
		struct pdf_obj *f = pdf_resolve(d, fields->items[i]);
		struct pdf_obj *t = pdf_dict(d, f, "T");
		if (t && t->kind == PDF_STR && strcmp(t->s, name) == 0)
			return 1;
		if (name_used(d, pdf_dict(d, f, "Kids"), name, depth + 1))
			return 1;
	}
	return 0;
}

/* Adds the widget to the page's /Annots and to the AcroForm's /Fields (rewriting what is needed). */
static void link_widget(struct pades_ctx *c, int widget)
{
	struct pdf *d = c->d;
	arena *a = d->a;
	struct pdf_obj *wref = pdf_new_ref(a, widget, 0);
	struct pdf_obj *annots = pdf_dict_raw(c->page, "Annots");
	if (annots && annots->kind == PDF_REF && pdf_resolve(d, annots) && pdf_resolve(d, annots)->kind == PDF_ARRAY) {
		struct pdf_obj *arr = pdf_resolve(d, annots);
		pdf_array_push(a, arr, wref);
		pdf_update_rewrite(c->u, arr);
	} else {
		struct pdf_obj *arr = annots && annots->kind == PDF_ARRAY ? annots : pdf_new(a, PDF_ARRAY);
		pdf_array_push(a, arr, wref);
		pdf_dict_set(a, c->page, "Annots", arr);
		pdf_update_rewrite(c->u, c->page);
	}
	struct pdf_obj *afr = pdf_dict_raw(c->cat, "AcroForm");
	struct pdf_obj *af = pdf_resolve(d, afr);
	int af_indirect = afr && afr->kind == PDF_REF && af && af->kind == PDF_DICT;
	if (!af || af->kind != PDF_DICT)
		af = pdf_new(a, PDF_DICT);
	struct pdf_obj *fr = pdf_dict_raw(af, "Fields"), *fields = pdf_resolve(d, fr);
	if (fr && fr->kind == PDF_REF && fields && fields->kind == PDF_ARRAY) {
		pdf_array_push(a, fields, wref);
		pdf_update_rewrite(c->u, fields);
	} else {
		fields = fields && fields->kind == PDF_ARRAY ? fields : pdf_new(a, PDF_ARRAY);
		pdf_array_push(a, fields, wref);
		pdf_dict_set(a, af, "Fields", fields);
	}
	pdf_dict_set(a, af, "SigFlags", pdf_new_num(a, 3));
	if (af_indirect) {
		pdf_update_rewrite(c->u, af);
	} else {
		pdf_dict_set(a, c->cat, "AcroForm", af);
		pdf_update_rewrite(c->u, c->cat);
	}
}

/* The signature dictionary; records where /ByteRange and /Contents placeholders are. */
static void write_sig_dict(struct pades_ctx *c, int num, size_t reserve)
{
	buf *o = c->u->out;
	pdf_update_obj_start(c->u, num, 0);
	buf_puts(o, "<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/M");
	pdf_date(c->t, o);
	if (c->o->reason && *c->o->reason) {
		buf_puts(o, "/Reason");
		pdf_write_text(o, c->o->reason);
	}
	if (c->o->location && *c->o->location) {
		buf_puts(o, "/Location");
		pdf_write_text(o, c->o->location);
	}
	buf_puts(o, "/Name");
	pdf_write_text(o, c->signer);
	buf_puts(o, "/ByteRange[0 ");
	c->br_pos = o->len;
	for (int i = 0; i < 3; i++)
		buf_printf(o, "%-*s%s", BR_WIDTH, "0", i < 2 ? " " : "");
	buf_puts(o, "]/Contents<");
	c->contents_pos = o->len - 1;
	buf_grow(o, 2 * reserve);
	memset(o->data + o->len, '0', 2 * reserve);
	o->len += 2 * reserve;
	buf_puts(o, ">>>");
	c->contents_end = o->len - 2;
	pdf_update_obj_end(c->u);
}

static void write_widget(struct pades_ctx *c, int num, int sig, int ap)
{
	buf *o = c->u->out;
	pdf_update_obj_start(c->u, num, 0);
	buf_printf(o, "<</Type/Annot/Subtype/Widget/FT/Sig/F 132/T");
	pdf_write_text(o, c->field_name);
	buf_printf(o, "/V %d 0 R/P %d %d R/Rect[%.2f %.2f %.2f %.2f]", sig, c->page->ref,
		   c->d->x[c->page->ref].type == 1 ? c->d->x[c->page->ref].gen : 0, c->rect[0], c->rect[1], c->rect[2],
		   c->rect[3]);
	if (ap)
		buf_printf(o, "/AP<</N %d 0 R>>", ap);
	buf_puts(o, ">>");
	pdf_update_obj_end(c->u);
}

/* Fixes /ByteRange, hashes the covered bytes, signs, writes /Contents. */
static int seal(struct pades_ctx *c, size_t base, size_t reserve, struct err *e)
{
	buf *o = c->u->out;
	size_t a = c->contents_pos - base, b = c->contents_end - base, end = o->len - base;
	char tmp[3 * (BR_WIDTH + 1) + 1];
	snprintf(tmp, sizeof tmp, "%-*zu %-*zu %-*zu", BR_WIDTH, a, BR_WIDTH, b, BR_WIDTH, end - b);
	memcpy(o->data + c->br_pos, tmp, 3 * BR_WIDTH + 2);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char dg[32];
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, o->data + base, a);
	EVP_DigestUpdate(md, o->data + base + b, end - b);
	EVP_DigestFinal_ex(md, dg, NULL);
	EVP_MD_CTX_free(md);
	struct cms_params p = { .digest = dg, .signing_time = c->t, .with_signing_time = 0,
				.tsa_url = c->o->tsa_url, .timeout_ms = c->o->timeout_ms };
	buf cms = BUF_INIT;
	int rc = sign_cms_build(c->k, &p, &cms, e);
	if (rc == 0 && cms.len > reserve)
		rc = err_set(e, 500, "sign.pades_too_big", "Signature trop grande pour la place réservée (%zu octets).", cms.len);
	if (rc == 0) {
		static const char hex[] = "0123456789abcdef";
		char *q = o->data + c->contents_pos + 1;
		for (size_t i = 0; i < cms.len; i++) {
			q[2 * i] = hex[(unsigned char)cms.data[i] >> 4];
			q[2 * i + 1] = hex[(unsigned char)cms.data[i] & 15];
		}
	}
	buf_free(&cms);
	return rc;
}

int sign_pades(const struct sign_key *k, const void *doc, size_t len, const struct sign_opts *o, buf *out,
	       struct err *ue)
{
	struct err le = { 0 }, *e = &le;   /* the reader needs an error record to report lazy failures */
	struct pades_ctx c = { .k = k, .o = o, .t = o->signing_time ? o->signing_time : time(NULL) };
	struct pdf d;
	struct pdf_update u;
	buf signer = BUF_INIT;
	int rc = -1;
	size_t base = out->len;
	memset(&d, 0, sizeof d);
	if (sign_check_cert_time(k, c.t, e) < 0)
		goto out;
	if (pdf_open(&d, doc, len, e) < 0)
		goto out;
	c.d = &d;
	c.cat = pdf_get(&d, pdf_dict_raw(d.trailer, "Root")->ref);
	if (check_permissions(&d, c.cat, e) < 0 || pdf_load_pages(&d) < 0)
		goto out;
	if (o->name && *o->name)
		buf_puts(&signer, o->name);
	else
		sign_cert_cn(k->cert, &signer);
	c.signer = signer.data;
	if (pades_place(&c, e) < 0)   /* page, rectangle (visible or not) */
		goto out;
	struct pdf_obj *af = pdf_dict(&d, c.cat, "AcroForm");
	for (int i = 1; i < 10000; i++) {
		snprintf(c.field_name, sizeof c.field_name, "Signature%d", i);
		if (!name_used(&d, pdf_dict(&d, af, "Fields"), c.field_name, 0))
			break;
	}
	size_t reserve = contents_reserve(k);
	pdf_update_begin(&u, &d, doc, len, out);
	c.u = &u;
	int sig = pdf_update_new_num(&u), widget = pdf_update_new_num(&u), ap = 0;
	write_sig_dict(&c, sig, reserve);
	if (o->visible && pades_stamp(&c, &ap, e) < 0)
		goto out_u;
	write_widget(&c, widget, sig, ap);
	link_widget(&c, widget);
	if (le.code[0])   /* a lazy object read failed while linking */
		goto out_u;
	pdf_update_finish(&u);
	rc = seal(&c, base, reserve, e);
out_u:
	free(u.ent);
	if (rc < 0)
		out->len = base;
out:
	pdf_close(&d);
	buf_free(&signer);
	if (rc < 0 && ue)
		*ue = le;
	return rc;
}
