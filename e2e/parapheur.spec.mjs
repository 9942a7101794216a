// Journey (parapheur, partial): the DGS opens the parapheur on a phone, finds the demo convention in
// « À traiter », reads it, visas it; the président then has it to sign; the agent downloads the
// bordereau and the ZIP; the administrator opens the desks and the circuit editor and saves a circuit.
// axe-core on every page.
import { launch, axe, ok, done, BASE } from './lib.mjs';

const { browser, page } = await launch({ phone: true });
async function login(user) {
  await page.goto(BASE + '/connexion');
  await page.fill('#login', user);
  await page.fill('#password', 'Opale-Demo-2024!');
  await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
}
await login('ccpo.dgs');
await page.goto(BASE + '/parapheur');
ok((await page.textContent('h1')).includes('Parapheur'), 'the parapheur page opens');
await axe(page, 'parapheur trays (phone)');
await page.click('text=Convention e-administration CDG 62');
ok((await page.textContent('h1')).includes('Convention e-administration CDG 62'), 'the folder opens from the tray');
await axe(page, 'folder page (phone)');
const doc = await page.request.get(BASE + await page.getAttribute('a[href*="/documents/"]', 'href'));
ok(doc.status() === 200 && (await doc.body()).subarray(0, 5).toString() === '%PDF-', 'the main document downloads as a PDF');
await page.fill('textarea[name=annotation]', 'Vu, conforme à la délibération');
await page.screenshot({ path: '/tmp/pa-folder.png', fullPage: true });
const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
ok(!wide, 'the folder page fits a 375 px phone screen (no horizontal scroll)');
await Promise.all([page.waitForLoadState('load'), page.click('button[value=visa]')]);
const main = await page.textContent('main');
ok(main.includes('Action enregistrée') && main.includes('Vu, conforme'), 'the DGS visas; the history shows the annotation', main.slice(0, 300));
await axe(page, 'folder after visa');
await page.click('text=Se déconnecter');
await login('ccpo.president');
await page.goto(BASE + '/parapheur');
ok((await page.textContent('main')).includes('Convention e-administration CDG 62'), 'the président now has it in a tray');
await page.click('text=Se déconnecter');

// The agent downloads the bordereau and the ZIP export of the folder.
await login('ccpo.agent');
await page.goto(BASE + '/parapheur');
await page.click('text=Convention e-administration CDG 62');
const bord = await page.request.get(BASE + await page.getAttribute('a[href$="/bordereau"]', 'href'));
ok(bord.status() === 200 && (await bord.body()).subarray(0, 5).toString() === '%PDF-', 'the bordereau downloads as a PDF');
const zip = await page.request.get(BASE + await page.getAttribute('a[href$="/export"]', 'href'));
ok(zip.status() === 200 && (await zip.body()).subarray(0, 2).toString() === 'PK', 'the folder downloads as a ZIP');
await page.click('text=Se déconnecter');

// The administrator's pages: overview, a desk, the circuit editor (phone, axe-core).
await login('ccpo.admin');
await page.goto(BASE + '/parapheur/administration');
ok((await page.textContent('h1')).includes('Administration du parapheur'), 'the parapheur administration opens');
await axe(page, 'parapheur administration (phone)');
await page.click('a[href^="/parapheur/administration/bureaux/"]:has-text("Présidence")');
ok((await page.textContent('h1')).includes('Présidence'), 'a desk page opens');
await axe(page, 'desk page with delegations (phone)');
await page.goto(BASE + '/parapheur/administration');
await page.click('a[href^="/parapheur/administration/types/"]');
ok((await page.textContent('h1')).includes('Type'), 'a type page opens');
await axe(page, 'type page with its sub-types (phone)');
await page.click('a[href^="/parapheur/administration/sous-types/"]');
ok((await page.textContent('h1')).includes('Sous-type'), 'a sub-type page opens');
await axe(page, 'sub-type page with selection rules (phone)');
await page.goto(BASE + '/parapheur/administration');
await page.click('a[href^="/parapheur/administration/circuits/"]');
ok((await page.textContent('h1')).includes('Circuit'), 'the circuit editor opens');
await axe(page, 'circuit editor (phone)');
const wideEd = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
ok(!wideEd, 'the circuit editor fits a 375 px phone screen');
await page.fill('#nom', 'Convention CDG 62 (modifié)');
await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
ok((await page.textContent('main')).includes('Circuit enregistré'), 'the circuit is saved from the editor');
await page.click('text=Se déconnecter');

// A tray page with its search form and bulk actions (the président's « À traiter »).
await login('ccpo.president');
await page.goto(BASE + '/parapheur');
await page.click('a[href$="/bannettes/a-traiter"]');
ok((await page.textContent('h1')).includes('À traiter'), 'the tray page opens');
ok(await page.isVisible('input[name=dossiers]'), 'folders can be selected for a bulk action');
await axe(page, 'tray page with search and bulk form (phone)');
await page.click('summary');
await page.fill('#q', 'CDG');
await Promise.all([page.waitForLoadState('load'), page.click('form[role=search] button[type=submit]')]);
ok((await page.textContent('main')).includes('Convention e-administration CDG 62'), 'the search finds the convention');
await browser.close();
done();
