/* backup: `opale backup --data DIR [--db URL] --out FILE` — one tar.gz holding a consistent snapshot
 * of the database and every document, taken while the server runs.
 *
 * Consistency: the database snapshot is taken first (SQLite online backup API in one step, i.e. one
 * read transaction; PostgreSQL: a REPEATABLE READ transaction exports its snapshot and pg_dump
 * --snapshot dumps exactly that state, while the same transaction counts the rows and lists the
 * referenced documents). Blobs are immutable and written to the store before the row that names
 * them commits, so every document the snapshot references is already on disk when the blob walk
 * starts; blobs added meanwhile are extra and harmless. Each blob is re-hashed as it is archived.
 *
 * Archive layout: opale-backup.json (manifest: engine, schema, row count of every table, number of
 * referenced documents), then opale.db or opale.pgdump, then blobs/ab/cd/<sha256>. */
#include "ops/ops.h"
#include "core/buf.h"
#include "core/cli.h"
#include "core/config.h"
#include "core/mem.h"
#include "core/version.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int is_hex2(const char *s) { return strlen(s) == 2 && strspn(s, "0123456789abcdef") == 2; }

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* SQLite: copies the live database with the online backup API. One sqlite3_backup_step(-1) copies
 * every page inside one read transaction: writers go on (WAL) and the copy is one committed state. */
static int sqlite_snapshot(const char *src_path, const char *dst_path, struct err *e)
{
	sqlite3 *src = NULL, *dst = NULL;
	int rc = sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_open_v2(dst_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		err_set(e, 500, "sauvegarde.sqlite", "Ouverture de la base impossible : %s.",
			dst ? sqlite3_errmsg(dst) : src ? sqlite3_errmsg(src) : "mémoire");
		sqlite3_close(src);
		sqlite3_close(dst);
		return -1;
	}
	sqlite3_busy_timeout(src, 15000);
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		err_set(e, 500, "sauvegarde.sqlite", "Copie de la base impossible : %s.", sqlite3_errmsg(dst));
		sqlite3_close(src);
		sqlite3_close(dst);
		return -1;
	}
	for (int tries = 0; tries < 3000; tries++) {
		rc = sqlite3_backup_step(b, -1);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		usleep(5000);
	}
	int fin = sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE || fin != SQLITE_OK) {
		err_set(e, 500, "sauvegarde.sqlite", "Copie de la base interrompue : %s.", sqlite3_errstr(rc != SQLITE_DONE ? rc : fin));
		sqlite3_close(src);
		sqlite3_close(dst);
		return -1;
	}
	sqlite3_close(src);
	rc = sqlite3_close(dst);
	return rc == SQLITE_OK ? 0 : err_set(e, 500, "sauvegarde.sqlite", "Fermeture de la copie impossible.");
}

struct writer {
	struct archive *a;
	uint64_t bytes;
	char *buf;
};

static int add_entry_hdr(struct writer *w, const char *name, int64_t size, time_t mtime, struct err *e)
{
	struct archive_entry *en = archive_entry_new();
	archive_entry_set_pathname(en, name);
	archive_entry_set_size(en, size);
	archive_entry_set_filetype(en, AE_IFREG);
	archive_entry_set_perm(en, 0640);
	archive_entry_set_mtime(en, mtime, 0);
	int rc = archive_write_header(w->a, en);
	archive_entry_free(en);
	if (rc != ARCHIVE_OK)
		return err_set(e, 500, "sauvegarde.archive", "Écriture de l'archive impossible (%s) : %s.", name,
			       archive_error_string(w->a));
	return 0;
}

static int add_mem(struct writer *w, const char *name, const void *data, size_t len, struct err *e)
{
	if (add_entry_hdr(w, name, (int64_t)len, time(NULL), e) < 0)
		return -1;
	if (archive_write_data(w->a, data, len) != (la_ssize_t)len)
		return err_set(e, 500, "sauvegarde.archive", "Écriture de l'archive impossible : %s.", archive_error_string(w->a));
	w->bytes += len;
	return 0;
}

/* Adds a file; when sha is given, hashes it on the way: 1 when the bytes do not match the name. */
static int add_file(struct writer *w, const char *name, const char *path, const char *sha, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return err_set(e, 500, "sauvegarde.lecture", "Lecture de %s impossible : %s.", path, strerror(errno));
	}
	if (add_entry_hdr(w, name, st.st_size, st.st_mtime, e) < 0) {
		close(fd);
		return -1;
	}
	EVP_MD_CTX *md = sha ? EVP_MD_CTX_new() : NULL;
	if (md)
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	int64_t left = st.st_size;
	while (left > 0) {
		ssize_t r = read(fd, w->buf, left < 1 << 20 ? (size_t)left : 1 << 20);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			EVP_MD_CTX_free(md);
			return err_set(e, 500, "sauvegarde.lecture", "Lecture de %s interrompue.", path);
		}
		if (md)
			EVP_DigestUpdate(md, w->buf, (size_t)r);
		if (archive_write_data(w->a, w->buf, (size_t)r) != r) {
			close(fd);
			EVP_MD_CTX_free(md);
			return err_set(e, 500, "sauvegarde.archive", "Écriture de l'archive impossible : %s.", archive_error_string(w->a));
		}
		left -= r;
		w->bytes += (uint64_t)r;
	}
	close(fd);
	if (!md)
		return 0;
	unsigned char dg[32];
	unsigned int dl;
	EVP_DigestFinal_ex(md, dg, &dl);
	EVP_MD_CTX_free(md);
	char hex[65];
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", dg[i]);
	return strcmp(hex, sha) == 0 ? 0 : 1;
}

struct blobwalk {
	struct ops_refs saved;
	int altered;
	uint64_t bytes;
};

/* Walks DATA/blobs/ab/cd/<sha256> (names checked; blobs/tmp and anything else skipped). */
static int add_blobs(struct writer *w, const char *data_dir, struct blobwalk *bw, struct err *e)
{
	char top[1100];
	snprintf(top, sizeof top, "%s/blobs", data_dir);
	DIR *d1 = opendir(top);
	if (!d1)
		return errno == ENOENT ? 0 : err_set(e, 500, "sauvegarde.lecture", "Lecture de %s impossible : %s.", top, strerror(errno));
	struct dirent *a;
	int rc = 0;
	while (rc == 0 && (a = readdir(d1))) {
		if (!is_hex2(a->d_name))
			continue;
		char p2[1200];
		snprintf(p2, sizeof p2, "%s/%s", top, a->d_name);
		DIR *d2 = opendir(p2);
		struct dirent *b;
		while (rc == 0 && d2 && (b = readdir(d2))) {
			if (!is_hex2(b->d_name))
				continue;
			char p3[1300];
			snprintf(p3, sizeof p3, "%s/%s", p2, b->d_name);
			DIR *d3 = opendir(p3);
			struct dirent *c;
			while (rc == 0 && d3 && (c = readdir(d3))) {
				if (!ops_is_sha(c->d_name) || strncmp(c->d_name, a->d_name, 2) != 0 ||
				    strncmp(c->d_name + 2, b->d_name, 2) != 0)
					continue;
				char path[1400], name[100];
				snprintf(path, sizeof path, "%s/%.64s", p3, c->d_name);
				snprintf(name, sizeof name, "blobs/%.2s/%.2s/%.64s", a->d_name, b->d_name, c->d_name);
				uint64_t before = w->bytes;
				int r = add_file(w, name, path, c->d_name, e);
				if (r < 0) {
					rc = -1;
					break;
				}
				if (r == 1) {
					fprintf(stderr, "opale backup : document %s altéré sur le disque (son contenu ne correspond plus à son empreinte).\n",
						c->d_name);
					bw->altered++;
				}
				bw->bytes += w->bytes - before;
				if (bw->saved.n == bw->saved.cap) {
					bw->saved.cap = bw->saved.cap ? 2 * bw->saved.cap : 256;
					bw->saved.sha = xrealloc(bw->saved.sha, bw->saved.cap * sizeof bw->saved.sha[0]);
				}
				memcpy(bw->saved.sha[bw->saved.n++], c->d_name, 65);
			}
			if (d3)
				closedir(d3);
		}
		if (d2)
			closedir(d2);
	}
	closedir(d1);
	return rc;
}

static int by_sha(const void *x, const void *y) { return strcmp(x, y); }

static void rm_tree_flat(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *x;
	while (d && (x = readdir(d))) {
		if (x->d_name[0] == '.')
			continue;
		char p[1600];
		snprintf(p, sizeof p, "%s/%.255s", dir, x->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int cmd_backup(int argc, char **argv)
{
	struct err e = { 0 };
	const char *out = cli_opt(argc, argv, "out");
	if (!out || !*out || config_load(argc, argv, &e) < 0) {
		fprintf(stderr, "opale backup : %s\n", out && *out ? e.msg : "--out FICHIER attendu.");
		return 2;
	}
	double t0 = now_s();
	int pg = cfg.db_url[0] != 0;
	char tmp[1200], dbfile[1300], part[1200];
	snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", out);
	if (!mkdtemp(tmp)) {
		fprintf(stderr, "opale backup : répertoire temporaire impossible à côté de %s : %s.\n", out, strerror(errno));
		return 1;
	}
	snprintf(part, sizeof part, "%s.part", out);
	snprintf(dbfile, sizeof dbfile, "%s/%s", tmp, pg ? "opale.pgdump" : "opale.db");
	int status = 1;
	json_t *inv = NULL;
	struct ops_refs refs = { 0 };
	struct blobwalk bw = { 0 };
	struct writer w = { 0 };
	db *d = NULL;

	/* 1. Database snapshot and its inventory. */
	if (!pg) {
		char src[1100];
		snprintf(src, sizeof src, "%s/opale.db", cfg.data_dir);
		struct stat st;
		if (stat(src, &st) < 0) {
			err_set(&e, 404, "sauvegarde.base", "Aucune base SQLite dans %s (%s).", cfg.data_dir, strerror(errno));
			goto done;
		}
		if (sqlite_snapshot(src, dbfile, &e) < 0 || db_open(tmp, NULL, &d, &e) < 0)
			goto done;
		inv = ops_inventory(d, &refs, &e);
		db_close(d);
		d = NULL;
		char side[1400];
		snprintf(side, sizeof side, "%s-wal", dbfile);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", dbfile);
		unlink(side);
		if (!inv)
			goto done;
	} else {
		int rc;
		if (db_open(cfg.data_dir, cfg.db_url, &d, &e) < 0 ||
		    db_exec(d, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", &e) < 0)
			goto done;
		db_stmt *s = db_query(d, &e, &rc, "SELECT pg_export_snapshot()", "");
		if (!s || rc != DB_ROW) {
			if (s)
				db_finalize(s);
			goto done;
		}
		char snap[128], opt[160], msg[2048];
		snprintf(snap, sizeof snap, "%s", db_col_text(s, 0));
		db_finalize(s);
		snprintf(opt, sizeof opt, "--snapshot=%s", snap);
		const char *args[] = { "-w", "-Fc", opt, "-f", dbfile, NULL };
		int st = ops_pg_tool("pg_dump", cfg.db_url, args, msg, sizeof msg);
		if (st != 0) {
			err_set(&e, 500, "sauvegarde.pg_dump", "pg_dump a échoué (%d) : %s", st, msg);
			goto done;
		}
		inv = ops_inventory(d, &refs, &e);
		db_exec(d, "COMMIT", &e);
		if (!inv)
			goto done;
	}
	json_object_set_new(inv, "format", json_string(OPS_FORMAT));
	json_object_set_new(inv, "format_version", json_integer(OPS_FORMAT_VERSION));
	json_object_set_new(inv, "opale", json_string(OPALE_VERSION));
	json_object_set_new(inv, "engine", json_string(pg ? "postgresql" : "sqlite"));
	json_object_set_new(inv, "created_at", json_integer(time(NULL)));
	json_object_set_new(inv, "database", json_string(pg ? "opale.pgdump" : "opale.db"));
	json_object_set_new(inv, "documents", json_integer((json_int_t)refs.n));

	/* 2. Archive: manifest, database, blobs. */
	w.a = archive_write_new();
	w.buf = xmalloc(1 << 20);
	archive_write_add_filter_gzip(w.a);
	archive_write_set_filter_option(w.a, "gzip", "compression-level", "3");
	archive_write_set_format_pax_restricted(w.a);
	if (archive_write_open_filename(w.a, part) != ARCHIVE_OK) {
		err_set(&e, 500, "sauvegarde.archive", "Création de %s impossible : %s.", part, archive_error_string(w.a));
		goto done;
	}
	char *mj = json_dumps(inv, JSON_INDENT(1) | JSON_SORT_KEYS);
	int rc = add_mem(&w, "opale-backup.json", mj, strlen(mj), &e);
	free(mj);
	if (rc < 0 || add_file(&w, pg ? "opale.pgdump" : "opale.db", dbfile, NULL, &e) < 0 ||
	    add_blobs(&w, cfg.data_dir, &bw, &e) < 0)
		goto done;
	if (archive_write_close(w.a) != ARCHIVE_OK) {
		err_set(&e, 500, "sauvegarde.archive", "Fin de l'archive impossible : %s.", archive_error_string(w.a));
		goto done;
	}
	int fd = open(part, O_RDONLY);
	if (fd < 0 || fsync(fd) < 0 || rename(part, out) < 0) {
		err_set(&e, 500, "sauvegarde.archive", "Archive %s non enregistrée : %s.", out, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto done;
	}
	close(fd);

	/* 3. Every document the snapshot references must be in the archive. */
	if (bw.saved.n)
		qsort(bw.saved.sha, bw.saved.n, sizeof bw.saved.sha[0], by_sha);
	int missing = 0;
	for (size_t i = 0; i < refs.n; i++)
		if (!ops_refs_has(&bw.saved, refs.sha[i])) {
			if (missing++ < 20)
				fprintf(stderr, "opale backup : document %s référencé par la base mais absent de %s/blobs.\n", refs.sha[i],
					cfg.data_dir);
		}
	struct stat ost;
	stat(out, &ost);
	int64_t rows = 0;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(inv, "tables"), k, v) rows += json_integer_value(v);
	printf("Sauvegarde écrite : %s (%s, %zu tables, %lld lignes, %zu documents référencés, %zu fichiers de documents, "
	       "%.1f Mo, %.1f s).\n",
	       out, pg ? "PostgreSQL" : "SQLite", json_object_size(json_object_get(inv, "tables")), (long long)rows, refs.n,
	       bw.saved.n, (double)ost.st_size / 1e6, now_s() - t0);
	if (missing || bw.altered) {
		fprintf(stderr, "opale backup : sauvegarde INCOMPLÈTE — %d document(s) manquant(s), %d altéré(s) : "
				"restaurez ces fichiers depuis une sauvegarde antérieure.\n", missing, bw.altered);
		status = 3;
	} else {
		status = 0;
	}
done:
	if (status == 1)
		fprintf(stderr, "opale backup : %s\n", e.msg[0] ? e.msg : "échec.");
	if (d) {
		if (db_in_transaction(d))
			db_rollback(d);
		db_close(d);
	}
	if (w.a)
		archive_write_free(w.a);
	free(w.buf);
	if (status == 1)
		unlink(part);
	json_decref(inv);
	ops_refs_free(&refs);
	ops_refs_free(&bw.saved);
	rm_tree_flat(tmp);
	return status;
}
OPALE_COMMAND(backup, "backup", cmd_backup, "opale backup --data DIR [--db URL] --out FICHIER.tar.gz",
	      "sauvegarde cohérente (base + documents) pendant que le serveur tourne");
