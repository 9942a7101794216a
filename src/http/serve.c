/* serve: `opale serve` — loads the configuration, opens the database, starts the job workers and
 * the HTTP server, then waits for SIGTERM/SIGINT (graceful stop) or SIGHUP (reload settings). */
#include "core/cli.h"
#include "core/config.h"
#include "core/log.h"
#include "http/http.h"
#include "http/serve.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static struct serve_hook *hooks;

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
			return 1;
		}
	char tmp[1100];
	snprintf(tmp, sizeof tmp, "%s/tmp", cfg.data_dir);
	struct http_settings hs = { .listen = cfg.listen, .tmp_dir = tmp, .threads = cfg.threads };
	if (http_start(&hs, &e) < 0) {
		fprintf(stderr, "opale serve : %s\n", e.msg);
		return 1;
	}
	log_msg(LOG_INFO, NULL, "Opale écoute sur http://%s (données : %s)", cfg.listen, cfg.data_dir);
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
	for (struct serve_hook *h = hooks; h; h = h->next)
		if (h->stop)
			h->stop();
	log_info("arrêt terminé");
	return 0;
}
OPALE_COMMAND(serve, "serve", cmd_serve,
	      "opale serve --listen ADDR:PORT --data DIR [--db postgresql://…]",
	      "démarre le serveur HTTP et les tâches de fond");
