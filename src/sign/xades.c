/* xades: XAdES detached signatures (EN 319 132-1 baseline, namespace 1.3.2) of any file — a
 * Reference to the file by name (SHA-256 of its bytes), SigningTime, SigningCertificateV2 (SHA-512
 * + IssuerSerialV2), SignatureProductionPlaceV2, SignerRoleV2, DataObjectFormat; B-T adds a
 * SignatureTimeStamp over the canonical SignatureValue. */
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "sign/xmldsig.h"

#define SP_TYPE "http://uri.etsi.org/01903#SignedProperties"

static void el(buf *b, const char *tag, const char *text)
{
	buf_printf(b, "<%s>", tag);
	xml_escape(b, text);
	buf_printf(b, "</%s>", tag);
}

/* base64 DER of IssuerSerial ::= SEQUENCE { GeneralNames { [4] Name }, CertificateSerialNumber } */
static void issuer_serial_v2(X509 *c, buf *b)
{
	buf der = BUF_INIT;
	size_t m = der_begin(&der, 0x30);
	size_t g = der_begin(&der, 0x30);
	size_t dn = der_begin(&der, 0xa4);
	der_i2d(&der, i2d_X509_NAME, X509_get_issuer_name(c));
	der_end(&der, dn);
	der_end(&der, g);
	der_i2d(&der, i2d_ASN1_INTEGER, X509_get0_serialNumber(c));
	der_end(&der, m);
	sign_b64(b, der.data, der.len);
	buf_free(&der);
}

static void properties(const struct sign_key *k, const struct sign_opts *o, const char *sid, time_t t, buf *x)
{
	char when[32];
	sign_time_iso(t, when, sizeof when);
	buf_printf(x, "<ds:Object><xades:QualifyingProperties xmlns:xades=\"" NS_XADES132 "\" Target=\"#%s\">"
		      "<xades:SignedProperties Id=\"%s-SP\"><xades:SignedSignatureProperties>", sid, sid);
	el(x, "xades:SigningTime", when);
	buf_puts(x, "<xades:SigningCertificateV2><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm=\"" ALG_SHA512
		    "\"/><ds:DigestValue>");
	xml_cert_digest_b64(k->cert, EVP_sha512(), x);
	buf_puts(x, "</ds:DigestValue></xades:CertDigest><xades:IssuerSerialV2>");
	issuer_serial_v2(k->cert, x);
	buf_puts(x, "</xades:IssuerSerialV2></xades:Cert></xades:SigningCertificateV2>");
	if ((o->location && *o->location) || (o->postal_code && *o->postal_code)) {
		buf_puts(x, "<xades:SignatureProductionPlaceV2>");
		if (o->location && *o->location)
			el(x, "xades:City", o->location);
		if (o->postal_code && *o->postal_code)
			el(x, "xades:PostalCode", o->postal_code);
		buf_puts(x, "<xades:CountryName>France</xades:CountryName></xades:SignatureProductionPlaceV2>");
	}
	if (o->role && *o->role) {
		buf_puts(x, "<xades:SignerRoleV2><xades:ClaimedRoles>");
		el(x, "xades:ClaimedRole", o->role);
		buf_puts(x, "</xades:ClaimedRoles></xades:SignerRoleV2>");
	}
	buf_printf(x, "</xades:SignedSignatureProperties><xades:SignedDataObjectProperties><xades:DataObjectFormat "
		      "ObjectReference=\"#%s-ref0\">", sid);
	el(x, "xades:MimeType", o->mime_type && *o->mime_type ? o->mime_type : "application/octet-stream");
	buf_puts(x, "</xades:DataObjectFormat></xades:SignedDataObjectProperties></xades:SignedProperties>"
		    "</xades:QualifyingProperties></ds:Object>");
}

static void signature_xml(const struct sign_key *k, const struct sign_opts *o, const char *sid, time_t t, buf *x)
{
	const char *name = o->file_name && *o->file_name ? o->file_name : "document";
	xmlChar *uri = xmlURIEscapeStr((const xmlChar *)name, (const xmlChar *)"");
	buf_printf(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ds:Signature xmlns:ds=\"" NS_DS "\" Id=\"%s\">"
		      "<ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"" ALG_EXC_C14N "\"/>"
		      "<ds:SignatureMethod Algorithm=\"%s\"/><ds:Reference Id=\"%s-ref0\" URI=\"", sid, xml_sig_alg(k), sid);
	xml_escape(x, (const char *)uri);
	xmlFree(uri);
	buf_printf(x, "\"><ds:DigestMethod Algorithm=\"" ALG_SHA256 "\"/><ds:DigestValue></ds:DigestValue></ds:Reference>"
		      "<ds:Reference Type=\"" SP_TYPE "\" URI=\"#%s-SP\"><ds:Transforms><ds:Transform Algorithm=\"" ALG_EXC_C14N
		      "\"/></ds:Transforms><ds:DigestMethod Algorithm=\"" ALG_SHA256 "\"/><ds:DigestValue></ds:DigestValue>"
		      "</ds:Reference></ds:SignedInfo><ds:SignatureValue Id=\"%s-SV\"></ds:SignatureValue><ds:KeyInfo>"
		      "<ds:X509Data><ds:X509Certificate>", sid, sid);
	xml_cert_b64(k->cert, x);
	buf_puts(x, "</ds:X509Certificate>");
	for (int i = 0; i < sk_X509_num(k->chain); i++) {
		buf_puts(x, "<ds:X509Certificate>");
		xml_cert_b64(sk_X509_value(k->chain, i), x);
		buf_puts(x, "</ds:X509Certificate>");
	}
	buf_puts(x, "</ds:X509Data></ds:KeyInfo>");
	properties(k, o, sid, t, x);
	buf_puts(x, "</ds:Signature>\n");
}

/* B-T: SignatureTimeStamp over the exclusive-canonical ds:SignatureValue element. */
static int add_timestamp(xmlDocPtr d, xmlNodePtr sig, const struct sign_opts *o, struct err *e)
{
	buf c = BUF_INIT, tok = BUF_INIT, x = BUF_INIT;
	int rc = -1;
	if (xml_c14n(d, xml_find(sig, NS_DS, "SignatureValue"), NULL, 1, &c) < 0) {
		err_set(e, 500, "sign.xml_c14n", "Canonicalisation XML impossible.");
		goto out;
	}
	if (sign_tsa_stamp(o->tsa_url, c.data, c.len, o->timeout_ms, &tok, e) < 0)
		goto out;
	buf_puts(&x, "<xades:UnsignedProperties xmlns:xades=\"" NS_XADES132 "\" xmlns:ds=\"" NS_DS "\">"
		     "<xades:UnsignedSignatureProperties><xades:SignatureTimeStamp><ds:CanonicalizationMethod Algorithm=\""
		     ALG_EXC_C14N "\"/><xades:EncapsulatedTimeStamp>");
	sign_b64(&x, tok.data, tok.len);
	buf_puts(&x, "</xades:EncapsulatedTimeStamp></xades:SignatureTimeStamp></xades:UnsignedSignatureProperties>"
		     "</xades:UnsignedProperties>");
	xmlNodePtr qp = xml_find(sig, NS_XADES132, "QualifyingProperties");
	if (!qp || !xml_append_fragment(qp, &x)) {
		err_set(e, 500, "sign.xml", "Ajout de l'horodatage impossible.");
		goto out;
	}
	rc = 0;
out:
	buf_free(&c);
	buf_free(&tok);
	buf_free(&x);
	return rc;
}

int sign_xades(const struct sign_key *k, const void *doc, size_t len, const struct sign_opts *o, buf *out,
	       struct err *e)
{
	time_t t = o->signing_time ? o->signing_time : time(NULL);
	if (sign_check_cert_time(k, t, e) < 0)
		return -1;
	/* an Id derived from the document and the time: the same inputs give the same bytes (two-phase) */
	unsigned char d[32];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, doc, len);
	EVP_DigestUpdate(md, &t, sizeof t);
	EVP_DigestFinal_ex(md, d, NULL);
	EVP_MD_CTX_free(md);
	char sid[24];
	snprintf(sid, sizeof sid, "S-%02x%02x%02x%02x%02x%02x%02x%02x", d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
	buf x = BUF_INIT;
	signature_xml(k, o, sid, t, &x);
	xmlDocPtr xd = xml_parse(x.data, x.len);
	buf_free(&x);
	if (!xd)
		return err_set(e, 500, "sign.xml", "Construction de la signature XAdES impossible.");
	int rc = -1;
	xmlNodePtr sig = xmlDocGetRootElement(xd);
	if (xml_sign_finish(k, xd, sig, doc, len, e) < 0)
		goto out;
	if (o->tsa_url && *o->tsa_url && k->mode != KEY_CAPTURE && add_timestamp(xd, sig, o, e) < 0)
		goto out;
	xmlChar *mem = NULL;
	int size = 0;
	xmlDocDumpMemoryEnc(xd, &mem, &size, "UTF-8");
	buf_add(out, mem, (size_t)size);
	xmlFree(mem);
	rc = 0;
out:
	xmlFreeDoc(xd);
	return rc;
}
