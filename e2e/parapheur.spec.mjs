// Journey (parapheur, partial): the DGS opens the parapheur on a phone, finds the demo convention in
// « À traiter », reads it, visas it; the président then has it to sign. axe-core on every page.
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
await browser.close();
done();
