// Journey (votes): on a phone, the secretary opens the past séance of the demo conseil (votes
// recorded, délibérations numbered), adds a point, records its vote with « tous pour » and one
// contre (a secret ballot with wrong totals first: refused in French), and sees the result and the
// délibération's number on the séance page. axe-core on every page.
import { launch, axe, ok, done, BASE, fits, login } from './lib.mjs';

const { browser, page } = await launch({ phone: true });
await login(page, 'ccpo.secretaire');

// The past séance: the one whose agenda shows délibérations.
await page.goto(BASE + '/seances');
const hrefs = await page.$$eval('main .cards a', as => as.map(a => a.getAttribute('href')));
let past = null;
for (const h of hrefs) {
  await page.goto(BASE + h);
  if ((await page.textContent('main')).includes('délibération n°')) { past = h; break; }
}
ok(past !== null, 'the demo has a past séance whose points have their délibérations');
const main = await page.textContent('main');
ok(/adopté/.test(main) && /n° \d{4}_\d{3}/.test(main), 'each point shows its result and its délibération number');
await axe(page, 'séance with votes (phone)');

await page.fill('#np-titre', 'Motion de soutien aux commerces de centre-bourg');
await page.fill('#np-mat', '9.1');
await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/points"] button[type=submit]')]);
ok((await page.textContent('main')).includes('Motion de soutien'), 'a point is added to the agenda');
await Promise.all([page.waitForLoadState('load'), page.click('text=Enregistrer le vote du point 6')]);
ok((await page.textContent('h1')).includes('Vote — point 6'), 'the vote page of the new point opens');
await axe(page, 'vote form (phone)');
ok(await fits(page), 'the vote form fits a 375 px phone screen');

// A secret ballot whose totals do not match attendance: refused, in French, the page kept.
await page.check('#sc-secret');
await page.fill('#t-pour', '3');
await page.fill('#t-contre', '1');
await Promise.all([page.waitForLoadState('load'), page.click('form.vote button[type=submit]')]);
const refused = await page.textContent('main');
ok(refused.includes("Le vote n'est pas enregistré") && refused.includes('voix peuvent s'), 'wrong secret totals are refused in French', refused.slice(0, 400));
await axe(page, 'vote form with an error (phone)');

// « Tous pour », then one contre, public ballot.
await Promise.all([page.waitForLoadState('load'), page.click('text=Tous pour')]);
const lines = page.locator('fieldset.ballot');
const n = await lines.count();
ok(n > 26 && await page.locator('fieldset.ballot input[value=pour]:checked').count() === n, `« tous pour » checks pour on every line (${n})`);
await lines.nth(2).locator('input[value=contre]').check();
await page.check('#sc-public');
await Promise.all([page.waitForLoadState('load'), page.click('form.vote button[type=submit]')]);
const after = await page.textContent('main');
ok(/Vote enregistré : adopté\. Délibération n° \d{4}_\d{3}/.test(after), 'the vote is recorded: adopted, with its délibération number', after.slice(0, 400));
const point6 = await page.textContent('li[id^=point-]:last-of-type');
ok(point6.includes('1 contre') && /délibération n° \d{4}_\d{3}/.test(point6), 'the séance page shows the count and the délibération of the point', point6);
await axe(page, 'séance after the vote (phone)');

// « Clore la séance »: the closing time shown, the reopening form offered; a vote is then refused.
await Promise.all([page.waitForResponse(r => r.url().endsWith('/cloture') && r.request().method() === 'POST'), page.click('form[action$="/cloture"] button:has-text("Clore la séance")')]);
await page.waitForSelector('text=Rouvrir la séance', { timeout: 10000 }).catch(() => {});
const closed = await page.textContent('main');
ok(closed.includes('Séance close le') && closed.includes('Rouvrir la séance'), 'the secretary closes the séance: closing time shown, reopening offered', closed.slice(0, 400));
await axe(page, 'closed séance (phone)');
ok(await fits(page), 'the closed séance page fits a 375 px phone screen');
await browser.close();
done();
