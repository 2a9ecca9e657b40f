// Admin: shared mailboxes — list, add (members chosen from the users), show with members, remove.
import { api, enc } from '../api.js';
import { busy, confirmDialog, field, formatDate, h, notice, replace, toast, uid } from '../dom.js';
import { foldersCard } from './users.js';

export async function sharedView() {
  const { shared } = await api('GET', '/api/admin/shared');
  return h(
    'section',
    null,
    h('div', { class: 'page-head' }, h('h1', null, 'Shared mailboxes'), h('a', { class: 'button primary', href: '#/shared/new' }, 'Add shared mailbox')),
    shared.length === 0
      ? h('p', { class: 'empty' }, 'There are no shared mailboxes yet.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            null,
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Address'), h('th', { scope: 'col' }, 'Display name'), h('th', { scope: 'col' }, 'Members'))),
            h(
              'tbody',
              null,
              shared.map((s) =>
                h('tr', null, h('td', null, h('a', { href: `#/shared/${enc(s.address)}` }, s.address)), h('td', null, s.displayName || '—'), h('td', null, s.members.join(', '))),
              ),
            ),
          ),
        ),
  );
}

/** All users (paged through the API), for the member picker. */
async function allUsers() {
  const users = [];
  for (let offset = 0; offset < 100_000; offset += 500) {
    const page = await api('GET', `/api/admin/users?limit=500&offset=${offset}`);
    users.push(...page.users);
    if (users.length >= page.total || page.users.length === 0) break;
  }
  return users;
}

/** A filterable list of checkboxes, one per user. */
function memberPicker(users, legend) {
  const filter = h('input', { type: 'search', placeholder: 'Filter users', 'aria-label': 'Filter users' });
  const boxes = users.map((u) => {
    const id = uid('member');
    const box = h('input', { type: 'checkbox', id, value: u.address });
    return { user: u, item: h('li', null, box, h('label', { for: id }, u.address, u.firstName || u.lastName ? h('span', { class: 'muted' }, ` — ${`${u.firstName} ${u.lastName}`.trim()}`) : null)), box };
  });
  filter.addEventListener('input', () => {
    const term = /** @type {HTMLInputElement} */ (filter).value.trim().toLowerCase();
    for (const b of boxes) b.item.hidden = term !== '' && !`${b.user.address} ${b.user.firstName} ${b.user.lastName}`.toLowerCase().includes(term);
  });
  const element = h('fieldset', { class: 'picker' }, h('legend', null, legend), users.length > 8 ? filter : null, h('ul', { class: 'checklist' }, boxes.map((b) => b.item)));
  return { element, selected: () => boxes.filter((b) => /** @type {HTMLInputElement} */ (b.box).checked).map((b) => b.user.address) };
}

export async function sharedNewView(ctx) {
  const users = await allUsers();
  const address = h('input', { type: 'email', autocomplete: 'off' });
  const displayName = h('input', { type: 'text', autocomplete: 'off' });
  const home = h('input', { type: 'text', autocomplete: 'off', placeholder: 'Default mail root' });
  const picker = memberPicker(users, 'Members (at least one)');
  const errors = h('div');
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Add shared mailbox');
  const form = h(
    'form',
    { class: 'card form', novalidate: true },
    errors,
    field('Mail address', address, { required: true, hint: 'Mail to this address is filed in the shared mailbox.' }),
    field('Display name', displayName),
    field('Home directory', home, { hint: 'Where its message files live. Leave empty for the default.' }),
    users.length ? picker.element : notice('info', 'Add a user first: a shared mailbox needs at least one member.'),
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(errors);
    const members = picker.selected();
    if (!/** @type {HTMLInputElement} */ (address).value.trim()) return replace(errors, notice('error', 'Enter the mail address of the shared mailbox.'));
    if (members.length === 0) return replace(errors, notice('error', 'Choose at least one member.'));
    await busy(submit, async () => {
      try {
        const created = await api('POST', '/api/admin/shared', {
          address: /** @type {HTMLInputElement} */ (address).value,
          displayName: /** @type {HTMLInputElement} */ (displayName).value,
          home: /** @type {HTMLInputElement} */ (home).value.trim() || null,
          members,
        });
        ctx.flash(`Shared mailbox ${created.address} was added.`);
        ctx.navigate(`/shared/${enc(created.address)}`);
      } catch (err) {
        replace(errors, notice('error', err.message));
      }
    });
  });
  return h('section', null, h('div', { class: 'page-head' }, h('h1', null, 'Add shared mailbox')), form);
}

export async function sharedProfileView(ctx) {
  const address = ctx.params[0];
  const [initial, users] = await Promise.all([api('GET', `/api/admin/shared/${enc(address)}`), allUsers()]);
  const body = h('div');
  const msg = h('div');

  function render(s) {
    const members = new Set(s.members);
    const others = users.filter((u) => !members.has(u.address));
    const select = h('select', null, others.map((u) => h('option', { value: u.address }, u.address)));
    const add = h('button', { type: 'submit', class: 'button' }, 'Add member');
    const addForm = h('form', { class: 'inline-form' }, field('Add a member', select), add);
    addForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      await busy(add, async () => {
        try {
          render(await api('POST', `/api/admin/shared/${enc(s.address)}/members`, { address: /** @type {HTMLSelectElement} */ (select).value }));
          toast('Member added.');
        } catch (err) {
          replace(msg, notice('error', err.message));
        }
      });
    });
    replace(
      body,
      h(
        'div',
        { class: 'cards' },
        h(
          'div',
          { class: 'card' },
          h('h2', null, 'Shared mailbox'),
          h('dl', { class: 'facts' }, h('dt', null, 'Display name'), h('dd', null, s.displayName || '—'), h('dt', null, 'Home directory'), h('dd', null, s.home ?? 'Default mail root'), h('dt', null, 'Created'), h('dd', null, formatDate(s.createdAt))),
        ),
        h(
          'div',
          { class: 'card' },
          h('h2', null, `Members (${s.members.length})`),
          msg,
          h(
            'ul',
            { class: 'chips' },
            s.members.map((m) =>
              h(
                'li',
                null,
                h('a', { href: `#/users/${enc(m)}` }, m),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'button small',
                    'aria-label': `Remove member ${m}`,
                    onclick: async () => {
                      try {
                        render(await api('DELETE', `/api/admin/shared/${enc(s.address)}/members/${enc(m)}`));
                        toast('Member removed.');
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
          others.length ? addForm : null,
        ),
      ),
      foldersCard(s),
      h(
        'div',
        { class: 'card danger-zone' },
        h('h2', null, 'Remove shared mailbox'),
        h('p', null, 'Removes the shared mailbox and all of its mail for every member. This cannot be undone.'),
        h(
          'button',
          {
            type: 'button',
            class: 'button danger',
            onclick: async () => {
              const ok = await confirmDialog({ title: 'Remove shared mailbox?', message: h('p', null, 'Remove ', h('strong', null, s.address), ' and all of its mail?'), confirm: 'Remove shared mailbox', danger: true });
              if (!ok) return;
              try {
                await api('DELETE', `/api/admin/shared/${enc(s.address)}`);
                ctx.flash(`Shared mailbox ${s.address} was removed.`);
                ctx.navigate('/shared');
              } catch (err) {
                replace(msg, notice('error', err.message));
              }
            },
          },
          'Remove shared mailbox…',
        ),
      ),
    );
  }
  render(initial);
  return h('section', null, h('div', { class: 'page-head' }, h('h1', null, initial.address)), body);
}
