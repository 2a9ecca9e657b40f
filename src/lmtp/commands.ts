/**
 * Parsing of LMTP command lines (RFC 5321 4.1 syntax with the LMTP changes of RFC 2033): the
 * verb, and the reverse-path / forward-path with ESMTP parameters of MAIL and RCPT. Pure.
 */

export interface CommandLine {
  /** Upper-case verb ("MAIL", "LHLO"). */
  verb: string;
  /** Everything after the verb and one space; "" when none. */
  args: string;
}

export function splitCommand(line: Buffer): CommandLine {
  // Addresses may be UTF-8 (SMTPUTF8); anything else is ASCII.
  const text = line.toString('utf8');
  const space = text.indexOf(' ');
  const verb = (space < 0 ? text : text.slice(0, space)).toUpperCase();
  return { verb, args: space < 0 ? '' : text.slice(space + 1) };
}

export type PathResult<T> = { ok: true; value: T } | { ok: false; code: number; enhanced: string; text: string };

export interface MailFrom {
  /** "" for the null reverse-path <>. */
  address: string;
  size: number | null;
  body: '7BIT' | '8BITMIME' | null;
  smtputf8: boolean;
}

export interface RcptTo {
  address: string;
}

const syntaxError = (text: string): { ok: false; code: number; enhanced: string; text: string } => ({ ok: false, code: 501, enhanced: '5.5.4', text });
const unsupportedParam = (text: string): { ok: false; code: number; enhanced: string; text: string } => ({ ok: false, code: 555, enhanced: '5.5.4', text });

interface ParsedPath {
  address: string;
  params: string[];
}

/** "FROM:<a@b> SIZE=10" (keyword "FROM") -> address "a@b", params ["SIZE=10"]. */
function parsePathArgument(args: string, keyword: 'FROM' | 'TO'): ParsedPath | null {
  const prefix = `${keyword}:`;
  if (args.slice(0, prefix.length).toUpperCase() !== prefix) return null;
  const rest = args.slice(prefix.length).trimStart();
  if (!rest.startsWith('<')) return null;
  const close = rest.indexOf('>');
  if (close < 0) return null;
  let address = rest.slice(1, close);
  // A source route "@a,@b:user@c" (RFC 5321 4.1.2) is accepted and ignored.
  if (address.startsWith('@')) {
    const colon = address.indexOf(':');
    if (colon < 0) return null;
    address = address.slice(colon + 1);
  }
  if (/[\s\x00-\x1f\x7f<>]/.test(address)) return null;
  const after = rest.slice(close + 1);
  if (after.length > 0 && !after.startsWith(' ')) return null;
  const params = after.split(' ').filter((p) => p.length > 0);
  return { address, params };
}

function splitParam(param: string): { key: string; value: string | null } {
  const eq = param.indexOf('=');
  return eq < 0 ? { key: param.toUpperCase(), value: null } : { key: param.slice(0, eq).toUpperCase(), value: param.slice(eq + 1) };
}

export function parseMailFrom(args: string): PathResult<MailFrom> {
  const path = parsePathArgument(args, 'FROM');
  if (!path) return syntaxError('Syntax: MAIL FROM:<address> [SIZE=n] [BODY=7BIT|8BITMIME] [SMTPUTF8]');
  if (path.address !== '' && !path.address.includes('@')) return syntaxError('Sender address must be <> or local@domain');
  const value: MailFrom = { address: path.address, size: null, body: null, smtputf8: false };
  const seen = new Set<string>();
  for (const param of path.params) {
    const { key, value: v } = splitParam(param);
    if (seen.has(key)) return syntaxError(`Duplicate parameter ${key}`);
    seen.add(key);
    if (key === 'SIZE') {
      if (v === null || !/^\d{1,20}$/.test(v)) return syntaxError('SIZE needs a number of bytes');
      value.size = Number(v);
    } else if (key === 'BODY') {
      const body = (v ?? '').toUpperCase();
      if (body !== '7BIT' && body !== '8BITMIME') return unsupportedParam('BODY must be 7BIT or 8BITMIME');
      value.body = body;
    } else if (key === 'SMTPUTF8') {
      if (v !== null) return syntaxError('SMTPUTF8 takes no value');
      value.smtputf8 = true;
    } else {
      return unsupportedParam(`Unsupported parameter ${key}`);
    }
  }
  return { ok: true, value };
}

export function parseRcptTo(args: string): PathResult<RcptTo> {
  const path = parsePathArgument(args, 'TO');
  if (!path || path.address === '') return syntaxError('Syntax: RCPT TO:<address>');
  if (path.params.length > 0) {
    const first = splitParam(path.params[0] ?? '').key;
    return unsupportedParam(`Unsupported parameter ${first}`);
  }
  return { ok: true, value: { address: path.address } };
}
