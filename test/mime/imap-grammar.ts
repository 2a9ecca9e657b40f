/**
 * A strict recursive-descent checker for the RFC 3501 (section 9) "body" and "envelope"
 * rules, used to validate every BODY, BODYSTRUCTURE and ENVELOPE string the indexer produces.
 * It reads the UTF-8 bytes the server would send and throws a GrammarError naming the offset
 * and the rule that failed; on success it returns a small tree for further checks.
 */

export class GrammarError extends Error {}

export interface BodyNode {
  type: string;
  subtype: string;
  size?: number;
  lines?: number;
  children?: BodyNode[];
  message?: BodyNode;
}

class Reader {
  pos = 0;
  constructor(readonly b: Buffer) {}

  fail(rule: string): never {
    const near = this.b.subarray(this.pos, this.pos + 40).toString('latin1');
    throw new GrammarError(`${rule} expected at ${this.pos} near ${JSON.stringify(near)}`);
  }
  peek(): number | undefined {
    return this.b[this.pos];
  }
  expect(text: string, rule: string): void {
    for (let i = 0; i < text.length; i++) {
      if (this.b[this.pos + i] !== text.charCodeAt(i)) this.fail(rule + ` (${JSON.stringify(text)})`);
    }
    this.pos += text.length;
  }
  sp(): void {
    this.expect(' ', 'SP');
  }
  isNil(): boolean {
    const s = this.b.toString('latin1', this.pos, this.pos + 3);
    return s.toUpperCase() === 'NIL';
  }
  nil(): void {
    if (!this.isNil()) this.fail('nil');
    this.pos += 3;
  }
  number(): number {
    const start = this.pos;
    while (this.peek() !== undefined && (this.peek() as number) >= 0x30 && (this.peek() as number) <= 0x39) this.pos++;
    if (this.pos === start) this.fail('number');
    const n = Number(this.b.toString('latin1', start, this.pos));
    if (n > 0xffffffff) this.fail('number (32 bit)');
    return n;
  }
  /** string = quoted / literal; returns the value as latin1 text of its bytes. */
  string(): string {
    const c = this.peek();
    if (c === 0x22) {
      this.pos++;
      let out = '';
      for (;;) {
        const d = this.peek();
        if (d === undefined) this.fail('closing DQUOTE');
        if (d === 0x22) { this.pos++; return out; }
        if (d === 0x5c) {
          const e = this.b[this.pos + 1];
          if (e !== 0x22 && e !== 0x5c) this.fail('quoted-specials after "\\"');
          out += String.fromCharCode(e);
          this.pos += 2;
          continue;
        }
        if (d === 0 || d === 0x0a || d === 0x0d || d > 0x7f) this.fail('QUOTED-CHAR (7-bit, no CR/LF/NUL)');
        out += String.fromCharCode(d);
        this.pos++;
      }
    }
    if (c === 0x7b) {
      this.pos++;
      const n = this.number();
      this.expect('}\r\n', 'literal header');
      if (this.pos + n > this.b.length) this.fail(`literal of ${n} bytes`);
      const value = this.b.subarray(this.pos, this.pos + n);
      if (value.includes(0)) this.fail('CHAR8 (no NUL in a literal)');
      this.pos += n;
      return value.toString('latin1');
    }
    return this.fail('string');
  }
  nstring(): string | null {
    if (this.isNil()) { this.pos += 3; return null; }
    return this.string();
  }
}

function address(r: Reader): void {
  r.expect('(', 'address');
  r.nstring(); r.sp(); r.nstring(); r.sp(); r.nstring(); r.sp(); r.nstring();
  r.expect(')', 'address end');
}

function addressList(r: Reader): void {
  if (r.isNil()) { r.nil(); return; }
  r.expect('(', 'address list');
  address(r);
  while (r.peek() === 0x28) address(r);
  r.expect(')', 'address list end');
}

function envelope(r: Reader): void {
  r.expect('(', 'envelope');
  r.nstring(); r.sp(); r.nstring();
  for (let i = 0; i < 6; i++) { r.sp(); addressList(r); }
  r.sp(); r.nstring(); r.sp(); r.nstring();
  r.expect(')', 'envelope end');
}

function paramList(r: Reader): void {
  if (r.isNil()) { r.nil(); return; }
  r.expect('(', 'body-fld-param');
  r.string(); r.sp(); r.string();
  while (r.peek() === 0x20) { r.sp(); r.string(); r.sp(); r.string(); }
  r.expect(')', 'body-fld-param end');
}

function disposition(r: Reader): void {
  if (r.isNil()) { r.nil(); return; }
  r.expect('(', 'body-fld-dsp');
  r.string(); r.sp(); paramList(r);
  r.expect(')', 'body-fld-dsp end');
}

function language(r: Reader): void {
  if (r.peek() === 0x28) {
    r.pos++;
    r.string();
    while (r.peek() === 0x20) { r.sp(); r.string(); }
    r.expect(')', 'body-fld-lang end');
    return;
  }
  r.nstring();
}

function bodyExtension(r: Reader): void {
  if (r.peek() === 0x28) {
    r.pos++;
    bodyExtension(r);
    while (r.peek() === 0x20) { r.sp(); bodyExtension(r); }
    r.expect(')', 'body-extension end');
  } else if (r.peek() !== undefined && (r.peek() as number) >= 0x30 && (r.peek() as number) <= 0x39) {
    r.number();
  } else {
    r.nstring();
  }
}

/** [SP dsp [SP lang [SP loc *(SP body-extension)]]] */
function extensionTail(r: Reader): void {
  if (r.peek() !== 0x20) return;
  r.sp(); disposition(r);
  if (r.peek() !== 0x20) return;
  r.sp(); language(r);
  if (r.peek() !== 0x20) return;
  r.sp(); r.nstring();
  while (r.peek() === 0x20) { r.sp(); bodyExtension(r); }
}

function body(r: Reader, extended: boolean | null): BodyNode {
  r.expect('(', 'body');
  if (r.peek() === 0x28) {
    const children: BodyNode[] = [];
    while (r.peek() === 0x28) children.push(body(r, extended));
    r.sp();
    const subtype = r.string();
    if (r.peek() === 0x20) {
      if (extended === false) r.fail('")" (BODY has no extension data)');
      r.sp(); paramList(r); extensionTail(r);
    } else if (extended === true) {
      r.fail('body-ext-mpart');
    }
    r.expect(')', 'body end');
    return { type: 'MULTIPART', subtype: subtype.toUpperCase(), children };
  }
  const type = r.string().toUpperCase();
  r.sp();
  const subtype = r.string().toUpperCase();
  r.sp(); paramList(r);
  r.sp(); r.nstring();
  r.sp(); r.nstring();
  r.sp(); r.string();
  r.sp();
  const node: BodyNode = { type, subtype, size: r.number() };
  if (type === 'MESSAGE' && subtype === 'RFC822') {
    r.sp(); envelope(r);
    r.sp(); node.message = body(r, extended);
    r.sp(); node.lines = r.number();
  } else if (type === 'TEXT') {
    r.sp(); node.lines = r.number();
  }
  if (r.peek() === 0x20) {
    if (extended === false) r.fail('")" (BODY has no extension data)');
    r.sp(); r.nstring(); extensionTail(r);
  } else if (extended === true) {
    r.fail('body-ext-1part');
  }
  r.expect(')', 'body end');
  return node;
}

function whole<T>(text: string, parse: (r: Reader) => T): T {
  const r = new Reader(Buffer.from(text, 'utf8'));
  const result = parse(r);
  if (r.pos !== r.b.length) r.fail('end of value');
  return result;
}

/** Checks a BODYSTRUCTURE (extension data required, as this server always sends it). */
export function checkBodyStructure(text: string): BodyNode {
  return whole(text, (r) => body(r, true));
}

/** Checks a BODY (no extension data allowed). */
export function checkBody(text: string): BodyNode {
  return whole(text, (r) => body(r, false));
}

export function checkEnvelope(text: string): void {
  whole(text, envelope);
}
