// Journey (convocation templates): on a phone, the secretary opens « Modèles de convocation » from the
// séances page, previews the titulaire's template with a misspelt placeholder (refused in French,
// nothing saved), corrects it, previews it on the demo séance, saves it, then restores the built-in
// text (later journeys see the default). axe-core on every page.
import { launch, axe, ok, done, BASE, fits, login } from './lib.mjs';

const { browser, page } = await launch({ phone: true });
const main = async () => page.textContent('main');
const form = () => page.locator('#modele-titulaire form');
const submit = async (value) => Promise.all([page.waitForLoadState('load'), form().locator(`button[value=${value}]`).click()]);

await login(page, 'ccpo.secretaire');
await page.goto(BASE + '/seances');
await Promise.all([page.waitForLoadState('load'), page.click('text=Modèles de convocation')]);
ok((await page.textContent('h1')).includes('Modèles de convocation'), 'the templates page opens from the séances page');
ok((await main()).includes('Convocation rectificative') && (await main()).includes('{{lien}}'), 'four templates, the placeholders explained');
await axe(page, 'convocation templates (phone)');
ok(await fits(page), 'the templates page fits a 375 px phone screen');

await form().locator('textarea[name=texte]').fill('Bonjour {{destinatair}},\n{{lien}}\n');
await submit('apercu');
ok((await main()).includes('la balise {{destinatair}} est inconnue'), 'a misspelt placeholder is refused in French', (await main()).slice(0, 300));
ok((await form().locator('textarea[name=texte]').inputValue()).includes('{{destinatair}}'), 'the text typed is kept');
await axe(page, 'template refused (phone)');

await form().locator('textarea[name=texte]').fill('Bonjour {{destinataire}},\nSéance du {{date}} à {{heure}}.\n{{lien}}\n');
await submit('apercu');
const preview = await main();
ok(preview.includes('Aperçu avec la séance') && preview.includes('Bonjour Madame Camille Exemple'), 'the preview renders it with the demo séance');
await axe(page, 'template preview (phone)');
await submit('enregistrer');
ok((await main()).includes('Modèle enregistré') && (await main()).includes('modifié le'), 'the template is saved');
await submit('defaut');
ok((await main()).includes('Modèle d\'origine rétabli') && (await form().locator('textarea[name=texte]').inputValue()).includes('Vous êtes convoqué(e)'),
   'the built-in text is restored');
await axe(page, 'templates after restore (phone)');
await browser.close();
done();
