/* Document store under stress and abuse: unusable before store_init, abort leaves nothing, eight
 * threads storing overlapping content (dedup, no temp file left, names = hashes), libmagic from
 * eight threads, store_open / store_verify (bit rot), refused names, blob index, and PDF checks on
 * hand-built files: valid, garbage after %%EOF, no %%EOF, wrong startxref, wrong object offset,
 * page tree pointing nowhere. */
#include "store/store.h"
#include "core/buf.h"
#include "dbtest.h"
#include "t.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static int count_files(const char *sub)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "find %s/blobs/%s -type f 2>/dev/null | wc -l", dir, sub);
	FILE *p = popen(cmd, "r");
	int n = -1;
	if (p && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

/* Writes a one-page PDF with a correct xref, then applies a damage: 0 none, 1 garbage after %%EOF,
 * 2 no %%EOF, 3 wrong startxref, 4 wrong offset for object 3, 5 /Pages → missing object. */
static void write_pdf(const char *path, int damage)
{
	static const char *objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	};
	buf b = BUF_INIT;
	long off[4];
	buf_puts(&b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
	for (int i = 0; i < 3; i++) {
		off[i + 1] = (long)b.len;
		const char *o = objs[i];
		if (damage == 5 && i == 0)
			o = "<< /Type /Catalog /Pages 9 0 R >>";
		buf_printf(&b, "%d 0 obj\n%s\nendobj\n", i + 1, o);
	}
	long xref = (long)b.len;
	buf_puts(&b, "xref\n0 4\n0000000000 65535 f \n");
	for (int i = 1; i <= 3; i++)
		buf_printf(&b, "%010ld 00000 n \n", damage == 4 && i == 3 ? off[i] + 7 : off[i]);
	buf_printf(&b, "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%ld\n", damage == 3 ? xref - 40 : xref);
	if (damage != 2)
		buf_puts(&b, "%%EOF\n");
	if (damage == 1)
		for (int i = 0; i < 20; i++)
			buf_puts(&b, "garbage!!\n");
	FILE *f = fopen(path, "wb");
	fwrite(b.data, 1, b.len, f);
	fclose(f);
	buf_free(&b);
}

static void pdf_checks(void)
{
	static const struct { int damage, ok; const char *what; } cases[] = {
		{ 0, 1, "a hand-built one-page PDF passes" },
		{ 1, 1, "garbage after %%EOF within 1 KiB is tolerated (as readers do)" },
		{ 2, 0, "a PDF without %%EOF is refused" },
		{ 3, 0, "a wrong startxref is refused (no silent repair)" },
		{ 4, 0, "a wrong object offset is refused (no silent repair)" },
		{ 5, 0, "a page tree pointing to a missing object is refused" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char p[400];
		struct err e = { 0 };
		snprintf(p, sizeof p, "%s/d%d.pdf", dir, cases[i].damage);
		write_pdf(p, cases[i].damage);
		int rc = store_check_pdf(p, &e);
		T_OK(cases[i].ok ? rc == 0 : rc < 0 && strcmp(e.code, "document.pdf_invalide") == 0 && e.status == 400, cases[i].what);
		if (rc < 0)
			printf("#   %s\n", e.msg);
	}
}

#define NT 8
#define PER 40

static void *writer(void *arg)
{
	long t = (long)arg;
	struct err e;
	int bad = 0;
	for (int i = 0; i < PER; i++) {
		char data[64], sha[65];
		/* Even i: the same content in every thread; odd i: this thread's own. */
		int n = i % 2 ? snprintf(data, sizeof data, "propre %ld/%d", t, i) : snprintf(data, sizeof data, "commun %d", i);
		if (store_put_mem(data, (size_t)n, sha, &e) < 0 || store_verify(sha, &e) < 0)
			bad++;
	}
	return (void *)(long)bad;
}

static void *mimer(void *arg)
{
	const char **paths = arg;
	long bad = 0;
	for (int i = 0; i < 100; i++) {
		char m1[128], m2[128];
		if (store_mime(paths[0], m1, sizeof m1) < 0 || strcmp(m1, "application/pdf") != 0 ||
		    store_mime(paths[1], m2, sizeof m2) < 0 || strcmp(m2, "text/plain") != 0)
			bad++;
	}
	return (void *)bad;
}

static void concurrency(void)
{
	pthread_t th[NT];
	long bad = 0;
	for (long i = 0; i < NT; i++)
		pthread_create(&th[i], NULL, writer, (void *)i);
	for (int i = 0; i < NT; i++) {
		void *r;
		pthread_join(th[i], &r);
		bad += (long)r;
	}
	T_EQ_INT(bad, 0, "8 threads × 40 blobs stored and verified");
	T_EQ_INT(count_files("[0-9a-f][0-9a-f]"), PER / 2 + NT * PER / 2, "shared content stored once: 20 + 8 × 20 files");
	T_EQ_INT(count_files("tmp"), 0, "no temp file left behind");
	char cmd[700];
	snprintf(cmd, sizeof cmd, "cd %s/blobs && for f in [0-9a-f][0-9a-f]/*/*; do [ \"$(sha256sum < $f | cut -c1-64)\" = \"${f##*/}\" ] || exit 1; done", dir);
	T_OK(system(cmd) == 0, "every file's name is the SHA-256 of its bytes (checked with sha256sum)");

	char pdf[400], txt[400];
	snprintf(pdf, sizeof pdf, "%s/d0.pdf", dir);
	snprintf(txt, sizeof txt, "%s/t.txt", dir);
	FILE *f = fopen(txt, "w");
	fputs("Bonjour, ceci est un texte.\n", f);
	fclose(f);
	const char *paths[2] = { pdf, txt };
	for (long i = 0; i < NT; i++)
		pthread_create(&th[i], NULL, mimer, paths);
	bad = 0;
	for (int i = 0; i < NT; i++) {
		void *r;
		pthread_join(th[i], &r);
		bad += (long)r;
	}
	T_EQ_INT(bad, 0, "libmagic from 8 threads at once (one handle per thread) gives the right types");
}

static void open_verify_names(void)
{
	struct err e = { 0 };
	char sha[65], p[1200];
	store_put_mem("intègre", strlen("intègre"), sha, &e);
	int fd = store_open(sha, &e);
	char got[32] = "";
	T_OK(fd >= 0 && read(fd, got, sizeof got) == (ssize_t)strlen("intègre") && strcmp(got, "intègre") == 0, "store_open reads the bytes back");
	if (fd >= 0)
		close(fd);
	T_OK(store_verify(sha, &e) == 0, "an intact blob verifies");
	store_path(sha, p, sizeof p);
	chmod(p, 0600);
	int w = open(p, O_WRONLY);
	T_OK(w >= 0 && pwrite(w, "X", 1, 0) == 1, "one byte flipped on disk");
	if (w >= 0)
		close(w);
	T_OK(store_verify(sha, &e) < 0 && strcmp(e.code, "document.altere") == 0, "store_verify reports the alteration");
	const char *names[] = { "", "../../../../etc/passwd", "..%2f..%2fetc%2fpasswd",
				"2cb4b1431b84ec15d35ed83bb927e27e8967d75f4bcd9cc4b25c8d879ae23e1",
				"2cb4b1431b84ec15d35ed83bb927e27e8967d75f4bcd9cc4b25c8d879ae23e18a",
				"2cb4b1431b84ec15d35ed83bb927e27e8967d75f4bcd9cc4b25c8d879ae23e1/",
				"2cb4b1431b84ec15d35ed83bb927e27e8967d75f4bcd9cc4b25c8d879ae23e.." };
	int refused = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		refused += store_path(names[i], p, sizeof p) < 0 && store_open(names[i], &e) < 0 && e.status == 400 &&
			   store_verify(names[i], &e) < 0 && !store_exists(names[i]);
	T_EQ_INT(refused, 7, "empty, traversal, short, long and non-hex names never reach the file system");
	T_OK(store_open("0000000000000000000000000000000000000000000000000000000000000000", &e) < 0 && e.status == 404,
	     "an unknown blob is 404");

	store_writer *wr = store_writer_new(&e);
	store_writer_write(wr, "abandon", 7, &e);
	store_writer_abort(wr);
	T_EQ_INT(count_files("tmp"), 0, "an aborted writer leaves nothing");
}

static void index_table(void)
{
	char ddir[256], url[512];
	struct err e = { 0 };
	db *d = dbtest_open(ddir, url);
	char sha[65];
	store_put_mem("indexé", strlen("indexé"), sha, &e);
	T_OK(d && store_record(d, sha, 7, "text/plain", &e) == 0 && store_record(d, sha, 7, "text/plain", &e) == 0,
	     "a blob is indexed twice without conflict");
	int rc;
	db_stmt *s = d ? db_query(d, &e, &rc, "SELECT COUNT(*), MAX(size) FROM blobs WHERE sha256 = $1", "t", sha) : NULL;
	T_OK(s && rc == DB_ROW && db_col_int64(s, 0) == 1 && db_col_int64(s, 1) == 7, "one row in blobs");
	db_finalize(s);
	T_OK(d && store_record(d, "../x", 1, NULL, &e) < 0, "a bad name is not indexed");
}

int main(void)
{
	struct err e = { 0 };
	char sha[65];
	T_OK(store_put_mem("x", 1, sha, &e) < 0 && strcmp(e.code, "store.config") == 0, "unusable before store_init (no stray /tmp files)");
	snprintf(dir, sizeof dir, "/tmp/opale-store-XXXXXX");
	mkdtemp(dir);
	store_init(dir);
	pdf_checks();
	concurrency();
	open_verify_names();
	index_table();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return t_done();
}
