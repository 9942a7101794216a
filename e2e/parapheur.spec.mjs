// Journey (parapheur, partial): the DGS opens the parapheur on a phone, finds the demo convention in
// « À traiter », reads it, visas it; the président then has it to sign; the agent downloads the
// bordereau and the ZIP; the administrator opens the desks and the circuit editor and saves a circuit.
// axe-core on every page.
import { launch, axe, ok, done, BASE, fits, login } from './lib.mjs';
import { readdirSync, readFileSync, unlinkSync, mkdtempSync } from 'node:fs';
import { execSync } from 'node:child_process';

const { browser, page } = await launch({ phone: true });
await login(page, 'ccpo.dgs');
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
ok(await fits(page), 'the folder page fits a 375 px phone screen (no horizontal scroll)');
await Promise.all([page.waitForLoadState('load'), page.click('button[value=visa]')]);
const main = await page.textContent('main');
ok(main.includes('Action enregistrée') && main.includes('Vu, conforme'), 'the DGS visas; the history shows the annotation', main.slice(0, 300));
await axe(page, 'folder after visa');
await page.click('text=Se déconnecter');
await login(page, 'ccpo.president');
await page.goto(BASE + '/parapheur');
ok((await page.textContent('main')).includes('Convention e-administration CDG 62'), 'the président now has it in a tray');
await page.click('text=Se déconnecter');

// The agent downloads the bordereau and the ZIP export of the folder.
await login(page, 'ccpo.agent');
await page.goto(BASE + '/parapheur');
await page.click('text=Convention e-administration CDG 62');
const bord = await page.request.get(BASE + await page.getAttribute('a[href$="/bordereau"]', 'href'));
ok(bord.status() === 200 && (await bord.body()).subarray(0, 5).toString() === '%PDF-', 'the bordereau downloads as a PDF');
const zip = await page.request.get(BASE + await page.getAttribute('a[href$="/export"]', 'href'));
ok(zip.status() === 200 && (await zip.body()).subarray(0, 2).toString() === 'PK', 'the folder downloads as a ZIP');
// … and creates a folder from the browser with the convention's PDF.
const conventionPdf = await (await page.request.get(BASE + await page.getAttribute('a[href*="/documents/"]', 'href'))).body();
await page.goto(BASE + '/parapheur');
await page.click('text=Nouveau dossier');
ok((await page.textContent('h1')).includes('Nouveau dossier'), 'the creation page opens');
await axe(page, 'folder creation page (phone)');
await page.fill('#titre', 'Convention CDG 62 — exemplaire signé en ligne');
await page.fill('#meta_cle1', 'montant');
await page.fill('#meta_valeur1', '0');
await page.setInputFiles('#principal', { name: 'convention-cdg62.pdf', mimeType: 'application/pdf', buffer: conventionPdf });
await Promise.all([page.waitForNavigation(), page.click('main button:has-text("Créer le dossier")')]);
const created1 = await page.textContent('main');
ok(created1.includes('Dossier créé et parti dans son circuit') && created1.includes('exemplaire signé en ligne'),
   'the agent creates the folder from the convention PDF and it starts', created1.slice(0, 300));
await page.click('text=Se déconnecter');

// The administrator's pages: overview, a desk, the circuit editor (phone, axe-core).
await login(page, 'ccpo.admin');
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
ok(await fits(page), 'the circuit editor fits a 375 px phone screen');
await page.fill('#nom', 'Convention CDG 62 (modifié)');
await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
ok((await page.textContent('main')).includes('Circuit enregistré'), 'the circuit is saved from the editor');
await page.click('text=Se déconnecter');

// A tray page with its search form and bulk actions (the président's « À traiter »).
await login(page, 'ccpo.president');
await page.goto(BASE + '/parapheur');
await page.click('a[href$="/bannettes/a-traiter"]');
ok((await page.textContent('h1')).includes('À traiter'), 'the tray page opens');
ok(await page.isVisible('input[name=dossiers]'), 'folders can be selected for a bulk action');
await axe(page, 'tray page with search and bulk form (phone)');
await page.click('summary');
await page.fill('#q', 'CDG');
await Promise.all([page.waitForLoadState('load'), page.click('form[role=search] button[type=submit]')]);
ok((await page.textContent('main')).includes('Convention e-administration CDG 62'), 'the search finds the convention');
await page.click('text=Se déconnecter');

// External signatory through the e-mail link, read from the SMTP test server's Maildir (tests/run).
const MAILDIR = process.env.OPALE_TEST_MAILDIR;
function qp(raw) {
  const s = raw.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-F]{2}$/.test(s.substr(i + 1, 2))) { bytes.push(parseInt(s.substr(i + 1, 2), 16)); i += 2; }
    else bytes.push(s.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes).toString('utf8');
}
async function mail(to, needle) {
  for (let i = 0; i < 150; i++) {
    for (const f of readdirSync(MAILDIR + '/new')) {
      const raw = readFileSync(MAILDIR + '/new/' + f, 'latin1');
      const text = qp(raw);
      if (raw.includes('X-Envelope-To: ' + to) && text.includes(needle)) { unlinkSync(MAILDIR + '/new/' + f); return text; }
    }
    await new Promise(r => setTimeout(r, 100));
  }
  return '';
}
async function csrf() { return await page.getAttribute('input[name=csrf]', 'value'); }
if (MAILDIR) {
  const partner = 'partenaire.e2e@cci-littoral.example';
  await login(page, 'ccpo.admin');
  await page.goto(BASE + '/parapheur');
  let token = await csrf();
  const desks = (await (await page.request.get(BASE + '/api/v1/parapheur/bureaux')).json()).bureaux;
  const id = name => desks.find(d => d.nom.startsWith(name)).id;
  const hdr = { 'X-CSRF-Token': token };
  const circ = await (await page.request.post(BASE + '/api/v1/parapheur/circuits', { headers: hdr, data:
    { nom: 'Visa DGS puis CCI', etapes: [{ type: 'visa', bureaux: [id('Direction générale des services')] }, { type: 'externe', bureaux: [id('CCI')] }] } })).json();
  const typ = await (await page.request.post(BASE + '/api/v1/parapheur/types', { headers: hdr, data:
    { nom: 'Avenant (signature externe)', format: 'pades', protocole: 'none', circuit: circ.id } })).json();
  // The collectivité's seal (a throw-away self-signed PKCS#12 made with openssl).
  const tmp = mkdtempSync('/tmp/opale-e2e-seal-');
  execSync(`openssl req -x509 -newkey rsa:2048 -nodes -keyout ${tmp}/k.pem -out ${tmp}/c.pem -days 30 -subj "/CN=Cachet CCPO e2e" 2>/dev/null` +
           ` && openssl pkcs12 -export -inkey ${tmp}/k.pem -in ${tmp}/c.pem -out ${tmp}/s.p12 -passout pass:secret-e2e`);
  const seal = await page.request.post(BASE + '/api/v1/signature/cachet', { headers: hdr, multipart: {
    p12: { name: 'cachet.p12', mimeType: 'application/x-pkcs12', buffer: readFileSync(tmp + '/s.p12') }, mot_de_passe: 'secret-e2e' } });
  ok(seal.status() === 201, 'the administrator installs the collectivité seal', seal.status());
  await page.click('text=Se déconnecter');
  await login(page, 'ccpo.agent');
  await page.goto(BASE + '/parapheur');
  token = await csrf();
  const pdf = await (await page.request.get(BASE + '/api/v1/parapheur/dossiers/1/documents/1')).body();
  const created = await (await page.request.post(BASE + '/api/v1/parapheur/dossiers', { headers: { 'X-CSRF-Token': token }, multipart: {
    dossier: JSON.stringify({ titre: 'Avenant CCI e2e', sous_type: typ.sous_type, bureau: id('Secrétariat général') }),
    principal: { name: 'avenant.pdf', mimeType: 'application/pdf', buffer: pdf } } })).json();
  const started = await page.request.post(BASE + `/api/v1/parapheur/dossiers/${created.id}/demarrer`, { headers: { 'X-CSRF-Token': token } });
  ok(started.status() === 200, 'the agent creates and starts a folder bound for an external signature', started.status());
  await page.click('text=Se déconnecter');
  await login(page, 'ccpo.dgs');
  await page.goto(BASE + `/parapheur/dossiers/${created.id}`);
  await Promise.all([page.waitForLoadState('load'), page.click('button[value=visa]')]);
  await page.click('text=Se déconnecter');
  await login(page, 'ccpo.agent');
  await page.goto(BASE + `/parapheur/dossiers/${created.id}`);
  ok(await page.isVisible('#ext-email'), 'the folder page offers to send the external link');
  await axe(page, 'folder waiting for an external signature (phone)');
  await page.fill('#ext-nom', 'Claire Dumont, vice-présidente de la CCI');
  await page.fill('#ext-email', partner);
  await Promise.all([page.waitForLoadState('load'), page.click('text=Envoyer le lien de signature')]);
  ok((await page.textContent('main')).includes('Lien de signature envoyé'), 'the link is sent');
  await page.click('text=Se déconnecter');
  const m1 = await mail(partner, 'Avenant CCI e2e');
  const link = (m1.match(/\/externe\/[A-Za-z0-9_-]{20,}/) || [''])[0];
  ok(link !== '', 'the partner receives the link by e-mail (real SMTP server)');
  await page.goto(BASE + link);
  ok((await page.textContent('main')).includes('Recevoir un code'), 'the link opens the partner\'s page');
  await axe(page, 'external signatory page (phone)');
  await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
  const m2 = await mail(partner, 'Votre code');
  const code = (m2.match(/: (\d{6})/) || ['', ''])[1];
  ok(code.length === 6, 'the one-time code arrives by e-mail');
  await page.fill('#code', code);
  await Promise.all([page.waitForLoadState('load'), page.click('text=Valider le code')]);
  ok((await page.textContent('main')).includes('Lire le document'), 'the code opens the document and the signature');
  await axe(page, 'external signatory, verified (phone)');
  const doc2 = await page.request.get(BASE + link + '/document');
  ok(doc2.status() === 200 && (await doc2.body()).subarray(0, 5).toString() === '%PDF-', 'the partner reads the PDF');
  await page.check('#consentement');
  await Promise.all([page.waitForNavigation(), page.click('main button:has-text("Signer le document")')]);
  const after = await page.textContent('main');
  ok(after.includes('Document signé') && after.includes('Vous avez signé'), 'the partner signs (collectivité seal on their behalf)', after.slice(0, 300));
  await axe(page, 'external signatory, signed (phone)');
}
await browser.close();
done();
