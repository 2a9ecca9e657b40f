/**
 * Checks shared by the parser (on file text) and the block-editing API (on values the web UI
 * sends), so a rule that can be saved can always be parsed back.
 */
import type { Action, Day, FilterDiagnostic, Rule, Test, VacationSettings } from './ast.js';

/** RFC 5322 field name: printable US-ASCII except colon. */
export function isValidHeaderName(name: string): boolean {
  return /^[\x21-\x39\x3b-\x7e]+$/.test(name);
}

/** An address the relay can take: no white space, brackets, quotes or commas; an "@" is optional (local names). */
export function isValidForwardAddress(address: string): boolean {
  const a = address.trim();
  return a.length > 0 && a.length <= 320 && /^[^\s<>",;()\\]+$/.test(a) && !a.startsWith('@') && !a.endsWith('@');
}

export function isValidDay(d: Day): boolean {
  if (![d.year, d.month, d.day].every(Number.isInteger)) return false;
  if (d.year < 1 || d.year > 9999 || d.month < 1 || d.month > 12 || d.day < 1) return false;
  const lastDay = new Date(Date.UTC(d.year, d.month, 0)).getUTCDate();
  return d.day <= lastDay;
}

export function compareDays(a: Day, b: Day): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

export function formatDay(d: Day): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

function problem(message: string): FilterDiagnostic {
  return { line: 0, column: 0, message };
}

function checkTest(t: Test, out: FilterDiagnostic[]): void {
  if (t.kind === 'size') {
    if (!Number.isSafeInteger(t.bytes) || t.bytes < 0) out.push(problem('size must be a whole number of bytes'));
    return;
  }
  if (t.field.kind === 'header' && !isValidHeaderName(t.field.name)) {
    out.push(problem(`"${t.field.name}" is not a header field name`));
  }
}

function checkAction(a: Action, out: FilterDiagnostic[]): void {
  if ((a.kind === 'move' || a.kind === 'copy') && a.folder.trim() === '') out.push(problem(`${a.kind} needs a folder name`));
  if (a.kind === 'forward') {
    if (a.to.length === 0) out.push(problem('forward needs at least one address'));
    for (const addr of a.to) if (!isValidForwardAddress(addr)) out.push(problem(`"${addr}" is not an e-mail address`));
  }
}

/** Problems with a rule given as a value (line and column are 0: it has no source yet). */
export function validateRule(rule: Rule): FilterDiagnostic[] {
  const out: FilterDiagnostic[] = [];
  if (rule.condition.kind !== 'always') {
    if (rule.condition.tests.length === 0) out.push(problem('a condition needs at least one test'));
    for (const t of rule.condition.tests) checkTest(t, out);
  }
  if (rule.actions.length === 0) out.push(problem('a rule needs at least one action'));
  for (const a of rule.actions) checkAction(a, out);
  return out;
}

export function validateVacation(v: VacationSettings): FilterDiagnostic[] {
  const out: FilterDiagnostic[] = [];
  if (v.days !== null && (!Number.isInteger(v.days) || v.days < 1 || v.days > 60)) out.push(problem('days must be from 1 to 60'));
  if (v.activeFrom && !isValidDay(v.activeFrom)) out.push(problem(`${formatDay(v.activeFrom)} is not a valid date`));
  if (v.activeUntil && !isValidDay(v.activeUntil)) out.push(problem(`${formatDay(v.activeUntil)} is not a valid date`));
  if (v.activeFrom && v.activeUntil && compareDays(v.activeUntil, v.activeFrom) < 0) {
    out.push(problem('the last day is before the first day'));
  }
  for (const a of v.addresses) if (!isValidForwardAddress(a)) out.push(problem(`"${a}" is not an e-mail address`));
  return out;
}
