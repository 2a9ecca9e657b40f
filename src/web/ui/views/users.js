// Admin: the users list (search, paging), adding a user, and a user's profile (password,
// shared mailboxes, folders and quota, removal).
import { api, enc } from '../api.js';
import { busy, confirmDialog, field, formatBytes, formatDate, h, notice, replace, toast, uid } from '../dom.js';

const PAGE = 25;

export async function usersView(ctx) {
  const search = h('input', { type: 'search', name: 'search', placeholder: 'Address or name', autocomplete: 'off' });
  const results = h('div', { 'aria-live': 'polite' });
  let offset = 0;
  let timer = 0;

  async function load() {
    const term = /** @type {HTMLInputElement} */ (search).value.trim();
    try {
      const data = await api('GET', `/api/admin/users?limit=${PAGE}&offset=${offset}${term ? `&search=${enc(term)}` : ''}`);
      replace(results, usersTable(data.users), pager(data.total));
    } catch (err) {
      replace(results, notice('error', err.message));
    }
  }

  function pager(total) {
    if (total <= PAGE) return h('p', { class: 'muted' }, `${total} user${total === 1 ? '' : 's'}`);
    const prev = h('button', { type: 'button', class: 'button small', disabled: offset === 0, onclick: () => ((offset = Math.max(0, offset - PAGE)), load()) }, 'Previous');
    const next = h('button', { type: 'button', class: 'button small', disabled: offset + PAGE >= total, onclick: () => ((offset += PAGE), load()) }, 'Next');
    return h('div', { class: 'pager' }, prev, h('span', null, `${offset + 1}–${Math.min(offset + PAGE, total)} of ${total}`), next);
  }

  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => ((offset = 0), load()), 250);
  });
  await load();
  return h(
    'section',
    null,
    h('div', { class: 'page-head' }, h('h1', null, 'Users'), h('a', { class: 'button primary', href: '#/users/new' }, 'Add user')),
    h('form', { class: 'search', role: 'search', onsubmit: (e) => (e.preventDefault(), (offset = 0), load()) }, field('Search users', search)),
    results,
  );
}

function usersTable(users) {
  if (users.length === 0) return h('p', { class: 'empty' }, 'No users found.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      null,
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Address'), h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Shared mailboxes'), h('th', { scope: 'col' }, 'Status'))),
      h(
        'tbody',
        null,
        users.map((u) =>
          h(
            'tr',
            null,
            h('td', null, h('a', { href: `#/users/${enc(u.address)}` }, u.address)),
            h('td', null, `${u.firstName} ${u.lastName}`.trim() || '—'),
            h('td', null, u.shared.length ? u.shared.join(', ') : '—'),
            h('td', null, u.disabled ? h('span', { class: 'badge warn' }, 'Disabled') : h('span', { class: 'badge ok' }, 'Active')),
          ),
        ),
      ),
    ),
  );
}

export async function userNewView(ctx) {
  const inputs = {
    address: h('input', { type: 'email', name: 'address', autocomplete: 'off', required: true }),
    firstName: h('input', { type: 'text', name: 'firstName', autocomplete: 'off' }),
    lastName: h('input', { type: 'text', name: 'lastName', autocomplete: 'off' }),
    password: h('input', { type: 'password', name: 'password', autocomplete: 'new-password' }),
    confirm: h('input', { type: 'password', name: 'confirm', autocomplete: 'new-password' }),
    home: h('input', { type: 'text', name: 'home', autocomplete: 'off', placeholder: 'Default mail root' }),
  };
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Add user');
  const form = h(
    'form',
    { class: 'card form', novalidate: true },
    errors,
    field('Mail address', inputs.address, { required: true, hint: 'Also the user name for IMAP, POP3 and MailSort.' }),
    h('div', { class: 'row' }, field('First name', inputs.firstName), field('Last name', inputs.lastName)),
    h('div', { class: 'row' }, field('Password', inputs.password, { required: true }), field('Confirm password', inputs.confirm, { required: true })),
    field('Home directory', inputs.home, { hint: 'Where this user’s message files live. Leave empty for the default.' }),
    h('div', { class: 'actions' }, h('button', { type: 'reset', class: 'button' }, 'Reset'), submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, /** @type {HTMLInputElement} */ (el).value]));
    replace(errors);
    if (!v.address.trim()) return replace(errors, notice('error', 'Enter the mail address of the new user.'));
    if (!v.password) return replace(errors, notice('error', 'Enter a password for the new user.'));
    if (v.password !== v.confirm) return replace(errors, notice('error', 'The two passwords are not the same.'));
    await busy(submit, async () => {
      try {
        const user = await api('POST', '/api/admin/users', { address: v.address, firstName: v.firstName, lastName: v.lastName, password: v.password, home: v.home.trim() || null });
        ctx.flash(`User ${user.address} was added.`);
        ctx.navigate(`/users/${enc(user.address)}`);
      } catch (err) {
        replace(errors, notice('error', err.message));
      }
    });
  });
  return h('section', null, h('div', { class: 'page-head' }, h('h1', null, 'Add user')), form);
}

export async function userProfileView(ctx) {
  const address = ctx.params[0];
  const [user, sharedList] = await Promise.all([api('GET', `/api/admin/users/${enc(address)}`), api('GET', '/api/admin/shared')]);
  const body = h('div');
  const render = (u) => replace(body, profile(u));

  function profile(u) {
    return [
      h(
        'div',
        { class: 'cards' },
        profileCard(u),
        passwordCard(u),
        sharedCard(u),
      ),
      foldersCard(u),
      h(
        'div',
        { class: 'card danger-zone' },
        h('h2', null, 'Remove user'),
        h('p', null, 'Removes the user and all of their mail. This cannot be undone.'),
        h('button', { type: 'button', class: 'button danger', onclick: () => removeUser(u) }, 'Remove user…'),
      ),
    ];
  }

  function profileCard(u) {
    const quota = u.quota.limitBytes === null ? `${formatBytes(u.quota.bytes)} used (no limit)` : `${formatBytes(u.quota.bytes)} of ${formatBytes(u.quota.limitBytes)}`;
    const first = h('input', { type: 'text', value: u.firstName, autocomplete: 'off' });
    const last = h('input', { type: 'text', value: u.lastName, autocomplete: 'off' });
    const quotaMb = h('input', { type: 'number', min: '0', inputmode: 'numeric', value: u.quota.limitBytes === null ? '' : String(Math.round(u.quota.limitBytes / (1024 * 1024))), placeholder: 'No limit' });
    const disabled = h('input', { type: 'checkbox', checked: u.disabled, id: uid('disabled') });
    const msg = h('div');
    const save = h('button', { type: 'submit', class: 'button' }, 'Save profile');
    const form = h(
      'form',
      { class: 'subform', novalidate: true },
      msg,
      h('div', { class: 'row' }, field('First name', first), field('Last name', last)),
      field('Quota in MB', quotaMb, { hint: 'Empty for no limit.' }),
      h('div', { class: 'field checkbox' }, h('span', { class: 'radio' }, disabled, h('label', { for: disabled.id }, 'Account disabled (no logins, no web sessions)'))),
      h('div', { class: 'actions' }, save),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      replace(msg);
      const mb = /** @type {HTMLInputElement} */ (quotaMb).value.trim();
      if (mb !== '' && !/^\d+$/.test(mb)) return replace(msg, notice('error', 'The quota is a whole number of megabytes.'));
      await busy(save, async () => {
        try {
          const updated = await api('PATCH', `/api/admin/users/${enc(u.address)}`, {
            firstName: /** @type {HTMLInputElement} */ (first).value,
            lastName: /** @type {HTMLInputElement} */ (last).value,
            quotaBytes: mb === '' ? null : Number(mb) * 1024 * 1024,
            disabled: /** @type {HTMLInputElement} */ (disabled).checked,
          });
          render(updated);
          toast('The profile was saved.');
        } catch (err) {
          replace(msg, notice('error', err.message));
        }
      });
    });
    return h(
      'div',
      { class: 'card' },
      h('h2', null, 'Profile'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Name'),
        h('dd', null, `${u.firstName} ${u.lastName}`.trim() || '—'),
        h('dt', null, 'Status'),
        h('dd', null, u.disabled ? h('span', { class: 'badge warn' }, 'Disabled') : h('span', { class: 'badge ok' }, 'Active')),
        h('dt', null, 'Home directory'),
        h('dd', null, u.home ?? 'Default mail root'),
        h('dt', null, 'Storage'),
        h('dd', null, quota),
        h('dt', null, 'Messages'),
        h('dd', null, String(u.quota.messages)),
        h('dt', null, 'Created'),
        h('dd', null, formatDate(u.createdAt)),
      ),
      h('details', null, h('summary', null, 'Edit profile'), form),
    );
  }

  function passwordCard(u) {
    const pw = h('input', { type: 'password', autocomplete: 'new-password' });
    const confirm = h('input', { type: 'password', autocomplete: 'new-password' });
    const msg = h('div');
    const submit = h('button', { type: 'submit', class: 'button primary' }, 'Update password');
    const form = h('form', { class: 'card', novalidate: true }, h('h2', null, 'Update password'), msg, field('New password', pw), field('Confirm new password', confirm), h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      replace(msg);
      const a = /** @type {HTMLInputElement} */ (pw).value;
      if (!a) return replace(msg, notice('error', 'Enter the new password.'));
      if (a !== /** @type {HTMLInputElement} */ (confirm).value) return replace(msg, notice('error', 'The two passwords are not the same.'));
      await busy(submit, async () => {
        try {
          await api('PUT', `/api/admin/users/${enc(u.address)}/password`, { password: a });
          form.reset();
          replace(msg, notice('success', 'The password was changed.'));
        } catch (err) {
          replace(msg, notice('error', err.message));
        }
      });
    });
    return form;
  }

  function sharedCard(u) {
    const mine = new Set(u.shared.map((s) => s.address));
    const available = sharedList.shared.filter((s) => !mine.has(s.address));
    const msg = h('div');
    const select = h('select', null, available.map((s) => h('option', { value: s.address }, s.displayName ? `${s.displayName} <${s.address}>` : s.address)));
    const add = h('button', { type: 'submit', class: 'button' }, 'Add');
    const form = h('form', { class: 'inline-form' }, field('Add to shared mailbox', select), add);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      await busy(add, async () => {
        try {
          const updated = await api('POST', `/api/admin/users/${enc(u.address)}/shared`, { shared: /** @type {HTMLSelectElement} */ (select).value });
          render(updated);
          toast('Shared mailbox added.');
        } catch (err) {
          replace(msg, notice('error', err.message));
        }
      });
    });
    return h(
      'div',
      { class: 'card' },
      h('h2', null, 'Shared mailboxes'),
      msg,
      u.shared.length === 0
        ? h('p', { class: 'empty' }, 'Not a member of any shared mailbox.')
        : h(
            'ul',
            { class: 'chips' },
            u.shared.map((s) =>
              h(
                'li',
                null,
                h('span', null, s.displayName ? `${s.displayName} <${s.address}>` : s.address),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'button small',
                    'aria-label': `Remove from ${s.address}`,
                    onclick: async () => {
                      try {
                        render(await api('DELETE', `/api/admin/users/${enc(u.address)}/shared/${enc(s.address)}`));
                        toast('Shared mailbox removed.');
                      } catch (err) {
                        replace(msg, notice('error', err.message));
                      }
                    },
                  },
                  'Remove',
                ),
              ),
            ),
          ),
      available.length ? form : h('p', { class: 'muted' }, sharedList.shared.length ? 'Member of every shared mailbox.' : 'No shared mailboxes exist yet.'),
    );
  }

  async function removeUser(u) {
    const ok = await confirmDialog({ title: 'Remove user?', message: h('p', null, 'Remove ', h('strong', null, u.address), ' and all of their mail? This cannot be undone.'), confirm: 'Remove user', danger: true });
    if (!ok) return;
    try {
      await api('DELETE', `/api/admin/users/${enc(u.address)}`);
      ctx.flash(`User ${u.address} was removed.`);
      ctx.navigate('/users');
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  render(user);
  return h(
    'section',
    null,
    h('div', { class: 'page-head' }, h('h1', null, user.address), h('a', { class: 'button', href: `#/mailsort/${enc(user.address)}` }, 'Open MailSort')),
    body,
  );
}

export function foldersCard(u) {
  return h(
    'div',
    { class: 'card' },
    h('h2', null, 'Folders'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        null,
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Folder'), h('th', { scope: 'col', class: 'num' }, 'Messages'), h('th', { scope: 'col', class: 'num' }, 'Unread'), h('th', { scope: 'col', class: 'num' }, 'Size'))),
        h(
          'tbody',
          null,
          u.mailboxes.map((m) =>
            h('tr', null, h('td', null, m.name), h('td', { class: 'num' }, String(m.messages)), h('td', { class: 'num' }, String(m.unseen)), h('td', { class: 'num' }, formatBytes(m.size))),
          ),
        ),
      ),
    ),
  );
}
