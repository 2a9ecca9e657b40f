/**
 * The MailSort rule tree (see /docs/mailsort.md). A parsed file keeps the exact source text of
 * every block and of the comment and blank lines between them, so that printing an unedited
 * tree reproduces the file byte for byte, and an edited block is re-printed alone.
 */

/** Header fields a test can look at; `header` names any other field. */
export type AddressField = 'from' | 'to' | 'cc' | 'bcc';
export type Field = { kind: AddressField } | { kind: 'subject' } | { kind: 'header'; name: string };

export type MatchOp = 'contains' | 'is' | 'begins' | 'ends' | 'matches';

export type Test =
  | { kind: 'header'; not: boolean; field: Field; op: MatchOp; value: string }
  | { kind: 'size'; not: boolean; cmp: 'over' | 'under'; bytes: number; /** as written, e.g. "10K" */ text: string };

export type Condition =
  | { kind: 'always' }
  /** One test is an `and` of one. */
  | { kind: 'and'; tests: Test[] }
  | { kind: 'or'; tests: Test[] };

export type Action =
  | { kind: 'move'; folder: string }
  | { kind: 'copy'; folder: string }
  | { kind: 'forward'; to: string[] }
  | { kind: 'reject'; reason: string | null }
  | { kind: 'vacation' }
  | { kind: 'discard' }
  | { kind: 'stop' };

export interface Rule {
  name: string;
  disabled: boolean;
  condition: Condition;
  /** At least one. */
  actions: Action[];
}

/** A calendar day, as written in the file (YYYY-MM-DD). */
export interface Day {
  year: number;
  month: number;
  day: number;
}

export interface VacationSettings {
  subject: string | null;
  body: string | null;
  /** 1 to 60; null means the default of 7. */
  days: number | null;
  activeFrom: Day | null;
  activeUntil: Day | null;
  /** The user's other addresses (besides the account address and the envelope recipient). */
  addresses: string[];
}

export const DEFAULT_VACATION_DAYS = 7;

/** A line (with its line end) that is blank or holds only a comment, between blocks. */
export type TriviaItem = { kind: 'blank'; text: string } | { kind: 'comment'; text: string };

export interface RuleItem {
  kind: 'rule';
  rule: Rule;
  /**
   * The block's exact text, from the start of its first line through the line end after `end`;
   * null once the block has been edited (it is then printed in canonical form).
   */
  source: string | null;
  /** Where `disabled` goes in `source`: the offsets just after the name and after `disabled` (or equal). */
  disabledSpan: { start: number; end: number } | null;
  /** Comment lines directly above the block (no blank line between): they travel with it. */
  leading: TriviaItem[];
}

export interface VacationItem {
  kind: 'vacation';
  vacation: VacationSettings;
  source: string | null;
  leading: TriviaItem[];
}

export type FileItem = TriviaItem | RuleItem | VacationItem;

export interface FilterTree {
  items: FileItem[];
  /** The line end the file uses; edited blocks are printed with it. */
  eol: '\n' | '\r\n';
}

/** One problem found in a filter file; line and column count from 1. */
export interface FilterDiagnostic {
  line: number;
  column: number;
  message: string;
}
