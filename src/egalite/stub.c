/* stub: outputs not written yet. */
#include "egalite/egalite_priv.h"
int egalite_html(const struct egalite_report *r, const char *p, buf *out, struct err *e) { (void)r; (void)p; (void)out; return err_set(e, 501, "egalite.format", "format html pas encore disponible"); }
int egalite_pdf(const struct egalite_report *r, const char *p, buf *out, struct err *e) { (void)r; (void)p; (void)out; return err_set(e, 501, "egalite.format", "format pdf pas encore disponible"); }
int egalite_xlsx(const struct egalite_report *r, const char *p, buf *out, struct err *e) { (void)r; (void)p; (void)out; return err_set(e, 501, "egalite.format", "format xlsx pas encore disponible"); }
