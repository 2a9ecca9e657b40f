/**
 * Prints a rule tree back to filter text. Blocks that still carry their source are printed
 * exactly as read; edited or new blocks are printed in the canonical form of docs/mailsort.md.
 */
import type { Action, Condition, Field, FilterTree, MatchOp, Rule, Test, VacationSettings } from './ast.js';
import { formatDay } from './validate.js';

const INDENT = '  ';

export function quoteString(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

function printField(f: Field): string {
  return f.kind === 'header' ? `header ${quoteString(f.name)}` : f.kind;
}

const OP_TEXT: Record<MatchOp, string> = {
  contains: 'contains',
  is: 'is',
  begins: 'begins with',
  ends: 'ends with',
  matches: 'matches',
};

/** The size as written when it still says the same number of bytes, else the shortest exact form. */
export function formatSize(bytes: number, text?: string): string {
  if (text !== undefined) {
    const m = /^([0-9]+) ?([KkMm]?)$/.exec(text);
    if (m) {
      const unit = (m[2] ?? '').toLowerCase();
      const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1;
      if (Number(m[1]) * factor === bytes) return text;
    }
  }
  if (bytes > 0 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}M`;
  if (bytes > 0 && bytes % 1024 === 0) return `${bytes / 1024}K`;
  return String(bytes);
}

export function printTest(t: Test): string {
  const not = t.not ? 'not ' : '';
  if (t.kind === 'size') return `${not}size ${t.cmp} ${formatSize(t.bytes, t.text)}`;
  return `${not}${printField(t.field)} ${OP_TEXT[t.op]} ${quoteString(t.value)}`;
}

export function printCondition(c: Condition): string {
  if (c.kind === 'always') return 'always';
  return `if ${c.tests.map(printTest).join(` ${c.kind} `)}`;
}

export function printAction(a: Action): string {
  switch (a.kind) {
    case 'move':
    case 'copy':
      return `${a.kind} to ${quoteString(a.folder)}`;
    case 'forward':
      return `forward to ${a.to.map(quoteString).join(', ')}`;
    case 'reject':
      return a.reason === null ? 'reject' : `reject ${quoteString(a.reason)}`;
    case 'vacation':
    case 'discard':
    case 'stop':
      return a.kind;
  }
}

/** The canonical text of one rule block, ending with a line end. */
export function printRule(rule: Rule, eol = '\n'): string {
  const lines = [
    `rule ${quoteString(rule.name)}${rule.disabled ? ' disabled' : ''}`,
    INDENT + printCondition(rule.condition),
    ...rule.actions.map((a) => INDENT + printAction(a)),
    'end',
  ];
  return lines.join(eol) + eol;
}

/** A body can be a text block when reading the block back gives exactly the same text. */
function fitsTextBlock(body: string): boolean {
  if (!body.includes('\n') || body.includes('\r') || body.includes('"""')) return false;
  const lines = body.split('\n');
  // White-space-only lines would come back empty; a common indent would be removed.
  if (lines.some((l) => l !== '' && l.trim() === '')) return false;
  const nonBlank = lines.filter((l) => l !== '');
  return nonBlank.length > 0 && nonBlank.some((l) => !/^[ \t]/.test(l));
}

function printBody(body: string, eol: string): string {
  if (!fitsTextBlock(body)) return quoteString(body);
  const inner = INDENT + INDENT;
  return ['"""', ...body.split('\n').map((l) => (l === '' ? '' : inner + l)), `${inner}"""`].join(eol);
}

/** The canonical text of the vacation block, ending with a line end. */
export function printVacation(v: VacationSettings, eol = '\n'): string {
  const lines = ['vacation'];
  if (v.subject !== null) lines.push(`${INDENT}subject ${quoteString(v.subject)}`);
  if (v.activeFrom) {
    lines.push(`${INDENT}active from ${formatDay(v.activeFrom)}${v.activeUntil ? ` until ${formatDay(v.activeUntil)}` : ''}`);
  } else if (v.activeUntil) {
    lines.push(`${INDENT}active until ${formatDay(v.activeUntil)}`);
  }
  if (v.days !== null) lines.push(`${INDENT}days ${v.days}`);
  if (v.addresses.length > 0) lines.push(`${INDENT}addresses ${v.addresses.map(quoteString).join(', ')}`);
  if (v.body !== null) lines.push(`${INDENT}body ${printBody(v.body, eol)}`);
  lines.push('end');
  return lines.join(eol) + eol;
}

/** The whole file: unedited blocks and all comment and blank lines exactly as read. */
export function printFilterFile(tree: FilterTree): string {
  let out = '';
  for (const item of tree.items) {
    if (item.kind === 'blank' || item.kind === 'comment') {
      out += item.text;
      continue;
    }
    for (const l of item.leading) out += l.text;
    if (item.source !== null) out += item.source;
    else out += item.kind === 'rule' ? printRule(item.rule, tree.eol) : printVacation(item.vacation, tree.eol);
  }
  return out;
}
