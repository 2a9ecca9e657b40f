/**
 * Parses one POP3 command line (RFC 1939 section 3, RFC 2449 section 4): a case-insensitive
 * keyword, then arguments separated by spaces. Pure.
 */

export interface CommandLine {
  /** Upper-cased keyword. */
  keyword: string;
  /** Space-separated arguments (runs of spaces are treated as one separator). */
  args: string[];
  /** Everything after the keyword and its single separating space, untouched (PASS may contain spaces). */
  rest: string;
}

export type CommandLineResult = { ok: true; command: CommandLine } | { ok: false; error: string };

/** Keywords are 3-4 printable characters in the RFCs; anything much longer is not a command. */
const MAX_KEYWORD_LENGTH = 16;

export function parseCommandLine(line: Buffer): CommandLineResult {
  const text = line.toString('utf8');
  if (text.trim().length === 0) return { ok: false, error: 'Empty command' };
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(text)) return { ok: false, error: 'Control characters are not allowed in commands' };
  const space = text.indexOf(' ');
  const keyword = (space === -1 ? text : text.slice(0, space)).toUpperCase();
  if (keyword.length === 0) return { ok: false, error: 'Command line must start with a keyword' };
  if (keyword.length > MAX_KEYWORD_LENGTH || !/^[A-Z0-9-]+$/.test(keyword)) {
    return { ok: false, error: 'Unknown command' };
  }
  const rest = space === -1 ? '' : text.slice(space + 1);
  const args = rest.split(/[ \t]+/).filter((a) => a.length > 0);
  return { ok: true, command: { keyword, args, rest } };
}

/**
 * A message-number argument: decimal digits only, at least 1. Returns null for anything else
 * (signs, spaces, hex, zero, absurdly long numbers).
 */
export function parseMessageNumber(arg: string): number | null {
  if (!/^[0-9]{1,9}$/.test(arg)) return null;
  const n = Number(arg);
  return n >= 1 ? n : null;
}

/** A non-negative line count (TOP's second argument). */
export function parseLineCount(arg: string): number | null {
  if (!/^[0-9]{1,9}$/.test(arg)) return null;
  return Number(arg);
}
