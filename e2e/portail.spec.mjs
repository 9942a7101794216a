// Journey (publication): the agent publishes the demo convention with a personal word hidden (form,
// phone); then a visitor, without logging in, searches the collectivité's portal, opens the act, checks
// its SHA-256 and downloads the PDF (the download's SHA-256 is the one shown). The embeddable page is
// checked too. Then the secretary publishes the past séance's liste des délibérations and a visitor
// finds it on the portal's séances page, with its SHA-256, and downloads it. axe-core on every page.
// (That the hidden word is gone is checked with pdftotext in tests/integration/portal.t.sh.)
import { launch, axe, ok, done, BASE, fits, login } from './lib.mjs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const SIREN = '246200364';
{
  const { browser, page } = await launch({ phone: true });
  await login(page, 'ccpo.agent');
  await page.goto(BASE + '/actes');
  await Promise.all([page.waitForLoadState('load'), page.click('main a:has-text("2024_12")')]);
  ok((await page.textContent('main')).includes('Non publié'), 'the act page says the act is not published');
  await Promise.all([page.waitForLoadState('load'), page.click('text=Publier l\'acte')]);
  ok((await page.textContent('h1')).includes('Publier l\'acte 2024_12'), 'the publication form opens');
  await axe(page, 'publication form (phone)');
  await page.fill('#auteur', 'Marie Durand, présidente');
  await page.fill('#mots', 'Pas-de-Calais');
  await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
  const main = await page.textContent('main');
  ok(main.includes('Marie Durand, présidente (copie pseudonymisée)') && main.includes('Exécutoire depuis le'),
     'the act page shows the publication, pseudonymised, and the executory date', main.slice(0, 400));
  await axe(page, 'act page with its publication (phone)');
  await browser.close();
}
{
  const { browser, context, page } = await launch();
  await page.goto(`${BASE}/p/${SIREN}`);
  ok((await page.textContent('h1')).includes('Actes publiés'), 'the portal opens without login');
  await axe(page, 'public portal');
  await page.fill('#q', 'accompagnement e-admin');
  await page.selectOption('#nature', '4');
  await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
  ok((await page.textContent('main')).includes('2024_12'), 'the visitor finds the convention by words and nature');
  await axe(page, 'portal search results');
  await Promise.all([page.waitForLoadState('load'), page.click('main a:has-text("2024_12")')]);
  const shown = (await page.textContent('code.sha')).trim();
  ok(/^[0-9a-f]{64}$/.test(shown), 'the act page shows the SHA-256', shown);
  await axe(page, 'portal act page');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('text=Télécharger l\'acte')]);
  const file = await dl.path();
  const bytes = readFileSync(file);
  ok(bytes.subarray(0, 5).toString() === '%PDF-', 'the download is a PDF');
  ok(createHash('sha256').update(bytes).digest('hex') === shown, 'its SHA-256 is the one shown');
  // the séances: nothing published yet
  await Promise.all([page.waitForLoadState('load'), page.goto(`${BASE}/p/${SIREN}`)]);
  await Promise.all([page.waitForLoadState('load'), page.click('text=Séances : listes des délibérations')]);
  ok((await page.textContent('main')).includes('Aucune liste des délibérations'), 'the séances page: nothing published yet');
  await axe(page, 'portal séances page, empty');
  await page.goto(`${BASE}/p/${SIREN}/integration`);
  ok((await page.locator('nav, header').count()) === 0, 'the embeddable page has no navigation');
  await axe(page, 'embeddable page');
  await context.close();
  await browser.close();
}
{
  // the secretary publishes the liste des délibérations of the past séance (phone) …
  const { browser, page } = await launch({ phone: true });
  await login(page, 'ccpo.secretaire');
  await page.goto(BASE + '/seances');
  const cards = page.locator('main .cards a');
  await Promise.all([page.waitForLoadState('load'), cards.nth((await cards.count()) - 1).click()]);   // newest first: the past séance last
  await Promise.all([page.waitForLoadState('load'), page.click('main nav >> text=Liste des délibérations')]);
  await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/liste/publier"] button[type=submit]')]);
  ok((await page.textContent('main')).includes('publiée'), 'the list is published');
  await browser.close();
}
{
  // … and a visitor finds it on the portal's séances page, checks its SHA-256 and downloads it
  const { browser, context, page } = await launch({ phone: true });
  await page.goto(`${BASE}/p/${SIREN}/seances`);
  const main = await page.textContent('main');
  ok(main.includes('Conseil communautaire — séance du') && main.includes('Liste des délibérations'), 'the séance and its list are shown', main.slice(0, 300));
  await axe(page, 'portal séances page with a published list (phone)');
  const shown = (await page.textContent('main .cards code')).trim();
  ok(/^[0-9a-f]{64}$/.test(shown), 'the list\'s SHA-256 is shown', shown);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('main .cards a[href$="/liste.pdf"]')]);
  const bytes = readFileSync(await dl.path());
  ok(bytes.subarray(0, 5).toString() === '%PDF-', 'the list downloads as a PDF');
  ok(createHash('sha256').update(bytes).digest('hex') === shown, 'its SHA-256 is the one shown');
  ok(await fits(page), 'the séances page fits a 375 px phone screen');
  await context.close();
  await browser.close();
}
done();
