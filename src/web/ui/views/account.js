// A user's own password (the admin may set it without knowing the current one).
import { api, enc } from '../api.js';
import { busy, field, h, notice, replace } from '../dom.js';

export async function accountView(ctx) {
  const address = ctx.params[0];
  const isAdmin = ctx.session.role === 'admin';
  const current = h('input', { type: 'password', autocomplete: 'current-password' });
  const next = h('input', { type: 'password', autocomplete: 'new-password' });
  const confirm = h('input', { type: 'password', autocomplete: 'new-password' });
  const msg = h('div');
  const save = h('button', { type: 'submit', class: 'button primary' }, 'Change password');
  const form = h(
    'form',
    { class: 'card form', novalidate: true },
    msg,
    isAdmin ? null : field('Current password', current),
    field('New password', next),
    field('Confirm new password', confirm),
    h('div', { class: 'actions' }, save),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(msg);
    const newPassword = /** @type {HTMLInputElement} */ (next).value;
    if (!newPassword) return replace(msg, notice('error', 'Enter the new password.'));
    if (newPassword !== /** @type {HTMLInputElement} */ (confirm).value) return replace(msg, notice('error', 'The two new passwords are not the same.'));
    await busy(save, async () => {
      try {
        await api('PUT', `/api/mail/${enc(address)}/password`, isAdmin ? { newPassword } : { currentPassword: /** @type {HTMLInputElement} */ (current).value, newPassword });
        form.reset();
        replace(msg, notice('success', 'The password was changed. Use it for IMAP, POP3 and MailSort from now on.'));
      } catch (err) {
        replace(msg, notice('error', err.message));
      }
    });
  });
  return h('section', null, h('div', { class: 'page-head' }, h('h1', null, 'Password')), h('p', { class: 'lead' }, `The mail password of ${address}.`), form);
}
