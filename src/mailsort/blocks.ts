/**
 * The block-editing API on filter text, as the web UI and REST API use it: every function takes
 * the file's text and returns the new text (or the value asked for). Text that does not parse
 * throws FilterSyntaxError; a bad rule, vacation message or index throws FilterEditError.
 * Everything outside the touched block is returned byte for byte.
 */
import type { FilterTree, Rule, VacationSettings } from './ast.js';
import {
  rulesOf,
  treeGetVacation,
  treeInsertRule,
  treeMoveRule,
  treeRemoveRule,
  treeRemoveVacation,
  treeReplaceRule,
  treeSetRuleEnabled,
  treeSetVacation,
} from './edit.js';
import { FilterSyntaxError } from './errors.js';
import { parseFilter } from './parser.js';
import { printFilterFile } from './printer.js';

export interface RuleSummary {
  index: number;
  name: string;
  disabled: boolean;
  rule: Rule;
}

function parseOrThrow(text: string): FilterTree {
  const r = parseFilter(text);
  if (!r.ok) throw new FilterSyntaxError(r.errors);
  return r.tree;
}

/** Prints the edited tree and proves the result parses, so a saved file is never broken. */
function printChecked(tree: FilterTree): string {
  const text = printFilterFile(tree);
  const again = parseFilter(text);
  if (!again.ok) throw new FilterSyntaxError(again.errors);
  return text;
}

function edit(text: string, change: (tree: FilterTree) => FilterTree): string {
  const tree = parseOrThrow(text);
  const changed = change(tree);
  return changed === tree ? text : printChecked(changed);
}

export function listRules(text: string): RuleSummary[] {
  return rulesOf(parseOrThrow(text)).map((rule, index) => ({ index, name: rule.name, disabled: rule.disabled, rule }));
}

export function replaceRule(text: string, index: number, rule: Rule): string {
  return edit(text, (t) => treeReplaceRule(t, index, rule));
}

/** Inserts `rule` as rule number `index` (0 = first, the rule count = last). */
export function insertRule(text: string, index: number, rule: Rule): string {
  return edit(text, (t) => treeInsertRule(t, index, rule));
}

export function removeRule(text: string, index: number): string {
  return edit(text, (t) => treeRemoveRule(t, index));
}

/** Moves rule `from` so that it becomes rule number `to`. */
export function moveRule(text: string, from: number, to: number): string {
  return edit(text, (t) => treeMoveRule(t, from, to));
}

export function setRuleEnabled(text: string, index: number, enabled: boolean): string {
  return edit(text, (t) => treeSetRuleEnabled(t, index, enabled));
}

export function getVacation(text: string): VacationSettings | null {
  return treeGetVacation(parseOrThrow(text));
}

export function setVacation(text: string, vacation: VacationSettings): string {
  return edit(text, (t) => treeSetVacation(t, vacation));
}

export function removeVacation(text: string): string {
  return edit(text, (t) => treeRemoveVacation(t));
}
