/* actes_archive: the transmission archive — a flat ustar tar.gz holding the envelope, the act's
 * metadata and the renamed files, in that order, as the real archive in specs/actes/samples; built
 * only after every rule and the XSD pass, written atomically. Also the bounded reader of archives. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "actes/actes_priv.h"

int actes_targz_write(const char *path, const struct actes_member *m, size_t n, struct err *e)
{
	buf tmp = BUF_INIT;
	buf_printf(&tmp, "%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_set(e, 500, "actes.ecriture", "impossible de créer %s : %s", tmp.data, strerror(errno));
		buf_free(&tmp);
		return -1;
	}
	struct archive *w = archive_write_new();
	archive_write_add_filter_gzip(w);
	archive_write_set_filter_option(w, "gzip", "compression-level", "9");
	archive_write_set_format_ustar(w);
	int rc = archive_write_open_fd(w, fd);
	time_t now = time(NULL);
	for (size_t i = 0; rc == ARCHIVE_OK && i < n; i++) {
		struct archive_entry *en = archive_entry_new();
		archive_entry_set_pathname(en, m[i].name);
		archive_entry_set_size(en, (la_int64_t)m[i].len);
		archive_entry_set_filetype(en, AE_IFREG);
		archive_entry_set_perm(en, 0644);
		archive_entry_set_mtime(en, now, 0);
		archive_entry_set_uid(en, 0);
		archive_entry_set_gid(en, 0);
		rc = archive_write_header(w, en);
		if (rc == ARCHIVE_OK && m[i].len && archive_write_data(w, m[i].data, m[i].len) != (la_ssize_t)m[i].len)
			rc = ARCHIVE_FATAL;
		archive_entry_free(en);
	}
	if (rc == ARCHIVE_OK)
		rc = archive_write_close(w);
	if (rc != ARCHIVE_OK)
		err_set(e, 500, "actes.ecriture", "écriture de l'archive impossible : %s",
			archive_error_string(w) ? archive_error_string(w) : "erreur inconnue");
	archive_write_free(w);
	if (rc == ARCHIVE_OK && fsync(fd) < 0) {
		err_set(e, 500, "actes.ecriture", "écriture de l'archive impossible : %s", strerror(errno));
		rc = ARCHIVE_FATAL;
	}
	close(fd);
	if (rc == ARCHIVE_OK && rename(tmp.data, path) < 0) {
		err_set(e, 500, "actes.ecriture", "impossible de renommer l'archive en %s : %s", path, strerror(errno));
		rc = ARCHIVE_FATAL;
	}
	if (rc != ARCHIVE_OK)
		unlink(tmp.data);
	buf_free(&tmp);
	return rc == ARCHIVE_OK ? 0 : -1;
}

void actes_members_free(struct actes_member *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free((void *)m[i].name);
		free((void *)m[i].data);
	}
	free(m);
}

/* A member name must be a plain file name: the protocol's archives are flat. */
static int flat_name(const char *s)
{
	return s && *s && !strchr(s, '/') && !strchr(s, '\\') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* Reads every member of an opened archive (see actes_targz_read). */
static int read_members(struct archive *rd, size_t max_total, struct actes_member **out, struct err *e)
{
	size_t n = 0, cap = 0, total = 0;
	struct actes_member *m = NULL;
	struct archive_entry *en;
	int r, rc = -1;
	while ((r = archive_read_next_header(rd, &en)) == ARCHIVE_OK) {
		if (archive_filter_code(rd, 0) != ARCHIVE_FILTER_GZIP) {
			err_set(e, 422, "actes.archive", "mauvais format de l'archive (.tar.gz requis)");
			goto out;
		}
		const char *name = archive_entry_pathname(en);
		if (archive_entry_filetype(en) != AE_IFREG || !flat_name(name)) {
			err_set(e, 422, "actes.archive", "membre « %s » refusé : l'archive ne doit contenir que des fichiers, "
				"sans répertoire", name ? name : "?");
			goto out;
		}
		la_int64_t size = archive_entry_size(en);
		if (size < 0 || (size_t)size > max_total - total || n >= 10000) {
			err_set(e, 413, "actes.taille", "archive trop volumineuse une fois décompressée (plus de %zu octets)",
				max_total);
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			m = xrealloc(m, cap * sizeof *m);
		}
		char *data = xmalloc((size_t)size + 1);
		la_ssize_t got = 0, k;
		while (got < size && (k = archive_read_data(rd, data + got, (size_t)(size - got))) > 0)
			got += k;
		if (got != size) {
			free(data);
			err_set(e, 422, "actes.archive", "archive tronquée ou endommagée (membre « %s »)", name);
			goto out;
		}
		data[size] = '\0';
		m[n].name = xstrdup(name);
		m[n].data = data;
		m[n].len = (size_t)size;
		n++;
		total += (size_t)size;
	}
	if (r != ARCHIVE_EOF) {
		err_set(e, 422, "actes.archive", "mauvais format de l'archive (.tar.gz requis) : %s",
			archive_error_string(rd) ? archive_error_string(rd) : "erreur de lecture");
		goto out;
	}
	if (n > 0 && archive_filter_code(rd, 0) != ARCHIVE_FILTER_GZIP) {
		err_set(e, 422, "actes.archive", "mauvais format de l'archive (.tar.gz requis)");
		goto out;
	}
	rc = (int)n;
	*out = m;
	m = NULL;
out:
	if (rc < 0)
		actes_members_free(m, n);
	return rc;
}

static struct archive *reader(void)
{
	struct archive *rd = archive_read_new();
	archive_read_support_filter_gzip(rd);
	archive_read_support_format_tar(rd);
	return rd;
}

int actes_targz_read(const char *path, size_t max_total, struct actes_member **out, struct err *e)
{
	*out = NULL;
	struct archive *rd = reader();
	int rc;
	if (archive_read_open_filename(rd, path, 65536) != ARCHIVE_OK)
		rc = err_set(e, 422, "actes.archive", "archive illisible : %s",
			     archive_error_string(rd) ? archive_error_string(rd) : path);
	else
		rc = read_members(rd, max_total, out, e);
	archive_read_free(rd);
	return rc;
}

int actes_targz_read_memory(const void *data, size_t len, size_t max_total, struct actes_member **out,
			    struct err *e)
{
	*out = NULL;
	struct archive *rd = reader();
	int rc;
	if (archive_read_open_memory(rd, data, len) != ARCHIVE_OK)
		rc = err_set(e, 422, "actes.archive", "archive illisible : %s",
			     archive_error_string(rd) ? archive_error_string(rd) : "données invalides");
	else
		rc = read_members(rd, max_total, out, e);
	archive_read_free(rd);
	return rc;
}

static int validate_member(const struct actes_member *mb, struct actes_report *r, struct err *e)
{
	return actes_xsd_validate(mb->data, mb->len, mb->name, r, 0, e);
}

int actes_archive_build(const struct actes_acte *a, const struct actes_classification *c, const char *dir,
			buf *path_out, struct actes_report *r, struct err *e)
{
	char today[11];
	actes_today(today);
	size_t before = r->n;
	actes_acte_check(a, c, today, r);
	if (r->n > before)
		return -1;
	buf meta = BUF_INIT, env = BUF_INIT, meta_name = BUF_INIT, env_name = BUF_INIT, path = BUF_INIT;
	size_t nm = a->n_annexes + 3;
	struct actes_member *m = xcalloc(nm, sizeof *m);
	buf *names = xcalloc(a->n_annexes + 1, sizeof *names);
	int rc = -1;
	actes_meta_name(&meta_name, a);
	actes_envelope_name(&env_name, a);
	actes_build_acte_xml(&meta, a);
	const char *forms[] = { meta_name.data };
	actes_build_envelope_xml(&env, a, forms, 1);
	m[0] = (struct actes_member){ env_name.data, env.data, env.len };
	m[1] = (struct actes_member){ meta_name.data, meta.data, meta.len };
	for (size_t i = 0; i <= a->n_annexes; i++) {
		const struct actes_piece *p = i == 0 ? &a->acte : &a->annexes[i - 1];
		actes_piece_name(&names[i], a, i);
		m[i + 2] = (struct actes_member){ names[i].data, p->data, p->len };
	}
	if (validate_member(&m[0], r, e) < 0 || validate_member(&m[1], r, e) < 0)
		goto out;
	if (r->n > before)
		goto out;
	buf_printf(&path, "%s/", dir && *dir ? dir : ".");
	actes_archive_name(&path, a);
	if (actes_targz_write(path.data, m, nm, e) < 0)
		goto out;
	struct stat st;
	if (stat(path.data, &st) == 0 && (size_t)st.st_size > ACTES_ARCHIVE_MAX) {
		unlink(path.data);
		actes_report_add(r, "actes.taille", "", "la taille de l'archive est trop élevée, %lld octets (maximum %zu "
				 "octets autorisés)", (long long)st.st_size, ACTES_ARCHIVE_MAX);
		goto out;
	}
	buf_puts(path_out, path.data);
	rc = 0;
out:
	for (size_t i = 0; i <= a->n_annexes; i++)
		buf_free(&names[i]);
	free(names);
	free(m);
	buf_free(&meta);
	buf_free(&env);
	buf_free(&meta_name);
	buf_free(&env_name);
	buf_free(&path);
	return rc;
}
