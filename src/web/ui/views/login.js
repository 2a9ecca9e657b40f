// Sign-in for users (their mail address and mail password) and the administrator ("admin").
import { api } from '../api.js';
import { busy, field, h, notice, replace } from '../dom.js';
import { signedIn } from '../app.js';

/** The guide's MailSort web errors, in words a person understands. */
const MESSAGES = {
  NO_USER_NAME: 'Please enter your user name (your mail address).',
  NO_PASSWORD: 'Please enter your password.',
  NOT_AUTHORIZED: 'The user name or password is not correct (user not authorized).',
};

export async function loginView() {
  const user = h('input', { type: 'text', name: 'user', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password' });
  const errors = h('div', { class: 'form-errors' });
  const submit = h('button', { type: 'submit', class: 'button primary wide' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card login-card', novalidate: true, 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in'),
    h('p', { class: 'lead' }, 'Manage your mail filters and vacation message. Administrators sign in as “admin”.'),
    errors,
    field('User name', user, { hint: 'Your mail address, for example alice@example.com' }),
    field('Password', password),
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(errors);
    // The guide's two first errors are caught here too, so the message is instant.
    if (!(/** @type {HTMLInputElement} */ (user).value.trim())) {
      replace(errors, notice('error', MESSAGES.NO_USER_NAME));
      user.focus();
      return;
    }
    if (!(/** @type {HTMLInputElement} */ (password).value)) {
      replace(errors, notice('error', MESSAGES.NO_PASSWORD));
      password.focus();
      return;
    }
    await busy(submit, async () => {
      try {
        const session = await api('POST', '/api/session', { user: /** @type {HTMLInputElement} */ (user).value, password: /** @type {HTMLInputElement} */ (password).value });
        await signedIn(session);
      } catch (err) {
        replace(errors, notice('error', MESSAGES[err.code] ?? err.message));
        /** @type {HTMLInputElement} */ (password).value = '';
        password.focus();
      }
    });
  });
  return h('div', { class: 'login-page' }, form);
}
