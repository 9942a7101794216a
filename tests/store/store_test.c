/* Document store: content addressing, deduplication, atomic placement, refusal of non-hex names,
 * MIME detection, PDF checks (valid, truncated, encrypted, not a PDF). */
#include "store/store.h"
#include "core/buf.h"
#include "web/pdfdoc.h"
#include "t.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int count_files(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "find %s -type f | wc -l", dir);
	FILE *p = popen(cmd, "r");
	int n = -1;
	if (p && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/opale-store-XXXXXX";
	mkdtemp(dir);
	store_init(dir);
	struct err e;
	char sha[65], sha2[65], path[1200];
	T_OK(store_put_mem("bonjour", 7, sha, &e) == 0, "bytes are stored");
	T_EQ_STR(sha, "2cb4b1431b84ec15d35ed83bb927e27e8967d75f4bcd9cc4b25c8d879ae23e18", "the name is the SHA-256 of the content");
	T_OK(store_path(sha, path, sizeof path) == 0 && strstr(path, "/blobs/2c/b4/2cb4"), "fan-out directories ab/cd/");
	T_OK(store_put_mem("bonjour", 7, sha2, &e) == 0 && strcmp(sha, sha2) == 0, "the same bytes twice give the same blob");
	char blobs[300];
	snprintf(blobs, sizeof blobs, "%s/blobs", dir);
	T_EQ_INT(count_files(blobs), 1, "deduplicated: one file on disk, no temp file left");
	T_OK(store_path("../../etc/passwd", path, sizeof path) < 0, "a non-hex name never becomes a path");
	T_OK(store_path("2CB4B1431B84EC15D35ED83BB927E27E8967D75F4BCD9CC4B25C8D879AE23E18", path, sizeof path) < 0,
	     "upper-case hex is refused (one spelling per blob)");

	char pdf[400];
	snprintf(pdf, sizeof pdf, "%s/t.pdf", dir);
	pdfdoc *p = pdfdoc_new(pdf, "test", &e);
	pdfdoc_title(p, "Délibération n° 2024_12");
	pdfdoc_finish(p, &e);
	char mime[128];
	T_OK(store_mime(pdf, mime, sizeof mime) == 0 && strcmp(mime, "application/pdf") == 0, "libmagic detects a PDF");
	T_OK(store_check_pdf(pdf, &e) == 0, "a cairo PDF passes the PDF check");
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "head -c 600 %s > %s/trunc.pdf && qpdf --encrypt u o 256 -- %s %s/enc.pdf 2>/dev/null; "
				  "echo 'pas un pdf' > %s/faux.pdf", pdf, dir, pdf, dir, dir);
	T_OK(system(cmd) == 0, "test files prepared");
	snprintf(path, sizeof path, "%s/trunc.pdf", dir);
	T_OK(store_check_pdf(path, &e) < 0 && strcmp(e.code, "document.pdf_invalide") == 0, "a truncated PDF is refused");
	printf("# %s\n", e.msg);
	snprintf(path, sizeof path, "%s/enc.pdf", dir);
	T_OK(store_check_pdf(path, &e) < 0 && strcmp(e.code, "document.pdf_chiffre") == 0, "an encrypted PDF is refused");
	snprintf(path, sizeof path, "%s/faux.pdf", dir);
	T_OK(store_check_pdf(path, &e) < 0 && strstr(e.msg, "n'est pas un PDF"), "a text file named .pdf is refused");

	uint64_t size;
	T_OK(store_hash_file(pdf, sha, &size) == 0 && size > 0, "a file is hashed while read");
	char tmpcopy[400];
	snprintf(tmpcopy, sizeof tmpcopy, "%s/blobs/tmp/upload", dir);
	snprintf(cmd, sizeof cmd, "cp %s %s", pdf, tmpcopy);
	T_OK(system(cmd) == 0 && store_put_file(tmpcopy, sha, mime, &e) == 0 && store_exists(sha) && access(tmpcopy, F_OK) != 0,
	     "an upload's temp file is moved into the store");
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return t_done();
}
