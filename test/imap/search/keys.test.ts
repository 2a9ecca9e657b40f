import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapValue } from '../../../src/imap/protocol/types.js';
import { parseFramedCommand } from '../../../src/imap/protocol/grammar.js';
import {
  parseSearchKeys,
  parseSearchCommand,
  ImapSyntaxError,
  BadCharsetError,
  MAX_SEARCH_DEPTH,
  dayNumber,
  type SearchKey,
} from '../../../src/imap/search/index.js';

const atom = (value: string): ImapValue => ({ type: 'atom', value });
const str = (value: string, literal = false): ImapValue => ({ type: 'string', value: Buffer.from(value, 'utf8'), literal });
const list = (...items: ImapValue[]): ImapValue => ({ type: 'list', items });
/** Words as atoms, for short criteria. */
const words = (text: string): ImapValue[] => text.split(' ').map(atom);
const parse = (args: ImapValue[]): SearchKey => parseSearchKeys(args, 'US-ASCII');

describe('parseSearchKeys: every RFC 3501 key', () => {
  test('flag keys', () => {
    const cases: Array<[string, string, boolean]> = [
      ['ANSWERED', '\\Answered', true],
      ['DELETED', '\\Deleted', true],
      ['DRAFT', '\\Draft', true],
      ['FLAGGED', '\\Flagged', true],
      ['SEEN', '\\Seen', true],
      ['UNANSWERED', '\\Answered', false],
      ['UNDELETED', '\\Deleted', false],
      ['UNDRAFT', '\\Draft', false],
      ['UNFLAGGED', '\\Flagged', false],
      ['UNSEEN', '\\Seen', false],
    ];
    for (const [word, flag, present] of cases) {
      assert.deepEqual(parse([atom(word)]), { type: 'flag', flag, present });
      assert.deepEqual(parse([atom(word.toLowerCase())]), { type: 'flag', flag, present }, 'keys are case-insensitive');
    }
    assert.deepEqual(parse(words('KEYWORD $Forwarded')), { type: 'flag', flag: '$Forwarded', present: true });
    assert.deepEqual(parse(words('UNKEYWORD Junk')), { type: 'flag', flag: 'Junk', present: false });
  });

  test('ALL, RECENT, OLD, NEW', () => {
    assert.deepEqual(parse([atom('ALL')]), { type: 'all' });
    assert.deepEqual(parse([atom('RECENT')]), { type: 'recent', present: true });
    assert.deepEqual(parse([atom('OLD')]), { type: 'recent', present: false });
    assert.deepEqual(parse([atom('NEW')]), {
      type: 'and',
      keys: [
        { type: 'recent', present: true },
        { type: 'flag', flag: '\\Seen', present: false },
      ],
    });
  });

  test('text keys take astrings (atom, quoted, literal) decoded as UTF-8', () => {
    const targets: Array<[string, string]> = [
      ['BCC', 'bcc'],
      ['BODY', 'body'],
      ['CC', 'cc'],
      ['FROM', 'from'],
      ['SUBJECT', 'subject'],
      ['TEXT', 'text'],
      ['TO', 'to'],
    ];
    for (const [word, target] of targets) {
      assert.deepEqual(parse([atom(word), atom('smith')]), { type: 'text', target, value: 'smith' });
    }
    assert.deepEqual(parse([atom('SUBJECT'), str('hello world')]), { type: 'text', target: 'subject', value: 'hello world' });
    assert.deepEqual(parseSearchKeys([atom('TEXT'), str('Grüße', true)], 'UTF-8'), { type: 'text', target: 'text', value: 'Grüße' });
    assert.deepEqual(parse([atom('SUBJECT'), { type: 'nil' }]), { type: 'text', target: 'subject', value: 'NIL' });
  });

  test('date keys', () => {
    const day = dayNumber(1994, 2, 1);
    for (const [word, field, op] of [
      ['BEFORE', 'internal', 'before'],
      ['ON', 'internal', 'on'],
      ['SINCE', 'internal', 'since'],
      ['SENTBEFORE', 'sent', 'before'],
      ['SENTON', 'sent', 'on'],
      ['SENTSINCE', 'sent', 'since'],
    ] as const) {
      assert.deepEqual(parse([atom(word), atom('1-Feb-1994')]), { type: 'date', field, op, day });
    }
    assert.deepEqual(parse([atom('SINCE'), str('01-feb-1994')]), { type: 'date', field: 'internal', op: 'since', day }, 'quoted date');
  });

  test('LARGER, SMALLER, HEADER, UID, sequence sets', () => {
    assert.deepEqual(parse(words('LARGER 1000')), { type: 'size', op: 'larger', size: 1000 });
    assert.deepEqual(parse(words('SMALLER 0')), { type: 'size', op: 'smaller', size: 0 });
    assert.deepEqual(parse([atom('HEADER'), atom('X-Mailer'), str('')]), { type: 'header', name: 'X-Mailer', value: '' });
    assert.deepEqual(parse(words('UID 1:*')), { type: 'uid', set: [{ from: 1, to: '*' }] });
    assert.deepEqual(parse([atom('2,4:7')]), {
      type: 'seq',
      set: [
        { from: 2, to: 2 },
        { from: 4, to: 7 },
      ],
    });
    assert.deepEqual(parse([atom('*')]), { type: 'seq', set: [{ from: '*', to: '*' }] });
  });

  test('NOT, OR, parenthesised lists and implicit AND', () => {
    assert.deepEqual(parse(words('NOT SEEN')), { type: 'not', key: { type: 'flag', flag: '\\Seen', present: true } });
    assert.deepEqual(parse(words('OR SEEN FLAGGED')), {
      type: 'or',
      left: { type: 'flag', flag: '\\Seen', present: true },
      right: { type: 'flag', flag: '\\Flagged', present: true },
    });
    assert.deepEqual(parse([atom('FLAGGED'), atom('SINCE'), atom('1-Feb-1994'), atom('NOT'), atom('FROM'), str('Smith')]), {
      type: 'and',
      keys: [
        { type: 'flag', flag: '\\Flagged', present: true },
        { type: 'date', field: 'internal', op: 'since', day: dayNumber(1994, 2, 1) },
        { type: 'not', key: { type: 'text', target: 'from', value: 'Smith' } },
      ],
    });
    assert.deepEqual(parse([atom('OR'), list(atom('SEEN'), atom('DRAFT')), atom('DELETED')]), {
      type: 'or',
      left: {
        type: 'and',
        keys: [
          { type: 'flag', flag: '\\Seen', present: true },
          { type: 'flag', flag: '\\Draft', present: true },
        ],
      },
      right: { type: 'flag', flag: '\\Deleted', present: true },
    });
    assert.deepEqual(parse([list(atom('SEEN'))]), { type: 'flag', flag: '\\Seen', present: true });
  });
});

describe('parseSearchKeys: errors', () => {
  const bad = (args: ImapValue[], pattern: RegExp) =>
    assert.throws(() => parse(args), (err: unknown) => err instanceof ImapSyntaxError && pattern.test(err.message));

  test('unknown key', () => bad(words('FOO'), /unknown search key FOO/));
  test('no key at all', () => bad([], /at least one/));
  test('missing arguments', () => {
    for (const key of ['FROM', 'SUBJECT', 'BEFORE', 'SENTON', 'LARGER', 'KEYWORD', 'UID', 'NOT', 'HEADER']) bad([atom(key)], /missing/);
    bad(words('OR SEEN'), /missing/);
    bad([atom('HEADER'), atom('Subject')], /missing/);
  });
  test('bad dates', () => {
    for (const d of ['31-Feb-2020', '1-Foo-2020', '2020-01-01', '1-Jan-20', '123-Jan-2020', '0-Jan-2020', '']) {
      bad([atom('SINCE'), atom(d)], /date/);
    }
    bad([atom('ON'), list(atom('x'))], /date/);
  });
  test('bad numbers, sets, keywords and header names', () => {
    bad(words('LARGER -1'), /number/);
    bad(words('LARGER 12a'), /number/);
    bad(words('SMALLER 4294967296'), /number/);
    bad(words('UID 0:4'), /sequence set/);
    bad(words('1:x'), /sequence set/);
    bad([atom('KEYWORD'), str('two words')], /atom/);
    bad(words('KEYWORD (x'), /keyword/);
    bad([atom('HEADER'), str('Bad:Name'), str('x')], /header field name/);
    bad([atom('FROM'), list(atom('x'))], /string/);
    bad([list()], /empty/);
  });
  test('nesting too deep', () => {
    const deep = Array.from({ length: MAX_SEARCH_DEPTH + 2 }, () => atom('NOT'));
    bad([...deep, atom('SEEN')], /nested too deeply/);
    let nested: ImapValue = atom('SEEN');
    for (let i = 0; i < MAX_SEARCH_DEPTH + 2; i++) nested = list(nested);
    bad([nested], /nested too deeply/);
    // Within the bound is fine.
    const ok = Array.from({ length: 10 }, () => atom('NOT'));
    assert.equal(parse([...ok, atom('SEEN')]).type, 'not');
  });
  test('unsupported charset is a BadCharsetError with the BADCHARSET code', () => {
    assert.throws(
      () => parseSearchKeys(words('ALL'), 'ISO-8859-1'),
      (err: unknown) => err instanceof BadCharsetError && err.charset === 'ISO-8859-1' && err.responseCode === 'BADCHARSET (UTF-8 US-ASCII)',
    );
    assert.deepEqual(parseSearchKeys(words('ALL'), 'utf-8'), { type: 'all' });
  });
});

describe('parseSearchCommand', () => {
  test('optional CHARSET prefix', () => {
    assert.deepEqual(parseSearchCommand(words('ALL')), { charset: 'US-ASCII', key: { type: 'all' } });
    assert.deepEqual(parseSearchCommand([atom('CHARSET'), atom('UTF-8'), atom('TEXT'), str('x')]), {
      charset: 'UTF-8',
      key: { type: 'text', target: 'text', value: 'x' },
    });
    assert.deepEqual(parseSearchCommand([atom('charset'), str('us-ascii'), atom('SEEN')]).charset, 'US-ASCII');
    assert.throws(() => parseSearchCommand([atom('CHARSET'), atom('KOI8-R'), atom('ALL')]), BadCharsetError);
    assert.throws(() => parseSearchCommand([atom('CHARSET')]), ImapSyntaxError);
    assert.throws(() => parseSearchCommand([atom('CHARSET'), atom('UTF-8')]), ImapSyntaxError);
  });
});

describe('with the command parser', () => {
  test('reads what the command parser produces', () => {
    const command = parseFramedCommand({
      segments: [Buffer.from('a1 SEARCH CHARSET UTF-8 OR (FROM smith SINCE 1-Feb-1994) NOT 1:5 SUBJECT NIL HEADER X-Foo ""')],
      literals: [],
    });
    assert.deepEqual(parseSearchCommand(command.args), {
      charset: 'UTF-8',
      key: {
        type: 'and',
        keys: [
          {
            type: 'or',
            left: {
              type: 'and',
              keys: [
                { type: 'text', target: 'from', value: 'smith' },
                { type: 'date', field: 'internal', op: 'since', day: dayNumber(1994, 2, 1) },
              ],
            },
            right: { type: 'not', key: { type: 'seq', set: [{ from: 1, to: 5 }] } },
          },
          { type: 'text', target: 'subject', value: 'NIL' },
          { type: 'header', name: 'X-Foo', value: '' },
        ],
      },
    });
  });
});
