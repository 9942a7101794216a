/* The executory date (L2131-1 CGCT) as pub_executoire computes it for the act page and the portal:
 * a draft (never sent) is executory when published; an act sent to the prefecture only once both
 * published and acknowledged, on the later of the two dates; sent without AR yet, refused or
 * cancelled: not executory; not published: never. */
#include "publication/publier.h"
#include "t.h"

int main(void)
{
	char d[11];
	T_EQ_INT(pub_executoire("brouillon", "", "2026-11-29", d), 1, "draft, published: executory");
	T_EQ_STR(d, "2026-11-29", "on the publication date");
	T_EQ_INT(pub_executoire("acquitte", "2026-11-20", "2026-11-29", d), 1, "AR before publication: executory");
	T_EQ_STR(d, "2026-11-29", "on the publication date (the later)");
	T_EQ_INT(pub_executoire("acquitte", "2026-12-02", "2026-11-29", d), 1, "AR after publication: executory");
	T_EQ_STR(d, "2026-12-02", "on the AR date (the later)");
	T_EQ_INT(pub_executoire("transmis", "", "2026-11-29", d), 0, "sent, no AR yet: not executory");
	T_EQ_STR(d, "", "no date");
	T_EQ_INT(pub_executoire("en_attente", "", "2026-11-29", d), 0, "queued for the TdT: not executory");
	T_EQ_INT(pub_executoire("erreur", "", "2026-11-29", d), 0, "refused by the TdT: not executory");
	T_EQ_INT(pub_executoire("annule", "2026-11-20", "2026-11-29", d), 0, "cancelled: not executory");
	T_EQ_INT(pub_executoire("acquitte", "2026-11-20", "", d), 0, "not published: not executory");
	T_EQ_INT(pub_executoire("brouillon", "", NULL, d), 0, "not published (NULL): not executory");
	return t_done();
}
