/* actes_acte: an act to transmit — read from META.json, named as the protocol names its files, and
 * checked against every rule the TdT and the prefecture apply before anything is built or sent. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "actes/actes_priv.h"

/* ---- META.json ---- */

static const char *jstr(arena *a, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		return arena_strdup(a, json_string_value(v));
	if (json_is_integer(v))
		return arena_printf(a, "%lld", (long long)json_integer_value(v));
	return NULL;
}

static int bad_type(json_t *o, const char *key, int (*is)(const json_t *), const char *what, struct err *e)
{
	json_t *v = json_object_get(o, key);
	if (v && !json_is_null(v) && !is(v))
		return err_set(e, 400, "actes.meta", "META.json : « %s » doit être %s", key, what);
	return 0;
}

static int is_str_or_int(const json_t *v)
{
	return json_is_string(v) || json_is_integer(v);
}

static int is_str(const json_t *v)
{
	return json_is_string(v);
}

static int is_int(const json_t *v)
{
	return json_is_integer(v);
}

static int is_bool(const json_t *v)
{
	return json_is_boolean(v) || json_is_integer(v);
}

static int is_array(const json_t *v)
{
	return json_is_array(v);
}

static int is_object(const json_t *v)
{
	return json_is_object(v);
}

static const struct {
	const char *key;
	int (*is)(const json_t *);
	const char *what;
	int required;
} fields[] = {
	{ "siren", is_str, "une chaîne de 9 chiffres", 1 },
	{ "departement", is_str_or_int, "une chaîne (ex. « 062 »)", 1 },
	{ "arrondissement", is_str_or_int, "un chiffre", 1 },
	{ "nature_collectivite", is_str_or_int, "un code à 2 chiffres (ex. « 31 »)", 0 },
	{ "numero", is_str_or_int, "une chaîne", 1 },
	{ "nature", is_str_or_int, "un entier de 1 à 6 ou DE, AR, AI, CC, BF, AU", 1 },
	{ "date_decision", is_str, "une date AAAA-MM-JJ", 1 },
	{ "objet", is_str, "une chaîne", 1 },
	{ "classification", is_str, "une chaîne (ex. « 1.4 »)", 1 },
	{ "classification_date", is_str, "une date AAAA-MM-JJ", 1 },
	{ "type_piece_acte", is_str, "un code de type de pièce (ex. « 99_DE »)", 1 },
	{ "type_pieces_annexes", is_array, "une liste de codes", 0 },
	{ "document_papier", is_bool, "un booléen", 0 },
	{ "precedent_id", is_str, "un identifiant d'acte", 0 },
	{ "referent", is_object, "un objet {nom, telephone, email}", 0 },
	{ "adresses_retour", is_array, "une liste d'adresses électroniques", 0 },
	{ "trigramme", is_str, "une chaîne", 0 },
	{ "sequence", is_int, "un entier", 0 },
	{ "date_envoi", is_str, "une date AAAA-MM-JJ", 0 },
};

/* SIREN categories whose collectivité nature is unambiguous; other SIRENs must say it. */
static const char *nature_from_siren(const char *siren)
{
	static const struct {
		const char *prefix, *nature;
	} map[] = { { "21", "31" }, { "22", "21" }, { "23", "11" } };
	for (size_t i = 0; siren && i < sizeof map / sizeof map[0]; i++)
		if (strncmp(siren, map[i].prefix, 2) == 0)
			return map[i].nature;
	return NULL;
}

static int read_fields(json_t *o, struct actes_acte *a, buf *warn)
{
	arena *ar = a->a;
	a->siren = jstr(ar, o, "siren");
	a->departement = jstr(ar, o, "departement");
	/* "62" and "2A" are common spellings of 062 and 02A. */
	if (a->departement && strlen(a->departement) == 2)
		a->departement = arena_printf(ar, "0%s", a->departement);
	a->arrondissement = jstr(ar, o, "arrondissement");
	a->nature_collectivite = jstr(ar, o, "nature_collectivite");
	if (!a->nature_collectivite) {
		/* Only S2LOW's archive import compares it with the collectivité's record (API posts let
		 * S2LOW write the envelope): deduce it where the SIREN says, else « 71 Autre », and say so. */
		const char *n = nature_from_siren(a->siren);
		a->nature_collectivite = n ? n : "71";
		if (warn)
			buf_printf(warn, "nature_collectivite absente : %s (%s) %s — à préciser dans META.json\n",
				   a->nature_collectivite, actes_nature_collectivite_label(a->nature_collectivite),
				   n ? "déduite du SIREN" : "par défaut");
	}
	a->numero = jstr(ar, o, "numero");
	json_t *nat = json_object_get(o, "nature");
	if (json_is_integer(nat))
		a->nature = (int)json_integer_value(nat);
	else {
		const struct actes_nature *n = actes_nature_by_abbr(json_string_value(nat));
		a->nature = n ? n->code : (int)strtol(json_string_value(nat), NULL, 10);
	}
	a->date_decision = jstr(ar, o, "date_decision");
	a->objet = jstr(ar, o, "objet");
	a->classification = jstr(ar, o, "classification");
	a->n_matiere = actes_matiere_parse(a->classification, a->matiere);
	a->classification_date = jstr(ar, o, "classification_date");
	a->acte.type_pj = jstr(ar, o, "type_piece_acte");
	a->precedent_id = jstr(ar, o, "precedent_id");
	json_t *dp = json_object_get(o, "document_papier");
	a->document_papier = json_is_true(dp) || (json_is_integer(dp) && json_integer_value(dp) != 0);
	return 0;
}

static void read_envelope(json_t *o, struct actes_acte *a, buf *warn)
{
	arena *ar = a->a;
	json_t *ref = json_object_get(o, "referent");
	if (json_is_object(ref)) {
		a->referent_nom = jstr(ar, ref, "nom");
		a->referent_telephone = jstr(ar, ref, "telephone");
		a->referent_email = jstr(ar, ref, "email");
	}
	json_t *ad = json_object_get(o, "adresses_retour");
	size_t n = json_is_array(ad) ? json_array_size(ad) : 0;
	a->adresses_retour = arena_alloc(ar, (n + 1) * sizeof *a->adresses_retour);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(ad, i);
		a->adresses_retour[a->n_adresses_retour++] = json_is_string(v) ? arena_strdup(ar, json_string_value(v)) : "";
	}
	if (a->n_adresses_retour == 0) {
		/* The schema requires one; S2LOW adds its own mailbox first anyway (docs/actes.md). */
		a->adresses_retour[a->n_adresses_retour++] =
			a->referent_email ? a->referent_email : "teletransmission@opale.local";
		if (warn && !a->referent_email)
			buf_puts(warn, "adresses_retour absentes : teletransmission@opale.local utilisée\n");
	}
	a->trigramme = jstr(ar, o, "trigramme");
	if (!a->trigramme)
		a->trigramme = "OPL";
	json_t *seq = json_object_get(o, "sequence");
	a->sequence = json_is_integer(seq) ? (int)json_integer_value(seq) : 1;
	a->date_envoi = jstr(ar, o, "date_envoi");
	if (!a->date_envoi) {
		char today[11];
		actes_today(today);
		a->date_envoi = arena_strdup(ar, today);
	}
}

int actes_meta_parse(const char *text, size_t len, struct actes_acte *a, buf *warn, struct err *e)
{
	memset(a, 0, sizeof *a);
	json_error_t je;
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return err_set(e, 400, "actes.meta", "META.json illisible (ligne %d) : %s", je.line, je.text);
	if (!json_is_object(o)) {
		json_decref(o);
		return err_set(e, 400, "actes.meta", "META.json doit contenir un objet JSON");
	}
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		json_t *v = json_object_get(o, fields[i].key);
		if (fields[i].required && (!v || json_is_null(v))) {
			json_decref(o);
			return err_set(e, 400, "actes.meta", "META.json : champ « %s » manquant (%s)", fields[i].key,
				       fields[i].what);
		}
		if (bad_type(o, fields[i].key, fields[i].is, fields[i].what, e) < 0) {
			json_decref(o);
			return -1;
		}
	}
	a->a = arena_new();
	if (read_fields(o, a, warn) < 0) {
		json_decref(o);
		actes_acte_free(a);
		return -1;
	}
	read_envelope(o, a, warn);
	json_t *types = json_object_get(o, "type_pieces_annexes");
	size_t n = json_is_array(types) ? json_array_size(types) : 0;
	a->annexes = arena_alloc(a->a, (n + 1) * sizeof *a->annexes);
	memset(a->annexes, 0, (n + 1) * sizeof *a->annexes);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(types, i);
		a->annexes[i].type_pj = json_is_string(v) ? arena_strdup(a->a, json_string_value(v)) : "";
	}
	a->n_annexes = n;
	json_decref(o);
	return 0;
}

void actes_acte_free(struct actes_acte *a)
{
	if (a->a)
		arena_free(a->a);
	memset(a, 0, sizeof *a);
}

/* ---- names ---- */

static void compact_date(buf *out, const char *d)
{
	for (const char *p = d ? d : ""; *p; p++)
		if (*p != '-')
			buf_putc(out, *p);
}

void actes_acte_base(buf *out, const struct actes_acte *a)
{
	const struct actes_nature *n = actes_nature_get(a->nature);
	buf_printf(out, "%s-%s-", a->departement ? a->departement : "", a->siren ? a->siren : "");
	compact_date(out, a->date_decision);
	buf_printf(out, "-%s-%s", a->numero ? a->numero : "", n ? n->abbr : "XX");
}

void actes_meta_name(buf *out, const struct actes_acte *a)
{
	actes_acte_base(out, a);
	buf_puts(out, "-1-1_0.xml");
}

void actes_piece_name(buf *out, const struct actes_acte *a, size_t idx)
{
	const struct actes_piece *p = idx == 0 ? &a->acte : &a->annexes[idx - 1];
	const char *ext = actes_file_ext(actes_file_sniff(p->data, p->len));
	buf_printf(out, "%s-", p->type_pj ? p->type_pj : "");
	actes_acte_base(out, a);
	buf_printf(out, "-1-1_%zu.%s", idx + 1, ext ? ext : "bin");
}

void actes_envelope_name(buf *out, const struct actes_acte *a)
{
	buf_printf(out, "EACT--%s--", a->siren ? a->siren : "");
	compact_date(out, a->date_envoi);
	buf_printf(out, "-%d.xml", a->sequence);
}

void actes_archive_name(buf *out, const struct actes_acte *a)
{
	buf_printf(out, "%s-", a->trigramme);
	actes_envelope_name(out, a);
	out->len -= 4;   /* ".xml" */
	out->data[out->len] = '\0';
	buf_puts(out, ".tar.gz");
}
