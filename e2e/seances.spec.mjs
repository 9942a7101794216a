// Journey (séances): on a phone, the secretary opens the demo séance of the conseil communautaire,
// adds a point, sends the convocations and follows them on the proof page; the élu opens his portal,
// reads the agenda and gives a pouvoir to a colleague; the secretary records attendance and sees the
// quorum per point. axe-core on every page.
import { launch, axe, ok, done, BASE, fits, login } from './lib.mjs';

const { browser, page } = await launch({ phone: true });

await login(page, 'ccpo.secretaire');
await page.goto(BASE + '/seances');
ok((await page.textContent('h1')).includes('Séances'), 'the séances page opens');
await axe(page, 'séances (phone)');
await page.goto(BASE + '/assemblees/1');
ok((await page.textContent('main')).includes('Fournier'), 'the conseil communautaire lists its members');
await axe(page, 'assembly and members (phone)');
await page.goto(BASE + '/seances');
await Promise.all([page.waitForLoadState('load'), page.click('main .cards a')]);
ok((await page.textContent('h1')).includes('Conseil communautaire'), 'the demo séance opens');
ok((await page.textContent('main')).includes('Envoi au plus tard le'), 'the latest sending day is shown');
await axe(page, 'séance editor (phone)');
ok(await fits(page), 'the séance editor fits a 375 px phone screen');
await page.fill('#np-titre', 'Questions diverses');
await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/points"] button[type=submit]')]);
ok((await page.textContent('main')).includes('Questions diverses'), 'a point is added to the agenda');
await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/convoquer"] button')]);
const proof = await page.textContent('main');
ok(proof.includes('Convocations et preuves') && proof.includes('manifeste'), 'the convocations are sent; the proof page lists the sending', proof.slice(0, 300));
await axe(page, 'proof page (phone)');
await page.click('text=Se déconnecter');

await login(page, 'ccpo.elu');
await page.goto(BASE + '/elu');
ok((await page.textContent('main')).includes('Conseil communautaire'), 'the élu sees the séance in his portal');
await axe(page, 'élu portal (phone)');
await Promise.all([page.waitForLoadState('load'), page.click('main .cards a')]);
ok((await page.textContent('main')).includes('Questions diverses'), 'the agenda is there, with the new point');
await axe(page, 'élu séance (phone)');
ok(await fits(page), 'the élu page fits a 375 px phone screen');
const zip = await page.request.get(BASE + await page.getAttribute('a[href$="dossier.zip"]', 'href'));
ok(zip.status() === 200 && (await zip.body()).subarray(0, 2).toString() === 'PK', 'the whole packet downloads as a ZIP');
await page.check('#r-procuration');
await page.selectOption('#mandataire', { index: 1 });
await Promise.all([page.waitForLoadState('load'), page.click('main form button[type=submit]')]);
const answer = await page.textContent('main');
ok(answer.includes('Votre réponse est enregistrée') && answer.includes('pouvoir donné'), 'the élu gives a pouvoir', answer.slice(0, 300));
await axe(page, 'élu séance after answer');
await page.click('text=Se déconnecter');

await login(page, 'ccpo.secretaire');
await page.goto(BASE + '/seances');
await Promise.all([page.waitForLoadState('load'), page.click('main .cards a')]);
await Promise.all([page.waitForURL(/\/emargement$/), page.click('text=Émargement et quorum')]);
let sheet = await page.textContent('main');
ok(sheet.includes('pouvoir donné') && sheet.includes('non atteint'), 'the sheet shows the pouvoir; no quorum yet');
await axe(page, 'attendance sheet (phone)');
const first = page.locator('main tbody form').first();
await first.locator('select[name=statut]').selectOption('present');
await Promise.all([page.waitForLoadState('load'), first.locator('button').click()]);
sheet = await page.textContent('main');
ok(sheet.includes('Émargement enregistré') && /1\s*présent|\b1\b/.test(sheet), 'attendance is recorded and the quorum recomputed');
await browser.close();
done();
