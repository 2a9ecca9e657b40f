// The single-page shell: session, navigation and a small hash router. Each view is a module
// that returns the content of <main>; small actions update the page without a reload.
import { api, onSessionEnded, setCsrfToken } from './api.js';
import { h, notice, replace } from './dom.js';
import { loginView } from './views/login.js';
import { usersView, userNewView, userProfileView } from './views/users.js';
import { sharedView, sharedNewView, sharedProfileView } from './views/shared.js';
import { serverView } from './views/server.js';
import { mailsortChooserView, rulesView } from './views/mailsort.js';
import { ruleFormView } from './views/rule-form.js';
import { vacationView } from './views/vacation.js';
import { filterFileView } from './views/filter-file.js';
import { testPanelView } from './views/test-panel.js';
import { accountView } from './views/account.js';

/** @typedef {{ signedIn: boolean, role?: 'admin'|'user', address?: string, csrfToken?: string }} SessionInfo */

const state = { /** @type {SessionInfo} */ session: { signedIn: false }, flash: /** @type {{ text: string, kind: string } | null} */ (null) };

const routes = [
  { path: /^\/login$/, access: 'public', view: loginView },
  { path: /^\/users$/, access: 'admin', view: usersView },
  { path: /^\/users\/new$/, access: 'admin', view: userNewView },
  { path: /^\/users\/([^/]+)$/, access: 'admin', view: userProfileView },
  { path: /^\/shared$/, access: 'admin', view: sharedView },
  { path: /^\/shared\/new$/, access: 'admin', view: sharedNewView },
  { path: /^\/shared\/([^/]+)$/, access: 'admin', view: sharedProfileView },
  { path: /^\/server$/, access: 'admin', view: serverView },
  { path: /^\/mailsort$/, access: 'admin', view: mailsortChooserView },
  { path: /^\/mailsort\/([^/]+)$/, access: 'user', view: rulesView },
  { path: /^\/mailsort\/([^/]+)\/rules\/new$/, access: 'user', view: ruleFormView },
  { path: /^\/mailsort\/([^/]+)\/rules\/(\d+)$/, access: 'user', view: ruleFormView },
  { path: /^\/mailsort\/([^/]+)\/vacation$/, access: 'user', view: vacationView },
  { path: /^\/mailsort\/([^/]+)\/file$/, access: 'user', view: filterFileView },
  { path: /^\/mailsort\/([^/]+)\/test$/, access: 'user', view: testPanelView },
  { path: /^\/mailsort\/([^/]+)\/password$/, access: 'user', view: accountView },
];

export function navigate(path) {
  if (location.hash === `#${path}`) render();
  else location.hash = path;
}

/** Shows a message on the next page rendered (after a navigation). */
export function flash(message, kind = 'success') {
  state.flash = { text: message, kind };
}

function homePath() {
  const s = state.session;
  if (!s.signedIn) return '/login';
  return s.role === 'admin' ? '/users' : `/mailsort/${encodeURIComponent(s.address ?? '')}`;
}

async function loadSession() {
  state.session = await api('GET', '/api/session');
  setCsrfToken(state.session.csrfToken);
}

export async function signedIn(session) {
  state.session = session;
  setCsrfToken(session.csrfToken);
  renderChrome();
  navigate(homePath());
}

async function signOut() {
  try {
    await api('DELETE', '/api/session');
  } finally {
    state.session = { signedIn: false };
    setCsrfToken(null);
    renderChrome();
    navigate('/login');
  }
}

/** A sidebar link, marked as the current page when `isCurrent(location.hash)` holds. */
function navLink(href, label, isCurrent = (hash) => hash === href || hash.startsWith(`${href}/`)) {
  const current = isCurrent(location.hash);
  return h('li', null, h('a', { href, 'aria-current': current ? 'page' : null }, label));
}

function renderChrome() {
  const s = state.session;
  const sidebar = document.getElementById('sidebar');
  const user = document.getElementById('topbar-user');
  if (!sidebar || !user) return;
  if (!s.signedIn) {
    replace(sidebar);
    replace(user);
    sidebar.hidden = true;
    return;
  }
  sidebar.hidden = false;
  const who = s.role === 'admin' ? 'Administrator' : s.address;
  replace(user, h('span', { class: 'who' }, who), h('button', { type: 'button', class: 'button small', onclick: signOut }, 'Sign out'));
  if (s.role === 'admin') {
    replace(
      sidebar,
      h('h2', { class: 'nav-title' }, 'Users'),
      h('ul', null, navLink('#/users', 'All users', (hash) => hash.startsWith('#/users') && hash !== '#/users/new'), navLink('#/users/new', 'Add user')),
      h('h2', { class: 'nav-title' }, 'Shared mailboxes'),
      h('ul', null, navLink('#/shared', 'All shared mailboxes', (hash) => hash.startsWith('#/shared') && hash !== '#/shared/new'), navLink('#/shared/new', 'Add shared mailbox')),
      h('h2', { class: 'nav-title' }, 'MailSort'),
      h('ul', null, navLink('#/mailsort', "A user's filters")),
      h('h2', { class: 'nav-title' }, 'System'),
      h('ul', null, navLink('#/server', 'Server')),
    );
  } else {
    const base = `#/mailsort/${encodeURIComponent(s.address ?? '')}`;
    replace(
      sidebar,
      h('h2', { class: 'nav-title' }, 'MailSort'),
      h('ul', null, navLink(base, 'Filter blocks', (hash) => hash === base || hash.startsWith(`${base}/rules/`)), navLink(`${base}/vacation`, 'Vacation message'), navLink(`${base}/test`, 'Test a message'), navLink(`${base}/file`, 'Filter file')),
      h('h2', { class: 'nav-title' }, 'Account'),
      h('ul', null, navLink(`${base}/password`, 'Password')),
    );
  }
}

let renderSerial = 0;

async function render() {
  const serial = ++renderSerial;
  const main = document.getElementById('main');
  if (!main) return;
  const path = location.hash.replace(/^#/, '') || '/';
  const s = state.session;
  let route = routes.find((r) => r.path.test(path));
  if (!route || path === '/') return navigate(homePath());
  if (route.access !== 'public' && !s.signedIn) return navigate('/login');
  if (route.access === 'admin' && s.role !== 'admin') return navigate(homePath());
  if (route.access === 'public' && s.signedIn) return navigate(homePath());
  const params = (route.path.exec(path) ?? []).slice(1).map((p) => decodeURIComponent(p));
  renderChrome();
  const pageFlash = state.flash;
  state.flash = null;
  let content;
  try {
    content = await route.view({ params, session: s, navigate, refresh: render, flash });
  } catch (err) {
    const title = err && err.code === 'FORBIDDEN' ? 'Not allowed' : err && err.status === 404 ? 'Not found' : 'This page could not be shown';
    content = h('section', null, h('h1', { tabindex: '-1' }, title), notice('error', err instanceof Error ? err.message : String(err)), h('p', null, h('a', { href: `#${homePath()}` }, 'Back to the start page')));
  }
  if (serial !== renderSerial) return;
  replace(main, pageFlash ? notice(pageFlash.kind, pageFlash.text) : null, content);
  document.title = `${main.querySelector('h1')?.textContent ?? 'msgstore'} · msgstore`;
  // Move focus to the page heading so keyboard and screen-reader users start at the new content.
  const heading = main.querySelector('h1');
  if (heading instanceof HTMLElement) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}

onSessionEnded(() => {
  state.session = { signedIn: false };
  setCsrfToken(null);
  flash('Your session has ended. Please sign in again.', 'info');
  renderChrome();
  navigate('/login');
});

window.addEventListener('hashchange', render);

async function start() {
  try {
    await loadSession();
  } catch {
    state.session = { signedIn: false };
  }
  renderChrome();
  await render();
}

start();
