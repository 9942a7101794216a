/* sign_cmd: the `opale sign` and `opale verify` commands — thin layers over sign.h. */
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cli.h"
#include "sign/sign_priv.h"

#define MAX_DOC (512u * 1024 * 1024)

static const char *const with_value[] = { "p12", "password-file", "tag", "page", "x", "y", "reason",
					  "location", "role", "tsa", "name", "collectivite", "absent-for",
					  "postal-code", "mime-type", "policy-digest", "detached", "trust",
					  "signing-time", "cert", "exchange", "policy-file", "repeat", "threads",
					  NULL };

static int read_doc(const char *path, buf *b)
{
	if (buf_read_file(b, path, MAX_DOC) < 0) {
		fprintf(stderr, "opale : lecture impossible de %s\n", path);
		return -1;
	}
	return 0;
}

/* Fills o from the command line; returns -1 (message printed) on a bad value. */
int sign_cmd_opts(int argc, char **argv, struct sign_opts *o)
{
	memset(o, 0, sizeof *o);
	o->reason = cli_opt(argc, argv, "reason");
	o->location = cli_opt(argc, argv, "location");
	o->postal_code = cli_opt(argc, argv, "postal-code");
	o->role = cli_opt(argc, argv, "role");
	o->name = cli_opt(argc, argv, "name");
	o->collectivite = cli_opt(argc, argv, "collectivite");
	o->absent_for = cli_opt(argc, argv, "absent-for");
	o->tsa_url = cli_opt(argc, argv, "tsa");
	o->tag = cli_opt(argc, argv, "tag");
	o->mime_type = cli_opt(argc, argv, "mime-type");
	o->policy_digest = cli_opt(argc, argv, "policy-digest");
	o->pem = cli_flag(argc, argv, "pem");
	const char *pf = cli_opt(argc, argv, "policy-file");
	if (pf) {   /* the official DGFiP policy document: its SHA-256 goes into SigPolicyHash */
		static char digest[64];
		struct err e = { 0 };
		if (sign_policy_digest_file(pf, digest, sizeof digest, &e) < 0) {
			fprintf(stderr, "opale sign : %s\n", e.msg);
			return -1;
		}
		o->policy_digest = digest;
	}
	const char *page = cli_opt(argc, argv, "page"), *x = cli_opt(argc, argv, "x"), *y = cli_opt(argc, argv, "y");
	const char *st = cli_opt(argc, argv, "signing-time");
	if (page) {
		char *end;
		o->page = (int)strtol(page, &end, 10);
		if (*end || o->page == 0) {
			fprintf(stderr, "opale sign : --page attend un numéro de page non nul (négatif : depuis la fin)\n");
			return -1;
		}
		o->x = x ? atof(x) : 36;
		o->y = y ? atof(y) : 36;
	} else if (x || y) {
		fprintf(stderr, "opale sign : --x et --y s'utilisent avec --page\n");
		return -1;
	}
	o->visible = o->tag || page;
	if (st) {   /* seconds since the epoch (two-phase runs, reproducible tests) */
		o->signing_time = (time_t)strtoll(st, NULL, 10);
		if (o->signing_time <= 0) {
			fprintf(stderr, "opale sign : --signing-time attend un nombre de secondes depuis 1970\n");
			return -1;
		}
	}
	return 0;
}

/* Reads the password file and unlocks the PKCS#12; the password copy is wiped. */
int sign_cmd_key(int argc, char **argv, struct sign_key **k)
{
	const char *p12 = cli_opt(argc, argv, "p12"), *pwf = cli_opt(argc, argv, "password-file");
	if (!p12 || !pwf) {
		fprintf(stderr, "opale sign : --p12 FICHIER et --password-file FICHIER sont requis\n");
		return -1;
	}
	char pw[1024];
	struct err e = { 0 };
	int rc = sign_read_password_file(pwf, pw, sizeof pw, &e);
	if (rc == 0)
		rc = sign_key_load_p12(p12, pw, k, &e);
	OPENSSL_cleanse(pw, sizeof pw);
	if (rc < 0)
		fprintf(stderr, "opale sign : %s\n", e.msg);
	return rc;
}

/* --repeat N --threads T: the benchmark mode (bench/P1-sign.sh) — N signatures of the same input
 * in memory, spread over T threads sharing the unlocked key, as the server's workers would. */
struct bench_run {
	int format, n;
	const struct sign_key *k;
	const buf *in;
	const struct sign_opts *o;
	int failed;
};

static void *bench_thread(void *arg)
{
	struct bench_run *b = arg;
	buf out = BUF_INIT;
	for (int i = 0; i < b->n; i++) {
		struct err e = { 0 };
		buf_reset(&out);
		if (sign_document(b->format, b->k, b->in->data, b->in->len, b->o, &out, &e) < 0) {
			fprintf(stderr, "opale sign : %s\n", e.msg);
			b->failed = 1;
			break;
		}
	}
	buf_free(&out);
	return NULL;
}

static int bench(int format, const struct sign_key *k, const buf *in, const struct sign_opts *o, int n, int threads)
{
	if (threads < 1 || threads > 64 || n < threads) {
		fprintf(stderr, "opale sign : --threads entre 1 et 64, --repeat au moins égal à --threads\n");
		return -1;
	}
	pthread_t th[64];
	struct bench_run runs[64];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < threads; i++) {
		runs[i] = (struct bench_run){ format, n / threads + (i < n % threads), k, in, o, 0 };
		pthread_create(&th[i], NULL, bench_thread, &runs[i]);
	}
	int failed = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		failed |= runs[i].failed;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "%d signatures en %.3f s avec %d fils : %.1f/s\n", n, s, threads, n / s);
	return failed ? -1 : 0;
}

/* opale sign FORMAT --p12 F --password-file F [options] IN OUT */
static int cmd_sign(int argc, char **argv)
{
	const char *pos[4];
	int n = cli_positionals(argc, argv, with_value, pos, 4);
	int format = n == 3 ? sign_format_parse(pos[0]) : -1;
	if (format < 0) {
		fprintf(stderr, "usage : opale sign pades|cades|xades|pes --p12 FICHIER --password-file FICHIER "
				"[--tag '#signature#' | --page N --x X --y Y] [--reason …] [--location …] [--role …] "
				"[--tsa URL] ENTRÉE SORTIE\n");
		return 2;
	}
	struct sign_opts o;
	struct sign_key *k = NULL;
	if (sign_cmd_opts(argc, argv, &o) < 0 || sign_cmd_key(argc, argv, &k) < 0)
		return 2;
	buf in = BUF_INIT, out = BUF_INIT;
	struct err e = { 0 };
	int rc = 1;
	if (read_doc(pos[1], &in) < 0)
		goto done;
	o.file_name = strrchr(pos[1], '/') ? strrchr(pos[1], '/') + 1 : pos[1];
	const char *rep = cli_opt(argc, argv, "repeat");
	if (rep) {
		if (!o.signing_time)
			o.signing_time = time(NULL);
		const char *th = cli_opt(argc, argv, "threads");
		if (bench(format, k, &in, &o, atoi(rep), th ? atoi(th) : 1) < 0)
			goto done;
	}
	if (sign_document(format, k, in.data, in.len, &o, &out, &e) < 0) {
		fprintf(stderr, "opale sign : %s\n", e.msg);
		goto done;
	}
	if (buf_write_file_atomic(&out, pos[2]) < 0) {
		fprintf(stderr, "opale sign : écriture impossible de %s\n", pos[2]);
		goto done;
	}
	rc = 0;
done:
	sign_key_free(k);
	buf_free(&in);
	buf_free(&out);
	return rc;
}

/* opale verify FILE [--detached SIG] [--trust CA.pem|DIR] [--html] : JSON on stdout; exit 0 only
 * when the file is signed and every signature is valid (1 otherwise, 2 on a usage/read error). */
static int cmd_verify(int argc, char **argv)
{
	const char *pos[2];
	if (cli_positionals(argc, argv, with_value, pos, 2) != 1) {
		fprintf(stderr, "usage : opale verify FICHIER [--detached SIGNATURE] [--trust AC.pem|RÉPERTOIRE] [--html]\n");
		return 2;
	}
	buf doc = BUF_INIT, sig = BUF_INIT, out = BUF_INIT;
	struct sign_verify_opts vo = { .trust = cli_opt(argc, argv, "trust") };
	const char *det = cli_opt(argc, argv, "detached");
	int rc = 2;
	if (read_doc(pos[0], &doc) < 0 || (det && read_doc(det, &sig) < 0))
		goto done;
	if (det) {
		vo.detached = sig.data ? sig.data : "";
		vo.detached_len = sig.len;
	}
	struct err e = { 0 };
	int r = cli_flag(argc, argv, "html") ? sign_verify_html(doc.data ? doc.data : "", doc.len, &vo, &out, &e)
					     : sign_verify(doc.data ? doc.data : "", doc.len, &vo, &out, &e);
	if (r < 0) {
		fprintf(stderr, "opale verify : %s\n", e.msg);
		goto done;
	}
	fwrite(out.data, 1, out.len, stdout);
	fputc('\n', stdout);
	rc = r == 1 ? 0 : 1;
done:
	buf_free(&doc);
	buf_free(&sig);
	buf_free(&out);
	return rc;
}

/* opale timestamp --tsa URL IN OUT : RFC 3161 token (DER) over SHA-256 of IN, for any proof. */
static int cmd_timestamp(int argc, char **argv)
{
	const char *pos[3], *url = cli_opt(argc, argv, "tsa");
	if (cli_positionals(argc, argv, with_value, pos, 3) != 2 || !url) {
		fprintf(stderr, "usage : opale timestamp --tsa URL ENTRÉE JETON.tsr\n");
		return 2;
	}
	buf in = BUF_INIT, tok = BUF_INIT;
	struct err e = { 0 };
	int rc = 1;
	if (read_doc(pos[0], &in) < 0)
		goto done;
	if (sign_tsa_stamp(url, in.data ? in.data : "", in.len, 0, &tok, &e) < 0) {
		fprintf(stderr, "opale timestamp : %s\n", e.msg);
		goto done;
	}
	if (buf_write_file_atomic(&tok, pos[1]) < 0) {
		fprintf(stderr, "opale timestamp : écriture impossible de %s\n", pos[1]);
		goto done;
	}
	rc = 0;
done:
	buf_free(&in);
	buf_free(&tok);
	return rc;
}

OPALE_COMMAND(timestamp, "timestamp", cmd_timestamp, "timestamp --tsa URL IN OUT.tsr",
	      "horodate un fichier (jeton RFC 3161)");
OPALE_COMMAND(sign, "sign", cmd_sign,
	      "sign pades|cades|xades|pes --p12 F --password-file F [--tag T | --page N --x X --y Y] "
	      "[--reason R] [--location L] [--role R] [--tsa URL] IN OUT",
	      "signe un document (PAdES, CAdES, XAdES, PES Hélios)");
OPALE_COMMAND(verify, "verify", cmd_verify, "verify FILE [--detached SIG] [--trust CA] [--html]",
	      "vérifie les signatures d'un document (rapport JSON)");
