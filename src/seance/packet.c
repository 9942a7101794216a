/* packet: the séance's documents as one ZIP (stored, not compressed: PDFs are already compressed),
 * written to a temporary file by 64 KiB blocks straight from the store — never a whole document in
 * memory. Names: "00 Convocation - x.pdf", "03 Point 3 - titre/…". */
#include "seance/seance_db.h"
#include "seance/sd_util.h"
#include "store/store.h"
#include "core/config.h"
#include "http/http.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void clean(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '/' || *p == '\\' || *p == ':' || (unsigned char)*p < 0x20)
			*p = '_';
}

static int add(struct archive *w, const char *name, const char *sha, struct err *e)
{
	int fd = store_open(sha, e);
	if (fd < 0)
		return -1;
	struct stat st;
	fstat(fd, &st);
	struct archive_entry *en = archive_entry_new();
	archive_entry_set_pathname_utf8(en, name);
	archive_entry_set_size(en, st.st_size);
	archive_entry_set_filetype(en, AE_IFREG);
	archive_entry_set_perm(en, 0644);
	archive_entry_set_mtime(en, st.st_mtime, 0);
	int rc = archive_write_header(w, en);
	archive_entry_free(en);
	char blk[65536];
	ssize_t k;
	while (rc == ARCHIVE_OK && (k = read(fd, blk, sizeof blk)) > 0)
		if (archive_write_data(w, blk, (size_t)k) < 0)
			rc = ARCHIVE_FATAL;
	close(fd);
	if (rc != ARCHIVE_OK)
		return err_set(e, 500, "dossier.zip", "Écriture du dossier impossible : %s", archive_error_string(w));
	return 0;
}

int sd_packet_zip(db *d, int64_t tenant, int64_t seance, const char *path, struct err *e)
{
	json_t *s = sd_seance_json(d, tenant, seance, e);
	if (!s)
		return -1;
	struct archive *w = archive_write_new();
	archive_write_set_format_zip(w);
	archive_write_set_option(w, "zip", "compression", "store");
	int rc = -1;
	if (archive_write_open_filename(w, path) != ARCHIVE_OK) {
		err_set(e, 500, "dossier.zip", "Écriture du dossier impossible : %s", archive_error_string(w));
		goto out;
	}
	size_t i, k;
	json_t *doc, *pt;
	char name[1024];
	json_array_foreach(json_object_get(s, "documents"), i, doc) {
		snprintf(name, sizeof name, "00 %s - %s", sd_str(doc, "libelle"), sd_str(doc, "nom"));
		clean(name);
		if (add(w, name, sd_str(doc, "sha256"), e) < 0)
			goto out;
	}
	json_array_foreach(json_object_get(s, "points"), i, pt) {
		char dir[200];
		snprintf(dir, sizeof dir, "%02d %.150s", (int)sd_int(pt, "rang", 0), sd_str(pt, "titre"));
		clean(dir);
		json_array_foreach(json_object_get(pt, "documents"), k, doc) {
			char file[600];
			snprintf(file, sizeof file, "%s - %s", sd_str(doc, "libelle"), sd_str(doc, "nom"));
			clean(file);
			snprintf(name, sizeof name, "%s/%s", dir, file);
			if (add(w, name, sd_str(doc, "sha256"), e) < 0)
				goto out;
		}
	}
	if (archive_write_close(w) != ARCHIVE_OK) {
		err_set(e, 500, "dossier.zip", "Écriture du dossier impossible : %s", archive_error_string(w));
		goto out;
	}
	rc = 0;
out:
	archive_write_free(w);
	json_decref(s);
	return rc;
}

int sd_send_zip(struct req *r, db *d, int64_t tenant, int64_t seance)
{
	struct err e;
	char path[1200];
	snprintf(path, sizeof path, "%s/tmp/dossier-%lld-XXXXXX", cfg.data_dir, (long long)seance);
	int fd = mkstemp(path);
	if (fd < 0)
		return res_fail(r, 500, "fichier.temporaire", "Fichier temporaire impossible.");
	close(fd);
	if (sd_packet_zip(d, tenant, seance, path, &e) < 0) {
		unlink(path);
		return res_fail(r, e.status ? e.status : 500, e.code, "%s", e.msg);
	}
	res_file(r, path, "application/zip", "dossier-seance.zip");
	r->send_unlink = 1;
	return 0;
}
