import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, checkFilterText, formatDiagnostic } from '../../src/mailsort/parser.js';
import type { Rule, FilterTree, VacationSettings } from '../../src/mailsort/ast.js';
import { tokenize } from '../../src/mailsort/lexer.js';

function tree(text: string): FilterTree {
  const r = parseFilter(text);
  if (!r.ok) assert.fail(`unexpected errors: ${r.errors.map(formatDiagnostic).join('; ')}`);
  return r.tree;
}

function rules(text: string): Rule[] {
  return tree(text).items.flatMap((i) => (i.kind === 'rule' ? [i.rule] : []));
}

function vacation(text: string): VacationSettings | null {
  for (const i of tree(text).items) if (i.kind === 'vacation') return i.vacation;
  return null;
}

function firstError(text: string): string {
  const r = parseFilter(text);
  if (r.ok) assert.fail(`expected an error for ${JSON.stringify(text)}`);
  const e = r.errors[0];
  assert.ok(e);
  return formatDiagnostic(e);
}

const one = (body: string): string => `rule "r"\n${body}\nend\n`;

describe('lexer', () => {
  test('tokens carry kind, value, line and column', () => {
    const toks = tokenize('rule "a\\"b" # c\n  size over 10K, 2026-01-05');
    const shape = toks.map((t) => [t.kind, t.value, t.line, t.column]);
    assert.deepEqual(shape, [
      ['word', 'rule', 1, 1],
      ['string', 'a"b', 1, 6],
      ['comment', '# c', 1, 13],
      ['eol', '\n', 1, 16],
      ['word', 'size', 2, 3],
      ['word', 'over', 2, 8],
      ['number', '10', 2, 13],
      ['word', 'K', 2, 15],
      ['comma', ',', 2, 16],
      ['date', '2026-01-05', 2, 18],
      ['eof', '', 2, 28],
    ]);
  });

  test('CRLF and bare CR are line ends', () => {
    const toks = tokenize('a\r\nb\rc');
    assert.deepEqual(
      toks.map((t) => [t.kind, t.line, t.column]),
      [['word', 1, 1], ['eol', 1, 2], ['word', 2, 1], ['eol', 2, 2], ['word', 3, 1], ['eof', 3, 2]],
    );
  });

  test('a text block removes the common indentation and keeps inner blank lines', () => {
    const toks = tokenize('body """\n    Hello,\n\n      indented\n    bye\n    """\n');
    const block = toks.find((t) => t.kind === 'textblock');
    assert.equal(block?.value, 'Hello,\n\n  indented\nbye');
  });

  test('strings may span lines and hold escaped quotes and backslashes', () => {
    const toks = tokenize('"a\nb \\\\ \\""');
    assert.equal(toks[0]?.kind, 'string');
    assert.equal(toks[0]?.value, 'a\nb \\ "');
  });
});

describe('parser: constructs', () => {
  test('the condition forms: always, if with and, if with or, not, every field and operator', () => {
    const [a, b, c] = rules(
      [
        'rule "a"',
        '  always',
        '  stop',
        'end',
        'rule "b" disabled',
        '  if from contains "x" and to is "y" and cc begins with "z" and bcc ends with "w" and subject matches "a*b?"',
        '  discard',
        'end',
        'RULE "c"',
        '  IF NOT header "X-Spam-Flag" Is "YES" OR size over 2M or not size under 100 or size over 3k',
        '  KEEP_THIS_OUT_NEVER_MIND',
      ]
        .slice(0, 10)
        .concat(['  Stop', 'END'])
        .join('\n'),
    );
    assert.deepEqual(a, { name: 'a', disabled: false, condition: { kind: 'always' }, actions: [{ kind: 'stop' }] });
    assert.equal(b?.disabled, true);
    assert.deepEqual(b?.condition, {
      kind: 'and',
      tests: [
        { kind: 'header', not: false, field: { kind: 'from' }, op: 'contains', value: 'x' },
        { kind: 'header', not: false, field: { kind: 'to' }, op: 'is', value: 'y' },
        { kind: 'header', not: false, field: { kind: 'cc' }, op: 'begins', value: 'z' },
        { kind: 'header', not: false, field: { kind: 'bcc' }, op: 'ends', value: 'w' },
        { kind: 'header', not: false, field: { kind: 'subject' }, op: 'matches', value: 'a*b?' },
      ],
    });
    assert.deepEqual(c?.condition, {
      kind: 'or',
      tests: [
        { kind: 'header', not: true, field: { kind: 'header', name: 'X-Spam-Flag' }, op: 'is', value: 'YES' },
        { kind: 'size', not: false, cmp: 'over', bytes: 2 * 1024 * 1024, text: '2M' },
        { kind: 'size', not: true, cmp: 'under', bytes: 100, text: '100' },
        { kind: 'size', not: false, cmp: 'over', bytes: 3 * 1024, text: '3k' },
      ],
    });
  });

  test('every action', () => {
    const [r] = rules(
      one(
        [
          '  always',
          '  move to "Lists/rust"',
          '  copy to "shared/sales@example.com/Quotes"',
          '  forward to "a@example.com", "b@example.com" ,"c@example.com"',
          '  reject',
          '  reject "Go away"',
          '  vacation',
          '  discard',
          '  stop',
        ].join('\n'),
      ),
    );
    assert.deepEqual(r?.actions, [
      { kind: 'move', folder: 'Lists/rust' },
      { kind: 'copy', folder: 'shared/sales@example.com/Quotes' },
      { kind: 'forward', to: ['a@example.com', 'b@example.com', 'c@example.com'] },
      { kind: 'reject', reason: null },
      { kind: 'reject', reason: 'Go away' },
      { kind: 'vacation' },
      { kind: 'discard' },
      { kind: 'stop' },
    ]);
  });

  test('comments anywhere a line may end, blank lines inside blocks, CRLF, and a file without a final line end', () => {
    const text = '# top\r\nrule "x" # head\r\n\r\n  always # cond\r\n  # own line\r\n  stop\r\nend # done';
    const r = tree(text);
    assert.equal(r.eol, '\r\n');
    assert.equal(rules(text).length, 1);
  });

  test('the vacation block: every setting', () => {
    const v = vacation(
      [
        'vacation',
        '  subject "Away"',
        '  body """',
        '    Back on Monday.',
        '      Regards',
        '    """',
        '  days 14',
        '  active from 2026-12-20 until 2027-01-05',
        '  addresses "alice@example.org", "a.smith@example.com"',
        'end',
      ].join('\n'),
    );
    assert.deepEqual(v, {
      subject: 'Away',
      body: 'Back on Monday.\n  Regards',
      days: 14,
      activeFrom: { year: 2026, month: 12, day: 20 },
      activeUntil: { year: 2027, month: 1, day: 5 },
      addresses: ['alice@example.org', 'a.smith@example.com'],
    });
    assert.deepEqual(vacation('vacation\n active until 2027-02-28\n body "short"\nend\n'), {
      subject: null,
      body: 'short',
      days: null,
      activeFrom: null,
      activeUntil: { year: 2027, month: 2, day: 28 },
      addresses: [],
    });
    assert.deepEqual(vacation('vacation\n active from 2024-02-29\nend\n')?.activeFrom, { year: 2024, month: 2, day: 29 });
  });

  test('an empty file and a file of comments parse to no rules', () => {
    assert.deepEqual(rules(''), []);
    assert.deepEqual(rules('# nothing\n\n   \n# here\n'), []);
  });

  test('checkFilterText answers ok or every error with line and column', () => {
    assert.deepEqual(checkFilterText(one('  always\n  stop')), { ok: true });
    const r = checkFilterText('rule "a"\n  always\n  jump\nend\nrule "b"\n  sometimes\n  stop\nend\n');
    assert.deepEqual(r, {
      ok: false,
      errors: [
        { line: 3, column: 3, message: "expected an action (move, copy, forward, reject, vacation, discard, stop), found 'jump'" },
        { line: 6, column: 3, message: "expected 'always' or 'if', found 'sometimes'" },
      ],
    });
  });
});

describe('parser: every error names line, column, what was expected and what was found', () => {
  const cases: [string, string, string][] = [
    ['top level', 'hello\n', "line 1, column 1: expected 'rule' or 'vacation', found 'hello'"],
    ['rule name', 'rule always\n', "line 1, column 6: expected the rule's name (a quoted string), found 'always'"],
    ['after the name', 'rule "a" enabled\n', "line 1, column 10: expected 'disabled' or end of line, found 'enabled'"],
    ['condition', 'rule "a"\n  when\n', "line 2, column 3: expected 'always' or 'if', found 'when'"],
    ['after always', 'rule "a"\n  always stop\n', "line 2, column 10: expected end of line, found 'stop'"],
    ['after one test', one('  if from is "a" "b"\n  stop'), `line 2, column 18: expected 'and', 'or' or end of line, found the string "b"`],
    ['after and-tests', one('  if from is "a" and to is "b" stop\n  stop'), "line 2, column 32: expected 'and' or end of line, found 'stop'"],
    ['and with or', one('  if from is "a" and to is "b" or cc is "c"\n  stop'), "line 2, column 32: expected 'and' or end of line (a rule uses 'and' or 'or', not both), found 'or'"],
    ['or with and', one('  if from is "a" or to is "b" and cc is "c"\n  stop'), "line 2, column 31: expected 'or' or end of line (a rule uses 'and' or 'or', not both), found 'and'"],
    ['field', one('  if date is "x"\n  stop'), "line 2, column 6: expected a field (from, to, cc, bcc, subject, header) or 'size', found 'date'"],
    ['field after not', one('  if not "x"\n  stop'), `line 2, column 10: expected a field (from, to, cc, bcc, subject, header) or 'size', found the string "x"`],
    ['header name', one('  if header X-Foo is "x"\n  stop'), "line 2, column 13: expected the header field name (a quoted string), found 'X-Foo'"],
    ['bad header name', one('  if header "X Foo" is "x"\n  stop'), `line 2, column 13: expected a header field name (printable characters, no spaces or colon), found the string "X Foo"`],
    ['operator', one('  if from equals "x"\n  stop'), "line 2, column 11: expected 'contains', 'is', 'begins with', 'ends with' or 'matches', found 'equals'"],
    ['begins without with', one('  if from begins "x"\n  stop'), `line 2, column 18: expected 'with', found the string "x"`],
    ['value', one('  if from is x\n  stop'), "line 2, column 14: expected the text to compare with (a quoted string), found 'x'"],
    ['value missing', one('  if subject contains\n  stop'), 'line 2, column 22: expected the text to compare with (a quoted string), found end of line'],
    ['size comparison', one('  if size above 10\n  stop'), "line 2, column 11: expected 'over' or 'under', found 'above'"],
    ['size value', one('  if size over big\n  stop'), "line 2, column 16: expected a size (a number, optionally followed by K or M), found 'big'"],
    ['size unit', one('  if size over 10G\n  stop'), "line 2, column 18: expected 'and', 'or' or end of line, found 'G'"],
    ['size too large', one('  if size over 99999999999999999999\n  stop'), 'line 2, column 16: expected a size below 9007199254740991 bytes, found the number 99999999999999999999'],
    ['first action', 'rule "a"\n  always\nend\n', "line 3, column 1: expected an action (move, copy, forward, reject, vacation, discard, stop), found 'end'"],
    ['later action', one('  always\n  stop\n  keep'), "line 4, column 3: expected an action or 'end', found 'keep'"],
    ['missing end', 'rule "a"\n  always\n  stop\n', "line 4, column 1: expected an action or 'end', found end of file"],
    ['move without to', one('  always\n  move "x"'), `line 3, column 8: expected 'to', found the string "x"`],
    ['folder', one('  always\n  copy to Archive'), "line 3, column 11: expected a folder name (a quoted string), found 'Archive'"],
    ['empty folder', one('  always\n  move to ""'), 'line 3, column 11: expected a folder name, found the string ""'],
    ['forward address', one('  always\n  forward to bob'), "line 3, column 14: expected an address (a quoted string), found 'bob'"],
    ['bad forward address', one('  always\n  forward to "bob smith@x"'), 'line 3, column 14: expected an e-mail address, found the string "bob smith@x"'],
    ['after forward', one('  always\n  forward to "a@x" "b@x"'), `line 3, column 20: expected ',' or end of line, found the string "b@x"`],
    ['after comma', one('  always\n  forward to "a@x",\n  stop'), 'line 3, column 20: expected an address (a quoted string), found end of line'],
    ['reject reason', one('  always\n  reject because'), "line 3, column 10: expected a reason (a quoted string) or end of line, found 'because'"],
    ['after an action', one('  always\n  stop now'), "line 3, column 8: expected end of line, found 'now'"],
    ['after end', 'rule "a"\n  always\n  stop\nend rule\n', "line 4, column 5: expected end of line, found 'rule'"],
    ['text block as a name', 'rule """\n  x\n  """\n  always\n  stop\nend\n', "line 1, column 6: expected the rule's name (a quoted string), found a text block"],
    ['two vacations', 'vacation\nend\nvacation\nend\n', 'line 3, column 1: expected at most one vacation block, found a second one'],
    ['after vacation', 'vacation now\nend\n', "line 1, column 10: expected end of line, found 'now'"],
    ['vacation setting', 'vacation\n  reply "x"\nend\n', "line 2, column 3: expected a vacation setting (subject, body, days, active, addresses) or 'end', found 'reply'"],
    ['vacation setting not a word', 'vacation\n  "x"\nend\n', `line 2, column 3: expected a vacation setting (subject, body, days, active, addresses) or 'end', found the string "x"`],
    ['vacation without end', 'vacation\n  days 3\n', "line 3, column 1: expected a vacation setting (subject, body, days, active, addresses) or 'end', found end of file"],
    ['duplicate setting', 'vacation\n  days 3\n  DAYS 4\nend\n', "line 3, column 3: expected one 'days' line in the vacation block, found a second one"],
    ['subject', 'vacation\n  subject Away\nend\n', "line 2, column 11: expected the subject (a quoted string), found 'Away'"],
    ['body', 'vacation\n  body 12\nend\n', `line 2, column 8: expected the body (a quoted string or a '"""' text block), found the number 12`],
    ['days word', 'vacation\n  days seven\nend\n', "line 2, column 8: expected a number of days from 1 to 60, found 'seven'"],
    ['days 0', 'vacation\n  days 0\nend\n', 'line 2, column 8: expected a number of days from 1 to 60, found the number 0'],
    ['days 61', 'vacation\n  days 61\nend\n', 'line 2, column 8: expected a number of days from 1 to 60, found the number 61'],
    ['active', 'vacation\n  active since 2026-01-01\nend\n', "line 2, column 10: expected 'from' or 'until', found 'since'"],
    ['date', 'vacation\n  active from tomorrow\nend\n', "line 2, column 15: expected a date (YYYY-MM-DD), found 'tomorrow'"],
    ['date shape', 'vacation\n  active until 2026-1-5\nend\n', "line 2, column 16: expected a date (YYYY-MM-DD), found the number 2026"],
    ['impossible date', 'vacation\n  active from 2026-02-30\nend\n', 'line 2, column 15: expected a valid calendar date (YYYY-MM-DD), found the date 2026-02-30'],
    ['until before from', 'vacation\n  active from 2026-03-01 until 2026-02-01\nend\n', 'line 2, column 32: expected a last day not before the first day, found 2026-02-01'],
    ['after active from', 'vacation\n  active from 2026-03-01 to 2026-04-01\nend\n', "line 2, column 26: expected 'until' or end of line, found 'to'"],
    ['addresses', 'vacation\n  addresses "a@x" "b@x"\nend\n', `line 2, column 19: expected ',' or end of line, found the string "b@x"`],
    ['unexpected character', one('  if from is "a" ; to is "b"\n  stop'), "line 2, column 18: expected 'and', 'or' or end of line, found the character ';'"],
    ['control character', 'rule "a"\u0001\n', "line 1, column 9: expected 'disabled' or end of line, found the character U+0001"],
    ['unterminated string', 'rule "a\n  always\n', `line 1, column 6: unterminated string: expected a closing '"', found end of file`],
    ['bad escape', 'rule "a\\n"\n  always\n  stop\nend\n', `line 1, column 6: expected '"' or '\\' after '\\' in a string, found 'n'`],
    ['text block opener', 'vacation\n  body """Hello"""\nend\n', `line 2, column 8: expected end of line after '"""', found 'H'`],
    ['unterminated text block', 'vacation\n  body """\n  Hello\nend\n', `line 2, column 8: unterminated text block: expected a line holding only '"""', found end of file`],
  ];
  for (const [name, text, expected] of cases) {
    test(name, () => assert.equal(firstError(text), expected));
  }

  test('after an error the parser goes on with the next block and reports it too', () => {
    const r = parseFilter('rule "a"\n  always\n  jump\n  stop\nend\n\nrule "b"\n  always\n  stop\nend\nrule "c"\n  if from\n');
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(
      r.errors.map((e) => [e.line, e.column]),
      [[3, 3], [12, 10]],
    );
  });

  test('a rule missing its end is reported at the next rule, which still parses', () => {
    const r = parseFilter('rule "a"\n  always\n  stop\nrule "b"\n  always\n  bad\nend\n');
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(r.errors.map(formatDiagnostic), [
      "line 4, column 1: expected an action or 'end', found 'rule'",
      "line 6, column 3: expected an action (move, copy, forward, reject, vacation, discard, stop), found 'bad'",
    ]);
  });
});
