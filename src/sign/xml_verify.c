/* xml_verify: verification of XML signatures — every ds:Signature of a PES (enveloped) or of a
 * detached XAdES file: reference digests, SignatureValue over the canonical SignedInfo, and the
 * XAdES properties xmlsec does not check (signing certificate digest, signing time, policy, role,
 * production place). The tests cross-check with `xmlsec1 --verify`. */
#include <libxml/parser.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <string.h>

#include "sign/xmldsig.h"

static int is(xmlNodePtr n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 &&
	       (!ns || (n->ns && n->ns->href && strcmp((const char *)n->ns->href, ns) == 0));
}

/* Any XAdES namespace (1.1.1, 1.2.2, 1.3.2). */
static xmlNodePtr find_xades(xmlNodePtr from, const char *name)
{
	xmlNodePtr n = xml_find(from, NULL, name);
	while (n && !(n->ns && n->ns->href && strncmp((const char *)n->ns->href, "http://uri.etsi.org/01903/", 26) == 0))
		n = NULL;   /* first match by name only; XAdES names do not clash with XML-DSig ones */
	return n;
}

static X509 *key_cert(xmlNodePtr sig, STACK_OF(X509) *others)
{
	X509 *first = NULL;
	xmlNodePtr ki = xml_find(sig, NS_DS, "KeyInfo");
	for (xmlNodePtr c = ki ? xml_find(ki, NS_DS, "X509Certificate") : NULL; c; c = c->next) {
		if (!is(c, NS_DS, "X509Certificate"))
			continue;
		char *t = xml_text(c);
		buf der = BUF_INIT;
		if (t && sign_unb64(t, strlen(t), &der) == 0) {
			const unsigned char *p = (const unsigned char *)der.data;
			X509 *x = d2i_X509(NULL, &p, (long)der.len);
			if (x && !first)
				first = x;
			else if (x)
				sk_X509_push(others, x);
		}
		xmlFree(t);
		buf_free(&der);
	}
	ERR_clear_error();
	return first;
}

static int check_value(xmlDocPtr doc, xmlNodePtr sig, X509 *cert)
{
	xmlNodePtr si = xml_find(sig, NS_DS, "SignedInfo"), sv = xml_find(sig, NS_DS, "SignatureValue");
	xmlNodePtr cm = si ? xml_find(si, NS_DS, "CanonicalizationMethod") : NULL;
	xmlNodePtr sm = si ? xml_find(si, NS_DS, "SignatureMethod") : NULL;
	if (!si || !sv || !cm || !sm)
		return 0;
	xmlChar *calg = xmlGetNoNsProp(cm, (const xmlChar *)"Algorithm"), *salg = xmlGetNoNsProp(sm, (const xmlChar *)"Algorithm");
	int exc = calg && strncmp((const char *)calg, ALG_EXC_C14N, strlen(ALG_EXC_C14N)) == 0;
	const EVP_MD *md = NULL;
	if (salg && strstr((const char *)salg, "sha256"))
		md = EVP_sha256();
	else if (salg && strstr((const char *)salg, "sha512"))
		md = EVP_sha512();
	else if (salg && strstr((const char *)salg, "sha1"))
		md = EVP_sha1();
	xmlFree(calg);
	xmlFree(salg);
	buf tbs = BUF_INIT, val = BUF_INIT, der = BUF_INIT;
	char *t = xml_text(sv);
	int ok = md && xml_c14n(doc, si, NULL, exc, &tbs) == 0 && t && sign_unb64(t, strlen(t), &val) == 0;
	xmlFree(t);
	EVP_PKEY *pub = X509_get0_pubkey(cert);
	ok = ok && pub;   /* a certificate whose key cannot be read verifies nothing */
	if (ok && EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC) {   /* r‖s → DER */
		ECDSA_SIG *s = ECDSA_SIG_new();
		size_t h = val.len / 2;
		ECDSA_SIG_set0(s, BN_bin2bn((unsigned char *)val.data, (int)h, NULL), BN_bin2bn((unsigned char *)val.data + h, (int)h, NULL));
		der_i2d(&der, i2d_ECDSA_SIG, s);
		ECDSA_SIG_free(s);
	} else {
		buf_add(&der, val.data, val.len);
	}
	if (ok) {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		ok = EVP_DigestVerifyInit(ctx, NULL, md, NULL, pub) == 1 &&
		     EVP_DigestVerify(ctx, (unsigned char *)der.data, der.len, (unsigned char *)tbs.data, tbs.len) == 1;
		EVP_MD_CTX_free(ctx);
	}
	ERR_clear_error();
	buf_free(&tbs);
	buf_free(&val);
	buf_free(&der);
	return ok;
}

/* SigningCertificate(V2)/Cert/CertDigest against the certificate. */
static int cert_digest_ok(xmlNodePtr sp, X509 *cert)
{
	xmlNodePtr sc = find_xades(sp, "SigningCertificateV2");
	if (!sc)
		sc = find_xades(sp, "SigningCertificate");
	xmlNodePtr cd = sc ? find_xades(sc, "CertDigest") : NULL;
	if (!cd)
		return 0;
	xmlNodePtr dm = xml_find(cd, NULL, "DigestMethod"), dv = xml_find(cd, NULL, "DigestValue");
	xmlChar *alg = dm ? xmlGetNoNsProp(dm, (const xmlChar *)"Algorithm") : NULL;
	const EVP_MD *md = xml_digest_md((const char *)alg);
	xmlFree(alg);
	char *want = xml_text(dv);
	buf have = BUF_INIT;
	if (md)
		xml_cert_digest_b64(cert, md, &have);
	int ok = md && want && have.data && strcmp(want, have.data) == 0;
	xmlFree(want);
	buf_free(&have);
	return ok;
}

static void extra_text(buf *b, xmlNodePtr from, const char *name, const char *key)
{
	xmlNodePtr n = find_xades(from, name);
	char *t = xml_text(n);
	if (t) {
		buf_printf(b, ",\"%s\":", key);
		buf_json_str(b, t);
	}
	xmlFree(t);
}

static time_t xs_datetime(const char *s)
{
	struct tm tm = { 0 };
	const char *rest = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (!rest)
		return 0;
	time_t t = timegm(&tm);
	while (*rest == '.' || (*rest >= '0' && *rest <= '9'))
		rest++;
	int hh = 0, mm = 0;
	if ((*rest == '+' || *rest == '-') && sscanf(rest + 1, "%d:%d", &hh, &mm) >= 1)
		t += (*rest == '+' ? -1 : 1) * (hh * 3600 + mm * 60);
	return t;
}

/* B-T: SignatureTimeStamp/EncapsulatedTimeStamp over the canonical ds:SignatureValue. */
static void check_timestamp(xmlDocPtr doc, xmlNodePtr sig, const char *trust, struct sigv *v)
{
	xmlNodePtr et = find_xades(sig, "EncapsulatedTimeStamp");
	if (!et)
		return;
	char *t = xml_text(et);
	buf der = BUF_INIT, c = BUF_INIT;
	if (!t || sign_unb64(t, strlen(t), &der) < 0 || xml_c14n(doc, xml_find(sig, NS_DS, "SignatureValue"), NULL, 1, &c) < 0) {
		v->has_ts = 1;
		sigv_error(v, "Jeton d'horodatage illisible.");
	} else {
		sign_verify_ts_token(der.data, der.len, c.data, c.len, trust, v);
	}
	xmlFree(t);
	buf_free(&der);
	buf_free(&c);
}

/* The XAdES properties; returns the time that decides certificate validity (0 = none). */
static time_t check_xades(xmlNodePtr sig, X509 *cert, struct sigv *v, buf *extra)
{
	xmlNodePtr sp = find_xades(sig, "SignedProperties");
	if (!sp) {
		sigv_error(v, "Propriétés XAdES (SignedProperties) absentes.");
		return 0;
	}
	/* the properties count only when a Reference of SignedInfo covers them */
	xmlChar *id = xmlGetNoNsProp(sp, (const xmlChar *)"Id");
	int covered = 0;
	xmlNodePtr si = xml_find(sig, NS_DS, "SignedInfo");
	for (xmlNodePtr r = si ? si->children : NULL; r && id; r = r->next) {
		xmlChar *uri = is(r, NS_DS, "Reference") ? xmlGetNoNsProp(r, (const xmlChar *)"URI") : NULL;
		covered |= uri && uri[0] == '#' && strcmp((const char *)uri + 1, (const char *)id) == 0;
		xmlFree(uri);
	}
	xmlFree(id);
	v->signing_cert_ok = covered && cert_digest_ok(sp, cert);
	if (!covered)
		sigv_error(v, "Les propriétés XAdES ne sont pas couvertes par la signature.");
	else if (!v->signing_cert_ok)
		sigv_error(v, "SigningCertificate ne désigne pas le certificat du signataire.");
	char *st = xml_text(find_xades(sp, "SigningTime"));
	time_t t = xs_datetime(st);
	if (t) {
		sign_time_iso(t, v->signing_time, sizeof v->signing_time);
		v->time_source = "xades";
	}
	xmlFree(st);
	extra_text(extra, sp, "Identifier", "policy");
	xmlNodePtr ph = find_xades(sp, "SigPolicyHash");
	if (ph)
		extra_text(extra, ph, "DigestValue", "policy_digest");
	extra_text(extra, sp, "ClaimedRole", "claimed_role");
	extra_text(extra, sp, "City", "city");
	extra_text(extra, sp, "PostalCode", "postal_code");
	return t;
}

void xml_verify_signature(xmlDocPtr doc, xmlNodePtr sig, const void *ext, size_t ext_len, const char *trust,
			  struct sigv *v)
{
	buf extra = BUF_INIT;
	v->time_source = "none";
	v->chain = "not-checked";
	v->digest_alg = "";
	STACK_OF(X509) *others = sk_X509_new_null();
	X509 *cert = key_cert(sig, others);
	if (!cert) {
		sigv_error(v, "Certificat du signataire absent de la signature (KeyInfo).");
		goto out;
	}
	buf b = BUF_INIT;
	sign_name_str(X509_get_subject_name(cert), &b);
	snprintf(v->subject, sizeof v->subject, "%s", b.data ? b.data : "");
	buf_reset(&b);
	sign_name_str(X509_get_issuer_name(cert), &b);
	snprintf(v->issuer, sizeof v->issuer, "%s", b.data ? b.data : "");
	buf_free(&b);
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char *hex = BN_bn2hex(bn);
	snprintf(v->serial, sizeof v->serial, "%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	int refs_ok = 1, nrefs = 0;
	xmlNodePtr si = xml_find(sig, NS_DS, "SignedInfo");
	for (xmlNodePtr r = si ? si->children : NULL; r; r = r->next) {
		if (!is(r, NS_DS, "Reference"))
			continue;
		nrefs++;
		xmlChar *uri = xmlGetNoNsProp(r, (const xmlChar *)"URI");
		xmlNodePtr dm = xml_find(r, NS_DS, "DigestMethod");
		xmlChar *alg = dm ? xmlGetNoNsProp(dm, (const xmlChar *)"Algorithm") : NULL;
		if (nrefs == 1)
			v->digest_alg = alg && strstr((const char *)alg, "sha512") ? "SHA512" : alg && strstr((const char *)alg, "sha1") ? "SHA1" : "SHA256";
		xmlFree(alg);
		buf have = BUF_INIT;
		char *want = xml_text(xml_find(r, NS_DS, "DigestValue"));
		int rc = xml_reference_digest(doc, sig, r, ext, ext_len, &have);
		if (rc == 0)
			sigv_error(v, "Référence « %s » introuvable%s.", uri ? (char *)uri : "", ext || (uri && uri[0] == '#') ? "" : " (document signé absent)");
		else if (rc < 0 || !want || strcmp(want, have.data ? have.data : "") != 0)
			sigv_error(v, "Référence « %s » : empreinte différente, le contenu signé a été modifié.", uri ? (char *)uri : "");
		refs_ok = refs_ok && rc == 1 && want && strcmp(want, have.data ? have.data : "") == 0;
		if (nrefs == 1 && uri && uri[0] == '#') {
			xmlNodePtr target = xml_find_id(xmlDocGetRootElement(doc), (const char *)uri + 1);
			buf_puts(&extra, ",\"signed_element\":");
			buf_json_str(&extra, target ? (const char *)target->name : "");
			buf_puts(&extra, ",\"signed_id\":");
			buf_json_str(&extra, (const char *)uri + 1);
			v->whole_document = target == xmlDocGetRootElement(doc);
		} else if (nrefs == 1) {
			v->whole_document = 1;
		}
		xmlFree(want);
		xmlFree(uri);
		buf_free(&have);
	}
	int value_ok = check_value(doc, sig, cert);
	if (!value_ok)
		sigv_error(v, "La valeur de signature ne correspond pas à SignedInfo.");
	v->integrity = nrefs > 0 && refs_ok && value_ok;
	check_timestamp(doc, sig, trust, v);
	time_t t = check_xades(sig, cert, v, &extra);
	if (v->has_ts && v->ts_valid) {   /* a valid time-stamp decides the time of the certificate check */
		struct tm tm = { 0 };
		if (strptime(v->ts_time, "%Y-%m-%dT%H:%M:%SZ", &tm))
			t = timegm(&tm);
	}
	if (!t)
		t = time(NULL);
	v->cert_valid_at_time = X509_cmp_time(X509_get0_notBefore(cert), &t) <= 0 && X509_cmp_time(X509_get0_notAfter(cert), &t) >= 0;
	if (!v->cert_valid_at_time)
		sigv_error(v, "Le certificat du signataire n'était pas valide à la date de signature.");
	v->chain = sign_chain_status(cert, others, trust, t);
	if (!strcmp(v->chain, "untrusted"))
		sigv_error(v, "La chaîne de certification n'aboutit pas à une autorité de confiance.");
out:
	snprintf(v->extra, sizeof v->extra, "%s", extra.data ? extra.data : "");
	buf_free(&extra);
	X509_free(cert);
	sk_X509_pop_free(others, X509_free);
	v->valid = v->integrity && v->signing_cert_ok && v->cert_valid_at_time && strcmp(v->chain, "untrusted") != 0 &&
		   (!v->has_ts || v->ts_valid);
}

/* Every ds:Signature under node (not nested inside another one's Object). */
static void each_signature(xmlDocPtr doc, xmlNodePtr node, const void *ext, size_t ext_len, const char *trust,
			   const char *format, struct sigv *v, int max, int *n)
{
	for (xmlNodePtr c = node; c && *n < max; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is(c, NS_DS, "Signature")) {
			v[*n].format = format;
			xml_verify_signature(doc, c, ext, ext_len, trust, &v[*n]);
			(*n)++;
			continue;
		}
		each_signature(doc, c->children, ext, ext_len, trust, format, v, max, n);
	}
}

int sign_xml_verify_enveloped(const void *doc, size_t len, const char *trust, struct sigv *v, int max, int *n,
			      const char **format, struct err *e)
{
	xmlDocPtr d = xml_parse(doc, len);
	*n = 0;
	if (!d)
		return err_set(e, 422, "sign.xml", "Le fichier XML n'est pas bien formé.");
	xmlNodePtr root = xmlDocGetRootElement(d);
	*format = root && strcmp((const char *)root->name, "PES_Aller") == 0 ? "PES" : "XAdES";
	each_signature(d, root, NULL, 0, trust, *format, v, max, n);
	xmlFreeDoc(d);
	return 0;
}

int sign_xades_verify_detached(const void *sig, size_t slen, const void *doc, size_t len, const char *trust,
			       struct sigv *v, int max, int *n, struct err *e)
{
	xmlDocPtr d = xml_parse(sig, slen);
	*n = 0;
	if (!d)
		return err_set(e, 422, "sign.xml", "La signature XAdES n'est pas un XML bien formé.");
	each_signature(d, xmlDocGetRootElement(d), doc, len, trust, "XAdES", v, max, n);
	xmlFreeDoc(d);
	return 0;
}
