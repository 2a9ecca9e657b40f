// MailSort: the admin's user chooser, and the list of a user's filter blocks with enable/disable,
// reorder, edit and delete — all without reloading the page.
import { api, enc } from '../api.js';
import { busy, confirmDialog, field, h, notice, replace, toast } from '../dom.js';
import { describeAction, describeCondition, mailsortBase, mailsortHeader, syntaxErrorList } from './mailsort-common.js';

export async function mailsortChooserView(ctx) {
  const list = h('div');
  const select = h('select', { name: 'user' });
  const users = [];
  for (let offset = 0; offset < 100_000; offset += 500) {
    const page = await api('GET', `/api/admin/users?limit=500&offset=${offset}`);
    users.push(...page.users);
    if (users.length >= page.total || page.users.length === 0) break;
  }
  replace(select, users.map((u) => h('option', { value: u.address }, u.address)));
  const form = h(
    'form',
    { class: 'card form' },
    users.length === 0 ? notice('info', 'There are no users yet.') : field('User', select, { hint: 'Open this user’s filter blocks and vacation message.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary', disabled: users.length === 0 }, 'Open')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(`/mailsort/${enc(/** @type {HTMLSelectElement} */ (select).value)}`);
  });
  return h('section', null, h('div', { class: 'page-head' }, h('h1', null, 'MailSort')), h('p', { class: 'lead' }, 'Choose whose mail filters to manage.'), form, list);
}

export async function rulesView(ctx) {
  const address = ctx.params[0];
  const body = h('div');
  const base = mailsortBase(address);
  const path = `/api/mail/${enc(address)}`;
  let data = await api('GET', `${path}/rules`);

  const run = async (action, done) => {
    try {
      data = await action();
      render();
      if (done) toast(done);
    } catch (err) {
      replace(errors, notice('error', err.message));
      if (err.code === 'VERSION_CONFLICT') {
        data = await api('GET', `${path}/rules`);
        render();
      }
    }
  };
  const errors = h('div');

  function render() {
    if (data.syntaxErrors) {
      replace(
        body,
        notice('error', h('p', null, h('strong', null, 'Syntax error in the filter file. '), 'Mail is filed in INBOX until it is fixed.'), syntaxErrorList(data.syntaxErrors)),
        h('a', { class: 'button primary', href: `${base}/file` }, 'Fix the filter file'),
      );
      return;
    }
    const rules = data.rules;
    const count = rules.length;
    replace(
      body,
      errors,
      !data.exists ? notice('info', 'You have no filter file yet: all mail goes to INBOX. Create your first filter block with “New filter block”.') : null,
      data.exists && count === 0 ? h('p', { class: 'empty' }, 'There are no filter blocks in the file.') : null,
      count > 0
        ? h(
            'ol',
            { class: 'rules' },
            rules.map((r) =>
              h(
                'li',
                { class: r.disabled ? 'rule disabled' : 'rule' },
                h(
                  'div',
                  { class: 'rule-main' },
                  h('h2', { class: 'rule-name' }, r.name, r.disabled ? h('span', { class: 'badge' }, 'Off') : null),
                  h('p', { class: 'rule-if' }, h('span', { class: 'label' }, 'If '), describeCondition(r.condition)),
                  h('ul', { class: 'rule-actions' }, r.actions.map((a) => h('li', null, describeAction(a)))),
                ),
                h(
                  'div',
                  { class: 'rule-tools' },
                  h(
                    'label',
                    { class: 'switch' },
                    h('input', {
                      type: 'checkbox',
                      role: 'switch',
                      checked: !r.disabled,
                      'aria-label': `Use block “${r.name}”`,
                      onchange: (e) => run(() => api('PUT', `${path}/rules/${r.index}/enabled`, { enabled: e.target.checked, version: data.version }), e.target.checked ? 'Block turned on.' : 'Block turned off.'),
                    }),
                    h('span', { 'aria-hidden': 'true' }, r.disabled ? 'Off' : 'On'),
                  ),
                  h('button', { type: 'button', class: 'button small', disabled: r.index === 0, 'aria-label': `Move “${r.name}” up`, onclick: () => run(() => api('POST', `${path}/rules/${r.index}/move`, { to: r.index - 1, version: data.version }), 'Moved up.') }, '↑'),
                  h('button', { type: 'button', class: 'button small', disabled: r.index === count - 1, 'aria-label': `Move “${r.name}” down`, onclick: () => run(() => api('POST', `${path}/rules/${r.index}/move`, { to: r.index + 1, version: data.version }), 'Moved down.') }, '↓'),
                  h('a', { class: 'button small', href: `${base}/rules/${r.index}`, 'aria-label': `Edit “${r.name}”` }, 'Edit'),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'button small danger',
                      'aria-label': `Delete “${r.name}”`,
                      onclick: async () => {
                        if (!(await confirmDialog({ title: 'Delete filter block?', message: h('p', null, 'Delete the block ', h('strong', null, r.name), '?'), confirm: 'Delete', danger: true }))) return;
                        await run(() => api('DELETE', `${path}/rules/${r.index}?version=${data.version}`), 'Block deleted.');
                      },
                    },
                    'Delete',
                  ),
                ),
              ),
            ),
          )
        : null,
      data.vacation ? vacationSummary(data.vacation, `${base}/vacation`, rules.some((r) => !r.disabled && r.actions.some((a) => a.kind === 'vacation'))) : null,
      rules.some((r) => r.actions.some((a) => a.kind === 'vacation')) && !data.vacation
        ? notice('warning', 'A block sends the vacation message, but there is no vacation message yet. ', h('a', { href: `${base}/vacation` }, 'Write one'), '.')
        : null,
    );
  }
  render();
  return h(
    'section',
    null,
    mailsortHeader(ctx, address, 'Filter blocks', 'rules'),
    h('div', { class: 'toolbar' }, h('a', { class: 'button primary', href: `${base}/rules/new` }, 'New filter block'), h('p', { class: 'muted' }, 'Blocks run from top to bottom; mail no block moves goes to INBOX.')),
    body,
  );
}

/** One line about the saved vacation message, and whether any block sends it. */
function vacationSummary(v, href, used) {
  const when = v.activeFrom && v.activeUntil ? `from ${v.activeFrom} until ${v.activeUntil}` : v.activeFrom ? `from ${v.activeFrom}` : v.activeUntil ? `until ${v.activeUntil}` : 'at any date';
  return h(
    'p',
    { class: 'card vacation-summary' },
    h('strong', null, 'Vacation message: '),
    v.subject ? `“${v.subject}”, ` : '',
    `sent ${when}`,
    used ? '' : ' — but no block that is on sends it',
    '. ',
    h('a', { href, 'aria-label': 'Edit the vacation message' }, 'Edit'),
  );
}
