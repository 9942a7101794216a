/* actes_check: an ACTES archive checked as the TdT and the prefecture would — name and size, the
 * envelope, every XML against the XSD, the act's rules, every referenced file present and named
 * as the protocol names it, nothing else inside. Each violation is named. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "actes/actes_priv.h"

/* "<TRI>-EACT--<SIREN>--<YYYYMMDD>-<N>.tar.gz": fills the envelope name (EACT--….xml), the prefix, the
 * date (YYYY-MM-DD) and the serial; 0 when the name follows the pattern. */
struct archive_name {
	char envelope[128], trigramme[16], siren[16], date[11];
	int serial;
};

static int parse_archive_name(const char *path, struct archive_name *an)
{
	memset(an, 0, sizeof *an);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dash = strchr(base, '-');
	size_t len = strlen(base);
	if (!dash || len < 8 || strcmp(base + len - 7, ".tar.gz") != 0 || (size_t)(dash - base) >= sizeof an->trigramme)
		return -1;
	memcpy(an->trigramme, base, (size_t)(dash - base));
	size_t env_len = (size_t)(base + len - 7 - (dash + 1));
	if (env_len + 5 > sizeof an->envelope)
		return -1;
	snprintf(an->envelope, sizeof an->envelope, "%.*s.xml", (int)env_len, dash + 1);
	char siren[16], date[9];
	int serial, consumed = 0;
	if (sscanf(an->envelope, "EACT--%9[0-9]--%8[0-9]-%d.xml%n", siren, date, &serial, &consumed) != 3 ||
	    consumed != (int)strlen(an->envelope) || strlen(date) != 8)
		return -1;
	snprintf(an->siren, sizeof an->siren, "%s", siren);
	snprintf(an->date, sizeof an->date, "%.4s-%.2s-%.2s", date, date + 4, date + 6);
	an->serial = serial;
	return 0;
}

struct ctx {
	struct actes_member *m;
	size_t n;
	char *used;   /* member referenced by the envelope or a message */
	struct actes_report *r;
	const struct actes_classification *c;
	const char *today;
};

static struct actes_member *member(struct ctx *x, const char *name)
{
	for (size_t i = 0; name && i < x->n; i++)
		if (strcmp(x->m[i].name, name) == 0) {
			x->used[i] = 1;
			return &x->m[i];
		}
	return NULL;
}

/* The typology code is the file name's prefix up to the first dash (it holds no dash itself). */
static const char *type_from_name(arena *a, const char *name)
{
	const char *dash = strchr(name, '-');
	return dash && dash - name == 5 ? arena_strndup(a, name, 5) : "";
}

static void expect_name(struct ctx *x, const char *actual, const char *expected, const char *what)
{
	if (strcmp(actual, expected) != 0)
		actes_report_add(x->r, "actes.nom_fichier", actual, "%s mal nommé : « %s » attendu", what, expected);
}

static void check_acte(struct ctx *x, const struct actes_enveloppe *env, const struct archive_name *an,
		       const char *meta_file, const struct actes_message *msg)
{
	const struct actes_donnees *d = &msg->acte;
	struct actes_acte a = { 0 };
	a.a = arena_new();
	a.siren = env->siren;
	a.departement = env->departement;
	a.arrondissement = env->arrondissement;
	a.nature_collectivite = env->nature;
	a.adresses_retour = env->adresses_retour;
	a.n_adresses_retour = env->n_adresses_retour;
	a.referent_email = env->referent_email;
	a.trigramme = an->trigramme[0] ? an->trigramme : "OPL";
	a.sequence = an->serial ? an->serial : 1;
	a.date_envoi = an->date[0] ? an->date : x->today;
	a.numero = d->numero;
	a.nature = d->nature;
	a.date_decision = d->date;
	a.objet = d->objet;
	memcpy(a.matiere, d->matiere, sizeof a.matiere);
	a.n_matiere = d->n_matiere;
	for (int i = 0; i < d->n_matiere; i++)
		if (d->matiere[i] == 0)
			a.n_matiere = -1;   /* a level skipped (CodeMatiere3 absent before CodeMatiere4) */
	a.classification = "";
	a.classification_date = d->classification_date;
	a.precedent_id = d->precedent_id;
	a.document_papier = d->document_papier > 0;
	struct actes_member *mb = member(x, d->document.nom);
	a.acte = (struct actes_piece){ d->document.nom, type_from_name(a.a, d->document.nom),
				       mb ? (const unsigned char *)mb->data : NULL, mb ? mb->len : 0 };
	a.n_annexes = d->n_annexes;
	a.annexes = arena_alloc(a.a, (d->n_annexes + 1) * sizeof *a.annexes);
	for (size_t i = 0; i < d->n_annexes; i++) {
		mb = member(x, d->annexes[i].nom);
		a.annexes[i] = (struct actes_piece){ d->annexes[i].nom, type_from_name(a.a, d->annexes[i].nom),
						     mb ? (const unsigned char *)mb->data : NULL, mb ? mb->len : 0 };
	}
	if (d->annexes_nombre != (long)d->n_annexes)
		actes_report_add(x->r, "actes.annexes", meta_file, "Annexes/@Nombre vaut %ld mais %zu annexes sont listées",
				 d->annexes_nombre, d->n_annexes);
	size_t before = x->r->n;
	actes_acte_check(&a, x->c, x->today, x->r);
	for (size_t i = before; i < x->r->n; i++)
		if (!*x->r->items[i].file) {
			free(x->r->items[i].file);
			x->r->items[i].file = xstrdup(meta_file);
		}
	/* Names as the protocol builds them (also catches an extension that lies about the content). */
	buf want = BUF_INIT;
	actes_meta_name(&want, &a);
	expect_name(x, meta_file, want.data, "fichier de métadonnées");
	for (size_t i = 0; i <= a.n_annexes; i++) {
		const struct actes_piece *p = i == 0 ? &a.acte : &a.annexes[i - 1];
		if (!p->data)
			continue;
		buf_reset(&want);
		actes_piece_name(&want, &a, i);
		expect_name(x, p->name, want.data, i == 0 ? "fichier de l'acte" : "fichier d'annexe");
	}
	buf_free(&want);
	arena_free(a.a);
}

/* Outgoing messages other than 1-1 (replies, cancellation, classification request). */
static void check_other(struct ctx *x, const char *file, const struct actes_message *msg)
{
	if (msg->type->from_prefecture || msg->type->kind == ACTES_MSG_ENVELOPPE_CL) {
		actes_report_add(x->r, "actes.message", file, "message « %s » inattendu dans une archive de la collectivité",
				 msg->type->root);
		return;
	}
	for (size_t i = 0; i < msg->n_documents; i++)
		if (!member(x, msg->documents[i].nom))
			actes_report_add(x->r, "actes.fichier_absent", msg->documents[i].nom,
					 "document référencé par %s absent de l'archive", file);
}

static void check_envelope(struct ctx *x, struct actes_member *env, const struct archive_name *an)
{
	struct err e = { 0 };
	if (actes_xsd_validate(env->data, env->len, env->name, x->r, 0, &e) < 0) {
		actes_report_add(x->r, e.code, env->name, "%s", e.msg);
		return;
	}
	struct actes_message em;
	if (actes_message_parse(env->data, env->len, &em, &e) < 0) {
		actes_report_add(x->r, "actes.enveloppe", env->name, "%s", e.msg);
		return;
	}
	if (em.type->kind != ACTES_MSG_ENVELOPPE_CL) {
		actes_report_add(x->r, "actes.enveloppe", env->name, "EnveloppeCLMISILL attendue, %s trouvé", em.type->root);
		actes_message_free(&em);
		return;
	}
	if (an->siren[0] && em.enveloppe.siren && strcmp(an->siren, em.enveloppe.siren) != 0)
		actes_report_add(x->r, "actes.siren", env->name, "le SIREN du nom de l'archive (%s) diffère de celui de "
				 "l'enveloppe (%s)", an->siren, em.enveloppe.siren);
	if (em.enveloppe.n_formulaires == 0)
		actes_report_add(x->r, "actes.enveloppe", env->name, "aucun formulaire dans l'enveloppe");
	for (size_t i = 0; i < em.enveloppe.n_formulaires; i++) {
		const char *f = em.enveloppe.formulaires[i];
		struct actes_member *mb = member(x, f);
		if (!mb) {
			actes_report_add(x->r, "actes.fichier_absent", f, "formulaire listé par l'enveloppe absent de l'archive");
			continue;
		}
		if (actes_xsd_validate(mb->data, mb->len, mb->name, x->r, 0, &e) < 0)
			continue;
		struct actes_message msg;
		if (actes_message_parse(mb->data, mb->len, &msg, &e) < 0) {
			actes_report_add(x->r, e.code, f, "%s", e.msg);
			continue;
		}
		if (msg.type->kind == ACTES_MSG_ACTE)
			check_acte(x, &em.enveloppe, an, f, &msg);
		else
			check_other(x, f, &msg);
		actes_message_free(&msg);
	}
	actes_message_free(&em);
}

int actes_archive_check(const char *path, const struct actes_classification *c, const char *today,
			struct actes_report *r, struct err *e)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return err_set(e, 404, "actes.archive", "archive introuvable : %s", path);
	char now[11];
	if (!today) {
		actes_today(now);
		today = now;
	}
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct archive_name an;
	if (parse_archive_name(path, &an) < 0)
		actes_report_add(r, "actes.nom_archive", base,
				 "nom d'archive non conforme : <préfixe>-EACT--<SIREN>--<AAAAMMJJ>-<n>.tar.gz attendu");
	else if (an.serial < 1 || an.serial > ACTES_SERIAL_MAX)
		actes_report_add(r, "actes.sequence", base, "numéro d'enveloppe %d hors de 1..%d", an.serial, ACTES_SERIAL_MAX);
	if ((size_t)st.st_size > ACTES_ARCHIVE_MAX)
		actes_report_add(r, "actes.taille", base, "la taille de l'archive est trop élevée, %lld octets (maximum %zu "
				 "octets autorisés)", (long long)st.st_size, ACTES_ARCHIVE_MAX);
	struct ctx x = { .r = r, .c = c, .today = today };
	struct err re = { 0 };
	int n = actes_targz_read(path, 2 * ACTES_ARCHIVE_MAX, &x.m, &re);
	if (n < 0) {
		actes_report_add(r, re.code, base, "%s", re.msg);
		return 0;
	}
	x.n = (size_t)n;
	x.used = xcalloc(x.n + 1, 1);
	size_t total = 0;
	for (size_t i = 0; i < x.n; i++) {
		total += x.m[i].len;
		for (size_t k = 0; k < i; k++)
			if (strcmp(x.m[i].name, x.m[k].name) == 0)
				actes_report_add(r, "actes.archive", x.m[i].name, "fichier présent deux fois dans l'archive");
	}
	if (total > ACTES_ARCHIVE_MAX)
		actes_report_add(r, "actes.taille", base, "la taille totale des fichiers est trop importante : %zu octets "
				 "(%zu au plus)", total, ACTES_ARCHIVE_MAX);
	struct actes_member *env = an.envelope[0] ? member(&x, an.envelope) : NULL;
	for (size_t i = 0; !env && i < x.n; i++)
		if (strncmp(x.m[i].name, "EACT--", 6) == 0 || strstr(x.m[i].name, "--")) {
			env = &x.m[i];
			x.used[i] = 1;
			if (an.envelope[0])
				actes_report_add(r, "actes.nom_fichier", env->name, "enveloppe mal nommée : « %s » attendu "
						 "(nom de l'archive sans préfixe)", an.envelope);
		}
	if (!env)
		actes_report_add(r, "actes.enveloppe", base, "aucune enveloppe EACT--….xml dans l'archive");
	else
		check_envelope(&x, env, &an);
	for (size_t i = 0; i < x.n; i++)
		if (!x.used[i])
			actes_report_add(r, "actes.fichier_en_trop", x.m[i].name, "fichier référencé par aucun formulaire");
	free(x.used);
	actes_members_free(x.m, x.n);
	return 0;
}
