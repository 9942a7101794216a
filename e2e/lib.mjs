// Shared helpers for browser journeys: Debian's chromium through playwright-core, axe-core checks,
// bypassCSP: our CSP forbids inline scripts, and axe-core is injected inline by the test only.
// TAP output ("ok - …" / "not ok - …") read by tests/run.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const BASE = process.env.OPALE_URL;
let failed = 0;

export function ok(cond, what, detail) {
  console.log(`${cond ? 'ok' : 'not ok'} - ${what}`);
  if (!cond) { failed++; if (detail) console.log('#   ' + String(detail).split('\n').join('\n#   ')); }
  return cond;
}

export async function launch({ phone = false } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
           '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext(phone
    ? { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, locale: 'fr-FR', bypassCSP: true }
    : { viewport: { width: 1280, height: 900 }, locale: 'fr-FR', bypassCSP: true });
  const page = await context.newPage();
  return { browser, context, page };
}

// Runs axe-core on the current page; records a failure per serious/critical violation.
export async function axe(page, label) {
  await page.addScriptTag({ content: axeSource });
  const res = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = res.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  ok(bad.length === 0, `axe-core: 0 serious/critical violations on ${label}`,
     bad.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`).join('\n'));
  return bad;
}

// Logs in through the login form (the demo users' password unless another is given).
export async function login(page, user, password = 'Opale-Demo-2024!') {
  await page.goto(BASE + '/connexion');
  await page.fill('#login', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
}

// Whether the page fits the width of the screen (no horizontal scroll).
export async function fits(page) {
  return !(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1));
}

export function done() {
  console.log(`# e2e: ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
