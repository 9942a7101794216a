// Journey (signatures): the présidente on a phone deposits her certificate on « Mon certificat » (a
// wrong PIN first: refused in French), then checks an unsigned PDF on « Vérifier une signature ».
// axe-core on every page. The test PKI is generated at run time (tests/sign/pki.sh).
import { launch, axe, ok, done, BASE, login } from './lib.mjs';
import { execSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';

const dir = mkdtempSync('/tmp/e2e-pki-');
execSync(`bash ../tests/sign/pki.sh ${dir}/pki`);
const { browser, page } = await launch({ phone: true });
await login(page, 'ccpo.president');
await page.goto(BASE + '/mon-certificat');
ok((await page.textContent('h1')).includes('certificat'), '« Mon certificat » opens');
await axe(page, 'my certificate, none yet (phone)');
await page.setInputFiles('#p12', `${dir}/pki/user.p12`);
await page.fill('#pin', 'mauvais code');
await Promise.all([page.waitForLoadState('load'), page.click('text=Enregistrer mon certificat')]);
let main = await page.textContent('main');
ok(main.includes('code PIN) du certificat incorrect') && main.includes('Aucun certificat enregistré'), 'a wrong PIN is refused in French, nothing stored', main.slice(0, 300));
await axe(page, 'my certificate, wrong PIN');
await page.setInputFiles('#p12', `${dir}/pki/user.p12`);
await page.fill('#pin', 'secret 1234');
await Promise.all([page.waitForLoadState('load'), page.click('text=Enregistrer mon certificat')]);
main = await page.textContent('main');
ok(main.includes('Jeanne') && !main.includes('Aucun certificat enregistré'), 'the certificate is stored and described', main.slice(0, 300));
await axe(page, 'my certificate, stored (phone)');
// an unsigned PDF on « Vérifier une signature »
const objs = ['<</Type/Catalog/Pages 2 0 R>>', '<</Type/Pages/Kids[3 0 R]/Count 1>>', '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>'];
let body = '%PDF-1.4\n';
const offs = objs.map((o, i) => { const at = body.length; body += `${i + 1} 0 obj${o}endobj\n`; return at; });
const xref = body.length;
body += 'xref\n0 4\n0000000000 65535 f \n' + offs.map(o => String(o).padStart(10, '0') + ' 00000 n \n').join('') +
  'trailer<</Size 4/Root 1 0 R>>\nstartxref\n' + xref + '\n%%EOF\n';
writeFileSync(`${dir}/non-signe.pdf`, body);
await page.goto(BASE + '/verifier');
await axe(page, 'verify a signature (phone)');
await page.setInputFiles('#document', `${dir}/non-signe.pdf`);
await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
main = await page.textContent('main');
ok(main.includes('Résultat pour') && main.includes('Non signé'), 'an unsigned PDF is reported as such', main.slice(0, 300));
await axe(page, 'verification report');
await browser.close();
done();
