/**
 * Pure edits of a parsed filter file, for the web UI and REST API: each returns a new tree in
 * which only the touched block changes; comments, blank lines and every other block keep their
 * exact text. Rule indexes count rule blocks only (0-based, in file order).
 */
import type { FileItem, FilterTree, Rule, RuleItem, TriviaItem, VacationItem, VacationSettings } from './ast.js';
import { FilterEditError } from './errors.js';
import { formatSize } from './printer.js';
import { validateRule, validateVacation } from './validate.js';

function ruleSlots(tree: FilterTree): number[] {
  const slots: number[] = [];
  tree.items.forEach((item, i) => {
    if (item.kind === 'rule') slots.push(i);
  });
  return slots;
}

function slotOf(tree: FilterTree, index: number): number {
  const slots = ruleSlots(tree);
  const slot = Number.isInteger(index) ? slots[index] : undefined;
  if (slot === undefined) throw new FilterEditError([`there is no rule ${index} (the file has ${slots.length})`]);
  return slot;
}

/**
 * Checks a rule given as a value and returns it as reading its canonical text back gives it:
 * a one-test condition is an `and`, a size is written as formatSize writes it.
 */
function checkedRule(rule: Rule): Rule {
  const problems = validateRule(rule);
  if (problems.length > 0) throw new FilterEditError(problems.map((p) => p.message));
  const copy = structuredClone(rule);
  const c = copy.condition;
  if (c.kind !== 'always') {
    if (c.tests.length === 1) copy.condition = { kind: 'and', tests: c.tests };
    for (const t of c.tests) if (t.kind === 'size') t.text = formatSize(t.bytes, t.text);
  }
  return copy;
}

function blank(tree: FilterTree): TriviaItem {
  return { kind: 'blank', text: tree.eol };
}

function endsWithEol(text: string): boolean {
  return text.endsWith('\n') || text.endsWith('\r');
}

/** The last item, given a line end if the file did not end with one, so something can follow it. */
function closeLastLine(items: FileItem[], eol: string): void {
  const last = items[items.length - 1];
  if (!last) return;
  if (last.kind === 'blank' || last.kind === 'comment') {
    if (!endsWithEol(last.text)) items[items.length - 1] = { ...last, text: last.text + eol };
  } else if (last.source !== null && !endsWithEol(last.source)) {
    items[items.length - 1] = { ...last, source: last.source + eol };
  }
}

/** Closes the line of the item before `at` when it is the file's unterminated last line. */
function closeLineBefore(items: FileItem[], at: number, eol: string): void {
  if (at === items.length) closeLastLine(items, eol);
}

function lastIsBlank(items: FileItem[]): boolean {
  const last = items[items.length - 1];
  return last === undefined || last.kind === 'blank';
}

/** Puts a block item so it becomes rule number `index` (or the vacation block at the end). */
function placeBlock(tree: FilterTree, item: RuleItem, index: number): FilterTree {
  const items = [...tree.items];
  const slots = ruleSlots(tree);
  if (!Number.isInteger(index) || index < 0 || index > slots.length) {
    throw new FilterEditError([`a rule can go at positions 0 to ${slots.length}, not ${index}`]);
  }
  const before = slots[index];
  if (before !== undefined) {
    items.splice(before, 0, item, blank(tree));
    return { ...tree, items };
  }
  const lastRule = slots[slots.length - 1];
  if (lastRule !== undefined) {
    const at = lastRule + 1;
    closeLineBefore(items, at, tree.eol);
    items.splice(at, 0, blank(tree), item);
    return { ...tree, items };
  }
  // No rules yet: the first one goes above the vacation block, or at the end of the file.
  const vacationAt = items.findIndex((i) => i.kind === 'vacation');
  if (vacationAt >= 0) {
    items.splice(vacationAt, 0, item, blank(tree));
    return { ...tree, items };
  }
  return { ...tree, items: appendBlock(items, item, tree) };
}

function appendBlock(items: FileItem[], item: RuleItem | VacationItem, tree: FilterTree): FileItem[] {
  const out = [...items];
  closeLastLine(out, tree.eol);
  if (!lastIsBlank(out)) out.push(blank(tree));
  out.push(item);
  return out;
}

/** Removes the item at `at`, and one blank line when that would leave two in a row (or one at the top). */
function removeItem(items: FileItem[], at: number): FileItem[] {
  const out = [...items];
  out.splice(at, 1);
  const next = out[at];
  const prev = out[at - 1];
  if (next?.kind === 'blank' && (prev === undefined || prev.kind === 'blank')) out.splice(at, 1);
  else if (next === undefined && prev?.kind === 'blank') out.splice(at - 1, 1);
  return out;
}

export function rulesOf(tree: FilterTree): Rule[] {
  return tree.items.filter((i): i is RuleItem => i.kind === 'rule').map((i) => i.rule);
}

export function treeReplaceRule(tree: FilterTree, index: number, rule: Rule): FilterTree {
  const checked = checkedRule(rule);
  const slot = slotOf(tree, index);
  const old = tree.items[slot] as RuleItem;
  const items = [...tree.items];
  items[slot] = { kind: 'rule', rule: checked, source: null, disabledSpan: null, leading: old.leading };
  return { ...tree, items };
}

/** Inserts a rule so it becomes rule number `index` (0 = first; the rule count = after the last). */
export function treeInsertRule(tree: FilterTree, index: number, rule: Rule): FilterTree {
  const item: RuleItem = { kind: 'rule', rule: checkedRule(rule), source: null, disabledSpan: null, leading: [] };
  return placeBlock(tree, item, index);
}

export function treeRemoveRule(tree: FilterTree, index: number): FilterTree {
  return { ...tree, items: removeItem(tree.items, slotOf(tree, index)) };
}

/** Moves rule `from` so it becomes rule number `to`; the block keeps its text and comments. */
export function treeMoveRule(tree: FilterTree, from: number, to: number): FilterTree {
  const slot = slotOf(tree, from);
  const count = ruleSlots(tree).length;
  if (!Number.isInteger(to) || to < 0 || to >= count) throw new FilterEditError([`rule ${from} can move to 0 to ${count - 1}, not ${to}`]);
  if (from === to) return tree;
  const item = tree.items[slot] as RuleItem;
  const moved: RuleItem =
    item.source !== null && !endsWithEol(item.source) ? { ...item, source: item.source + tree.eol } : item;
  const without = { ...tree, items: removeItem(tree.items, slot) };
  return placeBlock(without, moved, to);
}

/** Turns a rule on or off; only the word `disabled` in its first line changes. */
export function treeSetRuleEnabled(tree: FilterTree, index: number, enabled: boolean): FilterTree {
  const slot = slotOf(tree, index);
  const item = tree.items[slot] as RuleItem;
  if (item.rule.disabled === !enabled) return tree;
  const rule = { ...item.rule, disabled: !enabled };
  const items = [...tree.items];
  if (item.source !== null && item.disabledSpan) {
    const { start, end } = item.disabledSpan;
    const word = enabled ? '' : ' disabled';
    items[slot] = {
      ...item,
      rule,
      source: item.source.slice(0, start) + word + item.source.slice(end),
      disabledSpan: { start, end: start + word.length },
    };
  } else {
    items[slot] = { ...item, rule };
  }
  return { ...tree, items };
}

export function treeGetVacation(tree: FilterTree): VacationSettings | null {
  const item = tree.items.find((i): i is VacationItem => i.kind === 'vacation');
  return item ? structuredClone(item.vacation) : null;
}

/** Saves the vacation message: replaces the vacation block, or adds one at the end of the file. */
export function treeSetVacation(tree: FilterTree, vacation: VacationSettings): FilterTree {
  const problems = validateVacation(vacation);
  if (problems.length > 0) throw new FilterEditError(problems.map((p) => p.message));
  const at = tree.items.findIndex((i) => i.kind === 'vacation');
  const old = tree.items[at];
  const item: VacationItem = {
    kind: 'vacation',
    vacation: structuredClone(vacation),
    source: null,
    leading: old?.kind === 'vacation' ? old.leading : [],
  };
  if (at < 0) return { ...tree, items: appendBlock(tree.items, item, tree) };
  const items = [...tree.items];
  items[at] = item;
  return { ...tree, items };
}

export function treeRemoveVacation(tree: FilterTree): FilterTree {
  const at = tree.items.findIndex((i) => i.kind === 'vacation');
  return at < 0 ? tree : { ...tree, items: removeItem(tree.items, at) };
}
