/* loader: the rendering plugin opale-rendu.so, loaded on first use (src/rendu/rendu.h). Linked into the
 * `opale` executable instead of the rendering objects; one stub per entry point calls the plugin's
 * function through a pointer found once with dlsym.
 *
 * Why: an idle server never draws a PDF, yet every library the executable needs (DT_NEEDED) is mapped,
 * relocated and initialised at each start — cairo, pango, harfbuzz, fontconfig, freetype, pixman, the
 * X11/xcb libraries, poppler and libxlsxwriter were 4.3 MB of the 21.6 MB idle RSS and part of every CLI
 * call's start-up (docs/performance.md, P3 and P5.3). Why hand-written: the GNU toolchain has no
 * « load this library on first call » (lazy binding, -z lazy, only defers symbol lookups; the library
 * is still loaded at start; Solaris' -z lazyload has no glibc equivalent), so the stubs are written here,
 * type-checked against the real declarations by __typeof__.
 *
 * Where: beside the executable's real path (/proc/self/exe; `make` copies the plugin beside ./opale),
 * then OPALE_LIBDIR (the Debian package's /usr/lib/opale). The first file that exists is the one loaded
 * (RTLD_NOW: a missing symbol is an error now, not a crash later); it must carry the executable's
 * version. The plugin resolves the core functions it calls (buf, err, pdf, json…) from the executable,
 * which exports exactly those (Makefile: --dynamic-list built from the plugin's undefined symbols).
 * A failure is logged once and every later call answers 500 rendu.indisponible: the server keeps
 * running, the actions that need a PDF fail; installing the plugin then needs a restart. */
#include "rendu/rendu.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conventions/conventions_db.h"
#include "core/log.h"
#include "core/version.h"
#include "egalite/egalite.h"
#include "helios/helios.h"
#include "publication/publier.h"
#include "sign/pades_priv.h"
#include "web/pdfdoc.h"

#define RENDU_FUNCS(X)                                                                                   \
	X(pdfdoc_new) X(pdfdoc_title) X(pdfdoc_heading) X(pdfdoc_para) X(pdfdoc_row) X(pdfdoc_space)      \
	X(pdfdoc_page_break) X(pdfdoc_finish) X(sign_stamp_draw) X(egalite_pdf) X(egalite_xlsx)           \
	X(pes_view_pdf) X(pub_pdf_text) X(pub_redact_pdf) X(cv_xlsx)

static struct {
#define X(f) __typeof__(f) *f;
	RENDU_FUNCS(X)
#undef X
} fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static char why[600];

/* The plugin's path: beside the executable, else in OPALE_LIBDIR; the first that exists. */
static int find(char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[k > 0 ? k : 0] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash) {
		*slash = '\0';
		if (snprintf(out, n, "%s/" RENDU_FILE, exe) < (int)n && access(out, F_OK) == 0)
			return 0;
	}
	if (snprintf(out, n, OPALE_LIBDIR "/" RENDU_FILE) < (int)n && access(out, F_OK) == 0)
		return 0;
	snprintf(why, sizeof why, "%s absent de %.400s et de " OPALE_LIBDIR, RENDU_FILE, slash ? exe : "(exécutable inconnu)");
	return -1;
}

static void load(void)
{
	char path[PATH_MAX];
	if (find(path, sizeof path) < 0)
		goto fail;
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, sizeof why, "%s", dlerror());
		goto fail;
	}
	const char *v = dlsym(h, "opale_rendu_version");
	if (!v || strcmp(v, OPALE_VERSION) != 0) {
		snprintf(why, sizeof why, "%.400s est de la version %.20s, l'exécutable de la version " OPALE_VERSION, path,
			 v ? v : "(inconnue)");
		dlclose(h);
		goto fail;
	}
	/* POSIX: dlsym's void * converts to a function pointer through the object representation. */
#define X(f)                                                                                   \
	if (!(*(void **)&fn.f = dlsym(h, #f))) {                                               \
		snprintf(why, sizeof why, "%.400s ne définit pas %s", path, #f);                   \
		dlclose(h);                                                                    \
		goto fail;                                                                     \
	}
	RENDU_FUNCS(X)
#undef X
	loaded = 1;
	log_msg(LOG_DEBUG, NULL, "module de rendu chargé : %s", path);
	return;
fail:
	memset(&fn, 0, sizeof fn);
	log_error("module de rendu PDF indisponible : %s", why);
}

int rendu_load(struct err *e)
{
	pthread_once(&once, load);
	if (loaded)
		return 0;
	return err_set(e, 500, "rendu.indisponible", "Le module de rendu PDF est introuvable ou inutilisable : %s.", why);
}

/* ---- the stubs: same declarations as the real functions ------------------------------------------ */

pdfdoc *pdfdoc_new(const char *path, const char *footer, struct err *e)
{
	return rendu_load(e) < 0 ? NULL : fn.pdfdoc_new(path, footer, e);
}

/* A pdfdoc exists only if pdfdoc_new went through the loaded plugin. */
void pdfdoc_title(pdfdoc *d, const char *t) { fn.pdfdoc_title(d, t); }
void pdfdoc_heading(pdfdoc *d, const char *t) { fn.pdfdoc_heading(d, t); }
void pdfdoc_para(pdfdoc *d, const char *t) { fn.pdfdoc_para(d, t); }
void pdfdoc_row(pdfdoc *d, int n, const double *w, const char *const *cells, int header) { fn.pdfdoc_row(d, n, w, cells, header); }
void pdfdoc_space(pdfdoc *d, double pt) { fn.pdfdoc_space(d, pt); }
void pdfdoc_page_break(pdfdoc *d) { fn.pdfdoc_page_break(d); }
int pdfdoc_finish(pdfdoc *d, struct err *e) { return fn.pdfdoc_finish(d, e); }

int sign_stamp_draw(const struct stamp_line *l, int n, double w, double h, buf *out, struct err *e)
{
	return rendu_load(e) < 0 ? -1 : fn.sign_stamp_draw(l, n, w, h, out, e);
}

int egalite_pdf(const struct egalite_report *r, const char *prev_json, buf *out, struct err *e)
{
	return rendu_load(e) < 0 ? -1 : fn.egalite_pdf(r, prev_json, out, e);
}

int egalite_xlsx(const struct egalite_report *r, const char *prev_json, buf *out, struct err *e)
{
	return rendu_load(e) < 0 ? -1 : fn.egalite_xlsx(r, prev_json, out, e);
}

int pes_view_pdf(const char *path, const struct pes_model *m, const struct pes_report *rep, struct err *e)
{
	return rendu_load(e) < 0 ? -1 : fn.pes_view_pdf(path, m, rep, e);
}

int pub_pdf_text(const void *pdf, size_t len, size_t max, buf *out, struct err *e)
{
	return rendu_load(e) < 0 ? -1 : fn.pub_pdf_text(pdf, len, max, out, e);
}

int pub_redact_pdf(const void *pdf, size_t len, const struct pub_redact *rd, int *hits, buf *out, struct err *e)
{
	return rendu_load(e) < 0 ? -1 : fn.pub_redact_pdf(pdf, len, rd, hits, out, e);
}

int cv_xlsx(json_t *conventions, buf *out, struct err *e)
{
	return rendu_load(e) < 0 ? -1 : fn.cv_xlsx(conventions, out, e);
}
