// The new / edit form of one filter block: name, Yes/No, the tests (header chosen from From,
// To, Cc, Bcc, Subject or typed; the word or phrase) and the actions (targets chosen from the
// user's real folders and shared mailboxes).
import { api, enc } from '../api.js';
import { busy, field, h, notice, replace, uid } from '../dom.js';
import { mailsortHeader } from './mailsort-common.js';

const FIELDS = [
  ['from', 'From'],
  ['to', 'To'],
  ['cc', 'Cc'],
  ['bcc', 'Bcc'],
  ['subject', 'Subject'],
  ['header', 'Other header…'],
  ['size', 'Message size'],
];
const OPS = [
  ['contains', 'contains'],
  ['is', 'is'],
  ['begins', 'begins with'],
  ['ends', 'ends with'],
  ['matches', 'matches (* and ?)'],
];
const ACTIONS = [
  ['move', 'Move to folder'],
  ['copy', 'Copy to folder'],
  ['forward', 'Forward to'],
  ['vacation', 'Send vacation message'],
  ['reject', 'Reject'],
  ['discard', 'Discard'],
  ['stop', 'Stop (no later block runs)'],
];
// No folder has an empty name, so the empty value stands for "a new folder".
const NEW_FOLDER = '';

const options = (pairs, selected) => pairs.map(([value, label]) => h('option', { value, selected: value === selected }, label));

function parseSize(text) {
  const m = /^\s*(\d+)\s*([KkMm]?)\s*$/.exec(text);
  if (!m) return null;
  const unit = m[2].toUpperCase();
  return { bytes: Number(m[1]) * (unit === 'K' ? 1024 : unit === 'M' ? 1024 * 1024 : 1), text: `${m[1]}${unit}` };
}

function testRow(test, onRemove) {
  const kind = test.kind === 'size' ? 'size' : test.field.kind;
  const fieldSel = h('select', { 'aria-label': 'Header' }, options(FIELDS, kind));
  const headerName = h('input', { type: 'text', 'aria-label': 'Header name', placeholder: 'X-Spam-Flag', value: test.kind === 'header' && test.field.kind === 'header' ? test.field.name : '' });
  const op = h('select', { 'aria-label': 'Comparison' }, options(OPS, test.kind === 'header' ? test.op : 'contains'));
  const cmp = h('select', { 'aria-label': 'Size comparison' }, options([['over', 'is over'], ['under', 'is under']], test.kind === 'size' ? test.cmp : 'over'));
  const value = h('input', { type: 'text', 'aria-label': 'Word or phrase', placeholder: 'Word or phrase', value: test.kind === 'header' ? test.value : '' });
  const size = h('input', { type: 'text', 'aria-label': 'Size', placeholder: '10K', value: test.kind === 'size' ? (test.text ?? String(test.bytes)) : '' });
  const not = h('input', { type: 'checkbox', checked: test.not });
  const notId = uid('not');
  not.id = notId;
  const row = h(
    'div',
    { class: 'test-row', role: 'group' },
    fieldSel,
    headerName,
    h('span', { class: 'not' }, not, h('label', { for: notId }, 'not')),
    op,
    cmp,
    value,
    size,
    h('button', { type: 'button', class: 'button small', 'aria-label': 'Remove this test', onclick: () => onRemove(row) }, '✕'),
  );
  const sync = () => {
    const k = /** @type {HTMLSelectElement} */ (fieldSel).value;
    headerName.hidden = k !== 'header';
    op.hidden = value.hidden = k === 'size';
    cmp.hidden = size.hidden = k !== 'size';
  };
  fieldSel.addEventListener('change', sync);
  sync();
  return {
    row,
    read() {
      const k = /** @type {HTMLSelectElement} */ (fieldSel).value;
      const negate = /** @type {HTMLInputElement} */ (not).checked;
      if (k === 'size') {
        const parsed = parseSize(/** @type {HTMLInputElement} */ (size).value);
        if (!parsed) throw new Error('Write a size as a number of bytes, or with K or M (for example 10K).');
        return { kind: 'size', not: negate, cmp: /** @type {HTMLSelectElement} */ (cmp).value, bytes: parsed.bytes, text: parsed.text };
      }
      const fieldValue = k === 'header' ? { kind: 'header', name: /** @type {HTMLInputElement} */ (headerName).value.trim() } : { kind: k };
      if (k === 'header' && !fieldValue.name) throw new Error('Type the name of the header to look at.');
      const text = /** @type {HTMLInputElement} */ (value).value;
      if (!text) throw new Error('Enter the word or phrase to look for.');
      return { kind: 'header', not: negate, field: fieldValue, op: /** @type {HTMLSelectElement} */ (op).value, value: text };
    },
  };
}

function actionRow(action, folders, onRemove) {
  const kind = h('select', { 'aria-label': 'Action' }, options(ACTIONS, action.kind));
  const folderNames = folders.map((f) => f.name);
  const current = action.kind === 'move' || action.kind === 'copy' ? action.folder : '';
  const folderOptions = [
    ...folders.map((f) => [f.name, f.shared ? `${f.name} (shared)` : f.name]),
    ...(current && !folderNames.includes(current) ? [[current, `${current} (created on first use)`]] : []),
    [NEW_FOLDER, 'New folder…'],
  ];
  const folder = h('select', { 'aria-label': 'Folder' }, options(folderOptions, current || 'INBOX'));
  const newFolder = h('input', { type: 'text', 'aria-label': 'New folder name', placeholder: 'Lists/news' });
  const forward = h('input', { type: 'text', 'aria-label': 'Forward to addresses', placeholder: 'someone@example.com, other@example.com', value: action.kind === 'forward' ? action.to.join(', ') : '' });
  const reason = h('input', { type: 'text', 'aria-label': 'Reject reason', placeholder: 'Reason (optional)', value: action.kind === 'reject' ? (action.reason ?? '') : '' });
  const row = h('div', { class: 'action-row', role: 'group' }, kind, folder, newFolder, forward, reason, h('button', { type: 'button', class: 'button small', 'aria-label': 'Remove this action', onclick: () => onRemove(row) }, '✕'));
  const sync = () => {
    const k = /** @type {HTMLSelectElement} */ (kind).value;
    folder.hidden = k !== 'move' && k !== 'copy';
    newFolder.hidden = folder.hidden || /** @type {HTMLSelectElement} */ (folder).value !== NEW_FOLDER;
    forward.hidden = k !== 'forward';
    reason.hidden = k !== 'reject';
  };
  kind.addEventListener('change', sync);
  folder.addEventListener('change', sync);
  sync();
  return {
    row,
    read() {
      const k = /** @type {HTMLSelectElement} */ (kind).value;
      if (k === 'move' || k === 'copy') {
        let name = /** @type {HTMLSelectElement} */ (folder).value;
        if (name === NEW_FOLDER) name = /** @type {HTMLInputElement} */ (newFolder).value.trim();
        if (!name) throw new Error('Type the name of the new folder.');
        return { kind: k, folder: name };
      }
      if (k === 'forward') {
        const to = /** @type {HTMLInputElement} */ (forward).value.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
        if (to.length === 0) throw new Error('Enter the address to forward to.');
        return { kind: 'forward', to };
      }
      if (k === 'reject') return { kind: 'reject', reason: /** @type {HTMLInputElement} */ (reason).value.trim() || null };
      return { kind: k };
    },
  };
}

export async function ruleFormView(ctx) {
  const address = ctx.params[0];
  const editing = ctx.params[1] !== undefined ? Number(ctx.params[1]) : null;
  const path = `/api/mail/${enc(address)}`;
  const [listing, { folders }] = await Promise.all([api('GET', `${path}/rules`), api('GET', `${path}/folders`)]);
  if (listing.syntaxErrors) return h('section', null, mailsortHeader(ctx, address, 'Filter block', 'rules'), notice('error', 'Syntax error in the filter file: fix the file before editing blocks.'));
  const existing = editing === null ? null : listing.rules.find((r) => r.index === editing);
  if (editing !== null && !existing) return h('section', null, mailsortHeader(ctx, address, 'Filter block', 'rules'), notice('error', 'This filter block does not exist (any more).'));
  const rule = existing ?? {
    name: '',
    disabled: false,
    condition: { kind: 'and', tests: [{ kind: 'header', not: false, field: { kind: 'from' }, op: 'contains', value: '' }] },
    actions: [{ kind: 'move', folder: folders.find((f) => f.name !== 'INBOX' && !f.shared)?.name ?? 'INBOX' }],
  };

  const name = h('input', { type: 'text', value: rule.name, autocomplete: 'off' });
  const enabledName = uid('enabled');
  const yes = h('input', { type: 'radio', name: enabledName, value: 'yes', checked: !rule.disabled, id: `${enabledName}-y` });
  const no = h('input', { type: 'radio', name: enabledName, value: 'no', checked: rule.disabled, id: `${enabledName}-n` });
  const matchName = uid('match');
  const matchKind = rule.condition.kind;
  const matchRadios = [
    ['and', 'All of these tests'],
    ['or', 'Any of these tests'],
    ['always', 'Every message'],
  ].map(([value, label]) => {
    const input = h('input', { type: 'radio', name: matchName, value, checked: value === matchKind, id: `${matchName}-${value}` });
    return { input, element: h('span', { class: 'radio' }, input, h('label', { for: input.id }, label)) };
  });

  const testRows = [];
  const testsBox = h('div', { class: 'rows' });
  const addTest = (t) => {
    const r = testRow(t, (row) => {
      testRows.splice(testRows.indexOf(r), 1);
      row.remove();
    });
    testRows.push(r);
    testsBox.appendChild(r.row);
  };
  for (const t of rule.condition.kind === 'always' ? [{ kind: 'header', not: false, field: { kind: 'from' }, op: 'contains', value: '' }] : rule.condition.tests) addTest(t);
  const testsArea = h('div', null, testsBox, h('button', { type: 'button', class: 'button small', onclick: () => addTest({ kind: 'header', not: false, field: { kind: 'subject' }, op: 'contains', value: '' }) }, '+ Add a test'));
  const syncMatch = () => {
    testsArea.hidden = matchRadios.find((m) => m.input.checked)?.input.value === 'always';
  };
  for (const m of matchRadios) m.input.addEventListener('change', syncMatch);
  syncMatch();

  const actionRows = [];
  const actionsBox = h('div', { class: 'rows' });
  const addAction = (a) => {
    const r = actionRow(a, folders, (row) => {
      actionRows.splice(actionRows.indexOf(r), 1);
      row.remove();
    });
    actionRows.push(r);
    actionsBox.appendChild(r.row);
  };
  for (const a of rule.actions) addAction(a);

  const errors = h('div');
  const ok = h('button', { type: 'submit', class: 'button primary' }, 'OK');
  const form = h(
    'form',
    { class: 'card form rule-form', novalidate: true },
    errors,
    field('Block name', name, { required: true, hint: 'A short description, for example “Newsletters to Lists”.' }),
    h('fieldset', null, h('legend', null, 'Use this block'), h('span', { class: 'radio' }, yes, h('label', { for: yes.id }, 'Yes')), h('span', { class: 'radio' }, no, h('label', { for: no.id }, 'No'))),
    h('fieldset', null, h('legend', null, 'Which messages'), h('div', { class: 'radios' }, matchRadios.map((m) => m.element)), testsArea),
    h('fieldset', null, h('legend', null, 'What to do'), actionsBox, h('button', { type: 'button', class: 'button small', onclick: () => addAction({ kind: 'copy', folder: 'INBOX' }) }, '+ Add an action')),
    h('div', { class: 'actions' }, h('a', { class: 'button', href: `#/mailsort/${enc(address)}` }, 'Cancel'), ok),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(errors);
    let body;
    try {
      const match = matchRadios.find((m) => m.input.checked)?.input.value ?? 'and';
      if (!(/** @type {HTMLInputElement} */ (name).value.trim())) throw new Error('Give the block a name.');
      if (match !== 'always' && testRows.length === 0) throw new Error('Add at least one test, or choose “Every message”.');
      if (actionRows.length === 0) throw new Error('Add at least one action.');
      body = {
        rule: {
          name: /** @type {HTMLInputElement} */ (name).value.trim(),
          disabled: /** @type {HTMLInputElement} */ (no).checked,
          condition: match === 'always' ? { kind: 'always' } : { kind: match, tests: testRows.map((r) => r.read()) },
          actions: actionRows.map((r) => r.read()),
        },
        version: listing.version ?? undefined,
      };
    } catch (err) {
      replace(errors, notice('error', err.message));
      return;
    }
    await busy(ok, async () => {
      try {
        if (existing) await api('PUT', `${path}/rules/${existing.index}`, body);
        else await api('POST', `${path}/rules`, body);
        ctx.flash(existing ? 'The filter block was saved.' : 'The filter block was added.');
        ctx.navigate(`/mailsort/${enc(address)}`);
      } catch (err) {
        replace(errors, notice('error', err.message));
      }
    });
  });
  return h('section', null, mailsortHeader(ctx, address, existing ? 'Edit filter block' : 'New filter block', 'rules'), form);
}
