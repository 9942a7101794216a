/* SMTP sending against the real test SMTP server (aiosmtpd): accepted message with accents and an
 * attachment lands in the Maildir; a refused recipient gives a permanent error with the reason;
 * a server that is down gives a transient error. */
#include "core/buf.h"
#include "mail/mail.h"
#include "t.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

static int count_mail(const char *dir, const char *needle)
{
	char path[512];
	snprintf(path, sizeof path, "%s/new", dir);
	DIR *d = opendir(path);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char f[1024];
		snprintf(f, sizeof f, "%s/%s", path, de->d_name);
		buf b = BUF_INIT;
		if (buf_read_file(&b, f, 0) == 0 && (!needle || strstr(b.data, needle)))
			n++;
		buf_free(&b);
	}
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	const char *smtp = getenv("OPALE_TEST_SMTP"), *maildir = getenv("OPALE_TEST_MAILDIR");
	if (!smtp || !maildir) {
		printf("not ok - the test SMTP server is running (OPALE_TEST_SMTP unset)\n");
		return 1;
	}
	char url[128];
	snprintf(url, sizeof url, "smtp://%s", smtp);
	char att[] = "/tmp/opale-mail-XXXXXX";
	int fd = mkstemp(att);
	if (write(fd, "%PDF-1.4\n%%EOF\n", 15) != 15)
		return 1;
	close(fd);
	struct mail_attachment a = { att, "convocation séance.pdf", "application/pdf" };
	struct mail m = { .from = "Opale <opale@ccpo.invalid>", .to = "elu@ccpo.example", .subject = "Convocation du conseil — séance du 18 mars",
			  .text = "Madame, Monsieur,\nVous êtes convoqué(e) à la séance.\n", .html = "<p>Vous êtes convoqué(e).</p>",
			  .att = &a, .natt = 1, .message_id = "<t1@opale.test>" };
	struct err e;
	int before = count_mail(maildir, NULL);
	T_OK(mail_send(&m, url, &e) == 0, "a message with accents, HTML and an attachment is accepted");
	T_EQ_INT(count_mail(maildir, NULL), before + 1, "it lands in the test Maildir");
	T_OK(count_mail(maildir, "=?UTF-8?B?") > 0, "the subject is RFC 2047 encoded");
	T_OK(count_mail(maildir, "<t1@opale.test>") > 0, "the Message-ID is kept");

	m.to = "absent@refuse.invalid";
	T_OK(mail_send(&m, url, &e) < 0 && e.status == 550, "a refused recipient is a permanent failure");
	T_OK(strstr(e.msg, "550") != NULL, "the SMTP reply code is in the reason");
	printf("# %s\n", e.msg);

	m.to = "pas une adresse";
	T_OK(mail_send(&m, url, &e) < 0 && strcmp(e.code, "mail.adresse") == 0, "a malformed address is refused before sending");

	m.to = "elu@ccpo.example";
	T_OK(mail_send(&m, "smtp://127.0.0.1:1", &e) < 0 && e.status == 503, "a server that is down is a transient failure");
	unlink(att);
	return t_done();
}
