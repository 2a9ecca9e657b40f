// Admin: the server page — host, versions, listeners, counts, the TLS certificate (with a
// warning before it expires and a form to install a new one), the admin password, API tokens.
import { api, enc } from '../api.js';
import { busy, confirmDialog, field, formatDate, h, notice, replace, toast } from '../dom.js';

export async function serverView(ctx) {
  const info = await api('GET', '/api/admin/server');
  const certBody = h('div');
  const renderCert = (cert) =>
    replace(
      certBody,
      cert.expired
        ? notice('error', `The certificate expired on ${formatDate(cert.validTo)}. Clients will refuse TLS connections until a new one is installed.`)
        : cert.expiresSoon
          ? notice('warning', `The certificate expires in ${cert.daysLeft} day${cert.daysLeft === 1 ? '' : 's'} (${formatDate(cert.validTo)}). Install a new one soon.`)
          : null,
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Subject'),
        h('dd', null, cert.subject),
        h('dt', null, 'Issuer'),
        h('dd', null, cert.issuer, cert.selfSigned ? h('span', { class: 'badge' }, 'self-signed') : null),
        h('dt', null, 'Valid from'),
        h('dd', null, formatDate(cert.validFrom)),
        h('dt', null, 'Expires'),
        h('dd', null, formatDate(cert.validTo)),
        h('dt', null, 'SHA-256 fingerprint'),
        h('dd', { class: 'mono wrap' }, cert.fingerprint256),
      ),
    );
  renderCert(info.certificate);

  return h(
    'section',
    null,
    h('div', { class: 'page-head' }, h('h1', null, 'Server')),
    h(
      'div',
      { class: 'cards' },
      h(
        'div',
        { class: 'card' },
        h('h2', null, 'This server'),
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, 'Host name'),
          h('dd', null, info.hostname),
          h('dt', null, 'msgstore'),
          h('dd', null, info.versions.msgstore),
          h('dt', null, 'Node.js'),
          h('dd', null, info.versions.node),
          info.versions.sqlite ? [h('dt', null, 'SQLite'), h('dd', null, info.versions.sqlite)] : null,
          h('dt', null, 'Running since'),
          h('dd', null, formatDate(info.startedAt)),
        ),
      ),
      h(
        'div',
        { class: 'card' },
        h('h2', null, 'Counts'),
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, 'Users'),
          h('dd', null, String(info.counts.users)),
          h('dt', null, 'Shared mailboxes'),
          h('dd', null, String(info.counts.sharedMailboxes)),
          h('dt', null, 'Outbound queue'),
          h('dd', null, String(info.counts.outboundQueue), info.counts.oldestQueued ? ` (oldest ${formatDate(info.counts.oldestQueued)})` : ''),
        ),
      ),
    ),
    h(
      'div',
      { class: 'card' },
      h('h2', null, 'Listeners'),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          null,
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Service'), h('th', { scope: 'col' }, 'Address'), h('th', { scope: 'col' }, 'Status'))),
          h(
            'tbody',
            null,
            info.listeners.map((l) =>
              h(
                'tr',
                null,
                h('td', null, l.name.toUpperCase()),
                h('td', { class: 'mono' }, !l.enabled ? '—' : l.port === 0 ? `${l.host}, any free port` : `${l.host}:${l.port}`),
                h('td', null, h('span', { class: `badge ${l.state === 'running' ? 'ok' : l.state === 'off' ? '' : l.state === 'stopped' ? 'warn' : ''}` }, { running: 'Running', configured: 'Enabled', stopped: 'Stopped', off: 'Off' }[l.state] ?? l.state)),
              ),
            ),
          ),
        ),
      ),
    ),
    h('div', { class: 'card' }, h('h2', null, 'TLS certificate'), certBody, certificateForm(renderCert)),
    h('div', { class: 'cards' }, adminPasswordCard(), await tokensCard()),
  );
}

function certificateForm(renderCert) {
  const cert = h('textarea', { rows: '6', class: 'mono', spellcheck: 'false', placeholder: '-----BEGIN CERTIFICATE-----' });
  const key = h('textarea', { rows: '6', class: 'mono', spellcheck: 'false', placeholder: '-----BEGIN PRIVATE KEY-----' });
  const msg = h('div');
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Install certificate');
  const form = h(
    'form',
    { class: 'subform', novalidate: true },
    h('h3', null, 'Install a new certificate'),
    msg,
    field('Certificate (PEM)', cert, { hint: 'The server certificate, followed by any intermediate certificates.' }),
    field('Private key (PEM)', key),
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(msg);
    await busy(submit, async () => {
      try {
        renderCert(await api('PUT', '/api/admin/server/certificate', { certificate: /** @type {HTMLTextAreaElement} */ (cert).value, key: /** @type {HTMLTextAreaElement} */ (key).value }));
        form.reset();
        replace(msg, notice('success', 'The new certificate is installed and in use.'));
      } catch (err) {
        replace(msg, notice('error', err.message));
      }
    });
  });
  return form;
}

function adminPasswordCard() {
  const current = h('input', { type: 'password', autocomplete: 'current-password' });
  const next = h('input', { type: 'password', autocomplete: 'new-password' });
  const confirm = h('input', { type: 'password', autocomplete: 'new-password' });
  const msg = h('div');
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Change admin password');
  const form = h('form', { class: 'card', novalidate: true }, h('h2', null, 'Admin password'), msg, field('Current password', current), field('New password', next, { hint: 'At least 8 characters.' }), field('Confirm new password', confirm), h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(msg);
    const newPassword = /** @type {HTMLInputElement} */ (next).value;
    if (newPassword !== /** @type {HTMLInputElement} */ (confirm).value) return replace(msg, notice('error', 'The two new passwords are not the same.'));
    await busy(submit, async () => {
      try {
        await api('PUT', '/api/admin/password', { currentPassword: /** @type {HTMLInputElement} */ (current).value, newPassword });
        form.reset();
        replace(msg, notice('success', 'The admin password was changed.'));
      } catch (err) {
        replace(msg, notice('error', err.message));
      }
    });
  });
  return form;
}

async function tokensCard() {
  const list = h('div');
  const msg = h('div');
  const load = async () => {
    const { tokens } = await api('GET', '/api/admin/tokens');
    replace(
      list,
      tokens.length === 0
        ? h('p', { class: 'empty' }, 'No API tokens.')
        : h(
            'ul',
            { class: 'chips' },
            tokens.map((t) =>
              h(
                'li',
                null,
                h('span', null, t.name, h('span', { class: 'muted' }, ` — ${t.scope.role === 'admin' ? 'admin' : t.scope.address}, ${t.lastUsedAt ? `last used ${formatDate(t.lastUsedAt)}` : 'never used'}`)),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'button small',
                    'aria-label': `Revoke token ${t.name}`,
                    onclick: async () => {
                      if (!(await confirmDialog({ title: 'Revoke token?', message: h('p', null, 'Scripts using ', h('strong', null, t.name), ' will stop working.'), confirm: 'Revoke', danger: true }))) return;
                      await api('DELETE', `/api/admin/tokens/${enc(t.id)}`);
                      toast('Token revoked.');
                      await load();
                    },
                  },
                  'Revoke',
                ),
              ),
            ),
          ),
    );
  };
  await load();
  const name = h('input', { type: 'text', autocomplete: 'off', placeholder: 'backup script' });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Create token');
  const form = h('form', { class: 'inline-form' }, field('New token name', name), submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(msg);
    await busy(submit, async () => {
      try {
        const created = await api('POST', '/api/admin/tokens', { name: /** @type {HTMLInputElement} */ (name).value });
        form.reset();
        replace(msg, notice('success', h('p', null, 'Copy this token now; it is not shown again:'), h('code', { class: 'mono wrap token' }, created.token)));
        await load();
      } catch (err) {
        replace(msg, notice('error', err.message));
      }
    });
  });
  return h('div', { class: 'card' }, h('h2', null, 'API tokens'), h('p', { class: 'muted' }, 'For scripts: send as “Authorization: Bearer <token>”. The API is described at ', h('a', { href: '/api/openapi.json' }, '/api/openapi.json'), '.'), msg, list, form);
}
