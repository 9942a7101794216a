/* serve: `opale serve` — loads the configuration, opens the database, starts the job workers and
 * the HTTP server, then waits for SIGTERM/SIGINT (graceful stop) or SIGHUP (reload settings). */
#include "core/cli.h"
#include "core/config.h"
#include "core/log.h"
#include "http/http.h"
#include "http/serve.h"
#include "core/buf.h"

#include <errno.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static struct serve_hook *hooks;

/* Stops the hooks started before `upto` (NULL: all), in the order of the normal shutdown. A start
 * that fails half-way must stop what runs already: returning with the job workers alive let exit()
 * tear down libraries under them (a segfault, exit status 139, seen in tests/ops/tls.t.sh). */
static void stop_hooks(struct serve_hook *upto)
{
	for (struct serve_hook *h = hooks; h && h != upto; h = h->next)
		if (h->stop)
			h->stop();
}

void serve_add_hook(struct serve_hook *h)
{
	h->next = hooks;
	hooks = h;
}

static int cmd_serve(int argc, char **argv)
{
	struct err e = { 0 };
	if (config_load(argc, argv, &e) < 0) {
		fprintf(stderr, "opale serve : %s\n", e.msg);
		return 2;
	}
	if (!cfg.tls_cert[0] != !cfg.tls_key[0]) {
		fprintf(stderr, "opale serve : TLS : indiquez le certificat (tls_cert) ET sa clé (tls_key).\n");
		return 2;
	}
	log_set_level(cfg.log_level);
	mkdir(cfg.data_dir, 0750);
	/* Signals are taken by this thread only: block them before any thread starts. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	for (struct serve_hook *h = hooks; h; h = h->next)
		if (h->start && h->start(&e) < 0) {
			fprintf(stderr, "opale serve : %s\n", e.msg);
			stop_hooks(h);
			return 1;
		}
	char tmp[1100];
	snprintf(tmp, sizeof tmp, "%s/tmp", cfg.data_dir);
	struct http_settings hs = { .listen = cfg.listen, .tmp_dir = tmp, .threads = cfg.threads };
	buf cert = BUF_INIT, key = BUF_INIT;
	if (cfg.tls_cert[0] || cfg.tls_key[0]) {
		if (buf_read_file(&cert, cfg.tls_cert, 1 << 20) < 0 || buf_read_file(&key, cfg.tls_key, 1 << 20) < 0) {
			fprintf(stderr, "opale serve : TLS : lecture de %s impossible (%s).\n", cert.data ? cfg.tls_key : cfg.tls_cert,
				strerror(errno));
			buf_free(&cert);
			buf_free(&key);
			stop_hooks(NULL);
			return 1;
		}
		hs.tls_cert_pem = cert.data;
		hs.tls_key_pem = key.data;
		cfg.secure_cookies = 1;   /* served over TLS: cookies never leave it */
	}
	int rc = http_start(&hs, &e);
	if (key.data)
		explicit_bzero(key.data, key.len);
	buf_free(&cert);
	buf_free(&key);
	if (rc < 0) {
		fprintf(stderr, "opale serve : %s\n", e.msg);
		stop_hooks(NULL);
		return 1;
	}
	log_msg(LOG_INFO, NULL, "Opale écoute sur %s://%s (données : %s)", hs.tls_cert_pem ? "https" : "http", cfg.listen,
		cfg.data_dir);
	for (;;) {
		int sig = 0;
		sigwait(&set, &sig);
		if (sig == SIGHUP) {
			struct config old = cfg;
			if (config_load(argc, argv, &e) < 0) {
				log_error("rechargement de la configuration refusé : %s", e.msg);
				cfg = old;
			} else {
				log_set_level(cfg.log_level);
				log_info("configuration rechargée");
			}
			continue;
		}
		break;
	}
	log_info("arrêt demandé : fin des requêtes et des tâches en cours");
	http_stop();
	stop_hooks(NULL);
	log_info("arrêt terminé");
	return 0;
}
OPALE_COMMAND(serve, "serve", cmd_serve,
	      "opale serve --listen ADDR:PORT --data DIR [--db postgresql://…]",
	      "démarre le serveur HTTP et les tâches de fond");
