/**
 * The web UI's defences, in a real browser: a cross-site form post is refused, markup from
 * users and mail is shown as text, a signed-out session cannot call the API, and a user cannot
 * read another user's filters.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AdminService } from '../../src/admin/service.js';
import { launchBrowser, screenshot, signIn, signOut, waitForHeading, watchPage } from '../web/browser.js';
import { startWeb, type WebFixture } from '../web/helpers.js';

const MARKUP_NAME = '<img src=x onerror="window.__xss=1">';
const MARKUP_FOLDER = '<img src=x onerror=alert(1)>';
const MARKUP_SUBJECT = '<script>window.__xss=2</script><b>Hi</b>';

/** A page on another origin that posts a form to the API as soon as it loads. */
function attackerPage(target: string): string {
  return `<!doctype html><html><body>
<form id="f" method="POST" action="${target}/api/admin/users" enctype="text/plain">
<input name='{"address":"evil@example.com","password":"x","pad":"' value='"}'>
</form>
<script>
fetch(${JSON.stringify(target)} + '/api/admin/users', { method: 'POST', mode: 'no-cors', credentials: 'include', body: JSON.stringify({ address: 'evil2@example.com', password: 'x' }) })
  .finally(() => document.getElementById('f').submit());
</script></body></html>`;
}

describe('web UI security in a browser', () => {
  let web: WebFixture;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let attacker: Server;
  let attackerBase = '';

  before(async () => {
    web = await startWeb();
    const admin = new AdminService(web.test.ctx.store);
    await admin.addUser({ address: 'alice@example.com', password: 'alice-pw', firstName: MARKUP_NAME, lastName: '&amp; <b>x</b>' });
    await admin.addUser({ address: 'bob@example.com', password: 'bob-pw' });
    await web.test.ctx.store.setFilterFile('bob@example.com', 'rule "Bob secret"\n  always\n  discard\nend\n');
    await web.test.ctx.store.createMailbox({ kind: 'user', address: 'alice@example.com' }, MARKUP_FOLDER);
    const inbox = await web.test.ctx.store.getMailbox({ kind: 'user', address: 'alice@example.com' }, 'INBOX');
    await web.test.ctx.store.appendMessage(inbox.id, Buffer.from(`From: "<b>Mallory</b>" <m@example.org>\r\nSubject: ${MARKUP_SUBJECT}\r\n\r\nx\r\n`));
    await web.test.ctx.store.setFilterFile('alice@example.com', `rule "${MARKUP_NAME.replace(/"/g, '\\"')}"\n  if subject contains "<script>"\n  move to "${MARKUP_FOLDER}"\nend\n`);
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(attackerPage(web.base));
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', () => resolve()));
    // "localhost" is another site than "127.0.0.1" for the browser.
    attackerBase = `http://localhost:${(attacker.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    page = await context.newPage();
    problems = watchPage(page).problems;
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
    await web?.stop();
  });

  test('a cross-site form post (and a no-cors fetch) with the admin signed in is refused', async () => {
    await signIn(page, web.base, 'admin', web.adminPassword);
    await waitForHeading(page, 'Users');
    // The attacker's page opens in another tab of the same browser, where the admin is signed in.
    const tab = await page.context().newPage();
    const refused = tab.waitForResponse((r) => r.url().endsWith('/api/admin/users') && r.request().method() === 'POST' && r.request().postData()?.includes('evil@') === true);
    await tab.goto(`${attackerBase}/`);
    const response = await refused;
    assert.equal(response.status(), 403);
    await tab.close();
    assert.equal(await web.test.ctx.store.findUser('evil@example.com'), null);
    assert.equal(await web.test.ctx.store.findUser('evil2@example.com'), null);
  });

  test('markup in names, folders, subjects and block names is shown as text', async () => {
    await page.goto(`${web.base}/#/users`);
    await waitForHeading(page, 'Users');
    await page.getByRole('cell', { name: `${MARKUP_NAME} &amp; <b>x</b>` }).waitFor();
    await page.goto(`${web.base}/#/users/alice%40example.com`);
    await waitForHeading(page, 'alice@example.com');
    await page.getByRole('cell', { name: MARKUP_FOLDER }).waitFor();
    await screenshot(page, '20-markup-as-text');
    await page.goto(`${web.base}/#/mailsort/alice%40example.com`);
    await waitForHeading(page, 'Filter blocks');
    await page.getByText(`Move to “${MARKUP_FOLDER}”`).waitFor();
    await page.getByRole('heading', { level: 2, name: MARKUP_NAME }).waitFor();
    await page.goto(`${web.base}/#/mailsort/alice%40example.com/test`);
    await waitForHeading(page, 'Test a message');
    const options = await page.locator('select option').allTextContents();
    assert.ok(options.some((o) => o.startsWith(MARKUP_SUBJECT)));
    await page.locator('select').selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Test' }).click();
    await page.getByText(`Filed in “${MARKUP_FOLDER}”`).waitFor();
    assert.equal(await page.evaluate(() => (globalThis as { __xss?: number }).__xss), undefined);
    assert.equal(await page.locator('main img').count(), 0, 'no <img> element was made from data');
    assert.equal(await page.locator('main script, main b').count(), 0);
    await signOut(page);
  });

  test('after signing out the page cannot call the API', async () => {
    const status = await page.evaluate(async () => (await fetch('/api/admin/users')).status);
    assert.equal(status, 401);
    const change = await page.evaluate(async () => (await fetch('/api/admin/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: 'late@example.com', password: 'x' }) })).status);
    assert.equal(change, 401);
    assert.equal(await web.test.ctx.store.findUser('late@example.com'), null);
    assert.deepEqual(await page.context().cookies(web.base), []);
  });

  test("a user cannot read another user's filters", async () => {
    await signIn(page, web.base, 'alice@example.com', 'alice-pw');
    await waitForHeading(page, 'Filter blocks');
    await page.goto(`${web.base}/#/mailsort/bob%40example.com`);
    await page.getByText('You can only manage your own mail settings.').waitFor();
    assert.equal(await page.getByText('Bob secret').count(), 0);
    const status = await page.evaluate(async () => (await fetch('/api/mail/bob%40example.com/filter')).status);
    assert.equal(status, 403);
    // Admin pages are not offered to a user either.
    await page.goto(`${web.base}/#/users`);
    await waitForHeading(page, 'Filter blocks');
    await screenshot(page, '21-user-home');
    await signOut(page);
    assert.deepEqual(problems, []);
  });

  test('the guide\'s sign-in errors show on the page', async () => {
    await page.goto(`${web.base}/#/login`);
    await waitForHeading(page, 'Sign in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Please enter your user name').waitFor();
    await page.getByLabel('User name').fill('alice@example.com');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Please enter your password.').waitFor();
    await page.getByLabel(/^Password/).fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('user not authorized').waitFor();
    await screenshot(page, '22-sign-in-error');
  });
});
