/* xmldsig: XML-DSig signing core — exclusive C14N of subtrees through libxml2 (a visibility
 * callback implements same-document references and the enveloped-signature transform), reference
 * digests, SignedInfo signature through the key's raw-signature step (so two-phase signing works). */
#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <openssl/ecdsa.h>
#include <string.h>

#include "sign/xmldsig.h"

struct vis {
	xmlNodePtr root, exclude;
};

/* Node-set of the subtree at root minus the subtree at exclude. Namespace nodes arrive as xmlNs
 * (whose type field sits where xmlNode's does) with their element as parent. */
static int visible(void *ud, xmlNodePtr node, xmlNodePtr parent)
{
	struct vis *v = ud;
	xmlNodePtr n = (!node || node->type == XML_NAMESPACE_DECL) ? parent : node;
	for (; n; n = n->parent) {
		if (n == v->exclude)
			return 0;
		if (n == v->root)
			return 1;
	}
	return 0;
}

static int out_write(void *ctx, const char *p, int n)
{
	buf_add(ctx, p, (size_t)n);
	return n;
}

static int out_close(void *ctx)
{
	(void)ctx;
	return 0;
}

int xml_c14n(xmlDocPtr doc, xmlNodePtr node, xmlNodePtr exclude, int exclusive, buf *out)
{
	struct vis v = { node, exclude };
	xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(out_write, out_close, out, NULL);
	if (!ob)
		return -1;
	int rc = xmlC14NExecute(doc, visible, &v, exclusive ? XML_C14N_EXCLUSIVE_1_0 : XML_C14N_1_0, NULL, 0, ob);
	xmlOutputBufferClose(ob);
	return rc < 0 ? -1 : 0;
}

static int is(xmlNodePtr n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 &&
	       (!ns || (n->ns && n->ns->href && strcmp((const char *)n->ns->href, ns) == 0));
}

/* The node after n in document order within the subtree of root; NULL past its end. */
static xmlNodePtr walk_next(xmlNodePtr root, xmlNodePtr n)
{
	if (n->type == XML_ELEMENT_NODE && n->children)
		return n->children;
	while (n && n != root && !n->next)
		n = n->parent;
	return !n || n == root ? NULL : n->next;
}

xmlNodePtr xml_find(xmlNodePtr node, const char *ns, const char *name)
{
	for (xmlNodePtr n = node; n; n = walk_next(node, n))
		if (is(n, ns, name))
			return n;
	return NULL;
}

xmlNodePtr xml_find_id(xmlNodePtr node, const char *id)
{
	static const char *const names[] = { "Id", "ID", "id" };
	for (xmlNodePtr n = node; n; n = walk_next(node, n)) {
		/* attributes read in place: no copy per element (this walk covers whole PES files) */
		for (xmlAttrPtr a = n->type == XML_ELEMENT_NODE ? n->properties : NULL; a; a = a->next) {
			if (a->ns || (strcmp((const char *)a->name, names[0]) && strcmp((const char *)a->name, names[1]) &&
				      strcmp((const char *)a->name, names[2])))
				continue;
			xmlNodePtr t = a->children;
			int hit;
			if (t && t->type == XML_TEXT_NODE && !t->next) {
				hit = t->content && strcmp((const char *)t->content, id) == 0;
			} else {
				xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
				hit = v && strcmp((const char *)v, id) == 0;
				xmlFree(v);
			}
			if (hit)
				return n;
		}
	}
	return NULL;
}

char *xml_text(xmlNodePtr node)
{
	return node ? (char *)xmlNodeGetContent(node) : NULL;
}

void xml_escape(buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '&': buf_puts(b, "&amp;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\r': buf_puts(b, "&#13;"); break;
		default: buf_putc(b, *s);
		}
	}
}

const char *xml_sig_alg(const struct sign_key *k)
{
	return EVP_PKEY_get_base_id(X509_get0_pubkey(k->cert)) == EVP_PKEY_EC ? ALG_ECDSA_SHA256 : ALG_RSA_SHA256;
}

void xml_cert_b64(X509 *c, buf *b)
{
	buf der = BUF_INIT;
	der_i2d(&der, i2d_X509, c);
	sign_b64(b, der.data, der.len);
	buf_free(&der);
}

void xml_cert_digest_b64(X509 *c, const EVP_MD *md, buf *b)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	X509_digest(c, md, d, &n);
	sign_b64(b, d, n);
}

xmlDocPtr xml_parse(const void *p, size_t n)
{
	if (n > INT32_MAX)
		return NULL;
	return xmlReadMemory(p, (int)n, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
}

xmlNodePtr xml_append_fragment(xmlNodePtr parent, const buf *xml)
{
	xmlDocPtr frag = xml_parse(xml->data, xml->len);
	if (!frag)
		return NULL;
	xmlNodePtr copy = xmlDocCopyNode(xmlDocGetRootElement(frag), parent->doc, 1);
	xmlFreeDoc(frag);
	if (!copy)
		return NULL;
	xmlAddChild(parent, copy);
	xmlReconciliateNs(parent->doc, copy);
	return copy;
}

/* ECDSA: XML-DSig carries r‖s, OpenSSL produces and expects DER. */
static int ecdsa_der_to_raw(const buf *der, int field, buf *raw)
{
	const unsigned char *p = (const unsigned char *)der->data;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)der->len);
	if (!s)
		return -1;
	unsigned char tmp[132];
	BN_bn2binpad(ECDSA_SIG_get0_r(s), tmp, field);
	BN_bn2binpad(ECDSA_SIG_get0_s(s), tmp + field, field);
	buf_add(raw, tmp, (size_t)(2 * field));
	ECDSA_SIG_free(s);
	return 0;
}

static int ec_field_bytes(EVP_PKEY *pk) { return (EVP_PKEY_get_bits(pk) + 7) / 8; }

/* Transforms of a reference: enveloped-signature? exclusive C14N? */
static void transforms(xmlNodePtr ref, int *enveloped, int *exclusive)
{
	*enveloped = 0;
	*exclusive = 0;
	xmlNodePtr ts = xml_find(ref, NS_DS, "Transforms");
	for (xmlNodePtr t = ts ? ts->children : NULL; t; t = t->next) {
		if (!is(t, NS_DS, "Transform"))
			continue;
		xmlChar *alg = xmlGetNoNsProp(t, (const xmlChar *)"Algorithm");
		if (alg && strcmp((const char *)alg, ALG_ENVELOPED) == 0)
			*enveloped = 1;
		if (alg && strncmp((const char *)alg, ALG_EXC_C14N, strlen(ALG_EXC_C14N)) == 0)
			*exclusive = 1;
		xmlFree(alg);
	}
}

const EVP_MD *xml_digest_md(const char *alg)
{
	if (!alg)
		return NULL;
	if (!strcmp(alg, ALG_SHA256))
		return EVP_sha256();
	if (!strcmp(alg, ALG_SHA512))
		return EVP_sha512();
	if (!strcmp(alg, ALG_SHA1))
		return EVP_sha1();
	return NULL;
}

/* Digest (base64) of what a reference designates. 1 ok, 0 target missing, -1 error. */
int xml_reference_digest(xmlDocPtr doc, xmlNodePtr sig, xmlNodePtr ref, const void *ext, size_t ext_len,
			 buf *b64)
{
	xmlChar *uri = xmlGetNoNsProp(ref, (const xmlChar *)"URI");
	xmlNodePtr dm = xml_find(ref, NS_DS, "DigestMethod");
	xmlChar *alg = dm ? xmlGetNoNsProp(dm, (const xmlChar *)"Algorithm") : NULL;
	const EVP_MD *md = xml_digest_md((const char *)alg);
	xmlFree(alg);
	int rc = -1;
	buf data = BUF_INIT;
	if (!md || !uri)
		goto out;
	if (uri[0] == '#' || uri[0] == 0) {
		xmlNodePtr target = uri[0] ? xml_find_id(xmlDocGetRootElement(doc), (const char *)uri + 1) : xmlDocGetRootElement(doc);
		if (!target) {
			rc = 0;
			goto out;
		}
		int env, exc;
		transforms(ref, &env, &exc);
		if (xml_c14n(doc, target, env ? sig : NULL, exc, &data) < 0)
			goto out;
	} else {
		if (!ext) {
			rc = 0;
			goto out;
		}
		buf_add(&data, ext, ext_len);
	}
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn = 0;
	EVP_Digest(data.data ? data.data : "", data.len, d, &dn, md, NULL);
	sign_b64(b64, d, dn);
	rc = 1;
out:
	xmlFree(uri);
	buf_free(&data);
	return rc;
}

int xml_sign_finish(const struct sign_key *k, xmlDocPtr doc, xmlNodePtr sig, const void *ext, size_t ext_len,
		    struct err *e)
{
	xmlNodePtr si = xml_find(sig, NS_DS, "SignedInfo");
	xmlNodePtr sv = xml_find(sig, NS_DS, "SignatureValue");
	if (!si || !sv)
		return err_set(e, 500, "sign.xml", "Signature XML incomplète (SignedInfo).");
	for (xmlNodePtr r = si->children; r; r = r->next) {
		if (!is(r, NS_DS, "Reference"))
			continue;
		buf b64 = BUF_INIT;
		int rc = xml_reference_digest(doc, sig, r, ext, ext_len, &b64);
		if (rc <= 0) {
			buf_free(&b64);
			return err_set(e, 500, "sign.xml_reference", "Référence de signature XML introuvable.");
		}
		xmlNodeSetContent(xml_find(r, NS_DS, "DigestValue"), (const xmlChar *)b64.data);
		buf_free(&b64);
	}
	buf tbs = BUF_INIT, raw = BUF_INIT, val = BUF_INIT, b64 = BUF_INIT;
	int rc = -1;
	if (xml_c14n(doc, si, NULL, 1, &tbs) < 0) {
		err_set(e, 500, "sign.xml_c14n", "Canonicalisation XML impossible.");
		goto out;
	}
	if (sign_raw(k, tbs.data, tbs.len, &raw, e) < 0)
		goto out;
	EVP_PKEY *pub = X509_get0_pubkey(k->cert);
	if (EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC) {
		if (k->mode == KEY_CAPTURE) {   /* placeholder: keep the final length */
			buf_grow(&val, 2 * (size_t)ec_field_bytes(pub));
			memset(val.data, 0x5a, 2 * (size_t)ec_field_bytes(pub));
			val.len = 2 * (size_t)ec_field_bytes(pub);
		} else if (ecdsa_der_to_raw(&raw, ec_field_bytes(pub), &val) < 0) {
			err_set(e, 500, "sign.crypto", "Signature ECDSA illisible.");
			goto out;
		}
	} else {
		buf_add(&val, raw.data, raw.len);
	}
	sign_b64(&b64, val.data, val.len);
	xmlNodeSetContent(sv, (const xmlChar *)b64.data);
	rc = 0;
out:
	buf_free(&tbs);
	buf_free(&raw);
	buf_free(&val);
	buf_free(&b64);
	return rc;
}
