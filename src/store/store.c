/* store: content-addressed blobs. */
#include "store/store.h"
#include "core/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <magic.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char blobs[1100];

void store_init(const char *data_dir)
{
	snprintf(blobs, sizeof blobs, "%s/blobs", data_dir);
	mkdir(data_dir, 0750);
	mkdir(blobs, 0750);
	char tmp[1200];
	snprintf(tmp, sizeof tmp, "%s/tmp", blobs);
	mkdir(tmp, 0750);
}

static int is_hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return 0;
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int store_path(const char *sha, char *out, size_t n)
{
	if (!is_hex64(sha) || !blobs[0])
		return -1;
	snprintf(out, n, "%s/%.2s/%.2s/%s", blobs, sha, sha + 2, sha);
	return 0;
}

int store_exists(const char *sha)
{
	char p[1200];
	struct stat st;
	return store_path(sha, p, sizeof p) == 0 && stat(p, &st) == 0;
}

int store_open(const char *sha, struct err *e)
{
	char p[1200];
	if (store_path(sha, p, sizeof p) < 0)
		return err_set(e, 400, "document.empreinte", "Identifiant de document invalide.");
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, 404, "document.inconnu", "Document introuvable.");
	return fd;
}

static void fsync_dir(const char *path)
{
	char tmp[1200];
	snprintf(tmp, sizeof tmp, "%s", path);
	int fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Creates a fan-out directory; when it is new, its parent's entry is made durable too. */
static void make_dir(const char *dir)
{
	if (mkdir(dir, 0750) == 0)
		fsync_dir(dir);
}

static int place(const char *tmp_path, const char *sha, struct err *e)
{
	char dst[1200], dir[1200];
	if (store_path(sha, dst, sizeof dst) < 0)
		return err_set(e, 500, "store.empreinte", "Empreinte de document invalide.");
	struct stat st;
	if (stat(dst, &st) == 0) {
		unlink(tmp_path);  /* deduplicated: same bytes already stored */
		return 0;
	}
	snprintf(dir, sizeof dir, "%s/%.2s", blobs, sha);
	make_dir(dir);
	snprintf(dir, sizeof dir, "%s/%.2s/%.2s", blobs, sha, sha + 2);
	make_dir(dir);
	int fd = open(tmp_path, O_RDONLY);
	if (fd < 0)
		return err_set(e, 500, "store.ecriture", "Fichier temporaire introuvable (%s).", strerror(errno));
	int rc = fsync(fd);
	close(fd);
	if (rc < 0)
		return err_set(e, 507, "store.ecriture", "Écriture du document impossible (%s).", strerror(errno));
	if (rename(tmp_path, dst) < 0)
		return err_set(e, 507, "store.ecriture", "Enregistrement du document impossible (%s).", strerror(errno));
	fsync_dir(dst);
	return 0;
}

int store_hash_file(const char *path, char out[65], uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	unsigned char b[65536];
	ssize_t k;
	uint64_t total = 0;
	while ((k = read(fd, b, sizeof b)) > 0) {
		EVP_DigestUpdate(c, b, (size_t)k);
		total += (uint64_t)k;
	}
	close(fd);
	unsigned char md[32];
	EVP_DigestFinal_ex(c, md, NULL);
	EVP_MD_CTX_free(c);
	if (k < 0)
		return -1;
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	if (size)
		*size = total;
	return 0;
}

int store_put_file(const char *tmp_path, const char sha256[65], char *mime_out, struct err *e)
{
	if (!blobs[0])
		return err_set(e, 500, "store.config", "Magasin de documents non initialisé.");
	if (mime_out && store_mime(tmp_path, mime_out, 128) < 0)
		snprintf(mime_out, 128, "application/octet-stream");
	return place(tmp_path, sha256, e);
}

struct store_writer {
	char path[1200];
	int fd;
	EVP_MD_CTX *md;
};

store_writer *store_writer_new(struct err *e)
{
	if (!blobs[0]) {
		err_set(e, 500, "store.config", "Magasin de documents non initialisé.");
		return NULL;
	}
	store_writer *w = xcalloc(1, sizeof *w);
	snprintf(w->path, sizeof w->path, "%s/tmp/w-XXXXXX", blobs);
	w->fd = mkstemp(w->path);
	if (w->fd < 0) {
		err_set(e, 507, "store.ecriture", "Fichier temporaire impossible (%s).", strerror(errno));
		free(w);
		return NULL;
	}
	w->md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(w->md, EVP_sha256(), NULL);
	return w;
}

int store_writer_write(store_writer *w, const void *data, size_t len, struct err *e)
{
	EVP_DigestUpdate(w->md, data, len);
	const char *p = data;
	while (len) {
		ssize_t k = write(w->fd, p, len);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return err_set(e, 507, "store.ecriture", "Écriture du document impossible (%s).", strerror(errno));
		}
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

void store_writer_abort(store_writer *w)
{
	if (!w)
		return;
	close(w->fd);
	unlink(w->path);
	EVP_MD_CTX_free(w->md);
	free(w);
}

int store_writer_finish(store_writer *w, char sha_out[65], struct err *e)
{
	unsigned char md[32];
	EVP_DigestFinal_ex(w->md, md, NULL);
	for (int i = 0; i < 32; i++)
		sprintf(sha_out + 2 * i, "%02x", md[i]);
	int rc = fsync(w->fd);
	close(w->fd);
	w->fd = -1;
	if (rc == 0)
		rc = place(w->path, sha_out, e);
	else
		err_set(e, 507, "store.ecriture", "Écriture du document impossible (%s).", strerror(errno));
	if (rc < 0)
		unlink(w->path);
	EVP_MD_CTX_free(w->md);
	free(w);
	return rc;
}

int store_put_mem(const void *data, size_t len, char sha_out[65], struct err *e)
{
	store_writer *w = store_writer_new(e);
	if (!w)
		return -1;
	if (store_writer_write(w, data, len, e) < 0) {
		store_writer_abort(w);
		return -1;
	}
	return store_writer_finish(w, sha_out, e);
}

/* libmagic handles are not thread-safe: one per thread, closed at thread exit. */
static pthread_key_t magic_key;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static void magic_free(void *m) { magic_close(m); }
static void magic_key_init(void) { pthread_key_create(&magic_key, magic_free); }

int store_mime(const char *path, char *out, size_t n)
{
	pthread_once(&magic_once, magic_key_init);
	magic_t m = pthread_getspecific(magic_key);
	if (!m) {
		m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
		if (!m || magic_load(m, NULL) != 0) {
			if (m)
				magic_close(m);
			return -1;
		}
		pthread_setspecific(magic_key, m);
	}
	const char *t = magic_file(m, path);
	if (!t)
		return -1;
	snprintf(out, n, "%s", t);
	return 0;
}

/* The file ends with %%EOF (PDF 1.7 §7.5.5; readers accept it within the last 1024 bytes). */
static int has_eof_marker(FILE *f)
{
	char tail[1025];
	if (fseek(f, 0, SEEK_END) < 0)
		return 0;
	long size = ftell(f), from = size > 1024 ? size - 1024 : 0;
	if (size < 0 || fseek(f, from, SEEK_SET) < 0)
		return 0;
	size_t n = fread(tail, 1, (size_t)(size - from), f);
	for (size_t i = 0; i + 5 <= n; i++)
		if (memcmp(tail + i, "%%EOF", 5) == 0)
			return 1;
	return 0;
}

int store_check_pdf(const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char head[8] = "";
	size_t got = f ? fread(head, 1, 5, f) : 0;
	int eof = got == 5 && has_eof_marker(f);
	if (f)
		fclose(f);
	if (got < 5 || memcmp(head, "%PDF-", 5) != 0)
		return err_set(e, 400, "document.pdf_invalide", "Ce fichier n'est pas un PDF (en-tête %%PDF- absent).");
	if (!eof)
		return err_set(e, 400, "document.pdf_invalide", "PDF tronqué : la marque de fin %%%%EOF est absente.");
	qpdf_data q = qpdf_init();
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	qpdf_set_attempt_recovery(q, QPDF_FALSE);
	int rc = 0;
	if (qpdf_read(q, path, NULL) & QPDF_ERRORS) {
		qpdf_error err = qpdf_get_error(q);
		if (err && qpdf_get_error_code(q, err) == qpdf_e_password)
			rc = err_set(e, 400, "document.pdf_chiffre",
				     "PDF chiffré ou protégé par mot de passe : fournissez une version non protégée.");
		else
			rc = err_set(e, 400, "document.pdf_invalide", "PDF endommagé ou illisible : %s",
				     err ? qpdf_get_error_full_text(q, err) : "structure invalide");
	} else if (qpdf_is_encrypted(q)) {
		rc = err_set(e, 400, "document.pdf_chiffre", "PDF chiffré ou protégé par mot de passe : fournissez une version non protégée.");
	} else {
		/* Walking the page tree and each page's resources and contents resolves the objects a
		 * viewer needs first. qpdf turns an unreadable object into null plus a warning (not an
		 * error), so any warning here means damage. Content streams are not decoded (cost). */
		qpdf_oh root = qpdf_get_root(q);
		qpdf_oh pages = qpdf_oh_get_key(q, root, "/Pages");
		int npages = qpdf_oh_is_dictionary(q, pages) ? qpdf_get_num_pages(q) : -1;
		for (int i = 0; i < npages && !qpdf_has_error(q); i++) {
			qpdf_oh pg = qpdf_get_page_n(q, (size_t)i);
			if (!qpdf_oh_is_dictionary(q, pg))
				npages = -1;
			qpdf_oh_get_key(q, pg, "/Resources");
			qpdf_oh_get_key(q, pg, "/Contents");
		}
		if (qpdf_has_error(q))
			rc = err_set(e, 400, "document.pdf_invalide", "PDF endommagé : %s",
				     qpdf_get_error_full_text(q, qpdf_get_error(q)));
		else if (qpdf_more_warnings(q))
			rc = err_set(e, 400, "document.pdf_invalide", "PDF endommagé : %s",
				     qpdf_get_error_full_text(q, qpdf_next_warning(q)));
		else if (npages <= 0)
			rc = err_set(e, 400, "document.pdf_invalide", "PDF sans arbre de pages valide.");
	}
	qpdf_cleanup(&q);
	return rc;
}

int store_verify(const char *sha, struct err *e)
{
	char p[1200], got[65];
	if (store_path(sha, p, sizeof p) < 0)
		return err_set(e, 400, "document.empreinte", "Identifiant de document invalide.");
	if (store_hash_file(p, got, NULL) < 0)
		return err_set(e, 404, "document.inconnu", "Document introuvable ou illisible.");
	if (strcmp(got, sha) != 0)
		return err_set(e, 500, "document.altere", "Le document %.12s… a été altéré sur le disque (empreinte %.12s…).", sha, got);
	return 0;
}

int store_record(db *d, const char *sha, uint64_t size, const char *mime, struct err *e)
{
	if (!is_hex64(sha))
		return err_set(e, 400, "document.empreinte", "Identifiant de document invalide.");
	return db_run(d, e, "INSERT INTO blobs (sha256, size, mime, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING",
		      "titi", sha, (int64_t)size, mime ? mime : "application/octet-stream", (int64_t)time(NULL));
}
