// Journey (issue « Identity »): the CDG operator logs in, creates a collectivité with its first admin;
// the admin logs in and sees the administration; repeated wrong passwords are throttled with a clear
// French message. Every page is checked with axe-core.
import { launch, axe, ok, done, BASE, login } from './lib.mjs';

const PW = 'Opale-Demo-2024!';
const { browser, page } = await launch();

await page.goto(BASE + '/connexion');
await axe(page, 'login page');

await login(page, 'cdg.operateur', PW);
ok(page.url().endsWith('/tableau-de-bord'), 'operator lands on the dashboard after login', page.url());
await page.goto(BASE + '/operateur');
ok((await page.textContent('h1')).includes('Console opérateur'), 'operator console opens');
ok((await page.content()).includes('Communauté de Communes Pays d&#39;Opale') ||
   (await page.content()).includes("Communauté de Communes Pays d'Opale"), 'the demo collectivité is listed');
await axe(page, 'operator console');

await page.click('text=Ajouter une collectivité');
await axe(page, 'onboarding wizard');
await page.fill('#name', 'Commune de Guînes');
await page.selectOption('#kind', 'commune');
await page.fill('#siren', '216203984');
await page.fill('#population', '5700');
await page.fill('#departement', '062');
await page.fill('#prefecture', 'PREF062');
await page.check('#tier1');
await page.check('#tier3');
await page.fill('#admin_first_name', 'Claire');
await page.fill('#admin_last_name', 'Dupont');
await page.fill('#admin_login', 'guines.admin');
await page.fill('#admin_password', 'Guines-Admin-2024!');
await Promise.all([page.waitForLoadState('load'), page.click('main form button[type=submit]')]);
const body = await page.content();
ok(body.includes('Commune de Guînes') && body.includes('guines.admin'), 'the collectivité and its admin are created',
   (await page.textContent('main')).slice(0, 400));
await axe(page, 'collectivité detail');

await page.goto(BASE + '/operateur/taches');
ok((await page.textContent('h1')).includes('File de tâches'), 'the job queue page opens (dead-letter visible)');
await axe(page, 'job queue page');
await page.goBack();

// The report PDF is generated.
const pdf = await page.request.get(page.url() + '/rapport.pdf');
ok(pdf.status() === 200 && (await pdf.body()).subarray(0, 5).toString() === '%PDF-', 'the set-up report PDF is generated');

// The new admin logs in (fresh context: no operator session).
const b2 = await launch();
await login(b2.page, 'guines.admin', 'Guines-Admin-2024!');
await b2.page.goto(BASE + '/administration');
ok((await b2.page.textContent('h1')).includes('Commune de Guînes'), 'the new admin reaches the administration of Guînes');
await axe(b2.page, 'administration page');

// Wrong password five times, then the sixth attempt is throttled (on the account made above: a demo
// account locked here would fail the later journeys that log in with it).
for (let i = 0; i < 5; i++) await login(b2.page, 'guines.admin', 'mauvais-mot-de-passe');
ok((await b2.page.textContent('main')).includes('Identifiant ou mot de passe incorrect'), 'a wrong password is explained');
await login(b2.page, 'guines.admin', 'mauvais-mot-de-passe');
const msg = await b2.page.textContent('main');
ok(msg.includes('Trop de tentatives de connexion pour ce compte'), 'repeated wrong passwords are throttled in French', msg.slice(0, 300));
await axe(b2.page, 'login page with an error');
await b2.browser.close();
await browser.close();
done();
