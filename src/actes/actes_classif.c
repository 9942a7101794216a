/* actes_classif: the prefecture's classification (message 7-2 RetourClassification): natures with
 * their piece types, the tree of matières (5 levels), versioned by DateClassification. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "actes/actes_priv.h"

static int parse_int(const char *s, int *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || v < 0 || v > 1000000)
		return -1;
	*out = (int)v;
	return 0;
}

static const char *level_name[] = { "Matiere1", "Matiere2", "Matiere3", "Matiere4", "Matiere5" };

static int read_level(arena *a, xmlNodePtr parent, int level, struct actes_matiere **out, size_t *n,
		      struct err *e)
{
	size_t count = 0;
	for (xmlNodePtr c = actes_dom_child(parent, level_name[level]); c; c = actes_dom_next(c, level_name[level]))
		count++;
	*n = count;
	*out = count ? arena_alloc(a, count * sizeof **out) : NULL;
	size_t i = 0;
	for (xmlNodePtr c = actes_dom_child(parent, level_name[level]); c; c = actes_dom_next(c, level_name[level])) {
		struct actes_matiere *m = &(*out)[i++];
		memset(m, 0, sizeof *m);
		if (parse_int(actes_dom_attr(a, c, "CodeMatiere"), &m->code) < 0)
			return err_set(e, 422, "actes.classification", "%s sans CodeMatiere entier (ligne %ld)",
				       level_name[level], (long)xmlGetLineNo(c));
		m->libelle = actes_dom_attr(a, c, "Libelle");
		if (!m->libelle)
			m->libelle = "";
		if (level < 4 && read_level(a, c, level + 1, &m->sub, &m->n_sub, e) < 0)
			return -1;
	}
	return 0;
}

static int read_natures(arena *a, xmlNodePtr list, struct actes_classification *c, struct err *e)
{
	size_t count = 0;
	for (xmlNodePtr n = actes_dom_child(list, "NatureActe"); n; n = actes_dom_next(n, "NatureActe"))
		count++;
	c->natures = count ? arena_alloc(a, count * sizeof *c->natures) : NULL;
	for (xmlNodePtr n = actes_dom_child(list, "NatureActe"); n; n = actes_dom_next(n, "NatureActe")) {
		struct actes_classif_nature *nat = &c->natures[c->n_natures++];
		memset(nat, 0, sizeof *nat);
		if (parse_int(actes_dom_attr(a, n, "CodeNatureActe"), &nat->code) < 0)
			return err_set(e, 422, "actes.classification", "NatureActe sans CodeNatureActe entier (ligne %ld)",
				       (long)xmlGetLineNo(n));
		nat->abbr = actes_dom_attr(a, n, "TypeAbrege");
		nat->libelle = actes_dom_attr(a, n, "Libelle");
		size_t nt = 0;
		for (xmlNodePtr t = actes_dom_child(n, "TypePJNatureActe"); t; t = actes_dom_next(t, "TypePJNatureActe"))
			nt++;
		nat->types = nt ? arena_alloc(a, nt * sizeof *nat->types) : NULL;
		for (xmlNodePtr t = actes_dom_child(n, "TypePJNatureActe"); t; t = actes_dom_next(t, "TypePJNatureActe")) {
			const char *code = actes_dom_attr(a, t, "CodeTypePJ");
			if (!code)
				continue;
			nat->types[nat->n_types].code = code;
			const char *l = actes_dom_attr(a, t, "Libelle");
			nat->types[nat->n_types++].libelle = l ? l : "";
			c->has_typology = 1;
		}
	}
	return 0;
}

static int read_classification(xmlNodePtr root, struct actes_classification *c, struct err *e)
{
	if (!actes_dom_is(root, "RetourClassification"))
		return err_set(e, 422, "actes.racine", "ce fichier n'est pas une classification (racine « %s »)",
			       (const char *)root->name);
	const char *date = actes_dom_text(c->a, root, "DateClassification");
	if (!date || !actes_date_valid(date))
		return err_set(e, 422, "actes.classification", "DateClassification absente ou invalide");
	snprintf(c->date, sizeof c->date, "%s", date);
	xmlNodePtr nat = actes_dom_child(root, "NaturesActes");
	if (nat && read_natures(c->a, nat, c, e) < 0)
		return -1;
	xmlNodePtr mat = actes_dom_child(root, "Matieres");
	if (!mat)
		return err_set(e, 422, "actes.classification", "élément Matieres absent");
	return read_level(c->a, mat, 0, &c->matieres, &c->n_matieres, e);
}

int actes_classification_from_doc(xmlNodePtr root, struct actes_classification *c, struct err *e)
{
	if (!c->a)
		c->a = arena_new();
	return read_classification(root, c, e);
}

int actes_classification_parse(const char *data, size_t len, struct actes_classification *c, struct err *e)
{
	memset(c, 0, sizeof *c);
	xmlDocPtr doc = actes_xml_read(data, len, NULL, e);
	if (!doc)
		return -1;
	c->a = arena_new();
	int rc = read_classification(xmlDocGetRootElement(doc), c, e);
	xmlFreeDoc(doc);
	if (rc < 0)
		actes_classification_free(c);
	return rc;
}

int actes_classification_load(const char *path, struct actes_classification *c, struct err *e)
{
	buf b = BUF_INIT;
	memset(c, 0, sizeof *c);
	if (buf_read_file(&b, path, 64u << 20) < 0) {
		buf_free(&b);
		return err_set(e, 404, "actes.classification", "classification illisible : %s", path);
	}
	int rc = actes_classification_parse(b.data, b.len, c, e);
	buf_free(&b);
	return rc;
}

void actes_classification_free(struct actes_classification *c)
{
	if (c->a)
		arena_free(c->a);
	memset(c, 0, sizeof *c);
}

int actes_matiere_parse(const char *s, int out[5])
{
	int depth = 0;
	const char *p = s;
	if (!p || !*p)
		return -1;
	while (*p) {
		if (depth == 5 || !isdigit((unsigned char)*p))
			return -1;
		long v = 0;
		while (isdigit((unsigned char)*p) && v < 100000)
			v = v * 10 + (*p++ - '0');
		if (isdigit((unsigned char)*p))
			return -1;
		out[depth++] = (int)v;
		if (*p == '.' && p[1])
			p++;
		else if (*p)
			return -1;
	}
	return depth;
}

const struct actes_matiere *actes_classification_find(const struct actes_classification *c, const int *path,
						      int depth)
{
	const struct actes_matiere *list = c->matieres, *found = NULL;
	size_t n = c->n_matieres;
	for (int l = 0; l < depth; l++) {
		found = NULL;
		for (size_t i = 0; i < n; i++)
			if (list[i].code == path[l]) {
				found = &list[i];
				break;
			}
		if (!found)
			return NULL;
		list = found->sub;
		n = found->n_sub;
	}
	return found;
}

int actes_classification_check_matiere(const struct actes_classification *c, const int *path, int depth,
				       struct err *e)
{
	if (depth < 2 || depth > 5)
		return err_set(e, 400, "actes.matiere",
			       "la matière doit avoir de 2 à 5 niveaux (les deux premiers sont obligatoires)");
	if (!c)
		return 0;
	buf sofar = BUF_INIT;
	for (int l = 1; l <= depth; l++) {
		buf_printf(&sofar, "%s%d", l > 1 ? "." : "", path[l - 1]);
		if (!actes_classification_find(c, path, l)) {
			err_set(e, 400, "actes.matiere", "matière %s inconnue dans la classification du %s", sofar.data,
				c->date);
			buf_free(&sofar);
			return -1;
		}
	}
	buf_free(&sofar);
	return 0;
}

int actes_classification_check_type(const struct actes_classification *c, int nature, const char *code,
				    struct err *e)
{
	if (!actes_type_pj_valid(code))
		return err_set(e, 400, "actes.type_piece",
			       "type de pièce « %s » mal formé (5 caractères parmi A-Z, 0-9 et _, ex. 99_DE)",
			       code ? code : "");
	if (!c || !c->has_typology)
		return 0;
	for (size_t i = 0; i < c->n_natures; i++) {
		if (c->natures[i].code != nature)
			continue;
		for (size_t k = 0; k < c->natures[i].n_types; k++)
			if (strcmp(c->natures[i].types[k].code, code) == 0)
				return 0;
		return err_set(e, 400, "actes.type_piece",
			       "type de pièce %s non prévu pour la nature %d (%s) dans la classification du %s", code,
			       nature, c->natures[i].libelle ? c->natures[i].libelle : "", c->date);
	}
	return err_set(e, 400, "actes.type_piece", "nature %d absente de la classification du %s", nature, c->date);
}

void actes_classification_label(buf *out, const struct actes_classification *c, const int *path, int depth)
{
	for (int l = 1; l <= depth; l++) {
		const struct actes_matiere *m = actes_classification_find(c, path, l);
		buf_printf(out, "%s%s", l > 1 ? " / " : "", m ? m->libelle : "?");
	}
}

/* ---- versions ---- */

void actes_classif_set_add(struct actes_classif_set *s, struct actes_classification *c)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].date, c->date) == 0) {
			actes_classification_free(&s->v[i]);
			s->v[i] = *c;
			memset(c, 0, sizeof *c);
			return;
		}
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	size_t i = s->n++;
	while (i > 0 && strcmp(s->v[i - 1].date, c->date) > 0) {
		s->v[i] = s->v[i - 1];
		i--;
	}
	s->v[i] = *c;
	memset(c, 0, sizeof *c);
}

const struct actes_classification *actes_classif_set_current(const struct actes_classif_set *s)
{
	return s->n ? &s->v[s->n - 1] : NULL;
}

const struct actes_classification *actes_classif_set_find(const struct actes_classif_set *s, const char *date)
{
	for (size_t i = 0; date && i < s->n; i++)
		if (strcmp(s->v[i].date, date) == 0)
			return &s->v[i];
	return NULL;
}

void actes_classif_set_free(struct actes_classif_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		actes_classification_free(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}
