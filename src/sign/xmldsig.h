/* xmldsig: the XML-DSig core shared by XAdES detached and PES enveloped signatures — exclusive
 * canonicalisation of a subtree (with the enveloped-signature exclusion), finishing a ds:Signature
 * (reference digests, SignedInfo, SignatureValue), and verifying one. Internal to src/sign. */
#ifndef OPALE_SIGN_XMLDSIG_H
#define OPALE_SIGN_XMLDSIG_H
#include <libxml/tree.h>

#include "sign/sign_priv.h"

#define NS_DS "http://www.w3.org/2000/09/xmldsig#"
#define NS_XADES111 "http://uri.etsi.org/01903/v1.1.1#"
#define NS_XADES132 "http://uri.etsi.org/01903/v1.3.2#"
#define ALG_EXC_C14N "http://www.w3.org/2001/10/xml-exc-c14n#"
#define ALG_C14N "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
#define ALG_ENVELOPED "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
#define ALG_SHA256 "http://www.w3.org/2001/04/xmlenc#sha256"
#define ALG_SHA512 "http://www.w3.org/2001/04/xmlenc#sha512"
#define ALG_SHA1 "http://www.w3.org/2000/09/xmldsig#sha1"
#define ALG_RSA_SHA256 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define ALG_ECDSA_SHA256 "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"

/* Canonical form (exclusive or inclusive 1.0, no comments) of the subtree at node, leaving out the
 * subtree at exclude (NULL: none). Appends to out; -1 on failure. */
int xml_c14n(xmlDocPtr doc, xmlNodePtr node, xmlNodePtr exclude, int exclusive, buf *out);
/* First descendant element (depth-first, node itself included) with this namespace and name. */
xmlNodePtr xml_find(xmlNodePtr node, const char *ns, const char *name);
/* Element whose attribute Id (or ID, id) equals id. */
xmlNodePtr xml_find_id(xmlNodePtr node, const char *id);
/* Text content of node as a new buf-backed string (caller frees with xmlFree). */
char *xml_text(xmlNodePtr node);
/* Appends s XML-escaped (text or attribute value). */
void xml_escape(buf *b, const char *s);
/* SignatureMethod URI for the key. */
const char *xml_sig_alg(const struct sign_key *k);
/* Base64 of the DER certificate; digest (SHA-256 or SHA-512) of it in base64. */
void xml_cert_b64(X509 *c, buf *b);
void xml_cert_digest_b64(X509 *c, const EVP_MD *md, buf *b);
/* Fills the DigestValue of each ds:Reference of sig whose target is in this document (the
 * enveloped target when it contains sig), external ones from ext (detached document), then signs
 * SignedInfo and writes SignatureValue. */
int xml_sign_finish(const struct sign_key *k, xmlDocPtr doc, xmlNodePtr sig, const void *ext, size_t ext_len,
		    struct err *e);
/* Digest algorithm for a DigestMethod URI (SHA-1, SHA-256, SHA-512), NULL when unknown. */
const EVP_MD *xml_digest_md(const char *alg);
/* Digest (base64) of what ds:Reference ref designates: same-document "#id" or "" (transforms
 * enveloped-signature and (exclusive) C14N honoured) or the external document ext.
 * Returns 1, 0 when the target is missing, -1 on error. */
int xml_reference_digest(xmlDocPtr doc, xmlNodePtr sig, xmlNodePtr ref, const void *ext, size_t ext_len,
			 buf *b64);
/* Parses an XML fragment (a complete element with its namespace declarations) and appends a copy
 * as the last child of parent; returns the new node or NULL. */
xmlNodePtr xml_append_fragment(xmlNodePtr parent, const buf *xml);
/* Verifies the ds:Signature at sig (references, value, XAdES properties); fills v. */
void xml_verify_signature(xmlDocPtr doc, xmlNodePtr sig, const void *ext, size_t ext_len, const char *trust,
			  struct sigv *v);
/* Safe parse of bytes (no network, no entities expansion beyond the document). */
xmlDocPtr xml_parse(const void *p, size_t n);

#endif
