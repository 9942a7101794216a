// Journey (égalité): the collectivité's administrator uploads a bad HR file (problems listed with
// their lines), then the 2023 export; the diagnostic shows as HTML with its downloads. axe-core on
// every page, on a phone.
import { launch, axe, ok, done, BASE, fits, login } from './lib.mjs';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const { browser, page } = await launch({ phone: true });
await login(page, 'ccpo.admin');
await page.goto(BASE + '/egalite');
ok((await page.textContent('h1')).includes('Égalité professionnelle'), 'the equality page opens');
await axe(page, 'égalité: upload form (phone)');
const bad = '/tmp/opale-e2e-egalite-faux.csv';
writeFileSync(bad, 'matricule;sexe;date_naissance;statut;categorie;filiere;encadrant;temps_travail;quotite;' +
  'remuneration_brute_annuelle;mois_remuneres;etablissement\nA1;X;1980-01-01;fonctionnaire;A;administrative;non;complet;100;40000;12;\n');
await page.setInputFiles('#fichier', bad);
await page.fill('#date', '2023-12-31');
await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
const refused = await page.textContent('main');
ok(refused.includes('Fichier refusé') && refused.includes('sexe'), 'a bad file is refused with its line and reason', refused.slice(0, 300));
await axe(page, 'égalité: refused file');
await page.setInputFiles('#fichier', fileURLToPath(new URL('../tests/data/egalite/ccpo-2023.csv', import.meta.url)));
await page.fill('#date', '2023-12-31');
await page.fill('#a_part', 'Ecole intercommunale de musique');
await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
ok((await page.textContent('h1')).includes('Diagnostic égalité au 31/12/2023'), 'the diagnostic page opens');
ok((await page.locator('.egalite-rapport svg').count()) > 3, 'its charts are drawn');
await axe(page, 'égalité: diagnostic (phone)');
ok(await fits(page), 'the diagnostic page fits a 375 px phone screen (its tables scroll inside their region)');
const pdf = await page.request.get(BASE + await page.getAttribute('a[href$="/pdf"]', 'href'));
ok(pdf.status() === 200 && (await pdf.body()).subarray(0, 5).toString() === '%PDF-', 'the PDF downloads');
await browser.close();
done();
