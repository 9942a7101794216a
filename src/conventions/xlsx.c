/* xlsx: the register and the budget table as a workbook (libxlsxwriter) — sheet « Registre » (one row
 * per convention or avenant, dates as dates) and sheet « Budget » (one row per budget line with its
 * formula as written, committed, paid, left, and totals by financer and by year). Amounts are exact
 * integer cents everywhere else; a spreadsheet cell holds a double: the one nearest to the cents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "conventions/conventions_db.h"

static double euros(json_t *money)
{
	return (double)json_integer_value(json_object_get(money, "centimes")) / 100.0;
}

static void date_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *iso, lxw_format *f)
{
	struct date d;
	if (iso && date_parse(iso, &d, NULL) == 0) {
		lxw_datetime dt = { d.y, d.m, d.d, 0, 0, 0 };
		worksheet_write_datetime(ws, r, c, &dt, f);
	}
}

int cv_xlsx(json_t *conventions, buf *out, struct err *e)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/opale-conventions-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return err_set(e, 500, "conventions.xlsx", "Fichier temporaire impossible à créer.");
	close(fd);
	int rc = -1;
	lxw_workbook *wb = workbook_new(path);
	if (!wb) {
		err_set(e, 500, "conventions.xlsx", "Classeur impossible à créer.");
		goto out;
	}
	lxw_doc_properties props = { .title = "Registre des conventions", .author = "Opale" };
	workbook_set_properties(wb, &props);
	lxw_format *head = workbook_add_format(wb), *money = workbook_add_format(wb), *date = workbook_add_format(wb),
		   *bold_money = workbook_add_format(wb), *bold = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xECECF2);
	format_set_text_wrap(head);
	format_set_num_format(money, "#,##0.00 \"€\"");
	format_set_num_format(bold_money, "#,##0.00 \"€\"");
	format_set_bold(bold_money);
	format_set_bold(bold);
	format_set_num_format(date, "dd/mm/yyyy");

	lxw_worksheet *reg = workbook_add_worksheet(wb, "Registre");
	static const char *const rh[] = { "Référence", "Titre", "Partenaire", "Avenant n°", "Signature", "Prise d'effet", "Échéance",
					  "Fin au plus tard", "Renouvellement", "Renouvellements décidés", "Renouvellements max.", "État",
					  "Montant", "Prochaine alerte", "Date de l'alerte" };
	for (int c = 0; c < 15; c++)
		worksheet_write_string(reg, 0, (lxw_col_t)c, rh[c], head);
	worksheet_set_column(reg, 1, 2, 40, NULL);
	worksheet_set_column(reg, 13, 13, 50, NULL);
	lxw_worksheet *bud = workbook_add_worksheet(wb, "Budget");
	static const char *const bh[] = { "Convention", "Partenaire", "Fiche-action", "Libellé", "Financeur", "Année", "Formule", "Taxes",
					  "Engagé", "Payé", "Reste" };
	for (int c = 0; c < 11; c++)
		worksheet_write_string(bud, 0, (lxw_col_t)c, bh[c], head);
	worksheet_set_column(bud, 0, 3, 32, NULL);
	lxw_row_t r = 1, b = 1;
	int64_t total = 0, paid = 0;
	json_t *by_fin = json_object(), *by_year = json_object();
	size_t i, k, x;
	json_t *c, *l, *f;
	json_array_foreach(conventions, i, c) {
		json_t *a = json_array_get(json_object_get(c, "alertes"), 0);
		worksheet_write_string(reg, r, 0, cv_str(c, "reference"), NULL);
		worksheet_write_string(reg, r, 1, cv_str(c, "titre"), NULL);
		worksheet_write_string(reg, r, 2, cv_str(c, "partenaire"), NULL);
		if (json_integer_value(json_object_get(c, "avenant_numero")))
			worksheet_write_number(reg, r, 3, (double)json_integer_value(json_object_get(c, "avenant_numero")), NULL);
		date_cell(reg, r, 4, cv_str(c, "signature_date"), date);
		date_cell(reg, r, 5, cv_str(c, "debut"), date);
		date_cell(reg, r, 6, cv_str(c, "echeance"), date);
		date_cell(reg, r, 7, cv_str(c, "fin_possible"), date);
		worksheet_write_string(reg, r, 8, cv_str(c, "renouvellement_libelle"), NULL);
		worksheet_write_number(reg, r, 9, (double)json_integer_value(json_object_get(c, "renouvellements_faits")), NULL);
		worksheet_write_number(reg, r, 10, (double)json_integer_value(json_object_get(c, "renouvellements_max")), NULL);
		worksheet_write_string(reg, r, 11, cv_str(c, "etat_libelle"), NULL);
		worksheet_write_number(reg, r, 12, euros(json_object_get(c, "montant")), money);
		if (a) {
			worksheet_write_string(reg, r, 13, cv_str(a, "message"), NULL);
			date_cell(reg, r, 14, cv_str(a, "date"), date);
		}
		r++;
		json_array_foreach(json_object_get(json_object_get(c, "budget"), "lignes"), k, l) {
			const char *fiche = "";
			json_array_foreach(json_object_get(c, "fiches"), x, f) if (json_integer_value(json_object_get(f, "id")) ==
										     json_integer_value(json_object_get(l, "fiche_id"))) fiche = cv_str(f, "intitule");
			worksheet_write_string(bud, b, 0, cv_str(c, "titre"), NULL);
			worksheet_write_string(bud, b, 1, cv_str(c, "partenaire"), NULL);
			worksheet_write_string(bud, b, 2, fiche, NULL);
			worksheet_write_string(bud, b, 3, cv_str(l, "libelle"), NULL);
			worksheet_write_string(bud, b, 4, cv_str(l, "financeur"), NULL);
			worksheet_write_number(bud, b, 5, (double)json_integer_value(json_object_get(l, "annee")), NULL);
			worksheet_write_string(bud, b, 6, cv_str(l, "formule"), NULL);
			worksheet_write_string(bud, b, 7, cv_str(l, "taxes"), NULL);
			worksheet_write_number(bud, b, 8, euros(json_object_get(l, "montant")), money);
			worksheet_write_number(bud, b, 9, euros(json_object_get(l, "paye")), money);
			worksheet_write_number(bud, b, 10, euros(json_object_get(l, "reste")), money);
			b++;
			int64_t m = json_integer_value(json_object_get(json_object_get(l, "montant"), "centimes"));
			total += m;
			paid += json_integer_value(json_object_get(json_object_get(l, "paye"), "centimes"));
			cv_budget_tally(l, m, by_fin, by_year);
		}
	}
	worksheet_write_string(bud, b, 0, "Total", bold);
	worksheet_write_number(bud, b, 8, (double)total / 100.0, bold_money);
	worksheet_write_number(bud, b, 9, (double)paid / 100.0, bold_money);
	worksheet_write_number(bud, b, 10, (double)(total - paid) / 100.0, bold_money);
	b += 2;
	const char *key;
	json_t *v;
	worksheet_write_string(bud, b++, 0, "Par financeur", bold);
	json_object_foreach(by_fin, key, v) {
		worksheet_write_string(bud, b, 0, key, NULL);
		worksheet_write_number(bud, b++, 8, (double)json_integer_value(v) / 100.0, money);
	}
	b++;
	worksheet_write_string(bud, b++, 0, "Par année", bold);
	json_object_foreach(by_year, key, v) {
		worksheet_write_string(bud, b, 0, key, NULL);
		worksheet_write_number(bud, b++, 8, (double)json_integer_value(v) / 100.0, money);
	}
	json_decref(by_fin);
	json_decref(by_year);
	lxw_error le = workbook_close(wb);
	if (le != LXW_NO_ERROR) {
		err_set(e, 500, "conventions.xlsx", "Écriture du classeur impossible : %s", lxw_strerror(le));
		goto out;
	}
	if (buf_read_file(out, path, 0) < 0) {
		err_set(e, 500, "conventions.xlsx", "Relecture du classeur impossible.");
		goto out;
	}
	rc = 0;
out:
	unlink(path);
	return rc;
}
