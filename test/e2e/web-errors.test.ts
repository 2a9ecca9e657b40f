/** The guide's storage errors as the browser shows them: out of disk space, error in reading the filter file. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ServerContext } from '../../src/server/context.js';
import { createHttpService, type HttpService } from '../../src/web/index.js';
import { addTestUser, makeTestContext, type TestContext } from '../helpers/context.js';
import { launchBrowser, screenshot, signIn, signOut, waitForHeading, watchPage } from '../web/browser.js';
import { failingStore } from '../web/failing-store.js';
import { FAST_AUTH } from '../web/helpers.js';

describe('storage errors in the browser', () => {
  let test_: TestContext;
  let service: HttpService;
  let base = '';
  let browser: Browser;
  let page: Page;
  let problems: string[];

  before(async () => {
    test_ = await makeTestContext(FAST_AUTH);
    await addTestUser(test_.ctx, 'alice@example.com', 'alice-pw');
    await addTestUser(test_.ctx, 'bob@example.com', 'bob-pw');
    const ctx: ServerContext = { ...test_.ctx, store: failingStore(test_.ctx.store) };
    service = createHttpService(ctx);
    const [bound] = await service.start();
    base = `http://127.0.0.1:${bound?.port}`;
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    problems = watchPage(page).problems;
  });
  after(async () => {
    await browser?.close();
    await service?.stop();
    await test_?.cleanup();
  });

  test('out of disk space is shown when saving', async () => {
    await signIn(page, base, 'alice@example.com', 'alice-pw');
    await waitForHeading(page, 'Filter blocks');
    await page.getByRole('link', { name: 'Vacation message' }).first().click();
    await waitForHeading(page, 'Vacation message');
    await page.getByLabel('Message body').fill('Away');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').getByText('The server is out of disk space; the change was not saved.').waitFor();
    await screenshot(page, '40-out-of-disk-space');
    await signOut(page);
  });

  test('an unreadable filter file is reported on the page', async () => {
    await signIn(page, base, 'bob@example.com', 'bob-pw');
    await page.getByText('Error in reading the filter file').waitFor();
    assert.deepEqual(problems, []);
  });
});
