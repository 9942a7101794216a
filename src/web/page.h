/* page: the HTML shell — renders a content template inside the layout (navigation by role, user,
 * CSRF token, flash message), and the error pages. */
#ifndef OPALE_PAGE_H
#define OPALE_PAGE_H
#include <jansson.h>

struct req;

/* Renders web/templates/<tmpl>.html with data (stolen) inside the layout. Returns 0. */
int page_render(struct req *r, int status, const char *tmpl, const char *title, json_t *data);
/* Renders the French error page. */
void page_error(struct req *r, int status, const char *message);

#endif
