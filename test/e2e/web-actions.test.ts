/**
 * The small actions of the web UI, in a browser: each happens without a page reload (a marker
 * set on the window survives), asks before removing, and shows its result.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import selfsigned from 'selfsigned';
import { AdminService } from '../../src/admin/service.js';
import { launchBrowser, screenshot, signIn, signOut, waitForHeading, watchPage } from '../web/browser.js';
import { startWeb, type WebFixture } from '../web/helpers.js';

const FILE = `# Alice's rules

rule "Lists"
  if to contains "list@"
  move to "Lists"
end

# the boss
rule "Boss"
  if from is "boss@example.com"
  copy to "Important"
end
`;

async function setMarker(page: Page): Promise<void> {
  await page.evaluate('window.__stillHere = true');
}

async function markerSurvived(page: Page): Promise<boolean> {
  return (await page.evaluate('window.__stillHere === true')) as boolean;
}

describe('web UI small actions', () => {
  let web: WebFixture;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  before(async () => {
    web = await startWeb();
    const admin = new AdminService(web.test.ctx.store);
    await admin.addUser({ address: 'alice@example.com', password: 'alice-pw', firstName: 'Alice' });
    await admin.addUser({ address: 'bob@example.com', password: 'bob-pw', firstName: 'Bob' });
    await admin.addShared({ address: 'sales@example.com', displayName: 'Sales', members: ['alice@example.com', 'bob@example.com'] });
    await web.test.ctx.store.setFilterFile('alice@example.com', FILE);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    page = await context.newPage();
    problems = watchPage(page).problems;
  });

  after(async () => {
    await browser?.close();
    await web?.stop();
  });

  test('filter blocks: turn off, move, edit and delete without a reload; comments stay', async () => {
    await signIn(page, web.base, 'alice@example.com', 'alice-pw');
    await waitForHeading(page, 'Filter blocks');
    await setMarker(page);

    await page.getByRole('switch', { name: 'Use block “Lists”' }).uncheck();
    await page.getByText('Block turned off.').waitFor();
    assert.match((await web.test.ctx.store.getFilterFile('alice@example.com'))?.text ?? '', /rule "Lists" disabled/);

    await page.getByRole('button', { name: 'Move “Boss” up' }).click();
    await page.getByText('Moved up.').waitFor();
    const names = await page.locator('.rule-name').allTextContents();
    assert.ok(names[0]?.startsWith('Boss') && names[1]?.startsWith('Lists'), names.join(' | '));
    assert.ok(await markerSurvived(page), 'no page reload');

    await page.getByRole('link', { name: 'Edit “Boss”' }).click();
    await waitForHeading(page, 'Edit filter block');
    assert.equal(await page.getByLabel('Block name').inputValue(), 'Boss');
    assert.equal(await page.getByLabel('Word or phrase').inputValue(), 'boss@example.com');
    await page.getByLabel('Word or phrase').fill('ceo@example.com');
    await page.getByLabel('No', { exact: true }).check();
    await page.getByRole('button', { name: 'OK' }).click();
    await waitForHeading(page, 'Filter blocks');
    await page.getByText('The filter block was saved.').waitFor();
    const text = (await web.test.ctx.store.getFilterFile('alice@example.com'))?.text ?? '';
    assert.match(text, /# the boss\nrule "Boss" disabled\n\s+if from is "ceo@example\.com"/);
    assert.ok(text.startsWith("# Alice's rules\n"));

    await setMarker(page);
    await page.getByRole('button', { name: 'Delete “Lists”' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.locator('.rule').count(), 2, 'Cancel keeps the block');
    await page.getByRole('button', { name: 'Delete “Lists”' }).click();
    await screenshot(page, '30-confirm-delete');
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Block deleted.').waitFor();
    assert.equal(await page.locator('.rule').count(), 1);
    assert.ok(await markerSurvived(page));
    assert.doesNotMatch((await web.test.ctx.store.getFilterFile('alice@example.com'))?.text ?? '', /Lists/);
  });

  test('the raw file shows syntax errors with line and column, and jumps to them', async () => {
    await page.getByRole('link', { name: 'Filter file' }).first().click();
    await waitForHeading(page, 'Filter file');
    await page.getByLabel('filter.txt').fill('rule "x"\n  if subject contain "y"\n  stop\nend\n');
    await page.getByRole('button', { name: 'Save file' }).click();
    await page.getByText('Syntax error in the filter file.').waitFor();
    const where = page.getByRole('button', { name: /^line 2, column \d+$/ });
    await where.click();
    const caretLine = await page.evaluate<number>("(() => { const el = document.querySelector('main textarea'); return el.value.slice(0, el.selectionStart).split('\\n').length; })()");
    assert.equal(caretLine, 2);
    await screenshot(page, '31-filter-syntax-error');
    assert.match((await web.test.ctx.store.getFilterFile('alice@example.com'))?.text ?? '', /ceo@example\.com/, 'nothing was saved');
  });

  test('the vacation message: save, cancel, delete', async () => {
    await page.getByRole('link', { name: 'Vacation message' }).first().click();
    await waitForHeading(page, 'Vacation message');
    await page.getByLabel('Message subject').fill('Out');
    await page.getByLabel('Message body').fill('Back soon');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('The vacation message was saved.').waitFor();
    await page.getByLabel('Message subject').fill('Changed my mind');
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.getByLabel('Message subject').inputValue(), 'Out');
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('The vacation message was deleted.').waitFor();
    assert.doesNotMatch((await web.test.ctx.store.getFilterFile('alice@example.com'))?.text ?? '', /vacation/);
    await signOut(page);
  });

  test('the admin updates a user: password, shared mailboxes, then removes the user after confirming', async () => {
    await signIn(page, web.base, 'admin', web.adminPassword);
    await waitForHeading(page, 'Users');
    await page.getByLabel('Search users').fill('bob');
    // The search narrows the list as one types.
    await page.getByRole('link', { name: 'alice@example.com' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'bob@example.com' }).click();
    await waitForHeading(page, 'bob@example.com');
    await setMarker(page);

    await page.getByLabel('New password', { exact: true }).fill('bob-new');
    await page.getByLabel('Confirm new password').fill('bob-new');
    await page.getByRole('button', { name: 'Update password' }).click();
    await page.getByText('The password was changed.').waitFor();
    assert.ok(await web.test.ctx.auth.login('bob@example.com', 'bob-new', { ip: '127.0.0.9', protocol: 'web' }));

    await page.getByRole('button', { name: 'Remove from sales@example.com' }).click();
    await page.getByText('Shared mailbox removed.').waitFor();
    assert.deepEqual((await web.test.ctx.store.getUser('bob@example.com')).shared, []);
    await page.getByLabel('Add to shared mailbox').selectOption('sales@example.com');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Shared mailbox added.').waitFor();
    assert.deepEqual((await web.test.ctx.store.getUser('bob@example.com')).shared, ['sales@example.com']);
    assert.ok(await markerSurvived(page));

    await page.getByText('Edit profile').click();
    await page.getByLabel('Last name').fill('Builder');
    await page.getByLabel('Quota in MB').fill('50');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('The profile was saved.').waitFor();
    const bob = await web.test.ctx.store.getUser('bob@example.com');
    assert.equal(bob.lastName, 'Builder');
    assert.equal(bob.quotaBytes, 50 * 1024 * 1024);
    await page.getByText('0 B of 50.0 MB').waitFor();

    await page.getByRole('button', { name: 'Remove user…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    assert.ok(await web.test.ctx.store.findUser('alice@example.com'));
    await page.getByRole('button', { name: 'Remove user…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove user' }).click();
    await waitForHeading(page, 'Users');
    await page.getByText('User bob@example.com was removed.').waitFor();
    assert.equal(await web.test.ctx.store.findUser('bob@example.com'), null);
  });

  test('the server page warns about a certificate that expires soon and installs a new one', async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'soon.example.com' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(Date.now() - 24 * 3600 * 1000),
      notAfterDate: new Date(Date.now() + 12 * 24 * 3600 * 1000),
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Server' }).click();
    await waitForHeading(page, 'Server');
    await page.getByLabel('Certificate (PEM)').fill(pems.cert);
    await page.getByLabel('Private key (PEM)').fill(pems.private);
    await page.getByRole('button', { name: 'Install certificate' }).click();
    await page.getByText('The new certificate is installed and in use.').waitFor();
    await page.getByText(/The certificate expires in 1[01] days/).waitFor();
    await page.getByText('CN=soon.example.com').first().waitFor();
    await screenshot(page, '32-certificate-warning');
    await page.getByLabel('Certificate (PEM)').fill('not a certificate');
    await page.getByLabel('Private key (PEM)').fill('nor a key');
    await page.getByRole('button', { name: 'Install certificate' }).click();
    await page.getByText(/The certificate was not installed/).waitFor();
    await signOut(page);
  });

  test('works from the keyboard alone: sign in, move focus, toggle a block, confirm with the keyboard', async () => {
    await page.goto(`${web.base}/#/login`);
    await waitForHeading(page, 'Sign in');
    // Focus starts on the page heading; the next stop is the first field.
    assert.equal(await page.evaluate<string>('document.activeElement.tagName'), 'H1');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>('document.activeElement.getAttribute("name")'), 'user');
    await page.keyboard.type('alice@example.com');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>('document.activeElement.getAttribute("type")'), 'password');
    await page.keyboard.type('alice-pw');
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Filter blocks');
    // Focus moves to the new page's heading.
    assert.equal(await page.evaluate<string>('document.activeElement.tagName'), 'H1');
    await page.getByRole('switch', { name: 'Use block “Boss”' }).focus();
    await page.keyboard.press('Space');
    await page.getByText('Block turned on.').waitFor();
    await page.getByRole('button', { name: 'Delete “Boss”' }).focus();
    await page.keyboard.press('Enter');
    // The dialog starts on Cancel, so Enter there keeps the block.
    assert.equal(await page.evaluate<string>('document.activeElement.textContent'), 'Cancel');
    await page.keyboard.press('Escape');
    assert.equal(await page.getByRole('dialog').count(), 0);
    assert.equal(await page.locator('.rule').count(), 1);
    assert.doesNotMatch((await web.test.ctx.store.getFilterFile('alice@example.com'))?.text ?? '', /disabled/);
    assert.deepEqual(problems, []);
  });
});
