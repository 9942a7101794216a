/* rendu: the PDF and spreadsheet rendering code (cairo, pango, poppler, libxlsxwriter) is a plugin,
 * opale-rendu.so, that the `opale` executable loads the first time one of its functions is called
 * (src/rendu/loader.c); test binaries link the same objects directly. Entry points: pdfdoc_* (web/pdfdoc.h),
 * sign_stamp_draw (sign/pades_priv.h), egalite_pdf, egalite_xlsx, pes_view_pdf, pub_pdf_text,
 * pub_redact_pdf, cv_xlsx. When the plugin cannot be loaded they fail with 500 rendu.indisponible. */
#ifndef OPALE_RENDU_H
#define OPALE_RENDU_H
#include "core/err.h"

#define RENDU_FILE "opale-rendu.so"
/* Where the Debian package installs the plugin (searched after the executable's own directory). */
#ifndef OPALE_LIBDIR
#define OPALE_LIBDIR "/usr/lib/opale"
#endif

/* Loads the plugin once (thread-safe). 0, or -1 with e (500 rendu.indisponible). In the executable only. */
int rendu_load(struct err *e);

/* The plugin's version (src/rendu/plugin.c), compared with the executable's before any function is used. */
extern const char opale_rendu_version[];

#endif
