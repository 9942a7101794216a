/* pdfdoc: simple paginated A4 PDF documents (cairo + pango): headings, paragraphs, tables,
 * automatic page breaks and a footer with page numbers. Text is real text (extractable). */
#ifndef OPALE_PDFDOC_H
#define OPALE_PDFDOC_H
#include "core/err.h"

typedef struct pdfdoc pdfdoc;

/* Starts a document written to path; footer is printed on every page with "page N". */
pdfdoc *pdfdoc_new(const char *path, const char *footer, struct err *e);
void pdfdoc_title(pdfdoc *d, const char *text);
void pdfdoc_heading(pdfdoc *d, const char *text);
void pdfdoc_para(pdfdoc *d, const char *text);
/* A table row: ncols cells with relative widths (sum 1.0); header rows are bold and shaded. */
void pdfdoc_row(pdfdoc *d, int ncols, const double *widths, const char *const *cells, int header);
void pdfdoc_space(pdfdoc *d, double pt);
/* Starts a new page unless the current one is still empty. */
void pdfdoc_page_break(pdfdoc *d);
/* Finishes and closes the file. Returns 0 or -1 (e filled). */
int pdfdoc_finish(pdfdoc *d, struct err *e);

#endif
