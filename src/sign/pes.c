/* pes: XAdES enveloped signatures of PES V2 files (Hélios) — one ds:Signature per Bordereau (last
 * child, Reference "#<Id>"), or one on PES_Aller when there is no bordereau; exclusive C14N,
 * RSA-SHA256 (or ECDSA), XAdES properties in the v1.1.1 namespace that the PES schema imports,
 * with the DGFiP policy (EPES), production place and claimed role. */
#include <libxml/tree.h>
#include <openssl/bn.h>
#include <string.h>

#include "sign/xmldsig.h"

#define PES_POLICY_OID "urn:oid:1.2.250.1.131.1.5.18.21.1.7"
#define PES_POLICY_DESC "Politique de signature Helios de la DGFiP"
#define PES_POLICY_URI "https://www.collectivites-locales.gouv.fr/files/files/finances_locales/dematerialisation/ps_helios_dgfip.pdf"

/* RFC 2253 issuer name in UTF-8 (X509IssuerName). */
static void issuer_rfc2253(X509 *c, buf *b)
{
	BIO *m = BIO_new(BIO_s_mem());
	X509_NAME_print_ex(m, X509_get_issuer_name(c), 0, (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | ASN1_STRFLGS_UTF8_CONVERT);
	char *p;
	long n = BIO_get_mem_data(m, &p);
	buf_add(b, p, (size_t)n);
	BIO_free(m);
}

static void serial_dec(X509 *c, buf *b)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c), NULL);
	char *dec = BN_bn2dec(bn);
	buf_puts(b, dec);
	OPENSSL_free(dec);
	BN_free(bn);
}

static void el(buf *b, const char *tag, const char *text)
{
	buf_printf(b, "<%s>", tag);
	xml_escape(b, text);
	buf_printf(b, "</%s>", tag);
}

/* The ds:Signature for target id, DigestValues and SignatureValue empty (filled by xml_sign_finish). */
static void signature_xml(const struct sign_key *k, const struct sign_opts *o, const char *id, time_t t, buf *x)
{
	char sid[300], when[32];
	snprintf(sid, sizeof sid, "%s_SIG_1", id);
	sign_time_iso(t, when, sizeof when);
	buf_printf(x, "<ds:Signature xmlns:ds=\"" NS_DS "\" Id=\"");
	xml_escape(x, sid);
	buf_puts(x, "\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"" ALG_EXC_C14N "\"/>");
	buf_printf(x, "<ds:SignatureMethod Algorithm=\"%s\"/>", xml_sig_alg(k));
	buf_puts(x, "<ds:Reference URI=\"#");
	xml_escape(x, id);
	buf_puts(x, "\"><ds:Transforms><ds:Transform Algorithm=\"" ALG_ENVELOPED "\"/><ds:Transform Algorithm=\"" ALG_EXC_C14N
		    "\"/></ds:Transforms><ds:DigestMethod Algorithm=\"" ALG_SHA256 "\"/><ds:DigestValue></ds:DigestValue></ds:Reference>");
	buf_puts(x, "<ds:Reference Type=\"" NS_XADES111 "SignedProperties\" URI=\"#");
	xml_escape(x, sid);
	buf_puts(x, "_SP\"><ds:Transforms><ds:Transform Algorithm=\"" ALG_EXC_C14N "\"/></ds:Transforms><ds:DigestMethod Algorithm=\"" ALG_SHA256
		    "\"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue Id=\"");
	xml_escape(x, sid);
	buf_puts(x, "_SV\"></ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>");
	xml_cert_b64(k->cert, x);
	buf_puts(x, "</ds:X509Certificate></ds:X509Data></ds:KeyInfo><ds:Object><xad:QualifyingProperties xmlns:xad=\"" NS_XADES111
		    "\" Target=\"#");
	xml_escape(x, sid);
	buf_puts(x, "\"><xad:SignedProperties Id=\"");
	xml_escape(x, sid);
	buf_puts(x, "_SP\"><xad:SignedSignatureProperties>");
	el(x, "xad:SigningTime", when);
	buf_puts(x, "<xad:SigningCertificate><xad:Cert><xad:CertDigest><xad:DigestMethod Algorithm=\"" ALG_SHA256 "\"/><xad:DigestValue>");
	xml_cert_digest_b64(k->cert, EVP_sha256(), x);
	buf_puts(x, "</xad:DigestValue></xad:CertDigest><xad:IssuerSerial><ds:X509IssuerName>");
	buf iss = BUF_INIT, ser = BUF_INIT;
	issuer_rfc2253(k->cert, &iss);
	serial_dec(k->cert, &ser);
	xml_escape(x, iss.data);
	buf_puts(x, "</ds:X509IssuerName>");
	el(x, "ds:X509SerialNumber", ser.data);
	buf_free(&iss);
	buf_free(&ser);
	buf_puts(x, "</xad:IssuerSerial></xad:Cert></xad:SigningCertificate><xad:SignaturePolicyIdentifier><xad:SignaturePolicyId>"
		    "<xad:SigPolicyId><xad:Identifier>" PES_POLICY_OID "</xad:Identifier><xad:Description>" PES_POLICY_DESC
		    "</xad:Description></xad:SigPolicyId><xad:SigPolicyHash><xad:DigestMethod Algorithm=\"" ALG_SHA256 "\"/>");
	el(x, "xad:DigestValue", o->policy_digest);
	buf_puts(x, "</xad:SigPolicyHash><xad:SigPolicyQualifiers><xad:SigPolicyQualifier><xad:SPURI>" PES_POLICY_URI
		    "</xad:SPURI></xad:SigPolicyQualifier></xad:SigPolicyQualifiers></xad:SignaturePolicyId></xad:SignaturePolicyIdentifier>");
	buf_puts(x, "<xad:SignatureProductionPlace>");
	if (o->location && *o->location)
		el(x, "xad:City", o->location);
	if (o->postal_code && *o->postal_code)
		el(x, "xad:PostalCode", o->postal_code);
	buf_puts(x, "<xad:CountryName>France</xad:CountryName></xad:SignatureProductionPlace><xad:SignerRole><xad:ClaimedRoles>");
	el(x, "xad:ClaimedRole", o->role && *o->role ? o->role : "Ordonnateur");
	buf_puts(x, "</xad:ClaimedRoles></xad:SignerRole></xad:SignedSignatureProperties></xad:SignedProperties>"
		    "</xad:QualifyingProperties></ds:Object></ds:Signature>");
}

static int is_local(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The nodes to sign: every Bordereau of PES_DepenseAller / PES_RecetteAller, else the root. */
static int targets(xmlNodePtr root, xmlNodePtr *out, int max, struct err *e)
{
	int n = 0, k = 0;
	for (xmlNodePtr dom = root->children; dom; dom = dom->next) {
		if (!is_local(dom, "PES_DepenseAller") && !is_local(dom, "PES_RecetteAller"))
			continue;
		for (xmlNodePtr b = dom->children; b; b = b->next) {
			if (!is_local(b, "Bordereau"))
				continue;
			k++;
			xmlChar *id = xmlGetNoNsProp(b, (const xmlChar *)"Id");
			if (!id || !*id) {
				xmlFree(id);
				xmlNodePtr nb = xml_find(b, NULL, "NumBord");
				xmlChar *num = nb ? xmlGetNoNsProp(nb, (const xmlChar *)"V") : NULL;
				err_set(e, 422, "sign.pes_no_id",
					"Le bordereau n° %d du fichier (NumBord %s) n'a pas d'attribut Id : il ne peut pas être "
					"signé. Regénérez le PES avec un Id sur chaque Bordereau.", k, num ? (char *)num : "absent");
				xmlFree(num);
				return -1;
			}
			xmlFree(id);
			if (xml_find(b, NS_DS, "Signature"))
				return err_set(e, 409, "sign.pes_signed", "Le bordereau n° %d est déjà signé.", k);
			if (n == max)
				return err_set(e, 422, "sign.pes_too_many", "Trop de bordereaux (plus de %d).", max);
			out[n++] = b;
		}
	}
	if (n)
		return n;
	xmlChar *id = xmlGetNoNsProp(root, (const xmlChar *)"Id");
	int ok = id && *id;
	xmlFree(id);
	if (!ok)
		return err_set(e, 422, "sign.pes_no_id",
			       "Le PES_Aller n'a ni bordereau ni attribut Id sur sa racine : il ne peut pas être signé.");
	for (xmlNodePtr c = root->children; c; c = c->next)
		if (is_local(c, "Signature"))
			return err_set(e, 409, "sign.pes_signed", "Le PES_Aller est déjà signé.");
	out[0] = root;
	return 1;
}

int sign_pes(const struct sign_key *k, const void *doc, size_t len, const struct sign_opts *o, buf *out,
	     struct err *e)
{
	time_t t = o->signing_time ? o->signing_time : time(NULL);
	if (sign_check_cert_time(k, t, e) < 0)
		return -1;
	if (!o->policy_digest || !*o->policy_digest)
		return err_set(e, 400, "sign.pes_policy",
			       "Empreinte de la politique de signature DGFiP non configurée : indiquez --policy-file "
			       "(le document officiel) ou --policy-digest (SHA-256 en base64).");
	buf chk = BUF_INIT;
	int bad = sign_unb64(o->policy_digest, strlen(o->policy_digest), &chk) < 0 || chk.len != 32;
	buf_free(&chk);
	if (bad)
		return err_set(e, 400, "sign.pes_policy", "L'empreinte de la politique de signature doit être un SHA-256 en base64.");
	if (o->tsa_url && *o->tsa_url)
		return err_set(e, 400, "sign.pes_tsa", "L'horodatage n'est pas proposé pour les signatures PES (XAdES-EPES).");
	xmlDocPtr d = xml_parse(doc, len);
	if (!d)
		return err_set(e, 422, "sign.pes_xml", "Le fichier PES n'est pas un XML bien formé.");
	int rc = -1;
	xmlNodePtr root = xmlDocGetRootElement(d);
	if (!is_local(root, "PES_Aller")) {
		err_set(e, 422, "sign.pes_root", "Le fichier n'est pas un PES_Aller (racine « %s »).", root ? (const char *)root->name : "");
		goto out;
	}
	xmlNodePtr tg[512];
	int n = targets(root, tg, 512, e);
	if (n < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		xmlChar *id = xmlGetNoNsProp(tg[i], (const xmlChar *)"Id");
		buf x = BUF_INIT;
		signature_xml(k, o, (const char *)id, t, &x);
		xmlFree(id);
		xmlNodePtr sig = xml_append_fragment(tg[i], &x);
		buf_free(&x);
		if (!sig) {
			err_set(e, 500, "sign.xml", "Construction de la signature XML impossible.");
			goto out;
		}
		if (xml_sign_finish(k, d, sig, NULL, 0, e) < 0)
			goto out;
	}
	xmlChar *mem = NULL;
	int size = 0;
	xmlDocDumpMemoryEnc(d, &mem, &size, d->encoding ? (const char *)d->encoding : "UTF-8");
	if (!mem) {
		err_set(e, 500, "sign.xml", "Écriture du PES signé impossible.");
		goto out;
	}
	buf_add(out, mem, (size_t)size);
	xmlFree(mem);
	rc = 0;
out:
	xmlFreeDoc(d);
	return rc;
}
