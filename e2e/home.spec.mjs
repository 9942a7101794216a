// Journey: a visitor opens the home page on desktop and on a phone; it renders in French and is
// accessible.
import { launch, axe, ok, done, BASE } from './lib.mjs';

for (const phone of [false, true]) {
  const { browser, page } = await launch({ phone });
  const label = phone ? 'home page (phone)' : 'home page';
  const resp = await page.goto(BASE + '/');
  ok(resp.status() === 200, `${label} answers 200`);
  ok(await page.getAttribute('html', 'lang') === 'fr', `${label} declares lang="fr"`);
  ok((await page.textContent('h1')).includes('Opale'), `${label} shows its title`);
  const css = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  ok(css.length > 0 && css !== 'Times New Roman', `${label} loads its stylesheet`);
  if (phone) {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    ok(!overflow, `${label} has no horizontal scroll at 375 px`);
  }
  await axe(page, label);
  await browser.close();
}
done();
