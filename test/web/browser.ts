/**
 * Headless Chromium for the web UI tests (Debian's /usr/bin/chromium driven by playwright-core;
 * no browser is ever downloaded), and screenshots saved under test-artifacts/web/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join('test-artifacts', 'web');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
}

/** Collects script errors, console errors and any alert/confirm/prompt the page did not expect. */
export function watchPage(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  // Console errors catch Content-Security-Policy violations; HTTP error answers the tests provoke on purpose are not problems.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console error: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`unexpected ${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.setDefaultTimeout(10_000);
  return { problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  // From the top, so the sticky header sits where it belongs in a full-page picture.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The page's <h1> once it shows `text` (views render asynchronously). */
export async function waitForHeading(page: Page, text: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text }).waitFor();
}

export async function signIn(page: Page, base: string, user: string, password: string): Promise<void> {
  await page.goto(`${base}/#/login`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await waitForHeading(page, 'Sign in');
}

/**
 * Form controls and buttons on the page that a screen reader could not name: no <label>, no
 * aria-label(ledby), no text. Hidden controls are skipped.
 */
// Runs in the page (the tests are compiled without DOM types, so it is written as text).
const UNLABELLED_SCRIPT = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('input, select, textarea, button, a[href]')) {
    if (el.closest('[hidden]') || el.offsetParent === null) continue;
    const named = (el.labels && el.labels.length > 0) || (el.getAttribute('aria-label') || '').trim() !== '' ||
      el.hasAttribute('aria-labelledby') || ((el.tagName === 'BUTTON' || el.tagName === 'A') && el.textContent.trim() !== '');
    if (!named) out.push(el.outerHTML.slice(0, 120));
  }
  return out;
})()`;

export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(UNLABELLED_SCRIPT);
}
