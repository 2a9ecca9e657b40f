// Shared pieces of the MailSort pages: the page header with the user's tabs, and plain-language
// descriptions of blocks.
import { enc } from '../api.js';
import { h } from '../dom.js';

export function mailsortBase(address) {
  return `#/mailsort/${enc(address)}`;
}

/** Title row plus the tabs of one user's MailSort pages (the admin sees whose pages these are). */
export function mailsortHeader(ctx, address, title, current) {
  const base = mailsortBase(address);
  const tabs = [
    ['rules', base, 'Filter blocks'],
    ['vacation', `${base}/vacation`, 'Vacation message'],
    ['test', `${base}/test`, 'Test'],
    ['file', `${base}/file`, 'Filter file'],
  ];
  return [
    ctx.session.role === 'admin' ? h('p', { class: 'crumbs' }, h('a', { href: '#/mailsort' }, 'MailSort'), ' › ', h('span', null, address)) : null,
    h('div', { class: 'page-head' }, h('h1', null, title)),
    // A user has these pages in the sidebar; the admin, whose sidebar is about the server, gets tabs.
    ctx.session.role !== 'admin' ? null : h('nav', { class: 'tabs', 'aria-label': 'MailSort pages' }, tabs.map(([key, href, label]) => h('a', { href, 'aria-current': key === current ? 'page' : null }, label))),
  ];
}

const FIELD_LABELS = { from: 'From', to: 'To', cc: 'Cc', bcc: 'Bcc', subject: 'Subject' };
const OP_LABELS = { contains: 'contains', is: 'is', begins: 'begins with', ends: 'ends with', matches: 'matches' };

export function describeTest(t) {
  if (t.kind === 'size') return `${t.not ? 'not ' : ''}size ${t.cmp} ${t.text ?? t.bytes}`;
  const field = t.field.kind === 'header' ? t.field.name : FIELD_LABELS[t.field.kind];
  return `${t.not ? 'not ' : ''}${field} ${OP_LABELS[t.op]} “${t.value}”`;
}

export function describeCondition(c) {
  if (c.kind === 'always') return 'Every message';
  return c.tests.map(describeTest).join(c.kind === 'and' ? ' and ' : ' or ');
}

export function describeAction(a) {
  switch (a.kind) {
    case 'move':
      return `Move to “${a.folder}”`;
    case 'copy':
      return `Copy to “${a.folder}”`;
    case 'forward':
      return `Forward to ${a.to.join(', ')}`;
    case 'reject':
      return a.reason ? `Reject: “${a.reason}”` : 'Reject';
    case 'vacation':
      return 'Send the vacation message';
    case 'discard':
      return 'Discard';
    case 'stop':
      return 'Stop here';
    default:
      return a.kind;
  }
}

/** The guide's "Syntax error in the filter file", with every line:column. */
export function syntaxErrorList(errors) {
  return h('ul', { class: 'diagnostics' }, errors.map((e) => h('li', null, h('span', { class: 'mono' }, `line ${e.line}, column ${e.column}`), `: ${e.message}`)));
}
