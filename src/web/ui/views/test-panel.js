// The test panel: paste a message or pick one of the newest in INBOX, and see which blocks
// match and what delivery would do. Nothing is filed, forwarded or sent.
import { api, enc } from '../api.js';
import { busy, field, formatDate, h, notice, replace, uid } from '../dom.js';
import { describeAction, mailsortHeader, syntaxErrorList } from './mailsort-common.js';

const SAMPLE = 'From: John Doe <john@example.com>\nTo: you@example.com\nSubject: Hello\n\nHi there!\n';

export async function testPanelView(ctx) {
  const address = ctx.params[0];
  const path = `/api/mail/${enc(address)}`;
  const { messages } = await api('GET', `${path}/messages`);
  const result = h('div', { 'aria-live': 'polite' });
  const raw = h('textarea', { rows: '10', class: 'mono', spellcheck: 'false', placeholder: SAMPLE });
  const pick = h(
    'select',
    null,
    h('option', { value: '' }, messages.length ? 'Paste a message instead' : 'INBOX is empty'),
    messages.map((m) => h('option', { value: String(m.uid) }, `${m.subject || '(no subject)'} — ${m.from || 'unknown sender'} — ${formatDate(m.date)}`)),
  );
  const run = h('button', { type: 'submit', class: 'button primary' }, 'Test');
  const form = h(
    'form',
    { class: 'card form', novalidate: true },
    field('One of the last 20 messages in INBOX', pick),
    field('Or paste a message (headers, a blank line, the body)', raw),
    h('div', { class: 'actions' }, run),
  );
  pick.addEventListener('change', () => {
    raw.disabled = /** @type {HTMLSelectElement} */ (pick).value !== '';
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = /** @type {HTMLSelectElement} */ (pick).value;
    const text = /** @type {HTMLTextAreaElement} */ (raw).value;
    if (!chosen && !text.trim()) return replace(result, notice('error', 'Paste a message or pick one from INBOX.'));
    await busy(run, async () => {
      try {
        const r = await api('POST', `${path}/test`, chosen ? { uid: Number(chosen) } : { raw: text });
        replace(result, outcomeCard(r));
      } catch (err) {
        replace(result, err.code === 'FILTER_SYNTAX' && Array.isArray(err.details) ? notice('error', h('p', null, err.message), syntaxErrorList(err.details)) : notice('error', err.message));
      }
    });
  });
  return h('section', null, mailsortHeader(ctx, address, 'Test a message', 'test'), form, result);
}

function outcomeCard(r) {
  const o = r.outcome;
  const titleId = uid('outcome');
  const what = [];
  if (o.reject !== null) what.push(h('li', null, `The message is rejected: “${o.reject}”`));
  for (const f of o.folders) what.push(h('li', null, `Filed in “${f}”`));
  if (o.reject === null && o.folders.length === 0) what.push(h('li', null, 'No copy is kept (discarded)'));
  for (const f of o.forwards) what.push(h('li', null, `Forwarded to ${f}`));
  if (o.vacation) what.push(h('li', null, `A vacation reply “${o.vacation.subject}” goes to ${o.vacation.to}`));
  return h(
    'div',
    { class: 'card outcome', role: 'region', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, 'Result'),
    r.noFilterFile ? notice('info', 'You have no filter file yet, so every message goes to INBOX.') : null,
    h('h3', null, 'Matching blocks'),
    r.matched.length === 0 ? h('p', { class: 'empty' }, 'No block matches this message.') : h('ol', null, r.matched.map((m) => h('li', null, m.name))),
    r.actions.length ? h('details', null, h('summary', null, 'Actions in order'), h('ol', null, r.actions.map((a) => h('li', null, `${a.ruleName}: ${describeAction(a.action)}`)))) : null,
    h('h3', null, 'What would happen'),
    h('ul', { class: 'what' }, what),
    o.notes.length ? h('ul', { class: 'notes muted' }, o.notes.map((n) => h('li', null, n))) : null,
  );
}
