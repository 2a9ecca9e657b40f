/**
 * The whole product through the browser: an admin adds two users and a shared mailbox with
 * both as members; a user signs in, makes a "move to" block and a vacation message; a message
 * delivered over LMTP lands in that folder (checked over IMAP) and the vacation reply reaches a
 * local SMTP sink. Every service is the real one, wired as `msgstore serve` wires them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import type { BoundAddress } from '../../src/server/context.js';
import { buildServices, type BuiltServices } from '../../src/server/services.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { launchBrowser, screenshot as saveScreenshot, signIn, signOut, unlabelledControls, waitForHeading, watchPage } from '../web/browser.js';
import { startSmtpSink, type SmtpSink } from '../web/smtp-sink.js';

/** Saves the screen and checks on the way that every control on it has a name for screen readers. */
async function screenshot(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, name);
  assert.deepEqual(await unlabelledControls(page), [], `controls without a label on ${name}`);
}

const XSS_FOLDER = '<img src=x onerror=alert(1)>';
const XSS_SUBJECT = '<script>alert("subject")</script><b>bold</b> & <i>more</i>';

describe('web UI end to end (admin, MailSort, LMTP, IMAP, vacation over SMTP)', () => {
  let sink: SmtpSink;
  let test_: TestContext;
  let built: BuiltServices;
  let bound: BoundAddress[] = [];
  let adminPassword = '';
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let base = '';

  const port = (service: string) => {
    const found = bound.find((b) => b.service === service);
    if (!found) throw new Error(`${service} is not listening (${bound.map((b) => b.service).join(', ')})`);
    return found.port;
  };

  before(async () => {
    sink = await startSmtpSink();
    test_ = await makeTestContext({
      relay: { host: '127.0.0.1', port: sink.port, startTls: false },
      listeners: { pop3: { enabled: false }, pop3s: { enabled: false } },
      spool: { enabled: false },
      auth: { maxDelayMs: 20 },
    });
    built = await buildServices(test_.ctx, (line) => {
      const match = /created with password: (\S+)/.exec(line);
      if (match?.[1]) adminPassword = match[1];
    });
    for (const service of built.services) bound.push(...(await service.start()));
    await built.afterStart();
    assert.ok(adminPassword, 'the first start prints the admin password');
    base = `http://127.0.0.1:${port('http')}`;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    problems = watchPage(page).problems;
  });

  after(async () => {
    await browser?.close();
    for (const service of [...(built?.services ?? [])].reverse()) await service.stop();
    await built?.beforeClose();
    await test_?.cleanup();
    await sink?.close();
  });

  test('the admin adds two users and a shared mailbox with both as members', async () => {
    await page.goto(base);
    await waitForHeading(page, 'Sign in');
    await screenshot(page, '01-sign-in');
    await signIn(page, base, 'admin', adminPassword);
    await waitForHeading(page, 'Users');

    for (const [address, first, last, password] of [
      ['alice@example.com', 'Alice', 'Liddell', 'alice-secret'],
      ['bob@example.com', 'Bob', 'Builder', 'bob-secret'],
    ] as const) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Add user' }).click();
      await waitForHeading(page, 'Add user');
      await page.getByLabel('Mail address').fill(address);
      await page.getByLabel('First name').fill(first);
      await page.getByLabel('Last name').fill(last);
      await page.getByLabel(/^Password/).fill(password);
      await page.getByLabel('Confirm password').fill(password);
      if (address.startsWith('alice')) await screenshot(page, '02-add-user');
      await page.getByRole('button', { name: 'Add user' }).click();
      await waitForHeading(page, address);
      await page.getByText(`User ${address} was added.`).waitFor();
    }
    await screenshot(page, '03-user-profile');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Add shared mailbox' }).click();
    await waitForHeading(page, 'Add shared mailbox');
    await page.getByLabel('Mail address').fill('sales@example.com');
    await page.getByLabel('Display name').fill('Sales team');
    await page.getByLabel('alice@example.com').check();
    await page.getByLabel('bob@example.com').check();
    await screenshot(page, '04-add-shared');
    await page.getByRole('button', { name: 'Add shared mailbox' }).click();
    await waitForHeading(page, 'sales@example.com');
    await page.getByRole('link', { name: 'alice@example.com' }).waitFor();
    await page.getByRole('link', { name: 'bob@example.com' }).waitFor();
    await screenshot(page, '05-shared-profile');
    const shared = await test_.ctx.store.getShared('sales@example.com');
    assert.deepEqual(shared.members, ['alice@example.com', 'bob@example.com']);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'All users' }).click();
    await waitForHeading(page, 'Users');
    await page.getByRole('cell', { name: 'sales@example.com' }).first().waitFor();
    await screenshot(page, '06-users-list');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Server' }).click();
    await waitForHeading(page, 'Server');
    await page.getByText('mail.test').first().waitFor();
    await screenshot(page, '07-server');
    await signOut(page);
  });

  test('a user signs in, makes a "move to" block and a vacation message', async () => {
    // Alice's real folders: one made over IMAP, and one whose name is markup.
    const imap = new ImapFlow({ host: '127.0.0.1', port: port('imap'), secure: false, auth: { user: 'alice@example.com', pass: 'alice-secret' }, logger: false, tls: { rejectUnauthorized: false } });
    await imap.connect();
    await imap.mailboxCreate('Projects');
    await imap.mailboxCreate(XSS_FOLDER);
    await imap.logout();
    const inbox = await test_.ctx.store.getMailbox({ kind: 'user', address: 'alice@example.com' }, 'INBOX');
    await test_.ctx.store.appendMessage(inbox.id, Buffer.from(`From: Mallory <mallory@example.org>\r\nTo: alice@example.com\r\nSubject: ${XSS_SUBJECT}\r\n\r\nhi\r\n`));

    await signIn(page, base, 'alice@example.com', 'alice-secret');
    await waitForHeading(page, 'Filter blocks');
    await page.getByText('You have no filter file yet').waitFor();

    await page.getByRole('link', { name: 'New filter block' }).click();
    await waitForHeading(page, 'New filter block');
    await page.getByLabel('Block name').fill("John's mail to Projects");
    await page.getByLabel('Header', { exact: true }).selectOption('from');
    await page.getByLabel('Word or phrase').fill('John Doe');
    await page.getByLabel('Action', { exact: true }).selectOption('move');
    const folderOptions = await page.getByLabel('Folder', { exact: true }).locator('option').allTextContents();
    assert.ok(folderOptions.includes('Projects'));
    assert.ok(folderOptions.includes('shared/sales@example.com (shared)'));
    assert.ok(folderOptions.includes(XSS_FOLDER), 'a folder named with markup is shown as text');
    await page.getByLabel('Folder', { exact: true }).selectOption('Projects');
    await screenshot(page, '08-new-block');
    await page.getByRole('button', { name: 'OK' }).click();
    await waitForHeading(page, 'Filter blocks');
    await page.getByText('Move to “Projects”').waitFor();

    await page.getByRole('link', { name: 'New filter block' }).click();
    await waitForHeading(page, 'New filter block');
    await page.getByLabel('Block name').fill('Out of office');
    await page.getByLabel('Every message').check();
    await page.getByLabel('Action', { exact: true }).selectOption('vacation');
    await page.getByRole('button', { name: 'OK' }).click();
    await waitForHeading(page, 'Filter blocks');
    await page.getByText('Send the vacation message').waitFor();
    await page.getByText('there is no vacation message yet').waitFor();
    await screenshot(page, '09-filter-blocks');

    await page.getByRole('link', { name: 'Vacation message' }).first().click();
    await waitForHeading(page, 'Vacation message');
    await page.getByLabel('Message subject').fill('Away until Monday');
    await page.getByLabel('Message body').fill('Thank you for your mail.\nI am away until Monday.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('The vacation message was saved.').waitFor();
    await screenshot(page, '10-vacation');

    const file = await test_.ctx.store.getFilterFile('alice@example.com');
    assert.match(file?.text ?? '', /rule "John's mail to Projects"\n\s+if from contains "John Doe"\n\s+move to "Projects"\nend/);
    assert.match(file?.text ?? '', /subject "Away until Monday"/);

    // The test panel lists INBOX (the markup subject as text) and explains a pasted message.
    await page.getByRole('link', { name: 'Test' }).first().click();
    await waitForHeading(page, 'Test a message');
    const subjects = await page.locator('select option').allTextContents();
    assert.ok(subjects.some((s) => s.startsWith(XSS_SUBJECT)), 'a subject full of markup is listed as text');
    await page.getByLabel('Or paste a message').fill('From: John Doe <john@example.net>\nTo: alice@example.com\nSubject: Plans\n\nHello\n');
    await page.getByRole('button', { name: 'Test' }).click();
    await page.getByText('Filed in “Projects”').waitFor();
    await page.getByText('A vacation reply “Away until Monday” goes to john@example.net').waitFor();
    await screenshot(page, '11-test-panel');

    await page.getByRole('link', { name: 'Filter file' }).first().click();
    await waitForHeading(page, 'Filter file');
    await screenshot(page, '12-filter-file');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Filter blocks' }).first().click();
    await waitForHeading(page, 'Filter blocks');
    await screenshot(page, '13-phone-filter-blocks');
    await page.setViewportSize({ width: 1280, height: 860 });
    await signOut(page);
  });

  test('a message delivered over LMTP lands in that folder and the vacation reply reaches the relay', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: port('lmtp'), lmtp: true, ignoreTLS: true, name: 'mx.example.net' });
    const raw = 'From: John Doe <john@example.net>\r\nTo: Alice <alice@example.com>\r\nSubject: Project plan\r\nMessage-ID: <plan-1@example.net>\r\n\r\nThe plan is attached.\r\n';
    const info = await transport.sendMail({ envelope: { from: 'john@example.net', to: ['alice@example.com'] }, raw });
    transport.close();
    assert.deepEqual(info.accepted, ['alice@example.com']);

    const imap = new ImapFlow({ host: '127.0.0.1', port: port('imap'), secure: false, auth: { user: 'alice@example.com', pass: 'alice-secret' }, logger: false, tls: { rejectUnauthorized: false } });
    await imap.connect();
    try {
      const status = await imap.status('Projects', { messages: true });
      assert.ok(status);
      assert.equal(status.messages, 1);
      const lock = await imap.getMailboxLock('Projects');
      try {
        const message = await imap.fetchOne('1', { envelope: true });
        assert.ok(message);
        assert.equal(message.envelope?.subject, 'Project plan');
      } finally {
        lock.release();
      }
      const inboxStatus = await imap.status('INBOX', { messages: true });
      assert.ok(inboxStatus);
      assert.equal(inboxStatus.messages, 1, 'only the earlier message is in INBOX');
    } finally {
      await imap.logout();
    }

    const reply = await sink.waitFor((m) => m.to.includes('john@example.net'), 10_000);
    assert.equal(reply.from, '');
    assert.match(reply.raw, /^Subject: Away until Monday/m);
    assert.match(reply.raw, /I am away until Monday/);
    assert.match(reply.raw, /^In-Reply-To: <plan-1@example\.net>/m);
  });

  test('the admin can open any user\'s MailSort pages, choosing the user from a list', async () => {
    await signIn(page, base, 'admin', adminPassword);
    await waitForHeading(page, 'Users');
    await page.getByRole('link', { name: "A user's filters" }).click();
    await waitForHeading(page, 'MailSort');
    await page.getByLabel('User').selectOption('alice@example.com');
    await page.getByRole('button', { name: 'Open' }).click();
    await waitForHeading(page, 'Filter blocks');
    await page.getByText("John's mail to Projects").waitFor();
    await screenshot(page, '14-admin-mailsort');
    await signOut(page);
    assert.deepEqual(problems, []);
  });
});
