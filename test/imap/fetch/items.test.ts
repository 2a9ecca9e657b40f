import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapAtom, ImapValue } from '../../../src/imap/protocol/types.js';
import { parseFramedCommand } from '../../../src/imap/protocol/grammar.js';
import { parseFetchItems, formatSection, ImapSyntaxError, type FetchItem } from '../../../src/imap/fetch/index.js';

const atom = (value: string): ImapValue => ({ type: 'atom', value });
const str = (value: string): ImapValue => ({ type: 'string', value: Buffer.from(value), literal: false });
const list = (...items: ImapValue[]): ImapValue => ({ type: 'list', items });
/** `BODY[...]` / `BODY.PEEK[...]` as the command parser delivers it. */
function body(name: string, section: ImapValue[], partial?: { offset: number; length: number }): ImapValue {
  const a: ImapAtom = { type: 'atom', value: name, section };
  if (partial) a.partial = partial;
  return a;
}
const kinds = (items: FetchItem[]) => items.map((i) => i.kind);

describe('parseFetchItems: macros and simple items', () => {
  test('ALL, FAST, FULL expand as RFC 3501 defines', () => {
    const all = parseFetchItems([atom('ALL')]);
    assert.deepEqual(kinds(all.items), ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE']);
    assert.equal(all.macro, 'ALL');
    assert.equal(all.needsIndex, true);
    assert.equal(all.needsContent, false);
    assert.deepEqual(kinds(parseFetchItems([atom('fast')]).items), ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
    assert.equal(parseFetchItems([atom('FAST')]).needsIndex, false);
    assert.deepEqual(kinds(parseFetchItems([atom('FULL')]).items), ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY']);
  });

  test('every simple item, alone or in a list, case-insensitive', () => {
    const names = ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'UID', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT'];
    for (const name of names) {
      assert.deepEqual(kinds(parseFetchItems([atom(name.toLowerCase())]).items), [name]);
    }
    assert.deepEqual(kinds(parseFetchItems([list(...names.map(atom))]).items), names);
  });

  test('what each item needs', () => {
    const need = (v: ImapValue) => {
      const r = parseFetchItems([v]);
      return { index: r.needsIndex, content: r.needsContent, seen: r.setsSeen };
    };
    assert.deepEqual(need(atom('FLAGS')), { index: false, content: false, seen: false });
    assert.deepEqual(need(atom('ENVELOPE')), { index: true, content: false, seen: false });
    assert.deepEqual(need(atom('BODYSTRUCTURE')), { index: true, content: false, seen: false });
    assert.deepEqual(need(atom('RFC822')), { index: false, content: true, seen: true });
    assert.deepEqual(need(atom('RFC822.HEADER')), { index: true, content: true, seen: false });
    assert.deepEqual(need(atom('RFC822.TEXT')), { index: true, content: true, seen: true });
    assert.deepEqual(need(body('BODY', [])), { index: false, content: true, seen: true });
    assert.deepEqual(need(body('BODY.PEEK', [])), { index: false, content: true, seen: false });
    assert.deepEqual(need(body('BODY.PEEK', [atom('TEXT')])), { index: true, content: true, seen: false });
    assert.deepEqual(need(body('BODY', [atom('1.MIME')])), { index: true, content: true, seen: true });
  });

  test('duplicates are dropped; hasFlags and hasUid are set', () => {
    const r = parseFetchItems([list(atom('UID'), atom('FLAGS'), atom('flags'), body('BODY.PEEK', []), body('BODY.PEEK', []))]);
    assert.deepEqual(kinds(r.items), ['UID', 'FLAGS', 'SECTION']);
    assert.equal(r.hasFlags, true);
    assert.equal(r.hasUid, true);
  });

  test('BODY[x] and BODY.PEEK[x] give one response item, and \\Seen is still set', () => {
    const r = parseFetchItems([list(body('BODY.PEEK', [atom('TEXT')]), body('BODY', [atom('TEXT')]))]);
    assert.equal(r.items.length, 1);
    assert.equal(r.setsSeen, true);
    assert.equal(parseFetchItems([list(body('BODY.PEEK', [atom('TEXT')]), body('BODY', [atom('TEXT')], { offset: 0, length: 5 }))]).items.length, 2);
  });

  test('reads what the command parser produces', () => {
    const command = parseFramedCommand({
      segments: [Buffer.from('a1 UID FETCH 1:* (UID body.peek[1.2.HEADER.FIELDS (From "To")]<0.100> BODY[] RFC822.SIZE)')],
      literals: [],
    });
    assert.deepEqual(parseFetchItems(command.args.slice(1)).items, [
      { kind: 'UID' },
      { kind: 'SECTION', peek: true, section: { path: [1, 2], text: 'HEADER.FIELDS', fields: ['From', 'To'] }, partial: { offset: 0, length: 100 } },
      { kind: 'SECTION', peek: false, section: { path: [], text: '' } },
      { kind: 'RFC822.SIZE' },
    ]);
  });
});

describe('parseFetchItems: sections', () => {
  const section = (v: ImapValue) => {
    const item = parseFetchItems([v]).items[0];
    assert.ok(item && item.kind === 'SECTION');
    return item;
  };

  test('every section form', () => {
    assert.deepEqual(section(body('BODY', [])).section, { path: [], text: '' });
    assert.deepEqual(section(body('BODY', [atom('HEADER')])).section, { path: [], text: 'HEADER' });
    assert.deepEqual(section(body('BODY', [atom('text')])).section, { path: [], text: 'TEXT' });
    assert.deepEqual(section(body('BODY', [atom('HEADER.FIELDS'), list(atom('From'), str('To'))])).section, {
      path: [],
      text: 'HEADER.FIELDS',
      fields: ['From', 'To'],
    });
    assert.deepEqual(section(body('BODY', [atom('header.fields.not'), list(atom('Received'))])).section, {
      path: [],
      text: 'HEADER.FIELDS.NOT',
      fields: ['Received'],
    });
    assert.deepEqual(section(body('BODY', [atom('1')])).section, { path: [1], text: '' });
    assert.deepEqual(section(body('BODY', [atom('4.2.2.1')])).section, { path: [4, 2, 2, 1], text: '' });
    assert.deepEqual(section(body('BODY', [atom('4.1.MIME')])).section, { path: [4, 1], text: 'MIME' });
    assert.deepEqual(section(body('BODY', [atom('3.HEADER')])).section, { path: [3], text: 'HEADER' });
    assert.deepEqual(section(body('BODY', [atom('3.TEXT')])).section, { path: [3], text: 'TEXT' });
    assert.deepEqual(section(body('BODY', [atom('3.HEADER.FIELDS'), list(atom('Subject'))])).section, {
      path: [3],
      text: 'HEADER.FIELDS',
      fields: ['Subject'],
    });
  });

  test('partials and PEEK', () => {
    const item = section(body('BODY.PEEK', [atom('TEXT')], { offset: 0, length: 100 }));
    assert.equal(item.peek, true);
    assert.deepEqual(item.partial, { offset: 0, length: 100 });
    assert.equal(section(body('BODY', [])).peek, false);
  });

  test('formatSection names sections for the response', () => {
    const fmt = (v: ImapValue) => formatSection(section(v).section);
    assert.equal(fmt(body('BODY', [])), '');
    assert.equal(fmt(body('BODY', [atom('1.2.mime')])), '1.2.MIME');
    assert.equal(fmt(body('BODY', [atom('header.fields'), list(atom('Date'), atom('from'))])), 'HEADER.FIELDS (DATE FROM)');
    assert.equal(fmt(body('BODY', [atom('2.HEADER.FIELDS.NOT'), list(str('X-Odd"Name'))])), '2.HEADER.FIELDS.NOT ("X-ODD\\"NAME")');
    assert.equal(fmt(body('BODY', [atom('HEADER.FIELDS'), list(str('X]y'))])), 'HEADER.FIELDS ("X]Y")');
  });

  test('bad sections and items are ImapSyntaxErrors', () => {
    const bad = (args: ImapValue[], pattern: RegExp) =>
      assert.throws(() => parseFetchItems(args), (err: unknown) => err instanceof ImapSyntaxError && pattern.test(err.message));
    bad([body('BODY', [atom('MIME')])], /MIME/);
    bad([body('BODY', [atom('0')])], /Invalid section/);
    bad([body('BODY', [atom('01')])], /Invalid section/);
    bad([body('BODY', [atom('1..2')])], /Invalid section/);
    bad([body('BODY', [atom('1.')])], /Invalid section/);
    bad([body('BODY', [atom('FOO')])], /Invalid section/);
    bad([body('BODY', [atom('1.HEADERX')])], /Invalid section/);
    bad([body('BODY', [atom('HEADER.FIELDS')])], /list of field names/);
    bad([body('BODY', [atom('HEADER.FIELDS'), list()])], /list of field names/);
    bad([body('BODY', [atom('HEADER.FIELDS'), list(str('Bad:Name'))])], /field name/);
    bad([body('BODY', [atom('HEADER.FIELDS'), list(list(atom('x')))])], /field names/);
    bad([body('BODY', [atom('TEXT'), atom('extra')])], /Unexpected/);
    bad([body('BODY', [list(atom('x'))])], /Invalid section/);
    bad([body('BODY', [], { offset: 0, length: 0 })], /partial length/);
    bad([body('RFC822', [])], /does not take a section/);
    bad([body('BODYSTRUCTURE', [atom('1')])], /does not take a section/);
    bad([{ type: 'atom', value: 'FLAGS', partial: { offset: 0, length: 5 } }], /partial/);
    bad([atom('BODY.PEEK')], /Unknown FETCH data item/);
    bad([atom('RFC822.PEEK')], /Unknown FETCH data item/);
    bad([atom('XYZZY')], /Unknown FETCH data item: XYZZY/);
    bad([list(atom('ALL'))], /Unknown FETCH data item: ALL/);
    bad([list(atom('FLAGS'), atom('FAST'))], /Unknown FETCH data item: FAST/);
    bad([list()], /Empty/);
    bad([], /needs data items/);
    bad([atom('FLAGS'), atom('UID')], /one item or a parenthesised list/);
    bad([str('FLAGS')], /Invalid FETCH data item/);
    bad([{ type: 'nil' }], /Invalid FETCH data item/);
  });
});
