// Journey (Hélios): the agent opens the PES files on a phone, reads the demo PES_Aller (bordereaux,
// history, « visuel PES »), downloads the visuel as PDF, then imports a broken copy of it and reads
// the findings (line, XPath, French). axe-core on every page.
import { launch, axe, ok, done, BASE, login } from './lib.mjs';

const { browser, page } = await launch({ phone: true });
await login(page, 'ccpo.agent');
await page.goto(BASE + '/helios');
ok((await page.textContent('h1')).includes('Hélios'), 'the Hélios page opens');
ok((await page.textContent('main')).includes('PESALR2_24620036400015_251015_001'), 'the demo PES is listed');
await axe(page, 'Hélios files (phone)');
await Promise.all([page.waitForLoadState('load'), page.click('text=PESALR2_24620036400015_251015_001')]);
const main = await page.textContent('main');
ok(main.includes('Bordereaux') && main.includes('Historique') && main.includes('Visuel PES'), 'the file page shows bordereaux, history and visuel');
await axe(page, 'PES file page (phone)');
const pdfHref = await page.getAttribute('a[href$="visuel.pdf"]', 'href');
const pdf = await page.request.get(BASE + pdfHref);
ok(pdf.status() === 200 && (await pdf.body()).subarray(0, 5).toString() === '%PDF-', 'the visuel downloads as a PDF');
const pesHref = await page.getAttribute('a[href$="/pes"]', 'href');
const pes = (await (await page.request.get(BASE + pesHref)).body()).toString('latin1');
const broken = pes.replace(/<MtBordHT V="[0-9.]+"/, '<MtBordHT V="1.00"').replace(/<NomFic V="[^"]*"/, '<NomFic V="CASSE"');
await page.goto(BASE + '/helios');
await page.setInputFiles('#pes', { name: 'casse.xml', mimeType: 'text/xml', buffer: Buffer.from(broken, 'latin1') });
await Promise.all([page.waitForLoadState('load'), page.click('text=Importer le PES')]);
const refused = await page.textContent('main');
ok(refused.includes('pas conforme') && refused.includes('/PES_Aller/PES_DepenseAller/Bordereau[1]/BlocBordereau/MtBordHT')
   && refused.includes('différent de la somme'), 'a wrong total is refused with its XPath and a French message', refused.slice(0, 400));
await axe(page, 'import refused with findings (phone)');
await browser.close();
done();
