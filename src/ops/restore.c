/* restore: `opale restore --in FILE --data DIR [--db URL]` — puts a backup back into an EMPTY data
 * directory (and, for PostgreSQL, an empty database), then proves it: every document re-hashed as it
 * is written (SHA-256 = its name), every document the database references present, the row count of
 * every table equal to the manifest's, the audit chain verified. Exit 0 only when all of it holds. */
#include "ops/ops.h"
#include "core/buf.h"
#include "core/cli.h"
#include "core/config.h"
#include "core/embed.h"
#include "core/mem.h"
#include "identity/identity.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* True when a migration version is carried by this binary. */
static int known_migration(int v)
{
	const char *pre = "src/db/migrations/";
	for (const struct embedded_file *f = embedded_files; f->name; f++)
		if (strncmp(f->name, pre, strlen(pre)) == 0 && atoi(f->name + strlen(pre)) == v)
			return 1;
	return 0;
}

static int dir_empty(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT;
	struct dirent *x;
	int empty = 1;
	while (empty && (x = readdir(d)))
		empty = strcmp(x->d_name, ".") == 0 || strcmp(x->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* blobs/ab/cd/<sha256> with ab and cd the first hex digits: the sha, else NULL. */
static const char *blob_name(const char *p)
{
	if (strncmp(p, "blobs/", 6) != 0 || strlen(p) != 6 + 3 + 3 + 64)
		return NULL;
	const char *sha = p + 12;
	if (!ops_is_sha(sha) || p[8] != '/' || p[11] != '/' || strncmp(p + 6, sha, 2) != 0 || strncmp(p + 9, sha + 2, 2) != 0)
		return NULL;
	return sha;
}

/* Writes the current entry's data to path (via path.part, fsync, rename). With sha: hashes it and
 * keeps it only when it matches (returns 1 otherwise). */
static int extract(struct archive *a, const char *path, const char *sha, char *iobuf, struct err *e)
{
	char part[1400];
	snprintf(part, sizeof part, "%s.part", path);
	int fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return err_set(e, 500, "restauration.ecriture", "Écriture de %s impossible : %s.", part, strerror(errno));
	EVP_MD_CTX *md = sha ? EVP_MD_CTX_new() : NULL;
	if (md)
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	la_ssize_t r;
	while ((r = archive_read_data(a, iobuf, 1 << 20)) > 0) {
		if (md)
			EVP_DigestUpdate(md, iobuf, (size_t)r);
		for (la_ssize_t off = 0; off < r;) {
			ssize_t wr = write(fd, iobuf + off, (size_t)(r - off));
			if (wr < 0 && errno == EINTR)
				continue;
			if (wr <= 0) {
				close(fd);
				unlink(part);
				EVP_MD_CTX_free(md);
				return err_set(e, 500, "restauration.ecriture", "Écriture de %s impossible : %s.", part, strerror(errno));
			}
			off += wr;
		}
	}
	if (r < 0 || fsync(fd) < 0) {
		close(fd);
		unlink(part);
		EVP_MD_CTX_free(md);
		return err_set(e, 500, "restauration.archive", "Archive illisible : %s.", r < 0 ? archive_error_string(a) : strerror(errno));
	}
	close(fd);
	if (md) {
		unsigned char dg[32];
		unsigned int dl;
		char hex[65];
		EVP_DigestFinal_ex(md, dg, &dl);
		EVP_MD_CTX_free(md);
		for (int i = 0; i < 32; i++)
			sprintf(hex + 2 * i, "%02x", dg[i]);
		if (strcmp(hex, sha) != 0) {
			unlink(part);
			return 1;
		}
	}
	if (rename(part, path) < 0)
		return err_set(e, 500, "restauration.ecriture", "Écriture de %s impossible : %s.", path, strerror(errno));
	return 0;
}

static void mkdirs(const char *path)
{
	char p[1400];
	snprintf(p, sizeof p, "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0750);
			*s = '/';
		}
	mkdir(p, 0750);
}

static int cmd_restore(int argc, char **argv)
{
	struct err e = { 0 };
	const char *in = cli_opt(argc, argv, "in");
	if (!in || !*in || config_load(argc, argv, &e) < 0) {
		fprintf(stderr, "opale restore : %s\n", in && *in ? e.msg : "--in FICHIER attendu.");
		return 2;
	}
	int pg = cfg.db_url[0] != 0, status = 1, altered = 0;
	long nblobs = 0;
	const char *data = cfg.data_dir;
	char path[1400], dump[1400] = "";
	struct archive *a = NULL;
	json_t *man = NULL, *inv = NULL;
	struct ops_refs refs = { 0 };
	db *d = NULL;
	char *iobuf = xmalloc(1 << 20);
	buf report = BUF_INIT;

	/* 1. The target must be empty: a restore never merges into live data. */
	snprintf(path, sizeof path, "%s/opale.db", data);
	if (!pg && access(path, F_OK) == 0) {
		err_set(&e, 409, "restauration.cible", "%s existe déjà : restaurez dans un répertoire vide.", path);
		goto done;
	}
	snprintf(path, sizeof path, "%s/blobs", data);
	if (!dir_empty(path)) {
		err_set(&e, 409, "restauration.cible", "%s n'est pas vide : restaurez dans un répertoire vide.", path);
		goto done;
	}
	if (pg) {
		int rc;
		if (db_open(data, cfg.db_url, &d, &e) < 0)
			goto done;
		db_stmt *s = db_query(d, &e, &rc, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()", "");
		int64_t n = s && rc == DB_ROW ? db_col_int64(s, 0) : -1;
		if (s)
			db_finalize(s);
		db_close(d);
		d = NULL;
		if (n != 0) {
			if (n > 0)
				err_set(&e, 409, "restauration.cible", "La base PostgreSQL cible contient déjà %lld table(s) : "
					"restaurez dans une base vide (createdb).", (long long)n);
			goto done;
		}
	}

	/* 2. Manifest first. */
	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, in, 1 << 16) != ARCHIVE_OK) {
		err_set(&e, 400, "restauration.archive", "Lecture de %s impossible : %s.", in, archive_error_string(a));
		goto done;
	}
	struct archive_entry *en;
	if (archive_read_next_header(a, &en) != ARCHIVE_OK || strcmp(archive_entry_pathname(en), "opale-backup.json") != 0 ||
	    archive_entry_size(en) > (1 << 24)) {
		err_set(&e, 400, "restauration.archive", "%s n'est pas une sauvegarde Opale (opale-backup.json attendu en tête).", in);
		goto done;
	}
	{
		size_t len = (size_t)archive_entry_size(en);
		char *mj = xmalloc(len + 1);
		la_ssize_t got = archive_read_data(a, mj, len);
		mj[got > 0 ? got : 0] = 0;
		json_error_t je;
		man = json_loads(mj, 0, &je);
		free(mj);
	}
	const char *fmt = json_string_value(json_object_get(man, "format"));
	const char *engine = json_string_value(json_object_get(man, "engine"));
	if (!fmt || strcmp(fmt, OPS_FORMAT) != 0 || json_integer_value(json_object_get(man, "format_version")) > OPS_FORMAT_VERSION ||
	    !engine || !json_is_object(json_object_get(man, "tables"))) {
		err_set(&e, 400, "restauration.archive", "Manifeste de sauvegarde illisible ou d'un format plus récent.");
		goto done;
	}
	if (strcmp(engine, pg ? "postgresql" : "sqlite") != 0) {
		err_set(&e, 400, "restauration.moteur", pg ? "Sauvegarde d'une base SQLite : restaurez-la sans --db."
							   : "Sauvegarde d'une base PostgreSQL : indiquez la base cible vide avec --db postgresql://….");
		goto done;
	}
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(man, "schema"), i, v) if (!known_migration((int)json_integer_value(v)))
	{
		err_set(&e, 409, "db.schema_recent", "Sauvegarde faite par une version plus récente d'Opale (migration %04lld inconnue "
				"de ce programme) : mettez Opale à jour avant de restaurer.", (long long)json_integer_value(v));
		goto done;
	}

	/* 3. Entries. */
	mkdirs(data);
	snprintf(path, sizeof path, "%s/blobs", data);
	mkdir(path, 0750);
	int have_db = 0, r;
	while ((r = archive_read_next_header(a, &en)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(en);
		const char *sha = blob_name(name);
		if (archive_entry_filetype(en) == AE_IFDIR)
			continue;   /* directories are made as needed (an archive rebuilt with tar has them) */
		if (archive_entry_filetype(en) != AE_IFREG) {
			err_set(&e, 400, "restauration.archive", "Entrée inattendue dans la sauvegarde : « %s ».", name);
			goto done;
		}
		if (sha) {
			snprintf(path, sizeof path, "%s/blobs/%.2s/%.2s", data, sha, sha + 2);
			mkdirs(path);
			snprintf(path, sizeof path, "%s/blobs/%.2s/%.2s/%s", data, sha, sha + 2, sha);
			int x = extract(a, path, sha, iobuf, &e);
			if (x < 0)
				goto done;
			if (x == 1) {
				if (altered++ < 20)
					fprintf(stderr, "opale restore : document %s altéré dans l'archive : écarté.\n", sha);
			} else {
				nblobs++;
			}
		} else if (!pg && strcmp(name, "opale.db") == 0) {
			snprintf(path, sizeof path, "%s/opale.db", data);
			if (extract(a, path, NULL, iobuf, &e) < 0)
				goto done;
			have_db = 1;
		} else if (pg && strcmp(name, "opale.pgdump") == 0) {
			snprintf(dump, sizeof dump, "%s/.restore-opale.pgdump", data);
			if (extract(a, dump, NULL, iobuf, &e) < 0)
				goto done;
			have_db = 1;
		} else {
			err_set(&e, 400, "restauration.archive", "Entrée inattendue dans la sauvegarde : « %s ».", name);
			goto done;
		}
	}
	if (r != ARCHIVE_EOF) {
		err_set(&e, 400, "restauration.archive", "Archive tronquée ou abîmée : %s.", archive_error_string(a));
		goto done;
	}
	if (!have_db) {
		err_set(&e, 400, "restauration.archive", "La sauvegarde ne contient pas de base de données.");
		goto done;
	}
	if (pg) {
		char dbname[256], msg[2048];
		if (ops_pg_dbname(cfg.db_url, dbname, sizeof dbname) < 0) {
			err_set(&e, 400, "restauration.moteur", "Nom de base absent de l'URL PostgreSQL.");
			goto done;
		}
		const char *args[] = { "-w", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "-d", dbname,
				       dump, NULL };
		int st = ops_pg_tool("pg_restore", cfg.db_url, args, msg, sizeof msg);
		unlink(dump);
		if (st != 0) {
			err_set(&e, 500, "restauration.pg_restore", "pg_restore a échoué (%d) : %s", st, msg);
			goto done;
		}
	}

	/* 4. Proof. */
	if (db_open(data, pg ? cfg.db_url : NULL, &d, &e) < 0 || !(inv = ops_inventory(d, &refs, &e)))
		goto done;
	int bad = 0;
	const char *k;
	json_t *want = json_object_get(man, "tables"), *got = json_object_get(inv, "tables");
	int64_t rows = 0;
	json_object_foreach(want, k, v) {
		json_t *g = json_object_get(got, k);
		rows += json_integer_value(v);
		if (!g || json_integer_value(g) != json_integer_value(v)) {
			buf_printf(&report, "table %s : %lld ligne(s) restaurée(s), %lld sauvegardée(s)\n", k,
				   g ? (long long)json_integer_value(g) : -1LL, (long long)json_integer_value(v));
			bad++;
		}
	}
	json_object_foreach(got, k, v) if (!json_object_get(want, k))
	{
		buf_printf(&report, "table %s absente de la sauvegarde\n", k);
		bad++;
	}
	int missing = 0;
	for (size_t j = 0; j < refs.n; j++) {
		snprintf(path, sizeof path, "%s/blobs/%.2s/%.2s/%s", data, refs.sha[j], refs.sha[j] + 2, refs.sha[j]);
		if (access(path, F_OK) != 0 && missing++ < 20)
			buf_printf(&report, "document %s référencé mais absent\n", refs.sha[j]);
	}
	buf audit = BUF_INIT;
	int audit_ok = audit_verify(d, &audit) == 0;
	if (!audit_ok)
		buf_printf(&report, "journal d'audit : %s", audit.data ? audit.data : "?\n");
	if (bad || missing || altered || !audit_ok) {
		fprintf(stderr, "opale restore : restauration dans %s NON CONFORME à la sauvegarde :\n%s", data, report.data ? report.data : "");
		if (altered)
			fprintf(stderr, "%d document(s) altéré(s) écarté(s)\n", altered);
		buf_free(&audit);
		goto done;
	}
	struct err se;
	int old = db_schema_check(d, &se) < 0 && strcmp(se.code, "db.schema_ancien") == 0;
	printf("Restauration vérifiée dans %s%s%s : %zu tables, %lld lignes identiques à la sauvegarde ; %ld documents "
	       "(SHA-256 vérifiés), %zu référencés, tous présents ; %s",
	       data, pg ? " et " : "", pg ? "la base PostgreSQL" : "", json_object_size(want), (long long)rows, nblobs, refs.n,
	       audit.data ? audit.data : "\n");
	if (old)
		printf("Schéma antérieur à ce programme : lancez « opale migrate » avant « opale serve ».\n");
	buf_free(&audit);
	status = 0;
done:
	if (status && e.msg[0])
		fprintf(stderr, "opale restore : %s\n", e.msg);
	if (dump[0])
		unlink(dump);
	if (d)
		db_close(d);
	if (a)
		archive_read_free(a);
	json_decref(man);
	json_decref(inv);
	ops_refs_free(&refs);
	buf_free(&report);
	free(iobuf);
	return status;
}
OPALE_COMMAND(restore, "restore", cmd_restore, "opale restore --in FICHIER.tar.gz --data DIR [--db postgresql://…]",
	      "restaure une sauvegarde dans un répertoire (et une base) vides, puis la vérifie");
