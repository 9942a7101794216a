/* mail: libcurl SMTP client (curl_mime builds the MIME tree; we add the headers). */
#include "mail/mail.h"
#include "core/buf.h"
#include "core/config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int mail_address_valid(const char *a)
{
	if (!a)
		return 0;
	const char *at = strchr(a, '@');
	if (!at || at == a || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.'))
		return 0;
	for (const char *p = a; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == ',' || *p == ';' || *p == '"')
			return 0;
	return strlen(a) < 255;
}

/* RFC 2047 encoded-word for a UTF-8 header value (base64), split to keep lines short. */
static void encode_header(buf *b, const char *s)
{
	int ascii = 1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80 || *p < 0x20)
			ascii = 0;
	if (ascii) {
		buf_puts(b, s);
		return;
	}
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), i = 0;
	while (i < n) {
		/* 45 bytes per word, not splitting a UTF-8 sequence. */
		size_t k = n - i > 45 ? 45 : n - i;
		while (k < n - i && k > 0 && ((unsigned char)s[i + k] & 0xC0) == 0x80)
			k--;
		buf_puts(b, i ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
		for (size_t j = 0; j < k; j += 3) {
			unsigned v = (unsigned char)s[i + j] << 16;
			if (j + 1 < k)
				v |= (unsigned char)s[i + j + 1] << 8;
			if (j + 2 < k)
				v |= (unsigned char)s[i + j + 2];
			buf_putc(b, t[v >> 18 & 63]);
			buf_putc(b, t[v >> 12 & 63]);
			buf_putc(b, j + 1 < k ? t[v >> 6 & 63] : '=');
			buf_putc(b, j + 2 < k ? t[v & 63] : '=');
		}
		buf_puts(b, "?=");
		i += k;
	}
}

static const char *addr_only(const char *from, char *out, size_t n)
{
	const char *lt = strchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt) {
		snprintf(out, n, "<%.*s>", (int)(gt - lt - 1), lt + 1);
	} else {
		snprintf(out, n, "<%s>", from);
	}
	return out;
}

/* Keeps the server's last error reply line ("550 5.1.1 … User unknown"): libcurl only reports the
 * code, and the reason is what a secretary needs to read. */
static int on_debug(CURL *c, curl_infotype t, char *data, size_t n, void *u)
{
	(void)c;
	if (t == CURLINFO_HEADER_IN && n >= 3 && (data[0] == '4' || data[0] == '5')) {
		char *out = u;
		size_t k = n < 255 ? n : 255;
		memcpy(out, data, k);
		out[k] = '\0';
		out[strcspn(out, "\r\n")] = '\0';
	}
	return 0;
}

int mail_send(const struct mail *m, const char *smtp_url, struct err *e)
{
	if (!mail_address_valid(m->to))
		return err_set(e, 550, "mail.adresse", "Adresse électronique invalide : « %s ».", m->to ? m->to : "");
	const char *from = m->from ? m->from : cfg.smtp_from;
	CURL *c = curl_easy_init();
	if (!c)
		return err_set(e, 503, "mail.init", "Client SMTP indisponible.");
	char errbuf[CURL_ERROR_SIZE] = "", mfrom[300], rcpt[300];
	struct curl_slist *rcpts = NULL, *hdrs = NULL;
	snprintf(rcpt, sizeof rcpt, "<%s>", m->to);
	rcpts = curl_slist_append(rcpts, rcpt);
	buf h = BUF_INIT;
	buf_puts(&h, "Subject: ");
	encode_header(&h, m->subject ? m->subject : "");
	hdrs = curl_slist_append(hdrs, h.data);
	buf_reset(&h);
	buf_printf(&h, "From: %s", from);
	hdrs = curl_slist_append(hdrs, h.data);
	buf_reset(&h);
	buf_printf(&h, "To: <%s>", m->to);
	hdrs = curl_slist_append(hdrs, h.data);
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "Date: %a, %d %b %Y %H:%M:%S +0000", &tm);
	hdrs = curl_slist_append(hdrs, date);
	if (m->message_id) {
		buf_reset(&h);
		buf_printf(&h, "Message-ID: %s", m->message_id);
		hdrs = curl_slist_append(hdrs, h.data);
	}
	hdrs = curl_slist_append(hdrs, "MIME-Version: 1.0");
	buf_free(&h);

	curl_mime *mime = curl_mime_init(c), *alt = curl_mime_init(c);
	/* Bare LF would be quoted-printable encoded as =0A: mail text lines end in CRLF. */
	buf text = BUF_INIT, html = BUF_INIT;
	for (const char *p = m->text ? m->text : ""; *p; p++) {
		if (*p == '\n' && (p == m->text || p[-1] != '\r'))
			buf_putc(&text, '\r');
		buf_putc(&text, *p);
	}
	for (const char *p = m->html ? m->html : ""; *p; p++) {
		if (*p == '\n' && (p == m->html || p[-1] != '\r'))
			buf_putc(&html, '\r');
		buf_putc(&html, *p);
	}
	curl_mimepart *part = curl_mime_addpart(alt);
	curl_mime_data(part, text.data ? text.data : "", CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	if (m->html) {
		part = curl_mime_addpart(alt);
		curl_mime_data(part, html.data, CURL_ZERO_TERMINATED);
		curl_mime_type(part, "text/html; charset=utf-8");
		curl_mime_encoder(part, "quoted-printable");
	}
	part = curl_mime_addpart(mime);
	curl_mime_subparts(part, alt);
	curl_mime_type(part, "multipart/alternative");
	struct curl_slist *ph = curl_slist_append(NULL, "Content-Disposition: inline");
	curl_mime_headers(part, ph, 1);
	for (int i = 0; i < m->natt; i++) {
		part = curl_mime_addpart(mime);
		if (curl_mime_filedata(part, m->att[i].path) != CURLE_OK) {
			buf_free(&text);
			buf_free(&html);
			curl_mime_free(mime);
			curl_slist_free_all(rcpts);
			curl_slist_free_all(hdrs);
			curl_easy_cleanup(c);
			return err_set(e, 500, "mail.piece_jointe", "Pièce jointe illisible : %s.", m->att[i].name);
		}
		curl_mime_filename(part, m->att[i].name);
		curl_mime_type(part, m->att[i].ctype ? m->att[i].ctype : "application/octet-stream");
		curl_mime_encoder(part, "base64");
	}
	curl_easy_setopt(c, CURLOPT_URL, smtp_url ? smtp_url : cfg.smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, addr_only(from, mfrom, sizeof mfrom));
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	char reply[256] = "";
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, reply);
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	CURLcode rc = curl_easy_perform(c);
	buf_free(&text);
	buf_free(&html);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_mime_free(mime);
	curl_slist_free_all(rcpts);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	if (rc == CURLE_OK)
		return 0;
	/* 5xx replies are permanent (bad recipient, refused); connection problems and 4xx are retried. */
	int permanent = code >= 500 && code < 600;
	return err_set(e, permanent ? 550 : 503, permanent ? "mail.refus" : "mail.indisponible", "%s SMTP : %s",
		       permanent ? "Refus du serveur" : "Échec temporaire du serveur",
		       reply[0] ? reply : errbuf[0] ? errbuf : curl_easy_strerror(rc));
}
