// Journey (after the séance): on a phone, the secretary opens the procès-verbal of the demo séance,
// designates the president and the secretary, writes the debates of the first point, saves (a new
// version), downloads the draft PDF, arrêtes it; then opens the liste des délibérations (deadline
// shown, PDF) and the registre page (yearly export). axe-core on every page.
import { launch, axe, ok, done, BASE, fits, login } from './lib.mjs';

const { browser, page } = await launch({ phone: true });
await login(page, 'ccpo.secretaire');
const pdf = async (href) => {
  const res = await page.request.get(BASE + href);
  return res.status() === 200 && (await res.body()).subarray(0, 4).toString() === '%PDF';
};

await page.goto(BASE + '/seances');
await Promise.all([page.waitForLoadState('load'), page.click('main .cards a')]);
await Promise.all([page.waitForLoadState('load'), page.click('text=Procès-verbal')]);
ok((await page.textContent('h1')).includes('Procès-verbal'), 'the PV page opens from the séance');
ok((await page.textContent('main')).includes('brouillon'), 'a draft');
await axe(page, 'procès-verbal draft (phone)');
ok(await fits(page), 'the PV page fits a 375 px phone screen');
await page.selectOption('#pv-president', { index: 1 });
await page.selectOption('#pv-secretaire', { index: 2 });
await page.fill('#pv-intro', 'La séance est ouverte à 18 h 35.');
await page.locator('textarea[name^="debat-"]').first().fill('Le rapporteur présente la convention ; aucune observation.');
await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/pv"] button[type=submit]')]);
let main = await page.textContent('main');
ok(main.includes('Procès-verbal enregistré') && main.includes('version 1'), 'saved as version 1', main.slice(0, 300));
ok((await page.inputValue('#pv-intro')).includes('18 h 35'), 'the text is kept');
ok(await pdf(await page.getAttribute('a[href$="/pv.pdf"]', 'href')), 'the draft PDF downloads');
await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/pv/etat"] button[type=submit]')]);
main = await page.textContent('main');
ok(main.includes('arrêté') && !(await page.locator('#pv-intro').count()), 'arrêté: the texts are frozen', main.slice(0, 300));
await axe(page, 'procès-verbal arrêté (phone)');

await Promise.all([page.waitForLoadState('load'), page.click('main nav >> text=Liste des délibérations')]);
main = await page.textContent('main');
ok(main.includes('Liste des délibérations') && main.includes('au plus tard le'), 'the list shows its deadline', main.slice(0, 300));
await axe(page, 'liste des délibérations (phone)');
ok(await fits(page), 'the list fits a 375 px phone screen');
ok(await pdf(await page.getAttribute('a[href$="/liste.pdf"]', 'href')), 'the list PDF downloads');
ok(await pdf(await page.getAttribute('a[href$="/registre.pdf"]', 'href')), 'the séance registre sheets download');

await page.goto(BASE + '/seances');
await Promise.all([page.waitForLoadState('load'), page.click('text=Registre des délibérations')]);
main = await page.textContent('main');
ok(main.includes('Registre des délibérations') && main.includes('Conseil communautaire'), 'the registre page lists the séances of the year');
ok(!main.includes('seul registre'), 'never called the only register');
await axe(page, 'registre (phone)');
ok(await pdf(await page.getAttribute('a[href^="/api/v1/registre.pdf"]', 'href')), 'the yearly binding export downloads');
await browser.close();
done();
