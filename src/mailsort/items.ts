/**
 * Slices parsed filter text into the tree's items: each block's exact source, and the comment
 * and blank lines between blocks (comment lines right above a block travel with it).
 */
import type { FileItem, Rule, TriviaItem, VacationSettings } from './ast.js';
import { LineMap } from './lexer.js';

/** Where the parser found one block. */
export interface BlockSpan {
  kind: 'rule' | 'vacation';
  /** Offset of the block's first token and of the end of its closing line. */
  start: number;
  end: number;
  rule?: Rule;
  vacation?: VacationSettings;
  /** Offsets (absolute) where `disabled` is or would be written. */
  disabledSpan?: { start: number; end: number };
}

function isBlankLine(line: string): boolean {
  return /^[ \t\f\v\u00a0\ufeff]*(?:\r\n|\n|\r)?$/.test(line);
}

/** Splits text into lines, each keeping its line end. */
function splitLines(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$/g) ?? [];
}

/** Builds the item list: the blocks as sliced from the source, and the lines between them. */
export function buildItems(text: string, blocks: BlockSpan[]): FileItem[] {
  const map = new LineMap(text);
  const items: FileItem[] = [];
  let pos = 0;
  const pushTrivia = (chunk: string): TriviaItem[] => {
    const out: TriviaItem[] = [];
    for (const line of splitLines(chunk)) out.push({ kind: isBlankLine(line) ? 'blank' : 'comment', text: line });
    return out;
  };
  for (const b of blocks) {
    const start = map.lineStart(map.position(b.start).line);
    const between = pushTrivia(text.slice(pos, start));
    // Comment lines right above a block travel with it.
    let cut = between.length;
    while (cut > 0 && between[cut - 1]?.kind === 'comment') cut--;
    items.push(...between.slice(0, cut));
    const leading = between.slice(cut);
    const source = text.slice(start, b.end);
    if (b.kind === 'rule' && b.rule && b.disabledSpan) {
      items.push({
        kind: 'rule',
        rule: b.rule,
        source,
        leading,
        disabledSpan: { start: b.disabledSpan.start - start, end: b.disabledSpan.end - start },
      });
    } else if (b.vacation) {
      items.push({ kind: 'vacation', vacation: b.vacation, source, leading });
    }
    pos = b.end;
  }
  items.push(...pushTrivia(text.slice(pos)));
  return items;
}
