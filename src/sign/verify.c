/* verify: entry point of signature verification — recognises the document (PDF, XML with
 * enveloped signatures, any file with a detached CAdES or XAdES signature), verifies every
 * signature and writes the report as JSON (API, CLI) or as a French HTML fragment. */
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "sign/sign_priv.h"

#define MAX_SIGS 4096   /* a PES carries one signature per bordereau: 161 in a 150 MB file (docs/helios.md P7.4) */

static void json_bool(buf *b, const char *k, int v)
{
	buf_printf(b, ",\"%s\":%s", k, v ? "true" : "false");
}

static void json_str(buf *b, const char *k, const char *v)
{
	buf_printf(b, ",\"%s\":", k);
	buf_json_str(b, v ? v : "");
}

void sigv_json(buf *b, const struct sigv *v)
{
	buf_puts(b, "{\"format\":");
	buf_json_str(b, v->format);
	json_bool(b, "valid", v->valid);
	buf_puts(b, ",\"signer\":{\"subject\":");
	buf_json_str(b, v->subject);
	json_str(b, "issuer", v->issuer);
	json_str(b, "serial", v->serial);
	buf_puts(b, "}");
	if (v->signing_time[0])
		json_str(b, "signing_time", v->signing_time);
	else
		buf_puts(b, ",\"signing_time\":null");
	json_str(b, "signing_time_source", v->time_source);
	if (v->has_ts) {
		buf_printf(b, ",\"timestamp\":{\"valid\":%s", v->ts_valid ? "true" : "false");
		json_str(b, "time", v->ts_time);
		json_str(b, "tsa", v->ts_tsa);
		buf_puts(b, "}");
	} else {
		buf_puts(b, ",\"timestamp\":null");
	}
	json_str(b, "digest_algorithm", v->digest_alg);
	json_bool(b, "integrity", v->integrity);
	json_bool(b, "signing_certificate_ok", v->signing_cert_ok);
	json_bool(b, "covers_whole_document", v->whole_document);
	json_bool(b, "certificate_valid_at_signing_time", v->cert_valid_at_time);
	json_str(b, "chain", v->chain);
	buf_puts(b, v->extra);
	buf_puts(b, ",\"errors\":[");
	for (int i = 0; i < v->n_errors; i++) {
		if (i)
			buf_putc(b, ',');
		buf_json_str(b, v->errors[i]);
	}
	buf_puts(b, "]}");
}

static int looks_xml(const unsigned char *p, size_t n)
{
	size_t i = 0;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
		i++;
	return i < n && p[i] == '<';
}

/* Runs the verifiers; fills v[0..*n) and the document format. Returns -1 on unusable input. */
static int verify_all(const void *doc, size_t len, const struct sign_verify_opts *o, struct sigv *v, int *n,
		      const char **format, struct err *e)
{
	*n = 0;
	if (o->detached) {
		if (looks_xml(o->detached, o->detached_len)) {
			*format = "XAdES";
			return sign_xades_verify_detached(o->detached, o->detached_len, doc, len, o->trust, v, MAX_SIGS, n, e);
		}
		*format = "CAdES";
		v[0].format = "CAdES";
		v[0].whole_document = 1;
		sign_verify_cms(o->detached, o->detached_len, doc, len, o->trust, &v[0]);
		*n = 1;
		return 0;
	}
	if (len >= 5 && memcmp(doc, "%PDF-", 5) == 0) {
		*format = "PAdES";
		return sign_pades_verify(doc, len, o->trust, v, MAX_SIGS, n, e);
	}
	if (looks_xml(doc, len)) {
		*format = "XAdES";
		return sign_xml_verify_enveloped(doc, len, o->trust, v, MAX_SIGS, n, format, e);
	}
	*format = "inconnu";
	return 0;
}

/* verify_all with its results allocated (the caller frees them) and *all telling whether every one
 * is valid; NULL with e. */
static struct sigv *verify_each(const void *doc, size_t len, const struct sign_verify_opts *o, int *n, int *all, const char **format,
				struct err *e)
{
	struct sigv *v = xcalloc(MAX_SIGS, sizeof *v);
	*n = 0;
	*all = 1;
	*format = "";
	if (verify_all(doc, len, o, v, n, format, e) < 0) {
		free(v);
		return NULL;
	}
	for (int i = 0; i < *n; i++)
		*all = *all && v[i].valid;
	return v;
}

int sign_verify(const void *doc, size_t len, const struct sign_verify_opts *o, buf *json, struct err *e)
{
	int n, all;
	const char *format;
	struct sigv *v = verify_each(doc, len, o, &n, &all, &format, e);
	if (!v)
		return -1;
	buf_puts(json, "{\"format\":");
	buf_json_str(json, format);
	json_bool(json, "signed", n > 0);
	json_bool(json, "valid", n > 0 && all);
	buf_printf(json, ",\"count\":%d,\"signatures\":[", n);
	for (int i = 0; i < n; i++) {
		if (i)
			buf_putc(json, ',');
		sigv_json(json, &v[i]);
	}
	buf_puts(json, "]}");
	free(v);
	return n > 0 && all;
}

static void html_row(buf *b, const char *k, const char *v)
{
	buf_puts(b, "<tr><th scope=\"row\">");
	buf_html(b, k);
	buf_puts(b, "</th><td>");
	buf_html(b, v && *v ? v : "—");
	buf_puts(b, "</td></tr>\n");
}

int sign_verify_html(const void *doc, size_t len, const struct sign_verify_opts *o, buf *html, struct err *e)
{
	int n, all;
	const char *format;
	struct sigv *v = verify_each(doc, len, o, &n, &all, &format, e);
	if (!v)
		return -1;
	buf_puts(html, "<section class=\"verification\">\n<h2>Vérification des signatures</h2>\n");
	if (n == 0)
		buf_puts(html, "<p class=\"status bad\">Le document n'est pas signé.</p>\n");
	else
		buf_printf(html, "<p class=\"status %s\">%d signature(s) %s : %s.</p>\n", all ? "good" : "bad", n, format,
			   all ? "toutes valides" : "au moins une signature n'est pas valide");
	static const char *const chain_fr[][2] = { { "trusted", "reconnue (autorité de confiance)" },
						   { "untrusted", "non reconnue" },
						   { "not-checked", "non vérifiée (aucun magasin de confiance)" } };
	for (int i = 0; i < n; i++) {
		const char *chain = v[i].chain;
		for (size_t c = 0; c < 3; c++)
			if (chain && strcmp(chain, chain_fr[c][0]) == 0)
				chain = chain_fr[c][1];
		buf_printf(html, "<table>\n<caption>Signature %d : %s</caption>\n", i + 1, v[i].valid ? "valide" : "NON valide");
		html_row(html, "Signataire", v[i].subject);
		html_row(html, "Émetteur du certificat", v[i].issuer);
		html_row(html, "Numéro de série", v[i].serial);
		html_row(html, "Date de signature (déclarée)", v[i].signing_time);
		html_row(html, "Horodatage", v[i].has_ts ? (v[i].ts_valid ? v[i].ts_time : "invalide") : "aucun");
		html_row(html, "Algorithme d'empreinte", v[i].digest_alg);
		html_row(html, "Intégrité", v[i].integrity ? "intacte" : "ALTÉRÉE");
		html_row(html, "Couvre tout le document", v[i].whole_document ? "oui" : "non");
		html_row(html, "Certificat valide à la date de signature", v[i].cert_valid_at_time ? "oui" : "non");
		html_row(html, "Chaîne de certification", chain);
		for (int k = 0; k < v[i].n_errors; k++)
			html_row(html, "Anomalie", v[i].errors[k]);
		buf_puts(html, "</table>\n");
	}
	buf_puts(html, "</section>\n");
	free(v);
	return n > 0 && all;
}
