// The raw filter file: view and edit it whole; errors come back as line:column and the
// cursor can jump to each.
import { api, enc } from '../api.js';
import { busy, field, h, notice, replace } from '../dom.js';
import { mailsortHeader } from './mailsort-common.js';

/** Puts the caret at line:column of the textarea. */
function jumpTo(textarea, line, column) {
  const lines = textarea.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset += Math.max(0, column - 1);
  textarea.focus();
  textarea.setSelectionRange(offset, offset);
}

export async function filterFileView(ctx) {
  const address = ctx.params[0];
  const path = `/api/mail/${enc(address)}/filter`;
  let version = null;
  let text = '';
  let missing = false;
  try {
    const file = await api('GET', path);
    version = file.version;
    text = file.text;
  } catch (err) {
    if (err.status !== 404) throw err;
    missing = true;
  }
  const editor = h('textarea', { rows: '22', class: 'mono code', spellcheck: 'false', autocapitalize: 'none', value: text });
  const msg = h('div');
  const save = h('button', { type: 'submit', class: 'button primary' }, 'Save file');
  const check = h('button', { type: 'button', class: 'button' }, 'Check');
  const showErrors = (errors) =>
    replace(
      msg,
      notice(
        'error',
        h('p', null, h('strong', null, 'Syntax error in the filter file.')),
        h(
          'ul',
          { class: 'diagnostics' },
          errors.map((e) => h('li', null, h('button', { type: 'button', class: 'linkish mono', onclick: () => jumpTo(editor, e.line, e.column) }, `line ${e.line}, column ${e.column}`), `: ${e.message}`)),
        ),
      ),
    );
  check.addEventListener('click', async () => {
    const result = await api('POST', `${path}/check`, { text: /** @type {HTMLTextAreaElement} */ (editor).value });
    if (result.ok) replace(msg, notice('success', 'No errors found.'));
    else showErrors(result.errors);
  });
  const form = h(
    'form',
    { class: 'card form', novalidate: true },
    missing ? notice('info', 'You have no filter file yet (filter.txt does not exist). Write one here, or add blocks on the Filter blocks page.') : null,
    msg,
    field('filter.txt', editor, { hint: 'The MailSort language: rule "name" … end blocks and one vacation … end block. Comments start with #.' }),
    h('div', { class: 'actions' }, check, save),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(msg);
    await busy(save, async () => {
      try {
        const saved = await api('PUT', path, { text: /** @type {HTMLTextAreaElement} */ (editor).value, version });
        version = saved.version;
        replace(msg, notice('success', 'The filter file was saved.'));
      } catch (err) {
        if (err.code === 'FILTER_SYNTAX' && Array.isArray(err.details)) showErrors(err.details);
        else replace(msg, notice('error', err.message));
      }
    });
  });
  return h('section', null, mailsortHeader(ctx, address, 'Filter file', 'file'), form);
}
