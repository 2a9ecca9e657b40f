import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, formatDiagnostic } from '../../src/mailsort/parser.js';
import { compileFilter, evaluate, DEFAULT_REJECT_REASON, type Evaluation } from '../../src/mailsort/evaluator.js';
import { createMessageView } from '../../src/mailsort/message-view.js';
import { compileWildcard } from '../../src/mailsort/wildcard.js';

function run(filter: string, headers: string, size = 1000): Evaluation {
  const r = parseFilter(filter);
  if (!r.ok) assert.fail(r.errors.map(formatDiagnostic).join('; '));
  return evaluate(compileFilter(r.tree), createMessageView(Buffer.from(`${headers.replace(/\n/g, '\r\n')}\r\n\r\n`), size));
}

/** Does a one-test rule match the message? */
function matches(condition: string, headers: string, size = 1000): boolean {
  return run(`rule "t"\n  if ${condition}\n  move to "hit"\nend\n`, headers, size).folders.includes('hit');
}

const MSG = [
  'From: "John Doe" <John.Doe@Example.COM>',
  'To: Alice <alice@example.com>, bob@example.org, Team: carol@example.net, "Dan D." <dan@example.net>;',
  'Cc: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <jm@example.de>',
  'Subject: =?ISO-8859-1?Q?Rechnung_f=FCr_M=E4rz?= [quote] #42',
  'X-Tag: first',
  'X-Tag: Second Value',
  'X-Empty:',
].join('\n');

describe('matching', () => {
  test('contains looks anywhere in the decoded value, case-insensitively', () => {
    assert.ok(matches('from contains "john doe"', MSG));
    assert.ok(matches('from contains "EXAMPLE.com>"', MSG));
    assert.ok(matches('subject contains "FÜR MÄRZ"', MSG));
    assert.ok(matches('cc contains "jürgen"', MSG));
    assert.ok(!matches('subject contains "april"', MSG));
  });

  test('is compares with the whole value, and for address fields with each address and each display name', () => {
    assert.ok(matches('from is "john.doe@example.com"', MSG));
    assert.ok(matches('from is "JOHN DOE"', MSG));
    assert.ok(matches('from is "\\"John Doe\\" <John.Doe@Example.COM>"', MSG));
    assert.ok(!matches('from is "john"', MSG));
    assert.ok(matches('to is "bob@example.org"', MSG));
    assert.ok(matches('to is "dan d."', MSG), 'group members count');
    assert.ok(matches('cc is "Jürgen Müller"', MSG));
    assert.ok(matches('subject is "rechnung für märz [quote] #42"', MSG));
    assert.ok(!matches('subject is "rechnung"', MSG), 'subject: the whole value only');
  });

  test('begins with and ends with', () => {
    assert.ok(matches('subject begins with "Rechnung"', MSG));
    assert.ok(matches('subject ends with "#42"', MSG));
    assert.ok(matches('from begins with "john.doe@"', MSG));
    assert.ok(matches('from ends with "@example.com"', MSG));
    assert.ok(matches('to ends with "example.org"', MSG));
    assert.ok(!matches('subject begins with "[quote]"', MSG));
  });

  test('matches is a wildcard on the same candidates', () => {
    assert.ok(matches('from matches "*@example.com"', MSG));
    assert.ok(matches('from matches "john ???"', MSG));
    assert.ok(matches('subject matches "rechnung*#4?"', MSG));
    assert.ok(!matches('subject matches "rechnung"', MSG));
    assert.ok(matches('to matches "*.org"', MSG));
  });

  test('a header occurring several times matches when any occurrence does', () => {
    assert.ok(matches('header "x-tag" is "second value"', MSG));
    assert.ok(matches('header "X-TAG" is "first"', MSG));
    assert.ok(matches('header "x-empty" is ""', MSG));
  });

  test('a missing header matches nothing, and not of it matches', () => {
    for (const op of ['contains ""', 'is ""', 'begins with ""', 'ends with ""', 'matches "*"']) {
      assert.ok(!matches(`header "X-Missing" ${op}`, MSG), op);
      assert.ok(matches(`not header "X-Missing" ${op}`, MSG), op);
    }
    assert.ok(!matches('bcc contains "a"', MSG));
    assert.ok(matches('not bcc contains "a"', MSG));
  });

  test('size over and under compare bytes', () => {
    assert.ok(matches('size over 10K', MSG, 10 * 1024 + 1));
    assert.ok(!matches('size over 10K', MSG, 10 * 1024));
    assert.ok(matches('size under 1M', MSG, 1024 * 1024 - 1));
    assert.ok(!matches('size under 1M', MSG, 1024 * 1024));
    assert.ok(matches('not size over 100', MSG, 100));
  });

  test('and needs every test, or needs one', () => {
    assert.ok(matches('from contains "john" and subject contains "quote"', MSG));
    assert.ok(!matches('from contains "john" and subject contains "nope"', MSG));
    assert.ok(matches('from contains "nope" or subject contains "quote"', MSG));
    assert.ok(!matches('from contains "nope" or subject contains "nope"', MSG));
  });

  test('wildcards run in linear-ish time and count characters, not UTF-16 units', () => {
    const p = compileWildcard('*a*a*a*a*a*a*a*a*b');
    const started = process.hrtime.bigint();
    assert.equal(p.test('a'.repeat(5000)), false);
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 2000);
    assert.ok(compileWildcard('?').test('😀'));
    assert.ok(compileWildcard('a?c').test('a😀c'));
    assert.ok(compileWildcard('').test(''));
    assert.ok(!compileWildcard('').test('x'));
    assert.ok(compileWildcard('**').test(''));
  });
});

describe('actions', () => {
  const H = 'From: a@example.com\nSubject: hello';

  test('no rule matches: implicit keep into INBOX', () => {
    const e = run('rule "x"\n  if subject is "nope"\n  move to "X"\nend\n', H);
    assert.deepEqual(e, { actions: [], reject: null, keep: true, folders: [], forwards: [], vacation: false, stoppedAt: null });
  });

  test('move replaces INBOX; copy adds to it', () => {
    assert.deepEqual(run('rule "m"\n  always\n  move to "A"\nend\n', H).keep, false);
    const c = run('rule "c"\n  always\n  copy to "A"\nend\n', H);
    assert.equal(c.keep, true);
    assert.deepEqual(c.folders, ['A']);
  });

  test('several moves and copies file into each folder once, in order; INBOX is case-insensitive', () => {
    const e = run(
      'rule "1"\n  always\n  move to "A"\n  copy to "B"\nend\nrule "2"\n  always\n  move to "A"\n  copy to "inbox"\n  copy to "INBOX"\nend\n',
      H,
    );
    assert.deepEqual(e.folders, ['A', 'B', 'inbox']);
    assert.equal(e.keep, false);
    assert.equal(e.actions.length, 5);
    assert.deepEqual(e.actions.map((a) => a.rule), [0, 0, 1, 1, 1]);
  });

  test('forward keeps the message; addresses are collected once each', () => {
    const e = run('rule "f"\n  always\n  forward to "x@y.example", "z@y.example"\n  forward to "X@Y.example"\nend\n', H);
    assert.deepEqual(e.forwards, ['x@y.example', 'z@y.example']);
    assert.equal(e.keep, true);
  });

  test('stop ends the run; later rules are not looked at', () => {
    const e = run('rule "1"\n  always\n  copy to "A"\n  stop\n  copy to "B"\nend\nrule "2"\n  always\n  copy to "C"\nend\n', H);
    assert.deepEqual(e.folders, ['A']);
    assert.equal(e.stoppedAt, 0);
  });

  test('disabled rules are skipped, and indexes still count them', () => {
    const e = run('rule "off" disabled\n  always\n  move to "A"\nend\nrule "on"\n  always\n  copy to "B"\nend\n', H);
    assert.deepEqual(e.folders, ['B']);
    assert.equal(e.actions[0]?.rule, 1);
    assert.equal(e.actions[0]?.ruleName, 'on');
  });

  test('reject cancels everything before it and ends the run', () => {
    const e = run(
      'rule "1"\n  always\n  copy to "A"\n  forward to "f@x.example"\n  vacation\nend\nrule "2"\n  always\n  reject "Not wanted"\nend\nrule "3"\n  always\n  copy to "C"\nend\n',
      H,
    );
    assert.equal(e.reject, 'Not wanted');
    assert.deepEqual([e.keep, e.folders, e.forwards, e.vacation, e.stoppedAt], [false, [], [], false, 1]);
    assert.equal(run('rule "r"\n  always\n  reject\nend\n', H).reject, DEFAULT_REJECT_REASON);
  });

  test('discard keeps no copy, even of earlier or later copies; forwards and vacation still go', () => {
    const e = run(
      'rule "1"\n  always\n  copy to "A"\n  forward to "f@x.example"\nend\nrule "2"\n  always\n  discard\n  vacation\nend\nrule "3"\n  always\n  move to "B"\nend\n',
      H,
    );
    assert.deepEqual([e.keep, e.folders, e.forwards, e.vacation, e.reject], [false, [], ['f@x.example'], true, null]);
  });

  test('vacation is flagged once however many rules ask', () => {
    const e = run('rule "1"\n  always\n  vacation\nend\nrule "2"\n  always\n  vacation\nend\n', H);
    assert.equal(e.vacation, true);
    assert.equal(e.keep, true);
  });

  test('the MAILSORT.md example does what it says', () => {
    const file =
      'rule "John"\n  if from contains "John Doe"\n  move to "enr"\nend\n' +
      'rule "Quotes"\n  if subject contains "[quote]" or to contains "sales@"\n  copy to "shared/sales@example.com"\nend\n' +
      'rule "Invoices"\n  if subject begins with "Invoice" and size over 10K\n  forward to "books@example.com", "archive@example.com"\n  stop\nend\n' +
      'rule "Spammer"\n  if from is "offers@spam.example"\n  reject "No thanks."\nend\n';
    assert.deepEqual(run(file, MSG).folders, ['enr', 'shared/sales@example.com']);
    const invoice = run(file, 'From: shop@example.org\nSubject: Invoice 7\nTo: Sales <sales@example.com>', 20000);
    assert.deepEqual([invoice.folders, invoice.forwards, invoice.keep, invoice.stoppedAt], [
      ['shared/sales@example.com'],
      ['books@example.com', 'archive@example.com'],
      true,
      2,
    ]);
    assert.equal(run(file, 'From: Offers <OFFERS@spam.example>\nSubject: deal').reject, 'No thanks.');
  });
});

describe('wildcard matcher against a regular-expression oracle', () => {
  test('2,000 random patterns and texts agree', () => {
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const pick = (alphabet: string, max: number): string => {
      let s = '';
      const len = next(max + 1);
      for (let i = 0; i < len; i++) s += alphabet[next(alphabet.length)] ?? '';
      return s;
    };
    for (let i = 0; i < 2000; i++) {
      const pattern = pick(i % 2 === 0 ? 'ab*' : 'ab*?', 7);
      const text = pick('ab', 8);
      const oracle = new RegExp(`^${pattern.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's').test(text);
      assert.equal(compileWildcard(pattern).test(text), oracle, `${JSON.stringify(pattern)} on ${JSON.stringify(text)}`);
    }
  });
});
