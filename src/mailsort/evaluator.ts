/**
 * The MailSort evaluator: pure, no I/O. A parsed file is compiled once (needles lower-cased,
 * patterns compiled) and then run against message views; the result is the ordered list of
 * actions that ran and the resolved decision (see "Conflicts" in docs/mailsort.md).
 */
import type { Action, FilterTree, MatchOp, Test, VacationSettings } from './ast.js';
import type { MessageView } from './message-view.js';
import { compileWildcard, type Wildcard } from './wildcard.js';

/** Reply text when `reject` names no reason. */
export const DEFAULT_REJECT_REASON = 'Message rejected by the recipient';

const ADDRESS_FIELDS = new Set(['from', 'to', 'cc', 'bcc']);

/**
 * Per-message memo of lower-cased values, shared by all tests of one run. Fields are numbered
 * when the filter is compiled, so a lookup is an array index.
 */
class RunContext {
  private readonly whole: (readonly string[] | undefined)[];
  private readonly parts: (readonly string[] | undefined)[];
  private readonly fields: readonly string[];

  constructor(
    readonly view: MessageView,
    filter: CompiledFilter,
  ) {
    this.fields = filter.fields;
    this.whole = new Array<readonly string[] | undefined>(this.fields.length).fill(undefined);
    this.parts = new Array<readonly string[] | undefined>(this.fields.length).fill(undefined);
  }

  /** Whole decoded values of a field, lower-cased. */
  values(slot: number): readonly string[] {
    let v = this.whole[slot];
    if (v === undefined) {
      const raw = this.view.header(this.fields[slot] ?? '');
      const lower = new Array<string>(raw.length);
      for (let i = 0; i < raw.length; i++) lower[i] = (raw[i] as string).toLowerCase();
      v = lower;
      this.whole[slot] = v;
    }
    return v;
  }

  /** Whole values, then each address and each display name (address fields only). */
  candidates(slot: number): readonly string[] {
    const name = this.fields[slot] ?? '';
    if (!ADDRESS_FIELDS.has(name)) return this.values(slot);
    let v = this.parts[slot];
    if (v === undefined) {
      const list = [...this.values(slot)];
      for (const a of this.view.addresses(name)) {
        list.push(a.address.toLowerCase());
        if (a.name !== '') list.push(a.name.toLowerCase());
      }
      v = list;
      this.parts[slot] = v;
    }
    return v;
  }
}

const OP_SIZE_OVER = 0;
const OP_SIZE_UNDER = 1;
const OP_CONTAINS = 2;
const OP_IS = 3;
const OP_BEGINS = 4;
const OP_ENDS = 5;
const OP_MATCHES = 6;

const OP_CODES: Record<MatchOp, number> = { contains: OP_CONTAINS, is: OP_IS, begins: OP_BEGINS, ends: OP_ENDS, matches: OP_MATCHES };

/**
 * A test ready to run: the needle lower-cased, the pattern compiled, the field numbered.
 * One class for every kind of test keeps the hot loop monomorphic.
 */
class CompiledTest {
  constructor(
    readonly op: number,
    readonly not: boolean,
    readonly slot: number,
    readonly needle: string,
    readonly pattern: Wildcard | null,
    readonly bytes: number,
  ) {}
}

function runTest(t: CompiledTest, ctx: RunContext): boolean {
  let hit = false;
  const op = t.op;
  if (op === OP_SIZE_OVER) hit = ctx.view.size > t.bytes;
  else if (op === OP_SIZE_UNDER) hit = ctx.view.size < t.bytes;
  else if (op === OP_CONTAINS) {
    const values = ctx.values(t.slot);
    for (let i = 0; i < values.length && !hit; i++) hit = (values[i] as string).includes(t.needle);
  } else {
    const list = ctx.candidates(t.slot);
    const needle = t.needle;
    for (let i = 0; i < list.length && !hit; i++) {
      const s = list[i] as string;
      if (op === OP_IS) hit = s === needle;
      else if (op === OP_BEGINS) hit = s.startsWith(needle);
      else if (op === OP_ENDS) hit = s.endsWith(needle);
      else hit = t.pattern !== null && t.pattern.test(s);
    }
  }
  return t.not ? !hit : hit;
}

interface CompiledRule {
  /** Position among all rules of the file (disabled ones included), as listRules counts. */
  index: number;
  name: string;
  condition: 'always' | 'and' | 'or';
  tests: CompiledTest[];
  actions: Action[];
}

export interface CompiledFilter {
  rules: CompiledRule[];
  /** Lower-case names of the fields the rules look at; tests refer to them by position. */
  fields: string[];
  vacation: VacationSettings | null;
}

function compileTest(t: Test, slotOf: (name: string) => number): CompiledTest {
  if (t.kind === 'size') return new CompiledTest(t.cmp === 'over' ? OP_SIZE_OVER : OP_SIZE_UNDER, t.not, -1, '', null, t.bytes);
  const name = t.field.kind === 'header' ? t.field.name.toLowerCase() : t.field.kind;
  const needle = t.value.toLowerCase();
  const pattern = t.op === 'matches' ? compileWildcard(needle) : null;
  return new CompiledTest(OP_CODES[t.op], t.not, slotOf(name), needle, pattern, 0);
}

function holds(rule: CompiledRule, ctx: RunContext): boolean {
  if (rule.condition === 'always') return true;
  if (rule.condition === 'and') {
    for (const t of rule.tests) if (!runTest(t, ctx)) return false;
    return true;
  }
  for (const t of rule.tests) if (runTest(t, ctx)) return true;
  return false;
}

/** Compiles a parsed file once; the result is cached by the engine per file version. */
export function compileFilter(tree: FilterTree): CompiledFilter {
  const fields: string[] = [];
  const slots = new Map<string, number>();
  const slotOf = (name: string): number => {
    let slot = slots.get(name);
    if (slot === undefined) {
      slot = fields.length;
      fields.push(name);
      slots.set(name, slot);
    }
    return slot;
  };
  const rules: CompiledRule[] = [];
  let vacation: VacationSettings | null = null;
  let index = 0;
  for (const item of tree.items) {
    if (item.kind === 'rule') {
      const { rule } = item;
      if (!rule.disabled) {
        const c = rule.condition;
        rules.push({
          index,
          name: rule.name,
          condition: c.kind,
          tests: c.kind === 'always' ? [] : c.tests.map((t) => compileTest(t, slotOf)),
          actions: rule.actions,
        });
      }
      index++;
    } else if (item.kind === 'vacation') vacation = item.vacation;
  }
  return { rules, fields, vacation };
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
  const ctx = new RunContext(view, filter);
  const actions: TakenAction[] = [];
  const folders = new Map<string, string>();
  const forwards = new Map<string, string>();
  let moved = false;
  let discarded = false;
  let vacation = false;
  let stoppedAt: number | null = null;

  run: for (const rule of filter.rules) {
    if (!holds(rule, ctx)) continue;
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
