import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startWeb, type WebFixture } from './helpers.js';

describe('the web UI files', () => {
  let web: WebFixture;
  before(async () => {
    web = await startWeb();
  });
  after(async () => web.stop());

  test('the page and its modules are served with safe headers', async () => {
    const page = await fetch(`${web.base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const html = await page.text();
    assert.match(html, /<script type="module" src="\/ui\/app\.js">/);
    for (const asset of ['app.js', 'api.js', 'dom.js', 'style.css', 'views/mailsort.js']) {
      const reply = await fetch(`${web.base}/ui/${asset}`);
      assert.equal(reply.status, 200, asset);
    }
    assert.match((await fetch(`${web.base}/ui/app.js`)).headers.get('content-type') ?? '', /text\/javascript/);
  });

  test('no path outside the UI directory is served', async () => {
    for (const path of ['/ui/../http-errors.ts', '/ui/%2e%2e/index.ts', '/ui/..%2f..%2fpackage.json', '/ui/nothing.js', '/package.json']) {
      const reply = await fetch(`${web.base}${path}`);
      assert.equal(reply.status, 404, path);
    }
  });

  test('the UI never builds markup from strings', async () => {
    // Every view renders through dom.js (text nodes and attributes): no innerHTML anywhere.
    for (const asset of ['app.js', 'dom.js', 'views/users.js', 'views/shared.js', 'views/mailsort.js', 'views/rule-form.js', 'views/test-panel.js', 'views/server.js']) {
      const text = await (await fetch(`${web.base}/ui/${asset}`)).text();
      assert.doesNotMatch(text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, asset);
    }
  });
});

describe('finding the UI files', () => {
  test('from the source tree, and from a build directory elsewhere under the project', async () => {
    const { findUiDirectory } = await import('../../src/web/static.js');
    const { findUp } = await import('../../src/web/find-up.js');
    const { join, resolve } = await import('node:path');
    assert.equal(findUiDirectory(), resolve('src', 'web', 'ui'));
    // As compiled code in dist/web/ or .tmp/build/web/ would look for them.
    assert.equal(findUp(join('src', 'web', 'ui', 'index.html'), resolve('dist', 'web')), resolve('src', 'web', 'ui', 'index.html'));
    assert.equal(findUp(join('src', 'web', 'ui', 'index.html'), resolve('.tmp', 'build', 'web')), resolve('src', 'web', 'ui', 'index.html'));
    assert.equal(findUp('package.json', resolve('dist', 'web')), resolve('package.json'));
    assert.equal(findUp('no-such-file-anywhere.txt'), null);
  });
});
