// Journey (@ctes, partial): the agent opens the acts on a phone, creates a délibération with its PDF
// (a wrong number first: the violation is named), sees it as a draft and asks for its transmission.
// axe-core on every page. (No TdT in this run: the act stays « En attente de transmission ».) A second
// act is sent into a parapheur circuit (no transmission meanwhile, folder ↔ act links); the
// administrator edits the télétransmission settings and tests the connection (it fails, in French).
import { launch, axe, ok, done, BASE, fits, login } from './lib.mjs';
import { writeFileSync } from 'node:fs';

const { browser, page } = await launch({ phone: true });
await login(page, 'ccpo.agent');
await page.goto(BASE + '/actes');
ok((await page.textContent('h1')).includes('Actes'), 'the acts page opens');
ok((await page.textContent('main')).includes('2024_041'), 'the demo délibération is listed');
await axe(page, 'acts list (phone)');
await page.click('text=Nouvel acte');
await axe(page, 'act form (phone)');
// live check (web/static/actes_nouveau.js → POST /api/v1/actes/valider): each message next to its field
const errText = id => page.evaluate(i => (document.getElementById('err-' + i) || {}).textContent || '', id);
await page.fill('#numero', '2024-1');
await page.fill('#date_decision', '2024-11-05');
await page.focus('#objet');
await page.waitForFunction(() => (document.getElementById('err-numero') || {}).textContent?.includes('numéro interne'), null, { timeout: 10000 });
ok(await page.getAttribute('#numero', 'aria-invalid') === 'true', 'live check: a malformed number is named next to its field (aria-invalid)');
ok(await page.getAttribute('#err-numero', 'aria-live') === 'polite' &&
  (await page.getAttribute('#numero', 'aria-describedby')).includes('err-numero'), '… in a polite live region tied to the field');
ok((await errText('objet')) === '', '… and nothing is said of the fields not yet filled');
await page.fill('#numero', '2024_041');
await page.waitForFunction(() => document.getElementById('err-numero').textContent.includes('existe déjà'), null, { timeout: 10000 });
ok(true, 'live check: a number already used that year is named (same rule as the creation)');
writeFileSync('/tmp/e2e-note.txt', 'pas un PDF\n');
await page.setInputFiles('#document', '/tmp/e2e-note.txt');
await page.waitForFunction(() => document.getElementById('err-document').textContent.includes('PDF requis'), null, { timeout: 10000 });
ok(true, 'live check: a text file as the act is refused from its first bytes, before any upload');
await axe(page, 'act form with live messages (phone)');
await page.fill('#numero', '2024_092');
await page.waitForFunction(() => document.getElementById('err-numero').textContent === '', null, { timeout: 10000 });
ok(await page.getAttribute('#numero', 'aria-invalid') === null, 'live check: the message goes once the number is right');
// a one-page PDF, small and valid (offsets computed)
const objs = ['<</Type/Catalog/Pages 2 0 R>>', '<</Type/Pages/Kids[3 0 R]/Count 1>>', '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>'];
let body = '%PDF-1.4\n';
const offs = objs.map((o, i) => { const at = body.length; body += `${i + 1} 0 obj${o}endobj\n`; return at; });
const xref = body.length;
body += 'xref\n0 4\n0000000000 65535 f \n' + offs.map(o => String(o).padStart(10, '0') + ' 00000 n \n').join('') +
  'trailer<</Size 4/Root 1 0 R>>\nstartxref\n' + xref + '\n%%EOF\n';
writeFileSync('/tmp/e2e-acte.pdf', body);
async function fill(numero) {
  await page.fill('#numero', numero);
  await page.fill('#objet', 'Tarifs de la piscine communautaire 2025');
  await page.fill('#date_decision', '2024-11-05');
  await page.selectOption('#nature', '1');
  await page.fill('#matiere', '7.1');
  await page.fill('#type_piece', '99_DE');
  await page.setInputFiles('#document', '/tmp/e2e-acte.pdf');
}
await fill('2024_9_');
await page.evaluate(() => document.querySelector('#numero').removeAttribute('pattern'));
await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
ok((await page.textContent('main')).includes('actes.numero'), 'a number ending with _ is refused and the rule named');
await axe(page, 'act form with violations');
await fill('2024_090');
await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
let main = await page.textContent('main');
ok(main.includes('Acte 2024_090') && main.includes('Brouillon'), 'the act is recorded as a draft', main.slice(0, 300));
await axe(page, 'act page (phone)');
ok(await fits(page), 'the act page fits a 375 px phone screen');
await Promise.all([page.waitForLoadState('load'), page.click('text=Transmettre à la préfecture')]);
main = await page.textContent('main');
ok(main.includes('En attente de transmission'), 'after « Transmettre » the act waits for the TdT', main.slice(0, 300));
await page.goto(BASE + '/actes/courriers');
ok((await page.textContent('h1')).includes('Courriers de la préfecture') && (await page.textContent('main')).includes('L2131-6'),
  'the letters page explains the prefect\'s delay and its source');
await axe(page, 'prefecture letters (phone)');
// a second act goes through the parapheur first: « Envoyer en signature », no transmission meanwhile
await page.goto(BASE + '/actes/nouveau');
await fill('2024_091');
await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
await page.selectOption('#sous-type', { label: "Convention — Convention d'adhésion" });
await Promise.all([page.waitForLoadState('load'), page.click('text=Envoyer en signature')]);
main = await page.textContent('main');
ok(main.includes('dossier n°') && main.includes('en cours') && !main.includes('Transmettre à la préfecture'),
  'sent to signature: the folder is linked, no transmission before the circuit ends', main.slice(0, 400));
await axe(page, 'act in its circuit (phone)');
await page.click('main a[href^="/parapheur/dossiers/"]');
ok((await page.textContent('main')).includes('Acte 2024_091'), 'the folder page links back to the act');
await axe(page, 'folder of an act (phone)');
// the administrator's télétransmission settings
await page.goto(BASE + '/deconnexion').catch(() => {});
await page.context().clearCookies();
await login(page, 'ccpo.admin');
await page.goto(BASE + '/actes');
await Promise.all([page.waitForLoadState('load'), page.click('text=Paramètres de télétransmission')]);
await axe(page, 'télétransmission settings (phone)');
await page.fill('#tdt-url', 'https://s2low.example.invalid');
await page.fill('#tdt-login', 'ccpo-actes');
await Promise.all([page.waitForLoadState('load'), page.click('text=Enregistrer')]);
ok((await page.textContent('main')).includes('Paramètres de télétransmission enregistrés'), 'settings saved');
await Promise.all([page.waitForLoadState('load'), page.click('text=Tester la connexion')]);
main = await page.textContent('main');
ok(main.includes('s2low.example.invalid') || main.includes('injoignable') || main.includes('joindre'), 'the connection test explains its failure in French', main.slice(0, 400));
await axe(page, 'settings with a failed test');
await browser.close();
done();
