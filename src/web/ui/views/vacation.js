// The vacation message: subject, body, how often one sender is answered, the dates it is
// active, the user's other addresses. Save, Cancel and Delete, as in the guide.
import { api, enc } from '../api.js';
import { busy, confirmDialog, field, h, notice, replace } from '../dom.js';
import { mailsortHeader } from './mailsort-common.js';

export async function vacationView(ctx) {
  const address = ctx.params[0];
  const path = `/api/mail/${enc(address)}/vacation`;
  let data = await api('GET', path);
  const msg = h('div');
  const subject = h('input', { type: 'text', autocomplete: 'off' });
  const body = h('textarea', { rows: '8' });
  const days = h('input', { type: 'number', min: '1', max: '60', inputmode: 'numeric', placeholder: '7' });
  const from = h('input', { type: 'date' });
  const until = h('input', { type: 'date' });
  const addresses = h('input', { type: 'text', autocomplete: 'off', placeholder: 'alias@example.com' });
  const fill = (v) => {
    /** @type {HTMLInputElement} */ (subject).value = v?.subject ?? '';
    /** @type {HTMLTextAreaElement} */ (body).value = v?.body ?? '';
    /** @type {HTMLInputElement} */ (days).value = v?.days === null || v?.days === undefined ? '' : String(v.days);
    /** @type {HTMLInputElement} */ (from).value = v?.activeFrom ?? '';
    /** @type {HTMLInputElement} */ (until).value = v?.activeUntil ?? '';
    /** @type {HTMLInputElement} */ (addresses).value = (v?.addresses ?? []).join(', ');
  };
  fill(data.vacation);

  const save = h('button', { type: 'submit', class: 'button primary' }, 'Save');
  const cancel = h('button', { type: 'button', class: 'button' }, 'Cancel');
  const remove = h('button', { type: 'button', class: 'button danger' }, 'Delete');
  const status = h('p', { class: 'muted' });
  const showStatus = () => {
    replace(status, data.vacation ? 'A vacation message is saved. It is sent by filter blocks with the “Send vacation message” action.' : 'No vacation message is saved.');
    remove.hidden = !data.vacation;
  };
  showStatus();

  cancel.addEventListener('click', () => {
    fill(data.vacation);
    replace(msg, notice('info', 'Your changes were discarded.'));
  });
  remove.addEventListener('click', async () => {
    if (!(await confirmDialog({ title: 'Delete vacation message?', message: h('p', null, 'No more vacation replies will be sent.'), confirm: 'Delete', danger: true }))) return;
    try {
      await api('DELETE', path);
      data = { vacation: null, version: null };
      fill(null);
      showStatus();
      replace(msg, notice('success', 'The vacation message was deleted.'));
    } catch (err) {
      replace(msg, notice('error', err.message));
    }
  });

  const form = h(
    'form',
    { class: 'card form', novalidate: true },
    msg,
    status,
    field('Message subject', subject, { hint: 'Empty: “Auto: ” and the subject of the message answered.' }),
    field('Message body', body),
    h('div', { class: 'row' }, field('Active from', from), field('Active until', until)),
    field('Answer the same sender at most every … days', days, { hint: '1 to 60; empty means 7 days.' }),
    field('My other addresses', addresses, { hint: 'Mail to these addresses is answered too. Separate with commas.' }),
    h('div', { class: 'actions' }, remove, cancel, save),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(msg);
    const daysText = /** @type {HTMLInputElement} */ (days).value.trim();
    const vacation = {
      subject: /** @type {HTMLInputElement} */ (subject).value || null,
      body: /** @type {HTMLTextAreaElement} */ (body).value || null,
      days: daysText === '' ? null : Number(daysText),
      activeFrom: /** @type {HTMLInputElement} */ (from).value || null,
      activeUntil: /** @type {HTMLInputElement} */ (until).value || null,
      addresses: /** @type {HTMLInputElement} */ (addresses).value.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean),
    };
    if (!vacation.body) return replace(msg, notice('error', 'Write the message to send.'));
    await busy(save, async () => {
      try {
        data = await api('PUT', path, { vacation });
        fill(data.vacation);
        showStatus();
        replace(msg, notice('success', 'The vacation message was saved.'));
      } catch (err) {
        replace(msg, notice('error', err.message));
      }
    });
  });
  return h('section', null, mailsortHeader(ctx, address, 'Vacation message', 'vacation'), form);
}
