/**
 * The MailSort evaluator: pure, no I/O. A parsed file is compiled once (needles lower-cased,
 * patterns compiled) and then run against message views; the result is the ordered list of
 * actions that ran and the resolved decision (see "Conflicts" in docs/mailsort.md).
 */
import type { Action, FilterTree, Rule, Test, VacationSettings } from './ast.js';
import type { MessageView } from './message-view.js';
import { compileWildcard } from './wildcard.js';

/** Reply text when `reject` names no reason. */
export const DEFAULT_REJECT_REASON = 'Message rejected by the recipient';

const ADDRESS_FIELDS = new Set(['from', 'to', 'cc', 'bcc']);

/** Per-message memo of lower-cased values, shared by all tests of one run. */
class RunContext {
  private readonly whole = new Map<string, readonly string[]>();
  private readonly parts = new Map<string, readonly string[]>();

  constructor(readonly view: MessageView) {}

  /** Whole decoded values of a field, lower-cased. */
  values(name: string): readonly string[] {
    let v = this.whole.get(name);
    if (!v) {
      v = this.view.header(name).map((s) => s.toLowerCase());
      this.whole.set(name, v);
    }
    return v;
  }

  /** Whole values, then each address and each display name (address fields only). */
  candidates(name: string): readonly string[] {
    if (!ADDRESS_FIELDS.has(name)) return this.values(name);
    let v = this.parts.get(name);
    if (!v) {
      const list = [...this.values(name)];
      for (const a of this.view.addresses(name)) {
        list.push(a.address.toLowerCase());
        if (a.name !== '') list.push(a.name.toLowerCase());
      }
      v = list;
      this.parts.set(name, v);
    }
    return v;
  }
}

type CompiledTest = (ctx: RunContext) => boolean;

function compileTest(t: Test): CompiledTest {
  let positive: CompiledTest;
  if (t.kind === 'size') {
    const limit = t.bytes;
    positive = t.cmp === 'over' ? (ctx) => ctx.view.size > limit : (ctx) => ctx.view.size < limit;
  } else {
    const name = t.field.kind === 'header' ? t.field.name.toLowerCase() : t.field.kind;
    const needle = t.value.toLowerCase();
    const any = (list: readonly string[], f: (s: string) => boolean): boolean => {
      for (const s of list) if (f(s)) return true;
      return false;
    };
    switch (t.op) {
      case 'contains':
        positive = (ctx) => any(ctx.values(name), (s) => s.includes(needle));
        break;
      case 'is':
        positive = (ctx) => any(ctx.candidates(name), (s) => s === needle);
        break;
      case 'begins':
        positive = (ctx) => any(ctx.candidates(name), (s) => s.startsWith(needle));
        break;
      case 'ends':
        positive = (ctx) => any(ctx.candidates(name), (s) => s.endsWith(needle));
        break;
      case 'matches': {
        const pattern = compileWildcard(needle);
        positive = (ctx) => any(ctx.candidates(name), (s) => pattern.test(s));
        break;
      }
    }
  }
  return t.not ? (ctx) => !positive(ctx) : positive;
}

interface CompiledRule {
  /** Position among all rules of the file (disabled ones included), as listRules counts. */
  index: number;
  name: string;
  holds: CompiledTest;
  actions: Action[];
}

export interface CompiledFilter {
  rules: CompiledRule[];
  vacation: VacationSettings | null;
}

function compileRule(rule: Rule, index: number): CompiledRule {
  const c = rule.condition;
  let holds: CompiledTest;
  if (c.kind === 'always') holds = () => true;
  else {
    const tests = c.tests.map(compileTest);
    holds = c.kind === 'and' ? (ctx) => tests.every((t) => t(ctx)) : (ctx) => tests.some((t) => t(ctx));
  }
  return { index, name: rule.name, holds, actions: rule.actions };
}

/** Compiles a parsed file once; the result is cached by the engine per file version. */
export function compileFilter(tree: FilterTree): CompiledFilter {
  const rules: CompiledRule[] = [];
  let vacation: VacationSettings | null = null;
  let index = 0;
  for (const item of tree.items) {
    if (item.kind === 'rule') {
      if (!item.rule.disabled) rules.push(compileRule(item.rule, index));
      index++;
    } else if (item.kind === 'vacation') vacation = item.vacation;
  }
  return { rules, vacation };
}

export interface TakenAction {
  rule: number;
  ruleName: string;
  action: Action;
}

export interface Evaluation {
  /** Every action that ran, in order (a reject is the last). */
  actions: TakenAction[];
  /** The reply text when the message is refused; everything else is then empty. */
  reject: string | null;
  /** Implicit keep: file into INBOX (no move, discard or reject ran). */
  keep: boolean;
  /** Folders named by move and copy, each once, in order; empty after a discard. */
  folders: string[];
  /** Forward addresses, each once (compared case-insensitively), in order. */
  forwards: string[];
  /** A `vacation` action ran. */
  vacation: boolean;
  /** Index of the rule whose `stop` (or reject) ended the run, or null. */
  stoppedAt: number | null;
}

/** Folder names compare exactly, except that INBOX is case-insensitive (RFC 3501 5.1). */
function folderKey(name: string): string {
  return /^inbox(\/|$)/i.test(name) ? `INBOX${name.slice(5)}` : name;
}

export function evaluate(filter: CompiledFilter, view: MessageView): Evaluation {
  const ctx = new RunContext(view);
  const actions: TakenAction[] = [];
  const folders = new Map<string, string>();
  const forwards = new Map<string, string>();
  let moved = false;
  let discarded = false;
  let vacation = false;
  let stoppedAt: number | null = null;

  run: for (const rule of filter.rules) {
    if (!rule.holds(ctx)) continue;
    for (const action of rule.actions) {
      actions.push({ rule: rule.index, ruleName: rule.name, action });
      switch (action.kind) {
        case 'move':
        case 'copy': {
          if (action.kind === 'move') moved = true;
          const key = folderKey(action.folder);
          if (!folders.has(key)) folders.set(key, action.folder);
          break;
        }
        case 'forward':
          for (const to of action.to) if (!forwards.has(to.toLowerCase())) forwards.set(to.toLowerCase(), to);
          break;
        case 'vacation':
          vacation = true;
          break;
        case 'discard':
          discarded = true;
          break;
        case 'stop':
          stoppedAt = rule.index;
          break run;
        case 'reject':
          // Nothing of the message is kept, forwarded or answered, whatever ran before.
          return {
            actions,
            reject: action.reason ?? DEFAULT_REJECT_REASON,
            keep: false,
            folders: [],
            forwards: [],
            vacation: false,
            stoppedAt: rule.index,
          };
      }
    }
  }
  return {
    actions,
    reject: null,
    keep: !moved && !discarded,
    folders: discarded ? [] : [...folders.values()],
    forwards: [...forwards.values()],
    vacation,
    stoppedAt,
  };
}
