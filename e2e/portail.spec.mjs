// Journey (publication): the agent publishes the demo convention with a personal word hidden (form,
// phone); then a visitor, without logging in, searches the collectivité's portal, opens the act, checks
// its SHA-256 and downloads the PDF (the download's SHA-256 is the one shown). The embeddable page is
// checked too. axe-core on every page. (That the hidden word is gone is checked with pdftotext in
// tests/integration/portal.t.sh.)
import { launch, axe, ok, done, BASE } from './lib.mjs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const SIREN = '246200364';
{
  const { browser, page } = await launch({ phone: true });
  await page.goto(BASE + '/connexion');
  await page.fill('#login', 'ccpo.agent');
  await page.fill('#password', 'Opale-Demo-2024!');
  await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
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
  await page.goto(`${BASE}/p/${SIREN}/integration`);
  ok((await page.locator('nav, header').count()) === 0, 'the embeddable page has no navigation');
  await axe(page, 'embeddable page');
  await context.close();
  await browser.close();
}
done();
